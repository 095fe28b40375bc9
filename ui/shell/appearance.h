// Fonts and style at the current scale: loads the UI font (a CJK subset) once, rebuilds the font
// atlas when the scale changes (DPI or the user's size setting), and applies the theme.
#pragma once
#include <string>
#include <vector>

#include "ui/shell/theme.h"

struct ImFont;

namespace crm::ui {

/// The fonts and style the console draws with. Apply() must run outside an ImGui frame.
class Appearance {
public:
    /// `font_path`: the TrueType UI font; when it is missing ImGui's default font is used
    /// (Latin only) and a message is logged.
    explicit Appearance(std::string font_path);

    /// Makes `theme` and `scale` current; rebuilds the fonts only when the scale changed.
    void Apply(Theme theme, float scale);

    float scale() const { return scale_; }
    Theme theme() const { return theme_; }
    /// Body text (16 px x scale), page titles (22 px), section headings (18 px) and help
    /// text (13.5 px).
    ImFont* body_font() const { return body_; }
    ImFont* title_font() const { return title_; }
    ImFont* heading_font() const { return heading_; }
    ImFont* small_font() const { return small_; }
    /// Whether the UI font was found (false: ImGui's built-in font, no Chinese glyphs).
    bool font_loaded() const { return !font_data_.empty(); }

private:
    void BuildFonts(float scale);

    std::string font_path_;
    std::vector<char> font_data_;
    std::vector<unsigned short> full_ranges_;     ///< common Chinese + every catalog character
    std::vector<unsigned short> catalog_ranges_;  ///< Latin + catalog characters (titles, help)
    float scale_ = 0.0f;
    Theme theme_ = Theme::Light;
    bool style_applied_ = false;
    ImFont* body_ = nullptr;
    ImFont* title_ = nullptr;
    ImFont* heading_ = nullptr;
    ImFont* small_ = nullptr;
};

}  // namespace crm::ui
