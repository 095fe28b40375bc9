// Undoing a change made in the access area (the console's undo notice, ui/kit/undo_notice.h): each
// function answers the inverse of one change, made through the same AccessService calls as the change
// itself, so it is access-checked and audited like any change. The inverse first checks that what the
// change left is still so; when it is not (changed since, deleted, renamed), it is refused with
// "access.changed_since" and nothing is changed.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "access/access.h"

namespace crm {

/// The inverse of one change, run as `actor` (the user acting when Undo is pressed): Ok, or why it was
/// refused (nothing changed then).
using UndoAction = std::function<Status(const std::string& actor)>;

/// The object permissions of `set` on `object` went from `before` to `after` (SetObjectPermissions's
/// bits, dependencies included): sets `before` again.
UndoAction UndoObjectPermissions(AccessService& access, PermissionSetKind kind, std::string set,
                                 std::string object, uint8_t before, uint8_t after);
/// The field permission row went from `before` (as the engine read it: explicit, or inherited from the
/// object's) to `after`: sets `before` again, as an explicit row.
UndoAction UndoFieldPermissions(AccessService& access, PermissionSetKind kind, std::string set,
                                std::string object, std::string field, uint8_t before, uint8_t after);
/// The system permission was granted (`granted` true) or revoked: revokes or grants it again.
UndoAction UndoSystemPermission(AccessService& access, PermissionSetKind kind, std::string set,
                                SystemPermission permission, bool granted);
/// The role moved from under `old_parent` to under `new_parent` ("" = a root): moves it back.
UndoAction UndoRoleMove(AccessService& access, std::string role, std::string old_parent,
                        std::string new_parent);

}  // namespace crm
