// The checker: resolves names, checks types and arities, and emits the typed program. Every
// overloaded operator is resolved here into one opcode, so the evaluator never inspects types.
#include <algorithm>

#include "common/text.h"
#include "formula/internal.h"

namespace crm::formula {

namespace detail {
namespace {

/// "a number", "text"... for messages. Any is the type of NULL.
const char* TypePhrase(ValueType type) {
    switch (type) {
        case ValueType::Number:
            return "a number";
        case ValueType::Text:
            return "text";
        case ValueType::Boolean:
            return "a TRUE/FALSE value";
        case ValueType::Date:
            return "a date";
        case ValueType::DateTime:
            return "a date/time";
        case ValueType::Picklist:
            return "a picklist";
        case ValueType::MultiPicklist:
            return "a multi-select picklist";
        case ValueType::Any:
            return "NULL";
    }
    return "a value";
}

bool IsPicklist(ValueType t) { return t == ValueType::Picklist || t == ValueType::MultiPicklist; }
bool IsTemporal(ValueType t) { return t == ValueType::Date || t == ValueType::DateTime; }

class Checker {
public:
    Checker(std::string_view text, const SyntaxTree& tree, const FieldResolver& resolver,
            const CompileOptions& options)
        : text_(text), tree_(tree), resolver_(resolver), options_(options) {
        program_ = std::make_shared<Program>();
        program_->text = std::string(text);
    }

    Result<std::shared_ptr<Program>> Run() {
        const int32_t root = Check(tree_.root);
        if (failed_) return error_;
        const SyntaxNode& node = tree_.nodes[tree_.root];
        if (!NoPicklist(root, node)) return error_;
        ValueType type = program_->code[root].type;
        const ValueType expected = options_.expected_result;
        if (expected != ValueType::Any) {
            if (type == ValueType::Any) {
                Retype(root, expected);
                type = expected;
            } else if (type != expected) {
                const Position at = PositionOf(node.begin);
                return Error{"formula.type",
                             std::string("This formula must return ") + TypePhrase(expected) +
                                 ", but it returns " + TypePhrase(type) + ".",
                             "", at.line, at.position};
            }
        }
        program_->root = root;
        program_->result_type = type;
        return std::move(program_);
    }

private:
    struct Position {
        int position;
        int line;
    };

    Position PositionOf(uint32_t byte) const {
        const std::string_view before = text_.substr(0, byte);
        return Position{static_cast<int>(CodePointCount(before)) + 1,
                        static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1};
    }

    /// An error about `at` as a whole: it points at the first character of its text (an operand
    /// "a" & "b" is pointed at its start, not at its operator).
    int32_t Fail(const char* code, std::string message, const SyntaxNode& at) {
        const Position where = PositionOf(at.begin);
        return FailAt(code, std::move(message), where.position, where.line);
    }

    /// An error about the operator or function of `at` itself.
    int32_t FailOperator(const char* code, std::string message, const SyntaxNode& at) {
        return FailAt(code, std::move(message), at.position, at.line);
    }

    int32_t FailAt(const char* code, std::string message, int position, int line) {
        if (!failed_) {
            failed_ = true;
            error_ = Error{code, std::move(message), "", line, position};
        }
        return -1;
    }

    /// The node's source, shortened, for "found text ("abc")".
    std::string Excerpt(const SyntaxNode& node) const {
        std::string excerpt;
        bool space = false;
        for (char c : text_.substr(node.begin, node.end - node.begin)) {
            if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
                space = !excerpt.empty();
                continue;
            }
            if (space) excerpt += ' ';
            space = false;
            excerpt += c;
        }
        if (CodePointCount(excerpt) > 40) excerpt = excerpt.substr(0, CodePointOffset(excerpt, 37)) + "...";
        return excerpt;
    }

    std::string Found(int32_t index, const SyntaxNode& node) const {
        return std::string(TypePhrase(program_->code[index].type)) + " (" + Excerpt(node) + ")";
    }

    const SyntaxNode& Child(const SyntaxNode& node, int i) const { return tree_.nodes[node.children[i]]; }

    int32_t Emit(Op op, ValueType type, const SyntaxNode& at, const std::vector<int32_t>& args,
                 ValueType arg_type = ValueType::Any, int32_t aux = -1) {
        Instr in;
        in.op = op;
        in.type = type;
        in.arg_type = arg_type;
        in.argc = static_cast<int32_t>(args.size());
        in.first = static_cast<int32_t>(program_->args.size());
        in.aux = aux;
        in.position = at.position;
        in.line = at.line;
        program_->args.insert(program_->args.end(), args.begin(), args.end());
        program_->code.push_back(in);
        return static_cast<int32_t>(program_->code.size() - 1);
    }

    int32_t Constant(Value value, ValueType type, const SyntaxNode& at) {
        program_->constants.push_back(std::move(value));
        return Emit(Op::Const, type, at, {}, ValueType::Any,
                    static_cast<int32_t>(program_->constants.size() - 1));
    }

    /// Gives NULL (type Any) a concrete type once the context tells which: a blank of that type, or
    /// FALSE for a Boolean (Booleans are never blank). Branches of IF/CASE/BLANKVALUE follow.
    void Retype(int32_t index, ValueType type) {
        Instr& in = program_->code[index];
        if (in.type != ValueType::Any) return;
        in.type = type;
        if (in.op == Op::Const) {
            program_->constants[in.aux] =
                type == ValueType::Boolean ? Value::Boolean(false) : Value::Blank(type);
        } else if (in.op == Op::If) {
            Retype(program_->ArgIndex(in, 1), type);
            Retype(program_->ArgIndex(in, 2), type);
        } else if (in.op == Op::BlankValue) {
            Retype(program_->ArgIndex(in, 0), type);
            Retype(program_->ArgIndex(in, 1), type);
        } else if (in.op == Op::Case) {
            const Instr copy = in;
            for (int i = 2; i < copy.argc; i += 2) Retype(program_->ArgIndex(copy, i), type);
            Retype(program_->ArgIndex(copy, copy.argc - 1), type);
        }
    }

    bool NoPicklist(int32_t index, const SyntaxNode& node) {
        const ValueType type = program_->code[index].type;
        if (type == ValueType::Picklist) {
            Fail("formula.type",
                 "The picklist " + Excerpt(node) +
                     " can only be used in ISPICKVAL, TEXT, ISBLANK, CASE or "
                     "PRIORVALUE; for example ISPICKVAL(" +
                     Excerpt(node) + ", \"value\").",
                 node);
            return false;
        }
        if (type == ValueType::MultiPicklist) {
            Fail("formula.type",
                 "The multi-select picklist " + Excerpt(node) +
                     " can only be used in INCLUDES, ISBLANK or "
                     "PRIORVALUE; for example INCLUDES(" +
                     Excerpt(node) + ", \"value\").",
                 node);
            return false;
        }
        return true;
    }

    /// Checks that argument `i` of a call has `type` (NULL is retyped to it).
    bool Require(int32_t index, const SyntaxNode& call, int i, ValueType type, const char* phrase = nullptr) {
        const SyntaxNode& arg = Child(call, i);
        const ValueType actual = program_->code[index].type;
        if (actual == type) return true;
        if (actual == ValueType::Any) {
            Retype(index, type);
            return true;
        }
        if (IsPicklist(actual) && !NoPicklist(index, arg)) return false;
        Fail("formula.type",
             FunctionName(call) + " expects " + (phrase ? phrase : TypePhrase(type)) + " as argument " +
                 std::to_string(i + 1) + ", found " + Found(index, arg) + ".",
             arg);
        return false;
    }

    std::string FunctionName(const SyntaxNode& call) const { return ToUpperAscii(call.text); }

    /// The common type of two values that may be returned in the same place (IF branches...).
    bool Unify(int32_t a, int32_t b, const SyntaxNode& node_a, const SyntaxNode& node_b,
               const std::string& what, ValueType* out) {
        if (!NoPicklist(a, node_a) || !NoPicklist(b, node_b)) return false;
        const ValueType ta = program_->code[a].type;
        const ValueType tb = program_->code[b].type;
        if (ta == tb || tb == ValueType::Any) {
            *out = ta;
            Retype(b, ta);
            return true;
        }
        if (ta == ValueType::Any) {
            *out = tb;
            Retype(a, tb);
            return true;
        }
        Fail("formula.type",
             "The " + what + " must all have the same type: " + Excerpt(node_a) + " is " + TypePhrase(ta) +
                 ", but " + Excerpt(node_b) + " is " + TypePhrase(tb) + ".",
             node_b);
        return false;
    }

    // --- expressions ------------------------------------------------------------------------------

    int32_t Check(int32_t s) {
        const SyntaxNode& node = tree_.nodes[s];
        switch (node.kind) {
            case SyntaxKind::Number:
                return Constant(Value::Number(node.number), ValueType::Number, node);
            case SyntaxKind::String:
                return Constant(Value::Text(node.text), ValueType::Text, node);
            case SyntaxKind::True:
                return Constant(Value::Boolean(true), ValueType::Boolean, node);
            case SyntaxKind::False:
                return Constant(Value::Boolean(false), ValueType::Boolean, node);
            case SyntaxKind::Null:
                return Constant(Value(), ValueType::Any, node);
            case SyntaxKind::Name:
                return CheckName(node);
            case SyntaxKind::Unary:
                return CheckUnary(node);
            case SyntaxKind::Binary:
                return CheckBinary(node);
            case SyntaxKind::Call:
                return CheckCall(node);
        }
        return -1;
    }

    int32_t FieldSlot(const FieldInfo& field) {
        auto& fields = program_->fields;
        for (size_t i = 0; i < fields.size(); ++i) {
            if (fields[i].name == field.name) return static_cast<int32_t>(i);
        }
        fields.push_back(field);
        return static_cast<int32_t>(fields.size() - 1);
    }

    const FieldInfo* Resolve(const SyntaxNode& node) {
        const FieldInfo* field = resolver_.Find(node.text);
        if (field) return field;
        std::string message = "Unknown field '" + node.text + "'";
        if (FindFunction(node.text)) {
            message +=
                "; " + ToUpperAscii(node.text) + " is a function: write " + ToUpperAscii(node.text) + "(...)";
        } else if (std::string suggestion = ClosestMatch(node.text, resolver_.Names()); !suggestion.empty()) {
            message += "; did you mean '" + suggestion + "'?";
        } else {
            message += ".";
        }
        Fail("formula.unknown_field", message, node);
        return nullptr;
    }

    int32_t CheckName(const SyntaxNode& node) {
        if (!node.text.empty() && node.text[0] == '$') {
            const int global = FindGlobal(node.text);
            if (global < 0) {
                std::string message = "Unknown global '" + node.text + "'";
                if (std::string suggestion = ClosestMatch(node.text, GlobalNames()); !suggestion.empty()) {
                    message += "; did you mean '" + suggestion + "'?";
                } else {
                    message += "; the globals are $User, $Profile, $UserRole and $Organization.";
                }
                return Fail("formula.unknown_field", message, node);
            }
            program_->uses_globals = true;
            return Emit(Op::Global, ValueType::Text, node, {}, ValueType::Any, global);
        }
        const FieldInfo* field = Resolve(node);
        if (!field) return -1;
        if (field->type == ValueType::Any) {
            return Fail("formula.type", "The field " + field->name + " has no type a formula can use.", node);
        }
        return Emit(Op::Field, field->type, node, {}, ValueType::Any, FieldSlot(*field));
    }

    int32_t CheckUnary(const SyntaxNode& node) {
        const int32_t operand = Check(node.children[0]);
        if (failed_) return -1;
        const SyntaxNode& child = Child(node, 0);
        const ValueType want = node.op == Tok::Minus ? ValueType::Number : ValueType::Boolean;
        const ValueType actual = program_->code[operand].type;
        if (actual == ValueType::Any) Retype(operand, want);
        if (actual != want && actual != ValueType::Any) {
            if (!NoPicklist(operand, child)) return -1;
            return Fail("formula.type",
                        std::string("Expected ") + TypePhrase(want) + " after '" + TokSpelling(node.op) +
                            "', found " + Found(operand, child) + ".",
                        child);
        }
        return Emit(node.op == Tok::Minus ? Op::Neg : Op::Not, want, node, {operand});
    }

    int32_t OperandError(const SyntaxNode& node, bool right, const char* expected, int32_t operand) {
        const SyntaxNode& child = Child(node, right ? 1 : 0);
        if (!NoPicklist(operand, child)) return -1;
        std::string message = std::string("Expected ") + expected + " on the " + (right ? "right" : "left") +
                              " of '" + TokSpelling(node.op) + "', found " + Found(operand, child);
        if (node.op == Tok::Amp && program_->code[operand].type != ValueType::Text) {
            message += "; convert it with TEXT()";
        }
        return Fail("formula.type", message + ".", child);
    }

    int32_t CheckBinary(const SyntaxNode& node) {
        const int32_t left = Check(node.children[0]);
        if (failed_) return -1;
        const int32_t right = Check(node.children[1]);
        if (failed_) return -1;
        const ValueType lt = program_->code[left].type;
        const ValueType rt = program_->code[right].type;
        const auto A = ValueType::Any;

        switch (node.op) {
            case Tok::AndAnd:
            case Tok::OrOr:
                if (lt != ValueType::Boolean && lt != A)
                    return OperandError(node, false, "a TRUE/FALSE value", left);
                if (rt != ValueType::Boolean && rt != A)
                    return OperandError(node, true, "a TRUE/FALSE value", right);
                Retype(left, ValueType::Boolean);
                Retype(right, ValueType::Boolean);
                return Emit(node.op == Tok::AndAnd ? Op::And : Op::Or, ValueType::Boolean, node,
                            Flatten(node.op == Tok::AndAnd ? Op::And : Op::Or, {left, right}));

            case Tok::Eq:
            case Tok::Ne:
            case Tok::Lt:
            case Tok::Gt:
            case Tok::Le:
            case Tok::Ge: {
                if (!NoPicklist(left, Child(node, 0)) || !NoPicklist(right, Child(node, 1))) return -1;
                ValueType type = lt == A ? (rt == A ? ValueType::Number : rt) : lt;
                if (rt != A && rt != type) return OperandError(node, true, TypePhrase(type), right);
                const bool ordering = node.op != Tok::Eq && node.op != Tok::Ne;
                if (ordering && type == ValueType::Boolean) {
                    return FailOperator("formula.type",
                                        std::string("'") + TokSpelling(node.op) +
                                            "' cannot order TRUE/FALSE values; compare them with = or <>.",
                                        node);
                }
                Retype(left, type);
                Retype(right, type);
                static const Op kOps[] = {Op::Eq, Op::Ne, Op::Lt, Op::Gt, Op::Le, Op::Ge};
                const int k = node.op == Tok::Eq   ? 0
                              : node.op == Tok::Ne ? 1
                              : node.op == Tok::Lt ? 2
                              : node.op == Tok::Gt ? 3
                              : node.op == Tok::Le ? 4
                                                   : 5;
                return Emit(kOps[k], ValueType::Boolean, node, {left, right}, type);
            }

            case Tok::Plus:
                if (lt == ValueType::Text || (lt == A && rt == ValueType::Text)) {
                    if (rt != ValueType::Text && rt != A) return OperandError(node, true, "text", right);
                    Retype(left, ValueType::Text);
                    Retype(right, ValueType::Text);
                    return Emit(Op::Concat, ValueType::Text, node, {left, right});
                }
                if (lt == ValueType::Number || lt == A) {
                    if (rt == ValueType::Date || rt == ValueType::DateTime) {
                        Retype(left, ValueType::Number);
                        return Emit(rt == ValueType::Date ? Op::DateAdd : Op::DateTimeAdd, rt, node,
                                    {right, left});
                    }
                    if (rt != ValueType::Number && rt != A)
                        return OperandError(node, true, "a number", right);
                    Retype(left, ValueType::Number);
                    Retype(right, ValueType::Number);
                    return Emit(Op::Add, ValueType::Number, node, {left, right});
                }
                if (IsTemporal(lt)) {
                    if (rt != ValueType::Number && rt != A) {
                        return OperandError(node, true, "a number (of days)", right);
                    }
                    Retype(right, ValueType::Number);
                    return Emit(lt == ValueType::Date ? Op::DateAdd : Op::DateTimeAdd, lt, node,
                                {left, right});
                }
                return OperandError(node, false, "a number, a date or text", left);

            case Tok::Minus:
                if (lt == ValueType::Number || (lt == A && !IsTemporal(rt))) {
                    if (rt != ValueType::Number && rt != A)
                        return OperandError(node, true, "a number", right);
                    Retype(left, ValueType::Number);
                    Retype(right, ValueType::Number);
                    return Emit(Op::Sub, ValueType::Number, node, {left, right});
                }
                if (IsTemporal(lt) || lt == A) {
                    const ValueType temporal = lt == A ? rt : lt;
                    const bool is_date = temporal == ValueType::Date;
                    if (rt == temporal) {
                        Retype(left, temporal);
                        return Emit(is_date ? Op::DateDiff : Op::DateTimeDiff, ValueType::Number, node,
                                    {left, right});
                    }
                    if (rt != ValueType::Number && rt != A) {
                        return OperandError(
                            node, true,
                            is_date ? "a number (of days) or a date" : "a number (of days) or a date/time",
                            right);
                    }
                    Retype(right, ValueType::Number);
                    return Emit(is_date ? Op::DateSub : Op::DateTimeSub, temporal, node, {left, right});
                }
                return OperandError(node, false, "a number or a date", left);

            case Tok::Star:
            case Tok::Slash:
            case Tok::Caret: {
                if (lt != ValueType::Number && lt != A) return OperandError(node, false, "a number", left);
                if (rt != ValueType::Number && rt != A) return OperandError(node, true, "a number", right);
                Retype(left, ValueType::Number);
                Retype(right, ValueType::Number);
                const Op op = node.op == Tok::Star ? Op::Mul : node.op == Tok::Slash ? Op::Div : Op::Pow;
                return Emit(op, ValueType::Number, node, {left, right});
            }

            case Tok::Amp:
                if (lt != ValueType::Text && lt != A) return OperandError(node, false, "text", left);
                if (rt != ValueType::Text && rt != A) return OperandError(node, true, "text", right);
                Retype(left, ValueType::Text);
                Retype(right, ValueType::Text);
                return Emit(Op::Concat, ValueType::Text, node, {left, right});

            default:
                break;
        }
        return FailOperator("formula.syntax", "Unexpected operator.", node);
    }

    /// a && b && c as one AND of three: a shallower tree, plainer SQL. The order (and so the
    /// short-circuit) is kept; the absorbed instructions simply stay unused.
    std::vector<int32_t> Flatten(Op op, const std::vector<int32_t>& args) const {
        std::vector<int32_t> flat;
        for (int32_t arg : args) {
            const Instr& in = program_->code[arg];
            if (in.op == op) {
                for (int i = 0; i < in.argc; ++i) flat.push_back(program_->ArgIndex(in, i));
            } else {
                flat.push_back(arg);
            }
        }
        return flat;
    }

    // --- calls ------------------------------------------------------------------------------------

    bool RequirePriorValues(const SyntaxNode& call) {
        if (options_.allow_prior_values) return true;
        Fail("formula.context",
             FunctionName(call) +
                 " is only available in validation rules and workflow conditions, where the "
                 "record's previous values are known.",
             call);
        return false;
    }

    /// ISCHANGED and PRIORVALUE take a field of this record, not an expression or a path.
    const FieldInfo* RequireOwnField(const SyntaxNode& call) {
        const SyntaxNode& arg = Child(call, 0);
        if (arg.kind != SyntaxKind::Name) {
            Fail("formula.type", FunctionName(call) + " expects a field, found " + Excerpt(arg) + ".", arg);
            return nullptr;
        }
        const FieldInfo* field = Resolve(arg);
        if (!field) return nullptr;
        if (arg.text.find('.') != std::string::npos) {
            Fail("formula.type",
                 FunctionName(call) + " works on fields of this record only, not on " + arg.text + ".", arg);
            return nullptr;
        }
        return field;
    }

    int32_t CheckCall(const SyntaxNode& call) {
        const FunctionSpec* spec = FindFunction(call.text);
        if (!spec) {
            std::vector<std::string> names;
            for (const FunctionSpec& s : FunctionSpecs()) names.push_back(s.name);
            std::string message = "Unknown function '" + call.text + "'";
            if (std::string suggestion = ClosestMatch(call.text, names); !suggestion.empty()) {
                message += "; did you mean " + suggestion + "?";
            } else {
                message += ".";
            }
            return Fail("formula.unknown_function", message, call);
        }
        const std::string name = spec->name;
        const int argc = static_cast<int>(call.children.size());
        if (argc < spec->min_args || (spec->max_args >= 0 && argc > spec->max_args)) {
            std::string expected;
            if (spec->max_args == spec->min_args) {
                expected =
                    std::to_string(spec->min_args) + (spec->min_args == 1 ? " argument" : " arguments");
            } else if (spec->max_args < 0) {
                expected = "at least " + std::to_string(spec->min_args) +
                           (spec->min_args == 1 ? " argument" : " arguments");
            } else {
                expected =
                    std::to_string(spec->min_args) + " or " + std::to_string(spec->max_args) + " arguments";
            }
            return Fail("formula.arity",
                        name + " takes " + expected + ", but " + std::to_string(argc) + " " +
                            (argc == 1 ? "was" : "were") + " given: " + spec->signature + ".",
                        call);
        }
        if (name == "CASE" && argc % 2 != 0) {
            return Fail(
                "formula.arity",
                "CASE takes an expression, pairs of value and result, then an else result (an even number "
                "of arguments), but " +
                    std::to_string(argc) + " were given: " + spec->signature + ".",
                call);
        }

        // Functions whose arguments are not ordinary values.
        if (name == "ISNEW") {
            if (!RequirePriorValues(call)) return -1;
            program_->uses_prior_values = true;
            return Emit(Op::IsNew, ValueType::Boolean, call, {});
        }
        if (name == "ISCHANGED" || name == "PRIORVALUE") {
            if (!RequirePriorValues(call)) return -1;
            const FieldInfo* field = RequireOwnField(call);
            if (!field) return -1;
            program_->uses_prior_values = true;
            const bool changed = name == "ISCHANGED";
            return Emit(changed ? Op::IsChanged : Op::Prior, changed ? ValueType::Boolean : field->type, call,
                        {}, field->type, FieldSlot(*field));
        }
        if (name == "TODAY" || name == "NOW") {
            program_->uses_clock = true;
            return name == "TODAY" ? Emit(Op::Today, ValueType::Date, call, {})
                                   : Emit(Op::Now, ValueType::DateTime, call, {});
        }

        std::vector<int32_t> args;
        for (int i = 0; i < argc; ++i) {
            args.push_back(Check(call.children[i]));
            if (failed_) return -1;
        }
        const auto type_of = [&](int i) { return program_->code[args[i]].type; };
        const auto require = [&](int i, ValueType type, const char* phrase = nullptr) {
            return Require(args[i], call, i, type, phrase);
        };
        const auto all = [&](ValueType type) {
            for (int i = 0; i < argc; ++i) {
                if (!require(i, type)) return false;
            }
            return true;
        };
        const ValueType N = ValueType::Number, T = ValueType::Text, B = ValueType::Boolean,
                        D = ValueType::Date;

        if (name == "AND" || name == "OR") {
            if (!all(B)) return -1;
            const Op op = name == "AND" ? Op::And : Op::Or;
            return Emit(op, B, call, Flatten(op, args));
        }
        if (name == "NOT") return all(B) ? Emit(Op::Not, B, call, args) : -1;
        if (name == "IF") {
            if (!require(0, B, "a TRUE/FALSE condition")) return -1;
            ValueType type;
            if (!Unify(args[1], args[2], Child(call, 1), Child(call, 2), "results of IF", &type)) return -1;
            return Emit(Op::If, type, call, args);
        }
        if (name == "CASE") return CheckCase(call, args);
        if (name == "ISBLANK") {
            ValueType type = type_of(0);
            if (type == ValueType::Any) Retype(args[0], type = N);
            return Emit(Op::IsBlank, B, call, args, type);
        }
        if (name == "BLANKVALUE" || name == "NULLVALUE") {
            ValueType type;
            if (!Unify(args[0], args[1], Child(call, 0), Child(call, 1), "arguments of " + name, &type))
                return -1;
            return Emit(Op::BlankValue, type, call, args);
        }
        if (name == "ISPICKVAL") return CheckIsPickVal(call, args);
        if (name == "INCLUDES") return CheckIncludes(call, args);
        if (name == "CONTAINS" || name == "BEGINS") {
            if (!all(T)) return -1;
            return Emit(name == "CONTAINS" ? Op::Contains : Op::Begins, B, call, args);
        }
        if (name == "LEFT" || name == "RIGHT") {
            if (!require(0, T) || !require(1, N)) return -1;
            return Emit(name == "LEFT" ? Op::Left : Op::Right, T, call, args);
        }
        if (name == "MID") {
            if (!require(0, T) || !require(1, N) || !require(2, N)) return -1;
            return Emit(Op::Mid, T, call, args);
        }
        if (name == "LEN") return all(T) ? Emit(Op::Len, N, call, args) : -1;
        if (name == "LOWER" || name == "UPPER" || name == "TRIM") {
            if (!all(T)) return -1;
            return Emit(name == "LOWER" ? Op::Lower : name == "UPPER" ? Op::Upper : Op::Trim, T, call, args);
        }
        if (name == "TEXT") {
            ValueType type = type_of(0);
            if (type == ValueType::Any) Retype(args[0], type = N);
            if (type == B || type == ValueType::MultiPicklist) {
                return Fail("formula.type",
                            "TEXT expects a number, a date, a date/time or a picklist, found " +
                                Found(args[0], Child(call, 0)) + ".",
                            Child(call, 0));
            }
            return Emit(Op::ToText, T, call, args, type);
        }
        if (name == "VALUE") return all(T) ? Emit(Op::ToNumber, N, call, args) : -1;
        if (name == "ISNUMBER") return all(T) ? Emit(Op::IsNumber, B, call, args) : -1;
        if (name == "SUBSTITUTE") return all(T) ? Emit(Op::Substitute, T, call, args) : -1;
        if (name == "FIND") {
            if (!require(0, T) || !require(1, T) || (argc > 2 && !require(2, N))) return -1;
            return Emit(Op::Find, N, call, args);
        }
        if (name == "LPAD" || name == "RPAD") {
            if (!require(0, T) || !require(1, N) || (argc > 2 && !require(2, T))) return -1;
            return Emit(name == "LPAD" ? Op::LPad : Op::RPad, T, call, args);
        }
        if (name == "DATETIMEVALUE") {
            ValueType type = type_of(0);
            if (type == ValueType::Any) Retype(args[0], type = T);
            if (type != T && type != D && type != ValueType::DateTime) {
                if (!NoPicklist(args[0], Child(call, 0))) return -1;
                return Fail("formula.type",
                            "DATETIMEVALUE expects text (\"YYYY-MM-DD HH:MM:SS\") or a date, found " +
                                Found(args[0], Child(call, 0)) + ".",
                            Child(call, 0));
            }
            return Emit(Op::DateTimeValue, ValueType::DateTime, call, args, type);
        }
        if (name == "REGEX") return CheckRegex(call, args);
        if (name == "DATE") return all(N) ? Emit(Op::MakeDate, D, call, args) : -1;
        if (name == "DATEVALUE") {
            ValueType type = type_of(0);
            if (type == ValueType::Any) Retype(args[0], type = T);
            if (type != T && type != D && type != ValueType::DateTime) {
                if (!NoPicklist(args[0], Child(call, 0))) return -1;
                return Fail("formula.type",
                            "DATEVALUE expects text (\"YYYY-MM-DD\") or a date/time, found " +
                                Found(args[0], Child(call, 0)) + ".",
                            Child(call, 0));
            }
            return Emit(Op::DateValue, D, call, args, type);
        }
        if (name == "DAY" || name == "MONTH" || name == "YEAR" || name == "WEEKDAY") {
            if (!all(D)) return -1;
            const Op op = name == "DAY"     ? Op::Day
                          : name == "MONTH" ? Op::Month
                          : name == "YEAR"  ? Op::Year
                                            : Op::Weekday;
            return Emit(op, N, call, args);
        }
        if (name == "ADDMONTHS") {
            if (!require(0, D) || !require(1, N)) return -1;
            return Emit(Op::AddMonths, D, call, args);
        }
        if (name == "ABS" || name == "FLOOR" || name == "CEILING" || name == "ROUND" || name == "MOD" ||
            name == "TRUNC" || name == "SQRT" || name == "EXP" || name == "LN" || name == "LOG") {
            if (!all(N)) return -1;
            const Op op = name == "ABS"       ? Op::Abs
                          : name == "FLOOR"   ? Op::Floor
                          : name == "CEILING" ? Op::Ceiling
                          : name == "ROUND"   ? Op::Round
                          : name == "TRUNC"   ? Op::Trunc
                          : name == "SQRT"    ? Op::Sqrt
                          : name == "EXP"     ? Op::Exp
                          : name == "LN"      ? Op::Ln
                          : name == "LOG"     ? Op::Log
                                              : Op::Mod;
            return Emit(op, N, call, args);
        }
        if (name == "MIN" || name == "MAX") {
            ValueType type = ValueType::Any;
            int first_typed = 0;
            for (int i = 0; i < argc && type == ValueType::Any; ++i) type = type_of(first_typed = i);
            if (type == ValueType::Any) type = N;
            if (type != N && !IsTemporal(type)) {
                const SyntaxNode& arg = Child(call, first_typed);
                if (!NoPicklist(args[first_typed], arg)) return -1;
                return Fail("formula.type",
                            name + " expects numbers, dates or date/times, found " +
                                Found(args[first_typed], arg) + ".",
                            arg);
            }
            if (!all(type)) return -1;
            return Emit(name == "MIN" ? Op::Min : Op::Max, type, call, args);
        }
        return Fail("formula.unknown_function", "Unknown function '" + call.text + "'.", call);
    }

    int32_t CheckCase(const SyntaxNode& call, std::vector<int32_t>& args) {
        const int argc = static_cast<int>(args.size());
        ValueType subject = program_->code[args[0]].type;
        if (subject == ValueType::MultiPicklist) {
            NoPicklist(args[0], Child(call, 0));
            return -1;
        }
        // A picklist is matched by its API value, as text.
        const ValueType compare = subject == ValueType::Picklist ? ValueType::Text : subject;
        ValueType key = compare;
        for (int i = 1; i < argc - 1 && key == ValueType::Any; i += 2) key = program_->code[args[i]].type;
        if (key == ValueType::Any) key = ValueType::Number;
        if (compare == ValueType::Any) Retype(args[0], key);
        for (int i = 1; i < argc - 1; i += 2) {
            const ValueType t = program_->code[args[i]].type;
            if (t == ValueType::Any) {
                Retype(args[i], key);
            } else if (t != key) {
                if (!NoPicklist(args[i], Child(call, i))) return -1;
                return Fail("formula.type",
                            std::string("CASE compares ") + Excerpt(Child(call, 0)) + " (" + TypePhrase(key) +
                                ") with " + Found(args[i], Child(call, i)) +
                                "; the values must have the same type.",
                            Child(call, i));
            }
        }
        // Results: pairs' second halves and the else result.
        int32_t first_result = args[2];
        ValueType type = program_->code[first_result].type;
        if (!NoPicklist(first_result, Child(call, 2))) return -1;
        std::vector<int> results;
        for (int i = 2; i < argc; i += 2) results.push_back(i);
        results.push_back(argc - 1);
        for (int i : results) {
            if (!NoPicklist(args[i], Child(call, i))) return -1;
            const ValueType t = program_->code[args[i]].type;
            if (type == ValueType::Any) type = t;
            if (t != ValueType::Any && t != type) {
                return Fail("formula.type",
                            "The results of CASE must all have the same type: " + Excerpt(Child(call, 2)) +
                                " is " + TypePhrase(program_->code[args[2]].type) + ", but " +
                                Excerpt(Child(call, i)) + " is " + TypePhrase(t) + ".",
                            Child(call, i));
            }
        }
        if (type != ValueType::Any) {
            for (int i : results) Retype(args[i], type);
        }
        return Emit(Op::Case, type, call, args, key);
    }

    /// The field a picklist argument reads (ISPICKVAL(Stage...) or ISPICKVAL(PRIORVALUE(Stage)...)).
    const FieldInfo* PicklistField(int32_t index) const {
        const Instr& in = program_->code[index];
        if (in.op == Op::Field || in.op == Op::Prior) return &program_->fields[in.aux];
        return nullptr;
    }

    std::string ValueNotInPicklist(const std::string& value, const FieldInfo& field) const {
        std::string message = "'" + value + "' is not a value of the picklist " + field.name;
        if (std::string suggestion = ClosestMatch(value, field.picklist_values); !suggestion.empty()) {
            return message + "; did you mean '" + suggestion + "'?";
        }
        return message + ".";
    }

    int32_t CheckIsPickVal(const SyntaxNode& call, std::vector<int32_t>& args) {
        if (program_->code[args[0]].type != ValueType::Picklist) {
            return Fail("formula.type",
                        "ISPICKVAL expects a picklist field as argument 1, found " +
                            Found(args[0], Child(call, 0)) + ".",
                        Child(call, 0));
        }
        if (!Require(args[1], call, 1, ValueType::Text)) return -1;
        const SyntaxNode& literal = Child(call, 1);
        const FieldInfo* field = PicklistField(args[0]);
        if (literal.kind == SyntaxKind::String && field && !field->picklist_values.empty() &&
            !literal.text.empty() &&
            std::find(field->picklist_values.begin(), field->picklist_values.end(), literal.text) ==
                field->picklist_values.end()) {
            return Fail("formula.argument", ValueNotInPicklist(literal.text, *field), literal);
        }
        return Emit(Op::IsPickVal, ValueType::Boolean, call, args);
    }

    int32_t CheckIncludes(const SyntaxNode& call, std::vector<int32_t>& args) {
        if (program_->code[args[0]].type != ValueType::MultiPicklist) {
            return Fail("formula.type",
                        "INCLUDES expects a multi-select picklist field as argument 1, found " +
                            Found(args[0], Child(call, 0)) + ".",
                        Child(call, 0));
        }
        const SyntaxNode& literal = Child(call, 1);
        if (literal.kind != SyntaxKind::String) {
            return Fail("formula.type",
                        "INCLUDES expects a text literal such as \"Golf\" as argument 2, found " +
                            Excerpt(literal) + ".",
                        literal);
        }
        if (literal.text.empty() || literal.text.find(';') != std::string::npos) {
            return Fail(
                "formula.argument",
                "INCLUDES checks one value at a time; \"" + literal.text +
                    "\" is empty or contains ';'. Combine several with OR(INCLUDES(...), INCLUDES(...)).",
                literal);
        }
        const FieldInfo* field = PicklistField(args[0]);
        if (field && !field->picklist_values.empty() &&
            std::find(field->picklist_values.begin(), field->picklist_values.end(), literal.text) ==
                field->picklist_values.end()) {
            return Fail("formula.argument", ValueNotInPicklist(literal.text, *field), literal);
        }
        return Emit(Op::Includes, ValueType::Boolean, call, args);
    }

    int32_t CheckRegex(const SyntaxNode& call, std::vector<int32_t>& args) {
        if (!Require(args[0], call, 0, ValueType::Text) || !Require(args[1], call, 1, ValueType::Text))
            return -1;
        const SyntaxNode& pattern = Child(call, 1);
        int32_t regex_index = -1;
        if (pattern.kind == SyntaxKind::String) {
            std::string reason;
            auto regex = CompileRegex(pattern.text, &reason);
            if (!regex) {
                return Fail("formula.argument",
                            "The REGEX pattern " + Excerpt(pattern) + " is invalid: " + reason + ".",
                            pattern);
            }
            program_->regexes.push_back(std::move(regex));
            regex_index = static_cast<int32_t>(program_->regexes.size() - 1);
        }
        return Emit(Op::Regex, ValueType::Boolean, call, args, ValueType::Any, regex_index);
    }

    std::string_view text_;
    const SyntaxTree& tree_;
    const FieldResolver& resolver_;
    const CompileOptions& options_;
    std::shared_ptr<Program> program_;
    bool failed_ = false;
    Error error_;
};

}  // namespace
}  // namespace detail

// [SECTION] Public API

const detail::Program& ProgramOf(const CompiledFormula& formula) { return *formula.program_; }

const std::string& CompiledFormula::text() const { return program_->text; }
ValueType CompiledFormula::result_type() const { return program_->result_type; }
const std::vector<FieldInfo>& CompiledFormula::fields() const { return program_->fields; }
bool CompiledFormula::uses_prior_values() const { return program_->uses_prior_values; }
bool CompiledFormula::uses_clock() const { return program_->uses_clock; }
bool CompiledFormula::uses_globals() const { return program_->uses_globals; }

const std::vector<std::string>& GlobalNames() {
    static const std::vector<std::string> kNames = [] {
        std::vector<std::string> names;
        for (const detail::GlobalSpec& spec : detail::GlobalSpecs()) names.push_back(spec.name);
        return names;
    }();
    return kNames;
}

Result<CompiledFormula> Compile(std::string_view text, const FieldResolver& fields,
                                const CompileOptions& options) {
    Result<detail::SyntaxTree> tree = detail::Parse(text, options.max_length, options.max_depth);
    if (!tree.ok()) return tree.error();
    Result<std::shared_ptr<detail::Program>> program = detail::Checker(text, *tree, fields, options).Run();
    if (!program.ok()) return program.error();
    return CompiledFormula(std::move(program.value()));
}

// [SECTION] FieldList

FieldList::FieldList(std::vector<FieldInfo> fields) : fields_(std::move(fields)) {}

void FieldList::Add(FieldInfo field) { fields_.push_back(std::move(field)); }

const FieldInfo* FieldList::Find(std::string_view name) const {
    for (const FieldInfo& field : fields_) {
        if (field.name.size() == name.size() && ToLowerAscii(field.name) == ToLowerAscii(name)) return &field;
    }
    return nullptr;
}

std::vector<std::string> FieldList::Names() const {
    std::vector<std::string> names;
    for (const FieldInfo& field : fields_) names.push_back(field.name);
    return names;
}

}  // namespace crm::formula
