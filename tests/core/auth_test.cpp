// Sign-in and security settings (core/auth, auth.* commands): hashes, NFC, the policy, lockout, sessions,
// login hours, login history, the no-lock-out rule, and the bad input of issue 16.
#include "auth/auth.h"

#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "api/command_api.h"
#include "auth/password.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1'795'712'400'000;  // 2026-11-26T17:00:00Z, a Thursday

struct AuthFixture {
    FixedClock clock{kNow};
    std::unique_ptr<Workspace> ws;
    std::unique_ptr<CommandApi> api;

    AuthFixture() {
        SetDefaultPasswordHashCost(1, 8192);  // the cheapest Argon2id: these tests check rules, not cost
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        api = std::make_unique<CommandApi>(*ws);
        Run("profiles.create", {{"name", "Standard User"}});
        Run("users.create", {{"username", "rita"},
                             {"full_name", "Rita"},
                             {"email", "rita@example.com"},
                             {"profile", "Standard User"}});
    }
    json Run(const std::string& cmd, const json& args, const std::string& as = "") {
        json request = {{"cmd", cmd}, {"args", args}};
        if (!as.empty()) request["as"] = as;
        json r = api->Execute(request);
        return r;
    }
    json Must(const std::string& cmd, const json& args, const std::string& as = "") {
        json r = Run(cmd, args, as);
        CAPTURE(r.dump());
        REQUIRE(r["ok"] == true);
        return r["result"];
    }
    AuthService& auth() { return AuthOf(*ws); }
    Result<SignInResult> SignIn(const std::string& user, const std::string& password,
                                const std::string& new_password = "") {
        SignInRequest r;
        r.username = user;
        r.password = password;
        r.new_password = new_password;
        return auth().SignIn(r);
    }
};

std::string Code(const Result<SignInResult>& r) { return r.ok() ? "ok" : r.error().code; }

}  // namespace

TEST_SUITE("auth.password") {
    TEST_CASE("a hash is a salted Argon2id PHC string and verifies only its password") {
        Result<std::string> a = auth::HashPassword("Correct horse 9", 1, 8192);
        Result<std::string> b = auth::HashPassword("Correct horse 9", 1, 8192);
        REQUIRE(a.ok());
        REQUIRE(b.ok());
        CHECK(a->rfind("$argon2id$v=19$m=8,t=1,p=1$", 0) == 0);
        CHECK(*a != *b);  // salted
        CHECK(auth::VerifyPassword(*a, "Correct horse 9"));
        CHECK_FALSE(auth::VerifyPassword(*a, "Correct horse 8"));
        CHECK_FALSE(auth::VerifyPassword(*a, ""));
        CHECK_FALSE(auth::VerifyPassword("not a hash", "Correct horse 9"));
        CHECK_FALSE(auth::VerifyPassword("", ""));
    }

    TEST_CASE("the default parameters are the ones documented") {
        Result<std::string> h = auth::HashPassword("x");
        REQUIRE(h.ok());
        CHECK(h->rfind("$argon2id$v=19$m=32768,t=3,p=1$", 0) == 0);
    }

    TEST_CASE("empty, huge and invalid UTF-8 passwords are refused, not truncated") {
        CHECK(auth::HashPassword("", 1, 8192).error().code == "auth.password_empty");
        CHECK(auth::HashPassword(std::string(auth::kMaxPasswordBytes + 1, 'a'), 1, 8192).error().code ==
              "auth.password_too_long");
        CHECK(auth::HashPassword(std::string(auth::kMaxPasswordBytes, 'a'), 1, 8192).ok());
        CHECK(auth::HashPassword("bad \xff\xfe text", 1, 8192).error().code == "auth.password_invalid_text");
    }

    TEST_CASE("NFC and NFD spellings of one password are the same password") {
        const std::string nfc = "caf\xc3\xa9-Pass1";   // é precomposed (U+00E9)
        const std::string nfd = "cafe\xcc\x81-Pass1";  // e + combining acute (U+0301)
        REQUIRE(nfc != nfd);
        CHECK(*auth::NormalizePassword(nfd) == nfc);
        Result<std::string> h = auth::HashPassword(nfd, 1, 8192);
        REQUIRE(h.ok());
        CHECK(auth::VerifyPassword(*h, nfc));
        // Hangul: a decomposed syllable composes too.
        CHECK(*auth::NormalizePassword("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab") == "\xed\x95\x9c");
    }

    TEST_CASE("Chinese and emoji passwords hash, verify and count by code point") {
        const std::string zh = "密码安全测试";
        const std::string emoji = "🔑🐼🚀 go 1";
        Result<std::string> h1 = auth::HashPassword(zh, 1, 8192);
        Result<std::string> h2 = auth::HashPassword(emoji, 1, 8192);
        REQUIRE(h1.ok());
        REQUIRE(h2.ok());
        CHECK(auth::VerifyPassword(*h1, zh));
        CHECK_FALSE(auth::VerifyPassword(*h1, "密码安全测"));
        CHECK(auth::VerifyPassword(*h2, emoji));
        CHECK(auth::CodePointCount(zh) == 6);
        CHECK(auth::CodePointCount(emoji) == 8);
        CHECK(auth::CharacterClassCount(zh) == 1);  // "other": letters without case
        CHECK(auth::CharacterClassCount("aB3!") == 4);
    }

    TEST_CASE("the common-passwords list catches the usual ones, in any case") {
        CHECK(auth::IsCommonPassword("123456"));
        CHECK(auth::IsCommonPassword("Password"));
        CHECK(auth::IsCommonPassword("qwerty"));
        CHECK_FALSE(auth::IsCommonPassword("Zt7#qp-walrus-1138"));
    }

    TEST_CASE("random tokens are unique and stored as a digest") {
        std::string a = auth::RandomHex(32), b = auth::RandomHex(32);
        CHECK(a.size() == 64);
        CHECK(a != b);
        CHECK(auth::TokenDigest(a).size() == 64);
        CHECK(auth::TokenDigest(a) != a);
    }
}

TEST_SUITE("auth") {
    TEST_CASE("a new workspace starts with sign-in off and default policy") {
        AuthFixture f;
        json p = f.Must("auth.policy.get", json::object());
        CHECK(p["require_sign_in"] == false);
        CHECK(p["min_length"] == 8);
        CHECK(p["login_hours"].empty());
    }

    TEST_CASE("sign in, touch, sign out; the token is answered once and no hash ever is") {
        AuthFixture f;
        json r = f.Must("auth.reset_password",
                        {{"username", "rita"}, {"password", "Rita-pass-2026"}, {"temporary", false}});
        CHECK(r.dump().find("argon2") == std::string::npos);
        Result<SignInResult> s = f.SignIn("rita", "Rita-pass-2026");
        REQUIRE(s.ok());
        CHECK(s->username == "rita");
        CHECK(s->token.size() == 64);
        CHECK(*f.auth().Touch(s->token) == "rita");
        CHECK(f.auth().Sessions("rita").size() == 1);
        REQUIRE(f.auth().SignOut(s->token).ok());
        CHECK(f.auth().Touch(s->token).error().code == "auth.session_ended");
        // Neither the audit trail nor any answer carries a hash.
        json audit = f.Must("audit.list", {{"limit", 500}});
        CHECK(audit.dump().find("argon2") == std::string::npos);
        CHECK(audit.dump().find("Rita-pass-2026") == std::string::npos);
        for (const char* cmd : {"auth.policy.get", "auth.history", "auth.sessions.list"})
            CHECK(f.Must(cmd, json::object()).dump().find("argon2") == std::string::npos);
        CHECK(f.Must("auth.state", {{"username", "rita"}}).dump().find("argon2") == std::string::npos);
    }

    TEST_CASE("an unknown user and a wrong password get the same answer and similar time") {
        AuthFixture f;
        f.Must("auth.reset_password",
               {{"username", "rita"}, {"password", "Rita-pass-2026"}, {"temporary", false}});
        auto timed = [&](const std::string& user) {
            auto t0 = std::chrono::steady_clock::now();
            Result<SignInResult> r = f.SignIn(user, "Wrong-pass-1");
            double ms =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            return std::make_pair(r, ms);
        };
        auto [wrong, t_wrong] = timed("rita");
        auto [unknown, t_unknown] = timed("nobody");
        REQUIRE_FALSE(wrong.ok());
        REQUIRE_FALSE(unknown.ok());
        CHECK(wrong.error().code == "auth.invalid_credentials");
        CHECK(unknown.error().code == wrong.error().code);
        CHECK(unknown.error().message == wrong.error().message);
        CHECK(unknown.error().field == wrong.error().field);
        // Both paths verify one hash of the same cost (here the cheapest): neither is instant.
        CHECK(t_unknown > 0.0);
        CHECK(t_wrong > 0.0);
        json hist = f.Must("auth.history", json::object());
        CHECK(hist["events"][0]["result"] == "unknown_user");
        CHECK(hist["events"][1]["result"] == "wrong_password");
    }

    TEST_CASE("N failures lock for M minutes; an administrator unlocks; the lock ends by itself") {
        AuthFixture f;
        f.Must("auth.policy.update", {{"lockout_attempts", 3}, {"lockout_minutes", 10}});
        f.Must("auth.reset_password",
               {{"username", "rita"}, {"password", "Rita-pass-2026"}, {"temporary", false}});
        CHECK(Code(f.SignIn("rita", "x1")) == "auth.invalid_credentials");
        CHECK(Code(f.SignIn("RITA", "x2")) == "auth.invalid_credentials");
        CHECK(Code(f.SignIn("rita", "x3")) == "auth.locked");
        CHECK(Code(f.SignIn("rita", "Rita-pass-2026")) == "auth.locked");  // right password, still locked
        CHECK(f.Must("auth.state", {{"username", "rita"}})["locked"] == true);
        CHECK(f.Must("auth.policy.get", json::object())["locked_users"] == json{"rita"});
        // Not for a user without Manage Users.
        CHECK(f.Run("auth.unlock", {{"username", "rita"}}, "rita")["error"]["code"] == "access.denied");
        f.Must("auth.unlock", {{"username", "rita"}});
        CHECK(Code(f.SignIn("rita", "Rita-pass-2026")) == "ok");
        // Locked again, then ten minutes pass.
        for (int i = 0; i < 3; ++i) (void)f.SignIn("rita", "nope");
        CHECK(Code(f.SignIn("rita", "Rita-pass-2026")) == "auth.locked");
        f.clock.Advance(10 * 60'000 + 1);
        CHECK(Code(f.SignIn("rita", "Rita-pass-2026")) == "ok");
    }

    TEST_CASE("an unknown username locks exactly like a known one") {
        AuthFixture f;
        f.Must("auth.policy.update", {{"lockout_attempts", 2}});
        CHECK(Code(f.SignIn("ghost", "a")) == "auth.invalid_credentials");
        CHECK(Code(f.SignIn("ghost", "b")) == "auth.locked");
    }

    TEST_CASE("a clock moved backwards neither ends a session nor stretches a lockout") {
        AuthFixture f;
        f.Must("auth.policy.update", {{"idle_minutes", 5}, {"lockout_attempts", 1}, {"lockout_minutes", 10}});
        f.Must("auth.reset_password",
               {{"username", "rita"}, {"password", "Rita-pass-2026"}, {"temporary", false}});
        Result<SignInResult> s = f.SignIn("rita", "Rita-pass-2026");
        REQUIRE(s.ok());
        f.clock.Advance(-3 * 3'600'000);  // three hours back
        CHECK(f.auth().Touch(s->token).ok());
        f.clock.Advance(4 * 60'000);
        CHECK(f.auth().Touch(s->token).ok());
        f.clock.Advance(6 * 60'000);  // idle past 5 minutes from the re-anchored time
        CHECK(f.auth().Touch(s->token).error().code == "auth.session_ended");
        // Locked, then the clock jumps back a day: the lock still ends 10 minutes from the new now.
        CHECK(Code(f.SignIn("rita", "bad")) == "auth.locked");
        f.clock.Advance(-86'400'000);
        CHECK(Code(f.SignIn("rita", "Rita-pass-2026")) == "auth.locked");
        f.clock.Advance(10 * 60'000 + 1);
        CHECK(Code(f.SignIn("rita", "Rita-pass-2026")) == "ok");
    }

    TEST_CASE("idle timeout ends a session; an administrator ends a user's sessions") {
        AuthFixture f;
        f.Must("auth.policy.update", {{"idle_minutes", 15}});
        f.Must("auth.reset_password",
               {{"username", "rita"}, {"password", "Rita-pass-2026"}, {"temporary", false}});
        Result<SignInResult> a = f.SignIn("rita", "Rita-pass-2026");
        Result<SignInResult> b = f.SignIn("rita", "Rita-pass-2026");
        REQUIRE(a.ok());
        REQUIRE(b.ok());
        f.clock.Advance(16 * 60'000);
        CHECK(f.auth().Touch(a->token).error().code == "auth.session_ended");
        Result<SignInResult> c = f.SignIn("rita", "Rita-pass-2026");
        REQUIRE(c.ok());
        CHECK(f.Must("auth.sessions.end", {{"username", "rita"}})["ended"] ==
              2);  // b (idle, not yet ended) and c
        CHECK(f.auth().Touch(c->token).error().code == "auth.session_ended");
        // A user may end its own sessions, not someone else's.
        CHECK(f.Run("auth.sessions.end", {{"username", "admin"}}, "rita")["error"]["code"] ==
              "access.denied");
        CHECK(f.Run("auth.sessions.end", {{"username", "rita"}}, "rita")["ok"] == true);
    }

    TEST_CASE("the password policy: length, classes, common list, no reuse, expiry") {
        AuthFixture f;
        f.Must("auth.policy.update",
               {{"min_length", 10}, {"min_classes", 3}, {"history_count", 2}, {"expiry_days", 30}});
        auto reset = [&](const std::string& pw) {
            return f.Run("auth.reset_password",
                         {{"username", "rita"}, {"password", pw}, {"temporary", false}});
        };
        CHECK(reset("")["error"]["code"] == "invalid_argument");  // a required string may not be empty
        CHECK(reset("Short-1")["error"]["code"] == "auth.password_too_short");
        CHECK(reset("alllowercase")["error"]["code"] == "auth.password_classes");
        CHECK(reset(std::string(5000, 'a'))["error"]["code"] == "auth.password_too_long");
        f.Must("auth.policy.update", {{"min_classes", 0}, {"min_length", 6}});
        CHECK(reset("password1")["error"]["code"] == "auth.password_common");
        CHECK(reset("Rita-pass-1")["ok"] == true);
        CHECK(reset("Rita-pass-2")["ok"] == true);
        CHECK(reset("Rita-pass-1")["error"]["code"] == "auth.password_reused");
        CHECK(reset("Rita-pass-3")["ok"] == true);
        CHECK(reset("Rita-pass-1")["ok"] == true);  // beyond the last 2
        // Expiry: after 30 days the password signs in only with a new one.
        f.clock.Advance(31LL * 86'400'000);
        CHECK(Code(f.SignIn("rita", "Rita-pass-1")) == "auth.password_change_required");
        CHECK(Code(f.SignIn("rita", "Rita-pass-1", "Rita-pass-1")) == "auth.password_reused");
        CHECK(Code(f.SignIn("rita", "Rita-pass-1", "Brand-new-77")) == "ok");
        CHECK(Code(f.SignIn("rita", "Brand-new-77")) == "ok");
        json hist = f.Must("auth.history", {{"username", "rita"}, {"result", "expired"}});
        CHECK(hist["events"].size() == 2);
    }

    TEST_CASE("a temporary password is changed at first sign-in; change_password needs the current one") {
        AuthFixture f;
        f.Must("auth.reset_password", {{"username", "rita"}, {"password", "Temp-pass-2026"}});
        CHECK(f.Must("auth.state", {{"username", "rita"}})["temporary"] == true);
        CHECK(Code(f.SignIn("rita", "Temp-pass-2026")) == "auth.password_change_required");
        CHECK(Code(f.SignIn("rita", "Temp-pass-2026", "Rita-own-2026")) == "ok");
        CHECK(f.Run("auth.change_password",
                    {{"current_password", "wrong"}, {"new_password", "Next-pass-2026"}},
                    "rita")["error"]["code"] == "auth.password_wrong_current");
        CHECK(f.Run("auth.change_password",
                    {{"current_password", "Rita-own-2026"}, {"new_password", "Next-pass-2026"}},
                    "rita")["ok"] == true);
        CHECK(Code(f.SignIn("rita", "Next-pass-2026")) == "ok");
    }

    TEST_CASE("Chinese, emoji and NFD passwords sign in as typed in any normalisation form") {
        AuthFixture f;
        f.Must("auth.reset_password",
               {{"username", "rita"}, {"password", "密码安全测试很重要🔑1"}, {"temporary", false}});
        CHECK(Code(f.SignIn("rita", "密码安全测试很重要🔑1")) == "ok");
        CHECK(Code(f.SignIn("rita", "密码安全测试")) == "auth.invalid_credentials");
        f.Must("auth.reset_password",
               {{"username", "rita"}, {"password", "cafe\xcc\x81-Pass1"}, {"temporary", false}});
        CHECK(Code(f.SignIn("rita", "caf\xc3\xa9-Pass1")) == "ok");
        CHECK(Code(f.SignIn("rita", "")) == "auth.invalid_credentials");
        CHECK(Code(f.SignIn("rita", std::string(100'000, 'x'))) == "auth.invalid_credentials");
        CHECK(Code(f.SignIn("", "x")) == "auth.invalid_credentials");
    }

    TEST_CASE("login hours per profile, in the company's time zone, name the hours when refused") {
        AuthFixture f;
        f.Must("auth.reset_password",
               {{"username", "rita"}, {"password", "Rita-pass-2026"}, {"temporary", false}});
        // kNow is Thursday 17:00 in the company's zone (UTC by default).
        f.Must("auth.policy.login_hours", {{"profile", "Standard User"},
                                           {"weekdays", {"mon", "tue", "wed", "thu", "fri"}},
                                           {"start", "08:00"},
                                           {"end", "12:00"}});
        Result<SignInResult> r = f.SignIn("rita", "Rita-pass-2026");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == "auth.outside_hours");
        CHECK(r.error().message.find("Mon,Tue,Wed,Thu,Fri 08:00-12:00") != std::string::npos);
        f.Must("auth.policy.login_hours",
               {{"profile", "Standard User"}, {"start", "16:00"}, {"end", "18:00"}, {"weekdays", {"thu"}}});
        CHECK(Code(f.SignIn("rita", "Rita-pass-2026")) == "ok");
        f.Must("auth.policy.login_hours", {{"profile", "Standard User"}, {"clear", true}});
        CHECK(f.Must("auth.policy.get", json::object())["login_hours"].empty());
        CHECK(f.Run("auth.policy.login_hours",
                    {{"profile", "Standard User"}, {"start", "18:00"}, {"end", "08:00"}})["error"]["code"] ==
              "invalid_argument");
        CHECK(f.Run("auth.policy.login_hours", {{"profile", "Standard User"}, {"start", "25:00"}})["ok"] ==
              false);
    }

    TEST_CASE("no lock-out: sign-in cannot be required before an administrator can sign in") {
        AuthFixture f;
        json refused = f.Run("auth.policy.update", {{"require_sign_in", true}});
        CHECK(refused["error"]["code"] == "auth.lockout");
        CHECK(f.Must("auth.policy.get", json::object())["require_sign_in"] == false);
        // rita has a password but no Manage Users: still refused.
        f.Must("auth.reset_password", {{"username", "rita"}, {"password", "Rita-pass-2026"}});
        CHECK(f.Run("auth.policy.update", {{"require_sign_in", true}})["error"]["code"] == "auth.lockout");
        f.Must("auth.reset_password", {{"username", "admin"}, {"password", "Admin-pass-2026"}});
        f.Must("auth.policy.update", {{"require_sign_in", true}});
        // Empty login hours on the administrators' profile would lock every administrator out.
        json hours = f.Run("auth.policy.login_hours", {{"profile", "System Administrator"},
                                                       {"weekdays", json::array()},
                                                       {"start", "08:00"},
                                                       {"end", "18:00"}});
        CHECK(hours["error"]["code"] == "auth.lockout");
        // Hours on some days are fine (outside them an administrator waits, but is not locked out for good).
        f.Must("auth.policy.login_hours", {{"profile", "System Administrator"}, {"weekdays", {"mon"}}});
        // A policy update keeping sign-in on is checked again, and passes.
        f.Must("auth.policy.update", {{"min_length", 12}});
    }

    TEST_CASE("bad policy values name the setting; the audit trail records changes without secrets") {
        AuthFixture f;
        json r = f.Run("auth.policy.update", {{"min_length", 0}});
        CHECK(r["error"]["code"] == "invalid_argument");
        CHECK(r["error"]["field"] == "min_length");
        CHECK(r["error"]["message_zh"].get<std::string>().find("min_length") != std::string::npos);
        CHECK(f.Run("auth.policy.update", {{"lockout_minutes", 100000}})["error"]["field"] ==
              "lockout_minutes");
        f.Must("auth.policy.update", {{"min_length", 12}});
        json audit = f.Must("audit.list", {{"area", "security"}});
        REQUIRE(audit["entries"].size() >= 1);
        CHECK(audit["entries"][0]["target"] == "security.min_length");
    }

    TEST_CASE("the history filters by user and result, and exports as CSV") {
        AuthFixture f;
        f.Must("auth.reset_password",
               {{"username", "rita"}, {"password", "Rita-pass-2026"}, {"temporary", false}});
        (void)f.SignIn("rita", "bad");
        (void)f.SignIn("rita", "Rita-pass-2026");
        (void)f.SignIn("nobody", "x");
        CHECK(f.Must("auth.history", {{"username", "rita"}})["events"].size() == 2);
        CHECK(f.Must("auth.history", {{"result", "success"}})["events"].size() == 1);
        std::string csv = f.Must("auth.history", {{"format", "csv"}})["csv"];
        CHECK(csv.rfind("time,user,result,source\r\n", 0) == 0);
        CHECK(csv.find("\"nobody\",unknown_user,browser") != std::string::npos);
        CHECK(f.Run("auth.history", json::object(), "rita")["error"]["code"] == "access.denied");
    }

    TEST_CASE("the command interface signs in as the user itself, and refuses someone else") {
        AuthFixture f;
        f.Must("auth.reset_password",
               {{"username", "rita"}, {"password", "Rita-pass-2026"}, {"temporary", false}});
        json mine = f.Run("auth.sign_in", {{"username", "rita"}, {"password", "Rita-pass-2026"}}, "rita");
        CHECK(mine["ok"] == true);
        CHECK(mine["result"]["token"].get<std::string>().size() == 64);
        f.Must("auth.reset_password",
               {{"username", "admin"}, {"password", "Admin-pass-2026"}, {"temporary", false}});
        CHECK(f.Run("auth.sign_in", {{"username", "admin"}, {"password", "Admin-pass-2026"}},
                    "rita")["error"]["code"] == "access.denied");
        json out = f.Run("auth.sign_out", {{"token", mine["result"]["token"]}}, "rita");
        CHECK(out["ok"] == true);
    }

    TEST_CASE(
        "a deleted user's password, history and sessions go with it; a renamed one keeps its password") {
        AuthFixture f;
        f.Must("auth.reset_password",
               {{"username", "rita"}, {"password", "Rita-pass-2026"}, {"temporary", false}});
        f.Must("users.update", {{"username", "rita"}, {"new_username", "rita.w"}});
        CHECK(Code(f.SignIn("rita.w", "Rita-pass-2026")) == "ok");
        f.Must("users.delete", {{"username", "rita.w"}});
        Statement s = f.ws->db().Prepare(
            "SELECT (SELECT count(*) FROM auth_password) + (SELECT count(*) FROM auth_session)");
        REQUIRE(s.Step());
        CHECK(s.Int(0) == 0);
    }
    TEST_CASE("View as needs Log In As, refuses inactive users, and is audited both ways") {
        AuthFixture f;
        f.Must("users.create", {{"username", "gone"}, {"full_name", "Gone"}, {"email", "gone@example.com"},
                                {"profile", "Standard User"}});
        f.Must("users.update", {{"username", "gone"}, {"active", false}});
        CHECK(f.Run("auth.view_as", {{"user", "admin"}}, "rita")["error"]["code"] == "access.denied");
        CHECK(f.Run("auth.view_as", {{"user", "rita"}}, "rita")["ok"] == true);  // returning to oneself
        CHECK(f.Run("auth.view_as", {{"user", "gone"}})["error"]["code"] == "auth.view_as_inactive");
        CHECK(f.Run("auth.view_as", {{"user", "nobody"}})["ok"] == false);
        CHECK(f.Must("auth.view_as", {{"user", "rita"}})["viewing_as"] == "rita");
        f.Must("auth.view_as", {{"user", "admin"}});
        const json trail = f.Must("audit.list", {{"area", "security"}});
        std::string seen;
        for (const json& e : trail["entries"])
            if (e.value("action", "") == "view_as") seen += e["new_value"].dump() + ";";
        CHECK(seen.find("started") != std::string::npos);
        CHECK(seen.find("ended") != std::string::npos);
        // Granting the permission through a permission set lets rita view as others.
        f.Must("permsets.create", {{"name", "Viewers"}});
        f.Must("permsets.set_system", {{"name", "Viewers"}, {"permission", "log_in_as"}, {"granted", true}});
        f.Must("users.assign_permset", {{"username", "rita"}, {"permission_set", "Viewers"}});
        CHECK(f.Run("auth.view_as", {{"user", "admin"}}, "rita")["ok"] == true);
    }
}
