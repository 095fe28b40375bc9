// The "Layouts" tab: the layout editor. Sections (title, one or two columns) hold fields; fields
// move between sections and within one by drag and drop (or the up/down/section buttons, for
// keyboard users); each placement can be required or read-only on this form. Layouts are assigned
// to profiles picked from a filterable list. The preview shows the layout being edited, or the
// form a chosen profile gets: its assigned layout under its field-level security (fields it cannot
// read are absent, fields it cannot edit are read-only and say why), as the record form draws it.
// The draft is guarded: picking another layout or leaving the object with it unsaved asks first.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ui/shell/page.h"
#include "ui/shell/unsaved_guard.h"
#include "workspace.h"
#include "ui/kit/note.h"

namespace crm::ui {

/// The layouts of one object.
class LayoutPanel : public Editable {
public:
    LayoutPanel(Workspace& workspace, UnsavedGuard& guard) : workspace_(workspace), guard_(guard) {}
    void Draw(const PageContext& ctx, const ObjectDef& object);

    /// Whether the draft differs from the saved layout.
    bool dirty() const override;
    /// Saves the draft (the error is shown above the editor when refused).
    bool Save() override;
    /// Back to the saved layout.
    void Discard() override;
    std::string UnsavedSummary() const override;
    /// The layout as opened and as edited (another tab committed: the console is rebuilt).
    nlohmann::json KeepDraft() const override;
    /// Reopens the draft KeepDraft kept over the layout as stored now (RestoreEdit: the sections are
    /// one unit, so a section list the user changed replaces the other tab's whole, and the profiles
    /// assigned are the store's); a layout deleted meanwhile keeps the edits, with a notice.
    void RestoreDraft(const nlohmann::json& kept) override;

private:
    void Select(const Layout& layout);
    void DrawToolbar(const PageContext& ctx, const ObjectDef& object, const std::vector<Layout>& layouts);
    void DrawEditor(const PageContext& ctx, const ObjectDef& object, float width);
    void DrawPreviewPane(const PageContext& ctx, const ObjectDef& object);
    /// Draws `layout` as the record form would; `access` (may be null: no security applied) is the
    /// previewed profile's grants on the object.
    void DrawPreview(const PageContext& ctx, const ObjectDef& object, const Layout& layout,
                     const ObjectFieldAccess* access);
    void MoveItem(int from_section, int from_index, int to_section, int to_index);
    /// The profiles' names, alphabetical (re-read when the workspace changed).
    const std::vector<std::string>& ProfileNames();

    Workspace& workspace_;
    UnsavedGuard& guard_;
    std::string object_;
    Layout draft_;
    Layout saved_;
    Note message_;
    std::string error_;
    std::string draft_notice_;  ///< changed or deleted in another tab, until saved or discarded
    std::string profile_;          ///< the profile to assign to
    std::string profile_filter_;   ///< typed in its picker
    std::string preview_profile_;  ///< "preview as profile" ("" = the layout being edited)
    std::string preview_filter_;
    std::vector<std::string> profile_names_;
    uint64_t profiles_change_ = UINT64_MAX;
};

}  // namespace crm::ui
