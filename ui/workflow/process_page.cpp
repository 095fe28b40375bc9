// The Processes page: the processes of each object (a sortable, filterable list), the editor of one
// (its picklist field, probability field, who follows it, the ordered stages and each stage's
// probability, required fields, entry condition and allowed next stages) and its transitions as a
// graph. Saving goes through ProcessService; its errors are shown at the field path they name.
#include <algorithm>

#include "imgui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "ui/workflow/process_graph.h"
#include "ui/workflow/process_shared.h"
#include "ui/workflow/setup_pages.h"

namespace crm::ui {

namespace {

using setup::HasErrorUnder;

/// The list's object "" is all objects.
struct ProcessesState : setup::SetupPageState {
    Process draft;
    nlohmann::json saved_json;  ///< the draft as last loaded or saved (unsaved changes: differs)
    int stage = -1;             ///< the stage edited
    int formula_for = -1;       ///< the stage the formula editor last showed
    std::string add_value;
    FormulaEditor formula;
};

ProcessesState& State(Workspace& workspace) { return setup::PageState<ProcessesState>(workspace); }

std::string StagePath(int i) { return "stages[" + std::to_string(i) + "]"; }

/// The shown label of a stage value on the process's field (the value itself when it left the picklist).
std::string StageLabel(const FieldDef* field, const std::string& value) {
    if (field) {
        for (const PicklistValue& v : field->picklist) {
            if (v.api_name == value) return ShownLabel(v);
        }
    }
    return value;
}

void Edit(ProcessesState& st, const Process& process, bool is_new) {
    st.draft_notice.clear();
    st.draft = process;
    st.saved_json = ToJson(process);
    st.original_name = process.name;
    st.is_new = is_new;
    st.editing = true;
    st.stage = process.stages.empty() ? -1 : 0;
    st.formula_for = -1;
    st.errors.clear();
    st.formula.Reset();
}

/// Saves the editor's draft (Save, or Save in the unsaved-changes question); true when it was saved.
bool SaveDraft(ProcessesState& st, Workspace& workspace) {
    ProcessService& service = workspace.processes();
    const Process& d = st.draft;
    st.errors.clear();
    Result<Process> saved = st.is_new ? service.Create(ActingUser(), d) : service.Update(ActingUser(), d);
    const int keep = st.stage;
    if (setup::NoteSave(saved, &st.errors, &st.message)) {
        Edit(st, saved.value(), false);
        st.stage = std::min(keep, static_cast<int>(st.draft.stages.size()) - 1);
        return true;
    }
    if (const int i = setup::ErrorIndex(saved.error().field, "stages"); i >= 0) st.stage = i;  // that stage
    return false;
}

void DrawList(ProcessesState& st, Workspace& workspace, const PageContext& ctx, float width) {
    const float s = ctx.scale;
    Result<std::vector<Process>> listed = workspace.processes().List(ActingUser(), st.object);
    if (!listed.ok()) {
        setup::ListRefused(workspace, "wfp.list", listed.error());
        return;
    }
    const std::string needle = LowerAscii(st.filter);
    std::vector<const Process*> rows;
    for (const Process& p : listed.value()) {
        if (MatchesFilter(needle, {p.name, p.object, p.field, p.description})) rows.push_back(&p);
    }
    const bool compact = st.editing;
    nlohmann::json published = nlohmann::json::array();
    if (setup::BeginListTable("wfp.table", compact ? 2 : 5, width, s)) {
        ImGui::TableSetupColumn(Tr("wfp.col.name"), 0, 2.0f);
        ImGui::TableSetupColumn(Tr("wfp.col.object"), 0, 1.2f);
        if (!compact) {
            ImGui::TableSetupColumn(Tr("wfp.col.field"), 0, 1.2f);
            ImGui::TableSetupColumn(Tr("wfp.col.stages"), 0, 0.6f);
            ImGui::TableSetupColumn(Tr("wfp.col.active"), 0, 0.6f);
        }
        TakeSortSpecs(&st.sort_column, &st.sort_desc);
        TableHeadersRowMarked("wfp", {"name", "object", "field", "stages", "active"});
        setup::SortByColumn(
            &rows, st.sort_column, st.sort_desc, [](const Process* p) { return LowerAscii(p->name); },
            [](const Process* p) { return p->object; }, [](const Process* p) { return p->field; },
            [](const Process* p) { return p->stages.size(); }, [](const Process* p) { return p->active; });
        for (const Process* p : rows) {
            published.push_back({{"name", p->name}, {"object", p->object}, {"stages", p->stages.size()}});
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            const bool selected = st.editing && !st.is_new && st.original_name == p->name;
            if (ImGui::Selectable((p->name + "##wfp").c_str(), selected,
                                  ImGuiSelectableFlags_SpanAllColumns)) {
                Edit(st, *p, false);
            }
            MarkRow("wfp.row." + p->name);
            ImGui::TableSetColumnIndex(1);
            auto object = workspace.schema().Object(p->object);
            TextMuted(object.ok() ? ShownLabel(**object) : p->object, false);
            if (!compact) {
                ImGui::TableSetColumnIndex(2);
                const FieldDef* f = object.ok() ? (*object)->Field(p->field) : nullptr;
                TextMuted(f ? ShownLabel(*f) : p->field, false);
                ImGui::TableSetColumnIndex(3);
                ImGui::Text("%d", static_cast<int>(p->stages.size()));
                ImGui::TableSetColumnIndex(4);
                setup::ActiveCell(p->active);
            }
        }
        if (rows.empty()) setup::EmptyListRow(0, listed->empty(), "wfp.none");
        ImGui::EndTable();
    }
    PublishForm("wfp.rows", std::move(published));
}

/// The ordered stages: select, move up/down, remove, add a picklist value.
void DrawStageList(ProcessesState& st, const FieldDef* field, float width) {
    const float s = CurrentScale();
    Process& d = st.draft;
    if (setup::BeginPartsTable("wfp.stages", width, "wfp.stage.col.stage", 2.0f, "wfp.stage.col.probability",
                               1.0f)) {
        for (int i = 0; i < static_cast<int>(d.stages.size()); ++i) {
            const ProcessStage& stage = d.stages[static_cast<size_t>(i)];
            if (setup::PartRow(i, StageLabel(field, stage.value), HasErrorUnder(st.errors, StagePath(i)),
                               st.stage == i, "stage", "wfp.stage." + stage.value)) {
                st.stage = i;
            }
            TextMuted(stage.probability ? std::to_string(*stage.probability) + "%" : "—", false);
        }
        ImGui::EndTable();
    }
    const int n = static_cast<int>(d.stages.size());
    const bool has = st.stage >= 0 && st.stage < n;
    setup::MoveButtons("wfp.stage", n, &st.stage,
                       [&](int i, int j) { return setup::SwapItems(&d.stages, i, j); });
    ImGui::SameLine();
    if (SecondaryButton(Label("wfp.stage.remove").c_str(), has)) {
        const std::string gone = d.stages[static_cast<size_t>(st.stage)].value;
        d.stages.erase(d.stages.begin() + st.stage);
        for (ProcessStage& other : d.stages) {
            other.next.erase(std::remove(other.next.begin(), other.next.end(), gone), other.next.end());
        }
        st.stage = std::min(st.stage, static_cast<int>(d.stages.size()) - 1);
    }
    MarkItem("wfp.stage.remove");
    // Add: the picklist values not yet stages.
    std::vector<std::string> values, labels;
    if (field) {
        for (const PicklistValue& v : field->picklist) {
            const bool used = std::any_of(d.stages.begin(), d.stages.end(),
                                          [&](const ProcessStage& x) { return x.value == v.api_name; });
            if (!used && v.active) {
                values.push_back(v.api_name);
                labels.push_back(ShownLabel(v));
            }
        }
    }
    ImGui::SetNextItemWidth(std::max(120.0f * s, width - 110.0f * s));
    setup::ValueCombo("wfp.stage.add_value", values, labels, &st.add_value, "wfp.stage.pick");
    ImGui::SameLine();
    if (SecondaryButton(Label("wfp.stage.add").c_str(), !st.add_value.empty())) {
        ProcessStage stage;
        stage.value = st.add_value;
        d.stages.push_back(stage);
        st.stage = static_cast<int>(d.stages.size()) - 1;
        st.add_value.clear();
    }
    MarkItem("wfp.stage.add");
    setup::ErrorAt(st.errors, "stages", "wfp.stages");
}

/// The selected stage: probability, required fields, entry condition, allowed next stages.
void DrawStageEditor(ProcessesState& st, Workspace& workspace, const PageContext& ctx,
                     const ObjectDef* object, const FieldDef* field) {
    const float s = ctx.scale;
    Process& d = st.draft;
    if (!setup::PartSelected(st.stage, static_cast<int>(d.stages.size()), "wfp.stage.none_selected",
                             &st.formula, &st.formula_for)) {
        return;
    }
    ProcessStage& stage = d.stages[static_cast<size_t>(st.stage)];
    const std::string at = StagePath(st.stage);
    setup::EditorTitle(Tr("wfp.stage.title", {{"stage", StageLabel(field, stage.value)}}).c_str());
    setup::ErrorAt(st.errors, at + ".value", "wfp.stage.value");
    const float w = std::max(160.0f * s, ImGui::GetContentRegionAvail().x - 190.0f * s);
    FormRow("wfp.stage.probability", "wfp.stage.probability", w, st.errors, at + ".probability", [&] {
        bool has = stage.probability.has_value();
        if (ImGui::Checkbox(Label("wfp.stage.has_probability").c_str(), &has)) {
            stage.probability = has ? std::optional<int>(0) : std::nullopt;
        }
        MarkItem("wfp.stage.has_probability");
        if (stage.probability) {
            ImGui::SameLine();
            int value = *stage.probability;
            ImGui::SetNextItemWidth(110.0f * s);
            if (ImGui::InputInt("##probability", &value, 5, 10))
                stage.probability = std::clamp(value, 0, 100);
            MarkItem("wfp.stage.probability");
        }
    });
    FormRow("wfp.stage.required", "wfp.stage.required", w, st.errors, at + ".required_fields", [&] {
        std::vector<std::string> values, labels;
        if (object) {
            for (const FieldDef& f : object->fields) {
                if (f.state == FieldState::Active && f.type != FieldType::Formula &&
                    f.type != FieldType::AutoNumber) {
                    values.push_back(f.api_name);
                    labels.push_back(ShownLabel(f));
                }
            }
        }
        setup::Checklist("wfp.stage.required", values, labels, &stage.required_fields, w, 110.0f * s);
        for (size_t k = 0; k < stage.required_fields.size(); ++k) {
            setup::ErrorAt(st.errors, at + ".required_fields[" + std::to_string(k) + "]",
                           "wfp.stage.required." + std::to_string(k));
        }
    });
    FormRow("wfp.stage.condition", "wfp.stage.condition", w, st.errors, at + ".entry_condition", [&] {
        setup::ConditionBox(ctx, &st.formula, workspace, d.object, "wfp.stage.condition",
                            &stage.entry_condition, 70.0f * s);
    });
    FormRow("wfp.stage.next", "wfp.stage.next", w, st.errors, at + ".next", [&] {
        std::vector<std::string> values, labels;
        for (const ProcessStage& other : d.stages) {
            if (other.value == stage.value) continue;
            values.push_back(other.value);
            labels.push_back(StageLabel(field, other.value));
        }
        setup::Checklist("wfp.stage.next", values, labels, &stage.next, w, 110.0f * s);
        TextMuted(Tr(stage.next.empty() ? "wfp.stage.next_any" : "wfp.stage.next_listed"), true);
        for (size_t k = 0; k < stage.next.size(); ++k) {
            setup::ErrorAt(st.errors, at + ".next[" + std::to_string(k) + "]",
                           "wfp.stage.next." + std::to_string(k));
        }
    });
    PublishForm("wfp.stage.value", stage.value);
    PublishForm("wfp.stage.next", stage.next);
    PublishForm("wfp.stage.entry_condition", stage.entry_condition);
}

void DrawEditor(ProcessesState& st, Workspace& workspace, const PageContext& ctx) {
    const float s = ctx.scale;
    Process& d = st.draft;
    const float w = setup::EditorHead("wfp.editor.title_new", "wfp.editor.title_edit", st.is_new,
                                      st.original_name, s, 420.0f);
    PermissionGuard guard = setup::Guard(workspace, "wfp.editor");  // the fields; Save and Delete below
    guard.Begin();
    DrawDraftNotice(st.draft_notice, "wfp.editor.draft_notice");
    auto object_ptr = workspace.schema().Object(d.object);
    const ObjectDef* object = object_ptr.ok() ? object_ptr->get() : nullptr;
    const FieldDef* field = object ? object->Field(d.field) : nullptr;

    setup::TextRow("wfp.editor.name", w, st.errors, "name", "##name", &d.name);
    FormRow("wfp.editor.object", "wfp.editor.object", w, st.errors, "object", [&] {
        if (st.is_new) {
            if (setup::ObjectCombo(workspace, "wfp.editor.object", &d.object, false)) {
                d.field.clear();
                d.probability_field.clear();
                d.stages.clear();
                st.stage = -1;
            }
        } else {
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(object ? ShownLabel(*object).c_str() : d.object.c_str());
        }
    });
    FormRow("wfp.editor.field", "wfp.editor.field", w, st.errors, "field", [&] {
        std::vector<std::string> values, labels;
        if (object) {
            for (const FieldDef& f : object->fields) {
                if (f.state == FieldState::Active && f.type == FieldType::Picklist) {
                    values.push_back(f.api_name);
                    labels.push_back(ShownLabel(f));
                }
            }
        }
        if (setup::ValueCombo("wfp.editor.field", values, labels, &d.field, nullptr)) {
            d.stages.clear();
            st.stage = -1;
        }
    });
    FormRow("wfp.editor.probability_field", "wfp.editor.probability_field", w, st.errors, "probability_field",
            [&] {
                std::vector<std::string> values, labels;
                if (object) {
                    for (const FieldDef& f : object->fields) {
                        if (f.state == FieldState::Active &&
                            (f.type == FieldType::Number || f.type == FieldType::Percent)) {
                            values.push_back(f.api_name);
                            labels.push_back(ShownLabel(f));
                        }
                    }
                }
                setup::ValueCombo("wfp.editor.probability_field", values, labels, &d.probability_field,
                                  "wfs.none");
            });
    setup::TextRow("wfp.editor.description", w, st.errors, "description", "##description", &d.description);
    setup::ActiveRow("wfp.editor.active", w, st.errors, &d.active);
    // Who follows it.
    FormRow("wfp.editor.followers", "wfp.editor.followers", w, st.errors, "profiles", [&] {
        std::vector<std::string> profiles;
        for (const PermissionSet& p : workspace.access().PermissionSets(PermissionSetKind::Profile)) {
            profiles.push_back(p.name);
        }
        std::vector<std::string> teams;
        for (const Team& t : workspace.access().Teams()) teams.push_back(t.name);
        const float half = (w - 8.0f * s) * 0.5f;
        ImGui::BeginGroup();
        TextMuted(Tr("wfp.editor.profiles"), false);
        setup::Checklist("wfp.editor.profiles", profiles, profiles, &d.profiles, half, 96.0f * s);
        ImGui::EndGroup();
        ImGui::SameLine(0.0f, 8.0f * s);
        ImGui::BeginGroup();
        TextMuted(Tr("wfp.editor.teams"), false);
        setup::Checklist("wfp.editor.teams", teams, teams, &d.teams, half, 96.0f * s);
        ImGui::EndGroup();
        TextMuted(
            Tr(d.profiles.empty() && d.teams.empty() ? "wfp.editor.everyone" : "wfp.editor.followers_hint"));
        setup::ErrorAt(st.errors, "teams", "wfp.editor.teams");
    });

    // Stages: the list on the left, the selected stage on the right.
    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    SectionHeading(ctx, "wfp.editor.stages");
    const float avail = ImGui::GetContentRegionAvail().x;
    const float list_w = std::clamp(avail * 0.34f, 220.0f * s, 320.0f * s);
    ImGui::BeginGroup();
    DrawStageList(st, field, list_w);
    ImGui::EndGroup();
    ImGui::SameLine(0.0f, 16.0f * s);
    ImGui::BeginGroup();
    DrawStageEditor(st, workspace, ctx, object, field);
    ImGui::EndGroup();

    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    SectionHeading(ctx, "wfp.editor.graph");
    std::vector<std::string> labels;
    for (const ProcessStage& stage : d.stages) labels.push_back(StageLabel(field, stage.value));
    const int clicked = setup::DrawStageGraph(ctx, d, labels, st.stage,
                                              ImGui::GetContentRegionAvail().x - 8.0f * s, "wfp.graph");
    if (clicked >= 0) st.stage = clicked;

    guard.End();  // Cancel stays
    if (st.errors.count("")) ErrorLine("wfp.editor", st.errors.at(""));
    ProcessService& service = workspace.processes();
    if (setup::EditorButtons(&st, "wfp.editor", s)) SaveDraft(st, workspace);
    setup::ConfirmEditorDelete(&st, ctx, "wfp.confirm",
                               [&] { return service.Delete(ActingUser(), st.original_name); });
    PublishForm("wfp.editor.name", d.name);
    PublishForm("wfp.editor.object", d.object);
    PublishForm("wfp.editor.field", d.field);
    PublishForm("wfp.editor.stages", ToJson(d)["stages"]);
    PublishForm("wfp.editor.stage", st.stage);
}

}  // namespace

namespace {

/// The tab's parts for its Editable (setup::SetupEditable).
struct ProcessesTab {
    using StateType = ProcessesState;
    using ItemType = Process;
    static constexpr const char* kUnsaved = "wfp.unsaved";
    static StateType& Of(Workspace& workspace) { return State(workspace); }
    static bool Save(StateType& st, Workspace& workspace) { return SaveDraft(st, workspace); }
    static void Open(StateType& st, const ItemType& item, bool is_new) { Edit(st, item, is_new); }
    static Result<ItemType> Read(const nlohmann::json& json, ItemType base) {
        return ProcessFromJson(json, std::move(base));
    }
    static std::optional<ItemType> Stored(Workspace& workspace, const std::string& object, int64_t id) {
        (void)object;
        Result<std::vector<Process>> all = workspace.processes().List(ActingUser());
        for (const Process& p : all.ok() ? all.value() : std::vector<Process>()) {
            if (p.id == id) return p;
        }
        return std::nullopt;
    }
};

}  // namespace

Editable* ProcessesEdits(Workspace& workspace) {
    static setup::SetupEditable<ProcessesTab> edits;
    edits.workspace = &workspace;
    return &edits;
}

void DrawProcessesPage(Workspace& workspace, const PageContext& ctx) {
    ProcessesState& st = State(workspace);
    const float s = ctx.scale;
    TextMuted(Tr("wfp.intro"));
    if (setup::SetupToolbar(workspace, s, "wfp", &st.object, true, &st.filter).create) {
        Process p;
        p.object = st.object.empty() ? "Opportunity" : st.object;
        Edit(st, p, true);
        st.message.clear();
    }
    setup::MessageLine(st.message, "wfp.message");
    setup::ListAndEditor(
        "wfp.editor", st.editing, s, 0.26f, 220.0f, 320.0f, [&](float w) { DrawList(st, workspace, ctx, w); },
        [&] { DrawEditor(st, workspace, ctx); });
    PublishForm("wfp.editing", st.editing);
}

}  // namespace crm::ui
