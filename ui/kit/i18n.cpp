// The lookup over every catalog (the rows themselves live with their areas: ui/<area>/catalog.cpp,
// ui/shell/catalog.cpp, ui/kit/catalog.cpp) and the filling in of named parameters.
#include "ui/kit/i18n.h"

#include <cstdio>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace crm::ui {

namespace {

Language g_language = Language::English;

const std::unordered_map<std::string_view, const CatalogRow*>& Index() {
    static const std::unordered_map<std::string_view, const CatalogRow*> index = [] {
        std::unordered_map<std::string_view, const CatalogRow*> map;
        for (const Catalog& catalog : AllCatalogs()) {
            for (size_t i = 0; i < catalog.size; ++i) {
                const CatalogRow& row = catalog.rows[i];
                if (!map.emplace(row.id, &row).second)
                    std::fprintf(stderr, "[i18n] message id \"%s\" is in two catalogs\n", row.id);
            }
        }
        return map;
    }();
    return index;
}

const char* Missing(std::string_view id) {
    // Keeps the id alive (Tr returns a pointer) and reports each missing id once.
    static std::unordered_set<std::string> missing;
    auto [it, inserted] = missing.emplace(id);
    if (inserted) std::fprintf(stderr, "[i18n] missing text for \"%s\"\n", it->c_str());
    return it->c_str();
}

// The length of the parameter name at text[pos] ('{' then [a-z_]+ then '}'), or 0.
size_t ParamAt(std::string_view text, size_t pos) {
    if (text[pos] != '{') return 0;
    size_t end = pos + 1;
    while (end < text.size() && (text[end] == '_' || (text[end] >= 'a' && text[end] <= 'z'))) ++end;
    if (end == pos + 1 || end >= text.size() || text[end] != '}') return 0;
    return end - pos - 1;
}

// `text` with each "{name}" replaced by its value (one pass: values are never scanned again);
// a name without a value stays as written.
template <typename ValueOf>
std::string Fill(std::string_view text, const ValueOf& value_of) {
    std::string out;
    out.reserve(text.size());
    for (size_t pos = 0; pos < text.size();) {
        if (const size_t len = ParamAt(text, pos)) {
            if (const std::string* value = value_of(text.substr(pos + 1, len))) {
                out += *value;
                pos += len + 2;
                continue;
            }
        }
        out += text[pos++];
    }
    return out;
}

// The parameter names of `text` in the order they first appear.
std::vector<std::string_view> ParamNames(std::string_view text) {
    std::vector<std::string_view> names;
    for (size_t pos = 0; pos < text.size(); ++pos) {
        if (const size_t len = ParamAt(text, pos)) {
            const std::string_view name = text.substr(pos + 1, len);
            bool seen = false;
            for (std::string_view n : names) seen = seen || n == name;
            if (!seen) names.push_back(name);
        }
    }
    return names;
}

}  // namespace

const char* LanguageCode(Language language) {
    return language == Language::ChineseSimplified ? "zh-CN" : "en";
}

std::optional<Language> ParseLanguage(std::string_view code) {
    if (code == "en" || code == "en-US" || code == "en-GB") return Language::English;
    if (code == "zh-CN" || code == "zh" || code == "zh-Hans") return Language::ChineseSimplified;
    return std::nullopt;
}

void SetLanguage(Language language) { g_language = language; }
Language CurrentLanguage() { return g_language; }

const char* TrIn(Language language, std::string_view id) {
    const auto& index = Index();
    auto it = index.find(id);
    if (it == index.end()) return Missing(id);
    return language == Language::ChineseSimplified ? it->second->zh : it->second->en;
}

const char* Tr(std::string_view id) { return TrIn(g_language, id); }

bool HasText(std::string_view id) { return Index().count(id) > 0; }

std::string TrFormat(std::string_view id, std::initializer_list<std::string> args) {
    return TrFormatIn(g_language, id, args);
}

namespace {

// "{count} members" has a singular row "<id>.one" ("{count} member"): the text for `id` in `language`,
// the singular one when `count` (the value of the parameter "count") is "1" and the catalog has it.
const char* CountedText(Language language, std::string_view id, const std::string* count) {
    if (count && *count == "1") {
        const std::string one = std::string(id) + ".one";
        if (HasText(one)) return TrIn(language, one);
    }
    return TrIn(language, id);
}

}  // namespace

std::string TrFormatIn(Language language, std::string_view id, std::initializer_list<std::string> args) {
    const std::vector<std::string_view> names = ParamNames(TrIn(Language::English, id));
    auto value_of = [&](std::string_view name) -> const std::string* {
        for (size_t i = 0; i < names.size() && i < args.size(); ++i) {
            if (names[i] == name) return args.begin() + i;
        }
        return nullptr;
    };
    return Fill(CountedText(language, id, value_of("count")), value_of);
}

std::string Tr(std::string_view id, std::initializer_list<Param> params) {
    auto value_of = [&](std::string_view name) -> const std::string* {
        for (const Param& param : params) {
            if (name == param.name) return &param.value;
        }
        return nullptr;
    };
    return Fill(CountedText(g_language, id, value_of("count")), value_of);
}

std::string Label(std::string_view id) {
    std::string label = Tr(id);
    label += "###";
    label += id;
    return label;
}

namespace {

/// One line of a catalog text, cut at its parameters: literal parts between them; a parameter
/// before the first part, between two parts and after the last stands for any non-empty text.
struct LinePattern {
    const char* id;
    std::vector<std::string_view> parts;  ///< literal text; parts[i] follows a parameter when i > 0
    bool starts_with_param = false;
    bool ends_with_param = false;
};

// How much of a language `text` carries: its ASCII letters, and three for each character beyond
// ASCII (a CJK character is three bytes of UTF-8).
int LetterWeight(std::string_view text) {
    int weight = 0;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x80 || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z')) ++weight;
    }
    return weight;
}

// A row's literal text must weigh this much to say which language a text is in: "{a} and {b}" (3) or
// "{a}和{b}" (3) would match data ("questions, problems and requests"); "{count} members" (7) does not.
constexpr int kTellingWeight = 5;

// Whether `text`, from `pos` on, matches the parts from `part` on (each parameter non-empty).
bool MatchFrom(const LinePattern& p, std::string_view text, size_t pos, size_t part) {
    if (part == p.parts.size()) return p.ends_with_param ? pos < text.size() : pos == text.size();
    const std::string_view lit = p.parts[part];
    const bool after_param = part > 0 || p.starts_with_param;
    if (!after_param) return text.substr(pos, lit.size()) == lit && MatchFrom(p, text, pos + lit.size(), part + 1);
    for (size_t at = text.find(lit, pos + 1); at != std::string_view::npos; at = text.find(lit, at + 1)) {
        if (MatchFrom(p, text, at + lit.size(), part + 1)) return true;
    }
    return false;
}

/// The catalog texts of one language: whole lines without parameters by text, the others as patterns.
struct LanguageIndex {
    std::unordered_map<std::string_view, const char*> exact;
    std::vector<LinePattern> patterns;
};

LanguageIndex BuildLanguageIndex(Language language) {
    LanguageIndex index;
    for (const Catalog& catalog : AllCatalogs()) {
        for (size_t i = 0; i < catalog.size; ++i) {
            const CatalogRow& row = catalog.rows[i];
            const std::string_view text = language == Language::ChineseSimplified ? row.zh : row.en;
            for (size_t start = 0; start <= text.size();) {
                size_t end = text.find('\n', start);
                if (end == std::string_view::npos) end = text.size();
                const std::string_view line = text.substr(start, end - start);
                start = end + 1;
                LinePattern p{row.id, {}, false, false};
                size_t lit = 0;
                int weight = 0;
                for (size_t pos = 0; pos < line.size();) {
                    if (const size_t len = ParamAt(line, pos)) {
                        if (pos == 0) p.starts_with_param = true;
                        if (pos > lit) p.parts.push_back(line.substr(lit, pos - lit));
                        if (pos > lit) weight += LetterWeight(line.substr(lit, pos - lit));
                        pos += len + 2;
                        lit = pos;
                        continue;
                    }
                    ++pos;
                }
                if (lit < line.size()) {
                    p.parts.push_back(line.substr(lit));
                    weight += LetterWeight(line.substr(lit));
                } else if (lit > 0) {
                    p.ends_with_param = true;
                }
                const bool whole = !p.starts_with_param && !p.ends_with_param && p.parts.size() == 1;
                if (weight == 0 || (!whole && weight < kTellingWeight)) continue;
                if (whole) {
                    index.exact.emplace(p.parts[0], row.id);
                } else {
                    index.patterns.push_back(std::move(p));
                }
            }
        }
    }
    return index;
}

}  // namespace

const char* CatalogIdOf(Language language, std::string_view text) {
    static const LanguageIndex english = BuildLanguageIndex(Language::English);
    static const LanguageIndex chinese = BuildLanguageIndex(Language::ChineseSimplified);
    const LanguageIndex& index = language == Language::ChineseSimplified ? chinese : english;
    if (auto it = index.exact.find(text); it != index.exact.end()) return it->second;
    for (const LinePattern& p : index.patterns) {
        if (MatchFrom(p, text, 0, 0)) return p.id;
    }
    return nullptr;
}

void ForEachCatalogText(const std::function<void(const char*)>& fn) {
    ForEachCatalogTextIn(Language::English, fn);
    ForEachCatalogTextIn(Language::ChineseSimplified, fn);
}

void ForEachCatalogTextIn(Language language, const std::function<void(const char*)>& fn) {
    for (const Catalog& catalog : AllCatalogs()) {
        for (size_t i = 0; i < catalog.size; ++i)
            fn(language == Language::English ? catalog.rows[i].en : catalog.rows[i].zh);
    }
}

}  // namespace crm::ui
