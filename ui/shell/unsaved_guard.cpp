#include "ui/shell/unsaved_guard.h"

#include <algorithm>
#include <utility>

#include "imgui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

void UnsavedGuard::Leave(Editable* edits, std::function<void()> proceed) {
    if (edits_ || open_request_ || showing_) return;
    if (!edits || !edits->dirty()) {
        proceed();
        return;
    }
    edits_ = edits;
    proceed_ = std::move(proceed);
    open_request_ = true;
}

std::string UnsavedGuard::summary() const { return showing_ && edits_ ? edits_->UnsavedSummary() : ""; }

void UnsavedGuard::Finish() {
    edits_ = nullptr;
    proceed_ = nullptr;
    ImGui::CloseCurrentPopup();
    showing_ = false;
}

void UnsavedGuard::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    if (open_request_) {
        ImGui::OpenPopup("###unsaved_changes");
        open_request_ = false;
    }
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->GetCenter(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::min(480.0f * s, viewport->Size.x - 40.0f * s), 0.0f));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(24.0f * s, 22.0f * s));
    ImGui::PushStyleColor(ImGuiCol_PopupBg, p.surface);
    showing_ = false;
    if (ImGui::BeginPopupModal((std::string(Tr("unsaved.title")) + "###unsaved_changes").c_str(), nullptr,
                               ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoMove |
                                   ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings)) {
        showing_ = true;
        if (!edits_) {  // nothing to ask about any more
            Finish();
            ImGui::EndPopup();
            ImGui::PopStyleColor();
            ImGui::PopStyleVar();
            return;
        }
        MarkRect("unsaved", ImGui::GetWindowPos(), ImGui::GetWindowSize());
        ImGui::PushFont(ctx.heading_font);
        ImGui::TextUnformatted(Tr("unsaved.title"));
        ImGui::PopFont();
        ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(TrFormat("unsaved.body", {edits_->UnsavedSummary()}).c_str());
        ImGui::PopTextWrapPos();
        const bool can_save = edits_->CanSave();
        if (!can_save) {
            ImGui::Dummy(ImVec2(0.0f, 2.0f * s));
            TextColored(p.danger, Tr("unsaved.invalid"));
        }
        ImGui::Dummy(ImVec2(0.0f, 14.0f * s));

        auto width_of = [&](const char* id) { return ImGui::CalcTextSize(Tr(id)).x + 32.0f * s; };
        const float save_w = width_of("unsaved.save");
        const float discard_w = width_of("unsaved.discard");
        const float stay_w = width_of("unsaved.stay");
        const float gap = 8.0f * s;
        const float h = ImGui::GetFrameHeight() + 4.0f * s;
        ImGui::SetCursorPosX(ImGui::GetWindowContentRegionMax().x - save_w - discard_w - stay_w - 2.0f * gap);
        // The answer runs after the buttons are drawn, so their rectangles are published this frame.
        enum class Answer { None, Stay, Discard, Save } answer = Answer::None;
        if (SecondaryButton(Label("unsaved.stay").c_str(), true, ImVec2(stay_w, h)) ||
            ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
            answer = Answer::Stay;
        }
        MarkItem("unsaved.stay");
        ImGui::SameLine(0.0f, gap);
        ImGui::PushStyleColor(ImGuiCol_Text, p.danger);
        if (SecondaryButton(Label("unsaved.discard").c_str(), true, ImVec2(discard_w, h)))
            answer = Answer::Discard;
        ImGui::PopStyleColor();
        MarkItem("unsaved.discard");
        ImGui::SameLine(0.0f, gap);
        if (PrimaryButton(Label("unsaved.save").c_str(), can_save, ImVec2(save_w, h))) answer = Answer::Save;
        MarkItem("unsaved.save");

        if (answer != Answer::None) {
            Editable* edits = edits_;
            std::function<void()> proceed = std::move(proceed_);
            Finish();
            bool go = false;
            if (answer == Answer::Discard) {
                edits->Discard();
                go = true;
            } else if (answer == Answer::Save) {
                go = edits->Save();  // refused: the page stays, showing why
            }
            if (go && proceed) proceed();
        }
        ImGui::EndPopup();
    }
    ImGui::PopStyleColor();
    ImGui::PopStyleVar();
}

}  // namespace crm::ui
