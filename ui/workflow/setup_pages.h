// The Workflow area's configuration pages: processes (stages and their transitions), assignment rules
// and approval processes. Each draws into the available region with the services every page is built
// with; the Workflow page (ui/workflow/area.cpp) shows them in its tabs and keeps no state of theirs.
#pragma once
#include "ui/shell/areas.h"

namespace crm::ui {

/// Processes per object: the list, the stage editor and the transitions drawn as a graph.
void DrawProcessesPage(const PageServices& services);
/// Assignment rules per object: the ordered entries (drag or move to reorder) and the entry editor.
void DrawAssignmentPage(const PageServices& services);
/// Approval processes per object: the list, the step editor, the actions and a dry run on a record.
void DrawApprovalSetupPage(const PageServices& services);

}  // namespace crm::ui
