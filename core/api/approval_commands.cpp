// approvals.*: approval process definitions (Manage Workflows), requests (submit, approve, reject, recall,
// reassign), the history of a record, the acting user's inbox, delegation and the dry run, through
// ApprovalService, which checks who may act and trims what the actor may not read.
#include "api/command.h"
#include "workspace.h"

namespace crm::api {

namespace {

Result<json> RequestJson(Result<ApprovalRequest> r) {
    if (!r.ok()) return r.error();
    return ToJson(*r);
}

Result<json> ApprovalsListCmd(Call& call) {
    json out = json::array();
    for (const ApprovalProcess& p : call.workspace.approvals().Processes(call.Str("object")))
        out.push_back(ToJson(p));
    return out;
}

Result<json> ApprovalsGetCmd(Call& call) {
    Result<ApprovalProcess> p = call.workspace.approvals().Process(call.Str("object"), call.Str("name"));
    if (!p.ok()) return p.error();
    return ToJson(*p);
}

Result<json> ApprovalsCreateCmd(Call& call) {
    Result<ApprovalProcess> p = ApprovalProcessFromJson(*call.Obj("process"));
    if (!p.ok()) return p.error();
    Result<ApprovalProcess> made = call.workspace.approvals().CreateProcess(call.actor, *p);
    if (!made.ok()) return made.error();
    return ToJson(*made);
}

Result<json> ApprovalsUpdateCmd(Call& call) {
    const json& changes = *call.Obj("process");
    Result<ApprovalProcess> current =
        call.workspace.approvals().Process(changes.value("object", ""), changes.value("name", ""));
    if (!current.ok()) return current.error();
    Result<ApprovalProcess> p = ApprovalProcessFromJson(changes, *current);
    if (!p.ok()) return p.error();
    Result<ApprovalProcess> saved = call.workspace.approvals().UpdateProcess(call.actor, *p);
    if (!saved.ok()) return saved.error();
    return ToJson(*saved);
}

Result<json> ApprovalsDeleteCmd(Call& call) {
    CRM_TRY(call.workspace.approvals().DeleteProcess(call.actor, call.Str("object"), call.Str("name")));
    return json{{"deleted", call.Str("name")}};
}

Result<json> ApprovalsSubmitCmd(Call& call) {
    return RequestJson(call.workspace.approvals().Submit(call.actor, call.Str("object"), call.Id("id"),
                                                         call.Str("comment"), call.Str("process")));
}

Result<json> ApprovalsApproveCmd(Call& call) {
    return RequestJson(call.workspace.approvals().Approve(call.actor, call.Str("object"), call.Id("id"),
                                                          call.Str("comment")));
}

Result<json> ApprovalsRejectCmd(Call& call) {
    return RequestJson(call.workspace.approvals().Reject(call.actor, call.Str("object"), call.Id("id"),
                                                         call.Str("comment")));
}

Result<json> ApprovalsRecallCmd(Call& call) {
    return RequestJson(call.workspace.approvals().Recall(call.actor, call.Str("object"), call.Id("id"),
                                                         call.Str("comment")));
}

Result<json> ApprovalsReassignCmd(Call& call) {
    return RequestJson(call.workspace.approvals().Reassign(call.actor, call.Str("object"), call.Id("id"),
                                                           call.Str("to"), call.Str("from"),
                                                           call.Str("comment")));
}

Result<json> ApprovalsHistoryCmd(Call& call) {
    auto h = call.workspace.approvals().History(call.actor, call.Str("object"), call.Id("id"));
    if (!h.ok()) return h.error();
    json out = json::array();
    for (const ApprovalRequest& r : *h) out.push_back(ToJson(r));
    return out;
}

Result<json> ApprovalsInboxCmd(Call& call) {
    auto inbox = call.workspace.approvals().Inbox(call.actor);
    if (!inbox.ok()) return inbox.error();
    json out = json::array();
    for (const InboxItem& i : *inbox) out.push_back(ToJson(i));
    return out;
}

Result<json> ApprovalsDelegateCmd(Call& call) {
    ApprovalService& approvals = call.workspace.approvals();
    const std::string user = call.Str("username");
    const int64_t from = call.Time("from").value_or(call.workspace.clock().NowMs());
    CRM_TRY(
        approvals.SetDelegate(call.actor, user, call.Str("delegate"), from, call.Time("until").value_or(0)));
    std::optional<Delegation> d = approvals.DelegateOf(user);
    return d ? ToJson(*d) : json{{"user", user}, {"delegate", nullptr}};
}

Result<json> ApprovalsSimulateCmd(Call& call) {
    ApprovalService& approvals = call.workspace.approvals();
    if (const json* draft = call.Obj("definition")) {
        ApprovalProcess base;
        base.object = call.Str("object");
        Result<ApprovalProcess> p = ApprovalProcessFromJson(*draft, base);
        if (!p.ok()) return p.error();
        auto s = approvals.SimulateDraft(call.actor, *p, call.Id("id"), call.Str("submitter"));
        if (!s.ok()) return s.error();
        return ToJson(*s);
    }
    auto s = approvals.Simulate(call.actor, call.Str("object"), call.Id("id"), call.Str("process"),
                                call.Str("submitter"));
    if (!s.ok()) return s.error();
    return ToJson(*s);
}

const Arg kObject = {"object", ArgType::String, true};
const Arg kId = {"id", ArgType::Id, true};
const Arg kComment = {"comment", ArgType::String};
const char* const kProcessDoc =
    "{object, name, description?, active?, order?, entry_condition?, steps: [{name?, approver: {kind, "
    "name?}, "
    "mode?, condition?, when_not_met?, on_reject?, escalate_after_hours?, escalate_to?: manager|user, "
    "escalate_user?}], actions?: {submit?, approve?, reject?, recall?}}";

Reads Processes() { return SetupData("the approval processes", {SystemPermission::ManageWorkflows}); }

}  // namespace

void RegisterApprovalCommands(Registry& r) {
    r.push_back({"approvals.list",
                 "Lists the approval processes (of one object, or all), in the order they are tried.",
                 {{"object", ArgType::String}},
                 Processes(),
                 false,
                 {{"object", "Account"}},
                 ApprovalsListCmd});
    r.push_back({"approvals.get",
                 "Returns one approval process: entry condition, steps and actions.",
                 {kObject, {"name", ArgType::String, true}},
                 Processes(),
                 false,
                 {{"object", "Account"}, {"name", "Big accounts"}},
                 ApprovalsGetCmd});
    r.push_back(
        {"approvals.create",
         "Creates an approval process; formulas are compiled and named approvers must be active users.",
         {{"process", ArgType::Object, true, kProcessDoc}},
         Processes(),
         true,
         {{"process",
           {{"object", "Account"},
            {"name", "Second look"},
            {"entry_condition", "ISBLANK(Phone)"},
            {"steps", {{{"name", "Idle checks"}, {"approver", {{"kind", "user"}, {"name", "idle"}}}}}}}}},
         ApprovalsCreateCmd});
    r.push_back(
        {"approvals.update",
         "Changes an approval process (named by object and name); pending requests keep the steps they "
         "were submitted with.",
         {{"process", ArgType::Object, true, kProcessDoc}},
         Processes(),
         true,
         {{"process", {{"object", "Account"}, {"name", "Big accounts"}, {"order", 2}}}},
         ApprovalsUpdateCmd});
    r.push_back({"approvals.delete",
                 "Deletes an approval process without pending requests.",
                 {kObject, {"name", ArgType::String, true}},
                 Processes(),
                 true,
                 {{"object", "Account"}, {"name", "Old review"}},
                 ApprovalsDeleteCmd});
    r.push_back(
        {"approvals.submit",
         "Submits a record for approval (the acting user needs Edit access to it): the first active process "
         "whose entry condition holds, or the one named.",
         {kObject, kId, kComment, {"process", ArgType::String}},
         ObjectRecords(),
         true,
         {{"object", "Account"}, {"id", 3}, {"comment", "Please approve"}},
         ApprovalsSubmitCmd});
    r.push_back({"approvals.approve",
                 "Approves the current step of a record's pending request, as an approver, a delegate or an "
                 "administrator.",
                 {kObject, kId, kComment},
                 ObjectRecords(),
                 true,
                 {{"object", "Account"}, {"id", 2}, {"comment", "Fine"}},
                 ApprovalsApproveCmd});
    r.push_back(
        {"approvals.reject",
         "Rejects the current step of a record's pending request (final, or back one step as the step "
         "says).",
         {kObject, kId, kComment},
         ObjectRecords(),
         true,
         {{"object", "Account"}, {"id", 2}, {"comment", "Margin too low"}},
         ApprovalsRejectCmd});
    r.push_back(
        {"approvals.recall",
         "Withdraws a record's pending request (the submitter or an administrator); the recall actions run.",
         {kObject, kId, kComment},
         ObjectRecords(),
         true,
         {{"object", "Account"}, {"id", 2}},
         ApprovalsRecallCmd});
    r.push_back(
        {"approvals.reassign",
         "Hands a pending approval to another active user (an administrator names `from` when the step "
         "waits on several).",
         {kObject, kId, {"to", ArgType::String, true}, {"from", ArgType::String}, kComment},
         ObjectRecords(),
         true,
         {{"object", "Account"}, {"id", 2}, {"to", "idle"}},
         ApprovalsReassignCmd});
    r.push_back(
        {"approvals.history",
         "The approval requests of a record, newest first, each with its history: who, when, decision, "
         "comment.",
         {kObject, kId},
         ObjectRecords(),
         false,
         {{"object", "Account"}, {"id", 2}},
         ApprovalsHistoryCmd});
    r.push_back(
        {"approvals.inbox",
         "What waits for the acting user's approval (also as a delegate), on records the user may read, "
         "with record name and submitter.",
         {},
         PublicFacts(),
         false,
         json::object(),
         ApprovalsInboxCmd});
    r.push_back(
        {"approvals.delegate",
         "Names (or, without `delegate`, clears) the user's delegate for approvals while away, from `from` "
         "(default now) until `until` (open-ended when absent).",
         {{"username", ArgType::String, true},
          {"delegate", ArgType::String},
          {"from", ArgType::Time},
          {"until", ArgType::Time}},
         SetupData("another user's delegation",
                   {SystemPermission::ManageUsers, SystemPermission::ManageWorkflows}, "username"),
         true,
         {{"username", "idle"}, {"delegate", "reader"}, {"from", "2026-12-01"}, {"until", "2026-12-15"}},
         ApprovalsDelegateCmd});
    r.push_back(
        {"approvals.simulate",
         "The dry run of a submission on a record: which process would take it (or how an unsaved "
         "definition would run), what each step would do and who would approve, as the actor or a chosen "
         "submitter. Nothing is saved.",
         {kObject,
          kId,
          {"process", ArgType::String},
          {"submitter", ArgType::String},
          {"definition", ArgType::Object, false, kProcessDoc}},
         Processes(),
         false,
         {{"object", "Account"}, {"id", 3}},
         ApprovalsSimulateCmd});
}

}  // namespace crm::api
