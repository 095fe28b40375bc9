// The formula language of the CRM (Salesforce-style formulas): validation rules, formula fields,
// workflow conditions, list-view and report filters, criteria-based sharing rules.
//
// [SECTION] Fields        FieldInfo, FieldResolver: what names a formula may use
// [SECTION] Compile       CompileOptions, CompiledFormula, Compile()
// [SECTION] Evaluate      RecordView, MemoryRecord, Globals, EvalContext, Evaluate()
// [SECTION] SQL           ToSql(), ToSqlValue(), BindSqlParams(), RegisterSqlFunctions()
// [SECTION] Functions     the function list for the editor
//
// The language, in short:
//   operators  ^ (right-assoc, highest), unary - and !, * /, + - &, = == <> != < > <= >=, &&, ||
//   literals   12, 3.5, 1e3, "text" or 'text' (escapes \\ \" \' \n \r \t), TRUE, FALSE, NULL
//   names      field API names (Amount, Region__c) and paths (Account.Name); /* comments */
//   globals    $User.Id, $User.Username, $User.FullName, $User.Email, $User.Language, $Profile.Name,
//              $UserRole.Name, $Organization.Name, $Organization.Currency, $Organization.TimeZone:
//              Text, read from the Globals the caller puts in EvalContext (or SqlOptions, where they
//              become bound parameters). Evaluating without them is a formula.runtime error.
//   functions  see Functions(); names are case-insensitive.
//
// Blank (null) rules, one for the evaluator and the SQL translation alike:
//   - Text, Picklist and MultiPicklist: blank and "" are the same value. Text operations read a blank
//     as "" ("a" & blank = "a", LEN(blank) = 0, blank = "" is TRUE, blank < "a" is TRUE).
//   - Number, Date, DateTime: blanks are "treated as blanks": arithmetic and functions of a blank give
//     a blank (Amount + 1, ROUND(Amount, 0), ADDMONTHS(blank, 1), MIN(1, blank)). < > <= >= with a
//     blank operand are FALSE. = and <> are null-safe: blank = blank is TRUE, blank = 1 is FALSE,
//     blank <> 1 is TRUE (so Amount = NULL tests for blank, like SQL's IS).
//   - Boolean: never blank. A blank checkbox reads as FALSE, NULL used as a Boolean is FALSE;
//     comparisons, AND/OR/NOT, ISBLANK... always answer TRUE or FALSE.
//   - ISBLANK is TRUE for a blank number/date, for blank or "" text and picklists, never for a checkbox.
//   - CASE matches with the = rule above; IF/CASE/BLANKVALUE branches return blanks unchanged.
// Text compares case-sensitively, byte by byte (code point order), like SQLite's BINARY collation.
// LOWER and UPPER change ASCII letters only (what SQLite's lower()/upper() do). TRIM removes spaces.
// Text positions (LEFT, RIGHT, MID, LEN) count Unicode code points, not bytes; a position or count
// with decimals is truncated; MID starts at 1 at the earliest. TEXT(number) prints every digit, never
// an exponent ("1234567890123456", "0.00001", "-0" never). SUBSTITUTE replaces every occurrence (an
// empty old text changes nothing); FIND(search, text [, start]) is the 1-based position or 0 (an empty
// search or a start before 1 gives 0); LPAD/RPAD(text, length [, pad]) pad with spaces by default and
// cut a longer text to length (at most 10,000 characters, else a runtime error).
//
// Numbers are decimal, as people count money (decimal.h has the type and its limits):
//   - Number, currency and percent values are exact decimals of up to 36 digits, at most 18 of them
//     after the point: 0.7 - 0.2 = 0.5 is TRUE, 0.1 + 0.2 = 0.3 is TRUE. + - * are exact within those
//     limits; / gives 18 decimals, the last rounded half away from zero (1/3 = 0.333333333333333333).
//     A result of 10^36 or more is a formula.runtime error ("too large"), never a wrapped value.
//   - ROUND rounds halves away from zero (ROUND(1.005, 2) = 1.01, ROUND(-2.5, 0) = -3); TRUNC goes
//     toward zero; FLOOR goes toward zero (-2.5 -> -2) and CEILING away from zero (-2.5 -> -3) (as
//     Salesforce); MOD is exact and has the sign of the dividend (MOD(100000000000000000, 7) = 5).
//   - ^ with a whole exponent (|n| <= 1000) multiplies exactly (rounded to 18 decimals); otherwise,
//     and for SQRT, EXP, LN and LOG (base 10), the result is computed in binary floating point and
//     rounded to 15 significant digits. SQRT(-1), LN(0) and (-8)^(1/3) are runtime errors.
//   - VALUE reads "12.5", "-3", ".5", "1e3" (an exponent is accepted), with spaces around; ISNUMBER is
//     TRUE for exactly the texts VALUE reads.
//   - Fields: a number read from a double (a REAL column) is its shortest round-trip decimal (0.1 is
//     0.1). A field with FieldInfo::scale >= 0 (currency, number and percent fields give theirs) is
//     read rounded half away from zero to that scale, so comparisons use the field's scale.
//   - DATETIMEVALUE reads "YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DD" (UTC), or a date (its midnight UTC).
//   - Date + n and Date - n move by whole days (n truncated); Date - Date is whole days;
//     DateTime + n moves by n days (fractional); DateTime - DateTime is days, fractional.
//   - ADDMONTHS keeps the day, clamped to the target month's length, and keeps a month end a month
//     end (2023-02-28 + 1 month = 2023-03-31). Dates run from 0001-01-01 to 9999-12-31.
//   - WEEKDAY is 1 for Sunday to 7 for Saturday. DATEVALUE(datetime) is the UTC date.
// REGEX matches the whole text with ECMAScript syntax over code points ("." is one Chinese
// character; [\u4e00-\u9fa5] works). Not supported: lookbehind, named groups, \k. Patterns are at
// most 1,000 characters, texts at most 10,000. A pattern whose backtracking explodes ((a*)*b) is a
// runtime error under WebAssembly (libc++ gives up) and matches normally in native builds.
//
// Error codes (Error::position is the 1-based code point offset in the formula, Error::line its line):
//   formula.syntax            does not parse (or is not valid UTF-8)
//   formula.too_long          more than CompileOptions::max_length characters
//   formula.too_deep          nested deeper than CompileOptions::max_depth
//   formula.unknown_field     names a field the resolver does not know ("did you mean" in the message)
//   formula.unknown_function  names a function the language does not have
//   formula.arity             wrong number of arguments
//   formula.type              mixes types, or uses a picklist outside ISPICKVAL/TEXT/ISBLANK/CASE
//   formula.argument          a literal argument is invalid: a bad REGEX pattern, an INCLUDES value,
//                             an ISPICKVAL value the picklist does not have
//   formula.context           ISNEW/ISCHANGED/PRIORVALUE where prior values are not available
//   formula.runtime           from Evaluate(): division by zero, VALUE("abc"), DATE(2023, 2, 30),
//                             a bad REGEX pattern read from a field, a result out of range;
//                             position points at the operator or function that failed
//   formula.not_translatable  from ToSql(): the formula has no SQL equivalent (ISCHANGED...)
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "formula/value.h"

namespace crm {
class Database;
class Statement;
}  // namespace crm

namespace crm::formula {

// [SECTION] Fields

/// A field a formula can read. Cross-object paths ("Account.Name") are fields too, when the
/// resolver offers them.
struct FieldInfo {
    std::string name;                  ///< API name as written in formulas ("Amount")
    ValueType type = ValueType::Text;  ///< never Any
    /// SQL that reads the field in ToSql(): usually a quoted column ("\"amount\""), or any expression
    /// giving the canonical form: Number a number; Text/Picklist/MultiPicklist text ('a;b' for
    /// multi-select); Boolean 0/1; Date integer days since 1970-01-01 (for an ISO text column:
    /// (julianday("col") - 2440587.5)); DateTime integer ms since the Unix epoch. NULL is blank.
    /// Empty: the field cannot be used in SQL (ToSql answers formula.not_translatable).
    std::string sql_column;
    /// Picklist values (API names). When not empty, ISPICKVAL checks its literal against them.
    std::vector<std::string> picklist_values;
    /// The resolver's own number for the field, handed back to RecordView so that it can read the
    /// value without a lookup by name. Not used by the formula engine itself.
    int index = -1;
    /// Number fields: the decimals the field keeps (currency 2...). When >= 0, the evaluator and ToSql()
    /// read the value rounded half away from zero to this scale. -1: as stored.
    int scale = -1;
};

/// Tells the compiler which fields exist in the formula's context (the object being validated,
/// the report's source, ...). Implemented by the schema; tests use a fixed list.
class FieldResolver {
public:
    virtual ~FieldResolver() = default;
    /// The field called `name`, or nullptr. Whether names are case-sensitive is the resolver's choice.
    virtual const FieldInfo* Find(std::string_view name) const = 0;
    /// Every name Find() accepts, for "did you mean" suggestions.
    virtual std::vector<std::string> Names() const = 0;
};

/// A FieldResolver over a fixed list of fields (case-insensitive names).
class FieldList final : public FieldResolver {
public:
    FieldList() = default;
    explicit FieldList(std::vector<FieldInfo> fields);
    void Add(FieldInfo field);
    const FieldInfo* Find(std::string_view name) const override;
    std::vector<std::string> Names() const override;

private:
    std::vector<FieldInfo> fields_;
};

// [SECTION] Compile

/// Where the formula is used decides what it may do.
struct CompileOptions {
    /// ISNEW, ISCHANGED and PRIORVALUE are allowed (validation rules, workflow conditions: a save
    /// knows the record's prior values). False for formula fields, filters and sharing rules.
    bool allow_prior_values = false;
    /// The type the formula must return: Boolean for validation rules and conditions; Any for none.
    ValueType expected_result = ValueType::Any;
    /// Longest accepted formula, in characters (code points).
    int max_length = 5000;
    /// Deepest accepted nesting of parentheses, calls and operators. It bounds every recursion of the
    /// compiler and the evaluator, whose stack is small under WebAssembly.
    int max_depth = 200;
};

namespace detail {
struct Program;
}

/// A formula checked and compiled into a compact tree. Immutable; copies share the same program, so
/// it is cheap to keep, copy and evaluate many times (from several threads, too).
class CompiledFormula {
public:
    /// The source text.
    const std::string& text() const;
    /// The type of every value Evaluate() returns (Any only for a formula that is NULL outright).
    ValueType result_type() const;
    /// The fields the formula reads, each once, in order of first use.
    const std::vector<FieldInfo>& fields() const;
    /// Whether the formula calls ISNEW, ISCHANGED or PRIORVALUE.
    bool uses_prior_values() const;
    /// Whether the result depends on NOW() or TODAY().
    bool uses_clock() const;
    /// Whether the formula reads $User, $Profile, $UserRole or $Organization.
    bool uses_globals() const;

private:
    friend Result<CompiledFormula> Compile(std::string_view, const FieldResolver&, const CompileOptions&);
    friend const detail::Program& ProgramOf(const CompiledFormula&);
    explicit CompiledFormula(std::shared_ptr<const detail::Program> program) : program_(std::move(program)) {}
    std::shared_ptr<const detail::Program> program_;
};

/// Parses, resolves and type-checks `text`. The first problem found is returned as an Error with
/// its code (see the list at the top), a readable message, the position and the line.
Result<CompiledFormula> Compile(std::string_view text, const FieldResolver& fields,
                                const CompileOptions& options = {});

// [SECTION] Evaluate

/// The record a formula is evaluated against. Only fields the formula references are asked for.
class RecordView {
public:
    virtual ~RecordView() = default;
    /// The current value of `field`: a Value of the field's type, or blank. A picklist may also be
    /// answered as Text; a blank checkbox reads as FALSE.
    virtual Value Get(const FieldInfo& field) const = 0;
    /// The value before this save (only asked on update, for ISCHANGED and PRIORVALUE).
    virtual Value Prior(const FieldInfo& field) const { return Get(field); }
    /// Whether the save creates the record (ISNEW; ISCHANGED is FALSE and PRIORVALUE the current value).
    virtual bool IsNew() const { return false; }
};

/// A RecordView kept in memory, by field name: for tests, previews in the formula editor, and callers
/// that assemble a record by hand.
class MemoryRecord final : public RecordView {
public:
    MemoryRecord& Set(const std::string& name, Value value);
    MemoryRecord& SetPrior(const std::string& name, Value value);
    MemoryRecord& SetNew(bool is_new);
    Value Get(const FieldInfo& field) const override;
    /// The prior value if one was set, else the current one (unchanged).
    Value Prior(const FieldInfo& field) const override;
    bool IsNew() const override { return is_new_; }

private:
    std::unordered_map<std::string, Value> current_;
    std::unordered_map<std::string, Value> prior_;
    bool is_new_ = false;
};

/// Who saves, for the globals $User, $Profile, $UserRole and $Organization. The caller fills it (the
/// records pipeline from the acting user, the company profile); the formula engine only reads it.
struct Globals {
    std::string user_id;                 ///< $User.Id, the user's id as text ("42")
    std::string user_username;           ///< $User.Username
    std::string user_full_name;          ///< $User.FullName
    std::string user_email;              ///< $User.Email
    std::string user_language;           ///< $User.Language ("en", "zh")
    std::string profile_name;            ///< $Profile.Name
    std::string role_name;               ///< $UserRole.Name ("" when the user has no role)
    std::string organization_name;       ///< $Organization.Name
    std::string organization_currency;   ///< $Organization.Currency ("CNY")
    std::string organization_time_zone;  ///< $Organization.TimeZone ("Asia/Shanghai")
};

/// The names of the globals, as written in formulas ("$User.Id"...), for the editor.
const std::vector<std::string>& GlobalNames();

/// What an evaluation sees: the record, the clock and who saves. Deterministic: the caller decides "now".
struct EvalContext {
    const RecordView* record = nullptr;  ///< required when the formula reads fields
    int64_t now_ms = 0;                  ///< NOW(): milliseconds since the Unix epoch, UTC
    int64_t today_days = 0;              ///< TODAY(): days since 1970-01-01 in the user's time zone
    const Globals* globals = nullptr;    ///< required when the formula reads $User... (uses_globals())

    /// A context at `now_ms`, with TODAY() the local day at a fixed UTC offset (480 for UTC+8).
    static EvalContext At(const RecordView* record, int64_t now_ms, int utc_offset_minutes = 0);
};

/// Evaluates a compiled formula. Never throws or crashes: failures are Error{"formula.runtime"} with
/// the position of the operator or function that failed. The result has the formula's result_type().
Result<Value> Evaluate(const CompiledFormula& formula, const EvalContext& context);

// [SECTION] SQL

/// How ToSql() writes NOW(), TODAY() and the functions SQLite lacks.
struct SqlOptions {
    int64_t now_ms = 0;      ///< bound for NOW()
    int64_t today_days = 0;  ///< bound for TODAY()
    /// REGEX and ^ use crm_regex() and crm_pow(), which RegisterSqlFunctions() adds to a connection;
    /// without them those formulas are not translatable.
    bool crm_functions = false;
    /// Parameters are numbered ?N from this index on, so that the condition can join a larger query.
    int first_param = 1;
    /// Values of $User... (bound as parameters); without them such formulas are not translatable.
    const Globals* globals = nullptr;
};

/// SQLite SQL with numbered parameters (?N, N = first_param + i for params[i]).
struct SqlCondition {
    std::string sql;
    std::vector<Value> params;
    int first_param = 1;
};

/// A WHERE condition for a Boolean formula over the row's columns: true for exactly the rows where
/// Evaluate() answers TRUE (blanks included). Written so that simple comparisons can use indexes.
/// Text columns must use SQLite's default BINARY collation (a NOCASE column would compare differently).
/// With crm_functions, number arithmetic runs through the decimal crm_ functions, so SQL and Evaluate()
/// agree to the last digit; a field compared with a constant of at most 15 digits stays a plain
/// comparison ("amount" > ?1) that an index serves. Without crm_functions the arithmetic is SQLite's
/// (binary doubles): results may differ from Evaluate() in the last digits (0.7 - 0.2 = 0.5 is FALSE).
/// Errors: formula.not_translatable (ISNEW, ISCHANGED, PRIORVALUE, REGEX and ^ without crm_functions,
/// ROUND with non-constant digits, a field without sql_column), formula.type (not a Boolean formula).
/// A row on which Evaluate() would fail (division by zero...) is not an error in SQL: such a row
/// simply does not match.
Result<SqlCondition> ToSql(const CompiledFormula& formula, const SqlOptions& options = {});

/// An SQL expression whose value is the formula's value on each row: NULL for blank; Number a number;
/// Text '...'; Boolean 0/1; Date integer days; DateTime integer ms (for formula fields in reports).
Result<SqlCondition> ToSqlValue(const CompiledFormula& formula, const SqlOptions& options = {});

/// Binds one value in the canonical SQL form: NULL for blank (a blank Boolean is FALSE, 0); Number a
/// double (its nearest: REAL columns keep doubles, so a stored number keeps 15 significant digits
/// exactly); Boolean 0/1; Date integer days; DateTime integer ms; text kinds as text.
void BindSqlValue(Statement& statement, int index, const Value& value);

/// Binds `condition.params` to their ?N slots of `statement`.
void BindSqlParams(Statement& statement, const SqlCondition& condition);

/// Adds the crm_ functions to a connection, with the evaluator's semantics: crm_regex(text, pattern),
/// crm_pow(x, y), and the decimal arithmetic of ToSql() with crm_functions (crm_add, crm_sub, crm_mul,
/// crm_div, crm_mod, crm_neg, crm_abs, crm_round, crm_trunc, crm_ceil, crm_cmp, crm_eq, crm_min,
/// crm_max, crm_text, crm_value, crm_isnumber, crm_real, crm_math). They take NULL, integers, reals
/// (their shortest decimal) or decimal text, answer exact decimal text, and NULL where Evaluate() fails.
Status RegisterSqlFunctions(Database& db);

// [SECTION] Functions

/// One entry of the editor's function list.
struct FunctionDoc {
    std::string name;            ///< "ADDMONTHS"
    std::string category;        ///< "Logical", "Text", "Date", "Math"
    std::string signature;       ///< "ADDMONTHS(date, months)"
    std::string description_en;  ///< one line
    std::string description_zh;  ///< one line, Simplified Chinese
};

/// Every function of the language, by category then name.
const std::vector<FunctionDoc>& Functions();

}  // namespace crm::formula
