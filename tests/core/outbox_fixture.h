// A workspace on a fixed clock for the message outbox suites, with a scripted transport.
#pragma once
#include <doctest/doctest.h>

#include <deque>

#include "audit/change.h"
#include "notify/dispatch.h"
#include "workspace.h"

namespace crm::test {

constexpr int64_t kOutboxNow = 1795712400000;  // 2026-11-26T17:00:00Z

/// Answers the outcomes it is given, in order (then "sent"), and keeps what it was asked to send.
class ScriptedTransport final : public Transport {
public:
    std::deque<SendOutcome> script;
    std::vector<OutgoingMessage> sent;
    std::vector<nlohmann::json> settings;
    SendOutcome Send(const nlohmann::json& s, const OutgoingMessage& m) override {
        sent.push_back(m);
        settings.push_back(s);
        if (script.empty()) {
            SendOutcome ok;
            ok.sent = true;
            ok.status = 250;
            return ok;
        }
        SendOutcome o = script.front();
        script.pop_front();
        return o;
    }
};

inline SendOutcome Refused(int status, const std::string& reason, bool retryable = true) {
    SendOutcome o;
    o.status = status;
    o.reason = reason;
    o.retryable = retryable;
    return o;
}

struct OutboxFixture {
    FixedClock clock{kOutboxNow};
    std::unique_ptr<Workspace> ws;
    ScriptedTransport smtp, http;
    OutboxFixture() {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        delivery().SetJitterSeed(42);
    }
    MessageDelivery& delivery() { return ws->delivery(); }
    MessageOutbox& outbox() { return ws->delivery().outbox(); }
    TransportMap Transports() { return {{"smtp", &smtp}, {"http", &http}}; }

    static QueuedMessage Sms(const std::string& key, const std::string& to = "+8613800138000") {
        QueuedMessage m;
        m.channel = "sms";
        m.to = to;
        m.text = "Your deal closes tomorrow";
        m.idempotency_key = key;
        m.type = "close_date_near";
        m.recipient = "admin";
        return m;
    }
    static QueuedMessage Email(const std::string& key) {
        QueuedMessage m;
        m.channel = "email";
        m.to = "ann@example.com";
        m.subject = "Assigned to you";
        m.text = "Acme is yours";
        m.idempotency_key = key;
        m.type = "record_assigned";
        m.recipient = "ann";
        return m;
    }
    /// Enqueues in a change of its own, committed.
    int64_t Enqueue(const QueuedMessage& m) {
        ChangeScope change(ws->changes(), "admin");
        REQUIRE(change.begin_status().ok());
        Result<int64_t> id = outbox().Enqueue(change, m);
        REQUIRE(id.ok());
        REQUIRE(change.Commit().ok());
        return *id;
    }
    OutboxMessage Get(int64_t id) {
        Result<OutboxMessage> m = outbox().Get(id);
        REQUIRE(m.ok());
        return *m;
    }
    void SetChannel(const std::string& channel, const nlohmann::json& patch) {
        Result<nlohmann::json> r = ws->delivery().channels().Set("admin", channel, patch);
        if (!r.ok()) CAPTURE(r.error().message);
        REQUIRE(r.ok());
    }
};

}  // namespace crm::test
