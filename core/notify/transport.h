// How an outgoing message leaves the machine. The outbox (core/notify/outbox) decides what to send
// and when (after commit, retries with back-off, dead letters); a Transport only sends one message
// over one channel and says what happened. Natively the transports speak SMTP and HTTP through
// libcurl (native/net/); in the browser a message is sent with fetch by the page, which claims
// messages from the outbox and reports each outcome back, so the core never blocks on the network.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace crm {

/// One message, ready to go: rendered, addressed, with the channel's settings resolved.
struct OutgoingMessage {
    int64_t id = 0;               ///< the outbox row
    std::string channel;          ///< "email", "sms", "webhook"
    std::string to;               ///< an email address, an E.164 phone number, or a URL
    std::string subject;          ///< email only
    std::string text;             ///< plain text body (email, SMS)
    std::string html;             ///< simple HTML body (email, optional)
    std::string idempotency_key;  ///< the same on every try of this message; peers may use it to drop repeats
    nlohmann::json payload;       ///< webhook body (JSON), or extra channel fields
    nlohmann::json headers = nlohmann::json::object();  ///< extra HTTP headers (webhook signature...)
};

/// What one try of a send gave.
struct SendOutcome {
    bool sent = false;       ///< the peer accepted the message
    bool retryable = true;   ///< false when trying again cannot help (bad address, 4xx other than 408/429)
    int status = 0;          ///< the SMTP reply code or HTTP status (0 when the peer was not reached)
    std::string reason;      ///< what went wrong, for the delivery log ("connection refused", "535 ...")
    int64_t elapsed_ms = 0;
};

/// One channel's way out. `settings` is the channel's configuration as stored (host, port, TLS, user,
/// password, URL, key, body template...), `message` the message to send. Never throws; bounded in time
/// by the settings' time-out.
class Transport {
public:
    virtual ~Transport() = default;
    virtual SendOutcome Send(const nlohmann::json& settings, const OutgoingMessage& message) = 0;
};

}  // namespace crm
