// Notification types, the migration, the area's messages, and how the service attaches to a workspace.
#include <algorithm>

#include "access/access.h"
#include "attached_service.h"
#include "audit/change.h"
#include "common/messages.h"
#include "common/text.h"
#include "company/company_profile.h"
#include "notify/dispatch.h"
#include "notify/notify_internal.h"
#include "notify/outbox.h"
#include "schema/schema.h"
#include "storage/database.h"
#include "workflow/automation.h"
#include "workflow/notifications.h"
#include "workspace.h"

namespace crm {

namespace {

const MessageDef kMessages[] = {
    {"notify.unknown_type", "There is no notification type {type}.", "没有通知类型 {type}。"},
    {"notify.type_code",
     "A custom type's code starts with \"custom_\" and has only lower-case letters, digits and _ (up to 64).",
     "自定义类型的代码以 \"custom_\" 开头，只含小写字母、数字和 _（最多 64 个）。"},
    {"notify.type_label", "A notification type needs a label.", "通知类型需要名称。"},
    {"notify.builtin_type", "{type} is built in and cannot be deleted.", "{type} 是内置类型，不能删除。"},
    {"notify.priority", "Priority is \"normal\" or \"urgent\".", "优先级为 \"normal\" 或 \"urgent\"。"},
    {"notify.language", "Language is \"en\" or \"zh-CN\".", "语言为 \"en\" 或 \"zh-CN\"。"},
    {"notify.unknown_channel", "{channel} is not a channel: in_app, popup, email or sms.",
     "{channel} 不是渠道：只能是 in_app、popup、email 或 sms。"},
    {"notify.no_channel", "Name at least one channel: in_app, popup, email or sms.",
     "请至少指定一个渠道：in_app、popup、email 或 sms。"},
    {"notify.channel", "Channel is \"in_app\", \"popup\", \"email\" or \"sms\".",
     "渠道为 \"in_app\"、\"popup\"、\"email\" 或 \"sms\"。"},
    {"notify.frequency", "Frequency is \"immediately\", \"hourly\" or \"daily\".",
     "频率为 \"immediately\"、\"hourly\" 或 \"daily\"。"},
    {"notify.minute", "A time of day is between 00:00 and 23:59.", "时间须在 00:00 到 23:59 之间。"},
    {"notify.unknown_object", "There is no object {object}.", "没有对象 {object}。"},
    {"notify.unknown_field",
     "Merge field \"{field}\" at position {position} of the {part} is unknown; use {known}.",
     "{part} 第 {position} 个字符处的合并字段 \"{field}\" 未知；可用 {known}。"},
    {"notify.unclosed_field", "The merge field opened at position {position} of the {part} is not closed.",
     "{part} 第 {position} 个字符处的合并字段没有结束。"},
    {"notify.formula_error", "The formula at position {position} of the {part}: {detail}",
     "{part} 第 {position} 个字符处的公式：{detail}"},
    {"notify.formula_needs_object",
     "The formula at position {position} of the {part} needs a type with an object.",
     "{part} 第 {position} 个字符处的公式需要通知类型指定对象。"},
    {"notify.template_subject", "A template needs a subject.", "模板需要主题。"},
    {"notify.unknown_template", "There is no {language} template for {type}.",
     "{type} 没有 {language} 模板。"},
    {"notify.pref_locked", "The administrator locked {channel} for {type}; it cannot be changed.",
     "管理员已锁定 {type} 的 {channel}，不能更改。"},
    {"notify.unknown_user", "There is no user {username}.", "没有用户 {username}。"},
    {"notify.unknown_role", "There is no role {role}.", "没有角色 {role}。"},
    {"notify.not_yours", "Only {username} or an administrator with Manage Notifications may change this.",
     "只有 {username} 或拥有“管理通知”权限的管理员可以更改。"},
    {"notify.no_email", "{username} has no email address.", "{username} 没有电子邮件地址。"},
    {"notify.user_bad_phone", "{username}'s phone number \"{phone}\" is not E.164 (+ and up to 15 digits).",
     "{username} 的电话号码 \"{phone}\" 不是 E.164 格式（+ 加最多 15 位数字）。"},
    {"notify.no_phone", "{username} has no phone number.", "{username} 没有电话号码。"},
};
CRM_REGISTER_MESSAGES(kMessages);

struct Builtin {
    const char* code;
    const char* label;
    const char* label_zh;
    const char* object;
    const char* priority;
};
const Builtin kBuiltins[] = {
    {"record_assigned", "Record assigned to you", "记录已分配给您", "", "normal"},
    {"approval_requested", "Approval requested of you", "请您审批", "", "normal"},
    {"approval_decided", "Your approval request decided", "您的审批请求已处理", "", "normal"},
    {"task_due", "Task due", "任务到期", "", "normal"},
    {"close_date_approaching", "Opportunity close date approaching", "商机结束日期临近", "Opportunity",
     "normal"},
    {"case_escalated", "Case escalated", "个案已升级", "Case", "urgent"},
    {"report_ready", "Scheduled report ready", "计划报表已就绪", "", "normal"},
    {"import_finished", "Import finished", "导入已完成", "", "normal"},
    {"backup_finished", "Backup finished", "备份已完成", "", "normal"},
    {"permissions_changed", "Your permissions changed", "您的权限已更改", "", "urgent"},
};

bool ValidCustomCode(const std::string& code) {
    if (code.size() < 8 || code.size() > 64 || code.compare(0, 7, "custom_") != 0) return false;
    return std::all_of(code.begin(), code.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

NotificationType ReadType(Statement& st) {
    NotificationType t;
    t.code = st.Text(0);
    t.label = st.Text(1);
    t.label_zh = st.Text(2);
    t.object = st.Text(3);
    t.priority = st.Text(4);
    t.builtin = st.Int(5) != 0;
    return t;
}

}  // namespace

const char* NotifyMigrationSql() {
    static const std::string sql = [] {
        std::string s = R"sql(
CREATE TABLE notify_types (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    label_zh TEXT NOT NULL DEFAULT '',
    object TEXT NOT NULL DEFAULT '',
    priority TEXT NOT NULL CHECK (priority IN ('normal', 'urgent')),
    builtin INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE notify_templates (
    type TEXT NOT NULL REFERENCES notify_types(code) ON DELETE CASCADE,
    language TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL DEFAULT '',
    html_body TEXT NOT NULL DEFAULT '',
    short_text TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (type, language)
) WITHOUT ROWID;
CREATE TABLE notify_org_prefs (
    type TEXT NOT NULL REFERENCES notify_types(code) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    locked INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (type, channel)
) WITHOUT ROWID;
CREATE TABLE notify_user_prefs (
    username TEXT NOT NULL COLLATE NOCASE,
    type TEXT NOT NULL REFERENCES notify_types(code) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    PRIMARY KEY (username, type, channel)
) WITHOUT ROWID;
CREATE TABLE notify_user_channels (
    username TEXT NOT NULL COLLATE NOCASE,
    channel TEXT NOT NULL,
    frequency TEXT NOT NULL CHECK (frequency IN ('immediately', 'hourly', 'daily')),
    daily_minute INTEGER NOT NULL DEFAULT 480,
    PRIMARY KEY (username, channel)
) WITHOUT ROWID;
CREATE TABLE notify_quiet_hours (
    username TEXT PRIMARY KEY COLLATE NOCASE,
    start_minute INTEGER NOT NULL,
    end_minute INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE notify_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    object TEXT NOT NULL DEFAULT '',
    record_id INTEGER NOT NULL DEFAULT 0,
    actor TEXT NOT NULL DEFAULT '',
    at_ms INTEGER NOT NULL,
    recipients INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE notify_skips (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL,
    username TEXT NOT NULL,
    channel TEXT NOT NULL,
    reason TEXT NOT NULL,
    at_ms INTEGER NOT NULL
);
ALTER TABLE notifications ADD COLUMN type TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal';
ALTER TABLE notifications ADD COLUMN popup INTEGER NOT NULL DEFAULT 0;
)sql";
        for (const Builtin& b : kBuiltins)
            s += std::string(
                     "INSERT INTO notify_types(code, label, label_zh, object, priority, builtin) VALUES('") +
                 b.code + "', '" + b.label + "', '" + b.label_zh + "', '" + b.object + "', '" + b.priority +
                 "', 1);\n";
        return s;
    }();
    return sql.c_str();
}

const std::vector<std::string>& BuiltinNotificationTypes() {
    static const std::vector<std::string> codes = [] {
        std::vector<std::string> v;
        for (const Builtin& b : kBuiltins) v.push_back(b.code);
        return v;
    }();
    return codes;
}

const std::vector<std::string>& NotificationChannels() {
    static const std::vector<std::string> channels = {"in_app", "popup", "email", "sms"};
    return channels;
}

nlohmann::json ToJson(const NotificationType& t) {
    return {{"code", t.code},     {"label", t.label},       {"label_zh", t.label_zh},
            {"object", t.object}, {"priority", t.priority}, {"builtin", t.builtin}};
}

Database& NotifyService::Impl::db() const { return changes.db(); }

NotifyService::NotifyService(Changes& changes, SchemaService& schema, RecordService& records,
                             AccessService& access, CompanyService& company, NotificationService& inbox)
    : impl_(std::make_unique<Impl>(Impl{changes, schema, records, access, company, inbox})) {}

NotifyService::~NotifyService() = default;

Status NotifyService::Require(const std::string& actor) const {
    return authorizer_ ? authorizer_(actor, SystemPermission::ManageNotifications) : Status::Ok();
}

Status NotifyService::RequireSelfOrAdmin(const std::string& actor, const std::string& user) const {
    if (Result<User> u = impl_->access.GetUser(user); !u.ok())
        return MessageError("not_found", "notify.unknown_user", {{"username", user}}, "user");
    if (ToLowerAscii(actor) == ToLowerAscii(user)) return Status::Ok();
    if (!authorizer_ || authorizer_(actor, SystemPermission::ManageNotifications).ok()) return Status::Ok();
    return MessageError("access.denied", "notify.not_yours", {{"username", user}}, "user");
}

std::vector<NotificationType> NotifyService::Types() const {
    Statement st = impl_->db().Prepare(
        "SELECT code, label, label_zh, object, priority, builtin FROM notify_types ORDER BY builtin DESC, "
        "rowid");
    std::vector<NotificationType> out;
    while (st.Step()) out.push_back(ReadType(st));
    return out;
}

Result<NotificationType> NotifyService::GetType(const std::string& code) const {
    Statement st = impl_->db().Prepare(
        "SELECT code, label, label_zh, object, priority, builtin FROM notify_types WHERE code = ?1");
    st.Bind(1, code);
    if (!st.Step()) return MessageError("not_found", "notify.unknown_type", {{"type", code}}, "type");
    return ReadType(st);
}

Result<NotificationType> NotifyService::SaveType(const std::string& actor, const NotificationType& type) {
    CRM_TRY(Require(actor));
    NotificationType t = type;
    Result<NotificationType> old = GetType(t.code);
    if (old.ok() && old->builtin) {
        t.builtin = true;
        t.object = old->object;
    } else if (!ValidCustomCode(t.code)) {
        return MessageError("invalid_argument", "notify.type_code", {}, "code");
    }
    if (t.label.empty()) return MessageError("invalid_argument", "notify.type_label", {}, "label");
    if (t.priority != "normal" && t.priority != "urgent")
        return MessageError("invalid_argument", "notify.priority", {}, "priority");
    if (!t.object.empty()) {
        Result<std::shared_ptr<const ObjectDef>> o = impl_->schema.Object(t.object);
        if (!o.ok())
            return MessageError("not_found", "notify.unknown_object", {{"object", t.object}}, "object");
        t.object = (*o)->api_name;
    }
    ChangeScope scope(impl_->changes, actor);
    CRM_TRY(scope.begin_status());
    Statement st = impl_->db().Prepare(
        "INSERT INTO notify_types(code, label, label_zh, object, priority, builtin) VALUES(?1, ?2, ?3, ?4, "
        "?5, ?6) "
        "ON CONFLICT(code) DO UPDATE SET label = ?2, label_zh = ?3, object = ?4, priority = ?5");
    st.Bind(1, t.code)
        .Bind(2, t.label)
        .Bind(3, t.label_zh)
        .Bind(4, t.object)
        .Bind(5, t.priority)
        .Bind(6, t.builtin ? 1 : 0);
    CRM_TRY(st.Run());
    CRM_TRY(scope.Audit(kNotifyArea, old.ok() ? "type.update" : "type.create", t.code,
                        old.ok() ? ToJson(*old) : nlohmann::json(), ToJson(t)));
    scope.Record(kNotifyArea, "", old.ok() ? ChangeAction::Update : ChangeAction::Create);
    CRM_TRY(scope.Commit());
    return t;
}

Status NotifyService::DeleteType(const std::string& actor, const std::string& code) {
    CRM_TRY(Require(actor));
    Result<NotificationType> old = GetType(code);
    if (!old.ok()) return old.error();
    if (old->builtin)
        return MessageError("invalid_argument", "notify.builtin_type", {{"type", code}}, "code");
    ChangeScope scope(impl_->changes, actor);
    CRM_TRY(scope.begin_status());
    for (const char* table : {"notify_templates", "notify_org_prefs", "notify_user_prefs", "notify_types"}) {
        Statement st = impl_->db().Prepare(
            std::string("DELETE FROM ") + table +
            (std::string(table) == "notify_types" ? " WHERE code = ?1" : " WHERE type = ?1"));
        st.Bind(1, code);
        CRM_TRY(st.Run());
    }
    CRM_TRY(scope.Audit(kNotifyArea, "type.delete", code, ToJson(*old), nlohmann::json()));
    scope.Record(kNotifyArea, "", ChangeAction::Delete);
    return scope.Commit();
}

// [SECTION] Attaching to the workspace

NotifyService& NotifyOf(Workspace& ws) {
    return AttachedService<NotifyService>(ws, [&ws] {
        auto service = std::make_shared<NotifyService>(ws.changes(), ws.schema(), ws.records(), ws.access(),
                                                       ws.company(), ws.automation().notifications());
        // Email and SMS go to the one message outbox (core/notify/outbox.h), inside the change that notified.
        MessageOutbox* outbox = &ws.delivery().outbox();
        service->SetSink([outbox](ChangeScope& scope, const QueuedMessage& message) -> Status {
            Result<int64_t> queued = outbox->Enqueue(scope, message);
            return queued.ok() ? Status::Ok() : Status(queued.error());
        });
        service->SetAuthorizer(AccessAuthorizer(ws));
        return service;
    });
}

}  // namespace crm
