#include "ui/access/permsets_panel.h"

#include <algorithm>

#include "imgui.h"
#include "ui/access/access_ui.h"
#include "ui/access/rename_note.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/undo_notice.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

/// Offers to undo a grant change on the console's notice: "{permission} on {what} granted to {set}" (or
/// "removed from"), "{permission} granted to {set}" when `what` answers "" (a system permission). The
/// words are asked each time the notice draws, so they follow the console's language.
void OfferGrantUndo(std::function<std::string()> permission, std::function<std::string()> what,
                    const std::string& set, bool granted, UndoAction undo) {
    OfferUndo(
        [permission = std::move(permission), what = std::move(what), set, granted] {
            const std::string on = what();
            const char* id = on.empty() ? (granted ? "perm.undo.sys_granted" : "perm.undo.sys_removed")
                                        : (granted ? "perm.undo.granted" : "perm.undo.removed");
            return Tr(id, {{"permission", permission()}, {"what", on}, {"set", set}});
        },
        std::move(undo));
}

// `bits` without `bit` and without every bit that needs it.
uint8_t WithoutBit(uint8_t bits, uint8_t bit) {
    uint8_t out = static_cast<uint8_t>(bits & ~bit);
    for (int i = 0; i < 6; ++i) {
        const uint8_t b = static_cast<uint8_t>(1u << i);
        if ((WithObjectDependencies(b) & bit) != 0) out = static_cast<uint8_t>(out & ~b);
    }
    return out;
}

const ImGuiTableFlags kTableFlags = ImGuiTableFlags_Sortable | ImGuiTableFlags_SortTristate |
                                    ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                    ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY;

std::string JoinLabels(const std::vector<std::string>& keys) {
    std::string out;
    for (const std::string& k : keys) {
        if (!out.empty()) out += ", ";
        out += ObjectPermLabel(k);
    }
    return out;
}

}  // namespace

std::string PermSetsPanel::Prefix() const {
    return kind_ == PermissionSetKind::Profile ? "perm.profile." : "perm.permset.";
}

nlohmann::json PermSetsPanel::State() const {
    return {{"selected", selected_}, {"section", section_}, {"notice", notice_}, {"error", error_}};
}

void PermSetsPanel::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    AccessService& access = workspace_.access();
    const std::vector<PermissionSet> sets = access.PermissionSets(kind_);
    if (selected_.empty() && !sets.empty()) selected_ = sets.front().name;

    // The list of sets on the left.
    const float list_w = 220.0f * s;
    const float height = ImGui::GetContentRegionAvail().y - 16.0f * s;
    // Profiles and permission sets are changed with Manage Roles and Permissions: without it every control
    // that changes them is off (the grids read only), the reason above them and on hover.
    PermissionGuard guard(access, SystemPermission::ManageRolesAndPermissions, Prefix() + "sets");
    ImGui::BeginChild("##sets", ImVec2(list_w, height), true);
    const bool new_clicked = PrimaryButton(
        Label(kind_ == PermissionSetKind::Profile ? "perm.new_profile" : "perm.new_permset").c_str(),
        guard.allowed(), ImVec2(-1.0f, 0.0f));
    guard.ReasonOnHover();
    if (new_clicked) {
        new_name_.clear();
        new_copy_from_.clear();
        new_error_.clear();
        new_open_ = true;
    }
    MarkItem(Prefix() + "new");
    for (const PermissionSet& set : sets) {
        if (ImGui::Selectable(set.name.c_str(), set.name == selected_)) {
            selected_ = set.name;
            notice_.clear();
            error_.clear();
        }
        MarkItem(Prefix() + set.name);
    }
    ImGui::EndChild();
    ImGui::SameLine(0.0f, 16.0f * s);

    ImGui::BeginChild("##set", ImVec2(ImGui::GetContentRegionAvail().x - 28.0f * s, height), false);
    const PermissionSet* set = nullptr;
    for (const PermissionSet& candidate : sets) {
        if (candidate.name == selected_) set = &candidate;
    }
    if (set) {
        ImGui::PushFont(ctx.heading_font);
        ImGui::TextUnformatted(set->name.c_str());
        ImGui::PopFont();
        ImGui::SameLine(0.0f, 16.0f * s);
        const bool rename_clicked = SecondaryButton(Label("perm.rename").c_str(), guard.allowed());
        guard.ReasonOnHover();
        if (rename_clicked) {
            target_ = set->name;
            rename_to_ = set->name;
            rename_error_.clear();
            rename_open_ = true;
        }
        MarkItem(Prefix() + "rename");
        ImGui::SameLine();
        const bool delete_clicked = SecondaryButton(Label("perm.delete").c_str(), guard.allowed());
        guard.ReasonOnHover();
        if (delete_clicked) {
            target_ = set->name;
            delete_error_.clear();
            delete_open_ = true;
        }
        MarkItem(Prefix() + "delete");
        if (!set->description.empty()) TextMuted(set->description);
        const char* const sections[] = {"objects", "fields", "system", "compare"};
        for (const char* section : sections) {
            const bool current = section_ == section;
            if (current) ImGui::PushStyleColor(ImGuiCol_Button, CurrentPalette().accent_soft);
            if (ImGui::Button(Label(std::string("perm.section.") + section).c_str())) {
                section_ = section;
                notice_.clear();
                error_.clear();
            }
            if (current) ImGui::PopStyleColor();
            MarkItem(std::string("perm.section.") + section);
            ImGui::SameLine();
        }
        ImGui::NewLine();
        if (!notice_.empty()) TextColored(CurrentPalette().success, notice_);
        if (!error_.empty()) ErrorLine("perm.error", error_);
        if (section_ != "compare") guard.Notice();
        guard.Begin();
        if (section_ == "objects") DrawMatrix(ctx, *set);
        if (section_ == "fields") DrawFields(ctx, *set);
        if (section_ == "system") DrawSystem(ctx, *set);
        guard.End();
        if (section_ == "compare") DrawCompare(ctx, *set);
    }
    ImGui::EndChild();
    DrawNewDialog(ctx);
    DrawRenameDialog(ctx);
    DrawDeleteDialog(ctx);
}

void PermSetsPanel::DrawMatrix(const PageContext& ctx, const PermissionSet& set) {
    const float s = ctx.scale;
    const std::vector<std::string>& keys = ObjectPermKeys();
    TableFilter("perm.matrix.filter", Tr("perm.matrix.filter_hint"), &matrix_filter_, 260.0f * s);
    auto bits_of = [&set](const std::string& object) -> uint8_t {
        const auto it = set.objects.find(object);
        return it == set.objects.end() ? 0 : it->second;
    };
    const std::string needle = LowerAscii(matrix_filter_);
    const auto all = workspace_.schema().Objects();
    std::vector<const ObjectDef*> objects;
    for (const auto& object : all) {
        if (MatchesFilter(needle, {object->label, object->label_zh, object->api_name}))
            objects.push_back(object.get());
    }
    if (!ImGui::BeginTable("perm.matrix", 7, kTableFlags,
                           ImVec2(0.0f, ImGui::GetContentRegionAvail().y - 8.0f * s)))
        return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(Label("perm.col.object").c_str(), ImGuiTableColumnFlags_WidthFixed, 200.0f * s);
    for (const std::string& k : keys) {
        ImGui::TableSetupColumn((ObjectPermLabel(k) + "###" + k).c_str(), ImGuiTableColumnFlags_WidthStretch);
    }
    TakeSortSpecs(&matrix_sort_column_, &matrix_sort_desc_);
    std::vector<std::string> header_keys = {"object"};
    header_keys.insert(header_keys.end(), keys.begin(), keys.end());
    TableHeadersRowMarked("perm.matrix", header_keys);
    if (matrix_sort_column_ == 0) {
        SortRowsBy(&objects, matrix_sort_desc_,
                   [](const ObjectDef* o) { return LowerAscii(ShownLabel(*o)); });
    } else if (matrix_sort_column_ > 0 && matrix_sort_column_ <= static_cast<int>(keys.size())) {
        const uint8_t bit = static_cast<uint8_t>(1u << (matrix_sort_column_ - 1));
        SortRowsBy(&objects, matrix_sort_desc_,
                   [&](const ObjectDef* o) { return (bits_of(o->api_name) & bit) != 0; });
    }
    for (const ObjectDef* object : objects) {
        const uint8_t bits = bits_of(object->api_name);
        ImGui::PushID(object->api_name.c_str());
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::AlignTextToFramePadding();
        CellText(ShownLabel(*object));
        for (size_t i = 0; i < keys.size(); ++i) {
            ImGui::TableSetColumnIndex(static_cast<int>(i) + 1);
            const uint8_t bit = static_cast<uint8_t>(1u << i);
            bool on = (bits & bit) != 0;
            if (ImGui::Checkbox(("##" + keys[i]).c_str(), &on)) {
                const uint8_t wanted = on ? static_cast<uint8_t>(bits | bit) : WithoutBit(bits, bit);
                Result<GrantChange> change = workspace_.access().SetObjectPermissions(
                    ActingUser(), kind_, set.name, object->api_name, wanted);
                if (change.ok()) {
                    error_.clear();
                    std::shared_ptr<const ObjectDef> shown;
                    for (const auto& o : all) {
                        if (o.get() == object) shown = o;
                    }
                    OfferGrantUndo([key = keys[i]] { return ObjectPermLabel(key); },
                                   [shown] { return ShownLabel(*shown); }, set.name, on,
                                   UndoObjectPermissions(workspace_.access(), kind_, set.name,
                                                         object->api_name, bits, change->bits));
                    notice_ = change->turned_on.empty()
                                  ? TrFormat("perm.saved", {object->label})
                                  : TrFormat("perm.turned_on", {ObjectPermLabel(keys[i]), object->label,
                                                                JoinLabels(change->turned_on)});
                } else {
                    notice_.clear();
                    error_ = ErrorText(change.error());
                }
            }
            MarkItem("perm.matrix." + object->api_name + "." + keys[i]);
            PublishForm("perm.matrix." + object->api_name + "." + keys[i], on);
        }
        ImGui::PopID();
    }
    ImGui::EndTable();
}

void PermSetsPanel::DrawFields(const PageContext& ctx, const PermissionSet& set) {
    const float s = ctx.scale;
    std::vector<std::string> objects;
    for (const auto& o : workspace_.schema().Objects()) objects.push_back(o->api_name);
    if (fls_object_.empty() && !objects.empty()) fls_object_ = objects.front();
    ImGui::SetNextItemWidth(240.0f * s);
    NameCombo("perm.fls.object", objects, &fls_object_);
    Result<std::shared_ptr<const ObjectDef>> object = workspace_.schema().Object(fls_object_);
    if (!object.ok()) return;
    ImGui::SameLine();
    TableFilter("perm.fls.filter", Tr("perm.fls.filter_hint"), &fls_filter_, 260.0f * s);
    const auto obj_it = set.objects.find(fls_object_);
    const uint8_t obj_bits = obj_it == set.objects.end() ? 0 : obj_it->second;
    // The active fields that pass the filter, with their grant (explicit, or inherited from the object's).
    struct Row {
        const FieldDef* field;
        uint8_t bits;
        bool explicit_row;
    };
    std::vector<Row> rows;
    const std::string needle = LowerAscii(fls_filter_);
    const auto fields_it = set.fields.find(fls_object_);
    for (const FieldDef& f : object.value()->fields) {
        if (f.state != FieldState::Active || !MatchesFilter(needle, {f.label, f.label_zh, f.api_name}))
            continue;
        Row row{&f, 0, false};
        if (fields_it != set.fields.end()) {
            const auto it = fields_it->second.find(f.api_name);
            if (it != fields_it->second.end()) {
                row.bits = it->second;
                row.explicit_row = true;
            }
        }
        if (!row.explicit_row) {
            row.bits = static_cast<uint8_t>(((obj_bits & kObjRead) ? kFieldRead : 0) |
                                            ((obj_bits & kObjEdit) ? kFieldEdit : 0));
        }
        rows.push_back(row);
    }
    if (!ImGui::BeginTable("perm.fls", 3, kTableFlags,
                           ImVec2(0.0f, ImGui::GetContentRegionAvail().y - 8.0f * s)))
        return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(Label("perm.col.field").c_str(), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn(Label("perm.fls.read").c_str(), ImGuiTableColumnFlags_WidthFixed, 90.0f * s);
    ImGui::TableSetupColumn(Label("perm.fls.edit").c_str(), ImGuiTableColumnFlags_WidthFixed, 90.0f * s);
    TakeSortSpecs(&fls_sort_column_, &fls_sort_desc_);
    TableHeadersRowMarked("perm.fls", {"field", "read", "edit"});
    if (fls_sort_column_ == 0) {
        SortRowsBy(&rows, fls_sort_desc_, [](const Row& r) { return LowerAscii(ShownLabel(*r.field)); });
    } else if (fls_sort_column_ == 1 || fls_sort_column_ == 2) {
        const uint8_t bit = static_cast<uint8_t>(1u << (fls_sort_column_ - 1));
        SortRowsBy(&rows, fls_sort_desc_, [bit](const Row& r) { return (r.bits & bit) != 0; });
    }
    for (const Row& r : rows) {
        const FieldDef& f = *r.field;
        const uint8_t bits = r.bits;
        const bool explicit_row = r.explicit_row;
        ImGui::PushID(f.api_name.c_str());
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::AlignTextToFramePadding();
        CellText(ShownLabel(f));
        ImGui::SameLine();
        CellText(explicit_row ? f.api_name : f.api_name + "  " + Tr("perm.fls.inherited"), true);
        const char* const names[] = {"read", "edit"};
        for (int i = 0; i < 2; ++i) {
            ImGui::TableSetColumnIndex(i + 1);
            const uint8_t bit = static_cast<uint8_t>(1u << i);
            bool on = (bits & bit) != 0;
            if (ImGui::Checkbox((std::string("##") + names[i]).c_str(), &on)) {
                uint8_t wanted = on ? static_cast<uint8_t>(bits | bit) : static_cast<uint8_t>(bits & ~bit);
                if (!on && bit == kFieldRead) wanted = 0;
                Result<GrantChange> change = workspace_.access().SetFieldPermissions(
                    ActingUser(), kind_, set.name, fls_object_, f.api_name, wanted);
                if (change.ok()) {
                    error_.clear();
                    OfferGrantUndo(
                        [name = std::string(names[i])] { return std::string(Tr("perm.fls." + name)); },
                        [obj = object.value(), api = f.api_name] {
                            const FieldDef* field = obj->Field(api);
                            return ShownLabel(*obj) + "." + (field ? ShownLabel(*field) : api);
                        },
                        set.name, on,
                        UndoFieldPermissions(workspace_.access(), kind_, set.name, fls_object_, f.api_name,
                                             bits, change->bits));
                    notice_ = change->turned_on.empty() ? TrFormat("perm.saved", {f.label})
                                                        : TrFormat("perm.fls.turned_on", {f.label});
                } else {
                    notice_.clear();
                    error_ = ErrorText(change.error());
                }
            }
            MarkItem("perm.fls." + fls_object_ + "." + f.api_name + "." + names[i]);
        }
        ImGui::PopID();
    }
    ImGui::EndTable();
}

void PermSetsPanel::DrawSystem(const PageContext& ctx, const PermissionSet& set) {
    (void)ctx;
    for (int i = 0; i < kSystemPermissionCount; ++i) {
        const auto perm = static_cast<SystemPermission>(i);
        const std::string name = SystemPermissionName(perm);
        bool on = std::find(set.system.begin(), set.system.end(), perm) != set.system.end();
        if (ImGui::Checkbox(Label("sysperm." + name).c_str(), &on)) {
            Status st = workspace_.access().SetSystemPermission(ActingUser(), kind_, set.name, perm, on);
            if (st.ok()) {
                error_.clear();
                OfferGrantUndo([name] { return std::string(Tr("sysperm." + name)); },
                               [] { return std::string(); }, set.name, on,
                               UndoSystemPermission(workspace_.access(), kind_, set.name, perm, on));
                notice_ = TrFormat("perm.saved", {Tr("sysperm." + name)});
            } else {
                notice_.clear();
                error_ = ErrorText(st.error());
            }
        }
        MarkItem("perm.system." + name);
    }
}

void PermSetsPanel::DrawCompare(const PageContext& ctx, const PermissionSet& set) {
    const float s = ctx.scale;
    std::vector<std::string> names;
    for (const PermissionSet& other : workspace_.access().PermissionSets(kind_)) {
        if (other.name != set.name) names.push_back(other.name);
    }
    if (compare_with_.empty() && !names.empty()) compare_with_ = names.front();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(TrFormat("perm.compare.with", {set.name}).c_str());
    ImGui::SameLine();
    ImGui::SetNextItemWidth(240.0f * s);
    NameCombo("perm.compare.other", names, &compare_with_);
    ImGui::SameLine();
    TableFilter("perm.compare.filter", Tr("perm.compare.filter_hint"), &compare_filter_, 260.0f * s);
    Result<PermissionSet> other = workspace_.access().GetPermissionSet(kind_, compare_with_);
    if (!other.ok()) return;
    // One row per object, then one per system permission: the label, its API name and both sides.
    struct Row {
        std::string label, api_name, a, b;
    };
    std::vector<Row> rows;
    const std::string needle = LowerAscii(compare_filter_);
    auto add = [&](Row row) {
        if (MatchesFilter(needle, {row.label, row.api_name})) rows.push_back(std::move(row));
    };
    auto text_of = [](const std::map<std::string, uint8_t>& objects, const std::string& object) {
        const auto it = objects.find(object);
        std::string out = JoinLabels(ObjectPermNames(it == objects.end() ? 0 : it->second));
        return out.empty() ? std::string(Tr("perm.compare.none")) : out;
    };
    for (const auto& object : workspace_.schema().Objects()) {
        add({object->label, object->api_name, text_of(set.objects, object->api_name),
             text_of(other->objects, object->api_name)});
    }
    for (int i = 0; i < kSystemPermissionCount; ++i) {
        const auto perm = static_cast<SystemPermission>(i);
        auto has = [&](const PermissionSet& p) {
            return std::find(p.system.begin(), p.system.end(), perm) != p.system.end();
        };
        const std::string name = SystemPermissionName(perm);
        add({Tr("sysperm." + name), name, Tr(has(set) ? "perm.yes" : "perm.no"),
             Tr(has(*other) ? "perm.yes" : "perm.no")});
    }
    if (!ImGui::BeginTable("perm.compare", 3, kTableFlags,
                           ImVec2(0.0f, ImGui::GetContentRegionAvail().y - 8.0f * s)))
        return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(Label("perm.col.object").c_str());
    ImGui::TableSetupColumn((set.name + "###a").c_str());
    ImGui::TableSetupColumn((other->name + "###b").c_str());
    TakeSortSpecs(&compare_sort_column_, &compare_sort_desc_);
    TableHeadersRowMarked("perm.compare", {"label", "a", "b"});
    if (compare_sort_column_ >= 0 && compare_sort_column_ < 3) {
        const int column = compare_sort_column_;
        SortRowsBy(&rows, compare_sort_desc_, [column](const Row& r) {
            return LowerAscii(column == 0 ? r.label : column == 1 ? r.a : r.b);
        });
    }
    for (const Row& r : rows) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        CellText(r.label);
        const ImVec4 color = r.a == r.b ? CurrentPalette().text_muted : CurrentPalette().accent;
        ImGui::TableSetColumnIndex(1);
        TextColored(color, r.a);
        ImGui::TableSetColumnIndex(2);
        TextColored(color, r.b);
    }
    ImGui::EndTable();
}

void PermSetsPanel::DrawNewDialog(const PageContext& ctx) {
    const float s = ctx.scale;
    const bool profile = kind_ == PermissionSetKind::Profile;
    if (!BeginDialog((Prefix() + "dialog").c_str(), Tr(profile ? "perm.new_profile" : "perm.new_permset"),
                     560.0f, &new_open_, ctx))
        return;
    FormErrors errors;
    if (!new_error_.empty()) errors["name"] = new_error_;
    FormRow("perm.new.name", Prefix() + "new.name", 280.0f * s, errors, "name", [&] {
        InputString(("##" + Prefix() + "new.name").c_str(), &new_name_);
        MarkItem(Prefix() + "new.name");
    });
    std::vector<std::string> names;
    for (const PermissionSet& p : workspace_.access().PermissionSets(kind_)) names.push_back(p.name);
    FormRow("perm.new.copy_from", Prefix() + "new.copy_from", 280.0f * s, errors, "copy_from",
            [&] { NameCombo(Prefix() + "new.copy_from", names, &new_copy_from_, "perm.new.empty"); });
    ImGui::Dummy(ImVec2(0.0f, 10.0f * s));
    const int clicked = ButtonRow(
        {{"dialog.cancel", Prefix() + "new.cancel"}, {"dialog.save", Prefix() + "new.save"}}, 1, -1);
    if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        ImGui::CloseCurrentPopup();
    } else if (clicked == 1) {
        Result<PermissionSet> created =
            workspace_.access().CreatePermissionSet(ActingUser(), kind_, new_name_, "", new_copy_from_);
        if (created.ok()) {
            selected_ = created->name;
            ImGui::CloseCurrentPopup();
        } else {
            new_error_ = ErrorText(created.error());
        }
    }
    EndDialog();
}

void PermSetsPanel::DrawRenameDialog(const PageContext& ctx) {
    const float s = ctx.scale;
    if (!BeginDialog((Prefix() + "rename_dialog").c_str(), TrFormat("perm.rename.title", {target_}), 520.0f,
                     &rename_open_, ctx))
        return;
    FormErrors errors;
    if (!rename_error_.empty()) errors["name"] = rename_error_;
    FormRow("perm.rename.name", Prefix() + "rename.name", 280.0f * s, errors, "name", [&] {
        InputString(("##" + Prefix() + "rename.name").c_str(), &rename_to_);
        MarkItem(Prefix() + "rename.name");
    });
    ImGui::Dummy(ImVec2(0.0f, 10.0f * s));
    const int clicked = ButtonRow(
        {{"dialog.cancel", Prefix() + "rename.cancel"}, {"dialog.save", Prefix() + "rename.save"}}, 1, -1);
    if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        ImGui::CloseCurrentPopup();
    } else if (clicked == 1) {
        // A profile's rename takes the settings naming it along (core/rename_follow.h).
        std::vector<FollowedRename> followed;
        Status st = kind_ == PermissionSetKind::Profile
                        ? RenameProfileFollowing(workspace_, ActingUser(), target_, rename_to_, &followed)
                        : workspace_.access().RenamePermissionSet(ActingUser(), kind_, target_, rename_to_);
        if (st.ok()) {
            if (selected_ == target_) selected_ = rename_to_;
            if (compare_with_ == target_) compare_with_ = rename_to_;
            error_.clear();
            notice_ = TrFormat("perm.renamed", {target_, rename_to_}) + FollowedNote(followed, rename_to_);
            ImGui::CloseCurrentPopup();
        } else {
            rename_error_ = ErrorText(st.error());
        }
    }
    PublishForm(Prefix() + "rename.target", target_);
    EndDialog();
}

void PermSetsPanel::DrawDeleteDialog(const PageContext& ctx) {
    const float s = ctx.scale;
    const bool profile = kind_ == PermissionSetKind::Profile;
    if (!BeginDialog((Prefix() + "delete_dialog").c_str(), TrFormat("perm.delete.title", {target_}), 560.0f,
                     &delete_open_, ctx))
        return;
    // Who holds it, by name: a profile's users are in the way; a permission set's holders lose it.
    AccessService& access = workspace_.access();
    std::vector<std::string> users, teams;
    for (const User& u : access.Users()) {
        const bool holds = profile ? u.profile == target_
                                   : std::find(u.permission_sets.begin(), u.permission_sets.end(), target_) !=
                                         u.permission_sets.end();
        if (holds) users.push_back(UserShownName(u));
    }
    if (!profile) {
        for (const Team& t : access.Teams()) {
            if (std::find(t.permission_sets.begin(), t.permission_sets.end(), target_) !=
                t.permission_sets.end())
                teams.push_back(t.name);
        }
    }
    auto join = [](const std::vector<std::string>& names) {
        std::string out;
        for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
        return out;
    };
    const bool blocked = profile && !users.empty();
    std::string body;
    if (blocked) {
        body = Tr("perm.delete.in_use", {{"count", std::to_string(users.size())}, {"users", join(users)}});
    } else if (!users.empty() || !teams.empty()) {
        body = TrFormat("perm.delete.assigned", {users.empty() ? Tr("perm.delete.nobody") : join(users),
                                                 teams.empty() ? Tr("perm.delete.nobody") : join(teams)});
    } else {
        body = Tr(profile ? "perm.delete.body_profile" : "perm.delete.body_permset");
    }
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + 520.0f * s);
    if (blocked) {
        TextColored(CurrentPalette().danger, body);
    } else {
        TextMuted(body);
    }
    ImGui::PopTextWrapPos();
    PublishForm(Prefix() + "delete.body", body);
    PublishForm(Prefix() + "delete.blocked", blocked);
    if (!delete_error_.empty()) ErrorLine(Prefix() + "delete.error", delete_error_);
    ImGui::Dummy(ImVec2(0.0f, 10.0f * s));
    const int clicked =
        ButtonRow({{"dialog.cancel", Prefix() + "delete.cancel"}, {"perm.delete", Prefix() + "delete.ok"}},
                  -1, 1, {true, !blocked});
    if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        ImGui::CloseCurrentPopup();
    } else if (clicked == 1) {
        Status st = access.DeletePermissionSet(ActingUser(), kind_, target_);
        if (st.ok()) {
            if (selected_ == target_) selected_.clear();
            if (compare_with_ == target_) compare_with_.clear();
            error_.clear();
            notice_ = TrFormat("perm.deleted", {target_});
            ImGui::CloseCurrentPopup();
        } else {
            delete_error_ = ErrorText(st.error());
        }
    }
    EndDialog();
}

}  // namespace crm::ui
