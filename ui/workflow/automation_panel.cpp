#include "ui/workflow/automation_panel.h"

#include <algorithm>
#include <optional>

#include "imgui.h"
#include "ui/access/access_ui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "ui/workflow/automation_ui.h"

namespace crm::ui {

namespace {

std::string TwoDigits(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

// "9:00" or "09:00" -> minutes after midnight; -1 when it is not a time of day.
int ParseAt(const std::string& text) {
    const size_t colon = text.find(':');
    if (colon == std::string::npos || colon == 0 || colon > 2 || text.size() != colon + 3) return -1;
    for (size_t i = 0; i < text.size(); ++i) {
        if (i != colon && (text[i] < '0' || text[i] > '9')) return -1;
    }
    const int h = std::stoi(text.substr(0, colon));
    const int m = std::stoi(text.substr(colon + 1));
    return h < 24 && m < 60 ? h * 60 + m : -1;
}

std::string AtText(int at_minute) {
    return at_minute < 0 ? std::string() : TwoDigits(at_minute / 60) + ":" + TwoDigits(at_minute % 60);
}

}  // namespace

// [SECTION] State

void AutomationPanel::Reload() {
    if (loaded_change_ == workspace_.change_count() && loaded_user_ == ActingUser()) return;
    loaded_change_ = workspace_.change_count();
    loaded_user_ = ActingUser();
    Result<std::vector<AutomationRule>> rules = workspace_.automation().List(ActingUser());
    if (rules.ok()) {
        rules_ = std::move(*rules);
        list_error_.clear();
    } else {
        rules_.clear();
        list_error_ = ErrorText(rules.error());
    }
}

void AutomationPanel::Edit(const AutomationRule& rule, bool is_new, bool to_top) {
    draft_ = rule;
    original_ = rule;
    at_text_ = AtText(rule.trigger.at_minute);
    original_at_text_ = at_text_;
    is_new_ = is_new;
    editing_ = true;
    scroll_to_top_ = scroll_to_top_ || to_top;
    errors_.clear();
    condition_.Reset();
    delete_error_.clear();
    message_.clear();
    draft_notice_.clear();
}

namespace {
// The rule as the builder holds it: its JSON with the time of day as typed beside ("at_text").
nlohmann::json BuilderJson(const AutomationRule& rule, const std::string& at_text) {
    nlohmann::json j = ToJson(rule);
    j["at_text"] = at_text;
    return j;
}
}  // namespace

nlohmann::json AutomationPanel::KeepDraft() const {
    return KeepItemDraft(BuilderJson(original_, original_at_text_), BuilderJson(draft_, at_text_), is_new_);
}

void AutomationPanel::RestoreDraft(const nlohmann::json& kept) {
    const int64_t id = kept.value("base", nlohmann::json::object()).value("id", int64_t{0});
    std::optional<AutomationRule> stored;
    if (Result<std::vector<AutomationRule>> rules = workspace_.automation().List(ActingUser()); rules.ok()) {
        for (const AutomationRule& r : *rules) {
            if (r.id == id && id != 0) stored = r;
        }
    }
    const RestoredItem restored = RestoreItemDraft(
        kept, stored ? BuilderJson(*stored, AtText(stored->trigger.at_minute)) : nlohmann::json());
    // The builder's JSON (BuilderJson) read back: the rule's id is not read from JSON, "at_text" is the
    // builder's.
    const auto read = [](nlohmann::json j, AutomationRule base) {
        j.erase("at_text");
        const int64_t rule_id = j.value("id", base.id);
        Result<AutomationRule> rule = AutomationRuleFromJson(j, std::move(base));
        if (rule.ok()) rule->id = rule_id;
        return rule;
    };
    Result<AutomationRule> saved =
        stored ? Result<AutomationRule>(*stored) : read(restored.saved, AutomationRule{});
    if (!saved.ok()) return;
    Result<AutomationRule> draft = read(restored.draft, saved.value());
    if (!draft.ok()) return;
    Edit(saved.value(), restored.is_new);
    original_at_text_ = restored.saved.value("at_text", std::string());
    draft_ = draft.value();
    at_text_ = restored.draft.value("at_text", std::string());
    draft_notice_ = DraftNotice(restored);
}

void AutomationPanel::StartNew() {
    Reload();
    AutomationRule rule;
    rule.object = object_filter_;
    if (rule.object.empty()) {
        std::vector<std::shared_ptr<const ObjectDef>> objects = workspace_.schema().Objects();
        for (const auto& o : objects) {
            if (o->api_name == "Opportunity") rule.object = o->api_name;
        }
        if (rule.object.empty() && !objects.empty()) rule.object = objects.front()->api_name;
    }
    int order = 0;
    for (const AutomationRule& r : rules_) {
        if (r.object == rule.object) order = std::max(order, r.order);
    }
    rule.order = order + 10;
    Edit(rule, true);
}

bool AutomationPanel::dirty() const {
    return editing_ && (ToJson(draft_) != ToJson(original_) || at_text_ != original_at_text_);
}

std::string AutomationPanel::UnsavedSummary() const {
    return draft_.name.empty() ? std::string(Tr("wf.auto.unsaved_new"))
                               : Tr("wf.auto.unsaved", {{"name", draft_.name}});
}

void AutomationPanel::Discard() {
    draft_ = original_;
    at_text_ = original_at_text_;
    errors_.clear();
    condition_.Reset();
    if (is_new_) editing_ = false;
}

bool AutomationPanel::Save() {
    errors_.clear();
    if (at_text_.empty()) {
        draft_.trigger.at_minute = -1;
    } else {
        const int at = ParseAt(at_text_);
        if (at < 0) {
            errors_["trigger.at"] = Tr("wf.auto.err.at", {{"at", at_text_}});
            return false;
        }
        draft_.trigger.at_minute = at;
    }
    Result<AutomationRule> saved = is_new_ ? workspace_.automation().Create(ActingUser(), draft_)
                                           : workspace_.automation().Update(ActingUser(), draft_);
    if (!saved.ok()) {
        const Error& e = saved.error();
        errors_[e.field] = ErrorText(e);
        return false;
    }
    Edit(*saved, false, false);
    message_ = Tr("wf.auto.saved", {{"name", saved->name}});
    loaded_change_ = UINT64_MAX;
    return true;
}

const std::string* AutomationPanel::ErrorOf(const std::string& part) const {
    auto it = errors_.find(part);
    return it == errors_.end() ? nullptr : &it->second;
}

nlohmann::json AutomationPanel::State() const {
    nlohmann::json rules = nlohmann::json::array();
    for (const AutomationRule& r : rules_)
        rules.push_back({{"name", r.name},
                         {"object", r.object},
                         {"trigger", TriggerKindName(r.trigger.kind)},
                         {"active", r.active},
                         {"order", r.order}});
    nlohmann::json errors = nlohmann::json::object();
    for (const auto& [part, message] : errors_) errors[part] = message;
    return {{"rules", rules},          {"editing", editing_}, {"is_new", is_new_},
            {"draft", ToJson(draft_)}, {"at", at_text_},      {"dirty", dirty()},
            {"errors", errors},        {"message", message_}, {"error", list_error_}};
}

// [SECTION] The list

void AutomationPanel::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    Reload();
    const float avail = ImGui::GetContentRegionAvail().x - 28.0f * s;
    const float list_w = editing_ ? std::clamp(avail * 0.3f, 260.0f * s, 380.0f * s) : avail;
    ImGui::BeginGroup();
    DrawList(ctx, list_w);
    ImGui::EndGroup();
    if (editing_) {
        ImGui::SameLine(0.0f, 16.0f * s);
        ImGui::BeginChild("automation.editor", ImVec2(avail - list_w - 16.0f * s, 0.0f), false);
        DrawEditor(ctx);
        ImGui::EndChild();
    }
    DrawDeleteConfirm(ctx);
}

void AutomationPanel::DrawList(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const float start_x = ImGui::GetCursorScreenPos().x;
    // automation.* need Manage Workflows (their registry entries), listing them too.
    const PermissionGuard guard(workspace_.access(), SystemPermission::ManageWorkflows, "automation");
    guard.Notice();
    if (!list_error_.empty()) {
        if (guard.allowed()) ErrorLine("automation.list", list_error_);  // else the notice says it
        return;
    }
    if (PrimaryButton(Label("wf.auto.new").c_str(), guard.allowed())) {
        guard_.Leave(dirty() ? this : nullptr, [this] { StartNew(); });
    }
    MarkItem("automation.new");
    guard.ReasonOnHover();
    ImGui::SameLine();
    std::vector<std::string> objects;
    for (const AutomationRule& r : rules_) {
        if (std::find(objects.begin(), objects.end(), r.object) == objects.end()) objects.push_back(r.object);
    }
    ImGui::SetNextItemWidth(std::min(160.0f * s, width * 0.35f));
    NameCombo("automation.object_filter", objects, &object_filter_, "wf.auto.any_object");
    ImGui::SameLine();
    TableFilter("automation.filter", Tr("wf.auto.filter_hint"), &filter_,
                std::max(100.0f * s, start_x + width - ImGui::GetCursorScreenPos().x));
    if (!message_.empty() && !editing_) TextColored(p.success, message_, false);

    const std::string needle = LowerAscii(filter_);
    std::vector<const AutomationRule*> rows;
    std::vector<std::string> triggers(rules_.size());
    for (size_t i = 0; i < rules_.size(); ++i) {
        const AutomationRule& r = rules_[i];
        triggers[i] = TriggerSummary(workspace_, r.object, r.trigger);
        if (!object_filter_.empty() && r.object != object_filter_) continue;
        if (MatchesFilter(needle, {r.name, r.object, r.description, triggers[i]})) rows.push_back(&r);
    }
    auto trigger_of = [&](const AutomationRule* r) {
        return triggers[static_cast<size_t>(r - rules_.data())];
    };
    const bool narrow = editing_;
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_SortTristate |
                                  ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                  ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_Resizable;
    if (ImGui::BeginTable("automation.table", narrow ? 2 : 5, flags,
                          ImVec2(width, ImGui::GetContentRegionAvail().y - 8.0f * s))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(Tr("wf.auto.col.name"), 0, 2.0f);
        ImGui::TableSetupColumn(Tr("wf.auto.col.object"), 0, 1.0f);
        if (!narrow) {
            ImGui::TableSetupColumn(Tr("wf.auto.col.trigger"), 0, 2.4f);
            ImGui::TableSetupColumn(Tr("wf.auto.col.active"), ImGuiTableColumnFlags_WidthFixed, 70.0f * s);
            ImGui::TableSetupColumn(Tr("wf.auto.col.order"), ImGuiTableColumnFlags_WidthFixed, 60.0f * s);
        }
        TakeSortSpecs(&sort_column_, &sort_desc_);
        TableHeadersRowMarked("automation", {"name", "object", "trigger", "active", "order"});
        switch (sort_column_) {
            case 0:
                SortRowsBy(&rows, sort_desc_, [](const AutomationRule* r) { return LowerAscii(r->name); });
                break;
            case 1:
                SortRowsBy(&rows, sort_desc_, [](const AutomationRule* r) { return LowerAscii(r->object); });
                break;
            case 2:
                SortRowsBy(&rows, sort_desc_,
                           [&](const AutomationRule* r) { return LowerAscii(trigger_of(r)); });
                break;
            case 3:
                SortRowsBy(&rows, sort_desc_, [](const AutomationRule* r) { return r->active; });
                break;
            case 4:
                SortRowsBy(&rows, sort_desc_, [](const AutomationRule* r) { return r->order; });
                break;
            default:
                break;
        }
        nlohmann::json shown = nlohmann::json::array();
        for (const AutomationRule* rule : rows) {
            shown.push_back(rule->name);
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            const bool selected = editing_ && !is_new_ && original_.id == rule->id;
            if (ImGui::Selectable((rule->name + "##automation." + std::to_string(rule->id)).c_str(), selected,
                                  ImGuiSelectableFlags_SpanAllColumns) &&
                !selected) {
                const AutomationRule picked = *rule;
                guard_.Leave(dirty() ? this : nullptr, [this, picked] { Edit(picked, false); });
            }
            MarkRow("automation.row." + rule->object + "." + rule->name);
            ImGui::TableSetColumnIndex(1);
            CellText(ObjectLabel(workspace_, rule->object), true);
            if (narrow) continue;
            ImGui::TableSetColumnIndex(2);
            CellText(trigger_of(rule));
            ImGui::TableSetColumnIndex(3);
            if (rule->active) {
                TextColored(p.success, Tr("wf.auto.active"), false);
            } else {
                TextMuted(Tr("wf.auto.inactive"), false);
            }
            ImGui::TableSetColumnIndex(4);
            ImGui::Text("%d", rule->order);
        }
        if (rules_.empty()) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            TextMuted(Tr("wf.auto.none"), false);
        }
        ImGui::EndTable();
        PublishForm("automation.rows", std::move(shown));
    }
}

// [SECTION] The builder frame

void AutomationPanel::DrawEditor(const PageContext& ctx) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    if (scroll_to_top_) {
        ImGui::SetScrollY(0.0f);
        scroll_to_top_ = false;
    }
    ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(is_new_ ? std::string(Tr("wf.auto.title_new")).c_str()
                                   : Tr("wf.auto.title_edit", {{"name", original_.name}}).c_str());
    ImGui::PopFont();
    if (!message_.empty()) TextColored(p.success, message_, false);
    DrawDraftNotice(dirty() ? draft_notice_ : std::string(), "automation.rule.draft_notice");
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
    const float avail = ImGui::GetContentRegionAvail().x;
    const float w = std::clamp(avail - 190.0f * s - 220.0f * s, 200.0f * s, 420.0f * s);

    Result<std::shared_ptr<const ObjectDef>> object = workspace_.schema().Object(draft_.object);
    ImGui::PushID("automation.rule");
    FormRow("wf.auto.object", "automation.rule.object", w, errors_, "object", [&] {
        std::vector<std::string> keys;
        for (const auto& o : workspace_.schema().Objects()) keys.push_back(o->api_name);
        ImGui::BeginDisabled(!is_new_);
        if (KeyCombo(
                "automation.rule.object", keys,
                [&](const std::string& k) { return ObjectLabel(workspace_, k); }, &draft_.object)) {
            draft_.trigger.fields.clear();
            draft_.trigger.date_field.clear();
            condition_.Reset();
        }
        ImGui::EndDisabled();
    });
    FormRow("wf.auto.name", "automation.rule.name", w, errors_, "name", [&] {
        InputString("##name", &draft_.name);
        MarkItem("automation.rule.name");
    });
    FormRow("wf.auto.description", "automation.rule.description", w, errors_, "description", [&] {
        InputString("##description", &draft_.description);
        MarkItem("automation.rule.description");
    });
    FormRow("wf.auto.active_row", "automation.rule.active", w, errors_, "active", [&] {
        ImGui::Checkbox(Label("wf.auto.active_check").c_str(), &draft_.active);
        MarkItem("automation.rule.active");
    });
    FormRow("wf.auto.order", "automation.rule.order", 120.0f * s, errors_, "order", [&] {
        ImGui::InputInt("##order", &draft_.order, 10, 100);
        MarkItem("automation.rule.order");
    });

    if (!object.ok()) {
        ErrorLine("automation.rule.object", ErrorText(object.error()));
    } else {
        const ObjectDef& def = **object;
        SectionHeading(ctx, "wf.auto.when");
        DrawTrigger(ctx, def, w);
        SectionHeading(ctx, "wf.auto.condition");
        TextMuted(Tr("wf.auto.condition_help"));
        FormRow("wf.auto.condition_row", "automation.rule.condition", std::max(w, avail - 200.0f * s),
                errors_, "condition", [&] {
                    SchemaService& schema = workspace_.schema();
                    const std::string name = def.api_name;
                    condition_.Draw(
                        ctx, "automation.rule.condition", &draft_.condition, 80.0f * s,
                        [&schema, name](const std::string& text) { return schema.CompileRule(name, text); },
                        schema.version());
                });
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + 170.0f * s);
        if (ImGui::SmallButton(
                Label(show_functions_ ? "wf.auto.functions_hide" : "wf.auto.functions").c_str()))
            show_functions_ = !show_functions_;
        MarkItem("automation.rule.functions");
        if (show_functions_) {
            ImGui::SetCursorPosX(ImGui::GetCursorPosX() + 170.0f * s);
            ImGui::BeginGroup();
            ImGui::PushItemWidth(w);
            condition_.DrawFunctions(ctx, "automation.rule.condition", &draft_.condition, 200.0f * s);
            ImGui::PopItemWidth();
            ImGui::EndGroup();
        }
        SectionHeading(ctx, "wf.auto.actions");
        DrawActions(ctx, def, w);
        SectionHeading(ctx, "wf.auto.sim.title");
        DrawSimulate(ctx, def);
    }
    ImGui::PopID();
    // Errors about a part the builder does not draw (or the rule as a whole).
    for (const auto& [part, message] : errors_) {
        const bool drawn = part == "name" || part == "description" || part == "object" || part == "order" ||
                           part == "active" || part == "condition" || part == "actions" ||
                           part.rfind("trigger.", 0) == 0 || part.rfind("actions[", 0) == 0;
        if (!drawn || !object.ok()) ErrorLine("automation.rule.error", message);
    }

    ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
    std::vector<std::pair<std::string, std::string>> buttons = {{"dialog.cancel", "automation.rule.cancel"}};
    if (!is_new_) buttons.push_back({"wf.auto.delete", "automation.rule.delete"});
    buttons.push_back({"dialog.save", "automation.rule.save"});
    const PermissionGuard guard(workspace_.access(), SystemPermission::ManageWorkflows, "automation.rule");
    guard.Notice();
    std::vector<bool> enabled(buttons.size(), guard.allowed());
    enabled.front() = true;  // Cancel
    const int clicked = ButtonRow(buttons, static_cast<int>(buttons.size()) - 1, is_new_ ? -1 : 1, enabled);
    guard.ReasonOnHover();  // over Save, the row's last button
    if (clicked == 0) {
        editing_ = false;
        errors_.clear();
    } else if (!is_new_ && clicked == 1) {
        delete_open_ = true;
        delete_error_.clear();
    } else if (clicked == static_cast<int>(buttons.size()) - 1) {
        Save();
    }
    for (const auto& [part, message] : errors_) PublishError("automation.rule." + part, message);
    ImGui::Dummy(ImVec2(0.0f, 12.0f * s));
}

void AutomationPanel::DrawDeleteConfirm(const PageContext& ctx) {
    if (!BeginDialog("automation.delete_confirm", Tr("wf.auto.delete.title"), 480.0f, &delete_open_, ctx))
        return;
    TextMuted(Tr("wf.auto.delete.body", {{"name", original_.name}}));
    if (!delete_error_.empty()) ErrorLine("automation.delete", delete_error_);
    ImGui::Dummy(ImVec2(0.0f, 10.0f * ctx.scale));
    const int clicked = ButtonRow(
        {{"dialog.cancel", "automation.delete.cancel"}, {"wf.auto.delete", "automation.delete.ok"}}, -1, 1);
    if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        ImGui::CloseCurrentPopup();
    } else if (clicked == 1) {
        Status st = workspace_.automation().Delete(ActingUser(), original_.object, original_.name);
        if (st.ok()) {
            ImGui::CloseCurrentPopup();
            editing_ = false;
            errors_.clear();
            message_ = Tr("wf.auto.deleted", {{"name", original_.name}});
            loaded_change_ = UINT64_MAX;
        } else {
            delete_error_ = ErrorText(st.error());
        }
    }
    EndDialog();
}

}  // namespace crm::ui
