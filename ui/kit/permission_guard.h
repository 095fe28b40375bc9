// The permission guard: controls whose change the core refuses without a system permission (Manage
// Users for the user editor, Customize Schema for the company profile, ...) are drawn disabled for an
// acting user who lacks it ("View as"), with the reason on hover, instead of a refusal after Save.
// The core still checks every command; the guard only says it before the user tries. Built per frame
// (the check is a lookup in the access snapshot), so a switch of the acting user or a grant given
// meanwhile shows at once.
//
// Published for tests: "<scope>.locked" (form) holds the reason while the acting user lacks the
// permission, and every item drawn disabled is listed under "disabled" (ui/shell/test_hooks.h).
#pragma once
#include <string>

#include "access/policy.h"

namespace crm {
class AccessService;
}

namespace crm::ui {

/// Whether the acting user holds one system permission, and the controls that need it.
class PermissionGuard {
public:
    /// Checks ActingUser() for `permission`; `scope` names the guarded controls in the test hooks
    /// ("user.editor", "company", ...).
    PermissionGuard(AccessService& access, SystemPermission permission, std::string scope);
    /// For an item the core lets some users change without `permission` (their own report, one in a folder
    /// shared with them for editing): `allowed` is the core's own answer for this item and acting user (asked
    /// when the item was opened), and `reason_id` the catalog line that says why not ({user}, {permission}).
    PermissionGuard(SystemPermission permission, std::string scope, bool allowed, const char* reason_id);
    PermissionGuard(const PermissionGuard&) = delete;
    PermissionGuard& operator=(const PermissionGuard&) = delete;
    /// Ends a Begin() still open.
    ~PermissionGuard();

    /// Whether the acting user holds the permission.
    bool allowed() const { return allowed_; }
    /// "<user> does not hold <permission>: ..." in the current language; empty when allowed.
    const std::string& reason() const { return reason_; }

    /// Everything drawn until End() is disabled (read only) when the permission is missing.
    void Begin();
    void End();
    /// After a control that needs the permission: the reason as a tooltip while it is hovered.
    void ReasonOnHover() const;
    /// The reason as a muted line (top of a read-only form); nothing when allowed.
    void Notice() const;

private:
    bool allowed_ = true;
    bool open_ = false;
    std::string scope_;
    std::string reason_;
};

}  // namespace crm::ui
