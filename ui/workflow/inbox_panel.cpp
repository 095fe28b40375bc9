#include "ui/workflow/inbox_panel.h"

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

std::string HistoryAction(const std::string& action) {
    const std::string id = "wf.inbox.history." + action;
    return HasText(id) ? Tr(id) : action;
}

}  // namespace

void InboxPanel::Reload() {
    if (loaded_change_ == workspace_.change_count() && loaded_user_ == ActingUser()) return;
    if (loaded_user_ != ActingUser()) {
        selected_ = 0;
        message_.clear();
        action_error_.clear();
        comment_.clear();
    }
    loaded_change_ = workspace_.change_count();
    loaded_user_ = ActingUser();
    history_of_ = 0;
    Result<std::vector<InboxItem>> items = workspace_.approvals().Inbox(ActingUser());
    if (items.ok()) {
        items_ = std::move(*items);
        error_.clear();
    } else {
        items_.clear();
        error_ = ErrorText(items.error());
    }
}

void InboxPanel::Select(const std::string& object, int64_t record_id) {
    Reload();
    for (const InboxItem& item : items_) {
        if (item.object == object && item.record_id == record_id) selected_ = item.request_id;
    }
}

nlohmann::json InboxPanel::State() const {
    nlohmann::json items = nlohmann::json::array();
    for (const InboxItem& item : items_) items.push_back(ToJson(item));
    return {{"items", items},
            {"selected", selected_},
            {"message", message_},
            {"error", error_},
            {"action_error", action_error_}};
}

void InboxPanel::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    Reload();
    if (!error_.empty()) {
        ErrorLine("approvals.error", error_);
        return;
    }
    const float width = ImGui::GetContentRegionAvail().x - 28.0f * s;
    TableFilter("approvals.filter", Tr("wf.inbox.filter_hint"), &filter_, 260.0f * s);
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    TextMuted(Tr("wf.inbox.count", {{"count", std::to_string(items_.size())}}), false);
    if (!message_.empty()) TextColored(p.success, message_, false);

    const std::string needle = LowerAscii(filter_);
    struct Row {
        const InboxItem* item;
        std::string record, submitted;
    };
    std::vector<Row> rows;
    const InboxItem* chosen = nullptr;
    for (const InboxItem& item : items_) {
        Row row{&item,
                item.record_name.empty() ? "#" + std::to_string(item.record_id)
                                         : item.record_name + " (#" + std::to_string(item.record_id) + ")",
                CompanyTimeText(workspace_, item.submitted_ms)};
        if (!MatchesFilter(needle, {row.record, item.object, item.process, item.step_name, item.submitter}))
            continue;
        if (item.request_id == selected_) chosen = &item;
        rows.push_back(std::move(row));
    }
    const float table_w = chosen ? width * 0.55f : width;
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_SortTristate |
                                  ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                  ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingStretchProp;
    const float height = ImGui::GetContentRegionAvail().y - 8.0f * s;
    if (ImGui::BeginTable("approvals.table", 5, flags, ImVec2(table_w, height))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(Tr("wf.inbox.col.record"), 0, 2.0f);
        ImGui::TableSetupColumn(Tr("wf.inbox.col.process"), 0, 1.4f);
        ImGui::TableSetupColumn(Tr("wf.inbox.col.step"), 0, 1.0f);
        ImGui::TableSetupColumn(Tr("wf.inbox.col.submitter"), 0, 1.0f);
        ImGui::TableSetupColumn(Tr("wf.inbox.col.submitted"), 0, 1.2f);
        TakeSortSpecs(&sort_column_, &sort_desc_);
        TableHeadersRowMarked("approvals", {"record", "process", "step", "submitter", "submitted"});
        switch (sort_column_) {
            case 0:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return LowerAscii(r.record); });
                break;
            case 1:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return LowerAscii(r.item->process); });
                break;
            case 2:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return LowerAscii(r.item->step_name); });
                break;
            case 3:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return r.item->submitter; });
                break;
            case 4:
                SortRowsBy(&rows, sort_desc_, [](const Row& r) { return r.item->submitted_ms; });
                break;
            default:
                break;
        }
        for (const Row& row : rows) {
            const InboxItem& item = *row.item;
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            if (ImGui::Selectable((row.record + "##approval." + std::to_string(item.request_id)).c_str(),
                                  item.request_id == selected_, ImGuiSelectableFlags_SpanAllColumns) &&
                item.request_id != selected_) {
                selected_ = item.request_id;
                comment_.clear();
                action_error_.clear();
                message_.clear();
            }
            MarkRow("approvals.row." + std::to_string(item.request_id));
            ImGui::TableSetColumnIndex(1);
            ImGui::TextUnformatted(item.process.c_str());
            ImGui::TableSetColumnIndex(2);
            ImGui::TextUnformatted(item.step_name.c_str());
            ImGui::TableSetColumnIndex(3);
            ImGui::TextUnformatted(item.submitter.c_str());
            if (item.as_delegate) {
                ImGui::SameLine();
                TextMuted(Tr("wf.inbox.for", {{"user", item.approver}}), false);
            }
            ImGui::TableSetColumnIndex(4);
            TextMuted(row.submitted, false);
        }
        if (rows.empty()) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            TextMuted(Tr("wf.inbox.none"), false);
        }
        ImGui::EndTable();
    }
    if (chosen) {
        ImGui::SameLine(0.0f, 16.0f * s);
        ImGui::BeginChild("approvals.detail", ImVec2(width - table_w - 16.0f * s, height), false);
        DrawDetail(ctx, *chosen, width - table_w - 16.0f * s);
        ImGui::EndChild();
    }
}

void InboxPanel::DrawDetail(const PageContext& ctx, const InboxItem& item, float width) {
    const float s = ctx.scale;
    ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(
        (item.record_name.empty() ? "#" + std::to_string(item.record_id) : item.record_name).c_str());
    ImGui::PopFont();
    TextMuted(Tr("wf.inbox.summary", {{"object", ObjectLabel(workspace_, item.object)},
                                      {"process", item.process},
                                      {"step", item.step_name},
                                      {"submitter", item.submitter}}));
    // The request's history, oldest first.
    if (history_of_ != item.request_id) {
        history_of_ = item.request_id;
        history_.clear();
        Result<std::vector<ApprovalRequest>> requests =
            workspace_.approvals().History(ActingUser(), item.object, item.record_id);
        if (requests.ok()) {
            for (const ApprovalRequest& r : *requests) {
                if (r.id == item.request_id) history_ = r.history;
            }
        }
    }
    SectionHeading(ctx, "wf.inbox.history");
    nlohmann::json published = nlohmann::json::array();
    for (const ApprovalHistoryEntry& h : history_) {
        published.push_back({{"action", h.action},
                             {"shown", HistoryAction(h.action)},
                             {"actor", h.actor},
                             {"step_name", h.step_name},
                             {"comment", h.comment}});
        std::string line = CompanyTimeText(workspace_, h.at_ms) + "  " + HistoryAction(h.action);
        if (!h.actor.empty()) line += " · " + h.actor;
        if (!h.on_behalf_of.empty()) line += " " + Tr("wf.inbox.for", {{"user", h.on_behalf_of}});
        if (!h.step_name.empty()) line += " · " + h.step_name;
        ImGui::BulletText("%s", line.c_str());
        if (!h.comment.empty()) {
            ImGui::Indent();
            TextMuted("“" + h.comment + "”");
            ImGui::Unindent();
        }
    }
    PublishForm("approvals.history", std::move(published));
    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    SectionHeading(ctx, "wf.inbox.comment");
    ImGui::SetNextItemWidth(width - 8.0f * s);
    InputString("##approvals.comment", &comment_, 0, Tr("wf.inbox.comment_hint"));
    MarkItem("approvals.comment");
    PublishForm("approvals.comment", comment_);
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));

    auto decided = [&](Result<ApprovalRequest> result, const char* done_id) {
        if (result.ok()) {
            message_ = Tr(done_id, {{"record", item.record_name.empty() ? "#" + std::to_string(item.record_id)
                                                                        : item.record_name}});
            action_error_.clear();
            comment_.clear();
            selected_ = 0;
        } else {
            action_error_ = ErrorText(result.error());
        }
    };
    ApprovalService& approvals = workspace_.approvals();
    if (PrimaryButton(Label("wf.inbox.approve").c_str()))
        decided(approvals.Approve(ActingUser(), item.object, item.record_id, comment_), "wf.inbox.approved");
    MarkItem("approvals.approve");
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, CurrentPalette().danger);
    const bool reject = SecondaryButton(Label("wf.inbox.reject").c_str());
    ImGui::PopStyleColor();
    MarkItem("approvals.reject");
    if (reject)
        decided(approvals.Reject(ActingUser(), item.object, item.record_id, comment_), "wf.inbox.rejected");

    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    SectionHeading(ctx, "wf.inbox.reassign_heading");
    std::vector<std::string> users;
    for (const std::string& u : ActiveUsernames(workspace_)) {
        if (u != item.approver) users.push_back(u);
    }
    ImGui::SetNextItemWidth(std::min(220.0f * s, width * 0.6f));
    NameCombo("approvals.reassign_to", users, &reassign_to_);
    ImGui::SameLine();
    if (SecondaryButton(Label("wf.inbox.reassign").c_str(), !reassign_to_.empty())) {
        decided(approvals.Reassign(ActingUser(), item.object, item.record_id, reassign_to_, item.approver,
                                   comment_),
                "wf.inbox.reassigned");
        reassign_to_.clear();
    }
    MarkItem("approvals.reassign");
    if (!action_error_.empty()) ErrorLine("approvals.action", action_error_);
}

}  // namespace crm::ui
