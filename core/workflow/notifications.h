// The in-app notification inbox: one per user, with an unread count. The notifications issue extends it
// with channels (email, SMS), templates and preferences; this is the inbox they all end in.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"

namespace crm {

class ChangeScope;
class Changes;

/// What to tell whom: recipients are usernames (inactive users are skipped, unknown ones refused).
struct NotificationDraft {
    std::vector<std::string> recipients;
    std::string title;
    std::string body;
    std::string object;                ///< the record's object ("" for none)
    int64_t record_id = 0;             ///< 0 for none
    std::string link_kind = "record";  ///< what opening it shows: "record", "approval", "none"
    std::string type;                  ///< notification type code (core/notify), "" for none
    std::string priority = "normal";   ///< "normal" | "urgent"
    bool popup = false;                ///< also shown as a pop-up (toast / system notification)
};

/// One notification in a user's inbox.
struct Notification {
    int64_t id = 0;
    std::string recipient;
    std::string title;
    std::string body;
    std::string object;
    int64_t record_id = 0;
    std::string link_kind;
    int64_t created_ms = 0;
    int64_t read_ms = 0;  ///< 0 = unread
    std::string type;
    std::string priority = "normal";
    bool popup = false;
};
nlohmann::json ToJson(const Notification& n);

/// The inboxes. Writes join the caller's ChangeScope (Notify) or open their own (MarkRead).
class NotificationService {
public:
    explicit NotificationService(Changes& changes) : changes_(changes) {}

    /// Puts one notification in each recipient's inbox, inside the caller's change (all or nothing with
    /// it). Errors: "workflow.unknown_recipient", "workflow.notification_title" (empty title).
    Status Notify(ChangeScope& scope, const NotificationDraft& draft);
    /// The user's inbox, newest first.
    std::vector<Notification> Inbox(const std::string& user, bool unread_only = false, int limit = 50,
                                    int offset = 0) const;
    int64_t UnreadCount(const std::string& user) const;
    /// Marks the user's own notifications read (`ids` empty = all of them). An id that is not in the
    /// user's inbox is refused ("access.denied"), nothing marked. Answers how many were marked.
    Result<int64_t> MarkRead(const std::string& user, const std::vector<int64_t>& ids);

private:
    Changes& changes_;
};

}  // namespace crm
