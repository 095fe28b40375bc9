// The console's two themes: a palette each, and the ImGui style tuned for an admin console
// (rounding, padding, an accent colour) at a given scale.
#pragma once
#include <optional>
#include <string_view>

#include "imgui.h"

namespace crm::ui {

/// Light or dark.
enum class Theme { Light, Dark };

/// "light" / "dark".
const char* ThemeName(Theme theme);
/// Parses "light" / "dark".
std::optional<Theme> ParseTheme(std::string_view name);

/// Colours the console draws with beyond ImGui's own style colours.
struct Palette {
    ImVec4 background;  ///< the content area behind cards
    ImVec4 surface;     ///< cards, top bar, sidebar
    ImVec4 surface_hover;
    ImVec4 border;
    ImVec4 text;
    ImVec4 text_muted;
    ImVec4 accent;
    ImVec4 accent_hover;
    ImVec4 accent_active;
    ImVec4 accent_soft;  ///< selected rows, the current sidebar item
    ImVec4 on_accent;    ///< text on an accent background
    ImVec4 danger;
    ImVec4 danger_soft;
    ImVec4 success;
    ImVec4 warning;
    ImVec4 warning_soft;  ///< banner background
    ImVec4 warning_text;  ///< banner text
    ImVec4 highlight;     ///< the setting quick find jumped to
};

/// The palette of a theme.
const Palette& GetPalette(Theme theme);
/// The palette of the theme last applied with ApplyStyle.
const Palette& CurrentPalette();
/// Sets ImGui's style (sizes multiplied by `scale`) and colours for `theme`.
void ApplyStyle(Theme theme, float scale);
/// The scale last passed to ApplyStyle (multiply hand-chosen sizes by it).
float CurrentScale();
/// A palette colour with its alpha multiplied by `alpha`, packed for a draw list.
ImU32 ToU32(const ImVec4& color, float alpha = 1.0f);

}  // namespace crm::ui
