// RenameGlobalLiteral: the text literals a formula compares a global with, found on the parse tree and
// rewritten in place (every other byte of the formula is kept: its layout, comments and quotes).
#include "formula/rename_literal.h"

#include <algorithm>
#include <string>
#include <vector>

#include "formula/formula.h"
#include "formula/internal.h"

namespace crm::formula {

namespace {

using detail::SyntaxKind;
using detail::SyntaxNode;
using detail::SyntaxTree;
using detail::Tok;

bool SameName(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

/// The byte range of the literal's own token inside a node's range (which includes any parentheses
/// around it, and the comments and spaces between them).
std::pair<size_t, size_t> LiteralToken(std::string_view text, const SyntaxNode& node) {
    size_t i = node.begin;
    while (i < node.end) {
        const char c = text[i];
        if (c == '/' && i + 1 < node.end && text[i + 1] == '*') {
            const size_t close = text.find("*/", i + 2);
            i = close == std::string_view::npos ? node.end : close + 2;
            continue;
        }
        if (c == '"' || c == '\'') break;
        ++i;
    }
    const char quote = text[i];
    size_t j = i + 1;
    while (j < node.end && text[j] != quote) j += text[j] == '\\' ? 2 : 1;
    return {i, std::min(j + 1, static_cast<size_t>(node.end))};
}

/// `value` as a literal in `quote`s, with the escapes the lexer reads.
std::string Quote(std::string_view value, char quote) {
    std::string out(1, quote);
    for (const char c : value) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c == quote) out += '\\';
                out += c;
        }
    }
    out += quote;
    return out;
}

}  // namespace

std::optional<std::string> RenameGlobalLiteral(std::string_view text, std::string_view global,
                                               std::string_view old_value, std::string_view new_value) {
    const CompileOptions limits;
    Result<SyntaxTree> parsed = detail::Parse(text, limits.max_length, limits.max_depth);
    if (!parsed.ok()) return std::nullopt;
    const std::vector<SyntaxNode>& nodes = parsed->nodes;
    const auto is_global = [&](int32_t n) {
        return nodes[static_cast<size_t>(n)].kind == SyntaxKind::Name &&
               SameName(nodes[static_cast<size_t>(n)].text, global);
    };
    std::vector<int32_t> literals;  // the String nodes to rewrite
    const auto take = [&](int32_t n) {
        const SyntaxNode& node = nodes[static_cast<size_t>(n)];
        if (node.kind == SyntaxKind::String && node.text == old_value) literals.push_back(n);
    };
    for (const SyntaxNode& node : nodes) {
        if (node.kind == SyntaxKind::Binary && node.children.size() == 2 &&
            (node.op == Tok::Eq || node.op == Tok::Ne)) {
            if (is_global(node.children[0])) take(node.children[1]);
            if (is_global(node.children[1])) take(node.children[0]);
        } else if (node.kind == SyntaxKind::Call && SameName(node.text, "CASE") &&
                   node.children.size() >= 2 && is_global(node.children[0])) {
            // CASE(expression, value1, result1, value2, result2, ..., else): the values are the odd arguments
            // before the last.
            for (size_t i = 1; i + 1 < node.children.size(); i += 2) take(node.children[i]);
        }
    }
    if (literals.empty()) return std::nullopt;
    std::vector<std::pair<size_t, size_t>> ranges;
    for (const int32_t n : literals) ranges.push_back(LiteralToken(text, nodes[static_cast<size_t>(n)]));
    std::sort(ranges.begin(), ranges.end());
    ranges.erase(std::unique(ranges.begin(), ranges.end()), ranges.end());
    std::string out;
    size_t at = 0;
    for (const auto& [begin, end] : ranges) {
        out.append(text.substr(at, begin - at));
        out += Quote(new_value, text[begin]);
        at = end;
    }
    out.append(text.substr(at));
    return out;
}

bool RenameGlobalLiteralsIn(nlohmann::json* document, std::string_view global, std::string_view old_value,
                            std::string_view new_value) {
    if (document->is_string()) {
        std::optional<std::string> after =
            RenameGlobalLiteral(document->get_ref<const std::string&>(), global, old_value, new_value);
        if (after) *document = std::move(*after);
        return after.has_value();
    }
    bool changed = false;
    if (document->is_structured()) {
        for (nlohmann::json& item : *document)
            changed = RenameGlobalLiteralsIn(&item, global, old_value, new_value) || changed;
    }
    return changed;
}

}  // namespace crm::formula
