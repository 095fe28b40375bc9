#include "ui/schema/rules_panel.h"

#include <algorithm>

#include "imgui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

bool RulesPanel::dirty() const {
    if (!editing_) return false;
    return draft_.name != saved_.name || draft_.description != saved_.description ||
           draft_.active != saved_.active || draft_.condition != saved_.condition ||
           draft_.error_message != saved_.error_message || draft_.error_field != saved_.error_field;
}

bool RulesPanel::Save() { return SaveDraft(); }

nlohmann::json RulesPanel::KeepDraft() const {
    return KeepItemDraft(ToJson(saved_), ToJson(draft_), is_new_,
                         {{"object", object_}, {"original_name", original_name_}});
}

void RulesPanel::RestoreEditor(const nlohmann::json& kept) {
    const auto restored = RestoreEdit(
        kept, Found(workspace_.schema().Rule(object_, kept.value("original_name", std::string()))),
        RuleFromJson);
    if (!restored) return;
    Edit(restored->saved, restored->json.is_new);
    draft_ = restored->draft;
    draft_notice_ = DraftNotice(restored->json);
}

std::string RulesPanel::UnsavedSummary() const {
    return TrFormat("unsaved.what.rule", {draft_.name.empty() ? std::string(Tr("rules.new")) : draft_.name});
}

bool RulesPanel::SaveDraft() {
    errors_.clear();
    draft_.object = object_;
    SchemaService& schema = workspace_.schema();
    Result<ValidationRule> saved =
        is_new_ ? schema.CreateRule(ActingUser(), draft_) : schema.UpdateRule(ActingUser(), draft_);
    if (saved.ok()) {
        Edit(saved.value(), false);
        message_ = TrFormat("rules.saved", {saved->name});
        return true;
    }
    const Error& e = saved.error();
    if (e.code.rfind("formula.", 0) == 0) {
        errors_["condition"] = ErrorText(e);
    } else {
        AddError(&errors_, e);
    }
    return false;
}

void RulesPanel::Edit(const ValidationRule& rule, bool is_new) {
    draft_ = rule;
    saved_ = rule;
    original_name_ = rule.name;
    is_new_ = is_new;
    editing_ = true;
    errors_.clear();
    draft_notice_.clear();
    formula_.Reset();
    test_.reset();
    test_error_.clear();
    message_.clear();
}

void RulesPanel::Draw(const PageContext& ctx, const ObjectDef& object) {
    const float s = ctx.scale;
    if (object_ != object.api_name) {
        object_ = object.api_name;
        editing_ = false;
        message_.clear();
        filter_.clear();
    }
    if (pending_draft_.is_object() && pending_draft_.value("object", std::string()) == object.api_name) {
        RestoreEditor(pending_draft_);
        pending_draft_ = nullptr;
    }
    const float avail = ImGui::GetContentRegionAvail().x;
    const float list_w = editing_ ? std::clamp(avail * 0.3f, 240.0f * s, 360.0f * s) : avail;
    ImGui::BeginGroup();
    DrawList(ctx, object, list_w);
    ImGui::EndGroup();
    if (editing_) {
        ImGui::SameLine(0.0f, 16.0f * s);
        ImGui::BeginChild("rule.editor", ImVec2(0.0f, 0.0f), false);
        DrawEditor(ctx, object);
        ImGui::EndChild();
    }
}

void RulesPanel::DrawList(const PageContext& ctx, const ObjectDef& object, float width) {
    const float s = ctx.scale;
    // Validation rules are changed with Customize Schema: without it New is off, the reason on hover.
    const PermissionGuard guard(workspace_.access(), SystemPermission::CustomizeSchema, "rules");
    const bool new_clicked = PrimaryButton(Label("rules.new").c_str(), guard.allowed());
    guard.ReasonOnHover();
    if (new_clicked) {
        ValidationRule rule;
        rule.object = object.api_name;
        rule.active = true;
        guard_.Leave(this, [this, rule] { Edit(rule, true); });
    }
    MarkItem("rules.new");
    ImGui::SameLine();
    TableFilter("rules.filter", Tr("rules.filter_hint"), &filter_,
                std::clamp(width - ImGui::GetCursorPosX(), 120.0f * s, 260.0f * s));
    if (!message_.empty()) {
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        TextColored(CurrentPalette().success, message_, false);
    }
    const std::vector<ValidationRule> all = workspace_.schema().Rules(object.api_name);
    const std::string needle = LowerAscii(filter_);
    std::vector<const ValidationRule*> rules;
    for (const ValidationRule& rule : all) {
        if (MatchesFilter(needle, {rule.name, rule.error_message})) rules.push_back(&rule);
    }
    // Unsorted until a header is clicked (tristate), so the rules keep the schema's order.
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_SortTristate |
                                  ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                  ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingStretchProp;
    nlohmann::json published = nlohmann::json::array();
    if (ImGui::BeginTable("rules.table", editing_ ? 2 : 3, flags,
                          ImVec2(width, ImGui::GetContentRegionAvail().y - 8.0f * s))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(Tr("rules.col.active"), ImGuiTableColumnFlags_WidthFixed, 70.0f * s);
        ImGui::TableSetupColumn(Tr("rules.col.name"), 0, 1.0f);
        if (!editing_) ImGui::TableSetupColumn(Tr("rules.col.message"), 0, 2.0f);
        TakeSortSpecs(&sort_column_, &sort_desc_);
        TableHeadersRowMarked("rules", {"active", "name", "message"});
        if (sort_column_ == 0) {
            SortRowsBy(&rules, sort_desc_, [](const ValidationRule* r) { return r->active; });
        } else if (sort_column_ == 1) {
            SortRowsBy(&rules, sort_desc_, [](const ValidationRule* r) { return LowerAscii(r->name); });
        } else if (sort_column_ == 2 && !editing_) {
            SortRowsBy(&rules, sort_desc_,
                       [](const ValidationRule* r) { return LowerAscii(r->error_message); });
        }
        for (const ValidationRule* rule_ptr : rules) {
            const ValidationRule& rule = *rule_ptr;
            published.push_back({{"name", rule.name}, {"active", rule.active}});
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            if (rule.active) {
                TextColored(CurrentPalette().success, Tr("rules.active"), false);
            } else {
                TextMuted(Tr("rules.inactive"), false);
            }
            ImGui::TableSetColumnIndex(1);
            if (CellSelectable(rule.name, "##rule", editing_ && original_name_ == rule.name,
                               ImGuiSelectableFlags_SpanAllColumns)) {
                const ValidationRule picked = rule;
                guard_.Leave(this, [this, picked] { Edit(picked, false); });
            }
            MarkRow("rules.row." + rule.name);
            if (!editing_) {
                ImGui::TableSetColumnIndex(2);
                TextMuted(rule.error_message, false);
            }
        }
        if (all.empty()) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(1);
            TextMuted(Tr("rules.none"), false);
        }
        ImGui::EndTable();
    }
    PublishForm("rules.rows", std::move(published));
}

void RulesPanel::DrawEditor(const PageContext& ctx, const ObjectDef& object) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(is_new_ ? Tr("rule.editor.title_new")
                                   : TrFormat("rule.editor.title_edit", {original_name_}).c_str());
    ImGui::PopFont();
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
    DrawDraftNotice(dirty() ? draft_notice_ : std::string(), "rule.draft_notice");
    const float avail = ImGui::GetContentRegionAvail().x;
    const float fn_w = std::clamp(avail * 0.34f, 220.0f * s, 340.0f * s);
    const float form_w = avail - fn_w - 16.0f * s;
    const float w = std::max(200.0f * s, form_w - 180.0f * s);

    ImGui::BeginChild("rule.form", ImVec2(form_w, 0.0f), false);
    ImGui::PushID("rule.editor");
    FormRow("rule.editor.name", "rule.editor.name", w, errors_, "name", [&] {
        InputString("##name", &draft_.name, ImGuiInputTextFlags_CharsNoBlank);
        MarkItem("rule.editor.name");
    });
    FormRow("rule.editor.description", "rule.editor.description", w, errors_, "description", [&] {
        InputString("##description", &draft_.description);
        MarkItem("rule.editor.description");
    });
    FormRow("rule.editor.active", "rule.editor.active", w, errors_, "active", [&] {
        ImGui::Checkbox(Label("rule.editor.active_check").c_str(), &draft_.active);
        MarkItem("rule.editor.active");
    });
    FormRow("rule.editor.formula", "rule.editor.formula_row", std::max(w, form_w - 190.0f * s), errors_,
            "condition", [&] {
                SchemaService& schema = workspace_.schema();
                const std::string object_name = object.api_name;
                formula_.Draw(
                    ctx, "rule.editor.formula", &draft_.condition, 120.0f * s,
                    [&schema, object_name](const std::string& text) {
                        return schema.CompileRule(object_name, text);
                    },
                    schema.version());
                PublishError("rule.editor.error_marker",
                             formula_.error() ? ErrorText(*formula_.error()) : std::string());
            });
    FormRow("rule.editor.message", "rule.editor.message", w, errors_, "error_message", [&] {
        InputString("##message", &draft_.error_message);
        MarkItem("rule.editor.message");
    });
    FormRow("rule.editor.error_field", "rule.editor.error_field", w, errors_, "error_field", [&] {
        std::vector<const FieldDef*> fields;
        for (const FieldDef& f : object.fields) {
            if (f.state == FieldState::Active) fields.push_back(&f);
        }
        int selected = 0;
        for (size_t i = 0; i < fields.size(); ++i) {
            if (fields[i]->api_name == draft_.error_field) selected = static_cast<int>(i) + 1;
        }
        const std::string preview = selected == 0 ? std::string(Tr("rule.editor.top"))
                                                  : ShownLabel(*fields[static_cast<size_t>(selected - 1)]);
        if (ListCombo(
                "##error_field", preview, static_cast<int>(fields.size()) + 1,
                [&](int i) {
                    return i == 0 ? std::string(Tr("rule.editor.top"))
                                  : ShownLabel(*fields[static_cast<size_t>(i - 1)]);
                },
                [&](int i) {
                    return i == 0 ? std::string("top") : fields[static_cast<size_t>(i - 1)]->api_name;
                },
                &selected, "rule.editor.error_field")) {
            draft_.error_field =
                selected == 0 ? std::string() : fields[static_cast<size_t>(selected - 1)]->api_name;
        }
    });
    ImGui::PopID();
    if (errors_.count("")) ErrorLine("rule.editor", errors_.at(""));

    // Test this rule: what it would refuse among the stored records.
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
    if (SecondaryButton(Label("rule.editor.test").c_str(), !draft_.condition.empty() && !formula_.error())) {
        Result<RuleTestResult> result =
            workspace_.records().TestRule(ActingUser(), object.api_name, draft_.condition, 20);
        if (result.ok()) {
            test_ = result.value();
            test_error_.clear();
        } else {
            test_.reset();
            test_error_ = ErrorText(result.error());
        }
    }
    MarkItem("rule.editor.test");
    if (!test_error_.empty()) ErrorLine("rule.editor.test", test_error_);
    if (test_) {
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        const std::string summary = TrFormat(
            "rule.editor.test_result", {std::to_string(test_->failing), std::to_string(test_->records)});
        TextColored(test_->failing > 0 ? p.warning : p.success, summary, false);
        MarkItem("rule.editor.test_result");
        for (const auto& [id, name] : test_->examples) {
            ImGui::BulletText("#%lld  %s", static_cast<long long>(id), name.c_str());
        }
        if (test_->failing > static_cast<int64_t>(test_->examples.size())) {
            TextMuted(
                TrFormat("rule.editor.test_more",
                         {std::to_string(test_->failing - static_cast<int64_t>(test_->examples.size()))}),
                false);
        }
        PublishForm("rule.editor.test_failing", test_->failing);
        PublishForm("rule.editor.test_records", test_->records);
    }

    ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
    std::vector<std::pair<std::string, std::string>> buttons = {{"dialog.cancel", "rule.editor.cancel"}};
    if (!is_new_) buttons.push_back({"rule.editor.delete", "rule.editor.delete"});
    buttons.push_back({"rule.editor.save", "rule.editor.save"});
    const PermissionGuard guard(workspace_.access(), SystemPermission::CustomizeSchema, "rule.editor");
    guard.Notice();
    std::vector<bool> enabled(buttons.size(), guard.allowed());
    enabled.front() = true;  // Cancel
    const int clicked = ButtonRow(buttons, static_cast<int>(buttons.size()) - 1, is_new_ ? -1 : 1, enabled);
    guard.ReasonOnHover();  // over Save, the row's last button
    SchemaService& schema = workspace_.schema();
    if (clicked == 0) {
        editing_ = false;
    } else if (!is_new_ && clicked == 1) {
        Status st = schema.DeleteRule(ActingUser(), object.api_name, original_name_);
        if (st.ok()) {
            message_ = TrFormat("rules.deleted", {original_name_});
            editing_ = false;
        } else {
            errors_[""] = ErrorText(st.error());
        }
    } else if (clicked == static_cast<int>(buttons.size()) - 1) {
        SaveDraft();
    }
    PublishForm("rule.editor.name", draft_.name);
    PublishForm("rule.editor.message", draft_.error_message);
    PublishForm("rule.editor.error_field", draft_.error_field);
    PublishForm("rule.editor.active", draft_.active);
    ImGui::EndChild();

    ImGui::SameLine(0.0f, 16.0f * s);
    ImGui::BeginGroup();
    ImGui::PushFont(ctx.small_font);
    TextMuted(Tr("rule.editor.functions"), false);
    ImGui::PopFont();
    ImGui::SetNextItemWidth(fn_w);
    ImGui::BeginChild("rule.functions",
                      ImVec2(fn_w, std::max(240.0f * s, ImGui::GetContentRegionAvail().y - 8.0f * s)));
    formula_.DrawFunctions(
        ctx, "rule.editor", &draft_.condition,
        std::max(200.0f * s, ImGui::GetContentRegionAvail().y - ImGui::GetFrameHeightWithSpacing()));
    ImGui::EndChild();
    ImGui::EndGroup();
}

}  // namespace crm::ui
