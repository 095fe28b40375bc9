// crm-console: the settings console as a desktop app (GLFW + OpenGL 3).
//
//   crm-console [--db PATH] [--frames N] [--ui-state FILE] [--lang en|zh-CN]
//               [--screenshot FILE.ppm] [--prefs FILE] [--check-glyphs]
//
// --db defaults to $XDG_DATA_HOME/crm-settings/crm.db (else ~/.local/share/crm-settings/crm.db);
// preferences live next to the database in console-prefs.json.
#include <GLFW/glfw3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "native/console_delivery.h"
#include "native/platform_native.h"
#include "ui/kit/i18n.h"
#include "ui/shell/console_host.h"
#include "ui/shell/glyph_check.h"
#include "ui/shell/workspace_loader.h"

namespace fs = std::filesystem;

namespace {

struct Options {
    std::string db;
    std::string prefs;
    std::string ui_state;
    std::string screenshot;
    long frames = 0;
    std::optional<crm::ui::Language> language;
    bool check_glyphs = false;
};

void PrintUsage() {
    std::printf(
        "usage: crm-console [--db PATH] [--frames N] [--ui-state FILE] [--lang en|zh-CN]\n"
        "                   [--screenshot FILE.ppm] [--prefs FILE] [--check-glyphs]\n"
        "  --db PATH         the workspace database (default: $XDG_DATA_HOME/crm-settings/crm.db)\n"
        "  --frames N        exit after N frames (smoke tests)\n"
        "  --ui-state FILE   write the console's UI snapshot (JSON) to FILE whenever it changes\n"
        "  --lang CODE       start in this language (en or zh-CN)\n"
        "  --screenshot FILE write the last frame as a PPM image (with --frames)\n"
        "  --prefs FILE      the preferences file (default: console-prefs.json next to the database)\n"
        "  --check-glyphs    list the characters of the catalogs and the workspace's data that some\n"
        "                    font size has no glyph for; exit 1 when there are any (tests)\n");
}

std::string DefaultDataDir() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return std::string(xdg) + "/crm-settings";
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/.local/share/crm-settings";
}

/// Parses the command line; nothing (after printing why) when it is wrong.
std::optional<Options> ParseArgs(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (arg == "--help" || arg == "-h") {
            PrintUsage();
            std::exit(0);
        }
        if (arg == "--check-glyphs") {
            options.check_glyphs = true;
            continue;
        }
        const char* v = value();
        if (!v) {
            std::fprintf(stderr, "crm-console: %s needs a value\n", arg.c_str());
            return std::nullopt;
        }
        if (arg == "--db") {
            options.db = v;
        } else if (arg == "--frames") {
            options.frames = std::strtol(v, nullptr, 10);
        } else if (arg == "--ui-state") {
            options.ui_state = v;
        } else if (arg == "--screenshot") {
            options.screenshot = v;
        } else if (arg == "--prefs") {
            options.prefs = v;
        } else if (arg == "--lang") {
            options.language = crm::ui::ParseLanguage(v);
            if (!options.language) {
                std::fprintf(stderr, "crm-console: --lang must be en or zh-CN, not %s\n", v);
                return std::nullopt;
            }
        } else {
            std::fprintf(stderr, "crm-console: unknown option %s\n", arg.c_str());
            PrintUsage();
            return std::nullopt;
        }
    }
    std::error_code ec;
    if (options.db.empty()) {
        const std::string dir = DefaultDataDir();
        fs::create_directories(dir, ec);
        options.db = dir + "/crm.db";
    }
    if (options.prefs.empty()) {
        fs::path folder =
            options.db == ":memory:" ? fs::path(DefaultDataDir()) : fs::path(options.db).parent_path();
        if (folder.empty()) folder = ".";
        fs::create_directories(folder, ec);
        options.prefs = (folder / "console-prefs.json").string();
    }
    return options;
}

/// The folder of the running executable (where crm_font.ttf is copied), with a trailing '/'.
std::string ExecutableDir(const char* argv0) {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) exe = fs::absolute(argv0, ec);
    return exe.parent_path().string() + "/";
}

/// Writes the current framebuffer (bottom-up in GL) as a top-down binary PPM.
bool WritePpm(const std::string& path, int width, int height) {
    std::vector<unsigned char> pixels(static_cast<size_t>(width) * static_cast<size_t>(height) * 3);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    std::ofstream out(path, std::ios::binary);
    if (!out) return false;
    out << "P6\n" << width << " " << height << "\n255\n";
    const size_t row = static_cast<size_t>(width) * 3;
    for (int y = height - 1; y >= 0; --y) {
        out.write(reinterpret_cast<const char*>(pixels.data() + static_cast<size_t>(y) * row),
                  static_cast<std::streamsize>(row));
    }
    return static_cast<bool>(out);
}

/// The remembered window geometry, {"x","y","w","h"}.
struct Geometry {
    int x = -1;
    int y = -1;
    int w = 1280;
    int h = 800;
};

Geometry LoadGeometry(const crm::native::NativePlatform& platform) {
    Geometry g;
    nlohmann::json j = nlohmann::json::parse(platform.LoadPreference("window"), nullptr, false);
    if (j.is_object()) {
        g.x = j.value("x", -1);
        g.y = j.value("y", -1);
        g.w = std::max(640, j.value("w", 1280));
        g.h = std::max(420, j.value("h", 800));
    }
    return g;
}

void SaveGeometry(crm::native::NativePlatform& platform, GLFWwindow* window) {
    Geometry g;
    glfwGetWindowPos(window, &g.x, &g.y);
    glfwGetWindowSize(window, &g.w, &g.h);
    platform.SavePreference("window", nlohmann::json{{"x", g.x}, {"y", g.y}, {"w", g.w}, {"h", g.h}}.dump());
}

int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

int main(int argc, char** argv) {
    std::optional<Options> options = ParseArgs(argc, argv);
    if (!options) return 2;

    crm::native::NativePlatform platform(ExecutableDir(argv[0]), options->prefs, options->ui_state);

    glfwSetErrorCallback(
        [](int code, const char* text) { std::fprintf(stderr, "[glfw] %d: %s\n", code, text); });
    if (!glfwInit()) {
        std::fprintf(stderr, "crm-console: cannot initialise GLFW (is there a display?)\n");
        return 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    const Geometry geometry = LoadGeometry(platform);
    GLFWwindow* window = glfwCreateWindow(geometry.w, geometry.h, "CRM System Settings", nullptr, nullptr);
    if (!window) {
        std::fprintf(stderr, "crm-console: cannot create an OpenGL 3 window\n");
        glfwTerminate();
        return 1;
    }
    if (geometry.x >= 0 && geometry.y >= 0) glfwSetWindowPos(window, geometry.x, geometry.y);
    glfwMakeContextCurrent(window);
    glfwSwapInterval(1);
    platform.set_window(window);

    int exit_code = 0;
    {
        crm::ui::ConsoleHost host(window, "#version 130", platform);

        crm::ui::LoadedWorkspace loaded = crm::ui::OpenOrCreateWorkspace(options->db, {}, NowMs());
        if (!loaded.workspace) {
            std::fprintf(stderr, "crm-console: no workspace could be opened\n");
            exit_code = 1;
        } else {
            if (loaded.memory_only) platform.SetMemoryOnly(loaded.memory_reason);
            loaded.workspace->AddCommitListener([&platform] { platform.RequestPersist(); });
            crm::native::ConsoleDelivery delivery;
            delivery.Attach(*loaded.workspace);
            crm::ui::ConsoleOptions console_options;
            console_options.notice = loaded.notice;
            console_options.language = options->language;
            host.Attach(*loaded.workspace, std::move(console_options));
            if (options->check_glyphs) {
                const std::vector<crm::ui::MissingGlyph> missing =
                    crm::ui::FindMissingGlyphs(host.appearance(), *loaded.workspace);
                for (const crm::ui::MissingGlyph& m : missing) {
                    std::printf("no glyph for U+%04X in %s\n", m.codepoint, m.where.c_str());
                }
                std::printf("%zu characters without a glyph (%zu code points in the UI font)\n",
                            missing.size(), host.appearance().font_codepoints().size());
                if (!missing.empty()) exit_code = 1;
            }

            std::string title;
            long frames = 0;
            // Idle costs nothing: without input or change the window keeps its last frame (not with
            // --frames, whose runs count frames).
            const bool idle_waits = options->frames == 0;
            while (!glfwWindowShouldClose(window)) {
                glfwPollEvents();
                delivery.Tick(NowMs());
                if (idle_waits && !host.WantsFrame()) {
                    glfwWaitEventsTimeout(0.05);
                    continue;
                }
                // (Runs counting frames render every one: a screenshot reads the frame just drawn.)
                const bool rendered = host.Frame(idle_waits);
                ++frames;
                // A restore replaced the data under the services: open the workspace again.
                if (std::string page; platform.TakeReopenRequest(&page) && !loaded.memory_only) {
                    crm::Result<std::unique_ptr<crm::Workspace>> fresh =
                        crm::Workspace::Open(options->db, {});
                    if (fresh.ok()) {
                        delivery.Finish(NowMs());
                        std::unique_ptr<crm::Workspace> old = std::move(loaded.workspace);
                        loaded.workspace = std::move(fresh.value());
                        loaded.workspace->AddCommitListener([&platform] { platform.RequestPersist(); });
                        crm::ui::ConsoleOptions reopened;
                        reopened.language = crm::ui::CurrentLanguage();
                        reopened.page = page;
                        host.Attach(*loaded.workspace, std::move(reopened));
                        delivery.Attach(*loaded.workspace);
                    } else {
                        std::fprintf(stderr, "crm-console: reopening the workspace failed: %s\n",
                                     fresh.error().message.c_str());
                    }
                }
                if (const std::string wanted = host.console()->WindowTitle(); wanted != title) {
                    title = wanted;
                    glfwSetWindowTitle(window, title.c_str());
                }
                const bool last = options->frames > 0 && frames >= options->frames;
                if (last && !options->screenshot.empty()) {
                    int width = 0;
                    int height = 0;
                    glfwGetFramebufferSize(window, &width, &height);
                    if (!WritePpm(options->screenshot, width, height)) {
                        std::fprintf(stderr, "crm-console: cannot write %s\n", options->screenshot.c_str());
                        exit_code = 1;
                    }
                }
                if (rendered) glfwSwapBuffers(window);  // else the window keeps the last frame
                if (last) break;
            }
            SaveGeometry(platform, window);
            delivery.Finish(NowMs());
            if (options->frames > 0)
                std::printf("outbox: %d claimed, %d sent, %d failed, %d dead\n", delivery.totals().claimed,
                            delivery.totals().sent, delivery.totals().failed, delivery.totals().dead);
        }
    }
    glfwDestroyWindow(window);
    glfwTerminate();
    return exit_code;
}
