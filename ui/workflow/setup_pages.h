// The Workflow page's setup tabs (processes, assignment rules, approval processes), drawn by functions so
// that the page (ui/workflow/workflow_page.cpp) and the tabs can be built apart. Each draws its tab into
// the available region, as the acting user (ActingUser()), and keeps its own view state.
#pragma once
#include "ui/kit/i18n.h"
#include "ui/shell/page.h"
#include "workspace.h"

namespace crm::ui {

/// Processes: the stage list editor and the transitions graph.
void DrawProcessesPage(Workspace& workspace, const PageContext& ctx);
/// Assignment rules: the ordered entries per object, round-robin positions.
void DrawAssignmentPage(Workspace& workspace, const PageContext& ctx);
/// Approval processes: the step editor and the dry run on a chosen record.
void DrawApprovalSetupPage(Workspace& workspace, const PageContext& ctx);
/// The tab's open editor as an Editable for the console's unsaved-changes guard: dirty while its draft
/// differs from what was last loaded or saved; Save saves it as the editor's Save button does, Discard
/// closes the editor. One per tab, over the tab's state for `workspace`.
Editable* ProcessesEdits(Workspace& workspace);
Editable* AssignmentEdits(Workspace& workspace);
Editable* ApprovalSetupEdits(Workspace& workspace);
/// The setup tabs' strings (ui/workflow/catalog_setup.cpp); the area registers it beside its own.
Catalog WorkflowSetupCatalog();

}  // namespace crm::ui
