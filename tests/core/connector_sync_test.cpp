// ERP connectors (core/integration/connector.h) against a scripted ERP (erp_fake.h): mapping and
// transforms, paging and the cursor, a failing row and its retry, the push, each conflict policy.
#include <doctest/doctest.h>

#include "api/command_api.h"
#include "audit/audit_log.h"
#include "audit/change.h"
#include "erp_fake.h"
#include "integration/connector.h"
#include "outbox_fixture.h"
#include "schema/schema.h"
#include "workflow/automation.h"
#include "workflow/scheduler.h"

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

struct ErpFixture : OutboxFixture {
    FakeErp erp;
    ErpFixture() {
        FieldDef base;
        base.object = "Account";
        auto def = FieldDefFromJson({{"api_name", "ERP_Id__c"}, {"label", "ERP Id"}, {"type", "text"}}, base);
        REQUIRE(def.ok());
        REQUIRE(ws->schema().CreateField("admin", *def).ok());
        connectors().SetClient(&erp);
    }
    ConnectorService& connectors() { return ConnectorsOf(*ws); }

    static json Customers(const std::string& direction, const std::string& conflict) {
        return {{"name", "customers"},
                {"path", "customers"},
                {"object", "Account"},
                {"external_id_field", "ERP_Id__c"},
                {"direction", direction},
                {"conflict", conflict},
                {"fields",
                 {{{"erp", "name"}, {"crm", "Name"}, {"transform", "TRIM(VALUE)"}},
                  {{"erp", "phone"}, {"crm", "Phone"}},
                  {{"erp", "staff"}, {"crm", "NumberOfEmployees"}, {"transform", "VALUE * 10"}}}}};
    }
    int64_t Connect(const std::string& direction = "in", const std::string& conflict = "erp_wins",
                    int page_size = 100) {
        Result<Connector> c = connectors().Save("admin", 0,
                                                {{"name", "ERP"},
                                                 {"base_url", FakeErp::kBase},
                                                 {"auth", "api_key"},
                                                 {"auth_header", "X-Api-Key"},
                                                 {"secret", "the-erp-key-123"},
                                                 {"page_size", page_size},
                                                 {"entities", {Customers(direction, conflict)}}});
        if (!c.ok()) CAPTURE(c.error().message);
        REQUIRE(c.ok());
        return c->id;
    }
    SyncRun Run(int64_t id) {
        Result<SyncRun> r = connectors().Run("admin", id);
        REQUIRE(r.ok());
        return *r;
    }
    /// The Account holding ERP id `ext`, as the admin reads it (null when none).
    json Account(const std::string& ext) {
        ListQuery q;
        q.filters = {{"ERP_Id__c", "=", ext}};
        Result<ListPage> page = ws->records().List("admin", "Account", q);
        REQUIRE(page.ok());
        if (page->rows.empty()) return nullptr;
        Result<json> r = ws->records().Get("admin", "Account", page->rows[0]["Id"].get<int64_t>());
        REQUIRE(r.ok());
        return *r;
    }
};

}  // namespace

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
            const size_t puts = static_cast<size_t>(f.erp.Count("PUT"));
            f.clock.Advance(10000);
            run = f.Run(id);
            CHECK(run.updated == 0);
            CHECK(run.pushed == 0);
            CHECK(static_cast<size_t>(f.erp.Count("PUT")) == puts);
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
        const Bad cases[] = {
            {{{"base_url", "ftp://erp"}}, "base_url"},
            {{{"auth", "api_key"}, {"auth_header", "X-Key"}}, "secret"},
            {{{"auth", "token"}}, "auth"},
            {{{"entities", {entity}}}, "entities[0].direction"},
            {{{"entities", {bad_transform}}}, "entities[0].fields[0].transform"},
            {{{"entities", {bad_field}}}, "entities[0].fields[1].crm"},
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
