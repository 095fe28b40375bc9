// Pieces the three Workflow configuration pages share (processes, assignment rules, approval
// processes): editor titles, object and option pickers, a checklist for multi-choice
// settings, core errors put at the field path they name, the delete confirmation and the condition
// box (the schema's formula editor compiling as the workflow core does).
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "schema/schema.h"
#include "ui/kit/i18n.h"
#include "ui/kit/note.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/schema/formula_editor.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/page.h"
#include "workspace.h"

namespace crm::ui::setup {

/// An editor's title. In the body font: it carries names (a stage's Chinese label) that the heading
/// font, built from the catalogs' characters only, cannot draw.
void EditorTitle(const std::string& text);

/// The active objects, by shown label.
std::vector<std::shared_ptr<const ObjectDef>> Objects(Workspace& workspace);
/// A combo of the objects ("<hook>"); `allow_all` adds "All objects" (value ""). True when changed.
bool ObjectCombo(Workspace& workspace, const std::string& hook, std::string* object, bool allow_all);

/// A combo over `values` shown as `labels` ("<hook>"); `none_id` (a catalog id, or nullptr) adds an
/// empty choice first. True when `*value` changed.
bool ValueCombo(const std::string& hook, const std::vector<std::string>& values,
                const std::vector<std::string>& labels, std::string* value, const char* none_id);
/// A bordered, scrolling list of checkboxes ("<hook>.<value>") choosing several of `values`.
/// True when `*chosen` changed (kept in the order of `values`).
bool Checklist(const std::string& hook, const std::vector<std::string>& values,
               const std::vector<std::string>& labels, std::vector<std::string>* chosen, float width,
               float height);

/// Puts a core error under its field path ("stages[2].entry_condition"; "" = the form).
void PutError(FormErrors* errors, const Error& error);
/// Whether an error lies under `prefix` ("stages[2]" covers "stages[2].probability").
bool HasErrorUnder(const FormErrors& errors, const std::string& prefix);
/// The error at `key`, drawn as an error line (published as "<hook>"), if any.
void ErrorAt(const FormErrors& errors, const std::string& key, const std::string& hook);

/// The delete confirmation: Open() it with the name of what would be deleted; Draw() shows the dialog
/// and, when the user confirms, calls `remove`: the dialog closes when it succeeds (Draw answers true)
/// and shows the core's refusal when it does not.
class ConfirmDelete {
public:
    void Open(const std::string& what);
    bool Draw(const PageContext& ctx, const char* id, const std::function<Status()>& remove);

private:
    bool open_ = false;
    std::string what_;
    std::string error_;
};

/// What the three setup pages keep alike: the list (its object, filter and sort) and the editor (open,
/// new or saved under `original_name`, its errors, the page's message, the delete confirmation).
struct SetupPageState {
    Workspace* workspace = nullptr;  ///< the workspace the state belongs to
    std::string object;
    std::string filter;
    int sort_column = -1;
    bool sort_desc = false;
    bool editing = false;
    bool is_new = false;
    std::string original_name;
    FormErrors errors;
    Note message;
    ConfirmDelete confirm;
    std::string draft_notice;  ///< changed or deleted in another tab (RestoreItemDraft), until reopened
};

/// A setup tab's open editor as the console's Editable: dirty while its draft differs from what was
/// last loaded or saved; Save saves it as the editor's Save button does; Discard closes the editor;
/// KeepDraft / RestoreDraft carry the draft over another tab's commit (KeepItemDraft, RestoreEdit: the
/// item's lists, such as a process's stages or an approval process's steps, are each one unit).
/// `Tab` names the tab's parts: the types `StateType` (a SetupPageState with `ItemType draft` and
/// `saved_json`) and `ItemType`, and the static members `StateType& Of(Workspace&)`,
/// `bool Save(StateType&, Workspace&)`, `void Open(StateType&, const ItemType&, bool is_new)` (the
/// editor on an item), `Result<ItemType> Read(const json&, ItemType base)`,
/// `std::optional<ItemType> Stored(Workspace&, const std::string& object, int64_t id)` (the item as
/// stored now) and `kUnsaved` (the catalog id of "Changes to {0}").
template <typename Tab>
class SetupEditable final : public Editable {
public:
    using State = typename Tab::StateType;
    using Item = typename Tab::ItemType;
    Workspace* workspace = nullptr;

    bool dirty() const override {
        const State& st = Tab::Of(*workspace);
        return st.editing && ToJson(st.draft) != st.saved_json;
    }
    bool Save() override { return Tab::Save(Tab::Of(*workspace), *workspace); }
    void Discard() override {
        State& st = Tab::Of(*workspace);
        st.editing = false;
        st.errors.clear();
    }
    std::string UnsavedSummary() const override {
        const State& st = Tab::Of(*workspace);
        return TrFormat(Tab::kUnsaved, {st.draft.name.empty() ? st.original_name : st.draft.name});
    }
    nlohmann::json KeepDraft() const override {
        const State& st = Tab::Of(*workspace);
        return KeepItemDraft(st.saved_json, ToJson(st.draft), st.is_new, {{"object", st.object}});
    }
    void RestoreDraft(const nlohmann::json& kept) override {
        State& st = Tab::Of(*workspace);
        const nlohmann::json base = kept.value("base", nlohmann::json::object());
        const auto restored = RestoreEdit(
            kept, Tab::Stored(*workspace, base.value("object", std::string()), base.value("id", int64_t{0})),
            Tab::Read);
        if (!restored) return;
        st.object = kept.value("object", st.object);
        Tab::Open(st, restored->saved, restored->json.is_new);
        st.draft = restored->draft;
        st.draft_notice = DraftNotice(restored->json);
    }
};

/// A page's state (a SetupPageState), made anew when the workspace changes.
template <typename State>
State& PageState(Workspace& workspace) {
    static State state;
    if (state.workspace != &workspace) {
        state = State();
        state.workspace = &workspace;
    }
    return state;
}

/// What the three pages change needs Manage Workflows (processes.*, assignment.*, approvals.* in the
/// command registry): the guard of their controls, published under `scope`.
PermissionGuard Guard(Workspace& workspace, const std::string& scope);
/// The list's refusal ("<hook>"), unless it is the guard's own (no Manage Workflows): the notice above the
/// toolbar already says why the list is empty, once.
void ListRefused(Workspace& workspace, const std::string& hook, const Error& error);

/// The page's toolbar after its intro line: the object combo ("<prefix>.object"; `allow_all` adds "All
/// objects"), the filter ("<prefix>.filter") and the New button ("<prefix>.new", its label the catalog
/// id of the same name, off with the reason above the toolbar for a user without Manage Workflows).
struct ToolbarAction {
    bool object_changed = false;
    bool create = false;
};
ToolbarAction SetupToolbar(Workspace& workspace, float scale, const std::string& prefix, std::string* object,
                           bool allow_all, std::string* filter);

/// The page's last message ("Saved …", "Deleted …") on the toolbar's line, in the success colour
/// (published as "<hook>"); nothing when it is empty.
void MessageLine(const std::string& message, const std::string& hook);

/// The list on the left and, while editing, the editor on the right in the child window `editor_id`.
/// The list takes `share` of the width, clamped to [min_width, max_width] (unscaled), or all of it
/// when nothing is edited.
void ListAndEditor(const char* editor_id, bool editing, float scale, float share, float min_width,
                   float max_width, const std::function<void(float)>& list,
                   const std::function<void()>& editor);

/// An editor's button row after a gap: Cancel ("<prefix>.cancel") closes the editor, Delete
/// ("<prefix>.delete", only when the definition is saved) opens the confirmation, Save
/// ("<prefix>.save") clears the errors and answers true (the page saves). Delete and Save are off, with
/// the reason, for a user without Manage Workflows.
bool EditorButtons(SetupPageState* st, const std::string& prefix, float scale);

/// After a save: the page's message names what was saved; on failure the core's error goes to its
/// field and the message is cleared. Answers whether it was saved.
void NoteSaved(const std::string& name, Note* message);
void NoteSaveError(const Error& error, FormErrors* errors, Note* message);
template <typename T>
bool NoteSave(const Result<T>& saved, FormErrors* errors, Note* message) {
    if (saved.ok()) {
        NoteSaved(saved.value().name, message);
        return true;
    }
    NoteSaveError(saved.error(), errors, message);
    return false;
}
/// The index an error path names in `list` ("stages[2].value" in "stages" is 2), or -1.
int ErrorIndex(const std::string& field, const std::string& list);

/// The delete confirmation of an editor: when the delete succeeds the page's message says so and the
/// editor closes (answers true).
bool ConfirmEditorDelete(SetupPageState* st, const PageContext& ctx, const char* id,
                         const std::function<Status()>& remove);

/// Move up / Move down ("<hook>.up", "<hook>.down") for the selected row of `count`; `swap(i, j)`
/// swaps two rows and answers whether it did, and `*selected` follows the moved row.
void MoveButtons(const std::string& hook, int count, int* selected,
                 const std::function<bool(int, int)>& swap);

/// Begins a page's list of definitions (`id`, sortable, scrolling, its header row frozen) of `columns`
/// columns in `width`, down to the page's foot. EndTable() it when it answers true.
bool BeginListTable(const char* id, int columns, float width, float scale);
/// The Active / Inactive cell of a list row.
void ActiveCell(bool active);
/// The row of an empty list in `column`: `none_id` when there is nothing at all, else "no match".
void EmptyListRow(int column, bool nothing, const char* none_id);

/// Begins the table of an editor's ordered parts (steps, stages) in `width`: "#", then the columns
/// `name_id` and `detail_id` (catalog ids) with their weights. EndTable() it when it answers true.
bool BeginPartsTable(const char* id, float width, const char* name_id, float name_weight,
                     const char* detail_id, float detail_weight);
/// Part `i`'s row: its number, its label as a selectable ("<label>##<tag><i>", "! " before it when
/// `has_error`, published as the row `hook`); leaves the detail column current. True when clicked.
bool PartRow(int i, const std::string& label, bool has_error, bool selected, const char* tag,
             const std::string& hook);

/// Sorts a list's rows by the key of its sort column: `keys` are the columns' key functions in order
/// (a column past them leaves the rows as they are).
template <typename Row, typename... Keys>
void SortByColumn(std::vector<Row>* rows, int column, bool descending, Keys... keys) {
    int at = 0;
    ((at++ == column ? SortRowsBy(rows, descending, keys) : void()), ...);
}

/// The editor's head: its title (`title_new_id`, or `title_edit_id` with the saved name) and the gap
/// below it. Answers the width of the form's fields (clamped to `max_width`, unscaled).
float EditorHead(const char* title_new_id, const char* title_edit_id, bool is_new, const std::string& name,
                 float scale, float max_width);
/// A form row `id` (label catalog id and hook) with a one-line text input (`input_id`), or the text
/// as it stands when not `editable`; its errors are those at `key`.
void TextRow(const char* id, float width, const FormErrors& errors, const char* key, const char* input_id,
             std::string* text, bool editable = true);
/// A form row `id` (label catalog id and hook) with the Active checkbox.
void ActiveRow(const char* id, float width, const FormErrors& errors, bool* active);

/// Whether part `index` of `count` (a step, a stage) is selected; when not, says so (`none_id`). The
/// part's formula `editor` starts afresh when it shows another part than last (`*editor_for`).
bool PartSelected(int index, int count, const char* none_id, FormulaEditor* editor, int* editor_for);

/// How a condition is compiled, as the core compiles it when the definition is saved.
enum class ConditionKind {
    Workflow,         ///< processes, assignment: ISNEW, ISCHANGED, PRIORVALUE allowed
    WorkflowCurrent,  ///< the record as it stands (least-load's open condition)
    Rule,             ///< approvals: as a validation rule condition (SchemaService::CompileRule)
};

/// A Boolean condition on `object` with the formula editor, its error marked at its position.
void ConditionBox(const PageContext& ctx, FormulaEditor* editor, Workspace& workspace,
                  const std::string& object, const std::string& hook, std::string* text, float height,
                  ConditionKind kind = ConditionKind::Workflow);

/// Swaps items i and j of `items` when both are in range; true when it did.
template <typename T>
bool SwapItems(std::vector<T>* items, int i, int j) {
    if (i < 0 || j < 0 || i >= static_cast<int>(items->size()) || j >= static_cast<int>(items->size())) {
        return false;
    }
    std::swap((*items)[static_cast<size_t>(i)], (*items)[static_cast<size_t>(j)]);
    return true;
}

/// Moves item `from` to index `to` (the others shift); true when it moved.
template <typename T>
bool MoveItem(std::vector<T>* items, int from, int to) {
    const int n = static_cast<int>(items->size());
    if (from < 0 || from >= n || to < 0 || to >= n || from == to) return false;
    T moving = std::move((*items)[static_cast<size_t>(from)]);
    items->erase(items->begin() + from);
    items->insert(items->begin() + to, std::move(moving));
    return true;
}

}  // namespace crm::ui::setup
