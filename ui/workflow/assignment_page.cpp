// The Assignment rules page: the ordered entries of an object (drag a row onto another, or use Move up /
// Move down, to reorder; the order is saved at once through AssignmentService::Reorder), each entry's
// condition and target and, for round-robin entries, who was assigned last and who is next; the entry
// editor (errors shown at the field they name) and a preview of who the rules would pick for a few
// existing records, the draft included.
#include <algorithm>
#include <map>

#include "imgui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "ui/workflow/process_shared.h"
#include "ui/workflow/setup_pages.h"

namespace crm::ui {

namespace {

struct AssignmentState : setup::SetupPageState {
    AssignmentState() { object = "Lead"; }
    int64_t selected = 0;  ///< the entry selected in the list (its id)
    AssignmentEntry draft;
    nlohmann::json saved_json;  ///< the draft as last loaded or saved (unsaved changes: differs)
    std::string list_error;
    FormulaEditor condition;
    FormulaEditor open_condition;
    std::vector<AssignmentPreview> preview;
    std::string preview_error;
    bool previewed = false;
    std::string preview_filter;
    int preview_sort = -1;
    bool preview_desc = false;
};

AssignmentState& State(Workspace& workspace) { return setup::PageState<AssignmentState>(workspace); }

const AssignKind kKinds[] = {AssignKind::User, AssignKind::RoundRobin, AssignKind::LeastLoad,
                             AssignKind::Queue};

std::string KindText(AssignKind kind) { return Tr(std::string("wfa.kind.") + AssignKindName(kind)); }

/// "Round robin: 华东销售团队", "User: li.wei"...
std::string TargetText(const AssignmentEntry& e) {
    return KindText(e.kind) + ": " + (e.kind == AssignKind::User ? e.user : e.team);
}

/// The round-robin position: who was assigned last, and who is next (the first active member after
/// them in user-id order, as the core turns).
std::string RoundRobinText(Workspace& workspace, const AssignmentEntry& e) {
    if (e.kind != AssignKind::RoundRobin) return "—";
    const std::string last = workspace.assignment().LastAssigned(e.id);
    std::vector<std::string> names;
    for (const Team& t : workspace.access().Teams()) {
        if (LowerAscii(t.name) == LowerAscii(e.team)) names = t.members;
    }
    std::vector<const User*> members;
    const std::vector<User> users = workspace.access().Users();
    int64_t last_id = 0;
    for (const User& u : users) {
        if (std::find(names.begin(), names.end(), u.username) != names.end()) members.push_back(&u);
        if (u.username == last) last_id = u.id;
    }
    std::sort(members.begin(), members.end(), [](const User* a, const User* b) { return a->id < b->id; });
    std::string next;
    for (const User* u : members) {
        if (u->active && u->id > last_id) {
            next = u->username;
            break;
        }
    }
    if (next.empty()) {
        for (const User* u : members) {
            if (u->active) {
                next = u->username;
                break;
            }
        }
    }
    const std::string none = Tr("wfa.rr.none");
    return Tr("wfa.rr.position",
              {{"last", last.empty() ? none : last}, {"next", next.empty() ? none : next}});
}

void Edit(AssignmentState& st, const AssignmentEntry& entry, bool is_new) {
    st.draft_notice.clear();
    st.draft = entry;
    st.saved_json = ToJson(st.draft);
    st.original_name = entry.name;
    st.is_new = is_new;
    st.editing = true;
    st.selected = entry.id;
    st.errors.clear();
    st.condition.Reset();
    st.open_condition.Reset();
    st.preview.clear();
    st.preview_error.clear();
    st.previewed = false;
}

/// Saves the editor's draft (Save, or Save in the unsaved-changes question); true when it was saved.
bool SaveDraft(AssignmentState& st, Workspace& workspace) {
    AssignmentService& service = workspace.assignment();
    AssignmentEntry& d = st.draft;
    d.object = st.object;
    st.errors.clear();
    Result<AssignmentEntry> saved =
        st.is_new ? service.Create(ActingUser(), d) : service.Update(ActingUser(), d);
    if (!setup::NoteSave(saved, &st.errors, &st.message)) return false;
    Edit(st, saved.value(), false);
    return true;
}

/// Saves a new order of the object's entries (names in order).
void Reorder(AssignmentState& st, Workspace& workspace, const std::vector<std::string>& names) {
    Status done = workspace.assignment().Reorder(ActingUser(), st.object, names);
    if (done.ok()) {
        st.list_error.clear();
        st.message = Tr("wfa.reordered");
    } else {
        st.list_error = ErrorText(done.error());
    }
}

void DrawList(AssignmentState& st, Workspace& workspace, const PageContext& ctx,
              const std::vector<AssignmentEntry>& all, float width) {
    const float s = ctx.scale;
    const std::string needle = LowerAscii(st.filter);
    std::vector<const AssignmentEntry*> rows;
    for (const AssignmentEntry& e : all) {
        if (MatchesFilter(needle, {e.name, e.condition, e.user, e.team, KindText(e.kind)}))
            rows.push_back(&e);
    }
    // Reordering works on the list as it is stored: not while it is sorted by another column or filtered.
    const bool can_reorder = st.sort_column <= 0 && !st.sort_desc && st.filter.empty();
    std::vector<std::string> order;
    for (const AssignmentEntry& e : all) order.push_back(e.name);

    const bool compact = st.editing;
    nlohmann::json published = nlohmann::json::array();
    int drop_from = -1, drop_to = -1;
    if (setup::BeginListTable("wfa.table", compact ? 3 : 6, width, s)) {
        ImGui::TableSetupColumn(Tr("wfa.col.order"), ImGuiTableColumnFlags_WidthFixed, 56.0f * s);
        ImGui::TableSetupColumn(Tr("wfa.col.name"), 0, 1.6f);
        ImGui::TableSetupColumn(Tr("wfa.col.target"), 0, 1.6f);
        if (!compact) {
            ImGui::TableSetupColumn(Tr("wfa.col.condition"), 0, 2.0f);
            ImGui::TableSetupColumn(Tr("wfa.col.rr"), 0, 1.6f);
            ImGui::TableSetupColumn(Tr("wfa.col.active"), 0, 0.7f);
        }
        TakeSortSpecs(&st.sort_column, &st.sort_desc);
        TableHeadersRowMarked("wfa", {"order", "name", "target", "condition", "rr", "active"});
        setup::SortByColumn(
            &rows, st.sort_column, st.sort_desc, [](const AssignmentEntry* e) { return e->position; },
            [](const AssignmentEntry* e) { return LowerAscii(e->name); },
            [](const AssignmentEntry* e) { return TargetText(*e); },
            [](const AssignmentEntry* e) { return e->condition; },
            [](const AssignmentEntry* e) { return e->team; },
            [](const AssignmentEntry* e) { return e->active; });
        for (const AssignmentEntry* e : rows) {
            const int index =
                static_cast<int>(std::find(order.begin(), order.end(), e->name) - order.begin());
            const std::string rr = RoundRobinText(workspace, *e);
            published.push_back({{"name", e->name},
                                 {"position", e->position},
                                 {"kind", AssignKindName(e->kind)},
                                 {"round_robin", rr}});
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            if (can_reorder) {
                // A grip: three short lines before the position.
                const ImVec2 at = ImGui::GetCursorScreenPos();
                const float h = ImGui::GetTextLineHeight();
                for (int k = 0; k < 3; ++k) {
                    const float y = at.y + h * (0.3f + 0.2f * static_cast<float>(k));
                    ImGui::GetWindowDrawList()->AddLine(ImVec2(at.x, y), ImVec2(at.x + 10.0f * s, y),
                                                        ToU32(CurrentPalette().text_muted), 1.0f * s);
                }
                ImGui::SetCursorScreenPos(ImVec2(at.x + 16.0f * s, at.y));
            }
            ImGui::Text("%d", e->position);
            ImGui::TableSetColumnIndex(1);
            if (ImGui::Selectable((e->name + "##wfa").c_str(), st.selected == e->id,
                                  ImGuiSelectableFlags_SpanAllColumns)) {
                Edit(st, *e, false);
            }
            MarkRow("wfa.row." + e->name);
            if (can_reorder) {
                if (ImGui::BeginDragDropSource()) {
                    ImGui::SetDragDropPayload("wfa.entry", &index, sizeof(index));
                    ImGui::TextUnformatted(Tr("wfa.drag", {{"name", e->name}}).c_str());
                    ImGui::EndDragDropSource();
                }
                if (ImGui::BeginDragDropTarget()) {
                    if (const ImGuiPayload* payload = ImGui::AcceptDragDropPayload("wfa.entry")) {
                        drop_from = *static_cast<const int*>(payload->Data);
                        drop_to = index;
                    }
                    ImGui::EndDragDropTarget();
                }
            }
            ImGui::TableSetColumnIndex(2);
            TextMuted(TargetText(*e), false);
            if (!compact) {
                ImGui::TableSetColumnIndex(3);
                TextMuted(e->condition.empty() ? std::string(Tr("wfa.every_record")) : e->condition, false);
                if (!e->condition.empty() && ImGui::IsItemHovered())
                    ImGui::SetTooltip("%s", e->condition.c_str());
                ImGui::TableSetColumnIndex(4);
                ImGui::TextUnformatted(rr.c_str());
                if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", rr.c_str());
                MarkItem("wfa.rr." + e->name);
                ImGui::TableSetColumnIndex(5);
                setup::ActiveCell(e->active);
            }
        }
        if (rows.empty()) setup::EmptyListRow(1, all.empty(), "wfa.none");
        ImGui::EndTable();
    }
    if (drop_from >= 0 && setup::MoveItem(&order, drop_from, drop_to)) Reorder(st, workspace, order);
    PublishForm("wfa.rows", std::move(published));
    PublishForm("wfa.can_reorder", can_reorder);
}

/// Move up / Move down for the selected entry (the keyboard's way to reorder: Tab to the buttons, or
/// Alt+Up / Alt+Down while no text box has the keyboard).
void DrawMoveButtons(AssignmentState& st, Workspace& workspace, const std::vector<AssignmentEntry>& all) {
    std::vector<std::string> order;
    int at = -1;
    for (const AssignmentEntry& e : all) {
        if (e.id == st.selected) at = static_cast<int>(order.size());
        order.push_back(e.name);
    }
    const bool sorted = st.sort_column > 0 || st.sort_desc || !st.filter.empty();
    const int n = static_cast<int>(order.size());
    const PermissionGuard guard = setup::Guard(workspace, "wfa");  // the order is the entries' setting
    const bool up_ok = at > 0 && !sorted && guard.allowed();
    const bool down_ok = at >= 0 && at + 1 < n && !sorted && guard.allowed();
    const ImGuiIO& io = ImGui::GetIO();
    const bool keys = io.KeyAlt && !io.WantTextInput;
    const bool up = SecondaryButton(Label("wfs.move_up").c_str(), up_ok) ||
                    (up_ok && keys && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow)));
    MarkItem("wfa.up");
    guard.ReasonOnHover();
    ImGui::SameLine();
    const bool down = SecondaryButton(Label("wfs.move_down").c_str(), down_ok) ||
                      (down_ok && keys && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow)));
    MarkItem("wfa.down");
    guard.ReasonOnHover();
    if (up && setup::SwapItems(&order, at, at - 1)) Reorder(st, workspace, order);
    if (down && setup::SwapItems(&order, at, at + 1)) Reorder(st, workspace, order);
    if (sorted) {
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        TextMuted(Tr("wfa.reorder_sorted"), false);
    }
}

void DrawPreview(AssignmentState& st, Workspace& workspace, const std::vector<AssignmentEntry>& all) {
    if (SecondaryButton(Label("wfa.preview").c_str())) {
        // The stored entries with the draft in its place (or last, when new).
        std::vector<AssignmentEntry> proposed;
        bool placed = false;
        for (const AssignmentEntry& e : all) {
            if (!st.is_new && e.id == st.draft.id) {
                proposed.push_back(st.draft);
                placed = true;
            } else {
                proposed.push_back(e);
            }
        }
        if (!placed) proposed.push_back(st.draft);
        // The core checks a proposed entry's name against the stored entries (so a set that repeats them is
        // refused as a duplicate name): the preview runs them under stand-in names and shows the real ones.
        std::map<std::string, std::string> real_names;
        for (size_t k = 0; k < proposed.size(); ++k) {
            const std::string stand_in = "preview_entry_" + std::to_string(k + 1);
            real_names[stand_in] = proposed[k].name;
            proposed[k].name = stand_in;
        }
        auto result = workspace.assignment().Simulate(ActingUser(), st.object, {}, "", proposed, 10);
        st.previewed = true;
        if (result.ok()) {
            st.preview = result.value();
            for (AssignmentPreview& p : st.preview) {
                auto it = real_names.find(p.outcome.entry);
                if (it != real_names.end()) p.outcome.entry = it->second;
            }
            st.preview_error.clear();
        } else {
            st.preview.clear();
            std::string text = ErrorText(result.error());
            for (const auto& [stand_in, real] : real_names) {
                for (size_t at = text.find(stand_in); at != std::string::npos; at = text.find(stand_in, at)) {
                    text.replace(at, stand_in.size(), real);
                    at += real.size();
                }
            }
            st.preview_error = text;
            st.errors[result.error().field] = text;
        }
    }
    MarkItem("wfa.preview");
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    TextMuted(Tr("wfa.preview_hint"), false);
    if (!st.preview_error.empty()) ErrorLine("wfa.preview", st.preview_error);
    if (!st.previewed || !st.preview_error.empty()) return;
    struct Row {
        const AssignmentPreview* p;
        std::string record, entry, result;
    };
    std::vector<Row> rows;
    const std::string needle = LowerAscii(st.preview_filter);
    for (const AssignmentPreview& p : st.preview) {
        Row row{&p, "#" + std::to_string(p.record_id) + "  " + p.record_name,
                p.outcome.matched ? p.outcome.entry : "—", ""};
        if (!p.error.empty()) {
            row.result = ErrorText(p.error);
        } else if (!p.outcome.matched) {
            row.result = Tr("wfa.preview.no_match");
        } else if (p.outcome.kind == AssignKind::Queue) {
            row.result = Tr("wfa.preview.queue", {{"team", p.outcome.queue}});
        } else {
            row.result = p.outcome.owner;
        }
        if (MatchesFilter(needle, {row.record, p.current_owner, row.entry, row.result})) rows.push_back(row);
    }
    TableFilter("wfa.preview.filter", Tr("wfs.filter_hint"), &st.preview_filter, 200.0f * CurrentScale());
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_SortTristate |
                                  ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                  ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    nlohmann::json published = nlohmann::json::array();
    if (ImGui::BeginTable("wfa.preview.table", 4, flags)) {
        ImGui::TableSetupColumn(Tr("wfa.preview.record"), 0, 1.6f);
        ImGui::TableSetupColumn(Tr("wfa.preview.owner"), 0, 1.0f);
        ImGui::TableSetupColumn(Tr("wfa.preview.entry"), 0, 1.2f);
        ImGui::TableSetupColumn(Tr("wfa.preview.result"), 0, 1.4f);
        TakeSortSpecs(&st.preview_sort, &st.preview_desc);
        TableHeadersRowMarked("wfa.preview", {"record", "owner", "entry", "result"});
        switch (st.preview_sort) {
            case 0:
                SortRowsBy(&rows, st.preview_desc, [](const Row& r) { return r.p->record_id; });
                break;
            case 1:
                SortRowsBy(&rows, st.preview_desc, [](const Row& r) { return r.p->current_owner; });
                break;
            case 2:
                SortRowsBy(&rows, st.preview_desc, [](const Row& r) { return r.entry; });
                break;
            case 3:
                SortRowsBy(&rows, st.preview_desc, [](const Row& r) { return r.result; });
                break;
            default:
                break;
        }
        for (const Row& row : rows) {
            const AssignmentPreview& p = *row.p;
            published.push_back({{"record", p.record_id}, {"result", row.result}});
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            ImGui::TextUnformatted(row.record.c_str());
            ImGui::TableSetColumnIndex(1);
            TextMuted(p.current_owner, false);
            ImGui::TableSetColumnIndex(2);
            TextMuted(row.entry, false);
            ImGui::TableSetColumnIndex(3);
            if (p.error.empty()) {
                ImGui::TextUnformatted(row.result.c_str());
            } else {
                TextColored(CurrentPalette().danger, row.result, false);
            }
        }
        if (rows.empty()) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            TextMuted(Tr(st.preview.empty() ? "wfa.preview.no_records" : "wfs.no_match"), false);
        }
        ImGui::EndTable();
    }
    PublishForm("wfa.preview", std::move(published));
}

void DrawEditor(AssignmentState& st, Workspace& workspace, const PageContext& ctx,
                const std::vector<AssignmentEntry>& all) {
    const float s = ctx.scale;
    AssignmentEntry& d = st.draft;
    const float w = setup::EditorHead("wfa.editor.title_new", "wfa.editor.title_edit", st.is_new,
                                      st.original_name, s, 460.0f);
    PermissionGuard guard = setup::Guard(workspace, "wfa.editor");  // the fields; Save and Delete below
    guard.Begin();
    DrawDraftNotice(st.draft_notice, "wfa.editor.draft_notice");
    setup::TextRow("wfa.editor.name", w, st.errors, "name", "##name", &d.name);
    setup::ActiveRow("wfa.editor.active", w, st.errors, &d.active);
    FormRow("wfa.editor.condition", "wfa.editor.condition", w, st.errors, "condition", [&] {
        setup::ConditionBox(ctx, &st.condition, workspace, st.object, "wfa.editor.condition", &d.condition,
                            64.0f * s);
        TextMuted(Tr("wfa.editor.condition_hint"));
    });
    FormRow("wfa.editor.kind", "wfa.editor.kind", w, st.errors, "kind", [&] {
        std::vector<std::string> values, labels;
        for (AssignKind k : kKinds) {
            values.push_back(AssignKindName(k));
            labels.push_back(KindText(k));
        }
        std::string kind = AssignKindName(d.kind);
        if (setup::ValueCombo("wfa.editor.kind", values, labels, &kind, nullptr)) {
            d.kind = ParseAssignKind(kind).value_or(AssignKind::User);
        }
    });
    if (d.kind == AssignKind::User) {
        FormRow("wfa.editor.user", "wfa.editor.user", w, st.errors, "user", [&] {
            std::vector<std::string> values, labels;
            for (const User& u : workspace.access().Users()) {
                if (!u.active && u.username != d.user) continue;
                values.push_back(u.username);
                labels.push_back(u.full_name.empty() ? u.username : u.full_name + " (" + u.username + ")");
            }
            setup::ValueCombo("wfa.editor.user", values, labels, &d.user, nullptr);
        });
    } else {
        FormRow("wfa.editor.team", "wfa.editor.team", w, st.errors, "team", [&] {
            std::vector<std::string> values;
            for (const Team& t : workspace.access().Teams()) values.push_back(t.name);
            setup::ValueCombo("wfa.editor.team", values, values, &d.team, nullptr);
            TextMuted(Tr(std::string("wfa.kind_hint.") + AssignKindName(d.kind)));
        });
    }
    if (d.kind == AssignKind::LeastLoad) {
        FormRow("wfa.editor.open_condition", "wfa.editor.open_condition", w, st.errors, "open_condition",
                [&] {
                    setup::ConditionBox(ctx, &st.open_condition, workspace, st.object,
                                        "wfa.editor.open_condition", &d.open_condition, 48.0f * s,
                                        setup::ConditionKind::WorkflowCurrent);
                    TextMuted(Tr("wfa.editor.open_hint"));
                });
    }
    FormRow("wfa.editor.on_update", "wfa.editor.on_update", w, st.errors, "on_update", [&] {
        ImGui::Checkbox(Label("wfa.editor.on_update_check").c_str(), &d.on_update);
        MarkItem("wfa.editor.on_update");
    });
    if (!st.is_new && d.kind == AssignKind::RoundRobin) {
        FormRow("wfa.col.rr", "wfa.editor.rr", w, st.errors, "rr", [&] {
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(RoundRobinText(workspace, d).c_str());
            MarkItem("wfa.editor.rr");
        });
    }
    if (st.errors.count("")) ErrorLine("wfa.editor", st.errors.at(""));
    // Errors that name no field of this form (object, position).
    for (const char* key : {"object", "position", "entries"})
        setup::ErrorAt(st.errors, key, std::string("wfa.editor.") + key);

    guard.End();  // Cancel stays
    AssignmentService& service = workspace.assignment();
    if (setup::EditorButtons(&st, "wfa.editor", s)) SaveDraft(st, workspace);
    if (setup::ConfirmEditorDelete(&st, ctx, "wfa.confirm", [&] {
            return service.Delete(ActingUser(), st.object, st.original_name);
        })) {
        st.selected = 0;
    }
    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    SectionHeading(ctx, "wfa.preview.title");
    DrawPreview(st, workspace, all);
    PublishForm("wfa.editor.name", d.name);
    PublishForm("wfa.editor.kind", AssignKindName(d.kind));
    PublishForm("wfa.editor.user", d.user);
    PublishForm("wfa.editor.team", d.team);
    PublishForm("wfa.editor.condition", d.condition);
}

}  // namespace

namespace {

/// The tab's parts for its Editable (setup::SetupEditable).
struct AssignmentTab {
    using StateType = AssignmentState;
    using ItemType = AssignmentEntry;
    static constexpr const char* kUnsaved = "wfa.unsaved";
    static StateType& Of(Workspace& workspace) { return State(workspace); }
    static bool Save(StateType& st, Workspace& workspace) { return SaveDraft(st, workspace); }
    static void Open(StateType& st, const ItemType& item, bool is_new) { Edit(st, item, is_new); }
    static Result<ItemType> Read(const nlohmann::json& json, ItemType base) {
        return AssignmentEntryFromJson(json, std::move(base));
    }
    static std::optional<ItemType> Stored(Workspace& workspace, const std::string& object, int64_t id) {
        Result<std::vector<AssignmentEntry>> all = workspace.assignment().List(ActingUser(), object);
        for (const AssignmentEntry& e : all.ok() ? all.value() : std::vector<AssignmentEntry>()) {
            if (e.id == id) return e;
        }
        return std::nullopt;
    }
};

}  // namespace

Editable* AssignmentEdits(Workspace& workspace) {
    static setup::SetupEditable<AssignmentTab> edits;
    edits.workspace = &workspace;
    return &edits;
}

void DrawAssignmentPage(Workspace& workspace, const PageContext& ctx) {
    AssignmentState& st = State(workspace);
    const float s = ctx.scale;
    TextMuted(Tr("wfa.intro"));
    const setup::ToolbarAction toolbar =
        setup::SetupToolbar(workspace, s, "wfa", &st.object, false, &st.filter);
    if (toolbar.object_changed) {
        st.editing = false;
        st.selected = 0;
        st.message.clear();
        st.list_error.clear();
    }
    if (toolbar.create) {
        AssignmentEntry e;
        e.object = st.object;
        Edit(st, e, true);
        st.message.clear();
    }
    ImGui::SameLine();
    Result<std::vector<AssignmentEntry>> listed = workspace.assignment().List(ActingUser(), st.object);
    const std::vector<AssignmentEntry> all = listed.ok() ? listed.value() : std::vector<AssignmentEntry>();
    DrawMoveButtons(st, workspace, all);
    setup::MessageLine(st.message, "wfa.message");
    if (!listed.ok()) {
        setup::ListRefused(workspace, "wfa.list", listed.error());
        return;
    }
    if (!st.list_error.empty()) ErrorLine("wfa.list", st.list_error);
    setup::ListAndEditor(
        "wfa.editor", st.editing, s, 0.38f, 280.0f, 460.0f,
        [&](float w) { DrawList(st, workspace, ctx, all, w); }, [&] { DrawEditor(st, workspace, ctx, all); });
    PublishForm("wfa.object", st.object);
    PublishForm("wfa.editing", st.editing);
}

}  // namespace crm::ui
