// The engine: a definition becomes ONE grouped SQL query over the source table (joined to the records its
// lookups point at), with the viewer's visibility condition inside it; the leaf groups it answers are
// merged into subtotals and totals in memory. COUNT DISTINCT and MEDIAN do not merge: they take one more
// grouped query per level of grouping.
//
//   fields     what a field reference reads (SQL, type, label), refused when the viewer cannot read it
//   filters    simple filters, relative dates, filter logic, the filter formula
//   run        the grouped query, the group trees, the cells, sorting, top N, percents, summary formulas
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "audit/change.h"
#include "common/clock.h"
#include "common/text.h"
#include "company/company_profile.h"
#include "formula/formula.h"
#include "formula/value.h"
#include "report/report_internal.h"
#include "schema/schema.h"
#include "storage/database.h"
#include "workflow/company_time.h"

namespace crm {

using formula::Decimal;
using formula::Value;
using formula::ValueType;
using nlohmann::json;
using namespace report_detail;

namespace {

void BucketFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const auto* b = static_cast<const BucketContext*>(sqlite3_user_data(ctx));
    const int kind = sqlite3_value_int(argv[0]);
    int64_t days = sqlite3_value_int64(argv[1]);
    if (sqlite3_value_int(argv[2]) != 0) {  // a date-time: its local day in the company's zone
        const int64_t ms = days;
        const int64_t local = ms + int64_t{b->rule.OffsetAt(ms)} * 1000;
        days = local >= 0 ? local / 86'400'000 : (local - 86'399'999) / 86'400'000;
    }
    sqlite3_result_int64(ctx, DateBucketKey(static_cast<DateBucket>(kind), days, b->fiscal_start));
}

/// MEDIAN: the middle value (the mean of the two middle ones for an even count); NULLs ignored.
void MedianStep(sqlite3_context* ctx, int, sqlite3_value** argv) {
    auto** v =
        static_cast<std::vector<double>**>(sqlite3_aggregate_context(ctx, sizeof(std::vector<double>*)));
    if (!v) return;
    if (!*v) *v = new std::vector<double>();
    if (sqlite3_value_type(argv[0]) != SQLITE_NULL) (*v)->push_back(sqlite3_value_double(argv[0]));
}
void MedianFinal(sqlite3_context* ctx) {
    auto** v = static_cast<std::vector<double>**>(sqlite3_aggregate_context(ctx, 0));
    if (!v || !*v || (*v)->empty()) {
        sqlite3_result_null(ctx);
    } else {
        std::vector<double>& d = **v;
        const size_t mid = d.size() / 2;
        std::nth_element(d.begin(), d.begin() + static_cast<long>(mid), d.end());
        double m = d[mid];
        if (d.size() % 2 == 0) m = (m + *std::max_element(d.begin(), d.begin() + static_cast<long>(mid))) / 2;
        sqlite3_result_double(ctx, m);
    }
    if (v && *v) {
        delete *v;
        *v = nullptr;
    }
}

Error NotReadable(const char* where) {
    return MakeError("report.field_not_readable",
                     "The report uses a field you do not have permission to read, so it cannot run for you.",
                     where);
}

}  // namespace

void report_detail::RegisterReportFunctions(Database& db, const BucketContext* buckets) {
    // The bucket function reads the run's context from one place that outlives every run: SQLite refuses to
    // redefine a function while another statement is active (SQLITE_BUSY), which left it pointing at an
    // ended run's plan (fiscal quarters "Q-1" in the console's dashboards after a save).
    static BucketContext current;
    current = *buckets;
    sqlite3_create_function_v2(db.handle(), "crm_report_bucket", 3, SQLITE_UTF8, &current, BucketFunction,
                               nullptr, nullptr, nullptr);
    sqlite3_create_function_v2(db.handle(), "crm_report_median", 1, SQLITE_UTF8, nullptr, nullptr, MedianStep,
                               MedianFinal, nullptr);
}

namespace {

struct Resolver {
    ReportService::Plan& plan;
    SchemaService& schema;

    bool Readable(const ObjectDef& o, const FieldDef& f) const {
        return plan.policy->CanReadField(plan.actor, o, f);
    }

    Result<Field> Resolve(const std::string& name, const char* where) {
        const ObjectDef& o = *plan.object;
        const std::string qt = QuoteIdent(plan.table) + ".";
        static const struct {
            const char* name;
            const char* column;
            FieldType type;
        } kSystem[] = {{"Id", "id", FieldType::Number},
                       {"OwnerId", "owner_id", FieldType::Number},
                       {"CreatedDate", "created_at", FieldType::DateTime},
                       {"CreatedBy", "created_by", FieldType::Text},
                       {"LastModifiedDate", "updated_at", FieldType::DateTime},
                       {"LastModifiedBy", "updated_by", FieldType::Text}};
        for (const auto& s : kSystem) {
            if (ToLowerAscii(name) != ToLowerAscii(s.name)) continue;
            Field f;
            f.name = s.name;
            f.label = s.name;
            f.sql = qt + s.column;
            f.def.api_name = s.name;
            f.def.type = s.type;
            f.system_int = s.type == FieldType::Number;
            f.is_datetime_ms = s.type == FieldType::DateTime;
            return f;
        }
        const size_t dot = name.find('.');
        if (dot == std::string::npos) {
            const FieldDef* def = o.Field(name);
            if (!def)
                return MakeError("report.unknown_field", o.api_name + " has no field \"" + name + "\".",
                                 where);
            if (!Readable(o, *def)) return NotReadable(where);
            if (!def->has_column())
                return MakeError("report.formula_field",
                                 def->label + " is a formula field; reports read stored fields only.", where);
            Field f;
            f.name = def->api_name;
            f.label = def->label;
            f.sql = qt + QuoteIdent(def->column);
            f.def = *def;
            return f;
        }
        const std::string head = name.substr(0, dot), tail = name.substr(dot + 1);
        if (ToLowerAscii(head) == "owner") {
            static const std::pair<const char*, const char*> kOwner[] = {
                {"Name", "full_name"}, {"Username", "username"}, {"Role", "role"}};
            for (const auto& [n, col] : kOwner) {
                if (ToLowerAscii(tail) != ToLowerAscii(n)) continue;
                Join* j = JoinFor("rpt_owner", "", "owner_id");
                Field f;
                f.name = std::string("Owner.") + n;
                f.label = std::string("Owner ") + n;
                f.sql = j->alias + "_" + col;
                f.def.api_name = f.name;
                f.def.type = FieldType::Text;
                f.nocase = std::string(n) != "Name";  // access_user.username, access_role.name
                return f;
            }
            return MakeError("report.unknown_field", "The owner has Name, Username and Role.", where);
        }
        const FieldDef* lookup = nullptr;
        for (const FieldDef& f : o.fields) {
            if (f.state == FieldState::Active && f.type == FieldType::Lookup &&
                (ToLowerAscii(f.api_name) == ToLowerAscii(head) ||
                 ToLowerAscii(f.relationship_name) == ToLowerAscii(head)))
                lookup = &f;
        }
        if (!lookup)
            return MakeError("report.unknown_field", o.api_name + " has no lookup \"" + head + "\".", where);
        if (!Readable(o, *lookup)) return NotReadable(where);
        Result<std::shared_ptr<const ObjectDef>> target = schema.Object(lookup->lookup_object);
        if (!target.ok()) return target.error();
        const ObjectDef& t = **target;
        if (!plan.policy->CanAccessObject(plan.actor, t, ObjectAction::Read)) return NotReadable(where);
        const FieldDef* def = t.Field(tail);
        if (!def)
            return MakeError("report.unknown_field", t.api_name + " has no field \"" + tail + "\".", where);
        if (!Readable(t, *def)) return NotReadable(where);
        if (!def->has_column())
            return MakeError("report.formula_field",
                             def->label + " is a formula field; reports read stored fields only.", where);
        Join* j = JoinFor("rpt_" + ToLowerAscii(lookup->column), t.table, QuoteIdent(lookup->column), &t);
        if (!j) return MakeError("internal", "The related records could not be read.", where);
        size_t c = 0;
        while (c < j->columns.size() && j->columns[c] != def->column) ++c;
        if (c == j->columns.size()) j->columns.push_back(def->column);
        Field f;
        f.name = lookup->relationship_name.empty() ? head + "." + def->api_name
                                                   : lookup->relationship_name + "." + def->api_name;
        f.label = t.label + " " + def->label;
        f.sql = j->alias + "." + j->alias + "_c" + std::to_string(c);
        f.def = *def;
        return f;
    }

    /// The join of `alias`, made on first use (with the target's visibility condition inside it).
    Join* JoinFor(const std::string& alias, const std::string& table, const std::string& on,
                  const ObjectDef* target = nullptr) {
        for (Join& j : plan.joins)
            if (j.alias == alias) return &j;
        Join j;
        j.alias = alias;
        j.table = table;
        j.on = on;
        if (target) {
            Result<RecordFilter> visible =
                plan.policy->VisibleRecords(plan.actor, *target, static_cast<int>(plan.params.size()) + 1);
            if (!visible.ok()) return nullptr;
            j.where = visible->sql;
            for (const Value& v : visible->params)
                plan.params.push_back([v](Statement& st, int i) { formula::BindSqlValue(st, i, v); });
        }
        plan.joins.push_back(std::move(j));
        return &plan.joins.back();
    }
};

/// The names of an object's formula resolver the viewer may read (as api::CompileAsActor).
class ReadableNames final : public formula::FieldResolver {
public:
    ReadableNames(const ObjectResolver& inner, const ObjectDef& o, const AccessPolicy& p,
                  const std::string& actor)
        : inner_(inner), o_(o), p_(p), actor_(actor) {}
    const formula::FieldInfo* Find(std::string_view name) const override {
        const formula::FieldInfo* info = inner_.Find(name);
        return info && Readable(*info) ? info : nullptr;
    }
    std::vector<std::string> Names() const override {
        std::vector<std::string> names;
        for (const std::string& n : inner_.Names())
            if (Find(n)) names.push_back(n);
        return names;
    }

private:
    bool Readable(const formula::FieldInfo& info) const {
        if (const ObjectResolver::Path* path = inner_.PathAt(info.index)) {
            const FieldDef& lookup = o_.fields[static_cast<size_t>(path->lookup_index)];
            return p_.CanReadField(actor_, o_, lookup) && p_.CanReadField(actor_, o_, path->target_field);
        }
        const size_t i = static_cast<size_t>(info.index);
        return i < o_.fields.size() && p_.CanReadField(actor_, o_, o_.fields[i]);
    }
    const ObjectResolver& inner_;
    const ObjectDef& o_;
    const AccessPolicy& p_;
    const std::string& actor_;
};

}  // namespace

// [SECTION] Filters

namespace {

Result<std::string> FilterSql(ReportService::Plan& plan, const Field& f, const ReportFilter& fl) {
    const std::string& col = f.sql;
    const FieldType type = f.def.type;
    const bool is_date = type == FieldType::Date, is_dt = type == FieldType::DateTime;
    if (fl.op == "blank" || fl.op == "not_blank") {
        const ValueType vt = FormulaTypeOf(type);
        const bool text =
            vt != ValueType::Number && !is_date && !is_dt && type != FieldType::Lookup && !f.system_int;
        std::string is_blank = text ? "(" + col + " IS NULL OR " + col + " = '')" : col + " IS NULL";
        return fl.op == "blank" ? is_blank : "NOT " + is_blank;
    }
    // A relative date: a period of local days.
    if ((is_date || is_dt) && fl.value.is_string()) {
        if (std::optional<DayRange> range =
                RelativeDateRange(fl.value.get<std::string>(), plan.today, plan.buckets.fiscal_start)) {
            const int64_t a = is_date ? range->start : plan.time.ToUtc(range->start, 0);
            const int64_t b = is_date ? range->end : plan.time.ToUtc(range->end, 0);
            const std::string pa = plan.Param([a](Statement& st, int i) { st.Bind(i, a); });
            const std::string pb = plan.Param([b](Statement& st, int i) { st.Bind(i, b); });
            if (fl.op == "=") return "(" + col + " >= " + pa + " AND " + col + " < " + pb + ")";
            if (fl.op == "!=") return "(" + col + " < " + pa + " OR " + col + " >= " + pb + ")";
            if (fl.op == "<") return col + " < " + pa;
            if (fl.op == ">=") return col + " >= " + pa;
            if (fl.op == ">") return col + " >= " + pb;
            if (fl.op == "<=") return col + " < " + pb;
            return MakeError("report.invalid", "A relative date takes =, !=, <, <=, > or >=.", "filters");
        }
    }
    auto bind_of = [&](const json& value) -> Result<Binder> {
        if (f.system_int) {
            if (!value.is_number_integer())
                return MakeError("report.invalid", f.name + " is compared with a whole number.", "filters");
            return Binder([n = value.get<int64_t>()](Statement& st, int i) { st.Bind(i, n); });
        }
        if (f.is_datetime_ms) {
            std::optional<int64_t> ms =
                value.is_string() ? ParseUtcIso8601(value.get<std::string>()) : std::optional<int64_t>();
            if (!ms)
                return MakeError("report.invalid", "Compare " + f.name + " with a date and time.", "filters");
            return Binder([n = *ms](Statement& st, int i) { st.Bind(i, n); });
        }
        if (f.def.id == 0 && type == FieldType::Text) {  // the owner's name, username or role
            if (!value.is_string())
                return MakeError("report.invalid", "Compare " + f.name + " with text.", "filters");
            return Binder([s = value.get<std::string>()](Statement& st, int i) { st.Bind(i, s); });
        }
        FieldDef as = f.def;
        if (fl.op == "contains" || fl.op == "starts_with") as.type = FieldType::LongText;
        if (as.type == FieldType::MultiPicklist && value.is_string()) as.type = FieldType::LongText;
        Result<Value> v = ValueFromJson(as, value);
        if (!v.ok()) {
            Error e = v.error();
            e.field = "filters";
            return e;
        }
        return Binder([as, v = *v](Statement& st, int i) { BindValue(st, i, as, v); });
    };
    if (fl.op == "in" || fl.op == "not_in") {
        if (!fl.value.is_array() || fl.value.empty())
            return MakeError("report.invalid", "\"in\" takes a list of values.", "filters");
        std::string list;
        for (const json& v : fl.value) {
            Result<Binder> b = bind_of(v);
            if (!b.ok()) return b.error();
            list += (list.empty() ? "" : ", ") + plan.Param(*b);
        }
        return col + (fl.op == "in" ? " IN (" : " NOT IN (") + list + ")";
    }
    Result<Binder> b = bind_of(fl.value);
    if (!b.ok()) return b.error();
    const std::string p = plan.Param(*b);
    static const std::pair<const char*, const char*> kOps[] = {{"=", "="}, {"!=", "<>"}, {"<", "<"},
                                                               {">", ">"}, {"<=", "<="}, {">=", ">="}};
    for (const auto& [name, op] : kOps)
        if (fl.op == name) return col + " " + op + " " + p;
    if (fl.op == "contains") return "instr(lower(" + col + "), lower(" + p + ")) > 0";
    if (fl.op == "starts_with") return "substr(lower(" + col + "), 1, length(" + p + ")) = lower(" + p + ")";
    return MakeError(
        "report.invalid",
        "Unknown filter operator \"" + fl.op +
            "\"; use =, !=, <, >, <=, >=, contains, starts_with, in, not_in, blank or not_blank.",
        "filters");
}

std::string LogicSql(const LogicNode& n, const std::vector<std::string>& conds) {
    switch (n.kind) {
        case LogicNode::Ref:
            return "(" + conds[static_cast<size_t>(n.ref - 1)] + ")";
        case LogicNode::Not:
            return "(NOT " + LogicSql(n.children.front(), conds) + ")";
        default: {
            std::string out;
            for (const LogicNode& c : n.children)
                out += (out.empty() ? "" : n.kind == LogicNode::And ? " AND " : " OR ") + LogicSql(c, conds);
            return "(" + out + ")";
        }
    }
}

}  // namespace

// [SECTION] Prepare

Result<ReportService::Plan> ReportService::Prepare(const std::string& actor, const ReportDefinition& r,
                                                   const ReportRunOptions& options) {
    Plan plan;
    plan.actor = actor;
    plan.policy = policy_ ? policy_ : &full_access_;
    Result<std::shared_ptr<const ObjectDef>> object = schema_.Object(r.object);
    if (!object.ok()) {
        return MakeError("report.unknown_object", "There is no object \"" + r.object + "\".", "object");
    }
    plan.object = *object;
    const ObjectDef& o = **object;
    if (!plan.policy->CanAccessObject(actor, o, ObjectAction::Read))
        return MakeError("records.no_access", "You do not have permission to read " + o.plural_label + ".",
                         "object");
    plan.table = o.table;
    CompanyProfile profile;
    if (Result<CompanyProfile> c = company_.Get(); c.ok()) profile = *c;
    plan.time = CompanyTime::For(profile);
    plan.buckets.rule = plan.time.rule();
    plan.buckets.fiscal_start = std::clamp(profile.fiscal_year_start_month, 1, 12);
    const int64_t now = changes_.clock().NowMs();
    plan.today = plan.time.ToLocal(now).days;
    Resolver resolve{plan, schema_};

    // Columns (tabular rows, drill-down).
    for (const std::string& c : r.columns) {
        Result<Field> f = resolve.Resolve(c, "columns");
        if (!f.ok()) return f.error();
        plan.columns.push_back(*f);
    }
    // Groupings.
    for (int side = 0; side < 2; ++side) {
        for (const ReportGrouping& g : side ? r.column_groupings : r.row_groupings) {
            Result<Field> f = resolve.Resolve(g.field, side ? "column_groupings" : "row_groupings");
            if (!f.ok()) return f.error();
            Plan::Group group;
            group.field = *f;
            group.spec = g;
            const bool date = f->def.type == FieldType::Date || f->def.type == FieldType::DateTime;
            if (date) {
                if (group.spec.bucket == DateBucket::None) group.spec.bucket = DateBucket::Day;
                group.date = true;
                group.key_sql = "crm_report_bucket(" + std::to_string(static_cast<int>(group.spec.bucket)) +
                                ", " + f->sql + ", " + (f->def.type == FieldType::DateTime ? "1" : "0") + ")";
            } else {
                if (g.bucket != DateBucket::None)
                    return MakeError("report.invalid",
                                     f->label + " is not a date: it cannot be grouped by period.",
                                     side ? "column_groupings" : "row_groupings");
                group.key_sql = f->sql;
            }
            (side ? plan.cols : plan.rows).push_back(group);
        }
    }
    // What lookup cells and groups name (report_names.cpp).
    std::vector<const Field*> named;
    for (const Field& f : plan.columns) named.push_back(&f);
    for (const Plan::Group& g : plan.rows) named.push_back(&g.field);
    for (const Plan::Group& g : plan.cols) named.push_back(&g.field);
    for (const Field* f : named) {
        if (f->def.type != FieldType::Lookup) continue;
        if (Result<std::shared_ptr<const ObjectDef>> t = schema_.Object(f->def.lookup_object); t.ok())
            plan.lookup_targets[ToLowerAscii(f->def.lookup_object)] = *t;
    }
    // Aggregates.
    std::vector<ReportAggregate> aggs = r.aggregates;
    if (aggs.empty()) aggs.push_back(ReportAggregate{"count", AggregateFn::Count, "", "", false});
    ObjectResolver names(o, schema_.Objects(), false);
    ReadableNames readable(names, o, *plan.policy, plan.actor);
    auto condition_sql = [&](const std::string& text, const char* where) -> Result<std::string> {
        formula::CompileOptions co;
        co.expected_result = ValueType::Boolean;
        Result<formula::CompiledFormula> c = formula::Compile(text, readable, co);
        if (!c.ok()) {
            // A field the viewer cannot read is not named back to them.
            if (c.error().code == "formula.unknown_field" && formula::Compile(text, names, co).ok())
                return NotReadable(where);
            Error e = c.error();
            e.field = where;
            return e;
        }
        formula::SqlOptions so;
        so.now_ms = now;
        so.today_days = plan.today;
        so.crm_functions = true;
        so.first_param = static_cast<int>(plan.params.size()) + 1;
        Result<formula::SqlCondition> cond = formula::ToSql(*c, so);
        if (!cond.ok()) {
            Error e = cond.error();
            e.field = where;
            return e;
        }
        for (const Value& v : cond->params)
            plan.params.push_back([v](Statement& st, int i) { formula::BindSqlValue(st, i, v); });
        return cond->sql;
    };
    for (const ReportAggregate& a : aggs) {
        Plan::Agg agg;
        agg.spec = a;
        std::string x = "1";
        if (!a.field.empty()) {
            Result<Field> f = resolve.Resolve(a.field, "aggregates");
            if (!f.ok()) return f.error();
            agg.field = *f;
            agg.has_field = true;
            x = f->sql;
            const ValueType vt = FormulaTypeOf(f->def.type);
            agg.date = vt == ValueType::Date || vt == ValueType::DateTime;
            const bool numeric = vt == ValueType::Number;
            const bool ordered = numeric || agg.date;
            if ((a.fn == AggregateFn::Sum || a.fn == AggregateFn::Avg || a.fn == AggregateFn::Median) &&
                !numeric)
                return MakeError("report.invalid",
                                 std::string(AggregateFnName(a.fn)) + " needs a number field; " + f->label +
                                     " is not one.",
                                 "aggregates");
            if ((a.fn == AggregateFn::Min || a.fn == AggregateFn::Max) && !ordered)
                return MakeError("report.invalid",
                                 std::string(AggregateFnName(a.fn)) + " needs a number or date field.",
                                 "aggregates");
        }
        if (!a.condition.empty()) {
            Result<std::string> c = condition_sql(a.condition, "aggregates");
            if (!c.ok()) return c.error();
            x = "CASE WHEN (" + *c + ") THEN " + x + " END";
        }
        agg.value_sql = x;
        plan.aggs.push_back(agg);
    }
    // Filters, their logic, the filter formula, the drill-down.
    std::vector<std::string> conds;
    for (const ReportFilter& fl : r.filters) {
        Result<Field> f = resolve.Resolve(fl.field, "filters");
        if (!f.ok()) return f.error();
        Result<std::string> c = FilterSql(plan, *f, fl);
        if (!c.ok()) return c.error();
        conds.push_back(*c);
    }
    if (!IsBlank(r.filter_logic) && !conds.empty()) {
        Result<LogicNode> logic = ParseFilterLogic(r.filter_logic, static_cast<int>(conds.size()));
        if (!logic.ok()) return logic.error();
        plan.where.push_back(LogicSql(*logic, conds));
    } else {
        for (const std::string& c : conds) plan.where.push_back("(" + c + ")");
    }
    if (!IsBlank(r.filter_formula)) {
        Result<std::string> c = condition_sql(r.filter_formula, "filter_formula");
        if (!c.ok()) return c.error();
        plan.where.push_back("(" + *c + ")");
    }
    for (ReportFilter fl : options.drill) {
        Result<Field> f = resolve.Resolve(fl.field, "drill");
        if (!f.ok()) return f.error();
        // "row_group:N" / "column_group:N" (DrillFilters) name the grouping the key is of, so that a field
        // grouped twice (CloseDate by year, then by quarter) matches each key through its own bucket; a
        // plain "=" takes the first date grouping of the field.
        const Plan::Group* only = nullptr;
        for (const auto& [prefix, side] : {std::make_pair(std::string("row_group:"), &plan.rows),
                                           std::make_pair(std::string("column_group:"), &plan.cols)}) {
            if (fl.op.rfind(prefix, 0) != 0) continue;
            const size_t at = static_cast<size_t>(std::atoi(fl.op.c_str() + prefix.size()));
            if (at >= side->size() || (*side)[at].field.name != f->name)
                return MakeError("report.invalid",
                                 "The drill-down names a grouping the report does not have.", "drill");
            only = &(*side)[at];
            fl.op = "=";
        }
        // A drill into a date group names the bucket's key: match it through the same bucket.
        bool done = false;
        for (const auto* side : {&plan.rows, &plan.cols}) {
            for (const Plan::Group& g : *side) {
                if (only && &g != only) continue;
                if (done || !g.date || g.field.name != f->name || !fl.value.is_number_integer()) continue;
                const int64_t key = fl.value.get<int64_t>();
                plan.where.push_back(g.key_sql + " = " +
                                     plan.Param([key](Statement& st, int i) { st.Bind(i, key); }));
                done = true;
            }
        }
        if (done) continue;
        if (fl.value.is_null()) {
            plan.where.push_back(f->sql + " IS NULL");
            continue;
        }
        Result<std::string> c = FilterSql(plan, *f, fl);
        if (!c.ok()) return c.error();
        plan.where.push_back("(" + *c + ")");
    }
    // The viewer's records: the visibility condition goes inside the query.
    Result<RecordFilter> visible =
        plan.policy->VisibleRecords(actor, o, static_cast<int>(plan.params.size()) + 1);
    if (!visible.ok()) return visible.error();
    if (!visible->sql.empty()) {
        for (const Value& v : visible->params)
            plan.params.push_back([v](Statement& st, int i) { formula::BindSqlValue(st, i, v); });
        plan.where.push_back("(" + visible->sql + ")");
    }
    // Tabular order.
    plan.order = QuoteIdent(plan.table) + ".id";
    if (!r.sort_field.empty()) {
        Result<Field> f = resolve.Resolve(r.sort_field, "sort_field");
        if (!f.ok()) return f.error();
        plan.order = f->sql + (r.sort_desc ? " DESC" : " ASC") + ", " + plan.order;
        plan.sort = *f;
        plan.sort_desc = r.sort_desc;
    }
    return plan;
}

ReportDefinition ReportService::TrimmedFor(const std::string& actor, const ReportDefinition& in) {
    ReportDefinition r = in;
    Plan plan;
    plan.actor = actor;
    plan.policy = policy_ ? policy_ : &full_access_;
    Result<std::shared_ptr<const ObjectDef>> object = schema_.Object(r.object);
    if (!object.ok()) return r;
    plan.object = *object;
    plan.table = (*object)->table;
    Resolver resolve{plan, schema_};
    // Unknown and formula fields stay (the run explains them); unreadable ones go.
    auto hidden = [&](const std::string& name) {
        Result<Field> f = resolve.Resolve(name, "");
        return !f.ok() && f.error().code == "report.field_not_readable";
    };
    ObjectResolver names(**object, schema_.Objects(), false);
    ReadableNames readable(names, **object, *plan.policy, actor);
    auto formula_hidden = [&](const std::string& text) {
        if (IsBlank(text)) return false;
        formula::CompileOptions co;
        co.expected_result = ValueType::Boolean;
        Result<formula::CompiledFormula> c = formula::Compile(text, readable, co);
        return !c.ok() && c.error().code == "formula.unknown_field";
    };
    const size_t filters = r.filters.size();
    r.columns.erase(std::remove_if(r.columns.begin(), r.columns.end(), hidden), r.columns.end());
    r.filters.erase(std::remove_if(r.filters.begin(), r.filters.end(),
                                   [&](const ReportFilter& f) { return hidden(f.field); }),
                    r.filters.end());
    if (r.filters.size() != filters) r.filter_logic.clear();
    for (auto* g : {&r.row_groupings, &r.column_groupings})
        g->erase(
            std::remove_if(g->begin(), g->end(), [&](const ReportGrouping& x) { return hidden(x.field); }),
            g->end());
    r.aggregates.erase(std::remove_if(r.aggregates.begin(), r.aggregates.end(),
                                      [&](const ReportAggregate& a) {
                                          return (!a.field.empty() && hidden(a.field)) ||
                                                 formula_hidden(a.condition);
                                      }),
                       r.aggregates.end());
    if (formula_hidden(r.filter_formula)) r.filter_formula.clear();
    if (!r.sort_field.empty() && hidden(r.sort_field)) r.sort_field.clear();
    return r;
}

Status ReportService::Check(const std::string& actor, const ReportDefinition& r) {
    Result<Plan> plan = Prepare(actor, r, {});
    if (!plan.ok()) return plan.error();
    // Summary formulas name aggregates.
    for (const ReportSummaryFormula& f : r.formulas) {
        auto known = [&](std::string_view n) {
            for (const Plan::Agg& a : plan->aggs)
                if (ToLowerAscii(a.spec.key) == ToLowerAscii(n)) return true;
            return false;
        };
        Result<std::optional<Decimal>> v = EvalSummaryFormula(
            f.expression, [](std::string_view) { return std::optional<Decimal>(Decimal::FromInt(1)); }, known,
            nullptr);
        if (!v.ok()) return v.error();
    }
    return Status::Ok();
}

}  // namespace crm
