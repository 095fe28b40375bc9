// What differs between the web and the desktop build, behind one small interface.
// web/platform_web.cpp and native/platform_native.cpp each implement it; CMake picks one.
#pragma once
#include <cstdint>
#include <string>

namespace crm::ui {

/// Where the last change stands on its way to durable storage (shown in the top bar).
enum class SaveState { Saved, Saving, Failed, MemoryOnly };

struct PersistStatus {
    SaveState state = SaveState::Saved;
    std::string reason;  ///< why it failed / why only in memory (shown to the user)
    /// A catalog id the save state's tooltip adds (web: the browser's answer to a request for
    /// persistent storage), or "".
    std::string note_id;
    /// Failed: the changes (commits) made since the last stored one, kept in memory only, and the
    /// KB of pages they wait to write (0 when the platform does not count them).
    uint64_t unsaved_commits = 0;
    uint64_t unsaved_kb = 0;
};

class Platform {
public:
    virtual ~Platform() = default;
    /// Folder of read-only assets (the UI font), with a trailing '/'.
    virtual std::string AssetsDir() const = 0;
    /// Schedules durable storage of committed changes (web: IndexedDB sync; desktop: no-op,
    /// SQLite already wrote the file).
    virtual void RequestPersist() = 0;
    virtual PersistStatus persist_status() const = 0;
    /// Tells the platform that writing a change failed in storage (disk full, I/O error...), so
    /// the save state can say so until the next successful commit.
    virtual void ReportStorageError(const std::string& reason) = 0;
    /// Publishes a JSON snapshot of the UI for tests (web: window.__crm_ui; desktop: optional file).
    virtual void PublishUiState(const std::string& json) = 0;
    /// Stores and reads small preferences (theme, language, window geometry).
    virtual std::string LoadPreference(const std::string& key) const = 0;
    virtual void SavePreference(const std::string& key, const std::string& value) = 0;
    /// The display's scale factor: window.devicePixelRatio on the web, the window's content
    /// scale on the desktop. Fonts and sizes are multiplied by it.
    virtual float DpiScale() const = 0;
    /// ImGui units per published unit (CSS pixel on the web, window coordinate on the desktop):
    /// the web renders the canvas at device pixels, so this is devicePixelRatio there.
    virtual float ItemCoordinateScale() const = 0;
    /// The full CJK font (a TrueType file or collection) that characters missing from the UI
    /// font's subset are loaded from at run time: a path readable now, or "" while it is not
    /// available (web: the first call starts fetching it; "" for good when it cannot be had).
    virtual std::string FullFontPath() { return {}; }
    /// Whether the UI fonts (crm_font.ttf, crm_symbols.ttf in AssetsDir()) can be read now. The web
    /// fetches them beside the page instead of preloading them, so the first frame never waits for
    /// them (it draws with ImGui's built-in font; the UI font is swapped in when they arrive); the
    /// desktop has them from the start. False for good when they cannot be had.
    virtual bool UiFontsArrived() { return true; }
    /// The browser's permission for system notifications (the Web Notifications API): "granted",
    /// "denied", "default" (not asked yet) or "unsupported"; "" where it does not apply (the desktop,
    /// whose pop-ups are the console's toasts).
    virtual std::string SystemNotificationPermission() const { return {}; }
    /// Asks the browser for that permission (Notification.requestPermission(); the answer comes later
    /// and wakes the console). Nothing on the desktop.
    virtual void RequestSystemNotificationPermission() {}
    /// The language sweep's request for a frame whose drawn text is checked (ui/shell/text_log.h): a
    /// number a test raises each time it wants one (web: window.__crm_text_log); 0 where no test asks.
    virtual int TextLogRequest() const { return 0; }

    /// Asks the host to open the workspace again once this frame is done (a restore replaced its
    /// data under the services' caches), showing the area `page` first. The host calls
    /// TakeReopenRequest() after each frame and attaches a new console.
    void RequestReopen(const std::string& page) {
        reopen_ = true;
        reopen_page_ = page;
    }
    /// Whether a reopen was asked for since the last call; `page` gets the area to show.
    bool TakeReopenRequest(std::string* page) {
        if (!reopen_) return false;
        reopen_ = false;
        *page = reopen_page_;
        return true;
    }

private:
    bool reopen_ = false;
    std::string reopen_page_;
};

}  // namespace crm::ui
