// One index of every page and setting the console knows, for quick find: each entry's label in
// both languages plus keywords in both, so a search matches whatever the current language is.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "ui/page.h"

namespace crm::ui {

/// A page or a setting quick find can jump to.
struct SettingEntry {
    const char* id;        ///< "page.company", "company.currency", ... (the item to highlight)
    PageId page;           ///< where it lives
    const char* text_id;   ///< catalog id of its label
    const char* keywords;  ///< extra words, English and Chinese, space-separated
    bool is_page() const;
};

/// Every entry, pages first in sidebar order, then settings.
const std::vector<SettingEntry>& SettingsIndex();

/// Entries matching `query` in either language (case-insensitive), best first.
std::vector<const SettingEntry*> FindSettings(std::string_view query, size_t limit);

}  // namespace crm::ui
