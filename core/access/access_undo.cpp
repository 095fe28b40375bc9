#include "access/access_undo.h"

#include <algorithm>

#include "common/text.h"

namespace crm {

namespace {

/// `what` (an object, "Object.Field", a system permission) of `set` is no longer as the change left it.
Error GrantChanged(const std::string& set, const std::string& what) {
    return MakeError("access.changed_since",
                     what + " in " + set + " changed after that change: nothing was undone.");
}

}  // namespace

UndoAction UndoObjectPermissions(AccessService& access, PermissionSetKind kind, std::string set,
                                 std::string object, uint8_t before, uint8_t after) {
    return [&access, kind, set = std::move(set), object = std::move(object), before,
            after](const std::string& actor) -> Status {
        Result<PermissionSet> now = access.GetPermissionSet(kind, set);
        if (!now.ok()) return GrantChanged(set, object);
        const auto it = now->objects.find(object);
        const uint8_t bits = it == now->objects.end() ? 0 : it->second;
        if (bits != after) return GrantChanged(set, object);
        Result<GrantChange> change = access.SetObjectPermissions(actor, kind, set, object, before);
        if (!change.ok()) return change.error();
        return Status{};
    };
}

UndoAction UndoFieldPermissions(AccessService& access, PermissionSetKind kind, std::string set,
                                std::string object, std::string field, uint8_t before, uint8_t after) {
    return [&access, kind, set = std::move(set), object = std::move(object), field = std::move(field), before,
            after](const std::string& actor) -> Status {
        const std::string what = object + "." + field;
        Result<ObjectFieldAccess> now = access.FieldAccessOf(kind, set, object);
        if (!now.ok() || now->Field(field) != after) return GrantChanged(set, what);
        Result<GrantChange> change = access.SetFieldPermissions(actor, kind, set, object, field, before);
        if (!change.ok()) return change.error();
        return Status{};
    };
}

UndoAction UndoSystemPermission(AccessService& access, PermissionSetKind kind, std::string set,
                                SystemPermission permission, bool granted) {
    return [&access, kind, set = std::move(set), permission, granted](const std::string& actor) -> Status {
        const std::string what = SystemPermissionName(permission);
        Result<PermissionSet> now = access.GetPermissionSet(kind, set);
        if (!now.ok()) return GrantChanged(set, what);
        const bool held = std::find(now->system.begin(), now->system.end(), permission) != now->system.end();
        if (held != granted) return GrantChanged(set, what);
        return access.SetSystemPermission(actor, kind, set, permission, !granted);
    };
}

UndoAction UndoRoleMove(AccessService& access, std::string role, std::string old_parent,
                        std::string new_parent) {
    return [&access, role = std::move(role), old_parent = std::move(old_parent),
            new_parent = std::move(new_parent)](const std::string& actor) -> Status {
        const std::vector<Role> roles = access.Roles();
        const auto it = std::find_if(roles.begin(), roles.end(), [&](const Role& r) {
            return ToLowerAscii(r.name) == ToLowerAscii(role);
        });
        if (it == roles.end() || ToLowerAscii(it->parent) != ToLowerAscii(new_parent)) {
            return MakeError("access.changed_since",
                             "The role " + role + " moved after that change: nothing was undone.");
        }
        return access.MoveRole(actor, role, old_parent);
    };
}

}  // namespace crm
