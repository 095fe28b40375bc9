// The "Layouts" tab: the layout editor. Sections (title, one or two columns) hold fields; fields
// move between sections and within one by drag and drop (or the up/down/section buttons, for
// keyboard users); each placement can be required or read-only on this form. A live preview shows
// the form; layouts are assigned to profiles by name, and "preview as profile" shows the form that
// profile would get.
#pragma once
#include <string>

#include "ui/page.h"
#include "workspace.h"

namespace crm::ui {

/// The layouts of one object.
class LayoutPanel {
public:
    explicit LayoutPanel(Workspace& workspace) : workspace_(workspace) {}
    void Draw(const PageContext& ctx, const ObjectDef& object);

private:
    void Select(const Layout& layout);
    void DrawEditor(const PageContext& ctx, const ObjectDef& object, float width);
    void DrawPreview(const PageContext& ctx, const ObjectDef& object, const Layout& layout);
    void MoveItem(int from_section, int from_index, int to_section, int to_index);

    Workspace& workspace_;
    std::string object_;
    Layout draft_;
    Layout saved_;
    std::string message_;
    std::string error_;
    std::string profile_;          ///< the profile to assign to
    std::string preview_profile_;  ///< "preview as profile" ("" = the layout being edited)
};

}  // namespace crm::ui
