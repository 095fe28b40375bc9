#include "ui/access/teams_panel.h"

#include <algorithm>

#include "imgui.h"
#include "ui/access/access_ui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

void TeamsPanel::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    AccessService& access = workspace_.access();
    const std::vector<Team> teams = access.Teams();
    auto report = [&](const Status& st, const std::string& ok_text) {
        if (st.ok()) {
            error_.clear();
            message_ = ok_text;
        } else {
            message_.clear();
            error_ = ErrorText(st.error());
        }
    };
    const float height = ImGui::GetContentRegionAvail().y - 16.0f * s;
    // Teams and their members are changed with Manage Users, a team's permission sets with Manage Roles and
    // Permissions (core/access/roles_teams.cpp): without them those controls are off, the reason on hover.
    PermissionGuard members_guard(access, SystemPermission::ManageUsers, "teams");
    PermissionGuard sets_guard(access, SystemPermission::ManageRolesAndPermissions, "teams.sets");
    ImGui::BeginChild("##teams.list", ImVec2(240.0f * s, height), true);
    members_guard.Begin();
    ImGui::SetNextItemWidth(-1.0f);
    InputString("##teams.new_name", &new_name_, 0, Tr("teams.new_hint"));
    members_guard.ReasonOnHover();
    MarkItem("teams.new_name");
    const bool new_clicked =
        PrimaryButton(Label("teams.new").c_str(), !new_name_.empty(), ImVec2(-1.0f, 0.0f));
    members_guard.ReasonOnHover();
    members_guard.End();
    if (new_clicked) {
        Result<Team> t = access.CreateTeam(ActingUser(), new_name_, "");
        report(t.ok() ? Status{} : Status{t.error()}, TrFormat("teams.created", {new_name_}));
        if (t.ok()) {
            selected_ = t->name;
            new_name_.clear();
        }
    }
    MarkItem("teams.new");
    ImGui::Separator();
    for (const Team& t : teams) {
        if (ImGui::Selectable((t.name + "  (" + std::to_string(t.members.size()) + ")###" + t.name).c_str(),
                              t.name == selected_))
            selected_ = t.name;
        MarkItem("teams.row." + t.name);
    }
    if (teams.empty()) TextMuted(Tr("teams.none"));
    ImGui::EndChild();
    ImGui::SameLine(0.0f, 16.0f * s);
    ImGui::BeginChild("##teams.detail", ImVec2(ImGui::GetContentRegionAvail().x - 28.0f * s, height), false);
    if (!message_.empty()) TextColored(CurrentPalette().success, message_);
    if (!error_.empty()) ErrorLine("teams.error", error_);
    members_guard.Notice();
    const Team* team = nullptr;
    for (const Team& t : teams) {
        if (t.name == selected_) team = &t;
    }
    if (team) {
        ImGui::PushFont(ctx.heading_font);
        ImGui::TextUnformatted(team->name.c_str());
        ImGui::PopFont();
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Text, CurrentPalette().danger);
        // Deleting a team needs both permissions.
        const bool delete_clicked =
            SecondaryButton(Label("teams.delete").c_str(), members_guard.allowed() && sets_guard.allowed());
        members_guard.ReasonOnHover();
        if (members_guard.allowed()) sets_guard.ReasonOnHover();
        if (delete_clicked) {
            report(access.DeleteTeam(ActingUser(), team->name), TrFormat("teams.deleted", {team->name}));
        }
        ImGui::PopStyleColor();
        MarkItem("teams.delete");
        SectionHeading(ctx, "teams.members");
        const std::vector<User> users = access.Users();
        auto shown = [&](const std::string& name) { return UserShownName(users, name); };
        std::vector<std::string> others;
        for (const User& u : users) {
            if (std::find(team->members.begin(), team->members.end(), u.username) == team->members.end())
                others.push_back(u.username);
        }
        members_guard.Begin();
        ImGui::SetNextItemWidth(220.0f * s);
        NameCombo("teams.add_user", others, &add_user_, nullptr, shown);
        ImGui::SameLine();
        const bool add_clicked = SecondaryButton(Label("teams.add").c_str(), !add_user_.empty());
        members_guard.ReasonOnHover();
        if (add_clicked) {
            report(access.AddTeamMember(ActingUser(), team->name, add_user_),
                   TrFormat("teams.added", {shown(add_user_), team->name}));
            add_user_.clear();
        }
        MarkItem("teams.add");
        for (const std::string& m : team->members) {
            ImGui::PushID(m.c_str());
            ImGui::AlignTextToFramePadding();
            const std::string member = shown(m);
            ImGui::BulletText("%s", member.c_str());
            MarkItem("teams.member." + m);
            PublishForm("teams.member." + m, member);
            ImGui::SameLine();
            const bool remove_clicked = ImGui::SmallButton(Tr("teams.remove"));
            members_guard.ReasonOnHover();
            if (remove_clicked) {
                report(access.RemoveTeamMember(ActingUser(), team->name, m),
                       TrFormat("teams.removed", {member, team->name}));
            }
            MarkItem("teams.remove." + m);
            ImGui::PopID();
        }
        members_guard.End();
        if (team->members.empty()) TextMuted(Tr("teams.no_members"));
        SectionHeading(ctx, "teams.permission_sets");
        if (members_guard.allowed()) sets_guard.Notice();
        sets_guard.Begin();
        std::vector<std::string> sets;
        for (const PermissionSet& p : access.PermissionSets(PermissionSetKind::PermissionSet))
            sets.push_back(p.name);
        ImGui::SetNextItemWidth(220.0f * s);
        NameCombo("teams.add_set", sets, &add_set_);
        ImGui::SameLine();
        const bool assign_clicked = SecondaryButton(Label("teams.assign").c_str(), !add_set_.empty());
        sets_guard.ReasonOnHover();
        if (assign_clicked) {
            report(access.AssignPermissionSetToTeam(ActingUser(), add_set_, team->name),
                   TrFormat("teams.assigned", {add_set_, team->name}));
        }
        MarkItem("teams.assign");
        for (const std::string& p : team->permission_sets) {
            ImGui::PushID(p.c_str());
            ImGui::AlignTextToFramePadding();
            ImGui::BulletText("%s", p.c_str());
            ImGui::SameLine();
            const bool unassign_clicked = ImGui::SmallButton(Tr("teams.remove"));
            sets_guard.ReasonOnHover();
            if (unassign_clicked) {
                report(access.UnassignPermissionSetFromTeam(ActingUser(), p, team->name),
                       TrFormat("teams.removed", {p, team->name}));
            }
            MarkItem("teams.unassign." + p);
            ImGui::PopID();
        }
        sets_guard.End();
    } else {
        TextMuted(Tr("teams.pick"));
    }
    ImGui::EndChild();
}

}  // namespace crm::ui
