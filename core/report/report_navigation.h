// Moving around a report's result and a dashboard: the drill-down into one group at any depth (the
// console's table and chart, and `reports.run`'s drill), who may edit a dashboard, and a widget moved to
// another place.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "report/report.h"

namespace crm {

/// The drill-down into one group at any depth: an equality on every grouping from the root down to
/// `row_node`, and in a matrix down to `col_node` as well (0 = every column; (0, 0) = every record). Each
/// names its grouping (op "row_group:N" / "column_group:N"), so a field grouped twice (CloseDate by year,
/// then by quarter) matches each key through its own bucket. Passed as ReportRunOptions::drill, it lists
/// exactly the records counted in that cell. A node out of range gives none.
std::vector<ReportFilter> DrillFilters(const ReportResult& result, int row_node, int col_node = 0);

/// Whether `actor` may change (and delete) a stored dashboard: its owner, an edit share of its folder, or
/// Manage Reports. The console shows its editing controls only then; ReportService::SaveDashboard and
/// DeleteDashboard (dashboards.update / delete) refuse the others with this error.
Status CanEditDashboard(const ReportService& reports, const std::string& actor, const Dashboard& dashboard);

/// Moves widget `from` to place `to` (0-based, in reading order) and lays every widget out again in
/// reading order on a grid `columns` wide (one cell each); false when a place is out of range.
bool MoveDashboardComponent(Dashboard& dashboard, size_t from, size_t to, int columns = 2);

}  // namespace crm
