// The schema: standard objects, custom objects and fields, delete/restore/purge, retype, layouts, rules.
#include <doctest/doctest.h>

#include "common/error_text.h"
#include "schema_fixture.h"

using namespace crm;
using namespace crm::test;
using nlohmann::json;

TEST_SUITE("schema") {
    TEST_CASE("the standard objects are seeded with their standard fields and record tables") {
        SchemaFixture fx;
        struct Case {
            const char* object;
            const char* field;
            FieldType type;
        };
        const Case cases[] = {
            {"Account", "Name", FieldType::Text},
            {"Account", "Industry", FieldType::Picklist},
            {"Account", "Website", FieldType::Url},
            {"Account", "AnnualRevenue", FieldType::Currency},
            {"Contact", "Email", FieldType::Email},
            {"Contact", "AccountId", FieldType::Lookup},
            {"Lead", "Status", FieldType::Picklist},
            {"Opportunity", "StageName", FieldType::Picklist},
            {"Opportunity", "CloseDate", FieldType::Date},
            {"Opportunity", "Probability", FieldType::Percent},
            {"Opportunity", "ExpectedRevenue", FieldType::Formula},
            {"Case", "CaseNumber", FieldType::AutoNumber},
            {"Case", "ContactId", FieldType::Lookup},
            {"Task", "DueDate", FieldType::Date},
        };
        for (const Case& c : cases) {
            CAPTURE(c.object);
            CAPTURE(c.field);
            auto o = fx.schema().Object(c.object);
            REQUIRE(o.ok());
            const FieldDef* f = (*o)->Field(c.field);
            REQUIRE(f);
            CHECK(f->type == c.type);
            CHECK_FALSE(f->custom);
        }
        auto opp = fx.schema().Object("opportunity");  // names are case-insensitive
        REQUIRE(opp.ok());
        const FieldDef* stage = (*opp)->Field("StageName");
        REQUIRE(stage->picklist.size() == 7);
        CHECK(stage->picklist[5].api_name == "Closed Won");
        CHECK(fx.ws->Info().schema_version >= 2);
        CHECK(fx.schema().Objects().size() == 6);
    }

    TEST_CASE("a custom object gets a __c API name, a record table, a name field and a default layout") {
        SchemaFixture fx;
        ObjectDef spec;
        spec.api_name = "Invoice";
        spec.label = "Invoice";
        spec.plural_label = "Invoices";
        auto created = fx.schema().CreateObject(kAdmin, spec, "INV-{0000}");
        REQUIRE(created.ok());
        CHECK((*created)->api_name == "Invoice__c");
        CHECK((*created)->table == "rec_invoice__c");
        CHECK(fx.schema().Layouts("Invoice__c").size() == 1);
        int64_t a = fx.Create("Invoice__c", json::object());
        int64_t b = fx.Create("Invoice__c", json::object());
        CHECK(fx.Get("Invoice__c", a)["Name"] == "INV-0001");
        CHECK(fx.Get("Invoice__c", b)["Name"] == "INV-0002");
        CHECK(fx.AuditCount("schema") == 1);

        auto again = fx.schema().CreateObject(kAdmin, spec);
        REQUIRE_FALSE(again.ok());
        CHECK(again.error().code == "schema.duplicate_api_name");
    }

    TEST_CASE("an auto-number format: one number part, the date of the save, and clear errors") {
        SchemaFixture fx;
        ObjectDef spec;
        spec.api_name = "Invoice";
        spec.label = "Invoice";
        spec.plural_label = "Invoices";
        REQUIRE(fx.schema().CreateObject(kAdmin, spec, "INV-{YYYY}{MM}{DD}-{YY}-{0000}").ok());
        CHECK(fx.Get("Invoice__c", fx.Create("Invoice__c", json::object()))["Name"] == "INV-20261126-26-0001");
        fx.clock.Set(kSchemaNow + 10LL * 86400000);  // ten days later, in December
        CHECK(fx.Get("Invoice__c", fx.Create("Invoice__c", json::object()))["Name"] == "INV-20261206-26-0002");
        CHECK(FormatAutoNumber("{0}", 12345, 0) == "12345");
        CHECK(FormatAutoNumber("N{000}", 7, 0) == "N007");

        struct Bad {
            const char* format;
            const char* id;
            const char* zh_part;
        };
        const Bad bad[] = {
            {"INV-{YYYY}", "schema.auto_format_no_number", "需要一个编号部分"},
            {"{0000}-{00}", "schema.auto_format_numbers", "此格式有 2 个"},
            {"INV-{YYYY}-{Q}-{0000}", "schema.auto_format_unknown_part", "{Q}"},
            {"INV-{0000", "schema.auto_format_unclosed", "第 5 个字符"},
            {"{00000000000}", "schema.auto_format_unknown_part", "{00000000000}"},
        };
        for (const Bad& b : bad) {
            CAPTURE(b.format);
            Status s = CheckAutoNumberFormat(b.format);
            REQUIRE_FALSE(s.ok());
            CHECK(s.error().id == b.id);
            CHECK(s.error().field == "auto_format");
            CHECK(ErrorMessageIn(s.error(), "zh-CN").find(b.zh_part) != std::string::npos);
            FieldDef f;
            f.object = "Invoice__c";
            f.api_name = "Ref__c";
            f.label = "Ref";
            f.type = FieldType::AutoNumber;
            f.auto_format = b.format;
            auto created = fx.schema().CreateField(kAdmin, f);
            REQUIRE_FALSE(created.ok());
            CHECK(created.error().code == "schema.invalid_field");
        }
    }

    TEST_CASE("field API names are unique per object, validated, and never reused after a purge") {
        SchemaFixture fx;
        fx.AddField("Account", {{"api_name", "Region__c"}, {"label", "Region"}, {"type", "text"}});
        struct Case {
            const char* name;
            json spec;
            const char* code;
        };
        const Case cases[] = {
            {"the same name",
             {{"api_name", "Region__c"}, {"label", "R"}, {"type", "text"}},
             "schema.duplicate_api_name"},
            {"the same name in another case",
             {{"api_name", "REGION"}, {"label", "R"}, {"type", "text"}},
             "schema.duplicate_api_name"},
            {"a name with a space",
             {{"api_name", "Sales Region"}, {"label", "R"}, {"type", "text"}},
             "schema.invalid_api_name"},
            {"a name starting with a digit",
             {{"api_name", "1Region"}, {"label", "R"}, {"type", "text"}},
             "schema.invalid_api_name"},
            {"a double underscore",
             {{"api_name", "My__Region"}, {"label", "R"}, {"type", "text"}},
             "schema.invalid_api_name"},
            {"no label", {{"api_name", "Other"}, {"type", "text"}}, "schema.invalid_field"},
            {"a text longer than 255",
             {{"api_name", "Long"}, {"label", "L"}, {"type", "text"}, {"length", 300}},
             "schema.invalid_field"},
            {"a picklist without values",
             {{"api_name", "Tier"}, {"label", "T"}, {"type", "picklist"}},
             "schema.invalid_field"},
            {"a lookup to nothing",
             {{"api_name", "Ref"}, {"label", "R"}, {"type", "lookup"}, {"lookup_object", "Nope"}},
             "schema.unknown_object"},
            {"a formula that does not compile",
             {{"api_name", "F"},
              {"label", "F"},
              {"type", "formula"},
              {"formula", "AnnualRevenue +"},
              {"formula_type", "number"}},
             "formula.syntax"},
            {"a formula of the wrong type",
             {{"api_name", "F"},
              {"label", "F"},
              {"type", "formula"},
              {"formula", "Name"},
              {"formula_type", "number"}},
             "formula.type"},
        };
        for (const Case& c : cases) {
            CAPTURE(c.name);
            FieldDef base;
            base.object = "Account";
            auto def = FieldDefFromJson(c.spec, base);
            REQUIRE(def.ok());
            auto r = fx.schema().CreateField(kAdmin, *def);
            REQUIRE_FALSE(r.ok());
            CHECK(r.error().code == c.code);
        }
        REQUIRE(fx.schema().DeleteField(kAdmin, "Account", "Region__c").ok());
        REQUIRE(fx.schema().PurgeField(kAdmin, "Account", "Region__c").ok());
        FieldDef again;
        again.object = "Account";
        again.api_name = "Region__c";
        again.label = "Region";
        auto r = fx.schema().CreateField(kAdmin, again);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == "schema.duplicate_api_name");
        CHECK(r.error().message.find("never reused") != std::string::npos);
    }

    TEST_CASE("add, delete, restore and purge keep the data until the purge") {
        SchemaFixture fx;
        fx.AddField("Account", {{"api_name", "Region__c"}, {"label", "Region"}, {"type", "text"}});
        const int64_t id = fx.Create("Account", {{"Name", "Northwind"}, {"Region__c", "East"}});
        CHECK(fx.Get("Account", id)["Region__c"] == "East");

        REQUIRE(fx.schema().DeleteField(kAdmin, "Account", "Region__c").ok());
        CHECK_FALSE(fx.Get("Account", id).contains("Region__c"));  // hidden everywhere
        SaveResult hidden = fx.records().Update(kAdmin, "Account", id, {{"Region__c", "West"}});
        REQUIRE_FALSE(hidden.ok());
        CHECK(hidden.errors[0].code == "records.unknown_field");

        REQUIRE(fx.schema().RestoreField(kAdmin, "Account", "Region__c").ok());
        CHECK(fx.Get("Account", id)["Region__c"] == "East");  // the data came back with it

        REQUIRE(fx.schema().DeleteField(kAdmin, "Account", "Region__c").ok());
        REQUIRE(fx.schema().PurgeField(kAdmin, "Account", "Region__c").ok());
        CHECK(fx.schema().RestoreField(kAdmin, "Account", "Region__c").error().code ==
              "schema.unknown_field");
        CHECK(fx.Get("Account", id)["Name"] == "Northwind");
        CHECK(fx.AuditCount("schema") == 5);
    }

    TEST_CASE("standard fields cannot be deleted, and a field can only be purged once deleted") {
        SchemaFixture fx;
        CHECK(fx.schema().DeleteField(kAdmin, "Account", "Industry").error().code == "schema.standard_field");
        fx.AddField("Account", {{"api_name", "Tier__c"}, {"label", "Tier"}, {"type", "number"}});
        CHECK(fx.schema().PurgeField(kAdmin, "Account", "Tier__c").error().code == "schema.not_deleted");
    }

    TEST_CASE("a failure in the middle of a schema change rolls back the schema and the data") {
        SchemaFixture fx;
        fx.AddField("Account", {{"api_name", "Score__c"}, {"label", "Score"}, {"type", "text"}});
        const int64_t id = fx.Create("Account", {{"Name", "A"}, {"Score__c", "12"}});
        const int64_t audit_before = fx.AuditCount("schema");
        fx.schema().SetBeforeCommitHookForTesting(
            [] { return Status(MakeError("test.forced", "forced failure")); });

        FieldDef to = *(*fx.schema().Object("Account"))->Field("Score__c");
        to.type = FieldType::Number;
        auto retyped = fx.schema().RetypeField(kAdmin, to, RetypeMode::RefuseIfAny);
        REQUIRE_FALSE(retyped.ok());
        CHECK(retyped.error().code == "test.forced");
        FieldDef added;
        added.object = "Account";
        added.api_name = "Extra__c";
        added.label = "Extra";
        CHECK_FALSE(fx.schema().CreateField(kAdmin, added).ok());
        CHECK_FALSE(fx.schema().DeleteField(kAdmin, "Account", "Score__c").ok());

        fx.schema().SetBeforeCommitHookForTesting(nullptr);
        auto account = fx.schema().Object("Account");
        CHECK((*account)->Field("Score__c")->type == FieldType::Text);
        CHECK((*account)->AnyField("Extra__c") == nullptr);
        CHECK(fx.Get("Account", id)["Score__c"] == "12");
        CHECK(fx.AuditCount("schema") == audit_before);
        // The column was not added: adding the field now works.
        CHECK(fx.schema().CreateField(kAdmin, added).ok());
    }

    TEST_CASE("a type change lists every value that would not convert, then refuses or clears as chosen") {
        SchemaFixture fx;
        fx.AddField("Account", {{"api_name", "Score__c"}, {"label", "Score"}, {"type", "text"}});
        const int64_t good = fx.Create("Account", {{"Name", "A"}, {"Score__c", "12.5"}});
        const int64_t bad = fx.Create("Account", {{"Name", "B"}, {"Score__c", "high"}});
        const int64_t blank = fx.Create("Account", {{"Name", "C"}});

        FieldDef to = *(*fx.schema().Object("Account"))->Field("Score__c");
        to.type = FieldType::Number;
        to.precision = 10;
        to.scale = 2;
        auto preview = fx.schema().PreviewRetype(kAdmin, to);
        REQUIRE(preview.ok());
        CHECK(preview->records == 2);
        CHECK(preview->failures == 1);
        REQUIRE(preview->listed.size() == 1);
        CHECK(preview->listed[0].record_id == bad);
        CHECK(preview->listed[0].value == "high");
        CHECK(preview->listed[0].reason.find("not a number") != std::string::npos);

        auto refused = fx.schema().RetypeField(kAdmin, to, RetypeMode::RefuseIfAny);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == "schema.retype_would_lose_data");
        CHECK(fx.Get("Account", bad)["Score__c"] == "high");  // nothing changed

        auto applied = fx.schema().RetypeField(kAdmin, to, RetypeMode::ClearFailures);
        REQUIRE(applied.ok());
        CHECK(fx.Get("Account", good)["Score__c"] == 12.5);
        CHECK(fx.Get("Account", bad)["Score__c"].is_null());
        CHECK(fx.Get("Account", blank)["Score__c"].is_null());
        // The column really is a number column now: sorting is numeric.
        ListQuery q;
        q.columns = {"Score__c"};
        q.sort_field = "Score__c";
        q.sort_desc = true;
        auto page = fx.records().List(kAdmin, "Account", q);
        REQUIRE(page.ok());
        CHECK(page->rows[0]["Score__c"] == 12.5);
    }

    TEST_CASE("retyping text to a picklist builds the values from the data; number to text keeps them") {
        SchemaFixture fx;
        fx.AddField("Account", {{"api_name", "Tier__c"}, {"label", "Tier"}, {"type", "text"}});
        fx.Create("Account", {{"Name", "A"}, {"Tier__c", "Gold"}});
        const int64_t b = fx.Create("Account", {{"Name", "B"}, {"Tier__c", "Silver"}});
        FieldDef to = *(*fx.schema().Object("Account"))->Field("Tier__c");
        to.type = FieldType::Picklist;
        REQUIRE(fx.schema().RetypeField(kAdmin, to, RetypeMode::RefuseIfAny).ok());
        const FieldDef* tier = (*fx.schema().Object("Account"))->Field("Tier__c");
        REQUIRE(tier->picklist.size() == 2);
        CHECK(fx.Get("Account", b)["Tier__c"] == "Silver");

        const int64_t c = fx.Create("Account", {{"Name", "C"}, {"NumberOfEmployees", 250}});
        fx.AddField("Account", {{"api_name", "Staff__c"}, {"label", "Staff"}, {"type", "number"}});
        REQUIRE(fx.records().Update(kAdmin, "Account", c, {{"Staff__c", 250}}).ok());
        FieldDef staff = *(*fx.schema().Object("Account"))->Field("Staff__c");
        staff.type = FieldType::Text;
        REQUIRE(fx.schema().RetypeField(kAdmin, staff, RetypeMode::RefuseIfAny).ok());
        CHECK(fx.Get("Account", c)["Staff__c"] == "250");
    }

    TEST_CASE(
        "deleting a field used by a rule, a formula, a layout or a list view is refused with its users") {
        SchemaFixture fx;
        fx.AddField("Opportunity", {{"api_name", "Discount__c"}, {"label", "Discount"}, {"type", "percent"}});
        ValidationRule rule;
        rule.object = "Opportunity";
        rule.name = "Discount_Cap";
        rule.condition = "Discount__c > 40";
        rule.error_message = "Discounts above 40% need approval.";
        REQUIRE(fx.schema().CreateRule(kAdmin, rule).ok());
        fx.AddField("Opportunity", {{"api_name", "Net__c"},
                                    {"label", "Net"},
                                    {"type", "formula"},
                                    {"formula", "Amount * (1 - Discount__c / 100)"},
                                    {"formula_type", "currency"}});
        Layout layout = *fx.schema().LayoutForProfile("Opportunity", "Sales");
        layout.name = "Sales Layout";
        layout.is_default = false;
        layout.sections[0].items.push_back({"Discount__c", false, false});
        REQUIRE(fx.schema().SaveLayout(kAdmin, layout).ok());
        ListView view;
        view.object = "Opportunity";
        view.name = "Big discounts";
        view.query.columns = {"Name", "Discount__c"};
        REQUIRE(fx.records().SaveListView("alice", view).ok());

        Status s = fx.schema().DeleteField(kAdmin, "Opportunity", "Discount__c");
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().code == "schema.field_in_use");
        const std::string& m = s.error().message;
        CHECK(m.find("formula field Opportunity.Net__c") != std::string::npos);
        CHECK(m.find("validation rule Opportunity.Discount_Cap") != std::string::npos);
        CHECK(m.find("layout \"Sales Layout\"") != std::string::npos);
        CHECK(m.find("list view \"Big discounts\" of alice") != std::string::npos);
    }

    TEST_CASE("lookup paths read the related record's fields in formulas and in SQL") {
        SchemaFixture fx;
        const int64_t acme = fx.Create("Account", {{"Name", "Acme"}, {"Industry", "Banking"}});
        const int64_t opp =
            fx.Create("Opportunity", {{"Name", "Deal"}, {"AccountId", acme}, {"StageName", "Prospecting"}});
        auto v = fx.records().EvalFormula(kAdmin, "Opportunity",
                                          "Account.Name & \" / \" & TEXT(Account.Industry)", opp, nullptr);
        REQUIRE(v.ok());
        CHECK(v->text() == "Acme / Banking");
        ListQuery q;
        q.filter_formula = "ISPICKVAL(Account.Industry, \"Banking\")";
        auto page = fx.records().List(kAdmin, "Opportunity", q);
        REQUIRE(page.ok());
        CHECK(page->total == 1);
    }

    TEST_CASE("layouts: sections, assignment per profile, default for the others, deleted fields left out") {
        SchemaFixture fx;
        fx.AddField("Account", {{"api_name", "Region__c"}, {"label", "Region"}, {"type", "text"}});
        Layout l;
        l.object = "Account";
        l.name = "Support";
        l.sections = {{"Main", 2, {{"Name", false, true}, {"Phone", true, false}}},
                      {"Extra", 1, {{"Region__c", false, false}}}};
        REQUIRE(fx.schema().SaveLayout(kAdmin, l).ok());
        REQUIRE(fx.ws->access()
                    .CreatePermissionSet(kAdmin, PermissionSetKind::Profile, "Support Agent", "")
                    .ok());
        REQUIRE(fx.schema().AssignLayout(kAdmin, "Account", "Support Agent", "Support").ok());
        CHECK(fx.schema().LayoutForProfile("Account", "Support Agent")->name == "Support");
        CHECK(fx.schema().LayoutForProfile("Account", "Sales Rep")->name == "Account Layout");

        Layout bad = l;
        bad.sections[0].columns = 3;
        CHECK(fx.schema().SaveLayout(kAdmin, bad).error().code == "schema.invalid_layout");
        bad = l;
        bad.sections[0].items.push_back({"Nope__c", false, false});
        CHECK(fx.schema().SaveLayout(kAdmin, bad).error().code == "schema.unknown_field");
        CHECK(fx.schema().DeleteField(kAdmin, "Account", "Region__c").error().code == "schema.field_in_use");
    }

    TEST_CASE("a rule whose formula does not compile is refused with the position") {
        SchemaFixture fx;
        ValidationRule r;
        r.object = "Opportunity";
        r.name = "Broken";
        r.error_message = "x";
        r.condition = "AND(ISPICKVAL(StageName, \"Closed Won\"), ISBLANK(CloseDat))";
        auto created = fx.schema().CreateRule(kAdmin, r);
        REQUIRE_FALSE(created.ok());
        CHECK(created.error().code == "formula.unknown_field");
        CHECK(created.error().position == 49);
        CHECK(created.error().message.find("CloseDate") != std::string::npos);  // did you mean
        r.condition = "Amount";
        CHECK(fx.schema().CreateRule(kAdmin, r).error().code == "formula.type");
        r.condition = "ISPICKVAL(StageName, \"Won\")";
        CHECK(fx.schema().CreateRule(kAdmin, r).error().code == "formula.argument");
    }

    TEST_CASE("a number typed as text reads exactly as strtod reads it, and anything else stays refused") {
        FieldDef f;
        f.label = "Amount";
        f.type = FieldType::Number;
        f.precision = 18;
        f.scale = 8;
        uint64_t x = 12345;
        for (int i = 0; i < 20000; ++i) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            const int decimals = static_cast<int>((x >> 20) % 9);  // 0..8
            std::string text = std::to_string((x >> 33) % 10'000'000);
            if (decimals > 0) {
                const std::string frac = std::to_string((x >> 7) % 100'000'000);
                const std::string eight = std::string(8 - std::min<size_t>(8, frac.size()), '0') + frac;
                text += "." + eight.substr(0, decimals);
            }
            if (x & 1) text = "-" + text;
            Result<formula::Value> v = ValueFromText(f, text);
            REQUIRE_MESSAGE(v.ok(), text);
            CHECK_MESSAGE(v->number() == std::strtod(text.c_str(), nullptr), text);
        }
        for (const char* text : {"1,234.5", " 42 ", "12.5%", "+.5", "1.", "1e3", "-0"})
            CHECK_MESSAGE(ValueFromText(f, text).ok(), text);
        CHECK(ValueFromText(f, "1,234.5")->number() == 1234.5);
        for (const char* text : {".", "-", "1.2.3", "0x10", "inf", "nan", "1e", "12a", ""})
            CHECK_MESSAGE((!ValueFromText(f, text).ok() || ValueFromText(f, text)->is_blank()), text);
    }
}
