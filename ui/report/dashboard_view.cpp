// The Reports page's dashboards: the dashboards the acting user sees, one at a time, its widgets on a grid
// of two columns (a chart, a metric or a small table each), every widget's report run as the viewer or the
// dashboard's named user (ReportService::RunDashboard).
#include <algorithm>

#include "imgui.h"
#include "ui/access/access_ui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/report/report_page.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

void ReportsPage::OpenDashboards() {
    mode_ = "dashboards";
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

void ReportsPage::DrawDashboards(const PageContext& ctx) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    if (SecondaryButton(Tr("rep.back"))) Show("list");
    MarkItem("dashboard.back");
    ImGui::SameLine();
    std::vector<std::string> names;
    for (const Dashboard& d : dashboards_) names.push_back(d.name);
    ImGui::SetNextItemWidth(260.0f * s);
    if (NameCombo("dashboard.pick", names, &dashboard_)) RunDashboard();
    ImGui::SameLine();
    if (SecondaryButton(Tr("rep.refresh"))) OpenDashboards();
    MarkItem("dashboard.refresh");
    auto it = std::find_if(dashboards_.begin(), dashboards_.end(),
                           [this](const Dashboard& d) { return d.name == dashboard_; });
    if (it != dashboards_.end()) {
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        TextMuted(it->run_as.empty() ? std::string(Tr("rep.dash.run_as_viewer"))
                                     : Tr("rep.dash.run_as", {{"user", it->run_as}}),
                  false);
    }
    if (!dashboard_error_.empty()) ErrorLine("dashboard.error", dashboard_error_);
    if (dashboards_.empty()) {
        TextMuted(Tr("rep.dash.none"));
        return;
    }
    const float width = ImGui::GetContentRegionAvail().x - 28.0f * s;
    ImGui::BeginChild("dashboard.grid", ImVec2(width, ImGui::GetContentRegionAvail().y - 8.0f * s), false);
    const float gap = 16.0f * s;
    const float cell_w = (ImGui::GetContentRegionAvail().x - gap) * 0.5f;
    const float cell_h = 300.0f * s;
    for (size_t i = 0; i < widgets_.size(); ++i) {
        const Widget& w = widgets_[i];
        if (i % 2) ImGui::SameLine(0.0f, gap);
        ImGui::BeginChild(("dashboard.widget." + std::to_string(i)).c_str(), ImVec2(cell_w, cell_h), true);
        const std::string title = !w.component.title.empty() ? w.component.title : w.report.name;
        ImGui::TextUnformatted(title.c_str());
        MarkItem("dashboard.widget." + std::to_string(i));
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
    }
    ImGui::EndChild();
}

}  // namespace crm::ui
