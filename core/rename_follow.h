// Renames follow: when a profile or role is renamed, every stored setting that names it follows it in the
// same change, so a rule keeps meaning the same people: the formulas that compare $Profile.Name or
// $UserRole.Name with its old name as a text literal (found by formula::RenameGlobalLiteral on the parse
// tree), and the definitions that name it in a list or a field (the profiles a process is followed by, a
// role that approves a step, that an automation rule notifies, that a reminder reaches, that a report
// folder is shared with, that a report or dashboard filters Owner.Role on). The rule, and what is covered,
// in docs/ARCHITECTURE.md ("Renames follow"). The console and the commands profiles.rename and
// roles.rename rename through these functions.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace crm {

class Workspace;

/// A stored setting rewritten because a profile or role it names was renamed.
struct FollowedRename {
    /// "validation_rule", "formula_field", "automation_rule", "process", "approval_process",
    /// "assignment_rule", "reminder_rule", "report", "dashboard", "report_folder"
    std::string kind;
    std::string object;  ///< the object the setting is on ("" for a folder or a dashboard)
    std::string name;    ///< the setting's (field's) name
    std::string before;  ///< what changed in it, as it was (one line per formula or name)
    std::string after;   ///< as it is now
};

/// Renames profile `name` to `new_name` (AccessService::RenamePermissionSet) and, in the same change, every
/// setting that names it (see the header comment; sharing criteria cannot read the globals). The
/// administrator's settings (validation rules, formula fields, processes, approval processes, assignment,
/// automation and reminder rules) are changed through their own service's call as `actor`, so each is
/// checked and audited as that user would change it; reports, dashboards and folders belong to their
/// owners and are kept pointing at the same people by the core. The rename's own audit entry lists
/// everything that followed ("rename_follow"). Anything refused (the name taken, a permission the actor
/// lacks for a setting it would rewrite) rolls the whole change back. `followed` (optional) gets the list.
Status RenameProfileFollowing(Workspace& ws, const std::string& actor, std::string_view name,
                              const std::string& new_name, std::vector<FollowedRename>* followed = nullptr);
/// The same for a role and $UserRole.Name (AccessService::RenameRole).
Status RenameRoleFollowing(Workspace& ws, const std::string& actor, std::string_view role,
                           const std::string& new_name, std::vector<FollowedRename>* followed = nullptr);

}  // namespace crm
