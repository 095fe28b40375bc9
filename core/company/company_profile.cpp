#include "company/company_profile.h"

#include <algorithm>
#include <cstddef>
#include <cstdio>

#include "audit/change.h"
#include "common/text.h"
#include "storage/database.h"

namespace crm {

// Generated from tzdata by scripts/gen/time_zones.py (sorted).
extern const char* const kTimeZoneNames[];
extern const std::size_t kTimeZoneCount;

namespace {

using nlohmann::json;

constexpr size_t kMaxNameLength = 120;
const char* const kWeekdayNames[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

// [SECTION] Reference lists

// ISO 4217 List One (active alphabetic codes, including fund and transition codes).
const char* const kIsoCurrencyCodes[] = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN",
    "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF",
    "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP", "CVE", "CZK", "DJF",
    "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD",
    "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD",
    "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK",
    "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK",
    "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK",
    "SGD", "SHP", "SLE", "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT",
    "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS",
    "VED", "VES", "VND", "VUV", "WST", "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XCG",
    "XDR", "XOF", "XPD", "XPF", "XPT", "XSU", "XTS", "XUA", "XXX", "YER", "ZAR", "ZMW", "ZWG", "ZWL",
};

std::string Quote(const std::string& text) { return "\"" + text + "\""; }

std::string JoinQuoted(const std::vector<std::string>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
        out += Quote(items[i]);
    }
    return out;
}

std::string DidYouMean(const std::string& suggestion) {
    return suggestion.empty() ? std::string() : " Did you mean " + Quote(suggestion) + "?";
}

// [SECTION] Business hours in their JSON form

std::string FormatMinute(int minute) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
    return buf;
}

// "HH:MM" with 00:00 .. 24:00; -1 when malformed.
int ParseMinute(const std::string& text) {
    if (text.size() != 5 || text[2] != ':') return -1;
    for (size_t i : {0u, 1u, 3u, 4u}) {
        if (text[i] < '0' || text[i] > '9') return -1;
    }
    const int hours = (text[0] - '0') * 10 + (text[1] - '0');
    const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0)) return -1;
    return hours * 60 + minutes;
}

json WeekdaysToJson(int mask) {
    json days = json::array();
    for (int i = 0; i < 7; ++i) {
        if (mask & (1 << i)) days.push_back(kWeekdayNames[i]);
    }
    return days;
}

json BusinessHoursToJson(const BusinessHours& hours) {
    return json{{"start", FormatMinute(hours.start_minute)},
                {"end", FormatMinute(hours.end_minute)},
                {"weekdays", WeekdaysToJson(hours.weekdays)}};
}

Error InvalidArgument(const std::string& field, const std::string& message) {
    return MakeError("invalid_argument", message, field);
}

Status ReadBusinessHours(const json& value, BusinessHours& hours) {
    if (!value.is_object()) {
        return InvalidArgument(
            "business_hours",
            "\"business_hours\" must be an object such as "
            "{\"start\": \"09:00\", \"end\": \"18:00\", \"weekdays\": [\"mon\", \"tue\"]}.");
    }
    for (const char* key : {"start", "end"}) {
        auto it = value.find(key);
        if (it == value.end()) continue;
        const std::string field = std::string("business_hours.") + key;
        const int minute = it->is_string() ? ParseMinute(it->get<std::string>()) : -1;
        if (minute < 0) {
            return InvalidArgument(
                field, Quote(field) + " must be a time \"HH:MM\" between \"00:00\" and \"24:00\".");
        }
        (std::string(key) == "start" ? hours.start_minute : hours.end_minute) = minute;
    }
    if (auto it = value.find("weekdays"); it != value.end()) {
        const std::string field = "business_hours.weekdays";
        if (!it->is_array()) {
            return InvalidArgument(
                field, "\"business_hours.weekdays\" must be a list of days such as [\"mon\", \"fri\"].");
        }
        int mask = 0;
        for (const json& day : *it) {
            const std::string name = day.is_string() ? ToLowerAscii(day.get<std::string>()) : std::string();
            auto found = std::find(std::begin(kWeekdayNames), std::end(kWeekdayNames), name);
            if (found == std::end(kWeekdayNames)) {
                return InvalidArgument(field, "\"business_hours.weekdays\" holds " + day.dump() +
                                                  "; use mon, tue, wed, thu, fri, sat or sun.");
            }
            mask |= 1 << (found - std::begin(kWeekdayNames));
        }
        hours.weekdays = mask;
    }
    return Status::Ok();
}

// [SECTION] The fields of a profile, in one table: JSON form, audit target and storage all use it.

struct ProfileField {
    const char* key;                     ///< JSON key and audit target suffix
    json (*get)(const CompanyProfile&);  ///< the field's JSON value
};

const ProfileField kProfileFields[] = {
    {"name", [](const CompanyProfile& p) { return json(p.name); }},
    {"default_language", [](const CompanyProfile& p) { return json(p.default_language); }},
    {"currency", [](const CompanyProfile& p) { return json(p.currency); }},
    {"time_zone", [](const CompanyProfile& p) { return json(p.time_zone); }},
    {"fiscal_year_start_month", [](const CompanyProfile& p) { return json(p.fiscal_year_start_month); }},
    {"business_hours", [](const CompanyProfile& p) { return BusinessHoursToJson(p.business_hours); }},
    {"date_format", [](const CompanyProfile& p) { return json(p.date_format); }},
};

Status ReadString(const json& value, const char* key, std::string& out) {
    if (!value.is_string()) {
        return InvalidArgument(key, Quote(key) + " must be a string, not " + value.type_name() + ".");
    }
    out = value.get<std::string>();
    return Status::Ok();
}

}  // namespace

// [SECTION] Reference lists

const std::vector<std::string>& SupportedLanguages() {
    static const std::vector<std::string> languages = {"en", "zh-CN"};
    return languages;
}

const std::vector<std::string>& SupportedDateFormats() {
    static const std::vector<std::string> formats = {"YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY",
                                                     "DD.MM.YYYY", "YYYY/MM/DD", "YYYY年MM月DD日"};
    return formats;
}

const std::vector<std::string>& IsoCurrencyCodes() {
    static const std::vector<std::string> codes(std::begin(kIsoCurrencyCodes), std::end(kIsoCurrencyCodes));
    return codes;
}

bool IsIsoCurrencyCode(const std::string& code) {
    const auto& codes = IsoCurrencyCodes();
    return std::binary_search(codes.begin(), codes.end(), code);
}

const std::vector<std::string>& KnownTimeZones() {
    static const std::vector<std::string> zones(kTimeZoneNames, kTimeZoneNames + kTimeZoneCount);
    return zones;
}

bool IsKnownTimeZone(const std::string& name) {
    const auto& zones = KnownTimeZones();
    return std::binary_search(zones.begin(), zones.end(), name);
}

// [SECTION] CompanyProfile

bool CompanyProfile::operator==(const CompanyProfile& o) const {
    return name == o.name && default_language == o.default_language && currency == o.currency &&
           time_zone == o.time_zone && fiscal_year_start_month == o.fiscal_year_start_month &&
           business_hours == o.business_hours && date_format == o.date_format;
}

std::vector<Error> ValidateCompanyProfile(const CompanyProfile& p) {
    std::vector<Error> errors;
    auto add = [&](const char* code, const char* field, std::string message) {
        errors.push_back(MakeError(code, std::move(message), field));
    };
    if (!IsValidUtf8(p.name)) {
        add("company.invalid_name", "name", "The company name is not valid UTF-8 text; type it again.");
    } else if (IsBlank(p.name)) {
        add("company.invalid_name", "name",
            "The company name is empty; enter the name of your organisation.");
    } else if (Utf8Length(p.name) > kMaxNameLength) {
        add("company.invalid_name", "name",
            "The company name has " + std::to_string(Utf8Length(p.name)) + " characters; use at most " +
                std::to_string(kMaxNameLength) + ".");
    }
    const auto& languages = SupportedLanguages();
    if (std::find(languages.begin(), languages.end(), p.default_language) == languages.end()) {
        add("company.invalid_language", "default_language",
            "Language " + Quote(p.default_language) + " is not supported; use " + JoinQuoted(languages) +
                "." + DidYouMean(ClosestMatch(p.default_language, languages)));
    }
    if (!IsIsoCurrencyCode(p.currency)) {
        add("company.invalid_currency", "currency",
            "Currency " + Quote(p.currency) +
                " is not an ISO 4217 code; use a three-letter code such as USD, EUR or CNY." +
                DidYouMean(IsIsoCurrencyCode(ToUpperAscii(p.currency)) ? ToUpperAscii(p.currency)
                                                                       : std::string()));
    }
    if (!IsKnownTimeZone(p.time_zone)) {
        add("company.invalid_time_zone", "time_zone",
            "Time zone " + Quote(p.time_zone) +
                " is not in the IANA time-zone database; use a name such as UTC, Europe/Berlin or "
                "Asia/Shanghai." +
                DidYouMean(ClosestMatch(p.time_zone, KnownTimeZones())));
    }
    if (p.fiscal_year_start_month < 1 || p.fiscal_year_start_month > 12) {
        add("company.invalid_fiscal_year_start_month", "fiscal_year_start_month",
            "The fiscal year start month is " + std::to_string(p.fiscal_year_start_month) +
                "; use a month number from 1 (January) to 12 (December).");
    }
    const BusinessHours& h = p.business_hours;
    if (h.start_minute < 0 || h.start_minute > 1439) {
        add("company.invalid_business_hours", "business_hours.start",
            "Business hours must start between 00:00 and 23:59.");
    } else if (h.end_minute <= h.start_minute || h.end_minute > 1440) {
        add("company.invalid_business_hours", "business_hours.end",
            "Business hours must end after they start (" + FormatMinute(h.start_minute) +
                ") and no later than 24:00.");
    }
    if (h.weekdays <= 0 || h.weekdays >= 128) {
        add("company.invalid_business_hours", "business_hours.weekdays",
            "Choose at least one working day (Monday to Sunday).");
    }
    const auto& formats = SupportedDateFormats();
    if (std::find(formats.begin(), formats.end(), p.date_format) == formats.end()) {
        add("company.invalid_date_format", "date_format",
            "Date format " + Quote(p.date_format) + " is not supported; use " + JoinQuoted(formats) + ".");
    }
    return errors;
}

json ToJson(const CompanyProfile& profile) {
    json out = json::object();
    for (const ProfileField& f : kProfileFields) out[f.key] = f.get(profile);
    return out;
}

Result<CompanyProfile> CompanyProfileFromJson(const json& value, CompanyProfile base) {
    if (!value.is_object()) {
        return InvalidArgument(
            "", "The company profile must be a JSON object, not " + std::string(value.type_name()) + ".");
    }
    for (auto it = value.begin(); it != value.end(); ++it) {
        const std::string& key = it.key();
        const json& v = it.value();
        Status s;
        if (key == "name") {
            s = ReadString(v, "name", base.name);
        } else if (key == "default_language") {
            s = ReadString(v, "default_language", base.default_language);
        } else if (key == "currency") {
            s = ReadString(v, "currency", base.currency);
        } else if (key == "time_zone") {
            s = ReadString(v, "time_zone", base.time_zone);
        } else if (key == "date_format") {
            s = ReadString(v, "date_format", base.date_format);
        } else if (key == "fiscal_year_start_month") {
            if (!v.is_number_integer()) {
                s = InvalidArgument(key, "\"fiscal_year_start_month\" must be a whole number from 1 to 12.");
            } else {
                // Out-of-range integers are clamped past the valid range so validation names them.
                const int64_t month = v.is_number_unsigned()
                                          ? static_cast<int64_t>(std::min<uint64_t>(v.get<uint64_t>(), 1000))
                                          : std::clamp<int64_t>(v.get<int64_t>(), -1000, 1000);
                base.fiscal_year_start_month = static_cast<int>(month);
            }
        } else if (key == "business_hours") {
            s = ReadBusinessHours(v, base.business_hours);
        } else {
            std::vector<std::string> keys;
            for (const ProfileField& f : kProfileFields) keys.push_back(f.key);
            s = InvalidArgument(key, "The company profile has no field " + Quote(key) + "; use " +
                                         JoinQuoted(keys) + "." + DidYouMean(ClosestMatch(key, keys)));
        }
        if (!s.ok()) return s.error();
    }
    return base;
}

// [SECTION] CompanyService

Result<CompanyProfile> CompanyService::Get() const {
    Statement stmt = changes_.db().Prepare(
        "SELECT name, default_language, currency, time_zone, fiscal_year_start_month, business_start_minute, "
        "business_end_minute, business_weekdays, date_format FROM company_profile WHERE id = 1");
    CompanyProfile p;  // a workspace that was never configured reads as the defaults
    if (stmt.Step()) {
        p.name = stmt.Text(0);
        p.default_language = stmt.Text(1);
        p.currency = stmt.Text(2);
        p.time_zone = stmt.Text(3);
        p.fiscal_year_start_month = static_cast<int>(stmt.Int(4));
        p.business_hours.start_minute = static_cast<int>(stmt.Int(5));
        p.business_hours.end_minute = static_cast<int>(stmt.Int(6));
        p.business_hours.weekdays = static_cast<int>(stmt.Int(7));
        p.date_format = stmt.Text(8);
    }
    if (!stmt.status().ok()) return stmt.status().error();
    return p;
}

Status CompanyService::Update(const std::string& actor, const CompanyProfile& profile) {
    if (IsBlank(actor)) {
        return MakeError("auth.no_actor", "Say who makes the change: the acting user is missing.", "as");
    }
    if (authorizer_) {
        if (Status s = authorizer_(actor, SystemPermission::CustomizeSchema); !s.ok()) return s;
    }
    std::vector<Error> errors = ValidateCompanyProfile(profile);
    if (!errors.empty()) return errors.front();

    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    // Read inside the transaction, so the audited old values are exactly what is replaced.
    Result<CompanyProfile> current = Get();
    if (!current.ok()) return current.error();
    if (*current == profile) return Status::Ok();

    Statement write = changes_.db().Prepare(
        "INSERT INTO company_profile(id, name, default_language, currency, time_zone, "
        "fiscal_year_start_month, "
        "business_start_minute, business_end_minute, business_weekdays, date_format) "
        "VALUES(1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(id) DO UPDATE SET name = ?1, "
        "default_language = ?2, currency = ?3, time_zone = ?4, fiscal_year_start_month = ?5, "
        "business_start_minute = ?6, business_end_minute = ?7, business_weekdays = ?8, date_format = ?9");
    write.Bind(1, profile.name)
        .Bind(2, profile.default_language)
        .Bind(3, profile.currency)
        .Bind(4, profile.time_zone)
        .Bind(5, profile.fiscal_year_start_month)
        .Bind(6, profile.business_hours.start_minute)
        .Bind(7, profile.business_hours.end_minute)
        .Bind(8, profile.business_hours.weekdays)
        .Bind(9, profile.date_format);
    if (Status s = write.Run(); !s.ok()) return s;

    std::vector<std::string> keys;
    for (const ProfileField& f : kProfileFields) {
        json before = f.get(*current);
        json after = f.get(profile);
        if (before == after) continue;
        keys.emplace_back(f.key);
        if (Status s = change.Audit("company", "update", std::string("company.") + f.key, std::move(before),
                                    std::move(after));
            !s.ok())
            return s;
    }
    change.Record("company", "", ChangeAction::Update, 0, keys);
    if (Status s = change.Commit(); !s.ok()) return s;
    return Status::Ok();
}

}  // namespace crm
