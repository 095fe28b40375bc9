// Records: the save pipeline (order, types, required/unique, rules, history), field-level security,
// rule tests, list views, and the JSON commands over them.
#include <doctest/doctest.h>

#include "api/command_api.h"
#include "demo/demo_company.h"
#include "schema_fixture.h"

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

ValidationRule MakeRule(const char* object, const char* name, const char* condition, const char* message,
                        const char* field = "") {
    ValidationRule r;
    r.object = object;
    r.name = name;
    r.condition = condition;
    r.error_message = message;
    r.error_field = field;
    return r;
}

// Hides Account.AnnualRevenue from everyone, and makes Account.Rating read-only; no deletes.
class RestrictingPolicy final : public AccessPolicy {
public:
    bool CanAccessObject(const std::string&, const ObjectDef&, ObjectAction action) const override {
        return action != ObjectAction::Delete;
    }
    bool CanReadField(const std::string&, const ObjectDef& o, const FieldDef& f) const override {
        return !(o.api_name == "Account" && f.api_name == "AnnualRevenue");
    }
    bool CanEditField(const std::string& user, const ObjectDef& o, const FieldDef& f) const override {
        return CanReadField(user, o, f) && !(o.api_name == "Account" && f.api_name == "Rating");
    }
};

}  // namespace

TEST_SUITE("records") {
    TEST_CASE("invalid values are refused per type, with the field named") {
        SchemaFixture fx;
        fx.AddField("Account", {{"api_name", "Score__c"},
                                {"label", "Score"},
                                {"type", "number"},
                                {"precision", 5},
                                {"scale", 1},
                                {"min", 0},
                                {"max", 100}});
        fx.AddField("Account", {{"api_name", "Founded__c"}, {"label", "Founded"}, {"type", "date"}});
        fx.AddField("Account", {{"api_name", "Checked__c"}, {"label", "Checked"}, {"type", "datetime"}});
        fx.AddField("Account", {{"api_name", "Tags__c"},
                                {"label", "Tags"},
                                {"type", "multipicklist"},
                                {"picklist", {"VIP", "Partner", "Public"}}});
        struct Case {
            const char* name;
            json values;
            const char* code;  // "" = saved
            const char* field;
        };
        const Case cases[] = {
            {"a valid account", {{"Name", "Acme"}, {"Website", "https://acme.example.com"}}, "", ""},
            {"a Chinese name and phone", {{"Name", "北风贸易"}, {"Phone", "+86 21 5555 0100"}}, "", ""},
            {"only the required field", {{"Name", "A"}}, "", ""},
            {"a URL with spaces",
             {{"Name", "A"}, {"Website", "not a url"}},
             "records.invalid_value",
             "Website"},
            {"a URL with another scheme",
             {{"Name", "A"}, {"Website", "ftp://x.com"}},
             "records.invalid_value",
             "Website"},
            {"a phone with letters", {{"Name", "A"}, {"Phone", "call me"}}, "records.invalid_value", "Phone"},
            {"a number as text", {{"Name", "A"}, {"Score__c", "12.5"}}, "", ""},
            {"not a number", {{"Name", "A"}, {"Score__c", "lots"}}, "records.invalid_value", "Score__c"},
            {"too many decimals", {{"Name", "A"}, {"Score__c", 12.25}}, "records.invalid_value", "Score__c"},
            {"above the maximum", {{"Name", "A"}, {"Score__c", 100.5}}, "records.invalid_value", "Score__c"},
            {"below the minimum", {{"Name", "A"}, {"Score__c", -1}}, "records.invalid_value", "Score__c"},
            {"a date", {{"Name", "A"}, {"Founded__c", "2024-02-29"}}, "", ""},
            {"a day that does not exist",
             {{"Name", "A"}, {"Founded__c", "2023-02-29"}},
             "records.invalid_value",
             "Founded__c"},
            {"a date in another format",
             {{"Name", "A"}, {"Founded__c", "29/02/2024"}},
             "records.invalid_value",
             "Founded__c"},
            {"a date-time", {{"Name", "A"}, {"Checked__c", "2026-01-31T08:00:00Z"}}, "", ""},
            {"a date-time that is not one",
             {{"Name", "A"}, {"Checked__c", "yesterday"}},
             "records.invalid_value",
             "Checked__c"},
            {"a picklist value", {{"Name", "A"}, {"Industry", "Banking"}}, "", ""},
            {"an unknown picklist value",
             {{"Name", "A"}, {"Industry", "Banks"}},
             "records.invalid_value",
             "Industry"},
            {"multi-select values", {{"Name", "A"}, {"Tags__c", {"VIP", "Public"}}}, "", ""},
            {"an unknown multi-select value",
             {{"Name", "A"}, {"Tags__c", {"VIP", "Secret"}}},
             "records.invalid_value",
             "Tags__c"},
            {"a number for a text", {{"Name", 12}}, "records.invalid_value", "Name"},
            {"a lookup to no record",
             {{"Name", "A"}, {"ParentId", 999}},
             "records.invalid_lookup",
             "ParentId"},
            {"a text longer than allowed",
             {{"Name", "A"}, {"BillingCity", std::string(41, 'x')}},
             "records.invalid_value",
             "BillingCity"},
        };
        for (const Case& c : cases) {
            CAPTURE(c.name);
            SaveResult r = fx.records().Create(kAdmin, "Account", c.values);
            if (std::string(c.code).empty()) {
                CHECK(r.ok());
            } else {
                REQUIRE_FALSE(r.ok());
                CHECK(r.errors[0].code == c.code);
                CHECK(r.errors[0].field == c.field);
            }
        }
        SaveResult email =
            fx.records().Create(kAdmin, "Contact", {{"Name", "Li Wei"}, {"Email", "li.wei.example.com"}});
        REQUIRE_FALSE(email.ok());
        CHECK(email.errors[0].field == "Email");
        CHECK(fx.records()
                  .Create(kAdmin, "Contact", {{"Name", "Li Wei"}, {"Email", "li.wei@example.com.cn"}})
                  .ok());
    }

    TEST_CASE("the pipeline order: type errors before required, required before rules, every rule reported") {
        SchemaFixture fx;
        REQUIRE(
            fx.schema()
                .CreateRule(kAdmin, MakeRule("Opportunity", "Close_Date_When_Won",
                                             "AND(ISPICKVAL(StageName, \"Closed Won\"), ISBLANK(CloseDate))",
                                             "Enter the close date of a won opportunity.", "CloseDate"))
                .ok());
        REQUIRE(fx.schema()
                    .CreateRule(kAdmin, MakeRule("Opportunity", "Amount_Positive", "Amount <= 0",
                                                 "Amount must be positive."))
                    .ok());
        // A type error and a rule violation: only the type error is reported.
        SaveResult r = fx.records().Create(kAdmin, "Opportunity",
                                           {{"Name", "X"}, {"StageName", "Closed Won"}, {"Amount", "lots"}});
        REQUIRE_FALSE(r.ok());
        CHECK(Codes(r.errors) == std::vector<std::string>{"records.invalid_value"});
        // Missing required Name and a rule violation: only required is reported.
        r = fx.records().Create(kAdmin, "Opportunity", {{"StageName", "Closed Won"}, {"Amount", 5}});
        CHECK(Codes(r.errors) == std::vector<std::string>{"records.required"});
        CHECK(r.errors[0].field == "Name");
        // Both rules fail: both are reported, in order, on their fields.
        r = fx.records().Create(kAdmin, "Opportunity",
                                {{"Name", "X"}, {"StageName", "Closed Won"}, {"Amount", 0}});
        REQUIRE(r.errors.size() == 2);
        CHECK(r.errors[0].message == "Enter the close date of a won opportunity.");
        CHECK(r.errors[0].field == "CloseDate");
        CHECK(r.errors[1].message == "Amount must be positive.");
        CHECK(r.errors[1].field.empty());
        // An inactive rule does not run.
        ValidationRule off = *fx.schema().Rule("Opportunity", "Amount_Positive");
        off.active = false;
        REQUIRE(fx.schema().UpdateRule(kAdmin, off).ok());
        r = fx.records().Create(
            kAdmin, "Opportunity",
            {{"Name", "X"}, {"StageName", "Closed Won"}, {"Amount", 0}, {"CloseDate", "2026-12-01"}});
        CHECK(r.ok());
    }

    TEST_CASE("required and unique are checked on the record as it would be saved") {
        SchemaFixture fx;
        fx.AddField("Account",
                    {{"api_name", "TaxId__c"}, {"label", "Tax Id"}, {"type", "text"}, {"unique", true}});
        const int64_t a = fx.Create("Account", {{"Name", "A"}, {"TaxId__c", "91310000"}});
        SaveResult dup = fx.records().Create(kAdmin, "Account", {{"Name", "B"}, {"TaxId__c", "91310000"}});
        REQUIRE_FALSE(dup.ok());
        CHECK(dup.errors[0].code == "records.duplicate_value");
        CHECK(fx.records().Update(kAdmin, "Account", a, {{"TaxId__c", "91310000"}}).ok());  // its own value
        SaveResult cleared = fx.records().Update(kAdmin, "Account", a, {{"Name", nullptr}});
        REQUIRE_FALSE(cleared.ok());
        CHECK(cleared.errors[0].code == "records.required");
        CHECK(fx.records()
                  .Update(kAdmin, "Account", a, {{"Phone", "123456"}})
                  .ok());  // partial update keeps Name
    }

    TEST_CASE("deactivated picklist values stay on old records and are refused on new saves") {
        SchemaFixture fx;
        const int64_t id = fx.Create("Account", {{"Name", "A"}, {"Rating", "Cold"}});
        FieldDef rating = *(*fx.schema().Object("Account"))->Field("Rating");
        rating.picklist[2].active = false;
        REQUIRE(fx.schema().UpdateField(kAdmin, rating).ok());
        CHECK(fx.Get("Account", id)["Rating"] == "Cold");
        CHECK(fx.records().Update(kAdmin, "Account", id, {{"Phone", "12345"}}).ok());
        SaveResult r = fx.records().Create(kAdmin, "Account", {{"Name", "B"}, {"Rating", "Cold"}});
        REQUIRE_FALSE(r.ok());
        CHECK(r.errors[0].code == "records.inactive_value");
        // Removing a value still in use is refused.
        rating.picklist.pop_back();
        auto removed = fx.schema().UpdateField(kAdmin, rating);
        REQUIRE_FALSE(removed.ok());
        CHECK(removed.error().code == "schema.values_out_of_limits");
    }

    TEST_CASE("ISNEW, ISCHANGED and PRIORVALUE in rules, on create and on update") {
        SchemaFixture fx;
        REQUIRE(fx.schema()
                    .CreateRule(
                        kAdmin,
                        MakeRule("Opportunity", "No_Reopen",
                                 "AND(ISCHANGED(StageName), TEXT(PRIORVALUE(StageName)) = \"Closed Lost\")",
                                 "A lost opportunity cannot be reopened.", "StageName"))
                    .ok());
        REQUIRE(fx.schema()
                    .CreateRule(kAdmin, MakeRule("Opportunity", "New_Not_Won",
                                                 "AND(ISNEW(), ISPICKVAL(StageName, \"Closed Won\"))",
                                                 "A new opportunity cannot start as won."))
                    .ok());
        // On create, ISCHANGED is FALSE and PRIORVALUE is the current value.
        const int64_t id = fx.Create("Opportunity", {{"Name", "X"}, {"StageName", "Closed Lost"}});
        SaveResult won =
            fx.records().Create(kAdmin, "Opportunity", {{"Name", "Y"}, {"StageName", "Closed Won"}});
        REQUIRE_FALSE(won.ok());
        CHECK(won.errors[0].message == "A new opportunity cannot start as won.");
        // On update, the prior value is the stored one.
        SaveResult reopen = fx.records().Update(kAdmin, "Opportunity", id, {{"StageName", "Prospecting"}});
        REQUIRE_FALSE(reopen.ok());
        CHECK(reopen.errors[0].field == "StageName");
        CHECK(fx.records().Update(kAdmin, "Opportunity", id, {{"Amount", 10}}).ok());  // stage unchanged
        const int64_t open = fx.Create("Opportunity", {{"Name", "Z"}});
        CHECK(fx.records().Update(kAdmin, "Opportunity", open, {{"StageName", "Closed Won"}}).ok());
    }

    TEST_CASE("field history records old and new values of tracked fields, who and when") {
        SchemaFixture fx;
        FieldDef stage = *(*fx.schema().Object("Opportunity"))->Field("StageName");
        stage.track_history = true;
        REQUIRE(fx.schema().UpdateField(kAdmin, stage).ok());
        const int64_t id = fx.Create("Opportunity", {{"Name", "X"}, {"Amount", 100}});
        fx.clock.Advance(60000);
        REQUIRE(fx.records()
                    .Update("alice", "Opportunity", id, {{"StageName", "Proposal"}, {"Amount", 200}})
                    .ok());
        fx.clock.Advance(60000);
        REQUIRE(fx.records().Update("bob", "Opportunity", id, {{"StageName", "Closed Won"}}).ok());
        auto history = fx.records().History(kAdmin, "Opportunity", id);
        REQUIRE(history.ok());
        REQUIRE(history->size() == 2);  // Amount is not tracked
        CHECK((*history)[0].actor == "bob");
        CHECK((*history)[0].old_value == "Proposal");
        CHECK((*history)[0].new_value == "Closed Won");
        CHECK((*history)[0].at_ms == kSchemaNow + 120000);
        CHECK((*history)[1].old_value == "Prospecting");
    }

    TEST_CASE("field-level security: an unreadable field is absent everywhere, a non-editable one refused") {
        SchemaFixture fx;
        const int64_t id =
            fx.Create("Account", {{"Name", "Acme"}, {"AnnualRevenue", 5000000}, {"Rating", "Hot"}});
        RestrictingPolicy policy;
        fx.records().SetAccessPolicy(&policy);

        json record = fx.Get("Account", id);
        CHECK_FALSE(record.contains("AnnualRevenue"));  // absent, not blank
        CHECK(record["Rating"] == "Hot");
        ListQuery q;
        q.columns = {"Name", "AnnualRevenue"};
        auto page = fx.records().List("alice", "Account", q);
        REQUIRE(page.ok());
        CHECK(page->columns == std::vector<std::string>{"Name"});
        CHECK_FALSE(page->rows[0].contains("AnnualRevenue"));
        q.columns.clear();
        q.filter_formula = "AnnualRevenue > 1000";
        CHECK(fx.records().List("alice", "Account", q).error().code == "records.field_not_readable");
        q.filter_formula.clear();
        q.sort_field = "AnnualRevenue";
        CHECK(fx.records().List("alice", "Account", q).error().code == "records.field_not_readable");

        CommandApi api(*fx.ws);
        json answer = api.Execute(
            json{{"cmd", "records.get"}, {"as", "alice"}, {"args", {{"object", "Account"}, {"id", id}}}});
        CHECK_FALSE(answer["result"].contains("AnnualRevenue"));

        SaveResult edit =
            fx.records().Update("alice", "Account", id, {{"Rating", "Cold"}, {"AnnualRevenue", 1}});
        REQUIRE(edit.errors.size() == 2);
        CHECK(edit.errors[0].code == "records.field_not_editable");
        CHECK(edit.errors[0].field == "AnnualRevenue");  // values are checked in name order
        CHECK(edit.errors[1].field == "Rating");
        CHECK(edit.errors[1].message.find("permission to edit Rating") != std::string::npos);
        CHECK(fx.records().Update("alice", "Account", id, {{"Phone", "12345"}}).ok());
        CHECK(fx.records().Delete("alice", "Account", id).error().code == "records.no_access");

        fx.records().SetAccessPolicy(nullptr);
        CHECK(fx.Get("Account", id)["AnnualRevenue"] == 5000000);  // nothing was changed underneath
        CHECK(fx.Get("Account", id)["Rating"] == "Hot");
    }

    TEST_CASE("a batch saves all records or none") {
        SchemaFixture fx;
        BatchResult ok = fx.records().CreateBatch(kAdmin, "Account", {{{"Name", "A"}}, {{"Name", "B"}}});
        REQUIRE(ok.ok());
        CHECK(ok.ids.size() == 2);
        BatchResult bad =
            fx.records().CreateBatch(kAdmin, "Account", {{{"Name", "C"}}, {{"Website", "x y"}}});
        REQUIRE_FALSE(bad.ok());
        CHECK(bad.failed_index == 1);
        ListQuery q;
        CHECK(fx.records().List(kAdmin, "Account", q)->total == 2);
    }

    TEST_CASE("formula fields are computed on read and deleting a record clears lookups to it") {
        SchemaFixture fx;
        const int64_t acc = fx.Create("Account", {{"Name", "Acme"}});
        const int64_t opp = fx.Create(
            "Opportunity", {{"Name", "X"}, {"AccountId", acc}, {"Amount", 1000}, {"Probability", 25}});
        CHECK(fx.Get("Opportunity", opp)["ExpectedRevenue"] == 250);
        SaveResult write = fx.records().Update(kAdmin, "Opportunity", opp, {{"ExpectedRevenue", 1}});
        CHECK(write.errors[0].code == "records.read_only_field");
        REQUIRE(fx.records().Delete(kAdmin, "Account", acc).ok());
        CHECK(fx.Get("Opportunity", opp)["AccountId"].is_null());
    }

    TEST_CASE("test this rule: how many and which records would fail, in SQL or record by record") {
        SchemaFixture fx;
        for (int i = 1; i <= 10; ++i) {
            json v = {{"Name", "Deal " + std::to_string(i)}, {"Amount", i * 1000}};
            if (i % 3 == 0) v["StageName"] = "Closed Won";
            if (i == 9) v["CloseDate"] = "2026-12-01";
            fx.Create("Opportunity", v);
        }
        auto r = fx.records().TestRule(kAdmin, "Opportunity",
                                       "AND(ISPICKVAL(StageName, \"Closed Won\"), ISBLANK(CloseDate))", 5);
        REQUIRE(r.ok());
        CHECK(r->in_sql);
        CHECK(r->records == 10);
        CHECK(r->failing == 2);  // deals 3 and 6 (9 has a close date)
        REQUIRE(r->examples.size() == 2);
        CHECK(r->examples[0].second == "Deal 3");
        // A formula field cannot run in SQL: the rule is evaluated record by record, same answer shape.
        auto e = fx.records().TestRule(kAdmin, "Opportunity", "ExpectedRevenue > 0 || Amount > 8500", 1);
        REQUIRE(e.ok());
        CHECK_FALSE(e->in_sql);
        CHECK(e->failing == 2);
        CHECK(e->examples.size() == 1);
        auto bad = fx.records().TestRule(kAdmin, "Opportunity", "Amount >", 5);
        REQUIRE_FALSE(bad.ok());
        CHECK(bad.error().position > 0);
    }

    TEST_CASE("list views: sort, filters, paging and totals, saved per user") {
        SchemaFixture fx;
        const char* stages[] = {"Prospecting", "Proposal", "Closed Won"};
        for (int i = 0; i < 30; ++i) {
            fx.Create("Opportunity", {{"Name", "Deal " + std::to_string(100 + i)},
                                      {"Amount", (i * 7) % 30 * 100},
                                      {"StageName", stages[i % 3]}});
        }
        ListView view;
        view.object = "Opportunity";
        view.name = "Open deals";
        view.query.columns = {"Name", "Amount", "StageName"};
        view.query.filters = {{"StageName", "!=", "Closed Won"}};
        view.query.filter_formula = "Amount >= 500";
        view.query.sort_field = "Amount";
        view.query.sort_desc = true;
        REQUIRE(fx.records().SaveListView("alice", view).ok());
        CHECK(fx.records().ListViews("Opportunity", "alice").size() == 1);
        CHECK(fx.records().ListViews("Opportunity", "bob").empty());
        CHECK(fx.records().RunListView("bob", "Opportunity", "Open deals", 0, 10).error().code ==
              "records.unknown_list_view");

        auto first = fx.records().RunListView("alice", "Opportunity", "Open deals", 0, 5);
        REQUIRE(first.ok());
        auto second = fx.records().RunListView("alice", "Opportunity", "Open deals", 5, 5);
        REQUIRE(second.ok());
        CHECK(first->total == second->total);
        CHECK(first->rows.size() == 5);
        double previous = 1e18;
        for (const auto* page : {&*first, &*second}) {
            for (const json& row : page->rows) {
                CHECK(row["StageName"] != "Closed Won");
                CHECK(row["Amount"].get<double>() >= 500);
                CHECK(row["Amount"].get<double>() <= previous);
                previous = row["Amount"].get<double>();
            }
        }
        int64_t expected = 0;
        for (int i = 0; i < 30; ++i) expected += (i % 3 != 2 && (i * 7) % 30 * 100 >= 500) ? 1 : 0;
        CHECK(first->total == expected);

        ListQuery contains;
        contains.filters = {{"Name", "starts_with", "deal 10"}};
        CHECK(fx.records().List("alice", "Opportunity", contains)->total == 10);
        ListView broken = view;
        broken.query.sort_field = "Nope";
        CHECK(fx.records().SaveListView("alice", broken).error().code == "records.unknown_field");
        REQUIRE(fx.records().DeleteListView("alice", "Opportunity", "Open deals").ok());
        CHECK(fx.records().ListViews("Opportunity", "alice").empty());
    }

    TEST_CASE("the commands: a custom field, a record that breaks a rule, the messages in error.errors") {
        SchemaFixture fx;
        CommandApi api(*fx.ws);
        auto run = [&](json request) { return api.Execute(request); };
        json created = run({{"cmd", "fields.create"},
                            {"as", "admin"},
                            {"args",
                             {{"object", "Opportunity"},
                              {"add_to_layouts", true},
                              {"field",
                               {{"api_name", "Region"},
                                {"label", "Region"},
                                {"type", "picklist"},
                                {"picklist", {"East", "West"}}}}}}});
        REQUIRE(created["ok"] == true);
        CHECK(created["result"]["api_name"] == "Region__c");
        json preview = run({{"cmd", "layouts.preview"},
                            {"args", {{"object", "Opportunity"}, {"profile", "System Administrator"}}}});
        CHECK(preview["result"]["sections"][0]["items"].back()["field"] == "Region__c");
        json rule = run({{"cmd", "rules.create"},
                         {"as", "admin"},
                         {"args",
                          {{"object", "Opportunity"},
                           {"name", "Region_Required"},
                           {"condition", "ISBLANK(TEXT(Region__c))"},
                           {"error_message", "Choose a region."},
                           {"error_field", "Region__c"}}}});
        REQUIRE(rule["ok"] == true);
        json refused = run({{"cmd", "records.create"},
                            {"as", "alice"},
                            {"args", {{"object", "Opportunity"}, {"values", {{"Name", "Deal"}}}}}});
        CHECK(refused["ok"] == false);
        CHECK(refused["error"]["code"] == "records.validation");
        CHECK(refused["error"]["errors"][0]["field"] == "Region__c");
        json saved = run(
            {{"cmd", "records.create"},
             {"as", "alice"},
             {"args", {{"object", "Opportunity"}, {"values", {{"Name", "Deal"}, {"Region__c", "East"}}}}}});
        REQUIRE(saved["ok"] == true);
        CHECK(saved["result"]["Region__c"] == "East");
        CHECK(saved["result"]["CreatedBy"] == "alice");
        json check =
            run({{"cmd", "formula.check"}, {"args", {{"object", "Opportunity"}, {"formula", "Amount >"}}}});
        CHECK(check["result"]["valid"] == false);
        CHECK(check["result"]["error"]["position"] == 9);
        json eval = run(
            {{"cmd", "formula.eval"},
             {"args", {{"object", "Opportunity"}, {"formula", "Amount * 2"}, {"values", {{"Amount", 21}}}}}});
        CHECK(eval["result"]["value"] == 42);
        json list = run({{"cmd", "records.list"},
                         {"as", "alice"},
                         {"args", {{"object", "Opportunity"}, {"columns", {"Name"}}}}});
        CHECK(list["result"]["total"] == 1);
    }

    TEST_CASE(
        "the demo company: every sales stage, Chinese and English names, its rules hold, scale grows it") {
        for (int scale : {1, 2}) {
            CAPTURE(scale);
            SchemaFixture fx;
            DemoOptions options;
            options.scale = scale;
            Status generated = GenerateDemoCompany(*fx.ws, options);
            INFO((generated.ok() ? std::string() : generated.error().message));
            REQUIRE(generated.ok());
            ListQuery all;
            CHECK(fx.records().List(kAdmin, "Account", all)->total == 30 * scale);
            CHECK(fx.records().List(kAdmin, "Opportunity", all)->total == (scale == 1 ? 120 : 2000));
            CHECK(fx.records().List(kAdmin, "Case", all)->total == 40 * scale);
            for (const char* stage : {"Prospecting", "Needs Analysis", "Closed Won", "Closed Lost"}) {
                ListQuery q;
                q.filters = {{"StageName", "=", stage}};
                CHECK(fx.records().List(kAdmin, "Opportunity", q)->total > 0);
            }
            auto won = fx.records().TestRule(
                kAdmin, "Opportunity", fx.schema().Rule("Opportunity", "Close_Date_When_Won")->condition);
            CHECK(won->failing == 0);
            ListQuery chinese;
            chinese.filter_formula = "CONTAINS(Name, \"有限公司\")";
            CHECK(fx.records().List(kAdmin, "Account", chinese)->total > 0);
            CHECK(fx.Get("Case", 1)["CaseNumber"] == "CASE-0001");
        }
    }
}
