// The engine against a plain reference written from SEMANTICS.md (Permissions): random organizations,
// random (user, action, record) questions, random configuration changes in between. The reference keeps
// the configuration as plain lists and walks parents; it shares no code with core/access, so a kept
// table that is not invalidated, a wrong Euler tour or a missed union shows up as a disagreement.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "workspace.h"

using namespace crm;

namespace {

/// splitmix64: the same sequence on every target.
struct Rng {
    uint64_t state;
    uint64_t Next() {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    int Below(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }
    bool Chance(int percent) { return Below(100) < percent; }
};

const char* const kObjects[] = {"Opportunity", "Project__c"};  // standard (hierarchy always on) and custom
const char* const kNumberField[] = {"Amount", "Budget__c"};

// [SECTION] The reference model

struct RefRule {
    int object = 0;
    std::string name;
    bool owner_based = true;
    ShareGroup::Kind owned_kind = ShareGroup::Kind::Role;
    std::string owned;
    double threshold = 0;  ///< criteria rules: the number field >= threshold
    ShareGroup::Kind with_kind = ShareGroup::Kind::Role;
    std::string with;
    AccessLevel level = AccessLevel::Read;
};

struct RefUser {
    std::string name;
    int64_t id = 0;
    bool active = true;
    std::string role;  ///< "" = none
    std::string profile;
    std::set<std::string> sets;
};

struct RefRecord {
    int object = 0;
    int64_t id = 0;
    int owner = 0;  ///< index into users
    double value = 0;
};

struct Reference {
    std::map<std::string, std::string> parent;               ///< role -> parent ("" = root)
    std::map<std::string, std::map<int, uint8_t>> set_bits;  ///< profile or permission set -> object -> bits
    std::map<std::string, std::set<std::string>> team_members;  ///< team -> usernames
    std::map<std::string, std::set<std::string>> team_sets;     ///< team -> permission sets
    std::vector<RefUser> users;
    OrgWideDefault owd[2] = {OrgWideDefault::PublicReadWrite, OrgWideDefault::PublicReadWrite};
    bool hierarchies[2] = {true, true};
    AccessLevel team_access[2] = {AccessLevel::None, AccessLevel::None};
    std::vector<RefRule> rules;
    std::vector<RefRecord> records;

    /// Create/Edit need Read; Delete needs Read and Edit; View All needs Read; Modify All needs all four.
    static uint8_t WithDependencies(uint8_t b) {
        if (b & kObjModifyAll) b |= kObjRead | kObjEdit | kObjDelete | kObjViewAll;
        if (b & kObjDelete) b |= kObjRead | kObjEdit;
        if (b & (kObjCreate | kObjEdit | kObjViewAll)) b |= kObjRead;
        return b;
    }
    /// `role` is `top` or below it, by walking parents.
    bool AtOrBelow(std::string role, const std::string& top) const {
        while (!role.empty()) {
            if (role == top) return true;
            role = parent.at(role);
        }
        return false;
    }
    bool InTeam(const std::string& user, const std::string& team) const {
        auto it = team_members.find(team);
        return it != team_members.end() && it->second.count(user) > 0;
    }
    bool InGroup(const RefUser& u, ShareGroup::Kind kind, const std::string& name) const {
        switch (kind) {
            case ShareGroup::Kind::Role:
                return !u.role.empty() && u.role == name;
            case ShareGroup::Kind::RoleAndSubordinates:
                return !u.role.empty() && AtOrBelow(u.role, name);
            case ShareGroup::Kind::Team:
                return InTeam(u.name, name);
            case ShareGroup::Kind::User:
                return u.name == name;
        }
        return false;
    }
    /// The union of the profile, the user's permission sets and their teams' permission sets.
    uint8_t Bits(const RefUser& u, int object) const {
        auto of = [&](const std::string& set) {
            auto it = set_bits.find(set);
            if (it == set_bits.end()) return uint8_t{0};
            auto b = it->second.find(object);
            return b == it->second.end() ? uint8_t{0} : b->second;
        };
        uint8_t bits = of(u.profile);
        for (const std::string& s : u.sets) bits |= of(s);
        for (const auto& [team, members] : team_members) {
            if (!members.count(u.name)) continue;
            for (const std::string& s : team_sets.at(team)) bits |= of(s);
        }
        return bits;
    }
    bool Decide(int user, ObjectAction action, const RefRecord* record, int object) const {
        const RefUser& u = users[static_cast<size_t>(user)];
        if (!u.active) return false;
        const uint8_t bits = Bits(u, object);
        const uint8_t needed_bit = action == ObjectAction::Read     ? kObjRead
                                   : action == ObjectAction::Create ? kObjCreate
                                   : action == ObjectAction::Edit   ? kObjEdit
                                                                    : kObjDelete;
        if (!(bits & needed_bit)) return false;
        if (!record) return true;
        AccessLevel level = AccessLevel::None;
        auto raise = [&](AccessLevel l) { level = std::max(level, l); };
        if (bits & kObjModifyAll) raise(AccessLevel::Full);
        if (bits & kObjViewAll) raise(AccessLevel::Read);
        const RefUser& owner = users[static_cast<size_t>(record->owner)];
        if (record->owner == user) raise(AccessLevel::Full);
        if (owd[object] == OrgWideDefault::PublicRead) raise(AccessLevel::Read);
        if (owd[object] == OrgWideDefault::PublicReadWrite) raise(AccessLevel::Edit);
        // Hierarchy: a user whose role is strictly above the owner's role gets the owner's access.
        if (hierarchies[object] && !u.role.empty() && !owner.role.empty() && owner.role != u.role &&
            AtOrBelow(owner.role, u.role))
            raise(AccessLevel::Full);
        if (team_access[object] != AccessLevel::None) {
            for (const auto& [team, members] : team_members)
                if (members.count(u.name) && members.count(owner.name)) raise(team_access[object]);
        }
        for (const RefRule& r : rules) {
            if (r.object != object || !InGroup(u, r.with_kind, r.with)) continue;
            const bool match =
                r.owner_based ? InGroup(owner, r.owned_kind, r.owned) : record->value >= r.threshold;
            if (match) raise(r.level);
        }
        const AccessLevel needed = action == ObjectAction::Read   ? AccessLevel::Read
                                   : action == ObjectAction::Edit ? AccessLevel::Edit
                                                                  : AccessLevel::Full;
        return level >= needed;
    }
};

// [SECTION] The organization, built through the services and mirrored in the reference

struct Fixture {
    std::unique_ptr<Workspace> ws;
    Reference ref;
    Rng rng;
    std::vector<std::string> roles, teams, profiles, sets;
    int rule_serial = 0;
    AccessService& a() { return ws->access(); }

    explicit Fixture(uint64_t seed) : rng{seed} {
        auto opened = Workspace::Open(":memory:");
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        ObjectDef project;
        project.api_name = "Project__c";
        project.label = "Project";
        project.plural_label = "Projects";
        REQUIRE(ws->schema().CreateObject("admin", project).ok());
        FieldDef budget;
        budget.object = "Project__c";
        budget.api_name = "Budget__c";
        budget.label = "Budget";
        budget.type = FieldType::Number;
        budget.precision = 12;
        REQUIRE(ws->schema().CreateField("admin", budget).ok());

        const int role_count = 6 + rng.Below(10);
        for (int i = 0; i < role_count; ++i) {
            std::string name = "R" + std::to_string(i);
            std::string parent = i == 0 || rng.Chance(10) ? "" : roles[static_cast<size_t>(rng.Below(i))];
            REQUIRE(a().CreateRole("admin", name, parent).ok());
            ref.parent[name] = parent;
            roles.push_back(name);
        }
        for (int i = 0; i < 3; ++i) {
            profiles.push_back("P" + std::to_string(i));
            REQUIRE(a().CreatePermissionSet("admin", PermissionSetKind::Profile, profiles.back(), "").ok());
            sets.push_back("S" + std::to_string(i));
            REQUIRE(a().CreatePermissionSet("admin", PermissionSetKind::PermissionSet, sets.back(), "").ok());
        }
        for (int i = 0; i < 12; ++i) RandomGrant();
        for (int i = 0; i < 4; ++i) {
            teams.push_back("T" + std::to_string(i));
            REQUIRE(a().CreateTeam("admin", teams.back(), "").ok());
            ref.team_members[teams.back()];
            ref.team_sets[teams.back()];
        }
        const int user_count = 10 + rng.Below(15);
        for (int i = 0; i < user_count; ++i) {
            User u;
            u.username = "u" + std::to_string(i);
            u.full_name = u.username;
            u.email = u.username + "@example.com";
            u.role = rng.Chance(10) ? "" : Pick(roles);
            u.profile = Pick(profiles);
            Result<User> made = a().CreateUser("admin", u);
            REQUIRE(made.ok());
            ref.users.push_back(RefUser{u.username, made->id, true, u.role, u.profile, {}});
        }
        for (int i = 0; i < user_count; ++i) RandomMembership();
        for (int object = 0; object < 2; ++object) RandomSharing(object);
        for (int i = 0; i < 5; ++i) RandomRule();
        // Records: owned by random users, with a random amount for criteria rules.
        for (int object = 0; object < 2; ++object) {
            const int count = 40 + rng.Below(40);
            std::vector<RefRecord> made;
            int i = 0;
            Status s = ws->records().BulkInsertUnchecked(
                "admin", kObjects[object], {"Name", kNumberField[object], "OwnerId"},
                [&](std::vector<formula::Value>& row) {
                    if (i >= count) return false;
                    RefRecord r;
                    r.object = object;
                    r.owner = rng.Below(static_cast<int>(ref.users.size()));
                    r.value = rng.Below(1000) * 100.0;
                    row[0] = formula::Value::Text("Rec " + std::to_string(i++));
                    row[1] = formula::Value::Number(r.value);
                    row[2] = formula::Value::Number(
                        static_cast<double>(ref.users[static_cast<size_t>(r.owner)].id));
                    made.push_back(r);
                    return true;
                });
            REQUIRE(s.ok());
            for (size_t k = 0; k < made.size(); ++k) {
                made[k].id = static_cast<int64_t>(k) + 1;
                ref.records.push_back(made[k]);
            }
        }
    }

    template <class T>
    const T& Pick(const std::vector<T>& v) {
        return v[static_cast<size_t>(rng.Below(static_cast<int>(v.size())))];
    }

    void RandomGrant() {
        const bool profile = rng.Chance(50);
        const std::string& set = Pick(profile ? profiles : sets);
        const int object = rng.Below(2);
        // Mostly ordinary grants; View All and Modify All now and then.
        uint8_t bits = static_cast<uint8_t>(rng.Below(16));
        if (rng.Chance(15)) bits |= kObjViewAll;
        if (rng.Chance(8)) bits |= kObjModifyAll;
        auto done = a().SetObjectPermissions(
            "admin", profile ? PermissionSetKind::Profile : PermissionSetKind::PermissionSet, set,
            kObjects[object], bits);
        REQUIRE(done.ok());
        ref.set_bits[set][object] = Reference::WithDependencies(bits);
        CHECK(done->bits == ref.set_bits[set][object]);
    }

    void RandomMembership() {
        RefUser& u = ref.users[static_cast<size_t>(rng.Below(static_cast<int>(ref.users.size())))];
        const int what = rng.Below(4);
        if (what == 0) {
            const std::string& team = Pick(teams);
            if (ref.team_members[team].count(u.name)) {
                REQUIRE(a().RemoveTeamMember("admin", team, u.name).ok());
                ref.team_members[team].erase(u.name);
            } else {
                REQUIRE(a().AddTeamMember("admin", team, u.name).ok());
                ref.team_members[team].insert(u.name);
            }
        } else if (what == 1) {
            const std::string& set = Pick(sets);
            if (u.sets.count(set)) {
                REQUIRE(a().UnassignPermissionSet("admin", set, u.name).ok());
                u.sets.erase(set);
            } else {
                REQUIRE(a().AssignPermissionSet("admin", set, u.name).ok());
                u.sets.insert(set);
            }
        } else if (what == 2) {
            const std::string& team = Pick(teams);
            const std::string& set = Pick(sets);
            if (ref.team_sets[team].count(set)) {
                REQUIRE(a().UnassignPermissionSetFromTeam("admin", set, team).ok());
                ref.team_sets[team].erase(set);
            } else {
                REQUIRE(a().AssignPermissionSetToTeam("admin", set, team).ok());
                ref.team_sets[team].insert(set);
            }
        } else {
            // Profile or role change, or (de)activation.
            Result<User> stored = a().GetUser(u.name);
            REQUIRE(stored.ok());
            User changed = *stored;
            const int which = rng.Below(3);
            if (which == 0) {
                changed.profile = Pick(profiles);
                REQUIRE(a().UpdateUser("admin", changed).ok());
                u.profile = changed.profile;
            } else if (which == 1) {
                changed.role = rng.Chance(10) ? "" : Pick(roles);
                REQUIRE(a().UpdateUser("admin", changed).ok());
                u.role = changed.role;
            } else {
                REQUIRE(a().SetUserActive("admin", u.name, !u.active).ok());
                u.active = !u.active;
            }
        }
    }

    void RandomSharing(int object) {
        ObjectSharing s;
        s.object = kObjects[object];
        s.owd = static_cast<OrgWideDefault>(rng.Below(3));
        s.grant_access_using_hierarchies = object == 0 || rng.Chance(50);
        s.team_access = static_cast<AccessLevel>(rng.Below(3));
        REQUIRE(a().SetSharing("admin", s).ok());
        ref.owd[object] = s.owd;
        ref.hierarchies[object] = s.grant_access_using_hierarchies;
        ref.team_access[object] = s.team_access;
    }

    ShareGroup RandomGroup(bool allow_user) {
        const int kind = rng.Below(allow_user ? 4 : 3);
        if (kind == 0) return ShareGroup{ShareGroup::Kind::Role, Pick(roles)};
        if (kind == 1) return ShareGroup{ShareGroup::Kind::RoleAndSubordinates, Pick(roles)};
        if (kind == 2) return ShareGroup{ShareGroup::Kind::Team, Pick(teams)};
        return ShareGroup{ShareGroup::Kind::User, Pick(ref.users).name};
    }

    void RandomRule() {
        SharingRule r;
        RefRule m;
        m.object = rng.Below(2);
        r.object = kObjects[m.object];
        r.name = m.name = "Rule_" + std::to_string(++rule_serial);
        r.level = m.level = rng.Chance(50) ? AccessLevel::Read : AccessLevel::Edit;
        r.share_with = RandomGroup(true);
        m.with_kind = r.share_with.kind;
        m.with = r.share_with.name;
        if (rng.Chance(75)) {
            r.owned_by = RandomGroup(false);
            m.owned_kind = r.owned_by->kind;
            m.owned = r.owned_by->name;
        } else {
            m.owner_based = false;
            m.threshold = rng.Below(1000) * 100.0;
            r.criteria =
                std::string(kNumberField[m.object]) + " >= " + std::to_string(static_cast<int>(m.threshold));
        }
        REQUIRE(a().SaveSharingRule("admin", r).ok());
        ref.rules.push_back(m);
    }

    void RandomRoleMove() {
        const std::string& role = Pick(roles);
        const std::string target = rng.Chance(15) ? "" : Pick(roles);
        const bool cycle = !target.empty() && ref.AtOrBelow(target, role);
        Status s = a().MoveRole("admin", role, target);
        CHECK(s.ok() == !cycle);
        if (!cycle)
            ref.parent[role] = target;
        else
            CHECK(s.error().code == "access.role_cycle");
    }

    /// Moves every record of one object from one user to another (the owners Decide keeps in memory must
    /// follow), or expects the refusal when the receiver is inactive.
    void RandomTransfer() {
        const int from = rng.Below(static_cast<int>(ref.users.size()));
        const int to = rng.Below(static_cast<int>(ref.users.size()));
        const int object = rng.Below(2);
        const RefUser& receiver = ref.users[static_cast<size_t>(to)];
        Result<int64_t> moved = a().TransferRecords("admin", ref.users[static_cast<size_t>(from)].name,
                                                    receiver.name, kObjects[object]);
        if (!receiver.active) {
            CHECK(moved.error().code == "access.inactive_user");
            return;
        }
        REQUIRE(moved.ok());
        int64_t expected = 0;
        for (RefRecord& r : ref.records) {
            if (r.object != object || r.owner != from) continue;
            r.owner = to;
            ++expected;
        }
        CHECK(*moved == expected);
    }

    void RandomChange() {
        switch (rng.Below(7)) {
            case 0:
                RandomRoleMove();
                break;
            case 1:
                RandomGrant();
                break;
            case 2:
                if (!ref.rules.empty() && rng.Chance(50)) {
                    const size_t k = static_cast<size_t>(rng.Below(static_cast<int>(ref.rules.size())));
                    REQUIRE(a().DeleteSharingRule("admin", kObjects[ref.rules[k].object], ref.rules[k].name)
                                .ok());
                    ref.rules.erase(ref.rules.begin() + static_cast<std::ptrdiff_t>(k));
                } else {
                    RandomRule();
                }
                break;
            case 3:
                RandomSharing(rng.Below(2));
                break;
            case 4:
                RandomTransfer();
                break;
            default:
                RandomMembership();
                break;
        }
    }

    /// Lists every object for `users` random users, all pages, and checks each list holds exactly the
    /// records the reference lets the user read (the visibility SQL over the kept group tables).
    void CompareLists(int users) {
        for (int n = 0; n < users; ++n) {
            const int user = rng.Below(static_cast<int>(ref.users.size()));
            const std::string& name = ref.users[static_cast<size_t>(user)].name;
            for (int object = 0; object < 2; ++object) {
                CAPTURE(name);
                CAPTURE(kObjects[object]);
                std::set<int64_t> expected, got;
                for (const RefRecord& r : ref.records) {
                    if (r.object == object && ref.Decide(user, ObjectAction::Read, &r, object))
                        expected.insert(r.id);
                }
                ListQuery q;
                q.columns = {"Name"};
                q.sort_field = kNumberField[object];  // indexed or not, the same rows
                q.limit = 25;
                q.exact_total = true;
                for (q.offset = 0;; q.offset += q.limit) {
                    Result<ListPage> page = ws->records().List(name, kObjects[object], q);
                    if (!page.ok()) break;  // no Read on the object: nothing listed
                    for (const auto& row : page->rows) got.insert(row["Id"].get<int64_t>());
                    CHECK(page->total == static_cast<int64_t>(expected.size()));
                    if (page->rows.size() < static_cast<size_t>(q.limit)) break;
                }
                CHECK(got == expected);
            }
        }
    }

    /// The kept tables hold exactly what a full recomputation from the base tables gives.
    void CheckKeptTables() {
        auto rows = [&](const char* sql) {
            std::vector<std::vector<int64_t>> out;
            Statement st = ws->db().Prepare(sql);
            while (st.Step()) {
                std::vector<int64_t> row;
                for (int c = 0; c < st.ColumnCount(); ++c) row.push_back(st.Int(c));
                out.push_back(row);
            }
            return out;
        };
        const char* closure = R"sql(
WITH RECURSIVE c(a, d, depth) AS (
    SELECT id, id, 0 FROM access_role
    UNION ALL SELECT c.a, r.id, c.depth + 1 FROM c JOIN access_role r ON r.parent_id = c.d)
SELECT a, d, depth FROM c ORDER BY 1, 2, 3)sql";
        const char* members = R"sql(
WITH RECURSIVE c(a, d) AS (
    SELECT id, id FROM access_role UNION ALL SELECT c.a, r.id FROM c JOIN access_role r ON r.parent_id = c.d)
SELECT role_id * 4, id FROM access_user WHERE role_id IS NOT NULL
UNION SELECT c.a * 4 + 1, u.id FROM c JOIN access_user u ON u.role_id = c.d
UNION SELECT team_id * 4 + 2, user_id FROM access_team_member ORDER BY 1, 2)sql";
        CHECK(rows("SELECT ancestor, descendant, depth FROM access_role_closure ORDER BY 1, 2, 3") ==
              rows(closure));
        CHECK(rows("SELECT group_id, user_id FROM access_group_member ORDER BY 1, 2") == rows(members));
    }

    /// Asks `cases` random questions; answers how many agreed (stops at the first disagreement).
    int Compare(int cases) {
        static const ObjectAction kActions[] = {ObjectAction::Read, ObjectAction::Edit, ObjectAction::Delete,
                                                ObjectAction::Create};
        for (int i = 0; i < cases; ++i) {
            const int user = rng.Below(static_cast<int>(ref.users.size()));
            const ObjectAction action = kActions[rng.Below(4)];
            const RefRecord& record = Pick(ref.records);
            const bool object_only = action == ObjectAction::Create;
            const bool expected = ref.Decide(user, action, object_only ? nullptr : &record, record.object);
            const std::string& name = ref.users[static_cast<size_t>(user)].name;
            const AccessDecision got =
                a().Decide(name, action, kObjects[record.object], object_only ? 0 : record.id);
            if (got.allowed != expected) {
                AccessExplanation why =
                    a().Explain(name, action, kObjects[record.object], object_only ? 0 : record.id);
                std::string reasons;
                for (const Reason& r : why.reasons) reasons += "\n  - " + r.en;
                const RefUser& owner = ref.users[static_cast<size_t>(record.owner)];
                const std::string message =
                    std::string("engine says ") + (got.allowed ? "allowed" : "denied") + ", reference says " +
                    (expected ? "allowed" : "denied") + ": " + name + " (role " +
                    ref.users[static_cast<size_t>(user)].role + ") " + ObjectActionName(action) + " " +
                    kObjects[record.object] + " #" + std::to_string(record.id) + " owned by " + owner.name +
                    " (role " + owner.role + "); engine explanation:" + reasons;
                FAIL_CHECK(message);
                return i;
            }
        }
        return cases;
    }
};

#ifdef __EMSCRIPTEN__
constexpr int kCasesPerRound = 2500;  // the same code paths, fewer questions under Node.js
#else
constexpr int kCasesPerRound = 5000;
#endif

}  // namespace

TEST_SUITE("access.differential") {
    TEST_CASE(
        "the engine (decisions, lists, kept tables) agrees with the reference on random organizations, "
        "before "
        "and after random changes") {
        int64_t total = 0;
        for (uint64_t seed : {1ull, 2ull, 3ull, 4ull}) {
            CAPTURE(seed);
            Fixture fx(seed);
            for (int round = 0; round < 6; ++round) {
                CAPTURE(round);
                const int agreed = fx.Compare(kCasesPerRound);
                total += agreed;
                REQUIRE(agreed == kCasesPerRound);
                fx.CompareLists(3);
                fx.CheckKeptTables();
                for (int c = 0; c < 4; ++c) fx.RandomChange();
            }
        }
        MESSAGE("agreed on " << total << " decisions");
#ifndef __EMSCRIPTEN__
        CHECK(total >= 100000);
#endif
    }
}
