// ERP connectors: the runs (pull, push, conflicts), the sync log, retries and resolutions
// (core/integration/connector.h). Independent of the transport: every exchange goes through ErpClient.
#include <algorithm>
#include <cctype>

#include "audit/change.h"
#include "common/base64.h"
#include "common/clock.h"
#include "common/text.h"
#include "integration/connector_internal.h"
#include "records/records.h"
#include "schema/schema.h"
#include "workflow/scheduler.h"

namespace crm {

using nlohmann::json;
using namespace connector_detail;

namespace {

const MessageDef kSyncMessages[] = {
    {"connectors.no_client",
     "This program cannot reach an ERP: run the sync from the desktop app or with `crm connectors run`.",
     "此程序无法连接 ERP：请在桌面应用中或用 `crm` 命令行运行同步。"},
    {"connectors.erp_error", "The ERP answered {status} to {method} {url}: {detail}",
     "ERP 对 {method} {url} 的应答为 {status}：{detail}"},
    {"connectors.bad_page", "The ERP's page {page} is not {\"items\": [...], \"has_more\": ...}.",
     "ERP 的第 {page} 页不是 {\"items\": [...], \"has_more\": ...} 格式。"},
    {"connectors.bad_row", "The ERP row has no \"{field}\".", "ERP 数据行缺少“{field}”。"},
    {"connectors.no_entity", "The connector has no entity \"{name}\".", "连接器没有实体“{name}”。"},
    {"connectors.error_not_found", "There is no sync error {id}.", "不存在同步错误 {id}。"},
    {"connectors.conflict_not_found", "There is no open conflict {id}.", "不存在待处理的冲突 {id}。"},
    {"connectors.bad_take", "Take \"crm\" or \"erp\".", "请选择“crm”或“erp”。"},
    {"connectors.inactive", "The connector \"{name}\" is inactive: activate it to sync.",
     "连接器“{name}”已停用：请先启用再同步。"},
    {"connectors.bad_batch",
     "The ERP's answer to a batch of {count} is not {\"items\": [...]} with one result a record sent.",
     "ERP 对 {count} 条记录的批量请求的应答不是每条记录一个结果的 {\"items\": [...]} 格式。"},
    {"connectors.erp_item_error", "The ERP refused this record in a batch ({status}): {detail}",
     "ERP 在批量请求中拒绝了此记录（{status}）：{detail}"},
};
CRM_REGISTER_MESSAGES(kSyncMessages);

constexpr int kMaxPages = 100000;
constexpr int kMaxPush = 100000;

std::string UrlEncode(const std::string& in) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : in) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

/// The first error of a refused save, with its field ("Name: Enter a name").
Error SaveError(const SaveResult& r) {
    const Error& e = r.errors.front();
    return Error(e.code, e.field.empty() ? e.message : e.field + ": " + e.message, e.field);
}

struct Link {
    std::string external_id;
    int64_t record_id = 0, crm_synced_ms = 0, erp_updated_ms = 0;
};

enum class RowOutcome { Created, Updated, Unchanged, CrmKept, Held };

/// One connector's work: the exchanges, the row and record steps, the log.
struct SyncEngine {
    Workspace& ws;
    Database& db;
    const Stored& s;
    ErpClient* client;
    SyncRun run;

    SyncEngine(Workspace& w, const Stored& stored, ErpClient* c)
        : ws(w), db(w.changes().db()), s(stored), client(c) {}

    /// The sync's own bookkeeping (its log, errors, cursors) as one change of the run-as user, apart from
    /// the rows' changes: what a run did stays logged whichever rows failed.
    template <typename Write>
    Status Bookkeep(Write write) {
        ChangeScope change(ws.changes(), s.c.run_as);
        CRM_TRY(change.begin_status());
        CRM_TRY(write());
        return change.Commit();
    }

    HttpRequest Request(const std::string& method, const std::string& url, const std::string& body) const {
        HttpRequest r;
        r.method = method;
        r.url = url;
        r.body = body;
        r.timeout_ms = 30000;
        r.headers = {{"Accept", "application/json"}};
        if (!body.empty()) r.headers.push_back({"Content-Type", "application/json"});
        if (s.c.auth == "api_key") r.headers.push_back({s.c.auth_header, s.secret});
        if (s.c.auth == "basic")
            r.headers.push_back({"Authorization", "Basic " + Base64(s.c.auth_user + ":" + s.secret)});
        return r;
    }

    /// The exchange; an Error when the ERP was not reached or did not answer 2xx.
    Result<ErpResponse> Exchange(const HttpRequest& r) { return Checked(r, client->Exchange(r)); }

    /// The answer to `r`, or an Error when the ERP was not reached or did not answer 2xx.
    static Result<ErpResponse> Checked(const HttpRequest& r, ErpResponse resp) {
        if (resp.status >= 200 && resp.status < 300) return resp;
        std::string detail = resp.status ? resp.body.substr(0, 300) : resp.error;
        return MessageError(resp.status ? "connectors.erp_error" : "connectors.erp_unreachable",
                            "connectors.erp_error",
                            {{"status", std::to_string(resp.status)},
                             {"method", r.method},
                             {"url", r.url},
                             {"detail", detail}});
    }

    std::shared_ptr<const ObjectDef> Object(const ConnectorEntity& e) {
        Result<std::shared_ptr<const ObjectDef>> o = ws.schema().Object(e.object);
        return o.ok() ? *o : nullptr;
    }

    std::optional<Link> FindLink(const ConnectorEntity& e, const std::string& ext, int64_t record_id) {
        Statement st = db.Prepare(
            "SELECT external_id, record_id, crm_synced_ms, erp_updated_ms FROM erp_sync_link WHERE "
            "connector_id = "
            "?1 AND entity = ?2 AND ((?3 <> '' AND external_id = ?3) OR (?3 = '' AND record_id = ?4))");
        st.Bind(1, s.c.id).Bind(2, e.name).Bind(3, ext).Bind(4, record_id);
        if (!st.Step()) return std::nullopt;
        return Link{st.Text(0), st.Int(1), st.Int(2), st.Int(3)};
    }

    Status WriteLink(const ConnectorEntity& e, const Link& l) {
        Statement st = db.Prepare(
            "INSERT OR REPLACE INTO erp_sync_link(connector_id, entity, external_id, record_id, "
            "crm_synced_ms, "
            "erp_updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        st.Bind(1, s.c.id).Bind(2, e.name).Bind(3, l.external_id).Bind(4, l.record_id);
        st.Bind(5, l.crm_synced_ms).Bind(6, l.erp_updated_ms);
        return st.Run();
    }

    int64_t UpdatedAt(const ObjectDef& o, int64_t id) {
        Statement st = db.Prepare("SELECT updated_at FROM \"" + o.table + "\" WHERE id = ?1");
        st.Bind(1, id);
        return st.Step() ? st.Int(0) : 0;
    }

    /// The record holding `ext` in the external-id field: its id and last change (0, 0 when none).
    std::pair<int64_t, int64_t> RecordByExternalId(const ObjectDef& o, const FieldDef& f,
                                                   const std::string& ext) {
        Statement st = db.Prepare(ExternalIdLookupSql(o, f));
        st.Bind(1, ext);
        if (!st.Step()) return {0, 0};
        return {st.Int(0), st.Int(1)};
    }

    bool OpenConflict(const ConnectorEntity& e, int64_t record_id) {
        Statement st = db.Prepare(
            "SELECT 1 FROM erp_conflict WHERE connector_id = ?1 AND entity = ?2 AND record_id = ?3 AND state "
            "= "
            "'open'");
        st.Bind(1, s.c.id).Bind(2, e.name).Bind(3, record_id);
        return st.Step();
    }

    /// The ERP row's values mapped to CRM fields (transforms applied), with the external id.
    Result<json> Map(const ConnectorEntity& e, const json& row, const std::string& ext, int64_t now) {
        json values = json::object();
        for (const ConnectorField& f : e.fields) {
            if (!row.contains(f.erp)) continue;
            json v = row[f.erp];
            if (!f.transform.empty()) {
                Result<json> t = Transform(f.transform, v, now);
                if (!t.ok()) return Error(t.error().code, f.crm + ": " + t.error().message, f.crm);
                v = *t;
            }
            values[f.crm] = v;
        }
        values[e.external_id_field] = ext;
        return values;
    }

    /// Writes mapped values to the record (`id` 0: a new one) and its link, in one change.
    Result<int64_t> Apply(const ConnectorEntity& e, const ObjectDef& o, int64_t id, const json& values,
                          const std::string& ext, int64_t erp_ms) {
        ChangeScope change(ws.changes(), s.c.run_as);
        CRM_TRY(change.begin_status());
        SaveResult saved = id ? ws.records().Update(s.c.run_as, o.api_name, id, values)
                              : ws.records().Create(s.c.run_as, o.api_name, values);
        if (!saved.ok()) return SaveError(saved);
        const int64_t record_id = id ? id : saved.id;
        CRM_TRY(WriteLink(e, {ext, record_id, UpdatedAt(o, record_id), erp_ms}));
        CRM_TRY(change.Commit());
        return record_id;
    }

    /// One pulled row: matched, decided, written.
    Result<RowOutcome> PullRow(const ConnectorEntity& e, const json& row) {
        if (!row.is_object() || !row.contains(e.erp_id))
            return MessageError("connectors.bad_row", "connectors.bad_row", {{"field", e.erp_id}});
        const std::string ext = ErpId(row[e.erp_id]);
        const std::optional<int64_t> erp_ms =
            row.contains(e.erp_updated) ? ErpTimeMs(row[e.erp_updated]) : std::nullopt;
        if (ext.empty() || !erp_ms)
            return MessageError("connectors.bad_row", "connectors.bad_row",
                                {{"field", ext.empty() ? e.erp_id : e.erp_updated}});
        std::shared_ptr<const ObjectDef> o = Object(e);
        const FieldDef* ext_field = o ? o->Field(e.external_id_field) : nullptr;
        if (!o || !ext_field)
            return MakeError("connectors.bad_field", "The entity's object or field is gone.");
        Result<json> values = Map(e, row, ext, ws.clock().NowMs());
        if (!values.ok()) return values.error();
        std::optional<Link> link = FindLink(e, ext, 0);
        auto [record_id, crm_ms] = RecordByExternalId(*o, *ext_field, ext);
        if (!record_id && link) {
            record_id = link->record_id;
            crm_ms = UpdatedAt(*o, record_id);
            if (!crm_ms) record_id = 0;  // deleted in the CRM: created again
        }
        if (!record_id) {
            Result<int64_t> created = Apply(e, *o, 0, *values, ext, *erp_ms);
            if (!created.ok()) return created.error();
            return RowOutcome::Created;
        }
        if (link && *erp_ms <= link->erp_updated_ms) return RowOutcome::Unchanged;
        if (OpenConflict(e, record_id)) {
            CRM_TRY(Hold(e, ext, record_id, *values, *erp_ms, crm_ms));
            return RowOutcome::Held;
        }
        const bool crm_changed = link && crm_ms > link->crm_synced_ms;
        if (crm_changed) {
            ++run.conflicts;
            bool erp_wins = e.conflict == "erp_wins" || (e.conflict == "newest_wins" && *erp_ms > crm_ms);
            if (e.conflict == "hold") {
                CRM_TRY(Hold(e, ext, record_id, *values, *erp_ms, crm_ms));
                return RowOutcome::Held;
            }
            if (!erp_wins) {
                // The CRM's side stays; the ERP's change is seen (the push sends the CRM's values).
                ChangeScope change(ws.changes(), s.c.run_as);
                CRM_TRY(change.begin_status());
                CRM_TRY(WriteLink(e, {ext, record_id, link->crm_synced_ms, *erp_ms}));
                CRM_TRY(change.Commit());
                return RowOutcome::CrmKept;
            }
        }
        Result<int64_t> updated = Apply(e, *o, record_id, *values, ext, *erp_ms);
        if (!updated.ok()) return updated.error();
        return RowOutcome::Updated;
    }

    /// Holds (or refreshes) the open conflict of a record.
    Status Hold(const ConnectorEntity& e, const std::string& ext, int64_t record_id, const json& values,
                int64_t erp_ms, int64_t crm_ms) {
        ChangeScope change(ws.changes(), s.c.run_as);
        CRM_TRY(change.begin_status());
        Statement up = db.Prepare(
            "UPDATE erp_conflict SET erp_values = ?4, erp_updated_ms = ?5, crm_updated_ms = ?6 WHERE "
            "connector_id "
            "= ?1 AND entity = ?2 AND record_id = ?3 AND state = 'open'");
        up.Bind(1, s.c.id)
            .Bind(2, e.name)
            .Bind(3, record_id)
            .Bind(4, values.dump())
            .Bind(5, erp_ms)
            .Bind(6, crm_ms);
        CRM_TRY(up.Run());
        if (db.Changes() == 0) {
            Statement in = db.Prepare(
                "INSERT INTO erp_conflict(connector_id, entity, external_id, record_id, erp_values, "
                "erp_updated_ms, "
                "crm_updated_ms, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
            in.Bind(1, s.c.id).Bind(2, e.name).Bind(3, ext).Bind(4, record_id).Bind(5, values.dump());
            in.Bind(6, erp_ms).Bind(7, crm_ms).Bind(8, change.now_ms());
            CRM_TRY(in.Run());
        }
        ++run.held;
        return change.Commit();
    }

    /// A record on its way to the ERP: its external id ("": a new ERP row) and its mapped values.
    struct Outgoing {
        int64_t record_id = 0;
        std::string ext;
        json row;
    };

    /// The record's values under the ERP's field names, each field's transform_out applied.
    Result<Outgoing> Outbound(const ConnectorEntity& e, const ObjectDef& o, int64_t record_id) {
        Result<json> rec = ws.records().Get(s.c.run_as, o.api_name, record_id);
        if (!rec.ok()) return rec.error();
        Outgoing out;
        out.record_id = record_id;
        out.row = json::object();
        const int64_t now = ws.clock().NowMs();
        for (const ConnectorField& f : e.fields) {
            if (!rec->contains(f.crm)) continue;
            json v = (*rec)[f.crm];
            if (!f.transform_out.empty()) {
                const FieldDef* def = o.Field(f.crm);
                if (!def) return MakeError("connectors.bad_field", "The entity's field is gone.");
                Result<json> t = TransformOut(f.transform_out, *def, v, now);
                if (!t.ok()) return Error(t.error().code, f.crm + ": " + t.error().message, f.crm);
                v = *t;
            }
            out.row[f.erp] = v;
        }
        if (rec->contains(e.external_id_field)) out.ext = ErpId((*rec)[e.external_id_field]);
        return out;
    }

    /// Keeps what the ERP answered for a pushed record: the id it gave a new row, and the link (with the
    /// row's change time, so the next pull does not echo it back).
    Status Pushed(const ConnectorEntity& e, const ObjectDef& o, const Outgoing& item, const json& row) {
        std::string new_ext = item.ext;
        int64_t erp_ms = 0;
        if (row.is_object()) {
            if (row.contains(e.erp_id)) new_ext = ErpId(row[e.erp_id]);
            if (row.contains(e.erp_updated)) erp_ms = ErpTimeMs(row[e.erp_updated]).value_or(0);
        }
        if (new_ext.empty())
            return MessageError("connectors.bad_row", "connectors.bad_row", {{"field", e.erp_id}});
        ChangeScope change(ws.changes(), s.c.run_as);
        CRM_TRY(change.begin_status());
        if (new_ext != item.ext) {
            SaveResult saved =
                ws.records().Update(s.c.run_as, o.api_name, item.record_id, {{e.external_id_field, new_ext}});
            if (!saved.ok()) return SaveError(saved);
        }
        CRM_TRY(WriteLink(e, {new_ext, item.record_id, UpdatedAt(o, item.record_id), erp_ms}));
        return change.Commit();
    }

    /// Sends one record by itself: PUT by its external id, or POST. `reached` turns false when the ERP
    /// was not reached.
    Status PushOne(const ConnectorEntity& e, const ObjectDef& o, const Outgoing& item, bool* reached) {
        const std::string base = s.c.base_url + "/" + e.path;
        const HttpRequest r = item.ext.empty()
                                  ? Request("POST", base, item.row.dump())
                                  : Request("PUT", base + "/" + UrlEncode(item.ext), item.row.dump());
        ++run.push_requests;
        Result<ErpResponse> resp = Exchange(r);
        if (!resp.ok()) {
            if (resp.error().code == "connectors.erp_unreachable") *reached = false;
            return resp.error();
        }
        return Pushed(e, o, item, json::parse(resp->body, nullptr, false));
    }

    /// Sends records to the ERP: one batch request when the connector batches (batch_size > 1), else (or
    /// when the ERP has no batch route: 404 or 405) one request a record. One result a record, in order;
    /// only the first `*tried` were tried: `reached` turns false when the ERP was not reached, the results
    /// past the one that found it so untried.
    std::vector<Status> PushRecords(const ConnectorEntity& e, const std::vector<int64_t>& ids, bool* reached,
                                    size_t* tried) {
        *reached = true;
        *tried = ids.size();
        std::vector<Status> out(ids.size());
        std::shared_ptr<const ObjectDef> o = Object(e);
        if (!o) {
            for (Status& st : out) st = MakeError("connectors.bad_field", "The entity's object is gone.");
            return out;
        }
        std::vector<Outgoing> items;
        std::vector<size_t> at;  // items[j] is ids[at[j]]
        for (size_t i = 0; i < ids.size(); ++i) {
            Result<Outgoing> item = Outbound(e, *o, ids[i]);
            if (!item.ok()) {
                out[i] = item.error();
                continue;
            }
            items.push_back(std::move(*item));
            at.push_back(i);
        }
        if (items.empty()) return out;
        if (e.batch_size > 1) {
            json body = {{"items", json::array()}};
            for (const Outgoing& item : items) {
                json one = {{"row", item.row}};
                if (!item.ext.empty()) one["id"] = item.ext;
                body["items"].push_back(std::move(one));
            }
            const HttpRequest r = Request("POST", s.c.base_url + "/" + e.path + "/batch", body.dump());
            ++run.push_requests;
            ErpResponse resp = client->Exchange(r);
            if (resp.status != 404 && resp.status != 405) {
                BatchResults(e, *o, r, std::move(resp), items, at, out, reached, tried);
                return out;
            }
        }
        for (size_t j = 0; j < items.size(); ++j) {
            out[at[j]] = PushOne(e, *o, items[j], reached);
            if (!*reached) {
                *tried = at[j] + 1;
                break;
            }
        }
        return out;
    }

    /// The batch's answer, item by item, into `out`.
    void BatchResults(const ConnectorEntity& e, const ObjectDef& o, const HttpRequest& r, ErpResponse resp,
                      const std::vector<Outgoing>& items, const std::vector<size_t>& at,
                      std::vector<Status>& out, bool* reached, size_t* tried) {
        Result<ErpResponse> checked = Checked(r, std::move(resp));
        if (!checked.ok()) {
            // The whole batch failed: when the ERP was not reached, the first record sent carries it and
            // the rest wait for the next run; an ERP error is each record's.
            if (checked.error().code == "connectors.erp_unreachable") {
                *reached = false;
                *tried = at.front() + 1;
            }
            for (size_t k : at) out[k] = checked.error();
            return;
        }
        const json answer = json::parse(checked->body, nullptr, false);
        if (!answer.is_object() || !answer.contains("items") || !answer["items"].is_array() ||
            answer["items"].size() != items.size()) {
            const Error bad = MessageError("connectors.bad_batch", "connectors.bad_batch",
                                           {{"count", std::to_string(items.size())}});
            for (size_t k : at) out[k] = bad;
            return;
        }
        for (size_t j = 0; j < items.size(); ++j) {
            const json& result = answer["items"][j];
            const int status =
                result.is_object() && result.contains("status") && result["status"].is_number_integer()
                    ? result["status"].get<int>()
                    : 0;
            if (status >= 200 && status < 300) {
                out[at[j]] = Pushed(e, o, items[j], result.contains("row") ? result["row"] : json());
                continue;
            }
            std::string detail = result.is_object() && result.contains("error") ? result["error"].dump() : "";
            if (result.is_object() && result.contains("error") && result["error"].is_string())
                detail = result["error"].get<std::string>();
            out[at[j]] =
                MessageError("connectors.erp_item_error", "connectors.erp_item_error",
                             {{"status", std::to_string(status)}, {"detail", detail.substr(0, 300)}});
        }
    }

    /// Sends one CRM record (a retry, a conflict resolved for the CRM).
    Status PushRecord(const ConnectorEntity& e, int64_t record_id) {
        bool reached = true;
        size_t tried = 0;
        return PushRecords(e, {record_id}, &reached, &tried).front();
    }

    void LogError(const ConnectorEntity& e, const char* direction, const std::string& ext, int64_t record_id,
                  const Error& error, const json& row) {
        ++run.failed;
        (void)Bookkeep([&]() -> Status {
            Statement st = db.Prepare(
                "INSERT INTO erp_sync_error(run_id, connector_id, entity, direction, external_id, record_id, "
                "code, message, row, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
            st.Bind(1, run.id).Bind(2, s.c.id).Bind(3, e.name).Bind(4, direction).Bind(5, ext);
            st.Bind(6, record_id).Bind(7, error.code).Bind(8, error.message).Bind(9, row.dump());
            st.Bind(10, ws.clock().NowMs());
            return st.Run();
        });
    }

    Status SaveCursor(const ConnectorEntity& e, const std::string& pull, int64_t push_ms) {
        return Bookkeep([&]() -> Status {
            Statement st = db.Prepare(
                "INSERT INTO erp_connector_cursor(connector_id, entity, pull_cursor, push_cursor_ms) VALUES "
                "(?1, ?2, ?3, ?4) ON CONFLICT(connector_id, entity) DO UPDATE SET pull_cursor = ?3, "
                "push_cursor_ms = ?4");
            st.Bind(1, s.c.id).Bind(2, e.name).Bind(3, pull).Bind(4, push_ms);
            return st.Run();
        });
    }

    /// Pages through the entity's changes since its cursor; false when a page could not be read.
    bool Pull(ConnectorEntity& e) {
        const std::string since = e.pull_cursor;
        // The newest change seen (-1: none); a cursor of digits is Unix milliseconds.
        std::optional<int64_t> since_ms = ErpTimeMs(json(since));
        if (!since_ms) since_ms = ErpTimeMs(json::parse(since, nullptr, false));
        int64_t newest_ms = since_ms.value_or(-1);
        for (int page = 1; page <= kMaxPages; ++page) {
            const std::string url = s.c.base_url + "/" + e.path + "?updated_since=" + UrlEncode(since) +
                                    "&page=" + std::to_string(page) +
                                    "&page_size=" + std::to_string(s.c.page_size);
            Result<ErpResponse> resp = Exchange(Request("GET", url, ""));
            if (!resp.ok()) {
                run.error = resp.error().message;
                return false;
            }
            const json body = json::parse(resp->body, nullptr, false);
            if (!body.is_object() || !body.contains("items") || !body["items"].is_array()) {
                run.error = MessageError("connectors.bad_page", "connectors.bad_page",
                                         {{"page", std::to_string(page)}})
                                .message;
                return false;
            }
            ++run.pages;
            // A page is one change: each row a savepoint in it (a row that fails rolls back alone), its
            // errors and the cursor past it committed with its rows, one commit (and one fsync) a page.
            ChangeScope page_change(ws.changes(), s.c.run_as);
            if (!page_change.begin_status().ok()) {
                run.error = page_change.begin_status().error().message;
                return false;
            }
            for (const json& row : body["items"]) {
                ++run.pulled;
                Result<RowOutcome> outcome = PullRow(e, row);
                const std::string ext = row.is_object() && row.contains(e.erp_id) ? ErpId(row[e.erp_id]) : "";
                if (!outcome.ok()) {
                    LogError(e, "pull", ext, 0, outcome.error(), row);
                } else if (*outcome == RowOutcome::Created) {
                    ++run.created;
                } else if (*outcome == RowOutcome::Updated) {
                    ++run.updated;
                } else if (*outcome == RowOutcome::Unchanged) {
                    ++run.unchanged;
                }
                if (row.is_object() && row.contains(e.erp_updated)) {
                    const std::optional<int64_t> ms = ErpTimeMs(row[e.erp_updated]);
                    if (ms && *ms > newest_ms) {
                        newest_ms = *ms;
                        e.pull_cursor = row[e.erp_updated].is_string() ? row[e.erp_updated].get<std::string>()
                                                                       : std::to_string(*ms);
                    }
                }
            }
            // The page was read whole: the cursor moves past it.
            Status saved = SaveCursor(e, e.pull_cursor, e.push_cursor_ms);
            if (saved.ok()) saved = page_change.Commit();
            if (!saved.ok()) {
                run.error = saved.error().message;
                return false;
            }
            if (body["items"].empty() || !body.value("has_more", false)) break;
        }
        return true;
    }

    /// Sends the records changed since the push cursor, batch_size a request; false when the ERP could not
    /// be reached (the cursor then stays before the batch that found it so).
    bool Push(ConnectorEntity& e) {
        std::shared_ptr<const ObjectDef> o = Object(e);
        if (!o) return true;
        Statement st = db.Prepare("SELECT id, updated_at FROM \"" + o->table +
                                  "\" WHERE updated_at > ?1 ORDER BY updated_at, id LIMIT ?2");
        st.Bind(1, e.push_cursor_ms).Bind(2, kMaxPush);
        std::vector<std::pair<int64_t, int64_t>> changed;
        while (st.Step()) changed.push_back({st.Int(0), st.Int(1)});
        const size_t batch = static_cast<size_t>(std::max(1, e.batch_size));
        int64_t cursor = e.push_cursor_ms;
        int64_t sent_cursor = cursor;  // the cursor once the pending records are sent
        std::vector<int64_t> pending;
        bool ok = true;
        for (size_t i = 0; i < changed.size() && ok; ++i) {
            const int64_t id = changed[i].first, updated = changed[i].second;
            sent_cursor = std::max(sent_cursor, updated);
            std::optional<Link> link = FindLink(e, "", id);
            if ((link && updated <= link->crm_synced_ms) || OpenConflict(e, id)) continue;
            pending.push_back(id);
            if (pending.size() >= batch) ok = SendPending(e, pending);
            if (ok && pending.empty()) cursor = sent_cursor;
        }
        if (ok) ok = SendPending(e, pending);
        if (ok) cursor = sent_cursor;
        e.push_cursor_ms = cursor;
        if (Status saved = SaveCursor(e, e.pull_cursor, cursor); !saved.ok()) return false;
        return ok;
    }

    /// Sends the pending records (a batch), logs each one that failed; false when the ERP was not reached.
    bool SendPending(const ConnectorEntity& e, std::vector<int64_t>& pending) {
        if (pending.empty()) return true;
        bool reached = true;
        size_t tried = 0;
        const std::vector<Status> results = PushRecords(e, pending, &reached, &tried);
        for (size_t i = 0; i < tried; ++i) {
            if (results[i].ok()) {
                ++run.pushed;
                continue;
            }
            std::optional<Link> link = FindLink(e, "", pending[i]);
            LogError(e, "push", link ? link->external_id : "", pending[i], results[i].error(), nullptr);
        }
        pending.clear();
        if (!reached) run.error = results[tried - 1].error().message;
        return reached;
    }

    void Begin() {
        run.connector_id = s.c.id;
        run.started_ms = ws.clock().NowMs();
        run.state = "running";
        (void)Bookkeep([&]() -> Status {
            Statement st =
                db.Prepare("INSERT INTO erp_sync_run(connector_id, state, started_ms) VALUES (?1, ?2, ?3)");
            st.Bind(1, s.c.id).Bind(2, run.state).Bind(3, run.started_ms);
            CRM_TRY(st.Run());
            run.id = db.LastInsertRowId();
            return Status::Ok();
        });
    }

    void Finish(bool stopped) {
        run.finished_ms = ws.clock().NowMs();
        run.state = stopped ? "failed" : run.failed ? "partial" : "ok";
        const json counts = ToJson(run);
        (void)Bookkeep([&]() -> Status {
            Statement st = db.Prepare(
                "UPDATE erp_sync_run SET state = ?2, error = ?3, finished_ms = ?4, counts = ?5 WHERE id = "
                "?1");
            st.Bind(1, run.id).Bind(2, run.state).Bind(3, run.error).Bind(4, run.finished_ms);
            st.Bind(5, counts.dump());
            return st.Run();
        });
    }
};

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

const ConnectorEntity* EntityNamed(const Connector& c, const std::string& name) {
    for (const ConnectorEntity& e : c.entities)
        if (e.name == name) return &e;
    return nullptr;
}

}  // namespace

// [SECTION] Service: runs

ConnectorService::ConnectorService(Workspace& workspace) : impl_(std::make_unique<Impl>(workspace)) {}
ConnectorService::~ConnectorService() = default;

Result<SyncRun> ConnectorService::Run(const std::string& actor, int64_t id, const std::string& entity) {
    CRM_TRY(Require(actor));
    return RunUnchecked(id, entity);
}

Result<SyncRun> ConnectorService::RunUnchecked(int64_t id, const std::string& entity) {
    Result<Stored> found = Find(impl_->ws.changes().db(), id);
    if (!found.ok()) return found.error();
    if (!entity.empty() && !EntityNamed(found->c, entity))
        return MessageError("invalid_argument", "connectors.no_entity", {{"name", entity}}, "entity");
    if (!found->c.active)
        return MessageError("invalid_argument", "connectors.inactive", {{"name", found->c.name}}, "id");
    SyncEngine engine(impl_->ws, *found, client_);
    engine.Begin();
    // An external-id index gone since the save (its field retyped) is made again before the pull uses it.
    if (Result<IndexPlan> plan = PlanExternalIdIndexes(impl_->ws); plan.ok() && !plan->create.empty())
        (void)engine.Bookkeep([&]() { return ApplyIndexPlan(engine.db, *plan); });
    bool stopped = false;
    if (!client_) {
        engine.run.error = MessageError("connectors.no_client", "connectors.no_client", {}).message;
        stopped = true;
    }
    for (ConnectorEntity& e : found->c.entities) {
        if (stopped) break;
        if (!entity.empty() && e.name != entity) continue;
        if (e.direction != "out" && !engine.Pull(e)) stopped = true;
        if (!stopped && e.direction != "in" && !engine.Push(e)) stopped = true;
    }
    engine.Finish(stopped);
    return engine.run;
}

void ConnectorService::AttachScheduler(SchedulerService& scheduler) {
    scheduler_ = &scheduler;
    scheduler.SetHandler(kConnectorRunKind, [this](ChangeScope& scope, const ScheduledItem& item) {
        return RunScheduled(scope, item);
    });
}

Status ConnectorService::RunScheduled(ChangeScope& scope, const ScheduledItem& item) {
    Result<Stored> found = Find(impl_->ws.changes().db(), item.rule_id);
    // A connector deleted, made inactive or unscheduled since: nothing to run, nothing queued again.
    if (!found.ok() || !found->c.active || found->c.schedule_minutes <= 0) return Status::Ok();
    // The run's outcome is in its log (a failed run is logged, not an error of the item).
    (void)RunUnchecked(item.rule_id, "");
    const int64_t period = int64_t{found->c.schedule_minutes} * 60'000;
    int64_t next = item.due_ms + period;
    if (next <= scope.now_ms()) next = scope.now_ms() + period;
    return scheduler_->Schedule(scope, kConnectorRunKind, "", 0, item.rule_id, next);
}

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

Result<SyncError> ConnectorService::Retry(const std::string& actor, int64_t error_id) {
    CRM_TRY(Require(actor));
    Database& db = impl_->ws.changes().db();
    Statement st = db.Prepare(
        "SELECT connector_id, entity, direction, record_id, row, run_id FROM erp_sync_error WHERE id = ?1 "
        "AND "
        "state = 'open'");
    st.Bind(1, error_id);
    if (!st.Step())
        return MessageError("connectors.error_not_found", "connectors.error_not_found",
                            {{"id", std::to_string(error_id)}}, "id");
    const int64_t connector_id = st.Int(0), record_id = st.Int(3), run_id = st.Int(5);
    const std::string entity = st.Text(1), direction = st.Text(2);
    const json row = json::parse(st.Text(4), nullptr, false);
    Result<Stored> found = Find(db, connector_id);
    if (!found.ok()) return found.error();
    const ConnectorEntity* e = EntityNamed(found->c, entity);
    if (!e) return MessageError("invalid_argument", "connectors.no_entity", {{"name", entity}}, "id");
    SyncEngine engine(impl_->ws, *found, client_);
    Status done = Status::Ok();
    if (direction == "pull") {
        Result<RowOutcome> outcome = engine.PullRow(*e, row);
        if (!outcome.ok()) done = outcome.error();
    } else if (!client_) {
        done = MessageError("connectors.no_client", "connectors.no_client", {});
    } else {
        done = engine.PushRecord(*e, record_id);
    }
    const Status noted = engine.Bookkeep([&]() -> Status {
        Statement up =
            db.Prepare(done.ok() ? "UPDATE erp_sync_error SET state = 'retried' WHERE id = ?1"
                                 : "UPDATE erp_sync_error SET message = ?2, code = ?3 WHERE id = ?1");
        up.Bind(1, error_id);
        if (!done.ok()) up.Bind(2, done.error().message).Bind(3, done.error().code);
        return up.Run();
    });
    CRM_TRY(noted);
    if (!done.ok()) return done.error();
    SyncError out;
    out.id = error_id;
    out.run_id = run_id;
    out.entity = entity;
    out.direction = direction;
    out.record_id = record_id;
    out.state = "retried";
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
        "at_ms FROM erp_conflict WHERE connector_id = ?1 AND (?2 = '' OR state = ?2) ORDER BY id DESC LIMIT "
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
                     {"at", st.Int(9)}};
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

Result<json> ConnectorService::Resolve(const std::string& actor, int64_t conflict_id,
                                       const std::string& take) {
    CRM_TRY(Require(actor));
    if (take != "crm" && take != "erp")
        return MessageError("invalid_argument", "connectors.bad_take", {}, "take");
    Database& db = impl_->ws.changes().db();
    Statement st = db.Prepare(
        "SELECT connector_id, entity, external_id, record_id, erp_values, erp_updated_ms FROM erp_conflict "
        "WHERE "
        "id = ?1 AND state = 'open'");
    st.Bind(1, conflict_id);
    if (!st.Step())
        return MessageError("connectors.conflict_not_found", "connectors.conflict_not_found",
                            {{"id", std::to_string(conflict_id)}}, "id");
    const int64_t connector_id = st.Int(0), record_id = st.Int(3), erp_ms = st.Int(5);
    const std::string entity = st.Text(1), ext = st.Text(2);
    const json values = json::parse(st.Text(4), nullptr, false);
    Result<Stored> found = Find(db, connector_id);
    if (!found.ok()) return found.error();
    const ConnectorEntity* e = EntityNamed(found->c, entity);
    if (!e) return MessageError("invalid_argument", "connectors.no_entity", {{"name", entity}}, "id");
    if (take == "crm" && !client_) return MessageError("connectors.no_client", "connectors.no_client", {});
    SyncEngine engine(impl_->ws, *found, client_);
    ChangeScope change(impl_->ws.changes(), actor);
    CRM_TRY(change.begin_status());
    Statement done = db.Prepare(
        "UPDATE erp_conflict SET state = 'resolved', resolution = ?2, resolved_by = ?3, resolved_ms = ?4 "
        "WHERE id "
        "= ?1");
    done.Bind(1, conflict_id).Bind(2, take).Bind(3, actor).Bind(4, change.now_ms());
    CRM_TRY(done.Run());
    if (take == "erp") {
        std::shared_ptr<const ObjectDef> o = engine.Object(*e);
        if (!o) return MakeError("connectors.bad_field", "The entity's object is gone.");
        Result<int64_t> applied = engine.Apply(*e, *o, record_id, values, ext, erp_ms);
        if (!applied.ok()) return applied.error();
    } else {
        CRM_TRY(engine.PushRecord(*e, record_id));
    }
    CRM_TRY(change.Audit("integration", "resolve", "connector." + found->c.name,
                         json{{"conflict", conflict_id}, {"external_id", ext}},
                         json{{"take", take}, {"record_id", record_id}}));
    change.Record("integration", "", ChangeAction::Config, connector_id, {"connectors"});
    CRM_TRY(change.Commit());
    return json{{"conflict", conflict_id}, {"take", take}, {"record_id", record_id}};
}

}  // namespace crm
