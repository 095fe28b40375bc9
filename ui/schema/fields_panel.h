// The "Fields & Relationships" tab of an object: a sortable, filterable table of its fields, the
// field editor for adding and editing, delete with confirmation (a refusal lists who uses the
// field), and the deleted fields with restore and purge.
#pragma once
#include <string>

#include "ui/schema/field_editor.h"
#include "ui/shell/page.h"
#include "workspace.h"
#include "ui/kit/note.h"

namespace crm::ui {

/// The fields of one object.
class FieldsPanel {
public:
    explicit FieldsPanel(Workspace& workspace) : workspace_(workspace), editor_(workspace) {}
    void Draw(const PageContext& ctx, const ObjectDef& object);
    /// Opens the editor for a new field (quick find "custom field").
    void RequestNew() { new_request_ = true; }
    /// Opens the editor on one field of the object shown next (quick find found it by name).
    void RequestEdit(const std::string& field) { edit_request_ = field; }
    bool dialog_showing() const { return editor_.showing(); }

private:
    void DrawTable(const PageContext& ctx, const ObjectDef& object);
    void DrawDeleted(const PageContext& ctx, const ObjectDef& object);
    void DrawConfirm(const PageContext& ctx, const ObjectDef& object);

    Workspace& workspace_;
    FieldEditor editor_;
    std::string object_;
    std::string filter_;
    int sort_column_ = -1;  ///< -1: the object's own order
    bool sort_desc_ = false;
    bool new_request_ = false;
    std::string edit_request_;
    // The confirmation dialog: delete (or purge) one field.
    bool confirm_open_ = false;
    bool confirm_purge_ = false;
    std::string confirm_field_;
    std::string confirm_error_;
    Note message_;  ///< the last action's outcome, shown above the table
};

}  // namespace crm::ui
