// One message handed to the message outbox (core/notify/outbox.h, MessageOutbox::Enqueue): the shape
// notify's fan-out produces and the outbox stores. The outbox sends it only after the transaction that
// enqueued it commits, not before not_before_ms, and never twice for the same idempotency key.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace crm {

/// A rendered, addressed message waiting for the outbox.
struct QueuedMessage {
    std::string channel;  ///< "email", "sms", "webhook"
    std::string to;       ///< address, E.164 number or URL
    std::string subject, text, html;
    nlohmann::json payload;  ///< webhook body or extra fields
    std::string
        idempotency_key;    ///< unique per logical message; a second Enqueue with the same key is a no-op
    std::string type;       ///< notification type code ("record_assigned"...), "" for webhooks
    std::string recipient;  ///< username ("" for webhooks)
    std::string priority = "normal";  ///< "normal" | "urgent"
    int64_t not_before_ms = 0;        ///< quiet hours / digests: not sent before this time
};

}  // namespace crm
