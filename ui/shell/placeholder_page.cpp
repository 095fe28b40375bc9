#include "ui/shell/placeholder_page.h"

#include <algorithm>
#include <string>

#include "imgui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

void PlaceholderPage::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const float pad = 28.0f * s;
    ImGui::BeginChild("placeholder.body", ImVec2(0.0f, 0.0f), false);
    ImGui::SetCursorPos(ImVec2(pad, 8.0f * s));
    ImGui::BeginGroup();
    const float card_w = std::min(ImGui::GetContentRegionAvail().x - pad, 760.0f * s);
    BeginCard(card_w);

    // A large icon in a soft accent circle, then the badge.
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const float icon_box = 56.0f * s;
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const ImVec2 center(pos.x + icon_box * 0.5f, pos.y + icon_box * 0.5f);
    draw->AddCircleFilled(center, icon_box * 0.5f, ToU32(p.accent_soft), 32);
    DrawIcon(draw, icon_, center, icon_box * 0.5f, ToU32(p.accent));
    ImGui::Dummy(ImVec2(icon_box, icon_box));
    ImGui::SameLine(0.0f, 16.0f * s);
    ImGui::BeginGroup();
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
    {
        // The "Not built yet" badge.
        const char* badge = Tr("placeholder.badge");
        const ImVec2 text = ImGui::CalcTextSize(badge);
        const ImVec2 bpos = ImGui::GetCursorScreenPos();
        const ImVec2 bsize(text.x + 20.0f * s, text.y + 8.0f * s);
        draw->AddRectFilled(bpos, ImVec2(bpos.x + bsize.x, bpos.y + bsize.y), ToU32(p.warning_soft),
                            bsize.y * 0.5f);
        draw->AddText(ImVec2(bpos.x + 10.0f * s, bpos.y + 4.0f * s), ToU32(p.warning_text), badge);
        ImGui::Dummy(bsize);
        MarkItem("placeholder.badge");
    }
    ImGui::Dummy(ImVec2(0.0f, 2.0f * s));
    ImGui::TextUnformatted(Tr("placeholder.intro"));
    ImGui::EndGroup();
    ImGui::Dummy(ImVec2(0.0f, 10.0f * s));

    const std::string& slug = slug_;
    const float line = ImGui::GetTextLineHeight();
    for (int i = 1;; ++i) {
        const std::string id = "placeholder." + slug + "." + std::to_string(i);
        if (!HasText(id)) break;
        const ImVec2 at = ImGui::GetCursorScreenPos();
        draw->AddCircleFilled(ImVec2(at.x + line * 0.5f, at.y + line * 0.5f), line * 0.45f,
                              ToU32(p.accent_soft), 20);
        DrawIcon(draw, Icon::Check, ImVec2(at.x + line * 0.5f, at.y + line * 0.5f), line * 0.55f,
                 ToU32(p.accent));
        ImGui::SetCursorScreenPos(ImVec2(at.x + line + 10.0f * s, at.y));
        ImGui::TextUnformatted(Tr(id));
        ImGui::Dummy(ImVec2(0.0f, 2.0f * s));
    }
    ImGui::Dummy(ImVec2(0.0f, 10.0f * s));
    const ImVec2 rule = ImGui::GetCursorScreenPos();
    draw->AddLine(rule, ImVec2(rule.x + card_w - 40.0f * s, rule.y), ToU32(p.border), 1.0f);
    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    TextMuted(Tr("placeholder.meanwhile"));
    ImGui::Dummy(ImVec2(0.0f, 2.0f * s));
    if (SecondaryButton(Label("placeholder.open_audit").c_str()) && ctx.navigate) ctx.navigate("audit");
    MarkItem("placeholder.open_audit");
    EndCard();
    ImGui::EndGroup();
    ImGui::EndChild();
}

}  // namespace crm::ui
