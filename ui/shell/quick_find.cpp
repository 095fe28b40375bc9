#include "ui/shell/quick_find.h"

#include <algorithm>

#include "imgui.h"
#include "imgui_internal.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {
constexpr size_t kMaxResults = 8;
}

std::optional<SettingEntry> QuickFind::Draw(const PageContext& ctx, Workspace& workspace, float width) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    if (focus_request_) {
        ImGui::SetKeyboardFocusHere();
        focus_request_ = false;
    }
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(34.0f * s, ImGui::GetStyle().FramePadding.y));
    ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, ImGui::GetFrameHeight() * 0.5f);
    ImGui::SetNextItemWidth(width);
    const bool enter = InputString("##topbar.quickfind", &query_,
                                   ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_AutoSelectAll,
                                   Tr("topbar.quickfind_hint"));
    ImGui::PopStyleVar(2);
    const bool active = ImGui::IsItemActive();
    const ImVec2 box_min = ImGui::GetItemRectMin();
    const ImVec2 box_max = ImGui::GetItemRectMax();
    MarkItem("topbar.quickfind");
    const float box_h = box_max.y - box_min.y;
    ImDrawList* box_draw = ImGui::GetWindowDrawList();
    DrawIcon(box_draw, Icon::Search, ImVec2(box_min.x + 18.0f * s, box_min.y + box_h * 0.5f), 15.0f * s,
             ToU32(active ? p.accent : p.text_muted));
    // The shortcut as a key cap at the right end of the empty box, when it fits.
    const char* shortcut = "Ctrl K";
    const ImVec2 cap = ImGui::CalcTextSize(shortcut);
    const float cap_w = cap.x + 12.0f * s;
    const float hint_w = ImGui::CalcTextSize(Tr("topbar.quickfind_hint")).x;
    if (query_.empty() && !active && width > 34.0f * s + hint_w + cap_w + 24.0f * s) {
        const ImVec2 cap_min(box_max.x - cap_w - 10.0f * s, box_min.y + (box_h - cap.y - 4.0f * s) * 0.5f);
        const ImVec2 cap_max(cap_min.x + cap_w, cap_min.y + cap.y + 4.0f * s);
        box_draw->AddRect(cap_min, cap_max, ToU32(p.border), 4.0f * s);
        box_draw->AddText(ImVec2(cap_min.x + 6.0f * s, cap_min.y + 2.0f * s), ToU32(p.text_muted), shortcut);
    }

    // The names are read again when the workspace, the acting user or the language changed, and only
    // while something is typed.
    const std::string named_key =
        std::to_string(workspace.change_count()) + "|" + ActingUser() + "|" + LanguageCode(CurrentLanguage());
    if (!query_.empty() && named_key != named_key_) {
        named_ = NamedEntriesFor(workspace, ActingUser());
        named_key_ = named_key;
        results_for_.clear();
    }
    if (query_ != results_for_) {
        results_ = FindSettings(query_, kMaxResults, named_);
        results_for_ = query_;
        selected_ = 0;
    }
    const int count = static_cast<int>(results_.size());
    if (active && count > 0) {
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow)))
            selected_ = std::min(selected_ + 1, count - 1);
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow))) selected_ = std::max(selected_ - 1, 0);
    }
    selected_ = std::clamp(selected_, 0, std::max(0, count - 1));

    std::optional<SettingEntry> chosen;
    if (enter && count > 0) chosen = results_[static_cast<size_t>(selected_)];

    // The list stays while the box is active, or while the mouse is on it (a click in progress).
    open_ = !chosen && !query_.empty() && (active || list_hovered_);
    list_hovered_ = false;
    if (open_) {
        const float list_w = std::max(width, 380.0f * s);
        ImGui::SetNextWindowPos(ImVec2(box_min.x, box_max.y + 6.0f * s));
        ImGui::SetNextWindowSize(ImVec2(list_w, 0.0f));
        ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(6.0f * s, 6.0f * s));
        ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 1.0f);
        ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 10.0f * s);
        ImGui::PushStyleColor(ImGuiCol_WindowBg, p.surface);
        const ImGuiWindowFlags flags =
            ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
            ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_AlwaysAutoResize;
        ImGui::Begin("##quickfind.results", nullptr, flags);
        ImGui::BringWindowToDisplayFront(ImGui::GetCurrentWindow());
        MarkRect("quickfind.list", ImGui::GetWindowPos(), ImGui::GetWindowSize());
        if (results_.empty()) {
            ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
            ImGui::Indent(8.0f * s);
            TextMuted(TrFormat("quickfind.none", {query_}));
            ImGui::Unindent(8.0f * s);
            ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
        }
        const float row_h = ImGui::GetTextLineHeight() + 14.0f * s;
        for (int i = 0; i < count; ++i) {
            const SettingEntry& entry = results_[static_cast<size_t>(i)];
            ImGui::PushID(i);
            const ImVec2 row_min = ImGui::GetCursorScreenPos();
            const float row_w = ImGui::GetContentRegionAvail().x;
            if (ImGui::InvisibleButton("##result", ImVec2(row_w, row_h))) chosen = entry;
            if (ImGui::IsItemHovered() && ImGui::GetIO().MouseDelta.x + ImGui::GetIO().MouseDelta.y != 0.0f) {
                selected_ = i;
            }
            MarkItem("quickfind.result." + std::to_string(i));
            ImDrawList* draw = ImGui::GetWindowDrawList();
            const bool is_selected = i == selected_;
            if (is_selected) {
                draw->AddRectFilled(row_min, ImVec2(row_min.x + row_w, row_min.y + row_h),
                                    ToU32(p.accent_soft), 6.0f * s);
            }
            const float text_y = row_min.y + (row_h - ImGui::GetTextLineHeight()) * 0.5f;
            const ImU32 text_col = ToU32(is_selected ? p.accent : p.text);
            // Where it lives, on the right; the label gets what is left (a long name ends in "...").
            const std::string where = !entry.where.empty() ? entry.where
                                      : entry.is_page()    ? std::string(Tr("quickfind.page"))
                                                           : std::string(Tr("nav." + entry.page));
            const float where_w = ImGui::CalcTextSize(where.c_str()).x;
            const std::string shown = Ellipsize(entry.Shown(), row_w - where_w - 40.0f * s);
            draw->AddText(ImVec2(row_min.x + 10.0f * s, text_y), text_col, shown.c_str());
            draw->AddText(ImVec2(row_min.x + row_w - where_w - 10.0f * s, text_y), ToU32(p.text_muted),
                          where.c_str());
            ImGui::PopID();
        }
        if (count > 0) {
            ImGui::Dummy(ImVec2(0.0f, 2.0f * s));
            ImGui::PushFont(ctx.small_font);
            ImGui::Indent(10.0f * s);
            TextMuted(Tr("quickfind.keys"), false);
            ImGui::Unindent(10.0f * s);
            ImGui::PopFont();
        }
        list_hovered_ = ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem);
        ImGui::End();
        ImGui::PopStyleColor();
        ImGui::PopStyleVar(3);
    }
    if (chosen) {
        query_.clear();
        results_for_.clear();
        results_.clear();
        open_ = false;
        ImGui::SetWindowFocus(nullptr);
    }
    return chosen;
}

nlohmann::json QuickFind::State() const {
    nlohmann::json ids = nlohmann::json::array(), texts = nlohmann::json::array();
    for (const SettingEntry& entry : results_) {
        ids.push_back(entry.id);
        texts.push_back(entry.Shown());
    }
    return {{"open", open_}, {"query", query_}, {"results", ids}, {"texts", texts}, {"selected", selected_}};
}

}  // namespace crm::ui
