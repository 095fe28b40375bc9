// API keys (core/integration/api_keys.h, apikeys.* commands): the secret shown once and stored only as a
// digest, who a key runs as, revoked / expired / inactive refusals, areas, the token bucket and the
// request log.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "api/command_api.h"
#include "auth/auth.h"
#include "integration/api_keys.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1'795'712'400'000;  // 2026-11-26T17:00:00Z

struct KeyFixture {
    FixedClock clock{kNow};
    std::unique_ptr<Workspace> ws;
    std::unique_ptr<CommandApi> api;

    KeyFixture() {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        api = std::make_unique<CommandApi>(*ws);
        Must("profiles.create", {{"name", "Standard User"}});
        Must("users.create", {{"username", "rita"},
                              {"full_name", "Rita"},
                              {"email", "rita@example.com"},
                              {"profile", "Standard User"}});
    }
    json Run(const std::string& cmd, const json& args, const std::string& as = "") {
        json request = {{"cmd", cmd}, {"args", args}};
        if (!as.empty()) request["as"] = as;
        return api->Execute(request);
    }
    json Must(const std::string& cmd, const json& args, const std::string& as = "") {
        json r = Run(cmd, args, as);
        CAPTURE(r.dump());
        REQUIRE(r["ok"] == true);
        return r["result"];
    }
    ApiKeyService& keys() { return ApiKeysOf(*ws); }
    /// Creates a key for `username` and answers the created key with its secret.
    json Create(const std::string& username, json extra = json::object()) {
        extra["username"] = username;
        if (!extra.contains("name")) extra["name"] = "Test key";
        return Must("apikeys.create", extra);
    }
    std::string ErrorOf(std::string_view secret) {
        auto r = keys().Authenticate(secret);
        return r.ok() ? "" : r.error().code;
    }
};

}  // namespace

TEST_SUITE("apikeys") {
    TEST_CASE("a new key is answered once with its secret, stored only as a digest, and runs as its user") {
        KeyFixture f;
        json created = f.Create("rita", {{"name", "ERP sync"}, {"areas", {"records"}}});
        const std::string secret = created["secret"];
        CHECK(secret.rfind("crm_", 0) == 0);
        CHECK(secret.size() == 4 + 12 + 1 + 64);
        CHECK(created["key"]["username"] == "rita");
        CHECK(created["key"]["status"] == "active");
        CHECK(created["key"]["areas"] == json::array({"records"}));

        // Nothing stored, listed or audited carries the secret.
        Statement s = f.ws->db().Prepare("SELECT * FROM api_key");
        REQUIRE(s.Step());
        for (int c = 0; c < s.ColumnCount(); ++c)
            CHECK(s.Text(c).find(secret.substr(17)) == std::string::npos);
        json list = f.Must("apikeys.list", json::object());
        CHECK(list["keys"].size() == 1);
        CHECK(list.dump().find(secret.substr(17)) == std::string::npos);
        CHECK_FALSE(list["keys"][0].contains("secret"));
        CHECK_FALSE(list["keys"][0].contains("digest"));
        json audit = f.Must("audit.list", {{"area", "integration"}});
        REQUIRE(audit["entries"].size() == 1);
        CHECK(audit.dump().find(secret.substr(17)) == std::string::npos);

        auto who = f.keys().Authenticate(secret);
        REQUIRE(who.ok());
        CHECK(who->username == "rita");
        CHECK(who->key_id == created["key"]["key_id"]);
    }

    TEST_CASE("malformed, unknown and wrong keys are refused with one answer") {
        KeyFixture f;
        const std::string secret = f.Create("rita")["secret"];
        std::string wrong = secret;
        wrong.back() = wrong.back() == '0' ? '1' : '0';
        std::string other_id = secret;
        other_id[5] = other_id[5] == '0' ? '1' : '0';
        for (const std::string& bad :
             {std::string(), std::string("crm_"), std::string("Bearer x"), wrong, other_id, secret + "0",
              secret.substr(0, secret.size() - 1), std::string(81, 'a')}) {
            CAPTURE(bad);
            CHECK(f.ErrorOf(bad) == "api.key_invalid");
        }
        CHECK(f.ErrorOf(secret).empty());
    }

    TEST_CASE("a revoked key is refused at once, an expired key and a key of an inactive user too") {
        KeyFixture f;
        json a = f.Create("rita");
        json b = f.Create("rita", {{"expires", "2026-11-27T00:00:00Z"}});
        CHECK(f.ErrorOf(a["secret"].get<std::string>()).empty());
        f.Must("apikeys.revoke", {{"id", a["key"]["id"]}});
        CHECK(f.ErrorOf(a["secret"].get<std::string>()) == "api.key_revoked");
        json again = f.Run("apikeys.revoke", {{"id", a["key"]["id"]}});
        CHECK(again["error"]["code"] == "apikeys.already_revoked");
        CHECK(f.Run("apikeys.revoke", {{"id", 99}})["error"]["code"] == "apikeys.not_found");

        CHECK(f.ErrorOf(b["secret"].get<std::string>()).empty());
        f.clock.Set(kNow + 7 * 3600 * 1000);  // past midnight
        CHECK(f.ErrorOf(b["secret"].get<std::string>()) == "api.key_expired");
        f.clock.Set(kNow);

        json c = f.Create("rita");
        f.Must("users.deactivate", {{"username", "rita"}});
        CHECK(f.ErrorOf(c["secret"].get<std::string>()) == "api.key_user_inactive");
        json list = f.Must("apikeys.list", {{"username", "rita"}});
        REQUIRE(list["keys"].size() == 3);
        CHECK(list["keys"][0]["status"] == "user_inactive");
        CHECK(list["keys"][2]["status"] == "revoked");
        CHECK(list["keys"][2]["revoked_by"] == "admin");
        f.Must("users.reactivate", {{"username", "rita"}});
        CHECK(f.ErrorOf(c["secret"].get<std::string>()).empty());
    }

    TEST_CASE("creating a key checks its user, name, areas, expiry and limits") {
        KeyFixture f;
        struct Case {
            json args;
            const char* code;
            const char* field;
        };
        const Case cases[] = {
            {{{"username", "nobody"}, {"name", "x"}}, "access.unknown_user", "username"},
            {{{"username", "rita"}, {"name", "   "}}, "invalid_argument", "name"},
            {{{"username", "rita"}, {"name", std::string(101, 'n')}}, "invalid_argument", "name"},
            {{{"username", "rita"}, {"name", "x"}, {"areas", {"recrods"}}}, "invalid_argument", "areas"},
            {{{"username", "rita"}, {"name", "x"}, {"areas", {"rec"}}}, "invalid_argument", "areas"},
            {{{"username", "rita"}, {"name", "x"}, {"areas", {1}}}, "invalid_argument", "areas"},
            {{{"username", "rita"}, {"name", "x"}, {"expires", "2026-11-26"}}, "invalid_argument", "expires"},
            {{{"username", "rita"}, {"name", "x"}, {"rate_per_minute", 0}},
             "invalid_argument",
             "rate_per_minute"},
            {{{"username", "rita"}, {"name", "x"}, {"burst", 2000000}}, "invalid_argument", "burst"},
        };
        for (const Case& c : cases) {
            json r = f.Run("apikeys.create", c.args);
            CAPTURE(c.args.dump());
            CAPTURE(r.dump());
            CHECK(r["ok"] == false);
            CHECK(r["error"]["code"] == c.code);
            CHECK(r["error"]["field"] == c.field);
            CHECK_FALSE(r["error"]["message_zh"].get<std::string>().empty());
        }
        f.Must("users.deactivate", {{"username", "rita"}});
        CHECK(f.Run("apikeys.create", {{"username", "rita"}, {"name", "x"}})["error"]["code"] ==
              "access.inactive_user");
        CHECK(f.Must("apikeys.list", json::object())["keys"].empty());
    }

    TEST_CASE("only Manage Integrations manages keys and reads the log") {
        KeyFixture f;
        f.Create("rita");
        for (const char* cmd : {"apikeys.list", "apikeys.log"}) {
            json r = f.Run(cmd, json::object(), "rita");
            CHECK(r["error"]["code"] == "access.denied");
        }
        CHECK(f.Run("apikeys.create", {{"username", "rita"}, {"name", "mine"}}, "rita")["error"]["code"] ==
              "access.denied");
        CHECK(f.Run("apikeys.revoke", {{"id", 1}}, "rita")["error"]["code"] == "access.denied");

        // Manage Integrations alone makes keys for oneself, not for others (that needs Manage Users too).
        f.Must("permsets.create", {{"name", "Integrations"}});
        f.Must("permsets.set_system",
               {{"name", "Integrations"}, {"permission", "manage_integrations"}, {"granted", true}});
        f.Must("users.assign_permset", {{"username", "rita"}, {"permission_set", "Integrations"}});
        CHECK(f.Run("apikeys.create", {{"username", "rita"}, {"name", "mine"}}, "rita")["ok"] == true);
        json other = f.Run("apikeys.create", {{"username", "admin"}, {"name", "admin's"}}, "rita");
        CHECK(other["error"]["code"] == "access.denied");
        CHECK(f.Must("apikeys.list", json::object(), "rita")["keys"].size() == 2);
    }

    TEST_CASE("a key's areas allow the commands whose names start with them") {
        ApiKeyIdentity k;
        CHECK(ApiKeyService::Allows(k, "company.update"));  // no areas: everything
        k.areas = {"records", "report"};
        CHECK(ApiKeyService::Allows(k, "records.get"));
        CHECK(ApiKeyService::Allows(k, "report.run"));
        CHECK_FALSE(ApiKeyService::Allows(k, "reports.list"));
        CHECK_FALSE(ApiKeyService::Allows(k, "recordsx.get"));
        CHECK_FALSE(ApiKeyService::Allows(k, "users.list"));
        k.areas = {"auth.sessions"};
        CHECK(ApiKeyService::Allows(k, "auth.sessions.list"));
        CHECK_FALSE(ApiKeyService::Allows(k, "auth.sign_in"));
    }

    TEST_CASE("the token bucket allows a burst, then the key's rate, and says when to retry") {
        KeyFixture f;
        json created = f.Create("rita", {{"rate_per_minute", 60}, {"burst", 3}});
        auto who = f.keys().Authenticate(created["secret"].get<std::string>());
        REQUIRE(who.ok());
        for (int i = 0; i < 3; ++i) CHECK(f.keys().TakeToken(*who).ok());
        int64_t retry = 0;
        Status refused = f.keys().TakeToken(*who, &retry);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == "api.rate_limited");
        CHECK(retry == 1000);
        f.clock.Advance(1000);  // one a second
        CHECK(f.keys().TakeToken(*who).ok());
        CHECK_FALSE(f.keys().TakeToken(*who).ok());
        f.clock.Advance(-60000);  // a clock moved backwards adds nothing
        CHECK_FALSE(f.keys().TakeToken(*who).ok());
        f.clock.Advance(60000 + 10 * 1000);  // a long pause refills to the burst, no more
        for (int i = 0; i < 3; ++i) CHECK(f.keys().TakeToken(*who).ok());
        CHECK_FALSE(f.keys().TakeToken(*who).ok());
    }

    TEST_CASE("the request log keeps key, user, command, status, time and elapsed, never the secret") {
        KeyFixture f;
        json created = f.Create("rita");
        const std::string secret = created["secret"];
        const std::string key_id = created["key"]["key_id"];
        auto who = f.keys().Authenticate(secret);
        REQUIRE(who.ok());
        f.keys().LogRequest({0, who->id, who->key_id, who->username, "records.get", 200, "", 0, 850});
        f.keys().LogRequest(
            {0, who->id, who->key_id, who->username, "users.list", 403, "access.denied", 0, 120});
        f.keys().LogRequest({0, 0, "", "", "GET /api/v1/nothing", 401, "api.key_missing", 0, 10});
        json log = f.Must("apikeys.log", json::object());
        REQUIRE(log["requests"].size() == 3);
        CHECK(log["requests"][0]["command"] == "GET /api/v1/nothing");
        CHECK(log["requests"][1]["error"] == "access.denied");
        CHECK(log["requests"][2]["command"] == "records.get");
        CHECK(log["requests"][2]["status"] == 200);
        CHECK(log["requests"][2]["elapsed_us"] == 850);
        CHECK(log["requests"][2]["key_id"] == key_id);
        CHECK(log["requests"][2]["at"] == "2026-11-26T17:00:00Z");
        CHECK(log.dump().find(secret.substr(17)) == std::string::npos);
        CHECK(f.Must("apikeys.log", {{"key_id", key_id}})["requests"].size() == 2);
        CHECK(f.Must("apikeys.log", {{"username", "nobody"}})["requests"].empty());
        json list = f.Must("apikeys.list", json::object());
        CHECK(list["keys"][0]["last_used"] == "2026-11-26T17:00:00Z");
    }

    TEST_CASE("log entries wait for a batch, and old ones are pruned") {
        KeyFixture f;
        auto count = [&] {
            Statement s = f.ws->db().Prepare("SELECT count(*) FROM api_request_log");
            REQUIRE(s.Step());
            return s.Int(0);
        };
        f.keys().LogRequest({0, 0, "", "", "a", 401, "api.key_invalid", 0, 1});
        CHECK(count() == 0);  // waits for more, or for a second
        f.clock.Advance(1000);
        f.keys().LogRequest({0, 0, "", "", "b", 401, "api.key_invalid", 0, 1});
        CHECK(count() == 2);
        f.clock.Advance(int64_t(31) * 24 * 3600 * 1000);
        f.keys().LogRequest({0, 0, "", "", "c", 401, "api.key_invalid", 0, 1});
        CHECK(f.keys().Flush().ok());
        CHECK(count() == 1);
    }

    TEST_CASE("with sign-in required, a key keeps working as its user") {
        SetDefaultPasswordHashCost(1, 8192);
        KeyFixture f;
        const std::string secret = f.Create("rita")["secret"];
        f.Must("auth.reset_password",
               {{"username", "admin"}, {"password", "Sign-in-2026"}, {"temporary", false}});
        f.Must("auth.policy.update", {{"require_sign_in", true}});
        auto who = f.keys().Authenticate(secret);
        REQUIRE(who.ok());
        CHECK(who->username == "rita");
    }
}
