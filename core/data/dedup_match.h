// Duplicate matching: how two values of a field are compared (the normalisations and the fuzzy scores), a
// matching rule's conditions combined with AND or OR, and the blocking keys a scan groups records by.
//
// [SECTION] Normalisation  NormalizeText, NormalizeEmail, NormalizePhone, CompanyKey
// [SECTION] Similarity     JaroWinkler, LevenshteinSimilarity
// [SECTION] Rules          MatchMethod, MatchCondition, MatchRule, MatchKeys, KeysMatch, BlockingKeys
//
// Decisions where SEMANTICS.md is silent:
// - A blank value (after normalisation) never matches, not even another blank: two Accounts without a
//   phone are not duplicates by phone.
// - "normalized" folds full-width ASCII (ＡＢＣ１２３, the ideographic space) to half-width, lower-cases
//   ASCII letters, trims and collapses runs of white space. Non-ASCII letters keep their case.
// - "phone" writes E.164: a leading + (or 00) keeps the country code as written; a number without one
//   drops a national trunk 0 and takes the condition's country_code (default "86", the company's market);
//   fewer than 5 digits is blank. Extensions (after "x" or "ext") are dropped.
// - "email" trims and lower-cases the whole address (mailbox and domain); text without "@" is blank.
// - "company" is "normalized" with punctuation dropped and legal suffixes removed from the end, repeatedly
//   (有限责任公司, 股份有限公司, 有限公司, 集团, Inc., Ltd., Limited, LLC, GmbH, Corp., Co., PLC, AG, S.A.):
//   "Acme, Inc." and "ACME" match; with a threshold below 1 the rest is compared as "fuzzy".
// - "fuzzy" compares normalized text by Jaro-Winkler (default) or by Levenshtein similarity
//   (1 - distance / longer length), counted in Unicode code points, at or above `threshold` (default 0.9).
// - A scan's blocking key for a fuzzy comparison is the first two code points of the normalized text, so a
//   scan does not find a pair that differs in its first two characters (a save-time check does).
// - The save-time check (dedup_index.h) finds every fuzzy match through the code points two keys share
//   (MinSharedCodePoints): Levenshtein similarity t over the longer length L leaves at most (1-t)L edits,
//   so the keys share at least tL >= t*|a| code points; Jaro-Winkler is at most 0.4 + 0.6 Jaro (a prefix of
//   at most 4), and Jaro at most (m/|a| + m/|b| + 1)/3 with m <= shared and m/|b| <= 1, so a match at t
//   shares at least (5t - 4)|a| code points, and always at least one.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace crm {

// [SECTION] Normalisation

/// Full-width to half-width, ASCII lower case, trimmed, white space collapsed.
std::string NormalizeText(std::string_view text);
/// Trimmed, lower case; "" unless it holds an "@".
std::string NormalizeEmail(std::string_view text);
/// E.164 ("+8613800138000"), or "" for too few digits.
std::string NormalizePhone(std::string_view text, std::string_view country_code = "86");
/// The company name without punctuation and legal suffixes.
std::string CompanyKey(std::string_view text);

// [SECTION] Similarity

/// Jaro-Winkler similarity of two UTF-8 texts, 0..1 (1 = equal), over code points.
double JaroWinkler(std::string_view a, std::string_view b);
/// 1 - Levenshtein distance / the longer length, over code points (1 = equal; two blanks = 1).
double LevenshteinSimilarity(std::string_view a, std::string_view b);

// [SECTION] Rules

enum class MatchMethod { Exact, Normalized, Email, Phone, Fuzzy, Company };
/// "exact", "normalized", "email", "phone", "fuzzy", "company".
const char* MatchMethodName(MatchMethod method);
bool ParseMatchMethod(std::string_view name, MatchMethod& out);

/// One field compared one way.
struct MatchCondition {
    std::string field;  ///< API name
    MatchMethod method = MatchMethod::Exact;
    double threshold = 0.9;  ///< fuzzy (and company below 1): the least similarity that matches
    std::string algorithm = "jaro_winkler";  ///< fuzzy: "jaro_winkler" or "levenshtein"
    std::string country_code = "86";         ///< phone: the code of numbers written without one
};

/// Conditions combined with AND (all match) or OR (any matches).
struct MatchRule {
    std::vector<MatchCondition> conditions;
    bool any = false;  ///< OR
};

/// The value of each condition's field as that condition compares it (one per condition).
using MatchKeys = std::vector<std::string>;

/// The comparable form of `text` under a condition.
std::string MatchKey(const MatchCondition& condition, std::string_view text);
/// Whether a condition compares by similarity (fuzzy, or company below 1).
bool IsFuzzyCondition(const MatchCondition& condition);
/// A UTF-8 text's code points (an invalid byte stands for itself), as the similarity scores count them.
std::u32string CodePoints(std::string_view text);
/// The least number of code points (counted with repeats) a key of `length` code points shares with any
/// key a fuzzy condition matches it with (see the decisions above); at least 1.
size_t MinSharedCodePoints(const MatchCondition& condition, size_t length);
/// Whether two records' keys match under one condition (blank never matches).
bool ConditionMatches(const MatchCondition& condition, const std::string& a, const std::string& b);
/// Whether two records' keys match under the rule.
bool KeysMatch(const MatchRule& rule, const MatchKeys& a, const MatchKeys& b);
/// The keys a scan groups a record by: records that can match share at least one ("" entries left out).
/// AND: one key, of the most selective condition; OR: one per condition, tagged with its index.
std::vector<std::string> BlockingKeys(const MatchRule& rule, const MatchKeys& keys);

}  // namespace crm
