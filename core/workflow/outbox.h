// Automation's webhooks: a webhook action queues a "webhook" message in the one message outbox
// (core/notify/outbox.h) inside the save's transaction (so a save that rolls back queues nothing); the
// dispatcher (core/notify/dispatch.h) delivers it after commit (sent, failed, retried, dead).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"

namespace crm {

class ChangeScope;
class Database;

/// One queued request.
struct OutboxItem {
    int64_t id = 0;
    int64_t created_ms = 0;
    int64_t rule_id = 0;
    std::string url;
    std::string method = "POST";
    nlohmann::json payload;
    std::string state = "queued";  ///< the message's state: queued, sending, sent, failed, dead
    int attempts = 0;
};
nlohmann::json ToJson(const OutboxItem& item);

/// Whether `url` is an http or https URL with a host (what a webhook may call).
bool IsWebhookUrl(std::string_view url);

/// Automation's view of the message outbox: its webhook messages.
class WebhookOutbox {
public:
    explicit WebhookOutbox(Database& db) : db_(db) {}
    /// Queues a "webhook" message (source "automation rule <id>") inside the caller's change.
    Status Enqueue(ChangeScope& scope, int64_t rule_id, const std::string& url, const std::string& method,
                   const nlohmann::json& payload);
    /// The queue, oldest first (state "" = every state).
    std::vector<OutboxItem> List(const std::string& state = "queued", int limit = 100) const;

private:
    Database& db_;
};

}  // namespace crm
