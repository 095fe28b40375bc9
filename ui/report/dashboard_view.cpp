// The Reports page's dashboards: the dashboards the acting user sees, one at a time, its widgets on a grid
// of two columns (a chart, a metric or a small table each, placed by its row and column, one or two
// columns wide and one to three units high), every widget's report run as the viewer or the dashboard's
// named user (ReportService::RunDashboard). Who may change the dashboard (CanEditDashboard,
// report_navigation.h) edits it (dashboard_editor.cpp) and reorders its widgets: a widget's title dragged
// onto another widget, its arrows, or Alt+Up / Alt+Down on the selected one. Nobody else sees those controls.
#include <algorithm>

#include "common/text.h"
#include "imgui.h"
#include "imgui_internal.h"
#include "report/report_navigation.h"
#include "ui/access/access_ui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/report/report_page.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

constexpr int kGridColumns = 2;

/// Where each widget goes on the grid, in grid units: a widget starts a new line when its row differs from
/// the one before or its column is taken; its column and width are kept inside the grid.
struct GridPlace {
    int column = 0, line = 0, width = 1, height = 1;
};

std::vector<GridPlace> GridPlaces(const std::vector<DashboardComponent>& components) {
    std::vector<GridPlace> out;
    int line = -1, row = 0, next_column = 0;
    for (const DashboardComponent& c : components) {
        GridPlace p;
        p.width = std::clamp(c.width, 1, kGridColumns);
        p.column = std::clamp(c.column, 0, kGridColumns - p.width);
        p.height = std::clamp(c.height, 1, 3);
        if (line < 0 || c.row != row || p.column < next_column) {
            ++line;
            row = c.row;
        }
        p.line = line;
        next_column = p.column + p.width;
        out.push_back(p);
    }
    return out;
}

}  // namespace

void ReportsPage::OpenDashboards() {
    mode_ = "dashboards";
    message_.clear();
    dashboards_.clear();
    Result<std::vector<Dashboard>> list = workspace_.reports().ListDashboards(ActingUser());
    if (!list.ok()) {
        dashboard_error_ = ErrorText(list.error());
        widgets_.clear();
        return;
    }
    dashboards_ = std::move(*list);
    const bool known = std::any_of(dashboards_.begin(), dashboards_.end(),
                                   [this](const Dashboard& d) { return d.name == dashboard_; });
    if (!known) dashboard_ = dashboards_.empty() ? "" : dashboards_.front().name;
    RunDashboard();
}

void ReportsPage::RunDashboard() {
    widgets_.clear();
    dashboard_for_ = ActingUser();
    dashboard_can_edit_ = false;
    dashboard_error_.clear();
    if (Result<CompanyProfile> company = workspace_.company().Get(); company.ok())
        currency_ = company->currency;
    auto it = std::find_if(dashboards_.begin(), dashboards_.end(),
                           [this](const Dashboard& d) { return d.name == dashboard_; });
    if (it == dashboards_.end()) return;
    Result<std::vector<Result<ReportResult>>> run = workspace_.reports().RunDashboard(ActingUser(), it->id);
    if (!run.ok()) {
        dashboard_error_ = ErrorText(run.error());
        return;
    }
    // The editing controls are shown to who may change it (the core's rule, which the save applies too).
    dashboard_can_edit_ = CanEditDashboard(workspace_.reports(), ActingUser(), *it).ok();
    const std::string viewer = it->run_as.empty() ? ActingUser() : it->run_as;
    for (size_t i = 0; i < it->components.size() && i < run->size(); ++i) {
        Widget w;
        w.component = it->components[i];
        if (Result<ReportDefinition> def = workspace_.reports().Get(viewer, w.component.report_id, true);
            def.ok())
            w.report = *def;
        if (!w.component.chart.empty()) w.report.chart.kind = w.component.chart;
        Result<ReportResult>& r = (*run)[i];
        if (r.ok())
            w.result = std::move(*r);
        else
            w.error = ErrorText(r.error());
        widgets_.push_back(std::move(w));
    }
}

void ReportsPage::MoveWidget(size_t from, size_t to) {
    auto it = std::find_if(dashboards_.begin(), dashboards_.end(),
                           [this](const Dashboard& d) { return d.name == dashboard_; });
    if (it == dashboards_.end() || from == to || from >= widgets_.size() || to >= widgets_.size()) return;
    Dashboard moved = *it;
    if (!MoveDashboardComponent(moved, from, to)) return;
    Result<Dashboard> saved = workspace_.reports().SaveDashboard(ActingUser(), moved);
    if (!saved.ok()) {
        dashboard_error_ = ErrorText(saved.error());
        return;
    }
    dashboard_error_.clear();
    *it = std::move(*saved);
    // The results move with their widgets: nothing runs again.
    Widget w = std::move(widgets_[from]);
    widgets_.erase(widgets_.begin() + static_cast<std::ptrdiff_t>(from));
    widgets_.insert(widgets_.begin() + static_cast<std::ptrdiff_t>(to), std::move(w));
    for (size_t i = 0; i < widgets_.size() && i < it->components.size(); ++i)
        widgets_[i].component = it->components[i];
    selected_widget_ = static_cast<int>(to);
}

void ReportsPage::DrawDashboards(const PageContext& ctx) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    if (!dash_draft_ && dashboard_for_ != ActingUser()) RunDashboard();  // what the new user may see
    if (SecondaryButton(Tr("rep.back"))) Show("list");
    MarkItem("dashboard.back");
    ImGui::SameLine();
    std::vector<std::string> names;
    for (const Dashboard& d : dashboards_) names.push_back(d.name);
    ImGui::SetNextItemWidth(260.0f * s);
    ImGui::BeginDisabled(dash_draft_.has_value());  // the editor holds one dashboard until saved or cancelled
    if (NameCombo("dashboard.pick", names, &dashboard_)) RunDashboard();
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (SecondaryButton(Tr("rep.refresh"))) OpenDashboards();
    MarkItem("dashboard.refresh");
    auto it = std::find_if(dashboards_.begin(), dashboards_.end(),
                           [this](const Dashboard& d) { return d.name == dashboard_; });
    if (!dash_draft_) {
        if (it != dashboards_.end()) {
            // The dashboard's own rule (its owner, an edit share of its folder, or Manage Reports): a
            // dashboard the acting user may only view shows Edit off, with the reason.
            const PermissionGuard guard(SystemPermission::ManageReports, "dashboard.edit",
                                        dashboard_can_edit_, "guard.item_needs_permission");
            ImGui::SameLine();
            if (SecondaryButton(Tr("rep.dash.edit"), guard.allowed())) StartDashboardEdit(false);
            MarkItem("dashboard.edit");
            guard.ReasonOnHover();
        }
        ImGui::SameLine();
        if (SecondaryButton(Tr("rep.dash.new"))) StartDashboardEdit(true);
        MarkItem("dashboard.new");
    }
    if (it != dashboards_.end()) {
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        TextMuted(it->run_as.empty() ? std::string(Tr("rep.dash.run_as_viewer"))
                                     : Tr("rep.dash.run_as", {{"user", it->run_as}}),
                  false);
    }
    if (!dashboard_error_.empty()) ErrorLine("dashboard.error", dashboard_error_);
    if (!message_.empty()) TextColored(p.success, message_);
    float width = ImGui::GetContentRegionAvail().x - 28.0f * s;
    const float height = ImGui::GetContentRegionAvail().y - 8.0f * s;
    if (dash_draft_) {
        const float editor_w = std::min(520.0f * s, width * 0.5f);
        DrawDashboardEditor(ctx, editor_w, height);
        ImGui::SameLine();
        width -= editor_w + ImGui::GetStyle().ItemSpacing.x;
    }
    if (dashboards_.empty()) {
        TextMuted(Tr("rep.dash.none"));
        return;
    }
    ImGui::BeginChild("dashboard.grid", ImVec2(width, height), false);
    const float gap = 16.0f * s;
    const float cell_w = (ImGui::GetContentRegionAvail().x - gap * (kGridColumns - 1)) / kGridColumns;
    const float unit_h = 150.0f * s;  // a widget one unit high is two units tall: 300 at scale 1
    std::vector<DashboardComponent> components;
    for (const Widget& w : widgets_) components.push_back(w.component);
    const std::vector<GridPlace> places = GridPlaces(components);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    std::vector<float> line_y{origin.y};  // the top of each line, then the height below the last
    for (size_t i = 0; i < places.size(); ++i) {
        const float h = unit_h * static_cast<float>(places[i].height + 1);
        const size_t line = static_cast<size_t>(places[i].line);
        if (line + 1 >= line_y.size()) line_y.resize(line + 2, line_y.back());
        line_y[line + 1] = std::max(line_y[line + 1], line_y[line] + h + gap);
    }
    if (selected_widget_ >= static_cast<int>(widgets_.size())) selected_widget_ = -1;
    // The keyboard moves the selected widget (clicked on its title): Alt+Up earlier, Alt+Down later.
    std::optional<std::pair<size_t, size_t>> move;
    // The editor holds its own copy: while it is open, widgets move there, not here.
    const bool reorder = dashboard_can_edit_ && !dash_draft_;
    if (reorder && selected_widget_ >= 0 && !ImGui::GetIO().WantTextInput && ImGui::GetIO().KeyAlt) {
        const size_t at = static_cast<size_t>(selected_widget_);
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow)) && at > 0) move = {at, at - 1};
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow)) && at + 1 < widgets_.size())
            move = {at, at + 1};
    }
    for (size_t i = 0; i < widgets_.size(); ++i) {
        const Widget& w = widgets_[i];
        const std::string id = "dashboard.widget." + std::to_string(i);
        const GridPlace& place = places[i];
        const ImVec2 at(origin.x + static_cast<float>(place.column) * (cell_w + gap),
                        line_y[static_cast<size_t>(place.line)]);
        const float w_px =
            cell_w * static_cast<float>(place.width) + gap * static_cast<float>(place.width - 1);
        const float h_px = unit_h * static_cast<float>(place.height + 1);
        ImGui::SetCursorScreenPos(at);
        const bool selected = selected_widget_ == static_cast<int>(i);
        if (selected) ImGui::PushStyleColor(ImGuiCol_Border, p.accent);
        ImGui::BeginChild(id.c_str(), ImVec2(w_px, h_px), true);
        if (selected) ImGui::PopStyleColor();
        const std::string title = !w.component.title.empty() ? w.component.title : w.report.name;
        if (reorder) {
            // The title is the handle: click to select (then Alt+Up / Alt+Down), drag onto another widget.
            const float buttons = 2.0f * (ImGui::GetFrameHeight() + ImGui::GetStyle().ItemSpacing.x);
            if (ImGui::Selectable((title + "##grip").c_str(), selected, 0,
                                  ImVec2(ImGui::GetContentRegionAvail().x - buttons, 0.0f)))
                selected_widget_ = static_cast<int>(i);
            if (ImGui::IsItemHovered() && !ImGui::IsMouseDragging(ImGuiMouseButton_Left))
                ImGui::SetTooltip("%s", Tr("rep.dash.move_hint"));
            MarkItem(id);
            if (ImGui::BeginDragDropSource()) {
                const int from = static_cast<int>(i);
                ImGui::SetDragDropPayload("CRM_DASHBOARD_WIDGET", &from, sizeof from);
                ImGui::TextUnformatted(title.c_str());
                ImGui::EndDragDropSource();
            }
            ImGui::SameLine();
            ImGui::BeginDisabled(i == 0);
            if (ImGui::ArrowButton("##up", ImGuiDir_Up)) move = {i, i - 1};
            ImGui::EndDisabled();
            if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
                ImGui::SetTooltip("%s", Tr("rep.dash.move_up"));
            MarkItem(id + ".up");
            ImGui::SameLine();
            ImGui::BeginDisabled(i + 1 >= widgets_.size());
            if (ImGui::ArrowButton("##down", ImGuiDir_Down)) move = {i, i + 1};
            ImGui::EndDisabled();
            if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
                ImGui::SetTooltip("%s", Tr("rep.dash.move_down"));
            MarkItem(id + ".down");
        } else {
            ImGui::TextUnformatted(title.c_str());
            MarkItem(id);
        }
        if (!w.error.empty()) {
            TextColored(p.danger, w.error);
        } else if (w.result) {
            const ReportResult& r = *w.result;
            if (w.component.kind == "table") {
                const ImGuiTableFlags flags =
                    ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY;
                if (!r.value_keys.empty() &&
                    ImGui::BeginTable("t", 2, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) {
                    for (int node : r.row_nodes.front().children) {
                        ImGui::TableNextRow();
                        ImGui::TableSetColumnIndex(0);
                        ImGui::TextUnformatted(r.row_nodes[static_cast<size_t>(node)].label.c_str());
                        ImGui::TableSetColumnIndex(1);
                        const ReportCell& c = r.Cell(node, 0);
                        if (!c.values.empty() && c.values[0])
                            ImGui::TextUnformatted(
                                FormatNumber(c.values[0]->ToDouble(), ValueFormat(w.report, r, 0)).c_str());
                    }
                    ImGui::EndTable();
                }
            } else {
                ReportDefinition def = w.report;
                if (w.component.kind == "metric") def.chart.kind = "metric";
                if (def.chart.kind.empty()) def.chart.kind = "bar";
                DrawChart("dashboard.chart." + std::to_string(i), BuildChart(def, r),
                          ImGui::GetContentRegionAvail(), s);
            }
        }
        ImGui::EndChild();
        // The whole widget takes a dragged one: it goes to this widget's place.
        if (reorder && ImGui::BeginDragDropTargetCustom(ImRect(at, ImVec2(at.x + w_px, at.y + h_px)),
                                                        ImGui::GetID((id + ".drop").c_str()))) {
            if (const ImGuiPayload* pl = ImGui::AcceptDragDropPayload("CRM_DASHBOARD_WIDGET")) {
                const int from = *static_cast<const int*>(pl->Data);
                if (from >= 0) move = {static_cast<size_t>(from), i};
            }
            ImGui::EndDragDropTarget();
        }
    }
    // The grid's height, for the scroll bar.
    ImGui::SetCursorScreenPos(ImVec2(origin.x, line_y.back()));
    ImGui::Dummy(ImVec2(1.0f, 1.0f));
    if (move) MoveWidget(move->first, move->second);
    ImGui::EndChild();
}

}  // namespace crm::ui
