// The recycle bin: a deleted record waits here, with the lookups that pointed at it, until it is restored
// (same id, its lookups put back) or purged (by hand, or after the workspace's purge_days).
//
// [SECTION] Entries    RecycleEntry, RecycleSettings
// [SECTION] RecycleBin the service: the delete hook, list, restore, purge, settings
//
// Decisions where SEMANTICS.md is silent:
// - Every delete through RecordService::Delete lands here (records.delete, mass delete, automation): the
//   bin is the before-phase delete hook, so the record's stored columns (deleted fields' columns too) are
//   kept exactly as stored, in the delete's transaction.
// - Deletes do not cascade in this CRM (a lookup to a deleted record is cleared), so a record's related
//   records are the ones whose lookups pointed at it: they stay, their lookup cleared, and a restore puts
//   each lookup back when that record still exists and its lookup is still blank (never over a newer value).
// - A restored record whose own lookups point at a record still in the bin gets them blank, and that
//   entry notes it: restoring the other record later puts them back.
// - Who sees and restores an entry: a user with Delete on the object who deleted it, or who would have
//   Full access to the record with its stored owner (its owner, above the owner in the roles, Modify All).
//   Purging asks the same. The purge setting needs Backup and Restore (the data administrator's permission).
// - A record id taken again meanwhile (SQLite gives the highest id + 1 to a new record) is refused with
//   "data.recycle_id_taken"; nothing else is restored in that call.
// - Entries older than purge_days go at the next delete (the hook purges them first) or recycle.purge.
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "access/policy.h"
#include "common/result.h"

namespace crm {

class Changes;
class ChangeScope;
class RecordService;
class SchemaService;
struct ObjectDef;

// [SECTION] Entries

/// One deleted record in the bin.
struct RecycleEntry {
    int64_t id = 0;  ///< the entry's id
    std::string object;
    int64_t record_id = 0;
    std::string record_name;  ///< blank when the viewer cannot read the name field
    int64_t owner_id = 0;
    std::string deleted_by;
    int64_t deleted_at_ms = 0;
    int related = 0;  ///< records whose lookups pointed at it
};

nlohmann::json ToJson(const RecycleEntry& entry);

/// Which entries a call touches: ids, or all of an object (the actor's restorable ones), or both empty.
struct RecycleSelection {
    std::vector<int64_t> ids;
    std::string object;
};

/// What a restore or purge did.
struct RecycleOutcome {
    std::vector<RecycleEntry> entries;
    int lookups_restored = 0;  ///< lookups of other records put back
};

/// The migration that adds the bin and the data settings (migration 12).
const char* DataMigrationSql();

// [SECTION] RecycleBin

class RecycleBin {
public:
    RecycleBin(Changes& changes, SchemaService& schema, const AccessPolicy& policy);
    void SetAuthorizer(Authorizer authorizer) { authorize_ = std::move(authorizer); }
    /// Registers the before-phase delete hook that keeps every deleted record here.
    void AttachTo(RecordService& records);

    /// The entries the actor may restore, newest first ("" = every object).
    Result<std::vector<RecycleEntry>> List(const std::string& actor, const std::string& object, int limit,
                                           int offset);
    /// Puts the selected entries back (same ids, lookups restored), all or none.
    Result<RecycleOutcome> Restore(const std::string& actor, const RecycleSelection& selection);
    /// Deletes the selected entries for good, all or none.
    Result<RecycleOutcome> Purge(const std::string& actor, const RecycleSelection& selection);
    /// Deletes every entry older than purge_days (the system's housekeeping; also run by the delete hook).
    Result<int> PurgeExpired(const std::string& actor, int64_t now_ms);

    /// The entries with these ids, each checked as Restore checks it (for a restore hook that adds some).
    Result<std::vector<RecycleEntry>> Entries(const std::string& actor, const std::vector<int64_t>& ids);
    /// Hooks of a restore, inside its change: `expand` may add entries to the selection (a merge's other
    /// records), `after` runs once every row is back (a merge's moved lookups and master fields).
    using ExpandFn = std::function<Status(const std::string& actor, std::vector<RecycleEntry>& entries)>;
    using AfterFn = std::function<Status(ChangeScope& change, const std::string& actor,
                                         const std::vector<RecycleEntry>& restored)>;
    void SetRestoreHooks(ExpandFn expand, AfterFn after) {
        expand_ = std::move(expand);
        after_ = std::move(after);
    }

    /// Days an entry stays in the bin (1..3650, default 30).
    int PurgeDays();
    Status SetPurgeDays(const std::string& actor, int days);

private:
    Status Keep(ChangeScope& change, const ObjectDef& object, int64_t record_id, int64_t owner_id,
                const std::string& actor);
    Result<std::vector<RecycleEntry>> Select(const std::string& actor, const RecycleSelection& selection);
    bool MayRestore(const std::string& actor, const RecycleEntry& entry, const ObjectDef& object) const;

    Changes& changes_;
    SchemaService& schema_;
    const AccessPolicy& policy_;
    Authorizer authorize_;
    ExpandFn expand_;
    AfterFn after_;
};

}  // namespace crm
