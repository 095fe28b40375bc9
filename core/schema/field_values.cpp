// Field types and field values: names, storage, the text and JSON forms, and the per-type checks of
// the save pipeline (email, URL, phone, number precision and scale, range, dates, picklists).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iterator>

#include "common/messages.h"
#include "common/text.h"
#include "schema/schema.h"
#include "storage/database.h"

namespace crm {

using formula::Value;
using formula::ValueType;
using nlohmann::json;

namespace {

struct TypeRow {
    FieldType type;
    const char* name;
    const char* column;
    ValueType formula;
};

const TypeRow kTypes[] = {
    {FieldType::Text, "text", "TEXT", ValueType::Text},
    {FieldType::LongText, "long_text", "TEXT", ValueType::Text},
    {FieldType::Number, "number", "REAL", ValueType::Number},
    {FieldType::Currency, "currency", "REAL", ValueType::Number},
    {FieldType::Percent, "percent", "REAL", ValueType::Number},
    {FieldType::Date, "date", "INTEGER", ValueType::Date},
    {FieldType::DateTime, "datetime", "INTEGER", ValueType::DateTime},
    {FieldType::Checkbox, "checkbox", "INTEGER", ValueType::Boolean},
    {FieldType::Picklist, "picklist", "TEXT", ValueType::Picklist},
    {FieldType::MultiPicklist, "multipicklist", "TEXT", ValueType::MultiPicklist},
    {FieldType::Email, "email", "TEXT", ValueType::Text},
    {FieldType::Phone, "phone", "TEXT", ValueType::Text},
    {FieldType::Url, "url", "TEXT", ValueType::Text},
    {FieldType::Lookup, "lookup", "INTEGER", ValueType::Text},
    {FieldType::AutoNumber, "auto_number", "TEXT", ValueType::Text},
    {FieldType::Formula, "formula", "", ValueType::Any},
};

const TypeRow& RowOf(FieldType type) { return kTypes[static_cast<int>(type)]; }

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

Error Invalid(const FieldDef& field, std::string message) {
    return MakeError("records.invalid_value", std::move(message), field.api_name);
}

// The longest text a type holds when the field sets no length.
int MaxLength(const FieldDef& f) {
    switch (f.type) {
        case FieldType::LongText:
            return f.length > 0 ? f.length : 131072;
        case FieldType::Email:
            return 80;
        case FieldType::Phone:
            return 40;
        case FieldType::Url:
            return f.length > 0 ? f.length : 255;
        case FieldType::AutoNumber:
            return 255;
        default:
            return f.length > 0 ? f.length : 255;
    }
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// local@domain.tld: a pragmatic check that catches typos (no spaces, one @, a dotted domain).
bool LooksLikeEmail(std::string_view s) {
    const size_t at = s.find('@');
    if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos)
        return false;
    std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
    for (char c : local) {
        if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == ',' || c == '<' || c == '>')
            return false;
    }
    if (local.front() == '.' || local.back() == '.') return false;
    const size_t dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || domain.size() - dot - 1 < 2) return false;
    bool label_start = true;
    for (char c : domain) {
        if (c == '.') {
            if (label_start) return false;
            label_start = true;
        } else if (IsAlnum(c) || c == '-' || static_cast<unsigned char>(c) >= 0x80) {
            label_start = false;
        } else {
            return false;
        }
    }
    return !label_start;
}

// [http(s)://]host[.tld][:port][/path...]: no spaces, a host with a dot (or localhost).
bool LooksLikeUrl(std::string_view s) {
    std::string lower = ToLowerAscii(s);
    std::string_view rest = lower;
    if (rest.rfind("https://", 0) == 0) {
        rest.remove_prefix(8);
    } else if (rest.rfind("http://", 0) == 0) {
        rest.remove_prefix(7);
    } else if (rest.find("://") != std::string_view::npos) {
        return false;
    }
    for (char c : lower) {
        if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '<' || c == '>') return false;
    }
    const size_t end = rest.find_first_of("/?#");
    std::string_view host = rest.substr(0, end);
    if (const size_t colon = host.find(':'); colon != std::string_view::npos) {
        std::string_view port = host.substr(colon + 1);
        if (port.empty() || !std::all_of(port.begin(), port.end(), IsDigit)) return false;
        host = host.substr(0, colon);
    }
    if (host == "localhost") return true;
    const size_t dot = host.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == host.size()) return false;
    for (char c : host) {
        if (!(IsAlnum(c) || c == '-' || c == '.' || static_cast<unsigned char>(c) >= 0x80)) return false;
    }
    return host.find("..") == std::string_view::npos;
}

// Digits with the usual separators: "+86 138 0013 8000", "(415) 555-0100", "010-12345678 x12".
bool LooksLikePhone(std::string_view s) {
    int digits = 0;
    for (char c : s) {
        if (IsDigit(c)) {
            ++digits;
        } else if (!(c == ' ' || c == '+' || c == '-' || c == '(' || c == ')' || c == '.' || c == 'x' ||
                     c == 'X')) {
            return false;
        }
    }
    return digits >= 3;
}

/// A plain decimal of at most 15 digits ("-1234.50"): its digits and the power of ten under them are both
/// exact in a double, so one division rounds as strtod would (Clinger's fast path) without strtod's
/// long-double arithmetic, which wasm emulates in software. nullopt for anything else.
std::optional<double> PlainDecimal(std::string_view s) {
    static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    size_t i = 0;
    const bool negative = !s.empty() && s[0] == '-';
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) ++i;
    int64_t digits_value = 0;
    int digits = 0, decimals = 0;
    bool point = false;
    for (; i < s.size(); ++i) {
        if (s[i] == '.' && !point) {
            point = true;
            continue;
        }
        if (!IsDigit(s[i]) || ++digits > 15) return std::nullopt;
        digits_value = digits_value * 10 + (s[i] - '0');
        if (point) ++decimals;
    }
    if (digits == 0) return std::nullopt;
    const double v = static_cast<double>(digits_value) / kPow10[decimals];
    return negative ? -v : v;
}

std::optional<double> ParseNumberText(std::string_view text) {
    std::string s(text);
    // Trim spaces; accept a thousands separator "1,234.5" as people type it.
    s.erase(std::remove(s.begin(), s.end(), ','), s.end());
    while (!s.empty() && s.back() == ' ') s.pop_back();
    size_t start = s.find_first_not_of(' ');
    if (start == std::string::npos) return std::nullopt;
    s = s.substr(start);
    if (!s.empty() && s.back() == '%') s.pop_back();
    if (std::optional<double> plain = PlainDecimal(s)) return plain;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end != '\0' || !std::isfinite(v)) return std::nullopt;
    // strtod also reads "inf", "nan" and hex floats; only plain decimal numbers are numbers here.
    for (char c : s) {
        if (!(IsDigit(c) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) return std::nullopt;
    }
    return v;
}

/// 10^n, exact for the scales and digit counts a field has (a table: std::pow showed in an import's profile).
double TenTo(int n) {
    static constexpr double kExact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    return n >= 0 && n < static_cast<int>(std::size(kExact)) ? kExact[n] : std::pow(10.0, n);
}

Status CheckNumber(const FieldDef& f, double v) {
    const int int_digits = std::max(1, f.precision - f.scale);
    const double scaled = v * TenTo(f.scale);
    if (std::fabs(scaled - std::nearbyint(scaled)) > 1e-9 * std::max(1.0, std::fabs(scaled))) {
        return Invalid(f, f.label + " allows " + std::to_string(f.scale) + " decimal place" +
                              (f.scale == 1 ? "" : "s") + "; " + formula::FormatNumber(v) + " has more.");
    }
    if (std::fabs(v) >= TenTo(int_digits)) {
        return Invalid(f, f.label + " allows at most " + std::to_string(int_digits) +
                              " digits before the decimal point; " + formula::FormatNumber(v) + " has more.");
    }
    if (f.min_value && v < *f.min_value) {
        return Invalid(f, f.label + " must be at least " + formula::FormatNumber(*f.min_value) + "; got " +
                              formula::FormatNumber(v) + ".");
    }
    if (f.max_value && v > *f.max_value) {
        return Invalid(f, f.label + " must be at most " + formula::FormatNumber(*f.max_value) + "; got " +
                              formula::FormatNumber(v) + ".");
    }
    return Status::Ok();
}

Result<Value> TextValue(const FieldDef& f, std::string_view text) {
    if (!IsValidUtf8(text)) return Invalid(f, f.label + " is not valid UTF-8 text.");
    // A code point takes at least a byte: text no longer in bytes than the limit needs no count.
    const size_t limit = static_cast<size_t>(MaxLength(f));
    const size_t length = text.size() <= limit ? text.size() : Utf8Length(text);
    if (length > limit) {
        return Invalid(f, f.label + " holds at most " + std::to_string(limit) + " characters; got " +
                              std::to_string(length) + ".");
    }
    if (f.type == FieldType::Email && !LooksLikeEmail(text)) {
        return Invalid(f, Quote(text) + " is not an email address; use the form name@example.com.");
    }
    if (f.type == FieldType::Url && !LooksLikeUrl(text)) {
        return Invalid(f, Quote(text) + " is not a web address; use the form https://www.example.com.");
    }
    if (f.type == FieldType::Phone && !LooksLikePhone(text)) {
        return Invalid(
            f, Quote(text) + " is not a phone number; use digits with spaces, +, -, ( ) as separators.");
    }
    return Value::Text(std::string(text));
}

}  // namespace

// [SECTION] Field types

const char* FieldTypeName(FieldType type) { return RowOf(type).name; }

std::optional<FieldType> ParseFieldType(std::string_view name) {
    for (const TypeRow& row : kTypes) {
        if (name == row.name) return row.type;
    }
    return std::nullopt;
}

const std::vector<std::string>& FieldTypeNames() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const TypeRow& row : kTypes) out.push_back(row.name);
        return out;
    }();
    return names;
}

const char* ColumnTypeOf(FieldType type) { return RowOf(type).column; }
formula::ValueType FormulaTypeOf(FieldType type) { return RowOf(type).formula; }

const PicklistValue* FieldDef::FindValue(std::string_view api_value) const {
    for (const PicklistValue& v : picklist) {
        if (v.api_name == api_value) return &v;
    }
    return nullptr;
}

const FieldDef* ObjectDef::Field(std::string_view name) const {
    const FieldDef* f = AnyField(name);
    return f && f->state == FieldState::Active ? f : nullptr;
}

const FieldDef* ObjectDef::AnyField(std::string_view name) const {
    const std::string lower = ToLowerAscii(name);
    for (const FieldDef& f : fields) {
        if (f.state != FieldState::Purged && ToLowerAscii(f.api_name) == lower) return &f;
    }
    return nullptr;
}

// [SECTION] Values

Result<Value> ValueFromText(const FieldDef& f, std::string_view text) {
    if (text.empty()) {
        return f.type == FieldType::Checkbox ? Value::Boolean(false) : Value::Blank(FormulaTypeOf(f.type));
    }
    switch (f.type) {
        case FieldType::Text:
        case FieldType::LongText:
        case FieldType::Email:
        case FieldType::Phone:
        case FieldType::Url:
        case FieldType::AutoNumber:
            return TextValue(f, text);
        case FieldType::Number:
        case FieldType::Currency:
        case FieldType::Percent: {
            std::optional<double> v = ParseNumberText(text);
            if (!v) return Invalid(f, Quote(text) + " is not a number; use digits such as 1234.5.");
            if (Status s = CheckNumber(f, *v); !s.ok()) return s.error();
            return Value::Number(*v);
        }
        case FieldType::Date: {
            std::optional<int64_t> days = formula::ParseDate(text);
            if (!days) return Invalid(f, Quote(text) + " is not a date; use YYYY-MM-DD, such as 2026-03-31.");
            return Value::Date(*days);
        }
        case FieldType::DateTime: {
            std::optional<int64_t> ms = ParseUtcIso8601(text);
            if (!ms) {
                return Invalid(
                    f,
                    Quote(text) + " is not a date and time; use ISO 8601 UTC, such as 2026-03-31T09:30:00Z.");
            }
            return Value::DateTime(*ms);
        }
        case FieldType::Checkbox: {
            const std::string lower = ToLowerAscii(text);
            if (lower == "true" || lower == "1" || lower == "yes") return Value::Boolean(true);
            if (lower == "false" || lower == "0" || lower == "no") return Value::Boolean(false);
            return Invalid(f, Quote(text) + " is not a checkbox value; use true or false.");
        }
        case FieldType::Picklist: {
            if (!f.FindValue(text)) {
                std::vector<std::string> names;
                for (const PicklistValue& v : f.picklist) names.push_back(v.api_name);
                std::string close = ClosestMatch(text, names);
                return Invalid(f, Quote(text) + " is not a value of " + f.label + "." +
                                      (close.empty() ? "" : " Did you mean " + Quote(close) + "?"));
            }
            return Value::Picklist(std::string(text));
        }
        case FieldType::MultiPicklist: {
            std::vector<bool> chosen(f.picklist.size(), false);
            size_t start = 0;
            while (start <= text.size()) {
                size_t end = text.find(';', start);
                if (end == std::string_view::npos) end = text.size();
                std::string_view part = text.substr(start, end - start);
                while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
                while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
                if (!part.empty()) {
                    const PicklistValue* v = f.FindValue(part);
                    if (!v) return Invalid(f, Quote(part) + " is not a value of " + f.label + ".");
                    chosen[static_cast<size_t>(v - f.picklist.data())] = true;
                }
                start = end + 1;
            }
            std::string joined;  // in picklist order, each once
            for (size_t i = 0; i < chosen.size(); ++i) {
                if (chosen[i]) joined += (joined.empty() ? "" : ";") + f.picklist[i].api_name;
            }
            return joined.empty() ? Value::Blank(ValueType::MultiPicklist) : Value::MultiPicklist(joined);
        }
        case FieldType::Lookup: {
            if (!std::all_of(text.begin(), text.end(), IsDigit) || text.size() > 18 || text == "0") {
                return Invalid(f, Quote(text) + " is not a record id; a lookup holds the id of a " +
                                      f.lookup_object + " record.");
            }
            return Value::Text(std::to_string(std::stoll(std::string(text))));
        }
        case FieldType::Formula:
            return Invalid(f, f.label + " is a formula field: it is computed, not written.");
    }
    return Invalid(f, "Unknown field type.");
}

Result<Value> ValueFromJson(const FieldDef& f, const json& j) {
    if (j.is_null()) return ValueFromText(f, "");
    if (j.is_string()) return ValueFromText(f, j.get<std::string>());
    switch (f.type) {
        case FieldType::Number:
        case FieldType::Currency:
        case FieldType::Percent:
            if (j.is_number()) {
                const double v = j.get<double>();
                if (!std::isfinite(v)) return Invalid(f, f.label + " must be a finite number.");
                if (Status s = CheckNumber(f, v); !s.ok()) return s.error();
                return Value::Number(v);
            }
            break;
        case FieldType::Checkbox:
            if (j.is_boolean()) return Value::Boolean(j.get<bool>());
            break;
        case FieldType::Lookup:
            if (j.is_number_integer()) return ValueFromText(f, j.dump());
            break;
        case FieldType::MultiPicklist:
            if (j.is_array()) {
                std::string joined;
                for (const json& item : j) {
                    if (!item.is_string())
                        return Invalid(f, f.label + " takes a list of value names (strings).");
                    const std::string s = item.get<std::string>();
                    if (s.find(';') != std::string::npos) {
                        return Invalid(f, "A value of " + f.label + " cannot contain ';'.");
                    }
                    joined += (joined.empty() ? "" : ";") + s;
                }
                return ValueFromText(f, joined);
            }
            break;
        default:
            break;
    }
    return Invalid(f, f.label + " (" + FieldTypeName(f.type) + ") cannot take " + j.dump() + ".");
}

json FormulaValueToJson(const Value& v) {
    if (v.is_blank()) return v.type() == ValueType::Boolean ? json(false) : json(nullptr);
    switch (v.type()) {
        case ValueType::Number: {
            const double n = v.number();
            if (std::nearbyint(n) == n && std::fabs(n) < 9007199254740992.0) return static_cast<int64_t>(n);
            return n;
        }
        case ValueType::Boolean:
            return v.boolean();
        case ValueType::Date:
            return formula::FormatDate(v.days());
        case ValueType::DateTime:
            return FormatUtcIso8601(v.ms());
        default:
            return v.text();
    }
}

json ValueToJson(const FieldDef& f, const Value& v) {
    if (v.is_blank()) return f.type == FieldType::Checkbox ? json(false) : json(nullptr);
    if (v.type() == ValueType::MultiPicklist) {
        json out = json::array();
        size_t start = 0;
        const std::string& t = v.text();
        while (start <= t.size()) {
            size_t end = t.find(';', start);
            if (end == std::string::npos) end = t.size();
            if (end > start) out.push_back(t.substr(start, end - start));
            start = end + 1;
        }
        return out;
    }
    const bool text_kind = v.type() != ValueType::Number && v.type() != ValueType::Boolean &&
                           v.type() != ValueType::Date && v.type() != ValueType::DateTime;
    if (f.type == FieldType::Lookup && text_kind) return std::stoll(v.text());
    return FormulaValueToJson(v);
}

std::string ValueToText(const FieldDef& f, const Value& v) {
    if (v.is_blank()) return f.type == FieldType::Checkbox ? "false" : "";
    switch (v.type()) {
        case ValueType::Number:
            return formula::FormatNumber(v.number());
        case ValueType::Boolean:
            return v.boolean() ? "true" : "false";
        case ValueType::Date:
            return formula::FormatDate(v.days());
        case ValueType::DateTime:
            return FormatUtcIso8601(v.ms());
        default:
            return v.text();
    }
}

Status CheckPicklistActive(const FieldDef& f, const Value& v) {
    if (v.is_blank() || (f.type != FieldType::Picklist && f.type != FieldType::MultiPicklist))
        return Status::Ok();
    const std::string& t = v.text();
    size_t start = 0;
    while (start <= t.size()) {
        size_t end = f.type == FieldType::Picklist ? t.size() : t.find(';', start);
        if (end == std::string::npos) end = t.size();
        const std::string_view part = std::string_view(t).substr(start, end - start);
        const PicklistValue* pv = f.FindValue(part);
        if (!pv) return Invalid(f, Quote(part) + " is not a value of " + f.label + ".");
        if (!pv->active) {
            return MakeError("records.inactive_value",
                             Quote(part) + " is no longer an active value of " + f.label +
                                 "; records that hold it keep it, but new saves must choose an active value.",
                             f.api_name);
        }
        start = end + 1;
    }
    return Status::Ok();
}

void BindValue(Statement& st, int index, const FieldDef& f, const Value& v) {
    if (v.is_blank() && f.type == FieldType::Checkbox) {
        st.Bind(index, int64_t{0});  // a checkbox is never blank: unticked
    } else if (!v.is_blank() && f.type == FieldType::Lookup && v.type() == ValueType::Text) {
        st.Bind(index, static_cast<int64_t>(std::stoll(v.text())));  // a lookup holds the record id
    } else {
        formula::BindSqlValue(st, index, v);
    }
}

Value ReadValue(const Statement& st, int column, const FieldDef& f) {
    const ValueType t = FormulaTypeOf(f.type);
    if (st.IsNull(column)) return t == ValueType::Boolean ? Value::Boolean(false) : Value::Blank(t);
    switch (t) {
        case ValueType::Number:
            return Value::Number(st.Real(column));
        case ValueType::Boolean:
            return Value::Boolean(st.Int(column) != 0);
        case ValueType::Date:
            return Value::Date(st.Int(column));
        case ValueType::DateTime:
            return Value::DateTime(st.Int(column));
        case ValueType::Picklist:
            return Value::Picklist(st.Text(column));
        case ValueType::MultiPicklist:
            return Value::MultiPicklist(st.Text(column));
        default:
            if (f.type == FieldType::Lookup) return Value::Text(std::to_string(st.Int(column)));
            return Value::Text(st.Text(column));
    }
}

// [SECTION] Auto-number formats

namespace {

const MessageDef kAutoFormatMessages[] = {
    {"schema.auto_format_unclosed", "The auto-number format has a \"{\" without its \"}\" at character {at}.",
     "自动编号格式第 {at} 个字符处的“{”缺少对应的“}”。"},
    {"schema.auto_format_unknown_part",
     "The auto-number format has an unknown part {part}; use {0000} for the number and {YYYY}, {YY}, {MM}, "
     "{DD} for the date.",
     "自动编号格式中有未知部分 {part}；编号请用 {0000}，日期请用 {YYYY}、{YY}、{MM}、{DD}。"},
    {"schema.auto_format_no_number",
     "An auto-number format needs a number part such as {0000}: \"INV-{0000}\".",
     "自动编号格式需要一个编号部分，例如 {0000}：“INV-{0000}”。"},
    {"schema.auto_format_numbers", "An auto-number format has one number part; this one has {count}.",
     "自动编号格式只能有一个编号部分；此格式有 {count} 个。"},
};
CRM_REGISTER_MESSAGES(kAutoFormatMessages);

/// Calls `literal(text)` and `part(name)` along the format; an error for a '{' without its '}'.
template <class Literal, class Part>
Status WalkAutoNumberFormat(std::string_view format, Literal literal, Part part) {
    size_t at = 0;
    while (at < format.size()) {
        const size_t open = format.find('{', at);
        literal(format.substr(at, open == std::string_view::npos ? std::string_view::npos : open - at));
        if (open == std::string_view::npos) break;
        const size_t close = format.find('}', open);
        if (close == std::string_view::npos) {
            return MessageError("schema.invalid_field", "schema.auto_format_unclosed",
                                {{"at", std::to_string(open + 1)}}, "auto_format");
        }
        if (Status s = part(format.substr(open + 1, close - open - 1)); !s.ok()) return s;
        at = close + 1;
    }
    return Status::Ok();
}

bool IsNumberPart(std::string_view part) {
    return !part.empty() && part.size() <= 10 && part.find_first_not_of('0') == std::string_view::npos;
}

bool IsDatePart(std::string_view part) {
    return part == "YYYY" || part == "YY" || part == "MM" || part == "DD";
}

std::string TwoDigits(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

}  // namespace

Status CheckAutoNumberFormat(std::string_view format) {
    int numbers = 0;
    Status walked = WalkAutoNumberFormat(
        format, [](std::string_view) {},
        [&](std::string_view part) -> Status {
            if (IsNumberPart(part)) {
                ++numbers;
                return Status::Ok();
            }
            if (IsDatePart(part)) return Status::Ok();
            return MessageError("schema.invalid_field", "schema.auto_format_unknown_part",
                                {{"part", "{" + std::string(part) + "}"}}, "auto_format");
        });
    if (!walked.ok()) return walked;
    if (numbers == 0) {
        return MessageError("schema.invalid_field", "schema.auto_format_no_number", {}, "auto_format");
    }
    if (numbers > 1) {
        return MessageError("schema.invalid_field", "schema.auto_format_numbers",
                            {{"count", std::to_string(numbers)}}, "auto_format");
    }
    return Status::Ok();
}

std::string FormatAutoNumber(std::string_view format, int64_t n, int64_t now_ms) {
    const int64_t day_ms = 86400000;
    const formula::CivilDate date =
        formula::CivilFromDays(now_ms >= 0 ? now_ms / day_ms : (now_ms - day_ms + 1) / day_ms);
    std::string out;
    (void)WalkAutoNumberFormat(
        format, [&](std::string_view text) { out += text; },
        [&](std::string_view part) -> Status {
            if (part == "YYYY") {
                out += std::to_string(date.year);
            } else if (part == "YY") {
                out += TwoDigits(static_cast<int>(date.year % 100));
            } else if (part == "MM") {
                out += TwoDigits(date.month);
            } else if (part == "DD") {
                out += TwoDigits(date.day);
            } else {
                std::string digits = std::to_string(n);
                if (digits.size() < part.size()) digits.insert(0, part.size() - digits.size(), '0');
                out += digits;
            }
            return Status::Ok();
        });
    return out;
}

}  // namespace crm
