// The company profile: validation, the JSON form, and audited updates.
#include <doctest/doctest.h>

#include <algorithm>

#include "test_util.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1795712400000;  // 2026-11-26T17:00:00Z

struct CompanyFixture {
    FixedClock clock{kNow};
    std::unique_ptr<Workspace> ws;
    int commits = 0;

    CompanyFixture() {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        ws->AddCommitListener([this] { ++commits; });
    }

    std::vector<AuditEntry> Trail() {
        AuditQuery q;
        q.descending = false;
        q.limit = 1000;
        auto page = ws->audit().List(q);
        REQUIRE(page.ok());
        return page->entries;
    }
};

CompanyProfile Edit(void (*edit)(CompanyProfile&)) {
    CompanyProfile p;
    edit(p);
    return p;
}

}  // namespace

TEST_SUITE("company") {
    TEST_CASE("the default profile is valid") { CHECK(ValidateCompanyProfile(CompanyProfile{}).empty()); }

    TEST_CASE("each invalid field is reported with its code and field name") {
        struct Case {
            const char* name;
            CompanyProfile profile;
            const char* code;  // "" = valid
            const char* field;
            const char* message_part;
        };
        std::string max_chinese;
        for (int i = 0; i < 120; ++i) max_chinese += "北";  // 120 characters, 360 bytes
        const Case cases[] = {
            {"a Chinese and English name",
             Edit([](CompanyProfile& p) { p.name = "Northwind Trading 北风贸易"; }), "", "", ""},
            {"an empty name", Edit([](CompanyProfile& p) { p.name = ""; }), "company.invalid_name", "name",
             "empty"},
            {"a blank name", Edit([](CompanyProfile& p) { p.name = " \t\n"; }), "company.invalid_name",
             "name", "empty"},
            {"a name of 121 characters", Edit([](CompanyProfile& p) { p.name = std::string(121, 'x'); }),
             "company.invalid_name", "name", "at most 120"},
            {"a name that is not UTF-8", Edit([](CompanyProfile& p) { p.name = "Acme \xff"; }),
             "company.invalid_name", "name", "UTF-8"},
            {"Chinese English", Edit([](CompanyProfile& p) { p.default_language = "zh-CN"; }), "", "", ""},
            {"an unsupported language", Edit([](CompanyProfile& p) { p.default_language = "fr"; }),
             "company.invalid_language", "default_language", "use \"en\" or \"zh-CN\""},
            {"a language in the wrong case", Edit([](CompanyProfile& p) { p.default_language = "zh-cn"; }),
             "company.invalid_language", "default_language", "Did you mean \"zh-CN\"?"},
            {"CNY", Edit([](CompanyProfile& p) { p.currency = "CNY"; }), "", "", ""},
            {"a made-up currency", Edit([](CompanyProfile& p) { p.currency = "USX"; }),
             "company.invalid_currency", "currency",
             "Currency \"USX\" is not an ISO 4217 code; use a three-letter code such as USD, EUR or CNY."},
            {"a lower-case currency", Edit([](CompanyProfile& p) { p.currency = "eur"; }),
             "company.invalid_currency", "currency", "Did you mean \"EUR\"?"},
            {"a withdrawn currency", Edit([](CompanyProfile& p) { p.currency = "DEM"; }),
             "company.invalid_currency", "currency", "ISO 4217"},
            {"an IANA zone", Edit([](CompanyProfile& p) { p.time_zone = "Asia/Shanghai"; }), "", "", ""},
            {"a misspelt zone", Edit([](CompanyProfile& p) { p.time_zone = "Asia/Shangai"; }),
             "company.invalid_time_zone", "time_zone", "Did you mean \"Asia/Shanghai\"?"},
            {"an abbreviation", Edit([](CompanyProfile& p) { p.time_zone = "CST-ish"; }),
             "company.invalid_time_zone", "time_zone", "IANA"},
            {"fiscal year from December", Edit([](CompanyProfile& p) { p.fiscal_year_start_month = 12; }), "",
             "", ""},
            {"fiscal month 0", Edit([](CompanyProfile& p) { p.fiscal_year_start_month = 0; }),
             "company.invalid_fiscal_year_start_month", "fiscal_year_start_month", "1 (January) to 12"},
            {"fiscal month 13", Edit([](CompanyProfile& p) { p.fiscal_year_start_month = 13; }),
             "company.invalid_fiscal_year_start_month", "fiscal_year_start_month", "13"},
            {"a whole day", Edit([](CompanyProfile& p) {
                 p.business_hours = {0, 1440, 0x7F};
             }),
             "", "", ""},
            {"a negative start", Edit([](CompanyProfile& p) { p.business_hours.start_minute = -1; }),
             "company.invalid_business_hours", "business_hours.start", "00:00"},
            {"a start at 24:00", Edit([](CompanyProfile& p) {
                 p.business_hours = {1440, 1440, 1};
             }),
             "company.invalid_business_hours", "business_hours.start", "23:59"},
            {"an end before the start", Edit([](CompanyProfile& p) {
                 p.business_hours = {600, 540, 1};
             }),
             "company.invalid_business_hours", "business_hours.end", "after they start (10:00)"},
            {"an end equal to the start", Edit([](CompanyProfile& p) {
                 p.business_hours = {600, 600, 1};
             }),
             "company.invalid_business_hours", "business_hours.end", "24:00"},
            {"an end after midnight", Edit([](CompanyProfile& p) {
                 p.business_hours = {600, 1441, 1};
             }),
             "company.invalid_business_hours", "business_hours.end", "24:00"},
            {"no working day", Edit([](CompanyProfile& p) { p.business_hours.weekdays = 0; }),
             "company.invalid_business_hours", "business_hours.weekdays", "at least one"},
            {"an eighth day", Edit([](CompanyProfile& p) { p.business_hours.weekdays = 128; }),
             "company.invalid_business_hours", "business_hours.weekdays", "at least one"},
            {"the Chinese date format", Edit([](CompanyProfile& p) { p.date_format = "YYYY年MM月DD日"; }), "",
             "", ""},
            {"an unsupported date format", Edit([](CompanyProfile& p) { p.date_format = "D/M/YY"; }),
             "company.invalid_date_format", "date_format", "\"YYYY-MM-DD\", \"DD/MM/YYYY\""},
        };
        for (const Case& c : cases) {
            CAPTURE(c.name);
            std::vector<Error> errors = ValidateCompanyProfile(c.profile);
            if (std::string(c.code).empty()) {
                CHECK(errors.empty());
                continue;
            }
            REQUIRE(errors.size() == 1);
            CHECK(errors[0].code == c.code);
            CHECK(errors[0].field == c.field);
            CAPTURE(errors[0].message);
            CHECK(errors[0].message.find(c.message_part) != std::string::npos);
        }
        CompanyProfile p;
        p.name = max_chinese;
        CHECK(ValidateCompanyProfile(p).empty());
    }

    TEST_CASE("every invalid field of one profile is reported at once") {
        CompanyProfile p;
        p.name = "";
        p.currency = "XYZ1";
        p.date_format = "?";
        std::vector<Error> errors = ValidateCompanyProfile(p);
        REQUIRE(errors.size() == 3);
        CHECK(errors[0].field == "name");
        CHECK(errors[1].field == "currency");
        CHECK(errors[2].field == "date_format");
    }

    TEST_CASE("the reference lists are sorted and hold the expected values") {
        const auto& codes = IsoCurrencyCodes();
        CHECK(std::is_sorted(codes.begin(), codes.end()));
        CHECK(std::adjacent_find(codes.begin(), codes.end()) == codes.end());
        CHECK(codes.size() >= 150);
        for (const char* code : {"AED", "CNY", "EUR", "GBP", "JPY", "USD", "ZAR"})
            CHECK(IsIsoCurrencyCode(code));
        for (const char* code : {"", "usd", "US", "USDD", "DEM", "FRF"}) CHECK_FALSE(IsIsoCurrencyCode(code));

        const auto& zones = KnownTimeZones();
        CHECK(std::is_sorted(zones.begin(), zones.end()));
        CHECK(zones.size() > 300);
        for (const char* zone :
             {"UTC", "Asia/Shanghai", "Europe/Berlin", "America/New_York", "Asia/Kolkata"}) {
            CHECK(IsKnownTimeZone(zone));
        }
        for (const char* zone : {"", "utc", "Mars/Olympus", "Asia/Shangai"})
            CHECK_FALSE(IsKnownTimeZone(zone));

        CHECK(SupportedLanguages() == std::vector<std::string>{"en", "zh-CN"});
        CHECK(SupportedDateFormats().size() == 6);
    }

    TEST_CASE("the JSON form round-trips") {
        CompanyProfile p;
        p.name = "Northwind Trading 北风贸易";
        p.default_language = "zh-CN";
        p.currency = "CNY";
        p.time_zone = "Asia/Shanghai";
        p.fiscal_year_start_month = 4;
        p.business_hours = {8 * 60 + 30, 17 * 60 + 30, 0x3F};
        p.date_format = "YYYY年MM月DD日";
        json j = ToJson(p);
        CHECK(j["business_hours"] == json{{"start", "08:30"},
                                          {"end", "17:30"},
                                          {"weekdays", {"mon", "tue", "wed", "thu", "fri", "sat"}}});
        CHECK(j["fiscal_year_start_month"] == 4);
        auto back = CompanyProfileFromJson(j, CompanyProfile{});
        REQUIRE(back.ok());
        CHECK(*back == p);
    }

    TEST_CASE("a partial JSON update keeps the other fields") {
        CompanyProfile base;
        base.name = "Base";
        auto p =
            CompanyProfileFromJson(json{{"currency", "EUR"}, {"business_hours", {{"end", "24:00"}}}}, base);
        REQUIRE(p.ok());
        CHECK(p->name == "Base");
        CHECK(p->currency == "EUR");
        CHECK(p->business_hours.start_minute == 9 * 60);
        CHECK(p->business_hours.end_minute == 1440);
        CHECK(p->business_hours.weekdays == 0x1F);
    }

    TEST_CASE("wrong JSON types are invalid arguments naming the field") {
        struct Case {
            json input;
            const char* field;
        };
        const Case cases[] = {
            {json::array(), ""},
            {json{{"name", 5}}, "name"},
            {json{{"currency", nullptr}}, "currency"},
            {json{{"default_language", json::array()}}, "default_language"},
            {json{{"time_zone", true}}, "time_zone"},
            {json{{"date_format", 1.5}}, "date_format"},
            {json{{"fiscal_year_start_month", "4"}}, "fiscal_year_start_month"},
            {json{{"fiscal_year_start_month", 4.5}}, "fiscal_year_start_month"},
            {json{{"business_hours", "9-18"}}, "business_hours"},
            {json{{"business_hours", {{"start", "9:00"}}}}, "business_hours.start"},
            {json{{"business_hours", {{"start", 540}}}}, "business_hours.start"},
            {json{{"business_hours", {{"end", "24:01"}}}}, "business_hours.end"},
            {json{{"business_hours", {{"end", "12:60"}}}}, "business_hours.end"},
            {json{{"business_hours", {{"weekdays", "mon"}}}}, "business_hours.weekdays"},
            {json{{"business_hours", {{"weekdays", {"mon", "funday"}}}}}, "business_hours.weekdays"},
            {json{{"business_hours", {{"weekdays", {1}}}}}, "business_hours.weekdays"},
            {json{{"curency", "EUR"}}, "curency"},
        };
        for (const Case& c : cases) {
            CAPTURE(c.input.dump());
            auto p = CompanyProfileFromJson(c.input, CompanyProfile{});
            REQUIRE_FALSE(p.ok());
            CHECK(p.error().code == "invalid_argument");
            CHECK(p.error().field == c.field);
        }
        auto typo = CompanyProfileFromJson(json{{"curency", "EUR"}}, CompanyProfile{});
        CHECK(typo.error().message.find("Did you mean \"currency\"?") != std::string::npos);
    }

    TEST_CASE("out-of-range numbers read from JSON are left for validation to name") {
        for (json month : {json(0), json(13), json(-99999999999LL), json(99999999999ULL)}) {
            CAPTURE(month.dump());
            auto p = CompanyProfileFromJson(json{{"fiscal_year_start_month", month}}, CompanyProfile{});
            REQUIRE(p.ok());
            std::vector<Error> errors = ValidateCompanyProfile(*p);
            REQUIRE(errors.size() == 1);
            CHECK(errors[0].field == "fiscal_year_start_month");
        }
        auto days =
            CompanyProfileFromJson(json{{"business_hours", {{"weekdays", json::array()}}}}, CompanyProfile{});
        REQUIRE(days.ok());
        CHECK(ValidateCompanyProfile(*days).at(0).field == "business_hours.weekdays");
    }

    TEST_CASE("a new workspace reads the default profile") {
        CompanyFixture f;
        auto p = f.ws->company().Get();
        REQUIRE(p.ok());
        CHECK(*p == CompanyProfile{});
    }

    TEST_CASE("an update writes the profile and audits each changed field") {
        CompanyFixture f;
        CompanyProfile p;
        p.name = "Acme 北风";
        p.currency = "EUR";
        p.business_hours.weekdays = 0x3F;
        REQUIRE(f.ws->company().Update("alice", p).ok());
        CHECK(*f.ws->company().Get() == p);
        CHECK(f.commits == 1);
        CHECK(f.ws->change_count() == 1);

        std::vector<AuditEntry> trail = f.Trail();
        REQUIRE(trail.size() == 3);
        CHECK(trail[0].target == "company.name");
        CHECK(trail[0].old_value == "My Company");
        CHECK(trail[0].new_value == "Acme 北风");
        CHECK(trail[1].target == "company.currency");
        CHECK(trail[1].old_value == "USD");
        CHECK(trail[1].new_value == "EUR");
        CHECK(trail[2].target == "company.business_hours");
        CHECK(trail[2].old_value["weekdays"].size() == 5);
        CHECK(trail[2].new_value["weekdays"].size() == 6);
        for (const AuditEntry& e : trail) {
            CHECK(e.actor == "alice");
            CHECK(e.area == "company");
            CHECK(e.action == "update");
            CHECK(e.at_ms == kNow);
        }

        f.clock.Advance(60000);
        p.fiscal_year_start_month = 4;
        REQUIRE(f.ws->company().Update("bob", p).ok());
        trail = f.Trail();
        REQUIRE(trail.size() == 4);
        CHECK(trail[3].target == "company.fiscal_year_start_month");
        CHECK(trail[3].old_value == 1);
        CHECK(trail[3].new_value == 4);
        CHECK(trail[3].actor == "bob");
        CHECK(trail[3].at_ms == kNow + 60000);
        CHECK(f.ws->change_count() == 2);
    }

    TEST_CASE("an unchanged profile is a no-op without an audit entry") {
        CompanyFixture f;
        REQUIRE(f.ws->company().Update("alice", CompanyProfile{}).ok());
        CHECK(f.Trail().empty());
        CHECK(f.commits == 0);
        CompanyProfile p;
        p.name = "Once";
        REQUIRE(f.ws->company().Update("alice", p).ok());
        REQUIRE(f.ws->company().Update("alice", p).ok());
        CHECK(f.Trail().size() == 1);
        CHECK(f.commits == 1);
    }

    TEST_CASE("an update without an acting user is refused") {
        CompanyFixture f;
        CompanyProfile p;
        p.name = "Nobody's";
        for (const char* actor : {"", "  "}) {
            Status s = f.ws->company().Update(actor, p);
            REQUIRE_FALSE(s.ok());
            CHECK(s.error().code == "auth.no_actor");
        }
        CHECK(f.ws->company().Get()->name == "My Company");
    }

    TEST_CASE("an invalid update writes nothing") {
        CompanyFixture f;
        CompanyProfile p;
        p.name = "Valid name";
        p.currency = "USX";
        Status s = f.ws->company().Update("alice", p);
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().code == "company.invalid_currency");
        CHECK(*f.ws->company().Get() == CompanyProfile{});
        CHECK(f.Trail().empty());
        CHECK(f.commits == 0);
    }

    TEST_CASE("a failure while auditing rolls the profile change back") {
        CompanyFixture f;
        CompanyProfile first;
        first.name = "First";
        REQUIRE(f.ws->company().Update("alice", first).ok());
        // Make the audit insert fail, as a full disk or a damaged file would.
        REQUIRE(f.ws->db()
                    .Exec("CREATE TEMP TRIGGER fail_audit BEFORE INSERT ON audit_log "
                          "BEGIN SELECT RAISE(ABORT, 'disk full'); END;")
                    .ok());
        CompanyProfile second = first;
        second.name = "Second";
        second.currency = "JPY";
        Status s = f.ws->company().Update("alice", second);
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().message.find("disk full") != std::string::npos);
        CHECK(f.ws->company().Get()->name == "First");
        CHECK(f.ws->company().Get()->currency == "USD");
        CHECK(f.commits == 1);
        REQUIRE(f.ws->db().Exec("DROP TRIGGER fail_audit").ok());
        CHECK(f.Trail().size() == 1);
        REQUIRE(f.ws->company().Update("alice", second).ok());  // the workspace is usable again
        CHECK(f.Trail().size() == 3);
    }

    TEST_CASE("the profile survives closing and reopening the file") {
        const std::string path = test::TempPath("company_reopen.db");
        CompanyProfile p;
        p.name = "Persisted 持久";
        p.time_zone = "Europe/Berlin";
        p.date_format = "DD.MM.YYYY";
        {
            auto ws = Workspace::Open(path);
            REQUIRE(ws.ok());
            REQUIRE((*ws)->company().Update("alice", p).ok());
        }
        auto ws = Workspace::Open(path);
        REQUIRE(ws.ok());
        CHECK(*(*ws)->company().Get() == p);
    }
}
