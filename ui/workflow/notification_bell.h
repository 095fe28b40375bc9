// The top bar's notification bell and the toast: the acting user's unread count as a badge on the
// bell (a click opens Workflow > Notifications), and a toast in the corner for a few seconds when a
// new notification arrives for the user the console is showing. The console owns one, asks it to
// refresh every frame, and draws it in its top bar (ui/shell/console.cpp). A notification of a type
// (core/notify) toasts only when its pop-up channel is on for the user.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "ui/shell/page.h"
#include "workspace.h"

namespace crm::ui {

/// How long a toast stays (seconds).
constexpr double kToastSeconds = 6.0;

/// The unread badge and the toast of the acting user's inbox.
class NotificationBell {
public:
    explicit NotificationBell(Workspace& workspace) : workspace_(workspace) {}
    /// Re-reads the count when the workspace or the acting user changed; a notification newer than the
    /// newest one seen for the same user starts a toast. `now` is the ImGui time.
    void Refresh(double now);
    /// The room the bell takes in the top bar (its button, the badge and the gap before it).
    float Width(const PageContext& ctx) const;
    /// Draws the bell ending at `*right` (moved left past it) at height `y`; true when it was clicked.
    bool Draw(const PageContext& ctx, float* right, float y);
    /// Draws the toast, if one is showing; true when it was clicked (the notification is marked read).
    bool DrawToast(const PageContext& ctx);
    /// The record the last toast is about ("" / 0 when none): a click opens it.
    const std::string& toast_object() const { return toast_object_; }
    int64_t toast_record_id() const { return toast_record_id_; }
    /// Adds "unread", "toast" (the title showing, "" when none), "toast_urgent" and "toasts" (how many
    /// were shown).
    void Publish(nlohmann::json& state) const;

private:
    Workspace& workspace_;
    std::string user_;
    uint64_t seen_change_ = UINT64_MAX;
    int64_t unread_ = 0;
    int64_t newest_id_ = -1;  ///< the newest notification seen for user_ (-1: not read yet)
    std::string toast_title_;
    std::string toast_body_;
    int64_t toast_id_ = 0;
    std::string toast_object_;
    int64_t toast_record_id_ = 0;
    bool toast_urgent_ = false;
    int toast_more_ = 0;
    double toast_until_ = 0.0;
    double now_ = 0.0;
    int64_t toasts_ = 0;
};

}  // namespace crm::ui
