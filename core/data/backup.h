// Backup and restore: a backup is one file, a manifest line and a consistent snapshot of the database
// (SQLite's online backup), checked by its SHA-256 before anything is replaced.
//
// [SECTION] File format   BackupManifest, the layout of a backup file
// [SECTION] Reports       BackupCheck, RestoreReport
// [SECTION] BackupService create, inspect, restore
//
// The file:  "CRM-BACKUP 1\n" <manifest as one line of JSON> "\n" <the database's bytes>
// The manifest: format, app_version, schema_version, created_at (UTC ISO), created_by, record_counts
// {object: n}, content_bytes, sha256 (hex of the database's bytes). Not compressed: no compression library
// is both a Debian package and built into Emscripten 3.1.6 without a port (ports download).
//
// Decisions where SEMANTICS.md is silent:
// - Everything is written to "<path>.part" and renamed into place once whole, so a full disk or a failure
//   leaves no half-written backup under the name asked for.
// - Restore: the file is checked first (header, manifest, size, checksum; a schema version newer than this
//   build's is refused naming both versions: "data.backup_newer"), copied out and opened as a database
//   (a workspace's application id, integrity check), migrated when older, and its audit trail gets the
//   restore's entry. Then the current data is kept as an automatic backup (in keep_dir, by default the
//   workspace's folder), and only then the restored database replaces the current one in ONE step of
//   SQLite's backup API into the open connection: the switch commits whole or is rolled back whole.
// - After a restore the services' in-memory state (schema, access snapshot) is that of the old data: the
//   caller reopens the workspace (RestoreReport::reopen_required; the CLI opens it per command anyway).
// - Both need Backup and Restore; a backup is audited in the current trail, a restore in the restored one.
// - Scheduled backups (BackupSchedule): daily, or weekly on a weekday, at a local time of the company's time
//   zone, into a folder (default: "backups" beside the workspace's file; in the browser the console names
//   a folder of its IndexedDB mount and reminds the user to download). They run as the workflow
//   scheduler's kind "backup" (one pending item, moved when the schedule changes), as the system, named
//   "crm-auto-<UTC yyyymmdd-hhmmss>.crmbackup"; after each, the automatic backups beyond `keep` (oldest
//   first) are deleted and the next run is queued. A run missed while the workspace was closed runs once
//   when the scheduler next catches up (not once per missed day). Setting the schedule needs Backup and
//   Restore and is audited.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "access/policy.h"
#include "common/result.h"
#include "storage/migrations.h"

namespace crm {

class Changes;
class ChangeScope;
class CompanyTime;
class Database;
class SchedulerService;
struct ScheduledItem;

// [SECTION] File format

/// What a backup's first lines say about it.
struct BackupManifest {
    int format = 1;
    std::string app_version;
    int schema_version = 0;
    int64_t created_ms = 0;
    std::string created_by;
    std::map<std::string, int64_t> record_counts;  ///< per object API name
    uint64_t content_bytes = 0;
    std::string sha256;
};

nlohmann::json ToJson(const BackupManifest& manifest);
Result<BackupManifest> BackupManifestFromJson(const nlohmann::json& json);

/// The first line of every backup file.
constexpr const char* kBackupMagic = "CRM-BACKUP 1";

// [SECTION] Reports

/// What inspecting a backup found: its manifest, and whether it can be restored here.
struct BackupCheck {
    BackupManifest manifest;
    int current_schema_version = 0;
    bool needs_migration = false;  ///< older than this build: migrated on restore
};

/// What a restore did.
struct RestoreReport {
    BackupManifest manifest;
    int migrated_from = 0;  ///< the backup's schema version
    int migrated_to = 0;    ///< this build's
    std::map<std::string, int64_t> counts_before;
    std::map<std::string, int64_t> counts_after;
    std::string kept_backup;  ///< the automatic backup of the data replaced
    bool reopen_required = true;
};

// [SECTION] Schedule

/// When automatic backups run and how many are kept.
struct BackupSchedule {
    bool enabled = false;
    std::string frequency = "daily";  ///< "daily" or "weekly"
    int weekday = 0;                  ///< weekly: 0 = Monday ... 6 = Sunday
    int minute = 120;                 ///< local minutes after midnight (from "HH:MM"; default 02:00)
    int keep = 7;                     ///< automatic backups kept, 1..365
    std::string folder;               ///< "" = "backups" beside the workspace's file
};
nlohmann::json ToJson(const BackupSchedule& schedule);
/// Reads {enabled, frequency, weekday, time: "HH:MM", keep, folder}; keys left out keep `base`'s values.
Result<BackupSchedule> BackupScheduleFromJson(const nlohmann::json& json, BackupSchedule base = {});
/// The first run strictly after `now_ms`, in the company's time (`to_utc` turns local days since 1970 and
/// milliseconds of the day into UTC; `local` breaks a UTC instant down).
int64_t NextBackupTime(const BackupSchedule& schedule, int64_t now_ms,
                       const std::function<int64_t(int64_t days, int64_t ms)>& to_utc,
                       const std::function<void(int64_t utc, int64_t& days, int& weekday)>& local);

// [SECTION] BackupService

class BackupService {
public:
    BackupService(Changes& changes, const std::vector<Migration>& migrations, std::string app_version);
    void SetAuthorizer(Authorizer authorizer) { authorize_ = std::move(authorizer); }

    /// Writes a backup of the workspace to `path` (replacing a file there only once the new one is whole).
    Result<BackupManifest> Create(const std::string& actor, const std::string& path);
    /// Reads and checks a backup without changing anything.
    Result<BackupCheck> Inspect(const std::string& actor, const std::string& path);
    /// Replaces the workspace's data with the backup's (see the header comment); `keep_dir` "" = the
    /// workspace's folder (or the backup's, for a workspace in memory).
    Result<RestoreReport> Restore(const std::string& actor, const std::string& path,
                                  const std::string& keep_dir);

    /// Records per object of a database (objects not deleted).
    static std::map<std::string, int64_t> RecordCounts(Database& db);

    /// Runs scheduled backups through `scheduler` (kind "backup") in the company's time.
    void AttachScheduler(SchedulerService& scheduler, std::function<CompanyTime()> time);
    BackupSchedule Schedule();
    /// Stores the schedule and queues (or drops) its next run.
    Result<BackupSchedule> SetSchedule(const std::string& actor, const BackupSchedule& schedule);
    /// When the next automatic backup is due (0 = none queued).
    int64_t NextScheduledMs();
    /// The automatic backups in the schedule's folder, newest first.
    std::vector<std::string> AutomaticBackups();
    /// The folder automatic backups go to.
    std::string ScheduleFolder(const BackupSchedule& schedule) const;

private:
    Result<BackupManifest> Write(const std::string& actor, const std::string& path);
    Status RunScheduled(ChangeScope& scope, const ScheduledItem& item);
    int64_t NextRun(const BackupSchedule& schedule, int64_t now_ms) const;
    Status QueueNext(ChangeScope& scope, const BackupSchedule& schedule);
    SchedulerService* scheduler_ = nullptr;
    std::function<CompanyTime()> time_;
    Changes& changes_;
    const std::vector<Migration>& migrations_;
    std::string app_version_;
    Authorizer authorize_;
};

}  // namespace crm
