// Automation rules: a trigger, a condition formula and ordered actions, run as the automation stage of
// the save pipeline, on delete, or at a time relative to a date field (through the scheduler).
//
// [SECTION] Rules         AutomationTrigger, AutomationAction, AutomationRule and their JSON forms
// [SECTION] Hooks         AssignThroughRulesFn: the "assign through the assignment rules" action
// [SECTION] Simulate      SimulatedRun: what a rule would do to a record, without saving
// [SECTION] Service       AutomationService: rules (Manage Workflows), running, the parts it owns
//
// The order of a save (SEMANTICS.md): access, field types, required and unique, validation rules,
// duplicate rules, then AUTOMATION, history and the write. In the automation stage the active rules of
// the object whose trigger fires run by their order number (then name): a rule whose condition holds
// applies its field updates and direct owner assignment to the record being saved (so later rules see
// them); its other actions (create a task, notify, call a webhook) run after the write, in the same
// transaction, when the record's id is known, in rule order. A field update that changes a field another
// rule watches ("when fields change") runs that rule again on the same save; a chain of rules that keeps
// re-triggering itself, here or through the records its actions save, stops at depth kMaxAutomationDepth
// with an error naming the chain. A save and its automation are one transaction: an action that fails
// refuses the save (nothing written, nothing queued) and the failed run is logged.
// Time-based rules do not run on the save: each save (re)computes the item of each time-based rule of the
// record in the scheduler (moved when the date field moves, dropped when the date is blank, the condition
// no longer holds or the record is deleted); when due, the scheduler re-checks the condition on the
// record as stored and runs the actions (field updates save the record as the system).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "access/policy.h"
#include "common/result.h"
#include "records/records.h"
#include "workflow/notifications.h"
#include "workflow/outbox.h"
#include "workflow/scheduler.h"
#include "workflow/workflow_log.h"

namespace crm {

class Changes;
class CompanyService;
class SchemaService;

/// Rules that trigger each other stop here.
constexpr int kMaxAutomationDepth = 8;

// [SECTION] Rules

enum class TriggerKind { OnCreate, OnUpdate, OnFieldChange, OnDelete, Time };
const char* TriggerKindName(TriggerKind kind);  ///< "on_create", "on_update", "on_field_change", ...

/// When a rule runs. Time-based: `offset` `unit`s before or after the date (or date-time) field, at the
/// company-time `at_minute` when set (days only), moved to the next business hours when asked.
struct AutomationTrigger {
    TriggerKind kind = TriggerKind::OnCreate;
    std::vector<std::string> fields;  ///< on_field_change: any of these changing fires the rule
    std::string date_field;           ///< time
    int offset = 0;                   ///< time: 0..525600 minutes, 0..8760 hours, 0..3650 days
    std::string unit = "days";        ///< "minutes", "hours", "days"
    bool before = false;              ///< before (true) or after the date
    int at_minute = -1;               ///< time of day in company time, minutes after midnight; -1 = none
    bool business_hours = false;      ///< a due time outside business hours moves to the next opening
};

enum class ActionKind { UpdateField, CreateTask, AssignOwner, Notify, Webhook };
const char* ActionKindName(ActionKind kind);  ///< "update_field", "create_task", "assign_owner", ...

/// One action. Which members matter depends on the kind (see the JSON form in docs/commands.md).
struct AutomationAction {
    ActionKind kind = ActionKind::UpdateField;
    // update_field
    std::string field;
    std::string value;  ///< a formula over the record ("Amount * 0.9", "\"Hot\"", "TODAY() + 7")
    // create_task
    std::string subject;
    int due_in_days = -1;             ///< -1 = no due date
    std::string priority;             ///< "" = the field's default
    std::string assign_to = "owner";  ///< "owner" or a username
    // assign_owner
    std::string user;            ///< a username
    bool through_rules = false;  ///< through the assignment rules (AssignThroughRulesFn)
    // notify: to "user" | "owner" | "owner_manager" | "role" | "team", name for user, role and team;
    // title and body may hold {{Field}} merge fields of the record
    std::string to = "owner";
    std::string name;
    std::string title;
    std::string body;
    // webhook
    std::string url;
    std::string method = "POST";
};

/// An automation rule on one object.
struct AutomationRule {
    int64_t id = 0;
    std::string object;
    std::string name;  ///< unique per object
    std::string description;
    bool active = true;
    int order = 0;  ///< rules of an object run by this number (then by name)
    AutomationTrigger trigger;
    std::string condition;  ///< a Boolean formula; "" = always
    std::vector<AutomationAction> actions;
};

nlohmann::json ToJson(const AutomationRule& rule);
/// Reads the keys present over `base` (unknown keys and wrong types are errors; nothing is checked
/// against the schema here: AutomationService does that).
Result<AutomationRule> AutomationRuleFromJson(const nlohmann::json& json, AutomationRule base);

// [SECTION] Hooks

/// Picks the owner through the assignment rules for the record being saved: the new owner's user id, or
/// 0 when no entry matches (the owner stays). Wired by the Workspace to the assignment service; unset, the
/// action fails with "workflow.no_assignment_rules".
using AssignThroughRulesFn = std::function<Result<int64_t>(SaveContext& save)>;

// [SECTION] Simulate

/// What one rule would do to one stored record (nothing saved).
struct SimulatedRun {
    int64_t record_id = 0;
    std::string record_name;
    bool condition_met = false;
    std::vector<std::string> actions;  ///< what it would do
    nlohmann::json changes;            ///< field -> new value, for field updates
    std::string error;
};

// [SECTION] Service

class ChangeScope;

/// A rule that fired on a record and ran its actions, inside the change that ran them (what webhook
/// subscriptions on workflow actions hear: core/integration/webhooks.h).
struct RuleFired {
    const AutomationRule& rule;
    const ObjectDef& object;
    int64_t record_id;
    int64_t owner_id;                           ///< 0 = none
    const std::vector<formula::Value>& values;  ///< the record as saved, per index of object.fields
    const std::string& trigger;                 ///< "on_create", "on_update", ..., "time"
    const std::vector<std::string>& actions;    ///< what the rule did, as the log says it
};
/// An error refuses the save, as a failing action does.
using RuleFiredListener = std::function<Status(ChangeScope& scope, const RuleFired& fired)>;
/// Whether a listener may act on rules fired on records of `object`: a save no listener hears calls
/// none, and times only its rules' own after-write actions.
using RuleFiredInterest = std::function<bool(const ObjectDef& object)>;

/// The rules and the parts of the workflow engine they use: the scheduler, the notification inbox, the
/// execution log and the webhook outbox (each reachable for the other workflow services).
class AutomationService {
public:
    AutomationService(Changes& changes, SchemaService& schema, RecordService& records,
                      CompanyService& company);
    ~AutomationService();

    /// Attaches to the save pipeline (the automation stage, an after-write hook, delete hooks) and the
    /// scheduler (kind "automation"). The Workspace calls it once.
    void Attach();
    /// Manage Workflows is checked through this (rules, the log, the scheduler).
    void SetAuthorizer(Authorizer authorizer);
    void SetAssignThroughRules(AssignThroughRulesFn fn) { assign_through_rules_ = std::move(fn); }
    /// Hears every rule that fired on a save or a due time item, after its actions ran, on the objects
    /// `hears` answers true for (every object without it).
    void AddRuleFiredListener(RuleFiredListener fn, RuleFiredInterest hears = {}) {
        rule_fired_.push_back({std::move(fn), std::move(hears)});
    }

    SchedulerService& scheduler() { return *scheduler_; }
    NotificationService& notifications() { return *notifications_; }
    WorkflowLog& log() { return *log_; }
    WebhookOutbox& outbox() { return *outbox_; }

    // Rules (Manage Workflows for every change; reading them too)
    /// The rules of `object` ("" = every object), by object, order, name.
    Result<std::vector<AutomationRule>> List(const std::string& actor, const std::string& object = "") const;
    Result<AutomationRule> Get(const std::string& actor, const std::string& object,
                               const std::string& name) const;
    /// Checks the rule against the schema (trigger fields, the condition compiled with its position,
    /// every action) and stores it. Errors name the part: "workflow.bad_condition" (with position),
    /// "workflow.bad_trigger", "workflow.offset_out_of_range", "workflow.bad_action",
    /// "workflow.bad_webhook_url", "workflow.duplicate_rule".
    Result<AutomationRule> Create(const std::string& actor, const AutomationRule& rule);
    /// Replaces the rule with this id (or object and name) by `rule`.
    Result<AutomationRule> Update(const std::string& actor, const AutomationRule& rule);
    Status Delete(const std::string& actor, const std::string& object, const std::string& name);
    /// "automation rule <name>" for every rule that uses object.field (trigger, condition, field updates,
    /// time field): the field user source the Workspace registers with the schema.
    /// "automation rule X" for each rule whose condition (or a field update's formula) reads object.field and
    /// names `value` as a text literal: the picklist value cannot be removed under it.
    std::vector<std::string> RulesUsingValue(std::string_view object, std::string_view field,
                                             std::string_view value) const;
    std::vector<std::string> RulesUsing(std::string_view object, std::string_view field) const;

    /// Runs a rule (stored, or given in full) against chosen records (`ids`) or the records matching
    /// `filter_formula` (at most `limit`) as if each were saved unchanged (time rules: as if due), without
    /// saving anything. The actor needs Manage Workflows and reads only records they may read.
    Result<std::vector<SimulatedRun>> Simulate(const std::string& actor, const AutomationRule& rule,
                                               const std::vector<int64_t>& ids,
                                               const std::string& filter_formula, int limit = 20);

    /// Log retention in days (Manage Workflows).
    Status SetLogRetentionDays(const std::string& actor, int days);

    /// Shared with the implementation files.
    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
    std::unique_ptr<SchedulerService> scheduler_;
    std::unique_ptr<NotificationService> notifications_;
    std::unique_ptr<WorkflowLog> log_;
    std::unique_ptr<WebhookOutbox> outbox_;
    AssignThroughRulesFn assign_through_rules_;
    struct RuleFiredHook {
        RuleFiredListener fn;
        RuleFiredInterest hears;  ///< empty: every object
    };
    /// The listeners that hear rules fired on `object`'s records.
    std::vector<const RuleFiredHook*> RuleFiredHooksFor(const ObjectDef& object) const;
    std::vector<RuleFiredHook> rule_fired_;
    Authorizer authorizer_;
};

/// The SQL of migration 7: automation rules, the scheduler's queue, notifications, the execution log and
/// its settings, the webhook outbox.
std::string AutomationMigrationSql();

}  // namespace crm
