// Per-rule channels: a reminder rule (and notify.send) names the channels it sends on; each recipient's
// preferences still apply on top; an unknown channel or none at all is refused, naming the part.
#include <doctest/doctest.h>

#include "notify/reminder.h"
#include "notify_fixture.h"
#include "workflow/automation.h"
#include "workflow/notifications.h"
#include "workflow/scheduler.h"

using namespace crm;
using crm::test::NotifyFixture;
using nlohmann::json;

namespace {

int Count(const std::vector<QueuedMessage>& queued, const std::string& user, const std::string& channel) {
    int n = 0;
    for (const QueuedMessage& m : queued) n += m.recipient == user && m.channel == channel ? 1 : 0;
    return n;
}

/// A day before Big Deal's close date, to mia alone, on `channels`.
json RuleArgs(const json& channels) {
    json a = {{"name", "Close date (mia)"},
              {"object", "Opportunity"},
              {"date_field", "CloseDate"},
              {"offset", 1},
              {"unit", "days"},
              {"at", "09:00"},
              {"notify_owner", false},
              {"users", {"mia"}}};
    if (!channels.is_null()) a["channels"] = channels;
    return a;
}

/// Runs every pending reminder item of the workspace at its due time.
void RunReminders(NotifyFixture& f) {
    SchedulerService& scheduler = f.ws->automation().scheduler();
    for (int i = 0; i < 5; ++i) {  // bounded: one item per record here
        std::vector<ScheduledItem> pending = scheduler.List("pending", 100);
        if (pending.empty()) return;
        f.clock.Set(pending.front().due_ms);
        REQUIRE(scheduler.RunDue(kSystemActor, pending.front().due_ms).ok());
    }
}

}  // namespace

TEST_SUITE("notify.rule_channels") {
    TEST_CASE("a reminder sends only on the channels its rule names; the preferences still apply on top") {
        NotifyFixture f;
        // SMS is off by default for a normal type: the organisation turns it on.
        REQUIRE(f.notify().SetOrgPreference("admin", {"close_date_approaching", "sms", true, false}).ok());
        json saved = f.Run("reminders.save", RuleArgs({"sms", "in_app"}));
        CAPTURE(saved.dump());
        REQUIRE(saved["ok"] == true);
        CHECK(saved["result"]["channels"] == json({"in_app", "sms"}));  // the documented order
        RunReminders(f);
        CHECK(Count(f.queued, "mia", "sms") == 1);
        CHECK(Count(f.queued, "mia", "email") == 0);  // on for mia, but the rule did not choose it
        std::vector<Notification> inbox = f.ws->automation().notifications().Inbox("mia");
        REQUIRE(inbox.size() == 1);
        CHECK_FALSE(inbox[0].popup);  // pop-up not chosen either

        // The recipient's own choice still applies: mia turns SMS off; a send on SMS and email gives email.
        REQUIRE(f.notify().SetUserPreference("mia", "mia", "close_date_approaching", "sms", false).ok());
        f.queued.clear();
        json sent = f.Run("notify.send", {{"type", "close_date_approaching"},
                                          {"users", {"mia"}},
                                          {"object", "Opportunity"},
                                          {"id", 1},
                                          {"channels", {"sms", "email"}}});
        CAPTURE(sent.dump());
        REQUIRE(sent["ok"] == true);
        CHECK(sent["result"]["in_app"] == 0);
        CHECK(Count(f.queued, "mia", "email") == 1);
        CHECK(Count(f.queued, "mia", "sms") == 0);
        // A locked organisation default that is off wins over the rule too.
        REQUIRE(f.notify().SetOrgPreference("admin", {"close_date_approaching", "email", false, true}).ok());
        f.queued.clear();
        sent = f.Run("notify.send",
                     {{"type", "close_date_approaching"}, {"users", {"mia"}}, {"channels", {"email"}}});
        REQUIRE(sent["ok"] == true);
        CHECK(f.queued.empty());
        // No channels named: every channel the preferences allow (the inbox here).
        sent = f.Run("notify.send", {{"type", "close_date_approaching"}, {"users", {"mia"}}});
        REQUIRE(sent["ok"] == true);
        CHECK(sent["result"]["in_app"] == 1);
    }

    TEST_CASE("the channels are checked: an unknown one is named, none is refused, absent means all") {
        NotifyFixture f;
        json bad = f.Run("reminders.save", RuleArgs({"in_app", "fax"}));
        CAPTURE(bad.dump());
        REQUIRE(bad["ok"] == false);
        CHECK(bad["error"]["field"] == "channels");
        CHECK(bad["error"]["message"].get<std::string>().find("fax") != std::string::npos);
        bad = f.Run("reminders.save", RuleArgs(json::array()));
        REQUIRE(bad["ok"] == false);
        CHECK(bad["error"]["field"] == "channels");
        bad = f.Run("reminders.save", RuleArgs({1}));
        REQUIRE(bad["ok"] == false);
        CHECK(bad["error"]["field"] == "channels");
        CHECK(
            f.Run("reminders.list", json::object())["result"]["reminders"].empty());  // nothing half-written

        json saved = f.Run("reminders.save", RuleArgs(nullptr));
        REQUIRE(saved["ok"] == true);
        CHECK(saved["result"]["channels"] == json({"in_app", "popup", "email", "sms"}));
        const int64_t id = saved["result"]["id"].get<int64_t>();
        json changed = f.Run("reminders.save", {{"id", id}, {"channels", {"email", "email"}}});
        REQUIRE(changed["ok"] == true);
        CHECK(f.Run("reminders.get", {{"id", id}})["result"]["channels"] == json({"email"}));
        // An unknown channel on update leaves the stored rule as it was.
        CHECK(f.Run("reminders.save", {{"id", id}, {"channels", {"pager"}}})["ok"] == false);
        CHECK(f.Run("reminders.get", {{"id", id}})["result"]["channels"] == json({"email"}));

        // A rule stored before channels existed reads as every channel.
        Result<ReminderRule> old = ReminderRuleFromJson({{"name", "old"}, {"object", "Task"}});
        REQUIRE(old.ok());
        CHECK(old->channels == NotificationChannels());

        for (const json& channels : {json({"pager"}), json::array(), json({7})}) {
            json sent =
                f.Run("notify.send", {{"type", "report_ready"}, {"users", {"mia"}}, {"channels", channels}});
            CAPTURE(sent.dump());
            REQUIRE(sent["ok"] == false);
            CHECK(sent["error"]["field"] == "channels");
        }
        NotifyEvent e;
        e.type = "report_ready";
        e.users = {"mia"};
        e.channels = {"pager"};
        Result<FanoutReport> r = f.notify().Notify("admin", e);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().field == "channels");
        CHECK(r.error().message.find("pager") != std::string::npos);
    }
}
