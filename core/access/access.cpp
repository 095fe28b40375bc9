// The access engine: the directory and grant services, the kept tables, the in-memory snapshot, and
// Decide / Explain / VisibleRecords over it.
//
// [SECTION] Names and small helpers
// [SECTION] JSON
// [SECTION] Snapshot      built from the tables; what Decide reads
// [SECTION] Engine        Decide, Explain, VisibleRecords, the AccessPolicy
// [SECTION] Changes       one transaction: body, audit, kept tables, lock-out check
// [SECTION] Migration
#include "access/access.h"

#include <algorithm>
#include <iterator>
#include <tuple>
#include <unordered_map>

#include "access/owner_index.h"
#include "audit/audit_log.h"
#include "common/text.h"
#include "demo/demo_company.h"
#include "storage/database.h"

namespace crm {

using nlohmann::json;

// [SECTION] Names and small helpers

namespace {

const char* const kSystemNames[kSystemPermissionCount] = {
    "manage_users",
    "manage_roles_and_permissions",
    "customize_schema",
    "manage_workflows",
    "manage_reports",
    "import_data",
    "export_data",
    "backup_and_restore",
    "view_setup_audit_trail",
    "manage_integrations",
};
const char* const kSystemLabelsEn[kSystemPermissionCount] = {
    "Manage Users",
    "Manage Roles and Permissions",
    "Customize Schema",
    "Manage Workflows",
    "Manage Reports",
    "Import Data",
    "Export Data",
    "Backup and Restore",
    "View Setup Audit Trail",
    "Manage Integrations",
};
const char* const kObjectPermNames[6] = {"read", "create", "edit", "delete", "view_all", "modify_all"};
const char* const kObjectPermLabelsZh[6] = {"读取", "创建", "编辑", "删除", "查看全部", "修改全部"};
const char* const kLevelZh[4] = {"无", "只读", "读写", "完全"};

std::string Q(std::string_view s) { return "\"" + std::string(s) + "\""; }
std::string Lower(std::string_view s) { return ToLowerAscii(s); }
bool Same(std::string_view a, std::string_view b) { return Lower(a) == Lower(b); }

uint8_t ActionBit(ObjectAction a) {
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
AccessLevel NeededLevel(ObjectAction a) {
    switch (a) {
        case ObjectAction::Read:
            return AccessLevel::Read;
        case ObjectAction::Edit:
            return AccessLevel::Edit;
        default:
            return AccessLevel::Full;
    }
}

bool ValidUsername(std::string_view u) {
    if (u.size() < 2 || u.size() > 64) return false;
    if (!((u[0] >= 'a' && u[0] <= 'z') || (u[0] >= 'A' && u[0] <= 'Z'))) return false;
    for (char c : u) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == '_' || c == '-' || c == '@';
        if (!ok) return false;
    }
    return true;
}

bool ValidEmail(std::string_view e) {
    const size_t at = e.find('@');
    if (at == std::string_view::npos || at == 0 || e.find('@', at + 1) != std::string_view::npos)
        return false;
    std::string_view domain = e.substr(at + 1);
    const size_t dot = domain.find('.');
    if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return false;
    for (char c : e) {
        if (c == ' ' || c == '\t' || static_cast<unsigned char>(c) < 0x20) return false;
    }
    return e.size() <= 254;
}

const char* KindText(PermissionSetKind k) { return k == PermissionSetKind::Profile ? "profile" : "permset"; }
const char* KindWord(PermissionSetKind k) {
    return k == PermissionSetKind::Profile ? "profile" : "permission set";
}

int64_t GroupId(ShareGroup::Kind kind, int64_t id) {
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

std::optional<ShareGroup::Kind> ParseGroupKind(std::string_view s) {
    if (s == "role") return ShareGroup::Kind::Role;
    if (s == "role_and_subordinates") return ShareGroup::Kind::RoleAndSubordinates;
    if (s == "team") return ShareGroup::Kind::Team;
    if (s == "user") return ShareGroup::Kind::User;
    return std::nullopt;
}

}  // namespace

const char* SystemPermissionName(SystemPermission p) { return kSystemNames[static_cast<int>(p)]; }

std::optional<SystemPermission> ParseSystemPermission(std::string_view name) {
    for (int i = 0; i < kSystemPermissionCount; ++i) {
        if (name == kSystemNames[i]) return static_cast<SystemPermission>(i);
    }
    return std::nullopt;
}

std::vector<std::string> ObjectPermNames(uint8_t bits) {
    std::vector<std::string> out;
    for (int i = 0; i < 6; ++i) {
        if (bits & (1u << i)) out.push_back(kObjectPermNames[i]);
    }
    return out;
}

Result<uint8_t> ParseObjectPerms(const json& names) {
    if (!names.is_array())
        return MakeError("invalid_argument", "Permissions are a list such as [\"read\", \"edit\"].",
                         "permissions");
    uint8_t bits = 0;
    for (const json& n : names) {
        bool found = false;
        for (int i = 0; i < 6 && n.is_string(); ++i) {
            if (n.get<std::string>() == kObjectPermNames[i]) {
                bits |= static_cast<uint8_t>(1u << i);
                found = true;
            }
        }
        if (!found) {
            return MakeError("invalid_argument",
                             "Unknown permission " + n.dump() +
                                 "; use read, create, edit, delete, view_all or modify_all.",
                             "permissions");
        }
    }
    return bits;
}

uint8_t WithObjectDependencies(uint8_t bits) {
    if (bits & kObjModifyAll) bits |= kObjRead | kObjEdit | kObjDelete | kObjViewAll;
    if (bits & kObjDelete) bits |= kObjRead | kObjEdit;
    if (bits & (kObjCreate | kObjEdit | kObjViewAll)) bits |= kObjRead;
    return bits;
}

uint8_t WithFieldDependencies(uint8_t bits) { return (bits & kFieldEdit) ? (bits | kFieldRead) : bits; }

const char* OrgWideDefaultName(OrgWideDefault owd) {
    switch (owd) {
        case OrgWideDefault::Private:
            return "private";
        case OrgWideDefault::PublicRead:
            return "public_read";
        case OrgWideDefault::PublicReadWrite:
            return "public_read_write";
    }
    return "private";
}

std::optional<OrgWideDefault> ParseOrgWideDefault(std::string_view name) {
    if (name == "private") return OrgWideDefault::Private;
    if (name == "public_read") return OrgWideDefault::PublicRead;
    if (name == "public_read_write") return OrgWideDefault::PublicReadWrite;
    return std::nullopt;
}

const char* ShareGroupKindName(ShareGroup::Kind kind) {
    switch (kind) {
        case ShareGroup::Kind::Role:
            return "role";
        case ShareGroup::Kind::RoleAndSubordinates:
            return "role_and_subordinates";
        case ShareGroup::Kind::Team:
            return "team";
        case ShareGroup::Kind::User:
            return "user";
    }
    return "role";
}

const char* AccessLevelName(AccessLevel level) {
    static const char* const names[] = {"none", "read", "edit", "full"};
    return names[static_cast<int>(level)];
}

const char* ObjectActionName(ObjectAction action) {
    switch (action) {
        case ObjectAction::Create:
            return "create";
        case ObjectAction::Read:
            return "read";
        case ObjectAction::Edit:
            return "edit";
        case ObjectAction::Delete:
            return "delete";
    }
    return "read";
}

std::optional<ObjectAction> ParseObjectAction(std::string_view name) {
    for (ObjectAction a :
         {ObjectAction::Create, ObjectAction::Read, ObjectAction::Edit, ObjectAction::Delete}) {
        if (name == ObjectActionName(a)) return a;
    }
    return std::nullopt;
}

// [SECTION] JSON

json ToJson(const User& u) {
    return json{{"id", u.id},
                {"username", u.username},
                {"full_name", u.full_name},
                {"email", u.email},
                {"phone", u.phone},
                {"active", u.active},
                {"manager", u.manager},
                {"role", u.role},
                {"profile", u.profile},
                {"teams", u.teams},
                {"permission_sets", u.permission_sets},
                {"language", u.language},
                {"time_zone", u.time_zone}};
}

json ToJson(const Role& r) { return json{{"id", r.id}, {"name", r.name}, {"parent", r.parent}}; }

json ToJson(const Team& t) {
    return json{{"id", t.id},
                {"name", t.name},
                {"description", t.description},
                {"members", t.members},
                {"permission_sets", t.permission_sets}};
}

json ToJson(const PermissionSet& s) {
    json objects = json::object();
    for (const auto& [o, bits] : s.objects) objects[o] = ObjectPermNames(bits);
    json fields = json::object();
    for (const auto& [o, fs] : s.fields) {
        for (const auto& [f, bits] : fs) {
            json list = json::array();
            if (bits & kFieldRead) list.push_back("read");
            if (bits & kFieldEdit) list.push_back("edit");
            fields[o][f] = list;
        }
    }
    json system = json::array();
    for (SystemPermission p : s.system) system.push_back(SystemPermissionName(p));
    return json{
        {"id", s.id},         {"kind", KindText(s.kind)}, {"name", s.name},  {"description", s.description},
        {"objects", objects}, {"fields", fields},         {"system", system}};
}

Result<User> UserFromJson(const json& j, User base) {
    if (!j.is_object()) return MakeError("invalid_argument", "A user is a JSON object.", "user");
    static const std::vector<std::string> keys = {"username", "full_name", "email", "phone",
                                                  "active",   "manager",   "role",  "profile",
                                                  "language", "time_zone"};
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) {
            std::string close = ClosestMatch(it.key(), keys);
            return MakeError("invalid_argument",
                             "A user has no property " + Q(it.key()) + "." +
                                 (close.empty() ? "" : " Did you mean " + Q(close) + "?"),
                             it.key());
        }
        if (it.key() == "active") {
            if (!it->is_boolean())
                return MakeError("invalid_argument", "\"active\" is true or false.", "active");
            base.active = it->get<bool>();
            continue;
        }
        if (!it->is_string() && !it->is_null())
            return MakeError("invalid_argument", Q(it.key()) + " must be a string.", it.key());
        const std::string v = it->is_null() ? "" : it->get<std::string>();
        if (it.key() == "username") base.username = v;
        if (it.key() == "full_name") base.full_name = v;
        if (it.key() == "email") base.email = v;
        if (it.key() == "phone") base.phone = v;
        if (it.key() == "manager") base.manager = v;
        if (it.key() == "role") base.role = v;
        if (it.key() == "profile") base.profile = v;
        if (it.key() == "language") base.language = v;
        if (it.key() == "time_zone") base.time_zone = v;
    }
    return base;
}

json ToJson(const ObjectSharing& s) {
    return json{{"object", s.object},
                {"owd", OrgWideDefaultName(s.owd)},
                {"grant_access_using_hierarchies", s.grant_access_using_hierarchies},
                {"team_access", AccessLevelName(s.team_access)}};
}

json ToJson(const SharingRule& r) {
    json out = {
        {"id", r.id},
        {"object", r.object},
        {"name", r.name},
        {"share_with", {{"kind", ShareGroupKindName(r.share_with.kind)}, {"name", r.share_with.name}}},
        {"level", AccessLevelName(r.level)}};
    if (r.owned_by) {
        out["owned_by"] = {{"kind", ShareGroupKindName(r.owned_by->kind)}, {"name", r.owned_by->name}};
    } else {
        out["criteria"] = r.criteria;
    }
    return out;
}

Result<SharingRule> SharingRuleFromJson(const json& j, SharingRule base) {
    if (!j.is_object()) return MakeError("invalid_argument", "A sharing rule is a JSON object.", "rule");
    auto group = [](const json& g, const char* key) -> Result<ShareGroup> {
        if (!g.is_object() || !g.contains("kind") || !g.contains("name") || !g["kind"].is_string() ||
            !g["name"].is_string()) {
            return MakeError(
                "invalid_argument",
                Q(key) +
                    " is {\"kind\": \"role\"|\"role_and_subordinates\"|\"team\"|\"user\", \"name\": ...}.",
                key);
        }
        std::optional<ShareGroup::Kind> k = ParseGroupKind(g["kind"].get<std::string>());
        if (!k) return MakeError("invalid_argument", "Unknown group kind " + g["kind"].dump() + ".", key);
        return ShareGroup{*k, g["name"].get<std::string>()};
    };
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& k = it.key();
        if (k == "name" && it->is_string()) {
            base.name = it->get<std::string>();
        } else if (k == "object" && it->is_string()) {
            base.object = it->get<std::string>();
        } else if (k == "criteria" && it->is_string()) {
            base.criteria = it->get<std::string>();
            base.owned_by.reset();
        } else if (k == "owned_by") {
            Result<ShareGroup> g = group(*it, "owned_by");
            if (!g.ok()) return g.error();
            base.owned_by = *g;
        } else if (k == "share_with") {
            Result<ShareGroup> g = group(*it, "share_with");
            if (!g.ok()) return g.error();
            base.share_with = *g;
        } else if (k == "level" && it->is_string()) {
            const std::string v = it->get<std::string>();
            if (v == "read")
                base.level = AccessLevel::Read;
            else if (v == "edit")
                base.level = AccessLevel::Edit;
            else
                return MakeError("invalid_argument", "A rule shares at \"read\" or \"edit\".", "level");
        } else if (k != "id") {
            return MakeError("invalid_argument", "A sharing rule has no property " + Q(k) + " of that type.",
                             k);
        }
    }
    return base;
}

json ToJson(const Reason& r) { return json{{"id", r.id}, {"params", r.params}, {"en", r.en}, {"zh", r.zh}}; }

json ToJson(const AccessExplanation& e) {
    json reasons = json::array();
    for (const Reason& r : e.reasons) reasons.push_back(ToJson(r));
    return json{{"allowed", e.decision.allowed},
                {"level", AccessLevelName(e.decision.level)},
                {"reasons", std::move(reasons)}};
}

// [SECTION] Snapshot

struct AccessService::Snapshot {
    uint64_t access_version = 0;
    uint64_t schema_version = 0;
    bool setup_mode = false;  ///< only the built-in admin exists: every actor acts as it
    int admin = -1;

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
    std::vector<RoleInfo> roles;
    std::vector<TeamInfo> teams;
    std::vector<ObjectInfo> objects;
    std::unordered_map<std::string, int> user_by_name;  ///< lower-case username
    std::unordered_map<int64_t, int> user_by_id;
    std::unordered_map<int64_t, int> role_by_id;
    std::unordered_map<int64_t, int> team_by_id;
    std::unordered_map<int64_t, int> set_by_id;
    std::unordered_map<std::string, int> object_by_name;  ///< lower-case API name

    int User(std::string_view name) const {
        auto it = user_by_name.find(Lower(name));
        return it == user_by_name.end() ? -1 : it->second;
    }
    int Object(std::string_view name) const {
        auto it = object_by_name.find(Lower(name));
        return it == object_by_name.end() ? -1 : it->second;
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
};

namespace {

using Snapshot = AccessService::Snapshot;

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
        // Euler tour, iteratively (deep trees must not overflow the stack).
        int clock = 0;
        for (size_t root = 0; root < s->roles.size(); ++root) {
            if (s->roles[root].parent >= 0) continue;
            std::vector<std::pair<int, size_t>> stack = {{static_cast<int>(root), 0}};
            s->roles[root].tin = clock++;
            while (!stack.empty()) {
                auto& [r, next] = stack.back();
                auto& children = s->roles[static_cast<size_t>(r)].children;
                if (next < children.size()) {
                    const int c = children[next++];
                    s->roles[static_cast<size_t>(c)].tin = clock++;
                    stack.push_back({c, 0});
                } else {
                    s->roles[static_cast<size_t>(r)].tout = clock;
                    stack.pop_back();
                }
            }
        }
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
    // Grants: the union of profile + direct sets + team sets, computed once per distinct combination.
    std::map<std::vector<int>, int> by_combination;
    for (Snapshot::UserInfo& u : s->users) {
        std::sort(u.teams.begin(), u.teams.end());
        std::vector<int> sets = u.direct_sets;
        for (int t : u.teams) {
            for (int p : s->teams[static_cast<size_t>(t)].sets) sets.push_back(p);
        }
        std::sort(sets.begin(), sets.end());
        sets.erase(std::unique(sets.begin(), sets.end()), sets.end());
        if (u.profile >= 0) sets.insert(sets.begin(), u.profile);
        auto it = by_combination.find(sets);
        if (it != by_combination.end()) {
            u.grants = it->second;
            continue;
        }
        Snapshot::Grants g;
        g.sets = sets;
        g.objects.assign(n_obj, 0);
        g.fields.resize(n_obj);
        for (size_t o = 0; o < n_obj; ++o) g.fields[o].assign(s->objects[o].def->fields.size(), 0);
        for (int si : sets) {
            const Snapshot::Set& set = s->sets[static_cast<size_t>(si)];
            g.system |= set.system;
            for (size_t o = 0; o < n_obj; ++o) {
                g.objects[o] |= set.objects[o];
                for (size_t f = 0; f < g.fields[o].size(); ++f) g.fields[o][f] |= set.fields[o][f];
            }
        }
        u.grants = static_cast<int>(s->grants.size());
        by_combination.emplace(std::move(sets), u.grants);
        s->grants.push_back(std::move(g));
    }
    if (s->grants.empty()) s->grants.emplace_back();
    s->admin = s->User("admin");
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

}  // namespace

// The kept tables as rows, sorted: what the tables hold after the last committed change, and what a new
// snapshot implies. A change writes only the difference, so its cost follows what it changed.
struct AccessService::KeptRows {
    std::vector<std::tuple<int64_t, int64_t, int64_t>> closure;  ///< ancestor, descendant, depth
    std::vector<std::tuple<int64_t, int64_t>> members;           ///< group_id, user_id
};

namespace {

using KeptRows = AccessService::KeptRows;

// The rows a snapshot implies: every role with each ancestor-or-self (depth 0 for itself), and the
// members of each group: a role's users (role id * 4), a role and its subordinates' users (* 4 + 1, for
// every ancestor-or-self of the user's role), a team's members (team id * 4 + 2). GroupId names them.
KeptRows KeptRowsOf(const Snapshot& s) {
    KeptRows k;
    for (const Snapshot::RoleInfo& r : s.roles) {
        int64_t depth = 0;
        for (int a = static_cast<int>(&r - s.roles.data()); a >= 0;
             a = s.roles[static_cast<size_t>(a)].parent)
            k.closure.emplace_back(s.roles[static_cast<size_t>(a)].id, r.id, depth++);
    }
    for (const Snapshot::UserInfo& u : s.users) {
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
    std::sort(k.closure.begin(), k.closure.end());
    std::sort(k.members.begin(), k.members.end());
    k.members.erase(std::unique(k.members.begin(), k.members.end()), k.members.end());
    return k;
}

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

Reason MakeReason(std::string id, std::map<std::string, std::string> params, std::string en, std::string zh) {
    return Reason{std::move(id), std::move(params), std::move(en), std::move(zh)};
}

}  // namespace

// [SECTION] Engine

/// The AccessPolicy RecordService consults: object and field permissions and record levels from the engine.
class AccessService::Policy final : public AccessPolicy {
public:
    explicit Policy(AccessService& service) : service_(service) {}
    bool CanAccessObject(const std::string& user, const ObjectDef& object,
                         ObjectAction action) const override {
        return service_.Decide(user, action, object.api_name).allowed;
    }
    bool CanReadField(const std::string& user, const ObjectDef& object,
                      const FieldDef& field) const override {
        return FieldBits(user, object, field) & kFieldRead;
    }
    bool CanEditField(const std::string& user, const ObjectDef& object,
                      const FieldDef& field) const override {
        return FieldBits(user, object, field) & kFieldEdit;
    }
    AccessLevel RecordLevel(const std::string& user, const ObjectDef& object, int64_t record_id,
                            int64_t owner_id) const override {
        // The object permission was checked by the pipeline; Read is the weakest action it implies.
        return service_.DecideForOwner(user, ObjectAction::Read, object.api_name, record_id, owner_id).level;
    }
    Result<RecordFilter> VisibleRecords(const std::string& user, const ObjectDef& object,
                                        int first_param) const override {
        return service_.VisibleRecords(user, object, first_param);
    }
    int64_t DefaultOwner(const std::string& user) const override {
        const Snapshot& s = service_.Snap();
        int u = s.setup_mode ? s.admin : s.User(user);
        return u < 0 ? 0 : s.users[static_cast<size_t>(u)].id;
    }

private:
    uint8_t FieldBits(const std::string& user, const ObjectDef& object, const FieldDef& field) const {
        if (user == kDemoActor) return kFieldRead | kFieldEdit;
        const Snapshot& s = service_.Snap();
        const int u = s.setup_mode ? s.admin : s.User(user);
        const int o = s.Object(object.api_name);
        if (u < 0 || o < 0 || !s.users[static_cast<size_t>(u)].active) return 0;
        const auto& fi = s.objects[static_cast<size_t>(o)].field_index;
        auto it = fi.find(field.id);
        if (it == fi.end()) return 0;
        const auto& g = s.grants[static_cast<size_t>(s.users[static_cast<size_t>(u)].grants)];
        return g.fields[static_cast<size_t>(o)][static_cast<size_t>(it->second)];
    }
    AccessService& service_;
};

AccessService::AccessService(Database& db, AuditLog& audit, SchemaService& schema, const Clock& clock,
                             std::function<void()> on_commit)
    : db_(db),
      audit_(audit),
      schema_(schema),
      clock_(clock),
      on_commit_(std::move(on_commit)),
      policy_(std::make_unique<Policy>(*this)),
      owners_(std::make_unique<OwnerIndex>(db)) {}

AccessService::~AccessService() = default;

const AccessPolicy& AccessService::policy() const { return *policy_; }

const AccessService::Snapshot& AccessService::Snap() {
    if (!snapshot_ || snapshot_->access_version != version_ ||
        snapshot_->schema_version != schema_.version()) {
        snapshot_ = BuildSnapshot(db_, schema_);
        snapshot_->access_version = version_;
    }
    return *snapshot_;
}

namespace {

// The record level from sharing, for a user who may perform the action on the object. `why` collects
// the grants when explaining (nullptr on the fast path).
template <class CriteriaMatch>
AccessLevel RecordLevelFor(const Snapshot& s, int u, int o, int64_t record_id, int64_t owner_id,
                           const CriteriaMatch& criteria_match, std::vector<Reason>* why) {
    const Snapshot::UserInfo& user = s.users[static_cast<size_t>(u)];
    const Snapshot::ObjectInfo& obj = s.objects[static_cast<size_t>(o)];
    const uint8_t bits = s.grants[static_cast<size_t>(user.grants)].objects[static_cast<size_t>(o)];
    const std::string& oname = obj.def->api_name;
    AccessLevel level = AccessLevel::None;
    auto raise = [&](AccessLevel l) {
        if (l > level) level = l;
    };
    if (bits & kObjModifyAll) {
        raise(AccessLevel::Full);
        if (why)
            why->push_back(MakeReason("access.modify_all", {{"object", oname}},
                                      "Modify All on " + oname + " gives full access to every record.",
                                      oname + " 的“修改全部”权限可完全访问所有记录。"));
        if (!why) return level;
    }
    if (bits & kObjViewAll) {
        raise(AccessLevel::Read);
        if (why)
            why->push_back(MakeReason("access.view_all", {{"object", oname}},
                                      "View All on " + oname + " gives read access to every record.",
                                      oname + " 的“查看全部”权限可读取所有记录。"));
    }
    int owner = -1;
    if (owner_id > 0) {
        auto it = s.user_by_id.find(owner_id);
        if (it != s.user_by_id.end()) owner = it->second;
    }
    if (owner == u) {
        raise(AccessLevel::Full);
        if (why)
            why->push_back(MakeReason("access.owner", {{"record", std::to_string(record_id)}},
                                      "You own this record: full access.", "你是该记录的所有人：完全访问。"));
        if (!why) return level;
    }
    if (obj.owd != OrgWideDefault::Private) {
        const AccessLevel l =
            obj.owd == OrgWideDefault::PublicReadWrite ? AccessLevel::Edit : AccessLevel::Read;
        raise(l);
        if (why)
            why->push_back(MakeReason(
                "access.owd", {{"object", oname}, {"owd", OrgWideDefaultName(obj.owd)}},
                "The organization-wide default of " + oname + " is " +
                    (l == AccessLevel::Edit ? "Public Read/Write." : "Public Read Only."),
                oname + " 的组织范围默认设置为" + (l == AccessLevel::Edit ? "公共读写。" : "公共只读。")));
    }
    if (owner >= 0) {
        const Snapshot::UserInfo& ow = s.users[static_cast<size_t>(owner)];
        if (obj.hierarchies && user.role >= 0 && ow.role >= 0 && ow.role != user.role &&
            s.RoleAtOrBelow(ow.role, user.role) && level < AccessLevel::Full) {
            raise(AccessLevel::Full);
            if (why) {
                const std::string& ur = s.roles[static_cast<size_t>(user.role)].name;
                const std::string& orr = s.roles[static_cast<size_t>(ow.role)].name;
                why->push_back(MakeReason("access.hierarchy",
                                          {{"owner", ow.username}, {"owner_role", orr}, {"role", ur}},
                                          "Your role " + ur + " is above the owner's role " + orr +
                                              " (owner " + ow.username + "): the owner's access.",
                                          "你的角色“" + ur + "”高于所有人 " + ow.username + " 的角色“" + orr +
                                              "”：获得所有人的访问权限。"));
            }
        }
        if (obj.team_access != AccessLevel::None && level < obj.team_access && s.ShareATeam(u, owner)) {
            raise(obj.team_access);
            if (why)
                why->push_back(MakeReason("access.team", {{"owner", ow.username}},
                                          "You share a team with the owner " + ow.username + ".",
                                          "你与所有人 " + ow.username + " 同属一个团队。"));
        }
    }
    for (const Snapshot::Rule& r : obj.rules) {
        if (level >= r.level && !why) continue;
        if (!s.InGroup(u, r.share_kind, r.share_index)) continue;
        bool match = false;
        if (r.owner_based) {
            match = owner >= 0 && s.InGroup(owner, r.owned_kind, r.owned_index);
        } else {
            match = record_id > 0 && criteria_match(r);
        }
        if (!match) continue;
        raise(r.level);
        if (why)
            why->push_back(MakeReason("access.sharing_rule",
                                      {{"rule", r.name}, {"level", AccessLevelName(r.level)}},
                                      "The sharing rule " + r.name + " shares it with you (" +
                                          (r.level == AccessLevel::Edit ? "read/write" : "read only") + ").",
                                      "共享规则“" + r.name + "”与你共享该记录（" +
                                          (r.level == AccessLevel::Edit ? "读写" : "只读") + "）。"));
    }
    return level;
}

}  // namespace

template <class OwnerOf>
AccessDecision AccessService::DecideWith(std::string_view username, ObjectAction action,
                                         std::string_view object, int64_t record_id,
                                         const OwnerOf& owner_of) {
    if (username == kDemoActor) return AccessDecision{true, AccessLevel::Full};
    const Snapshot& s = Snap();
    const int u = s.setup_mode ? s.admin : s.User(username);
    const int o = s.Object(object);
    if (u < 0 || o < 0) return {};
    const Snapshot::UserInfo& user = s.users[static_cast<size_t>(u)];
    if (!user.active) return {};
    const uint8_t bits = s.grants[static_cast<size_t>(user.grants)].objects[static_cast<size_t>(o)];
    if (!(bits & ActionBit(action))) return {};
    if (record_id <= 0 || action == ObjectAction::Create) return AccessDecision{true, AccessLevel::Full};
    const std::optional<int64_t> owner = owner_of(s, o);
    if (!owner) return {};  // no such record
    auto criteria = [&](const Snapshot::Rule& r) { return CriteriaMatch(o, r.criteria, record_id); };
    const AccessLevel level = RecordLevelFor(s, u, o, record_id, *owner, criteria, nullptr);
    return AccessDecision{level >= NeededLevel(action), level};
}

AccessDecision AccessService::DecideForOwner(std::string_view username, ObjectAction action,
                                             std::string_view object, int64_t record_id, int64_t owner_id) {
    return DecideWith(username, action, object, record_id, [&](const Snapshot&, int) { return owner_id; });
}

AccessDecision AccessService::Decide(std::string_view username, ObjectAction action, std::string_view object,
                                     int64_t record_id) {
    return DecideWith(username, action, object, record_id, [&](const Snapshot& s, int o) {
        return owners_->Owner(s.objects[static_cast<size_t>(o)].def->table, record_id, s.schema_version);
    });
}

bool AccessService::CriteriaMatch(int object, const std::string& criteria, int64_t record_id) {
    const Snapshot& s = Snap();
    const ObjectDef& def = *s.objects[static_cast<size_t>(object)].def;
    std::shared_ptr<const ObjectResolver> resolver = schema_.Resolver(def.api_name);
    if (!resolver) return false;
    formula::CompileOptions co;
    co.expected_result = formula::ValueType::Boolean;
    Result<formula::CompiledFormula> c = formula::Compile(criteria, *resolver, co);
    if (!c.ok()) return false;
    formula::SqlOptions so;
    so.now_ms = clock_.NowMs();
    so.today_days = formula::TodayAt(so.now_ms, 0);
    so.first_param = 2;
    Result<formula::SqlCondition> cond = formula::ToSql(*c, so);
    if (!cond.ok()) return false;
    Statement st =
        db_.Prepare("SELECT 1 FROM " + QuoteIdent(def.table) + " WHERE id = ?1 AND (" + cond->sql + ")");
    st.Bind(1, record_id);
    formula::BindSqlParams(st, *cond);
    return st.Step();
}

AccessExplanation AccessService::Explain(std::string_view username, ObjectAction action,
                                         std::string_view object, int64_t record_id) {
    AccessExplanation out;
    auto add = [&](Reason r) { out.reasons.push_back(std::move(r)); };
    if (username == kDemoActor) {
        out.decision = {true, AccessLevel::Full};
        add(MakeReason("access.system_actor", {}, "The demo generator acts with full rights.",
                       "演示数据生成器拥有全部权限。"));
        return out;
    }
    const Snapshot& s = Snap();
    int u = s.User(username);
    if (s.setup_mode) {
        u = s.admin;
        add(MakeReason("access.setup_mode", {},
                       "The workspace has only the built-in admin user: every actor acts as admin.",
                       "工作区只有内置管理员用户：所有操作者均以 admin 身份操作。"));
    }
    if (u < 0) {
        add(MakeReason("access.unknown_user", {{"user", std::string(username)}},
                       "There is no user " + Q(username) + ".", "不存在用户 " + Q(username) + "。"));
        return out;
    }
    const Snapshot::UserInfo& user = s.users[static_cast<size_t>(u)];
    if (!user.active) {
        add(MakeReason("access.inactive_user", {{"user", user.username}},
                       "The user " + user.username + " is inactive.", "用户 " + user.username + " 已停用。"));
        return out;
    }
    const int o = s.Object(object);
    if (o < 0) {
        add(MakeReason("access.unknown_object", {{"object", std::string(object)}},
                       "There is no object " + Q(object) + ".", "不存在对象 " + Q(object) + "。"));
        return out;
    }
    const std::string& oname = s.objects[static_cast<size_t>(o)].def->api_name;
    const int bit_index = action == ObjectAction::Read     ? 0
                          : action == ObjectAction::Create ? 1
                          : action == ObjectAction::Edit   ? 2
                                                           : 3;
    const uint8_t bit = ActionBit(action);
    const Snapshot::Grants& g = s.grants[static_cast<size_t>(user.grants)];
    bool any = false;
    for (int si : g.sets) {
        const Snapshot::Set& set = s.sets[static_cast<size_t>(si)];
        if (!(set.objects[static_cast<size_t>(o)] & bit)) continue;
        any = true;
        const bool via_team =
            si != user.profile &&
            std::find(user.direct_sets.begin(), user.direct_sets.end(), si) == user.direct_sets.end();
        add(MakeReason("access.object_permission",
                       {{"object", oname},
                        {"permission", kObjectPermNames[bit_index]},
                        {"kind", KindText(set.kind)},
                        {"set", set.name},
                        {"via_team", via_team ? "true" : "false"}},
                       std::string("The ") + KindWord(set.kind) + " " + set.name +
                           (via_team ? " (through a team)" : "") + " grants " + kObjectPermNames[bit_index] +
                           " on " + oname + ".",
                       std::string(set.kind == PermissionSetKind::Profile ? "简档" : "权限集") + "“" +
                           set.name + "”" + (via_team ? "（通过团队）" : "") + "授予 " + oname + " 的“" +
                           kObjectPermLabelsZh[bit_index] + "”权限。"));
    }
    if (!any) {
        add(MakeReason("access.missing_object_permission",
                       {{"object", oname}, {"permission", kObjectPermNames[bit_index]}},
                       "No profile or permission set of " + user.username + " grants " +
                           kObjectPermNames[bit_index] + " on " + oname + ".",
                       user.username + " 的简档和权限集均未授予 " + oname + " 的“" +
                           kObjectPermLabelsZh[bit_index] + "”权限。"));
        return out;
    }
    if (record_id <= 0 || action == ObjectAction::Create) {
        out.decision = {true, AccessLevel::Full};
        return out;
    }
    const std::optional<int64_t> found =
        owners_->Owner(s.objects[static_cast<size_t>(o)].def->table, record_id, s.schema_version);
    const int64_t owner = found.value_or(0);
    if (!found) {
        add(MakeReason("access.record_not_found", {{"object", oname}, {"record", std::to_string(record_id)}},
                       "There is no " + oname + " with id " + std::to_string(record_id) + ".",
                       "不存在 ID 为 " + std::to_string(record_id) + " 的 " + oname + "。"));
        return out;
    }
    auto criteria = [&](const Snapshot::Rule& r) { return CriteriaMatch(o, r.criteria, record_id); };
    const AccessLevel level = RecordLevelFor(s, u, o, record_id, owner, criteria, &out.reasons);
    const AccessLevel needed = NeededLevel(action);
    out.decision = {level >= needed, level};
    if (level < needed) {
        add(MakeReason("access.insufficient_record_access",
                       {{"needed", AccessLevelName(needed)}, {"level", AccessLevelName(level)}},
                       std::string("This needs ") + AccessLevelName(needed) +
                           " access to the record; sharing gives " + AccessLevelName(level) +
                           ": no ownership, hierarchy, sharing rule or team grants more.",
                       std::string("此操作需要对记录的“") + kLevelZh[static_cast<int>(needed)] +
                           "”访问权限；共享仅提供“" + kLevelZh[static_cast<int>(level)] +
                           "”：所有权、角色层级、共享规则或团队均未授予更多。"));
    }
    return out;
}

Result<EffectivePermissions> AccessService::Effective(std::string_view username) {
    const Snapshot& s = Snap();
    const int u = s.User(username);
    if (u < 0) return MakeError("access.unknown_user", "There is no user " + Q(username) + ".", "user");
    const Snapshot::Grants& g = s.grants[static_cast<size_t>(s.users[static_cast<size_t>(u)].grants)];
    EffectivePermissions out;
    for (size_t o = 0; o < s.objects.size(); ++o) {
        const ObjectDef& def = *s.objects[o].def;
        if (g.objects[o]) out.objects[def.api_name] = g.objects[o];
        for (size_t f = 0; f < def.fields.size(); ++f) {
            if (def.fields[f].state != FieldState::Active) continue;
            out.fields[def.api_name][def.fields[f].api_name] = g.fields[o][f];
        }
    }
    for (int p = 0; p < kSystemPermissionCount; ++p) {
        if (g.system & (1u << p)) out.system.push_back(static_cast<SystemPermission>(p));
    }
    return out;
}

uint8_t ObjectFieldAccess::Field(std::string_view field) const {
    auto it = fields.find(std::string(field));
    return it == fields.end() ? 0 : it->second;
}

Result<ObjectFieldAccess> AccessService::FieldAccessOf(PermissionSetKind kind, std::string_view set,
                                                       std::string_view object) {
    const Snapshot& s = Snap();
    const int o = s.Object(object);
    if (o < 0) return MakeError("access.unknown_object", "There is no object " + Q(object) + ".", "object");
    for (const Snapshot::Set& candidate : s.sets) {
        if (candidate.kind != kind || !Same(candidate.name, set)) continue;
        const ObjectDef& def = *s.objects[static_cast<size_t>(o)].def;
        ObjectFieldAccess out;
        out.object = candidate.objects[static_cast<size_t>(o)];
        for (size_t f = 0; f < def.fields.size(); ++f) {
            if (def.fields[f].state != FieldState::Active) continue;
            out.fields[def.fields[f].api_name] = candidate.fields[static_cast<size_t>(o)][f];
        }
        return out;
    }
    return SetIdOf(kind, set).error();
}

bool AccessService::HasSystemPermission(std::string_view username, SystemPermission permission) {
    if (username == kDemoActor) return true;
    const Snapshot& s = Snap();
    const int u = s.setup_mode ? s.admin : s.User(username);
    if (u < 0 || !s.users[static_cast<size_t>(u)].active) return false;
    return s.grants[static_cast<size_t>(s.users[static_cast<size_t>(u)].grants)].system &
           (1u << static_cast<int>(permission));
}

Status AccessService::CheckActor(std::string_view actor) {
    if (IsBlank(actor))
        return MakeError("auth.no_actor", "Say who makes the change: the acting user is missing.", "as");
    if (actor == kDemoActor) return Status::Ok();
    const Snapshot& s = Snap();
    if (s.setup_mode) return Status::Ok();
    const int u = s.User(actor);
    if (u < 0) {
        return MakeError("access.unknown_user",
                         "There is no user " + Q(actor) + "; act as an existing active user.", "as");
    }
    if (!s.users[static_cast<size_t>(u)].active)
        return MakeError("access.inactive_user", "The user " + Q(actor) + " is inactive and cannot act.",
                         "as");
    return Status::Ok();
}

Status AccessService::Require(std::string_view actor, SystemPermission permission) {
    if (Status s = CheckActor(actor); !s.ok()) return s;
    if (HasSystemPermission(actor, permission)) return Status::Ok();
    return MakeError("access.denied",
                     "You need the system permission " +
                         std::string(kSystemLabelsEn[static_cast<int>(permission)]) + " for this.",
                     "as");
}

Result<RecordFilter> AccessService::VisibleRecords(std::string_view username, const ObjectDef& object,
                                                   int first_param) {
    RecordFilter none;
    none.sql = "0";
    if (username == kDemoActor) return RecordFilter{};
    const Snapshot& s = Snap();
    const int u = s.setup_mode ? s.admin : s.User(username);
    const int o = s.Object(object.api_name);
    if (u < 0 || o < 0 || !s.users[static_cast<size_t>(u)].active) return none;
    const Snapshot::UserInfo& user = s.users[static_cast<size_t>(u)];
    const Snapshot::ObjectInfo& obj = s.objects[static_cast<size_t>(o)];
    const uint8_t bits = s.grants[static_cast<size_t>(user.grants)].objects[static_cast<size_t>(o)];
    if (!(bits & kObjRead)) return none;
    if ((bits & (kObjViewAll | kObjModifyAll)) || obj.owd != OrgWideDefault::Private) return RecordFilter{};
    // Owners whose records the user reads: self, everyone strictly below the user's role (the role's
    // children, with their subordinates), sources of owner-based rules shared with the user, teammates.
    std::vector<int64_t> groups;
    if (obj.hierarchies && user.role >= 0) {
        for (int c : s.roles[static_cast<size_t>(user.role)].children)
            groups.push_back(
                GroupId(ShareGroup::Kind::RoleAndSubordinates, s.roles[static_cast<size_t>(c)].id));
    }
    if (obj.team_access != AccessLevel::None) {
        for (int t : user.teams)
            groups.push_back(GroupId(ShareGroup::Kind::Team, s.teams[static_cast<size_t>(t)].id));
    }
    RecordFilter out;
    std::vector<std::string> criteria;
    int param = first_param;
    for (const Snapshot::Rule& r : obj.rules) {
        if (!s.InGroup(u, r.share_kind, r.share_index)) continue;
        if (r.owner_based) {
            const int64_t id = r.owned_kind == ShareGroup::Kind::Team
                                   ? s.teams[static_cast<size_t>(r.owned_index)].id
                                   : s.roles[static_cast<size_t>(r.owned_index)].id;
            groups.push_back(GroupId(r.owned_kind, id));
            continue;
        }
        std::shared_ptr<const ObjectResolver> resolver = schema_.Resolver(object.api_name);
        if (!resolver) continue;
        formula::CompileOptions co;
        co.expected_result = formula::ValueType::Boolean;
        Result<formula::CompiledFormula> c = formula::Compile(r.criteria, *resolver, co);
        if (!c.ok()) continue;
        formula::SqlOptions so;
        so.now_ms = clock_.NowMs();
        so.today_days = formula::TodayAt(so.now_ms, 0);
        so.first_param = param;
        Result<formula::SqlCondition> cond = formula::ToSql(*c, so);
        if (!cond.ok()) continue;
        param += static_cast<int>(cond->params.size());
        for (auto& p : cond->params) out.params.push_back(p);
        criteria.push_back("(" + cond->sql + ")");
    }
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    std::string owners = "owner_id IN (SELECT " + std::to_string(user.id);
    if (!groups.empty()) {
        owners += " UNION SELECT user_id FROM access_group_member WHERE group_id IN (";
        for (size_t i = 0; i < groups.size(); ++i) owners += (i ? "," : "") + std::to_string(groups[i]);
        owners += ")";
    }
    owners += ")";
    out.sql = owners;
    for (const std::string& c : criteria) out.sql += " OR " + c;
    if (!criteria.empty()) out.sql = "(" + out.sql + ")";
    return out;
}

// [SECTION] Changes

Status AccessService::Audit(const std::string& actor, const char* area, const std::string& action,
                            const std::string& target, json old_value, json new_value) {
    AuditEntry e;
    e.at_ms = clock_.NowMs();
    e.actor = actor;
    e.area = area;
    e.action = action;
    e.target = target;
    e.old_value = std::move(old_value);
    e.new_value = std::move(new_value);
    return audit_.Append(e);
}

Status AccessService::Apply(const std::string& actor, SystemPermission needed,
                            const std::function<Status()>& body) {
    if (Status s = Require(actor, needed); !s.ok()) return s;
    if (in_batch_) return body();  // Batch owns the transaction and recomputes once at its end
    return Commit(body);
}

Status AccessService::Batch(const std::string& actor, const std::function<Status()>& changes) {
    if (Status s = CheckActor(actor); !s.ok()) return s;
    if (in_batch_) return changes();
    in_batch_ = true;
    Status s = Commit(changes);
    in_batch_ = false;
    if (!s.ok()) snapshot_.reset();  // the snapshot may have been built from rolled-back rows
    return s;
}

Status AccessService::Commit(const std::function<Status()>& body) {
    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status();
    if (Status s = body(); !s.ok()) return s;
    std::shared_ptr<Snapshot> next = BuildSnapshot(db_, schema_);
    // No lock-out: whatever the change, some active user must still hold Manage Users.
    if (next->ActiveManageUsers() == 0) {
        return MakeError(
            "access.lockout",
            "This would leave no active user with Manage Users; give it to another active user first.");
    }
    if (!kept_) {
        Result<KeptRows> held = ReadKeptRows(db_);
        if (!held.ok()) return held.error();
        kept_ = std::make_shared<const KeptRows>(std::move(held.value()));
    }
    auto rows = std::make_shared<const KeptRows>(KeptRowsOf(*next));
    if (Status s = SyncRows(db_, "access_role_closure", {"ancestor", "descendant", "depth"}, kept_->closure,
                            rows->closure);
        !s.ok())
        return s;
    if (Status s =
            SyncRows(db_, "access_group_member", {"group_id", "user_id"}, kept_->members, rows->members);
        !s.ok())
        return s;
    if (Status s = tx.Commit(); !s.ok()) return s;
    kept_ = std::move(rows);  // only now: a rollback leaves the tables as kept_ says
    ++version_;
    next->access_version = version_;
    snapshot_ = std::move(next);
    if (on_commit_) on_commit_();
    return Status::Ok();
}

Result<int64_t> AccessService::IdOf(const char* table, std::string_view name, const char* what,
                                    const char* field) const {
    const std::string column = std::string(table) == "access_user" ? "username" : "name";
    Statement st =
        db_.Prepare(std::string("SELECT id FROM ") + table + " WHERE " + column + " = ?1 COLLATE NOCASE");
    st.Bind(1, name);
    if (st.Step()) return st.Int(0);
    return MakeError(std::string("access.unknown_") + what,
                     std::string("There is no ") + what + " " + Q(name) + ".", field);
}

Result<int64_t> AccessService::SetIdOf(PermissionSetKind kind, std::string_view name) const {
    Statement st =
        db_.Prepare("SELECT id FROM access_permission_set WHERE kind = ?1 AND name = ?2 COLLATE NOCASE");
    st.Bind(1, KindText(kind)).Bind(2, name);
    if (st.Step()) return st.Int(0);
    return MakeError(kind == PermissionSetKind::Profile ? "access.unknown_profile" : "access.unknown_permset",
                     std::string("There is no ") + KindWord(kind) + " " + Q(name) + ".",
                     kind == PermissionSetKind::Profile ? "profile" : "permission_set");
}

#define ACCESS_TRY(expr)                                     \
    do {                                                     \
        if (Status s_ = (expr); !s_.ok()) return s_.error(); \
    } while (0)

// Users

std::vector<User> AccessService::Users() const { return UsersNamed({}); }

std::vector<User> AccessService::UsersNamed(std::string_view username) const {
    std::vector<User> out;
    Statement st = db_.Prepare(
        "SELECT u.id, u.username, u.full_name, u.email, u.phone, u.active, m.username, r.name, p.name, "
        "u.language, "
        "u.time_zone, (SELECT group_concat(t.name, char(10)) FROM access_team_member tm JOIN access_team t "
        "ON "
        "t.id = tm.team_id WHERE tm.user_id = u.id), (SELECT group_concat(s.name, char(10)) FROM "
        "access_user_permset us JOIN access_permission_set s ON s.id = us.set_id WHERE us.user_id = u.id) "
        "FROM access_user u LEFT JOIN access_user m ON m.id = u.manager_id LEFT JOIN access_role r ON r.id = "
        "u.role_id LEFT JOIN access_permission_set p ON p.id = u.profile_id "
        "WHERE ?1 = '' OR u.username = ?1 COLLATE NOCASE ORDER BY u.username COLLATE NOCASE");
    st.Bind(1, std::string(username));
    auto split = [](const std::string& s) {
        std::vector<std::string> v;
        size_t start = 0;
        while (start < s.size()) {
            size_t nl = s.find('\n', start);
            if (nl == std::string::npos) nl = s.size();
            v.push_back(s.substr(start, nl - start));
            start = nl + 1;
        }
        std::sort(v.begin(), v.end());
        return v;
    };
    while (st.Step()) {
        User u;
        u.id = st.Int(0);
        u.username = st.Text(1);
        u.full_name = st.Text(2);
        u.email = st.Text(3);
        u.phone = st.Text(4);
        u.active = st.Int(5) != 0;
        u.manager = st.OptText(6).value_or("");
        u.role = st.OptText(7).value_or("");
        u.profile = st.OptText(8).value_or("");
        u.language = st.Text(9);
        u.time_zone = st.Text(10);
        u.teams = split(st.OptText(11).value_or(""));
        u.permission_sets = split(st.OptText(12).value_or(""));
        out.push_back(std::move(u));
    }
    return out;
}

Result<User> AccessService::GetUser(std::string_view username) const {
    if (username.empty()) return MakeError("access.unknown_user", "Name the user.", "username");
    for (User& u : UsersNamed(username)) {
        if (Same(u.username, username)) return u;
    }
    return MakeError("access.unknown_user", "There is no user " + Q(username) + ".", "username");
}

namespace {
Status CheckUserFields(const User& u) {
    if (!ValidUsername(u.username)) {
        return MakeError(
            "access.invalid_username",
            "A username is 2 to 64 letters, digits, '.', '_', '-' or '@', starting with a letter; got " +
                Q(u.username) + ".",
            "username");
    }
    if (IsBlank(u.full_name))
        return MakeError("access.invalid_full_name", "The full name is required.", "full_name");
    if (!ValidEmail(u.email))
        return MakeError("access.invalid_email",
                         Q(u.email) + " is not an email address such as li.na@example.com.", "email");
    if (u.language != "en" && u.language != "zh-CN")
        return MakeError("access.invalid_language", "The language is \"en\" or \"zh-CN\".", "language");
    if (IsBlank(u.time_zone))
        return MakeError("access.invalid_time_zone", "The time zone is required.", "time_zone");
    return Status::Ok();
}
}  // namespace

Result<User> AccessService::CreateUser(const std::string& actor, const User& spec) {
    ACCESS_TRY(CheckUserFields(spec));
    ACCESS_TRY(Apply(actor, SystemPermission::ManageUsers, [&]() -> Status {
        Statement dup = db_.Prepare("SELECT 1 FROM access_user WHERE username = ?1 COLLATE NOCASE");
        dup.Bind(1, spec.username);
        if (dup.Step())
            return MakeError("access.username_taken", "The username " + Q(spec.username) + " is taken.",
                             "username");
        Result<int64_t> profile = SetIdOf(PermissionSetKind::Profile, spec.profile);
        if (!profile.ok()) return profile.error();
        std::optional<int64_t> role, manager;
        if (!spec.role.empty()) {
            Result<int64_t> r = IdOf("access_role", spec.role, "role", "role");
            if (!r.ok()) return r.error();
            role = *r;
        }
        if (!spec.manager.empty()) {
            Result<int64_t> m = IdOf("access_user", spec.manager, "user", "manager");
            if (!m.ok()) return m.error();
            manager = *m;
        }
        Statement ins = db_.Prepare(
            "INSERT INTO access_user(username, full_name, email, phone, active, manager_id, role_id, "
            "profile_id, "
            "language, time_zone) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
        ins.Bind(1, spec.username).Bind(2, spec.full_name).Bind(3, spec.email).Bind(4, spec.phone);
        ins.Bind(5, int64_t{spec.active ? 1 : 0}).Bind(6, manager).Bind(7, role).Bind(8, *profile);
        ins.Bind(9, spec.language).Bind(10, spec.time_zone);
        if (Status s = ins.Run(); !s.ok()) return s;
        User stored = spec;
        stored.teams.clear();
        stored.permission_sets.clear();
        stored.id = db_.LastInsertRowId();
        return Audit(actor, "users", "create", "user." + spec.username, nullptr, ToJson(stored));
    }));
    return GetUser(spec.username);
}

Result<User> AccessService::UpdateUser(const std::string& actor, const User& changed) {
    Result<User> before = changed.id ? Result<User>(MakeError("", "")) : GetUser(changed.username);
    if (changed.id) {
        for (User& u : Users()) {
            if (u.id == changed.id) before = u;
        }
    }
    if (!before.ok()) {
        if (before.error().code.empty())
            return MakeError("access.unknown_user",
                             "There is no user with id " + std::to_string(changed.id) + ".", "id");
        return before.error();
    }
    ACCESS_TRY(CheckUserFields(changed));
    const int64_t id = before->id;
    ACCESS_TRY(Apply(actor, SystemPermission::ManageUsers, [&]() -> Status {
        Statement dup =
            db_.Prepare("SELECT 1 FROM access_user WHERE username = ?1 COLLATE NOCASE AND id <> ?2");
        dup.Bind(1, changed.username).Bind(2, id);
        if (dup.Step())
            return MakeError("access.username_taken", "The username " + Q(changed.username) + " is taken.",
                             "username");
        Result<int64_t> profile = SetIdOf(PermissionSetKind::Profile, changed.profile);
        if (!profile.ok()) return profile.error();
        std::optional<int64_t> role, manager;
        if (!changed.role.empty()) {
            Result<int64_t> r = IdOf("access_role", changed.role, "role", "role");
            if (!r.ok()) return r.error();
            role = *r;
        }
        if (!changed.manager.empty()) {
            Result<int64_t> m = IdOf("access_user", changed.manager, "user", "manager");
            if (!m.ok()) return m.error();
            if (*m == id)
                return MakeError("access.invalid_manager", "A user cannot be their own manager.", "manager");
            manager = *m;
        }
        Statement up = db_.Prepare(
            "UPDATE access_user SET username = ?1, full_name = ?2, email = ?3, phone = ?4, active = ?5, "
            "manager_id = ?6, role_id = ?7, profile_id = ?8, language = ?9, time_zone = ?10 WHERE id = ?11");
        up.Bind(1, changed.username).Bind(2, changed.full_name).Bind(3, changed.email).Bind(4, changed.phone);
        up.Bind(5, int64_t{changed.active ? 1 : 0}).Bind(6, manager).Bind(7, role).Bind(8, *profile);
        up.Bind(9, changed.language).Bind(10, changed.time_zone).Bind(11, id);
        if (Status s = up.Run(); !s.ok()) return s;
        User after = changed;
        after.id = id;
        after.teams = before->teams;
        after.permission_sets = before->permission_sets;
        return Audit(actor, "users", "update", "user." + changed.username, ToJson(*before), ToJson(after));
    }));
    return GetUser(changed.username);
}

Status AccessService::SetUserActive(const std::string& actor, std::string_view username, bool active) {
    Result<User> u = GetUser(username);
    if (!u.ok()) return u.error();
    return Apply(actor, SystemPermission::ManageUsers, [&]() -> Status {
        Statement up = db_.Prepare("UPDATE access_user SET active = ?1 WHERE id = ?2");
        up.Bind(1, int64_t{active ? 1 : 0}).Bind(2, u->id);
        if (Status s = up.Run(); !s.ok()) return s;
        return Audit(actor, "users", active ? "reactivate" : "deactivate", "user." + u->username, u->active,
                     active);
    });
}

Status AccessService::DeleteUser(const std::string& actor, std::string_view username) {
    Result<User> u = GetUser(username);
    if (!u.ok()) return u.error();
    return Apply(actor, SystemPermission::ManageUsers, [&]() -> Status {
        int64_t owned = 0;
        for (const auto& o : schema_.Objects()) {
            Statement c =
                db_.Prepare("SELECT COUNT(*) FROM " + QuoteIdent(o->table) + " WHERE owner_id = ?1");
            c.Bind(1, u->id);
            if (c.Step()) owned += c.Int(0);
        }
        if (owned > 0) {
            return MakeError(
                "access.user_owns_records",
                u->username + " owns " + std::to_string(owned) +
                    " records: deactivate the user, or transfer the records to another user first.",
                "username");
        }
        for (const char* sql : {"UPDATE access_user SET manager_id = NULL WHERE manager_id = ?1",
                                "DELETE FROM access_team_member WHERE user_id = ?1",
                                "DELETE FROM access_user_permset WHERE user_id = ?1",
                                "DELETE FROM access_sharing_rule WHERE share_kind = 'user' AND share_id = ?1",
                                "DELETE FROM access_user WHERE id = ?1"}) {
            Statement st = db_.Prepare(sql);
            st.Bind(1, u->id);
            if (Status s = st.Run(); !s.ok()) return s;
        }
        return Audit(actor, "users", "delete", "user." + u->username, ToJson(*u), nullptr);
    });
}

Result<int64_t> AccessService::TransferRecords(const std::string& actor, std::string_view from,
                                               std::string_view to, std::string_view object) {
    Result<User> a = GetUser(from);
    if (!a.ok()) return Error{a.error().code, a.error().message, "from", 0, 0};
    Result<User> b = GetUser(to);
    if (!b.ok()) return Error{b.error().code, b.error().message, "to", 0, 0};
    if (!b->active) return MakeError("access.inactive_user", "Records can only go to an active user.", "to");
    std::vector<std::shared_ptr<const ObjectDef>> objects;
    if (object.empty()) {
        objects = schema_.Objects();
    } else {
        Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
        if (!o.ok()) return o.error();
        objects.push_back(*o);
    }
    int64_t moved = 0;
    ACCESS_TRY(Apply(actor, SystemPermission::ManageUsers, [&]() -> Status {
        for (const auto& o : objects) {
            Statement st =
                db_.Prepare("UPDATE " + QuoteIdent(o->table) + " SET owner_id = ?1 WHERE owner_id = ?2");
            st.Bind(1, b->id).Bind(2, a->id);
            if (Status s = st.Run(); !s.ok()) return s;
            moved += db_.Changes();
        }
        return Audit(actor, "users", "transfer", "user." + a->username,
                     json{{"owner", a->username}, {"object", std::string(object)}},
                     json{{"owner", b->username}, {"records", moved}});
    }));
    return moved;
}

// Roles

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
    ACCESS_TRY(Apply(actor, SystemPermission::ManageRolesAndPermissions, [&]() -> Status {
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
        return Audit(actor, "roles", "create", "role." + name, nullptr, json{{"parent", parent}});
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
        return Audit(actor, "roles", "rename", "role." + std::string(role), std::string(role), new_name);
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
        return Audit(actor, "roles", "move", "role." + std::string(role), old_parent,
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
        Statement del = db_.Prepare("DELETE FROM access_role WHERE id = ?1");
        del.Bind(1, *id);
        if (Status s = del.Run(); !s.ok()) return s;
        return Audit(actor, "roles", "delete", "role." + std::string(role), std::string(role), nullptr);
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
    ACCESS_TRY(Apply(actor, SystemPermission::ManageUsers, [&]() -> Status {
        if (IdOf("access_team", name, "team", "name").ok())
            return MakeError("access.name_taken", "There is already a team " + Q(name) + ".", "name");
        Statement ins = db_.Prepare("INSERT INTO access_team(name, description) VALUES(?1, ?2)");
        ins.Bind(1, name).Bind(2, description);
        if (Status s = ins.Run(); !s.ok()) return s;
        return Audit(actor, "teams", "create", "team." + name, nullptr, json{{"description", description}});
    }));
    return Team{*IdOf("access_team", name, "team", "name"), name, description, {}, {}};
}

Status AccessService::DeleteTeam(const std::string& actor, std::string_view team) {
    Result<int64_t> id = IdOf("access_team", team, "team", "team");
    if (!id.ok()) return id.error();
    return Apply(actor, SystemPermission::ManageUsers, [&]() -> Status {
        for (const char* sql :
             {"DELETE FROM access_team_member WHERE team_id = ?1",
              "DELETE FROM access_team_permset WHERE team_id = ?1",
              "DELETE FROM access_sharing_rule WHERE (owned_kind = 'team' AND owned_id = ?1) OR "
              "(share_kind = 'team' AND share_id = ?1)",
              "DELETE FROM access_team WHERE id = ?1"}) {
            Statement st = db_.Prepare(sql);
            st.Bind(1, *id);
            if (Status s = st.Run(); !s.ok()) return s;
        }
        return Audit(actor, "teams", "delete", "team." + std::string(team), std::string(team), nullptr);
    });
}

namespace {
// Inserts or deletes one (a, b) row of a link table; `what` names the change in the audit trail.
Status Link(Database& db, const char* table, const char* a_col, const char* b_col, int64_t a, int64_t b,
            bool add) {
    Statement st = db.Prepare(
        add ? std::string("INSERT OR IGNORE INTO ") + table + "(" + a_col + ", " + b_col + ") VALUES(?1, ?2)"
            : std::string("DELETE FROM ") + table + " WHERE " + a_col + " = ?1 AND " + b_col + " = ?2");
    st.Bind(1, a).Bind(2, b);
    return st.Run();
}
}  // namespace

Status AccessService::AddTeamMember(const std::string& actor, std::string_view team,
                                    std::string_view username) {
    Result<int64_t> t = IdOf("access_team", team, "team", "team");
    if (!t.ok()) return t.error();
    Result<int64_t> u = IdOf("access_user", username, "user", "username");
    if (!u.ok()) return u.error();
    return Apply(actor, SystemPermission::ManageUsers, [&]() -> Status {
        if (Status s = Link(db_, "access_team_member", "team_id", "user_id", *t, *u, true); !s.ok()) return s;
        return Audit(actor, "teams", "add_member", "team." + std::string(team), nullptr,
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
        return Audit(actor, "teams", "remove_member", "team." + std::string(team), std::string(username),
                     nullptr);
    });
}

// Profiles and permission sets

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

Result<PermissionSet> AccessService::CreatePermissionSet(const std::string& actor, PermissionSetKind kind,
                                                         const std::string& name,
                                                         const std::string& description,
                                                         const std::string& copy_from) {
    if (IsBlank(name))
        return MakeError("access.invalid_name", std::string("A ") + KindWord(kind) + " needs a name.",
                         "name");
    ACCESS_TRY(Apply(actor, SystemPermission::ManageRolesAndPermissions, [&]() -> Status {
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
        return Audit(actor, kind == PermissionSetKind::Profile ? "profiles" : "permsets", "create",
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
        return Audit(actor, kind == PermissionSetKind::Profile ? "profiles" : "permsets", "delete",
                     std::string(KindText(kind)) + "." + std::string(name), std::string(name), nullptr);
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
    ACCESS_TRY(Apply(actor, SystemPermission::ManageRolesAndPermissions, [&]() -> Status {
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
        return Audit(actor, kind == PermissionSetKind::Profile ? "profiles" : "permsets",
                     "object_permissions", std::string(KindText(kind)) + "." + std::string(set) + "." + api,
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
    ACCESS_TRY(Apply(actor, SystemPermission::ManageRolesAndPermissions, [&]() -> Status {
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
        return Audit(actor, kind == PermissionSetKind::Profile ? "profiles" : "permsets", "field_permissions",
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
            actor, kind == PermissionSetKind::Profile ? "profiles" : "permsets", granted ? "grant" : "revoke",
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
        json named = std::string(set);
        return Audit(actor, holder.area, add ? "assign_permset" : "unassign_permset",
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

// Sharing

std::vector<ObjectSharing> AccessService::SharingSettings() const {
    std::vector<ObjectSharing> out;
    for (const auto& o : schema_.Objects()) {
        Result<ObjectSharing> s = SharingFor(o->api_name);
        if (s.ok()) out.push_back(*s);
    }
    return out;
}

Result<ObjectSharing> AccessService::SharingFor(std::string_view object) const {
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
    if (!o.ok()) return Error{o.error().code, o.error().message, "object", 0, 0};
    ObjectSharing s;
    s.object = (*o)->api_name;
    Statement st =
        db_.Prepare("SELECT owd, hierarchies, team_access FROM access_object_sharing WHERE object = ?1");
    st.Bind(1, s.object);
    if (st.Step()) {
        s.owd = ParseOrgWideDefault(st.Text(0)).value_or(OrgWideDefault::PublicReadWrite);
        s.grant_access_using_hierarchies = st.Int(1) != 0 || !(*o)->custom;
        s.team_access = static_cast<AccessLevel>(std::clamp<int64_t>(st.Int(2), 0, 2));
    }
    return s;
}

Status AccessService::SetSharing(const std::string& actor, const ObjectSharing& sharing) {
    Result<ObjectSharing> before = SharingFor(sharing.object);
    if (!before.ok()) return before.error();
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(sharing.object);
    if (!(*o)->custom && !sharing.grant_access_using_hierarchies) {
        return MakeError("access.hierarchy_required",
                         "Standard objects always grant access using hierarchies.",
                         "grant_access_using_hierarchies");
    }
    if (sharing.team_access == AccessLevel::Full)
        return MakeError("invalid_argument", "Team access is none, read or edit.", "team_access");
    return Apply(actor, SystemPermission::ManageRolesAndPermissions, [&]() -> Status {
        Statement up = db_.Prepare(
            "INSERT INTO access_object_sharing(object, owd, hierarchies, team_access) VALUES(?1, ?2, ?3, ?4) "
            "ON CONFLICT(object) DO UPDATE SET owd = excluded.owd, hierarchies = excluded.hierarchies, "
            "team_access = excluded.team_access");
        up.Bind(1, before->object).Bind(2, OrgWideDefaultName(sharing.owd));
        up.Bind(3, int64_t{sharing.grant_access_using_hierarchies ? 1 : 0})
            .Bind(4, int64_t{static_cast<int>(sharing.team_access)});
        if (Status s = up.Run(); !s.ok()) return s;
        ObjectSharing after = sharing;
        after.object = before->object;
        return Audit(actor, "sharing", "settings", "sharing." + before->object, ToJson(*before),
                     ToJson(after));
    });
}

std::vector<SharingRule> AccessService::SharingRules(std::string_view object) const {
    std::vector<SharingRule> out;
    Statement st = db_.Prepare(
        "SELECT id, object, name, owned_kind, owned_id, criteria, share_kind, share_id, level FROM "
        "access_sharing_rule "
        "WHERE ?1 = '' OR object = ?1 COLLATE NOCASE ORDER BY object, name");
    st.Bind(1, std::string(object));  // a default string_view has no data and would bind NULL
    auto name_of = [&](ShareGroup::Kind k, int64_t id) {
        const char* sql = k == ShareGroup::Kind::Team   ? "SELECT name FROM access_team WHERE id = ?1"
                          : k == ShareGroup::Kind::User ? "SELECT username FROM access_user WHERE id = ?1"
                                                        : "SELECT name FROM access_role WHERE id = ?1";
        Statement n = db_.Prepare(sql);
        n.Bind(1, id);
        return n.Step() ? n.Text(0) : std::string();
    };
    while (st.Step()) {
        SharingRule r;
        r.id = st.Int(0);
        r.object = st.Text(1);
        r.name = st.Text(2);
        if (auto k = ParseGroupKind(st.OptText(3).value_or("")))
            r.owned_by = ShareGroup{*k, name_of(*k, st.Int(4))};
        r.criteria = st.OptText(5).value_or("");
        const ShareGroup::Kind sk = ParseGroupKind(st.Text(6)).value_or(ShareGroup::Kind::Role);
        r.share_with = ShareGroup{sk, name_of(sk, st.Int(7))};
        r.level = st.Int(8) >= 2 ? AccessLevel::Edit : AccessLevel::Read;
        out.push_back(std::move(r));
    }
    return out;
}

Result<SharingRule> AccessService::SaveSharingRule(const std::string& actor, const SharingRule& rule) {
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(rule.object);
    if (!o.ok()) return Error{o.error().code, o.error().message, "object", 0, 0};
    if (IsBlank(rule.name)) return MakeError("access.invalid_name", "A sharing rule needs a name.", "name");
    if (rule.level != AccessLevel::Read && rule.level != AccessLevel::Edit)
        return MakeError("invalid_argument", "A rule shares at read or edit.", "level");
    auto group_id = [&](const ShareGroup& g, const char* field) -> Result<int64_t> {
        switch (g.kind) {
            case ShareGroup::Kind::Team:
                return IdOf("access_team", g.name, "team", field);
            case ShareGroup::Kind::User:
                return IdOf("access_user", g.name, "user", field);
            default:
                return IdOf("access_role", g.name, "role", field);
        }
    };
    std::optional<int64_t> owned_id;
    if (rule.owned_by) {
        if (rule.owned_by->kind == ShareGroup::Kind::User)
            return MakeError("invalid_argument",
                             "Owner-based rules name a role, a role and its subordinates, or a team.",
                             "owned_by");
        Result<int64_t> g = group_id(*rule.owned_by, "owned_by");
        if (!g.ok()) return g.error();
        owned_id = *g;
    } else {
        if (IsBlank(rule.criteria))
            return MakeError("invalid_argument",
                             "A rule needs owned_by (owner-based) or criteria (criteria-based).", "criteria");
        std::shared_ptr<const ObjectResolver> resolver = schema_.Resolver((*o)->api_name);
        formula::CompileOptions co;
        co.expected_result = formula::ValueType::Boolean;
        Result<formula::CompiledFormula> c = formula::Compile(rule.criteria, *resolver, co);
        if (!c.ok()) {
            Error e = c.error();
            e.field = "criteria";
            return e;
        }
        formula::SqlOptions so;
        if (Result<formula::SqlCondition> sql = formula::ToSql(*c, so); !sql.ok()) {
            return MakeError(
                "access.criteria_not_sql",
                "The criteria cannot run inside the database (" + sql.error().message + "); simplify it.",
                "criteria");
        }
    }
    Result<int64_t> share_id = group_id(rule.share_with, "share_with");
    if (!share_id.ok()) return share_id.error();
    const std::string api = (*o)->api_name;
    ACCESS_TRY(Apply(actor, SystemPermission::ManageRolesAndPermissions, [&]() -> Status {
        Statement up = db_.Prepare(
            "INSERT INTO access_sharing_rule(object, name, owned_kind, owned_id, criteria, share_kind, "
            "share_id, level) "
            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(object, name) DO UPDATE SET owned_kind = "
            "excluded.owned_kind, owned_id = excluded.owned_id, criteria = excluded.criteria, share_kind = "
            "excluded.share_kind, share_id = excluded.share_id, level = excluded.level");
        up.Bind(1, api).Bind(2, rule.name);
        up.Bind(3, rule.owned_by ? std::optional<std::string>(ShareGroupKindName(rule.owned_by->kind))
                                 : std::nullopt);
        up.Bind(4, owned_id);
        up.Bind(5, rule.owned_by ? std::optional<std::string>() : std::optional<std::string>(rule.criteria));
        up.Bind(6, ShareGroupKindName(rule.share_with.kind))
            .Bind(7, *share_id)
            .Bind(8, int64_t{static_cast<int>(rule.level)});
        if (Status s = up.Run(); !s.ok()) return s;
        SharingRule saved = rule;
        saved.object = api;
        return Audit(actor, "sharing", "save_rule", "sharing." + api + "." + rule.name, nullptr,
                     ToJson(saved));
    }));
    for (SharingRule& r : SharingRules(api)) {
        if (r.name == rule.name) return r;
    }
    return MakeError("internal", "The saved rule was not found.");
}

std::vector<std::string> AccessService::SharingRulesUsing(std::string_view object,
                                                          std::string_view field) const {
    std::vector<std::string> out;
    for (const SharingRule& r : SharingRules()) {
        if (!r.owned_by && schema_.FormulaReadsField(r.object, r.criteria, true, object, field))
            out.push_back("sharing rule " + r.object + "." + r.name);
    }
    return out;
}

Status AccessService::DeleteSharingRule(const std::string& actor, std::string_view object,
                                        std::string_view name) {
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
    if (!o.ok()) return Error{o.error().code, o.error().message, "object", 0, 0};
    const std::string api = (*o)->api_name;
    return Apply(actor, SystemPermission::ManageRolesAndPermissions, [&]() -> Status {
        Statement del = db_.Prepare("DELETE FROM access_sharing_rule WHERE object = ?1 AND name = ?2");
        del.Bind(1, api).Bind(2, name);
        if (Status s = del.Run(); !s.ok()) return s;
        if (db_.Changes() == 0)
            return MakeError("access.unknown_rule", api + " has no sharing rule " + Q(name) + ".", "name");
        return Audit(actor, "sharing", "delete_rule", "sharing." + api + "." + std::string(name),
                     std::string(name), nullptr);
    });
}

#undef ACCESS_TRY

// [SECTION] Migration

std::string AccessMigrationSql() {
    std::string sql = R"sql(
CREATE TABLE access_role (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    parent_id INTEGER REFERENCES access_role(id)
);
CREATE TABLE access_permission_set (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('profile', 'permset')),
    name TEXT NOT NULL COLLATE NOCASE,
    description TEXT NOT NULL DEFAULT '',
    all_objects INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, name)
);
CREATE TABLE access_user (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    full_name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    manager_id INTEGER REFERENCES access_user(id),
    role_id INTEGER REFERENCES access_role(id),
    profile_id INTEGER NOT NULL REFERENCES access_permission_set(id),
    language TEXT NOT NULL DEFAULT 'en',
    time_zone TEXT NOT NULL DEFAULT 'Asia/Shanghai'
);
CREATE INDEX access_user_role ON access_user(role_id);
CREATE TABLE access_team (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE access_team_member (team_id INTEGER NOT NULL, user_id INTEGER NOT NULL, PRIMARY KEY (team_id, user_id)) WITHOUT ROWID;
CREATE TABLE access_user_permset (user_id INTEGER NOT NULL, set_id INTEGER NOT NULL, PRIMARY KEY (user_id, set_id)) WITHOUT ROWID;
CREATE TABLE access_team_permset (team_id INTEGER NOT NULL, set_id INTEGER NOT NULL, PRIMARY KEY (team_id, set_id)) WITHOUT ROWID;
CREATE TABLE access_object_perm (set_id INTEGER NOT NULL, object TEXT NOT NULL COLLATE NOCASE, bits INTEGER NOT NULL, PRIMARY KEY (set_id, object)) WITHOUT ROWID;
CREATE TABLE access_field_perm (set_id INTEGER NOT NULL, object TEXT NOT NULL COLLATE NOCASE, field TEXT NOT NULL COLLATE NOCASE, bits INTEGER NOT NULL, PRIMARY KEY (set_id, object, field)) WITHOUT ROWID;
CREATE TABLE access_system_perm (set_id INTEGER NOT NULL, permission TEXT NOT NULL, PRIMARY KEY (set_id, permission)) WITHOUT ROWID;
CREATE TABLE access_object_sharing (
    object TEXT PRIMARY KEY COLLATE NOCASE,
    owd TEXT NOT NULL,
    hierarchies INTEGER NOT NULL DEFAULT 1,
    team_access INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE access_sharing_rule (
    id INTEGER PRIMARY KEY,
    object TEXT NOT NULL COLLATE NOCASE,
    name TEXT NOT NULL COLLATE NOCASE,
    owned_kind TEXT,
    owned_id INTEGER,
    criteria TEXT,
    share_kind TEXT NOT NULL,
    share_id INTEGER NOT NULL,
    level INTEGER NOT NULL,
    UNIQUE (object, name)
);
CREATE TABLE access_role_closure (ancestor INTEGER NOT NULL, descendant INTEGER NOT NULL, depth INTEGER NOT NULL, PRIMARY KEY (ancestor, descendant)) WITHOUT ROWID;
CREATE INDEX access_role_closure_descendant ON access_role_closure(descendant);
CREATE TABLE access_group_member (group_id INTEGER NOT NULL, user_id INTEGER NOT NULL, PRIMARY KEY (group_id, user_id)) WITHOUT ROWID;
CREATE TABLE access_user_object_perm (user_id INTEGER NOT NULL, object TEXT NOT NULL, bits INTEGER NOT NULL, PRIMARY KEY (user_id, object)) WITHOUT ROWID;
CREATE TABLE access_user_system_perm (user_id INTEGER NOT NULL, permission TEXT NOT NULL, PRIMARY KEY (user_id, permission)) WITHOUT ROWID;
INSERT INTO access_permission_set(id, kind, name, description, all_objects)
    VALUES (1, 'profile', 'System Administrator', 'Every object, field and system permission.', 1);
INSERT INTO access_user(id, username, full_name, email, profile_id) VALUES (1, 'admin', 'Administrator', 'admin@example.com', 1);
INSERT INTO access_user_object_perm(user_id, object, bits)
    SELECT 1, api_name, 63 FROM schema_objects;
)sql";
    for (int i = 0; i < kSystemPermissionCount; ++i) {
        sql += std::string("INSERT INTO access_system_perm(set_id, permission) VALUES (1, '") +
               kSystemNames[i] + "');\n";
        sql += std::string("INSERT INTO access_user_system_perm(user_id, permission) VALUES (1, '") +
               kSystemNames[i] + "');\n";
    }
    return sql;
}

std::string AccessKeptTablesMigrationSql() {
    return "DROP TABLE access_user_object_perm;\nDROP TABLE access_user_system_perm;\n";
}

}  // namespace crm
