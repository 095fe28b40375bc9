// Semantics shared by the evaluator and the SQL side (registered functions, and expressions written
// to give the same doubles): text positions, rounding, number parsing, regular expressions.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "formula/internal.h"

namespace crm::formula::detail {

size_t CodePointCount(std::string_view text) {
    size_t count = 0;
    for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return count;
}

size_t CodePointOffset(std::string_view text, size_t index) {
    size_t seen = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (seen == index) return i;
            ++seen;
        }
    }
    return text.size();
}

std::optional<Decimal> ParseNumberText(std::string_view text) { return Decimal::Parse(text); }

std::optional<int64_t> ParseDateTimeText(std::string_view text) {
    if (text.size() == 10) {
        const std::optional<int64_t> days = ParseDate(text);
        if (!days) return std::nullopt;
        return *days * kMsPerDay;
    }
    if (text.size() != 19 || text[10] != ' ' || text[13] != ':' || text[16] != ':') return std::nullopt;
    const std::optional<int64_t> days = ParseDate(text.substr(0, 10));
    if (!days) return std::nullopt;
    int parts[3] = {0, 0, 0};
    for (int p = 0; p < 3; ++p) {
        for (int k = 0; k < 2; ++k) {
            const char c = text[11 + p * 3 + k];
            if (c < '0' || c > '9') return std::nullopt;
            parts[p] = parts[p] * 10 + (c - '0');
        }
    }
    if (parts[0] > 23 || parts[1] > 59 || parts[2] > 59) return std::nullopt;
    return *days * kMsPerDay + (parts[0] * 3600 + parts[1] * 60 + parts[2]) * int64_t{1000};
}

std::string Pad(const std::string& text, int64_t length, const std::string& pad, bool left) {
    if (length <= 0) return "";
    const int64_t count = static_cast<int64_t>(CodePointCount(text));
    if (count >= length) return text.substr(0, CodePointOffset(text, static_cast<size_t>(length)));
    if (pad.empty()) return text;
    const size_t needed = static_cast<size_t>(length - count);
    std::string fill;
    const size_t pad_count = CodePointCount(pad);
    while (CodePointCount(fill) + pad_count <= needed) fill += pad;
    fill += pad.substr(0, CodePointOffset(pad, needed - CodePointCount(fill)));
    return left ? fill + text : text + fill;
}

int64_t FindText(const std::string& search, const std::string& text, int64_t start) {
    if (search.empty() || start < 1) return 0;
    const size_t from = CodePointOffset(text, static_cast<size_t>(start - 1));
    if (from >= text.size()) return 0;
    const size_t at = text.find(search, from);
    if (at == std::string::npos) return 0;
    return static_cast<int64_t>(CodePointCount(std::string_view(text).substr(0, at))) + 1;
}

std::optional<Decimal> MathFunction(Op op, const Decimal& x) {
    const double v = x.ToDouble();
    double r = 0;
    switch (op) {
        case Op::Sqrt:
            if (v < 0) return std::nullopt;
            r = std::sqrt(v);
            break;
        case Op::Exp:
            r = std::exp(v);
            break;
        case Op::Ln:
            if (v <= 0) return std::nullopt;
            r = std::log(v);
            break;
        default:
            if (v <= 0) return std::nullopt;
            r = std::log10(v);
            break;
    }
    return Decimal::FromDoubleDigits(r, 15);
}

const std::vector<GlobalSpec>& GlobalSpecs() {
    static const std::vector<GlobalSpec> kSpecs = {
        {"$User.Id", &Globals::user_id},
        {"$User.Username", &Globals::user_username},
        {"$User.FullName", &Globals::user_full_name},
        {"$User.Email", &Globals::user_email},
        {"$User.Language", &Globals::user_language},
        {"$Profile.Name", &Globals::profile_name},
        {"$UserRole.Name", &Globals::role_name},
        {"$Organization.Name", &Globals::organization_name},
        {"$Organization.Currency", &Globals::organization_currency},
        {"$Organization.TimeZone", &Globals::organization_time_zone},
    };
    return kSpecs;
}

int FindGlobal(std::string_view name) {
    const auto& specs = GlobalSpecs();
    for (size_t i = 0; i < specs.size(); ++i) {
        const std::string_view candidate(specs[i].name);
        if (candidate.size() != name.size()) continue;
        bool same = true;
        for (size_t k = 0; k < name.size() && same; ++k) {
            const auto lower = [](char c) {
                return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
            };
            same = lower(name[k]) == lower(candidate[k]);
        }
        if (same) return static_cast<int>(i);
    }
    return -1;
}

namespace {

/// UTF-8 to code points (wchar_t is 32 bits on Linux and under Emscripten); bad bytes become U+FFFD.
std::wstring Widen(std::string_view text) {
    static_assert(sizeof(wchar_t) >= 4, "REGEX needs 32-bit wchar_t");
    std::wstring out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        size_t n = c < 0x80             ? 0
                   : (c & 0xE0) == 0xC0 ? 1
                   : (c & 0xF0) == 0xE0 ? 2
                   : (c & 0xF8) == 0xF0 ? 3
                                        : 4;
        uint32_t cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
        bool ok = n < 4 && i + n < text.size();
        for (size_t k = 1; ok && k <= n; ++k) {
            const unsigned char cc = static_cast<unsigned char>(text[i + k]);
            ok = (cc & 0xC0) == 0x80;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (!ok) {
            out += static_cast<wchar_t>(0xFFFD);
            ++i;
            continue;
        }
        out += static_cast<wchar_t>(cp);
        i += n + 1;
    }
    return out;
}

const char* RegexErrorReason(std::regex_constants::error_type code) {
    namespace rc = std::regex_constants;
    if (code == rc::error_paren) return "its parentheses ( ) are not balanced";
    if (code == rc::error_brack) return "its brackets [ ] are not balanced";
    if (code == rc::error_brace) return "its braces { } are not balanced";
    if (code == rc::error_badbrace) return "a {n,m} repeat is invalid";
    if (code == rc::error_range) return "a range in [ ] is invalid";
    if (code == rc::error_badrepeat) return "a *, + or ? has nothing to repeat";
    if (code == rc::error_escape) return "it has an invalid escape (\\)";
    if (code == rc::error_backref) return "it refers to a group that does not exist";
    if (code == rc::error_ctype || code == rc::error_collate) return "a character class is invalid";
    if (code == rc::error_space || code == rc::error_complexity || code == rc::error_stack)
        return "it is too complex";
    return "it is not a valid regular expression";
}

}  // namespace

namespace {

std::shared_ptr<const std::wregex> TryCompile(const std::wstring& pattern, std::string* reason) {
    const auto flags = std::wregex::ECMAScript;
    try {
#ifdef __GLIBCXX__
        // libstdc++'s default matcher backtracks recursively (stack and time can explode); its
        // Thompson-NFA mode is polynomial. It refuses back-references, which then use the default.
        try {
            return std::make_shared<const std::wregex>(pattern, flags | std::regex_constants::__polynomial);
        } catch (const std::regex_error& e) {
            if (e.code() != std::regex_constants::error_complexity) throw;
        }
#endif
        return std::make_shared<const std::wregex>(pattern, flags);
    } catch (const std::regex_error& e) {
        *reason = RegexErrorReason(e.code());
    } catch (const std::exception&) {
        *reason = "it is too complex";
    }
    return nullptr;
}

}  // namespace

namespace {

/// Reads {n}, {n,} or {n,m} at `i`; false if the text there is not a quantifier.
bool ReadBraces(const std::wstring& p, size_t i, size_t* end, long* low, long* high) {
    size_t j = i + 1;
    const auto number = [&](long* out) {
        const size_t start = j;
        long value = 0;
        while (j < p.size() && p[j] >= L'0' && p[j] <= L'9') {
            value = std::min(value * 10 + (p[j] - L'0'), 1000000L);
            ++j;
        }
        *out = value;
        return j > start;
    };
    if (!number(low)) return false;
    *high = *low;
    if (j < p.size() && p[j] == L',') {
        ++j;
        if (!number(high)) *high = -1;
    }
    if (j >= p.size() || p[j] != L'}') return false;
    *end = j + 1;
    return true;
}

/// The value of one class atom at `i` ('a', '\-'...), or -1 when it is a set or unknown (\d, \x41).
long ClassAtom(const std::wstring& p, size_t* i) {
    if (p[*i] != L'\\') return static_cast<long>(p[(*i)++]);
    if (*i + 1 >= p.size()) {
        ++*i;
        return -1;
    }
    const wchar_t e = p[*i + 1];
    *i += 2;
    if (e == L'x' || e == L'u') {  // \xHH, \uHHHH: [\u4e00-\u9fa5] is the usual "a Chinese character"
        const size_t digits = e == L'x' ? 2 : 4;
        long value = 0;
        for (size_t k = 0; k < digits; ++k, ++*i) {
            if (*i >= p.size()) return -1;
            const wchar_t h = p[*i];
            const int v = h >= L'0' && h <= L'9'   ? h - L'0'
                          : h >= L'a' && h <= L'f' ? h - L'a' + 10
                          : h >= L'A' && h <= L'F' ? h - L'A' + 10
                                                   : -1;
            if (v < 0) return -1;
            value = value * 16 + v;
        }
        return value;
    }
    switch (e) {
        case L't':
            return 9;
        case L'n':
            return 10;
        case L'v':
            return 11;
        case L'f':
            return 12;
        case L'r':
            return 13;
        default:
            break;
    }
    const bool letter_or_digit =
        (e >= L'a' && e <= L'z') || (e >= L'A' && e <= L'Z') || (e >= L'0' && e <= L'9');
    return letter_or_digit ? -1 : static_cast<long>(e);
}

/// The two standard libraries do not accept the same ECMAScript patterns (libc++ takes [z-a] and
/// x{99999}, libstdc++ takes a** and a lone ]). This pass refuses what either would, bounds what could
/// exhaust the stack or memory, and escapes a literal ] or } so both read it the same way.
bool NormalizePattern(const std::wstring& p, std::wstring* out, std::string* reason) {
    const auto fail = [&](const char* why) {
        *reason = why;
        return false;
    };
    int depth = 0;
    bool atom = false;        // something a quantifier can apply to precedes
    bool quantified = false;  // a quantifier was just written (only a lazy '?' may follow)
    size_t i = 0;
    while (i < p.size()) {
        const wchar_t c = p[i];
        if (c == L'\\') {
            if (i + 1 >= p.size()) return fail("it ends with a lone \\");
            if (p[i + 1] == L'k') return fail("named back-references (\\k) are not supported");
            out->append(p, i, 2);
            i += 2;
            atom = true, quantified = false;
        } else if (c == L'[') {
            size_t j = i + 1;
            if (j < p.size() && p[j] == L'^') ++j;
            if (j < p.size() && p[j] == L']' && j == i + 1) return fail("an empty [ ] matches nothing");
            while (j < p.size() && p[j] != L']') {
                const long from = ClassAtom(p, &j);
                if (j + 1 < p.size() && p[j] == L'-' && p[j + 1] != L']') {
                    ++j;
                    const long to = ClassAtom(p, &j);
                    if (from < 0 || to < 0) return fail("a range in [ ] is invalid");
                    if (from > to) return fail("a range in [ ] is invalid");
                }
            }
            if (j >= p.size()) return fail("its brackets [ ] are not balanced");
            out->append(p, i, j + 1 - i);
            i = j + 1;
            atom = true, quantified = false;
        } else if (c == L'(') {
            if (++depth > 30) return fail("its groups are nested more than 30 deep");
            size_t end = i + 1;
            if (end < p.size() && p[end] == L'?') {  // (?: (?= (?!
                if (end + 1 >= p.size() || (p[end + 1] != L':' && p[end + 1] != L'=' && p[end + 1] != L'!')) {
                    return fail("only the groups (...), (?:...), (?=...) and (?!...) are supported");
                }
                end += 2;
            }
            out->append(p, i, end - i);
            i = end;
            atom = false, quantified = false;
        } else if (c == L')') {
            --depth;
            out->push_back(c);
            ++i;
            atom = true, quantified = false;
        } else if (c == L'*' || c == L'+' || c == L'?' || c == L'{') {
            size_t end = i + 1;
            if (c == L'{') {
                long low = 0, high = 0;
                if (!ReadBraces(p, i, &end, &low, &high)) return fail("its braces { } are not balanced");
                if (low > 1000 || high > 1000) return fail("a {n,m} repeat is larger than 1000");
                if (high >= 0 && high < low) return fail("a {n,m} repeat is invalid");
            }
            if (quantified && c == L'?') {
                quantified = false;  // lazy: a*? a{2}?
                atom = false;
            } else if (!atom) {
                return fail("a *, + or ? has nothing to repeat");
            } else {
                quantified = true;
                atom = false;
            }
            out->append(p, i, end - i);
            i = end;
        } else if (c == L']' || c == L'}') {
            out->push_back(L'\\');
            out->push_back(c);
            ++i;
            atom = true, quantified = false;
        } else {
            out->push_back(c);
            ++i;
            atom = c != L'|' && c != L'^' && c != L'$';
            quantified = false;
        }
    }
    return true;
}

}  // namespace

std::shared_ptr<const std::wregex> CompileRegex(const std::string& utf8_pattern, std::string* reason) {
    const std::wstring raw = Widen(utf8_pattern);
    if (raw.size() > kMaxRegexPattern) {
        *reason = "it is longer than " + std::to_string(kMaxRegexPattern) + " characters";
        return nullptr;
    }
    std::wstring pattern;
    if (!NormalizePattern(raw, &pattern, reason)) return nullptr;
    // Checked alone first, so that "a)|(b" is refused instead of becoming valid once wrapped.
    if (!TryCompile(pattern, reason)) return nullptr;
    // Whole-string match as "(?:pattern)$" matched from the start: libc++'s regex_match stops at the
    // first (leftmost-first) match and fails "a|ab" on "ab"; an anchored pattern backtracks instead,
    // so both standard libraries agree.
    return TryCompile(L"(?:" + pattern + L")$", reason);
}

bool RegexFullMatch(const std::wregex& regex, const std::string& text, bool* matched, std::string* reason) {
    if (CodePointCount(text) > kMaxRegexSubject) {
        *reason = "REGEX can only match text of up to " + std::to_string(kMaxRegexSubject) + " characters";
        return false;
    }
    try {
        *matched = std::regex_match(Widen(text), regex);
        return true;
    } catch (const std::regex_error& e) {
        *reason = std::string("the regular expression cannot be matched: ") + RegexErrorReason(e.code());
    } catch (const std::exception&) {
        *reason = "the regular expression is too complex to match";
    }
    return false;
}

}  // namespace crm::formula::detail
