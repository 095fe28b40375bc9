// The scheduler and company time: time-based rules across both daylight-saving changes, rescheduling when
// the date moves, dropping when the record goes or the condition stops holding, exactly-once catch-up
// after a gap, business hours, and the indexed due lookup.
#include <doctest/doctest.h>

#include "audit/change.h"
#include "workflow/company_time.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1795712400000;  // 2026-11-26T17:00:00Z

int64_t At(const char* iso) {
    std::optional<int64_t> ms = ParseUtcIso8601(iso);
    REQUIRE(ms);
    return *ms;
}

int64_t Day(const char* date) { return At(date) / 86'400'000; }

struct Fixture {
    FixedClock clock{kNow};
    std::unique_ptr<Workspace> ws;
    explicit Fixture(const std::string& zone = "America/New_York") {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        CompanyProfile p = *ws->company().Get();
        p.time_zone = zone;
        REQUIRE(ws->company().Update("admin", p).ok());
    }
    void Rule(const json& j) {
        Result<AutomationRule> r = AutomationRuleFromJson(j, {});
        REQUIRE(r.ok());
        Result<AutomationRule> created = ws->automation().Create("admin", *r);
        if (!created.ok()) CAPTURE(created.error().message);
        REQUIRE(created.ok());
    }
    void SevenDaysBefore(const json& extra_trigger = json::object(), const std::string& condition = "") {
        json trigger = {{"kind", "time"}, {"field", "CloseDate"},  {"offset", 7},
                        {"unit", "days"}, {"direction", "before"}, {"at", "09:00"}};
        for (auto it = extra_trigger.begin(); it != extra_trigger.end(); ++it) trigger[it.key()] = it.value();
        Rule({{"object", "Opportunity"},
              {"name", "Week before close"},
              {"trigger", trigger},
              {"condition", condition},
              {"actions",
               {{{"kind", "update_field"}, {"field", "NextStep"}, {"value", "\"closing soon\""}},
                {{"kind", "notify"}, {"to", "owner"}, {"title", "{{Name}} closes in a week"}}}}});
    }
    int64_t Opportunity(const std::string& close, const json& extra = json::object()) {
        json v = {{"Name", "Deal"}, {"StageName", "Prospecting"}, {"CloseDate", close}};
        for (auto it = extra.begin(); it != extra.end(); ++it) v[it.key()] = it.value();
        SaveResult r = ws->records().Create("admin", "Opportunity", v);
        REQUIRE(r.ok());
        return r.id;
    }
    std::vector<ScheduledItem> Pending() { return ws->automation().scheduler().List("pending"); }
    int64_t DueOf(int64_t record) {
        for (const ScheduledItem& i : Pending())
            if (i.record_id == record) return i.due_ms;
        return 0;
    }
};

}  // namespace

TEST_SUITE("workflow.scheduler") {
    TEST_CASE("company time follows both daylight-saving changes of New York and Berlin") {
        Result<PosixTzRule> ny = TimeZoneRule("America/New_York");
        REQUIRE(ny.ok());
        const CompanyTime t(*ny, BusinessHours{});
        // Spring forward, 2026-03-08: 02:30 does not exist and moves forward to 03:30 EDT.
        CHECK(t.ToUtc(Day("2026-03-08"), (2 * 60 + 30) * 60000) == At("2026-03-08T07:30:00Z"));
        CHECK(t.ToUtc(Day("2026-03-07"), 9 * 3600000) == At("2026-03-07T14:00:00Z"));
        CHECK(t.ToUtc(Day("2026-03-09"), 9 * 3600000) == At("2026-03-09T13:00:00Z"));
        // Fall back, 2026-11-01: 01:30 happens twice; the first (EDT) is taken.
        CHECK(t.ToUtc(Day("2026-11-01"), (60 + 30) * 60000) == At("2026-11-01T05:30:00Z"));
        CHECK(t.ToLocal(At("2026-11-01T06:30:00Z")).minute == 60 + 30);  // the second 01:30 (EST)
        Result<PosixTzRule> berlin = TimeZoneRule("Europe/Berlin");
        REQUIRE(berlin.ok());
        const CompanyTime b(*berlin, BusinessHours{});
        CHECK(b.ToUtc(Day("2026-03-28"), 9 * 3600000) == At("2026-03-28T08:00:00Z"));
        CHECK(b.ToUtc(Day("2026-03-30"), 9 * 3600000) == At("2026-03-30T07:00:00Z"));
        CHECK(b.ToUtc(Day("2026-10-24"), 9 * 3600000) == At("2026-10-24T07:00:00Z"));
        CHECK(b.ToUtc(Day("2026-10-26"), 9 * 3600000) == At("2026-10-26T08:00:00Z"));
        Result<PosixTzRule> shanghai = TimeZoneRule("Asia/Shanghai");
        REQUIRE(shanghai.ok());
        CHECK(shanghai->OffsetAt(At("2026-07-01T00:00:00Z")) == 8 * 3600);
        CHECK_FALSE(TimeZoneRule("Mars/Olympus").ok());
        CHECK(ParsePosixTz("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0").ok());
        CHECK(ParsePosixTz("IST-2IDT,M3.4.4/26,M10.5.0").ok());
        CHECK_FALSE(ParsePosixTz("E5,M3").ok());
    }

    TEST_CASE(
        "a time trigger \"CloseDate minus 7 days at 09:00\" lands at 09:00 local across both DST changes") {
        struct Case {
            const char* zone;
            const char* close;
            const char* due;
        };
        const Case cases[] = {
            {"America/New_York", "2026-03-12", "2026-03-05T14:00:00Z"},  // before spring forward: EST
            {"America/New_York", "2026-03-16", "2026-03-09T13:00:00Z"},  // after: EDT
            {"America/New_York", "2026-11-05", "2026-10-29T13:00:00Z"},  // before fall back: EDT
            {"America/New_York", "2026-11-09", "2026-11-02T14:00:00Z"},  // after: EST
            {"Europe/Berlin", "2026-04-01", "2026-03-25T08:00:00Z"},
            {"Europe/Berlin", "2026-04-06", "2026-03-30T07:00:00Z"},
            {"Europe/Berlin", "2026-10-30", "2026-10-23T07:00:00Z"},
            {"Europe/Berlin", "2026-11-03", "2026-10-27T08:00:00Z"},
        };
        for (const Case& c : cases) {
            CAPTURE(c.zone);
            CAPTURE(c.close);
            Fixture f(c.zone);
            f.SevenDaysBefore();
            const int64_t id = f.Opportunity(c.close);
            CHECK(FormatUtcIso8601(f.DueOf(id)) == c.due);
        }
    }

    TEST_CASE(
        "the item moves when the date moves and is dropped when the date, the condition or the record goes") {
        Fixture f;
        f.SevenDaysBefore({}, "Amount > 100");
        const int64_t id = f.Opportunity("2026-12-20", {{"Amount", 500}});
        CHECK(FormatUtcIso8601(f.DueOf(id)) == "2026-12-13T14:00:00Z");
        REQUIRE(f.ws->records().Update("admin", "Opportunity", id, {{"CloseDate", "2026-12-24"}}).ok());
        CHECK(FormatUtcIso8601(f.DueOf(id)) == "2026-12-17T14:00:00Z");
        CHECK(f.Pending().size() == 1);
        REQUIRE(f.ws->records().Update("admin", "Opportunity", id, {{"Amount", 50}}).ok());
        CHECK(f.Pending().empty());
        REQUIRE(f.ws->records().Update("admin", "Opportunity", id, {{"Amount", 150}}).ok());
        CHECK(f.Pending().size() == 1);
        REQUIRE(f.ws->records().Update("admin", "Opportunity", id, {{"CloseDate", nullptr}}).ok());
        CHECK(f.Pending().empty());
        REQUIRE(f.ws->records().Update("admin", "Opportunity", id, {{"CloseDate", "2026-12-24"}}).ok());
        CHECK(f.Pending().size() == 1);
        REQUIRE(f.ws->records().Delete("admin", "Opportunity", id).ok());
        CHECK(f.Pending().empty());
    }

    TEST_CASE("items that fell due during a gap run once on the next run, listed as ran late") {
        Fixture f;
        f.SevenDaysBefore();
        const int64_t a = f.Opportunity("2026-12-20");
        const int64_t b = f.Opportunity("2026-12-22");
        SchedulerService& s = f.ws->automation().scheduler();
        Result<RunDueReport> early = s.RunDue("admin", At("2026-12-01T00:00:00Z"));
        REQUIRE(early.ok());
        CHECK(early->ran.empty());
        // Closed from 12-01 to 12-18: both fell due meanwhile.
        Result<RunDueReport> later = s.RunDue("admin", At("2026-12-18T12:00:00Z"));
        REQUIRE(later.ok());
        REQUIRE(later->ran.size() == 2);
        CHECK(later->late == 2);
        CHECK(later->ran[0].record_id == a);
        CHECK(later->ran[1].record_id == b);
        CHECK(f.ws->records().Get("admin", "Opportunity", a)->at("NextStep") == "closing soon");
        CHECK(f.ws->automation().notifications().UnreadCount("admin") == 2);
        Result<RunDueReport> again = s.RunDue("admin", At("2026-12-19T12:00:00Z"));
        REQUIRE(again.ok());
        CHECK(again->ran.empty());
        CHECK(f.ws->automation().notifications().UnreadCount("admin") == 2);
        std::vector<ScheduledItem> done = s.List("done");
        REQUIRE(done.size() == 2);
        CHECK(done[0].late);
        WorkflowLogFilter filter;
        filter.rule = "Week before close";
        CHECK(f.ws->automation().log().List(filter).size() == 2);
        // An item run on time is not late.
        const int64_t c = f.Opportunity("2027-01-10");
        Result<RunDueReport> on_time = s.RunDue("admin", f.DueOf(c) + 1000);
        REQUIRE(on_time.ok());
        REQUIRE(on_time->ran.size() == 1);
        CHECK_FALSE(on_time->ran[0].late);
    }

    TEST_CASE("business hours move a due time to the next opening; offsets in hours count real time") {
        Fixture f;
        // 2026-12-19 is a Saturday: 7 days before 2026-12-26 at 09:00 moves to Monday 2026-12-21 09:00.
        f.SevenDaysBefore({{"business_hours", true}});
        const int64_t id = f.Opportunity("2026-12-26");
        CHECK(FormatUtcIso8601(f.DueOf(id)) == "2026-12-21T14:00:00Z");
        Fixture g;
        g.Rule({{"object", "Opportunity"},
                {"name", "Hours after"},
                {"trigger", {{"kind", "time"}, {"field", "CloseDate"}, {"offset", 30}, {"unit", "hours"}}},
                {"actions", {{{"kind", "notify"}, {"to", "owner"}, {"title", "t"}}}}});
        const int64_t id2 = g.Opportunity("2026-03-07");  // midnight EST + 30 h crosses spring forward
        CHECK(FormatUtcIso8601(g.DueOf(id2)) == "2026-03-08T11:00:00Z");
    }

    TEST_CASE("finding what is due merges the two lanes' indexes in due order, the near one covering") {
        Fixture f;
        Statement plan = f.ws->db().Prepare(
            "EXPLAIN QUERY PLAN SELECT id, kind, object, record_id, rule_id, due_ms FROM scheduler_pending "
            "WHERE due_ms <= 5 ORDER BY due_ms, id LIMIT 100");
        std::string text;
        while (plan.Step()) text += plan.Text(3) + "\n";
        CAPTURE(text);
        CHECK(text.find("MERGE") != std::string::npos);
        CHECK(text.find("COVERING INDEX scheduler_items_pending") != std::string::npos);
        CHECK(text.find("INDEX scheduler_items_later") != std::string::npos);
        CHECK(text.find("TEMP B-TREE") == std::string::npos);  // already in due order
    }

    TEST_CASE("a far item waits in the narrow lane, is due all the same, and a run promotes what came near") {
        constexpr int64_t kHour = 3'600'000, kDay = 24 * kHour;
        Fixture f;
        SchedulerService& s = f.ws->automation().scheduler();
        f.ws->automation().scheduler().SetHandler("test", [](ChangeScope&, const ScheduledItem&) {
            return Status::Ok();
        });
        auto lane = [&f](int64_t record) {
            Statement st = f.ws->db().Prepare("SELECT near FROM scheduler_items WHERE record_id = ?1");
            st.Bind(1, record);
            REQUIRE(st.Step());
            return st.Int(0);
        };
        {
            ChangeScope change(f.ws->changes(), kSystemActor);
            REQUIRE(s.Schedule(change, "test", "Opportunity", 1, 1, kNow + kHour).ok());         // in an hour
            REQUIRE(s.Schedule(change, "test", "Opportunity", 2, 1, kNow + 3 * kDay).ok());    // in 3 days
            REQUIRE(s.Schedule(change, "test", "Opportunity", 3, 1, kNow + 30 * kDay).ok());   // in 30 days
            REQUIRE(change.Commit().ok());
        }
        CHECK(lane(1) == 1);
        CHECK(lane(2) == 0);
        CHECK(lane(3) == 0);
        CHECK(s.PendingCount() == 3);
        // Both lanes in one due order, whatever lane an item is in.
        std::vector<ScheduledItem> all = s.Due(kNow + 40 * kDay);
        REQUIRE(all.size() == 3);
        CHECK(all[0].record_id == 1);
        CHECK(all[1].record_id == 2);
        CHECK(all[2].record_id == 3);
        CHECK(all[2].kind == "test");
        CHECK(all[2].object == "Opportunity");
        std::vector<ScheduledItem> listed = s.List("pending", 2, 1);
        REQUIRE(listed.size() == 2);
        CHECK(listed[0].record_id == 2);
        CHECK(listed[1].record_id == 3);
        // A run two days on promotes the item due the day after, runs none, leaves the far one.
        Result<RunDueReport> run = s.RunDue(kSystemActor, kNow + 2 * kDay + kHour);
        REQUIRE(run.ok());
        CHECK(run->ran.size() == 1);  // the one due in an hour
        CHECK(lane(2) == 1);
        CHECK(lane(3) == 0);
        CHECK(s.PendingCount() == 2);
        Result<int64_t> again = s.Promote(kNow + 2 * kDay + kHour);
        REQUIRE(again.ok());
        CHECK(*again == 0);
        // Moving the near item far puts it back in the narrow lane.
        {
            ChangeScope change(f.ws->changes(), kSystemActor);
            REQUIRE(s.Schedule(change, "test", "Opportunity", 2, 1, kNow + 60 * kDay).ok());
            REQUIRE(change.Commit().ok());
        }
        CHECK(lane(2) == 0);
        std::vector<ScheduledItem> later = s.List("pending");
        REQUIRE(later.size() == 2);
        CHECK(later[0].record_id == 3);
        CHECK(later[1].record_id == 2);
    }

    TEST_CASE("a record's, a key's and a rule's items are found through indexes") {
        Fixture f;
        auto plan = [&f](const std::string& sql) {
            Statement st = f.ws->db().Prepare("EXPLAIN QUERY PLAN " + sql);
            std::string text;
            while (st.Step()) text += st.Text(3) + "\n";
            return text;
        };
        // The upsert's key and a record's deletes: the unique index (record_id, kind, rule_id).
        CHECK(plan("DELETE FROM scheduler_items WHERE kind = 'reminder' AND rule_id = -3 AND record_id = 5 "
                   "AND state = 'pending'")
                  .find("scheduler_items_key") != std::string::npos);
        CHECK(plan("DELETE FROM scheduler_items WHERE object = 'Case' COLLATE NOCASE AND record_id = 5 AND "
                   "state = 'pending'")
                  .find("scheduler_items_key") != std::string::npos);
        // A rule's items (CancelRule, a connector's next run): the partial rule index.
        CHECK(plan("DELETE FROM scheduler_items WHERE kind = 'automation' AND rule_id = ?2 AND rule_id >= 0 "
                   "AND state = 'pending'")
                  .find("scheduler_items_rule") != std::string::npos);
        CHECK(plan("SELECT due_ms FROM scheduler_items WHERE kind = ?1 AND rule_id = ?2 AND rule_id >= 0 AND "
                   "state = 'pending' ORDER BY due_ms LIMIT 1")
                  .find("scheduler_items_rule") != std::string::npos);
    }

    TEST_CASE("a rule's items go when it is deleted, whatever the sign of its id") {
        Fixture f;
        SchedulerService& s = f.ws->automation().scheduler();
        {
            ChangeScope change(f.ws->changes(), kSystemActor);
            REQUIRE(s.Schedule(change, "automation", "Opportunity", 1, 4, kNow + 1000).ok());
            REQUIRE(s.Schedule(change, "automation", "Opportunity", 2, 4, kNow + 2000).ok());
            REQUIRE(s.Schedule(change, "automation", "Opportunity", 2, 5, kNow + 3000).ok());
            REQUIRE(s.Schedule(change, "test_kind", "Opportunity", 2, -6, kNow + 4000).ok());
            REQUIRE(s.Schedule(change, "test_kind", "Opportunity", 3, -6, kNow + 5000).ok());
            REQUIRE(change.Commit().ok());
        }
        REQUIRE(s.PendingCount() == 5);
        {
            ChangeScope change(f.ws->changes(), kSystemActor);
            REQUIRE(s.CancelRule(change, "automation", 4).ok());
            REQUIRE(s.CancelRule(change, "test_kind", -6).ok());
            REQUIRE(change.Commit().ok());
        }
        std::vector<ScheduledItem> left = s.List("pending");
        REQUIRE(left.size() == 1);
        CHECK(left[0].rule_id == 5);
    }

    TEST_CASE("run_due needs Manage Workflows") {
        Fixture f;
        CHECK(f.ws->automation().scheduler().RunDue("", kNow).ok() == false);
    }
}
