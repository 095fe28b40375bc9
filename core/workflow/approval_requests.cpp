// Approval requests through their steps: submit, approve, reject, recall, reassign, the history, the
// inbox and the dry run. Every decision is one ChangeScope: its steps, actions and notifications commit
// together or not at all.
#include <algorithm>

#include "common/text.h"
#include "workflow/approval_internal.h"

namespace crm {

namespace {

using nlohmann::json;

const char* const kNotMetNames[] = {"skip", "approve", "reject"};

constexpr const char* kRequestColumns =
    "id, process_id, process_name, object, record_id, submitter, status, step, submitted_ms, definition";

StoredRequest RowOf(const Statement& st) {
    StoredRequest r;
    r.id = st.Int(0);
    r.process_id = st.Int(1);
    r.process = st.Text(2);
    r.object = st.Text(3);
    r.record_id = st.Int(4);
    r.submitter = st.Text(5);
    r.status = st.Text(6);
    r.step = static_cast<int>(st.Int(7));
    r.submitted_ms = st.Int(8);
    if (Result<ApprovalProcess> p = ApprovalProcessFromJson(json::parse(st.Text(9), nullptr, false)); p.ok())
        r.definition = std::move(*p);
    return r;
}

void AddUnique(std::vector<std::string>& list, const std::string& name) {
    if (name.empty()) return;
    for (const std::string& n : list)
        if (SameUser(n, name)) return;
    list.push_back(name);
}

std::string Names(const std::vector<ApprovalWorkItem>& items) {
    std::string out;
    for (const ApprovalWorkItem& i : items) out += (out.empty() ? "" : ", ") + i.approver;
    return out;
}

MessageParams RecordParams(const std::string& object, int64_t id) {
    return {{"object", object}, {"id", std::to_string(id)}};
}

}  // namespace

// [SECTION] Reading requests

std::optional<StoredRequest> ApprovalService::Impl::PendingRow(std::string_view object,
                                                               int64_t record_id) const {
    // Every save of a record asks (the lock): one statement, prepared once.
    if (!pending_statement) {
        pending_statement = std::make_unique<Statement>(
            db.Prepare(std::string("SELECT ") + kRequestColumns +
                       " FROM approval_request WHERE object = ?1 AND record_id = ?2 AND status = 'pending'"));
    }
    Statement& st = *pending_statement;
    st.Reset();
    st.Bind(1, object).Bind(2, record_id);
    std::optional<StoredRequest> out;
    if (st.Step()) out = RowOf(st);
    st.Reset();
    return out;
}

std::vector<ApprovalWorkItem> ApprovalService::Impl::PendingItems(int64_t request_id, int step) const {
    Statement st = db.Prepare(
        "SELECT id, step, approver, status, acted_by, comment, created_ms, acted_ms FROM approval_work_item "
        "WHERE request_id = ?1 AND step = ?2 AND status = 'pending' ORDER BY id");
    st.Bind(1, request_id).Bind(2, step);
    std::vector<ApprovalWorkItem> out;
    while (st.Step()) {
        out.push_back({st.Int(0), static_cast<int>(st.Int(1)), st.Text(2), st.Text(3), st.Text(4), st.Text(5),
                       st.Int(6), st.Int(7)});
    }
    return out;
}

ApprovalRequest ApprovalService::Impl::Read(int64_t request_id) const {
    ApprovalRequest out;
    Statement st = db.Prepare(std::string("SELECT ") + kRequestColumns +
                              ", completed_ms FROM approval_request "
                              "WHERE id = ?1");
    st.Bind(1, request_id);
    if (!st.Step()) return out;
    StoredRequest r = RowOf(st);
    out.id = r.id;
    out.process_id = r.process_id;
    out.process = r.process;
    out.object = r.object;
    out.record_id = r.record_id;
    out.submitter = r.submitter;
    out.status = r.status;
    out.step = r.step;
    if (r.step >= 0 && r.step < static_cast<int>(r.definition.steps.size()))
        out.step_name = r.definition.steps[static_cast<size_t>(r.step)].name;
    out.submitted_ms = r.submitted_ms;
    out.completed_ms = st.Int(10);
    Statement items = db.Prepare(
        "SELECT id, step, approver, status, acted_by, comment, created_ms, acted_ms FROM approval_work_item "
        "WHERE request_id = ?1 ORDER BY id");
    items.Bind(1, request_id);
    while (items.Step()) {
        ApprovalWorkItem i{items.Int(0),  static_cast<int>(items.Int(1)),
                           items.Text(2), items.Text(3),
                           items.Text(4), items.Text(5),
                           items.Int(6),  items.Int(7)};
        if (r.status == "pending" && i.status == "pending" && i.step == r.step)
            out.waiting_on.push_back(i.approver);
        out.items.push_back(std::move(i));
    }
    Statement h = db.Prepare(
        "SELECT at_ms, actor, on_behalf_of, step, step_name, action, comment FROM approval_history "
        "WHERE request_id = ?1 ORDER BY id");
    h.Bind(1, request_id);
    while (h.Step()) {
        out.history.push_back(
            {h.Int(0), h.Text(1), h.Text(2), static_cast<int>(h.Int(3)), h.Text(4), h.Text(5), h.Text(6)});
    }
    return out;
}

std::optional<ApprovalRequest> ApprovalService::Pending(std::string_view object, int64_t record_id) const {
    Result<std::shared_ptr<const ObjectDef>> o = impl_->schema.Object(object);
    if (!o.ok()) return std::nullopt;
    std::optional<StoredRequest> r = impl_->PendingRow((*o)->api_name, record_id);
    if (!r) return std::nullopt;
    return impl_->Read(r->id);
}

// [SECTION] The engine

Result<bool> ApprovalService::Impl::ConditionHolds(const std::string& object, int64_t record_id,
                                                   const std::string& condition) {
    if (IsBlank(condition)) return true;
    Result<formula::Value> v =
        records.EvalFormula(kSystemActor, object, condition, record_id, json::object());
    if (!v.ok()) return v.error();
    return !v->is_blank() && v->boolean();
}

Result<std::vector<std::string>> ApprovalService::Impl::Approvers(const ApprovalStep& step, int index,
                                                                  const std::string& submitter) {
    const std::string number = std::to_string(index + 1);
    auto active = [&](const std::string& name) -> Result<std::string> {
        Result<User> u = access.GetUser(name);
        if (!u.ok() || !u->active)
            return MessageError("approvals.approver_inactive", "approvals.approver_inactive",
                                {{"step", number}, {"name", name}});
        return u->username;
    };
    std::vector<std::string> out;
    switch (step.approver) {
        case ApproverKind::Manager: {
            Result<User> u = access.GetUser(submitter);
            if (u.ok() && u->manager.empty())
                return MessageError("approvals.no_manager", "approvals.no_manager",
                                    {{"step", number}, {"user", u->username}});
            Result<std::string> m = active(u.ok() ? u->manager : submitter);
            if (!m.ok()) return m.error();
            out.push_back(*m);
            break;
        }
        case ApproverKind::User: {
            Result<std::string> m = active(step.approver_name);
            if (!m.ok()) return m.error();
            out.push_back(*m);
            break;
        }
        case ApproverKind::Role:
            for (const User& u : access.Users())
                if (u.active && SameUser(u.role, step.approver_name)) AddUnique(out, u.username);
            break;
        case ApproverKind::Team:
            for (const Team& t : access.Teams()) {
                if (!SameUser(t.name, step.approver_name)) continue;
                for (const std::string& member : t.members) {
                    Result<User> u = access.GetUser(member);
                    if (u.ok() && u->active) AddUnique(out, u->username);
                }
            }
            break;
    }
    if (out.empty()) {
        return MessageError("approvals.no_approver", "approvals.no_approver",
                            {{"step", number},
                             {"who", std::string(step.approver == ApproverKind::Role ? "role " : "team ") +
                                         step.approver_name}});
    }
    return out;
}

Status ApprovalService::Impl::History(ChangeScope&, const StoredRequest& req, const std::string& actor,
                                      const std::string& on_behalf_of, int step, const std::string& action,
                                      const std::string& comment) {
    std::string step_name;
    if (step >= 0 && step < static_cast<int>(req.definition.steps.size()))
        step_name = req.definition.steps[static_cast<size_t>(step)].name;
    Statement st = db.Prepare(
        "INSERT INTO approval_history(request_id, at_ms, actor, on_behalf_of, step, step_name, action, "
        "comment) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    st.Bind(1, req.id).Bind(2, Now()).Bind(3, actor).Bind(4, on_behalf_of).Bind(5, step).Bind(6, step_name);
    st.Bind(7, action).Bind(8, comment);
    return st.Run();
}

Status ApprovalService::Impl::Notify(const std::vector<std::string>& to, const std::string& title,
                                     const std::string& body, const StoredRequest& req) {
    if (!self.notify_ || to.empty()) return Status::Ok();
    return self.notify_(to, title, body, req.object, req.record_id);
}

Status ApprovalService::Impl::EnterStep(ChangeScope& scope, StoredRequest& req, int step) {
    const std::vector<ApprovalStep>& steps = req.definition.steps;
    CRM_TRY(CancelEscalation(scope, req));
    for (int i = std::max(step, 0);; ++i) {
        if (i >= static_cast<int>(steps.size())) return Finish(scope, req, true);
        const ApprovalStep& s = steps[static_cast<size_t>(i)];
        Result<bool> holds = ConditionHolds(req.object, req.record_id, s.condition);
        if (!holds.ok()) return holds.error();
        if (!*holds) {
            if (s.when_not_met == NotMetAction::Skip) {
                CRM_TRY(History(scope, req, "", "", i, "step_skipped", ""));
                continue;
            }
            const bool approve = s.when_not_met == NotMetAction::Approve;
            CRM_TRY(History(scope, req, "", "", i, approve ? "step_approved" : "step_rejected", ""));
            return Finish(scope, req, approve);
        }
        Result<std::vector<std::string>> approvers = Approvers(s, i, req.submitter);
        if (!approvers.ok()) return approvers.error();
        req.step = i;
        Statement up = db.Prepare("UPDATE approval_request SET step = ?2 WHERE id = ?1");
        up.Bind(1, req.id).Bind(2, i);
        CRM_TRY(up.Run());
        std::vector<std::string> notify;
        int64_t first_item = 0;
        for (const std::string& a : *approvers) {
            Statement ins = db.Prepare(
                "INSERT INTO approval_work_item(request_id, step, approver, status, created_ms) "
                "VALUES (?1, ?2, ?3, 'pending', ?4)");
            ins.Bind(1, req.id).Bind(2, i).Bind(3, a).Bind(4, Now());
            CRM_TRY(ins.Run());
            if (!first_item) first_item = db.LastInsertRowId();
            AddUnique(notify, a);
            if (std::optional<Delegation> d = self.DelegateOf(a); d && IsActiveDelegate(a, d->delegate))
                AddUnique(notify, d->delegate);
        }
        CRM_TRY(ScheduleEscalation(scope, req, s, first_item));
        return Notify(notify, "Approval requested: " + req.process,
                      req.object + " " + std::to_string(req.record_id) + ", step \"" + s.name +
                          "\", submitted by " + req.submitter + ".",
                      req);
    }
}

Status ApprovalService::Impl::Finish(ChangeScope& scope, StoredRequest& req, bool approved) {
    req.status = approved ? "approved" : "rejected";
    CRM_TRY(CancelEscalation(scope, req));
    Statement up = db.Prepare("UPDATE approval_request SET status = ?2, completed_ms = ?3 WHERE id = ?1");
    up.Bind(1, req.id).Bind(2, req.status).Bind(3, Now());
    CRM_TRY(up.Run());
    Statement items = db.Prepare(
        "UPDATE approval_work_item SET status = 'not_needed' WHERE request_id = ?1 AND status = 'pending'");
    items.Bind(1, req.id);
    CRM_TRY(items.Run());
    CRM_TRY(History(scope, req, "", "", -1, approved ? "final_approval" : "final_rejection", ""));
    CRM_TRY(RunActions(scope, req, approved ? req.definition.on_approve : req.definition.on_reject));
    return Notify({req.submitter}, std::string(approved ? "Approved: " : "Rejected: ") + req.process,
                  req.object + " " + std::to_string(req.record_id) + " was " + req.status + ".", req);
}

Status ApprovalService::Impl::RunActions(ChangeScope&, const StoredRequest& req,
                                         const std::vector<ApprovalAction>& actions) {
    if (actions.empty()) return Status::Ok();
    const char* when = &actions == &req.definition.on_submit    ? "submit"
                       : &actions == &req.definition.on_approve ? "approval"
                       : &actions == &req.definition.on_reject  ? "rejection"
                                                                : "recall";
    auto failed = [&](const Error& e) {
        Error out = MessageError("approvals.action_failed", "approvals.action_failed",
                                 {{"when", when}, {"process", req.process}, {"reason", e.message}}, e.field);
        return out;
    };
    std::vector<User> users = access.Users();
    auto recipients = [&](const ApprovalAction& a) {
        std::vector<std::string> out;
        if (a.to == "submitter") AddUnique(out, req.submitter);
        if (a.to == "user") AddUnique(out, a.user);
        if (a.to == "manager") {
            for (const User& u : users)
                if (SameUser(u.username, req.submitter)) AddUnique(out, u.manager);
        }
        if (a.to == "owner") {
            Result<json> rec = records.Get(kSystemActor, req.object, req.record_id);
            int64_t owner = 0;
            if (rec.ok() && rec->contains("OwnerId") && (*rec)["OwnerId"].is_number_integer())
                owner = (*rec)["OwnerId"].get<int64_t>();
            for (const User& u : users)
                if (u.id == owner) AddUnique(out, u.username);
        }
        if (a.to == "approvers") {
            Statement st =
                db.Prepare("SELECT DISTINCT approver FROM approval_work_item WHERE request_id = ?1");
            st.Bind(1, req.id);
            while (st.Step()) AddUnique(out, st.Text(0));
        }
        return out;
    };
    for (const ApprovalAction& a : actions) {
        if (a.kind == ApprovalAction::Kind::FieldUpdate) {
            Result<formula::Value> v =
                records.EvalFormula(kSystemActor, req.object, a.formula, req.record_id, json::object());
            if (!v.ok()) return failed(v.error());
            SaveResult saved = records.Update(kSystemActor, req.object, req.record_id,
                                              json{{a.field, FormulaValueToJson(*v)}});
            if (!saved.ok()) return failed(saved.errors.front());
        } else if (a.kind == ApprovalAction::Kind::Notify) {
            if (Status s = Notify(recipients(a), a.title, a.body, req); !s.ok()) return failed(s.error());
        } else {
            std::vector<std::string> to = recipients(a);
            if (to.empty()) to.push_back(req.submitter);
            for (const std::string& name : to) {
                Result<User> u = access.GetUser(name);
                if (!u.ok()) return failed(u.error());
                json task = {{"Subject", a.title}, {"OwnerId", u->id}};
                if (!a.body.empty()) task["Description"] = a.body;
                if (a.due_days > 0)
                    task["DueDate"] = FormatUtcIso8601(Now() + a.due_days * 86400000LL).substr(0, 10);
                if (req.object == "Opportunity") task["WhatId"] = req.record_id;
                if (req.object == "Account") task["AccountId"] = req.record_id;
                SaveResult saved = records.Create(kSystemActor, "Task", task);
                if (!saved.ok()) return failed(saved.errors.front());
            }
        }
    }
    return Status::Ok();
}

Result<std::optional<ApprovalProcess>> ApprovalService::Impl::Choose(const std::string& object,
                                                                     int64_t record_id,
                                                                     std::string_view name) {
    std::vector<ApprovalProcess> processes = Load(object, name);
    std::stable_sort(processes.begin(), processes.end(),
                     [](const ApprovalProcess& a, const ApprovalProcess& b) { return a.order < b.order; });
    if (!name.empty() && processes.empty())
        return MessageError("approvals.unknown_process", "approvals.unknown_process",
                            {{"name", std::string(name)}, {"object", object}}, "process");
    for (const ApprovalProcess& p : processes) {
        if (!p.active && name.empty()) continue;
        Result<bool> holds = ConditionHolds(object, record_id, p.entry_condition);
        if (!holds.ok()) return holds.error();
        if (*holds && p.active) return std::optional<ApprovalProcess>(p);
        if (!name.empty())
            return MessageError("approvals.entry_not_met", "approvals.entry_not_met",
                                {{"id", std::to_string(record_id)}, {"process", p.name}}, "process");
    }
    return std::optional<ApprovalProcess>();
}

// [SECTION] Decisions

Result<ApprovalRequest> ApprovalService::Submit(const std::string& actor, std::string_view object_name,
                                                int64_t record_id, const std::string& comment,
                                                std::string_view process) {
    Result<std::shared_ptr<const ObjectDef>> o = impl_->schema.Object(object_name);
    if (!o.ok()) return o.error();
    const std::string object = (*o)->api_name;
    if (Result<json> rec = impl_->records.Get(kSystemActor, object, record_id); !rec.ok()) return rec.error();
    if (!impl_->access.Decide(actor, ObjectAction::Edit, object, record_id).allowed)
        return MessageError("records.no_record_access", "approvals.cannot_submit",
                            RecordParams(object, record_id));
    if (std::optional<StoredRequest> pending = impl_->PendingRow(object, record_id)) {
        MessageParams params = RecordParams(object, record_id);
        params.push_back({"request", std::to_string(pending->id)});
        return MessageError("approvals.already_pending", "approvals.already_pending", params);
    }
    Result<std::optional<ApprovalProcess>> chosen = impl_->Choose(object, record_id, process);
    if (!chosen.ok()) return chosen.error();
    if (!*chosen)
        return MessageError("approvals.no_process", "approvals.no_process", RecordParams(object, record_id));
    ChangeScope scope(impl_->changes, actor);
    CRM_TRY(scope.begin_status());
    std::string submitter = actor;
    if (Result<User> u = impl_->access.GetUser(actor); u.ok()) submitter = u->username;
    StoredRequest req;
    req.process_id = (*chosen)->id;
    req.process = (*chosen)->name;
    req.object = object;
    req.record_id = record_id;
    req.submitter = submitter;
    req.status = "pending";
    req.submitted_ms = impl_->Now();
    req.definition = **chosen;
    Statement ins = impl_->db.Prepare(
        "INSERT INTO approval_request(process_id, process_name, object, record_id, submitter, status, step, "
        "submitted_ms, definition) VALUES (?1, ?2, ?3, ?4, ?5, 'pending', -1, ?6, ?7)");
    ins.Bind(1, req.process_id).Bind(2, req.process).Bind(3, object).Bind(4, record_id).Bind(5, submitter);
    ins.Bind(6, req.submitted_ms).Bind(7, ToJson(req.definition).dump());
    CRM_TRY(ins.Run());
    req.id = impl_->db.LastInsertRowId();
    CRM_TRY(impl_->History(scope, req, submitter, "", -1, "submitted", comment));
    CRM_TRY(impl_->RunActions(scope, req, req.definition.on_submit));
    CRM_TRY(impl_->EnterStep(scope, req, 0));
    scope.Record("approvals", object, ChangeAction::Update, record_id);
    CRM_TRY(scope.Commit());
    return impl_->Read(req.id);
}

Result<ApprovalRequest> ApprovalService::Impl::Decide(const std::string& actor, std::string_view object_name,
                                                      int64_t record_id, bool approve,
                                                      const std::string& comment) {
    Result<std::shared_ptr<const ObjectDef>> o = schema.Object(object_name);
    if (!o.ok()) return o.error();
    const std::string object = (*o)->api_name;
    std::optional<StoredRequest> req = PendingRow(object, record_id);
    if (!req)
        return MessageError("approvals.no_pending_request", "approvals.no_pending_request",
                            RecordParams(object, record_id));
    std::vector<ApprovalWorkItem> items = PendingItems(req->id, req->step);
    const ApprovalWorkItem* mine = nullptr;
    std::string on_behalf_of;
    for (const ApprovalWorkItem& i : items)
        if (!mine && SameUser(i.approver, actor)) mine = &i;
    for (const ApprovalWorkItem& i : items) {
        if (!mine && IsActiveDelegate(i.approver, actor)) {
            mine = &i;
            on_behalf_of = i.approver;
        }
    }
    const bool as_admin = !mine && self.IsAdministrator(actor, object);
    if (!mine && !as_admin)
        return MessageError(
            "approvals.not_an_approver", "approvals.not_an_approver",
            {{"user", actor}, {"request", std::to_string(req->id)}, {"approvers", Names(items)}});
    ChangeScope scope(changes, actor);
    CRM_TRY(scope.begin_status());
    const std::string decision = approve ? "approved" : "rejected";
    Statement mark = db.Prepare(
        "UPDATE approval_work_item SET status = ?2, acted_by = ?3, comment = ?4, acted_ms = ?5 WHERE id = "
        "?1");
    for (const ApprovalWorkItem& i : items) {
        if (!as_admin && i.id != mine->id) continue;
        mark.Reset();
        mark.Bind(1, i.id).Bind(2, decision).Bind(3, actor).Bind(4, comment).Bind(5, Now());
        CRM_TRY(mark.Run());
    }
    const int step = req->step;
    CRM_TRY(History(scope, *req, actor, on_behalf_of, step, decision, comment));
    const ApprovalStep& s = req->definition.steps[static_cast<size_t>(step)];
    std::vector<ApprovalWorkItem> remaining = PendingItems(req->id, step);
    const bool step_done = !approve || as_admin || s.mode == StepMode::FirstResponse || remaining.empty();
    if (step_done) {
        Statement rest = db.Prepare(
            "UPDATE approval_work_item SET status = 'not_needed' WHERE request_id = ?1 AND status = "
            "'pending'");
        rest.Bind(1, req->id);
        CRM_TRY(rest.Run());
        if (approve) {
            CRM_TRY(EnterStep(scope, *req, step + 1));
        } else if (s.on_reject == RejectBehavior::BackOneStep && step > 0) {
            CRM_TRY(History(scope, *req, "", "", step, "back_one_step", ""));
            CRM_TRY(EnterStep(scope, *req, step - 1));
        } else {
            CRM_TRY(Finish(scope, *req, false));
        }
    }
    scope.Record("approvals", object, ChangeAction::Update, record_id);
    CRM_TRY(scope.Commit());
    return Read(req->id);
}

Result<ApprovalRequest> ApprovalService::Approve(const std::string& actor, std::string_view object,
                                                 int64_t record_id, const std::string& comment) {
    return impl_->Decide(actor, object, record_id, true, comment);
}

Result<ApprovalRequest> ApprovalService::Reject(const std::string& actor, std::string_view object,
                                                int64_t record_id, const std::string& comment) {
    return impl_->Decide(actor, object, record_id, false, comment);
}

Result<ApprovalRequest> ApprovalService::Recall(const std::string& actor, std::string_view object_name,
                                                int64_t record_id, const std::string& comment) {
    Result<std::shared_ptr<const ObjectDef>> o = impl_->schema.Object(object_name);
    if (!o.ok()) return o.error();
    const std::string object = (*o)->api_name;
    std::optional<StoredRequest> req = impl_->PendingRow(object, record_id);
    if (!req)
        return MessageError("approvals.no_pending_request", "approvals.no_pending_request",
                            RecordParams(object, record_id));
    if (!SameUser(req->submitter, actor) && !IsAdministrator(actor, object))
        return MessageError("approvals.cannot_recall", "approvals.cannot_recall",
                            {{"submitter", req->submitter}, {"request", std::to_string(req->id)}});
    ChangeScope scope(impl_->changes, actor);
    CRM_TRY(scope.begin_status());
    Statement up =
        impl_->db.Prepare("UPDATE approval_request SET status = 'recalled', completed_ms = ?2 WHERE id = ?1");
    up.Bind(1, req->id).Bind(2, impl_->Now());
    CRM_TRY(up.Run());
    Statement items = impl_->db.Prepare(
        "UPDATE approval_work_item SET status = 'not_needed' WHERE request_id = ?1 AND status = 'pending'");
    items.Bind(1, req->id);
    CRM_TRY(items.Run());
    req->status = "recalled";
    CRM_TRY(impl_->CancelEscalation(scope, *req));
    CRM_TRY(impl_->History(scope, *req, actor, "", -1, "recalled", comment));
    CRM_TRY(impl_->RunActions(scope, *req, req->definition.on_recall));
    scope.Record("approvals", object, ChangeAction::Update, record_id);
    CRM_TRY(scope.Commit());
    return impl_->Read(req->id);
}

Result<ApprovalRequest> ApprovalService::Reassign(const std::string& actor, std::string_view object_name,
                                                  int64_t record_id, const std::string& to,
                                                  const std::string& from, const std::string& comment) {
    Result<std::shared_ptr<const ObjectDef>> o = impl_->schema.Object(object_name);
    if (!o.ok()) return o.error();
    const std::string object = (*o)->api_name;
    std::optional<StoredRequest> req = impl_->PendingRow(object, record_id);
    if (!req)
        return MessageError("approvals.no_pending_request", "approvals.no_pending_request",
                            RecordParams(object, record_id));
    std::vector<ApprovalWorkItem> items = impl_->PendingItems(req->id, req->step);
    const ApprovalWorkItem* item = nullptr;
    std::string on_behalf_of;
    for (const ApprovalWorkItem& i : items) {
        if (item || (!from.empty() && !SameUser(i.approver, from))) continue;
        if (SameUser(i.approver, actor)) {
            item = &i;
        } else if (impl_->IsActiveDelegate(i.approver, actor)) {
            item = &i;
            on_behalf_of = i.approver;
        }
    }
    if (!item && IsAdministrator(actor, object)) {
        for (const ApprovalWorkItem& i : items)
            if (!item && SameUser(i.approver, from)) item = &i;
        if (!item && from.empty() && items.size() == 1) item = &items.front();
        if (!item && from.empty())
            return MessageError("approvals.reassign_from", "approvals.reassign_from",
                                {{"approvers", Names(items)}}, "from");
    }
    if (!item)
        return MessageError(
            "approvals.not_an_approver", "approvals.not_an_approver",
            {{"user", actor}, {"request", std::to_string(req->id)}, {"approvers", Names(items)}});
    Result<User> target = impl_->access.GetUser(to);
    if (!target.ok() || !target->active || SameUser(target->username, item->approver))
        return MessageError("approvals.reassign_to", "approvals.reassign_to", {{"name", to}}, "to");
    ChangeScope scope(impl_->changes, actor);
    CRM_TRY(scope.begin_status());
    Statement mark = impl_->db.Prepare(
        "UPDATE approval_work_item SET status = 'reassigned', acted_by = ?2, comment = ?3, acted_ms = ?4 "
        "WHERE id = ?1");
    mark.Bind(1, item->id).Bind(2, actor).Bind(3, comment).Bind(4, impl_->Now());
    CRM_TRY(mark.Run());
    bool already = false;
    for (const ApprovalWorkItem& i : items) already = already || SameUser(i.approver, target->username);
    if (!already) {
        Statement ins = impl_->db.Prepare(
            "INSERT INTO approval_work_item(request_id, step, approver, status, created_ms) "
            "VALUES (?1, ?2, ?3, 'pending', ?4)");
        ins.Bind(1, req->id).Bind(2, req->step).Bind(3, target->username).Bind(4, impl_->Now());
        CRM_TRY(ins.Run());
    }
    CRM_TRY(impl_->History(scope, *req, actor, on_behalf_of, req->step, "reassigned",
                                "to " + target->username + (comment.empty() ? "" : ": " + comment)));
    CRM_TRY(impl_->Notify(
        {target->username}, "Approval requested: " + req->process,
        object + " " + std::to_string(record_id) + ", reassigned to you by " + actor + ".", *req));
    scope.Record("approvals", object, ChangeAction::Update, record_id);
    CRM_TRY(scope.Commit());
    return impl_->Read(req->id);
}

// [SECTION] History, inbox, dry run

Result<std::vector<ApprovalRequest>> ApprovalService::History(const std::string& actor,
                                                              std::string_view object_name,
                                                              int64_t record_id) {
    Result<std::shared_ptr<const ObjectDef>> o = impl_->schema.Object(object_name);
    if (!o.ok()) return o.error();
    if (Result<json> rec = impl_->records.Get(actor, (*o)->api_name, record_id); !rec.ok())
        return rec.error();
    Statement st = impl_->db.Prepare(
        "SELECT id FROM approval_request WHERE object = ?1 AND record_id = ?2 ORDER BY id DESC");
    st.Bind(1, (*o)->api_name).Bind(2, record_id);
    std::vector<ApprovalRequest> out;
    while (st.Step()) out.push_back(impl_->Read(st.Int(0)));
    return out;
}

Result<std::vector<InboxItem>> ApprovalService::Inbox(const std::string& actor) {
    Statement st = impl_->db.Prepare(
        "SELECT r.id, w.approver FROM approval_work_item w JOIN approval_request r ON r.id = w.request_id "
        "WHERE w.status = 'pending' AND r.status = 'pending' AND w.step = r.step AND (w.approver = ?1 OR "
        "w.approver IN (SELECT username FROM approval_delegate WHERE delegate = ?1 AND from_ms <= ?2 AND "
        "(until_ms = 0 OR ?2 < until_ms))) ORDER BY r.submitted_ms, r.id, w.approver <> ?1");
    st.Bind(1, actor).Bind(2, impl_->Now());
    std::vector<InboxItem> out;
    while (st.Step()) {
        const int64_t id = st.Int(0);
        if (!out.empty() && out.back().request_id == id) continue;
        ApprovalRequest r = impl_->Read(id);
        if (!impl_->access.Decide(actor, ObjectAction::Read, r.object, r.record_id).allowed) continue;
        InboxItem item;
        item.request_id = id;
        item.object = r.object;
        item.record_id = r.record_id;
        item.process = r.process;
        item.step_name = r.step_name;
        item.submitter = r.submitter;
        item.submitted_ms = r.submitted_ms;
        item.approver = st.Text(1);
        item.as_delegate = !SameUser(item.approver, actor);
        Result<std::shared_ptr<const ObjectDef>> o = impl_->schema.Object(r.object);
        Result<json> rec = impl_->records.Get(actor, r.object, r.record_id);
        if (o.ok() && rec.ok()) {
            const json& name = rec->value((*o)->name_field, json());
            if (name.is_string()) item.record_name = name.get<std::string>();
        }
        out.push_back(std::move(item));
    }
    return out;
}

Result<ApprovalSimulation> ApprovalService::Impl::SimulateWith(const ApprovalProcess& process,
                                                               const std::string& object, int64_t record_id,
                                                               const std::string& submitter) {
    ApprovalSimulation out;
    out.process = process.name;
    out.submitter = submitter;
    const std::vector<ApprovalStep>& steps = process.steps;
    for (size_t i = 0; i < steps.size(); ++i) {
        ApprovalSimulation::Step step;
        step.name = steps[i].name;
        Result<bool> holds = ConditionHolds(object, record_id, steps[i].condition);
        if (!holds.ok()) return holds.error();
        step.condition_met = *holds;
        if (!*holds) {
            step.outcome = kNotMetNames[static_cast<int>(steps[i].when_not_met)];
            out.steps.push_back(step);
            if (steps[i].when_not_met == NotMetAction::Skip) continue;
            break;
        }
        step.outcome = "ask";
        Result<std::vector<std::string>> approvers = Approvers(steps[i], static_cast<int>(i), submitter);
        if (approvers.ok()) {
            step.approvers = *approvers;
        } else {
            step.error = approvers.error().message;
        }
        out.steps.push_back(step);
    }
    return out;
}

namespace {

/// The submitter a dry run acts as: `submitter` (an active user) or the actor.
Result<std::string> SimulationSubmitter(AccessService& access, const std::string& actor,
                                        const std::string& submitter) {
    if (submitter.empty()) {
        Result<User> u = access.GetUser(actor);
        return u.ok() ? u->username : actor;
    }
    Result<User> u = access.GetUser(submitter);
    if (!u.ok() || !u->active)
        return MessageError("approvals.simulate_submitter", "approvals.simulate_submitter",
                            {{"name", submitter}}, "submitter");
    return u->username;
}

}  // namespace

Result<ApprovalSimulation> ApprovalService::Simulate(const std::string& actor, std::string_view object_name,
                                                     int64_t record_id, std::string_view process,
                                                     const std::string& submitter_name) {
    if (authorizer_) CRM_TRY(authorizer_(actor, SystemPermission::ManageWorkflows));
    Result<std::shared_ptr<const ObjectDef>> o = impl_->schema.Object(object_name);
    if (!o.ok()) return o.error();
    const std::string object = (*o)->api_name;
    if (Result<json> rec = impl_->records.Get(actor, object, record_id); !rec.ok()) return rec.error();
    Result<std::string> submitter = SimulationSubmitter(impl_->access, actor, submitter_name);
    if (!submitter.ok()) return submitter.error();
    Result<std::optional<ApprovalProcess>> chosen = impl_->Choose(object, record_id, process);
    if (!chosen.ok()) return chosen.error();
    if (!*chosen) {
        ApprovalSimulation out;
        out.submitter = *submitter;
        out.entry_met = false;
        return out;
    }
    return impl_->SimulateWith(**chosen, object, record_id, *submitter);
}

Result<ApprovalSimulation> ApprovalService::SimulateDraft(const std::string& actor,
                                                          const ApprovalProcess& draft, int64_t record_id,
                                                          const std::string& submitter_name) {
    if (authorizer_) CRM_TRY(authorizer_(actor, SystemPermission::ManageWorkflows));
    Result<ApprovalProcess> valid = impl_->Validate(draft);
    if (!valid.ok()) return valid.error();
    const std::string object = valid->object;
    if (Result<json> rec = impl_->records.Get(actor, object, record_id); !rec.ok()) return rec.error();
    Result<std::string> submitter = SimulationSubmitter(impl_->access, actor, submitter_name);
    if (!submitter.ok()) return submitter.error();
    Result<bool> entry = impl_->ConditionHolds(object, record_id, valid->entry_condition);
    if (!entry.ok()) return entry.error();
    if (!*entry) {
        ApprovalSimulation out;
        out.process = valid->name;
        out.submitter = *submitter;
        out.entry_met = false;
        return out;
    }
    return impl_->SimulateWith(*valid, object, record_id, *submitter);
}

}  // namespace crm
