// Test hooks: the console publishes where its widgets are and what its forms hold, so browser
// and desktop tests can click by coordinates and check state without reading pixels.
//
// After drawing a widget, a page calls MarkItem("company.name"): the item's rectangle is
// recorded in CSS pixels (web) / window coordinates (desktop) as [x, y, w, h]. Once per frame
// the console builds one JSON snapshot and hands it to Platform::PublishUiState() when it changed
// (and at least every quarter second, so "frame" advances). The snapshot:
//   {"frame": N, "ready": bool, "lang": "en"|"zh-CN", "theme": "light"|"dark",
//    "page": "company"|"audit"|"users"|..., "save": "saved"|"saving"|"failed"|"memory",
//    "save_reason": "<the platform's reason, English>", "save_text": "<as shown>",
//    "save_unsaved": N, "save_unsaved_kb": N, "save_unsaved_text": "<failed: what waits in memory>",
//    "banner": "<banner as shown, or empty>", "banner_kind": "damaged"|...|"",
//    "modal": ""|"unsaved_changes", "dirty": bool, "audit_total": N,
//    "items": {"<id>": [x, y, w, h], ...}, "form": {"<id>": value}, "errors": {"<id>": "<message>"},
//    "clipped": [{"text": whole, "shown": cut, "rect": [x, y, w, h]}, ...] (table cells cut to fit, the
//    first 50 visible), "disabled": ["<id>", ...] (items marked while drawn disabled),
//    "quickfind": {...}, "audit": {...}, "highlight": "<setting quick find jumped to>", ...}
// "items" lists the items drawn and visible in the frame; items drawn but scrolled out of view
// are under "offscreen" (same shape; scroll, e.g. with the mouse wheel over the form, or jump
// there with quick find, before clicking them).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "imgui.h"

namespace crm::ui {

class Platform;

/// Collects one frame's items, form values and errors, and publishes the snapshot.
class TestHooks {
public:
    /// Starts a frame; rectangles are divided by `coordinate_scale` (ImGui units per CSS pixel).
    void BeginFrame(float coordinate_scale);
    /// Records the last ImGui item under `id` ("offscreen" when scrolled out of view).
    void MarkItem(std::string_view id);
    /// Records a rectangle in ImGui screen coordinates under `id` (regions: banner, panels).
    void MarkRect(std::string_view id, ImVec2 min, ImVec2 size);
    /// Records a widget's rectangle: under "items" when its centre is in the current window's
    /// visible area, else under "offscreen".
    void MarkClickable(std::string_view id, ImVec2 min, ImVec2 size);
    /// Records `id` as drawn disabled this frame (BeginDisabled, a PermissionGuard): the snapshot's
    /// "disabled", so a test can tell a control is off.
    void AddDisabled(std::string_view id);
    /// Records the current value of a form field.
    void SetForm(std::string_view id, nlohmann::json value);
    /// Records the message shown beside a field.
    void SetError(std::string_view id, std::string message);
    /// Records the last item as a table cell whose `text` is shown cut (as `shown`), when visible.
    void AddClippedCell(std::string_view text, std::string_view shown);
    /// Top-level keys of the snapshot (ready, lang, page, ...), set by the console.
    nlohmann::json& state() { return state_; }
    /// Builds the snapshot and publishes it when it changed or 30 frames have passed.
    void EndFrame(Platform& platform, uint64_t frame);

private:
    void MarkOffscreen(std::string_view id, ImVec2 min, ImVec2 size);

    float scale_ = 1.0f;
    nlohmann::json state_ = nlohmann::json::object();
    nlohmann::json items_ = nlohmann::json::object();
    nlohmann::json offscreen_ = nlohmann::json::object();
    nlohmann::json form_ = nlohmann::json::object();
    nlohmann::json errors_ = nlohmann::json::object();
    nlohmann::json clipped_ = nlohmann::json::array();
    nlohmann::json disabled_ = nlohmann::json::array();
    std::string last_published_;
    double last_time_ = 0.0;  ///< ImGui::GetTime() of the last publication
    bool published_once_ = false;
};

/// Makes `hooks` the target of the free functions below (the console sets it around Draw()).
void SetActiveTestHooks(TestHooks* hooks);
/// The free-function forms used by pages and widgets; no-ops without active hooks.
void MarkItem(std::string_view id);
void MarkRect(std::string_view id, ImVec2 min, ImVec2 size);
void MarkClickable(std::string_view id, ImVec2 min, ImVec2 size);
void PublishForm(std::string_view id, nlohmann::json value);
void PublishError(std::string_view id, std::string message);
void PublishClippedCell(std::string_view text, std::string_view shown);

}  // namespace crm::ui
