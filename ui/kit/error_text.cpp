#include "ui/kit/error_text.h"

#include "common/error_text.h"
#include "ui/kit/i18n.h"

namespace crm::ui {

std::string ErrorText(const Error& error) { return ErrorMessageIn(error, LanguageCode(CurrentLanguage())); }

std::string ErrorText(const std::string& message) { return ErrorText(MakeError("", message)); }

}  // namespace crm::ui
