// The console runs the scheduler: once when the workspace opens (items that fell due while the console
// was closed run then, exactly once, and are marked "ran late") and then every kRunEveryMs of wall
// clock, from the console's one frame loop (the Workflow page's Refresh, which the console calls every
// frame on both the web and the desktop build). It runs as the console's own user, the workspace owner,
// whoever the console is viewing as.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "workspace.h"

namespace crm::ui {

/// How often the console looks for due items (ms of wall clock).
constexpr int64_t kRunEveryMs = 60'000;

/// Runs due scheduler items on open and periodically.
class ScheduledRunner {
public:
    explicit ScheduledRunner(Workspace& workspace) : workspace_(workspace) {}
    /// Called every frame: runs what is due when the workspace just opened or kRunEveryMs have passed.
    void Tick();
    /// When the last run happened (workspace clock, ms; 0 = not yet), what it ran, and its error.
    int64_t last_run_ms() const { return last_run_ms_; }
    const RunDueReport& last_report() const { return last_report_; }
    const std::string& last_error() const { return last_error_; }
    /// The test snapshot: runs made, the last one's time and counts.
    nlohmann::json State() const;

private:
    void Run(int64_t now_ms);

    Workspace& workspace_;
    int64_t last_run_ms_ = 0;
    int64_t runs_ = 0;
    bool queued_ = false;
    RunDueReport last_report_;
    std::string last_error_;
};

}  // namespace crm::ui
