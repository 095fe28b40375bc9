// A profile or role renamed: the formulas comparing $Profile.Name or $UserRole.Name with its old name as a
// text literal follow it (core/rename_follow.h), in one audited change, so a rule keeps meaning the same
// people. Only literals compared with the global move; a rename that fails leaves everything as it was.
#include "rename_follow.h"

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "access/access.h"
#include "api/command_api.h"
#include "common/clock.h"
#include "notify/reminder.h"
#include "report/report.h"
#include "workflow/approvals.h"
#include "workflow/assignment.h"
#include "workflow/automation.h"
#include "workflow/processes.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

const char* const kRepsNoX = "AND($Profile.Name = \"Sales Rep\", BEGINS(Name, \"X\"))";

struct Org {
    FixedClock clock{1795712400000};
    std::unique_ptr<Workspace> ws;
    std::unique_ptr<CommandApi> api;

    Org() {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        api = std::make_unique<CommandApi>(*ws);
        const json setup[] = {
            {{"cmd", "profiles.create"}, {"args", {{"name", "Sales Rep"}}}},
            {{"cmd", "profiles.set_object"},
             {"args", {{"name", "Sales Rep"}, {"object", "Account"}, {"permissions", {"create", "edit"}}}}},
            // Manages roles, profiles and the schema, not workflows.
            {{"cmd", "profiles.create"}, {"args", {{"name", "Org Admin"}, {"copy_from", "Sales Rep"}}}},
            {{"cmd", "profiles.set_system"},
             {"args",
              {{"name", "Org Admin"}, {"permission", "manage_roles_and_permissions"}, {"granted", true}}}},
            {{"cmd", "profiles.set_system"},
             {"args", {{"name", "Org Admin"}, {"permission", "customize_schema"}, {"granted", true}}}},
            {{"cmd", "roles.create"}, {"args", {{"name", "East"}}}},
            {{"cmd", "users.create"},
             {"args",
              {{"username", "rep"},
               {"full_name", "Rep"},
               {"email", "rep@example.com"},
               {"profile", "Sales Rep"},
               {"role", "East"}}}},
            {{"cmd", "users.create"},
             {"args",
              {{"username", "orgadmin"},
               {"full_name", "Org Admin"},
               {"email", "oa@example.com"},
               {"profile", "Org Admin"}}}},
            {{"cmd", "rules.create"},
             {"args",
              {{"object", "Account"},
               {"name", "Reps_no_X"},
               {"condition", kRepsNoX},
               {"error_message", "Sales reps do not name accounts X."}}}},
            {{"cmd", "rules.create"},
             {"args",
              {{"object", "Account"},
               {"name", "Not_the_name"},
               {"condition", "Name = \"Sales Rep\""},
               {"error_message", "An account is not called Sales Rep."}}}},
            {{"cmd", "rules.create"},
             {"args",
              {{"object", "Account"},
               {"name", "East_no_Y"},
               {"condition", "AND($UserRole.Name = 'East', BEGINS(Name, 'Y'))"},
               {"error_message", "The East does not name accounts Y."}}}},
        };
        Setup(setup);
    }
    /// Runs each request; every one must succeed.
    template <size_t N>
    void Setup(const json (&requests)[N]) {
        for (const json& request : requests) {
            json r = api->Execute(request);
            INFO(request.dump() << " -> " << r.dump());
            REQUIRE(r["ok"] == true);
        }
    }
    json Run(const std::string& command, const json& args, const std::string& as = "admin") {
        return api->Execute(json{{"cmd", command}, {"args", args}, {"as", as}});
    }
    std::string Condition(const std::string& rule) {
        Result<ValidationRule> r = ws->schema().Rule("Account", rule);
        REQUIRE(r.ok());
        return r->condition;
    }
    bool Refused(const std::string& name, const std::string& as) {
        return Run("records.create", {{"object", "Account"}, {"values", {{"Name", name}}}}, as)["ok"] ==
               false;
    }
};

}  // namespace

TEST_SUITE("access.rename_follow") {
    TEST_CASE("a validation rule on $Profile.Name still fires for that profile after the rename") {
        Org org;
        CHECK(org.Refused("X before", "rep"));
        json r = org.Run("profiles.rename", {{"name", "Sales Rep"}, {"new_name", "Account Executive"}});
        INFO(r.dump());
        REQUIRE(r["ok"] == true);
        // The answer lists each formula that followed, before and after.
        const json& listed = r["result"]["followed"];
        REQUIRE(listed.size() == 1);
        CHECK(listed[0]["kind"] == "validation_rule");
        CHECK(listed[0]["name"] == "Reps_no_X");
        CHECK(listed[0]["before"] == kRepsNoX);
        CHECK(listed[0]["after"] == "AND($Profile.Name = \"Account Executive\", BEGINS(Name, \"X\"))");
        CHECK(org.Condition("Reps_no_X") == listed[0]["after"].get<std::string>());
        CHECK(org.Refused("X after", "rep"));          // still fires for the renamed profile
        CHECK_FALSE(org.Refused("X admin", "admin"));  // and still not for another
        // A literal not compared with the global is left alone, and so is its rule.
        CHECK(org.Condition("Not_the_name") == "Name = \"Sales Rep\"");
        CHECK(org.Refused("Sales Rep", "admin"));
        // Audited: the rule's own update, and the rename's entry listing what followed.
        json trail = org.Run("audit.list", {{"text", "rename_follow"}, {"limit", 10}});
        REQUIRE(trail["ok"] == true);
        REQUIRE(trail["result"]["entries"].size() == 1);
        CHECK(trail["result"]["entries"][0]["new_value"].size() == listed.size());
    }

    TEST_CASE("a role rename moves $UserRole.Name literals, not $Profile.Name ones") {
        Org org;
        CHECK(org.Refused("Y before", "rep"));
        std::vector<FollowedRename> renamed;
        REQUIRE(RenameRoleFollowing(*org.ws, "admin", "east", "East China", &renamed).ok());
        REQUIRE(renamed.size() == 1);
        CHECK(renamed[0].name == "East_no_Y");
        CHECK(org.Condition("East_no_Y") == "AND($UserRole.Name = 'East China', BEGINS(Name, 'Y'))");
        CHECK(org.Condition("Reps_no_X") == kRepsNoX);
        CHECK(org.Refused("Y after", "rep"));
    }

    TEST_CASE("a rename that fails leaves the profile, the formulas and the trail as they were") {
        Org org;
        // An automation rule names the profile too; orgadmin may rename profiles and change the
        // schema, but not workflows: the rename gets as far as the automation rule, then all of it rolls
        // back.
        json a = org.Run(
            "automation.create",
            {{"object", "Account"},
             {"name", "Reps follow-up"},
             {"trigger", {{"kind", "on_create"}}},
             {"condition", "$Profile.Name = \"Sales Rep\""},
             {"actions", {{{"kind", "create_task"}, {"subject", "Welcome {{Name}}"}, {"due_in_days", 1}}}}});
        INFO(a.dump());
        REQUIRE(a["ok"] == true);
        const int audited = org.Run("audit.list", {{"limit", 1}})["result"]["total"].get<int>();
        json r = org.Run("profiles.rename", {{"name", "Sales Rep"}, {"new_name", "Account Executive"}},
                         "orgadmin");
        INFO(r.dump());
        CHECK(r["ok"] == false);
        CHECK(r["error"]["code"] == "access.denied");
        CHECK(r["error"]["message"].get<std::string>().find("automation rule Account.Reps follow-up") !=
              std::string::npos);
        CHECK(org.ws->access().ProfileExists("Sales Rep"));
        CHECK_FALSE(org.ws->access().ProfileExists("Account Executive"));
        CHECK(org.Condition("Reps_no_X") == kRepsNoX);
        CHECK(org.Refused("X still", "rep"));
        CHECK(org.Run("audit.list", {{"limit", 1}})["result"]["total"] == audited);
        // A name taken is refused up front, with nothing changed either.
        json taken = org.Run("profiles.rename", {{"name", "Sales Rep"}, {"new_name", "Org Admin"}});
        CHECK(taken["error"]["code"] == "access.name_taken");
        CHECK(org.Condition("Reps_no_X") == kRepsNoX);
        // Sharing criteria cannot name the profile at all (they run in SQL without a user): nothing to
        // follow.
        json criteria = org.Run("sharing.save_rule", {{"object", "Account"},
                                                      {"name", "Not reps"},
                                                      {"criteria", "$Profile.Name <> \"Sales Rep\""},
                                                      {"share_with", {{"kind", "role"}, {"name", "East"}}},
                                                      {"level", "read"}});
        CHECK(criteria["ok"] == false);
        // The administrator (who holds every permission) renames it, the automation rule included.
        r = org.Run("profiles.rename", {{"name", "Sales Rep"}, {"new_name", "Account Executive"}});
        REQUIRE(r["ok"] == true);
        CHECK(r["result"]["followed"].size() == 2u);
        Result<std::vector<AutomationRule>> rules = org.ws->automation().List("admin", "Account");
        REQUIRE(rules.ok());
        CHECK(rules->at(0).condition == "$Profile.Name = \"Account Executive\"");
        CHECK(rules->at(0).actions.size() == 1);
    }
}

TEST_SUITE("access.rename_follow.settings") {
    TEST_CASE("a profile rename carries the processes, approval processes and assignment rules naming it") {
        Org org;
        const json setup[] = {
            {{"cmd", "processes.create"},
             {"args",
              {{"name", "Reps service"},
               {"object", "Case"},
               {"field", "Status"},
               {"profiles", {"sales rep"}},  // names compare case-insensitively, as the directory does
               {"stages",
                {{{"value", "New"}},
                 {{"value", "Working"}},
                 {{"value", "Closed"}, {"entry_condition", "$Profile.Name <> \"Sales Rep\""}}}}}}},
            {{"cmd", "approvals.create"},
             {"args",
              {{"process",
                {{"object", "Account"},
                 {"name", "Rep accounts"},
                 {"entry_condition", "$Profile.Name = \"Sales Rep\""},
                 {"steps",
                  {{{"name", "Admin looks"},
                    {"approver", {{"kind", "user"}, {"name", "admin"}}},
                    {"condition", "$Profile.Name = \"Sales Rep\" && ISBLANK(Phone)"}}}}}}}}},
            {{"cmd", "assignment.create"},
             {"args",
              {{"object", "Account"},
               {"name", "Reps_to_admin"},
               {"condition", "$Profile.Name = \"Sales Rep\""},
               {"kind", "user"},
               {"user", "admin"}}}},
        };
        org.Setup(setup);
        json r = org.Run("profiles.rename", {{"name", "Sales Rep"}, {"new_name", "Account Executive"}});
        INFO(r.dump());
        REQUIRE(r["ok"] == true);
        std::map<std::string, json> followed;
        for (const json& f : r["result"]["followed"]) followed[f["kind"].get<std::string>()] = f;
        CHECK(followed.size() == 4u);  // and the validation rule
        REQUIRE(followed.count("process"));
        CHECK(followed["process"]["name"] == "Reps service");
        CHECK(followed["process"]["before"] == "$Profile.Name <> \"Sales Rep\"\nsales rep");
        CHECK(followed["process"]["after"] == "$Profile.Name <> \"Account Executive\"\nAccount Executive");

        Result<Process> process = org.ws->processes().Get("admin", "Reps service");
        REQUIRE(process.ok());
        CHECK(process->profiles == std::vector<std::string>{"Account Executive"});
        CHECK(process->stages[2].entry_condition == "$Profile.Name <> \"Account Executive\"");
        // The rep still follows the process, and still may not close a case.
        REQUIRE(org.Run("profiles.set_object", {{"name", "Account Executive"},
                                                {"object", "Case"},
                                                {"permissions", {"create", "edit"}}})["ok"] == true);
        json made = org.Run("records.create",
                            {{"object", "Case"}, {"values", {{"Subject", "S"}, {"Status", "New"}}}}, "rep");
        INFO(made.dump());
        REQUIRE(made["ok"] == true);
        json closed = org.Run(
            "records.update",
            {{"object", "Case"}, {"id", made["result"]["Id"]}, {"values", {{"Status", "Closed"}}}}, "rep");
        INFO(closed.dump());
        CHECK(closed["ok"] == false);
        CHECK(closed["error"]["code"] == "process.entry_condition");

        Result<ApprovalProcess> approval = org.ws->approvals().Process("Account", "Rep accounts");
        REQUIRE(approval.ok());
        CHECK(approval->entry_condition == "$Profile.Name = \"Account Executive\"");
        CHECK(approval->steps[0].condition == "$Profile.Name = \"Account Executive\" && ISBLANK(Phone)");
        Result<std::vector<AssignmentEntry>> entries = org.ws->assignment().List("admin", "Account");
        REQUIRE(entries.ok());
        REQUIRE(entries->size() == 1u);
        CHECK(entries->at(0).condition == "$Profile.Name = \"Account Executive\"");
        // The rename's own audit entry lists all four.
        json trail = org.Run("audit.list", {{"text", "rename_follow"}, {"limit", 10}});
        REQUIRE(trail["result"]["entries"].size() == 1);
        CHECK(trail["result"]["entries"][0]["new_value"].size() == 4u);
    }

    TEST_CASE("a role rename carries approvers, notifications, reminders, report filters and folder shares") {
        Org org;
        const json setup[] = {
            {{"cmd", "roles.create"}, {"args", {{"name", "West"}}}},
            {{"cmd", "approvals.create"},
             {"args",
              {{"process",
                {{"object", "Account"},
                 {"name", "East looks"},
                 {"steps", {{{"name", "The East"}, {"approver", {{"kind", "role"}, {"name", "East"}}}}}}}}}}},
            {{"cmd", "automation.create"},
             {"args",
              {{"object", "Account"},
               {"name", "Tell the East"},
               {"trigger", {{"kind", "on_create"}}},
               {"actions",
                {{{"kind", "notify"}, {"to", "role"}, {"name", "East"}, {"title", "New {{Name}}"}},
                 {{"kind", "notify"}, {"to", "role"}, {"name", "West"}, {"title", "New {{Name}}"}}}}}}},
            {{"cmd", "reminders.save"},
             {"args",
              {{"name", "Close soon"},
               {"object", "Opportunity"},
               {"date_field", "CloseDate"},
               {"offset", 7},
               {"unit", "days"},
               {"direction", "before"},
               {"roles", {"East", "West"}}}}},
            {{"cmd", "report_folders.create"},
             {"args",
              {{"folder",
                {{"name", "Regional"},
                 {"shares",
                  {{{"kind", "role_and_subordinates"}, {"name", "East"}, {"access", "view"}},
                   {{"kind", "role"}, {"name", "West"}, {"access", "view"}}}}}}}}},
            {{"cmd", "reports.create"},
             {"args",
              {{"report",
                {{"name", "East accounts"},
                 {"object", "Account"},
                 {"folder", "Regional"},
                 {"columns", {"Name"}},
                 {"filters",
                  {{{"field", "Owner.Role"}, {"op", "in"}, {"value", {"East", "West"}}},
                   {{"field", "Owner.Role"}, {"op", "="}, {"value", "East"}},
                   {{"field", "Owner.Role"}, {"op", "contains"}, {"value", "East"}},
                   {{"field", "Name"}, {"op", "="}, {"value", "East"}}}}}}}}},
        };
        org.Setup(setup);
        json report = org.Run("reports.list", json::object());
        REQUIRE(report["ok"] == true);
        const int64_t report_id = report["result"][0]["id"].get<int64_t>();
        json dash = org.Run("dashboards.create",
                            {{"dashboard",
                              {{"name", "East board"},
                               {"components", {{{"kind", "table"}, {"report_id", report_id}}}},
                               {"filters", {{{"field", "Owner.Role"}, {"op", "="}, {"value", "East"}}}}}}});
        INFO(dash.dump());
        REQUIRE(dash["ok"] == true);

        json r = org.Run("roles.rename", {{"role", "East"}, {"name", "East China"}});
        INFO(r.dump());
        REQUIRE(r["ok"] == true);
        std::map<std::string, int> kinds;
        for (const json& f : r["result"]["followed"]) ++kinds[f["kind"].get<std::string>()];
        CHECK(kinds == std::map<std::string, int>{{"approval_process", 1},
                                                  {"automation_rule", 1},
                                                  {"dashboard", 1},
                                                  {"reminder_rule", 1},
                                                  {"report", 1},
                                                  {"report_folder", 1},
                                                  {"validation_rule", 1}});

        Result<ApprovalProcess> approval = org.ws->approvals().Process("Account", "East looks");
        REQUIRE(approval.ok());
        CHECK(approval->steps[0].approver_name == "East China");
        Result<std::vector<AutomationRule>> rules = org.ws->automation().List("admin", "Account");
        REQUIRE(rules.ok());
        CHECK(rules->at(0).actions[0].name == "East China");
        CHECK(rules->at(0).actions[1].name == "West");
        CHECK(RemindersOf(*org.ws).Rules("Opportunity").at(0).roles ==
              std::vector<std::string>{"East China", "West"});
        Result<ReportDefinition> saved = org.ws->reports().Get("admin", report_id, false);
        REQUIRE(saved.ok());
        CHECK(saved->filters[0].value == json({"East China", "West"}));
        CHECK(saved->filters[1].value == "East China");
        CHECK(saved->filters[2].value == "East");  // a part of a name is not the name
        CHECK(saved->filters[3].value == "East");  // nor is another field
        CHECK(saved->owner == "admin");            // kept by the core, still the owner's
        Result<std::vector<Dashboard>> boards = org.ws->reports().ListDashboards("admin");
        REQUIRE(boards.ok());
        CHECK(boards->at(0).filters[0].value == "East China");
        Result<std::vector<ReportFolder>> folders = org.ws->reports().ListFolders("admin");
        REQUIRE(folders.ok());
        REQUIRE(folders->at(0).shares.size() == 2u);
        std::map<std::string, std::string> shares;
        for (const ReportFolderShare& share : folders->at(0).shares) shares[share.name] = share.kind;
        CHECK(shares ==
              std::map<std::string, std::string>{{"East China", "role_and_subordinates"}, {"West", "role"}});
        // The rep (role East China) still sees the report in the folder shared with their role.
        Result<std::vector<ReportDefinition>> seen = org.ws->reports().List("rep");
        REQUIRE(seen.ok());
        REQUIRE(seen->size() == 1u);
        CHECK(seen->at(0).name == "East accounts");
    }

    TEST_CASE("a role rename an approval process refuses rolls everything back") {
        Org org;
        json a = org.Run(
            "approvals.create",
            {{"process",
              {{"object", "Account"},
               {"name", "East looks"},
               {"steps", {{{"name", "The East"}, {"approver", {{"kind", "role"}, {"name", "East"}}}}}}}}});
        REQUIRE(a["ok"] == true);
        // orgadmin manages roles but not workflows: the approval process cannot follow, so nothing moves.
        json r = org.Run("roles.rename", {{"role", "East"}, {"name", "East China"}}, "orgadmin");
        INFO(r.dump());
        CHECK(r["ok"] == false);
        CHECK(r["error"]["message"].get<std::string>().find("approval process Account.East looks") !=
              std::string::npos);
        CHECK(org.ws->approvals().Process("Account", "East looks")->steps[0].approver_name == "East");
        CHECK(org.Condition("East_no_Y") == "AND($UserRole.Name = 'East', BEGINS(Name, 'Y'))");
        bool east = false;
        for (const Role& role : org.ws->access().Roles()) east = east || role.name == "East";
        CHECK(east);
    }
}
