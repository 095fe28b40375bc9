#include "ui/access/sharing_panel.h"

#include <functional>
#include <memory>
#include <vector>

#include "imgui.h"
#include "ui/access/access_ui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

const char* const kOwdKeys[] = {"private", "public_read", "public_read_write"};
const char* const kGroupKeys[] = {"role", "role_and_subordinates", "team", "user"};

std::string GroupText(const ShareGroup& g) {
    return Tr(std::string("sharing.group.") + ShareGroupKindName(g.kind)) + std::string(": ") + g.name;
}

std::string OwdText(OrgWideDefault owd) {
    return Tr(std::string("sharing.owd.") + kOwdKeys[static_cast<int>(owd)]);
}

std::string WhichText(const SharingRule& r) {
    return r.owned_by ? TrFormat("sharing.owned_by", {GroupText(*r.owned_by)})
                      : TrFormat("sharing.criteria", {r.criteria});
}

std::string LevelText(AccessLevel level) {
    return Tr(level == AccessLevel::Edit ? "sharing.level.edit" : "sharing.level.read");
}

const ImGuiTableFlags kTableFlags = ImGuiTableFlags_Sortable | ImGuiTableFlags_SortTristate |
                                    ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                    ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_Resizable;

}  // namespace

std::string SharingPanel::ObjectText(const std::string& api_name) const {
    Result<std::shared_ptr<const ObjectDef>> def = workspace_.schema().Object(api_name);
    return def.ok() ? ShownLabel(**def) : api_name;
}

void SharingPanel::Draw(const PageContext& ctx) {
    if (!message_.empty()) TextColored(CurrentPalette().success, message_);
    if (!error_.empty()) ErrorLine("sharing.error", error_);
    ImGui::BeginChild("##sharing",
                      ImVec2(ImGui::GetContentRegionAvail().x - 28.0f * ctx.scale,
                             ImGui::GetContentRegionAvail().y - 16.0f * ctx.scale),
                      false);
    DrawDefaults(ctx);
    ImGui::Dummy(ImVec2(0.0f, 12.0f * ctx.scale));
    DrawRules(ctx);
    ImGui::EndChild();
    DrawEditor(ctx);
}

void SharingPanel::DrawDefaults(const PageContext& ctx) {
    const float s = ctx.scale;
    SectionHeading(ctx, "sharing.owd");
    AccessService& access = workspace_.access();
    // Sharing is changed with Manage Roles and Permissions: without it the settings are read only.
    PermissionGuard guard(access, SystemPermission::ManageRolesAndPermissions, "sharing");
    guard.Notice();
    TableFilter("sharing.owd.filter", Tr("sharing.owd.filter_hint"), &owd_filter_, 260.0f * s);
    // The rows that pass the filter, with the object's definition (its label and whether it is custom).
    struct Row {
        ObjectSharing sharing;
        std::shared_ptr<const ObjectDef> def;
        std::string label;  ///< as shown: the object's label in the console's language
    };
    std::vector<Row> rows;
    const std::string needle = LowerAscii(owd_filter_);
    for (const ObjectSharing& sharing : access.SharingSettings()) {
        Result<std::shared_ptr<const ObjectDef>> def = workspace_.schema().Object(sharing.object);
        Row row{sharing, def.ok() ? def.value() : nullptr, sharing.object};
        if (row.def) row.label = ShownLabel(*row.def);
        if (MatchesFilter(needle,
                          {sharing.object, row.label, row.def ? std::string_view(row.def->label) : ""})) {
            rows.push_back(std::move(row));
        }
    }
    if (!ImGui::BeginTable("sharing.owd", 3, kTableFlags)) return;
    ImGui::TableSetupColumn(Label("perm.col.object").c_str(), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn(Label("sharing.col.owd").c_str(), ImGuiTableColumnFlags_WidthFixed, 240.0f * s);
    ImGui::TableSetupColumn(Label("sharing.col.hierarchy").c_str(), ImGuiTableColumnFlags_WidthFixed,
                            200.0f * s);
    TakeSortSpecs(&owd_sort_column_, &owd_sort_desc_);
    TableHeadersRowMarked("sharing.owd", {"object", "owd", "hierarchy"});
    if (owd_sort_column_ == 0) {
        SortRowsBy(&rows, owd_sort_desc_, [](const Row& r) { return LowerAscii(r.label); });
    } else if (owd_sort_column_ == 1) {
        SortRowsBy(&rows, owd_sort_desc_, [](const Row& r) { return LowerAscii(OwdText(r.sharing.owd)); });
    } else if (owd_sort_column_ == 2) {
        SortRowsBy(&rows, owd_sort_desc_,
                   [](const Row& r) { return r.sharing.grant_access_using_hierarchies; });
    }
    for (const Row& row : rows) {
        const ObjectSharing& sharing = row.sharing;
        ImGui::PushID(sharing.object.c_str());
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::AlignTextToFramePadding();
        CellText(row.label);
        PublishForm("sharing.owd.label." + sharing.object, row.label);
        ImGui::TableSetColumnIndex(1);
        int owd = static_cast<int>(sharing.owd);
        guard.Begin();
        ImGui::SetNextItemWidth(-1.0f);
        if (ListCombo(
                "##owd", OwdText(sharing.owd), 3,
                [](int i) { return std::string(Tr(std::string("sharing.owd.") + kOwdKeys[i])); },
                [](int i) { return std::string(kOwdKeys[i]); }, &owd, "sharing.owd." + sharing.object)) {
            ObjectSharing changed = sharing;
            changed.owd = static_cast<OrgWideDefault>(owd);
            Status st = access.SetSharing(ActingUser(), changed);
            error_ = st.ok() ? std::string() : ErrorText(st.error());
            message_ = st.ok() ? TrFormat("sharing.saved", {row.label}) : "";
        }
        ImGui::TableSetColumnIndex(2);
        const bool custom = row.def && row.def->custom;
        bool hierarchy = sharing.grant_access_using_hierarchies;
        ImGui::BeginDisabled(!custom);
        if (ImGui::Checkbox(Label("sharing.hierarchy").c_str(), &hierarchy)) {
            ObjectSharing changed = sharing;
            changed.grant_access_using_hierarchies = hierarchy;
            Status st = access.SetSharing(ActingUser(), changed);
            error_ = st.ok() ? std::string() : ErrorText(st.error());
            message_ = st.ok() ? TrFormat("sharing.saved", {row.label}) : "";
        }
        ImGui::EndDisabled();
        guard.ReasonOnHover();
        MarkItem("sharing.hierarchy." + sharing.object);
        guard.End();
        ImGui::PopID();
    }
    ImGui::EndTable();
}

void SharingPanel::DrawRules(const PageContext& ctx) {
    SectionHeading(ctx, "sharing.rules");
    const PermissionGuard guard(workspace_.access(), SystemPermission::ManageRolesAndPermissions, "sharing");
    const bool new_clicked = PrimaryButton(Label("sharing.rules.new").c_str(), guard.allowed());
    guard.ReasonOnHover();
    if (new_clicked) {
        draft_ = SharingRule{};
        const auto objects = workspace_.schema().Objects();
        if (!objects.empty()) draft_.object = objects.front()->api_name;
        criteria_based_ = false;
        owned_kind_ = share_kind_ = 0;
        owned_name_.clear();
        errors_.clear();
        criteria_.Reset();
        editor_open_ = true;
    }
    MarkItem("sharing.rules.new");
    ImGui::SameLine();
    TableFilter("sharing.rules.filter", Tr("sharing.rules.filter_hint"), &rules_filter_, 260.0f * ctx.scale);
    AccessService& access = workspace_.access();
    const std::vector<SharingRule> all = access.SharingRules();
    const std::string needle = LowerAscii(rules_filter_);
    std::vector<const SharingRule*> rules;
    for (const SharingRule& r : all) {
        if (MatchesFilter(needle, {r.object, r.name})) rules.push_back(&r);
    }
    if (!ImGui::BeginTable("sharing.rules", 6, kTableFlags)) return;
    for (const char* c : {"sharing.col.object", "sharing.col.name", "sharing.col.which", "sharing.col.with",
                          "sharing.col.level"})
        ImGui::TableSetupColumn(Label(c).c_str());
    ImGui::TableSetupColumn(Label("sharing.col.actions").c_str(), ImGuiTableColumnFlags_NoSort);
    TakeSortSpecs(&rules_sort_column_, &rules_sort_desc_);
    TableHeadersRowMarked("sharing.rules", {"object", "name", "which", "with", "level"});
    if (rules_sort_column_ >= 0 && rules_sort_column_ < 5) {
        const int column = rules_sort_column_;
        SortRowsBy(&rules, rules_sort_desc_, [column](const SharingRule* r) {
            switch (column) {
                case 0:
                    return LowerAscii(r->object);
                case 1:
                    return LowerAscii(r->name);
                case 2:
                    return LowerAscii(WhichText(*r));
                case 3:
                    return LowerAscii(GroupText(r->share_with));
                default:
                    return LowerAscii(LevelText(r->level));
            }
        });
    }
    for (const SharingRule* rule : rules) {
        const SharingRule& r = *rule;
        ImGui::PushID((r.object + "." + r.name).c_str());
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        CellText(ObjectText(r.object));
        ImGui::TableSetColumnIndex(1);
        if (CellSelectable(r.name, "##rule")) {
            draft_ = r;
            criteria_based_ = !r.owned_by.has_value();
            owned_kind_ = r.owned_by ? static_cast<int>(r.owned_by->kind) : 0;
            owned_name_ = r.owned_by ? r.owned_by->name : "";
            share_kind_ = static_cast<int>(r.share_with.kind);
            errors_.clear();
            criteria_.Reset();
            editor_open_ = true;
        }
        MarkItem("sharing.rule." + r.object + "." + r.name);
        ImGui::TableSetColumnIndex(2);
        CellText(WhichText(r), true);
        ImGui::TableSetColumnIndex(3);
        CellText(GroupText(r.share_with));
        ImGui::TableSetColumnIndex(4);
        CellText(LevelText(r.level));
        ImGui::TableSetColumnIndex(5);
        ImGui::BeginDisabled(!guard.allowed());
        const bool delete_clicked = ImGui::SmallButton(Tr("sharing.rules.delete"));
        ImGui::EndDisabled();
        guard.ReasonOnHover();
        if (delete_clicked) {
            Status st = access.DeleteSharingRule(ActingUser(), r.object, r.name);
            error_ = st.ok() ? std::string() : ErrorText(st.error());
            message_ = st.ok() ? TrFormat("sharing.rules.deleted", {r.name}) : "";
        }
        MarkItem("sharing.rule.delete." + r.object + "." + r.name);
        ImGui::PopID();
    }
    if (all.empty()) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        TextMuted(Tr("sharing.rules.none"), false);
    }
    ImGui::EndTable();
}

void SharingPanel::DrawEditor(const PageContext& ctx) {
    const float s = ctx.scale;
    if (!BeginDialog("sharing.editor", Tr("sharing.editor.title"), 760.0f, &editor_open_, ctx)) return;
    AccessService& access = workspace_.access();
    // Without Manage Roles and Permissions the rule is shown read only; Cancel closes it.
    PermissionGuard guard(access, SystemPermission::ManageRolesAndPermissions, "sharing.editor");
    guard.Notice();
    guard.Begin();
    const float w = 300.0f * s;
    std::vector<std::string> objects, roles, teams, users;
    for (const auto& o : workspace_.schema().Objects()) objects.push_back(o->api_name);
    for (const Role& r : access.Roles()) roles.push_back(r.name);
    for (const Team& t : access.Teams()) teams.push_back(t.name);
    for (const User& u : access.Users()) users.push_back(u.username);
    auto group_names = [&](int kind) -> const std::vector<std::string>& {
        return kind == 2 ? teams : kind == 3 ? users : roles;
    };
    auto kind_combo = [&](const std::string& hook, int count, int* kind) {
        ListCombo(("##" + hook).c_str(), Tr(std::string("sharing.group.") + kGroupKeys[*kind]), count,
                  [](int i) { return std::string(Tr(std::string("sharing.group.") + kGroupKeys[i])); },
                  [](int i) { return std::string(kGroupKeys[i]); }, kind, hook);
    };
    FormRow("sharing.col.object", "sharing.editor.object", w, errors_, "object", [&] {
        NameCombo("sharing.editor.object", objects, &draft_.object, nullptr,
                  [&](const std::string& name) { return ObjectText(name); });
    });
    FormRow("sharing.col.name", "sharing.editor.name", w, errors_, "name", [&] {
        InputString("##sharing.editor.name", &draft_.name);
        MarkItem("sharing.editor.name");
    });
    FormRow("sharing.editor.type", "sharing.editor.type", w, errors_, "type", [&] {
        int type = criteria_based_ ? 1 : 0;
        ImGui::RadioButton(Label("sharing.editor.owner_based").c_str(), &type, 0);
        MarkItem("sharing.editor.owner_based");
        ImGui::SameLine();
        ImGui::RadioButton(Label("sharing.editor.criteria_based").c_str(), &type, 1);
        MarkItem("sharing.editor.criteria_based");
        criteria_based_ = type == 1;
    });
    if (criteria_based_) {
        FormRow("sharing.editor.criteria", "sharing.editor.criteria", w + 160.0f * s, errors_, "criteria",
                [&] {
                    // Checked as typed, with the check a save makes (AccessService::CheckCriteria).
                    const std::string object_name = draft_.object;
                    criteria_.Draw(
                        ctx, "sharing.editor.criteria", &draft_.criteria, 72.0f * s,
                        [&access, object_name](const std::string& text) {
                            return access.CheckCriteria(object_name, text);
                        },
                        // (another object is another check: the version counts it in)
                        workspace_.schema().version() * 31 + std::hash<std::string>{}(object_name));
                });
    } else {
        FormRow("sharing.editor.owned_by", "sharing.editor.owned_by", w, errors_, "owned_by", [&] {
            ImGui::SetNextItemWidth(w * 0.5f);
            kind_combo("sharing.editor.owned_kind", 3, &owned_kind_);
            ImGui::SameLine();
            ImGui::SetNextItemWidth(w * 0.5f);
            NameCombo("sharing.editor.owned_name", group_names(owned_kind_), &owned_name_);
        });
    }
    FormRow("sharing.col.with", "sharing.editor.share_with", w, errors_, "share_with", [&] {
        ImGui::SetNextItemWidth(w * 0.5f);
        kind_combo("sharing.editor.share_kind", 4, &share_kind_);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(w * 0.5f);
        NameCombo("sharing.editor.share_name", group_names(share_kind_), &draft_.share_with.name);
    });
    FormRow("sharing.col.level", "sharing.editor.level", w, errors_, "level", [&] {
        int level = draft_.level == AccessLevel::Edit ? 1 : 0;
        ImGui::RadioButton(Label("sharing.level.read").c_str(), &level, 0);
        MarkItem("sharing.editor.level.read");
        ImGui::SameLine();
        ImGui::RadioButton(Label("sharing.level.edit").c_str(), &level, 1);
        MarkItem("sharing.editor.level.edit");
        draft_.level = level == 1 ? AccessLevel::Edit : AccessLevel::Read;
    });
    guard.End();
    if (errors_.count("")) ErrorLine("sharing.editor.error", errors_.at(""));
    ImGui::Dummy(ImVec2(0.0f, 10.0f * s));
    const int clicked =
        ButtonRow({{"dialog.cancel", "sharing.editor.cancel"}, {"dialog.save", "sharing.editor.save"}}, 1, -1,
                  {true, guard.allowed()});
    guard.ReasonOnHover();  // over Save, the row's last button
    if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        ImGui::CloseCurrentPopup();
    } else if (clicked == 1) {
        SharingRule rule = draft_;
        rule.share_with.kind = static_cast<ShareGroup::Kind>(share_kind_);
        if (criteria_based_) {
            rule.owned_by.reset();
        } else {
            rule.owned_by = ShareGroup{static_cast<ShareGroup::Kind>(owned_kind_), owned_name_};
            rule.criteria.clear();
        }
        errors_.clear();
        Result<SharingRule> saved = access.SaveSharingRule(ActingUser(), rule);
        if (saved.ok()) {
            message_ = TrFormat("sharing.rules.saved", {rule.name});
            error_.clear();
            ImGui::CloseCurrentPopup();
        } else {
            AddError(&errors_, saved.error());
        }
    }
    EndDialog();
}

}  // namespace crm::ui
