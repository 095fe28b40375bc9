// The Reports page's list: the reports the acting user sees (their own, "My private reports", and those in
// folders shared with them), filtered by folder and text, sorted by any column; a row opens the report.
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
#include "ui/workflow/automation_ui.h"

namespace crm::ui {

namespace {

std::string FolderLabel(const std::string& folder) {
    return folder.empty() ? std::string(Tr("rep.folder.private")) : folder;
}

}  // namespace

void ReportsPage::ReloadList() {
    if (loaded_change_ == workspace_.change_count() && loaded_user_ == ActingUser()) return;
    loaded_change_ = workspace_.change_count();
    loaded_user_ = ActingUser();
    reports_.clear();
    folders_.clear();
    Result<std::vector<ReportDefinition>> list = workspace_.reports().List(ActingUser());
    if (!list.ok()) {
        error_ = ErrorText(list.error());
        return;
    }
    error_.clear();
    reports_ = std::move(*list);
    for (const ReportDefinition& r : reports_) {
        const std::string f = FolderLabel(r.folder);
        if (std::find(folders_.begin(), folders_.end(), f) == folders_.end()) folders_.push_back(f);
    }
    if (Result<std::vector<ReportFolder>> shared = workspace_.reports().ListFolders(ActingUser());
        shared.ok()) {
        for (const ReportFolder& f : *shared)
            if (std::find(folders_.begin(), folders_.end(), f.name) == folders_.end())
                folders_.push_back(f.name);
    }
    std::sort(folders_.begin(), folders_.end());
    if (Result<CompanyProfile> company = workspace_.company().Get(); company.ok())
        currency_ = company->currency;
}

void ReportsPage::DrawList(const PageContext& ctx) {
    const float s = ctx.scale;
    ReloadList();
    if (PrimaryButton(Tr("rep.new"))) StartNew();
    MarkItem("reports.new");
    ImGui::SameLine();
    if (SecondaryButton(Tr("rep.dashboards"))) OpenDashboards();
    MarkItem("reports.dashboards");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(200.0f * s);
    NameCombo("reports.folder", folders_, &folder_, "rep.folder.any");
    ImGui::SameLine();
    TableFilter("reports.filter", Tr("rep.filter_hint"), &filter_, 240.0f * s);
    if (!error_.empty()) ErrorLine("reports.error", error_);
    if (!message_.empty()) TextMuted(message_);

    const std::string needle = LowerAscii(filter_);
    struct Row {
        const ReportDefinition* report;
        std::string folder, object, format;
    };
    std::vector<Row> rows;
    for (const ReportDefinition& r : reports_) {
        Row row{&r, FolderLabel(r.folder), ObjectLabel(workspace_, r.object),
                Tr("rep.format." + std::string(ReportFormatName(r.format)))};
        if (!folder_.empty() && row.folder != folder_) continue;
        if (!MatchesFilter(needle,
                           {r.name, r.description, row.folder, row.object, r.object, row.format, r.owner}))
            continue;
        rows.push_back(std::move(row));
    }
    const float width = ImGui::GetContentRegionAvail().x - 28.0f * s;
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_SortTristate |
                                  ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                  ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingStretchProp;
    if (ImGui::BeginTable("reports.table", 5, flags,
                          ImVec2(width, ImGui::GetContentRegionAvail().y - 8.0f * s))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(Tr("rep.col.name"), 0, 2.4f);
        ImGui::TableSetupColumn(Tr("rep.col.folder"), 0, 1.3f);
        ImGui::TableSetupColumn(Tr("rep.col.object"), 0, 1.1f);
        ImGui::TableSetupColumn(Tr("rep.col.format"), 0, 0.9f);
        ImGui::TableSetupColumn(Tr("rep.col.owner"), 0, 0.9f);
        TakeSortSpecs(&sort_column_, &sort_desc_);
        TableHeadersRowMarked("reports", {"name", "folder", "object", "format", "owner"});
        switch (sort_column_) {
            case 0:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return LowerAscii(r.report->name); });
                break;
            case 1:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return LowerAscii(r.folder); });
                break;
            case 2:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return LowerAscii(r.object); });
                break;
            case 3:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return r.format; });
                break;
            case 4:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return LowerAscii(r.report->owner); });
                break;
            default:
                break;
        }
        nlohmann::json shown = nlohmann::json::array();
        for (const Row& row : rows) {
            const ReportDefinition& r = *row.report;
            shown.push_back(r.id);
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            if (ImGui::Selectable((r.name + "##rep." + std::to_string(r.id)).c_str(), shown_.id == r.id,
                                  ImGuiSelectableFlags_SpanAllColumns))
                OpenReport(r.id);
            MarkRow("reports.row." + std::to_string(r.id));
            ImGui::TableSetColumnIndex(1);
            CellText(row.folder, true);
            ImGui::TableSetColumnIndex(2);
            CellText(row.object);
            ImGui::TableSetColumnIndex(3);
            CellText(row.format);
            ImGui::TableSetColumnIndex(4);
            CellText(r.owner, true);
        }
        if (rows.empty()) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            TextMuted(Tr(reports_.empty() ? "rep.none" : "rep.none_match"), false);
        }
        ImGui::EndTable();
        PublishForm("reports.rows", std::move(shown));
    }
}

}  // namespace crm::ui
