// Fonts and style at the current scale: loads the UI font (a CJK subset) once, rebuilds the font
// atlas when the scale changes (DPI or the user's size setting) or when text needs glyphs the
// subset lacks, and applies the theme.
//
// Glyphs: every font size (body, title, heading, small) carries the same code points, so a heading
// never lacks a character its table shows: those of the UI font file (the subset
// scripts/gen/ui_font.py builds from every catalog, the core's texts and the demo generator).
// Its 3,000 CJK characters (from U+2E80) are most of the atlas's work, so they are rasterised only
// once the console speaks Chinese or draws one of them: until then each has a stand-in glyph of its
// own advance that samples one transparent texel (stand_in_u/v()), so the text lays out as it will
// and draws nothing for a frame; the host sees that texel in the frame's vertices
// (NoteHanShown()) and the next Apply() builds the whole font. The English catalog's few (the
// language switch's 中文) are rasterised up front too: an English console's first frame thus
// rasterises about 300 glyphs a size instead of 3,300. Characters outside the subset (typed,
// pasted, imported) are loaded at run time from the full font (Platform::FullFontPath) into every
// size; what neither font has (emoji) draws as a placeholder box (U+FFFD), never "?".
#pragma once
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ui/shell/theme.h"

struct ImFont;

namespace crm::ui {

/// The code points of UTF-8 text above ASCII, up to a NUL or `end` (an invalid sequence gives U+FFFD).
std::vector<uint32_t> NonAsciiCodepoints(const char* text, const char* end);

/// The fonts and style the console draws with. Apply() must run outside an ImGui frame.
class Appearance {
public:
    /// `font_path`: the TrueType UI font; when it is missing ImGui's default font is used
    /// (Latin only) and a message is logged. `symbols_path`: the few symbols of the texts the UI
    /// font lacks (crm_symbols.ttf), merged into every size.
    explicit Appearance(std::string font_path, std::string symbols_path = {});

    /// Where the full font can be read from: a path, or "" while it is not available (yet).
    void SetFullFontSource(std::function<std::string()> source) { full_font_source_ = std::move(source); }
    /// Whether the UI font files can be read now (Platform::UiFontsArrived: the web fetches them
    /// beside the page, so the first frame does not wait for them). Until they can, ImGui's built-in
    /// font draws; the Apply() after they arrive swaps the UI font in.
    void SetUiFontSource(std::function<bool()> arrived) { ui_font_arrived_ = std::move(arrived); }

    /// Whether the console speaks Chinese: the UI font's CJK characters are then built up front.
    /// Takes effect at the next Apply().
    void SetHanUpFront(bool on) { han_up_front_ = on; }
    /// A frame drew a stand-in (a CJK character not rasterised yet): the next Apply() builds them all.
    void NoteHanShown() { han_shown_ = true; }
    /// Whether the atlas holds the UI font's CJK characters.
    bool han_built() const { return built_han_; }
    /// Whether the first atlas built with the UI font held no CJK character beyond the English catalog's.
    bool first_build_lean() const { return first_build_lean_; }
    /// The texture coordinate every stand-in glyph samples (a transparent texel); (-1, -1) when the
    /// atlas has none.
    float stand_in_u() const { return stand_in_u_; }
    float stand_in_v() const { return stand_in_v_; }

    /// Makes `theme` and `scale` current; rebuilds the fonts when the scale changed, the CJK
    /// characters are wanted, or glyphs asked for by AddMissing() can be loaded now.
    void Apply(Theme theme, float scale);

    /// Code points seen in text that the atlas may lack: a CJK character of the UI font builds them
    /// all at the next Apply(); the others are loaded from the full font at a later Apply() (those the
    /// full font lacks too stay placeholder boxes).
    void AddMissing(const std::vector<uint32_t>& codepoints);
    /// Whether every font size has a glyph for `codepoint` (not the placeholder, not a stand-in).
    bool HasGlyph(uint32_t codepoint) const;
    /// Whether `codepoint` draws with a glyph: one of the atlas, or a CJK character of the UI font,
    /// rasterised once shown.
    bool CanDraw(uint32_t codepoint) const;
    /// Code points waiting for the full font (asked for, not loaded, not known to be absent), one
    /// while the UI font itself has not arrived, and one while its CJK characters are wanted and not
    /// built yet.
    size_t pending_glyphs() const {
        return pending_.size() + (ui_font_waiting_ ? 1 : 0) + (HanWanted() ? 1 : 0);
    }
    /// The code points of the UI font file (what every size is built with, before run-time additions).
    const std::vector<uint32_t>& font_codepoints() const { return font_codepoints_; }
    /// The code points of the symbol font the UI font lacks (merged into every size).
    const std::vector<uint32_t>& symbol_codepoints() const { return symbol_codepoints_; }

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
    /// Milliseconds the last atlas build took (fonts rasterised, placeholder drawn).
    double last_build_ms() const { return last_build_ms_; }
    /// Atlases built so far (a new one changes what a frame's glyph coordinates sample).
    uint64_t atlas_builds() const { return atlas_builds_; }

private:
    bool HanWanted() const { return (han_up_front_ || han_shown_) && !built_han_ && !font_data_.empty(); }
    void BuildFonts(float scale);
    /// Gives each font of `fonts` (with its pixel size) a stand-in glyph for every code point of
    /// `stand_ins`, sampling the atlas's custom rect `blank` (one texel, cleared).
    void AddStandIns(const std::vector<std::pair<ImFont*, float>>& fonts, std::vector<uint32_t> stand_ins,
                     int blank);
    bool LoadPending();
    /// Reads the UI font and the symbol font and their character maps.
    void LoadUiFont();

    std::string font_path_;
    std::string symbols_path_;
    std::function<bool()> ui_font_arrived_;
    bool ui_font_waiting_ = false;  ///< the UI font is missing and its source may still deliver it
    bool missing_logged_ = false;
    std::vector<char> font_data_;
    std::vector<uint32_t> font_codepoints_;  ///< the UI font's cmap (without U+FFFD)
    std::vector<char> symbol_data_;
    std::vector<uint32_t> symbol_codepoints_;  ///< the symbol font's, less the UI font's
    std::function<std::string()> full_font_source_;
    std::vector<char> full_font_data_;
    std::vector<uint32_t> english_han_;  ///< the CJK characters of the English catalog, sorted
    bool han_up_front_ = false;
    bool han_shown_ = false;
    bool built_han_ = false;             ///< the atlas holds the UI font's CJK characters
    bool built_with_font_ = false;       ///< an atlas was built with the UI font
    bool first_build_lean_ = false;
    std::vector<uint32_t> stand_ins_;    ///< CJK characters with a stand-in glyph now, sorted
    float stand_in_u_ = -1.0f;
    float stand_in_v_ = -1.0f;
    std::vector<uint32_t> extra_codepoints_;  ///< loaded from the full font, sorted
    std::set<uint32_t> pending_;              ///< asked for, the full font not read yet
    std::set<uint32_t> absent_;               ///< neither font has them: placeholder boxes
    bool full_font_failed_ = false;
    float scale_ = 0.0f;
    Theme theme_ = Theme::Light;
    bool style_applied_ = false;
    double last_build_ms_ = 0.0;
    uint64_t atlas_builds_ = 0;
    ImFont* body_ = nullptr;
    ImFont* title_ = nullptr;
    ImFont* heading_ = nullptr;
    ImFont* small_ = nullptr;
};

}  // namespace crm::ui
