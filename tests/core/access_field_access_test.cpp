// The grants of one profile on one object's fields, as "preview as profile" draws the form.
#include <doctest/doctest.h>

#include "api/command_api.h"
#include "test_util.h"
#include "workspace.h"

using namespace crm;

namespace {

// Sales reads and edits opportunities; Amount is hidden, Probability read-only, the rest follows
// the object permission. Viewer only reads. A permission set gives Amount back to whoever holds it.
struct Profiles {
    std::unique_ptr<Workspace> ws;
    AccessService& a() { return ws->access(); }
    Profiles() {
        auto opened = Workspace::Open(":memory:");
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        for (const char* name : {"Sales", "Viewer"})
            REQUIRE(a().CreatePermissionSet("admin", PermissionSetKind::Profile, name, "").ok());
        REQUIRE(
            a().SetObjectPermissions("admin", PermissionSetKind::Profile, "Sales", "Opportunity", kObjEdit)
                .ok());
        REQUIRE(
            a().SetObjectPermissions("admin", PermissionSetKind::Profile, "Viewer", "Opportunity", kObjRead)
                .ok());
        REQUIRE(
            a().SetFieldPermissions("admin", PermissionSetKind::Profile, "Sales", "Opportunity", "Amount", 0)
                .ok());
        REQUIRE(a().SetFieldPermissions("admin", PermissionSetKind::Profile, "Sales", "Opportunity",
                                        "Probability", kFieldRead)
                    .ok());
        REQUIRE(a().CreatePermissionSet("admin", PermissionSetKind::PermissionSet, "Amounts", "").ok());
        REQUIRE(a().SetFieldPermissions("admin", PermissionSetKind::PermissionSet, "Amounts", "Opportunity",
                                        "Amount", kFieldEdit)
                    .ok());
    }
};

}  // namespace

TEST_SUITE("access.field_access") {
    TEST_CASE("a profile's field access: explicit rows win, other fields follow the object permission") {
        Profiles org;
        struct Case {
            const char* profile;
            const char* field;
            bool read;
            bool edit;
        };
        const Case cases[] = {
            {"Sales", "Name", true, true},                   // no row: object Edit gives field Edit
            {"Sales", "Amount", false, false},               // a row without Read hides it
            {"Sales", "Probability", true, false},           // a row with Read only: read-only
            {"Viewer", "Name", true, false},                 // object Read only: every field read-only
            {"Viewer", "Amount", true, false},               // the Sales row does not leak into Viewer
            {"System Administrator", "Amount", true, true},  // the built-in profile reads and edits all
        };
        for (const Case& c : cases) {
            CAPTURE(c.profile);
            CAPTURE(c.field);
            Result<ObjectFieldAccess> access =
                org.a().FieldAccessOf(PermissionSetKind::Profile, c.profile, "Opportunity");
            REQUIRE(access.ok());
            CHECK(access->CanRead(c.field) == c.read);
            CHECK(access->CanEdit(c.field) == c.edit);
        }
    }

    TEST_CASE("the profile's object permission comes with it, names are case-insensitive") {
        Profiles org;
        Result<ObjectFieldAccess> sales =
            org.a().FieldAccessOf(PermissionSetKind::Profile, "sales", "opportunity");
        REQUIRE(sales.ok());
        CHECK(sales->object == (kObjRead | kObjEdit));
        Result<ObjectFieldAccess> none =
            org.a().FieldAccessOf(PermissionSetKind::Profile, "Viewer", "Account");
        REQUIRE(none.ok());
        CHECK(none->object == 0);
        CHECK_FALSE(none->CanRead("Name"));
    }

    TEST_CASE("a permission set is read on its own, and does not change what the profile grants") {
        Profiles org;
        Result<ObjectFieldAccess> set =
            org.a().FieldAccessOf(PermissionSetKind::PermissionSet, "Amounts", "Opportunity");
        REQUIRE(set.ok());
        CHECK(set->CanEdit("Amount"));
        CHECK_FALSE(set->CanRead("Name"));  // no object permission in the set: nothing else
        CHECK_FALSE(
            org.a().FieldAccessOf(PermissionSetKind::Profile, "Sales", "Opportunity")->CanRead("Amount"));
    }

    TEST_CASE("the answer agrees with what a user holding only the profile receives") {
        Profiles org;
        User u;
        u.username = "rep";
        u.full_name = "Rep";
        u.email = "rep@example.com";
        u.profile = "Sales";
        REQUIRE(org.a().CreateUser("admin", u).ok());
        Result<EffectivePermissions> effective = org.a().Effective("rep");
        REQUIRE(effective.ok());
        Result<ObjectFieldAccess> profile =
            org.a().FieldAccessOf(PermissionSetKind::Profile, "Sales", "Opportunity");
        REQUIRE(profile.ok());
        CHECK(profile->fields == effective->fields.at("Opportunity"));
    }

    TEST_CASE(
        "a new field follows the object permission, a deleted one is not listed; unknown names are errors") {
        Profiles org;
        FieldDef score;
        score.object = "Opportunity";
        score.api_name = "Score__c";
        score.label = "Score";
        score.type = FieldType::Number;
        score.precision = 6;
        REQUIRE(org.ws->schema().CreateField("admin", score).ok());
        CHECK(org.a().FieldAccessOf(PermissionSetKind::Profile, "Sales", "Opportunity")->CanEdit("Score__c"));
        REQUIRE(org.ws->schema().DeleteField("admin", "Opportunity", "Score__c").ok());
        Result<ObjectFieldAccess> sales =
            org.a().FieldAccessOf(PermissionSetKind::Profile, "Sales", "Opportunity");
        REQUIRE(sales.ok());
        CHECK(sales->fields.count("Score__c") == 0);
        CHECK(sales->fields.count("Name") == 1);
        Result<ObjectFieldAccess> no_profile =
            org.a().FieldAccessOf(PermissionSetKind::Profile, "Nobody", "Opportunity");
        REQUIRE_FALSE(no_profile.ok());
        CHECK(no_profile.error().code == "access.unknown_profile");
        Result<ObjectFieldAccess> no_object =
            org.a().FieldAccessOf(PermissionSetKind::Profile, "Sales", "Nothing");
        REQUIRE_FALSE(no_object.ok());
        CHECK(no_object.error().code == "access.unknown_object");
    }

    TEST_CASE("layouts.preview as a profile: hidden fields left out, read-only ones with the reason") {
        Profiles org;
        CommandApi api(*org.ws);
        auto preview = [&](nlohmann::json args) {
            return api.Execute({{"cmd", "layouts.preview"}, {"args", std::move(args)}});
        };
        auto item = [](const nlohmann::json& result, const std::string& field) {
            for (const auto& section : result["sections"])
                for (const auto& i : section["items"])
                    if (i["field"] == field) return i;
            return nlohmann::json();
        };
        nlohmann::json sales = preview({{"object", "Opportunity"}, {"profile", "Sales"}});
        REQUIRE(sales["ok"] == true);
        CHECK(sales["result"]["hidden"] == nlohmann::json::array({"Amount"}));
        CHECK(item(sales["result"], "Amount").is_null());
        CHECK(item(sales["result"], "Probability")["read_only_reason"] == "fls");
        CHECK(item(sales["result"], "Name")["read_only"] == false);
        CHECK(item(sales["result"], "ExpectedRevenue")["read_only_reason"] == "computed");
        nlohmann::json viewer = preview({{"object", "Opportunity"}, {"profile", "Viewer"}});
        REQUIRE(viewer["ok"] == true);
        CHECK(item(viewer["result"], "Name")["read_only_reason"] == "fls");  // object Read: fields read only
        CHECK(item(viewer["result"], "Amount")["read_only"] == true);
        nlohmann::json drawn = preview({{"object", "Opportunity"}});  // no profile: the layout as drawn
        CHECK(drawn["result"]["hidden"].empty());
        CHECK(item(drawn["result"], "Amount")["read_only"] == false);
        nlohmann::json unknown = preview({{"object", "Opportunity"}, {"profile", "Ghost"}});
        CHECK(unknown["ok"] == false);
    }
}
