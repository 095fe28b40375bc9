// The demo company's processes and assignment rules: the sales process on Opportunity.StageName, the
// service process on Case.Status, and round-robin assignment of Leads (华东销售团队) and Cases (Support Tier
// 2).
#include "demo/demo_process.h"

#include "workspace.h"

namespace crm {

namespace {

Status SeedProcesses(Workspace& ws) {
    const std::string& actor = kSystemActor;
    Process sales;
    sales.name = "Sales Process 销售流程";
    sales.object = "Opportunity";
    sales.field = "StageName";
    sales.description = "From first contact to a closed deal.";
    sales.probability_field = "Probability";
    sales.profiles = {"Sales Representative", "Sales Manager"};
    sales.stages = {
        {"Prospecting", 10, {}, "", {"Qualification", "Closed Lost"}},
        {"Qualification", 20, {"AccountId"}, "", {"Needs Analysis", "Closed Lost"}},
        {"Needs Analysis", 40, {"Amount"}, "", {"Proposal", "Closed Lost"}},
        {"Proposal", 60, {"Amount", "CloseDate"}, "Amount > 0", {"Negotiation", "Closed Lost"}},
        {"Negotiation", 80, {"Amount", "CloseDate"}, "", {"Closed Won", "Closed Lost", "Proposal"}},
        {"Closed Won", 100, {"Amount", "CloseDate"}, "Amount > 0", {}},
        {"Closed Lost", 0, {}, "", {}},
    };
    // The system actor follows no process, so the demo's generated history stands as it is.
    if (Result<Process> r = ws.processes().Create(actor, sales); !r.ok()) return r.error();
    Process service;
    service.name = "Service Process 服务流程";
    service.object = "Case";
    service.field = "Status";
    service.description = "A case from arrival to closure; escalations go through Working.";
    service.stages = {
        {"New", std::nullopt, {}, "", {"Working", "Closed"}},
        {"Working", std::nullopt, {"Subject"}, "", {"Escalated", "Closed"}},
        {"Escalated", std::nullopt, {"Priority"}, "NOT(ISPICKVAL(Priority, \"Low\"))", {"Working", "Closed"}},
        {"Closed", std::nullopt, {"Subject"}, "", {"Working"}},
    };
    if (Result<Process> r = ws.processes().Create(actor, service); !r.ok()) return r.error();
    return Status::Ok();
}

bool HasTeam(Workspace& ws, const std::string& name) {
    for (const Team& t : ws.access().Teams())
        if (t.name == name) return true;
    return false;
}

Status SeedAssignment(Workspace& ws) {
    const std::string& actor = kSystemActor;
    AssignmentService& as = ws.assignment();
    // The large benchmark organization has other teams: only the demo's own get rules.
    if (HasTeam(ws, "华东销售团队")) {
        AssignmentEntry east;
        east.object = "Lead";
        east.name = "East_China_leads";
        east.condition =
            "OR(CONTAINS(City, \"上海\"), CONTAINS(City, \"杭州\"), CONTAINS(City, \"南京\"), "
            "CONTAINS(City, \"Shanghai\"))";
        east.kind = AssignKind::RoundRobin;
        east.team = "华东销售团队";
        if (Result<AssignmentEntry> r = as.Create(actor, east); !r.ok()) return r.error();
        AssignmentEntry rest = east;
        rest.name = "All_other_leads";
        rest.condition = "";
        rest.kind = AssignKind::LeastLoad;
        if (Result<AssignmentEntry> r = as.Create(actor, rest); !r.ok()) return r.error();
    }
    if (HasTeam(ws, "Support Tier 2")) {
        AssignmentEntry high;
        high.object = "Case";
        high.name = "High_priority_to_Tier_2";
        high.condition = "ISPICKVAL(Priority, \"High\")";
        high.kind = AssignKind::RoundRobin;
        high.team = "Support Tier 2";
        high.on_update = true;
        if (Result<AssignmentEntry> r = as.Create(actor, high); !r.ok()) return r.error();
        AssignmentEntry web = high;
        web.name = "Web_cases_queue";
        web.condition = "ISPICKVAL(Origin, \"Web\")";
        web.kind = AssignKind::Queue;
        web.on_update = false;
        if (Result<AssignmentEntry> r = as.Create(actor, web); !r.ok()) return r.error();
    }
    return Status::Ok();
}

}  // namespace

Status SeedProcessDemo(Workspace& workspace) {
    if (Status s = SeedProcesses(workspace); !s.ok()) return s;
    return SeedAssignment(workspace);
}

}  // namespace crm
