// The demo company's ready-made reports, in the "Sales Reports" and "Service Reports" folders.
#include "workspace.h"

namespace crm {

namespace {

const char* const kDemoReports[] = {
    R"j({"name": "Pipeline by stage", "folder": "Sales Reports", "object": "Opportunity", "format": "summary",
        "row_groupings": ["StageName"],
        "aggregates": [{"fn": "sum", "field": "Amount", "percent": true}, {"fn": "count"}],
        "filters": [{"field": "StageName", "op": "not_in", "value": ["Closed Won", "Closed Lost"]}]})j",
    R"j({"name": "Won amount by close month", "folder": "Sales Reports", "object": "Opportunity",
        "format": "summary", "row_groupings": [{"field": "CloseDate", "bucket": "month"}],
        "aggregates": [{"fn": "sum", "field": "Amount"}],
        "filters": [{"field": "StageName", "op": "=", "value": "Closed Won"}]})j",
    R"j({"name": "Opportunities by owner and stage", "folder": "Sales Reports", "object": "Opportunity",
        "format": "matrix", "row_groupings": ["Owner.Name"], "column_groupings": ["StageName"],
        "aggregates": [{"fn": "count"}, {"fn": "sum", "field": "Amount"}]})j",
    R"j({"name": "Cases by status and priority", "folder": "Service Reports", "object": "Case", "format": "matrix",
        "row_groupings": ["Status"], "column_groupings": ["Priority"], "aggregates": [{"fn": "count"}]})j",
    R"j({"name": "Accounts by industry and region", "folder": "Sales Reports", "object": "Account",
        "format": "summary", "row_groupings": ["Industry", "BillingCountry"], "aggregates": [{"fn": "count"}]})j",
    R"j({"name": "Win rate by quarter", "folder": "Sales Reports", "object": "Opportunity", "format": "summary",
        "row_groupings": [{"field": "CloseDate", "bucket": "fiscal_quarter"}],
        "filters": [{"field": "StageName", "op": "in", "value": ["Closed Won", "Closed Lost"]}],
        "aggregates": [{"fn": "count"},
                       {"fn": "count", "key": "won", "condition": "ISPICKVAL(StageName, \"Closed Won\")"}],
        "formulas": [{"key": "win_rate", "expression": "won / count * 100", "scale": 1}]})j",
};

}  // namespace

/// Adds the ready-made reports (called by GenerateDemoCompany after the records).
Status SeedReportsDemo(Workspace& ws) {
    for (const char* text : kDemoReports) {
        Result<ReportDefinition> def = ReportFromJson(nlohmann::json::parse(text));
        if (!def.ok()) return def.error();
        Result<ReportDefinition> made = ws.reports().Create(kSystemActor, *def);
        if (!made.ok()) return made.error();
    }
    return Status::Ok();
}

}  // namespace crm
