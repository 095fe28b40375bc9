// The pure parts of reports: filter logic and its errors, relative dates, date buckets, CSV escaping.
#include <doctest/doctest.h>

#include "formula/value.h"
#include "report/report.h"

using namespace crm;

TEST_SUITE("report.helpers") {
    TEST_CASE("filter logic parses AND, OR, NOT and parentheses; errors give the position") {
        struct Case {
            const char* text;
            int filters;
            bool ok;
            int position;  // of the error, 1-based
        };
        const Case cases[] = {
            {"1 AND (2 OR 3)", 3, true, 0},
            {"NOT 1 or 2", 2, true, 0},
            {"(1)", 1, true, 0},
            {"1 AND (2 OR", 3, false, 12},
            {"1 AND 4", 3, false, 7},
            {"1 2", 2, false, 3},
            {"AND 1", 1, false, 1},
            {"1 AND (2 OR 3))", 3, false, 15},
            {"", 1, false, 1},
            {"1 AND ()", 1, false, 8},
            {"0", 1, false, 1},
        };
        for (const Case& c : cases) {
            CAPTURE(c.text);
            Result<LogicNode> r = ParseFilterLogic(c.text, c.filters);
            CHECK(r.ok() == c.ok);
            if (!c.ok) {
                CHECK(r.error().code == "report.filter_logic");
                CHECK(r.error().position == c.position);
            }
        }
    }

    TEST_CASE("relative dates are periods of local days, fiscal ones from the fiscal start month") {
        const int64_t today = formula::DaysFromCivil(2026, 11, 26);  // a Thursday
        auto d = [](int y, int m, int day) { return formula::DaysFromCivil(y, m, day); };
        struct Case {
            const char* text;
            int64_t start, end;
        };
        const Case cases[] = {
            {"TODAY", today, today + 1},
            {"YESTERDAY", today - 1, today},
            {"THIS_WEEK", d(2026, 11, 23), d(2026, 11, 30)},
            {"THIS_MONTH", d(2026, 11, 1), d(2026, 12, 1)},
            {"LAST_N_DAYS:30", today - 30, today + 1},
            {"NEXT_N_DAYS:7", today, today + 8},
            {"THIS_QUARTER", d(2026, 10, 1), d(2027, 1, 1)},
            {"THIS_FISCAL_QUARTER", d(2026, 10, 1), d(2027, 1, 1)},
            {"THIS_FISCAL_YEAR", d(2026, 4, 1), d(2027, 4, 1)},
            {"LAST_FISCAL_YEAR", d(2025, 4, 1), d(2026, 4, 1)},
        };
        for (const Case& c : cases) {
            CAPTURE(c.text);
            std::optional<DayRange> r = RelativeDateRange(c.text, today, 4);
            REQUIRE(r.has_value());
            CHECK(r->start == c.start);
            CHECK(r->end == c.end);
        }
        CHECK_FALSE(RelativeDateRange("2026-11-01", today, 4).has_value());
        CHECK_FALSE(RelativeDateRange("LAST_N_DAYS:x", today, 4).has_value());
    }

    TEST_CASE("fiscal years are named by the year they end in") {
        auto d = [](int y, int m, int day) { return formula::DaysFromCivil(y, m, day); };
        CHECK(DateBucketKey(DateBucket::FiscalYear, d(2026, 3, 31), 4) == 2026);
        CHECK(DateBucketKey(DateBucket::FiscalYear, d(2026, 4, 1), 4) == 2027);
        CHECK(DateBucketKey(DateBucket::FiscalQuarter, d(2026, 4, 1), 4) == 20271);
        CHECK(DateBucketKey(DateBucket::FiscalQuarter, d(2027, 1, 15), 4) == 20274);
        CHECK(DateBucketKey(DateBucket::FiscalYear, d(2026, 12, 31), 1) == 2026);
        CHECK(DateBucketKey(DateBucket::Week, d(2026, 1, 1), 1) == d(2025, 12, 29));
        CHECK(DateBucketLabel(DateBucket::FiscalQuarter, 20271) == "FY2027 Q1");
        CHECK(DateBucketLabel(DateBucket::Month, 202603) == "2026-03");
    }

    TEST_CASE("CSV fields: quotes, commas, newlines, Chinese text, formula-like cells") {
        struct Case {
            const char* in;
            const char* out;
        };
        const Case cases[] = {
            {"plain", "plain"},
            {"a,b", "\"a,b\""},
            {"say \"hi\"", "\"say \"\"hi\"\"\""},
            {"two\r\nlines", "\"two\r\nlines\""},
            {"客户，上海", "客户，上海"},
            {"=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""},
            {"+1+2", "'+1+2"},
            {"@SUM(A1)", "'@SUM(A1)"},
            {"-12.5", "-12.5"},
            {"-cmd", "'-cmd"},
            {"", ""},
        };
        for (const Case& c : cases) {
            CAPTURE(c.in);
            CHECK(CsvField(c.in) == c.out);
        }
    }
}
