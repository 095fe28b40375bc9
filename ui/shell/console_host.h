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
    /// Draws one frame and renders it into the window's framebuffer; true when it rendered, and then
    /// the caller presents it (swaps buffers). With `skip_repeat`, a frame that would repeat the last
    /// one rendered (the same draw lists, framebuffer size, background and font atlas: a half-second
    /// redraw with nothing changed, a pointer move that changes nothing) is not rendered and the window
    /// keeps showing that one: the pages still run (their state, timers, published test state), only
    /// the GL work, most of an idle frame's cost, is saved. The window system asking for its content
    /// again (an expose) renders the next frame whatever it holds.
    bool Frame(bool skip_repeat = true);
    /// Queues typed text (UTF-8) in order with key events (the web's text-input bridge).
    void QueueText(const std::string& text);
    /// Whether a frame is worth drawing now (idle costs nothing): input came in the last half
    /// second or is queued, a mouse button is held, work waits (a progress overlay, glyphs to load),
    /// or, when nothing happens, twice a second (clocks, timers, results arriving in the
    /// background) and ten times a second while a text field has the focus (its caret blinks).
    /// Otherwise the frame would repeat the last one.
    bool WantsFrame();
    /// Something outside the window changed what the console shows (a bridge command, another
    /// tab's commit, a scroll the host handled): the next frames are drawn.
    void Wake();
    /// Something outside the window may have changed what the console shows, with no one at it (a
    /// bridge command, such as the outbox's claim every few seconds): a few frames are drawn, not
    /// the half second of full-rate frames input brings, so a page polling the bridge stays idle.
    void Redraw();

    /// The console, once attached.
    Console* console() { return console_.get(); }
    /// The fonts and style the frames are drawn with.
    const Appearance& appearance() const { return appearance_; }
    /// Frames drawn with a console attached (rendered or repeating the last one).
    uint64_t console_frames() const { return console_frames_; }
    /// Milliseconds the last frame spent in the console's own work (input, drawing the pages into ImGui's
    /// lists, ImGui::Render), before the GL backend draws them: what a GPU leaves as the frame's cost.
    double last_ui_ms() const { return last_ui_ms_; }

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
    static void OnMouseButton(GLFWwindow* window, int button, int action, int mods);
    static void OnScroll(GLFWwindow* window, double dx, double dy);
    static void OnRefresh(GLFWwindow* window);
    void TrickleInput();
    /// Counts the characters drawn as the placeholder box in the rendered frame, and decides
    /// whether the next frame logs its text to find which characters those were.
    void WatchFallbackGlyphs();

    // What WantsFrame() compares from one call to the next, and when things last happened (s).
    double cursor_x_ = -1.0;
    double cursor_y_ = -1.0;
    int buttons_ = 0;
    int fb_w_ = 0;
    int fb_h_ = 0;
    int focused_ = -1;
    double last_activity_ = 0.0;
    double last_frame_ = 0.0;
    /// Frames still owed to Redraw.
    int frames_due_ = 0;

    int fallback_glyphs_ = 0;    ///< placeholder boxes in the last frame
    int fallback_at_scan_ = -1;  ///< placeholder boxes when the text was last scanned
    int frames_since_scan_ = 1 << 20;
    int scan_interval_ = 30;  ///< frames between scans (grows while scans find nothing)
    bool scan_next_ = false;  ///< the next frame logs its text (ImGui::LogToBuffer)
    int text_log_request_ = 0;  ///< the platform's last language-sweep request (Platform::TextLogRequest)
    bool text_log_next_ = false;  ///< the next frame's text is checked (ui/shell/text_log.h)

    GLFWwindow* window_;
    std::deque<InputEvent> input_;
    Platform& platform_;
    Appearance appearance_;
    std::unique_ptr<Console> console_;
    uint64_t console_frames_ = 0;
    double last_ui_ms_ = 0.0;
    uint64_t rendered_fingerprint_ = 0;  ///< of the last frame rendered (0: render the next one)
};

}  // namespace crm::ui
