#include "workflow/workflow_log.h"

#include "audit/change.h"
#include "storage/database.h"

namespace crm {

nlohmann::json ToJson(const WorkflowLogEntry& e) {
    return {{"id", e.id},
            {"at", e.at_ms},
            {"rule_id", e.rule_id},
            {"rule", e.rule_name},
            {"object", e.object},
            {"record_id", e.record_id},
            {"trigger", e.trigger},
            {"condition_met", e.condition_met},
            {"actions", e.actions},
            {"duration_us", e.duration_us},
            {"error", e.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.error)},
            {"actor", e.actor}};
}

WorkflowLog::WorkflowLog(Changes& changes) : changes_(changes) {}
WorkflowLog::~WorkflowLog() = default;

Status WorkflowLog::Append(ChangeScope& scope, const WorkflowLogEntry& e) {
    if (!insert_) {
        insert_ = std::make_unique<Statement>(changes_.db().Prepare(
            "INSERT INTO workflow_log(at_ms, rule_id, rule_name, object, record_id, trigger_kind, "
            "condition_met, "
            "actions, duration_us, error, actor) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
    }
    Statement& st = *insert_;
    st.Reset();
    st.Bind(1, e.at_ms ? e.at_ms : scope.now_ms())
        .Bind(2, e.rule_id)
        .Bind(3, e.rule_name)
        .Bind(4, e.object)
        .Bind(5, e.record_id)
        .Bind(6, e.trigger)
        .Bind(7, e.condition_met ? 1 : 0)
        .Bind(8, nlohmann::json(e.actions).dump())
        .Bind(9, e.duration_us);
    if (e.error.empty()) {
        st.Bind(10, nullptr);
    } else {
        st.Bind(10, e.error);
    }
    st.Bind(11, e.actor);
    return st.Run();
}

void WorkflowLog::AppendAfterRollback(WorkflowLogEntry entry) {
    pending_.push_back(std::move(entry));
    if (pending_.size() == 1) changes_.RunWhenClosed([this] { Flush(); });
}

void WorkflowLog::Flush() {
    if (pending_.empty()) return;
    std::vector<WorkflowLogEntry> entries;
    entries.swap(pending_);
    ChangeScope change(changes_, entries.front().actor);
    if (!change.begin_status().ok()) return;
    for (const WorkflowLogEntry& e : entries) {
        if (!Append(change, e).ok()) return;
    }
    change.Record("workflow_log", "", ChangeAction::Create);
    (void)change.Commit();
}

int WorkflowLog::RetentionDays() const {
    Statement st =
        changes_.db().Prepare("SELECT value FROM workflow_settings WHERE key = 'log_retention_days'");
    if (!st.Step()) return 30;
    return static_cast<int>(st.Int(0));
}

Status WorkflowLog::SetRetentionDays(ChangeScope& scope, int days) {
    const int old = RetentionDays();
    Statement st = changes_.db().Prepare(
        "INSERT INTO workflow_settings(key, value) VALUES('log_retention_days', ?1) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    st.Bind(1, days);
    if (Status s = st.Run(); !s.ok()) return s;
    scope.Record("workflow", "", ChangeAction::Config, 0, {"log_retention_days"});
    return scope.Audit("workflow", "update", "workflow.log_retention_days", old, days);
}

int64_t WorkflowLog::Purge(int64_t now_ms) {
    const int64_t cutoff = now_ms - static_cast<int64_t>(RetentionDays()) * 86'400'000;
    ChangeScope change(changes_, "demo");
    if (!change.begin_status().ok()) return 0;
    Statement st = changes_.db().Prepare("DELETE FROM workflow_log WHERE at_ms < ?1");
    st.Bind(1, cutoff);
    if (!st.Run().ok()) return 0;
    const int64_t gone = changes_.db().Changes();
    if (gone == 0) return 0;  // nothing to tell anyone: the scope rolls back its empty transaction
    change.Record("workflow_log", "", ChangeAction::Delete);
    return change.Commit().ok() ? gone : 0;
}

std::vector<WorkflowLogEntry> WorkflowLog::List(const WorkflowLogFilter& f) {
    if (!changes_.open_scope()) {
        Flush();
        Purge(changes_.clock().NowMs());
    }
    Statement st = changes_.db().Prepare(
        "SELECT id, at_ms, rule_id, rule_name, object, record_id, trigger_kind, condition_met, actions, "
        "duration_us, error, actor FROM workflow_log WHERE (?1 = '' OR object = ?1 COLLATE NOCASE) AND (?2 = "
        "'' "
        "OR rule_name = ?2 COLLATE NOCASE) AND (?3 = 0 OR record_id = ?3) AND (?4 < 0 OR (error IS NOT NULL) "
        "= "
        "?4) AND at_ms >= ?5 ORDER BY id DESC LIMIT ?6 OFFSET ?7");
    st.Bind(1, f.object)
        .Bind(2, f.rule)
        .Bind(3, f.record_id)
        .Bind(4, f.errors)
        .Bind(5, f.since_ms)
        .Bind(6, std::max(1, std::min(f.limit, 1000)))
        .Bind(7, std::max(0, f.offset));
    std::vector<WorkflowLogEntry> out;
    while (st.Step()) {
        WorkflowLogEntry e;
        e.id = st.Int(0);
        e.at_ms = st.Int(1);
        e.rule_id = st.Int(2);
        e.rule_name = st.Text(3);
        e.object = st.Text(4);
        e.record_id = st.Int(5);
        e.trigger = st.Text(6);
        e.condition_met = st.Int(7) != 0;
        nlohmann::json actions = nlohmann::json::parse(st.Text(8), nullptr, false);
        if (actions.is_array()) {
            for (const auto& a : actions)
                if (a.is_string()) e.actions.push_back(a.get<std::string>());
        }
        e.duration_us = st.Int(9);
        e.error = st.IsNull(10) ? "" : st.Text(10);
        e.actor = st.Text(11);
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace crm
