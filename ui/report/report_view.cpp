// The Reports page's view of one report, and the result both the view and the builder's preview draw: the
// chart above (a click on a bar or slice lists its records), then the table: detail rows (tabular), the
// groups with their subtotals, collapsible (summary), or rows by columns with the totals (matrix); every
// column sorts, and the grand total closes the table. Values read in the company's number format.
#include <algorithm>
#include <cmath>
#include <memory>

#include "imgui.h"
#include "report/report_navigation.h"
#include "ui/data/file_transfer.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/report/report_page.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/busy.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "ui/workflow/automation_ui.h"

namespace crm::ui {

namespace {

std::string CellText(const nlohmann::json& v) {
    if (v.is_null()) return "";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "✓" : "";
    if (v.is_array()) {
        std::string out;
        for (const nlohmann::json& x : v) out += (out.empty() ? "" : "; ") + CellText(x);
        return out;
    }
    return v.dump();
}

/// A detail cell of `column`: the related record's name for a lookup or owner id (ReportResult::names).
std::string CellText(const ReportResult& r, const std::string& column, const nlohmann::json& v) {
    const std::string* name = r.NameOf(column, v);
    return name ? *name : CellText(v);
}

double ToNumber(const std::optional<formula::Decimal>& v) { return v ? v->ToDouble() : 0.0; }

/// Parts of `full` that `trimmed` left out: the fields named only in the former.
std::vector<std::string> LeftOut(const ReportDefinition& full, const ReportDefinition& trimmed) {
    auto names = [](const ReportDefinition& r) {
        std::vector<std::string> out = r.columns;
        for (const ReportFilter& f : r.filters) out.push_back(f.field);
        for (const auto* list : {&r.row_groupings, &r.column_groupings})
            for (const ReportGrouping& g : *list) out.push_back(g.field);
        for (const ReportAggregate& a : r.aggregates)
            if (!a.field.empty()) out.push_back(a.field);
        return out;
    };
    const std::vector<std::string> kept = names(trimmed);
    std::vector<std::string> out;
    for (const std::string& f : names(full))
        if (std::find(kept.begin(), kept.end(), f) == kept.end() &&
            std::find(out.begin(), out.end(), f) == out.end())
            out.push_back(f);
    return out;
}

}  // namespace

void ReportsPage::OpenReport(int64_t id) {
    report_for_ = ActingUser();
    Result<ReportDefinition> shown = workspace_.reports().Get(ActingUser(), id, true);
    // A refresh of the report shown keeps its result until the new one is in (a cancelled run leaves it).
    const bool refresh = mode_ == "view" && shown_.id == id && result_.has_value();
    mode_ = "view";
    drill_.reset();
    collapsed_.clear();
    result_sort_ = -1;
    export_text_.clear();
    if (!shown.ok()) {
        report_can_edit_ = false;
        result_.reset();
        run_error_ = ErrorText(shown.error());
        return;
    }
    left_out_.clear();
    // Asked once here, not each frame: for a user who is not the owner the answer is a query.
    report_can_edit_ = workspace_.reports().CanEdit(ActingUser(), *shown).ok();
    if (Result<ReportDefinition> full = workspace_.reports().Get(ActingUser(), id, false); full.ok())
        left_out_ = LeftOut(*full, *shown);
    if (!refresh) result_.reset();
    run_error_.clear();
    shown_ = *shown;
    RunDefinition(*shown, false);
}

void ReportsPage::RunDefinition(const ReportDefinition& definition, bool preview) {
    drill_.reset();
    run_note_.clear();
    if (Result<CompanyProfile> company = workspace_.company().Get(); company.ok())
        currency_ = company->currency;
    ReportRunOptions options;
    options.row_limit = preview ? kReportPreviewRows : 2000;
    std::shared_ptr<ReportRun> run = workspace_.reports().StartRun(ActingUser(), definition, options);
    if (run->done() || !ManyRecords(workspace_, definition.object)) {
        while (!run->Step(INT64_MAX)) {
        }
        ShowRun(definition, run->result());
        return;
    }
    // A report over many records runs a slice per frame (ui/shell/busy.h): the console keeps drawing, says
    // how far the run got, and can cancel it; the result shown before stays until the new one is in.
    SlicedWork work;
    work.what = Tr("rep.running", {{"name", definition.name.empty() ? definition.object : definition.name}});
    work.step = [this, run, definition](int64_t budget) {
        if (!run->Step(budget)) return false;
        ShowRun(definition, run->result());
        return true;
    };
    work.progress = [run] {
        SliceProgress p;
        p.fraction =
            run->total() > 0 ? static_cast<float>(run->scanned()) / static_cast<float>(run->total()) : 0.0f;
        NumberFormat count;
        p.text = Tr("rep.scanned", {{"done", FormatNumber(static_cast<double>(run->scanned()), count)},
                                    {"total", FormatNumber(static_cast<double>(run->total()), count)}});
        return p;
    };
    work.cancel = [run] { run->Cancel(); };
    RunInSlices(std::move(work));
}

void ReportsPage::ShowRun(const ReportDefinition& definition, const Result<ReportResult>& run) {
    if (!run.ok() && run.error().code == "report.cancelled") {
        run_note_ = Tr(result_ ? "rep.cancelled_kept" : "rep.cancelled");
        return;
    }
    shown_ = definition;
    drill_.reset();
    if (!run.ok()) {
        result_.reset();
        run_error_ = ErrorText(run.error());
        return;
    }
    run_error_.clear();
    result_ = run.value();
}

void ReportsPage::Drill(int row_node, int col_node) {
    if (!result_ || row_node < 0 || static_cast<size_t>(row_node) >= result_->row_nodes.size() ||
        col_node < 0 || static_cast<size_t>(col_node) >= result_->col_nodes.size())
        return;
    ReportRunOptions options;
    options.row_limit = 200;
    options.drill = DrillFilters(*result_, row_node, col_node);
    // "Stage › Quarter × Year": the row path, then the column path.
    auto path = [](const std::vector<ReportGroupNode>& nodes, int node) {
        std::string label;
        for (int n = node; n > 0; n = nodes[static_cast<size_t>(n)].parent)
            label = label.empty() ? nodes[static_cast<size_t>(n)].label
                                  : nodes[static_cast<size_t>(n)].label + " › " + label;
        return label;
    };
    std::string label = path(result_->row_nodes, row_node);
    const std::string col_label = path(result_->col_nodes, col_node);
    if (label.empty() && col_label.empty()) label = Tr("rep.grand_total");
    if (!col_label.empty()) label = label.empty() ? col_label : label + " × " + col_label;
    options.details = true;
    ReportDefinition def = shown_;
    if (def.columns.empty()) def.columns = {"Name"};
    Result<ReportResult> run = workspace_.reports().Run(ActingUser(), def, options);
    if (!run.ok()) {
        run_error_ = ErrorText(run.error());
        return;
    }
    drill_ = std::move(*run);
    drill_label_ = label;
    drill_node_ = {row_node, col_node};
}

void ReportsPage::DrillCell(const std::string& text, int row_node, int col_node, const std::string& item) {
    const bool shown = drill_ && drill_node_ == std::make_pair(row_node, col_node);
    const std::string id = "##drill." + std::to_string(row_node) + "." + std::to_string(col_node);
    if (ImGui::Selectable((text + id).c_str(), shown)) Drill(row_node, col_node);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", Tr("rep.drill_hint"));
    MarkItem(item.empty() ? "report.cell." + std::to_string(row_node) + "." + std::to_string(col_node)
                          : item);
}

void ReportsPage::ExportCsv() {
    Result<std::string> csv = workspace_.reports().Export(ActingUser(), shown_, "csv", true);
    if (!csv.ok()) {
        error_ = ErrorText(csv.error());
        export_text_.clear();
        return;
    }
    error_.clear();
    export_text_ = std::move(*csv);
    const std::string name =
        SafeFileName((shown_.name.empty() ? std::string("report") : shown_.name) + ".csv");
    const std::string path = HomePath(name);
    error_ = SaveTextFile(export_text_, name, path, "text/csv");
    if (!error_.empty()) return;
    message_ = FilesThroughBrowser() ? Tr("rep.exported", {{"bytes", std::to_string(export_text_.size())}})
                                     : Tr("rep.exported_to", {{"path", path}});
}

NumberFormat ReportsPage::ValueFormat(const ReportDefinition& shown_, const ReportResult& r, size_t i) const {
    NumberFormat f;
    if (i >= r.value_keys.size()) return f;
    const std::string& key = r.value_keys[i];
    for (const ReportSummaryFormula& formula : shown_.formulas)
        if (formula.key == key) f.decimals = formula.scale;
    for (const ReportAggregate& a : shown_.aggregates) {
        if (a.key != key) continue;
        if (a.fn == AggregateFn::Count || a.fn == AggregateFn::CountDistinct) return f;
        Result<std::shared_ptr<const ObjectDef>> o = workspace_.schema().Object(shown_.object);
        const FieldDef* d = o.ok() ? (*o)->Field(a.field) : nullptr;
        if (d && d->type == FieldType::Currency) f.currency = currency_;
        f.decimals = d && d->type == FieldType::Currency ? 2
                     : a.fn == AggregateFn::Avg          ? 2
                     : d                                 ? d->scale
                                                         : 0;
    }
    return f;
}

std::string ReportsPage::ValueLabel(const ReportDefinition& shown_, const ReportResult& r, size_t i) const {
    if (i >= r.value_keys.size()) return "";
    const std::string& key = r.value_keys[i];
    for (const ReportAggregate& a : shown_.aggregates) {
        if (a.key != key) continue;
        const std::string fn = Tr("rep.fn." + std::string(AggregateFnName(a.fn)));
        if (a.field.empty()) return a.condition.empty() ? fn : fn + " (" + a.key + ")";
        return Tr("rep.agg_label", {{"fn", fn}, {"field", FieldLabel(workspace_, shown_.object, a.field)}});
    }
    return key;
}

std::string ReportsPage::ValueText(size_t i, const std::optional<formula::Decimal>& v) const {
    if (!v) return "";
    if (result_ && i < result_->value_types.size() && result_->value_types[i] != "number")
        return v->ToString();
    return FormatNumber(v->ToDouble(), ValueFormat(i));
}

ChartData ReportsPage::BuildChart(const ReportDefinition& shown_, const ReportResult& r) const {
    ChartData d;
    d.kind = ChartKindFromName(shown_.chart.kind);
    size_t vi = 0;
    for (size_t i = 0; i < r.value_keys.size(); ++i)
        if (r.value_keys[i] == shown_.chart.value) vi = i;
    if (r.value_keys.empty()) return d;
    d.value_label = ValueLabel(shown_, r, vi);
    d.format = ValueFormat(shown_, r, vi);
    d.target = shown_.chart.target;
    auto value = [&](int row, int col) -> std::optional<double> {
        const ReportCell& c = r.Cell(row, col);
        if (vi >= c.values.size() || !c.values[vi]) return std::nullopt;
        return c.values[vi]->ToDouble();
    };
    if (d.kind == ChartKind::Metric) {
        d.categories = {Tr("rep.total")};
        d.series.push_back({d.value_label, {value(0, 0)}});
        return d;
    }
    const std::vector<int>& top = r.row_nodes.front().children;
    for (int c : top) d.categories.push_back(r.row_nodes[static_cast<size_t>(c)].label);
    const bool multi =
        d.kind == ChartKind::StackedBar || d.kind == ChartKind::GroupedBar || d.kind == ChartKind::Line;
    if (r.format == ReportFormat::Matrix && multi) {
        for (int col : r.col_nodes.front().children) {
            ChartSeries se{r.col_nodes[static_cast<size_t>(col)].label, {}};
            for (int row : top) se.values.push_back(value(row, col));
            d.series.push_back(std::move(se));
        }
    } else if (r.format == ReportFormat::Summary && multi && r.group_fields.size() > 1) {
        std::vector<std::string> names;
        for (int c : top)
            for (int g : r.row_nodes[static_cast<size_t>(c)].children) {
                const std::string& l = r.row_nodes[static_cast<size_t>(g)].label;
                if (std::find(names.begin(), names.end(), l) == names.end()) names.push_back(l);
            }
        for (const std::string& name : names) {
            ChartSeries se{name, {}};
            for (int c : top) {
                std::optional<double> v;
                for (int g : r.row_nodes[static_cast<size_t>(c)].children)
                    if (r.row_nodes[static_cast<size_t>(g)].label == name) v = value(g, 0);
                se.values.push_back(v);
            }
            d.series.push_back(std::move(se));
        }
    } else {
        ChartSeries se{d.value_label, {}};
        for (int c : top) se.values.push_back(value(c, 0));
        d.series.push_back(std::move(se));
    }
    return d;
}

nlohmann::json ReportsPage::ResultState() const {
    if (!result_) return nullptr;
    const ReportResult& r = *result_;
    auto values = [&](const ReportCell& c) {
        nlohmann::json out = nlohmann::json::object();
        for (size_t i = 0; i < r.value_keys.size() && i < c.values.size(); ++i)
            out[r.value_keys[i]] = c.values[i] ? nlohmann::json(c.values[i]->ToDouble()) : nlohmann::json();
        return out;
    };
    nlohmann::json groups = nlohmann::json::array();
    for (size_t n = 1; n < r.row_nodes.size(); ++n) {
        const ReportGroupNode& node = r.row_nodes[n];
        groups.push_back({{"node", n},
                          {"parent", node.parent},
                          {"key", node.key},
                          {"label", node.label},
                          {"depth", node.depth},
                          {"records", r.Cell(static_cast<int>(n), 0).records},
                          {"values", values(r.Cell(static_cast<int>(n), 0))}});
    }
    nlohmann::json col_groups = nlohmann::json::array();
    for (size_t n = 1; n < r.col_nodes.size(); ++n) {
        const ReportGroupNode& node = r.col_nodes[n];
        col_groups.push_back({{"node", n},
                              {"parent", node.parent},
                              {"key", node.key},
                              {"label", node.label},
                              {"depth", node.depth},
                              {"records", r.Cell(0, static_cast<int>(n)).records}});
    }
    nlohmann::json cells = nlohmann::json::array();  // matrix: [row node, column node, records]
    if (r.format == ReportFormat::Matrix)
        for (const auto& [at, cell] : r.cells) {
            if (cells.size() >= 2000) break;
            cells.push_back({at.first, at.second, cell.records});
        }
    nlohmann::json drill = nullptr;
    if (drill_)
        drill = {{"label", drill_label_},
                 {"rows", drill_->rows.size()},
                 {"record_count", drill_->record_count},
                 {"row_node", drill_node_.first},
                 {"col_node", drill_node_.second},
                 {"columns", drill_->columns},
                 {"first_rows",
                  nlohmann::json(std::vector<nlohmann::json>(
                      drill_->rows.begin(),
                      drill_->rows.begin() + static_cast<long>(std::min<size_t>(drill_->rows.size(), 10))))}};
    return {{"format", ReportFormatName(r.format)},
            {"columns", r.columns},
            {"value_keys", r.value_keys},
            {"record_count", r.record_count},
            {"truncated", r.truncated},
            {"messages", r.messages},
            {"groups", groups},
            {"col_groups", col_groups},
            {"cells", cells},
            {"totals", values(r.Cell(0, 0))},
            {"rows", r.rows.size()},
            {"first_rows",
             nlohmann::json(std::vector<nlohmann::json>(
                 r.rows.begin(), r.rows.begin() + static_cast<long>(std::min<size_t>(r.rows.size(), 10))))},
            {"drill", drill},
            {"export_bytes", export_text_.size()},
            {"export_head", export_text_.substr(0, 2000)}};
}

void ReportsPage::DrawView(const PageContext& ctx) {
    const float s = ctx.scale;
    if (shown_.id > 0 && report_for_ != ActingUser()) {
        result_.reset();  // not kept while it runs again: what the new user may see, nothing more
        OpenReport(shown_.id);
    }
    const Palette& p = CurrentPalette();
    if (SecondaryButton(Tr("rep.back"))) Show("list");
    MarkItem("report.view.back");
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    if (ctx.heading_font) ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(shown_.name.c_str());
    if (ctx.heading_font) ImGui::PopFont();
    ImGui::SameLine();
    if (SecondaryButton(Tr("rep.refresh"))) OpenReport(shown_.id);
    MarkItem("report.view.run");
    ImGui::SameLine();
    // The report service's own rule for a change (its owner, an edit share of its folder, or Manage Reports).
    const PermissionGuard edit_guard(SystemPermission::ManageReports, "report.view.edit",
                                     shown_.id <= 0 || report_can_edit_, "guard.item_needs_permission");
    if (SecondaryButton(Tr("rep.edit"), shown_.id > 0 && left_out_.empty() && edit_guard.allowed())) {
        Result<ReportDefinition> full = workspace_.reports().Get(ActingUser(), shown_.id, false);
        if (full.ok()) StartEdit(*full);
    }
    MarkItem("report.view.edit");
    edit_guard.ReasonOnHover();
    ImGui::SameLine();
    // Exporting a report's rows needs Export Reports (ReportService::Export).
    const PermissionGuard export_guard(workspace_.access(), SystemPermission::ExportReports,
                                       "report.view.export");
    if (SecondaryButton(Tr("rep.export_csv"), result_.has_value() && export_guard.allowed())) ExportCsv();
    MarkItem("report.view.export");
    export_guard.ReasonOnHover();
    if (!message_.empty()) {
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        TextColored(p.success, message_, false);
    }
    if (!error_.empty()) ErrorLine("report.view.error", error_);
    edit_guard.Notice();
    export_guard.Notice();
    if (!left_out_.empty()) {
        std::string names;
        for (const std::string& f : left_out_)
            names += (names.empty() ? "" : ", ") + FieldLabel(workspace_, shown_.object, f);
        TextColored(p.warning_text, Tr("rep.left_out", {{"fields", names}}));
    }
    DrawResult(ctx, ImGui::GetContentRegionAvail().y - 8.0f * s);
}

void ReportsPage::DrawResult(const PageContext& ctx, float height) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    if (!run_note_.empty()) TextColored(p.warning_text, run_note_);
    if (!run_error_.empty()) {
        ErrorLine("report.run_error", run_error_);
        return;
    }
    if (!result_) return;
    const ReportResult& r = *result_;
    for (const std::string& m : r.messages) TextColored(p.warning_text, m);
    TextMuted(Tr("rep.records", {{"count", std::to_string(r.record_count)}}), false);
    const float width = ImGui::GetContentRegionAvail().x - 28.0f * s;
    float left =
        height - ImGui::GetTextLineHeightWithSpacing() * (1.0f + static_cast<float>(r.messages.size()));
    if (r.format != ReportFormat::Tabular && !shown_.chart.kind.empty()) {
        const float h = std::min(280.0f * s, std::max(160.0f * s, left * 0.45f));
        BeginCard(width);
        const ChartHit hit = DrawChart("report.chart", BuildChart(), ImVec2(CardInnerWidth(), h), s);
        EndCard();
        chart_hovered_ = hit.hovered;
        if (hit.clicked >= 0 && ChartKindFromName(shown_.chart.kind) != ChartKind::Metric) {
            const std::vector<int>& top = r.row_nodes.front().children;
            if (static_cast<size_t>(hit.clicked) < top.size()) Drill(top[static_cast<size_t>(hit.clicked)]);
        }
        left -= h + 30.0f * s;
    }
    if (drill_) {
        left -= 150.0f * s;
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX |
                                  ImGuiTableFlags_SizingFixedFit;
    const ImVec2 table_size(width, std::max(120.0f * s, left));
    if (r.format == ReportFormat::Tabular) {
        const int ncol = std::max<int>(1, static_cast<int>(std::min<size_t>(r.columns.size(), 60)));
        if (ImGui::BeginTable("report.table", ncol, flags, table_size)) {
            ImGui::TableSetupScrollFreeze(0, 1);
            std::vector<std::string> keys;
            for (int c = 0; c < ncol && static_cast<size_t>(c) < r.columns.size(); ++c) {
                ImGui::TableSetupColumn(
                    FieldLabel(workspace_, shown_.object, r.columns[static_cast<size_t>(c)]).c_str());
                keys.push_back(r.columns[static_cast<size_t>(c)]);
            }
            TakeSortSpecs(&result_sort_, &result_sort_desc_);
            TableHeadersRowMarked("report.table", keys);
            std::vector<const nlohmann::json*> rows;
            for (const nlohmann::json& row : r.rows) rows.push_back(&row);
            if (result_sort_ >= 0 && static_cast<size_t>(result_sort_) < r.columns.size()) {
                const std::string& key = r.columns[static_cast<size_t>(result_sort_)];
                SortRowsBy(&rows, result_sort_desc_, [&](const nlohmann::json* row) {
                    const nlohmann::json& v = row->contains(key) ? (*row)[key] : nlohmann::json();
                    const std::string* name = r.NameOf(key, v);  // a lookup sorts by its name
                    return std::make_pair(v.is_number() && !name ? v.get<double>() : 0.0, name ? *name
                                                                                          : v.is_number()
                                                                                              ? ""
                                                                                              : CellText(v));
                });
            }
            ImGuiListClipper clip;
            clip.Begin(static_cast<int>(rows.size()));
            while (clip.Step())
                for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
                    ImGui::TableNextRow();
                    for (size_t c = 0; c < keys.size(); ++c) {
                        ImGui::TableSetColumnIndex(static_cast<int>(c));
                        const nlohmann::json& row = *rows[static_cast<size_t>(i)];
                        const std::string text =
                            row.contains(keys[c]) ? CellText(r, keys[c], row[keys[c]]) : "";
                        ImGui::TextUnformatted(text.c_str());
                    }
                }
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            TextColored(p.accent, Tr("rep.grand_total_rows", {{"count", std::to_string(r.record_count)}}),
                        false);
            ImGui::EndTable();
        }
        return;
    }

    const size_t nv = r.value_keys.size();
    std::vector<std::pair<size_t, bool>> value_cols;  // (value index, percent of total)
    for (size_t i = 0; i < nv; ++i) {
        value_cols.push_back({i, false});
        if (std::find(r.percent_keys.begin(), r.percent_keys.end(), r.value_keys[i]) != r.percent_keys.end())
            value_cols.push_back({i, true});
    }
    auto percent_text = [&](const ReportCell& c, size_t i) -> std::string {
        const auto it = std::find(r.percent_keys.begin(), r.percent_keys.end(), r.value_keys[i]);
        const size_t pi = static_cast<size_t>(it - r.percent_keys.begin());
        if (pi >= c.pct_total.size() || !c.pct_total[pi]) return "";
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f%%", c.pct_total[pi]->ToDouble());
        return buf;
    };
    // The order rows are drawn in: depth first, each level's children sorted by the chosen column.
    auto sort_key = [&](int node) -> std::pair<double, std::string> {
        const ReportCell& c = r.Cell(node, 0);
        if (result_sort_ == 1) return {static_cast<double>(c.records), ""};
        if (result_sort_ >= 2 && static_cast<size_t>(result_sort_ - 2) < value_cols.size()) {
            const size_t vi = value_cols[static_cast<size_t>(result_sort_ - 2)].first;
            return {vi < c.values.size() ? ToNumber(c.values[vi]) : 0.0, ""};
        }
        return {0.0, ""};
    };
    std::vector<int> order;
    std::function<void(int)> walk = [&](int node) {
        std::vector<int> kids = r.row_nodes[static_cast<size_t>(node)].children;
        if (result_sort_ >= 1) SortRowsBy(&kids, result_sort_desc_, sort_key);
        if (result_sort_ == 0 && result_sort_desc_) std::reverse(kids.begin(), kids.end());
        for (int k : kids) {
            order.push_back(k);
            if (std::find(collapsed_.begin(), collapsed_.end(), k) == collapsed_.end()) walk(k);
        }
    };
    walk(0);

    if (r.format == ReportFormat::Summary) {
        const int ncol = 2 + static_cast<int>(value_cols.size());
        if (ImGui::BeginTable("report.table", ncol, flags, table_size)) {
            ImGui::TableSetupScrollFreeze(1, 1);
            std::string group_head;
            for (const std::string& g : r.group_fields)
                group_head += (group_head.empty() ? "" : " › ") + FieldLabel(workspace_, shown_.object, g);
            ImGui::TableSetupColumn(group_head.c_str(), ImGuiTableColumnFlags_WidthFixed, 260.0f * s);
            ImGui::TableSetupColumn(Tr("rep.col.records"));
            std::vector<std::string> keys = {"group", "records"};
            for (const auto& [vi, pct] : value_cols) {
                const std::string head =
                    pct ? Tr("rep.percent_of_total", {{"value", ValueLabel(vi)}}) : ValueLabel(vi);
                ImGui::TableSetupColumn(head.c_str());
                keys.push_back(r.value_keys[vi] + (pct ? ".pct" : ""));
            }
            TakeSortSpecs(&result_sort_, &result_sort_desc_);
            TableHeadersRowMarked("report.table", keys);
            auto draw_row = [&](int node, bool total) {
                const ReportCell& c = r.Cell(node, 0);
                ImGui::TableNextRow();
                ImGui::TableSetColumnIndex(0);
                if (total) {
                    TextColored(p.accent, Tr("rep.grand_total"), false);
                } else {
                    const ReportGroupNode& g = r.row_nodes[static_cast<size_t>(node)];
                    ImGui::Indent(14.0f * s * static_cast<float>(g.depth - 1));
                    const bool leaf = g.children.empty();
                    const bool closed =
                        std::find(collapsed_.begin(), collapsed_.end(), node) != collapsed_.end();
                    const std::string text = (leaf     ? "  "
                                              : closed ? "▸ "
                                                       : "▾ ") +
                                             g.label + "##row" + std::to_string(node);
                    if (ImGui::Selectable(
                            text.c_str(),
                            chart_hovered_ >= 0 && g.depth == 1 &&
                                static_cast<size_t>(chart_hovered_) < r.row_nodes[0].children.size() &&
                                r.row_nodes[0].children[static_cast<size_t>(chart_hovered_)] == node) &&
                        !leaf) {
                        if (closed)
                            collapsed_.erase(std::find(collapsed_.begin(), collapsed_.end(), node));
                        else
                            collapsed_.push_back(node);
                    }
                    MarkItem("report.group." + std::to_string(node));
                    ImGui::Unindent(14.0f * s * static_cast<float>(g.depth - 1));
                }
                // The records column drills down: any level, and the grand total.
                ImGui::TableSetColumnIndex(1);
                DrillCell(std::to_string(c.records), node, 0, "report.drill." + std::to_string(node));
                int col = 2;
                for (const auto& [vi, pct] : value_cols) {
                    ImGui::TableSetColumnIndex(col++);
                    const std::string t =
                        pct ? percent_text(c, vi)
                            : ValueText(vi, vi < c.values.size() ? c.values[vi] : std::nullopt);
                    if (total)
                        TextColored(p.accent, t, false);
                    else
                        ImGui::TextUnformatted(t.c_str());
                }
            };
            for (int node : order) draw_row(node, false);
            draw_row(0, true);
            ImGui::EndTable();
        }
    } else {
        // Matrix: the leaves of the column groups across, the first value in each cell, totals last.
        std::vector<int> cols;
        std::function<void(int)> leaves = [&](int node) {
            const auto& kids = r.col_nodes[static_cast<size_t>(node)].children;
            if (kids.empty() && node != 0) cols.push_back(node);
            for (int k : kids) leaves(k);
        };
        leaves(0);
        if (cols.size() > 60) cols.resize(60);
        const size_t vi = 0;
        const int ncol = 2 + static_cast<int>(cols.size());
        if (nv > 0 && ImGui::BeginTable("report.table", ncol, flags, table_size)) {
            ImGui::TableSetupScrollFreeze(1, 1);
            ImGui::TableSetupColumn((ValueLabel(vi)).c_str(), ImGuiTableColumnFlags_WidthFixed, 220.0f * s);
            std::vector<std::string> keys = {"group"};
            for (int c : cols) {
                std::string label;
                for (int n = c; n > 0; n = r.col_nodes[static_cast<size_t>(n)].parent)
                    label = label.empty() ? r.col_nodes[static_cast<size_t>(n)].label
                                          : r.col_nodes[static_cast<size_t>(n)].label + " › " + label;
                ImGui::TableSetupColumn(label.c_str());
                keys.push_back("col." + std::to_string(c));
            }
            ImGui::TableSetupColumn(Tr("rep.total"));
            keys.push_back("total");
            TakeSortSpecs(&result_sort_, &result_sort_desc_);
            TableHeadersRowMarked("report.table", keys);
            auto draw_row = [&](int node) {
                ImGui::TableNextRow();
                ImGui::TableSetColumnIndex(0);
                if (node == 0) {
                    TextColored(p.accent, Tr("rep.grand_total"), false);
                } else {
                    const ReportGroupNode& g = r.row_nodes[static_cast<size_t>(node)];
                    ImGui::Indent(14.0f * s * static_cast<float>(g.depth - 1));
                    DrillCell(g.label, node, 0, "report.drill." + std::to_string(node));
                    ImGui::Unindent(14.0f * s * static_cast<float>(g.depth - 1));
                }
                // Every cell drills into its row group crossed with its column group; the totals too.
                int col = 1;
                for (int c : cols) {
                    ImGui::TableSetColumnIndex(col++);
                    const ReportCell& cell = r.Cell(node, c);
                    DrillCell(ValueText(vi, vi < cell.values.size() ? cell.values[vi] : std::nullopt), node,
                              c);
                }
                ImGui::TableSetColumnIndex(col);
                const ReportCell& total = r.Cell(node, 0);
                ImGui::PushStyleColor(ImGuiCol_Text, p.accent);
                DrillCell(ValueText(vi, vi < total.values.size() ? total.values[vi] : std::nullopt), node, 0,
                          "report.cell." + std::to_string(node) + ".total");
                ImGui::PopStyleColor();
            };
            for (int node : order) draw_row(node);
            draw_row(0);
            ImGui::EndTable();
        }
    }

    if (drill_) {
        TextMuted(Tr("rep.drill", {{"group", drill_label_}, {"count", std::to_string(drill_->rows.size())}}),
                  false);
        const ReportResult& d = *drill_;
        const int ncol = std::max<int>(1, static_cast<int>(std::min<size_t>(d.columns.size(), 30)));
        if (ImGui::BeginTable("report.drill", ncol, flags & ~ImGuiTableFlags_Sortable,
                              ImVec2(width, 130.0f * s))) {
            for (int c = 0; c < ncol && static_cast<size_t>(c) < d.columns.size(); ++c)
                ImGui::TableSetupColumn(
                    FieldLabel(workspace_, shown_.object, d.columns[static_cast<size_t>(c)]).c_str());
            ImGui::TableHeadersRow();
            for (const nlohmann::json& row : d.rows) {
                ImGui::TableNextRow();
                for (int c = 0; c < ncol && static_cast<size_t>(c) < d.columns.size(); ++c) {
                    ImGui::TableSetColumnIndex(c);
                    const std::string& k = d.columns[static_cast<size_t>(c)];
                    ImGui::TextUnformatted(row.contains(k) ? CellText(d, k, row[k]).c_str() : "");
                }
            }
            ImGui::EndTable();
        }
    }
}

}  // namespace crm::ui
