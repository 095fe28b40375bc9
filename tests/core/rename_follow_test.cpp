// A profile or role renamed: the formulas comparing $Profile.Name or $UserRole.Name with its old name as a
// text literal follow it (core/rename_follow.h), in one audited change, so a rule keeps meaning the same
// people. Only literals compared with the global move; a rename that fails leaves everything as it was.
#include "rename_follow.h"

#include <doctest/doctest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/command_api.h"
#include "common/clock.h"
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
        for (const json& request : setup) {
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
        const json& listed = r["result"]["formulas"];
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
        std::vector<FormulaRename> renamed;
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
        CHECK(r["result"]["formulas"].size() == 2u);
        Result<std::vector<AutomationRule>> rules = org.ws->automation().List("admin", "Account");
        REQUIRE(rules.ok());
        CHECK(rules->at(0).condition == "$Profile.Name = \"Account Executive\"");
        CHECK(rules->at(0).actions.size() == 1);
    }
}
