// Internals of the access engine, shared by its .cpp files only (callers include access.h; lower layers
// include access/policy.h).
//
// [SECTION] Names      the stored names of permissions, and small helpers
// [SECTION] Snapshot   the effective model in memory, built from the tables; what Decide reads
// [SECTION] Kept rows  the rows of the kept tables a snapshot implies
// [SECTION] Changes    what the change files share
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "access/access.h"
#include "common/text.h"

namespace crm {

namespace access_detail {

// [SECTION] Names

/// The id of the built-in administrator the access migration creates with the workspace (its owner while
/// active; the only user in setup mode). Ids are not reused while the table holds a row, and the lock-out
/// rule keeps one.
constexpr int64_t kBuiltInAdminId = 1;

extern const char* const kSystemNames[kSystemPermissionCount];     ///< as stored ("manage_users", ...)
extern const char* const kSystemLabelsEn[kSystemPermissionCount];  ///< "Manage Users", ...
extern const char* const kObjectPermNames[6];                      ///< "read", "create", ... by bit
extern const char* const kObjectPermLabelsZh[6];
extern const char* const kLevelZh[4];  ///< AccessLevel in Chinese

/// How a criteria-based sharing rule becomes SQL: decimal arithmetic through the crm_ functions (as the
/// evaluator counts), relative dates at `now_ms`, parameters numbered from `first_param`. One place, so
/// the check when a rule is saved and the engine translate alike.
inline formula::SqlOptions CriteriaSqlOptions(int64_t now_ms, int first_param) {
    formula::SqlOptions so;
    so.crm_functions = true;
    so.now_ms = now_ms;
    so.today_days = formula::TodayAt(now_ms, 0);
    so.first_param = first_param;
    return so;
}

inline std::string Q(std::string_view s) { return "\"" + std::string(s) + "\""; }
inline std::string Lower(std::string_view s) { return ToLowerAscii(s); }
inline bool Same(std::string_view a, std::string_view b) { return Lower(a) == Lower(b); }

inline uint8_t ActionBit(ObjectAction a) {
    switch (a) {
        case ObjectAction::Read:
            return kObjRead;
        case ObjectAction::Create:
            return kObjCreate;
        case ObjectAction::Edit:
            return kObjEdit;
        case ObjectAction::Delete:
            return kObjDelete;
    }
    return kObjRead;
}

// Delete (and re-owning) needs Full: the owner, someone above the owner, or Modify All.
inline AccessLevel NeededLevel(ObjectAction a) {
    switch (a) {
        case ObjectAction::Read:
            return AccessLevel::Read;
        case ObjectAction::Edit:
            return AccessLevel::Edit;
        default:
            return AccessLevel::Full;
    }
}

inline const char* KindText(PermissionSetKind k) {
    return k == PermissionSetKind::Profile ? "profile" : "permset";
}
inline const char* KindWord(PermissionSetKind k) {
    return k == PermissionSetKind::Profile ? "profile" : "permission set";
}

inline int64_t GroupId(ShareGroup::Kind kind, int64_t id) {
    switch (kind) {
        case ShareGroup::Kind::Role:
            return id * 4;
        case ShareGroup::Kind::RoleAndSubordinates:
            return id * 4 + 1;
        case ShareGroup::Kind::Team:
            return id * 4 + 2;
        case ShareGroup::Kind::User:
            return id * 4 + 3;  // not materialised: users are matched directly
    }
    return 0;
}

inline std::optional<ShareGroup::Kind> ParseGroupKind(std::string_view s) {
    if (s == "role") return ShareGroup::Kind::Role;
    if (s == "role_and_subordinates") return ShareGroup::Kind::RoleAndSubordinates;
    if (s == "team") return ShareGroup::Kind::Team;
    if (s == "user") return ShareGroup::Kind::User;
    return std::nullopt;
}

}  // namespace access_detail

// [SECTION] Snapshot

struct AccessService::Snapshot {
    uint64_t access_version = 0;
    uint64_t schema_version = 0;
    bool setup_mode = false;  ///< only the built-in admin exists: every actor acts as it
    int admin = -1;  ///< the built-in administrator (kBuiltInAdminId), whatever its name; -1 once deleted

    struct Set {
        int64_t id = 0;
        PermissionSetKind kind = PermissionSetKind::PermissionSet;
        std::string name;
        bool all_objects = false;
        std::vector<uint8_t> objects;              ///< per object index
        std::vector<std::vector<uint8_t>> fields;  ///< per object index, per field index: effective in set
        uint32_t system = 0;
    };
    struct UserInfo {
        int64_t id = 0;
        std::string username;
        bool active = false;
        int role = -1;
        int profile = -1;
        std::vector<int> direct_sets;  ///< permission sets assigned to the user
        std::vector<int> teams;        ///< sorted team indexes
        int grants = -1;               ///< index into grant_sets
    };
    /// The union for one distinct combination of containers (users with the same grants share it).
    struct Grants {
        std::vector<int> sets;  ///< profile first, then permission sets (direct and through teams)
        std::vector<uint8_t> objects;
        std::vector<std::vector<uint8_t>> fields;
        uint32_t system = 0;
    };
    struct RoleInfo {
        int64_t id = 0;
        std::string name;
        int parent = -1;
        int tin = 0, tout = 0;  ///< Euler tour: A is an ancestor-or-self of B iff tin[A] <= tin[B] < tout[A]
        std::vector<int> children;
    };
    struct TeamInfo {
        int64_t id = 0;
        std::string name;
        std::vector<int> sets;
    };
    struct Rule {
        int64_t id = 0;
        std::string name;
        bool owner_based = true;
        ShareGroup::Kind owned_kind = ShareGroup::Kind::Role;
        int owned_index = -1;  ///< role or team index
        std::string criteria;
        ShareGroup::Kind share_kind = ShareGroup::Kind::Role;
        int share_index = -1;  ///< role, team or user index
        AccessLevel level = AccessLevel::Read;
    };
    struct ObjectInfo {
        std::shared_ptr<const ObjectDef> def;
        OrgWideDefault owd = OrgWideDefault::PublicReadWrite;
        bool hierarchies = true;
        AccessLevel team_access = AccessLevel::None;
        std::vector<Rule> rules;
        std::unordered_map<int64_t, int> field_index;  ///< FieldDef::id -> index in def->fields
    };

    std::vector<Set> sets;
    std::vector<UserInfo> users;
    std::vector<Grants> grants;
    std::map<std::vector<int>, int> grants_by_sets;  ///< Grants::sets -> index in grants
    std::vector<RoleInfo> roles;
    std::vector<TeamInfo> teams;
    std::vector<ObjectInfo> objects;
    std::unordered_map<std::string, int> user_by_name;  ///< lower-case username
    std::unordered_map<int64_t, int> user_by_id;
    /// user id -> index (-1: none) for every id below its size, when the ids are compact enough (else empty):
    /// a record's owner is found without hashing (UserById).
    std::vector<int> user_at_id;
    std::unordered_map<int64_t, int> role_by_id;
    std::unordered_map<int64_t, int> team_by_id;
    std::unordered_map<int64_t, int> set_by_id;
    std::unordered_map<std::string, int> object_by_name;  ///< lower-case API name

    int User(std::string_view name) const {
        auto it = user_by_name.find(access_detail::Lower(name));
        return it == user_by_name.end() ? -1 : it->second;
    }
    int Object(std::string_view name) const {
        // Decisions come in runs on one object: the last name asked (as spelled) is answered at once.
        if (name == last_object_name_) return last_object_index_;
        auto it = object_by_name.find(access_detail::Lower(name));
        last_object_name_.assign(name);
        last_object_index_ = it == object_by_name.end() ? -1 : it->second;
        return last_object_index_;
    }
    int UserById(int64_t id) const {
        if (id >= 0 && static_cast<uint64_t>(id) < user_at_id.size()) return user_at_id[static_cast<size_t>(id)];
        auto it = user_by_id.find(id);
        return it == user_by_id.end() ? -1 : it->second;
    }
    bool RoleAtOrBelow(int role, int top) const {
        return role >= 0 && top >= 0 && roles[top].tin <= roles[role].tin &&
               roles[role].tin < roles[top].tout;
    }
    bool InTeam(int user, int team) const {
        const auto& t = users[static_cast<size_t>(user)].teams;
        return std::binary_search(t.begin(), t.end(), team);
    }
    bool InGroup(int user, ShareGroup::Kind kind, int index) const {
        const UserInfo& u = users[static_cast<size_t>(user)];
        switch (kind) {
            case ShareGroup::Kind::Role:
                return u.role == index;
            case ShareGroup::Kind::RoleAndSubordinates:
                return RoleAtOrBelow(u.role, index);
            case ShareGroup::Kind::Team:
                return InTeam(user, index);
            case ShareGroup::Kind::User:
                return user == index;
        }
        return false;
    }
    bool ShareATeam(int a, int b) const {
        const auto& x = users[static_cast<size_t>(a)].teams;
        const auto& y = users[static_cast<size_t>(b)].teams;
        size_t i = 0, j = 0;
        while (i < x.size() && j < y.size()) {
            if (x[i] == y[j]) return true;
            if (x[i] < y[j])
                ++i;
            else
                ++j;
        }
        return false;
    }
    int ActiveManageUsers() const {
        int n = 0;
        for (const UserInfo& u : users) {
            if (u.active && (grants[static_cast<size_t>(u.grants)].system & (1u << 0))) ++n;
        }
        return n;
    }

private:
    // Object's memo of the last name it was asked (derived from object_by_name, which never changes in a
    // snapshot; the core is single-threaded and the API server holds one lock around the workspace).
    mutable std::string last_object_name_;
    mutable int last_object_index_ = -1;
};

// [SECTION] Kept rows

// The kept tables as rows, sorted: what the tables hold after the last committed change, and what a new
// snapshot implies. A change writes only the difference, so its cost follows what it changed.
struct AccessService::KeptRows {
    std::vector<std::tuple<int64_t, int64_t, int64_t>> closure;  ///< ancestor, descendant, depth
    std::vector<std::tuple<int64_t, int64_t>> members;           ///< group_id, user_id
};

namespace access_detail {

using Snapshot = AccessService::Snapshot;
using KeptRows = AccessService::KeptRows;

/// Reads every table and computes the effective model. Runs inside a change's transaction (to check
/// lock-out and to write the kept tables) and after commits (for Decide).
std::shared_ptr<Snapshot> BuildSnapshot(Database& db, const SchemaService& schema);
/// The rows a snapshot implies (see KeptRowsOf in snapshot.cpp).
KeptRows KeptRowsOf(const Snapshot& s);
/// The snapshot after the change `touched` describes, from `current` (the snapshot before it) and the
/// tables now: only what the change touched is read and recomputed (one user's grants; one role's place
/// in the tree), with the functions the whole build runs, so it answers exactly as BuildSnapshot would.
/// Nothing (nullptr) when `touched` is not one such change or names what the snapshot does not hold.
std::shared_ptr<Snapshot> PatchSnapshot(Database& db, const Snapshot& current,
                                        const AccessService::Touched& touched);
/// The kept rows after the change that patched `before` into `after`, from `kept` (what the tables hold:
/// the rows `before` implies); writes to the tables only the rows that change (a moved role: its
/// subtree's closure rows and their users' role-and-subordinates groups).
Result<std::shared_ptr<const KeptRows>> PatchKeptRows(Database& db,
                                                      const std::shared_ptr<const KeptRows>& kept,
                                                      const Snapshot& before, const Snapshot& after,
                                                      const AccessService::Touched& touched);
/// What the kept tables hold now (read once, when no committed change of this service has written them).
Result<KeptRows> ReadKeptRows(Database& db);
/// Makes the kept tables hold `after` when they hold `before`: deletes what went, inserts what came.
Status SyncKeptRows(Database& db, const KeptRows& before, const KeptRows& after);

// [SECTION] Changes

/// The sharing rules that name the group (as owner group or as whom they share with), as
/// "Object.Rule": what deleting a user or a team must not take away silently.
std::vector<std::string> RulesNaming(const AccessService& access, ShareGroup::Kind kind,
                                     std::string_view name);
/// "access.in_sharing_rules" for deleting the user or team `name` (`what`, the argument `field`) that
/// `rules` name.
Error InSharingRules(const char* what, const char* field, std::string_view name,
                     const std::vector<std::string>& rules);

/// Inserts or deletes one (a, b) row of a link table.
Status Link(Database& db, const char* table, const char* a_col, const char* b_col, int64_t a, int64_t b,
            bool add);

}  // namespace access_detail

}  // namespace crm
