// Approval escalations (a pending step reassigned after its business hours, through the scheduler) and the
// dry run of an unsaved definition as a chosen submitter.
#include <doctest/doctest.h>

#include "common/clock.h"
#include "workflow/company_time.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

int64_t At(const char* iso) {
    std::optional<int64_t> ms = ParseUtcIso8601(iso);
    REQUIRE(ms.has_value());
    return *ms;
}

struct Sent {
    std::vector<std::string> to;
    std::string title;
};

/// rep -> mgr -> vp; "nomgr" has no manager; "helper" is a named escalation user. The company keeps the
/// default business hours (09:00-18:00 UTC, Monday to Friday). Now is Thursday 2026-11-26 17:00 UTC.
struct EscalationFixture {
    FixedClock clock{At("2026-11-26T17:00:00Z")};
    std::unique_ptr<Workspace> ws;
    std::vector<Sent> sent;

    EscalationFixture() {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        AccessService& a = ws->access();
        const std::string admin = "admin";
        REQUIRE(a.CreatePermissionSet(admin, PermissionSetKind::Profile, "Sales", "").ok());
        REQUIRE(a.SetObjectPermissions(admin, PermissionSetKind::Profile, "Sales", "Opportunity",
                                       kObjRead | kObjCreate | kObjEdit)
                    .ok());
        auto user = [&](const std::string& name, const std::string& manager) {
            User u;
            u.username = name;
            u.full_name = name;
            u.email = name + "@example.com";
            u.manager = manager;
            u.profile = "Sales";
            REQUIRE(a.CreateUser(admin, u).ok());
        };
        user("vp", "");
        user("mgr", "vp");
        user("rep", "mgr");
        user("nomgr", "");
        user("helper", "");
        ws->approvals().SetNotifier([this](const std::vector<std::string>& to, const std::string& title,
                                           const std::string&, const std::string&, int64_t) {
            sent.push_back({to, title});
            return Status::Ok();
        });
    }

    int64_t Deal(const std::string& name) {
        SaveResult r = ws->records().Create("rep", "Opportunity", {{"Name", name}, {"Amount", 600000}});
        REQUIRE(r.ok());
        return r.id;
    }

    Result<ApprovalProcess> Define(const json& step) {
        auto p = ApprovalProcessFromJson(
            {{"object", "Opportunity"}, {"name", "Discount"}, {"steps", json::array({step})}});
        if (!p.ok()) return p.error();
        return ws->approvals().CreateProcess("admin", *p);
    }

    std::vector<ScheduledItem> Escalations(const std::string& state = "pending") {
        std::vector<ScheduledItem> out;
        for (const ScheduledItem& i : ws->automation().scheduler().List(state))
            if (i.kind == "approval_escalation") out.push_back(i);
        return out;
    }

    RunDueReport Run(const char* iso) {
        clock.Set(At(iso));
        Result<RunDueReport> r = ws->automation().scheduler().RunDue("admin", At(iso));
        REQUIRE(r.ok());
        return *r;
    }

    bool Told(const std::string& user, const std::string& title_start) const {
        for (const Sent& s : sent)
            for (const std::string& t : s.to)
                if (t == user && s.title.rfind(title_start, 0) == 0) return true;
        return false;
    }
};

json ManagerStep(int hours, const json& to = "manager") {
    return {{"name", "Manager"},
            {"approver", {{"kind", "manager"}}},
            {"escalate_after_hours", hours},
            {"escalate_to", to}};
}

}  // namespace

TEST_SUITE("workflow.escalation") {
    TEST_CASE("business hours: counted only while open, across the night and the weekend") {
        CompanyTime t;  // UTC, 09:00-18:00 Monday to Friday
        CHECK(t.AddBusinessHours(At("2026-11-26T17:00:00Z"), 8) == At("2026-11-27T16:00:00Z"));
        CHECK(t.AddBusinessHours(At("2026-11-27T17:00:00Z"), 8) == At("2026-11-30T16:00:00Z"));
        CHECK(t.AddBusinessHours(At("2026-11-28T03:00:00Z"), 1) == At("2026-11-30T10:00:00Z"));
        CHECK(t.AddBusinessHours(At("2026-11-26T10:00:00Z"), 9) == At("2026-11-27T10:00:00Z"));
    }

    TEST_CASE("a step still pending after its hours is reassigned to the approver's manager") {
        EscalationFixture f;
        auto p = f.Define(ManagerStep(8));
        REQUIRE(p.ok());
        CHECK(ToJson(*p)["steps"][0]["escalate_after_hours"] == 8);
        const int64_t id = f.Deal("Deal");
        auto sub = f.ws->approvals().Submit("rep", "Opportunity", id);
        REQUIRE(sub.ok());
        std::vector<ScheduledItem> queued = f.Escalations();
        REQUIRE(queued.size() == 1);
        CHECK(queued[0].record_id == id);
        CHECK(queued[0].due_ms == At("2026-11-27T16:00:00Z"));  // 1 h on Thursday, 7 h on Friday
        CHECK(f.Run("2026-11-27T15:59:00Z").ran.empty());
        RunDueReport due = f.Run("2026-11-27T16:00:00Z");
        REQUIRE(due.ran.size() == 1);
        CHECK(due.ran[0].state == "done");
        std::optional<ApprovalRequest> r = f.ws->approvals().Pending("Opportunity", id);
        REQUIRE(r.has_value());
        CHECK(r->waiting_on == std::vector<std::string>{"vp"});
        CHECK(r->history.back().action == "escalated");
        CHECK(r->history.back().comment == "from mgr to vp after 8 business hours");
        bool escalated_item = false;
        for (const ApprovalWorkItem& i : r->items)
            escalated_item |= i.approver == "mgr" && i.status == "escalated";
        CHECK(escalated_item);
        CHECK(f.Told("mgr", "Approval escalated: "));
        CHECK(f.Told("vp", "Approval escalated to you: "));
        // The old approver no longer decides; the new one does. It escalates once.
        auto old = f.ws->approvals().Approve("mgr", "Opportunity", id);
        REQUIRE_FALSE(old.ok());
        CHECK(old.error().code == "approvals.not_an_approver");
        CHECK(f.Escalations().empty());
        auto ok = f.ws->approvals().Approve("vp", "Opportunity", id);
        REQUIRE(ok.ok());
        CHECK(ok->status == "approved");
    }

    TEST_CASE("an escalation run ahead of the clock is dated at the run's time") {
        EscalationFixture f;
        REQUIRE(f.Define(ManagerStep(8)).ok());
        const int64_t id = f.Deal("Deal");
        REQUIRE(f.ws->approvals().Submit("rep", "Opportunity", id).ok());
        // scheduler.run_due with a `now` past the due time; the clock stays on Thursday.
        const int64_t run = At("2026-11-27T16:30:00Z");
        Result<RunDueReport> due = f.ws->automation().scheduler().RunDue("admin", run);
        REQUIRE(due.ok());
        REQUIRE(due->ran.size() == 1);
        CHECK(due->ran[0].state == "done");
        std::optional<ApprovalRequest> r = f.ws->approvals().Pending("Opportunity", id);
        REQUIRE(r.has_value());
        CHECK(r->history.back().action == "escalated");
        CHECK(r->history.back().at_ms == run);
        for (const ApprovalWorkItem& i : r->items) {
            if (i.status == "escalated") CHECK(i.acted_ms == run);
            if (i.approver == "vp") CHECK(i.created_ms == run);
        }
        // Outside the run, the clock again.
        REQUIRE(f.ws->approvals().Approve("vp", "Opportunity", id, "fine").ok());
        auto all = f.ws->approvals().History("admin", "Opportunity", id);
        REQUIRE(all.ok());
        REQUIRE_FALSE(all->empty());
        CHECK(all->front().history.back().at_ms == f.clock.NowMs());
    }

    TEST_CASE("a step decided before its escalation is due cancels the item") {
        EscalationFixture f;
        REQUIRE(f.Define(ManagerStep(8)).ok());
        const int64_t id = f.Deal("Deal");
        REQUIRE(f.ws->approvals().Submit("rep", "Opportunity", id).ok());
        REQUIRE(f.Escalations().size() == 1);
        auto ok = f.ws->approvals().Approve("mgr", "Opportunity", id);
        REQUIRE(ok.ok());
        CHECK(ok->status == "approved");
        CHECK(f.Escalations().empty());
        CHECK(f.Run("2026-12-10T12:00:00Z").ran.empty());
        // A recall cancels it too.
        const int64_t second = f.Deal("Second");
        REQUIRE(f.ws->approvals().Submit("rep", "Opportunity", second).ok());
        REQUIRE(f.Escalations().size() == 1);
        REQUIRE(f.ws->approvals().Recall("rep", "Opportunity", second).ok());
        CHECK(f.Escalations().empty());
    }

    TEST_CASE("an approver without a manager: the item fails with the reason, the request is unchanged") {
        EscalationFixture f;
        json step = {{"name", "Named"},
                     {"approver", {{"kind", "user"}, {"name", "nomgr"}}},
                     {"escalate_after_hours", 2},
                     {"escalate_to", "manager"}};
        REQUIRE(f.Define(step).ok());
        const int64_t id = f.Deal("Deal");
        REQUIRE(f.ws->approvals().Submit("rep", "Opportunity", id).ok());
        RunDueReport due = f.Run("2026-11-30T12:00:00Z");
        REQUIRE(due.ran.size() == 1);
        CHECK(due.ran[0].state == "failed");
        CHECK(due.ran[0].error.find("nomgr has no manager") != std::string::npos);
        CHECK(due.failed == 1);
        std::vector<ScheduledItem> failed = f.Escalations("failed");
        REQUIRE(failed.size() == 1);
        CHECK(failed[0].error == due.ran[0].error);
        std::optional<ApprovalRequest> r = f.ws->approvals().Pending("Opportunity", id);
        REQUIRE(r.has_value());
        CHECK(r->waiting_on == std::vector<std::string>{"nomgr"});
        for (const ApprovalHistoryEntry& h : r->history) CHECK(h.action != "escalated");
    }

    TEST_CASE("escalation to a named user, and the definition's checks") {
        EscalationFixture f;
        json named = ManagerStep(4, "user");
        named["escalate_user"] = "helper";
        REQUIRE(f.Define(named).ok());
        const int64_t id = f.Deal("Deal");
        REQUIRE(f.ws->approvals().Submit("rep", "Opportunity", id).ok());
        REQUIRE(f.Run("2026-11-27T12:00:00Z").ran.size() == 1);
        std::optional<ApprovalRequest> r = f.ws->approvals().Pending("Opportunity", id);
        REQUIRE(r.has_value());
        CHECK(r->waiting_on == std::vector<std::string>{"helper"});

        EscalationFixture g;
        json unknown = ManagerStep(4, "user");
        unknown["escalate_user"] = "nobody";
        auto bad_user = g.Define(unknown);
        REQUIRE_FALSE(bad_user.ok());
        CHECK(bad_user.error().code == "approvals.escalation_user");
        CHECK(bad_user.error().field == "steps[0].escalate_user");
        auto too_long = g.Define(ManagerStep(9000));
        REQUIRE_FALSE(too_long.ok());
        CHECK(too_long.error().field == "steps[0].escalate_after_hours");
        auto bad_to = g.Define(ManagerStep(4, "team"));
        REQUIRE_FALSE(bad_to.ok());
        CHECK(bad_to.error().code == "approvals.invalid_value");
    }

    TEST_CASE("the dry run of an unsaved definition, as a chosen submitter") {
        EscalationFixture f;
        const int64_t id = f.Deal("Deal");
        auto draft = ApprovalProcessFromJson(
            {{"object", "Opportunity"},
             {"name", "Draft"},
             {"entry_condition", "Amount >= 500000"},
             {"steps", {{{"name", "Manager"}, {"approver", {{"kind", "manager"}}}}}}});
        REQUIRE(draft.ok());
        auto as_rep = f.ws->approvals().SimulateDraft("admin", *draft, id, "rep");
        REQUIRE(as_rep.ok());
        CHECK(as_rep->process == "Draft");
        CHECK(as_rep->submitter == "rep");
        REQUIRE(as_rep->steps.size() == 1);
        CHECK(as_rep->steps[0].approvers == std::vector<std::string>{"mgr"});
        auto as_mgr = f.ws->approvals().SimulateDraft("admin", *draft, id, "mgr");
        REQUIRE(as_mgr.ok());
        CHECK(as_mgr->steps[0].approvers == std::vector<std::string>{"vp"});
        auto as_vp = f.ws->approvals().SimulateDraft("admin", *draft, id, "vp");
        REQUIRE(as_vp.ok());
        CHECK(as_vp->steps[0].error.find("no manager") != std::string::npos);
        CHECK(f.ws->approvals().Processes("Opportunity").empty());  // nothing saved
        draft->entry_condition = "Amount > 1000000";
        auto not_met = f.ws->approvals().SimulateDraft("admin", *draft, id, "rep");
        REQUIRE(not_met.ok());
        CHECK_FALSE(not_met->entry_met);
        CHECK(not_met->steps.empty());
        auto nobody = f.ws->approvals().SimulateDraft("admin", *draft, id, "ghost");
        REQUIRE_FALSE(nobody.ok());
        CHECK(nobody.error().code == "approvals.simulate_submitter");
        auto denied = f.ws->approvals().SimulateDraft("rep", *draft, id, "rep");
        CHECK_FALSE(denied.ok());
        // The saved process as another submitter.
        REQUIRE(f.Define(ManagerStep(8)).ok());
        auto saved = f.ws->approvals().Simulate("admin", "Opportunity", id, "", "mgr");
        REQUIRE(saved.ok());
        CHECK(saved->steps[0].approvers == std::vector<std::string>{"vp"});
    }
}
