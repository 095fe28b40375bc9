// Users & Permissions, the Sharing tab: the organization-wide default of every object (Private,
// Public Read Only, Public Read/Write) with the hierarchy switch of custom objects, and the sharing
// rules with their editor (owner-based: owned by a role, a role and subordinates or a team;
// criteria-based: a formula; shared with a role, role and subordinates, team or user; Read or
// Read/Write).
#pragma once
#include <string>

#include "ui/schema/formula_editor.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/page.h"
#include "workspace.h"
#include "ui/kit/note.h"

namespace crm::ui {

/// Sharing settings and rules.
class SharingPanel {
public:
    explicit SharingPanel(Workspace& workspace) : workspace_(workspace) {}
    void Draw(const PageContext& ctx);

private:
    /// The object's label as the console shows it (its API name when the schema lacks it).
    std::string ObjectText(const std::string& api_name) const;
    void DrawDefaults(const PageContext& ctx);
    void DrawRules(const PageContext& ctx);
    void DrawEditor(const PageContext& ctx);

    Workspace& workspace_;
    Note message_;
    std::string error_;
    bool editor_open_ = false;
    SharingRule draft_;
    bool criteria_based_ = false;
    int owned_kind_ = 0;
    int share_kind_ = 0;
    std::string owned_name_;
    FormErrors errors_;
    FormulaEditor criteria_;  ///< the criteria box with its live check
    std::string owd_filter_, rules_filter_;
    int owd_sort_column_ = -1;  ///< -1: the access service's order
    bool owd_sort_desc_ = false;
    int rules_sort_column_ = -1;
    bool rules_sort_desc_ = false;
};

}  // namespace crm::ui
