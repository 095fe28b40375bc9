// SchemaService: objects, fields (add, edit, delete, restore, purge, retype), validation rules and
// layouts. Each change: validate, one Transaction (metadata + DDL + audit), commit, reload the cache.
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "audit/audit_log.h"
#include "common/text.h"
#include "schema/schema_internal.h"
#include "storage/database.h"

namespace crm {

using formula::Value;
using nlohmann::json;
using namespace schema_detail;

namespace {

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }
bool SameName(std::string_view a, std::string_view b) { return ToLowerAscii(a) == ToLowerAscii(b); }

Error SchemaError(const char* code, std::string message, std::string field = {}) {
    return MakeError(code, std::move(message), std::move(field));
}

Status NeedActor(const std::string& actor) {
    if (IsBlank(actor)) {
        return MakeError("auth.no_actor", "Say who makes the change: the acting user is missing.", "as");
    }
    return Status::Ok();
}

// Identifiers: a letter, then letters, digits and single underscores; custom ones end in "__c"
// (added when missing, as Salesforce's setup does).
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

bool IsNumeric(FieldType t) {
    return t == FieldType::Number || t == FieldType::Currency || t == FieldType::Percent;
}
bool IsTextLike(FieldType t) {
    return t == FieldType::Text || t == FieldType::LongText || t == FieldType::Email ||
           t == FieldType::Phone || t == FieldType::Url || t == FieldType::AutoNumber;
}

// Reads one SQLite value in a field's storage form (for the conversion function).
Value ValueOfSql(sqlite3_value* v, const FieldDef& f) {
    const formula::ValueType t = FormulaTypeOf(f.type);
    if (sqlite3_value_type(v) == SQLITE_NULL) return Value::Blank(t);
    switch (t) {
        case formula::ValueType::Number:
            return Value::Number(sqlite3_value_double(v));
        case formula::ValueType::Boolean:
            return Value::Boolean(sqlite3_value_int64(v) != 0);
        case formula::ValueType::Date:
            return Value::Date(sqlite3_value_int64(v));
        case formula::ValueType::DateTime:
            return Value::DateTime(sqlite3_value_int64(v));
        default: {
            if (f.type == FieldType::Lookup) return Value::Text(std::to_string(sqlite3_value_int64(v)));
            const unsigned char* text = sqlite3_value_text(v);
            std::string s(text ? reinterpret_cast<const char*>(text) : "",
                          static_cast<size_t>(sqlite3_value_bytes(v)));
            if (t == formula::ValueType::Picklist) return Value::Picklist(std::move(s));
            if (t == formula::ValueType::MultiPicklist) return Value::MultiPicklist(std::move(s));
            return Value::Text(std::move(s));
        }
    }
}

// Converts one stored value of `from` into the type of `to`; an Error says why it does not convert.
Result<Value> ConvertValue(const FieldDef& from, const FieldDef& to, const Value& v) {
    if (v.is_blank()) return ValueFromText(to, "");
    if (from.type == FieldType::Checkbox && IsNumeric(to.type)) return Value::Number(v.boolean() ? 1 : 0);
    if (IsNumeric(from.type) && to.type == FieldType::Checkbox) {
        if (v.number() == 0 || v.number() == 1) return Value::Boolean(v.number() == 1);
        return MakeError("records.invalid_value", "only 0 and 1 convert to a checkbox", to.api_name);
    }
    if (from.type == FieldType::DateTime && to.type == FieldType::Date) {
        return Value::Date(
            static_cast<int64_t>(std::floor(static_cast<double>(v.ms()) / formula::kMsPerDay)));
    }
    if (from.type == FieldType::Date && to.type == FieldType::DateTime)
        return Value::DateTime(v.days() * formula::kMsPerDay);
    return ValueFromText(to, ValueToText(from, v));
}

// The type changes the conversion supports; the others are refused with a reason.
Status CheckRetypeAllowed(const FieldDef& from, const FieldDef& to) {
    auto refuse = [&](const std::string& why) {
        return SchemaError("schema.retype_not_supported",
                           "A " + std::string(FieldTypeName(from.type)) + " field cannot become " +
                               FieldTypeName(to.type) + ": " + why,
                           "type");
    };
    if (from.type == FieldType::Formula || to.type == FieldType::Formula) {
        return refuse("formula fields have no stored values; create a new field instead.");
    }
    if ((from.type == FieldType::Lookup) != (to.type == FieldType::Lookup)) {
        return refuse("lookups hold record ids; create a new field instead.");
    }
    if (from.type == FieldType::Lookup && !SameName(from.lookup_object, to.lookup_object)) {
        return refuse("a lookup keeps its target object.");
    }
    if (to.type == FieldType::AutoNumber && from.type != FieldType::AutoNumber) {
        return refuse("auto-numbers are assigned by the system; create a new field instead.");
    }
    return Status::Ok();
}

struct ConvertContext {
    const FieldDef* from;
    const FieldDef* to;
};

// crm_convert(value): the value converted to the new type in its storage form, NULL when it does not
// convert. Registered only for the duration of one type change.
void ConvertSqlFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
    const auto* c = static_cast<const ConvertContext*>(sqlite3_user_data(ctx));
    Result<Value> r = ConvertValue(*c->from, *c->to, ValueOfSql(argv[0], *c->from));
    if (!r.ok() || r->is_blank()) {
        if (r.ok() && c->to->type == FieldType::Checkbox) {
            sqlite3_result_int64(ctx, 0);
        } else {
            sqlite3_result_null(ctx);
        }
        return;
    }
    const Value& v = *r;
    switch (v.type()) {
        case formula::ValueType::Number:
            sqlite3_result_double(ctx, v.number());
            break;
        case formula::ValueType::Boolean:
            sqlite3_result_int64(ctx, v.boolean() ? 1 : 0);
            break;
        case formula::ValueType::Date:
            sqlite3_result_int64(ctx, v.days());
            break;
        case formula::ValueType::DateTime:
            sqlite3_result_int64(ctx, v.ms());
            break;
        default:
            if (c->to->type == FieldType::Lookup) {
                sqlite3_result_int64(ctx, std::stoll(v.text()));
            } else {
                sqlite3_result_text(ctx, v.text().data(), static_cast<int>(v.text().size()),
                                    SQLITE_TRANSIENT);
            }
    }
}

class ScopedConvertFunction {
public:
    ScopedConvertFunction(Database& db, const FieldDef& from, const FieldDef& to)
        : db_(db), context_{&from, &to} {
        sqlite3_create_function(db_.handle(), "crm_convert", 1, SQLITE_UTF8, &context_, ConvertSqlFunction,
                                nullptr, nullptr);
    }
    ~ScopedConvertFunction() {
        sqlite3_create_function(db_.handle(), "crm_convert", 1, SQLITE_UTF8, nullptr, nullptr, nullptr,
                                nullptr);
    }

private:
    Database& db_;
    ConvertContext context_;
};

// Checks a field definition on its own (the object is checked by the caller).
Status ValidateFieldDef(FieldDef& f, const SchemaService& schema, const ObjectDef& object) {
    if (IsBlank(f.label)) return SchemaError("schema.invalid_field", "The field needs a label.", "label");
    if (Utf8Length(f.label) > 80)
        return SchemaError("schema.invalid_field", "A label has at most 80 characters.", "label");
    if (Utf8Length(f.help_text) > 510) {
        return SchemaError("schema.invalid_field", "Help text has at most 510 characters.", "help_text");
    }
    switch (f.type) {
        case FieldType::Text:
            if (f.length == 0) f.length = 255;
            if (f.length < 1 || f.length > 255) {
                return SchemaError("schema.invalid_field",
                                   "A text field holds 1 to 255 characters; use long text for more.",
                                   "length");
            }
            break;
        case FieldType::LongText:
            if (f.length == 0) f.length = 32768;
            if (f.length < 256 || f.length > 131072) {
                return SchemaError("schema.invalid_field",
                                   "A long text field holds 256 to 131072 characters.", "length");
            }
            break;
        case FieldType::Number:
        case FieldType::Currency:
        case FieldType::Percent:
            if (f.precision < 1 || f.precision > 18) {
                return SchemaError("schema.invalid_field", "Precision (total digits) must be 1 to 18.",
                                   "precision");
            }
            if (f.scale < 0 || f.scale > f.precision) {
                return SchemaError("schema.invalid_field",
                                   "Scale (decimal places) must be 0 to the precision.", "scale");
            }
            if (f.min_value && f.max_value && *f.min_value > *f.max_value) {
                return SchemaError("schema.invalid_field", "The minimum must not be above the maximum.",
                                   "min");
            }
            break;
        case FieldType::Picklist:
        case FieldType::MultiPicklist: {
            if (f.picklist.empty()) {
                return SchemaError("schema.invalid_field", "A picklist needs at least one value.",
                                   "picklist");
            }
            std::set<std::string> seen;
            int defaults = 0;
            for (const PicklistValue& v : f.picklist) {
                if (IsBlank(v.api_name) || v.api_name.find(';') != std::string::npos ||
                    Utf8Length(v.api_name) > 255) {
                    return SchemaError(
                        "schema.invalid_field",
                        "Picklist value " + Quote(v.api_name) + " must be 1 to 255 characters without ';'.",
                        "picklist");
                }
                if (!seen.insert(v.api_name).second) {
                    return SchemaError("schema.duplicate_value",
                                       "The picklist lists " + Quote(v.api_name) + " twice.", "picklist");
                }
                if (v.is_default) ++defaults;
                if (v.is_default && !v.active) {
                    return SchemaError("schema.invalid_field", "The default value must be active.",
                                       "picklist");
                }
            }
            if (defaults > 1) {
                return SchemaError("schema.invalid_field", "A picklist has at most one default value.",
                                   "picklist");
            }
            break;
        }
        case FieldType::Lookup: {
            Result<std::shared_ptr<const ObjectDef>> target = schema.Object(f.lookup_object);
            if (!target.ok()) {
                return SchemaError(
                    "schema.unknown_object",
                    "The lookup's target object " + Quote(f.lookup_object) + " does not exist.",
                    "lookup_object");
            }
            f.lookup_object = (*target)->api_name;
            if (f.relationship_name.empty()) {
                std::string base = f.api_name;
                if (base.size() > 3 && SameName(base.substr(base.size() - 3), "__c")) {
                    f.relationship_name = base.substr(0, base.size() - 3) + "__r";
                } else if (base.size() > 2 && base.substr(base.size() - 2) == "Id") {
                    f.relationship_name = base.substr(0, base.size() - 2);
                } else {
                    f.relationship_name = base;
                }
            }
            for (const FieldDef& other : object.fields) {
                if (other.type == FieldType::Lookup && other.api_name != f.api_name &&
                    SameName(other.relationship_name, f.relationship_name)) {
                    return SchemaError("schema.duplicate_api_name",
                                       "The relationship name " + Quote(f.relationship_name) +
                                           " is taken by " + other.api_name + ".",
                                       "relationship_name");
                }
            }
            break;
        }
        case FieldType::AutoNumber:
            if (f.auto_format.empty()) f.auto_format = "{0}";
            if (f.auto_format.find("{0") == std::string::npos ||
                f.auto_format.find('}') == std::string::npos) {
                return SchemaError(
                    "schema.invalid_field",
                    "An auto-number format needs a number part such as {0000}: \"INV-{0000}\".",
                    "auto_format");
            }
            break;
        case FieldType::Formula: {
            const FieldType t = f.formula_type;
            if (!(IsNumeric(t) || t == FieldType::Text || t == FieldType::Checkbox || t == FieldType::Date ||
                  t == FieldType::DateTime)) {
                return SchemaError(
                    "schema.invalid_field",
                    "A formula returns number, currency, percent, text, checkbox, date or datetime.",
                    "formula_type");
            }
            auto all = schema.Objects();
            ObjectResolver resolver(object, all, /*with_formulas=*/false);
            formula::CompileOptions options;
            options.expected_result = FormulaTypeOf(t);
            Result<formula::CompiledFormula> compiled = formula::Compile(f.formula, resolver, options);
            if (!compiled.ok()) {
                Error e = compiled.error();
                e.field = "formula";
                return e;
            }
            break;
        }
        default:
            break;
    }
    if (f.type == FieldType::Formula || f.type == FieldType::AutoNumber || f.type == FieldType::Checkbox) {
        f.required = false;
    }
    if (f.unique &&
        (f.type == FieldType::LongText || f.type == FieldType::Checkbox || f.type == FieldType::Picklist ||
         f.type == FieldType::MultiPicklist || f.type == FieldType::Formula || f.type == FieldType::Lookup)) {
        return SchemaError("schema.invalid_field",
                           std::string("A ") + FieldTypeName(f.type) + " field cannot be unique.", "unique");
    }
    if (!f.default_value.empty()) {
        if (f.type == FieldType::Formula || f.type == FieldType::AutoNumber || f.type == FieldType::Lookup) {
            return SchemaError("schema.invalid_field", "This type of field has no default value.",
                               "default_value");
        }
        Result<Value> v = ValueFromText(f, f.default_value);
        if (!v.ok()) {
            Error e = v.error();
            e.code = "schema.invalid_field";
            e.message = "The default value does not fit the field: " + e.message;
            e.field = "default_value";
            return e;
        }
        if (Status s = CheckPicklistActive(f, *v); !s.ok()) return s;
    }
    return Status::Ok();
}

// Which fields of which objects a compiled formula reads (paths read the lookup and the target field).
std::vector<std::pair<std::string, std::string>> ReadFields(const ObjectDef& o, const ObjectResolver& r,
                                                            const formula::CompiledFormula& compiled) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const formula::FieldInfo& info : compiled.fields()) {
        if (const ObjectResolver::Path* p = r.PathAt(info.index)) {
            out.emplace_back(o.api_name, o.fields[static_cast<size_t>(p->lookup_index)].api_name);
            out.emplace_back(p->target_field.object, p->target_field.api_name);
        } else if (info.index >= 0 && static_cast<size_t>(info.index) < o.fields.size()) {
            out.emplace_back(o.api_name, o.fields[static_cast<size_t>(info.index)].api_name);
        }
    }
    return out;
}

std::string OneLine(const RetypePreview& p) {
    std::string m =
        std::to_string(p.failures) + " value" + (p.failures == 1 ? "" : "s") + " would not convert";
    if (!p.listed.empty()) {
        const RetypeFailure& f = p.listed.front();
        m += " (first: record " + std::to_string(f.record_id) + ", " + Quote(f.value) + ": " + f.reason + ")";
    }
    return m;
}

}  // namespace

// [SECTION] Loading

SchemaService::SchemaService(Database& db, AuditLog& audit, const Clock& clock,
                             std::function<void()> on_commit)
    : db_(db), audit_(audit), clock_(clock), on_commit_(std::move(on_commit)) {
    (void)Reload();
}

SchemaService::~SchemaService() = default;

Status SchemaService::Reload() {
    std::vector<std::shared_ptr<ObjectDef>> objects;
    std::map<int64_t, ObjectDef*> by_id;
    Statement os = db_.Prepare(
        "SELECT id, api_name, label, plural_label, description, custom, table_name, name_field FROM "
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
        by_id[o->id] = o.get();
        objects.push_back(std::move(o));
    }
    if (!os.status().ok()) return os.status();
    Statement fs = db_.Prepare(
        "SELECT id, object_id, api_name, label, type, help_text, custom, required, is_unique, track_history, "
        "default_value, length, precision, scale, min_value, max_value, lookup_object, relationship_name, "
        "formula, "
        "formula_type, auto_format, state, column_name, position, indexed FROM schema_fields "
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
        it->second->fields.push_back(std::move(f));
    }
    if (!fs.status().ok()) return fs.status();
    for (auto& o : objects) {
        for (FieldDef& f : o->fields) fields_by_id[f.id] = &f;
    }
    Statement ps = db_.Prepare(
        "SELECT field_id, api_name, label, active, is_default FROM schema_picklist_values ORDER BY field_id, "
        "position");
    while (ps.Step()) {
        auto it = fields_by_id.find(ps.Int(0));
        if (it == fields_by_id.end()) continue;
        it->second->picklist.push_back(PicklistValue{ps.Text(1), ps.Text(2), ps.Int(3) != 0, ps.Int(4) != 0});
    }
    if (!ps.status().ok()) return ps.status();
    objects_.assign(objects.begin(), objects.end());
    resolvers_.clear();
    return Status::Ok();
}

Status SchemaService::Audit(const std::string& actor, const std::string& action, const std::string& target,
                            json old_value, json new_value) {
    AuditEntry e;
    e.at_ms = clock_.NowMs();
    e.actor = actor;
    e.area = "schema";
    e.action = action;
    e.target = target;
    e.old_value = std::move(old_value);
    e.new_value = std::move(new_value);
    return audit_.Append(e);
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

Status SchemaService::Finish(Transaction& tx) {
    if (before_commit_hook_) {
        if (Status s = before_commit_hook_(); !s.ok()) return s;
    }
    if (Status s = tx.Commit(); !s.ok()) return s;
    ++version_;
    Status reloaded = Reload();
    if (on_commit_) on_commit_();
    return reloaded;
}

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
    if (IsBlank(o.plural_label)) o.plural_label = o.label + "s";
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
        name.label = o.label + " Name";
        name.type = FieldType::Text;
        name.length = 80;
        name.required = true;
    } else {
        name.label = o.label + " Number";
        name.type = FieldType::AutoNumber;
        name.auto_format = name_format;
        if (Status s = ValidateFieldDef(name, *this, o); !s.ok()) return s.error();
    }
    o.fields = {name};

    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status().error();
    std::string sql = InsertObjectSql(o) + InsertFieldSql(name) + CreateRecordTableSql(o) +
                      InsertLayoutSql(DefaultLayout(o));
    if (Status s = db_.Exec(sql); !s.ok()) return s.error();
    if (Status s = Audit(actor, "create", "object." + o.api_name, nullptr, ToJson(o)); !s.ok())
        return s.error();
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
    const ObjectDef& o = **current;
    json before = ToJson(o, false), after = before;
    after["label"] = changed.label;
    after["plural_label"] = changed.plural_label;
    after["description"] = changed.description;
    if (before == after) return Status::Ok();
    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status();
    Statement up = db_.Prepare(
        "UPDATE schema_objects SET label = ?1, plural_label = ?2, description = ?3 WHERE id = ?4");
    up.Bind(1, changed.label).Bind(2, changed.plural_label).Bind(3, changed.description).Bind(4, o.id);
    if (Status s = up.Run(); !s.ok()) return s;
    if (Status s = Audit(actor, "update", "object." + o.api_name, before, after); !s.ok()) return s;
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
    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status();
    Statement up = db_.Prepare("UPDATE schema_objects SET deleted = 1 WHERE id = ?1");
    up.Bind(1, o.id);
    if (Status s = up.Run(); !s.ok()) return s;
    if (Status s = Audit(actor, "delete", "object." + o.api_name, ToJson(o, false), nullptr); !s.ok())
        return s;
    return Finish(tx);
}

// [SECTION] Fields

Result<FieldDef> SchemaService::CreateField(const std::string& actor, const FieldDef& spec,
                                            bool add_to_layouts) {
    Result<std::shared_ptr<const ObjectDef>> object = ObjectToChange(actor, spec.object);
    if (!object.ok()) return object.error();
    const ObjectDef& o = **object;
    FieldDef f = spec;
    f.object = o.api_name;
    f.custom = true;
    f.state = FieldState::Active;
    if (Status s = CheckApiName(f.api_name, true, "field", "api_name"); !s.ok()) return s.error();
    if (Status s = ValidateFieldDef(f, *this, o); !s.ok()) return s.error();
    {
        Statement taken =
            db_.Prepare("SELECT state FROM schema_fields WHERE object_id = ?1 AND api_name = ?2");
        taken.Bind(1, o.id).Bind(2, f.api_name);
        if (taken.Step()) {
            const std::string state = taken.Text(0);
            return SchemaError(
                "schema.duplicate_api_name",
                o.api_name + " already has " +
                    (state == "active" ? "a field " + Quote(f.api_name)
                     : state == "deleted"
                         ? "a deleted field " + Quote(f.api_name) + " (restore it instead)"
                         : "had a field " + Quote(f.api_name) + " (purged; API names are never reused)") +
                    "; choose another API name.",
                "api_name");
        }
    }
    f.column = f.has_column() ? ColumnNameFor(f.api_name) : "";
    int position = 0;
    for (const FieldDef& other : o.fields) position = std::max(position, other.position + 1);
    {
        Statement max =
            db_.Prepare("SELECT COALESCE(MAX(position) + 1, 0) FROM schema_fields WHERE object_id = ?1");
        max.Bind(1, o.id);
        if (max.Step()) position = std::max(position, static_cast<int>(max.Int(0)));
    }
    f.position = position;

    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status().error();
    std::string sql = InsertFieldSql(f) + IndexedFieldFlagSql(f);
    if (f.has_column()) {
        sql += "ALTER TABLE " + QuoteIdent(o.table) + " ADD COLUMN " + QuoteIdent(f.column) + " " +
               ColumnTypeOf(f.type) + ";\n";
        if (NeedsIndex(o, f)) sql += IndexSql(o, f);
    }
    if (Status s = db_.Exec(sql); !s.ok()) return s.error();
    if (add_to_layouts) {
        for (Layout l : Layouts(o.api_name)) {
            if (l.sections.empty()) l.sections.push_back(LayoutSection{o.label + " Information", 2, {}});
            l.sections.front().items.push_back(LayoutItem{f.api_name, false, false});
            Statement up = db_.Prepare("UPDATE schema_layouts SET sections = ?1 WHERE id = ?2");
            up.Bind(1, SectionsJson(l)).Bind(2, l.id);
            if (Status s = up.Run(); !s.ok()) return s.error();
        }
    }
    if (Status s = Audit(actor, "create", "field." + o.api_name + "." + f.api_name, nullptr, ToJson(f));
        !s.ok()) {
        return s.error();
    }
    if (Status s = Finish(tx); !s.ok()) return s.error();
    Result<std::shared_ptr<const ObjectDef>> now = Object(o.api_name);
    if (now.ok()) {
        if (const FieldDef* created = (*now)->Field(f.api_name)) return *created;
    }
    return f;
}

namespace {

// Replaces a field's metadata row fields that an update or a retype may change.
Status WriteFieldMetadata(Database& db, const FieldDef& f) {
    Statement up = db.Prepare(
        "UPDATE schema_fields SET label = ?1, type = ?2, help_text = ?3, required = ?4, is_unique = ?5, "
        "track_history = ?6, default_value = ?7, length = ?8, precision = ?9, scale = ?10, min_value = ?11, "
        "max_value = ?12, relationship_name = ?13, formula = ?14, formula_type = ?15, auto_format = ?16, "
        "indexed = ?18 WHERE id = ?17");
    up.Bind(1, f.label)
        .Bind(2, FieldTypeName(f.type))
        .Bind(3, f.help_text)
        .Bind(4, int64_t{f.required})
        .Bind(5, int64_t{f.unique})
        .Bind(6, int64_t{f.track_history})
        .Bind(7, f.default_value)
        .Bind(8, f.length)
        .Bind(9, f.precision)
        .Bind(10, f.scale);
    if (f.min_value)
        up.Bind(11, *f.min_value);
    else
        up.Bind(11, nullptr);
    if (f.max_value)
        up.Bind(12, *f.max_value);
    else
        up.Bind(12, nullptr);
    up.Bind(13, f.relationship_name)
        .Bind(14, f.formula)
        .Bind(15, FieldTypeName(f.formula_type))
        .Bind(16, f.auto_format)
        .Bind(17, f.id)
        .Bind(18, int64_t{f.indexed});
    if (Status s = up.Run(); !s.ok()) return s;
    Statement del = db.Prepare("DELETE FROM schema_picklist_values WHERE field_id = ?1");
    del.Bind(1, f.id);
    if (Status s = del.Run(); !s.ok()) return s;
    Statement ins = db.Prepare(
        "INSERT INTO schema_picklist_values(field_id, position, api_name, label, active, is_default) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    int position = 0;
    for (const PicklistValue& v : f.picklist) {
        ins.Reset();
        ins.Bind(1, f.id)
            .Bind(2, position++)
            .Bind(3, v.api_name)
            .Bind(4, v.label)
            .Bind(5, int64_t{v.active})
            .Bind(6, int64_t{v.is_default});
        if (Status s = ins.Run(); !s.ok()) return s;
    }
    return Status::Ok();
}

}  // namespace

Result<FieldDef> SchemaService::UpdateField(const std::string& actor, const FieldDef& changed) {
    Result<std::shared_ptr<const ObjectDef>> object = ObjectToChange(actor, changed.object);
    if (!object.ok()) return object.error();
    const ObjectDef& o = **object;
    const FieldDef* current = o.Field(changed.api_name);
    if (!current) {
        return SchemaError("schema.unknown_field",
                           o.api_name + " has no field " + Quote(changed.api_name) + ".", "field");
    }
    if (changed.type != current->type) {
        return SchemaError(
            "schema.type_change",
            "Changing the type of " + current->api_name +
                " converts its data: preview it with fields.retype_preview, then use fields.retype.",
            "type");
    }
    FieldDef f = changed;
    // What an update cannot change.
    f.id = current->id;
    f.object = o.api_name;
    f.api_name = current->api_name;
    f.custom = current->custom;
    f.column = current->column;
    f.position = current->position;
    f.state = current->state;
    f.lookup_object = current->lookup_object;
    if (Status s = ValidateFieldDef(f, *this, o); !s.ok()) return s.error();
    if (ToJson(f) == ToJson(*current)) return f;

    // A tightened limit (length, digits, range, picklist values) must hold for the stored values.
    const bool data_limits_changed = f.length != current->length || f.precision != current->precision ||
                                     f.scale != current->scale || f.min_value != current->min_value ||
                                     f.max_value != current->max_value ||
                                     ToJson(f)["picklist"] != ToJson(*current)["picklist"];
    if (data_limits_changed && f.has_column()) {
        Result<RetypePreview> check = PreviewRetype(f, 5);
        if (!check.ok()) return check.error();
        if (check->failures > 0) {
            return SchemaError("schema.values_out_of_limits",
                               "The new limits of " + f.api_name + " do not fit the stored data: " +
                                   OneLine(*check) + ". Change those records first.",
                               "field");
        }
    }
    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status().error();
    if (Status s = WriteFieldMetadata(db_, f); !s.ok()) return s.error();
    if ((f.unique != current->unique || f.indexed != current->indexed) && f.has_column()) {
        std::string sql = DropIndexSql(o, *current);
        if (NeedsIndex(o, f)) sql += IndexSql(o, f);
        if (Status s = db_.Exec(sql); !s.ok()) {
            return SchemaError(
                "schema.values_not_unique",
                f.api_name + " cannot be made unique: some records share a value. Change those first.",
                "unique");
        }
    }
    if (Status s =
            Audit(actor, "update", "field." + o.api_name + "." + f.api_name, ToJson(*current), ToJson(f));
        !s.ok()) {
        return s.error();
    }
    if (Status s = Finish(tx); !s.ok()) return s.error();
    return f;
}

std::vector<std::string> SchemaService::FieldUsers(std::string_view object, std::string_view field) const {
    std::vector<std::string> users;
    auto reads = [&](const std::vector<std::pair<std::string, std::string>>& fields) {
        for (const auto& [obj, fld] : fields) {
            if (SameName(obj, object) && SameName(fld, field)) return true;
        }
        return false;
    };
    for (const auto& o : objects_) {
        std::shared_ptr<const ObjectResolver> resolver = Resolver(o->api_name);
        for (const FieldDef& f : o->fields) {
            if (f.state != FieldState::Active || f.type != FieldType::Formula) continue;
            Result<formula::CompiledFormula> c = formula::Compile(f.formula, *resolver);
            if (c.ok() && reads(ReadFields(*o, *resolver, *c))) {
                users.push_back("formula field " + o->api_name + "." + f.api_name);
            }
        }
        for (const ValidationRule& r : Rules(o->api_name)) {
            Result<formula::CompiledFormula> c = CompileRule(o->api_name, r.condition);
            if ((c.ok() && reads(ReadFields(*o, *resolver, *c))) ||
                (SameName(o->api_name, object) && SameName(r.error_field, field))) {
                users.push_back("validation rule " + o->api_name + "." + r.name);
            }
        }
        if (SameName(o->api_name, object)) {
            if (SameName(o->name_field, field)) users.push_back("the record name of " + o->api_name);
            for (const Layout& l : Layouts(o->api_name)) {
                bool used = false;
                for (const LayoutSection& s : l.sections) {
                    for (const LayoutItem& i : s.items) used = used || SameName(i.field, field);
                }
                if (used) users.push_back("layout " + Quote(l.name));
            }
        }
        // List views: columns, filters, sort field, or the filter formula.
        Statement lv =
            db_.Prepare("SELECT owner, name, definition FROM list_views WHERE object_id = ?1 ORDER BY id");
        lv.Bind(1, o->id);
        while (lv.Step()) {
            json def = json::parse(lv.Text(2), nullptr, false);
            if (!def.is_object()) continue;
            bool used = false;
            if (SameName(o->api_name, object)) {
                for (const json& c : def.value("columns", json::array()))
                    used = used || (c.is_string() && SameName(c.get<std::string>(), field));
                for (const json& fl : def.value("filters", json::array())) {
                    used = used || (fl.is_object() && SameName(fl.value("field", ""), field));
                }
                used = used || SameName(def.value("sort_field", ""), field);
            }
            const std::string text = def.value("filter_formula", "");
            if (!used && !text.empty()) {
                formula::CompileOptions opt;
                opt.expected_result = formula::ValueType::Boolean;
                Result<formula::CompiledFormula> c = formula::Compile(text, *resolver, opt);
                used = c.ok() && reads(ReadFields(*o, *resolver, *c));
            }
            if (used) users.push_back("list view " + Quote(lv.Text(1)) + " of " + lv.Text(0));
        }
    }
    for (const FieldUserSource& source : field_user_sources_) {
        for (std::string& u : source(object, field)) users.push_back(std::move(u));
    }
    return users;
}

bool SchemaService::FormulaReadsField(std::string_view formula_object, const std::string& formula,
                                      bool condition, std::string_view object, std::string_view field) const {
    Result<std::shared_ptr<const ObjectDef>> o = Object(formula_object);
    std::shared_ptr<const ObjectResolver> resolver = Resolver(formula_object);
    if (!o.ok() || !resolver) return false;
    formula::CompileOptions options;
    if (condition) options.expected_result = formula::ValueType::Boolean;
    Result<formula::CompiledFormula> c = formula::Compile(formula, *resolver, options);
    if (!c.ok()) return false;
    for (const auto& [obj, fld] : ReadFields(**o, *resolver, *c)) {
        if (SameName(obj, object) && SameName(fld, field)) return true;
    }
    return false;
}

Status SchemaService::DeleteField(const std::string& actor, std::string_view object, std::string_view field) {
    Result<std::shared_ptr<const ObjectDef>> o = ObjectToChange(actor, object);
    if (!o.ok()) return o.error();
    const FieldDef* f = (*o)->Field(field);
    if (!f)
        return SchemaError("schema.unknown_field", (*o)->api_name + " has no field " + Quote(field) + ".",
                           "field");
    if (!f->custom) {
        return SchemaError("schema.standard_field",
                           "Standard fields such as " + f->api_name + " cannot be deleted.", "field");
    }
    std::vector<std::string> users = FieldUsers((*o)->api_name, f->api_name);
    if (!users.empty()) {
        std::string list;
        for (const std::string& u : users) list += (list.empty() ? "" : "; ") + u;
        return SchemaError("schema.field_in_use",
                           f->api_name + " is used by: " + list + ". Remove it from those first.", "field");
    }
    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status();
    Statement up = db_.Prepare("UPDATE schema_fields SET state = 'deleted' WHERE id = ?1");
    up.Bind(1, f->id);
    if (Status s = up.Run(); !s.ok()) return s;
    if (Status s = Audit(actor, "delete", "field." + (*o)->api_name + "." + f->api_name, ToJson(*f), nullptr);
        !s.ok()) {
        return s;
    }
    return Finish(tx);
}

Status SchemaService::RestoreField(const std::string& actor, std::string_view object,
                                   std::string_view field) {
    Result<std::shared_ptr<const ObjectDef>> o = ObjectToChange(actor, object);
    if (!o.ok()) return o.error();
    const FieldDef* f = (*o)->AnyField(field);
    if (!f || f->state != FieldState::Deleted) {
        return SchemaError("schema.unknown_field",
                           (*o)->api_name + " has no deleted field " + Quote(field) + ".", "field");
    }
    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status();
    Statement up = db_.Prepare("UPDATE schema_fields SET state = 'active' WHERE id = ?1");
    up.Bind(1, f->id);
    if (Status s = up.Run(); !s.ok()) return s;
    FieldDef restored = *f;
    restored.state = FieldState::Active;
    if (Status s =
            Audit(actor, "restore", "field." + (*o)->api_name + "." + f->api_name, nullptr, ToJson(restored));
        !s.ok()) {
        return s;
    }
    return Finish(tx);
}

Status SchemaService::PurgeField(const std::string& actor, std::string_view object, std::string_view field) {
    Result<std::shared_ptr<const ObjectDef>> o = ObjectToChange(actor, object);
    if (!o.ok()) return o.error();
    const FieldDef* f = (*o)->AnyField(field);
    if (!f || f->state != FieldState::Deleted) {
        return SchemaError("schema.not_deleted",
                           "Only deleted fields can be purged; delete " + Quote(field) + " first.", "field");
    }
    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status();
    if (f->has_column()) {
        // SQLite refuses to drop an indexed column: the index goes first.
        std::string sql = DropIndexSql(**o, *f) + "ALTER TABLE " + QuoteIdent((*o)->table) + " DROP COLUMN " +
                          QuoteIdent(f->column) + ";\n";
        if (Status s = db_.Exec(sql); !s.ok()) return s;
    }
    Statement up = db_.Prepare("UPDATE schema_fields SET state = 'purged' WHERE id = ?1");
    up.Bind(1, f->id);
    if (Status s = up.Run(); !s.ok()) return s;
    if (Status s = Audit(actor, "purge", "field." + (*o)->api_name + "." + f->api_name, ToJson(*f), nullptr);
        !s.ok()) {
        return s;
    }
    return Finish(tx);
}

// [SECTION] Retype

namespace {

// Fills an empty picklist from the distinct values of a text column, as a text-to-picklist change does.
Status FillPicklistFromData(Database& db, const ObjectDef& o, const FieldDef& from, FieldDef& to) {
    if ((to.type != FieldType::Picklist && to.type != FieldType::MultiPicklist) || !to.picklist.empty() ||
        !IsTextLike(from.type)) {
        return Status::Ok();
    }
    std::set<std::string> seen;
    Statement st = db.Prepare("SELECT DISTINCT " + QuoteIdent(from.column) + " FROM " + QuoteIdent(o.table) +
                              " WHERE " + QuoteIdent(from.column) + " IS NOT NULL AND " +
                              QuoteIdent(from.column) + " <> '' ORDER BY 1 LIMIT 1001");
    while (st.Step()) {
        std::string text = st.Text(0);
        size_t start = 0;
        while (start <= text.size()) {
            size_t end = to.type == FieldType::MultiPicklist ? text.find(';', start) : std::string::npos;
            if (end == std::string::npos) end = text.size();
            std::string part = text.substr(start, end - start);
            if (!IsBlank(part) && part.size() <= 255 && seen.insert(part).second) {
                to.picklist.push_back(PicklistValue{part, part, true, false});
            }
            start = end + 1;
        }
    }
    if (!st.status().ok()) return st.status();
    if (to.picklist.size() > 1000) {
        return SchemaError(
            "schema.too_many_values",
            "The field holds more than 1000 different values; a picklist this long is not useful.",
            "picklist");
    }
    if (to.picklist.empty()) to.picklist.push_back(PicklistValue{"None", "None", true, false});
    return Status::Ok();
}

}  // namespace

Result<RetypePreview> SchemaService::PreviewRetype(const FieldDef& changed, int limit) const {
    Result<std::shared_ptr<const ObjectDef>> object = Object(changed.object);
    if (!object.ok()) return object.error();
    const ObjectDef& o = **object;
    const FieldDef* current = o.Field(changed.api_name);
    if (!current) {
        return SchemaError("schema.unknown_field",
                           o.api_name + " has no field " + Quote(changed.api_name) + ".", "field");
    }
    FieldDef to = changed;
    to.object = o.api_name;
    to.api_name = current->api_name;
    to.id = current->id;
    to.column = current->column;
    to.lookup_object = to.type == FieldType::Lookup ? current->lookup_object : to.lookup_object;
    if (Status s = CheckRetypeAllowed(*current, to); !s.ok()) return s.error();
    if (Status s = FillPicklistFromData(db_, o, *current, to); !s.ok()) return s.error();
    if (Status s = ValidateFieldDef(to, *this, o); !s.ok()) return s.error();
    RetypePreview preview;
    if (!current->has_column()) return preview;
    Statement st = db_.Prepare("SELECT id, " + QuoteIdent(current->column) + " FROM " + QuoteIdent(o.table) +
                               " WHERE " + QuoteIdent(current->column) + " IS NOT NULL ORDER BY id");
    while (st.Step()) {
        ++preview.records;
        Value v = ReadValue(st, 1, *current);
        Result<Value> converted = ConvertValue(*current, to, v);
        if (converted.ok()) continue;
        ++preview.failures;
        if (static_cast<int>(preview.listed.size()) < limit) {
            std::string reason = converted.error().message;
            preview.listed.push_back(RetypeFailure{st.Int(0), ValueToText(*current, v), reason});
        }
    }
    if (!st.status().ok()) return st.status().error();
    return preview;
}

Result<RetypePreview> SchemaService::RetypeField(const std::string& actor, const FieldDef& changed,
                                                 RetypeMode mode) {
    if (Status denied = Authorize(actor); !denied.ok()) return denied.error();
    Result<RetypePreview> preview = PreviewRetype(changed, 20);
    if (!preview.ok()) return preview.error();
    if (mode == RetypeMode::RefuseIfAny && preview->failures > 0) {
        return SchemaError(
            "schema.retype_would_lose_data",
            OneLine(*preview) + "; nothing was changed. Fix those records, or choose to clear them.", "type");
    }
    // Held: the cache is replaced when the change commits.
    std::shared_ptr<const ObjectDef> held = *Object(changed.object);
    const ObjectDef& o = *held;
    const FieldDef& current = *o.Field(changed.api_name);
    // The same normalisation as the preview (picklist filled from the data, limits defaulted).
    FieldDef to = changed;
    to.object = o.api_name;
    to.api_name = current.api_name;
    to.id = current.id;
    to.custom = current.custom;
    to.column = current.column;
    to.position = current.position;
    to.state = current.state;
    if (to.type == FieldType::Lookup) to.lookup_object = current.lookup_object;
    if (Status s = FillPicklistFromData(db_, o, current, to); !s.ok()) return s.error();
    if (Status s = ValidateFieldDef(to, *this, o); !s.ok()) return s.error();

    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status().error();
    if (current.has_column()) {
        ScopedConvertFunction convert(db_, current, to);
        const std::string table = QuoteIdent(o.table);
        const std::string column = QuoteIdent(current.column);
        std::string sql = DropIndexSql(o, current);
        if (std::string(ColumnTypeOf(current.type)) == ColumnTypeOf(to.type)) {
            // Same storage class: convert in place (values that do not convert become NULL).
            sql += "UPDATE " + table + " SET " + column + " = crm_convert(" + column + ") WHERE " + column +
                   " IS NOT NULL;\n";
        } else {
            // A new storage class: a new column, filled, then swapped in under the old name.
            const std::string tmp = QuoteIdent(current.column + "__retype");
            sql += "ALTER TABLE " + table + " ADD COLUMN " + tmp + " " + ColumnTypeOf(to.type) + ";\n";
            sql += "UPDATE " + table + " SET " + tmp + " = crm_convert(" + column + ") WHERE " + column +
                   " IS NOT NULL;\n";
            sql += "ALTER TABLE " + table + " DROP COLUMN " + column + ";\n";
            sql += "ALTER TABLE " + table + " RENAME COLUMN " + tmp + " TO " + column + ";\n";
        }
        if (NeedsIndex(o, to)) sql += IndexSql(o, to);
        if (Status s = db_.Exec(sql); !s.ok()) return s.error();
    }
    if (Status s = WriteFieldMetadata(db_, to); !s.ok()) return s.error();
    json after = ToJson(to);
    after["cleared_values"] = preview->failures;
    if (Status s = Audit(actor, "retype", "field." + o.api_name + "." + to.api_name, ToJson(current), after);
        !s.ok()) {
        return s.error();
    }
    if (Status s = Finish(tx); !s.ok()) return s.error();
    return preview;
}

// [SECTION] Validation rules

Result<formula::CompiledFormula> SchemaService::CompileRule(std::string_view object,
                                                            std::string_view condition) const {
    std::shared_ptr<const ObjectResolver> resolver = Resolver(object);
    if (!resolver) return Object(object).error();
    formula::CompileOptions options;
    options.allow_prior_values = true;
    options.expected_result = formula::ValueType::Boolean;
    return formula::Compile(condition, *resolver, options);
}

std::vector<ValidationRule> SchemaService::Rules(std::string_view object) const {
    std::vector<ValidationRule> rules;
    Result<std::shared_ptr<const ObjectDef>> o = Object(object);
    if (!o.ok()) return rules;
    Statement st = db_.Prepare(
        "SELECT id, name, description, active, condition, error_message, error_field, position FROM "
        "schema_rules "
        "WHERE object_id = ?1 ORDER BY position, id");
    st.Bind(1, (*o)->id);
    while (st.Step()) {
        ValidationRule r;
        r.id = st.Int(0);
        r.object = (*o)->api_name;
        r.name = st.Text(1);
        r.description = st.Text(2);
        r.active = st.Int(3) != 0;
        r.condition = st.Text(4);
        r.error_message = st.Text(5);
        r.error_field = st.Text(6);
        r.position = static_cast<int>(st.Int(7));
        rules.push_back(std::move(r));
    }
    return rules;
}

Result<ValidationRule> SchemaService::Rule(std::string_view object, std::string_view name) const {
    for (ValidationRule& r : Rules(object)) {
        if (SameName(r.name, name)) return r;
    }
    if (Result<std::shared_ptr<const ObjectDef>> o = Object(object); !o.ok()) return o.error();
    return SchemaError("schema.unknown_rule",
                       std::string(object) + " has no validation rule " + Quote(name) + ".", "name");
}

namespace {

Status ValidateRule(ValidationRule& r, const ObjectDef& o, const SchemaService& schema) {
    if (Status s = CheckApiName(r.name, false, "validation rule", "name"); !s.ok()) return s;
    if (IsBlank(r.error_message)) {
        return SchemaError("schema.invalid_rule", "The rule needs an error message to show when it fails.",
                           "error_message");
    }
    if (!r.error_field.empty()) {
        const FieldDef* f = o.Field(r.error_field);
        if (!f) {
            return SchemaError("schema.unknown_field",
                               o.api_name + " has no field " + Quote(r.error_field) + ".", "error_field");
        }
        r.error_field = f->api_name;
    }
    Result<formula::CompiledFormula> c = schema.CompileRule(o.api_name, r.condition);
    if (!c.ok()) {
        Error e = c.error();
        e.field = "condition";
        return e;
    }
    return Status::Ok();
}

}  // namespace

Result<ValidationRule> SchemaService::CreateRule(const std::string& actor, const ValidationRule& rule) {
    Result<std::shared_ptr<const ObjectDef>> o = ObjectToChange(actor, rule.object);
    if (!o.ok()) return o.error();
    ValidationRule r = rule;
    r.object = (*o)->api_name;
    if (Status s = ValidateRule(r, **o, *this); !s.ok()) return s.error();
    if (Rule(r.object, r.name).ok()) {
        return SchemaError("schema.duplicate_api_name",
                           r.object + " already has a rule " + Quote(r.name) + ".", "name");
    }
    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status().error();
    Statement ins = db_.Prepare(
        "INSERT INTO schema_rules(object_id, name, description, active, condition, error_message, "
        "error_field, position) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT COALESCE(MAX(position) + 1, 0) FROM schema_rules WHERE "
        "object_id = ?1))");
    ins.Bind(1, (*o)->id)
        .Bind(2, r.name)
        .Bind(3, r.description)
        .Bind(4, int64_t{r.active})
        .Bind(5, r.condition)
        .Bind(6, r.error_message)
        .Bind(7, r.error_field);
    if (Status s = ins.Run(); !s.ok()) return s.error();
    r.id = db_.LastInsertRowId();
    if (Status s = Audit(actor, "create", "rule." + r.object + "." + r.name, nullptr, ToJson(r)); !s.ok())
        return s.error();
    if (Status s = Finish(tx); !s.ok()) return s.error();
    return Rule(r.object, r.name);
}

Result<ValidationRule> SchemaService::UpdateRule(const std::string& actor, const ValidationRule& rule) {
    Result<std::shared_ptr<const ObjectDef>> o = ObjectToChange(actor, rule.object);
    if (!o.ok()) return o.error();
    Result<ValidationRule> current = Rule(rule.object, rule.name);
    if (!current.ok()) return current.error();
    ValidationRule r = rule;
    r.object = (*o)->api_name;
    r.id = current->id;
    r.name = current->name;
    if (Status s = ValidateRule(r, **o, *this); !s.ok()) return s.error();
    if (ToJson(r) == ToJson(*current)) return r;
    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status().error();
    Statement up = db_.Prepare(
        "UPDATE schema_rules SET description = ?1, active = ?2, condition = ?3, error_message = ?4, "
        "error_field = ?5, "
        "position = ?6 WHERE id = ?7");
    up.Bind(1, r.description)
        .Bind(2, int64_t{r.active})
        .Bind(3, r.condition)
        .Bind(4, r.error_message)
        .Bind(5, r.error_field)
        .Bind(6, r.position)
        .Bind(7, r.id);
    if (Status s = up.Run(); !s.ok()) return s.error();
    if (Status s = Audit(actor, "update", "rule." + r.object + "." + r.name, ToJson(*current), ToJson(r));
        !s.ok()) {
        return s.error();
    }
    if (Status s = Finish(tx); !s.ok()) return s.error();
    return Rule(r.object, r.name);
}

Status SchemaService::DeleteRule(const std::string& actor, std::string_view object, std::string_view name) {
    if (Status denied = Authorize(actor); !denied.ok()) return denied.error();
    Result<ValidationRule> current = Rule(object, name);
    if (!current.ok()) return current.error();
    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status();
    Statement del = db_.Prepare("DELETE FROM schema_rules WHERE id = ?1");
    del.Bind(1, current->id);
    if (Status s = del.Run(); !s.ok()) return s;
    if (Status s = Audit(actor, "delete", "rule." + current->object + "." + current->name, ToJson(*current),
                         nullptr);
        !s.ok()) {
        return s;
    }
    return Finish(tx);
}

// [SECTION] Layouts

std::vector<Layout> SchemaService::Layouts(std::string_view object) const {
    std::vector<Layout> layouts;
    Result<std::shared_ptr<const ObjectDef>> o = Object(object);
    if (!o.ok()) return layouts;
    Statement st = db_.Prepare(
        "SELECT id, name, sections, is_default FROM schema_layouts WHERE object_id = ?1 ORDER BY id");
    st.Bind(1, (*o)->id);
    Statement profiles =
        db_.Prepare("SELECT profile FROM schema_layout_assignments WHERE layout_id = ?1 ORDER BY profile");
    while (st.Step()) {
        Layout l;
        l.id = st.Int(0);
        l.object = (*o)->api_name;
        l.name = st.Text(1);
        l.is_default = st.Int(3) != 0;
        Result<Layout> parsed =
            LayoutFromJson(json{{"sections", json::parse(st.Text(2), nullptr, false)}}, l);
        if (parsed.ok()) l = *parsed;
        profiles.Reset();
        profiles.Bind(1, l.id);
        while (profiles.Step()) l.profiles.push_back(profiles.Text(0));
        layouts.push_back(std::move(l));
    }
    return layouts;
}

Result<Layout> SchemaService::GetLayout(std::string_view object, std::string_view name) const {
    for (Layout& l : Layouts(object)) {
        if (SameName(l.name, name)) return l;
    }
    if (Result<std::shared_ptr<const ObjectDef>> o = Object(object); !o.ok()) return o.error();
    return SchemaError("schema.unknown_layout", std::string(object) + " has no layout " + Quote(name) + ".",
                       "name");
}

Result<Layout> SchemaService::SaveLayout(const std::string& actor, const Layout& layout) {
    Result<std::shared_ptr<const ObjectDef>> o = ObjectToChange(actor, layout.object);
    if (!o.ok()) return o.error();
    Layout l = layout;
    l.object = (*o)->api_name;
    if (IsBlank(l.name) || Utf8Length(l.name) > 80) {
        return SchemaError("schema.invalid_layout", "The layout needs a name of 1 to 80 characters.", "name");
    }
    std::set<std::string> placed;
    for (LayoutSection& s : l.sections) {
        if (s.columns != 1 && s.columns != 2) {
            return SchemaError("schema.invalid_layout",
                               "Section " + Quote(s.title) + " must have 1 or 2 columns.", "sections");
        }
        for (LayoutItem& item : s.items) {
            const FieldDef* f = (*o)->Field(item.field);
            if (!f) {
                return SchemaError(
                    "schema.unknown_field",
                    "The layout places " + Quote(item.field) + ", which is not a field of " + l.object + ".",
                    "sections");
            }
            item.field = f->api_name;
            if (!placed.insert(ToLowerAscii(f->api_name)).second) {
                return SchemaError("schema.invalid_layout", "The layout places " + f->api_name + " twice.",
                                   "sections");
            }
        }
    }
    Result<Layout> current = GetLayout(l.object, l.name);
    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status().error();
    if (l.is_default) {
        Statement clear = db_.Prepare("UPDATE schema_layouts SET is_default = 0 WHERE object_id = ?1");
        clear.Bind(1, (*o)->id);
        if (Status s = clear.Run(); !s.ok()) return s.error();
    }
    if (current.ok()) {
        Statement up = db_.Prepare("UPDATE schema_layouts SET sections = ?1, is_default = ?2 WHERE id = ?3");
        // A layout stays the default unless another one takes that role.
        up.Bind(1, SectionsJson(l))
            .Bind(2, int64_t{l.is_default || current->is_default})
            .Bind(3, current->id);
        if (Status s = up.Run(); !s.ok()) return s.error();
    } else {
        if (Status s = db_.Exec(InsertLayoutSql(l)); !s.ok()) return s.error();
    }
    if (Status s = Audit(actor, current.ok() ? "update" : "create", "layout." + l.object + "." + l.name,
                         current.ok() ? ToJson(*current) : json(nullptr), ToJson(l));
        !s.ok()) {
        return s.error();
    }
    if (Status s = Finish(tx); !s.ok()) return s.error();
    return GetLayout(l.object, l.name);
}

Status SchemaService::AssignLayout(const std::string& actor, std::string_view object,
                                   std::string_view profile, std::string_view layout) {
    if (Status denied = Authorize(actor); !denied.ok()) return denied.error();
    if (IsBlank(profile))
        return SchemaError("schema.invalid_layout", "Name the profile to assign the layout to.", "profile");
    Result<Layout> l = GetLayout(object, layout);
    if (!l.ok()) return l.error();
    Result<std::shared_ptr<const ObjectDef>> o = Object(object);
    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status();
    Statement up = db_.Prepare(
        "INSERT INTO schema_layout_assignments(object_id, profile, layout_id) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(object_id, profile) DO UPDATE SET layout_id = ?3");
    up.Bind(1, (*o)->id).Bind(2, profile).Bind(3, l->id);
    if (Status s = up.Run(); !s.ok()) return s;
    if (Status s = Audit(actor, "assign", "layout." + l->object + ".profile." + std::string(profile), nullptr,
                         l->name);
        !s.ok()) {
        return s;
    }
    return Finish(tx);
}

Status SchemaService::DeleteLayout(const std::string& actor, std::string_view object, std::string_view name) {
    if (Status denied = Authorize(actor); !denied.ok()) return denied.error();
    Result<Layout> l = GetLayout(object, name);
    if (!l.ok()) return l.error();
    if (l->is_default) {
        return SchemaError("schema.default_layout",
                           "The default layout cannot be deleted; make another one the default first.",
                           "name");
    }
    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status();
    Statement del = db_.Prepare("DELETE FROM schema_layout_assignments WHERE layout_id = ?1");
    del.Bind(1, l->id);
    if (Status s = del.Run(); !s.ok()) return s;
    Statement del2 = db_.Prepare("DELETE FROM schema_layouts WHERE id = ?1");
    del2.Bind(1, l->id);
    if (Status s = del2.Run(); !s.ok()) return s;
    if (Status s = Audit(actor, "delete", "layout." + l->object + "." + l->name, ToJson(*l), nullptr);
        !s.ok())
        return s;
    return Finish(tx);
}

Result<Layout> SchemaService::LayoutForProfile(std::string_view object, std::string_view profile) const {
    Result<std::shared_ptr<const ObjectDef>> o = Object(object);
    if (!o.ok()) return o.error();
    std::vector<Layout> layouts = Layouts(object);
    const Layout* chosen = nullptr;
    for (const Layout& l : layouts) {
        for (const std::string& p : l.profiles) {
            if (p == profile) chosen = &l;
        }
    }
    for (const Layout& l : layouts) {
        if (!chosen && l.is_default) chosen = &l;
    }
    Layout out = chosen ? *chosen : DefaultLayout(**o);
    for (LayoutSection& s : out.sections) {
        s.items.erase(std::remove_if(s.items.begin(), s.items.end(),
                                     [&](const LayoutItem& i) { return (*o)->Field(i.field) == nullptr; }),
                      s.items.end());
    }
    return out;
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
