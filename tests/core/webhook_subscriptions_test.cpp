// Webhook subscriptions (core/integration/webhooks.h): record events queued inside the save, signed with the
// subscription's secret, shaped by the run-as user's access, delivered through the message outbox.
#include <doctest/doctest.h>

#include "access_fixture.h"
#include "api/command_api.h"
#include "audit/audit_log.h"
#include "audit/change.h"
#include "integration/webhooks.h"
#include "notify/dispatch.h"
#include "outbox_fixture.h"
#include "workflow/automation.h"

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

constexpr const char* kSecret = "a-long-enough-signing-secret";

struct HookFixture : OutboxFixture {
    WebhookService& hooks() { return WebhooksOf(*ws); }
    int64_t Subscribe(json values) {
        if (!values.contains("secret")) values["secret"] = kSecret;
        if (!values.contains("url")) values["url"] = "http://127.0.0.1:9/hook";
        Result<WebhookSubscription> s = hooks().Save("admin", 0, values);
        if (!s.ok()) CAPTURE(s.error().message);
        REQUIRE(s.ok());
        return s->id;
    }
    std::vector<OutboxMessage> Webhooks() {
        OutboxFilter filter;
        filter.channel = "webhook";
        return outbox().List(filter);
    }
};

}  // namespace

TEST_SUITE("webhooks") {
    TEST_CASE("a created record queues one signed event inside its save; a rolled-back save queues none") {
        HookFixture f;
        const int64_t id = f.Subscribe({{"name", "ERP"}, {"object", "Account"}, {"events", {"created"}}});
        {
            ChangeScope change(f.ws->changes(), "admin");
            REQUIRE(f.ws->records().Create("admin", "Account", {{"Name", "Rolled back"}}).ok());
            // no Commit: the save and its event go together
        }
        CHECK(f.Webhooks().empty());
        SaveResult saved = f.ws->records().Create("admin", "Account", {{"Name", "Acme"}});
        REQUIRE(saved.ok());
        std::vector<OutboxMessage> queued = f.Webhooks();
        REQUIRE(queued.size() == 1);
        const OutboxMessage& m = queued[0];
        CHECK(m.source == WebhookService::Source(id));
        CHECK(m.to == "http://127.0.0.1:9/hook");
        CHECK(m.payload["event"] == "record.created");
        CHECK(m.payload["object"] == "Account");
        CHECK(m.payload["record_id"] == saved.id);
        CHECK(m.payload["record"]["Name"] == "Acme");
        CHECK(m.payload["subscription"] == "ERP");
        const std::string event_id = m.payload["event_id"];
        CHECK(event_id.rfind("evt_", 0) == 0);
        CHECK(event_id.size() == 36);
        CHECK(m.idempotency_key == event_id);
        CHECK(m.headers["X-CRM-Signature"] == "sha256=" + HmacSha256Hex(kSecret, m.payload.dump()));
    }

    TEST_CASE("the request the dispatcher sends carries a signature the peer can verify with the secret") {
        HookFixture f;
        f.Subscribe({{"name", "ERP"}, {"object", "Account"}});
        // The channel's own secret must not sign a subscription's message a second time.
        f.SetChannel("webhook", {{"secret", "the-channel-wide-secret"}});
        REQUIRE(f.ws->records().Create("admin", "Account", {{"Name", "Acme"}}).ok());
        DeliverySummary sent = f.delivery().DeliverDue(f.Transports(), kOutboxNow, 10);
        CHECK(sent.sent == 1);
        REQUIRE(f.http.sent.size() == 1);
        Result<HttpRequest> request = BuildHttpRequest(f.http.settings[0], f.http.sent[0]);
        REQUIRE(request.ok());
        int signatures = 0;
        std::string signature, event_header;
        for (const auto& [k, v] : request->headers) {
            if (k == "X-CRM-Signature") {
                ++signatures;
                signature = v;
            }
            if (k == "X-CRM-Event-Id") event_header = v;
        }
        CHECK(signatures == 1);
        CHECK(signature == "sha256=" + HmacSha256Hex(kSecret, request->body));
        const json body = json::parse(request->body);
        CHECK(event_header == body["event_id"]);
    }

    TEST_CASE("an update fires only when a watched field changes, and names the changed fields") {
        HookFixture f;
        f.Subscribe(
            {{"name", "Phones"}, {"object", "Account"}, {"events", {"updated"}}, {"fields", {"Phone"}}});
        SaveResult saved = f.ws->records().Create("admin", "Account", {{"Name", "Acme"}});
        REQUIRE(saved.ok());
        CHECK(f.Webhooks().empty());  // created is not subscribed
        REQUIRE(f.ws->records().Update("admin", "Account", saved.id, {{"Name", "Acme Ltd"}}).ok());
        CHECK(f.Webhooks().empty());  // Name is not watched
        REQUIRE(f.ws->records().Update("admin", "Account", saved.id, {{"Phone", "+86 10 1234 5678"}}).ok());
        std::vector<OutboxMessage> queued = f.Webhooks();
        REQUIRE(queued.size() == 1);
        CHECK(queued[0].payload["event"] == "record.updated");
        CHECK(queued[0].payload["changed_fields"] == json::array({"Phone"}));
        REQUIRE(f.ws->records().Update("admin", "Account", saved.id, {{"Phone", "+86 10 1234 5678"}}).ok());
        CHECK(f.Webhooks().size() == 1);  // nothing changed: nothing sent
    }

    TEST_CASE("a deleted record sends its last values") {
        HookFixture f;
        f.Subscribe({{"name", "Gone"}, {"object", "Account"}, {"events", {"deleted"}}});
        SaveResult saved = f.ws->records().Create("admin", "Account", {{"Name", "Acme"}});
        REQUIRE(saved.ok());
        REQUIRE(f.ws->records().Delete("admin", "Account", saved.id).ok());
        std::vector<OutboxMessage> queued = f.Webhooks();
        REQUIRE(queued.size() == 1);
        CHECK(queued[0].payload["event"] == "record.deleted");
        CHECK(queued[0].payload["record"]["Name"] == "Acme");
    }

    TEST_CASE("a subscription on workflow actions hears the rules that fired, without hidden values") {
        HookFixture f;
        Result<AutomationRule> rule = AutomationRuleFromJson(
            {{"object", "Account"},
             {"name", "Rate it"},
             {"trigger", {{"kind", "on_create"}}},
             {"actions", {{{"kind", "update_field"}, {"field", "Rating"}, {"value", "\"Hot\""}}}}},
            {});
        REQUIRE(rule.ok());
        REQUIRE(f.ws->automation().Create("admin", *rule).ok());
        f.Subscribe(
            {{"name", "Rules"}, {"object", "Account"}, {"events", {"workflow"}}, {"rules", {"rate it"}}});
        REQUIRE(f.ws->records().Create("admin", "Account", {{"Name", "Acme"}}).ok());
        std::vector<OutboxMessage> queued = f.Webhooks();
        REQUIRE(queued.size() == 1);
        const json& p = queued[0].payload;
        CHECK(p["event"] == "workflow.rule_fired");
        CHECK(p["rule"] == "Rate it");
        CHECK(p["trigger"] == "on_create");
        CHECK(p["actions"] == json::array({{{"kind", "update_field"}, {"field", "Rating"}}}));
        CHECK(p["record"]["Rating"] == "Hot");
        // Another rule's firing is not this subscription's business.
        f.Subscribe(
            {{"name", "Other"}, {"object", "Account"}, {"events", {"workflow"}}, {"rules", {"Nope"}}});
        REQUIRE(f.ws->records().Create("admin", "Account", {{"Name", "Beta"}}).ok());
        CHECK(f.Webhooks().size() == 2);
    }

    TEST_CASE("an inactive subscription sends nothing; a new one is heard at once") {
        HookFixture f;
        const int64_t id = f.Subscribe({{"name", "ERP"}, {"object", "Account"}});
        REQUIRE(f.hooks().Save("admin", id, {{"active", false}}).ok());
        REQUIRE(f.ws->records().Create("admin", "Account", {{"Name", "Quiet"}}).ok());
        CHECK(f.Webhooks().empty());
        REQUIRE(f.hooks().Save("admin", id, {{"active", true}}).ok());
        REQUIRE(f.ws->records().Create("admin", "Account", {{"Name", "Heard"}}).ok());
        CHECK(f.Webhooks().size() == 1);
    }

    TEST_CASE("the payload holds only what the run-as user may read") {
        Org org;
        WebhookService& hooks = WebhooksOf(*org.ws);
        REQUIRE(org.a()
                    .SetFieldPermissions("admin", PermissionSetKind::Profile, "Sales", "Opportunity",
                                         "NextStep", 0)
                    .ok());
        Result<WebhookSubscription> sub = hooks.Save("admin", 0,
                                                     {{"name", "Deals"},
                                                      {"object", "Opportunity"},
                                                      {"events", {"created", "updated"}},
                                                      {"url", "https://erp.example.com/deals"},
                                                      {"run_as", "rep"},
                                                      {"secret", kSecret}});
        REQUIRE(sub.ok());
        // A field the run-as user cannot read cannot be watched.
        Result<WebhookSubscription> watched = hooks.Save("admin", sub->id, {{"fields", {"NextStep"}}});
        REQUIRE_FALSE(watched.ok());
        CHECK(watched.error().field == "fields");
        auto queued = [&] {
            OutboxFilter filter;
            filter.channel = "webhook";
            return org.ws->delivery().outbox().List(filter);
        };
        org.Deal("mgr");  // above rep: rep cannot see it, so nothing goes
        CHECK(queued().empty());
        const int64_t mine = org.Deal("rep", 5000);
        std::vector<OutboxMessage> q = queued();
        REQUIRE(q.size() == 1);
        CHECK(q[0].payload["record"]["Name"] == "Deal");
        CHECK(q[0].payload["record"].contains("Amount"));
        CHECK_FALSE(q[0].payload["record"].contains("NextStep"));
        // A change of the hidden field alone is not even announced.
        REQUIRE(org.ws->records().Update("admin", "Opportunity", mine, {{"NextStep", "Call the CFO"}}).ok());
        CHECK(queued().size() == 1);
        REQUIRE(org.ws->records()
                    .Update("admin", "Opportunity", mine, {{"Name", "Bigger deal"}, {"NextStep", "Sign"}})
                    .ok());
        q = queued();
        REQUIRE(q.size() == 2);
        CHECK(q[0].payload["changed_fields"] == json::array({"Name"}));
        CHECK_FALSE(q[0].payload["record"].contains("NextStep"));
    }

    TEST_CASE("the secret is never answered nor audited") {
        HookFixture f;
        CommandApi api(*f.ws);
        json saved = json::parse(api.Execute(json{
            {"cmd", "webhooks.save"},
            {"args",
             {{"values",
               {{"name", "ERP"},
                {"object", "Account"},
                {"url", "https://erp.example.com/x"},
                {"secret", kSecret}}}}}}.dump()));
        REQUIRE(saved["ok"] == true);
        const int64_t id = saved["result"]["webhook"]["id"];
        CHECK(saved["result"]["webhook"]["secret_set"] == true);
        json changed = json::parse(
            api.Execute(json{{"cmd", "webhooks.save"},
                             {"args", {{"id", id}, {"values", {{"secret", "another-secret-of-length"}}}}}}
                            .dump()));
        REQUIRE(changed["ok"] == true);
        for (const json& request : {json{{"cmd", "webhooks.list"}, {"args", json::object()}},
                                    json{{"cmd", "webhooks.get"}, {"args", {{"id", id}}}}}) {
            const std::string answer = api.Execute(request.dump());
            CHECK(answer.find(kSecret) == std::string::npos);
            CHECK(answer.find("another-secret") == std::string::npos);
            CHECK(answer.find("\"secret_set\":true") != std::string::npos);
        }
        AuditQuery q;
        q.area = "integration";
        Result<AuditPage> page = f.ws->audit().List(q);
        REQUIRE(page.ok());
        REQUIRE(page->entries.size() == 2);
        for (const AuditEntry& e : page->entries) {
            CHECK(e.old_value.dump().find("secret-") == std::string::npos);
            CHECK(e.new_value.dump().find("secret-") == std::string::npos);
            CHECK(e.new_value.dump().find(kSecret) == std::string::npos);
        }
        CHECK(page->entries[0].new_value["secret_changed"] == true);
    }

    TEST_CASE("bad subscriptions are refused with the key at fault") {
        HookFixture f;
        struct Case {
            json values;
            const char* field;
        };
        const Case cases[] = {
            {{{"name", ""}, {"object", "Account"}}, "name"},
            {{{"name", "x"}, {"object", "Nope__c"}}, "object"},
            {{{"name", "x"}, {"object", "Account"}, {"url", "ftp://erp.example.com"}}, "url"},
            {{{"name", "x"}, {"object", "Account"}, {"events", {"renamed"}}}, "events"},
            {{{"name", "x"}, {"object", "Account"}, {"events", json::array()}}, "events"},
            {{{"name", "x"}, {"object", "Account"}, {"fields", {"NoSuchField"}}}, "fields"},
            {{{"name", "x"}, {"object", "Account"}, {"secret", "short"}}, "secret"},
            {{{"name", "x"}, {"object", "Account"}, {"run_as", "nobody"}}, "run_as"},
            {{{"name", "x"}, {"object", "Account"}, {"colour", "red"}}, "colour"},
        };
        for (const Case& c : cases) {
            json values = c.values;
            if (!values.contains("secret")) values["secret"] = kSecret;
            if (!values.contains("url")) values["url"] = "https://erp.example.com/x";
            CAPTURE(values.dump());
            Result<WebhookSubscription> r = f.hooks().Save("admin", 0, values);
            REQUIRE_FALSE(r.ok());
            CHECK(r.error().field == c.field);
        }
        f.Subscribe({{"name", "ERP"}, {"object", "Account"}});
        Result<WebhookSubscription> dup = f.hooks().Save(
            "admin", 0,
            {{"name", "erp"}, {"object", "Account"}, {"url", "https://x.example.com"}, {"secret", kSecret}});
        REQUIRE_FALSE(dup.ok());
        CHECK(dup.error().field == "name");
        CHECK(f.hooks().List("admin")->size() == 1);
    }

    TEST_CASE("managing subscriptions needs Manage Integrations") {
        Org org;
        Result<WebhookSubscription> r = WebhooksOf(*org.ws).Save("rep", 0,
                                                                 {{"name", "x"},
                                                                  {"object", "Account"},
                                                                  {"url", "https://erp.example.com/x"},
                                                                  {"secret", kSecret}});
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == "access.denied");
        CHECK_FALSE(WebhooksOf(*org.ws).List("rep").ok());
    }

    TEST_CASE("send test queues a signed test event; deliveries show every try") {
        HookFixture f;
        const int64_t id = f.Subscribe({{"name", "ERP"}, {"object", "Account"}});
        Result<int64_t> message = f.hooks().Test("admin", id);
        REQUIRE(message.ok());
        f.http.script.push_back(Refused(500, "HTTP 500"));
        CHECK(f.delivery().DeliverDue(f.Transports(), kOutboxNow, 10).failed == 1);
        Result<std::vector<WebhookDelivery>> log = f.hooks().Deliveries("admin", id, "", 10);
        REQUIRE(log.ok());
        REQUIRE(log->size() == 1);
        CHECK((*log)[0].message.id == *message);
        CHECK((*log)[0].message.payload["event"] == "webhook.test");
        CHECK((*log)[0].message.state == "failed");
        REQUIRE((*log)[0].attempts.size() == 1);
        CHECK((*log)[0].attempts[0].status == 500);
        REQUIRE(f.hooks().Delete("admin", id).ok());
        CHECK_FALSE(f.hooks().Get("admin", id).ok());
    }
}
