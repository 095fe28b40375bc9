// The JSON command interface: request errors, happy paths, and the documentation of every command.
#include <doctest/doctest.h>

#include <cstdio>

#include "api/command_api.h"
#include "test_util.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1795712400000;  // 2026-11-26T17:00:00Z

struct ApiFixture {
    FixedClock clock{kNow};
    std::unique_ptr<Workspace> ws;
    std::unique_ptr<CommandApi> api;

    ApiFixture() {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        api = std::make_unique<CommandApi>(*ws);
    }

    json Run(const std::string& request) {
        json response = json::parse(api->Execute(request), nullptr, false);
        REQUIRE_FALSE(response.is_discarded());
        return response;
    }

    json Ok(const std::string& request) {
        json response = Run(request);
        CAPTURE(request);
        CAPTURE(response.dump());
        REQUIRE(response["ok"] == true);
        CHECK(response.size() == 2);
        return response["result"];
    }
};

}  // namespace

TEST_SUITE("api") {
    TEST_CASE("malformed requests answer an error object with a code, never a crash") {
        struct Case {
            std::string request;
            const char* code;
            const char* field;  // "" = no field key
            int line;           // 0 = no line key
            int position;       // 0 = no position key
        };
        const Case cases[] = {
            {"", "bad_json", "", 0, 0},
            {"   \n ", "bad_json", "", 0, 0},
            {"{", "bad_json", "", 1, 1},
            {"{\"cmd\": \"company.get\",}", "bad_json", "", 1, 23},
            {"{\n  \"cmd\": \"company.get\"\n  \"as\": \"x\"\n}", "bad_json", "", 3, 31},
            {"{\"cmd\": \"\xff\"}", "bad_json", "", 1, 10},
            {"nul", "bad_json", "", 1, 3},
            {"[1,2]", "bad_request", "", 0, 0},
            {"\"company.get\"", "bad_request", "", 0, 0},
            {"null", "bad_request", "", 0, 0},
            {"{}", "bad_request", "cmd", 0, 0},
            {"{\"cmd\":5}", "bad_request", "cmd", 0, 0},
            {"{\"cmd\":null}", "bad_request", "cmd", 0, 0},
            {"{\"cmd\":\"company.get\",\"arg\":{}}", "bad_request", "arg", 0, 0},
            {"{\"cmd\":\"no.such\"}", "unknown_command", "cmd", 0, 0},
            {"{\"cmd\":\"company.get\",\"args\":[]}", "invalid_argument", "args", 0, 0},
            {"{\"cmd\":\"company.get\",\"args\":{\"x\":1}}", "invalid_argument", "x", 0, 0},
            {"{\"cmd\":\"company.get\",\"as\":7}", "invalid_argument", "as", 0, 0},
            {"{\"cmd\":\"company.update\",\"as\":\"\",\"args\":{\"name\":\"X\"}}", "invalid_argument", "as", 0,
             0},
            {"{\"cmd\":\"company.update\",\"as\":\"a\",\"args\":{\"name\":5}}", "invalid_argument", "name", 0,
             0},
            {"{\"cmd\":\"company.update\",\"as\":\"a\",\"args\":{\"fiscal_year_start_month\":\"4\"}}",
             "invalid_argument", "fiscal_year_start_month", 0, 0},
            {"{\"cmd\":\"company.update\",\"as\":\"a\",\"args\":{\"currency\":\"USX\"}}",
             "company.invalid_currency", "currency", 0, 0},
            {"{\"cmd\":\"company.update\",\"as\":\"a\",\"args\":{\"name\":\" \"}}", "company.invalid_name",
             "name", 0, 0},
            {"{\"cmd\":\"audit.list\",\"args\":{\"limit\":\"10\"}}", "invalid_argument", "limit", 0, 0},
            {"{\"cmd\":\"audit.list\",\"args\":{\"offset\":1.5}}", "invalid_argument", "offset", 0, 0},
            {"{\"cmd\":\"audit.list\",\"args\":{\"desc\":\"yes\"}}", "invalid_argument", "desc", 0, 0},
            {"{\"cmd\":\"audit.list\",\"args\":{\"area\":[]}}", "invalid_argument", "area", 0, 0},
            {"{\"cmd\":\"audit.list\",\"args\":{\"sort\":\"size\"}}", "invalid_argument", "sort", 0, 0},
            {"{\"cmd\":\"audit.list\",\"args\":{\"from\":\"yesterday\"}}", "invalid_argument", "from", 0, 0},
            {"{\"cmd\":\"audit.list\",\"args\":{\"to\":\"2026-02-30\"}}", "invalid_argument", "to", 0, 0},
            {"{\"cmd\":\"audit.list\",\"args\":{\"to\":true}}", "invalid_argument", "to", 0, 0},
            {"{\"cmd\":\"audit.list\",\"args\":{\"areas\":\"company\"}}", "invalid_argument", "areas", 0, 0},
        };
        ApiFixture f;
        for (const Case& c : cases) {
            CAPTURE(c.request);
            json r = f.Run(c.request);
            CAPTURE(r.dump());
            CHECK(r.size() == 2);
            CHECK(r["ok"] == false);
            const json& e = r["error"];
            CHECK(e["code"] == c.code);
            CHECK(e["message"].is_string());
            CHECK_FALSE(e["message"].get<std::string>().empty());
            if (*c.field) {
                CHECK(e.value("field", "") == c.field);
            } else {
                CHECK_FALSE(e.contains("field"));
            }
            if (c.line) {
                CHECK(e.value("line", 0) == c.line);
                CHECK(e.value("position", 0) == c.position);
            } else {
                CHECK_FALSE(e.contains("line"));
                CHECK_FALSE(e.contains("position"));
            }
        }
        // Nothing above changed the workspace.
        CHECK(f.ws->change_count() == 0);
    }

    TEST_CASE("an unknown command suggests the closest one") {
        ApiFixture f;
        json e = f.Run(R"({"cmd":"compnay.update"})")["error"];
        CHECK(e["message"] == "Unknown command \"compnay.update\". Did you mean \"company.update\"?");
        e = f.Run(R"({"cmd":"make.coffee"})")["error"];
        CHECK(e["message"].get<std::string>().find("commands.list") != std::string::npos);
    }

    TEST_CASE("a JSON syntax error says where it is") {
        ApiFixture f;
        json e = f.Run("{\"cmd\": \"company.get\",}")["error"];
        CHECK(e["message"].get<std::string>().find("line 1, column 23") != std::string::npos);
    }

    TEST_CASE("company.get and company.update read and change the profile") {
        ApiFixture f;
        json profile = f.Ok(R"({"cmd":"company.get"})");
        CHECK(profile == ToJson(CompanyProfile{}));

        json updated = f.Ok(R"({"cmd":"company.update","as":"alice","args":{
            "name":"Northwind Trading 北风贸易","currency":"CNY","time_zone":"Asia/Shanghai",
            "business_hours":{"start":"08:30","weekdays":["mon","tue","wed","thu","fri","sat"]}}})");
        CHECK(updated["name"] == "Northwind Trading 北风贸易");
        CHECK(updated["business_hours"]["start"] == "08:30");
        CHECK(updated["business_hours"]["end"] == "18:00");
        CHECK(f.Ok(R"({"cmd":"company.get","args":{}})") == updated);
        CHECK(f.ws->change_count() == 1);

        // An empty update changes nothing.
        CHECK(f.Ok(R"({"cmd":"company.update","as":"alice"})") == updated);
        CHECK(f.ws->change_count() == 1);
    }

    TEST_CASE("audit.list filters, sorts and pages the trail") {
        ApiFixture f;
        f.Ok(R"({"cmd":"company.update","as":"alice","args":{"name":"A","currency":"EUR"}})");
        f.clock.Advance(86400000);
        f.Ok(R"({"cmd":"company.update","as":"bob","args":{"currency":"JPY"}})");

        json all = f.Ok(R"({"cmd":"audit.list"})");
        CHECK(all["total"] == 3);
        REQUIRE(all["entries"].size() == 3);
        const json& newest = all["entries"][0];
        CHECK(newest["actor"] == "bob");
        CHECK(newest["target"] == "company.currency");
        CHECK(newest["old_value"] == "EUR");
        CHECK(newest["new_value"] == "JPY");
        CHECK(newest["at"] == "2026-11-27T17:00:00Z");

        CHECK(f.Ok(R"({"cmd":"audit.list","args":{"actor":"alice"}})")["total"] == 2);
        CHECK(f.Ok(R"({"cmd":"audit.list","args":{"area":"users"}})")["total"] == 0);
        CHECK(f.Ok(R"({"cmd":"audit.list","args":{"text":"jpy"}})")["total"] == 1);
        CHECK(f.Ok(R"({"cmd":"audit.list","args":{"from":"2026-11-27"}})")["total"] == 1);
        CHECK(f.Ok(R"({"cmd":"audit.list","args":{"to":"2026-11-26T17:00:00.001Z"}})")["total"] == 2);
        CHECK(f.Ok(R"({"cmd":"audit.list","args":{"from":1795712400000,"to":1795712400001}})")["total"] == 2);

        json page =
            f.Ok(R"({"cmd":"audit.list","args":{"sort":"target","desc":false,"offset":1,"limit":1}})");
        CHECK(page["total"] == 3);
        REQUIRE(page["entries"].size() == 1);
        CHECK(page["entries"][0]["id"] == 3);  // company.currency (1), company.currency (3), company.name
        json nulls = f.Ok(R"({"cmd":"audit.list","args":{"area":null,"limit":null}})");
        CHECK(nulls["total"] == 3);
    }

    TEST_CASE("workspace.info, company.options and commands.list describe the system") {
        ApiFixture f;
        json info = f.Ok(R"({"cmd":"workspace.info"})");
        CHECK(info["path"] == ":memory:");
        CHECK(info["schema_version"] == Workspace::Migrations().back().version);
        CHECK(info["app_version"] == Workspace::AppVersion());
        CHECK(info["created_now"] == true);
        CHECK(info["change_count"] == 0);

        json options = f.Ok(R"({"cmd":"company.options"})");
        CHECK(options["languages"] == json(SupportedLanguages()));
        CHECK(options["date_formats"].size() == SupportedDateFormats().size());
        CHECK(options["currencies"].size() == IsoCurrencyCodes().size());
        CHECK(options["time_zones"].size() == KnownTimeZones().size());

        json commands = f.Ok(R"({"cmd":"commands.list"})");
        REQUIRE(commands.size() == CommandApi::Commands().size());
        for (size_t i = 0; i < commands.size(); ++i) {
            CHECK(commands[i]["name"] == CommandApi::Commands()[i].name);
            CHECK(commands[i]["mutating"] == CommandApi::Commands()[i].mutating);
        }
    }

    TEST_CASE("the json overload answers the same as the text one") {
        ApiFixture f;
        json r = f.api->Execute(json{{"cmd", "company.get"}});
        CHECK(r["ok"] == true);
        CHECK(r["result"]["currency"] == "USD");
        CHECK(f.api->Execute(json::array())["error"]["code"] == "bad_request");
    }

    TEST_CASE("every command has a summary and is documented in docs/commands.md") {
        const std::string doc = test::ReadFileBytes(std::string(CRM_SOURCE_DIR) + "/docs/commands.md");
        REQUIRE_FALSE(doc.empty());
        for (const CommandInfo& c : CommandApi::Commands()) {
            CAPTURE(c.name);
            CHECK_FALSE(c.summary.empty());
            CHECK(doc.find("## `" + c.name + "`") != std::string::npos);
            CHECK(doc.find("\"cmd\": \"" + c.name + "\"") != std::string::npos);  // an example request
            // The declared arguments, as scripts/gen/commands_doc.py writes them under the heading.
            const std::string args = "Arguments: " + (c.args.empty() ? "none" : "`" + c.args + "`") +
                                     " · Reads: " + c.reads;
            CHECK_MESSAGE(doc.find("## `" + c.name + "`\n\n" + args + "\n") != std::string::npos,
                          "run scripts/gen/commands_doc.py build/native/crm to update docs/commands.md");
        }
    }
}
