// The records service answers no more than its acting user may see (issue 8, section 1): formula
// evaluation, rule tests, and owners that are real, active users.
#include <doctest/doctest.h>

#include "access_fixture.h"
#include "common/error_text.h"
#include "schema_fixture.h"

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

/// The access organization (the Sales profile grants nothing on Account), where HideAmount() takes
/// Opportunity.Amount from the Sales profile once the deals exist.
struct ProbeOrg : Org {
    void HideAmount() {
        REQUIRE(
            a().SetFieldPermissions("admin", PermissionSetKind::Profile, "Sales", "Opportunity", "Amount", 0)
                .ok());
    }
};

}  // namespace

TEST_SUITE("records_probes") {
    TEST_CASE(
        "formula.eval as a user: refused on a field the user cannot read, an object or a record they "
        "cannot") {
        ProbeOrg org;
        const int64_t mine = org.Deal("rep", 4340000);
        const int64_t theirs = org.Deal("rep2", 10);
        org.HideAmount();
        RecordService& r = org.ws->records();

        auto hidden = r.EvalFormula("rep", "Opportunity", "Amount", mine, json::object());
        REQUIRE_FALSE(hidden.ok());
        CHECK(hidden.error().code == "records.field_not_readable");
        CHECK(hidden.error().field == "formula");
        CHECK(hidden.error().message.find("Amount") != std::string::npos);
        CHECK(ChineseErrorMessage(hidden.error().message) == "公式使用了 Amount，但您没有读取它的权限。");
        auto nested =
            r.EvalFormula("rep", "Opportunity", "IF(Amount > 1, \"big\", \"small\")", mine, json::object());
        CHECK(nested.error().code == "records.field_not_readable");

        auto readable = r.EvalFormula("rep", "Opportunity", "Name", mine, json::object());
        REQUIRE(readable.ok());
        CHECK(readable->text() == "Deal");

        auto other = r.EvalFormula("rep", "Opportunity", "Name", theirs, json::object());
        REQUIRE_FALSE(other.ok());
        CHECK(other.error().code == "records.no_record_access");

        // Sales grants nothing on Account: neither its records nor its fields through a lookup.
        auto account = r.EvalFormula("rep", "Account", "Name", 0, json::object());
        CHECK(account.error().code == "records.no_access");
        auto path = r.EvalFormula("rep", "Opportunity", "Account.Name", mine, json::object());
        CHECK(path.error().code == "records.field_not_readable");

        // The administrator reads it all; the system form (no actor) is unchecked.
        auto admin = r.EvalFormula("admin", "Opportunity", "Amount", theirs, json::object());
        REQUIRE(admin.ok());
        CHECK(admin->number() == 10);
        CHECK(r.EvalFormula("", "Opportunity", "Amount", theirs, json::object()).error().code ==
              "auth.no_actor");
    }

    TEST_CASE("rules.test as a user counts and lists only the records the user can see") {
        ProbeOrg org;
        const int64_t mine = org.Deal("rep");
        org.Deal("rep2");
        org.Deal("rep2");
        const int64_t below = org.Deal("rep");
        org.HideAmount();
        RecordService& r = org.ws->records();

        auto as_rep = r.TestRule("rep", "Opportunity", "NOT(ISBLANK(Name))", 20);
        REQUIRE(as_rep.ok());
        CHECK(as_rep->records == 2);
        CHECK(as_rep->failing == 2);
        REQUIRE(as_rep->examples.size() == 2);
        CHECK(as_rep->examples[0].first == mine);
        CHECK(as_rep->examples[1].first == below);

        // Record by record (ISCHANGED does not translate to SQL): the same records only.
        auto evaluated = r.TestRule("rep", "Opportunity", "NOT(ISCHANGED(Name))", 20);
        REQUIRE(evaluated.ok());
        CHECK_FALSE(evaluated->in_sql);
        CHECK(evaluated->failing == 2);

        // The manager sees his rep's deals through the hierarchy, not rep2's.
        auto as_mgr = r.TestRule("mgr", "Opportunity", "NOT(ISBLANK(Name))", 20);
        REQUIRE(as_mgr.ok());
        CHECK(as_mgr->records == 2);

        auto as_admin = r.TestRule("admin", "Opportunity", "NOT(ISBLANK(Name))", 20);
        REQUIRE(as_admin.ok());
        CHECK(as_admin->records == 4);

        auto hidden = r.TestRule("rep", "Opportunity", "Amount > 5", 20);
        CHECK(hidden.error().code == "records.field_not_readable");
        CHECK(hidden.error().field == "condition");
        CHECK(ChineseErrorMessage(hidden.error().message).has_value());
        CHECK(r.TestRule("rep", "Account", "ISBLANK(Name)", 20).error().code == "records.no_access");
    }

    TEST_CASE("a record's owner is an existing, active user, on create and when the owner changes") {
        ProbeOrg org;
        RecordService& r = org.ws->records();
        const json deal = {{"Name", "Deal"}, {"StageName", "Prospecting"}, {"CloseDate", "2026-01-01"}};
        json nobody = deal;
        nobody["OwnerId"] = 999999;
        SaveResult none = r.Create("admin", "Opportunity", nobody);
        REQUIRE(none.errors.size() == 1);
        CHECK(none.errors[0].code == "records.invalid_owner");
        CHECK(none.errors[0].field == "OwnerId");
        CHECK(none.errors[0].message.find("999999") != std::string::npos);
        CHECK(ChineseErrorMessage(none.errors[0].message).has_value());

        const int64_t rep2 = org.a().GetUser("rep2")->id;
        REQUIRE(org.a().SetUserActive("admin", "rep2", false).ok());
        json inactive = deal;
        inactive["OwnerId"] = rep2;
        SaveResult off = r.Create("admin", "Opportunity", inactive);
        REQUIRE(off.errors.size() == 1);
        CHECK(off.errors[0].code == "records.invalid_owner");
        CHECK(off.errors[0].message.find("rep2") != std::string::npos);
        CHECK(ErrorMessageIn(off.errors[0], "zh-CN") == "用户 rep2 已停用，不能拥有记录；请选择一位活动用户。");

        const int64_t id = org.Deal("rep");
        CHECK(Codes(r.Update("admin", "Opportunity", id, {{"OwnerId", 999999}}).errors) ==
              std::vector<std::string>{"records.invalid_owner"});
        CHECK(Codes(r.Update("admin", "Opportunity", id, {{"OwnerId", rep2}}).errors) ==
              std::vector<std::string>{"records.invalid_owner"});
        // An update that leaves the owner as it is, or gives it to an active user, goes through.
        const int64_t mgr = org.a().GetUser("mgr")->id;
        CHECK(r.Update("admin", "Opportunity", id, {{"Name", "Renamed"}}).ok());
        CHECK(r.Update("admin", "Opportunity", id, {{"OwnerId", mgr}}).ok());
        json to_mgr = deal;
        to_mgr["OwnerId"] = mgr;
        CHECK(r.Create("admin", "Opportunity", to_mgr).ok());
    }
}
