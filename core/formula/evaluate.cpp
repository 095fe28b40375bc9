// The evaluator: a typed walk over the compiled tree. Booleans, numbers (also dates as days and
// date-times as ms) and text each have their own function, so the hot path handles plain doubles,
// bools and short strings, and never allocates for numbers. Recursion is bounded by the compiler's
// depth limit. A failure records the first Error and lets the walk unwind; no exceptions are used.
#include <algorithm>
#include <cassert>
#include <cmath>

#include "formula/internal.h"

namespace crm::formula {

const detail::Program& ProgramOf(const CompiledFormula& formula);

namespace detail {
namespace {

/// A number, date (days) or date-time (ms); blank or not.
struct Num {
    double v = 0;
    bool blank = true;
};
constexpr Num kBlank{};
inline Num Of(double v) { return Num{v, false}; }

bool IsTextType(ValueType t) {
    return t == ValueType::Text || t == ValueType::Picklist || t == ValueType::MultiPicklist;
}

/// = on numbers, dates and date-times: null-safe.
bool NumEqual(Num a, Num b) { return a.blank || b.blank ? a.blank && b.blank : a.v == b.v; }

class Evaluator {
public:
    Evaluator(const Program& program, const EvalContext& context) : p_(program), ctx_(context) {}

    Result<Value> Run() {
        const int32_t root = p_.root;
        if (p_.result_type == ValueType::Boolean) {  // the common case, without a Value temporary
            const bool answer = Bool(root);
            if (failed_) return error_;
            return Value::Boolean(answer);
        }
        Value result;
        switch (p_.result_type) {
            case ValueType::Boolean:
                break;
            case ValueType::Text: {
                std::string text;
                Text(root, text);
                result = Value::Text(std::move(text));
                break;
            }
            case ValueType::Number:
            case ValueType::Date:
            case ValueType::DateTime:
            case ValueType::Any: {
                const Num n = Number(root);
                if (n.blank) {
                    result = Value::Blank(p_.result_type);
                } else if (p_.result_type == ValueType::Date) {
                    result = Value::Date(static_cast<int64_t>(n.v));
                } else if (p_.result_type == ValueType::DateTime) {
                    result = Value::DateTime(static_cast<int64_t>(n.v));
                } else {
                    result = Value::Number(n.v);
                }
                break;
            }
            case ValueType::Picklist:
            case ValueType::MultiPicklist:
                assert(false && "the checker rejects picklist results");
                break;
        }
        if (failed_) return error_;
        return result;
    }

private:
    const Instr& At(int32_t index) const { return p_.code[index]; }
    int32_t ArgOf(const Instr& in, int i) const { return p_.args[in.first + i]; }

    void Fail(const Instr& in, std::string message) {
        if (failed_) return;
        failed_ = true;
        error_ = Error{"formula.runtime", std::move(message), "", in.line, in.position};
    }

    /// Finite numbers only: an overflow or NaN is reported where it happens, not carried along.
    Num Checked(const Instr& in, double v) {
        if (std::isfinite(v)) return Of(v);
        Fail(in, "The result is too large or not a number.");
        return kBlank;
    }

    Num CheckedDate(const Instr& in, double days) {
        if (days >= kMinDateDays && days <= kMaxDateDays) return Of(days);
        Fail(in, "The date is out of range (years 1 to 9999).");
        return kBlank;
    }

    Num CheckedDateTime(const Instr& in, double ms) {
        if (ms >= static_cast<double>(kMinDateDays * kMsPerDay) &&
            ms < static_cast<double>((kMaxDateDays + 1) * kMsPerDay)) {
            return Of(ms);
        }
        Fail(in, "The date/time is out of range (years 1 to 9999).");
        return kBlank;
    }

    // --- fields -----------------------------------------------------------------------------------

    /// The field's current (or prior) value, checked against the field's type.
    Value Read(const Instr& in, bool prior) {
        if (!ctx_.record) {
            Fail(in, "This formula reads fields, but no record was given to evaluate it on.");
            return Value();
        }
        const FieldInfo& field = p_.fields[in.aux];
        // PRIORVALUE on a new record is the current value.
        Value value = prior && !ctx_.record->IsNew() ? ctx_.record->Prior(field) : ctx_.record->Get(field);
        if (value.is_blank()) return value;
        const ValueType got = value.type();
        const bool fits = got == field.type || (IsTextType(field.type) && IsTextType(got));
        if (!fits) {
            Fail(in, std::string("The record holds a ") + ValueTypeName(got) + " value in " + field.name +
                         ", which is a " + ValueTypeName(field.type) + " field.");
            return Value();
        }
        if (got == ValueType::Number && !std::isfinite(value.number())) {
            Fail(in, "The record holds a number that is not finite in " + field.name + ".");
            return Value();
        }
        return value;
    }

    static Num NumOf(const Value& value) {
        if (value.is_blank()) return kBlank;
        switch (value.type()) {
            case ValueType::Number:
                return Of(value.number());
            case ValueType::Date:
            case ValueType::DateTime:
                return Of(static_cast<double>(value.days()));
            default:
                return kBlank;
        }
    }

    bool IsChanged(const Instr& in) {
        if (!ctx_.record) {
            Fail(in, "ISCHANGED needs the record being saved.");
            return false;
        }
        if (ctx_.record->IsNew()) return false;
        const Value now = Read(in, false);
        const Value before = Read(in, true);
        switch (in.arg_type) {
            case ValueType::Boolean:
                return (!now.is_blank() && now.boolean()) != (!before.is_blank() && before.boolean());
            case ValueType::Number:
            case ValueType::Date:
            case ValueType::DateTime:
                return !NumEqual(NumOf(now), NumOf(before));
            default:
                return now.text() != before.text();
        }
    }

    /// The argument index holding CASE's chosen result.
    int32_t CaseBranch(const Instr& in) {
        const int last = in.argc - 1;
        if (in.arg_type == ValueType::Boolean) {
            const bool subject = Bool(ArgOf(in, 0));
            for (int i = 1; i < last; i += 2) {
                if (Bool(ArgOf(in, i)) == subject) return ArgOf(in, i + 1);
            }
        } else if (IsTextType(in.arg_type)) {
            std::string subject, candidate;
            Text(ArgOf(in, 0), subject);
            for (int i = 1; i < last; i += 2) {
                Text(ArgOf(in, i), candidate);
                if (candidate == subject) return ArgOf(in, i + 1);
            }
        } else {
            const Num subject = Number(ArgOf(in, 0));
            for (int i = 1; i < last; i += 2) {
                if (NumEqual(Number(ArgOf(in, i)), subject)) return ArgOf(in, i + 1);
            }
        }
        return ArgOf(in, last);
    }

    // --- Booleans ---------------------------------------------------------------------------------

    bool Compare(const Instr& in) {
        const int32_t a = ArgOf(in, 0), b = ArgOf(in, 1);
        if (in.arg_type == ValueType::Boolean) {
            const bool equal = Bool(a) == Bool(b);
            return in.op == Op::Eq ? equal : !equal;
        }
        if (IsTextType(in.arg_type)) {
            if (in.op == Op::Eq) return TextEquals(a, b);
            if (in.op == Op::Ne) return !TextEquals(a, b);
            std::string x_scratch, y_scratch;
            const std::string& x = TextRef(a, x_scratch);
            const int c = x.compare(TextRef(b, y_scratch));
            switch (in.op) {
                case Op::Eq:
                    return c == 0;
                case Op::Ne:
                    return c != 0;
                case Op::Lt:
                    return c < 0;
                case Op::Gt:
                    return c > 0;
                case Op::Le:
                    return c <= 0;
                default:
                    return c >= 0;
            }
        }
        const Num x = Number(a), y = Number(b);
        if (in.op == Op::Eq) return NumEqual(x, y);
        if (in.op == Op::Ne) return !NumEqual(x, y);
        if (x.blank || y.blank) return false;
        switch (in.op) {
            case Op::Lt:
                return x.v < y.v;
            case Op::Gt:
                return x.v > y.v;
            case Op::Le:
                return x.v <= y.v;
            default:
                return x.v >= y.v;
        }
    }

    bool Bool(int32_t index) {
        const Instr& in = At(index);
        switch (in.op) {
            case Op::Const:
                return p_.constants[in.aux].boolean();
            case Op::Field:
            case Op::Prior: {
                const Value v = Read(in, in.op == Op::Prior);
                return !v.is_blank() && v.boolean();  // a blank checkbox is FALSE
            }
            case Op::IsNew:
                if (!ctx_.record) {
                    Fail(in, "ISNEW needs the record being saved.");
                    return false;
                }
                return ctx_.record->IsNew();
            case Op::IsChanged:
                return IsChanged(in);
            case Op::Not:
                return !Bool(ArgOf(in, 0));
            case Op::And:
                for (int i = 0; i < in.argc; ++i) {
                    if (!Bool(ArgOf(in, i))) return false;
                }
                return true;
            case Op::Or:
                for (int i = 0; i < in.argc; ++i) {
                    if (Bool(ArgOf(in, i))) return true;
                }
                return false;
            case Op::Eq:
            case Op::Ne:
            case Op::Lt:
            case Op::Gt:
            case Op::Le:
            case Op::Ge:
                return Compare(in);
            case Op::If:
                return Bool(ArgOf(in, 0)) ? Bool(ArgOf(in, 1)) : Bool(ArgOf(in, 2));
            case Op::Case:
                return Bool(CaseBranch(in));
            case Op::BlankValue:
                return Bool(ArgOf(in, 0));  // a Boolean is never blank
            case Op::IsBlank: {
                const int32_t arg = ArgOf(in, 0);
                if (in.arg_type == ValueType::Boolean) {
                    Bool(arg);
                    return false;
                }
                if (IsTextType(in.arg_type)) {
                    std::string text;
                    Text(arg, text);
                    return text.empty();
                }
                return Number(arg).blank;
            }
            case Op::IsPickVal:
                return TextEquals(ArgOf(in, 0), ArgOf(in, 1));
            case Op::Includes: {
                std::string values, scratch;
                Text(ArgOf(in, 0), values);
                const std::string& wanted = TextRef(ArgOf(in, 1), scratch);
                size_t start = 0;
                while (start <= values.size() && !values.empty()) {
                    size_t end = values.find(';', start);
                    if (end == std::string::npos) end = values.size();
                    if (values.compare(start, end - start, wanted) == 0) return true;
                    start = end + 1;
                }
                return false;
            }
            case Op::Contains: {
                std::string text, scratch;
                Text(ArgOf(in, 0), text);
                return text.find(TextRef(ArgOf(in, 1), scratch)) != std::string::npos;
            }
            case Op::Begins: {
                std::string text, scratch;
                Text(ArgOf(in, 0), text);
                const std::string& prefix = TextRef(ArgOf(in, 1), scratch);
                return text.compare(0, prefix.size(), prefix) == 0;
            }
            case Op::Regex:
                return Regex(in);
            default:
                assert(false && "not a Boolean instruction");
                return false;
        }
    }

    bool Regex(const Instr& in) {
        std::string subject;
        Text(ArgOf(in, 0), subject);
        std::shared_ptr<const std::wregex> regex;
        if (in.aux >= 0) {
            regex = p_.regexes[in.aux];
        } else {
            std::string pattern, reason;
            Text(ArgOf(in, 1), pattern);
            if (failed_) return false;
            regex = CompileRegex(pattern, &reason);
            if (!regex) {
                Fail(in, "The REGEX pattern \"" + pattern.substr(0, CodePointOffset(pattern, 60)) +
                             "\" is invalid: " + reason + ".");
                return false;
            }
        }
        bool matched = false;
        std::string reason;
        if (!RegexFullMatch(*regex, subject, &matched, &reason)) {
            Fail(in, reason + ".");
            return false;
        }
        return matched;
    }

    // --- numbers, dates, date-times ---------------------------------------------------------------

    Num Number(int32_t index) {
        const Instr& in = At(index);
        switch (in.op) {
            case Op::Const:
                return NumOf(p_.constants[in.aux]);
            case Op::Field:
            case Op::Prior:
                return NumOf(Read(in, in.op == Op::Prior));
            case Op::Today:
                return Of(static_cast<double>(ctx_.today_days));
            case Op::Now:
                return Of(static_cast<double>(ctx_.now_ms));
            case Op::Neg: {
                const Num a = Number(ArgOf(in, 0));
                return a.blank ? kBlank : Of(-a.v);
            }
            case Op::Add:
            case Op::Sub:
            case Op::Mul:
            case Op::Div:
            case Op::Pow:
            case Op::DateAdd:
            case Op::DateSub:
            case Op::DateDiff:
            case Op::DateTimeAdd:
            case Op::DateTimeSub:
            case Op::DateTimeDiff: {
                const Num a = Number(ArgOf(in, 0));
                const Num b = Number(ArgOf(in, 1));
                if (a.blank || b.blank) return kBlank;
                return Arithmetic(in, a.v, b.v);
            }
            case Op::If:
                return Bool(ArgOf(in, 0)) ? Number(ArgOf(in, 1)) : Number(ArgOf(in, 2));
            case Op::Case:
                return Number(CaseBranch(in));
            case Op::BlankValue: {
                const Num a = Number(ArgOf(in, 0));
                return a.blank ? Number(ArgOf(in, 1)) : a;
            }
            case Op::Len: {
                std::string text;
                Text(ArgOf(in, 0), text);
                return Of(static_cast<double>(CodePointCount(text)));
            }
            case Op::ToNumber:
                return ToNumber(in);
            case Op::MakeDate: {
                const Num y = Number(ArgOf(in, 0)), m = Number(ArgOf(in, 1)), d = Number(ArgOf(in, 2));
                if (y.blank || m.blank || d.blank) return kBlank;
                const int64_t year = ToCount(y.v), month = ToCount(m.v), day = ToCount(d.v);
                if (!IsValidCivilDate(year, month, day)) {
                    Fail(in, "DATE(" + std::to_string(year) + ", " + std::to_string(month) + ", " +
                                 std::to_string(day) + ") is not a valid date.");
                    return kBlank;
                }
                return Of(static_cast<double>(
                    DaysFromCivil(static_cast<int>(year), static_cast<int>(month), static_cast<int>(day))));
            }
            case Op::DateValue:
                return DateValue(in);
            case Op::Day:
            case Op::Month:
            case Op::Year:
            case Op::Weekday: {
                const Num a = Number(ArgOf(in, 0));
                if (a.blank) return kBlank;
                const int64_t days = static_cast<int64_t>(a.v);
                if (in.op == Op::Weekday) return Of(static_cast<double>(((days + 4) % 7 + 7) % 7 + 1));
                const CivilDate c = CivilFromDays(days);
                return Of(in.op == Op::Day ? c.day : in.op == Op::Month ? c.month : c.year);
            }
            case Op::AddMonths:
                return AddMonths(in);
            case Op::Abs:
            case Op::Floor:
            case Op::Ceiling: {
                const Num a = Number(ArgOf(in, 0));
                if (a.blank) return kBlank;
                if (in.op == Op::Abs) return Of(std::fabs(a.v));
                // Salesforce: FLOOR goes toward zero (-2.5 -> -2), CEILING away from zero (-2.5 -> -3).
                if (in.op == Op::Floor) return Of(std::trunc(a.v));
                return Of(a.v >= 0 ? std::ceil(a.v) : std::floor(a.v));
            }
            case Op::Round: {
                const Num a = Number(ArgOf(in, 0));
                const Num digits = in.argc > 1 ? Number(ArgOf(in, 1)) : Of(0);
                if (a.blank || digits.blank) return kBlank;
                return Of(RoundHalfAway(a.v, ToCount(digits.v)));
            }
            case Op::Mod: {
                const Num a = Number(ArgOf(in, 0)), b = Number(ArgOf(in, 1));
                if (a.blank || b.blank) return kBlank;
                if (b.v == 0) {
                    Fail(in, "MOD by zero: the divisor is 0.");
                    return kBlank;
                }
                // a - b * trunc(a / b): the sign of a, and the same steps as the SQL translation.
                const double q = a.v / b.v;
                const double whole =
                    std::fabs(q) >= kTwoPow52 ? q : static_cast<double>(static_cast<int64_t>(q));
                return Checked(in, a.v - b.v * whole);
            }
            case Op::Min:
            case Op::Max: {
                Num best = Number(ArgOf(in, 0));
                for (int i = 1; i < in.argc; ++i) {
                    const Num next = Number(ArgOf(in, i));
                    if (best.blank || next.blank) {
                        best = kBlank;
                        continue;  // evaluate the rest anyway, for their errors
                    }
                    if (in.op == Op::Min ? next.v < best.v : next.v > best.v) best = next;
                }
                return best;
            }
            default:
                assert(false && "not a numeric instruction");
                return kBlank;
        }
    }

    Num Arithmetic(const Instr& in, double a, double b) {
        switch (in.op) {
            case Op::Add:
                return Checked(in, a + b);
            case Op::Sub:
                return Checked(in, a - b);
            case Op::Mul:
                return Checked(in, a * b);
            case Op::Div:
                if (b == 0) {
                    Fail(in, "Division by zero.");
                    return kBlank;
                }
                return Checked(in, a / b);
            case Op::Pow:
                return Checked(in, std::pow(a, b));
            // Days added to a date are whole days, truncated toward zero (as CAST(n AS INTEGER) in SQL).
            case Op::DateAdd:
                return CheckedDate(in, a + std::trunc(b));
            case Op::DateSub:
                return CheckedDate(in, a - std::trunc(b));
            case Op::DateDiff:
                return Of(a - b);
            case Op::DateTimeAdd:
                return CheckedDateTime(in, a + std::trunc(b * static_cast<double>(kMsPerDay)));
            case Op::DateTimeSub:
                return CheckedDateTime(in, a - std::trunc(b * static_cast<double>(kMsPerDay)));
            case Op::DateTimeDiff:
                return Of((a - b) / static_cast<double>(kMsPerDay));
            default:
                assert(false);
                return kBlank;
        }
    }

    Num ToNumber(const Instr& in) {
        std::string text;
        Text(ArgOf(in, 0), text);
        if (text.find_first_not_of(' ') == std::string::npos) return kBlank;  // blank or only spaces
        double value = 0;
        if (!ParseNumberText(text, &value)) {
            Fail(in, "VALUE cannot read \"" + text.substr(0, CodePointOffset(text, 40)) + "\" as a number.");
            return kBlank;
        }
        return Of(value);
    }

    Num DateValue(const Instr& in) {
        const int32_t arg = ArgOf(in, 0);
        if (in.arg_type == ValueType::Date) return Number(arg);
        if (in.arg_type == ValueType::DateTime) {
            const Num ms = Number(arg);
            if (ms.blank) return kBlank;
            return Of(std::floor(ms.v / static_cast<double>(kMsPerDay)));  // the UTC date
        }
        std::string text;
        Text(arg, text);
        if (text.empty()) return kBlank;
        const std::optional<int64_t> days = ParseDate(text);
        if (!days) {
            Fail(in, "DATEVALUE cannot read \"" + text.substr(0, CodePointOffset(text, 40)) +
                         "\" as a date; write it as YYYY-MM-DD.");
            return kBlank;
        }
        return Of(static_cast<double>(*days));
    }

    /// Salesforce's rule: the day is kept, clamped to the target month's length; and the last day of a
    /// month stays the last day (Feb 28, 2023 + 1 month = Mar 31, 2023).
    Num AddMonths(const Instr& in) {
        const Num date = Number(ArgOf(in, 0)), months = Number(ArgOf(in, 1));
        if (date.blank || months.blank) return kBlank;
        const CivilDate c = CivilFromDays(static_cast<int64_t>(date.v));
        const int64_t index = static_cast<int64_t>(c.year) * 12 + (c.month - 1) + ToCount(months.v);
        const int64_t year = index >= 0 ? index / 12 : (index - 11) / 12;
        const int month = static_cast<int>(index - year * 12) + 1;
        if (year < 1 || year > 9999) {
            Fail(in, "The date is out of range (years 1 to 9999).");
            return kBlank;
        }
        const int last = DaysInMonth(static_cast<int>(year), month);
        const int day = c.day == DaysInMonth(c.year, c.month) ? last : std::min(c.day, last);
        return Of(static_cast<double>(DaysFromCivil(static_cast<int>(year), month, day)));
    }

    // --- text -------------------------------------------------------------------------------------

    /// Text equality; a field against a constant (ISPICKVAL(Stage, "Won"), Name = "x") compares in
    /// place, without copying either text: the hottest comparison of validation rules.
    bool TextEquals(int32_t a, int32_t b) {
        const Instr& x = At(a);
        const Instr& y = At(b);
        if ((x.op == Op::Field || x.op == Op::Prior) && y.op == Op::Const) {
            const Value value = Read(x, x.op == Op::Prior);
            return value.text() == p_.constants[y.aux].text();
        }
        std::string x_scratch, y_scratch;
        const std::string& left = TextRef(a, x_scratch);
        return left == TextRef(b, y_scratch);
    }

    /// The text of `index` without a copy when it is a constant (the common ISPICKVAL/= case).
    const std::string& TextRef(int32_t index, std::string& scratch) {
        const Instr& in = At(index);
        if (in.op == Op::Const) return p_.constants[in.aux].text();
        Text(index, scratch);
        return scratch;
    }

    void Text(int32_t index, std::string& out) {
        const Instr& in = At(index);
        switch (in.op) {
            case Op::Const:
                out = p_.constants[in.aux].text();
                return;
            case Op::Field:
            case Op::Prior:
                out = Read(in, in.op == Op::Prior).text();
                return;
            case Op::Concat: {
                Text(ArgOf(in, 0), out);
                std::string right;
                Text(ArgOf(in, 1), right);
                out += right;
                return;
            }
            case Op::If:
                Text(Bool(ArgOf(in, 0)) ? ArgOf(in, 1) : ArgOf(in, 2), out);
                return;
            case Op::Case:
                Text(CaseBranch(in), out);
                return;
            case Op::BlankValue:
                Text(ArgOf(in, 0), out);
                if (out.empty()) Text(ArgOf(in, 1), out);
                return;
            case Op::Left:
            case Op::Right: {
                std::string text;
                Text(ArgOf(in, 0), text);
                const Num n = Number(ArgOf(in, 1));
                out.clear();
                if (n.blank) return;
                const int64_t count = std::max<int64_t>(ToCount(n.v), 0);
                if (in.op == Op::Left) {
                    out = text.substr(0, CodePointOffset(text, static_cast<size_t>(count)));
                } else {
                    const int64_t length = static_cast<int64_t>(CodePointCount(text));
                    out = text.substr(
                        CodePointOffset(text, static_cast<size_t>(std::max<int64_t>(length - count, 0))));
                }
                return;
            }
            case Op::Mid: {
                std::string text;
                Text(ArgOf(in, 0), text);
                const Num start = Number(ArgOf(in, 1)), count = Number(ArgOf(in, 2));
                out.clear();
                if (start.blank || count.blank) return;
                // Positions before 1 start at 1 (SQLite's substr would shorten the count instead).
                const size_t from = static_cast<size_t>(std::max<int64_t>(ToCount(start.v), 1) - 1);
                const size_t n = static_cast<size_t>(std::max<int64_t>(ToCount(count.v), 0));
                const size_t begin = CodePointOffset(text, from);
                const size_t end = CodePointOffset(text, from + n);
                out = text.substr(begin, end - begin);
                return;
            }
            case Op::Lower:
            case Op::Upper:
                Text(ArgOf(in, 0), out);
                for (char& c : out) {
                    if (in.op == Op::Lower && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
                    if (in.op == Op::Upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
                }
                return;
            case Op::Trim: {
                Text(ArgOf(in, 0), out);
                const size_t first = out.find_first_not_of(' ');
                if (first == std::string::npos) {
                    out.clear();
                } else {
                    out = out.substr(first, out.find_last_not_of(' ') - first + 1);
                }
                return;
            }
            case Op::ToText: {
                const int32_t arg = ArgOf(in, 0);
                if (IsTextType(in.arg_type)) {
                    Text(arg, out);
                    return;
                }
                const Num n = Number(arg);
                if (n.blank) {
                    out.clear();
                } else if (in.arg_type == ValueType::Date) {
                    out = FormatDate(static_cast<int64_t>(n.v));
                } else if (in.arg_type == ValueType::DateTime) {
                    out = FormatDateTime(static_cast<int64_t>(n.v));
                } else {
                    out = FormatNumber(n.v);
                }
                return;
            }
            default:
                assert(false && "not a text instruction");
                out.clear();
                return;
        }
    }

    const Program& p_;
    const EvalContext& ctx_;
    bool failed_ = false;
    Error error_;
};

}  // namespace
}  // namespace detail

EvalContext EvalContext::At(const RecordView* record, int64_t now_ms, int utc_offset_minutes) {
    return EvalContext{record, now_ms, TodayAt(now_ms, utc_offset_minutes)};
}

Result<Value> Evaluate(const CompiledFormula& formula, const EvalContext& context) {
    return detail::Evaluator(ProgramOf(formula), context).Run();
}

// [SECTION] MemoryRecord

MemoryRecord& MemoryRecord::Set(const std::string& name, Value value) {
    current_[name] = std::move(value);
    return *this;
}

MemoryRecord& MemoryRecord::SetPrior(const std::string& name, Value value) {
    prior_[name] = std::move(value);
    return *this;
}

MemoryRecord& MemoryRecord::SetNew(bool is_new) {
    is_new_ = is_new;
    return *this;
}

Value MemoryRecord::Get(const FieldInfo& field) const {
    auto it = current_.find(field.name);
    return it == current_.end() ? Value::Blank(field.type) : it->second;
}

Value MemoryRecord::Prior(const FieldInfo& field) const {
    auto it = prior_.find(field.name);
    return it == prior_.end() ? Get(field) : it->second;
}

}  // namespace crm::formula
