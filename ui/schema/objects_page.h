// The Objects & Fields page: the object manager (a searchable, sortable list of standard and
// custom objects, and the "New custom object" dialog), and per object the tabs Details, Fields &
// Relationships, Layouts, Validation Rules, Field History and Records.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ui/schema/fields_panel.h"
#include "ui/schema/history_panel.h"
#include "ui/schema/layout_panel.h"
#include "ui/schema/records_panel.h"
#include "ui/schema/rules_panel.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/page.h"
#include "ui/shell/unsaved_guard.h"
#include "workspace.h"
#include "ui/kit/note.h"

namespace crm::ui {

/// The object manager. Its edits are those of the record form and the layout editor: leaving an
/// object with either unsaved asks first (through `guard`).
class ObjectsPage : public Page, public Editable {
public:
    enum class Tab { Details, Fields, Layouts, Rules, History, Records };
    ObjectsPage(Workspace& workspace, UnsavedGuard& guard);
    void Draw(const PageContext& ctx) override;
    /// From the sidebar (or the page's own quick-find entry): the object list; from a setting: its tab.
    void Open(const std::string& setting, double now) override;
    Editable* edits() override { return this; }
    /// Publishes "objects" (State()).
    void Publish(nlohmann::json& state) const override { state["objects"] = State(); }
    /// Arriving from quick find: "objects.fields", "objects.validation", "objects.layouts", ...
    void FocusSetting(std::string_view setting);
    /// Back to the object list (arriving from the sidebar), asking first when edits would be lost.
    void ShowList();
    bool dirty() const override;
    bool Save() override;
    void Discard() override;
    std::string UnsavedSummary() const override;
    /// The object and tab shown, with the record form's, the rule editor's and the layout editor's
    /// drafts (null when none holds edits).
    nlohmann::json KeepDraft() const override;
    void RestoreDraft(const nlohmann::json& kept) override;
    /// The page's state for the test snapshot ("objects").
    nlohmann::json State() const;

private:
    void DrawList(const PageContext& ctx);
    void DrawObject(const PageContext& ctx, const ObjectDef& object);
    void DrawDetails(const PageContext& ctx, const ObjectDef& object);
    void DrawNewObjectDialog(const PageContext& ctx);
    void RefreshCounts();
    void Open(const std::string& api_name, Tab tab);
    void ShowListNow();

    Workspace& workspace_;
    UnsavedGuard& guard_;
    FieldsPanel fields_;
    LayoutPanel layouts_;
    RulesPanel rules_;
    HistoryPanel history_;
    RecordsPanel records_;

    std::string object_;  ///< the object shown ("" = the list)
    Tab tab_ = Tab::Fields;
    std::optional<Tab> tab_request_;
    std::string search_;
    int sort_column_ = -1;
    bool sort_desc_ = false;
    std::vector<std::string> listed_;
    uint64_t counted_change_ = UINT64_MAX;
    std::string counted_actor_;
    std::map<std::string, int64_t> record_counts_;

    // The details tab's draft.
    std::string details_object_;
    ObjectDef details_;
    FormErrors details_errors_;
    Note details_message_;

    // "New custom object".
    bool new_open_ = false;
    ObjectDef new_;
    bool new_api_edited_ = false;
    bool new_plural_edited_ = false;
    bool new_auto_number_ = false;
    std::string new_format_ = "A-{0000}";
    FormErrors new_errors_;
};

}  // namespace crm::ui
