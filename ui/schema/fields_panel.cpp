#include "ui/schema/fields_panel.h"

#include <algorithm>

#include "imgui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

const char* const kColumns[] = {"label", "api_name", "type", "required", "unique", "help"};

std::string YesNo(bool v) { return v ? Tr("common.yes") : ""; }

}  // namespace

void FieldsPanel::Draw(const PageContext& ctx, const ObjectDef& object) {
    const float s = ctx.scale;
    if (object_ != object.api_name) {
        object_ = object.api_name;
        filter_.clear();
        message_.clear();
    }
    // The toolbar: filter and "New field".
    ImGui::SetNextItemWidth(260.0f * s);
    InputString("##fields.filter", &filter_, 0, Tr("fields.filter_hint"));
    MarkItem("fields.filter");
    ImGui::SameLine();
    // Fields are changed with Customize Schema: without it New, Restore and Purge are off, the reason on
    // hover.
    const PermissionGuard guard(workspace_.access(), SystemPermission::CustomizeSchema, "fields");
    const bool new_clicked = PrimaryButton(Label("fields.new").c_str(), guard.allowed());
    guard.ReasonOnHover();
    if (new_clicked || (new_request_ && guard.allowed())) {
        new_request_ = false;
        editor_.OpenNew(object.api_name);
    }
    MarkItem("fields.new");
    if (!edit_request_.empty()) {
        if (const FieldDef* f = object.Field(edit_request_)) editor_.OpenEdit(*f);
        edit_request_.clear();
    }
    if (!message_.empty()) {
        ImGui::SameLine(0.0f, 16.0f * s);
        ImGui::AlignTextToFramePadding();
        TextColored(CurrentPalette().success, message_, false);
    }
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
    DrawTable(ctx, object);
    DrawDeleted(ctx, object);

    const std::string saved = editor_.Draw(ctx);
    if (!saved.empty()) message_ = TrFormat("fields.saved", {saved});
    DrawConfirm(ctx, object);
}

void FieldsPanel::DrawTable(const PageContext& ctx, const ObjectDef& object) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    std::vector<const FieldDef*> rows;
    const std::string needle = LowerAscii(filter_);
    for (const FieldDef& f : object.fields) {
        if (f.state != FieldState::Active) continue;
        if (!needle.empty() && LowerAscii(f.label).find(needle) == std::string::npos &&
            f.label_zh.find(needle) == std::string::npos &&
            LowerAscii(f.api_name).find(needle) == std::string::npos &&
            LowerAscii(FieldTypeLabel(f.type)).find(needle) == std::string::npos) {
            continue;
        }
        rows.push_back(&f);
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable |
                                  ImGuiTableFlags_SizingStretchProp;
    const float deleted_h = 140.0f * s;
    const float height = std::max(200.0f * s, ImGui::GetContentRegionAvail().y - deleted_h);
    if (!ImGui::BeginTable("fields.table", 7, flags, ImVec2(0.0f, height))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(Label("fields.col.label").c_str(), 0, 1.4f);
    ImGui::TableSetupColumn(Label("fields.col.api_name").c_str(), 0, 1.4f);
    ImGui::TableSetupColumn(Label("fields.col.type").c_str(), 0, 1.0f);
    ImGui::TableSetupColumn(Label("fields.col.required").c_str(), 0, 0.6f);
    ImGui::TableSetupColumn(Label("fields.col.unique").c_str(), 0, 0.6f);
    ImGui::TableSetupColumn(Label("fields.col.help").c_str(), 0, 1.6f);
    ImGui::TableSetupColumn(Label("fields.col.actions").c_str(), ImGuiTableColumnFlags_NoSort, 1.0f);
    TakeSortSpecs(&sort_column_, &sort_desc_);
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers, ImGui::GetFrameHeight());
    for (int c = 0; c < 7; ++c) {
        if (!ImGui::TableSetColumnIndex(c)) continue;
        ImGui::TableHeader(ImGui::TableGetColumnName(c));
        if (c < 6) MarkItem(std::string("fields.header.") + kColumns[c]);
    }
    if (sort_column_ >= 0 && sort_column_ < 6) {
        auto key = [&](const FieldDef* f) -> std::string {
            switch (sort_column_) {
                case 0:
                    return LowerAscii(ShownLabel(*f));
                case 1:
                    return LowerAscii(f->api_name);
                case 2:
                    return FieldTypeLabel(f->type);
                case 3:
                    return f->required ? "1" : "0";
                case 4:
                    return f->unique ? "1" : "0";
                default:
                    return f->help_text;
            }
        };
        std::stable_sort(rows.begin(), rows.end(), [&](const FieldDef* a, const FieldDef* b) {
            return sort_desc_ ? key(b) < key(a) : key(a) < key(b);
        });
    }
    nlohmann::json published = nlohmann::json::array();
    for (const FieldDef* f : rows) {
        published.push_back(f->api_name);
        ImGui::PushID(f->api_name.c_str());
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        if (CellSelectable(ShownLabel(*f), "##row", false,
                           ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap |
                               ImGuiSelectableFlags_AllowDoubleClick) &&
            ImGui::IsMouseDoubleClicked(0)) {
            editor_.OpenEdit(*f);
        }
        MarkRow("fields.row." + f->api_name);
        ImGui::TableSetColumnIndex(1);
        CellText(f->api_name, true);
        ImGui::TableSetColumnIndex(2);
        std::string type = FieldTypeLabel(f->type);
        if (f->type == FieldType::Lookup) type += " (" + f->lookup_object + ")";
        if (f->type == FieldType::Text && f->length > 0) type += " (" + std::to_string(f->length) + ")";
        CellText(type);
        ImGui::TableSetColumnIndex(3);
        ImGui::TextUnformatted(YesNo(f->required).c_str());
        ImGui::TableSetColumnIndex(4);
        ImGui::TextUnformatted(YesNo(f->unique).c_str());
        ImGui::TableSetColumnIndex(5);
        CellText(f->help_text, true);
        ImGui::TableSetColumnIndex(6);
        if (ImGui::SmallButton(Label("fields.edit").c_str())) editor_.OpenEdit(*f);
        MarkItem("fields.edit." + f->api_name);
        if (f->custom) {
            ImGui::SameLine();
            ImGui::PushStyleColor(ImGuiCol_Text, p.danger);
            if (ImGui::SmallButton(Label("fields.delete").c_str())) {
                confirm_open_ = true;
                confirm_purge_ = false;
                confirm_field_ = f->api_name;
                confirm_error_.clear();
            }
            ImGui::PopStyleColor();
            MarkItem("fields.delete." + f->api_name);
        } else {
            ImGui::SameLine();
            ImGui::PushFont(ctx.small_font);
            TextMuted(Tr("fields.standard"), false);
            ImGui::PopFont();
        }
        ImGui::PopID();
    }
    if (rows.empty()) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        TextMuted(Tr("fields.none"), false);
    }
    ImGui::EndTable();
    PublishForm("fields.rows", std::move(published));
}

void FieldsPanel::DrawDeleted(const PageContext& ctx, const ObjectDef& object) {
    const float s = ctx.scale;
    const PermissionGuard guard(workspace_.access(), SystemPermission::CustomizeSchema, "fields");
    std::vector<const FieldDef*> deleted;
    for (const FieldDef& f : object.fields) {
        if (f.state == FieldState::Deleted) deleted.push_back(&f);
    }
    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    ImGui::PushFont(ctx.small_font);
    TextMuted(TrFormat("fields.deleted.title", {std::to_string(deleted.size())}), false);
    ImGui::PopFont();
    nlohmann::json published = nlohmann::json::array();
    for (const FieldDef* f : deleted) {
        published.push_back(f->api_name);
        ImGui::PushID(f->api_name.c_str());
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(
            (ShownLabel(*f) + "  ·  " + f->api_name + "  ·  " + FieldTypeLabel(f->type)).c_str());
        ImGui::SameLine(0.0f, 16.0f * s);
        const bool restore_clicked = SecondaryButton(Label("fields.restore").c_str(), guard.allowed());
        guard.ReasonOnHover();
        if (restore_clicked) {
            Status st = workspace_.schema().RestoreField(ActingUser(), object.api_name, f->api_name);
            message_ = st.ok() ? TrFormat("fields.restored", {f->api_name}) : ErrorText(st.error());
        }
        MarkItem("fields.restore." + f->api_name);
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Text, CurrentPalette().danger);
        const bool purge_clicked = SecondaryButton(Label("fields.purge").c_str(), guard.allowed());
        guard.ReasonOnHover();
        if (purge_clicked) {
            confirm_open_ = true;
            confirm_purge_ = true;
            confirm_field_ = f->api_name;
            confirm_error_.clear();
        }
        ImGui::PopStyleColor();
        MarkItem("fields.purge." + f->api_name);
        ImGui::PopID();
    }
    if (deleted.empty()) {
        ImGui::PushFont(ctx.small_font);
        TextMuted(Tr("fields.deleted.none"), false);
        ImGui::PopFont();
    }
    PublishForm("fields.deleted", std::move(published));
}

void FieldsPanel::DrawConfirm(const PageContext& ctx, const ObjectDef& object) {
    const std::string title =
        TrFormat(confirm_purge_ ? "fields.purge.title" : "fields.delete.title", {confirm_field_});
    if (!BeginDialog("fields.confirm", title, 520.0f, &confirm_open_, ctx)) return;
    TextMuted(Tr(confirm_purge_ ? "fields.purge.body" : "fields.delete.body"));
    if (!confirm_error_.empty()) {
        ImGui::Dummy(ImVec2(0.0f, 4.0f * ctx.scale));
        ErrorLine("fields.confirm", confirm_error_);
    }
    ImGui::Dummy(ImVec2(0.0f, 10.0f * ctx.scale));
    const int clicked = ButtonRow({{"dialog.cancel", "fields.confirm.cancel"},
                                   {confirm_purge_ ? "fields.purge" : "fields.delete", "fields.confirm.ok"}},
                                  -1, 1, {true, confirm_error_.empty()});
    if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        ImGui::CloseCurrentPopup();
    } else if (clicked == 1) {
        SchemaService& schema = workspace_.schema();
        Status st = confirm_purge_ ? schema.PurgeField(ActingUser(), object.api_name, confirm_field_)
                                   : schema.DeleteField(ActingUser(), object.api_name, confirm_field_);
        if (st.ok()) {
            message_ = TrFormat(confirm_purge_ ? "fields.purged" : "fields.deleted_msg", {confirm_field_});
            ImGui::CloseCurrentPopup();
        } else {
            // The refusal, listing the rules, formula fields, layouts and list views using the field.
            confirm_error_ = ErrorText(st.error());
        }
    }
    PublishForm("fields.confirm.field", confirm_field_);
    EndDialog();
}

}  // namespace crm::ui
