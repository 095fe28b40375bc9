// The message outbox: queued inside the caller's transaction, idempotent, automation's webhooks in it.
#include <sys/stat.h>

#include "outbox_fixture.h"

using namespace crm;
using namespace crm::test;
using nlohmann::json;

TEST_SUITE("notify.outbox") {
    TEST_CASE("a message queued in a change that rolls back is not queued at all") {
        OutboxFixture f;
        {
            ChangeScope change(f.ws->changes(), "admin");
            REQUIRE(change.begin_status().ok());
            REQUIRE(f.outbox().Enqueue(change, OutboxFixture::Sms("k1")).ok());
            // no Commit: the scope rolls back
        }
        CHECK(f.outbox().List({}).empty());
        const int64_t id = f.Enqueue(OutboxFixture::Sms("k1"));
        CHECK(f.Get(id).state == "queued");
        CHECK(f.outbox().Count("queued") == 1);
    }

    TEST_CASE("a second Enqueue with the same idempotency key answers the first message and adds nothing") {
        OutboxFixture f;
        const int64_t first = f.Enqueue(OutboxFixture::Sms("same-key"));
        QueuedMessage again = OutboxFixture::Sms("same-key");
        again.text = "a different text";
        CHECK(f.Enqueue(again) == first);
        CHECK(f.outbox().List({}).size() == 1);
        CHECK(f.Get(first).text == "Your deal closes tomorrow");
        // Messages without a key are all kept.
        QueuedMessage a = OutboxFixture::Sms(""), b = OutboxFixture::Sms("");
        CHECK(f.Enqueue(a) != f.Enqueue(b));
    }

    TEST_CASE("a bad channel or a missing address is refused with the field") {
        OutboxFixture f;
        ChangeScope change(f.ws->changes(), "admin");
        QueuedMessage m = OutboxFixture::Sms("x");
        m.channel = "pigeon";
        Result<int64_t> r = f.outbox().Enqueue(change, m);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == "notify.bad_channel");
        m = OutboxFixture::Sms("y", "");
        r = f.outbox().Enqueue(change, m);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().field == "to");
    }

    TEST_CASE("list filters by state, channel and recipient") {
        OutboxFixture f;
        f.Enqueue(OutboxFixture::Sms("s1"));
        f.Enqueue(OutboxFixture::Email("e1"));
        OutboxFilter filter;
        filter.channel = "email";
        REQUIRE(f.outbox().List(filter).size() == 1);
        CHECK(f.outbox().List(filter)[0].to == "ann@example.com");
        filter = {};
        filter.recipient = "ann";
        CHECK(f.outbox().List(filter).size() == 1);
        filter = {};
        filter.state = "sent";
        CHECK(f.outbox().List(filter).empty());
    }

    TEST_CASE("automation's webhook action queues a webhook message in the same outbox") {
        OutboxFixture f;
        Result<AutomationRule> rule = AutomationRuleFromJson(
            {{"object", "Account"},
             {"name", "Tell the ERP"},
             {"trigger", {{"kind", "on_create"}}},
             {"actions",
              {{{"kind", "webhook"}, {"url", "https://erp.example.com/hook"}, {"method", "PUT"}}}}},
            {});
        REQUIRE(rule.ok());
        REQUIRE(f.ws->automation().Create("admin", *rule).ok());
        REQUIRE(f.ws->records().Create("admin", "Account", {{"Name", "Acme"}}).ok());
        std::vector<OutboxMessage> all = f.outbox().List({});
        REQUIRE(all.size() == 1);
        CHECK(all[0].channel == "webhook");
        CHECK(all[0].to == "https://erp.example.com/hook");
        CHECK(all[0].method == "PUT");
        CHECK(all[0].payload["record"]["Name"] == "Acme");
        CHECK(all[0].source.rfind("automation rule ", 0) == 0);
        // Delivered like any other message, with its method.
        DeliverySummary s = f.delivery().DeliverDue(f.Transports(), f.clock.NowMs(), 10);
        CHECK(s.sent == 1);
        REQUIRE(f.http.settings.size() == 1);
        CHECK(f.http.settings[0]["method"] == "PUT");
        Result<HttpRequest> req = BuildHttpRequest(f.http.settings[0], f.http.sent[0]);
        REQUIRE(req.ok());
        CHECK(req->method == "PUT");
        CHECK(json::parse(req->body)["record"]["Name"] == "Acme");
    }
}

TEST_SUITE("notify.outbox") {
    TEST_CASE("webhooks queued before the message outbox existed are moved into it, states kept") {
        const std::string path = "crm_test_tmp/outbox_mig_v16.db";
        mkdir("crm_test_tmp", 0755);
        std::remove(path.c_str());
        std::remove((path + "-journal").c_str());
        {
            auto db = Database::Open(path);
            REQUIRE(db.ok());
            std::vector<Migration> before = Workspace::Migrations();
            while (!before.empty() && before.back().version > 16) before.pop_back();
            REQUIRE(ApplyMigrations(**db, before).ok());
            REQUIRE(
                (*db)
                    ->Exec(
                        "INSERT INTO webhook_outbox(created_ms, rule_id, url, method, payload, state, "
                        "attempts) "
                        "VALUES (1795712000000, 3, 'https://erp.example.com/a', 'POST', '{\"id\":1}', "
                        "'queued', "
                        "0), (1795712000001, 4, 'https://erp.example.com/b', 'PUT', '{\"id\":2}', 'sent', 1)")
                    .ok());
        }
        FixedClock clock(kOutboxNow);
        WorkspaceOptions o;
        o.clock = &clock;
        auto ws = Workspace::Open(path, o);
        REQUIRE(ws.ok());
        std::vector<OutboxItem> items = (*ws)->automation().outbox().List("");
        REQUIRE(items.size() == 2);
        CHECK(items[0].rule_id == 3);
        CHECK(items[0].state == "queued");
        CHECK(items[0].payload["id"] == 1);
        CHECK(items[1].method == "PUT");
        CHECK(items[1].state == "sent");
        CHECK((*ws)->delivery().outbox().Count("queued") == 1);
        // The administrator (and every set that could manage workflows) manages notifications.
        CHECK((*ws)->access().Require("admin", SystemPermission::ManageNotifications).ok());
    }
}
