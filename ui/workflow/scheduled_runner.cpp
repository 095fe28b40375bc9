#include "ui/workflow/scheduled_runner.h"

#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/shell/busy.h"

namespace crm::ui {

namespace {

/// Due items at once beyond which the run shows the progress overlay first.
constexpr int kSlowRun = 200;

/// How soon a run the workspace refused as busy is tried again (ms).
constexpr int64_t kBusyRetryMs = 1000;

}  // namespace

void ScheduledRunner::Tick() {
    if (queued_) return;
    const int64_t now = workspace_.clock().NowMs();
    if (last_run_ms_ != 0 && now - last_run_ms_ < kRunEveryMs && now >= last_run_ms_) return;
    last_run_ms_ = now;
    const size_t due = workspace_.automation().scheduler().Due(now, kSlowRun + 1).size();
    if (due == 0) {
        ++runs_;
        last_report_ = {};
        last_error_.clear();
        return;
    }
    queued_ = true;
    RunShowingProgress(due > static_cast<size_t>(kSlowRun), Tr("wf.sched.running"),
                       [this, now] { Run(now); });
}

void ScheduledRunner::Run(int64_t now_ms) {
    queued_ = false;
    ++runs_;
    Result<RunDueReport> report =
        workspace_.automation().scheduler().RunDue(workspace_.access().WorkspaceOwner(), now_ms);
    if (report.ok()) {
        last_report_ = std::move(*report);
        last_error_.clear();
        if (last_report_.ran.size() >= 1000) last_run_ms_ = 0;  // more are due: again next frame
    } else if (report.error().code == "storage.busy") {
        // Another tab holds the workspace's writer lease (web): this one asked for it; try again
        // in a second instead of a minute, and say nothing (nothing ran, nothing failed).
        last_run_ms_ = now_ms - kRunEveryMs + kBusyRetryMs;
    } else {
        last_report_ = {};
        last_error_ = ErrorText(report.error());
    }
}

nlohmann::json ScheduledRunner::State() const {
    return {{"runs", runs_},
            {"last_run_ms", last_run_ms_},
            {"last_ran", last_report_.ran.size()},
            {"last_late", last_report_.late},
            {"last_failed", last_report_.failed},
            {"last_error", last_error_}};
}

}  // namespace crm::ui
