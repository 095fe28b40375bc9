// Reminders: notifications at a time relative to a record's date (an Opportunity's close date, a Task's
// due date), repeating until a condition holds or a number of times, escalated to the owner's manager when
// still not done after a delay, snoozed from the inbox. Run by the workflow scheduler (kinds "reminder",
// "reminder_escalation", "reminder_snooze"), each occurrence exactly once, sent through the notify engine
// (NotifyOf(ws).Notify: the recipients' preferences, languages, quiet hours and channels apply).
//
// [SECTION] Rules        ReminderRule: object, date field, offset, time of day, repeat, until, escalation
// [SECTION] Times        ReminderDue: when occurrence k falls, across daylight-saving changes
// [SECTION] Occurrences  ReminderOccurrence: what fired (the log the console lists)
// [SECTION] Service      ReminderService, RemindersOf
//
// Decisions where SEMANTICS.md and the issue are silent:
// - Times are the company's clock (its zone, CompanyTime): one occurrence per record, whoever reads it.
// - An offset in days keeps the local time of day (of the date-time, or `at`, 09:00 for a date without
//   one); minutes and hours are elapsed time. A local time that does not exist (the spring-forward gap)
//   fires at the first minute after the gap (02:30 on New York's spring night is 03:00 EDT); one that
//   happens twice (the fall-back hour) fires once, at the first (daylight) one.
// - Repeats every N hours are elapsed time; every N days keep the local time of day.
// - One scheduler item per record (kind "reminder", rule id = minus the object's id) stands for every
//   rule of its object, due at the soonest next occurrence of them all; each rule's position on the
//   record (reminder_state: the occurrence 0 it counts from, the next to fire) is written only when one
//   fires, so a save writes that one item and nothing else. When the item runs, every rule whose
//   occurrence is due fires it once, and the item moves to the soonest one left.
// - A save schedules occurrence 0, moves it when the date moves (repeats start again from the new
//   date), and drops it when the date is blank or `until` holds (a position is kept: an occurrence that
//   fired does not fire again when `until` stops holding); a delete drops the record's items. A
//   time already past when a record is saved fires at the next scheduler run (as time-based automation
//   does); when a rule is saved, existing records get an occurrence only when it is still ahead (a
//   position of -1 marks the one skipped).
// - Occurrences of a repeat missed while nothing ran (the console closed) collapse into the one that runs
//   late; the next is the first still ahead.
// - Escalation: `escalate_after_minutes` after occurrence 0 fires, when `until` still does not hold, the
//   owner's manager (access_user.manager_id) is notified, urgent. It needs an `until` condition.
// - Snooze: the recipient of a reminder's inbox entry puts it away for N minutes (marked read); it comes
//   back to that user alone, unless the record is gone or `until` holds by then.
// - Channels are the rule's (`channels`): a rule saved before they existed, or without the key, sends on
//   every channel; an occurrence, its escalation and a snooze's return go out on the rule's channels that
//   the recipient's preferences allow.
// - Rules are settings (Manage Notifications, audited in area "notify" as reminder.create/update/delete);
// snoozing is the recipient's.
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "access/policy.h"
#include "common/result.h"

namespace crm {

class ChangeScope;
class CompanyTime;
class Workspace;
struct FieldDef;
namespace formula {
class Value;
}

// [SECTION] Rules

/// A reminder on the records of one object.
struct ReminderRule {
    int64_t id = 0;
    std::string name;
    std::string object;      ///< "Opportunity", "Task", ...
    std::string date_field;  ///< a date or date-time field of the object ("CloseDate", "DueDate")
    int offset = 1;
    std::string unit = "days";  ///< "minutes" | "hours" | "days"
    bool before = true;         ///< before the date, else after
    int at_minute = -1;         ///< local time of day for offsets in days (-1: the date-time's own, 09:00)
    int repeat_every = 0;       ///< 0 = once
    std::string repeat_unit = "days";  ///< "hours" | "days"
    int repeat_count = 0;              ///< occurrences at most (0 = until `until` holds)
    std::string until;                 ///< formula over the object: TRUE = done, no more occurrences
    std::string type;                  ///< notification type ("" = task_due for Task, close_date_approaching
                                       ///< for Opportunity)
    std::string priority;              ///< "" = the type's
    std::string message;               ///< {{Event.Message}}
    bool notify_owner = true;
    std::vector<std::string> users;  ///< more recipients (usernames)
    std::vector<std::string> roles;  ///< and roles (with the roles below)
    int escalate_after_minutes = 0;  ///< 0 = no escalation
    /// The channels this rule sends on (of NotificationChannels(): "in_app", "popup", "email", "sms"), at
    /// least one; each recipient's preferences (and the organisation's locks) still apply on top: a channel
    /// goes out only when the rule names it and the recipient's preference allows it.
    std::vector<std::string> channels = {"in_app", "popup", "email", "sms"};
    bool active = true;
};
nlohmann::json ToJson(const ReminderRule& rule);
/// Reads a rule from its JSON form over `base` (absent keys keep base's); `at` is "HH:MM" or null.
Result<ReminderRule> ReminderRuleFromJson(const nlohmann::json& json, ReminderRule base = {});

// [SECTION] Times

/// The UTC instant of a local wall time (days since 1970-01-01, ms of day) for reminders: a time in the
/// spring-forward gap moves to the first minute after it, a repeated one takes its first occurrence.
int64_t ReminderLocalToUtc(const CompanyTime& time, int64_t local_days, int64_t ms_of_day);

/// When occurrence `k` (0 = the first) of `rule` falls for a record whose `field` holds `value`
/// (nullopt when the value is blank, or k is past the repeat's count).
std::optional<int64_t> ReminderDue(const ReminderRule& rule, const FieldDef& field,
                                   const formula::Value& value, const CompanyTime& time, int k);

// [SECTION] Occurrences

/// One thing a reminder did.
struct ReminderOccurrence {
    int64_t id = 0;
    int64_t rule_id = 0;
    std::string object;
    int64_t record_id = 0;
    std::string kind;  ///< "reminder" | "escalation" | "snooze"
    int seq = 0;       ///< which occurrence of the repeat
    int64_t due_ms = 0;
    int64_t fired_ms = 0;
    bool late = false;
    int64_t event_id = 0;  ///< the notify event (0 = nobody to tell)
    int recipients = 0;
    std::string note;  ///< why nobody was told (no manager...)
};
nlohmann::json ToJson(const ReminderOccurrence& o);

// [SECTION] Service

class ReminderService {
public:
    explicit ReminderService(Workspace& ws);
    ~ReminderService();
    /// Registers the save and delete hooks and the scheduler's handlers (done once, by RemindersOf).
    void Attach();

    std::vector<ReminderRule> Rules(const std::string& object = {}) const;
    Result<ReminderRule> Get(int64_t id) const;
    /// Creates (id 0) or changes a rule, checked first (the object, its date field, the units, the
    /// `until` formula, the type, an end for a repeat); its records' occurrences are scheduled again.
    Result<ReminderRule> Save(const std::string& actor, const ReminderRule& rule);
    Status Delete(const std::string& actor, int64_t id);
    /// Puts a reminder's inbox entry of `actor` away for `minutes` (1 .. 7 days); answers when it returns.
    Result<int64_t> Snooze(const std::string& actor, int64_t notification_id, int minutes);
    /// The same, naming the occurrence: the actor's inbox entry from it.
    Result<int64_t> SnoozeOccurrence(const std::string& actor, int64_t occurrence_id, int minutes);
    /// Whether a reminder made this inbox entry (so it can be snoozed: the inbox offers it).
    bool IsReminderEntry(int64_t notification_id) const;
    /// What fired, newest first (filters: rule, object and record; 0/"" = any).
    std::vector<ReminderOccurrence> Occurrences(int64_t rule_id, const std::string& object, int64_t record_id,
                                                int limit = 100) const;
    /// The pending items of reminders (next occurrences, escalations, snoozes), soonest first.
    nlohmann::json Pending(int64_t rule_id, const std::string& object, int64_t record_id,
                           int limit = 100) const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

/// The workspace's reminder service (made on first use; Workspace::Open makes it, so saves schedule).
ReminderService& RemindersOf(Workspace& ws);

/// Migration 22: reminder rules, each repeating reminder's position per record, the occurrence log and
/// snoozes.
const char* RemindersMigrationSql();

}  // namespace crm
