// Workflow, the "Execution log" tab: every rule run (time, rule, record, trigger, whether the condition
// held, the outcome, how long it took), filtered by object, rule and outcome and by text, sortable; a
// run's actions and error below the table.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ui/shell/page.h"
#include "workspace.h"

namespace crm::ui {

/// The execution log.
class LogPanel {
public:
    explicit LogPanel(Workspace& workspace) : workspace_(workspace) {}
    void Draw(const PageContext& ctx);
    /// The test snapshot: the entries listed (rule, record, outcome) and the filters.
    nlohmann::json State() const;

private:
    void Reload();

    Workspace& workspace_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_key_;
    std::vector<WorkflowLogEntry> entries_;
    std::vector<std::string> rule_names_;
    std::vector<std::string> objects_;
    int retention_days_ = 0;
    std::string error_;
    std::string object_;
    std::string rule_;
    std::string outcome_ = "all";  ///< "all", "ok", "failed"
    std::string filter_;
    int sort_column_ = -1;
    bool sort_desc_ = false;
    int64_t selected_ = 0;
};

}  // namespace crm::ui
