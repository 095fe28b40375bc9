// The Connectors tab: ERP connectors (connectors.*, core/integration/connector.h). The connectors as a
// filtered table; the editor of the one selected (or a new one): name, base URL, authentication (none, an
// API key header, basic) with its secret typed but never shown back, run-as user, active, page size and
// schedule, and its entities, each with the CRM object, the external-id field, direction, conflict policy
// and the field mapping (ERP field, CRM field, transform). Save shows the core's error beside the part it
// names. "Run now" syncs at once where this program reaches the network (the desktop app); in the browser
// the button is disabled and the tab says why. Below, the sync log (runs, per-record errors with a retry)
// and the conflicts a "hold" policy keeps for review (accept the CRM's or the ERP's side).
#include <algorithm>
#include <map>
#include <optional>

#include "imgui.h"
#include "integration/connector.h"
#include "ui/data/data_ui.h"
#include "ui/integration/integration_ui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/time_text.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/state_color.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "workspace.h"

namespace crm::ui {

namespace {

using nlohmann::json;

const char* const kAuths[] = {"none", "api_key", "basic"};
const char* const kDirections[] = {"in", "out", "both"};
const char* const kPolicies[] = {"crm_wins", "erp_wins", "newest_wins", "hold"};
constexpr const char* kHook = "integrations.connectors";

std::string Str(const json& j, const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

int64_t Num(const json& j, const char* key) {
    return j.contains(key) && j[key].is_number() ? j[key].get<int64_t>() : int64_t{0};
}

std::string Hook(const std::string& rest) { return std::string(kHook) + "." + rest; }

/// A combo over fixed words shown through their catalog rows "<prefix><word>"; true when it changed.
bool WordCombo(const char* label, const char* const* words, int count, const std::string& prefix,
               std::string* value, const std::string& hook) {
    int selected = -1;
    for (int i = 0; i < count; ++i)
        if (*value == words[i]) selected = i;
    const auto text = [&](int i) { return std::string(Tr(prefix + words[i])); };
    const bool changed = ListCombo(
        label, selected >= 0 ? text(selected) : *value, count, text, [&](int i) { return words[i]; },
        &selected, hook);
    if (changed && selected >= 0) *value = words[selected];
    return changed;
}

/// A new entity as the editor starts it: named and pathed "customers", with one blank field row.
ConnectorEntity NewEntity(std::string object) {
    ConnectorEntity e;
    e.name = e.path = "customers";
    e.object = std::move(object);
    e.fields.emplace_back();
    return e;
}

/// What the editor holds: a connector being made (id 0) or changed.
struct Draft {
    int64_t id = 0;
    std::string name, base_url = "https://", auth = "none", auth_header = "X-Api-Key", auth_user, run_as;
    bool active = true;
    bool secret_set = false;
    std::string secret;  ///< typed; never filled from an answer
    int page_size = 100;
    int schedule_minutes = 0;
    std::vector<ConnectorEntity> entities;
};

class ConnectorsPanel : public IntegrationPanel {
public:
    explicit ConnectorsPanel(const IntegrationServices& services) : workspace_(services.workspace) {}
    void Draw(const PageContext& ctx) override;
    json State() const override;

private:
    bool CanRun() const { return ConnectorsOf(workspace_).HasClient(); }
    /// The run of the connector followed now (the browser's runs end after Run answers), if unfinished.
    std::optional<SyncRun> Following() const {
        return following_ ? ConnectorsOf(workspace_).Running(following_) : std::nullopt;
    }
    /// Follows a run the browser carries; when it has ended, notes its outcome from the log.
    void Follow();
    /// Follows a retry or resolution the browser carries; when it has ended, notes what became of the
    /// error or conflict (retried or resolved, or still open with the reason).
    void FollowPush();
    /// Whether the browser carries a retry or resolution of this console's now.
    bool Pushing() const { return push_id_ && ConnectorsOf(workspace_).Carrying(push_kind_, push_id_); }
    /// The note of a run that ended (its counts, or why it stopped).
    void NoteRun(const json& answer, const json& run);
    void Reload(bool force);
    void LoadLog();
    void Select(const json& connector);
    void New();
    void Save();
    void Delete();
    void RunNow();
    void Retry(int64_t error_id);
    void Resolve(int64_t conflict_id, const char* take);
    void Answered(const json& answer, const LiveText& done);
    void ForgetSecret() {
        draft_.secret.assign(draft_.secret.size(), '\0');
        draft_.secret.clear();
    }
    const std::vector<FieldChoice>& FieldsOf(const std::string& object);
    /// The errors under "entities[i]..." as lines (drawn at the end of the entity's section).
    void EntityErrors(size_t i);
    void DrawList(const PageContext& ctx, float width);
    void DrawEditor(const PageContext& ctx, float width);
    void DrawEntity(const PageContext& ctx, size_t i, float w);
    void DrawLog(const PageContext& ctx, float width);
    void DrawConflicts(const PageContext& ctx, float width);

    Workspace& workspace_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_viewer_;
    json connectors_ = json::array();
    std::vector<std::string> users_;
    std::vector<ObjectChoice> objects_;
    std::map<std::string, std::vector<FieldChoice>> fields_;
    std::string load_error_;
    std::string filter_;

    bool editing_ = false;
    Draft draft_;
    FormErrors errors_;
    LiveText message_;
    bool message_error_ = false;
    bool confirm_open_ = false;

    int64_t following_ = 0;  ///< the connector whose run the browser carries now (0: none)
    // The retry ("retry", the error's id) or resolution ("resolve", the conflict's id) the browser
    // carries now for the connector push_connector_ (push_id_ 0: none).
    std::string push_kind_;
    int64_t push_id_ = 0, push_connector_ = 0;

    json runs_ = json::array();
    json sync_errors_ = json::array();
    json conflicts_ = json::array();
    std::string log_error_;
};

void ConnectorsPanel::Reload(bool force) {
    if (!force && loaded_change_ == workspace_.change_count() && loaded_viewer_ == ActingUser()) return;
    const bool viewer_changed = loaded_viewer_ != ActingUser();
    loaded_change_ = workspace_.change_count();
    loaded_viewer_ = ActingUser();
    const json answer = RunCommand(workspace_, "connectors.list", json::object());
    load_error_ = answer.value("ok", false) ? std::string() : AnswerError(answer);
    connectors_ = answer.value("ok", false) ? answer["result"]["connectors"] : json::array();
    if (viewer_changed || force || objects_.empty()) {
        objects_ = ReadableObjects(workspace_);
        fields_.clear();
        users_.clear();
        const json users = RunCommand(workspace_, "users.list", json::object());
        if (users.value("ok", false)) {
            for (const json& u : users["result"])
                if (u.value("active", true)) users_.push_back(Str(u, "username"));
            std::sort(users_.begin(), users_.end());
        }
    }
    LoadLog();
}

void ConnectorsPanel::LoadLog() {
    runs_ = json::array();
    sync_errors_ = json::array();
    conflicts_ = json::array();
    log_error_.clear();
    if (!editing_ || draft_.id == 0) return;
    const json log = RunCommand(workspace_, "connectors.log", {{"id", draft_.id}, {"limit", 20}});
    const json held = RunCommand(workspace_, "connectors.conflicts", {{"id", draft_.id}});
    if (!log.value("ok", false)) {
        log_error_ = AnswerError(log);
        return;
    }
    runs_ = log["result"]["runs"];
    sync_errors_ = log["result"]["errors"];
    if (held.value("ok", false)) conflicts_ = held["result"]["conflicts"];
}

const std::vector<FieldChoice>& ConnectorsPanel::FieldsOf(const std::string& object) {
    auto it = fields_.find(object);
    if (it == fields_.end()) it = fields_.emplace(object, ReadableFields(workspace_, object)).first;
    return it->second;
}

void ConnectorsPanel::Select(const json& c) {
    ForgetSecret();
    draft_ = Draft{};
    draft_.id = Num(c, "id");
    draft_.name = Str(c, "name");
    draft_.base_url = Str(c, "base_url");
    draft_.auth = Str(c, "auth");
    draft_.auth_header = Str(c, "auth_header");
    draft_.auth_user = Str(c, "auth_user");
    draft_.run_as = Str(c, "run_as");
    draft_.active = c.value("active", true);
    draft_.secret_set = c.value("secret_set", false);
    draft_.page_size = static_cast<int>(Num(c, "page_size"));
    draft_.schedule_minutes = static_cast<int>(Num(c, "schedule_minutes"));
    for (const json& e : c.value("entities", json::array())) draft_.entities.push_back(EntityFromJson(e));
    editing_ = true;
    errors_.clear();
    LoadLog();
}

void ConnectorsPanel::New() {
    ForgetSecret();
    draft_ = Draft{};
    draft_.run_as = ActingUser();
    std::string object;
    for (const ObjectChoice& o : objects_)
        if (o.api_name == "Account") object = o.api_name;
    if (object.empty() && !objects_.empty()) object = objects_.front().api_name;
    draft_.entities.push_back(NewEntity(std::move(object)));
    editing_ = true;
    errors_.clear();
    message_ = nullptr;
    LoadLog();
}

void ConnectorsPanel::Answered(const json& answer, const LiveText& done) {
    message_error_ = !answer.value("ok", false);
    if (message_error_) {
        message_ = [error = AnswerError(answer)] { return error; };
    } else {
        message_ = done;
    }
}

void ConnectorsPanel::Save() {
    json entities = json::array();
    for (ConnectorEntity e : draft_.entities) {
        const auto blank = [](const ConnectorField& f) {
            return f.erp.empty() && f.crm.empty() && f.transform.empty() && f.transform_out.empty();
        };
        e.fields.erase(std::remove_if(e.fields.begin(), e.fields.end(), blank), e.fields.end());
        entities.push_back(EntityToJson(e));
    }
    json values = {{"name", draft_.name},
                   {"base_url", draft_.base_url},
                   {"auth", draft_.auth},
                   {"auth_header", draft_.auth_header},
                   {"auth_user", draft_.auth_user},
                   {"run_as", draft_.run_as},
                   {"active", draft_.active},
                   {"page_size", draft_.page_size},
                   {"schedule_minutes", draft_.schedule_minutes},
                   {"entities", entities}};
    if (!draft_.secret.empty()) values["secret"] = draft_.secret;
    json args = {{"values", values}};
    if (draft_.id != 0) args["id"] = draft_.id;
    const json answer = RunCommand(workspace_, "connectors.save", args);
    errors_.clear();
    if (!answer.value("ok", false)) {
        std::string field = answer["error"].value("field", std::string());
        if (field == "values") field.clear();
        errors_[field] = AnswerError(answer);
        message_ = nullptr;
        return;
    }
    const json& saved = answer["result"]["connector"];
    message_error_ = false;
    message_ = [name = Str(saved, "name")] { return TrFormat("integrations.connectors.saved", {name}); };
    Select(saved);
    Reload(true);
}

void ConnectorsPanel::Delete() {
    const json answer = RunCommand(workspace_, "connectors.delete", {{"id", draft_.id}});
    Answered(answer, [name = draft_.name] { return TrFormat("integrations.connectors.deleted", {name}); });
    if (!message_error_) {
        ForgetSecret();
        editing_ = false;
        draft_ = Draft{};
    }
    Reload(true);
}

void ConnectorsPanel::RunNow() {
    const json answer = RunCommand(workspace_, "connectors.run", {{"id", draft_.id}});
    const json run = answer.value("ok", false) ? answer["result"]["run"] : json::object();
    if (Str(run, "state") == "running") {  // the browser: the run goes on one request at a time
        following_ = draft_.id;
        message_error_ = false;
        message_ = [this] {
            const std::optional<SyncRun> now = Following();
            const SyncRun r = now.value_or(SyncRun{});
            return TrFormat("integrations.connectors.running",
                            {std::to_string(r.pages), std::to_string(r.pulled), std::to_string(r.pushed)});
        };
        Reload(true);
        return;
    }
    NoteRun(answer, run);
}

void ConnectorsPanel::Follow() {
    if (!following_ || Following()) return;
    const json log = RunCommand(workspace_, "connectors.log", {{"id", following_}, {"limit", 1}});
    following_ = 0;
    const json runs = log.value("ok", false) ? log["result"]["runs"] : json::array();
    NoteRun(log, runs.empty() ? json::object() : runs[0]);
}

void ConnectorsPanel::NoteRun(const json& answer, const json& run) {
    Answered(answer, [run] {
        const std::string state = Str(run, "state");
        if (state == "failed") return TrFormat("integrations.connectors.run_failed", {Str(run, "error")});
        return TrFormat("integrations.connectors.run_done",
                        {std::to_string(Num(run, "pulled")), std::to_string(Num(run, "created")),
                         std::to_string(Num(run, "updated")), std::to_string(Num(run, "pushed")),
                         std::to_string(Num(run, "held")), std::to_string(Num(run, "failed"))});
    });
    if (!message_error_) message_error_ = Str(run, "state") == "failed";
    Reload(true);
}

void ConnectorsPanel::Retry(int64_t error_id) {
    const json answer = RunCommand(workspace_, "connectors.retry", {{"id", error_id}});
    const bool carried = answer.value("ok", false) && Str(answer["result"]["error"], "state") == "retrying";
    if (carried) {  // the browser: the push goes on with fetch
        push_kind_ = "retry";
        push_id_ = error_id;
        push_connector_ = draft_.id;
    }
    Answered(answer, [carried] {
        return std::string(
            Tr(carried ? "integrations.connectors.retrying" : "integrations.connectors.retried"));
    });
    Reload(true);
}

void ConnectorsPanel::Resolve(int64_t conflict_id, const char* take) {
    const json answer = RunCommand(workspace_, "connectors.resolve", {{"id", conflict_id}, {"take", take}});
    const bool carried = answer.value("ok", false) && Str(answer["result"]["resolved"], "state") == "pushing";
    if (carried) {
        push_kind_ = "resolve";
        push_id_ = conflict_id;
        push_connector_ = draft_.id;
    }
    const std::string id = carried ? "integrations.connectors.resolving"
                                   : std::string("integrations.connectors.resolved_") + take;
    Answered(answer, [id] { return std::string(Tr(id)); });
    Reload(true);
}

void ConnectorsPanel::FollowPush() {
    if (!push_id_ || Pushing()) return;
    const int64_t id = push_id_;
    const bool retry = push_kind_ == "retry";
    push_id_ = 0;
    // What became of it, read back: the error (every state) or the conflict (every state).
    const json answer =
        retry ? RunCommand(workspace_, "connectors.log", {{"id", push_connector_}, {"all_errors", true}})
              : RunCommand(workspace_, "connectors.conflicts", {{"id", push_connector_}, {"state", ""}});
    json item = json::object();
    if (answer.value("ok", false))
        for (const json& x : answer["result"][retry ? "errors" : "conflicts"])
            if (Num(x, "id") == id) item = x;
    const bool done = Str(item, "state") == (retry ? "retried" : "resolved");
    const std::string reason = Str(item, retry ? "message" : "error");
    Answered(answer, [retry, done, reason] {
        if (done)
            return std::string(
                Tr(retry ? "integrations.connectors.retried" : "integrations.connectors.resolved_crm"));
        return TrFormat(
            retry ? "integrations.connectors.retry_failed" : "integrations.connectors.resolve_failed",
            {reason});
    });
    if (!message_error_) message_error_ = !done;
    Reload(true);
}

void ConnectorsPanel::EntityErrors(size_t i) {
    const std::string prefix = "entities[" + std::to_string(i) + "]";
    for (const auto& [key, message] : errors_) {
        if (key.compare(0, prefix.size(), prefix) != 0) continue;
        ErrorLine(Hook("error." + key), key + ": " + message);
    }
}

void ConnectorsPanel::DrawList(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    DataCardBegin(width);
    SectionHeading(ctx, "integrations.connectors.list_title");
    // connectors.* need Manage Integrations (their registry entries).
    const PermissionGuard guard(workspace_.access(), SystemPermission::ManageIntegrations, kHook);
    guard.Notice();
    if (PrimaryButton(Tr("integrations.connectors.new"), guard.allowed())) New();
    MarkItem(Hook("new"));
    guard.ReasonOnHover();
    ImGui::SameLine();
    TableFilter(Hook("filter"), Tr("integrations.connectors.filter_hint"), &filter_,
                std::min(280.0f * s, CardInnerWidth() * 0.5f));
    if (guard.allowed()) NoticeLine(Hook("load_error"), load_error_, true);  // else the notice above
    if (connectors_.empty()) {
        TextMuted(Tr("integrations.connectors.none"), false);
        DataCardEnd();
        return;
    }
    const std::string needle = LowerAscii(filter_);
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    if (ImGui::BeginTable("integrations.connectors.table", 5, flags, ImVec2(CardInnerWidth(), 0.0f))) {
        ImGui::TableSetupColumn(Tr("integrations.connectors.col.name"), 0, 1.2f);
        ImGui::TableSetupColumn(Tr("integrations.connectors.col.url"), 0, 1.8f);
        ImGui::TableSetupColumn(Tr("integrations.connectors.col.entities"), 0, 1.4f);
        ImGui::TableSetupColumn(Tr("integrations.connectors.col.schedule"), 0, 1.0f);
        ImGui::TableSetupColumn(Tr("integrations.connectors.col.active"), 0, 0.6f);
        TableHeadersRowMarked(kHook, {"name", "url", "entities", "schedule", "active"});
        for (const json& c : connectors_) {
            std::string entities;
            for (const json& e : c.value("entities", json::array()))
                entities += (entities.empty() ? "" : ", ") + Str(e, "name") + " ↔ " + Str(e, "object");
            const std::string name = Str(c, "name");
            if (!MatchesFilter(needle, {name, Str(c, "base_url"), entities})) continue;
            const int64_t id = Num(c, "id");
            ImGui::PushID(static_cast<int>(id));
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            if (ImGui::Selectable((name + "##connector").c_str(), editing_ && draft_.id == id,
                                  ImGuiSelectableFlags_SpanAllColumns)) {
                message_ = nullptr;
                Select(c);
            }
            MarkRow(Hook("row." + name));
            ImGui::TableSetColumnIndex(1);
            CellText(Str(c, "base_url"));
            ImGui::TableSetColumnIndex(2);
            CellText(entities);
            ImGui::TableSetColumnIndex(3);
            const int64_t minutes = Num(c, "schedule_minutes");
            CellText(minutes ? TrFormat("integrations.connectors.every", {std::to_string(minutes)})
                             : std::string(Tr("integrations.connectors.by_hand")),
                     minutes == 0);
            ImGui::TableSetColumnIndex(4);
            if (c.value("active", true)) {
                TextColored(CurrentPalette().success, Tr("integrations.connectors.active_yes"), false);
            } else {
                TextMuted(Tr("integrations.connectors.active_no"), false);
            }
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    DataCardEnd();
}

void ConnectorsPanel::DrawEntity(const PageContext& ctx, size_t i, float w) {
    const float s = ctx.scale;
    ConnectorEntity& e = draft_.entities[i];
    const std::string at = "entity." + std::to_string(i) + ".";
    ImGui::PushID(static_cast<int>(i));
    const std::string title = TrFormat("integrations.connectors.entity_title", {e.name, e.object});
    const bool open = ImGui::CollapsingHeader((title + "###entity").c_str(), ImGuiTreeNodeFlags_DefaultOpen);
    MarkItem(Hook(at + "header"));
    if (!open) {
        EntityErrors(i);
        ImGui::PopID();
        return;
    }
    const std::string key = "entities[" + std::to_string(i) + "].";
    auto text_row = [&](const char* label_id, const char* part, std::string* value) {
        FormRow(label_id, Hook("error." + key + part), w, errors_, key + part, [&] {
            InputString((std::string("##") + part).c_str(), value);
            MarkItem(Hook(at + part));
        });
        PublishForm(Hook(at + part), *value);
    };
    text_row("integrations.connectors.entity.name", "name", &e.name);
    text_row("integrations.connectors.entity.path", "path", &e.path);
    FormRow("integrations.connectors.entity.object", Hook("error." + key + "object"), w, errors_,
            key + "object", [&] {
                if (ObjectCombo("##object", objects_, &e.object, Hook(at + "object"))) {
                    e.external_id_field.clear();
                    for (ConnectorField& f : e.fields) f.crm.clear();
                }
            });
    PublishForm(Hook(at + "object"), e.object);
    const std::vector<FieldChoice>& fields = FieldsOf(e.object);
    auto field_combo = [&](const char* label, std::string* value, const std::string& hook) {
        int selected = -1;
        for (size_t k = 0; k < fields.size(); ++k)
            if (fields[k].api_name == *value) selected = static_cast<int>(k);
        if (ListCombo(
                label, *value, static_cast<int>(fields.size()),
                [&](int k) { return fields[k].label() + " (" + fields[k].api_name + ")"; },
                [&](int k) { return fields[k].api_name; }, &selected, hook) &&
            selected >= 0)
            *value = fields[selected].api_name;
        PublishForm(hook, *value);
    };
    FormRow("integrations.connectors.entity.external_id", Hook("error." + key + "external_id_field"), w,
            errors_, key + "external_id_field",
            [&] { field_combo("##external_id", &e.external_id_field, Hook(at + "external_id")); });
    FormRow("integrations.connectors.entity.direction", Hook("error." + key + "direction"), w, errors_,
            key + "direction", [&] {
                WordCombo("##direction", kDirections, 3, "integrations.connectors.direction.", &e.direction,
                          Hook(at + "direction"));
            });
    FormRow("integrations.connectors.entity.conflict", Hook("error." + key + "conflict"), w, errors_,
            key + "conflict", [&] {
                WordCombo("##conflict", kPolicies, 4, "integrations.connectors.policy.", &e.conflict,
                          Hook(at + "conflict"));
            });
    FormRow("integrations.connectors.batch_size", Hook("error." + key + "batch_size"), w, errors_,
            key + "batch_size", [&] {
                ImGui::InputInt("##batch_size", &e.batch_size, 10, 100);
                MarkItem(Hook(at + "batch_size"));
            });
    text_row("integrations.connectors.entity.erp_id", "erp_id", &e.erp_id);
    text_row("integrations.connectors.entity.erp_updated", "erp_updated", &e.erp_updated);

    // The mapping: ERP field, CRM field, transforms in and out; a row removed with its button.
    ImGui::TextUnformatted(Tr("integrations.connectors.mapping"));
    const ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    int remove = -1;
    if (ImGui::BeginTable("mapping", 5, flags, ImVec2(CardInnerWidth(), 0.0f))) {
        ImGui::TableSetupColumn(Tr("integrations.connectors.col.erp_field"), 0, 1.0f);
        ImGui::TableSetupColumn(Tr("integrations.connectors.col.crm_field"), 0, 1.3f);
        ImGui::TableSetupColumn(Tr("integrations.connectors.col.transform"), 0, 1.3f);
        ImGui::TableSetupColumn(Tr("integrations.connectors.col.transform_out"), 0, 1.3f);
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 80.0f * s);
        ImGui::TableHeadersRow();
        for (size_t j = 0; j < e.fields.size(); ++j) {
            ConnectorField& f = e.fields[j];
            const std::string row = at + "field." + std::to_string(j) + ".";
            ImGui::PushID(static_cast<int>(j));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::SetNextItemWidth(-1.0f);
            InputString("##erp", &f.erp, ImGuiInputTextFlags_CharsNoBlank, "name");
            MarkItem(Hook(row + "erp"));
            PublishForm(Hook(row + "erp"), f.erp);
            ImGui::TableNextColumn();
            ImGui::SetNextItemWidth(-1.0f);
            field_combo("##crm", &f.crm, Hook(row + "crm"));
            ImGui::TableNextColumn();
            ImGui::SetNextItemWidth(-1.0f);
            InputString("##transform", &f.transform, 0, Tr("integrations.connectors.transform_hint"));
            MarkItem(Hook(row + "transform"));
            ImGui::TableNextColumn();
            ImGui::SetNextItemWidth(-1.0f);
            InputString("##transform_out", &f.transform_out, 0,
                        Tr("integrations.connectors.transform_out_hint"));
            MarkItem(Hook(row + "transform_out"));
            ImGui::TableNextColumn();
            if (SecondaryButton(Tr("integrations.connectors.remove"))) remove = static_cast<int>(j);
            MarkItem(Hook(row + "remove"));
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    if (remove >= 0) e.fields.erase(e.fields.begin() + remove);
    if (SecondaryButton(Tr("integrations.connectors.add_field"))) e.fields.push_back({});
    MarkItem(Hook(at + "add_field"));
    ImGui::SameLine();
    bool drop = false;
    if (SecondaryButton(Tr("integrations.connectors.remove_entity"))) drop = true;
    MarkItem(Hook(at + "remove"));
    EntityErrors(i);
    ImGui::PopID();
    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    if (drop) draft_.entities.erase(draft_.entities.begin() + static_cast<std::ptrdiff_t>(i));
}

void ConnectorsPanel::DrawEditor(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    DataCardBegin(width);
    if (draft_.id == 0) {
        SectionHeading(ctx, "integrations.connectors.editor_new");
    } else {
        ImGui::PushFont(ctx.heading_font);
        ImGui::TextUnformatted(TrFormat("integrations.connectors.editor_edit", {draft_.name}).c_str());
        ImGui::PopFont();
    }
    const float w = std::min(420.0f * s, CardInnerWidth() - 190.0f * s);
    PermissionGuard guard(workspace_.access(), SystemPermission::ManageIntegrations, Hook("editor"));
    guard.Notice();
    guard.Begin();
    ImGui::PushID("integrations.connectors.editor");
    auto text_row = [&](const char* part, std::string* value, ImGuiInputTextFlags flags, const char* hint) {
        FormRow((Hook(part)).c_str(), Hook("error." + std::string(part)), w, errors_, part, [&] {
            InputString((std::string("##") + part).c_str(), value, flags, hint);
            MarkItem(Hook(part));
        });
        PublishForm(Hook(part), *value);
    };
    text_row("name", &draft_.name, 0, nullptr);
    text_row("base_url", &draft_.base_url, ImGuiInputTextFlags_CharsNoBlank, "https://erp.example.com/api");
    FormRow("integrations.connectors.auth", Hook("error.auth"), w, errors_, "auth", [&] {
        WordCombo("##auth", kAuths, 3, "integrations.connectors.auth.", &draft_.auth, Hook("auth"));
    });
    PublishForm(Hook("auth"), draft_.auth);
    if (draft_.auth == "api_key")
        text_row("auth_header", &draft_.auth_header, ImGuiInputTextFlags_CharsNoBlank, nullptr);
    if (draft_.auth == "basic") text_row("auth_user", &draft_.auth_user, 0, nullptr);
    if (draft_.auth != "none") {
        FormRow("integrations.connectors.secret", Hook("error.secret"), w, errors_, "secret", [&] {
            InputString("##secret", &draft_.secret, ImGuiInputTextFlags_Password,
                        Tr(draft_.secret_set ? "integrations.connectors.secret_keep"
                                             : "integrations.connectors.secret_hint"));
            MarkItem(Hook("secret"));
            if (draft_.secret_set) {
                ImGui::SameLine();
                StatusPill(CurrentPalette().success, Tr("integrations.connectors.secret_set"), 120.0f * s);
            }
        });
    }
    FormRow("integrations.connectors.run_as", Hook("error.run_as"), w, errors_, "run_as", [&] {
        int selected = -1;
        for (size_t i = 0; i < users_.size(); ++i)
            if (users_[i] == draft_.run_as) selected = static_cast<int>(i);
        if (ListCombo(
                "##run_as", draft_.run_as, static_cast<int>(users_.size()), [&](int i) { return users_[i]; },
                [&](int i) { return users_[i]; }, &selected, Hook("run_as")) &&
            selected >= 0)
            draft_.run_as = users_[selected];
    });
    PublishForm(Hook("run_as"), draft_.run_as);
    FormRow("integrations.connectors.active", Hook("error.active"), w, errors_, "active", [&] {
        ImGui::Checkbox(Tr("integrations.connectors.active_check"), &draft_.active);
        MarkItem(Hook("active"));
    });
    FormRow("integrations.connectors.page_size", Hook("error.page_size"), w, errors_, "page_size", [&] {
        ImGui::InputInt("##page_size", &draft_.page_size, 10, 100);
        MarkItem(Hook("page_size"));
    });

    FormRow("integrations.connectors.schedule", Hook("error.schedule_minutes"), w, errors_,
            "schedule_minutes", [&] {
                ImGui::SetNextItemWidth(140.0f * s);
                ImGui::InputInt("##schedule", &draft_.schedule_minutes, 5, 60);
                draft_.schedule_minutes = std::max(0, draft_.schedule_minutes);
                MarkItem(Hook("schedule"));
                ImGui::SameLine();
                TextMuted(Tr(draft_.schedule_minutes ? "integrations.connectors.schedule_on"
                                                     : "integrations.connectors.schedule_off"),
                          false);
            });
    PublishForm(Hook("schedule"), draft_.schedule_minutes);
    for (const json& c : connectors_) {
        if (Num(c, "id") == draft_.id && draft_.id && c.contains("next_run") && c["next_run"].is_string())
            TextMuted(TrFormat("integrations.connectors.next_run", {c["next_run"].get<std::string>()}),
                      false);
    }

    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
    SectionHeading(ctx, "integrations.connectors.entities");
    NoticeLine(Hook("error.entities"), errors_.count("entities") ? errors_.at("entities") : "", true);
    for (size_t i = 0; i < draft_.entities.size(); ++i) DrawEntity(ctx, i, w);
    if (SecondaryButton(Tr("integrations.connectors.add_entity"))) {
        ConnectorEntity e = NewEntity(objects_.empty() ? "" : objects_.front().api_name);
        e.name = e.path = "entity" + std::to_string(draft_.entities.size() + 1);
        draft_.entities.push_back(std::move(e));
    }
    MarkItem(Hook("add_entity"));
    ImGui::PopID();

    if (errors_.count("")) ErrorLine(Hook("error.form"), errors_.at(""));
    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    if (PrimaryButton(Tr("integrations.connectors.save"), guard.allowed())) Save();
    MarkItem(Hook("save"));
    guard.ReasonOnHover();
    if (draft_.id != 0) {
        ImGui::SameLine();
        if (SecondaryButton(Tr("integrations.connectors.run"), CanRun() && draft_.active && !Following()))
            RunNow();
        MarkItem(Hook("run"));
        if (!CanRun() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
            ImGui::SetTooltip("%s", Tr("integrations.connectors.run_elsewhere"));
        ImGui::SameLine();
        if (SecondaryButton(Tr("integrations.connectors.delete"))) confirm_open_ = true;
        MarkItem(Hook("delete"));
        guard.ReasonOnHover();
    }
    guard.End();
    ImGui::SameLine();
    if (SecondaryButton(Tr("integrations.cancel"))) {
        ForgetSecret();
        editing_ = false;
        errors_.clear();
        LoadLog();
    }
    MarkItem(Hook("cancel"));
    if (draft_.id != 0 && !CanRun()) TextMuted(Tr("integrations.connectors.run_elsewhere"));
    DataCardEnd();

    if (ConfirmDialog("integrations.connectors.confirm", "integrations.connectors.delete", draft_.name,
                      &confirm_open_, ctx))
        Delete();
}

void ConnectorsPanel::DrawLog(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    if (LogCardHeader(ctx, width, "integrations.connectors.log_title",
                      TrFormat("integrations.connectors.log_of", {draft_.name}), Hook("log"), log_error_)) {
        LoadLog();
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY;
    if (runs_.empty()) {
        TextMuted(Tr("integrations.connectors.log_none"), false);
    } else if (ImGui::BeginTable("integrations.connectors.runs", 4, flags,
                                 ImVec2(CardInnerWidth(), ScrollTableHeight(runs_.size(), 260.0f * s)))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(Tr("integrations.connectors.col.started"));
        ImGui::TableSetupColumn(Tr("integrations.connectors.col.state"));
        ImGui::TableSetupColumn(Tr("integrations.connectors.col.counts"));
        ImGui::TableSetupColumn(Tr("integrations.connectors.col.why"), ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        for (const json& r : runs_) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(ShownMinute(Num(r, "started")).c_str());
            MarkItem(Hook("run." + std::to_string(Num(r, "id"))));
            ImGui::TableNextColumn();
            const std::string state = Str(r, "state");
            const std::string state_id = "integrations.connectors.state." + state;
            StatusPill(StateColor(state), HasText(state_id) ? Tr(state_id) : state, 110.0f * s);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(
                TrFormat("integrations.connectors.counts",
                         {std::to_string(Num(r, "pulled")), std::to_string(Num(r, "created")),
                          std::to_string(Num(r, "updated")), std::to_string(Num(r, "pushed")),
                          std::to_string(Num(r, "held")), std::to_string(Num(r, "failed"))})
                    .c_str());
            ImGui::TableNextColumn();
            CellText(Str(r, "error"), true);
        }
        ImGui::EndTable();
    }

    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    ImGui::TextUnformatted(Tr("integrations.connectors.errors_title"));
    if (sync_errors_.empty()) {
        TextMuted(Tr("integrations.connectors.errors_none"), false);
    } else if (ImGui::BeginTable(
                   "integrations.connectors.errors", 5, flags,
                   ImVec2(CardInnerWidth(), ScrollTableHeight(sync_errors_.size(), 300.0f * s)))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(Tr("integrations.connectors.col.entity"));
        ImGui::TableSetupColumn(Tr("integrations.connectors.col.direction"));
        ImGui::TableSetupColumn(Tr("integrations.connectors.col.external_id"));
        ImGui::TableSetupColumn(Tr("integrations.connectors.col.error"), ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("");
        ImGui::TableHeadersRow();
        int64_t retry = 0;
        for (const json& e : sync_errors_) {
            const int64_t id = Num(e, "id");
            ImGui::PushID(static_cast<int>(id));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(Str(e, "entity").c_str());
            ImGui::TableNextColumn();
            const std::string dir_id = "integrations.connectors.way." + Str(e, "direction");
            ImGui::TextUnformatted(HasText(dir_id) ? Tr(dir_id) : Str(e, "direction").c_str());
            ImGui::TableNextColumn();
            const std::string ext = Str(e, "external_id");
            ImGui::TextUnformatted(ext.empty() ? "—" : ext.c_str());
            ImGui::TableNextColumn();
            CellText(Str(e, "message"));
            ImGui::TableNextColumn();
            if (SecondaryButton(Tr("integrations.connectors.retry"),
                                (Str(e, "direction") == "pull" || CanRun()) && !Pushing()))
                retry = id;
            MarkItem(Hook("retry." + std::to_string(id)));
            ImGui::PopID();
        }
        ImGui::EndTable();
        if (retry) Retry(retry);
    }
    DataCardEnd();
}

void ConnectorsPanel::DrawConflicts(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    DataCardBegin(width);
    SectionHeading(ctx, "integrations.connectors.conflicts_title");
    TextMuted(Tr("integrations.connectors.conflicts_intro"), false);
    if (conflicts_.empty()) {
        TextMuted(Tr("integrations.connectors.conflicts_none"), false);
        DataCardEnd();
        return;
    }
    int64_t take_id = 0;
    const char* take = nullptr;
    for (const json& c : conflicts_) {
        const int64_t id = Num(c, "id");
        ImGui::PushID(static_cast<int>(id));
        ImGui::Separator();
        ImGui::TextUnformatted(TrFormat("integrations.connectors.conflict_of",
                                        {Str(c, "entity"), Str(c, "external_id"), Str(c, "object"),
                                         std::to_string(Num(c, "record_id"))})
                                   .c_str());
        MarkItem(Hook("conflict." + std::to_string(id)));
        TextMuted(TrFormat("integrations.connectors.conflict_times",
                           {Str(c, "crm_updated"), Str(c, "erp_updated")}),
                  false);
        if (!Str(c, "error").empty())
            ErrorLine(Hook("conflict_error." + std::to_string(id)),
                      TrFormat("integrations.connectors.resolve_failed", {Str(c, "error")}));
        const json crm = c.value("crm", json::object()), erp = c.value("erp", json::object());
        const ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
        if (ImGui::BeginTable("values", 3, flags, ImVec2(CardInnerWidth(), 0.0f))) {
            ImGui::TableSetupColumn(Tr("integrations.connectors.col.field"), 0, 0.8f);
            ImGui::TableSetupColumn(Tr("integrations.connectors.col.crm_value"), 0, 1.2f);
            ImGui::TableSetupColumn(Tr("integrations.connectors.col.erp_value"), 0, 1.2f);
            ImGui::TableHeadersRow();
            for (auto it = erp.begin(); it != erp.end(); ++it) {
                const json mine = crm.contains(it.key()) ? crm[it.key()] : json();
                const auto shown = [](const json& v) {
                    return v.is_string() ? v.get<std::string>() : v.dump();
                };
                const bool differ = mine != it.value();
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(it.key().c_str());
                ImGui::TableNextColumn();
                CellText(shown(mine), !differ);
                ImGui::TableNextColumn();
                CellText(shown(it.value()), !differ);
            }
            ImGui::EndTable();
        }
        if (SecondaryButton(Tr("integrations.connectors.accept_crm"), CanRun() && !Pushing())) {
            take_id = id;
            take = "crm";
        }
        MarkItem(Hook("accept_crm." + std::to_string(id)));
        if (!CanRun() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
            ImGui::SetTooltip("%s", Tr("integrations.connectors.run_elsewhere"));
        ImGui::SameLine(0.0f, 8.0f * s);
        if (PrimaryButton(Tr("integrations.connectors.accept_erp"), !Pushing())) {
            take_id = id;
            take = "erp";
        }
        MarkItem(Hook("accept_erp." + std::to_string(id)));
        ImGui::PopID();
    }
    DataCardEnd();
    if (take) Resolve(take_id, take);
}

void ConnectorsPanel::Draw(const PageContext& ctx) {
    Reload(false);
    const CardPage page(ctx, "integrations.connectors.scroll", 1040.0f);
    const float width = page.width();
    TextMuted(Tr("integrations.connectors.intro"));
    // The ERP's CORS rules, on the list (the editor keeps its place on the page).
    if (ConnectorsOf(workspace_).RunsAsync() && !editing_) TextMuted(Tr("integrations.connectors.cors_text"));
    Follow();
    FollowPush();
    if (!CanRun()) NoticeLine(Hook("elsewhere"), Tr("integrations.connectors.run_elsewhere"), false);
    NoticeLine(Hook("message"), Now(message_), message_error_);
    ImGui::Dummy(ImVec2(0.0f, 6.0f * ctx.scale));
    DrawList(ctx, width);
    if (!editing_) return;
    page.Gap();
    DrawEditor(ctx, width);
    if (editing_ && draft_.id != 0) {
        page.Gap();
        DrawLog(ctx, width);
        page.Gap();
        DrawConflicts(ctx, width);
    }
}

json ConnectorsPanel::State() const {
    json list = json::array();
    for (const json& c : connectors_) {
        json entities = json::array();
        for (const json& e : c.value("entities", json::array())) {
            json fields = json::array();
            for (const json& f : e.value("fields", json::array()))
                fields.push_back(Str(f, "erp") + ">" + Str(f, "crm"));
            entities.push_back({{"name", Str(e, "name")},
                                {"object", Str(e, "object")},
                                {"direction", Str(e, "direction")},
                                {"conflict", Str(e, "conflict")},
                                {"fields", fields}});
        }
        list.push_back({{"id", Num(c, "id")},
                        {"name", Str(c, "name")},
                        {"base_url", Str(c, "base_url")},
                        {"auth", Str(c, "auth")},
                        {"secret_set", c.value("secret_set", false)},
                        {"schedule_minutes", Num(c, "schedule_minutes")},
                        {"active", c.value("active", true)},
                        {"entities", entities}});
    }
    json errors = json::object();
    for (const auto& [key, message] : errors_) errors[key.empty() ? "form" : key] = message;
    json runs = json::array();
    for (const json& r : runs_) runs.push_back({{"id", Num(r, "id")}, {"state", Str(r, "state")}});
    json sync_errors = json::array();
    for (const json& e : sync_errors_)
        sync_errors.push_back(
            {{"id", Num(e, "id")}, {"code", Str(e, "code")}, {"direction", Str(e, "direction")}});
    json conflicts = json::array();
    for (const json& c : conflicts_)
        conflicts.push_back(
            {{"id", Num(c, "id")}, {"external_id", Str(c, "external_id")}, {"error", Str(c, "error")}});
    // The typed secret stays out of the snapshot: only its length.
    return {
        {"connectors", list},
        {"editing", editing_},
        {"selected", editing_ ? draft_.id : -1},
        {"entities", editing_ ? draft_.entities.size() : 0},
        {"secret_typed", draft_.secret.size()},
        {"errors", errors},
        {"load_error", load_error_},
        {"message", Now(message_)},
        {"message_error", message_error_},
        {"can_run", CanRun()},
        {"running", Following().has_value()},
        {"pushing", Pushing()},
        {"run_reason", CanRun() ? std::string() : std::string(Tr("integrations.connectors.run_elsewhere"))},
        {"runs", runs},
        {"sync_errors", sync_errors},
        {"conflicts", conflicts},
        {"log_error", log_error_}};
}

}  // namespace

std::unique_ptr<IntegrationPanel> MakeConnectorsPanel(const IntegrationServices& services) {
    return std::make_unique<ConnectorsPanel>(services);
}

}  // namespace crm::ui
