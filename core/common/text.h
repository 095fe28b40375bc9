// Small text helpers shared by the services: UTF-8 checks, ASCII case, closest-name suggestions.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace crm {

/// Whether `text` is well-formed UTF-8 (JSON output requires it).
bool IsValidUtf8(std::string_view text);
/// Number of code points of well-formed UTF-8 text (what a person counts as characters).
std::size_t Utf8Length(std::string_view text);
/// Whether `text` is empty or only ASCII whitespace.
bool IsBlank(std::string_view text);
std::string ToLowerAscii(std::string_view text);
std::string ToUpperAscii(std::string_view text);
/// Levenshtein distance, for "did you mean" suggestions.
std::size_t EditDistance(std::string_view a, std::string_view b);
/// The candidate closest to `text` (case-insensitive) within a small distance, or "" when none is close.
std::string ClosestMatch(std::string_view text, const std::vector<std::string>& candidates);

}  // namespace crm
