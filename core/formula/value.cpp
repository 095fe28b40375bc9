#include "formula/value.h"

#include <cmath>
#include <cstdio>

namespace crm::formula {

const char* ValueTypeName(ValueType type) {
    switch (type) {
        case ValueType::Any:
            return "Any";
        case ValueType::Number:
            return "Number";
        case ValueType::Text:
            return "Text";
        case ValueType::Boolean:
            return "Checkbox";
        case ValueType::Date:
            return "Date";
        case ValueType::DateTime:
            return "Date/Time";
        case ValueType::Picklist:
            return "Picklist";
        case ValueType::MultiPicklist:
            return "Multi-Select Picklist";
    }
    return "?";
}

// [SECTION] Value

Value Value::Blank(ValueType type) {
    Value v;
    v.type_ = type;
    return v;
}

Value Value::Number(double number) {
    Value v;
    v.type_ = ValueType::Number;
    v.blank_ = false;
    if (std::optional<Decimal> d = Decimal::FromDouble(number)) {
        v.decimal_ = *d;
    } else {
        v.out_of_range_ = true;
        v.out_of_range_number_ = number;
    }
    return v;
}

Value Value::Number(Decimal number) {
    Value v;
    v.type_ = ValueType::Number;
    v.blank_ = false;
    v.decimal_ = number;
    return v;
}

double Value::number() const { return out_of_range_ ? out_of_range_number_ : decimal_.ToDouble(); }

Value Value::Boolean(bool boolean) {
    Value v;
    v.type_ = ValueType::Boolean;
    v.blank_ = false;
    v.boolean_ = boolean;
    return v;
}

Value Value::Text(std::string text) {
    Value v;
    v.type_ = ValueType::Text;
    v.blank_ = text.empty();
    v.text_ = std::move(text);
    return v;
}

Value Value::Picklist(std::string api_value) {
    Value v = Text(std::move(api_value));
    v.type_ = ValueType::Picklist;
    return v;
}

Value Value::MultiPicklist(std::string values) {
    Value v = Text(std::move(values));
    v.type_ = ValueType::MultiPicklist;
    return v;
}

Value Value::Date(int64_t days) {
    Value v;
    v.type_ = ValueType::Date;
    v.blank_ = false;
    v.integer_ = days;
    return v;
}

Value Value::DateTime(int64_t ms) {
    Value v;
    v.type_ = ValueType::DateTime;
    v.blank_ = false;
    v.integer_ = ms;
    return v;
}

std::string Value::ToString() const {
    if (blank_) return "";
    switch (type_) {
        case ValueType::Number:
            return out_of_range_ ? FormatNumber(out_of_range_number_) : FormatNumber(decimal_);
        case ValueType::Boolean:
            return boolean_ ? "TRUE" : "FALSE";
        case ValueType::Date:
            return FormatDate(integer_);
        case ValueType::DateTime:
            return FormatDateTime(integer_);
        case ValueType::Text:
        case ValueType::Picklist:
        case ValueType::MultiPicklist:
            return text_;
        case ValueType::Any:
            return "";
    }
    return "";
}

bool Value::operator==(const Value& other) const {
    if (type_ != other.type_ || blank_ != other.blank_) return false;
    if (blank_) return true;
    switch (type_) {
        case ValueType::Number:
            if (out_of_range_ || other.out_of_range_) return number() == other.number();
            return decimal_ == other.decimal_;
        case ValueType::Boolean:
            return boolean_ == other.boolean_;
        case ValueType::Date:
        case ValueType::DateTime:
            return integer_ == other.integer_;
        default:
            return text_ == other.text_;
    }
}

std::string FormatNumber(const Decimal& number) { return number.ToString(); }

std::string FormatNumber(double number) {
    if (std::optional<Decimal> d = Decimal::FromDouble(number)) return d->ToString();
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.15g", number);
    return buffer;
}

// [SECTION] Calendar
// Howard Hinnant's days_from_civil / civil_from_days (public domain), on 64-bit integers.

int64_t DaysFromCivil(int year, int month, int day) {
    const int64_t y = static_cast<int64_t>(year) - (month <= 2 ? 1 : 0);
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t mp = month > 2 ? month - 3 : month + 9;
    const int64_t doy = (153 * mp + 2) / 5 + day - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t days) {
    const int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const int64_t m = mp < 10 ? mp + 3 : mp - 9;
    const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    return CivilDate{static_cast<int>(y), static_cast<int>(m), static_cast<int>(d)};
}

int DaysInMonth(int year, int month) {
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2) {
        const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return leap ? 29 : 28;
    }
    return kDays[(month - 1) % 12];
}

bool IsValidCivilDate(int64_t year, int64_t month, int64_t day) {
    return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
           day <= DaysInMonth(static_cast<int>(year), static_cast<int>(month));
}

std::string FormatDate(int64_t days) {
    const CivilDate c = CivilFromDays(days);
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", c.year, c.month, c.day);
    return buffer;
}

std::string FormatDateTime(int64_t ms) {
    // Floor division, so an instant before 1970 still falls in the right second and day.
    int64_t seconds = ms / 1000;
    if (ms % 1000 < 0) --seconds;
    int64_t days = seconds / 86400;
    int64_t second_of_day = seconds % 86400;
    if (second_of_day < 0) {
        second_of_day += 86400;
        --days;
    }
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%s %02d:%02d:%02dZ", FormatDate(days).c_str(),
                  static_cast<int>(second_of_day / 3600), static_cast<int>(second_of_day / 60 % 60),
                  static_cast<int>(second_of_day % 60));
    return buffer;
}

std::optional<int64_t> ParseDate(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    int parts[3] = {0, 0, 0};
    const int starts[3] = {0, 5, 8};
    const int lengths[3] = {4, 2, 2};
    for (int p = 0; p < 3; ++p) {
        for (int k = 0; k < lengths[p]; ++k) {
            const char c = text[starts[p] + k];
            if (c < '0' || c > '9') return std::nullopt;
            parts[p] = parts[p] * 10 + (c - '0');
        }
    }
    if (!IsValidCivilDate(parts[0], parts[1], parts[2])) return std::nullopt;
    return DaysFromCivil(parts[0], parts[1], parts[2]);
}

int64_t TodayAt(int64_t now_ms, int utc_offset_minutes) {
    const int64_t local_ms = now_ms + static_cast<int64_t>(utc_offset_minutes) * 60'000;
    int64_t days = local_ms / kMsPerDay;
    if (local_ms % kMsPerDay < 0) --days;
    return days;
}

}  // namespace crm::formula
