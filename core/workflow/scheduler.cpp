#include "workflow/scheduler.h"

#include <algorithm>

#include "audit/change.h"
#include "common/clock.h"
#include "common/messages.h"
#include "storage/database.h"

namespace crm {

namespace {

const MessageDef kMessages[] = {
    {"workflow.no_handler", "Nothing runs scheduled items of kind {kind}.",
     "没有处理类型为 {kind} 的计划项的程序。"},
};
CRM_REGISTER_MESSAGES(kMessages);

constexpr const char* kColumns = "id, kind, object, record_id, rule_id, due_ms, state, ran_ms, late, error";
/// The columns of a pending item: those of the view scheduler_pending, all held by the near lane's index.
constexpr const char* kPendingColumns = "id, kind, object, record_id, rule_id, due_ms";

ScheduledItem ReadItem(const Statement& st) {
    ScheduledItem item;
    item.id = st.Int(0);
    item.kind = st.Text(1);
    item.object = st.Text(2);
    item.record_id = st.Int(3);
    item.rule_id = st.Int(4);
    item.due_ms = st.Int(5);
    item.state = st.Text(6);
    item.ran_ms = st.IsNull(7) ? 0 : st.Int(7);
    item.late = st.Int(8) != 0;
    item.error = st.IsNull(9) ? "" : st.Text(9);
    return item;
}

/// A pending item read with kPendingColumns.
ScheduledItem ReadPendingItem(const Statement& st) {
    ScheduledItem item;
    item.id = st.Int(0);
    item.kind = st.Text(1);
    item.object = st.Text(2);
    item.record_id = st.Int(3);
    item.rule_id = st.Int(4);
    item.due_ms = st.Int(5);
    item.state = "pending";
    return item;
}

}  // namespace

const char* SchedulerPendingIndexMigrationSql() {
    return R"sql(
CREATE INDEX scheduler_items_pending ON scheduler_items(due_ms, id, kind, object, record_id, rule_id)
    WHERE state = 'pending';
DROP INDEX scheduler_items_due;
)sql";
}

const char* SchedulerRecordIndexMigrationSql() {
    return R"sql(
DROP INDEX scheduler_items_record;
CREATE INDEX scheduler_items_by_record ON scheduler_items(record_id);
)sql";
}

const char* SchedulerItemKeyMigrationSql() {
    return R"sql(
CREATE TABLE scheduler_items_keyed (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    object TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    rule_id INTEGER NOT NULL,
    due_ms INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    ran_ms INTEGER,
    late INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_ms INTEGER NOT NULL
);
INSERT INTO scheduler_items_keyed(id, kind, object, record_id, rule_id, due_ms, state, ran_ms, late, error,
                                  created_ms)
    SELECT id, kind, object, record_id, rule_id, due_ms, state, ran_ms, late, error, created_ms
    FROM scheduler_items ORDER BY id;
DROP TABLE scheduler_items;
ALTER TABLE scheduler_items_keyed RENAME TO scheduler_items;
CREATE UNIQUE INDEX scheduler_items_key ON scheduler_items(record_id, kind, rule_id);
CREATE INDEX scheduler_items_pending ON scheduler_items(due_ms, id, kind, object, record_id, rule_id)
    WHERE state = 'pending';
CREATE INDEX scheduler_items_rule ON scheduler_items(kind, rule_id) WHERE rule_id >= 0;
)sql";
}

const char* SchedulerLanesMigrationSql() {
    return R"sql(
ALTER TABLE scheduler_items ADD COLUMN near INTEGER NOT NULL DEFAULT 1;
DROP INDEX scheduler_items_pending;
CREATE INDEX scheduler_items_pending ON scheduler_items(due_ms, id, kind, object, record_id, rule_id)
    WHERE state = 'pending' AND near = 1;
CREATE INDEX scheduler_items_later ON scheduler_items(due_ms) WHERE state = 'pending' AND near = 0;
CREATE VIEW scheduler_pending AS
    SELECT id, kind, object, record_id, rule_id, due_ms FROM scheduler_items
        WHERE state = 'pending' AND near = 1
    UNION ALL
    SELECT id, kind, object, record_id, rule_id, due_ms FROM scheduler_items
        WHERE state = 'pending' AND near = 0;
)sql";
}

SchedulerService::SchedulerService(Changes& changes) : changes_(changes), statements_(changes.db()) {}

nlohmann::json ToJson(const ScheduledItem& item) {
    nlohmann::json j = {{"id", item.id},           {"kind", item.kind},
                        {"object", item.object},   {"record_id", item.record_id},
                        {"rule_id", item.rule_id}, {"due", FormatUtcIso8601(item.due_ms)},
                        {"due_ms", item.due_ms},   {"state", item.state},
                        {"ran_late", item.late}};
    if (item.ran_ms) j["ran"] = FormatUtcIso8601(item.ran_ms);
    if (!item.error.empty()) j["error"] = item.error;
    return j;
}

Status SchedulerService::Schedule(ChangeScope& scope, const std::string& kind, const std::string& object,
                                  int64_t record_id, int64_t rule_id, int64_t due_ms) {
    Database& db = changes_.db();
    static const std::string kUpsert =
        "INSERT INTO scheduler_items(kind, object, record_id, rule_id, due_ms, created_ms, near) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(record_id, kind, rule_id) DO UPDATE SET due_ms = "
        "excluded.due_ms, state = 'pending', ran_ms = NULL, late = 0, error = NULL, near = excluded.near "
        "WHERE scheduler_items.due_ms <> excluded.due_ms";
    Statement& st = statements_.Get(kUpsert);
    st.Bind(1, kind)
        .Bind(2, object)
        .Bind(3, record_id)
        .Bind(4, rule_id)
        .Bind(5, due_ms)
        .Bind(6, scope.now_ms())
        .Bind(7, due_ms < scope.now_ms() + kNearLaneMs ? 1 : 0);
    if (Status s = st.Run(); !s.ok()) return s;
    if (db.Changes() > 0) scope.Record("scheduler", object, ChangeAction::Update, record_id);
    return Status::Ok();
}

Status SchedulerService::Cancel(ChangeScope& scope, const std::string& kind, int64_t rule_id,
                                int64_t record_id) {
    Database& db = changes_.db();
    Statement& st = statements_.Get(
        "DELETE FROM scheduler_items WHERE kind = ?1 AND rule_id = ?2 AND record_id = ?3 AND state = "
        "'pending'");
    st.Bind(1, kind).Bind(2, rule_id).Bind(3, record_id);
    if (Status s = st.Run(); !s.ok()) return s;
    if (db.Changes() > 0) scope.Record("scheduler", "", ChangeAction::Delete, record_id);
    return Status::Ok();
}

Status SchedulerService::CancelKind(ChangeScope& scope, const std::string& kind, const std::string& object,
                                    int64_t record_id) {
    Database& db = changes_.db();
    Statement& st = statements_.Get(
        "DELETE FROM scheduler_items WHERE kind = ?1 AND object = ?2 COLLATE NOCASE AND record_id = ?3 AND "
        "state = 'pending'");
    st.Bind(1, kind).Bind(2, object).Bind(3, record_id);
    if (Status s = st.Run(); !s.ok()) return s;
    if (db.Changes() > 0) scope.Record("scheduler", object, ChangeAction::Delete, record_id);
    return Status::Ok();
}

Status SchedulerService::CancelRecord(ChangeScope& scope, const std::string& object, int64_t record_id) {
    Database& db = changes_.db();
    Statement& st = statements_.Get(
        "DELETE FROM scheduler_items WHERE object = ?1 COLLATE NOCASE AND record_id = ?2 AND state = "
        "'pending'");
    st.Bind(1, object).Bind(2, record_id);
    if (Status s = st.Run(); !s.ok()) return s;
    if (db.Changes() > 0) scope.Record("scheduler", object, ChangeAction::Delete, record_id);
    return Status::Ok();
}

Status SchedulerService::CancelRule(ChangeScope& scope, const std::string& kind, int64_t rule_id) {
    Database& db = changes_.db();
    // "rule_id >= 0" lets a positive rule id read the partial index scheduler_items_rule.
    Statement st = db.Prepare(std::string("DELETE FROM scheduler_items WHERE kind = ?1 AND rule_id = ?2 ") +
                              (rule_id >= 0 ? "AND rule_id >= 0 " : "") + "AND state = 'pending'");
    st.Bind(1, kind).Bind(2, rule_id);
    if (Status s = st.Run(); !s.ok()) return s;
    if (db.Changes() > 0) scope.Record("scheduler", "", ChangeAction::Delete);
    return Status::Ok();
}

Result<int64_t> SchedulerService::Promote(int64_t now_ms) {
    const int64_t horizon = now_ms + kNearLaneMs;
    Statement& any = statements_.Get(
        "SELECT 1 FROM scheduler_items WHERE state = 'pending' AND near = 0 AND due_ms < ?1 LIMIT 1");
    any.Bind(1, horizon);
    const bool some = any.Step();
    if (!any.status().ok()) return any.status().error();
    any.Reset();
    if (!some) return int64_t{0};
    // Where an item waits is not a change of the data: nothing is recorded or audited.
    ChangeScope change(changes_, kSystemActor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    Statement& st = statements_.Get(
        "UPDATE scheduler_items SET near = 1 WHERE state = 'pending' AND near = 0 AND due_ms < ?1");
    st.Bind(1, horizon);
    if (Status s = st.Run(); !s.ok()) return s.error();
    const int64_t moved = changes_.db().Changes();
    if (Status s = change.Commit(); !s.ok()) return s.error();
    return moved;
}

std::vector<ScheduledItem> SchedulerService::Due(int64_t now_ms, int limit) const {
    Statement& st = statements_.Get(std::string("SELECT ") + kPendingColumns +
                                    " FROM scheduler_pending WHERE due_ms <= ?1 ORDER BY due_ms, id LIMIT ?2");
    st.Bind(1, now_ms).Bind(2, std::max(1, limit));
    std::vector<ScheduledItem> out;
    while (st.Step()) out.push_back(ReadPendingItem(st));
    return out;
}

std::vector<ScheduledItem> SchedulerService::List(const std::string& state, int limit, int offset,
                                                  const std::string& object, int64_t record_id) const {
    // Pending items come from the view of both lanes, in due order; only the filters given go into the SQL.
    const bool pending = state == "pending";
    const bool past = state == "done" || state == "failed";
    std::string where;
    auto add = [&](const char* condition) {
        where += (where.empty() ? " WHERE " : " AND ") + std::string(condition);
    };
    if (!pending && !state.empty()) add("state = ?1");
    if (!object.empty()) add("object = ?2 COLLATE NOCASE");
    if (record_id != 0) add("record_id = ?3");
    Statement st = changes_.db().Prepare(std::string("SELECT ") + (pending ? kPendingColumns : kColumns) +
                                         (pending ? " FROM scheduler_pending" : " FROM scheduler_items") +
                                         where + " ORDER BY " + (past ? "ran_ms DESC, id DESC" : "due_ms, id") +
                                         " LIMIT ?4 OFFSET ?5");
    if (!pending && !state.empty()) st.Bind(1, state);
    if (!object.empty()) st.Bind(2, object);
    if (record_id != 0) st.Bind(3, record_id);
    st.Bind(4, std::max(1, std::min(limit, 1000))).Bind(5, std::max(0, offset));
    std::vector<ScheduledItem> out;
    while (st.Step()) out.push_back(pending ? ReadPendingItem(st) : ReadItem(st));
    return out;
}

int64_t SchedulerService::PendingCount() const {
    // One count per lane, each over its own index.
    Statement st = changes_.db().Prepare(
        "SELECT (SELECT count(*) FROM scheduler_items WHERE state = 'pending' AND near = 1) + "
        "(SELECT count(*) FROM scheduler_items WHERE state = 'pending' AND near = 0)");
    return st.Step() ? st.Int(0) : 0;
}

Result<RunDueReport> SchedulerService::RunDue(const std::string& actor, int64_t now_ms, int limit) {
    if (!IsSystemActor(actor) && authorizer_) {
        if (Status s = authorizer_(actor, SystemPermission::ManageWorkflows); !s.ok()) return s.error();
    }
    if (Result<int64_t> promoted = Promote(now_ms); !promoted.ok()) return promoted.error();
    RunDueReport report;
    Database& db = changes_.db();
    for (ScheduledItem item : Due(now_ms, limit)) {
        item.ran_ms = now_ms;
        item.late = now_ms - item.due_ms > kLateAfterMs;
        Status outcome = Status::Ok();
        {
            ChangeScope change(changes_, actor);
            if (!change.begin_status().ok()) return change.begin_status().error();
            auto handler = handlers_.find(item.kind);
            outcome = handler == handlers_.end()
                          ? Status(MessageError("workflow.no_handler", "workflow.no_handler",
                                                {{"kind", item.kind}}))
                          : handler->second(change, item);
            if (outcome.ok()) {
                // An item its handler moved to a later time (a repeating reminder's next occurrence)
                // stays pending.
                Statement st = db.Prepare(
                    "UPDATE scheduler_items SET state = 'done', ran_ms = ?2, late = ?3 WHERE id = ?1 AND "
                    "state = 'pending' AND due_ms = ?4");
                st.Bind(1, item.id).Bind(2, now_ms).Bind(3, item.late ? 1 : 0).Bind(4, item.due_ms);
                outcome = st.Run();
                if (outcome.ok()) {
                    change.Record("scheduler", item.object, ChangeAction::Update, item.record_id);
                    outcome = change.Commit();
                }
            }
        }
        if (outcome.ok()) {
            item.state = "done";
        } else {
            // The handler's work rolled back; the item is marked failed in a change of its own.
            item.state = "failed";
            item.error = outcome.error().message;
            ChangeScope change(changes_, actor);
            if (!change.begin_status().ok()) return change.begin_status().error();
            Statement st = db.Prepare(
                "UPDATE scheduler_items SET state = 'failed', ran_ms = ?2, late = ?3, error = ?4 WHERE id = "
                "?1");
            st.Bind(1, item.id).Bind(2, now_ms).Bind(3, item.late ? 1 : 0).Bind(4, item.error);
            if (Status s = st.Run(); !s.ok()) return s.error();
            change.Record("scheduler", item.object, ChangeAction::Update, item.record_id);
            if (Status s = change.Commit(); !s.ok()) return s.error();
            ++report.failed;
        }
        if (item.late) ++report.late;
        report.ran.push_back(std::move(item));
    }
    return report;
}

}  // namespace crm
