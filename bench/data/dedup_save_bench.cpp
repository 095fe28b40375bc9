// dedup.save_check_ratio: saving CRM_BENCH_DEDUP_NEW (20,000) new Accounts (batches of 1,000 through the
// whole save pipeline) into a table of CRM_BENCH_DEDUP_TABLE (100,000) with an alert rule active, over the
// same saves into the same table with no rule, in the same process.
//   dedup.save_no_rule_s         the saves with no rule (the reference)
//   dedup.save_alert_s           with an alert rule on the company name (legal suffixes removed) or the phone
//   dedup.save_check_ratio       the two over each other
//   dedup.save_fuzzy_ms          per save, CRM_BENCH_DEDUP_FUZZY_NEW (1,000) saves with the demo's alert rule
//                                instead (company names at similarity 0.92: every record sharing enough
//                                letters is compared, see dedup_index.h)
//   dedup.save_check_ratio_fuzzy that per save over the saves with no rule
//   dedup.check_ms               per dedup.check (the record form's question) of a near duplicate, after the
//                                alert rule's saves: through the save stage's key index
//   dedup.check_every_ms         the same checks compared with every stored record (the reference)
//   dedup.check_ratio            the two over each other (the index's gain)
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "bench_util.h"
#include "data/dedup.h"
#include "workspace.h"

using namespace crm;

namespace {

constexpr int64_t kSaveNow = 1'795'712'400'000;

[[noreturn]] void Fail(const std::string& what) {
    std::fprintf(stderr, "bench_data (dedup save): %s\n", what.c_str());
    std::exit(1);
}

int Count(const char* name, int fallback) {
    const char* v = std::getenv(name);
    return v ? std::max(1, std::atoi(v)) : fallback;
}

const char* const kFirst[] = {"North",  "South",  "Blue", "Green", "Star", "Bright", "Grand", "Pacific",
                              "Golden", "Silver", "Red",  "Alpha", "Nova", "Summit", "River", "Ocean"};
const char* const kSecond[] = {"Tech",   "Foods",  "Logistics", "Trading", "Systems", "Media",
                               "Energy", "Health", "Capital",   "Motors",  "Labs",    "Textiles"};
const char* const kSuffix[] = {"", " Ltd", " Inc.", "有限公司"};

std::string Name(uint64_t& x, int i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const uint64_t r = x >> 33;
    return std::string(kFirst[r % 16]) + " " + kSecond[(r >> 4) % 12] + " " + std::to_string(i / 3) +
           kSuffix[(r >> 8) % 4];
}

std::string Phone(int i) { return "+86 139 " + std::to_string(10'000'000 + (i * 7919) % 90'000'000); }

/// Milliseconds per dedup.check, through the key index and with every stored record compared.
struct CheckTimes {
    double indexed_ms = 0.0;
    double every_ms = 0.0;
};

/// A workspace of `table` Accounts, then `fresh` more saved through the pipeline with `rule` (none when
/// null): the seconds of those saves; `checks` (optional) gets the time of a check afterwards.
double SaveSeconds(const char* file, int table, int fresh, const char* rule, CheckTimes* checks = nullptr) {
    FixedClock clock(kSaveNow);
    std::filesystem::create_directories("bench_tmp");
    const std::string path = std::string("bench_tmp/") + file;
    std::filesystem::remove(path);
    auto opened = Workspace::Open(path, {&clock, false});
    if (!opened.ok()) Fail(opened.error().message);
    Workspace& ws = **opened;
    uint64_t x = 5;
    int i = 0;
    Status s = ws.records().BulkInsertUnchecked("admin", "Account", {"Name", "Phone"},
                                                [&](std::vector<formula::Value>& row) {
                                                    if (i >= table) return false;
                                                    row[0] = formula::Value::Text(Name(x, i));
                                                    row[1] = formula::Value::Text(Phone(i));
                                                    ++i;
                                                    return true;
                                                });
    if (!s.ok()) Fail(s.error().message);
    if (rule) {
        Result<DuplicateRule> r = DuplicateRuleFromJson(nlohmann::json::parse(rule));
        if (!r.ok() || !ws.data().dedup().SaveRule("admin", *r).ok()) Fail("the rule");
    }
    // New records: every third a near duplicate of a stored one (another suffix, a phone written otherwise).
    std::vector<nlohmann::json> rows;
    for (int k = 0; k < fresh; ++k) {
        const int like = (k * 37) % table;
        nlohmann::json row = {{"Name", Name(x, k % 3 == 0 ? like : table + k)}};
        row["Phone"] = k % 3 == 0 ? Phone(like) : Phone(table + k);
        rows.push_back(std::move(row));
    }
    const double seconds = bench::BestSeconds(1, [&] {
        for (size_t at = 0; at < rows.size(); at += 1000) {
            std::vector<nlohmann::json> batch(
                rows.begin() + static_cast<std::ptrdiff_t>(at),
                rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), at + 1000)));
            BatchResult b = ws.records().CreateBatch("admin", "Account", batch);
            if (!b.ok()) Fail(b.errors.front().message);
        }
    });
    if (checks) {
        // Near duplicates of stored records, as the record form asks while a user types.
        auto check = [&](int count, bool every) {
            uint64_t y = 11;
            return bench::BestSeconds(1, [&] {
                       for (int k = 0; k < count; ++k) {
                           const int like = (k * 7919) % table;
                           const nlohmann::json values = {{"Name", Name(y, like)}, {"Phone", Phone(like)}};
                           Result<std::vector<DuplicateMatch>> m =
                               every ? ws.data().dedup().CheckEveryRecord("admin", "Account", values, 0)
                                     : ws.data().dedup().Check("admin", "Account", values, 0);
                           if (!m.ok()) Fail(m.error().message);
                       }
                   }) *
                   1000.0 / count;
        };
        checks->indexed_ms = check(500, false);
        checks->every_ms = check(10, true);
    }
    opened->reset();
    std::filesystem::remove(path);
    return seconds;
}

}  // namespace

std::map<std::string, double> MeasureDedupSave() {
    const int table = Count("CRM_BENCH_DEDUP_TABLE", 100'000), fresh = Count("CRM_BENCH_DEDUP_NEW", 20'000);
    std::map<std::string, double> out;
    const double none = SaveSeconds("dedup_save_none.db", table, fresh, nullptr);
    CheckTimes checks;
    const double alert = SaveSeconds(
        "dedup_save_alert.db", table, fresh,
        R"j({"object": "Account", "name": "Same_company_or_phone", "action": "alert", "logic": "or",
            "conditions": [{"field": "Name", "method": "company"}, {"field": "Phone", "method": "phone"}]})j",
        &checks);
    const int fuzzy_new = Count("CRM_BENCH_DEDUP_FUZZY_NEW", 1'000);
    const double fuzzy =
        SaveSeconds("dedup_save_fuzzy.db", table, fuzzy_new,
                    R"j({"object": "Account", "name": "Similar_company_name", "action": "alert",
            "conditions": [{"field": "Name", "method": "company", "threshold": 0.92}]})j");
    out["dedup.save_table"] = table;
    out["dedup.save_new"] = fresh;
    out["dedup.save_no_rule_s"] = none;
    out["dedup.save_alert_s"] = alert;
    out["dedup.save_check_ratio"] = alert / none;
    out["dedup.save_no_rule_ms"] = none * 1000.0 / fresh;
    out["dedup.save_fuzzy_ms"] = fuzzy * 1000.0 / fuzzy_new;
    out["dedup.save_check_ratio_fuzzy"] = (fuzzy / fuzzy_new) / (none / fresh);
    out["dedup.check_ms"] = checks.indexed_ms;
    out["dedup.check_every_ms"] = checks.every_ms;
    out["dedup.check_ratio"] = checks.every_ms / checks.indexed_ms;
    return out;
}
