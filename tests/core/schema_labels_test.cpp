// Built-in object, field and picklist labels carry Simplified Chinese beside the English; custom objects,
// fields and values take one optionally. Stored with the metadata (migration 6), carried as "label_zh".
#include <doctest/doctest.h>

#include "api/command_api.h"
#include "common/error_text.h"
#include "schema_fixture.h"
#include "storage/migrations.h"
#include "test_util.h"

using namespace crm;
using namespace crm::test;
using nlohmann::json;

TEST_SUITE("schema_labels") {
    TEST_CASE("the standard objects, their fields and picklist values have Chinese labels") {
        SchemaFixture fx;
        const std::pair<const char*, const char*> objects[] = {
            {"Account", "客户"},     {"Contact", "联系人"}, {"Lead", "潜在客户"},
            {"Opportunity", "商机"}, {"Case", "个案"},      {"Task", "任务"},
        };
        for (const auto& entry : objects) {
            const char* api = entry.first;
            const char* zh = entry.second;
            CAPTURE(api);
            auto o = fx.schema().Object(api);
            REQUIRE(o.ok());
            CHECK((*o)->label_zh == zh);
            for (const FieldDef& f : (*o)->fields) {
                CAPTURE(f.api_name);
                CHECK_FALSE(f.label_zh.empty());
                for (const PicklistValue& v : f.picklist) {
                    CAPTURE(v.api_name);
                    CHECK_FALSE(v.label_zh.empty());
                }
            }
        }
        auto opp = fx.schema().Object("Opportunity");
        const FieldDef* stage = (*opp)->Field("StageName");
        CHECK(stage->label_zh == "阶段");
        CHECK(stage->picklist[5].label_zh == "赢单");
        CHECK((*fx.schema().Object("Account"))->Field("Industry")->label_zh == "行业");

        // The JSON of objects, fields and values carries them.
        const json j = ToJson(**opp);
        CHECK(j["label_zh"] == "商机");
        CHECK(j["fields"][0]["label_zh"] == "商机名称");
        CommandApi api(*fx.ws);
        const json got =
            json::parse(api.Execute(R"j({"cmd": "objects.get", "args": {"object": "Case"}})j"))["result"];
        CHECK(got["label_zh"] == "个案");
        for (const json& f : got["fields"]) {
            if (f["api_name"] == "Priority") CHECK(f["picklist"][0]["label_zh"] == "高");
        }
    }

    TEST_CASE("an object labelled only in Chinese: no English plural or suffix, its own Chinese label") {
        SchemaFixture fx;
        ObjectDef spec;
        spec.api_name = "Fapiao";
        spec.label = "发票";
        auto created = fx.schema().CreateObject(kAdmin, spec);
        REQUIRE(created.ok());
        CHECK((*created)->plural_label == "发票");
        CHECK((*created)->label_zh == "发票");
        CHECK((*created)->Field("Name")->label == "发票名称");
        CHECK((*created)->Field("Name")->label_zh == "发票名称");
        spec.api_name = "Shouju";
        spec.label = "收据";
        auto numbered = fx.schema().CreateObject(kAdmin, spec, "SJ-{0000}");
        REQUIRE(numbered.ok());
        CHECK((*numbered)->Field("Name")->label == "收据编号");
        // A label with Latin letters keeps the English forms.
        spec.api_name = "Vat";
        spec.label = "VAT 发票";
        auto mixed = fx.schema().CreateObject(kAdmin, spec);
        REQUIRE(mixed.ok());
        CHECK((*mixed)->plural_label == "VAT 发票s");
        CHECK((*mixed)->Field("Name")->label == "VAT 发票 Name");
    }

    TEST_CASE("custom objects, fields and picklist values take an optional Chinese label") {
        SchemaFixture fx;
        ObjectDef spec;
        spec.api_name = "Invoice";
        spec.label = "Invoice";
        spec.plural_label = "Invoices";
        spec.label_zh = "发票";
        auto created = fx.schema().CreateObject(kAdmin, spec);
        REQUIRE(created.ok());
        CHECK((*created)->label_zh == "发票");
        CHECK((*created)->Field("Name")->label_zh == "发票名称");

        FieldDef f = fx.AddField(
            "Invoice__c",
            {{"api_name", "Status"},
             {"label", "Status"},
             {"label_zh", "状态"},
             {"type", "picklist"},
             {"picklist", json::array({json{{"api_name", "Paid"}, {"label_zh", "已付款"}}, "Open"})}});
        CHECK(f.label_zh == "状态");
        REQUIRE(f.picklist.size() == 2);
        CHECK(f.picklist[0].label_zh == "已付款");
        CHECK(f.picklist[1].label_zh.empty());  // optional: the English label is shown

        // A field without one stays without; an update sets it and the audit entry shows it.
        FieldDef plain =
            fx.AddField("Invoice__c", {{"api_name", "Code"}, {"label", "Code"}, {"type", "text"}});
        CHECK(plain.label_zh.empty());
        plain.label_zh = "编码";
        auto updated = fx.schema().UpdateField(kAdmin, plain);
        REQUIRE(updated.ok());
        CHECK((*fx.schema().Object("Invoice__c"))->Field("Code__c")->label_zh == "编码");

        ObjectDef changed = **fx.schema().Object("Invoice__c");
        changed.label_zh = "销售发票";
        REQUIRE(fx.schema().UpdateObject(kAdmin, changed).ok());
        CHECK((*fx.schema().Object("Invoice__c"))->label_zh == "销售发票");

        // At most 80 characters, with the error in both languages.
        FieldDef long_label = plain;
        long_label.label_zh = std::string(81 * 3, '\0');
        for (size_t i = 0; i < long_label.label_zh.size(); i += 3) long_label.label_zh.replace(i, 3, "字");
        auto refused = fx.schema().UpdateField(kAdmin, long_label);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == "schema.invalid_label");
        CHECK(refused.error().field == "label_zh");
        CHECK(ErrorMessageIn(refused.error(), "zh-CN") == "中文标签最多 80 个字符。");

        // Through the command interface.
        CommandApi api(*fx.ws);
        const json made = json::parse(api.Execute(
            R"j({"cmd": "objects.create", "as": "admin", "args": {"api_name": "Project", "label": "Project", "label_zh": "项目"}})j"));
        REQUIRE(made["ok"] == true);
        CHECK(made["result"]["label_zh"] == "项目");
        const json field = json::parse(api.Execute(
            R"j({"cmd": "fields.create", "as": "admin", "args": {"object": "Project__c", "field": {"api_name": "Budget", "label": "Budget", "label_zh": "预算", "type": "currency"}}})j"));
        REQUIRE(field["ok"] == true);
        CHECK(field["result"]["label_zh"] == "预算");
        const json renamed = json::parse(api.Execute(
            R"j({"cmd": "objects.update", "as": "admin", "args": {"object": "Project__c", "label_zh": "工程项目"}})j"));
        CHECK(renamed["result"]["label_zh"] == "工程项目");
    }

    TEST_CASE("a workspace made before Chinese labels gains them for its standard metadata") {
        const std::string path = TempPath("schema_labels_v5.db");
        {
            auto db = Database::Open(path);
            REQUIRE(db.ok());
            std::vector<Migration> up_to_5 = Workspace::Migrations();
            up_to_5.resize(5);
            REQUIRE(ApplyMigrations(**db, up_to_5).ok());
            REQUIRE((*db)
                        ->Exec("UPDATE schema_fields SET label = 'Deal Stage' WHERE api_name = 'StageName'")
                        .ok());
        }
        FixedClock clock{kSchemaNow};
        WorkspaceOptions options;
        options.clock = &clock;
        auto ws = Workspace::Open(path, options);
        REQUIRE(ws.ok());
        auto account = (*ws)->schema().Object("Account");
        REQUIRE(account.ok());
        CHECK((*account)->label_zh == "客户");
        CHECK((*account)->Field("Name")->label_zh == "客户名称");
        CHECK((*account)->Field("Rating")->picklist[0].label_zh == "热");
        const FieldDef* stage = (*(*ws)->schema().Object("Opportunity"))->Field("StageName");
        CHECK(stage->label == "Deal Stage");  // the administrator's English label is kept
        CHECK(stage->label_zh == "阶段");
    }
}
