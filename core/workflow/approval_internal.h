// Internals of the approval service, shared by approvals.cpp (definitions, JSON, the lock) and
// approval_requests.cpp (requests through their steps).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "access/access.h"
#include "audit/change.h"
#include "common/messages.h"
#include "records/records.h"
#include "schema/schema.h"
#include "storage/database.h"
#include "workflow/approvals.h"
#include "workflow/scheduler.h"

namespace crm {

/// A request row as stored, with its process as it was at submission.
struct StoredRequest {
    int64_t id = 0;
    int64_t process_id = 0;
    std::string process;
    std::string object;
    int64_t record_id = 0;
    std::string submitter;
    std::string status;
    int step = -1;
    int64_t submitted_ms = 0;
    ApprovalProcess definition;
};

struct ApprovalService::Impl {
    Impl(ApprovalService& s, Changes& c, SchemaService& sc, RecordService& r, AccessService& a)
        : self(s), changes(c), db(c.db()), schema(sc), records(r), access(a) {}
    ApprovalService& self;
    Changes& changes;
    Database& db;
    SchemaService& schema;
    RecordService& records;
    AccessService& access;

    /// The clock's time, or while the scheduler runs an escalation the run's time (scheduler.run_due's `now`,
    /// which a catch-up or a test sets ahead of the clock): the history and the work items take it.
    int64_t Now() const { return run_ms ? run_ms : changes.clock().NowMs(); }
    int64_t run_ms = 0;                     ///< set by Escalate() while it runs
    SchedulerService* scheduler = nullptr;  ///< escalations (SetScheduler); null = steps never escalate
    EscalationDueFn escalation_due;
    mutable std::unique_ptr<Statement> pending_statement;  ///< PendingRow's, kept prepared

    // Definitions (approvals.cpp)
    Result<ApprovalProcess> Validate(const ApprovalProcess& process);
    std::vector<ApprovalProcess> Load(std::string_view object, std::string_view name) const;

    // Requests (approval_requests.cpp)
    std::optional<StoredRequest> PendingRow(std::string_view object, int64_t record_id) const;
    ApprovalRequest Read(int64_t request_id) const;
    Result<bool> ConditionHolds(const std::string& object, int64_t record_id, const std::string& condition);
    /// The users a step asks (`index` 0-based), or why no one can be asked.
    Result<std::vector<std::string>> Approvers(const ApprovalStep& step, int index,
                                               const std::string& submitter);
    Status History(ChangeScope& scope, const StoredRequest& req, const std::string& actor,
                   const std::string& on_behalf_of, int step, const std::string& action,
                   const std::string& comment);
    Status EnterStep(ChangeScope& scope, StoredRequest& req, int step);
    Status Finish(ChangeScope& scope, StoredRequest& req, bool approved);
    /// Drops the pending escalation of the record's request (its step was decided, recalled or left).
    Status CancelEscalation(ChangeScope& scope, const StoredRequest& req);
    /// Queues the escalation of the step just asked (its first work item names the asking), if it has one.
    Status ScheduleEscalation(ChangeScope& scope, const StoredRequest& req, const ApprovalStep& step,
                              int64_t first_item);
    /// The scheduler's handler of "approval_escalation": reassigns what still waits
    /// (approval_escalation.cpp).
    Status Escalate(ChangeScope& scope, const ScheduledItem& item);
    /// The simulation of one definition against a record, as `submitter`.
    Result<ApprovalSimulation> SimulateWith(const ApprovalProcess& process, const std::string& object,
                                            int64_t record_id, const std::string& submitter);
    Status RunActions(ChangeScope& scope, const StoredRequest& req,
                      const std::vector<ApprovalAction>& actions);
    Status Notify(const std::vector<std::string>& to, const std::string& title, const std::string& body,
                  const StoredRequest& req);
    /// The pending work items of the current step.
    std::vector<ApprovalWorkItem> PendingItems(int64_t request_id, int step) const;
    /// Whether the user's delegation is running now and names `actor`.
    bool IsActiveDelegate(const std::string& user, const std::string& actor) const;
    /// Ok when `actor` may change the record despite its pending request, else "approvals.record_locked".
    Status LockCheck(const std::string& actor, const ObjectDef& object, int64_t record_id);
    /// The process a submission of the record goes to: `name` (its entry condition must hold), else the
    /// first active one whose entry condition holds; nothing when none applies.
    Result<std::optional<ApprovalProcess>> Choose(const std::string& object, int64_t record_id,
                                                  std::string_view name);
    /// Approve or reject the current step.
    Result<ApprovalRequest> Decide(const std::string& actor, std::string_view object, int64_t record_id,
                                   bool approve, const std::string& comment);
};

/// Case-insensitive equality of names (usernames, API names).
bool SameUser(std::string_view a, std::string_view b);
/// A key (JSON name) of the enums.
const char* ApproverKindName(ApproverKind kind);

}  // namespace crm
