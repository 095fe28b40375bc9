// Finding a time zone as a person types it: part of its IANA name ("new york", "shanghai"), a city in
// Chinese (上海, 北京), or a UTC offset ("+8", "UTC+8", "GMT-5", "+05:30"). An offset matches the zones
// at that offset now, never by name: Etc/GMT+8 is UTC−8 (POSIX signs are reversed), so "+8" does not
// offer it; each zone's label says its offset ("Etc/GMT+8 (UTC−08:00)").
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crm {

/// The offset in minutes east of UTC that `typed` names ("+8", "utc+8", "GMT-05:30", "+0530"), if it is
/// one; case-insensitive.
std::optional<int> ParseUtcOffset(std::string_view typed);
/// "UTC+08:00", "UTC−05:00" (a real minus sign), "UTC±00:00".
std::string UtcOffsetText(int minutes);
/// `zone`'s offset from UTC at `utc_ms`, in minutes (0 for an unknown zone).
int ZoneOffsetMinutes(std::string_view zone, int64_t utc_ms);
/// "Asia/Shanghai (UTC+08:00) 上海": the name, its offset at `utc_ms` and its Chinese city names.
std::string ZoneLabel(std::string_view zone, int64_t utc_ms);
/// Whether `zone` matches what a person typed (trimmed; Latin letters in any case; spaces as '_').
bool ZoneMatches(std::string_view zone, std::string_view typed, int64_t utc_ms);

}  // namespace crm
