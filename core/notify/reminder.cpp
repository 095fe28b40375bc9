// Reminder rules: their JSON form, the checks when saved, storage (migration 22), the area's messages, and
// how the service attaches to a workspace. The schedule (times, hooks, handlers) is reminder_schedule.cpp.
#include "notify/reminder.h"

#include <algorithm>

#include "access/access.h"
#include "attached_service.h"
#include "audit/change.h"
#include "common/messages.h"
#include "common/text.h"
#include "notify/notify.h"
#include "notify/reminder_internal.h"
#include "schema/schema.h"
#include "storage/database.h"
#include "workflow/automation.h"
#include "workspace.h"

namespace crm {

namespace {

const MessageDef kMessages[] = {
    {"reminders.name", "A reminder needs a name.", "提醒需要名称。"},
    {"reminders.name_taken", "There is already a reminder named {name}.", "已有名为 {name} 的提醒。"},
    {"reminders.not_found", "There is no reminder {id}.", "没有提醒 {id}。"},
    {"reminders.unknown_object", "There is no object {object}.", "没有对象 {object}。"},
    {"reminders.date_field", "{field} is not a date or date-time field of {object}.",
     "{field} 不是 {object} 的日期或日期时间字段。"},
    {"reminders.unit", "The unit is \"minutes\", \"hours\" or \"days\".",
     "单位为 \"minutes\"、\"hours\" 或 \"days\"。"},
    {"reminders.offset", "The offset {offset} {unit} is out of range: 0 to {max}.",
     "偏移量 {offset} {unit} 超出范围：0 到 {max}。"},
    {"reminders.at", "A time of day (HH:MM) goes with an offset in days.",
     "一天中的时间（HH:MM）须配合以天为单位的偏移量。"},
    {"reminders.repeat_unit", "A repeat is every N \"hours\" or \"days\".",
     "重复间隔单位为 \"hours\" 或 \"days\"。"},
    {"reminders.repeat_range", "A repeat is every 1 to {max} {unit}, at most {count} times.",
     "重复间隔为 1 到 {max} {unit}，最多 {count} 次。"},
    {"reminders.repeat_end",
     "A repeating reminder needs an end: a number of times or an \"until\" condition.",
     "重复提醒需要结束条件：次数或“直到”条件。"},
    {"reminders.until", "The until condition, at position {position}: {detail}",
     "“直到”条件第 {position} 个字符处：{detail}"},
    {"reminders.until_path",
     "The until condition reads {field} through a lookup; it may read only {object}'s own fields.",
     "“直到”条件通过查找字段读取 {field}；只能读取 {object} 自身的字段。"},
    {"reminders.escalation_needs_until",
     "Escalation needs an \"until\" condition: it says when the record is done.",
     "升级需要“直到”条件：它说明记录何时完成。"},
    {"reminders.escalate_range", "Escalation comes 1 minute to 30 days after the reminder.",
     "升级在提醒后 1 分钟到 30 天之间。"},
    {"reminders.unknown_type", "There is no notification type {type}.", "没有通知类型 {type}。"},
    {"reminders.needs_type", "Say which notification type the reminder sends.", "请指定提醒发送的通知类型。"},
    {"reminders.priority", "Priority is \"\", \"normal\" or \"urgent\".",
     "优先级为 \"\"、\"normal\" 或 \"urgent\"。"},
    {"reminders.unknown_user", "There is no user {username}.", "没有用户 {username}。"},
    {"reminders.unknown_role", "There is no role {role}.", "没有角色 {role}。"},
    {"reminders.nobody", "The reminder tells nobody: notify the owner, or name users or roles.",
     "提醒没有接收人：请通知负责人，或指定用户或角色。"},
    {"reminders.unknown_channel", "{channel} is not a channel: in_app, popup, email or sms.",
     "{channel} 不是渠道：只能是 in_app、popup、email 或 sms。"},
    {"reminders.no_channel", "A reminder goes out on at least one channel: in_app, popup, email or sms.",
     "提醒至少需要一个渠道：in_app、popup、email 或 sms。"},
    {"reminders.snooze_minutes", "Snooze for 1 minute to 7 days.", "暂停 1 分钟到 7 天。"},
    {"reminders.not_your_notification", "Notification {id} is not in your inbox.",
     "通知 {id} 不在您的收件箱中。"},
    {"reminders.not_your_occurrence", "Reminder occurrence {id} did not reach your inbox.",
     "提醒 {id} 没有发到您的收件箱。"},
    {"reminders.snooze_what", "Say which inbox entry (notification) or reminder occurrence to snooze.",
     "请指定要暂停的收件箱通知或提醒。"},
    {"reminders.not_a_reminder", "Notification {id} did not come from a reminder.",
     "通知 {id} 不是由提醒产生的。"},
};
CRM_REGISTER_MESSAGES(kMessages);

constexpr int kMaxOffset[] = {525'600, 8'760, 3'650};  // minutes, hours, days: a year, a year, ten years
constexpr int kMaxRepeatHours = 8'760, kMaxRepeatDays = 365, kMaxRepeatCount = 1'000;

int UnitIndex(const std::string& unit) {
    return unit == "minutes" ? 0 : unit == "hours" ? 1 : unit == "days" ? 2 : -1;
}

std::string Hm(int minute) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
    return buf;
}

std::optional<int> ParseHm(const std::string& text) {
    int h = 0, m = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%d:%d%c", &h, &m, &tail) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
        return std::nullopt;
    return h * 60 + m;
}

Error InvalidArgument(const std::string& field, const std::string& message) {
    return MakeError("invalid_argument", message, field);
}

std::string Trim(const std::string& text) {
    const size_t b = text.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    return text.substr(b, text.find_last_not_of(" \t\r\n") - b + 1);
}

bool Exists(Database& db, const char* sql, const std::string& name) {
    Statement st = db.Prepare(sql);
    st.Bind(1, name);
    return st.Step();
}

}  // namespace

nlohmann::json ToJson(const ReminderRule& r) {
    return {{"id", r.id},
            {"name", r.name},
            {"object", r.object},
            {"date_field", r.date_field},
            {"offset", r.offset},
            {"unit", r.unit},
            {"direction", r.before ? "before" : "after"},
            {"at", r.at_minute >= 0 ? nlohmann::json(Hm(r.at_minute)) : nlohmann::json(nullptr)},
            {"repeat_every", r.repeat_every},
            {"repeat_unit", r.repeat_unit},
            {"repeat_count", r.repeat_count},
            {"until", r.until},
            {"type", r.type},
            {"priority", r.priority},
            {"message", r.message},
            {"notify_owner", r.notify_owner},
            {"users", r.users},
            {"roles", r.roles},
            {"escalate_after_minutes", r.escalate_after_minutes},
            {"channels", r.channels},
            {"active", r.active}};
}

Result<ReminderRule> ReminderRuleFromJson(const nlohmann::json& j, ReminderRule r) {
    if (!j.is_object()) return MakeError("invalid_argument", "A reminder is a JSON object.");
    auto str = [&](const char* key, std::string& out) -> Status {
        if (!j.contains(key)) return Status::Ok();
        if (!j[key].is_string())
            return InvalidArgument(key, std::string("\"") + key + "\" must be a string.");
        out = j[key].get<std::string>();
        return Status::Ok();
    };
    auto integer = [&](const char* key, int& out) -> Status {
        if (!j.contains(key)) return Status::Ok();
        if (!j[key].is_number_integer())
            return InvalidArgument(key, std::string("\"") + key + "\" must be a whole number.");
        const int64_t v = j[key].get<int64_t>();
        out =
            static_cast<int>(std::max<int64_t>(-(int64_t{1} << 30), std::min<int64_t>(v, int64_t{1} << 30)));
        return Status::Ok();
    };
    auto boolean = [&](const char* key, bool& out) -> Status {
        if (!j.contains(key)) return Status::Ok();
        if (!j[key].is_boolean())
            return InvalidArgument(key, std::string("\"") + key + "\" must be true or false.");
        out = j[key].get<bool>();
        return Status::Ok();
    };
    auto strings = [&](const char* key, std::vector<std::string>& out) -> Status {
        if (!j.contains(key)) return Status::Ok();
        if (!j[key].is_array())
            return InvalidArgument(key, std::string("\"") + key + "\" must be a list of names.");
        out.clear();
        for (const nlohmann::json& v : j[key]) {
            if (!v.is_string())
                return InvalidArgument(key, std::string("\"") + key + "\" must be a list of names.");
            out.push_back(v.get<std::string>());
        }
        return Status::Ok();
    };
    CRM_TRY(str("name", r.name));
    CRM_TRY(str("object", r.object));
    CRM_TRY(str("date_field", r.date_field));
    CRM_TRY(integer("offset", r.offset));
    CRM_TRY(str("unit", r.unit));
    if (j.contains("direction")) {
        std::string d;
        CRM_TRY(str("direction", d));
        if (d != "before" && d != "after")
            return InvalidArgument("direction", "\"direction\" is \"before\" or \"after\".");
        r.before = d == "before";
    }
    if (j.contains("at")) {
        if (j["at"].is_null()) {
            r.at_minute = -1;
        } else {
            std::string at;
            CRM_TRY(str("at", at));
            std::optional<int> m = ParseHm(at);
            if (!m) return MessageError("invalid_argument", "reminders.at", {}, "at");
            r.at_minute = *m;
        }
    }
    CRM_TRY(integer("repeat_every", r.repeat_every));
    CRM_TRY(str("repeat_unit", r.repeat_unit));
    CRM_TRY(integer("repeat_count", r.repeat_count));
    CRM_TRY(str("until", r.until));
    CRM_TRY(str("type", r.type));
    CRM_TRY(str("priority", r.priority));
    CRM_TRY(str("message", r.message));
    CRM_TRY(boolean("notify_owner", r.notify_owner));
    CRM_TRY(strings("users", r.users));
    CRM_TRY(strings("roles", r.roles));
    CRM_TRY(integer("escalate_after_minutes", r.escalate_after_minutes));
    CRM_TRY(strings("channels", r.channels));
    CRM_TRY(boolean("active", r.active));
    return r;
}

nlohmann::json ToJson(const ReminderOccurrence& o) {
    nlohmann::json j = {{"id", o.id},
                        {"rule_id", o.rule_id},
                        {"object", o.object},
                        {"record_id", o.record_id},
                        {"kind", o.kind},
                        {"seq", o.seq},
                        {"due", FormatUtcIso8601(o.due_ms)},
                        {"fired", FormatUtcIso8601(o.fired_ms)},
                        {"ran_late", o.late},
                        {"event_id", o.event_id},
                        {"recipients", o.recipients}};
    if (!o.note.empty()) j["note"] = o.note;
    return j;
}

// [SECTION] Checks

Result<std::shared_ptr<const ReminderService::Impl::Compiled>> ReminderService::Impl::Compile(
    const ReminderRule& in) const {
    ReminderRule r = in;
    r.name = Trim(r.name);
    if (r.name.empty()) return MessageError("invalid_argument", "reminders.name", {}, "name");
    Result<std::shared_ptr<const ObjectDef>> o = ws.schema().Object(r.object);
    if (!o.ok())
        return MessageError("not_found", "reminders.unknown_object", {{"object", r.object}}, "object");
    auto c = std::make_shared<Compiled>();
    c->def = *o;
    r.object = c->def->api_name;
    const FieldDef* f = c->def->Field(r.date_field);
    if (!f || f->state != FieldState::Active ||
        (f->type != FieldType::Date && f->type != FieldType::DateTime))
        return MessageError("invalid_argument", "reminders.date_field",
                            {{"field", r.date_field}, {"object", r.object}}, "date_field");
    r.date_field = f->api_name;
    c->date_index = static_cast<int>(f - c->def->fields.data());
    const int unit = UnitIndex(r.unit);
    if (unit < 0) return MessageError("invalid_argument", "reminders.unit", {}, "unit");
    if (r.offset < 0 || r.offset > kMaxOffset[unit])
        return MessageError("invalid_argument", "reminders.offset",
                            {{"offset", std::to_string(r.offset)},
                             {"unit", r.unit},
                             {"max", std::to_string(kMaxOffset[unit])}},
                            "offset");
    if (r.at_minute >= 0 && r.unit != "days")
        return MessageError("invalid_argument", "reminders.at", {}, "at");
    if (r.repeat_unit != "hours" && r.repeat_unit != "days")
        return MessageError("invalid_argument", "reminders.repeat_unit", {}, "repeat_unit");
    const int max_every = r.repeat_unit == "hours" ? kMaxRepeatHours : kMaxRepeatDays;
    if (r.repeat_every < 0 || r.repeat_every > max_every || r.repeat_count < 0 ||
        r.repeat_count > kMaxRepeatCount)
        return MessageError("invalid_argument", "reminders.repeat_range",
                            {{"max", std::to_string(max_every)},
                             {"unit", r.repeat_unit},
                             {"count", std::to_string(kMaxRepeatCount)}},
                            "repeat_every");
    if (r.repeat_every > 0 && r.repeat_count == 0 && Trim(r.until).empty())
        return MessageError("invalid_argument", "reminders.repeat_end", {}, "repeat_count");
    r.until = Trim(r.until);
    if (!r.until.empty()) {
        ObjectResolver resolver(*c->def, ws.schema().Objects(), false);
        formula::CompileOptions options;
        options.expected_result = formula::ValueType::Boolean;
        Result<formula::CompiledFormula> u = formula::Compile(r.until, resolver, options);
        if (!u.ok()) {
            Error e = MessageError(
                "invalid_argument", "reminders.until",
                {{"position", std::to_string(u.error().position)}, {"detail", u.error().message}}, "until");
            e.position = u.error().position;
            e.line = u.error().line;
            return e;
        }
        for (const formula::FieldInfo& fi : u->fields()) {
            if (fi.index < 0 || fi.index >= ObjectResolver::kPathIndexBase) {
                return MessageError("invalid_argument", "reminders.until_path",
                                    {{"field", fi.name}, {"object", r.object}}, "until");
            }
            c->until_fields.push_back(fi.index);
        }
        c->until = std::move(*u);
    }
    if (r.escalate_after_minutes != 0) {
        if (r.escalate_after_minutes < 1 || r.escalate_after_minutes > 30 * 24 * 60)
            return MessageError("invalid_argument", "reminders.escalate_range", {}, "escalate_after_minutes");
        if (r.until.empty())
            return MessageError("invalid_argument", "reminders.escalation_needs_until", {}, "until");
    }
    if (r.type.empty()) r.type = DefaultType(r.object);
    if (r.type.empty()) return MessageError("invalid_argument", "reminders.needs_type", {}, "type");
    if (!NotifyOf(ws).GetType(r.type).ok())
        return MessageError("not_found", "reminders.unknown_type", {{"type", r.type}}, "type");
    if (!r.priority.empty() && r.priority != "normal" && r.priority != "urgent")
        return MessageError("invalid_argument", "reminders.priority", {}, "priority");
    for (const std::string& u : r.users)
        if (!Exists(ws.db(), "SELECT 1 FROM access_user WHERE username = ?1", u))
            return MessageError("not_found", "reminders.unknown_user", {{"username", u}}, "users");
    for (const std::string& role : r.roles)
        if (!Exists(ws.db(), "SELECT 1 FROM access_role WHERE name = ?1", role))
            return MessageError("not_found", "reminders.unknown_role", {{"role", role}}, "roles");
    if (!r.notify_owner && r.users.empty() && r.roles.empty())
        return MessageError("invalid_argument", "reminders.nobody", {}, "users");
    // The channels in their documented order, once each.
    std::vector<std::string> channels;
    for (const std::string& ch : r.channels) {
        const std::vector<std::string>& all = NotificationChannels();
        if (std::find(all.begin(), all.end(), ch) == all.end())
            return MessageError("invalid_argument", "reminders.unknown_channel", {{"channel", ch}},
                                "channels");
    }
    for (const std::string& ch : NotificationChannels())
        if (std::find(r.channels.begin(), r.channels.end(), ch) != r.channels.end()) channels.push_back(ch);
    if (channels.empty()) return MessageError("invalid_argument", "reminders.no_channel", {}, "channels");
    r.channels = std::move(channels);
    c->rule = std::move(r);
    return std::shared_ptr<const Compiled>(c);
}

std::string ReminderService::Impl::DefaultType(const std::string& object) {
    if (ToLowerAscii(object) == "task") return "task_due";
    if (ToLowerAscii(object) == "opportunity") return "close_date_approaching";
    return "";
}

// [SECTION] Rules

std::vector<ReminderRule> ReminderService::Impl::Load(const std::string& object) const {
    Statement st = ws.db().Prepare(
        object.empty() ? "SELECT id, spec FROM reminder_rules ORDER BY object, name"
                       : "SELECT id, spec FROM reminder_rules WHERE object = ?1 ORDER BY name");
    if (!object.empty()) st.Bind(1, object);
    std::vector<ReminderRule> out;
    while (st.Step()) {
        nlohmann::json spec = nlohmann::json::parse(st.Text(1), nullptr, false);
        Result<ReminderRule> r = ReminderRuleFromJson(spec.is_discarded() ? nlohmann::json::object() : spec);
        if (!r.ok()) continue;
        r->id = st.Int(0);
        out.push_back(std::move(*r));
    }
    return out;
}

std::vector<ReminderRule> ReminderService::Rules(const std::string& object) const {
    return impl_->Load(object);
}

Result<ReminderRule> ReminderService::Get(int64_t id) const {
    Statement st = impl_->ws.db().Prepare("SELECT spec FROM reminder_rules WHERE id = ?1");
    st.Bind(1, id);
    if (!st.Step())
        return MessageError("not_found", "reminders.not_found", {{"id", std::to_string(id)}}, "id");
    nlohmann::json spec = nlohmann::json::parse(st.Text(0), nullptr, false);
    Result<ReminderRule> r = ReminderRuleFromJson(spec.is_discarded() ? nlohmann::json::object() : spec);
    if (!r.ok()) return r;
    r->id = id;
    return r;
}

Result<ReminderRule> ReminderService::Save(const std::string& actor, const ReminderRule& rule) {
    CRM_TRY(AccessAuthorizer(impl_->ws)(actor, SystemPermission::ManageNotifications));
    std::optional<ReminderRule> old;
    if (rule.id != 0) {
        Result<ReminderRule> o = Get(rule.id);
        if (!o.ok()) return o.error();
        old = *o;
    }
    Result<std::shared_ptr<const Impl::Compiled>> c = impl_->Compile(rule);
    if (!c.ok()) return c.error();
    ReminderRule r = (*c)->rule;
    r.id = rule.id;
    Database& db = impl_->ws.db();
    {
        Statement st = db.Prepare("SELECT id FROM reminder_rules WHERE name = ?1 AND id <> ?2");
        st.Bind(1, r.name).Bind(2, r.id);
        if (st.Step()) return MessageError("conflict", "reminders.name_taken", {{"name", r.name}}, "name");
    }
    ChangeScope scope(impl_->ws.changes(), actor);
    CRM_TRY(scope.begin_status());
    nlohmann::json spec = ToJson(r);
    spec.erase("id");
    if (r.id == 0) {
        Statement st = db.Prepare(
            "INSERT INTO reminder_rules(name, object, spec, active, updated_ms) VALUES(?1, ?2, ?3, ?4, ?5)");
        st.Bind(1, r.name)
            .Bind(2, r.object)
            .Bind(3, spec.dump())
            .Bind(4, r.active ? 1 : 0)
            .Bind(5, scope.now_ms());
        CRM_TRY(st.Run());
        r.id = db.LastInsertRowId();
    } else {
        Statement st = db.Prepare(
            "UPDATE reminder_rules SET name = ?2, object = ?3, spec = ?4, active = ?5, updated_ms = ?6 WHERE "
            "id = ?1");
        st.Bind(1, r.id)
            .Bind(2, r.name)
            .Bind(3, r.object)
            .Bind(4, spec.dump())
            .Bind(5, r.active ? 1 : 0)
            .Bind(6, scope.now_ms());
        CRM_TRY(st.Run());
    }
    CRM_TRY(scope.Audit(kRemindersAuditArea, old ? "reminder.update" : "reminder.create", r.name,
                        old ? ToJson(*old) : nlohmann::json(), ToJson(r)));
    impl_->Invalidate();
    if (old && ToLowerAscii(old->object) != ToLowerAscii(r.object))
        CRM_TRY(impl_->Reschedule(scope, old->object, nullptr));
    CRM_TRY(impl_->Reschedule(scope, r.object, &r));
    scope.Record(kRemindersArea, r.object, old ? ChangeAction::Update : ChangeAction::Create, r.id);
    Status committed = scope.Commit();
    impl_->Invalidate();
    if (!committed.ok()) return committed.error();
    return r;
}

Status ReminderService::Delete(const std::string& actor, int64_t id) {
    CRM_TRY(AccessAuthorizer(impl_->ws)(actor, SystemPermission::ManageNotifications));
    Result<ReminderRule> old = Get(id);
    if (!old.ok()) return old.error();
    ChangeScope scope(impl_->ws.changes(), actor);
    CRM_TRY(scope.begin_status());
    Database& db = impl_->ws.db();
    for (const char* sql :
         {"DELETE FROM reminder_rules WHERE id = ?1", "DELETE FROM reminder_state WHERE rule_id = ?1"}) {
        Statement st = db.Prepare(sql);
        st.Bind(1, id);
        CRM_TRY(st.Run());
    }
    CRM_TRY(impl_->ws.automation().scheduler().CancelRule(scope, kEscalationKind, id));
    impl_->Invalidate();
    CRM_TRY(impl_->Reschedule(scope, old->object, nullptr));
    CRM_TRY(scope.Audit(kRemindersAuditArea, "reminder.delete", old->name, ToJson(*old), nlohmann::json()));
    scope.Record(kRemindersArea, old->object, ChangeAction::Delete, id);
    Status committed = scope.Commit();
    impl_->Invalidate();
    return committed;
}

// [SECTION] Attaching to the workspace

ReminderService::Impl::Impl(Workspace& w) : ws(w), statements(w.db()) {}

ReminderService::ReminderService(Workspace& ws) : impl_(std::make_unique<Impl>(ws)) {}
ReminderService::~ReminderService() = default;

ReminderService& RemindersOf(Workspace& ws) {
    return AttachedService<ReminderService>(ws, [&ws] {
        auto service = std::make_shared<ReminderService>(ws);
        service->Attach();
        return service;
    });
}

const char* RemindersMigrationSql() {
    return R"sql(
CREATE TABLE reminder_rules (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    object TEXT NOT NULL COLLATE NOCASE,
    spec TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX reminder_rules_object ON reminder_rules(object);
CREATE TABLE reminder_state (
    rule_id INTEGER NOT NULL,
    record_id INTEGER NOT NULL,
    object TEXT NOT NULL COLLATE NOCASE,
    anchor_ms INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (rule_id, record_id)
) WITHOUT ROWID;
CREATE INDEX reminder_state_record ON reminder_state(object, record_id);
CREATE TABLE reminder_occurrences (
    id INTEGER PRIMARY KEY,
    rule_id INTEGER NOT NULL,
    object TEXT NOT NULL COLLATE NOCASE,
    record_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    seq INTEGER NOT NULL,
    due_ms INTEGER NOT NULL,
    fired_ms INTEGER NOT NULL,
    late INTEGER NOT NULL DEFAULT 0,
    event_id INTEGER NOT NULL DEFAULT 0,
    recipients INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    first_notification INTEGER NOT NULL DEFAULT 0,
    last_notification INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX reminder_occurrences_record ON reminder_occurrences(object, record_id);
CREATE INDEX reminder_occurrences_rule ON reminder_occurrences(rule_id);
CREATE INDEX reminder_occurrences_notification ON reminder_occurrences(last_notification);
CREATE TABLE reminder_snoozes (
    id INTEGER PRIMARY KEY,
    occurrence_id INTEGER NOT NULL,
    username TEXT NOT NULL COLLATE NOCASE,
    notification_id INTEGER NOT NULL,
    due_ms INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
);
)sql";
}

}  // namespace crm
