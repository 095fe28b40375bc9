// The "Validation Rules" tab: the rules of an object (active, name, error message) and the rule
// editor: the condition formula with a live compile check marking the error at its position, the
// function list (click to insert), the error message and field, the active flag, and "Test this
// rule" against the stored records before saving.
#pragma once
#include <optional>
#include <string>

#include "ui/schema/formula_editor.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/page.h"
#include "workspace.h"

namespace crm::ui {

/// The validation rules of one object.
class RulesPanel {
public:
    explicit RulesPanel(Workspace& workspace) : workspace_(workspace) {}
    void Draw(const PageContext& ctx, const ObjectDef& object);

private:
    void DrawList(const PageContext& ctx, const ObjectDef& object, float width);
    void DrawEditor(const PageContext& ctx, const ObjectDef& object);
    void Edit(const ValidationRule& rule, bool is_new);

    Workspace& workspace_;
    std::string object_;
    bool editing_ = false;
    bool is_new_ = false;
    std::string original_name_;
    ValidationRule draft_;
    FormErrors errors_;
    FormulaEditor formula_;
    std::optional<RuleTestResult> test_;
    std::string test_error_;
    std::string message_;
    std::string filter_;
    int sort_column_ = -1;  ///< -1: the schema's order
    bool sort_desc_ = false;
};

}  // namespace crm::ui
