// RecordService::List: columns, filters (simple and formula), record visibility, sort and paging.
#include <algorithm>

#include "records/records_internal.h"

namespace crm {

using formula::Value;
using formula::ValueType;
using nlohmann::json;
using namespace records_detail;

namespace {

/// A query being assembled: SQL text and the binders of its parameters, in ?N order.
struct SqlBuilder {
    std::vector<std::string> where;
    std::vector<std::function<void(Statement&, int)>> params;
    std::string Param(std::function<void(Statement&, int)> bind) {
        params.push_back(std::move(bind));
        return "?" + std::to_string(params.size());
    }
    void BindAll(Statement& st) const {
        for (size_t i = 0; i < params.size(); ++i) params[i](st, static_cast<int>(i + 1));
    }
    std::string Where() const {
        std::string out;
        for (const std::string& w : where) out += (out.empty() ? " WHERE " : " AND ") + w;
        return out;
    }
};

}  // namespace

Result<ListPage> RecordService::List(const std::string& actor, std::string_view object, const ListQuery& q) {
    Result<std::shared_ptr<Runtime>> rtr = RuntimeFor(object);
    if (!rtr.ok()) return rtr.error();
    Runtime& rt = **rtr;
    const ObjectDef& o = *rt.def;
    if (!policy_->CanAccessObject(actor, o, ObjectAction::Read)) return NoAccess(o, "read");
    if (q.limit < 1 || q.limit > 1000) {
        return MakeError("invalid_argument", "The page size (limit) must be 1 to 1000.", "limit");
    }
    if (q.offset < 0) return MakeError("invalid_argument", "The offset cannot be negative.", "offset");
    auto readable = [&](int i) { return policy_->CanReadField(actor, o, rt.field(i)); };
    auto unknown = [&](const std::string& name, const char* where) {
        return MakeError("records.unknown_field", o.api_name + " has no field " + Quote(name) + ".", where);
    };

    // Columns: negative numbers are system columns (-1 = Id ...), others field indexes.
    ListPage page;
    std::vector<int> columns;
    if (q.columns.empty()) {
        for (size_t i = 0; i < o.fields.size(); ++i) {
            if (o.fields[i].state == FieldState::Active && readable(static_cast<int>(i)))
                columns.push_back(static_cast<int>(i));
        }
    } else {
        for (const std::string& name : q.columns) {
            if (const SystemColumn* s = FindSystem(name)) {
                columns.push_back(-static_cast<int>(s - kSystemColumns) - 1);
                continue;
            }
            const int i = rt.Find(name);
            if (i < 0) return unknown(name, "columns");
            if (readable(i)) columns.push_back(i);  // an unreadable column is absent
        }
    }
    for (int c : columns) page.columns.push_back(c < 0 ? kSystemColumns[-c - 1].name : rt.field(c).api_name);

    SqlBuilder sql;
    if (!IsBlank(q.filter_formula)) {
        formula::CompileOptions options;
        options.expected_result = ValueType::Boolean;
        Result<formula::CompiledFormula> c = formula::Compile(q.filter_formula, *rt.resolver, options);
        if (!c.ok()) {
            Error e = c.error();
            e.field = "filter_formula";
            return e;
        }
        // A filter must not reveal what the user cannot read.
        if (Status s = CheckFormulaReadable(actor, *policy_, rt, *c, "filter", "filter_formula"); !s.ok())
            return s.error();
        formula::SqlOptions so;
        so.now_ms = clock_.NowMs();
        so.today_days = formula::TodayAt(so.now_ms, 0);
        so.crm_functions = true;
        so.first_param = static_cast<int>(sql.params.size()) + 1;
        Result<formula::SqlCondition> cond = formula::ToSql(*c, so);
        if (!cond.ok()) {
            Error e = cond.error();
            e.field = "filter_formula";
            return e;
        }
        for (const Value& v : cond->params) {
            sql.params.push_back([v](Statement& st, int i) { formula::BindSqlValue(st, i, v); });
        }
        sql.where.push_back("(" + cond->sql + ")");
    }
    for (const ListFilter& fl : q.filters) {
        std::string column;
        const FieldDef* f = nullptr;
        if (const SystemColumn* s = FindSystem(fl.field)) {
            column = s->column;
        } else {
            const int i = rt.Find(fl.field);
            if (i < 0) return unknown(fl.field, "filters");
            if (!readable(i)) {
                return MakeError(
                    "records.field_not_readable",
                    "The filter uses " + fl.field + ", which you do not have permission to read.", "filters");
            }
            f = &rt.field(i);
            if (!f->has_column()) {
                return MakeError(
                    "records.not_filterable",
                    f->label + " is a formula field; filter on it with a filter formula instead.", "filters");
            }
            column = QuoteIdent(f->column);
        }
        if (fl.op == "blank" || fl.op == "not_blank") {
            const bool text = f && FormulaTypeOf(f->type) != ValueType::Number &&
                              f->type != FieldType::Date && f->type != FieldType::DateTime &&
                              f->type != FieldType::Lookup;
            std::string is_blank =
                text ? "(" + column + " IS NULL OR " + column + " = '')" : column + " IS NULL";
            sql.where.push_back(fl.op == "blank" ? is_blank : "NOT " + is_blank);
            continue;
        }
        std::function<void(Statement&, int)> bind;
        if (f) {
            FieldDef as = *f;
            if (fl.op == "contains" || fl.op == "starts_with") as.type = FieldType::LongText;
            if (as.type == FieldType::MultiPicklist && fl.value.is_string()) as.type = FieldType::LongText;
            Result<Value> v = ValueFromJson(as, fl.value);
            if (!v.ok()) {
                Error e = v.error();
                e.field = "filters";
                return e;
            }
            bind = [as, v = *v](Statement& st, int i) { BindValue(st, i, as, v); };
        } else if (fl.value.is_number_integer()) {
            bind = [n = fl.value.get<int64_t>()](Statement& st, int i) { st.Bind(i, n); };
        } else if (fl.value.is_string()) {
            std::string s = fl.value.get<std::string>();
            if (std::string(column).find("_at") != std::string::npos) {
                std::optional<int64_t> ms = ParseUtcIso8601(s);
                if (!ms)
                    return MakeError("invalid_argument", Quote(s) + " is not a date and time.", "filters");
                bind = [n = *ms](Statement& st, int i) { st.Bind(i, n); };
            } else {
                bind = [s](Statement& st, int i) { st.Bind(i, s); };
            }
        } else {
            return MakeError("invalid_argument", "The filter on " + fl.field + " needs a value.", "filters");
        }
        static const std::pair<const char*, const char*> kOps[] = {{"=", "="}, {"!=", "<>"}, {"<", "<"},
                                                                   {">", ">"}, {"<=", "<="}, {">=", ">="}};
        std::string op;
        for (const auto& [name, sqlop] : kOps) {
            if (fl.op == name) op = sqlop;
        }
        const std::string p = sql.Param(bind);
        if (!op.empty()) {
            sql.where.push_back(column + " " + op + " " + p);
        } else if (fl.op == "contains") {
            sql.where.push_back("instr(lower(" + column + "), lower(" + p + ")) > 0");
        } else if (fl.op == "starts_with") {
            sql.where.push_back("substr(lower(" + column + "), 1, length(" + p + ")) = lower(" + p + ")");
        } else {
            return MakeError("invalid_argument",
                             "Unknown filter operator " + Quote(fl.op) +
                                 "; use =, !=, <, >, <=, >=, contains, starts_with, blank or not_blank.",
                             "filters");
        }
    }

    // Record access, as SQL: only the rows the actor may read are counted, sorted and paged.
    {
        Result<RecordFilter> visible =
            policy_->VisibleRecords(actor, o, static_cast<int>(sql.params.size()) + 1);
        if (!visible.ok()) return visible.error();
        if (!visible->sql.empty()) {
            for (const Value& v : visible->params) {
                sql.params.push_back([v](Statement& st, int i) { formula::BindSqlValue(st, i, v); });
            }
            sql.where.push_back("(" + visible->sql + ")");
        }
    }

    std::string order = "id";
    const FieldDef* sort_by = nullptr;
    if (!q.sort_field.empty()) {
        if (const SystemColumn* s = FindSystem(q.sort_field)) {
            order = s->column;
        } else {
            const int i = rt.Find(q.sort_field);
            if (i < 0) return unknown(q.sort_field, "sort_field");
            if (!readable(i)) {
                return MakeError(
                    "records.field_not_readable",
                    "You do not have permission to read " + q.sort_field + ", so it cannot sort the list.",
                    "sort_field");
            }
            if (!rt.field(i).has_column()) {
                return MakeError("records.not_sortable",
                                 rt.field(i).label + " is a formula field and cannot sort the list.",
                                 "sort_field");
            }
            order = QuoteIdent(rt.field(i).column);
            sort_by = &rt.field(i);
        }
    }
    const char* dir = q.sort_desc ? " DESC" : " ASC";
    const std::string table = QuoteIdent(o.table);
    const std::string where = sql.Where();
    {
        const std::string matches = "SELECT 1 FROM " + table + where;
        Statement count = db_.Prepare(q.exact_total ? "SELECT COUNT(*) FROM (" + matches + ")"
                                                    : "SELECT COUNT(*) FROM (" + matches + " LIMIT " +
                                                          std::to_string(kListCountLimit + 1) + ")");
        sql.BindAll(count);
        if (count.Step()) page.total = count.Int(0);
        if (!count.status().ok()) return count.status().error();
        if (!q.exact_total && page.total > kListCountLimit) {
            page.total = kListCountLimit;
            page.total_capped = true;
        }
    }
    // The page reads the columns it shows; a formula column needs every stored field (its inputs).
    const bool narrow = !q.columns.empty() && std::none_of(columns.begin(), columns.end(), [&](int c) {
        return c >= 0 && rt.field(c).type == FieldType::Formula;
    });
    std::vector<int> read;
    std::string select = rt.select_sql;
    if (narrow) {
        select = "SELECT " + std::string(kSystemSelect);
        for (int c : columns) {
            if (c < 0) continue;
            read.push_back(c);
            select += ", " + QuoteIdent(rt.field(c).column);
        }
        select += " FROM " + table;
    }
    const std::string read_order = sort_by ? SortIndexHint(o, *sort_by, page, q, !where.empty()) : "";
    Statement st = db_.Prepare(select + read_order + where + " ORDER BY " + order + dir + ", id" + dir +
                               " LIMIT " + std::to_string(q.limit) + " OFFSET " + std::to_string(q.offset));
    sql.BindAll(st);
    while (st.Step()) {
        Row row;
        row.Read(st, rt, narrow ? &read : nullptr);
        page.rows.push_back(RowJson(actor, rt, row, &columns));
    }
    if (!st.status().ok()) return st.status().error();
    return page;
}

std::string RecordService::SortIndexHint(const ObjectDef& o, const FieldDef& sort_by, const ListPage& page,
                                         const ListQuery& q, bool filtered) {
    // When many rows match, walking the sort field's index and stopping after the page is fastest; when
    // few do, fetching them through the most selective condition and sorting them is. SQLite cannot tell
    // which from the query (the visibility subquery hides how many owners it names), but the count can:
    // the index walk reads about page_end * rows / matches rows, the fetch-and-sort `matches` rows.
    if (!filtered) return "";  // nothing else to choose from: SQLite walks the index already
    const std::string index = IndexNameFor(o, sort_by);
    Statement exists = db_.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1");
    exists.Bind(1, index);
    if (!exists.Step()) return "";
    Statement size = db_.Prepare("SELECT coalesce(max(id), 0) FROM " + QuoteIdent(o.table));
    const int64_t rows = size.Step() ? size.Int(0) : 0;
    const int64_t page_end = int64_t{q.offset} + q.limit;
    const bool many = page.total_capped || page.total * page.total > page_end * rows;
    return many ? " INDEXED BY " + QuoteIdent(index) : "";
}

}  // namespace crm
