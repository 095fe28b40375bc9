// Times as people read them: in the company's time zone (the company profile's IANA zone), not UTC.
// The audit trail and field history show their times with it.
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

}  // namespace crm::ui
