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
#include "ui/shell/unsaved_guard.h"
#include "workspace.h"
#include "ui/kit/note.h"

namespace crm::ui {

/// The validation rules of one object. The rule being edited joins the unsaved-changes guard (the
/// Objects page asks before leaving the object or the page with it changed; the panel asks before
/// another rule, or a new one, replaces it in the editor).
class RulesPanel : public Editable {
public:
    RulesPanel(Workspace& workspace, UnsavedGuard& guard) : workspace_(workspace), guard_(guard) {}
    void Draw(const PageContext& ctx, const ObjectDef& object);

    bool dirty() const override;
    bool Save() override;
    void Discard() override {
        editing_ = false;
        draft_notice_.clear();
    }
    std::string UnsavedSummary() const override;
    /// The rule as opened and as edited (another tab committed: the console is rebuilt).
    nlohmann::json KeepDraft() const override;
    /// Reopens the editor KeepDraft kept on the next Draw of its object, over the rule as stored now
    /// (MergeDraft); a rule deleted meanwhile keeps the edits, with a notice.
    void RestoreDraft(const nlohmann::json& kept) override { pending_draft_ = kept; }

private:
    /// Saves the draft as the acting user: the editor shows the saved rule, or the errors beside their
    /// fields. True when saved.
    bool SaveDraft();
    void DrawList(const PageContext& ctx, const ObjectDef& object, float width);
    void DrawEditor(const PageContext& ctx, const ObjectDef& object);
    void Edit(const ValidationRule& rule, bool is_new);
    void RestoreEditor(const nlohmann::json& kept);

    Workspace& workspace_;
    UnsavedGuard& guard_;
    std::string object_;
    bool editing_ = false;
    bool is_new_ = false;
    std::string original_name_;
    ValidationRule draft_;
    ValidationRule saved_;  ///< the rule as it was when the editor opened it (dirty() compares)
    FormErrors errors_;
    std::string draft_notice_;      ///< changed or deleted in another tab, until saved or discarded
    nlohmann::json pending_draft_;  ///< an editor to reopen on the next Draw (RestoreDraft)
    FormulaEditor formula_;
    std::optional<RuleTestResult> test_;
    std::string test_error_;
    Note message_;
    std::string filter_;
    int sort_column_ = -1;  ///< -1: the schema's order
    bool sort_desc_ = false;
};

}  // namespace crm::ui
