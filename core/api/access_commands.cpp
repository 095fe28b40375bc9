// users.*, roles.*, teams.*, profiles.*, permsets.*, sharing.* and access.*: the directory, grants and
// sharing, through AccessService (each change checks its system permission in the service as well).
#include "api/command.h"
#include "rename_follow.h"
#include "workspace.h"

namespace crm::api {

namespace {

using SP = SystemPermission;

// [SECTION] Users

Result<json> UsersListCmd(Call& call) {
    json out = json::array();
    for (const User& u : call.workspace.access().Users()) out.push_back(ToJson(u));
    return out;
}

Result<json> UsersGetCmd(Call& call) {
    Result<User> u = call.workspace.access().GetUser(call.Str("username"));
    if (!u.ok()) return u.error();
    return ToJson(*u);
}

Result<json> UsersCreateCmd(Call& call) {
    Result<User> spec = UserFromJson(call.args, User{});
    if (!spec.ok()) return spec.error();
    Result<User> u = call.workspace.access().CreateUser(call.actor, *spec);
    if (!u.ok()) return u.error();
    return ToJson(*u);
}

Result<json> UsersUpdateCmd(Call& call) {
    Result<User> current = call.workspace.access().GetUser(call.Str("username"));
    if (!current.ok()) return current.error();
    json changes = call.args;
    changes.erase("username");
    if (auto it = call.args.find("new_username"); it != call.args.end()) {
        changes.erase("new_username");
        changes["username"] = *it;
    }
    Result<User> changed = UserFromJson(changes, *current);
    if (!changed.ok()) return changed.error();
    Result<User> u = call.workspace.access().UpdateUser(call.actor, *changed);
    if (!u.ok()) return u.error();
    return ToJson(*u);
}

template <bool active>
Result<json> UsersActiveCmd(Call& call) {
    const std::string name = call.Str("username");
    return StatusJson(call.workspace.access().SetUserActive(call.actor, name, active),
                      json{{"username", name}, {"active", active}});
}

Result<json> UsersDeleteCmd(Call& call) {
    const std::string name = call.Str("username");
    return StatusJson(call.workspace.access().DeleteUser(call.actor, name), json{{"deleted", name}});
}

Result<json> UsersTransferCmd(Call& call) {
    Result<int64_t> moved = call.workspace.access().TransferRecords(call.actor, call.Str("from"),
                                                                    call.Str("to"), call.Str("object"));
    if (!moved.ok()) return moved.error();
    return json{{"moved", *moved}};
}

template <bool assign>
Result<json> UsersPermsetCmd(Call& call) {
    const std::string name = call.Str("username"), set = call.Str("permission_set");
    AccessService& a = call.workspace.access();
    return StatusJson(assign ? a.AssignPermissionSet(call.actor, set, name)
                             : a.UnassignPermissionSet(call.actor, set, name),
                      json{{"username", name}, {"permission_set", set}, {"assigned", assign}});
}

Result<json> UsersEffectiveCmd(Call& call) {
    Result<EffectivePermissions> e = call.workspace.access().Effective(call.Str("username"));
    if (!e.ok()) return e.error();
    json objects = json::object();
    for (const auto& [o, bits] : e->objects) objects[o] = ObjectPermNames(bits);
    json fields = json::object();
    for (const auto& [o, fs] : e->fields) {
        for (const auto& [f, bits] : fs)
            fields[o][f] = json{{"read", (bits & kFieldRead) != 0}, {"edit", (bits & kFieldEdit) != 0}};
    }
    json system = json::array();
    for (SystemPermission p : e->system) system.push_back(SystemPermissionName(p));
    return json{{"objects", objects}, {"fields", fields}, {"system", system}};
}

// [SECTION] Roles and teams

Result<json> RolesListCmd(Call& call) {
    json out = json::array();
    for (const Role& r : call.workspace.access().Roles()) out.push_back(ToJson(r));
    return out;
}

Result<json> RolesCreateCmd(Call& call) {
    Result<Role> r = call.workspace.access().CreateRole(call.actor, call.Str("name"), call.Str("parent"));
    if (!r.ok()) return r.error();
    return ToJson(*r);
}

/// The settings a rename rewrote (core/rename_follow.h), for its answer.
json FollowedJson(const std::vector<FollowedRename>& renamed) {
    json out = json::array();
    for (const FollowedRename& f : renamed)
        out.push_back({{"kind", f.kind},
                       {"object", f.object},
                       {"name", f.name},
                       {"before", f.before},
                       {"after", f.after}});
    return out;
}

Result<json> RolesRenameCmd(Call& call) {
    std::vector<FollowedRename> renamed;
    Status s = RenameRoleFollowing(call.workspace, call.actor, call.Str("role"), call.Str("name"), &renamed);
    return StatusJson(s, json{{"role", call.Str("name")}, {"followed", FollowedJson(renamed)}});
}

Result<json> RolesMoveCmd(Call& call) {
    return StatusJson(call.workspace.access().MoveRole(call.actor, call.Str("role"), call.Str("parent")),
                      json{{"role", call.Str("role")}, {"parent", call.Str("parent")}});
}

Result<json> RolesDeleteCmd(Call& call) {
    return StatusJson(call.workspace.access().DeleteRole(call.actor, call.Str("role")),
                      json{{"deleted", call.Str("role")}});
}

Result<json> TeamsListCmd(Call& call) {
    json out = json::array();
    for (const Team& t : call.workspace.access().Teams()) out.push_back(ToJson(t));
    return out;
}

Result<json> TeamsCreateCmd(Call& call) {
    Result<Team> t =
        call.workspace.access().CreateTeam(call.actor, call.Str("name"), call.Str("description"));
    if (!t.ok()) return t.error();
    return ToJson(*t);
}

Result<json> TeamsDeleteCmd(Call& call) {
    return StatusJson(call.workspace.access().DeleteTeam(call.actor, call.Str("team")),
                      json{{"deleted", call.Str("team")}});
}

template <bool add>
Result<json> TeamsMemberCmd(Call& call) {
    const std::string team = call.Str("team"), name = call.Str("username");
    AccessService& a = call.workspace.access();
    return StatusJson(
        add ? a.AddTeamMember(call.actor, team, name) : a.RemoveTeamMember(call.actor, team, name),
        json{{"team", team}, {"username", name}, {"member", add}});
}

template <bool assign>
Result<json> TeamsPermsetCmd(Call& call) {
    const std::string team = call.Str("team"), set = call.Str("permission_set");
    AccessService& a = call.workspace.access();
    return StatusJson(assign ? a.AssignPermissionSetToTeam(call.actor, set, team)
                             : a.UnassignPermissionSetFromTeam(call.actor, set, team),
                      json{{"team", team}, {"permission_set", set}, {"assigned", assign}});
}

// [SECTION] Profiles and permission sets: profiles.* and permsets.* share their handlers, the kind
// is a template argument.

template <PermissionSetKind kind>
Result<json> SetsListCmd(Call& call) {
    json out = json::array();
    for (const PermissionSet& s : call.workspace.access().PermissionSets(kind)) out.push_back(ToJson(s));
    return out;
}

template <PermissionSetKind kind>
Result<json> SetsCreateCmd(Call& call) {
    Result<PermissionSet> s = call.workspace.access().CreatePermissionSet(
        call.actor, kind, call.Str("name"), call.Str("description"), call.Str("copy_from"));
    if (!s.ok()) return s.error();
    return ToJson(*s);
}

template <PermissionSetKind kind>
Result<json> SetsDeleteCmd(Call& call) {
    return StatusJson(call.workspace.access().DeletePermissionSet(call.actor, kind, call.Str("name")),
                      json{{"deleted", call.Str("name")}});
}

template <PermissionSetKind kind>
Result<json> SetsRenameCmd(Call& call) {
    const std::string name = call.Str("name"), new_name = call.Str("new_name");
    if (kind != PermissionSetKind::Profile)
        return StatusJson(call.workspace.access().RenamePermissionSet(call.actor, kind, name, new_name),
                          json{{"renamed", name}, {"name", new_name}});
    // A profile: the settings naming it follow it.
    std::vector<FollowedRename> renamed;
    Status s = RenameProfileFollowing(call.workspace, call.actor, name, new_name, &renamed);
    return StatusJson(s, json{{"renamed", name}, {"name", new_name}, {"followed", FollowedJson(renamed)}});
}

template <PermissionSetKind kind>
Result<json> SetsObjectCmd(Call& call) {
    Result<uint8_t> bits = ParseObjectPerms(call.args.value("permissions", json()));
    if (!bits.ok()) return bits.error();
    Result<GrantChange> c = call.workspace.access().SetObjectPermissions(call.actor, kind, call.Str("name"),
                                                                         call.Str("object"), *bits);
    if (!c.ok()) return c.error();
    return json{{"permissions", ObjectPermNames(c->bits)}, {"turned_on", c->turned_on}};
}

template <PermissionSetKind kind>
Result<json> SetsFieldCmd(Call& call) {
    const uint8_t bits = static_cast<uint8_t>((call.Bool("read", false) ? kFieldRead : 0) |
                                              (call.Bool("edit", false) ? kFieldEdit : 0));
    Result<GrantChange> c = call.workspace.access().SetFieldPermissions(
        call.actor, kind, call.Str("name"), call.Str("object"), call.Str("field"), bits);
    if (!c.ok()) return c.error();
    return json{{"read", (c->bits & kFieldRead) != 0},
                {"edit", (c->bits & kFieldEdit) != 0},
                {"turned_on", c->turned_on}};
}

template <PermissionSetKind kind>
Result<json> SetsSystemCmd(Call& call) {
    const std::string name = call.Str("name"), permission = call.Str("permission");
    const bool granted = call.Bool("granted", true);
    std::optional<SystemPermission> p = ParseSystemPermission(permission);
    if (!p) return InvalidArgument("permission", "Unknown system permission " + Quote(permission) + ".");
    return StatusJson(call.workspace.access().SetSystemPermission(call.actor, kind, name, *p, granted),
                      json{{"name", name}, {"permission", permission}, {"granted", granted}});
}

// [SECTION] Sharing and decisions

Result<json> SharingListCmd(Call& call) {
    json out = json::array();
    for (const ObjectSharing& s : call.workspace.access().SharingSettings()) out.push_back(ToJson(s));
    return out;
}

Result<json> SharingSetCmd(Call& call) {
    Result<ObjectSharing> current = call.workspace.access().SharingFor(call.Str("object"));
    if (!current.ok()) return current.error();
    ObjectSharing s = *current;
    if (const std::string owd = call.Str("owd"); !owd.empty()) {
        std::optional<OrgWideDefault> o = ParseOrgWideDefault(owd);
        if (!o) return InvalidArgument("owd", "\"owd\" is private, public_read or public_read_write.");
        s.owd = *o;
    }
    s.grant_access_using_hierarchies =
        call.Bool("grant_access_using_hierarchies", s.grant_access_using_hierarchies);
    if (const std::string team = call.Str("team_access"); !team.empty()) {
        if (team == "none")
            s.team_access = AccessLevel::None;
        else if (team == "read")
            s.team_access = AccessLevel::Read;
        else if (team == "edit")
            s.team_access = AccessLevel::Edit;
        else
            return InvalidArgument("team_access", "\"team_access\" is none, read or edit.");
    }
    CRM_TRY(call.workspace.access().SetSharing(call.actor, s));
    return ToJson(s);
}

Result<json> SharingRulesCmd(Call& call) {
    json out = json::array();
    for (const SharingRule& r : call.workspace.access().SharingRules(call.Str("object")))
        out.push_back(ToJson(r));
    return out;
}

Result<json> SharingSaveRuleCmd(Call& call) {
    Result<SharingRule> rule = SharingRuleFromJson(call.args, SharingRule{});
    if (!rule.ok()) return rule.error();
    Result<SharingRule> saved = call.workspace.access().SaveSharingRule(call.actor, *rule);
    if (!saved.ok()) return saved.error();
    return ToJson(*saved);
}

Result<json> SharingDeleteRuleCmd(Call& call) {
    return StatusJson(
        call.workspace.access().DeleteSharingRule(call.actor, call.Str("object"), call.Str("name")),
        json{{"deleted", call.Str("name")}});
}

template <bool explain>
Result<json> AccessDecideCmd(Call& call) {
    const std::string user = call.Str("username"), action = call.Str("action"), object = call.Str("object");
    std::optional<ObjectAction> a = ParseObjectAction(action);
    if (!a) return InvalidArgument("action", "\"action\" is read, create, edit or delete.");
    AccessService& access = call.workspace.access();
    if (Result<User> u = access.GetUser(user); !u.ok())
        return Error{u.error().code, u.error().message, "username", 0, 0};
    if (Result<std::shared_ptr<const ObjectDef>> o = call.workspace.schema().Object(object); !o.ok()) {
        return Error{o.error().code, o.error().message, "object", 0, 0};
    }
    AccessExplanation e = access.Explain(user, *a, object, call.Id("id"));
    json out = ToJson(e);
    if (!explain) out.erase("reasons");
    return out;
}

const Arg kUsername = {"username", ArgType::String, true};
const Arg kName = {"name", ArgType::String, true};
const Arg kTeam = {"team", ArgType::String, true};
const Arg kPermset = {"permission_set", ArgType::String, true};

// The arguments of a user (users.create; users.update makes them optional).
std::vector<Arg> UserArgs(bool create) {
    std::vector<Arg> args = {kUsername};
    if (!create) args.push_back({"new_username", ArgType::String});
    for (const char* key : {"full_name", "email", "profile"}) args.push_back({key, ArgType::String, create});
    for (const char* key : {"role", "manager", "phone"}) args.push_back({key, ArgType::String});
    args.push_back({"active", ArgType::Boolean});
    args.push_back({"language", ArgType::String, false, "\"en\"|\"zh-CN\""});
    args.push_back({"time_zone", ArgType::String});
    return args;
}

// profiles.* or permsets.*, the same commands over the two kinds.
template <PermissionSetKind kind>
void RegisterSetCommands(Registry& r, const Reads& directory, const Reads& grants) {
    const bool profile = kind == PermissionSetKind::Profile;
    const char* prefix = profile ? "profiles." : "permsets.";
    const std::string example = profile ? "Standard User" : "Sales Ops";
    auto name = [&](const char* verb) { return std::string(prefix) + verb; };
    r.push_back(
        {name("list"),
         profile ? "Lists the profiles with their grants." : "Lists the permission sets with their grants.",
         {},
         directory,
         false,
         json::object(),
         SetsListCmd<kind>});
    r.push_back(
        {name("create"),
         profile ? "Creates a profile (empty, or a copy)." : "Creates a permission set (empty, or a copy).",
         {kName, {"description", ArgType::String}, {"copy_from", ArgType::String}},
         grants,
         true,
         {{"name", profile ? "Partner User" : "Report Builders"}, {"copy_from", example}},
         SetsCreateCmd<kind>});
    r.push_back({name("delete"),
                 profile ? "Deletes a profile no user has." : "Deletes a permission set and its assignments.",
                 {kName},
                 grants,
                 true,
                 {{"name", profile ? "Support Agent" : example}},
                 SetsDeleteCmd<kind>});
    r.push_back({name("rename"),
                 profile
                     ? "Renames a profile; its page-layout assignments follow it, and so does every setting "
                       "naming it: formulas comparing $Profile.Name with its old name, processes "
                       "(listed in followed)."
                     : "Renames a permission set; its assignments stay.",
                 {kName, {"new_name", ArgType::String, true}},
                 grants,
                 true,
                 {{"name", profile ? "Support Agent" : example},
                  {"new_name", profile ? "Service Agent" : "Sales Operations"}},
                 SetsRenameCmd<kind>});
    r.push_back({name("set_object"),
                 profile
                     ? "Sets a profile's permissions on an object; dependencies are turned on and listed."
                     : "Sets a permission set's permissions on an object; dependencies turned on and listed.",
                 {kName,
                  {"object", ArgType::String, true},
                  {"permissions", ArgType::Array, true,
                   "[\"read\"|\"create\"|\"edit\"|\"delete\"|\"view_all\"|\"modify_all\"]"}},
                 grants,
                 true,
                 {{"name", example}, {"object", "Account"}, {"permissions", {"read", "edit"}}},
                 SetsObjectCmd<kind>});
    r.push_back({name("set_field"),
                 profile ? "Sets a profile's permissions on a field (edit turns read on)."
                         : "Sets a permission set's permissions on a field.",
                 {kName,
                  {"object", ArgType::String, true},
                  {"field", ArgType::String, true},
                  {"read", ArgType::Boolean},
                  {"edit", ArgType::Boolean}},
                 grants,
                 true,
                 {{"name", example}, {"object", "Account"}, {"field", "Secret__c"}, {"read", true}},
                 SetsFieldCmd<kind>});
    r.push_back({name("set_system"),
                 profile ? "Grants or revokes a system permission on a profile."
                         : "Grants or revokes a system permission on a permission set.",
                 {kName, {"permission", ArgType::String, true}, {"granted", ArgType::Boolean}},
                 grants,
                 true,
                 {{"name", example}, {"permission", "export_data"}, {"granted", true}},
                 SetsSystemCmd<kind>});
}

}  // namespace

void RegisterAccessCommands(Registry& r) {
    // Who may read the directory: those who manage it. A user may always read about themselves.
    const std::vector<SP> admins = {SP::ManageUsers, SP::ManageRolesAndPermissions};
    const Reads users = SetupData("the users", admins);
    const Reads user_self = SetupData("another user", admins, "username");
    const Reads manage_users = SetupData("the users", {SP::ManageUsers});
    const Reads manage_grants = SetupData("roles, grants and sharing", {SP::ManageRolesAndPermissions});

    r.push_back({"users.list",
                 "Lists every user with role, profile, teams and permission sets.",
                 {},
                 users,
                 false,
                 json::object(),
                 UsersListCmd});
    r.push_back({"users.get",
                 "Returns one user.",
                 {kUsername},
                 user_self,
                 false,
                 {{"username", "admin"}},
                 UsersGetCmd});
    r.push_back({"users.create",
                 "Creates a user (Manage Users).",
                 UserArgs(true),
                 manage_users,
                 true,
                 {{"username", "li.na"},
                  {"full_name", "Li Na 李娜"},
                  {"email", "li.na@example.com"},
                  {"profile", "Standard User"},
                  {"role", "Sales Rep"},
                  {"language", "zh-CN"}},
                 UsersCreateCmd});
    r.push_back({"users.update",
                 "Changes a user (Manage Users); new_username renames.",
                 UserArgs(false),
                 manage_users,
                 true,
                 {{"username", "reader"}, {"phone", "+86 10 5555 0100"}},
                 UsersUpdateCmd});
    r.push_back({"users.deactivate",
                 "Deactivates a user; refused for the last active user with Manage Users.",
                 {kUsername},
                 manage_users,
                 true,
                 {{"username", "reader"}},
                 UsersActiveCmd<false>});
    r.push_back({"users.reactivate",
                 "Reactivates a user.",
                 {kUsername},
                 manage_users,
                 true,
                 {{"username", "reader"}},
                 UsersActiveCmd<true>});
    r.push_back({"users.delete",
                 "Deletes a user who owns no record and whom no sharing rule names (else deactivate or "
                 "transfer first).",
                 {kUsername},
                 manage_users,
                 true,
                 {{"username", "idle"}},
                 UsersDeleteCmd});
    r.push_back({"users.transfer",
                 "Moves the records owned by one user to another.",
                 {{"from", ArgType::String, true},
                  {"to", ArgType::String, true},
                  {"object", ArgType::String, false, "string (default: every object)"}},
                 manage_users,
                 true,
                 {{"from", "reader"}, {"to", "admin"}, {"object", "Account"}},
                 UsersTransferCmd});
    r.push_back({"users.assign_permset",
                 "Assigns a permission set to a user.",
                 {kUsername, kPermset},
                 manage_grants,
                 true,
                 {{"username", "reader"}, {"permission_set", "Sales Ops"}},
                 UsersPermsetCmd<true>});
    r.push_back({"users.unassign_permset",
                 "Removes a permission set from a user.",
                 {kUsername, kPermset},
                 manage_grants,
                 true,
                 {{"username", "reader"}, {"permission_set", "Sales Ops"}},
                 UsersPermsetCmd<false>});
    r.push_back({"users.effective",
                 "A user's effective permissions: the union of profile and permission sets.",
                 {kUsername},
                 user_self,
                 false,
                 {{"username", "admin"}},
                 UsersEffectiveCmd});

    r.push_back({"roles.list",
                 "Lists the roles with their parents.",
                 {},
                 users,
                 false,
                 json::object(),
                 RolesListCmd});
    r.push_back({"roles.create",
                 "Creates a role under a parent (or as a root).",
                 {kName, {"parent", ArgType::String}},
                 manage_grants,
                 true,
                 {{"name", "Sales Manager"}, {"parent", "CEO"}},
                 RolesCreateCmd});
    r.push_back(
        {"roles.rename",
         "Renames a role; every setting naming it follows it: formulas comparing $UserRole.Name with its "
         "old name, approval steps, notifications, reminders, report filters and folder shares (listed in "
         "followed).",
         {{"role", ArgType::String, true}, kName},
         manage_grants,
         true,
         {{"role", "Sales Rep"}, {"name", "Account Executive"}},
         RolesRenameCmd});
    r.push_back(
        {"roles.move",
         "Moves a role and its subtree; a role cannot become its own ancestor.",
         {{"role", ArgType::String, true}, {"parent", ArgType::String, false, "string (\"\" = root)"}},
         manage_grants,
         true,
         {{"role", "Sales Rep"}, {"parent", ""}},
         RolesMoveCmd});
    r.push_back({"roles.delete",
                 "Deletes a role with no users, child roles or sharing rules.",
                 {{"role", ArgType::String, true}},
                 manage_grants,
                 true,
                 {{"role", "Unused"}},
                 RolesDeleteCmd});

    r.push_back({"teams.list",
                 "Lists the teams with members and permission sets.",
                 {},
                 users,
                 false,
                 json::object(),
                 TeamsListCmd});
    r.push_back({"teams.create",
                 "Creates a team.",
                 {kName, {"description", ArgType::String}},
                 manage_users,
                 true,
                 {{"name", "Key Accounts"}, {"description", "The ten largest customers"}},
                 TeamsCreateCmd});
    r.push_back({"teams.delete",
                 "Deletes a team no sharing rule names; its memberships and permission sets go with it.",
                 {kTeam},
                 manage_grants,
                 true,
                 {{"team", "Sales"}},
                 TeamsDeleteCmd});
    r.push_back({"teams.add_member",
                 "Adds a user to a team.",
                 {kTeam, kUsername},
                 manage_users,
                 true,
                 {{"team", "Sales"}, {"username", "admin"}},
                 TeamsMemberCmd<true>});
    r.push_back({"teams.remove_member",
                 "Removes a user from a team.",
                 {kTeam, kUsername},
                 manage_users,
                 true,
                 {{"team", "Sales"}, {"username", "reader"}},
                 TeamsMemberCmd<false>});
    r.push_back({"teams.assign_permset",
                 "Assigns a permission set to every member of a team.",
                 {kTeam, kPermset},
                 manage_grants,
                 true,
                 {{"team", "Sales"}, {"permission_set", "Sales Ops"}},
                 TeamsPermsetCmd<true>});
    r.push_back({"teams.unassign_permset",
                 "Removes a permission set from a team.",
                 {kTeam, kPermset},
                 manage_grants,
                 true,
                 {{"team", "Sales"}, {"permission_set", "Sales Ops"}},
                 TeamsPermsetCmd<false>});

    RegisterSetCommands<PermissionSetKind::Profile>(r, users, manage_grants);
    RegisterSetCommands<PermissionSetKind::PermissionSet>(r, users, manage_grants);

    r.push_back({"sharing.list",
                 "The sharing settings of every object.",
                 {},
                 users,
                 false,
                 json::object(),
                 SharingListCmd});
    r.push_back({"sharing.set",
                 "Changes an object's org-wide default, hierarchy switch or team access.",
                 {{"object", ArgType::String, true},
                  {"owd", ArgType::String, false, "\"private\"|\"public_read\"|\"public_read_write\""},
                  {"grant_access_using_hierarchies", ArgType::Boolean},
                  {"team_access", ArgType::String, false, "\"none\"|\"read\"|\"edit\""}},
                 manage_grants,
                 true,
                 {{"object", "Account"}, {"owd", "public_read"}},
                 SharingSetCmd});
    r.push_back({"sharing.rules",
                 "Lists the sharing rules (of one object, or all).",
                 {{"object", ArgType::String}},
                 users,
                 false,
                 {{"object", "Account"}},
                 SharingRulesCmd});
    r.push_back({"sharing.save_rule",
                 "Creates or replaces (by name) an owner-based or criteria-based sharing rule.",
                 {{"object", ArgType::String, true},
                  kName,
                  {"owned_by", ArgType::Object, false, "{kind, name}"},
                  {"criteria", ArgType::String},
                  {"share_with", ArgType::Object, true, "{kind, name}"},
                  {"level", ArgType::String, true, "\"read\"|\"edit\""}},
                 manage_grants,
                 true,
                 {{"object", "Account"},
                  {"name", "Sales_see_CEO"},
                  {"owned_by", {{"kind", "role"}, {"name", "CEO"}}},
                  {"share_with", {{"kind", "team"}, {"name", "Sales"}}},
                  {"level", "read"}},
                 SharingSaveRuleCmd});
    r.push_back({"sharing.delete_rule",
                 "Deletes a sharing rule.",
                 {{"object", ArgType::String, true}, kName},
                 manage_grants,
                 true,
                 {{"object", "Account"}, {"name", "Big_secrets"}},
                 SharingDeleteRuleCmd});

    const std::vector<Arg> decide_args = {
        kUsername,
        {"action", ArgType::String, true, "\"read\"|\"create\"|\"edit\"|\"delete\""},
        {"object", ArgType::String, true},
        {"id", ArgType::Id}};
    r.push_back({"access.check",
                 "May this user do this action on this object (and record)?",
                 decide_args,
                 user_self,
                 false,
                 {{"username", "admin"}, {"action", "edit"}, {"object", "Account"}, {"id", 1}},
                 AccessDecideCmd<false>});
    r.push_back({"access.explain",
                 "The decision with the grants behind it (or the missing grant), in English and Chinese.",
                 decide_args,
                 user_self,
                 false,
                 {{"username", "admin"}, {"action", "read"}, {"object", "Account"}, {"id", 1}},
                 AccessDecideCmd<true>});
}

}  // namespace crm::api
