#include "ui/shell/text_log.h"

#include <cstdio>
#include <set>

#include "imgui.h"
#include "imgui_internal.h"

namespace crm::ui {

namespace {

// ImGui's log writes to a file one item line ("<indentation><text>") or one line break per write;
// the log's file is an unbuffered stream whose writes come here whole, one entry each.
std::vector<std::string> g_lines;

ssize_t WriteLine(void*, const char* data, size_t size) {
    const std::string chunk(data, size);
    if (chunk == IM_NEWLINE) return static_cast<ssize_t>(size);
    const size_t start = chunk.find_first_not_of(' ');
    if (start != std::string::npos) g_lines.push_back(chunk.substr(start));
    return static_cast<ssize_t>(size);
}

}  // namespace

bool BeginTextLog() {
    g_lines.clear();
    cookie_io_functions_t io{nullptr, &WriteLine, nullptr, nullptr};
    FILE* file = fopencookie(nullptr, "w", io);
    if (!file) return false;
    std::setvbuf(file, nullptr, _IONBF, 0);  // each write reaches WriteLine as ImGui made it
    ImGui::LogBegin(ImGuiLogType_File, 0);   // 0: no tree node opens for the log
    GImGui->LogFile = file;
    return true;
}

std::vector<std::string> EndTextLog() {
    ImGui::LogFinish();  // closes the stream
    std::vector<std::string> lines = std::move(g_lines);
    g_lines.clear();
    return lines;
}

nlohmann::json CheckTextLanguage(const std::vector<std::string>& drawn, Language shown) {
    const Language other = shown == Language::English ? Language::ChineseSimplified : Language::English;
    int own = 0;
    nlohmann::json foreign = nlohmann::json::array();
    std::set<std::string> reported;
    for (const std::string& raw : drawn) {
        std::string text = raw;
        while (!text.empty() && text.back() == ' ') text.pop_back();
        if (text.empty()) continue;
        if (CatalogIdOf(shown, text)) {
            ++own;
            continue;
        }
        const char* id = CatalogIdOf(other, text);
        if (!id || foreign.size() >= 50 || !reported.insert(text).second) continue;
        foreign.push_back({{"text", text}, {"id", id}});
    }
    return {{"texts", drawn.size()}, {"own", own}, {"foreign", std::move(foreign)}};
}

}  // namespace crm::ui
