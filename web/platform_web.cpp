#include "web/platform_web.h"

#include <emscripten.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "ui/kit/i18n.h"

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

EM_JS(double, crm_js_device_pixel_ratio, (), { return window.devicePixelRatio || 1; });

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

/// Called from JavaScript when the page is hidden.
EMSCRIPTEN_KEEPALIVE void crm_web_request_sync() {
    if (g_platform && g_platform->persistence_enabled()) g_platform->RequestPersist();
}

}  // extern "C"

namespace crm::web {

WebPlatform::WebPlatform() {
    g_platform = this;
    crm_js_load_prefs();
    UpdateDpiScale();
}

void WebPlatform::EnablePersistence() {
    persist_ = true;
    crm_js_install_lifecycle();
}

void WebPlatform::SetMemoryOnly(const std::string& reason) {
    persist_ = false;
    status_.state = ui::SaveState::MemoryOnly;
    status_.reason = reason;
}

void WebPlatform::RequestPersist() {
    if (!persist_) return;
    status_.state = ui::SaveState::Saving;
    crm_js_sync();
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

void WebPlatform::UpdateDpiScale() {
    const double dpr = crm_js_device_pixel_ratio();
    dpr_ = dpr >= 0.5 && dpr <= 8.0 ? static_cast<float>(dpr) : 1.0f;
}

}  // namespace crm::web
