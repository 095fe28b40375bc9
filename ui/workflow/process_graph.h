// The transitions of a process drawn with the draw list: each stage a box (its label and
// probability), an arrow for each allowed transition (stages top to bottom; forward jumps arc on the right,
// steps back on the left), and "any next" in a stage that allows every next stage. Colours come from the
// current palette, so the graph reads in both themes.
#pragma once
#include <string>
#include <vector>

#include "ui/shell/page.h"
#include "workflow/processes.h"

namespace crm::ui::setup {

/// Draws the graph of `process` at the cursor, `width` wide; `labels[i]` is stage i's shown label and
/// `selected` the stage drawn as selected. Answers the stage clicked, or -1. Publishes each box as
/// "<hook>.stage.<value>".
int DrawStageGraph(const PageContext& ctx, const Process& process, const std::vector<std::string>& labels,
                   int selected, float width, const std::string& hook);

}  // namespace crm::ui::setup
