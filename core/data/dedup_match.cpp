// Duplicate matching (dedup_match.h states the rules).
#include "data/dedup_match.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace crm {

namespace {

/// Decodes UTF-8 to code points (an invalid byte stands for itself).
std::u32string Decode(std::string_view s) {
    std::u32string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > s.size()) {
            out.push_back(c);
            ++i;
            continue;
        }
        char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
        for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        out.push_back(cp);
        i += n;
    }
    return out;
}

void Encode(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool IsSpace(char32_t c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x3000;
}

/// Full-width ASCII to half-width, ASCII lower case.
char32_t Fold(char32_t c) {
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
    if (c == 0x3000) c = ' ';
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    return c;
}

bool EndsWith(const std::string& s, std::string_view tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

double Jaro(const std::u32string& a, const std::u32string& b) {
    if (a.empty() && b.empty()) return 1.0;
    if (a.empty() || b.empty()) return 0.0;
    const int la = static_cast<int>(a.size()), lb = static_cast<int>(b.size());
    const int window = std::max(0, std::max(la, lb) / 2 - 1);
    std::vector<char> ma(la, 0), mb(lb, 0);
    int matches = 0;
    for (int i = 0; i < la; ++i) {
        const int lo = std::max(0, i - window), hi = std::min(lb - 1, i + window);
        for (int j = lo; j <= hi; ++j) {
            if (mb[j] || a[i] != b[j]) continue;
            ma[i] = mb[j] = 1;
            ++matches;
            break;
        }
    }
    if (matches == 0) return 0.0;
    int t = 0;
    for (int i = 0, j = 0; i < la; ++i) {
        if (!ma[i]) continue;
        while (!mb[j]) ++j;
        if (a[i] != b[j]) ++t;
        ++j;
    }
    const double m = matches;
    return (m / la + m / lb + (m - t / 2.0) / m) / 3.0;
}

}  // namespace

// [SECTION] Normalisation

std::string NormalizeText(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool space = false;
    for (char32_t c : Decode(text)) {
        c = Fold(c);
        if (IsSpace(c)) {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        Encode(c, out);
    }
    return out;
}

std::string NormalizeEmail(std::string_view text) {
    std::string out = NormalizeText(text);
    out.erase(std::remove(out.begin(), out.end(), ' '), out.end());
    return out.find('@') == std::string::npos ? std::string() : out;
}

std::string NormalizePhone(std::string_view text, std::string_view country_code) {
    std::string folded = NormalizeText(text);
    for (const char* ext : {"ext", "x", "#", "转"}) {
        const size_t at = folded.find(ext);
        if (at != std::string::npos && at > 0) folded.resize(at);
    }
    bool plus = false;
    std::string digits;
    for (char c : folded) {
        if (c == '+' && digits.empty()) plus = true;
        if (c >= '0' && c <= '9') digits += c;
    }
    if (!plus && digits.rfind("00", 0) == 0) {
        plus = true;
        digits.erase(0, 2);
    }
    if (!plus) {
        while (!digits.empty() && digits[0] == '0') digits.erase(0, 1);
        if (digits.size() < 5) return "";
        std::string cc;
        for (char c : country_code)
            if (c >= '0' && c <= '9') cc += c;
        digits = cc + digits;
    }
    if (digits.size() < 5) return "";
    return "+" + digits;
}

std::string CompanyKey(std::string_view text) {
    // Punctuation to spaces (ASCII and the common CJK ones), then the suffixes off the end.
    std::string cleaned;
    for (char32_t c : Decode(NormalizeText(text))) {
        const bool punct = (c < 0x80 && std::ispunct(static_cast<int>(c)) && c != '&') || c == 0x3001 ||
                           c == 0x3002 || c == 0xFF0C || c == 0xFF08 || c == 0xFF09 || c == 0x00B7;
        Encode(punct ? U' ' : c, cleaned);
    }
    std::string s = NormalizeText(cleaned);
    static const char* const kSuffixes[] = {
        "有限责任公司",  "股份有限公司", "集团有限公司", "有限公司", "集团", "公司",
        " incorporated", " inc",         " limited",     " ltd",     " llc", " gmbh",
        " corporation",  " corp",        " company",     " co",      " plc", " ag",
        " s a",          " sa",          " pty",         " bv",      " nv"};
    for (bool again = true; again && !s.empty();) {
        again = false;
        for (const char* suffix : kSuffixes) {
            if (EndsWith(s, suffix) && s.size() > std::string_view(suffix).size()) {
                s.resize(s.size() - std::string_view(suffix).size());
                while (!s.empty() && s.back() == ' ') s.pop_back();
                again = true;
            }
        }
    }
    return s;
}

// [SECTION] Similarity

double JaroWinkler(std::string_view a, std::string_view b) {
    const std::u32string x = Decode(a), y = Decode(b);
    const double j = Jaro(x, y);
    size_t prefix = 0;
    while (prefix < 4 && prefix < x.size() && prefix < y.size() && x[prefix] == y[prefix]) ++prefix;
    return j + prefix * 0.1 * (1.0 - j);
}

double LevenshteinSimilarity(std::string_view a, std::string_view b) {
    const std::u32string x = Decode(a), y = Decode(b);
    if (x.empty() && y.empty()) return 1.0;
    std::vector<size_t> row(y.size() + 1);
    for (size_t j = 0; j <= y.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= x.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= y.size(); ++j) {
            const size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (x[i - 1] == y[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return 1.0 - static_cast<double>(row[y.size()]) / static_cast<double>(std::max(x.size(), y.size()));
}

// [SECTION] Rules

const char* MatchMethodName(MatchMethod m) {
    switch (m) {
        case MatchMethod::Exact:
            return "exact";
        case MatchMethod::Normalized:
            return "normalized";
        case MatchMethod::Email:
            return "email";
        case MatchMethod::Phone:
            return "phone";
        case MatchMethod::Fuzzy:
            return "fuzzy";
        case MatchMethod::Company:
            return "company";
    }
    return "exact";
}

bool ParseMatchMethod(std::string_view name, MatchMethod& out) {
    for (MatchMethod m : {MatchMethod::Exact, MatchMethod::Normalized, MatchMethod::Email, MatchMethod::Phone,
                          MatchMethod::Fuzzy, MatchMethod::Company}) {
        if (name == MatchMethodName(m)) {
            out = m;
            return true;
        }
    }
    return false;
}

std::string MatchKey(const MatchCondition& c, std::string_view text) {
    switch (c.method) {
        case MatchMethod::Exact:
            return std::string(text);
        case MatchMethod::Normalized:
        case MatchMethod::Fuzzy:
            return NormalizeText(text);
        case MatchMethod::Email:
            return NormalizeEmail(text);
        case MatchMethod::Phone:
            return NormalizePhone(text, c.country_code);
        case MatchMethod::Company:
            return CompanyKey(text);
    }
    return std::string(text);
}

namespace {
bool Similar(const MatchCondition& c, const std::string& a, const std::string& b) {
    if (a == b) return true;
    const double score = c.algorithm == "levenshtein" ? LevenshteinSimilarity(a, b) : JaroWinkler(a, b);
    return score >= c.threshold;
}
}  // namespace

bool IsFuzzyCondition(const MatchCondition& c) {
    return c.method == MatchMethod::Fuzzy || (c.method == MatchMethod::Company && c.threshold < 1.0);
}

std::u32string CodePoints(std::string_view text) { return Decode(text); }

size_t MinSharedCodePoints(const MatchCondition& c, size_t length) {
    const double share = c.algorithm == "levenshtein" ? c.threshold : 5.0 * c.threshold - 4.0;
    // Rounded down a little: a score that floating point puts at the threshold still finds its pair.
    const double least = std::ceil(share * static_cast<double>(length) - 1e-6);
    return least < 1.0 ? 1 : static_cast<size_t>(least);
}

bool ConditionMatches(const MatchCondition& c, const std::string& a, const std::string& b) {
    if (a.empty() || b.empty()) return false;
    if (IsFuzzyCondition(c)) return Similar(c, a, b);
    return a == b;
}

bool KeysMatch(const MatchRule& rule, const MatchKeys& a, const MatchKeys& b) {
    if (rule.conditions.empty()) return false;
    for (size_t i = 0; i < rule.conditions.size(); ++i) {
        const bool m = ConditionMatches(rule.conditions[i], a[i], b[i]);
        if (rule.any && m) return true;
        if (!rule.any && !m) return false;
    }
    return !rule.any;
}

namespace {
std::string BlockKey(const MatchCondition& c, const std::string& key) {
    if (key.empty()) return "";
    if (!IsFuzzyCondition(c)) return key;
    const std::u32string cps = Decode(key);
    std::string out;
    for (size_t i = 0; i < cps.size() && i < 2; ++i) Encode(cps[i], out);
    return out;
}
}  // namespace

std::vector<std::string> BlockingKeys(const MatchRule& rule, const MatchKeys& keys) {
    std::vector<std::string> out;
    if (rule.any) {
        for (size_t i = 0; i < rule.conditions.size(); ++i) {
            std::string k = BlockKey(rule.conditions[i], keys[i]);
            if (!k.empty()) out.push_back(std::to_string(i) + ":" + k);
        }
        return out;
    }
    // AND: every condition must match, so the most selective one's key alone bounds the pairs.
    int best = -1;
    for (size_t i = 0; i < rule.conditions.size(); ++i) {
        if (keys[i].empty()) return out;  // a blank condition value: it matches nothing under AND
        if (best < 0 || (IsFuzzyCondition(rule.conditions[best]) && !IsFuzzyCondition(rule.conditions[i])))
            best = static_cast<int>(i);
    }
    if (best >= 0) out.push_back(BlockKey(rule.conditions[best], keys[best]));
    return out;
}

}  // namespace crm
