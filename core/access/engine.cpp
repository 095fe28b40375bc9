// The engine: Decide, Explain, VisibleRecords and the AccessPolicy RecordService consults, all read from
// the snapshot (records' owners from the OwnerIndex).
#include <algorithm>

#include "access/internal.h"
#include "access/owner_index.h"
#include "audit/change.h"
#include "common/text.h"
#include "storage/database.h"

namespace crm {

using namespace access_detail;

namespace {

Reason MakeReason(std::string id, std::map<std::string, std::string> params, std::string en, std::string zh) {
    return Reason{std::move(id), std::move(params), std::move(en), std::move(zh)};
}

}  // namespace

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
        if (IsSystemActor(user)) return kFieldRead | kFieldEdit;
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

AccessService::AccessService(Changes& changes, SchemaService& schema)
    : changes_(changes),
      db_(changes.db()),
      schema_(schema),
      clock_(changes.clock()),
      policy_(std::make_unique<Policy>(*this)),
      owners_(std::make_unique<OwnerIndex>(changes.db())) {}

AccessService::~AccessService() = default;

const AccessPolicy& AccessService::policy() const { return *policy_; }

const AccessService::Snapshot& AccessService::Snap() {
    if (!snapshot_ || snapshot_->access_version != version_ ||
        snapshot_->schema_version != schema_.version()) {
        snapshot_ = BuildWhole();
        snapshot_->access_version = version_;
    }
    return *snapshot_;
}

std::shared_ptr<AccessService::Snapshot> AccessService::BuildWhole() {
    ++snapshot_builds_;
    return BuildSnapshot(db_, schema_);
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
    if (owner_id > 0) owner = s.UserById(owner_id);
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
    if (IsSystemActor(username)) return AccessDecision{true, AccessLevel::Full};
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
    Result<formula::SqlCondition> cond = formula::ToSql(*c, CriteriaSqlOptions(clock_.NowMs(), 2));
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
    if (IsSystemActor(username)) {
        out.decision = {true, AccessLevel::Full};
        add(MakeReason(
            "access.system_actor", {},
            "The system actor (the core itself: the demo generator, migrations) acts with full rights.",
            "系统操作者（核心自身：演示数据生成器、迁移）拥有全部权限。"));
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
    if (IsSystemActor(username)) return true;
    const Snapshot& s = Snap();
    const int u = s.setup_mode ? s.admin : s.User(username);
    if (u < 0 || !s.users[static_cast<size_t>(u)].active) return false;
    return s.grants[static_cast<size_t>(s.users[static_cast<size_t>(u)].grants)].system &
           (1u << static_cast<int>(permission));
}

Status AccessService::CheckActor(std::string_view actor) {
    if (IsBlank(actor))
        return MakeError("auth.no_actor", "Say who makes the change: the acting user is missing.", "as");
    if (IsSystemActor(actor)) return Status::Ok();
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
    if (IsSystemActor(username)) return RecordFilter{};
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
        Result<formula::SqlCondition> cond = formula::ToSql(*c, CriteriaSqlOptions(clock_.NowMs(), param));
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
}  // namespace crm
