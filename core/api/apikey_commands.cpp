// apikeys.*: API keys of the local API server (core/integration/api_keys.h), behind Manage Integrations.
// The secret is answered once, by apikeys.create; no other answer carries it or its digest.
#include "api/command.h"
#include "common/messages.h"
#include "integration/api_keys.h"
#include "workspace.h"

namespace crm::api {

namespace {

// Ok when `area` starts some command's name ("records" for records.get), so a typo cannot make a key
// that runs nothing.
bool IsCommandArea(const std::string& area) {
    for (const CommandSpec& c : AllCommands()) {
        if (c.name == area) return true;
        if (c.name.size() > area.size() && c.name.compare(0, area.size(), area) == 0 &&
            (area.back() == '.' || c.name[area.size()] == '.'))
            return true;
    }
    return false;
}

Result<json> ListCmd(Call& call) {
    auto keys = ApiKeysOf(call.workspace).List(call.actor, call.Str("username"));
    if (!keys.ok()) return keys.error();
    json out = json::array();
    for (const ApiKey& k : *keys) out.push_back(ToJson(k));
    return json{{"keys", out}};
}

Result<json> CreateCmd(Call& call) {
    NewApiKey req;
    req.username = call.Str("username");
    req.name = call.Str("name");
    if (const json* areas = call.Obj("areas")) {
        for (const json& a : *areas) {
            if (!a.is_string() || !IsCommandArea(a.get<std::string>())) {
                return MessageError("invalid_argument", "apikeys.bad_area",
                                    {{"area", a.is_string() ? a.get<std::string>() : a.dump()}}, "areas");
            }
            req.areas.push_back(a.get<std::string>());
        }
    }
    req.expires_ms = call.Time("expires").value_or(0);
    req.rate_per_minute = call.Int("rate_per_minute", kDefaultApiRatePerMinute);
    req.burst = call.Int("burst", kDefaultApiBurst);
    auto created = ApiKeysOf(call.workspace).Create(call.actor, req);
    if (!created.ok()) return created.error();
    return json{{"key", ToJson(created->key)},
                {"secret", created->secret},
                {"note", "The secret is shown only now: keep it; it cannot be shown again."}};
}

Result<json> RevokeCmd(Call& call) {
    CRM_TRY(ApiKeysOf(call.workspace).Revoke(call.actor, call.Id("id")));
    return json{{"revoked", call.Id("id")}};
}

Result<json> LogCmd(Call& call) {
    ApiLogFilter f;
    f.key_id = call.Str("key_id");
    f.username = call.Str("username");
    f.since_ms = call.Time("since").value_or(0);
    f.limit = call.Int("limit", 200);
    auto entries = ApiKeysOf(call.workspace).Log(call.actor, f);
    if (!entries.ok()) return entries.error();
    json out = json::array();
    for (const ApiRequest& r : *entries) out.push_back(ToJson(r));
    return json{{"requests", out}};
}

}  // namespace

void RegisterApiKeyCommands(Registry& r) {
    const Reads keys = SetupData("the API keys", {SystemPermission::ManageIntegrations});
    r.push_back({"apikeys.list",
                 "The API keys (of one user, or everyone's), newest first: whom each runs as, its areas, "
                 "expiry, limits, last use and status; never a secret.",
                 {{"username", ArgType::String}},
                 keys,
                 false,
                 json::object(),
                 ListCmd});
    r.push_back({"apikeys.create",
                 "Creates an API key for a user: it runs as that user, only the commands of its `areas` "
                 "(command name prefixes; none = every command), until `expires`, at most `rate_per_minute` "
                 "requests a minute in bursts of `burst`. Answers the secret once.",
                 {{"username", ArgType::String, true},
                  {"name", ArgType::String, true},
                  {"areas", ArgType::Array, false, "[string]"},
                  {"expires", ArgType::Time},
                  {"rate_per_minute", ArgType::Integer, false, "integer (1..1000000, default 600)"},
                  {"burst", ArgType::Integer, false, "integer (1..1000000, default 60)"}},
                 keys,
                 true,
                 {{"username", "reader"}, {"name", "ERP sync"}, {"areas", {"records"}}},
                 CreateCmd});
    r.push_back({"apikeys.revoke",
                 "Revokes an API key at once: its next request is refused.",
                 {{"id", ArgType::Id, true}},
                 keys,
                 true,
                 {{"id", 1}},
                 RevokeCmd});
    r.push_back({"apikeys.log",
                 "The API server's request log, newest first: key, user, command, HTTP status, error code, "
                 "time and elapsed microseconds.",
                 {{"key_id", ArgType::String},
                  {"username", ArgType::String},
                  {"since", ArgType::Time},
                  {"limit", ArgType::Integer, false, "integer (1..1000, default 200)"}},
                 keys,
                 false,
                 {{"limit", 20}},
                 LogCmd});
}

}  // namespace crm::api
