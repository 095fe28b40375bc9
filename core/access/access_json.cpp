// The JSON forms of the directory, grants, sharing and decisions (what the command API answers and the
// audit trail stores).
#include <algorithm>

#include "access/internal.h"
#include "common/text.h"

namespace crm {

using namespace access_detail;
using nlohmann::json;

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
}  // namespace crm
