// Approval processes: definitions (entry condition, ordered steps, actions), requests through their steps,
// the record lock while a request is pending, delegated approvers, and the approval inbox.
//
// [SECTION] Definitions   ApproverKind, StepMode, NotMetAction, RejectBehavior, ApprovalAction, ApprovalStep,
//                         ApprovalProcess and their JSON forms
// [SECTION] Requests      ApprovalWorkItem, ApprovalHistoryEntry, ApprovalRequest, InboxItem, Delegation,
//                         ApprovalSimulation
// [SECTION] ApprovalService
//
// Decisions taken where SEMANTICS.md is silent:
// - Who may change definitions: Manage Workflows (through the Authorizer). Conditions and field-update
//   formulas are compiled when the process is saved; a bad formula is refused with its position. Processes
//   are tried in their order (then by id); the first active one whose entry condition holds takes the
//   request (or the one the submitter names).
// - A request keeps a copy of its process as it was at submission, so editing a process never moves
//   requests already under way; a process with pending requests cannot be deleted.
// - Submitting needs Edit access to the record (the record-level decision of the access engine).
// - Approvers of a step: the submitter's manager, a named user, every active user of a role, or every
//   active member of a team. Unanimous: every one of them must approve; First Response: the first answer
//   decides. A named approver (user, manager) who is inactive, or a role or team without an active member,
//   makes the submission (or the move to that step) fail with "approvals.approver_inactive" /
//   "approvals.no_approver", naming who could not be asked; nothing of it is kept. A user named in a
//   definition must be active when the process is saved.
// - A step whose condition does not hold is skipped, approves the request, or rejects it (when_not_met).
//   Skipping past the last step is a final approval.
// - A rejection rejects the request, or (back_one_step) returns it to the previous step, whose approvers
//   are asked again; a rejection at the first step is always final.
// - Approval administrators: users holding Manage Workflows, or Modify All on the record's object. They may
//   approve, reject or reassign any pending request (their answer decides the whole step), recall any
//   request, and edit a locked record.
// - The record lock: while a request is pending, a save of the record (or its delete) is refused
//   ("approvals.record_locked": which process, since when, with whom) except for the current approvers,
//   their active delegates, the approval administrators and the system actor (actions, automation).
// - Escalation: a step may name escalate_after_hours (1..8760) and escalate_to (the approver's manager, or a
//   named active user). The hours are BUSINESS hours of the company profile (its zone, days and opening
//   hours), as Salesforce's case escalation rules count "age" in business hours: an approver is not
//   escalated over a weekend or a night. When a step asks its approvers, one scheduler item of kind
//   "approval_escalation" is queued in the same change (rule_id = the first work item of that asking,
//   record_id = the record); any decision, recall or move to another step cancels it. When it falls due and
//   the step still waits, each pending work item is REASSIGNED (the item becomes "escalated" and the
//   escalation user gets a new pending item), as Salesforce consoles' escalation rules reassign ("auto-
//   reassign to") rather than add a co-approver: the step keeps its Unanimous / First Response count. The
//   approver and the new approver are notified in-app and the history records "escalated" (from, to, after
//   how many business hours). A step escalates once per asking. An approver without an active manager (or
//   an inactive escalation user) fails the item with "approvals.escalation_no_target", which the scheduler
//   keeps as the item's error (the scheduled items page and scheduler.list show it); nothing is changed.
// - Delegation: a user names one delegate for a period (from, until; until 0 = open-ended). While it runs
//   the delegate may approve, reject or reassign what waits for that user; the history says "for X".
// - Actions (submit, final approval, final rejection, recall) run in order in the decision's transaction:
//   field updates through RecordService as the system actor (the value a formula over the record), tasks as
//   Task records (WhatId set when the object is Opportunity), notifications through the NotifyFn hook. Any
//   failure rolls the whole decision back. Approvers are notified through the same hook when a step asks
//   them, and the submitter when the request is finally approved or rejected.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/policy.h"
#include "common/result.h"

namespace crm {

class AccessService;
class ChangeScope;
class Changes;
class RecordService;
class SchemaService;
class SchedulerService;
struct ObjectDef;

// [SECTION] Definitions

enum class ApproverKind { Manager, User, Role, Team };
enum class StepMode { Unanimous, FirstResponse };
/// What a step whose condition does not hold does.
enum class NotMetAction { Skip, Approve, Reject };
/// What a rejection at a step does.
enum class RejectBehavior { RejectRequest, BackOneStep };

/// One action of a process, run on submit, final approval, final rejection or recall.
struct ApprovalAction {
    enum class Kind { FieldUpdate, Notify, Task };
    Kind kind = Kind::FieldUpdate;
    std::string field;    ///< FieldUpdate: the field's API name
    std::string formula;  ///< FieldUpdate: the value, a formula over the record (a literal is a formula)
    /// Notify and Task: "submitter", "owner", "manager" (the submitter's), "approvers" (Notify only: every
    /// approver the request asked) or "user" (then `user`).
    std::string to = "submitter";
    std::string user;
    std::string title;  ///< Notify: the title; Task: the subject
    std::string body;   ///< Notify: the body; Task: the comments
    int due_days = 0;   ///< Task: due this many days after the action runs (0 = no due date)
};

/// One step of a process.
struct ApprovalStep {
    std::string name;
    ApproverKind approver = ApproverKind::Manager;
    std::string approver_name;  ///< User, Role or Team: the username, role or team
    StepMode mode = StepMode::FirstResponse;
    std::string condition;  ///< a Boolean formula; "" = the step always applies
    NotMetAction when_not_met = NotMetAction::Skip;
    RejectBehavior on_reject = RejectBehavior::RejectRequest;
    /// Business hours after which a still-pending step escalates (0 = never; 1..8760).
    int escalate_after_hours = 0;
    /// Whom an escalation reassigns to: the approver's manager, or `escalate_user`.
    enum class EscalateTo { Manager, User };
    EscalateTo escalate_to = EscalateTo::Manager;
    std::string escalate_user;
};

/// An approval process on one object.
struct ApprovalProcess {
    int64_t id = 0;
    std::string object;
    std::string name;  ///< unique per object
    std::string description;
    bool active = true;
    int order = 0;                ///< processes are tried in this order
    std::string entry_condition;  ///< a Boolean formula; "" = every record
    std::vector<ApprovalStep> steps;
    std::vector<ApprovalAction> on_submit, on_approve, on_reject, on_recall;
};

/// {"id", "object", "name", "description", "active", "order", "entry_condition", "steps": [{"name",
/// "approver": {"kind": "manager"|"user"|"role"|"team", "name"}, "mode": "unanimous"|"first_response",
/// "condition", "when_not_met": "skip"|"approve"|"reject", "on_reject": "reject_request"|"back_one_step",
/// and when the step escalates "escalate_after_hours", "escalate_to": "manager"|"user", "escalate_user"}],
/// "actions": {"submit": [...], "approve": [...], "reject": [...], "recall": [...]}}; an action is
/// {"kind": "field_update", "field", "formula"} (or "value": a JSON literal), {"kind": "notify", "to",
/// "user", "title", "body"} or {"kind": "task", "to", "user", "subject", "description", "due_days"}.
nlohmann::json ToJson(const ApprovalProcess& process);
/// Reads the keys present in `json` over `base`; unknown keys and values are Errors naming them.
Result<ApprovalProcess> ApprovalProcessFromJson(const nlohmann::json& json, ApprovalProcess base = {});

// [SECTION] Requests

/// One approver's part in one step of a request.
struct ApprovalWorkItem {
    int64_t id = 0;
    int step = 0;
    std::string approver;  ///< username
    /// "pending", "approved", "rejected", "reassigned", "escalated" (reassigned by the step's escalation),
    /// "not_needed" (another answer decided the step).
    std::string status;
    std::string acted_by;  ///< who answered (the approver, a delegate or an administrator)
    std::string comment;
    int64_t created_ms = 0;
    int64_t acted_ms = 0;
};

/// One line of a request's history: who, when, what, with which comment.
struct ApprovalHistoryEntry {
    int64_t at_ms = 0;
    std::string actor;         ///< who acted ("" for the process itself: a step skipped by its condition)
    std::string on_behalf_of;  ///< the approver a delegate acted for ("" = themselves)
    int step = -1;             ///< the step (0-based), -1 for the request as a whole
    std::string step_name;
    /// "submitted", "approved", "rejected", "recalled", "reassigned", "step_skipped", "step_approved"
    /// (its condition did not hold and it approves), "step_rejected", "back_one_step", "escalated",
    /// "final_approval", "final_rejection".
    std::string action;
    std::string comment;
};

/// A request for approval of one record.
struct ApprovalRequest {
    int64_t id = 0;
    int64_t process_id = 0;
    std::string process;
    std::string object;
    int64_t record_id = 0;
    std::string submitter;
    std::string status;  ///< "pending", "approved", "rejected", "recalled"
    int step = -1;       ///< the current step while pending (0-based)
    std::string step_name;
    int64_t submitted_ms = 0;
    int64_t completed_ms = 0;
    std::vector<std::string> waiting_on;  ///< the approvers whose answer is awaited (pending only)
    std::vector<ApprovalWorkItem> items;
    std::vector<ApprovalHistoryEntry> history;
};

/// What waits for a user in the approval inbox.
struct InboxItem {
    int64_t request_id = 0;
    std::string object;
    int64_t record_id = 0;
    std::string record_name;  ///< "" when the user cannot read the record's name field
    std::string process;
    std::string step_name;
    std::string submitter;
    int64_t submitted_ms = 0;
    std::string approver;  ///< whom it waits on: the user, or whom the user stands in for
    bool as_delegate = false;
};

/// A user's delegate while away.
struct Delegation {
    std::string user;
    std::string delegate;
    int64_t from_ms = 0;
    int64_t until_ms = 0;  ///< 0 = open-ended
};

/// The dry run of a submission: which process would take the record, and what each step would do.
struct ApprovalSimulation {
    std::string process;    ///< "" when no active process's entry condition holds
    std::string submitter;  ///< as whom it was run
    bool entry_met = true;  ///< a draft: whether its entry condition holds (no steps when not)
    struct Step {
        std::string name;
        bool condition_met = true;
        std::string outcome;  ///< "ask", "skip", "approve", "reject"
        std::vector<std::string> approvers;
        std::string error;  ///< why no one could be asked (an inactive approver), "" when fine
    };
    std::vector<Step> steps;
};

nlohmann::json ToJson(const ApprovalRequest& request);
nlohmann::json ToJson(const InboxItem& item);
nlohmann::json ToJson(const Delegation& delegation);
nlohmann::json ToJson(const ApprovalSimulation& simulation);

/// The migration of the approval tables (reserved number 9).
const char* ApprovalsMigrationSql();

// [SECTION] ApprovalService

/// Definitions, requests, the lock, delegation and the inbox. Construct it over the Workspace's services and
/// call Attach() once to register the record lock (a save stage and a delete hook) and the field users.
class ApprovalService {
public:
    /// An in-app notification (the automation area's NotificationService, wired by the Workspace); a null
    /// hook sends nothing.
    using NotifyFn =
        std::function<Status(const std::vector<std::string>& recipients, const std::string& title,
                             const std::string& body, const std::string& object, int64_t record_id)>;

    ApprovalService(Changes& changes, SchemaService& schema, RecordService& records, AccessService& access);
    ~ApprovalService();

    void SetAuthorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }
    void SetNotifier(NotifyFn notify) { notify_ = std::move(notify); }
    /// When a step escalating after `hours` business hours that starts at `start_ms` falls due.
    using EscalationDueFn = std::function<int64_t(int64_t start_ms, int hours)>;
    /// The scheduler that queues escalations (kind "approval_escalation"; its handler is registered here)
    /// and the business-hours clock; without it steps never escalate.
    void SetScheduler(SchedulerService* scheduler, EscalationDueFn due);
    /// Registers the record lock (RecordService save stage "approval lock" in the access stage, and a
    /// delete hook) and the field users (SchemaService::AddFieldUserSource).
    void Attach();

    // Definitions
    /// Every process (of `object`, or of all objects when ""), in order.
    std::vector<ApprovalProcess> Processes(std::string_view object = {}) const;
    Result<ApprovalProcess> Process(std::string_view object, std::string_view name) const;
    /// Creates a process (Manage Workflows): formulas compiled, named users active, roles and teams known.
    Result<ApprovalProcess> CreateProcess(const std::string& actor, const ApprovalProcess& process);
    /// Replaces the process with this object and name.
    Result<ApprovalProcess> UpdateProcess(const std::string& actor, const ApprovalProcess& process);
    /// Deletes a process without pending requests.
    Status DeleteProcess(const std::string& actor, std::string_view object, std::string_view name);
    /// "approval process Opportunity.Discount" for each process that reads object.field.
    std::vector<std::string> FieldUsers(std::string_view object, std::string_view field) const;
    /// "approval process Opportunity.Discount" for each process whose entry or step condition (or a field
    /// update) reads object.field and names `value` as a text literal.
    std::vector<std::string> ValueUsers(std::string_view object, std::string_view field,
                                        std::string_view value) const;

    // Requests (object and record id name the record; each decision is one transaction)
    /// Submits the record to the first active process whose entry condition holds (or to `process`).
    Result<ApprovalRequest> Submit(const std::string& actor, std::string_view object, int64_t record_id,
                                   const std::string& comment = {}, std::string_view process = {});
    Result<ApprovalRequest> Approve(const std::string& actor, std::string_view object, int64_t record_id,
                                    const std::string& comment = {});
    Result<ApprovalRequest> Reject(const std::string& actor, std::string_view object, int64_t record_id,
                                   const std::string& comment = {});
    /// Withdraws a pending request (the submitter or an approval administrator).
    Result<ApprovalRequest> Recall(const std::string& actor, std::string_view object, int64_t record_id,
                                   const std::string& comment = {});
    /// Hands a pending work item to another active user: the actor's own (or the one they stand in for),
    /// or, for an administrator, the one of `from` (optional when the step waits on one approver).
    Result<ApprovalRequest> Reassign(const std::string& actor, std::string_view object, int64_t record_id,
                                     const std::string& to, const std::string& from = {},
                                     const std::string& comment = {});
    /// Every request of the record, newest first, with its history (the actor must be able to read it).
    Result<std::vector<ApprovalRequest>> History(const std::string& actor, std::string_view object,
                                                 int64_t record_id);
    /// What waits for the actor (as approver or delegate), on records the actor may read, oldest first.
    Result<std::vector<InboxItem>> Inbox(const std::string& actor);
    /// The pending request of a record, if any.
    std::optional<ApprovalRequest> Pending(std::string_view object, int64_t record_id) const;
    /// The dry run of Submit (Manage Workflows; the actor must be able to read the record), as if `submitter`
    /// ("" = the actor; an active user) submitted it.
    Result<ApprovalSimulation> Simulate(const std::string& actor, std::string_view object, int64_t record_id,
                                        std::string_view process = {}, const std::string& submitter = {});
    /// The dry run of an unsaved definition (validated as a save would, nothing stored): its entry
    /// condition and steps against the record, as if `submitter` ("" = the actor) submitted it.
    Result<ApprovalSimulation> SimulateDraft(const std::string& actor, const ApprovalProcess& draft,
                                             int64_t record_id, const std::string& submitter = {});

    // Delegation
    /// Names `delegate` for `user` from..until (delegate "" clears). The user themselves, or Manage Users
    /// or Manage Workflows.
    Status SetDelegate(const std::string& actor, const std::string& user, const std::string& delegate,
                       int64_t from_ms, int64_t until_ms);
    std::optional<Delegation> DelegateOf(std::string_view user) const;

    /// Whether the actor is an approval administrator for `object` (see the header comment).
    bool IsAdministrator(const std::string& actor, std::string_view object);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    Authorizer authorizer_;
    NotifyFn notify_;
};

}  // namespace crm
