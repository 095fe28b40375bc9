// The message outbox: every outgoing email, SMS and webhook is written here inside the transaction that
// caused it (a rolled-back save queues nothing) and leaves only after that commit, through the dispatcher
// (core/notify/dispatch.h). An idempotency key makes a second Enqueue of the same logical message a no-op,
// so a retried save never sends twice.
//
// [SECTION] Messages   OutboxMessage, DeliveryAttempt and their JSON
// [SECTION] Outbox     MessageOutbox: Enqueue, List, Get, the delivery log
//
// States: "queued" (waiting, or not before not_before_ms), "sending" (claimed by a sender, leased until
// lease_until_ms), "sent", "failed" (will be tried again at next_try_ms), "dead" (given up: retried only by
// hand).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"
#include "notify/queued_message.h"

namespace crm {

class ChangeScope;
class Database;

// [SECTION] Messages

/// One row of the outbox.
struct OutboxMessage {
    int64_t id = 0;
    int64_t created_ms = 0;
    std::string channel, to, subject, text, html;
    nlohmann::json payload;
    nlohmann::json headers = nlohmann::json::object();  ///< extra HTTP headers (webhooks)
    std::string method = "POST";                        ///< webhooks: POST, PUT or PATCH
    std::string idempotency_key;
    std::string type, recipient, priority = "normal";
    std::string source;  ///< who queued it: "notify", "automation rule 12", "test"...
    int64_t not_before_ms = 0;
    std::string state = "queued";
    int attempts = 0;
    int64_t next_try_ms = 0;     ///< queued or failed: due from then
    int64_t lease_until_ms = 0;  ///< sending: the claim lapses then
    int last_status = 0;
    std::string last_reason;
    int64_t updated_ms = 0;
    int64_t sent_ms = 0;
};
nlohmann::json ToJson(const OutboxMessage& m);

/// One try of one message (the delivery log).
struct DeliveryAttempt {
    int64_t id = 0;
    int64_t message_id = 0;
    int64_t at_ms = 0;
    int attempt = 0;     ///< 1 for the first try
    std::string result;  ///< "sent", "failed", "dead", "retry" (a retry by hand)
    int status = 0;      ///< SMTP reply code or HTTP status (0: the peer was not reached)
    std::string reason;
    int64_t elapsed_ms = 0;
};
nlohmann::json ToJson(const DeliveryAttempt& a);

/// What List answers ("" = any).
struct OutboxFilter {
    std::string state, channel, recipient;
    int limit = 100;
    int offset = 0;
};

/// Per-message extras beyond QueuedMessage (webhooks' method and headers, who queued it).
struct EnqueueExtras {
    std::string method = "POST";
    nlohmann::json headers = nlohmann::json::object();
    std::string source;
};

// [SECTION] Outbox

class MessageOutbox {
public:
    explicit MessageOutbox(Database& db) : db_(db) {}

    /// Queues `m` inside the caller's change (nothing is queued if that change rolls back). A message
    /// whose idempotency key is already queued answers that message's id and writes nothing. Errors:
    /// "notify.bad_channel", "notify.no_recipient".
    Result<int64_t> Enqueue(ChangeScope& scope, const QueuedMessage& m);
    Result<int64_t> Enqueue(ChangeScope& scope, const QueuedMessage& m, const EnqueueExtras& extras);

    /// Messages, newest first.
    std::vector<OutboxMessage> List(const OutboxFilter& filter) const;
    /// One message; "notify.no_such_message" when absent.
    Result<OutboxMessage> Get(int64_t id) const;
    /// Its delivery log, oldest first.
    std::vector<DeliveryAttempt> Log(int64_t id) const;
    /// How many messages are in `state`.
    int64_t Count(const std::string& state) const;

    Database& db() const { return db_; }

private:
    Database& db_;
};

/// The SQL of migration 19: the message outbox, its delivery log, the channels' settings; webhooks queued
/// by automation before it are moved in.
const char* MessageOutboxMigrationSql();

}  // namespace crm
