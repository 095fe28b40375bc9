// The colour of a state word the consoles show for work that goes out and comes back: outbox messages,
// webhook deliveries, ERP sync runs and their errors, API keys. One table, so "failed" means the same
// colour on every page.
#pragma once
#include <string_view>

#include "imgui.h"

namespace crm::ui {

/// Done (sent, ok, active, retried, resolved) in green; given up (dead, revoked) in red; failed but tried
/// again later, partial, held, open, expired or user_inactive in amber; under way (sending, running) in the
/// accent; waiting (queued) and anything else muted.
ImVec4 StateColor(std::string_view state);

}  // namespace crm::ui
