// The schema's guards that need the access engine: the dry run of a type change reads stored values
// (Customize Schema), a layout goes only to a profile that exists (and its audit keeps the layout the
// profile had before), and a field is not made required while a profile that can create records
// cannot read it (SEMANTICS.md).
#include <doctest/doctest.h>

#include "api/command_api.h"
#include "common/error_text.h"
#include "schema_fixture.h"

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

// An Account field Region__c, and a user "rep" whose profile "Clerk" reads and creates Accounts but has
// no Customize Schema.
struct GuardFixture : SchemaFixture {
    GuardFixture() {
        AddField("Account", {{"api_name", "Region__c"}, {"label", "Region"}, {"type", "text"}});
        AddProfile("Clerk", kObjRead | kObjCreate);
        User u;
        u.username = "rep";
        u.full_name = "Rep";
        u.email = "rep@example.com";
        u.profile = "Clerk";
        REQUIRE(ws->access().CreateUser(kAdmin, u).ok());
    }
    void AddProfile(const std::string& name, uint8_t account_bits) {
        AccessService& a = ws->access();
        REQUIRE(a.CreatePermissionSet(kAdmin, PermissionSetKind::Profile, name, "").ok());
        REQUIRE(
            a.SetObjectPermissions(kAdmin, PermissionSetKind::Profile, name, "Account", account_bits).ok());
    }
    void HideRegionFrom(const std::string& profile) {
        REQUIRE(
            ws->access()
                .SetFieldPermissions(kAdmin, PermissionSetKind::Profile, profile, "Account", "Region__c", 0)
                .ok());
    }
    FieldDef Region() { return *(*schema().Object("Account"))->Field("Region__c"); }
    std::vector<AuditEntry> LayoutAssignments() {
        AuditQuery q;
        q.area = "schema";
        q.text = "assign";
        q.descending = false;
        auto page = ws->audit().List(q);
        REQUIRE(page.ok());
        std::vector<AuditEntry> out;
        for (AuditEntry& e : page->entries) {
            if (e.action == "assign") out.push_back(std::move(e));
        }
        return out;
    }
};

std::string Chinese(const Error& e) { return ErrorMessageIn(e, "zh-CN"); }

}  // namespace

TEST_SUITE("schema_guards") {
    TEST_CASE("the dry run of a type change needs Customize Schema, like the change itself") {
        GuardFixture fx;
        fx.Create("Account", {{"Name", "Northwind"}, {"Region__c", "high"}});
        FieldDef to = fx.Region();
        to.type = FieldType::Number;

        auto denied = fx.schema().PreviewRetype("rep", to);
        REQUIRE_FALSE(denied.ok());
        CHECK(denied.error().code == "access.denied");
        CHECK(denied.error().message.find("Customize Schema") != std::string::npos);
        CHECK(fx.schema().PreviewRetype("", to).error().code == "auth.no_actor");

        auto allowed = fx.schema().PreviewRetype(kAdmin, to);
        REQUIRE(allowed.ok());
        CHECK(allowed->failures == 1);

        // Through the command interface: no stored value comes back to the user without the permission.
        CommandApi api(*fx.ws);
        const json answer = json::parse(api.Execute(
            R"j({"cmd": "fields.retype_preview", "as": "rep", "args": {"object": "Account", "field": {"api_name": "Region__c", "type": "number"}}})j"));
        CHECK(answer["ok"] == false);
        CHECK(answer["error"]["code"] == "access.denied");
        CHECK(answer.dump().find("high") == std::string::npos);
        const json ok = json::parse(api.Execute(
            R"j({"cmd": "fields.retype_preview", "as": "admin", "args": {"object": "Account", "field": {"api_name": "Region__c", "type": "number"}}})j"));
        CHECK(ok["result"]["failures"] == 1);
    }

    TEST_CASE("a layout is assigned only to a profile that exists, under the profile's own spelling") {
        GuardFixture fx;
        auto refused = fx.schema().AssignLayout(kAdmin, "Account", "Clark", "Account Layout");
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == "schema.unknown_profile");
        CHECK(refused.error().field == "profile");
        CHECK(refused.error().message ==
              "The layout cannot go to the profile \"Clark\": there is no such profile. Did you mean "
              "\"Clerk\"?");
        CHECK(Chinese(refused.error()) ==
              "布局无法分配给简档 \"Clark\"：不存在该简档。您是不是要找 \"Clerk\"？");
        CHECK(fx.AuditCount("schema") == 1);  // only the field of the fixture

        REQUIRE(fx.schema().AssignLayout(kAdmin, "Account", "clerk", "Account Layout").ok());
        auto layouts = fx.schema().Layouts("Account");
        REQUIRE(layouts.size() == 1);
        CHECK(layouts[0].profiles == std::vector<std::string>{"Clerk"});

        // The command interface answers the same, in both languages.
        CommandApi api(*fx.ws);
        const json answer = json::parse(api.Execute(
            R"j({"cmd": "layouts.assign", "as": "admin", "args": {"object": "Account", "profile": "Nobody", "layout": "Account Layout"}})j"));
        CHECK(answer["error"]["code"] == "schema.unknown_profile");
        CHECK(answer["error"]["message_zh"].get<std::string>().find("Nobody") != std::string::npos);
    }

    TEST_CASE("assigning a layout audits the layout the profile had before") {
        GuardFixture fx;
        Layout support;
        support.object = "Account";
        support.name = "Support";
        support.sections = {{"Main", 2, {{"Name", false, false}}}};
        REQUIRE(fx.schema().SaveLayout(kAdmin, support).ok());

        REQUIRE(fx.schema().AssignLayout(kAdmin, "Account", "Clerk", "Support").ok());
        REQUIRE(fx.schema().AssignLayout(kAdmin, "Account", "Clerk", "Account Layout").ok());
        REQUIRE(fx.schema().AssignLayout(kAdmin, "Account", "Clerk", "Account Layout").ok());  // no change

        std::vector<AuditEntry> entries = fx.LayoutAssignments();
        REQUIRE(entries.size() == 2);
        CHECK(entries[0].target == "layout.Account.profile.Clerk");
        CHECK(entries[0].old_value.is_null());
        CHECK(entries[0].new_value == "Support");
        CHECK(entries[1].old_value == "Support");
        CHECK(entries[1].new_value == "Account Layout");
    }

    TEST_CASE("a field is not made required while a profile that can create records cannot read it") {
        GuardFixture fx;
        fx.AddProfile("Viewer", kObjRead);  // cannot create: not in the way
        fx.HideRegionFrom("Clerk");
        fx.HideRegionFrom("Viewer");
        FieldDef required = fx.Region();
        required.required = true;

        auto refused = fx.schema().UpdateField(kAdmin, required);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == "schema.required_unreadable");
        CHECK(refused.error().field == "required");
        CHECK(
            refused.error().message ==
            "Region__c cannot be required: the profile \"Clerk\" can create Account records but cannot read "
            "the field. Give it Read on Region__c first.");
        CHECK(Chinese(refused.error()) ==
              "Region__c 不能设为必填：简档 \"Clerk\" 可以创建 Account 记录，但无法读取该字段。请先授予其对 "
              "Region__c 的读取权限。");
        CHECK_FALSE(fx.Region().required);

        fx.AddProfile("Temp", kObjRead | kObjCreate);
        fx.HideRegionFrom("Temp");
        auto two = fx.schema().UpdateField(kAdmin, required);
        REQUIRE_FALSE(two.ok());
        CHECK(two.error().message.find("the profiles \"Clerk\", \"Temp\" can create") != std::string::npos);
        CHECK(Chinese(two.error()).find("简档 \"Clerk\", \"Temp\"") != std::string::npos);

        // Through the command interface too.
        CommandApi api(*fx.ws);
        const json answer = json::parse(api.Execute(
            R"j({"cmd": "fields.update", "as": "admin", "args": {"object": "Account", "field": {"api_name": "Region__c", "required": true}}})j"));
        CHECK(answer["error"]["code"] == "schema.required_unreadable");

        // Once every creating profile reads the field, it can be required.
        for (const char* p : {"Clerk", "Temp"}) {
            REQUIRE(fx.ws->access()
                        .SetFieldPermissions(kAdmin, PermissionSetKind::Profile, p, "Account", "Region__c",
                                             kFieldRead)
                        .ok());
        }
        auto done = fx.schema().UpdateField(kAdmin, required);
        REQUIRE(done.ok());
        CHECK(fx.Region().required);
    }
}
