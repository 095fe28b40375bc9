// The permission rules of SEMANTICS.md, one behaviour per case, through the real services.
#include <doctest/doctest.h>

#include "api/command_api.h"
#include "test_util.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

// A small organization: CEO > VP > Manager > Rep, a second rep, a Private Opportunity.
struct Org {
    std::unique_ptr<Workspace> ws;
    AccessService& a() { return ws->access(); }
    Org() {
        auto opened = Workspace::Open(":memory:");
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        REQUIRE(a().CreateRole("admin", "CEO", "").ok());
        REQUIRE(a().CreateRole("admin", "VP", "CEO").ok());
        REQUIRE(a().CreateRole("admin", "Manager", "VP").ok());
        REQUIRE(a().CreateRole("admin", "Rep", "Manager").ok());
        REQUIRE(a().CreateRole("admin", "Other Rep", "VP").ok());
        REQUIRE(a().CreatePermissionSet("admin", PermissionSetKind::Profile, "Sales", "").ok());
        REQUIRE(a().SetObjectPermissions("admin", PermissionSetKind::Profile, "Sales", "Opportunity",
                                         kObjCreate | kObjEdit).ok());
        REQUIRE(a().SetSharing("admin", ObjectSharing{"Opportunity", OrgWideDefault::Private, true, AccessLevel::None}).ok());
        for (auto [name, role] : {std::pair{"ceo", "CEO"}, {"vp", "VP"}, {"mgr", "Manager"}, {"rep", "Rep"}, {"rep2", "Other Rep"}}) {
            User u;
            u.username = name;
            u.full_name = name;
            u.email = std::string(name) + "@example.com";
            u.role = role;
            u.profile = "Sales";
            REQUIRE(a().CreateUser("admin", u).ok());
        }
    }
    int64_t Deal(const char* owner) {
        SaveResult r = ws->records().Create(owner, "Opportunity", {{"Name", "Deal"}, {"StageName", "Prospecting"}, {"CloseDate", "2026-01-01"}});
        REQUIRE(r.ok());
        return r.id;
    }
    bool Can(const char* user, ObjectAction action, int64_t id) { return a().Decide(user, action, "Opportunity", id).allowed; }
};

}  // namespace

TEST_SUITE("access.rules") {
    TEST_CASE("dependencies are turned on and reported") {
        Org org;
        auto c = org.a().SetObjectPermissions("admin", PermissionSetKind::Profile, "Sales", "Account", kObjModifyAll);
        REQUIRE(c.ok());
        CHECK(c->bits == 63 - kObjCreate);
        CHECK(c->turned_on == std::vector<std::string>{"read", "edit", "delete", "view_all"});
        auto f = org.a().SetFieldPermissions("admin", PermissionSetKind::Profile, "Sales", "Account", "Phone", kFieldEdit);
        REQUIRE(f.ok());
        CHECK(f->bits == (kFieldRead | kFieldEdit));
    }

    TEST_CASE("owner, hierarchy, private default: the most generous level wins") {
        Org org;
        const int64_t id = org.Deal("rep");
        struct Case { const char* user; ObjectAction action; bool allowed; };
        const Case cases[] = {
            {"rep", ObjectAction::Read, true},   {"rep", ObjectAction::Edit, true},   {"mgr", ObjectAction::Edit, true},
            {"vp", ObjectAction::Read, true},    {"ceo", ObjectAction::Read, true},   {"rep2", ObjectAction::Read, false},
            {"rep", ObjectAction::Delete, false},  // no Delete object permission
        };
        for (const Case& c : cases) {
            CAPTURE(c.user);
            CHECK(org.Can(c.user, c.action, id) == c.allowed);
        }
        ListQuery all;
        CHECK(org.ws->records().List("rep2", "Opportunity", all)->total == 0);
        CHECK(org.ws->records().List("mgr", "Opportunity", all)->total == 1);
        CHECK(org.ws->records().Get("rep2", "Opportunity", id).error().code == "records.no_record_access");
    }

    TEST_CASE("a permission set adds on top of the profile; View All reads every record") {
        Org org;
        const int64_t id = org.Deal("rep");
        REQUIRE(org.a().CreatePermissionSet("admin", PermissionSetKind::PermissionSet, "See All", "").ok());
        REQUIRE(org.a().SetObjectPermissions("admin", PermissionSetKind::PermissionSet, "See All", "Opportunity", kObjViewAll).ok());
        CHECK_FALSE(org.Can("rep2", ObjectAction::Read, id));
        REQUIRE(org.a().AssignPermissionSet("admin", "See All", "rep2").ok());
        CHECK(org.Can("rep2", ObjectAction::Read, id));
        CHECK_FALSE(org.Can("rep2", ObjectAction::Edit, id));
    }

    TEST_CASE("sharing rules and teams only widen") {
        Org org;
        const int64_t id = org.Deal("rep");
        SharingRule rule;
        rule.object = "Opportunity";
        rule.name = "Rep to other";
        rule.owned_by = ShareGroup{ShareGroup::Kind::Role, "Rep"};
        rule.share_with = ShareGroup{ShareGroup::Kind::Role, "Other Rep"};
        rule.level = AccessLevel::Read;
        REQUIRE(org.a().SaveSharingRule("admin", rule).ok());
        CHECK(org.Can("rep2", ObjectAction::Read, id));
        CHECK_FALSE(org.Can("rep2", ObjectAction::Edit, id));
        CHECK(org.ws->records().List("rep2", "Opportunity", ListQuery{})->total == 1);
        REQUIRE(org.a().DeleteSharingRule("admin", "Opportunity", "Rep to other").ok());
        REQUIRE(org.a().CreateTeam("admin", "Deal Team", "").ok());
        REQUIRE(org.a().AddTeamMember("admin", "Deal Team", "rep").ok());
        REQUIRE(org.a().AddTeamMember("admin", "Deal Team", "rep2").ok());
        CHECK_FALSE(org.Can("rep2", ObjectAction::Read, id));
        REQUIRE(org.a().SetSharing("admin", ObjectSharing{"Opportunity", OrgWideDefault::Private, true, AccessLevel::Edit}).ok());
        CHECK(org.Can("rep2", ObjectAction::Edit, id));
        CHECK(org.ws->records().List("rep2", "Opportunity", ListQuery{})->total == 1);
    }

    TEST_CASE("bad input: cycles, unknown names, invalid email, username clash, last admin") {
        Org org;
        CHECK(org.a().MoveRole("admin", "CEO", "Rep").error().code == "access.role_cycle");
        CHECK(org.a().MoveRole("admin", "CEO", "CEO").error().code == "access.role_cycle");
        CHECK(org.a().MoveRole("admin", "Nope", "CEO").error().code == "access.unknown_role");
        User bad;
        bad.username = "x1";
        bad.full_name = "X";
        bad.email = "not-an-email";
        bad.profile = "Sales";
        CHECK(org.a().CreateUser("admin", bad).error().code == "access.invalid_email");
        bad.email = "x@example.com";
        bad.username = "REP";
        CHECK(org.a().CreateUser("admin", bad).error().code == "access.username_taken");
        CHECK(org.a().SetUserActive("admin", "admin", false).error().code == "access.lockout");
        CHECK(org.a().SetSystemPermission("admin", PermissionSetKind::Profile, "System Administrator",
                                          SystemPermission::ManageUsers, false).error().code == "access.lockout");
        org.Deal("rep");
        CHECK(org.a().DeleteUser("admin", "rep").error().code == "access.user_owns_records");
        CHECK(org.a().DeleteRole("admin", "Rep").error().code == "access.role_not_empty");
        CHECK(org.a().CreateRole("rep", "X", "").error().code == "access.denied");
        CommandApi api(*org.ws);
        json r = api.Execute(json{{"cmd", "company.update"}, {"as", "ghost"}, {"args", {{"name", "X"}}}});
        CHECK(r["error"]["code"] == "access.unknown_user");
        json e = api.Execute(json{{"cmd", "access.explain"}, {"args", {{"username", "rep2"}, {"action", "create"}, {"object", "Account"}}}});
        CHECK(e["result"]["allowed"] == false);
        CHECK(e["result"]["reasons"][0]["id"] == "access.missing_object_permission");
    }
}
