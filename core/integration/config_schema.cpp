// The sections "company" and "objects" (fields, picklists, validation rules, layouts) of the document.
#include "integration/config_internal.h"
#include "workspace.h"

namespace crm::config::detail {

namespace {

// [SECTION] company

Result<json> ReadCompany(Workspace& ws, const std::string&) {
    Result<CompanyProfile> p = ws.company().Get();
    if (!p.ok()) return p.error();
    return ToJson(*p);
}

Status ApplyCompany(ApplyContext& ctx, const json& wanted, const json&) {
    Result<CompanyProfile> current = ctx.workspace.company().Get();
    if (!current.ok()) return current.error();
    Result<CompanyProfile> next = CompanyProfileFromJson(wanted, *current);
    if (!next.ok()) return next.error();
    return ctx.workspace.company().Update(ctx.actor, *next);
}

// [SECTION] objects

const std::vector<std::string> kObjectKeys = {"label",  "plural_label",     "label_zh", "description",
                                              "fields", "validation_rules", "layouts"};
const std::vector<std::string> kFieldKeys = {
    "label",         "label_zh",     "type",          "help_text",
    "required",      "unique",       "track_history", "indexed",
    "default_value", "length",       "precision",     "scale",
    "min",           "max",          "lookup_object", "relationship_name",
    "formula",       "formula_type", "auto_format",   "picklist"};
const std::vector<std::string> kRuleKeys = {"description",   "active",      "condition",
                                            "error_message", "error_field", "position"};
const std::vector<std::string> kLayoutKeys = {"is_default", "profiles", "sections"};

json ObjectJson(Workspace& ws, const ObjectDef& o) {
    json fields = json::object();
    for (const FieldDef& f : o.fields) {
        if (f.state != FieldState::Active) continue;
        fields[f.api_name] = Without(ToJson(f), {"api_name", "custom", "state", "position"});
    }
    json rules = json::object();
    for (const ValidationRule& r : ws.schema().Rules(o.api_name))
        rules[r.name] = Without(ToJson(r), {"object", "name"});
    json layouts = json::object();
    for (const Layout& l : ws.schema().Layouts(o.api_name)) {
        json j = Without(ToJson(l), {"object", "name"});
        j["profiles"] = SortedStrings(j["profiles"]);
        layouts[l.name] = std::move(j);
    }
    return json{{"label", o.label},       {"plural_label", o.plural_label},
                {"label_zh", o.label_zh}, {"description", o.description},
                {"fields", fields},       {"validation_rules", rules},
                {"layouts", layouts}};
}

Result<json> ReadObjects(Workspace& ws, const std::string&) {
    json out = json::object();
    for (const auto& o : ws.schema().Objects()) out[o->api_name] = ObjectJson(ws, *o);
    return out;
}

Status CheckObjects(const json& section) {
    for (auto it = section.begin(); it != section.end(); ++it) {
        const std::string path = Join("objects", it.key());
        CRM_TRY(CheckKeys(it.value(), kObjectKeys, path));
        for (const char* part : {"fields", "validation_rules", "layouts"}) {
            const json& items = At(it.value(), part);
            if (items.is_null()) continue;
            CRM_TRY(NeedObject(items, Join(path, part)));
            const auto& keys = std::string(part) == "fields"             ? kFieldKeys
                               : std::string(part) == "validation_rules" ? kRuleKeys
                                                                         : kLayoutKeys;
            CRM_TRY(CheckNamed(items, Join(path, part), keys));
        }
    }
    return Status::Ok();
}

bool IsFormula(const json& field) { return At(field, "type") == "formula"; }

// One field: created when missing, else updated; a type change that loses values is refused unless forced.
Status ApplyField(ApplyContext& ctx, const std::string& object, const std::string& name, const json& want,
                  const json& have, const std::string& path) {
    SchemaService& schema = ctx.workspace.schema();
    if (have.is_null()) {
        FieldDef base;
        base.object = object;
        base.api_name = name;
        Result<FieldDef> spec = FieldDefFromJson(want, base);
        if (!spec.ok()) return AtPath(spec.error(), path);
        Result<FieldDef> made = schema.CreateField(ctx.actor, *spec, false);
        return made.ok() ? Status::Ok() : AtPath(made.error(), path);
    }
    if (have == want) return Status::Ok();
    Result<std::shared_ptr<const ObjectDef>> o = schema.Object(object);
    if (!o.ok()) return AtPath(o.error(), path);
    const FieldDef* current = (*o)->Field(name);
    if (!current) return ConfigError("config.missing_reference", path, {{"name", object + "." + name}});
    Result<FieldDef> changed = FieldDefFromJson(want, *current);
    if (!changed.ok()) return AtPath(changed.error(), path);
    if (changed->type != current->type) {
        Result<RetypePreview> preview = schema.PreviewRetype(ctx.actor, *changed, 1);
        if (!preview.ok()) return AtPath(preview.error(), path);
        if (preview->failures > 0 && !ctx.force)
            return ConfigError(
                "config.lossy_type_change", Join(path, "type"),
                {{"type", FieldTypeName(changed->type)}, {"count", std::to_string(preview->failures)}});
        Result<RetypePreview> done = schema.RetypeField(
            ctx.actor, *changed, ctx.force ? RetypeMode::ClearFailures : RetypeMode::RefuseIfAny);
        if (!done.ok()) return AtPath(done.error(), Join(path, "type"));
        return Status::Ok();
    }
    Result<FieldDef> updated = schema.UpdateField(ctx.actor, *changed);
    return updated.ok() ? Status::Ok() : AtPath(updated.error(), path);
}

Status ApplyObjects(ApplyContext& ctx, const json& wanted, const json& current) {
    SchemaService& schema = ctx.workspace.schema();
    // 1. Objects (a new one with its record-name field as the document has it).
    for (auto it = wanted.begin(); it != wanted.end(); ++it) {
        const std::string path = Join("objects", it.key());
        const json& want = it.value();
        json props = Without(want, {"fields", "validation_rules", "layouts"});
        const json& have = At(current, it.key());
        if (have.is_null()) {
            ObjectDef base;
            base.api_name = it.key();
            Result<ObjectDef> spec = ObjectDefFromJson(props, base);
            if (!spec.ok()) return AtPath(spec.error(), path);
            const json& name_field = At(At(want, "fields"), "Name");
            std::string format = At(name_field, "type") == "auto_number"
                                     ? At(name_field, "auto_format").get<std::string>()
                                     : "";
            Result<std::shared_ptr<const ObjectDef>> made = schema.CreateObject(ctx.actor, *spec, format);
            if (!made.ok()) return AtPath(made.error(), path);
        } else if (!Covers(have, props)) {
            Result<std::shared_ptr<const ObjectDef>> o = schema.Object(it.key());
            if (!o.ok()) return AtPath(o.error(), path);
            Result<ObjectDef> changed = ObjectDefFromJson(props, **o);
            if (!changed.ok()) return AtPath(changed.error(), path);
            CRM_TRY(Prefixed(schema.UpdateObject(ctx.actor, *changed), path));
        }
    }
    // 2. Fields: stored ones first, then formulas (which read them).
    for (int formulas = 0; formulas < 2; ++formulas) {
        for (auto it = wanted.begin(); it != wanted.end(); ++it) {
            Result<std::shared_ptr<const ObjectDef>> o = schema.Object(it.key());
            if (!o.ok()) return AtPath(o.error(), Join("objects", it.key()));
            const json have = ObjectJson(ctx.workspace, **o)["fields"];
            const json& fields = At(it.value(), "fields");
            if (!fields.is_object()) continue;
            for (auto f = fields.begin(); f != fields.end(); ++f) {
                if (IsFormula(f.value()) != (formulas == 1)) continue;
                CRM_TRY(ApplyField(ctx, it.key(), f.key(), f.value(), At(have, f.key()),
                                   Join(Join(Join("objects", it.key()), "fields"), f.key())));
            }
        }
    }
    // 3. Validation rules.
    for (auto it = wanted.begin(); it != wanted.end(); ++it) {
        const json& rules = At(it.value(), "validation_rules");
        if (!rules.is_object()) continue;
        for (auto r = rules.begin(); r != rules.end(); ++r) {
            const std::string path = Join(Join(Join("objects", it.key()), "validation_rules"), r.key());
            Result<ValidationRule> have = schema.Rule(it.key(), r.key());
            if (have.ok() && Without(ToJson(*have), {"object", "name"}) == r.value()) continue;
            ValidationRule base = have.ok() ? *have : ValidationRule{};
            base.object = it.key();
            base.name = r.key();
            Result<ValidationRule> rule = RuleFromJson(r.value(), base);
            if (!rule.ok()) return AtPath(rule.error(), path);
            Result<ValidationRule> saved =
                have.ok() ? schema.UpdateRule(ctx.actor, *rule) : schema.CreateRule(ctx.actor, *rule);
            if (!saved.ok()) return AtPath(saved.error(), path);
        }
    }
    return Status::Ok();
}

// Layouts come last: they name profiles, which the access sections create.
Status ApplyLayouts(ApplyContext& ctx, const json& wanted, const json& current) {
    SchemaService& schema = ctx.workspace.schema();
    for (auto it = wanted.begin(); it != wanted.end(); ++it) {
        const json& layouts = At(it.value(), "layouts");
        if (!layouts.is_object()) continue;
        const json& have_all = At(At(current, it.key()), "layouts");
        for (auto l = layouts.begin(); l != layouts.end(); ++l) {
            const std::string path = Join(Join(Join("objects", it.key()), "layouts"), l.key());
            const json& have = At(have_all, l.key());
            if (have == l.value()) continue;
            Layout base;
            base.object = it.key();
            base.name = l.key();
            Result<Layout> layout = LayoutFromJson(Without(l.value(), {"profiles"}), base);
            if (!layout.ok()) return AtPath(layout.error(), path);
            Result<Layout> saved = schema.SaveLayout(ctx.actor, *layout);
            if (!saved.ok()) return AtPath(saved.error(), path);
            const json& profiles = At(l.value(), "profiles");
            if (!profiles.is_array()) continue;
            for (const json& p : profiles) {
                if (!p.is_string()) return ConfigError("config.not_object", Join(path, "profiles"));
                json had = At(have, "profiles");
                if (had.is_array() && std::find(had.begin(), had.end(), p) != had.end()) continue;
                CRM_TRY(Prefixed(schema.AssignLayout(ctx.actor, it.key(), p.get<std::string>(), l.key()),
                                 Join(path, "profiles")));
            }
        }
    }
    return Status::Ok();
}

}  // namespace

void AddSchemaSections(std::vector<ConfigSection>& out) {
    out.push_back({"company", ReadCompany,
                   [](const json& s) {
                       return CheckKeys(s,
                                        {"name", "default_language", "currency", "time_zone",
                                         "fiscal_year_start_month", "business_hours", "date_format"},
                                        "company");
                   },
                   ApplyCompany, nullptr});
    out.push_back({"objects", ReadObjects, CheckObjects, ApplyObjects, ApplyLayouts});
}

}  // namespace crm::config::detail
