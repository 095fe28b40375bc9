// The API keys tab: keys of the local API server (crm serve). Create one for a user with an optional expiry,
// the command areas it may run and its rate limit; its secret is shown once, with a copy button, and never
// again. The list of keys with their status; revoke asks first. The request log of the server, newest first,
// for one key or all.
#include <algorithm>
#include <set>

#include "api/command.h"
#include "imgui.h"
#include "ui/data/data_ui.h"
#include "ui/integration/integration_ui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/time_text.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/state_color.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "workspace.h"

namespace crm::ui {

namespace {

/// "2026-12-02 16:15" of an ISO 8601 answer, in the company's zone ("" for null).
std::string ShortTime(const nlohmann::json& iso) {
    if (!iso.is_string()) return {};
    const std::optional<int64_t> ms = ParseUtcIso8601(iso.get<std::string>());
    return ms ? ShownMinute(*ms) : iso.get<std::string>();
}

/// The areas a key may be limited to: the first part of every command's name, sorted.
std::vector<std::string> CommandAreas() {
    std::set<std::string> areas;
    for (const api::CommandSpec& c : api::AllCommands()) {
        const size_t dot = c.name.find('.');
        areas.insert(dot == std::string::npos ? c.name : c.name.substr(0, dot));
    }
    return {areas.begin(), areas.end()};
}

class ApiKeysPanel : public IntegrationPanel {
public:
    explicit ApiKeysPanel(const IntegrationServices& services)
        : workspace_(services.workspace), areas_(CommandAreas()), area_on_(areas_.size(), false) {}
    void Draw(const PageContext& ctx) override;
    nlohmann::json State() const override;

private:
    void Reload(bool force);
    void LoadLog();
    void Create();
    void Revoke(int64_t id);
    void ForgetSecret() {
        secret_.assign(secret_.size(), '\0');
        secret_.clear();
    }
    void DrawCreate(const PageContext& ctx, float width);
    void DrawKeys(const PageContext& ctx, float width);
    void DrawLog(const PageContext& ctx, float width);

    Workspace& workspace_;
    std::vector<std::string> areas_;
    std::vector<bool> area_on_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_viewer_;
    nlohmann::json keys_ = nlohmann::json::array();
    std::vector<std::string> users_;  ///< active users, for the picker (empty: typed)
    std::string load_error_;

    // The form.
    std::string user_;
    std::string name_;
    std::string expires_;  ///< "YYYY-MM-DD" or "" for never
    int rate_ = 600;
    int burst_ = 60;
    std::string create_error_;
    std::string secret_;  ///< the secret just created, shown until dismissed
    std::string secret_key_;
    bool copied_ = false;
    bool secret_open_ = false;  ///< opens the secret's dialog next frame

    // Revoke.
    bool confirm_open_ = false;
    int64_t confirm_id_ = 0;
    std::string confirm_name_;
    LiveText message_;
    bool message_error_ = false;

    // The log.
    std::string log_key_;  ///< "" = every key
    nlohmann::json log_ = nlohmann::json::array();
    std::string log_error_;
    bool log_loaded_ = false;
};

void ApiKeysPanel::Reload(bool force) {
    if (!force && loaded_change_ == workspace_.change_count() && loaded_viewer_ == ActingUser()) return;
    loaded_change_ = workspace_.change_count();
    loaded_viewer_ = ActingUser();
    const nlohmann::json answer = RunCommand(workspace_, "apikeys.list", nlohmann::json::object());
    if (!answer.value("ok", false)) {
        load_error_ = AnswerError(answer);
        keys_ = nlohmann::json::array();
    } else {
        load_error_.clear();
        keys_ = answer["result"]["keys"];
    }
    users_.clear();
    const nlohmann::json users = RunCommand(workspace_, "users.list", nlohmann::json::object());
    if (users.value("ok", false)) {
        for (const nlohmann::json& u : users["result"]) {
            if (u.value("active", true)) users_.push_back(u.value("username", std::string()));
        }
        std::sort(users_.begin(), users_.end());
    }
    if (user_.empty()) user_ = ActingUser();
    LoadLog();
}

void ApiKeysPanel::LoadLog() {
    nlohmann::json args = {{"limit", 200}};
    if (!log_key_.empty()) args["key_id"] = log_key_;
    const nlohmann::json answer = RunCommand(workspace_, "apikeys.log", args);
    log_loaded_ = true;
    if (!answer.value("ok", false)) {
        log_error_ = AnswerError(answer);
        log_ = nlohmann::json::array();
        return;
    }
    log_error_.clear();
    log_ = answer["result"]["requests"];
}

void ApiKeysPanel::Create() {
    nlohmann::json args = {
        {"username", user_}, {"name", name_}, {"rate_per_minute", rate_}, {"burst", burst_}};
    nlohmann::json areas = nlohmann::json::array();
    for (size_t i = 0; i < areas_.size(); ++i) {
        if (area_on_[i]) areas.push_back(areas_[i]);
    }
    if (!areas.empty()) args["areas"] = areas;
    if (!expires_.empty()) args["expires"] = expires_;
    const nlohmann::json answer = RunCommand(workspace_, "apikeys.create", args);
    if (!answer.value("ok", false)) {
        create_error_ = AnswerError(answer);
        return;
    }
    create_error_.clear();
    secret_ = answer["result"].value("secret", std::string());
    secret_key_ = answer["result"]["key"].value("name", std::string());
    copied_ = false;
    secret_open_ = true;
    name_.clear();
    expires_.clear();
    std::fill(area_on_.begin(), area_on_.end(), false);
    Reload(true);
}

void ApiKeysPanel::Revoke(int64_t id) {
    const nlohmann::json answer = RunCommand(workspace_, "apikeys.revoke", {{"id", id}});
    message_error_ = !answer.value("ok", false);
    if (message_error_) {
        message_ = [error = AnswerError(answer)] { return error; };
    } else {
        message_ = [name = confirm_name_] { return TrFormat("integrations.keys.revoked", {name}); };
    }
    Reload(true);
}

void ApiKeysPanel::DrawCreate(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    DataCardBegin(width);
    SectionHeading(ctx, "integrations.keys.create_title");
    TextMuted(Tr("integrations.keys.create_intro"), false);
    // apikeys.* need Manage Integrations (their registry entries).
    PermissionGuard guard(workspace_.access(), SystemPermission::ManageIntegrations, "integrations.keys");
    guard.Notice();
    guard.Begin();
    const float label_w = 150.0f * s;
    const float field_w = std::min(360.0f * s, CardInnerWidth() - label_w);
    auto label = [&](const char* id) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(Tr(id));
        ImGui::SameLine(label_w);
        ImGui::SetNextItemWidth(field_w);
    };

    label("integrations.keys.user");
    if (users_.empty()) {
        InputString("##integrations.keys.user", &user_);
        MarkItem("integrations.keys.user");
    } else {
        int selected = -1;
        for (size_t i = 0; i < users_.size(); ++i) {
            if (users_[i] == user_) selected = static_cast<int>(i);
        }
        if (ListCombo(
                "##integrations.keys.user", user_, static_cast<int>(users_.size()),
                [&](int i) { return users_[static_cast<size_t>(i)]; },
                [&](int i) { return users_[static_cast<size_t>(i)]; }, &selected, "integrations.keys.user") &&
            selected >= 0)
            user_ = users_[static_cast<size_t>(selected)];
    }
    PublishForm("integrations.keys.user", user_);

    label("integrations.keys.name");
    InputString("##integrations.keys.name", &name_, 0, Tr("integrations.keys.name_hint"));
    MarkItem("integrations.keys.name");
    PublishForm("integrations.keys.name", name_);

    label("integrations.keys.expires");
    InputString("##integrations.keys.expires", &expires_, 0, Tr("integrations.keys.expires_hint"));
    MarkItem("integrations.keys.expires");
    PublishForm("integrations.keys.expires", expires_);

    label("integrations.keys.rate");
    ImGui::SetNextItemWidth(field_w * 0.4f);
    if (ImGui::InputInt("##integrations.keys.rate", &rate_, 0, 0)) rate_ = std::clamp(rate_, 1, 1000000);
    MarkItem("integrations.keys.rate");
    ImGui::SameLine();
    ImGui::TextUnformatted(Tr("integrations.keys.burst"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(field_w * 0.3f);
    if (ImGui::InputInt("##integrations.keys.burst", &burst_, 0, 0)) burst_ = std::clamp(burst_, 1, 1000000);
    MarkItem("integrations.keys.burst");

    const int chosen = static_cast<int>(std::count(area_on_.begin(), area_on_.end(), true));
    const std::string areas_heading =
        chosen == 0 ? std::string(Tr("integrations.keys.areas_all"))
                    : TrFormat("integrations.keys.areas_some", {std::to_string(chosen)});
    const bool areas_open = ImGui::TreeNode("integrations.keys.areas_node", "%s", areas_heading.c_str());
    MarkItem("integrations.keys.areas");
    if (areas_open) {
        TextMuted(Tr("integrations.keys.areas_hint"), false);
        const int per_row = std::max(1, static_cast<int>(CardInnerWidth() / (140.0f * s)));
        if (ImGui::BeginTable("integrations.keys.areas", per_row, ImGuiTableFlags_SizingStretchSame,
                              ImVec2(CardInnerWidth(), 0.0f))) {
            for (size_t i = 0; i < areas_.size(); ++i) {
                ImGui::TableNextColumn();
                bool on = area_on_[i];
                if (ImGui::Checkbox(areas_[i].c_str(), &on)) area_on_[i] = on;
                MarkItem("integrations.keys.area." + areas_[i]);
            }
            ImGui::EndTable();
        }
        ImGui::TreePop();
    }
    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    if (PrimaryButton(Tr("integrations.keys.create"), !user_.empty() && !name_.empty() && guard.allowed()))
        Create();
    MarkItem("integrations.keys.create");
    guard.ReasonOnHover();
    guard.End();
    NoticeLine("integrations.keys.create_error", create_error_, true);
    DataCardEnd();

    // The secret, once: a dialog that only closes by saying it was kept (or Escape); then it is gone.
    if (BeginDialog("integrations.keys.secret_dialog", Tr("integrations.keys.secret_title"), 600.0f,
                    &secret_open_, ctx)) {
        TextColored(CurrentPalette().warning, TrFormat("integrations.keys.secret_once", {secret_key_}));
        ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
        ImGui::SetNextItemWidth(std::max(200.0f * s, ImGui::GetContentRegionAvail().x - 110.0f * s));
        std::string shown = secret_;
        InputString("##integrations.keys.secret", &shown, ImGuiInputTextFlags_ReadOnly);
        MarkItem("integrations.keys.secret");
        ImGui::SameLine(0.0f, 8.0f * s);
        if (SecondaryButton(Tr(copied_ ? "integrations.keys.copied" : "integrations.keys.copy"))) {
            ImGui::SetClipboardText(secret_.c_str());
            copied_ = true;
        }
        MarkItem("integrations.keys.copy");
        ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
        const int clicked =
            ButtonRow({{"integrations.keys.secret_done", "integrations.keys.secret_done"}}, 0, -1);
        if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
            ForgetSecret();
            ImGui::CloseCurrentPopup();
        }
        EndDialog();
    } else if (!secret_open_ && !secret_.empty()) {
        ForgetSecret();  // the dialog was closed some other way
    }
}

void ApiKeysPanel::DrawKeys(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    DataCardBegin(width);
    SectionHeading(ctx, "integrations.keys.list_title");
    const PermissionGuard guard(workspace_.access(), SystemPermission::ManageIntegrations,
                                "integrations.keys");
    if (guard.allowed())
        NoticeLine("integrations.keys.load_error", load_error_, true);  // else the notice above
    NoticeLine("integrations.keys.message", Now(message_), message_error_);
    if (keys_.empty()) {
        TextMuted(Tr("integrations.keys.none"), false);
    } else {
        const ImGuiTableFlags flags =
            ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit;
        if (ImGui::BeginTable("integrations.keys.table", 8, flags, ImVec2(CardInnerWidth(), 0.0f))) {
            ImGui::TableSetupColumn(Tr("integrations.keys.col.name"), ImGuiTableColumnFlags_WidthStretch);
            ImGui::TableSetupColumn(Tr("integrations.keys.col.user"));
            ImGui::TableSetupColumn(Tr("integrations.keys.col.key_id"));
            ImGui::TableSetupColumn(Tr("integrations.keys.col.areas"));
            ImGui::TableSetupColumn(Tr("integrations.keys.col.expires"));
            ImGui::TableSetupColumn(Tr("integrations.keys.col.last_used"));
            ImGui::TableSetupColumn(Tr("integrations.keys.col.status"));
            ImGui::TableSetupColumn("");
            ImGui::TableHeadersRow();
            for (const nlohmann::json& k : keys_) {
                const int64_t id = k.value("id", int64_t{0});
                const std::string key_id = k.value("key_id", std::string());
                const std::string status = k.value("status", std::string());
                ImGui::PushID(static_cast<int>(id));
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(k.value("name", std::string()).c_str());
                MarkItem("integrations.keys.row." + key_id);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(k.value("username", std::string()).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(key_id.c_str());
                ImGui::TableNextColumn();
                std::string areas;
                for (const nlohmann::json& a : k.value("areas", nlohmann::json::array()))
                    areas += (areas.empty() ? "" : ", ") + a.get<std::string>();
                ImGui::TextUnformatted(areas.empty() ? Tr("integrations.keys.all_areas") : areas.c_str());
                ImGui::TableNextColumn();
                const std::string expires = ShortTime(k["expires"]);
                ImGui::TextUnformatted(expires.empty() ? Tr("integrations.keys.never") : expires.c_str());
                ImGui::TableNextColumn();
                const std::string used = ShortTime(k["last_used"]);
                ImGui::TextUnformatted(used.empty() ? "—" : used.c_str());
                ImGui::TableNextColumn();
                const std::string status_id = "integrations.keys.status." + status;
                StatusPill(StateColor(status), HasText(status_id) ? Tr(status_id) : status, 130.0f * s);
                ImGui::TableNextColumn();
                if (SecondaryButton(Tr("integrations.keys.log"))) {
                    log_key_ = key_id;
                    LoadLog();
                }
                MarkItem("integrations.keys.log." + key_id);
                if (status != "revoked") {
                    ImGui::SameLine();
                    if (SecondaryButton(Tr("integrations.keys.revoke"), guard.allowed())) {
                        confirm_open_ = true;
                        confirm_id_ = id;
                        confirm_name_ = k.value("name", std::string());
                    }
                    MarkItem("integrations.keys.revoke." + key_id);
                    guard.ReasonOnHover();
                }
                ImGui::PopID();
            }
            ImGui::EndTable();
        }
    }
    DataCardEnd();

    if (ConfirmDialog("integrations.keys.confirm", "integrations.keys.revoke", confirm_name_, &confirm_open_,
                      ctx))
        Revoke(confirm_id_);
}

void ApiKeysPanel::DrawLog(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    bool show_all = false;
    const bool refresh = LogCardHeader(ctx, width, "integrations.keys.log_title",
                                       log_key_.empty() ? std::string(Tr("integrations.keys.log_all"))
                                                        : TrFormat("integrations.keys.log_one", {log_key_}),
                                       "integrations.keys.log", log_error_, [&] {
                                           if (log_key_.empty()) return;
                                           show_all = SecondaryButton(Tr("integrations.keys.log_show_all"));
                                           MarkItem("integrations.keys.log_show_all");
                                           ImGui::SameLine();
                                       });
    if (show_all) log_key_.clear();
    if (refresh || show_all) LoadLog();
    if (log_.empty()) {
        TextMuted(Tr("integrations.keys.log_none"), false);
    } else {
        const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                      ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY;
        const float h = ScrollTableHeight(log_.size(), 320.0f * s);
        if (ImGui::BeginTable("integrations.keys.log_table", 6, flags, ImVec2(CardInnerWidth(), h))) {
            ImGui::TableSetupScrollFreeze(0, 1);
            ImGui::TableSetupColumn(Tr("integrations.keys.col.at", {{"zone", ShownZone().name}}).c_str());
            ImGui::TableSetupColumn(Tr("integrations.keys.col.key_id"));
            ImGui::TableSetupColumn(Tr("integrations.keys.col.user"));
            ImGui::TableSetupColumn(Tr("integrations.keys.col.command"), ImGuiTableColumnFlags_WidthStretch);
            ImGui::TableSetupColumn(Tr("integrations.keys.col.http"));
            ImGui::TableSetupColumn(Tr("integrations.keys.col.elapsed"));
            ImGui::TableHeadersRow();
            for (const nlohmann::json& r : log_) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(ShortTime(r["at"]).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(r.value("key_id", std::string()).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(r.value("username", std::string()).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(r.value("command", std::string()).c_str());
                ImGui::TableNextColumn();
                const int status = r.value("status", 0);
                const std::string error = r["error"].is_string() ? " " + r["error"].get<std::string>() : "";
                const std::string text = std::to_string(status) + error;
                if (status >= 400) {
                    TextColored(CurrentPalette().danger, text, false);
                } else {
                    ImGui::TextUnformatted(text.c_str());
                }
                ImGui::TableNextColumn();
                ImGui::Text("%.1f ms", static_cast<double>(r.value("elapsed_us", int64_t{0})) / 1000.0);
            }
            ImGui::EndTable();
        }
    }
    DataCardEnd();
}

void ApiKeysPanel::Draw(const PageContext& ctx) {
    Reload(false);
    const CardPage page(ctx, "integrations.keys.scroll", 980.0f);
    TextMuted(Tr("integrations.keys.intro"));
    ImGui::Dummy(ImVec2(0.0f, 6.0f * ctx.scale));
    DrawCreate(ctx, page.width());
    page.Gap();
    DrawKeys(ctx, page.width());
    page.Gap();
    DrawLog(ctx, page.width());
}

nlohmann::json ApiKeysPanel::State() const {
    nlohmann::json keys = nlohmann::json::array();
    for (const nlohmann::json& k : keys_)
        keys.push_back({{"key_id", k.value("key_id", std::string())},
                        {"name", k.value("name", std::string())},
                        {"username", k.value("username", std::string())},
                        {"status", k.value("status", std::string())}});
    // The secret itself stays out of the snapshot: only that one is showing.
    return {{"keys", keys},
            {"secret_shown", !secret_.empty()},
            {"create_error", create_error_},
            {"load_error", load_error_},
            {"message", Now(message_)},
            {"log_key", log_key_},
            {"log_count", log_.size()}};
}

}  // namespace

std::unique_ptr<IntegrationPanel> MakeApiKeysPanel(const IntegrationServices& services) {
    return std::make_unique<ApiKeysPanel>(services);
}

}  // namespace crm::ui
