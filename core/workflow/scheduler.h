// The scheduler: one persisted queue of work due at a time (time-based automation rules, approval
// escalations; reminders later), each kind through a handler registered for it.
//
// An item is (kind, object, record id, rule id, due time, state). RunDue(now) runs every pending item due
// at `now` (the clock is the caller's: the console's real clock, a settable one in tests and in
// scheduler.run_due), oldest first, each in its own change: the handler's work and the item's new state
// commit together, so an item runs exactly once, even when the console was closed when it fell due; it
// is then marked "ran late" (due more than kLateAfterMs before it ran). A handler that fails rolls its
// own work back and the item is marked failed with the error (not retried).
// Pending items wait in one of two lanes (`near`): items due within kNearLaneMs of the clock sit in the
// covering pending index, which holds every column a run reads; items due later sit in a narrow index of
// their due time alone, so queuing a far item (a reminder weeks ahead, the common case of a save) writes a
// small entry. RunDue first promotes the far items that came near (Promote); every reader of pending items
// reads both lanes merged in due order through the view `scheduler_pending`, so what is due never depends
// on the promotion having run. A lookup of what is due among a million items is microseconds. Each item is
// one table row, one entry in the unique (record_id, kind, rule_id) index and, while pending, one in its
// lane's index (and one in the rule index when its rule id is not negative).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "access/policy.h"
#include "common/result.h"
#include "storage/statement_cache.h"

namespace crm {

class ChangeScope;
class Changes;

/// An item due later than this (ms) after its time ran late.
constexpr int64_t kLateAfterMs = 60'000;

/// Items due within this (ms) of the clock are queued in, or promoted to, the near lane.
constexpr int64_t kNearLaneMs = 24 * 3'600'000;

/// One queued item.
struct ScheduledItem {
    int64_t id = 0;
    std::string kind;  ///< "automation" (time-based rules), "approval_escalation", ...
    std::string object;
    int64_t record_id = 0;
    int64_t rule_id = 0;
    int64_t due_ms = 0;
    std::string state = "pending";  ///< "pending", "done", "failed"
    int64_t ran_ms = 0;  ///< the time the run happens at (RunDue's `now`): a handler's "now"
    bool late = false;
    std::string error;
};
nlohmann::json ToJson(const ScheduledItem& item);
/// The time a handler runs an item at: the scheduler run's (RunDue's `now`, which a catch-up or a test
/// sets ahead of the clock), else `clock_ms`. What a run writes is dated at it.
inline int64_t RunTimeOf(const ScheduledItem& item, int64_t clock_ms) {
    return item.ran_ms ? item.ran_ms : clock_ms;
}

/// What one RunDue did.
struct RunDueReport {
    std::vector<ScheduledItem> ran;  ///< in the order they ran, with their new state
    int64_t late = 0;
    int64_t failed = 0;
};

class SchedulerService {
public:
    /// Runs one item inside the change the scheduler opened for it; an error rolls the handler's work back.
    using Handler = std::function<Status(ChangeScope& scope, const ScheduledItem& item)>;

    explicit SchedulerService(Changes& changes);
    void SetAuthorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }
    /// The handler of one kind of item (one per kind; a later one replaces it).
    void SetHandler(const std::string& kind, Handler handler) { handlers_[kind] = std::move(handler); }

    /// Queues (or moves, when its time changed) the item for (kind, rule, record), inside the caller's
    /// change. An item that already ran is queued again only when its time changes.
    Status Schedule(ChangeScope& scope, const std::string& kind, const std::string& object, int64_t record_id,
                    int64_t rule_id, int64_t due_ms);
    /// Drops the pending item for (kind, rule, record), if any.
    Status Cancel(ChangeScope& scope, const std::string& kind, int64_t rule_id, int64_t record_id);
    /// Drops every pending item of one kind for a record (an approval step was decided).
    Status CancelKind(ChangeScope& scope, const std::string& kind, const std::string& object,
                      int64_t record_id);
    /// Drops every pending item of a record (it was deleted).
    Status CancelRecord(ChangeScope& scope, const std::string& object, int64_t record_id);
    /// Drops every pending item of a rule (it was deleted or deactivated); a rule id that is not negative
    /// reads the rule index.
    Status CancelRule(ChangeScope& scope, const std::string& kind, int64_t rule_id);

    /// Moves the far items due before `now_ms` + kNearLaneMs into the near lane, in a change of its own
    /// (nothing when none is; RunDue does it first). Returns how many moved.
    Result<int64_t> Promote(int64_t now_ms);
    /// Pending items due at `now_ms`, oldest first (at most `limit`): both lanes merged in due order, the
    /// near one read from its covering index alone.
    std::vector<ScheduledItem> Due(int64_t now_ms, int limit = 100) const;
    /// The queue: state "" = every state; newest due first for "done"/"failed", oldest first otherwise.
    std::vector<ScheduledItem> List(const std::string& state = "pending", int limit = 100, int offset = 0,
                                    const std::string& object = "", int64_t record_id = 0) const;
    int64_t PendingCount() const;

    /// Promotes, then runs every pending item due at `now_ms` (at most `limit`), as `actor` (Manage
    /// Workflows, or the system actor when the console catches up on open).
    Result<RunDueReport> RunDue(const std::string& actor, int64_t now_ms, int limit = 1000);

private:
    Changes& changes_;
    mutable StatementCache statements_;
    Authorizer authorizer_;
    std::map<std::string, Handler> handlers_;
};

/// The partial index of pending items ordered by due time, covering what Due() reads, in place of the
/// (state, due_ms) index: a due lookup reads a few index pages and none of the table, and items that ran
/// leave the index.
const char* SchedulerPendingIndexMigrationSql();
/// Migration 27: the per-record index on record_id alone, since (object, record_id) could not serve the
/// deletes' case-insensitive object match (a delete scanned every pending item) and made each save write a
/// text key.
const char* SchedulerRecordIndexMigrationSql();
/// Migration 28: the table rebuilt without its UNIQUE (kind, rule_id, record_id) constraint; one unique
/// index on (record_id, kind, rule_id) is both the key a Schedule upserts on and the per-record index, so
/// a save's item writes the table and two indexes (the pending one and this one) instead of three; a
/// partial index on (kind, rule_id) for items whose rule id is not negative serves CancelRule and a
/// connector's next run (a record's reminder item has rule id minus its object's id and stays out of it).
const char* SchedulerItemKeyMigrationSql();
/// Migration 30: the two lanes of pending items (the `near` column, the near lane's covering index, the
/// far lane's (due_ms) index) and the view `scheduler_pending` that reads both in one due order. Items
/// already queued stay in the near lane.
const char* SchedulerLanesMigrationSql();

}  // namespace crm
