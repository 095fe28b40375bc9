// What the access changes leave in the audit trail (enough to restore what a delete removed), what they
// refuse to remove silently, the workspace owner, the system actor, and the queries the schema asks.
#include <doctest/doctest.h>

#include "access_fixture.h"
#include "api/command_api.h"
#include "common/error_text.h"

using namespace crm;
using crm::test::Org;
using nlohmann::json;

namespace {

// The newest audit entry of `area` and `action`.
AuditEntry LastEntry(Org& org, const char* area, const char* action) {
    AuditQuery q;
    q.area = area;
    q.limit = 1000;
    Result<AuditPage> page = org.ws->audit().List(q);
    REQUIRE(page.ok());
    for (const AuditEntry& e : page->entries) {
        if (e.action == action) return e;
    }
    FAIL("no audit entry " << area << "/" << action);
    return {};
}

SharingRule RepToOther(const char* name, AccessLevel level = AccessLevel::Read) {
    SharingRule r;
    r.object = "Opportunity";
    r.name = name;
    r.owned_by = ShareGroup{ShareGroup::Kind::Role, "Rep"};
    r.share_with = ShareGroup{ShareGroup::Kind::Role, "Other"};
    r.level = level;
    return r;
}

// A user holding only `system` (a profile of its own named after the user).
void UserWith(Org& org, const char* name, std::vector<SystemPermission> system, const char* by = "admin") {
    const std::string profile = std::string("P_") + name;
    REQUIRE(org.a().CreatePermissionSet(by, PermissionSetKind::Profile, profile, "").ok());
    for (SystemPermission p : system)
        REQUIRE(org.a().SetSystemPermission(by, PermissionSetKind::Profile, profile, p, true).ok());
    User u;
    u.username = name;
    u.full_name = name;
    u.email = std::string(name) + "@example.com";
    u.profile = profile;
    REQUIRE(org.a().CreateUser(by, u).ok());
}

}  // namespace

TEST_SUITE("access.trail") {
    TEST_CASE("replacing a sharing rule audits the rule it replaced as the old value") {
        Org org;
        REQUIRE(org.a().SaveSharingRule("admin", RepToOther("Deals")).ok());
        CHECK(LastEntry(org, "sharing", "save_rule").old_value.is_null());
        // Names are case-insensitive: "deals" replaces "Deals", which keeps its name.
        Result<SharingRule> replaced =
            org.a().SaveSharingRule("admin", RepToOther("deals", AccessLevel::Edit));
        REQUIRE(replaced.ok());
        CHECK(replaced->name == "Deals");
        CHECK(replaced->level == AccessLevel::Edit);
        CHECK(org.a().SharingRules("Opportunity").size() == 1);
        const AuditEntry e = LastEntry(org, "sharing", "save_rule");
        REQUIRE(e.old_value.is_object());
        CHECK(e.old_value["level"] == "read");
        CHECK(e.old_value["owned_by"]["name"] == "Rep");
        CHECK(e.new_value["level"] == "edit");
    }

    TEST_CASE("deleting a permission set records its grants and who held it") {
        Org org;
        REQUIRE(org.a().CreatePermissionSet("admin", PermissionSetKind::PermissionSet, "Exports", "x").ok());
        REQUIRE(org.a()
                    .SetObjectPermissions("admin", PermissionSetKind::PermissionSet, "Exports", "Opportunity",
                                          kObjRead | kObjViewAll)
                    .ok());
        REQUIRE(org.a()
                    .SetFieldPermissions("admin", PermissionSetKind::PermissionSet, "Exports", "Opportunity",
                                         "Amount", kFieldRead)
                    .ok());
        REQUIRE(org.a()
                    .SetSystemPermission("admin", PermissionSetKind::PermissionSet, "Exports",
                                         SystemPermission::ExportData, true)
                    .ok());
        REQUIRE(org.a().CreateTeam("admin", "Desk", "").ok());
        REQUIRE(org.a().AssignPermissionSet("admin", "Exports", "rep").ok());
        REQUIRE(org.a().AssignPermissionSetToTeam("admin", "Exports", "Desk").ok());
        REQUIRE(org.a().DeletePermissionSet("admin", PermissionSetKind::PermissionSet, "Exports").ok());
        const json old = LastEntry(org, "permsets", "delete").old_value;
        CHECK(old["name"] == "Exports");
        CHECK(old["description"] == "x");
        CHECK(old["objects"]["Opportunity"] == json{"read", "view_all"});
        CHECK(old["fields"]["Opportunity"]["Amount"] == json{"read"});
        CHECK(old["system"] == json{"export_data"});
        CHECK(old["users"] == json{"rep"});
        CHECK(old["teams"] == json{"Desk"});
    }

    TEST_CASE("deleting a profile records its grants") {
        Org org;
        REQUIRE(org.a().CreatePermissionSet("admin", PermissionSetKind::Profile, "Copy", "", "Sales").ok());
        REQUIRE(org.a().DeletePermissionSet("admin", PermissionSetKind::Profile, "Copy").ok());
        const json old = LastEntry(org, "profiles", "delete").old_value;
        CHECK(old["kind"] == "profile");
        CHECK(old["objects"]["Opportunity"] == json{"read", "create", "edit"});
        CHECK(old["users"] == json::array());
    }

    TEST_CASE("renaming a profile keeps its users and layouts, is audited, and refuses a taken name") {
        Org org;
        const std::vector<Layout> layouts = org.ws->schema().Layouts("Opportunity");
        REQUIRE(!layouts.empty());
        REQUIRE(org.ws->schema().AssignLayout("admin", "Opportunity", "Sales", layouts.front().name).ok());
        CHECK(org.a().RenamePermissionSet("admin", PermissionSetKind::Profile, "sales", "Field Sales").ok());
        CHECK(org.a().GetUser("rep")->profile == "Field Sales");
        CHECK(org.Can("rep", ObjectAction::Create, 0));
        CHECK_FALSE(org.a().GetPermissionSet(PermissionSetKind::Profile, "Sales").ok());
        bool follows = false;
        for (const Layout& l : org.ws->schema().Layouts("Opportunity")) {
            for (const std::string& p : l.profiles) follows = follows || p == "Field Sales";
        }
        CHECK(follows);
        const AuditEntry e = LastEntry(org, "profiles", "rename");
        CHECK(e.old_value == "Sales");
        CHECK(e.new_value == "Field Sales");
        CHECK(e.actor == "admin");
        // Another spelling of its own name is fine; another profile's name, a blank one or a user without
        // Manage Roles and Permissions is refused and nothing changes.
        CHECK(org.a()
                  .RenamePermissionSet("admin", PermissionSetKind::Profile, "Field Sales", "FIELD SALES")
                  .ok());
        Status taken =
            org.a().RenamePermissionSet("admin", PermissionSetKind::Profile, "FIELD SALES", "nothing");
        REQUIRE_FALSE(taken.ok());
        CHECK(taken.error().code == "access.name_taken");
        CHECK(taken.error().field == "name");
        Status blank = org.a().RenamePermissionSet("admin", PermissionSetKind::Profile, "FIELD SALES", " ");
        CHECK(blank.error().code == "access.invalid_name");
        Status denied = org.a().RenamePermissionSet("rep", PermissionSetKind::Profile, "FIELD SALES", "Mine");
        CHECK(denied.error().code == "access.denied");
        CHECK(org.a().GetPermissionSet(PermissionSetKind::Profile, "FIELD SALES").ok());
        Status unknown = org.a().RenamePermissionSet("admin", PermissionSetKind::PermissionSet, "Ghost", "X");
        CHECK(unknown.error().code == "access.unknown_permset");
    }

    TEST_CASE("renaming a permission set keeps its assignments") {
        Org org;
        REQUIRE(org.a().CreatePermissionSet("admin", PermissionSetKind::PermissionSet, "Exports", "").ok());
        REQUIRE(org.a().AssignPermissionSet("admin", "Exports", "rep").ok());
        CHECK(org.a()
                  .RenamePermissionSet("admin", PermissionSetKind::PermissionSet, "Exports", "Data Out")
                  .ok());
        CHECK(org.a().GetUser("rep")->permission_sets == std::vector<std::string>{"Data Out"});
        CHECK(LastEntry(org, "permsets", "rename").new_value == "Data Out");
    }

    TEST_CASE("deleting a role records its parent; deleting a team its members and permission sets") {
        Org org;
        REQUIRE(org.a().CreateRole("admin", "Intern", "Rep").ok());
        REQUIRE(org.a().DeleteRole("admin", "Intern").ok());
        const json role = LastEntry(org, "roles", "delete").old_value;
        CHECK(role["name"] == "Intern");
        CHECK(role["parent"] == "Rep");

        REQUIRE(org.a().CreateTeam("admin", "Desk", "the desk").ok());
        REQUIRE(org.a().AddTeamMember("admin", "Desk", "rep").ok());
        REQUIRE(org.a().AddTeamMember("admin", "Desk", "mgr").ok());
        REQUIRE(org.a().CreatePermissionSet("admin", PermissionSetKind::PermissionSet, "Extra", "").ok());
        REQUIRE(org.a().AssignPermissionSetToTeam("admin", "Extra", "Desk").ok());
        REQUIRE(org.a().DeleteTeam("admin", "Desk").ok());
        const json old = LastEntry(org, "teams", "delete").old_value;
        CHECK(old["name"] == "Desk");
        CHECK(old["description"] == "the desk");
        CHECK(old["members"] == json{"mgr", "rep"});
        CHECK(old["permission_sets"] == json{"Extra"});
    }

    TEST_CASE("a user or a team named by a sharing rule is not deleted; the error names the rules") {
        Org org;
        REQUIRE(org.a().CreateTeam("admin", "Desk", "").ok());
        SharingRule to_user = RepToOther("ToRep2");
        to_user.share_with = ShareGroup{ShareGroup::Kind::User, "rep2"};
        REQUIRE(org.a().SaveSharingRule("admin", to_user).ok());
        SharingRule from_team = RepToOther("FromDesk");
        from_team.owned_by = ShareGroup{ShareGroup::Kind::Team, "Desk"};
        REQUIRE(org.a().SaveSharingRule("admin", from_team).ok());

        Status user = org.a().DeleteUser("admin", "rep2");
        REQUIRE_FALSE(user.ok());
        CHECK(user.error().code == "access.in_sharing_rules");
        CHECK(user.error().message.find("Opportunity.ToRep2") != std::string::npos);
        CHECK(ErrorMessageIn(user.error(), "zh-CN") ==
              "共享规则 Opportunity.ToRep2 引用了用户“rep2”：请先删除或修改该规则。");
        Status team = org.a().DeleteTeam("admin", "Desk");
        REQUIRE_FALSE(team.ok());
        CHECK(team.error().code == "access.in_sharing_rules");
        CHECK(team.error().message.find("Opportunity.FromDesk") != std::string::npos);
        CHECK(org.a().SharingRules("Opportunity").size() == 2);

        REQUIRE(org.a().DeleteSharingRule("admin", "Opportunity", "ToRep2").ok());
        REQUIRE(org.a().DeleteSharingRule("admin", "Opportunity", "FromDesk").ok());
        CHECK(org.a().DeleteUser("admin", "rep2").ok());
        CHECK(org.a().DeleteTeam("admin", "Desk").ok());
    }

    TEST_CASE("deleting a team needs Manage Users and Manage Roles and Permissions") {
        Org org;
        UserWith(org, "hr", {SystemPermission::ManageUsers});
        UserWith(org, "perm", {SystemPermission::ManageRolesAndPermissions});
        REQUIRE(org.a().CreateTeam("hr", "Desk", "").ok());
        CHECK(org.a().DeleteTeam("hr", "Desk").error().code == "access.denied");
        CHECK(org.a().DeleteTeam("perm", "Desk").error().code == "access.denied");
        REQUIRE(org.a()
                    .SetSystemPermission("admin", PermissionSetKind::Profile, "P_hr",
                                         SystemPermission::ManageRolesAndPermissions, true)
                    .ok());
        CHECK(org.a().DeleteTeam("hr", "Desk").ok());
    }

    TEST_CASE("a required field cannot become unreadable for a profile that can create its object") {
        Org org;
        Status direct = org.a()
                            .SetFieldPermissions("admin", PermissionSetKind::Profile, "Sales", "Opportunity",
                                                 "StageName", 0)
                            .error();
        CHECK(direct.error().code == "access.required_field");
        CommandApi api(*org.ws);
        const json r = json::parse(api.Execute(
            R"j({"cmd": "profiles.set_field", "as": "admin", "args": {"name": "Sales", "object": "Opportunity", "field": "Name", "read": false}})j"));
        CHECK(r["ok"] == false);
        CHECK(r["error"]["code"] == "access.required_field");
        CHECK(org.a().FieldAccessOf(PermissionSetKind::Profile, "Sales", "Opportunity")->CanRead("Name"));
        // A permission set only adds, and a profile that cannot create may hide it.
        CHECK(org.a()
                  .SetFieldPermissions("admin", PermissionSetKind::Profile, "Nothing", "Opportunity",
                                       "StageName", 0)
                  .ok());
    }

    TEST_CASE("the schema can ask which profiles create an object without reading a field") {
        Org org;
        REQUIRE(
            org.a()
                .SetFieldPermissions("admin", PermissionSetKind::Profile, "Sales", "Opportunity", "Amount", 0)
                .ok());
        REQUIRE(org.a().CreatePermissionSet("admin", PermissionSetKind::Profile, "Viewer", "").ok());
        REQUIRE(
            org.a()
                .SetObjectPermissions("admin", PermissionSetKind::Profile, "Viewer", "Opportunity", kObjRead)
                .ok());
        REQUIRE(org.a()
                    .SetFieldPermissions("admin", PermissionSetKind::Profile, "Viewer", "Opportunity",
                                         "Amount", 0)
                    .ok());
        CHECK(org.a().ProfilesCreatingWithoutRead("Opportunity", "Amount") ==
              std::vector<std::string>{"Sales"});
        CHECK(org.a().ProfilesCreatingWithoutRead("opportunity", "amount") ==
              std::vector<std::string>{"Sales"});
        CHECK(org.a().ProfilesCreatingWithoutRead("Opportunity", "Name").empty());
        CHECK(org.a().ProfilesCreatingWithoutRead("Nothing__c", "Name").empty());
        CHECK(org.a().ProfileExists("sales"));
        CHECK(org.a().ProfileExists("System Administrator"));
        CHECK_FALSE(org.a().ProfileExists("Nobody"));
    }

    TEST_CASE(
        "the workspace owner is the built-in administrator, renamed or not, else the oldest user "
        "managing users") {
        Org org;
        CHECK(org.a().WorkspaceOwner() == "admin");
        Result<User> admin = org.a().GetUser("admin");
        REQUIRE(admin.ok());
        User renamed = *admin;
        renamed.username = "boss";
        REQUIRE(org.a().UpdateUser("admin", renamed).ok());
        CHECK(org.a().WorkspaceOwner() == "boss");
        UserWith(org, "ops", {SystemPermission::ManageUsers}, "boss");
        UserWith(org, "ops2", {SystemPermission::ManageUsers}, "boss");
        REQUIRE(org.a().SetUserActive("boss", "boss", false).ok());
        CHECK(org.a().WorkspaceOwner() == "ops");
        REQUIRE(org.a().SetUserActive("ops2", "ops", false).ok());
        CHECK(org.a().WorkspaceOwner() == "ops2");
        REQUIRE(org.a().SetUserActive("ops2", "boss", true).ok());
        CHECK(org.a().WorkspaceOwner() == "boss");
    }

    TEST_CASE("the system actor has every right, and no user may take its name") {
        Org org;
        CHECK(org.a().Decide(kSystemActor, ObjectAction::Delete, "Opportunity", org.Deal("rep")).allowed);
        CHECK(org.a().CheckActor(kSystemActor).ok());
        User u;
        u.username = kSystemActor;
        u.full_name = "Demo";
        u.email = "demo@example.com";
        u.profile = "Sales";
        Result<User> created = org.a().CreateUser("admin", u);
        REQUIRE_FALSE(created.ok());
        CHECK(created.error().code == "access.username_reserved");
        CHECK(ErrorMessageIn(created.error(), "zh-CN").find("系统执行者") != std::string::npos);
        Result<User> rep = org.a().GetUser("rep");
        REQUIRE(rep.ok());
        User renamed = *rep;
        renamed.username = "DEMO";
        CHECK(org.a().UpdateUser("admin", renamed).error().code == "access.username_reserved");
    }

    TEST_CASE("a user's time zone is an IANA zone") {
        Org org;
        User u;
        u.username = "traveller";
        u.full_name = "Traveller";
        u.email = "traveller@example.com";
        u.profile = "Sales";
        u.time_zone = "Mars/Olympus_Mons";
        Result<User> mars = org.a().CreateUser("admin", u);
        REQUIRE_FALSE(mars.ok());
        CHECK(mars.error().code == "access.invalid_time_zone");
        CHECK(mars.error().field == "time_zone");
        u.time_zone = "Europe/Berln";
        Result<User> typo = org.a().CreateUser("admin", u);
        REQUIRE_FALSE(typo.ok());
        CHECK(typo.error().message.find("Europe/Berlin") != std::string::npos);
        CHECK(ErrorMessageIn(typo.error(), "zh-CN").find("不是时区") != std::string::npos);
        u.time_zone = "Europe/Berlin";
        CHECK(org.a().CreateUser("admin", u).ok());
    }
}
