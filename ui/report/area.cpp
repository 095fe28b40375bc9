// The Reports area: its page (ui/report/report_page.h), its quick-find entries and its catalogs (the
// area's and the charts' of ui/kit/chart.h).
#include <memory>

#include "imgui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/report/report_page.h"
#include "ui/shell/areas.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "ui/shell/unsaved_guard.h"

namespace crm::ui {

Catalog ReportsCatalog();  // ui/report/catalog.cpp

ReportsPage::ReportsPage(Workspace& workspace, UnsavedGuard& guard) : workspace_(workspace), guard_(guard) {}

void ReportsPage::Show(const std::string& mode) {
    if (mode == mode_) return;
    guard_.Leave(dirty() ? this : nullptr, [this, mode] {
        mode_ = mode;
        dash_draft_.reset();
        message_.clear();
        if (mode == "list") {
            result_.reset();
            run_error_.clear();
            run_note_.clear();
        }
    });
}

void ReportsPage::Open(const std::string& setting, double now) {
    (void)now;
    if (setting == "reports.new") {
        guard_.Leave(dirty() ? this : nullptr, [this] {
            dash_draft_.reset();
            StartNew();
        });
        return;
    }
    if (setting == "reports.list" || setting == "page.reports") Show("list");
    if (setting == "reports.dashboards")
        guard_.Leave(dirty() ? this : nullptr, [this] {
            dash_draft_.reset();
            OpenDashboards();
        });
}

bool ReportsPage::dirty() const {
    if (mode_ == "dashboards" && dash_draft_)
        return ToJson(*dash_draft_).dump() != ToJson(dash_saved_).dump();
    if (mode_ != "builder") return false;
    return ToJson(draft_).dump() != ToJson(saved_draft_).dump();
}

void ReportsPage::Discard() {
    if (mode_ == "dashboards" && dash_draft_) {
        dash_draft_.reset();
        dash_errors_.clear();
        dash_edit_error_.clear();
        return;
    }
    draft_ = saved_draft_;
    mode_ = shown_.id > 0 && !draft_new_ ? "view" : "list";
    if (mode_ == "view") OpenReport(shown_.id);
}

std::string ReportsPage::UnsavedSummary() const {
    if (mode_ == "dashboards" && dash_draft_)
        return Tr("rep.dash.unsaved", {{"name", dash_draft_->name.empty() ? std::string(Tr("rep.untitled"))
                                                                          : dash_draft_->name}});
    return Tr("rep.unsaved", {{"name", draft_.name.empty() ? std::string(Tr("rep.untitled")) : draft_.name}});
}

nlohmann::json ReportsPage::KeepDraft() const {
    if (mode_ == "dashboards" && dash_draft_)
        return KeepItemDraft(ToJson(dash_saved_), ToJson(*dash_draft_), dash_saved_.id <= 0, {{"kind", "dashboard"}});
    return KeepItemDraft(ToJson(saved_draft_), ToJson(draft_), draft_new_, {{"kind", "report"}});
}

void ReportsPage::RestoreDraft(const nlohmann::json& kept) {
    const int64_t id = kept.value("base", nlohmann::json::object()).value("id", int64_t{0});
    if (kept.value("kind", std::string()) == "dashboard") {
        const auto restored = RestoreEdit(
            kept, id > 0 ? Found(workspace_.reports().GetDashboard(ActingUser(), id)) : std::nullopt,
            [](const nlohmann::json& j, Dashboard base) { return DashboardFromJson(j, std::move(base)); });
        if (!restored) return;
        if (!restored->json.is_new) dashboard_ = restored->saved.name;
        OpenDashboards();
        StartDashboardEdit(true);  // the editor's state, reset; its dashboard is the kept one
        dash_saved_ = restored->saved;
        dash_draft_ = restored->draft;
        draft_notice_ = DraftNotice(restored->json);
        return;
    }
    const auto restored = RestoreEdit(
        kept, id > 0 ? Found(workspace_.reports().Get(ActingUser(), id, false)) : std::nullopt,
        [](const nlohmann::json& j, ReportDefinition base) { return ReportFromJson(j, std::move(base)); });
    if (!restored) return;
    if (restored->json.is_new) {
        StartNew();
    } else {
        shown_ = restored->saved;  // Discard goes back to its view
        StartEdit(restored->saved);
    }
    saved_draft_ = restored->saved;
    draft_ = restored->draft;
    draft_notice_ = DraftNotice(restored->json);
}

void ReportsPage::Publish(nlohmann::json& state) const {
    nlohmann::json listed = nlohmann::json::array();
    for (const ReportDefinition& r : reports_)
        listed.push_back({{"id", r.id},
                          {"name", r.name},
                          {"folder", r.folder},
                          {"object", r.object},
                          {"format", ReportFormatName(r.format)},
                          {"owner", r.owner}});
    nlohmann::json s = {{"mode", mode_},       {"reports", listed},        {"folder", folder_},
                        {"message", message_}, {"error", error_},          {"left_out", left_out_},
                        {"shown", shown_.id},  {"shown_name", shown_.name}};
    if (mode_ == "builder") {
        s["draft"] = ToJson(draft_);
        s["dirty"] = dirty();
        s["is_new"] = draft_new_;
        s["builder_error"] = builder_error_;
        s["draft_notice"] = dirty() ? draft_notice_ : std::string();
    }
    if (mode_ == "dashboards") {
        nlohmann::json names = nlohmann::json::array(), widgets = nlohmann::json::array();
        for (const Dashboard& d : dashboards_) names.push_back(d.name);
        for (const Widget& w : widgets_) {
            nlohmann::json totals = nlohmann::json::object();
            if (w.result)
                for (size_t i = 0; i < w.result->value_keys.size(); ++i) {
                    const ReportCell& c = w.result->Cell(0, 0);
                    totals[w.result->value_keys[i]] = i < c.values.size() && c.values[i]
                                                          ? nlohmann::json(c.values[i]->ToDouble())
                                                          : nlohmann::json();
                }
            widgets.push_back({{"report", w.report.name},
                               {"report_id", w.component.report_id},
                               {"title", w.component.title},
                               {"column", w.component.column},
                               {"row", w.component.row},
                               {"width", w.component.width},
                               {"height", w.component.height},
                               {"kind", w.component.kind},
                               {"error", w.error},
                               {"totals", totals}});
        }
        s["dashboards"] = names;
        s["dashboard"] = dashboard_;
        s["widgets"] = widgets;
        s["dashboard_error"] = dashboard_error_;
        s["can_edit"] = dashboard_can_edit_;
        s["selected_widget"] = selected_widget_;
        s["editing"] = dash_draft_.has_value();
        if (dash_draft_) {
            s["draft"] = ToJson(*dash_draft_);
            s["dirty"] = dirty();
            s["edit_error"] = dash_edit_error_;
            s["edit_errors"] = dash_errors_;
            s["confirm_delete"] = dash_confirm_delete_;
            s["draft_notice"] = dirty() ? draft_notice_ : std::string();
        }
    } else if (mode_ != "list") {
        s["result"] = ResultState();
        s["run_error"] = run_error_;
        s["run_note"] = run_note_;
    }
    state["reports"] = std::move(s);
}

void ReportsPage::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    const float pad = 28.0f * s;
    ImGui::SetCursorPosX(pad);
    ImGui::BeginGroup();
    if (mode_ == "list") DrawList(ctx);
    if (mode_ == "builder") DrawBuilder(ctx);
    if (mode_ == "view") DrawView(ctx);
    if (mode_ == "dashboards") DrawDashboards(ctx);
    ImGui::EndGroup();
}

void RegisterReportsArea(AreaRegistry& registry) {
    AreaSpec area;
    area.slug = "reports";
    area.icon = Icon::Reports;
    area.keywords = "reports analytics dashboard chart summary matrix 报表 分析 仪表板 图表 汇总 矩阵";
    area.settings = {
        {"reports.list", "quickfind.reports.list", "report list folders search 报表列表 文件夹 搜索"},
        {"reports.new", "quickfind.reports.new",
         "new report builder create chart pivot 新建报表 生成器 图表 透视表"},
        {"reports.dashboards", "quickfind.reports.dashboards",
         "dashboard widgets sales service 仪表板 组件 销售 服务"},
    };
    area.catalog = ReportsCatalog();
    area.make = [](const PageServices& services) {
        return std::make_unique<ReportsPage>(services.workspace, services.guard);
    };
    registry.Add(std::move(area));
    registry.AddCatalog(ChartCatalog());
}

}  // namespace crm::ui
