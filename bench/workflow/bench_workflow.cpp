// Workflow benchmark:
//   workflow.rules_ratio       CRM_BENCH_SAVES Opportunity saves (100,000 by default; batches of 1,000 rows
//                              through the full pipeline) with 50 active on-create rules of which 10 match
//                              (each sets a field; every run is logged), over the same saves with no rules,
//                              the two interleaved batch by batch in the same run (target <= 2)
//   scheduler.due_lookup_us    with 1,000,000 queued items (in their lanes: near within a day), finding
//                              the first 100 due at a random now, once a run promoted what came near
//                              (target <= 50); scheduler.due_lookup_unpromoted_us the same before any
//                              promotion (the far lane's table rows read); scheduler.promote_us_per_item
//   workflow.wasm_ratio        the saves with rules (a twin of 10,000 saves) in the wasm build over native,
//                              the best of three runs of each side, alternating, the wasm side's second
//                              pass in its process (target <= 2); workflow.wasm_ratio_first_pass its first
//                              pass, run while V8 still compiles the hot code (bench::AlternatingWasmRatios)
// Each side keeps its workspace as its console does (bench::UseConsoleStorage, bench::kConsoleDurability):
// natively a file with synchronous=FULL; in wasm the web console's pages (web/page_vfs.cpp), each commit's
// pages copied out to JavaScript, with synchronous=OFF.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "audit/change.h"
#include "bench_util.h"
#include "workflow/scheduler.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1'795'712'400'000;
constexpr int kBatch = 1000;
constexpr int kTwinSaves = 10'000;

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "bench_workflow: %s\n", what.c_str());
    std::exit(1);
}

std::unique_ptr<Workspace> Fresh(const std::string& name, const FixedClock& clock) {
    std::filesystem::create_directories("bench_tmp");
    const std::string path = "bench_tmp/" + name;
    bench::RemoveWorkspace(path);
    auto ws = Workspace::Open(path, {&clock, bench::kConsoleDurability});
    if (!ws.ok()) Die(ws.error().message);
    return std::move(ws.value());
}

/// 40 rules whose condition never holds and 10 that set a field.
void AddRules(Workspace& ws) {
    for (int i = 0; i < 50; ++i) {
        const bool matches = i % 5 == 0;
        json j = {{"object", "Opportunity"},
                  {"name", "Rule " + std::to_string(i)},
                  {"order", i},
                  {"trigger", {{"kind", "on_create"}}},
                  {"condition", matches ? "Amount >= 0" : "Amount > " + std::to_string(2'000'000 + i)},
                  {"actions",
                   {{{"kind", "update_field"},
                     {"field", i % 2 ? "Description" : "NextStep"},
                     {"value", "\"step " + std::to_string(i) + "\""}}}}};
        Result<AutomationRule> rule = AutomationRuleFromJson(j, {});
        if (!rule.ok()) Die(rule.error().message);
        if (Result<AutomationRule> r = ws.automation().Create("admin", *rule); !r.ok())
            Die(r.error().message);
    }
}

std::vector<json> BatchRows() {
    std::vector<json> rows;
    for (int i = 0; i < kBatch; ++i)
        rows.push_back({{"Name", "Deal " + std::to_string(i)},
                        {"StageName", "Prospecting"},
                        {"Amount", (i * 7919) % 1'000'000},
                        {"CloseDate", "2027-03-15"}});
    return rows;
}

/// Seconds for one batch of Opportunity creates.
double BatchSeconds(Workspace& ws, const std::vector<json>& rows) {
    return bench::BestSeconds(1, [&] {
        BatchResult r = ws.records().CreateBatch("admin", "Opportunity", rows);
        if (!r.ok()) Die(r.errors.front().message);
    });
}

struct SaveTimes {
    double plain = 0;  ///< seconds of the saves into the workspace with no rules
    double rules = 0;  ///< seconds of the same saves into the workspace with the 50 rules
};

/// `saves` Opportunity creates into each of two workspaces, one with no rules and one with the rules, in
/// batches of kBatch that alternate between them: a busy machine slows both sides alike, so the ratio
/// holds where two runs one after the other would not.
SaveTimes InterleavedSaves(const FixedClock& clock, int saves, bool with_plain) {
    auto plain = Fresh("workflow_plain.db", clock);
    auto rules = Fresh("workflow_rules.db", clock);
    AddRules(*rules);
    const std::vector<json> rows = BatchRows();
    SaveTimes t;
    for (int done = 0; done < saves; done += kBatch) {
        if (with_plain) t.plain += BatchSeconds(*plain, rows);
        t.rules += BatchSeconds(*rules, rows);
    }
    return t;
}

#ifndef __EMSCRIPTEN__
struct DueLookup {
    double micros = 0;             ///< a lookup once the run has promoted what came near (the console's case)
    double unpromoted_micros = 0;  ///< the same lookups before any promotion: the far lane read alone
    double promote_us_per_item = 0;
};

/// `items` queued at random times over a year from kNow, each in the lane Schedule puts it in (near when due
/// within a day); then `kLookups` lookups of the first 100 due at random times over the year, before and
/// after the promotion a run does (Promote up to each lookup's time, in time order, timed apart).
DueLookup DueLookupMicros(const FixedClock& clock, int items) {
    auto ws = Fresh("scheduler.db", clock);
    {
        ChangeScope change(ws->changes(), kSystemActor);
        Statement ins = ws->db().Prepare(
            "INSERT INTO scheduler_items(kind, object, record_id, rule_id, due_ms, created_ms, near) "
            "VALUES('automation', 'Opportunity', ?1, 1, ?2, 0, ?3)");
        uint64_t x = 7;
        for (int i = 0; i < items; ++i) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            const int64_t due = kNow + static_cast<int64_t>((x >> 33) % 31'536'000'000ull);
            ins.Reset();
            ins.Bind(1, static_cast<int64_t>(i + 1)).Bind(2, due).Bind(3, due < kNow + kNearLaneMs ? 1 : 0);
            if (Status s = ins.Run(); !s.ok()) Die(s.error().message);
        }
        if (Status s = change.Commit(); !s.ok()) Die(s.error().message);
    }
    SchedulerService& scheduler = ws->automation().scheduler();
    constexpr int kLookups = 2000;
    std::vector<int64_t> at;
    uint64_t x = 11;
    for (int i = 0; i < kLookups; ++i) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        at.push_back(kNow + static_cast<int64_t>((x >> 33) % 31'536'000'000ull));
    }
    size_t found = 0;
    auto lookups = [&] {
        for (int64_t t : at) found += scheduler.Due(t, 100).size();
    };
    DueLookup out;
    out.unpromoted_micros = bench::BestSeconds(3, lookups) * 1e6 / kLookups;
    std::vector<int64_t> ordered = at;
    std::sort(ordered.begin(), ordered.end());
    int64_t promoted = 0;
    const double promote_s = bench::BestSeconds(1, [&] {
        for (int64_t t : ordered) {
            Result<int64_t> moved = scheduler.Promote(t);
            if (!moved.ok()) Die(moved.error().message);
            promoted += *moved;
        }
    });
    if (promoted > 0) out.promote_us_per_item = promote_s * 1e6 / static_cast<double>(promoted);
    out.micros = bench::BestSeconds(3, lookups) * 1e6 / kLookups;
    if (found == 0) Die("nothing was due");
    return out;
}

int SaveCount() {
    if (const char* env = std::getenv("CRM_BENCH_SAVES"))
        return std::max(kBatch, std::atoi(env) / kBatch * kBatch);
    return 100'000;
}

#endif

}  // namespace

int main(int argc, char** argv) {
    const std::string wasm_js = bench::WasmJsArg(argc, argv);
    FixedClock clock(kNow);
    bench::UseConsoleStorage("bench_tmp/workflow_rules.db");
    // Twice: the first pass runs while the wasm code is still baseline code (bench::AlternatingWasmRatios).
    bench::Figure("workflow.twin_first_rules_s", InterleavedSaves(clock, kTwinSaves, false).rules);
    bench::Figure("workflow.twin_rules_s", InterleavedSaves(clock, kTwinSaves, false).rules);
#ifndef __EMSCRIPTEN__
    const int saves = SaveCount();
    bench::Figure("workflow.saves", saves);
    const SaveTimes t = InterleavedSaves(clock, saves, true);
    bench::Figure("workflow.save_us.no_rules", t.plain * 1e6 / saves);
    bench::Figure("workflow.save_us.rules", t.rules * 1e6 / saves);
    bench::Figure("workflow.rules_ratio", t.rules / t.plain);
    const DueLookup due = DueLookupMicros(clock, 1'000'000);
    bench::Figure("scheduler.due_lookup_us", due.micros);
    bench::Figure("scheduler.due_lookup_unpromoted_us", due.unpromoted_micros);
    bench::Figure("scheduler.promote_us_per_item", due.promote_us_per_item);
    const bench::WasmRatios wasm_ratio =
        bench::AlternatingWasmRatios(wasm_js, "workflow.twin_rules_s", "workflow.twin_first_rules_s",
                                     [&] { return InterleavedSaves(clock, kTwinSaves, false).rules; });
    if (wasm_ratio.warm > 0) {
        bench::Figure("workflow.wasm_ratio", wasm_ratio.warm);
        bench::Figure("workflow.wasm_ratio_first_pass", wasm_ratio.first);
    }
#endif
    return 0;
}
