// Finding a time zone as a person types it (core/company/zone_search.h): by name, by a city in Chinese,
// by a UTC offset that never offers the reversed Etc/GMT zones.
#include "company/zone_search.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "company/company_profile.h"

using namespace crm;

namespace {

constexpr int64_t kJanuary = 1767225600000;  // 2026-01-01T00:00:00Z (northern winter)

std::vector<std::string> Find(const std::string& typed) {
    std::vector<std::string> found;
    for (const std::string& zone : KnownTimeZones()) {
        if (ZoneMatches(zone, typed, kJanuary)) found.push_back(zone);
    }
    return found;
}

bool Has(const std::vector<std::string>& zones, const std::string& zone) {
    for (const std::string& z : zones) {
        if (z == zone) return true;
    }
    return false;
}

}  // namespace

TEST_SUITE("zone_search") {
    TEST_CASE("offsets are read as people write them") {
        CHECK(ParseUtcOffset("+8") == 480);
        CHECK(ParseUtcOffset("UTC+8") == 480);
        CHECK(ParseUtcOffset("gmt-5") == -300);
        CHECK(ParseUtcOffset(" +05:30 ") == 330);
        CHECK(ParseUtcOffset("+0545") == 345);
        CHECK(ParseUtcOffset("UTC\xE2\x88\x92"
                             "03:00") == -180);
        CHECK_FALSE(ParseUtcOffset("8").has_value());
        CHECK_FALSE(ParseUtcOffset("+8x").has_value());
        CHECK_FALSE(ParseUtcOffset("+25").has_value());
        CHECK_FALSE(ParseUtcOffset("shanghai").has_value());
        CHECK(UtcOffsetText(480) == "UTC+08:00");
        CHECK(UtcOffsetText(-300) ==
              "UTC\xE2\x88\x92"
              "05:00");
    }

    TEST_CASE("Chinese city names and Latin names find their zone") {
        CHECK(Has(Find("上海"), "Asia/Shanghai"));
        CHECK(Has(Find("北京"), "Asia/Shanghai"));
        CHECK(Has(Find("东京"), "Asia/Tokyo"));
        CHECK(Has(Find("new york"), "America/New_York"));
        CHECK(Has(Find("Shanghai"), "Asia/Shanghai"));
        CHECK(Find("上海").size() == 1);
    }

    TEST_CASE("+8 finds the zones at UTC+8 and never Etc/GMT+8, which is UTC-8") {
        const std::vector<std::string> plus8 = Find("+8");
        CHECK(Has(plus8, "Asia/Shanghai"));
        CHECK(Has(plus8, "Asia/Singapore"));
        CHECK_FALSE(Has(plus8, "Etc/GMT+8"));
        CHECK_FALSE(Has(plus8, "Asia/Tokyo"));
        if (Has(KnownTimeZones(), "Etc/GMT-8")) CHECK(Has(plus8, "Etc/GMT-8"));
        const std::vector<std::string> minus8 = Find("-8");
        if (Has(KnownTimeZones(), "Etc/GMT+8")) CHECK(Has(minus8, "Etc/GMT+8"));
        CHECK(ZoneLabel("Etc/GMT+8", kJanuary) ==
              "Etc/GMT+8 (UTC\xE2\x88\x92"
              "08:00)");
        CHECK(ZoneLabel("Asia/Shanghai", kJanuary) == "Asia/Shanghai (UTC+08:00) 上海");
        CHECK(ZoneLabel("America/New_York", kJanuary) ==
              "America/New_York (UTC\xE2\x88\x92"
              "05:00) 纽约");
    }
}
