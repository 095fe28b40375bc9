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
    std::string submitter;      ///< as whom the dry run submits ("" = the acting user)
    bool scroll = false;        ///< bring the result into view on the next frame
    std::optional<ApprovalSimulation> result;
    std::string error;
    void Reset() { *this = DryRunState(); }
};

/// The dry run of a submission of a record of `draft.object` to the definition as edited, saved or not
/// (ApprovalService::SimulateDraft), as a chosen submitter: whether its entry condition holds, and per
/// step whether its condition holds, what it does and who would be asked. Its entry condition narrows
/// the records offered while `only_entering` is set.
void DrawApprovalDryRun(const PageContext& ctx, Workspace& workspace, const ApprovalProcess& draft,
                        DryRunState* state);

}  // namespace crm::ui::setup
