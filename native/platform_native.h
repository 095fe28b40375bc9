// The desktop Platform: preferences in a small JSON file next to the database, the UI state
// snapshot in an optional file (--ui-state), and a save state that SQLite's own writes make
// "Saved" unless a write failed.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "ui/shell/platform.h"

struct GLFWwindow;

namespace crm::native {

/// Platform for the GLFW desktop console.
class NativePlatform final : public ui::Platform {
public:
    /// `assets_dir` holds crm_font.ttf; `prefs_path` is the preferences file; `ui_state_path`
    /// receives the test snapshot (empty: not written).
    NativePlatform(std::string assets_dir, std::string prefs_path, std::string ui_state_path);

    /// The window whose content scale is the DPI scale.
    void set_window(GLFWwindow* window) { window_ = window; }
    /// Marks the workspace as a temporary in-memory one (a newer version's file, or none could be opened).
    void SetMemoryOnly(const std::string& reason);

    std::string AssetsDir() const override { return assets_dir_; }
    void RequestPersist() override;
    ui::PersistStatus persist_status() const override { return status_; }
    void ReportStorageError(const std::string& reason) override;
    void PublishUiState(const std::string& json) override;
    std::string LoadPreference(const std::string& key) const override;
    void SavePreference(const std::string& key, const std::string& value) override;
    float DpiScale() const override;
    float ItemCoordinateScale() const override { return 1.0f; }
    /// Debian's wqy-microhei (the setup installs it), or $CRM_FULL_FONT.
    std::string FullFontPath() override;

private:
    std::string assets_dir_;
    std::string prefs_path_;
    std::string ui_state_path_;
    nlohmann::json prefs_ = nlohmann::json::object();
    ui::PersistStatus status_;
    GLFWwindow* window_ = nullptr;
};

/// Writes `content` to `path` through a temporary file and a rename (readers never see half a file).
bool WriteFileAtomically(const std::string& path, const std::string& content);

}  // namespace crm::native
