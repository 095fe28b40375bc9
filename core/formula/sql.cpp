// Translation to SQLite SQL with the evaluator's exact semantics. Each type has a canonical form in SQL:
// Number a number or NULL; Date integer days or NULL; DateTime integer ms or NULL; Text never NULL
// (blank is ''); Boolean 0/1, never NULL. Boolean subexpressions are written in one of two modes:
// exact (0/1) or truthy (NULL allowed where the answer is FALSE), which a WHERE clause accepts and
// which keeps simple comparisons such as "amount" > ?1 usable by an index.
#include <sqlite3.h>

#include <cmath>
#include <cstdio>

#include "formula/internal.h"
#include "storage/database.h"

namespace crm::formula {

const detail::Program& ProgramOf(const CompiledFormula& formula);

namespace detail {
namespace {

constexpr const char* kJulianEpoch = "2440587.5";  // julianday('1970-01-01')
/// Some translations repeat an operand (ROUND, MOD, CEILING...), so nesting them grows the SQL
/// exponentially; past this size a formula is reported as too complex for SQL.
constexpr size_t kMaxSqlLength = 100'000;

bool IsTextType(ValueType t) {
    return t == ValueType::Text || t == ValueType::Picklist || t == ValueType::MultiPicklist;
}

class SqlWriter {
public:
    SqlWriter(const Program& program, const SqlOptions& options) : p_(program), options_(options) {}

    Result<SqlCondition> Condition() {
        if (p_.result_type != ValueType::Boolean) {
            return Error{"formula.type",
                         "Only a TRUE/FALSE formula can filter records; this one returns " +
                             std::string(ValueTypeName(p_.result_type)) + ".",
                         "", 1, 1};
        }
        return Finish(Bool(p_.root, true));
    }

    Result<SqlCondition> ValueExpression() {
        switch (p_.result_type) {
            case ValueType::Boolean:
                return Finish(Bool(p_.root, false));
            case ValueType::Text:
                return Finish("NULLIF(" + Text(p_.root) + ", '')");
            default:
                return Finish(Num(p_.root));
        }
    }

private:
    Result<SqlCondition> Finish(std::string sql) {
        if (failed_) return error_;
        return SqlCondition{std::move(sql), std::move(params_), options_.first_param};
    }

    const Instr& At(int32_t index) const { return p_.code[index]; }
    int32_t ArgOf(const Instr& in, int i) const { return p_.args[in.first + i]; }

    std::string Fail(const Instr& in, std::string message) {
        if (!failed_) {
            failed_ = true;
            error_ = Error{"formula.not_translatable", std::move(message), "", in.line, in.position};
        }
        return "NULL";
    }

    std::string Param(Value value) {
        params_.push_back(std::move(value));
        return "?" + std::to_string(options_.first_param + static_cast<int>(params_.size()) - 1);
    }

    std::string ConstParam(const Instr& in) {
        auto it = const_params_.find(in.aux);
        if (it != const_params_.end()) return it->second;
        std::string sql = Param(p_.constants[in.aux]);
        const_params_.emplace(in.aux, sql);
        return sql;
    }

    std::string Column(const Instr& in) {
        const FieldInfo& field = p_.fields[in.aux];
        if (field.sql_column.empty())
            return Fail(in, "The field " + field.name + " cannot be used in a filter.");
        return field.sql_column;
    }

    bool IsFieldRead(int32_t index) const { return At(index).op == Op::Field; }
    bool IsNonBlankConst(int32_t index) const {
        const Instr& in = At(index);
        return (in.op == Op::Const && !p_.constants[in.aux].is_blank()) || in.op == Op::Today ||
               in.op == Op::Now;
    }

    std::string NotTranslatable(const Instr& in, const char* what) {
        return Fail(in, std::string(what) +
                            " has no SQL equivalent, so this formula cannot filter records in the "
                            "database.");
    }

    // --- Booleans ---------------------------------------------------------------------------------

    /// Each translation is cut short once anything has failed, and checked against kMaxSqlLength.
    std::string Bounded(const Instr& in, std::string sql) {
        if (failed_) return "NULL";  // discarded anyway; never let it grow through the outer levels
        if (sql.size() > kMaxSqlLength) {
            return Fail(in, "This formula is too complex to run as a database filter; simplify it.");
        }
        return sql;
    }

    std::string Bool(int32_t index, bool truthy) {
        if (failed_) return "NULL";
        return Bounded(At(index), BoolSql(index, truthy));
    }

    std::string Num(int32_t index) {
        if (failed_) return "NULL";
        return Bounded(At(index), NumSql(index));
    }

    std::string Text(int32_t index) {
        if (failed_) return "''";
        return Bounded(At(index), TextSql(index));
    }

    std::string BoolSql(int32_t index, bool truthy) {
        const Instr& in = At(index);
        switch (in.op) {
            case Op::Const:
                return p_.constants[in.aux].boolean() ? "1" : "0";
            case Op::Field: {
                const std::string column = Column(in);
                return truthy ? column : "(COALESCE(" + column + ", 0) <> 0)";
            }
            case Op::Prior:
                return NotTranslatable(in, "PRIORVALUE");
            case Op::IsNew:
                return NotTranslatable(in, "ISNEW");
            case Op::IsChanged:
                return NotTranslatable(in, "ISCHANGED");
            case Op::Not:
                return "(NOT " + Bool(ArgOf(in, 0), false) + ")";
            case Op::And:
            case Op::Or: {
                std::string sql = "(";
                for (int i = 0; i < in.argc; ++i) {
                    if (i) sql += in.op == Op::And ? " AND " : " OR ";
                    sql += Bool(ArgOf(in, i), truthy);
                }
                return sql + ")";
            }
            case Op::Eq:
            case Op::Ne:
            case Op::Lt:
            case Op::Gt:
            case Op::Le:
            case Op::Ge:
                return Compare(in, truthy);
            case Op::If:
                return "(CASE WHEN " + Bool(ArgOf(in, 0), true) + " THEN " + Bool(ArgOf(in, 1), truthy) +
                       " ELSE " + Bool(ArgOf(in, 2), truthy) + " END)";
            case Op::Case:
                return Case(in, [&](int32_t arg) { return Bool(arg, truthy); });
            case Op::BlankValue:
                return Bool(ArgOf(in, 0), truthy);
            case Op::IsBlank: {
                const int32_t arg = ArgOf(in, 0);
                if (in.arg_type == ValueType::Boolean) {
                    const std::string ignored = Bool(arg, false);  // still validates the argument
                    return "0";
                }
                if (IsTextType(in.arg_type)) {
                    if (IsFieldRead(arg)) {
                        const std::string column = Column(At(arg));
                        return "(" + column + " IS NULL OR " + column + " = '')";
                    }
                    return "(" + Text(arg) + " = '')";
                }
                return "(" + Num(arg) + " IS NULL)";
            }
            case Op::IsPickVal: {
                const int32_t field = ArgOf(in, 0), value = ArgOf(in, 1);
                if (truthy && IsFieldRead(field) && IsNonBlankConst(value)) {
                    return "(" + Column(At(field)) + " = " + ConstParam(At(value)) + ")";
                }
                return "(" + Text(field) + " = " + Text(value) + ")";
            }
            case Op::Includes: {
                const std::string values = Text(ArgOf(in, 0));
                const Instr& literal = At(ArgOf(in, 1));
                return "(instr(';' || " + values + " || ';', " +
                       Param(Value::Text(";" + p_.constants[literal.aux].text() + ";")) + ") > 0)";
            }
            case Op::Contains:
                return "(instr(" + Text(ArgOf(in, 0)) + ", " + Text(ArgOf(in, 1)) + ") > 0)";
            case Op::Begins: {
                const std::string text = Text(ArgOf(in, 0)), prefix = Text(ArgOf(in, 1));
                return "(substr(" + text + ", 1, length(" + prefix + ")) = " + prefix + ")";
            }
            case Op::Regex:
                if (!options_.crm_functions) return NotTranslatable(in, "REGEX");
                return "COALESCE(crm_regex(" + Text(ArgOf(in, 0)) + ", " + Text(ArgOf(in, 1)) + "), 0)";
            default:
                return Fail(in, "Internal error: not a Boolean expression.");
        }
    }

    std::string Compare(const Instr& in, bool truthy) {
        static const char* kOps[] = {"=", "<>", "<", ">", "<=", ">="};
        const char* op = kOps[static_cast<int>(in.op) - static_cast<int>(Op::Eq)];
        const int32_t a = ArgOf(in, 0), b = ArgOf(in, 1);
        if (in.arg_type == ValueType::Boolean) {
            return "(" + Bool(a, false) + " " + op + " " + Bool(b, false) + ")";
        }
        if (IsTextType(in.arg_type)) {
            // column = 'x' is NULL (falsy) for a NULL column, which is right when 'x' is not blank.
            if (truthy && in.op == Op::Eq) {
                if (IsFieldRead(a) && IsNonBlankConst(b))
                    return "(" + Column(At(a)) + " = " + ConstParam(At(b)) + ")";
                if (IsFieldRead(b) && IsNonBlankConst(a))
                    return "(" + ConstParam(At(a)) + " = " + Column(At(b)) + ")";
            }
            return "(" + Text(a) + " " + op + " " + Text(b) + ")";
        }
        const std::string x = Num(a), y = Num(b);
        const bool a_set = IsNonBlankConst(a), b_set = IsNonBlankConst(b);
        const bool both_set = a_set && b_set;
        switch (in.op) {
            case Op::Eq:
                if (both_set || (truthy && (a_set || b_set))) return "(" + x + " = " + y + ")";
                return "(" + x + " IS " + y + ")";
            case Op::Ne:
                if (both_set) return "(" + x + " <> " + y + ")";
                return "(" + x + " IS NOT " + y + ")";
            default:
                if (truthy || both_set) return "(" + x + " " + op + " " + y + ")";
                return "COALESCE(" + x + " " + op + " " + y + ", 0)";
        }
    }

    /// CASE(subject, v1, r1, ..., else) with the evaluator's = (null-safe for numbers).
    template <class ResultSql>
    std::string Case(const Instr& in, ResultSql result) {
        const int last = in.argc - 1;
        std::string sql = "(CASE";
        if (in.arg_type == ValueType::Boolean) {
            const std::string subject = Bool(ArgOf(in, 0), false);
            for (int i = 1; i < last; i += 2) {
                sql += " WHEN " + subject + " = " + Bool(ArgOf(in, i), false) + " THEN " +
                       result(ArgOf(in, i + 1));
            }
        } else if (IsTextType(in.arg_type)) {
            const std::string subject = Text(ArgOf(in, 0));
            for (int i = 1; i < last; i += 2) {
                sql += " WHEN " + subject + " = " + Text(ArgOf(in, i)) + " THEN " + result(ArgOf(in, i + 1));
            }
        } else {
            const std::string subject = Num(ArgOf(in, 0));
            for (int i = 1; i < last; i += 2) {
                sql += " WHEN " + subject + " IS " + Num(ArgOf(in, i)) + " THEN " + result(ArgOf(in, i + 1));
            }
        }
        return sql + " ELSE " + result(ArgOf(in, last)) + " END)";
    }

    // --- numbers, dates (days), date-times (ms) ----------------------------------------------------

    std::string NumSql(int32_t index) {
        const Instr& in = At(index);
        const auto arg = [&](int i) { return Num(ArgOf(in, i)); };
        switch (in.op) {
            case Op::Const:
                return p_.constants[in.aux].is_blank() ? "NULL" : ConstParam(in);
            case Op::Field:
                return Column(in);
            case Op::Prior:
                return NotTranslatable(in, "PRIORVALUE");
            case Op::Today:
                return Param(Value::Date(options_.today_days));
            case Op::Now:
                return Param(Value::DateTime(options_.now_ms));
            case Op::Neg:
                return "(- " + arg(0) + ")";
            case Op::Add:
                return "(" + arg(0) + " + " + arg(1) + ")";
            case Op::Sub:
                return "(" + arg(0) + " - " + arg(1) + ")";
            case Op::Mul:
                return "(" + arg(0) + " * " + arg(1) + ")";
            case Op::Div:
                return "(" + arg(0) + " * 1.0 / " + arg(1) + ")";  // never integer division
            case Op::Pow:
                if (!options_.crm_functions) return NotTranslatable(in, "The ^ operator");
                return "crm_pow(" + arg(0) + ", " + arg(1) + ")";
            case Op::DateAdd:
                return "(" + arg(0) + " + CAST(" + arg(1) + " AS INTEGER))";
            case Op::DateSub:
                return "(" + arg(0) + " - CAST(" + arg(1) + " AS INTEGER))";
            case Op::DateDiff:
                return "(" + arg(0) + " - " + arg(1) + ")";
            case Op::DateTimeAdd:
                return "(" + arg(0) + " + CAST(" + arg(1) + " * 86400000.0 AS INTEGER))";
            case Op::DateTimeSub:
                return "(" + arg(0) + " - CAST(" + arg(1) + " * 86400000.0 AS INTEGER))";
            case Op::DateTimeDiff:
                return "((" + arg(0) + " - " + arg(1) + ") / 86400000.0)";
            case Op::If:
                return "(CASE WHEN " + Bool(ArgOf(in, 0), true) + " THEN " + arg(1) + " ELSE " + arg(2) +
                       " END)";
            case Op::Case:
                return Case(in, [&](int32_t a) { return Num(a); });
            case Op::BlankValue:
                return "COALESCE(" + arg(0) + ", " + arg(1) + ")";
            case Op::Len:
                return "length(" + Text(ArgOf(in, 0)) + ")";
            case Op::ToNumber:
                return "CAST(NULLIF(trim(" + Text(ArgOf(in, 0)) + "), '') AS REAL)";
            case Op::MakeDate: {
                const std::string y = arg(0), m = arg(1), d = arg(2);
                return "(CASE WHEN " + y + " IS NULL OR " + m + " IS NULL OR " + d +
                       " IS NULL THEN NULL ELSE " + "julianday(printf('%04d-%02d-%02d', " + y + ", " + m +
                       ", " + d + ")) - " + kJulianEpoch + " END)";
            }
            case Op::DateValue: {
                const int32_t a = ArgOf(in, 0);
                if (in.arg_type == ValueType::Date) return Num(a);
                if (in.arg_type == ValueType::DateTime) {
                    const std::string ms = Num(a);
                    return "((" + ms + " - ((" + ms + " % 86400000) + 86400000) % 86400000) / 86400000)";
                }
                // date(t) = t accepts exactly the real days written YYYY-MM-DD.
                const std::string text = Text(a);
                return "(CASE WHEN date(" + text + ") = " + text + " THEN julianday(" + text + ") - " +
                       kJulianEpoch + " END)";
            }
            case Op::Day:
                return "CAST(strftime('%d', " + arg(0) + " + " + kJulianEpoch + ") AS INTEGER)";
            case Op::Month:
                return "CAST(strftime('%m', " + arg(0) + " + " + kJulianEpoch + ") AS INTEGER)";
            case Op::Year:
                return "CAST(strftime('%Y', " + arg(0) + " + " + kJulianEpoch + ") AS INTEGER)";
            case Op::Weekday:
                return "(((CAST(" + arg(0) + " AS INTEGER) + 4) % 7 + 7) % 7 + 1)";
            case Op::AddMonths: {
                const std::string jd = "(" + arg(0) + " + " + kJulianEpoch + ")";
                const std::string n = "CAST(" + arg(1) + " AS INTEGER)";
                // The last day of a month stays the last day; other days clamp to the month's end ('floor').
                return "(CASE WHEN " + jd + " IS NULL OR " + n + " IS NULL THEN NULL WHEN strftime('%d', " +
                       jd + ", '+1 day') = '01' THEN julianday(" + jd +
                       ", 'start of month', printf('%+d months', " + n + " + 1), '-1 day') - " +
                       kJulianEpoch + " ELSE julianday(" + jd + ", printf('%+d months', " + n +
                       "), 'floor') - " + kJulianEpoch + " END)";
            }
            case Op::Abs:
                return "abs(" + arg(0) + ")";
            case Op::Floor: {
                const std::string x = arg(0);
                return "(CASE WHEN abs(" + x + ") >= 4503599627370496.0 THEN " + x + " ELSE CAST(" + x +
                       " AS INTEGER) END)";
            }
            case Op::Ceiling: {
                const std::string x = arg(0);
                const std::string t = "CAST(" + x + " AS INTEGER)";
                return "(CASE WHEN abs(" + x + ") >= 4503599627370496.0 THEN " + x + " ELSE " + t + " + (" +
                       x + " > " + t + ") - (" + x + " < " + t + ") END)";
            }
            case Op::Round:
                return Round(in);
            case Op::Mod: {
                const std::string a = arg(0), b = arg(1);
                const std::string q = "(" + a + " * 1.0 / " + b + ")";
                return "(CASE WHEN abs(" + q + ") >= 4503599627370496.0 THEN " + a + " - " + b + " * " + q +
                       " ELSE " + a + " - " + b + " * CAST(" + q + " AS INTEGER) END)";
            }
            case Op::Min:
            case Op::Max: {
                if (in.argc == 1) return arg(0);  // one-argument min() would be the aggregate
                std::string sql = in.op == Op::Min ? "min(" : "max(";
                for (int i = 0; i < in.argc; ++i) sql += (i ? ", " : "") + arg(i);
                return sql + ")";
            }
            default:
                return Fail(in, "Internal error: not a numeric expression.");
        }
    }

    /// RoundHalfAway() step by step, with the same doubles.
    std::string Round(const Instr& in) {
        int64_t digits = 0;
        if (in.argc > 1) {
            // The digits must be a constant (-2 is a negated constant); SQLite has no pow() to scale by.
            const Instr* d = &At(ArgOf(in, 1));
            const bool negative = d->op == Op::Neg;
            if (negative) d = &At(ArgOf(*d, 0));
            if (d->op != Op::Const)
                return Fail(in, "ROUND can only be used in a filter with a constant number of digits.");
            if (p_.constants[d->aux].is_blank()) return "NULL";
            const double value = p_.constants[d->aux].number();
            digits = std::max<int64_t>(-15, std::min<int64_t>(15, ToCount(negative ? -value : value)));
        }
        char scale[32];
        std::snprintf(scale, sizeof scale, "%.1f",
                      std::pow(10.0, static_cast<double>(digits < 0 ? -digits : digits)));
        const std::string x = Num(ArgOf(in, 0));
        const std::string y = "(" + x + (digits >= 0 ? " * " : " / ") + scale + ")";
        const std::string t = "CAST(" + y + " AS INTEGER)";
        return "(CASE WHEN abs(" + y + ") >= 4503599627370496.0 THEN " + x + " ELSE (" + t +
               " + (CASE WHEN " + y + " - " + t + " >= 0.5 THEN 1 WHEN " + y + " - " + t +
               " <= -0.5 THEN -1 ELSE 0 END)) " + (digits >= 0 ? "/ " : "* ") + scale + " END)";
    }

    // --- text (never NULL) ------------------------------------------------------------------------

    std::string TextSql(int32_t index) {
        const Instr& in = At(index);
        const auto arg = [&](int i) { return Text(ArgOf(in, i)); };
        switch (in.op) {
            case Op::Const:
                return p_.constants[in.aux].is_blank() ? "''" : ConstParam(in);
            case Op::Field:
                return "COALESCE(" + Column(in) + ", '')";
            case Op::Prior:
                return NotTranslatable(in, "PRIORVALUE");
            case Op::Concat:
                return "(" + arg(0) + " || " + arg(1) + ")";
            case Op::If:
                return "(CASE WHEN " + Bool(ArgOf(in, 0), true) + " THEN " + arg(1) + " ELSE " + arg(2) +
                       " END)";
            case Op::Case:
                return Case(in, [&](int32_t a) { return Text(a); });
            case Op::BlankValue:
                return "COALESCE(NULLIF(" + arg(0) + ", ''), " + arg(1) + ")";
            case Op::Left:
                return "COALESCE(substr(" + arg(0) + ", 1, max(CAST(" + Num(ArgOf(in, 1)) +
                       " AS INTEGER), 0)), '')";
            case Op::Right: {
                const std::string text = arg(0);
                return "COALESCE(substr(" + text + ", max(length(" + text + ") - max(CAST(" +
                       Num(ArgOf(in, 1)) + " AS INTEGER), 0), 0) + 1), '')";
            }
            case Op::Mid:
                return "COALESCE(substr(" + arg(0) + ", max(CAST(" + Num(ArgOf(in, 1)) +
                       " AS INTEGER), 1), max(CAST(" + Num(ArgOf(in, 2)) + " AS INTEGER), 0)), '')";
            case Op::Lower:
                return "lower(" + arg(0) + ")";  // ASCII only, like the evaluator
            case Op::Upper:
                return "upper(" + arg(0) + ")";
            case Op::Trim:
                return "trim(" + arg(0) + ")";  // spaces only, like the evaluator
            case Op::ToText: {
                const int32_t a = ArgOf(in, 0);
                if (IsTextType(in.arg_type)) return Text(a);
                const std::string x = Num(a);
                if (in.arg_type == ValueType::Date)
                    return "COALESCE(date(" + x + " + " + kJulianEpoch + "), '')";
                if (in.arg_type == ValueType::DateTime) {
                    return "COALESCE(strftime('%Y-%m-%d %H:%M:%SZ', (" + x + " - ((" + x +
                           " % 1000) + 1000) % 1000) / 1000, "
                           "'unixepoch'), '')";
                }
                return "(CASE WHEN " + x + " IS NULL THEN '' ELSE printf('%.15g', " + x + ") END)";
            }
            default:
                return Fail(in, "Internal error: not a text expression.");
        }
    }

    const Program& p_;
    const SqlOptions& options_;
    std::vector<Value> params_;
    std::unordered_map<int32_t, std::string> const_params_;
    bool failed_ = false;
    Error error_;
};

// crm_regex(text, pattern): 1, 0, or NULL for an invalid pattern (a row Evaluate() would fail on).
void SqlRegex(sqlite3_context* context, int, sqlite3_value** argv) {
    const auto text_of = [](sqlite3_value* v) {
        const unsigned char* text = sqlite3_value_text(v);
        return text ? std::string(reinterpret_cast<const char*>(text), sqlite3_value_bytes(v))
                    : std::string();
    };
    const std::string subject = text_of(argv[0]);
    // The compiled pattern is cached on the statement while the pattern argument stays the same.
    auto* cached = static_cast<std::shared_ptr<const std::wregex>*>(sqlite3_get_auxdata(context, 1));
    std::shared_ptr<const std::wregex> regex;
    if (cached) {
        regex = *cached;
    } else {
        std::string reason;
        regex = CompileRegex(text_of(argv[1]), &reason);
        if (!regex) {
            sqlite3_result_null(context);
            return;
        }
        sqlite3_set_auxdata(context, 1, new std::shared_ptr<const std::wregex>(regex),
                            [](void* p) { delete static_cast<std::shared_ptr<const std::wregex>*>(p); });
    }
    bool matched = false;
    std::string reason;
    if (!RegexFullMatch(*regex, subject, &matched, &reason)) {
        sqlite3_result_null(context);
        return;
    }
    sqlite3_result_int(context, matched ? 1 : 0);
}

// crm_pow(x, y): x^y, NULL for a blank or a result that is not finite.
void SqlPow(sqlite3_context* context, int, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(context);
        return;
    }
    const double result = std::pow(sqlite3_value_double(argv[0]), sqlite3_value_double(argv[1]));
    if (std::isfinite(result)) {
        sqlite3_result_double(context, result);
    } else {
        sqlite3_result_null(context);
    }
}

}  // namespace
}  // namespace detail

Result<SqlCondition> ToSql(const CompiledFormula& formula, const SqlOptions& options) {
    return detail::SqlWriter(ProgramOf(formula), options).Condition();
}

Result<SqlCondition> ToSqlValue(const CompiledFormula& formula, const SqlOptions& options) {
    return detail::SqlWriter(ProgramOf(formula), options).ValueExpression();
}

void BindSqlValue(Statement& statement, int index, const Value& value) {
    if (value.is_blank() && value.type() != ValueType::Boolean) {
        statement.Bind(index, nullptr);
        return;
    }
    switch (value.type()) {
        case ValueType::Number:
            statement.Bind(index, value.number());
            break;
        case ValueType::Boolean:
            statement.Bind(index, int64_t{value.boolean() ? 1 : 0});
            break;
        case ValueType::Date:
            statement.Bind(index, value.days());
            break;
        case ValueType::DateTime:
            statement.Bind(index, value.ms());
            break;
        default:
            statement.Bind(index, std::string_view(value.text()));
            break;
    }
}

void BindSqlParams(Statement& statement, const SqlCondition& condition) {
    for (size_t i = 0; i < condition.params.size(); ++i)
        BindSqlValue(statement, condition.first_param + static_cast<int>(i), condition.params[i]);
}

Status RegisterSqlFunctions(Database& db) {
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    if (sqlite3_create_function_v2(db.handle(), "crm_regex", 2, flags, nullptr, detail::SqlRegex, nullptr,
                                   nullptr, nullptr) != SQLITE_OK ||
        sqlite3_create_function_v2(db.handle(), "crm_pow", 2, flags, nullptr, detail::SqlPow, nullptr,
                                   nullptr, nullptr) != SQLITE_OK) {
        return MakeError("formula.sql_functions",
                         "Cannot add the formula functions to the database: " + db.LastErrorMessage());
    }
    return Status::Ok();
}

}  // namespace crm::formula
