// The Notification settings tab: the types x channels matrix of the organisation's defaults, each cell
// on or off and locked or not (a locked cell binds every user; an unlocked one is only the default each
// user may change under My preferences). A click saves the cell at once (notify.prefs.set_org).
#include <map>

#include "imgui.h"
#include "ui/data/data_ui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/note.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/notify/notify_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "workspace.h"

namespace crm::ui {

namespace {

struct Cell {
    bool enabled = true;
    bool locked = false;
};

class SettingsPanel : public NotifyPanel {
public:
    explicit SettingsPanel(const NotifyServices& services) : workspace_(services.workspace) {}
    void Draw(const PageContext& ctx) override;
    nlohmann::json State() const override;

private:
    void Reload();
    void Save(const std::string& type, const std::string& channel, Cell cell);

    Workspace& workspace_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_viewer_;
    TypeList types_;
    std::map<std::pair<std::string, std::string>, Cell> cells_;
    std::string error_;
    Note message_;
    bool message_error_ = false;
};

void SettingsPanel::Reload() {
    if (loaded_change_ == workspace_.change_count() && loaded_viewer_ == ActingUser()) return;
    loaded_change_ = workspace_.change_count();
    loaded_viewer_ = ActingUser();
    types_ = LoadTypes(workspace_, &error_);
    cells_.clear();
    const nlohmann::json answer = RunCommand(workspace_, "notify.prefs.org", nlohmann::json::object());
    if (!answer.value("ok", false)) {
        error_ = AnswerError(answer);
        return;
    }
    for (const nlohmann::json& p : answer["result"].value("preferences", nlohmann::json::array()))
        cells_[{Text(p, "type"), Text(p, "channel")}] =
            Cell{p.value("enabled", true), p.value("locked", false)};
}

void SettingsPanel::Save(const std::string& type, const std::string& channel, Cell cell) {
    const nlohmann::json answer = RunCommand(
        workspace_, "notify.prefs.set_org",
        {{"type", type}, {"channel", channel}, {"enabled", cell.enabled}, {"locked", cell.locked}});
    message_error_ = !answer.value("ok", false);
    message_ = message_error_ ? AnswerError(answer) : std::string();
    if (!message_error_) cells_[{type, channel}] = cell;
}

void SettingsPanel::Draw(const PageContext& ctx) {
    Reload();
    const float s = ctx.scale;
    TextMuted(Tr("ntf.settings.intro"));
    // notify.prefs.org and .set_org need Manage Notifications (their registry entries).
    PermissionGuard guard(workspace_.access(), SystemPermission::ManageNotifications, "notify.settings");
    guard.Notice();
    if (!error_.empty()) {
        if (guard.allowed()) NoticeLine("notify.settings.error", error_, true);  // else the notice says it
        return;
    }
    NoticeLine("notify.settings.message", message_, message_error_);
    ImGui::Spacing();
    const int columns = 1 + static_cast<int>(types_.channels.size());
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_PadOuterX;
    if (!ImGui::BeginTable("notify.settings.matrix", columns, flags)) return;
    ImGui::TableSetupColumn(Tr("ntf.settings.type"), ImGuiTableColumnFlags_WidthStretch, 2.0f);
    for (const std::string& c : types_.channels)
        ImGui::TableSetupColumn(ChannelLabel(c).c_str(), ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    guard.Begin();
    for (const TypeInfo& t : types_.types) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(TypeLabel(t).c_str());
        MarkItem("notify.settings.row." + t.code);
        if (t.priority == "urgent") {
            ImGui::SameLine(0.0f, 6.0f * s);
            TextColored(CurrentPalette().danger, Tr("ntf.priority.urgent"), false);
        }
        for (const std::string& c : types_.channels) {
            ImGui::TableNextColumn();
            ImGui::PushID((t.code + "/" + c).c_str());
            const std::string hook = "notify.settings." + t.code + "." + c;
            Cell cell = cells_.count({t.code, c}) ? cells_[{t.code, c}] : Cell{};
            bool on = cell.enabled;
            if (ImGui::Checkbox("##on", &on)) Save(t.code, c, Cell{on, cell.locked});
            MarkItem(hook + ".on");
            if (guard.allowed() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", Tr("ntf.settings.on_tip"));
            guard.ReasonOnHover();
            ImGui::SameLine(0.0f, 4.0f * s);
            bool locked = cell.locked;
            if (ImGui::Checkbox(Tr("ntf.settings.lock"), &locked))
                Save(t.code, c, Cell{cell.enabled, locked});
            MarkItem(hook + ".lock");
            if (guard.allowed() && ImGui::IsItemHovered())
                ImGui::SetTooltip("%s", Tr("ntf.settings.lock_tip"));
            guard.ReasonOnHover();
            ImGui::PopID();
        }
    }
    guard.End();
    ImGui::EndTable();
}

nlohmann::json SettingsPanel::State() const {
    nlohmann::json cells = nlohmann::json::object();
    for (const auto& [key, cell] : cells_)
        cells[key.first + "." + key.second] = {{"enabled", cell.enabled}, {"locked", cell.locked}};
    return {{"types", types_.types.size()}, {"cells", cells}, {"error", error_}, {"message", message_}};
}

}  // namespace

std::unique_ptr<NotifyPanel> MakeNotifySettingsPanel(const NotifyServices& services) {
    return std::make_unique<SettingsPanel>(services);
}

}  // namespace crm::ui
