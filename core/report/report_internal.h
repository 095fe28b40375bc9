// What the files of core/report share: a resolved field, a join, the plan of one run.
//   report_helpers.cpp      names, filter logic, relative dates, buckets, summary formulas, CSV
//   report_definitions.cpp  JSON forms, tables, create / update / delete / list
//   report_engine.cpp       Prepare: fields, filters, visibility, the SQL functions of a run
//   report_run.cpp          ReportRun: the grouped query by slices, trees, cells, totals; JSON; export
//   report_cache.cpp        the result cache; Run and StartRun
//   report_names.cpp        names instead of ids in lookup and owner cells and groups
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "report/report.h"
#include "schema/schema.h"
#include "storage/database.h"
#include "workflow/company_time.h"

namespace crm {

namespace report_detail {

using Binder = std::function<void(Statement&, int)>;

/// A field reference resolved for one viewer.
struct Field {
    std::string name;   ///< as the report names it
    std::string label;  ///< for headers
    std::string sql;    ///< the expression reading it
    FieldDef def;       ///< its type, scale, picklist (system columns get a made-up one)
    bool system_int = false;
    bool is_datetime_ms = false;  ///< CreatedDate, LastModifiedDate
    bool nocase = false;          ///< its text compares without ASCII case (Owner.Username, Owner.Role)
};

/// A LEFT JOIN to the visible records of a lookup's target.
struct Join {
    std::string alias;
    std::string table;
    std::string on;  ///< the lookup column of the source
    std::string where;
    std::vector<std::string> columns;  ///< target columns read, aliased alias_cN
};

/// What the date buckets of one run need: the company's zone and fiscal year.
struct BucketContext {
    PosixTzRule rule;
    int fiscal_start = 1;
};

/// The objects a definition reads: its own and those its lookup paths reach (lower case).
std::vector<std::string> ObjectsRead(SchemaService& schema, const ReportDefinition& report);

/// Registers crm_report_bucket(kind, value, is_datetime) and crm_report_median(x) for one run.
void RegisterReportFunctions(Database& db, const BucketContext* buckets);

}  // namespace report_detail

/// The query of one run and how to read its answer.

struct ReportService::Plan {
    /// The rights the free functions of report_navigation.h read (a nested type may call the service's
    /// private members; report.h, included by workspace.h, stays as it is).
    static int FolderRightOf(const ReportService& reports, const std::string& actor,
                             const std::string& folder) {
        return reports.FolderRight(actor, folder);
    }
    static Status AuthorizeOf(const ReportService& reports, const std::string& actor, SystemPermission p) {
        return reports.Authorize(actor, p);
    }

    using Field = report_detail::Field;
    using Join = report_detail::Join;
    using Binder = report_detail::Binder;
    std::shared_ptr<const ObjectDef> object;
    const AccessPolicy* policy = nullptr;
    std::string actor;
    std::string table;
    std::vector<Join> joins;
    std::vector<Binder> params;
    std::vector<std::string> where;
    std::vector<Field> columns;
    struct Group {
        Field field;
        ReportGrouping spec;
        std::string key_sql;
        bool date = false;
    };
    std::vector<Group> rows, cols;
    struct Agg {
        ReportAggregate spec;
        Field field;
        bool has_field = false;
        bool date = false;
        std::string value_sql;  ///< the aggregated expression (CASE WHEN condition THEN x END)
    };
    std::vector<Agg> aggs;
    std::string order;  ///< tabular detail order
    Field sort;         ///< the sort field's (sort.sql empty: by id only)
    bool sort_desc = false;
    report_detail::BucketContext buckets;
    /// The objects the lookup columns and groupings point at, by lower-case API name (report_names.cpp).
    std::map<std::string, std::shared_ptr<const ObjectDef>> lookup_targets;
    int64_t today = 0;
    CompanyTime time;

    std::string Param(Binder b) {
        params.push_back(std::move(b));
        return "?" + std::to_string(params.size());
    }
    /// Binds the parameters `sql` names (a detail query leaves out those of the aggregates' conditions).
    void BindAll(Statement& st, const std::string& sql) const {
        std::vector<bool> used(params.size() + 1, false);
        for (size_t i = sql.find('?'); i != std::string::npos; i = sql.find('?', i + 1)) {
            size_t n = 0, j = i + 1;
            while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9')
                n = n * 10 + static_cast<size_t>(sql[j++] - '0');
            if (n >= 1 && n <= params.size()) used[n] = true;
        }
        for (size_t i = 0; i < params.size(); ++i)
            if (used[i + 1]) params[i](st, static_cast<int>(i + 1));
    }
    std::string From() const {
        std::string out = " FROM " + QuoteIdent(table);
        for (const Join& j : joins) {
            if (j.table.empty()) {  // the owner: name, username and role
                out +=
                    " LEFT JOIN (SELECT u.id AS rpt_owner_id, u.full_name AS rpt_owner_full_name, u.username "
                    "AS "
                    "rpt_owner_username, ro.name AS rpt_owner_role FROM access_user u LEFT JOIN access_role "
                    "ro ON "
                    "ro.id = u.role_id) rpt_owner ON rpt_owner.rpt_owner_id = " +
                    QuoteIdent(table) + ".owner_id";
                continue;
            }
            std::string cols = "id AS " + j.alias + "_id";
            for (size_t i = 0; i < j.columns.size(); ++i)
                cols += ", " + QuoteIdent(j.columns[i]) + " AS " + j.alias + "_c" + std::to_string(i);
            out += " LEFT JOIN (SELECT " + cols + " FROM " + QuoteIdent(j.table) +
                   (j.where.empty() ? "" : " WHERE " + j.where) + ") " + j.alias + " ON " + j.alias + "." +
                   j.alias + "_id = " + QuoteIdent(table) + "." + j.on;
        }
        return out;
    }
    std::string Where(const std::vector<std::string>& extra = {}) const {
        std::string out;
        for (const auto* list : {&where, &extra})
            for (const std::string& w : *list) out += (out.empty() ? " WHERE " : " AND ") + w;
        return out;
    }
};

namespace report_detail {
/// Group labels of lookup and owner groupings become the related records' (users') names, as the viewer
/// may read them (report_names.cpp).
Status NameGroups(Database& db, const ReportService::Plan& plan, ReportResult& res);
/// ReportResult::names for the lookup and owner columns of the detail rows.
Status NameDetailCells(Database& db, const ReportService::Plan& plan, const std::vector<Field>& columns,
                       ReportResult& res);
/// Whether a field's values are ids that NameGroups and NameDetailCells name.
bool NamesRecords(const ReportService::Plan& plan, const Field& f);
}  // namespace report_detail

/// The result cache of ReportService (report_cache.cpp): results by viewer, definition and options,
/// with the objects each read (a commit touching one of them drops it).
struct ReportService::RunCache {
    struct Entry {
        std::vector<std::string> objects;  ///< lower-case API names
        ReportResult result;
        uint64_t used = 0;
    };
    static constexpr size_t kMaxEntries = 64;
    std::map<std::string, Entry> entries;
    uint64_t tick = 0;
    uint64_t generation = 0;  ///< counts the commits that dropped entries (a run across one is not kept)
    int64_t hits = 0, misses = 0;

    /// The key of a run: viewer, definition, the options that shape the result, the quarter hour.
    static std::string Key(const std::string& actor, const ReportDefinition& report,
                           const ReportRunOptions& options, int64_t now_ms);
    /// The result kept under `key` (counted as a hit), or nullptr (a miss).
    const ReportResult* Find(const std::string& key);
    /// Keeps a result, dropping the least recently used one when full.
    void Store(const std::string& key, std::vector<std::string> objects, const ReportResult& result);
};

}  // namespace crm
