// Notification preferences: the organisation's defaults and locks, each user's own choices, frequencies
// (digests) and quiet hours in the user's time zone (spanning midnight; urgent goes through).
#include <doctest/doctest.h>

#include "notify_fixture.h"

using namespace crm;
using crm::test::NotifyFixture;
using nlohmann::json;

namespace {

int64_t At(const char* iso) {
    std::optional<int64_t> ms = ParseUtcIso8601(iso);
    REQUIRE(ms);
    return *ms;
}

bool Cell(const std::vector<PreferenceCell>& cells, const std::string& type, const std::string& channel,
          PreferenceCell* out) {
    for (const PreferenceCell& c : cells)
        if (c.type == type && c.channel == channel) {
            *out = c;
            return true;
        }
    return false;
}

const ChannelFrequency kNow{"email", "immediately", 0};

}  // namespace

TEST_SUITE("notify.prefs") {
    TEST_CASE("a user's own choice applies until the administrator locks the cell") {
        NotifyFixture f;
        NotifyService& n = f.notify();
        REQUIRE(n.SetUserPreference("rex", "rex", "report_ready", "email", false).ok());
        PreferenceCell c;
        REQUIRE(Cell(*n.UserPreferences("rex", "rex"), "report_ready", "email", &c));
        CHECK_FALSE(c.enabled);
        CHECK(c.org_enabled);
        CHECK(c.own);
        // Locked on: the user's choice no longer applies, and a new one is refused.
        REQUIRE(n.SetOrgPreference("admin", {"report_ready", "email", true, true}).ok());
        REQUIRE(Cell(*n.UserPreferences("rex", "rex"), "report_ready", "email", &c));
        CHECK(c.enabled);
        CHECK(c.locked);
        Status refused = n.SetUserPreference("rex", "rex", "report_ready", "email", false);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().id == "notify.pref_locked");
        // Only an administrator sets the organisation's defaults; a user changes only their own.
        CHECK_FALSE(n.SetOrgPreference("rex", {"report_ready", "sms", true, false}).ok());
        CHECK(n.SetUserPreference("rex", "sam", "report_ready", "sms", true).error().code == "access.denied");
        CHECK(n.SetUserPreference("admin", "sam", "report_ready", "sms", true).ok());
        // SMS is off by default for a normal type, on for an urgent one.
        REQUIRE(Cell(*n.UserPreferences("rex", "rex"), "task_due", "sms", &c));
        CHECK_FALSE(c.enabled);
        REQUIRE(Cell(*n.UserPreferences("rex", "rex"), "case_escalated", "sms", &c));
        CHECK(c.enabled);
    }

    TEST_CASE("quiet hours spanning midnight hold a normal message until they end; urgent goes through") {
        const QuietHours night{22 * 60, 7 * 60};
        // 23:00 in New York (EST, UTC-5) on 2026-11-26: held until 07:00 local = 12:00 UTC the next day.
        const int64_t late = At("2026-11-27T04:00:00Z");
        CHECK(EarliestDelivery(late, "America/New_York", night, kNow, false) == At("2026-11-27T12:00:00Z"));
        CHECK(EarliestDelivery(late, "America/New_York", night, kNow, true) == late);
        // 03:00 local, after midnight: still quiet, released at 07:00 the same day.
        const int64_t early = At("2026-11-27T08:00:00Z");
        CHECK(EarliestDelivery(early, "America/New_York", night, kNow, false) == At("2026-11-27T12:00:00Z"));
        // Noon local: not quiet.
        const int64_t noon = At("2026-11-27T17:00:00Z");
        CHECK(EarliestDelivery(noon, "America/New_York", night, kNow, false) == noon);
        // Quiet hours within a day (12:00-13:00 Shanghai, UTC+8).
        const QuietHours lunch{12 * 60, 13 * 60};
        CHECK(EarliestDelivery(At("2026-11-27T04:30:00Z"), "Asia/Shanghai", lunch, kNow, false) ==
              At("2026-11-27T05:00:00Z"));
        CHECK(EarliestDelivery(At("2026-11-27T06:30:00Z"), "Asia/Shanghai", lunch, kNow, false) ==
              At("2026-11-27T06:30:00Z"));
    }

    TEST_CASE("digests wait for the next hour or the daily time, in the user's zone") {
        const QuietHours none;
        const ChannelFrequency hourly{"email", "hourly", 0};
        const ChannelFrequency daily{"email", "daily", 8 * 60 + 30};
        CHECK(EarliestDelivery(At("2026-11-27T04:10:00Z"), "Asia/Shanghai", none, hourly, false) ==
              At("2026-11-27T05:00:00Z"));
        // 12:10 Shanghai: the 08:30 digest is tomorrow's.
        CHECK(EarliestDelivery(At("2026-11-27T04:10:00Z"), "Asia/Shanghai", none, daily, false) ==
              At("2026-11-28T00:30:00Z"));
        // 07:00 Shanghai: today's.
        CHECK(EarliestDelivery(At("2026-11-26T23:00:00Z"), "Asia/Shanghai", none, daily, false) ==
              At("2026-11-27T00:30:00Z"));
        // A digest time inside quiet hours waits for their end; urgent skips the digest.
        CHECK(EarliestDelivery(At("2026-11-27T04:10:00Z"), "Asia/Shanghai", {8 * 60, 9 * 60}, daily, false) ==
              At("2026-11-28T01:00:00Z"));
        CHECK(EarliestDelivery(At("2026-11-27T04:10:00Z"), "Asia/Shanghai", none, daily, true) ==
              At("2026-11-27T04:10:00Z"));
        // The spring-forward night of New York (2027-03-14): a 02:30 daily digest is 03:30 EDT.
        const ChannelFrequency night_digest{"email", "daily", 2 * 60 + 30};
        CHECK(EarliestDelivery(At("2027-03-14T05:00:00Z"), "America/New_York", none, night_digest, false) ==
              At("2027-03-14T07:30:00Z"));
    }

    TEST_CASE("preferences through the commands: frequencies, quiet hours, the matrix") {
        NotifyFixture f;
        json r =
            f.Run("notify.prefs.quiet_hours", {{"user", "rex"}, {"start", "22:00"}, {"end", "07:00"}}, "rex");
        CAPTURE(r.dump());
        REQUIRE(r["ok"] == true);
        r = f.Run("notify.prefs.frequency",
                  {{"user", "rex"}, {"channel", "email"}, {"frequency", "daily"}, {"at", "08:30"}}, "rex");
        REQUIRE(r["ok"] == true);
        r = f.Run("notify.prefs.get", {{"user", "rex"}}, "rex");
        REQUIRE(r["ok"] == true);
        CHECK(r["result"]["quiet_hours"]["start"] == "22:00");
        CHECK(r["result"]["frequencies"][2]["frequency"] == "daily");
        CHECK(r["result"]["frequencies"][2]["at"] == "08:30");
        CHECK(r["result"]["matrix"].size() == BuiltinNotificationTypes().size() * 4);
        // Another user's preferences are not rex's to read.
        r = f.Run("notify.prefs.get", {{"user", "sam"}}, "rex");
        CHECK(r["ok"] == false);
        r = f.Run("notify.prefs.frequency", {{"user", "rex"}, {"channel", "email"}, {"frequency", "weekly"}},
                  "rex");
        CHECK(r["ok"] == false);
        CHECK(r["error"]["message_zh"].get<std::string>().find("频率") != std::string::npos);
    }
}
