#include "ui/schema/schema_ui.h"

#include <algorithm>
#include <cctype>

#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

std::string FieldTypeLabel(FieldType type) { return Tr(std::string("ftype.") + FieldTypeName(type)); }

std::string DeriveApiName(std::string_view label) {
    std::string out;
    for (char ch : label) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c < 0x80 && std::isalnum(c)) {
            out += ch;
        } else if (!out.empty() && out.back() != '_') {
            out += '_';
        }
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    if (!out.empty() && std::isdigit(static_cast<unsigned char>(out[0]))) out.insert(0, "F_");
    return out;
}

void AddError(FormErrors* errors, const Error& error) {
    std::string key = error.field;
    if (key == "min" || key == "max") key = key == "min" ? "min_value" : "max_value";
    (*errors)[key] = ErrorText(error);
}

bool BeginDialog(const char* id, const std::string& title, float width, bool* open, const PageContext& ctx) {
    const float s = ctx.scale;
    if (*open) {
        ImGui::OpenPopup(id);
        *open = false;
    }
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    const float w = std::min(width * s, viewport->Size.x - 40.0f * s);
    ImGui::SetNextWindowPos(viewport->GetCenter(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSizeConstraints(ImVec2(w, 0.0f), ImVec2(w, viewport->Size.y - 60.0f * s));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(24.0f * s, 20.0f * s));
    ImGui::PushStyleColor(ImGuiCol_PopupBg, CurrentPalette().surface);
    const bool showing =
        ImGui::BeginPopupModal(id, nullptr,
                               ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoMove |
                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize);
    ImGui::PopStyleColor();
    ImGui::PopStyleVar();
    if (!showing) return false;
    MarkRect(id, ImGui::GetWindowPos(), ImGui::GetWindowSize());
    ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(title.c_str());
    ImGui::PopFont();
    ImGui::Dummy(ImVec2(w - 48.0f * s, 6.0f * s));
    return true;
}

void EndDialog() { ImGui::EndPopup(); }

void ErrorLine(const std::string& hook, const std::string& message) {
    const Palette& p = CurrentPalette();
    const float icon = ImGui::GetTextLineHeight();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    DrawIcon(ImGui::GetWindowDrawList(), Icon::Warning, ImVec2(at.x + icon * 0.5f, at.y + icon * 0.5f),
             icon * 0.85f, ToU32(p.danger));
    ImGui::SetCursorScreenPos(ImVec2(at.x + icon + 4.0f * CurrentScale(), at.y));
    ImGui::BeginGroup();
    TextColored(p.danger, message);
    ImGui::EndGroup();
    MarkItem(hook + ".error");
    PublishError(hook, message);
}

void FormRow(const char* label_id, const std::string& hook, float width, const FormErrors& errors,
             const std::string& key, const std::function<void()>& widget) {
    const float s = CurrentScale();
    const float label_w = 170.0f * s;
    const ImVec2 origin = ImGui::GetCursorPos();
    const float avail = ImGui::GetContentRegionAvail().x;
    ImGui::SetCursorPos(ImVec2(origin.x, origin.y + ImGui::GetStyle().FramePadding.y));
    ImGui::PushTextWrapPos(origin.x + label_w - 10.0f * s);
    ImGui::TextUnformatted(Tr(label_id));
    ImGui::PopTextWrapPos();
    float bottom = ImGui::GetCursorPosY();
    ImGui::SetCursorPos(ImVec2(origin.x + label_w, origin.y));
    ImGui::BeginGroup();
    ImGui::SetNextItemWidth(width);
    widget();
    ImGui::EndGroup();
    bottom = std::max(bottom, ImGui::GetCursorPosY());
    const float used = ImGui::GetItemRectSize().x;
    auto it = errors.find(key);
    if (it != errors.end()) {
        const float right = label_w + used + 12.0f * s;
        const bool beside = avail - right > 200.0f * s;
        ImGui::SetCursorPos(beside ? ImVec2(origin.x + right, origin.y + ImGui::GetStyle().FramePadding.y)
                                   : ImVec2(origin.x + label_w, bottom));
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + (beside ? avail - right : avail - label_w) -
                               ImGui::GetTextLineHeight());
        ErrorLine(hook, it->second);
        ImGui::PopTextWrapPos();
        bottom = std::max(bottom, ImGui::GetCursorPosY());
    }
    ImGui::SetCursorPos(ImVec2(origin.x, bottom + 2.0f * s));
}

void MarkRow(const std::string& id) {
    const ImVec2 min = ImGui::GetItemRectMin();
    ImVec2 max = ImGui::GetItemRectMax();
    max.x = std::min(max.x, ImGui::GetWindowDrawList()->GetClipRectMax().x);
    if (!ImGui::IsItemVisible()) {
        MarkItem(id);
        return;
    }
    MarkClickable(id, min, ImVec2(max.x - min.x, max.y - min.y));
}

void SectionHeading(const PageContext& ctx, const char* text_id) {
    ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(Tr(text_id));
    ImGui::PopFont();
}

int ButtonRow(const std::vector<std::pair<std::string, std::string>>& buttons, int primary, int danger,
              const std::vector<bool>& enabled) {
    const float s = CurrentScale();
    const float gap = 8.0f * s;
    const float h = ImGui::GetFrameHeight() + 4.0f * s;
    float total = 0.0f;
    for (const auto& [text_id, hook] : buttons) total += ImGui::CalcTextSize(Tr(text_id)).x + 32.0f * s + gap;
    ImGui::SetCursorPosX(
        std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - total + gap));
    int clicked = -1;
    for (size_t i = 0; i < buttons.size(); ++i) {
        const auto& [text_id, hook] = buttons[i];
        if (i > 0) ImGui::SameLine(0.0f, gap);
        const ImVec2 size(ImGui::CalcTextSize(Tr(text_id)).x + 32.0f * s, h);
        const bool on = enabled.size() <= i || enabled[i];
        const std::string label = std::string(Tr(text_id)) + "###" + hook;
        bool pressed;
        if (static_cast<int>(i) == primary) {
            pressed = PrimaryButton(label.c_str(), on, size);
        } else {
            if (static_cast<int>(i) == danger) ImGui::PushStyleColor(ImGuiCol_Text, CurrentPalette().danger);
            pressed = SecondaryButton(label.c_str(), on, size);
            if (static_cast<int>(i) == danger) ImGui::PopStyleColor();
        }
        MarkItem(hook);
        if (pressed) clicked = static_cast<int>(i);
    }
    return clicked;
}

}  // namespace crm::ui
