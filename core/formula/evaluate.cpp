// The evaluator: a typed walk over the compiled tree. Booleans, numbers (also dates as days and
// date-times as ms) and text each have their own function, so the hot path handles plain decimals,
// bools and short strings, and never allocates for numbers. Recursion is bounded by the compiler's
// depth limit. A failure records the first Error and lets the walk unwind; no exceptions are used.
#include <algorithm>
#include <cassert>
#include <cmath>

#include "formula/field_comparison.h"
#include "formula/internal.h"

namespace crm::formula {

const detail::Program& ProgramOf(const CompiledFormula& formula);

namespace detail {
namespace {

/// A number, date (days) or date-time (ms); blank or not.
struct Num {
    Decimal v;
    bool blank = true;
};
const Num kBlank{};
inline Num Of(const Decimal& v) { return Num{v, false}; }
inline Num OfInt(int64_t v) { return Num{Decimal::FromInt(v), false}; }
/// A date (days) or date-time (ms) held in a Num: always whole and within int64.
inline int64_t Whole(const Num& n) {
    int64_t out = 0;
    n.v.ToInt64(&out);
    return out;
}

bool IsTextType(ValueType t) {
    return t == ValueType::Text || t == ValueType::Picklist || t == ValueType::MultiPicklist;
}

/// = on numbers, dates and date-times: null-safe.
bool NumEqual(const Num& a, const Num& b) { return a.blank || b.blank ? a.blank && b.blank : a.v == b.v; }

}  // namespace

/// Whether comparison `op` (Eq...Ge) holds for a three-way result `c` (<0, 0, >0).
static bool Holds(Op op, int c) {
    switch (op) {
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

namespace {

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
                    result = Value::Date(Whole(n));
                } else if (p_.result_type == ValueType::DateTime) {
                    result = Value::DateTime(Whole(n));
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

    /// An arithmetic result, or the error where it overflowed: never carried along.
    Num Checked(const Instr& in, bool ok, const Decimal& v) {
        if (ok) return Of(v);
        Fail(in, "The result is too large (numbers have at most 36 digits).");
        return kBlank;
    }

    Num CheckedDate(const Instr& in, int64_t days) {
        if (days >= kMinDateDays && days <= kMaxDateDays) return OfInt(days);
        Fail(in, "The date is out of range (years 1 to 9999).");
        return kBlank;
    }

    Num CheckedDateTime(const Instr& in, const Decimal& ms_value) {
        int64_t ms = 0;
        if (ms_value.ToInt64(&ms) && ms >= kMinDateDays * kMsPerDay && ms < (kMaxDateDays + 1) * kMsPerDay) {
            return OfInt(ms);
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
        if (got == ValueType::Number) {
            if (!value.number_in_range()) {
                Fail(in, "The record holds a number out of range in " + field.name + ".");
                return Value();
            }
            if (field.scale >= 0 && value.decimal().scale() > field.scale) {
                Decimal rounded;
                if (value.decimal().Round(field.scale, &rounded)) return Value::Number(rounded);
            }
        }
        return value;
    }

    static Num NumOf(const Value& value) {
        if (value.is_blank()) return kBlank;
        switch (value.type()) {
            case ValueType::Number:
                return Of(value.decimal());
            case ValueType::Date:
            case ValueType::DateTime:
                return OfInt(value.days());
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
            return Holds(in.op, x.compare(TextRef(b, y_scratch)));
        }
        const Num x = Number(a), y = Number(b);
        if (in.op == Op::Eq) return NumEqual(x, y);
        if (in.op == Op::Ne) return !NumEqual(x, y);
        if (x.blank || y.blank) return false;
        return Holds(in.op, Decimal::Compare(x.v, y.v));
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
            case Op::IsNumber: {
                std::string text;
                Text(ArgOf(in, 0), text);
                return ParseNumberText(text).has_value();
            }
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
                return OfInt(ctx_.today_days);
            case Op::Now:
                return OfInt(ctx_.now_ms);
            case Op::Neg: {
                const Num a = Number(ArgOf(in, 0));
                return a.blank ? kBlank : Of(a.v.Negated());
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
                return Arithmetic(in, a, b);
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
                return OfInt(static_cast<int64_t>(CodePointCount(text)));
            }
            case Op::ToNumber:
                return ToNumber(in);
            case Op::MakeDate: {
                const Num y = Number(ArgOf(in, 0)), m = Number(ArgOf(in, 1)), d = Number(ArgOf(in, 2));
                if (y.blank || m.blank || d.blank) return kBlank;
                const int64_t year = y.v.ToCount(), month = m.v.ToCount(), day = d.v.ToCount();
                if (!IsValidCivilDate(year, month, day)) {
                    Fail(in, "DATE(" + std::to_string(year) + ", " + std::to_string(month) + ", " +
                                 std::to_string(day) + ") is not a valid date.");
                    return kBlank;
                }
                return OfInt(
                    DaysFromCivil(static_cast<int>(year), static_cast<int>(month), static_cast<int>(day)));
            }
            case Op::DateValue:
                return DateValue(in);
            case Op::Day:
            case Op::Month:
            case Op::Year:
            case Op::Weekday: {
                const Num a = Number(ArgOf(in, 0));
                if (a.blank) return kBlank;
                const int64_t days = Whole(a);
                if (in.op == Op::Weekday) return OfInt(((days + 4) % 7 + 7) % 7 + 1);
                const CivilDate c = CivilFromDays(days);
                return OfInt(in.op == Op::Day ? c.day : in.op == Op::Month ? c.month : c.year);
            }
            case Op::AddMonths:
                return AddMonths(in);
            case Op::Abs:
            case Op::Floor:
            case Op::Ceiling: {
                const Num a = Number(ArgOf(in, 0));
                if (a.blank) return kBlank;
                if (in.op == Op::Abs) return Of(a.v.Abs());
                // Salesforce: FLOOR goes toward zero (-2.5 -> -2), CEILING away from zero (-2.5 -> -3).
                if (in.op == Op::Floor) return Of(a.v.Trunc(0));
                Decimal out;
                const bool ok = a.v.AwayFromZero(&out);
                return Checked(in, ok, out);
            }
            case Op::Round:
            case Op::Trunc: {
                const Num a = Number(ArgOf(in, 0));
                const Num digits = in.argc > 1 ? Number(ArgOf(in, 1)) : OfInt(0);
                if (a.blank || digits.blank) return kBlank;
                if (in.op == Op::Trunc) return Of(a.v.Trunc(digits.v.ToCount()));
                Decimal out;
                const bool ok = a.v.Round(digits.v.ToCount(), &out);
                return Checked(in, ok, out);
            }
            case Op::Sqrt:
            case Op::Exp:
            case Op::Ln:
            case Op::Log: {
                const Num a = Number(ArgOf(in, 0));
                if (a.blank) return kBlank;
                const std::optional<Decimal> out = MathFunction(in.op, a.v);
                if (!out) {
                    Fail(in, "The result is not a real number, or too large (" + a.v.ToString() + ").");
                    return kBlank;
                }
                return Of(*out);
            }
            case Op::Mod: {
                const Num a = Number(ArgOf(in, 0)), b = Number(ArgOf(in, 1));
                if (a.blank || b.blank) return kBlank;
                if (b.v.IsZero()) {
                    Fail(in, "MOD by zero: the divisor is 0.");
                    return kBlank;
                }
                Decimal out;
                const bool ok = Decimal::Mod(a.v, b.v, &out);
                return Checked(in, ok, out);
            }
            case Op::Find: {
                std::string search, text;
                Text(ArgOf(in, 0), search);
                Text(ArgOf(in, 1), text);
                int64_t start = 1;
                if (in.argc > 2) {
                    const Num n = Number(ArgOf(in, 2));
                    if (n.blank) return kBlank;
                    start = n.v.ToCount();
                }
                return OfInt(FindText(search, text, start));
            }
            case Op::DateTimeValue:
                return DateTimeValue(in);
            case Op::Min:
            case Op::Max: {
                Num best = Number(ArgOf(in, 0));
                for (int i = 1; i < in.argc; ++i) {
                    const Num next = Number(ArgOf(in, i));
                    if (best.blank || next.blank) {
                        best = kBlank;
                        continue;  // evaluate the rest anyway, for their errors
                    }
                    const int c = Decimal::Compare(next.v, best.v);
                    if (in.op == Op::Min ? c < 0 : c > 0) best = next;
                }
                return best;
            }
            default:
                assert(false && "not a numeric instruction");
                return kBlank;
        }
    }

    Num Arithmetic(const Instr& in, const Num& x, const Num& y) {
        const Decimal& a = x.v;
        const Decimal& b = y.v;
        Decimal out;
        switch (in.op) {
            case Op::Add:
                return Checked(in, Decimal::Add(a, b, &out), out);
            case Op::Sub:
                return Checked(in, Decimal::Sub(a, b, &out), out);
            case Op::Mul:
                return Checked(in, Decimal::Mul(a, b, &out), out);
            case Op::Div:
                if (b.IsZero()) {
                    Fail(in, "Division by zero.");
                    return kBlank;
                }
                return Checked(in, Decimal::Div(a, b, &out), out);
            case Op::Pow:
                if (!Decimal::Pow(a, b, &out)) {
                    Fail(in, "The result is too large or not a number.");
                    return kBlank;
                }
                return Of(out);
            // Days added to a date are whole days, truncated toward zero (as CAST(n AS INTEGER) in SQL).
            case Op::DateAdd:
                return CheckedDate(in, Whole(x) + b.ToCount());
            case Op::DateSub:
                return CheckedDate(in, Whole(x) - b.ToCount());
            case Op::DateDiff:
                return OfInt(Whole(x) - Whole(y));
            case Op::DateTimeAdd:
            case Op::DateTimeSub: {
                Decimal ms;
                if (!Decimal::Mul(b, Decimal::FromInt(kMsPerDay), &ms)) {
                    Fail(in, "The date/time is out of range (years 1 to 9999).");
                    return kBlank;
                }
                if (in.op == Op::DateTimeSub) ms = ms.Negated();
                const bool ok = Decimal::Add(a, ms.Trunc(0), &out);
                if (!ok) out = Decimal::FromInt(INT64_MAX);
                return CheckedDateTime(in, out);
            }
            case Op::DateTimeDiff:
                return Checked(
                    in,
                    Decimal::Div(Decimal::FromInt(Whole(x) - Whole(y)), Decimal::FromInt(kMsPerDay), &out),
                    out);
            default:
                assert(false);
                return kBlank;
        }
    }

    Num ToNumber(const Instr& in) {
        std::string text;
        Text(ArgOf(in, 0), text);
        if (text.find_first_not_of(' ') == std::string::npos) return kBlank;  // blank or only spaces
        const std::optional<Decimal> value = ParseNumberText(text);
        if (!value) {
            Fail(in, "VALUE cannot read \"" + text.substr(0, CodePointOffset(text, 40)) + "\" as a number.");
            return kBlank;
        }
        return Of(*value);
    }

    Num DateTimeValue(const Instr& in) {
        const int32_t arg = ArgOf(in, 0);
        if (in.arg_type == ValueType::DateTime) return Number(arg);
        if (in.arg_type == ValueType::Date) {
            const Num days = Number(arg);
            if (days.blank) return kBlank;
            return OfInt(Whole(days) * kMsPerDay);
        }
        std::string text;
        Text(arg, text);
        if (text.empty()) return kBlank;
        const std::optional<int64_t> ms = ParseDateTimeText(text);
        if (!ms) {
            Fail(in, "DATETIMEVALUE cannot read \"" + text.substr(0, CodePointOffset(text, 40)) +
                         "\" as a date/time; write it as YYYY-MM-DD HH:MM:SS (UTC).");
            return kBlank;
        }
        return OfInt(*ms);
    }

    Num DateValue(const Instr& in) {
        const int32_t arg = ArgOf(in, 0);
        if (in.arg_type == ValueType::Date) return Number(arg);
        if (in.arg_type == ValueType::DateTime) {
            const Num ms = Number(arg);
            if (ms.blank) return kBlank;
            const int64_t v = Whole(ms);
            return OfInt(v / kMsPerDay - (v % kMsPerDay < 0 ? 1 : 0));  // the UTC date
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
        return OfInt(*days);
    }

    /// Salesforce's rule: the day is kept, clamped to the target month's length; and the last day of a
    /// month stays the last day (Feb 28, 2023 + 1 month = Mar 31, 2023).
    Num AddMonths(const Instr& in) {
        const Num date = Number(ArgOf(in, 0)), months = Number(ArgOf(in, 1));
        if (date.blank || months.blank) return kBlank;
        const CivilDate c = CivilFromDays(Whole(date));
        const int64_t index = static_cast<int64_t>(c.year) * 12 + (c.month - 1) + months.v.ToCount();
        const int64_t year = index >= 0 ? index / 12 : (index - 11) / 12;
        const int month = static_cast<int>(index - year * 12) + 1;
        if (year < 1 || year > 9999) {
            Fail(in, "The date is out of range (years 1 to 9999).");
            return kBlank;
        }
        const int last = DaysInMonth(static_cast<int>(year), month);
        const int day = c.day == DaysInMonth(c.year, c.month) ? last : std::min(c.day, last);
        return OfInt(DaysFromCivil(static_cast<int>(year), month, day));
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
                const int64_t count = std::max<int64_t>(n.v.ToCount(), 0);
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
                const size_t from = static_cast<size_t>(std::max<int64_t>(start.v.ToCount(), 1) - 1);
                const size_t n = static_cast<size_t>(std::max<int64_t>(count.v.ToCount(), 0));
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
                    out = FormatDate(Whole(n));
                } else if (in.arg_type == ValueType::DateTime) {
                    out = FormatDateTime(Whole(n));
                } else {
                    out = n.v.ToString();
                }
                return;
            }
            case Op::Global: {
                if (!ctx_.globals) {
                    Fail(in, "This formula reads " + std::string(GlobalSpecs()[in.aux].name) +
                                 ", but no user was given to evaluate it for.");
                    out.clear();
                    return;
                }
                out = ctx_.globals->*(GlobalSpecs()[in.aux].member);
                return;
            }
            case Op::Substitute: {
                std::string old_text, new_text;
                Text(ArgOf(in, 0), out);
                Text(ArgOf(in, 1), old_text);
                Text(ArgOf(in, 2), new_text);
                if (old_text.empty()) return;
                std::string result;
                size_t from = 0;
                for (size_t at = out.find(old_text); at != std::string::npos; at = out.find(old_text, from)) {
                    result.append(out, from, at - from);
                    result += new_text;
                    from = at + old_text.size();
                }
                result.append(out, from, std::string::npos);
                out = std::move(result);
                return;
            }
            case Op::LPad:
            case Op::RPad: {
                std::string text, pad = " ";
                Text(ArgOf(in, 0), text);
                const Num n = Number(ArgOf(in, 1));
                if (in.argc > 2) Text(ArgOf(in, 2), pad);
                out.clear();
                if (n.blank) return;
                const int64_t length = n.v.ToCount();
                if (length > kMaxPadLength) {
                    Fail(in, "LPAD and RPAD make texts of at most 10000 characters.");
                    return;
                }
                out = Pad(text, length, pad, in.op == Op::LPad);
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
    return EvalContext{record, now_ms, TodayAt(now_ms, utc_offset_minutes), nullptr};
}

Result<Value> Evaluate(const CompiledFormula& formula, const EvalContext& context) {
    return detail::Evaluator(ProgramOf(formula), context).Run();
}

// [SECTION] FieldComparison

std::optional<FieldComparison> AsFieldComparison(const CompiledFormula& formula) {
    const detail::Program& p = ProgramOf(formula);
    if (p.root < 0 || p.result_type != ValueType::Boolean) return std::nullopt;
    const detail::Instr& in = p.code[static_cast<size_t>(p.root)];
    if (in.op < detail::Op::Eq || in.op > detail::Op::Ge || in.argc != 2) return std::nullopt;
    if (in.arg_type != ValueType::Number && in.arg_type != ValueType::Date &&
        in.arg_type != ValueType::DateTime)
        return std::nullopt;
    const detail::Instr& a = p.Arg(in, 0);
    const detail::Instr& b = p.Arg(in, 1);
    const bool field_left = a.op == detail::Op::Field && b.op == detail::Op::Const;
    if (!field_left && !(a.op == detail::Op::Const && b.op == detail::Op::Field)) return std::nullopt;
    const detail::Instr& f = field_left ? a : b;
    const Value& k = p.constants[static_cast<size_t>((field_left ? b : a).aux)];
    FieldComparison out;
    out.field = p.fields[static_cast<size_t>(f.aux)];
    if (out.field.type != in.arg_type || k.is_blank()) return std::nullopt;
    if (k.type() == ValueType::Number && k.number_in_range()) {
        out.constant = k.decimal();
    } else if (k.type() == ValueType::Date || k.type() == ValueType::DateTime) {
        out.constant = Decimal::FromInt(k.days());
    } else {
        return std::nullopt;
    }
    using C = FieldComparison::Op;
    static constexpr C kAsWritten[] = {C::Eq, C::Ne, C::Lt, C::Gt, C::Le, C::Ge};
    static constexpr C kSwapped[] = {C::Eq, C::Ne, C::Gt, C::Lt, C::Ge, C::Le};  // 1 < x is x > 1
    const auto n = static_cast<size_t>(in.op) - static_cast<size_t>(detail::Op::Eq);
    out.op = field_left ? kAsWritten[n] : kSwapped[n];
    return out;
}

std::optional<bool> FieldComparison::Decide(const Value& value) const {
    // The evaluator's rules: = and <> are null-safe, an ordering with a blank is FALSE.
    if (value.is_blank()) return op == Op::Ne;
    if (value.type() != field.type) return std::nullopt;  // Evaluate() reports it
    int c = 0;
    if (field.type == ValueType::Number) {
        if (!value.number_in_range() || (field.scale >= 0 && value.decimal().scale() > field.scale))
            return std::nullopt;  // out of range, or read rounded to the field's scale
        c = Decimal::Compare(value.decimal(), constant);
    } else {
        c = Decimal::Compare(Decimal::FromInt(value.days()), constant);
    }
    // FieldComparison::Op lists the comparisons in the order of detail::Op's.
    return detail::Holds(static_cast<detail::Op>(static_cast<int>(detail::Op::Eq) + static_cast<int>(op)), c);
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
