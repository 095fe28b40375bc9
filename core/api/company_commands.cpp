// company.*: the company profile.
#include "api/command.h"
#include "workspace.h"

namespace crm::api {

namespace {

Result<json> CompanyGetCmd(Call& call) {
    Result<CompanyProfile> profile = call.workspace.company().Get();
    if (!profile.ok()) return profile.error();
    return ToJson(*profile);
}

Result<json> CompanyOptionsCmd(Call&) {
    return json{{"languages", SupportedLanguages()},
                {"date_formats", SupportedDateFormats()},
                {"currencies", IsoCurrencyCodes()},
                {"time_zones", KnownTimeZones()}};
}

Result<json> CompanyUpdateCmd(Call& call) {
    Result<CompanyProfile> current = call.workspace.company().Get();
    if (!current.ok()) return current.error();
    Result<CompanyProfile> updated = CompanyProfileFromJson(call.args, *current);
    if (!updated.ok()) return updated.error();
    CRM_TRY(call.workspace.company().Update(call.actor, *updated));
    return ToJson(*updated);
}

}  // namespace

void RegisterCompanyCommands(Registry& r) {
    // The profile (name, currency, time zone, formats) is what every user's screens are formatted by.
    r.push_back({"company.get",
                 "Returns the company profile.",
                 {},
                 PublicFacts(),
                 false,
                 json::object(),
                 CompanyGetCmd});
    r.push_back({"company.options",
                 "Lists the allowed languages, date formats, currency codes and time zones.",
                 {},
                 PublicFacts(),
                 false,
                 json::object(),
                 CompanyOptionsCmd});
    r.push_back({"company.update",
                 "Changes any subset of the company profile; every changed field is audited. Returns the new "
                 "profile.",
                 {{"name", ArgType::String},
                  {"default_language", ArgType::String},
                  {"currency", ArgType::String},
                  {"time_zone", ArgType::String},
                  {"fiscal_year_start_month", ArgType::Integer},
                  {"business_hours", ArgType::Object, false,
                   "{start?: \"HH:MM\", end?: \"HH:MM\", weekdays?: [\"mon\"..\"sun\"]}"},
                  {"date_format", ArgType::String}},
                 SetupData("the company profile", {SystemPermission::CustomizeSchema}),
                 true,
                 {{"currency", "EUR"}},
                 CompanyUpdateCmd});
}

}  // namespace crm::api
