// Translation to SQLite SQL with the evaluator's exact semantics. Each type has a canonical form in SQL:
// Number a number or NULL (with crm_functions, also exact decimal text, the answer of the crm_ decimal
// functions, which only crm_ functions read); Date integer days or NULL; DateTime integer ms or NULL; Text
// never NULL (blank is ''); Boolean 0/1, never NULL. Boolean subexpressions are written in one of two modes:
// exact (0/1) or truthy (NULL allowed where the answer is FALSE), which a WHERE clause accepts and
// which keeps simple comparisons such as "amount" > ?1 usable by an index.
#include <sqlite3.h>

#include <cmath>
#include <cstdio>
#include <iterator>

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
            case ValueType::Number:
                if (dec_ && !(IsFieldRead(p_.root) && IsPlainNumber(p_.root)))
                    return Finish(Call("crm_real", {Num(p_.root)}));
                return Finish(Num(p_.root));
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

    /// Whether a number constant survives the trip through a double (then it binds as one).
    static bool DoubleExact(const Value& value) {
        if (value.type() != ValueType::Number || value.is_blank()) return true;
        const std::optional<Decimal> back = Decimal::FromDouble(value.decimal().ToDouble());
        return back && *back == value.decimal();
    }

    /// Translates `arg` for its errors alone: the parameters it bound are dropped with its text, and so are
    /// the constants' entries that named them (a later use binds its constant again).
    void CheckOnly(int32_t arg) {
        const size_t kept = params_.size();
        (void)Bool(arg, false);
        params_.resize(kept);
        for (auto it = const_params_.begin(); it != const_params_.end();)
            it = it->second.index >= kept ? const_params_.erase(it) : std::next(it);
    }

    std::string ConstParam(const Instr& in) {
        auto it = const_params_.find(in.aux);
        if (it != const_params_.end()) return it->second.sql;
        const Value& constant = p_.constants[in.aux];
        const size_t index = params_.size();
        // A number of more digits than a double keeps goes as decimal text, which the crm_ functions read.
        std::string sql = dec_ && !DoubleExact(constant) ? Param(Value::Text(constant.decimal().ToString()))
                                                         : Param(constant);
        const_params_.emplace(in.aux, BoundConstant{sql, index});
        return sql;
    }

    std::string Column(const Instr& in) {
        const FieldInfo& field = p_.fields[in.aux];
        if (field.sql_column.empty())
            return Fail(in, "The field " + field.name + " cannot be used in a filter.");
        return field.sql_column;
    }

    bool IsFieldRead(int32_t index) const { return At(index).op == Op::Field; }
    /// A number operand that SQLite compares exactly like Evaluate(): a column read as stored, or a
    /// constant a double holds exactly (its shortest decimal is itself).
    bool IsPlainNumber(int32_t index) const {
        const Instr& in = At(index);
        if (in.op == Op::Field) return p_.fields[in.aux].scale < 0;
        return in.op == Op::Const && DoubleExact(p_.constants[in.aux]);
    }
    /// crm_name(args...).
    static std::string Call(const char* name, std::initializer_list<std::string> args) {
        std::string sql = name;
        sql += '(';
        bool first = true;
        for (const std::string& arg : args) {
            if (!first) sql += ", ";
            sql += arg;
            first = false;
        }
        return sql + ')';
    }
    std::string NeedsFunctions(const Instr& in, const char* what) {
        return Fail(in, std::string(what) +
                            " can only run in the database with the formula functions registered "
                            "(SqlOptions::crm_functions).");
    }
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
                    CheckOnly(arg);  // a condition is never blank
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
            case Op::IsNumber:
                if (!dec_) return NeedsFunctions(in, "ISNUMBER");
                return Call("crm_isnumber", {Text(ArgOf(in, 0))});
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
        if (dec_ && in.arg_type == ValueType::Number) {
            if (std::string banded = BandedFieldCompare(in, truthy); !banded.empty()) return banded;
        }
        const std::string x = Num(a), y = Num(b);
        if (dec_ && in.arg_type == ValueType::Number && !(IsPlainNumber(a) && IsPlainNumber(b))) {
            // Exact decimal comparison of computed numbers.
            if (in.op == Op::Eq) return Call("crm_eq", {x, y});
            if (in.op == Op::Ne) return "(NOT " + Call("crm_eq", {x, y}) + ")";
            const std::string c = "(" + Call("crm_cmp", {x, y}) + " " + op + " 0)";
            return truthy ? c : "COALESCE(" + c + ", 0)";
        }
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

    /// A field read at its scale (crm_round) compared with a non-blank constant, such as a sharing rule's
    /// "Amount >= 300000". The exact comparison rounds every row's value as a decimal; here the stored
    /// column first settles every row outside a narrow band around the constant (rounding to the scale
    /// moves a value by at most half a unit of the scale, a double's error is far below the band's width
    /// of one unit plus 1e-15 of the constant), which also lets an index on the column serve the
    /// condition. Only rows inside the band pay the exact comparison. "" when the shape does not apply.
    std::string BandedFieldCompare(const Instr& in, bool truthy) {
        int32_t field = ArgOf(in, 0), constant = ArgOf(in, 1);
        Op op = in.op;
        if (!IsFieldRead(field)) {
            std::swap(field, constant);
            static const Op kFlipped[] = {Op::Eq, Op::Ne, Op::Gt, Op::Lt, Op::Ge, Op::Le};
            op = kFlipped[static_cast<int>(op) - static_cast<int>(Op::Eq)];
        }
        if (op == Op::Ne || !IsFieldRead(field) || At(constant).op != Op::Const || !IsNonBlankConst(constant))
            return "";
        const FieldInfo& info = p_.fields[At(field).aux];
        if (info.scale < 0 || info.sql_column.empty()) return "";
        const double c = p_.constants[At(constant).aux].decimal().ToDouble();
        const double band = std::pow(10.0, -info.scale) + std::fabs(c) * 1e-15;
        const std::optional<Decimal> lo = Decimal::FromDouble(c - band), hi = Decimal::FromDouble(c + band);
        if (!std::isfinite(c) || !lo || !hi) return "";
        const std::string column = Column(At(field));
        const std::string low = Param(Value::Number(*lo)), high = Param(Value::Number(*hi));
        const std::string x = Num(field), y = ConstParam(At(constant));
        static const char* kOps[] = {"=", "<>", "<", ">", "<=", ">="};
        const std::string exact = "(" + Call("crm_cmp", {x, y}) + " " +
                                  kOps[static_cast<int>(op) - static_cast<int>(Op::Eq)] + " 0)";
        std::string sql;
        if (op == Op::Eq) {
            sql = "(" + column + " >= " + low + " AND " + column + " <= " + high + " AND " +
                  Call("crm_eq", {x, y}) + ")";
        } else if (op == Op::Gt || op == Op::Ge) {
            sql = "(" + column + " >= " + low + " AND (" + column + " > " + high + " OR " + exact + "))";
        } else {
            sql = "(" + column + " <= " + high + " AND (" + column + " < " + low + " OR " + exact + "))";
        }
        return truthy ? sql : "COALESCE(" + sql + ", 0)";
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
        } else if (dec_ && in.arg_type == ValueType::Number) {
            const std::string subject = Num(ArgOf(in, 0));
            for (int i = 1; i < last; i += 2) {
                sql += " WHEN " + Call("crm_eq", {subject, Num(ArgOf(in, i))}) + " THEN " +
                       result(ArgOf(in, i + 1));
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

    /// Numbers with crm_functions: exact decimals through the crm_ functions. Dates and date-times are
    /// integers either way and keep their built-in SQL (NumSql).
    std::string DecimalSql(const Instr& in) {
        const auto arg = [&](int i) { return Num(ArgOf(in, i)); };
        switch (in.op) {
            case Op::Field: {
                const FieldInfo& field = p_.fields[in.aux];
                const std::string column = Column(in);
                if (field.scale < 0) return column;
                return Call("crm_round", {column, std::to_string(field.scale)});
            }
            case Op::Neg:
                return Call("crm_neg", {arg(0)});
            case Op::Add:
                return Call("crm_add", {arg(0), arg(1)});
            case Op::Sub:
                return Call("crm_sub", {arg(0), arg(1)});
            case Op::Mul:
                return Call("crm_mul", {arg(0), arg(1)});
            case Op::Div:
                return Call("crm_div", {arg(0), arg(1)});
            case Op::Pow:
                return Call("crm_pow", {arg(0), arg(1)});
            case Op::Mod:
                return Call("crm_mod", {arg(0), arg(1)});
            case Op::Abs:
                return Call("crm_abs", {arg(0)});
            case Op::Floor:
                return Call("crm_trunc", {arg(0), "0"});
            case Op::Ceiling:
                return Call("crm_ceil", {arg(0)});
            case Op::Round:
                return Call("crm_round", {arg(0), in.argc > 1 ? arg(1) : "0"});
            case Op::Trunc:
                return Call("crm_trunc", {arg(0), in.argc > 1 ? arg(1) : "0"});
            case Op::Sqrt:
            case Op::Exp:
            case Op::Ln:
            case Op::Log:
                return Call("crm_math", {std::to_string(static_cast<int>(in.op)), arg(0)});
            case Op::ToNumber:
                return Call("crm_value", {Text(ArgOf(in, 0))});
            case Op::DateTimeDiff:
                return Call("crm_div", {"(" + arg(0) + " - " + arg(1) + ")", "86400000"});
            case Op::Find:
                return Call("crm_find", {Text(ArgOf(in, 0)), Text(ArgOf(in, 1)), in.argc > 2 ? arg(2) : "1"});
            case Op::Min:
            case Op::Max: {
                std::string sql = in.op == Op::Min ? "crm_min(" : "crm_max(";
                for (int i = 0; i < in.argc; ++i) sql += (i ? ", " : "") + arg(i);
                return sql + ")";
            }
            default:
                return NumSql(in);
        }
    }

    std::string NumSql(int32_t index) {
        const Instr& in = At(index);
        if (dec_ && in.type == ValueType::Number) return DecimalSql(in);
        return NumSql(in);
    }

    std::string NumSql(const Instr& in) {
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
                if (dec_)
                    return "(" + arg(0) + " + CAST(" + Call("crm_mul", {arg(1), "86400000"}) +
                           " AS INTEGER))";
                return "(" + arg(0) + " + CAST(" + arg(1) + " * 86400000.0 AS INTEGER))";
            case Op::DateTimeSub:
                if (dec_)
                    return "(" + arg(0) + " - CAST(" + Call("crm_mul", {arg(1), "86400000"}) +
                           " AS INTEGER))";
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
            case Op::Trunc:
            case Op::Sqrt:
            case Op::Exp:
            case Op::Ln:
            case Op::Log:
            case Op::Find:
                return NeedsFunctions(in, FindFunctionName(in.op));
            case Op::DateTimeValue: {
                const int32_t a = ArgOf(in, 0);
                if (in.arg_type == ValueType::DateTime) return Num(a);
                if (in.arg_type == ValueType::Date) return "(" + Num(a) + " * 86400000)";
                // datetime(t) = t and date(t) = t accept exactly the real instants written as the
                // evaluator reads them.
                const std::string text = Text(a);
                return "(CASE WHEN datetime(" + text + ") = " + text + " OR date(" + text + ") = " + text +
                       " THEN CAST(strftime('%s', " + text + ") AS INTEGER) * 1000 END)";
            }
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
            const int64_t value = p_.constants[d->aux].decimal().ToCount();
            digits = std::max<int64_t>(-15, std::min<int64_t>(15, negative ? -value : value));
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
                if (dec_) return "COALESCE(" + Call("crm_text", {x}) + ", '')";
                return "(CASE WHEN " + x + " IS NULL THEN '' ELSE printf('%.15g', " + x + ") END)";
            }
            case Op::Global: {
                if (!options_.globals) {
                    return Fail(in, "This formula reads " + std::string(GlobalSpecs()[in.aux].name) +
                                        ", which a filter can only use when it is given the user.");
                }
                return Param(Value::Text(options_.globals->*(GlobalSpecs()[in.aux].member)));
            }
            case Op::Substitute:
                return "replace(" + arg(0) + ", " + arg(1) + ", " + arg(2) + ")";  // '' as old: unchanged
            case Op::LPad:
            case Op::RPad:
                if (!dec_) return NeedsFunctions(in, in.op == Op::LPad ? "LPAD" : "RPAD");
                return "COALESCE(" +
                       Call("crm_pad", {arg(0), Num(ArgOf(in, 1)), in.argc > 2 ? arg(2) : "' '",
                                        in.op == Op::LPad ? "1" : "0"}) +
                       ", '')";
            default:
                return Fail(in, "Internal error: not a text expression.");
        }
    }

    static const char* FindFunctionName(Op op) {
        switch (op) {
            case Op::Trunc:
                return "TRUNC";
            case Op::Sqrt:
                return "SQRT";
            case Op::Exp:
                return "EXP";
            case Op::Ln:
                return "LN";
            case Op::Log:
                return "LOG";
            default:
                return "FIND";
        }
    }

    const Program& p_;
    const SqlOptions& options_;
    const bool dec_ = options_.crm_functions;
    std::vector<Value> params_;
    /// A constant bound once: its parameter's SQL ("?N") and its place in params_.
    struct BoundConstant {
        std::string sql;
        size_t index = 0;
    };
    std::unordered_map<int32_t, BoundConstant> const_params_;
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

// [SECTION] Decimal functions: NULL in, NULL out; NULL too where Evaluate() fails (overflow, / 0).

/// A number argument: NULL, an integer, a real (its shortest decimal) or decimal text.
bool ReadDecimal(sqlite3_value* v, Decimal* out) {
    switch (sqlite3_value_type(v)) {
        case SQLITE_INTEGER:
            *out = Decimal::FromInt(sqlite3_value_int64(v));
            return true;
        case SQLITE_FLOAT: {
            const std::optional<Decimal> d = Decimal::FromDouble(sqlite3_value_double(v));
            if (!d) return false;
            *out = *d;
            return true;
        }
        case SQLITE_TEXT: {
            const char* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
            const std::optional<Decimal> d =
                Decimal::Parse(std::string_view(text, static_cast<size_t>(sqlite3_value_bytes(v))));
            if (!d) return false;
            *out = *d;
            return true;
        }
        default:
            return false;
    }
}

void ResultDecimal(sqlite3_context* context, const Decimal& d) {
    // Whole numbers that fit go as integers (cheaper to read back, and plain SQL reads them right).
    int64_t whole = 0;
    if (d.scale() == 0 && d.ToInt64(&whole)) {
        sqlite3_result_int64(context, whole);
        return;
    }
    const std::string text = d.ToString();
    sqlite3_result_text(context, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

std::string TextArg(sqlite3_value* v) {
    const unsigned char* text = sqlite3_value_text(v);
    return text
               ? std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_value_bytes(v)))
               : std::string();
}

template <bool (*F)(const Decimal&, const Decimal&, Decimal*)>
void SqlBinary(sqlite3_context* context, int, sqlite3_value** argv) {
    Decimal a, b, out;
    if (!ReadDecimal(argv[0], &a) || !ReadDecimal(argv[1], &b) || !F(a, b, &out)) {
        sqlite3_result_null(context);
        return;
    }
    ResultDecimal(context, out);
}

bool NegOp(const Decimal& a, const Decimal&, Decimal* out) {
    *out = a.Negated();
    return true;
}
bool AbsOp(const Decimal& a, const Decimal&, Decimal* out) {
    *out = a.Abs();
    return true;
}
bool CeilOp(const Decimal& a, const Decimal&, Decimal* out) { return a.AwayFromZero(out); }
bool RoundOp(const Decimal& a, const Decimal& digits, Decimal* out) { return a.Round(digits.ToCount(), out); }
bool TruncOp(const Decimal& a, const Decimal& digits, Decimal* out) {
    *out = a.Trunc(digits.ToCount());
    return true;
}
bool ValueOp(const Decimal& a, const Decimal&, Decimal* out) {
    *out = a;
    return true;
}

template <bool (*F)(const Decimal&, const Decimal&, Decimal*)>
void SqlUnary(sqlite3_context* context, int, sqlite3_value** argv) {
    Decimal a, out;
    if (!ReadDecimal(argv[0], &a) || !F(a, Decimal(), &out)) {
        sqlite3_result_null(context);
        return;
    }
    ResultDecimal(context, out);
}

// crm_cmp(a, b): -1, 0, 1; NULL when either is NULL.
void SqlCmp(sqlite3_context* context, int, sqlite3_value** argv) {
    Decimal a, b;
    if (!ReadDecimal(argv[0], &a) || !ReadDecimal(argv[1], &b)) {
        sqlite3_result_null(context);
        return;
    }
    sqlite3_result_int(context, Decimal::Compare(a, b));
}

// crm_eq(a, b): the formula's null-safe = (blank = blank).
void SqlEq(sqlite3_context* context, int, sqlite3_value** argv) {
    Decimal a, b;
    const bool has_a = ReadDecimal(argv[0], &a), has_b = ReadDecimal(argv[1], &b);
    sqlite3_result_int(context, has_a && has_b ? a == b : !has_a && !has_b);
}

// crm_min(...), crm_max(...): NULL when any is NULL.
template <bool kMin>
void SqlMinMax(sqlite3_context* context, int argc, sqlite3_value** argv) {
    Decimal best;
    for (int i = 0; i < argc; ++i) {
        Decimal next;
        if (!ReadDecimal(argv[i], &next)) {
            sqlite3_result_null(context);
            return;
        }
        if (i == 0 || (kMin ? next < best : best < next)) best = next;
    }
    ResultDecimal(context, best);
}

// crm_text(x): TEXT() of a number.
void SqlText(sqlite3_context* context, int, sqlite3_value** argv) {
    Decimal a;
    if (!ReadDecimal(argv[0], &a)) {
        sqlite3_result_null(context);
        return;
    }
    const std::string text = a.ToString();
    sqlite3_result_text(context, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

// crm_real(x): the nearest double, for a Number result handed to the caller.
void SqlReal(sqlite3_context* context, int, sqlite3_value** argv) {
    Decimal a;
    if (!ReadDecimal(argv[0], &a)) {
        sqlite3_result_null(context);
        return;
    }
    sqlite3_result_double(context, a.ToDouble());
}

// crm_value(text): VALUE(); NULL for blank or spaces (and for text that is no number).
void SqlValue(sqlite3_context* context, int, sqlite3_value** argv) {
    const std::optional<Decimal> d = ParseNumberText(TextArg(argv[0]));
    if (!d) {
        sqlite3_result_null(context);
        return;
    }
    ResultDecimal(context, *d);
}

void SqlIsNumber(sqlite3_context* context, int, sqlite3_value** argv) {
    sqlite3_result_int(context, ParseNumberText(TextArg(argv[0])).has_value() ? 1 : 0);
}

// crm_math(op, x): SQRT, EXP, LN, LOG by the Op number.
void SqlMath(sqlite3_context* context, int, sqlite3_value** argv) {
    Decimal x;
    const int op = sqlite3_value_int(argv[0]);
    if (!ReadDecimal(argv[1], &x) || (op != static_cast<int>(Op::Sqrt) && op != static_cast<int>(Op::Exp) &&
                                      op != static_cast<int>(Op::Ln) && op != static_cast<int>(Op::Log))) {
        sqlite3_result_null(context);
        return;
    }
    const std::optional<Decimal> out = MathFunction(static_cast<Op>(op), x);
    if (!out) {
        sqlite3_result_null(context);
        return;
    }
    ResultDecimal(context, *out);
}

// crm_find(search, text, start): FIND(); NULL for a blank start.
void SqlFind(sqlite3_context* context, int, sqlite3_value** argv) {
    Decimal start;
    if (!ReadDecimal(argv[2], &start)) {
        sqlite3_result_null(context);
        return;
    }
    sqlite3_result_int64(context, FindText(TextArg(argv[0]), TextArg(argv[1]), start.ToCount()));
}

// crm_pad(text, length, pad, left): LPAD/RPAD; NULL for a blank or too long length.
void SqlPad(sqlite3_context* context, int, sqlite3_value** argv) {
    Decimal length;
    if (!ReadDecimal(argv[1], &length) || length.ToCount() > kMaxPadLength) {
        sqlite3_result_null(context);
        return;
    }
    const std::string out =
        Pad(TextArg(argv[0]), length.ToCount(), TextArg(argv[2]), sqlite3_value_int(argv[3]) != 0);
    sqlite3_result_text(context, out.c_str(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
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
    using namespace detail;
    using Fn = void (*)(sqlite3_context*, int, sqlite3_value**);
    struct Entry {
        const char* name;
        int argc;
        Fn fn;
    };
    static const Entry kFunctions[] = {
        {"crm_regex", 2, SqlRegex},
        {"crm_pow", 2, SqlBinary<Decimal::Pow>},
        {"crm_add", 2, SqlBinary<Decimal::Add>},
        {"crm_sub", 2, SqlBinary<Decimal::Sub>},
        {"crm_mul", 2, SqlBinary<Decimal::Mul>},
        {"crm_div", 2, SqlBinary<Decimal::Div>},
        {"crm_mod", 2, SqlBinary<Decimal::Mod>},
        {"crm_round", 2, SqlBinary<RoundOp>},
        {"crm_trunc", 2, SqlBinary<TruncOp>},
        {"crm_neg", 1, SqlUnary<NegOp>},
        {"crm_abs", 1, SqlUnary<AbsOp>},
        {"crm_ceil", 1, SqlUnary<CeilOp>},
        {"crm_dec", 1, SqlUnary<ValueOp>},
        {"crm_cmp", 2, SqlCmp},
        {"crm_eq", 2, SqlEq},
        {"crm_min", -1, SqlMinMax<true>},
        {"crm_max", -1, SqlMinMax<false>},
        {"crm_text", 1, SqlText},
        {"crm_real", 1, SqlReal},
        {"crm_value", 1, SqlValue},
        {"crm_isnumber", 1, SqlIsNumber},
        {"crm_math", 2, SqlMath},
        {"crm_find", 3, SqlFind},
        {"crm_pad", 4, SqlPad},
    };
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    for (const Entry& f : kFunctions) {
        if (sqlite3_create_function_v2(db.handle(), f.name, f.argc, flags, nullptr, f.fn, nullptr, nullptr,
                                       nullptr) != SQLITE_OK) {
            return MakeError("formula.sql_functions",
                             "Cannot add the formula functions to the database: " + db.LastErrorMessage());
        }
    }
    return Status::Ok();
}

}  // namespace crm::formula
