// The note after a profile or role rename: which formulas followed the new name (core/rename_follow.h).
#pragma once
#include <string>
#include <vector>

#include "rename_follow.h"

namespace crm::ui {

/// " 2 formulas now name Service Agent: validation rule Case.Agents_only, ..." in the current language
/// ("" when none followed), to append to the rename's note.
std::string FollowedFormulasNote(const std::vector<FormulaRename>& renamed, const std::string& new_name);

}  // namespace crm::ui
