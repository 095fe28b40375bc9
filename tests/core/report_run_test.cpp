// Runs in slices (ReportRun): the same result as a whole run whatever the slice, progress, cancel; and the
// date buckets of a run that cannot redefine its SQL function (a statement still open on the connection).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <map>

#include "report_test_fixture.h"

using namespace crm;
using crm::test::ReportFixture;
using nlohmann::json;

namespace {

ReportDefinition Definition(ReportFixture& f, const json& report) {
    Result<ReportDefinition> def = ReportFromJson(report);
    REQUIRE(def.ok());
    (void)f;
    return *def;
}

/// The labels of the column nodes by id ("2025", "2025 › Q1"...).
void ColumnPaths(const json& nodes, const std::string& above, std::map<int64_t, std::string>& out) {
    for (const json& n : nodes) {
        const std::string path =
            above.empty() ? n["label"].get<std::string>() : above + " › " + n["label"].get<std::string>();
        out[n["id"].get<int64_t>()] = path;
        if (n.contains("children")) ColumnPaths(n["children"], path, out);
    }
}

/// Drops node ids (the order a run met its groups in) and names a matrix cell's column by its labels.
void Canonical(json& nodes, const std::map<int64_t, std::string>& columns) {
    for (json& n : nodes) {
        n.erase("id");
        if (n.contains("cells")) {
            for (json& c : n["cells"]) c["column"] = columns.at(c["column"].get<int64_t>());
            std::sort(n["cells"].begin(), n["cells"].end(),
                      [](const json& a, const json& b) { return a["column"] < b["column"]; });
        }
        if (n.contains("children")) Canonical(n["children"], columns);
    }
}

json Canonical(const ReportResult& r) {
    json out = ToJson(r);
    out.erase("sql");
    std::map<int64_t, std::string> columns;
    if (out.contains("column_groups")) ColumnPaths(out["column_groups"], "", columns);
    Canonical(out["groups"], columns);
    if (out.contains("column_groups")) Canonical(out["column_groups"], columns);
    return out;
}

/// Runs `def` slice by slice (`records` per step) as `actor`; the progress must grow to the total.
json RunSliced(ReportFixture& f, const std::string& actor, const ReportDefinition& def, int64_t records,
               const ReportRunOptions& options = {}) {
    std::unique_ptr<ReportRun> run = f.ws->reports().StartRun(actor, def, options);
    int64_t last = -1;
    int steps = 0;
    while (!run->Step(records)) {
        CHECK(run->scanned() > last);
        CHECK(run->scanned() <= run->total());
        last = run->scanned();
        REQUIRE(++steps < 100000);
    }
    REQUIRE(run->result().ok());
    CHECK(run->scanned() == run->total());
    return Canonical(run->result().value());
}

json RunWhole(ReportFixture& f, const std::string& actor, const ReportDefinition& def,
              const ReportRunOptions& options = {}) {
    Result<ReportResult> r = f.ws->reports().Run(actor, def, options);
    REQUIRE(r.ok());
    return Canonical(*r);
}

}  // namespace

TEST_SUITE("report.run") {
    TEST_CASE("a run in slices gives the whole run's result, whatever the slice, for every viewer") {
        ReportFixture f;
        const json every_aggregate = {
            {{"fn", "count"}},
            {{"fn", "sum"}, {"field", "Amount"}, {"percent", true}},
            {{"fn", "avg"}, {"field", "Amount"}},
            {{"fn", "min"}, {"field", "CloseDate"}},
            {{"fn", "max"}, {"field", "Amount"}},
            {{"fn", "count_distinct"}, {"field", "AccountId"}},
            {{"fn", "median"}, {"field", "Amount"}},
        };
        const json reports[] = {
            {{"object", "Opportunity"},
             {"format", "summary"},
             {"row_groupings", {"StageName", {{"field", "CloseDate"}, {"bucket", "fiscal_quarter"}}}},
             {"aggregates", every_aggregate}},
            {{"object", "Opportunity"},
             {"format", "matrix"},
             {"row_groupings", {"StageName"}},
             {"column_groupings", {{{"field", "CloseDate"}, {"bucket", "year"}}}},
             {"aggregates", {{{"fn", "sum"}, {"field", "Amount"}}, {{"fn", "avg"}, {"field", "Amount"}}}}},
            {{"object", "Opportunity"},
             {"format", "tabular"},
             {"columns", {"Name", "Amount", "Account.Industry"}},
             {"filters", {{{"field", "Amount"}, {"op", ">"}, {"value", 2000}}}},
             {"sort_field", "Amount"}},
            {{"object", "Opportunity"}, {"format", "summary"}, {"row_groupings", {"Account.Industry"}}},
        };
        for (const json& report : reports) {
            const ReportDefinition def = Definition(f, report);
            for (const char* actor : {"admin", "rep1"}) {
                CAPTURE(report.dump());
                CAPTURE(actor);
                const json whole = RunWhole(f, actor, def);
                for (int64_t records : {1, 7, 64, 399, 400}) {
                    CAPTURE(records);
                    // Another row limit keeps the cache out of it.
                    ReportRunOptions options;
                    options.row_limit = 2000 + static_cast<int>(records);
                    CHECK(RunSliced(f, actor, def, records, options) == whole);
                }
            }
        }
    }

    TEST_CASE("COUNT DISTINCT, MEDIAN and the detail rows in slices are the single query's, in every format") {
        ReportFixture f;
        const json unmerged = {
            {{"fn", "count_distinct"}, {"field", "AccountId"}},
            {{"fn", "count_distinct"}, {"field", "Account.Industry"}},
            {{"fn", "count_distinct"}, {"field", "Amount"}, {"key", "amounts"}, {"condition", "Amount > 5000"}},
            {{"fn", "median"}, {"field", "Amount"}},
            {{"fn", "median"}, {"field", "Amount"}, {"key", "won_median"}, {"condition", "ISPICKVAL(StageName, \"Closed Won\")"}},
            {{"fn", "count"}},
        };
        const json reports[] = {
            {{"object", "Opportunity"},
             {"format", "matrix"},
             {"row_groupings", {"StageName", "Owner.Name"}},
             {"column_groupings", {{{"field", "CloseDate"}, {"bucket", "year"}}, "Account.Industry"}},
             {"aggregates", unmerged}},
            {{"object", "Opportunity"}, {"format", "summary"}, {"row_groupings", {"OwnerId"}}, {"aggregates", unmerged}},
            {{"object", "Opportunity"}, {"format", "tabular"}, {"columns", {"Name", "StageName"}}, {"aggregates", unmerged}},
            // Ties in the sort field: the id orders them; blanks first (ascending) or last (descending).
            {{"object", "Opportunity"},
             {"format", "tabular"},
             {"columns", {"Name", "StageName", "Amount", "CloseDate"}},
             {"sort_field", "StageName"},
             {"sort_desc", true}},
            {{"object", "Opportunity"}, {"format", "tabular"}, {"columns", {"Name", "Amount"}}, {"sort_field", "Amount"}},
            {{"object", "Opportunity"},
             {"format", "tabular"},
             {"columns", {"Name", "Owner.Username"}},
             {"sort_field", "Owner.Username"},
             {"sort_desc", true}},
            {{"object", "Opportunity"}, {"format", "tabular"}, {"columns", {"Name", "CreatedDate"}}, {"sort_field", "Account.Industry"}},
        };
        for (const json& report : reports) {
            const ReportDefinition def = Definition(f, report);
            for (const char* actor : {"admin", "rep1", "rep2"}) {
                // Row limits below and above the records matched: the kept first rows across slices.
                for (int row_limit : {2000, 37}) {
                    CAPTURE(report.dump());
                    CAPTURE(actor);
                    CAPTURE(row_limit);
                    ReportRunOptions whole_options;
                    whole_options.row_limit = row_limit;
                    const json whole = RunWhole(f, actor, def, whole_options);
                    for (int64_t records : {1, 13, 100, 399}) {
                        CAPTURE(records);
                        ReportRunOptions options;
                        options.row_limit = row_limit;
                        options.group_limit = 10'000 + static_cast<int>(records);  // not from the cache
                        CHECK(RunSliced(f, actor, def, records, options) == whole);
                    }
                }
            }
        }
        // A drill-down's detail rows (with its totals) in slices.
        const ReportDefinition summary =
            Definition(f, {{"object", "Opportunity"},
                           {"format", "summary"},
                           {"columns", {"Name", "Amount"}},
                           {"sort_field", "Amount"},
                           {"sort_desc", true},
                           {"row_groupings", {"StageName"}},
                           {"aggregates", unmerged}});
        ReportRunOptions drill;
        drill.details = true;
        drill.row_limit = 20;
        drill.drill = {{"StageName", "row_group:0", "Proposal"}};
        const json whole = RunWhole(f, "rep1", summary, drill);
        CHECK(whole["rows"].size() == 20);
        for (int64_t records : {9, 150}) {
            drill.group_limit = 20'000 + static_cast<int>(records);
            CHECK(RunSliced(f, "rep1", summary, records, drill) == whole);
        }
    }

    TEST_CASE("the group cap holds across slices, and the grand total still counts every record") {
        ReportFixture f;
        const ReportDefinition def = Definition(f, {{"object", "Opportunity"},
                                                    {"format", "summary"},
                                                    {"row_groupings", {"Name"}},
                                                    {"aggregates",
                                                     {{{"fn", "count"}},
                                                      {{"fn", "max"}, {"field", "Amount"}},
                                                      {{"fn", "count_distinct"}, {"field", "AccountId"}},
                                                      {{"fn", "median"}, {"field", "Amount"}}}}});
        ReportRunOptions options;
        options.group_limit = 50;
        const json sliced = RunSliced(f, "admin", def, 30, options);
        CHECK(sliced["truncated"] == true);
        CHECK(sliced["groups"].size() == 50);
        CHECK(sliced["totals"]["values"]["count"] == 400);
        options.row_limit = 1;  // not from the cache
        // Which 50 groups a capped run keeps depends on the order it meets them; how many does not.
        const json whole = RunWhole(f, "admin", def, options);
        CHECK(whole["groups"].size() == sliced["groups"].size());
        CHECK(whole["totals"] == sliced["totals"]);
    }

    TEST_CASE("a run in slices can be cancelled between slices; it reports progress and keeps nothing") {
        ReportFixture f;
        const ReportDefinition def = Definition(f, {{"object", "Opportunity"},
                                                    {"format", "summary"},
                                                    {"row_groupings", {"StageName"}},
                                                    {"aggregates", {{{"fn", "sum"}, {"field", "Amount"}}}}});
        std::vector<int64_t> seen;
        ReportRunOptions options;
        options.progress = [&seen](int64_t n) { seen.push_back(n); };
        std::unique_ptr<ReportRun> run = f.ws->reports().StartRun("admin", def, options);
        CHECK_FALSE(run->Step(100));
        CHECK_FALSE(run->Step(100));
        CHECK(run->total() == 400);
        CHECK(run->scanned() == 200);
        CHECK(seen == std::vector<int64_t>{100, 200});
        run->Cancel();
        CHECK(run->Step(100));
        CHECK(run->done());
        REQUIRE_FALSE(run->result().ok());
        CHECK(run->result().error().code == "report.cancelled");
        CHECK(f.ws->reports().cache_stats().entries == 0);

        // A flag the caller holds stops a run the same way (and a run cancelled before it starts reads
        // nothing).
        std::atomic<bool> stop{true};
        options.cancel = &stop;
        Result<ReportResult> stopped = f.ws->reports().Run("admin", def, options);
        REQUIRE_FALSE(stopped.ok());
        CHECK(stopped.error().code == "report.cancelled");
        stop = false;
        seen.clear();
        Result<ReportResult> again = f.ws->reports().Run("admin", def, options);
        REQUIRE(again.ok());
        CHECK(again->record_count == 400);
        CHECK(seen == std::vector<int64_t>{400});
        CHECK(f.ws->reports().cache_stats().entries == 1);
    }

    TEST_CASE("COUNT DISTINCT, MEDIAN and tabular detail rows progress and cancel slice by slice") {
        ReportFixture f;
        const ReportDefinition defs[] = {
            Definition(f, {{"object", "Opportunity"},
                           {"format", "summary"},
                           {"row_groupings", {"StageName"}},
                           {"aggregates",
                            {{{"fn", "count_distinct"}, {"field", "AccountId"}}, {{"fn", "median"}, {"field", "Amount"}}}}}),
            Definition(f, {{"object", "Opportunity"},
                           {"format", "tabular"},
                           {"columns", {"Name", "Amount"}},
                           {"sort_field", "Amount"},
                           {"sort_desc", true}}),
        };
        for (const ReportDefinition& def : defs) {
            CAPTURE(ReportFormatName(def.format));
            std::vector<int64_t> seen;
            ReportRunOptions options;
            options.progress = [&seen](int64_t n) { seen.push_back(n); };
            std::unique_ptr<ReportRun> run = f.ws->reports().StartRun("rep1", def, options);
            for (int i = 0; i < 3; ++i) CHECK_FALSE(run->Step(50));
            CHECK(seen == std::vector<int64_t>{50, 100, 150});
            CHECK(run->scanned() == 150);
            run->Cancel();
            CHECK(run->Step(50));
            REQUIRE_FALSE(run->result().ok());
            CHECK(run->result().error().code == "report.cancelled");
            CHECK(f.ws->reports().cache_stats().entries == 0);
            // Cancelled on its last slice: the step that would finish ends it, with nothing run whole after.
            seen.clear();
            options.row_limit = 1999;  // not from the cache
            run = f.ws->reports().StartRun("rep1", def, options);
            while (run->scanned() < 350) CHECK_FALSE(run->Step(50));
            run->Cancel();
            CHECK(run->Step(50));
            CHECK(run->result().error().code == "report.cancelled");
            CHECK(seen == std::vector<int64_t>{50, 100, 150, 200, 250, 300, 350});
        }
    }

    TEST_CASE("a run across a commit is not kept in the cache") {
        ReportFixture f;
        const ReportDefinition def = Definition(
            f, {{"object", "Opportunity"}, {"format", "summary"}, {"row_groupings", {"StageName"}}});
        std::unique_ptr<ReportRun> run = f.ws->reports().StartRun("admin", def);
        CHECK_FALSE(run->Step(100));
        SaveResult made = f.ws->records().Create(
            "admin", "Opportunity",
            {{"Name", "Late"}, {"StageName", "Prospecting"}, {"CloseDate", "2026-01-01"}});
        REQUIRE(made.ok());
        while (!run->Step(100)) {
        }
        REQUIRE(run->result().ok());
        CHECK(f.ws->reports().cache_stats().entries == 0);
        Result<ReportResult> now = f.ws->reports().Run("admin", def);
        REQUIRE(now.ok());
        CHECK(now->record_count == 401);
    }

    TEST_CASE("date buckets follow the run's fiscal year even when SQLite refuses to redefine the function") {
        // A statement left open on the connection makes SQLite refuse to redefine crm_report_bucket (busy);
        // the function must still bucket with this run's fiscal year and zone, not an ended run's (the
        // dashboard's fiscal quarters once read "Q-1" after a save).
        ReportFixture f(0);
        auto add = [&](const char* name, int y, int m, int d, int64_t created_ms) {
            SaveResult s =
                f.ws->records().Create("admin", "Opportunity",
                                       {{"Name", name},
                                        {"StageName", "Prospecting"},
                                        {"CloseDate", formula::FormatDate(formula::DaysFromCivil(y, m, d))}});
            REQUIRE(s.ok());
            Statement up = f.ws->db().Prepare("UPDATE rec_opportunity SET created_at = ?1 WHERE id = ?2");
            up.Bind(1, created_ms).Bind(2, s.id);
            REQUIRE(up.Run().ok());
        };
        add("a", 2025, 12, 31, 1772944200000);  // 2026-03-08T04:30Z = 03-07 23:30 EST (New York)
        add("b", 2026, 1, 1, 1772955000000);    // 2026-03-08T07:30Z = 03-08 03:30 EDT
        add("c", 2026, 3, 31, 1793507400000);   // 2026-11-01T04:30Z = 11-01 00:30 EDT
        add("d", 2026, 4, 1, 1793592600000);    // 2026-11-02T04:10Z = 11-01 23:10 EST
        add("e", 2026, 6, 30, 1798779600000);   // 2027-01-01T05:00Z = 2027-01-01 00:00 EST
        add("f", 2026, 7, 1, 1798779599000);    // 2027-01-01T04:59:59Z = 2026-12-31 23:59:59 EST
        struct Case {
            int fiscal_start;
            const char* field;
            const char* bucket;
            std::vector<std::string> labels;
        };
        const Case cases[] = {
            {4,
             "CloseDate",
             "day",
             {"2025-12-31", "2026-01-01", "2026-03-31", "2026-04-01", "2026-06-30", "2026-07-01"}},
            {4, "CloseDate", "week", {"2025-12-29", "2026-03-30", "2026-06-29"}},
            {4, "CloseDate", "month", {"2025-12", "2026-01", "2026-03", "2026-04", "2026-06", "2026-07"}},
            {4, "CloseDate", "quarter", {"2025 Q4", "2026 Q1", "2026 Q2", "2026 Q3"}},
            {4, "CloseDate", "year", {"2025", "2026"}},
            {4, "CloseDate", "fiscal_quarter", {"FY2026 Q3", "FY2026 Q4", "FY2027 Q1", "FY2027 Q2"}},
            {4, "CloseDate", "fiscal_year", {"FY2026", "FY2027"}},
            {7, "CloseDate", "fiscal_quarter", {"FY2026 Q2", "FY2026 Q3", "FY2026 Q4", "FY2027 Q1"}},
            {7, "CloseDate", "fiscal_year", {"FY2026", "FY2027"}},
            {1, "CloseDate", "fiscal_quarter", {"FY2025 Q4", "FY2026 Q1", "FY2026 Q2", "FY2026 Q3"}},
            {1, "CreatedDate", "day", {"2026-03-07", "2026-03-08", "2026-11-01", "2026-12-31", "2027-01-01"}},
            {1, "CreatedDate", "week", {"2026-03-02", "2026-10-26", "2026-12-28"}},
            {1, "CreatedDate", "year", {"2026", "2027"}},
            {10, "CreatedDate", "fiscal_quarter", {"FY2026 Q2", "FY2027 Q1", "FY2027 Q2"}},
        };
        int fiscal = 4;
        for (const Case& c : cases) {
            CAPTURE(c.fiscal_start);
            CAPTURE(c.field);
            CAPTURE(c.bucket);
            if (c.fiscal_start != fiscal) {
                fiscal = c.fiscal_start;
                json up = f.api->Execute(
                    {{"cmd", "company.update"}, {"args", {{"fiscal_year_start_month", fiscal}}}});
                REQUIRE(up["ok"] == true);
            }
            const ReportDefinition def =
                Definition(f, {{"object", "Opportunity"},
                               {"format", "summary"},
                               {"row_groupings", {{{"field", c.field}, {"bucket", c.bucket}}}}});
            auto labels_of = [](const ReportResult& r) {
                std::string out;
                for (int n : r.row_nodes[0].children) out += r.row_nodes[static_cast<size_t>(n)].label + "|";
                return out;
            };
            std::string want;
            for (const std::string& l : c.labels) want += l + "|";
            // Once with nothing open, once with a statement stepping (the function cannot be redefined),
            // once in slices.
            Result<ReportResult> plain = f.ws->reports().Run("admin", def);
            REQUIRE(plain.ok());
            CHECK(labels_of(*plain) == want);
            Statement open = f.ws->db().Prepare("SELECT id FROM rec_opportunity");
            REQUIRE(open.Step());
            ReportRunOptions options;
            options.row_limit = 1999;  // not from the cache
            Result<ReportResult> busy = f.ws->reports().Run("admin", def, options);
            REQUIRE(busy.ok());
            CHECK(labels_of(*busy) == want);
            open.Reset();
            options.row_limit = 1998;
            std::unique_ptr<ReportRun> run = f.ws->reports().StartRun("admin", def, options);
            while (!run->Step(2)) {
            }
            REQUIRE(run->result().ok());
            CHECK(labels_of(run->result().value()) == want);
        }
    }
}
