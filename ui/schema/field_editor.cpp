#include "ui/schema/field_editor.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "imgui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/shell/busy.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

bool IsNumeric(FieldType t) {
    return t == FieldType::Number || t == FieldType::Currency || t == FieldType::Percent;
}
bool IsPicklist(FieldType t) { return t == FieldType::Picklist || t == FieldType::MultiPicklist; }
bool HasLength(FieldType t) { return t == FieldType::Text || t == FieldType::LongText; }
bool CanBeUnique(FieldType t) {
    return t == FieldType::Text || t == FieldType::Email || t == FieldType::Phone || t == FieldType::Number ||
           t == FieldType::Url;
}

const FieldType kFormulaResults[] = {FieldType::Text,    FieldType::Number, FieldType::Currency,
                                     FieldType::Percent, FieldType::Date,   FieldType::DateTime,
                                     FieldType::Checkbox};

std::string NumberText(const std::optional<double>& v) {
    if (!v) return {};
    std::string text = std::to_string(*v);
    while (text.find('.') != std::string::npos && (text.back() == '0' || text.back() == '.')) {
        const bool dot = text.back() == '.';
        text.pop_back();
        if (dot) break;
    }
    return text;
}

// A blank text is no limit; anything else must be a number.
bool ParseLimit(const std::string& text, std::optional<double>* out) {
    if (text.empty()) {
        out->reset();
        return true;
    }
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != 0) return false;
    *out = v;
    return true;
}

}  // namespace

void FieldEditor::OpenNew(const std::string& object) {
    draft_ = FieldDef{};
    draft_.object = object;
    draft_.length = 255;
    draft_.precision = 18;
    draft_.scale = 0;
    original_ = draft_;
    is_new_ = true;
    api_edited_ = false;
    add_to_layouts_ = true;
    min_text_.clear();
    max_text_.clear();
    errors_.clear();
    formula_.Reset();
    preview_.reset();
    retype_error_.clear();
    open_request_ = true;
}

void FieldEditor::OpenEdit(const FieldDef& field) {
    draft_ = field;
    original_ = field;
    is_new_ = false;
    api_edited_ = true;
    min_text_ = NumberText(field.min_value);
    max_text_ = NumberText(field.max_value);
    errors_.clear();
    formula_.Reset();
    preview_.reset();
    retype_error_.clear();
    open_request_ = true;
}

std::string FieldEditor::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    std::string saved;
    const std::string title = is_new_ ? std::string(Tr("field.editor.title_new"))
                                      : TrFormat("field.editor.title_edit", {original_.label});
    showing_ = BeginDialog("field.editor", title, 860.0f, &open_request_, ctx);
    if (!showing_) return saved;
    const float w = 320.0f * s;

    // Type: chosen first for a new field; an existing field's type change goes through the dry run.
    const auto& names = FieldTypeNames();
    FormRow("field.editor.type", "field.editor.type", w, errors_, "type", [&] {
        int selected = static_cast<int>(draft_.type);
        if (ListCombo(
                "##field.editor.type", FieldTypeLabel(draft_.type), static_cast<int>(names.size()),
                [&](int i) { return FieldTypeLabel(static_cast<FieldType>(i)); },
                [&](int i) { return names[static_cast<size_t>(i)]; }, &selected, "field.editor.type")) {
            draft_.type = static_cast<FieldType>(selected);
            preview_.reset();
            retype_error_.clear();
            if (HasLength(draft_.type) && draft_.length == 0)
                draft_.length = draft_.type == FieldType::Text ? 255 : 32768;
            if (draft_.type == FieldType::AutoNumber && draft_.auto_format.empty())
                draft_.auto_format = "A-{0000}";
        }
    });
    FormRow("field.editor.label", "field.editor.label", w, errors_, "label", [&] {
        if (InputString("##field.editor.label", &draft_.label) && is_new_ && !api_edited_) {
            draft_.api_name = DeriveApiName(draft_.label);
        }
        MarkItem("field.editor.label");
    });
    FormRow("field.editor.api_name", "field.editor.api_name", w, errors_, "api_name", [&] {
        ImGui::BeginDisabled(!is_new_);
        if (InputString("##field.editor.api_name", &draft_.api_name, ImGuiInputTextFlags_CharsNoBlank)) {
            api_edited_ = true;
        }
        ImGui::EndDisabled();
        MarkItem("field.editor.api_name");
        ImGui::SameLine();
        TextMuted(is_new_ ? Tr("field.editor.api_suffix") : Tr("field.editor.api_fixed"), false);
    });
    FormRow("field.editor.help", "field.editor.help", w, errors_, "help_text", [&] {
        InputString("##field.editor.help", &draft_.help_text);
        MarkItem("field.editor.help");
    });
    FormRow("field.editor.flags", "field.editor.flags", w, errors_, "required", [&] {
        ImGui::BeginDisabled(draft_.is_read_only() || draft_.type == FieldType::Checkbox);
        ImGui::Checkbox(Label("field.editor.required").c_str(), &draft_.required);
        MarkItem("field.editor.required");
        ImGui::EndDisabled();
        ImGui::SameLine(0.0f, 16.0f * s);
        ImGui::BeginDisabled(!CanBeUnique(draft_.type));
        ImGui::Checkbox(Label("field.editor.unique").c_str(), &draft_.unique);
        MarkItem("field.editor.unique");
        ImGui::EndDisabled();
        ImGui::SameLine(0.0f, 16.0f * s);
        ImGui::Checkbox(Label("field.editor.track_history").c_str(), &draft_.track_history);
        MarkItem("field.editor.track_history");
        ImGui::SameLine(0.0f, 16.0f * s);
        ImGui::BeginDisabled(draft_.type == FieldType::Formula);
        ImGui::Checkbox(Label("field.editor.indexed").c_str(), &draft_.indexed);
        MarkItem("field.editor.indexed");
        ImGui::EndDisabled();
        if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
            ImGui::SetTooltip("%s", Tr("field.editor.indexed.help"));
    });
    if (errors_.count("unique")) FormRow("", "field.editor.unique", w, errors_, "unique", [] {});

    DrawTypeProperties(ctx, w);

    if (!draft_.is_read_only() && !IsPicklist(draft_.type)) {
        FormRow("field.editor.default", "field.editor.default", w, errors_, "default_value", [&] {
            InputString("##field.editor.default", &draft_.default_value, 0, Tr("field.editor.default_hint"));
            MarkItem("field.editor.default");
        });
    }
    if (is_new_) {
        FormRow("field.editor.layouts", "field.editor.add_to_layouts", w, errors_, "add_to_layouts", [&] {
            ImGui::Checkbox(Label("field.editor.add_to_layouts").c_str(), &add_to_layouts_);
            MarkItem("field.editor.add_to_layouts");
        });
    }
    if (!is_new_ && draft_.type != original_.type) DrawRetype(ctx);

    if (errors_.count("")) ErrorLine("field.editor", errors_.at(""));
    ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
    const bool retype_pending = !is_new_ && draft_.type != original_.type;
    const bool can_save =
        !retype_pending || (preview_ && previewed_type_ == draft_.type && preview_->failures == 0);
    const PermissionGuard guard(workspace_.access(), SystemPermission::CustomizeSchema, "field.editor");
    guard.Notice();
    const int clicked =
        ButtonRow({{"dialog.cancel", "field.editor.cancel"}, {"field.editor.save", "field.editor.save"}}, 1,
                  -1, {true, can_save && guard.allowed()});
    guard.ReasonOnHover();  // over Save, the row's last button
    if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        ImGui::CloseCurrentPopup();
        showing_ = false;
    } else if (clicked == 1) {
        RunShowingProgress(ManyRecords(workspace_, draft_.object),
                           TrFormat("busy.saving_field", {draft_.label}), [this] {
                               if (Save()) saved_now_ = draft_.api_name;
                           });
    }
    if (!saved_now_.empty()) {  // saved (this frame, or by the work the last frame showed)
        saved = std::exchange(saved_now_, std::string());
        ImGui::CloseCurrentPopup();
        showing_ = false;
    }
    PublishState();
    EndDialog();
    return saved;
}

void FieldEditor::DrawTypeProperties(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    const FieldType t = draft_.type;
    if (HasLength(t)) {
        FormRow("field.editor.length", "field.editor.length", 140.0f * s, errors_, "length", [&] {
            ImGui::InputInt("##field.editor.length", &draft_.length, 0, 0);
            MarkItem("field.editor.length");
        });
    }
    if (IsNumeric(t)) {
        FormRow("field.editor.precision", "field.editor.precision", 140.0f * s, errors_, "precision", [&] {
            ImGui::InputInt("##field.editor.precision", &draft_.precision, 1, 1);
            MarkItem("field.editor.precision");
        });
        FormRow("field.editor.scale", "field.editor.scale", 140.0f * s, errors_, "scale", [&] {
            ImGui::InputInt("##field.editor.scale", &draft_.scale, 1, 1);
            MarkItem("field.editor.scale");
        });
        FormRow("field.editor.range", "field.editor.min", 140.0f * s, errors_, "min_value", [&] {
            InputString("##field.editor.min", &min_text_, ImGuiInputTextFlags_CharsScientific,
                        Tr("field.editor.min"));
            MarkItem("field.editor.min");
            ImGui::SameLine();
            ImGui::SetNextItemWidth(140.0f * s);
            InputString("##field.editor.max", &max_text_, ImGuiInputTextFlags_CharsScientific,
                        Tr("field.editor.max"));
            MarkItem("field.editor.max");
        });
        if (errors_.count("max_value")) FormRow("", "field.editor.max", width, errors_, "max_value", [] {});
    }
    if (IsPicklist(t)) DrawPicklist(ctx);
    if (t == FieldType::Lookup) {
        const auto objects = workspace_.schema().Objects();
        FormRow("field.editor.lookup_object", "field.editor.lookup_object", width, errors_, "lookup_object",
                [&] {
                    int selected = -1;
                    for (size_t i = 0; i < objects.size(); ++i) {
                        if (objects[i]->api_name == draft_.lookup_object) selected = static_cast<int>(i);
                    }
                    const std::string preview = selected >= 0
                                                    ? ShownLabel(*objects[static_cast<size_t>(selected)])
                                                    : std::string(Tr("field.editor.choose"));
                    if (ListCombo(
                            "##field.editor.lookup_object", preview, static_cast<int>(objects.size()),
                            [&](int i) { return ShownLabel(*objects[static_cast<size_t>(i)]); },
                            [&](int i) { return objects[static_cast<size_t>(i)]->api_name; }, &selected,
                            "field.editor.lookup_object")) {
                        draft_.lookup_object = objects[static_cast<size_t>(selected)]->api_name;
                    }
                });
        FormRow("field.editor.relationship", "field.editor.relationship", width, errors_, "relationship_name",
                [&] {
                    InputString("##field.editor.relationship", &draft_.relationship_name,
                                ImGuiInputTextFlags_CharsNoBlank);
                    MarkItem("field.editor.relationship");
                });
    }
    if (t == FieldType::AutoNumber) {
        FormRow("field.editor.auto_format", "field.editor.auto_format", width, errors_, "auto_format", [&] {
            InputString("##field.editor.auto_format", &draft_.auto_format, 0, "CASE-{0000}");
            MarkItem("field.editor.auto_format");
        });
    }
    if (t == FieldType::Formula) {
        FormRow("field.editor.formula_type", "field.editor.formula_type", width, errors_, "formula_type",
                [&] {
                    int selected = 0;
                    for (int i = 0; i < 7; ++i) {
                        if (kFormulaResults[i] == draft_.formula_type) selected = i;
                    }
                    if (ListCombo(
                            "##field.editor.formula_type", FieldTypeLabel(draft_.formula_type), 7,
                            [](int i) { return FieldTypeLabel(kFormulaResults[i]); },
                            [](int i) { return std::string(FieldTypeName(kFormulaResults[i])); }, &selected,
                            "field.editor.formula_type")) {
                        draft_.formula_type = kFormulaResults[selected];
                    }
                });
        FormRow("field.editor.formula", "field.editor.formula", width + 160.0f * s, errors_, "formula", [&] {
            SchemaService& schema = workspace_.schema();
            const std::string object = draft_.object;
            const formula::ValueType expected = FormulaTypeOf(draft_.formula_type);
            formula_.Draw(
                ctx, "field.editor.formula", &draft_.formula, 90.0f * s,
                [&schema, object, expected](const std::string& text) -> Result<formula::CompiledFormula> {
                    auto resolver = schema.Resolver(object);
                    if (!resolver) return Error{"schema.unknown_object", object, "", 0, 0};
                    formula::CompileOptions options;
                    options.expected_result =
                        expected == formula::ValueType::Picklist ? formula::ValueType::Any : expected;
                    return formula::Compile(text, *resolver, options);
                },
                schema.version() * 16 + static_cast<uint64_t>(draft_.formula_type));
        });
    }
}

void FieldEditor::DrawPicklist(const PageContext& ctx) {
    const float s = ctx.scale;
    FormRow("field.editor.values", "field.editor.values", 0.0f, errors_, "picklist", [&] {
        ImGui::BeginGroup();
        auto& values = draft_.picklist;
        int move_from = -1, move_to = -1, remove = -1;
        const ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit;
        if (ImGui::BeginTable("field.editor.values", 5, flags)) {
            ImGui::TableSetupColumn(Tr("field.editor.value_label"), 0, 170.0f * s);
            ImGui::TableSetupColumn(Tr("field.editor.value_api"), 0, 150.0f * s);
            ImGui::TableSetupColumn(Tr("field.editor.value_active"));
            ImGui::TableSetupColumn(Tr("field.editor.value_default"));
            ImGui::TableSetupColumn("##order");
            ImGui::TableHeadersRow();
            for (size_t i = 0; i < values.size(); ++i) {
                PicklistValue& v = values[i];
                const std::string n = std::to_string(i);
                ImGui::PushID(static_cast<int>(i));
                ImGui::TableNextRow();
                ImGui::TableSetColumnIndex(0);
                ImGui::SetNextItemWidth(-FLT_MIN);
                InputString("##label", &v.label);
                MarkItem("field.editor.value." + n + ".label");
                ImGui::TableSetColumnIndex(1);
                ImGui::SetNextItemWidth(-FLT_MIN);
                InputString("##api", &v.api_name, 0, v.label.c_str());
                MarkItem("field.editor.value." + n + ".api_name");
                ImGui::TableSetColumnIndex(2);
                ImGui::Checkbox("##active", &v.active);
                MarkItem("field.editor.value." + n + ".active");
                ImGui::TableSetColumnIndex(3);
                if (ImGui::RadioButton("##default", v.is_default)) {
                    const bool was = v.is_default;
                    for (auto& other : values) other.is_default = false;
                    v.is_default = !was;
                }
                MarkItem("field.editor.value." + n + ".default");
                ImGui::TableSetColumnIndex(4);
                if (ImGui::ArrowButton("##up", ImGuiDir_Up) && i > 0)
                    move_from = static_cast<int>(i), move_to = static_cast<int>(i) - 1;
                MarkItem("field.editor.value." + n + ".up");
                ImGui::SameLine();
                if (ImGui::ArrowButton("##down", ImGuiDir_Down) && i + 1 < values.size())
                    move_from = static_cast<int>(i), move_to = static_cast<int>(i) + 1;
                MarkItem("field.editor.value." + n + ".down");
                ImGui::SameLine();
                // A value already stored on records is deactivated rather than removed.
                const bool stored = !is_new_ && original_.FindValue(v.api_name) != nullptr;
                if (SecondaryButton((std::string(Tr("field.editor.value_remove")) + "##rm").c_str(), !stored))
                    remove = static_cast<int>(i);
                MarkItem("field.editor.value." + n + ".remove");
                if (stored && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
                    ImGui::SetTooltip("%s", Tr("field.editor.value_keep"));
                ImGui::PopID();
            }
            ImGui::EndTable();
        }
        if (move_from >= 0)
            std::swap(values[static_cast<size_t>(move_from)], values[static_cast<size_t>(move_to)]);
        if (remove >= 0) values.erase(values.begin() + remove);
        if (SecondaryButton(Label("field.editor.value_add").c_str()))
            values.push_back(PicklistValue{"", "", true, false});
        MarkItem("field.editor.value_add");
        ImGui::EndGroup();
    });
}

void FieldEditor::DrawRetype(const PageContext& ctx) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
    BeginCard();
    TextColored(p.warning_text, TrFormat("field.retype.intro",
                                         {FieldTypeLabel(original_.type), FieldTypeLabel(draft_.type)}));
    if (SecondaryButton(Label("field.retype.check").c_str())) {
        RunShowingProgress(
            ManyRecords(workspace_, draft_.object), TrFormat("busy.checking_values", {draft_.label}), [this] {
                Result<RetypePreview> result = workspace_.schema().PreviewRetype(ActingUser(), draft_, 200);
                if (result.ok()) {
                    preview_ = result.value();
                    previewed_type_ = draft_.type;
                    retype_error_.clear();
                } else {
                    preview_.reset();
                    retype_error_ = ErrorText(result.error());
                }
            });
    }
    MarkItem("field.retype.check");
    if (!retype_error_.empty()) ErrorLine("field.retype", retype_error_);
    if (preview_ && previewed_type_ == draft_.type) {
        if (preview_->failures == 0) {
            TextColored(p.success, TrFormat("field.retype.all_convert", {std::to_string(preview_->records)}));
        } else {
            TextColored(p.danger, TrFormat("field.retype.failures", {std::to_string(preview_->failures),
                                                                     std::to_string(preview_->records)}));
            if (ImGui::BeginTable(
                    "field.retype.list", 3,
                    ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter,
                    ImVec2(0.0f, ScrollTableHeight(preview_->listed.size(), 160.0f * s)))) {
                ImGui::TableSetupScrollFreeze(0, 1);
                ImGui::TableSetupColumn(Tr("field.retype.record"), ImGuiTableColumnFlags_WidthFixed,
                                        80.0f * s);
                ImGui::TableSetupColumn(Tr("field.retype.value"));
                ImGui::TableSetupColumn(Tr("field.retype.reason"));
                ImGui::TableHeadersRow();
                for (const RetypeFailure& f : preview_->listed) {
                    ImGui::TableNextRow();
                    ImGui::TableSetColumnIndex(0);
                    ImGui::Text("#%lld", static_cast<long long>(f.record_id));
                    ImGui::TableSetColumnIndex(1);
                    ImGui::TextUnformatted(f.value.c_str());
                    ImGui::TableSetColumnIndex(2);
                    ImGui::TextUnformatted(f.reason.c_str());
                }
                ImGui::EndTable();
            }
            ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
            const int clicked = ButtonRow({{"field.retype.keep", "field.retype.refuse"},
                                           {"field.retype.apply_clear", "field.retype.apply_clear"}},
                                          -1, 1);
            if (clicked == 0) {
                draft_.type = original_.type;
                preview_.reset();
            } else if (clicked == 1) {
                RunShowingProgress(ManyRecords(workspace_, draft_.object),
                                   TrFormat("busy.changing_type", {draft_.label}), [this] {
                                       Result<RetypePreview> done = workspace_.schema().RetypeField(
                                           ActingUser(), draft_, RetypeMode::ClearFailures);
                                       if (done.ok()) {
                                           original_.type = draft_.type;
                                           preview_.reset();
                                       } else {
                                           retype_error_ = ErrorText(done.error());
                                       }
                                   });
            }
        }
    }
    EndCard();
}

bool FieldEditor::Save() {
    errors_.clear();
    if (!ParseLimit(min_text_, &draft_.min_value)) errors_["min_value"] = Tr("field.editor.not_a_number");
    if (!ParseLimit(max_text_, &draft_.max_value)) errors_["max_value"] = Tr("field.editor.not_a_number");
    for (PicklistValue& v : draft_.picklist) {
        if (v.api_name.empty()) v.api_name = v.label;
    }
    if (draft_.type == FieldType::Formula && formula_.error())
        errors_["formula"] = ErrorText(*formula_.error());
    if (!errors_.empty()) return false;
    SchemaService& schema = workspace_.schema();
    if (is_new_) {
        Result<FieldDef> created = schema.CreateField(ActingUser(), draft_, add_to_layouts_);
        if (!created.ok()) {
            AddError(&errors_, created.error());
            return false;
        }
        draft_ = created.value();
        return true;
    }
    if (draft_.type != original_.type) {
        Result<RetypePreview> done = schema.RetypeField(ActingUser(), draft_, RetypeMode::RefuseIfAny);
        if (!done.ok()) {
            AddError(&errors_, done.error());
            return false;
        }
        original_.type = draft_.type;
    }
    Result<FieldDef> updated = schema.UpdateField(ActingUser(), draft_);
    if (!updated.ok()) {
        AddError(&errors_, updated.error());
        return false;
    }
    return true;
}

void FieldEditor::PublishState() const {
    PublishForm("field.editor.mode", is_new_ ? "new" : "edit");
    PublishForm("field.editor.type", FieldTypeName(draft_.type));
    PublishForm("field.editor.label", draft_.label);
    PublishForm("field.editor.api_name", draft_.api_name);
    PublishForm("field.editor.required", draft_.required);
    PublishForm("field.editor.add_to_layouts", add_to_layouts_);
    if (preview_) PublishForm("field.retype.failures", preview_->failures);
    for (const auto& [key, message] : errors_)
        PublishError("field.editor." + (key.empty() ? std::string("form") : key), message);
}

}  // namespace crm::ui
