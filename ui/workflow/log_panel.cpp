#include "ui/workflow/log_panel.h"

#include <algorithm>

#include "imgui.h"
#include "ui/access/access_ui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "ui/workflow/automation_ui.h"

namespace crm::ui {

namespace {

constexpr int kListed = 300;

std::string TriggerLabel(const std::string& trigger) {
    const std::string id = "wf.trigger." + trigger;
    return HasText(id) ? Tr(id) : trigger;
}

}  // namespace

void LogPanel::Reload() {
    const std::string key = ActingUser() + "|" + object_ + "|" + rule_ + "|" + outcome_;
    if (loaded_change_ == workspace_.change_count() && loaded_key_ == key) return;
    loaded_change_ = workspace_.change_count();
    loaded_key_ = key;
    entries_.clear();
    if (Status allowed = RequireManageWorkflows(workspace_); !allowed.ok()) {
        error_ = ErrorText(allowed.error());
        return;
    }
    error_.clear();
    WorkflowLog& log = workspace_.automation().log();
    WorkflowLogFilter f;
    f.object = object_;
    f.rule = rule_;
    f.errors = outcome_ == "failed" ? 1 : outcome_ == "ok" ? 0 : -1;
    f.limit = kListed;
    entries_ = log.List(f);
    retention_days_ = log.RetentionDays();
    rule_names_.clear();
    objects_.clear();
    if (Result<std::vector<AutomationRule>> rules = workspace_.automation().List(ActingUser()); rules.ok()) {
        for (const AutomationRule& r : *rules) {
            if (object_.empty() || r.object == object_) rule_names_.push_back(r.name);
            if (std::find(objects_.begin(), objects_.end(), r.object) == objects_.end())
                objects_.push_back(r.object);
        }
    }
    std::sort(rule_names_.begin(), rule_names_.end());
    rule_names_.erase(std::unique(rule_names_.begin(), rule_names_.end()), rule_names_.end());
}

nlohmann::json LogPanel::State() const {
    nlohmann::json entries = nlohmann::json::array();
    for (const WorkflowLogEntry& e : entries_)
        entries.push_back({{"id", e.id},
                           {"rule", e.rule_name},
                           {"object", e.object},
                           {"record_id", e.record_id},
                           {"trigger", e.trigger},
                           {"condition_met", e.condition_met},
                           {"ok", e.error.empty()},
                           {"actions", e.actions}});
    return {{"entries", entries},
            {"object", object_},
            {"rule", rule_},
            {"outcome", outcome_},
            {"error", error_},
            {"selected", selected_},
            {"retention_days", retention_days_}};
}

void LogPanel::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    Reload();
    if (!error_.empty()) {
        ErrorLine("log.error", error_);
        return;
    }
    const float width = ImGui::GetContentRegionAvail().x - 28.0f * s;
    ImGui::SetNextItemWidth(160.0f * s);
    if (NameCombo("log.object", objects_, &object_, "wf.log.any_object")) rule_.clear();
    ImGui::SameLine();
    ImGui::SetNextItemWidth(200.0f * s);
    NameCombo("log.rule", rule_names_, &rule_, "wf.log.any_rule");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(150.0f * s);
    KeyCombo(
        "log.outcome", {"all", "ok", "failed"},
        [](const std::string& k) { return Tr("wf.log.outcome." + k); }, &outcome_);
    ImGui::SameLine();
    TableFilter("log.filter", Tr("wf.log.filter_hint"), &filter_, 220.0f * s);
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    TextMuted(
        Tr("wf.log.kept", {{"days", std::to_string(retention_days_)}, {"zone", CompanyZone(workspace_)}}),
        false);

    const std::string needle = LowerAscii(filter_);
    struct Row {
        const WorkflowLogEntry* entry;
        std::string time, record, trigger, outcome;
    };
    std::vector<Row> rows;
    const WorkflowLogEntry* chosen = nullptr;
    for (const WorkflowLogEntry& e : entries_) {
        Row row{&e, CompanyTimeText(workspace_, e.at_ms), RecordLabel(workspace_, e.object, e.record_id),
                TriggerLabel(e.trigger),
                !e.error.empty()  ? Tr("wf.log.failed")
                : e.condition_met ? Tr("wf.log.ran")
                                  : Tr("wf.log.not_met")};
        std::string actions;
        for (const std::string& a : e.actions) actions += a + " ";
        if (!MatchesFilter(needle,
                           {e.rule_name, row.record, e.object, row.trigger, row.outcome, actions, e.error}))
            continue;
        if (e.id == selected_) chosen = &e;
        rows.push_back(std::move(row));
    }
    const float detail_h = chosen ? 150.0f * s : 0.0f;
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_SortTristate |
                                  ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                  ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_Resizable;
    if (ImGui::BeginTable("log.table", 7, flags,
                          ImVec2(width, ImGui::GetContentRegionAvail().y - 8.0f * s - detail_h))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(Tr("wf.log.col.time"), 0, 1.1f);
        ImGui::TableSetupColumn(Tr("wf.log.col.rule"), 0, 1.6f);
        ImGui::TableSetupColumn(Tr("wf.log.col.record"), 0, 1.8f);
        ImGui::TableSetupColumn(Tr("wf.log.col.trigger"), 0, 1.1f);
        ImGui::TableSetupColumn(Tr("wf.log.col.outcome"), 0, 1.0f);
        ImGui::TableSetupColumn(Tr("wf.log.col.actions"), 0, 2.0f);
        ImGui::TableSetupColumn(Tr("wf.log.col.duration"), ImGuiTableColumnFlags_WidthFixed, 80.0f * s);
        TakeSortSpecs(&sort_column_, &sort_desc_);
        TableHeadersRowMarked("log", {"time", "rule", "record", "trigger", "outcome", "actions", "duration"});
        switch (sort_column_) {
            case 0:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return r.entry->id; });
                break;
            case 1:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return LowerAscii(r.entry->rule_name); });
                break;
            case 2:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return LowerAscii(r.record); });
                break;
            case 3:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return r.trigger; });
                break;
            case 4:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return r.outcome; });
                break;
            case 5:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return r.entry->actions.size(); });
                break;
            case 6:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return r.entry->duration_us; });
                break;
            default:
                break;
        }
        nlohmann::json shown = nlohmann::json::array();
        for (const Row& row : rows) {
            const WorkflowLogEntry& e = *row.entry;
            shown.push_back(e.id);
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            if (ImGui::Selectable((row.time + "##log." + std::to_string(e.id)).c_str(), e.id == selected_,
                                  ImGuiSelectableFlags_SpanAllColumns))
                selected_ = e.id == selected_ ? 0 : e.id;
            MarkRow("log.row." + std::to_string(e.id));
            ImGui::TableSetColumnIndex(1);
            CellText(e.rule_name);
            ImGui::TableSetColumnIndex(2);
            CellText(row.record);
            ImGui::TableSetColumnIndex(3);
            CellText(row.trigger, true);
            ImGui::TableSetColumnIndex(4);
            if (!e.error.empty()) {
                TextColored(p.danger, row.outcome, false);
            } else if (e.condition_met) {
                TextColored(p.success, row.outcome, false);
            } else {
                TextMuted(row.outcome, false);
            }
            ImGui::TableSetColumnIndex(5);
            std::string actions;
            for (const std::string& a : e.actions) actions += (actions.empty() ? "" : "; ") + a;
            CellText(actions);
            ImGui::TableSetColumnIndex(6);
            ImGui::Text("%lld µs", static_cast<long long>(e.duration_us));
        }
        if (rows.empty()) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(1);
            TextMuted(Tr("wf.log.none"), false);
        }
        ImGui::EndTable();
        PublishForm("log.rows", std::move(shown));
    }
    if (chosen) {
        const WorkflowLogEntry& e = *chosen;
        ImGui::BeginChild("log.detail", ImVec2(width, detail_h - 4.0f * s), true);
        ImGui::TextUnformatted(
            Tr("wf.log.detail", {{"rule", e.rule_name},
                                 {"record", RecordLabel(workspace_, e.object, e.record_id)},
                                 {"actor", e.actor}})
                .c_str());
        TextMuted(Tr(e.condition_met ? "wf.log.condition_met" : "wf.log.condition_not_met"), false);
        for (const std::string& a : e.actions) ImGui::BulletText("%s", a.c_str());
        if (!e.error.empty()) ErrorLine("log.detail", ErrorText(e.error));
        ImGui::EndChild();
    }
}

}  // namespace crm::ui
