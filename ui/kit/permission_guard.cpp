#include "ui/kit/permission_guard.h"

#include <utility>

#include "access/access.h"
#include "imgui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/shell/page.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

/// The permission as the Permissions pages name it ("sysperm.manage_users"), in the current language.
std::string PermissionLabel(SystemPermission permission) {
    return Tr(std::string("sysperm.") + SystemPermissionName(permission));
}

}  // namespace

PermissionGuard::PermissionGuard(AccessService& access, SystemPermission permission, std::string scope)
    : allowed_(access.HasSystemPermission(ActingUser(), permission)), scope_(std::move(scope)) {
    if (allowed_) return;
    reason_ =
        Tr("guard.needs_permission", {{"user", ActingUser()}, {"permission", PermissionLabel(permission)}});
    PublishForm(scope_ + ".locked", reason_);
}

PermissionGuard::PermissionGuard(SystemPermission permission, std::string scope, bool allowed,
                                 const char* reason_id)
    : allowed_(allowed), scope_(std::move(scope)) {
    if (allowed_) return;
    reason_ = Tr(reason_id, {{"user", ActingUser()}, {"permission", PermissionLabel(permission)}});
    PublishForm(scope_ + ".locked", reason_);
}

PermissionGuard::~PermissionGuard() {
    if (open_) End();
}

void PermissionGuard::Begin() {
    if (open_) return;
    ImGui::BeginDisabled(!allowed_);
    open_ = true;
}

void PermissionGuard::End() {
    if (!open_) return;
    ImGui::EndDisabled();
    open_ = false;
}

void PermissionGuard::ReasonOnHover() const {
    if (allowed_ || !ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) return;
    ImGui::SetTooltip("%s", reason_.c_str());
    PublishForm(scope_ + ".hover_reason", reason_);
}

void PermissionGuard::Notice() const {
    if (allowed_) return;
    TextColored(CurrentPalette().warning, reason_);
    MarkItem(scope_ + ".locked");
}

}  // namespace crm::ui
