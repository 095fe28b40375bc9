// The browser entry: a GLFW/WebGL2 window on the page's canvas, the workspace's pages read from
// IndexedDB (while the fonts are built) and the workspace opened once they are, and the JS bridges
// (window.crm, text input and clipboard). No ASYNCIFY: the main loop starts at once and the
// workspace is opened from the read's callback (crm_web_on_fs_loaded).
#include <GLFW/glfw3.h>
#include <emscripten.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "api/command_api.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "ui/access/sign_in_screen.h"
#include "ui/shell/console_host.h"
#include "ui/shell/workspace_loader.h"
#include "web/erp_web.h"
#include "web/page_vfs.h"
#include "web/platform_web.h"

// [SECTION] JavaScript glue (not clang-formatted: the bodies are JavaScript)
// clang-format off

// Reads the workspace's stored pages from IndexedDB into the page VFS (web/page_store.js), or, with
// `?storage=idbfs`, mounts the earlier release's IDBFS store at /data and reads it. The outcome goes
// to crm_web_on_fs_loaded(code, message): 0 read, 1 IndexedDB unusable (the console keeps working
// in memory), 3 a store written by a newer version, 4 stored pages that do not form a database, 5 a
// new workspace because the browser discarded its corrupt store.
EM_JS(void, crm_js_mount_and_load, (), {
    var done = function(err, message) {
        Module.ccall('crm_web_on_fs_loaded', null, [ 'number', 'string' ], [ err, message ]);
    };
    var later = function(message) { setTimeout(function() { done(1, message); }, 0); };
    try {
        FS.mkdir('/data');
    } catch (e) {
    }
    if (Module.crmPages.mode === 'pages') {
        Module.crmPages.open(done);
        return;
    }
    try {
        if (!window.indexedDB) throw new Error('indexedDB is not defined');
    } catch (e) {
        later(String((e && e.message) || e));
        return;
    }
    try {
        FS.mount(IDBFS, {}, '/data');
        FS.syncfs(true, function(err) { done(err ? 1 : 0, err ? String(err.message || err.name || err) : ""); });
    } catch (e) {
        later(String((e && e.message) || e));
    }
});

EM_JS(int, crm_js_page_mode, (), { return Module.crmPages.mode === 'pages' ? 1 : 0; });

// Keeps the canvas's backing store at CSS size x devicePixelRatio (never glfwSetWindowSize:
// Emscripten's GLFW requests fullscreen when the size equals the screen's).
EM_JS(void, crm_js_fit_canvas, (), {
    var canvas = Module['canvas'];
    var dpr = window.devicePixelRatio || 1;
    var w = Math.max(1, Math.round(canvas.clientWidth * dpr));
    var h = Math.max(1, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== w || canvas.height !== h) Browser.setCanvasSize(w, h);
});

// Startup milestones (ms since navigation) for bench/persist/first_frame.bench.js: window.__crm_marks.
EM_JS(void, crm_js_mark, (const char* name), {
    (window.__crm_marks = window.__crm_marks || {})[UTF8ToString(name)] = performance.now();
});

EM_JS(void, crm_js_on_first_frame, (), {
    window.__crm_first_frame_ms = performance.now();
    var loading = document.getElementById('loading');
    if (loading) loading.classList.add('done');
});

EM_JS(void, crm_js_set_ready, (), {
    window.__crm_ready_ms = performance.now();
    window.__crm_ready = true;
});

EM_JS(void, crm_js_set_title, (const char* title), { document.title = UTF8ToString(title); });

// Whether the page store has a commit's write in flight (WebApp::HoldForWrite).
EM_JS(int, crm_js_write_in_flight, (), { return Module.crmPages && Module.crmPages.busy ? 1 : 0; });

// Frames drawn (tests and measurements: idle draws none), those rendered (a frame repeating the last one
// is not: ConsoleHost::Frame), and the milliseconds they spent in the console's own work before the GL
// backend drew them (ConsoleHost::last_ui_ms; bench/ui/scroll.bench.js).
EM_JS(void, crm_js_count_frame, (double ui_ms, int rendered), {
    Module.__crmFrames = (Module.__crmFrames || 0) + 1;
    Module.__crmRendered = (Module.__crmRendered || 0) + rendered;
    Module.__crmUiMs = (Module.__crmUiMs || 0) + ui_ms;
});

EM_JS(void, crm_js_set_loading_text, (const char* text), {
    if (Module.setLoadingText) Module.setLoadingText(UTF8ToString(text));
});

// Places the hidden text field (shell.html: it holds the keyboard focus and forwards typed and
// composed text) at ImGui's text caret, so an input method's candidate window appears beside it.
EM_JS(void, crm_js_text_input, (int want, float x, float y, float h), {
    var ime = document.getElementById('crm-text-input');
    if (!ime || !want) return;
    ime.style.left = x + 'px';
    ime.style.top = y + 'px';
    ime.style.height = h + 'px';
    if (document.activeElement !== ime && document.hasFocus()) ime.focus({preventScroll: true});
});

EM_JS(void, crm_js_write_clipboard, (const char* text), {
    var value = UTF8ToString(text);
    try {
        if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(value).catch(function() {});
    } catch (e) {
    }
});

// clang-format on

namespace {

int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// Everything the page runs: one instance for the page's lifetime (C callbacks reach it).
class WebApp {
public:
    explicit WebApp(GLFWwindow* window) : host_(window, "#version 300 es", platform_) {
        ImGuiIO& io = ImGui::GetIO();
        // Emscripten's GLFW clipboard is empty: keep our own copy, fed by paste events.
        io.SetClipboardTextFn = [](void*, const char* text) {
            Instance().clipboard_ = text ? text : "";
            crm_js_write_clipboard(text ? text : "");
        };
        io.GetClipboardTextFn = [](void*) { return Instance().clipboard_.c_str(); };
        // Emscripten 3.1.6's GLFW passes a 'wheel' event's raw deltaX/deltaY (pixels, positive =
        // down/right), where GLFW's contract (and ImGui's) is notches with positive = up/left:
        // without this the page scrolls the wrong way, 100 times too far.
        glfwSetScrollCallback(window, [](GLFWwindow* w, double dx, double dy) {
            ImGui_ImplGlfw_ScrollCallback(w, -dx / 100.0, -dy / 100.0);
            Instance().host_.Wake();
        });
        io.ImeSetInputScreenPosFn = [](int x, int y) {
            Instance().ime_x_ = static_cast<float>(x);
            Instance().ime_y_ = static_cast<float>(y);
        };
    }

    static WebApp& Instance() { return *instance_; }
    void Wake() { host_.Wake(); }
    static void Create(GLFWwindow* window) { instance_ = std::make_unique<WebApp>(window); }

    /// IndexedDB has been read (or is unusable): open the workspace and start the console.
    void OnFsLoaded(int err, const std::string& message) {
        if (workspace_) return;
        crm_js_mark("store_read");
        using Kind = crm::ui::StartupNotice::Kind;
        crm::ui::StartupNotice storage_notice;
        std::string memory_reason;
        if (err == 1) {
            std::fprintf(stderr, "[console] IndexedDB unavailable: %s\n", message.c_str());
            memory_reason = crm::ui::TrIn(crm::ui::Language::English, "reason.no_indexeddb");
            storage_notice.kind = Kind::StorageUnavailable;
            storage_notice.detail = message;
        } else if (err == 3) {
            std::fprintf(stderr, "[console] %s\n", message.c_str());
            memory_reason = crm::ui::TrIn(crm::ui::Language::English, "reason.newer_version");
            storage_notice.kind = Kind::NewerVersion;
            storage_notice.detail = message;
        } else if (err == 5) {
            // The browser found its store corrupt and discarded it: a new workspace is stored, and
            // the banner says what happened to the old one.
            std::fprintf(stderr, "[console] %s\n", message.c_str());
            storage_notice.kind = Kind::StoreLost;
            storage_notice.detail = message;
        } else if (err != 0) {
            std::fprintf(stderr, "[console] the stored workspace cannot be used: %s\n", message.c_str());
            memory_reason = crm::ui::TrFormatIn(crm::ui::Language::English, "reason.open_failed", {message});
            storage_notice.kind = Kind::OpenFailed;
            storage_notice.detail = message + "; the stored data was left unchanged";
        }
        crm::WorkspaceOptions options;
        options.web_durability = true;
        // A store that could not be read stays untouched: the console runs on a workspace in memory
        // (with the page VFS the database file would otherwise be the unusable store's pages).
        const bool readable = err == 0 || err == 5;
        const bool stored = readable || !page_mode_;
        crm::ui::LoadedWorkspace loaded =
            crm::ui::OpenOrCreateWorkspace(stored ? "/data/crm.db" : ":memory:", options, NowMs());
        if (!loaded.workspace) {
            crm_js_set_loading_text("The workspace could not be opened. / 无法打开工作区。");
            return;
        }
        workspace_ = std::move(loaded.workspace);
        crm::web::AttachErp(*workspace_);  // the connectors run through fetch
        stored_ = stored && !loaded.memory_only;
        api_ = std::make_unique<crm::CommandApi>(*workspace_);
        if (page_mode_ && readable && loaded.memory_only && loaded.notice.kind == Kind::SetAsideFailed) {
            // SQLite refused the stored pages: nothing to move aside in IndexedDB; say it plainly.
            loaded.notice.kind = Kind::OpenFailed;
            loaded.notice.detail = "the stored pages do not form a valid database (" + loaded.notice.detail +
                                   "); the stored data was left unchanged";
        }
        if (loaded.memory_only) {
            platform_.SetMemoryOnly(loaded.memory_reason);
        } else if (!readable) {
            platform_.SetMemoryOnly(memory_reason);
        } else {
            platform_.EnablePersistence();
            // A new workspace, or one that replaced a damaged file, is stored at once.
            platform_.RequestPersist();
        }
        workspace_->AddCommitListener([this] { platform_.RequestPersist(); });
        crm::ui::ConsoleOptions console_options;
        console_options.notice =
            loaded.notice.kind != crm::ui::StartupNotice::Kind::None ? loaded.notice : storage_notice;
        crm_js_mark("workspace_open");
        host_.Attach(*workspace_, std::move(console_options));
        crm_js_set_ready();
    }

    /// One frame of the main loop.
    void Frame() {
        platform_.UpdateDpiScale();
        crm_js_fit_canvas();
        glfwPollEvents();
        // Nothing is drawn before the workspace is open: the page's loading screen covers the canvas,
        // and a frame (30-100 ms of the main thread under software WebGL) would hold back each of the
        // IndexedDB answers the opening waits for.
        if (!host_.console()) return;
        // Idle costs nothing: without input or change the canvas keeps the last frame.
        if (!host_.WantsFrame()) return;
        if (HoldForWrite()) return;  // the frame stays wanted: the next one draws it
        held_since_ms_ = 0.0;
        const bool rendered = host_.Frame();
        crm_js_count_frame(host_.last_ui_ms(), rendered ? 1 : 0);
        if (std::string page; platform_.TakeReopenRequest(&page) && stored_) Reopen(page, false);
        crm::ui::Console* console = host_.console();
        if (!console) return;
        if (store_behind_ && !console->HoldsUnkeptEdits()) {  // saved or discarded: show the other tab's commit
            store_behind_ = false;
            console->SetStoreBehind(false);
            Reopen({}, true);
            return;
        }
        if (!first_frame_done_) {
            first_frame_done_ = true;
            crm_js_on_first_frame();
        }
        if (std::string title = console->WindowTitle(); title != title_) {
            title_ = title;
            crm_js_set_title(title_.c_str());
        }
        const ImGuiIO& io = ImGui::GetIO();
        const float dpr = platform_.DpiScale();
        crm_js_text_input(io.WantTextInput ? 1 : 0, ime_x_ / dpr, ime_y_ / dpr, ImGui::GetFontSize() / dpr);
    }

    /// window.crm: one JSON command through the same API as the CLI.
    const char* Execute(const char* request) {
        host_.Redraw();  // what the console shows may change
        if (!api_) {
            answer_ =
                R"({"ok":false,"error":{"code":"not_ready","message":"The workspace is still opening; try again in a moment.","field":""}})";
        } else {
            // With sign-in on, the bridge acts only as the signed-in user (ui/access/sign_in_screen.h).
            nlohmann::json parsed = nlohmann::json::parse(request ? request : "", nullptr, false);
            std::string refused =
                parsed.is_discarded() ? std::string() : crm::ui::BridgeCheck(*workspace_, parsed);
            if (!refused.empty()) {
                answer_ = refused;
            } else if (parsed.is_discarded()) {
                answer_ = api_->Execute(request ? request : "");
            } else {
                answer_ =
                    api_->Execute(parsed).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            }
        }
        return answer_.c_str();
    }

    /// Another tab stored a commit (its pages are in the VFS now) or this tab re-read the store:
    /// the workspace is opened again over the new pages, and the console with it (what it shows
    /// is read afresh; the services keep caches of what they read). The new console shows the same
    /// area and every editor's unsaved draft (Console::KeepDrafts); an editor that cannot hand its
    /// draft over holds the reopen back, with a banner, until its edits are saved or discarded.
    void OnStoreChanged() {
        if (!workspace_ || !page_mode_) return;
        crm::ui::Console* console = host_.console();
        if (console && console->HoldsUnkeptEdits()) {
            store_behind_ = true;
            console->SetStoreBehind(true);
            platform_.OnStoreReloaded();
            host_.Wake();
            return;
        }
        if (Reopen({}, true)) platform_.OnStoreReloaded();
    }

    /// Opens the stored workspace again and attaches a new console to it, showing `page` first (a
    /// restore replaced the data: Platform::RequestReopen) or, with `keep` (another tab's commit),
    /// the area shown now and the drafts of the console it replaces. False when it could not be opened.
    bool Reopen(const std::string& page, bool keep) {
        if (!workspace_) return false;
        crm::WorkspaceOptions options;
        options.web_durability = true;
        crm::Result<std::unique_ptr<crm::Workspace>> fresh = crm::Workspace::Open("/data/crm.db", options);
        if (!fresh.ok()) {
            std::fprintf(stderr, "[console] reopening the workspace failed: %s\n",
                         fresh.error().message.c_str());
            return false;
        }
        std::unique_ptr<crm::Workspace> old = std::move(workspace_);
        workspace_ = std::move(fresh.value());
        crm::web::AttachErp(*workspace_);
        api_ = std::make_unique<crm::CommandApi>(*workspace_);
        workspace_->AddCommitListener([this] { platform_.RequestPersist(); });
        crm::ui::ConsoleOptions console_options;
        console_options.page = page;
        if (crm::ui::Console* console = host_.console(); keep && console) {
            console_options.page = console->page();
            console_options.drafts = console->KeepDrafts();
        }
        host_.Attach(*workspace_, std::move(console_options));
        old.reset();
        return true;
    }

    /// Benchmarks only: grows the database by about `mb` megabytes of filler rows in a table of
    /// its own (bench_pad), 8 MB per transaction; 0 when done.
    int BenchPad(int mb) {
        if (!workspace_) return 1;
        crm::Database& db = workspace_->db();
        if (!db.Exec("CREATE TABLE IF NOT EXISTS bench_pad(id INTEGER PRIMARY KEY, b BLOB)").ok()) return 1;
        for (int done = 0; done < mb; done += 8) {
            const int rows = std::min(8, mb - done) * 256;  // 4 KB each
            const std::string sql =
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " +
                std::to_string(rows) + ") INSERT INTO bench_pad(b) SELECT randomblob(4000) FROM c";
            if (!db.Exec(sql).ok()) return 1;
        }
        platform_.RequestPersist();
        return 0;
    }

    /// Tests only: PRAGMA integrity_check of the open workspace ("ok" when sound).
    const char* IntegrityCheck() {
        answer_ = "no workspace";
        if (workspace_) {
            crm::Statement st = workspace_->db().Prepare("PRAGMA integrity_check");
            answer_.clear();
            while (st.Step()) answer_ += (answer_.empty() ? "" : "; ") + st.Text(0);
            if (!st.status().ok()) answer_ = st.status().error().message;
        }
        return answer_.c_str();
    }

    void OnTextInput(const char* text) {
        if (text) host_.QueueText(text);
    }
    void OnClipboard(const char* text) { clipboard_ = text ? text : ""; }

private:
    /// A frame wanted while a commit's write is in flight waits for the write, up to kHoldForWriteMs:
    /// the frame that shows the change then also shows it saved (one frame where there were two,
    /// "Saving" and then "Saved"), and the drawing does not compete with the write. Under headless
    /// software WebGL a frame's rasterising took both cores for 30-40 ms, and a 4 ms write that met one
    /// completed after it (bench/persist: persist.sync_ms, sync_p90_ms). A long write (an import's) only
    /// slows the frames to one per kHoldForWriteMs.
    bool HoldForWrite() {
        if (!crm_js_write_in_flight()) return false;
        const double now = emscripten_get_now();
        if (held_since_ms_ == 0.0) held_since_ms_ = now;
        return now - held_since_ms_ < kHoldForWriteMs;
    }
    static constexpr double kHoldForWriteMs = 50.0;
    double held_since_ms_ = 0.0;  ///< when the wanted frame began to wait (0: none waits)

    static inline std::unique_ptr<WebApp> instance_;
    crm::web::WebPlatform platform_;
    crm::ui::ConsoleHost host_;
    std::unique_ptr<crm::Workspace> workspace_;
    std::unique_ptr<crm::CommandApi> api_;
    std::string answer_;
    std::string clipboard_;
    std::string title_;
    float ime_x_ = 0.0f;
    float ime_y_ = 0.0f;
    bool first_frame_done_ = false;
    bool store_behind_ = false;  // another tab committed; the reopen waits for edits no draft keeps
    bool stored_ = false;  // the workspace is /data/crm.db (not a temporary one in memory)
    bool page_mode_ = crm_js_page_mode() != 0;
};

void MainLoopStep() { WebApp::Instance().Frame(); }

}  // namespace

extern "C" {

/// The stored workspace was read (0) or could not be (crm_js_mount_and_load names the codes).
EMSCRIPTEN_KEEPALIVE void crm_web_on_fs_loaded(int err, const char* message) {
    WebApp::Instance().OnFsLoaded(err, message ? message : "");
}

/// window.crm(json) -> JSON answer (valid until the next call).
EMSCRIPTEN_KEEPALIVE const char* crm_web_execute(const char* request) {
    return WebApp::Instance().Execute(request);
}

/// Another tab's commit was applied to the page VFS, or the store was read again.
EMSCRIPTEN_KEEPALIVE void crm_web_on_store_changed() { WebApp::Instance().OnStoreChanged(); }

/// Benchmarks only (bench/persist): grows the database by `mb` megabytes.
EMSCRIPTEN_KEEPALIVE int crm_web_bench_pad(int mb) { return WebApp::Instance().BenchPad(mb); }

/// Tests only: PRAGMA integrity_check of the open workspace (valid until the next call).
EMSCRIPTEN_KEEPALIVE const char* crm_web_integrity_check() { return WebApp::Instance().IntegrityCheck(); }

/// Something the console shows changed outside it (the browser answered the request for notifications).
EMSCRIPTEN_KEEPALIVE void crm_web_wake() { WebApp::Instance().Wake(); }

/// Text typed or composed in the hidden text field.
EMSCRIPTEN_KEEPALIVE void crm_web_text_input(const char* text) { WebApp::Instance().OnTextInput(text); }

/// The clipboard's text, from a paste event.
EMSCRIPTEN_KEEPALIVE void crm_web_clipboard_changed(const char* text) {
    WebApp::Instance().OnClipboard(text);
}

}  // extern "C"

int main() {
    if (!glfwInit()) {
        std::fprintf(stderr, "glfwInit failed\n");
        return 1;
    }
    glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    GLFWwindow* window = glfwCreateWindow(1280, 800, "CRM System Settings", nullptr, nullptr);
    if (!window) {
        std::fprintf(stderr, "glfwCreateWindow failed (WebGL2 unavailable?)\n");
        return 1;
    }
    glfwMakeContextCurrent(window);
    crm_js_mark("main");
    if (crm_js_page_mode()) crm::web::RegisterPageVfs("/data/crm.db");
    // The stored pages are read (IndexedDB works in the browser's own process) while the console's
    // fonts are built; every answer comes in a later task, once WebApp exists.
    crm_js_mount_and_load();
    WebApp::Create(window);
    crm_js_mark("fonts_built");
    emscripten_set_main_loop(MainLoopStep, 0, 1);
    return 0;
}
