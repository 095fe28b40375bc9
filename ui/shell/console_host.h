// Runs the console in a GLFW window, the same way on both targets: the ImGui context and
// backends, fonts and style at the current scale, and one frame at a time. web/ and native/
// create the window and the Platform, open the workspace, and drive Frame() from their loops.
#pragma once
#include <deque>
#include <memory>
#include <string>

#include "ui/shell/appearance.h"
#include "ui/shell/console.h"

struct GLFWwindow;

namespace crm::ui {

class Platform;

/// The ImGui side of a console window.
class ConsoleHost {
public:
    /// Creates the ImGui context and initialises the GLFW and OpenGL backends for `window`
    /// (its GL context current), with `glsl_version` ("#version 300 es", "#version 130").
    ConsoleHost(GLFWwindow* window, const char* glsl_version, Platform& platform);
    ~ConsoleHost();
    ConsoleHost(const ConsoleHost&) = delete;
    ConsoleHost& operator=(const ConsoleHost&) = delete;

    /// Starts the console over an open workspace; until then frames show an empty backdrop.
    void Attach(Workspace& workspace, ConsoleOptions options);
    /// Draws and renders one frame into the window's framebuffer (the caller swaps buffers).
    void Frame();
    /// Queues typed text (UTF-8) in order with key events (the web's text-input bridge).
    void QueueText(const std::string& text);

    /// The console, once attached.
    Console* console() { return console_.get(); }
    /// Frames rendered with a console attached.
    uint64_t console_frames() const { return console_frames_; }

private:
    /// A key or text event waiting for its frame.
    struct InputEvent {
        bool is_text = false;
        int key = 0;
        int scancode = 0;
        int action = 0;
        int mods = 0;
        std::string text;
    };
    static void OnKey(GLFWwindow* window, int key, int scancode, int action, int mods);
    static void OnChar(GLFWwindow* window, unsigned int codepoint);
    void TrickleInput();

    GLFWwindow* window_;
    std::deque<InputEvent> input_;
    Platform& platform_;
    Appearance appearance_;
    std::unique_ptr<Console> console_;
    uint64_t console_frames_ = 0;
};

}  // namespace crm::ui
