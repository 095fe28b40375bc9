#include "web/platform_web.h"

#include <emscripten.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "ui/kit/i18n.h"
#include "web/page_vfs.h"

// [SECTION] JavaScript glue (not clang-formatted: the bodies are JavaScript)
// clang-format off

// FS.syncfs(false) with one sync in flight and at most one more pending; the result goes to
// crm_web_on_fs_synced(code, message): 0 ok, 1 error, 2 quota exceeded.
EM_JS(void, crm_js_sync, (), {
    var st = Module.__crmSync || (Module.__crmSync = {busy : false, again : false});
    if (st.busy) {
        st.again = true;
        return;
    }
    st.busy = true;
    var report = function(code, message) {
        Module.ccall('crm_web_on_fs_synced', null, [ 'number', 'string' ], [ code, message ]);
    };
    var run = function() {
        try {
            FS.syncfs(false, function(err) {
                if (st.again) {
                    st.again = false;
                    run();
                    return;
                }
                st.busy = false;
                if (!err) {
                    report(0, "");
                    return;
                }
                var name = (err && err.name) || "";
                var message = String((err && err.message) || name || err);
                report(name === 'QuotaExceededError' || /quota/i.test(message) ? 2 : 1, message);
            });
        } catch (e) {
            st.busy = false;
            report(1, String((e && e.message) || e));
        }
    };
    run();
});

EM_JS(void, crm_js_ask_persist, (), { Module.crmPages.askPersist(); });

// Syncs when the page is hidden or left, while persistence is on.
EM_JS(void, crm_js_install_lifecycle, (), {
    Module.__crmPersist = true;
    var flush = function() {
        if (Module.__crmPersist) Module['_crm_web_request_sync']();
    };
    document.addEventListener('visibilitychange', function() {
        if (document.visibilityState === 'hidden') flush();
    });
    window.addEventListener('pagehide', flush);
});

EM_JS(void, crm_js_publish, (const char* json), { window.__crm_ui = JSON.parse(UTF8ToString(json)); });
// The language sweep's request (tests/e2e/ui_language_sweep.test.js raises it).
EM_JS(int, crm_js_text_log_request, (), { return window.__crm_text_log | 0; });

EM_JS(void, crm_js_save_pref, (const char* key, const char* value), {
    try {
        localStorage.setItem('crm.pref.' + UTF8ToString(key), UTF8ToString(value));
    } catch (e) {
        // Storage blocked (private mode): the preference lasts for this visit only.
    }
});

// Hands every stored preference to crm_web_set_preferences as one JSON object.
EM_JS(void, crm_js_load_prefs, (), {
    var prefs = {};
    try {
        for (var i = 0; i < localStorage.length; ++i) {
            var key = localStorage.key(i);
            if (key && key.indexOf('crm.pref.') === 0) prefs[key.substring(9)] = localStorage.getItem(key);
        }
    } catch (e) {
    }
    Module.ccall('crm_web_set_preferences', null, ['string'], [JSON.stringify(prefs)]);
});

EM_JS(int, crm_js_pages_mode, (), { return Module.crmPages.mode === 'pages' ? 1 : 0; });

EM_JS(double, crm_js_device_pixel_ratio, (), { return window.devicePixelRatio || 1; });

// Files fetched beside the page into the file system, all of one call written together once all
// arrived (`urls` and `paths` separated by '|'); the console is woken then. The UI fonts come this
// way (not preloaded: the first frame does not wait for them; shell.html starts their download with
// the page) and the full CJK font, the first time a character outside the UI font's subset is drawn
// (5 MB, and most sessions never need it). 1 fetching, 2 stored, 3 failed.
EM_JS(int, crm_js_fetch_files, (const char* urls_ptr, const char* paths_ptr), {
    var key = UTF8ToString(paths_ptr);
    var all = Module.__crmFetched = Module.__crmFetched || {};
    var st = all[key];
    if (st) return st.state;
    st = all[key] = {state : 1};
    var urls = UTF8ToString(urls_ptr).split('|');
    var paths = key.split('|');
    Promise.all(urls.map(function(url) {
        return fetch(url).then(function(r) {
            if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
            return r.arrayBuffer();
        });
    })).then(function(list) {
        list.forEach(function(bytes, i) {
            var dir = paths[i].substring(0, paths[i].lastIndexOf('/'));
            try {
                FS.mkdir(dir);
            } catch (e) {
            }
            FS.writeFile(paths[i], new Uint8Array(bytes));
        });
        st.state = 2;
        Module.ccall('crm_web_wake', null, [], []);
    }).catch(function(e) {
        console.log('[console] could not be fetched: ' + e);
        st.state = 3;
    });
    return st.state;
});

// The system notifications' permission (web/popup_notify.js): 0 unsupported, 1 granted, 2 denied,
// 3 not asked yet.
EM_JS(int, crm_js_notification_permission, (), {
    var p = window.crmPopups && window.crmPopups.permission ? window.crmPopups.permission() : 'unsupported';
    return p === 'granted' ? 1 : p === 'denied' ? 2 : p === 'default' ? 3 : 0;
});

EM_JS(void, crm_js_request_notification_permission, (), {
    if (window.crmPopups && window.crmPopups.requestPermission) window.crmPopups.requestPermission();
});

// clang-format on

namespace {
crm::web::WebPlatform* g_platform = nullptr;
}

extern "C" {

/// Called from JavaScript with the result of a sync.
EMSCRIPTEN_KEEPALIVE void crm_web_on_fs_synced(int code, const char* message) {
    if (g_platform) g_platform->OnSynced(code, message ? message : "");
}

/// Called from JavaScript with the stored preferences.
EMSCRIPTEN_KEEPALIVE void crm_web_set_preferences(const char* json) {
    if (g_platform && json) g_platform->SetPreferences(json);
}

/// Called from web/page_store.js when a write of pages ended: `seq` the newest commit it held;
/// code 0 stored, 1 failed (`message`), 2 quota exceeded; `unsaved_bytes` the pages a failure left
/// waiting in memory.
EMSCRIPTEN_KEEPALIVE void crm_web_on_pages_stored(double seq, int code, const char* message,
                                                  double unsaved_bytes) {
    if (g_platform) {
        g_platform->OnPagesStored(static_cast<uint64_t>(seq), code, message ? message : "",
                                  static_cast<uint64_t>(unsaved_bytes));
    }
}

/// The browser's answer to navigator.storage.persist().
EMSCRIPTEN_KEEPALIVE void crm_web_on_persist_answer(int granted) {
    if (g_platform) g_platform->OnPersistAnswer(granted != 0);
}

/// Called from JavaScript when the page is hidden.
EMSCRIPTEN_KEEPALIVE void crm_web_request_sync() {
    if (g_platform && g_platform->persistence_enabled()) g_platform->RequestPersist();
}

}  // extern "C"

namespace crm::web {

WebPlatform::WebPlatform() : pages_(crm_js_pages_mode() != 0) {
    g_platform = this;
    crm_js_load_prefs();
    UpdateDpiScale();
}

void WebPlatform::EnablePersistence() {
    persist_ = true;
    crm_js_ask_persist();
    if (pages_) {
        saved_seq_ = PageStoreLastSeq();  // the commit the store was read at
        EnablePageStore();
    } else {
        crm_js_install_lifecycle();
    }
}

void WebPlatform::SetMemoryOnly(const std::string& reason) {
    persist_ = false;
    status_.state = ui::SaveState::MemoryOnly;
    status_.reason = reason;
}

void WebPlatform::RequestPersist() {
    // The page VFS hands each commit's pages over by itself; the state follows the sequence numbers.
    if (!persist_ || pages_) return;
    status_.state = ui::SaveState::Saving;
    crm_js_sync();
}

ui::PersistStatus WebPlatform::persist_status() const {
    ui::PersistStatus status = status_;
    if (pages_ && persist_ && !failed_) {
        status = {};
        if (PageStoreLastSeq() > saved_seq_) status.state = ui::SaveState::Saving;
    }
    if (pages_ && persist_ && failed_) {
        // What the failure leaves unsaved: every commit since the last stored one (later commits
        // join it until a write succeeds).
        status.unsaved_commits = PageStoreLastSeq() > saved_seq_ ? PageStoreLastSeq() - saved_seq_ : 0;
        status.unsaved_kb = (unsaved_bytes_ + 1023) / 1024;
    }
    if (persist_) status.note_id = note_id_;
    return status;
}

void WebPlatform::OnStoreReloaded() {
    saved_seq_ = PageStoreLastSeq();
    failed_ = false;
    unsaved_bytes_ = 0;
    status_ = {};
}

void WebPlatform::OnPersistAnswer(bool granted) {
    note_id_ = granted ? "save.persistent.granted" : "save.persistent.denied";
    std::printf("[console] persistent storage %s\n", granted ? "granted" : "not granted");
}

void WebPlatform::OnPagesStored(uint64_t seq, int code, const std::string& message, uint64_t unsaved_bytes) {
    if (!persist_) return;
    if (code == 0) {
        saved_seq_ = std::max(saved_seq_, seq);
        failed_ = false;
        unsaved_bytes_ = 0;
        status_ = {};
        return;
    }
    failed_ = true;
    unsaved_bytes_ = unsaved_bytes;
    status_.state = ui::SaveState::Failed;
    // Nothing of the failed write was stored; its changes stay in memory and are written with the
    // next commit.
    status_.reason = code == 2 ? std::string(ui::TrIn(ui::Language::English, "reason.quota"))
                               : ui::TrFormatIn(ui::Language::English, "reason.sync_failed", {message});
    if (code == 3) saved_seq_ = PageStoreLastSeq();  // lost to another tab: the store was re-read
}

void WebPlatform::OnSynced(int code, const std::string& message) {
    if (!persist_) return;
    if (code == 0) {
        status_ = {};
        return;
    }
    std::fprintf(stderr, "[console] saving to IndexedDB failed: %s\n", message.c_str());
    status_.state = ui::SaveState::Failed;
    // Quota: the change stays in memory; the next commit tries again.
    status_.reason = code == 2 ? std::string(ui::TrIn(ui::Language::English, "reason.quota"))
                               : ui::TrFormatIn(ui::Language::English, "reason.sync_failed", {message});
}

void WebPlatform::ReportStorageError(const std::string& reason) {
    if (status_.state == ui::SaveState::MemoryOnly) return;
    status_.state = ui::SaveState::Failed;
    status_.reason = ui::TrFormatIn(ui::Language::English, "reason.write_failed", {reason});
}

void WebPlatform::PublishUiState(const std::string& json) { crm_js_publish(json.c_str()); }

int WebPlatform::TextLogRequest() const { return crm_js_text_log_request(); }

void WebPlatform::SetPreferences(const std::string& json) {
    nlohmann::json prefs = nlohmann::json::parse(json, nullptr, false);
    if (!prefs.is_object()) return;
    for (auto it = prefs.begin(); it != prefs.end(); ++it) {
        if (it->is_string()) prefs_[it.key()] = it->get<std::string>();
    }
}

std::string WebPlatform::LoadPreference(const std::string& key) const {
    auto it = prefs_.find(key);
    return it == prefs_.end() ? std::string() : it->second;
}

void WebPlatform::SavePreference(const std::string& key, const std::string& value) {
    auto it = prefs_.find(key);
    if (it != prefs_.end() && it->second == value) return;
    prefs_[key] = value;
    crm_js_save_pref(key.c_str(), value.c_str());
}

bool WebPlatform::UiFontsArrived() {
    return crm_js_fetch_files("crm_font.ttf|crm_symbols.ttf", "/assets/crm_font.ttf|/assets/crm_symbols.ttf") == 2;
}

std::string WebPlatform::FullFontPath() {
    static const char* kPath = "/assets/crm_font_full.ttc";
    const int state = crm_js_fetch_files("crm_font_full.ttc", kPath);
    if (state == 2) return kPath;
    if (state == 3) return "/assets/crm_font_full.ttc.unavailable";  // unreadable: its glyphs stay boxes
    return {};
}

std::string WebPlatform::SystemNotificationPermission() const {
    switch (crm_js_notification_permission()) {
        case 1:
            return "granted";
        case 2:
            return "denied";
        case 3:
            return "default";
        default:
            return "unsupported";
    }
}

void WebPlatform::RequestSystemNotificationPermission() { crm_js_request_notification_permission(); }

void WebPlatform::UpdateDpiScale() {
    const double dpr = crm_js_device_pixel_ratio();
    dpr_ = dpr >= 0.5 && dpr <= 8.0 ? static_cast<float>(dpr) : 1.0f;
}

}  // namespace crm::web
