// The report engine against independent plain SQL, per viewer; hidden fields; dates; caps; cancel.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <set>

#include "report/report_navigation.h"
#include "report_test_fixture.h"

using namespace crm;
using crm::test::ReportFixture;
using nlohmann::json;

namespace {

json With(json base, const json& add) {
    base.update(add);
    return base;
}

double Num(const json& v) { return v.is_null() ? std::nan("") : v.get<double>(); }

/// Runs `sql` (two columns: a group key as text, a number) into a map.
std::map<std::string, double> Groups(Workspace& ws, const std::string& sql) {
    std::map<std::string, double> out;
    Statement st = ws.db().Prepare(sql);
    while (st.Step()) out[st.IsNull(0) ? "" : st.Text(0)] = st.IsNull(1) ? std::nan("") : st.Real(1);
    REQUIRE(st.status().ok());
    return out;
}

std::map<std::string, double> Medians(Workspace& ws, const std::string& where) {
    std::map<std::string, std::vector<double>> values;
    Statement st =
        ws.db().Prepare("SELECT stagename, amount FROM rec_opportunity WHERE amount IS NOT NULL" + where);
    while (st.Step()) values[st.Text(0)].push_back(st.Real(1));
    std::map<std::string, double> out;
    for (auto& [k, v] : values) {
        std::sort(v.begin(), v.end());
        const size_t m = v.size() / 2;
        out[k] = v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
    return out;
}

void Near(double got, double want, double tolerance) {
    if (std::isnan(want)) {
        CHECK(std::isnan(got));
    } else {
        CHECK(std::fabs(got - want) <= tolerance);
    }
}

}  // namespace

TEST_SUITE("report.engine") {
    TEST_CASE("every aggregate of a summary report equals an independent SQL computation, per viewer") {
        ReportFixture f;
        struct Case {
            const char* fn;
            const char* field;
            const char* sql;  // the plain aggregate over rec_opportunity, grouped by stage
            double tolerance;
        };
        const Case cases[] = {
            {"count", "", "COUNT(*)", 0},
            {"sum", "Amount", "ROUND(SUM(amount), 2)", 0.005},
            {"avg", "Amount", "AVG(amount)", 0.0001},
            {"min", "Amount", "MIN(amount)", 0},
            {"max", "Amount", "MAX(amount)", 0},
            {"count_distinct", "AccountId", "COUNT(DISTINCT accountid)", 0},
            {"median", "Amount", "", 0.001},
            {"count", "Amount", "COUNT(amount)", 0},
        };
        struct Viewer {
            std::string as;
            std::string where;  // the same visibility by hand
        };
        const Viewer viewers[] = {
            {"", ""},
            {"rep1", " AND owner_id = " + std::to_string(f.rep1_id)},
        };
        for (const Viewer& v : viewers) {
            for (const Case& c : cases) {
                CAPTURE(c.fn);
                CAPTURE(c.field);
                CAPTURE(v.as);
                json agg = {{"fn", c.fn}, {"key", "v"}};
                if (*c.field) agg["field"] = c.field;
                json r = f.Run({{"object", "Opportunity"},
                                {"format", "summary"},
                                {"row_groupings", {"StageName"}},
                                {"aggregates", {agg}}},
                               v.as);
                REQUIRE(r["ok"] == true);
                const json& res = r["result"];
                std::map<std::string, double> want =
                    *c.sql
                        ? Groups(*f.ws, std::string("SELECT stagename, ") + c.sql +
                                            " FROM rec_opportunity WHERE 1" + v.where + " GROUP BY stagename")
                        : Medians(*f.ws, v.where);
                CHECK(res["groups"].size() == want.size());
                for (const json& g : res["groups"]) {
                    CAPTURE(g["key"].dump());
                    Near(Num(g["values"]["v"]), want[g["key"].get<std::string>()], c.tolerance);
                }
                // The grand total against one ungrouped query.
                if (*c.sql) {
                    std::map<std::string, double> total =
                        Groups(*f.ws, std::string("SELECT 'all', ") + c.sql +
                                          " FROM rec_opportunity WHERE 1" + v.where);
                    Near(Num(res["totals"]["values"]["v"]), total["all"], c.tolerance);
                }
            }
        }
    }

    TEST_CASE(
        "a report built by an administrator shows a rep the rep's numbers, and another rep other numbers") {
        ReportFixture f;
        json created = f.api->Execute({{"cmd", "reports.create"},
                                       {"args",
                                        {{"report",
                                          {{"name", "Pipeline"},
                                           {"object", "Opportunity"},
                                           {"folder", "Sales"},
                                           {"format", "summary"},
                                           {"row_groupings", {"StageName"}},
                                           {"aggregates", {{{"fn", "sum"}, {"field", "Amount"}}}}}}}}});
        REQUIRE(created["ok"] == true);
        const int64_t id = created["result"]["id"];
        auto total = [&](const std::string& as) {
            json request = {{"cmd", "reports.run"}, {"args", {{"id", id}}}};
            if (!as.empty()) request["as"] = as;
            json r = f.api->Execute(request);
            REQUIRE(r["ok"] == true);
            return std::make_pair(r["result"]["record_count"].get<int64_t>(),
                                  Num(r["result"]["totals"]["values"]["sum_Amount"]));
        };
        auto admin = total(""), rep1 = total("rep1"), rep2 = total("rep2");
        auto count_of = [&](int64_t owner) {
            return Groups(*f.ws, "SELECT 'n', COUNT(*) FROM rec_opportunity WHERE owner_id = " +
                                     std::to_string(owner))["n"];
        };
        CHECK(admin.first == 400);
        CHECK(rep1.first == static_cast<int64_t>(count_of(f.rep1_id)));
        CHECK(rep2.first == static_cast<int64_t>(count_of(f.rep2_id)));
        CHECK(rep1.first < admin.first);
        CHECK(rep1.second != rep2.second);
        // The rep reads the shared report in the list.
        json list = f.api->Execute({{"cmd", "reports.list"}, {"as", "rep1"}, {"args", json::object()}});
        REQUIRE(list["ok"] == true);
        CHECK(list["result"].size() == 1);
    }

    TEST_CASE(
        "a field the viewer cannot read never appears: column, grouping, filter, aggregate, drill, export") {
        ReportFixture f;
        const json base = {
            {"object", "Opportunity"}, {"format", "summary"}, {"row_groupings", {"StageName"}}};
        struct Probe {
            const char* what;
            json report;
            json extra;
        };
        std::vector<Probe> probes = {
            {"grouping",
             {{"object", "Opportunity"}, {"format", "summary"}, {"row_groupings", {"Secret__c"}}},
             {}},
            {"column", {{"object", "Opportunity"}, {"columns", {"Name", "Secret__c"}}}, {}},
            {"filter",
             With(base, json{{"filters", {{{"field", "Secret__c"}, {"op", ">"}, {"value", 10}}}}}),
             {}},
            {"aggregate", With(base, json{{"aggregates", {{{"fn", "sum"}, {"field", "Secret__c"}}}}}), {}},
            {"condition",
             With(base, json{{"aggregates", {{{"fn", "count"}, {"condition", "Secret__c > 10"}}}}}),
             {}},
            {"filter formula", With(base, json{{"filter_formula", "Secret__c > 10"}}), {}},
            {"sort", {{"object", "Opportunity"}, {"columns", {"Name"}}, {"sort_field", "Secret__c"}}, {}},
            {"drill", base, {{"drill", {{{"field", "Secret__c"}, {"value", 3}}}}}},
        };
        for (const Probe& p : probes) {
            CAPTURE(p.what);
            json admin = f.Run(p.report, "", p.extra);
            CAPTURE(admin.dump().substr(0, 300));
            CHECK(admin["ok"] == true);
            json rep = f.Run(p.report, "rep1", p.extra);
            CAPTURE(rep.dump());
            CHECK(rep["ok"] == false);
            CHECK(rep["error"]["code"] == "report.field_not_readable");
            CHECK(rep.dump().find("Secret") == std::string::npos);
        }
        // Export obeys it too (the administrator holds Export Reports; give it to reps through a permission
        // set).
        json grant[] = {
            {{"cmd", "permsets.create"}, {"args", {{"name", "Exporters"}}}},
            {{"cmd", "permsets.set_system"},
             {"args", {{"name", "Exporters"}, {"permission", "export_reports"}, {"granted", true}}}},
            {{"cmd", "users.assign_permset"},
             {"args", {{"username", "rep1"}, {"permission_set", "Exporters"}}}},
        };
        for (const json& g : grant) {
            json r = f.api->Execute(g);
            CAPTURE(r.dump());
        }
        json ex = f.api->Execute({{"cmd", "reports.export"},
                                  {"as", "rep1"},
                                  {"args", {{"report", probes[1].report}, {"format", "csv"}}}});
        CHECK(ex["ok"] == false);
        CHECK(ex.dump().find("Secret") == std::string::npos);
        // A saved report on the hidden field: the rep reads it without the hidden parts, and cannot run it.
        json saved = f.api->Execute(
            {{"cmd", "reports.create"},
             {"args",
              {{"report",
                With(probes[0].report,
                     json{{"name", "By secret"},
                          {"folder", "Sales"},
                          {"filters", {{{"field", "Secret__c"}, {"op", "!="}, {"value", 4242}}}}})}}}});
        REQUIRE(saved["ok"] == true);
        json got = f.api->Execute(
            {{"cmd", "reports.get"}, {"as", "rep1"}, {"args", {{"id", saved["result"]["id"]}}}});
        REQUIRE(got["ok"] == true);
        CHECK(got.dump().find("Secret") == std::string::npos);
        CHECK(got.dump().find("4242") == std::string::npos);
        json run = f.api->Execute(
            {{"cmd", "reports.run"}, {"as", "rep1"}, {"args", {{"id", saved["result"]["id"]}}}});
        CHECK(run["ok"] == false);
        CHECK(run.dump().find("Secret") == std::string::npos);
    }

    TEST_CASE("a matrix report has cells, row and column subtotals and a grand total that agree") {
        ReportFixture f;
        json r = f.Run({{"object", "Opportunity"},
                        {"format", "matrix"},
                        {"row_groupings", {"StageName"}},
                        {"column_groupings", {{{"field", "CloseDate"}, {"bucket", "fiscal_year"}}}},
                        {"aggregates", {{{"fn", "sum"}, {"field", "Amount"}}, {{"fn", "count"}}}}});
        REQUIRE(r["ok"] == true);
        const json& res = r["result"];
        CHECK(res["column_groups"].size() == 4);  // FY2025 (Jan-Mar 2025) to FY2028
        int64_t cells = 0, rows = 0;
        for (const json& g : res["groups"]) {
            int64_t in_row = 0;
            for (const json& c : g["cells"]) in_row += c["values"]["count"].get<int64_t>();
            CHECK(in_row == g["values"]["count"].get<int64_t>());
            cells += in_row;
            rows += g["values"]["count"].get<int64_t>();
        }
        int64_t cols = 0;
        for (const json& c : res["column_groups"]) cols += c["values"]["count"].get<int64_t>();
        CHECK(cells == 400);
        CHECK(rows == 400);
        CHECK(cols == 400);
        CHECK(res["totals"]["values"]["count"] == 400);
        // Picklist order, not alphabetical: Prospecting first.
        CHECK(res["groups"][0]["key"] == "Prospecting");
    }

    TEST_CASE("top N, sort by an aggregate, percent of total and of parent, summary formulas") {
        ReportFixture f;
        json r = f.Run(
            {{"object", "Opportunity"},
             {"format", "summary"},
             {"row_groupings",
              {{{"field", "StageName"}, {"sort_by", "count"}, {"descending", true}, {"top_n", 3}},
               {{"field", "Owner.Name"}}}},
             {"aggregates",
              {{{"fn", "count"}, {"percent", true}},
               {{"fn", "count"}, {"key", "won"}, {"condition", "ISPICKVAL(StageName, \"Closed Won\")"}}}},
             {"formulas",
              {{{"key", "win_rate"}, {"expression", "won / count * 100"}},
               {{"key", "odd"}, {"expression", "count / (won - won)"}}}}});
        CAPTURE(r.dump().substr(0, 500));
        REQUIRE(r["ok"] == true);
        const json& res = r["result"];
        REQUIRE(res["groups"].size() == 3);
        CHECK(res["groups"][0]["values"]["count"] >= res["groups"][1]["values"]["count"]);
        CHECK(res["groups"][1]["values"]["count"] >= res["groups"][2]["values"]["count"]);
        double pct = 0;
        for (const json& child : res["groups"][0]["children"]) pct += Num(child["pct_parent"]["count"]);
        CHECK(std::fabs(pct - 100) < 0.05);
        CHECK(Num(res["totals"]["pct_total"]["count"]) == 100);
        CHECK(res["totals"]["values"]["odd"].is_null());
        const double won =
            Groups(*f.ws, "SELECT 'n', COUNT(*) FROM rec_opportunity WHERE stagename = 'Closed Won'")["n"];
        Near(Num(res["totals"]["values"]["win_rate"]), std::round(won / 400 * 10000) / 100, 0.001);
        bool noted = false;
        for (const json& m : res["messages"])
            noted = noted || m.get<std::string>().find("divides by zero") != std::string::npos;
        CHECK(noted);
    }

    TEST_CASE("filters: simple, relative dates, custom logic, lookups through Account and the owner") {
        ReportFixture f;
        auto count = [&](const json& filters, const std::string& logic = "") {
            json r = f.Run({{"object", "Opportunity"}, {"filters", filters}, {"filter_logic", logic}});
            CAPTURE(r.dump().substr(0, 400));
            REQUIRE(r["ok"] == true);
            return r["result"]["record_count"].get<int64_t>();
        };
        auto sql = [&](const std::string& where) {
            return static_cast<int64_t>(
                Groups(*f.ws, "SELECT 'n', COUNT(*) FROM rec_opportunity r WHERE " + where)["n"]);
        };
        // Today is 2026-11-26 in New York (days 20783).
        const int64_t today = formula::DaysFromCivil(2026, 11, 26);
        CHECK(count({{{"field", "CloseDate"}, {"op", "="}, {"value", "THIS_MONTH"}}}) ==
              sql("closedate >= " + std::to_string(formula::DaysFromCivil(2026, 11, 1)) +
                  " AND closedate < " + std::to_string(formula::DaysFromCivil(2026, 12, 1))));
        CHECK(
            count({{{"field", "CloseDate"}, {"op", "="}, {"value", "LAST_N_DAYS:30"}}}) ==
            sql("closedate >= " + std::to_string(today - 30) + " AND closedate <= " + std::to_string(today)));
        CHECK(count({{{"field", "CloseDate"}, {"op", "="}, {"value", "THIS_FISCAL_YEAR"}}}) ==
              sql("closedate >= " + std::to_string(formula::DaysFromCivil(2026, 4, 1)) + " AND closedate < " +
                  std::to_string(formula::DaysFromCivil(2027, 4, 1))));
        CHECK(count({{{"field", "CloseDate"}, {"op", "<"}, {"value", "THIS_FISCAL_QUARTER"}}}) ==
              sql("closedate < " + std::to_string(formula::DaysFromCivil(2026, 10, 1))));
        const json three = {{{"field", "StageName"}, {"op", "="}, {"value", "Closed Won"}},
                            {{"field", "Amount"}, {"op", ">"}, {"value", 5000}},
                            {{"field", "StageName"}, {"op", "="}, {"value", "Proposal"}}};
        CHECK(count(three, "1 OR (2 AND 3)") ==
              sql("stagename = 'Closed Won' OR (amount > 5000 AND stagename = 'Proposal')"));
        CHECK(count(three, "NOT 1 AND 2") == sql("NOT stagename = 'Closed Won' AND amount > 5000"));
        CHECK(count({{{"field", "Account.Industry"}, {"op", "="}, {"value", "Banking"}}}) ==
              sql("accountid IN (SELECT id FROM rec_account WHERE industry = 'Banking')"));
        CHECK(count({{{"field", "Owner.Role"}, {"op", "="}, {"value", "Rep"}}}) == sql("owner_id <> 1"));
        CHECK(count({{{"field", "StageName"}, {"op", "in"}, {"value", {"Proposal", "Negotiation"}}}}) ==
              sql("stagename IN ('Proposal', 'Negotiation')"));
        // The related Account is read through its own visibility: rep1 sees only their Account's industry.
        json rep =
            f.Run({{"object", "Opportunity"}, {"format", "summary"}, {"row_groupings", {"Account.Industry"}}},
                  "rep1");
        REQUIRE(rep["ok"] == true);
        for (const json& g : rep["result"]["groups"]) CHECK((g["key"].is_null() || g["key"] == "Technology"));
        json bad = f.Run({{"object", "Opportunity"}, {"filters", three}, {"filter_logic", "1 AND (2 OR"}});
        CHECK(bad["error"]["code"] == "report.filter_logic");
        CHECK(bad["error"]["position"] == 12);
    }

    TEST_CASE("date groups split at the year, the fiscal year, and local midnight across daylight saving") {
        ReportFixture f(0);
        auto add = [&](const char* name, int y, int m, int d, int64_t created_ms) {
            Result<int64_t> made = [&]() -> Result<int64_t> {
                SaveResult s = f.ws->records().Create(
                    "admin", "Opportunity",
                    {{"Name", name},
                     {"StageName", "Prospecting"},
                     {"CloseDate", formula::FormatDate(formula::DaysFromCivil(y, m, d))}});
                if (!s.ok()) return s.errors.front();
                return s.id;
            }();
            REQUIRE(made.ok());
            Statement up = f.ws->db().Prepare("UPDATE rec_opportunity SET created_at = ?1 WHERE id = ?2");
            up.Bind(1, created_ms).Bind(2, *made);
            REQUIRE(up.Run().ok());
        };
        // Close dates across 2025/2026 and the fiscal year starting 2026-04-01; creation instants around New
        // York's daylight-saving changes (2026-03-08 07:00Z and 2026-11-01 06:00Z).
        add("a", 2025, 12, 31, 1772944200000);  // 2026-03-08T04:30Z = 03-07 23:30 EST
        add("b", 2026, 1, 1, 1772955000000);    // 2026-03-08T07:30Z = 03-08 03:30 EDT
        add("c", 2026, 3, 31, 1793507400000);   // 2026-11-01T04:30Z = 11-01 00:30 EDT
        add("d", 2026, 4, 1, 1793592600000);    // 2026-11-02T04:10Z = 11-01 23:10 EST
        struct Case {
            const char* field;
            const char* bucket;
            std::vector<std::string> labels;
        };
        const Case cases[] = {
            {"CloseDate", "month", {"2025-12", "2026-01", "2026-03", "2026-04"}},
            {"CloseDate", "year", {"2025", "2026"}},
            {"CloseDate", "quarter", {"2025 Q4", "2026 Q1", "2026 Q2"}},
            {"CloseDate", "fiscal_year", {"FY2026", "FY2027"}},
            {"CloseDate", "fiscal_quarter", {"FY2026 Q3", "FY2026 Q4", "FY2027 Q1"}},
            {"CloseDate", "week", {"2025-12-29", "2026-03-30"}},
            {"CreatedDate", "day", {"2026-03-07", "2026-03-08", "2026-11-01"}},
        };
        for (const Case& c : cases) {
            CAPTURE(c.field);
            CAPTURE(c.bucket);
            json r = f.Run({{"object", "Opportunity"},
                            {"format", "summary"},
                            {"row_groupings", {{{"field", c.field}, {"bucket", c.bucket}}}}});
            REQUIRE(r["ok"] == true);
            std::vector<std::string> labels;
            for (const json& g : r["result"]["groups"]) labels.push_back(g["label"]);
            CHECK(labels == c.labels);
        }
        // A drill into one date group returns its records.
        json drill = f.Run(
            {{"object", "Opportunity"},
             {"format", "summary"},
             {"columns", {"Name"}},
             {"row_groupings", {{{"field", "CreatedDate"}, {"bucket", "day"}}}}},
            "", {{"drill", {{{"field", "CreatedDate"}, {"value", formula::DaysFromCivil(2026, 11, 1)}}}}});
        REQUIRE(drill["ok"] == true);
        CHECK(drill["result"]["rows"].size() == 2);
    }

    TEST_CASE("a drill-down from any level of a summary and from any matrix cell lists exactly its records") {
        ReportFixture f;
        // A field grouped twice (year, then quarter) and a column grouping on the same field: every key
        // matches through its own bucket.
        struct Case {
            const char* name;
            json report;
        };
        const Case cases[] = {
            {"summary, three levels",
             {{"object", "Opportunity"},
              {"format", "summary"},
              {"row_groupings",
               {"StageName",
                {{"field", "CloseDate"}, {"bucket", "year"}},
                {{"field", "CloseDate"}, {"bucket", "quarter"}}}}}},
            {"matrix, two by two",
             {{"object", "Opportunity"},
              {"format", "matrix"},
              {"row_groupings", {"StageName", {{"field", "CloseDate"}, {"bucket", "fiscal_year"}}}},
              {"column_groupings",
               {{{"field", "CloseDate"}, {"bucket", "year"}},
                {{"field", "CloseDate"}, {"bucket", "month"}}}}}},
        };
        for (const Case& c : cases) {
            for (const char* viewer : {"admin", "rep1"}) {
                CAPTURE(c.name);
                CAPTURE(viewer);
                Result<ReportDefinition> def = ReportFromJson(c.report);
                REQUIRE(def.ok());
                Result<ReportResult> run = f.ws->reports().Run(viewer, *def);
                REQUIRE(run.ok());
                const ReportResult& r = *run;
                REQUIRE(r.row_nodes.size() > 1);
                int drills = 0;
                for (const auto& entry : r.cells) {
                    // (no structured binding: CAPTURE's lambda cannot capture one under C++17)
                    const std::pair<int, int> at = entry.first;
                    const ReportCell& cell = entry.second;
                    CAPTURE(at.first);
                    CAPTURE(at.second);
                    ReportRunOptions options;
                    options.row_limit = 1000;
                    options.details = true;
                    options.drill = DrillFilters(r, at.first, at.second);
                    CHECK(options.drill.size() ==
                          static_cast<size_t>(r.row_nodes[static_cast<size_t>(at.first)].depth +
                                              r.col_nodes[static_cast<size_t>(at.second)].depth));
                    Result<ReportResult> drill = f.ws->reports().Run(viewer, *def, options);
                    REQUIRE(drill.ok());
                    CHECK(drill->rows.size() == static_cast<size_t>(cell.records));
                    CHECK(drill->record_count == cell.records);
                    ++drills;
                }
                CHECK(drills > 20);
            }
        }
        // Through the command: the drill names its grouping; one the report does not have is refused.
        json bad =
            f.Run(cases[0].report, "",
                  {{"drill", {{{"field", "StageName"}, {"op", "row_group:2"}, {"value", "Proposal"}}}}});
        CHECK(bad["ok"] == false);
        CHECK(bad["error"]["code"] == "report.invalid");
        // Out of range: no drill at all.
        Result<ReportResult> run = f.ws->reports().Run("admin", *ReportFromJson(cases[0].report));
        REQUIRE(run.ok());
        CHECK(DrillFilters(*run, static_cast<int>(run->row_nodes.size()), 0).empty());
    }

    TEST_CASE("a grouping with too many values is capped with a message; the grand total still counts all") {
        ReportFixture f;
        json r = f.Run({{"object", "Opportunity"}, {"format", "summary"}, {"row_groupings", {"Name"}}}, "",
                       {{"group_limit", 50}});
        REQUIRE(r["ok"] == true);
        CHECK(r["result"]["truncated"] == true);
        CHECK(r["result"]["groups"].size() == 50);
        CHECK(r["result"]["totals"]["values"]["count"] == 400);
        CHECK(r["result"]["messages"].size() >= 1);
    }

    TEST_CASE("a run can be cancelled, and reports progress") {
        ReportFixture f;
        ReportDefinition def;
        def.object = "Opportunity";
        def.format = ReportFormat::Summary;
        ReportGrouping by_name;
        by_name.field = "Name";
        def.row_groupings.push_back(by_name);
        std::atomic<bool> cancel{true};
        int64_t seen = 0;
        ReportRunOptions options;
        options.cancel = &cancel;
        options.progress = [&](int64_t n) { seen = n; };
        Result<ReportResult> r = f.ws->reports().Run("admin", def, options);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == "report.cancelled");
        CHECK(seen == 0);  // stopped before it read anything
        cancel = false;
        CHECK(f.ws->reports().Run("admin", def, options).ok());
        CHECK(seen == 400);
    }

    TEST_CASE("a field used by a report is not deleted under it") {
        ReportFixture f(0);
        json created = f.api->Execute({{"cmd", "reports.create"},
                                       {"args",
                                        {{"report",
                                          {{"name", "By secret"},
                                           {"object", "Opportunity"},
                                           {"format", "summary"},
                                           {"row_groupings", {"Secret__c"}}}}}}});
        REQUIRE(created["ok"] == true);
        json del = f.api->Execute(
            {{"cmd", "fields.delete"}, {"args", {{"object", "Opportunity"}, {"field", "Secret__c"}}}});
        CAPTURE(del.dump());
        CHECK(del["ok"] == false);
        CHECK(del.dump().find("By secret") != std::string::npos);
    }

    TEST_CASE("lookup and owner cells and groups show names, as far as the viewer may read the related record") {
        ReportFixture f(60);
        const std::string admin_name = f.ws->access().GetUser("admin")->full_name;
        // Detail rows: the ids stay in the rows; names maps them, for the records the viewer reads.
        const json tabular = {{"object", "Opportunity"},
                              {"format", "tabular"},
                              {"columns", {"Name", "AccountId", "OwnerId"}}};
        json all = f.Run(tabular, "admin", {{"row_limit", 100}});
        REQUIRE(all["ok"] == true);
        const json& names = all["result"]["names"];
        CAPTURE(names.dump());
        for (int a = 1; a <= 4; ++a) CHECK(names["AccountId"][std::to_string(a)] == "Account " + std::to_string(a));
        CHECK(names["OwnerId"][std::to_string(f.rep1_id)] == "Rep One");
        CHECK(names["OwnerId"]["1"] == admin_name);
        CHECK(all["result"]["rows"][0]["AccountId"].is_number_integer());
        json mine = f.Run(tabular, "rep1", {{"row_limit", 100}});
        REQUIRE(mine["ok"] == true);
        CAPTURE(mine["result"]["names"].dump());
        // rep1 reads Account 1 only (private, owned by rep1): the others keep their ids.
        CHECK(mine["result"]["names"]["AccountId"] == json{{"1", "Account 1"}});
        // Groups: the label is the name, the key the id; groups by a lookup sort by name.
        const json by_account = {{"object", "Opportunity"}, {"format", "summary"}, {"row_groupings", {"AccountId"}}};
        json groups = f.Run(by_account, "admin");
        REQUIRE(groups["ok"] == true);
        std::vector<std::string> labels;
        for (const json& g : groups["result"]["groups"]) labels.push_back(g["label"]);
        CHECK(labels == std::vector<std::string>{"Account 1", "Account 2", "Account 3", "Account 4"});
        CHECK(groups["result"]["groups"][0]["key"] == 1);
        json rep_groups = f.Run(by_account, "rep1");
        REQUIRE(rep_groups["ok"] == true);
        std::set<std::string> rep_labels;
        for (const json& g : rep_groups["result"]["groups"]) rep_labels.insert(g["label"].get<std::string>());
        CAPTURE(rep_groups["result"]["groups"].dump());
        CHECK(rep_labels.count("Account 1") == 1);
        CHECK(rep_labels.count("Account 2") == 0);
        CHECK(rep_labels.count("2") + rep_labels.count("3") + rep_labels.count("4") >= 1);
        json owners = f.Run({{"object", "Opportunity"}, {"format", "summary"}, {"row_groupings", {"OwnerId"}}}, "admin");
        REQUIRE(owners["ok"] == true);
        std::set<std::string> owner_labels;
        for (const json& g : owners["result"]["groups"]) owner_labels.insert(g["label"].get<std::string>());
        CHECK(owner_labels == std::set<std::string>{admin_name, "Rep One", "Rep Two"});
        // The CSV export shows the names too.
        json ex = f.api->Execute({{"cmd", "reports.export"}, {"args", {{"report", tabular}, {"format", "csv"}}}});
        REQUIRE(ex["ok"] == true);
        const std::string csv = ex["result"]["content"];
        CHECK(csv.find("Account 1") != std::string::npos);
        CHECK(csv.find("Rep One") != std::string::npos);
    }
}
