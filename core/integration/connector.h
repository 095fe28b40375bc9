// The generic ERP connector (issue 14): a connector talks to one ERP's REST API and keeps CRM records and
// ERP rows in step, entity by entity (ERP customers <-> Account, orders -> Opportunity, products -> a
// named object), through the records service as the connector's run-as user.
//
// [SECTION] Transport      ErpClient: one HTTP exchange (natively libcurl, in the tests a scripted fake)
// [SECTION] Configuration  Connector, ConnectorEntity, ConnectorField and their JSON forms
// [SECTION] Runs           SyncRun (counts), SyncError (per record), SyncConflict (held for review)
// [SECTION] Service        ConnectorService, ConnectorsOf(workspace)
//
// The ERP's protocol (what tests/net/erp_standin.py serves; any ERP that speaks it can be connected):
//   GET  {base}/{path}?updated_since={cursor}&page={N}&page_size={S}  ->  {"items": [row...], "has_more": b}
//        rows changed at or after the cursor, oldest first; N counts from 1
//   PUT  {base}/{path}/{external id}  body: the mapped fields      ->  the row as stored (with its id and
//   POST {base}/{path}                body: the mapped fields      ->  updated time)
//   POST {base}/{path}/batch  body: {"items": [{"id": external id (absent: a new row), "row": {fields}}...]}
//        ->  {"items": [{"status": 2xx, "row": the row as stored} or {"status": 4xx/5xx, "error": "..."}...]}
//        one result a sent item, in order (a batch of up to the entity's `batch_size` records; an entity
//        with batch_size 1, or an ERP answering 404 or 405 to the batch route, gets one PUT or POST a record)
// A row names its id (`erp_id`, default "id") and its last change (`erp_updated`, default "updated_at":
// Unix milliseconds or a UTC ISO date-time). The cursor is the newest change seen, as the ERP wrote it.
//
// Decisions taken where the issue is silent:
// - Pull runs before push. A pulled row is matched to a CRM record by the entity's external-id field; a
//   record changed on both sides since they were last in step (the link's times) is a conflict, decided by
//   the entity's policy: crm_wins (the pull leaves it; the push sends the CRM's values), erp_wins (the pull
//   writes the ERP's values), newest_wins (the later change wins), hold (neither moves: it waits in
//   `connectors.conflicts` until `connectors.resolve` takes one side).
// - Each row is one save (validation rules and the other save stages apply) with its link in the same
//   change; a row that fails is logged with its error and the run goes on. A pulled page is one transaction
//   (each row a savepoint in it, so a failing row rolls back alone): its rows, their errors and the cursor
//   past it commit together, once a page. The push cursor stops before the first record the ERP could not be
//   reached for.
// - A transform is a formula of the formula language over `VALUE` (the ERP value: Number, Text or Checkbox
//   as the JSON value is), e.g. `UPPER(VALUE)` or `VALUE * 100`. The way out has its own (`transform_out`,
//   over VALUE of the CRM field's type: `VALUE / 100`, `CASE(TEXT(VALUE), "Hot", "H", "C")`,
//   `TEXT(VALUE)` for a date): a formula is not inverted, so a field without one is pushed unchanged.
// - Each entity's external-id field gets an index (`erp_ext_<table>_<column>`) when a connector is saved,
//   unless an index already starts with that column (a unique or indexed field's): a pull matches each row
//   by it. A save or delete drops the ones no connector's entity needs any more; a run makes a missing one
//   again (a field retyped since). The schema drops them with their column.
// - The authentication secret (API key or password) is kept for the requests only: no answer and no audit
//   entry carries it (`secret_set`). Managing connectors needs Manage Integrations; one running as another
//   user needs Manage Users too (as a webhook subscription).
// - A schedule is a period in minutes (0: by hand only). An active scheduled connector keeps one pending
//   item of kind "erp_sync" in the workflow scheduler's queue; when scheduler.run_due runs it, the sync runs
//   as the connector's run-as user inside the item's change and the item moves on by one period (from when
//   it was due, or from now when it fell behind). Saving a changed schedule or activity moves or drops it.
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "access/policy.h"
#include "common/result.h"
#include "notify/dispatch.h"

namespace crm {

class Workspace;
class ChangeScope;
class SchedulerService;
struct ScheduledItem;

/// The scheduler's kind of a connector's scheduled run.
inline constexpr const char* kConnectorRunKind = "erp_sync";

// [SECTION] Transport

/// What an ERP answered: the HTTP status (0 when it was not reached) and the body, or why it failed.
struct ErpResponse {
    int status = 0;
    std::string body;
    std::string error;
};

/// One HTTP exchange with the ERP (GET, PUT or POST). Never throws; bounded by the request's time-out.
class ErpClient {
public:
    virtual ~ErpClient() = default;
    virtual ErpResponse Exchange(const HttpRequest& request) = 0;
};

/// A way to the ERPs that cannot wait for an answer (the browser's fetch): Send starts one request and
/// returns; its answer comes back later through ConnectorService::Answer(session, response). A run it
/// carries is a SyncSession the service keeps until its last answer.
class ErpAsyncClient {
public:
    virtual ~ErpAsyncClient() = default;
    virtual void Send(int64_t session, const HttpRequest& request) = 0;
};

// [SECTION] Configuration

/// One mapped field: the ERP's field, the CRM's, and an optional transform (a formula over VALUE).
struct ConnectorField {
    std::string erp, crm, transform;
    std::string transform_out;  ///< a formula over VALUE (the CRM value) for pushes; "" sends it unchanged
};

/// One ERP entity and the CRM object it maps to.
struct ConnectorEntity {
    std::string name;               ///< "customers"
    std::string path;               ///< the ERP path under the base URL ("customers")
    std::string object;             ///< the CRM object ("Account")
    std::string external_id_field;  ///< the CRM field holding the ERP id ("ERP_Id__c")
    std::string erp_id = "id";
    std::string erp_updated = "updated_at";
    std::string direction = "in";       ///< in, out, both
    std::string conflict = "erp_wins";  ///< crm_wins, erp_wins, newest_wins, hold
    int batch_size = 100;               ///< records a push request (1: one PUT or POST a record)
    std::vector<ConnectorField> fields;
    // Kept by the runs, answered read-only:
    std::string pull_cursor;     ///< the newest ERP change seen ("" = from the start)
    int64_t push_cursor_ms = 0;  ///< CRM changes after this were not pushed yet
};

struct Connector {
    int64_t id = 0;
    std::string name;  ///< unique (case-insensitive)
    std::string base_url;
    std::string auth = "none";  ///< none, api_key (header + key), basic (user + password)
    std::string auth_header;    ///< api_key: the header's name ("X-Api-Key")
    std::string auth_user;      ///< basic: the user name
    bool secret_set = false;
    std::string run_as;
    bool active = true;
    int page_size = 100;
    int schedule_minutes = 0;  ///< 0: runs by hand only; else every so many minutes (5..10080)
    int64_t next_run_ms = 0;   ///< answered read-only: when the scheduler runs it next (0: not queued)
    std::vector<ConnectorEntity> entities;
    int64_t created_ms = 0, updated_ms = 0;
    std::string created_by, updated_by;
};
/// Never the secret.
nlohmann::json ToJson(const Connector& c);
/// An entity as `connectors.save` takes it (and, with `with_cursor`, its cursors as answered read-only).
nlohmann::json EntityToJson(const ConnectorEntity& e, bool with_cursor = false);
/// An entity read back from its JSON, leniently (a stored or answered entity; missing keys keep the
/// defaults). `connectors.save` checks what it is given with the schema instead.
ConnectorEntity EntityFromJson(const nlohmann::json& j);

// [SECTION] Runs

struct SyncRun {
    int64_t id = 0, connector_id = 0;
    std::string state;  ///< running, ok (every row in), partial (some rows failed), failed (stopped early)
    std::string error;  ///< why it stopped early
    int64_t started_ms = 0, finished_ms = 0;
    int pages = 0, pulled = 0, created = 0, updated = 0, unchanged = 0, pushed = 0, conflicts = 0, held = 0,
        failed = 0;
    int push_requests = 0;  ///< the PUT, POST and batch requests the push sent
};
nlohmann::json ToJson(const SyncRun& r);

struct SyncError {
    int64_t id = 0, run_id = 0, record_id = 0;
    std::string entity, direction, external_id, code, message;
    std::string state;  ///< open, retried (the retry succeeded)
    int64_t at_ms = 0;
};
nlohmann::json ToJson(const SyncError& e);

struct SyncConflict {
    int64_t id = 0, record_id = 0;
    std::string entity, object, external_id;
    nlohmann::json erp_values;  ///< the ERP's mapped values
    std::string state;          ///< open, resolved
    std::string resolution;     ///< crm, erp
    std::string error;          ///< why taking a side failed last (the conflict stays open)
    int64_t erp_updated_ms = 0, crm_updated_ms = 0, at_ms = 0;
};

/// One run as a resumable session: it hands out the next request it needs (Request) and takes each
/// answer (Answer), doing between two answers exactly what the synchronous run does (a pulled page
/// commits as one change with its cursor, a push batch's outcome is logged and its cursor moved, per-record
/// errors and held conflicts as configured). No transaction stays open between two steps, so a session
/// given up (Abandon, or destroyed unfinished) leaves the committed steps and nothing half-written; its
/// run is logged failed. ConnectorService::Run with an ErpClient is a loop over one.
///
/// A retry or a resolution (ConnectorService::StartRetry, StartResolve) is a short session of the same
/// kind: one record pushed with the run's requests (a batch of one, or its PUT or POST), and what the
/// ERP's last answer means (the error marked retried, the conflict marked resolved and audited; or the
/// reason kept on the open error or conflict) written with the record's link in one change as that answer
/// is taken. One that needs no ERP (a pulled row's retry, taking the ERP's side) is Done as it starts.
class SyncSession {
public:
    ~SyncSession();
    SyncSession(const SyncSession&) = delete;
    SyncSession& operator=(const SyncSession&) = delete;
    /// Whether the run has ended (nothing more to send).
    bool Done() const;
    /// The request the run waits for the answer to (only while !Done()).
    const HttpRequest& Request() const;
    /// The answer to Request(); the run goes on to its next request or ends.
    void Answer(ErpResponse response);
    /// Ends the run now, logged failed with `why` (nothing when it has ended).
    void Abandon(const std::string& why);
    /// The run's counts so far (its state "running" until it ends).
    const SyncRun& Run() const;
    int64_t connector_id() const;
    /// "run", "retry" or "resolve"; the error's or the conflict's id (0 for a run).
    const std::string& kind() const;
    int64_t subject() const;
    /// A retry's or resolution's outcome once Done (ok: the ERP took the record, or the row or side was
    /// written); nullptr for a run and before the end.
    const Status* Outcome() const;

private:
    friend class ConnectorService;
    struct State;
    explicit SyncSession(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

// [SECTION] Service

class ConnectorService {
public:
    explicit ConnectorService(Workspace& workspace);
    ~ConnectorService();
    ConnectorService(const ConnectorService&) = delete;
    ConnectorService& operator=(const ConnectorService&) = delete;

    void SetAuthorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }
    /// The program's way to the ERPs (not owned); without one a run fails with "connectors.no_client".
    void SetClient(ErpClient* client) { client_ = client; }
    /// The browser's way to the ERPs: runs become sessions it carries, one request at a time.
    void SetAsyncClient(ErpAsyncClient* client) { async_ = client; }
    /// Whether this program can reach an ERP (either kind of client is set).
    bool HasClient() const { return client_ != nullptr || async_ != nullptr; }
    /// Whether runs are carried by the async client (they end after Run answers).
    bool RunsAsync() const { return client_ == nullptr && async_ != nullptr; }
    /// Registers the scheduled runs' handler (kConnectorRunKind) and queues them on the scheduler.
    void AttachScheduler(SchedulerService& scheduler);

    Result<std::vector<Connector>> List(const std::string& actor);
    Result<Connector> Get(const std::string& actor, int64_t id);
    /// Creates (no id) or changes a connector; errors name the bad key ("entities[0].conflict"...).
    Result<Connector> Save(const std::string& actor, int64_t id, const nlohmann::json& values);
    Status Delete(const std::string& actor, int64_t id);

    /// One sync of every entity (or only `entity`): pull, then push. The run is logged whatever happens.
    /// With an ErpClient it runs to its end; with only an ErpAsyncClient it starts a session that client
    /// carries and answers the run as it starts ("running": connectors.log shows its end).
    Result<SyncRun> Run(const std::string& actor, int64_t id, const std::string& entity = "");
    /// Starts a run as a session the caller steps (the permission check and refusals of Run). One run of a
    /// connector at a time: "connectors.running" while another session of it is unfinished.
    Result<std::unique_ptr<SyncSession>> Start(const std::string& actor, int64_t id,
                                               const std::string& entity = "");
    /// The async client's answer to the request it was sent for `session`; the next request is sent, or
    /// the session ends and is dropped. An unknown (ended, abandoned) session is ignored: false.
    bool Answer(int64_t session, ErpResponse response);
    /// The run of the connector's session carried now by the async client (nullopt when none).
    std::optional<SyncRun> Running(int64_t connector_id) const;
    /// Gives up every session the async client carries (logged failed with `why`).
    void AbandonAll(const std::string& why);
    /// The latest runs, newest first, and the open per-record errors.
    Result<std::vector<SyncRun>> Runs(const std::string& actor, int64_t id, int limit);
    Result<std::vector<SyncError>> Errors(const std::string& actor, int64_t id, bool open_only, int limit);
    /// Tries a failed record again (the ERP row kept with the error, or the CRM record's push): a session
    /// (StartRetry) run to its end with an ErpClient; with only an ErpAsyncClient a push is carried and the
    /// error answered "retrying" (connectors.log shows it retried, or open with the new reason).
    Result<SyncError> Retry(const std::string& actor, int64_t error_id);
    /// Starts a retry as a session the caller steps; refused with "connectors.running" while a session of
    /// the connector is unfinished. A pulled row's retry is Done at once.
    Result<std::unique_ptr<SyncSession>> StartRetry(const std::string& actor, int64_t error_id);
    /// Conflicts of the connector ("open" or "" for every one). The values are read as the actor.
    Result<nlohmann::json> Conflicts(const std::string& actor, int64_t id, const std::string& state);
    /// Takes one side of a held conflict: "erp" writes the ERP's values, "crm" pushes the record's. All or
    /// nothing: the conflict is resolved only with its side written or accepted by the ERP; else it stays
    /// open with the reason (`error`). With only an ErpAsyncClient, "crm" is carried (answered "pushing").
    Result<nlohmann::json> Resolve(const std::string& actor, int64_t conflict_id, const std::string& take);
    /// Starts a resolution as a session the caller steps (refusals as StartRetry); "erp" is Done at once.
    Result<std::unique_ptr<SyncSession>> StartResolve(const std::string& actor, int64_t conflict_id,
                                                      const std::string& take);
    /// Whether the async client carries a retry or resolution (`kind`, the error's or conflict's id) now.
    bool Carrying(const std::string& kind, int64_t subject) const;

    struct Impl;

private:
    Status Require(const std::string& actor) const;
    /// One sync, whoever asked (the permission check is the caller's).
    Result<SyncRun> RunUnchecked(int64_t id, const std::string& entity);
    Result<std::unique_ptr<SyncSession>> StartUnchecked(int64_t id, const std::string& entity);
    /// A retry's or resolution's session of the connector's `entity` (refused while one of it runs).
    Result<std::unique_ptr<SyncSession>> OneRecord(int64_t id, const std::string& entity,
                                                   const std::string& kind, int64_t subject);
    /// Hands a session to the async client (sends its first request) and keeps it.
    SyncRun Carry(std::unique_ptr<SyncSession> session);
    /// A retry's or resolution's session to its end with the ErpClient (its outcome), or carried by the
    /// async client (nullopt: the outcome comes later).
    std::optional<Status> Finish(std::unique_ptr<SyncSession> session);
    /// The scheduler's handler: runs the item's connector and queues its next run.
    Status RunScheduled(ChangeScope& scope, const ScheduledItem& item);
    std::unique_ptr<Impl> impl_;
    SchedulerService* scheduler_ = nullptr;
    Authorizer authorizer_;
    ErpClient* client_ = nullptr;
    ErpAsyncClient* async_ = nullptr;
};

/// The workspace's ConnectorService, made on first use.
ConnectorService& ConnectorsOf(Workspace& workspace);

/// Migration 25: connectors, their cursors and links, runs, per-record errors, conflicts.
const char* ConnectorsMigrationSql();
/// Migration 26: a connector's schedule (minutes between runs; 0 = by hand).
const char* ConnectorScheduleMigrationSql();
/// Migration 29: why a conflict's resolution failed last (the ERP refused the CRM's side; it stays open).
const char* ConnectorConflictErrorMigrationSql();

}  // namespace crm
