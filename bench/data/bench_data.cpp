// Data management benchmark (issue #13), each figure against a reference run in the same process:
//   import.rows_per_s             CRM_BENCH_IMPORT_ROWS (1,000,000) rows x 10 columns of Opportunities from a
//                                 CSV file through the whole import (parse, map, validate, save), native,
//                                 in the batches the console commits (ImportOptions' default)
//   import.ratio_vs_sqlite_shell  that import's time over Debian's sqlite3 shell `.import` of the same file
//                                 into a plain table (target <= 3)
//   backup.mb_per_s               backup.create of a CRM_BENCH_BACKUP_MB (200) MB workspace;
//                                 backup.ratio_vs_copy: over a plain file copy of the database
//   restore.mb_per_s              restore.run of that backup (checks, keeps the current data, switches)
//   dedup.scan_s                  a scan of CRM_BENCH_ACCOUNTS (100,000) Accounts by a fuzzy-name rule
//                                 (target <= 5); dedup.ratio_vs_group_by: over SQL grouping by lower(Name)
//   data.wasm_ratio               the twin import (20,000 rows) in wasm over native, each side keeping its
//                                 workspace as its console does (bench::UseConsoleStorage); the best of
//                                 three alternating runs of each side, the wasm side's second import in its
//                                 process (target <= 2); data.wasm_ratio_first_pass its first import, run
//                                 while V8 still compiles the hot code (bench::AlternatingWasmRatios)
//   dedup.save_check_ratio        saves of new Accounts with an alert rule over the same with none
//                                 (dedup_save_bench.cpp; CRM_BENCH_DEDUP_SAVE_ONLY: those figures alone)
// CRM_BENCH_IMPORT_ONLY: the import figures alone (the import, the sqlite3 shell, data.wasm_ratio); with
// CRM_BENCH_IMPORT_ROWS=200000, say, a run of seconds to profile.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "bench_util.h"
#include "data/backup.h"
#include "data/dedup.h"
#include "data/import.h"
#include "storage/database.h"
#include "workspace.h"

using namespace crm;

std::map<std::string, double> MeasureDedupSave();  // dedup_save_bench.cpp

namespace {

constexpr int64_t kNow = 1'795'712'400'000;
constexpr int kTwinRows = 20'000;

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "bench_data: %s\n", what.c_str());
    std::exit(1);
}

int EnvInt(const char* name, int fallback) {
    const char* v = std::getenv(name);
    return v ? std::max(1, std::atoi(v)) : fallback;
}

std::unique_ptr<Workspace> Open(const std::string& file, const FixedClock& clock) {
    std::filesystem::create_directories("bench_tmp");
    const std::string path = "bench_tmp/" + file;
    bench::RemoveWorkspace(path);
    auto opened = Workspace::Open(path, {&clock, bench::kConsoleDurability});
    if (!opened.ok()) Die(opened.error().message);
    return std::move(opened.value());
}

uint64_t Next(uint64_t& x) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return x >> 33;
}

/// A CSV of `rows` Opportunities, 10 columns.
void WriteCsv(const std::string& path, int rows) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) Die("cannot write " + path);
    std::fputs(
        "Opportunity Name,Stage,Amount,Close Date,Probability (%),Type,Lead Source,Next Step,Description,"
        "Account\n",
        f);
    const char* stages[] = {"Prospecting", "Qualification", "Needs Analysis", "Proposal", "Negotiation"};
    const char* sources[] = {"Web", "Phone Inquiry", "Partner Referral", "Trade Show", "Other"};
    uint64_t x = 7;
    for (int i = 0; i < rows; ++i) {
        std::fprintf(
            f, "Deal %d,%s,%llu.%02llu,2027-%02llu-%02llu,%llu,%s,%s,Call back,\"Notes, line %d\",1\n", i,
            stages[Next(x) % 5], static_cast<unsigned long long>(Next(x) % 100000),
            static_cast<unsigned long long>(Next(x) % 100), static_cast<unsigned long long>(1 + Next(x) % 12),
            static_cast<unsigned long long>(1 + Next(x) % 28), static_cast<unsigned long long>(Next(x) % 101),
            Next(x) % 2 ? "New Business" : "Existing Business", sources[Next(x) % 5], i);
    }
    std::fclose(f);
}

CsvReader::Source FileSource(std::FILE* f) {
    return [f](char* buf, size_t size) { return std::fread(buf, 1, size, f); };
}

/// Seconds to import `path` into a fresh workspace; dies unless every row went in.
double ImportSeconds(const std::string& csv, int rows, const FixedClock& clock, const char* db) {
    auto ws = Open(db, clock);
    if (!ws->records().Create("admin", "Account", {{"Name", "Acme"}}).ok()) Die("account");
    ImportOptions o;
    o.object = "Opportunity";
    std::FILE* f = std::fopen(csv.c_str(), "rb");
    if (!f) Die("cannot read " + csv);
    Result<ImportReport> r = Error{};
    const double s = bench::BestSeconds(1, [&] { r = ws->data().importer().Run("admin", o, FileSource(f)); });
    std::fclose(f);
    if (!r.ok()) Die(r.error().message);
    if (r->inserted != rows) {
        std::string why =
            r->results.empty() || r->results[0].errors.empty() ? "" : r->results[0].errors[0].message;
        Die("the import took " + std::to_string(r->inserted) + " of " + std::to_string(rows) +
            " rows: " + why);
    }
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string wasm_js = bench::WasmJsArg(argc, argv);
    FixedClock clock(kNow);
#ifndef __EMSCRIPTEN__
    if (std::getenv("CRM_BENCH_DEDUP_SAVE_ONLY")) {
        for (const auto& [name, value] : MeasureDedupSave()) bench::Figure(name, value);
        return 0;
    }
#endif
    bench::UseConsoleStorage("bench_tmp/data_twin.db");
#ifdef __EMSCRIPTEN__
    const std::string twin_csv = "bench_tmp_twin_wasm.csv";  // the native run reads its own meanwhile
#else
    const std::string twin_csv = "bench_tmp_twin.csv";
#endif
    WriteCsv(twin_csv, kTwinRows);
    // Twice: the first pass runs while the wasm code is still baseline code (bench::AlternatingWasmRatios).
    bench::Figure("data.twin_first_import_s", ImportSeconds(twin_csv, kTwinRows, clock, "data_twin.db"));
    bench::Figure("data.twin_import_s", ImportSeconds(twin_csv, kTwinRows, clock, "data_twin.db"));
#ifndef __EMSCRIPTEN__
    // Import against the sqlite3 shell.
    const int rows = EnvInt("CRM_BENCH_IMPORT_ROWS", 1'000'000);
    const std::string csv = "bench_tmp/opportunities.csv";
    WriteCsv(csv, rows);
    const double import_s = ImportSeconds(csv, rows, clock, "data_import.db");
    bench::Figure("import.rows", rows);
    bench::Figure("import.rows_per_s", rows / import_s);
    std::filesystem::remove("bench_tmp/shell.db");
    const std::string shell = "sqlite3 bench_tmp/shell.db '.mode csv' '.import " + csv + " opps'";
    const double shell_s = bench::BestSeconds(1, [&] {
        if (std::system(shell.c_str()) != 0) Die("the sqlite3 shell failed");
    });
    bench::Figure("import.sqlite_shell_s", shell_s);
    bench::Figure("import.ratio_vs_sqlite_shell", import_s / shell_s);
    std::filesystem::remove(csv);
    auto wasm_ratio = [&] {
        const bench::WasmRatios ratio = bench::AlternatingWasmRatios(
            wasm_js, "data.twin_import_s", "data.twin_first_import_s",
            [&] { return ImportSeconds(twin_csv, kTwinRows, clock, "data_twin.db"); });
        if (ratio.warm > 0) {
            bench::Figure("data.wasm_ratio", ratio.warm);
            bench::Figure("data.wasm_ratio_first_pass", ratio.first);
        }
        std::remove(twin_csv.c_str());
    };
    if (std::getenv("CRM_BENCH_IMPORT_ONLY")) {
        wasm_ratio();
        return 0;
    }

    // Backup and restore of a workspace of about CRM_BENCH_BACKUP_MB.
    {
        auto ws = Open("data_backup.db", clock);
        const int64_t target = static_cast<int64_t>(EnvInt("CRM_BENCH_BACKUP_MB", 200)) * 1'000'000;
        const std::string filler(200, 'x');
        int i = 0;
        Status s = ws->records().BulkInsertUnchecked(
            "admin", "Opportunity", {"Name", "StageName", "Amount", "Description"},
            [&](std::vector<formula::Value>& row) {
                if (i >= target / 330) return false;
                row[0] = formula::Value::Text("Deal " + std::to_string(i++));
                row[1] = formula::Value::Picklist("Prospecting");
                row[2] = formula::Value::Number(formula::Decimal::FromInt(i % 1000));
                row[3] = formula::Value::Text(filler + std::to_string(i));
                return true;
            });
        if (!s.ok()) Die(s.error().message);
        const double mb = static_cast<double>(std::filesystem::file_size("bench_tmp/data_backup.db")) / 1e6;
        bench::Figure("backup.workspace_mb", mb);
        std::filesystem::remove("bench_tmp/data.crmbackup");
        const double backup_s = bench::BestSeconds(1, [&] {
            Result<BackupManifest> m = ws->data().backups().Create("admin", "bench_tmp/data.crmbackup");
            if (!m.ok()) Die(m.error().message);
        });
        const double copy_s = bench::BestSeconds(1, [&] {
            std::filesystem::copy_file("bench_tmp/data_backup.db", "bench_tmp/copy.db",
                                       std::filesystem::copy_options::overwrite_existing);
        });
        std::filesystem::remove("bench_tmp/copy.db");
        bench::Figure("backup.mb_per_s", mb / backup_s);
        bench::Figure("backup.ratio_vs_copy", backup_s / copy_s);
        std::filesystem::create_directories("bench_tmp/kept");
        const double restore_s = bench::BestSeconds(1, [&] {
            Result<RestoreReport> r =
                ws->data().backups().Restore("admin", "bench_tmp/data.crmbackup", "bench_tmp/kept");
            if (!r.ok()) Die(r.error().message);
        });
        bench::Figure("restore.mb_per_s", mb / restore_s);
        std::filesystem::remove_all("bench_tmp/kept");
        std::filesystem::remove("bench_tmp/data.crmbackup");
    }

    // The duplicate scan.
    {
        auto ws = Open("data_dedup.db", clock);
        const int accounts = EnvInt("CRM_BENCH_ACCOUNTS", 100'000);
        const char* first[] = {"North",  "South",  "Blue", "Green", "Star", "Bright", "Grand", "Pacific",
                               "Golden", "Silver", "Red",  "Alpha", "Nova", "Summit", "River", "Ocean"};
        const char* second[] = {"Tech",   "Foods",  "Logistics", "Trading", "Systems", "Media",
                                "Energy", "Health", "Capital",   "Motors",  "Labs",    "Textiles"};
        uint64_t x = 11;
        int i = 0;
        Status s = ws->records().BulkInsertUnchecked(
            "admin", "Account", {"Name"}, [&](std::vector<formula::Value>& row) {
                if (i >= accounts) return false;
                std::string name = std::string(first[Next(x) % 16]) + " " + second[Next(x) % 12] + " " +
                                   std::to_string(i / 20) + (i % 20 == 0 ? " Ltd" : "");
                if (i % 20 == 1) name[name.size() / 2] = 'q';  // a typo: a near duplicate of some other
                row[0] = formula::Value::Text(name);
                ++i;
                return true;
            });
        if (!s.ok()) Die(s.error().message);
        Result<DuplicateRule> rule =
            DuplicateRuleFromJson({{"object", "Account"},
                                   {"name", "Similar_name"},
                                   {"action", "scan_only"},
                                   {"conditions", {{{"field", "Name"}, {"method", "fuzzy"}}}}});
        if (!rule.ok() || !ws->data().dedup().SaveRule("admin", *rule).ok()) Die("the rule");
        ScanOptions o;
        o.object = "Account";
        Result<ScanResult> r = Error{};
        const double scan_s = bench::BestSeconds(1, [&] { r = ws->data().dedup().Scan("admin", o); });
        if (!r.ok()) Die(r.error().message);
        int64_t groups = 0;
        const double group_by_s = bench::BestSeconds(1, [&] {
            Statement st = ws->db().Prepare(
                "SELECT COUNT(*) FROM (SELECT lower(name) FROM rec_account GROUP BY 1 HAVING COUNT(*) > 1)");
            if (st.Step()) groups = st.Int(0);
        });
        bench::Figure("dedup.accounts", static_cast<double>(r->records));
        bench::Figure("dedup.groups", static_cast<double>(r->groups.size()));
        bench::Figure("dedup.comparisons", static_cast<double>(r->comparisons));
        bench::Figure("dedup.scan_s", scan_s);
        bench::Figure("dedup.ratio_vs_group_by", scan_s / group_by_s);
        (void)groups;
    }
    for (const auto& [name, value] : MeasureDedupSave()) bench::Figure(name, value);
    wasm_ratio();
#else
    std::remove(twin_csv.c_str());
#endif
    return 0;
}
