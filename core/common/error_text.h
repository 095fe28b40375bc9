// The Chinese text of every error the core produces, in one catalog (error_text.cpp).
//
// The core writes its Error messages in English where they arise. The catalog holds each message
// as an English template with numbered placeholders for the variable parts (names, numbers, values)
// and the Chinese template they are placed into; a message is translated by matching it against the
// templates. A message no template matches (a validation rule's own text, an SQLite diagnostic)
// stays in English. The console, the command interface ("message_zh") and the tests all use it.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace crm {

/// The Chinese form of an English error message; nothing when no template matches it.
std::optional<std::string> ChineseErrorMessage(std::string_view english);

/// The Chinese of a word or phrase the core fills into its sentences (a permission, a type); nothing
/// when the term table lacks it.
std::optional<std::string> ChineseTerm(std::string_view english);

/// The error's message in `language` ("en" or "zh-CN"; "zh", "zh-Hans" too): the Chinese form when
/// the catalog has one (by the error's message id when it has one, common/messages.h; else by matching
/// its English against the templates), else the English message.
std::string ErrorMessageIn(const Error& error, std::string_view language);

}  // namespace crm
