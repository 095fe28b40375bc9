// Automation rules: every trigger kind, the order of execution, all-or-nothing saves, the recursion stop,
// bad input refused at save time, fields in use, the execution log, the inbox and the webhook outbox.
#include <doctest/doctest.h>

#include "api/command_api.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1795712400000;  // 2026-11-26T17:00:00Z

struct Fixture {
    FixedClock clock{kNow};
    std::unique_ptr<Workspace> ws;
    Fixture() {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
    }
    AutomationService& automation() { return ws->automation(); }

    AutomationRule Rule(const json& j) {
        Result<AutomationRule> r = AutomationRuleFromJson(j, {});
        REQUIRE(r.ok());
        return *r;
    }
    AutomationRule Create(const json& j) {
        Result<AutomationRule> r = automation().Create("admin", Rule(j));
        CAPTURE(j.dump());
        if (!r.ok()) CAPTURE(r.error().message);
        REQUIRE(r.ok());
        return *r;
    }
    Error Refused(const json& j) {
        Result<AutomationRule> r = automation().Create("admin", Rule(j));
        REQUIRE_FALSE(r.ok());
        return r.error();
    }
    int64_t Opportunity(const json& values) {
        json v = {{"Name", "Deal"}, {"StageName", "Prospecting"}};
        for (auto it = values.begin(); it != values.end(); ++it) v[it.key()] = it.value();
        SaveResult r = ws->records().Create("admin", "Opportunity", v);
        if (!r.ok()) CAPTURE(r.errors.front().message);
        REQUIRE(r.ok());
        return r.id;
    }
    json Get(int64_t id, const std::string& object = "Opportunity") {
        Result<json> r = ws->records().Get("admin", object, id);
        REQUIRE(r.ok());
        return *r;
    }
    int64_t Count(const std::string& sql) {
        Statement st = ws->db().Prepare(sql);
        REQUIRE(st.Step());
        return st.Int(0);
    }
};

}  // namespace

TEST_SUITE("workflow.automation") {
    TEST_CASE("an on_create rule updates a field before the write and creates a linked task after it") {
        Fixture f;
        f.Create({{"object", "Opportunity"},
                  {"name", "Big deal"},
                  {"trigger", {{"kind", "on_create"}}},
                  {"condition", "Amount >= 1000"},
                  {"actions",
                   {{{"kind", "update_field"}, {"field", "NextStep"}, {"value", "\"Call \" & Name"}},
                    {{"kind", "create_task"}, {"subject", "Follow up {{Name}}"}, {"due_in_days", 3}}}}});
        const int64_t small = f.Opportunity({{"Amount", 10}});
        CHECK(f.Get(small)["NextStep"].is_null());
        const int64_t big = f.Opportunity({{"Name", "Acme"}, {"Amount", 5000}});
        CHECK(f.Get(big)["NextStep"] == "Call Acme");
        CHECK(f.Count("SELECT count(*) FROM rec_task") == 1);
        Statement task = f.ws->db().Prepare("SELECT subject, whatid FROM rec_task");
        if (!task.Step()) FAIL("no task");
        CHECK(task.Text(0) == "Follow up Acme");
        CHECK(task.Int(1) == big);
        std::vector<WorkflowLogEntry> log = f.automation().log().List({});
        REQUIRE(log.size() == 1);
        CHECK(log[0].rule_name == "Big deal");
        CHECK(log[0].record_id == big);
        CHECK(log[0].trigger == "on_create");
        CHECK(log[0].condition_met);
        CHECK(log[0].actions.size() == 2);
    }

    TEST_CASE("on_update and on_field_change rules fire only on their saves, ISCHANGED and PRIORVALUE work") {
        Fixture f;
        f.Create(
            {{"object", "Opportunity"},
             {"name", "Stage moved"},
             {"trigger", {{"kind", "on_field_change"}, {"fields", {"StageName"}}}},
             {"condition", "ISCHANGED(StageName) && TEXT(PRIORVALUE(StageName)) = \"Prospecting\""},
             {"actions",
              {{{"kind", "update_field"}, {"field", "Description"}, {"value", "\"left prospecting\""}}}}});
        f.Create({{"object", "Opportunity"},
                  {"name", "Any update"},
                  {"trigger", {{"kind", "on_update"}}},
                  {"actions", {{{"kind", "update_field"}, {"field", "Probability"}, {"value", "10"}}}}});
        const int64_t id = f.Opportunity({});
        CHECK(f.Get(id)["Probability"].is_null());  // not on create
        REQUIRE(f.ws->records().Update("admin", "Opportunity", id, {{"Amount", 5}}).ok());
        CHECK(f.Get(id)["Probability"] == 10);
        CHECK(f.Get(id)["Description"].is_null());
        REQUIRE(f.ws->records().Update("admin", "Opportunity", id, {{"StageName", "Qualification"}}).ok());
        CHECK(f.Get(id)["Description"] == "left prospecting");
    }

    TEST_CASE("rules run by order number: a later rule sees what an earlier one set") {
        Fixture f;
        f.Create({{"object", "Opportunity"},
                  {"name", "B second"},
                  {"order", 2},
                  {"trigger", {{"kind", "on_create"}}},
                  {"actions",
                   {{{"kind", "update_field"}, {"field", "NextStep"}, {"value", "NextStep & \"2\""}}}}});
        f.Create({{"object", "Opportunity"},
                  {"name", "A first"},
                  {"order", 1},
                  {"trigger", {{"kind", "on_create"}}},
                  {"actions",
                   {{{"kind", "update_field"}, {"field", "NextStep"}, {"value", "NextStep & \"1\""}}}}});
        const int64_t id = f.Opportunity({});
        CHECK(f.Get(id)["NextStep"] == "12");
    }

    TEST_CASE("an action that fails rolls the whole save back, and the failed run is logged") {
        Fixture f;
        f.Create({{"object", "Opportunity"},
                  {"name", "Divide"},
                  {"trigger", {{"kind", "on_create"}}},
                  {"actions",
                   {{{"kind", "webhook"}, {"url", "https://hooks.example.com/deal"}},
                    {{"kind", "update_field"}, {"field", "Amount"}, {"value", "Amount / Probability"}}}}});
        SaveResult r = f.ws->records().Create(
            "admin", "Opportunity",
            {{"Name", "X"}, {"StageName", "Prospecting"}, {"Amount", 5}, {"Probability", 0}});
        REQUIRE_FALSE(r.ok());
        CHECK(r.errors.front().code == "workflow.action_failed");
        CHECK(r.errors.front().message.find("Divide") != std::string::npos);
        CHECK(f.Count("SELECT count(*) FROM rec_opportunity") == 0);
        CHECK(f.Count("SELECT count(*) FROM message_outbox WHERE channel = 'webhook'") == 0);
        std::vector<WorkflowLogEntry> log = f.automation().log().List({});
        REQUIRE(log.size() == 1);
        CHECK_FALSE(log[0].error.empty());
        // The after-write part failing rolls back too: a task that cannot be created.
        Fixture g;
        g.Create({{"object", "Account"},
                  {"name", "Task without subject"},
                  {"trigger", {{"kind", "on_create"}}},
                  {"actions",
                   {{{"kind", "webhook"}, {"url", "https://hooks.example.com/a"}},
                    {{"kind", "create_task"}, {"subject", "{{Phone}}"}}}}});
        SaveResult r2 = g.ws->records().Create("admin", "Account", {{"Name", "No phone"}});
        REQUIRE_FALSE(r2.ok());
        CHECK(g.Count("SELECT count(*) FROM rec_account") == 0);
        CHECK(g.Count("SELECT count(*) FROM message_outbox WHERE channel = 'webhook'") == 0);
        CHECK(g.automation().log().List({})[0].error.find("Task without subject") != std::string::npos);
    }

    TEST_CASE("rules that keep triggering each other stop at depth 8 with the chain named") {
        Fixture f;
        f.Create(
            {{"object", "Opportunity"},
             {"name", "Ping"},
             {"trigger", {{"kind", "on_field_change"}, {"fields", {"Amount"}}}},
             {"actions",
              {{{"kind", "update_field"}, {"field", "Probability"}, {"value", "MOD(Amount, 90) + 1"}}}}});
        f.Create({{"object", "Opportunity"},
                  {"name", "Pong"},
                  {"trigger", {{"kind", "on_field_change"}, {"fields", {"Probability"}}}},
                  {"actions", {{{"kind", "update_field"}, {"field", "Amount"}, {"value", "Amount + 1"}}}}});
        SaveResult r = f.ws->records().Create(
            "admin", "Opportunity", {{"Name", "Loop"}, {"StageName", "Prospecting"}, {"Amount", 1}});
        REQUIRE_FALSE(r.ok());
        CHECK(r.errors.front().code == "workflow.recursion");
        CHECK(r.errors.front().message.find("Ping -> Pong -> Ping") != std::string::npos);
        CHECK(f.Count("SELECT count(*) FROM rec_opportunity") == 0);
        // Across records: a Task rule that creates a Task.
        Fixture g;
        g.Create({{"object", "Task"},
                  {"name", "Breed"},
                  {"trigger", {{"kind", "on_create"}}},
                  {"actions", {{{"kind", "create_task"}, {"subject", "again"}}}}});
        SaveResult t = g.ws->records().Create("admin", "Task", {{"Subject", "first"}});
        REQUIRE_FALSE(t.ok());
        CHECK(t.errors.front().code == "workflow.recursion");
        CHECK(g.Count("SELECT count(*) FROM rec_task") == 0);
    }

    TEST_CASE("on_delete rules notify and call webhooks; the inbox counts unread and marks read") {
        Fixture f;
        f.Create({{"object", "Opportunity"},
                  {"name", "Gone"},
                  {"trigger", {{"kind", "on_delete"}}},
                  {"actions",
                   {{{"kind", "notify"}, {"to", "owner"}, {"title", "{{Name}} was deleted"}},
                    {{"kind", "webhook"}, {"url", "http://hooks.example.com/deleted"}}}}});
        const int64_t id = f.Opportunity({{"Name", "Doomed"}});
        REQUIRE(f.ws->records().Delete("admin", "Opportunity", id).ok());
        NotificationService& inbox = f.automation().notifications();
        CHECK(inbox.UnreadCount("admin") == 1);
        std::vector<Notification> list = inbox.Inbox("admin");
        REQUIRE(list.size() == 1);
        CHECK(list[0].title == "Doomed was deleted");
        std::vector<OutboxItem> queued = f.automation().outbox().List();
        REQUIRE(queued.size() == 1);
        CHECK(queued[0].payload["record"]["Name"] == "Doomed");
        CHECK(inbox.MarkRead("nobody", {list[0].id}).error().code == "access.denied");
        REQUIRE(inbox.MarkRead("admin", {list[0].id}).ok());
        CHECK(inbox.UnreadCount("admin") == 0);
    }

    TEST_CASE("bad input is refused when the rule is saved") {
        Fixture f;
        json base = {{"object", "Opportunity"},
                     {"name", "R"},
                     {"trigger", {{"kind", "on_create"}}},
                     {"actions", {{{"kind", "update_field"}, {"field", "NextStep"}, {"value", "\"x\""}}}}};
        json bad = base;
        bad["condition"] = "Amount > ";
        Error e = f.Refused(bad);
        CHECK(e.code == "workflow.bad_condition");
        CHECK(e.position == 10);
        bad = base;
        bad["actions"] = {{{"kind", "webhook"}, {"url", "ftp://example.com/x"}}};
        CHECK(f.Refused(bad).id == "workflow.bad_webhook_url");
        bad = base;
        bad["trigger"] = {{"kind", "time"}, {"field", "CloseDate"}, {"offset", 4000}, {"unit", "days"}};
        CHECK(f.Refused(bad).code == "workflow.offset_out_of_range");
        bad["trigger"] = {{"kind", "time"}, {"field", "Name"}, {"offset", 1}};
        CHECK(f.Refused(bad).id == "workflow.not_a_date_field");
        bad = base;
        bad["actions"] = {{{"kind", "update_field"}, {"field", "Amount"}, {"value", "\"text\""}}};
        CHECK(f.Refused(bad).id == "workflow.value_type");
        bad = base;
        bad["trigger"] = {{"kind", "on_delete"}};
        CHECK(f.Refused(bad).id == "workflow.action_on_delete");
        bad = base;
        bad["actions"] = {{{"kind", "notify"}, {"to", "team"}, {"name", "Nope"}, {"title", "t"}}};
        CHECK(f.Refused(bad).id == "workflow.unknown_team");
        f.Create(base);
        CHECK(f.Refused(base).code == "workflow.duplicate_rule");
    }

    TEST_CASE("a field a rule uses cannot be deleted; the refusal names the rule") {
        Fixture f;
        FieldDef spec;
        spec.object = "Opportunity";
        spec.api_name = "Score__c";
        spec.label = "Score";
        spec.type = FieldType::Number;
        REQUIRE(f.ws->schema().CreateField("admin", spec).ok());
        f.Create({{"object", "Opportunity"},
                  {"name", "Scorer"},
                  {"trigger", {{"kind", "on_create"}}},
                  {"condition", "Score__c > 5"},
                  {"actions", {{{"kind", "update_field"}, {"field", "NextStep"}, {"value", "\"hot\""}}}}});
        Status s = f.ws->schema().DeleteField("admin", "Opportunity", "Score__c");
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().message.find("Scorer") != std::string::npos);
        FieldDef retyped = *(*f.ws->schema().Object("Opportunity"))->Field("Score__c");
        retyped.type = FieldType::Text;
        retyped.length = 20;
        Result<RetypePreview> r = f.ws->schema().RetypeField("admin", retyped, RetypeMode::RefuseIfAny);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == "schema.field_in_use");
        CHECK(r.error().message.find("automation rule Scorer") != std::string::npos);
        REQUIRE(f.automation().Delete("admin", "Opportunity", "Scorer").ok());
        CHECK(f.ws->schema().DeleteField("admin", "Opportunity", "Score__c").ok());
    }

    TEST_CASE("simulate shows what a rule would change without saving") {
        Fixture f;
        const int64_t a = f.Opportunity({{"Name", "A"}, {"Amount", 100}});
        const int64_t b = f.Opportunity({{"Name", "B"}, {"Amount", 900}});
        AutomationRule rule = f.Rule(
            {{"object", "Opportunity"},
             {"name", "Discount"},
             {"trigger", {{"kind", "on_update"}}},
             {"condition", "Amount > 500"},
             {"actions", {{{"kind", "update_field"}, {"field", "Amount"}, {"value", "Amount * 0.9"}}}}});
        Result<std::vector<SimulatedRun>> runs = f.automation().Simulate("admin", rule, {a, b}, "");
        REQUIRE(runs.ok());
        REQUIRE(runs->size() == 2);
        CHECK_FALSE((*runs)[0].condition_met);
        CHECK((*runs)[1].condition_met);
        CHECK((*runs)[1].changes["Amount"] == 810);
        CHECK(f.Get(b)["Amount"] == 900);
    }

    TEST_CASE(
        "through the commands: a bad condition answers its position; each user reads only their own inbox") {
        Fixture f;
        CommandApi api(*f.ws);
        json bad = api.Execute({{"cmd", "automation.create"},
                                {"args",
                                 {{"object", "Account"},
                                  {"name", "Broken"},
                                  {"trigger", {{"kind", "on_create"}}},
                                  {"condition", "Name = "},
                                  {"actions", {{{"kind", "notify"}, {"to", "owner"}, {"title", "t"}}}}}}});
        REQUIRE(bad["ok"] == false);
        CHECK(bad["error"]["code"] == "workflow.bad_condition");
        CHECK(bad["error"]["position"] == 8);
        CHECK(bad["error"]["message_zh"].get<std::string>().find("自动化规则 Broken") != std::string::npos);
        json made =
            api.Execute({{"cmd", "automation.create"},
                         {"args",
                          {{"object", "Account"},
                           {"name", "Hello"},
                           {"trigger", {{"kind", "on_create"}}},
                           {"actions", {{{"kind", "notify"}, {"to", "owner"}, {"title", "Hi {{Name}}"}}}}}}});
        REQUIRE(made["ok"] == true);
        REQUIRE(api.Execute({{"cmd", "users.create"},
                             {"args",
                              {{"username", "pat"},
                               {"full_name", "Pat"},
                               {"email", "pat@example.com"},
                               {"profile", "System Administrator"}}}})["ok"] == true);
        REQUIRE(api.Execute({{"cmd", "records.create"},
                             {"args", {{"object", "Account"}, {"values", {{"Name", "Acme"}}}}}})["ok"] ==
                true);
        json mine = api.Execute({{"cmd", "notifications.inbox.list"}});
        REQUIRE(mine["ok"] == true);
        CHECK(mine["result"]["unread"] == 1);
        CHECK(mine["result"]["notifications"][0]["title"] == "Hi Acme");
        json theirs = api.Execute({{"cmd", "notifications.inbox.list"}, {"as", "pat"}});
        CHECK(theirs["result"]["notifications"].empty());
        const int64_t id = mine["result"]["notifications"][0]["id"];
        json steal =
            api.Execute({{"cmd", "notifications.inbox.read"}, {"as", "pat"}, {"args", {{"ids", {id}}}}});
        CHECK(steal["error"]["code"] == "access.denied");
        json read = api.Execute({{"cmd", "notifications.inbox.read"}, {"args", {{"ids", {id}}}}});
        CHECK(read["result"]["unread"] == 0);
        json log = api.Execute({{"cmd", "workflow.log"}, {"args", {{"object", "Account"}}}});
        REQUIRE(log["ok"] == true);
        CHECK(log["result"]["entries"].size() == 1);
    }
}

// The compiled automation rules a save runs are kept between saves (per object): every change to a rule
// (its condition, trigger fields, active flag, order, deletion) shows on the very next save, also inside
// the change that makes it, and a rule saved in a change that rolls back leaves nothing kept behind.
namespace {

json SetNextStep(const std::string& name, const std::string& condition, const std::string& text,
                 int order = 0) {
    return {{"object", "Opportunity"},
            {"name", name},
            {"order", order},
            {"trigger", {{"kind", "on_create"}}},
            {"condition", condition},
            {"actions", {{{"kind", "update_field"}, {"field", "NextStep"}, {"value", "\"" + text + "\""}}}}};
}

/// The stored rule `name` with `changes` applied, saved.
void Change(Fixture& f, const std::string& name, const json& changes) {
    Result<AutomationRule> old = f.automation().Get("admin", "Opportunity", name);
    REQUIRE(old.ok());
    Result<AutomationRule> rule = AutomationRuleFromJson(changes, *old);
    REQUIRE(rule.ok());
    Result<AutomationRule> r = f.automation().Update("admin", *rule);
    if (!r.ok()) CAPTURE(r.error().message);
    REQUIRE(r.ok());
}

/// NextStep of a new Opportunity with this Amount.
json NextStepOfNew(Fixture& f, int amount) { return f.Get(f.Opportunity({{"Amount", amount}}))["NextStep"]; }

}  // namespace

TEST_SUITE("workflow.rule_cache") {
    TEST_CASE("a changed condition, active flag or deletion shows on the next save") {
        Fixture f;
        f.Create(SetNextStep("Big", "Amount > 100", "big"));
        CHECK(NextStepOfNew(f, 50).is_null());
        CHECK(NextStepOfNew(f, 500) == "big");
        Change(f, "Big", {{"condition", "Amount > 10"}});
        CHECK(NextStepOfNew(f, 50) == "big");
        Change(f, "Big", {{"active", false}});
        CHECK(NextStepOfNew(f, 500).is_null());
        Change(f, "Big", {{"active", true}});
        CHECK(NextStepOfNew(f, 500) == "big");
        Change(f, "Big", {{"actions",
                          {{{"kind", "update_field"}, {"field", "NextStep"}, {"value", "\"large\""}}}}});
        CHECK(NextStepOfNew(f, 500) == "large");
        REQUIRE(f.automation().Delete("admin", "Opportunity", "Big").ok());
        CHECK(NextStepOfNew(f, 500).is_null());
    }

    TEST_CASE("a changed order number changes which rule runs last on the next save") {
        Fixture f;
        f.Create(SetNextStep("A", "", "a", 1));
        f.Create(SetNextStep("B", "", "b", 2));
        CHECK(NextStepOfNew(f, 1) == "b");
        Change(f, "A", {{"order", 3}});
        CHECK(NextStepOfNew(f, 1) == "a");
        // Same order number: by name.
        Change(f, "B", {{"order", 3}});
        CHECK(NextStepOfNew(f, 1) == "b");
        std::vector<WorkflowLogEntry> log = f.automation().log().List({});
        REQUIRE(log.size() >= 2);
        CHECK(log[0].save_id == log[1].save_id);  // the last save ran A, then B
        CHECK(log[0].rule_name == "A");
        CHECK(log[1].rule_name == "B");
    }

    TEST_CASE("changed trigger kind and trigger fields show on the next save") {
        Fixture f;
        f.Create({{"object", "Opportunity"},
                  {"name", "Watch"},
                  {"trigger", {{"kind", "on_field_change"}, {"fields", {"StageName"}}}},
                  {"actions", {{{"kind", "update_field"}, {"field", "Description"}, {"value", "\"seen\""}}}}});
        const int64_t id = f.Opportunity({{"Amount", 1}});
        REQUIRE(f.ws->records().Update("admin", "Opportunity", id, {{"Description", ""}}).ok());
        REQUIRE(f.ws->records().Update("admin", "Opportunity", id, {{"Amount", 2}}).ok());
        CHECK(f.Get(id)["Description"].is_null());
        Change(f, "Watch", {{"trigger", {{"kind", "on_field_change"}, {"fields", {"Amount"}}}}});
        REQUIRE(f.ws->records().Update("admin", "Opportunity", id, {{"Amount", 3}}).ok());
        CHECK(f.Get(id)["Description"] == "seen");
        REQUIRE(f.ws->records().Update("admin", "Opportunity", id, {{"Description", ""}}).ok());
        REQUIRE(f.ws->records().Update("admin", "Opportunity", id, {{"StageName", "Qualification"}}).ok());
        CHECK(f.Get(id)["Description"].is_null());
        Change(f, "Watch", {{"trigger", {{"kind", "on_update"}}}});
        REQUIRE(f.ws->records().Update("admin", "Opportunity", id, {{"Name", "Renamed"}}).ok());
        CHECK(f.Get(id)["Description"] == "seen");
        CHECK(NextStepOfNew(f, 1).is_null());
        Change(f, "Watch", {{"trigger", {{"kind", "on_create"}}}});
        CHECK(f.Get(f.Opportunity({{"Amount", 1}}))["Description"] == "seen");
    }

    TEST_CASE("a rule saved inside a change runs on that change's saves and is gone when it rolls back") {
        Fixture f;
        f.Create(SetNextStep("Kept", "Amount > 100", "kept"));
        CHECK(NextStepOfNew(f, 500) == "kept");  // the object's rules are compiled and kept
        {
            ChangeScope outer(f.ws->changes(), "admin");
            REQUIRE(outer.begin_status().ok());
            f.Create(SetNextStep("Later", "Amount > 100", "later", 5));
            Change(f, "Kept", {{"condition", "Amount > 1"}});
            CHECK(NextStepOfNew(f, 500) == "later");
            Change(f, "Later", {{"active", false}});
            CHECK(NextStepOfNew(f, 50) == "kept");
        }  // never committed: both rule changes are gone, and so is what was compiled from them
        CHECK(f.automation().List("admin", "Opportunity")->size() == 1);
        CHECK(NextStepOfNew(f, 500) == "kept");
        CHECK(NextStepOfNew(f, 50).is_null());
        {
            ChangeScope outer(f.ws->changes(), "admin");
            REQUIRE(outer.begin_status().ok());
            REQUIRE(f.automation().Delete("admin", "Opportunity", "Kept").ok());
            CHECK(NextStepOfNew(f, 500).is_null());
        }
        CHECK(NextStepOfNew(f, 500) == "kept");
    }

    TEST_CASE("the kept rules follow a schema change between saves") {
        Fixture f;
        f.Create(SetNextStep("Big", "Amount > 100", "big"));
        CHECK(NextStepOfNew(f, 500) == "big");
        FieldDef region;
        region.object = "Opportunity";
        region.api_name = "Region__c";
        region.label = "Region";
        region.type = FieldType::Text;
        Result<FieldDef> added = f.ws->schema().CreateField("admin", region);
        if (!added.ok()) CAPTURE(added.error().message);
        REQUIRE(added.ok());
        CHECK(NextStepOfNew(f, 500) == "big");
        CHECK(NextStepOfNew(f, 5).is_null());
    }
}
