// SchemaService, objects: create, update and delete custom objects.
#include "audit/change.h"
#include "common/text.h"
#include "schema/schema_internal.h"
#include "storage/database.h"

namespace crm {

using formula::Value;
using nlohmann::json;
using namespace schema_detail;

namespace {

/// A label written without Latin letters but with other characters ("发票"): it takes no English
/// plural "s" and no " Name" / " Number" suffix.
bool WrittenWithoutLatin(const std::string& label) {
    bool other = false;
    for (const char c : label) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return false;
        other = other || static_cast<unsigned char>(c) >= 0x80;
    }
    return other;
}

}  // namespace

// [SECTION] Objects

std::vector<std::shared_ptr<const ObjectDef>> SchemaService::Objects() const { return objects_; }

Result<std::shared_ptr<const ObjectDef>> SchemaService::Object(std::string_view api_name) const {
    for (const auto& o : objects_) {
        if (SameName(o->api_name, api_name)) return o;
    }
    std::vector<std::string> names;
    for (const auto& o : objects_) names.push_back(o->api_name);
    std::string close = ClosestMatch(api_name, names);
    return SchemaError("schema.unknown_object",
                       "There is no object " + Quote(api_name) + "." +
                           (close.empty() ? "" : " Did you mean " + Quote(close) + "?"),
                       "object");
}

Result<std::shared_ptr<const ObjectDef>> SchemaService::LiveObject(std::string_view api_name) const {
    return Object(api_name);
}

Result<std::shared_ptr<const ObjectDef>> SchemaService::CreateObject(const std::string& actor,
                                                                     const ObjectDef& spec,
                                                                     const std::string& name_format) {
    if (Status denied = Authorize(actor); !denied.ok()) return denied.error();
    ObjectDef o = spec;
    o.custom = true;
    o.deleted = false;
    if (Status s = CheckApiName(o.api_name, true, "object", "api_name"); !s.ok()) return s.error();
    if (IsBlank(o.label)) return SchemaError("schema.invalid_object", "The object needs a label.", "label");
    // "发票": its own plural and its own Chinese label; its Name field "发票名称", not "发票 Name".
    const bool chinese = WrittenWithoutLatin(o.label);
    if (IsBlank(o.plural_label)) o.plural_label = chinese ? o.label : o.label + "s";
    if (chinese && IsBlank(o.label_zh)) o.label_zh = o.label;
    if (Status s = CheckChineseLabel(o.label_zh); !s.ok()) return s.error();
    {
        Statement taken = db_.Prepare("SELECT deleted FROM schema_objects WHERE api_name = ?1");
        taken.Bind(1, o.api_name);
        if (taken.Step()) {
            return SchemaError("schema.duplicate_api_name",
                               "The API name " + Quote(o.api_name) +
                                   (taken.Int(0) ? " belonged to a deleted object and is never reused"
                                                 : " is taken by another object") +
                                   "; choose another.",
                               "api_name");
        }
    }
    o.table = TableNameFor(o.api_name);
    o.name_field = "Name";
    FieldDef name;
    name.object = o.api_name;
    name.api_name = "Name";
    name.custom = false;
    name.column = "name";
    if (name_format.empty()) {
        name.label = chinese ? o.label + "名称" : o.label + " Name";
        if (!IsBlank(o.label_zh)) name.label_zh = o.label_zh + "名称";
        name.type = FieldType::Text;
        name.length = 80;
        name.required = true;
    } else {
        name.label = chinese ? o.label + "编号" : o.label + " Number";
        if (!IsBlank(o.label_zh)) name.label_zh = o.label_zh + "编号";
        name.type = FieldType::AutoNumber;
        name.auto_format = name_format;
        if (Status s = ValidateFieldDef(name, *this, o); !s.ok()) return s.error();
    }
    o.fields = {name};

    ChangeScope tx(changes_, actor);
    if (!tx.begin_status().ok()) return tx.begin_status().error();
    std::string sql = InsertObjectSql(o) + ChineseLabelSql(o) + InsertFieldSql(name) +
                      ChineseLabelsSql(name) + CreateRecordTableSql(o) + InsertLayoutSql(DefaultLayout(o));
    if (Status s = db_.Exec(sql); !s.ok()) return s.error();
    if (Status s = Audit(tx, "create", "object." + o.api_name, nullptr, ToJson(o)); !s.ok()) return s.error();
    if (Status s = Finish(tx); !s.ok()) return s.error();
    return Object(o.api_name);
}

Status SchemaService::UpdateObject(const std::string& actor, const ObjectDef& changed) {
    Result<std::shared_ptr<const ObjectDef>> current = ObjectToChange(actor, changed.api_name);
    if (!current.ok()) return current.error();
    if (IsBlank(changed.label))
        return SchemaError("schema.invalid_object", "The object needs a label.", "label");
    if (IsBlank(changed.plural_label)) {
        return SchemaError("schema.invalid_object", "The object needs a plural label.", "plural_label");
    }
    if (Status s = CheckChineseLabel(changed.label_zh); !s.ok()) return s;
    const ObjectDef& o = **current;
    json before = ToJson(o, false), after = before;
    after["label"] = changed.label;
    after["plural_label"] = changed.plural_label;
    after["label_zh"] = changed.label_zh;
    after["description"] = changed.description;
    if (before == after) return Status::Ok();
    ChangeScope tx(changes_, actor);
    if (!tx.begin_status().ok()) return tx.begin_status();
    Statement up = db_.Prepare(
        "UPDATE schema_objects SET label = ?1, plural_label = ?2, description = ?3, label_zh = ?4 "
        "WHERE id = ?5");
    up.Bind(1, changed.label)
        .Bind(2, changed.plural_label)
        .Bind(3, changed.description)
        .Bind(4, changed.label_zh)
        .Bind(5, o.id);
    if (Status s = up.Run(); !s.ok()) return s;
    if (Status s = Audit(tx, "update", "object." + o.api_name, before, after); !s.ok()) return s;
    return Finish(tx);
}

Status SchemaService::DeleteObject(const std::string& actor, std::string_view api_name) {
    Result<std::shared_ptr<const ObjectDef>> current = ObjectToChange(actor, api_name);
    if (!current.ok()) return current.error();
    const ObjectDef& o = **current;
    if (!o.custom) {
        return SchemaError("schema.standard_object",
                           "Standard objects such as " + o.api_name + " cannot be deleted.");
    }
    std::vector<std::string> users;
    for (const auto& other : objects_) {
        if (other->id == o.id) continue;
        for (const FieldDef& f : other->fields) {
            if (f.type == FieldType::Lookup && SameName(f.lookup_object, o.api_name)) {
                users.push_back("lookup field " + other->api_name + "." + f.api_name);
            }
        }
    }
    if (!users.empty()) {
        std::string list;
        for (const std::string& u : users) list += (list.empty() ? "" : ", ") + u;
        return SchemaError("schema.object_in_use",
                           o.api_name + " is used by " + list + "; delete those first.");
    }
    ChangeScope tx(changes_, actor);
    if (!tx.begin_status().ok()) return tx.begin_status();
    Statement up = db_.Prepare("UPDATE schema_objects SET deleted = 1 WHERE id = ?1");
    up.Bind(1, o.id);
    if (Status s = up.Run(); !s.ok()) return s;
    if (Status s = Audit(tx, "delete", "object." + o.api_name, ToJson(o, false), nullptr); !s.ok()) return s;
    return Finish(tx);
}

}  // namespace crm
