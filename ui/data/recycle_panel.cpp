// The recycle bin tab: the entries the acting user may restore, filtered by object, by who deleted them,
// by when and by text, sorted by any column; restore (no question: it only puts records back) and purge
// (asks first, it cannot be undone). Delete purges the selection, Ctrl+A selects every shown entry.
#include <algorithm>
#include <map>
#include <set>

#include "common/clock.h"
#include "imgui.h"
#include "ui/data/data_ui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/time_text.h"
#include "ui/kit/note.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/busy.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "workspace.h"

namespace crm::ui {

namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
const char* const kWhen[] = {"any", "today", "week", "month"};
const int64_t kWhenMs[] = {0, kDayMs, 7 * kDayMs, 30 * kDayMs};

struct Entry {
    int64_t id = 0;
    std::string object;
    int64_t record_id = 0;
    std::string name;
    std::string deleted_by;
    int64_t deleted_at = 0;
    int related = 0;
};

class RecyclePanel : public DataPanel {
public:
    explicit RecyclePanel(const DataServices& services) : workspace_(services.workspace) {}
    void Draw(const PageContext& ctx) override;
    nlohmann::json State() const override;

private:
    void Reload(bool force);
    std::vector<const Entry*> Shown() const;
    void Restore(std::vector<int64_t> ids);
    void Purge(std::vector<int64_t> ids);

    Workspace& workspace_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_viewer_;
    std::vector<Entry> entries_;
    int purge_days_ = 30;
    int days_edit_ = 0;  ///< the purge days being edited (0: not touched)
    std::string load_error_;
    std::string object_;  ///< "" = every object
    std::string who_;     ///< "" = anyone
    int when_ = 0;
    std::string text_;
    int sort_column_ = 4;
    bool sort_desc_ = true;
    std::set<int64_t> selected_;
    bool confirm_open_ = false;
    std::vector<int64_t> confirm_ids_;
    Note message_;
    bool message_error_ = false;
};

void RecyclePanel::Reload(bool force) {
    if (!force && loaded_change_ == workspace_.change_count() && loaded_viewer_ == ActingUser()) return;
    loaded_change_ = workspace_.change_count();
    loaded_viewer_ = ActingUser();
    const nlohmann::json answer = RunCommand(workspace_, "recycle.list", {{"limit", 1000}});
    entries_.clear();
    if (!answer.value("ok", false)) {
        load_error_ = AnswerError(answer);
        return;
    }
    load_error_.clear();
    const nlohmann::json& r = answer["result"];
    purge_days_ = r.value("purge_days", 30);
    for (const nlohmann::json& e : r["entries"]) {
        Entry entry;
        entry.id = e.value("id", int64_t{0});
        entry.object = e.value("object", std::string());
        entry.record_id = e.value("record_id", int64_t{0});
        entry.name = e.value("name", std::string());
        entry.deleted_by = e.value("deleted_by", std::string());
        entry.deleted_at = e.value("deleted_at_ms", int64_t{0});
        if (entry.deleted_at == 0 && e.contains("deleted_at") && e["deleted_at"].is_string())
            entry.deleted_at = ParseUtcIso8601(e["deleted_at"].get<std::string>()).value_or(0);
        entry.related = e.value("related", 0);
        entries_.push_back(std::move(entry));
    }
    std::set<int64_t> still;
    for (const Entry& e : entries_) {
        if (selected_.count(e.id)) still.insert(e.id);
    }
    selected_ = std::move(still);
}

std::vector<const Entry*> RecyclePanel::Shown() const {
    std::vector<const Entry*> rows;
    const std::string needle = LowerAscii(text_);
    const int64_t now = workspace_.clock().NowMs();
    for (const Entry& e : entries_) {
        if (!object_.empty() && e.object != object_) continue;
        if (!who_.empty() && e.deleted_by != who_) continue;
        if (when_ > 0 && e.deleted_at < now - kWhenMs[when_]) continue;
        const std::string id = std::to_string(e.record_id);
        if (!MatchesFilter(needle, {e.object, e.name, e.deleted_by, id})) continue;
        rows.push_back(&e);
    }
    auto key = [this](const Entry* e) -> std::tuple<std::string, int64_t> {
        switch (sort_column_) {
            case 1:
                return {e->object, e->record_id};
            case 2:
                return {e->name, e->record_id};
            case 3:
                return {e->deleted_by, e->deleted_at};
            case 5:
                return {std::string(), e->related};
            default:
                return {std::string(), e->deleted_at};
        }
    };
    SortRowsBy(&rows, sort_desc_, key);
    return rows;
}

void RecyclePanel::Restore(std::vector<int64_t> ids) {
    RunShowingProgress(ids.size() > 200, Tr("data.recycle.restoring"), [this, ids] {
        const nlohmann::json answer = RunCommand(workspace_, "recycle.restore", {{"ids", ids}});
        message_error_ = !answer.value("ok", false);
        if (message_error_) {
            message_ = AnswerError(answer);
            return;
        }
        const nlohmann::json& r = answer["result"];
        message_ = TrFormat("data.recycle.restored",
                            {std::to_string(r.value("restored", nlohmann::json::array()).size()),
                             std::to_string(r.value("lookups_restored", 0))});
        for (int64_t id : ids) selected_.erase(id);
        Reload(true);
    });
}

void RecyclePanel::Purge(std::vector<int64_t> ids) {
    RunShowingProgress(ids.size() > 200, Tr("data.recycle.purging"), [this, ids] {
        const nlohmann::json answer = RunCommand(workspace_, "recycle.purge", {{"ids", ids}});
        message_error_ = !answer.value("ok", false);
        if (message_error_) {
            message_ = AnswerError(answer);
            return;
        }
        message_ =
            TrFormat("data.recycle.purged",
                     {std::to_string(answer["result"].value("purged", nlohmann::json::array()).size())});
        for (int64_t id : ids) selected_.erase(id);
        Reload(true);
    });
}

void RecyclePanel::Draw(const PageContext& ctx) {
    Reload(false);
    const float s = ctx.scale;
    const float pad = 28.0f * s;
    TextMuted(TrFormat("data.recycle.intro", {std::to_string(purge_days_)}));
    if (!load_error_.empty()) NoticeLine("data.recycle.load_error", load_error_, true);
    // How long entries stay: recycle.settings needs Backup and Restore (restoring and purging one's own
    // entries does not).
    PermissionGuard guard(workspace_.access(), SystemPermission::BackupAndRestore, "data.recycle");
    guard.Begin();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr("data.recycle.purge_days"));
    ImGui::SameLine(0.0f, 8.0f * s);
    if (days_edit_ == 0) days_edit_ = purge_days_;
    ImGui::SetNextItemWidth(110.0f * s);
    ImGui::InputInt("##data.recycle.purge_days", &days_edit_);
    days_edit_ = std::clamp(days_edit_, 1, 3650);
    MarkItem("data.recycle.purge_days");
    guard.ReasonOnHover();
    PublishForm("data.recycle.purge_days", days_edit_);
    ImGui::SameLine(0.0f, 8.0f * s);
    if (SecondaryButton(Tr("data.recycle.save_days"), days_edit_ != purge_days_ && guard.allowed())) {
        const nlohmann::json answer =
            RunCommand(workspace_, "recycle.settings", {{"purge_days", days_edit_}});
        message_error_ = !answer.value("ok", false);
        message_ = message_error_ ? AnswerError(answer)
                                  : TrFormat("data.recycle.days_saved", {std::to_string(days_edit_)});
        if (message_error_) days_edit_ = purge_days_;
        Reload(true);
    }
    MarkItem("data.recycle.save_days");
    guard.End();
    if (!guard.allowed()) {
        ImGui::SameLine(0.0f, 8.0f * s);
        guard.Notice();
    }

    // Filters: object, who, when, text.
    std::vector<std::string> objects, people;
    for (const Entry& e : entries_) {
        if (std::find(objects.begin(), objects.end(), e.object) == objects.end()) objects.push_back(e.object);
        if (std::find(people.begin(), people.end(), e.deleted_by) == people.end())
            people.push_back(e.deleted_by);
    }
    std::sort(objects.begin(), objects.end());
    std::sort(people.begin(), people.end());
    auto any_combo = [&](const char* id, const char* any_id, const std::vector<std::string>& values,
                         std::string* value, float width) {
        int selected = 0;
        for (size_t i = 0; i < values.size(); ++i) {
            if (values[i] == *value) selected = static_cast<int>(i) + 1;
        }
        ImGui::SetNextItemWidth(width);
        if (ListCombo(
                (std::string("##") + id).c_str(), value->empty() ? std::string(Tr(any_id)) : *value,
                static_cast<int>(values.size()) + 1,
                [&](int i) { return i == 0 ? std::string(Tr(any_id)) : values[static_cast<size_t>(i - 1)]; },
                [&](int i) { return i == 0 ? std::string("any") : values[static_cast<size_t>(i - 1)]; },
                &selected, id))
            *value = selected == 0 ? std::string() : values[static_cast<size_t>(selected - 1)];
        ImGui::SameLine(0.0f, 10.0f * s);
    };
    any_combo("data.recycle.object", "data.recycle.any_object", objects, &object_, 160.0f * s);
    any_combo("data.recycle.who", "data.recycle.anyone", people, &who_, 150.0f * s);
    ImGui::SetNextItemWidth(150.0f * s);
    ListCombo(
        "##data.recycle.when", Tr(std::string("data.recycle.when.") + kWhen[when_]), 4,
        [](int i) { return std::string(Tr(std::string("data.recycle.when.") + kWhen[i])); },
        [](int i) { return std::string(kWhen[i]); }, &when_, "data.recycle.when");
    ImGui::SameLine(0.0f, 10.0f * s);
    TableFilter("data.recycle.filter", Tr("data.recycle.filter_hint"), &text_, 220.0f * s);

    const std::vector<const Entry*> rows = Shown();
    std::vector<int64_t> chosen;
    for (const Entry* e : rows) {
        if (selected_.count(e->id)) chosen.push_back(e->id);
    }
    // Actions.
    if (PrimaryButton(
            (TrFormat("data.recycle.restore", {std::to_string(chosen.size())}) + "###restore").c_str(),
            !chosen.empty()))
        Restore(chosen);
    MarkItem("data.recycle.restore");
    ImGui::SameLine(0.0f, 8.0f * s);
    if (SecondaryButton(
            (TrFormat("data.recycle.purge", {std::to_string(chosen.size())}) + "###purge").c_str(),
            !chosen.empty())) {
        confirm_ids_ = chosen;
        confirm_open_ = true;
    }
    MarkItem("data.recycle.purge");
    ImGui::SameLine(0.0f, 8.0f * s);
    if (SecondaryButton(Tr("data.recycle.select_all"), !rows.empty())) {
        for (const Entry* e : rows) selected_.insert(e->id);
    }
    MarkItem("data.recycle.select_all");
    ImGui::SameLine(0.0f, 8.0f * s);
    if (SecondaryButton(Tr("data.recycle.select_none"), !selected_.empty())) selected_.clear();
    MarkItem("data.recycle.select_none");
    const ImGuiIO& io = ImGui::GetIO();
    if (!io.WantTextInput && !ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId)) {
        if ((io.KeyCtrl || io.KeySuper) && ImGui::IsKeyPressed('A', false))
            for (const Entry* e : rows) selected_.insert(e->id);
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Delete), false) && !chosen.empty()) {
            confirm_ids_ = chosen;
            confirm_open_ = true;
        }
    }
    NoticeLine("data.recycle.message", message_, message_error_);

    // The table.
    const ImVec2 size(ImGui::GetContentRegionAvail().x - pad,
                      std::max(160.0f * s, ImGui::GetContentRegionAvail().y - 16.0f * s));
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_Resizable;
    if (rows.empty()) TextMuted(entries_.empty() ? Tr("data.recycle.empty") : Tr("data.recycle.none_match"));
    if (!rows.empty() && ImGui::BeginTable("data.recycle.table", 6, flags, size)) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("##pick", ImGuiTableColumnFlags_NoSort | ImGuiTableColumnFlags_WidthFixed,
                                28.0f * s);
        ImGui::TableSetupColumn(Tr("data.recycle.col.object"));
        ImGui::TableSetupColumn(Tr("data.recycle.col.record"));
        ImGui::TableSetupColumn(Tr("data.recycle.col.who"));
        ImGui::TableSetupColumn(Tr("data.recycle.col.when", {{"zone", ShownZone().name}}).c_str(),
                                ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_PreferSortDescending);
        ImGui::TableSetupColumn(Tr("data.recycle.col.related"));
        TakeSortSpecs(&sort_column_, &sort_desc_);
        TableHeadersRowMarked("data.recycle", {"", "object", "record", "who", "when", "related"});
        for (const Entry* e : rows) {
            ImGui::TableNextRow();
            ImGui::PushID(static_cast<int>(e->id));
            ImGui::TableNextColumn();
            bool picked = selected_.count(e->id) > 0;
            if (ImGui::Checkbox("##pick", &picked)) {
                if (picked)
                    selected_.insert(e->id);
                else
                    selected_.erase(e->id);
            }
            MarkItem("data.recycle.row." + std::to_string(e->id));
            ImGui::TableNextColumn();
            CellText(e->object);
            ImGui::TableNextColumn();
            CellText(e->name + "  #" + std::to_string(e->record_id));
            ImGui::TableNextColumn();
            CellText(e->deleted_by);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(ShownMinute(e->deleted_at).c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%d", e->related);
            ImGui::PopID();
        }
        ImGui::EndTable();
    }

    // Purge asks first.
    if (BeginDialog("data.recycle.confirm", Tr("data.recycle.confirm_title"), 460.0f, &confirm_open_, ctx)) {
        ImGui::TextWrapped(
            "%s", TrFormat("data.recycle.confirm_text", {std::to_string(confirm_ids_.size())}).c_str());
        ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
        const int clicked = ButtonRow({{"data.cancel", "data.recycle.confirm.cancel"},
                                       {"data.recycle.confirm_purge", "data.recycle.confirm.ok"}},
                                      -1, 1);
        if (clicked == 1 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false)) {
            Purge(confirm_ids_);
            ImGui::CloseCurrentPopup();
        } else if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
            ImGui::CloseCurrentPopup();
        }
        EndDialog();
    }
}

nlohmann::json RecyclePanel::State() const {
    nlohmann::json entries = nlohmann::json::array();
    for (const Entry* e : Shown())
        entries.push_back({{"id", e->id},
                           {"object", e->object},
                           {"record_id", e->record_id},
                           {"name", e->name},
                           {"deleted_by", e->deleted_by},
                           {"selected", selected_.count(e->id) > 0}});
    return {{"entries", entries},           {"total", entries_.size()}, {"purge_days", purge_days_},
            {"selected", selected_.size()}, {"message", message_},      {"error", message_error_}};
}

}  // namespace

std::unique_ptr<DataPanel> MakeRecyclePanel(const DataServices& services) {
    return std::make_unique<RecyclePanel>(services);
}

}  // namespace crm::ui
