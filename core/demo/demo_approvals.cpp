// The demo's approvals: a discount approval on Opportunity (from 500,000 the owner's manager approves; from
// 2,000,000 the VP Sales too) and a few pending requests, so the approval inbox is not empty on first open.
#include <iterator>

#include "demo/demo_company.h"
#include "workspace.h"

namespace crm {

Status SeedApprovalsDemo(Workspace& ws) {
    const std::string actor = kSystemActor;
    const char* const vp_role = "VP Sales 销售副总裁";
    bool has_role = false;
    for (const Role& r : ws.access().Roles()) has_role = has_role || r.name == vp_role;
    if (!has_role) return Status::Ok();  // the large organization of the benchmarks has other roles
    const nlohmann::json definition = {
        {"object", "Opportunity"},
        {"name", "Discount approval"},
        {"description", "Large deals: the owner's manager from 500,000, the VP Sales too from 2,000,000."},
        {"entry_condition", "Amount >= 500000"},
        {"steps",
         {{{"name", "Manager"}, {"approver", {{"kind", "manager"}}}, {"mode", "first_response"}},
          {{"name", "VP Sales"},
           {"approver", {{"kind", "role"}, {"name", vp_role}}},
           {"condition", "Amount >= 2000000"},
           {"when_not_met", "skip"},
           {"on_reject", "back_one_step"}}}},
        {"actions",
         {{"submit",
           {{{"kind", "field_update"}, {"field", "NextStep"}, {"value", "Awaiting discount approval"}}}},
          {"approve",
           {{{"kind", "field_update"}, {"field", "NextStep"}, {"value", "Discount approved"}},
            {{"kind", "notify"}, {"to", "owner"}, {"title", "Discount approved"}}}},
          {"reject", {{{"kind", "field_update"}, {"field", "NextStep"}, {"value", "Discount rejected"}}}},
          {"recall", {{{"kind", "field_update"}, {"field", "NextStep"}, {"value", ""}}}}}}};
    Result<ApprovalProcess> process = ApprovalProcessFromJson(definition);
    if (!process.ok()) return process.error();
    if (Result<ApprovalProcess> made = ws.approvals().CreateProcess(actor, *process); !made.ok())
        return made.error();

    // The generated deals stay below 500,000: four open ones owned by sales reps grow into large deals and
    // go to their managers; the one from 2,000,000 is already past its manager and waits on the VP Sales.
    const int64_t amounts[] = {680000, 1250000, 2600000, 820000};
    std::vector<User> users = ws.access().Users();
    ListQuery query;
    query.columns = {"OwnerId"};
    query.filter_formula = "OR(ISPICKVAL(StageName, \"Proposal\"), ISPICKVAL(StageName, \"Negotiation\"))";
    query.limit = 200;
    Result<ListPage> open = ws.records().List(actor, "Opportunity", query);
    if (!open.ok()) return open.error();
    size_t next = 0;
    for (const nlohmann::json& row : open->rows) {
        if (next >= std::size(amounts)) break;
        const nlohmann::json& owner_id = row.value("OwnerId", nlohmann::json());
        const User* rep = nullptr;
        for (const User& u : users) {
            if (owner_id.is_number_integer() && u.id == owner_id.get<int64_t>() && u.active &&
                !u.manager.empty() && u.profile == "Sales Representative")
                rep = &u;
        }
        if (!rep) continue;
        const int64_t id = row["Id"].get<int64_t>();
        const int64_t amount = amounts[next++];
        if (SaveResult grown = ws.records().Update(actor, "Opportunity", id, {{"Amount", amount}});
            !grown.ok())
            return grown.errors.front();
        Result<ApprovalRequest> r =
            ws.approvals().Submit(rep->username, "Opportunity", id, "Discount for a large deal.");
        if (!r.ok()) return r.error();
        if (amount >= 2000000) {
            Result<ApprovalRequest> passed =
                ws.approvals().Approve(rep->manager, "Opportunity", id, "Fine from my side.");
            if (!passed.ok()) return passed.error();
        }
    }
    return Status::Ok();
}

}  // namespace crm
