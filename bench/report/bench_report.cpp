// Report engine benchmark on the large demo organization with CRM_BENCH_RECORDS opportunities (1,000,000
// by default) owned by its reps. A matrix report (stage x close month; SUM and AVG of Amount, COUNT) run
// through the engine, against a hand-written SQLite GROUP BY over the same table in the same run:
//   report.admin_ratio      the administrator (sees all): engine / hand SQL (target <= 1.2)
//   report.rep_ratio        a rep under a Private default: engine / hand SQL with the same visibility
//                           condition (target <= 2)
//   report.summary_1m_ms    the summary report (by stage; SUM, AVG, COUNT) for the administrator
//   report.matrix_admin_ms  the matrix report's time for the administrator
//   report.wasm_ratio       the twin (100,000 opportunities) matrix run in wasm over native (target <= 2)
//   report.wasm_hand_ratio  the twin's hand-written GROUP BY in wasm over native: SQLite's own share of it
//   report.peak_mb          peak resident memory of the process during one cold summary run over every
//                           opportunity (Linux VmHWM, its mark reset just before the run)
//   report.run_peak_mb      what that run added above the memory held before it (peak_mb - rss before)
//   report.process_peak_mb  the process's peak before that run (generating the 1,000,000 records included)
//   report.wasm_heap_mb     the wasm twin's heap after its runs (wasm memory only grows: its peak)
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#ifdef __EMSCRIPTEN__
#include <emscripten/heap.h>
#endif

#include "bench_util.h"
#include "demo/demo_company.h"
#include "storage/change_set.h"
#include "workspace.h"

using namespace crm;

namespace {

constexpr int64_t kNow = 1'795'712'400'000;
constexpr int kTwinRecords = 100'000;

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "bench_report: %s\n", what.c_str());
    std::exit(1);
}

std::unique_ptr<Workspace> BuildOrg(const std::string& file, const FixedClock& clock, int records,
                                    std::string* rep) {
    std::filesystem::create_directories("bench_tmp");
    const std::string path = "bench_tmp/" + file;
    std::filesystem::remove(path);
    auto opened = Workspace::Open(path, {&clock, false});
    if (!opened.ok()) Die(opened.error().message);
    std::unique_ptr<Workspace> ws = std::move(opened.value());
    DemoOptions options;
    options.large_organization = true;
    if (Status s = GenerateDemoCompany(*ws, options); !s.ok()) Die(s.error().message);
    std::vector<int64_t> reps;
    for (const User& u : ws->access().Users())
        if (u.profile == "Sales Representative") {
            reps.push_back(u.id);
            if (rep->empty()) *rep = u.username;
        }
    const char* stages[] = {"Prospecting", "Qualification", "Needs Analysis", "Proposal",
                            "Negotiation", "Closed Won",    "Closed Lost"};
    uint64_t x = 12345;
    auto next = [&] {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        return x >> 33;
    };
    int i = 0;
    Status s = ws->records().BulkInsertUnchecked(
        "demo", "Opportunity", {"Name", "StageName", "Amount", "CloseDate", "OwnerId"},
        [&](std::vector<formula::Value>& row) {
            if (i >= records) return false;
            row[0] = formula::Value::Text("Deal " + std::to_string(i++));
            row[1] = formula::Value::Picklist(stages[next() % 7]);
            row[2] = formula::Value::Number(static_cast<double>(next() % 10'000'000) / 100);
            row[3] = formula::Value::Date(20000 + static_cast<int64_t>(next() % 1000));
            row[4] = formula::Value::Number(static_cast<double>(reps[next() % reps.size()]));
            return true;
        });
    if (!s.ok()) Die(s.error().message);
    return ws;
}

ReportDefinition Matrix() {
    auto def = ReportFromJson(nlohmann::json::parse(R"({
        "name": "bench", "object": "Opportunity", "format": "matrix",
        "row_groupings": ["StageName"], "column_groupings": [{"field": "CloseDate", "bucket": "month"}],
        "aggregates": [{"fn": "sum", "field": "Amount"}, {"fn": "avg", "field": "Amount"}, {"fn": "count"}]})"));
    if (!def.ok()) Die(def.error().message);
    return *def;
}

double EngineSeconds(Workspace& ws, const std::string& user, const ReportDefinition& def, int64_t* records) {
    return bench::BestSeconds(3, [&] {
        // Cold runs: the result cache (a hit would time a map lookup, not the engine) is dropped first.
        ws.reports().OnCommit(ChangeSet::Config("bench"));
        Result<ReportResult> r = ws.reports().Run(user, def);
        if (!r.ok()) Die(r.error().message);
        *records = r->record_count;
    });
}

/// The same matrix by hand: one GROUP BY, the month through SQLite's own date functions.
double HandSeconds(Workspace& ws, const std::string& user, int64_t* records) {
    std::string where;
    RecordFilter visible;
    if (user != "admin") {
        auto o = ws.schema().Object("Opportunity");
        Result<RecordFilter> v = ws.access().VisibleRecords(user, **o, 1);
        if (!v.ok()) Die(v.error().message);
        visible = *v;
        if (!visible.sql.empty()) where = " WHERE " + visible.sql;
    }
    const std::string sql =
        "SELECT stagename, strftime('%Y-%m', closedate * 86400, 'unixepoch') AS month, SUM(amount), "
        "AVG(amount), "
        "COUNT(*) FROM rec_opportunity" +
        where + " GROUP BY 1, 2";
    return bench::BestSeconds(3, [&] {
        Statement st = ws.db().Prepare(sql);
        for (size_t i = 0; i < visible.params.size(); ++i)
            formula::BindSqlValue(st, static_cast<int>(i + 1), visible.params[i]);
        int64_t n = 0;
        while (st.Step()) n += st.Int(4);
        *records = n;
    });
}

#ifndef __EMSCRIPTEN__  // the native run's own figures (the wasm twin times only the twin)
/// A figure of /proc/self/status in MB ("VmHWM", "VmRSS"), or -1 where there is none.
double ProcStatusMb(const std::string& key) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind(key + ":", 0) == 0) return std::atof(line.c_str() + key.size() + 1) / 1024.0;
    return -1;
}

/// Resets the peak resident memory mark (VmHWM) to the current resident memory (Linux 4.0+).
bool ResetPeakRss() {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    return static_cast<bool>(clear.flush());
}

#endif

int RecordCount() {
    if (const char* env = std::getenv("CRM_BENCH_RECORDS")) return std::max(1, std::atoi(env));
    return 1'000'000;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string wasm_js = bench::WasmJsArg(argc, argv);
    FixedClock clock(kNow);
    const ReportDefinition matrix = Matrix();
    double twin_seconds = 0, twin_hand_seconds = 0;
    {
        std::string rep;
        auto twin = BuildOrg("report_twin.db", clock, std::min(kTwinRecords, RecordCount()), &rep);
        int64_t n = 0;
        twin_seconds = EngineSeconds(*twin, "admin", matrix, &n);
        // The hand GROUP BY on the twin too: how much of the wasm cost is SQLite's own, not the engine's.
        twin_hand_seconds = HandSeconds(*twin, "admin", &n);
    }
    bench::Figure("report.twin_matrix_s", twin_seconds);
    bench::Figure("report.twin_hand_s", twin_hand_seconds);
#ifdef __EMSCRIPTEN__
    bench::Figure("report.wasm_heap_mb", static_cast<double>(emscripten_get_heap_size()) / (1024.0 * 1024.0));
#else
    std::string rep;
    auto ws = BuildOrg("report.db", clock, RecordCount(), &rep);
    bench::Figure("report.records", RecordCount());
    int64_t engine_n = 0, hand_n = 0;
    const double admin_engine = EngineSeconds(*ws, "admin", matrix, &engine_n);
    const double admin_hand = HandSeconds(*ws, "admin", &hand_n);
    if (engine_n != hand_n) Die("the administrator's engine and hand counts differ");
    bench::Figure("report.matrix_admin_ms", admin_engine * 1000);
    bench::Figure("report.hand_admin_ms", admin_hand * 1000);
    bench::Figure("report.admin_ratio", admin_engine / admin_hand);
    const double rep_engine = EngineSeconds(*ws, rep, matrix, &engine_n);
    const double rep_hand = HandSeconds(*ws, rep, &hand_n);
    if (engine_n != hand_n) Die("the rep's engine and hand counts differ");
    bench::Figure("report.rep_records", static_cast<double>(engine_n));
    bench::Figure("report.rep_ratio", rep_engine / rep_hand);
    ReportDefinition summary = matrix;
    summary.format = ReportFormat::Summary;
    summary.column_groupings.clear();
    int64_t n = 0;
    bench::Figure("report.summary_1m_ms", EngineSeconds(*ws, "admin", summary, &n) * 1000);
    // Peak memory of one cold summary run (the result cache dropped; SQLite's page cache stays, as in the
    // console): the process's mark, reset just before. (SQLite's own counters are compiled out:
    // SQLITE_DEFAULT_MEMSTATUS=0.)
    {
        ws->reports().OnCommit(ChangeSet::Config("bench"));
        bench::Figure("report.process_peak_mb", ProcStatusMb("VmHWM"));  // so far: building the org too
        const double before = ProcStatusMb("VmRSS");
        const bool reset = ResetPeakRss();
        Result<ReportResult> r = ws->reports().Run("admin", summary);
        if (!r.ok()) Die(r.error().message);
        const double peak = ProcStatusMb("VmHWM");
        if (reset && peak > 0) {
            bench::Figure("report.peak_mb", peak);
            bench::Figure("report.run_peak_mb", std::max(0.0, peak - before));
        } else {
            std::fprintf(stderr, "bench_report: no resettable VmHWM here: report.peak_mb is the process's\n");
            bench::Figure("report.peak_mb", peak);
        }
    }
    // A repeated run of the same report by the same viewer, answered by the result cache.
    (void)ws->reports().Run("admin", summary);
    bench::Figure("report.cached_ms", bench::BestSeconds(3, [&] {
                                          Result<ReportResult> r = ws->reports().Run("admin", summary);
                                          if (!r.ok()) Die(r.error().message);
                                      }) * 1000);
    std::map<std::string, double> wasm = bench::RunWasmTwin(wasm_js);
    if (wasm.count("report.twin_matrix_s"))
        bench::Figure("report.wasm_ratio", wasm["report.twin_matrix_s"] / twin_seconds);
    else
        std::fprintf(stderr, "bench_report: no wasm twin figures (%s): build the web bench first\n",
                     wasm_js.empty() ? "no --wasm-js" : wasm_js.c_str());
    if (wasm.count("report.twin_hand_s"))
        bench::Figure("report.wasm_hand_ratio", wasm["report.twin_hand_s"] / twin_hand_seconds);
    if (wasm.count("report.wasm_heap_mb")) bench::Figure("report.wasm_heap_mb", wasm["report.wasm_heap_mb"]);
#endif
    return 0;
}
