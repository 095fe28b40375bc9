#include "ui/workflow/process_shared.h"

#include <algorithm>
#include <cstdlib>

#include "access/access.h"
#include "imgui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "workflow/process_formulas.h"

namespace crm::ui::setup {

void EditorTitle(const std::string& text) {
    TextColored(CurrentPalette().accent, text, true);
    ImGui::Separator();
}

std::vector<std::shared_ptr<const ObjectDef>> Objects(Workspace& workspace) {
    std::vector<std::shared_ptr<const ObjectDef>> objects;
    for (const auto& o : workspace.schema().Objects()) {
        if (!o->deleted) objects.push_back(o);
    }
    std::stable_sort(objects.begin(), objects.end(),
                     [](const auto& a, const auto& b) { return ShownLabel(*a) < ShownLabel(*b); });
    return objects;
}

bool ObjectCombo(Workspace& workspace, const std::string& hook, std::string* object, bool allow_all) {
    const auto objects = Objects(workspace);
    std::vector<std::string> values, labels;
    for (const auto& o : objects) {
        values.push_back(o->api_name);
        labels.push_back(ShownLabel(*o));
    }
    return ValueCombo(hook, values, labels, object, allow_all ? "wfs.all_objects" : nullptr);
}

bool ValueCombo(const std::string& hook, const std::vector<std::string>& values,
                const std::vector<std::string>& labels, std::string* value, const char* none_id) {
    const int offset = none_id ? 1 : 0;
    const int count = static_cast<int>(values.size()) + offset;
    int selected = -1;
    if (none_id && value->empty()) selected = 0;
    for (size_t i = 0; i < values.size(); ++i) {
        if (values[i] == *value) selected = static_cast<int>(i) + offset;
    }
    auto label = [&](int i) {
        if (i < offset) return std::string(Tr(none_id));
        return labels[static_cast<size_t>(i - offset)];
    };
    auto key = [&](int i) {
        return i < offset ? std::string("none") : values[static_cast<size_t>(i - offset)];
    };
    const std::string preview = selected >= 0 ? label(selected) : *value;
    if (count > 12) {
        // Long lists (users, fields) get the filter box.
        static std::string filter;
        FilterComboItems items;
        items.count = count;
        items.label = label;
        items.key = key;
        items.matches = [&](int i, const std::string& needle) {
            return MatchesFilter(needle, {label(i), key(i)});
        };
        if (FilterCombo(("##" + hook).c_str(), preview, items, &selected, &filter, hook,
                        280.0f * CurrentScale())) {
            *value = selected < offset ? std::string() : values[static_cast<size_t>(selected - offset)];
            return true;
        }
        return false;
    }
    if (ListCombo(("##" + hook).c_str(), preview, count, label, key, &selected, hook)) {
        *value = selected < offset ? std::string() : values[static_cast<size_t>(selected - offset)];
        return true;
    }
    return false;
}

bool Checklist(const std::string& hook, const std::vector<std::string>& values,
               const std::vector<std::string>& labels, std::vector<std::string>* chosen, float width,
               float height) {
    bool changed = false;
    ImGui::BeginChild(("##" + hook).c_str(), ImVec2(width, height), true);
    if (values.empty()) TextMuted(Tr("wfs.nothing_to_choose"), false);
    for (size_t i = 0; i < values.size(); ++i) {
        bool on = std::find(chosen->begin(), chosen->end(), values[i]) != chosen->end();
        if (ImGui::Checkbox((labels[i] + "##" + values[i]).c_str(), &on)) {
            std::vector<std::string> next;
            for (const std::string& v : values) {
                const bool was = std::find(chosen->begin(), chosen->end(), v) != chosen->end();
                if (v == values[i] ? on : was) next.push_back(v);
            }
            // Chosen values no longer offered (a removed picklist value) stay.
            for (const std::string& v : *chosen) {
                if (std::find(values.begin(), values.end(), v) == values.end()) next.push_back(v);
            }
            *chosen = std::move(next);
            changed = true;
        }
        MarkItem(hook + "." + values[i]);
    }
    ImGui::EndChild();
    MarkItem(hook);
    // What is chosen, in one line (the list may hide it below its fold).
    if (!chosen->empty()) {
        std::string shown;
        for (const std::string& v : *chosen) {
            const auto it = std::find(values.begin(), values.end(), v);
            shown += (shown.empty() ? "" : ", ") +
                     (it == values.end() ? v : labels[static_cast<size_t>(it - values.begin())]);
        }
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
        TextMuted(Tr("wfs.chosen", {{"list", shown}}), false);
        ImGui::PopTextWrapPos();
    }
    return changed;
}

void PutError(FormErrors* errors, const Error& error) { (*errors)[error.field] = ErrorText(error); }

bool HasErrorUnder(const FormErrors& errors, const std::string& prefix) {
    for (const auto& [key, message] : errors) {
        if (key.compare(0, prefix.size(), prefix) == 0) return true;
    }
    return false;
}

void ErrorAt(const FormErrors& errors, const std::string& key, const std::string& hook) {
    auto it = errors.find(key);
    if (it != errors.end()) ErrorLine(hook, it->second);
}

void ConfirmDelete::Open(const std::string& what) {
    what_ = what;
    error_.clear();
    open_ = true;
}

bool ConfirmDelete::Draw(const PageContext& ctx, const char* id, const std::function<Status()>& remove) {
    // The title is drawn in the heading font (catalog characters only): the name goes in the body.
    if (!BeginDialog(id, Tr("wfs.delete.title"), 480.0f, &open_, ctx)) return false;
    ImGui::TextUnformatted(Tr("wfs.delete.what", {{"name", what_}}).c_str());
    TextMuted(Tr("wfs.delete.body"));
    if (!error_.empty()) ErrorLine(std::string(id) + ".error", error_);
    ImGui::Dummy(ImVec2(0.0f, 6.0f * ctx.scale));
    const int clicked = ButtonRow(
        {{"dialog.cancel", std::string(id) + ".cancel"}, {"wfs.delete", std::string(id) + ".ok"}}, -1, 1);
    bool deleted = false;
    if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        ImGui::CloseCurrentPopup();
    } else if (clicked == 1) {
        Status done = remove();
        if (done.ok()) {
            deleted = true;
            ImGui::CloseCurrentPopup();
        } else {
            error_ = ErrorText(done.error());
        }
    }
    EndDialog();
    return deleted;
}

/// What the three setup pages' commands check (Guard and ListRefused agree on it).
constexpr SystemPermission kSetupPermission = SystemPermission::ManageWorkflows;

PermissionGuard Guard(Workspace& workspace, const std::string& scope) {
    return PermissionGuard(workspace.access(), kSetupPermission, scope);
}

void ListRefused(Workspace& workspace, const std::string& hook, const Error& error) {
    if (workspace.access().HasSystemPermission(ActingUser(), kSetupPermission))
        ErrorLine(hook, ErrorText(error));
}

ToolbarAction SetupToolbar(Workspace& workspace, float scale, const std::string& prefix, std::string* object,
                           bool allow_all, std::string* filter) {
    ToolbarAction action;
    const PermissionGuard guard = Guard(workspace, prefix);
    guard.Notice();  // above the toolbar: the pages go on on its line (messages, move buttons)
    ImGui::SetNextItemWidth(200.0f * scale);
    action.object_changed = ObjectCombo(workspace, prefix + ".object", object, allow_all);
    ImGui::SameLine();
    TableFilter(prefix + ".filter", Tr("wfs.filter_hint"), filter, 200.0f * scale);
    ImGui::SameLine();
    const std::string create = prefix + ".new";
    action.create = PrimaryButton(Label(create.c_str()).c_str(), guard.allowed());
    MarkItem(create);
    guard.ReasonOnHover();
    return action;
}

void MessageLine(const std::string& message, const std::string& hook) {
    if (message.empty()) return;
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    TextColored(CurrentPalette().success, message, false);
    MarkItem(hook);
}

void ListAndEditor(const char* editor_id, bool editing, float scale, float share, float min_width,
                   float max_width, const std::function<void(float)>& list,
                   const std::function<void()>& editor) {
    const float avail = ImGui::GetContentRegionAvail().x;
    const float list_w = editing ? std::clamp(avail * share, min_width * scale, max_width * scale) : avail;
    ImGui::BeginGroup();
    list(list_w);
    ImGui::EndGroup();
    if (editing) {
        ImGui::SameLine(0.0f, 16.0f * scale);
        ImGui::BeginChild(editor_id, ImVec2(0.0f, 0.0f), false);
        editor();
        ImGui::EndChild();
    }
}

bool EditorButtons(SetupPageState* st, const std::string& prefix, float scale) {
    ImGui::Dummy(ImVec2(0.0f, 8.0f * scale));
    std::vector<std::pair<std::string, std::string>> buttons = {{"dialog.cancel", prefix + ".cancel"}};
    if (!st->is_new) buttons.push_back({"wfs.delete", prefix + ".delete"});
    buttons.push_back({"dialog.save", prefix + ".save"});
    const int save_index = static_cast<int>(buttons.size()) - 1;
    const PermissionGuard guard = Guard(*st->workspace, prefix);
    guard.Notice();
    std::vector<bool> enabled(buttons.size(), guard.allowed());
    enabled.front() = true;  // Cancel
    const int clicked = ButtonRow(buttons, save_index, st->is_new ? -1 : 1, enabled);
    guard.ReasonOnHover();  // over Save, the row's last button
    if (clicked == 0) {
        st->editing = false;
    } else if (!st->is_new && clicked == 1) {
        st->confirm.Open(st->original_name);
    } else if (clicked == save_index) {
        st->errors.clear();
        return true;
    }
    return false;
}

void NoteSaved(const std::string& name, Note* message) {
    *message = Tr("wfs.saved", {{"name", name}});
}

void NoteSaveError(const Error& error, FormErrors* errors, Note* message) {
    PutError(errors, error);
    message->clear();
}

int ErrorIndex(const std::string& field, const std::string& list) {
    const std::string start = list + "[";
    if (field.rfind(start, 0) != 0) return -1;
    return std::atoi(field.c_str() + start.size());
}

bool ConfirmEditorDelete(SetupPageState* st, const PageContext& ctx, const char* id,
                         const std::function<Status()>& remove) {
    if (!st->confirm.Draw(ctx, id, remove)) return false;
    st->message = Tr("wfs.deleted", {{"name", st->original_name}});
    st->editing = false;
    return true;
}

void MoveButtons(const std::string& hook, int count, int* selected,
                 const std::function<bool(int, int)>& swap) {
    const int i = *selected;
    const bool has = i >= 0 && i < count;
    if (SecondaryButton(Label("wfs.move_up").c_str(), has && i > 0)) {
        if (swap(i, i - 1)) --*selected;
    }
    MarkItem(hook + ".up");
    ImGui::SameLine();
    if (SecondaryButton(Label("wfs.move_down").c_str(), has && i + 1 < count)) {
        if (swap(i, i + 1)) ++*selected;
    }
    MarkItem(hook + ".down");
}

bool BeginListTable(const char* id, int columns, float width, float scale) {
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_SortTristate |
                                  ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                  ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable(id, columns, flags,
                           ImVec2(width, ImGui::GetContentRegionAvail().y - 8.0f * scale))) {
        return false;
    }
    ImGui::TableSetupScrollFreeze(0, 1);
    return true;
}

void ActiveCell(bool active) {
    if (active) {
        TextColored(CurrentPalette().success, Tr("wfs.active"), false);
    } else {
        TextMuted(Tr("wfs.inactive"), false);
    }
}

void EmptyListRow(int column, bool nothing, const char* none_id) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(column);
    TextMuted(Tr(nothing ? none_id : "wfs.no_match"), false);
}

bool BeginPartsTable(const char* id, float width, const char* name_id, float name_weight,
                     const char* detail_id, float detail_weight) {
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                  ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable(id, 3, flags, ImVec2(width, 0.0f))) return false;
    ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, 28.0f * CurrentScale());
    ImGui::TableSetupColumn(Tr(name_id), 0, name_weight);
    ImGui::TableSetupColumn(Tr(detail_id), 0, detail_weight);
    ImGui::TableHeadersRow();
    return true;
}

bool PartRow(int i, const std::string& label, bool has_error, bool selected, const char* tag,
             const std::string& hook) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::Text("%d", i + 1);
    ImGui::TableSetColumnIndex(1);
    const std::string shown = has_error ? "! " + label : label;
    const bool clicked = ImGui::Selectable((shown + "##" + tag + std::to_string(i)).c_str(), selected,
                                           ImGuiSelectableFlags_SpanAllColumns);
    MarkRow(hook);
    ImGui::TableSetColumnIndex(2);
    return clicked;
}

float EditorHead(const char* title_new_id, const char* title_edit_id, bool is_new, const std::string& name,
                 float scale, float max_width) {
    EditorTitle(is_new ? Tr(title_new_id) : Tr(title_edit_id, {{"name", name}}).c_str());
    ImGui::Dummy(ImVec2(0.0f, 4.0f * scale));
    return std::clamp(ImGui::GetContentRegionAvail().x - 190.0f * scale, 200.0f * scale, max_width * scale);
}

void TextRow(const char* id, float width, const FormErrors& errors, const char* key, const char* input_id,
             std::string* text, bool editable) {
    FormRow(id, id, width, errors, key, [&] {
        if (editable) {
            InputString(input_id, text);
        } else {
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(text->c_str());
        }
        MarkItem(id);
    });
}

void ActiveRow(const char* id, float width, const FormErrors& errors, bool* active) {
    FormRow(id, id, width, errors, "active", [&] {
        ImGui::Checkbox(Label("wfs.active").c_str(), active);
        MarkItem(id);
    });
}

bool PartSelected(int index, int count, const char* none_id, FormulaEditor* editor, int* editor_for) {
    if (index < 0 || index >= count) {
        TextMuted(Tr(none_id), false);
        return false;
    }
    if (*editor_for != index) {
        editor->Reset();
        *editor_for = index;
    }
    return true;
}

void ConditionBox(const PageContext& ctx, FormulaEditor* editor, Workspace& workspace,
                  const std::string& object, const std::string& hook, std::string* text, float height,
                  ConditionKind kind) {
    SchemaService& schema = workspace.schema();
    editor->Draw(
        ctx, hook, text, height,
        [&schema, object, kind](const std::string& formula) {
            if (kind == ConditionKind::Rule) return schema.CompileRule(object, formula);
            return workflow_detail::CompileCondition(schema, object, formula,
                                                     kind == ConditionKind::Workflow);
        },
        schema.version());
}

}  // namespace crm::ui::setup
