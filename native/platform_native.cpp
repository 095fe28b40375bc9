#include "native/platform_native.h"

#include <GLFW/glfw3.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "ui/kit/i18n.h"

namespace crm::native {

bool WriteFileAtomically(const std::string& path, const std::string& content) {
    const std::string temp = path + ".tmp";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out) return false;
        out << content;
        if (!out.flush()) return false;
    }
    return std::rename(temp.c_str(), path.c_str()) == 0;
}

NativePlatform::NativePlatform(std::string assets_dir, std::string prefs_path, std::string ui_state_path)
    : assets_dir_(std::move(assets_dir)),
      prefs_path_(std::move(prefs_path)),
      ui_state_path_(std::move(ui_state_path)) {
    std::ifstream in(prefs_path_);
    if (in) {
        std::stringstream text;
        text << in.rdbuf();
        nlohmann::json parsed = nlohmann::json::parse(text.str(), nullptr, false);
        if (parsed.is_object()) {
            prefs_ = std::move(parsed);
        } else {
            std::fprintf(stderr, "[console] ignoring unreadable preferences %s\n", prefs_path_.c_str());
        }
    }
}

void NativePlatform::SetMemoryOnly(const std::string& reason) {
    status_.state = ui::SaveState::MemoryOnly;
    status_.reason = reason;
}

void NativePlatform::RequestPersist() {
    // SQLite has written the file when a commit succeeds: the change is saved.
    if (status_.state == ui::SaveState::Failed) status_ = {};
}

void NativePlatform::ReportStorageError(const std::string& reason) {
    if (status_.state == ui::SaveState::MemoryOnly) return;
    status_.state = ui::SaveState::Failed;
    status_.reason = ui::TrFormatIn(ui::Language::English, "reason.write_failed", {reason});
}

void NativePlatform::PublishUiState(const std::string& json) {
    if (ui_state_path_.empty()) return;
    if (!WriteFileAtomically(ui_state_path_, json)) {
        std::fprintf(stderr, "[console] cannot write the UI state to %s\n", ui_state_path_.c_str());
    }
}

std::string NativePlatform::LoadPreference(const std::string& key) const {
    auto it = prefs_.find(key);
    return it != prefs_.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void NativePlatform::SavePreference(const std::string& key, const std::string& value) {
    if (LoadPreference(key) == value && prefs_.contains(key)) return;
    prefs_[key] = value;
    if (!WriteFileAtomically(prefs_path_, prefs_.dump(2))) {
        std::fprintf(stderr, "[console] cannot save preferences to %s\n", prefs_path_.c_str());
    }
}

float NativePlatform::DpiScale() const {
    if (!window_) return 1.0f;
    float x = 1.0f;
    float y = 1.0f;
    glfwGetWindowContentScale(window_, &x, &y);
    return x > 0.25f ? x : 1.0f;
}

std::string NativePlatform::FullFontPath() {
    const char* env = std::getenv("CRM_FULL_FONT");
    return env ? std::string(env) : std::string("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc");
}

}  // namespace crm::native
