// Records of every object, saved through one pipeline, and the list views over them.
//
// [SECTION] Access        ObjectAction, AccessLevel, RecordFilter, AccessPolicy, FullAccessPolicy
// [SECTION] Saves         SaveResult, BatchResult, FieldHistoryEntry
// [SECTION] Save pipeline SaveStageId, SaveContext, DeleteContext: the stages and hooks other areas attach
// [SECTION] Lists         ListFilter, ListQuery, ListPage, ListView
// [SECTION] Rule test     RuleTestResult
// [SECTION] RecordService
//
// The save pipeline: named stages, in this order (SaveStageId). Every stage sees the record before and
// after and which fields changed (SaveContext); a stage with errors reports all of them (every registrant
// of the stage runs) and the save stops, nothing written. Other areas register into a stage with
// RecordService::AddSaveStage; a stage nobody registers into does nothing.
//   1. access            [records] the object permission (create or edit), then edit permission on every
//                        field written (unknown and read-only fields are refused); re-owning needs Full
//                        [workspace] the owner is an existing, active user
//   2. types             [records] each written value: form (email, URL, phone, date, number digits,
//                        range, length), picklist values active, lookups pointing at an existing record
//   3. required_unique   [records] on the record as it would be saved
//   4. validation_rules  [records] every active rule in order (TRUE = invalid), all failures reported
//   5. duplicate_rules   (none yet: duplicate management attaches here)
//   6. automation        (none yet: workflow attaches here; it may change field values with Set)
//   7. history           [records] old and new value of each tracked field that changed (updates only)
//   8. write             [records] insert or update; then the after-write hooks (AddAfterWriteHook) run,
//                        in the same transaction, knowing the record's id
// One transaction per save, or per batch: an error in any stage or hook of any row rolls it all back.
// A delete runs the delete hooks (AddDeleteHook) before and after the row goes, in its transaction.
// After the commit, the Workspace's commit listeners receive the change set: ("records", object,
// create | update | delete, ids, changed fields), plus the records whose lookups a delete cleared.
// The JSON form of a record: {"Id": 12, "OwnerId": 3, "CreatedDate": "2026-...Z", "CreatedBy": "alice",
// "LastModifiedDate": ..., "LastModifiedBy": ..., "<Field API name>": value, ...}; values as
// ValueToJson (schema.h) writes them. Fields the acting user cannot read are absent, not blank.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "access/policy.h"
#include "common/clock.h"
#include "common/result.h"
#include "schema/schema.h"
#include "storage/statement_cache.h"

namespace crm {

class Database;

// [SECTION] Access: ObjectAction, AccessLevel, RecordFilter, AccessPolicy and FullAccessPolicy live in
// access/policy.h.

// [SECTION] Saves

/// The outcome of one save: the record's id, or every error of the first stage that failed. Each error
/// names its field (empty for the record as a whole, e.g. a rule without an error field).
struct SaveResult {
    int64_t id = 0;
    std::vector<Error> errors;
    bool ok() const { return errors.empty(); }
};

/// The outcome of a batch: all records saved (ids in order), or none, with the failing row's errors.
struct BatchResult {
    std::vector<int64_t> ids;
    int failed_index = -1;  ///< the first row that failed (0-based), -1 when all were saved
    std::vector<Error> errors;
    bool ok() const { return errors.empty(); }
};

/// A save's values as text, {API name, text}, each name once and in the order a JSON object keeps its
/// keys (byte order): the same save as the JSON object {name: "text"}, without building one per row
/// (an import's cells; a lookup's id as its digits). Strings keep their capacity when a row is reused.
using TextValues = std::vector<std::pair<std::string, std::string>>;

/// One row of RecordService::SaveEach, filled just before its save by the caller's prepare.
struct EachRow {
    int64_t id = 0;             ///< > 0: update that record; 0: create one
    nlohmann::json values;      ///< as Create and Update take them (unless as_text)
    bool as_text = false;       ///< the values are `texts`, not `values`
    TextValues texts;           ///< when as_text
    std::vector<Error> errors;  ///< found by the caller: the row fails without reaching the pipeline
};

/// A value the request gives for a field: JSON, or (TextValues) text.
struct RequestedValue {
    const nlohmann::json* json = nullptr;  ///< nullptr: the value is `text`
    std::string_view text;
};

/// One change of a tracked field.
struct FieldHistoryEntry {
    int64_t record_id = 0;
    std::string field;
    nlohmann::json old_value;
    nlohmann::json new_value;
    std::string actor;
    int64_t at_ms = 0;
};

// [SECTION] Save pipeline

class Changes;

/// The stages of a save, in the order they run (SEMANTICS.md: field-type checks, required and unique,
/// validation rules, duplicate rules, then automation).
enum class SaveStageId {
    Access,
    Types,
    RequiredUnique,
    ValidationRules,
    DuplicateRules,
    Automation,
    History,
    Write
};
constexpr int kSaveStageCount = 8;
/// "access", "types", "required_unique", "validation_rules", "duplicate_rules", "automation", "history",
/// "write".
const char* SaveStageName(SaveStageId stage);

/// What the stages and hooks of one save see. Field values are per index of object.fields (formula and
/// deleted fields blank).
struct SaveContext {
    SaveContext(const std::string& actor, const ObjectDef& object, const nlohmann::json& input,
                const std::vector<formula::Value>* before);

    const std::string& actor;
    const ObjectDef& object;
    const nlohmann::json& input;  ///< the values the request gives (an empty object when `texts` has them)
    const TextValues* texts = nullptr;  ///< or the values as text (SaveEach of rows as_text)
    const bool is_new;
    int64_t record_id = 0;  ///< 0 for a new record until the write stage
    int64_t now_ms = 0;     ///< the time of the save (LastModifiedDate, field history)
    /// The stored record (nullptr for a new one).
    const std::vector<formula::Value>* const before;
    /// The record as it would be saved: the stored values (or, for a new record, the defaults) from the
    /// start, with the request's values from the types stage on, and what later stages Set.
    std::vector<formula::Value> after;
    int64_t owner_before = 0;      ///< 0 = none (always for a new record)
    int64_t owner_after = 0;       ///< the new owner: the request's OwnerId, else the default or stored one
    bool owner_requested = false;  ///< the request names OwnerId
    std::vector<std::pair<int, RequestedValue>> requested;  ///< fields the request writes (access on)
    std::vector<Error> errors;

    /// The index of an active field (case-insensitive API name), or -1.
    int FieldIndex(std::string_view api_name) const;
    /// The value before the save (blank for a new record) and after it; field by index.
    formula::Value Before(int index) const;
    const formula::Value& After(int index) const { return after[static_cast<size_t>(index)]; }
    /// Whether the field's value differs from before (for a new record: whether it is not blank).
    bool Changed(int index) const;
    bool Changed(std::string_view api_name) const;
    /// The API names of the changed fields, and "OwnerId" when the owner changes.
    std::vector<std::string> ChangedFieldNames() const;
    /// Sets a field from its JSON form (for stages after types, e.g. automation). Errors: unknown,
    /// read-only or formula field, a value of the wrong form. The actor's field permissions do not apply
    /// (the stage acts for the system, as a workflow field update does), and stages already run are not
    /// repeated: a stage that sets a value answers for it.
    Status Set(std::string_view api_name, const nlohmann::json& value);
    void Fail(Error error) { errors.push_back(std::move(error)); }
};

/// When a delete hook runs: before the row goes, or after (both inside the delete's transaction).
enum class DeletePhase { Before, After };

/// What a delete hook sees: the record as it was stored.
struct DeleteContext {
    const std::string& actor;
    const ObjectDef& object;
    DeletePhase phase;
    int64_t record_id;
    int64_t owner_id;                           ///< 0 = none
    const std::vector<formula::Value>& values;  ///< per index of object.fields
    std::vector<Error> errors;

    /// The record's JSON form (Id, OwnerId and every active stored field), e.g. for a recycle bin.
    nlohmann::json RecordJson() const;
    void Fail(Error error) { errors.push_back(std::move(error)); }
};

/// A stage or an after-write hook: adds errors to stop the save, or (later stages) Sets field values.
using SaveStageFn = std::function<void(SaveContext&)>;
/// A delete hook: adds errors to stop the delete.
using DeleteHookFn = std::function<void(DeleteContext&)>;

/// One registrant of the pipeline, as SaveStages() lists it.
struct SaveStageEntry {
    SaveStageId stage;
    std::string name;
};

// [SECTION] Lists

/// A simple filter: field, operator ("=", "!=", "<", ">", "<=", ">=", "contains", "starts_with",
/// "blank", "not_blank") and value (in the field's JSON form; unused by blank/not_blank).
struct ListFilter {
    std::string field;
    std::string op = "=";
    nlohmann::json value;
};

/// Which records, which columns, in which order, which page. Every condition applies (AND).
struct ListQuery {
    std::vector<std::string> columns;  ///< field API names (or Id, OwnerId, CreatedDate, ...); empty = all
    std::string filter_formula;        ///< a Boolean formula translated to SQL; "" = none
    std::vector<ListFilter> filters;
    std::string sort_field;  ///< any stored field or system column; "" = Id
    bool sort_desc = false;
    int offset = 0;
    int limit = 50;            ///< 1..1000
    bool exact_total = false;  ///< count every match, however many (else counting stops at kListCountLimit)
};

/// Where a list stops counting its matches unless asked for the exact total: counting a million rows
/// takes longer than a frame, and a list shows "10,000+" as Salesforce shows "50+".
constexpr int64_t kListCountLimit = 10'000;

/// One page of records and the number of all matches.
struct ListPage {
    std::vector<std::string> columns;  ///< the columns shown (unreadable ones left out)
    std::vector<nlohmann::json> rows;  ///< each with "Id" and the columns
    int64_t total = 0;                 ///< all matches, or kListCountLimit when total_capped
    bool total_capped = false;         ///< counting stopped at kListCountLimit: there are more
};

/// A saved list: a query (without paging) with a name, per user.
struct ListView {
    int64_t id = 0;
    std::string object;
    std::string owner;  ///< username of the user who saved it
    std::string name;
    ListQuery query;
};

nlohmann::json ToJson(const ListQuery& query);
Result<ListQuery> ListQueryFromJson(const nlohmann::json& json, ListQuery base = {});
nlohmann::json ToJson(const ListView& view);
nlohmann::json ToJson(const FieldHistoryEntry& entry);

// [SECTION] Rule test

/// What a validation rule would do to the stored records (each treated as being saved unchanged).
struct RuleTestResult {
    int64_t records = 0;                                    ///< records tested
    int64_t failing = 0;                                    ///< records the rule would refuse
    std::vector<std::pair<int64_t, std::string>> examples;  ///< the first failing ids and record names
    bool in_sql = false;  ///< the rule ran inside SQLite (translated) rather than record by record
};

// [SECTION] RecordService

/// Creates, reads, updates and deletes records through the save pipeline; runs list views. Every change
/// goes through a ChangeScope (audit/change.h), so a save joins an enclosing change when one is open.
class RecordService {
public:
    RecordService(Changes& changes, SchemaService& schema);
    ~RecordService();

    /// The policy every call consults; nullptr restores FullAccessPolicy. Not owned.
    void SetAccessPolicy(const AccessPolicy* policy);
    /// Who saves, for formulas that read $User, $Profile, $UserRole and $Organization (validation rules,
    /// the rule test, formula.eval): set by the Workspace from the directory and the company profile.
    /// Without one those globals are blank.
    using GlobalsSource = std::function<formula::Globals(const std::string& actor)>;
    void SetGlobalsSource(GlobalsSource source) { globals_ = std::move(source); }
    formula::Globals GlobalsFor(const std::string& actor) const {
        return globals_ ? globals_(actor) : formula::Globals{};
    }

    // The pipeline's extension points (see the header comment).
    /// Registers `fn` into `stage`, after the stage's earlier registrants (the records service's own run
    /// first). The write stage belongs to the records service: use AddAfterWriteHook.
    void AddSaveStage(SaveStageId stage, std::string name, SaveStageFn fn);
    /// Registers a hook that runs after the write, inside the save's transaction, with record_id set.
    void AddAfterWriteHook(std::string name, SaveStageFn fn);
    /// Registers a hook that runs before or after a record is deleted, inside the delete's transaction.
    void AddDeleteHook(DeletePhase phase, std::string name, DeleteHookFn fn);
    /// Every registrant in the order it runs (the after-write hooks as stage write, after "write").
    std::vector<SaveStageEntry> SaveStages() const;

    /// Creates a record from {"Field": value, ...} ("OwnerId" sets the owner). Errors per SaveResult.
    SaveResult Create(const std::string& actor, std::string_view object, const nlohmann::json& values);
    /// Changes the fields present in `values` (a partial update).
    SaveResult Update(const std::string& actor, std::string_view object, int64_t id,
                      const nlohmann::json& values);
    /// Creates every row through the full pipeline in ONE transaction: all or none.
    BatchResult CreateBatch(const std::string& actor, std::string_view object,
                            const std::vector<nlohmann::json>& rows);
    /// Saves rows one by one through the full pipeline inside one change (joining the open one), as if
    /// each were its own Create or Update in a nested change: a row whose stages or hooks fail is left out
    /// with its errors (its result), the others are saved. Faster than that for a batch: no savepoint per
    /// row (a row that fails before it writes leaves nothing to undo; one that fails after writing rolls
    /// the batch back, the rows saved before it are saved again, and the rest of the batch takes a
    /// savepoint each), one change-set entry per action. `prepare` (may be empty) fills rows[i] just
    /// before row i is saved, so it sees the rows saved before it. An error only when the change cannot
    /// begin or end.
    Result<std::vector<SaveResult>> SaveEach(const std::string& actor, std::string_view object,
                                             std::vector<EachRow>& rows,
                                             const std::function<void(size_t, EachRow&)>& prepare);
    /// Deletes a record; lookups pointing at it are cleared.
    Status Delete(const std::string& actor, std::string_view object, int64_t id);
    /// The record as the actor may see it, with formula fields computed.
    Result<nlohmann::json> Get(const std::string& actor, std::string_view object, int64_t id);
    /// A filtered, sorted page of records (see ListQuery).
    Result<ListPage> List(const std::string& actor, std::string_view object, const ListQuery& query);
    /// The tracked changes of a record, newest first (fields the actor cannot read left out).
    Result<std::vector<FieldHistoryEntry>> History(const std::string& actor, std::string_view object,
                                                   int64_t id);

    /// "Test this rule": runs a condition against the stored records the actor may read (object Read,
    /// record visibility), before the rule is saved. A condition that reads a field the actor cannot read
    /// is refused ("records.field_not_readable").
    Result<RuleTestResult> TestRule(const std::string& actor, std::string_view object,
                                    std::string_view condition, int examples = 20);
    /// Evaluates a formula against a stored record (`id` > 0) and/or given values (over the record), as
    /// the actor: the object's Read permission and, for a stored record, access to it are required, and
    /// a formula that reads a field the actor cannot read is refused ("records.field_not_readable").
    Result<formula::Value> EvalFormula(const std::string& actor, std::string_view object,
                                       std::string_view text, int64_t id, const nlohmann::json& values);

    // List views, saved per user (not audited: they are personal).
    std::vector<ListView> ListViews(std::string_view object, const std::string& owner);
    /// Creates or replaces (by name) the actor's list view; the query is checked first.
    Result<ListView> SaveListView(const std::string& actor, const ListView& view);
    Status DeleteListView(const std::string& actor, std::string_view object, std::string_view name);
    /// Runs the actor's saved view with a page window.
    Result<ListPage> RunListView(const std::string& actor, std::string_view object, std::string_view name,
                                 int offset, int limit);

    /// Inserts rows without the pipeline (no checks, rules, history or audit), in one transaction with
    /// one prepared statement: for the demo generator's large scales and benchmarks only. `fields` names
    /// the columns ("OwnerId" too, a user id as a Number); `next` fills one row's values (in that order)
    /// and answers false when done.
    Status BulkInsertUnchecked(const std::string& actor, std::string_view object,
                               const std::vector<std::string>& fields,
                               const std::function<bool(std::vector<formula::Value>&)>& next);

private:
    // records_internal.h defines these; each .cpp of core/records holds one section.
    struct Runtime;
    struct Row;
    class View;
    friend class View;
    struct SaveAccumulator;
    /// One registrant of a stage: the records service's own stages are member functions.
    struct Stage {
        SaveStageId id;
        std::string name;
        SaveStageFn fn;
        void (RecordService::*own)(Runtime&, SaveContext&) = nullptr;
    };
    Result<std::shared_ptr<Runtime>> RuntimeFor(std::string_view object);
    Result<Row> LoadRow(Runtime& rt, int64_t id);
    nlohmann::json RowJson(const std::string& actor, Runtime& rt, const Row& row,
                           const std::vector<int>* columns);
    formula::Value ReadPath(Runtime& rt, const ObjectResolver::Path& path,
                            const std::vector<formula::Value>& values);
    formula::Value ComputeFormula(Runtime& rt, int index, const std::vector<formula::Value>& values);
    Statement& Cached(const std::string& sql) { return statements_.Get(sql); }
    /// " INDEXED BY <index of sort_by>" when reading a filtered list in that index's order is cheaper than
    /// fetching the matches and sorting them (decided from the count of matches), else "".
    std::string SortIndexHint(const ObjectDef& object, const FieldDef& sort_by, const ListPage& page,
                              const ListQuery& query, bool filtered);
    /// Ok when the actor may read every field the compiled formula reads (through lookups too), else
    /// "records.field_not_readable" naming the first one, with `where` as the error's field.
    Status CheckFormulaReadable(const std::string& actor, const AccessPolicy& policy, Runtime& rt,
                                const formula::CompiledFormula& compiled, const char* what,
                                const char* where);

    // The save pipeline (save_pipeline.cpp).
    SaveResult SaveOne(const std::string& actor, Runtime& rt, const nlohmann::json& values,
                       const Row* existing, SaveAccumulator& changed, const TextValues* texts = nullptr);
    /// The record an update changes, once the actor may read it and edit it (Update's checks).
    Result<Row> RowToUpdate(const std::string& actor, Runtime& rt, int64_t id);
    /// One row of SaveEach: an update (row.id > 0) or a create, into `updated` or `created`.
    SaveResult SaveEachRow(const std::string& actor, Runtime& rt, const EachRow& row,
                           SaveAccumulator& created, SaveAccumulator& updated);
    void AccessStage(Runtime& rt, SaveContext& ctx);
    void TypesStage(Runtime& rt, SaveContext& ctx);
    void RequiredUniqueStage(Runtime& rt, SaveContext& ctx);
    void ValidationRulesStage(Runtime& rt, SaveContext& ctx);
    void HistoryStage(Runtime& rt, SaveContext& ctx);
    void WriteStage(Runtime& rt, SaveContext& ctx);

    Changes& changes_;
    Database& db_;
    SchemaService& schema_;
    const Clock& clock_;
    FullAccessPolicy full_access_;
    const AccessPolicy* policy_;
    GlobalsSource globals_;
    std::vector<Stage> stages_;  ///< sorted by stage (stable: registration order within a stage)
    std::vector<std::pair<std::string, SaveStageFn>> after_write_;
    struct DeleteHook {
        DeletePhase phase;
        std::string name;
        DeleteHookFn fn;
    };
    std::vector<DeleteHook> delete_hooks_;
    std::map<std::string, std::shared_ptr<Runtime>> runtimes_;
    uint64_t runtimes_version_ = 0;
    StatementCache statements_;
};

}  // namespace crm
