// The index of every page and setting the console knows, for quick find: each area's page and the
// settings it registered (ui/shell/areas.h), each with its label in both languages plus keywords in
// both, so a search matches whatever the current language is.
#pragma once
#include <string_view>
#include <vector>

#include "ui/shell/areas.h"

namespace crm::ui {

/// Every entry, pages first in sidebar order, then settings.
const std::vector<SettingEntry>& SettingsIndex();

/// Entries matching `query` in either language (case-insensitive), best first: the settings index and
/// the `named` entries (users, objects, fields by name; NamedEntriesFor), mixed by how well they match.
std::vector<SettingEntry> FindSettings(std::string_view query, size_t limit,
                                       const std::vector<SettingEntry>& named = {});

/// Every area's named entries (AreaSpec::names), as `actor` may see them.
std::vector<SettingEntry> NamedEntriesFor(Workspace& workspace, const std::string& actor);

}  // namespace crm::ui
