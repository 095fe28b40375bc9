#include "workflow/company_time.h"

#include <algorithm>
#include <cstring>

#include "common/messages.h"

namespace crm {

extern const char* const kTimeZoneRules[][2];
extern const std::size_t kTimeZoneRuleCount;

namespace {

const MessageDef kMessages[] = {
    {"workflow.bad_tz_rule", "The time-zone rule {rule} cannot be read.", "无法读取时区规则 {rule}。"},
    {"workflow.unknown_time_zone", "{zone} is not a known time zone.", "{zone} 不是已知的时区。"},
};
CRM_REGISTER_MESSAGES(kMessages);

constexpr int64_t kDayMs = 86'400'000;

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int64_t YearOfDays(int64_t z) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    if (mp >= 10) ++y;  // January and February belong to the next civil year
    return y;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/// 0 = Sunday ... 6 = Saturday (POSIX's numbering).
int WeekdaySunday(int64_t days) { return static_cast<int>(((days % 7) + 7 + 4) % 7); }

/// The local day (days since 1970-01-01) on which a change happens in `year`.
int64_t ChangeDay(const PosixTzRule::Change& c, int64_t year) {
    const int64_t jan1 = DaysFromCivil(year, 1, 1);
    if (c.kind == 'J') return jan1 + c.day - 1 + (IsLeap(year) && c.day >= 60 ? 1 : 0);
    if (c.kind == 'D') return jan1 + c.day;
    const int64_t first = DaysFromCivil(year, static_cast<unsigned>(c.month), 1);
    const int64_t next_month = c.month == 12 ? DaysFromCivil(year + 1, 1, 1)
                                             : DaysFromCivil(year, static_cast<unsigned>(c.month + 1), 1);
    int64_t day = first + (c.weekday - WeekdaySunday(first) + 7) % 7 + 7 * (c.week - 1);
    while (day >= next_month) day -= 7;
    return day;
}

/// A small reader of the POSIX TZ grammar.
struct TzReader {
    std::string_view s;
    size_t i = 0;
    bool ok = true;

    bool AtEnd() const { return i >= s.size(); }
    char Peek() const { return AtEnd() ? '\0' : s[i]; }
    void Name() {
        if (Peek() == '<') {
            const size_t close = s.find('>', i);
            if (close == std::string_view::npos) {
                ok = false;
                return;
            }
            i = close + 1;
            return;
        }
        const size_t start = i;
        while (!AtEnd() && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) ++i;
        if (i - start < 3) ok = false;
    }
    int Number() {
        if (AtEnd() || s[i] < '0' || s[i] > '9') {
            ok = false;
            return 0;
        }
        int n = 0;
        while (!AtEnd() && s[i] >= '0' && s[i] <= '9') n = n * 10 + (s[i++] - '0');
        return n;
    }
    /// [+-]hh[:mm[:ss]] in seconds.
    int Time() {
        int sign = 1;
        if (Peek() == '+' || Peek() == '-') sign = s[i++] == '-' ? -1 : 1;
        int total = Number() * 3600;
        if (Peek() == ':') {
            ++i;
            total += Number() * 60;
            if (Peek() == ':') {
                ++i;
                total += Number();
            }
        }
        return sign * total;
    }
    PosixTzRule::Change Change() {
        PosixTzRule::Change c;
        if (Peek() == 'M') {
            ++i;
            c.kind = 'M';
            c.month = Number();
            if (Peek() != '.') ok = false;
            ++i;
            c.week = Number();
            if (Peek() != '.') ok = false;
            ++i;
            c.weekday = Number();
            if (c.month < 1 || c.month > 12 || c.week < 1 || c.week > 5 || c.weekday > 6) ok = false;
        } else if (Peek() == 'J') {
            ++i;
            c.kind = 'J';
            c.day = Number();
            if (c.day < 1 || c.day > 365) ok = false;
        } else {
            c.kind = 'D';
            c.day = Number();
            if (c.day > 365) ok = false;
        }
        if (Peek() == '/') {
            ++i;
            c.time_s = Time();
        }
        return c;
    }
};

}  // namespace

Result<PosixTzRule> ParsePosixTz(std::string_view text) {
    TzReader r{text};
    PosixTzRule rule;
    r.Name();
    if (r.ok) rule.std_offset_s = -r.Time();
    if (r.ok && !r.AtEnd()) {
        rule.has_dst = true;
        r.Name();
        rule.dst_offset_s = rule.std_offset_s + 3600;
        if (r.ok && r.Peek() != ',' && !r.AtEnd()) rule.dst_offset_s = -r.Time();
        if (r.ok && r.Peek() == ',') {
            ++r.i;
            rule.start = r.Change();
            if (r.Peek() != ',') r.ok = false;
            ++r.i;
            if (r.ok) rule.end = r.Change();
        } else if (r.ok) {
            // No rule given: the US rules POSIX names as the default.
            rule.start = {'M', 3, 2, 0, 0, 7200};
            rule.end = {'M', 11, 1, 0, 0, 7200};
        }
    }
    if (!r.ok || !r.AtEnd())
        return MessageError("workflow.bad_tz_rule", "workflow.bad_tz_rule", {{"rule", std::string(text)}});
    return rule;
}

Result<PosixTzRule> TimeZoneRule(std::string_view zone) {
    if (zone == "UTC" || zone.empty()) return PosixTzRule{};
    const char* const(*begin)[2] = kTimeZoneRules;
    const char* const(*end)[2] = kTimeZoneRules + kTimeZoneRuleCount;
    auto it = std::lower_bound(begin, end, zone,
                               [](const char* const(&row)[2], std::string_view z) { return row[0] < z; });
    if (it == end || (*it)[0] != zone)
        return MessageError("workflow.unknown_time_zone", "workflow.unknown_time_zone",
                            {{"zone", std::string(zone)}}, "time_zone");
    return ParsePosixTz((*it)[1]);
}

int PosixTzRule::OffsetAt(int64_t utc_ms) const {
    if (!has_dst) return std_offset_s;
    const int64_t utc_s = FloorDiv(utc_ms, 1000);
    const int64_t year = YearOfDays(FloorDiv(utc_s + std_offset_s, 86400));
    const int64_t start_s = ChangeDay(start, year) * 86400 + start.time_s - std_offset_s;
    const int64_t end_s = ChangeDay(end, year) * 86400 + end.time_s - dst_offset_s;
    const bool dst =
        start_s < end_s ? (utc_s >= start_s && utc_s < end_s) : (utc_s < end_s || utc_s >= start_s);
    return dst ? dst_offset_s : std_offset_s;
}

CompanyTime CompanyTime::For(const CompanyProfile& profile) {
    Result<PosixTzRule> rule = TimeZoneRule(profile.time_zone);
    return CompanyTime(rule.ok() ? *rule : PosixTzRule{}, profile.business_hours);
}

LocalTime CompanyTime::ToLocal(int64_t utc_ms) const {
    const int64_t local = utc_ms + static_cast<int64_t>(rule_.OffsetAt(utc_ms)) * 1000;
    LocalTime t;
    t.days = FloorDiv(local, kDayMs);
    const int64_t ms = local - t.days * kDayMs;
    t.minute = static_cast<int>(ms / 60000);
    t.second_ms = static_cast<int>(ms % 60000);
    t.weekday = static_cast<int>(((t.days % 7) + 7 + 3) % 7);
    return t;
}

int64_t CompanyTime::ToUtc(int64_t local_days, int64_t local_ms_of_day) const {
    const int64_t local = local_days * kDayMs + local_ms_of_day;
    if (!rule_.has_dst) return local - static_cast<int64_t>(rule_.std_offset_s) * 1000;
    const int lo = std::min(rule_.std_offset_s, rule_.dst_offset_s);
    const int hi = std::max(rule_.std_offset_s, rule_.dst_offset_s);
    const int64_t with_hi = local - static_cast<int64_t>(hi) * 1000;  // the earlier candidate
    const int64_t with_lo = local - static_cast<int64_t>(lo) * 1000;
    if (rule_.OffsetAt(with_hi) == hi) return with_hi;  // first of a repeated hour, or plainly valid
    if (rule_.OffsetAt(with_lo) == lo) return with_lo;
    return with_lo;  // a skipped time: read with the offset before the change, i.e. moved forward by the gap
}

bool CompanyTime::InBusinessHours(int64_t utc_ms) const {
    const LocalTime t = ToLocal(utc_ms);
    return (hours_.weekdays >> t.weekday & 1) && t.minute >= hours_.start_minute &&
           t.minute < hours_.end_minute;
}

int64_t CompanyTime::NextBusinessTime(int64_t utc_ms) const {
    if (hours_.weekdays == 0 || InBusinessHours(utc_ms)) return utc_ms;
    const LocalTime t = ToLocal(utc_ms);
    const int64_t open_ms = static_cast<int64_t>(hours_.start_minute) * 60000;
    if ((hours_.weekdays >> t.weekday & 1) && t.minute < hours_.start_minute) return ToUtc(t.days, open_ms);
    for (int d = 1; d <= 7; ++d) {
        if (hours_.weekdays >> ((t.weekday + d) % 7) & 1) return ToUtc(t.days + d, open_ms);
    }
    return utc_ms;
}

int64_t CompanyTime::AddBusinessHours(int64_t utc_ms, int hours) const {
    int64_t remaining = int64_t{hours} * 3'600'000;
    if (hours_.weekdays == 0 || hours_.end_minute <= hours_.start_minute) return utc_ms + remaining;
    int64_t t = NextBusinessTime(utc_ms);
    const int64_t close_ms = static_cast<int64_t>(hours_.end_minute) * 60000;
    for (int guard = 0; guard < 100000 && remaining > 0; ++guard) {
        const LocalTime local = ToLocal(t);
        const int64_t close = ToUtc(local.days, close_ms);
        const int64_t open_for = close - t;
        if (open_for <= 0) {
            t = NextBusinessTime(close + 1);
            continue;
        }
        if (remaining <= open_for) return t + remaining;
        remaining -= open_for;
        t = NextBusinessTime(close);
    }
    return t + remaining;
}

}  // namespace crm
