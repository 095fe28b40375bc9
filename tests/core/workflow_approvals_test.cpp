// Approval processes: steps (Unanimous, First Response), conditions not met, rejection back one step,
// recall, reassignment, delegated approvers, the record lock, inactive approvers, all-or-nothing actions and
// access (who may submit, what the inbox shows).
#include <doctest/doctest.h>

#include "common/error_text.h"
#include "demo/demo_company.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1795712400000;  // 2026-11-26T17:00:00Z
constexpr int64_t kDay = 86400000;

struct Sent {
    std::vector<std::string> to;
    std::string title;
};

/// An organization with a chain of command: rep -> mgr -> vp (and vp2 in the same role), and "other", a
/// rep outside it who cannot see rep's Opportunities (private sharing).
struct ApprovalFixture {
    FixedClock clock{kNow};
    std::unique_ptr<Workspace> ws;
    std::vector<Sent> sent;

    ApprovalFixture() {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        AccessService& a = ws->access();
        const std::string admin = "admin";
        REQUIRE(a.CreatePermissionSet(admin, PermissionSetKind::Profile, "Sales", "").ok());
        REQUIRE(a.SetObjectPermissions(admin, PermissionSetKind::Profile, "Sales", "Opportunity",
                                       kObjRead | kObjCreate | kObjEdit | kObjDelete)
                    .ok());
        REQUIRE(a.SetObjectPermissions(admin, PermissionSetKind::Profile, "Sales", "Task", kObjRead).ok());
        REQUIRE(a.CreateRole(admin, "VP", "").ok());
        REQUIRE(a.CreateRole(admin, "Manager", "VP").ok());
        REQUIRE(a.CreateRole(admin, "Rep", "Manager").ok());
        auto user = [&](const std::string& name, const std::string& role, const std::string& manager) {
            User u;
            u.username = name;
            u.full_name = name;
            u.email = name + "@example.com";
            u.role = role;
            u.manager = manager;
            u.profile = "Sales";
            REQUIRE(a.CreateUser(admin, u).ok());
        };
        user("vp", "VP", "");
        user("vp2", "VP", "");
        user("mgr", "Manager", "vp");
        user("rep", "Rep", "mgr");
        user("other", "", "");
        REQUIRE(a.SetSharing(admin,
                             ObjectSharing{"Opportunity", OrgWideDefault::Private, true, AccessLevel::None})
                    .ok());
        ws->approvals().SetNotifier([this](const std::vector<std::string>& to, const std::string& title,
                                           const std::string&, const std::string&, int64_t) {
            sent.push_back({to, title});
            return Status::Ok();
        });
    }

    int64_t Deal(const std::string& name, int64_t amount, const std::string& owner = "rep") {
        SaveResult r = ws->records().Create(owner, "Opportunity", {{"Name", name}, {"Amount", amount}});
        REQUIRE(r.ok());
        return r.id;
    }

    ApprovalProcess Define(const json& j) {
        auto p = ApprovalProcessFromJson(j);
        REQUIRE(p.ok());
        auto made = ws->approvals().CreateProcess("admin", *p);
        CAPTURE(made.ok() ? "" : made.error().message);
        REQUIRE(made.ok());
        return *made;
    }

    json Field(int64_t id, const char* field) {
        auto r = ws->records().Get("admin", "Opportunity", id);
        REQUIRE(r.ok());
        return (*r)[field];
    }
};

/// The demo's discount approval: the manager from 500,000, the VP too from 2,000,000.
json Discount() {
    return {
        {"object", "Opportunity"},
        {"name", "Discount"},
        {"entry_condition", "Amount >= 500000"},
        {"steps",
         {{{"name", "Manager"}, {"approver", {{"kind", "manager"}}}},
          {{"name", "VP"},
           {"approver", {{"kind", "role"}, {"name", "VP"}}},
           {"condition", "Amount >= 2000000"},
           {"when_not_met", "skip"}}}},
        {"actions",
         {{"submit", {{{"kind", "field_update"}, {"field", "NextStep"}, {"value", "Awaiting approval"}}}},
          {"approve",
           {{{"kind", "field_update"}, {"field", "NextStep"}, {"formula", "\"Approved at \" & TEXT(Amount)"}},
            {{"kind", "notify"}, {"to", "owner"}, {"title", "Discount approved"}}}},
          {"reject", {{{"kind", "field_update"}, {"field", "NextStep"}, {"value", "Rejected"}}}},
          {"recall", {{{"kind", "task"}, {"to", "submitter"}, {"subject", "Resubmit the discount"}}}}}}};
}

std::vector<std::string> Actions(const ApprovalRequest& r) {
    std::vector<std::string> out;
    for (const ApprovalHistoryEntry& h : r.history) out.push_back(h.action);
    return out;
}

}  // namespace

TEST_SUITE("workflow.approvals") {
    TEST_CASE("a discount from 500,000 goes to the manager, and the approval runs the approval actions") {
        ApprovalFixture f;
        f.Define(Discount());
        const int64_t id = f.Deal("Deal A", 600000);
        auto sub = f.ws->approvals().Submit("rep", "Opportunity", id, "please");
        CAPTURE(sub.ok() ? std::string() : sub.error().code + ": " + sub.error().message);
        REQUIRE(sub.ok());
        CHECK(sub->status == "pending");
        CHECK(sub->step_name == "Manager");
        CHECK(sub->waiting_on == std::vector<std::string>{"mgr"});
        CHECK(f.Field(id, "NextStep") == "Awaiting approval");
        REQUIRE(!f.sent.empty());
        CHECK(f.sent.back().to == std::vector<std::string>{"mgr"});
        auto ok = f.ws->approvals().Approve("mgr", "Opportunity", id, "fine");
        REQUIRE(ok.ok());
        CHECK(ok->status == "approved");
        CHECK(f.Field(id, "NextStep") == "Approved at 600000");
        CHECK(Actions(*ok) ==
              std::vector<std::string>{"submitted", "approved", "step_skipped", "final_approval"});
        CHECK(ok->history[1].actor == "mgr");
        CHECK(ok->history[1].comment == "fine");
        // The owner's notification (an approval action) and the submitter's.
        bool owner_told = false;
        for (const Sent& s : f.sent) owner_told = owner_told || s.title == "Discount approved";
        CHECK(owner_told);
        // Below the entry condition, no process applies.
        const int64_t small = f.Deal("Small", 1000);
        auto none = f.ws->approvals().Submit("rep", "Opportunity", small);
        REQUIRE_FALSE(none.ok());
        CHECK(none.error().code == "approvals.no_process");
    }

    TEST_CASE(
        "from 2,000,000 the VP step applies too; First Response over a role: the first answer decides") {
        ApprovalFixture f;
        f.Define(Discount());
        const int64_t id = f.Deal("Big", 2500000);
        REQUIRE(f.ws->approvals().Submit("rep", "Opportunity", id).ok());
        auto step2 = f.ws->approvals().Approve("mgr", "Opportunity", id);
        REQUIRE(step2.ok());
        CHECK(step2->status == "pending");
        CHECK(step2->step_name == "VP");
        CHECK(step2->waiting_on == std::vector<std::string>{"vp", "vp2"});
        auto done = f.ws->approvals().Reject("vp2", "Opportunity", id, "too deep");
        REQUIRE(done.ok());
        CHECK(done->status == "rejected");
        CHECK(f.Field(id, "NextStep") == "Rejected");
        int not_needed = 0;
        for (const ApprovalWorkItem& i : done->items) not_needed += i.status == "not_needed";
        CHECK(not_needed == 1);
        // The other VP can no longer act: nothing is pending.
        auto late = f.ws->approvals().Approve("vp", "Opportunity", id);
        REQUIRE_FALSE(late.ok());
        CHECK(late.error().code == "approvals.no_pending_request");
    }

    TEST_CASE("Unanimous: every approver of the step must approve") {
        ApprovalFixture f;
        f.Define({{"object", "Opportunity"},
                  {"name", "Board"},
                  {"steps", {{{"approver", {{"kind", "role"}, {"name", "VP"}}}, {"mode", "unanimous"}}}}});
        const int64_t id = f.Deal("Deal", 10);
        REQUIRE(f.ws->approvals().Submit("rep", "Opportunity", id).ok());
        auto one = f.ws->approvals().Approve("vp", "Opportunity", id);
        REQUIRE(one.ok());
        CHECK(one->status == "pending");
        CHECK(one->waiting_on == std::vector<std::string>{"vp2"});
        // The same approver cannot answer twice.
        CHECK(f.ws->approvals().Approve("vp", "Opportunity", id).error().code == "approvals.not_an_approver");
        auto two = f.ws->approvals().Approve("vp2", "Opportunity", id);
        REQUIRE(two.ok());
        CHECK(two->status == "approved");
    }

    TEST_CASE("a rejection can send the request back one step, whose approvers are asked again") {
        ApprovalFixture f;
        f.Define({{"object", "Opportunity"},
                  {"name", "Two"},
                  {"steps",
                   {{{"name", "One"}, {"approver", {{"kind", "manager"}}}},
                    {{"name", "Two"},
                     {"approver", {{"kind", "user"}, {"name", "vp"}}},
                     {"on_reject", "back_one_step"}}}}});
        const int64_t id = f.Deal("Deal", 10);
        REQUIRE(f.ws->approvals().Submit("rep", "Opportunity", id).ok());
        REQUIRE(f.ws->approvals().Approve("mgr", "Opportunity", id).ok());
        auto back = f.ws->approvals().Reject("vp", "Opportunity", id, "check the margin");
        REQUIRE(back.ok());
        CHECK(back->status == "pending");
        CHECK(back->step_name == "One");
        CHECK(back->waiting_on == std::vector<std::string>{"mgr"});
        CHECK(Actions(*back) ==
              std::vector<std::string>{"submitted", "approved", "rejected", "back_one_step"});
        // A rejection at the first step is final.
        auto final_no = f.ws->approvals().Reject("mgr", "Opportunity", id);
        REQUIRE(final_no.ok());
        CHECK(final_no->status == "rejected");
    }

    TEST_CASE("a step whose condition does not hold skips, approves or rejects") {
        for (const char* when : {"skip", "approve", "reject"}) {
            CAPTURE(when);
            ApprovalFixture f;
            f.Define({{"object", "Opportunity"},
                      {"name", "Cond"},
                      {"steps",
                       {{{"name", "Big only"},
                         {"approver", {{"kind", "manager"}}},
                         {"condition", "Amount > 1000"},
                         {"when_not_met", when}},
                        {{"name", "Last"}, {"approver", {{"kind", "user"}, {"name", "vp"}}}}}}});
            const int64_t id = f.Deal("Deal", 10);
            auto r = f.ws->approvals().Submit("rep", "Opportunity", id);
            REQUIRE(r.ok());
            if (std::string(when) == "skip") {
                CHECK(r->status == "pending");
                CHECK(r->waiting_on == std::vector<std::string>{"vp"});
            } else {
                CHECK(r->status == (std::string(when) == "approve" ? "approved" : "rejected"));
            }
        }
    }

    TEST_CASE("the submitter or an administrator recalls; the recall actions run") {
        ApprovalFixture f;
        f.Define(Discount());
        const int64_t id = f.Deal("Deal", 700000);
        REQUIRE(f.ws->approvals().Submit("rep", "Opportunity", id).ok());
        auto denied = f.ws->approvals().Recall("mgr", "Opportunity", id);
        REQUIRE_FALSE(denied.ok());
        CHECK(denied.error().code == "approvals.cannot_recall");
        auto recalled = f.ws->approvals().Recall("rep", "Opportunity", id, "wrong amount");
        REQUIRE(recalled.ok());
        CHECK(recalled->status == "recalled");
        auto tasks = f.ws->records().List("admin", "Task", {});
        REQUIRE(tasks.ok());
        REQUIRE(tasks->rows.size() == 1);
        CHECK(tasks->rows[0]["Subject"] == "Resubmit the discount");
        CHECK(tasks->rows[0]["WhatId"] == id);
        // Resubmitted, then recalled by the administrator.
        REQUIRE(f.ws->approvals().Submit("rep", "Opportunity", id).ok());
        CHECK(f.ws->approvals().Recall("admin", "Opportunity", id).ok());
        auto history = f.ws->approvals().History("rep", "Opportunity", id);
        REQUIRE(history.ok());
        CHECK(history->size() == 2);
    }

    TEST_CASE("a delegate acts for an approver while away, and the history says for whom") {
        ApprovalFixture f;
        f.Define(Discount());
        const int64_t id = f.Deal("Deal", 700000);
        REQUIRE(f.ws->approvals().SetDelegate("mgr", "mgr", "vp2", kNow - kDay, kNow + kDay).ok());
        // Nobody else sets mgr's delegate.
        CHECK(f.ws->approvals().SetDelegate("rep", "mgr", "rep", 0, 0).error().code == "access.denied");
        REQUIRE(f.ws->approvals().Submit("rep", "Opportunity", id).ok());
        bool delegate_told = false;
        for (const std::string& to : f.sent.back().to) delegate_told = delegate_told || to == "vp2";
        CHECK(delegate_told);
        auto inbox = f.ws->approvals().Inbox("vp2");
        REQUIRE(inbox.ok());
        REQUIRE(inbox->size() == 1);
        CHECK((*inbox)[0].as_delegate);
        CHECK((*inbox)[0].approver == "mgr");
        CHECK((*inbox)[0].record_name == "Deal");
        CHECK((*inbox)[0].submitter == "rep");
        auto ok = f.ws->approvals().Approve("vp2", "Opportunity", id, "for mgr");
        REQUIRE(ok.ok());
        CHECK(ok->status == "approved");
        CHECK(ok->history[1].actor == "vp2");
        CHECK(ok->history[1].on_behalf_of == "mgr");
        // Once the delegation has ended, the delegate cannot act.
        const int64_t later = f.Deal("Later", 700000);
        REQUIRE(f.ws->approvals().Submit("rep", "Opportunity", later).ok());
        f.clock.Advance(2 * kDay);
        CHECK(f.ws->approvals().Inbox("vp2")->empty());
        CHECK(f.ws->approvals().Approve("vp2", "Opportunity", later).error().code ==
              "approvals.not_an_approver");
    }

    TEST_CASE(
        "a pending record is locked: edits are refused with the reason, except by approvers and admins") {
        ApprovalFixture f;
        f.Define(Discount());
        const int64_t id = f.Deal("Deal", 700000);
        REQUIRE(f.ws->approvals().Submit("rep", "Opportunity", id).ok());
        SaveResult refused = f.ws->records().Update("rep", "Opportunity", id, {{"Amount", 1}});
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.errors[0].code == "approvals.record_locked");
        CHECK(refused.errors[0].message.find("Discount") != std::string::npos);
        CHECK(refused.errors[0].message.find("2026-11-26T17:00:00Z") != std::string::npos);
        CHECK(refused.errors[0].message.find("mgr") != std::string::npos);
        CHECK(ErrorMessageIn(refused.errors[0], "zh-CN").find("已锁定") != std::string::npos);
        CHECK(f.ws->records().Delete("rep", "Opportunity", id).error().code == "approvals.record_locked");
        CHECK(f.ws->records().Update("mgr", "Opportunity", id, {{"Amount", 650000}}).ok());
        CHECK(f.ws->records().Update("admin", "Opportunity", id, {{"Amount", 640000}}).ok());
        REQUIRE(f.ws->approvals().Approve("mgr", "Opportunity", id).ok());
        CHECK(f.ws->records().Update("rep", "Opportunity", id, {{"Amount", 1}}).ok());
    }

    TEST_CASE("an inactive approver: refused in a definition, and at run time nothing is half-applied") {
        ApprovalFixture f;
        REQUIRE(f.ws->access().SetUserActive("admin", "vp", false).ok());
        auto p = ApprovalProcessFromJson({{"object", "Opportunity"},
                                          {"name", "Named"},
                                          {"steps", {{{"approver", {{"kind", "user"}, {"name", "vp"}}}}}}});
        REQUIRE(p.ok());
        auto refused = f.ws->approvals().CreateProcess("admin", *p);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == "approvals.inactive_approver");
        CHECK(refused.error().field == "steps[0].approver");
        f.Define(Discount());
        REQUIRE(f.ws->access().SetUserActive("admin", "mgr", false).ok());
        const int64_t id = f.Deal("Deal", 700000);
        auto sub = f.ws->approvals().Submit("rep", "Opportunity", id);
        REQUIRE_FALSE(sub.ok());
        CHECK(sub.error().code == "approvals.approver_inactive");
        CHECK(sub.error().message.find("mgr") != std::string::npos);
        CHECK(f.Field(id, "NextStep").is_null());  // the submit action was rolled back
        CHECK_FALSE(f.ws->approvals().Pending("Opportunity", id).has_value());
        CHECK(f.ws->records().Update("rep", "Opportunity", id, {{"Amount", 1}}).ok());
    }

    TEST_CASE("an action that fails rolls the whole decision back") {
        ApprovalFixture f;
        json def = Discount();
        def["actions"]["approve"] = {{{"kind", "field_update"}, {"field", "NextStep"}, {"value", "Done"}},
                                     {{"kind", "field_update"}, {"field", "Amount"}, {"formula", "-1"}}};
        f.Define(def);
        const int64_t id = f.Deal("Deal", 700000);
        REQUIRE(f.ws->approvals().Submit("rep", "Opportunity", id).ok());
        auto failed = f.ws->approvals().Approve("mgr", "Opportunity", id);
        REQUIRE_FALSE(failed.ok());
        CHECK(failed.error().code == "approvals.action_failed");
        auto pending = f.ws->approvals().Pending("Opportunity", id);
        REQUIRE(pending.has_value());
        CHECK(pending->waiting_on == std::vector<std::string>{"mgr"});
        CHECK(pending->history.size() == 1);
        CHECK(f.Field(id, "NextStep") == "Awaiting approval");
        CHECK(f.Field(id, "Amount") == 700000);
    }

    TEST_CASE("reassigning hands the item to another active user") {
        ApprovalFixture f;
        f.Define(Discount());
        const int64_t id = f.Deal("Deal", 700000);
        REQUIRE(f.ws->approvals().Submit("rep", "Opportunity", id).ok());
        CHECK(f.ws->approvals().Reassign("rep", "Opportunity", id, "vp").error().code ==
              "approvals.not_an_approver");
        auto moved = f.ws->approvals().Reassign("mgr", "Opportunity", id, "vp", "", "on leave");
        REQUIRE(moved.ok());
        CHECK(moved->waiting_on == std::vector<std::string>{"vp"});
        CHECK(f.ws->approvals().Inbox("mgr")->empty());
        CHECK(f.ws->approvals().Inbox("vp")->size() == 1);
        CHECK(f.ws->approvals().Approve("vp", "Opportunity", id)->status == "approved");
    }

    TEST_CASE("who may submit, and the inbox shows only what its user may read") {
        ApprovalFixture f;
        f.Define({{"object", "Opportunity"},
                  {"name", "Other approves"},
                  {"steps", {{{"approver", {{"kind", "user"}, {"name", "other"}}}}}}});
        const int64_t id = f.Deal("Hidden deal", 10);
        auto denied = f.ws->approvals().Submit("other", "Opportunity", id);
        REQUIRE_FALSE(denied.ok());
        CHECK(denied.error().code == "records.no_record_access");
        REQUIRE(f.ws->approvals().Submit("rep", "Opportunity", id).ok());
        // other is asked but cannot read the record: the inbox leaves it out, and so does the history.
        auto inbox = f.ws->approvals().Inbox("other");
        REQUIRE(inbox.ok());
        CHECK(inbox->empty());
        CHECK_FALSE(f.ws->approvals().History("other", "Opportunity", id).ok());
        // Definitions need Manage Workflows.
        auto p = ApprovalProcessFromJson(Discount());
        CHECK(f.ws->approvals().CreateProcess("rep", *p).error().code == "access.denied");
        CHECK(f.ws->approvals().Simulate("rep", "Opportunity", id).error().code == "access.denied");
    }

    TEST_CASE("definitions: formulas compiled at save time, fields in use kept, the dry run") {
        ApprovalFixture f;
        json bad = Discount();
        bad["entry_condition"] = "Amount >= ";
        auto p = ApprovalProcessFromJson(bad);
        REQUIRE(p.ok());
        auto refused = f.ws->approvals().CreateProcess("admin", *p);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().field == "entry_condition");
        CHECK(refused.error().position > 0);
        json unknown = Discount();
        unknown["steps"][0]["mode"] = "majority";
        CHECK_FALSE(ApprovalProcessFromJson(unknown).ok());

        FieldDef discount;
        discount.object = "Opportunity";
        discount.api_name = "Discount__c";
        discount.label = "Discount";
        discount.type = FieldType::Percent;
        REQUIRE(f.ws->schema().CreateField("admin", discount).ok());
        json uses = Discount();
        uses["steps"][1]["condition"] = "Discount__c > 20";
        f.Define(uses);
        Status del = f.ws->schema().DeleteField("admin", "Opportunity", "Discount__c");
        REQUIRE_FALSE(del.ok());
        CHECK(del.error().message.find("approval process Opportunity.Discount") != std::string::npos);
        FieldDef retyped = discount;
        retyped.type = FieldType::Number;
        auto kept = f.ws->schema().RetypeField("admin", retyped, RetypeMode::RefuseIfAny);
        REQUIRE_FALSE(kept.ok());
        CHECK(kept.error().code == "schema.field_in_use");
        CHECK(kept.error().message.find("approval process Opportunity.Discount") != std::string::npos);

        const int64_t id = f.Deal("Deal", 700000);
        auto sim = f.ws->approvals().Simulate("admin", "Opportunity", id);
        REQUIRE(sim.ok());
        CHECK(sim->process == "Discount");
        REQUIRE(sim->steps.size() == 2);
        CHECK(sim->steps[0].outcome == "ask");
        CHECK(sim->steps[1].outcome == "skip");
        CHECK_FALSE(f.ws->approvals().Pending("Opportunity", id).has_value());

        // A process with pending requests is not deleted.
        REQUIRE(f.ws->approvals().Submit("rep", "Opportunity", id).ok());
        CHECK(f.ws->approvals().DeleteProcess("admin", "Opportunity", "Discount").error().code ==
              "approvals.process_in_use");
    }

    TEST_CASE("the demo company has the discount approval and pending requests in someone's inbox") {
        FixedClock clock(kNow);
        WorkspaceOptions o;
        o.clock = &clock;
        auto ws = Workspace::Open(":memory:", o);
        REQUIRE(ws.ok());
        REQUIRE(GenerateDemoCompany(**ws, DemoOptions{}).ok());
        auto p = (*ws)->approvals().Process("Opportunity", "Discount approval");
        REQUIRE(p.ok());
        CHECK(p->steps.size() == 2);
        size_t waiting = 0, at_vp = 0;
        for (const User& u : (*ws)->access().Users()) {
            auto inbox = (*ws)->approvals().Inbox(u.username);
            REQUIRE(inbox.ok());
            waiting += inbox->size();
            for (const InboxItem& i : *inbox) {
                CHECK_FALSE(i.record_name.empty());
                at_vp += i.step_name == "VP Sales";
            }
        }
        CHECK(waiting >= 3);
        CHECK(at_vp >= 1);
    }
}
