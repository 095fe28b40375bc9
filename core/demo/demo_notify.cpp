// The demo company's notifications: a template for every built-in type in both languages, a few people
// with quiet hours and daily digests, reminders on Opportunity close dates and Task due dates, and an SMTP
// channel pointed at a local address nobody listens on (127.0.0.1:2525), so email fails clearly until an
// administrator sets the real server, and the outbox shows why.
#include "access/access.h"
#include "notify/channels.h"
#include "notify/dispatch.h"
#include "notify/notify.h"
#include "notify/reminder.h"
#include "workspace.h"

namespace crm {

namespace {

struct DemoTemplate {
    const char* type;
    const char* en_subject;
    const char* en_text;
    const char* zh_subject;
    const char* zh_text;
};

const DemoTemplate kDemoTemplates[] = {
    {"record_assigned", "{{Record.Object}} {{Record.Name}} is now yours",
     "{{Event.Actor}} assigned {{Record.Object}} {{Record.Name}} to you.",
     "{{Record.Object}} {{Record.Name}} 已分配给您",
     "{{Event.Actor}} 将{{Record.Object}} {{Record.Name}} 分配给了您。"},
    {"approval_requested", "Approval requested: {{Record.Name}}",
     "{{Event.Actor}} asks you to approve {{Record.Object}} {{Record.Name}}. {{Event.Message}}",
     "待您审批：{{Record.Name}}",
     "{{Event.Actor}} 请您审批{{Record.Object}} {{Record.Name}}。{{Event.Message}}"},
    {"approval_decided", "Your request for {{Record.Name}} was decided",
     "{{Event.Actor}} decided on {{Record.Name}}: {{Event.Message}}", "您对 {{Record.Name}} 的审批请求已处理",
     "{{Event.Actor}} 已处理 {{Record.Name}}：{{Event.Message}}"},
    {"task_due", "Task due: {{Record.Name}}", "{{Record.Name}} is due. {{Event.Message}}",
     "任务到期：{{Record.Name}}", "{{Record.Name}} 已到期。{{Event.Message}}"},
    {"close_date_approaching", "{{Opportunity.Name}} closes on {{Opportunity.CloseDate}}",
     "{{Opportunity.Name}} ({{Opportunity.Amount}}, {{Opportunity.StageName}}) closes on "
     "{{Opportunity.CloseDate}}. Owner: {{Owner.FullName}}.",
     "{{Opportunity.Name}} 将于 {{Opportunity.CloseDate}} 结束",
     "{{Opportunity.Name}}（{{Opportunity.Amount}}，{{Opportunity.StageName}}）将于 "
     "{{Opportunity.CloseDate}} "
     "结束。负责人：{{Owner.FullName}}。"},
    {"case_escalated", "Case {{Case.CaseNumber}} escalated",
     "{{Case.Subject}} was escalated. {{Event.Message}}", "个案 {{Case.CaseNumber}} 已升级",
     "{{Case.Subject}} 已升级。{{Event.Message}}"},
    {"report_ready", "Your report is ready", "{{Event.Message}}", "您的报表已就绪", "{{Event.Message}}"},
    {"import_finished", "Import finished", "{{Event.Message}}", "导入已完成", "{{Event.Message}}"},
    {"backup_finished", "Backup finished", "{{Event.Message}}", "备份已完成", "{{Event.Message}}"},
    {"permissions_changed", "Your permissions changed",
     "{{Event.Actor}} changed your permissions. {{Event.Message}}", "您的权限已更改",
     "{{Event.Actor}} 更改了您的权限。{{Event.Message}}"},
};

}  // namespace

/// Adds the notification templates and a few people's preferences (called by GenerateDemoCompany).
Status SeedNotifyDemo(Workspace& ws) {
    NotifyService& n = NotifyOf(ws);
    for (const DemoTemplate& d : kDemoTemplates) {
        for (int zh = 0; zh < 2; ++zh) {
            NotificationTemplate t;
            t.type = d.type;
            t.language = zh ? "zh-CN" : "en";
            t.subject = zh ? d.zh_subject : d.en_subject;
            t.text = zh ? d.zh_text : d.en_text;
            t.html = "<p>" + t.text + "</p>";
            t.short_text = t.subject;
            Result<NotificationTemplate> saved = n.SaveTemplate(kSystemActor, t);
            if (!saved.ok()) return saved.error();
        }
    }
    // Three people keep quiet nights and read their email once a day.
    int picked = 0;
    for (const User& u : ws.access().Users()) {
        if (u.username == "admin" || !u.active || picked >= 3) continue;
        ++picked;
        if (Status s = n.SetQuietHours(kSystemActor, u.username, {22 * 60, 7 * 60}); !s.ok()) return s;
        if (Status s = n.SetFrequency(kSystemActor, u.username, {"email", "daily", 8 * 60 + 30}); !s.ok())
            return s;
    }
    // Email through an SMTP server that is not there yet: messages wait in the outbox with the reason.
    Result<nlohmann::json> smtp = ws.delivery().channels().Set(kSystemActor, "email",
                                                               {{"mode", "smtp"},
                                                                {"host", "127.0.0.1"},
                                                                {"port", 2525},
                                                                {"security", "none"},
                                                                {"from", "crm@example.com"}});
    if (!smtp.ok()) return smtp.error();
    // Reminders: a week and a day before an open Opportunity closes (the week's repeats daily), and on the
    // morning a Task is due until it is completed, escalated to the owner's manager a day later.
    const char* open_deal = "ISPICKVAL(StageName, \"Closed Won\") || ISPICKVAL(StageName, \"Closed Lost\")";
    ReminderRule week;
    week.name = "Opportunity closes within a week";
    week.object = "Opportunity";
    week.date_field = "CloseDate";
    week.offset = 7;
    week.at_minute = 9 * 60;
    week.repeat_every = 1;
    week.repeat_unit = "days";
    week.until = open_deal;
    week.message = "The close date is near: update the stage or move the date.";
    ReminderRule task;
    task.name = "Task due today";
    task.object = "Task";
    task.date_field = "DueDate";
    task.offset = 0;
    task.at_minute = 8 * 60 + 30;
    task.until = "ISPICKVAL(Status, \"Completed\")";
    task.message = "Due today.";
    task.escalate_after_minutes = 24 * 60;
    for (const ReminderRule& r : {week, task}) {
        Result<ReminderRule> saved = RemindersOf(ws).Save(kSystemActor, r);
        if (!saved.ok()) return saved.error();
    }
    return Status::Ok();
}

}  // namespace crm
