// Users & Permissions, the Users tab: a table with search, filters (role, profile, team, active) and
// sort; the create / edit dialog with errors beside fields; deactivate / reactivate with a
// confirmation; bulk assignment of a permission set to the selected users.
#pragma once
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ui/kit/note.h"
#include "ui/kit/permission_guard.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/page.h"
#include "workspace.h"

namespace crm::ui {

/// The users table and its dialogs.
class UsersPanel {
public:
    explicit UsersPanel(Workspace& workspace) : workspace_(workspace) {}
    void Draw(const PageContext& ctx);
    /// Opens the editor on a user (the access checker and the roles tree link here).
    void Edit(const std::string& username);

private:
    void Reload();
    /// `guard`: Manage Users, which every control that changes users needs (disabled without it).
    void DrawFilters(const PageContext& ctx, const PermissionGuard& guard);
    void DrawTable(const PageContext& ctx, const PermissionGuard& guard);
    /// The users the filters let through, in the sort's order (rows_, listed_); redone only when the
    /// users, the filters or the sort changed.
    void SortRows();
    void DrawRow(const User& user, const PermissionGuard& guard);
    void DrawEditor(const PageContext& ctx);
    void DrawConfirm(const PageContext& ctx);
    bool Save();

    Workspace& workspace_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::vector<User> users_;
    std::vector<std::string> roles_, profiles_, teams_, sets_;
    std::string loaded_actor_;   ///< whom users_ were read for
    std::string least_profile_;  ///< a new user's profile: the one granting the least
    // Filters and sort.
    std::string search_, role_, profile_, team_;
    int active_ = 0;  ///< 0 all, 1 active, 2 inactive
    int sort_column_ = 0;
    bool sort_desc_ = false;
    std::vector<size_t> rows_;        ///< indexes into users_, filtered and sorted
    nlohmann::json listed_;           ///< their usernames (the test snapshot's users.rows)
    uint64_t rows_change_ = UINT64_MAX;
    std::string rows_view_;           ///< the filters and sort rows_ was made for
    std::set<std::string> selected_;
    int bulk_set_ = 0;
    Note message_;
    std::string error_;
    // The editor.
    bool editor_open_ = false;
    bool is_new_ = false;
    User draft_;
    std::string original_username_;
    FormErrors errors_;
    // The confirmation.
    bool confirm_open_ = false;
    std::string confirm_user_;
    bool confirm_activate_ = false;
    std::string confirm_error_;
};

}  // namespace crm::ui
