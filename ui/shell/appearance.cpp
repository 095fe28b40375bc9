#include "ui/shell/appearance.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "imgui.h"
#include "imgui_impl_opengl3.h"
#include "imgui_internal.h"
#include "ui/kit/i18n.h"

// stb_truetype reads the fonts' character maps (static: no clash with ImGui's own copy).
#define STBTT_STATIC
#define STB_TRUETYPE_IMPLEMENTATION
#include "imstb_truetype.h"

namespace crm::ui {

namespace {

constexpr float kBodySize = 16.0f;
constexpr float kTitleSize = 22.0f;
constexpr float kHeadingSize = 18.0f;
constexpr float kSmallSize = 13.5f;
/// The placeholder box's code point: ImGui draws it for any character no font has.
constexpr uint32_t kPlaceholder = 0xFFFD;
/// Where the CJK blocks begin (CJK Radicals Supplement): the UI font's characters from here on are
/// rasterised once wanted (the header).
constexpr uint32_t kFirstHan = 0x2E80;
/// A stand-in glyph's quad: a hundredth of a pixel, so it covers no pixel and yet gives vertices.
constexpr float kStandInSize = 0.01f;

std::vector<char> ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    return std::vector<char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// The first face of a TrueType font or collection, ready for lookups; false when unreadable.
bool OpenFace(const std::vector<char>& data, stbtt_fontinfo* info) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    const int offset = data.empty() ? -1 : stbtt_GetFontOffsetForIndex(bytes, 0);
    return offset >= 0 && stbtt_InitFont(info, bytes, offset) != 0;
}

/// Every code point of the Basic Multilingual Plane the font maps to a glyph.
std::vector<uint32_t> CodepointsOf(const std::vector<char>& data) {
    std::vector<uint32_t> out;
    stbtt_fontinfo info;
    if (!OpenFace(data, &info)) return out;
    for (uint32_t cp = 0x20; cp <= 0xFFFF; ++cp) {
        if (cp != kPlaceholder && stbtt_FindGlyphIndex(&info, static_cast<int>(cp)) != 0) out.push_back(cp);
    }
    return out;
}

/// ImGui's glyph ranges (pairs, zero-terminated) for sorted code points.
ImVector<ImWchar> RangesOf(const std::vector<uint32_t>& sorted) {
    ImVector<ImWchar> ranges;
    for (size_t i = 0; i < sorted.size();) {
        size_t j = i;
        while (j + 1 < sorted.size() && sorted[j + 1] == sorted[j] + 1) ++j;
        ranges.push_back(static_cast<ImWchar>(sorted[i]));
        ranges.push_back(static_cast<ImWchar>(sorted[j]));
        i = j + 1;
    }
    ranges.push_back(0);
    return ranges;
}

/// Draws the placeholder box's outline into the atlas's alpha pixels.
void DrawBox(ImFontAtlas* atlas, const ImFontAtlasCustomRect& rect) {
    unsigned char* pixels = atlas->TexPixelsAlpha8;
    if (!pixels) return;
    for (int y = 0; y < rect.Height; ++y) {
        for (int x = 0; x < rect.Width; ++x) {
            const bool edge = x == 0 || y == 0 || x == rect.Width - 1 || y == rect.Height - 1;
            pixels[(rect.Y + y) * atlas->TexWidth + rect.X + x] = edge ? 0xFF : 0x00;
        }
    }
}

}  // namespace

std::vector<uint32_t> NonAsciiCodepoints(const char* text, const char* end) {
    std::vector<uint32_t> out;
    while (text < end && *text) {
        if (static_cast<unsigned char>(*text) < 0x80) {
            ++text;
            continue;
        }
        unsigned int c = 0;
        const int n = ImTextCharFromUtf8(&c, text, end);
        if (n <= 0) break;
        text += n;
        out.push_back(c);
    }
    return out;
}

Appearance::Appearance(std::string font_path, std::string symbols_path)
    : font_path_(std::move(font_path)), symbols_path_(std::move(symbols_path)) {
    ForEachCatalogTextIn(Language::English, [&](const char* text) {
        if (!text) return;
        for (uint32_t cp : NonAsciiCodepoints(text, text + std::strlen(text)))
            if (cp >= kFirstHan) english_han_.push_back(cp);
    });
    std::sort(english_han_.begin(), english_han_.end());
    english_han_.erase(std::unique(english_han_.begin(), english_han_.end()), english_han_.end());
    LoadUiFont();
}

void Appearance::LoadUiFont() {
    font_data_ = ReadFile(font_path_);
    if (!symbols_path_.empty()) symbol_data_ = ReadFile(symbols_path_);
    font_codepoints_ = CodepointsOf(font_data_);
    symbol_codepoints_.clear();
    for (uint32_t cp : CodepointsOf(symbol_data_)) {
        if (cp > 0x7F && !std::binary_search(font_codepoints_.begin(), font_codepoints_.end(), cp)) {
            symbol_codepoints_.push_back(cp);
        }
    }
}

void Appearance::Apply(Theme theme, float scale) {
    scale = std::round(std::fmax(0.5f, std::fmin(scale, 4.0f)) * 100.0f) / 100.0f;
    // The UI font, when it comes after the first frame (the web), is swapped in once it is there.
    bool arrived = false;
    ui_font_waiting_ = false;
    if (font_data_.empty()) {
        if (ui_font_arrived_ && ui_font_arrived_()) {
            LoadUiFont();
            arrived = !font_data_.empty();
        }
        ui_font_waiting_ = font_data_.empty() && ui_font_arrived_ && !ui_font_arrived_();
        if (font_data_.empty() && !ui_font_waiting_ && !missing_logged_) {
            missing_logged_ = true;
            std::fprintf(stderr,
                         "[console] UI font not found at %s; using ImGui's default font (no Chinese glyphs)\n",
                         font_path_.c_str());
        }
    }
    const bool rebuild_fonts = scale != scale_ || arrived || HanWanted() || LoadPending();
    if (rebuild_fonts) BuildFonts(scale);
    if (scale != scale_ || theme != theme_ || !style_applied_) {
        ApplyStyle(theme, scale);
        style_applied_ = true;
    }
    scale_ = scale;
    theme_ = theme;
}

void Appearance::AddMissing(const std::vector<uint32_t>& codepoints) {
    if (font_data_.empty()) return;
    for (uint32_t cp : codepoints) {
        if (cp < 0x20 || cp == kPlaceholder || cp > 0x10FFFF || absent_.count(cp) || HasGlyph(cp)) continue;
        if (std::binary_search(stand_ins_.begin(), stand_ins_.end(), cp)) {  // the UI font has it
            han_shown_ = true;
            continue;
        }
        if (std::binary_search(extra_codepoints_.begin(), extra_codepoints_.end(), cp)) continue;
        // (wqy-microhei covers the Basic Multilingual Plane only: emoji need no fetch to be known absent)
        if (full_font_failed_ || cp > 0xFFFF) {
            absent_.insert(cp);
        } else {
            pending_.insert(cp);
        }
    }
}

bool Appearance::CanDraw(uint32_t codepoint) const {
    return HasGlyph(codepoint) || std::binary_search(stand_ins_.begin(), stand_ins_.end(), codepoint);
}

bool Appearance::HasGlyph(uint32_t codepoint) const {
    if (std::binary_search(stand_ins_.begin(), stand_ins_.end(), codepoint)) return false;
    for (const ImFont* font : {body_, title_, heading_, small_}) {
        if (!font || !font->FindGlyphNoFallback(static_cast<ImWchar>(codepoint))) return false;
    }
    return true;
}

// Moves the pending code points the full font has into extra_codepoints_ (true when any did).
bool Appearance::LoadPending() {
    if (pending_.empty()) return false;
    if (full_font_data_.empty()) {
        const std::string path = full_font_source_ ? full_font_source_() : std::string();
        if (path.empty()) {
            if (!full_font_source_) full_font_failed_ = true;
        } else {
            full_font_data_ = ReadFile(path);
            if (full_font_data_.empty()) {
                std::fprintf(stderr, "[console] the full font %s could not be read\n", path.c_str());
                full_font_failed_ = true;
            }
        }
        if (full_font_failed_) {
            absent_.insert(pending_.begin(), pending_.end());
            pending_.clear();
            return false;
        }
        if (full_font_data_.empty()) return false;  // not available yet (web: still fetching)
    }
    stbtt_fontinfo info;
    const bool readable = OpenFace(full_font_data_, &info);
    bool added = false;
    for (uint32_t cp : pending_) {
        if (readable && stbtt_FindGlyphIndex(&info, static_cast<int>(cp)) != 0) {
            extra_codepoints_.insert(std::upper_bound(extra_codepoints_.begin(), extra_codepoints_.end(), cp),
                                     cp);
            added = true;
        } else {
            absent_.insert(cp);
        }
    }
    pending_.clear();
    return added;
}

void Appearance::BuildFonts(float scale) {
    const auto started = std::chrono::steady_clock::now();
    ImGuiIO& io = ImGui::GetIO();
    // (the backend's texture of the previous atlas, if it made one)
    const bool had_texture = io.Fonts->IsBuilt() && io.Fonts->TexID != ImTextureID();
    io.Fonts->Clear();
    // The UI font's CJK characters wait as stand-ins until wanted, but for the English catalog's own
    // (the language switch's 中文): the header.
    std::vector<uint32_t> base = font_codepoints_;
    std::vector<uint32_t> stand_ins;
    built_han_ = han_up_front_ || han_shown_;
    if (!built_with_font_ && !font_data_.empty()) {
        built_with_font_ = true;
        first_build_lean_ = !built_han_;
    }
    if (!built_han_) {
        base.clear();
        for (uint32_t cp : font_codepoints_) {
            const bool waits = cp >= kFirstHan && !std::binary_search(english_han_.begin(), english_han_.end(), cp);
            (waits ? stand_ins : base).push_back(cp);
        }
    }
    // The ranges must outlive the atlas build (ImGui keeps the pointers until Build()).
    const ImVector<ImWchar> base_ranges = RangesOf(base);
    const ImVector<ImWchar> extra_ranges = RangesOf(extra_codepoints_);
    const ImVector<ImWchar> symbol_ranges = RangesOf(symbol_codepoints_);
    std::vector<std::pair<ImFont*, float>> fonts;
    if (font_data_.empty()) {
        ImFontConfig config;
        config.SizePixels = std::round(13.0f * scale);
        body_ = title_ = heading_ = small_ = io.Fonts->AddFontDefault(&config);
        fonts.push_back({body_, config.SizePixels});
    } else {
        // Every size gets the same glyphs. No oversampling: 3,000+ CJK glyphs in four sizes keep the
        // atlas small, and CJK strokes at these sizes gain nothing from it.
        auto add = [&](float size) {
            const float pixels = std::round(size * scale);
            ImFontConfig config;
            config.FontDataOwnedByAtlas = false;  // the bytes stay in font_data_ across rebuilds
            config.OversampleH = 1;
            config.OversampleV = 1;
            config.PixelSnapH = true;
            ImFont* font = io.Fonts->AddFontFromMemoryTTF(
                font_data_.data(), static_cast<int>(font_data_.size()), pixels, &config, base_ranges.Data);
            ImFontConfig merge = config;
            merge.MergeMode = true;
            if (!symbol_codepoints_.empty()) {
                io.Fonts->AddFontFromMemoryTTF(symbol_data_.data(), static_cast<int>(symbol_data_.size()),
                                               pixels, &merge, symbol_ranges.Data);
            }
            if (!extra_codepoints_.empty()) {
                io.Fonts->AddFontFromMemoryTTF(full_font_data_.data(),
                                               static_cast<int>(full_font_data_.size()), pixels, &merge,
                                               extra_ranges.Data);
            }
            fonts.push_back({font, pixels});
            return font;
        };
        body_ = add(kBodySize);
        title_ = add(kTitleSize);
        heading_ = add(kHeadingSize);
        small_ = add(kSmallSize);
    }
    // The placeholder box for characters no font has (ImGui's fallback glyph is U+FFFD when the font
    // has it, else '?').
    std::vector<int> boxes;
    for (const auto& [font, pixels] : fonts) {
        const int w = std::max(3, static_cast<int>(std::round(pixels * 0.5f)));
        const int h = std::max(4, static_cast<int>(std::round(pixels * 0.72f)));
        boxes.push_back(io.Fonts->AddCustomRectFontGlyph(
            font, static_cast<ImWchar>(kPlaceholder), w, h, std::round(pixels * 0.62f),
            ImVec2(std::round(pixels * 0.06f), std::round(pixels * 0.2f))));
    }
    const int blank = stand_ins.empty() || font_data_.empty() ? -1 : io.Fonts->AddCustomRectRegular(1, 1);
    io.Fonts->Build();
    for (int id : boxes) DrawBox(io.Fonts, *io.Fonts->GetCustomRectByIndex(id));
    AddStandIns(fonts, std::move(stand_ins), blank);
    io.FontDefault = body_;
    // A new atlas needs a new GL texture. Only the texture: recreating the backend's other device
    // objects (ImGui_ImplOpenGL3_DestroyDeviceObjects) would give it new, empty vertex and index
    // buffers while it still believes the old sizes, so a smaller frame after a smaller scale was
    // uploaded past their end (WebGL "bufferSubData: buffer overflow", an empty canvas).
    if (had_texture) {
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
    }
    ++atlas_builds_;
    last_build_ms_ =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
}

void Appearance::AddStandIns(const std::vector<std::pair<ImFont*, float>>& fonts,
                             std::vector<uint32_t> stand_ins, int blank) {
    stand_ins_.clear();
    stand_in_u_ = stand_in_v_ = -1.0f;
    stbtt_fontinfo info;
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    if (blank < 0 || !atlas->TexPixelsAlpha8 || !OpenFace(font_data_, &info)) return;
    const ImFontAtlasCustomRect& rect = *atlas->GetCustomRectByIndex(blank);
    atlas->TexPixelsAlpha8[rect.Y * atlas->TexWidth + rect.X] = 0;
    stand_in_u_ = (static_cast<float>(rect.X) + 0.5f) * atlas->TexUvScale.x;
    stand_in_v_ = (static_cast<float>(rect.Y) + 0.5f) * atlas->TexUvScale.y;
    for (const auto& [font, pixels] : fonts) {
        // The advance ImGui gives the real glyph: the font's, scaled to the size, snapped to a pixel.
        const float scale = stbtt_ScaleForPixelHeight(&info, pixels);
        for (uint32_t cp : stand_ins) {
            int advance = 0, bearing = 0;
            stbtt_GetCodepointHMetrics(&info, static_cast<int>(cp), &advance, &bearing);
            font->AddGlyph(nullptr, static_cast<ImWchar>(cp), 0.0f, 0.0f, kStandInSize, kStandInSize,
                           stand_in_u_, stand_in_v_, stand_in_u_, stand_in_v_,
                           std::round(static_cast<float>(advance) * scale));
        }
        font->BuildLookupTable();
    }
    stand_ins_ = std::move(stand_ins);
}

}  // namespace crm::ui
