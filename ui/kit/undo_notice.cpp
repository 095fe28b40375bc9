#include "ui/kit/undo_notice.h"

#include <algorithm>
#include <cmath>

#include "imgui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

UndoNotice* g_active = nullptr;
double g_now = 0.0;

}  // namespace

void UndoNotice::Offer(std::function<std::string()> what, UndoAction undo, double now) {
    what_ = std::move(what);
    undo_ = std::move(undo);
    state_ = State::Offered;
    refusal_ = Error{};
    until_ = now + kUndoSeconds;
    ++offers_;
}

bool UndoNotice::Undo(const std::string& actor, double now) {
    if (state(now) != State::Offered || !undo_) return false;
    UndoAction undo = std::move(undo_);
    undo_ = nullptr;
    ++undos_;
    Status st = undo(actor);
    state_ = st.ok() ? State::Undone : State::Refused;
    if (!st.ok()) refusal_ = st.error();
    until_ = now + kUndoAnswerSeconds;
    return true;
}

void UndoNotice::Dismiss() {
    state_ = State::None;
    what_ = nullptr;
    undo_ = nullptr;
}

UndoNotice::State UndoNotice::state(double now) const { return now < until_ ? state_ : State::None; }

int UndoNotice::SecondsLeft(double now) const {
    return state(now) == State::None ? 0 : static_cast<int>(std::ceil(until_ - now));
}

float UndoNotice::FractionLeft(double now) const {
    if (state(now) == State::None) return 0.0f;
    const double total = state_ == State::Offered ? kUndoSeconds : kUndoAnswerSeconds;
    return static_cast<float>(std::clamp((until_ - now) / total, 0.0, 1.0));
}

std::string UndoNotice::Text() const {
    const std::string what = what_ ? what_() : std::string();
    switch (state_) {
        case State::Offered:
            return what;
        case State::Undone:
            return Tr("undo.undone", {{"what", what}});
        case State::Refused:
            return Tr("undo.refused", {{"what", what}, {"reason", ErrorText(refusal_)}});
        case State::None:
            break;
    }
    return {};
}

nlohmann::json UndoNotice::Publish(double now) const {
    static const char* const kStates[] = {"", "offered", "undone", "refused"};
    const State st = state(now);
    return {{"state", kStates[static_cast<int>(st)]},
            {"text", st == State::None ? std::string() : Text()},
            {"seconds", SecondsLeft(now)},
            {"offers", offers_},
            {"undos", undos_}};
}

void UndoNotice::Draw(float scale, double now, const std::string& actor) {
    const State st = state(now);
    if (st == State::None) return;
    const float s = scale;
    const Palette& p = CurrentPalette();
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    const float w = std::min(560.0f * s, viewport->Size.x - 40.0f * s);
    ImGui::SetNextWindowPos(
        ImVec2(viewport->Pos.x + viewport->Size.x * 0.5f, viewport->Pos.y + viewport->Size.y - 20.0f * s),
        ImGuiCond_Always, ImVec2(0.5f, 1.0f));
    ImGui::SetNextWindowSizeConstraints(ImVec2(w, 0.0f), ImVec2(w, viewport->Size.y * 0.5f));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(16.0f * s, 10.0f * s));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 10.0f * s);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 1.0f);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, p.surface);
    ImGui::PushStyleColor(ImGuiCol_Border, st == State::Refused ? p.danger : p.accent);
    ImGui::Begin("##undo_notice", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav |
                     ImGuiWindowFlags_AlwaysAutoResize);
    const std::string text = Text();
    const std::string button = Label("undo.button");
    const float button_w = st == State::Offered ? ImGui::CalcTextSize(Tr("undo.button")).x +
                                                      2.0f * ImGui::GetStyle().FramePadding.x
                                                : 0.0f;
    const std::string seconds = Tr("undo.seconds", {{"count", std::to_string(SecondsLeft(now))}});
    const float seconds_w = ImGui::CalcTextSize(seconds.c_str()).x;
    const float text_w = w - 32.0f * s - button_w - seconds_w - 24.0f * s;
    const ImVec4 color = st == State::Refused ? p.danger : st == State::Undone ? p.success : p.text;
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + text_w);
    ImGui::AlignTextToFramePadding();
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    const float right = ImGui::GetWindowContentRegionMax().x;
    ImGui::SameLine(right - button_w - seconds_w - (button_w > 0.0f ? 12.0f * s : 0.0f));
    ImGui::AlignTextToFramePadding();
    TextMuted(seconds, false);
    PublishForm("undo.seconds", SecondsLeft(now));
    if (st == State::Offered) {
        ImGui::SameLine(right - button_w);
        if (PrimaryButton(button.c_str())) Undo(actor, now);
        MarkItem("undo.button");
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", Tr("undo.shortcut"));
    }
    // The time left, as a bar along the bottom edge that shrinks.
    const ImVec2 pos = ImGui::GetWindowPos();
    const ImVec2 size = ImGui::GetWindowSize();
    const float inset = 10.0f * s;
    ImGui::GetWindowDrawList()->AddRectFilled(
        ImVec2(pos.x + inset, pos.y + size.y - 3.0f * s),
        ImVec2(pos.x + inset + (size.x - 2.0f * inset) * FractionLeft(now), pos.y + size.y - 1.0f * s),
        ToU32(st == State::Refused ? p.danger : p.accent), 1.0f * s);
    MarkRect("undo.notice", pos, size);
    ImGui::End();
    ImGui::PopStyleColor(2);
    ImGui::PopStyleVar(3);
}

void SetActiveUndoNotice(UndoNotice* notice, double now) {
    g_active = notice;
    g_now = now;
}

void OfferUndo(std::function<std::string()> what, UndoAction undo) {
    if (g_active) g_active->Offer(std::move(what), std::move(undo), g_now);
}

}  // namespace crm::ui
