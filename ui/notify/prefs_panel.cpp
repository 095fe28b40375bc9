// The My preferences tab, for every user: which types reach them on which channel (the organisation's
// default unless they chose; a locked cell cannot be changed), how often each channel delivers
// (immediately, an hourly digest, a daily digest at a time) and their quiet hours in their own time zone
// (normal messages wait until the quiet hours end; urgent ones go through). An administrator (Manage
// Notifications) may pick another user. In the browser, whether system notifications are allowed (the
// Web Notifications API: pop-ups while the tab is in the background, web/popup_notify.js), with a button
// asking for it while it is not decided; the desktop shows the row as not applicable.
#include <algorithm>
#include <map>

#include "imgui.h"
#include "ui/data/data_ui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/notify/notify_ui.h"
#include "ui/shell/platform.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "workspace.h"
#include "ui/kit/note.h"

namespace crm::ui {

namespace {

struct PrefCell {
    bool enabled = true, org_enabled = true, locked = false, own = false;
};

struct Frequency {
    std::string frequency = "immediately";
    std::string at = "08:00";
};

const std::vector<std::string> kFrequencies = {"immediately", "hourly", "daily"};

class PrefsPanel : public NotifyPanel {
public:
    explicit PrefsPanel(const NotifyServices& services)
        : workspace_(services.workspace), platform_(services.platform) {}
    void Draw(const PageContext& ctx) override;
    nlohmann::json State() const override;

private:
    void Reload(bool force);
    void Apply(const nlohmann::json& answer, const char* done_id);
    void DrawMatrix(const PageContext& ctx);
    void DrawFrequencies(const PageContext& ctx);
    void DrawQuietHours(const PageContext& ctx);
    void DrawSystemNotifications();

    Workspace& workspace_;
    Platform& platform_;
    std::string system_;    ///< the browser's permission as last drawn ("" = not applicable)
    int system_asked_ = 0;  ///< how many times the button asked the browser (tests)
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_viewer_;
    std::string loaded_user_;
    std::string user_;  ///< whose preferences ("" = the acting user)
    std::vector<std::string> users_;
    TypeList types_;
    std::map<std::pair<std::string, std::string>, PrefCell> cells_;
    std::map<std::string, Frequency> frequencies_;
    bool quiet_on_ = false;
    std::string quiet_start_ = "22:00", quiet_end_ = "07:00";
    bool quiet_stored_ = false;
    std::string stored_start_, stored_end_;
    std::string load_error_;
    bool stale_ = false;  ///< a command ran mid-frame: reload at the next frame, not inside the loops drawing
    Note message_;
    bool message_error_ = false;
};

void PrefsPanel::Reload(bool force) {
    if (loaded_viewer_ != ActingUser()) user_.clear();
    const std::string user = user_.empty() ? ActingUser() : user_;
    force = force || stale_;
    stale_ = false;
    if (!force && loaded_change_ == workspace_.change_count() && loaded_viewer_ == ActingUser() &&
        loaded_user_ == user)
        return;
    loaded_change_ = workspace_.change_count();
    loaded_viewer_ = ActingUser();
    loaded_user_ = user;
    types_ = LoadTypes(workspace_, nullptr);
    users_.clear();
    const nlohmann::json list = RunCommand(workspace_, "users.list", nlohmann::json::object());
    if (list.value("ok", false)) {
        for (const nlohmann::json& u : list["result"])
            if (u.value("active", true)) users_.push_back(Text(u, "username"));
    }
    const nlohmann::json answer = RunCommand(workspace_, "notify.prefs.get", {{"user", user}});
    cells_.clear();
    frequencies_.clear();
    if (!answer.value("ok", false)) {
        load_error_ = AnswerError(answer);
        return;
    }
    load_error_.clear();
    const nlohmann::json& r = answer["result"];
    for (const nlohmann::json& c : r.value("matrix", nlohmann::json::array()))
        cells_[{Text(c, "type"), Text(c, "channel")}] =
            PrefCell{c.value("enabled", true), c.value("org_enabled", true), c.value("locked", false),
                     c.value("own", false)};
    for (const nlohmann::json& f : r.value("frequencies", nlohmann::json::array()))
        frequencies_[Text(f, "channel")] = Frequency{Text(f, "frequency"), Text(f, "at")};
    const nlohmann::json quiet = r.value("quiet_hours", nlohmann::json());
    quiet_stored_ = quiet.is_object();
    quiet_on_ = quiet_stored_;
    stored_start_ = quiet_stored_ ? Text(quiet, "start") : std::string();
    stored_end_ = quiet_stored_ ? Text(quiet, "end") : std::string();
    if (quiet_stored_) {
        quiet_start_ = stored_start_;
        quiet_end_ = stored_end_;
    }
}

void PrefsPanel::Apply(const nlohmann::json& answer, const char* done_id) {
    message_error_ = !answer.value("ok", false);
    message_ = message_error_ ? AnswerError(answer) : std::string(Tr(done_id));
    // Called from inside the loops over types_, cells_ and frequencies_: reloading here would free
    // what they are iterating (an uncaught exception in the browser), so the next frame reloads.
    stale_ = true;
}

void PrefsPanel::DrawMatrix(const PageContext& ctx) {
    const float s = ctx.scale;
    const int columns = 1 + static_cast<int>(types_.channels.size());
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_PadOuterX;
    if (!ImGui::BeginTable("notify.prefs.matrix", columns, flags)) return;
    ImGui::TableSetupColumn(Tr("ntf.settings.type"), ImGuiTableColumnFlags_WidthStretch, 2.0f);
    for (const std::string& c : types_.channels)
        ImGui::TableSetupColumn(ChannelLabel(c).c_str(), ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    for (const TypeInfo& t : types_.types) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(TypeLabel(t).c_str());
        for (const std::string& c : types_.channels) {
            ImGui::TableNextColumn();
            const PrefCell cell = cells_.count({t.code, c}) ? cells_[{t.code, c}] : PrefCell{};
            const std::string hook = "notify.prefs." + t.code + "." + c;
            ImGui::PushID(hook.c_str());
            bool on = cell.enabled;
            if (cell.locked) ImGui::BeginDisabled();
            if (ImGui::Checkbox("##on", &on)) {
                Apply(RunCommand(workspace_, "notify.prefs.set",
                                 {{"user", loaded_user_}, {"type", t.code}, {"channel", c}, {"enabled", on}}),
                      "ntf.prefs.saved");
            }
            if (cell.locked) ImGui::EndDisabled();
            MarkItem(hook);
            PublishForm(hook, on);
            if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
                ImGui::SetTooltip("%s", cell.locked ? Tr("ntf.prefs.locked_tip")
                                        : cell.own  ? Tr("ntf.prefs.own_tip")
                                                    : Tr("ntf.prefs.default_tip"));
            if (cell.locked) {
                ImGui::SameLine(0.0f, 4.0f * s);
                TextMuted(Tr("ntf.prefs.locked"), false);
            } else if (cell.own) {
                ImGui::SameLine(0.0f, 4.0f * s);
                if (ImGui::SmallButton(Tr("ntf.prefs.reset")))
                    Apply(
                        RunCommand(
                            workspace_, "notify.prefs.set",
                            {{"user", loaded_user_}, {"type", t.code}, {"channel", c}, {"enabled", nullptr}}),
                        "ntf.prefs.saved");
                MarkItem(hook + ".reset");
            }
            ImGui::PopID();
        }
    }
    ImGui::EndTable();
}

void PrefsPanel::DrawFrequencies(const PageContext& ctx) {
    const float s = ctx.scale;
    for (const std::string& c : types_.channels) {
        if (!frequencies_.count(c)) continue;
        Frequency& f = frequencies_[c];
        const std::string hook = "notify.prefs.freq." + c;
        ImGui::PushID(hook.c_str());
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(ChannelLabel(c).c_str());
        ImGui::SameLine(140.0f * s);
        std::string picked = f.frequency;
        if (KeyCombo(
                hook, kFrequencies,
                [](const std::string& k) { return std::string(Tr("ntf.frequency." + k)); }, &picked,
                200.0f * s)) {
            f.frequency = picked;
            Apply(RunCommand(
                      workspace_, "notify.prefs.frequency",
                      {{"user", loaded_user_}, {"channel", c}, {"frequency", f.frequency}, {"at", f.at}}),
                  "ntf.prefs.saved");
        }
        PublishForm(hook, f.frequency);
        if (f.frequency == "daily") {
            ImGui::SameLine();
            ImGui::TextUnformatted(Tr("ntf.prefs.at"));
            ImGui::SameLine();
            ImGui::SetNextItemWidth(80.0f * s);
            if (InputString("##at", &f.at, ImGuiInputTextFlags_EnterReturnsTrue) ||
                ImGui::IsItemDeactivatedAfterEdit())
                Apply(RunCommand(
                          workspace_, "notify.prefs.frequency",
                          {{"user", loaded_user_}, {"channel", c}, {"frequency", "daily"}, {"at", f.at}}),
                      "ntf.prefs.saved");
            MarkItem(hook + ".at");
            PublishForm(hook + ".at", f.at);
        }
        ImGui::PopID();
    }
}

void PrefsPanel::DrawQuietHours(const PageContext& ctx) {
    const float s = ctx.scale;
    ImGui::Checkbox(Label("ntf.prefs.quiet_on").c_str(), &quiet_on_);
    MarkItem("notify.prefs.quiet.on");
    PublishForm("notify.prefs.quiet.on", quiet_on_);
    if (quiet_on_) {
        ImGui::SameLine(0.0f, 16.0f * s);
        ImGui::TextUnformatted(Tr("ntf.prefs.quiet_from"));
        ImGui::SameLine();
        ImGui::SetNextItemWidth(80.0f * s);
        InputString("##notify.prefs.quiet.start", &quiet_start_);
        MarkItem("notify.prefs.quiet.start");
        PublishForm("notify.prefs.quiet.start", quiet_start_);
        ImGui::SameLine();
        ImGui::TextUnformatted(Tr("ntf.prefs.quiet_to"));
        ImGui::SameLine();
        ImGui::SetNextItemWidth(80.0f * s);
        InputString("##notify.prefs.quiet.end", &quiet_end_);
        MarkItem("notify.prefs.quiet.end");
        PublishForm("notify.prefs.quiet.end", quiet_end_);
    }
    const bool dirty = quiet_on_ != quiet_stored_ ||
                       (quiet_on_ && (quiet_start_ != stored_start_ || quiet_end_ != stored_end_));
    ImGui::SameLine(0.0f, 16.0f * s);
    if (PrimaryButton(Tr("ntf.prefs.quiet_save"), dirty)) {
        nlohmann::json args = {{"user", loaded_user_}};
        if (quiet_on_) {
            args["start"] = quiet_start_;
            args["end"] = quiet_end_;
        } else {
            args["clear"] = true;
        }
        Apply(RunCommand(workspace_, "notify.prefs.quiet_hours", args), "ntf.prefs.quiet_saved");
    }
    MarkItem("notify.prefs.quiet.save");
    TextMuted(Tr("ntf.prefs.quiet_help"));
}

void PrefsPanel::DrawSystemNotifications() {
    system_ = platform_.SystemNotificationPermission();
    PublishForm("notify.prefs.system", system_.empty() ? "na" : system_);
    if (system_.empty()) {
        TextMuted(Tr("ntf.prefs.system.na"));
        return;
    }
    TextMuted(Tr("ntf.prefs.system_help"));
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr("ntf.prefs.system_state"));
    ImGui::SameLine();
    ImGui::TextUnformatted(Tr("ntf.prefs.system." + system_));
    MarkItem("notify.prefs.system.state");
    if (system_ == "default") {
        ImGui::SameLine();
        if (PrimaryButton(Tr("ntf.prefs.system_allow"))) {
            platform_.RequestSystemNotificationPermission();
            ++system_asked_;
        }
        MarkItem("notify.prefs.system.allow");
    }
}

void PrefsPanel::Draw(const PageContext& ctx) {
    Reload(false);
    const float s = ctx.scale;
    TextMuted(Tr("ntf.prefs.intro"));
    if (users_.size() > 1) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(Tr("ntf.prefs.user"));
        ImGui::SameLine();
        std::string picked = loaded_user_;
        if (KeyCombo(
                "notify.prefs.user", users_, [](const std::string& u) { return u; }, &picked, 220.0f * s)) {
            user_ = picked;
            message_.clear();
            Reload(false);
        }
    }
    if (!load_error_.empty()) {
        NoticeLine("notify.prefs.load_error", load_error_, true);
        return;
    }
    NoticeLine("notify.prefs.message", message_, message_error_);
    ImGui::Spacing();
    ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(Tr("ntf.prefs.channels"));
    ImGui::PopFont();
    DrawMatrix(ctx);
    ImGui::Spacing();
    ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(Tr("ntf.prefs.frequency"));
    ImGui::PopFont();
    TextMuted(Tr("ntf.prefs.frequency_help"));
    DrawFrequencies(ctx);
    ImGui::Spacing();
    ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(Tr("ntf.prefs.quiet"));
    ImGui::PopFont();
    DrawQuietHours(ctx);
    ImGui::Spacing();
    ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(Tr("ntf.prefs.system"));
    ImGui::PopFont();
    DrawSystemNotifications();
}

nlohmann::json PrefsPanel::State() const {
    nlohmann::json cells = nlohmann::json::object();
    for (const auto& [key, c] : cells_)
        cells[key.first + "." + key.second] = {
            {"enabled", c.enabled}, {"org_enabled", c.org_enabled}, {"locked", c.locked}, {"own", c.own}};
    nlohmann::json freq = nlohmann::json::object();
    for (const auto& [channel, f] : frequencies_) freq[channel] = {{"frequency", f.frequency}, {"at", f.at}};
    return {{"user", loaded_user_},
            {"cells", cells},
            {"frequencies", freq},
            {"quiet_hours", quiet_stored_ ? nlohmann::json{{"start", stored_start_}, {"end", stored_end_}}
                                          : nlohmann::json(nullptr)},
            {"system_notifications", system_.empty() ? "na" : system_},
            {"system_asked", system_asked_},
            {"error", load_error_},
            {"message", message_},
            {"message_error", message_error_}};
}

}  // namespace

std::unique_ptr<NotifyPanel> MakeNotifyPrefsPanel(const NotifyServices& services) {
    return std::make_unique<PrefsPanel>(services);
}

}  // namespace crm::ui
