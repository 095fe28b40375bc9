// ERP connectors: the sync log (runs and per-record errors) and the held conflicts as they are read
// (core/integration/connector.h).
#include <algorithm>

#include "common/text.h"
#include "integration/connector_internal.h"
#include "records/records.h"

namespace crm {

using nlohmann::json;
using namespace connector_detail;

namespace {

SyncRun RunFromRow(const Statement& st) {
    SyncRun r;
    const json c = json::parse(st.Text(5), nullptr, false);
    if (c.is_object()) {
        r.pages = c.value("pages", 0);
        r.pulled = c.value("pulled", 0);
        r.created = c.value("created", 0);
        r.updated = c.value("updated", 0);
        r.unchanged = c.value("unchanged", 0);
        r.pushed = c.value("pushed", 0);
        r.conflicts = c.value("conflicts", 0);
        r.held = c.value("held", 0);
        r.failed = c.value("failed", 0);
        r.push_requests = c.value("push_requests", 0);
    }
    r.id = st.Int(0);
    r.connector_id = st.Int(1);
    r.state = st.Text(2);
    r.error = st.Text(3);
    r.started_ms = st.Int(4);
    r.finished_ms = st.Int(6);
    return r;
}

}  // namespace

Result<std::vector<SyncRun>> ConnectorService::Runs(const std::string& actor, int64_t id, int limit) {
    CRM_TRY(Require(actor));
    Database& db = impl_->ws.changes().db();
    if (Result<Stored> found = Find(db, id); !found.ok()) return found.error();
    Statement st = db.Prepare(
        "SELECT id, connector_id, state, error, started_ms, counts, finished_ms FROM erp_sync_run WHERE "
        "connector_id = ?1 ORDER BY id DESC LIMIT ?2");
    st.Bind(1, id).Bind(2, std::clamp(limit, 1, 1000));
    std::vector<SyncRun> out;
    while (st.Step()) out.push_back(RunFromRow(st));
    return out;
}

Result<std::vector<SyncError>> ConnectorService::Errors(const std::string& actor, int64_t id, bool open_only,
                                                        int limit) {
    CRM_TRY(Require(actor));
    Database& db = impl_->ws.changes().db();
    if (id) {
        if (Result<Stored> found = Find(db, id); !found.ok()) return found.error();
    }
    Statement st = db.Prepare(
        "SELECT id, run_id, entity, direction, external_id, record_id, code, message, state, at_ms FROM "
        "erp_sync_error WHERE (?1 = 0 OR connector_id = ?1) AND (?2 = 0 OR state = 'open') ORDER BY id DESC "
        "LIMIT ?3");
    st.Bind(1, id).Bind(2, open_only ? 1 : 0).Bind(3, std::clamp(limit, 1, 1000));
    std::vector<SyncError> out;
    while (st.Step())
        out.push_back({st.Int(0), st.Int(1), st.Int(5), st.Text(2), st.Text(3), st.Text(4), st.Text(6),
                       st.Text(7), st.Text(8), st.Int(9)});
    return out;
}

Result<json> ConnectorService::Conflicts(const std::string& actor, int64_t id, const std::string& state) {
    CRM_TRY(Require(actor));
    Database& db = impl_->ws.changes().db();
    Result<Stored> found = Find(db, id);
    if (!found.ok()) return found.error();
    Statement st = db.Prepare(
        "SELECT id, entity, external_id, record_id, erp_values, erp_updated_ms, crm_updated_ms, state, "
        "resolution, "
        "at_ms, error FROM erp_conflict WHERE connector_id = ?1 AND (?2 = '' OR state = ?2) ORDER BY id DESC "
        "LIMIT "
        "500");
    st.Bind(1, id).Bind(2, state);
    json out = json::array();
    while (st.Step()) {
        const ConnectorEntity* e = EntityNamed(found->c, st.Text(1));
        json item = {{"id", st.Int(0)},
                     {"entity", st.Text(1)},
                     {"object", e ? e->object : ""},
                     {"external_id", st.Text(2)},
                     {"record_id", st.Int(3)},
                     {"erp_updated", FormatUtcIso8601(st.Int(5))},
                     {"crm_updated", FormatUtcIso8601(st.Int(6))},
                     {"state", st.Text(7)},
                     {"resolution", st.Text(8)},
                     {"at", st.Int(9)},
                     {"error", st.Text(10)}};  // why taking the CRM's side failed last ("": never tried)
        // Both sides as the actor may read them: a field they cannot read is left out of each.
        json erp = json::object(), crm = json::object();
        const json values = json::parse(st.Text(4), nullptr, false);
        Result<json> record = e ? impl_->ws.records().Get(actor, e->object, st.Int(3)) : Result<json>(json());
        if (record.ok() && record->is_object() && values.is_object()) {
            for (auto it = values.begin(); it != values.end(); ++it) {
                if (!record->contains(it.key())) continue;
                erp[it.key()] = it.value();
                crm[it.key()] = (*record)[it.key()];
            }
        }
        item["erp"] = erp;
        item["crm"] = crm;
        out.push_back(item);
    }
    return out;
}

}  // namespace crm
