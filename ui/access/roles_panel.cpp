#include "ui/access/roles_panel.h"

#include <cstring>

#include "imgui.h"
#include "ui/access/access_ui.h"
#include "ui/access/rename_note.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/undo_notice.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

void RolesPanel::Move(const std::string& role, const std::string& parent) {
    AccessService& access = workspace_.access();
    std::string old_parent;
    for (const Role& r : access.Roles()) {
        if (r.name == role) old_parent = r.parent;
    }
    Status st = access.MoveRole(ActingUser(), role, parent);
    if (st.ok()) {
        error_.clear();
        if (old_parent != parent) {
            // The drop took effect at once: the notice offers to move it back.
            auto where = [](const std::string& p) { return p.empty() ? std::string(Tr("roles.top")) : p; };
            OfferUndo(
                [role, old_parent, parent, where] {
                    return Tr("roles.undo.moved",
                              {{"role", role}, {"from", where(old_parent)}, {"to", where(parent)}});
                },
                UndoRoleMove(access, role, old_parent, parent));
        }
        message_ = TrFormat("roles.moved", {role, parent.empty() ? Tr("roles.top") : parent});
    } else {
        message_.clear();
        error_ = ErrorText(st.error());
    }
}

void RolesPanel::DrawNode(const std::string& role, const std::vector<Role>& roles,
                          const std::vector<User>& users, bool can_move) {
    bool has_children = false;
    for (const Role& r : roles) has_children = has_children || r.parent == role;
    std::vector<const User*> members;
    for (const User& u : users) {
        if (u.role == role) members.push_back(&u);
    }
    ImGuiTreeNodeFlags flags =
        ImGuiTreeNodeFlags_DefaultOpen | ImGuiTreeNodeFlags_OpenOnArrow | ImGuiTreeNodeFlags_SpanAvailWidth;
    if (role == selected_) flags |= ImGuiTreeNodeFlags_Selected;
    if (!has_children && members.empty()) flags |= ImGuiTreeNodeFlags_Leaf;
    const bool open = ImGui::TreeNodeEx(role.c_str(), flags, "%s", role.c_str());
    if (ImGui::IsItemClicked()) selected_ = role;
    MarkItem("roles.node." + role);
    // Drag a role onto another to move it.
    if (can_move && ImGui::BeginDragDropSource()) {
        ImGui::SetDragDropPayload("crm.role", role.c_str(), role.size() + 1);
        ImGui::TextUnformatted(role.c_str());
        ImGui::EndDragDropSource();
    }
    if (can_move && ImGui::BeginDragDropTarget()) {
        if (const ImGuiPayload* payload = ImGui::AcceptDragDropPayload("crm.role")) {
            Move(static_cast<const char*>(payload->Data), role);
        }
        ImGui::EndDragDropTarget();
    }
    if (!members.empty()) {
        ImGui::SameLine();
        const std::string count = TrFormat("roles.member_count", {std::to_string(members.size())});
        TextMuted(count, false);
        PublishForm("roles.member_count." + role, count);
    }
    if (!open) return;
    for (const User* u : members) {
        ImGui::TreeNodeEx(
            ("@" + u->username).c_str(),
            ImGuiTreeNodeFlags_Leaf | ImGuiTreeNodeFlags_NoTreePushOnOpen | ImGuiTreeNodeFlags_Bullet,
            "%s  (%s)", u->full_name.c_str(), u->username.c_str());
        MarkItem("roles.member." + u->username);
    }
    for (const Role& r : roles) {
        if (r.parent == role) DrawNode(r.name, roles, users, can_move);
    }
    ImGui::TreePop();
}

void RolesPanel::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    AccessService& access = workspace_.access();
    const std::vector<Role> roles = access.Roles();
    const std::vector<User> users = access.Users();
    bool exists = false;
    for (const Role& r : roles) exists = exists || r.name == selected_;
    if (!exists) selected_.clear();

    auto open = [&](Dialog d) {
        dialog_ = d;
        dialog_error_.clear();
        name_ = d == Dialog::Rename ? selected_ : "";
        parent_ = selected_;
        if (d == Dialog::Move) {
            for (const Role& r : roles) {
                if (r.name == selected_) parent_ = r.parent;
            }
        }
        dialog_open_ = true;
    };
    // Roles are changed with Manage Roles and Permissions: without it the buttons are off, the reason on
    // hover.
    const PermissionGuard guard(access, SystemPermission::ManageRolesAndPermissions, "roles");
    if (PrimaryButton(Label("roles.new").c_str(), guard.allowed())) open(Dialog::Create);
    guard.ReasonOnHover();
    MarkItem("roles.new");
    ImGui::SameLine();
    const bool any = !selected_.empty() && guard.allowed();
    if (SecondaryButton(Label("roles.rename").c_str(), any)) open(Dialog::Rename);
    guard.ReasonOnHover();
    MarkItem("roles.rename");
    ImGui::SameLine();
    if (SecondaryButton(Label("roles.move").c_str(), any)) open(Dialog::Move);
    guard.ReasonOnHover();
    MarkItem("roles.move");
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, CurrentPalette().danger);
    const bool delete_clicked = SecondaryButton(Label("roles.delete").c_str(), any);
    guard.ReasonOnHover();
    if (delete_clicked) {
        Status st = access.DeleteRole(ActingUser(), selected_);
        if (st.ok()) {
            message_ = TrFormat("roles.deleted", {selected_});
            error_.clear();
            selected_.clear();
        } else {
            message_.clear();
            error_ = ErrorText(st.error());
        }
    }
    ImGui::PopStyleColor();
    MarkItem("roles.delete");
    ImGui::SameLine();
    if (guard.allowed()) {
        TextMuted(Tr("roles.drag_hint"), false);
    } else {
        guard.Notice();
    }
    if (!message_.empty()) TextColored(CurrentPalette().success, message_);
    if (!error_.empty()) ErrorLine("roles.error", error_);

    ImGui::BeginChild(
        "##roles.tree",
        ImVec2(ImGui::GetContentRegionAvail().x - 28.0f * s, ImGui::GetContentRegionAvail().y - 16.0f * s),
        true);
    for (const Role& r : roles) {
        if (r.parent.empty()) DrawNode(r.name, roles, users, guard.allowed());
    }
    if (roles.empty()) TextMuted(Tr("roles.none"));
    // Dropped on the empty area: to the top.
    ImGui::Dummy(
        ImVec2(ImGui::GetContentRegionAvail().x, std::max(ImGui::GetContentRegionAvail().y, 20.0f * s)));
    if (guard.allowed() && ImGui::BeginDragDropTarget()) {
        if (const ImGuiPayload* payload = ImGui::AcceptDragDropPayload("crm.role"))
            Move(static_cast<const char*>(payload->Data), "");
        ImGui::EndDragDropTarget();
    }
    ImGui::EndChild();
    DrawDialog(ctx, roles);
}

void RolesPanel::DrawDialog(const PageContext& ctx, const std::vector<Role>& roles) {
    const float s = ctx.scale;
    const char* title = dialog_ == Dialog::Create   ? "roles.new"
                        : dialog_ == Dialog::Rename ? "roles.rename"
                                                    : "roles.move";
    if (!BeginDialog("roles.dialog", Tr(title), 560.0f, &dialog_open_, ctx)) return;
    FormErrors errors;
    if (!dialog_error_.empty()) errors[dialog_ == Dialog::Move ? "parent" : "name"] = dialog_error_;
    std::vector<std::string> names;
    for (const Role& r : roles) {
        if (dialog_ != Dialog::Move || r.name != selected_) names.push_back(r.name);
    }
    if (dialog_ != Dialog::Move) {
        FormRow("roles.field.name", "roles.dialog.name", 280.0f * s, errors, "name", [&] {
            InputString("##roles.dialog.name", &name_);
            MarkItem("roles.dialog.name");
        });
    } else {
        TextMuted(TrFormat("roles.move.body", {selected_}));
    }
    if (dialog_ != Dialog::Rename) {
        FormRow("roles.field.parent", "roles.dialog.parent", 280.0f * s, errors, "parent",
                [&] { NameCombo("roles.dialog.parent", names, &parent_, "roles.top"); });
    }
    ImGui::Dummy(ImVec2(0.0f, 10.0f * s));
    const int clicked =
        ButtonRow({{"dialog.cancel", "roles.dialog.cancel"}, {"dialog.save", "roles.dialog.save"}}, 1, -1);
    if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        ImGui::CloseCurrentPopup();
    } else if (clicked == 1) {
        AccessService& access = workspace_.access();
        Status st = Status{};
        std::vector<FollowedRename> followed;
        if (dialog_ == Dialog::Create) {
            Result<Role> r = access.CreateRole(ActingUser(), name_, parent_);
            if (!r.ok()) st = r.error();
            if (r.ok()) selected_ = r->name;
        } else if (dialog_ == Dialog::Rename) {
            // The settings naming the old name follow it (core/rename_follow.h).
            st = RenameRoleFollowing(workspace_, ActingUser(), selected_, name_, &followed);
            if (st.ok()) selected_ = name_;
        } else {
            st = access.MoveRole(ActingUser(), selected_, parent_);
        }
        if (st.ok()) {
            error_.clear();
            message_ = TrFormat("roles.saved", {selected_}) + FollowedNote(followed, selected_);
            ImGui::CloseCurrentPopup();
        } else {
            dialog_error_ = ErrorText(st.error());
        }
    }
    EndDialog();
}

}  // namespace crm::ui
