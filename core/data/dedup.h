// Duplicate management: duplicate rules per object (a matching rule and what a save does on a match), the
// save-pipeline stage that blocks or lets a save through with an alert, the scan that finds duplicate groups
// among stored records, and the merge of two or three records (undone from the recycle bin).
//
// [SECTION] Rules   DuplicateRule
// [SECTION] Results DuplicateMatch, DuplicateGroup, ScanOptions, ScanResult, MergeRequest, MergeOutcome
// [SECTION] Scan    DuplicateScan (a scan a slice at a time)
// [SECTION] Deduplicator
//
// Decisions where SEMANTICS.md is silent:
// - One duplicate rule is a matching rule (conditions with AND or OR, dedup_match.h) plus its action:
//   "block" (the save fails, "data.duplicate_blocked", naming the matches), "alert" (the save goes through;
//   dedup.check answers the matches before or after the save, for the console's alert) or "scan_only".
//   Rules on text-like fields only (text, long text, email, phone, URL, picklist).
// - Everything runs as its acting user: a save, dedup.check and a scan compare only with records the user
//   may read, and a rule naming a field the user cannot read is skipped at save and refused by a scan.
//   Managing rules needs Customize Schema; a merge needs Edit on the master and Delete on the others.
// - The save stage compares the record only with the records its key index (dedup_index.h) gives, and
//   finds exactly what a comparison with every stored record would. The index lives in memory, one per
//   object with active block or alert rules: built from the table on the first checked save (after a
//   start, a tab reload, a change of the rules or the schema), kept current by the save pipeline (an
//   after-write hook, a delete hook, the recycle bin's restore), each change undone with the data when its
//   change rolls back (ChangeScope::OnRollback), dropped when a commit changed records it cannot name (a
//   bulk insert). Rows saved earlier in the same batch are in it, so a batch's rows are compared with one
//   another. dedup.check (the console's question before a save) answers what a save would meet: the block
//   and alert rules, through the same index.
// - A scan reads the visible records in keyset pages, keys each one (dedup_match.h), compares only records
//   that share a blocking key (a block larger than 2,000 is compared in a sliding window of 50 in key order),
//   and joins matching pairs into groups (a record that matches two others joins one group). Bounds:
//   max_records (default and at most 1,000,000) and max_groups (default 1,000); progress and cancel.
//   The console runs it a slice at a time (DuplicateScan): reading, keying and comparing stop after about
//   the budget of records or pairs, so a browser without a second thread keeps drawing. A scan writes
//   nothing, so a cancelled one leaves nothing behind (and gives no groups).
// - A merge: 2 or 3 records; the master keeps its id; `values` chooses, per field, the record whose value
//   wins (the master's value otherwise); every lookup that pointed at a merged record (any object) points at
//   the master; the merged records go to the recycle bin (their lookups already moved); the master's change
//   goes through the save pipeline (field history, automation) without the duplicate stage; one audit entry.
//   All or nothing.
// - Undo: restoring any merged record from the recycle bin restores every record of its merge, points the
//   moved lookups back (those still on the master) and puts back the master's fields the merge changed
//   (those not changed since).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "access/policy.h"
#include "common/result.h"
#include "data/dedup_match.h"

namespace crm {

class Changes;
class ChangeScope;
class DuplicateKeyIndex;
struct ChangeSet;
class RecordService;
class RecycleBin;
class SchemaService;
class StatementCache;
struct ObjectDef;
struct RecycleEntry;
struct SaveContext;

// [SECTION] Rules

/// A duplicate rule of one object.
struct DuplicateRule {
    int64_t id = 0;
    std::string object;
    std::string name;
    bool active = true;
    std::string action = "alert";  ///< "block", "alert" or "scan_only"
    MatchRule match;
};

nlohmann::json ToJson(const DuplicateRule& rule);
/// Reads {object, name, active?, action?, logic?: "and"|"or", conditions: [{field, method, threshold?,
/// algorithm?, country_code?}]}; shape errors name the key.
Result<DuplicateRule> DuplicateRuleFromJson(const nlohmann::json& json);

// [SECTION] Results

/// A stored record a rule matched.
struct DuplicateMatch {
    std::string rule;
    std::string action;
    int64_t id = 0;
    std::string name;  ///< blank when the user cannot read the name field
};

/// Records a scan found to match one another under one rule.
struct DuplicateGroup {
    std::string rule;
    std::vector<int64_t> ids;
    std::vector<std::string> names;
};

struct ScanOptions {
    std::string object;
    std::string rule;  ///< "" = every active rule of the object
    int64_t max_records = 1'000'000;
    int max_groups = 1000;
    /// Told the records read (phase "read") or keyed records compared so far (phase "compare") of `total`;
    /// answers false to cancel.
    std::function<bool(const char* phase, int64_t done, int64_t total)> progress;
};

struct ScanResult {
    std::vector<DuplicateGroup> groups;
    int64_t records = 0;      ///< records read
    int64_t comparisons = 0;  ///< pairs compared
    bool truncated = false;   ///< max_records or max_groups stopped it
    bool cancelled = false;
};

struct MergeRequest {
    std::string object;
    int64_t master = 0;
    std::vector<int64_t> others;            ///< 1 or 2
    std::map<std::string, int64_t> values;  ///< field -> the record whose value the master takes
};

struct MergeOutcome {
    int64_t merge_id = 0;
    int64_t master = 0;
    std::vector<int64_t> merged;
    std::vector<int64_t> recycle_entries;  ///< restore any of them to undo the merge
    int lookups_moved = 0;
    std::vector<std::string> fields_changed;
};

/// A merge as dedup.merges lists it.
struct MergeRecord {
    int64_t id = 0;
    std::string object;
    int64_t master = 0;
    std::vector<int64_t> merged;
    std::vector<int64_t> recycle_entries;
    std::string merged_by;
    int64_t merged_at_ms = 0;
    bool undone = false;
};

nlohmann::json ToJson(const MergeRecord& merge);

// [SECTION] Scan

/// A duplicate scan read and compared a slice at a time (Deduplicator::StartScan); the result is the one
/// Deduplicator::Scan gives.
class DuplicateScan {
public:
    ~DuplicateScan();
    /// Does about `budget` more units (records read or keyed, pairs compared); true once finished:
    /// result() then holds the groups, the error, or a cancelled scan (ScanResult::cancelled, no groups).
    bool Step(int64_t budget);
    bool done() const;
    /// "read" while records are read, "compare" while they are keyed and compared.
    const char* phase() const;
    int64_t progressed() const;  ///< records read ("read") or keyed and compared ("compare") so far
    int64_t total() const;       ///< of about this many
    double fraction() const;     ///< how far the whole scan is, 0..1
    /// Stops the scan: the next Step ends it, cancelled.
    void Cancel();
    const Result<ScanResult>& result() const;

    struct State;  ///< dedup_scan.cpp

private:
    friend class Deduplicator;
    explicit DuplicateScan(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

// [SECTION] Deduplicator

class Deduplicator {
public:
    Deduplicator(Changes& changes, SchemaService& schema, RecordService& records, const AccessPolicy& policy,
                 RecycleBin& recycle);
    ~Deduplicator();
    void SetAuthorizer(Authorizer authorizer) { authorize_ = std::move(authorizer); }
    /// Registers the duplicate-rules save stage, the hooks that keep the key index current, and the recycle
    /// bin's merge undo.
    void Attach();
    /// Told of each committed change: drops the key index of an object whose records changed unnamed.
    void OnCommit(const ChangeSet& changes);
    /// The records the key index of `object` holds, or -1 when it is not built (tests, benchmark).
    int64_t IndexedRecords(const std::string& object) const;

    /// The rules of an object ("" = every object), by object and name.
    Result<std::vector<DuplicateRule>> Rules(const std::string& actor, const std::string& object);
    /// Creates or replaces (by object and name) a rule; audited. Needs Customize Schema.
    Result<DuplicateRule> SaveRule(const std::string& actor, DuplicateRule rule);
    Status DeleteRule(const std::string& actor, const std::string& object, const std::string& name);

    /// What a save of `values` would meet (a record's JSON form; `id` > 0: that stored record with `values`
    /// over it, itself excluded): the stored records the actor may read that the active block and alert
    /// rules match, found through the save stage's key index.
    Result<std::vector<DuplicateMatch>> Check(const std::string& actor, const std::string& object,
                                              const nlohmann::json& values, int64_t id);
    /// The same answer from a comparison with every stored record: the reference the key index is tested
    /// and measured against (tests/core/data_dedup_index_test.cpp, bench/data/dedup_save_bench.cpp).
    Result<std::vector<DuplicateMatch>> CheckEveryRecord(const std::string& actor, const std::string& object,
                                                         const nlohmann::json& values, int64_t id);
    /// Duplicate groups among the records the actor may read.
    Result<ScanResult> Scan(const std::string& actor, const ScanOptions& options);
    /// The same scan, stepped by the caller (the console's long scans); ScanOptions::progress is unused.
    std::unique_ptr<DuplicateScan> StartScan(const std::string& actor, const ScanOptions& options);
    /// Merges 2 or 3 records into the master (see the header comment).
    Result<MergeOutcome> Merge(const std::string& actor, const MergeRequest& request);
    /// The merges of an object the actor may see (the master readable), newest first.
    Result<std::vector<MergeRecord>> Merges(const std::string& actor, const std::string& object, int limit);

    struct Compiled;  ///< a rule with its fields resolved (dedup_internal.h)

private:
    struct SavingRules;
    struct ObjectIndex;
    Result<std::vector<Compiled>> ActiveRules(const ObjectDef& object, bool saving);
    /// The rules a save of `object` checks, read once and kept while the schema and the rules stay (a
    /// save of a record reads no rule row).
    Result<std::shared_ptr<const SavingRules>> SavingRulesFor(const ObjectDef& object);
    /// Drops the kept rules now and when the open change ends (committed or rolled back).
    void ForgetSavingRules();
    /// The stored records the rules match with `values` (texts per index of object.fields): those `index`
    /// gives (built over these rules), or with no index every stored record compared.
    std::vector<DuplicateMatch> Match(const std::string& actor, const ObjectDef& object,
                                      const std::vector<Compiled>& rules,
                                      const std::vector<std::string>& values, int64_t self,
                                      const DuplicateKeyIndex* index = nullptr);
    /// The key index of the object under its saving rules, built from the table when missing or stale.
    Result<DuplicateKeyIndex*> IndexFor(const ObjectDef& object,
                                        const std::shared_ptr<const SavingRules>& rules);
    /// Check and CheckEveryRecord: the record `values` describes, matched through the index or with every
    /// stored record.
    Result<std::vector<DuplicateMatch>> CheckWith(const std::string& actor, const std::string& object,
                                                  const nlohmann::json& values, int64_t id, bool every_record);
    /// Reads one record's keys again into the object's index (when built): after a write, delete or restore.
    Status Reindex(const ObjectDef& object, int64_t id);
    void DropIndex(const std::string& object);
    void Stage(SaveContext& ctx);
    Status ExpandRestore(const std::string& actor, std::vector<RecycleEntry>& entries);
    Status AfterRestore(ChangeScope& change, const std::string& actor,
                        const std::vector<RecycleEntry>& restored);

    Changes& changes_;
    SchemaService& schema_;
    RecordService& records_;
    const AccessPolicy& policy_;
    RecycleBin& recycle_;
    Authorizer authorize_;
    std::unique_ptr<StatementCache> statements_;
    bool merging_ = false;  ///< a merge's or undo's own saves skip the duplicate stage
    std::map<std::string, std::shared_ptr<const SavingRules>> saving_rules_;  ///< by object
    std::map<std::string, std::unique_ptr<ObjectIndex>> indexes_;             ///< by object
    uint64_t index_builds_ = 0;  ///< numbers each built index: an undo of a dropped one does nothing
};

}  // namespace crm
