// The sections "roles", "profiles", "permission_sets", "users", "teams" and "sharing" of the document.
// Users are configuration here (who holds which profile, role, manager, permission sets), without
// passwords or their hashes: a user the document adds signs in once an administrator sets a password.
#include <algorithm>
#include <set>

#include "integration/config_internal.h"
#include "workspace.h"

namespace crm::config::detail {

namespace {

// [SECTION] roles

Result<json> ReadRoles(Workspace& ws, const std::string&) {
    json out = json::object();
    for (const Role& r : ws.access().Roles()) out[r.name] = json{{"parent", r.parent}};
    return out;
}

Status ApplyRoles(ApplyContext& ctx, const json& wanted, const json& current) {
    AccessService& a = ctx.workspace.access();
    std::set<std::string> have;
    for (auto it = current.begin(); it != current.end(); ++it) have.insert(it.key());
    // Parents first: create what can be created until nothing more can.
    for (bool progress = true; progress;) {
        progress = false;
        for (auto it = wanted.begin(); it != wanted.end(); ++it) {
            if (have.count(it.key())) continue;
            const std::string parent =
                At(it.value(), "parent").is_string() ? it.value()["parent"].get<std::string>() : "";
            if (!parent.empty() && !have.count(parent) && wanted.contains(parent)) continue;
            Result<Role> made = a.CreateRole(ctx.actor, it.key(), parent);
            if (!made.ok()) return AtPath(made.error(), Join("roles", it.key()));
            have.insert(it.key());
            progress = true;
        }
    }
    for (auto it = wanted.begin(); it != wanted.end(); ++it) {
        const std::string path = Join("roles", it.key());
        if (!have.count(it.key()))
            return ConfigError("config.missing_reference", Join(path, "parent"),
                               {{"name", At(it.value(), "parent").dump()}});
        const json& was = At(current, it.key());
        if (was.is_null() || At(was, "parent") == At(it.value(), "parent")) continue;
        CRM_TRY(Prefixed(a.MoveRole(ctx.actor, it.key(), it.value().value("parent", std::string())), path));
    }
    return Status::Ok();
}

// [SECTION] profiles and permission sets

Result<json> ReadSets(Workspace& ws, PermissionSetKind kind) {
    json out = json::object();
    for (const PermissionSet& s : ws.access().PermissionSets(kind)) {
        json j = Without(ToJson(s), {"id", "kind", "name"});
        // A grant taken back to nothing is no grant: the document does not name it.
        for (json* part : {&j["objects"], &j["fields"]}) {
            for (auto o = part->begin(); o != part->end();) {
                if (o.value().is_object())
                    for (auto f = o.value().begin(); f != o.value().end();)
                        f = f.value().empty() ? o.value().erase(f) : std::next(f);
                o = o.value().empty() ? part->erase(o) : std::next(o);
            }
        }
        out[s.name] = std::move(j);
    }
    return out;
}

uint8_t FieldBits(const json& names) {
    uint8_t bits = 0;
    if (!names.is_array()) return 0;
    for (const json& n : names) {
        if (n == "read") bits |= kFieldRead;
        if (n == "edit") bits |= kFieldEdit;
    }
    return bits;
}

Status ApplySets(ApplyContext& ctx, PermissionSetKind kind, const char* section, const json& wanted,
                 const json& current) {
    AccessService& a = ctx.workspace.access();
    for (auto it = wanted.begin(); it != wanted.end(); ++it) {
        const std::string path = Join(section, it.key());
        const json& want = it.value();
        json have = At(current, it.key());
        if (have == want) continue;
        if (have.is_null()) {
            Result<PermissionSet> made =
                a.CreatePermissionSet(ctx.actor, kind, it.key(), want.value("description", std::string()));
            if (!made.ok()) return AtPath(made.error(), path);
            have = Without(ToJson(*made), {"id", "kind", "name"});
        }
        std::set<std::string> objects;
        for (const json* side : {&At(want, "objects"), &At(have, "objects")})
            if (side->is_object())
                for (auto o = side->begin(); o != side->end(); ++o) objects.insert(o.key());
        for (const std::string& o : objects) {
            const json& w = At(At(want, "objects"), o);
            if (w == At(At(have, "objects"), o)) continue;
            Result<uint8_t> bits = ParseObjectPerms(w.is_null() ? json::array() : w);
            if (!bits.ok()) return AtPath(bits.error(), Join(Join(path, "objects"), o));
            Result<GrantChange> g = a.SetObjectPermissions(ctx.actor, kind, it.key(), o, *bits);
            if (!g.ok()) return AtPath(g.error(), Join(Join(path, "objects"), o));
        }
        const json& fields = At(want, "fields");
        if (fields.is_object()) {
            for (auto o = fields.begin(); o != fields.end(); ++o) {
                if (!o.value().is_object())
                    return ConfigError("config.not_object", Join(Join(path, "fields"), o.key()));
                for (auto f = o.value().begin(); f != o.value().end(); ++f) {
                    if (f.value() == At(At(At(have, "fields"), o.key()), f.key())) continue;
                    const std::string fpath = Join(Join(Join(path, "fields"), o.key()), f.key());
                    Result<GrantChange> g = a.SetFieldPermissions(ctx.actor, kind, it.key(), o.key(), f.key(),
                                                                  FieldBits(f.value()));
                    if (!g.ok()) return AtPath(g.error(), fpath);
                }
            }
        }
        std::set<std::string> want_sys, have_sys;
        for (const json& p : At(want, "system").is_array() ? want["system"] : json::array())
            if (p.is_string()) want_sys.insert(p.get<std::string>());
        for (const json& p : At(have, "system").is_array() ? have["system"] : json::array())
            if (p.is_string()) have_sys.insert(p.get<std::string>());
        for (const std::string& p : want_sys) {
            if (have_sys.count(p)) continue;
            std::optional<SystemPermission> perm = ParseSystemPermission(p);
            if (!perm) return ConfigError("config.missing_reference", Join(path, "system"), {{"name", p}});
            CRM_TRY(Prefixed(a.SetSystemPermission(ctx.actor, kind, it.key(), *perm, true),
                             Join(path, "system")));
        }
        for (const std::string& p : have_sys) {
            if (want_sys.count(p)) continue;
            if (std::optional<SystemPermission> perm = ParseSystemPermission(p))
                CRM_TRY(Prefixed(a.SetSystemPermission(ctx.actor, kind, it.key(), *perm, false),
                                 Join(path, "system")));
        }
    }
    return Status::Ok();
}

const std::vector<std::string> kSetKeys = {"description", "objects", "fields", "system"};

// A list of names (a user's permission sets, a team's members): the names the document adds are added; with
// remove_missing, the names it lacks are taken away. A list the document leaves out is left alone.
template <typename Add, typename Take>
Status SyncNames(ApplyContext& ctx, const json& want, const json& had, const std::string& path, Add add,
                 Take take) {
    if (!want.is_array()) return Status::Ok();
    auto holds = [](const json& list, const json& name) {
        return list.is_array() && std::find(list.begin(), list.end(), name) != list.end();
    };
    for (const json& name : want) {
        if (!name.is_string()) return ConfigError("config.not_object", path);
        if (!holds(had, name)) CRM_TRY(Prefixed(add(name.get<std::string>()), path));
    }
    if (!ctx.remove_missing || !had.is_array()) return Status::Ok();
    for (const json& name : had)
        if (name.is_string() && !holds(want, name)) CRM_TRY(Prefixed(take(name.get<std::string>()), path));
    return Status::Ok();
}

// [SECTION] users

Result<json> ReadUsers(Workspace& ws, const std::string&) {
    json out = json::object();
    for (const User& u : ws.access().Users()) {
        json j = Without(ToJson(u), {"id", "username", "teams"});
        j["permission_sets"] = SortedStrings(j["permission_sets"]);
        out[u.username] = std::move(j);
    }
    return out;
}

const std::vector<std::string> kUserKeys = {"full_name", "email",    "phone",   "active",
                                            "manager",   "role",     "profile", "permission_sets",
                                            "language",  "time_zone"};

Status ApplyUsers(ApplyContext& ctx, const json& wanted, const json& current) {
    AccessService& a = ctx.workspace.access();
    // 1. Create or update, managers left for step 2 (they may be created here too).
    for (auto it = wanted.begin(); it != wanted.end(); ++it) {
        const std::string path = Join("users", it.key());
        const json& have = At(current, it.key());
        json fields = Without(it.value(), {"permission_sets", "manager"});
        if (!have.is_null() && Without(have, {"permission_sets", "manager"}) == fields) continue;
        if (have.is_null()) {
            User base;
            base.username = it.key();
            Result<User> spec = UserFromJson(fields, base);
            if (!spec.ok()) return AtPath(spec.error(), path);
            Result<User> made = a.CreateUser(ctx.actor, *spec);
            if (!made.ok()) return AtPath(made.error(), path);
        } else {
            Result<User> base = a.GetUser(it.key());
            if (!base.ok()) return AtPath(base.error(), path);
            Result<User> spec = UserFromJson(fields, *base);
            if (!spec.ok()) return AtPath(spec.error(), path);
            Result<User> done = a.UpdateUser(ctx.actor, *spec);
            if (!done.ok()) return AtPath(done.error(), path);
        }
    }
    // 2. Managers and permission sets.
    for (auto it = wanted.begin(); it != wanted.end(); ++it) {
        const std::string path = Join("users", it.key());
        const json& have = At(current, it.key());
        if (it.value().contains("manager") && At(have, "manager") != it.value()["manager"]) {
            Result<User> base = a.GetUser(it.key());
            if (!base.ok()) return AtPath(base.error(), path);
            Result<User> spec = UserFromJson(json{{"manager", it.value()["manager"]}}, *base);
            if (!spec.ok()) return AtPath(spec.error(), path);
            Result<User> done = a.UpdateUser(ctx.actor, *spec);
            if (!done.ok()) return AtPath(done.error(), Join(path, "manager"));
        }
        const std::string& user = it.key();
        CRM_TRY(SyncNames(
            ctx, At(it.value(), "permission_sets"), At(have, "permission_sets"),
            Join(path, "permission_sets"),
            [&](const std::string& set) { return a.AssignPermissionSet(ctx.actor, set, user); },
            [&](const std::string& set) { return a.UnassignPermissionSet(ctx.actor, set, user); }));
    }
    return Status::Ok();
}

// [SECTION] teams

Result<json> ReadTeams(Workspace& ws, const std::string&) {
    json out = json::object();
    for (const Team& t : ws.access().Teams()) {
        out[t.name] = json{{"description", t.description},
                           {"members", SortedStrings(json(t.members))},
                           {"permission_sets", SortedStrings(json(t.permission_sets))}};
    }
    return out;
}

Status ApplyTeams(ApplyContext& ctx, const json& wanted, const json& current) {
    AccessService& a = ctx.workspace.access();
    for (auto it = wanted.begin(); it != wanted.end(); ++it) {
        const std::string path = Join("teams", it.key());
        const json& have = At(current, it.key());
        if (have == it.value()) continue;
        if (have.is_null()) {
            Result<Team> made =
                a.CreateTeam(ctx.actor, it.key(), it.value().value("description", std::string()));
            if (!made.ok()) return AtPath(made.error(), path);
        }
        const std::string& team = it.key();
        CRM_TRY(SyncNames(
            ctx, At(it.value(), "members"), At(have, "members"), Join(path, "members"),
            [&](const std::string& user) { return a.AddTeamMember(ctx.actor, team, user); },
            [&](const std::string& user) { return a.RemoveTeamMember(ctx.actor, team, user); }));
        CRM_TRY(SyncNames(
            ctx, At(it.value(), "permission_sets"), At(have, "permission_sets"),
            Join(path, "permission_sets"),
            [&](const std::string& set) { return a.AssignPermissionSetToTeam(ctx.actor, set, team); },
            [&](const std::string& set) { return a.UnassignPermissionSetFromTeam(ctx.actor, set, team); }));
    }
    return Status::Ok();
}

// [SECTION] sharing

Result<json> ReadSharing(Workspace& ws, const std::string&) {
    json out = json::object();
    for (const ObjectSharing& s : ws.access().SharingSettings()) {
        json j = Without(ToJson(s), {"object"});
        j["rules"] = json::object();
        out[s.object] = std::move(j);
    }
    for (const SharingRule& r : ws.access().SharingRules())
        out[r.object]["rules"][r.name] = Without(ToJson(r), {"id", "object", "name"});
    return out;
}

Status CheckSharing(const json& section) {
    for (auto it = section.begin(); it != section.end(); ++it) {
        const std::string path = Join("sharing", it.key());
        CRM_TRY(
            CheckKeys(it.value(), {"owd", "grant_access_using_hierarchies", "team_access", "rules"}, path));
        const json& rules = At(it.value(), "rules");
        if (rules.is_null()) continue;
        CRM_TRY(NeedObject(rules, Join(path, "rules")));
        CRM_TRY(CheckNamed(rules, Join(path, "rules"), {"owned_by", "criteria", "share_with", "level"}));
    }
    return Status::Ok();
}

Status ApplySharing(ApplyContext& ctx, const json& wanted, const json& current) {
    AccessService& a = ctx.workspace.access();
    for (auto it = wanted.begin(); it != wanted.end(); ++it) {
        const std::string path = Join("sharing", it.key());
        const json& want = it.value();
        const json& have = At(current, it.key());
        if (Without(want, {"rules"}) != Without(have, {"rules"})) {
            Result<ObjectSharing> s = a.SharingFor(it.key());
            if (!s.ok()) return AtPath(s.error(), path);
            ObjectSharing next = *s;
            if (want.contains("owd")) {
                std::optional<OrgWideDefault> owd = want["owd"].is_string()
                                                        ? ParseOrgWideDefault(want["owd"].get<std::string>())
                                                        : std::nullopt;
                if (!owd)
                    return ConfigError("config.missing_reference", Join(path, "owd"),
                                       {{"name", want["owd"].dump()}});
                next.owd = *owd;
            }
            if (want.contains("grant_access_using_hierarchies"))
                next.grant_access_using_hierarchies = want["grant_access_using_hierarchies"] == true;
            if (want.contains("team_access")) {
                const json& t = want["team_access"];
                if (t == "none")
                    next.team_access = AccessLevel::None;
                else if (t == "read")
                    next.team_access = AccessLevel::Read;
                else if (t == "edit")
                    next.team_access = AccessLevel::Edit;
                else
                    return ConfigError("config.missing_reference", Join(path, "team_access"),
                                       {{"name", t.dump()}});
            }
            CRM_TRY(Prefixed(a.SetSharing(ctx.actor, next), path));
        }
        const json& rules = At(want, "rules");
        if (!rules.is_object()) continue;
        for (auto r = rules.begin(); r != rules.end(); ++r) {
            if (At(At(have, "rules"), r.key()) == r.value()) continue;
            const std::string rpath = Join(Join(path, "rules"), r.key());
            SharingRule base;
            base.object = it.key();
            base.name = r.key();
            Result<SharingRule> rule = SharingRuleFromJson(r.value(), base);
            if (!rule.ok()) return AtPath(rule.error(), rpath);
            Result<SharingRule> saved = a.SaveSharingRule(ctx.actor, *rule);
            if (!saved.ok()) return AtPath(saved.error(), rpath);
        }
    }
    return Status::Ok();
}

}  // namespace

void AddAccessSections(std::vector<ConfigSection>& out) {
    out.push_back({"roles", ReadRoles, [](const json& s) { return CheckNamed(s, "roles", {"parent"}); },
                   ApplyRoles, nullptr});
    out.push_back({"profiles",
                   [](Workspace& ws, const std::string&) { return ReadSets(ws, PermissionSetKind::Profile); },
                   [](const json& s) { return CheckNamed(s, "profiles", kSetKeys); },
                   [](ApplyContext& c, const json& w, const json& h) {
                       return ApplySets(c, PermissionSetKind::Profile, "profiles", w, h);
                   },
                   nullptr});
    out.push_back(
        {"permission_sets",
         [](Workspace& ws, const std::string&) { return ReadSets(ws, PermissionSetKind::PermissionSet); },
         [](const json& s) { return CheckNamed(s, "permission_sets", kSetKeys); },
         [](ApplyContext& c, const json& w, const json& h) {
             return ApplySets(c, PermissionSetKind::PermissionSet, "permission_sets", w, h);
         },
         nullptr});
    out.push_back({"users", ReadUsers, [](const json& s) { return CheckNamed(s, "users", kUserKeys); },
                   ApplyUsers, nullptr});
    out.push_back({"teams", ReadTeams,
                   [](const json& s) {
                       return CheckNamed(s, "teams", {"description", "members", "permission_sets"});
                   },
                   ApplyTeams, nullptr});
    out.push_back({"sharing", ReadSharing, CheckSharing, ApplySharing, nullptr});
}

}  // namespace crm::config::detail
