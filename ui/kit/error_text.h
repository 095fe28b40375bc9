// The text of a core Error in the console's current language. The Chinese of every error lives in
// the core's catalog (core/common/error_text.cpp), shared with the command interface and the tests.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "common/result.h"

namespace crm::ui {

/// The error's message in the language of Tr() (English when the catalog has no Chinese for it).
std::string ErrorText(const Error& error);
/// The same for an error message kept as text (the startup banner keeps only the message).
std::string ErrorText(const std::string& message);
/// The message of a failed command answer's error (or of an error object) in the current language.
std::string AnswerError(const nlohmann::json& answer);

}  // namespace crm::ui
