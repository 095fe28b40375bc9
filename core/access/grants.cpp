// Profiles and permission sets: their object, field and system grants, and their assignment to users and
// teams.
#include <algorithm>

#include "access/internal.h"
#include "common/text.h"
#include "storage/database.h"

namespace crm {

using namespace access_detail;
using nlohmann::json;

std::vector<PermissionSet> AccessService::PermissionSets(PermissionSetKind kind) const {
    std::vector<PermissionSet> out;
    Statement st = db_.Prepare(
        "SELECT id, name, description, all_objects FROM access_permission_set WHERE kind = ?1 ORDER BY id");
    st.Bind(1, KindText(kind));
    while (st.Step()) {
        PermissionSet s;
        s.id = st.Int(0);
        s.kind = kind;
        s.name = st.Text(1);
        s.description = st.Text(2);
        if (st.Int(3)) {
            for (const auto& o : schema_.Objects()) s.objects[o->api_name] = 63;
        }
        out.push_back(std::move(s));
    }
    for (PermissionSet& s : out) {
        Statement o = db_.Prepare("SELECT object, bits FROM access_object_perm WHERE set_id = ?1");
        o.Bind(1, s.id);
        while (o.Step()) s.objects[o.Text(0)] |= static_cast<uint8_t>(o.Int(1));
        Statement f = db_.Prepare("SELECT object, field, bits FROM access_field_perm WHERE set_id = ?1");
        f.Bind(1, s.id);
        while (f.Step()) s.fields[f.Text(0)][f.Text(1)] = static_cast<uint8_t>(f.Int(2));
        Statement p = db_.Prepare("SELECT permission FROM access_system_perm WHERE set_id = ?1");
        p.Bind(1, s.id);
        while (p.Step()) {
            if (auto sp = ParseSystemPermission(p.Text(0))) s.system.push_back(*sp);
        }
        std::sort(s.system.begin(), s.system.end());
    }
    return out;
}

Result<PermissionSet> AccessService::GetPermissionSet(PermissionSetKind kind, std::string_view name) const {
    for (PermissionSet& s : PermissionSets(kind)) {
        if (Same(s.name, name)) return s;
    }
    return SetIdOf(kind, name).error();
}

bool AccessService::ProfileExists(std::string_view name) const {
    return SetIdOf(PermissionSetKind::Profile, name).ok();
}

std::vector<std::string> AccessService::ProfilesCreatingWithoutRead(std::string_view object,
                                                                    std::string_view field) {
    std::vector<std::string> out;
    const Snapshot& s = Snap();
    const int o = s.Object(object);
    if (o < 0) return out;
    const ObjectDef& def = *s.objects[static_cast<size_t>(o)].def;
    for (size_t f = 0; f < def.fields.size(); ++f) {
        if (!Same(def.fields[f].api_name, field)) continue;
        for (const Snapshot::Set& set : s.sets) {
            if (set.kind == PermissionSetKind::Profile &&
                (set.objects[static_cast<size_t>(o)] & kObjCreate) &&
                !(set.fields[static_cast<size_t>(o)][f] & kFieldRead))
                out.push_back(set.name);
        }
    }
    return out;
}

Result<PermissionSet> AccessService::CreatePermissionSet(const std::string& actor, PermissionSetKind kind,
                                                         const std::string& name,
                                                         const std::string& description,
                                                         const std::string& copy_from) {
    if (IsBlank(name))
        return MakeError("access.invalid_name", std::string("A ") + KindWord(kind) + " needs a name.",
                         "name");
    CRM_TRY(Apply(actor, SystemPermission::ManageRolesAndPermissions, [&]() -> Status {
        if (SetIdOf(kind, name).ok())
            return MakeError("access.name_taken",
                             std::string("There is already a ") + KindWord(kind) + " " + Q(name) + ".",
                             "name");
        std::optional<int64_t> source;
        if (!copy_from.empty()) {
            Result<int64_t> src = SetIdOf(kind, copy_from);
            if (!src.ok()) return Error{src.error().code, src.error().message, "copy_from", 0, 0};
            source = *src;
        }
        Statement ins =
            db_.Prepare("INSERT INTO access_permission_set(kind, name, description) VALUES(?1, ?2, ?3)");
        ins.Bind(1, KindText(kind)).Bind(2, name).Bind(3, description);
        if (Status s = ins.Run(); !s.ok()) return s;
        const int64_t id = db_.LastInsertRowId();
        if (source) {
            for (const char* sql : {"INSERT INTO access_object_perm(set_id, object, bits) SELECT ?1, object, "
                                    "bits FROM access_object_perm WHERE set_id = ?2",
                                    "INSERT INTO access_field_perm(set_id, object, field, bits) SELECT ?1, "
                                    "object, field, bits FROM access_field_perm WHERE set_id = ?2",
                                    "INSERT INTO access_system_perm(set_id, permission) SELECT ?1, "
                                    "permission FROM access_system_perm WHERE set_id = ?2"}) {
                Statement st = db_.Prepare(sql);
                st.Bind(1, id).Bind(2, *source);
                if (Status s = st.Run(); !s.ok()) return s;
            }
        }
        return Audit(kind == PermissionSetKind::Profile ? "profiles" : "permsets", "create",
                     std::string(KindText(kind)) + "." + name, nullptr,
                     json{{"description", description}, {"copy_from", copy_from}});
    }));
    return GetPermissionSet(kind, name);
}

Status AccessService::DeletePermissionSet(const std::string& actor, PermissionSetKind kind,
                                          std::string_view name) {
    Result<int64_t> id = SetIdOf(kind, name);
    if (!id.ok()) return id.error();
    return Apply(actor, SystemPermission::ManageRolesAndPermissions, [&]() -> Status {
        Statement used = db_.Prepare("SELECT COUNT(*) FROM access_user WHERE profile_id = ?1");
        used.Bind(1, *id);
        used.Step();
        if (used.Int(0) > 0) {
            return MakeError("access.profile_in_use",
                             std::to_string(used.Int(0)) + " users have the profile " + Q(name) +
                                 ": give them another first.",
                             "profile");
        }
        Statement builtin = db_.Prepare("SELECT all_objects FROM access_permission_set WHERE id = ?1");
        builtin.Bind(1, *id);
        if (builtin.Step() && builtin.Int(0))
            return MakeError("access.builtin",
                             "The System Administrator profile is built in and cannot be deleted.",
                             "profile");
        // The old value holds the grants and who held the set, so the trail can restore both.
        Result<PermissionSet> held = GetPermissionSet(kind, name);
        if (!held.ok()) return held.error();
        json old = ToJson(*held);
        const std::pair<const char*, const char*> holders[] = {
            {"users",
             "SELECT u.username FROM access_user_permset l JOIN access_user u ON u.id = l.user_id "
             "WHERE l.set_id = ?1 UNION SELECT username FROM access_user WHERE profile_id = ?1 ORDER BY 1"},
            {"teams",
             "SELECT t.name FROM access_team_permset l JOIN access_team t ON t.id = l.team_id "
             "WHERE l.set_id = ?1 ORDER BY 1"}};
        for (const auto& [key, sql] : holders) {
            old[key] = json::array();
            Statement st = db_.Prepare(sql);
            st.Bind(1, *id);
            while (st.Step()) old[key].push_back(st.Text(0));
        }
        for (const char* sql : {"DELETE FROM access_object_perm WHERE set_id = ?1",
                                "DELETE FROM access_field_perm WHERE set_id = ?1",
                                "DELETE FROM access_system_perm WHERE set_id = ?1",
                                "DELETE FROM access_user_permset WHERE set_id = ?1",
                                "DELETE FROM access_team_permset WHERE set_id = ?1",
                                "DELETE FROM access_permission_set WHERE id = ?1"}) {
            Statement st = db_.Prepare(sql);
            st.Bind(1, *id);
            if (Status s = st.Run(); !s.ok()) return s;
        }
        return Audit(kind == PermissionSetKind::Profile ? "profiles" : "permsets", "delete",
                     std::string(KindText(kind)) + "." + std::string(name), std::move(old), nullptr);
    });
}

Status AccessService::RenamePermissionSet(const std::string& actor, PermissionSetKind kind,
                                          std::string_view name, const std::string& new_name) {
    Result<int64_t> id = SetIdOf(kind, name);
    if (!id.ok()) return id.error();
    if (IsBlank(new_name))
        return MakeError("access.invalid_name", std::string("A ") + KindWord(kind) + " needs a name.",
                         "name");
    return Apply(actor, SystemPermission::ManageRolesAndPermissions, [&]() -> Status {
        Result<int64_t> other = SetIdOf(kind, new_name);
        if (other.ok() && *other != *id)
            return MakeError("access.name_taken",
                             std::string("There is already a ") + KindWord(kind) + " " + Q(new_name) + ".",
                             "name");
        Statement old_name = db_.Prepare("SELECT name FROM access_permission_set WHERE id = ?1");
        old_name.Bind(1, *id);
        old_name.Step();
        const std::string before = old_name.Text(0);
        Statement up = db_.Prepare("UPDATE access_permission_set SET name = ?1 WHERE id = ?2");
        up.Bind(1, new_name).Bind(2, *id);
        if (Status st = up.Run(); !st.ok()) return st;
        if (kind == PermissionSetKind::Profile) {
            // Page layouts are assigned to a profile by its name: the assignments follow the rename.
            Statement layouts = db_.Prepare(
                "UPDATE schema_layout_assignments SET profile = ?1 WHERE profile = ?2 COLLATE NOCASE");
            layouts.Bind(1, new_name).Bind(2, before);
            if (Status st = layouts.Run(); !st.ok()) return st;
        }
        return Audit(kind == PermissionSetKind::Profile ? "profiles" : "permsets", "rename",
                     std::string(KindText(kind)) + "." + before, before, new_name);
    });
}

Result<GrantChange> AccessService::SetObjectPermissions(const std::string& actor, PermissionSetKind kind,
                                                        std::string_view set, std::string_view object,
                                                        uint8_t bits) {
    Result<int64_t> id = SetIdOf(kind, set);
    if (!id.ok()) return id.error();
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
    if (!o.ok()) return Error{o.error().code, o.error().message, "object", 0, 0};
    GrantChange change;
    change.bits = WithObjectDependencies(bits & 63);
    change.turned_on = ObjectPermNames(static_cast<uint8_t>(change.bits & ~bits));
    const std::string api = (*o)->api_name;
    CRM_TRY(Apply(actor, SystemPermission::ManageRolesAndPermissions, [&]() -> Status {
        Statement old = db_.Prepare("SELECT bits FROM access_object_perm WHERE set_id = ?1 AND object = ?2");
        old.Bind(1, *id).Bind(2, api);
        const uint8_t before = old.Step() ? static_cast<uint8_t>(old.Int(0)) : 0;
        if (kind == PermissionSetKind::Profile && (change.bits & kObjCreate)) {
            // A profile that can create records must read every required field.
            for (const FieldDef& f : (*o)->fields) {
                if (!f.required || f.state != FieldState::Active) continue;
                Statement fp = db_.Prepare(
                    "SELECT bits FROM access_field_perm WHERE set_id = ?1 AND object = ?2 AND field = ?3");
                fp.Bind(1, *id).Bind(2, api).Bind(3, f.api_name);
                if (fp.Step() && !(fp.Int(0) & kFieldRead)) {
                    return MakeError("access.required_field",
                                     "The profile cannot read the required field " + f.api_name +
                                         ", so it cannot create " + api +
                                         " records: give it Read on the field first.",
                                     "permissions");
                }
            }
        }
        Statement up = db_.Prepare(
            "INSERT INTO access_object_perm(set_id, object, bits) VALUES(?1, ?2, ?3) "
            "ON CONFLICT(set_id, object) DO UPDATE SET bits = excluded.bits");
        up.Bind(1, *id).Bind(2, api).Bind(3, int64_t{change.bits});
        if (Status s = up.Run(); !s.ok()) return s;
        return Audit(kind == PermissionSetKind::Profile ? "profiles" : "permsets", "object_permissions",
                     std::string(KindText(kind)) + "." + std::string(set) + "." + api,
                     ObjectPermNames(before), ObjectPermNames(change.bits));
    }));
    return change;
}

Result<GrantChange> AccessService::SetFieldPermissions(const std::string& actor, PermissionSetKind kind,
                                                       std::string_view set, std::string_view object,
                                                       std::string_view field, uint8_t bits) {
    Result<int64_t> id = SetIdOf(kind, set);
    if (!id.ok()) return id.error();
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
    if (!o.ok()) return Error{o.error().code, o.error().message, "object", 0, 0};
    const FieldDef* f = (*o)->Field(field);
    if (!f) {
        return MakeError("access.unknown_field", (*o)->api_name + " has no field " + Q(field) + ".", "field");
    }
    GrantChange change;
    change.bits = WithFieldDependencies(bits & 3);
    if ((change.bits & ~bits) & kFieldRead) change.turned_on.push_back("read");
    const std::string api = (*o)->api_name;
    const std::string fname = f->api_name;
    const bool required = f->required;
    CRM_TRY(Apply(actor, SystemPermission::ManageRolesAndPermissions, [&]() -> Status {
        if (kind == PermissionSetKind::Profile && required && !(change.bits & kFieldRead)) {
            Statement op =
                db_.Prepare("SELECT bits FROM access_object_perm WHERE set_id = ?1 AND object = ?2");
            op.Bind(1, *id).Bind(2, api);
            if (op.Step() && (op.Int(0) & kObjCreate)) {
                return MakeError("access.required_field",
                                 fname + " is required and the profile can create " + api +
                                     " records: it cannot be made unreadable.",
                                 "field");
            }
        }
        Statement old = db_.Prepare(
            "SELECT bits FROM access_field_perm WHERE set_id = ?1 AND object = ?2 AND field = ?3");
        old.Bind(1, *id).Bind(2, api).Bind(3, fname);
        json before = old.Step() ? json(old.Int(0)) : json(nullptr);
        Statement up = db_.Prepare(
            "INSERT INTO access_field_perm(set_id, object, field, bits) VALUES(?1, ?2, ?3, ?4) "
            "ON CONFLICT(set_id, object, field) DO UPDATE SET bits = excluded.bits");
        up.Bind(1, *id).Bind(2, api).Bind(3, fname).Bind(4, int64_t{change.bits});
        if (Status s = up.Run(); !s.ok()) return s;
        return Audit(kind == PermissionSetKind::Profile ? "profiles" : "permsets", "field_permissions",
                     std::string(KindText(kind)) + "." + std::string(set) + "." + api + "." + fname, before,
                     int64_t{change.bits});
    }));
    return change;
}

Status AccessService::SetSystemPermission(const std::string& actor, PermissionSetKind kind,
                                          std::string_view set, SystemPermission permission, bool granted) {
    Result<int64_t> id = SetIdOf(kind, set);
    if (!id.ok()) return id.error();
    return Apply(actor, SystemPermission::ManageRolesAndPermissions, [&]() -> Status {
        Statement st = db_.Prepare(
            granted ? "INSERT OR IGNORE INTO access_system_perm(set_id, permission) VALUES(?1, ?2)"
                    : "DELETE FROM access_system_perm WHERE set_id = ?1 AND permission = ?2");
        st.Bind(1, *id).Bind(2, SystemPermissionName(permission));
        if (Status s = st.Run(); !s.ok()) return s;
        return Audit(
            kind == PermissionSetKind::Profile ? "profiles" : "permsets", granted ? "grant" : "revoke",
            std::string(KindText(kind)) + "." + std::string(set) + "." + SystemPermissionName(permission),
            !granted, granted);
    });
}

// Who holds a permission set: a user (Manage Users) or a team (Manage Roles and Permissions).
struct AccessService::PermsetHolder {
    const char* table;        ///< access_user / access_team
    const char* name_column;  ///< username / team (the argument named in errors)
    const char* what;         ///< "user" / "team": errors and the audit target
    const char* link_table;   ///< access_user_permset / access_team_permset
    const char* link_column;  ///< user_id / team_id
    SystemPermission needed;
    const char* area;  ///< the audit area
};

namespace {
const AccessService::PermsetHolder kUserHolder{
    "access_user", "username", "user", "access_user_permset", "user_id", SystemPermission::ManageUsers,
    "users"};
const AccessService::PermsetHolder kTeamHolder{"access_team", "team",
                                               "team",        "access_team_permset",
                                               "team_id",     SystemPermission::ManageRolesAndPermissions,
                                               "teams"};
}  // namespace

Status AccessService::LinkPermissionSet(const std::string& actor, std::string_view set,
                                        const PermsetHolder& holder, std::string_view name, bool add) {
    Result<int64_t> s_id = SetIdOf(PermissionSetKind::PermissionSet, set);
    if (!s_id.ok()) return s_id.error();
    Result<int64_t> h = IdOf(holder.table, name, holder.what, holder.name_column);
    if (!h.ok()) return h.error();
    return Apply(actor, holder.needed, [&]() -> Status {
        if (Status s = Link(db_, holder.link_table, holder.link_column, "set_id", *h, *s_id, add); !s.ok())
            return s;
        if (&holder == &kUserHolder) Touch(Touched::Kind::UserSets, *h);  // a team's sets: built whole
        json named = std::string(set);
        return Audit(holder.area, add ? "assign_permset" : "unassign_permset",
                     std::string(holder.what) + "." + std::string(name), add ? json(nullptr) : named,
                     add ? named : json(nullptr));
    });
}

Status AccessService::AssignPermissionSet(const std::string& actor, std::string_view set,
                                          std::string_view username) {
    return LinkPermissionSet(actor, set, kUserHolder, username, true);
}

Status AccessService::UnassignPermissionSet(const std::string& actor, std::string_view set,
                                            std::string_view username) {
    return LinkPermissionSet(actor, set, kUserHolder, username, false);
}

Status AccessService::AssignPermissionSetToTeam(const std::string& actor, std::string_view set,
                                                std::string_view team) {
    return LinkPermissionSet(actor, set, kTeamHolder, team, true);
}

Status AccessService::UnassignPermissionSetFromTeam(const std::string& actor, std::string_view set,
                                                    std::string_view team) {
    return LinkPermissionSet(actor, set, kTeamHolder, team, false);
}
}  // namespace crm
