// The Users & Permissions area: a sub-navigation (Users, Roles, Teams, Profiles, Permission sets,
// Sharing, Access checker) over one panel per tab.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "ui/access/access_checker.h"
#include "ui/access/permsets_panel.h"
#include "ui/access/roles_panel.h"
#include "ui/access/sharing_panel.h"
#include "ui/access/teams_panel.h"
#include "ui/access/users_panel.h"
#include "ui/shell/page.h"
#include "workspace.h"

namespace crm::ui {

/// The page.
class PermissionsPage : public Page {
public:
    explicit PermissionsPage(Workspace& workspace);
    void Draw(const PageContext& ctx) override;
    /// Shows the tab of a quick-find entry (FocusSetting).
    void Open(const std::string& setting, double now) override {
        (void)now;
        FocusSetting(setting);
    }
    /// Publishes "perm" (State()).
    void Publish(nlohmann::json& state) const override { state["perm"] = State(); }
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
