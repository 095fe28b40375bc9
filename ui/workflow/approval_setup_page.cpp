// The Approval processes page: the processes of an object (a sortable, filterable list), the editor of
// one (entry condition; the ordered steps, each with its approver, Unanimous or First Response, its
// condition, what it does when the condition is not met and on a rejection; the actions on submit,
// final approval, final rejection and recall) and a dry run of a submission on a chosen record.
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
#include "ui/workflow/setup_pages.h"

namespace crm::ui {

namespace {

using setup::HasErrorUnder;

struct ApprovalSetupState : setup::SetupPageState {
    ApprovalSetupState() { object = "Opportunity"; }
    ApprovalProcess draft;
    nlohmann::json saved_json;  ///< the draft as last loaded or saved (unsaved changes: differs)
    int step = -1;
    int formula_for = -1;
    FormulaEditor entry;
    FormulaEditor step_condition;
    setup::DryRunState dry;
};

ApprovalSetupState& State(Workspace& workspace) { return setup::PageState<ApprovalSetupState>(workspace); }

std::string StepPath(int i) { return "steps[" + std::to_string(i) + "]"; }

const char* ApproverName(ApproverKind kind) {
    switch (kind) {
        case ApproverKind::Manager:
            return "manager";
        case ApproverKind::User:
            return "user";
        case ApproverKind::Role:
            return "role";
        case ApproverKind::Team:
            return "team";
    }
    return "manager";
}

std::string ApproverText(const ApprovalStep& step) {
    std::string text = Tr(std::string("wfap.approver.") + ApproverName(step.approver));
    if (step.approver != ApproverKind::Manager) text += ": " + step.approver_name;
    return text;
}

void Edit(ApprovalSetupState& st, const ApprovalProcess& process, bool is_new) {
    st.draft_notice.clear();
    st.draft = process;
    st.saved_json = ToJson(process);
    st.original_name = process.name;
    st.is_new = is_new;
    st.editing = true;
    st.step = process.steps.empty() ? -1 : 0;
    st.formula_for = -1;
    st.errors.clear();
    st.entry.Reset();
    st.step_condition.Reset();
    st.dry.result.reset();
    st.dry.error.clear();
}

/// Saves the editor's draft (Save, or Save in the unsaved-changes question); true when it was saved.
bool SaveDraft(ApprovalSetupState& st, Workspace& workspace) {
    ApprovalService& service = workspace.approvals();
    ApprovalProcess& d = st.draft;
    d.object = st.object;
    st.errors.clear();
    Result<ApprovalProcess> saved =
        st.is_new ? service.CreateProcess(ActingUser(), d) : service.UpdateProcess(ActingUser(), d);
    const int keep = st.step;
    if (setup::NoteSave(saved, &st.errors, &st.message)) {
        Edit(st, saved.value(), false);
        st.step = std::min(keep, static_cast<int>(st.draft.steps.size()) - 1);
        return true;
    }
    if (const int i = setup::ErrorIndex(saved.error().field, "steps"); i >= 0) st.step = i;
    return false;
}

void DrawList(ApprovalSetupState& st, Workspace& workspace, const PageContext& ctx, float width) {
    const float s = ctx.scale;
    const std::vector<ApprovalProcess> all = workspace.approvals().Processes(st.object);
    const std::string needle = LowerAscii(st.filter);
    std::vector<const ApprovalProcess*> rows;
    for (const ApprovalProcess& p : all) {
        if (MatchesFilter(needle, {p.name, p.description, p.entry_condition})) rows.push_back(&p);
    }
    const bool compact = st.editing;
    nlohmann::json published = nlohmann::json::array();
    if (setup::BeginListTable("wfap.table", compact ? 2 : 5, width, s)) {
        ImGui::TableSetupColumn(Tr("wfap.col.order"), ImGuiTableColumnFlags_WidthFixed, 56.0f * s);
        ImGui::TableSetupColumn(Tr("wfap.col.name"), 0, 1.6f);
        if (!compact) {
            ImGui::TableSetupColumn(Tr("wfap.col.steps"), 0, 0.5f);
            ImGui::TableSetupColumn(Tr("wfap.col.entry"), 0, 2.0f);
            ImGui::TableSetupColumn(Tr("wfap.col.active"), 0, 0.6f);
        }
        TakeSortSpecs(&st.sort_column, &st.sort_desc);
        TableHeadersRowMarked("wfap", {"order", "name", "steps", "entry", "active"});
        setup::SortByColumn(
            &rows, st.sort_column, st.sort_desc, [](const ApprovalProcess* p) { return p->order; },
            [](const ApprovalProcess* p) { return LowerAscii(p->name); },
            [](const ApprovalProcess* p) { return p->steps.size(); },
            [](const ApprovalProcess* p) { return p->entry_condition; },
            [](const ApprovalProcess* p) { return p->active; });
        for (const ApprovalProcess* p : rows) {
            published.push_back({{"name", p->name}, {"steps", p->steps.size()}, {"active", p->active}});
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            ImGui::Text("%d", p->order);
            ImGui::TableSetColumnIndex(1);
            const bool selected = st.editing && !st.is_new && st.original_name == p->name;
            if (ImGui::Selectable((p->name + "##wfap").c_str(), selected,
                                  ImGuiSelectableFlags_SpanAllColumns)) {
                Edit(st, *p, false);
            }
            MarkRow("wfap.row." + p->name);
            if (!compact) {
                ImGui::TableSetColumnIndex(2);
                ImGui::Text("%d", static_cast<int>(p->steps.size()));
                ImGui::TableSetColumnIndex(3);
                TextMuted(
                    p->entry_condition.empty() ? std::string(Tr("wfa.every_record")) : p->entry_condition,
                    false);
                ImGui::TableSetColumnIndex(4);
                setup::ActiveCell(p->active);
            }
        }
        if (rows.empty()) setup::EmptyListRow(1, all.empty(), "wfap.none");
        ImGui::EndTable();
    }
    PublishForm("wfap.rows", std::move(published));
}

void DrawStepList(ApprovalSetupState& st, float width) {
    ApprovalProcess& d = st.draft;
    if (setup::BeginPartsTable("wfap.steps", width, "wfap.step.col.name", 1.2f, "wfap.step.col.approver",
                               1.4f)) {
        for (int i = 0; i < static_cast<int>(d.steps.size()); ++i) {
            const ApprovalStep& step = d.steps[static_cast<size_t>(i)];
            const std::string label = step.name.empty() ? Tr("wfap.step.unnamed") : step.name;
            if (setup::PartRow(i, label, HasErrorUnder(st.errors, StepPath(i)), st.step == i, "step",
                               "wfap.step." + std::to_string(i))) {
                st.step = i;
            }
            TextMuted(ApproverText(step), false);
        }
        ImGui::EndTable();
    }
    const int n = static_cast<int>(d.steps.size());
    const bool has = st.step >= 0 && st.step < n;
    if (SecondaryButton(Label("wfap.step.add").c_str())) {
        ApprovalStep step;
        step.name = Tr("wfap.step.default_name", {{"number", std::to_string(n + 1)}});
        d.steps.push_back(step);
        st.step = n;
    }
    MarkItem("wfap.step.add");
    ImGui::SameLine();
    setup::MoveButtons("wfap.step", n, &st.step,
                       [&](int i, int j) { return setup::SwapItems(&d.steps, i, j); });
    ImGui::SameLine();
    if (SecondaryButton(Label("wfap.step.remove").c_str(), has)) {
        d.steps.erase(d.steps.begin() + st.step);
        st.step = std::min(st.step, static_cast<int>(d.steps.size()) - 1);
    }
    MarkItem("wfap.step.remove");
    setup::ErrorAt(st.errors, "steps", "wfap.steps");
}

void DrawStepEditor(ApprovalSetupState& st, Workspace& workspace, const PageContext& ctx) {
    const float s = ctx.scale;
    ApprovalProcess& d = st.draft;
    if (!setup::PartSelected(st.step, static_cast<int>(d.steps.size()), "wfap.step.none_selected",
                             &st.step_condition, &st.formula_for)) {
        return;
    }
    ApprovalStep& step = d.steps[static_cast<size_t>(st.step)];
    const std::string at = StepPath(st.step);
    setup::ErrorAt(st.errors, at, "wfap.step");
    const float w = std::max(160.0f * s, ImGui::GetContentRegionAvail().x - 190.0f * s);
    FormRow("wfap.step.name", "wfap.step.name", w, st.errors, at + ".name", [&] {
        InputString("##step_name", &step.name);
        MarkItem("wfap.step.name");
    });
    FormRow("wfap.step.approver", "wfap.step.approver", w, st.errors, at + ".approver", [&] {
        std::vector<std::string> values = {"manager", "user", "role", "team"};
        std::vector<std::string> labels;
        for (const std::string& v : values) labels.push_back(Tr("wfap.approver." + v));
        std::string kind = ApproverName(step.approver);
        ImGui::SetNextItemWidth(std::min(w, 200.0f * s));
        if (setup::ValueCombo("wfap.step.approver_kind", values, labels, &kind, nullptr)) {
            step.approver = kind == "user"   ? ApproverKind::User
                            : kind == "role" ? ApproverKind::Role
                            : kind == "team" ? ApproverKind::Team
                                             : ApproverKind::Manager;
            step.approver_name.clear();
        }
        if (step.approver != ApproverKind::Manager) {
            std::vector<std::string> names;
            if (step.approver == ApproverKind::User) {
                for (const User& u : workspace.access().Users()) {
                    if (u.active || u.username == step.approver_name) names.push_back(u.username);
                }
            } else if (step.approver == ApproverKind::Role) {
                for (const Role& r : workspace.access().Roles()) names.push_back(r.name);
            } else {
                for (const Team& t : workspace.access().Teams()) names.push_back(t.name);
            }
            ImGui::SetNextItemWidth(w);
            setup::ValueCombo("wfap.step.approver_name", names, names, &step.approver_name, nullptr);
        } else {
            TextMuted(Tr("wfap.approver.manager_hint"));
        }
    });
    FormRow("wfap.step.mode", "wfap.step.mode", w, st.errors, at + ".mode", [&] {
        int mode = step.mode == StepMode::Unanimous ? 0 : 1;
        if (ImGui::RadioButton(Label("wfap.mode.unanimous").c_str(), &mode, 0))
            step.mode = StepMode::Unanimous;
        MarkItem("wfap.step.mode.unanimous");
        ImGui::SameLine();
        if (ImGui::RadioButton(Label("wfap.mode.first_response").c_str(), &mode, 1)) {
            step.mode = StepMode::FirstResponse;
        }
        MarkItem("wfap.step.mode.first_response");
    });
    FormRow("wfap.step.condition", "wfap.step.condition", w, st.errors, at + ".condition", [&] {
        setup::ConditionBox(ctx, &st.step_condition, workspace, d.object, "wfap.step.condition",
                            &step.condition, 56.0f * s, setup::ConditionKind::Rule);
    });
    FormRow("wfap.step.when_not_met", "wfap.step.when_not_met", w, st.errors, at + ".when_not_met", [&] {
        const std::vector<std::string> values = {"skip", "approve", "reject"};
        std::vector<std::string> labels;
        for (const std::string& v : values) labels.push_back(Tr("wfap.not_met." + v));
        std::string value = values[static_cast<size_t>(step.when_not_met)];
        if (setup::ValueCombo("wfap.step.when_not_met", values, labels, &value, nullptr)) {
            step.when_not_met = value == "approve"  ? NotMetAction::Approve
                                : value == "reject" ? NotMetAction::Reject
                                                    : NotMetAction::Skip;
        }
    });
    FormRow("wfap.step.on_reject", "wfap.step.on_reject", w, st.errors, at + ".on_reject", [&] {
        const std::vector<std::string> values = {"reject_request", "back_one_step"};
        std::vector<std::string> labels;
        for (const std::string& v : values) labels.push_back(Tr("wfap.on_reject." + v));
        std::string value = values[static_cast<size_t>(step.on_reject)];
        if (setup::ValueCombo("wfap.step.on_reject", values, labels, &value, nullptr)) {
            step.on_reject =
                value == "back_one_step" ? RejectBehavior::BackOneStep : RejectBehavior::RejectRequest;
        }
        if (st.step == 0 && step.on_reject == RejectBehavior::BackOneStep)
            TextMuted(Tr("wfap.on_reject.first_step"));
    });
    // Escalation: after N business hours still pending, reassigned to the approver's manager or a user.
    const std::string escalation_error =
        st.errors.count(at + ".escalate_user") ? at + ".escalate_user" : at + ".escalate_after_hours";
    FormRow("wfap.step.escalate", "wfap.step.escalate", w, st.errors, escalation_error, [&] {
        bool on = step.escalate_after_hours > 0;
        if (ImGui::Checkbox(Label("wfap.escalate.on").c_str(), &on)) step.escalate_after_hours = on ? 8 : 0;
        MarkItem("wfap.step.escalate.on");
        if (!on) return;
        ImGui::SameLine();
        ImGui::SetNextItemWidth(90.0f * s);
        ImGui::InputInt("##escalate_hours", &step.escalate_after_hours, 1, 8);
        step.escalate_after_hours = std::clamp(step.escalate_after_hours, 1, 8760);
        MarkItem("wfap.step.escalate.hours");
        ImGui::SameLine();
        ImGui::TextUnformatted(Tr("wfap.escalate.hours_unit"));
        const std::vector<std::string> values = {"manager", "user"};
        std::vector<std::string> labels;
        for (const std::string& v : values) labels.push_back(Tr("wfap.escalate.to." + v));
        std::string to = values[static_cast<size_t>(step.escalate_to)];
        ImGui::SetNextItemWidth(std::min(w, 220.0f * s));
        if (setup::ValueCombo("wfap.step.escalate.to", values, labels, &to, nullptr)) {
            step.escalate_to =
                to == "user" ? ApprovalStep::EscalateTo::User : ApprovalStep::EscalateTo::Manager;
        }
        if (step.escalate_to == ApprovalStep::EscalateTo::User) {
            std::vector<std::string> names;
            for (const User& u : workspace.access().Users())
                if (u.active || u.username == step.escalate_user) names.push_back(u.username);
            ImGui::SameLine();
            ImGui::SetNextItemWidth(std::min(w, 200.0f * s));
            setup::ValueCombo("wfap.step.escalate.user", names, names, &step.escalate_user, nullptr);
        }
        TextMuted(Tr("wfap.escalate.hint"));
    });
    PublishForm("wfap.step.name", step.name);
    PublishForm("wfap.step.approver", ApproverName(step.approver));
    PublishForm("wfap.step.approver_name", step.approver_name);
    PublishForm("wfap.step.escalate_after_hours", step.escalate_after_hours);
}

void DrawEditor(ApprovalSetupState& st, Workspace& workspace, const PageContext& ctx) {
    const float s = ctx.scale;
    ApprovalProcess& d = st.draft;
    const float w = setup::EditorHead("wfap.editor.title_new", "wfap.editor.title_edit", st.is_new,
                                      st.original_name, s, 460.0f);
    PermissionGuard guard = setup::Guard(workspace, "wfap.editor");  // the fields; Save and Delete below
    guard.Begin();
    DrawDraftNotice(st.draft_notice, "wfap.editor.draft_notice");
    // The name (with the object) identifies the process: Update finds it by them.
    setup::TextRow("wfap.editor.name", w, st.errors, "name", "##name", &d.name, st.is_new);
    setup::TextRow("wfap.editor.description", w, st.errors, "description", "##description", &d.description);
    setup::ActiveRow("wfap.editor.active", w, st.errors, &d.active);
    FormRow("wfap.editor.order", "wfap.editor.order", w, st.errors, "order", [&] {
        ImGui::SetNextItemWidth(120.0f * s);
        ImGui::InputInt("##order", &d.order);
        MarkItem("wfap.editor.order");
    });
    FormRow("wfap.editor.entry", "wfap.editor.entry", w, st.errors, "entry_condition", [&] {
        setup::ConditionBox(ctx, &st.entry, workspace, d.object, "wfap.editor.entry", &d.entry_condition,
                            56.0f * s, setup::ConditionKind::Rule);
        TextMuted(Tr("wfap.editor.entry_hint"));
    });

    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    SectionHeading(ctx, "wfap.editor.steps");
    const float avail = ImGui::GetContentRegionAvail().x;
    // The steps, then the selected step below them (the step form needs the width).
    DrawStepList(st, std::min(avail, 560.0f * s));
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
    BeginCard();
    DrawStepEditor(st, workspace, ctx);
    EndCard();
    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    SectionHeading(ctx, "wfap.editor.actions");
    setup::DrawApprovalActions(ctx, workspace, &d, st.errors);

    guard.End();  // Cancel stays
    if (st.errors.count("")) ErrorLine("wfap.editor", st.errors.at(""));
    setup::ErrorAt(st.errors, "object", "wfap.editor.object");
    setup::ErrorAt(st.errors, "actions", "wfap.editor.actions");
    ApprovalService& service = workspace.approvals();
    if (setup::EditorButtons(&st, "wfap.editor", s)) SaveDraft(st, workspace);
    setup::ConfirmEditorDelete(&st, ctx, "wfap.confirm", [&] {
        return service.DeleteProcess(ActingUser(), st.object, st.original_name);
    });

    // The dry run of a submission (of the saved process, when it is saved).
    ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
    SectionHeading(ctx, "wfap.dry.title");
    const bool dirty = st.is_new || ToJson(d) != st.saved_json;
    ApprovalProcess as_edited = d;
    as_edited.object = st.object;
    setup::DrawApprovalDryRun(ctx, workspace, as_edited, &st.dry);
    PublishForm("wfap.editor.name", d.name);
    PublishForm("wfap.editor.description", d.description);
    PublishForm("wfap.editor.entry_condition", d.entry_condition);
    PublishForm("wfap.editor.steps", d.steps.size());
    PublishForm("wfap.editor.step", st.step);
    PublishForm("wfap.editor.dirty", dirty);
}

}  // namespace

namespace {

/// The tab's parts for its Editable (setup::SetupEditable).
struct ApprovalSetupTab {
    using StateType = ApprovalSetupState;
    using ItemType = ApprovalProcess;
    static constexpr const char* kUnsaved = "wfap.unsaved";
    static StateType& Of(Workspace& workspace) { return State(workspace); }
    static bool Save(StateType& st, Workspace& workspace) { return SaveDraft(st, workspace); }
    static void Open(StateType& st, const ItemType& item, bool is_new) { Edit(st, item, is_new); }
    static Result<ItemType> Read(const nlohmann::json& json, ItemType base) {
        return ApprovalProcessFromJson(json, std::move(base));
    }
    static std::optional<ItemType> Stored(Workspace& workspace, const std::string& object, int64_t id) {
        for (const ApprovalProcess& p : workspace.approvals().Processes(object)) {
            if (p.id == id) return p;
        }
        return std::nullopt;
    }
};

}  // namespace

Editable* ApprovalSetupEdits(Workspace& workspace) {
    static setup::SetupEditable<ApprovalSetupTab> edits;
    edits.workspace = &workspace;
    return &edits;
}

void DrawApprovalSetupPage(Workspace& workspace, const PageContext& ctx) {
    ApprovalSetupState& st = State(workspace);
    const float s = ctx.scale;
    TextMuted(Tr("wfap.intro"));
    const setup::ToolbarAction toolbar =
        setup::SetupToolbar(workspace, s, "wfap", &st.object, false, &st.filter);
    if (toolbar.object_changed) {
        st.editing = false;
        st.message.clear();
        st.dry.Reset();
    }
    if (toolbar.create) {
        ApprovalProcess p;
        p.object = st.object;
        p.steps.push_back(ApprovalStep());
        p.steps.back().name = Tr("wfap.step.default_name", {{"number", "1"}});
        Edit(st, p, true);
        st.message.clear();
    }
    setup::MessageLine(st.message, "wfap.message");
    setup::ListAndEditor(
        "wfap.editor", st.editing, s, 0.24f, 200.0f, 300.0f,
        [&](float w) { DrawList(st, workspace, ctx, w); }, [&] { DrawEditor(st, workspace, ctx); });
    PublishForm("wfap.object", st.object);
    PublishForm("wfap.editing", st.editing);
}

}  // namespace crm::ui
