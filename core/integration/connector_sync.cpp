// ERP connectors: the runs (pull, push, conflicts), the sync log, retries and resolutions
// (core/integration/connector.h). Independent of the transport: every exchange goes through ErpClient.
#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>

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
     "This program cannot reach an ERP: run the sync from the desktop app, the browser console or with "
     "`crm connectors run`.",
     "此程序无法连接 ERP：请在桌面应用、浏览器控制台中或用 `crm` 命令行运行同步。"},
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
    {"connectors.abandoned",
     "The run was given up before its end (the page closed or the run was stopped); what it had committed "
     "stays and the next run goes on from there.",
     "运行在结束前被放弃（页面已关闭或运行被停止）；已提交的部分保留，下次运行从那里继续。"},
    {"connectors.running", "The connector \"{name}\" is running already: wait for its run to end.",
     "连接器“{name}”正在运行：请等待本次运行结束。"},
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

}  // namespace

namespace connector_detail {

/// One connector's work: the run's steps (the requests it needs, what each answer does), the row and
/// record steps, the log.
struct SyncEngine {
    Workspace& ws;
    Database& db;
    Stored s;
    SyncRun run;

    SyncEngine(Workspace& w, Stored stored) : ws(w), db(w.changes().db()), s(std::move(stored)) {}

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

    // [SECTION] Sending a batch: its requests one answer at a time

    /// One batch of records on its way (a run's or a retry's): the rows, the results, the request state.
    struct Send {
        const ConnectorEntity* e = nullptr;
        std::shared_ptr<const ObjectDef> o;
        std::vector<int64_t> ids;
        std::vector<Outgoing> items;
        std::vector<size_t> at;   // items[j] is ids[at[j]]
        std::vector<Status> out;  // one result a record, in order
        bool reached = true;      // false when the ERP was not reached
        size_t tried = 0;         // only the first `tried` were tried
        bool one_by_one = false;  // one PUT or POST a record (no batching, or no batch route)
        size_t j = 0;             // the item sent one by one now
        bool done = true;
    };
    Send send;
    HttpRequest waiting;  ///< the request whose answer the run waits for

    /// Starts sending records to the ERP: one batch request when the connector batches (batch_size > 1),
    /// else (or when the ERP has no batch route: 404 or 405) one request a record. `send.done` when
    /// nothing is to be sent (each record failed before); else `waiting` is the first request.
    void BeginSend(const ConnectorEntity& e, std::vector<int64_t> ids) {
        send = Send{};
        send.e = &e;
        send.ids = std::move(ids);
        send.tried = send.ids.size();
        send.out.resize(send.ids.size());
        send.o = Object(e);
        if (!send.o) {
            for (Status& st : send.out)
                st = MakeError("connectors.bad_field", "The entity's object is gone.");
            return;
        }
        for (size_t i = 0; i < send.ids.size(); ++i) {
            Result<Outgoing> item = Outbound(e, *send.o, send.ids[i]);
            if (!item.ok()) {
                send.out[i] = item.error();
                continue;
            }
            send.items.push_back(std::move(*item));
            send.at.push_back(i);
        }
        if (send.items.empty()) return;
        send.done = false;
        if (e.batch_size > 1) {
            json body = {{"items", json::array()}};
            for (const Outgoing& item : send.items) {
                json one = {{"row", item.row}};
                if (!item.ext.empty()) one["id"] = item.ext;
                body["items"].push_back(std::move(one));
            }
            ++run.push_requests;
            waiting = Request("POST", s.c.base_url + "/" + e.path + "/batch", body.dump());
            return;
        }
        SendOne();
    }

    /// The next record by itself: PUT by its external id, or POST.
    void SendOne() {
        send.one_by_one = true;
        const Outgoing& item = send.items[send.j];
        const std::string base = s.c.base_url + "/" + send.e->path;
        ++run.push_requests;
        waiting = item.ext.empty() ? Request("POST", base, item.row.dump())
                                   : Request("PUT", base + "/" + UrlEncode(item.ext), item.row.dump());
    }

    /// The answer to `waiting` while sending: the next request, or `send.done`.
    void TakeSend(ErpResponse resp) {
        if (!send.one_by_one) {
            if (resp.status != 404 && resp.status != 405) {
                BatchResults(*send.e, *send.o, waiting, std::move(resp), send.items, send.at, send.out,
                             &send.reached, &send.tried);
                send.done = true;
                return;
            }
            send.j = 0;
            SendOne();
            return;
        }
        const size_t k = send.at[send.j];
        Result<ErpResponse> checked = Checked(waiting, std::move(resp));
        if (!checked.ok()) {
            if (checked.error().code == "connectors.erp_unreachable") send.reached = false;
            send.out[k] = checked.error();
        } else {
            send.out[k] =
                Pushed(*send.e, *send.o, send.items[send.j], json::parse(checked->body, nullptr, false));
        }
        if (!send.reached) {
            send.tried = k + 1;
            send.done = true;
        } else if (++send.j < send.items.size()) {
            SendOne();
        } else {
            send.done = true;
        }
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

    // [SECTION] One record alone: a retry's push, a conflict resolved for the CRM

    bool one_off = false;  ///< the session sends one record; no run is logged, no cursor moves

    /// Starts sending the record of entity `index` by itself: `finished` at once when it cannot be sent
    /// (its outcome in PushOutcome), else `waiting` is its first request.
    void OpenPush(size_t index, int64_t record_id) {
        one_off = true;
        entity = index;
        BeginSend(s.c.entities[entity], {record_id});
        if (send.done) {
            finished = true;
        } else {
            wait = Wait::Send;
        }
    }
    Status PushOutcome() const { return send.out.empty() ? Status::Ok() : send.out.front(); }

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

    // [SECTION] The run as steps: local work between two answers, never a transaction left open

    enum class Wait { None, Page, Send };
    Wait wait = Wait::None;
    bool stopped = false, finished = false, quiet = false;
    std::string only;   // the one entity asked for ("": every one)
    size_t entity = 0;  // s.c.entities[entity] is synced now
    // The pull: the page asked for, the cursor it started from, the newest change seen (-1: none).
    int page = 0;
    std::string since;
    int64_t newest_ms = -1;
    // The push: the records changed since its cursor, the next one, the cursor so far, the batch building.
    std::vector<std::pair<int64_t, int64_t>> changed;
    size_t next = 0;
    int64_t cursor = 0, sent_cursor = 0;  // sent_cursor: the cursor once the pending records are sent
    std::vector<int64_t> pending;

    /// Starts entity `from` (or the next one asked for); the run ends when none is left or it stopped.
    void NextEntity(size_t from) {
        for (entity = from; entity < s.c.entities.size() && !stopped; ++entity) {
            ConnectorEntity& e = s.c.entities[entity];
            if (!only.empty() && e.name != only) continue;
            if (e.direction != "out") {
                StartPull(e);
                return;
            }
            if (StartPush(e)) return;
        }
        End();
    }

    void End() {
        wait = Wait::None;
        if (finished) return;
        finished = true;
        if (!one_off) Finish(stopped);
    }

    void StartPull(ConnectorEntity& e) {
        since = e.pull_cursor;
        // A cursor of digits is Unix milliseconds.
        std::optional<int64_t> since_ms = ErpTimeMs(json(since));
        if (!since_ms) since_ms = ErpTimeMs(json::parse(since, nullptr, false));
        newest_ms = since_ms.value_or(-1);
        page = 0;
        AskPage(e);
    }

    void AskPage(const ConnectorEntity& e) {
        ++page;
        const std::string url = s.c.base_url + "/" + e.path + "?updated_since=" + UrlEncode(since) +
                                "&page=" + std::to_string(page) +
                                "&page_size=" + std::to_string(s.c.page_size);
        waiting = Request("GET", url, "");
        wait = Wait::Page;
    }

    /// The answer to a page: its rows written; false when the page could not be read (the run stops),
    /// `more` when another page follows.
    bool TakePage(ConnectorEntity& e, ErpResponse answer, bool* more) {
        *more = false;
        Result<ErpResponse> resp = Checked(waiting, std::move(answer));
        if (!resp.ok()) {
            run.error = resp.error().message;
            return false;
        }
        const json body = json::parse(resp->body, nullptr, false);
        if (!body.is_object() || !body.contains("items") || !body["items"].is_array()) {
            run.error =
                MessageError("connectors.bad_page", "connectors.bad_page", {{"page", std::to_string(page)}})
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
        *more = !body["items"].empty() && body.value("has_more", false) && page < kMaxPages;
        return true;
    }

    /// The entity's pull read its last page: its push, or the next entity.
    void AfterPull(ConnectorEntity& e) {
        if (e.direction != "in" && StartPush(e)) return;
        NextEntity(entity + 1);
    }

    /// Starts the push of the records changed since the push cursor, batch_size a request; true when it
    /// waits for an answer (false: it ended, `stopped` when the ERP could not be reached).
    bool StartPush(ConnectorEntity& e) {
        std::shared_ptr<const ObjectDef> o = Object(e);
        if (!o) return false;
        Statement st = db.Prepare("SELECT id, updated_at FROM \"" + o->table +
                                  "\" WHERE updated_at > ?1 ORDER BY updated_at, id LIMIT ?2");
        st.Bind(1, e.push_cursor_ms).Bind(2, kMaxPush);
        changed.clear();
        while (st.Step()) changed.push_back({st.Int(0), st.Int(1)});
        next = 0;
        cursor = sent_cursor = e.push_cursor_ms;
        pending.clear();
        return PushOn(e);
    }

    /// Goes on with the push until a batch waits for its answer (true) or the push ends (false).
    bool PushOn(ConnectorEntity& e) {
        const size_t batch = static_cast<size_t>(std::max(1, e.batch_size));
        for (;;) {
            const bool last = next >= changed.size();
            if (!pending.empty() && (pending.size() >= batch || last)) {
                BeginSend(e, pending);
                if (!send.done) {
                    wait = Wait::Send;
                    return true;
                }
                if (!AfterSend(e)) return false;
                continue;
            }
            if (last) return EndPush(e, true);
            const int64_t id = changed[next].first, updated = changed[next].second;
            ++next;
            sent_cursor = std::max(sent_cursor, updated);
            std::optional<Link> link = FindLink(e, "", id);
            if ((link && updated <= link->crm_synced_ms) || OpenConflict(e, id)) {
                if (pending.empty()) cursor = sent_cursor;
                continue;
            }
            pending.push_back(id);
        }
    }

    /// The sent batch's outcome logged (each record that failed); false (the push ended) when the ERP was
    /// not reached: the cursor then stays before the batch that found it so.
    bool AfterSend(ConnectorEntity& e) {
        for (size_t i = 0; i < send.tried; ++i) {
            if (send.out[i].ok()) {
                ++run.pushed;
                continue;
            }
            std::optional<Link> link = FindLink(e, "", send.ids[i]);
            LogError(e, "push", link ? link->external_id : "", send.ids[i], send.out[i].error(), nullptr);
        }
        pending.clear();
        if (!send.reached) {
            run.error = send.out[send.tried - 1].error().message;
            return EndPush(e, false);
        }
        cursor = sent_cursor;
        return true;
    }

    /// Keeps the push cursor; always false (the push has ended), `stopped` unless it went through.
    bool EndPush(ConnectorEntity& e, bool ok) {
        e.push_cursor_ms = cursor;
        if (Status saved = SaveCursor(e, e.pull_cursor, cursor); !saved.ok()) ok = false;
        if (!ok) stopped = true;
        return false;
    }

    /// The answer to `waiting`: the run goes on to its next request or ends.
    void Take(ErpResponse resp) {
        if (finished || wait == Wait::None) return;
        const Wait was = wait;
        wait = Wait::None;
        ConnectorEntity& e = s.c.entities[entity];
        if (was == Wait::Page) {
            bool more = false;
            if (!TakePage(e, std::move(resp), &more)) {
                stopped = true;
                End();
            } else if (more) {
                AskPage(e);
            } else {
                AfterPull(e);
            }
            return;
        }
        TakeSend(std::move(resp));
        if (!send.done) {
            wait = Wait::Send;
            return;
        }
        if (one_off) {
            finished = true;
            return;
        }
        if (AfterSend(e) && PushOn(e)) return;
        if (stopped) {
            End();
        } else {
            NextEntity(entity + 1);
        }
    }

    /// Starts the run: its log row (a run left "running" by a program that closed mid-run is marked
    /// failed first), a missing external-id index made again, then the first entity.
    void Open(const std::string& entity_name) {
        only = entity_name;
        Begin();
        // An external-id index gone since the save (its field retyped) is made again before the pull uses it.
        if (Result<IndexPlan> plan = PlanExternalIdIndexes(ws); plan.ok() && !plan->create.empty())
            (void)Bookkeep([&]() { return ApplyIndexPlan(db, *plan); });
    }
    void Begin() {
        run.connector_id = s.c.id;
        run.started_ms = ws.clock().NowMs();
        run.state = "running";
        (void)Bookkeep([&]() -> Status {
            Statement stale = db.Prepare(
                "UPDATE erp_sync_run SET state = 'failed', error = ?2, finished_ms = ?3 WHERE connector_id = "
                "?1 "
                "AND state = 'running'");
            stale.Bind(1, s.c.id).Bind(3, run.started_ms);
            stale.Bind(2, MessageError("connectors.abandoned", "connectors.abandoned", {}).message);
            CRM_TRY(stale.Run());
            Statement st =
                db.Prepare("INSERT INTO erp_sync_run(connector_id, state, started_ms) VALUES (?1, ?2, ?3)");
            st.Bind(1, s.c.id).Bind(2, run.state).Bind(3, run.started_ms);
            CRM_TRY(st.Run());
            run.id = db.LastInsertRowId();
            return Status::Ok();
        });
    }

    void Finish(bool failed) {
        run.finished_ms = ws.clock().NowMs();
        run.state = failed ? "failed" : run.failed ? "partial" : "ok";
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

}  // namespace connector_detail

// [SECTION] Service: runs

ConnectorService::ConnectorService(Workspace& workspace) : impl_(std::make_unique<Impl>(workspace)) {}

// [SECTION] Sessions: a run one answer at a time

struct SyncSession::State {
    ConnectorService::Impl* owner;
    SyncEngine engine;
    State(ConnectorService::Impl* o, Stored stored) : owner(o), engine(o->ws, std::move(stored)) {
        ++owner->running[engine.s.c.id];
    }
    ~State() {
        if (--owner->running[engine.s.c.id] <= 0) owner->running.erase(engine.s.c.id);
    }

    // A retry's or resolution's: what the outcome writes (in the change `actor` opens), and the outcome.
    std::string kind = "run";
    int64_t subject = 0;
    std::string actor;
    std::function<Status(const Status& outcome, ChangeScope& change)> settle;
    std::optional<Status> outcome;
    json answer;  ///< what Resolve answers

    /// Ends a one-record session with `outcome`: settle's writes commit in `change` (with the record's
    /// link when the push went through); when they cannot, nothing of it stays and that is the outcome.
    void Settle(Status result, ChangeScope& change) {
        engine.finished = true;
        engine.wait = SyncEngine::Wait::None;
        Status wrote = change.begin_status();
        if (wrote.ok() && settle) wrote = settle(result, change);
        if (wrote.ok()) wrote = change.Commit();
        outcome = wrote.ok() ? result : wrote;
    }
    void Settle(Status result) {
        ChangeScope change(owner->ws.changes(), actor);
        Settle(std::move(result), change);
    }
};

SyncSession::SyncSession(std::unique_ptr<State> state) : state_(std::move(state)) {}

ConnectorService::~ConnectorService() {
    // The workspace is closing: its sessions end without writing (the next run marks their rows failed).
    for (auto& [sid, s] : impl_->carried) s->state_->engine.quiet = true;
    impl_->carried.clear();
}

SyncSession::~SyncSession() {
    // A session dropped with its workspace (quiet) writes nothing: the next run marks its log row failed.
    if (!state_->engine.quiet)
        Abandon(MessageError("connectors.abandoned", "connectors.abandoned", {}).message);
}

bool SyncSession::Done() const { return state_->engine.finished; }
const HttpRequest& SyncSession::Request() const { return state_->engine.waiting; }
const SyncRun& SyncSession::Run() const { return state_->engine.run; }
int64_t SyncSession::connector_id() const { return state_->engine.s.c.id; }
const std::string& SyncSession::kind() const { return state_->kind; }
int64_t SyncSession::subject() const { return state_->subject; }
const Status* SyncSession::Outcome() const { return state_->outcome ? &*state_->outcome : nullptr; }

void SyncSession::Answer(ErpResponse response) {
    State& st = *state_;
    if (!st.engine.one_off || st.engine.finished) {
        st.engine.Take(std::move(response));
        return;
    }
    // The record's link (Pushed) and the outcome's writes are one change, opened as the answer comes.
    ChangeScope change(st.owner->ws.changes(), st.actor);
    if (change.begin_status().ok()) st.engine.Take(std::move(response));
    if (!change.begin_status().ok() || st.engine.finished)
        st.Settle(change.begin_status().ok() ? st.engine.PushOutcome() : change.begin_status(), change);
    // Not finished (the ERP has no batch route: the PUT or POST follows): nothing was written.
}

void SyncSession::Abandon(const std::string& why) {
    SyncEngine& engine = state_->engine;
    if (engine.finished) return;
    if (engine.one_off) {
        state_->Settle(Error("connectors.abandoned", why));
        return;
    }
    engine.run.error = why;
    engine.stopped = true;
    engine.End();
}

Result<SyncRun> ConnectorService::Run(const std::string& actor, int64_t id, const std::string& entity) {
    CRM_TRY(Require(actor));
    return RunUnchecked(id, entity);
}

Result<std::unique_ptr<SyncSession>> ConnectorService::Start(const std::string& actor, int64_t id,
                                                             const std::string& entity) {
    CRM_TRY(Require(actor));
    return StartUnchecked(id, entity);
}

Result<std::unique_ptr<SyncSession>> ConnectorService::StartUnchecked(int64_t id, const std::string& entity) {
    Result<Stored> found = Find(impl_->ws.changes().db(), id);
    if (!found.ok()) return found.error();
    if (!entity.empty() && !EntityNamed(found->c, entity))
        return MessageError("invalid_argument", "connectors.no_entity", {{"name", entity}}, "entity");
    if (!found->c.active)
        return MessageError("invalid_argument", "connectors.inactive", {{"name", found->c.name}}, "id");
    if (impl_->running.count(id))
        return MessageError("connectors.running", "connectors.running", {{"name", found->c.name}}, "id");
    std::unique_ptr<SyncSession> session(
        new SyncSession(std::make_unique<SyncSession::State>(impl_.get(), std::move(*found))));
    session->state_->engine.Open(entity);
    if (!HasClient()) {
        // Nothing can carry the run: it is logged failed before anything moves.
        session->Abandon(MessageError("connectors.no_client", "connectors.no_client", {}).message);
    } else {
        session->state_->engine.NextEntity(0);
    }
    return session;
}

Result<SyncRun> ConnectorService::RunUnchecked(int64_t id, const std::string& entity) {
    Result<std::unique_ptr<SyncSession>> started = StartUnchecked(id, entity);
    if (!started.ok()) return started.error();
    std::unique_ptr<SyncSession>& session = *started;
    if (!client_) return Carry(std::move(session));
    while (!session->Done()) session->Answer(client_->Exchange(session->Request()));
    return session->Run();
}

SyncRun ConnectorService::Carry(std::unique_ptr<SyncSession> session) {
    const SyncRun run = session->Run();
    if (session->Done() || !async_) return run;
    static int64_t last_session = 0;  // unique in the program: an answer never reaches a later session
    const int64_t sid = ++last_session;
    const HttpRequest request = session->Request();
    impl_->carried[sid] = std::move(session);
    async_->Send(sid, request);
    return run;
}

bool ConnectorService::Answer(int64_t session, ErpResponse response) {
    auto it = impl_->carried.find(session);
    if (it == impl_->carried.end()) return false;
    std::unique_ptr<SyncSession>& s = it->second;
    s->Answer(std::move(response));
    if (!s->Done() && !async_)
        s->Abandon(MessageError("connectors.no_client", "connectors.no_client", {}).message);
    if (s->Done()) {
        impl_->carried.erase(it);
        return true;
    }
    async_->Send(session, s->Request());
    return true;
}

std::optional<SyncRun> ConnectorService::Running(int64_t connector_id) const {
    for (const auto& [sid, s] : impl_->carried)
        if (s->kind() == "run" && s->connector_id() == connector_id) return s->Run();
    return std::nullopt;
}

void ConnectorService::AbandonAll(const std::string& why) {
    for (auto& [sid, s] : impl_->carried) s->Abandon(why);
    impl_->carried.clear();
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

// [SECTION] Retries and resolutions: one record, a short session

namespace {

/// A logged per-record error with what its retry needs.
struct ErrorRecord {
    SyncError e;
    int64_t connector_id = 0;
    json row;
};

std::optional<ErrorRecord> ReadError(Database& db, int64_t id) {
    Statement st = db.Prepare(
        "SELECT id, run_id, record_id, entity, direction, external_id, code, message, state, at_ms, "
        "connector_id, row FROM erp_sync_error WHERE id = ?1");
    st.Bind(1, id);
    if (!st.Step()) return std::nullopt;
    ErrorRecord r;
    r.e = {st.Int(0),  st.Int(1),  st.Int(2),  st.Text(3), st.Text(4),
           st.Text(5), st.Text(6), st.Text(7), st.Text(8), st.Int(9)};
    r.connector_id = st.Int(10);
    r.row = json::parse(st.Text(11), nullptr, false);
    return r;
}

Error NoClient() { return MessageError("connectors.no_client", "connectors.no_client", {}); }

}  // namespace

Result<std::unique_ptr<SyncSession>> ConnectorService::OneRecord(int64_t id, const std::string& entity,
                                                                 const std::string& kind, int64_t subject) {
    Result<Stored> found = Find(impl_->ws.changes().db(), id);
    if (!found.ok()) return found.error();
    const ConnectorEntity* e = EntityNamed(found->c, entity);
    if (!e) return MessageError("invalid_argument", "connectors.no_entity", {{"name", entity}}, "id");
    if (impl_->running.count(id))
        return MessageError("connectors.running", "connectors.running", {{"name", found->c.name}}, "id");
    const size_t index = static_cast<size_t>(e - found->c.entities.data());
    std::unique_ptr<SyncSession> session(
        new SyncSession(std::make_unique<SyncSession::State>(impl_.get(), std::move(*found))));
    SyncSession::State& st = *session->state_;
    st.kind = kind;
    st.subject = subject;
    st.actor = st.engine.s.c.run_as;
    st.engine.one_off = true;
    st.engine.entity = index;
    return session;
}

std::optional<Status> ConnectorService::Finish(std::unique_ptr<SyncSession> session) {
    if (client_)
        while (!session->Done()) session->Answer(client_->Exchange(session->Request()));
    if (session->Done()) {
        const Status* outcome = session->Outcome();
        return outcome ? *outcome : Status(NoClient());
    }
    Carry(std::move(session));
    return std::nullopt;
}

bool ConnectorService::Carrying(const std::string& kind, int64_t subject) const {
    for (const auto& [sid, s] : impl_->carried)
        if (s->kind() == kind && s->subject() == subject) return true;
    return false;
}

Result<std::unique_ptr<SyncSession>> ConnectorService::StartRetry(const std::string& actor,
                                                                  int64_t error_id) {
    CRM_TRY(Require(actor));
    Database& db = impl_->ws.changes().db();
    const std::optional<ErrorRecord> r = ReadError(db, error_id);
    if (!r || r->e.state != "open")
        return MessageError("connectors.error_not_found", "connectors.error_not_found",
                            {{"id", std::to_string(error_id)}}, "id");
    Result<std::unique_ptr<SyncSession>> made = OneRecord(r->connector_id, r->e.entity, "retry", error_id);
    if (!made.ok()) return made.error();
    SyncSession::State& st = *(*made)->state_;
    // Its outcome is the sync's bookkeeping, as the run-as user (as a run's errors are).
    st.settle = [&db, error_id](const Status& done, ChangeScope&) -> Status {
        Statement up =
            db.Prepare(done.ok() ? "UPDATE erp_sync_error SET state = 'retried' WHERE id = ?1"
                                 : "UPDATE erp_sync_error SET message = ?2, code = ?3 WHERE id = ?1");
        up.Bind(1, error_id);
        if (!done.ok()) up.Bind(2, done.error().message).Bind(3, done.error().code);
        return up.Run();
    };
    SyncEngine& engine = st.engine;
    if (r->e.direction == "pull") {
        // The row kept with the error, written again with the connector's current mapping.
        ChangeScope change(impl_->ws.changes(), st.actor);
        Status done = change.begin_status();
        if (done.ok()) {
            Result<RowOutcome> outcome = engine.PullRow(engine.s.c.entities[engine.entity], r->row);
            if (!outcome.ok()) done = outcome.error();
        }
        st.Settle(done, change);
    } else if (!HasClient()) {
        st.Settle(NoClient());
    } else {
        engine.OpenPush(engine.entity, r->e.record_id);
        if (engine.finished) st.Settle(engine.PushOutcome());
    }
    return made;
}

Result<SyncError> ConnectorService::Retry(const std::string& actor, int64_t error_id) {
    Result<std::unique_ptr<SyncSession>> started = StartRetry(actor, error_id);
    if (!started.ok()) return started.error();
    const std::optional<Status> done = Finish(std::move(*started));
    if (done && !done->ok()) return done->error();
    std::optional<ErrorRecord> r = ReadError(impl_->ws.changes().db(), error_id);
    if (!r)
        return MessageError("connectors.error_not_found", "connectors.error_not_found",
                            {{"id", std::to_string(error_id)}}, "id");
    if (!done) r->e.state = "retrying";  // the browser carries the push: connectors.log shows its end
    return r->e;
}

Result<std::unique_ptr<SyncSession>> ConnectorService::StartResolve(const std::string& actor,
                                                                    int64_t conflict_id,
                                                                    const std::string& take) {
    CRM_TRY(Require(actor));
    if (take != "crm" && take != "erp")
        return MessageError("invalid_argument", "connectors.bad_take", {}, "take");
    Database& db = impl_->ws.changes().db();
    Statement st = db.Prepare(
        "SELECT connector_id, entity, external_id, record_id, erp_values, erp_updated_ms FROM erp_conflict "
        "WHERE id = ?1 AND state = 'open'");
    st.Bind(1, conflict_id);
    if (!st.Step())
        return MessageError("connectors.conflict_not_found", "connectors.conflict_not_found",
                            {{"id", std::to_string(conflict_id)}}, "id");
    const int64_t connector_id = st.Int(0), record_id = st.Int(3), erp_ms = st.Int(5);
    const std::string entity = st.Text(1), ext = st.Text(2);
    const json values = json::parse(st.Text(4), nullptr, false);
    Result<std::unique_ptr<SyncSession>> made = OneRecord(connector_id, entity, "resolve", conflict_id);
    if (!made.ok()) return made.error();
    SyncSession::State& s = *(*made)->state_;
    s.actor = actor;
    s.answer = {{"conflict", conflict_id}, {"take", take}, {"record_id", record_id}, {"state", "resolved"}};
    // All or nothing: resolved and audited only with the side written (or accepted by the ERP) in the
    // same change; else the conflict stays open with the reason.
    s.settle = [&db, conflict_id, connector_id, take, actor, ext, record_id, name = s.engine.s.c.name](
                   const Status& done, ChangeScope& change) -> Status {
        if (!done.ok()) {
            Statement up = db.Prepare("UPDATE erp_conflict SET error = ?2 WHERE id = ?1");
            up.Bind(1, conflict_id).Bind(2, done.error().message);
            return up.Run();
        }
        Statement up = db.Prepare(
            "UPDATE erp_conflict SET state = 'resolved', resolution = ?2, resolved_by = ?3, resolved_ms = "
            "?4, "
            "error = '' WHERE id = ?1 AND state = 'open'");
        up.Bind(1, conflict_id).Bind(2, take).Bind(3, actor).Bind(4, change.now_ms());
        CRM_TRY(up.Run());
        if (db.Changes() == 0)
            return MessageError("connectors.conflict_not_found", "connectors.conflict_not_found",
                                {{"id", std::to_string(conflict_id)}}, "id");
        CRM_TRY(change.Audit("integration", "resolve", "connector." + name,
                             json{{"conflict", conflict_id}, {"external_id", ext}},
                             json{{"take", take}, {"record_id", record_id}}));
        change.Record("integration", "", ChangeAction::Config, connector_id, {"connectors"});
        return Status::Ok();
    };
    SyncEngine& engine = s.engine;
    if (take == "erp") {
        ChangeScope change(impl_->ws.changes(), actor);
        Status done = change.begin_status();
        const ConnectorEntity& e = engine.s.c.entities[engine.entity];
        std::shared_ptr<const ObjectDef> o = engine.Object(e);
        if (done.ok() && !o) done = MakeError("connectors.bad_field", "The entity's object is gone.");
        if (done.ok()) {
            Result<int64_t> applied = engine.Apply(e, *o, record_id, values, ext, erp_ms);
            if (!applied.ok()) done = applied.error();
        }
        s.Settle(done, change);
    } else if (!HasClient()) {
        s.Settle(NoClient());
    } else {
        engine.OpenPush(engine.entity, record_id);
        if (engine.finished) s.Settle(engine.PushOutcome());
    }
    return made;
}

Result<json> ConnectorService::Resolve(const std::string& actor, int64_t conflict_id,
                                       const std::string& take) {
    Result<std::unique_ptr<SyncSession>> started = StartResolve(actor, conflict_id, take);
    if (!started.ok()) return started.error();
    json answer = (*started)->state_->answer;
    const std::optional<Status> done = Finish(std::move(*started));
    if (done && !done->ok()) return done->error();
    if (!done)
        answer["state"] = "pushing";  // the browser carries the push: connectors.conflicts shows its end
    return answer;
}

}  // namespace crm
