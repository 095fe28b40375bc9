// The browser Platform: IndexedDB persistence of the pages each commit changed (web/page_vfs.h;
// or, with `?storage=idbfs`, the earlier release's whole-file IDBFS sync after each commit and
// when the page is hidden), preferences in localStorage, the test snapshot in
// window.__crm_ui, and devicePixelRatio as the DPI scale.
#pragma once
#include <cstdint>
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
    /// The result of a write of pages: the commits up to `seq` stored (code 0), or not (1 failed,
    /// 2 quota exceeded: nothing of that write was stored; it is retried with the next commit; 3 another
    /// tab stored a commit on the same base first: this tab's latest commits were dropped and the
    /// store re-read).
    /// `unsaved_bytes`: the pages a failure left waiting in memory (shown with the failure).
    void OnPagesStored(uint64_t seq, int code, const std::string& message, uint64_t unsaved_bytes = 0);
    /// The store was re-read or another tab's commit applied: what the VFS holds is stored.
    void OnStoreReloaded();
    /// The browser's answer to the request for persistent storage (shown in the save tooltip).
    void OnPersistAnswer(bool granted);
    /// The result of a sync (IDBFS): 0 = stored, 1 = failed (`message`), 2 = quota exceeded.
    void OnSynced(int code, const std::string& message);
    /// Preferences handed over from localStorage (a JSON object of strings).
    void SetPreferences(const std::string& json);
    /// Reads window.devicePixelRatio (once per frame).
    void UpdateDpiScale();

    std::string AssetsDir() const override { return "/assets/"; }
    void RequestPersist() override;
    /// Pages: "saving" while a commit is not yet stored, "failed" until a write succeeds again (with
    /// how many commits, and how many KB of pages, wait in memory).
    ui::PersistStatus persist_status() const override;
    void ReportStorageError(const std::string& reason) override;
    void PublishUiState(const std::string& json) override;
    std::string LoadPreference(const std::string& key) const override;
    void SavePreference(const std::string& key, const std::string& value) override;
    float DpiScale() const override { return dpr_; }
    int TextLogRequest() const override;
    float ItemCoordinateScale() const override { return dpr_; }
    /// The full font, fetched on first use (crm_font_full.ttc beside the page).
    std::string FullFontPath() override;
    bool UiFontsArrived() override;
    /// Notification.permission, read through web/popup_notify.js (window.crmPopups.permission()).
    std::string SystemNotificationPermission() const override;
    /// window.crmPopups.requestPermission(): Notification.requestPermission(), waking the console with
    /// the answer.
    void RequestSystemNotificationPermission() override;

private:
    bool pages_;  // the page store (else IDBFS)
    bool persist_ = false;
    bool failed_ = false;
    uint64_t saved_seq_ = 0;
    uint64_t unsaved_bytes_ = 0;  // pages a failed write left pending
    std::string note_id_;
    ui::PersistStatus status_;
    std::map<std::string, std::string> prefs_;
    float dpr_ = 1.0f;
};

}  // namespace crm::web
