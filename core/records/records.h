// Records of every object, saved through one pipeline, and the list views over them.
//
// [SECTION] Access        ObjectAction, AccessLevel, RecordFilter, AccessPolicy, FullAccessPolicy
// [SECTION] Saves         SaveResult, BatchResult, FieldHistoryEntry
// [SECTION] Lists         ListFilter, ListQuery, ListPage, ListView
// [SECTION] Rule test     RuleTestResult
// [SECTION] RecordService
//
// The save pipeline, in order; a stage that finds errors reports all of them and stops the save:
//   1. access       the object permission (create or edit), then edit permission on every field written
//                   (and: unknown and read-only fields are refused)
//   2. field types  each written value: form (email, URL, phone, date, number digits, range, length),
//                   picklist values active, lookups pointing at an existing record
//   3. required and unique   on the record as it would be saved
//   4. validation rules      every active rule in order (TRUE = invalid), all failures reported
//   5. field history         old and new value of each tracked field that changed (updates only)
//   6. write                 one transaction per save, or per batch
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

/// One change of a tracked field.
struct FieldHistoryEntry {
    int64_t record_id = 0;
    std::string field;
    nlohmann::json old_value;
    nlohmann::json new_value;
    std::string actor;
    int64_t at_ms = 0;
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

/// Creates, reads, updates and deletes records through the save pipeline; runs list views.
class RecordService {
public:
    RecordService(Database& db, SchemaService& schema, const Clock& clock, std::function<void()> on_commit);
    ~RecordService();

    /// The policy every call consults; nullptr restores FullAccessPolicy. Not owned.
    void SetAccessPolicy(const AccessPolicy* policy);

    /// Creates a record from {"Field": value, ...} ("OwnerId" sets the owner). Errors per SaveResult.
    SaveResult Create(const std::string& actor, std::string_view object, const nlohmann::json& values);
    /// Changes the fields present in `values` (a partial update).
    SaveResult Update(const std::string& actor, std::string_view object, int64_t id,
                      const nlohmann::json& values);
    /// Creates every row through the full pipeline in ONE transaction: all or none.
    BatchResult CreateBatch(const std::string& actor, std::string_view object,
                            const std::vector<nlohmann::json>& rows);
    /// Deletes a record; lookups pointing at it are cleared.
    Status Delete(const std::string& actor, std::string_view object, int64_t id);
    /// The record as the actor may see it, with formula fields computed.
    Result<nlohmann::json> Get(const std::string& actor, std::string_view object, int64_t id);
    /// A filtered, sorted page of records (see ListQuery).
    Result<ListPage> List(const std::string& actor, std::string_view object, const ListQuery& query);
    /// The tracked changes of a record, newest first (fields the actor cannot read left out).
    Result<std::vector<FieldHistoryEntry>> History(const std::string& actor, std::string_view object,
                                                   int64_t id);

    /// "Test this rule": runs a condition against every stored record before the rule is saved.
    Result<RuleTestResult> TestRule(std::string_view object, std::string_view condition, int examples = 20);
    /// Evaluates a formula against a stored record (`id` > 0) and/or given values (over the record).
    Result<formula::Value> EvalFormula(std::string_view object, std::string_view text, int64_t id,
                                       const nlohmann::json& values);

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
    struct Runtime;
    struct Row;
    class View;
    friend class View;
    Result<std::shared_ptr<Runtime>> RuntimeFor(std::string_view object);
    SaveResult SaveOne(const std::string& actor, Runtime& rt, const nlohmann::json& values,
                       const Row* existing);
    Result<Row> LoadRow(Runtime& rt, int64_t id);
    nlohmann::json RowJson(const std::string& actor, Runtime& rt, const Row& row,
                           const std::vector<int>* columns);
    formula::Value ReadPath(Runtime& rt, const ObjectResolver::Path& path,
                            const std::vector<formula::Value>& values);
    formula::Value ComputeFormula(Runtime& rt, int index, const std::vector<formula::Value>& values);
    Statement& Cached(const std::string& sql);
    /// " INDEXED BY <index of sort_by>" when reading a filtered list in that index's order is cheaper than
    /// fetching the matches and sorting them (decided from the count of matches), else "".
    std::string SortIndexHint(const ObjectDef& object, const FieldDef& sort_by, const ListPage& page,
                              const ListQuery& query, bool filtered);

    Database& db_;
    SchemaService& schema_;
    const Clock& clock_;
    std::function<void()> on_commit_;
    FullAccessPolicy full_access_;
    const AccessPolicy* policy_;
    std::map<std::string, std::shared_ptr<Runtime>> runtimes_;
    uint64_t runtimes_version_ = 0;
    std::map<std::string, std::unique_ptr<Statement>> statements_;
};

}  // namespace crm
