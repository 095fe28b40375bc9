// The libcurl transports against real peers on 127.0.0.1: an SMTP server (aiosmtpd) that can refuse, then
// accept, and require a password; an HTTP server that can answer 500 or hang. Through the outbox: retries,
// back-off, time-outs, dead letters, and exactly one message where a refusal was followed by an acceptance.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "audit/change.h"
#include "net/curl_transports.h"
#include "notify/dispatch.h"
#include "peer.h"
#include "workspace.h"

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1795712400000;  // 2026-11-26T17:00:00Z

struct Fixture {
    FixedClock clock{kNow};
    std::unique_ptr<Workspace> ws;
    net::CurlTransports transports;
    Fixture() {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        ws->delivery().SetJitterSeed(7);
    }
    MessageDelivery& delivery() { return ws->delivery(); }
    void Set(const std::string& channel, const json& patch) {
        Result<json> r = delivery().channels().Set("admin", channel, patch);
        if (!r.ok()) CAPTURE(r.error().message);
        REQUIRE(r.ok());
    }
    int64_t Enqueue(const QueuedMessage& m) {
        ChangeScope change(ws->changes(), "admin");
        Result<int64_t> id = delivery().outbox().Enqueue(change, m);
        REQUIRE(id.ok());
        REQUIRE(change.Commit().ok());
        return *id;
    }
    DeliverySummary Deliver(int64_t at) { return delivery().DeliverDue(transports.Map(), at, 10); }
    OutboxMessage Get(int64_t id) { return *delivery().outbox().Get(id); }
};

QueuedMessage Email(const std::string& key) {
    QueuedMessage m;
    m.channel = "email";
    m.to = "ann@example.com";
    m.subject = "商机已分配给您: Acme";
    m.text = "Acme (CNY 120,000.00) is yours.\nClose date: 2026-12-01";
    m.idempotency_key = key;
    return m;
}

QueuedMessage Sms(const std::string& key) {
    QueuedMessage m;
    m.channel = "sms";
    m.to = "+8613800138000";
    m.text = "Acme closes tomorrow";
    m.idempotency_key = key;
    return m;
}

/// A self-signed certificate for 127.0.0.1 made with the openssl CLI (Debian's openssl), in the working
/// directory: `<name>.pem` and `<name>_key.pem`. Answers the certificate's absolute path ("" on failure).
std::string MakeCertificate(const std::string& name) {
    const std::string cert = name + ".pem", key = name + "_key.pem";
    std::remove(cert.c_str());
    std::remove(key.c_str());
    const std::string command =
        "timeout 30 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
        key + " -out " + cert + " >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) return "";
    return std::filesystem::absolute(cert).string();
}

/// Milliseconds `f` took.
template <class F>
int64_t ElapsedMs(F&& f) {
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
        .count();
}

}  // namespace

TEST_SUITE("net.smtp") {
    TEST_CASE("an email arrives at a real SMTP server with its recipient, subject and body") {
        const std::string log = LogPath("smtp_plain");
        Peer peer("smtp_peer.py", {log});
        REQUIRE(peer.port() > 0);
        Fixture f;
        f.Set("email", {{"host", "127.0.0.1"},
                        {"port", peer.port()},
                        {"security", "none"},
                        {"from", "crm@example.com"}});
        const int64_t id = f.Enqueue(Email("mail-1"));
        CHECK(f.Deliver(kNow).sent == 1);
        CHECK(f.Get(id).state == "sent");
        CHECK(f.Get(id).last_status == 250);
        std::vector<json> got = ReadLog(log);
        REQUIRE(got.size() == 1);
        CHECK(got[0]["mail_from"] == "crm@example.com");
        CHECK(got[0]["rcpt_tos"] == json::array({"ann@example.com"}));
        const std::string data = got[0]["data"];
        CHECK(data.find("Subject: =?UTF-8?B?") != std::string::npos);  // the Chinese subject, encoded
        CHECK(data.find("Close date: 2026-12-01") != std::string::npos);
        CHECK(data.find("Message-ID: <mail-1@example.com>") != std::string::npos);
    }

    TEST_CASE("the server refusing, then accepting, gives one retry and exactly one message") {
        const std::string log = LogPath("smtp_refuse");
        Peer peer("smtp_peer.py", {log, "--refuse-first", "1"});
        REQUIRE(peer.port() > 0);
        Fixture f;
        f.Set("email", {{"host", "127.0.0.1"},
                        {"port", peer.port()},
                        {"security", "none"},
                        {"from", "crm@example.com"},
                        {"backoff_ms", 1000}});
        const int64_t id = f.Enqueue(Email("mail-2"));
        CHECK(f.Deliver(kNow).failed == 1);
        OutboxMessage m = f.Get(id);
        CHECK(m.last_status == 451);
        CHECK(m.last_reason.find("451") != std::string::npos);
        CHECK(ReadLog(log).empty());
        CHECK(f.Deliver(m.next_try_ms - 1).claimed == 0);  // waits for its back-off
        CHECK(f.Deliver(m.next_try_ms).sent == 1);
        CHECK(f.Deliver(m.next_try_ms + 86400000).claimed == 0);  // never again
        CHECK(ReadLog(log).size() == 1);
        std::vector<DeliveryAttempt> tries = f.delivery().outbox().Log(id);
        REQUIRE(tries.size() == 2);
        CHECK(tries[0].result == "failed");
        CHECK(tries[1].result == "sent");
    }

    TEST_CASE(
        "authentication: a refused login is a failed try that says why, nothing arrives; the right password "
        "sends once") {
        const std::string log = LogPath("smtp_auth");
        Peer peer("smtp_peer.py", {log, "--user", "crm", "--password", "s3cret"});
        REQUIRE(peer.port() > 0);
        Fixture f;
        f.Set("email", {{"host", "127.0.0.1"},
                        {"port", peer.port()},
                        {"security", "none"},
                        {"from", "crm@example.com"},
                        {"user", "crm"},
                        {"password", "wrong"}});
        const int64_t id = f.Enqueue(Email("mail-3"));
        CHECK(f.Deliver(kNow).claimed == 1);
        OutboxMessage refused = f.Get(id);
        CHECK((refused.state == "failed" || refused.state == "dead"));
        CHECK_FALSE(refused.last_reason.empty());
        CHECK(ReadLog(log).empty());
        f.Set("email", {{"password", "s3cret"}});
        REQUIRE(f.delivery().Retry("admin", id).ok());
        CHECK(f.Deliver(kNow).sent == 1);
        CHECK(ReadLog(log).size() == 1);
        // The password is never answered.
        CHECK(f.delivery().channels().Get("admin", "email")->dump().find("s3cret") == std::string::npos);
    }

    TEST_CASE("a server that is down: the try fails with the reason and the message waits") {
        int port = 0;
        {
            Peer gone("http_peer.py", {"-"});
            port = gone.port();
        }  // stopped: nothing listens there now
        REQUIRE(port > 0);
        Fixture f;
        f.Set("email", {{"host", "127.0.0.1"},
                        {"port", port},
                        {"security", "none"},
                        {"from", "crm@example.com"},
                        {"timeout_ms", 2000}});
        const int64_t id = f.Enqueue(Email("mail-4"));
        CHECK(f.Deliver(kNow).failed == 1);
        CHECK(f.Get(id).state == "failed");
        CHECK_FALSE(f.Get(id).last_reason.empty());
    }
}

TEST_SUITE("net.smtp") {
    TEST_CASE(
        "STARTTLS to a real TLS peer: refused with the reason, at once, while its certificate is not "
        "trusted; "
        "delivered once when the CA file is its own") {
        const std::string cert = MakeCertificate("net_test_tls_server");
        const std::string other = MakeCertificate("net_test_tls_other");
        REQUIRE_FALSE(cert.empty());
        REQUIRE_FALSE(other.empty());
        const std::string log = LogPath("smtp_starttls");
        Peer peer("smtp_peer.py", {log, "--tls-cert", cert, "--tls-key", "net_test_tls_server_key.pem"});
        REQUIRE(peer.port() > 0);
        Fixture f;
        f.Set("email", {{"host", "127.0.0.1"},
                        {"port", peer.port()},
                        {"security", "starttls"},
                        {"ca_file", other},  // another certificate: the server's does not chain to it
                        {"from", "crm@example.com"},
                        {"timeout_ms", 5000},
                        {"backoff_ms", 1000}});
        const int64_t id = f.Enqueue(Email("mail-tls"));
        DeliverySummary wrong;
        CHECK(ElapsedMs([&] { wrong = f.Deliver(kNow); }) < 5000);  // a clear refusal, not a time-out
        CHECK(wrong.failed == 1);
        OutboxMessage m = f.Get(id);
        CHECK(m.state == "failed");
        CAPTURE(m.last_reason);
        CHECK(m.last_reason.find("certificate") != std::string::npos);
        // The system's trusted certificates do not include a self-signed one either.
        f.Set("email", {{"ca_file", ""}});
        CHECK(f.Deliver(m.next_try_ms).failed == 1);
        m = f.Get(id);
        CAPTURE(m.last_reason);
        CHECK(m.last_reason.find("certificate") != std::string::npos);
        CHECK(ReadLog(log).empty());
        // Its own certificate as the CA file: sent, once, the whole message.
        f.Set("email", {{"ca_file", cert}});
        CHECK(f.Deliver(m.next_try_ms).sent == 1);
        CHECK(f.Get(id).state == "sent");
        CHECK(f.Deliver(m.next_try_ms + 86400000).claimed == 0);
        std::vector<json> got = ReadLog(log);
        REQUIRE(got.size() == 1);
        CHECK(got[0]["rcpt_tos"] == json::array({"ann@example.com"}));
        CHECK(got[0]["data"].get<std::string>().find("Close date: 2026-12-01") != std::string::npos);
        CHECK(f.delivery().outbox().Log(id).size() == 3);
    }

    TEST_CASE("STARTTLS required and a server that does not offer it: refused before any mail goes") {
        const std::string cert = MakeCertificate("net_test_tls_plain");
        REQUIRE_FALSE(cert.empty());
        const std::string log = LogPath("smtp_no_starttls");
        Peer peer("smtp_peer.py", {log});  // plain SMTP, no STARTTLS offered
        REQUIRE(peer.port() > 0);
        Fixture f;
        f.Set("email", {{"host", "127.0.0.1"},
                        {"port", peer.port()},
                        {"security", "starttls"},
                        {"ca_file", cert},
                        {"from", "crm@example.com"},
                        {"timeout_ms", 5000}});
        const int64_t id = f.Enqueue(Email("mail-no-tls"));
        DeliverySummary d;
        CHECK(ElapsedMs([&] { d = f.Deliver(kNow); }) < 5000);
        CHECK(d.failed == 1);
        CAPTURE(f.Get(id).last_reason);
        CHECK((f.Get(id).last_reason.find("SSL") != std::string::npos ||
               f.Get(id).last_reason.find("STARTTLS") != std::string::npos));
        CHECK(ReadLog(log).empty());
    }
}

TEST_SUITE("net.http") {
    TEST_CASE("the SMS gateway answering 500 twice is retried with back-off and the SMS goes once") {
        const std::string log = LogPath("sms_500");
        Peer peer("http_peer.py", {log, "--script", "500,500"});
        REQUIRE(peer.port() > 0);
        Fixture f;
        f.Set("sms", {{"url", "http://127.0.0.1:" + std::to_string(peer.port()) + "/sms"},
                      {"auth_header", "Bearer gw-key"},
                      {"backoff_ms", 1000},
                      {"max_tries", 5}});
        const int64_t id = f.Enqueue(Sms("sms-1"));
        int64_t at = kNow;
        CHECK(f.Deliver(at).failed == 1);
        at = f.Get(id).next_try_ms;
        CHECK(at - kNow >= 500);
        CHECK(at - kNow <= 1000);
        CHECK(f.Deliver(at).failed == 1);
        const int64_t second_wait = f.Get(id).next_try_ms - at;
        CHECK(second_wait >= 1000);
        CHECK(second_wait <= 2000);
        CHECK(f.Deliver(f.Get(id).next_try_ms).sent == 1);
        std::vector<json> got = ReadLog(log);
        REQUIRE(got.size() == 3);
        CHECK(got[2]["path"] == "/sms");
        CHECK(got[2]["headers"]["Authorization"] == "Bearer gw-key");
        CHECK(got[2]["headers"]["Idempotency-Key"] == "sms-1");
        CHECK(json::parse(got[2]["body"].get<std::string>()) ==
              json{{"to", "+8613800138000"}, {"text", "Acme closes tomorrow"}});
        CHECK(f.delivery().outbox().Log(id).size() == 3);
    }

    TEST_CASE("a peer that hangs times out, and after the channel's tries the message is a dead letter") {
        const std::string log = LogPath("hang");
        Peer peer("http_peer.py", {log, "--script", "hang,hang"});
        REQUIRE(peer.port() > 0);
        Fixture f;
        f.Set("webhook", {{"timeout_ms", 300}, {"max_tries", 2}, {"backoff_ms", 0}});
        QueuedMessage m;
        m.channel = "webhook";
        m.to = "http://127.0.0.1:" + std::to_string(peer.port()) + "/hook";
        m.payload = {{"event", "deal.won"}};
        m.idempotency_key = "evt-1";
        const int64_t id = f.Enqueue(m);
        const auto start = std::chrono::steady_clock::now();
        CHECK(f.Deliver(kNow).failed == 1);
        CHECK(f.Get(id).last_reason.find("timed out") != std::string::npos);
        CHECK(f.Deliver(kNow).dead == 1);
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
        CHECK(f.Get(id).state == "dead");
        CHECK(f.delivery().outbox().Log(id).size() == 2);
        CHECK(ReadLog(log).size() == 2);
    }

    TEST_CASE("a signed webhook arrives with its method, event id and an HMAC-SHA256 signature of its body") {
        const std::string log = LogPath("signed");
        Peer peer("http_peer.py", {log});
        REQUIRE(peer.port() > 0);
        Fixture f;
        f.Set("webhook", {{"secret", "whsec"}});
        QueuedMessage m;
        m.channel = "webhook";
        m.to = "http://127.0.0.1:" + std::to_string(peer.port()) + "/in";
        m.payload = {{"event", "record.created"}, {"id", 7}};
        m.idempotency_key = "evt-7";
        const int64_t id = f.Enqueue(m);
        CHECK(f.Deliver(kNow).sent == 1);
        CHECK(f.Get(id).last_status == 200);
        std::vector<json> got = ReadLog(log);
        REQUIRE(got.size() == 1);
        CHECK(got[0]["method"] == "POST");
        CHECK(got[0]["headers"]["X-CRM-Event-Id"] == "evt-7");
        CHECK(got[0]["headers"]["X-CRM-Signature"] ==
              "sha256=" + HmacSha256Hex("whsec", got[0]["body"].get<std::string>()));
        // A 4xx other than 408/429 cannot be helped by retrying: dead at once.
    }

    TEST_CASE("a 404 from the peer is a dead letter at once; 429 is retried") {
        const std::string log = LogPath("codes");
        Peer peer("http_peer.py", {log, "--script", "404,429"});
        REQUIRE(peer.port() > 0);
        Fixture f;
        QueuedMessage m;
        m.channel = "webhook";
        m.to = "http://127.0.0.1:" + std::to_string(peer.port()) + "/x";
        m.payload = json::object();
        m.idempotency_key = "a";
        const int64_t a = f.Enqueue(m);
        CHECK(f.Deliver(kNow).dead == 1);
        CHECK(f.Get(a).last_status == 404);
        m.idempotency_key = "b";
        const int64_t b = f.Enqueue(m);
        CHECK(f.Deliver(kNow).failed == 1);
        CHECK(f.Get(b).last_status == 429);
    }
}
