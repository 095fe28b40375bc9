// Workflow, the "Automation rules" tab: the rules of every object (a sortable, filterable table: name,
// object, trigger, active, order) and the builder: the trigger (on create, on update, when fields
// change, on delete, at a time before or after a date field), the condition in the formula editor, the
// ordered actions (update a field, create a task, assign the owner, notify, call a webhook); save, and
// delete after a confirmation. The core's errors are shown beside the part they name.
// A "Simulate" section runs the draft against a chosen record without saving.
// (automation_panel.cpp: the list, the editor frame, saving; automation_builder.cpp: trigger and actions;
// automation_simulate.cpp: Simulate.)
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ui/schema/formula_editor.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/page.h"
#include "ui/shell/unsaved_guard.h"
#include "workspace.h"
#include "ui/kit/note.h"

namespace crm::ui {

/// The automation rules and their builder; the draft is the tab's unsaved edits.
class AutomationPanel : public Editable {
public:
    AutomationPanel(Workspace& workspace, UnsavedGuard& guard) : workspace_(workspace), guard_(guard) {}
    void Draw(const PageContext& ctx);
    /// Opens the builder on a new rule (quick find "New automation rule").
    void StartNew();
    /// Whether the builder is open.
    bool editing() const { return editing_; }
    /// The test snapshot: the rules listed, the builder's draft and state.
    nlohmann::json State() const;

    // Editable: the builder's draft.
    bool dirty() const override;
    bool CanSave() override { return editing_; }
    bool Save() override;
    void Discard() override;
    std::string UnsavedSummary() const override;
    /// The rule as opened and as edited, with the time of day as typed (another tab committed).
    nlohmann::json KeepDraft() const override;
    /// Reopens the builder on the kept draft over the rule as stored now (RestoreItemDraft, by id): the
    /// actions list is one unit, the trigger's parts each one; a rule deleted meanwhile keeps the edits.
    void RestoreDraft(const nlohmann::json& kept) override;

private:
    void Reload();
    void DrawList(const PageContext& ctx, float width);
    void DrawEditor(const PageContext& ctx);
    void DrawDeleteConfirm(const PageContext& ctx);
    /// Opens the builder on `rule` (scrolled to its top unless it is the rule just saved).
    void Edit(const AutomationRule& rule, bool is_new, bool to_top = true);
    /// The error the core gave for a part ("name", "trigger.offset", "actions[1].title"), or "".
    const std::string* ErrorOf(const std::string& part) const;
    // automation_builder.cpp
    void DrawTrigger(const PageContext& ctx, const ObjectDef& object, float width);
    void DrawActions(const PageContext& ctx, const ObjectDef& object, float width);
    /// Draws action n; answers what to do with it: 0 nothing, -1 move up, +1 move down, 2 remove.
    int DrawAction(const PageContext& ctx, const ObjectDef& object, size_t n, float width);
    // automation_simulate.cpp
    /// "Simulate": the draft rule against a chosen record, nothing saved.
    void DrawSimulate(const PageContext& ctx, const ObjectDef& object);

    Workspace& workspace_;
    UnsavedGuard& guard_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_user_;
    std::vector<AutomationRule> rules_;
    std::string list_error_;
    std::string filter_;
    std::string object_filter_;
    int sort_column_ = -1;
    bool sort_desc_ = false;

    bool editing_ = false;
    bool is_new_ = false;
    AutomationRule draft_;
    AutomationRule original_;
    std::string at_text_;           ///< the time of day as typed ("09:00", "" = none)
    std::string original_at_text_;  ///< ... as it was opened
    FormErrors errors_;             ///< by the core's part name; "" for the rule as a whole
    FormulaEditor condition_;
    bool show_functions_ = false;
    bool scroll_to_top_ = false;
    std::string add_kind_;
    bool delete_open_ = false;
    std::string delete_error_;
    Note message_;
    std::string draft_notice_;  ///< changed or deleted in another tab, until saved or discarded
    // Simulate
    std::string sim_filter_;
    int64_t sim_record_ = 0;
    bool sim_ran_ = false;
    std::vector<SimulatedRun> sim_result_;
    std::string sim_error_;
};

}  // namespace crm::ui
