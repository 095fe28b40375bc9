// The demo company's ready-made reports, in the "Sales Reports" and "Service Reports" folders, each with
// its chart, and the Sales and Service dashboards over them.
#include <map>
#include <utility>
#include <vector>

#include "workspace.h"

namespace crm {

namespace {

const char* const kDemoReports[] = {
    R"j({"name": "Pipeline by stage", "folder": "Sales Reports", "object": "Opportunity", "format": "summary",
        "row_groupings": ["StageName"],
        "aggregates": [{"fn": "sum", "field": "Amount", "percent": true}, {"fn": "count"}],
        "filters": [{"field": "StageName", "op": "not_in", "value": ["Closed Won", "Closed Lost"]}],
        "chart": {"kind": "funnel", "value": "sum_Amount"}})j",
    R"j({"name": "Won amount by close month", "folder": "Sales Reports", "object": "Opportunity",
        "format": "summary", "row_groupings": [{"field": "CloseDate", "bucket": "month"}],
        "aggregates": [{"fn": "sum", "field": "Amount"}],
        "filters": [{"field": "StageName", "op": "=", "value": "Closed Won"}], "chart": {"kind": "line"}})j",
    R"j({"name": "Opportunities by owner and stage", "folder": "Sales Reports", "object": "Opportunity",
        "format": "matrix", "row_groupings": ["Owner.Name"], "column_groupings": ["StageName"],
        "aggregates": [{"fn": "count"}, {"fn": "sum", "field": "Amount"}], "chart": {"kind": "stacked_bar"}})j",
    R"j({"name": "Cases by status and priority", "folder": "Service Reports", "object": "Case", "format": "matrix",
        "row_groupings": ["Status"], "column_groupings": ["Priority"], "aggregates": [{"fn": "count"}],
        "chart": {"kind": "grouped_bar"}})j",
    R"j({"name": "Accounts by industry and region", "folder": "Sales Reports", "object": "Account",
        "format": "summary", "row_groupings": ["Industry", "BillingCountry"], "aggregates": [{"fn": "count"}],
        "chart": {"kind": "donut"}})j",
    R"j({"name": "Win rate by quarter", "folder": "Sales Reports", "object": "Opportunity", "format": "summary",
        "row_groupings": [{"field": "CloseDate", "bucket": "fiscal_quarter"}],
        "filters": [{"field": "StageName", "op": "in", "value": ["Closed Won", "Closed Lost"]}],
        "aggregates": [{"fn": "count"},
                       {"fn": "count", "key": "won", "condition": "ISPICKVAL(StageName, \"Closed Won\")"}],
        "formulas": [{"key": "win_rate", "expression": "won / count * 100", "scale": 1}],
        "chart": {"kind": "bar", "value": "win_rate"}})j",
};

}  // namespace

/// Adds the ready-made reports (called by GenerateDemoCompany after the records).
Status SeedReportsDemo(Workspace& ws) {
    std::map<std::string, int64_t> ids;
    for (const char* text : kDemoReports) {
        Result<ReportDefinition> def = ReportFromJson(nlohmann::json::parse(text));
        if (!def.ok()) return def.error();
        Result<ReportDefinition> made = ws.reports().Create(kSystemActor, *def);
        if (!made.ok()) return made.error();
        ids[made->name] = made->id;
    }
    // The Sales and Service dashboards, run as each viewer.
    const std::pair<const char*, std::vector<std::pair<const char*, const char*>>> dashboards[] = {
        {"Sales dashboard",
         {{"Pipeline by stage", "chart"},
          {"Won amount by close month", "chart"},
          {"Opportunities by owner and stage", "chart"},
          {"Win rate by quarter", "table"}}},
        {"Service dashboard",
         {{"Cases by status and priority", "chart"}, {"Cases by status and priority", "metric"}}},
    };
    for (const auto& [name, widgets] : dashboards) {
        Dashboard d;
        d.name = name;
        d.folder = std::string(name) == "Sales dashboard" ? "Sales Reports" : "Service Reports";
        int i = 0;
        for (const auto& [report, kind] : widgets) {
            DashboardComponent c;
            c.kind = kind;
            c.report_id = ids[report];
            c.column = i % 2;
            c.row = i / 2;
            ++i;
            d.components.push_back(c);
        }
        Result<Dashboard> made = ws.reports().SaveDashboard(kSystemActor, d);
        if (!made.ok()) return made.error();
    }
    return Status::Ok();
}

}  // namespace crm
