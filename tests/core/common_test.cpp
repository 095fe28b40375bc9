// Shared helpers: UTC time formatting and parsing, UTF-8 and suggestions.
#include <doctest/doctest.h>

#include "common/base64.h"
#include "common/clock.h"
#include "common/text.h"

using namespace crm;

TEST_SUITE("common") {
    TEST_CASE("UTC times format as ISO 8601 and parse back") {
        struct Case {
            int64_t ms;
            const char* text;
        };
        const Case cases[] = {
            {0, "1970-01-01T00:00:00Z"},
            {1795712129000, "2026-11-26T16:55:29Z"},
            {951782400000, "2000-02-29T00:00:00Z"},
            {4107542399000, "2100-02-28T23:59:59Z"},
            {-1000, "1969-12-31T23:59:59Z"},
            {253402300799000, "9999-12-31T23:59:59Z"},
        };
        for (const Case& c : cases) {
            CAPTURE(c.text);
            CHECK(FormatUtcIso8601(c.ms) == c.text);
            CHECK(ParseUtcIso8601(c.text) == c.ms);
        }
        CHECK(FormatUtcIso8601(1500) == "1970-01-01T00:00:01Z");
        CHECK(FormatUtcIso8601(-1) == "1969-12-31T23:59:59Z");
    }

    TEST_CASE("dates, date-times and fractions are read; anything else is not") {
        CHECK(ParseUtcIso8601("2026-11-26") == 1795651200000);
        CHECK(ParseUtcIso8601("2026-11-26T16:55") == 1795712100000);
        CHECK(ParseUtcIso8601("2026-11-26 16:55:29") == 1795712129000);
        CHECK(ParseUtcIso8601("2026-11-26T16:55:29.250Z") == 1795712129250);
        CHECK(ParseUtcIso8601("2024-02-29") == 1709164800000);
        for (const char* bad :
             {"", "2026", "2026-1-1", "2026-13-01", "2026-02-29", "2026-04-31", "2026-11-26T",
              "2026-11-26T24:00", "2026-11-26T16:60", "2026-11-26T16:55:29+08:00", "2026-11-26Z ",
              "yesterday", "2026-11-26T16:55:29.25"}) {
            CAPTURE(bad);
            CHECK_FALSE(ParseUtcIso8601(bad).has_value());
        }
    }

    TEST_CASE("Base64 is RFC 4648's, padded") {
        const char* const cases[][2] = {{"", ""},
                                        {"f", "Zg=="},
                                        {"fo", "Zm8="},
                                        {"foo", "Zm9v"},
                                        {"foob", "Zm9vYg=="},
                                        {"fooba", "Zm9vYmE="},
                                        {"foobar", "Zm9vYmFy"},
                                        {"\xff\xfe", "//4="}};
        for (const auto& c : cases) CHECK(Base64(c[0]) == c[1]);
    }

    TEST_CASE("the system clock reads a plausible now") {
        CHECK(SystemClock().NowMs() > 1700000000000);
        FixedClock fixed(5);
        fixed.Advance(10);
        CHECK(fixed.NowMs() == 15);
        fixed.Set(1);
        CHECK(fixed.NowMs() == 1);
    }

    TEST_CASE("UTF-8 is checked and counted in characters") {
        CHECK(IsValidUtf8("plain"));
        CHECK(IsValidUtf8("北风贸易 😀"));
        CHECK(Utf8Length("北风贸易 😀") == 6);
        for (const char* bad : {"\xff", "\xc3", "\xe5\x8c", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
            CAPTURE(bad);
            CHECK_FALSE(IsValidUtf8(bad));
        }
    }

    TEST_CASE("the closest name is suggested only when it is close") {
        const std::vector<std::string> names = {"company.get", "company.update", "audit.list"};
        CHECK(ClosestMatch("compnay.get", names) == "company.get");
        CHECK(ClosestMatch("AUDIT.LIST", names) == "audit.list");
        CHECK(ClosestMatch("users.create", names).empty());
        CHECK(EditDistance("kitten", "sitting") == 3);
        CHECK(IsBlank(" \t\r\n"));
        CHECK_FALSE(IsBlank(" x "));
        CHECK(ToLowerAscii("AbC北") == "abc北");
        CHECK(ToUpperAscii("eur") == "EUR");
    }
}
