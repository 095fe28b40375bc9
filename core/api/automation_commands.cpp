// automation.*, scheduler.*, workflow.log, notifications.inbox.*: automation rules, the scheduler's
// queue, the execution log and the acting user's own notification inbox.
#include "api/command.h"
#include "workspace.h"

namespace crm::api {

namespace {

using SP = SystemPermission;

const Arg kRuleObject = {"object", ArgType::String, true};
const Arg kRuleName = {"name", ArgType::String, true};

/// The rule's JSON form from the flat arguments of automation.create.
json RuleJsonFromArgs(const json& args) {
    json j = json::object();
    for (const char* key :
         {"object", "name", "description", "active", "order", "trigger", "condition", "actions"})
        if (args.contains(key)) j[key] = args[key];
    return j;
}

Result<json> CreateCmd(Call& call) {
    Result<AutomationRule> rule = AutomationRuleFromJson(RuleJsonFromArgs(call.args), {});
    if (!rule.ok()) return rule.error();
    Result<AutomationRule> created = call.workspace.automation().Create(call.actor, *rule);
    if (!created.ok()) return created.error();
    return ToJson(*created);
}

Result<json> UpdateCmd(Call& call) {
    AutomationService& automation = call.workspace.automation();
    Result<AutomationRule> old = automation.Get(call.actor, call.Str("object"), call.Str("name"));
    if (!old.ok()) return old.error();
    const json* changes = call.Obj("changes");
    Result<AutomationRule> rule = AutomationRuleFromJson(changes ? *changes : json::object(), *old);
    if (!rule.ok()) return rule.error();
    rule->id = old->id;
    Result<AutomationRule> updated = automation.Update(call.actor, *rule);
    if (!updated.ok()) return updated.error();
    return ToJson(*updated);
}

Result<json> DeleteCmd(Call& call) {
    return StatusJson(call.workspace.automation().Delete(call.actor, call.Str("object"), call.Str("name")),
                      {{"deleted", call.Str("name")}});
}

Result<json> ListCmd(Call& call) {
    Result<std::vector<AutomationRule>> rules =
        call.workspace.automation().List(call.actor, call.Str("object"));
    if (!rules.ok()) return rules.error();
    json out = json::array();
    for (const AutomationRule& r : *rules) out.push_back(ToJson(r));
    return json{{"rules", out}};
}

Result<json> SimulateCmd(Call& call) {
    AutomationService& automation = call.workspace.automation();
    AutomationRule rule;
    if (const json* given = call.Obj("rule")) {
        json j = *given;
        if (!j.contains("object")) j["object"] = call.Str("object");
        if (!j.contains("name")) j["name"] = call.Str("name", "Simulation");
        Result<AutomationRule> r = AutomationRuleFromJson(j, {});
        if (!r.ok()) return r.error();
        rule = *r;
    } else {
        Result<AutomationRule> r = automation.Get(call.actor, call.Str("object"), call.Str("name"));
        if (!r.ok()) return r.error();
        rule = *r;
    }
    std::vector<int64_t> ids;
    if (call.args.contains("ids")) {
        for (const json& id : call.args["ids"]) {
            if (!id.is_number_integer() || id.get<int64_t>() <= 0)
                return InvalidArgument("ids", "\"ids\" lists record ids (positive whole numbers).");
            ids.push_back(id.get<int64_t>());
        }
    }
    Result<std::vector<SimulatedRun>> runs =
        automation.Simulate(call.actor, rule, ids, call.Str("filter_formula"), call.Int("limit", 20));
    if (!runs.ok()) return runs.error();
    json out = json::array();
    for (const SimulatedRun& r : *runs) {
        json item = {{"id", r.record_id},
                     {"name", r.record_name},
                     {"condition_met", r.condition_met},
                     {"actions", r.actions},
                     {"changes", r.changes}};
        if (!r.error.empty()) item["error"] = r.error;
        out.push_back(std::move(item));
    }
    return json{{"rule", rule.name}, {"records", out}};
}

Result<json> SchedulerListCmd(Call& call) {
    SchedulerService& scheduler = call.workspace.automation().scheduler();
    json items = json::array();
    for (const ScheduledItem& item :
         scheduler.List(call.Str("state", "pending"), call.Int("limit", 100), call.Int("offset", 0),
                        call.Str("object"), call.Id("record_id")))
        items.push_back(ToJson(item));
    return json{{"pending", scheduler.PendingCount()}, {"items", items}};
}

Result<json> RunDueCmd(Call& call) {
    const int64_t now = call.Time("now").value_or(call.workspace.clock().NowMs());
    Result<RunDueReport> report =
        call.workspace.automation().scheduler().RunDue(call.actor, now, call.Int("limit", 1000));
    if (!report.ok()) return report.error();
    json ran = json::array();
    for (const ScheduledItem& item : report->ran) ran.push_back(ToJson(item));
    return json{
        {"now", FormatUtcIso8601(now)}, {"ran", ran}, {"ran_late", report->late}, {"failed", report->failed}};
}

Result<json> LogCmd(Call& call) {
    WorkflowLogFilter f;
    f.object = call.Str("object");
    f.rule = call.Str("rule");
    f.record_id = call.Id("record_id");
    if (call.args.contains("errors")) f.errors = call.Bool("errors", false) ? 1 : 0;
    f.since_ms = call.Time("since").value_or(0);
    f.limit = call.Int("limit", 100);
    f.offset = call.Int("offset", 0);
    WorkflowLog& log = call.workspace.automation().log();
    json entries = json::array();
    for (const WorkflowLogEntry& e : log.List(f)) entries.push_back(ToJson(e));
    return json{{"retention_days", log.RetentionDays()}, {"entries", entries}};
}

Result<json> LogRetentionCmd(Call& call) {
    return StatusJson(call.workspace.automation().SetLogRetentionDays(call.actor, call.Int("days", 30)),
                      {{"retention_days", call.Int("days", 30)}});
}

Result<json> InboxListCmd(Call& call) {
    NotificationService& inbox = call.workspace.automation().notifications();
    json items = json::array();
    for (const Notification& n : inbox.Inbox(call.actor, call.Bool("unread_only", false),
                                             call.Int("limit", 50), call.Int("offset", 0)))
        items.push_back(ToJson(n));
    return json{{"unread", inbox.UnreadCount(call.actor)}, {"notifications", items}};
}

Result<json> InboxUnreadCmd(Call& call) {
    return json{{"unread", call.workspace.automation().notifications().UnreadCount(call.actor)}};
}

Result<json> InboxReadCmd(Call& call) {
    std::vector<int64_t> ids;
    if (call.args.contains("ids")) {
        for (const json& id : call.args["ids"]) {
            if (!id.is_number_integer() || id.get<int64_t>() <= 0)
                return InvalidArgument("ids", "\"ids\" lists notification ids (positive whole numbers).");
            ids.push_back(id.get<int64_t>());
        }
    }
    if (ids.empty() && !call.Bool("all", false))
        return InvalidArgument("ids",
                               "Name the notifications to mark read in \"ids\", or pass \"all\": true.");
    Result<int64_t> marked = call.workspace.automation().notifications().MarkRead(call.actor, ids);
    if (!marked.ok()) return marked.error();
    return json{{"marked", *marked},
                {"unread", call.workspace.automation().notifications().UnreadCount(call.actor)}};
}

}  // namespace

void RegisterAutomationCommands(Registry& r) {
    const Reads workflows = SetupData("the automation rules", {SP::ManageWorkflows});
    const Reads scheduler = SetupData("the scheduled items", {SP::ManageWorkflows});
    const Reads log = SetupData("the workflow log", {SP::ManageWorkflows});
    r.push_back(
        {"automation.create",
         "Creates an automation rule: trigger, condition formula and ordered actions.",
         {kRuleObject,
          kRuleName,
          {"description", ArgType::String},
          {"active", ArgType::Boolean},
          {"order", ArgType::Integer},
          {"trigger", ArgType::Object, true,
           "{kind: \"on_create\"|\"on_update\"|\"on_field_change\"|\"on_delete\"|\"time\", fields?, field?, "
           "offset?, unit?, direction?, at?, business_hours?}"},
          {"condition", ArgType::String},
          {"actions", ArgType::Array, true,
           "[{kind: \"update_field\"|\"create_task\"|\"assign_owner\"|\"notify\"|\"webhook\", ...}]"}},
         workflows,
         true,
         {{"object", "Opportunity"},
          {"name", "Negotiation follow-up"},
          {"trigger", {{"kind", "on_field_change"}, {"fields", {"StageName"}}}},
          {"condition", "ISPICKVAL(StageName, \"Negotiation\")"},
          {"actions",
           {{{"kind", "create_task"}, {"subject", "Prepare the contract for {{Name}}"}, {"due_in_days", 2}},
            {{"kind", "notify"}, {"to", "owner_manager"}, {"title", "{{Name}} is in negotiation"}}}}},
         CreateCmd});
    r.push_back({"automation.update",
                 "Changes an automation rule: the parts given in changes replace the rule's own.",
                 {kRuleObject,
                  kRuleName,
                  {"changes", ArgType::Object, true, "{name?, active?, order?, trigger?, ...}"}},
                 workflows,
                 true,
                 {{"object", "Account"}, {"name", "Welcome"}, {"changes", {{"active", false}}}},
                 UpdateCmd});
    r.push_back({"automation.delete",
                 "Deletes an automation rule and drops its scheduled items.",
                 {kRuleObject, kRuleName},
                 workflows,
                 true,
                 {{"object", "Account"}, {"name", "Welcome"}},
                 DeleteCmd});
    r.push_back({"automation.list",
                 "Lists the automation rules of an object (or of every object), in the order they run.",
                 {{"object", ArgType::String}},
                 workflows,
                 false,
                 {{"object", "Account"}},
                 ListCmd});
    r.push_back({"automation.simulate",
                 "Runs a rule against chosen or filtered records without saving: what would change.",
                 {kRuleObject,
                  {"name", ArgType::String, false, "string (a stored rule)"},
                  {"rule", ArgType::Object, false, "{trigger, condition, actions} (a rule not saved yet)"},
                  {"ids", ArgType::Array, false, "[record id]"},
                  {"filter_formula", ArgType::String},
                  {"limit", ArgType::Integer, false, "integer (1..200)"}},
                 workflows,
                 false,
                 {{"object", "Account"}, {"name", "Welcome"}, {"limit", 5}},
                 SimulateCmd});
    r.push_back(
        {"scheduler.list",
         "Lists the scheduler's queue: pending items by due time, or those that ran (late ones marked).",
         {{"state", ArgType::String, false, "\"pending\"|\"done\"|\"failed\"|\"\""},
          {"object", ArgType::String},
          {"record_id", ArgType::Id},
          {"offset", ArgType::Integer},
          {"limit", ArgType::Integer, false, "integer (1..1000)"}},
         scheduler,
         false,
         {{"state", "pending"}},
         SchedulerListCmd});
    r.push_back({"scheduler.run_due",
                 "Runs every scheduled item due at now (default: the clock), each exactly once.",
                 {{"now", ArgType::Time}, {"limit", ArgType::Integer}},
                 scheduler,
                 true,
                 {{"now", "2026-12-01T09:00:00Z"}},
                 RunDueCmd});
    r.push_back({"workflow.log",
                 "Lists the execution log of automation rules, newest first, filtered.",
                 {{"object", ArgType::String},
                  {"rule", ArgType::String},
                  {"record_id", ArgType::Id},
                  {"errors", ArgType::Boolean, false, "boolean (true: failed runs only)"},
                  {"since", ArgType::Time},
                  {"offset", ArgType::Integer},
                  {"limit", ArgType::Integer, false, "integer (1..1000)"}},
                 log,
                 false,
                 {{"object", "Account"}, {"limit", 20}},
                 LogCmd});
    r.push_back({"workflow.log_retention",
                 "Sets how many days the execution log keeps its entries.",
                 {{"days", ArgType::Integer, true, "integer (1..3650)"}},
                 log,
                 true,
                 {{"days", 60}},
                 LogRetentionCmd});
    r.push_back(
        {"notifications.inbox.list",
         "Lists the acting user's own notifications, newest first, with the unread count.",
         {{"unread_only", ArgType::Boolean}, {"offset", ArgType::Integer}, {"limit", ArgType::Integer}},
         PublicFacts(),
         false,
         {{"unread_only", true}},
         InboxListCmd});
    r.push_back({"notifications.inbox.unread_count",
                 "The number of unread notifications in the acting user's inbox.",
                 {},
                 PublicFacts(),
                 false,
                 json::object(),
                 InboxUnreadCmd});
    r.push_back({"notifications.inbox.read",
                 "Marks notifications of the acting user's own inbox read (ids, or all).",
                 {{"ids", ArgType::Array, false, "[notification id]"}, {"all", ArgType::Boolean}},
                 PublicFacts(),
                 true,
                 {{"ids", {1}}},
                 InboxReadCmd});
}

}  // namespace crm::api
