// Automation rules: their JSON form, their checks against the schema, storage (migration 7) and the
// fields they use.
#include "workflow/automation.h"

#include <algorithm>
#include <set>

#include "common/messages.h"
#include "common/text.h"
#include "workflow/automation_internal.h"

namespace crm {

using nlohmann::json;

namespace {

const MessageDef kMessages[] = {
    {"workflow.duplicate_rule", "{object} already has an automation rule named {name}.",
     "{object} 已有名为 {name} 的自动化规则。"},
    {"workflow.unknown_rule", "{object} has no automation rule named {name}.",
     "{object} 没有名为 {name} 的自动化规则。"},
    {"workflow.rule_name", "An automation rule needs a name of at most 80 characters.",
     "自动化规则需要名称（最多 80 个字符）。"},
    {"workflow.bad_json", "{what} must be {form}.", "{what} 必须是 {form}。"},
    {"workflow.unknown_key", "An automation rule has no part {key}.", "自动化规则没有 {key} 这一项。"},
    {"workflow.unknown_trigger",
     "The trigger {kind} is not one of on_create, on_update, on_field_change, on_delete, time.",
     "触发器 {kind} 不是 on_create、on_update、on_field_change、on_delete、time 之一。"},
    {"workflow.trigger_fields", "A \"when fields change\" trigger names at least one field.",
     "“字段变化时”触发器至少要指定一个字段。"},
    {"workflow.unknown_field", "{object} has no field {field} (automation rule {rule}).",
     "{object} 没有字段 {field}（自动化规则 {rule}）。"},
    {"workflow.not_a_date_field", "{field} is not a date or date-time field: a time trigger counts from one.",
     "{field} 不是日期或日期时间字段：时间触发器需要以此类字段为基准。"},
    {"workflow.bad_unit", "The unit {unit} is not minutes, hours or days.",
     "单位 {unit} 不是 minutes、hours 或 days。"},
    {"workflow.offset_out_of_range", "The offset {offset} {unit} is out of range: 0 to {max}.",
     "偏移量 {offset} {unit} 超出范围：0 到 {max}。"},
    {"workflow.bad_time_of_day",
     "{at} is not a time of day HH:MM; a time of day goes with an offset in days.",
     "{at} 不是 HH:MM 格式的时间；指定时间只能与以天为单位的偏移量一起使用。"},
    {"workflow.bad_condition", "The condition of automation rule {rule} is not valid: {message}",
     "自动化规则 {rule} 的条件无效：{message}"},
    {"workflow.no_actions", "Automation rule {rule} has no actions.", "自动化规则 {rule} 没有任何操作。"},
    {"workflow.unknown_action",
     "Action {n}: {kind} is not one of update_field, create_task, assign_owner, notify, webhook.",
     "操作 {n}：{kind} 不是 update_field、create_task、assign_owner、notify、webhook 之一。"},
    {"workflow.field_not_settable",
     "Action {n}: {field} cannot be set by a rule (unknown, formula or auto-number).",
     "操作 {n}：规则不能设置 {field}（未知字段、公式字段或自动编号字段）。"},
    {"workflow.bad_value", "Action {n}: the value for {field} is not valid: {message}",
     "操作 {n}：{field} 的值无效：{message}"},
    {"workflow.value_type", "Action {n}: the value for {field} is {got}; the field needs {want}.",
     "操作 {n}：{field} 的值类型为 {got}；该字段需要 {want}。"},
    {"workflow.action_on_delete", "Action {n}: a rule on delete cannot update fields or assign the owner.",
     "操作 {n}：删除时触发的规则不能更新字段或分配所有人。"},
    {"workflow.task_subject", "Action {n}: a task needs a subject.", "操作 {n}：任务需要主题。"},
    {"workflow.bad_priority", "Action {n}: {priority} is not a task priority.",
     "操作 {n}：{priority} 不是任务优先级。"},
    {"workflow.unknown_user", "Action {n}: there is no active user {username}.",
     "操作 {n}：没有启用的用户 {username}。"},
    {"workflow.bad_recipient",
     "Action {n}: notify {to} is not one of user, owner, owner_manager, role, team.",
     "操作 {n}：通知对象 {to} 不是 user、owner、owner_manager、role、team 之一。"},
    {"workflow.unknown_role", "Action {n}: there is no role {name}.", "操作 {n}：没有角色 {name}。"},
    {"workflow.unknown_team", "Action {n}: there is no team {name}.", "操作 {n}：没有团队 {name}。"},
    {"workflow.bad_webhook_url", "Action {n}: {url} is not an http or https URL.",
     "操作 {n}：{url} 不是 http 或 https 网址。"},
    {"workflow.bad_method", "Action {n}: a webhook is called with POST, PUT or PATCH, not {method}.",
     "操作 {n}：Webhook 只能用 POST、PUT 或 PATCH 调用，不能用 {method}。"},
    {"workflow.bad_retention", "The log is kept 1 to 3650 days, not {days}.",
     "日志保留天数为 1 到 3650 天，不能是 {days}。"},
};
CRM_REGISTER_MESSAGES(kMessages);

Error JsonError(const std::string& what, const char* form) {
    return MessageError("invalid_argument", "workflow.bad_json", {{"what", what}, {"form", form}}, what);
}

bool Same(std::string_view a, std::string_view b) { return ToLowerAscii(a) == ToLowerAscii(b); }

struct TriggerName {
    TriggerKind kind;
    const char* name;
};
constexpr TriggerName kTriggers[] = {{TriggerKind::OnCreate, "on_create"},
                                     {TriggerKind::OnUpdate, "on_update"},
                                     {TriggerKind::OnFieldChange, "on_field_change"},
                                     {TriggerKind::OnDelete, "on_delete"},
                                     {TriggerKind::Time, "time"}};
struct ActionName {
    ActionKind kind;
    const char* name;
};
constexpr ActionName kActions[] = {{ActionKind::UpdateField, "update_field"},
                                   {ActionKind::CreateTask, "create_task"},
                                   {ActionKind::AssignOwner, "assign_owner"},
                                   {ActionKind::Notify, "notify"},
                                   {ActionKind::Webhook, "webhook"}};

// Typed reads of a JSON object's members; a wrong type is an error naming the member.
struct Reader {
    const json& j;
    std::string prefix;
    Status status;
    void Str(const char* key, std::string& out) {
        if (!status.ok() || !j.contains(key)) return;
        if (!j[key].is_string()) {
            status = JsonError(prefix + key, "a text");
            return;
        }
        out = j[key].get<std::string>();
    }
    void Bool(const char* key, bool& out) {
        if (!status.ok() || !j.contains(key)) return;
        if (!j[key].is_boolean()) {
            status = JsonError(prefix + key, "true or false");
            return;
        }
        out = j[key].get<bool>();
    }
    void Int(const char* key, int& out) {
        if (!status.ok() || !j.contains(key)) return;
        if (!j[key].is_number_integer() || j[key].get<int64_t>() < -(1 << 30) ||
            j[key].get<int64_t>() > (1 << 30)) {
            status = JsonError(prefix + key, "a whole number");
            return;
        }
        out = static_cast<int>(j[key].get<int64_t>());
    }
};

Result<AutomationAction> ActionFromJson(const json& j, size_t n) {
    const std::string prefix = "actions[" + std::to_string(n) + "].";
    if (!j.is_object()) return JsonError("actions[" + std::to_string(n) + "]", "an object {kind, ...}");
    AutomationAction a;
    std::string kind;
    Reader r{j, prefix, Status::Ok()};
    r.Str("kind", kind);
    r.Str("field", a.field);
    if (j.contains("value") && !j["value"].is_string()) {
        // A plain JSON value is written as the formula literal it stands for.
        const json& v = j["value"];
        if (v.is_boolean()) {
            a.value = v.get<bool>() ? "TRUE" : "FALSE";
        } else if (v.is_number()) {
            a.value = v.dump();
        } else if (v.is_null()) {
            a.value = "NULL";
        } else {
            return JsonError(prefix + "value", "a formula text, a number, true, false or null");
        }
    } else {
        r.Str("value", a.value);
    }
    r.Str("subject", a.subject);
    r.Int("due_in_days", a.due_in_days);
    r.Str("priority", a.priority);
    r.Str("assign_to", a.assign_to);
    r.Str("user", a.user);
    r.Bool("through_rules", a.through_rules);
    r.Str("to", a.to);
    r.Str("name", a.name);
    r.Str("title", a.title);
    r.Str("body", a.body);
    r.Str("url", a.url);
    r.Str("method", a.method);
    if (!r.status.ok()) return r.status.error();
    bool found = false;
    for (const ActionName& k : kActions) {
        if (kind == k.name) {
            a.kind = k.kind;
            found = true;
        }
    }
    if (!found)
        return MessageError("workflow.unknown_action", "workflow.unknown_action",
                            {{"n", std::to_string(n + 1)}, {"kind", kind}}, prefix + "kind");
    return a;
}

json ActionJson(const AutomationAction& a) {
    json j = {{"kind", ActionKindName(a.kind)}};
    switch (a.kind) {
        case ActionKind::UpdateField:
            j["field"] = a.field;
            j["value"] = a.value;
            break;
        case ActionKind::CreateTask:
            j["subject"] = a.subject;
            if (a.due_in_days >= 0) j["due_in_days"] = a.due_in_days;
            if (!a.priority.empty()) j["priority"] = a.priority;
            j["assign_to"] = a.assign_to;
            break;
        case ActionKind::AssignOwner:
            if (a.through_rules) {
                j["through_rules"] = true;
            } else {
                j["user"] = a.user;
            }
            break;
        case ActionKind::Notify:
            j["to"] = a.to;
            if (!a.name.empty()) j["name"] = a.name;
            j["title"] = a.title;
            j["body"] = a.body;
            break;
        case ActionKind::Webhook:
            j["url"] = a.url;
            j["method"] = a.method;
            break;
    }
    return j;
}

/// Minutes, hours, days: the largest offset of each (a year of minutes, a year of hours, ten years).
int MaxOffset(const std::string& unit) { return unit == "minutes" ? 525600 : unit == "hours" ? 8760 : 3650; }

Error ActionError(const char* id, size_t n, MessageParams params, const std::string& field) {
    params.insert(params.begin(), {"n", std::to_string(n + 1)});
    return MessageError("workflow.bad_action", id, std::move(params),
                        "actions[" + std::to_string(n) + "]." + field);
}

}  // namespace

const char* TriggerKindName(TriggerKind kind) {
    for (const TriggerName& t : kTriggers)
        if (t.kind == kind) return t.name;
    return "on_create";
}

const char* ActionKindName(ActionKind kind) {
    for (const ActionName& a : kActions)
        if (a.kind == kind) return a.name;
    return "update_field";
}

int ParseTimeOfDay(const std::string& text) {
    if (text.size() != 5 || text[2] != ':') return -1;
    for (size_t i : {0u, 1u, 3u, 4u})
        if (text[i] < '0' || text[i] > '9') return -1;
    const int h = (text[0] - '0') * 10 + (text[1] - '0');
    const int m = (text[3] - '0') * 10 + (text[4] - '0');
    if (h > 23 || m > 59) return -1;
    return h * 60 + m;
}

std::string FormatTimeOfDay(int minutes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
    return buf;
}

json ToJson(const AutomationRule& rule) {
    json trigger = {{"kind", TriggerKindName(rule.trigger.kind)}};
    if (rule.trigger.kind == TriggerKind::OnFieldChange) trigger["fields"] = rule.trigger.fields;
    if (rule.trigger.kind == TriggerKind::Time) {
        trigger["field"] = rule.trigger.date_field;
        trigger["offset"] = rule.trigger.offset;
        trigger["unit"] = rule.trigger.unit;
        trigger["direction"] = rule.trigger.before ? "before" : "after";
        if (rule.trigger.at_minute >= 0) trigger["at"] = FormatTimeOfDay(rule.trigger.at_minute);
        trigger["business_hours"] = rule.trigger.business_hours;
    }
    json actions = json::array();
    for (const AutomationAction& a : rule.actions) actions.push_back(ActionJson(a));
    return {{"id", rule.id},         {"object", rule.object},
            {"name", rule.name},     {"description", rule.description},
            {"active", rule.active}, {"order", rule.order},
            {"trigger", trigger},    {"condition", rule.condition},
            {"actions", actions}};
}

Result<AutomationRule> AutomationRuleFromJson(const json& j, AutomationRule rule) {
    if (!j.is_object()) return JsonError("rule", "an object");
    static const std::set<std::string> kKeys = {"id",    "object",  "name",      "description", "active",
                                                "order", "trigger", "condition", "actions"};
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (!kKeys.count(it.key()))
            return MessageError("invalid_argument", "workflow.unknown_key", {{"key", it.key()}}, it.key());
    }
    Reader r{j, "", Status::Ok()};
    r.Str("object", rule.object);
    r.Str("name", rule.name);
    r.Str("description", rule.description);
    r.Bool("active", rule.active);
    r.Int("order", rule.order);
    r.Str("condition", rule.condition);
    if (!r.status.ok()) return r.status.error();
    if (j.contains("trigger")) {
        const json& t = j["trigger"];
        if (!t.is_object()) return JsonError("trigger", "an object {kind, ...}");
        AutomationTrigger trigger;
        std::string kind, direction = "after", at;
        Reader tr{t, "trigger.", Status::Ok()};
        tr.Str("kind", kind);
        tr.Str("field", trigger.date_field);
        tr.Int("offset", trigger.offset);
        tr.Str("unit", trigger.unit);
        tr.Str("direction", direction);
        tr.Str("at", at);
        tr.Bool("business_hours", trigger.business_hours);
        if (!tr.status.ok()) return tr.status.error();
        if (t.contains("fields")) {
            if (!t["fields"].is_array()) return JsonError("trigger.fields", "a list of field names");
            for (const json& f : t["fields"]) {
                if (!f.is_string()) return JsonError("trigger.fields", "a list of field names");
                trigger.fields.push_back(f.get<std::string>());
            }
        }
        bool found = false;
        for (const TriggerName& k : kTriggers) {
            if (kind == k.name) {
                trigger.kind = k.kind;
                found = true;
            }
        }
        if (!found)
            return MessageError("workflow.bad_trigger", "workflow.unknown_trigger", {{"kind", kind}},
                                "trigger.kind");
        if (direction != "before" && direction != "after")
            return JsonError("trigger.direction", "\"before\" or \"after\"");
        trigger.before = direction == "before";
        if (!at.empty()) {
            trigger.at_minute = ParseTimeOfDay(at);
            if (trigger.at_minute < 0)
                return MessageError("workflow.bad_trigger", "workflow.bad_time_of_day", {{"at", at}},
                                    "trigger.at");
        }
        rule.trigger = std::move(trigger);
    }
    if (j.contains("actions")) {
        if (!j["actions"].is_array()) return JsonError("actions", "a list of actions");
        rule.actions.clear();
        for (size_t i = 0; i < j["actions"].size(); ++i) {
            Result<AutomationAction> a = ActionFromJson(j["actions"][i], i);
            if (!a.ok()) return a.error();
            rule.actions.push_back(std::move(*a));
        }
    }
    return rule;
}

// [SECTION] Checks and compilation

Result<CompiledRule> AutomationService::Impl::Compile(const AutomationRule& rule, const ObjectDef& o) const {
    CompiledRule c;
    c.rule = rule;
    const std::string& name = rule.name;
    auto unknown_field = [&](const std::string& field, const std::string& where) {
        return MessageError("workflow.bad_trigger", "workflow.unknown_field",
                            {{"object", o.api_name}, {"field", field}, {"rule", name}}, where);
    };
    const AutomationTrigger& t = rule.trigger;
    if (t.kind == TriggerKind::OnFieldChange) {
        if (t.fields.empty())
            return MessageError("workflow.bad_trigger", "workflow.trigger_fields", {}, "trigger.fields");
        for (const std::string& f : t.fields) {
            if (Same(f, "OwnerId")) {
                c.trigger_fields.push_back(-2);
                continue;
            }
            const FieldDef* def = o.Field(f);
            if (!def || !def->has_column()) return unknown_field(f, "trigger.fields");
            c.trigger_fields.push_back(static_cast<int>(def - o.fields.data()));
        }
    }
    if (t.kind == TriggerKind::Time) {
        const FieldDef* def = o.Field(t.date_field);
        if (!def) return unknown_field(t.date_field, "trigger.field");
        if (def->type != FieldType::Date && def->type != FieldType::DateTime)
            return MessageError("workflow.bad_trigger", "workflow.not_a_date_field",
                                {{"field", def->api_name}}, "trigger.field");
        if (t.unit != "minutes" && t.unit != "hours" && t.unit != "days")
            return MessageError("workflow.bad_trigger", "workflow.bad_unit", {{"unit", t.unit}},
                                "trigger.unit");
        if (t.offset < 0 || t.offset > MaxOffset(t.unit))
            return MessageError("workflow.offset_out_of_range", "workflow.offset_out_of_range",
                                {{"offset", std::to_string(t.offset)},
                                 {"unit", t.unit},
                                 {"max", std::to_string(MaxOffset(t.unit))}},
                                "trigger.offset");
        if (t.at_minute >= 0 && t.unit != "days")
            return MessageError("workflow.bad_trigger", "workflow.bad_time_of_day",
                                {{"at", FormatTimeOfDay(t.at_minute)}}, "trigger.at");
    }
    std::shared_ptr<const ObjectResolver> resolver = schema.Resolver(o.api_name);
    if (!IsBlank(rule.condition)) {
        formula::CompileOptions options;
        options.allow_prior_values = true;
        options.expected_result = formula::ValueType::Boolean;
        Result<formula::CompiledFormula> f = formula::Compile(rule.condition, *resolver, options);
        if (!f.ok()) {
            Error e = MessageError("workflow.bad_condition", "workflow.bad_condition",
                                   {{"rule", name}, {"message", f.error().message}}, "condition");
            e.line = f.error().line;
            e.position = f.error().position;
            return e;
        }
        c.condition = std::move(*f);
    }
    if (rule.actions.empty())
        return MessageError("workflow.bad_action", "workflow.no_actions", {{"rule", name}}, "actions");
    const bool on_delete = t.kind == TriggerKind::OnDelete;
    for (size_t n = 0; n < rule.actions.size(); ++n) {
        const AutomationAction& a = rule.actions[n];
        c.values.emplace_back();
        c.action_fields.push_back(-1);
        c.after_actions = c.after_actions || a.kind == ActionKind::CreateTask ||
                          a.kind == ActionKind::Notify || a.kind == ActionKind::Webhook;
        switch (a.kind) {
            case ActionKind::UpdateField: {
                if (on_delete) return ActionError("workflow.action_on_delete", n, {}, "kind");
                const FieldDef* def = o.Field(a.field);
                if (!def || def->is_read_only())
                    return ActionError("workflow.field_not_settable", n, {{"field", a.field}}, "field");
                c.action_fields.back() = static_cast<int>(def - o.fields.data());
                formula::CompileOptions options;
                options.allow_prior_values = true;
                Result<formula::CompiledFormula> f =
                    formula::Compile(a.value.empty() ? "NULL" : a.value, *resolver, options);
                if (!f.ok()) {
                    Error e =
                        ActionError("workflow.bad_value", n,
                                    {{"field", def->api_name}, {"message", f.error().message}}, "value");
                    e.line = f.error().line;
                    e.position = f.error().position;
                    return e;
                }
                const formula::ValueType want = FormulaTypeOf(def->type);
                const formula::ValueType got = f->result_type();
                const bool text_like = want == formula::ValueType::Text ||
                                       want == formula::ValueType::Picklist ||
                                       want == formula::ValueType::MultiPicklist;
                const bool fits =
                    got == formula::ValueType::Any || got == want ||
                    (text_like && (got == formula::ValueType::Text || got == formula::ValueType::Picklist));
                if (!fits)
                    return ActionError("workflow.value_type", n,
                                       {{"field", def->api_name},
                                        {"got", formula::ValueTypeName(got)},
                                        {"want", formula::ValueTypeName(want)}},
                                       "value");
                c.values.back() = std::move(*f);
                break;
            }
            case ActionKind::CreateTask: {
                if (IsBlank(a.subject)) return ActionError("workflow.task_subject", n, {}, "subject");
                if (!a.priority.empty()) {
                    Result<std::shared_ptr<const ObjectDef>> task = schema.Object("Task");
                    const FieldDef* p = task.ok() ? (*task)->Field("Priority") : nullptr;
                    if (p && !p->FindValue(a.priority))
                        return ActionError("workflow.bad_priority", n, {{"priority", a.priority}},
                                           "priority");
                }
                if (a.assign_to != "owner") {
                    Statement u = db.Prepare("SELECT 1 FROM access_user WHERE username = ?1 AND active = 1");
                    u.Bind(1, a.assign_to);
                    if (!u.Step())
                        return ActionError("workflow.unknown_user", n, {{"username", a.assign_to}},
                                           "assign_to");
                }
                break;
            }
            case ActionKind::AssignOwner: {
                if (on_delete) return ActionError("workflow.action_on_delete", n, {}, "kind");
                if (!a.through_rules) {
                    Statement u = db.Prepare("SELECT 1 FROM access_user WHERE username = ?1 AND active = 1");
                    u.Bind(1, a.user);
                    if (!u.Step())
                        return ActionError("workflow.unknown_user", n, {{"username", a.user}}, "user");
                }
                break;
            }
            case ActionKind::Notify: {
                static const std::set<std::string> kTo = {"user", "owner", "owner_manager", "role", "team"};
                if (!kTo.count(a.to)) return ActionError("workflow.bad_recipient", n, {{"to", a.to}}, "to");
                if (IsBlank(a.title))
                    return MessageError("workflow.bad_action", "workflow.notification_title", {},
                                        "actions[" + std::to_string(n) + "].title");
                if (a.to == "user") {
                    Statement u = db.Prepare("SELECT 1 FROM access_user WHERE username = ?1 AND active = 1");
                    u.Bind(1, a.name);
                    if (!u.Step())
                        return ActionError("workflow.unknown_user", n, {{"username", a.name}}, "name");
                } else if (a.to == "role") {
                    Statement r = db.Prepare("SELECT 1 FROM access_role WHERE name = ?1");
                    r.Bind(1, a.name);
                    if (!r.Step()) return ActionError("workflow.unknown_role", n, {{"name", a.name}}, "name");
                } else if (a.to == "team") {
                    Statement r = db.Prepare("SELECT 1 FROM access_team WHERE name = ?1");
                    r.Bind(1, a.name);
                    if (!r.Step()) return ActionError("workflow.unknown_team", n, {{"name", a.name}}, "name");
                }
                break;
            }
            case ActionKind::Webhook: {
                if (!IsWebhookUrl(a.url))
                    return ActionError("workflow.bad_webhook_url", n, {{"url", a.url}}, "url");
                if (a.method != "POST" && a.method != "PUT" && a.method != "PATCH")
                    return ActionError("workflow.bad_method", n, {{"method", a.method}}, "method");
                break;
            }
        }
    }
    return c;
}

std::vector<AutomationRule> AutomationService::Impl::Load(const std::string& object) const {
    Statement st = db.Prepare(
        "SELECT id, object, name, description, active, position, trigger_json, condition, actions_json "
        "FROM automation_rules WHERE (?1 = '' OR object = ?1 COLLATE NOCASE) ORDER BY object, position, "
        "name");
    st.Bind(1, object);
    std::vector<AutomationRule> out;
    while (st.Step()) {
        AutomationRule base;
        base.id = st.Int(0);
        json j = {{"object", st.Text(1)},      {"name", st.Text(2)},
                  {"description", st.Text(3)}, {"active", st.Int(4) != 0},
                  {"order", st.Int(5)},        {"trigger", json::parse(st.Text(6), nullptr, false)},
                  {"condition", st.Text(7)},   {"actions", json::parse(st.Text(8), nullptr, false)}};
        Result<AutomationRule> rule = AutomationRuleFromJson(j, base);
        if (rule.ok()) out.push_back(std::move(*rule));
    }
    return out;
}

std::shared_ptr<const ObjectRules> AutomationService::Impl::RulesFor(const ObjectDef& object) {
    if (compiled_schema_version != schema.version() || compiled_rules_version != rules_version) {
        compiled.clear();
        last_rules.reset();
        compiled_schema_version = schema.version();
        compiled_rules_version = rules_version;
        Statement st = db.Prepare("SELECT EXISTS (SELECT 1 FROM automation_rules WHERE active = 1)");
        any_rules = st.Step() && st.Int(0) != 0;
    }
    static const std::shared_ptr<const ObjectRules> kNone = std::make_shared<ObjectRules>();
    if (!any_rules) return kNone;
    if (last_rules && last_object == object.api_name) return last_rules;
    const std::string key = ToLowerAscii(object.api_name);
    auto it = compiled.find(key);
    if (it != compiled.end()) {
        last_object = object.api_name;
        last_rules = it->second;
        return it->second;
    }
    auto rules = std::make_shared<ObjectRules>();
    for (const AutomationRule& r : Load(object.api_name)) {
        if (!r.active) continue;
        Result<CompiledRule> c = Compile(r, object);
        if (!c.ok()) continue;  // a rule the schema no longer supports does not run (its fields are guarded)
        PrepareForSaves(*c, object);
        auto shared = std::make_shared<const CompiledRule>(std::move(*c));
        if (r.trigger.kind != TriggerKind::OnDelete && r.trigger.kind != TriggerKind::Time) {
            rules->save_globals = rules->save_globals || (shared->condition && shared->condition->uses_globals());
            for (const auto& v : shared->values)
                rules->save_globals = rules->save_globals || (v && v->uses_globals());
        }
        switch (r.trigger.kind) {
            case TriggerKind::OnCreate:
                rules->on_create.push_back(shared);
                break;
            case TriggerKind::OnUpdate:
                rules->on_update.push_back(shared);
                break;
            case TriggerKind::OnFieldChange:
                rules->on_field_change.push_back(shared);
                break;
            case TriggerKind::OnDelete:
                rules->on_delete.push_back(shared);
                break;
            case TriggerKind::Time:
                rules->time.push_back(shared);
                break;
        }
    }
    // Load answers them by order number, then name; the stage relies on it.
    auto by_order = [](const std::shared_ptr<const CompiledRule>& a,
                       const std::shared_ptr<const CompiledRule>& b) {
        return a->rule.order != b->rule.order ? a->rule.order < b->rule.order : a->rule.name < b->rule.name;
    };
    for (auto* list : {&rules->on_create, &rules->on_update, &rules->on_field_change, &rules->on_delete,
                       &rules->time})
        std::stable_sort(list->begin(), list->end(), by_order);
    compiled[key] = rules;
    last_object = object.api_name;
    last_rules = rules;
    return rules;
}

void AutomationService::Impl::ForgetRules() {
    ++rules_version;
    changes.RunWhenClosed([this] { ++rules_version; });
}

// [SECTION] The service: rules

AutomationService::AutomationService(Changes& changes, SchemaService& schema, RecordService& records,
                                     CompanyService& company)
    : impl_(std::make_unique<Impl>(*this, changes, schema, records, company)),
      scheduler_(std::make_unique<SchedulerService>(changes)),
      notifications_(std::make_unique<NotificationService>(changes)),
      log_(std::make_unique<WorkflowLog>(changes)),
      outbox_(std::make_unique<WebhookOutbox>(changes.db())) {}

AutomationService::~AutomationService() = default;

void AutomationService::SetAuthorizer(Authorizer authorizer) {
    authorizer_ = authorizer;
    scheduler_->SetAuthorizer(std::move(authorizer));
}

std::vector<const AutomationService::RuleFiredHook*> AutomationService::RuleFiredHooksFor(
    const ObjectDef& object) const {
    std::vector<const RuleFiredHook*> out;
    for (const RuleFiredHook& hook : rule_fired_)
        if (!hook.hears || hook.hears(object)) out.push_back(&hook);
    return out;
}

namespace {
Status Authorize(const Authorizer& authorizer, const std::string& actor) {
    if (IsBlank(actor))
        return MakeError("access.denied", "Say who makes the change: the acting user is missing.");
    if (IsSystemActor(actor) || !authorizer) return Status::Ok();
    return authorizer(actor, SystemPermission::ManageWorkflows);
}
}  // namespace

Result<std::vector<AutomationRule>> AutomationService::List(const std::string& actor,
                                                            const std::string& object) const {
    if (Status s = Authorize(authorizer_, actor); !s.ok()) return s.error();
    return impl_->Load(object);
}

Result<AutomationRule> AutomationService::Get(const std::string& actor, const std::string& object,
                                              const std::string& name) const {
    if (Status s = Authorize(authorizer_, actor); !s.ok()) return s.error();
    for (AutomationRule& r : impl_->Load(object)) {
        if (Same(r.name, name)) return r;
    }
    return MessageError("workflow.unknown_rule", "workflow.unknown_rule",
                        {{"object", object}, {"name", name}}, "name");
}

namespace {

Status StoreRule(Database& db, ChangeScope& change, AutomationRule& rule, bool insert) {
    json j = ToJson(rule);
    Statement st = db.Prepare(
        insert ? "INSERT INTO automation_rules(object, name, description, active, position, trigger_json, "
                 "condition, "
                 "actions_json, updated_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
               : "UPDATE automation_rules SET object = ?1, name = ?2, description = ?3, active = ?4, "
                 "position = ?5, "
                 "trigger_json = ?6, condition = ?7, actions_json = ?8, updated_ms = ?9 WHERE id = ?10");
    st.Bind(1, rule.object)
        .Bind(2, rule.name)
        .Bind(3, rule.description)
        .Bind(4, rule.active ? 1 : 0)
        .Bind(5, rule.order)
        .Bind(6, j["trigger"].dump())
        .Bind(7, rule.condition)
        .Bind(8, j["actions"].dump())
        .Bind(9, change.now_ms());
    if (!insert) st.Bind(10, rule.id);
    if (Status s = st.Run(); !s.ok()) return s;
    if (insert) rule.id = db.LastInsertRowId();
    change.Record("workflow", rule.object, ChangeAction::Config, rule.id, {rule.name});
    return Status::Ok();
}

}  // namespace

Result<AutomationRule> AutomationService::Create(const std::string& actor, const AutomationRule& spec) {
    if (Status s = Authorize(authorizer_, actor); !s.ok()) return s.error();
    Result<std::shared_ptr<const ObjectDef>> o = impl_->schema.Object(spec.object);
    if (!o.ok()) return o.error();
    AutomationRule rule = spec;
    rule.object = (*o)->api_name;
    if (IsBlank(rule.name) || rule.name.size() > 80)
        return MessageError("invalid_argument", "workflow.rule_name", {}, "name");
    Result<CompiledRule> c = impl_->Compile(rule, **o);
    if (!c.ok()) return c.error();
    ChangeScope change(impl_->changes, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    Statement dup =
        impl_->db.Prepare("SELECT 1 FROM automation_rules WHERE object = ?1 COLLATE NOCASE AND name = ?2");
    dup.Bind(1, rule.object).Bind(2, rule.name);
    if (dup.Step())
        return MessageError("workflow.duplicate_rule", "workflow.duplicate_rule",
                            {{"object", rule.object}, {"name", rule.name}}, "name");
    if (Status s = StoreRule(impl_->db, change, rule, true); !s.ok()) return s.error();
    if (Status s = change.Audit("workflow", "create", "automation." + rule.object + "." + rule.name, nullptr,
                                ToJson(rule));
        !s.ok())
        return s.error();
    impl_->ForgetRules();
    if (Status s = change.Commit(); !s.ok()) return s.error();
    return rule;
}

Result<AutomationRule> AutomationService::Update(const std::string& actor, const AutomationRule& spec) {
    if (Status s = Authorize(authorizer_, actor); !s.ok()) return s.error();
    std::optional<AutomationRule> old;
    for (AutomationRule& r : impl_->Load("")) {
        if ((spec.id > 0 && r.id == spec.id) ||
            (spec.id <= 0 && Same(r.object, spec.object) && Same(r.name, spec.name)))
            old = r;
    }
    if (!old)
        return MessageError("workflow.unknown_rule", "workflow.unknown_rule",
                            {{"object", spec.object}, {"name", spec.name}}, "name");
    Result<std::shared_ptr<const ObjectDef>> o =
        impl_->schema.Object(spec.object.empty() ? old->object : spec.object);
    if (!o.ok()) return o.error();
    AutomationRule rule = spec;
    rule.id = old->id;
    rule.object = (*o)->api_name;
    if (IsBlank(rule.name) || rule.name.size() > 80)
        return MessageError("invalid_argument", "workflow.rule_name", {}, "name");
    Result<CompiledRule> c = impl_->Compile(rule, **o);
    if (!c.ok()) return c.error();
    ChangeScope change(impl_->changes, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    Statement dup = impl_->db.Prepare(
        "SELECT 1 FROM automation_rules WHERE object = ?1 COLLATE NOCASE AND name = ?2 AND id <> ?3");
    dup.Bind(1, rule.object).Bind(2, rule.name).Bind(3, rule.id);
    if (dup.Step())
        return MessageError("workflow.duplicate_rule", "workflow.duplicate_rule",
                            {{"object", rule.object}, {"name", rule.name}}, "name");
    if (Status s = StoreRule(impl_->db, change, rule, false); !s.ok()) return s.error();
    // A rule that is no longer time-based, or is off, leaves nothing queued; a changed time rule requeues
    // on the records' next saves.
    if (!rule.active || rule.trigger.kind != TriggerKind::Time) {
        if (Status s = scheduler_->CancelRule(change, "automation", rule.id); !s.ok()) return s.error();
    }
    if (Status s = change.Audit("workflow", "update", "automation." + rule.object + "." + rule.name,
                                ToJson(*old), ToJson(rule));
        !s.ok())
        return s.error();
    impl_->ForgetRules();
    if (Status s = change.Commit(); !s.ok()) return s.error();
    return rule;
}

Status AutomationService::Delete(const std::string& actor, const std::string& object,
                                 const std::string& name) {
    Result<AutomationRule> rule = Get(actor, object, name);
    if (!rule.ok()) return rule.error();
    ChangeScope change(impl_->changes, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    Statement st = impl_->db.Prepare("DELETE FROM automation_rules WHERE id = ?1");
    st.Bind(1, rule->id);
    if (Status s = st.Run(); !s.ok()) return s;
    if (Status s = scheduler_->CancelRule(change, "automation", rule->id); !s.ok()) return s;
    change.Record("workflow", rule->object, ChangeAction::Config, rule->id, {rule->name});
    if (Status s = change.Audit("workflow", "delete", "automation." + rule->object + "." + rule->name,
                                ToJson(*rule), nullptr);
        !s.ok())
        return s;
    impl_->ForgetRules();
    return change.Commit();
}

std::vector<std::string> AutomationService::RulesUsing(std::string_view object,
                                                       std::string_view field) const {
    std::vector<std::string> users;
    for (const AutomationRule& r : impl_->Load("")) {
        bool uses = false;
        if (Same(r.object, object)) {
            for (const std::string& f : r.trigger.fields) uses = uses || Same(f, field);
            if (r.trigger.kind == TriggerKind::Time) uses = uses || Same(r.trigger.date_field, field);
            for (const AutomationAction& a : r.actions)
                uses = uses || (a.kind == ActionKind::UpdateField && Same(a.field, field));
        }
        if (!uses && !IsBlank(r.condition))
            uses = impl_->schema.FormulaReadsField(r.object, r.condition, true, object, field);
        for (const AutomationAction& a : r.actions) {
            if (!uses && a.kind == ActionKind::UpdateField && !a.value.empty())
                uses = impl_->schema.FormulaReadsField(r.object, a.value, false, object, field);
        }
        if (uses) users.push_back("automation rule " + r.name);
    }
    return users;
}

std::vector<std::string> AutomationService::RulesUsingValue(std::string_view object, std::string_view field,
                                                            std::string_view value) const {
    std::vector<std::string> users;
    const std::string quoted = "\"" + std::string(value) + "\"";
    auto names = [&](const std::string& object_of_rule, const std::string& formula, bool condition) {
        return formula.find(quoted) != std::string::npos &&
               impl_->schema.FormulaReadsField(object_of_rule, formula, condition, object, field);
    };
    for (const AutomationRule& r : impl_->Load("")) {
        bool uses = !IsBlank(r.condition) && names(r.object, r.condition, true);
        for (const AutomationAction& a : r.actions) {
            if (uses || a.kind != ActionKind::UpdateField) continue;
            uses = (Same(r.object, object) && Same(a.field, field) && a.value == quoted) ||
                   names(r.object, a.value, false);
        }
        if (uses) users.push_back("automation rule " + r.name);
    }
    return users;
}

Status AutomationService::SetLogRetentionDays(const std::string& actor, int days) {
    if (Status s = Authorize(authorizer_, actor); !s.ok()) return s;
    if (days < 1 || days > 3650)
        return MessageError("invalid_argument", "workflow.bad_retention", {{"days", std::to_string(days)}},
                            "days");
    ChangeScope change(impl_->changes, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    if (Status s = log_->SetRetentionDays(change, days); !s.ok()) return s;
    return change.Commit();
}

std::string AutomationMigrationSql() {
    return R"sql(
CREATE TABLE automation_rules (
    id INTEGER PRIMARY KEY,
    object TEXT NOT NULL COLLATE NOCASE,
    name TEXT NOT NULL COLLATE NOCASE,
    description TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    position INTEGER NOT NULL DEFAULT 0,
    trigger_json TEXT NOT NULL,
    condition TEXT NOT NULL DEFAULT '',
    actions_json TEXT NOT NULL,
    updated_ms INTEGER NOT NULL DEFAULT 0,
    UNIQUE (object, name)
);
CREATE TABLE scheduler_items (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    object TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    rule_id INTEGER NOT NULL,
    due_ms INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    ran_ms INTEGER,
    late INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_ms INTEGER NOT NULL,
    UNIQUE (kind, rule_id, record_id)
);
CREATE INDEX scheduler_items_due ON scheduler_items(state, due_ms);
CREATE INDEX scheduler_items_record ON scheduler_items(object, record_id);
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    recipient TEXT NOT NULL COLLATE NOCASE,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    object TEXT NOT NULL DEFAULT '',
    record_id INTEGER NOT NULL DEFAULT 0,
    link_kind TEXT NOT NULL DEFAULT 'record',
    created_ms INTEGER NOT NULL,
    read_ms INTEGER
);
CREATE INDEX notifications_inbox ON notifications(recipient, read_ms, id);
CREATE TABLE workflow_log (
    id INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    rule_id INTEGER NOT NULL,
    rule_name TEXT NOT NULL,
    object TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    trigger_kind TEXT NOT NULL,
    condition_met INTEGER NOT NULL,
    actions TEXT NOT NULL,
    duration_us INTEGER NOT NULL,
    error TEXT,
    actor TEXT NOT NULL
);
CREATE INDEX workflow_log_at ON workflow_log(at_ms);
CREATE INDEX workflow_log_rule ON workflow_log(rule_name, at_ms);
CREATE INDEX workflow_log_record ON workflow_log(object, record_id);
CREATE TABLE workflow_settings (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE webhook_outbox (
    id INTEGER PRIMARY KEY,
    created_ms INTEGER NOT NULL,
    rule_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    method TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX webhook_outbox_state ON webhook_outbox(state, id);
)sql";
}

}  // namespace crm
