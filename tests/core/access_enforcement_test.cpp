// The services themselves refuse what the acting user may not do: the console calls them directly
// (C++), so a check only in the command API would leave it open.
#include <doctest/doctest.h>

#include "api/command_api.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

/// The status of a result whose value is not needed.
template <class T>
Status StatusOf(const Result<T>& r) {
    return r.ok() ? Status::Ok() : Status(r.error());
}

// An administrator and a sales rep without Customize Schema or View Setup Audit Trail.
struct Org {
    std::unique_ptr<Workspace> ws;
    Org() {
        auto opened = Workspace::Open(":memory:");
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        AccessService& a = ws->access();
        REQUIRE(a.CreatePermissionSet("admin", PermissionSetKind::Profile, "Sales", "").ok());
        REQUIRE(
            a.SetObjectPermissions("admin", PermissionSetKind::Profile, "Sales", "Account", kObjRead).ok());
        User u;
        u.username = "rep";
        u.full_name = "Rep";
        u.email = "rep@example.com";
        u.profile = "Sales";
        REQUIRE(a.CreateUser("admin", u).ok());
    }
    void CheckDenied(const Status& s, const char* permission_label) {
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().code == "access.denied");
        CHECK(s.error().message.find(permission_label) != std::string::npos);
    }
};

}  // namespace

TEST_SUITE("access.enforcement") {
    TEST_CASE("a user without Customize Schema cannot change the company profile from C++") {
        Org org;
        CompanyProfile p = *org.ws->company().Get();
        const CompanyProfile before = p;
        p.name = "Taken Over Ltd";
        const uint64_t changes = org.ws->change_count();
        org.CheckDenied(org.ws->company().Update("rep", p), "Customize Schema");
        CHECK(*org.ws->company().Get() == before);
        CHECK(org.ws->change_count() == changes);
        CHECK(org.ws->company().Update("admin", p).ok());
        CHECK(org.ws->company().Get()->name == "Taken Over Ltd");
    }

    TEST_CASE("every schema mutation refuses a user without Customize Schema and changes nothing") {
        Org org;
        SchemaService& schema = org.ws->schema();
        const uint64_t version = schema.version();
        ObjectDef obj;
        obj.api_name = "Project__c";
        obj.label = "Project";
        obj.plural_label = "Projects";
        FieldDef field;
        field.object = "Account";
        field.api_name = "Tier__c";
        field.label = "Tier";
        ValidationRule rule;
        rule.object = "Account";
        rule.name = "NoName";
        rule.condition = "ISBLANK(Name)";
        rule.error_message = "Name it";
        Layout layout;
        layout.object = "Account";
        layout.name = "Mine";
        const Layout existing = schema.Layouts("Account").front();
        FieldDef phone = schema.Object("Account").value()->fields.front();

        org.CheckDenied(StatusOf(schema.CreateObject("rep", obj)), "Customize Schema");
        org.CheckDenied(schema.UpdateObject("rep", *schema.Object("Account").value()), "Customize Schema");
        org.CheckDenied(schema.DeleteObject("rep", "Account"), "Customize Schema");
        org.CheckDenied(StatusOf(schema.CreateField("rep", field)), "Customize Schema");
        org.CheckDenied(StatusOf(schema.UpdateField("rep", phone)), "Customize Schema");
        org.CheckDenied(StatusOf(schema.RetypeField("rep", phone, RetypeMode::RefuseIfAny)),
                        "Customize Schema");
        org.CheckDenied(schema.DeleteField("rep", "Account", "Phone"), "Customize Schema");
        org.CheckDenied(schema.RestoreField("rep", "Account", "Phone"), "Customize Schema");
        org.CheckDenied(schema.PurgeField("rep", "Account", "Phone"), "Customize Schema");
        org.CheckDenied(StatusOf(schema.CreateRule("rep", rule)), "Customize Schema");
        org.CheckDenied(StatusOf(schema.UpdateRule("rep", rule)), "Customize Schema");
        org.CheckDenied(schema.DeleteRule("rep", "Account", "NoName"), "Customize Schema");
        org.CheckDenied(StatusOf(schema.SaveLayout("rep", layout)), "Customize Schema");
        org.CheckDenied(schema.AssignLayout("rep", "Account", "Sales", existing.name), "Customize Schema");
        org.CheckDenied(schema.DeleteLayout("rep", "Account", existing.name), "Customize Schema");
        CHECK(schema.version() == version);
        CHECK_FALSE(schema.Object("Project__c").ok());

        // The administrator passes the same check.
        CHECK(schema.CreateObject("admin", obj).ok());
    }

    TEST_CASE("an unknown or inactive actor is refused by the schema service") {
        Org org;
        FieldDef field;
        field.object = "Account";
        field.api_name = "Tier__c";
        field.label = "Tier";
        Result<FieldDef> r = org.ws->schema().CreateField("nobody", field);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == "access.unknown_user");
        REQUIRE(org.ws->access().SetUserActive("admin", "rep", false).ok());
        r = org.ws->schema().CreateField("rep", field);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == "access.inactive_user");
    }

    TEST_CASE("listing the audit trail as a viewer needs View Setup Audit Trail") {
        Org org;
        AuditQuery q;
        Result<AuditPage> page = org.ws->audit().List("rep", q);
        REQUIRE_FALSE(page.ok());
        CHECK(page.error().code == "access.denied");
        CHECK(org.ws->audit().List("admin", q).ok());
    }

    TEST_CASE("the command API answers with the service's refusal") {
        Org org;
        CommandApi api(*org.ws);
        json r = api.Execute(json{{"cmd", "company.update"}, {"as", "rep"}, {"args", {{"name", "X"}}}});
        CHECK(r["ok"] == false);
        CHECK(r["error"]["code"] == "access.denied");
        r = api.Execute(json{{"cmd", "audit.list"}, {"as", "rep"}});
        CHECK(r["error"]["code"] == "access.denied");
        r = api.Execute(json{{"cmd", "audit.list"}, {"as", "admin"}});
        CHECK(r["ok"] == true);
        r = api.Execute(json{
            {"cmd", "fields.create"},
            {"as", "rep"},
            {"args",
             {{"object", "Account"}, {"field", {{"api_name", "T__c"}, {"label", "T"}, {"type", "text"}}}}}});
        CHECK(r["error"]["code"] == "access.denied");
    }
}
