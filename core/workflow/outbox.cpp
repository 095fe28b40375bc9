#include "workflow/outbox.h"

#include "audit/change.h"
#include "common/text.h"
#include "storage/database.h"

namespace crm {

nlohmann::json ToJson(const OutboxItem& item) {
    return {{"id", item.id},       {"created", item.created_ms}, {"rule_id", item.rule_id},
            {"url", item.url},     {"method", item.method},      {"payload", item.payload},
            {"state", item.state}, {"attempts", item.attempts}};
}

bool IsWebhookUrl(std::string_view url) {
    const std::string lower = ToLowerAscii(url);
    size_t host = 0;
    if (lower.rfind("https://", 0) == 0) {
        host = 8;
    } else if (lower.rfind("http://", 0) == 0) {
        host = 7;
    } else {
        return false;
    }
    if (host >= lower.size() || lower[host] == '/' || lower[host] == ':') return false;
    for (char c : lower) {
        if (static_cast<unsigned char>(c) <= ' ') return false;
    }
    return true;
}

Status WebhookOutbox::Enqueue(ChangeScope& scope, int64_t rule_id, const std::string& url,
                              const std::string& method, const nlohmann::json& payload) {
    Statement st = db_.Prepare(
        "INSERT INTO webhook_outbox(created_ms, rule_id, url, method, payload) VALUES(?1, ?2, ?3, ?4, ?5)");
    st.Bind(1, scope.now_ms()).Bind(2, rule_id).Bind(3, url).Bind(4, method).Bind(5, payload.dump());
    if (Status s = st.Run(); !s.ok()) return s;
    scope.Record("webhooks", "", ChangeAction::Create, db_.LastInsertRowId());
    return Status::Ok();
}

std::vector<OutboxItem> WebhookOutbox::List(const std::string& state, int limit) const {
    Statement st = db_.Prepare(
        "SELECT id, created_ms, rule_id, url, method, payload, state, attempts FROM webhook_outbox WHERE (?1 "
        "= '' "
        "OR state = ?1) ORDER BY id LIMIT ?2");
    st.Bind(1, state).Bind(2, std::max(1, limit));
    std::vector<OutboxItem> out;
    while (st.Step()) {
        OutboxItem item;
        item.id = st.Int(0);
        item.created_ms = st.Int(1);
        item.rule_id = st.Int(2);
        item.url = st.Text(3);
        item.method = st.Text(4);
        item.payload = nlohmann::json::parse(st.Text(5), nullptr, false);
        item.state = st.Text(6);
        item.attempts = static_cast<int>(st.Int(7));
        out.push_back(std::move(item));
    }
    return out;
}

}  // namespace crm
