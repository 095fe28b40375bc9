#include "ui/console_host.h"

#include <GLFW/glfw3.h>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "ui/platform.h"

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
    io.IniFilename = nullptr;   // layout is code; preferences go through the Platform
    io.LogFilename = nullptr;
    ImGui_ImplGlfw_InitForOpenGL(window_, true);
    ImGui_ImplOpenGL3_Init(glsl_version);
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

void ConsoleHost::Frame() {
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
