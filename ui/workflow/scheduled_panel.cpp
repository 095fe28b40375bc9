#include "ui/workflow/scheduled_panel.h"

#include <algorithm>

#include "imgui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/busy.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "ui/workflow/automation_ui.h"

namespace crm::ui {

namespace {

constexpr int kListed = 300;

// "pending", "due" (pending and past its time), "done", "late" (done, late) or "failed".
std::string Shown(const ScheduledItem& item, int64_t now) {
    if (item.state == "pending") return item.due_ms <= now ? "due" : "pending";
    if (item.state == "done") return item.late ? "late" : "done";
    return item.state;
}

}  // namespace

void ScheduledPanel::Reload() {
    if (loaded_change_ == workspace_.change_count() && loaded_user_ == ActingUser() &&
        loaded_state_ == state_)
        return;
    loaded_change_ = workspace_.change_count();
    loaded_user_ = ActingUser();
    loaded_state_ = state_;
    items_.clear();
    rule_names_.clear();
    if (Status allowed = RequireManageWorkflows(workspace_); !allowed.ok()) {
        error_ = ErrorText(allowed.error());
        return;
    }
    error_.clear();
    SchedulerService& scheduler = workspace_.automation().scheduler();
    items_ = scheduler.List(state_, kListed);
    pending_ = scheduler.PendingCount();
    if (Result<std::vector<AutomationRule>> rules = workspace_.automation().List(ActingUser()); rules.ok()) {
        for (const AutomationRule& r : *rules) rule_names_[r.id] = r.name;
    }
}

nlohmann::json ScheduledPanel::State() const {
    nlohmann::json items = nlohmann::json::array();
    const int64_t now = workspace_.clock().NowMs();
    for (const ScheduledItem& item : items_) {
        nlohmann::json j = ToJson(item);
        j["shown"] = Shown(item, now);
        auto rule = rule_names_.find(item.rule_id);
        j["rule"] = rule == rule_names_.end() ? std::string() : rule->second;
        items.push_back(std::move(j));
    }
    return {{"state", state_},     {"items", items},          {"pending", pending_},    {"error", error_},
            {"message", message_}, {"run_error", run_error_}, {"auto", runner_.State()}};
}

void ScheduledPanel::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    Reload();
    // The scheduled items and Run now need Manage Workflows (automation.scheduled.* in the registry).
    const PermissionGuard guard(workspace_.access(), SystemPermission::ManageWorkflows, "scheduled");
    guard.Notice();
    if (!error_.empty()) {
        if (guard.allowed()) ErrorLine("scheduled.error", error_);  // else the notice says it
        return;
    }
    const float width = ImGui::GetContentRegionAvail().x - 28.0f * s;
    const int64_t now = workspace_.clock().NowMs();

    // What the console did on its own, and when.
    if (runner_.last_run_ms() != 0) {
        const RunDueReport& last = runner_.last_report();
        std::string text = Tr("wf.sched.auto", {{"time", CompanyTimeText(workspace_, runner_.last_run_ms())},
                                                {"ran", std::to_string(last.ran.size())},
                                                {"late", std::to_string(last.late)},
                                                {"failed", std::to_string(last.failed)}});
        TextMuted(text + "  " + Tr("wf.sched.every", {{"seconds", std::to_string(kRunEveryMs / 1000)}}),
                  false);
        if (!runner_.last_error().empty()) ErrorLine("scheduled.auto", runner_.last_error());
    }

    ImGui::SetNextItemWidth(180.0f * s);
    KeyCombo(
        "scheduled.state", {"pending", "done", "failed", ""},
        [](const std::string& k) { return std::string(Tr("wf.sched.state." + (k.empty() ? "all" : k))); },
        &state_);
    ImGui::SameLine();
    TableFilter("scheduled.filter", Tr("wf.sched.filter_hint"), &filter_, 240.0f * s);
    ImGui::SameLine();
    if (PrimaryButton(Label("wf.sched.run_now").c_str(), guard.allowed())) {
        const size_t due = workspace_.automation().scheduler().Due(now, 201).size();
        RunShowingProgress(due > 200, Tr("wf.sched.running"), [this] {
            const int64_t at = workspace_.clock().NowMs();
            Result<RunDueReport> report = workspace_.automation().scheduler().RunDue(ActingUser(), at);
            if (report.ok()) {
                run_error_.clear();
                message_ = report->ran.empty()
                               ? std::string(Tr("wf.sched.nothing_due"))
                               : Tr("wf.sched.ran", {{"ran", std::to_string(report->ran.size())},
                                                     {"late", std::to_string(report->late)},
                                                     {"failed", std::to_string(report->failed)}});
            } else {
                message_.clear();
                run_error_ = ErrorText(report.error());
            }
        });
    }
    MarkItem("scheduled.run_now");
    guard.ReasonOnHover();
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    TextMuted(
        Tr("wf.sched.pending", {{"count", std::to_string(pending_)}, {"zone", CompanyZone(workspace_)}}),
        false);
    if (!message_.empty()) TextColored(p.success, message_, false);
    if (!run_error_.empty()) ErrorLine("scheduled.run_now", run_error_);

    const std::string needle = LowerAscii(filter_);
    struct Row {
        const ScheduledItem* item;
        std::string rule, record, due, ran, shown;
    };
    std::vector<Row> rows;
    for (const ScheduledItem& item : items_) {
        auto name = rule_names_.find(item.rule_id);
        Row row{&item,
                name == rule_names_.end() ? item.kind + " #" + std::to_string(item.rule_id) : name->second,
                RecordLabel(workspace_, item.object, item.record_id),
                CompanyTimeText(workspace_, item.due_ms),
                CompanyTimeText(workspace_, item.ran_ms),
                Shown(item, now)};
        if (MatchesFilter(needle, {row.rule, row.record, item.object, Tr("wf.sched.shown." + row.shown)}))
            rows.push_back(std::move(row));
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_SortTristate |
                                  ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                  ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_Resizable;
    if (ImGui::BeginTable("scheduled.table", 6, flags,
                          ImVec2(width, ImGui::GetContentRegionAvail().y - 8.0f * s))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(Tr("wf.sched.col.due"), 0, 1.2f);
        ImGui::TableSetupColumn(Tr("wf.sched.col.rule"), 0, 1.6f);
        ImGui::TableSetupColumn(Tr("wf.sched.col.object"), 0, 0.9f);
        ImGui::TableSetupColumn(Tr("wf.sched.col.record"), 0, 1.8f);
        ImGui::TableSetupColumn(Tr("wf.sched.col.state"), 0, 0.9f);
        ImGui::TableSetupColumn(Tr("wf.sched.col.ran"), 0, 1.2f);
        TakeSortSpecs(&sort_column_, &sort_desc_);
        TableHeadersRowMarked("scheduled", {"due", "rule", "object", "record", "state", "ran"});
        switch (sort_column_) {
            case 0:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return r.item->due_ms; });
                break;
            case 1:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return LowerAscii(r.rule); });
                break;
            case 2:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return r.item->object; });
                break;
            case 3:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return LowerAscii(r.record); });
                break;
            case 4:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return r.shown; });
                break;
            case 5:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return r.item->ran_ms; });
                break;
            default:
                break;
        }
        nlohmann::json shown = nlohmann::json::array();
        for (const Row& row : rows) {
            const ScheduledItem& item = *row.item;
            shown.push_back(item.id);
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            CellText(row.due);
            MarkItem("scheduled.row." + std::to_string(item.id));
            ImGui::TableSetColumnIndex(1);
            CellText(row.rule);
            ImGui::TableSetColumnIndex(2);
            CellText(ObjectLabel(workspace_, item.object), true);
            ImGui::TableSetColumnIndex(3);
            CellText(row.record);
            ImGui::TableSetColumnIndex(4);
            const std::string label = Tr("wf.sched.shown." + row.shown);
            if (row.shown == "failed") {
                TextColored(p.danger, label, false);
                if (ImGui::IsItemHovered() && !item.error.empty())
                    ImGui::SetTooltip("%s", item.error.c_str());
            } else if (row.shown == "late" || row.shown == "due") {
                TextColored(p.warning, label, false);
            } else if (row.shown == "done") {
                TextColored(p.success, label, false);
            } else {
                TextMuted(label, false);
            }
            ImGui::TableSetColumnIndex(5);
            CellText(row.ran);
        }
        if (rows.empty()) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(1);
            TextMuted(Tr("wf.sched.none"), false);
        }
        ImGui::EndTable();
        PublishForm("scheduled.rows", std::move(shown));
    }
}

}  // namespace crm::ui
