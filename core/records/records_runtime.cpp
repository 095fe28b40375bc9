// RecordService: the per-object runtime (rebuilt after each schema change), stored rows, the JSON form
// of a record, and the reads Get and History.
#include <algorithm>
#include <cmath>

#include "audit/change.h"
#include "records/records_internal.h"

namespace crm {

using formula::Value;
using formula::ValueType;
using nlohmann::json;
using namespace records_detail;

namespace records_detail {

const SystemColumn kSystemColumns[] = {
    {"Id", "id"},
    {"OwnerId", "owner_id"},
    {"CreatedDate", "created_at"},
    {"CreatedBy", "created_by"},
    {"LastModifiedDate", "updated_at"},
    {"LastModifiedBy", "updated_by"},
};

const SystemColumn* FindSystem(std::string_view name) {
    for (int i = 0; i < kSystemCount; ++i) {
        if (SameName(kSystemColumns[i].name, name)) return &kSystemColumns[i];
    }
    return nullptr;
}

Error NoAccess(const ObjectDef& o, const char* what) {
    return MakeError("records.no_access",
                     std::string("You do not have permission to ") + what + " " + o.plural_label + ".");
}

Error NoRecordAccess(const ObjectDef& o, int64_t id, const char* what) {
    return MakeError("records.no_record_access",
                     std::string("You do not have access to ") + what + " this " + o.label + " (id " +
                         std::to_string(id) + "): it is not shared with you at that level.",
                     "id");
}

Error NoActor() {
    return MakeError("auth.no_actor", "Say who makes the change: the acting user is missing.", "as");
}

}  // namespace records_detail

void RecordService::Row::Read(const Statement& st, const Runtime& rt, const std::vector<int>* only) {
    id = st.Int(0);
    owner_id = st.OptInt(1);
    created_at = st.Int(2);
    created_by = st.Text(3);
    updated_at = st.Int(4);
    updated_by = st.Text(5);
    values.resize(rt.def->fields.size());
    int column = kSystemCount;
    for (int i : only ? *only : rt.stored) values[static_cast<size_t>(i)] = ReadValue(st, column++, rt.field(i));
}
RecordService::RecordService(Changes& changes, SchemaService& schema)
    : changes_(changes),
      db_(changes.db()),
      schema_(schema),
      clock_(changes.clock()),
      policy_(&full_access_),
      statements_(changes.db()) {
    // REGEX and ^ in list-view filters and rule tests run inside SQLite.
    (void)formula::RegisterSqlFunctions(db_);
    // The stages this service owns; other areas add theirs with AddSaveStage.
    stages_ = {
        {SaveStageId::Access, "access", nullptr, &RecordService::AccessStage},
        {SaveStageId::Types, "types", nullptr, &RecordService::TypesStage},
        {SaveStageId::RequiredUnique, "required_unique", nullptr, &RecordService::RequiredUniqueStage},
        {SaveStageId::ValidationRules, "validation_rules", nullptr, &RecordService::ValidationRulesStage},
        {SaveStageId::History, "history", nullptr, &RecordService::HistoryStage},
        {SaveStageId::Write, "write", nullptr, &RecordService::WriteStage},
    };
}

RecordService::~RecordService() = default;

void RecordService::SetAccessPolicy(const AccessPolicy* policy) { policy_ = policy ? policy : &full_access_; }

Result<std::shared_ptr<RecordService::Runtime>> RecordService::RuntimeFor(std::string_view object) {
    if (runtimes_version_ != schema_.version()) {
        runtimes_.clear();
        statements_.Clear();  // columns may have moved
        runtimes_version_ = schema_.version();
    }
    Result<std::shared_ptr<const ObjectDef>> def = schema_.Object(object);
    if (!def.ok()) return def.error();
    auto it = runtimes_.find((*def)->api_name);
    if (it != runtimes_.end()) return it->second;

    auto rt = std::make_shared<Runtime>();
    rt->def = *def;
    rt->resolver = schema_.Resolver((*def)->api_name);
    const ObjectDef& o = *rt->def;
    rt->formulas.resize(o.fields.size());
    std::string columns = kSystemSelect;
    std::string insert_cols = "owner_id, created_at, created_by, updated_at, updated_by";
    std::string insert_vals = "?1, ?2, ?3, ?4, ?5";
    std::string update_set = "updated_at = ?2, updated_by = ?3";
    int param = 6;
    int update_param = 4;
    ObjectResolver formula_resolver(o, schema_.Objects(), /*with_formulas=*/false);
    for (size_t i = 0; i < o.fields.size(); ++i) {
        const FieldDef& f = o.fields[i];
        if (f.state != FieldState::Active) continue;
        rt->by_name[ToLowerAscii(f.api_name)] = static_cast<int>(i);
        rt->by_api_name[f.api_name] = static_cast<int>(i);
        if (SameName(f.api_name, o.name_field)) rt->name_index = static_cast<int>(i);
        if (f.type == FieldType::Formula) {
            formula::CompileOptions options;
            options.expected_result = FormulaTypeOf(f.formula_type);
            Result<formula::CompiledFormula> c = formula::Compile(f.formula, formula_resolver, options);
            if (c.ok()) rt->formulas[i] = *c;
            continue;
        }
        rt->stored.push_back(static_cast<int>(i));
        columns += ", " + QuoteIdent(f.column);
        insert_cols += ", " + QuoteIdent(f.column);
        insert_vals += ", ?" + std::to_string(param++);
        update_set += ", " + QuoteIdent(f.column) + " = ?" + std::to_string(update_param++);
    }
    rt->lookup_exists_sql.resize(o.fields.size());
    rt->has_inactive_choice.resize(o.fields.size());
    for (int i : rt->stored) {
        const FieldDef& f = rt->field(i);
        rt->has_inactive_choice[static_cast<size_t>(i)] = std::any_of(
            f.picklist.begin(), f.picklist.end(), [](const PicklistValue& v) { return !v.active; });
        if (f.type != FieldType::Lookup) continue;
        if (Result<std::shared_ptr<const ObjectDef>> target = schema_.Object(f.lookup_object); target.ok())
            rt->lookup_exists_sql[static_cast<size_t>(i)] =
                "SELECT 1 FROM " + QuoteIdent((*target)->table) + " WHERE id = ?1";
    }
    const std::string table = QuoteIdent(o.table);
    rt->select_sql = "SELECT " + columns + " FROM " + table;
    rt->insert_sql = "INSERT INTO " + table + "(" + insert_cols + ") VALUES(" + insert_vals + ")";
    rt->update_sql = "UPDATE " + table + " SET " + update_set + " WHERE id = ?1";
    for (const ValidationRule& r : schema_.Rules(o.api_name)) {
        if (!r.active) continue;
        Result<formula::CompiledFormula> c = schema_.CompileRule(o.api_name, r.condition);
        // A rule whose fields were changed since it was saved no longer compiles: it fails every save
        // with its compile error rather than being silently skipped.
        if (c.ok()) {
            rt->rules.push_back({r, *c});
        } else {
            Result<formula::CompiledFormula> always = formula::Compile("TRUE", *rt->resolver);
            ValidationRule broken = r;
            broken.error_message = "Validation rule " + r.name + " no longer compiles: " + c.error().message;
            rt->rules.push_back({broken, *always});
        }
    }
    // A new record starts from the defaults.
    rt->defaults.resize(o.fields.size());
    for (int i : rt->stored) {
        const FieldDef& f = rt->field(i);
        Value v = Value::Blank(FormulaTypeOf(f.type));
        if (!f.default_value.empty()) {
            if (Result<Value> d = ValueFromText(f, f.default_value); d.ok()) v = *d;
        } else if (f.type == FieldType::Picklist) {
            for (const PicklistValue& pv : f.picklist) {
                if (pv.is_default && pv.active) v = Value::Picklist(pv.api_name);
            }
        } else if (f.type == FieldType::Checkbox) {
            v = Value::Boolean(false);
        }
        rt->defaults[static_cast<size_t>(i)] = std::move(v);
    }
    runtimes_[o.api_name] = rt;
    return rt;
}

Value RecordService::ReadPath(Runtime& rt, const ObjectResolver::Path& path,
                              const std::vector<Value>& values) {
    const Value& id = values[static_cast<size_t>(path.lookup_index)];
    const ValueType type = FormulaTypeOf(path.target_field.type);
    if (id.is_blank()) return type == ValueType::Boolean ? Value::Boolean(false) : Value::Blank(type);
    (void)rt;
    Statement& st = Cached("SELECT " + QuoteIdent(path.target_field.column) + " FROM " +
                           QuoteIdent(path.target_table) + " WHERE id = ?1");
    st.Bind(1, static_cast<int64_t>(std::stoll(id.text())));
    if (!st.Step()) return type == ValueType::Boolean ? Value::Boolean(false) : Value::Blank(type);
    return ReadValue(st, 0, path.target_field);
}

Value RecordService::ComputeFormula(Runtime& rt, int index, const std::vector<Value>& values) {
    const formula::CompiledFormula& f = *rt.formulas[static_cast<size_t>(index)];
    View view(*this, rt, values, nullptr, false);
    Result<Value> v = formula::Evaluate(f, formula::EvalContext::At(&view, clock_.NowMs()));
    // A formula that fails on this record (division by zero...) reads as blank, as "#Error!" would.
    const FieldDef& def = rt.field(index);
    Value out = v.ok() ? *v : Value::Blank(FormulaTypeOf(def.formula_type));
    if (out.type() == ValueType::Number && !out.is_blank()) {
        const double scale = std::pow(10.0, def.scale);
        out = Value::Number(std::round(out.number() * scale) / scale);
    }
    return out;
}

Result<RecordService::Row> RecordService::LoadRow(Runtime& rt, int64_t id) {
    Statement& st = Cached(rt.select_sql + " WHERE id = ?1");
    st.Bind(1, id);
    if (!st.Step()) {
        if (!st.status().ok()) return st.status().error();
        return MakeError("records.not_found",
                         "There is no " + rt.def->label + " with id " + std::to_string(id) + ".", "id");
    }
    Row row;
    row.Read(st, rt);
    return row;
}

json RecordService::RowJson(const std::string& actor, Runtime& rt, const Row& row,
                            const std::vector<int>* columns) {
    const ObjectDef& o = *rt.def;
    json out = json::object();
    out["Id"] = row.id;
    auto system = [&](const char* name) {
        if (SameName(name, "OwnerId"))
            out[name] = row.owner_id ? json(*row.owner_id) : json(nullptr);
        else if (SameName(name, "CreatedDate"))
            out[name] = FormatUtcIso8601(row.created_at);
        else if (SameName(name, "CreatedBy"))
            out[name] = row.created_by;
        else if (SameName(name, "LastModifiedDate"))
            out[name] = FormatUtcIso8601(row.updated_at);
        else if (SameName(name, "LastModifiedBy"))
            out[name] = row.updated_by;
    };
    auto field = [&](int i) {
        const FieldDef& f = rt.field(i);
        if (!policy_->CanReadField(actor, o, f)) return;  // absent, not blank
        Value v = rt.formulas[static_cast<size_t>(i)] ? ComputeFormula(rt, i, row.values)
                                                      : row.values[static_cast<size_t>(i)];
        if (f.type == FieldType::Formula) {
            FieldDef as = f;
            as.type = f.formula_type;
            out[f.api_name] = ValueToJson(as, v);
        } else {
            out[f.api_name] = ValueToJson(f, v);
        }
    };
    if (!columns) {
        for (int c = 1; c < kSystemCount; ++c) system(kSystemColumns[c].name);
        for (size_t i = 0; i < o.fields.size(); ++i) {
            if (o.fields[i].state == FieldState::Active) field(static_cast<int>(i));
        }
    } else {
        for (int c : *columns) {
            if (c < 0) {
                system(kSystemColumns[-c - 1].name);
            } else {
                field(c);
            }
        }
    }
    return out;
}

Result<json> RecordService::Get(const std::string& actor, std::string_view object, int64_t id) {
    Result<std::shared_ptr<Runtime>> rt = RuntimeFor(object);
    if (!rt.ok()) return rt.error();
    if (!policy_->CanAccessObject(actor, *(*rt)->def, ObjectAction::Read))
        return NoAccess(*(*rt)->def, "read");
    Result<Row> row = LoadRow(**rt, id);
    if (!row.ok()) return row.error();
    if (policy_->RecordLevel(actor, *(*rt)->def, id, row->owner_id.value_or(0)) < AccessLevel::Read)
        return NoRecordAccess(*(*rt)->def, id, "read");
    return RowJson(actor, **rt, *row, nullptr);
}

Result<std::vector<FieldHistoryEntry>> RecordService::History(const std::string& actor,
                                                              std::string_view object, int64_t id) {
    Result<std::shared_ptr<Runtime>> rt = RuntimeFor(object);
    if (!rt.ok()) return rt.error();
    const ObjectDef& o = *(*rt)->def;
    if (!policy_->CanAccessObject(actor, o, ObjectAction::Read)) return NoAccess(o, "read");
    {
        Result<Row> row = LoadRow(**rt, id);
        if (!row.ok()) return row.error();
        if (policy_->RecordLevel(actor, o, id, row->owner_id.value_or(0)) < AccessLevel::Read)
            return NoRecordAccess(o, id, "read");
    }
    std::vector<FieldHistoryEntry> out;
    Statement st = db_.Prepare(
        "SELECT field, old_value, new_value, actor, at_ms FROM field_history WHERE object_id = ?1 AND "
        "record_id = ?2 "
        "ORDER BY at_ms DESC, id DESC");
    st.Bind(1, o.id).Bind(2, id);
    while (st.Step()) {
        const FieldDef* f = o.Field(st.Text(0));
        if (!f || !policy_->CanReadField(actor, o, *f)) continue;
        FieldHistoryEntry e;
        e.record_id = id;
        e.field = f->api_name;
        e.old_value = json::parse(st.Text(1), nullptr, false);
        e.new_value = json::parse(st.Text(2), nullptr, false);
        e.actor = st.Text(3);
        e.at_ms = st.Int(4);
        out.push_back(std::move(e));
    }
    if (!st.status().ok()) return st.status().error();
    return out;
}

}  // namespace crm
