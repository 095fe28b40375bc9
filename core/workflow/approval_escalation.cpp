// Approval escalations: a step that still waits after its business hours is reassigned to the approver's
// manager or a named user (approvals.h states the rules). The scheduler runs the item in its own change.
#include "common/text.h"
#include "workflow/approval_internal.h"

namespace crm {

namespace {

const char* const kEscalationKind = "approval_escalation";

}  // namespace

void ApprovalService::SetScheduler(SchedulerService* scheduler, EscalationDueFn due) {
    impl_->scheduler = scheduler;
    impl_->escalation_due = std::move(due);
    if (!scheduler) return;
    Impl* impl = impl_.get();
    scheduler->SetHandler(kEscalationKind, [impl](ChangeScope& scope, const ScheduledItem& item) {
        return impl->Escalate(scope, item);
    });
}

Status ApprovalService::Impl::CancelEscalation(ChangeScope& scope, const StoredRequest& req) {
    if (!scheduler) return Status::Ok();
    return scheduler->CancelKind(scope, kEscalationKind, req.object, req.record_id);
}

Status ApprovalService::Impl::ScheduleEscalation(ChangeScope& scope, const StoredRequest& req,
                                                 const ApprovalStep& step, int64_t first_item) {
    if (!scheduler || step.escalate_after_hours <= 0) return Status::Ok();
    const int64_t start = Now();
    const int64_t due = escalation_due ? escalation_due(start, step.escalate_after_hours)
                                       : start + int64_t{step.escalate_after_hours} * 3'600'000;
    return scheduler->Schedule(scope, kEscalationKind, req.object, req.record_id, first_item, due);
}

Status ApprovalService::Impl::Escalate(ChangeScope& scope, const ScheduledItem& item) {
    // What the escalation writes is dated at the scheduler run's time (Now() while it runs).
    struct RunTime {
        int64_t& at;
        RunTime(int64_t& a, int64_t t) : at(a) { at = t; }
        ~RunTime() { at = 0; }
    } run_time(run_ms, RunTimeOf(item, changes.clock().NowMs()));
    std::optional<StoredRequest> req = PendingRow(item.object, item.record_id);
    if (!req) return Status::Ok();  // decided meanwhile: nothing waits
    // The item belongs to one asking of a step: its first work item. A later asking has its own item.
    Statement key = db.Prepare("SELECT request_id, step FROM approval_work_item WHERE id = ?1");
    key.Bind(1, item.rule_id);
    if (!key.Step() || key.Int(0) != req->id || key.Int(1) != req->step) return Status::Ok();
    const int step_index = req->step;
    const ApprovalStep& step = req->definition.steps[static_cast<size_t>(step_index)];
    const std::string hours = std::to_string(step.escalate_after_hours);
    std::vector<ApprovalWorkItem> items = PendingItems(req->id, step_index);
    auto no_target = [&](const std::string& approver, const std::string& reason) {
        return MessageError("approvals.escalation_no_target", "approvals.escalation_no_target",
                            {{"request", std::to_string(req->id)},
                             {"process", req->process},
                             {"step", std::to_string(step_index + 1)},
                             {"approver", approver},
                             {"hours", hours},
                             {"reason", reason}});
    };
    // Every target first: an approver without one leaves the whole step as it was.
    std::vector<std::pair<ApprovalWorkItem, std::string>> moves;
    for (const ApprovalWorkItem& w : items) {
        std::string target;
        if (step.escalate_to == ApprovalStep::EscalateTo::User) {
            Result<User> u = access.GetUser(step.escalate_user);
            if (!u.ok() || !u->active)
                return no_target(w.approver,
                                 "the escalation user " + step.escalate_user + " is inactive or unknown");
            target = u->username;
        } else {
            Result<User> a = access.GetUser(w.approver);
            if (!a.ok() || a->manager.empty()) return no_target(w.approver, w.approver + " has no manager");
            Result<User> m = access.GetUser(a->manager);
            if (!m.ok() || !m->active)
                return no_target(w.approver, "their manager " + a->manager + " is inactive or unknown");
            target = m->username;
        }
        if (SameUser(target, w.approver)) continue;
        moves.emplace_back(w, target);
    }
    Statement mark = db.Prepare(
        "UPDATE approval_work_item SET status = 'escalated', acted_by = '', comment = ?2, acted_ms = ?3 "
        "WHERE id = ?1");
    for (const auto& move : moves) {
        const ApprovalWorkItem& w = move.first;
        const std::string& target = move.second;
        const std::string note = "escalated to " + target + " after " + hours + " business hours";
        mark.Reset();
        mark.Bind(1, w.id).Bind(2, note).Bind(3, Now());
        CRM_TRY(mark.Run());
        bool already = false;
        for (const ApprovalWorkItem& other : PendingItems(req->id, step_index))
            already = already || SameUser(other.approver, target);
        if (!already) {
            Statement ins = db.Prepare(
                "INSERT INTO approval_work_item(request_id, step, approver, status, created_ms) "
                "VALUES (?1, ?2, ?3, 'pending', ?4)");
            ins.Bind(1, req->id).Bind(2, step_index).Bind(3, target).Bind(4, Now());
            CRM_TRY(ins.Run());
        }
        CRM_TRY(History(scope, *req, "", "", step_index, "escalated",
                             "from " + w.approver + " to " + target + " after " + hours + " business hours"));
        const std::string what =
            req->object + " " + std::to_string(req->record_id) + ", step \"" + step.name + "\"";
        CRM_TRY(Notify(
            {w.approver}, "Approval escalated: " + req->process,
            what + " waited " + hours + " business hours and was reassigned to " + target + ".", *req));
        CRM_TRY(Notify({target}, "Approval escalated to you: " + req->process,
                            what + " waited " + hours + " business hours on " + w.approver +
                                " and is now yours; submitted by " + req->submitter + ".",
                            *req));
    }
    scope.Record("approvals", req->object, ChangeAction::Update, req->record_id);
    return Status::Ok();
}

}  // namespace crm
