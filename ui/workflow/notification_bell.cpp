#include "ui/workflow/notification_bell.h"

#include <algorithm>

#include "imgui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

void NotificationBell::Refresh(double now) {
    now_ = now;
    if (toast_until_ != 0.0 && now > toast_until_) {
        toast_until_ = 0.0;
        toast_title_.clear();
    }
    if (user_ != ActingUser()) {
        // Another user's inbox: its count, and no toast for what was already there.
        user_ = ActingUser();
        seen_change_ = UINT64_MAX;
        newest_id_ = -1;
        toast_until_ = 0.0;
        toast_title_.clear();
    }
    if (seen_change_ == workspace_.change_count()) return;
    seen_change_ = workspace_.change_count();
    NotificationService& inbox = workspace_.automation().notifications();
    unread_ = inbox.UnreadCount(user_);
    const std::vector<Notification> latest = inbox.Inbox(user_, false, 20);
    const int64_t newest = latest.empty() ? 0 : latest.front().id;
    if (newest_id_ >= 0 && newest > newest_id_) {
        // The newest fresh one that pops up: a typed notification (core/notify) only when its pop-up
        // channel is on for the user; the workflow's own notices (no type) always.
        const Notification* show = nullptr;
        int fresh = 0;
        for (const Notification& n : latest) {
            if (n.id <= newest_id_ || n.read_ms != 0 || !(n.popup || n.type.empty())) continue;
            ++fresh;
            if (!show) show = &n;
        }
        if (show) {
            toast_title_ = show->title;
            toast_body_ = show->body;
            toast_id_ = show->id;
            toast_object_ = show->object;
            toast_record_id_ = show->record_id;
            toast_urgent_ = show->priority == "urgent";
            toast_more_ = fresh - 1;
            toast_until_ = now + kToastSeconds;
            ++toasts_;
        }
    }
    newest_id_ = std::max(newest_id_, newest);
}

namespace {

/// The badge's text: the unread count, "99+" above 99.
std::string BadgeText(int64_t unread) { return unread > 99 ? "99+" : std::to_string(unread); }

/// The badge's size for `count` (nothing without unread notifications).
ImVec2 BadgeTextSize(const PageContext& ctx, const std::string& count) {
    ImGui::PushFont(ctx.small_font);
    const ImVec2 size = ImGui::CalcTextSize(count.c_str());
    ImGui::PopFont();
    return size;
}

float BadgeWidth(float s, int64_t unread, ImVec2 count_size) {
    return unread > 0 ? std::max(count_size.y + 4.0f * s, count_size.x + 10.0f * s) : 0.0f;
}

/// The bell's button: the icon, and the badge when there are unread notifications.
float ButtonWidth(float s, int64_t unread, float badge_w) {
    return 18.0f * s + 20.0f * s + (unread > 0 ? badge_w + 4.0f * s : 0.0f);
}

}  // namespace

float NotificationBell::Width(const PageContext& ctx) const {
    const float s = ctx.scale;
    return ButtonWidth(s, unread_, BadgeWidth(s, unread_, BadgeTextSize(ctx, BadgeText(unread_)))) + 8.0f * s;
}

bool NotificationBell::Draw(const PageContext& ctx, float* right, float y) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const float frame_h = ImGui::GetFrameHeight();
    const float icon = 18.0f * s;
    const std::string count = BadgeText(unread_);
    const ImVec2 count_size = BadgeTextSize(ctx, count);
    const float badge_w = BadgeWidth(s, unread_, count_size);
    const float w = ButtonWidth(s, unread_, badge_w);
    *right -= w + 8.0f * s;
    ImGui::SetCursorScreenPos(ImVec2(*right, y));
    const bool clicked = ImGui::Button("###topbar.notifications", ImVec2(w, frame_h));
    MarkItem("topbar.notifications");
    const bool hovered = ImGui::IsItemHovered();
    const ImU32 bg = ImGui::GetColorU32(ImGui::IsItemActive() ? ImGuiCol_ButtonActive
                                        : hovered             ? ImGuiCol_ButtonHovered
                                                              : ImGuiCol_Button);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    DrawIcon(draw, Icon::Notifications, ImVec2(*right + 10.0f * s + icon * 0.5f, y + frame_h * 0.5f), icon,
             ToU32(unread_ > 0 ? p.accent : p.text_muted), bg);
    if (unread_ > 0) {
        const float h = count_size.y + 4.0f * s;
        const ImVec2 min(*right + 12.0f * s + icon, y + (frame_h - h) * 0.5f);
        const ImVec2 max(min.x + badge_w, min.y + h);
        draw->AddRectFilled(min, max, ToU32(p.danger), h * 0.5f);
        ImGui::PushFont(ctx.small_font);
        draw->AddText(ImVec2(min.x + (badge_w - count_size.x) * 0.5f, min.y + 2.0f * s), ToU32(p.on_accent),
                      count.c_str());
        ImGui::PopFont();
        MarkRect("topbar.notifications.badge", min, ImVec2(max.x - min.x, max.y - min.y));
    }
    if (hovered)
        ImGui::SetTooltip("%s", Tr("wf.notif.bell_tip", {{"count", std::to_string(unread_)}}).c_str());
    return clicked;
}

bool NotificationBell::DrawToast(const PageContext& ctx) {
    if (toast_until_ == 0.0 || toast_title_.empty()) return false;
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    const float w = std::min(360.0f * s, viewport->Size.x - 40.0f * s);
    ImGui::SetNextWindowPos(ImVec2(viewport->Pos.x + viewport->Size.x - 20.0f * s,
                                   viewport->Pos.y + viewport->Size.y - 20.0f * s),
                            ImGuiCond_Always, ImVec2(1.0f, 1.0f));
    ImGui::SetNextWindowSizeConstraints(ImVec2(w, 0.0f), ImVec2(w, viewport->Size.y * 0.5f));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(16.0f * s, 12.0f * s));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 10.0f * s);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 1.0f);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, p.surface);
    ImGui::PushStyleColor(ImGuiCol_Border, p.accent);
    ImGui::Begin("##toast", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav |
                     ImGuiWindowFlags_AlwaysAutoResize);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float icon = 18.0f * s;
    DrawIcon(ImGui::GetWindowDrawList(), Icon::Notifications, ImVec2(at.x + icon * 0.5f, at.y + icon * 0.5f),
             icon, ToU32(p.accent));
    ImGui::SetCursorScreenPos(ImVec2(at.x + icon + 10.0f * s, at.y));
    ImGui::BeginGroup();
    ImGui::PushFont(ctx.small_font);
    TextMuted(Tr("wf.notif.toast_new"), false);
    ImGui::PopFont();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w - icon - 44.0f * s);
    ImGui::TextUnformatted(toast_title_.c_str());
    if (!toast_body_.empty()) TextMuted(toast_body_);
    if (toast_more_ > 0) TextMuted(Tr("wf.notif.toast_more", {{"count", std::to_string(toast_more_)}}));
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    // The whole toast opens the inbox.
    MarkRect("toast", ImGui::GetWindowPos(), ImGui::GetWindowSize());
    const bool clicked = ImGui::IsWindowHovered() && ImGui::IsMouseReleased(ImGuiMouseButton_Left);
    ImGui::End();
    ImGui::PopStyleColor(2);
    ImGui::PopStyleVar(3);
    if (clicked) {
        toast_until_ = 0.0;
        if (toast_id_ > 0) (void)workspace_.automation().notifications().MarkRead(ActingUser(), {toast_id_});
    }
    return clicked;
}

void NotificationBell::Publish(nlohmann::json& state) const {
    state["unread"] = unread_;
    state["toast"] = toast_until_ != 0.0 ? toast_title_ : std::string();
    state["toasts"] = toasts_;
    state["toast_urgent"] = toast_until_ != 0.0 && toast_urgent_;
    state["toast_record"] =
        toast_record_id_ > 0 ? RecordSetting(toast_object_, toast_record_id_) : std::string();
}

}  // namespace crm::ui
