// The field editor dialog: a new field of any type, or an existing field's properties, with the
// properties of its type (length, digits, picklist values, lookup target, auto-number format,
// formula with its result type and a live compile check). Changing an existing field's type runs
// the dry run first and lists the values that would not convert; the administrator then refuses or
// applies the change with those values cleared.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ui/schema/formula_editor.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/page.h"
#include "workspace.h"

namespace crm::ui {

/// The add/edit field dialog.
class FieldEditor {
public:
    explicit FieldEditor(Workspace& workspace) : workspace_(workspace) {}
    /// Opens the dialog for a new field on `object`.
    void OpenNew(const std::string& object);
    /// Opens the dialog for an existing field.
    void OpenEdit(const FieldDef& field);
    /// Draws the dialog when it is open; answers the API name of a field it saved this frame.
    std::string Draw(const PageContext& ctx);
    bool showing() const { return showing_; }

private:
    void DrawTypeProperties(const PageContext& ctx, float width);
    void DrawPicklist(const PageContext& ctx);
    void DrawRetype(const PageContext& ctx);
    bool Save();
    void PublishState() const;

    Workspace& workspace_;
    bool open_request_ = false;
    bool showing_ = false;
    std::string saved_now_;  ///< API name of the field just saved (the dialog closes on its next frame)
    bool is_new_ = true;
    FieldDef original_;
    FieldDef draft_;
    bool api_edited_ = false;
    bool add_to_layouts_ = true;
    std::string min_text_, max_text_;
    FormErrors errors_;
    FormulaEditor formula_;
    // Changing the type of an existing field.
    std::optional<RetypePreview> preview_;
    FieldType previewed_type_ = FieldType::Text;
    std::string retype_error_;
};

}  // namespace crm::ui
