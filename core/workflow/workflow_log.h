// The execution log: every run of an automation rule (its trigger, the record, whether the condition
// held, the actions taken, how long it took, the error if any), kept for a configurable number of days.
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"

namespace crm {

class ChangeScope;
class Changes;
class Statement;

/// One rule run.
struct WorkflowLogEntry {
    int64_t id = 0;
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
    /// Appends inside the caller's change (a successful run commits with its save).
    Status Append(ChangeScope& scope, const WorkflowLogEntry& entry);
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
    std::unique_ptr<Statement> insert_;  ///< the prepared append
};

}  // namespace crm
