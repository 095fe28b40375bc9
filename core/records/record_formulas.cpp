// Formulas over stored records, as the acting user: EvalFormula and the validation-rule test. Neither
// answers more than the actor may read: the object's Read permission, the records shared with the actor,
// and only formulas whose every field the actor may read.
#include <algorithm>

#include "records/records_internal.h"

namespace crm {

using formula::Value;
using formula::ValueType;
using nlohmann::json;
using namespace records_detail;

Status RecordService::CheckFormulaReadable(const std::string& actor, const AccessPolicy& policy, Runtime& rt,
                                           const formula::CompiledFormula& compiled, const char* what,
                                           const char* where) {
    const ObjectDef& o = *rt.def;
    for (const formula::FieldInfo& info : compiled.fields()) {
        bool readable = true;
        if (const ObjectResolver::Path* p = rt.resolver->PathAt(info.index)) {
            // Account.Name from an Opportunity: the lookup, the object it points to, and the field there.
            readable = policy.CanReadField(actor, o, rt.field(p->lookup_index));
            Result<std::shared_ptr<const ObjectDef>> target = schema_.Object(p->target_field.object);
            readable = readable && target.ok() &&
                       policy.CanAccessObject(actor, **target, ObjectAction::Read) &&
                       policy.CanReadField(actor, **target, p->target_field);
        } else {
            readable = info.index >= 0 && policy.CanReadField(actor, o, rt.field(info.index));
        }
        if (!readable) {
            return MakeError("records.field_not_readable",
                             std::string("The ") + what + " uses " + info.name +
                                 ", which you do not have permission to read.",
                             where);
        }
    }
    return Status::Ok();
}

Result<RuleTestResult> RecordService::TestRule(const std::string& actor, std::string_view object,
                                               std::string_view condition, int examples) {
    if (IsBlank(actor)) return NoActor();
    const AccessPolicy& policy = *policy_;
    Result<std::shared_ptr<Runtime>> rtr = RuntimeFor(object);
    if (!rtr.ok()) return rtr.error();
    Runtime& rt = **rtr;
    const ObjectDef& o = *rt.def;
    if (!policy.CanAccessObject(actor, o, ObjectAction::Read)) return NoAccess(o, "read");
    Result<formula::CompiledFormula> c = schema_.CompileRule(o.api_name, condition);
    if (!c.ok()) {
        Error e = c.error();
        e.field = "condition";
        return e;
    }
    if (Status s = CheckFormulaReadable(actor, policy, rt, *c, "condition", "condition"); !s.ok())
        return s.error();
    // Only the records the actor may read are tested, counted and listed.
    Result<RecordFilter> visible = policy.VisibleRecords(actor, o, 1);
    if (!visible.ok()) return visible.error();
    const std::string where_visible = visible->sql.empty() ? "" : "(" + visible->sql + ")";
    auto bind_visible = [&](Statement& st) {
        for (size_t i = 0; i < visible->params.size(); ++i)
            formula::BindSqlValue(st, static_cast<int>(i) + 1, visible->params[i]);
    };
    RuleTestResult out;
    const std::string table = QuoteIdent(o.table);
    const std::string name_column = rt.name_index >= 0 ? QuoteIdent(rt.field(rt.name_index).column) : "''";
    {
        Statement count = db_.Prepare("SELECT COUNT(*) FROM " + table +
                                      (where_visible.empty() ? "" : " WHERE " + where_visible));
        bind_visible(count);
        if (count.Step()) out.records = count.Int(0);
        if (!count.status().ok()) return count.status().error();
    }
    formula::SqlOptions so;
    so.now_ms = clock_.NowMs();
    so.today_days = formula::TodayAt(so.now_ms, 0);
    so.crm_functions = true;
    so.first_param = static_cast<int>(visible->params.size()) + 1;
    const formula::Globals globals = c->uses_globals() ? GlobalsFor(actor) : formula::Globals{};
    so.globals = &globals;
    Result<formula::SqlCondition> cond = formula::ToSql(*c, so);
    if (cond.ok()) {
        out.in_sql = true;
        const std::string where =
            " WHERE " + (where_visible.empty() ? "" : where_visible + " AND ") + "(" + cond->sql + ")";
        Statement count = db_.Prepare("SELECT COUNT(*) FROM " + table + where);
        bind_visible(count);
        formula::BindSqlParams(count, *cond);
        if (count.Step()) out.failing = count.Int(0);
        if (!count.status().ok()) return count.status().error();
        Statement list = db_.Prepare("SELECT id, " + name_column + " FROM " + table + where +
                                     " ORDER BY id LIMIT " + std::to_string(std::max(0, examples)));
        bind_visible(list);
        formula::BindSqlParams(list, *cond);
        while (list.Step()) out.examples.emplace_back(list.Int(0), list.IsNull(1) ? "" : list.Text(1));
        if (!list.status().ok()) return list.status().error();
        return out;
    }
    // Not translatable (ISCHANGED, formula fields...): each record as if saved unchanged.
    Statement st = db_.Prepare(rt.select_sql + (where_visible.empty() ? "" : " WHERE " + where_visible) +
                               " ORDER BY id");
    bind_visible(st);
    Row row;
    while (st.Step()) {
        row.Read(st, rt);
        View view(*this, rt, row.values, nullptr, false);
        formula::EvalContext context = formula::EvalContext::At(&view, so.now_ms);
        context.globals = &globals;
        Result<Value> v = formula::Evaluate(*c, context);
        if (v.ok() && v->boolean()) {
            ++out.failing;
            if (static_cast<int>(out.examples.size()) < examples) {
                out.examples.emplace_back(
                    row.id, rt.name_index >= 0 ? row.values[static_cast<size_t>(rt.name_index)].text() : "");
            }
        }
    }
    if (!st.status().ok()) return st.status().error();
    return out;
}

Result<Value> RecordService::EvalFormula(const std::string& actor, std::string_view object,
                                         std::string_view text, int64_t id, const json& values) {
    if (IsBlank(actor)) return NoActor();
    const AccessPolicy& policy = *policy_;
    Result<std::shared_ptr<Runtime>> rtr = RuntimeFor(object);
    if (!rtr.ok()) return rtr.error();
    Runtime& rt = **rtr;
    const ObjectDef& o = *rt.def;
    if (!policy.CanAccessObject(actor, o, ObjectAction::Read)) return NoAccess(o, "read");
    formula::CompileOptions options;
    options.allow_prior_values = true;
    Result<formula::CompiledFormula> c = formula::Compile(text, *rt.resolver, options);
    if (!c.ok()) return c.error();
    if (Status s = CheckFormulaReadable(actor, policy, rt, *c, "formula", "formula"); !s.ok())
        return s.error();
    std::vector<Value> record(o.fields.size());
    for (size_t i = 0; i < record.size(); ++i) record[i] = Value::Blank(FormulaTypeOf(o.fields[i].type));
    if (id > 0) {
        Result<Row> row = LoadRow(rt, id);
        if (!row.ok()) return row.error();
        if (policy.RecordLevel(actor, o, id, row->owner_id.value_or(0)) < AccessLevel::Read)
            return NoRecordAccess(o, id, "read");
        record = row->values;
    }
    if (values.is_object()) {
        for (auto it = values.begin(); it != values.end(); ++it) {
            const int i = rt.Find(it.key());
            if (i < 0)
                return MakeError("records.unknown_field",
                                 o.api_name + " has no field " + Quote(it.key()) + ".", it.key());
            if (rt.field(i).type == FieldType::Formula) continue;
            Result<Value> v = ValueFromJson(rt.field(i), it.value());
            if (!v.ok()) return v.error();
            record[static_cast<size_t>(i)] = *v;
        }
    }
    View view(*this, rt, record, nullptr, id <= 0);
    const formula::Globals globals = c->uses_globals() ? GlobalsFor(actor) : formula::Globals{};
    formula::EvalContext context = formula::EvalContext::At(&view, clock_.NowMs());
    context.globals = &globals;
    return formula::Evaluate(*c, context);
}

}  // namespace crm
