// The root object: one workspace (organisation) = one SQLite database and the services over it.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "access/access.h"
#include "audit/audit_log.h"
#include "audit/change.h"
#include "common/clock.h"
#include "common/result.h"
#include "company/company_profile.h"
#include "data/data.h"
#include "records/records.h"
#include "report/report.h"
#include "schema/schema.h"
#include "storage/change_set.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "workflow/approvals.h"
#include "workflow/assignment.h"
#include "workflow/automation.h"
#include "workflow/processes.h"

namespace crm {

class MessageDelivery;

/// Facts about an open workspace, for the info command and the console's about box.
struct WorkspaceInfo {
    std::string path;
    int schema_version = 0;
    std::string sqlite_version;
    std::string app_version;
    bool created_now = false;  ///< the file did not exist (or was empty) before Open()
    uint64_t change_count = 0;
};

struct WorkspaceOptions {
    const Clock* clock = nullptr;  ///< nullptr = the system clock
    bool web_durability = false;   ///< the web build: no fsync, persistence through IndexedDB
};

/// Told of each committed change, with what it changed.
using CommitListener = std::function<void(const ChangeSet&)>;

/// Opens or creates a database and owns the services. Every mutating service call names its
/// acting user and makes its change through a ChangeScope (audit/change.h) over changes(); once
/// committed, the change counter goes up and the commit listeners receive the change set (the web
/// build schedules a sync to IndexedDB from there).
///
/// How an area attaches (Open() wires each service, in this order): it is constructed over changes();
/// it gets the Authorizer if it checks system permissions; it registers what it adds to other areas: save
/// stages, after-write and delete hooks on records() (RecordService::AddSaveStage, AddAfterWriteHook,
/// AddDeleteHook), field users on schema() (AddFieldUserSource), and commit listeners here
/// (AddCommitListener).
class Workspace {
public:
    /// Errors: "storage.not_a_database", "storage.newer_version", "storage.foreign_database",
    /// "storage.open_failed". A failed open never modifies the file.
    static Result<std::unique_ptr<Workspace>> Open(const std::string& path, WorkspaceOptions options = {});
    ~Workspace();

    WorkspaceInfo Info() const;
    Database& db() { return *db_; }
    AuditLog& audit() { return *audit_; }
    CompanyService& company() { return *company_; }
    /// Objects, fields, validation rules and layouts.
    SchemaService& schema() { return *schema_; }
    /// Records through the save pipeline, list views, field history.
    RecordService& records() { return *records_; }
    /// Users, roles, teams, profiles, permission sets, sharing, and the access engine; RecordService
    /// consults its policy for every call.
    AccessService& access() { return *access_; }
    /// Automation rules, the scheduler, the notification inbox, the execution log, the webhook outbox.
    AutomationService& automation() { return *automation_; }
    /// Processes (stages on a picklist) and their save stages.
    ProcessService& processes() { return *processes_; }
    /// Assignment rules (owners by user, round-robin, least load, queues) and their save stage.
    AssignmentService& assignment() { return *assignment_; }
    /// Approval processes, requests, the record lock while pending, delegation, the approval inbox.
    ApprovalService& approvals() { return *approvals_; }
    /// Data management: the recycle bin, backup and restore, export, import, mass changes.
    DataService& data() { return *data_; }
    /// Report definitions and the engine that runs them as their viewer.
    ReportService& reports() { return *reports_; }
    /// The message outbox, the notification channels and the way out (core/notify/dispatch.h).
    MessageDelivery& delivery() { return *delivery_; }
    const Clock& clock() const { return *clock_; }
    /// What services make their changes through (ChangeScope).
    Changes& changes() { return *changes_; }

    uint64_t change_count() const { return change_count_; }
    /// Registers a listener called after every committed change with what it changed.
    void AddCommitListener(CommitListener listener) { listeners_.push_back(std::move(listener)); }
    /// Registers a listener that only needs to know that something changed.
    void AddCommitListener(std::function<void()> listener);
    /// Called after a successful commit (ChangeScope calls it through changes()).
    void NotifyCommitted(const ChangeSet& changes);

    static const char* AppVersion();
    /// The ordered schema migrations of a workspace database.
    static const std::vector<Migration>& Migrations();

private:
    Workspace() = default;
    std::unique_ptr<Database> db_;
    std::unique_ptr<Clock> owned_clock_;
    const Clock* clock_ = nullptr;
    std::unique_ptr<AuditLog> audit_;
    std::unique_ptr<Changes> changes_;
    std::unique_ptr<CompanyService> company_;
    std::unique_ptr<SchemaService> schema_;
    std::unique_ptr<RecordService> records_;
    std::unique_ptr<AccessService> access_;
    std::unique_ptr<AutomationService> automation_;
    std::unique_ptr<ProcessService> processes_;
    std::unique_ptr<AssignmentService> assignment_;
    std::unique_ptr<ApprovalService> approvals_;
    std::unique_ptr<DataService> data_;
    std::unique_ptr<ReportService> reports_;
    std::unique_ptr<MessageDelivery> delivery_;
    bool created_now_ = false;
    uint64_t change_count_ = 0;
    std::vector<CommitListener> listeners_;
};

}  // namespace crm
