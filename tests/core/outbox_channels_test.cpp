// The channels' settings: checked when saved (the error names the field), secrets never answered by a
// command nor written to the audit trail, phone numbers checked as E.164, behind Manage Notifications.
#include "api/command_api.h"
#include "outbox_fixture.h"

using namespace crm;
using namespace crm::test;
using nlohmann::json;

TEST_SUITE("notify.channels") {
    TEST_CASE("bad settings are refused with the field that is wrong") {
        OutboxFixture f;
        ChannelService& c = f.ws->delivery().channels();
        struct Case {
            const char* channel;
            json patch;
            const char* field;
        };
        const Case cases[] = {
            {"email", {{"port", 0}}, "port"},
            {"email", {{"port", 70000}}, "port"},
            {"email", {{"port", "25"}}, "port"},
            {"email", {{"host", ""}}, "host"},
            {"email", {{"host", "smtp example"}}, "host"},
            {"email", {{"security", "ssl3"}}, "security"},
            {"email", {{"from", "nobody"}}, "from"},
            {"email", {{"mode", "relay"}}, "relay_url"},
            {"email", {{"mode", "relay"}, {"relay_url", "ftp://relay.example.com"}}, "relay_url"},
            {"email", {{"colour", "blue"}}, "colour"},
            {"email", {{"timeout_ms", 5}}, "timeout_ms"},
            {"email", {{"ca_file", "certs/ca.pem"}}, "ca_file"},  // a path must be absolute
            {"email", {{"ca_file", 5}}, "ca_file"},
            {"sms", {{"url", "sms.example.com/send"}}, "url"},
            {"sms", {{"from", "13800138000"}}, "from"},
            {"sms", {{"max_tries", 0}}, "max_tries"},
            {"webhook", {{"max_tries", 51}}, "max_tries"},
        };
        for (const Case& k : cases) {
            CAPTURE(k.patch.dump());
            Result<json> r = c.Set("admin", k.channel, k.patch);
            REQUIRE_FALSE(r.ok());
            CHECK(r.error().field == k.field);
            CHECK_FALSE(r.error().message.empty());
        }
        CHECK(c.Set("admin", "fax", json::object()).error().code == "notify.bad_channel");
        // A good one goes in; the relay may be set while SMTP stays the mode.
        REQUIRE(c.Set("admin", "email",
                      {{"host", "smtp.example.com"},
                       {"port", 587},
                       {"security", "starttls"},
                       {"from", "crm@example.com"},
                       {"relay_url", "https://relay.example.com/v1/send"}})
                    .ok());
        CHECK(c.Settings("email")["port"] == 587);
        CHECK(c.Settings("email")["ca_file"] == "");  // the system's trusted certificates
        REQUIRE(c.Set("admin", "email", {{"ca_file", "/etc/crm/smtp-ca.pem"}}).ok());
        CHECK(c.Get("admin", "email").value()["ca_file"] == "/etc/crm/smtp-ca.pem");
    }

    TEST_CASE("secrets are shown as set or not set, kept when not given, and never in the audit trail") {
        OutboxFixture f;
        CommandApi api(*f.ws);
        json r = api.Execute(json{
            {"cmd", "notify.channels.set"},
            {"args",
             {{"channel", "email"},
              {"settings", {{"user", "crm"}, {"password", "PW-SENTINEL"}, {"relay_key", "KEY-SENTINEL"}}}}}});
        REQUIRE(r["ok"] == true);
        CHECK(r["result"]["settings"]["password_set"] == true);
        CHECK(r["result"]["settings"]["relay_key_set"] == true);
        REQUIRE(api.Execute(json{{"cmd", "notify.channels.set"},
                                 {"args",
                                  {{"channel", "sms"},
                                   {"settings", {{"auth_header", "Basic AUTH-SENTINEL"}}}}}})["ok"] == true);
        REQUIRE(api.Execute(json{
                    {"cmd", "notify.channels.set"},
                    {"args", {{"channel", "webhook"}, {"settings", {{"secret", "HMAC-SENTINEL"}}}}}})["ok"] ==
                true);
        // Another change keeps the password.
        REQUIRE(api.Execute(json{{"cmd", "notify.channels.set"},
                                 {"args",
                                  {{"channel", "email"},
                                   {"settings", {{"port", 465}, {"security", "tls"}}}}}})["ok"] == true);
        CHECK(f.ws->delivery().channels().Settings("email")["password"] == "PW-SENTINEL");
        const std::string answers =
            api.Execute(json{{"cmd", "notify.channels.list"}}).dump() +
            api.Execute(json{{"cmd", "notify.channels.get"}, {"args", {{"channel", "email"}}}}).dump() +
            api.Execute(json{{"cmd", "notify.channels.get"}, {"args", {{"channel", "sms"}}}}).dump() +
            api.Execute(json{{"cmd", "audit.list"}, {"args", {{"area", "notify"}}}}).dump() +
            api.Execute(json{{"cmd", "audit.list"}}).dump();
        CHECK(answers.find("SENTINEL") == std::string::npos);
        CHECK(answers.find("password_set") != std::string::npos);
        Statement st = f.ws->db().Prepare(
            "SELECT count(*) FROM audit_log WHERE coalesce(old_value, '') || "
            "coalesce(new_value, '') LIKE '%SENTINEL%'");
        REQUIRE(st.Step());
        CHECK(st.Int(0) == 0);
        Statement audited = f.ws->db().Prepare("SELECT count(*) FROM audit_log WHERE area = 'notify'");
        REQUIRE(audited.Step());
        CHECK(audited.Int(0) == 4);
        // "" clears a secret.
        REQUIRE(f.ws->delivery().channels().Set("admin", "email", {{"password", ""}}).ok());
        CHECK(f.ws->delivery().channels().Get("admin", "email")->at("password_set") == false);
    }

    TEST_CASE("E.164 phone numbers and email addresses") {
        for (const char* good : {"+8613800138000", "+14155552671", "+44 20"}) {
            CAPTURE(good);
            CHECK(IsE164(good) == (std::string(good).find(' ') == std::string::npos));
        }
        for (const char* bad : {"8613800138000", "+0123", "+1", "+1234567890123456", "+86-138", ""}) {
            CAPTURE(bad);
            CHECK_FALSE(IsE164(bad));
        }
        CHECK(IsEmailAddress("ann@example.com"));
        CHECK_FALSE(IsEmailAddress("ann@example"));
        CHECK_FALSE(IsEmailAddress("a b@example.com"));
        CHECK_FALSE(IsEmailAddress("@example.com"));
    }

    TEST_CASE("the outbox commands: test queues where no transport exists, claim answers ready requests") {
        OutboxFixture f;
        CommandApi api(*f.ws);
        json bad =
            api.Execute(json{{"cmd", "notify.channels.test"}, {"args", {{"channel", "sms"}, {"to", "138"}}}});
        CHECK(bad["ok"] == false);
        CHECK(bad["error"]["field"] == "to");
        REQUIRE(api.Execute(json{
                    {"cmd", "notify.channels.set"},
                    {"args",
                     {{"channel", "sms"},
                      {"settings",
                       {{"url", "https://sms.example.com/send"}, {"auth_header", "Bearer k"}}}}}})["ok"] ==
                true);
        json queued = api.Execute(
            json{{"cmd", "notify.channels.test"}, {"args", {{"channel", "sms"}, {"to", "+8613800138000"}}}});
        REQUIRE(queued["ok"] == true);
        const int64_t id = queued["result"]["queued"];
        json claim = api.Execute(json{{"cmd", "notify.outbox.claim"}});
        REQUIRE(claim["ok"] == true);
        REQUIRE(claim["result"]["messages"].size() == 1);
        const json& request = claim["result"]["messages"][0]["request"];
        CHECK(request["url"] == "https://sms.example.com/send");
        CHECK(request["method"] == "POST");
        CHECK(json::parse(request["body"].get<std::string>())["to"] == "+8613800138000");
        CHECK_FALSE(claim["result"]["messages"][0].contains("settings"));
        json done = api.Execute(
            json{{"cmd", "notify.outbox.complete"},
                 {"args", {{"id", id}, {"sent", false}, {"status", 500}, {"reason", "HTTP 500"}}}});
        REQUIRE(done["ok"] == true);
        CHECK(done["result"]["state"] == "failed");
        json got = api.Execute(json{{"cmd", "notify.outbox.get"}, {"args", {{"id", id}}}});
        REQUIRE(got["result"]["log"].size() == 1);
        CHECK(got["result"]["log"][0]["reason"] == "HTTP 500");
        json list = api.Execute(json{{"cmd", "notify.outbox.list"}, {"args", {{"state", "failed"}}}});
        CHECK(list["result"]["messages"].size() == 1);
        CHECK(list["result"]["counts"]["failed"] == 1);
        REQUIRE(api.Execute(json{{"cmd", "notify.outbox.retry"}, {"args", {{"id", id}}}})["ok"] == true);
        CHECK(f.Get(id).state == "queued");
    }
}
