#include "workflow/workflow_log.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "audit/change.h"
#include "storage/database.h"

namespace crm {

nlohmann::json ToJson(const WorkflowLogEntry& e) {
    return {{"id", e.id},
            {"save_id", e.save_id},
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

WorkflowLog::WorkflowLog(Changes& changes) : changes_(changes), statements_(changes.db()) {}
WorkflowLog::~WorkflowLog() = default;

namespace {

// The row's text is written through a raw pointer into a string sized beforehand (JsonRoom): in wasm each
// std::string append or push_back is a call, and building the row that way was half of what the log cost a
// save there.

/// The most a JSON string of `text` can take: every byte escaped as \u00XX, and the quotes.
size_t JsonRoom(std::string_view text) { return 6 * text.size() + 2; }

char* Put(char* p, std::string_view text) {
    std::memcpy(p, text.data(), text.size());
    return p + text.size();
}

char* PutInt(char* p, int64_t value) { return std::to_chars(p, p + 24, value).ptr; }

/// `text` as a JSON string: quotes, backslashes and control characters escaped, UTF-8 kept.
char* PutJsonString(char* p, std::string_view text) {
    static const char kHex[] = "0123456789abcdef";
    *p++ = '"';
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = ch;
        } else if (c < 0x20) {
            p = Put(p, "\\u00");
            *p++ = kHex[c >> 4];
            *p++ = kHex[c & 15];
        } else {
            *p++ = ch;
        }
    }
    *p++ = '"';
    return p;
}

/// The runs of one save as the JSON array the row keeps, written directly: a save pays for this text,
/// and a general JSON library's tree costs more than the insert itself. Runs that did not fail are kept
/// short (in bench_workflow a save wrote 1,460 bytes of log, eight times its record and most of what
/// automation cost it; 384 now):
///   "on_create"                  a string: the trigger of the short runs after it
///   12                           an integer: rule 12's condition did not hold (nothing done, no error)
///   [12, 35, "set A = 1", ...]   an array: rule 12 ran in 35 µs and did these actions
///   {"rule_id": ...}             an object: a run that failed, whole (and every run of older rows)
/// A short run names no rule: List() reads its name from the rule (a deleted rule's is "#12").
/// Written into `out` (grown when too small, never shrunk: it serves save after save); answers the text.
std::string_view RunsJson(const std::vector<WorkflowLogEntry>& runs, std::string& out) {
    size_t room = 2;
    for (const WorkflowLogEntry& e : runs) {
        room += 160 + JsonRoom(e.trigger) + JsonRoom(e.rule_name) + JsonRoom(e.error);
        for (const std::string& action : e.actions) room += JsonRoom(action) + 1;
    }
    if (out.size() < room) out.resize(room);
    char* p = out.data();
    *p++ = '[';
    const std::string* trigger = nullptr;
    for (const WorkflowLogEntry& e : runs) {
        if (p - out.data() > 1) *p++ = ',';
        if (e.error.empty() && e.rule_id > 0) {
            if (!trigger || *trigger != e.trigger) {
                p = PutJsonString(p, e.trigger);
                *p++ = ',';
                trigger = &e.trigger;
            }
            if (!e.condition_met && e.actions.empty()) {
                p = PutInt(p, e.rule_id);
                continue;
            }
            *p++ = '[';
            p = PutInt(p, e.rule_id);
            *p++ = ',';
            p = PutInt(p, e.duration_us);
            for (const std::string& action : e.actions) {
                *p++ = ',';
                p = PutJsonString(p, action);
            }
            *p++ = ']';
            continue;
        }
        p = Put(p, "{\"rule_id\":");
        p = PutInt(p, e.rule_id);
        p = Put(p, ",\"rule\":");
        p = PutJsonString(p, e.rule_name);
        p = Put(p, ",\"trigger\":");
        p = PutJsonString(p, e.trigger);
        p = Put(p, e.condition_met ? ",\"condition_met\":true,\"actions\":["
                                   : ",\"condition_met\":false,\"actions\":[");
        for (size_t i = 0; i < e.actions.size(); ++i) {
            if (i) *p++ = ',';
            p = PutJsonString(p, e.actions[i]);
        }
        p = Put(p, "],\"duration_us\":");
        p = PutInt(p, e.duration_us);
        p = Put(p, ",\"error\":");
        p = e.error.empty() ? Put(p, "null") : PutJsonString(p, e.error);
        *p++ = '}';
    }
    *p++ = ']';
    return std::string_view(out.data(), static_cast<size_t>(p - out.data()));
}

}  // namespace

const char* WorkflowRunsMigrationSql() {
    return R"sql(
CREATE TABLE workflow_runs (
    id INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    object TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    actor TEXT NOT NULL,
    failed INTEGER NOT NULL,
    runs TEXT NOT NULL
);
CREATE INDEX workflow_runs_at ON workflow_runs(at_ms);
CREATE INDEX workflow_runs_record ON workflow_runs(object, record_id);
INSERT INTO workflow_runs(id, at_ms, object, record_id, actor, failed, runs)
SELECT id, at_ms, object, record_id, actor, error IS NOT NULL,
       json_array(json_object('rule_id', rule_id, 'rule', rule_name, 'trigger', trigger_kind,
                              'condition_met', json(CASE WHEN condition_met THEN 'true' ELSE 'false' END),
                              'actions', json(actions), 'duration_us', duration_us, 'error', error))
FROM workflow_log;
DROP TABLE workflow_log;
)sql";
}

Status WorkflowLog::Append(ChangeScope& scope, const std::vector<WorkflowLogEntry>& runs) {
    if (runs.empty()) return Status::Ok();
    const WorkflowLogEntry& first = runs.front();
    const bool failed =
        std::any_of(runs.begin(), runs.end(), [](const WorkflowLogEntry& e) { return !e.error.empty(); });
    Statement& st = statements_.Get(
        "INSERT INTO workflow_runs(at_ms, object, record_id, actor, failed, runs) VALUES(?1, ?2, ?3, ?4, ?5, "
        "?6)");
    const std::string_view text = RunsJson(runs, runs_text_);
    st.Bind(1, first.at_ms ? first.at_ms : scope.now_ms())
        .Bind(2, first.object)
        .Bind(3, first.record_id)
        .Bind(4, first.actor)
        .Bind(5, failed ? 1 : 0)
        .Bind(6, text);
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
        if (!Append(change, e).ok()) return;  // each failed save's run a row of its own
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
    Statement st = changes_.db().Prepare("DELETE FROM workflow_runs WHERE at_ms < ?1");
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
    // One entry a rule run: the rows' arrays of runs unrolled in SQL, so filters and paging count runs.
    // A short run (RunsJson) takes its rule's name from the rule and its trigger from the string before it.
    Statement st = changes_.db().Prepare(R"sql(
WITH runs AS (
  SELECT r.id, r.at_ms, r.object, r.record_id, r.actor, j.key, j.type, j.value,
    CASE j.type WHEN 'integer' THEN j.value WHEN 'array' THEN json_extract(j.value, '$[0]') END AS short_rule,
    CASE WHEN j.type IN ('integer', 'array') THEN
      (SELECT t.value FROM json_each(r.runs) t WHERE t.type = 'text' AND t.key < j.key
       ORDER BY t.key DESC LIMIT 1) END AS short_trigger
  FROM workflow_runs r, json_each(r.runs) j
  WHERE (?1 = '' OR r.object = ?1 COLLATE NOCASE) AND (?3 = 0 OR r.record_id = ?3) AND r.at_ms >= ?5
    AND j.type != 'text')
SELECT id, at_ms, object, record_id, actor, key, type, value, short_rule, short_trigger, rule_name FROM (
  SELECT runs.*, CASE WHEN short_rule IS NULL THEN json_extract(value, '$.rule')
    ELSE coalesce((SELECT name FROM automation_rules WHERE id = short_rule), '#' || short_rule) END AS rule_name
  FROM runs)
WHERE (?2 = '' OR rule_name = ?2 COLLATE NOCASE)
  AND (?4 < 0 OR (type = 'object' AND json_extract(value, '$.error') IS NOT NULL) = ?4)
ORDER BY id DESC, key LIMIT ?6 OFFSET ?7)sql");
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
        e.save_id = st.Int(0);
        e.id = e.save_id * kRunsPerSave + std::min(st.Int(5), kRunsPerSave - 1);
        e.at_ms = st.Int(1);
        e.object = st.Text(2);
        e.record_id = st.Int(3);
        e.actor = st.Text(4);
        const std::string type = st.Text(6);
        e.rule_name = st.Text(10);
        if (type == "integer") {  // a condition that did not hold
            e.rule_id = st.Int(8);
            e.trigger = st.Text(9);
            out.push_back(std::move(e));
            continue;
        }
        const nlohmann::json run = nlohmann::json::parse(st.Text(7), nullptr, false);
        if (type == "array" && run.is_array() && run.size() >= 2) {  // a run that acted
            e.rule_id = st.Int(8);
            e.trigger = st.Text(9);
            e.condition_met = true;
            e.duration_us = run[1].is_number_integer() ? run[1].get<int64_t>() : 0;
            for (size_t i = 2; i < run.size(); ++i)
                if (run[i].is_string()) e.actions.push_back(run[i].get<std::string>());
        } else if (run.is_object()) {
            e.rule_id = run.value("rule_id", int64_t{0});
            e.trigger = run.value("trigger", "");
            e.condition_met = run.value("condition_met", false);
            if (const auto it = run.find("actions"); it != run.end() && it->is_array()) {
                for (const auto& a : *it)
                    if (a.is_string()) e.actions.push_back(a.get<std::string>());
            }
            e.duration_us = run.value("duration_us", int64_t{0});
            if (const auto it = run.find("error"); it != run.end() && it->is_string())
                e.error = it->get<std::string>();
        }
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace crm
