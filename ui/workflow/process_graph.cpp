#include "ui/workflow/process_graph.h"

#include <algorithm>
#include <cmath>

#include "imgui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui::setup {

namespace {

/// An arrowhead at `tip`, pointing along `from` -> `tip`.
void ArrowHead(ImDrawList* draw, ImVec2 from, ImVec2 tip, float size, ImU32 color) {
    float dx = tip.x - from.x, dy = tip.y - from.y;
    const float len = std::sqrt(dx * dx + dy * dy);
    if (len < 0.001f) return;
    dx /= len;
    dy /= len;
    const ImVec2 base(tip.x - dx * size, tip.y - dy * size);
    const ImVec2 left(base.x - dy * size * 0.55f, base.y + dx * size * 0.55f);
    const ImVec2 right(base.x + dy * size * 0.55f, base.y - dx * size * 0.55f);
    draw->AddTriangleFilled(tip, left, right, color);
}

}  // namespace

int DrawStageGraph(const PageContext& ctx, const Process& process, const std::vector<std::string>& labels,
                   int selected, float width, const std::string& hook) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const int n = static_cast<int>(process.stages.size());
    if (n == 0) {
        TextMuted(Tr("wfp.graph.empty"), false);
        return -1;
    }
    // Stages stacked top to bottom in their order: the next stage straight below, a forward jump an arc
    // on the right, a step back an arc on the left (the longer the jump, the wider the arc).
    const float box_w = std::clamp(width * 0.42f, 160.0f * s, 240.0f * s), box_h = 44.0f * s;
    const float gap_y = 22.0f * s;
    const float side = std::max(40.0f * s, (width - box_w) * 0.5f - 12.0f * s);  // room for arcs each side
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float height = n * box_h + (n - 1) * gap_y + 16.0f * s;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(origin, ImVec2(origin.x + width, origin.y + height), ToU32(p.background), 6.0f * s);

    std::vector<ImVec2> pos(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        pos[static_cast<size_t>(i)] =
            ImVec2(origin.x + (width - box_w) * 0.5f, origin.y + 8.0f * s + i * (box_h + gap_y));
    }

    // Arrows first, boxes over them.
    for (int i = 0; i < n; ++i) {
        const ProcessStage& stage = process.stages[static_cast<size_t>(i)];
        const ImVec2 from = pos[static_cast<size_t>(i)];
        for (const std::string& next : stage.next) {
            int j = -1;
            for (int k = 0; k < n; ++k) {
                if (process.stages[static_cast<size_t>(k)].value == next) j = k;
            }
            if (j < 0 || j == i) continue;
            const ImVec2 to = pos[static_cast<size_t>(j)];
            const bool emphasised = i == selected;
            const ImU32 color = ToU32(emphasised ? p.accent : p.text_muted, emphasised ? 1.0f : 0.8f);
            const float thick = (emphasised ? 2.2f : 1.3f) * s;
            if (j == i + 1) {
                const ImVec2 a(from.x + box_w * 0.5f, from.y + box_h);
                const ImVec2 tip(to.x + box_w * 0.5f, to.y - 1.0f * s);
                draw->AddLine(a, ImVec2(tip.x, tip.y - 6.0f * s), color, thick);
                ArrowHead(draw, a, tip, 8.0f * s, color);
                continue;
            }
            const bool forward = j > i;
            const float dir = forward ? 1.0f : -1.0f;
            const float edge_from = forward ? from.x + box_w : from.x;
            const float edge_to = forward ? to.x + box_w : to.x;
            // Leave a little below (forward) or above (back) the middle so the two directions do not meet.
            const float shift = (forward ? 6.0f : -6.0f) * s;
            const ImVec2 a(edge_from, from.y + box_h * 0.5f + shift);
            const ImVec2 tip(edge_to + dir * 1.0f * s, to.y + box_h * 0.5f - shift);
            const float reach = std::min(side, (18.0f + 16.0f * static_cast<float>(std::abs(j - i) - 1)) * s);
            const ImVec2 c1(a.x + dir * reach, a.y);
            const ImVec2 c2(tip.x + dir * reach, tip.y);
            draw->AddBezierCubic(a, c1, c2, ImVec2(tip.x + dir * 6.0f * s, tip.y), color, thick);
            ArrowHead(draw, c2, tip, 8.0f * s, color);
        }
    }

    int clicked = -1;
    const ImVec2 cursor = ImGui::GetCursorPos();
    for (int i = 0; i < n; ++i) {
        const ProcessStage& stage = process.stages[static_cast<size_t>(i)];
        const ImVec2 min = pos[static_cast<size_t>(i)];
        const ImVec2 max(min.x + box_w, min.y + box_h);
        ImGui::SetCursorScreenPos(min);
        ImGui::PushID(i);
        if (ImGui::InvisibleButton("stage", ImVec2(box_w, box_h))) clicked = i;
        const bool hovered = ImGui::IsItemHovered();
        ImGui::PopID();
        MarkClickable(hook + ".stage." + stage.value, min, ImVec2(box_w, box_h));
        const bool is_selected = i == selected;
        draw->AddRectFilled(min, max,
                            ToU32(is_selected ? p.accent_soft
                                  : hovered   ? p.surface_hover
                                              : p.surface),
                            6.0f * s);
        draw->AddRect(min, max, ToU32(is_selected ? p.accent : p.border), 6.0f * s, 0,
                      (is_selected ? 2.0f : 1.0f) * s);
        const std::string label = Ellipsize(labels[static_cast<size_t>(i)], box_w - 14.0f * s);
        draw->AddText(ImVec2(min.x + 7.0f * s, min.y + 6.0f * s), ToU32(p.text), label.c_str());
        std::string detail = std::to_string(i + 1);
        if (stage.probability) detail += "  ·  " + std::to_string(*stage.probability) + "%";
        if (stage.next.empty()) detail += "  ·  " + std::string(Tr("wfp.graph.any"));
        if (!stage.required_fields.empty()) {
            detail +=
                "  ·  " + Tr("wfp.graph.required", {{"count", std::to_string(stage.required_fields.size())}});
        }
        ImGui::PushFont(ctx.small_font);
        draw->AddText(ImVec2(min.x + 7.0f * s, max.y - ImGui::GetFontSize() - 6.0f * s), ToU32(p.text_muted),
                      Ellipsize(detail, box_w - 14.0f * s).c_str());
        ImGui::PopFont();
    }
    ImGui::SetCursorPos(cursor);
    ImGui::Dummy(ImVec2(width, height));
    MarkItem(hook);
    return clicked;
}

}  // namespace crm::ui::setup
