// Internals shared by reminder.cpp and reminder_schedule.cpp (not for callers).
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "formula/formula.h"
#include "notify/reminder.h"
#include "schema/schema.h"
#include "storage/statement_cache.h"
#include "workflow/company_time.h"

namespace crm {

class ChangeScope;
struct DeleteContext;
struct SaveContext;
struct ScheduledItem;

/// The change-set area of reminders; their audit entries are notification settings (area "notify").
inline constexpr const char* kRemindersArea = "reminders";
inline constexpr const char* kRemindersAuditArea = "notify";
/// The scheduler's kinds of reminder items.
inline constexpr const char* kReminderKind = "reminder";
inline constexpr const char* kEscalationKind = "reminder_escalation";
inline constexpr const char* kSnoozeKind = "reminder_snooze";

struct ReminderService::Impl {
    explicit Impl(Workspace& w);

    /// A rule checked against its object: what a save needs, compiled once.
    struct Compiled {
        ReminderRule rule;
        std::shared_ptr<const ObjectDef> def;
        std::optional<formula::CompiledFormula> until;
        std::vector<int> until_fields;  ///< indexes in def->fields
    };

    Workspace& ws;
    /// Active rules per object (lower-case name), compiled against the ObjectDef they hold; dropped when a
    /// rule, the schema or the company profile changes.
    struct ObjectRules {
        const ObjectDef* object = nullptr;  ///< the definition saves run with when these were compiled
        std::vector<std::shared_ptr<const Compiled>> rules;
    };
    std::map<std::string, ObjectRules> cache;
    std::optional<CompanyTime> time;
    StatementCache statements;  ///< what every save runs

    Result<std::shared_ptr<const Compiled>> Compile(const ReminderRule& rule) const;
    static std::string DefaultType(const std::string& object);
    std::vector<ReminderRule> Load(const std::string& object) const;
    void Invalidate() {
        cache.clear();
        time.reset();
    }
    const std::vector<std::shared_ptr<const Compiled>>& RulesFor(const ObjectDef& object);
    const CompanyTime& Time();

    /// Whether `until` holds for the record's values (no until: false).
    bool Done(const Compiled& c, const std::vector<formula::Value>& values, int64_t now_ms) const;
    /// Schedules again every record of the rule's object (rule saved): pending items and positions dropped,
    /// occurrence 0 queued where it is still ahead.
    Status Reschedule(ChangeScope& scope, const ReminderRule& rule);
    /// Queues, moves or drops the rule's next occurrence for one record.
    Status Place(ChangeScope& scope, const Compiled& c, int64_t record_id,
                 const std::vector<formula::Value>& values, bool only_ahead);

    void AfterWrite(SaveContext& save);
    void OnDelete(DeleteContext& del);
    Status RunReminder(ChangeScope& scope, const ScheduledItem& item);
    Status RunEscalation(ChangeScope& scope, const ScheduledItem& item);
    Status RunSnooze(ChangeScope& scope, const ScheduledItem& item);
};

}  // namespace crm
