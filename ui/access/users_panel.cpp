#include "ui/access/users_panel.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "imgui.h"
#include "ui/access/access_ui.h"
#include "ui/access/security_page.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

bool Contains(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

void UsersPanel::Reload() {
    if (loaded_change_ == workspace_.change_count() && loaded_actor_ == ActingUser()) return;
    loaded_change_ = workspace_.change_count();
    loaded_actor_ = ActingUser();
    AccessService& access = workspace_.access();
    users_ = access.Users();
    rows_change_ = UINT64_MAX;  // rows_ index users_: made again
    roles_.clear();
    for (const Role& r : access.Roles()) roles_.push_back(r.name);
    teams_.clear();
    for (const Team& t : access.Teams()) teams_.push_back(t.name);
    profiles_.clear();
    // A new user starts with the least privileged profile: the fewest system permissions, then the fewest
    // object permissions (never System Administrator while another profile exists).
    least_profile_.clear();
    std::pair<size_t, int> least{SIZE_MAX, 0};
    for (const PermissionSet& p : access.PermissionSets(PermissionSetKind::Profile)) {
        profiles_.push_back(p.name);
        int bits = 0;
        for (const auto& [object, perm] : p.objects) {
            for (uint8_t b = perm; b; b &= static_cast<uint8_t>(b - 1)) ++bits;
        }
        const std::pair<size_t, int> rank{p.system.size(), bits};
        if (rank < least) {
            least = rank;
            least_profile_ = p.name;
        }
    }
    sets_.clear();
    for (const PermissionSet& p : access.PermissionSets(PermissionSetKind::PermissionSet))
        sets_.push_back(p.name);
}

void UsersPanel::Edit(const std::string& username) {
    Reload();
    for (const User& u : users_) {
        if (u.username != username) continue;
        draft_ = u;
        original_username_ = u.username;
        is_new_ = false;
        errors_.clear();
        editor_open_ = true;
    }
}

void UsersPanel::Draw(const PageContext& ctx) {
    Reload();
    // Viewing as a user without Manage Users: the controls that change users are disabled, with the reason
    // on hover, instead of a refusal after Save.
    const PermissionGuard guard(workspace_.access(), SystemPermission::ManageUsers, "users");
    DrawFilters(ctx, guard);
    DrawTable(ctx, guard);
    DrawEditor(ctx);
    DrawConfirm(ctx);
}

void UsersPanel::DrawFilters(const PageContext& ctx, const PermissionGuard& guard) {
    const float s = ctx.scale;
    ImGui::SetNextItemWidth(220.0f * s);
    InputString("##users.search", &search_, 0, Tr("users.search_hint"));
    MarkItem("users.search");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(150.0f * s);
    NameCombo("users.filter.role", roles_, &role_, "users.filter.any_role");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(150.0f * s);
    NameCombo("users.filter.profile", profiles_, &profile_, "users.filter.any_profile");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(130.0f * s);
    NameCombo("users.filter.team", teams_, &team_, "users.filter.any_team");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(120.0f * s);
    const char* const active_ids[] = {"users.filter.any_state", "users.active", "users.inactive"};
    const char* const active_keys[] = {"any", "active", "inactive"};
    ListCombo(
        "##users.filter.active", Tr(active_ids[active_]), 3,
        [&](int i) { return std::string(Tr(active_ids[i])); },
        [&](int i) { return std::string(active_keys[i]); }, &active_, "users.filter.active");
    ImGui::SameLine();
    const bool new_clicked = PrimaryButton(Label("users.new").c_str(), guard.allowed());
    guard.ReasonOnHover();
    if (new_clicked) {
        draft_ = User{};
        draft_.profile = least_profile_;
        original_username_.clear();
        is_new_ = true;
        errors_.clear();
        editor_open_ = true;
    }
    MarkItem("users.new");

    // Bulk assignment of a permission set to the selected users.
    ImGui::AlignTextToFramePadding();
    TextMuted(TrFormat("users.selected", {std::to_string(selected_.size())}), false);
    ImGui::SameLine();
    std::string bulk =
        sets_.empty() ? "" : sets_[static_cast<size_t>(std::min<int>(bulk_set_, sets_.size() - 1))];
    ImGui::SetNextItemWidth(200.0f * s);
    if (NameCombo("users.bulk.permset", sets_, &bulk)) {
        for (size_t i = 0; i < sets_.size(); ++i) {
            if (sets_[i] == bulk) bulk_set_ = static_cast<int>(i);
        }
    }
    ImGui::SameLine();
    const bool bulk_clicked = SecondaryButton(Label("users.bulk.assign").c_str(),
                                              guard.allowed() && !selected_.empty() && !bulk.empty());
    guard.ReasonOnHover();
    if (bulk_clicked) {
        int done = 0;
        error_.clear();
        for (const std::string& u : selected_) {
            Status st = workspace_.access().AssignPermissionSet(ActingUser(), bulk, u);
            if (st.ok()) {
                ++done;
            } else {
                error_ = u + ": " + ErrorText(st.error());
            }
        }
        message_ = TrFormat("users.bulk.done", {bulk, std::to_string(done)});
    }
    MarkItem("users.bulk.assign");
    if (!message_.empty()) {
        ImGui::SameLine();
        TextColored(CurrentPalette().success, message_, false);
    }
    if (!error_.empty()) ErrorLine("users.error", error_);
    PublishForm("users.selected", std::vector<std::string>(selected_.begin(), selected_.end()));
}

void UsersPanel::SortRows() {
    const std::string needle = LowerAscii(search_);
    const std::string view = needle + '\n' + role_ + '\n' + profile_ + '\n' + team_ + '\n' + std::to_string(active_) +
                             '\n' + std::to_string(sort_column_) + (sort_desc_ ? "d" : "a");
    if (rows_change_ == loaded_change_ && rows_view_ == view) return;
    rows_change_ = loaded_change_;
    rows_view_ = view;
    rows_.clear();
    std::vector<std::string> keys;
    for (size_t i = 0; i < users_.size(); ++i) {
        const User& u = users_[i];
        if (!needle.empty() &&
            LowerAscii(u.full_name + " " + u.username + " " + u.email).find(needle) == std::string::npos)
            continue;
        if (!role_.empty() && u.role != role_) continue;
        if (!profile_.empty() && u.profile != profile_) continue;
        if (!team_.empty() && !Contains(u.teams, team_)) continue;
        if (active_ == 1 && !u.active) continue;
        if (active_ == 2 && u.active) continue;
        rows_.push_back(i);
    }
    auto key = [&](const User& u) -> std::string {
        switch (sort_column_) {
            case 2:
                return u.username;
            case 3:
                return LowerAscii(u.email);
            case 4:
                return u.role;
            case 5:
                return u.profile;
            case 6:
                return u.active ? "0" : "1";
            default:
                return LowerAscii(u.full_name);
        }
    };
    keys.resize(users_.size());
    for (size_t i : rows_) keys[i] = key(users_[i]);
    std::stable_sort(rows_.begin(), rows_.end(),
                     [&](size_t a, size_t b) { return sort_desc_ ? keys[b] < keys[a] : keys[a] < keys[b]; });
    listed_ = nlohmann::json::array();
    for (size_t i : rows_) listed_.push_back(users_[i].username);
}

void UsersPanel::DrawRow(const User& u, const PermissionGuard& guard) {
    ImGui::PushID(u.username.c_str());
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    bool sel = selected_.count(u.username) > 0;
    if (ImGui::Checkbox("##sel", &sel)) {
        if (sel) {
            selected_.insert(u.username);
        } else {
            selected_.erase(u.username);
        }
    }
    MarkItem("users.select." + u.username);
    ImGui::TableSetColumnIndex(1);
    if (CellSelectable(u.full_name.empty() ? u.username : u.full_name, "##user." + u.username)) Edit(u.username);
    MarkItem("users.row." + u.username);
    ImGui::TableSetColumnIndex(2);
    CellText(u.username, true);
    ImGui::TableSetColumnIndex(3);
    CellText(u.email);
    ImGui::TableSetColumnIndex(4);
    CellText(u.role);
    ImGui::TableSetColumnIndex(5);
    CellText(u.profile);
    ImGui::TableSetColumnIndex(6);
    TextColored(u.active ? CurrentPalette().success : CurrentPalette().text_muted,
                Tr(u.active ? "users.active" : "users.inactive"), false);
    ImGui::TableSetColumnIndex(7);
    ImGui::BeginDisabled(!guard.allowed());
    const bool toggled = ImGui::SmallButton(Tr(u.active ? "users.deactivate" : "users.reactivate"));
    ImGui::EndDisabled();
    guard.ReasonOnHover();
    if (toggled) {
        confirm_user_ = u.username;
        confirm_activate_ = !u.active;
        confirm_error_.clear();
        confirm_open_ = true;
    }
    MarkItem((u.active ? "users.deactivate." : "users.reactivate.") + u.username);
    ImGui::PopID();
}

void UsersPanel::DrawTable(const PageContext& ctx, const PermissionGuard& guard) {
    const float s = ctx.scale;
    Reload();  // a bulk assignment above may have changed them
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp |
                                  ImGuiTableFlags_Resizable;
    const float width = ImGui::GetContentRegionAvail().x - 28.0f * s;
    const float height = ImGui::GetContentRegionAvail().y - 16.0f * s;
    if (ImGui::BeginTable("users.table", 8, flags, ImVec2(width, height))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("##sel", ImGuiTableColumnFlags_NoSort | ImGuiTableColumnFlags_WidthFixed,
                                28.0f * s);
        const char* const cols[] = {"users.col.name", "users.col.username", "users.col.email",
                                    "users.col.role", "users.col.profile",  "users.col.active"};
        for (const char* c : cols) ImGui::TableSetupColumn(Label(c).c_str(), 0, 1.0f);
        ImGui::TableSetupColumn("##actions", ImGuiTableColumnFlags_NoSort | ImGuiTableColumnFlags_WidthFixed,
                                120.0f * s);
        if (TakeSortSpecs(&sort_column_, &sort_desc_) && sort_column_ < 0) sort_column_ = 1;
        ImGui::TableHeadersRow();
        SortRows();
        // Only the rows in view are drawn: a list of 1,000 users costs what its visible rows cost (the
        // rows scrolled out of view are not drawn, so not published either; users.rows lists them all).
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(rows_.size()));
        while (clipper.Step()) {
            for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) DrawRow(users_[rows_[static_cast<size_t>(r)]], guard);
        }
        if (rows_.empty()) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(1);
            TextMuted(Tr("users.none"), false);
        }
        ImGui::EndTable();
    }
    PublishForm("users.rows", listed_);
}

bool UsersPanel::Save() {
    AccessService& access = workspace_.access();
    errors_.clear();
    Result<User> saved =
        is_new_ ? access.CreateUser(ActingUser(), draft_) : access.UpdateUser(ActingUser(), draft_);
    if (!saved.ok()) {
        AddError(&errors_, saved.error());
        return false;
    }
    const User before = saved.value();
    // Teams and permission sets: the differences, one call each.
    auto apply = [&](const std::vector<std::string>& want, const std::vector<std::string>& have, auto&& add,
                     auto&& remove) {
        for (const std::string& n : want) {
            if (!Contains(have, n)) {
                Status st = add(n);
                if (!st.ok()) AddError(&errors_, st.error());
            }
        }
        for (const std::string& n : have) {
            if (!Contains(want, n)) {
                Status st = remove(n);
                if (!st.ok()) AddError(&errors_, st.error());
            }
        }
    };
    const std::string& who = before.username;
    apply(
        draft_.teams, before.teams,
        [&](const std::string& t) { return access.AddTeamMember(ActingUser(), t, who); },
        [&](const std::string& t) { return access.RemoveTeamMember(ActingUser(), t, who); });
    apply(
        draft_.permission_sets, before.permission_sets,
        [&](const std::string& p) { return access.AssignPermissionSet(ActingUser(), p, who); },
        [&](const std::string& p) { return access.UnassignPermissionSet(ActingUser(), p, who); });
    if (!errors_.empty()) {
        is_new_ = false;
        draft_.id = before.id;
        return false;
    }
    message_ = TrFormat(is_new_ ? "users.created" : "users.saved", {who});
    return true;
}

void UsersPanel::DrawEditor(const PageContext& ctx) {
    const float s = ctx.scale;
    if (!BeginDialog("user.editor", Tr(is_new_ ? "user.editor.new_title" : "user.editor.edit_title"), 760.0f,
                     &editor_open_, ctx))
        return;
    // Without Manage Users the editor shows the user read only: every field and Save are off, the reason
    // above them and on hover; Cancel closes it.
    PermissionGuard guard(workspace_.access(), SystemPermission::ManageUsers, "user.editor");
    guard.Notice();
    guard.Begin();
    const float w = 300.0f * s;
    auto text = [&](const char* field, std::string* value) {
        const std::string hook = std::string("user.editor.") + field;
        FormRow(("user.field." + std::string(field)).c_str(), hook, w, errors_, field, [&] {
            InputString(("##" + hook).c_str(), value);
            MarkItem(hook);
        });
        PublishForm(hook, *value);
    };
    text("full_name", &draft_.full_name);
    text("username", &draft_.username);
    text("email", &draft_.email);
    text("phone", &draft_.phone);
    std::vector<std::string> managers;
    for (const User& u : users_) {
        if (u.username != original_username_) managers.push_back(u.username);
    }
    std::function<std::string(const std::string&)> shown;
    auto combo = [&](const char* field, const std::vector<std::string>& names, std::string* value,
                     const char* none) {
        const std::string hook = std::string("user.editor.") + field;
        FormRow(("user.field." + std::string(field)).c_str(), hook, w, errors_, field,
                [&] { NameCombo(hook, names, value, none, shown); });
        PublishForm(hook, *value);
    };
    // The manager is picked by name ("高建国 (user9)"); the value stays the username.
    shown = [&](const std::string& name) { return UserShownName(users_, name); };
    combo("manager", managers, &draft_.manager, "user.none");
    shown = nullptr;
    combo("role", roles_, &draft_.role, "user.none");
    combo("profile", profiles_, &draft_.profile, nullptr);
    auto checks = [&](const char* field, const std::vector<std::string>& names,
                      std::vector<std::string>* value) {
        const std::string hook = std::string("user.editor.") + field;
        FormRow(("user.field." + std::string(field)).c_str(), hook, w + 200.0f * s, errors_, field, [&] {
            if (names.empty()) TextMuted(Tr("user.none"), false);
            for (size_t i = 0; i < names.size(); ++i) {
                bool on = Contains(*value, names[i]);
                if (i % 3 != 0) ImGui::SameLine();
                if (ImGui::Checkbox((names[i] + "##" + hook).c_str(), &on)) {
                    if (on) {
                        value->push_back(names[i]);
                    } else {
                        value->erase(std::remove(value->begin(), value->end(), names[i]), value->end());
                    }
                }
                MarkItem(hook + "." + names[i]);
            }
        });
        PublishForm(hook, *value);
    };
    checks("teams", teams_, &draft_.teams);
    checks("permission_sets", sets_, &draft_.permission_sets);
    const std::vector<std::string> languages = {"en", "zh-CN"};
    combo("language", languages, &draft_.language, nullptr);
    text("time_zone", &draft_.time_zone);
    FormRow("user.field.active", "user.editor.active", w, errors_, "active", [&] {
        ImGui::Checkbox("##user.editor.active", &draft_.active);
        MarkItem("user.editor.active");
    });
    if (!is_new_) DrawUserSecurityActions(workspace_, draft_.username, ctx);  // Reset password, Unlock
    guard.End();
    if (errors_.count("")) ErrorLine("user.editor.error", errors_.at(""));
    ImGui::Dummy(ImVec2(0.0f, 10.0f * s));
    const int clicked =
        ButtonRow({{"dialog.cancel", "user.editor.cancel"}, {"dialog.save", "user.editor.save"}}, 1, -1,
                  {true, guard.allowed()});
    guard.ReasonOnHover();  // over Save, the row's last button
    if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        ImGui::CloseCurrentPopup();
    } else if (clicked == 1 && Save()) {
        ImGui::CloseCurrentPopup();
    }
    EndDialog();
}

void UsersPanel::DrawConfirm(const PageContext& ctx) {
    const char* title_id = confirm_activate_ ? "users.reactivate.title" : "users.deactivate.title";
    if (!BeginDialog("users.confirm", TrFormat(title_id, {confirm_user_}), 520.0f, &confirm_open_, ctx))
        return;
    TextMuted(Tr(confirm_activate_ ? "users.reactivate.body" : "users.deactivate.body"));
    if (!confirm_error_.empty()) ErrorLine("users.confirm", confirm_error_);
    ImGui::Dummy(ImVec2(0.0f, 10.0f * ctx.scale));
    const int clicked =
        ButtonRow({{"dialog.cancel", "users.confirm.cancel"},
                   {confirm_activate_ ? "users.reactivate" : "users.deactivate", "users.confirm.ok"}},
                  confirm_activate_ ? 1 : -1, confirm_activate_ ? -1 : 1);
    if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        ImGui::CloseCurrentPopup();
    } else if (clicked == 1) {
        Status st = workspace_.access().SetUserActive(ActingUser(), confirm_user_, confirm_activate_);
        if (st.ok()) {
            message_ =
                TrFormat(confirm_activate_ ? "users.reactivated" : "users.deactivated", {confirm_user_});
            ImGui::CloseCurrentPopup();
        } else {
            confirm_error_ = ErrorText(st.error());
        }
    }
    EndDialog();
}

}  // namespace crm::ui
