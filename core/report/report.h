// Reports: saved definitions and the engine that runs them as ONE grouped SQL query over the record
// tables, trimmed to what the viewer may see.
//
// [SECTION] Definition   ReportDefinition and its parts (fields, filters, groupings, aggregates, formulas)
// [SECTION] Results      ReportResult: detail rows, the group trees of rows and columns, cells, totals
// [SECTION] Helpers      filter logic, relative dates, date buckets, summary formulas (pure functions)
// [SECTION] Service      ReportService: create, update, delete, list, get, run, export
//
// Field references: "Amount" (a field of the source object), "Id", "OwnerId", "CreatedDate"... (system
// columns), "Account.Industry" (a field of the record a lookup points at, through the lookup's API name or
// its relationship name), "Owner.Name", "Owner.Role" (the owner's full name and role). A field the viewer
// cannot read (field-level security, on the source or the looked-up object) is refused wherever a report
// names it when run by that viewer ("report.field_not_readable"): a column, a grouping, a filter, an
// aggregate, a drill-down; nothing of it reaches the result.
//
// Numbers in results are decimals (formula::Decimal); blanks are absent values (std::nullopt).
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "access/policy.h"
#include "common/result.h"
#include "formula/decimal.h"

namespace crm {

class Changes;
struct ChangeSet;
class Database;
class SchemaService;
class CompanyService;
class CompanyTime;

// [SECTION] Definition

enum class ReportFormat { Tabular, Summary, Matrix };
enum class AggregateFn { Count, Sum, Avg, Min, Max, CountDistinct, Median };
/// How a date or date-time grouping buckets its values (date-times in the company's time zone).
enum class DateBucket { None, Day, Week, Month, Quarter, Year, FiscalQuarter, FiscalYear };

/// One filter: a field, an operator ("=", "!=", "<", ">", "<=", ">=", "contains", "starts_with", "in",
/// "blank", "not_blank") and a value in the field's JSON form; on a date field the value may be a relative
/// date (TODAY, YESTERDAY, THIS_WEEK, THIS_MONTH, LAST_N_DAYS:n, NEXT_N_DAYS:n, THIS_QUARTER,
/// THIS_FISCAL_QUARTER, THIS_FISCAL_YEAR, ...): "=" means within the period, "<" before it, ">" after it.
struct ReportFilter {
    std::string field;
    std::string op = "=";
    nlohmann::json value;
};

struct ReportGrouping {
    std::string field;
    DateBucket bucket = DateBucket::None;  ///< date fields: Day when None
    bool descending = false;               ///< order of the groups by their label
    std::string sort_by;                   ///< an aggregate key: order the groups by it (then `descending`)
    int top_n = 0;                         ///< keep the first N groups of this level (0 = all)
};

struct ReportAggregate {
    std::string key;  ///< the name results and summary formulas use ("sum_Amount" by default)
    AggregateFn fn = AggregateFn::Count;
    std::string field;      ///< "" for COUNT of records
    std::string condition;  ///< an optional Boolean formula: only matching records count ("IsWon__c")
    bool percent = false;   ///< also give percent of the grand total and of the parent group
};

/// A formula over aggregates ("won / count * 100"); a division by zero gives a blank with a note.
struct ReportSummaryFormula {
    std::string key;
    std::string expression;
    int scale = 2;
};

/// The chart drawn above a summary or matrix report: its kind ("" = none, "bar", "hbar", "stacked_bar",
/// "grouped_bar", "line", "pie", "donut", "funnel", "metric"), the value it draws (an aggregate or summary
/// formula key; "" = the first) and, for "metric", a target. Stored with the definition; it names no field,
/// so it can leak none.
struct ReportChart {
    std::string kind;
    std::string value;
    std::optional<double> target;
};

struct ReportDefinition {
    int64_t id = 0;
    std::string name;
    std::string description;
    std::string folder;  ///< "" = the owner's private reports; otherwise shared with who reads the object
    std::string owner;   ///< username of its creator
    std::string object;  ///< the source object
    ReportFormat format = ReportFormat::Tabular;
    std::vector<std::string> columns;  ///< detail columns (tabular, and drill-down)
    std::vector<ReportFilter> filters;
    std::string filter_logic;                   ///< "1 AND (2 OR 3)"; "" = every filter applies
    std::string filter_formula;                 ///< an extra Boolean formula on the source object; "" = none
    std::vector<ReportGrouping> row_groupings;  ///< summary: up to 3; matrix: up to 2
    std::vector<ReportGrouping> column_groupings;  ///< matrix: up to 2
    std::vector<ReportAggregate> aggregates;       ///< none = COUNT
    std::vector<ReportSummaryFormula> formulas;
    std::string sort_field;  ///< tabular rows: a column
    bool sort_desc = false;
    ReportChart chart;
    int64_t created_ms = 0;
    int64_t updated_ms = 0;
};

const char* ReportFormatName(ReportFormat format);  ///< "tabular", "summary", "matrix"
const char* AggregateFnName(AggregateFn fn);        ///< "count", "sum", ..., "count_distinct", "median"
const char* DateBucketName(DateBucket bucket);      ///< "", "day", ..., "fiscal_quarter", "fiscal_year"
nlohmann::json ToJson(const ReportDefinition& report);
/// Reads a definition; keys absent keep `base`'s values. Errors name the key ("report.invalid").
Result<ReportDefinition> ReportFromJson(const nlohmann::json& json, ReportDefinition base = {});

// [SECTION] Results

/// One node of a grouping tree (rows or columns): node 0 is the root (the total).
struct ReportGroupNode {
    int parent = -1;
    int depth = 0;              ///< 0 root, 1 first grouping...
    nlohmann::json key;         ///< the stored value (bucket number for dates); null = blank
    std::string label;          ///< what a person reads ("2026-03", "FY2027 Q1", "(blank)")
    std::vector<int> children;  ///< in display order
};

/// The aggregates of one cell (a row node crossed with a column node).
struct ReportCell {
    int64_t records = 0;                                  ///< records in the cell
    std::vector<std::optional<formula::Decimal>> values;  ///< per aggregate, then per summary formula
    std::vector<std::optional<formula::Decimal>> pct_total, pct_parent;  ///< per aggregate (percent ones)
};

struct ReportResult {
    ReportFormat format = ReportFormat::Tabular;
    std::vector<std::string> columns;       ///< the detail columns shown
    std::vector<nlohmann::json> rows;       ///< detail rows (tabular, drill-down)
    std::vector<std::string> value_keys;    ///< aggregate keys, then formula keys
    std::vector<std::string> value_types;   ///< per value: "number", "date" or "datetime"
    std::vector<std::string> percent_keys;  ///< the aggregates with percents (ReportCell::pct_*, in order)
    std::vector<std::string> group_fields, column_group_fields;  ///< field names of the groupings
    std::vector<ReportGroupNode> row_nodes{1}, col_nodes{1};
    /// Cells by (row node, column node), only those with records; (0, 0) is the grand total.
    std::map<std::pair<int, int>, ReportCell> cells;
    /// The cell, or an empty one.
    const ReportCell& Cell(int row, int col) const;
    int64_t record_count = 0;           ///< records matched (before top N)
    bool truncated = false;             ///< a row limit or a group cap stopped the result
    std::vector<std::string> messages;  ///< notes: row limit, group cap, division by zero...
    /// Lookup and owner detail columns: id -> the related record's (user's) name, as the viewer may read
    /// it; an id missing here is shown as it is.
    std::map<std::string, std::map<int64_t, std::string>> names;
    /// The name a lookup or owner cell of `column` shows for `value` (an id), or nullptr.
    const std::string* NameOf(const std::string& column, const nlohmann::json& value) const;
    std::string sql;  ///< the grouped query (for EXPLAIN and the benchmark)
};

nlohmann::json ToJson(const ReportResult& result);

// [SECTION] Helpers

/// A parsed filter logic: numbers refer to filters (1-based).
struct LogicNode {
    enum Kind { Ref, And, Or, Not } kind = Ref;
    int ref = 0;
    std::vector<LogicNode> children;
};
/// Parses "1 AND (2 OR NOT 3)" for `filter_count` filters. Errors ("report.filter_logic") give the
/// 1-based character position of the problem and what was expected.
Result<LogicNode> ParseFilterLogic(std::string_view text, int filter_count);

/// A half-open period of local days [start, end), or nothing when `text` is not a relative date.
struct DayRange {
    int64_t start = 0, end = 0;
};
std::optional<DayRange> RelativeDateRange(std::string_view text, int64_t today, int fiscal_start_month);

/// The bucket key of a local day: Day the day, Week the Monday, Month year*100+month, Quarter year*10+q,
/// Year the year, FiscalQuarter fy*10+q, FiscalYear fy. A fiscal year is named by the calendar year in
/// which it ends (a year starting in April 2026 is FY2027), as Salesforce names them.
int64_t DateBucketKey(DateBucket bucket, int64_t days, int fiscal_start_month);
/// "2026-03-02", "2026-03", "2026 Q1", "2026", "FY2027 Q1", "FY2027".
std::string DateBucketLabel(DateBucket bucket, int64_t key);

/// Evaluates a summary formula over named values: numbers, names, + - * /, parentheses, unary minus.
/// A blank operand gives a blank; a division by zero gives a blank and sets *div_zero.
Result<std::optional<formula::Decimal>> EvalSummaryFormula(
    std::string_view expression,
    const std::function<std::optional<formula::Decimal>(std::string_view)>& value,
    const std::function<bool(std::string_view)>& known, bool* div_zero);

/// CSV per RFC 4180 (CRLF line ends, quotes doubled, fields with , " CR LF quoted); a cell that starts
/// with =, +, -, @, tab or CR is prefixed with ' so that a spreadsheet shows it as text.
std::string CsvField(std::string_view text);

// [SECTION] Folders and dashboards

/// One grantee of a report folder: kind "user", "role", "role_and_subordinates" or "team", its name, and
/// whether it may change the folder's reports and dashboards (edit) or only read and run them (view).
struct ReportFolderShare {
    std::string kind;
    std::string name;
    bool edit = false;
};

/// A folder of reports and dashboards, shared with users, roles (with or without their subordinates) and
/// teams. Reports and dashboards name their folder by name; a folder name no folder row holds is a
/// "public" folder of the first engine (everyone who reads the report's object sees it).
struct ReportFolder {
    int64_t id = 0;
    std::string name;
    std::string owner;
    std::vector<ReportFolderShare> shares;
    int64_t created_ms = 0;
    int64_t updated_ms = 0;
};
nlohmann::json ToJson(const ReportFolder& folder);
Result<ReportFolder> ReportFolderFromJson(const nlohmann::json& json, ReportFolder base = {});

/// One widget of a dashboard: a saved report drawn as "chart" (its chart, or `chart` when set), "metric"
/// (the grand total of its first value) or "table"; its place on the grid (column, row, width, height).
struct DashboardComponent {
    std::string kind = "chart";
    int64_t report_id = 0;
    std::string title;
    std::string chart;
    int column = 0, row = 0, width = 1, height = 1;
};

/// A dashboard: widgets backed by saved reports, run as each viewer (run_as "") or as one named user (the
/// dynamic dashboards of Salesforce are the first kind); filters that apply to every widget whose object
/// has the field.
struct Dashboard {
    int64_t id = 0;
    std::string name;
    std::string description;
    std::string folder;
    std::string owner;
    std::string run_as;
    std::vector<DashboardComponent> components;
    std::vector<ReportFilter> filters;
    int64_t created_ms = 0;
    int64_t updated_ms = 0;
};
nlohmann::json ToJson(const Dashboard& dashboard);
Result<Dashboard> DashboardFromJson(const nlohmann::json& json, Dashboard base = {});

/// Who a user is for folder shares: their role, the roles above it (nearest first) and their teams.
struct ReportMembership {
    std::string role;
    std::vector<std::string> role_ancestors;
    std::vector<std::string> teams;
};
using ReportMembershipLookup = std::function<ReportMembership(const std::string& username)>;

// [SECTION] Service

/// Options of one run.
struct ReportRunOptions {
    int row_limit = 2000;             ///< detail rows at most (the builder's preview passes a small one)
    int group_limit = 10'000;         ///< distinct groups at most before the run stops with a message
    bool details = false;             ///< summary/matrix: also return the detail rows (drill-down)
    std::vector<ReportFilter> drill;  ///< extra equality filters (a drill-down into one group)
    const std::atomic<bool>* cancel = nullptr;   ///< set to stop the run ("report.cancelled")
    std::function<void(int64_t rows)> progress;  ///< called after each slice with source records read
};

/// A run that reads its source object in slices of records (ReportService::StartRun), so that a console
/// without a second thread (the browser) keeps drawing between them, shows how far it got and can stop
/// it. Mergeable aggregates are summed up slice by slice; COUNT DISTINCT and MEDIAN are queried once,
/// whole, after the scan. The result is the one ReportService::Run gives.
class ReportRun {
public:
    ~ReportRun();
    /// Reads about `records` more source records (by id); the step after the last slice groups, sorts and
    /// reads the detail rows. True once finished: result() then holds the result or the error.
    bool Step(int64_t records);
    bool done() const;
    int64_t scanned() const;  ///< source records read so far (by their id span: about)
    int64_t total() const;    ///< source records to read (about; 0 until the first step)
    /// Stops the run: the next Step ends it with "report.cancelled" (a slice running now is interrupted).
    void Cancel();
    const Result<ReportResult>& result() const;

    struct State;  ///< report_run.cpp

private:
    friend class ReportService;
    explicit ReportRun(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

class ReportService {
public:
    ReportService(Changes& changes, SchemaService& schema, CompanyService& company);
    ~ReportService();
    void SetAuthorizer(Authorizer authorizer) { authorize_ = std::move(authorizer); }
    /// The policy runs consult (the access engine's); nullptr = everything visible.
    void SetAccessPolicy(const AccessPolicy* policy) { policy_ = policy; }

    /// The reports the actor sees: their own, and those in folders on objects they read.
    Result<std::vector<ReportDefinition>> List(const std::string& actor);
    /// One report the actor sees; `trimmed` leaves out the parts on fields they cannot read (for reading),
    /// else the stored definition (to run it, or change it).
    Result<ReportDefinition> Get(const std::string& actor, int64_t id, bool trimmed = true);
    /// Saves a new report owned by the actor (Read on its object; a folder needs Manage Reports).
    Result<ReportDefinition> Create(const std::string& actor, const ReportDefinition& report);
    /// The owner, or a holder of Manage Reports for a report in a folder.
    Result<ReportDefinition> Update(const std::string& actor, const ReportDefinition& report);
    Status Delete(const std::string& actor, int64_t id);
    /// Checks a definition against the schema as the actor sees it (no run).
    Status Check(const std::string& actor, const ReportDefinition& report);
    /// Runs a definition as the actor: their records, their fields.
    Result<ReportResult> Run(const std::string& actor, const ReportDefinition& report,
                             const ReportRunOptions& options = {});
    /// Starts a run that Step reads slice by slice (the console's long runs); the same cache as Run.
    std::unique_ptr<ReportRun> StartRun(const std::string& actor, const ReportDefinition& report,
                                        const ReportRunOptions& options = {});
    /// Runs and formats: "csv" (with_bom: a UTF-8 byte order mark first) or "json". Needs Export Reports.
    Result<std::string> Export(const std::string& actor, const ReportDefinition& report,
                               const std::string& format, bool with_bom,
                               const ReportRunOptions& options = {});
    /// The definition as the actor may read it: filters, columns, groupings and aggregates on fields they
    /// cannot read are left out (a run still refuses the whole report for them).
    ReportDefinition TrimmedFor(const std::string& actor, const ReportDefinition& report);
    /// Names of the reports that use `field` of `object` (the schema's usage check).
    std::vector<std::string> ReportsUsing(std::string_view object, std::string_view field);

    // Folders (report_folders.cpp): Manage Reports creates, shares and deletes them (an edit share
    // changes the reports inside, not the folder).
    Result<std::vector<ReportFolder>> ListFolders(const std::string& actor);
    /// Creates (id 0) or changes a folder; renaming moves its reports and dashboards with it.
    Result<ReportFolder> SaveFolder(const std::string& actor, const ReportFolder& folder);
    /// Deletes an empty folder ("report.folder_not_empty" otherwise).
    Status DeleteFolder(const std::string& actor, int64_t id);
    /// How a user finds their role, the roles above it and their teams (set by the Workspace).
    void SetMembership(ReportMembershipLookup lookup) { membership_ = std::move(lookup); }

    // Dashboards (report_dashboards.cpp): seen and changed with the rights of their folder, like reports.
    Result<std::vector<Dashboard>> ListDashboards(const std::string& actor);
    Result<Dashboard> GetDashboard(const std::string& actor, int64_t id);
    Result<Dashboard> SaveDashboard(const std::string& actor, const Dashboard& dashboard);
    Status DeleteDashboard(const std::string& actor, int64_t id);
    /// Runs every widget's report as the viewer (or the dashboard's run_as user), with the dashboard's
    /// filters added: one result (or error) per widget, in order.
    Result<std::vector<Result<ReportResult>>> RunDashboard(const std::string& actor, int64_t id,
                                                           const ReportRunOptions& options = {});

    // The result cache (report_cache.cpp): a run is kept per viewer and definition, and dropped by any
    // commit that touches an object it reads or the access settings. A result is never handed to another
    // user: the viewer is part of the key.
    struct CacheStats {
        int64_t hits = 0, misses = 0;
        size_t entries = 0;
    };
    CacheStats cache_stats() const;
    /// Told of every commit (the Workspace adds it as a commit listener).
    void OnCommit(const ChangeSet& changes);

    /// Ok when `actor` may change `report` (its owner, an edit share of its folder, or Manage Reports):
    /// the rule Update and Delete apply, for a console that says so before Save.
    Status CanEdit(const std::string& actor, const ReportDefinition& report) const;

    struct Plan;  ///< the query of one run (report_internal.h)
    struct RunCache;

private:
    Status Authorize(const std::string& actor, SystemPermission p) const;
    Result<ReportDefinition> Load(int64_t id);
    bool CanSee(const std::string& actor, const ReportDefinition& report) const;
    Result<ReportDefinition> Save(const std::string& actor, const ReportDefinition& report, bool create);
    Result<Plan> Prepare(const std::string& actor, const ReportDefinition& report,
                         const ReportRunOptions& options);
    /// The right `actor` holds on the reports of folder `name`: 0 none, 1 view, 2 edit; -1 when no
    /// folder row holds that name (a folder of the first engine).
    int FolderRight(const std::string& actor, const std::string& name) const;

    Changes& changes_;
    Database& db_;
    SchemaService& schema_;
    CompanyService& company_;
    Authorizer authorize_;
    FullAccessPolicy full_access_;
    const AccessPolicy* policy_ = nullptr;
    ReportMembershipLookup membership_;
    std::unique_ptr<RunCache> cache_;
};

/// The SQL of migration 15: report folders with their shares, dashboards, and the Export Reports
/// permission for every set that held Export Data.
std::string ReportFoldersMigrationSql();

/// The SQL of migration 11: report definitions.
std::string ReportsMigrationSql();

}  // namespace crm
