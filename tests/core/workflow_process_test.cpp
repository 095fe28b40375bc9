// Processes: stages on a picklist, their rules on saves, who follows which process, bad definitions,
// the fields they hold, and simulation.
#include <doctest/doctest.h>

#include "common/error_text.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1795712400000;  // 2026-11-26T17:00:00Z

struct ProcessFixture {
    FixedClock clock{kNow};
    std::unique_ptr<Workspace> ws;

    ProcessFixture() {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        AccessService& a = ws->access();
        REQUIRE(a.CreatePermissionSet("admin", PermissionSetKind::Profile, "Rep", "").ok());
        REQUIRE(a.SetObjectPermissions("admin", PermissionSetKind::Profile, "Rep", "Opportunity",
                                       kObjRead | kObjCreate | kObjEdit)
                    .ok());
        User rep;
        rep.username = "rep";
        rep.full_name = "Rita Rep";
        rep.email = "rep@example.com";
        rep.profile = "Rep";
        REQUIRE(a.CreateUser("admin", rep).ok());
        REQUIRE(a.CreateTeam("admin", "Deal Desk", "").ok());
    }

    /// The sales process of the tests: Prospecting -> Qualification -> Closed Won, or Closed Lost.
    Process Sales() const {
        Process p;
        p.name = "Sales";
        p.object = "Opportunity";
        p.field = "StageName";
        p.probability_field = "Probability";
        p.profiles = {"Rep"};
        ProcessStage prospecting{"Prospecting", 10, {}, "", {"Qualification", "Closed Lost"}};
        ProcessStage qualification{"Qualification", 20, {"Amount"}, "", {"Closed Won", "Closed Lost"}};
        ProcessStage won{"Closed Won", 100, {"CloseDate"}, "Amount >= 1000", {}};
        ProcessStage lost{"Closed Lost", 0, {}, "", {}};
        p.stages = {prospecting, qualification, won, lost};
        return p;
    }

    SaveResult Create(const std::string& as, const json& values) {
        return ws->records().Create(as, "Opportunity", values);
    }
    SaveResult Move(const std::string& as, int64_t id, const json& values) {
        return ws->records().Update(as, "Opportunity", id, values);
    }
    json Get(int64_t id) { return *ws->records().Get("admin", "Opportunity", id); }
};

}  // namespace

TEST_SUITE("workflow.process") {
    TEST_CASE("a stage sets its probability, requires its fields and allows only its next stages") {
        ProcessFixture f;
        REQUIRE(f.ws->processes().Create("admin", f.Sales()).ok());
        SaveResult made = f.Create("rep", {{"Name", "Deal"}, {"StageName", "Prospecting"}});
        REQUIRE(made.ok());
        CHECK(f.Get(made.id)["Probability"] == 10);

        // Prospecting may not jump to Closed Won.
        SaveResult jump = f.Move(
            "rep", made.id, {{"StageName", "Closed Won"}, {"Amount", 5000}, {"CloseDate", "2026-12-01"}});
        REQUIRE_FALSE(jump.ok());
        CHECK(jump.errors[0].code == "process.transition");
        CHECK(jump.errors[0].field == "StageName");
        CHECK(jump.errors[0].message ==
              "The process Sales does not allow moving from stage Prospecting to stage Closed Won; after "
              "Prospecting "
              "come Qualification, Closed Lost.");
        CHECK(ErrorMessageIn(jump.errors[0], "zh-CN") ==
              "流程 Sales 不允许从阶段 Prospecting 转到阶段 Closed Won；阶段 Prospecting 之后只能是 "
              "Qualification, Closed Lost。");

        // Qualification needs Amount.
        SaveResult missing = f.Move("rep", made.id, {{"StageName", "Qualification"}});
        REQUIRE_FALSE(missing.ok());
        CHECK(missing.errors[0].code == "process.required_field");
        CHECK(missing.errors[0].field == "Amount");
        CHECK(ErrorMessageIn(missing.errors[0], "zh-CN") ==
              "流程 Sales 的阶段 Qualification 要求填写 Amount（Amount）；请先填写。");
        REQUIRE(f.Move("rep", made.id, {{"StageName", "Qualification"}, {"Amount", 500}}).ok());
        CHECK(f.Get(made.id)["Probability"] == 20);

        // Closed Won: CloseDate required and the entry condition Amount >= 1000; both reported.
        SaveResult won = f.Move("rep", made.id, {{"StageName", "Closed Won"}});
        REQUIRE(won.errors.size() == 2);
        CHECK(won.errors[0].code == "process.required_field");
        CHECK(won.errors[0].field == "CloseDate");
        CHECK(won.errors[1].code == "process.entry_condition");
        CHECK(won.errors[1].message ==
              "The record does not meet the entry condition of stage Closed Won of the process Sales: Amount "
              ">= 1000");
        CHECK(ErrorMessageIn(won.errors[1], "zh-CN") ==
              "记录不满足流程 Sales 阶段 Closed Won 的进入条件：Amount >= 1000");
        // An explicit probability wins over the stage's.
        REQUIRE(f.Move("rep", made.id,
                       {{"StageName", "Closed Won"},
                        {"Amount", 2000},
                        {"CloseDate", "2026-12-01"},
                        {"Probability", 90}})
                    .ok());
        CHECK(f.Get(made.id)["Probability"] == 90);
        // A save that leaves the stage alone is not checked.
        CHECK(f.Move("rep", made.id, {{"Amount", 10}}).ok());
    }

    TEST_CASE("a value outside the process is refused; who follows which process is by profile or team") {
        ProcessFixture f;
        Process p = f.Sales();
        p.stages.erase(p.stages.begin() + 1);  // no Qualification
        p.stages[0].next = {};
        REQUIRE(f.ws->processes().Create("admin", p).ok());
        SaveResult r = f.Create("rep", {{"Name", "Deal"}, {"StageName", "Qualification"}});
        REQUIRE_FALSE(r.ok());
        CHECK(r.errors[0].code == "process.not_a_stage");
        CHECK(ErrorMessageIn(r.errors[0], "zh-CN") ==
              "Qualification 不是流程 Sales（Opportunity.StageName）的阶段；其阶段为 Prospecting, Closed "
              "Won, Closed Lost。");
        // The administrator's profile does not follow it: any value goes.
        CHECK(f.Create("admin", {{"Name", "Deal"}, {"StageName", "Qualification"}}).ok());
        // A process for the Deal Desk team binds its members (the admin joins it).
        Process desk = f.Sales();
        desk.name = "Desk";
        desk.profiles = {};
        desk.teams = {"deal desk"};
        desk.stages = {{"Negotiation", 80, {"Amount"}, "", {}}};
        Result<Process> made = f.ws->processes().Create("admin", desk);
        REQUIRE(made.ok());
        CHECK(made->teams == std::vector<std::string>{"Deal Desk"});
        REQUIRE(f.ws->access().AddTeamMember("admin", "Deal Desk", "admin").ok());
        SaveResult admin = f.Create("admin", {{"Name", "Deal"}, {"StageName", "Negotiation"}});
        REQUIRE_FALSE(admin.ok());
        CHECK(admin.errors[0].code == "process.required_field");
        CHECK(f.ws->processes().ProcessFor("admin", "Opportunity")->name == "Desk");
        CHECK(f.ws->processes().ProcessFor("rep", "Opportunity")->name == "Sales");
        // The system actor follows none.
        CHECK(f.Create(kSystemActor, {{"Name", "Deal"}, {"StageName", "Qualification"}}).ok());
    }

    TEST_CASE(
        "bad definitions: a value not in the picklist, a bad formula with its position, unknown names") {
        ProcessFixture f;
        ProcessService& ps = f.ws->processes();
        Process p = f.Sales();
        p.stages[1].value = "Qualifying";
        Result<Process> r = ps.Create("admin", p);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == "process.unknown_value");
        CHECK(r.error().field == "stages[1].value");

        p = f.Sales();
        p.stages[2].entry_condition = "Amount >= ";
        r = ps.Create("admin", p);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == "process.bad_condition");
        CHECK(r.error().field == "stages[2].entry_condition");
        CHECK(r.error().position == 11);
        CHECK(ErrorMessageIn(r.error(), "zh-CN").rfind("阶段 Closed Won 的进入条件无效：", 0) == 0);

        p = f.Sales();
        p.field = "Type__x";
        CHECK(ps.Create("admin", p).error().code == "process.unknown_field");
        p = f.Sales();
        p.field = "Amount";
        CHECK(ps.Create("admin", p).error().code == "process.not_picklist");
        p = f.Sales();
        p.stages[0].next = {"Negotiation"};
        CHECK(ps.Create("admin", p).error().code == "process.unknown_next");
        p = f.Sales();
        p.profiles = {"Nobody"};
        CHECK(ps.Create("admin", p).error().code == "process.unknown_profile");
        p = f.Sales();
        p.stages[0].probability = 120;
        CHECK(ps.Create("admin", p).error().code == "process.bad_probability");
        p = f.Sales();
        p.stages.push_back(p.stages[0]);
        CHECK(ps.Create("admin", p).error().code == "process.duplicate_stage");
        // Without Manage Workflows: denied.
        CHECK(ps.Create("rep", f.Sales()).error().code == "access.denied");
        CHECK(ps.List("rep").error().code == "access.denied");
        // JSON form: unknown keys are named.
        Result<Process> j = ProcessFromJson(json{{"name", "X"}, {"stagez", json::array()}}, Process{});
        REQUIRE_FALSE(j.ok());
        CHECK(j.error().code == "process.unknown_key");
        // A name is unique.
        REQUIRE(ps.Create("admin", f.Sales()).ok());
        CHECK(ps.Create("admin", f.Sales()).error().code == "process.name_taken");
    }

    TEST_CASE("a field a process uses is not deleted while the process exists") {
        ProcessFixture f;
        FieldDef region;
        region.object = "Opportunity";
        region.api_name = "Region__c";
        region.label = "Region";
        region.type = FieldType::Text;
        REQUIRE(f.ws->schema().CreateField("admin", region).ok());
        FieldDef score = region;
        score.api_name = "Score__c";
        score.label = "Score";
        score.type = FieldType::Number;
        REQUIRE(f.ws->schema().CreateField("admin", score).ok());
        Process p = f.Sales();
        p.stages[1].required_fields = {"Region__c"};
        p.stages[2].entry_condition = "Score__c > 3";
        REQUIRE(f.ws->processes().Create("admin", p).ok());
        for (const char* field : {"Region__c", "Score__c"}) {
            Status s = f.ws->schema().DeleteField("admin", "Opportunity", field);
            REQUIRE_FALSE(s.ok());
            CHECK(s.error().code == "schema.field_in_use");
            CHECK(s.error().message.find("process Sales") != std::string::npos);
        }
        // Nor retyped.
        FieldDef as_text = *(*f.ws->schema().Object("Opportunity"))->Field("Score__c");
        as_text.type = FieldType::Text;
        Result<RetypePreview> retyped =
            f.ws->schema().RetypeField("admin", as_text, RetypeMode::ClearFailures);
        REQUIRE_FALSE(retyped.ok());
        CHECK(retyped.error().code == "schema.field_in_use");
        CHECK(ErrorMessageIn(retyped.error(), "zh-CN").find("process Sales") != std::string::npos);
        REQUIRE(f.ws->processes().Delete("admin", "Sales").ok());
        CHECK(f.ws->schema().DeleteField("admin", "Opportunity", "Region__c").ok());
    }

    TEST_CASE("simulate: which stored records would break which rule of a changed process, nothing saved") {
        ProcessFixture f;
        SaveResult a = f.Create("admin", {{"Name", "A"}, {"StageName", "Qualification"}, {"Amount", 100}});
        SaveResult b = f.Create("admin", {{"Name", "B"}, {"StageName", "Qualification"}});
        SaveResult c = f.Create("admin", {{"Name", "C"}, {"StageName", "Negotiation"}, {"Amount", 100}});
        REQUIRE((a.ok() && b.ok() && c.ok()));
        Process p = f.Sales();
        Result<ProcessSimulation> sim = f.ws->processes().Simulate("admin", p, {}, "");
        REQUIRE(sim.ok());
        CHECK(sim->records == 3);
        CHECK(sim->breaking == 2);
        REQUIRE(sim->violations.size() == 2);
        CHECK(sim->violations[0].record_id == b.id);
        CHECK(sim->violations[0].error.code == "process.required_field");
        CHECK(sim->violations[1].record_id == c.id);
        CHECK(sim->violations[1].error.code == "process.not_a_stage");
        // Moving A to Closed Won would miss CloseDate and the condition.
        sim = f.ws->processes().Simulate("admin", p, {a.id}, "", "Closed Won");
        REQUIRE(sim.ok());
        CHECK(sim->breaking == 1);
        CHECK(sim->violations.size() == 2);
        CHECK(f.ws->processes().All().empty());
        CHECK(f.ws->processes().Simulate("rep", p, {}, "").error().code == "access.denied");
    }
}
