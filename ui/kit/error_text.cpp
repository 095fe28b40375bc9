#include "ui/kit/error_text.h"

#include <nlohmann/json.hpp>

#include "common/error_text.h"
#include "ui/kit/i18n.h"

namespace crm::ui {

std::string ErrorText(const Error& error) { return ErrorMessageIn(error, LanguageCode(CurrentLanguage())); }

std::string ErrorText(const std::string& message) { return ErrorText(MakeError("", message)); }

std::string AnswerError(const nlohmann::json& answer) {
    const nlohmann::json& error = answer.contains("error") ? answer["error"] : answer;
    if (!error.is_object()) return {};
    if (CurrentLanguage() == Language::ChineseSimplified && error.contains("message_zh") &&
        error["message_zh"].is_string() && !error["message_zh"].get<std::string>().empty())
        return error["message_zh"].get<std::string>();
    return error.value("message", std::string());
}

}  // namespace crm::ui
