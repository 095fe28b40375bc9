#include "workflow/outbox.h"

#include <algorithm>
#include <cstdlib>

#include "audit/change.h"
#include "common/text.h"
#include "notify/outbox.h"
#include "storage/database.h"

namespace crm {

namespace {
constexpr const char* kRuleSource = "automation rule ";
}

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
    QueuedMessage m;
    m.channel = "webhook";
    m.to = url;
    m.payload = payload;
    EnqueueExtras extras;
    extras.method = method;
    extras.source = kRuleSource + std::to_string(rule_id);
    Result<int64_t> id = MessageOutbox(db_).Enqueue(scope, m, extras);
    return id.ok() ? Status::Ok() : Status(id.error());
}

std::vector<OutboxItem> WebhookOutbox::List(const std::string& state, int limit) const {
    Statement st = db_.Prepare(
        "SELECT id, created_ms, source, to_addr, method, payload, state, attempts FROM message_outbox WHERE "
        "channel = 'webhook' AND source LIKE 'automation rule %' AND (?1 = '' OR state = ?1) ORDER BY id "
        "LIMIT ?2");
    st.Bind(1, state).Bind(2, std::max(1, limit));
    std::vector<OutboxItem> out;
    while (st.Step()) {
        OutboxItem item;
        item.id = st.Int(0);
        item.created_ms = st.Int(1);
        const std::string source = st.Text(2);
        item.rule_id = std::atoll(source.c_str() + std::string(kRuleSource).size());
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
