// The record form: drawn from the layout the acting profile sees (sections, one or two columns),
// honouring field-level security (fields the user may not read are absent; formula, auto-number
// and layout read-only fields are disabled). Saves go through the record pipeline; its errors are
// shown beside their field, record-level ones at the top, and nothing is saved on error.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "data/dedup.h"
#include "ui/schema/lookup_picker.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/page.h"
#include "workspace.h"

namespace crm::ui {

/// The fields of `object` the acting user may read (field-level security, as the records service
/// answers it).
std::set<std::string> ReadableFields(Workspace& workspace, const ObjectDef& object);

/// FormReadOnlyReason (the rule, in the schema) as a catalog id ("record.read_only.*"), or nullptr when
/// the field can be edited there.
const char* ReadOnlyReason(const FieldDef& field, const LayoutItem& item, bool can_edit_field,
                           bool can_edit_object);
/// The label line of a form field: label, " *" when required, and for a read-only field a muted
/// "(read-only)" whose tooltip gives `reason` (a ReadOnlyReason id). Publishes "<hook>.label".
void FieldLabel(const PageContext& ctx, const std::string& label, bool required, const char* reason,
                const std::string& help, const std::string& hook);

/// One record being created or edited. Its edits are guarded (Editable): the caller asks before
/// closing a dirty form.
class RecordForm : public Editable {
public:
    /// CloseRequested: "Back to the list" was clicked; the form stays open until Close(). OpenOther: a
    /// record the duplicate alert lists was clicked (other() names it); the caller guards the edits.
    enum class Outcome { None, Saved, CloseRequested, Deleted, OpenOther };
    explicit RecordForm(Workspace& workspace) : workspace_(workspace) {}
    /// Starts a new record with the layout of `profile` ("" = the default layout).
    void OpenNew(const ObjectDef& object, const std::string& profile);
    /// Loads a stored record.
    void OpenEdit(const ObjectDef& object, int64_t id, const std::string& profile);
    /// Draws the form into the available region.
    Outcome Draw(const PageContext& ctx, const ObjectDef& object);
    bool open() const { return open_; }
    void Close() { open_ = false; }
    int64_t id() const { return id_; }
    /// The record asked for by the last OpenOther.
    int64_t other() const { return other_; }
    /// Whether the form is open with values that differ from the loaded (or empty) record.
    bool dirty() const override { return open_ && values_ != loaded_; }
    /// Saves the values (errors shown beside their fields on refusal).
    bool Save() override;
    /// Back to the values as loaded.
    void Discard() override;
    std::string UnsavedSummary() const override;
    /// The record, the values as loaded and as edited (another tab committed: the console is rebuilt).
    nlohmann::json KeepDraft() const override;
    /// Opens the form KeepDraft kept over the record as stored now: fields not edited show the stored
    /// values (MergeDraft); a record deleted meanwhile keeps the edits, with a notice.
    void Restore(const ObjectDef& object, const nlohmann::json& kept);

private:
    void Load(const ObjectDef& object, const std::string& profile);
    void DrawField(const PageContext& ctx, const ObjectDef& object, const LayoutItem& item, float width);
    bool SaveRecord(const ObjectDef& object);
    void DrawDeleteConfirm(const PageContext& ctx, const ObjectDef& object, Outcome* outcome);
    /// Asks the duplicate rules (Deduplicator::Check) about the values as they stand.
    void CheckDuplicates(const ObjectDef& object);
    /// The duplicate alert: the stored records the rules match, each a link (OpenOther), and whether a
    /// rule blocks the save.
    void DrawDuplicates(const PageContext& ctx, const ObjectDef& object, Outcome* outcome);

    Workspace& workspace_;
    bool open_ = false;
    int64_t id_ = 0;            ///< 0 = a new record
    std::string object_;        ///< API name of the record's object
    std::string object_label_;  ///< as loaded (the unsaved-changes question names it)
    std::string profile_;
    Layout layout_;
    std::set<std::string> readable_;               ///< fields the acting user may read
    std::set<std::string> editable_;               ///< fields the acting user may edit
    bool can_edit_object_ = true;                  ///< create (new record) or edit (stored one) allowed
    std::map<std::string, std::string> values_;    ///< API name -> text form being edited
    std::map<std::string, std::string> loaded_;    ///< as loaded
    std::map<std::string, LookupPicker> lookups_;  ///< the pickers of the lookup fields, by API name
    FormErrors errors_;                            ///< API name ("" = the record) -> message
    std::string load_error_;
    std::string draft_notice_;  ///< changed or deleted in another tab (Restore), until reloaded
    bool delete_open_ = false;
    std::string delete_error_;
    // The duplicate alert: checked when the form opens, when an edit ends (no field active) and after a
    // save, so that it follows the values without a query per keystroke.
    std::vector<DuplicateMatch> duplicates_;
    std::map<std::string, std::string> duplicates_of_;  ///< the values duplicates_ answers for
    bool duplicates_checked_ = false;
    int64_t other_ = 0;
};

/// A JSON value of a record as the text the form edits ("" for null; "true"/"false"; a;b).
std::string RecordValueText(const nlohmann::json& value);

}  // namespace crm::ui
