// Run: the grouped query, the group trees, the cells (merged up to subtotals and totals), sorting, top N,
// percents and summary formulas; the JSON form of a result; CSV and JSON export.
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "audit/change.h"
#include "common/clock.h"
#include "common/text.h"
#include "formula/value.h"
#include "report/report_internal.h"
#include "report/report_navigation.h"

namespace crm {

using formula::Decimal;
using formula::Value;
using formula::ValueType;
using nlohmann::json;
using namespace report_detail;

std::vector<ReportFilter> DrillFilters(const ReportResult& r, int row_node, int col_node) {
    std::vector<ReportFilter> out;
    auto walk = [&out](const std::vector<ReportGroupNode>& nodes, const std::vector<std::string>& fields,
                       int node, const std::string& side) {
        if (node < 0 || static_cast<size_t>(node) >= nodes.size()) return false;
        for (int n = node; n > 0; n = nodes[static_cast<size_t>(n)].parent) {
            const ReportGroupNode& g = nodes[static_cast<size_t>(n)];
            if (g.depth < 1 || static_cast<size_t>(g.depth) > fields.size()) return false;
            out.push_back(
                {fields[static_cast<size_t>(g.depth - 1)], side + std::to_string(g.depth - 1), g.key});
        }
        return true;
    };
    if (!walk(r.row_nodes, r.group_fields, row_node, "row_group:") ||
        !walk(r.col_nodes, r.column_group_fields, col_node, "column_group:"))
        return {};
    return out;
}

const ReportCell& ReportResult::Cell(int row, int col) const {
    static const ReportCell kEmpty;
    auto it = cells.find({row, col});
    return it == cells.end() ? kEmpty : it->second;
}

namespace {

std::optional<Decimal> ToDecimal(double d, int scale) {
    std::optional<Decimal> v = Decimal::FromDouble(d);
    if (!v) return std::nullopt;
    Decimal out;
    if (scale >= 0 && v->Round(scale, &out)) return out.Normalized();
    return v->Normalized();
}

bool IsMergeable(AggregateFn fn) { return fn != AggregateFn::CountDistinct && fn != AggregateFn::Median; }

/// The running aggregates of one cell.
struct Acc {
    int64_t records = 0;
    std::vector<double> a, b;  ///< per aggregate: count/sum/min/max in a, avg's count in b
    std::vector<bool> has;
    /// A run in slices, per aggregate: the distinct values met (COUNT DISTINCT, as DistinctKey encodes
    /// them) and the values met (MEDIAN).
    std::vector<std::unordered_set<std::string>> distinct;
    std::vector<std::vector<double>> values;
};

/// A value as SQLite's DISTINCT tells values apart: an integer and a real of the same number are one
/// value; text compares byte by byte (the NOCASE columns a report reads are unique, so this is the same).
std::string DistinctKey(const Statement& st, int type_col) {
    const std::string type = st.Text(type_col);
    const int col = type_col + 1;
    std::string key(1, type.empty() ? '?' : type[0]);
    double d = 0;
    int64_t i = 0;
    if (type == "integer") {
        i = st.Int(col);
    } else if (type == "real") {
        d = st.Real(col);
        if (d == std::floor(d) && std::fabs(d) < 9.2e18) {
            i = static_cast<int64_t>(d);
            key[0] = 'i';
        } else {
            key.append(reinterpret_cast<const char*>(&d), sizeof d);
            return key;
        }
    } else {
        return key + st.Text(col);
    }
    key[0] = 'i';
    key.append(reinterpret_cast<const char*>(&i), sizeof i);
    return key;
}

/// MEDIAN of `d` (reordered) exactly as crm_report_median gives it.
double Median(std::vector<double>& d) {
    const size_t mid = d.size() / 2;
    std::nth_element(d.begin(), d.begin() + static_cast<long>(mid), d.end());
    double m = d[mid];
    if (d.size() % 2 == 0) m = (m + *std::max_element(d.begin(), d.begin() + static_cast<long>(mid))) / 2;
    return m;
}

/// The tabular sort key of one detail row as SQLite orders it: blanks, numbers, text, blobs.
struct SortKey {
    int cls = 0;  ///< 0 null, 1 number, 2 text, 3 blob
    bool is_int = false;
    int64_t i = 0;
    double d = 0;
    std::string text;
};

SortKey ReadSortKey(const Statement& st, int type_col) {
    SortKey k;
    const std::string type = st.Text(type_col);
    const int col = type_col + 1;
    if (type == "integer") {
        k.cls = 1;
        k.is_int = true;
        k.i = st.Int(col);
        k.d = static_cast<double>(k.i);
    } else if (type == "real") {
        k.cls = 1;
        k.d = st.Real(col);
    } else if (type == "text" || type == "blob") {
        k.cls = type == "text" ? 2 : 3;
        k.text = st.Text(col);
    }
    return k;
}

/// -1, 0 or 1 as SQLite compares two sort keys (BINARY, or NOCASE: ASCII letters folded).
int CompareSortKeys(const SortKey& a, const SortKey& b, bool nocase) {
    if (a.cls != b.cls) return a.cls < b.cls ? -1 : 1;
    if (a.cls == 1) {
        if (a.is_int && b.is_int) return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
        return a.d < b.d ? -1 : a.d > b.d ? 1 : 0;
    }
    if (a.cls == 0) return 0;
    const size_t n = std::min(a.text.size(), b.text.size());
    for (size_t i = 0; i < n; ++i) {
        unsigned char x = static_cast<unsigned char>(a.text[i]), y = static_cast<unsigned char>(b.text[i]);
        if (nocase && a.cls == 2) {
            if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + 32);
            if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + 32);
        }
        if (x != y) return x < y ? -1 : 1;
    }
    return a.text.size() < b.text.size() ? -1 : a.text.size() > b.text.size() ? 1 : 0;
}

/// A detail row with what orders it.
struct DetailRow {
    SortKey key;
    int64_t id = 0;
    json row;
};

/// Interrupts SQLite when the run is cancelled (from another thread, or from a progress callback).
struct Progress {
    const ReportRunOptions* options;
    const std::atomic<bool>* cancelled;
    static int Callback(void* p) {
        auto* self = static_cast<Progress*>(p);
        return self->cancelled->load() || (self->options->cancel && self->options->cancel->load()) ? 1 : 0;
    }
};

json NumberJson(const Decimal& d) {
    int64_t i = 0;
    if (d.IsInteger() && d.ToInt64(&i)) return i;
    return json::parse(d.ToString(), nullptr, false);
}

}  // namespace

/// A run in progress: the plan, the group trees and running aggregates it builds, and how far the scan of
/// the source table (by id) has come. A run in one step is the single grouped query (plus one per level of
/// grouping for COUNT DISTINCT and MEDIAN, and one for the detail rows). A run in slices does everything
/// slice by slice of ids: the leaf level's grouped query merges into the cells up to the totals (groups
/// past the cap into the grand total only); COUNT DISTINCT and MEDIAN keep each cell's distinct values and
/// values across slices; the detail rows keep the first `row_limit` + 1 in the report's order. Nothing is
/// left to a whole query after the scan, so every part shows progress and can be cancelled.
struct ReportRun::State {
    using Plan = ReportService::Plan;
    Database* db = nullptr;
    ReportService::RunCache* cache = nullptr;
    uint64_t generation = 0;  ///< the cache's when the run started: a commit since then keeps it out
    std::string cache_key;
    std::vector<std::string> objects_read;
    ReportDefinition r;
    ReportRunOptions options;
    std::optional<Plan> plan;
    std::atomic<bool> cancelled{false};
    bool done = false;
    Result<ReportResult> result{Error{}};
    bool started = false, sliced = false;
    int64_t first_id = 0, last_id = -1, next_id = 0;  ///< ids [first_id, last_id]; read up to next_id

    ReportResult res;
    std::map<std::pair<int, std::string>, int> row_index, col_index;
    std::unordered_map<int64_t, Acc> accs;
    bool truncated = false;
    int64_t leaf_cells = 0;  ///< cells of the leaf level made so far (the group cap counts them)
    std::vector<DetailRow> detail;  ///< the first rows in the report's order (row_limit + 1 at most)

    bool Cancelled() const { return cancelled.load() || (options.cancel && options.cancel->load()); }
    Error Failed(const Status& s) const {
        return Cancelled() ? MakeError("report.cancelled", "The report run was cancelled.") : s.error();
    }
    void Begin();
    int NodeFor(bool col, int parent, const json& key, const Plan::Group& g, bool create);
    Acc& AccAt(int row, int col);
    Status Level(int dr, int dc, bool leaf, bool all, const std::string& range);
    Status SliceValues(const std::string& range);
    Status Details(const std::string& range);
    std::vector<Field> DetailColumns() const;
    /// The leaf node pair of a row's group keys (from column `first`), or {0, 0} when the cap left it out.
    std::pair<int, int> LeafOf(const Statement& st, int first);
    /// The cells a leaf cell feeds: itself and every ancestor pair.
    std::vector<std::pair<int, int>> Chain(int rnode, int cnode) const;
    Result<ReportResult> Finish();
    void End(Result<ReportResult> outcome);
};

void ReportRun::State::Begin() {
    res.format = r.format;
    for (const Plan::Agg& a : plan->aggs) {
        res.value_keys.push_back(a.spec.key);
        std::string type = "number";
        if (a.date && (a.spec.fn == AggregateFn::Min || a.spec.fn == AggregateFn::Max))
            type = a.field.def.type == FieldType::DateTime ? "datetime" : "date";
        res.value_types.push_back(type);
    }
    for (const Plan::Agg& a : plan->aggs)
        if (a.spec.percent) res.percent_keys.push_back(a.spec.key);
    for (const ReportSummaryFormula& f : r.formulas) {
        res.value_keys.push_back(f.key);
        res.value_types.push_back("number");
    }
    for (const Plan::Group& g : plan->rows) res.group_fields.push_back(g.field.name);
    for (const Plan::Group& g : plan->cols) res.column_group_fields.push_back(g.field.name);
}

/// The node of both trees found by (parent, key); made when `create`, else -1 when absent.
int ReportRun::State::NodeFor(bool col, int parent, const json& key, const Plan::Group& g, bool create) {
    auto& index = col ? col_index : row_index;
    auto& nodes = col ? res.col_nodes : res.row_nodes;
    const std::string text = key.dump();
    auto it = index.find({parent, text});
    if (it != index.end()) return it->second;
    if (!create) return -1;
    ReportGroupNode n;
    n.parent = parent;
    n.depth = nodes[static_cast<size_t>(parent)].depth + 1;
    n.key = key;
    if (key.is_null()) {
        n.label = "(blank)";
    } else if (g.date) {
        n.label = DateBucketLabel(g.spec.bucket, key.get<int64_t>());
    } else if (const PicklistValue* v =
                   key.is_string() ? g.field.def.FindValue(key.get<std::string>()) : nullptr) {
        n.label = v->label;
    } else if (g.field.def.type == FieldType::Checkbox) {
        n.label = key.is_number() && key.get<int64_t>() != 0 ? "True" : "False";
    } else {
        n.label = key.is_string() ? key.get<std::string>() : key.dump();
    }
    const int id = static_cast<int>(nodes.size());
    nodes.push_back(std::move(n));
    nodes[static_cast<size_t>(parent)].children.push_back(id);
    index[{parent, text}] = id;
    return id;
}

namespace {

json ReadKey(const Statement& st, int col, const Field& f) {
    if (st.IsNull(col)) return nullptr;
    const ValueType vt = FormulaTypeOf(f.def.type);
    if (f.system_int || f.is_datetime_ms || f.def.type == FieldType::Lookup ||
        f.def.type == FieldType::Checkbox || vt == ValueType::Date || vt == ValueType::DateTime)
        return st.Int(col);
    if (vt == ValueType::Number) {
        std::optional<Decimal> d = ToDecimal(st.Real(col), f.def.scale);
        return d ? NumberJson(*d) : json(st.Real(col));
    }
    return st.Text(col);
}

int64_t CellKey(int row, int col) { return (int64_t{row} << 32) | static_cast<uint32_t>(col); }

}  // namespace

Acc& ReportRun::State::AccAt(int row, int col) {
    Acc& a = accs[CellKey(row, col)];
    if (a.a.empty()) {
        const size_t nagg = plan->aggs.size();
        a.a.assign(nagg, 0);
        a.b.assign(nagg, 0);
        a.has.assign(nagg, false);
        if (sliced) {
            a.distinct.resize(nagg);
            a.values.resize(nagg);
        }
    }
    return a;
}

// One grouped query at a level of grouping: dr row keys and dc column keys, over the ids `range` names ("" =
// all). The leaf level (R, C) makes the nodes and merges every mergeable aggregate up to the totals; the
// other levels set the aggregates that do not merge (and, after a cap, the grand total).
Status ReportRun::State::Level(int dr, int dc, bool leaf, bool all, const std::string& range) {
    const Plan& p = *plan;
    const size_t nagg = p.aggs.size();
    std::string select;
    std::vector<const Plan::Group*> groups;
    for (int i = 0; i < dr; ++i) groups.push_back(&p.rows[static_cast<size_t>(i)]);
    for (int i = 0; i < dc; ++i) groups.push_back(&p.cols[static_cast<size_t>(i)]);
    for (const Plan::Group* g : groups) select += g->key_sql + ", ";
    select += "COUNT(*)";
    std::vector<int> parts;  // the first column of each aggregate's parts (-1: not in this query)
    int col = static_cast<int>(groups.size()) + 1;
    for (const Plan::Agg& a : p.aggs) {
        // A sliced leaf level leaves what does not merge to one whole query after the scan.
        const bool unmerge = !IsMergeable(a.spec.fn);
        const bool in = leaf ? !(sliced && unmerge) : (all || unmerge);
        parts.push_back(in ? col : -1);
        if (!in) continue;
        const std::string& x = a.value_sql;
        switch (a.spec.fn) {
            case AggregateFn::Count:
                select += ", COUNT(" + x + ")";
                break;
            case AggregateFn::Sum:
                select += ", SUM(" + x + ")";
                break;
            case AggregateFn::Avg:
                select += ", SUM(" + x + "), COUNT(" + x + ")";
                ++col;
                break;
            case AggregateFn::Min:
                select += ", MIN(" + x + ")";
                break;
            case AggregateFn::Max:
                select += ", MAX(" + x + ")";
                break;
            case AggregateFn::CountDistinct:
                select += ", COUNT(DISTINCT " + x + ")";
                break;
            case AggregateFn::Median:
                select += ", crm_report_median(" + x + ")";
                break;
        }
        ++col;
    }
    std::string sql = "SELECT " + select + p.From() +
                      p.Where(range.empty() ? std::vector<std::string>{} : std::vector<std::string>{range});
    if (!groups.empty()) {
        sql += " GROUP BY ";
        for (size_t i = 0; i < groups.size(); ++i) sql += (i ? ", " : "") + std::to_string(i + 1);
        // A run in slices reads every group of its slice: those past the cap feed the grand total.
        if (leaf && !sliced) sql += " LIMIT " + std::to_string(options.group_limit + 1);
    }
    if (leaf && range.empty()) res.sql = sql;
    Result<Statement> prepared_st = db->TryPrepare(sql);
    if (!prepared_st.ok()) return prepared_st.error();
    Statement& st = *prepared_st;
    p.BindAll(st, sql);
    const bool capped = leaf && !groups.empty();
    int64_t n = 0;
    while (st.Step()) {
        if (capped && !sliced && ++n > options.group_limit) {
            truncated = true;
            break;
        }
        int rnode = 0, cnode = 0;
        bool found = true;
        const bool create = leaf && (!capped || leaf_cells < options.group_limit);
        for (int i = 0; i < dr && found; ++i) {
            const Plan::Group& g = p.rows[static_cast<size_t>(i)];
            rnode = NodeFor(false, rnode, ReadKey(st, i, g.field), g, create);
            found = rnode >= 0;
        }
        for (int i = 0; i < dc && found; ++i) {
            const Plan::Group& g = p.cols[static_cast<size_t>(i)];
            cnode = NodeFor(true, cnode, ReadKey(st, dr + i, g.field), g, create);
            found = cnode >= 0;
        }
        if (capped && found && !accs.count(CellKey(rnode, cnode))) {
            // A group an earlier slice did not have: past the cap it is left out like the others.
            found = leaf_cells < options.group_limit;
            if (found) ++leaf_cells;
        }
        if (!found) {  // a group cut off by the cap
            if (leaf) truncated = true;
            if (!(leaf && sliced)) continue;
            rnode = cnode = 0;  // a run in slices counts it in the grand total
        }
        const int base = static_cast<int>(groups.size());
        const int64_t records = st.Int(base);
        // The cells this row feeds: itself, and at the leaf level every ancestor pair.
        const std::vector<std::pair<int, int>> chain =
            leaf ? Chain(rnode, cnode) : std::vector<std::pair<int, int>>{{rnode, cnode}};
        for (const auto& cell : chain) {
            {
                const int rn = cell.first, cn = cell.second;
                const bool self = rn == rnode && cn == cnode;
                Acc& acc = AccAt(rn, cn);
                if (leaf || all) acc.records = leaf ? acc.records + records : records;
                for (size_t k = 0; k < nagg; ++k) {
                    const int part = parts[k];
                    if (part < 0) continue;
                    const AggregateFn fn = p.aggs[k].spec.fn;
                    const bool merge = leaf && IsMergeable(fn);
                    if (!merge && !self) continue;
                    if (st.IsNull(part)) continue;
                    const double v = st.Real(part);
                    if (!merge || !acc.has[k]) {
                        acc.a[k] = v;
                        acc.b[k] = fn == AggregateFn::Avg ? st.Real(part + 1) : 0;
                    } else if (fn == AggregateFn::Min) {
                        acc.a[k] = std::min(acc.a[k], v);
                    } else if (fn == AggregateFn::Max) {
                        acc.a[k] = std::max(acc.a[k], v);
                    } else {
                        acc.a[k] += v;
                        if (fn == AggregateFn::Avg) acc.b[k] += st.Real(part + 1);
                    }
                    acc.has[k] = true;
                }
            }
        }
    }
    if (!st.status().ok()) return st.status();
    return Status::Ok();
}

/// The detail columns: the report's, or the id.
std::vector<Field> ReportRun::State::DetailColumns() const {
    std::vector<Field> cols = plan->columns;
    if (cols.empty()) {
        Field id;
        id.name = id.label = "Id";
        id.sql = QuoteIdent(plan->table) + ".id";
        id.system_int = true;
        cols.push_back(id);
    }
    return cols;
}

namespace {

/// A detail row: the id in column 0, then `cols`.
json DetailJson(const Statement& st, const std::vector<Field>& cols) {
    json row = {{"Id", st.Int(0)}};
    for (size_t i = 0; i < cols.size(); ++i) {
        const Field& f = cols[i];
        const int c = static_cast<int>(i) + 1;
        if (st.IsNull(c)) {
            row[f.name] = nullptr;
        } else if (f.system_int) {
            row[f.name] = st.Int(c);
        } else if (f.is_datetime_ms) {
            row[f.name] = FormatUtcIso8601(st.Int(c));
        } else if (f.def.id == 0 && f.def.type == FieldType::Text) {
            row[f.name] = st.Text(c);
        } else {
            row[f.name] = ValueToJson(f.def, ReadValue(st, c, f.def));
        }
    }
    return row;
}

}  // namespace

std::vector<std::pair<int, int>> ReportRun::State::Chain(int rnode, int cnode) const {
    std::vector<int> rchain{rnode}, cchain{cnode};
    for (int x = rnode; x > 0;) rchain.push_back(x = res.row_nodes[static_cast<size_t>(x)].parent);
    for (int x = cnode; x > 0;) cchain.push_back(x = res.col_nodes[static_cast<size_t>(x)].parent);
    std::vector<std::pair<int, int>> out;
    for (int rn : rchain)
        for (int cn : cchain) out.emplace_back(rn, cn);
    return out;
}

std::pair<int, int> ReportRun::State::LeafOf(const Statement& st, int first) {
    const Plan& p = *plan;
    int rnode = 0, cnode = 0;
    for (size_t i = 0; i < p.rows.size() && rnode >= 0; ++i)
        rnode = NodeFor(false, rnode, ReadKey(st, first + static_cast<int>(i), p.rows[i].field), p.rows[i],
                        false);
    for (size_t i = 0; i < p.cols.size() && cnode >= 0 && rnode >= 0; ++i)
        cnode = NodeFor(true, cnode,
                        ReadKey(st, first + static_cast<int>(p.rows.size() + i), p.cols[i].field), p.cols[i],
                        false);
    if (rnode < 0 || cnode < 0 || !accs.count(CellKey(rnode, cnode))) return {0, 0};
    return {rnode, cnode};
}

// A slice of a run in slices, after its leaf level: the values COUNT DISTINCT and MEDIAN keep per cell
// (one query per such aggregate: the group keys and the value of each record that has one).
Status ReportRun::State::SliceValues(const std::string& range) {
    const Plan& p = *plan;
    std::string keys;
    for (const auto* side : {&p.rows, &p.cols})
        for (const Plan::Group& g : *side) keys += g.key_sql + ", ";
    const int nkeys = static_cast<int>(p.rows.size() + p.cols.size());
    for (size_t k = 0; k < p.aggs.size(); ++k) {
        const AggregateFn fn = p.aggs[k].spec.fn;
        if (IsMergeable(fn)) continue;
        const std::string& x = p.aggs[k].value_sql;
        const bool distinct = fn == AggregateFn::CountDistinct;
        const std::string sql = std::string("SELECT ") + (distinct ? "DISTINCT " : "") + keys + "typeof(" + x +
                                "), " + x + p.From() + p.Where({range, "(" + x + ") IS NOT NULL"});
        Result<Statement> prepared = db->TryPrepare(sql);
        if (!prepared.ok()) return prepared.error();
        Statement& st = *prepared;
        p.BindAll(st, sql);
        while (st.Step()) {
            const std::pair<int, int> leaf = LeafOf(st, 0);
            const std::vector<std::pair<int, int>> chain = leaf == std::pair<int, int>{0, 0}
                                                               ? std::vector<std::pair<int, int>>{{0, 0}}
                                                               : Chain(leaf.first, leaf.second);
            if (distinct) {
                const std::string key = DistinctKey(st, nkeys);
                for (const auto& c : chain) AccAt(c.first, c.second).distinct[k].insert(key);
            } else {
                const double v = st.Real(nkeys + 1);
                for (const auto& c : chain) AccAt(c.first, c.second).values[k].push_back(v);
            }
        }
        if (!st.status().ok()) return st.status();
    }
    return Status::Ok();
}

// The detail rows (a tabular report, a drill-down) of the ids `range` names ("" = all): the first
// row_limit + 1 in the report's order (its sort field, then id), merged with those kept so far.
Status ReportRun::State::Details(const std::string& range) {
    const Plan& p = *plan;
    const bool by_id = p.sort.sql.empty();
    const size_t keep = static_cast<size_t>(options.row_limit) + 1;
    if (by_id && detail.size() >= keep) return Status::Ok();  // later slices hold later ids
    const std::vector<Field> cols = DetailColumns();
    std::string select = QuoteIdent(p.table) + ".id";
    for (const Field& f : cols) select += ", " + f.sql;
    if (!by_id) select += ", typeof(" + p.sort.sql + "), " + p.sort.sql;
    const std::string sql = "SELECT " + select + p.From() +
                            p.Where(range.empty() ? std::vector<std::string>{} : std::vector<std::string>{range}) +
                            " ORDER BY " + p.order + " LIMIT " + std::to_string(keep);
    Result<Statement> prepared = db->TryPrepare(sql);
    if (!prepared.ok()) return prepared.error();
    Statement& st = *prepared;
    p.BindAll(st, sql);
    std::vector<DetailRow> rows;
    while (st.Step()) {
        DetailRow row;
        row.id = st.Int(0);
        row.row = DetailJson(st, cols);
        if (!by_id) row.key = ReadSortKey(st, static_cast<int>(cols.size()) + 1);
        rows.push_back(std::move(row));
    }
    if (!st.status().ok()) return st.status();
    const bool desc = p.sort_desc, nocase = p.sort.nocase;
    auto before = [desc, nocase](const DetailRow& a, const DetailRow& b) {
        const int c = CompareSortKeys(a.key, b.key, nocase);
        if (c != 0) return desc ? c > 0 : c < 0;
        return a.id < b.id;
    };
    std::vector<DetailRow> merged;
    merged.reserve(std::min(keep, detail.size() + rows.size()));
    std::merge(std::make_move_iterator(detail.begin()), std::make_move_iterator(detail.end()),
               std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()),
               std::back_inserter(merged), before);
    if (merged.size() > keep) merged.resize(keep);
    detail = std::move(merged);
    return Status::Ok();
}

Result<ReportResult> ReportRun::State::Finish() {
    const Plan& plan = *this->plan;
    const size_t nagg = plan.aggs.size();
    const int R = static_cast<int>(plan.rows.size()), C = static_cast<int>(plan.cols.size());
    const bool unmergeable = std::any_of(plan.aggs.begin(), plan.aggs.end(),
                                         [](const Plan::Agg& a) { return !IsMergeable(a.spec.fn); });
    // A run in one step: the other levels' queries for what does not merge, and the capped grand total.
    for (int dr = 0; dr <= R && !sliced; ++dr) {
        for (int dc = 0; dc <= C; ++dc) {
            if (dr == R && dc == C) continue;
            const bool total = dr == 0 && dc == 0 && truncated;
            if (!unmergeable && !total) continue;
            if (Status s = Level(dr, dc, false, total, ""); !s.ok()) return Failed(s);
        }
    }
    // A run in slices: what its slices kept.
    for (auto& entry : accs) {
        Acc& acc = entry.second;
        for (size_t k = 0; k < nagg && sliced; ++k) {
            const AggregateFn fn = plan.aggs[k].spec.fn;
            if (fn == AggregateFn::CountDistinct) {
                acc.a[k] = static_cast<double>(acc.distinct[k].size());
                acc.has[k] = true;
                acc.distinct[k].clear();
            } else if (fn == AggregateFn::Median && !acc.values[k].empty()) {
                acc.a[k] = Median(acc.values[k]);
                acc.has[k] = true;
                acc.values[k] = {};
            }
        }
    }
    if (truncated) {
        res.truncated = true;
        res.messages.push_back(
            "The groupings have more than " + std::to_string(options.group_limit) +
            " groups: only the first " + std::to_string(options.group_limit) +
            " are shown (their subtotals may be partial); the grand total counts every record.");
    }
    // Top N in SQL is not cheaper than in memory here: groups are few once aggregated.
    // Cells: decimals, percents, summary formulas.
    bool div_zero = false;
    for (auto& [key, acc] : accs) {
        const int rn = static_cast<int>(key >> 32), cn = static_cast<int>(key & 0xffffffff);
        ReportCell cell;
        cell.records = acc.records;
        for (size_t k = 0; k < nagg; ++k) {
            const Plan::Agg& a = plan.aggs[k];
            std::optional<Decimal> v;
            const int scale = a.has_field ? a.field.def.scale : 0;
            if (a.spec.fn == AggregateFn::Count || a.spec.fn == AggregateFn::CountDistinct) {
                v = Decimal::FromInt(acc.has[k] ? static_cast<int64_t>(acc.a[k]) : 0);
            } else if (acc.has[k]) {
                switch (a.spec.fn) {
                    case AggregateFn::Avg: {
                        std::optional<Decimal> sum = ToDecimal(acc.a[k], -1);
                        Decimal out, rounded;
                        if (sum && acc.b[k] > 0 &&
                            Decimal::Div(*sum, Decimal::FromInt(static_cast<int64_t>(acc.b[k])), &out) &&
                            out.Round(std::min(scale + 4, 18), &rounded))
                            v = rounded.Normalized();
                        break;
                    }
                    case AggregateFn::Median:
                        v = ToDecimal(acc.a[k], std::min(scale + 1, 18));
                        break;
                    default:
                        v = ToDecimal(acc.a[k], a.date ? 0 : scale);
                }
            }
            cell.values.push_back(v);
        }
        res.cells[{rn, cn}] = std::move(cell);
    }
    if (!res.cells.count({0, 0})) {
        ReportCell empty;
        for (size_t k = 0; k < nagg; ++k) {
            const AggregateFn fn = plan.aggs[k].spec.fn;
            empty.values.push_back(fn == AggregateFn::Count || fn == AggregateFn::CountDistinct
                                       ? std::optional<Decimal>(Decimal::FromInt(0))
                                       : std::nullopt);
        }
        res.cells[{0, 0}] = empty;
    }
    res.record_count = res.Cell(0, 0).records;
    for (auto& entry : res.cells) {
        // Named variables, not structured bindings: C++17 lambdas cannot capture those (clang refuses).
        ReportCell& cell = entry.second;
        const int rn = entry.first.first, cn = entry.first.second;
        const int parent = res.row_nodes[static_cast<size_t>(rn)].parent;
        for (size_t k = 0; k < nagg; ++k) {
            if (!plan.aggs[k].spec.percent) continue;
            auto pct = [&](int of_row) -> std::optional<Decimal> {
                const ReportCell& base = res.Cell(of_row, cn);
                if (of_row < 0 || k >= base.values.size() || !base.values[k] || base.values[k]->IsZero() ||
                    !cell.values[k])
                    return std::nullopt;
                Decimal q, hundred, out;
                if (!Decimal::Div(*cell.values[k], *base.values[k], &q) ||
                    !Decimal::Mul(q, Decimal::FromInt(100), &hundred) || !hundred.Round(2, &out))
                    return std::nullopt;
                return out.Normalized();
            };
            cell.pct_total.push_back(pct(0));
            cell.pct_parent.push_back(parent < 0 ? pct(0) : pct(parent));
        }
        for (const ReportSummaryFormula& f : r.formulas) {
            auto find = [&](std::string_view n) -> int {
                for (size_t k = 0; k < nagg; ++k)
                    if (ToLowerAscii(plan.aggs[k].spec.key) == ToLowerAscii(n)) return static_cast<int>(k);
                return -1;
            };
            bool dz = false;
            Result<std::optional<Decimal>> v = EvalSummaryFormula(
                f.expression, [&](std::string_view n) { return cell.values[static_cast<size_t>(find(n))]; },
                [&](std::string_view n) { return find(n) >= 0; }, &dz);
            if (!v.ok()) return v.error();
            div_zero = div_zero || dz;
            std::optional<Decimal> out;
            Decimal rounded;
            if (*v && (*v)->Round(f.scale, &rounded)) out = rounded.Normalized();
            cell.values.push_back(out);
        }
    }
    if (div_zero)
        res.messages.push_back("A summary formula divides by zero in some groups: those cells are blank.");

    if (Status s = report_detail::NameGroups(*db, plan, res); !s.ok()) return Failed(s);
    // Order the groups of each level, then keep the top N.
    for (int side = 0; side < 2; ++side) {
        auto& nodes = side ? res.col_nodes : res.row_nodes;
        const auto& groups = side ? plan.cols : plan.rows;
        for (size_t i = 0; i < nodes.size(); ++i) {
            std::vector<int>& children = nodes[i].children;
            if (children.empty()) continue;
            const Plan::Group& g = groups[static_cast<size_t>(nodes[i].depth)];
            const bool by_name = report_detail::NamesRecords(plan, g.field);
            int sort_value = -1;
            for (size_t k = 0; k < res.value_keys.size(); ++k)
                if (!g.spec.sort_by.empty() &&
                    ToLowerAscii(res.value_keys[k]) == ToLowerAscii(g.spec.sort_by))
                    sort_value = static_cast<int>(k);
            auto rank = [&](int n) -> int {
                const json& key = nodes[static_cast<size_t>(n)].key;
                if (!key.is_string()) return -1;
                for (size_t p = 0; p < g.field.def.picklist.size(); ++p)
                    if (g.field.def.picklist[p].api_name == key.get<std::string>())
                        return static_cast<int>(p);
                return -1;
            };
            auto value_of = [&](int n) -> std::optional<Decimal> {
                const ReportCell& c = side ? res.Cell(0, n) : res.Cell(n, 0);
                return static_cast<size_t>(sort_value) < c.values.size()
                           ? c.values[static_cast<size_t>(sort_value)]
                           : std::nullopt;
            };
            std::stable_sort(children.begin(), children.end(), [&](int a, int b) {
                bool less;
                if (sort_value >= 0) {
                    std::optional<Decimal> va = value_of(a), vb = value_of(b);
                    if (!va || !vb) return va.has_value() && !vb.has_value();  // blanks last
                    if (*va == *vb) return false;
                    less = *va < *vb;
                } else {
                    const json& ka = nodes[static_cast<size_t>(a)].key;
                    const json& kb = nodes[static_cast<size_t>(b)].key;
                    if (ka.is_null() != kb.is_null()) return ka.is_null();  // blank first
                    const int ra = rank(a), rb = rank(b);
                    if (ra != rb && ra >= 0 && rb >= 0) {
                        less = ra < rb;
                    } else if (by_name) {  // related records and owners by their names
                        const std::string& la = nodes[static_cast<size_t>(a)].label;
                        const std::string& lb = nodes[static_cast<size_t>(b)].label;
                        if (la == lb) return false;
                        less = la < lb;
                    } else if (ka == kb) {
                        return false;
                    } else {
                        less = ka < kb;
                    }
                }
                return g.spec.descending ? !less : less;
            });
            if (g.spec.top_n > 0 && static_cast<int>(children.size()) > g.spec.top_n) {
                res.messages.push_back("Showing the top " + std::to_string(g.spec.top_n) + " of " +
                                       std::to_string(children.size()) + " groups of " + g.field.label + ".");
                children.resize(static_cast<size_t>(g.spec.top_n));
            }
        }
    }

    // Detail rows: a tabular report, or a drill-down.
    if (r.format == ReportFormat::Tabular || options.details) {
        const std::vector<Field> columns = DetailColumns();
        for (const Field& f : columns) res.columns.push_back(f.name);
        if (!sliced)
            if (Status s = Details(""); !s.ok()) return Failed(s);
        for (DetailRow& row : detail) {
            if (static_cast<int>(res.rows.size()) >= options.row_limit) {
                res.truncated = true;
                res.messages.push_back("Showing the first " + std::to_string(options.row_limit) +
                                       " rows of " + std::to_string(res.record_count) + ".");
                break;
            }
            res.rows.push_back(std::move(row.row));
        }
        detail.clear();
        if (Status s = report_detail::NameDetailCells(*db, plan, columns, res); !s.ok()) return Failed(s);
    }
    return std::move(res);
}

void ReportRun::State::End(Result<ReportResult> outcome) {
    done = true;
    plan.reset();
    accs.clear();
    detail.clear();
    if (outcome.ok() && cache && cache->generation == generation)
        cache->Store(cache_key, objects_read, *outcome);
    result = std::move(outcome);
}

std::unique_ptr<ReportRun> ReportService::StartRun(const std::string& actor, const ReportDefinition& r,
                                                   const ReportRunOptions& options) {
    auto state = std::make_unique<ReportRun::State>();
    ReportRun::State& s = *state;
    s.db = &db_;
    s.cache = cache_.get();
    s.generation = cache_->generation;
    s.cache_key = RunCache::Key(actor, r, options, changes_.clock().NowMs());
    s.r = r;
    s.options = options;
    if (const ReportResult* hit = cache_->Find(s.cache_key)) {
        s.done = true;
        s.result = *hit;
    } else if (Result<Plan> plan = Prepare(actor, r, options); !plan.ok()) {
        s.done = true;
        s.result = plan.error();
    } else {
        s.plan = std::move(*plan);
        s.objects_read = ObjectsRead(schema_, r);
    }
    return std::unique_ptr<ReportRun>(new ReportRun(std::move(state)));
}

ReportRun::ReportRun(std::unique_ptr<State> state) : state_(std::move(state)) {}
ReportRun::~ReportRun() = default;
bool ReportRun::done() const { return state_->done; }
void ReportRun::Cancel() { state_->cancelled = true; }
const Result<ReportResult>& ReportRun::result() const { return state_->result; }
int64_t ReportRun::total() const { return std::max<int64_t>(0, state_->last_id - state_->first_id + 1); }
int64_t ReportRun::scanned() const {
    const State& s = *state_;
    if (s.done) return total();
    return s.started ? std::max<int64_t>(0, std::min(s.next_id, s.last_id + 1) - s.first_id) : 0;
}

bool ReportRun::Step(int64_t records) {
    State& s = *state_;
    if (s.done) return true;
    if (s.Cancelled()) {
        s.End(MakeError("report.cancelled", "The report run was cancelled."));
        return true;
    }
    ReportService::Plan& plan = *s.plan;
    RegisterReportFunctions(*s.db, &plan.buckets);
    Progress progress{&s.options, &s.cancelled};
    sqlite3_progress_handler(s.db->handle(), 1000, &Progress::Callback, &progress);
    struct Unhook {
        sqlite3* db;
        ~Unhook() { sqlite3_progress_handler(db, 0, nullptr, nullptr); }
    } unhook{s.db->handle()};
    const std::string id = QuoteIdent(plan.table) + ".id";
    if (!s.started) {
        s.started = true;
        s.Begin();
        Result<Statement> span = s.db->TryPrepare("SELECT MIN(id), MAX(id) FROM " + QuoteIdent(plan.table));
        if (!span.ok()) {
            s.End(span.error());
            return true;
        }
        if (span->Step() && !span->IsNull(0)) {
            s.first_id = span->Int(0);
            s.last_id = span->Int(1);
        }
        s.next_id = s.first_id;
        // Slices only when one step will not read it all: a whole run is the one query of before.
        s.sliced = s.last_id - s.first_id + 1 > std::max<int64_t>(records, 1);
    }
    // One slice per step (an empty table still runs the leaf level once, for its totals).
    const bool empty = s.last_id < s.first_id;
    if (empty || s.next_id <= s.last_id) {
        const int64_t left = s.last_id - s.next_id + 1;
        const int64_t hi = records >= left ? s.last_id : s.next_id + std::max<int64_t>(records, 1) - 1;
        const std::string range =
            s.sliced ? id + " BETWEEN " + std::to_string(s.next_id) + " AND " + std::to_string(hi) : "";
        if (Status st = s.Level(static_cast<int>(plan.rows.size()), static_cast<int>(plan.cols.size()), true,
                                false, range);
            !st.ok()) {
            s.End(s.Failed(st));
            return true;
        }
        if (s.sliced) {
            Status more = s.SliceValues(range);
            if (more.ok() && (s.r.format == ReportFormat::Tabular || s.options.details)) more = s.Details(range);
            if (!more.ok()) {
                s.End(s.Failed(more));
                return true;
            }
        }
        s.next_id = empty ? s.first_id : hi + 1;
        if (s.options.progress) s.options.progress(empty ? 0 : s.next_id - s.first_id);
        if (!empty && s.next_id <= s.last_id) return false;
    }
    s.End(s.Finish());
    return true;
}

// [SECTION] JSON and export

namespace {

json ValueJson(const std::optional<Decimal>& v, const std::string& type) {
    if (!v) return nullptr;
    if (type == "date") return formula::FormatDate(v->ToCount());
    if (type == "datetime") {
        int64_t ms = 0;
        (void)v->ToInt64(&ms);
        return FormatUtcIso8601(ms);
    }
    return NumberJson(*v);
}

json CellJson(const ReportResult& r, const ReportCell& c) {
    json values = json::object(), pt = json::object(), pp = json::object();
    for (size_t k = 0; k < r.value_keys.size() && k < c.values.size(); ++k)
        values[r.value_keys[k]] = ValueJson(c.values[k], r.value_types[k]);
    json out = {{"records", c.records}, {"values", values}};
    if (!c.pct_total.empty()) {
        for (size_t i = 0; i < c.pct_total.size(); ++i) {
            pt[r.percent_keys[i]] = ValueJson(c.pct_total[i], "number");
            pp[r.percent_keys[i]] = ValueJson(c.pct_parent[i], "number");
        }
        out["pct_total"] = pt;
        out["pct_parent"] = pp;
    }
    return out;
}

json NodeJson(const ReportResult& r, int n, bool col) {
    const ReportGroupNode& node = (col ? r.col_nodes : r.row_nodes)[static_cast<size_t>(n)];
    json j = {{"id", n}, {"key", node.key}, {"label", node.label}};
    const ReportCell& total = col ? r.Cell(0, n) : r.Cell(n, 0);
    j.update(CellJson(r, total));
    if (!col && r.format == ReportFormat::Matrix) {
        json cells = json::array();
        for (size_t c = 1; c < r.col_nodes.size(); ++c) {
            auto it = r.cells.find({n, static_cast<int>(c)});
            if (it == r.cells.end()) continue;
            json cell = CellJson(r, it->second);
            cell["column"] = c;
            cells.push_back(std::move(cell));
        }
        j["cells"] = std::move(cells);
    }
    json children = json::array();
    for (int c : node.children) children.push_back(NodeJson(r, c, col));
    if (!children.empty()) j["children"] = std::move(children);
    return j;
}

}  // namespace

json ToJson(const ReportResult& r) {
    json j = {{"format", ReportFormatName(r.format)},
              {"columns", r.columns},
              {"rows", r.rows},
              {"values", json::array()},
              {"row_groupings", r.group_fields},
              {"column_groupings", r.column_group_fields},
              {"groups", json::array()},
              {"totals", CellJson(r, r.Cell(0, 0))},
              {"record_count", r.record_count},
              {"truncated", r.truncated},
              {"messages", r.messages}};
    for (size_t k = 0; k < r.value_keys.size(); ++k)
        j["values"].push_back({{"key", r.value_keys[k]}, {"type", r.value_types[k]}});
    if (!r.names.empty()) {
        json names = json::object();
        for (const auto& [column, ids] : r.names)
            for (const auto& [id, name] : ids) names[column][std::to_string(id)] = name;
        j["names"] = std::move(names);
    }
    for (int c : r.row_nodes.front().children) j["groups"].push_back(NodeJson(r, c, false));
    if (r.format == ReportFormat::Matrix) {
        j["column_groups"] = json::array();
        for (int c : r.col_nodes.front().children) j["column_groups"].push_back(NodeJson(r, c, true));
    }
    return j;
}

namespace {

std::string CellText(const json& v) {
    if (v.is_null()) return "";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_array()) {
        std::string out;
        for (const json& x : v) out += (out.empty() ? "" : ";") + CellText(x);
        return out;
    }
    return v.dump();
}

}  // namespace

const std::string* ReportResult::NameOf(const std::string& column, const json& value) const {
    if (!value.is_number_integer()) return nullptr;
    auto c = names.find(column);
    if (c == names.end()) return nullptr;
    auto n = c->second.find(value.get<int64_t>());
    return n == c->second.end() ? nullptr : &n->second;
}

namespace {

void CsvLine(std::string& out, const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + CsvField(cells[i]);
    out += "\r\n";
}

}  // namespace

Result<std::string> ReportService::Export(const std::string& actor, const ReportDefinition& report,
                                          const std::string& format, bool with_bom,
                                          const ReportRunOptions& in) {
    if (Status s = Authorize(actor, SystemPermission::ExportReports); !s.ok()) return s.error();
    if (format != "csv" && format != "json")
        return MakeError("invalid_argument", "Export as \"csv\" or \"json\".", "format");
    ReportRunOptions options = in;
    options.row_limit = std::max(options.row_limit, 100'000);
    Result<ReportResult> run = Run(actor, report, options);
    if (!run.ok()) return run.error();
    const ReportResult& r = *run;
    if (format == "json") return ToJson(r).dump(2);
    std::string out = with_bom ? "\xEF\xBB\xBF" : "";
    if (r.format == ReportFormat::Tabular) {
        CsvLine(out, r.columns);
        for (const json& row : r.rows) {
            std::vector<std::string> cells;
            for (const std::string& c : r.columns) {
                const json value = row.value(c, json());
                const std::string* name = r.NameOf(c, value);
                cells.push_back(name ? *name : CellText(value));
            }
            CsvLine(out, cells);
        }
        return out;
    }
    // Summary and matrix: one line per group (subtotals included), then the grand total.
    std::vector<int> leaf_cols;
    for (size_t c = 1; c < r.col_nodes.size(); ++c)
        if (r.col_nodes[c].children.empty()) leaf_cols.push_back(static_cast<int>(c));
    std::vector<std::string> header = r.group_fields;
    auto col_label = [&](int c) {
        std::string label;
        for (int x = c; x > 0; x = r.col_nodes[static_cast<size_t>(x)].parent)
            label = r.col_nodes[static_cast<size_t>(x)].label + (label.empty() ? "" : " / " + label);
        return label;
    };
    for (int c : leaf_cols)
        for (const std::string& k : r.value_keys) header.push_back(col_label(c) + " " + k);
    for (const std::string& k : r.value_keys)
        header.push_back(r.format == ReportFormat::Matrix ? "Total " + k : k);
    header.push_back("Records");
    CsvLine(out, header);
    std::function<void(int)> walk = [&](int n) {
        if (n > 0) {
            std::vector<std::string> line(r.group_fields.size());
            for (int x = n; x > 0; x = r.row_nodes[static_cast<size_t>(x)].parent)
                line[static_cast<size_t>(r.row_nodes[static_cast<size_t>(x)].depth - 1)] =
                    r.row_nodes[static_cast<size_t>(x)].label;
            auto values = [&](const ReportCell& c) {
                for (size_t k = 0; k < r.value_keys.size(); ++k)
                    line.push_back(k < c.values.size() ? CellText(ValueJson(c.values[k], r.value_types[k]))
                                                       : "");
            };
            for (int c : leaf_cols) values(r.Cell(n, c));
            values(r.Cell(n, 0));
            line.push_back(std::to_string(r.Cell(n, 0).records));
            CsvLine(out, line);
        }
        for (int c : r.row_nodes[static_cast<size_t>(n)].children) walk(c);
    };
    walk(0);
    std::vector<std::string> total(r.group_fields.size());
    if (!total.empty()) total[0] = "Grand total";
    for (int c : leaf_cols)
        for (size_t k = 0; k < r.value_keys.size(); ++k)
            total.push_back(CellText(ValueJson(
                r.Cell(0, c).values.size() > k ? r.Cell(0, c).values[k] : std::nullopt, r.value_types[k])));
    for (size_t k = 0; k < r.value_keys.size(); ++k)
        total.push_back(CellText(ValueJson(r.Cell(0, 0).values[k], r.value_types[k])));
    total.push_back(std::to_string(r.record_count));
    CsvLine(out, total);
    return out;
}

}  // namespace crm
