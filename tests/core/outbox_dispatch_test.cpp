// The way out: claims, outcomes, back-off with jitter on an injected clock, dead letters, retry by hand,
// lapsed claims, the browser's claim without SMTP.
#include <set>

#include "outbox_fixture.h"

using namespace crm;
using namespace crm::test;
using nlohmann::json;

TEST_SUITE("notify.dispatch") {
    TEST_CASE("a due message is claimed once, sent, and logged with its time, status and elapsed time") {
        OutboxFixture f;
        const int64_t id = f.Enqueue(OutboxFixture::Sms("k"));
        Result<std::vector<ClaimedMessage>> c = f.delivery().Claim(f.clock.NowMs());
        REQUIRE(c.ok());
        REQUIRE(c->size() == 1);
        CHECK(c->at(0).message.id == id);
        CHECK(c->at(0).message.idempotency_key == "k");
        CHECK(c->at(0).settings["max_tries"] == 5);
        CHECK(f.Get(id).state == "sending");
        CHECK(f.delivery().Claim(f.clock.NowMs())->empty());  // claimed: not handed out twice
        SendOutcome ok;
        ok.sent = true;
        ok.status = 200;
        ok.elapsed_ms = 12;
        REQUIRE(f.delivery().Complete(id, ok, f.clock.NowMs() + 5).ok());
        CHECK(f.Get(id).state == "sent");
        CHECK(f.Get(id).sent_ms == f.clock.NowMs() + 5);
        std::vector<DeliveryAttempt> log = f.outbox().Log(id);
        REQUIRE(log.size() == 1);
        CHECK(log[0].result == "sent");
        CHECK(log[0].status == 200);
        CHECK(log[0].elapsed_ms == 12);
        // A second completion of the same claim is refused.
        CHECK(f.delivery().Complete(id, ok, f.clock.NowMs()).error().code == "notify.not_claimed");
    }

    TEST_CASE("back-off doubles per try up to the cap, with jitter between half and all of it") {
        OutboxFixture f;
        const json s = {{"backoff_ms", 1000}, {"max_backoff_ms", 60000}};
        for (int64_t id = 1; id <= 50; ++id) {
            for (int attempt = 1; attempt <= 10; ++attempt) {
                int64_t full = 1000;
                for (int i = 1; i < attempt; ++i) full = std::min<int64_t>(full * 2, 60000);
                const int64_t d = f.delivery().BackoffMs(id, attempt, s);
                CHECK(d >= full / 2);
                CHECK(d <= full);
                CHECK(d == f.delivery().BackoffMs(id, attempt, s));  // deterministic for a seed
            }
        }
        // The jitter spreads messages: not every id waits the same.
        std::set<int64_t> waits;
        for (int64_t id = 1; id <= 20; ++id) waits.insert(f.delivery().BackoffMs(id, 3, s));
        CHECK(waits.size() > 5);
    }

    TEST_CASE("a failed try waits for its back-off, then is tried again; max tries make it dead") {
        OutboxFixture f;
        f.SetChannel("sms",
                     {{"url", "https://sms.example.com/send"}, {"max_tries", 3}, {"backoff_ms", 1000}});
        const int64_t id = f.Enqueue(OutboxFixture::Sms("k"));
        f.http.script = {Refused(500, "HTTP 500"), Refused(503, "HTTP 503"), Refused(500, "HTTP 500")};
        DeliverySummary s = f.delivery().DeliverDue(f.Transports(), f.clock.NowMs(), 10);
        CHECK(s.failed == 1);
        OutboxMessage m = f.Get(id);
        CHECK(m.state == "failed");
        CHECK(m.last_status == 500);
        CHECK(m.next_try_ms >= f.clock.NowMs() + 500);
        CHECK(m.next_try_ms <= f.clock.NowMs() + 1000);
        // Not due yet: nothing is sent.
        CHECK(f.delivery().DeliverDue(f.Transports(), m.next_try_ms - 1, 10).claimed == 0);
        f.clock.Set(m.next_try_ms);
        CHECK(f.delivery().DeliverDue(f.Transports(), f.clock.NowMs(), 10).failed == 1);
        m = f.Get(id);
        CHECK(m.next_try_ms - f.clock.NowMs() >=
              1000);  // the second wait is 2 s, jittered down to 1 s at least
        CHECK(m.next_try_ms - f.clock.NowMs() <= 2000);
        f.clock.Set(m.next_try_ms);
        CHECK(f.delivery().DeliverDue(f.Transports(), f.clock.NowMs(), 10).dead == 1);
        m = f.Get(id);
        CHECK(m.state == "dead");
        CHECK(m.attempts == 3);
        CHECK(f.http.sent.size() == 3);
        std::vector<DeliveryAttempt> log = f.outbox().Log(id);
        REQUIRE(log.size() == 3);
        CHECK(log[0].result == "failed");
        CHECK(log[2].result == "dead");
        CHECK(log[2].reason == "HTTP 500");
        // Dead letters stay dead.
        f.clock.Advance(86400000);
        CHECK(f.delivery().DeliverDue(f.Transports(), f.clock.NowMs(), 10).claimed == 0);
    }

    TEST_CASE("an outcome retrying cannot help is dead at once") {
        OutboxFixture f;
        const int64_t id = f.Enqueue(OutboxFixture::Email("k"));
        f.smtp.script = {Refused(550, "550 no such user", false)};
        CHECK(f.delivery().DeliverDue(f.Transports(), f.clock.NowMs(), 10).dead == 1);
        CHECK(f.Get(id).state == "dead");
        CHECK(f.Get(id).last_reason == "550 no such user");
    }

    TEST_CASE("a dead letter is retried by hand, by whoever manages notifications, and sent once") {
        OutboxFixture f;
        const int64_t id = f.Enqueue(OutboxFixture::Email("k"));
        f.smtp.script = {Refused(535, "535 authentication failed", false)};
        f.delivery().DeliverDue(f.Transports(), f.clock.NowMs(), 10);
        REQUIRE(f.Get(id).state == "dead");
        REQUIRE(f.ws->access().CreatePermissionSet("admin", PermissionSetKind::Profile, "Nothing", "").ok());
        User rep;
        rep.username = "rep";
        rep.full_name = "Rep";
        rep.email = "rep@example.com";
        rep.profile = "Nothing";
        REQUIRE(f.ws->access().CreateUser("admin", rep).ok());
        CHECK(f.delivery().Retry("rep", id).error().code == "access.denied");
        REQUIRE(f.delivery().Retry("admin", id).ok());
        CHECK(f.Get(id).state == "queued");
        CHECK(f.Get(id).attempts == 0);
        CHECK(f.delivery().DeliverDue(f.Transports(), f.clock.NowMs(), 10).sent == 1);
        CHECK(f.smtp.sent.size() == 2);
        std::vector<DeliveryAttempt> log = f.outbox().Log(id);
        REQUIRE(log.size() == 3);
        CHECK(log[1].result == "retry");
        CHECK(log[2].result == "sent");
        // A sent message is not retried.
        CHECK(f.delivery().Retry("admin", id).error().code == "notify.not_retryable");
    }

    TEST_CASE("a claim that is never completed lapses after the lease and the message is due again") {
        OutboxFixture f;
        f.delivery().SetLeaseMs(60000);
        const int64_t id = f.Enqueue(OutboxFixture::Sms("k"));
        REQUIRE(f.delivery().Claim(f.clock.NowMs())->size() == 1);  // the tab that claimed it closes
        CHECK(f.delivery().Claim(f.clock.NowMs() + 59999)->empty());
        f.clock.Advance(60000);
        Result<std::vector<ClaimedMessage>> again = f.delivery().Claim(f.clock.NowMs());
        REQUIRE(again->size() == 1);
        CHECK(again->at(0).message.id == id);
        CHECK(again->at(0).message.idempotency_key == "k");  // the peer may drop a repeat
        CHECK(f.Get(id).attempts == 1);
        REQUIRE(f.outbox().Log(id).size() == 1);
        CHECK(f.outbox().Log(id)[0].reason.find("lapsed") != std::string::npos);
        SendOutcome ok;
        ok.sent = true;
        REQUIRE(f.delivery().Complete(id, ok, f.clock.NowMs()).ok());
        CHECK(f.Get(id).state == "sent");
    }

    TEST_CASE("quiet hours: a message is not claimed before its not-before time; urgent ones go first") {
        OutboxFixture f;
        QueuedMessage later = OutboxFixture::Sms("later");
        later.not_before_ms = f.clock.NowMs() + 3600000;
        const int64_t held = f.Enqueue(later);
        const int64_t normal = f.Enqueue(OutboxFixture::Sms("normal"));
        QueuedMessage u = OutboxFixture::Sms("urgent");
        u.priority = "urgent";
        const int64_t urgent = f.Enqueue(u);
        Result<std::vector<ClaimedMessage>> c = f.delivery().Claim(f.clock.NowMs());
        REQUIRE(c->size() == 2);
        CHECK(c->at(0).message.id == urgent);
        CHECK(c->at(1).message.id == normal);
        CHECK(f.Get(held).state == "queued");
        SendOutcome ok;
        ok.sent = true;
        REQUIRE(f.delivery().Complete(urgent, ok, f.clock.NowMs()).ok());
        REQUIRE(f.delivery().Complete(normal, ok, f.clock.NowMs()).ok());
        CHECK(f.delivery().Claim(f.clock.NowMs() + 3599999)->empty());
        Result<std::vector<ClaimedMessage>> later_claim = f.delivery().Claim(f.clock.NowMs() + 3600000);
        REQUIRE(later_claim->size() == 1);
        CHECK(later_claim->at(0).message.id == held);
    }

    TEST_CASE("the browser does not claim email over SMTP and says why; with the mail relay it does") {
        OutboxFixture f;
        const int64_t mail = f.Enqueue(OutboxFixture::Email("m"));
        f.Enqueue(OutboxFixture::Sms("s"));
        ClaimOptions browser;
        browser.browser = true;
        Result<std::vector<ClaimedMessage>> c = f.delivery().Claim(f.clock.NowMs(), browser);
        REQUIRE(c->size() == 1);
        CHECK(c->at(0).message.channel == "sms");
        CHECK(f.Get(mail).state == "queued");
        CHECK(f.Get(mail).last_reason == kNeedsMailRelay);
        f.SetChannel(
            "email",
            {{"mode", "relay"}, {"relay_url", "https://relay.example.com/send"}, {"relay_key", "k3y"}});
        c = f.delivery().Claim(f.clock.NowMs(), browser);
        REQUIRE(c->size() == 1);
        CHECK(c->at(0).message.id == mail);
        Result<HttpRequest> req = BuildHttpRequest(c->at(0).settings, c->at(0).message);
        REQUIRE(req.ok());
        CHECK(req->url == "https://relay.example.com/send");
        CHECK(json::parse(req->body)["subject"] == "Assigned to you");
        bool bearer = false;
        for (const auto& h : req->headers)
            bearer = bearer || (h.first == "Authorization" && h.second == "Bearer k3y");
        CHECK(bearer);
    }

    TEST_CASE(
        "the SMS body template is filled with escaped values; webhooks are signed when a secret is set") {
        OutboxFixture f;
        OutgoingMessage m;
        m.channel = "sms";
        m.to = "+8613800138000";
        m.text = "He said \"hi\"";
        m.idempotency_key = "k";
        json s = DefaultChannelSettings("sms");
        CHECK(BuildHttpRequest(s, m).error().code == "notify.not_set_up");
        s["url"] = "http://127.0.0.1:9/sms";
        Result<HttpRequest> r = BuildHttpRequest(s, m);
        REQUIRE(r.ok());
        CHECK(json::parse(r->body) == json{{"to", "+8613800138000"}, {"text", "He said \"hi\""}});
        s["content_type"] = "application/x-www-form-urlencoded";
        s["body_template"] = "To={{to}}&Body={{text}}";
        CHECK(BuildHttpRequest(s, m)->body == "To=%2B8613800138000&Body=He%20said%20%22hi%22");
        // RFC 4231 test case 2.
        CHECK(HmacSha256Hex("Jefe", "what do ya want for nothing?") ==
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        OutgoingMessage w;
        w.channel = "webhook";
        w.to = "https://hooks.example.com/x";
        w.payload = {{"a", 1}};
        w.idempotency_key = "evt-1";
        json ws = DefaultChannelSettings("webhook");
        ws["secret"] = "Jefe";
        Result<HttpRequest> wr = BuildHttpRequest(ws, w);
        REQUIRE(wr.ok());
        std::string signature;
        for (const auto& h : wr->headers)
            if (h.first == "X-CRM-Signature") signature = h.second;
        CHECK(signature == "sha256=" + HmacSha256Hex("Jefe", wr->body));
    }
}
