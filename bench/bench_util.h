// The small harness every benchmark uses: figures printed one a line as `name: value`, timing
// against a reference run in the same process, and the wasm twin run for native/wasm ratios.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#ifdef __EMSCRIPTEN__
#include "web/page_vfs.h"
#endif

namespace crm::bench {

/// Seconds taken by fn(), best of `repeats` runs (the least disturbed by the machine).
inline double BestSeconds(int repeats, const std::function<void()>& fn) {
    double best = 1e300;
    for (int i = 0; i < repeats; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        fn();
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (s < best) best = s;
    }
    return best;
}

inline void Figure(const std::string& name, double value) {
    std::printf("%s: %.4g\n", name.c_str(), value);
    std::fflush(stdout);
}

/// Workspaces open with the durability of this target's console (WorkspaceOptions::web_durability): in wasm
/// the web console's synchronous=OFF (its pages persist through IndexedDB), natively synchronous=FULL.
#ifdef __EMSCRIPTEN__
inline constexpr bool kConsoleDurability = true;
#else
inline constexpr bool kConsoleDurability = false;
#endif

/// The workspace at `path` (relative to the working directory) keeps its pages where the console of this
/// target keeps them: natively the file; in wasm the web console's storage (web/page_vfs.cpp: pages in
/// memory, each commit's pages copied out to JavaScript, where bench/console_pages.js keeps them as the
/// console keeps them for IndexedDB). One path per process; call it before the workspace opens.
inline void UseConsoleStorage(const std::string& path) {
#ifdef __EMSCRIPTEN__
    web::RegisterPageVfs(std::filesystem::absolute(path).string());
    web::EnablePageStore();
#else
    (void)path;
#endif
}

/// Removes the workspace at `path` and its journal, so that the next open starts a new one; in wasm also the
/// pages of the console storage (UseConsoleStorage), which live in memory.
inline void RemoveWorkspace(const std::string& path) {
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-journal");
#ifdef __EMSCRIPTEN__
    web::ClearPageStore(std::filesystem::absolute(path).string());
#endif
}

/// Runs the wasm build of this benchmark under Node.js (`node <js>`) and returns
/// its figures; empty when the wasm build is absent.
inline std::map<std::string, double> RunWasmTwin(const std::string& js_path) {
    std::map<std::string, double> figures;
#ifndef __EMSCRIPTEN__
    if (js_path.empty()) return figures;
    std::string cmd = "node --no-experimental-fetch '" + js_path + "' 2>/dev/null";
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) return figures;
    char line[512];
    while (std::fgets(line, sizeof line, pipe)) {
        char* colon = std::strrchr(line, ':');
        if (!colon) continue;
        *colon = 0;
        figures[line] = std::atof(colon + 1);
    }
    pclose(pipe);
#else
    (void)js_path;
#endif
    return figures;
}

/// A twin's figures over the native ones: `warm` is the wasm run once its code is warm (a second run in
/// the same process), `first` the wasm run that came first, each over the native figure.
struct WasmRatios {
    double warm = 0;
    double first = 0;
};

/// The wasm build's figures `name` (warm) and `first_name` over the native one, from `rounds`
/// alternating runs of each side (the best of each): a busy machine slows neighbouring runs alike, where
/// one run of each far apart gives a ratio of the load. Zeros when the wasm build is absent.
/// Why two: V8 first runs wasm as baseline (Liftoff) code and replaces a function with optimized code only
/// at its next call once it ran hot (no on-stack replacement), so a twin's first pass measures mostly the
/// compilation's pace on this machine; native code is compiled ahead.
inline WasmRatios AlternatingWasmRatios(const std::string& js_path, const std::string& name,
                                        const std::string& first_name,
                                        const std::function<double()>& native_seconds, int rounds = 3) {
    double best_native = 0, best_wasm = 0, best_first = 0;
    for (int i = 0; i < rounds; ++i) {
        const double n = native_seconds();
        std::map<std::string, double> wasm = RunWasmTwin(js_path);
        if (!wasm.count(name) || !wasm.count(first_name)) return {};
        best_native = i == 0 ? n : std::min(best_native, n);
        best_wasm = i == 0 ? wasm[name] : std::min(best_wasm, wasm[name]);
        best_first = i == 0 ? wasm[first_name] : std::min(best_first, wasm[first_name]);
    }
    if (best_native <= 0) return {};
    return {best_wasm / best_native, best_first / best_native};
}

/// The value of `--wasm-js PATH` in argv, or "".
inline std::string WasmJsArg(int argc, char** argv) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "--wasm-js") == 0) return argv[i + 1];
    return {};
}

}  // namespace crm::bench
