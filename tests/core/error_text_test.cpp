// The error catalog (core/common/error_text.cpp): bad input of every area, driven through the JSON
// command interface, must come back with a Chinese message that keeps its variable parts.
#include "common/error_text.h"

#include <doctest/doctest.h>

#include "api/command_api.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

// A workspace with a few things to collide with: roles Alpha > Beta, an object Invoice__c with a
// field Code__c, a read-only profile and a user "rep" who has it.
struct CatalogFixture {
    std::unique_ptr<Workspace> ws;
    std::unique_ptr<CommandApi> api;

    CatalogFixture() {
        auto opened = Workspace::Open(":memory:");
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        api = std::make_unique<CommandApi>(*ws);
        const char* setup[] = {
            R"j({"cmd": "roles.create", "as": "admin", "args": {"name": "Alpha"}})j",
            R"j({"cmd": "roles.create", "as": "admin", "args": {"name": "Beta", "parent": "Alpha"}})j",
            R"j({"cmd": "objects.create", "as": "admin", "args": {"api_name": "Invoice", "label": "Invoice", "plural_label": "Invoices"}})j",
            R"j({"cmd": "fields.create", "as": "admin", "args": {"object": "Invoice__c", "field": {"api_name": "Code", "label": "Code", "type": "text", "length": 20}}})j",
            R"j({"cmd": "profiles.create", "as": "admin", "args": {"name": "Reader"}})j",
            R"j({"cmd": "users.create", "as": "admin", "args": {"username": "rep", "full_name": "Rep", "email": "rep@example.com", "profile": "Reader"}})j",
        };
        for (const char* request : setup) {
            const json r = Run(request);
            CAPTURE(request);
            CAPTURE(r.dump());
            REQUIRE(r["ok"] == true);
        }
    }

    json Run(const std::string& request) { return json::parse(api->Execute(request)); }
};

bool HasChinese(const std::string& s) {
    // Any code point of the CJK Unified Ideographs block (3 bytes in UTF-8, lead byte E4..E9).
    for (unsigned char c : s) {
        if (c >= 0xE4 && c <= 0xE9) return true;
    }
    return false;
}

}  // namespace

TEST_SUITE("error_text") {
    TEST_CASE("errors of every area come back in Chinese, with their names, numbers and positions") {
        struct Case {
            const char* request;
            const char* code;
            std::vector<std::string> parts;  // variable parts the Chinese text must keep
        };
        const Case cases[] = {
            // The request itself.
            {R"j({"cmd": "company.get",})j", "bad_json", {"23"}},
            {"  ", "bad_json", {}},
            {"[1]", "bad_request", {}},
            {R"j({"cmd": "company.get", "bogus": 1})j", "bad_request", {"bogus"}},
            {R"j({"as": "admin"})j", "bad_request", {}},
            {R"j({"cmd": "compnay.get"})j", "unknown_command", {"compnay.get", "company.get"}},
            {R"j({"cmd": "zzzzzzzzzz"})j", "unknown_command", {"zzzzzzzzzz"}},
            {R"j({"cmd": "users.list", "as": "rep"})j", "access.denied", {}},
            {R"j({"cmd": "company.update", "as": "rep", "args": {"tags": []}})j", "invalid_argument", {"tags"}},
            {R"j({"cmd": "records.list", "as": "rep", "args": {"object": "Account"}})j", "records.no_access", {"Account"}},
            {R"j({"cmd": "company.update", "as": 7, "args": {}})j", "invalid_argument", {}},
            {R"j({"cmd": "company.update", "as": "admin", "args": [1]})j", "invalid_argument", {"[1]"}},
            {R"j({"cmd": "company.get", "args": {"x": 1}})j", "invalid_argument", {"company.get", "x"}},
            {R"j({"cmd": "company.update", "as": "ghost", "args": {"currency": "EUR"}})j",
             "access.unknown_user",
             {"ghost"}},
            {R"j({"cmd": "company.update", "as": "demo", "args": {"currency": "EUR"}})j",
             "access.unknown_user",
             {"demo"}},
            {R"j({"cmd": "audit.list", "args": {"sort": "size"}})j", "invalid_argument", {"size"}},
            {R"j({"cmd": "audit.list", "args": {"from": "yesterday"}})j", "invalid_argument", {"yesterday"}},
            // The company profile.
            {R"j({"cmd": "company.update", "as": "admin", "args": {"currency": "usdx"}})j",
             "company.invalid_currency",
             {"usdx"}},
            {R"j({"cmd": "company.update", "as": "admin", "args": {"currency": "eur"}})j",
             "company.invalid_currency",
             {"eur", "EUR"}},
            {R"j({"cmd": "company.update", "as": "admin", "args": {"name": " "}})j",
             "company.invalid_name",
             {}},
            {R"j({"cmd": "company.update", "as": "admin", "args": {"time_zone": "Mars/Base"}})j",
             "company.invalid_time_zone",
             {"Mars/Base"}},
            {R"j({"cmd": "company.update", "as": "admin", "args": {"default_language": "fr"}})j",
             "company.invalid_language",
             {"fr"}},
            {R"j({"cmd": "company.update", "as": "admin", "args": {"fiscal_year_start_month": 13}})j",
             "",
             {}},
            {R"j({"cmd": "company.update", "as": "admin", "args": {"date_format": "YY"}})j",
             "company.invalid_date_format",
             {"YY"}},
            {R"j({"cmd": "company.update", "as": "admin", "args": {"business_hours": {"start": "18:00", "end": "09:00", "weekdays": ["mon"]}}})j",
             "company.invalid_business_hours",
             {"18:00"}},
            {R"j({"cmd": "company.update", "as": "admin", "args": {"colour": "red"}})j",
             "invalid_argument",
             {"colour"}},
            // Users, roles, teams, profiles, sharing.
            {R"j({"cmd": "users.create", "as": "admin", "args": {"username": "li.na", "full_name": "Li Na", "email": "not-an-email", "profile": "Reader"}})j",
             "access.invalid_email",
             {"not-an-email"}},
            {R"j({"cmd": "users.create", "as": "admin", "args": {"username": "1x", "full_name": "X", "email": "x@example.com", "profile": "Reader"}})j",
             "access.invalid_username",
             {"1x"}},
            {R"j({"cmd": "users.create", "as": "admin", "args": {"username": "li.na", "full_name": "Li Na", "email": "li.na@example.com", "profile": "Nobody"}})j",
             "access.unknown_profile",
             {"Nobody"}},
            {R"j({"cmd": "users.create", "as": "admin", "args": {"username": "rep", "full_name": "Rep", "email": "rep@example.com", "profile": "Reader"}})j",
             "access.username_taken",
             {"rep"}},
            {R"j({"cmd": "users.update", "as": "admin", "args": {"username": "ghost", "phone": "1"}})j",
             "access.unknown_user",
             {"ghost"}},
            {R"j({"cmd": "users.deactivate", "as": "admin", "args": {"username": "admin"}})j",
             "access.lockout",
             {}},
            {R"j({"cmd": "roles.create", "as": "admin", "args": {"name": "Alpha"}})j",
             "access.name_taken",
             {"Alpha"}},
            {R"j({"cmd": "roles.create", "as": "admin", "args": {"name": "Gamma", "parent": "Omega"}})j",
             "access.unknown_role",
             {"Omega"}},
            {R"j({"cmd": "roles.move", "as": "admin", "args": {"role": "Alpha", "parent": "Beta"}})j",
             "access.role_cycle",
             {"Alpha", "Beta"}},
            {R"j({"cmd": "roles.move", "as": "admin", "args": {"role": "Alpha", "parent": "Alpha"}})j",
             "access.role_cycle",
             {"Alpha"}},
            {R"j({"cmd": "roles.delete", "as": "admin", "args": {"role": "Alpha"}})j",
             "access.role_not_empty",
             {"Alpha"}},
            {R"j({"cmd": "teams.create", "as": "admin", "args": {"name": " "}})j", "access.invalid_name", {}},
            {R"j({"cmd": "profiles.create", "as": "admin", "args": {"name": "Reader"}})j",
             "access.name_taken",
             {"Reader"}},
            {R"j({"cmd": "profiles.delete", "as": "admin", "args": {"name": "Reader"}})j",
             "access.profile_in_use",
             {"Reader"}},
            {R"j({"cmd": "profiles.set_system", "as": "admin", "args": {"name": "Reader", "permission": "fly", "granted": true}})j",
             "invalid_argument",
             {"fly"}},
            {R"j({"cmd": "sharing.save_rule", "as": "admin", "args": {"object": "Opportunity", "name": "R", "owned_by": {"kind": "role", "name": "Alpha"}, "share_with": {"kind": "role", "name": "Beta"}, "level": "all"}})j",
             "invalid_argument",
             {}},
            {R"j({"cmd": "sharing.save_rule", "as": "admin", "args": {"object": "Opportunity", "name": "R", "owned_by": {"kind": "clan", "name": "Alpha"}, "share_with": {"kind": "role", "name": "Beta"}, "level": "read"}})j",
             "invalid_argument",
             {"clan"}},
            {R"j({"cmd": "company.update", "as": "rep", "args": {"currency": "EUR"}})j", "access.denied", {}},
            {R"j({"cmd": "records.create", "as": "rep", "args": {"object": "Account", "values": {"Name": "Northwind"}}})j",
             "records.no_access",
             {}},
            // Objects and fields.
            {R"j({"cmd": "objects.create", "as": "admin", "args": {"api_name": "Invoice", "label": "Invoice", "plural_label": "Invoices"}})j",
             "schema.duplicate_api_name",
             {"Invoice__c"}},
            {R"j({"cmd": "objects.create", "as": "admin", "args": {"api_name": "9lives", "label": "Cat", "plural_label": "Cats"}})j",
             "schema.invalid_api_name",
             {"9lives__c"}},
            {R"j({"cmd": "objects.create", "as": "admin", "args": {"api_name": "Bad-Name", "label": "Bad", "plural_label": "Bads"}})j",
             "schema.invalid_api_name",
             {"Bad-Name__c", "-"}},
            {R"j({"cmd": "objects.delete", "as": "admin", "args": {"object": "Account"}})j",
             "schema.standard_object",
             {"Account"}},
            {R"j({"cmd": "fields.create", "as": "admin", "args": {"object": "Invoice__c", "field": {"api_name": "Code", "label": "Code", "type": "text"}}})j",
             "schema.duplicate_api_name",
             {"Invoice__c", "Code__c"}},
            {R"j({"cmd": "fields.create", "as": "admin", "args": {"object": "Invoce__c", "field": {"api_name": "X", "label": "X", "type": "text"}}})j",
             "schema.unknown_object",
             {"Invoce__c", "Invoice__c"}},
            {R"j({"cmd": "fields.create", "as": "admin", "args": {"object": "Invoice__c", "field": {"api_name": "X", "label": "X", "type": "txt"}}})j",
             "invalid_argument",
             {"txt"}},
            {R"j({"cmd": "fields.create", "as": "admin", "args": {"object": "Invoice__c", "field": {"api_name": "X", "label": "", "type": "text"}}})j",
             "schema.invalid_field",
             {}},
            {R"j({"cmd": "fields.create", "as": "admin", "args": {"object": "Invoice__c", "field": {"api_name": "P", "label": "P", "type": "picklist", "picklist": []}}})j",
             "schema.invalid_field",
             {}},
            {R"j({"cmd": "fields.create", "as": "admin", "args": {"object": "Invoice__c", "field": {"api_name": "X", "label": "X", "type": "text", "colour": 1}}})j",
             "invalid_argument",
             {"colour"}},
            {R"j({"cmd": "fields.delete", "as": "admin", "args": {"object": "Account", "field": "Name"}})j",
             "schema.standard_field",
             {"Name"}},
            {R"j({"cmd": "fields.delete", "as": "admin", "args": {"object": "Invoice__c", "field": "Nope__c"}})j",
             "schema.unknown_field",
             {"Invoice__c", "Nope__c"}},
            {R"j({"cmd": "fields.create", "as": "admin", "args": {"object": "Invoice__c", "field": {"api_name": "X", "label": "X", "label_zh": "字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字", "type": "text"}}})j",
             "schema.invalid_label",
             {}},
            {R"j({"cmd": "fields.retype_preview", "as": "rep", "args": {"object": "Invoice__c", "field": {"api_name": "Code__c", "type": "number"}}})j",
             "access.denied",
             {}},
            {R"j({"cmd": "layouts.assign", "as": "admin", "args": {"object": "Invoice__c", "profile": "Reeder", "layout": "Invoice Layout"}})j",
             "schema.unknown_profile",
             {"Reeder", "Reader"}},
            // Records and list queries.
            {R"j({"cmd": "records.create", "as": "admin", "args": {"object": "Opportunity", "values": {"Name": "D", "StageName": "Prospecting", "CloseDate": "2026-01-01", "Amount": "lots"}}})j",
             "records.invalid_value",
             {"lots"}},
            {R"j({"cmd": "records.create", "as": "admin", "args": {"object": "Opportunity", "values": {"Name": "D", "StageName": "Prospecting", "CloseDate": "31/01/2026"}}})j",
             "records.invalid_value",
             {"31/01/2026"}},
            {R"j({"cmd": "records.create", "as": "admin", "args": {"object": "Opportunity", "values": {"Name": "D", "StageName": "Bogus", "CloseDate": "2026-01-01"}}})j",
             "records.invalid_value",
             {"Bogus"}},
            {R"j({"cmd": "records.create", "as": "admin", "args": {"object": "Account", "values": {"Nmae": "x"}}})j",
             "records.unknown_field",
             {"Account", "Nmae"}},
            {R"j({"cmd": "records.create", "as": "admin", "args": {"object": "Invoice__c", "values": {"Code__c": "0123456789012345678901234"}}})j",
             "records.invalid_value",
             {"Code", "20", "25"}},
            {R"j({"cmd": "records.create", "as": "admin", "args": {"object": "Opportunity", "values": {}}})j",
             "records.required",
             {}},
            {R"j({"cmd": "records.create", "as": "admin", "args": {"object": "Account", "records": [{"Name": "A"}, {"Nmae": "B"}]}})j",
             "records.unknown_field",
             {"2", "Nmae"}},
            {R"j({"cmd": "records.get", "as": "admin", "args": {"object": "Account", "id": 999}})j",
             "records.not_found",
             {"999"}},
            {R"j({"cmd": "records.get", "as": "admin", "args": {"object": "Account", "id": -1}})j",
             "invalid_argument",
             {}},
            {R"j({"cmd": "records.list", "as": "admin", "args": {"object": "Account", "limit": 0}})j",
             "invalid_argument",
             {}},
            {R"j({"cmd": "records.list", "as": "admin", "args": {"object": "Account", "filters": [{"field": "Name", "op": "~", "value": "a"}]}})j",
             "invalid_argument",
             {"~"}},
            {R"j({"cmd": "records.list", "as": "admin", "args": {"object": "Account", "columns": ["Nope"]}})j",
             "records.unknown_field",
             {"Nope"}},
            {R"j({"cmd": "listviews.run", "as": "admin", "args": {"object": "Account", "name": "Mine"}})j",
             "records.unknown_list_view",
             {"Mine", "Account"}},
            // Formulas: syntax, names, types, arity, evaluation.
            {R"j({"cmd": "formula.check", "args": {"object": "Opportunity", "formula": "Amount +"}})j",
             "formula.syntax",
             {}},
            {R"j({"cmd": "formula.check", "args": {"object": "Opportunity", "formula": "Amount > 0 )"}})j",
             "formula.syntax",
             {"')'"}},
            {R"j({"cmd": "formula.check", "args": {"object": "Opportunity", "formula": "\"abc"}})j",
             "formula.syntax",
             {}},
            {R"j({"cmd": "formula.check", "args": {"object": "Opportunity", "formula": "ABS（1)"}})j",
             "formula.syntax",
             {"（"}},
            {R"j({"cmd": "formula.check", "args": {"object": "Opportunity", "formula": "ABS(1"}})j",
             "formula.syntax",
             {"ABS"}},
            {R"j({"cmd": "formula.check", "args": {"object": "Opportunity", "formula": "AND(ISPICKVAL(StageName, \"Closed Won\"), ISBLANK(CloseDat))"}})j",
             "formula.unknown_field",
             {"CloseDat", "CloseDate"}},
            {R"j({"cmd": "formula.check", "args": {"object": "Opportunity", "formula": "IF(Amount > 0, 1, \"x\")"}})j",
             "formula.type",
             {"IF", "1", "\"x\""}},
            {R"j({"cmd": "formula.check", "args": {"object": "Opportunity", "formula": "LEN(Amount)"}})j",
             "formula.type",
             {"LEN", "Amount", "1"}},
            {R"j({"cmd": "formula.check", "args": {"object": "Opportunity", "formula": "Amount & \"x\""}})j",
             "formula.type",
             {"&", "Amount"}},
            {R"j({"cmd": "formula.check", "args": {"object": "Opportunity", "formula": "Amount"}})j",
             "formula.type",
             {}},
            {R"j({"cmd": "formula.check", "args": {"object": "Opportunity", "formula": "ABS(1, 2)"}})j",
             "formula.arity",
             {"ABS", "2"}},
            {R"j({"cmd": "formula.check", "args": {"object": "Opportunity", "formula": "REGEX(Name, \"a(\")"}})j",
             "formula.argument",
             {"REGEX"}},
            {R"j({"cmd": "formula.check", "args": {"object": "Opportunity", "formula": "TRUE > FALSE"}})j",
             "formula.type",
             {">"}},
            {R"j({"cmd": "formula.check", "args": {"object": "Opportunity", "formula": "FOO(1)"}})j",
             "formula.unknown_function",
             {"FOO"}},
            {R"j({"cmd": "formula.check", "args": {"object": "Opportunity", "formula": "ISPICKVAL(StageName, \"Prospectin\")"}})j",
             "formula.argument",
             {"Prospectin", "StageName", "Prospecting"}},
            {R"j({"cmd": "formula.eval", "args": {"object": "Opportunity", "formula": "1 / (Amount - Amount)", "values": {"Amount": 5}}})j",
             "formula.runtime",
             {}},
            {R"j({"cmd": "formula.eval", "args": {"object": "Opportunity", "formula": "VALUE(\"ten\") > 0", "values": {}}})j",
             "formula.runtime",
             {"ten"}},
        };
        int translated = 0;
        for (const Case& c : cases) {
            const std::string request = c.request;
            CAPTURE(request);
            const json r = CatalogFixture().Run(request);
            CAPTURE(r.dump());
            // formula.check answers a compile error as a result ({"valid": false, "error": ...}).
            const json& error = r["ok"] == true ? r["result"]["error"] : r["error"];
            REQUIRE(error.is_object());
            if (*c.code) CHECK(error["code"] == c.code);
            const Error e{error["code"], error["message"], error.value("field", ""), error.value("line", 0),
                          error.value("position", 0)};
            // Translated by its message id (common/messages.h), or by matching its English (the fallback).
            std::optional<std::string> zh = ChineseErrorMessage(e.message);
            const bool by_template = zh.has_value();
            if (!zh && error["message_zh"] != error["message"]) zh = error["message_zh"].get<std::string>();
            REQUIRE_MESSAGE(zh.has_value(), "neither a message id nor a Chinese template: " << e.message);
            CAPTURE(*zh);
            CHECK(*zh != e.message);
            CHECK(HasChinese(*zh));
            for (const std::string& part : c.parts) CHECK_MESSAGE(zh->find(part) != std::string::npos, part);
            if (by_template) CHECK(ErrorMessageIn(e, "zh-CN") == *zh);
            CHECK(ErrorMessageIn(e, "en") == e.message);
            CHECK(error["message_zh"] == *zh);  // the command interface answers both languages
            for (const json& item : error.value("errors", json::array())) CHECK(item.contains("message_zh"));
            if (e.code.rfind("formula.", 0) == 0)
                CHECK(e.position > 0);  // the position travels beside the text
            ++translated;
        }
        MESSAGE(translated << " errors translated");
    }

    TEST_CASE("the catalog keeps words it fills in, nests messages, and leaves unknown text in English") {
        // Why a REGEX pattern is refused is a term of its own.
        CHECK(ChineseErrorMessage(
                  "The REGEX pattern \"a(\" is invalid: its parentheses ( ) are not balanced.") ==
              std::optional<std::string>("REGEX 模式 \"a(\" 无效：其圆括号 ( ) 不配对。"));
        // A suggestion appended to a sentence of its own.
        CHECK(ChineseErrorMessage("There is no object \"Acount\". Did you mean \"Account\"?") ==
              std::optional<std::string>("不存在对象 \"Acount\"。您是不是要找 \"Account\"？"));
        // A formula error inside a rule error.
        CHECK(ChineseErrorMessage("Validation rule Big could not be checked: Division by zero.") ==
              std::optional<std::string>("无法检查验证规则 Big：除数为零。"));
        // Words the core fills in are translated; an unknown one leaves the message in English.
        CHECK(ChineseErrorMessage("You need the system permission Manage Users for this.") ==
              std::optional<std::string>("此操作需要系统权限“管理用户”。"));
        CHECK_FALSE(ChineseErrorMessage("You need the system permission Fly for this.").has_value());
        // A validation rule's own message is the administrator's text: it stays as written.
        const Error own{"records.validation", "Enter the close date of a won opportunity.", "CloseDate", 0,
                        0};
        CHECK(ErrorMessageIn(own, "zh-CN") == own.message);
        CHECK_FALSE(ChineseErrorMessage("").has_value());
        // The browser's own reason (web/page_store.js) is kept as the browser gave it.
        CHECK(ChineseErrorMessage("the browser discarded its stored copy as corrupt (IndexedDB (database was "
                                  "corrupt): checksum mismatch)") ==
              std::optional<std::string>(
                  "浏览器发现其存储副本已损坏，已将其丢弃（IndexedDB (database was corrupt): checksum mismatch）"));
    }
}
