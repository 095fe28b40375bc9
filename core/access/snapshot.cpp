// The snapshot built from the tables (what Decide reads), and the kept tables SQL reads
// (access_role_closure, access_group_member), brought up to date with each snapshot.
#include <algorithm>
#include <iterator>
#include <tuple>

#include "access/internal.h"
#include "storage/database.h"

namespace crm::access_detail {

namespace {

// The Euler tour of the role tree, iteratively (deep trees must not overflow the stack): roots and
// children in index order, so a patched tree numbers exactly as one built whole.
void EulerTour(Snapshot& s) {
    int clock = 0;
    for (size_t root = 0; root < s.roles.size(); ++root) {
        if (s.roles[root].parent >= 0) continue;
        std::vector<std::pair<int, size_t>> stack = {{static_cast<int>(root), 0}};
        s.roles[root].tin = clock++;
        while (!stack.empty()) {
            auto& [r, next] = stack.back();
            auto& children = s.roles[static_cast<size_t>(r)].children;
            if (next < children.size()) {
                const int c = children[next++];
                s.roles[static_cast<size_t>(c)].tin = clock++;
                stack.push_back({c, 0});
            } else {
                s.roles[static_cast<size_t>(r)].tout = clock;
                stack.pop_back();
            }
        }
    }
}

// One user's grants: the union of the profile, the direct permission sets and the teams' sets (u.teams
// sorted), computed once per distinct combination (users with the same grants share it). The one rule
// for combining grants: the whole build runs it for every user, a patch for the user it touched.
void GiveGrants(Snapshot& s, Snapshot::UserInfo& u) {
    std::vector<int> sets = u.direct_sets;
    for (int t : u.teams) {
        for (int p : s.teams[static_cast<size_t>(t)].sets) sets.push_back(p);
    }
    std::sort(sets.begin(), sets.end());
    sets.erase(std::unique(sets.begin(), sets.end()), sets.end());
    if (u.profile >= 0) sets.insert(sets.begin(), u.profile);
    if (auto it = s.grants_by_sets.find(sets); it != s.grants_by_sets.end()) {
        u.grants = it->second;
        return;
    }
    const size_t n_obj = s.objects.size();
    Snapshot::Grants g;
    g.sets = sets;
    g.objects.assign(n_obj, 0);
    g.fields.resize(n_obj);
    for (size_t o = 0; o < n_obj; ++o) g.fields[o].assign(s.objects[o].def->fields.size(), 0);
    for (int si : sets) {
        const Snapshot::Set& set = s.sets[static_cast<size_t>(si)];
        g.system |= set.system;
        for (size_t o = 0; o < n_obj; ++o) {
            g.objects[o] |= set.objects[o];
            for (size_t f = 0; f < g.fields[o].size(); ++f) g.fields[o][f] |= set.fields[o][f];
        }
    }
    u.grants = static_cast<int>(s.grants.size());
    s.grants_by_sets.emplace(std::move(sets), u.grants);
    s.grants.push_back(std::move(g));
}

}  // namespace

// Reads every table and computes the effective model. Runs inside a change's transaction (to check
// lock-out and to write the kept tables) and after commits (for Decide).
std::shared_ptr<Snapshot> BuildSnapshot(Database& db, const SchemaService& schema) {
    auto s = std::make_shared<Snapshot>();
    s->schema_version = schema.version();
    for (const auto& o : schema.Objects()) {
        Snapshot::ObjectInfo info;
        info.def = o;
        for (size_t i = 0; i < o->fields.size(); ++i) info.field_index[o->fields[i].id] = static_cast<int>(i);
        s->object_by_name[Lower(o->api_name)] = static_cast<int>(s->objects.size());
        s->objects.push_back(std::move(info));
    }
    const size_t n_obj = s->objects.size();
    {
        Statement st = db.Prepare("SELECT id, name, parent_id FROM access_role ORDER BY id");
        std::vector<int64_t> parents;
        while (st.Step()) {
            Snapshot::RoleInfo r;
            r.id = st.Int(0);
            r.name = st.Text(1);
            parents.push_back(st.OptInt(2).value_or(0));
            s->role_by_id[r.id] = static_cast<int>(s->roles.size());
            s->roles.push_back(std::move(r));
        }
        for (size_t i = 0; i < s->roles.size(); ++i) {
            auto it = s->role_by_id.find(parents[i]);
            if (it != s->role_by_id.end()) {
                s->roles[i].parent = it->second;
                s->roles[static_cast<size_t>(it->second)].children.push_back(static_cast<int>(i));
            }
        }
        EulerTour(*s);
    }
    {
        Statement st =
            db.Prepare("SELECT id, kind, name, all_objects FROM access_permission_set ORDER BY id");
        while (st.Step()) {
            Snapshot::Set set;
            set.id = st.Int(0);
            set.kind =
                st.Text(1) == "profile" ? PermissionSetKind::Profile : PermissionSetKind::PermissionSet;
            set.name = st.Text(2);
            set.all_objects = st.Int(3) != 0;
            set.objects.assign(n_obj, set.all_objects ? uint8_t{63} : uint8_t{0});
            s->set_by_id[set.id] = static_cast<int>(s->sets.size());
            s->sets.push_back(std::move(set));
        }
        Statement op = db.Prepare("SELECT set_id, object, bits FROM access_object_perm");
        while (op.Step()) {
            const int o = s->Object(op.Text(1));
            auto it = s->set_by_id.find(op.Int(0));
            if (o < 0 || it == s->set_by_id.end()) continue;
            s->sets[static_cast<size_t>(it->second)].objects[static_cast<size_t>(o)] |=
                static_cast<uint8_t>(op.Int(2));
        }
        // Field defaults follow the set's object permission; explicit rows replace them (within the set).
        for (Snapshot::Set& set : s->sets) {
            set.fields.resize(n_obj);
            for (size_t o = 0; o < n_obj; ++o) {
                uint8_t d = 0;
                if (set.objects[o] & kObjRead) d |= kFieldRead;
                if (set.objects[o] & kObjEdit) d |= kFieldEdit;
                set.fields[o].assign(s->objects[o].def->fields.size(), d);
            }
        }
        Statement fp = db.Prepare("SELECT set_id, object, field, bits FROM access_field_perm");
        while (fp.Step()) {
            const int o = s->Object(fp.Text(1));
            auto it = s->set_by_id.find(fp.Int(0));
            if (o < 0 || it == s->set_by_id.end()) continue;
            Snapshot::Set& set = s->sets[static_cast<size_t>(it->second)];
            if (set.all_objects) continue;  // the built-in administrator profile always reads and edits all
            const ObjectDef& def = *s->objects[static_cast<size_t>(o)].def;
            for (size_t f = 0; f < def.fields.size(); ++f) {
                if (Same(def.fields[f].api_name, fp.Text(2)))
                    set.fields[static_cast<size_t>(o)][f] = static_cast<uint8_t>(fp.Int(3));
            }
        }
        Statement sp = db.Prepare("SELECT set_id, permission FROM access_system_perm");
        while (sp.Step()) {
            auto it = s->set_by_id.find(sp.Int(0));
            std::optional<SystemPermission> p = ParseSystemPermission(sp.Text(1));
            if (it == s->set_by_id.end() || !p) continue;
            s->sets[static_cast<size_t>(it->second)].system |= 1u << static_cast<int>(*p);
        }
    }
    {
        Statement st = db.Prepare("SELECT id, name FROM access_team ORDER BY id");
        while (st.Step()) {
            Snapshot::TeamInfo t;
            t.id = st.Int(0);
            t.name = st.Text(1);
            s->team_by_id[t.id] = static_cast<int>(s->teams.size());
            s->teams.push_back(std::move(t));
        }
        Statement tp = db.Prepare("SELECT team_id, set_id FROM access_team_permset");
        while (tp.Step()) {
            auto t = s->team_by_id.find(tp.Int(0));
            auto p = s->set_by_id.find(tp.Int(1));
            if (t != s->team_by_id.end() && p != s->set_by_id.end())
                s->teams[static_cast<size_t>(t->second)].sets.push_back(p->second);
        }
    }
    {
        Statement st =
            db.Prepare("SELECT id, username, active, role_id, profile_id FROM access_user ORDER BY id");
        while (st.Step()) {
            Snapshot::UserInfo u;
            u.id = st.Int(0);
            u.username = st.Text(1);
            u.active = st.Int(2) != 0;
            if (auto r = s->role_by_id.find(st.OptInt(3).value_or(0)); r != s->role_by_id.end())
                u.role = r->second;
            if (auto p = s->set_by_id.find(st.Int(4)); p != s->set_by_id.end()) u.profile = p->second;
            s->user_by_name[Lower(u.username)] = static_cast<int>(s->users.size());
            s->user_by_id[u.id] = static_cast<int>(s->users.size());
            s->users.push_back(std::move(u));
        }
        Statement up = db.Prepare("SELECT user_id, set_id FROM access_user_permset");
        while (up.Step()) {
            auto u = s->user_by_id.find(up.Int(0));
            auto p = s->set_by_id.find(up.Int(1));
            if (u != s->user_by_id.end() && p != s->set_by_id.end())
                s->users[static_cast<size_t>(u->second)].direct_sets.push_back(p->second);
        }
        Statement tm = db.Prepare("SELECT team_id, user_id FROM access_team_member");
        while (tm.Step()) {
            auto t = s->team_by_id.find(tm.Int(0));
            auto u = s->user_by_id.find(tm.Int(1));
            if (u != s->user_by_id.end() && t != s->team_by_id.end())
                s->users[static_cast<size_t>(u->second)].teams.push_back(t->second);
        }
    }
    for (Snapshot::UserInfo& u : s->users) {
        std::sort(u.teams.begin(), u.teams.end());
        GiveGrants(*s, u);
    }
    if (s->grants.empty()) s->grants.emplace_back();
    {
        int64_t max_id = -1;
        for (const Snapshot::UserInfo& u : s->users) max_id = std::max(max_id, u.id);
        if (max_id >= 0 && max_id < 4 * static_cast<int64_t>(s->users.size()) + 1024) {
            s->user_at_id.assign(static_cast<size_t>(max_id) + 1, -1);
            for (size_t i = 0; i < s->users.size(); ++i)
                if (s->users[i].id >= 0) s->user_at_id[static_cast<size_t>(s->users[i].id)] = static_cast<int>(i);
        }
    }
    if (const int admin = s->UserById(kBuiltInAdminId); admin >= 0) s->admin = admin;
    s->setup_mode = s->users.size() == 1 && s->admin == 0;
    {
        Statement st = db.Prepare("SELECT object, owd, hierarchies, team_access FROM access_object_sharing");
        while (st.Step()) {
            const int o = s->Object(st.Text(0));
            if (o < 0) continue;
            Snapshot::ObjectInfo& info = s->objects[static_cast<size_t>(o)];
            info.owd = ParseOrgWideDefault(st.Text(1)).value_or(OrgWideDefault::PublicReadWrite);
            info.hierarchies = st.Int(2) != 0 || !info.def->custom;
            info.team_access = static_cast<AccessLevel>(std::clamp<int64_t>(st.Int(3), 0, 2));
        }
        Statement rs = db.Prepare(
            "SELECT id, object, name, owned_kind, owned_id, criteria, share_kind, share_id, level "
            "FROM access_sharing_rule ORDER BY id");
        while (rs.Step()) {
            const int o = s->Object(rs.Text(1));
            if (o < 0) continue;
            Snapshot::Rule r;
            r.id = rs.Int(0);
            r.name = rs.Text(2);
            auto index_of = [&](ShareGroup::Kind k, int64_t id) {
                const auto& map = k == ShareGroup::Kind::Team   ? s->team_by_id
                                  : k == ShareGroup::Kind::User ? s->user_by_id
                                                                : s->role_by_id;
                auto it = map.find(id);
                return it == map.end() ? -1 : it->second;
            };
            if (std::optional<ShareGroup::Kind> k = ParseGroupKind(rs.Text(3))) {
                r.owner_based = true;
                r.owned_kind = *k;
                r.owned_index = index_of(*k, rs.Int(4));
            } else {
                r.owner_based = false;
                r.criteria = rs.Text(5);
            }
            r.share_kind = ParseGroupKind(rs.Text(6)).value_or(ShareGroup::Kind::Role);
            r.share_index = index_of(r.share_kind, rs.Int(7));
            r.level = rs.Int(8) >= 2 ? AccessLevel::Edit : AccessLevel::Read;
            if (r.share_index < 0 || (r.owner_based && r.owned_index < 0)) continue;
            s->objects[static_cast<size_t>(o)].rules.push_back(std::move(r));
        }
    }
    return s;
}

namespace {

template <class... T>
void BindRow(Statement& st, const std::tuple<T...>& row) {
    int i = 0;
    std::apply([&](const auto&... v) { (st.Bind(++i, v), ...); }, row);
}

template <class... T>
Status ReadRows(Database& db, const std::string& sql, std::vector<std::tuple<T...>>& out) {
    Statement st = db.Prepare(sql);
    while (st.Step()) {
        std::tuple<T...> row;
        std::apply(
            [&](auto&... v) {
                int i = 0;
                ((v = st.Int(i++)), ...);
            },
            row);
        out.push_back(row);
    }
    std::sort(out.begin(), out.end());
    return st.status();
}

// Makes `table` hold `after` when it holds `before`: deletes what went, inserts what came.
template <class Row>
Status SyncRows(Database& db, const char* table, const std::vector<const char*>& columns,
                const std::vector<Row>& before, const std::vector<Row>& after) {
    std::vector<Row> gone, came;
    std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(gone));
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(came));
    std::string where, names, values;
    for (size_t i = 0; i < columns.size(); ++i) {
        const std::string n = std::to_string(i + 1);
        where += std::string(i ? " AND " : "") + columns[i] + " = ?" + n;
        names += std::string(i ? ", " : "") + columns[i];
        values += std::string(i ? ", " : "") + "?" + n;
    }
    if (!gone.empty()) {
        Statement del = db.Prepare(std::string("DELETE FROM ") + table + " WHERE " + where);
        for (const Row& r : gone) {
            del.Reset();
            BindRow(del, r);
            if (Status st = del.Run(); !st.ok()) return st;
        }
    }
    if (!came.empty()) {
        Statement ins =
            db.Prepare(std::string("INSERT INTO ") + table + "(" + names + ") VALUES(" + values + ")");
        for (const Row& r : came) {
            ins.Reset();
            BindRow(ins, r);
            if (Status st = ins.Run(); !st.ok()) return st;
        }
    }
    return Status::Ok();
}

}  // namespace

namespace {

// The rows one role implies: itself with each ancestor-or-self (depth 0 for itself).
void AddRoleRows(const Snapshot& s, int role, KeptRows& k) {
    const int64_t id = s.roles[static_cast<size_t>(role)].id;
    int64_t depth = 0;
    for (int a = role; a >= 0; a = s.roles[static_cast<size_t>(a)].parent)
        k.closure.emplace_back(s.roles[static_cast<size_t>(a)].id, id, depth++);
}

// The rows one user implies: the groups the user is in.
void AddUserRows(const Snapshot& s, const Snapshot::UserInfo& u, KeptRows& k) {
    if (u.role >= 0) {
        k.members.emplace_back(GroupId(ShareGroup::Kind::Role, s.roles[static_cast<size_t>(u.role)].id),
                               u.id);
        for (int a = u.role; a >= 0; a = s.roles[static_cast<size_t>(a)].parent)
            k.members.emplace_back(
                GroupId(ShareGroup::Kind::RoleAndSubordinates, s.roles[static_cast<size_t>(a)].id), u.id);
    }
    for (int t : u.teams)
        k.members.emplace_back(GroupId(ShareGroup::Kind::Team, s.teams[static_cast<size_t>(t)].id), u.id);
}

void SortRows(KeptRows& k) {
    std::sort(k.closure.begin(), k.closure.end());
    std::sort(k.members.begin(), k.members.end());
    k.members.erase(std::unique(k.members.begin(), k.members.end()), k.members.end());
}

}  // namespace

// The rows a snapshot implies: every role with each ancestor-or-self (depth 0 for itself), and the
// members of each group: a role's users (role id * 4), a role and its subordinates' users (* 4 + 1, for
// every ancestor-or-self of the user's role), a team's members (team id * 4 + 2). GroupId names them.
KeptRows KeptRowsOf(const Snapshot& s) {
    KeptRows k;
    for (size_t r = 0; r < s.roles.size(); ++r) AddRoleRows(s, static_cast<int>(r), k);
    for (const Snapshot::UserInfo& u : s.users) AddUserRows(s, u, k);
    SortRows(k);
    return k;
}
// What the kept tables hold now (read once, when no committed change of this service has written them).
Result<KeptRows> ReadKeptRows(Database& db) {
    KeptRows k;
    if (Status st = ReadRows(db, "SELECT ancestor, descendant, depth FROM access_role_closure", k.closure);
        !st.ok())
        return st.error();
    if (Status st = ReadRows(db, "SELECT group_id, user_id FROM access_group_member", k.members); !st.ok())
        return st.error();
    return k;
}

Status SyncKeptRows(Database& db, const KeptRows& before, const KeptRows& after) {
    if (Status s = SyncRows(db, "access_role_closure", {"ancestor", "descendant", "depth"}, before.closure,
                            after.closure);
        !s.ok())
        return s;
    return SyncRows(db, "access_group_member", {"group_id", "user_id"}, before.members, after.members);
}

// [SECTION] Patches

std::shared_ptr<Snapshot> PatchSnapshot(Database& db, const Snapshot& current,
                                        const AccessService::Touched& touched) {
    using Kind = AccessService::Touched::Kind;
    if (touched.kind != Kind::UserSets && touched.kind != Kind::RoleParent) return nullptr;
    auto next = std::make_shared<Snapshot>(current);
    if (touched.kind == Kind::UserSets) {
        const int at = next->UserById(touched.id);
        if (at < 0) return nullptr;
        Snapshot::UserInfo& u = next->users[static_cast<size_t>(at)];
        u.direct_sets.clear();
        Statement up = db.Prepare("SELECT set_id FROM access_user_permset WHERE user_id = ?1");
        up.Bind(1, touched.id);
        while (up.Step()) {
            if (auto p = next->set_by_id.find(up.Int(0)); p != next->set_by_id.end())
                u.direct_sets.push_back(p->second);
        }
        GiveGrants(*next, u);  // the combination it held stays, perhaps unused: no answer reads it then
        return next;
    }
    auto it = next->role_by_id.find(touched.id);
    Statement st = db.Prepare("SELECT parent_id FROM access_role WHERE id = ?1");
    st.Bind(1, touched.id);
    if (it == next->role_by_id.end() || !st.Step()) return nullptr;
    const int r = it->second;
    int parent = -1;
    if (auto p = next->role_by_id.find(st.OptInt(0).value_or(0)); p != next->role_by_id.end())
        parent = p->second;
    Snapshot::RoleInfo& role = next->roles[static_cast<size_t>(r)];
    if (role.parent >= 0) {
        auto& siblings = next->roles[static_cast<size_t>(role.parent)].children;
        siblings.erase(std::find(siblings.begin(), siblings.end(), r));
    }
    role.parent = parent;
    if (parent >= 0) {  // children in index order, as the whole build lists them
        auto& siblings = next->roles[static_cast<size_t>(parent)].children;
        siblings.insert(std::lower_bound(siblings.begin(), siblings.end(), r), r);
    }
    EulerTour(*next);
    return next;
}

namespace {

// `kept` without `gone` and with `came` (all sorted; `came` shares no row with what stays).
template <class Row>
std::vector<Row> Replaced(const std::vector<Row>& kept, const std::vector<Row>& gone,
                          const std::vector<Row>& came) {
    std::vector<Row> stay, out;
    stay.reserve(kept.size());
    std::set_difference(kept.begin(), kept.end(), gone.begin(), gone.end(), std::back_inserter(stay));
    out.reserve(stay.size() + came.size());
    std::merge(stay.begin(), stay.end(), came.begin(), came.end(), std::back_inserter(out));
    return out;
}

}  // namespace

Result<std::shared_ptr<const KeptRows>> PatchKeptRows(Database& db,
                                                      const std::shared_ptr<const KeptRows>& kept,
                                                      const Snapshot& before, const Snapshot& after,
                                                      const AccessService::Touched& touched) {
    // A user's permission sets imply no row.
    if (touched.kind != AccessService::Touched::Kind::RoleParent) return kept;
    // A moved role: the rows of the roles of its subtree and of their users, and only those, change.
    const int top = after.role_by_id.at(touched.id);
    KeptRows gone, came;
    for (size_t r = 0; r < after.roles.size(); ++r) {
        if (!after.RoleAtOrBelow(static_cast<int>(r), top)) continue;
        AddRoleRows(before, static_cast<int>(r), gone);
        AddRoleRows(after, static_cast<int>(r), came);
    }
    for (size_t u = 0; u < after.users.size(); ++u) {
        if (!after.RoleAtOrBelow(after.users[u].role, top)) continue;
        AddUserRows(before, before.users[u], gone);
        AddUserRows(after, after.users[u], came);
    }
    SortRows(gone);
    SortRows(came);
    if (Status s = SyncKeptRows(db, gone, came); !s.ok()) return s.error();
    auto next = std::make_shared<KeptRows>();
    next->closure = Replaced(kept->closure, gone.closure, came.closure);
    next->members = Replaced(kept->members, gone.members, came.members);
    return std::shared_ptr<const KeptRows>(std::move(next));
}

}  // namespace crm::access_detail
