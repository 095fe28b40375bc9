#include "rename_follow.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "access/access.h"
#include "audit/change.h"
#include "formula/rename_literal.h"
#include "schema/schema.h"
#include "workflow/automation.h"
#include "workspace.h"

namespace crm {

namespace {

using nlohmann::json;

json ToJson(const FormulaRename& f) {
    return {
        {"kind", f.kind}, {"object", f.object}, {"name", f.name}, {"before", f.before}, {"after", f.after}};
}

/// Inside the rename's change: every formula comparing `global` with `old_value` now compares it with
/// `new_value`, each through its service as `actor`.
Status FollowInFormulas(Workspace& ws, const std::string& actor, std::string_view global,
                        std::string_view old_value, const std::string& new_value,
                        std::vector<FormulaRename>* out) {
    auto rename = [&](const std::string& text) {
        return formula::RenameGlobalLiteral(text, global, old_value, new_value);
    };
    // A refusal says which formula the rename had to change.
    auto refused = [&](const Error& e, const char* kind, const std::string& object, const std::string& name) {
        Error wrapped = e;
        wrapped.message = "Renaming " + std::string(old_value) + " rewrites the " + kind + " " + object +
                          "." + name + " that names it: " + e.message;
        return Status(wrapped);
    };
    SchemaService& schema = ws.schema();
    for (const std::shared_ptr<const ObjectDef>& o : schema.Objects()) {
        for (ValidationRule r : schema.Rules(o->api_name)) {
            std::optional<std::string> after = rename(r.condition);
            if (!after) continue;
            FormulaRename f{"validation_rule", r.object, r.name, r.condition, *after};
            r.condition = *after;
            if (Result<ValidationRule> s = schema.UpdateRule(actor, r); !s.ok())
                return refused(s.error(), "validation rule", f.object, f.name);
            out->push_back(std::move(f));
        }
        for (FieldDef field : o->fields) {
            if (field.type != FieldType::Formula || field.state == FieldState::Deleted) continue;
            std::optional<std::string> after = rename(field.formula);
            if (!after) continue;
            FormulaRename f{"formula_field", o->api_name, field.api_name, field.formula, *after};
            field.formula = *after;
            if (Result<FieldDef> s = schema.UpdateField(actor, field); !s.ok())
                return refused(s.error(), "formula field", f.object, f.name);
            out->push_back(std::move(f));
        }
    }
    // (Criteria-based sharing rules cannot read the globals: they run in SQL with no user, and
    // AccessService::CheckCriteria refuses them. Nothing to follow there.)
    // Automation rules are read as the core (the actor may not hold Manage Workflows, and then only a rule
    // that needs rewriting refuses the rename); each rewritten rule is saved as the actor.
    Result<std::vector<AutomationRule>> rules = ws.automation().List(kSystemActor);
    if (!rules.ok()) return rules.error();
    for (const AutomationRule& old : *rules) {
        json j = crm::ToJson(old);
        bool changed = false;
        if (std::optional<std::string> after = rename(old.condition)) {
            j["condition"] = *after;
            changed = true;
        }
        changed = formula::RenameGlobalLiteralsIn(&j["actions"], global, old_value, new_value) || changed;
        if (!changed) continue;
        AutomationRule base;
        base.id = old.id;
        Result<AutomationRule> rule = AutomationRuleFromJson(j, base);
        if (!rule.ok()) return rule.error();
        rule->id = old.id;
        if (Result<AutomationRule> s = ws.automation().Update(actor, *rule); !s.ok())
            return refused(s.error(), "automation rule", old.object, old.name);
        // The condition when it changed, else the actions (as stored, JSON).
        const bool condition = rule->condition != old.condition;
        out->push_back({"automation_rule", old.object, old.name,
                        condition ? old.condition : crm::ToJson(old)["actions"].dump(),
                        condition ? rule->condition : j["actions"].dump()});
    }
    return Status::Ok();
}

/// One change: the rename, then the formulas, then one audit entry of the rename listing them.
Status Follow(Workspace& ws, const std::string& actor, const char* area, const std::string& target,
              std::string_view global, std::string_view old_value, const std::string& new_value,
              const std::function<Status()>& rename, std::vector<FormulaRename>* renamed) {
    ChangeScope change(ws.changes(), actor);
    if (!change.begin_status().ok()) return change.begin_status();
    if (Status s = rename(); !s.ok()) return s;
    std::vector<FormulaRename> followed;
    if (old_value != new_value) {
        if (Status s = FollowInFormulas(ws, actor, global, old_value, new_value, &followed); !s.ok())
            return s;
    }
    if (!followed.empty()) {
        json before = json::array(), after = json::array();
        for (const FormulaRename& f : followed) {
            before.push_back(ToJson(FormulaRename{f.kind, f.object, f.name, f.before, ""}));
            after.push_back(ToJson(FormulaRename{f.kind, f.object, f.name, "", f.after}));
        }
        if (Status s = change.Audit(area, "rename_follow", target, std::move(before), std::move(after));
            !s.ok())
            return s;
    }
    if (Status s = change.Commit(); !s.ok()) return s;
    if (renamed) *renamed = std::move(followed);
    return Status::Ok();
}

}  // namespace

Status RenameProfileFollowing(Workspace& ws, const std::string& actor, std::string_view name,
                              const std::string& new_name, std::vector<FormulaRename>* renamed) {
    // The stored spelling of the old name is what formulas compare with.
    Result<PermissionSet> current = ws.access().GetPermissionSet(PermissionSetKind::Profile, name);
    if (!current.ok()) return current.error();
    const std::string old_name = current->name;
    return Follow(
        ws, actor, "profiles", "profile." + new_name, "$Profile.Name", old_name, new_name,
        [&] {
            return ws.access().RenamePermissionSet(actor, PermissionSetKind::Profile, old_name, new_name);
        },
        renamed);
}

Status RenameRoleFollowing(Workspace& ws, const std::string& actor, std::string_view role,
                           const std::string& new_name, std::vector<FormulaRename>* renamed) {
    std::string old_name;
    for (const Role& r : ws.access().Roles()) {
        if (r.name.size() == role.size() &&
            std::equal(r.name.begin(), r.name.end(), role.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
            }))
            old_name = r.name;
    }
    if (old_name.empty()) return ws.access().RenameRole(actor, role, new_name);  // its own error
    return Follow(
        ws, actor, "roles", "role." + new_name, "$UserRole.Name", old_name, new_name,
        [&] { return ws.access().RenameRole(actor, old_name, new_name); }, renamed);
}

}  // namespace crm
