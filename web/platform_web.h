// The browser Platform: IndexedDB persistence through IDBFS (a coalesced FS.syncfs after each
// commit and when the page is hidden), preferences in localStorage, the test snapshot in
// window.__crm_ui, and devicePixelRatio as the DPI scale.
#pragma once
#include <map>
#include <string>

#include "ui/shell/platform.h"

namespace crm::web {

/// Platform for the WebAssembly console.
class WebPlatform final : public ui::Platform {
public:
    /// Reads the stored preferences (localStorage) once.
    WebPlatform();

    /// Turns persistence to IndexedDB on (after the initial load succeeded).
    void EnablePersistence();
    /// The console works in memory only; nothing is ever synced out, so nothing saved earlier
    /// can be damaged.
    void SetMemoryOnly(const std::string& reason);
    bool persistence_enabled() const { return persist_; }
    /// The result of a sync: 0 = stored, 1 = failed (`message`), 2 = quota exceeded.
    void OnSynced(int code, const std::string& message);
    /// Preferences handed over from localStorage (a JSON object of strings).
    void SetPreferences(const std::string& json);
    /// Reads window.devicePixelRatio (once per frame).
    void UpdateDpiScale();

    std::string AssetsDir() const override { return "/assets/"; }
    void RequestPersist() override;
    ui::PersistStatus persist_status() const override { return status_; }
    void ReportStorageError(const std::string& reason) override;
    void PublishUiState(const std::string& json) override;
    std::string LoadPreference(const std::string& key) const override;
    void SavePreference(const std::string& key, const std::string& value) override;
    float DpiScale() const override { return dpr_; }
    float ItemCoordinateScale() const override { return dpr_; }

private:
    bool persist_ = false;
    ui::PersistStatus status_;
    std::map<std::string, std::string> prefs_;
    float dpr_ = 1.0f;
};

}  // namespace crm::web
