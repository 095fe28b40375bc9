// The fan-out: recipients through users and roles (with the roles below), each in their language, an
// inbox entry each, email and SMS handed to the sink with unique idempotency keys and not_before_ms from
// quiet hours; users without an email or with a phone number that is not E.164 skipped with a reason,
// the others still served; fields a recipient cannot read never rendered.
#include <doctest/doctest.h>

#include <set>

#include "notify_fixture.h"
#include "workflow/automation.h"
#include "workflow/notifications.h"

using namespace crm;
using crm::test::NotifyFixture;
using nlohmann::json;

namespace {

int64_t At(const char* iso) {
    std::optional<int64_t> ms = ParseUtcIso8601(iso);
    REQUIRE(ms);
    return *ms;
}

void DealTemplates(NotifyFixture& f) {
    NotificationTemplate en;
    en.type = "case_escalated";
    en.type = "close_date_approaching";
    en.language = "en";
    en.subject = "{{Opportunity.Name}} closes {{Opportunity.CloseDate}}";
    en.text = "Hello {{Recipient.FullName}}, amount [{{Opportunity.Amount}}] [{{=Amount * 2}}]";
    en.html = "<p>{{Opportunity.Amount}}</p>";
    en.short_text = "{{Opportunity.Name}} [{{Opportunity.Amount}}]";
    REQUIRE(f.notify().SaveTemplate("admin", en).ok());
    NotificationTemplate zh = en;
    zh.language = "zh-CN";
    zh.subject = "{{Opportunity.Name}} 将于 {{Opportunity.CloseDate}} 结束";
    zh.text = "{{Recipient.FullName}} 您好，金额 [{{Opportunity.Amount}}]";
    REQUIRE(f.notify().SaveTemplate("admin", zh).ok());
}

const QueuedMessage* Find(const std::vector<QueuedMessage>& q, const std::string& user,
                          const std::string& channel) {
    for (const QueuedMessage& m : q)
        if (m.recipient == user && m.channel == channel) return &m;
    return nullptr;
}

}  // namespace

TEST_SUITE("notify.fanout") {
    TEST_CASE("a role reaches its users and those below it, each in their own language") {
        NotifyFixture f;
        DealTemplates(f);
        NotifyEvent e;
        e.type = "close_date_approaching";
        e.roles = {"Sales Manager"};
        e.object = "Opportunity";
        e.record_id = 1;
        Result<FanoutReport> r = f.notify().Notify("admin", e);
        REQUIRE(r.ok());
        CHECK(r->recipients == 2);  // mia and rex, not sam (Support)
        CHECK(r->in_app == 2);
        const QueuedMessage* mia = Find(f.queued, "mia", "email");
        const QueuedMessage* rex = Find(f.queued, "rex", "email");
        REQUIRE(mia);
        REQUIRE(rex);
        CHECK(mia->subject == "Big Deal 将于 2026年12月15日 结束");
        CHECK(mia->text == "Mia Manager 您好，金额 [¥1,234,567.50]");
        CHECK(rex->subject == "Big Deal closes 2026年12月15日");
        CHECK(mia->to == "mia@example.com");
        CHECK(Find(f.queued, "sam", "email") == nullptr);
        // The inbox holds the rendered title, the type and the priority.
        std::vector<Notification> inbox = f.ws->automation().notifications().Inbox("mia");
        REQUIRE(inbox.size() == 1);
        CHECK(inbox[0].title == mia->subject);
        CHECK(inbox[0].type == "close_date_approaching");
        CHECK(inbox[0].popup);
    }

    TEST_CASE("a field the recipient cannot read is never rendered, in any channel") {
        NotifyFixture f;
        DealTemplates(f);
        REQUIRE(f.notify().SetOrgPreference("admin", {"close_date_approaching", "sms", true, false}).ok());
        REQUIRE(f.Run("users.update", {{"username", "rex"}, {"phone", "+12125550100"}})["ok"] == true);
        NotifyEvent e;
        e.type = "close_date_approaching";
        e.users = {"rex", "mia"};
        e.object = "Opportunity";
        e.record_id = 1;
        REQUIRE(f.notify().Notify("admin", e).ok());
        for (const QueuedMessage& m : f.queued) {
            if (m.recipient != "rex") continue;
            CAPTURE(m.channel);
            CHECK(m.text.find("1,234,567") == std::string::npos);
            CHECK(m.text.find("2469135") == std::string::npos);
            CHECK(m.html.find("1,234,567") == std::string::npos);
            CHECK(m.subject.find("1,234,567") == std::string::npos);
        }
        const QueuedMessage* rex = Find(f.queued, "rex", "email");
        REQUIRE(rex);
        CHECK(rex->text == "Hello Rex Rep, amount [] []");
        const QueuedMessage* sms = Find(f.queued, "rex", "sms");
        REQUIRE(sms);
        CHECK(sms->text == "Big Deal []");
        CHECK(sms->to == "+12125550100");
        std::vector<Notification> inbox = f.ws->automation().notifications().Inbox("rex");
        REQUIRE(inbox.size() == 1);
        CHECK(inbox[0].body.find("1,234,567") == std::string::npos);
        // mia (an administrator) reads it all.
        CHECK(Find(f.queued, "mia", "sms")->text == "Big Deal [¥1,234,567.50]");
    }

    TEST_CASE("no email or a phone that is not E.164: skipped with a logged reason, the others served") {
        NotifyFixture f;
        // case_escalated is urgent: SMS is on by default.
        REQUIRE(f.Run("users.update", {{"username", "sam"}, {"email", ""}})["ok"].is_boolean());
        f.ws->db().Exec("UPDATE access_user SET email = '' WHERE username = 'sam'");
        NotifyEvent e;
        e.type = "case_escalated";
        e.users = {"rex", "sam", "mia"};
        e.message = "Case 7 escalated";
        Result<FanoutReport> r = f.notify().Notify("admin", e);
        REQUIRE(r.ok());
        CHECK(r->recipients == 3);
        std::set<std::string> skips;
        for (const FanoutSkip& s : r->skipped) skips.insert(s.username + "/" + s.channel);
        CHECK(skips == std::set<std::string>{"rex/sms", "sam/email", "sam/sms"});
        for (const FanoutSkip& s : r->skipped)
            if (s.username == "rex") CHECK(s.reason.find("E.164") != std::string::npos);
        // The others still get theirs: rex's email, mia's email and SMS, everyone's inbox.
        CHECK(Find(f.queued, "rex", "email"));
        CHECK(Find(f.queued, "mia", "email"));
        CHECK(Find(f.queued, "mia", "sms"));
        CHECK(r->in_app == 3);
        // Logged.
        json log = f.notify().SkipLog();
        CHECK(log.size() == 3);
        json cmd = f.Run("notify.skips", json::object());
        REQUIRE(cmd["ok"] == true);
        CHECK(cmd["result"]["skipped"].size() == 3);
        // Every message has its own idempotency key, and a second event gets new ones.
        REQUIRE(f.notify().Notify("admin", e).ok());
        std::set<std::string> keys;
        for (const QueuedMessage& m : f.queued) keys.insert(m.idempotency_key);
        CHECK(keys.size() == f.queued.size());
        CHECK(f.queued.size() == 6);
    }

    TEST_CASE("quiet hours hold normal messages and the pop-up; urgent goes through") {
        NotifyFixture f(At("2026-11-27T04:00:00Z"));  // 23:00 in New York, 12:00 in Shanghai
        REQUIRE(f.notify().SetQuietHours("rex", "rex", {22 * 60, 7 * 60}).ok());
        REQUIRE(f.notify().SetQuietHours("mia", "mia", {22 * 60, 7 * 60}).ok());
        NotifyEvent e;
        e.type = "report_ready";
        e.users = {"rex", "mia"};
        Result<FanoutReport> r = f.notify().Notify("admin", e);
        REQUIRE(r.ok());
        CHECK(Find(f.queued, "rex", "email")->not_before_ms == At("2026-11-27T12:00:00Z"));
        CHECK(Find(f.queued, "mia", "email")->not_before_ms == 0 + f.clock.NowMs());
        CHECK(r->popup == 1);  // mia's; rex's waits in the inbox
        f.queued.clear();
        e.priority = "urgent";
        REQUIRE(f.notify().Notify("admin", e).ok());
        CHECK(Find(f.queued, "rex", "email")->not_before_ms == f.clock.NowMs());
        CHECK(Find(f.queued, "rex", "email")->priority == "urgent");
    }

    TEST_CASE("a user's choices and the locks decide the channels") {
        NotifyFixture f;
        REQUIRE(f.notify().SetUserPreference("rex", "rex", "report_ready", "email", false).ok());
        NotifyEvent e;
        e.type = "report_ready";
        e.users = {"rex"};
        REQUIRE(f.notify().Notify("admin", e).ok());
        CHECK(Find(f.queued, "rex", "email") == nullptr);
        REQUIRE(f.notify().SetOrgPreference("admin", {"report_ready", "email", true, true}).ok());
        REQUIRE(f.notify().Notify("admin", e).ok());
        CHECK(Find(f.queued, "rex", "email") != nullptr);
        // Unknown users, roles and types are refused, nothing written.
        e.users = {"nobody"};
        CHECK_FALSE(f.notify().Notify("admin", e).ok());
        e.users = {};
        e.roles = {"Nope"};
        CHECK_FALSE(f.notify().Notify("admin", e).ok());
        e.type = "nope";
        CHECK_FALSE(f.notify().Notify("admin", e).ok());
    }
}
