#include "ui/workflow/notification_panel.h"

#include "imgui.h"
#include "notify/reminder.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "ui/workflow/automation_ui.h"

namespace crm::ui {

namespace {

constexpr int kListed = 200;
/// The snooze choices (minutes).
constexpr int kSnoozeMinutes[] = {15, 60, 24 * 60};

}  // namespace

void NotificationPanel::Reload() {
    if (loaded_change_ == workspace_.change_count() && loaded_user_ == ActingUser() &&
        loaded_unread_only_ == unread_only_)
        return;
    if (loaded_user_ != ActingUser()) {
        message_.clear();
        error_.clear();
    }
    loaded_change_ = workspace_.change_count();
    loaded_user_ = ActingUser();
    loaded_unread_only_ = unread_only_;
    NotificationService& inbox = workspace_.automation().notifications();
    items_ = inbox.Inbox(ActingUser(), unread_only_, kListed);
    unread_ = inbox.UnreadCount(ActingUser());
    reminder_entries_.clear();
    const ReminderService& reminders = RemindersOf(workspace_);
    for (const Notification& n : items_)
        if (reminders.IsReminderEntry(n.id)) reminder_entries_.insert(n.id);
}

void NotificationPanel::Snooze(int64_t id, int minutes) {
    Result<int64_t> until = RemindersOf(workspace_).Snooze(ActingUser(), id, minutes);
    if (until.ok()) {
        error_.clear();
        message_ = Tr("wf.notif.snoozed", {{"time", CompanyTimeText(workspace_, *until)}});
    } else {
        message_.clear();
        error_ = ErrorText(until.error());
    }
    loaded_change_ = UINT64_MAX;
}

void NotificationPanel::MarkRead(const std::vector<int64_t>& ids) {
    Result<int64_t> marked = workspace_.automation().notifications().MarkRead(ActingUser(), ids);
    if (marked.ok()) {
        error_.clear();
        message_ = Tr("wf.notif.marked", {{"count", std::to_string(*marked)}});
    } else {
        message_.clear();
        error_ = ErrorText(marked.error());
    }
    loaded_change_ = UINT64_MAX;
}

nlohmann::json NotificationPanel::State() const {
    nlohmann::json items = nlohmann::json::array();
    for (const Notification& n : items_) {
        nlohmann::json j = ToJson(n);
        j["read"] = n.read_ms != 0;
        j["reminder"] = reminder_entries_.count(n.id) > 0;
        items.push_back(std::move(j));
    }
    return {{"items", items},
            {"unread", unread_},
            {"unread_only", unread_only_},
            {"message", message_},
            {"error", error_}};
}

void NotificationPanel::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    Reload();
    const float width = ImGui::GetContentRegionAvail().x - 28.0f * s;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr("wf.notif.unread", {{"count", std::to_string(unread_)}}).c_str());
    MarkItem("notifications.unread");
    ImGui::SameLine(0.0f, 16.0f * s);
    ImGui::Checkbox(Label("wf.notif.unread_only").c_str(), &unread_only_);
    MarkItem("notifications.unread_only");
    ImGui::SameLine(0.0f, 16.0f * s);
    TableFilter("notifications.filter", Tr("wf.notif.filter_hint"), &filter_, 240.0f * s);
    ImGui::SameLine(0.0f, 16.0f * s);
    if (SecondaryButton(Label("wf.notif.mark_all").c_str(), unread_ > 0)) MarkRead({});
    MarkItem("notifications.mark_all");
    if (!message_.empty()) TextColored(p.success, message_, false);
    if (!error_.empty()) ErrorLine("notifications.error", error_);

    const std::string needle = LowerAscii(filter_);
    std::vector<int64_t> to_mark;
    const Notification* to_open = nullptr;
    const Notification* to_open_record = nullptr;
    int64_t to_snooze = 0;
    int snooze_minutes = 0;
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                  ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingStretchProp;
    if (ImGui::BeginTable("notifications.table", 4, flags,
                          ImVec2(width, ImGui::GetContentRegionAvail().y - 8.0f * s))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(Tr("wf.notif.col.message"), 0, 3.0f);
        ImGui::TableSetupColumn(Tr("wf.notif.col.about"), 0, 1.6f);
        ImGui::TableSetupColumn(Tr("wf.notif.col.time"), 0, 1.0f);
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 340.0f * s);
        ImGui::TableHeadersRow();
        nlohmann::json shown = nlohmann::json::array();
        for (const Notification& n : items_) {
            const std::string about =
                n.object.empty() ? std::string() : RecordLabel(workspace_, n.object, n.record_id);
            if (!MatchesFilter(needle, {n.title, n.body, about})) continue;
            shown.push_back(n.id);
            const bool unread = n.read_ms == 0;
            const std::string id = std::to_string(n.id);
            ImGui::PushID(static_cast<int>(n.id));
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            if (unread) {
                const ImVec2 at = ImGui::GetCursorScreenPos();
                const float r = 4.0f * s;
                ImGui::GetWindowDrawList()->AddCircleFilled(
                    ImVec2(at.x + r, at.y + ImGui::GetTextLineHeight() * 0.5f), r, ToU32(p.accent), 12);
                ImGui::SetCursorScreenPos(ImVec2(at.x + 3.0f * r, at.y));
            }
            TextColored(unread ? p.text : p.text_muted, n.title);
            MarkItem("notifications.row." + id);
            if (!n.body.empty()) {
                ImGui::PushFont(ctx.small_font);
                TextMuted(n.body);
                ImGui::PopFont();
            }
            ImGui::TableSetColumnIndex(1);
            if (!about.empty()) TextMuted(ObjectLabel(workspace_, n.object) + " · " + about);
            ImGui::TableSetColumnIndex(2);
            TextMuted(CompanyTimeText(workspace_, n.created_ms), false);
            ImGui::TableSetColumnIndex(3);
            if (unread) {
                if (ImGui::SmallButton(Tr("wf.notif.mark_read"))) to_mark.push_back(n.id);
                MarkItem("notifications.read." + id);
                ImGui::SameLine();
            }
            if (n.link_kind == "approval" && !n.object.empty()) {
                if (ImGui::SmallButton(Tr("wf.notif.open_approval"))) to_open = &n;
                MarkItem("notifications.open." + id);
                ImGui::SameLine();
            }
            if (!n.object.empty() && n.record_id > 0) {
                if (ImGui::SmallButton(Tr("wf.notif.open_record"))) to_open_record = &n;
                MarkItem("notifications.record." + id);
                ImGui::SameLine();
            }
            if (reminder_entries_.count(n.id) > 0) {
                if (ImGui::SmallButton(Label("wf.notif.snooze").c_str())) ImGui::OpenPopup("snooze");
                MarkItem("notifications.snooze." + id);
                if (ImGui::BeginPopup("snooze")) {
                    for (const int minutes : kSnoozeMinutes) {
                        const std::string text = Tr("wf.notif.snooze." + std::to_string(minutes));
                        if (ImGui::Selectable(text.c_str())) {
                            to_snooze = n.id;
                            snooze_minutes = minutes;
                        }
                        MarkItem("notifications.snooze." + id + "." + std::to_string(minutes));
                    }
                    ImGui::EndPopup();
                }
            }
            ImGui::PopID();
        }
        if (shown.empty()) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            TextMuted(Tr(unread_only_ ? "wf.notif.none_unread" : "wf.notif.none"), false);
        }
        ImGui::EndTable();
        PublishForm("notifications.rows", std::move(shown));
    }
    if (to_open_record) {
        const Notification opened = *to_open_record;
        if (opened.read_ms == 0) MarkRead({opened.id});
        if (ctx.open) ctx.open("objects", RecordSetting(opened.object, opened.record_id));
    } else if (to_open) {
        const Notification opened = *to_open;
        if (opened.read_ms == 0) MarkRead({opened.id});
        if (open_) open_(opened);
    } else if (to_snooze > 0) {
        Snooze(to_snooze, snooze_minutes);
    } else if (!to_mark.empty()) {
        MarkRead(to_mark);
    }
}

}  // namespace crm::ui
