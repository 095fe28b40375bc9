#include "notify/digest.h"

#include <vector>

#include "audit/change.h"
#include "common/messages.h"
#include "notify/queued_message.h"
#include "storage/database.h"

namespace crm {

namespace {

const MessageDef kDigestMessages[] = {
    {"notify.digest_subject", "Digest: {count} notifications", "摘要：{count} 条通知"},
};
CRM_REGISTER_MESSAGES(kDigestMessages);

struct Part {
    std::string subject, text, html;
};

void HtmlEscapeTo(std::string& out, const std::string& v) {
    for (char c : v) {
        if (c == '&') {
            out += "&amp;";
        } else if (c == '<') {
            out += "&lt;";
        } else if (c == '>') {
            out += "&gt;";
        } else {
            out += c;
        }
    }
}

/// The digest's subject, text and HTML from its parts, in the recipient's language. An SMS digest is
/// its parts' short texts, one per line.
struct Bundle {
    std::string subject, text, html;
};

Bundle Compose(const std::vector<Part>& parts, const std::string& channel, const std::string& language) {
    Bundle b;
    if (channel == "sms") {
        for (const Part& p : parts) b.text += (b.text.empty() ? "" : "\n") + p.text;
        return b;
    }
    b.subject = FormatMessage("notify.digest_subject", {{"count", std::to_string(parts.size())}}, language)
                    .value_or(std::to_string(parts.size()));
    b.html = "<div>";
    for (const Part& p : parts) {
        b.text += "* " + p.subject + "\n";
        if (!p.text.empty()) b.text += p.text + "\n";
        b.text += "\n";
        b.html += "<h3>";
        HtmlEscapeTo(b.html, p.subject);
        b.html += "</h3>";
        if (!p.html.empty()) {
            b.html += p.html;
        } else {
            b.html += "<p>";
            HtmlEscapeTo(b.html, p.text);
            b.html += "</p>";
        }
    }
    b.html += "</div>";
    return b;
}

Status InsertPart(Database& db, int64_t message_id, const QueuedMessage& m, int64_t now_ms) {
    Statement st = db.Prepare(
        "INSERT INTO message_digest_part(message_id, idempotency_key, subject, text, html, created_ms) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    st.Bind(1, message_id).Bind(2, m.idempotency_key).Bind(3, m.subject).Bind(4, m.text).Bind(5, m.html);
    st.Bind(6, now_ms);
    if (m.idempotency_key.empty()) st.Bind(2, nullptr);
    return st.Run();
}

}  // namespace

bool IsDigestPart(const QueuedMessage& m, int64_t now_ms) {
    if (m.not_before_ms <= now_ms || !m.payload.is_object()) return false;
    const std::string digest = m.payload.value("digest", std::string());
    return (digest == "hourly" || digest == "daily") && (m.channel == "email" || m.channel == "sms");
}

std::optional<int64_t> DigestHolding(Database& db, const std::string& idempotency_key) {
    Statement st = db.Prepare("SELECT message_id FROM message_digest_part WHERE idempotency_key = ?1");
    st.Bind(1, idempotency_key);
    if (!st.Step()) return std::nullopt;
    return st.Int(0);
}

Result<std::optional<int64_t>> JoinDigest(Database& db, ChangeScope& scope, const QueuedMessage& m) {
    // Waiting digests are due at their not-before time: the outbox's partial index on next_try_ms finds them.
    Statement find = db.Prepare(
        "SELECT id FROM message_outbox WHERE state = 'queued' AND attempts = 0 AND next_try_ms = ?1 "
        "AND not_before_ms = ?1 AND channel = ?2 AND recipient = ?3 AND to_addr = ?4 "
        "AND EXISTS (SELECT 1 FROM message_digest_part p WHERE p.message_id = message_outbox.id) "
        "ORDER BY id LIMIT 1");
    find.Bind(1, m.not_before_ms).Bind(2, m.channel).Bind(3, m.recipient).Bind(4, m.to);
    if (!find.Step()) return std::optional<int64_t>();
    const int64_t id = find.Int(0);
    CRM_TRY(InsertPart(db, id, m, scope.now_ms()));
    std::vector<Part> parts;
    Statement read =
        db.Prepare("SELECT subject, text, html FROM message_digest_part WHERE message_id = ?1 ORDER BY id");
    read.Bind(1, id);
    while (read.Step()) parts.push_back(Part{read.Text(0), read.Text(1), read.Text(2)});
    const Bundle b = Compose(parts, m.channel, m.payload.value("language", std::string("en")));
    Statement update = db.Prepare(
        "UPDATE message_outbox SET subject = ?2, text = ?3, html = ?4, type = 'digest', "
        "payload = json_set(payload, '$.digest_parts', ?5), updated_ms = ?6 WHERE id = ?1");
    update.Bind(1, id).Bind(2, b.subject).Bind(3, b.text).Bind(4, b.html);
    update.Bind(5, static_cast<int64_t>(parts.size())).Bind(6, scope.now_ms());
    CRM_TRY(update.Run());
    scope.Record("notify_outbox", m.channel, ChangeAction::Update, id);
    return std::optional<int64_t>(id);
}

Status StartDigest(Database& db, ChangeScope& scope, int64_t id, const QueuedMessage& m) {
    return InsertPart(db, id, m, scope.now_ms());
}

const char* MessageDigestMigrationSql() {
    return R"sql(
CREATE TABLE message_digest_part (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES message_outbox(id) ON DELETE CASCADE,
    idempotency_key TEXT UNIQUE,
    subject TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    html TEXT NOT NULL DEFAULT '',
    created_ms INTEGER NOT NULL
);
CREATE INDEX message_digest_part_message ON message_digest_part(message_id, id);
)sql";
}

}  // namespace crm
