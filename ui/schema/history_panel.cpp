#include "ui/schema/history_panel.h"

#include <algorithm>
#include <string>
#include <vector>

#include "common/clock.h"
#include "imgui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/time_text.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

/// One history entry as the table shows it.
struct HistoryRow {
    std::string at, actor, field, field_api, old_value, new_value;
};

std::string ValueText(const nlohmann::json& value) {
    return value.is_null() ? std::string(Tr("audit.empty_value")) : value.dump();
}

}  // namespace

void HistoryPanel::Draw(const PageContext& ctx, const ObjectDef& object, int64_t selected) {
    const float s = ctx.scale;
    if (object_ != object.api_name) {
        object_ = object.api_name;
        record_id_ = 0;
        error_.clear();
        filter_.clear();
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
        if (ImGui::Checkbox((ShownLabel(f) + "##track." + f.api_name).c_str(), &on)) {
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
        } else {
            TableFilter("history.filter", Tr("history.filter_hint"), &filter_, 260.0f * s);
            std::vector<HistoryRow> rows;
            const std::string needle = LowerAscii(filter_);
            const CompanyZone zone = ReadCompanyZone(workspace_);  // times in the company's zone
            for (const FieldHistoryEntry& e : *entries) {
                std::string at = FormatZoneTime(zone, e.at_ms);
                const FieldDef* f = object.Field(e.field);
                HistoryRow row{at,
                               e.actor,
                               f ? ShownLabel(*f) : e.field,
                               e.field,
                               ValueText(e.old_value),
                               ValueText(e.new_value)};
                if (MatchesFilter(needle, {row.field, row.field_api, row.actor}))
                    rows.push_back(std::move(row));
            }
            // Unsorted until a header is clicked (tristate): the entries keep the core's order.
            if (ImGui::BeginTable("history.table", 5,
                                  ImGuiTableFlags_Sortable | ImGuiTableFlags_SortTristate |
                                      ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                      ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp |
                                      ImGuiTableFlags_Resizable)) {
                ImGui::TableSetupScrollFreeze(0, 1);
                ImGui::TableSetupColumn(Tr("audit.col.time"), 0, 1.3f);
                ImGui::TableSetupColumn(Tr("audit.col.user"), 0, 0.7f);
                ImGui::TableSetupColumn(Tr("history.col.field"), 0, 1.0f);
                ImGui::TableSetupColumn(Tr("audit.detail.old"), 0, 1.0f);
                ImGui::TableSetupColumn(Tr("audit.detail.new"), 0, 1.0f);
                TakeSortSpecs(&sort_column_, &sort_desc_);
                TableHeadersRowMarked("history", {"time", "user", "field", "old", "new"});
                if (sort_column_ >= 0 && sort_column_ < 5) {
                    const int column = sort_column_;
                    SortRowsBy(&rows, sort_desc_, [column](const HistoryRow& r) {
                        switch (column) {
                            case 0:
                                return r.at;
                            case 1:
                                return LowerAscii(r.actor);
                            case 2:
                                return LowerAscii(r.field);
                            case 3:
                                return LowerAscii(r.old_value);
                            default:
                                return LowerAscii(r.new_value);
                        }
                    });
                }
                for (const HistoryRow& r : rows) {
                    ImGui::TableNextRow();
                    ImGui::TableSetColumnIndex(0);
                    CellText(r.at);
                    ImGui::TableSetColumnIndex(1);
                    CellText(r.actor);
                    ImGui::TableSetColumnIndex(2);
                    CellText(r.field);
                    ImGui::TableSetColumnIndex(3);
                    CellText(r.old_value, true);
                    ImGui::TableSetColumnIndex(4);
                    CellText(r.new_value);
                }
                ImGui::EndTable();
            }
        }
    }
    ImGui::EndChild();
    PublishForm("history.record_id", record_id_);
}

}  // namespace crm::ui
