#include "ui/shell/console_host.h"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cstdint>
#include <vector>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "imgui_internal.h"
#include "ui/shell/busy.h"
#include "ui/shell/platform.h"
#include "ui/shell/text_log.h"

namespace crm::ui {

namespace {

/// The theme to paint the backdrop with before the console exists.
Theme StartupTheme(const Platform& platform) {
    return ParseTheme(platform.LoadPreference("theme")).value_or(Theme::Light);
}

/// Frames between two scans of the drawn text for characters without a glyph.
constexpr int kScanInterval = 30;
/// Seconds of full-rate frames after input (hover effects, popups opening, layouts settling).
constexpr double kActiveSeconds = 0.5;
/// Seconds between frames when nothing happens, and while a text field's caret blinks.
constexpr double kHeartbeatSeconds = 0.5;
constexpr double kCaretSeconds = 0.1;
/// Frames a Redraw asks for: the change is drawn and any layout it moves settles.
constexpr int kRedrawFrames = 3;

/// A 64-bit hash of bytes, a word at a time (a frame's draw lists are a few hundred KB).
class FrameHash {
public:
    void Bytes(const void* data, size_t size) {
        const auto* p = static_cast<const unsigned char*>(data);
        for (; size >= 8; p += 8, size -= 8) {
            uint64_t w = 0;
            std::memcpy(&w, p, 8);
            Mix(w);
        }
        uint64_t tail = size;
        if (size > 0) std::memcpy(&tail, p, size);  // (the low bytes; `size` < 8; `p` may be null at 0)
        Mix(tail ^ (uint64_t{size} << 56));
    }
    template <typename T>
    void Value(const T& value) {
        Bytes(&value, sizeof value);
    }
    uint64_t value() const { return h_ == 0 ? 1 : h_; }  // never 0: 0 means "render the next frame"

private:
    void Mix(uint64_t w) {
        h_ = (h_ ^ w) * 0xff51afd7ed558ccdull;
        h_ ^= h_ >> 33;
    }
    uint64_t h_ = 0x9e3779b97f4a7c15ull;
};

/// What a frame would put on the screen: its draw lists (vertices, indices, commands), the framebuffer's
/// size, the background and the font atlas it samples. Equal fingerprints render the same pixels.
uint64_t FrameFingerprint(const ImDrawData* data, int width, int height, const ImVec4& background,
                          uint64_t atlas_builds) {
    FrameHash h;
    h.Value(width);
    h.Value(height);
    h.Value(background);
    h.Value(atlas_builds);
    if (!data) return h.value();
    h.Value(data->DisplayPos);
    h.Value(data->DisplaySize);
    h.Value(data->FramebufferScale);
    h.Value(data->CmdListsCount);
    for (int i = 0; i < data->CmdListsCount; ++i) {
        const ImDrawList* list = data->CmdLists[i];
        h.Value(list->VtxBuffer.Size);
        h.Bytes(list->VtxBuffer.Data, static_cast<size_t>(list->VtxBuffer.size_in_bytes()));
        h.Value(list->IdxBuffer.Size);
        h.Bytes(list->IdxBuffer.Data, static_cast<size_t>(list->IdxBuffer.size_in_bytes()));
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            h.Value(cmd.ClipRect);
            h.Value(cmd.TextureId);
            h.Value(cmd.VtxOffset);
            h.Value(cmd.IdxOffset);
            h.Value(cmd.ElemCount);
            h.Value(cmd.UserCallback);
        }
    }
    return h.value();
}

}  // namespace

ConsoleHost::ConsoleHost(GLFWwindow* window, const char* glsl_version, Platform& platform)
    : window_(window),
      platform_(platform),
      appearance_(platform.AssetsDir() + "crm_font.ttf", platform.AssetsDir() + "crm_symbols.ttf") {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // layout is code; preferences go through the Platform
    io.LogFilename = nullptr;
    ImGui_ImplGlfw_InitForOpenGL(window_, true);
    ImGui_ImplOpenGL3_Init(glsl_version);
    // Keys and text go through our queue first (see TrickleInput).
    glfwSetWindowUserPointer(window_, this);
    glfwSetKeyCallback(window_, &ConsoleHost::OnKey);
    glfwSetCharCallback(window_, &ConsoleHost::OnChar);
    glfwSetMouseButtonCallback(window_, &ConsoleHost::OnMouseButton);
    glfwSetScrollCallback(window_, &ConsoleHost::OnScroll);
    glfwSetWindowRefreshCallback(window_, &ConsoleHost::OnRefresh);
    appearance_.SetFullFontSource([&platform] { return platform.FullFontPath(); });
    appearance_.SetUiFontSource([&platform] { return platform.UiFontsArrived(); });
    appearance_.Apply(StartupTheme(platform_), platform_.DpiScale());
}

ConsoleHost::~ConsoleHost() {
    console_.reset();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
}

void ConsoleHost::Attach(Workspace& workspace, ConsoleOptions options) {
    console_ = std::make_unique<Console>(workspace, platform_, std::move(options));
    Wake();
}

void ConsoleHost::Wake() { last_activity_ = glfwGetTime(); }

void ConsoleHost::Redraw() { frames_due_ = kRedrawFrames; }

bool ConsoleHost::WantsFrame() {
    const double now = glfwGetTime();
    double x = 0.0;
    double y = 0.0;
    glfwGetCursorPos(window_, &x, &y);
    int buttons = 0;
    for (int b = 0; b < 3; ++b) buttons |= glfwGetMouseButton(window_, b) == GLFW_PRESS ? 1 << b : 0;
    int w = 0;
    int h = 0;
    glfwGetFramebufferSize(window_, &w, &h);
    const int focused = glfwGetWindowAttrib(window_, GLFW_FOCUSED);
    if (x != cursor_x_ || y != cursor_y_ || buttons != buttons_ || w != fb_w_ || h != fb_h_ ||
        focused != focused_ || buttons != 0 || !input_.empty()) {
        cursor_x_ = x;
        cursor_y_ = y;
        buttons_ = buttons;
        fb_w_ = w;
        fb_h_ = h;
        focused_ = focused;
        last_activity_ = now;
    }
    if (const int request = platform_.TextLogRequest(); request != text_log_request_) {
        text_log_request_ = request;
        text_log_next_ = true;
    }
    if (now - last_activity_ < kActiveSeconds || scan_next_ || text_log_next_ || appearance_.pending_glyphs() > 0 ||
        frames_due_ > 0 || !ProgressWhat().empty()) {
        return true;
    }
    const double wait = ImGui::GetIO().WantTextInput ? kCaretSeconds : kHeartbeatSeconds;
    return now - last_frame_ >= wait;
}

void ConsoleHost::OnMouseButton(GLFWwindow* window, int button, int action, int mods) {
    ImGui_ImplGlfw_MouseButtonCallback(window, button, action, mods);
    static_cast<ConsoleHost*>(glfwGetWindowUserPointer(window))->Wake();
}

void ConsoleHost::OnScroll(GLFWwindow* window, double dx, double dy) {
    ImGui_ImplGlfw_ScrollCallback(window, dx, dy);
    static_cast<ConsoleHost*>(glfwGetWindowUserPointer(window))->Wake();
}

void ConsoleHost::OnRefresh(GLFWwindow* window) {
    auto* host = static_cast<ConsoleHost*>(glfwGetWindowUserPointer(window));
    host->rendered_fingerprint_ = 0;  // the window's content is gone: render again
    host->Wake();
}

// ImGui 1.86 samples key state once per frame, so a key pressed and released between two frames
// (a fast typist, an input method, a test driver) would be lost, and two keys in one frame are
// handled as one. Events are therefore fed in order and a frame ends with its first key press:
// whatever follows it (its release, a modifier's release, text) waits for the next frame.
void ConsoleHost::OnKey(GLFWwindow* window, int key, int scancode, int action, int mods) {
    auto* host = static_cast<ConsoleHost*>(glfwGetWindowUserPointer(window));
    InputEvent event;
    event.key = key;
    event.scancode = scancode;
    event.action = action;
    event.mods = mods;
    host->input_.push_back(std::move(event));
    host->Wake();
}

void ConsoleHost::OnChar(GLFWwindow* window, unsigned int codepoint) {
    auto* host = static_cast<ConsoleHost*>(glfwGetWindowUserPointer(window));
    char utf8[5] = {};
    if (codepoint < 0x80) {
        utf8[0] = static_cast<char>(codepoint);
    } else if (codepoint < 0x800) {
        utf8[0] = static_cast<char>(0xC0 | (codepoint >> 6));
        utf8[1] = static_cast<char>(0x80 | (codepoint & 0x3F));
    } else if (codepoint < 0x10000) {
        utf8[0] = static_cast<char>(0xE0 | (codepoint >> 12));
        utf8[1] = static_cast<char>(0x80 | ((codepoint >> 6) & 0x3F));
        utf8[2] = static_cast<char>(0x80 | (codepoint & 0x3F));
    } else {
        utf8[0] = static_cast<char>(0xF0 | (codepoint >> 18));
        utf8[1] = static_cast<char>(0x80 | ((codepoint >> 12) & 0x3F));
        utf8[2] = static_cast<char>(0x80 | ((codepoint >> 6) & 0x3F));
        utf8[3] = static_cast<char>(0x80 | (codepoint & 0x3F));
    }
    host->QueueText(utf8);
}

void ConsoleHost::QueueText(const std::string& text) {
    if (text.empty()) return;
    InputEvent event;
    event.is_text = true;
    event.text = text;
    input_.push_back(std::move(event));
}

void ConsoleHost::TrickleInput() {
    while (!input_.empty()) {
        const InputEvent& event = input_.front();
        if (event.is_text) {
            // Typed text outside the UI font's subset is loaded from the full font before it draws.
            appearance_.AddMissing(
                NonAsciiCodepoints(event.text.data(), event.text.data() + event.text.size()));
            ImGui::GetIO().AddInputCharactersUTF8(event.text.c_str());
            input_.pop_front();
            continue;
        }
        ImGui_ImplGlfw_KeyCallback(window_, event.key, event.scancode, event.action, event.mods);
        const bool press = event.action != GLFW_RELEASE;
        input_.pop_front();
        if (press) break;
    }
}

bool ConsoleHost::Frame(bool skip_repeat) {
    const auto started = std::chrono::steady_clock::now();
    last_frame_ = glfwGetTime();
    if (frames_due_ > 0) --frames_due_;
    TrickleInput();
    if (console_) {
        appearance_.SetHanUpFront(CurrentLanguage() == Language::ChineseSimplified);
        appearance_.Apply(console_->theme(), console_->ui_scale() * platform_.DpiScale());
    } else {
        appearance_.Apply(appearance_.theme(), platform_.DpiScale());
    }
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    // A frame that logs its text (every item drawn, none clipped) when the last one drew
    // placeholder boxes: the characters the atlas lacks are loaded from the full font.
    const bool scanning = scan_next_ && console_;
    scan_next_ = false;
    if (scanning) ImGui::LogToBuffer(0);
    // A frame whose text is checked for the other language's catalog text (after a scan frame: one
    // log at a time); its answer is published from the next frame on.
    bool text_log = false;
    if (text_log_next_ && console_ && !scanning) {
        text_log_next_ = false;
        text_log = BeginTextLog();
        if (!text_log) console_->SetTextLog({{"request", text_log_request_}, {"error", "no stream for the log"}});
    }
    if (console_) {
        GlyphState glyphs;
        glyphs.fallback = fallback_glyphs_;
        glyphs.pending = appearance_.pending_glyphs();
        glyphs.atlas_ms = appearance_.last_build_ms();
        glyphs.placeholder = appearance_.body_font() ? appearance_.body_font()->FallbackChar : 0;
        glyphs.han = appearance_.han_built();
        glyphs.first_lean = appearance_.first_build_lean();
        console_->SetGlyphState(glyphs);
        console_->Draw(appearance_);
        ++console_frames_;
    }
    if (scanning) {
        const ImGuiTextBuffer& log = GImGui->LogBuffer;
        const size_t before = appearance_.pending_glyphs();
        appearance_.AddMissing(NonAsciiCodepoints(log.begin(), log.end()));
        ImGui::LogFinish();
        // Nothing new to load (the boxes are characters no font has, e.g. emoji in a list being
        // scrolled): scan less and less often, since a scan frame draws every row of every list.
        scan_interval_ =
            appearance_.pending_glyphs() > before ? kScanInterval : std::min(scan_interval_ * 2, 3600);
    }
    if (text_log) {
        nlohmann::json answer = CheckTextLanguage(EndTextLog(), CurrentLanguage());
        answer["request"] = text_log_request_;
        console_->SetTextLog(std::move(answer));
        frames_due_ = std::max(frames_due_, kRedrawFrames);
    }
    ImGui::Render();
    last_ui_ms_ =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    WatchFallbackGlyphs();
    if (scanning) fallback_at_scan_ = -2;  // the next (clipped) frame's count is the one to compare with

    int width = 0;
    int height = 0;
    glfwGetFramebufferSize(window_, &width, &height);
    const ImVec4 bg = GetPalette(appearance_.theme()).background;
    const uint64_t fingerprint =
        FrameFingerprint(ImGui::GetDrawData(), width, height, bg, appearance_.atlas_builds());
    if (skip_repeat && fingerprint == rendered_fingerprint_) return false;
    rendered_fingerprint_ = fingerprint;
    glViewport(0, 0, width, height);
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    return true;
}

void ConsoleHost::WatchFallbackGlyphs() {
    ImVec2 uvs[4];
    int n = 0;
    for (const ImFont* font : {appearance_.body_font(), appearance_.title_font(), appearance_.heading_font(),
                               appearance_.small_font()}) {
        if (font && font->FallbackGlyph) uvs[n++] = ImVec2(font->FallbackGlyph->U0, font->FallbackGlyph->V0);
    }
    int count = 0;  // one vertex per glyph has the glyph's top-left texture coordinate
    bool stand_in = false;  // a CJK character not rasterised yet (Appearance: every vertex of it)
    const float stand_in_u = appearance_.stand_in_u(), stand_in_v = appearance_.stand_in_v();
    const ImDrawData* data = ImGui::GetDrawData();
    for (int i = 0; data && i < data->CmdListsCount; ++i) {
        for (const ImDrawVert& v : data->CmdLists[i]->VtxBuffer) {
            for (int k = 0; k < n; ++k) {
                if (v.uv.x == uvs[k].x && v.uv.y == uvs[k].y) ++count;
            }
            if (v.uv.x == stand_in_u && v.uv.y == stand_in_v) stand_in = true;
        }
    }
    if (stand_in) appearance_.NoteHanShown();
    fallback_glyphs_ = count;
    ++frames_since_scan_;
    if (fallback_at_scan_ == -2) fallback_at_scan_ = count;
    if (count > 0 && count != fallback_at_scan_ && frames_since_scan_ >= scan_interval_) {
        scan_next_ = true;
        frames_since_scan_ = 0;
    }
    if (count == 0) fallback_at_scan_ = 0;
}

}  // namespace crm::ui
