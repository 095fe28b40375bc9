// Report definitions: their JSON form, their tables (migration 11), and create / update / delete / list.
#include <algorithm>

#include "audit/change.h"
#include "common/text.h"
#include "company/company_profile.h"
#include "report/report.h"
#include "report/report_internal.h"
#include "schema/schema.h"
#include "storage/database.h"

namespace crm {

using nlohmann::json;

std::string ReportsMigrationSql() {
    return R"sql(
CREATE TABLE report_definition (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    folder TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL,
    object TEXT NOT NULL,
    format TEXT NOT NULL,
    filter_logic TEXT NOT NULL DEFAULT '',
    filter_formula TEXT NOT NULL DEFAULT '',
    sort_field TEXT NOT NULL DEFAULT '',
    sort_desc INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    UNIQUE (owner, name)
);
CREATE TABLE report_item (
    report_id INTEGER NOT NULL REFERENCES report_definition(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    position INTEGER NOT NULL,
    field TEXT NOT NULL DEFAULT '',
    spec TEXT NOT NULL,
    PRIMARY KEY (report_id, kind, position)
) WITHOUT ROWID;
CREATE INDEX report_item_field ON report_item(field);
CREATE INDEX report_definition_object ON report_definition(object);
)sql";
}

// [SECTION] JSON

namespace {

Error Invalid(const std::string& key, const std::string& message) {
    return MakeError("report.invalid", message, key);
}

json ToJson(const ReportFilter& f) { return {{"field", f.field}, {"op", f.op}, {"value", f.value}}; }
json ToJson(const ReportGrouping& g) {
    json j = {{"field", g.field}};
    if (g.bucket != DateBucket::None) j["bucket"] = DateBucketName(g.bucket);
    if (g.descending) j["descending"] = true;
    if (!g.sort_by.empty()) j["sort_by"] = g.sort_by;
    if (g.top_n) j["top_n"] = g.top_n;
    return j;
}
json ToJson(const ReportAggregate& a) {
    json j = {{"key", a.key}, {"fn", AggregateFnName(a.fn)}};
    if (!a.field.empty()) j["field"] = a.field;
    if (!a.condition.empty()) j["condition"] = a.condition;
    if (a.percent) j["percent"] = true;
    return j;
}
json ToJson(const ReportSummaryFormula& f) {
    return {{"key", f.key}, {"expression", f.expression}, {"scale", f.scale}};
}

std::string Str(const json& j, const char* key, const std::string& fallback = {}) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

Result<ReportFilter> FilterFromJson(const json& j) {
    if (!j.is_object() || !j.contains("field")) return Invalid("filters", "Each filter needs a field.");
    ReportFilter f;
    f.field = Str(j, "field");
    f.op = Str(j, "op", "=");
    f.value = j.contains("value") ? j["value"] : json();
    return f;
}

Result<ReportGrouping> GroupingFromJson(const json& j, const char* key) {
    if (j.is_string()) {
        ReportGrouping g;
        g.field = j.get<std::string>();
        return g;
    }
    if (!j.is_object() || !j.contains("field")) return Invalid(key, "Each grouping needs a field.");
    ReportGrouping g;
    g.field = Str(j, "field");
    const std::string bucket = Str(j, "bucket");
    bool found = bucket.empty();
    for (int b = 0; b <= static_cast<int>(DateBucket::FiscalYear) && !found; ++b) {
        if (bucket == DateBucketName(static_cast<DateBucket>(b))) {
            g.bucket = static_cast<DateBucket>(b);
            found = true;
        }
    }
    if (!found)
        return Invalid(key, "Unknown date grouping \"" + bucket +
                                "\"; use day, week, month, quarter, year, fiscal_quarter or fiscal_year.");
    g.descending = j.value("descending", false);
    g.sort_by = Str(j, "sort_by");
    g.top_n = j.value("top_n", 0);
    if (g.top_n < 0) return Invalid(key, "top_n cannot be negative.");
    return g;
}

Result<ReportAggregate> AggregateFromJson(const json& j) {
    if (!j.is_object()) return Invalid("aggregates", "Each aggregate is an object {fn, field}.");
    ReportAggregate a;
    const std::string fn = ToLowerAscii(Str(j, "fn", "count"));
    bool found = false;
    for (int f = 0; f <= static_cast<int>(AggregateFn::Median) && !found; ++f) {
        if (fn == AggregateFnName(static_cast<AggregateFn>(f))) {
            a.fn = static_cast<AggregateFn>(f);
            found = true;
        }
    }
    if (!found)
        return Invalid("aggregates", "Unknown aggregate \"" + fn +
                                         "\"; use count, sum, avg, min, max, count_distinct or median.");
    a.field = Str(j, "field");
    if (a.field.empty() && a.fn != AggregateFn::Count)
        return Invalid("aggregates", std::string(AggregateFnName(a.fn)) + " needs a field.");
    a.condition = Str(j, "condition");
    a.percent = j.value("percent", false);
    a.key = Str(j, "key");
    if (a.key.empty()) {
        a.key = a.field.empty() ? "count" : std::string(AggregateFnName(a.fn)) + "_" + a.field;
        std::replace(a.key.begin(), a.key.end(), '.', '_');
    }
    return a;
}

template <typename T, typename F>
Status ReadList(const json& j, const char* key, std::vector<T>& out, F parse) {
    auto it = j.find(key);
    if (it == j.end()) return Status::Ok();
    if (!it->is_array()) return Invalid(key, std::string(key) + " is a list.");
    out.clear();
    for (const json& item : *it) {
        auto r = parse(item);
        if (!r.ok()) return r.error();
        out.push_back(std::move(r.value()));
    }
    return Status::Ok();
}

}  // namespace

json ToJson(const ReportDefinition& r) {
    json j = {{"id", r.id},
              {"name", r.name},
              {"description", r.description},
              {"folder", r.folder},
              {"owner", r.owner},
              {"object", r.object},
              {"format", ReportFormatName(r.format)},
              {"columns", r.columns},
              {"filters", json::array()},
              {"filter_logic", r.filter_logic},
              {"filter_formula", r.filter_formula},
              {"row_groupings", json::array()},
              {"column_groupings", json::array()},
              {"aggregates", json::array()},
              {"formulas", json::array()},
              {"sort_field", r.sort_field},
              {"sort_desc", r.sort_desc}};
    for (const auto& f : r.filters) j["filters"].push_back(ToJson(f));
    for (const auto& g : r.row_groupings) j["row_groupings"].push_back(ToJson(g));
    for (const auto& g : r.column_groupings) j["column_groupings"].push_back(ToJson(g));
    for (const auto& a : r.aggregates) j["aggregates"].push_back(ToJson(a));
    for (const auto& f : r.formulas) j["formulas"].push_back(ToJson(f));
    if (!r.chart.kind.empty()) {
        json c = {{"kind", r.chart.kind}};
        if (!r.chart.value.empty()) c["value"] = r.chart.value;
        if (r.chart.target) c["target"] = *r.chart.target;
        j["chart"] = c;
    }
    return j;
}

Result<ReportDefinition> ReportFromJson(const json& j, ReportDefinition r) {
    if (!j.is_object()) return Invalid("report", "A report is a JSON object.");
    for (const char* key : {"name", "description", "folder", "object", "filter_logic", "filter_formula",
                            "sort_field", "format"}) {
        if (j.contains(key) && !j[key].is_string()) return Invalid(key, std::string(key) + " is text.");
    }
    r.name = Str(j, "name", r.name);
    r.description = Str(j, "description", r.description);
    r.folder = Str(j, "folder", r.folder);
    r.object = Str(j, "object", r.object);
    r.filter_logic = Str(j, "filter_logic", r.filter_logic);
    r.filter_formula = Str(j, "filter_formula", r.filter_formula);
    r.sort_field = Str(j, "sort_field", r.sort_field);
    r.sort_desc = j.value("sort_desc", r.sort_desc);
    if (j.contains("format")) {
        const std::string f = ToLowerAscii(j["format"].get<std::string>());
        if (f == "tabular")
            r.format = ReportFormat::Tabular;
        else if (f == "summary")
            r.format = ReportFormat::Summary;
        else if (f == "matrix")
            r.format = ReportFormat::Matrix;
        else
            return Invalid("format", "Unknown format \"" + f + "\"; use tabular, summary or matrix.");
    }
    auto str = [](const json& v) -> Result<std::string> {
        if (!v.is_string()) return Invalid("columns", "Each column is a field name.");
        return v.get<std::string>();
    };
    if (Status s = ReadList(j, "columns", r.columns, str); !s.ok()) return s.error();
    if (Status s = ReadList(j, "filters", r.filters, FilterFromJson); !s.ok()) return s.error();
    if (Status s = ReadList(j, "row_groupings", r.row_groupings,
                            [](const json& v) { return GroupingFromJson(v, "row_groupings"); });
        !s.ok())
        return s.error();
    if (Status s = ReadList(j, "column_groupings", r.column_groupings,
                            [](const json& v) { return GroupingFromJson(v, "column_groupings"); });
        !s.ok())
        return s.error();
    if (Status s = ReadList(j, "aggregates", r.aggregates, AggregateFromJson); !s.ok()) return s.error();
    if (Status s = ReadList(
            j, "formulas", r.formulas,
            [](const json& v) -> Result<ReportSummaryFormula> {
                if (!v.is_object() || !v.contains("key") || !v.contains("expression"))
                    return Invalid("formulas", "Each summary formula needs a key and an expression.");
                return ReportSummaryFormula{Str(v, "key"), Str(v, "expression"), v.value("scale", 2)};
            });
        !s.ok())
        return s.error();
    if (j.contains("chart")) {
        const json& c = j["chart"].is_array() && !j["chart"].empty() ? j["chart"][0] : j["chart"];
        if (c.is_null()) {
            r.chart = {};
        } else {
            if (!c.is_object()) return Invalid("chart", "A chart is {kind, value, target}.");
            static const char* const kKinds[] = {"",     "bar", "hbar",  "stacked_bar", "grouped_bar",
                                                 "line", "pie", "donut", "funnel",      "metric"};
            const std::string kind = ToLowerAscii(Str(c, "kind"));
            if (std::find(std::begin(kKinds), std::end(kKinds), kind) == std::end(kKinds))
                return Invalid("chart", "Unknown chart \"" + kind +
                                            "\"; use bar, hbar, stacked_bar, grouped_bar, line, pie, donut, "
                                            "funnel or metric.");
            r.chart.kind = kind;
            r.chart.value = Str(c, "value");
            r.chart.target.reset();
            if (c.contains("target") && c["target"].is_number()) r.chart.target = c["target"].get<double>();
        }
    }
    // Shape rules of each format.
    const size_t rows = r.row_groupings.size(), cols = r.column_groupings.size();
    if (r.format == ReportFormat::Tabular && (rows || cols))
        return Invalid("format", "A tabular report has no groupings; make it a summary or a matrix report.");
    if (r.format == ReportFormat::Summary && (rows > 3 || cols))
        return Invalid("row_groupings",
                       "A summary report groups rows by up to 3 fields, and has no column groupings.");
    if (r.format == ReportFormat::Matrix && (rows > 2 || cols > 2 || !rows || !cols))
        return Invalid("column_groupings",
                       "A matrix report groups by 1 or 2 row fields and 1 or 2 column fields.");
    std::vector<std::string> keys;
    for (const ReportAggregate& a : r.aggregates) keys.push_back(ToLowerAscii(a.key));
    for (const ReportSummaryFormula& f : r.formulas) keys.push_back(ToLowerAscii(f.key));
    std::vector<std::string> sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
        return Invalid("aggregates", "Two aggregates or summary formulas have the same key.");
    return r;
}

// [SECTION] Service: storage and rights

ReportService::ReportService(Changes& changes, SchemaService& schema, CompanyService& company)
    : changes_(changes),
      db_(changes.db()),
      schema_(schema),
      company_(company),
      cache_(std::make_unique<RunCache>()) {}

ReportService::~ReportService() = default;

Status ReportService::Authorize(const std::string& actor, SystemPermission p) const {
    if (!authorize_ || IsSystemActor(actor)) return Status::Ok();
    return authorize_(actor, p);
}

bool ReportService::CanSee(const std::string& actor, const ReportDefinition& r) const {
    if (IsSystemActor(actor) || ToLowerAscii(r.owner) == ToLowerAscii(actor)) return true;
    if (r.folder.empty()) return false;
    // A folder of report_folders.cpp shares its reports with whom it names; one no row holds (the first
    // engine's folders) with everyone who reads the object.
    if (FolderRight(actor, r.folder) == 0) return false;
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(r.object);
    const AccessPolicy& policy = policy_ ? *policy_ : full_access_;
    return o.ok() && policy.CanAccessObject(actor, **o, ObjectAction::Read);
}

Status ReportService::CanEdit(const std::string& actor, const ReportDefinition& r) const {
    if (IsSystemActor(actor) || ToLowerAscii(r.owner) == ToLowerAscii(actor)) return Status::Ok();
    if (!CanSee(actor, r))
        return MakeError("access.denied",
                         "You may only change your own reports and those in folders you see.", "id");
    if (FolderRight(actor, r.folder) == 2) return Status::Ok();
    return Authorize(actor, SystemPermission::ManageReports);
}

Result<ReportDefinition> ReportService::Load(int64_t id) {
    Statement st = db_.Prepare(
        "SELECT id, name, description, folder, owner, object, format, filter_logic, filter_formula, "
        "sort_field, "
        "sort_desc, created_ms, updated_ms FROM report_definition WHERE id = ?1");
    st.Bind(1, id);
    if (!st.Step()) {
        if (!st.status().ok()) return st.status().error();
        return MakeError("report.not_found", "There is no report " + std::to_string(id) + ".", "id");
    }
    json head = {{"name", st.Text(1)},           {"description", st.Text(2)}, {"folder", st.Text(3)},
                 {"object", st.Text(5)},         {"format", st.Text(6)},      {"filter_logic", st.Text(7)},
                 {"filter_formula", st.Text(8)}, {"sort_field", st.Text(9)},  {"sort_desc", st.Int(10) != 0}};
    ReportDefinition base;
    base.id = st.Int(0);
    base.owner = st.Text(4);
    base.created_ms = st.Int(11);
    base.updated_ms = st.Int(12);
    Statement items =
        db_.Prepare("SELECT kind, spec FROM report_item WHERE report_id = ?1 ORDER BY kind, position");
    items.Bind(1, id);
    while (items.Step()) {
        json spec = json::parse(items.Text(1), nullptr, false);
        head[items.Text(0)].push_back(spec);
    }
    // Stored definitions were valid when saved: read them without the shape rules failing on an old one.
    Result<ReportDefinition> r = ReportFromJson(head, base);
    if (!r.ok()) return r.error();
    return r;
}

Result<std::vector<ReportDefinition>> ReportService::List(const std::string& actor) {
    std::vector<ReportDefinition> out;
    Statement st = db_.Prepare("SELECT id FROM report_definition ORDER BY folder, name, id");
    std::vector<int64_t> ids;
    while (st.Step()) ids.push_back(st.Int(0));
    for (int64_t id : ids) {
        Result<ReportDefinition> r = Load(id);
        if (r.ok() && CanSee(actor, *r)) out.push_back(TrimmedFor(actor, *r));
    }
    return out;
}

Result<ReportDefinition> ReportService::Get(const std::string& actor, int64_t id, bool trimmed) {
    Result<ReportDefinition> r = Load(id);
    if (!r.ok()) return r;
    if (!CanSee(actor, *r))
        return MakeError("access.denied", "Report " + std::to_string(id) + " is private to its owner.", "id");
    if (!trimmed) return r;
    return TrimmedFor(actor, *r);
}

Result<ReportDefinition> ReportService::Create(const std::string& actor, const ReportDefinition& report) {
    return Save(actor, report, true);
}

Result<ReportDefinition> ReportService::Update(const std::string& actor, const ReportDefinition& report) {
    return Save(actor, report, false);
}

Result<ReportDefinition> ReportService::Save(const std::string& actor, const ReportDefinition& in,
                                             bool create) {
    ReportDefinition r = in;
    std::optional<ReportDefinition> old;
    if (!create) {
        Result<ReportDefinition> current = Load(in.id);
        if (!current.ok()) return current.error();
        if (Status s = CanEdit(actor, *current); !s.ok()) return s.error();
        old = *current;
        r.owner = current->owner;
        r.created_ms = current->created_ms;
    } else {
        r.owner = IsSystemActor(actor) ? "admin" : actor;
    }
    if (IsBlank(r.name)) return Invalid("name", "A report needs a name.");
    // Saving checks the definition as its saver sees it: no field they cannot read.
    if (Status s = Check(actor, r); !s.ok()) return s.error();
    if (!r.folder.empty() && (create || r.folder != old->folder) && FolderRight(actor, r.folder) != 2) {
        if (Status s = Authorize(actor, SystemPermission::ManageReports); !s.ok()) return s.error();
    }
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    const int64_t now = change.now_ms();
    if (create) r.created_ms = now;
    r.updated_ms = now;
    Statement st = db_.Prepare(
        create
            ? "INSERT INTO report_definition(name, description, folder, owner, object, format, filter_logic, "
              "filter_formula, sort_field, sort_desc, created_ms, updated_ms) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
            : "UPDATE report_definition SET name = ?1, description = ?2, folder = ?3, owner = ?4, object = "
              "?5, "
              "format = ?6, filter_logic = ?7, filter_formula = ?8, sort_field = ?9, sort_desc = ?10, "
              "created_ms = ?11, updated_ms = ?12 WHERE id = ?13");
    st.Bind(1, r.name).Bind(2, r.description).Bind(3, r.folder).Bind(4, r.owner).Bind(5, r.object);
    st.Bind(6, ReportFormatName(r.format)).Bind(7, r.filter_logic).Bind(8, r.filter_formula);
    st.Bind(9, r.sort_field).Bind(10, int64_t{r.sort_desc}).Bind(11, r.created_ms).Bind(12, r.updated_ms);
    if (!create) st.Bind(13, r.id);
    if (Status s = st.Run(); !s.ok()) {
        if (s.error().message.find("UNIQUE") != std::string::npos)
            return MakeError("report.duplicate_name", "You already have a report named \"" + r.name + "\".",
                             "name");
        return s.error();
    }
    if (create) r.id = db_.LastInsertRowId();
    Statement del = db_.Prepare("DELETE FROM report_item WHERE report_id = ?1");
    del.Bind(1, r.id);
    if (Status s = del.Run(); !s.ok()) return s.error();
    const json j = ToJson(r);
    Statement ins = db_.Prepare(
        "INSERT INTO report_item(report_id, kind, position, field, spec) VALUES (?1, ?2, ?3, ?4, ?5)");
    for (const char* kind :
         {"columns", "filters", "row_groupings", "column_groupings", "aggregates", "formulas"}) {
        int pos = 0;
        for (const json& item : j[kind]) {
            const std::string field = item.is_string() ? item.get<std::string>() : Str(item, "field");
            ins.Reset();
            ins.Bind(1, r.id).Bind(2, kind).Bind(3, pos++).Bind(4, field).Bind(5, item.dump());
            if (Status s = ins.Run(); !s.ok()) return s.error();
        }
    }
    if (j.contains("chart")) {  // the chart names no field: one item of its own kind
        ins.Reset();
        ins.Bind(1, r.id).Bind(2, "chart").Bind(3, 0).Bind(4, "").Bind(5, j["chart"].dump());
        if (Status s = ins.Run(); !s.ok()) return s.error();
    }
    json shown = ToJson(r);
    if (Status s = change.Audit("reports", create ? "create" : "update", "report." + std::to_string(r.id),
                                old ? ToJson(*old) : json(), shown);
        !s.ok())
        return s.error();
    change.Record("reports", r.object, ChangeAction::Config, r.id);
    if (Status s = change.Commit(); !s.ok()) return s.error();
    return r;
}

Status ReportService::Delete(const std::string& actor, int64_t id) {
    Result<ReportDefinition> current = Load(id);
    if (!current.ok()) return current.error();
    if (Status s = CanEdit(actor, *current); !s.ok()) return s;
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    for (const char* sql :
         {"DELETE FROM report_item WHERE report_id = ?1", "DELETE FROM report_definition WHERE id = ?1"}) {
        Statement st = db_.Prepare(sql);
        st.Bind(1, id);
        if (Status s = st.Run(); !s.ok()) return s;
    }
    if (Status s =
            change.Audit("reports", "delete", "report." + std::to_string(id), ToJson(*current), nullptr);
        !s.ok())
        return s;
    change.Record("reports", current->object, ChangeAction::Config, id);
    return change.Commit();
}

std::vector<std::string> ReportService::ReportsUsing(std::string_view object, std::string_view field) {
    std::vector<std::string> out;
    // Own fields ("Amount") and paths through lookups ("Account.Industry") both name the field.
    Statement st = db_.Prepare(
        "SELECT DISTINCT d.name FROM report_item i JOIN report_definition d ON d.id = i.report_id "
        "WHERE d.object = ?1 COLLATE NOCASE AND (i.field = ?2 COLLATE NOCASE) ORDER BY d.name");
    st.Bind(1, object).Bind(2, field);
    while (st.Step()) out.push_back("report " + st.Text(0));
    return out;
}

}  // namespace crm
