// A renamed profile or role in the formulas naming it: the text literals a formula compares a global with
// ($Profile.Name = "Sales Rep"), found on the parse tree and rewritten in place. The rule is in
// docs/ARCHITECTURE.md ("Renames follow"); AccessService::RenamePermissionSet / RenameRole use it.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace crm::formula {

/// Renames a value a formula compares a global with: every text literal equal to `old_value` (exactly)
/// that is compared with `global` ("$Profile.Name", case-insensitive like every name) by = == <> != (on
/// either side, through parentheses), or is a value of a CASE on it, is written as `new_value`, in the old
/// literal's quotes with the escapes it needs. Found with the parser, not a text search:
/// `Name = "Sales Rep"`, CONTAINS($Profile.Name, "Sales Rep"), a CASE's else result and a literal in a
/// comment are left alone; every other byte is kept. Answers the new text, or nothing when no literal
/// matched (also when `text` does not parse: there is nothing to rename in it).
std::optional<std::string> RenameGlobalLiteral(std::string_view text, std::string_view global,
                                               std::string_view old_value, std::string_view new_value);

/// RenameGlobalLiteral over every string of a stored definition whose conditions and values are formulas
/// (an automation rule's actions): a string that is not such a formula stays as it is. Answers whether
/// anything changed.
bool RenameGlobalLiteralsIn(nlohmann::json* document, std::string_view global, std::string_view old_value,
                            std::string_view new_value);

}  // namespace crm::formula
