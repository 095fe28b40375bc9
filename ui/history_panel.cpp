#include "ui/history_panel.h"

#include <algorithm>

#include "common/clock.h"
#include "imgui.h"
#include "ui/error_text.h"
#include "ui/i18n.h"
#include "ui/schema_ui.h"
#include "ui/test_hooks.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace crm::ui {

void HistoryPanel::Draw(const PageContext& ctx, const ObjectDef& object, int64_t selected) {
    const float s = ctx.scale;
    if (object_ != object.api_name) {
        object_ = object.api_name;
        record_id_ = 0;
        error_.clear();
    }
    if (selected != last_selected_) {
        last_selected_ = selected;
        if (selected > 0) record_id_ = static_cast<int>(selected);
    }
    const float avail = ImGui::GetContentRegionAvail().x;
    const float left_w = std::clamp(avail * 0.4f, 280.0f * s, 460.0f * s);

    // Which fields are tracked.
    ImGui::BeginChild("history.fields", ImVec2(left_w, 0.0f), true);
    SectionHeading(ctx, "history.fields");
    ImGui::PushFont(ctx.small_font);
    TextMuted(Tr("history.fields.desc"));
    ImGui::PopFont();
    nlohmann::json tracked = nlohmann::json::array();
    for (const FieldDef& f : object.fields) {
        if (f.state != FieldState::Active || !f.has_column() || f.type == FieldType::AutoNumber) continue;
        bool on = f.track_history;
        if (on) tracked.push_back(f.api_name);
        if (ImGui::Checkbox((f.label + "##track." + f.api_name).c_str(), &on)) {
            FieldDef changed = f;
            changed.track_history = on;
            Result<FieldDef> r = workspace_.schema().UpdateField(ActingUser(), changed);
            error_ = r.ok() ? std::string() : ErrorText(r.error());
        }
        MarkItem("history.track." + f.api_name);
    }
    if (!error_.empty()) ErrorLine("history.track", error_);
    ImGui::EndChild();
    PublishForm("history.tracked", std::move(tracked));

    // The changes of one record.
    ImGui::SameLine(0.0f, 16.0f * s);
    ImGui::BeginChild("history.record", ImVec2(0.0f, 0.0f), true);
    SectionHeading(ctx, "history.record");
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr("history.record_id"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(140.0f * s);
    ImGui::InputInt("##history.record_id", &record_id_, 1, 10);
    MarkItem("history.record_id");
    record_id_ = std::max(0, record_id_);
    if (record_id_ == 0) {
        TextMuted(Tr("history.pick_record"));
    } else {
        Result<std::vector<FieldHistoryEntry>> entries =
            workspace_.records().History(ActingUser(), object.api_name, record_id_);
        if (!entries.ok()) {
            ErrorLine("history.record", ErrorText(entries.error()));
        } else if (entries->empty()) {
            TextMuted(Tr("history.none"));
        } else if (ImGui::BeginTable("history.table", 5,
                                     ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                         ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp)) {
            ImGui::TableSetupScrollFreeze(0, 1);
            ImGui::TableSetupColumn(Tr("audit.col.time"), 0, 1.3f);
            ImGui::TableSetupColumn(Tr("audit.col.user"), 0, 0.7f);
            ImGui::TableSetupColumn(Tr("history.col.field"), 0, 1.0f);
            ImGui::TableSetupColumn(Tr("audit.detail.old"), 0, 1.0f);
            ImGui::TableSetupColumn(Tr("audit.detail.new"), 0, 1.0f);
            ImGui::TableHeadersRow();
            for (const FieldHistoryEntry& e : *entries) {
                ImGui::TableNextRow();
                ImGui::TableSetColumnIndex(0);
                std::string at = FormatUtcIso8601(e.at_ms);
                if (at.size() >= 19) at = at.substr(0, 10) + " " + at.substr(11, 8);
                ImGui::TextUnformatted(at.c_str());
                ImGui::TableSetColumnIndex(1);
                ImGui::TextUnformatted(e.actor.c_str());
                ImGui::TableSetColumnIndex(2);
                const FieldDef* f = object.Field(e.field);
                ImGui::TextUnformatted(f ? f->label.c_str() : e.field.c_str());
                ImGui::TableSetColumnIndex(3);
                TextMuted(e.old_value.is_null() ? Tr("audit.empty_value") : e.old_value.dump(), false);
                ImGui::TableSetColumnIndex(4);
                ImGui::TextUnformatted(e.new_value.is_null() ? Tr("audit.empty_value")
                                                             : e.new_value.dump().c_str());
            }
            ImGui::EndTable();
        }
    }
    ImGui::EndChild();
    PublishForm("history.record_id", record_id_);
}

}  // namespace crm::ui
