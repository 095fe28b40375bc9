// Internals of the formula engine, shared by its .cpp files only (callers include formula.h).
//
// [SECTION] Syntax     tokens and the untyped syntax tree the parser builds
// [SECTION] Program    the typed, compact tree the checker emits and the evaluator walks
// [SECTION] Catalog    the function table (arity, docs)
// [SECTION] Runtime    helpers whose semantics the evaluator and the SQL functions share
#pragma once
#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "formula/formula.h"

namespace crm::formula::detail {

// [SECTION] Syntax

// clang-format off
enum class Tok : uint8_t {
    End, Number, String, Ident, LParen, RParen, Comma,
    Plus, Minus, Star, Slash, Caret, Amp, Eq, Ne, Lt, Gt, Le, Ge, AndAnd, OrOr, Bang
};
// clang-format on

/// "+" for Tok::Plus..., as written in messages.
const char* TokSpelling(Tok tok);

enum class SyntaxKind : uint8_t { Number, String, True, False, Null, Name, Call, Unary, Binary };

/// One node of the parse tree. `position`/`line` is where messages about the node point (the first
/// character of a literal, name or call; the operator of a unary or binary expression).
struct SyntaxNode {
    SyntaxKind kind = SyntaxKind::Null;
    Tok op = Tok::End;
    int position = 1;
    int line = 1;
    uint32_t begin = 0;  ///< byte range of the whole node in the source, for excerpts
    uint32_t end = 0;
    Decimal number;
    std::string text;  ///< string value, field path or function name
    std::vector<int32_t> children;
};

struct SyntaxTree {
    std::vector<SyntaxNode> nodes;
    int32_t root = -1;
};

/// Tokenizes and parses; enforces the length and depth limits.
Result<SyntaxTree> Parse(std::string_view text, int max_length, int max_depth);

// [SECTION] Program

/// Instructions. Operand types are resolved by the checker, so each opcode does one thing.
// clang-format off
enum class Op : uint8_t {
    Const, Field, Prior, IsChanged, IsNew, Today, Now,
    Neg, Add, Sub, Mul, Div, Pow, Concat,
    DateAdd, DateSub, DateDiff, DateTimeAdd, DateTimeSub, DateTimeDiff,
    Eq, Ne, Lt, Gt, Le, Ge,  // in this order: sql.cpp indexes its operator table with them
    And, Or, Not, If, Case, IsBlank, BlankValue,
    IsPickVal, Includes, Contains, Begins, Left, Right, Mid, Len, Lower, Upper, Trim, ToText, ToNumber, Regex,
    MakeDate, DateValue, Day, Month, Year, Weekday, AddMonths,
    Abs, Round, Floor, Ceiling, Mod, Min, Max,
    Global, Substitute, Find, LPad, RPad, IsNumber, Trunc, Sqrt, Exp, Ln, Log, DateTimeValue
};
// clang-format on

/// One node of the compiled tree; its arguments are Program::args[first .. first + argc).
struct Instr {
    Op op = Op::Const;
    ValueType type = ValueType::Any;      ///< result type (Picklist types stay as they are)
    ValueType arg_type = ValueType::Any;  ///< operand type of comparisons, ISBLANK, CASE, TEXT, DATEVALUE
    int32_t argc = 0;
    int32_t first = 0;
    int32_t aux = -1;  ///< Const: constant index; Field/Prior/IsChanged: field slot; Regex: regex index;
                       ///< Global: index in GlobalSpecs()
    int32_t position = 1;
    int32_t line = 1;
};

/// A compiled formula: immutable once built.
struct Program {
    std::string text;
    std::vector<Instr> code;
    std::vector<int32_t> args;
    std::vector<Value> constants;
    std::vector<FieldInfo> fields;
    std::vector<std::shared_ptr<const std::wregex>> regexes;  ///< literal REGEX patterns, compiled once
    int32_t root = -1;
    ValueType result_type = ValueType::Any;
    bool uses_prior_values = false;
    bool uses_clock = false;
    bool uses_globals = false;

    const Instr& Arg(const Instr& in, int i) const { return code[args[in.first + i]]; }
    int32_t ArgIndex(const Instr& in, int i) const { return args[in.first + i]; }
};

// [SECTION] Catalog

struct FunctionSpec {
    const char* name;
    int min_args;
    int max_args;  ///< -1: any number
    const char* category;
    const char* signature;
    const char* description_en;
    const char* description_zh;
};

/// The function named `name` (case-insensitive), or nullptr.
const FunctionSpec* FindFunction(std::string_view name);
const std::vector<FunctionSpec>& FunctionSpecs();

/// One global ($User.Id...): its name as written (matched case-insensitively) and where it is kept.
struct GlobalSpec {
    const char* name;
    std::string Globals::*member;
};
const std::vector<GlobalSpec>& GlobalSpecs();
/// The global named `name` (case-insensitive), or -1.
int FindGlobal(std::string_view name);

// [SECTION] Runtime

/// Number of code points of UTF-8 text.
size_t CodePointCount(std::string_view text);
/// Byte offset of code point `index` (clamped to the end).
size_t CodePointOffset(std::string_view text, size_t index);
/// VALUE() and ISNUMBER(): "  -12.5e3 " -> -12500; nothing for text that is not a number (or is out
/// of range). Spaces around are allowed.
std::optional<Decimal> ParseNumberText(std::string_view text);
/// DATETIMEVALUE(): "YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DD" (UTC) as ms since the epoch.
std::optional<int64_t> ParseDateTimeText(std::string_view text);
/// LPAD/RPAD: `text` padded with `pad` (repeated) or cut to `length` code points.
std::string Pad(const std::string& text, int64_t length, const std::string& pad, bool left);
constexpr int64_t kMaxPadLength = 10000;  ///< longest text LPAD/RPAD make
/// FIND(): 1-based code point position of `search` in `text` from `start`, 0 when absent or empty.
int64_t FindText(const std::string& search, const std::string& text, int64_t start);
/// SQRT, EXP, LN, LOG: computed in binary floating point, rounded to 15 significant digits;
/// nothing when the result is not a real number (SQRT(-1), LN(0)). op is Sqrt, Exp, Ln or Log.
std::optional<Decimal> MathFunction(Op op, const Decimal& x);
/// Compiles a REGEX pattern (ECMAScript, over code points: "." matches one Chinese character).
/// On failure, returns nullptr and a reason.
std::shared_ptr<const std::wregex> CompileRegex(const std::string& pattern, std::string* reason);
/// Whole-string match. False with a reason when the text is too long or the engine gives up.
bool RegexFullMatch(const std::wregex& regex, const std::string& text, bool* matched, std::string* reason);
constexpr size_t kMaxRegexPattern = 1000;   ///< characters of a pattern
constexpr size_t kMaxRegexSubject = 10000;  ///< characters of the text REGEX matches

}  // namespace crm::formula::detail
