#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

ImVec4 Hex(unsigned rgb, float alpha = 1.0f) {
    return ImVec4(((rgb >> 16) & 0xFF) / 255.0f, ((rgb >> 8) & 0xFF) / 255.0f, (rgb & 0xFF) / 255.0f, alpha);
}

const Palette kLight = {
    Hex(0xF4F6F9),  // background
    Hex(0xFFFFFF),  // surface
    Hex(0xF1F4F8),  // surface_hover
    Hex(0xDDE2E9),  // border
    Hex(0x1C2430),  // text
    Hex(0x667085),  // text_muted
    Hex(0x2563EB),  // accent
    Hex(0x1D4ED8),  // accent_hover
    Hex(0x1E40AF),  // accent_active
    Hex(0xE4ECFD),  // accent_soft
    Hex(0xFFFFFF),  // on_accent
    Hex(0xD92D20),  // danger
    Hex(0xFEE4E2),  // danger_soft
    Hex(0x12B76A),  // success
    Hex(0xDC6803),  // warning
    Hex(0xFEF0C7),  // warning_soft
    Hex(0x93370D),  // warning_text
    Hex(0xFDE68A),  // highlight
};

const Palette kDark = {
    Hex(0x12151B),  // background
    Hex(0x1A1E26),  // surface
    Hex(0x232833),  // surface_hover
    Hex(0x2E3440),  // border
    Hex(0xE4E7EC),  // text
    Hex(0x98A2B3),  // text_muted
    Hex(0x4F8CFF),  // accent
    Hex(0x6B9FFF),  // accent_hover
    Hex(0x3B76E8),  // accent_active
    Hex(0x1F3157),  // accent_soft
    Hex(0xFFFFFF),  // on_accent
    Hex(0xF97066),  // danger
    Hex(0x4A1D1B),  // danger_soft
    Hex(0x32D583),  // success
    Hex(0xFDB022),  // warning
    Hex(0x3D2E0E),  // warning_soft
    Hex(0xFEC84B),  // warning_text
    Hex(0x5C4A12),  // highlight
};

Theme g_theme = Theme::Light;
float g_scale = 1.0f;

ImVec4 Mix(const ImVec4& a, const ImVec4& b, float t) {
    return ImVec4(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t, a.w + (b.w - a.w) * t);
}

ImVec4 WithAlpha(ImVec4 c, float alpha) {
    c.w = alpha;
    return c;
}

}  // namespace

const char* ThemeName(Theme theme) { return theme == Theme::Dark ? "dark" : "light"; }

std::optional<Theme> ParseTheme(std::string_view name) {
    if (name == "light") return Theme::Light;
    if (name == "dark") return Theme::Dark;
    return std::nullopt;
}

const Palette& GetPalette(Theme theme) { return theme == Theme::Dark ? kDark : kLight; }
const Palette& CurrentPalette() { return GetPalette(g_theme); }
float CurrentScale() { return g_scale; }

ImU32 ToU32(const ImVec4& color, float alpha) {
    return ImGui::ColorConvertFloat4ToU32(ImVec4(color.x, color.y, color.z, color.w * alpha));
}

void ApplyStyle(Theme theme, float scale) {
    g_theme = theme;
    g_scale = scale;
    const Palette& p = GetPalette(theme);
    const bool dark = theme == Theme::Dark;
    ImGuiStyle style;
    style.WindowPadding = ImVec2(16, 16);
    style.FramePadding = ImVec2(10, 6);
    style.CellPadding = ImVec2(10, 7);
    style.ItemSpacing = ImVec2(10, 8);
    style.ItemInnerSpacing = ImVec2(8, 6);
    style.IndentSpacing = 18;
    style.ScrollbarSize = 12;
    style.GrabMinSize = 10;
    style.WindowBorderSize = 0;
    style.ChildBorderSize = 1;
    style.PopupBorderSize = 1;
    style.FrameBorderSize = 1;
    style.WindowRounding = 10;
    style.ChildRounding = 8;
    style.FrameRounding = 6;
    style.PopupRounding = 8;
    style.ScrollbarRounding = 6;
    style.GrabRounding = 6;
    style.TabRounding = 6;
    style.WindowTitleAlign = ImVec2(0.0f, 0.5f);
    style.SelectableTextAlign = ImVec2(0.0f, 0.5f);
    style.ScaleAllSizes(scale);

    ImVec4* c = style.Colors;
    c[ImGuiCol_Text] = p.text;
    c[ImGuiCol_TextDisabled] = p.text_muted;
    c[ImGuiCol_WindowBg] = p.background;
    c[ImGuiCol_ChildBg] = WithAlpha(p.surface, 0.0f);
    c[ImGuiCol_PopupBg] = p.surface;
    c[ImGuiCol_Border] = p.border;
    c[ImGuiCol_BorderShadow] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_FrameBg] = dark ? Hex(0x222731) : Hex(0xFFFFFF);
    c[ImGuiCol_FrameBgHovered] = dark ? Hex(0x29303C) : Hex(0xF5F7FA);
    c[ImGuiCol_FrameBgActive] = dark ? Hex(0x2C3442) : Hex(0xFFFFFF);
    c[ImGuiCol_TitleBg] = p.surface;
    c[ImGuiCol_TitleBgActive] = p.surface;
    c[ImGuiCol_TitleBgCollapsed] = p.surface;
    c[ImGuiCol_MenuBarBg] = p.surface;
    c[ImGuiCol_ScrollbarBg] = WithAlpha(p.background, 0.0f);
    c[ImGuiCol_ScrollbarGrab] = dark ? Hex(0x3A4150) : Hex(0xC9D0DA);
    c[ImGuiCol_ScrollbarGrabHovered] = dark ? Hex(0x4A5366) : Hex(0xAEB7C4);
    c[ImGuiCol_ScrollbarGrabActive] = p.accent;
    c[ImGuiCol_CheckMark] = p.accent;
    c[ImGuiCol_SliderGrab] = p.accent;
    c[ImGuiCol_SliderGrabActive] = p.accent_active;
    c[ImGuiCol_Button] = dark ? Hex(0x252B36) : Hex(0xFFFFFF);
    c[ImGuiCol_ButtonHovered] = dark ? Hex(0x2F3644) : Hex(0xF1F4F8);
    c[ImGuiCol_ButtonActive] = dark ? Hex(0x384152) : Hex(0xE4E8EE);
    c[ImGuiCol_Header] = p.accent_soft;
    c[ImGuiCol_HeaderHovered] = Mix(p.accent_soft, p.surface_hover, 0.5f);
    c[ImGuiCol_HeaderActive] = p.accent_soft;
    c[ImGuiCol_Separator] = p.border;
    c[ImGuiCol_SeparatorHovered] = p.accent;
    c[ImGuiCol_SeparatorActive] = p.accent;
    c[ImGuiCol_ResizeGrip] = WithAlpha(p.accent, 0.0f);
    c[ImGuiCol_ResizeGripHovered] = WithAlpha(p.accent, 0.6f);
    c[ImGuiCol_ResizeGripActive] = p.accent;
    c[ImGuiCol_Tab] = p.surface;
    c[ImGuiCol_TabHovered] = p.accent_soft;
    c[ImGuiCol_TabActive] = p.accent_soft;
    c[ImGuiCol_TabUnfocused] = p.surface;
    c[ImGuiCol_TabUnfocusedActive] = p.accent_soft;
    c[ImGuiCol_PlotLines] = p.accent;
    c[ImGuiCol_PlotLinesHovered] = p.accent_hover;
    c[ImGuiCol_PlotHistogram] = p.accent;
    c[ImGuiCol_PlotHistogramHovered] = p.accent_hover;
    c[ImGuiCol_TableHeaderBg] = dark ? Hex(0x1F242D) : Hex(0xF7F8FA);
    c[ImGuiCol_TableBorderStrong] = p.border;
    c[ImGuiCol_TableBorderLight] = dark ? Hex(0x222730) : Hex(0xEDF0F3);
    c[ImGuiCol_TableRowBg] = WithAlpha(p.surface, 0.0f);
    c[ImGuiCol_TableRowBgAlt] = dark ? Hex(0xFFFFFF, 0.02f) : Hex(0x000000, 0.018f);
    c[ImGuiCol_TextSelectedBg] = WithAlpha(p.accent, 0.30f);
    c[ImGuiCol_DragDropTarget] = p.accent;
    c[ImGuiCol_NavHighlight] = p.accent;
    c[ImGuiCol_NavWindowingHighlight] = p.accent;
    c[ImGuiCol_NavWindowingDimBg] = Hex(0x000000, 0.3f);
    c[ImGuiCol_ModalWindowDimBg] = dark ? Hex(0x000000, 0.55f) : Hex(0x101828, 0.35f);
    ImGui::GetStyle() = style;
}

}  // namespace crm::ui
