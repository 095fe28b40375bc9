// The Reports page: the list of reports (by folder, filtered, sorted), the report builder (object, format,
// columns, filters with their logic, row and column groupings, summaries, chart) with a preview on a row
// limit, and the report view (the chart above the result: rows, groups with subtotals, a matrix with its
// totals). Runs are the core's (ReportService::Run) as the acting user: a user who cannot read a field of
// a saved report sees the report without it (ReportService::TrimmedFor), and says so.
//
// Files: area.cpp (registration, the page frame, the test snapshot), report_list.cpp, report_builder.cpp,
// report_view.cpp (a result: chart and table), catalog.cpp.
//
// The test snapshot under "reports": {mode: "list"|"builder"|"view", reports: [{id, name, folder, object,
// format}], draft: the builder's definition (JSON of the core), dirty, shown: the report shown, result:
// {columns, value_keys, record_count, truncated, messages, groups: [{label, depth, values}], totals,
// rows, col_groups and cells: [[row, col, records]] (matrix), drill: {label, rows, record_count, row_node,
// col_node, first_rows}}, left_out: [fields], message, error}; dashboards: {dashboards, dashboard, can_edit,
// widgets: [{report, kind, title, column, row, width, height, error, totals}], editing, draft (the editor's
// dashboard, JSON of the core), dirty, edit_error, edit_errors: {part: message}, confirm_delete}.
//
// Files also: dashboard_view.cpp (the grid), dashboard_editor.cpp (the dashboard editor).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "report/report.h"
#include "ui/kit/chart.h"
#include "ui/shell/page.h"
#include "workspace.h"
#include "ui/kit/note.h"

namespace crm::ui {

class UnsavedGuard;

/// The builder's preview runs on this many detail rows at most (and says so).
constexpr int kReportPreviewRows = 50;

class ReportsPage : public Page, public Editable {
public:
    ReportsPage(Workspace& workspace, UnsavedGuard& guard);
    void Draw(const PageContext& ctx) override;
    /// "reports.list" shows the list, "reports.new" a new report in the builder.
    void Open(const std::string& setting, double now) override;
    Editable* edits() override {
        return mode_ == "builder" || (mode_ == "dashboards" && dash_draft_) ? this : nullptr;
    }
    void Publish(nlohmann::json& state) const override;

    // Editable: the builder's draft, or the dashboard editor's.
    bool dirty() const override;
    bool CanSave() override { return dash_draft_ ? !dash_draft_->name.empty() : !draft_.name.empty(); }
    bool Save() override { return dash_draft_ ? SaveDashboardDraft() : SaveDraft(); }
    void Discard() override;
    std::string UnsavedSummary() const override;
    /// The builder's report, or the dashboard editor's dashboard, as opened and as edited.
    nlohmann::json KeepDraft() const override;
    /// Reopens the builder (or the dashboard editor) on the kept draft over what is stored now
    /// (RestoreEdit: a report's columns, filters, groupings..., and a dashboard's widgets, are each
    /// one unit); one deleted meanwhile keeps the edits, with a notice.
    void RestoreDraft(const nlohmann::json& kept) override;
    /// The new page shows the list, so edits() is null: the draft goes to RestoreDraft all the same.
    void RestorePageDraft(const nlohmann::json& kept) override { RestoreDraft(kept); }

private:
    // report_list.cpp
    void ReloadList();
    void DrawList(const PageContext& ctx);
    // report_builder.cpp
    void StartNew();
    void StartEdit(const ReportDefinition& report);
    void DrawBuilder(const PageContext& ctx);
    bool SaveDraft();
    std::vector<std::string> ReadableFields(const std::string& object) const;
    // report_view.cpp
    void OpenReport(int64_t id);
    /// Runs `definition` as the acting user; `preview` limits the detail rows (the builder).
    /// A run over many records goes a slice per frame (RunInSlices) with progress and Cancel.
    void RunDefinition(const ReportDefinition& definition, bool preview);
    /// Shows a run's outcome: its result, its error, or (cancelled) the result shown before with a note.
    void ShowRun(const ReportDefinition& definition, const Result<ReportResult>& run);
    void DrawView(const PageContext& ctx);
    void DrawResult(const PageContext& ctx, float height);
    ChartData BuildChart() const { return BuildChart(shown_, *result_); }
    NumberFormat ValueFormat(size_t value_index) const { return ValueFormat(shown_, *result_, value_index); }
    std::string ValueLabel(size_t value_index) const { return ValueLabel(shown_, *result_, value_index); }
    ChartData BuildChart(const ReportDefinition& def, const ReportResult& r) const;
    NumberFormat ValueFormat(const ReportDefinition& def, const ReportResult& r, size_t value_index) const;
    std::string ValueLabel(const ReportDefinition& def, const ReportResult& r, size_t value_index) const;
    // dashboard_view.cpp
    void OpenDashboards();
    void RunDashboard();
    void DrawDashboards(const PageContext& ctx);
    /// Moves widget `from` to place `to` and saves the dashboard (ReportService::SaveDashboard).
    void MoveWidget(size_t from, size_t to);
    // dashboard_editor.cpp
    /// Opens the editor on the dashboard shown (`create`: on a new one).
    void StartDashboardEdit(bool create);
    void DrawDashboardEditor(const PageContext& ctx, float width, float height);
    /// Saves the editor's dashboard (dashboards.create / update's service call); errors go beside their part.
    bool SaveDashboardDraft();
    void DeleteDashboardShown();
    std::string ValueText(size_t value_index, const std::optional<formula::Decimal>& value) const;
    nlohmann::json ResultState() const;
    /// Lists the records of one group at any depth: a row node, crossed in a matrix with a column node (0 =
    /// every column); the grand total (0, 0) lists them all.
    void Drill(int row_node, int col_node = 0);
    /// A table cell that drills into (row_node, col_node) when clicked (or activated from the keyboard),
    /// published as `item` ("report.cell.<row>.<col>" when empty).
    void DrillCell(const std::string& text, int row_node, int col_node, const std::string& item = "");
    void ExportCsv();
    /// Goes to a mode, asking first when the builder holds edits.
    void Show(const std::string& mode);

    Workspace& workspace_;
    UnsavedGuard& guard_;
    std::string mode_ = "list";
    Note message_;
    std::string error_;

    // The list.
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_user_;
    std::vector<ReportDefinition> reports_;
    std::vector<std::string> folders_;
    std::string folder_, filter_;
    int sort_column_ = -1;
    bool sort_desc_ = false;

    // The builder.
    ReportDefinition draft_, saved_draft_;
    bool draft_new_ = true;
    std::string builder_error_;
    std::map<std::string, std::string> field_errors_;
    std::string draft_notice_;  ///< changed or deleted in another tab (the builder or the dashboard editor)

    // The shown result (the view, or the builder's preview).
    ReportDefinition shown_;
    bool report_can_edit_ = false;  ///< ReportService::CanEdit for the report shown, asked when it is opened
    std::string report_for_;  ///< the acting user it was opened for: after a switch (View as) it runs again
    std::optional<ReportResult> result_;
    std::string run_error_;
    Note run_note_;  ///< "Cancelled" after a cancelled run
    std::vector<std::string> left_out_;
    std::string currency_;
    int result_sort_ = -1;
    bool result_sort_desc_ = false;
    std::vector<int> collapsed_;  ///< row nodes whose children are hidden
    int chart_hovered_ = -1;
    std::optional<ReportResult> drill_;  ///< the records of the bar or slice clicked
    std::string drill_label_;
    std::pair<int, int> drill_node_{0, 0};  ///< the (row, column) node drilled into
    std::string export_text_;               ///< the last export (CSV), for the download and the tests

    // Dashboards.
    std::vector<Dashboard> dashboards_;
    std::string dashboard_;  ///< the name of the one shown
    struct Widget {
        DashboardComponent component;
        ReportDefinition report;
        std::optional<ReportResult> result;
        std::string error;
    };
    std::vector<Widget> widgets_;
    std::string dashboard_error_;
    bool dashboard_can_edit_ = false;  ///< CanEditDashboard (report_navigation.h) for the one shown, per run
    std::string dashboard_for_;        ///< the acting user it ran for: after a switch it runs again
    int selected_widget_ = -1;         ///< the widget Alt+Up / Alt+Down moves
    // The dashboard editor: its draft (none = not editing), the stored one, errors by part ("name",
    // "components.N", "filters"...).
    std::optional<Dashboard> dash_draft_;
    Dashboard dash_saved_;
    std::string dash_edit_error_;
    std::map<std::string, std::string> dash_errors_;
    bool dash_confirm_delete_ = false;
};

// Pieces the builder and the dashboard editor share (report_builder.cpp).
/// The filter operators, in the order the combos show them.
const std::vector<std::string>& ReportFilterOps();
/// A combo that adds: it shows `preview` and answers the key picked (or "").
std::string AddCombo(const std::string& hook, const std::string& preview,
                     const std::vector<std::string>& keys,
                     const std::function<std::string(const std::string&)>& label);
/// A small "×" button that removes a part.
bool RemoveButton(const std::string& hook);
/// A filter value as typed: a number for a numeric field, a list for "in", text otherwise (relative dates).
nlohmann::json FilterValueFromText(const std::string& text, bool numeric, const std::string& op);
/// The text of a filter value for its input box.
std::string FilterValueText(const nlohmann::json& value);
/// One filter's field, operator and (unless the operator needs none) value on one line, as the report
/// builder and the dashboard editor edit them (hooks <hook>.field, .op, .value). `numeric(field)`: a value
/// typed as a number is kept as one. A negative width reaches that far from the line's right edge.
void FilterConditionEditor(const std::string& hook, const std::vector<std::string>& fields, ReportFilter* f,
                           const std::function<bool(const std::string& field)>& numeric, float field_width,
                           float op_width, float value_width, const char* value_hint = nullptr);

}  // namespace crm::ui
