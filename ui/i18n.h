// Every visible string of the console, looked up by id in one of two catalogs (English,
// Simplified Chinese) defined together in i18n.cpp. Switching language is instant: the next
// frame draws from the other catalog.
#pragma once
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace crm::ui {

/// The console's display languages.
enum class Language { English, ChineseSimplified };

/// "en" or "zh-CN" (the codes the company profile and preferences use).
const char* LanguageCode(Language language);
/// Parses "en" / "zh-CN" (also "zh", "zh-Hans"); nothing for anything else.
std::optional<Language> ParseLanguage(std::string_view code);

/// Sets / reads the language Tr() answers in.
void SetLanguage(Language language);
Language CurrentLanguage();

/// The text for `id` in the current language; the id itself when the catalog lacks it.
const char* Tr(std::string_view id);
/// The text for `id` in a given language.
const char* TrIn(Language language, std::string_view id);
/// Whether the catalog has `id`.
bool HasText(std::string_view id);
/// Tr(id) with "{0}", "{1}", ... replaced by `args`.
std::string TrFormat(std::string_view id, std::initializer_list<std::string> args);
/// TrFormat in a given language.
std::string TrFormatIn(Language language, std::string_view id, std::initializer_list<std::string> args);
/// An ImGui label: the translated text, then "###id" so the widget keeps its identity when the
/// language changes.
std::string Label(std::string_view id);

/// Calls `fn` with every string of both catalogs (the font loader adds their glyphs).
void ForEachCatalogText(const std::function<void(const char*)>& fn);

}  // namespace crm::ui
