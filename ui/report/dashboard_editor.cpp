// The dashboard editor, a panel beside the grid of the Reports page's dashboards, open only to who may
// change the dashboard (CanEditDashboard, report_navigation.h; a new one is the user's own): its name, folder
// and whom it runs as (each viewer, or a named user: Manage Reports); its widgets (a saved report the user
// sees, drawn as a chart of a kind, a metric or a table; the row and column it starts at, its width and
// height on the two-column grid); the filters every widget whose object has the field takes (field,
// operator, value: relative dates such as THIS_MONTH or LAST_N_DAYS:30 on date fields). Saved through
// ReportService::SaveDashboard (the service of dashboards.create / dashboards.update), whose errors show
// beside the part they name; deleted after a confirmation.
#include <algorithm>
#include <iterator>
#include <tuple>

#include "imgui.h"
#include "ui/access/access_ui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/report/report_page.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "ui/shell/unsaved_guard.h"
#include "ui/workflow/automation_ui.h"

namespace crm::ui {

namespace {

const std::vector<std::string> kWidgetKinds = {"chart", "metric", "table"};

/// "1", "2", ... "n" (the grid's rows, columns, widths and heights as a person counts them).
std::vector<std::string> Counting(int n) {
    std::vector<std::string> out;
    for (int i = 1; i <= n; ++i) out.push_back(std::to_string(i));
    return out;
}

/// A combo over 1..n bound to a 0-based (`zero_based`) or 1-based int.
void CountCombo(const std::string& hook, int n, int* value, bool zero_based) {
    std::string text = std::to_string(*value + (zero_based ? 1 : 0));
    if (KeyCombo(
            hook, Counting(n), [](const std::string& k) { return k; }, &text))
        *value = std::stoi(text) - (zero_based ? 1 : 0);
}

/// The error of part `key`, if any, under the part.
void PartError(const std::map<std::string, std::string>& errors, const std::string& key,
               const std::string& hook) {
    if (auto it = errors.find(key); it != errors.end()) ErrorLine(hook, it->second);
}

}  // namespace

void ReportsPage::StartDashboardEdit(bool create) {
    dash_errors_.clear();
    dash_edit_error_.clear();
    dash_confirm_delete_ = false;
    message_.clear();
    draft_notice_.clear();
    Dashboard d;
    if (!create) {
        auto it = std::find_if(dashboards_.begin(), dashboards_.end(),
                               [this](const Dashboard& x) { return x.name == dashboard_; });
        if (it == dashboards_.end()) return;
        Result<Dashboard> fresh = workspace_.reports().GetDashboard(ActingUser(), it->id);
        if (!fresh.ok()) {
            dashboard_error_ = ErrorText(fresh.error());
            return;
        }
        d = std::move(*fresh);
    }
    dash_saved_ = d;
    dash_draft_ = std::move(d);
    ReloadList();  // the reports a widget may show
}

bool ReportsPage::SaveDashboardDraft() {
    if (!dash_draft_) return false;
    dash_errors_.clear();
    dash_edit_error_.clear();
    // Reading order (rows, then columns), as the grid and the moves read it; the draft takes it too, so an
    // error naming "components.N" stands beside that widget.
    Dashboard& d = *dash_draft_;
    std::stable_sort(d.components.begin(), d.components.end(),
                     [](const DashboardComponent& a, const DashboardComponent& b) {
                         return std::tie(a.row, a.column) < std::tie(b.row, b.column);
                     });
    Result<Dashboard> saved = workspace_.reports().SaveDashboard(ActingUser(), *dash_draft_);
    if (!saved.ok()) {
        dash_edit_error_ = ErrorText(saved.error());
        const std::string part = saved.error().field;
        // An error of a part shows beside it; one of the whole (a refused right) above the buttons.
        if (part == "name" || part == "folder" || part == "run_as" || part.rfind("components.", 0) == 0 ||
            part.rfind("filters.", 0) == 0)
            dash_errors_[part] = dash_edit_error_;
        return false;
    }
    dash_draft_.reset();
    dash_confirm_delete_ = false;
    dashboard_ = saved->name;
    OpenDashboards();
    message_ = Tr("rep.dash.saved", {{"name", saved->name}});
    return true;
}

void ReportsPage::DeleteDashboardShown() {
    if (!dash_draft_ || dash_draft_->id <= 0) return;
    const std::string name = dash_saved_.name;
    if (Status s = workspace_.reports().DeleteDashboard(ActingUser(), dash_draft_->id); !s.ok()) {
        dash_edit_error_ = ErrorText(s.error());
        dash_confirm_delete_ = false;
        return;
    }
    dash_draft_.reset();
    dash_confirm_delete_ = false;
    dashboard_.clear();
    OpenDashboards();
    message_ = Tr("rep.dash.deleted", {{"name", name}});
}

void ReportsPage::DrawDashboardEditor(const PageContext& ctx, float width, float height) {
    const float s = ctx.scale;
    Dashboard& d = *dash_draft_;
    ImGui::BeginChild("dashboard.editor", ImVec2(width, height), true);
    const float label_w = 110.0f * s;
    const float field_w = std::max(120.0f * s, ImGui::GetContentRegionAvail().x - label_w - 8.0f * s);
    auto row_label = [&](const char* id) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(Tr(id));
        ImGui::SameLine(label_w);
        ImGui::SetNextItemWidth(field_w);
    };
    ImGui::TextUnformatted(Tr(d.id > 0 ? "rep.dash.edit_title" : "rep.dash.new_title"));

    // The dashboard itself.
    row_label("rep.field.name");
    InputString("##dashboard.edit.name", &d.name, 0, Tr("rep.dash.name_hint"));
    MarkItem("dashboard.edit.name");
    PartError(dash_errors_, "name", "dashboard.edit.name");
    std::vector<std::string> folders;
    for (const ReportDefinition& r : reports_)
        if (!r.folder.empty()) folders.push_back(r.folder);
    if (Result<std::vector<ReportFolder>> shared = workspace_.reports().ListFolders(ActingUser());
        shared.ok())
        for (const ReportFolder& f : *shared) folders.push_back(f.name);
    if (!d.folder.empty()) folders.push_back(d.folder);
    std::sort(folders.begin(), folders.end());
    folders.erase(std::unique(folders.begin(), folders.end()), folders.end());
    row_label("rep.field.folder");
    NameCombo("dashboard.edit.folder", folders, &d.folder, "rep.dash.folder_private");
    PartError(dash_errors_, "folder", "dashboard.edit.folder");
    std::vector<std::string> users = {""};
    for (const std::string& u : ActiveUsernames(workspace_)) users.push_back(u);
    row_label("rep.dash.field.run_as");
    KeyCombo(
        "dashboard.edit.run_as", users,
        [](const std::string& u) { return u.empty() ? std::string(Tr("rep.dash.viewer")) : u; }, &d.run_as);
    PartError(dash_errors_, "run_as", "dashboard.edit.run_as");

    // The widgets.
    SectionHeading(ctx, "rep.dash.section.widgets");
    auto report_name = [this](int64_t id) {
        for (const ReportDefinition& r : reports_)
            if (r.id == id) return r.name;
        return "#" + std::to_string(id);
    };
    std::vector<std::string> report_ids;
    for (const ReportDefinition& r : reports_) report_ids.push_back(std::to_string(r.id));
    auto id_label = [&](const std::string& id) { return report_name(std::stoll(id)); };
    std::vector<std::string> chart_kinds = {""};
    for (const std::string& k : ChartKindNames()) chart_kinds.push_back(k);
    std::optional<size_t> removed;
    const float small_w = 52.0f * s;
    for (size_t i = 0; i < d.components.size(); ++i) {
        DashboardComponent& c = d.components[i];
        const std::string h = "dashboard.edit.widget." + std::to_string(i);
        ImGui::PushID(h.c_str());
        ImGui::AlignTextToFramePadding();
        ImGui::Text("%zu.", i + 1);
        ImGui::SameLine();
        std::string report = std::to_string(c.report_id);
        ImGui::SetNextItemWidth(std::max(120.0f * s, ImGui::GetContentRegionAvail().x - 40.0f * s));
        if (KeyCombo(h + ".report", report_ids, id_label, &report)) c.report_id = std::stoll(report);
        ImGui::SameLine();
        if (RemoveButton(h + ".remove")) removed = i;
        ImGui::Indent(24.0f * s);
        ImGui::SetNextItemWidth(100.0f * s);
        KeyCombo(
            h + ".kind", kWidgetKinds,
            [](const std::string& k) { return std::string(Tr("rep.dash.kind." + k)); }, &c.kind);
        if (c.kind == "chart") {
            ImGui::SameLine();
            ImGui::SetNextItemWidth(140.0f * s);
            KeyCombo(
                h + ".chart", chart_kinds,
                [](const std::string& k) {
                    return k.empty() ? std::string(Tr("rep.dash.chart_of_report")) : ChartKindLabel(k);
                },
                &c.chart);
        }
        ImGui::SameLine();
        ImGui::SetNextItemWidth(std::max(80.0f * s, ImGui::GetContentRegionAvail().x));
        InputString("##title", &c.title, 0, Tr("rep.dash.title_hint"));
        MarkItem(h + ".title");
        // Its place: the row and column it starts at, and its size in grid units.
        const struct {
            const char* label;
            const char* key;
            int n;
            int* value;
            bool zero_based;
        } place[] = {{"rep.dash.row", "row", 20, &c.row, true},
                     {"rep.dash.column", "column", 2, &c.column, true},
                     {"rep.dash.width", "width", 2, &c.width, false},
                     {"rep.dash.height", "height", 3, &c.height, false}};
        for (size_t k = 0; k < std::size(place); ++k) {
            if (k > 0) ImGui::SameLine();
            ImGui::AlignTextToFramePadding();
            TextMuted(Tr(place[k].label), false);
            ImGui::SameLine();
            ImGui::SetNextItemWidth(small_w);
            CountCombo(h + "." + place[k].key, place[k].n, place[k].value, place[k].zero_based);
        }
        ImGui::Unindent(24.0f * s);
        PartError(dash_errors_, "components." + std::to_string(i), h);
        ImGui::PopID();
        ImGui::Spacing();
    }
    if (removed) d.components.erase(d.components.begin() + static_cast<std::ptrdiff_t>(*removed));
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
    if (const std::string picked =
            AddCombo("dashboard.edit.add_widget", Tr("rep.dash.add_widget"), report_ids, id_label);
        !picked.empty()) {
        // A new widget goes to the first free place after the last one.
        DashboardComponent c;
        c.report_id = std::stoll(picked);
        if (!d.components.empty()) {
            const DashboardComponent& last = d.components.back();
            const bool room = last.column + last.width < 2;
            c.row = room ? last.row : std::min(99, last.row + 1);
            c.column = room ? last.column + last.width : 0;
        }
        d.components.push_back(c);
    }

    // The filters every widget whose object has the field takes.
    SectionHeading(ctx, "rep.dash.section.filters");
    std::vector<std::string> fields;
    for (const DashboardComponent& c : d.components)
        for (const ReportDefinition& r : reports_)
            if (r.id == c.report_id)
                for (const std::string& f : ReadableFields(r.object))
                    if (f != "CreatedDate") fields.push_back(f);  // also Account.Industry and the like
    std::sort(fields.begin(), fields.end());
    fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
    std::optional<size_t> removed_filter;
    for (size_t i = 0; i < d.filters.size(); ++i) {
        ReportFilter& f = d.filters[i];
        const std::string h = "dashboard.edit.filter." + std::to_string(i);
        ImGui::PushID(h.c_str());
        // The widgets' objects may differ: a value typed as a number is taken as one. The value box takes
        // the line up to the remove button (a negative width).
        FilterConditionEditor(
            h, fields, &f, [](const std::string&) { return true; }, 140.0f * s, 90.0f * s, -40.0f * s,
            Tr("rep.dash.value_hint"));
        ImGui::SameLine();
        if (RemoveButton(h + ".remove")) removed_filter = i;
        PartError(dash_errors_, "filters." + std::to_string(i), h);
        ImGui::PopID();
    }
    if (removed_filter) d.filters.erase(d.filters.begin() + static_cast<std::ptrdiff_t>(*removed_filter));
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
    if (const std::string picked = AddCombo("dashboard.edit.add_filter", Tr("rep.add_filter"), fields,
                                            [](const std::string& f) { return f; });
        !picked.empty())
        d.filters.push_back(ReportFilter{picked, "=", nlohmann::json("")});
    TextMuted(Tr("rep.dash.filters_note"));

    // Save, cancel, delete (after a confirmation).
    ImGui::Spacing();
    if (!dash_edit_error_.empty() && dash_errors_.empty())
        ErrorLine("dashboard.edit.error", dash_edit_error_);
    DrawDraftNotice(dirty() ? draft_notice_ : std::string(), "dashboard.edit.draft_notice");
    if (PrimaryButton(Tr("rep.save"), !d.name.empty())) SaveDashboardDraft();
    MarkItem("dashboard.edit.save");
    if (!dash_draft_) {  // saved: the editor closed
        ImGui::EndChild();
        return;
    }
    ImGui::SameLine();
    if (SecondaryButton(Tr("rep.dash.cancel"))) {
        guard_.Leave(dirty() ? this : nullptr, [this] {
            dash_draft_.reset();
            dash_errors_.clear();
            dash_edit_error_.clear();
        });
    }
    MarkItem("dashboard.edit.cancel");
    if (dash_draft_ && dash_draft_->id > 0) {
        ImGui::SameLine();
        if (!dash_confirm_delete_) {
            if (SecondaryButton(Tr("rep.dash.delete"))) dash_confirm_delete_ = true;
            MarkItem("dashboard.edit.delete");
        } else {
            TextColored(CurrentPalette().danger, Tr("rep.dash.delete_confirm", {{"name", dash_saved_.name}}));
            if (PrimaryButton(Tr("rep.dash.delete_yes"))) DeleteDashboardShown();
            MarkItem("dashboard.edit.delete_yes");
            ImGui::SameLine();
            if (SecondaryButton(Tr("rep.dash.delete_no"))) dash_confirm_delete_ = false;
            MarkItem("dashboard.edit.delete_no");
        }
    }
    ImGui::EndChild();
}

}  // namespace crm::ui
