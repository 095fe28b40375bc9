#include "ui/shell/test_hooks.h"

#include <cmath>

#include "imgui_internal.h"
#include "ui/shell/platform.h"

namespace crm::ui {

namespace {

TestHooks* g_active = nullptr;
/// An unchanged snapshot is published again after this many seconds, so "frame" advances for a test
/// waiting for frames (it was every 30 frames: idle, at two frames a second, 15 s, and a page whose
/// snapshot never changed kept `e2e`'s waitReady waiting that long).
constexpr double kRepublishSeconds = 0.25;

double Round1(float v) { return std::round(static_cast<double>(v) * 10.0) / 10.0; }

}  // namespace

void TestHooks::BeginFrame(float coordinate_scale) {
    scale_ = coordinate_scale > 0.0f ? coordinate_scale : 1.0f;
    state_ = nlohmann::json::object();
    items_ = nlohmann::json::object();
    offscreen_ = nlohmann::json::object();
    form_ = nlohmann::json::object();
    errors_ = nlohmann::json::object();
    clipped_ = nlohmann::json::array();
    disabled_ = nlohmann::json::array();
}

void TestHooks::MarkItem(std::string_view id) {
    if (GImGui->LastItemData.InFlags & ImGuiItemFlags_Disabled) AddDisabled(id);
    if (!ImGui::IsItemVisible()) {
        MarkOffscreen(id, ImGui::GetItemRectMin(), ImGui::GetItemRectSize());
        return;
    }
    MarkClickable(id, ImGui::GetItemRectMin(), ImGui::GetItemRectSize());
}

void TestHooks::MarkClickable(std::string_view id, ImVec2 min, ImVec2 size) {
    // Clickable means its centre is inside the window's visible area: a half-scrolled-out field
    // counts as offscreen. (The window's, not the current table column's: a table row spanning
    // every column has its centre in another column.)
    const ImVec2 centre(min.x + size.x * 0.5f, min.y + size.y * 0.5f);
    const ImRect& clip = ImGui::GetCurrentWindowRead()->InnerClipRect;
    const ImVec2 clip_min = clip.Min;
    const ImVec2 clip_max = clip.Max;
    if (centre.x < clip_min.x || centre.x > clip_max.x || centre.y < clip_min.y || centre.y > clip_max.y) {
        MarkOffscreen(id, min, size);
        return;
    }
    MarkRect(id, min, size);
}

void TestHooks::MarkOffscreen(std::string_view id, ImVec2 min, ImVec2 size) {
    offscreen_[std::string(id)] = {Round1(min.x / scale_), Round1(min.y / scale_), Round1(size.x / scale_),
                                   Round1(size.y / scale_)};
}

void TestHooks::MarkRect(std::string_view id, ImVec2 min, ImVec2 size) {
    items_[std::string(id)] = {Round1(min.x / scale_), Round1(min.y / scale_), Round1(size.x / scale_),
                               Round1(size.y / scale_)};
}

void TestHooks::AddDisabled(std::string_view id) { disabled_.push_back(std::string(id)); }

void TestHooks::SetForm(std::string_view id, nlohmann::json value) {
    form_[std::string(id)] = std::move(value);
}

void TestHooks::SetError(std::string_view id, std::string message) {
    errors_[std::string(id)] = std::move(message);
}

void TestHooks::AddClippedCell(std::string_view text, std::string_view shown) {
    if (clipped_.size() >= 50 || !ImGui::IsItemVisible()) return;
    const ImVec2 min = ImGui::GetItemRectMin();
    const ImVec2 size = ImGui::GetItemRectSize();
    clipped_.push_back({{"text", std::string(text)},
                        {"shown", std::string(shown)},
                        {"rect",
                         {Round1(min.x / scale_), Round1(min.y / scale_), Round1(size.x / scale_),
                          Round1(size.y / scale_)}}});
}

void TestHooks::EndFrame(Platform& platform, uint64_t frame) {
    nlohmann::json snapshot = state_;
    snapshot["items"] = std::move(items_);
    snapshot["offscreen"] = std::move(offscreen_);
    snapshot["form"] = std::move(form_);
    snapshot["errors"] = std::move(errors_);
    snapshot["clipped"] = std::move(clipped_);
    snapshot["disabled"] = std::move(disabled_);
    // Replace invalid UTF-8 (a half-pasted character) instead of throwing.
    std::string body = snapshot.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const double now = ImGui::GetTime();
    if (published_once_ && body == last_published_ && now - last_time_ < kRepublishSeconds) return;
    last_published_ = std::move(body);
    last_time_ = now;
    published_once_ = true;
    snapshot["frame"] = frame;
    platform.PublishUiState(snapshot.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void SetActiveTestHooks(TestHooks* hooks) { g_active = hooks; }

void MarkItem(std::string_view id) {
    if (g_active) g_active->MarkItem(id);
}

void MarkRect(std::string_view id, ImVec2 min, ImVec2 size) {
    if (g_active) g_active->MarkRect(id, min, size);
}

void MarkClickable(std::string_view id, ImVec2 min, ImVec2 size) {
    if (!g_active) return;
    if (GImGui->CurrentItemFlags & ImGuiItemFlags_Disabled) g_active->AddDisabled(id);
    g_active->MarkClickable(id, min, size);
}

void PublishForm(std::string_view id, nlohmann::json value) {
    if (g_active) g_active->SetForm(id, std::move(value));
}

void PublishError(std::string_view id, std::string message) {
    if (g_active) g_active->SetError(id, std::move(message));
}

void PublishClippedCell(std::string_view text, std::string_view shown) {
    if (g_active) g_active->AddClippedCell(text, shown);
}

}  // namespace crm::ui
