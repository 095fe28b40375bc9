// Every visible string of the console, looked up by message id in one lookup over the catalogs of
// the kit, the shell and each area (ui/<area>/catalog.cpp). A catalog row holds a message id, the
// English text and the Simplified Chinese; a variable part is a named parameter, "{object}".
// Switching language is instant: the next frame draws from the other language.
//
// [SECTION] Languages
// [SECTION] Catalogs
// [SECTION] Lookup
#pragma once
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crm::ui {

// [SECTION] Languages

/// The console's display languages.
enum class Language { English, ChineseSimplified };

/// "en" or "zh-CN" (the codes the company profile and preferences use).
const char* LanguageCode(Language language);
/// Parses "en" / "zh-CN" (also "zh", "zh-Hans"); nothing for anything else.
std::optional<Language> ParseLanguage(std::string_view code);

/// Sets / reads the language Tr() answers in.
void SetLanguage(Language language);
Language CurrentLanguage();

// [SECTION] Catalogs

/// One message: its id ("users.saved"), English and Simplified Chinese. A variable part is written
/// "{name}" (lower case letters and '_'), the same names in both languages.
struct CatalogRow {
    const char* id;
    const char* en;
    const char* zh;
};

/// The rows of one catalog (an area's, the shell's, the kit's).
struct Catalog {
    const CatalogRow* rows = nullptr;
    size_t size = 0;
    Catalog() = default;
    template <size_t N>
    explicit Catalog(const CatalogRow (&table)[N]) : rows(table), size(N) {}
};

/// Every catalog of the console: the kit's, the shell's and each registered area's. Defined with
/// the list of areas (ui/shell/pages.cpp); the lookup reads it on first use, so text is there before
/// the console exists (startup banners, the platforms' save reasons). A message id must be unique
/// across catalogs (a duplicate is reported on stderr and the first row wins).
const std::vector<Catalog>& AllCatalogs();
/// The kit's own rows (ui/kit/catalog.cpp): words shared by several areas.
Catalog KitCatalog();

// [SECTION] Lookup

/// A named parameter: {"object", "Account"} fills "{object}".
struct Param {
    const char* name;
    std::string value;
};

/// The text for `id` in the current language; the id itself when no catalog has it.
const char* Tr(std::string_view id);
/// The text for `id` with its named parameters filled in. With a parameter "count" of "1", the row
/// "<id>.one" when a catalog has it ("{count} member" for "{count} members"; TrFormat too).
std::string Tr(std::string_view id, std::initializer_list<Param> params);
/// The text for `id` in a given language.
const char* TrIn(Language language, std::string_view id);
/// Whether a catalog has `id`.
bool HasText(std::string_view id);
/// Tr(id) with its parameters filled by position: the first argument fills the first name that
/// appears in the English text, the second the next one, and so on (the older calling form).
std::string TrFormat(std::string_view id, std::initializer_list<std::string> args);
/// TrFormat in a given language.
std::string TrFormatIn(Language language, std::string_view id, std::initializer_list<std::string> args);
/// An ImGui label: the translated text, then "###id" so the widget keeps its identity when the
/// language changes.
std::string Label(std::string_view id);

/// Calls `fn` with every string of every catalog, both languages (the font loader adds their glyphs).
void ForEachCatalogText(const std::function<void(const char*)>& fn);
/// Calls `fn` with every string of every catalog in `language`.
void ForEachCatalogTextIn(Language language, const std::function<void(const char*)>& fn);
/// The id of a catalog row whose text in `language`, or one line of it, is `text` once its
/// parameters are filled ("{count} members" is "3 members"; a parameter stands for any non-empty
/// text); nullptr when none is. A row with parameters whose other text is too short to tell a language
/// ("{name} ({count})", "{a} and {b}") matches nothing: it would match data. (The language sweep:
/// is a text drawn the other language's catalog text?)
const char* CatalogIdOf(Language language, std::string_view text);

}  // namespace crm::ui
