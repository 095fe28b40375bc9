// Company time: local times in the company's time zone (an IANA name), daylight-saving changes in both
// directions, and business hours, computed the same way natively and in WebAssembly.
//
// [SECTION] Zones        PosixTzRule: a zone's current rule, parsed from its POSIX TZ string
// [SECTION] Conversions  CompanyTime: UTC <-> local wall time, local dates, business hours
//
// The browser has no /usr/share/zoneinfo, so the core carries, for every zone of KnownTimeZones(), the
// POSIX TZ rule that ends its compiled tzdata file ("EST5EDT,M3.2.0,M11.1.0"), generated at build time
// (scripts/gen/time_zone_rules.py), and evaluates the rule itself. The rule is the zone's current one:
// times before the zone's last rule change (years ago) may be off; what the scheduler computes (future
// times) is exact.
//
// Local wall times that do not exist (the hour skipped when clocks go forward) move forward by the gap:
// 02:30 on the spring-forward night of New York is 03:30 EDT. Local times that happen twice (the hour
// repeated when clocks go back) take the first of the two (daylight time).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "company/company_profile.h"

namespace crm {

// [SECTION] Zones

/// A POSIX TZ rule: standard offset, and optionally a daylight offset with its start and end.
struct PosixTzRule {
    /// One end of daylight time: a day rule and the local time (seconds, may be negative or past 24h).
    struct Change {
        char kind = 'M';  ///< 'M' (month.week.weekday), 'J' (Julian day 1..365, no Feb 29), 'D' (0..365)
        int month = 0, week = 0, weekday = 0, day = 0;
        int time_s = 7200;
    };
    int std_offset_s = 0;  ///< seconds east of UTC (the POSIX text writes west: "EST5" is -5h)
    bool has_dst = false;
    int dst_offset_s = 0;
    Change start, end;

    /// The offset from UTC at a UTC instant (seconds; local = UTC + offset).
    int OffsetAt(int64_t utc_ms) const;
};

/// Reads a POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3", "<+0330>-3:30", "CST-8").
Result<PosixTzRule> ParsePosixTz(std::string_view text);
/// The rule of an IANA zone name (from the generated table), or an error "workflow.unknown_time_zone".
Result<PosixTzRule> TimeZoneRule(std::string_view zone);

// [SECTION] Conversions

/// Local wall time, broken down.
struct LocalTime {
    int64_t days = 0;   ///< local date, days since 1970-01-01
    int minute = 0;     ///< minutes after local midnight, 0..1439
    int second_ms = 0;  ///< milliseconds within the minute
    int weekday = 0;    ///< 0 = Monday ... 6 = Sunday
};

/// The company's clock face: a zone rule and business hours.
class CompanyTime {
public:
    CompanyTime() = default;
    CompanyTime(PosixTzRule rule, BusinessHours hours) : rule_(rule), hours_(hours) {}
    /// From the company profile; an unknown zone reads as UTC.
    static CompanyTime For(const CompanyProfile& profile);

    const PosixTzRule& rule() const { return rule_; }
    const BusinessHours& business_hours() const { return hours_; }

    LocalTime ToLocal(int64_t utc_ms) const;
    /// The UTC instant of a local wall time (days since 1970-01-01, milliseconds into the day; see the
    /// header comment for skipped and repeated times).
    int64_t ToUtc(int64_t local_days, int64_t local_ms_of_day) const;
    /// Whether the instant falls inside business hours on a business day.
    bool InBusinessHours(int64_t utc_ms) const;
    /// The instant itself when inside business hours, else the next opening of business hours.
    int64_t NextBusinessTime(int64_t utc_ms) const;
    /// The instant `hours` business hours after `utc_ms` (counted only inside business hours; with no
    /// business day in the week, calendar hours).
    int64_t AddBusinessHours(int64_t utc_ms, int hours) const;

private:
    PosixTzRule rule_;
    BusinessHours hours_;
};

}  // namespace crm
