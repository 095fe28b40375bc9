// Work that blocks the frame for a noticeable time (a type change over a million records, an index built
// on a large table, a preview scanning every record) is not started by the click itself: it runs one
// frame later, so that the frame in between shows an overlay saying what is being done. The console and
// the browser stay frozen while it runs, but the user sees why, and the click is never lost.
#pragma once
#include <functional>
#include <string>

#include "ui/shell/page.h"
#include "workspace.h"

namespace crm::ui {

/// Runs `work` after the next frame has shown "`what`…" over the console, or at once when it will not
/// be `slow` (a flash of the overlay on every small change would only distract). Work queued earlier
/// runs first.
void RunShowingProgress(bool slow, std::string what, std::function<void()> work);

/// Whether work over every record of the object takes long enough to show progress (more than
/// kListCountLimit records, counted cheaply).
bool ManyRecords(Workspace& workspace, const std::string& object);

/// Once per frame, after the pages: runs the work whose overlay the last frame showed, then draws the
/// overlay of what is still waiting.
void DrawProgressOverlay(const PageContext& ctx);

/// What is waiting or running ("" when nothing), and the last overlay shown, for the test hooks.
const std::string& ProgressWhat();
const std::string& LastProgressShown();

}  // namespace crm::ui
