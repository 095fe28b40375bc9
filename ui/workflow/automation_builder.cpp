// The automation builder's trigger and actions (AutomationPanel, automation_panel.h).
#include <algorithm>

#include "imgui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "ui/workflow/automation_panel.h"
#include "ui/workflow/automation_ui.h"

namespace crm::ui {

namespace {

const std::vector<std::string>& TriggerKeys() {
    static const std::vector<std::string> keys = {"on_create", "on_update", "on_field_change", "on_delete",
                                                  "time"};
    return keys;
}

const std::vector<std::string>& ActionKeys() {
    static const std::vector<std::string> keys = {"update_field", "create_task", "assign_owner", "notify",
                                                  "webhook"};
    return keys;
}

TriggerKind TriggerOf(const std::string& key) {
    for (TriggerKind k : {TriggerKind::OnCreate, TriggerKind::OnUpdate, TriggerKind::OnFieldChange,
                          TriggerKind::OnDelete, TriggerKind::Time}) {
        if (key == TriggerKindName(k)) return k;
    }
    return TriggerKind::OnCreate;
}

ActionKind ActionOf(const std::string& key) {
    for (ActionKind k : {ActionKind::UpdateField, ActionKind::CreateTask, ActionKind::AssignOwner,
                         ActionKind::Notify, ActionKind::Webhook}) {
        if (key == ActionKindName(k)) return k;
    }
    return ActionKind::UpdateField;
}

std::string Translated(const std::string& prefix, const std::string& key) { return Tr(prefix + key); }

}  // namespace

// [SECTION] Trigger

void AutomationPanel::DrawTrigger(const PageContext& ctx, const ObjectDef& object, float width) {
    const float s = ctx.scale;
    AutomationTrigger& t = draft_.trigger;
    FormRow("wf.auto.trigger", "automation.rule.trigger", width, errors_, "trigger", [&] {
        std::string kind = TriggerKindName(t.kind);
        if (KeyCombo(
                "automation.rule.trigger", TriggerKeys(),
                [](const std::string& k) { return Translated("wf.trigger.", k); }, &kind))
            t.kind = TriggerOf(kind);
    });
    if (t.kind == TriggerKind::OnFieldChange) {
        FormRow("wf.auto.trigger.fields", "automation.rule.trigger.fields", width, errors_, "trigger.fields",
                [&] {
                    std::vector<std::string> keys;
                    for (const FieldDef& f : object.fields) {
                        if (f.state == FieldState::Active && f.has_column() &&
                            std::find(t.fields.begin(), t.fields.end(), f.api_name) == t.fields.end())
                            keys.push_back(f.api_name);
                    }
                    int picked = -1;
                    ImGui::SetNextItemWidth(width);
                    if (ListCombo(
                            "##add_field", Tr("wf.auto.trigger.add_field"), static_cast<int>(keys.size()),
                            [&](int i) { return ShownLabel(*object.Field(keys[static_cast<size_t>(i)])); },
                            [&](int i) { return keys[static_cast<size_t>(i)]; }, &picked,
                            "automation.rule.trigger.add_field") &&
                        picked >= 0)
                        t.fields.push_back(keys[static_cast<size_t>(picked)]);
                    size_t remove = t.fields.size();
                    for (size_t i = 0; i < t.fields.size(); ++i) {
                        ImGui::PushID(static_cast<int>(i));
                        ImGui::AlignTextToFramePadding();
                        ImGui::BulletText("%s", FieldLabel(workspace_, object.api_name, t.fields[i]).c_str());
                        ImGui::SameLine();
                        if (ImGui::SmallButton(Tr("wf.auto.remove"))) remove = i;
                        MarkItem("automation.rule.trigger.field." + t.fields[i] + ".remove");
                        ImGui::PopID();
                    }
                    if (remove < t.fields.size())
                        t.fields.erase(t.fields.begin() + static_cast<long>(remove));
                    if (t.fields.empty()) TextMuted(Tr("wf.auto.trigger.no_fields"), false);
                });
    }
    if (t.kind != TriggerKind::Time) return;
    FormRow("wf.auto.trigger.offset", "automation.rule.trigger.offset", 140.0f * s, errors_, "trigger.offset",
            [&] {
                ImGui::InputInt("##offset", &t.offset, 1, 10);
                MarkItem("automation.rule.trigger.offset");
            });
    FormRow("wf.auto.trigger.unit", "automation.rule.trigger.unit", 160.0f * s, errors_, "trigger.unit", [&] {
        KeyCombo(
            "automation.rule.trigger.unit", {"minutes", "hours", "days"},
            [](const std::string& k) { return Translated("wf.unit.", k); }, &t.unit);
    });
    FormRow("wf.auto.trigger.direction", "automation.rule.trigger.direction", 160.0f * s, errors_,
            "trigger.direction", [&] {
                std::string direction = t.before ? "before" : "after";
                if (KeyCombo(
                        "automation.rule.trigger.direction", {"before", "after"},
                        [](const std::string& k) { return Translated("wf.auto.trigger.", k); }, &direction))
                    t.before = direction == "before";
            });
    FormRow("wf.auto.trigger.date_field", "automation.rule.trigger.date_field", width, errors_,
            "trigger.field", [&] {
                std::vector<std::string> keys;
                for (const FieldDef& f : object.fields) {
                    if (f.state == FieldState::Active &&
                        (f.type == FieldType::Date || f.type == FieldType::DateTime))
                        keys.push_back(f.api_name);
                }
                KeyCombo(
                    "automation.rule.trigger.date_field", keys,
                    [&](const std::string& k) { return FieldLabel(workspace_, object.api_name, k); },
                    &t.date_field);
            });
    FormRow("wf.auto.trigger.at", "automation.rule.trigger.at", 120.0f * s, errors_, "trigger.at", [&] {
        InputString("##at", &at_text_, 0, "09:00");
        MarkItem("automation.rule.trigger.at");
    });
    FormRow("wf.auto.trigger.business_row", "automation.rule.trigger.business", width, errors_,
            "trigger.business_hours", [&] {
                ImGui::Checkbox(Label("wf.auto.trigger.business").c_str(), &t.business_hours);
                MarkItem("automation.rule.trigger.business");
            });
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + 170.0f * s);
    ImGui::PushFont(ctx.small_font);
    TextMuted(Tr("wf.auto.trigger.zone", {{"zone", CompanyZone(workspace_)}}), false);
    ImGui::PopFont();
}

// [SECTION] Actions

void AutomationPanel::DrawActions(const PageContext& ctx, const ObjectDef& object, float width) {
    const float s = ctx.scale;
    if (const std::string* e = ErrorOf("actions")) ErrorLine("automation.rule.actions", *e);
    size_t target = draft_.actions.size();
    int op = 0;
    for (size_t n = 0; n < draft_.actions.size(); ++n) {
        ImGui::PushID(static_cast<int>(n));
        BeginCard();
        if (const int o = DrawAction(ctx, object, n, width); o != 0) {
            target = n;
            op = o;
        }
        EndCard();
        ImGui::PopID();
        ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
    }
    std::vector<AutomationAction>& actions = draft_.actions;
    if (target < actions.size()) {
        if (op == 2) {
            actions.erase(actions.begin() + static_cast<long>(target));
        } else if (op == -1 && target > 0) {
            std::swap(actions[target], actions[target - 1]);
        } else if (op == 1 && target + 1 < actions.size()) {
            std::swap(actions[target], actions[target + 1]);
        }
    }
    if (actions.empty()) TextMuted(Tr("wf.auto.no_actions"), false);
    int selected = -1;
    ImGui::SetNextItemWidth(std::min(width, 260.0f * s));
    if (ListCombo(
            "##add_action", Tr("wf.auto.add_action"), static_cast<int>(ActionKeys().size()),
            [](int i) { return Translated("wf.action.", ActionKeys()[static_cast<size_t>(i)]); },
            [](int i) { return ActionKeys()[static_cast<size_t>(i)]; }, &selected,
            "automation.rule.add_action") &&
        selected >= 0) {
        AutomationAction a;
        a.kind = ActionOf(ActionKeys()[static_cast<size_t>(selected)]);
        actions.push_back(a);
    }
}

int AutomationPanel::DrawAction(const PageContext& ctx, const ObjectDef& object, size_t n, float width) {
    const float s = ctx.scale;
    AutomationAction& a = draft_.actions[n];
    const std::string hook = "automation.rule.action." + std::to_string(n) + ".";
    const std::string part = "actions[" + std::to_string(n) + "].";
    int op = 0;
    // The head: number, kind, and the order buttons.
    ImGui::AlignTextToFramePadding();
    ImGui::Text("%zu.", n + 1);
    ImGui::SameLine();
    std::string kind = ActionKindName(a.kind);
    ImGui::SetNextItemWidth(220.0f * s);
    if (KeyCombo(
            hook + "kind", ActionKeys(), [](const std::string& k) { return Translated("wf.action.", k); },
            &kind))
        a.kind = ActionOf(kind);
    ImGui::SameLine();
    if (ImGui::SmallButton(Tr("wf.auto.up"))) op = -1;
    MarkItem(hook + "up");
    ImGui::SameLine();
    if (ImGui::SmallButton(Tr("wf.auto.down"))) op = 1;
    MarkItem(hook + "down");
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, CurrentPalette().danger);
    if (ImGui::SmallButton(Tr("wf.auto.remove"))) op = 2;
    ImGui::PopStyleColor();
    MarkItem(hook + "remove");
    if (const std::string* e = ErrorOf(part + "kind")) ErrorLine(hook + "kind", *e);

    auto text_row = [&](const char* label_id, const char* key, std::string* value, const char* hint) {
        FormRow(label_id, hook + key, width, errors_, part + key, [&] {
            InputString(("##" + std::string(key)).c_str(), value, 0, hint);
            MarkItem(hook + key);
        });
    };
    auto users = ActiveUsernames(workspace_);
    switch (a.kind) {
        case ActionKind::UpdateField: {
            FormRow("wf.auto.action.field", hook + "field", width, errors_, part + "field", [&] {
                std::vector<std::string> keys;
                for (const FieldDef& f : object.fields) {
                    if (f.state == FieldState::Active && !f.is_read_only()) keys.push_back(f.api_name);
                }
                KeyCombo(
                    hook + "field", keys,
                    [&](const std::string& k) { return FieldLabel(workspace_, object.api_name, k); },
                    &a.field);
            });
            text_row("wf.auto.action.value", "value", &a.value, Tr("wf.auto.action.value_hint"));
            break;
        }
        case ActionKind::CreateTask: {
            text_row("wf.auto.action.subject", "subject", &a.subject, Tr("wf.auto.action.merge_hint"));
            FormRow("wf.auto.action.due", hook + "due", width, errors_, part + "due_in_days", [&] {
                bool due = a.due_in_days >= 0;
                if (ImGui::Checkbox("##due", &due)) a.due_in_days = due ? 0 : -1;
                MarkItem(hook + "due");
                if (due) {
                    ImGui::SameLine();
                    ImGui::SetNextItemWidth(120.0f * s);
                    ImGui::InputInt("##due_days", &a.due_in_days, 1, 7);
                    a.due_in_days = std::max(0, a.due_in_days);
                    MarkItem(hook + "due_days");
                    ImGui::SameLine();
                    ImGui::AlignTextToFramePadding();
                    TextMuted(Tr("wf.auto.action.due_days"), false);
                }
            });
            FormRow("wf.auto.action.priority", hook + "priority", width, errors_, part + "priority", [&] {
                std::vector<std::string> keys = {""};
                Result<std::shared_ptr<const ObjectDef>> task = workspace_.schema().Object("Task");
                const FieldDef* priority = task.ok() ? (*task)->Field("Priority") : nullptr;
                if (priority) {
                    for (const PicklistValue& v : priority->picklist) {
                        if (v.active) keys.push_back(v.api_name);
                    }
                }
                KeyCombo(
                    hook + "priority", keys,
                    [&](const std::string& k) {
                        const PicklistValue* v = priority && !k.empty() ? priority->FindValue(k) : nullptr;
                        return k.empty() ? std::string(Tr("wf.auto.action.default")) : v ? ShownLabel(*v) : k;
                    },
                    &a.priority);
            });
            FormRow("wf.auto.action.assign_to", hook + "assign_to", width, errors_, part + "assign_to", [&] {
                std::vector<std::string> keys = {"owner"};
                keys.insert(keys.end(), users.begin(), users.end());
                KeyCombo(
                    hook + "assign_to", keys,
                    [](const std::string& k) {
                        return k == "owner" ? std::string(Tr("wf.auto.to.owner")) : k;
                    },
                    &a.assign_to);
            });
            break;
        }
        case ActionKind::AssignOwner: {
            FormRow("wf.auto.action.assign_how", hook + "how", width, errors_, part + "through_rules", [&] {
                std::string how = a.through_rules ? "rules" : "user";
                if (KeyCombo(
                        hook + "how", {"user", "rules"},
                        [](const std::string& k) { return Translated("wf.auto.assign.", k); }, &how))
                    a.through_rules = how == "rules";
            });
            if (!a.through_rules) {
                FormRow("wf.auto.action.user", hook + "user", width, errors_, part + "user", [&] {
                    KeyCombo(
                        hook + "user", users, [](const std::string& k) { return k; }, &a.user);
                });
            }
            break;
        }
        case ActionKind::Notify: {
            FormRow("wf.auto.action.to", hook + "to", width, errors_, part + "to", [&] {
                if (KeyCombo(
                        hook + "to", {"owner", "owner_manager", "user", "role", "team"},
                        [](const std::string& k) { return Translated("wf.auto.to.", k); }, &a.to))
                    a.name.clear();
            });
            if (a.to == "user" || a.to == "role" || a.to == "team") {
                FormRow("wf.auto.action.name", hook + "name", width, errors_, part + "name", [&] {
                    std::vector<std::string> keys;
                    if (a.to == "user") keys = users;
                    if (a.to == "role") {
                        for (const Role& r : workspace_.access().Roles()) keys.push_back(r.name);
                    }
                    if (a.to == "team") {
                        for (const Team& team : workspace_.access().Teams()) keys.push_back(team.name);
                    }
                    KeyCombo(
                        hook + "name", keys, [](const std::string& k) { return k; }, &a.name);
                });
            }
            text_row("wf.auto.action.title", "title", &a.title, Tr("wf.auto.action.merge_hint"));
            text_row("wf.auto.action.body", "body", &a.body, Tr("wf.auto.action.merge_hint"));
            break;
        }
        case ActionKind::Webhook: {
            text_row("wf.auto.action.url", "url", &a.url, "https://");
            FormRow("wf.auto.action.method", hook + "method", 140.0f * s, errors_, part + "method", [&] {
                KeyCombo(
                    hook + "method", {"POST", "PUT", "PATCH"}, [](const std::string& k) { return k; },
                    &a.method);
            });
            TextMuted(Tr("wf.auto.action.webhook_note"));
            break;
        }
    }
    return op;
}

}  // namespace crm::ui
