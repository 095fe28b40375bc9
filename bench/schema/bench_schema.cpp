// Schema and records benchmark.
//   formula.evals_per_s         evaluations per second of a typical validation rule (three conditions,
//                               a date and a picklist)
//   records.save_ratio_vs_sql   100,000 opportunities saved through the full pipeline (two validation
//                               rules, field history on two fields) with the batch API (one transaction),
//                               over the same rows inserted with one plain prepared statement in one
//                               transaction, in the same process (target <= 3)
//   schema.add_field_ms         adding a field to an object with N records (default 1,000,000)
//   schema.retype_field_ms      retyping a text field holding a number on every record to number (N records)
//   schema.wasm_ratio.save      the wasm build's pipeline time over the native one, same run
// N: argv "--records N" or env CRM_BENCH_RECORDS (a smaller count for a quick run).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "bench_util.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int kSaves = 100000;
constexpr int64_t kNow = 1'795'712'400'000;

std::string FreshPath(const std::string& name) {
    std::filesystem::create_directories("bench_tmp");
    std::string path = "bench_tmp/" + name;
    bench::RemoveWorkspace(path);
    return path;
}

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "bench_schema: %s\n", what.c_str());
    std::exit(1);
}

std::unique_ptr<Workspace> OpenWorkspace(const std::string& name, const FixedClock& clock) {
    auto ws = Workspace::Open(FreshPath(name), {&clock, false});
    if (!ws.ok()) Die(ws.error().message);
    return std::move(ws.value());
}

const char* kStages[] = {"Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won"};

double EvalsPerSecond() {
    FixedClock clock(kNow);
    auto ws = OpenWorkspace("evals.db", clock);
    auto compiled = ws->schema().CompileRule(
        "Opportunity",
        "AND(ISPICKVAL(StageName, \"Closed Won\"), CloseDate < DATE(2026, 1, 1), Amount > 10000)");
    if (!compiled.ok()) Die(compiled.error().message);
    formula::MemoryRecord record;
    record.Set("StageName", formula::Value::Picklist("Closed Won"))
        .Set("CloseDate", formula::Value::Date(20000))
        .Set("Amount", formula::Value::Number(50000));
    const formula::EvalContext context = formula::EvalContext::At(&record, kNow);
    constexpr int kEvals = 1'000'000;
    int truthy = 0;
    const double seconds = bench::BestSeconds(3, [&] {
        for (int i = 0; i < kEvals; ++i) truthy += formula::Evaluate(*compiled, context)->boolean() ? 1 : 0;
    });
    if (truthy == 0) Die("the rule never held");
    return kEvals / seconds;
}

std::vector<json> OpportunityRows() {
    std::vector<json> rows;
    rows.reserve(kSaves);
    for (int i = 0; i < kSaves; ++i) {
        rows.push_back({{"Name", "Deal " + std::to_string(i)},
                        {"StageName", kStages[i % 5]},
                        {"Amount", 1000 + (i % 997) * 10},
                        {"CloseDate", "2026-0" + std::to_string(1 + i % 9) + "-15"},
                        {"Probability", (i % 10) * 10}});
    }
    return rows;
}

double PipelineSeconds() {
    FixedClock clock(kNow);
    auto ws = OpenWorkspace("pipeline.db", clock);
    SchemaService& schema = ws->schema();
    ValidationRule a;
    a.object = "Opportunity";
    a.name = "Close_Date_When_Won";
    a.condition = "AND(ISPICKVAL(StageName, \"Closed Won\"), ISBLANK(CloseDate))";
    a.error_message = "Enter the close date.";
    ValidationRule b = a;
    b.name = "Amount_Positive";
    b.condition = "OR(Amount < 0, Probability > 100)";
    b.error_message = "Amount must be positive.";
    if (!schema.CreateRule("bench", a).ok() || !schema.CreateRule("bench", b).ok()) Die("rules");
    for (const char* name : {"StageName", "Amount"}) {
        FieldDef f = *(*schema.Object("Opportunity"))->Field(name);
        f.track_history = true;
        if (!schema.UpdateField("bench", f).ok()) Die("history");
    }
    const std::vector<json> rows = OpportunityRows();
    return bench::BestSeconds(1, [&] {
        BatchResult r = ws->records().CreateBatch("bench", "Opportunity", rows);
        if (!r.ok()) Die(r.errors.front().message);
    });
}

double PlainSqlSeconds() {
    FixedClock clock(kNow);
    auto ws = OpenWorkspace("plain.db", clock);
    const std::vector<json> rows = OpportunityRows();
    Database& db = ws->db();
    return bench::BestSeconds(1, [&] {
        Transaction tx(db);
        Statement ins = db.Prepare(
            "INSERT INTO rec_opportunity(owner_id, created_at, created_by, updated_at, updated_by, name, "
            "stagename, "
            "amount, closedate, probability) VALUES(NULL, ?1, 'bench', ?1, 'bench', ?2, ?3, ?4, ?5, ?6)");
        for (const json& row : rows) {
            ins.Reset();
            const std::string date = row["CloseDate"].get<std::string>();
            ins.Bind(1, kNow)
                .Bind(2, row["Name"].get<std::string>())
                .Bind(3, row["StageName"].get<std::string>())
                .Bind(4, row["Amount"].get<double>())
                .Bind(5, *formula::ParseDate(date))
                .Bind(6, row["Probability"].get<double>());
            if (!ins.Run().ok()) Die("plain insert");
        }
        if (!tx.Commit().ok()) Die("commit");
    });
}

void SchemaChanges(int records, double& add_ms, double& retype_ms) {
    FixedClock clock(kNow);
    auto ws = OpenWorkspace("schema.db", clock);
    FieldDef score;
    score.object = "Opportunity";
    score.api_name = "Score__c";
    score.label = "Score";
    score.type = FieldType::Text;
    if (auto r = ws->schema().CreateField("bench", score); !r.ok()) Die(r.error().message);
    int i = 0;
    Status s =
        ws->records().BulkInsertUnchecked("bench", "Opportunity", {"Name", "StageName", "Amount", "Score__c"},
                                          [&](std::vector<formula::Value>& row) {
                                              if (i >= records) return false;
                                              row[0] = formula::Value::Text("Deal " + std::to_string(i));
                                              row[1] = formula::Value::Picklist(kStages[i % 5]);
                                              row[2] = formula::Value::Number(1000 + i % 997);
                                              row[3] = formula::Value::Text(std::to_string(i % 1000));
                                              ++i;
                                              return true;
                                          });
    if (!s.ok()) Die(s.error().message);
    FieldDef added;
    added.object = "Opportunity";
    added.api_name = "Segment__c";
    added.label = "Segment";
    added.type = FieldType::Text;
    add_ms = 1000 * bench::BestSeconds(1, [&] {
                 if (auto r = ws->schema().CreateField("bench", added); !r.ok()) Die(r.error().message);
             });
    FieldDef to = *(*ws->schema().Object("Opportunity"))->Field("Score__c");
    to.type = FieldType::Number;
    retype_ms = 1000 * bench::BestSeconds(1, [&] {
                    auto r = ws->schema().RetypeField("bench", to, RetypeMode::RefuseIfAny);
                    if (!r.ok()) Die(r.error().message);
                });
}

int RecordCount(int argc, char** argv) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--records") == 0) return std::atoi(argv[i + 1]);
    }
    if (const char* env = std::getenv("CRM_BENCH_RECORDS")) return std::atoi(env);
    return 1'000'000;
}

}  // namespace

int main(int argc, char** argv) {
    bool figures_only = false;
    for (int i = 1; i < argc; ++i) figures_only = figures_only || std::strcmp(argv[i], "--figures-only") == 0;
    const std::string wasm_js = bench::WasmJsArg(argc, argv);
    const int records = RecordCount(argc, argv);

    bench::Figure("formula.evals_per_s", EvalsPerSecond());
    const double pipeline = PipelineSeconds();
    const double plain = PlainSqlSeconds();
    bench::Figure("records.pipeline_s", pipeline);
    bench::Figure("records.plain_sql_s", plain);
    bench::Figure("records.save_ratio_vs_sql", pipeline / plain);
#ifndef __EMSCRIPTEN__
    (void)figures_only;
    double add_ms = 0, retype_ms = 0;
    SchemaChanges(records, add_ms, retype_ms);
    bench::Figure("schema.records", records);
    bench::Figure("schema.add_field_ms", add_ms);
    bench::Figure("schema.retype_field_ms", retype_ms);
    std::map<std::string, double> wasm = bench::RunWasmTwin(wasm_js);
    if (wasm.count("records.pipeline_s")) {
        bench::Figure("schema.wasm_ratio.save", wasm["records.pipeline_s"] / pipeline);
        bench::Figure("schema.wasm.save_ratio_vs_sql", wasm["records.save_ratio_vs_sql"]);
        bench::Figure("schema.wasm.formula.evals_per_s", wasm["formula.evals_per_s"]);
    }
#endif
    return 0;
}
