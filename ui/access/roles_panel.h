// Users & Permissions, the Roles tab: the role tree with each role's members; create a child or a
// root role, rename, move (a dialog choosing the new parent, or drag a role onto another), delete
// an empty role. Refusals (a cycle, a role not empty) are shown as the core words them.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ui/kit/note.h"
#include "ui/kit/permission_guard.h"
#include "ui/shell/page.h"
#include "workspace.h"

namespace crm::ui {

/// The role tree.
class RolesPanel {
public:
    explicit RolesPanel(Workspace& workspace) : workspace_(workspace) {}
    void Draw(const PageContext& ctx);
    nlohmann::json State() const {
        return {{"selected", selected_}, {"error", error_}, {"message", message_}};
    }

private:
    /// `can_move`: the acting user holds Manage Roles and Permissions (a role may be dropped on another).
    void DrawNode(const std::string& role, const std::vector<Role>& roles, const std::vector<User>& users,
                  bool can_move);
    void DrawDialog(const PageContext& ctx, const std::vector<Role>& roles);
    void Move(const std::string& role, const std::string& parent);

    Workspace& workspace_;
    std::string selected_;
    Note message_;
    std::string error_;
    enum class Dialog { None, Create, Rename, Move };
    Dialog dialog_ = Dialog::None;
    bool dialog_open_ = false;
    std::string name_;
    std::string parent_;
    std::string dialog_error_;
};

}  // namespace crm::ui
