// reminders.*: reminder rules (list, get, save, delete: Manage Notifications), what they did and what is
// pending (occurrences), and snoozing a reminder from one's own inbox (core/notify/reminder.h).
#include "access/access.h"
#include "api/command.h"
#include "common/messages.h"
#include "notify/reminder.h"
#include "workspace.h"

namespace crm::api {

void RegisterReminderCommands(Registry& r);

namespace {

using SP = SystemPermission;

Result<json> ListCmd(Call& call) {
    json out = json::array();
    for (const ReminderRule& rule : RemindersOf(call.workspace).Rules(call.Str("object")))
        out.push_back(ToJson(rule));
    return json{{"reminders", out}};
}

Result<json> GetCmd(Call& call) {
    Result<ReminderRule> rule = RemindersOf(call.workspace).Get(call.Id("id"));
    if (!rule.ok()) return rule.error();
    return ToJson(*rule);
}

Result<json> SaveCmd(Call& call) {
    ReminderService& reminders = RemindersOf(call.workspace);
    ReminderRule base;
    if (const int64_t id = call.Id("id")) {
        Result<ReminderRule> old = reminders.Get(id);
        if (!old.ok()) return old.error();
        base = *old;
    }
    json spec = call.args;
    spec.erase("id");
    Result<ReminderRule> rule = ReminderRuleFromJson(spec, base);
    if (!rule.ok()) return rule.error();
    Result<ReminderRule> saved = reminders.Save(call.actor, *rule);
    if (!saved.ok()) return saved.error();
    return ToJson(*saved);
}

Result<json> DeleteCmd(Call& call) {
    return StatusJson(RemindersOf(call.workspace).Delete(call.actor, call.Id("id")), json::object());
}

Result<json> SnoozeCmd(Call& call) {
    ReminderService& reminders = RemindersOf(call.workspace);
    const int minutes = call.Int("minutes", 15);
    if (!call.Id("notification") && !call.Id("occurrence"))
        return MessageError("invalid_argument", "reminders.snooze_what", {}, "notification");
    Result<int64_t> due = call.Id("notification")
                              ? reminders.Snooze(call.actor, call.Id("notification"), minutes)
                              : reminders.SnoozeOccurrence(call.actor, call.Id("occurrence"), minutes);
    if (!due.ok()) return due.error();
    return json{{"until", FormatUtcIso8601(*due)}, {"until_ms", *due}};
}

Result<json> OccurrencesCmd(Call& call) {
    ReminderService& reminders = RemindersOf(call.workspace);
    json fired = json::array();
    for (const ReminderOccurrence& o :
         reminders.Occurrences(call.Id("rule"), call.Str("object"), call.Id("id"), call.Int("limit", 100)))
        fired.push_back(ToJson(o));
    return json{{"fired", fired},
                {"pending", reminders.Pending(call.Id("rule"), call.Str("object"), call.Id("id"),
                                              call.Int("limit", 100))}};
}

}  // namespace

void RegisterReminderCommands(Registry& r) {
    const Reads setup = SetupData("the reminders", {SP::ManageNotifications});
    r.push_back({"reminders.list",
                 "Lists the reminder rules, of one object or of all.",
                 {{"object", ArgType::String}},
                 setup,
                 false,
                 {{"object", "Opportunity"}},
                 ListCmd});
    r.push_back({"reminders.get",
                 "One reminder rule.",
                 {{"id", ArgType::Id, true}},
                 setup,
                 false,
                 {{"id", 1}},
                 GetCmd});
    r.push_back(
        {"reminders.save",
         "Creates a reminder rule (no id) or changes one (the keys given over the stored ones): N minutes, "
         "hours or "
         "days before or after a date field, at a time of day, repeating every N hours or days until a "
         "condition "
         "holds or a number of times, escalated to the owner's manager after a delay; sent on the rule's "
         "channels (every channel when none were ever given), each recipient's preferences applying on top. "
         "Checked first (an unknown channel names itself); the "
         "object's records are scheduled again (occurrences still ahead).",
         {{"id", ArgType::Id},
          {"name", ArgType::String},
          {"object", ArgType::String},
          {"date_field", ArgType::String, false, "a date or date-time field"},
          {"offset", ArgType::Integer},
          {"unit", ArgType::String, false, "\"minutes\"|\"hours\"|\"days\""},
          {"direction", ArgType::String, false, "\"before\"|\"after\""},
          {"at", ArgType::Value, false, "HH:MM|null (offsets in days)"},
          {"repeat_every", ArgType::Integer, false, "0 = once"},
          {"repeat_unit", ArgType::String, false, "\"hours\"|\"days\""},
          {"repeat_count", ArgType::Integer, false, "occurrences at most, 0 = until"},
          {"until", ArgType::String, false, "formula: TRUE = done"},
          {"type", ArgType::String, false, "notification type"},
          {"priority", ArgType::String, false, "\"\"|\"normal\"|\"urgent\""},
          {"message", ArgType::String},
          {"notify_owner", ArgType::Boolean},
          {"users", ArgType::Array, false, "[username]"},
          {"roles", ArgType::Array, false, "[role]"},
          {"escalate_after_minutes", ArgType::Integer, false, "0 = never"},
          {"channels", ArgType::Array, false, "[\"in_app\"|\"popup\"|\"email\"|\"sms\"] (at least one)"},
          {"active", ArgType::Boolean}},
         setup,
         true,
         {{"name", "Close date in a week"},
          {"object", "Opportunity"},
          {"date_field", "CloseDate"},
          {"offset", 7},
          {"unit", "days"},
          {"direction", "before"},
          {"at", "09:00"},
          {"repeat_every", 1},
          {"repeat_unit", "days"},
          {"until", "ISPICKVAL(StageName, \"Closed Won\") || ISPICKVAL(StageName, \"Closed Lost\")"},
          {"escalate_after_minutes", 1440},
          {"channels", {"in_app", "popup", "email"}}},
         SaveCmd});
    r.push_back({"reminders.delete",
                 "Deletes a reminder rule; its pending occurrences and escalations are dropped.",
                 {{"id", ArgType::Id, true}},
                 setup,
                 true,
                 {{"id", 1}},
                 DeleteCmd});
    r.push_back(
        {"reminders.snooze",
         "Puts a reminder from your own inbox away for some minutes (1 to 7 days): marked read, it comes "
         "back to you then, unless the record is gone or done.",
         {{"notification", ArgType::Id, false, "inbox entry id"},
          {"occurrence", ArgType::Id, false, "or the reminder occurrence"},
          {"minutes", ArgType::Integer, false, "default 15"}},
         PublicFacts(),
         true,
         {{"occurrence", 1}, {"minutes", 60}},
         SnoozeCmd});
    r.push_back(
        {"reminders.occurrences",
         "What reminders did (fired, escalated, snoozed; newest first) and what is pending (soonest first), "
         "of a rule, an object or a record.",
         {{"rule", ArgType::Id},
          {"object", ArgType::String},
          {"id", ArgType::Id},
          {"limit", ArgType::Integer}},
         setup,
         false,
         {{"object", "Task"}, {"id", 1}},
         OccurrencesCmd});
}

}  // namespace crm::api
