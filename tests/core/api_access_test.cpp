// The registry walk: every command of the command interface runs as a user and answers nothing its
// user may not see. A small organization hides values behind field-level security and record sharing,
// each marked with "SENTINEL"; every command's example request then runs as
//   - "walker", an active user whose profile grants nothing: a denial, or an answer without any hidden
//     value (and a command that changes the workspace must be denied);
//   - "reader", who reads Accounts but not Secret__c and owns one Account under a private default: every
//     reading command answers a denial or an answer without any hidden value;
//   - the workspace's owner (no "as"): every example works, so the examples in the registry stay true.
// A command without an example request fails the walk.
#include <doctest/doctest.h>

#include <set>

#include "api/command_api.h"
#include "auth/auth.h"
#include "erp_fake.h"
#include "integration/connector.h"
#include "records/records.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1795712400000;  // 2026-11-26T17:00:00Z
constexpr const char* kSentinel = "SENTINEL";

/// The organization every walk runs in. Account 1 belongs to reader, with a hidden Secret__c; Accounts 2
/// and 3 belong to the owner and are hidden whole from reader.
struct WalkFixture {
    FixedClock clock{kNow};
    test::FakeErp erp;  // before the workspace: its connectors keep a pointer to it
    std::unique_ptr<Workspace> ws;
    std::unique_ptr<CommandApi> api;

    WalkFixture() {
        SetDefaultPasswordHashCost(1, 8192);  // the cheapest Argon2id: the walk opens a workspace per command
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        api = std::make_unique<CommandApi>(*ws);
        const json setup[] = {
            // The password the auth.* examples use.
            {{"cmd", "auth.reset_password"},
             {"args", {{"username", "admin"}, {"password", "Walk-example-9"}, {"temporary", false}}}},
            {{"cmd", "fields.create"},
             {"args",
              {{"object", "Account"},
               {"field",
                {{"api_name", "Secret__c"},
                 {"label", "Secret"},
                 {"type", "text"},
                 {"length", 80},
                 {"help_text", "SENTINEL-HELP"}}}}}},
            {{"cmd", "fields.create"},
             {"args",
              {{"object", "Account"},
               {"field", {{"api_name", "Spare__c"}, {"label", "Spare"}, {"type", "text"}}}}}},
            {{"cmd", "fields.create"},
             {"args",
              {{"object", "Account"},
               {"field", {{"api_name", "Old_code__c"}, {"label", "Old code"}, {"type", "text"}}}}}},
            {{"cmd", "fields.delete"}, {"args", {{"object", "Account"}, {"field", "Old_code__c"}}}},
            {{"cmd", "objects.create"},
             {"args", {{"api_name", "Project__c"}, {"label", "Project"}, {"plural_label", "Projects"}}}},
            {{"cmd", "roles.create"}, {"args", {{"name", "CEO"}}}},
            {{"cmd", "roles.create"}, {"args", {{"name", "Sales Rep"}, {"parent", "CEO"}}}},
            {{"cmd", "roles.create"}, {"args", {{"name", "Unused"}}}},
            {{"cmd", "profiles.create"}, {"args", {{"name", "Standard User"}}}},
            {{"cmd", "profiles.set_object"},
             {"args",
              {{"name", "Standard User"},
               {"object", "Account"},
               {"permissions", {"read", "create", "edit"}}}}},
            {{"cmd", "profiles.create"},
             {"args", {{"name", "Reader Profile"}, {"copy_from", "Standard User"}}}},
            {{"cmd", "profiles.set_field"},
             {"args",
              {{"name", "Reader Profile"}, {"object", "Account"}, {"field", "Secret__c"}, {"read", false}}}},
            {{"cmd", "profiles.create"}, {"args", {{"name", "Walker Profile"}}}},
            {{"cmd", "permsets.create"}, {"args", {{"name", "Sales Ops"}}}},
            {{"cmd", "users.create"},
             {"args",
              {{"username", "reader"},
               {"full_name", "Rita Reader"},
               {"email", "rita@example.com"},
               {"profile", "Reader Profile"},
               {"role", "Sales Rep"}}}},
            {{"cmd", "users.create"},
             {"args",
              {{"username", "walker"},
               {"full_name", "Walt Walker"},
               {"email", "walt@example.com"},
               {"profile", "Walker Profile"}}}},
            {{"cmd", "users.create"},
             {"args",
              {{"username", "idle"},
               {"full_name", "Ida Idle"},
               {"email", "ida@example.com"},
               {"profile", "Standard User"}}}},
            {{"cmd", "teams.create"}, {"args", {{"name", "Sales"}}}},
            {{"cmd", "teams.add_member"}, {"args", {{"team", "Sales"}, {"username", "reader"}}}},
            {{"cmd", "sharing.set"}, {"args", {{"object", "Account"}, {"owd", "private"}}}},
            // Account 1 is reader's (a hidden Secret__c); Accounts 2 and 3 are the owner's, hidden whole.
            {{"cmd", "records.create"},
             {"args",
              {{"object", "Account"},
               {"values", {{"Name", "Reader Co"}, {"Secret__c", "SENTINEL-SECRET-1"}}}}}},
            {{"cmd", "users.transfer"},
             {"args", {{"from", "admin"}, {"to", "reader"}, {"object", "Account"}}}},
            {{"cmd", "records.create"},
             {"args",
              {{"object", "Account"},
               {"values", {{"Name", "SENTINEL-NAME-2"}, {"Secret__c", "SENTINEL-SECRET-2"}}}}}},
            {{"cmd", "records.create"},
             {"args",
              {{"object", "Account"},
               {"values", {{"Name", "SENTINEL-NAME-3"}, {"Secret__c", "SENTINEL-SECRET-3"}}}}}},
            {{"cmd", "profiles.create"}, {"args", {{"name", "Support Agent"}}}},
            {{"cmd", "users.assign_permset"},
             {"args", {{"username", "reader"}, {"permission_set", "Sales Ops"}}}},
            {{"cmd", "teams.assign_permset"}, {"args", {{"team", "Sales"}, {"permission_set", "Sales Ops"}}}},
            {{"cmd", "rules.create"},
             {"args",
              {{"object", "Account"},
               {"name", "Secret_set"},
               {"condition", "Secret__c = \"SENTINEL-RULE\""},
               {"error_message", "No."},
               {"active", false}}}},
            {{"cmd", "sharing.save_rule"},
             {"args",
              {{"object", "Account"},
               {"name", "Big_secrets"},
               {"criteria", "Secret__c = \"SENTINEL-SHARE\""},
               {"share_with", {{"kind", "role"}, {"name", "CEO"}}},
               {"level", "read"}}}},
            // An automation rule, and the owner's notification it sends (notification 1).
            {{"cmd", "automation.create"},
             {"args",
              {{"object", "Account"},
               {"name", "Welcome"},
               {"trigger", {{"kind", "on_create"}}},
               {"actions", {{{"kind", "notify"}, {"to", "owner"}, {"title", "Welcome {{Name}}"}}}}}}},
            {{"cmd", "records.create"},
             {"args", {{"object", "Account"}, {"values", {{"Name", "Welcome Co"}}}}}},
            // Approvals: Account 2 (hidden from reader) waits on reader, who must not see it in the inbox.
            {{"cmd", "approvals.create"},
             {"args",
              {{"process",
                {{"object", "Account"},
                 {"name", "Big accounts"},
                 {"steps", {{{"approver", {{"kind", "user"}, {"name", "reader"}}}}}}}}}}},
            {{"cmd", "approvals.create"},
             {"args",
              {{"process",
                {{"object", "Account"},
                 {"name", "Old review"},
                 {"active", false},
                 {"steps", {{{"approver", {{"kind", "user"}, {"name", "idle"}}}}}}}}}}},
            {{"cmd", "approvals.submit"}, {"args", {{"object", "Account"}, {"id", 2}}}},
            {{"cmd", "listviews.save"}, {"args", {{"object", "Account"}, {"name", "Mine"}}}},
            // Report 1, shared in a folder: grouped and filtered by the field reader cannot read.
            {{"cmd", "reports.create"},
             {"args",
              {{"report",
                {{"name", "Secrets"},
                 {"object", "Account"},
                 {"folder", "Shared"},
                 {"format", "summary"},
                 {"row_groupings", {"Secret__c"}},
                 {"filters", {{{"field", "Secret__c"}, {"op", "!="}, {"value", "SENTINEL-REPORT"}}}}}}}}},
            // Folder 1 (shared with nobody) and dashboard 1 (private to the owner) for the report_folders.*
            // and dashboards.* examples.
            {{"cmd", "report_folders.create"},
             {"args", {{"folder", {{"name", "Board"}, {"shares", json::array()}}}}}},
            {{"cmd", "dashboards.create"},
             {"args",
              {{"dashboard", {{"name", "Walk"}, {"components", {{{"kind", "table"}, {"report_id", 1}}}}}}}}},
            {{"cmd", "listviews.save"},
             {"as", "reader"},
             {"args", {{"object", "Account"}, {"name", "Mine"}}}},
            // Workflow: a process, and a Lead waiting in the Sales team's queue.
            {{"cmd", "processes.create"},
             {"args",
              {{"name", "Sales Process"},
               {"object", "Opportunity"},
               {"field", "StageName"},
               {"probability_field", "Probability"},
               {"stages",
                {{{"value", "Prospecting"}, {"probability", 10}},
                 {{"value", "Closed Won"}, {"probability", 100}, {"entry_condition", "Amount > 0"}}}}}}},
            {{"cmd", "assignment.create"},
             {"args", {{"object", "Lead"}, {"name", "Web_leads"}, {"kind", "queue"}, {"team", "Sales"}}}},
            {{"cmd", "records.create"},
             {"args", {{"object", "Lead"}, {"values", {{"Name", "Wen Lead"}, {"Company", "Wen Co"}}}}}},
            // API key 1 (reader's), for the apikeys.* examples.
            {{"cmd", "apikeys.create"}, {"args", {{"username", "reader"}, {"name", "Walk key"}}}},
            // Notifications: a custom type and a Chinese template for the notify.* delete examples.
            {{"cmd", "notify.types.save"}, {"args", {{"code", "custom_walk"}, {"label", "Walk"}}}},
            {{"cmd", "notify.templates.save"},
             {"args", {{"type", "report_ready"}, {"language", "zh-CN"}, {"subject", "报表已就绪"}}}},
            // The outbox: message 1 failed (no SMS gateway set yet), message 2 claimed by a sender.
            {{"cmd", "notify.channels.test"}, {"args", {{"channel", "sms"}, {"to", "+8613800138000"}}}},
            {{"cmd", "notify.outbox.claim"}, {"args", json::object()}},
            {{"cmd", "notify.channels.set"},
             {"args", {{"channel", "sms"}, {"settings", {{"url", "https://sms.example.com/send"}}}}}},
            {{"cmd", "notify.channels.test"}, {"args", {{"channel", "sms"}, {"to", "+8613800138000"}}}},
            {{"cmd", "notify.outbox.claim"}, {"args", json::object()}},
            // Reminders: rule 1 on Task, and its occurrence 1 in the owner's inbox (reminders.snooze).
            {{"cmd", "reminders.save"},
             {"args",
              {{"name", "Walk task due"}, {"object", "Task"}, {"date_field", "DueDate"}, {"offset", 0}}}},
            {{"cmd", "records.create"},
             {"args",
              {{"object", "Task"}, {"values", {{"Subject", "Walk task"}, {"DueDate", "2026-11-20"}}}}}},
            {{"cmd", "scheduler.run_due"}, {"args", json::object()}},
            // Webhook subscription 1, run as reader, for the webhooks.* examples.
            {{"cmd", "webhooks.save"},
             {"args",
              {{"values",
                {{"name", "Walk hook"},
                 {"object", "Account"},
                 {"url", "https://erp.example.com/walk"},
                 {"run_as", "reader"},
                 {"secret", "SENTINEL-WEBHOOK-SECRET"}}}}}},
            // ERP connector 1 on a scripted ERP (below), for the connectors.* examples.
            {{"cmd", "fields.create"},
             {"args",
              {{"object", "Account"},
               {"field", {{"api_name", "ERP_Id__c"}, {"label", "ERP Id"}, {"type", "text"}}}}}},
            {{"cmd", "connectors.save"}, {"args", {{"values", WalkConnector("")}}}},
        };
        for (const json& request : setup) Setup(request);
        // Its error 1 (a customer without a name) and its held conflict 1 (a customer changed on both sides);
        // then a mended mapping, so that retrying error 1 goes through.
        ConnectorsOf(*ws).SetClient(&erp);
        erp.now_ms = kNow - 100000;
        erp.Put("customers", {{"id", "W1"}, {"name", "Walk customer"}});
        erp.Put("customers", {{"id", "W2"}, {"name", ""}});
        Setup({{"cmd", "connectors.run"}, {"args", {{"id", 1}}}});
        clock.Advance(1000);
        erp.Put("customers", {{"id", "W1"}, {"name", "Walk customer (ERP)"}});
        ListQuery q;
        q.filters = {{"ERP_Id__c", "=", "W1"}};
        const int64_t w1 = ws->records().List("admin", "Account", q)->rows.at(0)["Id"];
        Setup({{"cmd", "records.update"},
               {"args", {{"object", "Account"}, {"id", w1}, {"values", {{"Name", "Walk customer (CRM)"}}}}}});
        clock.Advance(1000);
        Setup({{"cmd", "connectors.run"}, {"args", {{"id", 1}}}});
        Setup({{"cmd", "connectors.save"},
               {"args", {{"id", 1}, {"values", WalkConnector("BLANKVALUE(VALUE, \"Unnamed\")")}}}});
    }

    static json WalkConnector(const std::string& transform) {
        return {{"name", "Walk ERP"},
                {"base_url", test::FakeErp::kBase},
                {"auth", "api_key"},
                {"auth_header", "X-Api-Key"},
                {"secret", "SENTINEL-ERP-KEY"},
                {"entities",
                 {{{"name", "customers"},
                   {"path", "customers"},
                   {"object", "Account"},
                   {"external_id_field", "ERP_Id__c"},
                   {"conflict", "hold"},
                   {"fields", {{{"erp", "name"}, {"crm", "Name"}, {"transform", transform}}}}}}}};
    }

    void Setup(const json& request) {
        json r = api->Execute(request);
        CAPTURE(request.dump());
        CAPTURE(r.dump());
        REQUIRE(r["ok"] == true);
    }

    json Run(const std::string& command, const json& args, const std::string& as = "") {
        json request = {{"cmd", command}, {"args", args}};
        if (!as.empty()) request["as"] = as;
        return api->Execute(request);
    }
};

bool IsDenial(const json& response) {
    static const std::set<std::string> kDenials = {"access.denied", "records.no_access",
                                                   "records.no_record_access"};
    return response["ok"] == false && kDenials.count(response["error"]["code"].get<std::string>()) > 0;
}

/// A hidden value in the answer (a probe's own formula may name Secret__c; an error may echo it).
bool LeaksValue(const json& response) { return response.dump().find(kSentinel) != std::string::npos; }

bool Leaks(const json& response) {
    const std::string text = response.dump();
    return text.find(kSentinel) != std::string::npos || text.find("Secret__c") != std::string::npos;
}

}  // namespace

TEST_SUITE("api.access") {
    TEST_CASE("every command has an example request and declares what it reads") {
        for (const CommandInfo& c : CommandApi::Commands()) {
            CAPTURE(c.name);
            CHECK(c.example.is_object());
            CHECK_FALSE(c.reads.empty());
        }
    }

    TEST_CASE("a user whose profile grants nothing is denied every change and reads nothing hidden") {
        WalkFixture f;
        for (const CommandInfo& c : CommandApi::Commands()) {
            CAPTURE(c.name);
            json r = f.Run(c.name, c.example, "walker");
            CAPTURE(r.dump());
            if (c.mutating) {
                CHECK(IsDenial(r));
            } else {
                CHECK((IsDenial(r) || (r["ok"] == true && !Leaks(r))));
            }
        }
    }

    TEST_CASE("a user without a field or a record reads neither, through any command") {
        WalkFixture f;
        for (const CommandInfo& c : CommandApi::Commands()) {
            if (c.mutating) continue;
            CAPTURE(c.name);
            json r = f.Run(c.name, c.example, "reader");
            CAPTURE(r.dump());
            CHECK((r["ok"] == false || !Leaks(r)));
        }
        // The probes of the issue, one by one.
        struct Probe {
            const char* command;
            json args;
            bool ok;  // false: an error (a denial, or the hidden field as unknown)
        };
        const Probe probes[] = {
            {"formula.eval", {{"object", "Account"}, {"formula", "Secret__c"}, {"id", 1}}, false},
            {"formula.eval", {{"object", "Account"}, {"formula", "Name"}, {"id", 2}}, false},
            {"formula.eval", {{"object", "Account"}, {"formula", "UPPER(Name)"}, {"id", 1}}, true},
            {"formula.check", {{"object", "Account"}, {"formula", "ISBLANK(Secret__c)"}}, true},
            {"records.get", {{"object", "Account"}, {"id", 2}}, false},
            {"records.get", {{"object", "Account"}, {"id", 1}}, true},
            {"records.list", {{"object", "Account"}}, true},
            {"records.list",
             {{"object", "Account"}, {"filter_formula", "Secret__c = \"SENTINEL-SECRET-2\""}},
             false},
            {"objects.get", {{"object", "Account"}}, true},
            {"fields.list", {{"object", "Account"}, {"include_deleted", true}}, true},
            {"rules.test", {{"object", "Account"}, {"condition", "ISBLANK(Phone)"}}, false},
            {"fields.retype_preview",
             {{"object", "Account"}, {"field", {{"api_name", "Secret__c"}, {"type", "number"}}}},
             false},
            {"users.get", {{"username", "reader"}}, true},
            {"users.get", {{"username", "admin"}}, false},
            {"access.explain",
             {{"username", "reader"}, {"action", "read"}, {"object", "Account"}, {"id", 1}},
             true},
            {"access.explain",
             {{"username", "admin"}, {"action", "read"}, {"object", "Account"}, {"id", 2}},
             false},
            {"audit.list", json::object(), false},
            {"users.list", json::object(), false},
            {"sharing.rules", json::object(), false},
        };
        for (const Probe& p : probes) {
            json r = f.Run(p.command, p.args, "reader");
            CAPTURE(p.command);
            CAPTURE(p.args.dump());
            CAPTURE(r.dump());
            CHECK(r["ok"] == p.ok);
            CHECK_FALSE(LeaksValue(r));
        }
        // formula.check answers the hidden field as unknown, like a field that does not exist.
        json check =
            f.Run("formula.check", {{"object", "Account"}, {"formula", "ISBLANK(Secret__c)"}}, "reader");
        CHECK(check["result"]["valid"] == false);
        CHECK(check["result"]["error"]["code"] == "formula.unknown_field");
        json list = f.Run("records.list", {{"object", "Account"}}, "reader");
        REQUIRE(list["ok"] == true);
        CHECK(list["result"]["total"] == 1);
    }

    TEST_CASE("a request without \"as\" runs as the workspace's owner, and every example works for it") {
        for (const CommandInfo& c : CommandApi::Commands()) {
            WalkFixture f;
            CAPTURE(c.name);
            json r = f.Run(c.name, c.example);
            CAPTURE(r.dump());
            CHECK(r["ok"] == true);
        }
        WalkFixture f;
        json audit = f.Run("audit.list", {{"area", "company"}});
        REQUIRE(audit["ok"] == true);
        json updated = f.Run("company.update", {{"name", "Owner Co"}});
        REQUIRE(updated["ok"] == true);
        audit = f.Run("audit.list", {{"area", "company"}});
        REQUIRE(audit["result"]["entries"].size() >= 1);
        CHECK(audit["result"]["entries"][0]["actor"] == "admin");
    }
}

TEST_SUITE("api.messages") {
    TEST_CASE("an argument error is raised by message id with named parameters, and translated by id") {
        WalkFixture f;
        json r = f.Run("records.get", {{"object", "Account"}, {"idd", 1}}, "reader");
        REQUIRE(r["ok"] == false);
        CHECK(r["error"]["message"] ==
              "\"records.get\" has no argument \"idd\"; it takes object, id. Did you mean \"id\"?");
        CHECK(r["error"]["message_zh"] ==
              "\"records.get\" 没有参数 \"idd\"；它接受的参数为 object, id。您是不是要找 \"id\"？");
        r = f.Run("users.list", json::object(), "reader");
        CHECK(r["error"]["code"] == "access.denied");
        CHECK(r["error"]["message_zh"] == "此操作需要系统权限“管理用户”或“管理角色和权限”。");
        r = f.Run("records.get", {{"object", "Account"}, {"id", "7"}}, "reader");
        CHECK(r["error"]["message_zh"] == "\"id\" 必须是记录 ID（正整数）。");
    }
}

TEST_SUITE("api.globals") {
    TEST_CASE("a validation rule can depend on who saves: $User, $Profile, $UserRole, $Organization") {
        WalkFixture f;
        json r = f.Run("rules.create",
                       {{"object", "Account"},
                        {"name", "Only_sales_reps_name_Rep"},
                        {"condition", "AND(BEGINS(Name, \"Rep\"), $UserRole.Name <> \"Sales Rep\")"},
                        {"error_message", "Only a sales rep may name an account Rep..."}});
        REQUIRE(r["ok"] == true);
        CHECK(f.Run("records.create", {{"object", "Account"}, {"values", {{"Name", "Rep Owned"}}}},
                    "reader")["ok"] == true);
        json refused = f.Run("records.create", {{"object", "Account"}, {"values", {{"Name", "Rep Admin"}}}});
        CHECK(refused["ok"] == false);
        json who =
            f.Run("formula.eval",
                  {{"object", "Account"},
                   {"formula", "$User.Username & \"/\" & $Profile.Name & \"/\" & $Organization.Currency"},
                   {"id", 1}},
                  "reader");
        REQUIRE(who["ok"] == true);
        CHECK(who["result"]["value"] == "reader/Reader Profile/USD");
    }
}
