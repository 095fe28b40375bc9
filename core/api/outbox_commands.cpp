// notify.channels.*, notify.outbox.*: the notification channels' settings (secrets shown as set or not set)
// and the message outbox (core/notify), behind Manage Notifications. notify.outbox.claim / complete are the
// browser's way out: the page claims due messages with their ready HTTP requests, sends them with fetch
// and reports each outcome back (web/outbox_fetch.js).
#include "api/command.h"
#include "notify/dispatch.h"
#include "workspace.h"

namespace crm::api {

namespace {

using SP = SystemPermission;

Result<json> ChannelsListCmd(Call& call) {
    Result<json> list = call.workspace.delivery().channels().List(call.actor);
    if (!list.ok()) return list.error();
    return json{{"channels", *list}};
}

Result<json> ChannelsGetCmd(Call& call) {
    const std::string channel = call.Str("channel");
    Result<json> s = call.workspace.delivery().channels().Get(call.actor, channel);
    if (!s.ok()) return s.error();
    return json{{"channel", channel}, {"settings", *s}};
}

Result<json> ChannelsSetCmd(Call& call) {
    const std::string channel = call.Str("channel");
    const json* patch = call.Obj("settings");
    Result<json> s =
        call.workspace.delivery().channels().Set(call.actor, channel, patch ? *patch : json::object());
    if (!s.ok()) return s.error();
    return json{{"channel", channel}, {"settings", *s}};
}

Result<json> ChannelsTestCmd(Call& call) {
    MessageDelivery& delivery = call.workspace.delivery();
    CRM_TRY(delivery.Authorize(call.actor));
    const std::string channel = call.Str("channel");
    const std::string to = call.Str("to");
    if (channel == "sms" && !IsE164(to))
        return InvalidArgument(
            "to", "\"" + to + "\" is not an E.164 phone number (+ and country code, up to 15 digits).");
    if (channel == "email" && !IsEmailAddress(to))
        return InvalidArgument("to", "\"" + to + "\" is not an email address.");
    if (channel == "webhook" && to.rfind("http", 0) != 0)
        return InvalidArgument("to", "A webhook test goes to an http or https URL.");
    QueuedMessage m;
    m.channel = channel;
    m.to = to;
    m.subject = call.Str("subject", "CRM test message");
    m.text = call.Str("text", "A test message from CRM Settings.");
    m.payload = channel == "webhook" ? json{{"event", "test"}, {"text", m.text}} : json(nullptr);
    m.recipient = call.actor;
    m.priority = "urgent";
    if (!delivery.transports().empty()) {
        OutgoingMessage o;
        o.channel = channel;
        o.to = to;
        o.subject = m.subject;
        o.text = m.text;
        o.payload = m.payload;
        o.idempotency_key = "test-" + std::to_string(call.workspace.clock().NowMs());
        const SendOutcome out = delivery.SendNow(channel, o);
        return json{{"sent", out.sent},
                    {"status", out.status},
                    {"reason", out.reason},
                    {"elapsed_ms", out.elapsed_ms}};
    }
    // No transport in this program (the browser): the test goes through the outbox, which the page drains.
    ChangeScope change(call.workspace.changes(), call.actor);
    CRM_TRY(change.begin_status());
    EnqueueExtras extras;
    extras.source = "test";
    Result<int64_t> id = delivery.outbox().Enqueue(change, m, extras);
    if (!id.ok()) return id.error();
    CRM_TRY(change.Commit());
    return json{{"queued", *id}};
}

Result<json> OutboxListCmd(Call& call) {
    OutboxFilter f;
    f.state = call.Str("state");
    f.channel = call.Str("channel");
    f.recipient = call.Str("recipient");
    f.limit = call.Int("limit", 100);
    f.offset = call.Int("offset", 0);
    MessageOutbox& outbox = call.workspace.delivery().outbox();
    json out = json::array();
    for (const OutboxMessage& m : outbox.List(f)) out.push_back(ToJson(m));
    json counts = json::object();
    for (const char* s : {"queued", "sending", "sent", "failed", "dead"}) counts[s] = outbox.Count(s);
    return json{{"messages", out}, {"counts", counts}};
}

Result<json> OutboxGetCmd(Call& call) {
    MessageOutbox& outbox = call.workspace.delivery().outbox();
    Result<OutboxMessage> m = outbox.Get(call.Id("id"));
    if (!m.ok()) return m.error();
    json log = json::array();
    for (const DeliveryAttempt& a : outbox.Log(m->id)) log.push_back(ToJson(a));
    return json{{"message", ToJson(*m)}, {"log", log}};
}

Result<json> OutboxRetryCmd(Call& call) {
    CRM_TRY(call.workspace.delivery().Retry(call.actor, call.Id("id")));
    Result<OutboxMessage> m = call.workspace.delivery().outbox().Get(call.Id("id"));
    if (!m.ok()) return m.error();
    return json{{"message", ToJson(*m)}};
}

Result<json> OutboxClaimCmd(Call& call) {
    MessageDelivery& delivery = call.workspace.delivery();
    CRM_TRY(delivery.Authorize(call.actor));
    ClaimOptions options;
    options.limit = call.Int("limit", 10);
    options.browser = call.Bool("browser", true);
    const int64_t now = call.workspace.clock().NowMs();
    Result<std::vector<ClaimedMessage>> claimed = delivery.Claim(now, options);
    if (!claimed.ok()) return claimed.error();
    json out = json::array();
    for (const ClaimedMessage& c : *claimed) {
        json item = {{"id", c.message.id},
                     {"channel", c.message.channel},
                     {"to", c.message.to},
                     {"transport", TransportKind(c.message.channel, c.settings)}};
        Result<HttpRequest> request = BuildHttpRequest(c.settings, c.message);
        if (item["transport"] == "http" && request.ok()) {
            item["request"] = ToJson(*request);
        } else {
            // Nothing the page can send: the try is recorded now, with the reason, and not left to lapse.
            SendOutcome outcome;
            outcome.reason = request.ok() ? std::string(kNeedsMailRelay) : request.error().message;
            CRM_TRY(delivery.Complete(c.message.id, outcome, now));
            item["skipped"] = outcome.reason;
        }
        out.push_back(std::move(item));
    }
    return json{{"messages", out}, {"lease_ms", delivery.lease_ms()}};
}

Result<json> OutboxCompleteCmd(Call& call) {
    MessageDelivery& delivery = call.workspace.delivery();
    CRM_TRY(delivery.Authorize(call.actor));
    SendOutcome o;
    o.sent = call.Bool("sent", false);
    o.retryable = call.Bool("retryable", true);
    o.status = call.Int("status", 0);
    o.reason = call.Str("reason");
    o.elapsed_ms = call.Int("elapsed_ms", 0);
    CRM_TRY(delivery.Complete(call.Id("id"), o, call.workspace.clock().NowMs()));
    Result<OutboxMessage> m = delivery.outbox().Get(call.Id("id"));
    if (!m.ok()) return m.error();
    return json{{"id", m->id}, {"state", m->state}, {"attempts", m->attempts}, {"next_try", m->next_try_ms}};
}

}  // namespace

void RegisterOutboxCommands(Registry& r) {
    const Reads notify = SetupData("the notification channels and the outbox", {SP::ManageNotifications});
    const Arg channel = {"channel", ArgType::String, true, "\"email\"|\"sms\"|\"webhook\""};
    const Arg id = {"id", ArgType::Id, true};
    r.push_back({"notify.channels.list",
                 "Every notification channel's settings (email over SMTP or a mail relay, the SMS gateway, "
                 "webhook defaults); secrets are shown as set or not set, never their values.",
                 {},
                 notify,
                 false,
                 json::object(),
                 ChannelsListCmd});
    r.push_back({"notify.channels.get",
                 "One channel's settings, secrets shown as set or not set.",
                 {channel},
                 notify,
                 false,
                 {{"channel", "email"}},
                 ChannelsGetCmd});
    r.push_back(
        {"notify.channels.set",
         "Changes a channel's settings (only the keys given; a secret given as \"\" is cleared), checked "
         "as a whole (a bad URL, port or a missing host names its field) and audited without secrets.",
         {channel, {"settings", ArgType::Object, true, "{host, port, security, user, password, from, ...}"}},
         notify,
         true,
         {{"channel", "email"}, {"settings", {{"host", "smtp.example.com"}, {"port", 587}}}},
         ChannelsSetCmd});
    r.push_back(
        {"notify.channels.test",
         "Sends one test message now through the channel's transport and answers the outcome (sent, "
         "status, reason); where this program has no transport (the browser) it is queued for the page.",
         {channel, {"to", ArgType::String, true}, {"subject", ArgType::String}, {"text", ArgType::String}},
         notify,
         true,
         {{"channel", "sms"}, {"to", "+8613800138000"}},
         ChannelsTestCmd});
    r.push_back(
        {"notify.outbox.list",
         "Outbox messages, newest first, filtered by state (queued, sending, sent, failed, dead), channel "
         "and recipient (a username or an address), with the count of each state.",
         {{"state", ArgType::String},
          {"channel", ArgType::String},
          {"recipient", ArgType::String},
          {"limit", ArgType::Integer},
          {"offset", ArgType::Integer}},
         notify,
         false,
         {{"state", "dead"}},
         OutboxListCmd});
    r.push_back({"notify.outbox.get",
                 "One outbox message with its delivery log (time, result, status, reason, "
                 "elapsed time of every try).",
                 {id},
                 notify,
                 false,
                 {{"id", 1}},
                 OutboxGetCmd});
    r.push_back(
        {"notify.outbox.retry",
         "Puts a dead or failed message back in the queue now, its tries counted afresh (the log keeps "
         "the earlier ones).",
         {id},
         notify,
         true,
         {{"id", 1}},
         OutboxRetryCmd});
    r.push_back(
        {"notify.outbox.claim",
         "For the page's sender: marks up to limit due messages as being sent (for lease_ms) and answers "
         "each with the HTTP request to make; email over SMTP is left queued as needing the mail relay.",
         {{"limit", ArgType::Integer}, {"browser", ArgType::Boolean}},
         notify,
         true,
         {{"limit", 10}},
         OutboxClaimCmd});
    r.push_back(
        {"notify.outbox.complete",
         "For the page's sender: records the outcome of a claimed message's try (sent, or failed with "
         "the next try after the back-off, or dead after the channel's tries).",
         {id,
          {"sent", ArgType::Boolean, true},
          {"status", ArgType::Integer},
          {"reason", ArgType::String},
          {"retryable", ArgType::Boolean},
          {"elapsed_ms", ArgType::Integer}},
         notify,
         true,
         {{"id", 2}, {"sent", true}, {"status", 200}, {"elapsed_ms", 35}},
         OutboxCompleteCmd});
}

}  // namespace crm::api
