// Workflow, the "Scheduled items" tab: what the scheduler's queue holds and when it is due (in company
// time), what ran and whether it ran late or failed, the console's last automatic run, and "Run due now".
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ui/shell/page.h"
#include "ui/workflow/scheduled_runner.h"
#include "workspace.h"
#include "ui/kit/note.h"

namespace crm::ui {

/// The scheduler's queue.
class ScheduledPanel {
public:
    ScheduledPanel(Workspace& workspace, const ScheduledRunner& runner)
        : workspace_(workspace), runner_(runner) {}
    void Draw(const PageContext& ctx);
    /// The test snapshot: the items listed, the state shown, the last "Run due now".
    nlohmann::json State() const;

private:
    void Reload();

    Workspace& workspace_;
    const ScheduledRunner& runner_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_user_;
    std::string loaded_state_;
    std::string state_ = "pending";  ///< "pending", "done", "failed", "" = every state
    std::vector<ScheduledItem> items_;
    int64_t pending_ = 0;
    std::map<int64_t, std::string> rule_names_;  ///< automation rule id -> name
    std::string error_;
    std::string filter_;
    int sort_column_ = -1;
    bool sort_desc_ = false;
    Note message_;
    std::string run_error_;
};

}  // namespace crm::ui
