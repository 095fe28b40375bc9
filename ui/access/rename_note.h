// The note after a profile or role rename: which settings followed the new name (core/rename_follow.h).
#pragma once
#include <string>
#include <vector>

#include "rename_follow.h"

namespace crm::ui {

/// " 2 settings now name Service Agent: validation rule Case.Agents_only, process Case.Support, ..." in the
/// current language
/// ("" when none followed), to append to the rename's note.
std::string FollowedNote(const std::vector<FollowedRename>& renamed, const std::string& new_name);

}  // namespace crm::ui
