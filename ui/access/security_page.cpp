#include "ui/access/security_page.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include "access/access.h"
#include "auth/auth.h"
#include "ui/data/file_transfer.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/time_text.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "workspace.h"

namespace crm::ui {

namespace {

const char* const kDayIds[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::string Hm(int minute) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
    return buf;
}

int ParseHm(const std::string& text) {
    int h = 0, m = 0;
    if (std::sscanf(text.c_str(), "%d:%d", &h, &m) != 2 || h < 0 || h > 24 || m < 0 || m > 59) return -1;
    return h * 60 + m;
}

bool IntRow(const char* label_id, const char* hook, int* value) {
    ImGui::TextUnformatted(Tr(label_id));
    ImGui::SameLine(300.0f * ImGui::GetIO().FontGlobalScale);
    ImGui::SetNextItemWidth(120.0f);
    bool changed = ImGui::InputInt((std::string("##") + hook).c_str(), value);
    MarkItem(hook);
    PublishForm(hook, *value);
    return changed;
}

}  // namespace

void SecurityPage::Refresh() {
    if (seen_change_ == workspace_.change_count()) return;
    const bool clean = ToJson(draft_) == ToJson(saved_);
    seen_change_ = workspace_.change_count();
    AuthService& auth = AuthOf(workspace_);
    saved_ = auth.Policy();
    if (clean) draft_ = saved_;
    hours_ = auth.AllLoginHours();
    locked_ = auth.LockedUsers();
    LoginFilter f;
    f.username = history_user_;
    f.limit = 200;
    history_ = auth.History(f);
}

void SecurityPage::Draw(const PageContext& ctx) {
    if (!message_.empty()) TextColored(CurrentPalette().success, message_);
    if (!error_.empty()) {
        TextColored(CurrentPalette().danger, error_);
        PublishError("security", error_);
    }
    DrawLocked(ctx);  // first: who waits to be unlocked
    ImGui::Spacing();
    DrawPolicy(ctx);
    ImGui::Spacing();
    DrawLoginHours(ctx);
    ImGui::Spacing();
    DrawHistory(ctx);
}

void SecurityPage::DrawPolicy(const PageContext& ctx) {
    BeginCard();
    if (ctx.heading_font) ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(Tr("security.signin.heading"));
    if (ctx.heading_font) ImGui::PopFont();
    ImGui::Checkbox(Tr("security.require_sign_in"), &draft_.require_sign_in);
    MarkItem("security.require_sign_in");
    PublishForm("security.require_sign_in", draft_.require_sign_in);
    TextMuted(Tr(saved_.require_sign_in ? "security.require_on" : "security.require_off"));
    ImGui::Spacing();
    IntRow("security.min_length", "security.min_length", &draft_.min_length);
    IntRow("security.min_classes", "security.min_classes", &draft_.min_classes);
    IntRow("security.expiry_days", "security.expiry_days", &draft_.expiry_days);
    IntRow("security.history_count", "security.history_count", &draft_.history_count);
    ImGui::Checkbox(Tr("security.block_common"), &draft_.block_common);
    MarkItem("security.block_common");
    IntRow("security.lockout_attempts", "security.lockout_attempts", &draft_.lockout_attempts);
    IntRow("security.lockout_minutes", "security.lockout_minutes", &draft_.lockout_minutes);
    IntRow("security.idle_minutes", "security.idle_minutes", &draft_.idle_minutes);
    DrawDraftNotice(dirty() ? draft_notice_ : std::string(), "security.draft_notice");
    if (PrimaryButton(Tr("security.save"), dirty())) Save();
    MarkItem("security.save");
    ImGui::SameLine();
    if (SecondaryButton(Tr("security.discard"), dirty())) Discard();
    MarkItem("security.discard");
    EndCard();
}

bool SecurityPage::dirty() const { return ToJson(draft_) != ToJson(saved_); }

bool SecurityPage::Save() {
    Result<SecurityPolicy> checked = SecurityPolicyFromJson(ToJson(draft_), saved_);
    Status st = checked.ok() ? AuthOf(workspace_).SetPolicy(ActingUser(), *checked) : Status(checked.error());
    error_ = st.ok() ? std::string() : ErrorText(st.error());
    message_ = st.ok() ? std::string(Tr("security.saved")) : std::string();
    if (st.ok()) saved_ = *checked;
    if (st.ok()) draft_notice_.clear();
    return st.ok();
}

nlohmann::json SecurityPage::KeepDraft() const { return KeepItemDraft(ToJson(saved_), ToJson(draft_), false); }

void SecurityPage::RestoreDraft(const nlohmann::json& kept) {
    Refresh();  // saved_: the policy as stored now
    const auto restored = RestoreEdit(kept, std::optional<SecurityPolicy>(saved_), SecurityPolicyFromJson);
    if (!restored) return;
    draft_ = restored->draft;
    draft_notice_ = DraftNotice(restored->json);
}

std::string SecurityPage::UnsavedSummary() const { return Tr("security.unsaved_what"); }

void SecurityPage::DrawLoginHours(const PageContext& ctx) {
    BeginCard();
    if (ctx.heading_font) ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(Tr("security.hours.heading"));
    if (ctx.heading_font) ImGui::PopFont();
    TextMuted(Tr("security.hours.desc"));
    if (hours_.empty()) TextMuted(Tr("security.hours.none"));
    for (const LoginHours& h : hours_) {
        std::string days;
        for (int d = 0; d < 7; ++d)
            if (h.weekdays & (1 << d))
                days += std::string(days.empty() ? "" : ", ") + Tr(std::string("security.day.") + kDayIds[d]);
        ImGui::Text("%s: %s %s-%s", h.profile.c_str(), days.c_str(), Hm(h.start_minute).c_str(),
                    Hm(h.end_minute).c_str());
        ImGui::SameLine();
        if (ImGui::SmallButton((std::string(Tr("security.hours.clear")) + "##" + h.profile).c_str())) {
            Status st = AuthOf(workspace_).ClearLoginHours(ActingUser(), h.profile);
            error_ = st.ok() ? std::string() : ErrorText(st.error());
        }
        MarkItem("security.hours.clear." + h.profile);
    }
    std::vector<std::string> profiles;
    for (const PermissionSet& p : workspace_.access().PermissionSets(PermissionSetKind::Profile))
        profiles.push_back(p.name);
    if (profiles.empty()) {
        EndCard();
        return;
    }
    hours_profile_ = std::min<int>(hours_profile_, int(profiles.size()) - 1);
    ListCombo(
        "##security.hours.profile", profiles[hours_profile_], int(profiles.size()),
        [&](int i) { return profiles[i]; }, [&](int i) { return profiles[i]; }, &hours_profile_,
        "security.hours.profile");
    for (int d = 0; d < 7; ++d) {
        bool on = hours_days_ & (1 << d);
        if (ImGui::Checkbox((std::string(Tr(std::string("security.day.") + kDayIds[d])) + "##hours").c_str(),
                            &on))
            hours_days_ = on ? (hours_days_ | (1 << d)) : (hours_days_ & ~(1 << d));
        MarkItem(std::string("security.hours.day.") + kDayIds[d]);
        if (d < 6) ImGui::SameLine();
    }
    ImGui::SetNextItemWidth(90.0f * ctx.scale);
    InputString("##security.hours.start", &hours_start_);
    MarkItem("security.hours.start");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(90.0f * ctx.scale);
    InputString("##security.hours.end", &hours_end_);
    MarkItem("security.hours.end");
    ImGui::SameLine();
    if (SecondaryButton(Tr("security.hours.set"))) {
        LoginHours h;
        h.profile = profiles[hours_profile_];
        h.weekdays = hours_days_;
        h.start_minute = ParseHm(hours_start_);
        h.end_minute = ParseHm(hours_end_);
        Status st = AuthOf(workspace_).SetLoginHours(ActingUser(), h);
        error_ = st.ok() ? std::string() : ErrorText(st.error());
    }
    MarkItem("security.hours.set");
    EndCard();
}

void SecurityPage::DrawLocked(const PageContext& ctx) {
    BeginCard();
    if (ctx.heading_font) ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(Tr("security.locked.heading"));
    if (ctx.heading_font) ImGui::PopFont();
    if (locked_.empty()) TextMuted(Tr("security.locked.none"));
    for (const std::string& user : locked_) {
        ImGui::TextUnformatted(user.c_str());
        ImGui::SameLine();
        if (ImGui::SmallButton((std::string(Tr("security.unlock")) + "##" + user).c_str())) {
            Status st = AuthOf(workspace_).Unlock(ActingUser(), user);
            error_ = st.ok() ? std::string() : ErrorText(st.error());
        }
        MarkItem("security.unlock." + user);
    }
    EndCard();
}

void SecurityPage::DrawHistory(const PageContext& ctx) {
    BeginCard();
    if (ctx.heading_font) ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(Tr("security.history.heading"));
    if (ctx.heading_font) ImGui::PopFont();
    if (TableFilter("security.history.filter", Tr("security.history.filter"), &history_user_,
                    220.0f * ctx.scale))
        seen_change_ = UINT64_MAX;
    ImGui::SameLine();
    if (SecondaryButton(Tr("security.history.export"))) {
        ImGui::SetClipboardText(AuthService::HistoryCsv(history_).c_str());
        message_ = Tr("security.history.copied");
    }
    MarkItem("security.history.export");
    ImGui::SameLine();
    if (SecondaryButton(Tr("security.history.download"))) {
        const std::string name = "login-history.csv";
        const std::string path = HomePath(name);
        error_ = SaveTextFile(AuthService::HistoryCsv(history_), name, path, "text/csv");
        if (error_.empty())
            message_ = FilesThroughBrowser() ? Tr("security.history.downloaded")
                                             : Tr("security.history.saved_to", {{"path", path}});
    }
    MarkItem("security.history.download");
    // The history scrolls inside its own area (up to 12 rows high): the page below it stays in reach.
    const float row_h = ImGui::GetTextLineHeightWithSpacing() + 2.0f * ImGui::GetStyle().CellPadding.y;
    const float rows = static_cast<float>(std::min<size_t>(history_.size(), 12) + 1);
    if (ImGui::BeginTable("security.history", 4,
                          ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollY,
                          ImVec2(0.0f, rows * row_h + 4.0f * ctx.scale))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(Tr("security.history.time", {{"zone", ShownZone().name}}).c_str());
        ImGui::TableSetupColumn(Tr("security.history.user"));
        ImGui::TableSetupColumn(Tr("security.history.result"));
        ImGui::TableSetupColumn(Tr("security.history.source"));
        ImGui::TableHeadersRow();
        for (const LoginEvent& e : history_) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            CellText(FormatZoneTime(ShownZone(), e.at_ms));
            ImGui::TableNextColumn();
            CellText(e.username);
            ImGui::TableNextColumn();
            CellText(Tr("security.result." + e.result));
            ImGui::TableNextColumn();
            CellText(Tr("security.source." + e.source));
        }
        ImGui::EndTable();
    }
    EndCard();
}

void SecurityPage::Publish(nlohmann::json& state) const {
    nlohmann::json history = nlohmann::json::array();
    for (size_t i = 0; i < history_.size() && i < 20; ++i) history.push_back(ToJson(history_[i]));
    state["security"] = {{"policy", ToJson(saved_)},
                         {"locked", locked_},
                         {"history", history},
                         {"error", error_},
                         {"message", message_}};
}

void DrawUserSecurityActions(Workspace& ws, const std::string& username, const PageContext& ctx) {
    static std::string password, note, for_user;
    static bool temporary = true;
    if (for_user != username) {
        for_user = username;
        password.clear();
        note.clear();
    }
    Result<PasswordState> st = AuthOf(ws).StateOf(username);
    if (!st.ok()) return;
    ImGui::Separator();
    TextMuted(Tr(st->locked         ? "user.security.locked"
                 : st->has_password ? "user.security.has_password"
                                    : "user.security.no_password"));
    ImGui::SetNextItemWidth(240.0f * ctx.scale);
    InputString("##user.security.password", &password, ImGuiInputTextFlags_Password);
    MarkItem("user.security.password");
    ImGui::SameLine();
    ImGui::Checkbox(Tr("user.security.temporary"), &temporary);
    MarkItem("user.security.temporary");
    ImGui::SameLine();
    if (SecondaryButton(Tr("user.security.reset"), !password.empty())) {
        Status s = AuthOf(ws).ResetPassword(ActingUser(), username, password, temporary);
        note = s.ok() ? std::string(Tr("user.security.reset_done")) : ErrorText(s.error());
        password.clear();
    }
    MarkItem("user.security.reset");
    if (st->locked) {
        ImGui::SameLine();
        if (SecondaryButton(Tr("user.security.unlock"))) {
            Status s = AuthOf(ws).Unlock(ActingUser(), username);
            note = s.ok() ? std::string(Tr("user.security.unlocked")) : ErrorText(s.error());
        }
        MarkItem("user.security.unlock");
    }
    if (!note.empty()) {
        TextMuted(note);
        PublishForm("user.security.note", note);
    }
}

}  // namespace crm::ui
