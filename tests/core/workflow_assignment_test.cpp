// Assignment rules: first match in order, round-robin fairness (across a reopen of the workspace and with
// members deactivated), least open load, queues and taking from them, simulation, AssignOwner.
#include <doctest/doctest.h>

#include <algorithm>

#include "audit/change.h"
#include "common/error_text.h"
#include "demo/demo_company.h"
#include "test_util.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1795712400000;  // 2026-11-26T17:00:00Z

std::unique_ptr<Workspace> OpenAt(const std::string& path, const Clock& clock) {
    WorkspaceOptions o;
    o.clock = &clock;
    auto opened = Workspace::Open(path, o);
    REQUIRE(opened.ok());
    return std::move(opened.value());
}

/// Four agents (a1..a4) on team "East" (a1..a3) and "Tier2" (a4), all with a profile that works Leads and
/// Cases.
void People(Workspace& ws) {
    AccessService& a = ws.access();
    REQUIRE(a.CreatePermissionSet("admin", PermissionSetKind::Profile, "Agent", "").ok());
    for (const char* o : {"Lead", "Case"})
        REQUIRE(a.SetObjectPermissions("admin", PermissionSetKind::Profile, "Agent", o,
                                       kObjRead | kObjCreate | kObjEdit)
                    .ok());
    REQUIRE(a.CreateTeam("admin", "East", "").ok());
    REQUIRE(a.CreateTeam("admin", "Tier2", "").ok());
    for (int i = 1; i <= 4; ++i) {
        User u;
        u.username = "a" + std::to_string(i);
        u.full_name = "Agent " + std::to_string(i);
        u.email = u.username + "@example.com";
        u.profile = "Agent";
        REQUIRE(a.CreateUser("admin", u).ok());
        REQUIRE(a.AddTeamMember("admin", i <= 3 ? "East" : "Tier2", u.username).ok());
    }
}

AssignmentEntry Entry(const std::string& object, const std::string& name, AssignKind kind,
                      const std::string& who, const std::string& condition = {}) {
    AssignmentEntry e;
    e.object = object;
    e.name = name;
    e.kind = kind;
    e.condition = condition;
    (kind == AssignKind::User ? e.user : e.team) = who;
    return e;
}

std::string OwnerOf(Workspace& ws, const std::string& object, int64_t id) {
    json r = *ws.records().Get("admin", object, id);
    const int64_t owner = r["OwnerId"].get<int64_t>();
    for (const User& u : ws.access().Users())
        if (u.id == owner) return u.username;
    return "?";
}

int64_t NewLead(Workspace& ws, const std::string& name, const json& more = json::object()) {
    json values = {{"Name", name}, {"Company", "Acme"}};
    values.update(more);
    SaveResult r = ws.records().Create("admin", "Lead", values);
    REQUIRE(r.ok());
    return r.id;
}

}  // namespace

TEST_SUITE("workflow.assignment") {
    TEST_CASE(
        "round-robin gives each active member a turn, skips inactive ones, and keeps its place across a "
        "reopen") {
        FixedClock clock(kNow);
        const std::string path = test::TempPath("assignment_rr.db");
        std::vector<std::string> owners;
        {
            auto ws = OpenAt(path, clock);
            People(*ws);
            REQUIRE(
                ws->assignment().Create("admin", Entry("Lead", "East", AssignKind::RoundRobin, "East")).ok());
            for (int i = 0; i < 4; ++i)
                owners.push_back(OwnerOf(*ws, "Lead", NewLead(*ws, "L" + std::to_string(i))));
            CHECK(owners == std::vector<std::string>{"a1", "a2", "a3", "a1"});
            // A refused save does not move the turn.
            SaveResult refused = ws->records().Create("admin", "Lead", {{"Name", "No company"}});
            CHECK_FALSE(refused.ok());
        }
        {
            auto ws = OpenAt(path, clock);  // closed and opened again on the same file
            CHECK(OwnerOf(*ws, "Lead", NewLead(*ws, "L4")) == "a2");
            REQUIRE(ws->access().SetUserActive("admin", "a3", false).ok());
            CHECK(OwnerOf(*ws, "Lead", NewLead(*ws, "L5")) == "a1");
            CHECK(OwnerOf(*ws, "Lead", NewLead(*ws, "L6")) == "a2");
            REQUIRE(ws->access().SetUserActive("admin", "a3", true).ok());
            CHECK(OwnerOf(*ws, "Lead", NewLead(*ws, "L7")) == "a3");
            const AssignmentEntry& e = ws->assignment().All().front();
            CHECK(ws->assignment().LastAssigned(e.id) == "a3");
            // Every member inactive: the save is refused, naming the entry and the team.
            for (const char* u : {"a1", "a2", "a3"})
                REQUIRE(ws->access().SetUserActive("admin", u, false).ok());
            SaveResult none = ws->records().Create("admin", "Lead", {{"Name", "X"}, {"Company", "Acme"}});
            REQUIRE_FALSE(none.ok());
            CHECK(none.errors[0].code == "assignment.cannot_assign_team");
            CHECK(ErrorMessageIn(none.errors[0], "zh-CN") ==
                  "分配规则条目 Lead.East 无法分配：团队 East 没有在职成员；请修改该条目或团队。");
        }
    }

    TEST_CASE(
        "the first matching entry in order assigns; an explicit owner is kept; reorder changes the winner") {
        FixedClock clock(kNow);
        auto ws = OpenAt(":memory:", clock);
        People(*ws);
        AssignmentService& as = ws->assignment();
        REQUIRE(as.Create("admin",
                          Entry("Lead", "Banks", AssignKind::User, "a4", "ISPICKVAL(Industry, \"Banking\")"))
                    .ok());
        REQUIRE(as.Create("admin", Entry("Lead", "Everyone", AssignKind::User, "a2")).ok());
        CHECK(OwnerOf(*ws, "Lead", NewLead(*ws, "Bank", {{"Industry", "Banking"}})) == "a4");
        CHECK(OwnerOf(*ws, "Lead", NewLead(*ws, "Shop", {{"Industry", "Retail"}})) == "a2");
        CHECK(OwnerOf(*ws, "Lead", NewLead(*ws, "Mine", {{"Industry", "Banking"}, {"OwnerId", 1}})) ==
              "admin");
        REQUIRE(as.Reorder("admin", "Lead", {"Everyone", "Banks"}).ok());
        CHECK(OwnerOf(*ws, "Lead", NewLead(*ws, "Bank 2", {{"Industry", "Banking"}})) == "a2");
        CHECK(as.Reorder("admin", "Lead", {"Everyone"}).error().code == "assignment.reorder_mismatch");
        // Bad input.
        Result<AssignmentEntry> bad =
            as.Create("admin", Entry("Lead", "Bad", AssignKind::User, "a1", "Industry = "));
        REQUIRE_FALSE(bad.ok());
        CHECK(bad.error().code == "assignment.bad_condition");
        CHECK(bad.error().position > 0);
        CHECK(as.Create("admin", Entry("Lead", "Ghost", AssignKind::RoundRobin, "Nobody")).error().code ==
              "assignment.unknown_team");
        CHECK(as.Create("admin", Entry("Lead", "Banks", AssignKind::User, "a1")).error().code ==
              "assignment.name_taken");
        CHECK(as.Create("a1", Entry("Lead", "Mine", AssignKind::User, "a1")).error().code == "access.denied");
        // A field a condition reads is in use.
        FieldDef tier;
        tier.object = "Lead";
        tier.api_name = "Tier__c";
        tier.label = "Tier";
        tier.type = FieldType::Number;
        REQUIRE(ws->schema().CreateField("admin", tier).ok());
        REQUIRE(as.Create("admin", Entry("Lead", "Tiered", AssignKind::User, "a1", "Tier__c > 2")).ok());
        Status del = ws->schema().DeleteField("admin", "Lead", "Tier__c");
        REQUIRE_FALSE(del.ok());
        CHECK(del.error().message.find("assignment rule Lead.Tiered") != std::string::npos);
    }

    TEST_CASE("least open load picks the member owning the fewest open records") {
        FixedClock clock(kNow);
        auto ws = OpenAt(":memory:", clock);
        People(*ws);
        auto lead_of = [&](const std::string& owner, const std::string& status) {
            const int64_t id = ws->access().GetUser(owner)->id;
            NewLead(*ws, owner + status, {{"OwnerId", id}, {"Status", status}});
        };
        lead_of("a1", "Open - Not Contacted");
        lead_of("a1", "Working - Contacted");
        lead_of("a2", "Open - Not Contacted");
        for (int i = 0; i < 3; ++i) lead_of("a2", "Closed - Converted");  // closed: not counted
        lead_of("a3", "Open - Not Contacted");
        REQUIRE(ws->assignment().Create("admin", Entry("Lead", "Load", AssignKind::LeastLoad, "East")).ok());
        // a2 and a3 own one open lead each: the lower id (a2) first, then a3, then all are even again.
        CHECK(OwnerOf(*ws, "Lead", NewLead(*ws, "N1")) == "a2");
        CHECK(OwnerOf(*ws, "Lead", NewLead(*ws, "N2")) == "a3");
        CHECK(OwnerOf(*ws, "Lead", NewLead(*ws, "N3")) == "a1");
    }

    TEST_CASE("a queue holds records for a team; a member takes one and owns it; others may not") {
        FixedClock clock(kNow);
        auto ws = OpenAt(":memory:", clock);
        People(*ws);
        AssignmentService& as = ws->assignment();
        REQUIRE(as.Create("admin", Entry("Case", "Tier 2", AssignKind::Queue, "Tier2",
                                         "ISPICKVAL(Priority, \"High\")"))
                    .ok());
        AssignmentEntry escalate = Entry("Case", "Escalated", AssignKind::Queue, "Tier2");
        escalate.condition = "ISPICKVAL(Status, \"Escalated\")";
        escalate.on_update = true;
        REQUIRE(as.Create("admin", escalate).ok());
        SaveResult high = ws->records().Create("admin", "Case", {{"Subject", "Down"}, {"Priority", "High"}});
        SaveResult low = ws->records().Create("admin", "Case", {{"Subject", "Slow"}, {"Priority", "Low"}});
        REQUIRE((high.ok() && low.ok()));
        CHECK(OwnerOf(*ws, "Case", high.id) == "admin");
        Result<std::vector<QueueItem>> mine = as.Queue("a4");
        REQUIRE(mine.ok());
        REQUIRE(mine->size() == 1);
        CHECK((*mine)[0].record_id == high.id);
        CHECK((*mine)[0].team == "Tier2");
        CHECK(as.Queue("a1")->empty());  // not on the team
        // An update that moves the case into the escalation entry queues it.
        REQUIRE(ws->records().Update("admin", "Case", low.id, {{"Status", "Escalated"}}).ok());
        CHECK(as.Queue("a4")->size() == 2);
        Result<QueueItem> denied = as.Take("a1", "Case", high.id);
        REQUIRE_FALSE(denied.ok());
        CHECK(denied.error().code == "access.denied");
        Result<QueueItem> taken = as.Take("a4", "Case", high.id);
        REQUIRE(taken.ok());
        CHECK(OwnerOf(*ws, "Case", high.id) == "a4");
        CHECK(as.Queue("a4")->size() == 1);
        CHECK(as.Take("a4", "Case", high.id).error().code == "assignment.not_queued");
        // Re-owning a queued record another way takes it out of the queue; so does deleting it.
        REQUIRE(ws->records()
                    .Update("admin", "Case", low.id, {{"OwnerId", ws->access().GetUser("a1")->id}})
                    .ok());
        CHECK(as.Queue("admin")->empty());
    }

    TEST_CASE(
        "simulate says who would get each record without saving or moving the rotation; AssignOwner applies "
        "it") {
        FixedClock clock(kNow);
        auto ws = OpenAt(":memory:", clock);
        People(*ws);
        std::vector<int64_t> ids;
        for (int i = 0; i < 3; ++i) ids.push_back(NewLead(*ws, "L" + std::to_string(i)));
        AssignmentService& as = ws->assignment();
        REQUIRE(as.Create("admin", Entry("Lead", "East", AssignKind::RoundRobin, "East")).ok());
        Result<std::vector<AssignmentPreview>> sim = as.Simulate("admin", "Lead", ids, "", std::nullopt);
        REQUIRE(sim.ok());
        REQUIRE(sim->size() == 3);
        CHECK((*sim)[0].outcome.owner == "a1");
        CHECK((*sim)[1].outcome.owner == "a2");
        CHECK((*sim)[2].outcome.owner == "a3");
        CHECK((*sim)[0].current_owner == "admin");
        CHECK(as.LastAssigned(as.All().front().id).empty());
        // A proposed rule set, not saved.
        sim = as.Simulate("admin", "Lead", {}, "Name = \"L1\"",
                          std::vector<AssignmentEntry>{Entry("Lead", "Tier", AssignKind::User, "a4")});
        REQUIRE(sim.ok());
        REQUIRE(sim->size() == 1);
        CHECK((*sim)[0].outcome.owner == "a4");
        // A proposed set repeating the stored entries' names (an edit of them) is a set of its own; two
        // proposed entries of one name are refused.
        sim = as.Simulate("admin", "Lead", {}, "Name = \"L1\"",
                          std::vector<AssignmentEntry>{Entry("Lead", "East", AssignKind::User, "a4")});
        REQUIRE(sim.ok());
        CHECK((*sim)[0].outcome.owner == "a4");
        sim = as.Simulate("admin", "Lead", {}, "",
                          std::vector<AssignmentEntry>{Entry("Lead", "Twice", AssignKind::User, "a4"),
                                                       Entry("Lead", "twice", AssignKind::User, "a3")});
        REQUIRE_FALSE(sim.ok());
        CHECK(sim.error().code == "assignment.name_taken");
        CHECK(as.Simulate("a1", "Lead", ids, "", std::nullopt).error().code == "access.denied");
        // AssignOwner inside a change: the rotation moves and the owner is saved.
        {
            ChangeScope scope(ws->changes(), "admin");
            Result<AssignmentOutcome> out = as.AssignOwner(scope, "Lead", ids[0]);
            REQUIRE(out.ok());
            CHECK(out->matched);
            CHECK(out->owner == "a1");
            REQUIRE(scope.Commit().ok());
        }
        CHECK(OwnerOf(*ws, "Lead", ids[0]) == "a1");
        CHECK(as.LastAssigned(as.All().front().id) == "a1");
        // Rolled back with its scope.
        {
            ChangeScope scope(ws->changes(), "admin");
            REQUIRE(as.AssignOwner(scope, "Lead", ids[1]).ok());
        }
        CHECK(OwnerOf(*ws, "Lead", ids[1]) == "admin");
        CHECK(as.LastAssigned(as.All().front().id) == "a1");
    }

    TEST_CASE(
        "the demo company: sales and service processes, leads round-robin over 华东销售团队, cases to "
        "Support Tier 2") {
        FixedClock clock(kNow);
        auto ws = OpenAt(":memory:", clock);
        REQUIRE(GenerateDemoCompany(*ws, DemoOptions{}).ok());
        REQUIRE(ws->processes().All().size() == 2);
        CHECK(ws->processes().All()[0].object == "Opportunity");
        CHECK(ws->processes().All()[1].object == "Case");
        std::vector<std::string> east;
        for (const Team& t : ws->access().Teams())
            if (t.name == "华东销售团队") east = t.members;
        REQUIRE(east.size() == 4);
        std::vector<std::string> got;
        for (int i = 0; i < 5; ++i) {
            SaveResult r = ws->records().Create(
                "admin", "Lead", {{"Name", "L" + std::to_string(i)}, {"Company", "Acme"}, {"City", "上海"}});
            REQUIRE(r.ok());
            got.push_back(OwnerOf(*ws, "Lead", r.id));
        }
        std::sort(east.begin(), east.end(), [&](const std::string& a, const std::string& b) {
            return ws->access().GetUser(a)->id < ws->access().GetUser(b)->id;
        });
        CHECK(got == std::vector<std::string>{east[0], east[1], east[2], east[3], east[0]});
        SaveResult high = ws->records().Create("admin", "Case", {{"Subject", "Down"}, {"Priority", "High"}});
        REQUIRE(high.ok());
        std::vector<std::string> tier2;
        for (const Team& t : ws->access().Teams())
            if (t.name == "Support Tier 2") tier2 = t.members;
        CHECK(std::count(tier2.begin(), tier2.end(), OwnerOf(*ws, "Case", high.id)) == 1);
    }
}
