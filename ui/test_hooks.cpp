#include "ui/test_hooks.h"

#include <cmath>

#include "ui/platform.h"

namespace crm::ui {

namespace {

TestHooks* g_active = nullptr;
constexpr uint64_t kRepublishFrames = 30;

double Round1(float v) { return std::round(static_cast<double>(v) * 10.0) / 10.0; }

}  // namespace

void TestHooks::BeginFrame(float coordinate_scale) {
    scale_ = coordinate_scale > 0.0f ? coordinate_scale : 1.0f;
    state_ = nlohmann::json::object();
    items_ = nlohmann::json::object();
    offscreen_ = nlohmann::json::object();
    form_ = nlohmann::json::object();
    errors_ = nlohmann::json::object();
}

void TestHooks::MarkItem(std::string_view id) {
    if (!ImGui::IsItemVisible()) {
        // Drawn but scrolled out of view: listed apart, so a test knows to scroll first.
        const ImVec2 min = ImGui::GetItemRectMin();
        const ImVec2 size = ImGui::GetItemRectSize();
        offscreen_[std::string(id)] = {Round1(min.x / scale_), Round1(min.y / scale_),
                                       Round1(size.x / scale_), Round1(size.y / scale_)};
        return;
    }
    MarkRect(id, ImGui::GetItemRectMin(), ImGui::GetItemRectSize());
}

void TestHooks::MarkRect(std::string_view id, ImVec2 min, ImVec2 size) {
    items_[std::string(id)] = {Round1(min.x / scale_), Round1(min.y / scale_), Round1(size.x / scale_),
                               Round1(size.y / scale_)};
}

void TestHooks::SetForm(std::string_view id, nlohmann::json value) {
    form_[std::string(id)] = std::move(value);
}

void TestHooks::SetError(std::string_view id, std::string message) {
    errors_[std::string(id)] = std::move(message);
}

void TestHooks::EndFrame(Platform& platform, uint64_t frame) {
    nlohmann::json snapshot = state_;
    snapshot["items"] = std::move(items_);
    snapshot["offscreen"] = std::move(offscreen_);
    snapshot["form"] = std::move(form_);
    snapshot["errors"] = std::move(errors_);
    // Replace invalid UTF-8 (a half-pasted character) instead of throwing.
    std::string body = snapshot.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (published_once_ && body == last_published_ && frame - last_frame_ < kRepublishFrames) return;
    last_published_ = std::move(body);
    last_frame_ = frame;
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

void PublishForm(std::string_view id, nlohmann::json value) {
    if (g_active) g_active->SetForm(id, std::move(value));
}

void PublishError(std::string_view id, std::string message) {
    if (g_active) g_active->SetError(id, std::move(message));
}

}  // namespace crm::ui
