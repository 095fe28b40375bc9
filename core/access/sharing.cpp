// Sharing: organization-wide defaults, hierarchy and team switches per object, and sharing rules.
#include <algorithm>

#include "access/internal.h"
#include "common/messages.h"
#include "common/text.h"
#include "storage/database.h"

namespace crm {

using namespace access_detail;
using nlohmann::json;

namespace {

const MessageDef kSharingMessages[] = {
    {"access.in_sharing_rule",
     "The sharing rule {rules} names the {what} \"{name}\": delete or change it first.",
     "共享规则 {rules} 引用了{what:t}“{name}”：请先删除或修改该规则。"},
    {"access.in_sharing_rules",
     "The sharing rules {rules} name the {what} \"{name}\": delete or change them first.",
     "共享规则 {rules} 引用了{what:t}“{name}”：请先删除或修改这些规则。"},
};
CRM_REGISTER_MESSAGES(kSharingMessages);

}  // namespace

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
        return Audit("sharing", "settings", "sharing." + before->object, ToJson(*before), ToJson(after));
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

Result<formula::CompiledFormula> AccessService::CheckCriteria(std::string_view object,
                                                              std::string_view criteria) const {
    std::shared_ptr<const ObjectResolver> resolver = schema_.Resolver(object);
    if (!resolver) {
        Error e = schema_.Object(object).error();
        e.field = "object";
        return e;
    }
    formula::CompileOptions co;
    co.expected_result = formula::ValueType::Boolean;
    Result<formula::CompiledFormula> c = formula::Compile(criteria, *resolver, co);
    if (!c.ok()) {
        Error e = c.error();
        e.field = "criteria";
        return e;
    }
    if (Result<formula::SqlCondition> sql = formula::ToSql(*c, CriteriaSqlOptions(clock_.NowMs(), 1));
        !sql.ok()) {
        return MakeError(
            "access.criteria_not_sql",
            "The criteria cannot run inside the database (" + sql.error().message + "); simplify it.",
            "criteria");
    }
    return c;
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
        if (Result<formula::CompiledFormula> c = CheckCriteria((*o)->api_name, rule.criteria); !c.ok())
            return c.error();
    }
    Result<int64_t> share_id = group_id(rule.share_with, "share_with");
    if (!share_id.ok()) return share_id.error();
    const std::string api = (*o)->api_name;
    CRM_TRY(Apply(actor, SystemPermission::ManageRolesAndPermissions, [&]() -> Status {
        json replaced = nullptr;  // the rule this one replaces, for the audit trail
        for (const SharingRule& r : SharingRules(api)) {
            if (Same(r.name, rule.name)) replaced = ToJson(r);
        }
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
        return Audit("sharing", "save_rule", "sharing." + api + "." + rule.name, std::move(replaced),
                     ToJson(saved));
    }));
    for (SharingRule& r : SharingRules(api)) {
        if (Same(r.name, rule.name)) return r;  // names are case-insensitive: a replaced rule keeps its own
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
        return Audit("sharing", "delete_rule", "sharing." + api + "." + std::string(name), std::string(name),
                     nullptr);
    });
}
namespace access_detail {

std::vector<std::string> RulesNaming(const AccessService& access, ShareGroup::Kind kind,
                                     std::string_view name) {
    std::vector<std::string> out;
    for (const SharingRule& r : access.SharingRules()) {
        const bool owned = r.owned_by && r.owned_by->kind == kind && Same(r.owned_by->name, name);
        const bool shared = r.share_with.kind == kind && Same(r.share_with.name, name);
        if (owned || shared) out.push_back(r.object + "." + r.name);
    }
    return out;
}

Error InSharingRules(const char* what, const char* field, std::string_view name,
                     const std::vector<std::string>& rules) {
    std::string list;
    for (const std::string& r : rules) list += (list.empty() ? "" : ", ") + r;
    return MessageError("access.in_sharing_rules",
                        rules.size() == 1 ? "access.in_sharing_rule" : "access.in_sharing_rules",
                        {{"rules", list}, {"what", what}, {"name", std::string(name)}}, field);
}

}  // namespace access_detail

}  // namespace crm
