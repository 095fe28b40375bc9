// A picklist value a process uses as a stage, or an automation or approval criterion names, cannot be
// removed from its field: the refusal names who uses it.
#include <doctest/doctest.h>

#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

struct ValueFixture {
    FixedClock clock{1795712400000};
    std::unique_ptr<Workspace> ws;

    ValueFixture() {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
    }

    FieldDef Field(const char* name) { return *(*ws->schema().Object("Opportunity"))->Field(name); }

    /// The field without `value`, saved.
    Result<FieldDef> Remove(const char* field, const std::string& value) {
        FieldDef f = Field(field);
        std::vector<PicklistValue> kept;
        for (const PicklistValue& v : f.picklist)
            if (v.api_name != value) kept.push_back(v);
        REQUIRE(kept.size() + 1 == f.picklist.size());
        f.picklist = kept;
        return ws->schema().UpdateField("admin", f);
    }
};

}  // namespace

TEST_SUITE("workflow.value_use") {
    TEST_CASE("a stage of a process cannot be removed from its picklist; an unused value can") {
        ValueFixture f;
        Process p;
        p.name = "Sales";
        p.object = "Opportunity";
        p.field = "StageName";
        p.stages = {{"Prospecting", 10, {}, "", {}},
                    {"Qualification", 20, {}, "", {}},
                    {"Closed Won", 100, {}, "", {}}};
        REQUIRE(f.ws->processes().Create("admin", p).ok());
        Result<FieldDef> refused = f.Remove("StageName", "Qualification");
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == "schema.value_in_use");
        CHECK(refused.error().field == "picklist");
        CHECK(refused.error().message.find("process Sales (stage)") != std::string::npos);
        CHECK(f.Field("StageName").FindValue("Qualification") != nullptr);
        CHECK(f.Remove("StageName", "Needs Analysis").ok());
    }

    TEST_CASE("a value named by an automation rule's or an approval process's criterion cannot be removed") {
        ValueFixture f;
        FieldDef tier;
        tier.object = "Opportunity";
        tier.api_name = "Tier__c";
        tier.label = "Tier";
        tier.type = FieldType::Picklist;
        tier.picklist = {PicklistValue("Gold", "Gold"), PicklistValue("Silver", "Silver"),
                         PicklistValue("Bronze", "Bronze")};
        REQUIRE(f.ws->schema().CreateField("admin", tier).ok());
        auto rule = AutomationRuleFromJson(
            {{"object", "Opportunity"},
             {"name", "Gold deals"},
             {"trigger", {{"kind", "on_create"}}},
             {"condition", "ISPICKVAL(Tier__c, \"Gold\")"},
             {"actions", {{{"kind", "update_field"}, {"field", "NextStep"}, {"value", "\"vip\""}}}}},
            {});
        REQUIRE(rule.ok());
        REQUIRE(f.ws->automation().Create("admin", *rule).ok());
        auto approval = ApprovalProcessFromJson({{"object", "Opportunity"},
                                                 {"name", "Silver check"},
                                                 {"entry_condition", "ISPICKVAL(Tier__c, \"Silver\")"},
                                                 {"steps", {{{"approver", {{"kind", "manager"}}}}}}});
        REQUIRE(approval.ok());
        REQUIRE(f.ws->approvals().CreateProcess("admin", *approval).ok());
        Result<FieldDef> gold = f.Remove("Tier__c", "Gold");
        REQUIRE_FALSE(gold.ok());
        CHECK(gold.error().code == "schema.value_in_use");
        CHECK(gold.error().message.find("automation rule Gold deals") != std::string::npos);
        Result<FieldDef> silver = f.Remove("Tier__c", "Silver");
        REQUIRE_FALSE(silver.ok());
        CHECK(silver.error().message.find("approval process Opportunity.Silver check") != std::string::npos);
        CHECK(f.Remove("Tier__c", "Bronze").ok());
        // Once the rule is gone, its value can go too.
        REQUIRE(f.ws->automation().Delete("admin", "Opportunity", "Gold deals").ok());
        CHECK(f.Remove("Tier__c", "Gold").ok());
    }
}
