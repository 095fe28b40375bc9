// objects.*, fields.*, layouts.*, rules.* and formula.check: the schema, through SchemaService.
#include <algorithm>

#include "api/command.h"
#include "common/error_text.h"
#include "workspace.h"

namespace crm::api {

namespace {

const std::vector<SystemPermission> kSchemaAdmins = {SystemPermission::CustomizeSchema};

Result<std::shared_ptr<const ObjectDef>> ObjectArg(Call& call) {
    return call.workspace.schema().Object(call.Str("object"));
}

Result<json> ObjectsListCmd(Call& call) {
    json out = json::array();
    for (const auto& o : call.workspace.schema().Objects()) {
        if (call.Holds(SystemPermission::CustomizeSchema) || call.CanReadObject(o->api_name))
            out.push_back(ToJson(*o, false));
    }
    return out;
}

// The object's fields the actor may see (every field for Customize Schema), deleted ones when asked.
json FieldsJson(Call& call, const ObjectDef& o, bool include_deleted) {
    json out = json::array();
    for (const FieldDef& f : o.fields) {
        if (f.state != FieldState::Active && !include_deleted) continue;
        if (call.SeesField(o.api_name, f.api_name)) out.push_back(ToJson(f));
    }
    return out;
}

Result<json> ObjectsGetCmd(Call& call) {
    auto o = ObjectArg(call);
    if (!o.ok()) return o.error();
    json out = ToJson(**o);
    out["fields"] = FieldsJson(call, **o, true);
    return out;
}

Result<json> ObjectsCreateCmd(Call& call) {
    json spec = call.args;
    spec.erase("name_format");
    auto def = ObjectDefFromJson(spec, ObjectDef{});
    if (!def.ok()) return def.error();
    auto created = call.workspace.schema().CreateObject(call.actor, *def, call.Str("name_format"));
    if (!created.ok()) return created.error();
    return ToJson(**created);
}

Result<json> ObjectsUpdateCmd(Call& call) {
    auto current = ObjectArg(call);
    if (!current.ok()) return current.error();
    json spec = call.args;
    spec.erase("object");
    auto def = ObjectDefFromJson(spec, **current);
    if (!def.ok()) return def.error();
    CRM_TRY(call.workspace.schema().UpdateObject(call.actor, *def));
    return ToJson(**call.workspace.schema().Object(call.Str("object")), false);
}

Result<json> ObjectsDeleteCmd(Call& call) {
    CRM_TRY(call.workspace.schema().DeleteObject(call.actor, call.Str("object")));
    return json{{"deleted", call.Str("object")}};
}

Result<json> FieldsListCmd(Call& call) {
    auto o = ObjectArg(call);
    if (!o.ok()) return o.error();
    return FieldsJson(call, **o, call.Bool("include_deleted", false));
}

// The field named in args.field.api_name of args.object, with the given keys applied over it.
Result<FieldDef> ChangedField(Call& call) {
    const json& spec = *call.Obj("field");
    auto name = spec.find("api_name");
    if (name == spec.end() || !name->is_string() || name->get<std::string>().empty())
        return InvalidArgument("api_name", "\"api_name\" is required.");
    auto o = ObjectArg(call);
    if (!o.ok()) return o.error();
    const FieldDef* current = (*o)->Field(name->get<std::string>());
    if (!current) {
        return MakeError("schema.unknown_field",
                         (*o)->api_name + " has no field " + Quote(name->get<std::string>()) + ".", "field");
    }
    return FieldDefFromJson(spec, *current);
}

Result<json> FieldsCreateCmd(Call& call) {
    FieldDef base;
    base.object = call.Str("object");
    auto def = FieldDefFromJson(*call.Obj("field"), base);
    if (!def.ok()) return def.error();
    auto created = call.workspace.schema().CreateField(call.actor, *def, call.Bool("add_to_layouts", false));
    if (!created.ok()) return created.error();
    return ToJson(*created);
}

Result<json> FieldsUpdateCmd(Call& call) {
    Result<FieldDef> changed = ChangedField(call);
    if (!changed.ok()) return changed.error();
    auto updated = call.workspace.schema().UpdateField(call.actor, *changed);
    if (!updated.ok()) return updated.error();
    return ToJson(*updated);
}

enum class FieldStep { Delete, Restore, Purge };

template <FieldStep step>
Result<json> FieldStateCmd(Call& call) {
    const std::string object = call.Str("object"), field = call.Str("field");
    SchemaService& schema = call.workspace.schema();
    Status s = step == FieldStep::Delete    ? schema.DeleteField(call.actor, object, field)
               : step == FieldStep::Restore ? schema.RestoreField(call.actor, object, field)
                                            : schema.PurgeField(call.actor, object, field);
    if (!s.ok()) return s.error();
    const char* done = step == FieldStep::Delete    ? "delete"
                       : step == FieldStep::Restore ? "restore"
                                                    : "purge";
    return json{{"object", object}, {"field", field}, {"done", done}};
}

json PreviewJson(const RetypePreview& p) {
    json listed = json::array();
    for (const RetypeFailure& f : p.listed) {
        listed.push_back({{"id", f.record_id}, {"value", f.value}, {"reason", f.reason}});
    }
    return json{{"records", p.records}, {"failures", p.failures}, {"listed", std::move(listed)}};
}

Result<json> FieldsRetypePreviewCmd(Call& call) {
    Result<FieldDef> changed = ChangedField(call);
    if (!changed.ok()) return changed.error();
    auto preview = call.workspace.schema().PreviewRetype(call.actor, *changed,
                                                         std::clamp(call.Int("limit", 1000), 0, 100000));
    if (!preview.ok()) return preview.error();
    return PreviewJson(*preview);
}

Result<json> FieldsRetypeCmd(Call& call) {
    Result<FieldDef> changed = ChangedField(call);
    if (!changed.ok()) return changed.error();
    const std::string mode = call.Str("mode", "refuse");
    if (mode != "refuse" && mode != "clear") {
        return InvalidArgument("mode",
                               "\"mode\" is \"refuse\" (change nothing if any value would not convert) or "
                               "\"clear\" (convert and clear those values).");
    }
    auto done = call.workspace.schema().RetypeField(
        call.actor, *changed, mode == "refuse" ? RetypeMode::RefuseIfAny : RetypeMode::ClearFailures);
    if (!done.ok()) return done.error();
    json out = PreviewJson(*done);
    out["field"] = ToJson(*(*call.workspace.schema().Object(changed->object))->Field(changed->api_name));
    return out;
}

Result<json> LayoutsListCmd(Call& call) {
    if (auto o = ObjectArg(call); !o.ok()) return o.error();
    json out = json::array();
    for (const Layout& l : call.workspace.schema().Layouts(call.Str("object"))) out.push_back(ToJson(l));
    return out;
}

Result<json> LayoutsGetCmd(Call& call) {
    const std::string object = call.Str("object"), name = call.Str("name");
    auto l = name.empty() ? call.workspace.schema().LayoutForProfile(object, call.Str("profile"))
                          : call.workspace.schema().GetLayout(object, name);
    if (!l.ok()) return l.error();
    return ToJson(*l);
}

Result<json> LayoutsSaveCmd(Call& call) {
    Layout base;
    base.object = call.Str("object");
    auto l = LayoutFromJson(*call.Obj("layout"), base);
    if (!l.ok()) return l.error();
    l->object = base.object;
    auto saved = call.workspace.schema().SaveLayout(call.actor, *l);
    if (!saved.ok()) return saved.error();
    return ToJson(*saved);
}

Result<json> LayoutsAssignCmd(Call& call) {
    const std::string object = call.Str("object"), profile = call.Str("profile"), layout = call.Str("layout");
    CRM_TRY(call.workspace.schema().AssignLayout(call.actor, object, profile, layout));
    return json{{"object", object}, {"profile", profile}, {"layout", layout}};
}

Result<json> LayoutsPreviewCmd(Call& call) {
    const std::string object = call.Str("object"), profile = call.Str("profile"), name = call.Str("name");
    SchemaService& schema = call.workspace.schema();
    auto l = name.empty() ? schema.LayoutForProfile(object, profile) : schema.GetLayout(object, name);
    if (!l.ok()) return l.error();
    auto o = schema.Object(object);
    if (!o.ok()) return o.error();
    // As the profile sees the form: its field-level security (without permission sets a user may add).
    std::optional<ObjectFieldAccess> access;
    if (!profile.empty()) {
        Result<ObjectFieldAccess> a =
            call.workspace.access().FieldAccessOf(PermissionSetKind::Profile, profile, object);
        if (!a.ok()) return a.error();
        access = std::move(a.value());
    }
    const bool can_edit_object = !access || (access->object & (kObjEdit | kObjCreate));
    json sections = json::array();
    json hidden = json::array();
    for (const LayoutSection& s : l->sections) {
        json items = json::array();
        for (const LayoutItem& item : s.items) {
            const FieldDef* f = (*o)->Field(item.field);
            if (!f || f->state != FieldState::Active) continue;  // deleted since the layout was saved
            if (access && !access->CanRead(f->api_name)) {
                hidden.push_back(f->api_name);
                continue;
            }
            const char* read_only =
                FormReadOnlyReason(*f, item, !access || access->CanEdit(f->api_name), can_edit_object);
            items.push_back(
                {{"field", f->api_name},
                 {"label", f->label},
                 {"type", FieldTypeName(f->type == FieldType::Formula ? f->formula_type : f->type)},
                 {"help_text", f->help_text},
                 {"required", f->required || item.required},
                 {"read_only", read_only != nullptr},
                 {"read_only_reason", read_only ? read_only : ""},
                 {"picklist", ToJson(*f).value("picklist", json::array())}});
        }
        if (items.empty() && access) continue;  // nothing of it shows for this profile
        sections.push_back({{"title", s.title}, {"columns", s.columns}, {"items", std::move(items)}});
    }
    return json{{"object", (*o)->api_name},
                {"layout", l->name},
                {"profile", profile},
                {"sections", std::move(sections)},
                {"hidden", std::move(hidden)}};
}

Result<json> RulesListCmd(Call& call) {
    if (auto o = ObjectArg(call); !o.ok()) return o.error();
    json out = json::array();
    for (const ValidationRule& r : call.workspace.schema().Rules(call.Str("object")))
        out.push_back(ToJson(r));
    return out;
}

template <bool create>
Result<json> RulesSaveCmd(Call& call) {
    ValidationRule base;
    if (!create) {
        auto current = call.workspace.schema().Rule(call.Str("object"), call.Str("name"));
        if (!current.ok()) return current.error();
        base = *current;
    }
    auto rule = RuleFromJson(call.args, base);
    if (!rule.ok()) return rule.error();
    auto saved = create ? call.workspace.schema().CreateRule(call.actor, *rule)
                        : call.workspace.schema().UpdateRule(call.actor, *rule);
    if (!saved.ok()) return saved.error();
    return ToJson(*saved);
}

Result<json> RulesDeleteCmd(Call& call) {
    CRM_TRY(call.workspace.schema().DeleteRule(call.actor, call.Str("object"), call.Str("name")));
    return json{{"deleted", call.Str("name")}};
}

Result<json> RulesTestCmd(Call& call) {
    auto r = call.workspace.records().TestRule(call.actor, call.Str("object"), call.Str("condition"),
                                               std::clamp(call.Int("limit", 20), 0, 1000));
    if (!r.ok()) return r.error();
    json examples = json::array();
    for (const auto& [id, name] : r->examples) examples.push_back({{"id", id}, {"name", name}});
    return json{{"records", r->records},
                {"failing", r->failing},
                {"examples", std::move(examples)},
                {"method", r->in_sql ? "sql" : "evaluate"}};
}

Result<json> FormulaCheckCmd(Call& call) {
    const std::string object = call.Str("object"), text = call.Str("formula"),
                      kind = call.Str("kind", "rule");
    if (kind != "rule" && kind != "field" && kind != "filter") {
        return InvalidArgument(
            "kind",
            "\"kind\" is \"rule\" (Boolean, prior values allowed), \"field\" (any type) or "
            "\"filter\" (Boolean).");
    }
    auto o = call.workspace.schema().Object(object);
    if (!o.ok()) return o.error();
    formula::CompileOptions options;
    options.allow_prior_values = kind == "rule";
    if (kind != "field") options.expected_result = formula::ValueType::Boolean;
    // A formula field cannot read other formula fields, so those are hidden for kind "field".
    auto compiled = CompileAsActor(call, **o, text, options, kind != "field");
    if (!compiled.ok()) {
        const Error& e = compiled.error();
        json error = ErrorObject(e);
        error["line"] = e.line;
        error["position"] = e.position;
        error.erase("field");
        return json{{"valid", false}, {"error", std::move(error)}};
    }
    json used = json::array();
    for (const formula::FieldInfo& f : compiled->fields()) used.push_back(f.name);
    bool in_sql = false;
    if (compiled->result_type() == formula::ValueType::Boolean && !compiled->uses_prior_values()) {
        formula::SqlOptions so;
        so.crm_functions = true;
        in_sql = formula::ToSql(*compiled, so).ok();
    }
    return json{{"valid", true},
                {"result_type", formula::ValueTypeName(compiled->result_type())},
                {"fields", std::move(used)},
                {"translates_to_sql", in_sql}};
}

const Arg kObject = {"object", ArgType::String, true};

}  // namespace

void RegisterSchemaCommands(Registry& r) {
    const Reads schema_setup = SetupData("the object's configuration", kSchemaAdmins);
    r.push_back({"objects.list",
                 "Lists the objects (standard first) the user can read, without their fields.",
                 {},
                 ObjectMetadata(),
                 false,
                 json::object(),
                 ObjectsListCmd});
    r.push_back({"objects.get",
                 "Returns an object with the fields the user can read (deleted ones flagged).",
                 {kObject},
                 ObjectMetadata(),
                 false,
                 {{"object", "Account"}},
                 ObjectsGetCmd});
    r.push_back(
        {"objects.create",
         "Creates a custom object with its record table, name field and default layout.",
         {{"api_name", ArgType::String, true},
          {"label", ArgType::String, true},
          {"plural_label", ArgType::String},
          {"label_zh", ArgType::String},
          {"description", ArgType::String},
          {"name_format", ArgType::String, false, "string (auto-number record names, e.g. \"INV-{0000}\")"}},
         schema_setup,
         true,
         {{"api_name", "Invoice__c"}, {"label", "Invoice"}, {"plural_label", "Invoices"}},
         ObjectsCreateCmd});
    r.push_back({"objects.update",
                 "Changes an object's labels and description.",
                 {kObject,
                  {"label", ArgType::String},
                  {"plural_label", ArgType::String},
                  {"label_zh", ArgType::String},
                  {"description", ArgType::String}},
                 schema_setup,
                 true,
                 {{"object", "Account"}, {"description", "Customers"}},
                 ObjectsUpdateCmd});
    r.push_back({"objects.delete",
                 "Hides a custom object (its API name stays reserved).",
                 {kObject},
                 schema_setup,
                 true,
                 {{"object", "Project__c"}},
                 ObjectsDeleteCmd});
    r.push_back({"fields.list",
                 "Lists the object's fields the user can read.",
                 {kObject, {"include_deleted", ArgType::Boolean}},
                 ObjectMetadata(),
                 false,
                 {{"object", "Account"}},
                 FieldsListCmd});
    r.push_back({"fields.create",
                 "Adds a custom field (metadata, column and index in one transaction).",
                 {kObject,
                  {"field", ArgType::Object, true, "{api_name, label, type, ...}"},
                  {"add_to_layouts", ArgType::Boolean}},
                 schema_setup,
                 true,
                 {{"object", "Account"},
                  {"field", {{"api_name", "Tier__c"}, {"label", "Tier"}, {"type", "text"}, {"length", 20}}}},
                 FieldsCreateCmd});
    r.push_back({"fields.update",
                 "Changes a field's properties (not its type).",
                 {kObject, {"field", ArgType::Object, true, "{api_name, ...changed properties}"}},
                 schema_setup,
                 true,
                 {{"object", "Account"}, {"field", {{"api_name", "Secret__c"}, {"help_text", "Kept"}}}},
                 FieldsUpdateCmd});
    r.push_back({"fields.delete",
                 "Moves a custom field to the recoverable area; refused while something uses it.",
                 {kObject, {"field", ArgType::String, true}},
                 schema_setup,
                 true,
                 {{"object", "Account"}, {"field", "Spare__c"}},
                 FieldStateCmd<FieldStep::Delete>});
    r.push_back({"fields.restore",
                 "Brings a deleted field back with its data.",
                 {kObject, {"field", ArgType::String, true}},
                 schema_setup,
                 true,
                 {{"object", "Account"}, {"field", "Old_code__c"}},
                 FieldStateCmd<FieldStep::Restore>});
    r.push_back({"fields.purge",
                 "Drops the column of a deleted field for good.",
                 {kObject, {"field", ArgType::String, true}},
                 schema_setup,
                 true,
                 {{"object", "Account"}, {"field", "Old_code__c"}},
                 FieldStateCmd<FieldStep::Purge>});
    r.push_back(
        {"fields.retype_preview",
         "Dry run of a type change: every value that would not convert.",
         {kObject, {"field", ArgType::Object, true, "{api_name, type, ...}"}, {"limit", ArgType::Integer}},
         schema_setup,
         false,
         {{"object", "Account"}, {"field", {{"api_name", "Spare__c"}, {"type", "number"}}}},
         FieldsRetypePreviewCmd});
    r.push_back({"fields.retype",
                 "Changes a field's type, converting its column in one transaction.",
                 {kObject,
                  {"field", ArgType::Object, true, "{api_name, type, ...}"},
                  {"mode", ArgType::String, false, "\"refuse\"|\"clear\""}},
                 schema_setup,
                 true,
                 {{"object", "Account"},
                  {"field", {{"api_name", "Spare__c"}, {"type", "long_text"}, {"length", 1000}}}},
                 FieldsRetypeCmd});
    r.push_back({"layouts.list",
                 "Lists an object's layouts with their profile assignments.",
                 {kObject},
                 schema_setup,
                 false,
                 {{"object", "Account"}},
                 LayoutsListCmd});
    r.push_back({"layouts.get",
                 "Returns a layout by name, or the one a profile sees.",
                 {kObject, {"name", ArgType::String}, {"profile", ArgType::String}},
                 schema_setup,
                 false,
                 {{"object", "Account"}, {"profile", "Standard User"}},
                 LayoutsGetCmd});
    r.push_back(
        {"layouts.save",
         "Creates or replaces (by name) a layout.",
         {kObject,
          {"layout", ArgType::Object, true, "{name, is_default?, sections: [{title, columns, items}]}"}},
         schema_setup,
         true,
         {{"object", "Account"},
          {"layout",
           {{"name", "Compact"},
            {"sections", {{{"title", "Main"}, {"columns", 1}, {"items", {{{"field", "Name"}}}}}}}}}},
         LayoutsSaveCmd});
    r.push_back({"layouts.assign",
                 "Assigns a layout to a profile.",
                 {kObject, {"profile", ArgType::String, true}, {"layout", ArgType::String, true}},
                 schema_setup,
                 true,
                 {{"object", "Account"}, {"profile", "Standard User"}, {"layout", "Account Layout"}},
                 LayoutsAssignCmd});
    r.push_back(
        {"layouts.preview",
         "The record form as a profile sees it (its field-level security applied): sections of fields "
         "with labels and flags.",
         {kObject, {"profile", ArgType::String}, {"name", ArgType::String}},
         schema_setup,
         false,
         {{"object", "Account"}, {"profile", "Standard User"}},
         LayoutsPreviewCmd});
    r.push_back({"rules.list",
                 "Lists an object's validation rules in order.",
                 {kObject},
                 schema_setup,
                 false,
                 {{"object", "Account"}},
                 RulesListCmd});
    r.push_back({"rules.create",
                 "Creates a validation rule; the condition must compile.",
                 {kObject,
                  {"name", ArgType::String, true},
                  {"condition", ArgType::String, true},
                  {"error_message", ArgType::String, true},
                  {"error_field", ArgType::String},
                  {"active", ArgType::Boolean},
                  {"description", ArgType::String}},
                 schema_setup,
                 true,
                 {{"object", "Account"},
                  {"name", "Name_not_TBD"},
                  {"condition", "Name = \"TBD\""},
                  {"error_message", "Give the account its real name."}},
                 RulesSaveCmd<true>});
    r.push_back({"rules.update",
                 "Changes a validation rule.",
                 {kObject,
                  {"name", ArgType::String, true},
                  {"condition", ArgType::String},
                  {"error_message", ArgType::String},
                  {"error_field", ArgType::String},
                  {"active", ArgType::Boolean},
                  {"description", ArgType::String},
                  {"position", ArgType::Integer}},
                 schema_setup,
                 true,
                 {{"object", "Account"}, {"name", "Secret_set"}, {"active", false}},
                 RulesSaveCmd<false>});
    r.push_back({"rules.delete",
                 "Deletes a validation rule.",
                 {kObject, {"name", ArgType::String, true}},
                 schema_setup,
                 true,
                 {{"object", "Account"}, {"name", "Secret_set"}},
                 RulesDeleteCmd});
    r.push_back(
        {"rules.test",
         "Runs a rule condition against the stored records the user can see: how many, and which, would "
         "fail.",
         {kObject, {"condition", ArgType::String, true}, {"limit", ArgType::Integer}},
         schema_setup,
         false,
         {{"object", "Account"}, {"condition", "ISBLANK(Phone)"}},
         RulesTestCmd});
    r.push_back(
        {"formula.check",
         "Compiles a formula against an object: valid, or the error with its position (fields the user "
         "cannot read are unknown).",
         {kObject,
          {"formula", ArgType::String, true},
          {"kind", ArgType::String, false, "\"rule\"|\"field\"|\"filter\""}},
         ObjectMetadata(),
         false,
         {{"object", "Account"}, {"formula", "LEN(Name) > 3"}},
         FormulaCheckCmd});
}

}  // namespace crm::api
