// Digests: the hourly or daily messages of one recipient's channel, due at the same time, go out as one
// message written from its parts; each part keeps its idempotency key.
#include "api/command_api.h"
#include "outbox_fixture.h"

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

constexpr int64_t kNextHour = kOutboxNow + 3'600'000;

QueuedMessage DigestEmail(const std::string& key, const std::string& subject,
                          const std::string& language = "en", const std::string& digest = "hourly") {
    QueuedMessage m = OutboxFixture::Email(key);
    m.subject = subject;
    m.text = subject + " (text)";
    m.not_before_ms = kNextHour;
    m.payload = {{"language", language}, {"digest", digest}};
    return m;
}

}  // namespace

TEST_SUITE("notify.digest") {
    TEST_CASE("three notifications for the same hour are one message with every part") {
        OutboxFixture f;
        const int64_t first = f.Enqueue(DigestEmail("d1", "Acme assigned"));
        CHECK(f.Get(first).subject == "Acme assigned");  // a digest of one is the message itself
        CHECK(f.Enqueue(DigestEmail("d2", "Globex <assigned>")) == first);
        CHECK(f.Enqueue(DigestEmail("d3", "Initech assigned")) == first);
        REQUIRE(f.outbox().List({}).size() == 1);
        const OutboxMessage m = f.Get(first);
        CHECK(m.subject == "Digest: 3 notifications");
        CHECK(m.type == "digest");
        CHECK(m.payload["digest_parts"] == 3);
        CHECK(m.not_before_ms == kNextHour);
        CHECK(m.text.find("* Acme assigned\nAcme assigned (text)") != std::string::npos);
        CHECK(m.text.find("* Initech assigned") != std::string::npos);
        CHECK(m.html.find("<h3>Globex &lt;assigned&gt;</h3>") != std::string::npos);
        // The same notification again (a retried fan-out) adds nothing.
        CHECK(f.Enqueue(DigestEmail("d2", "Globex <assigned>")) == first);
        CHECK(f.Get(first).payload["digest_parts"] == 3);
    }

    TEST_CASE("the recipient's language writes the digest's subject; SMS parts are lines") {
        OutboxFixture f;
        const int64_t zh = f.Enqueue(DigestEmail("z1", "甲", "zh-CN", "daily"));
        f.Enqueue(DigestEmail("z2", "乙", "zh-CN", "daily"));
        CHECK(f.Get(zh).subject == "摘要：2 条通知");
        QueuedMessage a = OutboxFixture::Sms("s1"), b = OutboxFixture::Sms("s2");
        a.not_before_ms = b.not_before_ms = kNextHour;
        a.payload = b.payload = {{"language", "en"}, {"digest", "hourly"}};
        b.text = "Second";
        const int64_t sms = f.Enqueue(a);
        CHECK(f.Enqueue(b) == sms);
        CHECK(f.Get(sms).text == "Your deal closes tomorrow\nSecond");
        CHECK(f.Get(sms).subject.empty());
    }

    TEST_CASE("only a waiting digest of the same recipient, channel and time is joined") {
        OutboxFixture f;
        const int64_t first = f.Enqueue(DigestEmail("a1", "One"));
        // Another time, another address, a message held only by quiet hours, an urgent one: their own.
        QueuedMessage later = DigestEmail("a2", "Two");
        later.not_before_ms = kNextHour + 3'600'000;
        CHECK(f.Enqueue(later) != first);
        QueuedMessage other = DigestEmail("a3", "Three");
        other.to = "ann@elsewhere.example";
        CHECK(f.Enqueue(other) != first);
        QueuedMessage quiet = DigestEmail("a4", "Four", "en", "immediately");
        CHECK(f.Enqueue(quiet) != first);
        QueuedMessage urgent = DigestEmail("a5", "Five");
        urgent.not_before_ms = kOutboxNow;
        CHECK(f.Enqueue(urgent) != first);
        CHECK(f.outbox().List({}).size() == 5);
        // Once its sending has begun, a digest takes no more parts.
        Result<std::vector<ClaimedMessage>> claimed = f.delivery().Claim(kNextHour);
        REQUIRE(claimed.ok());
        REQUIRE(!claimed->empty());
        CHECK(f.Enqueue(DigestEmail("a6", "Six")) != first);
        CHECK(f.Get(first).subject == "One");
    }

    TEST_CASE("a join in a change that rolls back leaves the digest as it was") {
        OutboxFixture f;
        const int64_t first = f.Enqueue(DigestEmail("r1", "One"));
        {
            ChangeScope change(f.ws->changes(), "admin");
            REQUIRE(change.begin_status().ok());
            REQUIRE(f.outbox().Enqueue(change, DigestEmail("r2", "Two")).ok());
        }
        CHECK(f.Get(first).subject == "One");
        CHECK(f.Enqueue(DigestEmail("r2", "Two")) == first);
        CHECK(f.Get(first).subject == "Digest: 2 notifications");
    }

    TEST_CASE("a user on an hourly email digest gets one email for two notifications") {
        OutboxFixture f;
        CommandApi api(*f.ws);
        const json setup[] = {
            {{"cmd", "users.create"},
             {"args",
              {{"username", "dana"},
               {"full_name", "Dana Digest"},
               {"email", "dana@example.com"},
               {"profile", "System Administrator"},
               {"language", "en"},
               {"time_zone", "Asia/Shanghai"}}}},
            {{"cmd", "notify.prefs.set"},
             {"args", {{"user", "dana"}, {"type", "report_ready"}, {"channel", "email"}, {"enabled", true}}}},
            {{"cmd", "notify.prefs.frequency"},
             {"args", {{"user", "dana"}, {"channel", "email"}, {"frequency", "hourly"}}}},
            {{"cmd", "notify.send"},
             {"args", {{"type", "report_ready"}, {"users", {"dana"}}, {"message", "first"}}}},
            {{"cmd", "notify.send"},
             {"args", {{"type", "report_ready"}, {"users", {"dana"}}, {"message", "second"}}}},
        };
        for (const json& request : setup) {
            const json r = api.Execute(request);
            CAPTURE(request.dump());
            CAPTURE(r.dump());
            REQUIRE(r["ok"] == true);
        }
        OutboxFilter filter;
        filter.recipient = "dana";
        filter.channel = "email";
        const std::vector<OutboxMessage> mails = f.outbox().List(filter);
        REQUIRE(mails.size() == 1);
        CHECK(mails[0].subject == "Digest: 2 notifications");
        CHECK(mails[0].not_before_ms > kOutboxNow);
        CHECK(mails[0].payload["digest"] == "hourly");
    }
}
