// Work that blocks the frame for a noticeable time (a type change over a million records, an index built
// on a large table, a preview scanning every record) is not started by the click itself: it runs one
// frame later, so that the frame in between shows an overlay saying what is being done. The console and
// the browser stay frozen while it runs, but the user sees why, and the click is never lost.
//
// Work that can be cut into slices (a report over a million records: ReportRun) runs one slice per frame
// instead (RunInSlices): the console keeps drawing, the overlay shows how far it got and a Cancel button.
// The browser has no second thread, so slicing on the frame is the one way to stay responsive there.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "ui/shell/page.h"
#include "workspace.h"

namespace crm::ui {

/// Runs `work` after the next frame has shown "`what`…" over the console, or at once when it will not
/// be `slow` (a flash of the overlay on every small change would only distract). Work queued earlier
/// runs first.
void RunShowingProgress(bool slow, std::string what, std::function<void()> work);

/// How far sliced work has come: a fraction (0..1) and a line saying it ("12,000 of 1,000,000 records").
struct SliceProgress {
    float fraction = 0.0f;
    std::string text;
};

/// Work done a slice per frame. `step(budget)` does about `budget` units (records) and answers whether
/// it is finished (it then shows its outcome itself); `cancel` asks it to stop (the next step then
/// finishes). The budget adapts so that a frame's slice takes about kSliceMs.
struct SlicedWork {
    std::string what;
    std::function<bool(int64_t budget)> step;
    std::function<SliceProgress()> progress;
    std::function<void()> cancel;
};
constexpr double kSliceMs = 25.0;

/// Queues sliced work behind what waits already. While it runs, a modal overlay names it, shows its
/// progress and a Cancel button (published as "busy.cancel").
void RunInSlices(SlicedWork work);

/// Whether work over every record of the object takes long enough to show progress (more than
/// kListCountLimit records, counted cheaply).
bool ManyRecords(Workspace& workspace, const std::string& object);

/// Once per frame, after the pages: runs the work whose overlay the last frame showed, then draws the
/// overlay of what is still waiting.
void DrawProgressOverlay(const PageContext& ctx);

/// What is waiting or running ("" when nothing), and the last overlay shown, for the test hooks.
const std::string& ProgressWhat();
const std::string& LastProgressShown();
/// The progress line of the sliced work running ("" when none), for the test hooks.
std::string ProgressDetail();

}  // namespace crm::ui
