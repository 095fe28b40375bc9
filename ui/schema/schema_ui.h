// Pieces shared by the Objects & Fields pages: type names in the current language, API names
// derived from labels, dialog frames, labelled form rows with their error beside them, and
// confirmation bars.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "imgui.h"
#include "schema/schema.h"
#include "ui/shell/page.h"

namespace crm::ui {

/// The type's label in the current language ("Text", "文本").
std::string FieldTypeLabel(FieldType type);
/// "Close Reason" -> "Close_Reason": letters, digits and single underscores, starting with a
/// letter; "" when the label has no Latin letters or digits.
std::string DeriveApiName(std::string_view label);
/// Field errors of one form: form key (the core's Error::field, "label", "api_name"...) -> message.
using FormErrors = std::map<std::string, std::string>;
/// Puts a core error under its field (or under "" for the form as a whole).
void AddError(FormErrors* errors, const Error& error);

/// Opens a modal dialog this frame when `*open` is set (then clears it); BeginDialog answers
/// whether the dialog is showing. `id` is the popup id and the hook name of its rectangle.
bool BeginDialog(const char* id, const std::string& title, float width, bool* open, const PageContext& ctx);
void EndDialog();

/// One row of a dialog form: the label (`label_id`) in a left column, the widget drawn by
/// `widget` at `width`, and the message of errors[key] beside it (below when narrow). The error
/// is published as "<hook>" under "errors" and its text marked as "<hook>.error".
void FormRow(const char* label_id, const std::string& hook, float width, const FormErrors& errors,
             const std::string& key, const std::function<void()>& widget);
/// A message in the danger colour with a warning icon, published under `hook`.
void ErrorLine(const std::string& hook, const std::string& message);
/// Marks a table row's selectable (drawn with SpanAllColumns) by the part of it in the current
/// column, so that its centre lies inside the column's clip rectangle.
void MarkRow(const std::string& id);
/// A small muted heading inside a panel.
void SectionHeading(const PageContext& ctx, const char* text_id);
/// A right-aligned row of buttons: answers the index clicked (or -1). `primary` is the index drawn
/// as the main action; `danger` one drawn in the danger colour (or -1).
int ButtonRow(const std::vector<std::pair<std::string, std::string>>& buttons, int primary, int danger,
              const std::vector<bool>& enabled = {});

}  // namespace crm::ui
