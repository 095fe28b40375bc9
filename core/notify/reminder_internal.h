// Internals shared by reminder.cpp and reminder_schedule.cpp (not for callers).
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
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
        int date_index = -1;            ///< the date field's index in def->fields
    };
    /// Where a rule stands on one record (a reminder_state row): the occurrence 0 it counted from and the
    /// next occurrence to fire (-1: none until the date moves). No row: occurrence 0 is next.
    struct Position {
        int64_t rule_id = 0;
        int64_t anchor_ms = 0;
        int seq = 0;
    };

    Workspace& ws;
    /// Active rules per object (lower-case name), compiled against the ObjectDef they hold; dropped when a
    /// rule, the schema or the company profile changes.
    struct ObjectRules {
        const ObjectDef* object = nullptr;  ///< the definition saves run with when these were compiled
        std::string api_name;               ///< its name (an address alone may be reused by another object)
        std::vector<std::shared_ptr<const Compiled>> rules;
    };
    std::map<std::string, ObjectRules> cache;
    const ObjectRules* last = nullptr;  ///< the entry the save before read (saves come in runs of one object)
    std::optional<CompanyTime> time;
    /// ReminderDue answers by (rule id, the date's stored value, occurrence): records share their dates,
    /// so a save mostly finds its times here (dropped with the rules, and when it grows large).
    struct DueKey {
        int64_t rule_id = 0, value = 0;
        int k = 0;
        bool operator==(const DueKey& o) const { return rule_id == o.rule_id && value == o.value && k == o.k; }
    };
    struct DueKeyHash {
        size_t operator()(const DueKey& d) const {
            return std::hash<int64_t>()(d.value * 1'000'003 + d.rule_id * 131 + d.k);
        }
    };
    std::unordered_map<DueKey, std::optional<int64_t>, DueKeyHash> dues;
    StatementCache statements;  ///< what every save runs

    Result<std::shared_ptr<const Compiled>> Compile(const ReminderRule& rule) const;
    static std::string DefaultType(const std::string& object);
    std::vector<ReminderRule> Load(const std::string& object) const;
    void Invalidate() {
        cache.clear();
        last = nullptr;
        time.reset();
        dues.clear();
    }
    /// ReminderDue(c.rule, its date field, `value`, company time, k), through `dues`.
    std::optional<int64_t> Due(const Compiled& c, const formula::Value& value, int k);
    const std::vector<std::shared_ptr<const Compiled>>& RulesFor(const ObjectDef& object);
    const CompanyTime& Time();

    /// Whether `until` holds for the record's values (no until: false).
    bool Done(const Compiled& c, const std::vector<formula::Value>& values, int64_t now_ms) const;
    /// When the rule's next occurrence on a record falls (nullopt: none, or `until` holds), from its
    /// position (nullptr or one counted from another date: occurrence 0).
    std::optional<int64_t> NextDue(const Compiled& c, const std::vector<formula::Value>& values,
                                   const Position* position, int64_t now_ms);
    /// The positions of every rule on one record.
    std::vector<Position> Positions(const std::string& object, int64_t record_id);
    /// Queues, moves or drops the record's one scheduler item (kind "reminder", rule id -object id) at the
    /// soonest next occurrence after `now_ms` of all its object's rules. `keep_running`: called by that
    /// item's own run, which marks it done when nothing is left.
    Status Plan(ChangeScope& scope, const ObjectDef& object,
                const std::vector<std::shared_ptr<const Compiled>>& rules, int64_t record_id,
                const std::vector<formula::Value>& values, const std::vector<Position>& positions,
                int64_t now_ms, bool keep_running);
    /// Plans every record of an object again (a rule saved or deleted); `fresh`, a rule just saved: its
    /// positions are dropped and an occurrence 0 already past is skipped.
    Status Reschedule(ChangeScope& scope, const std::string& object, const ReminderRule* fresh);

    void AfterWrite(SaveContext& save);
    void OnDelete(DeleteContext& del);
    Status RunReminder(ChangeScope& scope, const ScheduledItem& item);
    Status RunEscalation(ChangeScope& scope, const ScheduledItem& item);
    Status RunSnooze(ChangeScope& scope, const ScheduledItem& item);
};

}  // namespace crm
