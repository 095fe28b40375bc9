#include "ui/schema/layout_panel.h"

#include <algorithm>

#include "imgui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/schema/record_form.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

struct DragPayload {
    int section;
    int index;
};

bool SameLayout(const Layout& a, const Layout& b) { return ToJson(a) == ToJson(b); }

// A filterable combo over the profiles. With `none_id`, a first row with that text stands for ""
// (no profile); `hint_id` is shown while nothing is chosen. Returns true when *profile changed.
bool ProfilePicker(const std::string& hook, const std::vector<std::string>& profiles, std::string* profile,
                   std::string* filter, const char* none_id, const char* hint_id, float popup_height) {
    std::vector<std::string> names;
    if (none_id) names.emplace_back();
    names.insert(names.end(), profiles.begin(), profiles.end());
    int selected = -1;
    for (size_t i = 0; i < names.size(); ++i) {
        if (LowerAscii(names[i]) == LowerAscii(*profile)) selected = static_cast<int>(i);
    }
    FilterComboItems items;
    items.count = static_cast<int>(names.size());
    items.label = [&](int i) {
        const std::string& name = names[static_cast<size_t>(i)];
        return name.empty() ? std::string(Tr(none_id)) : name;
    };
    items.key = [&](int i) {
        const std::string& name = names[static_cast<size_t>(i)];
        return name.empty() ? std::string("none") : name;
    };
    items.matches = [&](int i, const std::string& needle) {
        return LowerAscii(items.label(i)).find(needle) != std::string::npos;
    };
    const std::string preview = selected >= 0 ? items.label(selected) : std::string(Tr(hint_id));
    const int before = selected;
    if (!FilterCombo(("##" + hook).c_str(), preview, items, &selected, filter, hook, popup_height) ||
        selected < 0 || selected == before)
        return false;
    *profile = names[static_cast<size_t>(selected)];
    return true;
}

}  // namespace

void LayoutPanel::Select(const Layout& layout) {
    draft_ = layout;
    saved_ = layout;
    error_.clear();
    draft_notice_.clear();
}

nlohmann::json LayoutPanel::KeepDraft() const {
    return KeepItemDraft(ToJson(saved_), ToJson(draft_), false, {{"object", object_}});
}

void LayoutPanel::RestoreDraft(const nlohmann::json& kept) {
    const std::string object = kept.value("object", std::string());
    const std::string name = kept.value("base", nlohmann::json::object()).value("name", std::string());
    const auto restored =
        RestoreEdit(kept, Found(workspace_.schema().GetLayout(object, name)), LayoutFromJson);
    if (!restored || object.empty()) return;
    object_ = object;  // so the next Draw of this object keeps the draft
    Select(restored->saved);
    draft_ = restored->draft;
    draft_notice_ = DraftNotice(restored->json);
}

bool LayoutPanel::dirty() const { return !draft_.name.empty() && !SameLayout(draft_, saved_); }

bool LayoutPanel::Save() {
    Result<Layout> r = workspace_.schema().SaveLayout(ActingUser(), draft_);
    if (!r.ok()) {
        error_ = ErrorText(r.error());
        return false;
    }
    Select(r.value());
    message_ = Tr("layouts.saved");
    return true;
}

void LayoutPanel::Discard() { Select(saved_); }

const std::vector<std::string>& LayoutPanel::ProfileNames() {
    if (profiles_change_ != workspace_.change_count()) {
        profiles_change_ = workspace_.change_count();
        profile_names_.clear();
        for (const PermissionSet& p : workspace_.access().PermissionSets(PermissionSetKind::Profile))
            profile_names_.push_back(p.name);
        std::sort(profile_names_.begin(), profile_names_.end(),
                  [](const std::string& a, const std::string& b) { return LowerAscii(a) < LowerAscii(b); });
    }
    return profile_names_;
}

std::string LayoutPanel::UnsavedSummary() const { return TrFormat("unsaved.what.layout", {draft_.name}); }

void LayoutPanel::MoveItem(int from_section, int from_index, int to_section, int to_index) {
    auto& from = draft_.sections[static_cast<size_t>(from_section)].items;
    if (from_index < 0 || from_index >= static_cast<int>(from.size())) return;
    LayoutItem item = from[static_cast<size_t>(from_index)];
    from.erase(from.begin() + from_index);
    auto& to = draft_.sections[static_cast<size_t>(to_section)].items;
    if (from_section == to_section && to_index > from_index) --to_index;
    to_index = std::clamp(to_index, 0, static_cast<int>(to.size()));
    to.insert(to.begin() + to_index, item);
}

void LayoutPanel::Draw(const PageContext& ctx, const ObjectDef& object) {
    const float s = ctx.scale;
    const std::vector<Layout> layouts = workspace_.schema().Layouts(object.api_name);
    if (object_ != object.api_name || draft_.name.empty()) {
        object_ = object.api_name;
        message_.clear();
        preview_profile_.clear();
        profile_.clear();
        for (const Layout& l : layouts) {
            if (l.is_default || draft_.name.empty()) Select(l);
        }
    }
    DrawToolbar(ctx, object, layouts);
    DrawDraftNotice(dirty() ? draft_notice_ : std::string(), "layouts.draft_notice");

    const float avail = ImGui::GetContentRegionAvail().x;
    const float editor_w = avail * 0.55f;
    ImGui::BeginChild("layouts.editor", ImVec2(editor_w, 0.0f), true);
    DrawEditor(ctx, object, editor_w);
    ImGui::EndChild();
    ImGui::SameLine(0.0f, 12.0f * s);
    ImGui::BeginChild("layouts.preview", ImVec2(0.0f, 0.0f), true);
    DrawPreviewPane(ctx, object);
    ImGui::EndChild();

    nlohmann::json sections = nlohmann::json::array();
    for (const LayoutSection& sec : draft_.sections) {
        nlohmann::json items = nlohmann::json::array();
        for (const LayoutItem& it : sec.items) items.push_back(it.field);
        sections.push_back({{"title", sec.title}, {"columns", sec.columns}, {"fields", items}});
    }
    PublishForm("layouts.name", draft_.name);
    PublishForm("layouts.sections", std::move(sections));
    PublishForm("layouts.dirty", dirty());
    PublishForm("layouts.profiles", draft_.profiles);
}

void LayoutPanel::DrawToolbar(const PageContext& ctx, const ObjectDef& object,
                              const std::vector<Layout>& layouts) {
    const float s = ctx.scale;
    // The layout picker; picking another layout with the draft unsaved asks first.
    int selected = 0;
    for (size_t i = 0; i < layouts.size(); ++i) {
        if (layouts[i].name == draft_.name) selected = static_cast<int>(i);
    }
    ImGui::SetNextItemWidth(220.0f * s);
    if (ListCombo(
            "##layouts.select", draft_.name, static_cast<int>(layouts.size()),
            [&](int i) {
                const Layout& l = layouts[static_cast<size_t>(i)];
                return l.name +
                       (l.is_default ? std::string(" ") + Tr("layouts.default_mark") : std::string());
            },
            [&](int i) { return layouts[static_cast<size_t>(i)].name; }, &selected, "layouts.select")) {
        const std::string name = layouts[static_cast<size_t>(selected)].name;
        if (name != draft_.name) {
            guard_.Leave(this, [this, name] {
                // Read again: saving from the question may have changed the list.
                if (Result<Layout> l = workspace_.schema().GetLayout(object_, name); l.ok())
                    Select(l.value());
            });
        }
    }
    ImGui::SameLine();
    const bool is_dirty = dirty();
    const ImGuiIO& io = ImGui::GetIO();
    const bool ctrl_s = (io.KeyCtrl || io.KeySuper) && ImGui::IsKeyPressed('S', false) &&
                        !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId);
    // Layouts are changed with Customize Schema: without it Save and Assign are off, the reason on hover.
    const PermissionGuard guard(workspace_.access(), SystemPermission::CustomizeSchema, "layouts");
    if (PrimaryButton(Label("layouts.save").c_str(), is_dirty && guard.allowed()) ||
        (ctrl_s && is_dirty && guard.allowed()))
        Save();
    MarkItem("layouts.save");
    if (guard.allowed() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", Tr("layouts.save_tip"));
    guard.ReasonOnHover();
    ImGui::SameLine();
    if (SecondaryButton(Label("layouts.revert").c_str(), is_dirty)) Discard();
    MarkItem("layouts.revert");

    // Assignment: a profile from the list.
    ImGui::SameLine(0.0f, 24.0f * s);
    ImGui::SetNextItemWidth(200.0f * s);
    ProfilePicker("layouts.profile", ProfileNames(), &profile_, &profile_filter_, nullptr,
                  "layouts.profile_hint", 280.0f * s);
    ImGui::SameLine();
    const bool assign_clicked =
        SecondaryButton(Label("layouts.assign").c_str(), !profile_.empty() && !is_dirty && guard.allowed());
    guard.ReasonOnHover();
    if (assign_clicked) {
        Status st = workspace_.schema().AssignLayout(ActingUser(), object.api_name, profile_, draft_.name);
        if (st.ok()) {
            message_ = TrFormat("layouts.assigned", {draft_.name, profile_});
            if (Result<Layout> l = workspace_.schema().GetLayout(object.api_name, draft_.name); l.ok())
                Select(l.value());
        } else {
            error_ = ErrorText(st.error());
        }
    }
    MarkItem("layouts.assign");
    if (is_dirty && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("%s", Tr("layouts.assign_save_first"));
    if (!draft_.profiles.empty()) {
        std::string names;
        for (const std::string& p : draft_.profiles) names += (names.empty() ? "" : ", ") + p;
        ImGui::PushFont(ctx.small_font);
        TextMuted(TrFormat("layouts.assigned_to", {names}), false);
        ImGui::PopFont();
    }
    if (!error_.empty()) ErrorLine("layouts", error_);
    if (!message_.empty() && !is_dirty) TextColored(CurrentPalette().success, message_, false);
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
}

void LayoutPanel::DrawEditor(const PageContext& ctx, const ObjectDef& object, float) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    int move_from_section = -1, move_from_index = -1, move_to_section = -1, move_to_index = -1;
    int remove_section = -1;
    for (size_t si = 0; si < draft_.sections.size(); ++si) {
        LayoutSection& section = draft_.sections[si];
        const std::string sn = std::to_string(si);
        ImGui::PushID(static_cast<int>(si));
        ImGui::SetNextItemWidth(220.0f * s);
        InputString("##title", &section.title, 0, Tr("layouts.section_title"));
        MarkItem("layouts.section." + sn + ".title");
        ImGui::SameLine();
        ImGui::RadioButton(Label("layouts.one_column").c_str(), &section.columns, 1);
        MarkItem("layouts.section." + sn + ".columns1");
        ImGui::SameLine();
        ImGui::RadioButton(Label("layouts.two_columns").c_str(), &section.columns, 2);
        MarkItem("layouts.section." + sn + ".columns2");
        ImGui::SameLine();
        if (ImGui::SmallButton(Label("layouts.remove_section").c_str()))
            remove_section = static_cast<int>(si);
        MarkItem("layouts.section." + sn + ".remove");

        for (size_t ii = 0; ii < section.items.size(); ++ii) {
            LayoutItem& item = section.items[ii];
            const FieldDef* f = object.Field(item.field);
            ImGui::PushID(static_cast<int>(ii));
            const std::string label = (f ? ShownLabel(*f) : item.field);
            ImGui::Selectable(("::  " + label + "##drag").c_str(), false, 0, ImVec2(170.0f * s, 0.0f));
            MarkItem("layouts.item." + item.field);
            if (ImGui::BeginDragDropSource()) {
                DragPayload payload{static_cast<int>(si), static_cast<int>(ii)};
                ImGui::SetDragDropPayload("CRM_LAYOUT_ITEM", &payload, sizeof payload);
                ImGui::TextUnformatted(label.c_str());
                ImGui::EndDragDropSource();
            }
            if (ImGui::BeginDragDropTarget()) {
                if (const ImGuiPayload* pl = ImGui::AcceptDragDropPayload("CRM_LAYOUT_ITEM")) {
                    const auto* d = static_cast<const DragPayload*>(pl->Data);
                    move_from_section = d->section, move_from_index = d->index;
                    move_to_section = static_cast<int>(si), move_to_index = static_cast<int>(ii);
                }
                ImGui::EndDragDropTarget();
            }
            ImGui::SameLine();
            if (ImGui::ArrowButton("##up", ImGuiDir_Up) && ii > 0) {
                move_from_section = move_to_section = static_cast<int>(si);
                move_from_index = static_cast<int>(ii), move_to_index = static_cast<int>(ii) - 1;
            }
            MarkItem("layouts.item." + item.field + ".up");
            ImGui::SameLine();
            if (ImGui::ArrowButton("##down", ImGuiDir_Down) && ii + 1 < section.items.size()) {
                move_from_section = move_to_section = static_cast<int>(si);
                move_from_index = static_cast<int>(ii), move_to_index = static_cast<int>(ii) + 2;
            }
            MarkItem("layouts.item." + item.field + ".down");
            ImGui::SameLine();
            // To the next section (wrapping), for keyboard users.
            if (draft_.sections.size() > 1 && ImGui::SmallButton(Label("layouts.next_section").c_str())) {
                move_from_section = static_cast<int>(si), move_from_index = static_cast<int>(ii);
                move_to_section = static_cast<int>((si + 1) % draft_.sections.size());
                move_to_index =
                    static_cast<int>(draft_.sections[static_cast<size_t>(move_to_section)].items.size());
            }
            MarkItem("layouts.item." + item.field + ".next_section");
            ImGui::SameLine();
            ImGui::Checkbox(Label("layouts.required").c_str(), &item.required);
            MarkItem("layouts.item." + item.field + ".required");
            ImGui::SameLine();
            ImGui::Checkbox(Label("layouts.read_only").c_str(), &item.read_only);
            MarkItem("layouts.item." + item.field + ".read_only");
            ImGui::SameLine();
            if (ImGui::SmallButton(Label("layouts.remove").c_str())) {
                move_from_section = static_cast<int>(si), move_from_index = static_cast<int>(ii);
                move_to_section = -2;
            }
            MarkItem("layouts.item." + item.field + ".remove");
            ImGui::PopID();
        }
        // Dropping on the section's end.
        ImGui::PushStyleColor(ImGuiCol_Text, p.text_muted);
        ImGui::Selectable(Label("layouts.drop_here").c_str(), false, ImGuiSelectableFlags_Disabled,
                          ImVec2(0.0f, 0.0f));
        ImGui::PopStyleColor();
        if (ImGui::BeginDragDropTarget()) {
            if (const ImGuiPayload* pl = ImGui::AcceptDragDropPayload("CRM_LAYOUT_ITEM")) {
                const auto* d = static_cast<const DragPayload*>(pl->Data);
                move_from_section = d->section, move_from_index = d->index;
                move_to_section = static_cast<int>(si),
                move_to_index = static_cast<int>(section.items.size());
            }
            ImGui::EndDragDropTarget();
        }
        ImGui::Separator();
        ImGui::PopID();
    }
    if (move_to_section == -2) {
        auto& items = draft_.sections[static_cast<size_t>(move_from_section)].items;
        items.erase(items.begin() + move_from_index);
    } else if (move_from_section >= 0 && move_to_section >= 0) {
        MoveItem(move_from_section, move_from_index, move_to_section, move_to_index);
    }
    if (remove_section >= 0 && draft_.sections.size() > 1) {
        // Its fields go to the previous (or next) section rather than off the layout.
        auto items = draft_.sections[static_cast<size_t>(remove_section)].items;
        draft_.sections.erase(draft_.sections.begin() + remove_section);
        auto& into = draft_.sections[static_cast<size_t>(std::max(0, remove_section - 1))].items;
        into.insert(into.end(), items.begin(), items.end());
    }
    if (SecondaryButton(Label("layouts.add_section").c_str())) {
        draft_.sections.push_back(LayoutSection{Tr("layouts.new_section"), 2, {}});
    }
    MarkItem("layouts.add_section");

    // Fields not on the layout: add to the last section.
    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    ImGui::PushFont(ctx.small_font);
    TextMuted(Tr("layouts.unplaced"), false);
    ImGui::PopFont();
    for (const FieldDef& f : object.fields) {
        if (f.state != FieldState::Active) continue;
        bool placed = false;
        for (const LayoutSection& sec : draft_.sections) {
            for (const LayoutItem& it : sec.items) placed = placed || it.field == f.api_name;
        }
        if (placed) continue;
        if (ImGui::SmallButton(("+ " + ShownLabel(f) + "###layouts.add." + f.api_name).c_str()) &&
            !draft_.sections.empty()) {
            draft_.sections.back().items.push_back(LayoutItem{f.api_name, false, false});
        }
        MarkItem("layouts.add." + f.api_name);
        ImGui::SameLine();
        if (ImGui::GetContentRegionAvail().x < 140.0f * s) ImGui::NewLine();
    }
    ImGui::NewLine();
}

void LayoutPanel::DrawPreviewPane(const PageContext& ctx, const ObjectDef& object) {
    const float s = ctx.scale;
    SectionHeading(ctx, "layouts.preview");
    ImGui::SetNextItemWidth(std::min(260.0f * s, ImGui::GetContentRegionAvail().x));
    ProfilePicker("layouts.preview_profile", ProfileNames(), &preview_profile_, &preview_filter_,
                  "layouts.preview_as_draft", "layouts.preview_as_draft", 280.0f * s);
    nlohmann::json state = {{"profile", preview_profile_}};
    if (preview_profile_.empty()) {
        state["layout"] = draft_.name;
        PublishForm("layouts.preview", state);
        DrawPreview(ctx, object, draft_, nullptr);
        return;
    }
    Result<Layout> seen = workspace_.schema().LayoutForProfile(object.api_name, preview_profile_);
    Result<ObjectFieldAccess> access =
        workspace_.access().FieldAccessOf(PermissionSetKind::Profile, preview_profile_, object.api_name);
    if (!seen.ok() || !access.ok()) {
        ErrorLine("layouts.preview", ErrorText(!seen.ok() ? seen.error() : access.error()));
        return;
    }
    // The layout being edited is previewed with its unsaved edits.
    const bool editing = seen->name == draft_.name;
    const Layout& shown = editing ? draft_ : seen.value();
    state["layout"] = shown.name;
    ImGui::PushFont(ctx.small_font);
    TextMuted(TrFormat("layouts.preview_as", {preview_profile_, shown.name}) +
              (editing && dirty() ? std::string(" ") + Tr("layouts.preview_unsaved") : std::string()));
    TextMuted(Tr("layouts.preview_profile_note"));
    ImGui::PopFont();
    if (!(access->object & kObjRead)) {
        state["no_read"] = true;
        PublishForm("layouts.preview", state);
        ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
        TextColored(CurrentPalette().warning,
                    TrFormat("layouts.preview_no_read", {preview_profile_, object.plural_label}));
        MarkItem("layouts.preview.no_read");
        return;
    }
    PublishForm("layouts.preview", state);
    DrawPreview(ctx, object, shown, &access.value());
}

void LayoutPanel::DrawPreview(const PageContext& ctx, const ObjectDef& object, const Layout& layout,
                              const ObjectFieldAccess* access) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const bool can_edit_object = !access || (access->object & (kObjEdit | kObjCreate));
    nlohmann::json fields = nlohmann::json::array();
    std::vector<std::string> hidden;  // labels, for the line under the form
    nlohmann::json hidden_api = nlohmann::json::array();
    for (size_t si = 0; si < layout.sections.size(); ++si) {
        const LayoutSection& section = layout.sections[si];
        std::vector<std::pair<const LayoutItem*, const FieldDef*>> visible;
        for (const LayoutItem& item : section.items) {
            const FieldDef* f = object.Field(item.field);
            if (!f || f->state != FieldState::Active) continue;
            if (access && !access->CanRead(f->api_name)) {
                hidden.push_back(ShownLabel(*f));
                hidden_api.push_back(f->api_name);
                continue;
            }
            visible.emplace_back(&item, f);
        }
        // As on the record form, a section with nothing to show is left out for a profile.
        if (visible.empty() && access) continue;
        ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
        ImGui::PushFont(ctx.heading_font);
        ImGui::TextUnformatted(section.title.c_str());
        ImGui::PopFont();
        if (visible.empty()) {
            ImGui::PushFont(ctx.small_font);
            TextMuted(Tr("layouts.preview_empty_section"));
            ImGui::PopFont();
            continue;
        }
        const int columns = std::clamp(section.columns, 1, 2);
        if (ImGui::BeginTable(("preview." + std::to_string(si)).c_str(), columns,
                              ImGuiTableFlags_SizingStretchSame)) {
            for (const auto& [item, f] : visible) {
                ImGui::TableNextColumn();
                const bool can_edit_field = !access || access->CanEdit(f->api_name);
                const char* reason = ReadOnlyReason(*f, *item, can_edit_field, can_edit_object);
                const std::string hook = "layouts.preview.field." + f->api_name;
                FieldLabel(ctx, ShownLabel(*f), f->required || item->required, reason, f->help_text, hook);
                const ImVec2 at = ImGui::GetCursorScreenPos();
                const float w = ImGui::GetContentRegionAvail().x - 8.0f * s;
                const float h = ImGui::GetFrameHeight();
                ImDrawList* draw = ImGui::GetWindowDrawList();
                if (reason)
                    draw->AddRectFilled(at, ImVec2(at.x + w, at.y + h), ToU32(p.surface_hover), 4.0f * s);
                draw->AddRect(at, ImVec2(at.x + w, at.y + h), ToU32(p.border), 4.0f * s);
                draw->AddText(ImVec2(at.x + 8.0f * s, at.y + (h - ImGui::GetTextLineHeight()) * 0.5f),
                              ToU32(p.text_muted), FieldTypeLabel(f->type).c_str());
                ImGui::Dummy(ImVec2(w, h + 4.0f * s));
                MarkItem(hook);
                fields.push_back({{"field", f->api_name},
                                  {"read_only", reason != nullptr},
                                  {"reason", reason ? reason : ""}});
            }
            ImGui::EndTable();
        }
    }
    if (!hidden.empty()) {
        std::string names;
        for (const std::string& h : hidden) names += (names.empty() ? "" : ", ") + h;
        ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
        ImGui::PushFont(ctx.small_font);
        TextMuted(TrFormat("layouts.preview_hidden", {names}));
        ImGui::PopFont();
        MarkItem("layouts.preview.hidden");
    }
    PublishForm("layouts.preview.fields", std::move(fields));
    PublishForm("layouts.preview.hidden", std::move(hidden_api));
}

}  // namespace crm::ui
