#include "ui/schema/record_form.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "data/data.h"
#include "imgui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

std::string RecordValueText(const nlohmann::json& value) {
    if (value.is_null()) return {};
    if (value.is_string()) return value.get<std::string>();
    if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
    if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
    if (value.is_number()) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.10g", value.get<double>());
        return buf;
    }
    if (value.is_array()) {
        std::string out;
        for (const auto& item : value) out += (out.empty() ? "" : ";") + RecordValueText(item);
        return out;
    }
    return value.dump();
}

std::set<std::string> ReadableFields(Workspace& workspace, const ObjectDef& object) {
    // The columns a list answers are the fields the acting user may read.
    ListQuery probe;
    for (const FieldDef& f : object.fields) {
        if (f.state == FieldState::Active) probe.columns.push_back(f.api_name);
    }
    probe.limit = 1;
    std::set<std::string> out;
    Result<ListPage> page = workspace.records().List(ActingUser(), object.api_name, probe);
    if (page.ok()) out.insert(page->columns.begin(), page->columns.end());
    return out;
}

const char* ReadOnlyReason(const FieldDef& field, const LayoutItem& item, bool can_edit_field,
                           bool can_edit_object) {
    const char* why = FormReadOnlyReason(field, item, can_edit_field, can_edit_object);
    if (!why) return nullptr;
    static const std::pair<const char*, const char*> kCatalog[] = {{"computed", "record.read_only.computed"},
                                                                   {"fls", "record.read_only.fls"},
                                                                   {"object", "record.read_only.object"},
                                                                   {"layout", "record.read_only.layout"}};
    for (const auto& [code, id] : kCatalog) {
        if (std::string_view(why) == code) return id;
    }
    return "record.read_only.layout";
}

void FieldLabel(const PageContext& ctx, const std::string& label, bool required, const char* reason,
                const std::string& help, const std::string& hook) {
    ImGui::PushFont(ctx.small_font);
    TextMuted(label + (required ? " *" : ""), false);
    if (!help.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", help.c_str());
    MarkItem(hook + ".label");
    if (reason) {
        ImGui::SameLine(0.0f, 6.0f * ctx.scale);
        TextColored(CurrentPalette().warning, Tr("layouts.read_only_mark"), false);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", Tr(reason));
        MarkItem(hook + ".read_only");
    }
    ImGui::PopFont();
}

void RecordForm::Load(const ObjectDef& object, const std::string& profile) {
    profile_ = profile;
    object_ = object.api_name;
    object_label_ = object.label;
    errors_.clear();
    load_error_.clear();
    draft_notice_.clear();
    values_.clear();
    lookups_.clear();
    duplicates_.clear();
    duplicates_checked_ = false;
    Result<Layout> layout = workspace_.schema().LayoutForProfile(object.api_name, profile);
    if (layout.ok()) {
        layout_ = layout.value();
    } else {
        load_error_ = ErrorText(layout.error());
        layout_ = Layout{};
    }
    readable_ = ReadableFields(workspace_, object);
    const AccessPolicy& policy = workspace_.access().policy();
    editable_.clear();
    for (const FieldDef& f : object.fields) {
        if (readable_.count(f.api_name) && policy.CanEditField(ActingUser(), object, f))
            editable_.insert(f.api_name);
    }
    can_edit_object_ =
        policy.CanAccessObject(ActingUser(), object, id_ > 0 ? ObjectAction::Edit : ObjectAction::Create);
    if (id_ > 0) {
        Result<nlohmann::json> record = workspace_.records().Get(ActingUser(), object.api_name, id_);
        if (!record.ok()) {
            load_error_ = ErrorText(record.error());
        } else {
            for (const auto& [key, value] : record->items()) values_[key] = RecordValueText(value);
        }
    } else {
        for (const FieldDef& f : object.fields) {
            if (f.state == FieldState::Active && !f.default_value.empty())
                values_[f.api_name] = f.default_value;
            if (f.type == FieldType::Picklist) {
                for (const PicklistValue& v : f.picklist) {
                    if (v.is_default) values_[f.api_name] = v.api_name;
                }
            }
        }
    }
    loaded_ = values_;
}

void RecordForm::OpenNew(const ObjectDef& object, const std::string& profile) {
    id_ = 0;
    open_ = true;
    Load(object, profile);
}

void RecordForm::OpenEdit(const ObjectDef& object, int64_t id, const std::string& profile) {
    id_ = id;
    open_ = true;
    Load(object, profile);
}

RecordForm::Outcome RecordForm::Draw(const PageContext& ctx, const ObjectDef& object) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    Outcome outcome = Outcome::None;
    if (!open_) return outcome;

    // The header: what is being edited, and the actions.
    ImGui::PushFont(ctx.heading_font);
    const std::string title =
        id_ > 0 ? TrFormat("record.title_edit", {ShownLabel(object), values_[object.name_field]})
                : TrFormat("record.title_new", {ShownLabel(object)});
    ImGui::TextUnformatted(title.c_str());
    ImGui::PopFont();
    if (!profile_.empty()) {
        ImGui::SameLine(0.0f, 12.0f * s);
        ImGui::AlignTextToFramePadding();
        TextMuted(TrFormat("record.as_profile", {profile_}), false);
    }
    std::vector<std::pair<std::string, std::string>> buttons = {{"record.back", "record.cancel"}};
    if (id_ > 0) buttons.push_back({"record.delete", "record.delete"});
    buttons.push_back({"record.save", "record.save"});
    ImGui::SameLine();
    const int clicked = ButtonRow(buttons, static_cast<int>(buttons.size()) - 1, id_ > 0 ? 1 : -1);
    const bool escape = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)) && !delete_open_ &&
                        !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId) && !ImGui::GetIO().WantTextInput;
    if (clicked == 0 || escape) return Outcome::CloseRequested;
    if (id_ > 0 && clicked == 1) {
        delete_open_ = true;
        delete_error_.clear();
    }
    const bool ctrl_s =
        (ImGui::GetIO().KeyCtrl || ImGui::GetIO().KeySuper) && ImGui::IsKeyPressed('S', false);
    if ((clicked == static_cast<int>(buttons.size()) - 1 || ctrl_s) && SaveRecord(object)) {
        outcome = Outcome::Saved;
    }
    if (!load_error_.empty()) ErrorLine("record.load", load_error_);
    DrawDraftNotice(dirty() ? draft_notice_ : std::string(), "record.draft_notice");
    if (errors_.count("")) ErrorLine("record.error", errors_.at(""));
    // Errors on fields the form does not show (not on the layout) go at the top too.
    for (const auto& [field, message] : errors_) {
        if (field.empty()) continue;
        bool shown = false;
        for (const LayoutSection& section : layout_.sections) {
            for (const LayoutItem& item : section.items) shown = shown || item.field == field;
        }
        if (!shown || !readable_.count(field)) ErrorLine("record.error." + field, field + ": " + message);
    }
    if (load_error_.empty() && !ImGui::IsAnyItemActive() &&
        (!duplicates_checked_ || duplicates_of_ != values_))
        CheckDuplicates(object);
    DrawDuplicates(ctx, object, &outcome);
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));

    ImGui::BeginChild("record.body", ImVec2(0.0f, 0.0f), false);
    const float width = std::min(ImGui::GetContentRegionAvail().x - 8.0f * s, 1000.0f * s);
    for (size_t si = 0; si < layout_.sections.size(); ++si) {
        const LayoutSection& section = layout_.sections[si];
        // A section whose fields are all hidden by security is not shown at all.
        const bool any = std::any_of(section.items.begin(), section.items.end(), [&](const LayoutItem& item) {
            return readable_.count(item.field) && object.Field(item.field);
        });
        if (!any) continue;
        BeginCard(width);
        ImGui::PushFont(ctx.heading_font);
        ImGui::TextUnformatted(section.title.c_str());
        ImGui::PopFont();
        ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
        const int columns = std::clamp(section.columns, 1, 2);
        const float inner = CardInnerWidth();
        if (ImGui::BeginTable(("record.section." + std::to_string(si)).c_str(), columns,
                              ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_PadOuterX,
                              ImVec2(inner, 0.0f))) {
            for (const LayoutItem& item : section.items) {
                if (!readable_.count(item.field) || !object.Field(item.field))
                    continue;  // hidden by security
                ImGui::TableNextColumn();
                DrawField(ctx, object, item, inner / static_cast<float>(columns) - 24.0f * s);
            }
            ImGui::EndTable();
        }
        EndCard();
        ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
    }
    ImGui::EndChild();
    DrawDeleteConfirm(ctx, object, &outcome);

    nlohmann::json form = nlohmann::json::object();
    for (const auto& [k, v] : values_) form[k] = v;
    PublishForm("record.values", std::move(form));
    PublishForm("record.id", id_);
    for (const auto& [field, message] : errors_)
        PublishError(field.empty() ? "record.error" : "record.error." + field, message);
    (void)p;
    return outcome;
}

void RecordForm::DrawField(const PageContext& ctx, const ObjectDef& object, const LayoutItem& item,
                           float width) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const FieldDef& f = *object.Field(item.field);
    const std::string hook = "record.form." + f.api_name;
    const bool required = f.required || item.required;
    const char* reason = ReadOnlyReason(f, item, editable_.count(f.api_name) > 0, can_edit_object_);
    const bool read_only = reason != nullptr;
    std::string& value = values_[f.api_name];

    FieldLabel(ctx, ShownLabel(f), required, reason, f.help_text, hook);
    ImGui::PushID(f.api_name.c_str());
    ImGui::BeginDisabled(read_only);
    ImGui::SetNextItemWidth(width);
    switch (f.type) {
        case FieldType::Checkbox: {
            bool on = value == "true";
            if (ImGui::Checkbox("##v", &on)) value = on ? "true" : "false";
            MarkItem(hook);
            break;
        }
        case FieldType::Picklist: {
            std::vector<const PicklistValue*> options;
            for (const PicklistValue& v : f.picklist) {
                if (v.active || v.api_name == value) options.push_back(&v);
            }
            int selected = 0;
            for (size_t i = 0; i < options.size(); ++i) {
                if (options[i]->api_name == value) selected = static_cast<int>(i) + 1;
            }
            const PicklistValue* current = f.FindValue(value);
            const std::string preview = value.empty()
                                            ? std::string(Tr("record.none"))
                                            : (current ? ShownLabel(*current) : value) +
                                                  (current && !current->active ? Tr("record.inactive") : "");
            if (ListCombo(
                    "##v", preview, static_cast<int>(options.size()) + 1,
                    [&](int i) {
                        return i == 0 ? std::string(Tr("record.none"))
                                      : ShownLabel(*options[static_cast<size_t>(i - 1)]);
                    },
                    [&](int i) {
                        return i == 0 ? std::string("none") : options[static_cast<size_t>(i - 1)]->api_name;
                    },
                    &selected, hook)) {
                value = selected == 0 ? std::string() : options[static_cast<size_t>(selected - 1)]->api_name;
            }
            break;
        }
        case FieldType::Lookup:
            // A search over the related object's records by name; the value stays the id.
            lookups_[f.api_name].Draw(ctx, workspace_, f, &value, width, hook);
            break;
        case FieldType::LongText:
            ImGui::InputTextMultiline(
                "##v", value.data(), value.capacity() + 1, ImVec2(width, ImGui::GetTextLineHeight() * 3.5f),
                ImGuiInputTextFlags_CallbackResize,
                [](ImGuiInputTextCallbackData* d) {
                    auto* str = static_cast<std::string*>(d->UserData);
                    str->resize(static_cast<size_t>(d->BufTextLen));
                    d->Buf = str->data();
                    return 0;
                },
                &value);
            MarkItem(hook);
            break;
        default: {
            const char* hint = nullptr;
            std::string multi_hint;
            if (f.type == FieldType::Date) hint = "YYYY-MM-DD";
            if (f.type == FieldType::DateTime) hint = "YYYY-MM-DDTHH:MM:SSZ";
            if (f.type == FieldType::MultiPicklist) {
                for (const PicklistValue& v : f.picklist) {
                    if (v.active) multi_hint += (multi_hint.empty() ? "" : ";") + v.api_name;
                }
                hint = multi_hint.c_str();
            }
            InputString("##v", &value, 0, hint);
            MarkItem(hook);
        }
    }
    ImGui::EndDisabled();
    ImGui::PopID();
    auto it = errors_.find(f.api_name);
    if (it != errors_.end()) {
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
        ImGui::PushFont(ctx.small_font);
        ErrorLine("record.error." + f.api_name, it->second);
        ImGui::PopFont();
        ImGui::PopTextWrapPos();
    }
    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    (void)p;
}

bool RecordForm::Save() {
    Result<std::shared_ptr<const ObjectDef>> object = workspace_.schema().Object(object_);
    if (!object.ok()) {
        errors_[""] = ErrorText(object.error());
        return false;
    }
    const std::shared_ptr<const ObjectDef> held = object.value();
    return SaveRecord(*held);
}

void RecordForm::Discard() {
    values_ = loaded_;
    errors_.clear();
    draft_notice_.clear();
}

nlohmann::json RecordForm::KeepDraft() const {
    return {{"id", id_}, {"profile", profile_}, {"loaded", loaded_}, {"values", values_}};
}

void RecordForm::Restore(const ObjectDef& object, const nlohmann::json& kept) {
    using Values = std::map<std::string, std::string>;
    const int64_t id = kept.value("id", int64_t{0});
    const std::string profile = kept.value("profile", std::string());
    const nlohmann::json base = kept.value("loaded", nlohmann::json::object());
    const nlohmann::json draft = kept.value("values", nlohmann::json::object());
    if (id > 0) {
        OpenEdit(object, id, profile);
    } else {
        OpenNew(object, profile);
    }
    if (id > 0 && loaded_.empty()) {  // deleted in the other tab's commit: the edits stay, unsaved
        values_ = draft.get<Values>();
        loaded_ = base.get<Values>();
        load_error_.clear();
        draft_notice_ = Tr("draft.gone");
        return;
    }
    const DraftMerge merge = MergeDraft(base, draft, nlohmann::json(loaded_));
    values_ = merge.merged.get<Values>();
    draft_notice_ = DraftNotice(merge);
}

std::string RecordForm::UnsavedSummary() const {
    if (id_ == 0) return TrFormat("unsaved.what.new_record", {object_label_});
    auto name = loaded_.end();
    if (Result<std::shared_ptr<const ObjectDef>> o = workspace_.schema().Object(object_); o.ok())
        name = loaded_.find(o.value()->name_field);
    const std::string shown =
        name != loaded_.end() && !name->second.empty() ? name->second : "#" + std::to_string(id_);
    return TrFormat("unsaved.what.record", {object_label_, shown});
}

bool RecordForm::SaveRecord(const ObjectDef& object) {
    errors_.clear();
    nlohmann::json values = nlohmann::json::object();
    for (const LayoutSection& section : layout_.sections) {
        for (const LayoutItem& item : section.items) {
            const FieldDef* f = object.Field(item.field);
            if (!f || !readable_.count(f->api_name) ||
                ReadOnlyReason(*f, item, editable_.count(f->api_name) > 0, can_edit_object_))
                continue;
            const std::string& text = values_[f->api_name];
            const auto before = loaded_.find(f->api_name);
            const bool changed = before == loaded_.end() ? !text.empty() : before->second != text;
            if (item.required && text.empty() && !f->required) {
                errors_[f->api_name] = Tr("record.required");  // required on this layout only
                continue;
            }
            if (!changed && id_ > 0) continue;
            if (text.empty() && id_ == 0) continue;
            if (f->type == FieldType::Checkbox) {
                values[f->api_name] = text == "true";
            } else if (text.empty()) {
                values[f->api_name] = nullptr;
            } else {
                values[f->api_name] = text;
            }
        }
    }
    if (!errors_.empty()) return false;
    RecordService& records = workspace_.records();
    SaveResult result = id_ > 0 ? records.Update(ActingUser(), object.api_name, id_, values)
                                : records.Create(ActingUser(), object.api_name, values);
    if (!result.ok()) {
        for (const Error& e : result.errors) {
            auto& slot = errors_[e.field];
            slot += (slot.empty() ? "" : " ") + ErrorText(e);
        }
        return false;
    }
    id_ = result.id;
    Load(object, profile_);
    return true;
}

void RecordForm::CheckDuplicates(const ObjectDef& object) {
    duplicates_of_ = values_;
    duplicates_checked_ = true;
    nlohmann::json values = nlohmann::json::object();
    for (const auto& [field, text] : values_) values[field] = text;
    Result<std::vector<DuplicateMatch>> matches =
        workspace_.data().dedup().Check(ActingUser(), object.api_name, values, id_);
    duplicates_.clear();
    if (!matches.ok()) return;
    // One line per record: the rules that matched it joined, blocking when any of them blocks.
    for (DuplicateMatch& m : matches.value()) {
        auto same = std::find_if(duplicates_.begin(), duplicates_.end(),
                                 [&](const DuplicateMatch& d) { return d.id == m.id; });
        if (same == duplicates_.end()) {
            duplicates_.push_back(std::move(m));
            continue;
        }
        same->rule += ", " + m.rule;
        if (m.action == "block") same->action = "block";
    }
}

void RecordForm::DrawDuplicates(const PageContext& ctx, const ObjectDef& object, Outcome* outcome) {
    constexpr size_t kShown = 10;
    nlohmann::json published = nlohmann::json::array();
    bool blocked = false;
    for (const DuplicateMatch& m : duplicates_) {
        published.push_back({{"id", m.id}, {"name", m.name}, {"rule", m.rule}, {"action", m.action}});
        blocked = blocked || m.action == "block";
    }
    PublishForm("record.duplicates", published);
    if (duplicates_.empty()) return;
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    ImGui::Dummy(ImVec2(0.0f, 2.0f * s));
    ImGui::PushTextWrapPos(0.0f);
    TextColored(blocked ? p.danger : p.warning_text,
                Tr(blocked ? "record.duplicates.block" : "record.duplicates.alert",
                   {{"object", ShownLabel(object)}}));
    ImGui::PopTextWrapPos();
    MarkItem(blocked ? "record.duplicates.block" : "record.duplicates.alert");
    for (size_t i = 0; i < duplicates_.size() && i < kShown; ++i) {
        const DuplicateMatch& m = duplicates_[i];
        const std::string hook = "record.duplicate." + std::to_string(m.id);
        ImGui::Bullet();
        ImGui::SameLine();
        // A link: the record opens in this form (the edits guarded by the caller).
        const std::string text = (m.name.empty() ? std::string() : m.name + " ") + "#" + std::to_string(m.id);
        ImGui::TextColored(p.accent, "%s", text.c_str());
        const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        if (ImGui::IsItemHovered()) {
            ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
            ImGui::GetWindowDrawList()->AddLine(ImVec2(a.x, b.y), b, ImGui::GetColorU32(p.accent), 1.0f * s);
            ImGui::SetTooltip("%s", Tr("record.duplicates.open"));
        }
        if (ImGui::IsItemClicked()) {
            other_ = m.id;
            *outcome = Outcome::OpenOther;
        }
        MarkItem(hook);
        ImGui::SameLine(0.0f, 10.0f * s);
        TextMuted(Tr(m.action == "block" ? "record.duplicates.rule_block" : "record.duplicates.rule_alert",
                     {{"rule", m.rule}}),
                  false);
    }
    if (duplicates_.size() > kShown)
        TextMuted(Tr("record.duplicates.more", {{"count", std::to_string(duplicates_.size() - kShown)}}),
                  false);
}

void RecordForm::DrawDeleteConfirm(const PageContext& ctx, const ObjectDef& object, Outcome* outcome) {
    if (!BeginDialog("record.delete_confirm", Tr("record.delete.title"), 480.0f, &delete_open_, ctx)) return;
    TextMuted(TrFormat("record.delete.body", {values_[object.name_field]}));
    if (!delete_error_.empty()) ErrorLine("record.delete", delete_error_);
    ImGui::Dummy(ImVec2(0.0f, 10.0f * ctx.scale));
    const int clicked =
        ButtonRow({{"dialog.cancel", "record.delete.cancel"}, {"record.delete", "record.delete.ok"}}, -1, 1);
    if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        ImGui::CloseCurrentPopup();
    } else if (clicked == 1) {
        Status st = workspace_.records().Delete(ActingUser(), object.api_name, id_);
        if (st.ok()) {
            ImGui::CloseCurrentPopup();
            open_ = false;
            *outcome = Outcome::Deleted;
        } else {
            delete_error_ = ErrorText(st.error());
        }
    }
    EndDialog();
}

}  // namespace crm::ui
