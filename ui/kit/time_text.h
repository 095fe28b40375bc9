// Times as people read them: in the company's time zone (the company profile's IANA zone), not UTC, on
// every page; a column of times names the zone in its heading ("Time (Asia/Shanghai)").
#pragma once
#include <cstdint>
#include <string>

#include "workflow/company_time.h"
#include "workspace.h"

namespace crm::ui {

/// The company's zone: its name and its clock (UTC when the profile cannot be read).
struct CompanyZone {
    std::string name = "UTC";
    CompanyTime time;
};
CompanyZone ReadCompanyZone(Workspace& workspace);

/// "2026-11-27 01:55:29": `utc_ms` as the wall time of `zone`.
std::string FormatZoneTime(const CompanyZone& zone, int64_t utc_ms);

/// The company's zone as the console last read it (Console::RefreshCounts keeps it current), for the
/// panels that show a time without reading the profile themselves.
const CompanyZone& ShownZone();
void SetShownZone(CompanyZone zone);
/// "2026-11-27 09:55": `utc_ms` as the wall time of ShownZone(), to the minute.
std::string ShownMinute(int64_t utc_ms);

}  // namespace crm::ui
