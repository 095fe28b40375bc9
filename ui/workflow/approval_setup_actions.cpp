#include <algorithm>

#include "imgui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "ui/workflow/approval_setup_parts.h"
#include "ui/workflow/process_shared.h"

namespace crm::ui::setup {

namespace {

const char* KindName(ApprovalAction::Kind kind) {
    switch (kind) {
        case ApprovalAction::Kind::FieldUpdate:
            return "field_update";
        case ApprovalAction::Kind::Notify:
            return "notify";
        case ApprovalAction::Kind::Task:
            return "task";
    }
    return "field_update";
}

/// One action list ("submit", "approve", "reject", "recall").
void DrawActionList(const PageContext& ctx, Workspace& workspace, const std::string& object, const char* when,
                    std::vector<ApprovalAction>* actions, const FormErrors& errors) {
    const float s = ctx.scale;
    auto object_def = workspace.schema().Object(object);
    const float w = std::clamp(ImGui::GetContentRegionAvail().x - 190.0f * s, 200.0f * s, 420.0f * s);
    int remove = -1, up = -1, down = -1;
    for (int i = 0; i < static_cast<int>(actions->size()); ++i) {
        ApprovalAction& a = (*actions)[static_cast<size_t>(i)];
        const std::string at = std::string("actions.") + when + "[" + std::to_string(i) + "]";
        const std::string hook = std::string("wfap.action.") + when + "." + std::to_string(i);
        ImGui::PushID(i);
        BeginCard();
        TextMuted(Tr("wfap.action.number", {{"number", std::to_string(i + 1)}}), false);
        setup::ErrorAt(errors, at, hook);
        FormRow("wfap.action.kind", hook + ".kind", w, errors, at + ".kind", [&] {
            std::string kind = KindName(a.kind);
            if (ValueCombo(hook + ".kind", {"field_update", "notify", "task"},
                           {Tr("wfap.action.kind.field_update"), Tr("wfap.action.kind.notify"),
                            Tr("wfap.action.kind.task")},
                           &kind, nullptr)) {
                a.kind = kind == "notify" ? ApprovalAction::Kind::Notify
                         : kind == "task" ? ApprovalAction::Kind::Task
                                          : ApprovalAction::Kind::FieldUpdate;
            }
        });
        if (a.kind == ApprovalAction::Kind::FieldUpdate) {
            FormRow("wfap.action.field", hook + ".field", w, errors, at + ".field", [&] {
                std::vector<std::string> values, labels;
                if (object_def.ok()) {
                    for (const FieldDef& f : (*object_def)->fields) {
                        if (f.state == FieldState::Active && f.type != FieldType::Formula &&
                            f.type != FieldType::AutoNumber) {
                            values.push_back(f.api_name);
                            labels.push_back(ShownLabel(f));
                        }
                    }
                }
                ValueCombo(hook + ".field", values, labels, &a.field, nullptr);
            });
            FormRow("wfap.action.formula", hook + ".formula", w, errors, at + ".formula", [&] {
                InputString("##formula", &a.formula, 0, Tr("wfap.action.formula_hint"));
                MarkItem(hook + ".formula");
            });
        } else {
            FormRow("wfap.action.to", hook + ".to", w, errors, at + ".to", [&] {
                std::vector<std::string> values = {"submitter", "owner", "manager"};
                if (a.kind == ApprovalAction::Kind::Notify) values.push_back("approvers");
                values.push_back("user");
                std::vector<std::string> labels;
                for (const std::string& v : values) labels.push_back(Tr("wfap.action.to." + v));
                ValueCombo(hook + ".to", values, labels, &a.to, nullptr);
            });
            if (a.to == "user") {
                FormRow("wfap.action.user", hook + ".user", w, errors, at + ".user", [&] {
                    std::vector<std::string> values;
                    for (const User& u : workspace.access().Users()) {
                        if (u.active || u.username == a.user) values.push_back(u.username);
                    }
                    ValueCombo(hook + ".user", values, values, &a.user, nullptr);
                });
            }
            const bool task = a.kind == ApprovalAction::Kind::Task;
            FormRow(task ? "wfap.action.subject" : "wfap.action.title", hook + ".title", w, errors,
                    at + (task ? ".subject" : ".title"), [&] {
                        InputString("##title", &a.title);
                        MarkItem(hook + ".title");
                    });
            FormRow(task ? "wfap.action.comments" : "wfap.action.body", hook + ".body", w, errors,
                    at + (task ? ".description" : ".body"), [&] {
                        InputString("##body", &a.body);
                        MarkItem(hook + ".body");
                    });
            if (task) {
                FormRow("wfap.action.due_days", hook + ".due_days", w, errors, at + ".due_days", [&] {
                    ImGui::InputInt("##due", &a.due_days, 1, 7);
                    a.due_days = std::clamp(a.due_days, 0, 3650);
                    MarkItem(hook + ".due_days");
                });
            }
        }
        if (SecondaryButton(Label("wfs.move_up").c_str(), i > 0)) up = i;
        MarkItem(hook + ".up");
        ImGui::SameLine();
        if (SecondaryButton(Label("wfs.move_down").c_str(), i + 1 < static_cast<int>(actions->size())))
            down = i;
        MarkItem(hook + ".down");
        ImGui::SameLine();
        if (SecondaryButton(Label("wfap.action.remove").c_str())) remove = i;
        MarkItem(hook + ".remove");
        EndCard();
        ImGui::PopID();
    }
    if (up >= 0) SwapItems(actions, up, up - 1);
    if (down >= 0) SwapItems(actions, down, down + 1);
    if (remove >= 0) actions->erase(actions->begin() + remove);
    if (actions->empty()) TextMuted(Tr("wfap.action.none"), false);
    if (SecondaryButton(Label("wfap.action.add").c_str())) actions->push_back(ApprovalAction());
    MarkItem(std::string("wfap.action.") + when + ".add");
}

}  // namespace

void DrawApprovalActions(const PageContext& ctx, Workspace& workspace, ApprovalProcess* process,
                         const FormErrors& errors) {
    struct Tab {
        const char* when;
        const char* label_id;
        std::vector<ApprovalAction>* actions;
    };
    const Tab tabs[] = {{"submit", "wfap.actions.submit", &process->on_submit},
                        {"approve", "wfap.actions.approve", &process->on_approve},
                        {"reject", "wfap.actions.reject", &process->on_reject},
                        {"recall", "wfap.actions.recall", &process->on_recall}};
    if (!ImGui::BeginTabBar("wfap.actions")) return;
    for (const Tab& tab : tabs) {
        std::string label = Tr(tab.label_id, {{"count", std::to_string(tab.actions->size())}});
        if (HasErrorUnder(errors, std::string("actions.") + tab.when)) label = "! " + label;
        label += std::string("###wfap.actions.") + tab.when;
        const bool open = ImGui::BeginTabItem(label.c_str());
        MarkItem(std::string("wfap.actions.") + tab.when);
        if (open) {
            DrawActionList(ctx, workspace, process->object, tab.when, tab.actions, errors);
            ImGui::EndTabItem();
        }
    }
    ImGui::EndTabBar();
}

void DrawApprovalDryRun(const PageContext& ctx, Workspace& workspace, const ApprovalProcess& draft,
                        DryRunState* st) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const std::string& object = draft.object;
    const std::string& entry_condition = draft.entry_condition;
    TextMuted(Tr("wfap.dry.intro"));
    // The record: a filtered list of the object's records (the first 50 by name).
    auto object_def = workspace.schema().Object(object);
    std::vector<std::string> ids, labels;
    if (object_def.ok()) {
        ListQuery q;
        q.columns = {(*object_def)->name_field};
        q.sort_field = (*object_def)->name_field;
        q.limit = 50;
        if (st->only_entering) q.filter_formula = entry_condition;
        if (!st->filter.empty())
            q.filters.push_back(ListFilter{(*object_def)->name_field, "contains", st->filter});
        Result<ListPage> page = workspace.records().List(ActingUser(), object, q);
        if (page.ok()) {
            for (const nlohmann::json& row : page->rows) {
                const int64_t id = row.value("Id", int64_t{0});
                const auto name = row.find((*object_def)->name_field);
                ids.push_back(std::to_string(id));
                labels.push_back(
                    (name != row.end() && name->is_string() ? name->get<std::string>() : std::string()) +
                    "  #" + std::to_string(id));
            }
        } else {
            ErrorLine("wfap.dry.records", ErrorText(page.error()));
        }
    }
    if (!entry_condition.empty()) {
        ImGui::Checkbox(Label("wfap.dry.only_entering").c_str(), &st->only_entering);
        MarkItem("wfap.dry.only_entering");
    }
    TableFilter("wfap.dry.filter", Tr("wfap.dry.filter_hint"), &st->filter, 180.0f * s);
    ImGui::SameLine();
    std::string chosen = st->record_id ? std::to_string(st->record_id) : std::string();
    ImGui::SetNextItemWidth(260.0f * s);
    if (ValueCombo("wfap.dry.record", ids, labels, &chosen, "wfap.dry.pick")) {
        st->record_id = chosen.empty() ? 0 : std::atoll(chosen.c_str());
        st->result.reset();
        st->error.clear();
    }
    // The submitter: the acting user, or another active user (whose manager a manager step asks).
    std::vector<std::string> users, user_labels;
    for (const User& u : workspace.access().Users()) {
        if (!u.active) continue;
        users.push_back(u.username);
        user_labels.push_back(u.full_name.empty() ? u.username : u.full_name + " (" + u.username + ")");
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(200.0f * s);
    if (ValueCombo("wfap.dry.submitter", users, user_labels, &st->submitter, "wfap.dry.as_me"))
        st->result.reset();
    ImGui::SameLine();
    if (PrimaryButton(Label("wfap.dry.run").c_str(), st->record_id != 0)) {
        auto result = workspace.approvals().SimulateDraft(ActingUser(), draft, st->record_id, st->submitter);
        st->scroll = true;
        if (result.ok()) {
            st->result = result.value();
            st->error.clear();
        } else {
            st->result.reset();
            st->error = ErrorText(result.error());
        }
    }
    MarkItem("wfap.dry.run");
    const bool scroll = st->scroll;
    st->scroll = false;
    if (!st->error.empty()) ErrorLine("wfap.dry", st->error);
    if (scroll && !st->result) ImGui::SetScrollHereY(1.0f);
    if (!st->result) return;
    const ApprovalSimulation& sim = *st->result;
    if (!sim.entry_met) {
        TextColored(p.warning, Tr("wfap.dry.no_process"));
        PublishForm("wfap.dry.process", "");
        return;
    }
    ImGui::TextUnformatted(Tr("wfap.dry.process", {{"name", sim.process}}).c_str());
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                  ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    nlohmann::json published = nlohmann::json::array();
    if (ImGui::BeginTable("wfap.dry.table", 4, flags)) {
        ImGui::TableSetupColumn(Tr("wfap.dry.col.step"), 0, 1.2f);
        ImGui::TableSetupColumn(Tr("wfap.dry.col.condition"), 0, 0.8f);
        ImGui::TableSetupColumn(Tr("wfap.dry.col.outcome"), 0, 0.8f);
        ImGui::TableSetupColumn(Tr("wfap.dry.col.approvers"), 0, 2.0f);
        ImGui::TableHeadersRow();
        for (const ApprovalSimulation::Step& step : sim.steps) {
            std::string approvers;
            for (const std::string& a : step.approvers) approvers += (approvers.empty() ? "" : ", ") + a;
            published.push_back({{"step", step.name},
                                 {"outcome", step.outcome},
                                 {"approvers", step.approvers},
                                 {"error", step.error}});
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            ImGui::TextUnformatted(step.name.c_str());
            ImGui::TableSetColumnIndex(1);
            if (step.condition_met) {
                TextColored(p.success, Tr("wfap.dry.met"), false);
            } else {
                TextMuted(Tr("wfap.dry.not_met"), false);
            }
            ImGui::TableSetColumnIndex(2);
            ImGui::TextUnformatted(Tr("wfap.dry.outcome." + step.outcome));
            ImGui::TableSetColumnIndex(3);
            if (!step.error.empty()) {
                TextColored(p.danger, ErrorText(step.error));
            } else {
                ImGui::TextUnformatted(approvers.empty() ? "—" : approvers.c_str());
            }
        }
        ImGui::EndTable();
    }
    if (scroll) ImGui::SetScrollHereY(1.0f);
    PublishForm("wfap.dry.process", sim.process);
    PublishForm("wfap.dry.submitter", sim.submitter);
    PublishForm("wfap.dry.steps", std::move(published));
}

}  // namespace crm::ui::setup
