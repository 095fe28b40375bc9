// The record form: drawn from the layout the acting profile sees (sections, one or two columns),
// honouring field-level security (fields the user may not read are absent; formula, auto-number
// and layout read-only fields are disabled). Saves go through the record pipeline; its errors are
// shown beside their field, record-level ones at the top, and nothing is saved on error.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "ui/page.h"
#include "ui/schema_ui.h"
#include "workspace.h"

namespace crm::ui {

/// One record being created or edited.
class RecordForm {
public:
    enum class Outcome { None, Saved, Closed, Deleted };
    explicit RecordForm(Workspace& workspace) : workspace_(workspace) {}
    /// Starts a new record with the layout of `profile` ("" = the default layout).
    void OpenNew(const ObjectDef& object, const std::string& profile);
    /// Loads a stored record.
    void OpenEdit(const ObjectDef& object, int64_t id, const std::string& profile);
    /// Draws the form into the available region.
    Outcome Draw(const PageContext& ctx, const ObjectDef& object);
    bool open() const { return open_; }
    int64_t id() const { return id_; }
    /// Whether the values differ from the loaded (or empty) record.
    bool dirty() const { return values_ != loaded_; }

private:
    void Load(const ObjectDef& object, const std::string& profile);
    void DrawField(const PageContext& ctx, const ObjectDef& object, const LayoutItem& item, float width);
    bool Save(const ObjectDef& object);
    void DrawDeleteConfirm(const PageContext& ctx, const ObjectDef& object, Outcome* outcome);

    Workspace& workspace_;
    bool open_ = false;
    int64_t id_ = 0;  ///< 0 = a new record
    std::string profile_;
    Layout layout_;
    std::set<std::string> readable_;             ///< fields the acting user may read
    std::map<std::string, std::string> values_;  ///< API name -> text form being edited
    std::map<std::string, std::string> loaded_;  ///< as loaded
    FormErrors errors_;                          ///< API name ("" = the record) -> message
    std::string load_error_;
    bool delete_open_ = false;
    std::string delete_error_;
};

/// A JSON value of a record as the text the form edits ("" for null; "true"/"false"; a;b).
std::string RecordValueText(const nlohmann::json& value);

}  // namespace crm::ui
