// The parts of the Approval processes page drawn apart from its list and step editor: the actions
// (on submit, final approval, final rejection, recall) and the dry run on a chosen record.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ui/schema/schema_ui.h"
#include "ui/shell/page.h"
#include "workflow/approvals.h"
#include "workspace.h"

namespace crm::ui::setup {

/// The four action lists of `process`, in tabs; errors at "actions.<when>[i].<key>".
void DrawApprovalActions(const PageContext& ctx, Workspace& workspace, ApprovalProcess* process,
                         const FormErrors& errors);

/// The dry run's view state: the record picked, its filter, the result.
struct DryRunState {
    int64_t record_id = 0;
    std::string record_name;
    std::string filter;
    bool only_entering = true;  ///< list only records meeting the process's entry condition
    bool scroll = false;        ///< bring the result into view on the next frame
    std::optional<ApprovalSimulation> result;
    std::string error;
    void Reset() { *this = DryRunState(); }
};

/// The dry run of a submission of a record of `object` to the saved process `process_name` (as
/// ApprovalService::Simulate): which process takes it, and per step whether its condition holds,
/// what it does and who would be asked. `draft_dirty`: the editor holds unsaved changes (the dry run
/// reads the saved definition, and says so).
/// `entry_condition` (the saved one) narrows the records offered while `only_entering` is set.
void DrawApprovalDryRun(const PageContext& ctx, Workspace& workspace, const std::string& object,
                        const std::string& process_name, const std::string& entry_condition, bool draft_dirty,
                        DryRunState* state);

}  // namespace crm::ui::setup
