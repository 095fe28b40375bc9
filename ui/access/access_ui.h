// Pieces shared by the Users & Permissions panels: a combo over names with an optional "any"
// row, and the labels of permission bits in the current language.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "access/access.h"

namespace crm::ui {

/// A combo over `names`; with `any_id` set, row 0 is that catalog text and means "". Publishes
/// "<hook>" and "<hook>.option.<name>" ("<hook>.option.any"). True when `*value` changed. `shown`, when
/// set, is what a name reads as (a user's full name, an object's label); the value stays the name.
bool NameCombo(const std::string& hook, const std::vector<std::string>& names, std::string* value,
               const char* any_id = nullptr,
               const std::function<std::string(const std::string&)>& shown = nullptr);
/// A user as people read them: "高建国 (user9)", the username alone when there is no full name.
std::string UserShownName(const User& user);
/// The same for a username looked up among `users` (the username when none has it).
std::string UserShownName(const std::vector<User>& users, const std::string& username);
/// The object permission names in matrix order: read, create, edit, delete, view_all, modify_all.
const std::vector<std::string>& ObjectPermKeys();
/// "Read", "读取", ... for a key of ObjectPermKeys().
std::string ObjectPermLabel(const std::string& key);

}  // namespace crm::ui
