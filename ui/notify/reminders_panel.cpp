// The Reminders tab: the reminder rules (reminders.*) in a table sorted by any column and filtered by
// object and text; an editor for one rule (name, object, its date or date-time field, N minutes, hours or
// days before or after, a time of day, a repeat every N hours or days until a formula holds or a number of
// times, escalation to the owner's manager after a delay, the notification type, priority, message and
// recipients), saved with reminders.save, the core's error shown beside the part it names; delete after a
// confirmation; and, for a record of the rule's object, what reminders did and what waits
// (reminders.occurrences).
#include <algorithm>
#include <cstdio>
#include <functional>

#include "imgui.h"
#include "notify/notify.h"
#include "ui/data/data_ui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/note.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/notify/notify_ui.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "ui/workflow/automation_ui.h"
#include "workspace.h"

namespace crm::ui {

namespace {

const std::vector<std::string> kUnits = {"minutes", "hours", "days"};
const std::vector<std::string> kRepeatUnits = {"hours", "days"};
const std::vector<std::string> kDirections = {"before", "after"};
const std::vector<std::string> kPriorities = {"", "normal", "urgent"};
/// The table's columns (their sort keys and header hooks).
const std::vector<std::string> kColumns = {"name", "object", "when", "repeat", "escalation", "active"};

std::string UnitLabel(const std::string& unit) { return Tr("ntf.rem.unit." + unit); }

/// The rule being edited, as the form holds it.
struct Draft {
    int64_t id = 0;
    std::string name, object = "Opportunity", date_field, unit = "days", direction = "before", at;
    int offset = 1;
    int repeat_every = 0;
    std::string repeat_unit = "days";
    int repeat_count = 0;
    std::string until;
    int escalate = 0;  ///< in escalate_unit
    std::string escalate_unit = "hours";
    std::string type, priority, message, users, roles;
    bool notify_owner = true;
    std::vector<std::string> channels = NotificationChannels();  ///< what the rule sends on
    bool active = true;

    static Draft FromJson(const nlohmann::json& r) {
        Draft d;
        d.id = r.value("id", int64_t{0});
        d.name = Text(r, "name");
        d.object = Text(r, "object");
        d.date_field = Text(r, "date_field");
        d.offset = r.value("offset", 1);
        d.unit = Text(r, "unit");
        d.direction = Text(r, "direction");
        d.at = Text(r, "at");
        d.repeat_every = r.value("repeat_every", 0);
        d.repeat_unit = Text(r, "repeat_unit");
        d.repeat_count = r.value("repeat_count", 0);
        d.until = Text(r, "until");
        const int minutes = r.value("escalate_after_minutes", 0);
        d.escalate_unit = minutes > 0 && minutes % 1440 == 0 ? "days"
                          : minutes % 60 == 0                ? "hours"
                                                             : "minutes";
        d.escalate = minutes / (d.escalate_unit == "days" ? 1440 : d.escalate_unit == "hours" ? 60 : 1);
        d.type = Text(r, "type");
        d.priority = Text(r, "priority");
        d.message = Text(r, "message");
        d.notify_owner = r.value("notify_owner", true);
        d.users = JoinNames(r.value("users", nlohmann::json::array()));
        d.roles = JoinNames(r.value("roles", nlohmann::json::array()));
        if (r.contains("channels") && r["channels"].is_array()) {
            d.channels.clear();
            for (const nlohmann::json& c : r["channels"])
                if (c.is_string()) d.channels.push_back(c.get<std::string>());
        }
        d.active = r.value("active", true);
        return d;
    }

    nlohmann::json Args() const {
        const int per = escalate_unit == "days" ? 1440 : escalate_unit == "hours" ? 60 : 1;
        nlohmann::json a = {{"name", name},
                            {"object", object},
                            {"date_field", date_field},
                            {"offset", offset},
                            {"unit", unit},
                            {"direction", direction},
                            {"repeat_every", repeat_every},
                            {"repeat_unit", repeat_unit},
                            {"repeat_count", repeat_count},
                            {"until", until},
                            {"escalate_after_minutes", escalate * per},
                            {"type", type},
                            {"priority", priority},
                            {"message", message},
                            {"notify_owner", notify_owner},
                            {"users", SplitNames(users)},
                            {"roles", SplitNames(roles)},
                            {"channels", channels},
                            {"active", active}};
        a["at"] = at.empty() ? nlohmann::json() : nlohmann::json(at);
        if (id > 0) a["id"] = id;
        return a;
    }

    nlohmann::json State() const {
        nlohmann::json s = Args();
        s["id"] = id;
        s["users"] = users;
        s["roles"] = roles;
        return s;
    }
};

/// "1 day before Close Date at 09:00" of a rule's JSON.
std::string WhenText(const nlohmann::json& r) {
    const std::string at = Text(r, "at");
    std::string text = Tr("ntf.rem.when", {{"offset", std::to_string(r.value("offset", 0))},
                                           {"unit", UnitLabel(Text(r, "unit"))},
                                           {"direction", Tr("ntf.rem.direction." + Text(r, "direction"))},
                                           {"field", Text(r, "date_field")}});
    if (!at.empty()) text += " " + Tr("ntf.rem.when_at", {{"at", at}});
    return text;
}

std::string RepeatText(const nlohmann::json& r) {
    const int every = r.value("repeat_every", 0);
    if (every <= 0) return Tr("ntf.rem.once");
    std::string text =
        Tr("ntf.rem.every", {{"n", std::to_string(every)}, {"unit", UnitLabel(Text(r, "repeat_unit"))}});
    const int count = r.value("repeat_count", 0);
    if (count > 0) text += " " + Tr("ntf.rem.times", {{"count", std::to_string(count)}});
    if (!Text(r, "until").empty()) text += std::string(" ") + Tr("ntf.rem.until_short");
    return text;
}

std::string EscalationText(const nlohmann::json& r) {
    const int minutes = r.value("escalate_after_minutes", 0);
    if (minutes <= 0) return "-";
    return Tr("ntf.rem.escalate_after", {{"minutes", std::to_string(minutes)}});
}

class RemindersPanel : public NotifyPanel {
public:
    explicit RemindersPanel(const NotifyServices& services) : workspace_(services.workspace) {}
    void Draw(const PageContext& ctx) override;
    nlohmann::json State() const override;

private:
    void Reload(bool force);
    void Edit(const Draft& draft);
    void Save();
    void Delete();
    void LoadRecords();
    void LoadOccurrences();
    void DrawTable(const PageContext& ctx, float width);
    void DrawEditor(const PageContext& ctx, float width);
    void DrawOccurrences(const PageContext& ctx, float width);
    std::vector<const nlohmann::json*> ShownRules() const;

    Workspace& workspace_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_viewer_;
    nlohmann::json rules_ = nlohmann::json::array();
    std::string load_error_;
    std::vector<ObjectChoice> objects_;
    TypeList types_;

    // The table.
    std::string object_filter_;
    std::string filter_;
    int sort_column_ = 0;
    bool sort_desc_ = false;

    // The editor.
    bool editing_ = false;
    Draft draft_;
    std::vector<FieldChoice> date_fields_;
    std::string date_fields_for_ = "?";
    FormErrors errors_;
    Note message_;
    bool message_error_ = false;
    bool confirm_open_ = false;
    bool confirming_ = false;

    // The occurrences of one record.
    std::string records_for_ = "?";
    std::vector<std::pair<int64_t, std::string>> records_;
    std::string record_filter_;
    int64_t record_id_ = 0;
    nlohmann::json fired_ = nlohmann::json::array();
    nlohmann::json pending_ = nlohmann::json::array();
    std::string occurrences_error_;
};

void RemindersPanel::Reload(bool force) {
    if (!force && loaded_change_ == workspace_.change_count() && loaded_viewer_ == ActingUser()) return;
    loaded_change_ = workspace_.change_count();
    loaded_viewer_ = ActingUser();
    const nlohmann::json answer = RunCommand(workspace_, "reminders.list", nlohmann::json::object());
    if (!answer.value("ok", false)) {
        load_error_ = AnswerError(answer);
        rules_ = nlohmann::json::array();
    } else {
        load_error_.clear();
        rules_ = answer["result"].value("reminders", nlohmann::json::array());
    }
    objects_ = ReadableObjects(workspace_);
    types_ = LoadTypes(workspace_, nullptr);
    date_fields_for_ = "?";
    records_for_ = "?";
    if (record_id_ > 0) LoadOccurrences();
}

void RemindersPanel::Edit(const Draft& draft) {
    draft_ = draft;
    editing_ = true;
    errors_.clear();
    message_.clear();
    date_fields_for_ = "?";
    fired_ = nlohmann::json::array();
    pending_ = nlohmann::json::array();
    occurrences_error_.clear();
    if (records_for_ != draft_.object) record_id_ = 0;
    if (record_id_ > 0) LoadOccurrences();
}

void RemindersPanel::Save() {
    errors_.clear();
    const nlohmann::json answer = RunCommand(workspace_, "reminders.save", draft_.Args());
    if (!answer.value("ok", false)) {
        const nlohmann::json& error = answer.contains("error") ? answer["error"] : answer;
        // The error goes beside the part it names (a part without its own row: under the buttons).
        std::string key = Text(error, "field");
        if (key == "escalate_after_minutes") key = "escalate";
        if (key == "repeat_every" || key == "repeat_count" || key == "repeat_unit") key = "repeat";
        if (key == "unit" || key == "direction") key = "offset";
        static const char* const kRows[] = {"name",    "object", "date_field", "offset",   "at",
                                            "repeat",  "until",  "escalate",   "type",     "priority",
                                            "message", "users",  "roles",      "channels", "active"};
        const bool has_row = std::find(std::begin(kRows), std::end(kRows), key) != std::end(kRows);
        errors_[has_row ? key : ""] = AnswerError(answer);
        message_ = has_row ? Tr("ntf.rem.not_saved") : AnswerError(answer);
        message_error_ = true;
        return;
    }
    const nlohmann::json saved =
        answer["result"].contains("reminder") ? answer["result"]["reminder"] : answer["result"];
    draft_ = Draft::FromJson(saved);
    message_ = Tr("ntf.rem.saved", {{"name", draft_.name}});
    message_error_ = false;
    Reload(true);
}

void RemindersPanel::Delete() {
    const nlohmann::json answer = RunCommand(workspace_, "reminders.delete", {{"id", draft_.id}});
    message_error_ = !answer.value("ok", false);
    if (message_error_) {
        message_ = AnswerError(answer);
        return;
    }
    message_ = Tr("ntf.rem.deleted", {{"name", draft_.name}});
    editing_ = false;
    draft_ = Draft();
    Reload(true);
}

void RemindersPanel::LoadRecords() {
    if (records_for_ == draft_.object) return;
    records_for_ = draft_.object;
    records_.clear();
    if (draft_.object.empty()) return;
    const nlohmann::json answer =
        RunCommand(workspace_, "records.list",
                   {{"object", draft_.object}, {"sort_field", "Id"}, {"sort_desc", true}, {"limit", 200}});
    if (!answer.value("ok", false)) return;
    for (const nlohmann::json& row : answer["result"].value("rows", nlohmann::json::array())) {
        if (!row.is_object() || !row.contains("Id") || !row["Id"].is_number_integer()) continue;
        const int64_t id = row["Id"].get<int64_t>();
        records_.push_back({id, RecordLabel(workspace_, draft_.object, id)});
    }
}

void RemindersPanel::LoadOccurrences() {
    fired_ = nlohmann::json::array();
    pending_ = nlohmann::json::array();
    nlohmann::json args = {{"object", draft_.object}, {"id", record_id_}, {"limit", 50}};
    const nlohmann::json answer = RunCommand(workspace_, "reminders.occurrences", args);
    if (!answer.value("ok", false)) {
        occurrences_error_ = AnswerError(answer);
        return;
    }
    occurrences_error_.clear();
    fired_ = answer["result"].value("fired", nlohmann::json::array());
    pending_ = answer["result"].value("pending", nlohmann::json::array());
}

std::vector<const nlohmann::json*> RemindersPanel::ShownRules() const {
    std::vector<const nlohmann::json*> rows;
    const std::string needle = LowerAscii(filter_);
    for (const nlohmann::json& r : rules_) {
        if (!object_filter_.empty() && Text(r, "object") != object_filter_) continue;
        if (!MatchesFilter(needle,
                           {Text(r, "name"), Text(r, "object"), Text(r, "date_field"), Text(r, "until")}))
            continue;
        rows.push_back(&r);
    }
    const auto key = [this](const nlohmann::json* r) -> std::string {
        char buf[32];
        switch (sort_column_) {
            case 1:
                return Text(*r, "object") + "\n" + Text(*r, "name");
            case 2: {
                const std::string unit = Text(*r, "unit");
                const int per = unit == "days" ? 1440 : unit == "hours" ? 60 : 1;
                const int signed_minutes =
                    (Text(*r, "direction") == "before" ? -1 : 1) * r->value("offset", 0) * per;
                std::snprintf(buf, sizeof buf, "%012d", signed_minutes + 100000000);
                return buf;
            }
            case 3:
                std::snprintf(buf, sizeof buf, "%08d", r->value("repeat_every", 0));
                return buf;
            case 4:
                std::snprintf(buf, sizeof buf, "%08d", r->value("escalate_after_minutes", 0));
                return buf;
            case 5:
                return r->value("active", true) ? "1" : "0";
            default:
                return LowerAscii(Text(*r, "name"));
        }
    };
    SortRowsBy(&rows, sort_desc_, key);
    return rows;
}

void RemindersPanel::DrawTable(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    DataCardBegin(width);
    SectionHeading(ctx, "ntf.rem.list_title");
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr("ntf.rem.object"));
    ImGui::SameLine();
    std::vector<std::string> object_keys = {""};
    for (const ObjectChoice& o : objects_) object_keys.push_back(o.api_name);
    KeyCombo(
        "notify.reminders.object_filter", object_keys,
        [this](const std::string& k) {
            if (k.empty()) return std::string(Tr("ntf.any"));
            for (const ObjectChoice& o : objects_)
                if (o.api_name == k) return o.label();
            return k;
        },
        &object_filter_, 180.0f * s);
    ImGui::SameLine(0.0f, 12.0f * s);
    TableFilter("notify.reminders.filter", Tr("ntf.rem.filter_hint"), &filter_, 220.0f * s);
    ImGui::SameLine(0.0f, 12.0f * s);
    // notify.reminders.* need Manage Notifications (their registry entries).
    const PermissionGuard guard(workspace_.access(), SystemPermission::ManageNotifications,
                                "notify.reminders");
    if (PrimaryButton(Tr("ntf.rem.new"), guard.allowed())) {
        Draft d;
        d.object = object_filter_.empty() ? "Opportunity" : object_filter_;
        Edit(d);
    }
    MarkItem("notify.reminders.new");
    guard.ReasonOnHover();
    guard.Notice();
    if (guard.allowed()) NoticeLine("notify.reminders.load_error", load_error_, true);
    const std::vector<const nlohmann::json*> rows = ShownRules();
    nlohmann::json shown = nlohmann::json::array();
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_Sortable;
    if (ImGui::BeginTable("notify.reminders.table", static_cast<int>(kColumns.size()), flags,
                          ImVec2(CardInnerWidth(), 0.0f))) {
        const float weights[] = {2.0f, 1.0f, 2.4f, 1.6f, 1.2f, 0.6f};
        for (size_t i = 0; i < kColumns.size(); ++i)
            ImGui::TableSetupColumn(Tr("ntf.rem.col." + kColumns[i]),
                                    i == 0 ? ImGuiTableColumnFlags_DefaultSort : ImGuiTableColumnFlags_None,
                                    weights[i]);
        TakeSortSpecs(&sort_column_, &sort_desc_);
        TableHeadersRowMarked("notify.reminders", kColumns);
        for (const nlohmann::json* r : rows) {
            const int64_t id = r->value("id", int64_t{0});
            shown.push_back(id);
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::PushID(static_cast<int>(id));
            if (ImGui::Selectable(Text(*r, "name").c_str(), editing_ && draft_.id == id,
                                  ImGuiSelectableFlags_SpanAllColumns))
                Edit(Draft::FromJson(*r));
            MarkRow("notify.reminders.row." + std::to_string(id));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(Text(*r, "object").c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(WhenText(*r).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(RepeatText(*r).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(EscalationText(*r).c_str());
            ImGui::TableNextColumn();
            const bool active = r->value("active", true);
            TextColored(active ? CurrentPalette().success : CurrentPalette().text_muted,
                        Tr(active ? "ntf.rem.yes" : "ntf.rem.no"), false);
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    if (rows.empty()) TextMuted(Tr(rules_.empty() ? "ntf.rem.none" : "ntf.rem.none_match"), false);
    PublishForm("notify.reminders.rows", std::move(shown));
    DataCardEnd();
}

void RemindersPanel::DrawEditor(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    if (date_fields_for_ != draft_.object) {
        date_fields_for_ = draft_.object;
        date_fields_.clear();
        for (const FieldChoice& f : ReadableFields(workspace_, draft_.object))
            if (f.type == "date" || f.type == "datetime") date_fields_.push_back(f);
        if (!date_fields_.empty() &&
            std::none_of(date_fields_.begin(), date_fields_.end(),
                         [this](const FieldChoice& f) { return f.api_name == draft_.date_field; }))
            draft_.date_field = date_fields_.front().api_name;
    }
    DataCardBegin(width);
    ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(draft_.id > 0 ? Tr("ntf.rem.edit_title", {{"name", draft_.name}}).c_str()
                                         : Tr("ntf.rem.new_title"));
    ImGui::PopFont();
    PermissionGuard guard(workspace_.access(), SystemPermission::ManageNotifications,
                          "notify.reminders.editor");
    guard.Notice();
    guard.Begin();
    const float field_w = std::min(320.0f * s, CardInnerWidth() * 0.45f);
    const float small_w = 90.0f * s;
    const auto text_row = [&](const char* label, const char* key, std::string* value, const char* hint) {
        const std::string hook = std::string("notify.reminders.") + key;
        FormRow(label, hook + ".error", field_w, errors_, key, [&] {
            InputString(("##" + hook).c_str(), value, 0, hint ? Tr(hint) : nullptr);
            MarkItem(hook);
        });
        PublishForm(hook, *value);
    };
    const auto int_input = [&](const std::string& hook, int* value, int lo, int hi) {
        ImGui::SetNextItemWidth(small_w);
        if (ImGui::InputInt(("##" + hook).c_str(), value, 0, 0)) *value = std::clamp(*value, lo, hi);
        MarkItem(hook);
        PublishForm(hook, *value);
    };
    const auto combo = [&](const std::string& hook, const std::vector<std::string>& keys, std::string* value,
                           const std::function<std::string(const std::string&)>& label, float w) {
        KeyCombo(hook, keys, label, value, w);
        PublishForm(hook, *value);
    };

    text_row("ntf.rem.name", "name", &draft_.name, nullptr);
    FormRow("ntf.rem.object", "notify.reminders.object.error", field_w, errors_, "object", [&] {
        if (ObjectCombo("##notify.reminders.object", objects_, &draft_.object, "notify.reminders.object")) {
            draft_.type.clear();
            record_id_ = 0;
        }
    });
    PublishForm("notify.reminders.object", draft_.object);
    FormRow("ntf.rem.date_field", "notify.reminders.date_field.error", field_w, errors_, "date_field", [&] {
        std::vector<std::string> keys;
        for (const FieldChoice& f : date_fields_) keys.push_back(f.api_name);
        combo(
            "notify.reminders.date_field", keys, &draft_.date_field,
            [this](const std::string& k) {
                for (const FieldChoice& f : date_fields_)
                    if (f.api_name == k) return f.label();
                return k;
            },
            field_w);
    });
    FormRow("ntf.rem.offset", "notify.reminders.offset.error", field_w, errors_, "offset", [&] {
        int_input("notify.reminders.offset", &draft_.offset, 0, 100000);
        ImGui::SameLine();
        combo("notify.reminders.unit", kUnits, &draft_.unit, UnitLabel, 110.0f * s);
        ImGui::SameLine();
        combo(
            "notify.reminders.direction", kDirections, &draft_.direction,
            [](const std::string& k) { return std::string(Tr("ntf.rem.direction." + k)); }, 100.0f * s);
    });
    text_row("ntf.rem.at", "at", &draft_.at, "ntf.rem.at_hint");
    FormRow("ntf.rem.repeat", "notify.reminders.repeat.error", field_w, errors_, "repeat", [&] {
        int_input("notify.reminders.repeat_every", &draft_.repeat_every, 0, 100000);
        ImGui::SameLine();
        combo("notify.reminders.repeat_unit", kRepeatUnits, &draft_.repeat_unit, UnitLabel, 110.0f * s);
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(Tr("ntf.rem.repeat_count"));
        ImGui::SameLine();
        int_input("notify.reminders.repeat_count", &draft_.repeat_count, 0, 100000);
    });
    text_row("ntf.rem.until", "until", &draft_.until, "ntf.rem.until_hint");
    FormRow("ntf.rem.escalate", "notify.reminders.escalate.error", field_w, errors_, "escalate", [&] {
        int_input("notify.reminders.escalate", &draft_.escalate, 0, 100000);
        ImGui::SameLine();
        combo("notify.reminders.escalate_unit", kUnits, &draft_.escalate_unit, UnitLabel, 110.0f * s);
        ImGui::SameLine();
        TextMuted(Tr("ntf.rem.escalate_hint"), false);
    });
    FormRow("ntf.rem.type", "notify.reminders.type.error", field_w, errors_, "type", [&] {
        std::vector<std::string> keys = {""};
        for (const TypeInfo& t : types_.types)
            if (t.object.empty() || t.object == draft_.object) keys.push_back(t.code);
        combo(
            "notify.reminders.type", keys, &draft_.type,
            [this](const std::string& k) {
                if (k.empty()) return std::string(Tr("ntf.rem.type_default"));
                for (const TypeInfo& t : types_.types)
                    if (t.code == k) return TypeLabel(t);
                return k;
            },
            field_w);
    });
    FormRow("ntf.rem.priority", "notify.reminders.priority.error", field_w, errors_, "priority", [&] {
        combo(
            "notify.reminders.priority", kPriorities, &draft_.priority,
            [](const std::string& k) {
                return std::string(Tr(k.empty() ? "ntf.rem.priority_type" : "ntf.rem.priority." + k));
            },
            field_w);
    });
    text_row("ntf.rem.message", "message", &draft_.message, nullptr);
    FormRow("ntf.rem.recipients", "notify.reminders.notify_owner.error", field_w, errors_, "notify_owner",
            [&] {
                ImGui::Checkbox(Label("ntf.rem.notify_owner").c_str(), &draft_.notify_owner);
                MarkItem("notify.reminders.notify_owner");
            });
    PublishForm("notify.reminders.notify_owner", draft_.notify_owner);
    text_row("ntf.rem.users", "users", &draft_.users, "ntf.rem.names_hint");
    text_row("ntf.rem.roles", "roles", &draft_.roles, "ntf.rem.names_hint");
    FormRow("ntf.rem.channels", "notify.reminders.channels.error", field_w, errors_, "channels", [&] {
        // One box per channel, kept in the channels' documented order.
        std::vector<std::string> chosen;
        for (const std::string& c : NotificationChannels()) {
            bool on = std::find(draft_.channels.begin(), draft_.channels.end(), c) != draft_.channels.end();
            if (c != NotificationChannels().front()) ImGui::SameLine();
            ImGui::Checkbox((std::string(Tr("ntf.channel." + c)) + "##notify.reminders.channel." + c).c_str(),
                            &on);
            MarkItem("notify.reminders.channel." + c);
            if (on) chosen.push_back(c);
        }
        draft_.channels = std::move(chosen);
        TextMuted(Tr("ntf.rem.channels_hint"), false);
    });
    PublishForm("notify.reminders.channels", draft_.channels);
    FormRow("ntf.rem.active", "notify.reminders.active.error", field_w, errors_, "active", [&] {
        ImGui::Checkbox("##notify.reminders.active", &draft_.active);
        MarkItem("notify.reminders.active");
    });
    PublishForm("notify.reminders.active", draft_.active);

    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
    if (PrimaryButton(Tr("ntf.rem.save"), guard.allowed())) Save();
    MarkItem("notify.reminders.save");
    guard.ReasonOnHover();
    guard.End();
    ImGui::SameLine();
    if (SecondaryButton(Tr("ntf.rem.cancel"))) {
        editing_ = false;
        errors_.clear();
        message_.clear();
    }
    MarkItem("notify.reminders.cancel");
    if (draft_.id > 0) {
        ImGui::SameLine(0.0f, 24.0f * s);
        ImGui::PushStyleColor(ImGuiCol_Text, CurrentPalette().danger);
        if (SecondaryButton(Tr("ntf.rem.delete"), guard.allowed())) {
            confirm_open_ = true;
            confirming_ = true;
        }
        ImGui::PopStyleColor();
        MarkItem("notify.reminders.delete");
        guard.ReasonOnHover();
    }
    NoticeLine("notify.reminders.notice", message_, message_error_);
    DataCardEnd();

    if (BeginDialog("notify.reminders.confirm", Tr("ntf.rem.confirm_title"), 480.0f, &confirm_open_, ctx)) {
        ImGui::TextWrapped("%s", Tr("ntf.rem.confirm_text", {{"name", draft_.name}}).c_str());
        ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
        const int clicked = ButtonRow({{"ntf.rem.cancel", "notify.reminders.confirm.cancel"},
                                       {"ntf.rem.delete", "notify.reminders.confirm.ok"}},
                                      -1, 1);
        if (clicked == 1) {
            confirming_ = false;
            ImGui::CloseCurrentPopup();
            Delete();
        } else if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
            confirming_ = false;
            ImGui::CloseCurrentPopup();
        }
        EndDialog();
    } else if (!confirm_open_) {
        confirming_ = false;
    }
}

void RemindersPanel::DrawOccurrences(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    LoadRecords();
    DataCardBegin(width);
    SectionHeading(ctx, "ntf.rem.occurrences_title");
    TextMuted(Tr("ntf.rem.occurrences_intro", {{"object", draft_.object}}), false);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr("ntf.rem.record"));
    ImGui::SameLine();
    int selected = -1;
    for (size_t i = 0; i < records_.size(); ++i)
        if (records_[i].first == record_id_) selected = static_cast<int>(i);
    FilterComboItems items;
    items.count = static_cast<int>(records_.size());
    items.label = [this](int i) { return records_[static_cast<size_t>(i)].second; };
    items.key = [this](int i) { return std::to_string(records_[static_cast<size_t>(i)].first); };
    items.matches = [this](int i, const std::string& f) {
        return MatchesFilter(f, {records_[static_cast<size_t>(i)].second});
    };
    ImGui::SetNextItemWidth(300.0f * s);
    const std::string preview = selected >= 0 ? records_[static_cast<size_t>(selected)].second
                                              : std::string(Tr("ntf.rem.pick_record"));
    if (FilterCombo("##notify.occurrences.record", preview, items, &selected, &record_filter_,
                    "notify.occurrences.record", 300.0f * s) &&
        selected >= 0) {
        record_id_ = records_[static_cast<size_t>(selected)].first;
        LoadOccurrences();
    }
    MarkItem("notify.occurrences.record");
    ImGui::SameLine();
    if (SecondaryButton(Tr("ntf.rem.refresh"), record_id_ > 0)) LoadOccurrences();
    MarkItem("notify.occurrences.refresh");
    if (record_id_ <= 0) {
        DataCardEnd();
        return;
    }
    NoticeLine("notify.occurrences.error", occurrences_error_, true);
    ImGui::TextUnformatted(Tr("ntf.rem.upcoming"));
    if (pending_.empty()) TextMuted(Tr("ntf.rem.nothing_waits"), false);
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    const auto rule_name = [this](int64_t id) {
        for (const nlohmann::json& r : rules_)
            if (r.value("id", int64_t{0}) == id) return Text(r, "name");
        return std::to_string(id);
    };
    if (!pending_.empty() &&
        ImGui::BeginTable("notify.reminders.pending", 3, flags, ImVec2(CardInnerWidth(), 0))) {
        ImGui::TableSetupColumn(Tr("ntf.rem.col.due"), 0, 1.2f);
        ImGui::TableSetupColumn(Tr("ntf.rem.col.kind"), 0, 1.0f);
        ImGui::TableSetupColumn(Tr("ntf.rem.col.rule"), 0, 2.0f);
        ImGui::TableHeadersRow();
        for (const nlohmann::json& p : pending_) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(CompanyTimeText(workspace_, p.value("due_ms", int64_t{0})).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(Tr("ntf.rem.kind." + Text(p, "kind")));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(p.contains("rule_id") ? rule_name(p.value("rule_id", int64_t{0})).c_str()
                                                         : "-");
        }
        ImGui::EndTable();
    }
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
    ImGui::TextUnformatted(Tr("ntf.rem.fired"));
    if (fired_.empty()) TextMuted(Tr("ntf.rem.nothing_fired"), false);
    if (!fired_.empty() &&
        ImGui::BeginTable("notify.reminders.fired", 5, flags, ImVec2(CardInnerWidth(), 0))) {
        ImGui::TableSetupColumn(Tr("ntf.rem.col.fired"), 0, 1.2f);
        ImGui::TableSetupColumn(Tr("ntf.rem.col.kind"), 0, 0.8f);
        ImGui::TableSetupColumn(Tr("ntf.rem.col.rule"), 0, 1.6f);
        ImGui::TableSetupColumn(Tr("ntf.rem.col.recipients"), 0, 0.6f);
        ImGui::TableSetupColumn(Tr("ntf.rem.col.note"), 0, 1.6f);
        ImGui::TableHeadersRow();
        for (const nlohmann::json& f : fired_) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(Text(f, "fired").c_str());
            if (f.value("ran_late", false)) {
                ImGui::SameLine();
                TextMuted(Tr("ntf.rem.late"), false);
            }
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(Tr("ntf.rem.kind." + Text(f, "kind")));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(rule_name(f.value("rule_id", int64_t{0})).c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%d", f.value("recipients", 0));
            ImGui::TableNextColumn();
            TextMuted(Text(f, "note"), false);
        }
        ImGui::EndTable();
    }
    DataCardEnd();
}

void RemindersPanel::Draw(const PageContext& ctx) {
    Reload(false);
    const float s = ctx.scale;
    const float width = std::min(1100.0f * s, ImGui::GetContentRegionAvail().x - 12.0f * s);
    TextMuted(Tr("ntf.rem.intro"));
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
    DrawTable(ctx, width);
    if (!editing_) {
        NoticeLine("notify.reminders.notice", message_, message_error_);
        return;
    }
    ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
    DrawEditor(ctx, width);
    ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
    DrawOccurrences(ctx, width);
}

nlohmann::json RemindersPanel::State() const {
    nlohmann::json rules = nlohmann::json::array();
    for (const nlohmann::json& r : rules_)
        rules.push_back({{"id", r.value("id", 0)},
                         {"name", Text(r, "name")},
                         {"object", Text(r, "object")},
                         {"date_field", Text(r, "date_field")},
                         {"offset", r.value("offset", 0)},
                         {"unit", Text(r, "unit")},
                         {"direction", Text(r, "direction")},
                         {"active", r.value("active", true)}});
    nlohmann::json errors = nlohmann::json::object();
    for (const auto& [key, text] : errors_) errors[key] = text;
    return {{"rules", rules},
            {"filter", {{"object", object_filter_}, {"text", filter_}}},
            {"sort",
             {{"column", kColumns[static_cast<size_t>(std::clamp<int>(sort_column_, 0, 5))]},
              {"descending", sort_desc_}}},
            {"editing", editing_},
            {"draft", editing_ ? draft_.State() : nlohmann::json()},
            {"errors", errors},
            {"message", message_},
            {"message_error", message_error_},
            {"confirming", confirming_},
            {"record", record_id_},
            {"fired", fired_},
            {"pending", pending_},
            {"load_error", load_error_}};
}

}  // namespace

std::unique_ptr<NotifyPanel> MakeNotifyRemindersPanel(const NotifyServices& services) {
    return std::make_unique<RemindersPanel>(services);
}

}  // namespace crm::ui
