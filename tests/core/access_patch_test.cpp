// A change that touches one user's permission sets or one role's place patches the access snapshot and the
// kept tables instead of building them whole. After each such change, everything the service answers
// (effective permissions, system permissions, Decide and Explain for every user, object, action and
// record) equals what a second service answers from a snapshot built whole from the same tables, and the
// kept tables equal a whole recomputation.
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "access_fixture.h"
#include "storage/database.h"
#include "workspace.h"

using namespace crm;
using crm::test::Org;

namespace {

constexpr ObjectAction kActions[] = {ObjectAction::Read, ObjectAction::Create, ObjectAction::Edit,
                                     ObjectAction::Delete};

// Everything `a` answers about the workspace's users, one line each.
std::vector<std::string> Answers(AccessService& a, Workspace& ws, const std::vector<int64_t>& deals) {
    std::vector<std::string> out;
    for (const User& u : ws.access().Users()) {
        const std::string& name = u.username;
        Result<EffectivePermissions> eff = a.Effective(name);
        REQUIRE(eff.ok());
        for (const auto& [object, bits] : eff->objects)
            out.push_back(name + " object " + object + " " + std::to_string(bits));
        for (const auto& [object, fields] : eff->fields) {
            for (const auto& [field, bits] : fields)
                out.push_back(name + " field " + object + "." + field + " " + std::to_string(bits));
        }
        for (int p = 0; p < kSystemPermissionCount; ++p) {
            const auto perm = static_cast<SystemPermission>(p);
            out.push_back(name + " system " + SystemPermissionName(perm) + " " +
                          (a.HasSystemPermission(name, perm) ? "yes" : "no"));
        }
        for (const auto& o : ws.schema().Objects()) {
            for (ObjectAction action : kActions)
                out.push_back(name + " explain " + o->api_name + " " + ObjectActionName(action) + " " +
                              ToJson(a.Explain(name, action, o->api_name)).dump());
        }
        for (int64_t id : deals) {
            for (ObjectAction action : kActions) {
                const AccessDecision d = a.Decide(name, action, "Opportunity", id);
                out.push_back(name + " deal " + std::to_string(id) + " " + ObjectActionName(action) + " " +
                              (d.allowed ? "yes " : "no ") + AccessLevelName(d.level));
            }
            out.push_back(name + " explain deal " + std::to_string(id) + " " +
                          ToJson(a.Explain(name, ObjectAction::Read, "Opportunity", id)).dump());
        }
    }
    return out;
}

// The rows of the kept tables, sorted.
std::vector<std::string> KeptTables(Workspace& ws) {
    std::vector<std::string> out;
    for (const char* sql : {"SELECT 'closure', ancestor, descendant, depth FROM access_role_closure",
                            "SELECT 'member', group_id, user_id, 0 FROM access_group_member"}) {
        Statement st = ws.db().Prepare(std::string(sql) + " ORDER BY 2, 3, 4");
        while (st.Step())
            out.push_back(st.Text(0) + " " + std::to_string(st.Int(1)) + " " + std::to_string(st.Int(2)) +
                          " " + std::to_string(st.Int(3)));
    }
    return out;
}

// The service's answers equal those of a snapshot built whole; the kept tables equal a whole recomputation.
void SameAsWhole(Workspace& ws, const std::vector<int64_t>& deals) {
    AccessService whole(ws.changes(), ws.schema());
    const std::vector<std::string> patched = Answers(ws.access(), ws, deals);
    const std::vector<std::string> built = Answers(whole, ws, deals);
    REQUIRE(patched.size() == built.size());
    int differ = 0;
    for (size_t i = 0; i < patched.size(); ++i) {
        if (patched[i] != built[i] && ++differ <= 5)
            FAIL_CHECK(patched[i] << "\n  built whole: " << built[i]);
    }
    CHECK(differ == 0);
    // An empty batch builds whole and writes the difference between what the tables hold and a whole
    // recomputation: nothing, when the patch kept them right.
    const std::vector<std::string> kept = KeptTables(ws);
    REQUIRE(whole.Batch("admin", [] { return Status::Ok(); }).ok());
    CHECK(KeptTables(ws) == kept);
}

// The fixture, with two permission sets (one also held through a team), a deeper role and a sharing
// rule over a role and its subordinates, and deals of every user.
struct PatchOrg : Org {
    std::vector<int64_t> deals;
    PatchOrg() {
        REQUIRE(a().CreateRole("admin", "Junior", "Rep").ok());
        User junior;
        junior.username = "junior";
        junior.full_name = "junior";
        junior.email = "junior@example.com";
        junior.role = "Junior";
        junior.profile = "Sales";
        REQUIRE(a().CreateUser("admin", junior).ok());
        for (const char* owner : {"mgr", "rep", "rep2", "junior"}) deals.push_back(Deal(owner));
        const auto set = PermissionSetKind::PermissionSet;
        REQUIRE(a().CreatePermissionSet("admin", set, "Deals desk", "").ok());
        REQUIRE(a().SetObjectPermissions("admin", set, "Deals desk", "Opportunity", kObjViewAll | kObjDelete)
                    .ok());
        REQUIRE(a().SetFieldPermissions("admin", set, "Deals desk", "Opportunity", "Amount", 0).ok());
        REQUIRE(a().SetSystemPermission("admin", set, "Deals desk", SystemPermission::ExportData, true).ok());
        REQUIRE(a().CreatePermissionSet("admin", set, "Projects", "").ok());
        REQUIRE(a().SetObjectPermissions("admin", set, "Projects", "Project__c", kObjModifyAll).ok());
        REQUIRE(a().SetFieldPermissions("admin", PermissionSetKind::Profile, "Sales", "Opportunity", "Amount",
                                        kFieldRead)
                    .ok());
        REQUIRE(a().CreateTeam("admin", "Desk", "").ok());
        REQUIRE(a().AssignPermissionSetToTeam("admin", "Deals desk", "Desk").ok());
        REQUIRE(a().AddTeamMember("admin", "Desk", "rep2").ok());
        SharingRule rule;
        rule.object = "Opportunity";
        rule.name = "Rep_branch_to_other";
        rule.owned_by = ShareGroup{ShareGroup::Kind::RoleAndSubordinates, "Rep"};
        rule.share_with = ShareGroup{ShareGroup::Kind::Role, "Other"};
        REQUIRE(a().SaveSharingRule("admin", rule).ok());
    }
    /// Runs `change`, checks it patched (built nothing whole) and answers as a whole build.
    void Patched(const std::function<Status()>& change) {
        const uint64_t builds = a().snapshot_builds();
        REQUIRE(change().ok());
        CHECK(a().snapshot_builds() == builds);
        SameAsWhole(*ws, deals);
    }
};

}  // namespace

TEST_SUITE("access.patch") {
    TEST_CASE("assigning and unassigning a permission set patches one user's grants") {
        PatchOrg org;
        SameAsWhole(*org.ws, org.deals);
        org.Patched([&] { return org.a().AssignPermissionSet("admin", "Deals desk", "rep"); });
        CHECK(org.Can("rep", ObjectAction::Read, org.deals[0]));  // View All: mgr's deal
        CHECK(org.a().HasSystemPermission("rep", SystemPermission::ExportData));
        // The same combination as another user's: rep2 holds it through the team, rep directly.
        org.Patched([&] { return org.a().AssignPermissionSet("admin", "Projects", "rep"); });
        org.Patched([&] { return org.a().AssignPermissionSet("admin", "Projects", "mgr"); });
        org.Patched([&] { return org.a().UnassignPermissionSet("admin", "Deals desk", "rep"); });
        CHECK_FALSE(org.Can("rep", ObjectAction::Read, org.deals[0]));
        CHECK_FALSE(org.a().HasSystemPermission("rep", SystemPermission::ExportData));
        org.Patched([&] { return org.a().UnassignPermissionSet("admin", "Projects", "rep"); });
    }

    TEST_CASE("a set assigned to a user who also holds it through a team, then lost, leaves the team's") {
        PatchOrg org;
        org.Patched([&] { return org.a().AssignPermissionSet("admin", "Deals desk", "rep2"); });
        org.Patched(
            [&] { return org.a().AssignPermissionSet("admin", "Deals desk", "rep2"); });  // idempotent
        org.Patched([&] { return org.a().UnassignPermissionSet("admin", "Deals desk", "rep2"); });
        CHECK(org.Can("rep2", ObjectAction::Read, org.deals[0]));  // still View All through the team
        const AccessExplanation why = org.a().Explain("rep2", ObjectAction::Delete, "Opportunity");
        CHECK(ToJson(why).dump().find("\"via_team\":\"true\"") != std::string::npos);
        // Assigned, then lost with the team too: a change of the team builds whole, and the next
        // assignment patches from there.
        org.Patched([&] { return org.a().AssignPermissionSet("admin", "Projects", "rep2"); });
        REQUIRE(org.a().RemoveTeamMember("admin", "Desk", "rep2").ok());
        SameAsWhole(*org.ws, org.deals);
        org.Patched([&] { return org.a().UnassignPermissionSet("admin", "Projects", "rep2"); });
        CHECK_FALSE(org.Can("rep2", ObjectAction::Read, org.deals[0]));
        CHECK_FALSE(org.Can("rep2", ObjectAction::Delete, 0, "Project__c"));  // Modify All went
    }

    TEST_CASE("moving a role patches its subtree's place, closure and group members") {
        PatchOrg org;
        CHECK(org.Can("mgr", ObjectAction::Edit, org.deals[3]));   // junior's deal, below mgr
        CHECK(org.Can("rep2", ObjectAction::Read, org.deals[1]));  // the rule over Rep and below
        org.Patched([&] { return org.a().MoveRole("admin", "Rep", "Other"); });
        CHECK_FALSE(org.Can("mgr", ObjectAction::Read, org.deals[3]));
        CHECK(org.Can("rep2", ObjectAction::Edit, org.deals[3]));              // now above junior
        org.Patched([&] { return org.a().MoveRole("admin", "Junior", ""); });  // a root
        org.Patched([&] { return org.a().MoveRole("admin", "Rep", "Manager"); });
        org.Patched([&] { return org.a().MoveRole("admin", "Junior", "Manager"); });
        CHECK(org.a().MoveRole("admin", "Manager", "Junior").error().code == "access.role_cycle");
        SameAsWhole(*org.ws, org.deals);
    }

    TEST_CASE("a change inside a batch builds whole, and so does a change after a schema change") {
        PatchOrg org;
        const uint64_t builds = org.a().snapshot_builds();
        REQUIRE(org.a()
                    .Batch("admin",
                           [&] {
                               if (Status s = org.a().AssignPermissionSet("admin", "Projects", "rep");
                                   !s.ok())
                                   return s;
                               return org.a().MoveRole("admin", "Junior", "Other");
                           })
                    .ok());
        CHECK(org.a().snapshot_builds() > builds);
        SameAsWhole(*org.ws, org.deals);
        FieldDef f;
        f.object = "Opportunity";
        f.api_name = "Score__c";
        f.label = "Score";
        f.type = FieldType::Number;
        REQUIRE(org.ws->schema().CreateField("admin", f).ok());
        const uint64_t before_schema = org.a().snapshot_builds();
        REQUIRE(org.a().AssignPermissionSet("admin", "Deals desk", "mgr").ok());
        CHECK(org.a().snapshot_builds() > before_schema);
        SameAsWhole(*org.ws, org.deals);
        org.Patched([&] { return org.a().UnassignPermissionSet("admin", "Deals desk", "mgr"); });
    }
}
