// Workflow, the "Notifications" tab: the acting user's in-app inbox, newest first (unread ones marked),
// filtered by text or to the unread ones; mark one read, mark all read, and open what one is about
// (an approval opens the approval inbox on its request; any notification about a record opens the record
// in the objects area, through PageContext::open); an entry a reminder made can be snoozed (it comes back
// after 15 minutes, an hour or a day: core/notify/reminder.h).
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "ui/shell/page.h"
#include "workspace.h"
#include "ui/kit/note.h"

namespace crm::ui {

/// The acting user's notification inbox.
class NotificationPanel {
public:
    /// `open` is called with a notification the user opens (the page shows what it is about).
    NotificationPanel(Workspace& workspace, std::function<void(const Notification&)> open)
        : workspace_(workspace), open_(std::move(open)) {}
    void Draw(const PageContext& ctx);
    /// The test snapshot: the notifications listed and the unread count.
    nlohmann::json State() const;

private:
    void Reload();
    void MarkRead(const std::vector<int64_t>& ids);
    void Snooze(int64_t id, int minutes);

    Workspace& workspace_;
    std::function<void(const Notification&)> open_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_user_;
    bool loaded_unread_only_ = false;
    std::vector<Notification> items_;
    std::set<int64_t> reminder_entries_;  ///< the listed entries a reminder made
    int64_t unread_ = 0;
    bool unread_only_ = false;
    std::string filter_;
    Note message_;
    std::string error_;
};

}  // namespace crm::ui
