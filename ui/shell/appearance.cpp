#include "ui/shell/appearance.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "imgui.h"
#include "imgui_impl_opengl3.h"
#include "ui/kit/i18n.h"

namespace crm::ui {

namespace {

constexpr float kBodySize = 16.0f;
constexpr float kTitleSize = 22.0f;
constexpr float kHeadingSize = 18.0f;
constexpr float kSmallSize = 13.5f;

// Symbols drawn as text that no catalog row happens to contain.
constexpr const char* kExtraSymbols = "…—–·•←→↑↓▲▼✓✕“”‘’«»";

std::vector<unsigned short> BuildRanges(bool with_common_chinese) {
    ImFontGlyphRangesBuilder builder;
    builder.AddRanges(ImGui::GetIO().Fonts->GetGlyphRangesDefault());
    static const ImWchar kLatinExtended[] = {0x00A0, 0x017F, 0x2000, 0x206F, 0x3000,
                                             0x303F, 0xFF00, 0xFFEF, 0};
    builder.AddRanges(kLatinExtended);
    if (with_common_chinese) builder.AddRanges(ImGui::GetIO().Fonts->GetGlyphRangesChineseSimplifiedCommon());
    ForEachCatalogText([&](const char* text) { builder.AddText(text); });
    builder.AddText(kExtraSymbols);
    ImVector<ImWchar> ranges;
    builder.BuildRanges(&ranges);
    return std::vector<unsigned short>(ranges.begin(), ranges.end());
}

}  // namespace

Appearance::Appearance(std::string font_path) : font_path_(std::move(font_path)) {
    std::ifstream in(font_path_, std::ios::binary);
    if (in) font_data_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (font_data_.empty()) {
        std::fprintf(stderr,
                     "[console] UI font not found at %s; using ImGui's default font (no Chinese glyphs)\n",
                     font_path_.c_str());
    }
}

void Appearance::Apply(Theme theme, float scale) {
    scale = std::round(std::fmax(0.5f, std::fmin(scale, 4.0f)) * 100.0f) / 100.0f;
    const bool rebuild_fonts = scale != scale_;
    if (rebuild_fonts) BuildFonts(scale);
    if (rebuild_fonts || theme != theme_ || !style_applied_) {
        ApplyStyle(theme, scale);
        style_applied_ = true;
    }
    scale_ = scale;
    theme_ = theme;
}

void Appearance::BuildFonts(float scale) {
    ImGuiIO& io = ImGui::GetIO();
    const bool had_atlas = io.Fonts->IsBuilt();
    io.Fonts->Clear();
    if (font_data_.empty()) {
        ImFontConfig config;
        config.SizePixels = std::round(13.0f * scale);
        body_ = title_ = heading_ = small_ = io.Fonts->AddFontDefault(&config);
    } else {
        if (full_ranges_.empty()) {
            full_ranges_ = BuildRanges(true);
            catalog_ranges_ = BuildRanges(false);
        }
        auto add = [&](float size, const std::vector<unsigned short>& ranges, int oversample) {
            ImFontConfig config;
            config.FontDataOwnedByAtlas = false;  // the bytes stay in font_data_ across rebuilds
            config.OversampleH = oversample;
            config.OversampleV = 1;
            config.PixelSnapH = oversample == 1;
            return io.Fonts->AddFontFromMemoryTTF(font_data_.data(), static_cast<int>(font_data_.size()),
                                                  std::round(size * scale), &config, ranges.data());
        };
        // 2500+ CJK glyphs: no horizontal oversampling for the body font keeps the atlas small.
        body_ = add(kBodySize, full_ranges_, 1);
        title_ = add(kTitleSize, catalog_ranges_, 2);
        heading_ = add(kHeadingSize, catalog_ranges_, 2);
        small_ = add(kSmallSize, catalog_ranges_, 2);
    }
    io.Fonts->Build();
    io.FontDefault = body_;
    // The GL texture of the old atlas is stale: the backend recreates its objects next frame.
    if (had_atlas) ImGui_ImplOpenGL3_DestroyDeviceObjects();
}

}  // namespace crm::ui
