// The Users & Permissions area: a sub-navigation (Users, Roles, Teams, Profiles, Permission sets,
// Sharing, Access checker) over one panel per tab.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "ui/access_checker.h"
#include "ui/page.h"
#include "ui/permsets_panel.h"
#include "ui/roles_panel.h"
#include "ui/sharing_panel.h"
#include "ui/teams_panel.h"
#include "ui/users_panel.h"
#include "workspace.h"

namespace crm::ui {

/// The page.
class PermissionsPage {
public:
    explicit PermissionsPage(Workspace& workspace);
    void Draw(const PageContext& ctx);
    /// Shows a tab for a quick-find entry ("users.roles", "users.sharing", ...).
    void FocusSetting(const std::string& setting);
    /// The test snapshot: tab and each tab's state.
    nlohmann::json State() const;

private:
    std::string tab_ = "users";
    UsersPanel users_;
    RolesPanel roles_;
    TeamsPanel teams_;
    PermSetsPanel profiles_;
    PermSetsPanel permsets_;
    SharingPanel sharing_;
    AccessChecker checker_;
};

}  // namespace crm::ui
