// Reminders: an occurrence queued by a save, moved when the date moves, dropped when the record goes or
// its condition holds; fired exactly once by the scheduler through the notify engine; repeats, counts,
// escalation to the owner's manager, snooze from the inbox; daylight-saving gaps and repeated hours; the
// checks of a rule and the reminders.* commands.
#include <doctest/doctest.h>

#include "notify/reminder.h"
#include "notify_fixture.h"
#include "workflow/automation.h"
#include "workflow/company_time.h"
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

/// The fixture's workspace in New York time, with Task reminders' type templates left to fall back.
struct ReminderFixture : NotifyFixture {
    ReminderFixture() {
        REQUIRE(Run("company.update", {{"time_zone", "America/New_York"}})["ok"] == true);
        REQUIRE(Run("users.update", {{"username", "rex"}, {"manager", "mia"}})["ok"] == true);
    }
    ReminderService& reminders() { return RemindersOf(*ws); }
    SchedulerService& scheduler() { return ws->automation().scheduler(); }

    int64_t NewTask(const std::string& due, const std::string& owner = "rex") {
        json r = Run("records.create",
                     {{"object", "Task"},
                      {"values", {{"Subject", "Call back"}, {"DueDate", due}, {"OwnerId", UserId(owner)}}}});
        REQUIRE(r["ok"] == true);
        return r["result"]["Id"].get<int64_t>();
    }
    int64_t UserId(const std::string& username) {
        Result<User> u = ws->access().GetUser(username);
        REQUIRE(u.ok());
        return u->id;
    }
    /// Runs the scheduler at `iso` (the clock moves there).
    RunDueReport RunAt(const char* iso) {
        clock.Set(At(iso));
        Result<RunDueReport> r = scheduler().RunDue(kSystemActor, clock.NowMs());
        REQUIRE(r.ok());
        return *r;
    }
    std::vector<Notification> Inbox(const std::string& user) {
        return ws->automation().notifications().Inbox(user, false, 100);
    }
    std::vector<ScheduledItem> Pending(const std::string& kind) {
        std::vector<ScheduledItem> out;
        for (const ScheduledItem& i : scheduler().List("pending", 1000))
            if (i.kind == kind) out.push_back(i);
        return out;
    }
    ReminderRule TaskRule() {
        ReminderRule r;
        r.name = "Task due";
        r.object = "Task";
        r.date_field = "DueDate";
        r.offset = 1;
        r.unit = "days";
        r.at_minute = 9 * 60;
        r.until = "ISPICKVAL(Status, \"Completed\")";
        return r;
    }
    ReminderRule Save(const ReminderRule& r) {
        Result<ReminderRule> saved = reminders().Save("admin", r);
        CAPTURE(saved.ok() ? std::string() : saved.error().message);
        REQUIRE(saved.ok());
        return *saved;
    }
};

}  // namespace

TEST_SUITE("notify.reminder") {
    TEST_CASE("a reminder a day before a task's due date fires once, at 09:00 company time, to the owner") {
        ReminderFixture f;
        f.Save(f.TaskRule());
        const int64_t task = f.NewTask("2026-12-10");
        std::vector<ScheduledItem> pending = f.Pending("reminder");
        REQUIRE(pending.size() == 1);
        CHECK(pending[0].record_id == task);
        CHECK(FormatUtcIso8601(pending[0].due_ms) == "2026-12-09T14:00:00Z");  // 09:00 EST

        CHECK(f.RunAt("2026-12-09T13:59:00Z").ran.empty());
        RunDueReport r = f.RunAt("2026-12-09T14:00:00Z");
        REQUIRE(r.ran.size() == 1);
        CHECK(r.ran[0].state == "done");
        std::vector<Notification> inbox = f.Inbox("rex");
        REQUIRE(inbox.size() == 1);
        CHECK(inbox[0].type == "task_due");
        CHECK(inbox[0].object == "Task");
        CHECK(inbox[0].record_id == task);
        // Exactly once: later runs find nothing.
        CHECK(f.RunAt("2026-12-09T15:00:00Z").ran.empty());
        CHECK(f.Inbox("rex").size() == 1);
        std::vector<ReminderOccurrence> fired = f.reminders().Occurrences(0, "Task", task);
        REQUIRE(fired.size() == 1);
        CHECK(fired[0].kind == "reminder");
        CHECK(fired[0].recipients == 1);
    }

    TEST_CASE("a run told another time (scheduler.run_due's `now`) fires at that time, not the clock's") {
        ReminderFixture f;
        f.Save(f.TaskRule());
        const int64_t task = f.NewTask("2026-12-10");
        // The clock stays before the occurrence; the run says it is 09:00 the day before.
        Result<RunDueReport> r = f.scheduler().RunDue(kSystemActor, At("2026-12-09T14:00:00Z"));
        REQUIRE(r.ok());
        REQUIRE(r->ran.size() == 1);
        std::vector<Notification> inbox = f.Inbox("rex");
        REQUIRE(inbox.size() == 1);
        CHECK(inbox[0].record_id == task);
        std::vector<ReminderOccurrence> fired = f.reminders().Occurrences(0, "Task", task);
        REQUIRE(fired.size() == 1);
        CHECK(FormatUtcIso8601(fired[0].fired_ms) == "2026-12-09T14:00:00Z");
        CHECK(f.Pending("reminder").empty());
    }

    TEST_CASE("moving the date moves the occurrence; a blank date, the condition or a delete drops it") {
        ReminderFixture f;
        f.Save(f.TaskRule());
        const int64_t task = f.NewTask("2026-12-10");
        REQUIRE(f.Run("records.update",
                      {{"object", "Task"}, {"id", task}, {"values", {{"DueDate", "2026-12-20"}}}})["ok"] ==
                true);
        std::vector<ScheduledItem> pending = f.Pending("reminder");
        REQUIRE(pending.size() == 1);
        CHECK(FormatUtcIso8601(pending[0].due_ms) == "2026-12-19T14:00:00Z");
        CHECK(f.RunAt("2026-12-09T14:00:00Z").ran.empty());  // the old time does nothing

        REQUIRE(f.Run("records.update",
                      {{"object", "Task"}, {"id", task}, {"values", {{"DueDate", nullptr}}}})["ok"] == true);
        CHECK(f.Pending("reminder").empty());
        REQUIRE(f.Run("records.update",
                      {{"object", "Task"}, {"id", task}, {"values", {{"DueDate", "2026-12-20"}}}})["ok"] ==
                true);
        CHECK(f.Pending("reminder").size() == 1);
        REQUIRE(f.Run("records.update",
                      {{"object", "Task"}, {"id", task}, {"values", {{"Status", "Completed"}}}})["ok"] ==
                true);
        CHECK(f.Pending("reminder").empty());
        REQUIRE(f.Run("records.update",
                      {{"object", "Task"}, {"id", task}, {"values", {{"Status", "In Progress"}}}})["ok"] ==
                true);
        CHECK(f.Pending("reminder").size() == 1);
        REQUIRE(f.Run("records.delete", {{"object", "Task"}, {"id", task}})["ok"] == true);
        CHECK(f.Pending("reminder").empty());
        CHECK(f.RunAt("2026-12-19T14:00:00Z").ran.empty());
        CHECK(f.Inbox("rex").empty());
    }

    TEST_CASE("a repeat fires every day until the task is done; missed days collapse into one run late") {
        ReminderFixture f;
        ReminderRule r = f.TaskRule();
        r.repeat_every = 1;
        r.repeat_unit = "days";
        f.Save(r);
        const int64_t task = f.NewTask("2026-12-10");
        CHECK(f.RunAt("2026-12-09T14:00:00Z").ran.size() == 1);
        CHECK(f.RunAt("2026-12-10T14:00:00Z").ran.size() == 1);
        CHECK(f.Inbox("rex").size() == 2);
        // Closed for three days: one late run, then the next day as usual.
        RunDueReport late = f.RunAt("2026-12-13T15:00:00Z");
        REQUIRE(late.ran.size() == 1);
        CHECK(late.ran[0].late);
        CHECK(f.RunAt("2026-12-13T15:30:00Z").ran.empty());
        std::vector<ScheduledItem> pending = f.Pending("reminder");
        REQUIRE(pending.size() == 1);
        CHECK(FormatUtcIso8601(pending[0].due_ms) == "2026-12-14T14:00:00Z");
        REQUIRE(f.Run("records.update",
                      {{"object", "Task"}, {"id", task}, {"values", {{"Status", "Completed"}}}})["ok"] ==
                true);
        CHECK(f.Pending("reminder").empty());
        CHECK(f.RunAt("2026-12-20T14:00:00Z").ran.empty());
        CHECK(f.Inbox("rex").size() == 3);
    }

    TEST_CASE("a repeat with a count stops after that many occurrences") {
        ReminderFixture f;
        ReminderRule r = f.TaskRule();
        r.until.clear();
        r.unit = "hours";
        r.offset = 2;
        r.at_minute = -1;
        r.repeat_every = 1;
        r.repeat_unit = "hours";
        r.repeat_count = 3;
        f.Save(r);
        f.NewTask("2026-12-10");  // midnight EST = 05:00Z; two hours before = 03:00Z
        int fired = 0;
        for (const char* at : {"2026-12-10T03:00:00Z", "2026-12-10T04:00:00Z", "2026-12-10T05:00:00Z",
                               "2026-12-10T06:00:00Z", "2026-12-10T07:00:00Z"})
            fired += static_cast<int>(f.RunAt(at).ran.size());
        CHECK(fired == 3);
        CHECK(f.Inbox("rex").size() == 3);
        CHECK(f.Pending("reminder").empty());
    }

    TEST_CASE("still not done after the delay, the owner's manager is told, urgently; done in time, nobody") {
        ReminderFixture f;
        ReminderRule r = f.TaskRule();
        r.escalate_after_minutes = 120;
        f.Save(r);
        const int64_t late_task = f.NewTask("2026-12-10");
        const int64_t done_task = f.NewTask("2026-12-10");
        CHECK(f.RunAt("2026-12-09T14:00:00Z").ran.size() == 2);
        CHECK(f.Pending("reminder_escalation").size() == 2);
        REQUIRE(f.Run("records.update",
                      {{"object", "Task"}, {"id", done_task}, {"values", {{"Status", "Completed"}}}})["ok"] ==
                true);
        CHECK(f.RunAt("2026-12-09T16:00:00Z").ran.size() == 2);
        std::vector<Notification> mia = f.Inbox("mia");
        REQUIRE(mia.size() == 1);
        CHECK(mia[0].record_id == late_task);
        CHECK(mia[0].priority == "urgent");
        std::vector<ReminderOccurrence> o = f.reminders().Occurrences(0, "Task", late_task);
        REQUIRE(o.size() == 2);
        CHECK(o[0].kind == "escalation");
    }

    TEST_CASE("a reminder snoozed from the inbox comes back to its reader alone; not another's") {
        ReminderFixture f;
        ReminderRule r = f.TaskRule();
        r.users = {"sam"};
        f.Save(r);
        const int64_t task = f.NewTask("2026-12-10");
        f.RunAt("2026-12-09T14:00:00Z");
        std::vector<Notification> rex = f.Inbox("rex");
        REQUIRE(rex.size() == 1);
        CHECK(f.reminders().IsReminderEntry(rex[0].id));  // the inbox offers to snooze it
        CHECK(!f.reminders().Snooze("sam", rex[0].id, 30).ok());  // not sam's entry
        Result<int64_t> until = f.reminders().Snooze("rex", rex[0].id, 30);
        REQUIRE(until.ok());
        CHECK(FormatUtcIso8601(*until) == "2026-12-09T14:30:00Z");
        CHECK(f.ws->automation().notifications().UnreadCount("rex") == 0);
        CHECK(f.RunAt("2026-12-09T14:29:00Z").ran.empty());
        CHECK(f.RunAt("2026-12-09T14:30:00Z").ran.size() == 1);
        CHECK(f.Inbox("rex").size() == 2);
        CHECK(f.Inbox("sam").size() == 1);
        CHECK(f.ws->automation().notifications().UnreadCount("rex") == 1);
        // A snoozed reminder whose task is done by then stays away.
        Result<int64_t> again = f.reminders().Snooze("rex", f.Inbox("rex")[0].id, 10);
        REQUIRE(again.ok());
        REQUIRE(f.Run("records.update",
                      {{"object", "Task"}, {"id", task}, {"values", {{"Status", "Completed"}}}})["ok"] ==
                true);
        f.RunAt("2026-12-09T15:00:00Z");
        CHECK(f.Inbox("rex").size() == 2);
        // An inbox entry that no reminder made is refused.
        REQUIRE(f.Run("notify.send",
                      {{"type", "report_ready"}, {"users", {"rex"}}, {"message", "hi"}})["ok"] == true);
        CHECK(!f.reminders().IsReminderEntry(f.Inbox("rex")[0].id));
        CHECK(f.reminders().Snooze("rex", f.Inbox("rex")[0].id, 10).error().code == "invalid_argument");
    }

    TEST_CASE("daylight saving: a time in the spring-forward gap fires at the first minute after it, once") {
        Result<PosixTzRule> ny = TimeZoneRule("America/New_York");
        REQUIRE(ny.ok());
        const CompanyTime ct(*ny, BusinessHours{});
        // 2027-03-14: 02:00 EST jumps to 03:00 EDT (07:00Z).
        const int64_t day = At("2027-03-14") / 86'400'000;
        CHECK(FormatUtcIso8601(ReminderLocalToUtc(ct, day, (2 * 60 + 30) * 60'000)) ==
              "2027-03-14T07:00:00Z");
        CHECK(FormatUtcIso8601(ReminderLocalToUtc(ct, day, 3 * 3'600'000)) == "2027-03-14T07:00:00Z");
        CHECK(FormatUtcIso8601(ReminderLocalToUtc(ct, day, 1 * 3'600'000)) == "2027-03-14T06:00:00Z");
        // 2027-11-07: 01:30 happens twice (EDT 05:30Z, then EST 06:30Z): the first.
        const int64_t fall = At("2027-11-07") / 86'400'000;
        CHECK(FormatUtcIso8601(ReminderLocalToUtc(ct, fall, 90 * 60'000)) == "2027-11-07T05:30:00Z");

        ReminderFixture f;
        ReminderRule r = f.TaskRule();
        r.offset = 0;
        r.at_minute = 2 * 60 + 30;
        r.until.clear();
        r.repeat_every = 1;
        r.repeat_count = 2;
        f.Save(r);
        f.clock.Set(At("2027-03-01T00:00:00Z"));
        f.NewTask("2027-03-14");
        std::vector<ScheduledItem> pending = f.Pending("reminder");
        REQUIRE(pending.size() == 1);
        CHECK(FormatUtcIso8601(pending[0].due_ms) == "2027-03-14T07:00:00Z");
        CHECK(f.RunAt("2027-03-14T07:00:00Z").ran.size() == 1);
        // The next day's 02:30 exists again (EDT).
        pending = f.Pending("reminder");
        REQUIRE(pending.size() == 1);
        CHECK(FormatUtcIso8601(pending[0].due_ms) == "2027-03-15T06:30:00Z");
    }

    TEST_CASE("daylight saving: a time in the repeated fall-back hour fires once, at its first occurrence") {
        ReminderFixture f;
        ReminderRule r = f.TaskRule();
        r.offset = 0;
        r.at_minute = 90;
        r.until.clear();
        f.Save(r);
        f.clock.Set(At("2027-11-01T00:00:00Z"));
        f.NewTask("2027-11-07");
        CHECK(f.RunAt("2027-11-07T05:29:00Z").ran.empty());
        CHECK(f.RunAt("2027-11-07T05:30:00Z").ran.size() == 1);  // 01:30 EDT
        CHECK(f.RunAt("2027-11-07T06:30:00Z").ran.empty());      // 01:30 EST: not again
        CHECK(f.Inbox("rex").size() == 1);
    }

    TEST_CASE("a rule is checked when saved: its field, units, condition with its position, an end") {
        ReminderFixture f;
        ReminderRule r = f.TaskRule();
        r.date_field = "Subject";
        CHECK(f.reminders().Save("admin", r).error().field == "date_field");
        r = f.TaskRule();
        r.until = "ISPICKVAL(Stat, \"Completed\")";
        Result<ReminderRule> bad = f.reminders().Save("admin", r);
        REQUIRE(!bad.ok());
        CHECK(bad.error().field == "until");
        CHECK(bad.error().position > 0);
        r = f.TaskRule();
        r.until.clear();
        r.repeat_every = 1;
        CHECK(f.reminders().Save("admin", r).error().field == "repeat_count");
        r = f.TaskRule();
        r.until.clear();
        r.escalate_after_minutes = 60;
        CHECK(f.reminders().Save("admin", r).error().field == "until");
        r = f.TaskRule();
        r.unit = "weeks";
        CHECK(f.reminders().Save("admin", r).error().field == "unit");
        r = f.TaskRule();
        r.object = "Account";
        r.date_field = "CreatedDate";
        CHECK(!f.reminders().Save("admin", r).ok());
        CHECK(!f.reminders().Save("rex", f.TaskRule()).ok());  // no Manage Notifications
    }

    TEST_CASE("every rule of a record shares one scheduler item, at the soonest occurrence of them all") {
        ReminderFixture f;
        ReminderRule a = f.TaskRule();
        ReminderRule b = f.TaskRule();
        b.name = "Task due, daily from three days before";
        b.offset = 3;
        b.repeat_every = 1;
        const int64_t rule_a = f.Save(a).id, rule_b = f.Save(b).id;
        const int64_t task = f.NewTask("2026-12-10");
        std::vector<ScheduledItem> pending = f.Pending("reminder");
        REQUIRE(pending.size() == 1);  // one item for both rules
        CHECK(FormatUtcIso8601(pending[0].due_ms) == "2026-12-07T14:00:00Z");
        json listed = f.Run("reminders.occurrences", {{"object", "Task"}, {"id", task}})["result"]["pending"];
        REQUIRE(listed.size() == 2);  // listed as each rule's next occurrence
        CHECK(listed[0]["rule_id"] == rule_b);
        CHECK(listed[1]["rule_id"] == rule_a);
        CHECK(listed[1]["due"] == "2026-12-09T14:00:00Z");
        CHECK(f.RunAt("2026-12-07T14:00:00Z").ran.size() == 1);
        CHECK(f.RunAt("2026-12-08T14:00:00Z").ran.size() == 1);
        // Both fall at 09:00 on the 9th: one run, two reminders, each exactly once.
        CHECK(f.RunAt("2026-12-09T14:00:00Z").ran.size() == 1);
        CHECK(f.Inbox("rex").size() == 4);
        CHECK(f.reminders().Occurrences(rule_a, "Task", task).size() == 1);
        CHECK(f.RunAt("2026-12-09T14:30:00Z").ran.empty());
        // Moving the date starts the repeat again from the new one; the reminder a day before comes back.
        REQUIRE(f.Run("records.update",
                      {{"object", "Task"}, {"id", task}, {"values", {{"DueDate", "2026-12-20"}}}})["ok"] ==
                true);
        pending = f.Pending("reminder");
        REQUIRE(pending.size() == 1);
        CHECK(FormatUtcIso8601(pending[0].due_ms) == "2026-12-17T14:00:00Z");
        CHECK(f.RunAt("2026-12-19T15:00:00Z").ran.size() == 1);  // missed: collapsed, each rule once
        CHECK(f.reminders().Occurrences(rule_a, "Task", task).size() == 2);
        CHECK(f.reminders().Occurrences(rule_b, "Task", task).size() == 4);
        // Deleting a rule leaves the other's occurrences where they were.
        REQUIRE(f.Run("reminders.delete", {{"id", rule_a}})["ok"] == true);
        pending = f.Pending("reminder");
        REQUIRE(pending.size() == 1);
        CHECK(FormatUtcIso8601(pending[0].due_ms) == "2026-12-20T14:00:00Z");
    }

    TEST_CASE("saving a rule schedules the records already there whose time is still ahead") {
        ReminderFixture f;
        const int64_t ahead = f.NewTask("2026-12-10");
        f.NewTask("2026-11-20");  // already past
        f.Save(f.TaskRule());
        std::vector<ScheduledItem> pending = f.Pending("reminder");
        REQUIRE(pending.size() == 1);
        CHECK(pending[0].record_id == ahead);
    }

    TEST_CASE("the reminders.* commands: save, list, get, occurrences, snooze, delete") {
        ReminderFixture f;
        json saved = f.Run("reminders.save", {{"name", "Close date"},
                                              {"object", "Opportunity"},
                                              {"date_field", "CloseDate"},
                                              {"offset", 1},
                                              {"unit", "days"},
                                              {"at", "08:30"},
                                              {"until", "ISPICKVAL(StageName, \"Closed Won\")"}});
        CAPTURE(saved.dump());
        REQUIRE(saved["ok"] == true);
        const int64_t id = saved["result"]["id"].get<int64_t>();
        CHECK(saved["result"]["type"] == "close_date_approaching");
        CHECK(f.Run("reminders.list", json::object())["result"]["reminders"].size() == 1);
        CHECK(f.Run("reminders.get", {{"id", id}})["result"]["at"] == "08:30");
        json occ = f.Run("reminders.occurrences", {{"object", "Opportunity"}, {"id", 1}});
        REQUIRE(occ["ok"] == true);
        REQUIRE(occ["result"]["pending"].size() == 1);
        CHECK(occ["result"]["pending"][0]["due"] == "2026-12-14T13:30:00Z");
        CHECK(f.Run("reminders.list", json::object(), "rex")["ok"] == false);
        json changed = f.Run("reminders.save", {{"id", id}, {"at", "10:00"}});
        REQUIRE(changed["ok"] == true);
        CHECK(changed["result"]["name"] == "Close date");
        occ = f.Run("reminders.occurrences", {{"object", "Opportunity"}, {"id", 1}});
        CHECK(occ["result"]["pending"][0]["due"] == "2026-12-14T15:00:00Z");
        f.RunAt("2026-12-14T15:00:00Z");
        std::vector<Notification> admin = f.Inbox("admin");
        REQUIRE(!admin.empty());
        json snooze = f.Run("reminders.snooze", {{"notification", admin[0].id}, {"minutes", 60}});
        CAPTURE(snooze.dump());
        CHECK(snooze["ok"] == true);
        CHECK(f.Run("reminders.delete", {{"id", id}})["ok"] == true);
        CHECK(f.Run("reminders.occurrences", {{"object", "Opportunity"}})["result"]["fired"].size() == 1);
    }
}
