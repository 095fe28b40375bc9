// The role tree and teams: create, rename, move, delete, and team membership.
#include "access/internal.h"
#include "common/text.h"
#include "storage/database.h"

namespace crm {

using namespace access_detail;
using nlohmann::json;

std::vector<Role> AccessService::Roles() const {
    std::vector<Role> out;
    Statement st = db_.Prepare(
        "SELECT r.id, r.name, p.name FROM access_role r LEFT JOIN access_role p ON p.id = r.parent_id ORDER "
        "BY r.id");
    while (st.Step()) out.push_back(Role{st.Int(0), st.Text(1), st.OptText(2).value_or("")});
    return out;
}

Result<Role> AccessService::CreateRole(const std::string& actor, const std::string& name,
                                       const std::string& parent) {
    if (IsBlank(name)) return MakeError("access.invalid_name", "A role needs a name.", "name");
    CRM_TRY(Apply(actor, SystemPermission::ManageRolesAndPermissions, [&]() -> Status {
        if (IdOf("access_role", name, "role", "name").ok())
            return MakeError("access.name_taken", "There is already a role " + Q(name) + ".", "name");
        std::optional<int64_t> parent_id;
        if (!parent.empty()) {
            Result<int64_t> p = IdOf("access_role", parent, "role", "parent");
            if (!p.ok()) return p.error();
            parent_id = *p;
        }
        Statement ins = db_.Prepare("INSERT INTO access_role(name, parent_id) VALUES(?1, ?2)");
        ins.Bind(1, name).Bind(2, parent_id);
        if (Status s = ins.Run(); !s.ok()) return s;
        return Audit("roles", "create", "role." + name, nullptr, json{{"parent", parent}});
    }));
    Result<int64_t> id = IdOf("access_role", name, "role", "name");
    return Role{id.ok() ? *id : 0, name, parent};
}

Status AccessService::RenameRole(const std::string& actor, std::string_view role,
                                 const std::string& new_name) {
    Result<int64_t> id = IdOf("access_role", role, "role", "role");
    if (!id.ok()) return id.error();
    if (IsBlank(new_name)) return MakeError("access.invalid_name", "A role needs a name.", "name");
    return Apply(actor, SystemPermission::ManageRolesAndPermissions, [&]() -> Status {
        Result<int64_t> other = IdOf("access_role", new_name, "role", "name");
        if (other.ok() && *other != *id)
            return MakeError("access.name_taken", "There is already a role " + Q(new_name) + ".", "name");
        Statement up = db_.Prepare("UPDATE access_role SET name = ?1 WHERE id = ?2");
        up.Bind(1, new_name).Bind(2, *id);
        if (Status s = up.Run(); !s.ok()) return s;
        return Audit("roles", "rename", "role." + std::string(role), std::string(role), new_name);
    });
}

Status AccessService::MoveRole(const std::string& actor, std::string_view role, std::string_view new_parent) {
    Result<int64_t> id = IdOf("access_role", role, "role", "role");
    if (!id.ok()) return id.error();
    std::optional<int64_t> parent_id;
    if (!new_parent.empty()) {
        Result<int64_t> p = IdOf("access_role", new_parent, "role", "parent");
        if (!p.ok()) return p.error();
        parent_id = *p;
    }
    return Apply(actor, SystemPermission::ManageRolesAndPermissions, [&]() -> Status {
        if (parent_id) {
            // The kept closure is current: the new parent must not be the role or below it.
            Statement c =
                db_.Prepare("SELECT 1 FROM access_role_closure WHERE ancestor = ?1 AND descendant = ?2");
            c.Bind(1, *id).Bind(2, *parent_id);
            if (c.Step()) {
                return MakeError("access.role_cycle",
                                 Q(new_parent) + " is " +
                                     (std::string(new_parent) == std::string(role) ? "the role itself"
                                                                                   : "below " + Q(role)) +
                                     ": a role cannot become its own ancestor.",
                                 "parent");
            }
        }
        Statement old = db_.Prepare(
            "SELECT p.name FROM access_role r LEFT JOIN access_role p ON p.id = r.parent_id WHERE r.id = ?1");
        old.Bind(1, *id);
        std::string old_parent = old.Step() ? old.OptText(0).value_or("") : "";
        Statement up = db_.Prepare("UPDATE access_role SET parent_id = ?1 WHERE id = ?2");
        up.Bind(1, parent_id).Bind(2, *id);
        if (Status s = up.Run(); !s.ok()) return s;
        Touch(Touched::Kind::RoleParent, *id);
        return Audit("roles", "move", "role." + std::string(role), old_parent,
                     std::string(new_parent));
    });
}

Status AccessService::DeleteRole(const std::string& actor, std::string_view role) {
    Result<int64_t> id = IdOf("access_role", role, "role", "role");
    if (!id.ok()) return id.error();
    return Apply(actor, SystemPermission::ManageRolesAndPermissions, [&]() -> Status {
        Statement c = db_.Prepare(
            "SELECT (SELECT COUNT(*) FROM access_user WHERE role_id = ?1), (SELECT COUNT(*) FROM access_role "
            "WHERE "
            "parent_id = ?1), (SELECT COUNT(*) FROM access_sharing_rule WHERE (owned_kind IN ('role', "
            "'role_and_subordinates') AND owned_id = ?1) OR (share_kind IN ('role', 'role_and_subordinates') "
            "AND "
            "share_id = ?1))");
        c.Bind(1, *id);
        c.Step();
        if (c.Int(0) > 0 || c.Int(1) > 0 || c.Int(2) > 0) {
            return MakeError("access.role_not_empty",
                             Q(role) + " has " + std::to_string(c.Int(0)) + " users, " +
                                 std::to_string(c.Int(1)) + " child roles and " + std::to_string(c.Int(2)) +
                                 " sharing rules: move them (or delete the rules) first.",
                             "role");
        }
        json old;  // the role with its parent: all it holds once it has no users, children or rules
        for (const Role& r : Roles()) {
            if (r.id == *id) old = ToJson(r);
        }
        Statement del = db_.Prepare("DELETE FROM access_role WHERE id = ?1");
        del.Bind(1, *id);
        if (Status s = del.Run(); !s.ok()) return s;
        return Audit("roles", "delete", "role." + std::string(role), std::move(old), nullptr);
    });
}

// Teams

std::vector<Team> AccessService::Teams() const {
    std::vector<Team> out;
    Statement st = db_.Prepare("SELECT id, name, description FROM access_team ORDER BY name COLLATE NOCASE");
    while (st.Step()) out.push_back(Team{st.Int(0), st.Text(1), st.Text(2), {}, {}});
    for (Team& t : out) {
        Statement m = db_.Prepare(
            "SELECT u.username FROM access_team_member tm JOIN access_user u ON u.id = tm.user_id WHERE "
            "tm.team_id = ?1 "
            "ORDER BY u.username");
        m.Bind(1, t.id);
        while (m.Step()) t.members.push_back(m.Text(0));
        Statement p = db_.Prepare(
            "SELECT s.name FROM access_team_permset tp JOIN access_permission_set s ON s.id = tp.set_id "
            "WHERE "
            "tp.team_id = ?1 ORDER BY s.name");
        p.Bind(1, t.id);
        while (p.Step()) t.permission_sets.push_back(p.Text(0));
    }
    return out;
}

Result<Team> AccessService::CreateTeam(const std::string& actor, const std::string& name,
                                       const std::string& description) {
    if (IsBlank(name)) return MakeError("access.invalid_name", "A team needs a name.", "name");
    CRM_TRY(Apply(actor, SystemPermission::ManageUsers, [&]() -> Status {
        if (IdOf("access_team", name, "team", "name").ok())
            return MakeError("access.name_taken", "There is already a team " + Q(name) + ".", "name");
        Statement ins = db_.Prepare("INSERT INTO access_team(name, description) VALUES(?1, ?2)");
        ins.Bind(1, name).Bind(2, description);
        if (Status s = ins.Run(); !s.ok()) return s;
        return Audit("teams", "create", "team." + name, nullptr, json{{"description", description}});
    }));
    return Team{*IdOf("access_team", name, "team", "name"), name, description, {}, {}};
}

Status AccessService::DeleteTeam(const std::string& actor, std::string_view team) {
    Result<int64_t> id = IdOf("access_team", team, "team", "team");
    if (!id.ok()) return id.error();
    // Membership is Manage Users, but the team's permission sets go with it: assigning those needs Manage
    // Roles and Permissions, and so does taking them away.
    if (Status s = Require(actor, SystemPermission::ManageRolesAndPermissions); !s.ok()) return s;
    return Apply(actor, SystemPermission::ManageUsers, [&]() -> Status {
        json old;  // members and permission sets, so the trail can restore the team
        std::string name(team);
        for (const Team& t : Teams()) {
            if (t.id == *id) {
                old = ToJson(t);
                name = t.name;
            }
        }
        if (std::vector<std::string> rules = RulesNaming(*this, ShareGroup::Kind::Team, name); !rules.empty())
            return InSharingRules("team", "team", name, rules);
        for (const char* sql : {"DELETE FROM access_team_member WHERE team_id = ?1",
                                "DELETE FROM access_team_permset WHERE team_id = ?1",
                                "DELETE FROM access_team WHERE id = ?1"}) {
            Statement st = db_.Prepare(sql);
            st.Bind(1, *id);
            if (Status s = st.Run(); !s.ok()) return s;
        }
        return Audit("teams", "delete", "team." + std::string(team), std::move(old), nullptr);
    });
}

Status AccessService::AddTeamMember(const std::string& actor, std::string_view team,
                                    std::string_view username) {
    Result<int64_t> t = IdOf("access_team", team, "team", "team");
    if (!t.ok()) return t.error();
    Result<int64_t> u = IdOf("access_user", username, "user", "username");
    if (!u.ok()) return u.error();
    return Apply(actor, SystemPermission::ManageUsers, [&]() -> Status {
        if (Status s = Link(db_, "access_team_member", "team_id", "user_id", *t, *u, true); !s.ok()) return s;
        return Audit("teams", "add_member", "team." + std::string(team), nullptr,
                     std::string(username));
    });
}

Status AccessService::RemoveTeamMember(const std::string& actor, std::string_view team,
                                       std::string_view username) {
    Result<int64_t> t = IdOf("access_team", team, "team", "team");
    if (!t.ok()) return t.error();
    Result<int64_t> u = IdOf("access_user", username, "user", "username");
    if (!u.ok()) return u.error();
    return Apply(actor, SystemPermission::ManageUsers, [&]() -> Status {
        if (Status s = Link(db_, "access_team_member", "team_id", "user_id", *t, *u, false); !s.ok())
            return s;
        return Audit("teams", "remove_member", "team." + std::string(team), std::string(username),
                     nullptr);
    });
}
}  // namespace crm
