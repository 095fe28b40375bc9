#include "ui/shell/console_host.h"

#include <GLFW/glfw3.h>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "ui/shell/platform.h"

namespace crm::ui {

namespace {

/// The theme to paint the backdrop with before the console exists.
Theme StartupTheme(const Platform& platform) {
    return ParseTheme(platform.LoadPreference("theme")).value_or(Theme::Light);
}

}  // namespace

ConsoleHost::ConsoleHost(GLFWwindow* window, const char* glsl_version, Platform& platform)
    : window_(window), platform_(platform), appearance_(platform.AssetsDir() + "crm_font.ttf") {
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

void ConsoleHost::Frame() {
    TrickleInput();
    if (console_) {
        appearance_.Apply(console_->theme(), console_->ui_scale() * platform_.DpiScale());
    } else {
        appearance_.Apply(appearance_.theme(), platform_.DpiScale());
    }
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    if (console_) {
        console_->Draw(appearance_);
        ++console_frames_;
    }
    ImGui::Render();

    int width = 0;
    int height = 0;
    glfwGetFramebufferSize(window_, &width, &height);
    glViewport(0, 0, width, height);
    const ImVec4 bg = GetPalette(appearance_.theme()).background;
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

}  // namespace crm::ui
