#include "ui/access/access_checker.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <system_error>

#include "imgui.h"
#include "ui/access/access_ui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

void AccessChecker::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    AccessService& access = workspace_.access();
    const std::vector<User> all_users = access.Users();
    std::vector<std::string> users;
    for (const User& u : all_users) users.push_back(u.username);
    std::vector<std::string> objects;
    for (const auto& o : workspace_.schema().Objects()) objects.push_back(o->api_name);
    if (user_.empty() && !users.empty()) user_ = users.front();
    if (object_.empty() && !objects.empty()) object_ = objects.front();

    BeginCard(ImGui::GetContentRegionAvail().x - 28.0f * s);
    auto label = [&](const char* id) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(Tr(id));
        ImGui::SameLine();
    };
    label("checker.user");
    ImGui::SetNextItemWidth(260.0f * s);
    {
        // Many users: a combo with a filter box.
        std::vector<std::string> labels;
        int selected = -1;
        for (const User& u : all_users) {
            labels.push_back(u.full_name.empty() ? u.username : u.full_name + "  (" + u.username + ")");
            if (u.username == user_) selected = static_cast<int>(labels.size()) - 1;
        }
        FilterComboItems items;
        items.count = static_cast<int>(users.size());
        items.label = [&](int i) { return labels[static_cast<size_t>(i)]; };
        items.key = [&](int i) { return users[static_cast<size_t>(i)]; };
        items.matches = [&](int i, const std::string& f) {
            return LowerAscii(labels[static_cast<size_t>(i)]).find(f) != std::string::npos;
        };
        if (FilterCombo("##checker.user", selected >= 0 ? labels[static_cast<size_t>(selected)] : user_,
                        items, &selected, &user_filter_, "checker.user", 300.0f * s) &&
            selected >= 0)
            user_ = users[static_cast<size_t>(selected)];
    }
    ImGui::SameLine(0.0f, 20.0f * s);
    label("checker.object");
    ImGui::SetNextItemWidth(200.0f * s);
    NameCombo("checker.object", objects, &object_);
    ImGui::SameLine(0.0f, 20.0f * s);
    label("checker.record");
    ImGui::SetNextItemWidth(120.0f * s);
    InputString("##checker.record", &record_text_, ImGuiInputTextFlags_CharsDecimal,
                Tr("checker.record_hint"));
    MarkItem("checker.record");
    EndCard();
    ImGui::Dummy(ImVec2(0.0f, 8.0f * s));

    // The record id: empty asks about the object; else a whole number from 1 naming a record that exists
    // (a negative, out-of-range or unknown id had been answered "Allowed (full)").
    int64_t record = 0;
    std::string record_error;
    if (!record_text_.empty()) {
        const char* first = record_text_.data();
        const char* last = first + record_text_.size();
        const std::from_chars_result parsed = std::from_chars(first, last, record);
        if (parsed.ec != std::errc() || parsed.ptr != last || record <= 0) {
            record_error = Tr("checker.record_invalid");
        } else if (!object_.empty()) {
            Result<nlohmann::json> row = workspace_.records().Get(ActingUser(), object_, record);
            if (!row.ok() && row.error().code == "records.not_found") record_error = ErrorText(row.error());
        }
    }
    if (!record_error.empty()) ErrorLine("checker.record", record_error);
    const bool zh = CurrentLanguage() == Language::ChineseSimplified;
    nlohmann::json results = nlohmann::json::object();
    const char* const actions[] = {"read", "create", "edit", "delete"};
    for (const char* action_name : actions) {
        if (!record_error.empty()) break;
        const std::optional<ObjectAction> action = ParseObjectAction(action_name);
        if (!action) continue;
        const AccessExplanation e = access.Explain(user_, *action, object_, record);
        nlohmann::json reasons = nlohmann::json::array();
        BeginCard(ImGui::GetContentRegionAvail().x - 28.0f * s);
        const std::string hook = std::string("checker.result.") + action_name;
        ImGui::PushFont(ctx.heading_font);
        ImGui::TextUnformatted(Tr(std::string("checker.action.") + action_name));
        ImGui::PopFont();
        ImGui::SameLine(160.0f * s);
        const std::string verdict =
            e.decision.allowed
                ? TrFormat("checker.allowed",
                           {Tr(std::string("checker.level.") + AccessLevelName(e.decision.level))})
                : std::string(Tr("checker.denied"));
        StatusPill(e.decision.allowed ? p.success : p.danger, verdict, 260.0f * s);
        MarkItem(hook);
        for (const Reason& r : e.reasons) {
            TextMuted("• " + (zh ? r.zh : r.en));
            reasons.push_back(zh ? r.zh : r.en);
        }
        EndCard();
        ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
        results[action_name] = {{"allowed", e.decision.allowed},
                                {"level", AccessLevelName(e.decision.level)},
                                {"reasons", reasons},
                                {"reason_ids", [&] {
                                     nlohmann::json ids = nlohmann::json::array();
                                     for (const Reason& r : e.reasons) ids.push_back(r.id);
                                     return ids;
                                 }()}};
    }
    nlohmann::json fields = DrawFieldAccess(ctx);
    state_ = {{"user", user_},      {"object", object_}, {"record", record}, {"record_error", record_error},
              {"results", results}, {"fields", fields}};
}

nlohmann::json AccessChecker::DrawFieldAccess(const PageContext& ctx) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    nlohmann::json published = nlohmann::json::object();
    Result<EffectivePermissions> effective = workspace_.access().Effective(user_);
    Result<std::shared_ptr<const ObjectDef>> object = workspace_.schema().Object(object_);
    if (!effective.ok() || !object.ok()) return published;
    const auto granted = effective->fields.find((*object)->api_name);
    struct Row {
        const FieldDef* field;
        int access;  // 2 edit, 1 read only, 0 hidden
    };
    std::vector<Row> rows;
    int counts[3] = {0, 0, 0};
    const std::string needle = LowerAscii(field_filter_);
    for (const FieldDef& f : (*object)->fields) {
        if (f.state != FieldState::Active) continue;
        uint8_t bits = 0;
        if (granted != effective->fields.end()) {
            if (auto it = granted->second.find(f.api_name); it != granted->second.end()) bits = it->second;
        }
        const int access = (bits & kFieldEdit) && !f.is_read_only() ? 2 : (bits & kFieldRead) ? 1 : 0;
        ++counts[access];
        published[f.api_name] = access == 2 ? "edit" : access == 1 ? "read" : "none";
        if (!needle.empty() && LowerAscii(f.label).find(needle) == std::string::npos &&
            LowerAscii(f.api_name).find(needle) == std::string::npos)
            continue;
        rows.push_back({&f, access});
    }

    BeginCard(ImGui::GetContentRegionAvail().x - 28.0f * s);
    ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(Tr("checker.fields"));
    ImGui::PopFont();
    TextMuted(TrFormat("checker.fields.summary",
                       {std::to_string(counts[2]), std::to_string(counts[1]), std::to_string(counts[0])}));
    ImGui::SetNextItemWidth(260.0f * s);
    InputString("##checker.fields.filter", &field_filter_, 0, Tr("checker.fields.filter"));
    MarkItem("checker.fields.filter");
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_SizingStretchProp;
    if (ImGui::BeginTable("checker.fields.table", 3, flags)) {
        ImGui::TableSetupColumn(Label("checker.fields.col.label").c_str(), 0, 1.4f);
        ImGui::TableSetupColumn(Label("checker.fields.col.api_name").c_str(), 0, 1.4f);
        ImGui::TableSetupColumn(Label("checker.fields.col.access").c_str(), 0, 1.0f);
        ImGui::TableHeadersRow();
        TakeSortSpecs(&field_sort_column_, &field_sort_desc_);
        if (field_sort_column_ >= 0) {
            auto key = [&](const Row& r) {
                return field_sort_column_ == 0   ? LowerAscii(r.field->label)
                       : field_sort_column_ == 1 ? LowerAscii(r.field->api_name)
                                                 : std::to_string(r.access);
            };
            std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
                return field_sort_desc_ ? key(b) < key(a) : key(a) < key(b);
            });
        }
        static const char* const kAccess[] = {"checker.fields.none", "checker.fields.read",
                                              "checker.fields.edit"};
        for (const Row& r : rows) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            CellText(ShownLabel(*r.field));
            MarkItem("checker.fields.row." + r.field->api_name);
            ImGui::TableSetColumnIndex(1);
            CellText(r.field->api_name, true);
            ImGui::TableSetColumnIndex(2);
            const ImVec4 dot = r.access == 2 ? p.success : r.access == 1 ? p.warning : p.danger;
            StatusPill(dot, Tr(kAccess[r.access]), 200.0f * s);
        }
        ImGui::EndTable();
    }
    EndCard();
    return published;
}

}  // namespace crm::ui
