// Conditions of processes and assignment rules: compiled on an object, evaluated on a record's values.
#include "workflow/process_formulas.h"

#include <algorithm>

#include "common/text.h"
#include "storage/database.h"

namespace crm::workflow_detail {

using formula::Value;
using formula::ValueType;

bool SameName(std::string_view a, std::string_view b) { return ToLowerAscii(a) == ToLowerAscii(b); }

std::string JoinNames(const std::vector<std::string>& names) {
    if (names.empty()) return "(none)";
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

Result<formula::CompiledFormula> CompileCondition(const SchemaService& schema, std::string_view object,
                                                  std::string_view text, bool prior_values) {
    std::shared_ptr<const ObjectResolver> resolver = schema.Resolver(object);
    if (!resolver)
        return MakeError("schema.unknown_object", "There is no object " + std::string(object) + ".");
    formula::CompileOptions options;
    options.allow_prior_values = prior_values;
    options.expected_result = ValueType::Boolean;
    return formula::Compile(text, *resolver, options);
}

std::vector<std::pair<std::string, std::string>> FieldsRead(const SchemaService& schema,
                                                            const ObjectDef& object,
                                                            const formula::CompiledFormula& compiled) {
    std::vector<std::pair<std::string, std::string>> out;
    std::shared_ptr<const ObjectResolver> resolver = schema.Resolver(object.api_name);
    for (const formula::FieldInfo& f : compiled.fields()) {
        if (resolver) {
            if (const ObjectResolver::Path* p = resolver->PathAt(f.index)) {
                out.emplace_back(object.fields[static_cast<size_t>(p->lookup_index)].object,
                                 object.fields[static_cast<size_t>(p->lookup_index)].api_name);
                out.emplace_back(p->target_field.object, p->target_field.api_name);
                continue;
            }
        }
        if (f.index >= 0 && static_cast<size_t>(f.index) < object.fields.size())
            out.emplace_back(object.api_name, object.fields[static_cast<size_t>(f.index)].api_name);
    }
    return out;
}

ValuesView::ValuesView(Database& db, const SchemaService& schema, const ObjectDef& object,
                       const std::vector<Value>& current, const std::vector<Value>* prior, bool is_new)
    : db_(db), schema_(schema), object_(object), current_(current), prior_(prior), is_new_(is_new) {}

Value ValuesView::Read(const formula::FieldInfo& field, const std::vector<Value>& values) const {
    auto blank = [&](ValueType type) {
        return type == ValueType::Boolean ? Value::Boolean(false) : Value::Blank(type);
    };
    std::shared_ptr<const ObjectResolver> resolver = schema_.Resolver(object_.api_name);
    if (resolver) {
        if (const ObjectResolver::Path* p = resolver->PathAt(field.index)) {
            const ValueType type = FormulaTypeOf(p->target_field.type);
            const Value& id = values[static_cast<size_t>(p->lookup_index)];
            if (id.is_blank() || !p->target_field.has_column()) return blank(type);
            Statement st = db_.Prepare("SELECT " + QuoteIdent(p->target_field.column) + " FROM " +
                                       QuoteIdent(p->target_table) + " WHERE id = ?1");
            st.Bind(1, static_cast<int64_t>(std::stoll(id.text())));
            if (!st.Step()) return blank(type);
            return ReadValue(st, 0, p->target_field);
        }
    }
    if (field.index < 0 || static_cast<size_t>(field.index) >= values.size()) return blank(field.type);
    const FieldDef& def = object_.fields[static_cast<size_t>(field.index)];
    if (def.type == FieldType::Formula) {
        // A formula field computed from the same values (formula fields cannot read formula fields).
        ObjectResolver plain(object_, schema_.Objects(), false);
        Result<formula::CompiledFormula> c = formula::Compile(def.formula, plain);
        if (!c.ok()) return blank(FormulaTypeOf(def.formula_type));
        ValuesView inner(db_, schema_, object_, values, nullptr, false);
        Result<Value> v = formula::Evaluate(*c, formula::EvalContext::At(&inner, 0));
        return v.ok() ? *v : blank(FormulaTypeOf(def.formula_type));
    }
    return values[static_cast<size_t>(field.index)];
}

Result<bool> EvalCondition(const formula::CompiledFormula& condition, const formula::RecordView& view,
                           int64_t now_ms, const formula::Globals* globals) {
    formula::EvalContext context = formula::EvalContext::At(&view, now_ms);
    formula::Globals none;
    context.globals = globals ? globals : &none;
    Result<Value> v = formula::Evaluate(condition, context);
    if (!v.ok()) return v.error();
    return v->boolean();
}

std::optional<StoredRecord> LoadRecord(Database& db, const ObjectDef& object, int64_t id) {
    std::string sql = "SELECT owner_id";
    std::vector<int> columns;
    for (size_t i = 0; i < object.fields.size(); ++i) {
        const FieldDef& f = object.fields[i];
        if (f.state != FieldState::Active || !f.has_column()) continue;
        sql += ", " + QuoteIdent(f.column);
        columns.push_back(static_cast<int>(i));
    }
    sql += " FROM " + QuoteIdent(object.table) + " WHERE id = ?1";
    Statement st = db.Prepare(sql);
    st.Bind(1, id);
    if (!st.Step()) return std::nullopt;
    StoredRecord r;
    r.id = id;
    r.owner_id = st.IsNull(0) ? 0 : st.Int(0);
    r.values.resize(object.fields.size());
    for (size_t i = 0; i < object.fields.size(); ++i) {
        const FieldDef& f = object.fields[i];
        const ValueType type =
            f.type == FieldType::Formula ? FormulaTypeOf(f.formula_type) : FormulaTypeOf(f.type);
        r.values[i] = type == ValueType::Boolean ? Value::Boolean(false) : Value::Blank(type);
    }
    for (size_t c = 0; c < columns.size(); ++c) {
        const FieldDef& f = object.fields[static_cast<size_t>(columns[c])];
        r.values[static_cast<size_t>(columns[c])] = ReadValue(st, static_cast<int>(c) + 1, f);
        if (SameName(f.api_name, object.name_field))
            r.name = ValueToText(f, r.values[static_cast<size_t>(columns[c])]);
    }
    return r;
}

Result<std::vector<int64_t>> RecordsToSimulate(RecordService& records, const std::string& actor,
                                               std::string_view object, const std::vector<int64_t>& ids,
                                               const std::string& filter, int limit) {
    std::vector<int64_t> out;
    if (!ids.empty()) {
        for (int64_t id : ids) {
            Result<nlohmann::json> r = records.Get(actor, object, id);
            if (!r.ok()) return r.error();
            out.push_back(id);
            if (static_cast<int>(out.size()) >= limit) break;
        }
        return out;
    }
    ListQuery q;
    q.columns = {"Id"};
    q.filter_formula = filter;
    q.limit = std::max(1, std::min(limit, 1000));
    Result<ListPage> page = records.List(actor, object, q);
    if (!page.ok()) return page.error();
    for (const nlohmann::json& row : page->rows) out.push_back(row.value("Id", int64_t{0}));
    return out;
}

}  // namespace crm::workflow_detail
