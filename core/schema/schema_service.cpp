// SchemaService: loading the metadata cache, auditing, authorizing and committing a change, the
// resolver cache, and the helpers the service's files share (schema_internal.h). The changes live
// beside it: objects.cpp, fields.cpp, retype.cpp, validation_rules.cpp, layouts.cpp. Each change:
// validate, one ChangeScope (metadata + DDL + audit + change set), commit, reload the cache.
#include "audit/change.h"
#include "common/text.h"
#include "schema/schema_internal.h"
#include "storage/database.h"

namespace crm {

using formula::Value;
using nlohmann::json;
using namespace schema_detail;

namespace schema_detail {

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }
bool SameName(std::string_view a, std::string_view b) { return ToLowerAscii(a) == ToLowerAscii(b); }

Error SchemaError(const char* code, std::string message, std::string field) {
    return MakeError(code, std::move(message), std::move(field));
}

Status NeedActor(const std::string& actor) {
    if (IsBlank(actor)) {
        return MakeError("auth.no_actor", "Say who makes the change: the acting user is missing.", "as");
    }
    return Status::Ok();
}

Status CheckApiName(std::string& name, bool custom, const char* what, const char* field) {
    std::string base = name;
    if (custom) {
        if (base.size() > 3 && SameName(base.substr(base.size() - 3), "__c")) base.resize(base.size() - 3);
        name = base + "__c";
    }
    auto bad = [&](const std::string& why) {
        return SchemaError("schema.invalid_api_name",
                           std::string("The API name ") + Quote(name) + " of the " + what + " " + why, field);
    };
    if (base.empty()) return bad("is empty; use letters, digits and underscores, starting with a letter.");
    if (base.size() > 40) return bad("is longer than 40 characters.");
    if (!std::isalpha(static_cast<unsigned char>(base[0]))) return bad("must start with a letter.");
    for (char c : base) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
            return bad("may only hold letters, digits and underscores (" + Quote(std::string(1, c)) +
                       " is not).");
        }
    }
    if (base.find("__") != std::string::npos || base.back() == '_') {
        return bad("cannot contain two underscores in a row or end with one.");
    }
    return Status::Ok();
}

Status CheckChineseLabel(const std::string& label_zh) {
    if (Utf8Length(label_zh) > 80) {
        return SchemaError("schema.invalid_label", "A Chinese label has at most 80 characters.", "label_zh");
    }
    return Status::Ok();
}

bool IsNumeric(FieldType t) {
    return t == FieldType::Number || t == FieldType::Currency || t == FieldType::Percent;
}
bool IsTextLike(FieldType t) {
    return t == FieldType::Text || t == FieldType::LongText || t == FieldType::Email ||
           t == FieldType::Phone || t == FieldType::Url || t == FieldType::AutoNumber;
}

}  // namespace schema_detail

// [SECTION] Loading

SchemaService::SchemaService(Changes& changes) : changes_(changes), db_(changes.db()) { (void)Reload(); }

SchemaService::~SchemaService() = default;

Status SchemaService::Reload() {
    std::vector<std::shared_ptr<ObjectDef>> objects;
    std::map<int64_t, ObjectDef*> by_id;
    Statement os = db_.Prepare(
        "SELECT id, api_name, label, plural_label, description, custom, table_name, name_field, label_zh "
        "FROM "
        "schema_objects "
        "WHERE deleted = 0 ORDER BY custom, api_name");
    while (os.Step()) {
        auto o = std::make_shared<ObjectDef>();
        o->id = os.Int(0);
        o->api_name = os.Text(1);
        o->label = os.Text(2);
        o->plural_label = os.Text(3);
        o->description = os.Text(4);
        o->custom = os.Int(5) != 0;
        o->table = os.Text(6);
        o->name_field = os.Text(7);
        o->label_zh = os.Text(8);
        by_id[o->id] = o.get();
        objects.push_back(std::move(o));
    }
    if (!os.status().ok()) return os.status();
    Statement fs = db_.Prepare(
        "SELECT id, object_id, api_name, label, type, help_text, custom, required, is_unique, track_history, "
        "default_value, length, precision, scale, min_value, max_value, lookup_object, relationship_name, "
        "formula, "
        "formula_type, auto_format, state, column_name, position, indexed, label_zh FROM schema_fields "
        "WHERE state <> 'purged' "
        "ORDER BY object_id, position, id");
    std::map<int64_t, FieldDef*> fields_by_id;
    while (fs.Step()) {
        auto it = by_id.find(fs.Int(1));
        if (it == by_id.end()) continue;
        FieldDef f;
        f.id = fs.Int(0);
        f.object = it->second->api_name;
        f.api_name = fs.Text(2);
        f.label = fs.Text(3);
        f.type = ParseFieldType(fs.Text(4)).value_or(FieldType::Text);
        f.help_text = fs.Text(5);
        f.custom = fs.Int(6) != 0;
        f.required = fs.Int(7) != 0;
        f.unique = fs.Int(8) != 0;
        f.track_history = fs.Int(9) != 0;
        f.default_value = fs.Text(10);
        f.length = static_cast<int>(fs.Int(11));
        f.precision = static_cast<int>(fs.Int(12));
        f.scale = static_cast<int>(fs.Int(13));
        if (!fs.IsNull(14)) f.min_value = fs.Real(14);
        if (!fs.IsNull(15)) f.max_value = fs.Real(15);
        f.lookup_object = fs.Text(16);
        f.relationship_name = fs.Text(17);
        f.formula = fs.Text(18);
        f.formula_type = ParseFieldType(fs.Text(19)).value_or(FieldType::Text);
        f.auto_format = fs.Text(20);
        f.state = fs.Text(21) == "deleted" ? FieldState::Deleted : FieldState::Active;
        f.column = fs.Text(22);
        f.position = static_cast<int>(fs.Int(23));
        f.indexed = fs.Int(24) != 0;
        f.label_zh = fs.Text(25);
        it->second->fields.push_back(std::move(f));
    }
    if (!fs.status().ok()) return fs.status();
    for (auto& o : objects) {
        for (FieldDef& f : o->fields) fields_by_id[f.id] = &f;
    }
    Statement ps = db_.Prepare(
        "SELECT field_id, api_name, label, active, is_default, label_zh FROM schema_picklist_values ORDER BY "
        "field_id, "
        "position");
    while (ps.Step()) {
        auto it = fields_by_id.find(ps.Int(0));
        if (it == fields_by_id.end()) continue;
        it->second->picklist.push_back(
            PicklistValue{ps.Text(1), ps.Text(2), ps.Int(3) != 0, ps.Int(4) != 0, ps.Text(5)});
    }
    if (!ps.status().ok()) return ps.status();
    objects_.assign(objects.begin(), objects.end());
    resolvers_.clear();
    return Status::Ok();
}

Status SchemaService::Audit(ChangeScope& change, const std::string& action, const std::string& target,
                            json old_value, json new_value) {
    // "<kind>.<Object>[.<name>]": the object, and the field of a field's change.
    std::vector<std::string> parts;
    for (size_t start = 0;;) {
        const size_t dot = target.find('.', start);
        parts.push_back(target.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    const std::string object = parts.size() > 1 ? parts[1] : std::string();
    std::vector<std::string> fields;
    if (parts.size() > 2 && parts[0] == "field") fields.push_back(parts[2]);
    change.Record("schema", object, ChangeAction::Config, 0, fields);
    return change.Audit("schema", action, target, std::move(old_value), std::move(new_value));
}

Status SchemaService::Authorize(const std::string& actor) const {
    if (Status s = NeedActor(actor); !s.ok()) return s;
    if (!authorizer_) return Status::Ok();
    return authorizer_(actor, SystemPermission::CustomizeSchema);
}

Result<std::shared_ptr<const ObjectDef>> SchemaService::ObjectToChange(const std::string& actor,
                                                                       std::string_view object) const {
    if (Status denied = Authorize(actor); !denied.ok()) return denied.error();
    return Object(object);
}

Status SchemaService::Finish(ChangeScope& change) {
    if (before_commit_hook_) {
        if (Status s = before_commit_hook_(); !s.ok()) return s;
    }
    // A schema change inside a wider change (a savepoint) reloads now, for what follows in the same
    // transaction, and again once the outer change commits (the lambda then runs after this returns).
    const bool nested = change.nested();
    if (nested) {
        ++version_;  // what caches against the version (the access snapshot) sees the change at once
        last_reload_ = Reload();
        // When the outer change rolls back, the cache must not keep what this change added.
        // (After a commit, the version has moved on and the reload is done already.)
        changes_.RunWhenClosed([this, v = version_] {
            if (version_ != v) return;
            ++version_;
            last_reload_ = Reload();
        });
    }
    if (Status s = change.Commit([this] {
            ++version_;
            last_reload_ = Reload();
        });
        !s.ok()) {
        return s;
    }
    return last_reload_;
}

// [SECTION] Formulas

std::shared_ptr<const ObjectResolver> SchemaService::Resolver(std::string_view object) const {
    Result<std::shared_ptr<const ObjectDef>> o = Object(object);
    if (!o.ok()) return nullptr;
    auto it = resolvers_.find((*o)->api_name);
    if (it != resolvers_.end()) return it->second;
    auto resolver = std::make_shared<const ObjectResolver>(**o, objects_, true);
    resolvers_[(*o)->api_name] = resolver;
    return resolver;
}

}  // namespace crm
