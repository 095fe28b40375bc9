#include "ui/schema/lookup_picker.h"

#include <algorithm>
#include <cstdlib>

#include "imgui.h"
#include "imgui_internal.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/schema/record_form.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {
constexpr int kOffered = 8;
}

std::string LookupPicker::NameOf(Workspace& workspace, const ObjectDef& target, const std::string& id) const {
    if (id.empty()) return {};
    const int64_t number = std::atoll(id.c_str());
    if (number <= 0 || std::to_string(number) != id) return id;  // not an id: shown as typed
    Result<nlohmann::json> record = workspace.records().Get(ActingUser(), target.api_name, number);
    if (record.ok() && record->contains(target.name_field) && !(*record)[target.name_field].is_null())
        return RecordValueText((*record)[target.name_field]);
    return "#" + id;
}

void LookupPicker::Search(Workspace& workspace, const ObjectDef& target) {
    results_.clear();
    error_.clear();
    ListQuery q;
    q.columns = {target.name_field};
    // Until something is typed over the current name, the first records by name.
    if (!query_.empty() && query_ != shown_) q.filters.push_back({target.name_field, "contains", query_});
    q.sort_field = target.name_field;
    q.limit = kOffered;
    Result<ListPage> page = workspace.records().List(ActingUser(), target.api_name, q);
    if (!page.ok()) {
        error_ = ErrorText(page.error());
        return;
    }
    for (const nlohmann::json& row : page->rows) {
        const int64_t id = row.value("Id", int64_t{0});
        const std::string name = row.contains(target.name_field) && !row[target.name_field].is_null()
                                     ? RecordValueText(row[target.name_field])
                                     : "#" + std::to_string(id);
        results_.emplace_back(id, name);
    }
}

bool LookupPicker::Draw(const PageContext& ctx, Workspace& workspace, const FieldDef& field,
                        std::string* value, float width, const std::string& hook) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    Result<std::shared_ptr<const ObjectDef>> found = workspace.schema().Object(field.lookup_object);
    if (!found.ok()) {  // the related object is gone: the id stays editable as text
        ImGui::SetNextItemWidth(width);
        const bool edited = InputString("##v", value);
        MarkItem(hook);
        return edited;
    }
    const std::shared_ptr<const ObjectDef> target = found.value();
    const std::string change = std::to_string(workspace.change_count()) + "|" + ActingUser();
    if (shown_key_ != *value + "|" + change) {
        shown_ = NameOf(workspace, *target, *value);
        shown_key_ = *value + "|" + change;
    }
    if (!editing_) query_ = shown_;

    ImGui::SetNextItemWidth(width);
    InputString("##v", &query_, ImGuiInputTextFlags_AutoSelectAll, Tr("record.lookup_hint"));
    const bool active = ImGui::IsItemActive();
    const ImVec2 box_min = ImGui::GetItemRectMin();
    const ImVec2 box_max = ImGui::GetItemRectMax();
    MarkItem(hook);
    PublishForm(hook + ".shown", shown_);
    if (active) editing_ = true;
    if (editing_ && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        editing_ = false;
        ImGui::ClearActiveID();
        return false;
    }
    if (editing_ && results_key_ != query_ + "|" + change) {
        Search(workspace, *target);
        results_key_ = query_ + "|" + change;
    }

    bool changed = false;
    bool chosen = false;
    const bool open = editing_ && (active || list_hovered_);
    list_hovered_ = false;
    if (open) {
        ImGui::SetNextWindowPos(ImVec2(box_min.x, box_max.y + 4.0f * s));
        ImGui::SetNextWindowSize(ImVec2(std::max(box_max.x - box_min.x, 260.0f * s), 0.0f));
        ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(6.0f * s, 6.0f * s));
        ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 1.0f);
        ImGui::PushStyleColor(ImGuiCol_WindowBg, p.surface);
        const ImGuiWindowFlags flags =
            ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
            ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_AlwaysAutoResize;
        ImGui::Begin(("##lookup." + hook).c_str(), nullptr, flags);
        ImGui::BringWindowToDisplayFront(ImGui::GetCurrentWindow());
        if (!error_.empty()) {
            ImGui::PushTextWrapPos(0.0f);
            TextColored(p.danger, error_);
            ImGui::PopTextWrapPos();
        } else if (results_.empty()) {
            TextMuted(TrFormat("record.lookup_none", {query_}), false);
        }
        if (ImGui::Selectable(Tr("record.none"))) {
            changed = !value->empty();
            value->clear();
            chosen = true;
        }
        MarkItem(hook + ".option.none");
        for (const auto& [id, name] : results_) {
            const std::string option = std::to_string(id);
            if (ImGui::Selectable((name + "##" + option).c_str(), option == *value)) {
                changed = option != *value;
                *value = option;
                chosen = true;
            }
            MarkItem(hook + ".option." + option);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ("#" + option).c_str());
        }
        list_hovered_ = ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem);
        ImGui::End();
        ImGui::PopStyleColor();
        ImGui::PopStyleVar(2);
    }
    if (chosen) {
        editing_ = false;
        ImGui::SetWindowFocus(nullptr);
    } else if (editing_ && !active && !list_hovered_) {
        // Left without picking: an emptied box clears the lookup; other text goes back to the name.
        if (query_.empty() && !value->empty()) {
            value->clear();
            changed = true;
        }
        editing_ = false;
    }
    return changed;
}

}  // namespace crm::ui
