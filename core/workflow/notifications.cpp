#include "workflow/notifications.h"

#include "audit/change.h"
#include "common/messages.h"
#include "storage/database.h"

namespace crm {

namespace {

const MessageDef kMessages[] = {
    {"workflow.unknown_recipient", "There is no user {username} to notify.", "没有可通知的用户 {username}。"},
    {"workflow.notification_title", "A notification needs a title.", "通知需要标题。"},
    {"workflow.not_your_notification", "Notification {id} is not in your inbox.",
     "通知 {id} 不在您的收件箱中。"},
};
CRM_REGISTER_MESSAGES(kMessages);

Notification ReadRow(const Statement& st) {
    Notification n;
    n.id = st.Int(0);
    n.recipient = st.Text(1);
    n.title = st.Text(2);
    n.body = st.Text(3);
    n.object = st.Text(4);
    n.record_id = st.Int(5);
    n.link_kind = st.Text(6);
    n.created_ms = st.Int(7);
    n.read_ms = st.IsNull(8) ? 0 : st.Int(8);
    n.type = st.Text(9);
    n.priority = st.Text(10);
    n.popup = st.Int(11) != 0;
    return n;
}

}  // namespace

nlohmann::json ToJson(const Notification& n) {
    return {{"id", n.id},
            {"recipient", n.recipient},
            {"title", n.title},
            {"body", n.body},
            {"object", n.object},
            {"record_id", n.record_id},
            {"link_kind", n.link_kind},
            {"created", n.created_ms},
            {"read", n.read_ms != 0},
            {"type", n.type},
            {"priority", n.priority},
            {"popup", n.popup}};
}

Status NotificationService::Notify(ChangeScope& scope, const NotificationDraft& draft) {
    if (draft.title.empty())
        return MessageError("invalid_argument", "workflow.notification_title", {}, "title");
    Database& db = changes_.db();
    for (const std::string& who : draft.recipients) {
        Statement user = db.Prepare("SELECT username, active FROM access_user WHERE username = ?1");
        user.Bind(1, who);
        if (!user.Step())
            return MessageError("workflow.unknown_recipient", "workflow.unknown_recipient",
                                {{"username", who}});
        if (user.Int(1) == 0) continue;  // an inactive user reads no inbox
        Statement ins = db.Prepare(
            "INSERT INTO notifications(recipient, title, body, object, record_id, link_kind, created_ms, "
            "type, "
            "priority, popup) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
        ins.Bind(1, user.Text(0))
            .Bind(2, draft.title)
            .Bind(3, draft.body)
            .Bind(4, draft.object)
            .Bind(5, draft.record_id)
            .Bind(6, draft.link_kind)
            .Bind(7, scope.now_ms())
            .Bind(8, draft.type)
            .Bind(9, draft.priority)
            .Bind(10, draft.popup ? 1 : 0);
        if (Status s = ins.Run(); !s.ok()) return s;
        scope.Record("notifications", "", ChangeAction::Create, db.LastInsertRowId());
    }
    return Status::Ok();
}

std::vector<Notification> NotificationService::Inbox(const std::string& user, bool unread_only, int limit,
                                                     int offset) const {
    Statement st = changes_.db().Prepare(
        std::string(
            "SELECT id, recipient, title, body, object, record_id, link_kind, created_ms, read_ms, type, "
            "priority, popup "
            "FROM notifications WHERE recipient = ?1") +
        (unread_only ? " AND read_ms IS NULL" : "") + " ORDER BY id DESC LIMIT ?2 OFFSET ?3");
    st.Bind(1, user).Bind(2, std::max(1, std::min(limit, 1000))).Bind(3, std::max(0, offset));
    std::vector<Notification> out;
    while (st.Step()) out.push_back(ReadRow(st));
    return out;
}

int64_t NotificationService::UnreadCount(const std::string& user) const {
    Statement st =
        changes_.db().Prepare("SELECT count(*) FROM notifications WHERE recipient = ?1 AND read_ms IS NULL");
    st.Bind(1, user);
    return st.Step() ? st.Int(0) : 0;
}

Result<int64_t> NotificationService::MarkRead(const std::string& user, const std::vector<int64_t>& ids) {
    ChangeScope change(changes_, user);
    if (!change.begin_status().ok()) return change.begin_status().error();
    Database& db = changes_.db();
    int64_t marked = 0;
    if (ids.empty()) {
        Statement st =
            db.Prepare("UPDATE notifications SET read_ms = ?2 WHERE recipient = ?1 AND read_ms IS NULL");
        st.Bind(1, user).Bind(2, change.now_ms());
        if (Status s = st.Run(); !s.ok()) return s.error();
        marked = db.Changes();
    } else {
        for (int64_t id : ids) {
            Statement own = db.Prepare("SELECT read_ms FROM notifications WHERE id = ?1 AND recipient = ?2");
            own.Bind(1, id).Bind(2, user);
            if (!own.Step())
                return MessageError("access.denied", "workflow.not_your_notification",
                                    {{"id", std::to_string(id)}}, "ids");
            if (!own.IsNull(0)) continue;
            Statement st = db.Prepare("UPDATE notifications SET read_ms = ?2 WHERE id = ?1");
            st.Bind(1, id).Bind(2, change.now_ms());
            if (Status s = st.Run(); !s.ok()) return s.error();
            ++marked;
        }
    }
    if (marked > 0) change.Record("notifications", "", ChangeAction::Update);
    if (Status s = change.Commit(); !s.ok()) return s.error();
    return marked;
}

}  // namespace crm
