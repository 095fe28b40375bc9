#include "notify/dispatch.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <tuple>

#include "audit/change.h"
#include "common/messages.h"
#include "common/sha256.h"
#include "storage/database.h"

namespace crm {

namespace {

using nlohmann::json;

const MessageDef kDispatchMessages[] = {
    {"notify.not_claimed",
     "Outbox message {id} is not being sent (its claim lapsed, or it was never claimed).",
     "发件箱消息 {id} 不在发送中（认领已过期，或从未被认领）。"},
    {"notify.not_retryable",
     "Outbox message {id} is {state}: only failed and dead messages are retried by hand.",
     "发件箱消息 {id} 的状态为 {state}：只有失败和放弃的消息可以手动重试。"},
    {"notify.not_set_up", "The {channel} channel is not set up: {what}.", "{channel} 渠道尚未设置：{what}。"},
};
CRM_REGISTER_MESSAGES(kDispatchMessages);

uint64_t SplitMix(uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

std::string JsonEscaped(const std::string& s) {
    const std::string quoted = json(s).dump();
    return quoted.substr(1, quoted.size() - 2);
}

std::string UrlEncoded(const std::string& s) {
    std::string out;
    char buf[4];
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            out += buf;
        }
    }
    return out;
}

std::string Fill(std::string tpl, const std::vector<std::pair<std::string, std::string>>& values) {
    for (const auto& [key, value] : values) {
        const std::string token = "{{" + key + "}}";
        for (size_t at = tpl.find(token); at != std::string::npos; at = tpl.find(token, at + value.size()))
            tpl.replace(at, token.size(), value);
    }
    return tpl;
}

int64_t SettingInt(const json& s, const char* key, int64_t fallback) {
    return s.contains(key) && s[key].is_number_integer() ? s[key].get<int64_t>() : fallback;
}

std::string SettingStr(const json& s, const char* key) {
    return s.contains(key) && s[key].is_string() ? s[key].get<std::string>() : std::string();
}

Status Log(Database& db, int64_t id, int64_t at, int attempt, const std::string& result, int status,
           const std::string& reason, int64_t elapsed) {
    Statement st = db.Prepare(
        "INSERT INTO message_delivery_log(message_id, at_ms, attempt, result, status, reason, elapsed_ms) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    st.Bind(1, id)
        .Bind(2, at)
        .Bind(3, attempt)
        .Bind(4, result)
        .Bind(5, status)
        .Bind(6, reason)
        .Bind(7, elapsed);
    return st.Run();
}

OutgoingMessage Outgoing(const OutboxMessage& m) {
    OutgoingMessage o;
    o.id = m.id;
    o.channel = m.channel;
    o.to = m.to;
    o.subject = m.subject;
    o.text = m.text;
    o.html = m.html;
    o.idempotency_key = m.idempotency_key.empty() ? "msg-" + std::to_string(m.id) : m.idempotency_key;
    o.payload = m.payload;
    o.headers = m.headers;
    return o;
}

}  // namespace

json ToJson(const HttpRequest& r) {
    json headers = json::object();
    for (const auto& [k, v] : r.headers) headers[k] = v;
    return {{"url", r.url},
            {"method", r.method},
            {"headers", headers},
            {"body", r.body},
            {"timeout_ms", r.timeout_ms}};
}

json ToJson(const DeliverySummary& s) {
    return {{"claimed", s.claimed}, {"sent", s.sent}, {"failed", s.failed}, {"dead", s.dead}};
}

std::string HmacSha256Hex(std::string_view secret, std::string_view body) {
    std::string key(secret);
    if (key.size() > 64) {
        Sha256 h;
        h.Update(key);
        std::array<uint8_t, 32> d = h.Digest();
        key.assign(reinterpret_cast<const char*>(d.data()), d.size());
    }
    key.resize(64, '\0');
    std::string ipad(64, '\0'), opad(64, '\0');
    for (size_t i = 0; i < 64; ++i) {
        ipad[i] = static_cast<char>(key[i] ^ 0x36);
        opad[i] = static_cast<char>(key[i] ^ 0x5c);
    }
    Sha256 inner;
    inner.Update(ipad);
    inner.Update(body);
    std::array<uint8_t, 32> d = inner.Digest();
    Sha256 outer;
    outer.Update(opad);
    outer.Update(d.data(), d.size());
    return outer.Hex();
}

std::string TransportKind(const std::string& channel, const json& settings) {
    return channel == "email" && SettingStr(settings, "mode") != "relay" ? "smtp" : "http";
}

Result<HttpRequest> BuildHttpRequest(const json& s, const OutgoingMessage& m) {
    HttpRequest r;
    r.timeout_ms = SettingInt(s, "timeout_ms", 10000);
    auto not_set_up = [&](const char* what) {
        return MessageError("notify.not_set_up", "notify.not_set_up",
                            {{"channel", m.channel}, {"what", what}});
    };
    if (m.channel == "sms") {
        r.url = SettingStr(s, "url");
        if (r.url.empty()) return not_set_up("no gateway URL");
        const std::string type =
            SettingStr(s, "content_type").empty() ? "application/json" : SettingStr(s, "content_type");
        const bool as_json = type.find("json") != std::string::npos;
        auto enc = [as_json](const std::string& v) { return as_json ? JsonEscaped(v) : UrlEncoded(v); };
        r.body = Fill(SettingStr(s, "body_template"), {{"to", enc(m.to)},
                                                       {"text", enc(m.text)},
                                                       {"from", enc(SettingStr(s, "from"))},
                                                       {"id", enc(m.idempotency_key)}});
        r.headers.push_back({"Content-Type", type});
        if (!SettingStr(s, "auth_header").empty())
            r.headers.push_back({"Authorization", SettingStr(s, "auth_header")});
    } else if (m.channel == "email") {
        r.url = SettingStr(s, "relay_url");
        if (r.url.empty()) return not_set_up("no mail relay URL");
        r.body = json{{"from", SettingStr(s, "from")},
                      {"to", m.to},
                      {"subject", m.subject},
                      {"text", m.text},
                      {"html", m.html},
                      {"idempotency_key", m.idempotency_key}}
                     .dump();
        r.headers.push_back({"Content-Type", "application/json"});
        if (!SettingStr(s, "relay_key").empty())
            r.headers.push_back({"Authorization", "Bearer " + SettingStr(s, "relay_key")});
    } else {
        r.url = m.to;
        r.method = SettingStr(s, "method").empty() ? "POST" : SettingStr(s, "method");
        r.body = m.payload.dump();
        r.headers.push_back({"Content-Type", "application/json"});
        r.headers.push_back({"X-CRM-Event-Id", m.idempotency_key});
        // A subscription's message was signed with its own secret when queued (core/integration/webhooks).
        const bool signed_already = m.headers.is_object() && m.headers.contains("X-CRM-Signature");
        if (!SettingStr(s, "secret").empty() && !signed_already)
            r.headers.push_back(
                {"X-CRM-Signature", "sha256=" + HmacSha256Hex(SettingStr(s, "secret"), r.body)});
    }
    r.headers.push_back({"Idempotency-Key", m.idempotency_key});
    if (m.headers.is_object()) {
        for (auto it = m.headers.begin(); it != m.headers.end(); ++it)
            if (it.value().is_string()) r.headers.push_back({it.key(), it.value().get<std::string>()});
    }
    return r;
}

MessageDelivery::MessageDelivery(Changes& changes)
    : changes_(changes),
      outbox_(std::make_unique<MessageOutbox>(changes.db())),
      channels_(std::make_unique<ChannelService>(changes)) {}

MessageDelivery::~MessageDelivery() = default;

void MessageDelivery::SetAuthorizer(Authorizer authorizer) {
    authorizer_ = authorizer;
    channels_->SetAuthorizer(std::move(authorizer));
}

Status MessageDelivery::Authorize(const std::string& actor) const {
    return authorizer_ ? authorizer_(actor, SystemPermission::ManageNotifications) : Status::Ok();
}

int64_t MessageDelivery::BackoffMs(int64_t id, int attempt, const json& settings) const {
    const int64_t base = SettingInt(settings, "backoff_ms", 30000);
    const int64_t cap = SettingInt(settings, "max_backoff_ms", 3600000);
    int64_t delay = base;
    for (int i = 1; i < attempt && delay < cap; ++i) delay *= 2;
    delay = std::min(delay, cap);
    const uint64_t r = SplitMix(seed_ ^ SplitMix(static_cast<uint64_t>(id)) ^ static_cast<uint64_t>(attempt));
    const int64_t half = delay / 2;
    return half + (delay - half == 0 ? 0 : static_cast<int64_t>(r % static_cast<uint64_t>(delay - half + 1)));
}

Result<std::vector<ClaimedMessage>> MessageDelivery::Claim(int64_t now, const ClaimOptions& options) {
    Database& db = changes_.db();
    const int limit = std::clamp(options.limit, 1, 1000);
    const bool skip_smtp = options.browser && TransportKind("email", channels_->Settings("email")) == "smtp";
    {
        // Nothing to do: no transaction, no commit (the page polls; an empty commit would still be synced).
        Statement any = db.Prepare(
            "SELECT EXISTS(SELECT 1 FROM message_outbox WHERE (state = 'sending' AND lease_until_ms <= ?1) "
            "OR "
            "(state IN ('queued', 'failed') AND ((next_try_ms <= ?1 AND NOT (?2 AND channel = 'email')) OR "
            "(?2 "
            "AND channel = 'email' AND last_reason <> ?3))))");
        any.Bind(1, now).Bind(2, skip_smtp ? 1 : 0).Bind(3, kNeedsMailRelay);
        if (!any.Step() || any.Int(0) == 0) return std::vector<ClaimedMessage>{};
    }
    ChangeScope change(changes_, kSystemActor);
    CRM_TRY(change.begin_status());
    std::map<std::string, json> settings;
    for (const std::string& c : ChannelNames()) settings[c] = channels_->Settings(c);
    // Lapsed claims first: the sender never reported, which counts as a failed try.
    {
        Statement lapsed = db.Prepare(
            "SELECT id, channel, attempts FROM message_outbox WHERE state = 'sending' AND lease_until_ms <= "
            "?1 "
            "ORDER BY lease_until_ms LIMIT ?2");
        lapsed.Bind(1, now).Bind(2, limit);
        std::vector<std::tuple<int64_t, std::string, int>> rows;
        while (lapsed.Step())
            rows.emplace_back(lapsed.Int(0), lapsed.Text(1), static_cast<int>(lapsed.Int(2)));
        for (const auto& row : rows) {
            const int64_t id = std::get<0>(row);
            const int attempt = std::get<2>(row) + 1;
            const bool dead = attempt >= SettingInt(settings[std::get<1>(row)], "max_tries", 5);
            const std::string reason = "the sender stopped before reporting (the claim lapsed)";
            Statement up = db.Prepare(
                "UPDATE message_outbox SET state = ?2, attempts = ?3, next_try_ms = ?4, last_status = 0, "
                "last_reason = ?5, updated_ms = ?4, lease_until_ms = 0 WHERE id = ?1");
            up.Bind(1, id).Bind(2, dead ? "dead" : "failed").Bind(3, attempt).Bind(4, now).Bind(5, reason);
            CRM_TRY(up.Run());
            CRM_TRY(Log(db, id, now, attempt, dead ? "dead" : "failed", 0, reason, 0));
            change.Record("notify_outbox", std::get<1>(row), ChangeAction::Update, id);
        }
    }
    if (skip_smtp) {
        Statement note = db.Prepare(
            "UPDATE message_outbox SET last_reason = ?1, updated_ms = ?2 WHERE channel = 'email' AND state "
            "IN "
            "('queued', 'failed') AND last_reason <> ?1");
        note.Bind(1, kNeedsMailRelay).Bind(2, now);
        CRM_TRY(note.Run());
    }
    Statement due = db.Prepare(
        "SELECT id FROM message_outbox WHERE state IN ('queued', 'failed') AND next_try_ms <= ?1 AND (?2 = 0 "
        "OR "
        "channel <> 'email') ORDER BY priority = 'urgent' DESC, next_try_ms, id LIMIT ?3");
    due.Bind(1, now).Bind(2, skip_smtp ? 1 : 0).Bind(3, limit);
    std::vector<int64_t> ids;
    while (due.Step()) ids.push_back(due.Int(0));
    CRM_TRY(due.status());
    std::vector<ClaimedMessage> out;
    for (int64_t id : ids) {
        Statement up = db.Prepare(
            "UPDATE message_outbox SET state = 'sending', lease_until_ms = ?2, updated_ms = ?3 WHERE id = "
            "?1");
        up.Bind(1, id).Bind(2, now + lease_ms_).Bind(3, now);
        CRM_TRY(up.Run());
        Result<OutboxMessage> m = outbox_->Get(id);
        if (!m.ok()) return m.error();
        ClaimedMessage c;
        c.message = Outgoing(*m);
        c.settings = settings[m->channel];
        if (m->channel == "webhook") c.settings["method"] = m->method;
        change.Record("notify_outbox", m->channel, ChangeAction::Update, id);
        out.push_back(std::move(c));
    }
    CRM_TRY(change.Commit());
    return out;
}

Status MessageDelivery::Complete(int64_t id, const SendOutcome& outcome, int64_t now) {
    Database& db = changes_.db();
    ChangeScope change(changes_, kSystemActor);
    CRM_TRY(change.begin_status());
    Result<OutboxMessage> m = outbox_->Get(id);
    if (!m.ok()) return m.error();
    if (m->state != "sending")
        return MessageError("notify.not_claimed", "notify.not_claimed", {{"id", std::to_string(id)}}, "id");
    const json settings = channels_->Settings(m->channel);
    const int attempt = m->attempts + 1;
    std::string state = "sent";
    int64_t next = 0;
    if (!outcome.sent) {
        const bool dead = !outcome.retryable || attempt >= SettingInt(settings, "max_tries", 5);
        state = dead ? "dead" : "failed";
        if (!dead) next = now + BackoffMs(id, attempt, settings);
    }
    const std::string reason =
        outcome.sent ? std::string() : (outcome.reason.empty() ? "not accepted" : outcome.reason);
    Statement up = db.Prepare(
        "UPDATE message_outbox SET state = ?2, attempts = ?3, next_try_ms = ?4, lease_until_ms = 0, "
        "last_status = ?5, "
        "last_reason = ?6, updated_ms = ?7, sent_ms = ?8 WHERE id = ?1");
    up.Bind(1, id).Bind(2, state).Bind(3, attempt).Bind(4, next).Bind(5, outcome.status).Bind(6, reason);
    up.Bind(7, now).Bind(8, outcome.sent ? now : int64_t{0});
    CRM_TRY(up.Run());
    CRM_TRY(Log(db, id, now, attempt, state, outcome.status, reason, outcome.elapsed_ms));
    change.Record("notify_outbox", m->channel, ChangeAction::Update, id);
    return change.Commit();
}

Status MessageDelivery::Retry(const std::string& actor, int64_t id) {
    CRM_TRY(Authorize(actor));
    Database& db = changes_.db();
    ChangeScope change(changes_, actor);
    CRM_TRY(change.begin_status());
    Result<OutboxMessage> m = outbox_->Get(id);
    if (!m.ok()) return m.error();
    if (m->state != "dead" && m->state != "failed")
        return MessageError("notify.not_retryable", "notify.not_retryable",
                            {{"id", std::to_string(id)}, {"state", m->state}}, "id");
    Statement up = db.Prepare(
        "UPDATE message_outbox SET state = 'queued', attempts = 0, next_try_ms = ?2, updated_ms = ?2 WHERE "
        "id = ?1");
    up.Bind(1, id).Bind(2, change.now_ms());
    CRM_TRY(up.Run());
    CRM_TRY(Log(db, id, change.now_ms(), m->attempts, "retry", 0, "retried by hand by " + actor, 0));
    change.Record("notify_outbox", m->channel, ChangeAction::Update, id);
    return change.Commit();
}

SendOutcome MessageDelivery::SendNow(const std::string& channel, const OutgoingMessage& message) {
    const json settings = channels_->Settings(channel);
    auto it = transports_.find(TransportKind(channel, settings));
    if (it == transports_.end() || !it->second) {
        SendOutcome none;
        none.reason = "no " + TransportKind(channel, settings) + " transport in this program";
        return none;
    }
    return it->second->Send(settings, message);
}

SendOutcome SendClaimed(const TransportMap& transports, const ClaimedMessage& claimed) {
    const std::string kind = TransportKind(claimed.message.channel, claimed.settings);
    auto it = transports.find(kind);
    if (it == transports.end() || !it->second) {
        SendOutcome outcome;
        outcome.reason = "no " + kind + " transport in this program";
        return outcome;
    }
    return it->second->Send(claimed.settings, claimed.message);
}

DeliverySummary MessageDelivery::CompleteAll(const std::vector<ClaimedMessage>& claimed,
                                             const std::vector<SendOutcome>& outcomes, int64_t now) {
    DeliverySummary summary;
    summary.claimed = static_cast<int>(claimed.size());
    // The pass's outcomes in one transaction (one sync to disk, not one per message). Should the program
    // stop before it commits, the claims lapse and the messages go again with the same idempotency keys.
    ChangeScope change(changes_, kSystemActor);
    if (!change.begin_status().ok()) return summary;
    for (size_t i = 0; i < claimed.size() && i < outcomes.size(); ++i) {
        const int64_t id = claimed[i].message.id;
        if (!Complete(id, outcomes[i], now).ok()) continue;
        Result<OutboxMessage> after = outbox_->Get(id);
        if (!after.ok()) continue;
        if (after->state == "sent") ++summary.sent;
        if (after->state == "failed") ++summary.failed;
        if (after->state == "dead") ++summary.dead;
    }
    if (!change.Commit().ok()) return DeliverySummary{summary.claimed, 0, 0, 0};
    return summary;
}

DeliverySummary MessageDelivery::DeliverDue(const TransportMap& transports, int64_t now, int limit) {
    Result<std::vector<ClaimedMessage>> claimed = Claim(now, ClaimOptions{limit, false});
    if (!claimed.ok()) return DeliverySummary{};
    std::vector<SendOutcome> outcomes;
    for (const ClaimedMessage& c : *claimed) outcomes.push_back(SendClaimed(transports, c));
    return CompleteAll(*claimed, outcomes, now);
}

}  // namespace crm
