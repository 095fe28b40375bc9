// ERP connectors (core/integration/connector.h) against a scripted ERP (erp_fake.h): mapping and
// transforms, paging and the cursor, a failing row and its retry, the push, each conflict policy.
#include <doctest/doctest.h>

#include "api/command_api.h"
#include "audit/audit_log.h"
#include "audit/change.h"
#include "erp_fixture.h"
#include "integration/connector.h"
#include "integration/connector_internal.h"
#include "outbox_fixture.h"
#include "schema/schema.h"
#include "workflow/automation.h"
#include "workflow/scheduler.h"

using namespace crm;
using namespace crm::test;
using nlohmann::json;

TEST_SUITE("connectors") {
    TEST_CASE(
        "a pull maps and transforms each row, pages through, and moves the cursor to the newest change") {
        ErpFixture f;
        for (int i = 1; i <= 5; ++i)
            f.erp.Put("customers", {{"id", "C" + std::to_string(i)},
                                    {"name", "  Customer " + std::to_string(i) + " "},
                                    {"phone", "+86 10 5555 000" + std::to_string(i)},
                                    {"staff", i}});
        const int64_t id = f.Connect("in", "erp_wins", 2);
        SyncRun run = f.Run(id);
        CHECK(run.state == "ok");
        CHECK(run.pages == 3);
        CHECK(run.pulled == 5);
        CHECK(run.created == 5);
        json acme = f.Account("C3");
        REQUIRE(acme.is_object());
        CHECK(acme["Name"] == "Customer 3");
        CHECK(acme["Phone"] == "+86 10 5555 0003");
        CHECK(acme["NumberOfEmployees"] == 30);
        // The requests: GETs with paging, the key in its header.
        REQUIRE(f.erp.requests.size() == 3);
        CHECK(f.erp.requests[0].url == "https://erp.test/api/customers?updated_since=&page=1&page_size=2");
        CHECK(f.erp.requests[2].url.find("page=3") != std::string::npos);
        bool keyed = false;
        for (const auto& [k, v] : f.erp.requests[0].headers)
            keyed |= k == "X-Api-Key" && v == "the-erp-key-123";
        CHECK(keyed);
        Result<Connector> c = f.connectors().Get("admin", id);
        REQUIRE(c.ok());
        const std::string cursor = std::to_string(f.erp.now_ms);
        CHECK(c->entities[0].pull_cursor == cursor);
        // Next run asks from the cursor: the newest row again (inclusive), seen as unchanged.
        f.erp.requests.clear();
        run = f.Run(id);
        CHECK(f.erp.requests[0].url.find("updated_since=" + cursor) != std::string::npos);
        CHECK(run.pulled == 1);
        CHECK(run.unchanged == 1);
        CHECK(run.created + run.updated == 0);
        // An ERP change comes through as an update of the same record.
        f.erp.Put("customers", {{"id", "C1"}, {"name", "Renamed"}});
        run = f.Run(id);
        CHECK(run.updated == 1);
        CHECK(f.Account("C1")["Name"] == "Renamed");
    }

    TEST_CASE("a row that fails is logged with its error, the run goes on, and a retry takes it later") {
        ErpFixture f;
        f.erp.Put("customers", {{"id", "C1"}, {"name", "Good"}});
        f.erp.Put("customers", {{"id", "C2"}, {"name", ""}});  // Name is required
        f.erp.Put("customers",
                  {{"id", "C3"}, {"name", "Also good"}, {"staff", "many"}});  // VALUE * 10 on text
        f.erp.Put("customers", {{"id", "C4"}, {"name", "Fine"}});
        const int64_t id = f.Connect();
        SyncRun run = f.Run(id);
        CHECK(run.state == "partial");
        CHECK(run.created == 2);
        CHECK(run.failed == 2);
        Result<std::vector<SyncError>> errors = f.connectors().Errors("admin", id, true, 10);
        REQUIRE(errors.ok());
        REQUIRE(errors->size() == 2);
        CHECK(errors->at(1).external_id == "C2");
        CHECK(errors->at(1).message.find("Name") != std::string::npos);
        CHECK(errors->at(0).external_id == "C3");
        CHECK(errors->at(0).direction == "pull");
        // The cursor moved past the page all the same.
        CHECK(f.connectors().Get("admin", id)->entities[0].pull_cursor == std::to_string(f.erp.now_ms));
        // The mapping is mended; the retry of C2 goes through with it.
        json entity = ErpFixture::Customers("in", "erp_wins");
        entity["fields"][0]["transform"] = "BLANKVALUE(TRIM(VALUE), \"Unnamed\")";
        REQUIRE(f.connectors().Save("admin", id, {{"entities", {entity}}}).ok());
        Result<SyncError> retried = f.connectors().Retry("admin", errors->at(1).id);
        REQUIRE(retried.ok());
        CHECK(f.Account("C2")["Name"] == "Unnamed");
        CHECK(f.connectors().Errors("admin", id, true, 10)->size() == 1);
        CHECK_FALSE(f.connectors().Retry("admin", errors->at(0).id).ok());  // still text where a number goes
    }

    TEST_CASE(
        "a page the ERP cannot give stops the run and keeps the cursor where the last whole page left it") {
        ErpFixture f;
        for (int i = 1; i <= 4; ++i) f.erp.Put("customers", {{"id", "C" + std::to_string(i)}, {"name", "N"}});
        const int64_t id = f.Connect("in", "erp_wins", 2);
        const std::string after_page_1 = std::to_string(f.erp.now_ms - 2000);
        // Page 1 is answered, page 2 fails.
        struct OneThenFail : ErpClient {
            FakeErp& erp;
            int calls = 0;
            explicit OneThenFail(FakeErp& e) : erp(e) {}
            ErpResponse Exchange(const HttpRequest& r) override {
                if (++calls == 2) return {503, "busy", ""};
                return erp.Exchange(r);
            }
        } flaky(f.erp);
        f.connectors().SetClient(&flaky);
        SyncRun run = f.Run(id);
        CHECK(run.state == "failed");
        CHECK(run.error.find("503") != std::string::npos);
        CHECK(run.created == 2);
        CHECK(f.connectors().Get("admin", id)->entities[0].pull_cursor == after_page_1);
        f.connectors().SetClient(&f.erp);
        run = f.Run(id);
        CHECK(run.state == "ok");
        CHECK(run.created == 2);
        CHECK(run.unchanged == 1);
        Result<std::vector<SyncRun>> runs = f.connectors().Runs("admin", id, 10);
        REQUIRE(runs->size() == 2);
        CHECK(runs->at(1).state == "failed");
    }

    TEST_CASE(
        "a push posts new CRM records, keeps the ERP's id, and puts changed ones without echoing back") {
        ErpFixture f;
        const int64_t id = f.Connect("both", "newest_wins");
        f.Batch(id, 1, "both", "newest_wins");  // one request a record
        SaveResult acme = f.ws->records().Create("admin", "Account", {{"Name", "Acme"}, {"Phone", "123"}});
        REQUIRE(acme.ok());
        f.clock.Advance(1000);
        SyncRun run = f.Run(id);
        CHECK(run.pushed == 1);
        CHECK(f.erp.Count("POST") == 1);
        json row = f.erp.Row("customers", "N1");
        REQUIRE(row.is_object());
        CHECK(row["name"] == "Acme");
        CHECK(row["phone"] == "123");
        CHECK(f.ws->records().Get("admin", "Account", acme.id)->at("ERP_Id__c") == "N1");
        // Nothing changed: the next run neither pushes nor writes what it pulls back.
        f.clock.Advance(1000);
        run = f.Run(id);
        CHECK(run.pushed == 0);
        CHECK(run.updated == 0);
        // A CRM change goes out as a PUT.
        REQUIRE(f.ws->records().Update("admin", "Account", acme.id, {{"Phone", "456"}}).ok());
        f.clock.Advance(1000);
        run = f.Run(id);
        CHECK(run.pushed == 1);
        CHECK(run.conflicts == 0);
        CHECK(f.erp.Count("PUT") == 1);
        CHECK(f.erp.Row("customers", "N1")["phone"] == "456");
    }

    TEST_CASE("a record changed on both sides is decided by the entity's conflict policy") {
        struct Case {
            const char* policy;
            bool erp_later;         // the ERP's change is newer than the CRM's
            const char* crm_after;  // the CRM record's name after the run
            const char* erp_after;  // the ERP row's name after the run
            int held;
        };
        const Case cases[] = {
            {"crm_wins", true, "CRM edit", "CRM edit", 0},
            {"erp_wins", false, "ERP edit", "ERP edit", 0},
            {"newest_wins", true, "ERP edit", "ERP edit", 0},
            {"newest_wins", false, "CRM edit", "CRM edit", 0},
            {"hold", true, "CRM edit", "ERP edit", 1},
        };
        for (const Case& c : cases) {
            CAPTURE(c.policy);
            CAPTURE(c.erp_later);
            ErpFixture f;
            f.erp.now_ms = kOutboxNow;
            f.erp.Put("customers", {{"id", "C1"}, {"name", "Original"}});
            const int64_t id = f.Connect("both", c.policy);
            f.clock.Advance(10000);
            REQUIRE(f.Run(id).created == 1);
            const int64_t record = f.Account("C1")["Id"];
            // Both sides change, in the order the case asks.
            f.clock.Advance(10000);
            f.erp.now_ms = f.clock.NowMs() + (c.erp_later ? 5000 : -5000);
            f.erp.Put("customers", {{"id", "C1"}, {"name", "ERP edit"}});
            REQUIRE(f.ws->records().Update("admin", "Account", record, {{"Name", "CRM edit"}}).ok());
            f.clock.Advance(10000);
            SyncRun run = f.Run(id);
            CHECK(run.conflicts == 1);
            CHECK(run.held == c.held);
            CHECK(f.Account("C1")["Name"] == c.crm_after);
            CHECK(f.erp.Row("customers", "C1")["name"] == c.erp_after);
            // The next run is quiet: nothing moves either way.
            const size_t writes = static_cast<size_t>(f.erp.Count("PUT") + f.erp.Count("POST"));
            f.clock.Advance(10000);
            run = f.Run(id);
            CHECK(run.updated == 0);
            CHECK(run.pushed == 0);
            CHECK(run.push_requests == 0);
            CHECK(static_cast<size_t>(f.erp.Count("PUT") + f.erp.Count("POST")) == writes);
            if (c.held) {
                Result<json> open = f.connectors().Conflicts("admin", id, "open");
                REQUIRE(open.ok());
                REQUIRE(open->size() == 1);
                CHECK((*open)[0]["erp"]["Name"] == "ERP edit");
                CHECK((*open)[0]["crm"]["Name"] == "CRM edit");
                CHECK_FALSE(f.connectors().Resolve("admin", (*open)[0]["id"], "neither").ok());
                REQUIRE(f.connectors().Resolve("admin", (*open)[0]["id"], "erp").ok());
                CHECK(f.Account("C1")["Name"] == "ERP edit");
                CHECK(f.connectors().Conflicts("admin", id, "open")->empty());
                f.clock.Advance(10000);
                run = f.Run(id);
                CHECK(run.pushed == 0);
                CHECK(run.updated == 0);
            }
        }
    }

    TEST_CASE("resolving a held conflict for the CRM sends the record's values to the ERP") {
        ErpFixture f;
        f.erp.now_ms = kOutboxNow;
        f.erp.Put("customers", {{"id", "C1"}, {"name", "Original"}});
        const int64_t id = f.Connect("both", "hold");
        f.clock.Advance(10000);
        f.Run(id);
        f.clock.Advance(10000);
        f.erp.Put("customers", {{"id", "C1"}, {"name", "ERP edit"}});
        REQUIRE(
            f.ws->records().Update("admin", "Account", f.Account("C1")["Id"], {{"Name", "CRM edit"}}).ok());
        f.clock.Advance(10000);
        CHECK(f.Run(id).held == 1);
        json open = *f.connectors().Conflicts("admin", id, "open");
        REQUIRE(f.connectors().Resolve("admin", open[0]["id"], "crm").ok());
        CHECK(f.erp.Row("customers", "C1")["name"] == "CRM edit");
        CHECK(f.Account("C1")["Name"] == "CRM edit");
    }

    TEST_CASE("the key never comes back: answers say secret_set, the audit entry leaves it out, basic auth") {
        ErpFixture f;
        const int64_t id = f.Connect();
        Result<Connector> c = f.connectors().Get("admin", id);
        REQUIRE(c.ok());
        CHECK(c->secret_set);
        CHECK(ToJson(*c).dump().find("the-erp-key-123") == std::string::npos);
        CommandApi api(*f.ws);
        json audit = api.Execute({{"cmd", "audit.list"}, {"args", {{"area", "integration"}}}});
        REQUIRE(audit["ok"] == true);
        CHECK(audit.dump().find("the-erp-key-123") == std::string::npos);
        CHECK(audit.dump().find("connector.ERP") != std::string::npos);
        REQUIRE(f.connectors()
                    .Save("admin", id, {{"auth", "basic"}, {"auth_user", "crm"}, {"secret", "pa:ss"}})
                    .ok());
        f.Run(id);
        bool basic = false;
        for (const auto& [k, v] : f.erp.requests.back().headers)
            basic |= k == "Authorization" && v == "Basic Y3JtOnBhOnNz";
        CHECK(basic);
    }

    TEST_CASE("rows are written as the run-as user: what their access refuses is logged, not written") {
        ErpFixture f;
        CommandApi api(*f.ws);
        for (const json& request : {
                 json{{"cmd", "profiles.create"}, {"args", {{"name", "ERP reader"}}}},
                 json{{"cmd", "profiles.set_object"},
                      {"args", {{"name", "ERP reader"}, {"object", "Account"}, {"permissions", {"read"}}}}},
                 json{{"cmd", "users.create"},
                      {"args",
                       {{"username", "erp"},
                        {"full_name", "ERP"},
                        {"email", "erp@example.com"},
                        {"profile", "ERP reader"}}}},
             }) {
            json r = api.Execute(request);
            CAPTURE(r.dump());
            REQUIRE(r["ok"] == true);
        }
        f.erp.Put("customers", {{"id", "C1"}, {"name", "Acme"}});
        const int64_t id = f.Connect();
        REQUIRE(f.connectors().Save("admin", id, {{"run_as", "erp"}}).ok());
        SyncRun run = f.Run(id);
        CHECK(run.failed == 1);
        CHECK(run.created == 0);
        CHECK(f.Account("C1").is_null());
        Result<std::vector<SyncError>> errors = f.connectors().Errors("admin", id, true, 10);
        REQUIRE(errors->size() == 1);
        CHECK(errors->at(0).code == "records.no_access");
    }

    TEST_CASE("bad settings are refused with the key of the problem") {
        ErpFixture f;
        json entity = ErpFixture::Customers("sideways", "hold");
        auto save = [&](const json& values) { return f.connectors().Save("admin", 0, values); };
        json good = {{"name", "X"}, {"base_url", "https://erp.example.com"}, {"entities", json::array()}};
        CHECK(save(good).ok());
        good["name"] = "Y";
        struct Bad {
            json values;
            const char* field;
        };
        json bad_transform = ErpFixture::Customers("in", "hold");
        bad_transform["fields"][0]["transform"] = "UPPER(";
        json bad_field = ErpFixture::Customers("in", "hold");
        bad_field["fields"][1]["crm"] = "Nope__c";
        json bad_batch = ErpFixture::Customers("in", "hold");
        bad_batch["batch_size"] = 0;
        const Bad cases[] = {
            {{{"base_url", "ftp://erp"}}, "base_url"},
            {{{"auth", "api_key"}, {"auth_header", "X-Key"}}, "secret"},
            {{{"auth", "token"}}, "auth"},
            {{{"entities", {entity}}}, "entities[0].direction"},
            {{{"entities", {bad_transform}}}, "entities[0].fields[0].transform"},
            {{{"entities", {bad_field}}}, "entities[0].fields[1].crm"},
            {{{"entities", {bad_batch}}}, "entities[0].batch_size"},
            {{{"colour", "red"}}, "colour"},
            {{{"name", "x"}}, "name"},  // "X" exists (case-insensitive)
        };
        for (const Bad& b : cases) {
            json values = good;
            for (auto it = b.values.begin(); it != b.values.end(); ++it) values[it.key()] = it.value();
            Result<Connector> r = save(values);
            CAPTURE(values.dump());
            REQUIRE_FALSE(r.ok());
            CHECK(r.error().field == b.field);
        }
    }

    TEST_CASE(
        "without a way to the ERP a run is logged as failed with the reason; an inactive one does not run") {
        ErpFixture f;
        const int64_t id = f.Connect();
        f.connectors().SetClient(nullptr);
        SyncRun run = f.Run(id);
        CHECK(run.state == "failed");
        CHECK(run.error.find("cannot reach an ERP") != std::string::npos);
        REQUIRE(f.connectors().Save("admin", id, {{"active", false}}).ok());
        Result<SyncRun> refused = f.connectors().Run("admin", id);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == "invalid_argument");
        CHECK(f.connectors().Runs("admin", id, 10)->size() == 1);
    }

    TEST_CASE(
        "a schedule queues the connector's run on the workflow scheduler; run_due syncs and queues the "
        "next") {
        ErpFixture f;
        f.erp.Put("customers",
                  {{"id", "C-1"}, {"name", "Acme"}, {"phone", "+86 10 5555 0001"}, {"staff", 2}});
        const int64_t id = f.Connect();
        CHECK(f.connectors().Get("admin", id)->next_run_ms == 0);  // by hand: nothing queued
        REQUIRE(f.connectors().Save("admin", id, {{"schedule_minutes", 60}}).ok());
        const int64_t due = f.clock.NowMs() + 60 * 60'000;
        CHECK(f.connectors().Get("admin", id)->next_run_ms == due);
        SchedulerService& scheduler = f.ws->automation().scheduler();
        REQUIRE(scheduler.RunDue("admin", due - 1)->ran.empty());
        Result<RunDueReport> ran = scheduler.RunDue("admin", due);
        REQUIRE(ran.ok());
        REQUIRE(ran->ran.size() == 1);
        CHECK(ran->ran[0].kind == kConnectorRunKind);
        CHECK(ran->ran[0].error == "");
        CHECK(f.Account("C-1")["Name"] == "Acme");
        std::vector<SyncRun> runs = *f.connectors().Runs("admin", id, 10);
        REQUIRE(runs.size() == 1);
        CHECK(runs[0].state == "ok");
        CHECK(runs[0].created == 1);
        CHECK(f.connectors().Get("admin", id)->next_run_ms == due + 60 * 60'000);  // the next one
        // Inactive or by hand again: the queued run goes.
        REQUIRE(f.connectors().Save("admin", id, {{"schedule_minutes", 0}}).ok());
        CHECK(f.connectors().Get("admin", id)->next_run_ms == 0);
        CHECK(scheduler.RunDue("admin", due + 2 * 60 * 60'000)->ran.empty());
        Result<Connector> bad = f.connectors().Save("admin", id, {{"schedule_minutes", 2}});
        REQUIRE_FALSE(bad.ok());
        CHECK(bad.error().field == "schedule_minutes");
    }

    TEST_CASE("a run's log and cursors are changes: a page commits with its cursor, and none is left open") {
        ErpFixture f;
        f.erp.Put("customers",
                  {{"id", "C-1"}, {"name", "Acme"}, {"phone", "+86 10 5555 0001"}, {"staff", 2}});
        const int64_t id = f.Connect();
        const uint64_t before = f.ws->change_count();
        SyncRun run = f.Run(id);
        CHECK(run.state == "ok");
        // The run's start, the page (its row and the cursor past it), the run's end: each a change.
        CHECK(f.ws->change_count() == before + 3);
        CHECK(f.ws->changes().open_scope() == nullptr);
        CHECK(f.connectors().Get("admin", id)->entities[0].pull_cursor != "");
    }
}

TEST_SUITE("connectors.push") {
    TEST_CASE(
        "a push sends batch_size records a request; a refused item is logged, the others go through, and its "
        "retry goes alone") {
        ErpFixture f;
        const int64_t id = f.Connect("out");
        f.Batch(id, 2, "out");
        CHECK(f.connectors().Get("admin", id)->entities[0].batch_size == 2);
        std::vector<int64_t> records;
        for (const char* name : {"Acme", "Beta", "REFUSE", "Delta", "Eagle"}) {
            records.push_back(f.NewAccount({{"Name", name}}));
            f.clock.Advance(10);
        }
        f.clock.Advance(1000);
        SyncRun run = f.Run(id);
        CHECK(run.push_requests == 3);  // 2 + 2 + 1
        CHECK(run.pushed == 4);
        CHECK(run.failed == 1);
        CHECK(run.state == "partial");
        REQUIRE(f.erp.requests.size() == 3);
        CHECK(f.erp.requests[0].method == "POST");
        CHECK(f.erp.requests[0].url == std::string(FakeErp::kBase) + "/customers/batch");
        const json first = json::parse(f.erp.requests[0].body);
        REQUIRE(first["items"].size() == 2);
        CHECK(first["items"][0]["row"]["name"] == "Acme");
        CHECK_FALSE(first["items"][0].contains("id"));  // a new ERP row
        // The others have the ids the ERP gave; the refused one has none.
        CHECK(f.ws->records().Get("admin", "Account", records[0])->at("ERP_Id__c") == "N1");
        CHECK(f.ws->records().Get("admin", "Account", records[4])->at("ERP_Id__c") == "N4");
        CHECK(f.ws->records().Get("admin", "Account", records[2])->at("ERP_Id__c").is_null());
        std::vector<SyncError> errors = *f.connectors().Errors("admin", id, true, 10);
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].record_id == records[2]);
        CHECK(errors[0].direction == "push");
        CHECK(errors[0].code == "connectors.erp_item_error");
        CHECK(errors[0].message.find("422") != std::string::npos);
        CHECK(errors[0].message.find("REFUSE is refused") != std::string::npos);
        // Nothing changed since: the next run sends nothing.
        f.clock.Advance(1000);
        run = f.Run(id);
        CHECK(run.push_requests == 0);
        // The record mended, its retry goes through (a batch of one); a change goes out by its id.
        REQUIRE(f.ws->records().Update("admin", "Account", records[2], {{"Name", "Gamma"}}).ok());
        REQUIRE(f.connectors().Retry("admin", errors[0].id).ok());
        CHECK(f.ws->records().Get("admin", "Account", records[2])->at("ERP_Id__c") == "N5");
        CHECK(f.erp.Row("customers", "N5")["name"] == "Gamma");
        REQUIRE(f.ws->records().Update("admin", "Account", records[0], {{"Name", "Acme Ltd"}}).ok());
        f.clock.Advance(1000);
        f.erp.requests.clear();
        run = f.Run(id);
        CHECK(run.pushed == 1);
        REQUIRE(f.erp.requests.size() == 1);
        CHECK(json::parse(f.erp.requests[0].body)["items"][0]["id"] == "N1");
        CHECK(f.erp.Row("customers", "N1")["name"] == "Acme Ltd");
    }

    TEST_CASE("an ERP without the batch route gets one request a record") {
        ErpFixture f;
        f.erp.batch_route = false;
        const int64_t id = f.Connect("out");
        for (const char* name : {"Acme", "Beta", "Gamma"}) f.NewAccount({{"Name", name}});
        f.clock.Advance(1000);
        SyncRun run = f.Run(id);
        CHECK(run.pushed == 3);
        CHECK(run.failed == 0);
        CHECK(run.push_requests == 4);  // the batch answered 404, then three POSTs
        CHECK(f.erp.Count("POST") == 4);
        CHECK(f.erp.Row("customers", "N3")["name"] == "Gamma");
    }

    TEST_CASE("a batch answer without one result a record sent is each record's error; the run goes on") {
        ErpFixture f;
        const int64_t id = f.Connect("out");
        f.Batch(id, 2, "out");
        for (const char* name : {"Acme", "Beta", "Gamma"}) {
            f.NewAccount({{"Name", name}});
            f.clock.Advance(10);
        }
        struct ShortAnswer : ErpClient {
            FakeErp& erp;
            int calls = 0;
            explicit ShortAnswer(FakeErp& e) : erp(e) {}
            ErpResponse Exchange(const HttpRequest& r) override {
                if (++calls == 1) return {200, "{\"items\": [{\"status\": 201}]}", ""};  // one result for two
                return erp.Exchange(r);
            }
        } short_answer(f.erp);
        f.connectors().SetClient(&short_answer);
        f.clock.Advance(1000);
        SyncRun run = f.Run(id);
        CHECK(run.state == "partial");
        CHECK(run.failed == 2);
        CHECK(run.pushed == 1);  // the second batch
        std::vector<SyncError> errors = *f.connectors().Errors("admin", id, true, 10);
        REQUIRE(errors.size() == 2);
        CHECK(errors[0].code == "connectors.bad_batch");
        CHECK(f.erp.Row("customers", "N1")["name"] == "Gamma");
    }

    TEST_CASE("an ERP lost in the middle of a push stops it before the batch that found it so") {
        ErpFixture f;
        const int64_t id = f.Connect("out");
        f.Batch(id, 2, "out");
        for (const char* name : {"Acme", "Beta", "Gamma", "Delta"}) {
            f.NewAccount({{"Name", name}});
            f.clock.Advance(10);
        }
        struct SecondLost : ErpClient {
            FakeErp& erp;
            int calls = 0;
            explicit SecondLost(FakeErp& e) : erp(e) {}
            ErpResponse Exchange(const HttpRequest& r) override {
                if (++calls == 2) return {0, "", "Connection refused"};
                return erp.Exchange(r);
            }
        } lost(f.erp);
        f.connectors().SetClient(&lost);
        f.clock.Advance(1000);
        SyncRun run = f.Run(id);
        CHECK(run.state == "failed");
        CHECK(run.pushed == 2);
        CHECK(run.push_requests == 2);
        CHECK(f.erp.Row("customers", "N2")["name"] == "Beta");
        CHECK(f.erp.Row("customers", "N3").is_null());
        CHECK(f.connectors().Errors("admin", id, true, 10)->size() == 1);  // once, not once a record
        f.connectors().SetClient(&f.erp);
        run = f.Run(id);
        CHECK(run.state == "ok");
        CHECK(run.pushed == 2);
        CHECK(run.push_requests == 1);
        CHECK(f.erp.Row("customers", "N4")["name"] == "Delta");
    }

    TEST_CASE(
        "transform_out applies on the way out: formats, value maps, arithmetic, typed by the CRM field") {
        ErpFixture f;
        f.AddField({{"api_name", "Since__c"}, {"label", "Customer since"}, {"type", "date"}});
        json entity = ErpFixture::Customers("both", "erp_wins");
        entity["fields"] = {{{"erp", "name"},
                             {"crm", "Name"},
                             {"transform", "TRIM(VALUE)"},
                             {"transform_out", "UPPER(VALUE)"}},
                            {{"erp", "staff"},
                             {"crm", "NumberOfEmployees"},
                             {"transform", "VALUE * 10"},
                             {"transform_out", "VALUE / 10"}},
                            {{"erp", "rating"},
                             {"crm", "Rating"},
                             {"transform", "CASE(VALUE, \"H\", \"Hot\", \"W\", \"Warm\", \"Cold\")"},
                             {"transform_out", "CASE(TEXT(VALUE), \"Hot\", \"H\", \"Warm\", \"W\", \"C\")"}},
                            {{"erp", "since"},
                             {"crm", "Since__c"},
                             {"transform_out", "YEAR(VALUE) * 10000 + MONTH(VALUE) * 100 + DAY(VALUE)"}},
                            {{"erp", "phone"}, {"crm", "Phone"}}};
        const int64_t id = f.Connect("both");
        Result<Connector> saved = f.connectors().Save("admin", id, {{"entities", {entity}}});
        if (!saved.ok()) CAPTURE(saved.error().message);
        REQUIRE(saved.ok());
        CHECK(saved->entities[0].fields[0].transform_out == "UPPER(VALUE)");
        CHECK(ToJson(*saved)["entities"][0]["fields"][1]["transform_out"] == "VALUE / 10");
        // In: the ERP's values through `transform`; out: the CRM's through `transform_out`.
        f.erp.Put("customers", {{"id", "C1"}, {"name", "  Acme Trading "}, {"staff", 4}, {"rating", "W"}});
        f.clock.Advance(1000);
        REQUIRE(f.Run(id).created == 1);
        json acme = f.Account("C1");
        CHECK(acme["Name"] == "Acme Trading");
        CHECK(acme["NumberOfEmployees"] == 40);
        CHECK(acme["Rating"] == "Warm");
        f.clock.Advance(1000);
        REQUIRE(f.ws->records()
                    .Update("admin", "Account", acme["Id"],
                            {{"Rating", "Hot"}, {"NumberOfEmployees", 120}, {"Since__c", "2019-07-04"}})
                    .ok());
        f.clock.Advance(1000);
        SyncRun run = f.Run(id);
        CHECK(run.failed == 0);
        CHECK(run.pushed == 1);
        json row = f.erp.Row("customers", "C1");
        CHECK(row["name"] == "ACME TRADING");
        CHECK(row["staff"] == 12);
        CHECK(row["rating"] == "H");
        CHECK(row["since"] == 20190704);
        CHECK(row["phone"].is_null());  // no transform_out: the CRM value as it is
        // A blank value goes through the formula as a blank of the field's type.
        const int64_t blank = f.NewAccount({{"Name", "Beta"}});
        f.clock.Advance(1000);
        CHECK(f.Run(id).pushed == 1);
        json beta = f.erp.Row(
            "customers", f.ws->records().Get("admin", "Account", blank)->at("ERP_Id__c").get<std::string>());
        CHECK(beta["rating"] == "C");
        CHECK(beta["staff"].is_null());
        // Checked at save against the CRM field's type, with the key of the problem.
        for (const char* bad : {"VALUE * 2", "UPPER("}) {
            json wrong = entity;
            wrong["fields"][0]["transform_out"] = bad;  // Name is text
            Result<Connector> refused = f.connectors().Save("admin", id, {{"entities", {wrong}}});
            REQUIRE_FALSE(refused.ok());
            CHECK(refused.error().field == "entities[0].fields[0].transform_out");
        }
    }
}

TEST_SUITE("connectors.index") {
    TEST_CASE(
        "saving a connector indexes its external-id field: a pull's match searches it; a changed mapping "
        "moves it, a delete drops it, a run makes it again") {
        ErpFixture f;
        CHECK(f.ErpIndexes().empty());
        CHECK(f.LookupPlan("ERP_Id__c").find("SCAN") != std::string::npos);
        const int64_t first = f.Connect();
        const std::string ext_index = "erp_ext_rec_account_erp_id__c";
        CHECK(f.ErpIndexes() == std::vector<std::string>{ext_index});
        CHECK(f.LookupPlan("ERP_Id__c").find("INDEX " + ext_index) != std::string::npos);
        // Saved again (idempotent), still one.
        REQUIRE(f.connectors().Save("admin", first, {{"page_size", 50}}).ok());
        CHECK(f.ErpIndexes() == std::vector<std::string>{ext_index});
        // The mapping moves to another field: its index replaces the old one.
        f.AddField({{"api_name", "ERP_Code__c"}, {"label", "ERP code"}, {"type", "text"}});
        json entity = ErpFixture::Customers("in", "erp_wins");
        entity["external_id_field"] = "ERP_Code__c";
        REQUIRE(f.connectors().Save("admin", first, {{"entities", {entity}}}).ok());
        CHECK(f.ErpIndexes() == std::vector<std::string>{"erp_ext_rec_account_erp_code__c"});
        CHECK(f.LookupPlan("ERP_Code__c").find("INDEX erp_ext_rec_account_erp_code__c") != std::string::npos);
        // Two connectors on one field: the index stays until the last goes.
        Result<Connector> second = f.connectors().Save(
            "admin", 0, {{"name", "ERP 2"}, {"base_url", FakeErp::kBase}, {"entities", {entity}}});
        REQUIRE(second.ok());
        REQUIRE(f.connectors().Delete("admin", first).ok());
        CHECK(f.ErpIndexes() == std::vector<std::string>{"erp_ext_rec_account_erp_code__c"});
        // Dropped behind the connector's back (a retype): the next run makes it again.
        REQUIRE(f.ws->db().Exec("DROP INDEX erp_ext_rec_account_erp_code__c").ok());
        CHECK(f.connectors().Run("admin", second->id).ok());
        CHECK(f.ErpIndexes() == std::vector<std::string>{"erp_ext_rec_account_erp_code__c"});
        REQUIRE(f.connectors().Delete("admin", second->id).ok());
        CHECK(f.ErpIndexes().empty());
    }

    TEST_CASE(
        "a field the schema indexes already gets no second index; a purged field takes its index along") {
        ErpFixture f;
        f.AddField({{"api_name", "ERP_Key__c"}, {"label", "ERP key"}, {"type", "text"}, {"unique", true}});
        json entity = ErpFixture::Customers("in", "erp_wins");
        entity["external_id_field"] = "ERP_Key__c";
        const int64_t id = f.Connect();
        CHECK(f.ErpIndexes().size() == 1);
        REQUIRE(f.connectors().Save("admin", id, {{"entities", {entity}}}).ok());
        CHECK(f.ErpIndexes().empty());
        CHECK(f.LookupPlan("ERP_Key__c").find("INDEX idx_rec_account_erp_key__c") != std::string::npos);
        // Back on ERP_Id__c, then the field deleted and purged: SQLite drops no indexed column, so the
        // schema drops the connector's index with it.
        REQUIRE(
            f.connectors().Save("admin", id, {{"entities", {ErpFixture::Customers("in", "erp_wins")}}}).ok());
        CHECK(f.ErpIndexes().size() == 1);
        REQUIRE(f.ws->schema().DeleteField("admin", "Account", "ERP_Id__c").ok());
        Status purged = f.ws->schema().PurgeField("admin", "Account", "ERP_Id__c");
        if (!purged.ok()) CAPTURE(purged.error().message);
        CHECK(purged.ok());
        CHECK(f.ErpIndexes().empty());
    }
}
