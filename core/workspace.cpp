#include "workspace.h"

#include <sqlite3.h>

#include <algorithm>

#include "auth/auth.h"
#include "data/backup.h"
#include "data/data_migrations.h"
#include "data/dedup.h"
#include "data/recycle_bin.h"
#include "integration/api_keys.h"
#include "integration/connector.h"
#include "integration/package.h"
#include "integration/webhooks.h"
#include "notify/digest.h"
#include "notify/dispatch.h"
#include "notify/notify.h"
#include "notify/reminder.h"
#include "workflow/company_time.h"
#include "workflow/scheduler.h"

#ifndef CRM_VERSION
#define CRM_VERSION "0.0.0-dev"
#endif

namespace crm {

const std::vector<Migration>& Workspace::Migrations() {
    static const std::vector<Migration> migrations = {
        {1, "company profile and setup audit trail", R"sql(
CREATE TABLE company_profile (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    default_language TEXT NOT NULL,
    currency TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    fiscal_year_start_month INTEGER NOT NULL,
    business_start_minute INTEGER NOT NULL,
    business_end_minute INTEGER NOT NULL,
    business_weekdays INTEGER NOT NULL,
    date_format TEXT NOT NULL
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    area TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX audit_log_at ON audit_log(at_ms);
CREATE INDEX audit_log_area ON audit_log(area, at_ms);
CREATE INDEX audit_log_actor ON audit_log(actor, at_ms);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END;
)sql"},
        // Generated from the standard object definitions in core/schema/standard_objects.cpp; like every
        // migration, its output must never change once released.
        {2, "schema metadata, standard objects and their record tables", SchemaMigrationSql},
        // Users and permissions, with the built-in "admin" user (System Administrator profile).
        {3, "users, roles, teams, profiles, permission sets, sharing and kept access tables",
         AccessMigrationSql},
        // Indexed fields: sorting a large list by an indexed field reads only the rows of the page.
        {4, "indexes for sorting and filtering on chosen fields", IndexedFieldsMigrationSql},
        {5, "effective permissions kept in memory only: their unread tables dropped",
         AccessKeptTablesMigrationSql},
        // Chinese labels beside the English ones, filled for the standard metadata.
        {6, "Simplified Chinese labels of objects, fields and picklist values", ChineseLabelsMigrationSql},
        {7, "automation rules, the scheduler's queue, notifications, the workflow log, the webhook outbox",
         AutomationMigrationSql},
        {8, "processes, assignment rules, round-robin positions and queues", WorkflowProcessMigrationSql},
        {9, "approval processes, requests, work items, history and delegates", ApprovalsMigrationSql()},
        {10, "the scheduler's pending items in a partial index of their own, covering the due lookup",
         SchedulerPendingIndexMigrationSql()},
        {11, "the workflow log as one row per save, its rule runs a JSON array", WorkflowRunsMigrationSql()},
        {12, "the recycle bin and the data settings", DataMigrationSql()},
        {13, "report definitions and their items", ReportsMigrationSql},
        {14, "duplicate rules and merges, saved import mappings, the backup schedule", DataMigration14Sql()},
        {15, "report folders and their shares, dashboards, the Export Reports permission",
         ReportFoldersMigrationSql},
        {16, "sign-in: security settings, passwords, lockouts, sessions, login hours and history",
         AuthMigrationSql},
        {17, "the Log In As permission (View as), granted where Manage Users was", AuthLogInAsMigrationSql},
        {18, "notifications: types, templates, preferences, quiet hours, the event and skip logs",
         NotifyMigrationSql()},
        {19, "the message outbox, its delivery log and the notification channels",
         MessageOutboxMigrationSql()},
        {20, "installed packages and their components", packages::PackagesMigrationSql},
        {21, "API keys and the API server's request log", ApiKeysMigrationSql},
        {22, "reminders: rules, repeat positions, the occurrence log and snoozes", RemindersMigrationSql()},
        {23, "webhook subscriptions", WebhooksMigrationSql()},
        {24, "the notifications each hourly or daily digest bundles", MessageDigestMigrationSql()},
        {25, "ERP connectors: settings, cursors, links, runs, per-record errors, conflicts",
         ConnectorsMigrationSql()},
        {26, "an ERP connector's schedule (minutes between runs through the scheduler)",
         ConnectorScheduleMigrationSql()},
        {27, "the scheduler's items indexed by record id (not object and record id)",
         SchedulerRecordIndexMigrationSql()},
        {28, "the scheduler's items keyed by record, kind and rule in one unique index",
         SchedulerItemKeyMigrationSql()},
        {29, "why an ERP conflict's resolution failed last (it stays open with the reason)",
         ConnectorConflictErrorMigrationSql()},
        {30, "the scheduler's pending items in two lanes: near ones in the covering index, far ones in a "
             "narrow one",
         SchedulerLanesMigrationSql()},
    };
    return migrations;
}

Result<std::unique_ptr<Workspace>> Workspace::Open(const std::string& path, WorkspaceOptions options) {
    Result<std::unique_ptr<Database>> db = Database::Open(path, options.web_durability);
    if (!db.ok()) return db.error();
    const bool had_schema = (*db)->ApplicationId() == kWorkspaceApplicationId;
    if (Status s = ApplyMigrations(**db, Migrations()); !s.ok()) return s.error();

    std::unique_ptr<Workspace> ws(new Workspace());
    ws->db_ = std::move(db.value());
    if (options.clock) {
        ws->clock_ = options.clock;
    } else {
        ws->owned_clock_ = std::make_unique<SystemClock>();
        ws->clock_ = ws->owned_clock_.get();
    }
    ws->created_now_ = !had_schema;
    ws->audit_ = std::make_unique<AuditLog>(*ws->db_);
    Workspace* self = ws.get();
    // Every change commits through a ChangeScope over this, which tells the listeners what changed.
    ws->changes_ =
        std::make_unique<Changes>(*ws->db_, *ws->audit_, *ws->clock_,
                                  [self](const ChangeSet& changes) { self->NotifyCommitted(changes); });
    ws->company_ = std::make_unique<CompanyService>(*ws->changes_);
    ws->schema_ = std::make_unique<SchemaService>(*ws->changes_);
    ws->records_ = std::make_unique<RecordService>(*ws->changes_, *ws->schema_);
    ws->access_ = std::make_unique<AccessService>(*ws->changes_, *ws->schema_);
    // Records consult the access policy; the access stage of a save checks a new owner.
    ws->access_->AttachTo(*ws->records_);
    // The services below the access engine check system permissions through this hook (no include cycle).
    AccessService* access = ws->access_.get();
    Authorizer authorizer = [access](std::string_view actor, SystemPermission permission) {
        return access->Require(actor, permission);
    };
    ws->company_->SetAuthorizer(authorizer);
    ws->schema_->SetAuthorizer(authorizer);
    ws->audit_->SetAuthorizer(authorizer);
    // Criteria-based sharing rules read fields: a field they need is not deleted under them.
    ws->schema_->AddFieldUserSource([access](std::string_view object, std::string_view field) {
        return access->SharingRulesUsing(object, field);
    });
    // The schema asks about profiles (layouts.assign, a field made required) through its ProfileDirectory.
    SchemaService::ProfileDirectory profiles;
    profiles.names = [access] {
        std::vector<std::string> names;
        for (const PermissionSet& p : access->PermissionSets(PermissionSetKind::Profile))
            names.push_back(p.name);
        return names;
    };
    profiles.exists = [access](std::string_view name) { return access->ProfileExists(name); };
    profiles.creating_without_read = [access](std::string_view object, std::string_view field) {
        return access->ProfilesCreatingWithoutRead(object, field);
    };
    ws->schema_->SetProfileDirectory(std::move(profiles));
    // Who saves, for $User, $Profile, $UserRole and $Organization in formulas.
    CompanyService* company = ws->company_.get();
    ws->records_->SetGlobalsSource([access, company](const std::string& actor) {
        formula::Globals g;
        if (Result<User> u = access->GetUser(IsSystemActor(actor) ? access->WorkspaceOwner() : actor);
            u.ok()) {
            g.user_id = std::to_string(u->id);
            g.user_username = u->username;
            g.user_full_name = u->full_name;
            g.user_email = u->email;
            g.user_language = u->language;
            g.profile_name = u->profile;
            g.role_name = u->role;
        }
        if (Result<CompanyProfile> c = company->Get(); c.ok()) {
            g.organization_name = c->name;
            g.organization_currency = c->currency;
            g.organization_time_zone = c->time_zone;
        }
        return g;
    });
    // Processes and assignment rules (core/workflow): their save stages, and the fields they use.
    ws->processes_ = std::make_unique<ProcessService>(*ws->changes_, *ws->schema_, *ws->records_, *access);
    ws->assignment_ =
        std::make_unique<AssignmentService>(*ws->changes_, *ws->schema_, *ws->records_, *access);
    ws->processes_->SetAuthorizer(authorizer);
    ws->assignment_->SetAuthorizer(authorizer);
    ws->processes_->AttachTo(*ws->records_);
    ws->assignment_->AttachTo(*ws->records_);
    ProcessService* processes = ws->processes_.get();
    AssignmentService* assignment = ws->assignment_.get();
    ws->schema_->AddFieldUserSource([processes, assignment](std::string_view object, std::string_view field) {
        std::vector<std::string> users = processes->ProcessesUsing(object, field);
        for (std::string& u : assignment->EntriesUsing(object, field)) users.push_back(std::move(u));
        return users;
    });
    // Automation rules: the automation stage of saves, the scheduler, the inbox, the log, the outbox.
    ws->automation_ =
        std::make_unique<AutomationService>(*ws->changes_, *ws->schema_, *ws->records_, *ws->company_);
    ws->automation_->SetAuthorizer(authorizer);
    ws->automation_->Attach();
    AutomationService* automation = ws->automation_.get();
    auto rules_using = [automation](std::string_view object, std::string_view field) {
        return automation->RulesUsing(object, field);
    };
    ws->schema_->AddFieldUserSource(rules_using);
    automation->SetAssignThroughRules(
        [assignment](SaveContext& save) { return assignment->OwnerThroughRules(save); });
    // Approvals: definitions behind Manage Workflows, the record lock while a request is pending, field
    // users; their notices go to the in-app inbox, inside the decision's change.
    ws->approvals_ =
        std::make_unique<ApprovalService>(*ws->changes_, *ws->schema_, *ws->records_, *ws->access_);
    ws->approvals_->SetAuthorizer(authorizer);
    ws->approvals_->Attach();
    // A picklist value a process, rule or approval names is not removed under it.
    ApprovalService* approvals = ws->approvals_.get();
    ws->schema_->AddPicklistValueUserSource(
        [processes, automation, approvals](std::string_view o, std::string_view f, std::string_view v) {
            std::vector<std::string> users = processes->ProcessesUsingValue(o, f, v);
            for (std::string& u : automation->RulesUsingValue(o, f, v)) users.push_back(std::move(u));
            for (std::string& u : approvals->ValueUsers(o, f, v)) users.push_back(std::move(u));
            return users;
        });
    ws->approvals_->SetScheduler(&automation->scheduler(), [company](int64_t start_ms, int hours) {
        Result<CompanyProfile> p = company->Get();
        return (p.ok() ? CompanyTime::For(*p) : CompanyTime()).AddBusinessHours(start_ms, hours);
    });
    Changes* changes = ws->changes_.get();
    ws->approvals_->SetNotifier([changes, automation](const std::vector<std::string>& recipients,
                                                      const std::string& title, const std::string& body,
                                                      const std::string& object,
                                                      int64_t record_id) -> Status {
        ChangeScope* scope = changes->open_scope();
        if (!scope) return MakeError("internal", "An approval notice was sent outside its change.");
        NotificationDraft draft;
        draft.recipients = recipients;
        draft.title = title;
        draft.body = body;
        draft.object = object;
        draft.record_id = record_id;
        draft.link_kind = "approval";
        return automation->notifications().Notify(*scope, draft);
    });
    // Data management: the recycle bin keeps every deleted record (a delete hook).
    ws->data_ = std::make_unique<DataService>(*ws->changes_, *ws->schema_, *ws->records_, access->policy(),
                                              authorizer, Migrations(), AppVersion());
    DataService* data = ws->data_.get();
    ws->AddCommitListener([data](const ChangeSet& changes) { data->dedup().OnCommit(changes); });
    CompanyService* company_service = ws->company_.get();
    ws->data_->backups().AttachScheduler(automation->scheduler(), [company_service] {
        Result<CompanyProfile> p = company_service->Get();
        return p.ok() ? CompanyTime::For(*p) : CompanyTime();
    });
    // Reports: run as their viewer through the access policy; a field a report uses is not deleted under it.
    ws->reports_ = std::make_unique<ReportService>(*ws->changes_, *ws->schema_, *ws->company_);
    ws->reports_->SetAuthorizer(authorizer);
    ws->reports_->SetAccessPolicy(&access->policy());
    ReportService* reports = ws->reports_.get();
    // Folder shares name roles (with the roles above a user's own) and teams; the result cache hears
    // every commit.
    reports->SetMembership([access](const std::string& username) {
        ReportMembership m;
        Result<User> user = access->GetUser(username);
        if (!user.ok()) return m;
        m.role = user->role;
        m.teams = user->teams;
        const std::vector<Role> roles = access->Roles();
        std::string at = m.role;
        for (size_t guard = 0; !at.empty() && guard < roles.size(); ++guard) {
            auto it = std::find_if(roles.begin(), roles.end(), [&](const Role& r) { return r.name == at; });
            if (it == roles.end() || it->parent.empty()) break;
            m.role_ancestors.push_back(it->parent);
            at = it->parent;
        }
        return m;
    });
    ws->AddCommitListener([reports](const ChangeSet& changes) { reports->OnCommit(changes); });
    ws->schema_->AddFieldUserSource(
        [reports](std::string_view o, std::string_view f) { return reports->ReportsUsing(o, f); });
    // Notifications' way out: the message outbox (automation's webhooks queue into it too), the channels,
    // the dispatcher; the program sets its transports (native/net) or the page claims and sends (web).
    ws->delivery_ = std::make_unique<MessageDelivery>(*ws->changes_);
    ws->delivery_->SetAuthorizer(authorizer);
    // Reminders (core/notify/reminder.h): attached without a member, at once, so every save schedules.
    RemindersOf(*ws);
    // Webhook subscriptions queue their events inside saves from the start (core/integration/webhooks.h).
    WebhooksOf(*ws);
    // ERP connectors: their scheduled runs' handler is on the scheduler from the start.
    ConnectorsOf(*ws);
    return ws;
}

Workspace::~Workspace() = default;

WorkspaceInfo Workspace::Info() const {
    WorkspaceInfo info;
    info.path = db_->path();
    info.schema_version = db_->UserVersion();
    info.sqlite_version = sqlite3_libversion();
    info.app_version = AppVersion();
    info.created_now = created_now_;
    info.change_count = change_count_;
    return info;
}

void Workspace::AddCommitListener(std::function<void()> listener) {
    listeners_.push_back([listener = std::move(listener)](const ChangeSet&) { listener(); });
}

void Workspace::NotifyCommitted(const ChangeSet& changes) {
    ++change_count_;
    // Copy: a listener may register another listener.
    std::vector<CommitListener> listeners = listeners_;
    for (auto& listener : listeners) listener(changes);
}

const char* Workspace::AppVersion() { return CRM_VERSION; }

}  // namespace crm
