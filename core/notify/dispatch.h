// The way out of the message outbox: claim due messages, hand them to a transport (natively: libcurl in
// native/net/; in the browser: the page's fetch through notify.outbox.claim / notify.outbox.complete), and
// record each try: sent, failed with the next try at an exponential back-off with jitter, or dead after the
// channel's tries. A claim is a lease: a sender that never reports back (the tab closed) loses the message
// to the next claim once the lease has run out.
//
// [SECTION] Requests     the HTTP request of an SMS, a mail relay message or a webhook (shared by curl and
// fetch) [SECTION] Delivery     MessageDelivery: the outbox, the channels, claim, complete, retry, DeliverDue
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "access/policy.h"
#include "common/result.h"
#include "notify/channels.h"
#include "notify/outbox.h"
#include "notify/transport.h"

namespace crm {

class Changes;

// [SECTION] Requests

/// One HTTP request, ready for curl or fetch.
struct HttpRequest {
    std::string url;
    std::string method = "POST";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    int64_t timeout_ms = 10000;
};
nlohmann::json ToJson(const HttpRequest& r);

/// "smtp" for email over SMTP, "http" for everything else (SMS gateway, mail relay, webhooks).
std::string TransportKind(const std::string& channel, const nlohmann::json& settings);
/// The request that sends `m` over HTTP with `settings`; an error when the channel is not set up for it
/// (no gateway URL...), with the reason the delivery log shows.
Result<HttpRequest> BuildHttpRequest(const nlohmann::json& settings, const OutgoingMessage& m);
/// HMAC-SHA256 of `body` with `secret`, hexadecimal (the webhook signature).
std::string HmacSha256Hex(std::string_view secret, std::string_view body);

// [SECTION] Delivery

/// A claimed message with its channel's settings (secrets included: for the sender only).
struct ClaimedMessage {
    OutgoingMessage message;
    nlohmann::json settings;
};

struct ClaimOptions {
    int limit = 20;
    /// The browser: it cannot speak SMTP, so email over SMTP is left queued with the reason
    /// "needs the mail relay in the browser" instead of claimed.
    bool browser = false;
};

/// Transports by kind ("smtp", "http"); not owned.
using TransportMap = std::map<std::string, Transport*>;

/// What one DeliverDue pass did.
struct DeliverySummary {
    int claimed = 0, sent = 0, failed = 0, dead = 0;
};
nlohmann::json ToJson(const DeliverySummary& s);

/// Sends one claimed message through the transport its channel's settings name (blocking, bounded by the
/// transport's time-out); touches no database, so a sending thread may call it.
SendOutcome SendClaimed(const TransportMap& transports, const ClaimedMessage& claimed);

inline constexpr const char* kNeedsMailRelay = "needs the mail relay in the browser";

class MessageDelivery {
public:
    explicit MessageDelivery(Changes& changes);
    ~MessageDelivery();

    MessageOutbox& outbox() { return *outbox_; }
    ChannelService& channels() { return *channels_; }
    /// Manage Notifications is checked through this (retry by hand; the channels).
    void SetAuthorizer(Authorizer authorizer);
    Status Authorize(const std::string& actor) const;
    /// The seed of the back-off jitter (tests fix it; the same seed gives the same delays).
    void SetJitterSeed(uint64_t seed) { seed_ = seed; }
    /// How long a claim holds a message (default two minutes).
    void SetLeaseMs(int64_t ms) { lease_ms_ = ms; }
    int64_t lease_ms() const { return lease_ms_; }
    /// The transports of this program (natively the libcurl ones); none in the browser.
    void SetTransports(TransportMap transports) { transports_ = std::move(transports); }
    const TransportMap& transports() const { return transports_; }

    /// Marks up to `limit` due messages "sending" (leased until now + lease) and answers them with their
    /// settings, urgent first, then oldest due. A lapsed lease counts as a failed try first.
    Result<std::vector<ClaimedMessage>> Claim(int64_t now_ms, const ClaimOptions& options = {});
    /// Records the try of a claimed message: sent, failed (next try after the back-off) or dead (the
    /// channel's max_tries reached, or an outcome that cannot be helped by retrying).
    /// "notify.not_claimed" when the message is not being sent (its lease lapsed and it was claimed again).
    Status Complete(int64_t id, const SendOutcome& outcome, int64_t now_ms);
    /// Puts a dead or failed message back in the queue now, its tries counted afresh (Manage Notifications).
    Status Retry(const std::string& actor, int64_t id);
    /// The wait before try `attempt` + 1 after `attempt` failed tries: backoff_ms * 2^(attempt-1), at most
    /// max_backoff_ms, then a jitter that keeps between half and all of it (deterministic per seed, id, try).
    int64_t BackoffMs(int64_t id, int attempt, const nlohmann::json& settings) const;

    /// Records the outcomes of claimed messages (SendClaimed's, in the same order) in one transaction.
    DeliverySummary CompleteAll(const std::vector<ClaimedMessage>& claimed,
                                const std::vector<SendOutcome>& outcomes, int64_t now_ms);
    /// Claims up to `limit` due messages, sends each through its transport, in order, and records the
    /// outcomes in one transaction; bounded by `limit` sends and each transport's time-out.
    DeliverySummary DeliverDue(const TransportMap& transports, int64_t now_ms, int limit);
    /// Sends one message now without the outbox (notify.channels.test).
    SendOutcome SendNow(const std::string& channel, const OutgoingMessage& message);

private:
    Changes& changes_;
    std::unique_ptr<MessageOutbox> outbox_;
    std::unique_ptr<ChannelService> channels_;
    Authorizer authorizer_;
    TransportMap transports_;
    uint64_t seed_ = 0x5eedf00dULL;
    int64_t lease_ms_ = 120000;
};

}  // namespace crm
