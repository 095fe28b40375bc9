// Pieces shared by the Users & Permissions panels: a combo over names with an optional "any"
// row, and the labels of permission bits in the current language.
#pragma once
#include <string>
#include <vector>

namespace crm::ui {

/// A combo over `names`; with `any_id` set, row 0 is that catalog text and means "". Publishes
/// "<hook>" and "<hook>.option.<name>" ("<hook>.option.any"). True when `*value` changed.
bool NameCombo(const std::string& hook, const std::vector<std::string>& names, std::string* value,
               const char* any_id = nullptr);
/// The object permission names in matrix order: read, create, edit, delete, view_all, modify_all.
const std::vector<std::string>& ObjectPermKeys();
/// "Read", "读取", ... for a key of ObjectPermKeys().
std::string ObjectPermLabel(const std::string& key);

}  // namespace crm::ui
