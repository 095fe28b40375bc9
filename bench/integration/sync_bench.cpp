// ERP sync benchmark (native only: libcurl to the local ERP stand-in, tests/net/erp_standin.py, seeded with
// the customers in its own SQLite file):
//   sync.records_per_s      the connector's first run pulling every customer (pages of 1,000) into new
//                           Accounts: each row mapped, saved through the records pipeline and linked
//   sync.fetch_records_per_s the same pages fetched and parsed with the same client, nothing written (the
//                           reference, same run)
//   sync.overhead_ratio     the sync's time over the fetch's (what the CRM side costs on top of the wire)
//   sync.second_run_ms      a second run: one empty page, nothing changed
// CRM_BENCH_SYNC sets the count (100,000 by default).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>

#include "bench_util.h"
#include "integration/connector.h"
#include "net/curl_erp.h"
#include "peer.h"
#include "schema/schema.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "bench_integration_sync: %s\n", what.c_str());
    std::exit(1);
}

double Seconds(const std::function<void()>& fn) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main() {
    const int n = std::getenv("CRM_BENCH_SYNC") ? std::atoi(std::getenv("CRM_BENCH_SYNC")) : 100000;
    const std::string key = "bench-erp-key-0123456789";
    std::filesystem::create_directories("bench_tmp");
    const std::string erp_db = "bench_tmp/erp_standin.db";
    std::filesystem::remove(erp_db);
    test::Peer erp("erp_standin.py", {erp_db, "--key", key, "--seed-customers", std::to_string(n)});
    if (erp.port() <= 0) Die("the ERP stand-in did not start");
    const std::string base = "http://127.0.0.1:" + std::to_string(erp.port());
    net::CurlErpClient client;

    // The reference: the same pages through the same client, parsed, nothing written.
    int fetched = 0;
    const double fetch_s = Seconds([&] {
        for (int page = 1;; ++page) {
            HttpRequest r;
            r.method = "GET";
            r.url = base + "/customers?updated_since=&page=" + std::to_string(page) + "&page_size=1000";
            r.headers = {{"Accept", "application/json"}, {"X-Api-Key", key}};
            r.timeout_ms = 30000;
            const ErpResponse resp = client.Exchange(r);
            const json body = json::parse(resp.body, nullptr, false);
            if (resp.status != 200 || !body.is_object()) Die("a page failed: " + resp.error + resp.body);
            fetched += static_cast<int>(body["items"].size());
            if (!body.value("has_more", false)) break;
        }
    });
    if (fetched != n) Die("the stand-in answered " + std::to_string(fetched) + " customers");

    const std::string path = "bench_tmp/sync.db";
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-journal");
    std::filesystem::remove(path + "-wal");
    const FixedClock clock(1'795'712'400'000);
    auto opened = Workspace::Open(path, {&clock, false});
    if (!opened.ok()) Die(opened.error().message);
    Workspace& ws = **opened;
    // The external-id field indexed, as an administrator sets it up for a sync: each pulled row is matched by
    // it.
    FieldDef base_field;
    base_field.object = "Account";
    auto def = FieldDefFromJson(
        {{"api_name", "ERP_Id__c"}, {"label", "ERP Id"}, {"type", "text"}, {"indexed", true}}, base_field);
    if (!def.ok() || !ws.schema().CreateField("admin", *def).ok()) Die("the external-id field");
    ConnectorService& connectors = ConnectorsOf(ws);
    connectors.SetClient(&client);
    Result<Connector> c = connectors.Save(
        "admin", 0,
        {{"name", "Stand-in"},
         {"base_url", base},
         {"auth", "api_key"},
         {"auth_header", "X-Api-Key"},
         {"secret", key},
         {"page_size", 1000},
         {"entities",
          {{{"name", "customers"},
            {"path", "customers"},
            {"object", "Account"},
            {"external_id_field", "ERP_Id__c"},
            {"fields", {{{"erp", "name"}, {"crm", "Name"}}, {{"erp", "phone"}, {"crm", "Phone"}}}}}}}});
    if (!c.ok()) Die(c.error().message);

    SyncRun run;
    const double sync_s = Seconds([&] {
        Result<SyncRun> r = connectors.Run("admin", c->id);
        if (!r.ok()) Die(r.error().message);
        run = *r;
    });
    if (run.state != "ok" || run.created != n) Die("the run: " + ToJson(run).dump());
    SyncRun again;
    const double second_s = Seconds([&] { again = *connectors.Run("admin", c->id); });
    if (again.state != "ok" || again.created + again.updated != 0)
        Die("the second run: " + ToJson(again).dump());

    bench::Figure("sync.records", n);
    bench::Figure("sync.records_per_s", n / sync_s);
    bench::Figure("sync.fetch_records_per_s", n / fetch_s);
    bench::Figure("sync.overhead_ratio", sync_s / fetch_s);
    bench::Figure("sync.second_run_ms", second_s * 1000.0);
    return 0;
}
