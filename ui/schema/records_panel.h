// The "Records" tab of an object: a list view (columns chosen and ordered with the "Columns"
// picker, a formula filter, sort by clicking a header, paging with a clipped table, list views
// saved per user with their columns) and the record form.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "company/company_profile.h"
#include "ui/kit/time_text.h"
#include "ui/schema/record_form.h"
#include "ui/shell/page.h"
#include "ui/shell/unsaved_guard.h"
#include "workspace.h"

namespace crm::ui {

/// The records browser of one object.
class RecordsPanel {
public:
    RecordsPanel(Workspace& workspace, UnsavedGuard& guard)
        : workspace_(workspace), guard_(guard), form_(workspace) {}
    void Draw(const PageContext& ctx, const ObjectDef& object);
    /// The record last opened (0 = none): the field history tab shows its changes.
    int64_t selected() const { return selected_; }
    /// Shows the list, closing any open form (its edits are the caller's to guard).
    void ShowList() { form_.Close(); }
    /// Opens the form of one record of `object` (a notification's record).
    void OpenRecord(const ObjectDef& object, int64_t id);
    /// Opens the record form kept by RecordForm::KeepDraft on the next Draw (RecordForm::Restore).
    void RestoreForm(const nlohmann::json& kept) { pending_draft_ = kept; }
    /// The record form's edits.
    Editable& edits() { return form_; }
    const Editable& edits() const { return form_; }
    /// Published under "objects.records" in the snapshot.
    nlohmann::json State() const;

private:
    static constexpr int kPageSize = 50;
    void Reload(const ObjectDef& object);
    /// The names of the records the page's lookup columns point at (lookup_names_).
    void ReadLookupNames(const ObjectDef& object);
    void DrawToolbar(const PageContext& ctx, const ObjectDef& object);
    void DrawTable(const PageContext& ctx, const ObjectDef& object);
    void DrawColumnPicker(const PageContext& ctx, const ObjectDef& object);
    ListQuery Query() const;

    Workspace& workspace_;
    UnsavedGuard& guard_;
    RecordForm form_;
    std::string object_;
    int64_t selected_ = 0;
    int64_t pending_open_ = 0;
    nlohmann::json pending_draft_;  ///< a form to restore on the next Draw (RestoreForm)  ///< a record to open on the next Draw (OpenRecord before the object shows)
    // The query being shown.
    std::vector<std::string> columns_;
    std::string filter_text_;     ///< as typed
    std::string filter_applied_;  ///< as run
    std::string sort_field_;
    bool sort_desc_ = false;
    int page_ = 0;
    int table_generation_ = 0;  ///< bumped when columns or sort are set from outside the table
    std::string view_name_;     ///< the saved view shown ("" = all records)
    std::string save_as_;
    std::string view_message_;
    // The column picker.
    std::string columns_filter_;
    std::set<std::string> readable_;  ///< the fields the acting user may read, for the picker
    nlohmann::json readable_key_;     ///< object, actor and change count readable_ was read for
    // The cache of the last run.
    bool loaded_ = false;
    uint64_t loaded_change_ = 0;
    nlohmann::json loaded_key_;
    std::string shown_sort_field_;  ///< the sort of the rows in data_
    bool shown_sort_desc_ = false;
    ListPage data_;
    /// Lookup column -> related record id -> its name, read with each page (ReadLookupNames).
    std::map<std::string, std::map<int64_t, std::string>> lookup_names_;
    CompanyProfile profile_;  ///< money and date formats of the values shown, read with each page
    CompanyZone zone_;        ///< the zone date-times are shown in
    std::string error_;
};

}  // namespace crm::ui
