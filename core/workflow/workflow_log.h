// The execution log: every run of an automation rule (its trigger, the record, whether the condition
// held, the actions taken, how long it took, the error if any), kept for a configurable number of days.
// The rule runs of one save are stored as one row (workflow_runs, their runs a JSON array): a save that
// fires ten rules writes one log row, not ten, which keeps automation's share of a save small
// (bench/workflow); List() answers rule runs, one entry each, as before.
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/statement_cache.h"

namespace crm {

class ChangeScope;
class Changes;

/// One rule run.
struct WorkflowLogEntry {
    int64_t id = 0;       ///< this rule run's own: the save's row * kRunsPerSave + its place in the save
    int64_t save_id = 0;  ///< the row of the save (or scheduled run) it belongs to: a save's runs share it
    int64_t at_ms = 0;
    int64_t rule_id = 0;
    std::string rule_name;
    std::string object;
    int64_t record_id = 0;
    std::string trigger;  ///< "on_create", "on_update", "on_field_change", "on_delete", "time", "simulate"
    bool condition_met = false;
    std::vector<std::string> actions;  ///< what was done, one line each ("set Discount__c = 5")
    int64_t duration_us = 0;
    std::string error;  ///< "" when the run succeeded
    std::string actor;  ///< who saved (or "demo" for the scheduler)
};
nlohmann::json ToJson(const WorkflowLogEntry& e);

/// Entry ids leave room for this many rule runs in one save (more share the last id).
constexpr int64_t kRunsPerSave = 1000;

/// Which entries to list (every set part applies).
struct WorkflowLogFilter {
    std::string object;
    std::string rule;  ///< rule name
    int64_t record_id = 0;
    int errors = -1;  ///< 1 = only failed runs, 0 = only successful ones, -1 = both
    int64_t since_ms = 0;
    int limit = 100;
    int offset = 0;
};

class WorkflowLog {
public:
    explicit WorkflowLog(Changes& changes);
    ~WorkflowLog();
    /// Appends the rule runs of one save (same record, actor and time) as one row, inside the caller's
    /// change (they commit with the save).
    Status Append(ChangeScope& scope, const std::vector<WorkflowLogEntry>& runs);
    Status Append(ChangeScope& scope, const WorkflowLogEntry& run) {
        return Append(scope, std::vector<WorkflowLogEntry>{run});
    }
    /// Appends failed runs of a change that rolled back: kept in memory, written in their own change once
    /// the failed transaction has ended (Changes::RunWhenClosed).
    void AppendAfterRollback(WorkflowLogEntry entry);
    /// Newest first; old entries (beyond the retention) are purged first.
    std::vector<WorkflowLogEntry> List(const WorkflowLogFilter& filter);
    /// Days entries are kept (default 30).
    int RetentionDays() const;
    Status SetRetentionDays(ChangeScope& scope, int days);
    /// Deletes entries older than the retention; answers how many went.
    int64_t Purge(int64_t now_ms);

private:
    void Flush();
    Changes& changes_;
    std::vector<WorkflowLogEntry> pending_;
    StatementCache statements_;
    std::string runs_text_;  ///< room for the runs of the row Append writes, as JSON (kept between saves)
};

/// The log as one row per save (workflow_runs), the rows of workflow_log moved over, one run each.
const char* WorkflowRunsMigrationSql();

}  // namespace crm
