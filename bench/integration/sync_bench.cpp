// ERP sync benchmark (native only: libcurl to the local ERP stand-in, tests/net/erp_standin.py, seeded with
// the customers in its own SQLite file):
//   sync.records_per_s      the connector's first run pulling every customer (pages of 1,000) into new
//                           Accounts: each row mapped, saved through the records pipeline and linked
//   sync.fetch_records_per_s the same pages fetched and parsed with the same client, nothing written (the
//                           reference, same run)
//   sync.overhead_ratio     the sync's time over the fetch's (what the CRM side costs on top of the wire)
//   sync.second_run_ms      a second run: one empty page, nothing changed
//   sync.push_records_per_s new Accounts pushed to the stand-in in batches of 100 (POST {path}/batch), each
//                           record's ERP id and link kept
//   sync.push_single_records_per_s the same pushed one POST a record (batch_size 1: the reference, same run)
//   sync.push_batch_speedup the single pushes' time over the batched ones'
// CRM_BENCH_SYNC sets the pulled count (100,000 by default), CRM_BENCH_PUSH the pushed one (5,000).
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
#include "records/records.h"
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

/// Seconds one run takes to push `m` new Accounts (a workspace in memory) to the stand-in's `path`, `batch`
/// records a request.
double PushSeconds(const std::string& base, const std::string& key, ErpClient& client, int m, int batch,
                   const std::string& path) {
    auto opened = Workspace::Open(":memory:", WorkspaceOptions());
    if (!opened.ok()) Die(opened.error().message);
    Workspace& ws = **opened;
    FieldDef base_field;
    base_field.object = "Account";
    auto def =
        FieldDefFromJson({{"api_name", "ERP_Id__c"}, {"label", "ERP Id"}, {"type", "text"}}, base_field);
    if (!def.ok() || !ws.schema().CreateField("admin", *def).ok()) Die("the external-id field");
    for (int i = 1; i <= m; ++i)
        if (!ws.records()
                 .Create("admin", "Account",
                         {{"Name", "Pushed " + std::to_string(i)}, {"Phone", "+86 10 " + std::to_string(i)}})
                 .ok())
            Die("an account to push");
    ConnectorService& connectors = ConnectorsOf(ws);
    connectors.SetClient(&client);
    const json entity = {
        {"name", path},
        {"path", path},
        {"object", "Account"},
        {"external_id_field", "ERP_Id__c"},
        {"direction", "out"},
        {"batch_size", batch},
        {"fields", {{{"erp", "name"}, {"crm", "Name"}}, {{"erp", "phone"}, {"crm", "Phone"}}}}};
    Result<Connector> c = connectors.Save("admin", 0,
                                          {{"name", "Push"},
                                           {"base_url", base},
                                           {"auth", "api_key"},
                                           {"auth_header", "X-Api-Key"},
                                           {"secret", key},
                                           {"entities", json::array({entity})}});
    if (!c.ok()) Die(c.error().message);
    SyncRun run;
    const double s = Seconds([&] {
        Result<SyncRun> r = connectors.Run("admin", c->id);
        if (!r.ok()) Die(r.error().message);
        run = *r;
    });
    if (run.state != "ok" || run.pushed != m) Die("the push: " + ToJson(run).dump());
    return s;
}

}  // namespace

int main() {
    const int n = std::getenv("CRM_BENCH_SYNC") ? std::atoi(std::getenv("CRM_BENCH_SYNC")) : 100000;
    const int m = std::getenv("CRM_BENCH_PUSH") ? std::atoi(std::getenv("CRM_BENCH_PUSH")) : 5000;
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

    // Pushes, each to its own ERP path (the stand-in numbers a new row by counting its entity's rows).
    const double batched_s = PushSeconds(base, key, client, m, 100, "pushed_batched");
    const double single_s = PushSeconds(base, key, client, m, 1, "pushed_single");
    bench::Figure("sync.pushed", m);
    bench::Figure("sync.push_records_per_s", m / batched_s);
    bench::Figure("sync.push_single_records_per_s", m / single_s);
    bench::Figure("sync.push_batch_speedup", single_s / batched_s);
    return 0;
}
