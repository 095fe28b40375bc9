// A formula text box with a live compile check: the result type when the formula compiles, else
// the error's message with a marker under the character it points at; and the function list of
// the language (in the current language) whose entries insert themselves at the caret.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "common/result.h"
#include "formula/formula.h"
#include "ui/shell/page.h"

namespace crm::ui {

/// One formula box's view state (compile cache, caret, function filter).
class FormulaEditor {
public:
    using CompileFn = std::function<Result<formula::CompiledFormula>(const std::string&)>;
    /// Draws the box ("<hook>") and the check under it; publishes "<hook>.error_marker" and the
    /// error under errors["<hook>"]. `version` invalidates the cache (schema changes).
    void Draw(const PageContext& ctx, const std::string& hook, std::string* text, float height,
              const CompileFn& compile, uint64_t version);
    /// The clickable function list ("<hook>.function.<NAME>"), inserting into `text` at the caret.
    void DrawFunctions(const PageContext& ctx, const std::string& hook, std::string* text, float height);
    /// The last compile error (nothing when the formula compiled).
    const std::optional<Error>& error() const { return error_; }
    /// Forgets the cache (a new formula is being edited).
    void Reset();

private:
    std::string compiled_text_;
    uint64_t compiled_version_ = 0;
    bool compiled_ = false;
    std::optional<Error> error_;
    std::string result_type_;
    int caret_ = -1;  ///< byte offset of the caret in the text, -1 = the end
    std::string filter_;
};

}  // namespace crm::ui
