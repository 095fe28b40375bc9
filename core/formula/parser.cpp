// Lexer and recursive-descent parser. Positions are code points, so that a formula with Chinese text
// reports the column a person sees. Both the parser's recursion and the depth of the tree it builds
// are bounded by max_depth: everything after the parser recurses over the tree.
#include <cstring>
#include <string>

#include "formula/internal.h"

namespace crm::formula::detail {

const char* TokSpelling(Tok tok) {
    switch (tok) {
        case Tok::End:
            return "end of formula";
        case Tok::Number:
            return "number";
        case Tok::String:
            return "text";
        case Tok::Ident:
            return "name";
        case Tok::LParen:
            return "(";
        case Tok::RParen:
            return ")";
        case Tok::Comma:
            return ",";
        case Tok::Plus:
            return "+";
        case Tok::Minus:
            return "-";
        case Tok::Star:
            return "*";
        case Tok::Slash:
            return "/";
        case Tok::Caret:
            return "^";
        case Tok::Amp:
            return "&";
        case Tok::Eq:
            return "=";
        case Tok::Ne:
            return "<>";
        case Tok::Lt:
            return "<";
        case Tok::Gt:
            return ">";
        case Tok::Le:
            return "<=";
        case Tok::Ge:
            return ">=";
        case Tok::AndAnd:
            return "&&";
        case Tok::OrOr:
            return "||";
        case Tok::Bang:
            return "!";
    }
    return "?";
}

namespace {

struct Token {
    Tok kind = Tok::End;
    uint32_t begin = 0;
    uint32_t end = 0;
    Decimal number;
    std::string text;
};

Error SyntaxError(std::string message, int position, int line, const char* code = "formula.syntax") {
    return Error{code, std::move(message), "", line, position};
}

bool IsIdentStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

/// Byte offset of the first malformed UTF-8 sequence, or npos.
size_t FirstInvalidUtf8(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, cp = c & 0x07;
        } else {
            return i;
        }
        if (i + n >= text.size()) return i;  // truncated sequence
        for (size_t k = 1; k <= n; ++k) {
            const unsigned char cc = static_cast<unsigned char>(text[i + k]);
            if ((cc & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF)) {
            return i;
        }
        i += n + 1;
    }
    return std::string_view::npos;
}

class Parser {
public:
    Parser(std::string_view text, int max_depth) : src_(text), max_depth_(max_depth) {}

    Result<SyntaxTree> Run(int max_length) {
        // Positions first: every message needs them, and they also give the length in characters.
        position_.resize(src_.size() + 1);
        line_.resize(src_.size() + 1);
        int position = 0;
        int line = 1;
        for (size_t i = 0; i <= src_.size(); ++i) {
            // A stray continuation byte at the start still occupies position 1 (it is reported as bad UTF-8).
            if (i == 0 || i == src_.size() || (static_cast<unsigned char>(src_[i]) & 0xC0) != 0x80)
                ++position;
            position_[i] = position;
            line_[i] = line;
            if (i < src_.size() && src_[i] == '\n') ++line;
        }
        const int length = position_[src_.size()] - 1;
        if (length > max_length) {
            size_t at = 0;
            while (at < src_.size() && position_[at] <= max_length) ++at;
            return SyntaxError("The formula is " + std::to_string(length) +
                                   " characters long; the limit is " + std::to_string(max_length) + ".",
                               max_length + 1, line_[at], "formula.too_long");
        }
        if (size_t bad = FirstInvalidUtf8(src_); bad != std::string_view::npos) {
            return Fail("The formula is not valid UTF-8 text.", static_cast<uint32_t>(bad));
        }
        if (!Tokenize()) return error_;
        if (tokens_.size() == 1)
            return Fail("The formula is empty; write an expression such as Amount > 0.", 0);

        const int32_t root = ParseExpression();
        if (failed_) return error_;
        if (Peek().kind != Tok::End) {
            const Token& t = Peek();
            return Fail("Unexpected " + Describe(t) +
                            " after a complete expression; is an operator or a comma "
                            "missing?",
                        t.begin);
        }
        tree_.root = root;
        return std::move(tree_);
    }

private:
    // --- lexer -------------------------------------------------------------------------------------

    Error Fail(std::string message, uint32_t byte) {
        if (!failed_) {
            failed_ = true;
            const size_t at = std::min<size_t>(byte, src_.size());
            error_ = SyntaxError(std::move(message), position_[at], line_[at]);
        }
        return error_;
    }

    std::string Describe(const Token& t) const {
        switch (t.kind) {
            case Tok::End:
                return "end of formula";
            case Tok::Number:
            case Tok::Ident:
                return "'" + std::string(src_.substr(t.begin, t.end - t.begin)) + "'";
            case Tok::String: {
                const std::string_view text = src_.substr(t.begin, t.end - t.begin);
                if (CodePointCount(text) <= 40) return "text " + std::string(text);
                return "text " + std::string(text.substr(0, CodePointOffset(text, 37))) + "...";
            }
            default:
                return std::string("'") + TokSpelling(t.kind) + "'";
        }
    }

    bool Tokenize() {
        size_t i = 0;
        const size_t n = src_.size();
        while (true) {
            // Whitespace and /* comments */.
            while (i < n) {
                const char c = src_[i];
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
                    ++i;
                } else if (src_.compare(i, 3, "\xE3\x80\x80") == 0 || src_.compare(i, 2, "\xC2\xA0") == 0) {
                    i += src_[i] == '\xC2' ? 2 : 3;  // ideographic and no-break spaces
                } else if (c == '/' && i + 1 < n && src_[i + 1] == '*') {
                    const size_t close = src_.find("*/", i + 2);
                    if (close == std::string_view::npos) {
                        Fail("This comment is not closed; end it with */.", static_cast<uint32_t>(i));
                        return false;
                    }
                    i = close + 2;
                } else {
                    break;
                }
            }
            Token t;
            t.begin = static_cast<uint32_t>(i);
            if (i >= n) {
                t.kind = Tok::End;
                t.end = t.begin;
                tokens_.push_back(std::move(t));
                return true;
            }
            const char c = src_[i];
            const char next = i + 1 < n ? src_[i + 1] : '\0';
            if (IsDigit(c) || (c == '.' && IsDigit(next))) {
                if (!LexNumber(i, t)) return false;
            } else if (c == '"' || c == '\'') {
                if (!LexString(i, t)) return false;
            } else if (IsIdentStart(c) || (c == '$' && IsIdentStart(next))) {
                if (c == '$') ++i;  // a global: $User.Id
                if (!LexName(i, t)) return false;
            } else {
                auto two = [&](char second, Tok kind2, Tok kind1) {
                    if (next == second) {
                        t.kind = kind2;
                        i += 2;
                    } else {
                        t.kind = kind1;
                        i += 1;
                    }
                };
                switch (c) {
                    case '(':
                        t.kind = Tok::LParen, ++i;
                        break;
                    case ')':
                        t.kind = Tok::RParen, ++i;
                        break;
                    case ',':
                        t.kind = Tok::Comma, ++i;
                        break;
                    case '+':
                        t.kind = Tok::Plus, ++i;
                        break;
                    case '-':
                        t.kind = Tok::Minus, ++i;
                        break;
                    case '*':
                        t.kind = Tok::Star, ++i;
                        break;
                    case '/':
                        t.kind = Tok::Slash, ++i;
                        break;
                    case '^':
                        t.kind = Tok::Caret, ++i;
                        break;
                    case '=':
                        two('=', Tok::Eq, Tok::Eq);
                        break;
                    case '!':
                        two('=', Tok::Ne, Tok::Bang);
                        break;
                    case '&':
                        two('&', Tok::AndAnd, Tok::Amp);
                        break;
                    case '>':
                        two('=', Tok::Ge, Tok::Gt);
                        break;
                    case '<':
                        if (next == '>') {
                            t.kind = Tok::Ne, i += 2;
                        } else {
                            two('=', Tok::Le, Tok::Lt);
                        }
                        break;
                    case '|':
                        if (next == '|') {
                            t.kind = Tok::OrOr, i += 2;
                            break;
                        }
                        Fail("Unexpected '|'; write || (or OR()) for \"or\".", t.begin);
                        return false;
                    default: {
                        size_t len = 1;
                        while (i + len < n && (static_cast<unsigned char>(src_[i + len]) & 0xC0) == 0x80)
                            ++len;
                        const std::string ch(src_.substr(i, len));
                        std::string hint;
                        if (ch == "\xEF\xBC\x88" || ch == "\xEF\xBC\x89")
                            hint = " (a full-width parenthesis; use ( and ))";
                        if (ch == "\xEF\xBC\x8C") hint = " (a full-width comma; use ,)";
                        if (ch == "\xE2\x80\x9C" || ch == "\xE2\x80\x9D") hint = " (a curly quote; use \")";
                        Fail("Unexpected character '" + ch + "'" + hint + ".", t.begin);
                        return false;
                    }
                }
            }
            t.end = static_cast<uint32_t>(i);
            tokens_.push_back(std::move(t));
        }
    }

    bool LexNumber(size_t& i, Token& t) {
        const size_t start = i;
        const size_t n = src_.size();
        while (i < n && IsDigit(src_[i])) ++i;
        if (i < n && src_[i] == '.') {
            ++i;
            while (i < n && IsDigit(src_[i])) ++i;
        }
        if (i < n && (src_[i] == 'e' || src_[i] == 'E')) {
            size_t j = i + 1;
            if (j < n && (src_[j] == '+' || src_[j] == '-')) ++j;
            if (j < n && IsDigit(src_[j])) {
                i = j;
                while (i < n && IsDigit(src_[i])) ++i;
            }
        }
        if (i < n && (IsIdentChar(src_[i]) || src_[i] == '.')) {
            Fail("Unexpected '" + std::string(1, src_[i]) + "' in a number.", static_cast<uint32_t>(i));
            return false;
        }
        const std::optional<Decimal> value = ParseNumberText(src_.substr(start, i - start));
        if (!value) {
            Fail("The number " + std::string(src_.substr(start, i - start)) + " is out of range.",
                 static_cast<uint32_t>(start));
            return false;
        }
        t.kind = Tok::Number;
        t.number = *value;
        return true;
    }

    bool LexString(size_t& i, Token& t) {
        const char quote = src_[i];
        const size_t start = i++;
        const size_t n = src_.size();
        std::string value;
        while (true) {
            if (i >= n) {
                Fail(std::string("This text is not closed; end it with ") + quote + ".",
                     static_cast<uint32_t>(start));
                return false;
            }
            const char c = src_[i];
            if (c == quote) {
                ++i;
                break;
            }
            if (c == '\\') {
                const char e = i + 1 < n ? src_[i + 1] : '\0';
                switch (e) {
                    case '\\':
                        value += '\\';
                        break;
                    case '"':
                        value += '"';
                        break;
                    case '\'':
                        value += '\'';
                        break;
                    case 'n':
                        value += '\n';
                        break;
                    case 'r':
                        value += '\r';
                        break;
                    case 't':
                        value += '\t';
                        break;
                    default:
                        Fail("Unknown escape sequence in text; use \\\\ \\\" \\' \\n \\r or \\t.",
                             static_cast<uint32_t>(i));
                        return false;
                }
                i += 2;
                continue;
            }
            if (c == '\0') {
                // SQLite's text functions stop at a NUL, so it could not mean the same thing in SQL.
                Fail("Text cannot contain a NUL character.", static_cast<uint32_t>(i));
                return false;
            }
            value += c;
            ++i;
        }
        t.kind = Tok::String;
        t.text = std::move(value);
        return true;
    }

    bool LexName(size_t& i, Token& t) {
        const size_t n = src_.size();
        while (true) {
            while (i < n && IsIdentChar(src_[i])) ++i;
            if (i < n && src_[i] == '.') {
                if (i + 1 < n && IsIdentStart(src_[i + 1])) {
                    ++i;
                    continue;
                }
                Fail("A field path needs a name after '.', as in Account.Name.", static_cast<uint32_t>(i));
                return false;
            }
            break;
        }
        t.kind = Tok::Ident;
        t.text = std::string(src_.substr(t.begin, i - t.begin));
        return true;
    }

    // --- parser ------------------------------------------------------------------------------------

    const Token& Peek() const { return tokens_[next_]; }
    const Token& Take() { return tokens_[next_ < tokens_.size() - 1 ? next_++ : next_]; }

    /// Counts one level of nesting for as long as it lives.
    struct DepthGuard {
        explicit DepthGuard(Parser& p) : parser(p) { ++parser.depth_; }
        ~DepthGuard() { --parser.depth_; }
        Parser& parser;
    };

    bool TooDeep(uint32_t byte) {
        if (depth_ <= max_depth_) return false;
        if (!failed_) {
            failed_ = true;
            error_ = SyntaxError("The formula is nested more than " + std::to_string(max_depth_) +
                                     " levels deep; simplify it.",
                                 position_[byte], line_[byte], "formula.too_deep");
        }
        return true;
    }

    int32_t Add(SyntaxNode node, uint32_t at) {
        // Depth of the tree, not only of the parser: 1+1+...+1 nests without parentheses.
        int depth = 1;
        for (int32_t child : node.children) depth = std::max(depth, depths_[child] + 1);
        if (depth > max_depth_) {
            depth_ = max_depth_ + 1;
            TooDeep(at);
            return -1;
        }
        node.position = position_[at];
        node.line = line_[at];
        tree_.nodes.push_back(std::move(node));
        depths_.push_back(depth);
        return static_cast<int32_t>(tree_.nodes.size() - 1);
    }

    int32_t Binary(Tok op, uint32_t op_byte, int32_t left, int32_t right) {
        SyntaxNode node;
        node.kind = SyntaxKind::Binary;
        node.op = op;
        node.begin = tree_.nodes[left].begin;
        node.end = tree_.nodes[right].end;
        node.children = {left, right};
        return Add(std::move(node), op_byte);
    }

    int32_t ParseExpression() {
        DepthGuard guard(*this);
        if (TooDeep(Peek().begin)) return -1;
        return ParseOr();
    }

    int32_t ParseOr() {
        int32_t left = ParseAnd();
        while (!failed_ && Peek().kind == Tok::OrOr) {
            const uint32_t at = Take().begin;
            const int32_t right = ParseAnd();
            if (failed_) return -1;
            left = Binary(Tok::OrOr, at, left, right);
        }
        return failed_ ? -1 : left;
    }

    int32_t ParseAnd() {
        int32_t left = ParseComparison();
        while (!failed_ && Peek().kind == Tok::AndAnd) {
            const uint32_t at = Take().begin;
            const int32_t right = ParseComparison();
            if (failed_) return -1;
            left = Binary(Tok::AndAnd, at, left, right);
        }
        return failed_ ? -1 : left;
    }

    static bool IsComparison(Tok t) {
        return t == Tok::Eq || t == Tok::Ne || t == Tok::Lt || t == Tok::Gt || t == Tok::Le || t == Tok::Ge;
    }

    int32_t ParseComparison() {
        int32_t left = ParseAdditive();
        while (!failed_ && IsComparison(Peek().kind)) {
            const Token& op = Take();
            const int32_t right = ParseAdditive();
            if (failed_) return -1;
            left = Binary(op.kind, op.begin, left, right);
        }
        return failed_ ? -1 : left;
    }

    int32_t ParseAdditive() {
        int32_t left = ParseMultiplicative();
        while (!failed_ &&
               (Peek().kind == Tok::Plus || Peek().kind == Tok::Minus || Peek().kind == Tok::Amp)) {
            const Token& op = Take();
            const int32_t right = ParseMultiplicative();
            if (failed_) return -1;
            left = Binary(op.kind, op.begin, left, right);
        }
        return failed_ ? -1 : left;
    }

    int32_t ParseMultiplicative() {
        int32_t left = ParseUnary();
        while (!failed_ && (Peek().kind == Tok::Star || Peek().kind == Tok::Slash)) {
            const Token& op = Take();
            const int32_t right = ParseUnary();
            if (failed_) return -1;
            left = Binary(op.kind, op.begin, left, right);
        }
        return failed_ ? -1 : left;
    }

    int32_t ParseUnary() {
        if (Peek().kind == Tok::Minus || Peek().kind == Tok::Bang) {
            DepthGuard guard(*this);
            const Token& op = Take();
            if (TooDeep(op.begin)) return -1;
            const int32_t operand = ParseUnary();
            if (failed_) return -1;
            SyntaxNode node;
            node.kind = SyntaxKind::Unary;
            node.op = op.kind;
            node.begin = op.begin;
            node.end = tree_.nodes[operand].end;
            node.children = {operand};
            return Add(std::move(node), op.begin);
        }
        return ParsePower();
    }

    /// ^ binds tighter than unary minus (-2^2 = -4) and is right-associative; its exponent may carry
    /// a sign (2^-1).
    int32_t ParsePower() {
        const int32_t base = ParsePrimary();
        if (failed_ || Peek().kind != Tok::Caret) return failed_ ? -1 : base;
        DepthGuard guard(*this);
        const uint32_t at = Take().begin;
        if (TooDeep(at)) return -1;
        const int32_t exponent = ParseUnary();
        if (failed_) return -1;
        return Binary(Tok::Caret, at, base, exponent);
    }

    static bool EqualsIgnoreCase(std::string_view a, const char* b) {
        const size_t n = std::strlen(b);
        if (a.size() != n) return false;
        for (size_t i = 0; i < n; ++i) {
            char c = a[i];
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
            if (c != b[i]) return false;
        }
        return true;
    }

    int32_t ParsePrimary() {
        const Token& t = Take();
        SyntaxNode node;
        node.begin = t.begin;
        node.end = t.end;
        switch (t.kind) {
            case Tok::Number:
                node.kind = SyntaxKind::Number;
                node.number = t.number;
                return Add(std::move(node), t.begin);
            case Tok::String:
                node.kind = SyntaxKind::String;
                node.text = t.text;
                return Add(std::move(node), t.begin);
            case Tok::Ident: {
                if (Peek().kind == Tok::LParen) return ParseCall(t);
                if (EqualsIgnoreCase(t.text, "TRUE")) {
                    node.kind = SyntaxKind::True;
                } else if (EqualsIgnoreCase(t.text, "FALSE")) {
                    node.kind = SyntaxKind::False;
                } else if (EqualsIgnoreCase(t.text, "NULL")) {
                    node.kind = SyntaxKind::Null;
                } else {
                    node.kind = SyntaxKind::Name;
                    node.text = t.text;
                }
                return Add(std::move(node), t.begin);
            }
            case Tok::LParen: {
                const int32_t inner = ParseExpression();
                if (failed_) return -1;
                if (Peek().kind != Tok::RParen) {
                    Fail("Missing ')' to close the '(' at position " + std::to_string(position_[t.begin]) +
                             "; found " + Describe(Peek()) + ".",
                         Peek().begin);
                    return -1;
                }
                Take();
                // The parentheses belong to the expression's text, for excerpts in messages.
                tree_.nodes[inner].begin = t.begin;
                tree_.nodes[inner].end = tokens_[next_ - 1].end;
                return inner;
            }
            case Tok::End:
                Fail("The formula ends too early; a value is missing.", t.begin);
                return -1;
            default:
                Fail("Unexpected " + Describe(t) + "; expected a value, a field or a function.", t.begin);
                return -1;
        }
    }

    int32_t ParseCall(const Token& name) {
        Take();  // (
        SyntaxNode node;
        node.kind = SyntaxKind::Call;
        node.text = name.text;
        node.begin = name.begin;
        if (Peek().kind != Tok::RParen) {
            while (true) {
                const int32_t arg = ParseExpression();
                if (failed_) return -1;
                node.children.push_back(arg);
                if (Peek().kind == Tok::Comma) {
                    Take();
                    continue;
                }
                if (Peek().kind == Tok::RParen) break;
                Fail("Expected ',' or ')' in the arguments of " + name.text + ", found " + Describe(Peek()) +
                         ".",
                     Peek().begin);
                return -1;
            }
        }
        node.end = Take().end;  // )
        return Add(std::move(node), name.begin);
    }

    std::string_view src_;
    int max_depth_;
    std::vector<int> position_;
    std::vector<int> line_;
    std::vector<Token> tokens_;
    size_t next_ = 0;
    int depth_ = 0;
    SyntaxTree tree_;
    std::vector<int> depths_;
    bool failed_ = false;
    Error error_;
};

}  // namespace

Result<SyntaxTree> Parse(std::string_view text, int max_length, int max_depth) {
    return Parser(text, max_depth).Run(max_length);
}

}  // namespace crm::formula::detail
