// Renames follow: when a profile or role is renamed, the formulas that compare $Profile.Name or
// $UserRole.Name with its old name as a text literal are rewritten to the new name in the same change, so a
// rule keeps meaning the same people (the rule in docs/ARCHITECTURE.md, "Renames follow"; the literals are
// found by formula::RenameGlobalLiteral on the parse tree). The console and the commands profiles.rename and
// roles.rename rename through these functions.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace crm {

class Workspace;

/// A stored formula rewritten because a profile or role it names was renamed.
struct FormulaRename {
    std::string kind;    ///< "validation_rule", "formula_field", "automation_rule"
    std::string object;  ///< the object the formula is on
    std::string name;    ///< the rule's (field's) name
    std::string before;  ///< the formula as it was
    std::string after;   ///< as it is now
};

/// Renames profile `name` to `new_name` (AccessService::RenamePermissionSet) and, in the same change, every
/// formula comparing $Profile.Name with the old name: validation rules and formula fields, automation rules'
/// conditions and action values (sharing criteria cannot read the globals). Each formula is changed through
/// its own service's call as `actor` (so each is checked and audited as that user would change it), and the
/// rename's own audit entry lists them ("rename_follow"). Anything refused (the name taken, a permission the
/// actor lacks for a formula it would rewrite) rolls the whole change back. `renamed` (optional) gets the
/// list.
Status RenameProfileFollowing(Workspace& ws, const std::string& actor, std::string_view name,
                              const std::string& new_name, std::vector<FormulaRename>* renamed = nullptr);
/// The same for a role and $UserRole.Name (AccessService::RenameRole).
Status RenameRoleFollowing(Workspace& ws, const std::string& actor, std::string_view role,
                           const std::string& new_name, std::vector<FormulaRename>* renamed = nullptr);

}  // namespace crm
