#include "ui/kit/time_text.h"

#include <cstdio>
#include <utility>

#include "company/display_format.h"

namespace crm::ui {

CompanyZone ReadCompanyZone(Workspace& workspace) {
    CompanyZone zone;
    Result<CompanyProfile> profile = workspace.company().Get();
    if (!profile.ok()) return zone;
    if (!TimeZoneRule(profile->time_zone).ok()) return zone;  // an unknown zone reads as UTC: say so
    zone.name = profile->time_zone;
    zone.time = CompanyTime::For(*profile);
    return zone;
}

namespace {
CompanyZone& ShownZoneSlot() {
    static CompanyZone zone;
    return zone;
}
}  // namespace

const CompanyZone& ShownZone() { return ShownZoneSlot(); }
void SetShownZone(CompanyZone zone) { ShownZoneSlot() = std::move(zone); }

std::string ShownMinute(int64_t utc_ms) { return FormatZoneTime(ShownZone(), utc_ms).substr(0, 16); }

std::string FormatZoneTime(const CompanyZone& zone, int64_t utc_ms) {
    const LocalTime t = zone.time.ToLocal(utc_ms);
    char clock[32];
    std::snprintf(clock, sizeof clock, " %02d:%02d:%02d", t.minute / 60, t.minute % 60, t.second_ms / 1000);
    return FormatDateAs(t.days, "YYYY-MM-DD") + clock;
}

}  // namespace crm::ui
