// More rules of SEMANTICS.md (Permissions), one behaviour per case: the hierarchy switch on a custom object,
// criteria-based rules, Modify All, field-level security in every answer, transfer, and lock-out of a user
// whose access came from a team, a permission set or a profile.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>

#include "access_fixture.h"
#include "api/command_api.h"
#include "demo/demo_company.h"
#include "workspace.h"

using namespace crm;
using crm::test::Org;
using nlohmann::json;

TEST_SUITE("access.rules") {
    TEST_CASE("switching hierarchies off on a custom object takes the manager's access away") {
        Org org;
        SaveResult p = org.ws->records().Create("rep", "Project__c", {{"Name", "Bridge"}});
        REQUIRE(p.ok());
        CHECK(org.Can("mgr", ObjectAction::Edit, p.id, "Project__c"));
        REQUIRE(org.a()
                    .SetSharing("admin", ObjectSharing{"Project__c", OrgWideDefault::Private, false,
                                                       AccessLevel::None})
                    .ok());
        CHECK_FALSE(org.Can("mgr", ObjectAction::Read, p.id, "Project__c"));
        CHECK(org.ws->records().List("mgr", "Project__c", ListQuery{})->total == 0);
        CHECK(org.Can("rep", ObjectAction::Edit, p.id, "Project__c"));
        // Standard objects keep it on.
        CHECK(org.a()
                  .SetSharing("admin",
                              ObjectSharing{"Opportunity", OrgWideDefault::Private, false, AccessLevel::None})
                  .error()
                  .code == "access.hierarchy_required");
    }

    TEST_CASE("a criteria-based rule shares exactly the matching records, in decisions and in lists") {
        Org org;
        const int64_t big = org.Deal("rep", 500000), small = org.Deal("rep", 100);
        SharingRule rule;
        rule.object = "Opportunity";
        rule.name = "Big deals";
        rule.criteria = "Amount >= 300000";
        rule.share_with = ShareGroup{ShareGroup::Kind::User, "rep2"};
        rule.level = AccessLevel::Edit;
        REQUIRE(org.a().SaveSharingRule("admin", rule).ok());
        CHECK(org.Can("rep2", ObjectAction::Edit, big));
        CHECK_FALSE(org.Can("rep2", ObjectAction::Delete, big));  // sharing never gives Full
        CHECK_FALSE(org.Can("rep2", ObjectAction::Read, small));
        auto page = org.ws->records().List("rep2", "Opportunity", ListQuery{});
        REQUIRE(page.ok());
        REQUIRE(page->total == 1);
        CHECK(page->rows[0]["Id"] == big);
        // A record that stops matching stops being shared.
        REQUIRE(org.ws->records().Update("rep", "Opportunity", big, {{"Amount", 10}}).ok());
        CHECK_FALSE(org.Can("rep2", ObjectAction::Read, big));
        rule.criteria = "Amount >";
        CHECK_FALSE(org.a().SaveSharingRule("admin", rule).ok());
    }

    TEST_CASE("Modify All gives full access to every record, with no sharing") {
        Org org;
        const int64_t id = org.Deal("rep");
        CHECK_FALSE(org.Can("rep2", ObjectAction::Delete, id));
        REQUIRE(org.a().CreatePermissionSet("admin", PermissionSetKind::PermissionSet, "Ops", "").ok());
        REQUIRE(org.a()
                    .SetObjectPermissions("admin", PermissionSetKind::PermissionSet, "Ops", "Opportunity",
                                          kObjModifyAll)
                    .ok());
        REQUIRE(org.a().AssignPermissionSet("admin", "Ops", "rep2").ok());
        CHECK(org.Can("rep2", ObjectAction::Delete, id));
        CHECK(org.Can("rep2", ObjectAction::Edit, id));
        CHECK(org.ws->records().Delete("rep2", "Opportunity", id).ok());
    }

    TEST_CASE("a field the user cannot read is absent from get, list and API answers") {
        Org org;
        const int64_t id = org.Deal("rep", 777);
        REQUIRE(
            org.a()
                .SetFieldPermissions("admin", PermissionSetKind::Profile, "Sales", "Opportunity", "Amount", 0)
                .ok());
        auto got = org.ws->records().Get("rep", "Opportunity", id);
        REQUIRE(got.ok());
        CHECK_FALSE(got->contains("Amount"));
        CHECK(got->contains("Name"));
        ListQuery q;
        q.columns = {"Name", "Amount"};
        auto page = org.ws->records().List("rep", "Opportunity", q);
        REQUIRE(page.ok());
        CHECK(std::find(page->columns.begin(), page->columns.end(), "Amount") == page->columns.end());
        for (const json& row : page->rows) CHECK_FALSE(row.contains("Amount"));
        CommandApi api(*org.ws);
        json r = api.Execute(
            json{{"cmd", "records.get"}, {"as", "rep"}, {"args", {{"object", "Opportunity"}, {"id", id}}}});
        REQUIRE(r["ok"] == true);
        CHECK_FALSE(r["result"].contains("Amount"));
        r = api.Execute(json{{"cmd", "records.list"}, {"as", "rep"}, {"args", {{"object", "Opportunity"}}}});
        REQUIRE(r["ok"] == true);
        for (const json& row : r["result"]["rows"]) CHECK_FALSE(row.contains("Amount"));
        // The administrator still sees it.
        CHECK(org.ws->records().Get("admin", "Opportunity", id)->at("Amount") == 777);
    }

    TEST_CASE("criteria are checked as a save checks them: Boolean, known fields, runnable in SQL") {
        Org org;
        CHECK(org.a().CheckCriteria("Opportunity", "Amount > 100000").ok());
        for (const char* bad : {"Amount >", "Amount", "Amont > 5"}) {
            CAPTURE(bad);
            Result<formula::CompiledFormula> c = org.a().CheckCriteria("Opportunity", bad);
            REQUIRE_FALSE(c.ok());
            CHECK(c.error().field == "criteria");
            SharingRule rule;
            rule.object = "Opportunity";
            rule.name = "Check";
            rule.criteria = bad;
            rule.share_with = ShareGroup{ShareGroup::Kind::Role, "Other"};
            Result<SharingRule> saved = org.a().SaveSharingRule("admin", rule);
            REQUIRE_FALSE(saved.ok());
            CHECK(saved.error().code == c.error().code);
            CHECK(saved.error().message == c.error().message);
        }
        CHECK(org.a().CheckCriteria("Nope__c", "true").error().field == "object");
    }

    TEST_CASE("a field a criteria-based rule reads is not deleted under it") {
        Org org;
        FieldDef budget;
        budget.object = "Project__c";
        budget.api_name = "Budget__c";
        budget.label = "Budget";
        budget.type = FieldType::Number;
        REQUIRE(org.ws->schema().CreateField("admin", budget).ok());
        SharingRule rule;
        rule.object = "Project__c";
        rule.name = "Big_projects";
        rule.criteria = "Budget__c > 1000";
        rule.share_with = ShareGroup{ShareGroup::Kind::User, "rep2"};
        REQUIRE(org.a().SaveSharingRule("admin", rule).ok());
        Status refused = org.ws->schema().DeleteField("admin", "Project__c", "Budget__c");
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == "schema.field_in_use");
        CHECK(refused.error().message.find("sharing rule Project__c.Big_projects") != std::string::npos);
        CHECK(org.ws->schema().Object("Project__c").value()->Field("Budget__c")->state == FieldState::Active);
        REQUIRE(org.a().DeleteSharingRule("admin", "Project__c", "Big_projects").ok());
        CHECK(org.ws->schema().DeleteField("admin", "Project__c", "Budget__c").ok());
    }

    TEST_CASE("transfer moves ownership, and with it the access") {
        Org org;
        const int64_t id = org.Deal("rep");
        CHECK_FALSE(org.Can("rep2", ObjectAction::Edit, id));
        auto moved = org.a().TransferRecords("admin", "rep", "rep2", "Opportunity");
        REQUIRE(moved.ok());
        CHECK(*moved == 1);
        CHECK(org.Can("rep2", ObjectAction::Delete, id) == false);  // the profile has no Delete
        CHECK(org.Can("rep2", ObjectAction::Edit, id));
        CHECK_FALSE(org.Can("rep", ObjectAction::Read, id));
        CHECK(org.a().TransferRecords("admin", "rep", "ghost").error().code == "access.unknown_user");
        CHECK(org.a().DeleteUser("admin", "rep").ok());  // owns nothing now
    }

    TEST_CASE("access is lost when the team, the permission set or the profile that gave it goes") {
        Org org;
        const int64_t id = org.Deal("rep");
        // Team: membership gives team access; leaving takes it away.
        REQUIRE(org.a()
                    .SetSharing("admin", ObjectSharing{"Opportunity", OrgWideDefault::Private, true,
                                                       AccessLevel::Read})
                    .ok());
        REQUIRE(org.a().CreateTeam("admin", "Deal Team", "").ok());
        REQUIRE(org.a().AddTeamMember("admin", "Deal Team", "rep").ok());
        REQUIRE(org.a().AddTeamMember("admin", "Deal Team", "rep2").ok());
        CHECK(org.Can("rep2", ObjectAction::Read, id));
        REQUIRE(org.a().RemoveTeamMember("admin", "Deal Team", "rep2").ok());
        CHECK_FALSE(org.Can("rep2", ObjectAction::Read, id));
        // Permission set, direct and through a team.
        REQUIRE(org.a().CreatePermissionSet("admin", PermissionSetKind::PermissionSet, "See All", "").ok());
        REQUIRE(org.a()
                    .SetObjectPermissions("admin", PermissionSetKind::PermissionSet, "See All", "Opportunity",
                                          kObjViewAll)
                    .ok());
        REQUIRE(org.a().AssignPermissionSet("admin", "See All", "rep2").ok());
        CHECK(org.Can("rep2", ObjectAction::Read, id));
        REQUIRE(org.a().UnassignPermissionSet("admin", "See All", "rep2").ok());
        CHECK_FALSE(org.Can("rep2", ObjectAction::Read, id));
        REQUIRE(org.a().CreateTeam("admin", "Auditors", "").ok());
        REQUIRE(org.a().AddTeamMember("admin", "Auditors", "rep2").ok());
        REQUIRE(org.a().AssignPermissionSetToTeam("admin", "See All", "Auditors").ok());
        CHECK(org.Can("rep2", ObjectAction::Read, id));
        REQUIRE(org.a().UnassignPermissionSetFromTeam("admin", "See All", "Auditors").ok());
        CHECK_FALSE(org.Can("rep2", ObjectAction::Read, id));
        // Profile: the owner moved to a profile without Opportunity loses even their own record.
        User rep = *org.a().GetUser("rep");
        rep.profile = "Nothing";
        REQUIRE(org.a().UpdateUser("admin", rep).ok());
        CHECK_FALSE(org.Can("rep", ObjectAction::Read, id));
        CHECK(org.ws->records().Get("rep", "Opportunity", id).error().code == "records.no_access");
    }
}

TEST_SUITE("demo") {
    TEST_CASE(
        "the demo company has its people: users, a deep role tree, profiles, sets, teams, sharing, owners") {
        auto opened = Workspace::Open(":memory:");
        REQUIRE(opened.ok());
        Workspace& ws = **opened;
        REQUIRE(GenerateDemoCompany(ws, DemoOptions{}).ok());
        AccessService& a = ws.access();
        const std::vector<User> users = a.Users();
        CHECK(users.size() >= 40);
        bool chinese = false, english = false;
        for (const User& u : users) {
            if (u.full_name.find(' ') != std::string::npos)
                english = true;
            else if (static_cast<unsigned char>(u.full_name[0]) >= 0x80)
                chinese = true;
        }
        CHECK((chinese && english));
        const std::vector<Role> roles = a.Roles();
        CHECK(roles.size() >= 10);
        std::map<std::string, std::string> parent;
        for (const Role& r : roles) parent[r.name] = r.parent;
        size_t depth = 0;
        for (const Role& r : roles) {
            size_t d = 1;
            for (std::string p = r.parent; !p.empty(); p = parent[p]) ++d;
            depth = std::max(depth, d);
        }
        CHECK(depth >= 4);
        for (const char* p : {"System Administrator", "Sales Manager", "Sales Representative",
                              "Service Agent", "Marketing", "Read Only"})
            CHECK(a.GetPermissionSet(PermissionSetKind::Profile, p).ok());
        for (const char* p : {"Export Data", "Approve Discounts", "Import Data"})
            CHECK(a.GetPermissionSet(PermissionSetKind::PermissionSet, p).ok());
        CHECK(a.Teams().size() >= 3);
        CHECK(a.SharingFor("Opportunity")->owd == OrgWideDefault::Private);
        CHECK(a.SharingFor("Case")->owd == OrgWideDefault::Private);
        CHECK(a.SharingFor("Account")->owd == OrgWideDefault::PublicRead);
        CHECK(a.SharingRules().size() >= 3);
        CHECK(a.GetUser("admin")->active);
        CHECK(a.GetUser("admin")->profile == "System Administrator");
        // Opportunities belong to sales reps, cases to agents; a rep sees fewer deals than the admin.
        std::set<std::string> opportunity_owner_profiles;
        std::map<int64_t, std::string> profile_of;
        for (const User& u : users) profile_of[u.id] = u.profile;
        ListQuery all;
        all.columns = {"OwnerId"};
        all.limit = 1000;
        auto opps = ws.records().List("admin", "Opportunity", all);
        REQUIRE(opps.ok());
        for (const json& row : opps->rows)
            opportunity_owner_profiles.insert(profile_of[row["OwnerId"].get<int64_t>()]);
        CHECK(opportunity_owner_profiles.count("Sales Representative") == 1);
        CHECK(opportunity_owner_profiles.count("System Administrator") == 0);
        std::string a_rep;
        for (const User& u : users)
            if (u.profile == "Sales Representative") a_rep = u.username;
        auto rep_page = ws.records().List(a_rep, "Opportunity", ListQuery{});
        REQUIRE(rep_page.ok());
        CHECK(rep_page->total > 0);
        CHECK(rep_page->total < opps->total);
    }
}
