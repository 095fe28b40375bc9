#include "ui/kit/note.h"

#include <nlohmann/json.hpp>

namespace crm::ui {

const std::string& Note::text() const {
    static const std::string kNone;
    return language_ == CurrentLanguage() ? text_ : kNone;
}

void to_json(nlohmann::json& out, const Note& note) { out = note.text(); }

}  // namespace crm::ui
