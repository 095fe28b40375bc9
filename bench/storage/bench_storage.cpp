// Storage and audit benchmark: an audited settings change through the service, against the same
// writes in plain prepared SQL in the same process; and the first page of a large audit trail.
//   storage.audited_updates_per_s          company.update calls per second (one transaction each,
//                                          fsync on commit: the desktop's durability)
//   storage.update_ratio_vs_raw_sql        service time over plain SQL doing the same writes, same
//                                          durability (lower is better)
//   storage.audited_updates_per_s.no_fsync the same without fsync (the web build's durability: the
//                                          IndexedDB sync makes changes durable)
//   audit.first_page_ms.filtered           first 50 entries of 100,000 filtered by area and text
//   storage.wasm_ratio                     the wasm build's no-fsync time over the native one, same run
#include <cstdio>
#include <filesystem>
#include <string>

#include "bench_util.h"
#include "workspace.h"

using namespace crm;

namespace {

constexpr int kUpdates = 2000;

std::string FreshPath(const std::string& name) {
    std::filesystem::create_directories("bench_tmp");
    std::string path = "bench_tmp/" + name;
    std::filesystem::remove(path);
    return path;
}

double ServiceUpdates(bool web_durability) {
    FixedClock clock(1'700'000'000'000);
    auto ws = Workspace::Open(FreshPath("service.db"), {&clock, web_durability});
    if (!ws.ok()) { std::fprintf(stderr, "%s\n", ws.error().message.c_str()); std::exit(1); }
    CompanyProfile profile = *(*ws)->company().Get();
    return bench::BestSeconds(3, [&] {
        for (int i = 0; i < kUpdates; ++i) {
            profile.name = "Company " + std::to_string(i);
            Status s = (*ws)->company().Update("bench", profile);
            if (!s.ok()) { std::fprintf(stderr, "%s\n", s.error().message.c_str()); std::exit(1); }
        }
    });
}

double RawSqlUpdates() {
    auto db = Database::Open(FreshPath("raw.db"));
    if (!db.ok()) std::exit(1);
    Database& d = **db;
    (void)d.Exec("CREATE TABLE profile(id INTEGER PRIMARY KEY, name TEXT);"
                 "INSERT INTO profile VALUES(1, 'x');"
                 "CREATE TABLE log(id INTEGER PRIMARY KEY, at_ms INT, actor TEXT, area TEXT, action TEXT,"
                 " target TEXT, old_value TEXT, new_value TEXT)");
    Statement update = d.Prepare("UPDATE profile SET name = ? WHERE id = 1");
    Statement insert = d.Prepare("INSERT INTO log(at_ms, actor, area, action, target, old_value, new_value)"
                                 " VALUES(?, 'bench', 'company', 'update', 'company.name', ?, ?)");
    return bench::BestSeconds(3, [&] {
        for (int i = 0; i < kUpdates; ++i) {
            Transaction txn(d);
            std::string name = "\"Company " + std::to_string(i) + "\"";
            update.Reset();
            (void)update.Bind(1, name).Run();
            insert.Reset();
            (void)insert.Bind(1, int64_t{i}).Bind(2, name).Bind(3, name).Run();
            (void)txn.Commit();
        }
    });
}

double AuditFirstPageMs() {
    FixedClock clock(1'700'000'000'000);
    auto ws = Workspace::Open(FreshPath("audit.db"), {&clock, false});
    if (!ws.ok()) std::exit(1);
    Workspace& w = **ws;
    {
        Transaction txn(w.db());
        const char* areas[] = {"company", "users", "schema", "workflow", "reports"};
        for (int i = 0; i < 100000; ++i) {
            AuditEntry e;
            e.at_ms = 1'700'000'000'000 + i * 1000LL;
            e.actor = "user" + std::to_string(i % 40);
            e.area = areas[i % 5];
            e.action = "update";
            e.target = std::string(e.area) + ".field" + std::to_string(i % 17);
            e.old_value = i;
            e.new_value = i + 1;
            (void)w.audit().Append(e);
        }
        (void)txn.Commit();
    }
    AuditQuery q;
    q.area = "users";
    q.text = "field3";
    return 1000 * bench::BestSeconds(5, [&] { (void)w.audit().List(q); });
}

}  // namespace

int main(int argc, char** argv) {
    double no_fsync = ServiceUpdates(true);
    bench::Figure("storage.audited_updates_per_s.no_fsync", kUpdates / no_fsync);
#ifndef __EMSCRIPTEN__
    double service = ServiceUpdates(false);
    bench::Figure("storage.audited_updates_per_s", kUpdates / service);
    double raw = RawSqlUpdates();
    bench::Figure("storage.update_ratio_vs_raw_sql", service / raw);
    bench::Figure("audit.first_page_ms.filtered", AuditFirstPageMs());
    auto wasm = bench::RunWasmTwin(bench::WasmJsArg(argc, argv));
    if (wasm.count("storage.audited_updates_per_s.no_fsync"))
        bench::Figure("storage.wasm_ratio", (kUpdates / wasm["storage.audited_updates_per_s.no_fsync"]) / no_fsync);
    else
        std::printf("storage.wasm_ratio: (wasm build not found)\n");
#else
    (void)argc; (void)argv;
#endif
    std::filesystem::remove_all("bench_tmp");
    return 0;
}
