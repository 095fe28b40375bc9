// Deferred indexes (import.h): a large import drops the object's secondary indexes that no stage of the
// save reads and builds them again at its end. The same mixed file (good rows, a date that does not fit, a
// bad decimal, a duplicate a rule blocks) imported with and without deferral gives the same records, row
// results and errors, failed-rows CSV, change sets, field history and audit, and the same indexes after, in
// batches, all or nothing, a dry run and a cancel; a workspace saved mid-import builds them at its next open.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <cstdio>

#include "common/clock.h"
#include "data/dedup.h"
#include "data/import.h"
#include "test_util.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1'795'712'400'000;

/// Every row `sql` gives, each column as SQLite quotes it.
json Dump(Database& db, const std::string& sql) {
    json out = json::array();
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        json row = json::array();
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
            const unsigned char* text = sqlite3_column_text(st, c);
            row.push_back(text ? json(reinterpret_cast<const char*>(text)) : json(nullptr));
        }
        out.push_back(row);
    }
    sqlite3_finalize(st);
    return out;
}

json IndexesOf(Database& db) {
    return Dump(db,
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rec_opportunity' "
                "ORDER BY name");
}

bool HasIndex(Database& db, const std::string& name) {
    for (const json& row : IndexesOf(db))
        if (row[0] == name) return true;
    return false;
}

struct Run {
    FixedClock clock{kNow};
    std::unique_ptr<Workspace> ws;
    json heard = json::array();
    explicit Run(const std::string& path = ":memory:") {
        auto opened = Workspace::Open(path, {&clock, false});
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        ws->AddCommitListener([this](const ChangeSet& set) {
            for (const ObjectChange& c : set.changes)
                heard.push_back({c.area, c.object, ChangeActionName(c.action), c.ids, c.fields});
        });
    }
    void Seed() {
        REQUIRE(ws->records().Create("admin", "Account", {{"Name", "Acme"}}).ok());
        REQUIRE(ws->records()
                    .Create("admin", "Opportunity",
                            {{"Name", "Existing"}, {"StageName", "Prospecting"}, {"CloseDate", "2027-01-01"}})
                    .ok());
        Result<DuplicateRule> rule =
            DuplicateRuleFromJson({{"object", "Opportunity"},
                                   {"name", "Same_name"},
                                   {"action", "block"},
                                   {"conditions", {{{"field", "Name"}, {"method", "exact"}}}}});
        REQUIRE(rule.ok());
        REQUIRE(ws->data().dedup().SaveRule("admin", *rule).ok());
    }
    Result<ImportReport> Import(const std::string& csv, ImportOptions o) {
        o.object = "Opportunity";
        o.mapping = {{"Name", "Name"},
                     {"Stage", "StageName"},
                     {"Close", "CloseDate"},
                     {"Amount", "Amount"},
                     {"Account", "AccountId"}};
        o.transforms = {{"CloseDate", {{"date_format", "DD/MM/YYYY"}}}, {"Amount", {{"decimal", ","}}}};
        return ws->data().importer().Run("admin", o, CsvFromString(csv));
    }
    /// What an import leaves: its report, the records, history, audit, what the listeners heard, the indexes.
    json Snapshot(const ImportReport& r) {
        json results = json::array();
        for (const ImportRowResult& row : r.results) {
            json errors = json::array();
            for (const Error& e : row.errors) errors.push_back({e.code, e.field, e.line, e.message});
            results.push_back({row.line, row.action, row.id, errors});
        }
        Database& db = ws->db();
        return {
            {"report",
             {r.rows, r.inserted, r.updated, r.failed, r.committed, r.cancelled, r.last_line_committed,
              results, r.failed_csv, r.unknown_values}},
            {"records", Dump(db, "SELECT * FROM rec_opportunity ORDER BY id")},
            {"history", Dump(db, "SELECT * FROM field_history ORDER BY id")},
            {"audit", Dump(db,
                           "SELECT at_ms, actor, area, action, target, old_value, new_value FROM audit_log "
                           "ORDER BY id")},
            {"heard", heard},
            {"indexes", IndexesOf(db)},
            {"settings", Dump(db, "SELECT key, value FROM data_settings ORDER BY key")}};
    }
};

/// Good rows, a date that does not fit its format (line 6), a bad decimal (line 9), a duplicate of an
/// earlier row (line 12) and of a record already there (line 14).
std::string MixedCsv() {
    std::string csv = "Name,Stage,Close,Amount,Account\n";
    for (int i = 0; i < 16; ++i) {
        std::string name = "Deal " + std::to_string(i);
        std::string close = std::to_string(1 + i % 28) + "/" + std::to_string(1 + i % 12) + "/2027";
        std::string amount = "\"" + std::to_string(i) + ".000," + std::to_string(i % 10) + "\"";
        if (i == 4) close = "2027-01-31";
        if (i == 7) amount = "12x";
        if (i == 10) name = "Deal 2";
        if (i == 12) name = "Existing";
        csv += name + ",Prospecting," + close + "," + amount + ",1\n";
    }
    return csv;
}

/// The same import with the indexes kept and with them deferred after `after` rows: both snapshots.
std::pair<json, json> Both(ImportOptions o, int64_t after, const std::string& csv = MixedCsv()) {
    json out[2];
    for (int deferring = 0; deferring < 2; ++deferring) {
        Run run;
        run.Seed();
        run.heard = json::array();
        o.defer_indexes_after = deferring ? after : 0;
        const json before = IndexesOf(run.ws->db());
        bool dropped_amount = false, dropped_name = false;
        auto told = o.progress;
        o.progress = [&](int64_t rows) {
            dropped_amount = dropped_amount || !HasIndex(run.ws->db(), "idx_rec_opportunity_amount");
            dropped_name = dropped_name || !HasIndex(run.ws->db(), "idx_rec_opportunity_name");
            return told ? told(rows) : true;
        };
        Result<ImportReport> r = run.Import(csv, o);
        REQUIRE(r.ok());
        o.progress = told;
        out[deferring] = run.Snapshot(*r);
        CHECK(out[deferring]["indexes"] == before);
        CHECK_FALSE(dropped_name);  // the duplicate rule reads Name: its index stays
        if (!o.all_or_nothing && !o.dry_run) CHECK(dropped_amount == (deferring == 1));
    }
    return {out[0], out[1]};
}

}  // namespace

TEST_SUITE("data.import_defer") {
    TEST_CASE("in batches: the same records, errors, failed rows, change sets and audit; the indexes back") {
        ImportOptions o;
        o.batch_size = 3;
        auto [kept, deferred] = Both(o, 4);
        CHECK(kept == deferred);
        CHECK(kept["report"][1] == 12);  // inserted
        CHECK(kept["report"][3] == 4);   // failed
        const json& results = kept["report"][7];
        std::vector<std::pair<int, std::string>> failed;
        for (const json& row : results)
            if (row[1] == "error") failed.emplace_back(row[0].get<int>(), row[3][0][1].get<std::string>());
        CHECK(failed ==
              std::vector<std::pair<int, std::string>>{{6, "Close"}, {9, "Amount"}, {12, ""}, {14, ""}});
    }

    TEST_CASE("all or nothing and a dry run: the change that rolls back puts the indexes back") {
        ImportOptions o;
        o.batch_size = 3;
        o.all_or_nothing = true;
        auto [kept, deferred] = Both(o, 4);
        CHECK(kept == deferred);
        CHECK(kept["report"][4] == false);  // not committed: a row failed
        CHECK(kept["records"].size() == 1);
        o.all_or_nothing = false;
        o.dry_run = true;
        auto [kept_dry, deferred_dry] = Both(o, 4);
        CHECK(kept_dry == deferred_dry);
        // A clean file all or nothing commits, the indexes built inside its one change.
        std::string clean = "Name,Stage,Close,Amount,Account\n";
        for (int i = 0; i < 10; ++i)
            clean += "Clean " + std::to_string(i) + ",Prospecting,1/2/2027,\"1,5\",1\n";
        o.dry_run = false;
        o.all_or_nothing = true;
        auto [kept_clean, deferred_clean] = Both(o, 4, clean);
        CHECK(kept_clean == deferred_clean);
        CHECK(kept_clean["report"][1] == 10);
        CHECK(kept_clean["report"][4] == true);
    }

    TEST_CASE("a cancel keeps whole batches and builds the indexes") {
        ImportOptions o;
        o.batch_size = 3;
        o.progress = [](int64_t rows) { return rows < 12; };
        auto [kept, deferred] = Both(o, 4);
        CHECK(kept == deferred);
        CHECK(kept["report"][5] == true);  // cancelled
    }

    TEST_CASE("a workspace saved mid-import builds the deferred indexes at its next open") {
        const std::string live = test::TempPath("import_defer_live.db"),
                          mid = test::TempPath("import_defer_mid.db");
        json before;
        {
            Run run(live);
            run.Seed();
            before = IndexesOf(run.ws->db());
            ImportOptions o;
            o.batch_size = 3;
            o.defer_indexes_after = 4;
            bool saved = false;
            o.progress = [&](int64_t) {
                if (!saved && !HasIndex(run.ws->db(), "idx_rec_opportunity_amount")) {
                    REQUIRE(run.ws->db().BackupTo(mid).ok());
                    saved = true;
                }
                return true;
            };
            REQUIRE(run.Import(MixedCsv(), o).ok());
            CHECK(saved);
            CHECK(IndexesOf(run.ws->db()) == before);
        }
        {
            // The copy taken mid-import lacks them and lists them ...
            Database* raw = nullptr;
            auto opened = Database::Open(mid);
            REQUIRE(opened.ok());
            raw = opened.value().get();
            CHECK_FALSE(HasIndex(*raw, "idx_rec_opportunity_amount"));
            CHECK(Dump(*raw, "SELECT 1 FROM data_settings WHERE key = 'import_deferred_indexes'").size() ==
                  1);
        }
        // ... and opened as a workspace, it builds them.
        Run reopened(mid);
        CHECK(IndexesOf(reopened.ws->db()) == before);
        CHECK(Dump(reopened.ws->db(), "SELECT 1 FROM data_settings WHERE key = 'import_deferred_indexes'")
                  .empty());
        reopened.ws.reset();
        std::remove(live.c_str());
        std::remove(mid.c_str());
    }
}
