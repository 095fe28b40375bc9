// Values of the formula language: the types a formula computes with, and the calendar it uses.
//
// [SECTION] ValueType  the types of fields and formula results
// [SECTION] Value      one typed value, possibly blank
// [SECTION] Calendar   proleptic Gregorian dates as days since 1970-01-01, date-times as UTC ms
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "formula/decimal.h"

namespace crm::formula {

// [SECTION] ValueType

/// The type of a field or of a formula's result. Currency and percent fields are Numbers.
/// Any is "no particular type": the type of a bare NULL, and "accept any result" in CompileOptions.
enum class ValueType : uint8_t { Any, Number, Text, Boolean, Date, DateTime, Picklist, MultiPicklist };

/// "Number", "Text", "Checkbox", "Date", "Date/Time", "Picklist", "Multi-Select Picklist", "Any".
const char* ValueTypeName(ValueType type);

// [SECTION] Value

/// One value of the formula language. A value is blank (null) or holds data of its type:
/// Number a Decimal (see decimal.h); Text, Picklist and MultiPicklist UTF-8 text (a multi-select value is
/// "a;b;c"); Boolean a bool; Date days since 1970-01-01; DateTime milliseconds since the Unix epoch, UTC.
/// Empty text is blank (as in Salesforce, where "" and null are the same text value).
class Value {
public:
    /// A blank value of no particular type.
    Value() = default;
    static Value Blank(ValueType type);
    /// A number from a double (a REAL column): its shortest round-trip decimal (0.1 is 0.1). A double
    /// no Decimal holds (NaN, infinities, 1e40) makes a value that number_in_range() rejects.
    static Value Number(double number);
    static Value Number(Decimal number);
    static Value Boolean(bool boolean);
    static Value Text(std::string text);
    static Value Picklist(std::string api_value);
    /// Selected values separated by ';' ("Golf;Tennis").
    static Value MultiPicklist(std::string values);
    static Value Date(int64_t days);
    static Value DateTime(int64_t ms);

    ValueType type() const { return type_; }
    bool is_blank() const { return blank_; }
    /// The number as the nearest double (for REAL columns and JSON).
    double number() const;
    /// The exact number (0 when blank or not a number).
    const Decimal& decimal() const { return decimal_; }
    /// False for a Number made from a double that no Decimal holds.
    bool number_in_range() const { return !out_of_range_; }
    bool boolean() const { return boolean_; }
    /// Text, Picklist and MultiPicklist data ("" when blank).
    const std::string& text() const { return text_; }
    /// Date: days since 1970-01-01.
    int64_t days() const { return integer_; }
    /// DateTime: milliseconds since the Unix epoch, UTC.
    int64_t ms() const { return integer_; }

    /// The value as the formula language prints it (TEXT()): "12.5", "TRUE", "2024-03-15",
    /// "2024-03-15 10:30:00Z"; "" when blank.
    std::string ToString() const;
    /// Same type, same blankness, same data (numbers compare with ==).
    bool operator==(const Value& other) const;
    bool operator!=(const Value& other) const { return !(*this == other); }

private:
    ValueType type_ = ValueType::Any;
    bool blank_ = true;
    bool boolean_ = false;
    bool out_of_range_ = false;
    Decimal decimal_;
    double out_of_range_number_ = 0;
    int64_t integer_ = 0;
    std::string text_;
};

/// A number as TEXT() prints it: every digit, no exponent ("0.3", "10000", "0.00001"), never "-0".
std::string FormatNumber(const Decimal& number);
/// A double through its shortest round-trip decimal ("%.15g" for doubles no Decimal holds).
std::string FormatNumber(double number);

// [SECTION] Calendar

constexpr int64_t kMsPerDay = 86'400'000;
constexpr int64_t kMinDateDays = -719'162;   ///< 0001-01-01, the first date a formula can hold
constexpr int64_t kMaxDateDays = 2'932'896;  ///< 9999-12-31, the last

/// A day of the proleptic Gregorian calendar.
struct CivilDate {
    int year = 1970;
    int month = 1;  ///< 1..12
    int day = 1;    ///< 1..31
};

/// Days since 1970-01-01 of a civil date (any year; no validation).
int64_t DaysFromCivil(int year, int month, int day);
/// The civil date of a day number.
CivilDate CivilFromDays(int64_t days);
/// 28..31.
int DaysInMonth(int year, int month);
/// Whether year/month/day names a real day between 0001-01-01 and 9999-12-31.
bool IsValidCivilDate(int64_t year, int64_t month, int64_t day);
/// "2024-03-15".
std::string FormatDate(int64_t days);
/// "2024-03-15 10:30:00Z" (seconds, UTC; milliseconds are dropped, as Salesforce's TEXT does).
std::string FormatDateTime(int64_t ms);
/// Reads exactly "YYYY-MM-DD" (a real day, years 0001..9999).
std::optional<int64_t> ParseDate(std::string_view text);
/// The local calendar day at `now_ms` in a zone `utc_offset_minutes` east of UTC (480 for
/// China Standard Time): what TODAY() returns there.
int64_t TodayAt(int64_t now_ms, int utc_offset_minutes);

}  // namespace crm::formula
