#include "rename_follow.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "access/access.h"
#include "audit/change.h"
#include "common/text.h"
#include "formula/rename_literal.h"
#include "notify/reminder.h"
#include "report/report.h"
#include "schema/schema.h"
#include "workflow/approvals.h"
#include "workflow/assignment.h"
#include "workflow/automation.h"
#include "workflow/processes.h"
#include "workspace.h"

namespace crm {

namespace {

using nlohmann::json;

json ToJson(const FollowedRename& f) {
    return {
        {"kind", f.kind}, {"object", f.object}, {"name", f.name}, {"before", f.before}, {"after", f.after}};
}

/// One rename being followed through the stored settings: it rewrites the pieces of one setting at a time
/// (formulas, names), then saves the setting when a piece changed and lists it.
class Follower {
public:
    enum class Of { Profile, Role };

    Follower(Workspace& ws, const std::string& actor, Of of, std::string_view old_name,
             const std::string& new_name, std::vector<FollowedRename>* out)
        : ws_(ws),
          actor_(actor),
          of_(of),
          global_(of == Of::Profile ? "$Profile.Name" : "$UserRole.Name"),
          old_(old_name),
          new_(new_name),
          out_(out) {}

    /// A formula of the setting: its literals compared with the global move to the new name.
    void Formula(std::string* text) {
        if (std::optional<std::string> after = formula::RenameGlobalLiteral(*text, global_, old_, new_))
            Piece(text, std::move(*after));
    }
    /// The strings of a stored JSON part of the setting that are such formulas (an automation rule's
    /// actions).
    void Formulas(json* part) {
        const std::string before = part->dump();
        if (formula::RenameGlobalLiteralsIn(part, global_, old_, new_))
            pieces_.push_back({before, part->dump()});
    }
    /// A profile (role) the setting names: the directory compares names case-insensitively.
    void Name(Of of, std::string* name) {
        if (of == of_ && SameName(*name, old_)) Piece(name, new_);
    }
    /// A value a report compares the owner's role with: text compares exactly, as a formula's literal does.
    void OwnerRoleValue(const std::string& field, const std::string& op, json* value) {
        if (of_ != Of::Role || ToLowerAscii(field) != "owner.role") return;
        if (op != "=" && op != "!=" && op != "in" && op != "not_in") return;
        const std::string before = value->dump();
        bool changed = false;
        auto move = [&](json& v) {
            if (v.is_string() && v.get_ref<const std::string&>() == old_) {
                v = new_;
                changed = true;
            }
        };
        if (value->is_array()) {
            for (json& v : *value) move(v);
        } else {
            move(*value);
        }
        if (changed)
            pieces_.push_back({"Owner.Role " + op + " " + before, "Owner.Role " + op + " " + value->dump()});
    }

    /// Ends one setting: when a piece changed, `save` stores it (a refusal names the setting) and it is
    /// listed; else nothing happens.
    template <typename Save>
    Status Done(const char* kind, const std::string& object, const std::string& name, Save&& save) {
        if (pieces_.empty()) return Status::Ok();
        FollowedRename f{kind, object, name, "", ""};
        for (const auto& [before, after] : pieces_) {
            f.before += (f.before.empty() ? "" : "\n") + before;
            f.after += (f.after.empty() ? "" : "\n") + after;
        }
        pieces_.clear();
        if (Status s = save(); !s.ok()) {
            Error wrapped = s.error();
            wrapped.message = "Renaming " + old_ + " rewrites the " + KindWords(kind) + " " +
                              (object.empty() ? "" : object + ".") + name +
                              " that names it: " + wrapped.message;
            return Status(wrapped);
        }
        out_->push_back(std::move(f));
        return Status::Ok();
    }

    Workspace& ws() { return ws_; }
    const std::string& actor() const { return actor_; }

private:
    static bool SameName(std::string_view a, std::string_view b) {
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
                   return std::tolower(static_cast<unsigned char>(x)) ==
                          std::tolower(static_cast<unsigned char>(y));
               });
    }
    static std::string KindWords(std::string kind) {
        std::replace(kind.begin(), kind.end(), '_', ' ');
        return kind;
    }
    void Piece(std::string* text, std::string after) {
        pieces_.push_back({*text, after});
        *text = std::move(after);
    }

    Workspace& ws_;
    const std::string& actor_;
    const Of of_;
    const std::string global_;
    const std::string old_;
    const std::string& new_;
    std::vector<FollowedRename>* out_;
    std::vector<std::pair<std::string, std::string>> pieces_;
};

using Of = Follower::Of;

/// Unwraps a service's answer into a Status.
template <typename T>
Status Saved(const Result<T>& r) {
    return r.ok() ? Status::Ok() : Status(r.error());
}

// The settings, one function per area. The administrator's settings are read as the core (the actor may
// lack the area's permission; then only a setting that needs rewriting refuses the rename) and saved as the
// actor.

Status FollowSchema(Follower& f) {
    SchemaService& schema = f.ws().schema();
    for (const std::shared_ptr<const ObjectDef>& o : schema.Objects()) {
        for (ValidationRule r : schema.Rules(o->api_name)) {
            f.Formula(&r.condition);
            CRM_TRY(f.Done("validation_rule", r.object, r.name,
                           [&] { return Saved(schema.UpdateRule(f.actor(), r)); }));
        }
        for (FieldDef field : o->fields) {
            if (field.type != FieldType::Formula || field.state == FieldState::Deleted) continue;
            f.Formula(&field.formula);
            CRM_TRY(f.Done("formula_field", o->api_name, field.api_name,
                           [&] { return Saved(schema.UpdateField(f.actor(), field)); }));
        }
    }
    // (Criteria-based sharing rules cannot read the globals: they run in SQL with no user, and
    // AccessService::CheckCriteria refuses them. Nothing to follow there.)
    return Status::Ok();
}

Status FollowAutomation(Follower& f) {
    Result<std::vector<AutomationRule>> rules = f.ws().automation().List(kSystemActor);
    if (!rules.ok()) return rules.error();
    for (AutomationRule rule : *rules) {
        f.Formula(&rule.condition);
        for (AutomationAction& a : rule.actions)
            if (a.to == "role") f.Name(Of::Role, &a.name);
        // The other strings of the actions that are formulas (field values), through their stored form.
        json actions = crm::ToJson(rule)["actions"];
        f.Formulas(&actions);
        CRM_TRY(f.Done("automation_rule", rule.object, rule.name, [&]() -> Status {
            Result<AutomationRule> changed = AutomationRuleFromJson(json{{"actions", actions}}, rule);
            if (!changed.ok()) return changed.error();
            return Saved(f.ws().automation().Update(f.actor(), *changed));
        }));
    }
    return Status::Ok();
}

Status FollowProcesses(Follower& f) {
    Result<std::vector<Process>> processes = f.ws().processes().List(kSystemActor);
    if (!processes.ok()) return processes.error();
    for (Process p : *processes) {
        for (ProcessStage& stage : p.stages) f.Formula(&stage.entry_condition);
        for (std::string& profile : p.profiles) f.Name(Of::Profile, &profile);
        CRM_TRY(f.Done("process", p.object, p.name,
                       [&] { return Saved(f.ws().processes().Update(f.actor(), p)); }));
    }
    return Status::Ok();
}

Status FollowApprovals(Follower& f) {
    for (ApprovalProcess p : f.ws().approvals().Processes()) {
        f.Formula(&p.entry_condition);
        for (ApprovalStep& step : p.steps) {
            f.Formula(&step.condition);
            if (step.approver == ApproverKind::Role) f.Name(Of::Role, &step.approver_name);
        }
        for (std::vector<ApprovalAction>* actions : {&p.on_submit, &p.on_approve, &p.on_reject, &p.on_recall})
            for (ApprovalAction& a : *actions)
                if (a.kind == ApprovalAction::Kind::FieldUpdate) f.Formula(&a.formula);
        CRM_TRY(f.Done("approval_process", p.object, p.name,
                       [&] { return Saved(f.ws().approvals().UpdateProcess(f.actor(), p)); }));
    }
    return Status::Ok();
}

Status FollowAssignment(Follower& f) {
    Result<std::vector<AssignmentEntry>> entries = f.ws().assignment().List(kSystemActor);
    if (!entries.ok()) return entries.error();
    for (AssignmentEntry e : *entries) {
        f.Formula(&e.condition);
        f.Formula(&e.open_condition);
        CRM_TRY(f.Done("assignment_rule", e.object, e.name,
                       [&] { return Saved(f.ws().assignment().Update(f.actor(), e)); }));
    }
    return Status::Ok();
}

Status FollowReminders(Follower& f) {
    ReminderService& reminders = RemindersOf(f.ws());
    for (ReminderRule r : reminders.Rules()) {
        f.Formula(&r.until);
        for (std::string& role : r.roles) f.Name(Of::Role, &role);
        CRM_TRY(
            f.Done("reminder_rule", r.object, r.name, [&] { return Saved(reminders.Save(f.actor(), r)); }));
    }
    return Status::Ok();
}

/// Reports, dashboards and folders belong to their owners, not to the administrator: the core keeps them
/// meaning the same people, listed in the rename's audit entry.
Status FollowReports(Follower& f) {
    ReportService& reports = f.ws().reports();
    Result<std::vector<ReportDefinition>> listed = reports.List(kSystemActor);
    if (!listed.ok()) return listed.error();
    for (const ReportDefinition& seen : *listed) {
        Result<ReportDefinition> r = reports.Get(kSystemActor, seen.id, false);
        if (!r.ok()) return r.error();
        f.Formula(&r->filter_formula);
        for (ReportFilter& filter : r->filters) f.OwnerRoleValue(filter.field, filter.op, &filter.value);
        for (ReportAggregate& a : r->aggregates) f.Formula(&a.condition);
        CRM_TRY(
            f.Done("report", r->object, r->name, [&] { return Saved(reports.Update(kSystemActor, *r)); }));
    }
    Result<std::vector<Dashboard>> dashboards = reports.ListDashboards(kSystemActor);
    if (!dashboards.ok()) return dashboards.error();
    for (Dashboard d : *dashboards) {
        for (ReportFilter& filter : d.filters) f.OwnerRoleValue(filter.field, filter.op, &filter.value);
        CRM_TRY(
            f.Done("dashboard", "", d.name, [&] { return Saved(reports.SaveDashboard(kSystemActor, d)); }));
    }
    Result<std::vector<ReportFolder>> folders = reports.ListFolders(kSystemActor);
    if (!folders.ok()) return folders.error();
    for (ReportFolder folder : *folders) {
        for (ReportFolderShare& share : folder.shares)
            if (share.kind == "role" || share.kind == "role_and_subordinates") f.Name(Of::Role, &share.name);
        CRM_TRY(f.Done("report_folder", "", folder.name,
                       [&] { return Saved(reports.SaveFolder(kSystemActor, folder)); }));
    }
    return Status::Ok();
}

/// One change: the rename, then every setting naming the old name, then one audit entry of the rename
/// listing them.
Status Follow(Workspace& ws, const std::string& actor, Of of, const std::string& target,
              std::string_view old_value, const std::string& new_value, const std::function<Status()>& rename,
              std::vector<FollowedRename>* followed) {
    ChangeScope change(ws.changes(), actor);
    if (!change.begin_status().ok()) return change.begin_status();
    if (Status s = rename(); !s.ok()) return s;
    std::vector<FollowedRename> list;
    if (old_value != new_value) {
        Follower f(ws, actor, of, old_value, new_value, &list);
        for (Status (*area)(Follower&) : {FollowSchema, FollowAutomation, FollowProcesses, FollowApprovals,
                                          FollowAssignment, FollowReminders, FollowReports})
            CRM_TRY(area(f));
    }
    if (!list.empty()) {
        json before = json::array(), after = json::array();
        for (const FollowedRename& f : list) {
            before.push_back(ToJson(FollowedRename{f.kind, f.object, f.name, f.before, ""}));
            after.push_back(ToJson(FollowedRename{f.kind, f.object, f.name, "", f.after}));
        }
        CRM_TRY(change.Audit(of == Of::Profile ? "profiles" : "roles", "rename_follow", target,
                             std::move(before), std::move(after)));
    }
    CRM_TRY(change.Commit());
    if (followed) *followed = std::move(list);
    return Status::Ok();
}

}  // namespace

Status RenameProfileFollowing(Workspace& ws, const std::string& actor, std::string_view name,
                              const std::string& new_name, std::vector<FollowedRename>* followed) {
    // The stored spelling of the old name is what formulas compare with.
    Result<PermissionSet> current = ws.access().GetPermissionSet(PermissionSetKind::Profile, name);
    if (!current.ok()) return current.error();
    const std::string old_name = current->name;
    return Follow(
        ws, actor, Of::Profile, "profile." + new_name, old_name, new_name,
        [&] {
            return ws.access().RenamePermissionSet(actor, PermissionSetKind::Profile, old_name, new_name);
        },
        followed);
}

Status RenameRoleFollowing(Workspace& ws, const std::string& actor, std::string_view role,
                           const std::string& new_name, std::vector<FollowedRename>* followed) {
    std::string old_name;
    for (const Role& r : ws.access().Roles())
        if (ToLowerAscii(r.name) == ToLowerAscii(role)) old_name = r.name;
    if (old_name.empty()) return ws.access().RenameRole(actor, role, new_name);  // its own error
    return Follow(
        ws, actor, Of::Role, "role." + new_name, old_name, new_name,
        [&] { return ws.access().RenameRole(actor, old_name, new_name); }, followed);
}

}  // namespace crm
