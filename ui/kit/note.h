// A note a panel shows after an action ("Rule saved.", "3 records restored."), kept with the language it
// was written in. It shows only while the console speaks that language, so a note never outlives a
// language switch: after the switch the panel draws without it, never in the other language's words.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "ui/kit/i18n.h"

namespace crm::ui {

class Note {
public:
    Note() = default;
    /// A note written now, in the current language.
    Note(std::string text) : text_(std::move(text)), language_(CurrentLanguage()) {}  // NOLINT: implicit
    Note(const char* text) : Note(std::string(text ? text : "")) {}                   // NOLINT: implicit

    /// Nothing to show now: no note, or one written in the other language.
    bool empty() const { return text().empty(); }
    void clear() { text_.clear(); }
    /// The note, or "" when there is none or it was written in the other language.
    const std::string& text() const;
    const char* c_str() const { return text().c_str(); }
    operator const std::string&() const { return text(); }  // NOLINT: drawn where text is
    operator std::string_view() const { return text(); }    // NOLINT

private:
    std::string text_;
    Language language_ = Language::English;
};

/// The note as the test hooks publish it: what is shown now.
void to_json(nlohmann::json& out, const Note& note);

}  // namespace crm::ui
