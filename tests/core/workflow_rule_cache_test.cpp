// The compiled automation rules a save runs are kept between saves (per object): every change to a rule
// (its condition, trigger fields, active flag, order, deletion) shows on the very next save, also inside
// the change that makes it, and a rule saved in a change that rolls back leaves nothing kept behind.
#include <doctest/doctest.h>

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

    static json SetNextStep(const std::string& name, const std::string& condition, const std::string& text,
                            int order = 0) {
        return {{"object", "Opportunity"},
                {"name", name},
                {"order", order},
                {"trigger", {{"kind", "on_create"}}},
                {"condition", condition},
                {"actions",
                 {{{"kind", "update_field"}, {"field", "NextStep"}, {"value", "\"" + text + "\""}}}}};
    }
    AutomationRule Create(const json& j) {
        Result<AutomationRule> rule = AutomationRuleFromJson(j, {});
        REQUIRE(rule.ok());
        Result<AutomationRule> r = automation().Create("admin", *rule);
        if (!r.ok()) CAPTURE(r.error().message);
        REQUIRE(r.ok());
        return *r;
    }
    /// The stored rule `name` with `changes` applied, saved.
    void Change(const std::string& name, const json& changes) {
        Result<AutomationRule> old = automation().Get("admin", "Opportunity", name);
        REQUIRE(old.ok());
        Result<AutomationRule> rule = AutomationRuleFromJson(changes, *old);
        REQUIRE(rule.ok());
        Result<AutomationRule> r = automation().Update("admin", *rule);
        if (!r.ok()) CAPTURE(r.error().message);
        REQUIRE(r.ok());
    }
    int64_t Opportunity(const json& values) {
        json v = {{"Name", "Deal"}, {"StageName", "Prospecting"}};
        for (auto it = values.begin(); it != values.end(); ++it) v[it.key()] = it.value();
        SaveResult r = ws->records().Create("admin", "Opportunity", v);
        if (!r.ok()) CAPTURE(r.errors.front().message);
        REQUIRE(r.ok());
        return r.id;
    }
    json Get(int64_t id) {
        Result<json> r = ws->records().Get("admin", "Opportunity", id);
        REQUIRE(r.ok());
        return *r;
    }
    /// NextStep of a new Opportunity with this Amount.
    json NextStepOfNew(int amount) { return Get(Opportunity({{"Amount", amount}}))["NextStep"]; }
};

}  // namespace

TEST_SUITE("workflow.rule_cache") {
    TEST_CASE("a changed condition, active flag or deletion shows on the next save") {
        Fixture f;
        f.Create(Fixture::SetNextStep("Big", "Amount > 100", "big"));
        CHECK(f.NextStepOfNew(50).is_null());
        CHECK(f.NextStepOfNew(500) == "big");
        f.Change("Big", {{"condition", "Amount > 10"}});
        CHECK(f.NextStepOfNew(50) == "big");
        f.Change("Big", {{"active", false}});
        CHECK(f.NextStepOfNew(500).is_null());
        f.Change("Big", {{"active", true}});
        CHECK(f.NextStepOfNew(500) == "big");
        f.Change("Big", {{"actions",
                          {{{"kind", "update_field"}, {"field", "NextStep"}, {"value", "\"large\""}}}}});
        CHECK(f.NextStepOfNew(500) == "large");
        REQUIRE(f.automation().Delete("admin", "Opportunity", "Big").ok());
        CHECK(f.NextStepOfNew(500).is_null());
    }

    TEST_CASE("a changed order number changes which rule runs last on the next save") {
        Fixture f;
        f.Create(Fixture::SetNextStep("A", "", "a", 1));
        f.Create(Fixture::SetNextStep("B", "", "b", 2));
        CHECK(f.NextStepOfNew(1) == "b");
        f.Change("A", {{"order", 3}});
        CHECK(f.NextStepOfNew(1) == "a");
        // Same order number: by name.
        f.Change("B", {{"order", 3}});
        CHECK(f.NextStepOfNew(1) == "b");
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
        f.Change("Watch", {{"trigger", {{"kind", "on_field_change"}, {"fields", {"Amount"}}}}});
        REQUIRE(f.ws->records().Update("admin", "Opportunity", id, {{"Amount", 3}}).ok());
        CHECK(f.Get(id)["Description"] == "seen");
        REQUIRE(f.ws->records().Update("admin", "Opportunity", id, {{"Description", ""}}).ok());
        REQUIRE(f.ws->records().Update("admin", "Opportunity", id, {{"StageName", "Qualification"}}).ok());
        CHECK(f.Get(id)["Description"].is_null());
        f.Change("Watch", {{"trigger", {{"kind", "on_update"}}}});
        REQUIRE(f.ws->records().Update("admin", "Opportunity", id, {{"Name", "Renamed"}}).ok());
        CHECK(f.Get(id)["Description"] == "seen");
        CHECK(f.NextStepOfNew(1).is_null());
        f.Change("Watch", {{"trigger", {{"kind", "on_create"}}}});
        CHECK(f.Get(f.Opportunity({{"Amount", 1}}))["Description"] == "seen");
    }

    TEST_CASE("a rule saved inside a change runs on that change's saves and is gone when it rolls back") {
        Fixture f;
        f.Create(Fixture::SetNextStep("Kept", "Amount > 100", "kept"));
        CHECK(f.NextStepOfNew(500) == "kept");  // the object's rules are compiled and kept
        {
            ChangeScope outer(f.ws->changes(), "admin");
            REQUIRE(outer.begin_status().ok());
            f.Create(Fixture::SetNextStep("Later", "Amount > 100", "later", 5));
            f.Change("Kept", {{"condition", "Amount > 1"}});
            CHECK(f.NextStepOfNew(500) == "later");
            f.Change("Later", {{"active", false}});
            CHECK(f.NextStepOfNew(50) == "kept");
        }  // never committed: both rule changes are gone, and so is what was compiled from them
        CHECK(f.automation().List("admin", "Opportunity")->size() == 1);
        CHECK(f.NextStepOfNew(500) == "kept");
        CHECK(f.NextStepOfNew(50).is_null());
        {
            ChangeScope outer(f.ws->changes(), "admin");
            REQUIRE(outer.begin_status().ok());
            REQUIRE(f.automation().Delete("admin", "Opportunity", "Kept").ok());
            CHECK(f.NextStepOfNew(500).is_null());
        }
        CHECK(f.NextStepOfNew(500) == "kept");
    }

    TEST_CASE("the kept rules follow a schema change between saves") {
        Fixture f;
        f.Create(Fixture::SetNextStep("Big", "Amount > 100", "big"));
        CHECK(f.NextStepOfNew(500) == "big");
        FieldDef region;
        region.object = "Opportunity";
        region.api_name = "Region__c";
        region.label = "Region";
        region.type = FieldType::Text;
        Result<FieldDef> added = f.ws->schema().CreateField("admin", region);
        if (!added.ok()) CAPTURE(added.error().message);
        REQUIRE(added.ok());
        CHECK(f.NextStepOfNew(500) == "big");
        CHECK(f.NextStepOfNew(5).is_null());
    }
}
