#include "ui/kit/state_color.h"

#include "ui/shell/theme.h"

namespace crm::ui {

ImVec4 StateColor(std::string_view state) {
    const Palette& p = CurrentPalette();
    for (std::string_view done : {"sent", "ok", "active", "retried", "resolved"})
        if (state == done) return p.success;
    if (state == "dead" || state == "revoked") return p.danger;
    for (std::string_view later : {"failed", "partial", "held", "open", "expired", "user_inactive"})
        if (state == later) return p.warning;
    if (state == "sending" || state == "running") return p.accent;
    return p.text_muted;
}

}  // namespace crm::ui
