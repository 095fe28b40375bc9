// The company profile: the organisation's name and regional defaults.
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "access/policy.h"
#include "common/clock.h"
#include "common/result.h"

namespace crm {

class Changes;

/// Working hours applied to reminders, SLAs and escalations.
struct BusinessHours {
    int start_minute = 9 * 60;  ///< minutes after midnight, 0..1439
    int end_minute = 18 * 60;   ///< after start_minute, 1..1440
    int weekdays = 0x1F;        ///< bit 0 = Monday ... bit 6 = Sunday; at least one day
    bool operator==(const BusinessHours& o) const {
        return start_minute == o.start_minute && end_minute == o.end_minute && weekdays == o.weekdays;
    }
};

/// The organisation's name and regional defaults; one per workspace.
struct CompanyProfile {
    std::string name = "My Company";
    std::string default_language = "en";  ///< "en" or "zh-CN"
    std::string currency = "USD";         ///< ISO 4217 alphabetic code
    std::string time_zone = "UTC";        ///< IANA zone name (tzdata)
    int fiscal_year_start_month = 1;      ///< 1..12
    BusinessHours business_hours;
    std::string date_format = "YYYY-MM-DD";  ///< one of SupportedDateFormats()
    bool operator==(const CompanyProfile& o) const;
};

/// Every field error of a profile (empty when valid); each Error names its field.
std::vector<Error> ValidateCompanyProfile(const CompanyProfile& profile);

/// The JSON form documented in docs/commands.md (business hours as "HH:MM" and weekday names).
nlohmann::json ToJson(const CompanyProfile& profile);
/// Reads the fields present in `json` over `base` (a partial update); wrong types are Errors.
Result<CompanyProfile> CompanyProfileFromJson(const nlohmann::json& json, CompanyProfile base);

const std::vector<std::string>& SupportedLanguages();    ///< "en", "zh-CN"
const std::vector<std::string>& SupportedDateFormats();  ///< "YYYY-MM-DD", "DD/MM/YYYY", ...
bool IsIsoCurrencyCode(const std::string& code);         ///< exact, upper-case match
const std::vector<std::string>& IsoCurrencyCodes();      ///< active ISO 4217 codes, sorted
bool IsKnownTimeZone(const std::string& name);           ///< exact, case-sensitive IANA name
const std::vector<std::string>& KnownTimeZones();        ///< sorted IANA names from tzdata

/// Reads and changes the company profile; every change is audited field by field, and the commit
/// listeners hear ChangeSet entry ("company", "", Update) with the changed keys as fields.
class CompanyService {
public:
    explicit CompanyService(Changes& changes) : changes_(changes) {}
    /// The stored profile; a workspace that was never configured reads as CompanyProfile{}.
    Result<CompanyProfile> Get() const;
    /// Validates (the first error is returned; use ValidateCompanyProfile for all), writes and
    /// audits in one transaction. An unchanged profile is a no-op with no audit entry.
    /// Checks Customize Schema (the company profile is setup data an administrator customises) first.
    Status Update(const std::string& actor, const CompanyProfile& profile);
    /// Set by the Workspace so C++ callers (the console) meet the same rule as the command API.
    void SetAuthorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }

private:
    Changes& changes_;
    Authorizer authorizer_;
};

}  // namespace crm
