// SchemaService, validation rules: list, create, update and delete; a condition compiles as a Boolean
// formula that may read prior values.
#include "audit/change.h"
#include "common/text.h"
#include "schema/schema_internal.h"
#include "storage/database.h"

namespace crm {

using formula::Value;
using nlohmann::json;
using namespace schema_detail;

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
    ChangeScope tx(changes_, actor);
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
    if (Status s = Audit(tx, "create", "rule." + r.object + "." + r.name, nullptr, ToJson(r)); !s.ok())
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
    ChangeScope tx(changes_, actor);
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
    if (Status s = Audit(tx, "update", "rule." + r.object + "." + r.name, ToJson(*current), ToJson(r));
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
    ChangeScope tx(changes_, actor);
    if (!tx.begin_status().ok()) return tx.begin_status();
    Statement del = db_.Prepare("DELETE FROM schema_rules WHERE id = ?1");
    del.Bind(1, current->id);
    if (Status s = del.Run(); !s.ok()) return s;
    if (Status s =
            Audit(tx, "delete", "rule." + current->object + "." + current->name, ToJson(*current), nullptr);
        !s.ok()) {
        return s;
    }
    return Finish(tx);
}

}  // namespace crm
