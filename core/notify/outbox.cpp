#include "notify/outbox.h"

#include <algorithm>

#include "audit/change.h"
#include "common/messages.h"
#include "notify/digest.h"
#include "storage/database.h"

namespace crm {

namespace {

const MessageDef kOutboxMessages[] = {
    {"notify.bad_channel", "{channel} is not a channel: email, sms or webhook.",
     "{channel} 不是渠道：应为 email、sms 或 webhook。"},
    {"notify.no_recipient", "A {channel} message needs an address to go to.", "{channel} 消息需要收件地址。"},
    {"notify.no_such_message", "There is no outbox message {id}.", "发件箱中没有消息 {id}。"},
};
CRM_REGISTER_MESSAGES(kOutboxMessages);

using nlohmann::json;

constexpr const char* kColumns =
    "id, created_ms, channel, to_addr, subject, text, html, payload, headers, method, idempotency_key, type, "
    "recipient, priority, source, not_before_ms, state, attempts, next_try_ms, lease_until_ms, last_status, "
    "last_reason, updated_ms, sent_ms";

OutboxMessage Read(const Statement& st) {
    OutboxMessage m;
    m.id = st.Int(0);
    m.created_ms = st.Int(1);
    m.channel = st.Text(2);
    m.to = st.Text(3);
    m.subject = st.Text(4);
    m.text = st.Text(5);
    m.html = st.Text(6);
    m.payload = json::parse(st.Text(7), nullptr, false);
    if (m.payload.is_discarded()) m.payload = nullptr;
    m.headers = json::parse(st.Text(8), nullptr, false);
    if (!m.headers.is_object()) m.headers = json::object();
    m.method = st.Text(9);
    m.idempotency_key = st.Text(10);
    m.type = st.Text(11);
    m.recipient = st.Text(12);
    m.priority = st.Text(13);
    m.source = st.Text(14);
    m.not_before_ms = st.Int(15);
    m.state = st.Text(16);
    m.attempts = static_cast<int>(st.Int(17));
    m.next_try_ms = st.Int(18);
    m.lease_until_ms = st.Int(19);
    m.last_status = static_cast<int>(st.Int(20));
    m.last_reason = st.Text(21);
    m.updated_ms = st.Int(22);
    m.sent_ms = st.Int(23);
    return m;
}

}  // namespace

json ToJson(const OutboxMessage& m) {
    return {{"id", m.id},
            {"created", m.created_ms},
            {"channel", m.channel},
            {"to", m.to},
            {"subject", m.subject},
            {"text", m.text},
            {"html", m.html},
            {"payload", m.payload},
            {"method", m.method},
            {"idempotency_key", m.idempotency_key},
            {"type", m.type},
            {"recipient", m.recipient},
            {"priority", m.priority},
            {"source", m.source},
            {"not_before", m.not_before_ms},
            {"state", m.state},
            {"attempts", m.attempts},
            {"next_try", m.next_try_ms},
            {"lease_until", m.lease_until_ms},
            {"last_status", m.last_status},
            {"last_reason", m.last_reason},
            {"updated", m.updated_ms},
            {"sent", m.sent_ms}};
}

json ToJson(const DeliveryAttempt& a) {
    return {{"at", a.at_ms},      {"attempt", a.attempt}, {"result", a.result},
            {"status", a.status}, {"reason", a.reason},   {"elapsed_ms", a.elapsed_ms}};
}

Result<int64_t> MessageOutbox::Enqueue(ChangeScope& scope, const QueuedMessage& m) {
    return Enqueue(scope, m, EnqueueExtras{});
}

Result<int64_t> MessageOutbox::Enqueue(ChangeScope& scope, const QueuedMessage& m,
                                       const EnqueueExtras& extras) {
    if (m.channel != "email" && m.channel != "sms" && m.channel != "webhook")
        return MessageError("notify.bad_channel", "notify.bad_channel", {{"channel", m.channel}}, "channel");
    if (m.to.empty())
        return MessageError("notify.no_recipient", "notify.no_recipient", {{"channel", m.channel}}, "to");
    if (!m.idempotency_key.empty()) {
        Statement find = db_.Prepare("SELECT id FROM message_outbox WHERE idempotency_key = ?1");
        find.Bind(1, m.idempotency_key);
        if (find.Step()) return find.Int(0);
        if (std::optional<int64_t> digest = DigestHolding(db_, m.idempotency_key)) return *digest;
    }
    const bool digest_part = IsDigestPart(m, scope.now_ms());
    if (digest_part) {
        Result<std::optional<int64_t>> joined = JoinDigest(db_, scope, m);
        if (!joined.ok()) return joined.error();
        if (*joined) return **joined;
    }
    Statement st = db_.Prepare(
        "INSERT INTO message_outbox(created_ms, channel, to_addr, subject, text, html, payload, headers, "
        "method, "
        "idempotency_key, type, recipient, priority, source, not_before_ms, next_try_ms, updated_ms) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?1)");
    st.Bind(1, scope.now_ms())
        .Bind(2, m.channel)
        .Bind(3, m.to)
        .Bind(4, m.subject)
        .Bind(5, m.text)
        .Bind(6, m.html);
    st.Bind(7, m.payload.dump())
        .Bind(8, (extras.headers.is_object() ? extras.headers : json::object()).dump());
    st.Bind(9, extras.method.empty() ? std::string("POST") : extras.method);
    if (m.idempotency_key.empty()) {
        st.Bind(10, nullptr);
    } else {
        st.Bind(10, m.idempotency_key);
    }
    st.Bind(11, m.type)
        .Bind(12, m.recipient)
        .Bind(13, m.priority.empty() ? std::string("normal") : m.priority);
    st.Bind(14, extras.source).Bind(15, m.not_before_ms).Bind(16, std::max(m.not_before_ms, scope.now_ms()));
    CRM_TRY(st.Run());
    const int64_t id = db_.LastInsertRowId();
    if (digest_part) CRM_TRY(StartDigest(db_, scope, id, m));
    scope.Record("notify_outbox", m.channel, ChangeAction::Create, id);
    return id;
}

std::vector<OutboxMessage> MessageOutbox::List(const OutboxFilter& filter) const {
    Statement st =
        db_.Prepare(std::string("SELECT ") + kColumns +
                    " FROM message_outbox WHERE (?1 = '' OR state = ?1) AND (?2 = '' OR channel = ?2) "
                    "AND (?3 = '' OR recipient = ?3 OR to_addr = ?3) ORDER BY id DESC LIMIT ?4 OFFSET ?5");
    st.Bind(1, filter.state).Bind(2, filter.channel).Bind(3, filter.recipient);
    st.Bind(4, std::clamp(filter.limit, 1, 1000)).Bind(5, std::max(0, filter.offset));
    std::vector<OutboxMessage> out;
    while (st.Step()) out.push_back(Read(st));
    return out;
}

Result<OutboxMessage> MessageOutbox::Get(int64_t id) const {
    Statement st = db_.Prepare(std::string("SELECT ") + kColumns + " FROM message_outbox WHERE id = ?1");
    st.Bind(1, id);
    if (!st.Step())
        return MessageError("notify.no_such_message", "notify.no_such_message", {{"id", std::to_string(id)}},
                            "id");
    return Read(st);
}

std::vector<DeliveryAttempt> MessageOutbox::Log(int64_t id) const {
    Statement st = db_.Prepare(
        "SELECT id, message_id, at_ms, attempt, result, status, reason, elapsed_ms FROM message_delivery_log "
        "WHERE message_id = ?1 ORDER BY id");
    st.Bind(1, id);
    std::vector<DeliveryAttempt> out;
    while (st.Step()) {
        DeliveryAttempt a;
        a.id = st.Int(0);
        a.message_id = st.Int(1);
        a.at_ms = st.Int(2);
        a.attempt = static_cast<int>(st.Int(3));
        a.result = st.Text(4);
        a.status = static_cast<int>(st.Int(5));
        a.reason = st.Text(6);
        a.elapsed_ms = st.Int(7);
        out.push_back(std::move(a));
    }
    return out;
}

int64_t MessageOutbox::Count(const std::string& state) const {
    Statement st = db_.Prepare("SELECT count(*) FROM message_outbox WHERE state = ?1");
    st.Bind(1, state);
    return st.Step() ? st.Int(0) : 0;
}

const char* MessageOutboxMigrationSql() {
    return R"sql(
CREATE TABLE message_outbox (
    id INTEGER PRIMARY KEY,
    created_ms INTEGER NOT NULL,
    channel TEXT NOT NULL,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    html TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL DEFAULT 'null',
    headers TEXT NOT NULL DEFAULT '{}',
    method TEXT NOT NULL DEFAULT 'POST',
    idempotency_key TEXT UNIQUE,
    type TEXT NOT NULL DEFAULT '',
    recipient TEXT NOT NULL DEFAULT '',
    priority TEXT NOT NULL DEFAULT 'normal',
    source TEXT NOT NULL DEFAULT '',
    not_before_ms INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try_ms INTEGER NOT NULL DEFAULT 0,
    lease_until_ms INTEGER NOT NULL DEFAULT 0,
    last_status INTEGER NOT NULL DEFAULT 0,
    last_reason TEXT NOT NULL DEFAULT '',
    updated_ms INTEGER NOT NULL DEFAULT 0,
    sent_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX message_outbox_due ON message_outbox(next_try_ms) WHERE state IN ('queued', 'failed');
CREATE INDEX message_outbox_lease ON message_outbox(lease_until_ms) WHERE state = 'sending';
CREATE INDEX message_outbox_state ON message_outbox(state, id);
CREATE TABLE message_delivery_log (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES message_outbox(id) ON DELETE CASCADE,
    at_ms INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    result TEXT NOT NULL,
    status INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',
    elapsed_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX message_delivery_log_message ON message_delivery_log(message_id, id);
CREATE TABLE notify_channels (
    name TEXT PRIMARY KEY,
    settings TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO message_outbox(created_ms, channel, to_addr, payload, method, source, state, attempts, next_try_ms,
                           last_reason, updated_ms)
    SELECT created_ms, 'webhook', url, payload, method, 'automation rule ' || rule_id,
           CASE state WHEN 'sent' THEN 'sent' WHEN 'failed' THEN 'failed' ELSE 'queued' END, attempts, created_ms,
           coalesce(last_error, ''), created_ms
    FROM webhook_outbox ORDER BY id;
DROP TABLE webhook_outbox;
INSERT OR IGNORE INTO access_system_perm(set_id, permission)
    SELECT set_id, 'manage_notifications' FROM access_system_perm WHERE permission = 'manage_workflows';
INSERT OR IGNORE INTO access_system_perm(set_id, permission) VALUES (1, 'manage_notifications');
)sql";
}

}  // namespace crm
