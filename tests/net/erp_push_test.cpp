// The ERP connector's push over libcurl against the stand-in ERP (tests/net/erp_standin.py, its own SQLite
// data, started here on 127.0.0.1): batches of batch_size records a request, a refused item logged while the
// others go through, and an ERP without the batch route answered one request a record.
#include <doctest/doctest.h>

#include "integration/connector.h"
#include "net/curl_erp.h"
#include "peer.h"
#include "records/records.h"
#include "schema/schema.h"
#include "workspace.h"

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

struct PushFixture {
    std::unique_ptr<Workspace> ws;
    net::CurlErpClient client;
    PushFixture() {
        auto opened = Workspace::Open(":memory:", WorkspaceOptions());
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        FieldDef base;
        base.object = "Account";
        auto def = FieldDefFromJson({{"api_name", "ERP_Id__c"}, {"label", "ERP Id"}, {"type", "text"}}, base);
        REQUIRE(def.ok());
        REQUIRE(ws->schema().CreateField("admin", *def).ok());
        ConnectorsOf(*ws).SetClient(&client);
    }
    int64_t Connect(int port, int batch_size) {
        const json entity = {
            {"name", "customers"},
            {"path", "customers"},
            {"object", "Account"},
            {"external_id_field", "ERP_Id__c"},
            {"direction", "out"},
            {"batch_size", batch_size},
            {"fields",
             {{{"erp", "name"}, {"crm", "Name"}},
              {{"erp", "staff"}, {"crm", "NumberOfEmployees"}, {"transform_out", "VALUE / 10"}}}}};
        Result<Connector> c =
            ConnectorsOf(*ws).Save("admin", 0,
                                   {{"name", "Stand-in"},
                                    {"base_url", "http://127.0.0.1:" + std::to_string(port)},
                                    {"entities", json::array({entity})}});
        const std::string why = c.ok() ? std::string() : c.error().message;
        CAPTURE(why);
        REQUIRE(c.ok());
        return c->id;
    }
    void Accounts(int n, int refused_at) {
        for (int i = 1; i <= n; ++i) {
            SaveResult r =
                ws->records().Create("admin", "Account",
                                     {{"Name", i == refused_at ? "REFUSE" : "Account " + std::to_string(i)},
                                      {"NumberOfEmployees", i * 10}});
            REQUIRE(r.ok());
        }
    }
};

/// What the stand-in served so far.
json Stats(net::CurlErpClient& client, int port) {
    HttpRequest r;
    r.method = "GET";
    r.url = "http://127.0.0.1:" + std::to_string(port) + "/_stats";
    r.timeout_ms = 10000;
    ErpResponse resp = client.Exchange(r);
    REQUIRE(resp.status == 200);
    return json::parse(resp.body);
}

}  // namespace

TEST_SUITE("net.erp") {
    TEST_CASE("250 records go out in three batch requests; the refused one is logged, the others arrive") {
        const std::string db = LogPath("erp_push") + ".db";
        std::remove(db.c_str());
        Peer erp("erp_standin.py", {db});
        REQUIRE(erp.port() > 0);
        PushFixture f;
        const int64_t id = f.Connect(erp.port(), 100);
        f.Accounts(250, 120);
        Result<SyncRun> run = ConnectorsOf(*f.ws).Run("admin", id);
        REQUIRE(run.ok());
        CHECK(run->state == "partial");
        CHECK(run->pushed == 249);
        CHECK(run->failed == 1);
        CHECK(run->push_requests == 3);
        const json stats = Stats(f.client, erp.port());
        CHECK(stats["batch"] == 3);
        CHECK(stats["batch_items"] == 250);
        CHECK(stats["post"] == 0);
        CHECK(stats["put"] == 0);
        std::vector<SyncError> errors = *ConnectorsOf(*f.ws).Errors("admin", id, true, 10);
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].message.find("REFUSE is refused") != std::string::npos);
        // Every other record has the id the ERP gave, and the ERP has it, its staff through transform_out.
        ListQuery q;
        q.filters = {{"ERP_Id__c", "=", "C-249"}};
        Result<ListPage> page = f.ws->records().List("admin", "Account", q);
        REQUIRE(page.ok());
        REQUIRE(page->rows.size() == 1);
        HttpRequest get;
        get.method = "GET";
        get.url = "http://127.0.0.1:" + std::to_string(erp.port()) + "/customers/C-249";
        get.timeout_ms = 10000;
        const json row = json::parse(f.client.Exchange(get).body);
        CHECK(row["name"] == "Account 250");
        CHECK(row["staff"] == 250);
        // A second run sends nothing.
        run = ConnectorsOf(*f.ws).Run("admin", id);
        REQUIRE(run.ok());
        CHECK(run->push_requests == 0);
        CHECK(Stats(f.client, erp.port())["batch"] == 3);
    }

    TEST_CASE("an ERP without the batch route is sent one request a record") {
        const std::string db = LogPath("erp_push_single") + ".db";
        std::remove(db.c_str());
        Peer erp("erp_standin.py", {db, "--no-batch"});
        REQUIRE(erp.port() > 0);
        PushFixture f;
        const int64_t id = f.Connect(erp.port(), 100);
        f.Accounts(5, 3);
        Result<SyncRun> run = ConnectorsOf(*f.ws).Run("admin", id);
        REQUIRE(run.ok());
        CHECK(run->pushed == 4);
        CHECK(run->failed == 1);
        CHECK(run->push_requests == 6);  // the batch (404), then five POSTs
        const json stats = Stats(f.client, erp.port());
        CHECK(stats["post"] == 5);
        CHECK(stats["batch"] == 0);
    }
}
