// The demo company's automation: five rules (two of them time-based), items queued for the time-based
// ones, and a few unread notifications so the inbox and the log are not empty on first open.
#include "audit/change.h"
#include "workspace.h"

namespace crm {

namespace {

Status AddRule(AutomationService& automation, const nlohmann::json& j) {
    Result<AutomationRule> rule = AutomationRuleFromJson(j, {});
    if (!rule.ok()) return rule.error();
    Result<AutomationRule> created = automation.Create(kSystemActor, *rule);
    return created.ok() ? Status::Ok() : Status(created.error());
}

}  // namespace

Status SeedAutomationDemo(Workspace& ws) {
    using nlohmann::json;
    AutomationService& automation = ws.automation();
    const json rules[] = {
        {{"object", "Opportunity"},
         {"name", "Negotiation follow-up"},
         {"description", "When a deal reaches Negotiation: a task for the owner, a word to their manager."},
         {"order", 10},
         {"trigger", {{"kind", "on_field_change"}, {"fields", {"StageName"}}}},
         {"condition", "ISPICKVAL(StageName, \"Negotiation\")"},
         {"actions",
          {{{"kind", "create_task"},
            {"subject", "Prepare the contract for {{Name}}"},
            {"due_in_days", 2},
            {"priority", "High"}},
           {{"kind", "notify"},
            {"to", "owner_manager"},
            {"title", "{{Name}} is in negotiation"},
            {"body", "Amount {{Amount}}, closing {{CloseDate}}."}}}}},
        {{"object", "Opportunity"},
         {"name", "Big deal alert"},
         {"description", "A new deal of a million or more: the owner's manager hears of it, the ERP too."},
         {"order", 20},
         {"trigger", {{"kind", "on_create"}}},
         {"condition", "Amount >= 1000000"},
         {"actions",
          {{{"kind", "notify"}, {"to", "owner_manager"}, {"title", "New big deal: {{Name}}"}},
           {{"kind", "webhook"}, {"url", "https://erp.example.com/hooks/big-deals"}}}}},
        {{"object", "Case"},
         {"name", "Escalate high priority"},
         {"description", "High-priority cases are escalated and Support Tier 2 is told."},
         {"order", 10},
         {"trigger", {{"kind", "on_create"}}},
         {"condition", "ISPICKVAL(Priority, \"High\")"},
         {"actions",
          {{{"kind", "update_field"}, {"field", "Status"}, {"value", "\"Escalated\""}},
           {{"kind", "notify"},
            {"to", "team"},
            {"name", "Support Tier 2"},
            {"title", "Escalated: {{Subject}}"}}}}},
        {{"object", "Opportunity"},
         {"name", "Close date in a week"},
         {"description", "Seven days before the close date, at 09:00 company time, remind the owner."},
         {"order", 30},
         {"trigger",
          {{"kind", "time"},
           {"field", "CloseDate"},
           {"offset", 7},
           {"unit", "days"},
           {"direction", "before"},
           {"at", "09:00"}}},
         {"condition",
          "NOT(ISPICKVAL(StageName, \"Closed Won\")) && NOT(ISPICKVAL(StageName, \"Closed Lost\"))"},
         {"actions",
          {{{"kind", "notify"}, {"to", "owner"}, {"title", "{{Name}} closes in a week"}},
           {{"kind", "update_field"}, {"field", "NextStep"}, {"value", "\"Confirm the close date\""}}}}},
        {{"object", "Task"},
         {"name", "Overdue task"},
         {"description", "A day after an open task's due date, in business hours, remind its owner."},
         {"order", 10},
         {"trigger",
          {{"kind", "time"},
           {"field", "DueDate"},
           {"offset", 1},
           {"unit", "days"},
           {"direction", "after"},
           {"at", "09:00"},
           {"business_hours", true}}},
         {"condition", "NOT(ISPICKVAL(Status, \"Completed\"))"},
         {"actions", {{{"kind", "notify"}, {"to", "owner"}, {"title", "Overdue: {{Subject}}"}}}}},
    };
    for (const json& rule : rules) {
        if (Status s = AddRule(automation, rule); !s.ok()) return s;
    }
    // Queue the time-based items of a few open deals: each save (re)computes its record's items.
    Statement deals = ws.db().Prepare(
        "SELECT id FROM rec_opportunity WHERE stagename NOT IN ('Closed Won', 'Closed Lost') AND closedate "
        "IS NOT "
        "NULL ORDER BY id LIMIT 5");
    std::vector<int64_t> ids;
    while (deals.Step()) ids.push_back(deals.Int(0));
    for (int64_t id : ids) {
        SaveResult r =
            ws.records().Update(kSystemActor, "Opportunity", id, {{"NextStep", "Review the proposal"}});
        if (!r.ok()) return r.errors.front();
    }
    // A few unread notifications for the administrator.
    ChangeScope change(ws.changes(), kSystemActor);
    if (!change.begin_status().ok()) return change.begin_status();
    NotificationDraft welcome;
    welcome.recipients = {"admin"};
    welcome.title = "Welcome to workflow automation";
    welcome.body = "Five automation rules are on: see Workflow > Automation rules.";
    welcome.link_kind = "none";
    if (Status s = automation.notifications().Notify(change, welcome); !s.ok()) return s;
    for (int64_t id : ids) {
        if (id != ids.front() && id != ids.back()) continue;
        NotificationDraft n;
        n.recipients = {"admin"};
        n.title = "Deal " + std::to_string(id) + " needs a next step";
        n.object = "Opportunity";
        n.record_id = id;
        if (Status s = automation.notifications().Notify(change, n); !s.ok()) return s;
    }
    return change.Commit();
}

}  // namespace crm
