// Approval processes: the messages, the JSON forms, the tables, the definitions, the record lock and
// delegation. Requests through their steps are in approval_requests.cpp.
#include "workflow/approvals.h"

#include "common/text.h"
#include "workflow/approval_internal.h"

namespace crm {

namespace {

using nlohmann::json;

const MessageDef kApprovalMessages[] = {
    {"approvals.unknown_process", "There is no approval process {name} on {object}.",
     "{object} 上没有审批流程 {name}。"},
    {"approvals.duplicate_process", "An approval process named {name} already exists on {object}.",
     "{object} 上已有名为 {name} 的审批流程。"},
    {"approvals.name_required", "An approval process needs a name.", "审批流程需要名称。"},
    {"approvals.no_steps", "An approval process needs at least one step.", "审批流程至少需要一个步骤。"},
    {"approvals.invalid_value", "{where}: {value} is not one of {allowed}.",
     "{where}：{value} 不是 {allowed} 之一。"},
    {"approvals.unknown_key", "{where} has no setting {key}.", "{where} 没有设置项 {key}。"},
    {"approvals.approver_required", "Step {step} needs the name of its approver ({kind}).",
     "步骤 {step} 需要审批人（{kind}）的名称。"},
    {"approvals.unknown_approver", "Step {step}: there is no {kind} named {name}.",
     "步骤 {step}：没有名为 {name} 的{kind}。"},
    {"approvals.inactive_approver_definition",
     "Step {step}: user {name} is inactive and cannot approve; choose an active user.",
     "步骤 {step}：用户 {name} 已停用，不能审批；请选择一个在职用户。"},
    {"approvals.action_field", "{where}: {object} has no field {field} that can be updated.",
     "{where}：{object} 没有可更新的字段 {field}。"},
    {"approvals.action_user", "{where}: there is no active user {name} to send to.",
     "{where}：没有可发送的在职用户 {name}。"},
    {"approvals.action_title", "{where}: a notification needs a title and a task a subject.",
     "{where}：通知需要标题，任务需要主题。"},
    {"approvals.process_in_use",
     "The approval process {name} has {count} pending requests; recall or decide them before deleting it.",
     "审批流程 {name} 还有 {count} 个待审批请求；请先撤回或处理这些请求，再删除它。"},
    {"approvals.record_locked",
     "{object} {id} is locked: approval request {request} ({process}) has been pending since {since}, "
     "waiting on {approvers}. Only those approvers or an administrator can change it.",
     "{object} {id} 已锁定：审批请求 {request}（{process}）自 {since} 起待审批，等待 {approvers} 处理。"
     "只有这些审批人或管理员可以修改它。"},
    {"approvals.no_process", "No active approval process on {object} applies to record {id}.",
     "{object} 上没有适用于记录 {id} 的有效审批流程。"},
    {"approvals.entry_not_met", "Record {id} does not meet the entry condition of {process}.",
     "记录 {id} 不满足 {process} 的进入条件。"},
    {"approvals.already_pending", "{object} {id} already has a pending approval request ({request}).",
     "{object} {id} 已有待审批请求（{request}）。"},
    {"approvals.cannot_submit", "You need Edit access to {object} {id} to submit it for approval.",
     "您需要对 {object} {id} 的编辑权限才能提交审批。"},
    {"approvals.no_pending_request", "{object} {id} has no pending approval request.",
     "{object} {id} 没有待审批请求。"},
    {"approvals.not_an_approver",
     "{user} is not an approver of the current step of request {request} (waiting on {approvers}).",
     "{user} 不是请求 {request} 当前步骤的审批人（等待 {approvers} 处理）。"},
    {"approvals.cannot_recall",
     "Only the submitter ({submitter}) or an administrator can recall request {request}.",
     "只有提交人（{submitter}）或管理员可以撤回请求 {request}。"},
    {"approvals.no_manager", "Step {step} asks the submitter's manager, but {user} has no manager.",
     "步骤 {step} 需要提交人的经理审批，但 {user} 没有经理。"},
    {"approvals.approver_inactive",
     "Step {step} could not ask {name}: the user is inactive or unknown. Nothing was changed.",
     "步骤 {step} 无法请 {name} 审批：该用户已停用或不存在。未做任何更改。"},
    {"approvals.no_approver",
     "Step {step} could not ask anyone: {who} has no active user. Nothing was changed.",
     "步骤 {step} 无法请任何人审批：{who} 没有在职用户。未做任何更改。"},
    {"approvals.reassign_from",
     "Name which approver's item to reassign (from): the step waits on {approvers}.",
     "请指明要转交哪位审批人的事项（from）：该步骤等待 {approvers} 处理。"},
    {"approvals.reassign_to", "{name} is not an active user who can take this approval.",
     "{name} 不是可以接手此审批的在职用户。"},
    {"approvals.delegate_invalid", "{name} cannot be the delegate of {user}: choose another active user.",
     "{name} 不能作为 {user} 的代理人：请选择另一位在职用户。"},
    {"approvals.delegate_dates", "The delegation must end after it starts.",
     "代理的结束时间必须晚于开始时间。"},
    {"approvals.delegate_denied",
     "Only {user} themselves, or a user with Manage Users or Manage Workflows, can set their delegate.",
     "只有 {user} 本人，或具有“管理用户”或“管理工作流”权限的用户，才能设置其代理人。"},
    {"approvals.escalation_hours",
     "Step {step}: escalate after 1 to 8760 business hours (0 = never), not {value}.",
     "步骤 {step}：升级时间须为 1 到 8760 个工作小时（0 = 不升级），而不是 {value}。"},
    {"approvals.escalation_user", "Step {step} escalates to a named user: {name} is not an active user.",
     "步骤 {step} 升级给指定用户：{name} 不是在职用户。"},
    {"approvals.escalation_no_target",
     "Request {request} ({process}), step {step}: {approver} could not be escalated after {hours} business "
     "hours: {reason}. The request still waits on {approver}.",
     "请求 {request}（{process}）步骤 {step}：{hours} 个工作小时后无法升级 "
     "{approver}：{reason}。该请求仍等待 "
     "{approver} 处理。"},
    {"approvals.simulate_submitter", "{name} is not an active user to run the dry run as.",
     "{name} 不是可用于试运行的在职用户。"},
    {"approvals.action_failed", "The {when} actions of {process} failed: {reason} Nothing was changed.",
     "{process} 的{when}操作失败：{reason} 未做任何更改。"},
};
CRM_REGISTER_MESSAGES(kApprovalMessages);

const char* const kApproverKinds[] = {"manager", "user", "role", "team"};
const char* const kModes[] = {"unanimous", "first_response"};
const char* const kNotMet[] = {"skip", "approve", "reject"};
const char* const kOnReject[] = {"reject_request", "back_one_step"};
const char* const kEscalateTo[] = {"manager", "user"};
const char* const kActionKinds[] = {"field_update", "notify", "task"};
const char* const kRecipients[] = {"submitter", "owner", "manager", "approvers", "user"};

std::string Allowed(const char* const* names, size_t count) {
    std::string out;
    for (size_t i = 0; i < count; ++i) out += (i ? ", " : "") + std::string(names[i]);
    return out;
}

template <size_t N>
Result<int> Pick(const json& value, const char* const (&names)[N], const std::string& where) {
    if (value.is_string()) {
        const std::string v = ToLowerAscii(value.get<std::string>());
        for (size_t i = 0; i < N; ++i)
            if (v == names[i]) return static_cast<int>(i);
    }
    return MessageError("approvals.invalid_value", "approvals.invalid_value",
                        {{"where", where}, {"value", value.dump()}, {"allowed", Allowed(names, N)}}, where);
}

Status CheckKeys(const json& j, std::initializer_list<const char*> keys, const std::string& where) {
    if (!j.is_object()) {
        return MessageError("approvals.invalid_value", "approvals.invalid_value",
                            {{"where", where}, {"value", j.dump()}, {"allowed", "a JSON object"}}, where);
    }
    for (auto it = j.begin(); it != j.end(); ++it) {
        bool known = false;
        for (const char* k : keys) known = known || it.key() == k;
        if (!known)
            return MessageError("approvals.unknown_key", "approvals.unknown_key",
                                {{"where", where}, {"key", it.key()}}, where);
    }
    return Status::Ok();
}

Result<std::string> Str(const json& j, const char* key, const std::string& where) {
    const json& v = j.at(key);
    if (!v.is_string())
        return MessageError("approvals.invalid_value", "approvals.invalid_value",
                            {{"where", where + "." + key}, {"value", v.dump()}, {"allowed", "a text"}},
                            where + "." + key);
    return v.get<std::string>();
}

json ActionJson(const ApprovalAction& a) {
    json j = {{"kind", kActionKinds[static_cast<int>(a.kind)]}};
    if (a.kind == ApprovalAction::Kind::FieldUpdate) {
        j["field"] = a.field;
        j["formula"] = a.formula;
        return j;
    }
    j["to"] = a.to;
    if (a.to == "user") j["user"] = a.user;
    if (a.kind == ApprovalAction::Kind::Notify) {
        j["title"] = a.title;
        j["body"] = a.body;
    } else {
        j["subject"] = a.title;
        j["description"] = a.body;
        j["due_days"] = a.due_days;
    }
    return j;
}

/// A JSON literal as a formula: "text" quoted, numbers and booleans as written, null as BLANKVALUE-free "".
std::string LiteralFormula(const json& v) {
    if (v.is_null()) return "NULL";
    if (v.is_boolean()) return v.get<bool>() ? "TRUE" : "FALSE";
    if (v.is_number()) return v.dump();
    std::string text = v.is_string() ? v.get<std::string>() : v.dump();
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

Result<ApprovalAction> ActionFromJson(const json& j, const std::string& where) {
    CRM_TRY(CheckKeys(j,
                           {"kind", "field", "formula", "value", "to", "user", "title", "body", "subject",
                            "description", "due_days"},
                           where));
    ApprovalAction a;
    if (!j.contains("kind"))
        return MessageError(
            "approvals.invalid_value", "approvals.invalid_value",
            {{"where", where + ".kind"}, {"value", "null"}, {"allowed", Allowed(kActionKinds, 3)}},
            where + ".kind");
    Result<int> kind = Pick(j["kind"], kActionKinds, where + ".kind");
    if (!kind.ok()) return kind.error();
    a.kind = static_cast<ApprovalAction::Kind>(*kind);
    if (j.contains("field")) {
        Result<std::string> s = Str(j, "field", where);
        if (!s.ok()) return s.error();
        a.field = *s;
    }
    if (j.contains("formula")) {
        Result<std::string> s = Str(j, "formula", where);
        if (!s.ok()) return s.error();
        a.formula = *s;
    } else if (j.contains("value")) {
        a.formula = LiteralFormula(j["value"]);
    }
    if (j.contains("to")) {
        Result<int> to = Pick(j["to"], kRecipients, where + ".to");
        if (!to.ok()) return to.error();
        a.to = kRecipients[*to];
    }
    for (const char* key : {"user", "title", "body", "subject", "description"}) {
        if (!j.contains(key)) continue;
        Result<std::string> s = Str(j, key, where);
        if (!s.ok()) return s.error();
        const std::string k = key;
        if (k == "user") a.user = *s;
        if (k == "title" || k == "subject") a.title = *s;
        if (k == "body" || k == "description") a.body = *s;
    }
    if (j.contains("due_days")) {
        if (!j["due_days"].is_number_integer() || j["due_days"].get<int64_t>() < 0 ||
            j["due_days"].get<int64_t>() > 3650)
            return MessageError(
                "approvals.invalid_value", "approvals.invalid_value",
                {{"where", where + ".due_days"}, {"value", j["due_days"].dump()}, {"allowed", "0..3650"}},
                where + ".due_days");
        a.due_days = j["due_days"].get<int>();
    }
    return a;
}

Result<ApprovalStep> StepFromJson(const json& j, const std::string& where) {
    CRM_TRY(CheckKeys(j,
                           {"name", "approver", "mode", "condition", "when_not_met", "on_reject",
                            "escalate_after_hours", "escalate_to", "escalate_user"},
                           where));
    ApprovalStep s;
    if (j.contains("name")) {
        Result<std::string> v = Str(j, "name", where);
        if (!v.ok()) return v.error();
        s.name = *v;
    }
    if (j.contains("approver")) {
        const json& a = j["approver"];
        CRM_TRY(CheckKeys(a, {"kind", "name"}, where + ".approver"));
        if (a.contains("kind")) {
            Result<int> k = Pick(a["kind"], kApproverKinds, where + ".approver.kind");
            if (!k.ok()) return k.error();
            s.approver = static_cast<ApproverKind>(*k);
        }
        if (a.contains("name")) {
            Result<std::string> v = Str(a, "name", where + ".approver");
            if (!v.ok()) return v.error();
            s.approver_name = *v;
        }
    }
    if (j.contains("mode")) {
        Result<int> m = Pick(j["mode"], kModes, where + ".mode");
        if (!m.ok()) return m.error();
        s.mode = static_cast<StepMode>(*m);
    }
    if (j.contains("condition")) {
        Result<std::string> v = Str(j, "condition", where);
        if (!v.ok()) return v.error();
        s.condition = *v;
    }
    if (j.contains("when_not_met")) {
        Result<int> m = Pick(j["when_not_met"], kNotMet, where + ".when_not_met");
        if (!m.ok()) return m.error();
        s.when_not_met = static_cast<NotMetAction>(*m);
    }
    if (j.contains("on_reject")) {
        Result<int> m = Pick(j["on_reject"], kOnReject, where + ".on_reject");
        if (!m.ok()) return m.error();
        s.on_reject = static_cast<RejectBehavior>(*m);
    }
    if (j.contains("escalate_after_hours")) {
        const json& h = j["escalate_after_hours"];
        if (!h.is_number_integer() || h.get<int64_t>() < 0 || h.get<int64_t>() > 8760)
            return MessageError(
                "approvals.invalid_value", "approvals.invalid_value",
                {{"where", where + ".escalate_after_hours"}, {"value", h.dump()}, {"allowed", "0..8760"}},
                where + ".escalate_after_hours");
        s.escalate_after_hours = h.get<int>();
    }
    if (j.contains("escalate_to")) {
        Result<int> m = Pick(j["escalate_to"], kEscalateTo, where + ".escalate_to");
        if (!m.ok()) return m.error();
        s.escalate_to = static_cast<ApprovalStep::EscalateTo>(*m);
    }
    if (j.contains("escalate_user")) {
        Result<std::string> v = Str(j, "escalate_user", where);
        if (!v.ok()) return v.error();
        s.escalate_user = *v;
    }
    return s;
}

Error Invalid(const std::string& where, const json& value, const char* allowed) {
    return MessageError("approvals.invalid_value", "approvals.invalid_value",
                        {{"where", where}, {"value", value.dump()}, {"allowed", allowed}}, where);
}

}  // namespace

bool SameUser(std::string_view a, std::string_view b) { return ToLowerAscii(a) == ToLowerAscii(b); }

const char* ApproverKindName(ApproverKind kind) { return kApproverKinds[static_cast<int>(kind)]; }

// [SECTION] JSON forms

json ToJson(const ApprovalProcess& p) {
    json steps = json::array();
    for (const ApprovalStep& s : p.steps) {
        json approver = {{"kind", ApproverKindName(s.approver)}};
        if (s.approver != ApproverKind::Manager) approver["name"] = s.approver_name;
        steps.push_back({{"name", s.name},
                         {"approver", approver},
                         {"mode", kModes[static_cast<int>(s.mode)]},
                         {"condition", s.condition},
                         {"when_not_met", kNotMet[static_cast<int>(s.when_not_met)]},
                         {"on_reject", kOnReject[static_cast<int>(s.on_reject)]}});
        if (s.escalate_after_hours > 0) {
            json& step = steps.back();
            step["escalate_after_hours"] = s.escalate_after_hours;
            step["escalate_to"] = kEscalateTo[static_cast<int>(s.escalate_to)];
            if (s.escalate_to == ApprovalStep::EscalateTo::User) step["escalate_user"] = s.escalate_user;
        }
    }
    auto actions = [](const std::vector<ApprovalAction>& list) {
        json out = json::array();
        for (const ApprovalAction& a : list) out.push_back(ActionJson(a));
        return out;
    };
    return json{{"id", p.id},
                {"object", p.object},
                {"name", p.name},
                {"description", p.description},
                {"active", p.active},
                {"order", p.order},
                {"entry_condition", p.entry_condition},
                {"steps", steps},
                {"actions",
                 {{"submit", actions(p.on_submit)},
                  {"approve", actions(p.on_approve)},
                  {"reject", actions(p.on_reject)},
                  {"recall", actions(p.on_recall)}}}};
}

Result<ApprovalProcess> ApprovalProcessFromJson(const json& j, ApprovalProcess p) {
    CRM_TRY(CheckKeys(
        j, {"id", "object", "name", "description", "active", "order", "entry_condition", "steps", "actions"},
        "process"));
    for (const char* key : {"object", "name", "description", "entry_condition"}) {
        if (!j.contains(key)) continue;
        Result<std::string> s = Str(j, key, "process");
        if (!s.ok()) return s.error();
        const std::string k = key;
        (k == "object"        ? p.object
         : k == "name"        ? p.name
         : k == "description" ? p.description
                              : p.entry_condition) = *s;
    }
    if (j.contains("active")) {
        if (!j["active"].is_boolean()) return Invalid("active", j["active"], "true, false");
        p.active = j["active"].get<bool>();
    }
    if (j.contains("order")) {
        if (!j["order"].is_number_integer()) return Invalid("order", j["order"], "a whole number");
        p.order = static_cast<int>(
            std::max<int64_t>(-1000000, std::min<int64_t>(1000000, j["order"].get<int64_t>())));
    }
    if (j.contains("steps")) {
        if (!j["steps"].is_array()) return Invalid("steps", j["steps"], "a list of steps");
        p.steps.clear();
        for (size_t i = 0; i < j["steps"].size(); ++i) {
            Result<ApprovalStep> s = StepFromJson(j["steps"][i], "steps[" + std::to_string(i) + "]");
            if (!s.ok()) return s.error();
            p.steps.push_back(*s);
        }
    }
    if (j.contains("actions")) {
        const json& a = j["actions"];
        CRM_TRY(CheckKeys(a, {"submit", "approve", "reject", "recall"}, "actions"));
        for (auto it = a.begin(); it != a.end(); ++it) {
            const std::string where = "actions." + it.key();
            if (!it->is_array()) return Invalid(where, *it, "a list of actions");
            std::vector<ApprovalAction> list;
            for (size_t i = 0; i < it->size(); ++i) {
                Result<ApprovalAction> action =
                    ActionFromJson((*it)[i], where + "[" + std::to_string(i) + "]");
                if (!action.ok()) return action.error();
                list.push_back(*action);
            }
            (it.key() == "submit"    ? p.on_submit
             : it.key() == "approve" ? p.on_approve
             : it.key() == "reject"  ? p.on_reject
                                     : p.on_recall) = std::move(list);
        }
    }
    return p;
}

json ToJson(const ApprovalRequest& r) {
    json items = json::array();
    for (const ApprovalWorkItem& i : r.items) {
        items.push_back({{"id", i.id},
                         {"step", i.step},
                         {"approver", i.approver},
                         {"status", i.status},
                         {"acted_by", i.acted_by},
                         {"comment", i.comment},
                         {"created", FormatUtcIso8601(i.created_ms)},
                         {"acted", i.acted_ms ? json(FormatUtcIso8601(i.acted_ms)) : json(nullptr)}});
    }
    json history = json::array();
    for (const ApprovalHistoryEntry& h : r.history) {
        history.push_back({{"at", FormatUtcIso8601(h.at_ms)},
                           {"actor", h.actor},
                           {"on_behalf_of", h.on_behalf_of},
                           {"step", h.step},
                           {"step_name", h.step_name},
                           {"action", h.action},
                           {"comment", h.comment}});
    }
    return json{{"id", r.id},
                {"process", r.process},
                {"object", r.object},
                {"record_id", r.record_id},
                {"submitter", r.submitter},
                {"status", r.status},
                {"step", r.step},
                {"step_name", r.step_name},
                {"submitted", FormatUtcIso8601(r.submitted_ms)},
                {"completed", r.completed_ms ? json(FormatUtcIso8601(r.completed_ms)) : json(nullptr)},
                {"waiting_on", r.waiting_on},
                {"items", items},
                {"history", history}};
}

json ToJson(const InboxItem& i) {
    return json{{"request_id", i.request_id}, {"object", i.object},
                {"record_id", i.record_id},   {"record_name", i.record_name},
                {"process", i.process},       {"step_name", i.step_name},
                {"submitter", i.submitter},   {"submitted", FormatUtcIso8601(i.submitted_ms)},
                {"approver", i.approver},     {"as_delegate", i.as_delegate}};
}

json ToJson(const Delegation& d) {
    return json{{"user", d.user},
                {"delegate", d.delegate},
                {"from", FormatUtcIso8601(d.from_ms)},
                {"until", d.until_ms ? json(FormatUtcIso8601(d.until_ms)) : json(nullptr)}};
}

json ToJson(const ApprovalSimulation& s) {
    json steps = json::array();
    for (const ApprovalSimulation::Step& st : s.steps) {
        steps.push_back({{"name", st.name},
                         {"condition_met", st.condition_met},
                         {"outcome", st.outcome},
                         {"approvers", st.approvers},
                         {"error", st.error}});
    }
    return json{{"process", s.process.empty() ? json(nullptr) : json(s.process)},
                {"submitter", s.submitter},
                {"entry_met", s.entry_met},
                {"steps", steps}};
}

// [SECTION] Tables

const char* ApprovalsMigrationSql() {
    return R"sql(
CREATE TABLE approval_process (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    object TEXT NOT NULL,
    name TEXT NOT NULL COLLATE NOCASE,
    position INTEGER NOT NULL,
    active INTEGER NOT NULL,
    definition TEXT NOT NULL,
    UNIQUE (object, name)
);
CREATE TABLE approval_request (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    process_id INTEGER NOT NULL,
    process_name TEXT NOT NULL,
    object TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    submitter TEXT NOT NULL,
    status TEXT NOT NULL,
    step INTEGER NOT NULL,
    submitted_ms INTEGER NOT NULL,
    completed_ms INTEGER NOT NULL DEFAULT 0,
    definition TEXT NOT NULL
);
CREATE INDEX approval_request_record ON approval_request(object, record_id);
CREATE UNIQUE INDEX approval_request_one_pending ON approval_request(object, record_id)
    WHERE status = 'pending';
CREATE TABLE approval_work_item (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES approval_request(id),
    step INTEGER NOT NULL,
    approver TEXT NOT NULL COLLATE NOCASE,
    status TEXT NOT NULL,
    acted_by TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    created_ms INTEGER NOT NULL,
    acted_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX approval_work_item_request ON approval_work_item(request_id, step);
CREATE INDEX approval_work_item_pending ON approval_work_item(approver) WHERE status = 'pending';
CREATE TABLE approval_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES approval_request(id),
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    on_behalf_of TEXT NOT NULL,
    step INTEGER NOT NULL,
    step_name TEXT NOT NULL,
    action TEXT NOT NULL,
    comment TEXT NOT NULL
);
CREATE INDEX approval_history_request ON approval_history(request_id);
CREATE TABLE approval_delegate (
    username TEXT PRIMARY KEY COLLATE NOCASE,
    delegate TEXT NOT NULL COLLATE NOCASE,
    from_ms INTEGER NOT NULL,
    until_ms INTEGER NOT NULL
);
)sql";
}

// [SECTION] Definitions

ApprovalService::ApprovalService(Changes& changes, SchemaService& schema, RecordService& records,
                                 AccessService& access)
    : impl_(std::make_unique<Impl>(*this, changes, schema, records, access)) {}

ApprovalService::~ApprovalService() = default;

std::vector<ApprovalProcess> ApprovalService::Impl::Load(std::string_view object,
                                                         std::string_view name) const {
    Statement st = db.Prepare(
        "SELECT id, definition FROM approval_process WHERE (?1 = '' OR object = ?1 COLLATE NOCASE) AND "
        "(?2 = '' OR name = ?2) ORDER BY object, position, id");
    st.Bind(1, std::string(object)).Bind(2, std::string(name));
    std::vector<ApprovalProcess> out;
    while (st.Step()) {
        json j = json::parse(st.Text(1), nullptr, false);
        Result<ApprovalProcess> p = ApprovalProcessFromJson(j);
        if (!p.ok()) continue;  // written by this service: only a damaged file gets here
        p->id = st.Int(0);
        out.push_back(std::move(*p));
    }
    return out;
}

std::vector<ApprovalProcess> ApprovalService::Processes(std::string_view object) const {
    return impl_->Load(object, {});
}

Result<ApprovalProcess> ApprovalService::Process(std::string_view object, std::string_view name) const {
    std::vector<ApprovalProcess> found = impl_->Load(object, name);
    if (found.empty() || name.empty())
        return MessageError("approvals.unknown_process", "approvals.unknown_process",
                            {{"name", std::string(name)}, {"object", std::string(object)}}, "name");
    return found.front();
}

Result<ApprovalProcess> ApprovalService::Impl::Validate(const ApprovalProcess& in) {
    ApprovalProcess p = in;
    Result<std::shared_ptr<const ObjectDef>> o = schema.Object(p.object);
    if (!o.ok()) return o.error();
    p.object = (*o)->api_name;
    if (IsBlank(p.name))
        return MessageError("approvals.name_required", "approvals.name_required", {}, "name");
    if (p.steps.empty()) return MessageError("approvals.no_steps", "approvals.no_steps", {}, "steps");
    auto condition = [&](const std::string& text, const std::string& where) -> Status {
        if (IsBlank(text)) return Status::Ok();
        Result<formula::CompiledFormula> c = schema.CompileRule(p.object, text);
        if (!c.ok()) {
            Error e = c.error();
            e.field = where;
            return e;
        }
        return Status::Ok();
    };
    CRM_TRY(condition(p.entry_condition, "entry_condition"));
    std::vector<User> users = access.Users();
    auto user_named = [&](const std::string& name) -> const User* {
        for (const User& u : users)
            if (SameUser(u.username, name)) return &u;
        return nullptr;
    };
    for (size_t i = 0; i < p.steps.size(); ++i) {
        ApprovalStep& s = p.steps[i];
        const std::string where = "steps[" + std::to_string(i) + "]";
        const std::string number = std::to_string(i + 1);
        if (IsBlank(s.name)) s.name = "Step " + number;
        CRM_TRY(condition(s.condition, where + ".condition"));
        if (s.escalate_after_hours < 0 || s.escalate_after_hours > 8760)
            return MessageError("approvals.escalation_hours", "approvals.escalation_hours",
                                {{"step", number}, {"value", std::to_string(s.escalate_after_hours)}},
                                where + ".escalate_after_hours");
        if (s.escalate_after_hours == 0 || s.escalate_to == ApprovalStep::EscalateTo::Manager) {
            s.escalate_user.clear();
        } else {
            const User* u = user_named(s.escalate_user);
            if (!u || !u->active)
                return MessageError("approvals.escalation_user", "approvals.escalation_user",
                                    {{"step", number}, {"name", s.escalate_user}}, where + ".escalate_user");
            s.escalate_user = u->username;
        }
        if (s.approver == ApproverKind::Manager) {
            s.approver_name.clear();
            continue;
        }
        if (IsBlank(s.approver_name))
            return MessageError("approvals.approver_required", "approvals.approver_required",
                                {{"step", number}, {"kind", ApproverKindName(s.approver)}},
                                where + ".approver");
        bool known = false;
        if (s.approver == ApproverKind::User) {
            const User* u = user_named(s.approver_name);
            if (u && !u->active)
                return MessageError("approvals.inactive_approver", "approvals.inactive_approver_definition",
                                    {{"step", number}, {"name", u->username}}, where + ".approver");
            if (u) s.approver_name = u->username;
            known = u != nullptr;
        } else if (s.approver == ApproverKind::Role) {
            for (const Role& r : access.Roles())
                if (SameUser(r.name, s.approver_name)) known = true, s.approver_name = r.name;
        } else {
            for (const Team& t : access.Teams())
                if (SameUser(t.name, s.approver_name)) known = true, s.approver_name = t.name;
        }
        if (!known)
            return MessageError(
                "approvals.unknown_approver", "approvals.unknown_approver",
                {{"step", number}, {"kind", ApproverKindName(s.approver)}, {"name", s.approver_name}},
                where + ".approver");
    }
    std::shared_ptr<const ObjectResolver> resolver = schema.Resolver(p.object);
    auto actions = [&](std::vector<ApprovalAction>& list, const char* when) -> Status {
        for (size_t i = 0; i < list.size(); ++i) {
            ApprovalAction& a = list[i];
            const std::string where = std::string("actions.") + when + "[" + std::to_string(i) + "]";
            if (a.kind == ApprovalAction::Kind::FieldUpdate) {
                const FieldDef* f = (*o)->Field(a.field);
                if (!f || f->is_read_only())
                    return MessageError("approvals.action_field", "approvals.action_field",
                                        {{"where", where}, {"object", p.object}, {"field", a.field}},
                                        where + ".field");
                a.field = f->api_name;
                Result<formula::CompiledFormula> c = formula::Compile(a.formula, *resolver);
                if (!c.ok()) {
                    Error e = c.error();
                    e.field = where + ".formula";
                    return e;
                }
                continue;
            }
            if (IsBlank(a.title))
                return MessageError("approvals.action_title", "approvals.action_title", {{"where", where}},
                                    where + (a.kind == ApprovalAction::Kind::Notify ? ".title" : ".subject"));
            if (a.kind == ApprovalAction::Kind::Task && a.to == "approvers") a.to = "submitter";
            if (a.to == "user") {
                const User* u = user_named(a.user);
                if (!u || !u->active)
                    return MessageError("approvals.action_user", "approvals.action_user",
                                        {{"where", where}, {"name", a.user}}, where + ".user");
                a.user = u->username;
            } else {
                a.user.clear();
            }
        }
        return Status::Ok();
    };
    CRM_TRY(actions(p.on_submit, "submit"));
    CRM_TRY(actions(p.on_approve, "approve"));
    CRM_TRY(actions(p.on_reject, "reject"));
    CRM_TRY(actions(p.on_recall, "recall"));
    return p;
}

Result<ApprovalProcess> ApprovalService::CreateProcess(const std::string& actor,
                                                       const ApprovalProcess& process) {
    if (authorizer_) CRM_TRY(authorizer_(actor, SystemPermission::ManageWorkflows));
    Result<ApprovalProcess> p = impl_->Validate(process);
    if (!p.ok()) return p.error();
    if (!impl_->Load(p->object, p->name).empty())
        return MessageError("approvals.duplicate_process", "approvals.duplicate_process",
                            {{"name", p->name}, {"object", p->object}}, "name");
    ChangeScope scope(impl_->changes, actor);
    CRM_TRY(scope.begin_status());
    p->id = 0;
    Statement st = impl_->db.Prepare(
        "INSERT INTO approval_process(object, name, position, active, definition) VALUES (?1, ?2, ?3, ?4, "
        "?5)");
    st.Bind(1, p->object)
        .Bind(2, p->name)
        .Bind(3, p->order)
        .Bind(4, p->active ? 1 : 0)
        .Bind(5, ToJson(*p).dump());
    CRM_TRY(st.Run());
    p->id = impl_->db.LastInsertRowId();
    CRM_TRY(scope.Audit("approvals", "create", "approval_process." + p->object + "." + p->name, nullptr,
                             ToJson(*p)));
    scope.Record("approvals", p->object, ChangeAction::Config);
    CRM_TRY(scope.Commit());
    return p;
}

Result<ApprovalProcess> ApprovalService::UpdateProcess(const std::string& actor,
                                                       const ApprovalProcess& process) {
    if (authorizer_) CRM_TRY(authorizer_(actor, SystemPermission::ManageWorkflows));
    Result<ApprovalProcess> old = Process(process.object, process.name);
    if (!old.ok()) return old.error();
    Result<ApprovalProcess> p = impl_->Validate(process);
    if (!p.ok()) return p.error();
    p->id = old->id;
    p->name = old->name;
    ChangeScope scope(impl_->changes, actor);
    CRM_TRY(scope.begin_status());
    Statement st = impl_->db.Prepare(
        "UPDATE approval_process SET position = ?2, active = ?3, definition = ?4 WHERE id = ?1");
    st.Bind(1, p->id).Bind(2, p->order).Bind(3, p->active ? 1 : 0).Bind(4, ToJson(*p).dump());
    CRM_TRY(st.Run());
    CRM_TRY(scope.Audit("approvals", "update", "approval_process." + p->object + "." + p->name,
                             ToJson(*old), ToJson(*p)));
    scope.Record("approvals", p->object, ChangeAction::Config);
    CRM_TRY(scope.Commit());
    return p;
}

Status ApprovalService::DeleteProcess(const std::string& actor, std::string_view object,
                                      std::string_view name) {
    if (authorizer_) CRM_TRY(authorizer_(actor, SystemPermission::ManageWorkflows));
    Result<ApprovalProcess> old = Process(object, name);
    if (!old.ok()) return old.error();
    Statement count = impl_->db.Prepare(
        "SELECT COUNT(*) FROM approval_request WHERE process_id = ?1 AND status = 'pending'");
    count.Bind(1, old->id);
    if (count.Step() && count.Int(0) > 0)
        return MessageError("approvals.process_in_use", "approvals.process_in_use",
                            {{"name", old->name}, {"count", std::to_string(count.Int(0))}}, "name");
    ChangeScope scope(impl_->changes, actor);
    CRM_TRY(scope.begin_status());
    Statement st = impl_->db.Prepare("DELETE FROM approval_process WHERE id = ?1");
    st.Bind(1, old->id);
    CRM_TRY(st.Run());
    CRM_TRY(scope.Audit("approvals", "delete", "approval_process." + old->object + "." + old->name,
                             ToJson(*old), nullptr));
    scope.Record("approvals", old->object, ChangeAction::Config);
    return scope.Commit();
}

std::vector<std::string> ApprovalService::FieldUsers(std::string_view object, std::string_view field) const {
    std::vector<std::string> users;
    for (const ApprovalProcess& p : Processes()) {
        bool used = false;
        auto reads = [&](const std::string& text, bool condition) {
            used = used || (!IsBlank(text) &&
                            impl_->schema.FormulaReadsField(p.object, text, condition, object, field));
        };
        reads(p.entry_condition, true);
        for (const ApprovalStep& s : p.steps) reads(s.condition, true);
        for (const auto* list : {&p.on_submit, &p.on_approve, &p.on_reject, &p.on_recall}) {
            for (const ApprovalAction& a : *list) {
                if (a.kind != ApprovalAction::Kind::FieldUpdate) continue;
                used = used || (SameUser(p.object, object) && SameUser(a.field, field));
                reads(a.formula, false);
            }
        }
        if (used) users.push_back("approval process " + p.object + "." + p.name);
    }
    return users;
}

std::vector<std::string> ApprovalService::ValueUsers(std::string_view object, std::string_view field,
                                                     std::string_view value) const {
    std::vector<std::string> users;
    const std::string quoted = "\"" + std::string(value) + "\"";
    for (const ApprovalProcess& p : Processes()) {
        bool used = false;
        auto names = [&](const std::string& text, bool condition) {
            used = used || (text.find(quoted) != std::string::npos &&
                            impl_->schema.FormulaReadsField(p.object, text, condition, object, field));
        };
        names(p.entry_condition, true);
        for (const ApprovalStep& s : p.steps) names(s.condition, true);
        for (const auto* list : {&p.on_submit, &p.on_approve, &p.on_reject, &p.on_recall}) {
            for (const ApprovalAction& a : *list) {
                if (a.kind != ApprovalAction::Kind::FieldUpdate) continue;
                used =
                    used || (SameUser(p.object, object) && SameUser(a.field, field) && a.formula == quoted);
                names(a.formula, false);
            }
        }
        if (used) users.push_back("approval process " + p.object + "." + p.name);
    }
    return users;
}

// [SECTION] The record lock

bool ApprovalService::IsAdministrator(const std::string& actor, std::string_view object) {
    if (IsSystemActor(actor)) return true;
    if (impl_->access.HasSystemPermission(actor, SystemPermission::ManageWorkflows)) return true;
    Result<EffectivePermissions> e = impl_->access.Effective(actor);
    if (!e.ok()) return false;
    for (const auto& [name, bits] : e->objects)
        if (SameUser(name, object) && (bits & kObjModifyAll)) return true;
    return false;
}

Status ApprovalService::Impl::LockCheck(const std::string& actor, const ObjectDef& object,
                                        int64_t record_id) {
    if (IsSystemActor(actor) || record_id <= 0) return Status::Ok();
    std::optional<StoredRequest> req = PendingRow(object.api_name, record_id);
    if (!req) return Status::Ok();
    std::vector<ApprovalWorkItem> items = PendingItems(req->id, req->step);
    std::string approvers;
    for (const ApprovalWorkItem& i : items) {
        if (SameUser(i.approver, actor) || IsActiveDelegate(i.approver, actor)) return Status::Ok();
        approvers += (approvers.empty() ? "" : ", ") + i.approver;
    }
    if (self.IsAdministrator(actor, object.api_name)) return Status::Ok();
    return MessageError("approvals.record_locked", "approvals.record_locked",
                        {{"object", object.api_name},
                         {"id", std::to_string(record_id)},
                         {"request", std::to_string(req->id)},
                         {"process", req->process},
                         {"since", FormatUtcIso8601(req->submitted_ms)},
                         {"approvers", approvers}});
}

void ApprovalService::Attach() {
    Impl* impl = impl_.get();
    impl->records.AddSaveStage(SaveStageId::Access, "approval lock", [impl](SaveContext& save) {
        if (save.is_new) return;
        if (Status s = impl->LockCheck(save.actor, save.object, save.record_id); !s.ok())
            save.Fail(s.error());
    });
    impl->records.AddDeleteHook(DeletePhase::Before, "approval lock", [impl](DeleteContext& del) {
        if (Status s = impl->LockCheck(del.actor, del.object, del.record_id); !s.ok()) del.Fail(s.error());
    });
    // A deleted record's pending request ends with it (recalled, the history says why).
    impl->records.AddDeleteHook(
        DeletePhase::After, "approval requests of a deleted record", [impl](DeleteContext& del) {
            std::optional<StoredRequest> req = impl->PendingRow(del.object.api_name, del.record_id);
            if (!req) return;
            ChangeScope* scope = impl->changes.open_scope();
            if (!scope) return;
            Statement up = impl->db.Prepare(
                "UPDATE approval_request SET status = 'recalled', completed_ms = ?2 WHERE id = ?1");
            up.Bind(1, req->id).Bind(2, impl->Now());
            Statement items = impl->db.Prepare(
                "UPDATE approval_work_item SET status = 'not_needed' WHERE request_id = ?1 AND "
                "status = 'pending'");
            items.Bind(1, req->id);
            Status s = up.Run();
            if (s.ok()) s = items.Run();
            if (s.ok())
                s = impl->History(*scope, *req, del.actor, "", -1, "recalled", "The record was deleted.");
            if (!s.ok()) del.Fail(s.error());
        });
    impl->schema.AddFieldUserSource(
        [this](std::string_view object, std::string_view field) { return FieldUsers(object, field); });
}

// [SECTION] Delegation

bool ApprovalService::Impl::IsActiveDelegate(const std::string& user, const std::string& actor) const {
    Statement st =
        db.Prepare("SELECT delegate, from_ms, until_ms FROM approval_delegate WHERE username = ?1");
    st.Bind(1, user);
    if (!st.Step()) return false;
    const int64_t now = Now();
    return SameUser(st.Text(0), actor) && st.Int(1) <= now && (st.Int(2) == 0 || now < st.Int(2));
}

std::optional<Delegation> ApprovalService::DelegateOf(std::string_view user) const {
    Statement st = impl_->db.Prepare(
        "SELECT username, delegate, from_ms, until_ms FROM approval_delegate WHERE username = ?1");
    st.Bind(1, user);
    if (!st.Step()) return std::nullopt;
    return Delegation{st.Text(0), st.Text(1), st.Int(2), st.Int(3)};
}

Status ApprovalService::SetDelegate(const std::string& actor, const std::string& user,
                                    const std::string& delegate, int64_t from_ms, int64_t until_ms) {
    Result<User> u = impl_->access.GetUser(user);
    if (!u.ok()) return u.error();
    if (!SameUser(actor, u->username) && !IsSystemActor(actor) &&
        !impl_->access.HasSystemPermission(actor, SystemPermission::ManageUsers) &&
        !impl_->access.HasSystemPermission(actor, SystemPermission::ManageWorkflows)) {
        return MessageError("access.denied", "approvals.delegate_denied", {{"user", u->username}},
                            "username");
    }
    ChangeScope scope(impl_->changes, actor);
    CRM_TRY(scope.begin_status());
    std::optional<Delegation> old = DelegateOf(u->username);
    if (IsBlank(delegate)) {
        Statement st = impl_->db.Prepare("DELETE FROM approval_delegate WHERE username = ?1");
        st.Bind(1, u->username);
        CRM_TRY(st.Run());
        CRM_TRY(scope.Audit("approvals", "delegate", "delegate." + u->username,
                                 old ? ToJson(*old) : json(nullptr), nullptr));
    } else {
        Result<User> d = impl_->access.GetUser(delegate);
        if (!d.ok() || !d->active || SameUser(d->username, u->username))
            return MessageError("approvals.delegate_invalid", "approvals.delegate_invalid",
                                {{"name", delegate}, {"user", u->username}}, "delegate");
        if (until_ms != 0 && until_ms <= from_ms)
            return MessageError("approvals.delegate_dates", "approvals.delegate_dates", {}, "until");
        Statement st = impl_->db.Prepare(
            "INSERT OR REPLACE INTO approval_delegate(username, delegate, from_ms, until_ms) VALUES (?1, ?2, "
            "?3, ?4)");
        st.Bind(1, u->username).Bind(2, d->username).Bind(3, from_ms).Bind(4, until_ms);
        CRM_TRY(st.Run());
        CRM_TRY(scope.Audit("approvals", "delegate", "delegate." + u->username,
                                 old ? ToJson(*old) : json(nullptr),
                                 ToJson(Delegation{u->username, d->username, from_ms, until_ms})));
    }
    scope.Record("approvals", "", ChangeAction::Config);
    return scope.Commit();
}

}  // namespace crm
