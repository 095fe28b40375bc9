// RecordService: the save pipeline (access -> field types -> required and unique -> validation rules ->
// field history -> write), reads with formula fields, list queries and saved list views.
#include "records/records.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "common/text.h"
#include "storage/database.h"

namespace crm {

using formula::Value;
using formula::ValueType;
using nlohmann::json;

namespace {

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }
bool SameName(std::string_view a, std::string_view b) { return ToLowerAscii(a) == ToLowerAscii(b); }

// The system columns, as the JSON form names them.
struct SystemColumn {
    const char* name;
    const char* column;
};
const SystemColumn kSystemColumns[] = {
    {"Id", "id"},
    {"OwnerId", "owner_id"},
    {"CreatedDate", "created_at"},
    {"CreatedBy", "created_by"},
    {"LastModifiedDate", "updated_at"},
    {"LastModifiedBy", "updated_by"},
};
constexpr int kSystemCount = 6;

const SystemColumn* FindSystem(std::string_view name) {
    for (const SystemColumn& c : kSystemColumns) {
        if (SameName(c.name, name)) return &c;
    }
    return nullptr;
}

}  // namespace

namespace {

Error NoAccess(const ObjectDef& o, const char* what) {
    return MakeError("records.no_access",
                     std::string("You do not have permission to ") + what + " " + o.plural_label + ".");
}

// The record-level refusal: the object permission allows the action, sharing does not reach this record.
Error NoRecordAccess(const ObjectDef& o, int64_t id, const char* what) {
    return MakeError("records.no_record_access",
                     std::string("You do not have access to ") + what + " this " + o.label + " (id " +
                         std::to_string(id) + "): it is not shared with you at that level.",
                     "id");
}

// "CASE-{0000}" with 12 -> "CASE-0012".
std::string FormatAutoNumber(const std::string& format, int64_t n) {
    const size_t open = format.find("{0");
    const size_t close = format.find('}', open);
    if (open == std::string::npos || close == std::string::npos) return format + std::to_string(n);
    const size_t width = close - open - 1;
    std::string digits = std::to_string(n);
    if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
    return format.substr(0, open) + digits + format.substr(close + 1);
}

}  // namespace

// [SECTION] Runtime: what the pipeline needs of one object, rebuilt after each schema change.

struct RecordService::Row {
    int64_t id = 0;
    std::optional<int64_t> owner_id;
    int64_t created_at = 0;
    std::string created_by;
    int64_t updated_at = 0;
    std::string updated_by;
    std::vector<Value> values;  ///< per index of ObjectDef::fields (blank for formula and deleted fields)
};

struct RecordService::Runtime {
    std::shared_ptr<const ObjectDef> def;
    std::shared_ptr<const ObjectResolver> resolver;
    std::vector<int> stored;                       ///< indexes of active fields with a column, in order
    std::unordered_map<std::string, int> by_name;  ///< lower-case API name -> index (active fields)
    std::vector<std::optional<formula::CompiledFormula>> formulas;  ///< per index, for formula fields
    struct CompiledRule {
        ValidationRule rule;
        formula::CompiledFormula condition;
    };
    std::vector<CompiledRule> rules;  ///< active, in order
    std::string select_sql;           ///< SELECT system columns, stored columns FROM table
    std::string insert_sql;
    std::string update_sql;
    int name_index = -1;

    int Find(std::string_view name) const {
        auto it = by_name.find(ToLowerAscii(name));
        return it == by_name.end() ? -1 : it->second;
    }
    const FieldDef& field(int i) const { return def->fields[static_cast<size_t>(i)]; }
};

/// The record a formula sees during a save or a read: current values, prior values, computed fields
/// and lookup paths.
class RecordService::View final : public formula::RecordView {
public:
    View(RecordService& service, Runtime& rt, const std::vector<Value>& current,
         const std::vector<Value>* prior, bool is_new)
        : service_(service), rt_(rt), current_(current), prior_(prior), is_new_(is_new) {}
    Value Get(const formula::FieldInfo& field) const override { return Read(field, current_); }
    Value Prior(const formula::FieldInfo& field) const override {
        return Read(field, prior_ ? *prior_ : current_);
    }
    bool IsNew() const override { return is_new_; }

private:
    Value Read(const formula::FieldInfo& field, const std::vector<Value>& values) const {
        if (const ObjectResolver::Path* p = rt_.resolver->PathAt(field.index))
            return service_.ReadPath(rt_, *p, values);
        if (field.index < 0 || static_cast<size_t>(field.index) >= values.size())
            return Value::Blank(field.type);
        if (rt_.formulas[static_cast<size_t>(field.index)])
            return service_.ComputeFormula(rt_, field.index, values);
        return values[static_cast<size_t>(field.index)];
    }
    RecordService& service_;
    Runtime& rt_;
    const std::vector<Value>& current_;
    const std::vector<Value>* prior_;
    bool is_new_;
};

RecordService::RecordService(Database& db, SchemaService& schema, const Clock& clock,
                             std::function<void()> on_commit)
    : db_(db), schema_(schema), clock_(clock), on_commit_(std::move(on_commit)), policy_(&full_access_) {
    // REGEX and ^ in list-view filters and rule tests run inside SQLite.
    (void)formula::RegisterSqlFunctions(db_);
}

RecordService::~RecordService() = default;

void RecordService::SetAccessPolicy(const AccessPolicy* policy) { policy_ = policy ? policy : &full_access_; }

Statement& RecordService::Cached(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
        it = statements_.emplace(sql, std::make_unique<Statement>(db_.Prepare(sql))).first;
    }
    it->second->Reset();
    return *it->second;
}

Result<std::shared_ptr<RecordService::Runtime>> RecordService::RuntimeFor(std::string_view object) {
    if (runtimes_version_ != schema_.version()) {
        runtimes_.clear();
        statements_.clear();  // columns may have moved
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
    std::string columns = "id, owner_id, created_at, created_by, updated_at, updated_by";
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
    row.id = st.Int(0);
    row.owner_id = st.OptInt(1);
    row.created_at = st.Int(2);
    row.created_by = st.Text(3);
    row.updated_at = st.Int(4);
    row.updated_by = st.Text(5);
    row.values.resize(rt.def->fields.size());
    int column = kSystemCount;
    for (int i : rt.stored) row.values[static_cast<size_t>(i)] = ReadValue(st, column++, rt.field(i));
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

// [SECTION] The save pipeline

SaveResult RecordService::SaveOne(const std::string& actor, Runtime& rt, const json& values,
                                  const Row* existing) {
    SaveResult result;
    const ObjectDef& o = *rt.def;
    const bool is_new = existing == nullptr;
    auto fail = [&](Error e) { result.errors.push_back(std::move(e)); };

    // 1. Access: the object, then every field written.
    if (IsBlank(actor)) {
        fail(MakeError("auth.no_actor", "Say who makes the change: the acting user is missing.", "as"));
        return result;
    }
    if (!values.is_object()) {
        fail(MakeError("invalid_argument", "A record's values are a JSON object {\"Field\": value}.",
                       "values"));
        return result;
    }
    if (!policy_->CanAccessObject(actor, o, is_new ? ObjectAction::Create : ObjectAction::Edit)) {
        fail(NoAccess(o, is_new ? "create" : "edit"));
        return result;
    }
    std::vector<std::pair<int, const json*>> written;
    // A new record belongs to the actor unless OwnerId says otherwise.
    int64_t owner_id = existing ? existing->owner_id.value_or(0) : policy_->DefaultOwner(actor);  // 0 = none
    for (auto it = values.begin(); it != values.end(); ++it) {
        const std::string& key = it.key();
        if (SameName(key, "OwnerId")) {
            if (it->is_number_integer() && it->get<int64_t>() > 0) {
                owner_id = it->get<int64_t>();
            } else if (it->is_null()) {
                owner_id = 0;
            } else {
                fail(MakeError("records.invalid_value", "OwnerId is the id of a user (a whole number).",
                               "OwnerId"));
            }
            continue;
        }
        const int i = rt.Find(key);
        if (i < 0) {
            std::vector<std::string> names;
            for (const auto& [lower, index] : rt.by_name) names.push_back(rt.field(index).api_name);
            std::string close = ClosestMatch(key, names);
            fail(MakeError("records.unknown_field",
                           o.api_name + " has no field " + Quote(key) + "." +
                               (close.empty() ? "" : " Did you mean " + Quote(close) + "?"),
                           key));
            continue;
        }
        const FieldDef& f = rt.field(i);
        if (!policy_->CanEditField(actor, o, f)) {
            fail(MakeError("records.field_not_editable",
                           "You do not have permission to edit " + f.label + " (" + f.api_name + ").",
                           f.api_name));
            continue;
        }
        if (f.is_read_only()) {
            fail(MakeError("records.read_only_field",
                           f.label + " is " +
                               (f.type == FieldType::Formula ? "a formula" : "an auto-number") +
                               " field: the system computes it.",
                           f.api_name));
            continue;
        }
        written.emplace_back(i, &it.value());
    }
    if (!result.ok()) return result;
    // Re-owning a record needs Full access on it (the owner, above the owner, or Modify All).
    if (existing && owner_id != existing->owner_id.value_or(0) &&
        policy_->RecordLevel(actor, o, existing->id, existing->owner_id.value_or(0)) < AccessLevel::Full) {
        fail(NoRecordAccess(o, existing->id, "change the owner of"));
        return result;
    }

    // 2. Field types (and picklist values active, lookups pointing at a record).
    std::vector<Value> record = existing ? existing->values : std::vector<Value>(o.fields.size());
    if (is_new) {
        for (int i : rt.stored) {
            const FieldDef& f = rt.field(i);
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
            record[static_cast<size_t>(i)] = std::move(v);
        }
    }
    for (const auto& [i, j] : written) {
        const FieldDef& f = rt.field(i);
        Result<Value> v = ValueFromJson(f, *j);
        if (!v.ok()) {
            fail(v.error());
            continue;
        }
        // Deactivated values stay on records that hold them; only a new choice must be active.
        if (is_new || *v != existing->values[static_cast<size_t>(i)]) {
            if (Status s = CheckPicklistActive(f, *v); !s.ok()) {
                fail(s.error());
                continue;
            }
        }
        if (f.type == FieldType::Lookup && !v->is_blank()) {
            Result<std::shared_ptr<const ObjectDef>> target = schema_.Object(f.lookup_object);
            bool found = false;
            if (target.ok()) {
                Statement& st = Cached("SELECT 1 FROM " + QuoteIdent((*target)->table) + " WHERE id = ?1");
                st.Bind(1, static_cast<int64_t>(std::stoll(v->text())));
                found = st.Step();
            }
            if (!found) {
                fail(MakeError(
                    "records.invalid_lookup",
                    "There is no " + f.lookup_object + " with id " + v->text() + " for " + f.label + ".",
                    f.api_name));
                continue;
            }
        }
        record[static_cast<size_t>(i)] = std::move(*v);
    }
    if (!result.ok()) return result;

    // 3. Required and unique, on the record as it would be saved.
    for (int i : rt.stored) {
        const FieldDef& f = rt.field(i);
        if (f.required && record[static_cast<size_t>(i)].is_blank()) {
            fail(MakeError("records.required", f.label + " is required.", f.api_name));
        }
    }
    for (int i : rt.stored) {
        const FieldDef& f = rt.field(i);
        const Value& v = record[static_cast<size_t>(i)];
        if (!f.unique || v.is_blank() || (existing && v == existing->values[static_cast<size_t>(i)]))
            continue;
        Statement& st = Cached("SELECT id FROM " + QuoteIdent(o.table) + " WHERE " + QuoteIdent(f.column) +
                               " = ?1 AND id <> ?2 LIMIT 1");
        BindValue(st, 1, f, v);
        st.Bind(2, existing ? existing->id : int64_t{0});
        if (st.Step()) {
            fail(MakeError("records.duplicate_value",
                           f.label + " must be unique; " + o.label + " " + std::to_string(st.Int(0)) +
                               " already has " + Quote(ValueToText(f, v)) + ".",
                           f.api_name));
        }
    }
    if (!result.ok()) return result;

    // 4. Validation rules: every active rule, every failure.
    {
        View view(*this, rt, record, existing ? &existing->values : nullptr, is_new);
        const formula::EvalContext context = formula::EvalContext::At(&view, clock_.NowMs());
        for (const Runtime::CompiledRule& r : rt.rules) {
            Result<Value> v = formula::Evaluate(r.condition, context);
            if (!v.ok()) {
                fail(MakeError(
                    "records.rule_error",
                    "Validation rule " + r.rule.name + " could not be checked: " + v.error().message,
                    r.rule.error_field));
            } else if (v->boolean()) {
                fail(MakeError("records.validation", r.rule.error_message, r.rule.error_field));
            }
        }
    }
    if (!result.ok()) return result;

    // 5. Write, then 6. field history of tracked fields (updates only: the id is known).
    const int64_t now = clock_.NowMs();
    if (is_new) {
        for (int i : rt.stored) {
            const FieldDef& f = rt.field(i);
            if (f.type != FieldType::AutoNumber) continue;
            Statement& next = Cached(
                "UPDATE schema_fields SET next_number = next_number + 1 WHERE id = ?1 RETURNING next_number "
                "- 1");
            next.Bind(1, f.id);
            if (!next.Step()) {
                fail(next.status().ok()
                         ? MakeError("records.write_failed", "The auto-number could not be assigned.")
                         : next.status().error());
                return result;
            }
            const int64_t n = next.Int(0);
            while (next.Step()) {
            }
            record[static_cast<size_t>(i)] = Value::Text(FormatAutoNumber(f.auto_format, n));
        }
        Statement& ins = Cached(rt.insert_sql);
        if (owner_id > 0)
            ins.Bind(1, owner_id);
        else
            ins.Bind(1, nullptr);
        ins.Bind(2, now).Bind(3, actor).Bind(4, now).Bind(5, actor);
        int param = 6;
        for (int i : rt.stored) BindValue(ins, param++, rt.field(i), record[static_cast<size_t>(i)]);
        if (Status s = ins.Run(); !s.ok()) {
            fail(s.error());
            return result;
        }
        result.id = db_.LastInsertRowId();
        return result;
    }
    Statement& up = Cached(rt.update_sql);
    up.Bind(1, existing->id).Bind(2, now).Bind(3, actor);
    int param = 4;
    for (int i : rt.stored) BindValue(up, param++, rt.field(i), record[static_cast<size_t>(i)]);
    if (Status s = up.Run(); !s.ok()) {
        fail(s.error());
        return result;
    }
    if (owner_id != existing->owner_id.value_or(0)) {
        Statement& ow = Cached("UPDATE " + QuoteIdent(o.table) + " SET owner_id = ?1 WHERE id = ?2");
        if (owner_id > 0)
            ow.Bind(1, owner_id);
        else
            ow.Bind(1, nullptr);
        ow.Bind(2, existing->id);
        if (Status s = ow.Run(); !s.ok()) {
            fail(s.error());
            return result;
        }
    }
    for (int i : rt.stored) {
        const FieldDef& f = rt.field(i);
        const Value& before = existing->values[static_cast<size_t>(i)];
        const Value& after = record[static_cast<size_t>(i)];
        if (!f.track_history || before == after) continue;
        Statement& h = Cached(
            "INSERT INTO field_history(object_id, record_id, field, old_value, new_value, actor, at_ms) "
            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        h.Bind(1, o.id)
            .Bind(2, existing->id)
            .Bind(3, f.api_name)
            .Bind(4, ValueToJson(f, before).dump())
            .Bind(5, ValueToJson(f, after).dump())
            .Bind(6, actor)
            .Bind(7, now);
        if (Status s = h.Run(); !s.ok()) {
            fail(s.error());
            return result;
        }
    }
    result.id = existing->id;
    return result;
}

SaveResult RecordService::Create(const std::string& actor, std::string_view object, const json& values) {
    BatchResult batch = CreateBatch(actor, object, {values});
    SaveResult result;
    result.errors = std::move(batch.errors);
    if (!batch.ids.empty()) result.id = batch.ids.front();
    return result;
}

BatchResult RecordService::CreateBatch(const std::string& actor, std::string_view object,
                                       const std::vector<json>& rows) {
    BatchResult batch;
    Result<std::shared_ptr<Runtime>> rt = RuntimeFor(object);
    if (!rt.ok()) {
        batch.errors.push_back(rt.error());
        return batch;
    }
    Transaction tx(db_);
    if (!tx.begin_status().ok()) {
        batch.errors.push_back(tx.begin_status().error());
        return batch;
    }
    batch.ids.reserve(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
        SaveResult one = SaveOne(actor, **rt, rows[i], nullptr);
        if (!one.ok()) {
            batch.failed_index = static_cast<int>(i);
            batch.errors = std::move(one.errors);
            batch.ids.clear();
            return batch;  // the transaction rolls back: none of the rows is saved
        }
        batch.ids.push_back(one.id);
    }
    if (Status s = tx.Commit(); !s.ok()) {
        batch.errors.push_back(s.error());
        batch.ids.clear();
        return batch;
    }
    if (on_commit_) on_commit_();
    return batch;
}

SaveResult RecordService::Update(const std::string& actor, std::string_view object, int64_t id,
                                 const json& values) {
    SaveResult result;
    Result<std::shared_ptr<Runtime>> rt = RuntimeFor(object);
    if (!rt.ok()) {
        result.errors.push_back(rt.error());
        return result;
    }
    Transaction tx(db_);
    if (!tx.begin_status().ok()) {
        result.errors.push_back(tx.begin_status().error());
        return result;
    }
    Result<Row> existing = LoadRow(**rt, id);
    if (!existing.ok()) {
        result.errors.push_back(existing.error());
        return result;
    }
    if (!policy_->CanAccessObject(actor, *(*rt)->def, ObjectAction::Read)) {
        result.errors.push_back(NoAccess(*(*rt)->def, "read"));
        return result;
    }
    if (policy_->CanAccessObject(actor, *(*rt)->def, ObjectAction::Edit) &&
        policy_->RecordLevel(actor, *(*rt)->def, id, existing->owner_id.value_or(0)) < AccessLevel::Edit) {
        result.errors.push_back(NoRecordAccess(*(*rt)->def, id, "edit"));
        return result;
    }
    result = SaveOne(actor, **rt, values, &*existing);
    if (!result.ok()) return result;
    if (Status s = tx.Commit(); !s.ok()) {
        result.errors.push_back(s.error());
        return result;
    }
    if (on_commit_) on_commit_();
    return result;
}

Status RecordService::Delete(const std::string& actor, std::string_view object, int64_t id) {
    if (IsBlank(actor))
        return MakeError("auth.no_actor", "Say who makes the change: the acting user is missing.", "as");
    Result<std::shared_ptr<Runtime>> rt = RuntimeFor(object);
    if (!rt.ok()) return rt.error();
    const ObjectDef& o = *(*rt)->def;
    if (!policy_->CanAccessObject(actor, o, ObjectAction::Delete)) return NoAccess(o, "delete");
    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status();
    {
        Result<Row> row = LoadRow(**rt, id);
        if (!row.ok()) return row.error();
        if (policy_->RecordLevel(actor, o, id, row->owner_id.value_or(0)) < AccessLevel::Full)
            return NoRecordAccess(o, id, "delete");
    }
    Statement del = db_.Prepare("DELETE FROM " + QuoteIdent(o.table) + " WHERE id = ?1");
    del.Bind(1, id);
    if (Status s = del.Run(); !s.ok()) return s;
    if (db_.Changes() == 0) {
        return MakeError("records.not_found",
                         "There is no " + o.label + " with id " + std::to_string(id) + ".", "id");
    }
    // Lookups pointing at the record are cleared (deleted fields too: a restore must not revive a dangling
    // id).
    for (const auto& other : schema_.Objects()) {
        for (const FieldDef& f : other->fields) {
            if (f.type != FieldType::Lookup || !SameName(f.lookup_object, o.api_name)) continue;
            Statement clear =
                db_.Prepare("UPDATE " + QuoteIdent(other->table) + " SET " + QuoteIdent(f.column) +
                            " = NULL WHERE " + QuoteIdent(f.column) + " = ?1");
            clear.Bind(1, id);
            if (Status s = clear.Run(); !s.ok()) return s;
        }
    }
    if (Status s = tx.Commit(); !s.ok()) return s;
    if (on_commit_) on_commit_();
    return Status::Ok();
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

// [SECTION] Lists

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
        for (int c = 0; c < kSystemCount; ++c) {
            if (c == 0) continue;
        }
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
        for (const formula::FieldInfo& info : c->fields()) {
            int index = info.index;
            if (const ObjectResolver::Path* p = rt.resolver->PathAt(info.index)) {
                index = p->lookup_index;
                Result<std::shared_ptr<const ObjectDef>> target = schema_.Object(p->target_field.object);
                if (target.ok() && !policy_->CanReadField(actor, **target, p->target_field)) index = -2;
            }
            if (index < 0 || !readable(index)) {
                return MakeError(
                    "records.field_not_readable",
                    "The filter uses " + info.name + ", which you do not have permission to read.",
                    "filter_formula");
            }
        }
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
    const std::string read_order = sort_by ? SortIndexHint(o, *sort_by, page, q, !where.empty()) : "";
    Statement st =
        db_.Prepare(rt.select_sql + read_order + where + " ORDER BY " + order + dir + ", id" + dir +
                    " LIMIT " + std::to_string(q.limit) + " OFFSET " + std::to_string(q.offset));
    sql.BindAll(st);
    while (st.Step()) {
        Row row;
        row.id = st.Int(0);
        row.owner_id = st.OptInt(1);
        row.created_at = st.Int(2);
        row.created_by = st.Text(3);
        row.updated_at = st.Int(4);
        row.updated_by = st.Text(5);
        row.values.resize(o.fields.size());
        int column = kSystemCount;
        for (int i : rt.stored) row.values[static_cast<size_t>(i)] = ReadValue(st, column++, rt.field(i));
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

// [SECTION] Rule test and formula evaluation

Result<RuleTestResult> RecordService::TestRule(std::string_view object, std::string_view condition,
                                               int examples) {
    Result<std::shared_ptr<Runtime>> rtr = RuntimeFor(object);
    if (!rtr.ok()) return rtr.error();
    Runtime& rt = **rtr;
    const ObjectDef& o = *rt.def;
    Result<formula::CompiledFormula> c = schema_.CompileRule(o.api_name, condition);
    if (!c.ok()) {
        Error e = c.error();
        e.field = "condition";
        return e;
    }
    RuleTestResult out;
    const std::string table = QuoteIdent(o.table);
    const std::string name_column = rt.name_index >= 0 ? QuoteIdent(rt.field(rt.name_index).column) : "''";
    {
        Statement count = db_.Prepare("SELECT COUNT(*) FROM " + table);
        if (count.Step()) out.records = count.Int(0);
    }
    formula::SqlOptions so;
    so.now_ms = clock_.NowMs();
    so.today_days = formula::TodayAt(so.now_ms, 0);
    so.crm_functions = true;
    Result<formula::SqlCondition> cond = formula::ToSql(*c, so);
    if (cond.ok()) {
        out.in_sql = true;
        Statement count = db_.Prepare("SELECT COUNT(*) FROM " + table + " WHERE " + cond->sql);
        formula::BindSqlParams(count, *cond);
        if (count.Step()) out.failing = count.Int(0);
        if (!count.status().ok()) return count.status().error();
        Statement list = db_.Prepare("SELECT id, " + name_column + " FROM " + table + " WHERE " + cond->sql +
                                     " ORDER BY id LIMIT " + std::to_string(std::max(0, examples)));
        formula::BindSqlParams(list, *cond);
        while (list.Step()) out.examples.emplace_back(list.Int(0), list.IsNull(1) ? "" : list.Text(1));
        return out;
    }
    // Not translatable (ISCHANGED, formula fields...): each record as if saved unchanged.
    Statement st = db_.Prepare(rt.select_sql + " ORDER BY id");
    while (st.Step()) {
        std::vector<Value> values(o.fields.size());
        int column = kSystemCount;
        for (int i : rt.stored) values[static_cast<size_t>(i)] = ReadValue(st, column++, rt.field(i));
        View view(*this, rt, values, nullptr, false);
        Result<Value> v = formula::Evaluate(*c, formula::EvalContext::At(&view, so.now_ms));
        if (v.ok() && v->boolean()) {
            ++out.failing;
            if (static_cast<int>(out.examples.size()) < examples) {
                out.examples.emplace_back(
                    st.Int(0), rt.name_index >= 0 ? values[static_cast<size_t>(rt.name_index)].text() : "");
            }
        }
    }
    if (!st.status().ok()) return st.status().error();
    return out;
}

Result<Value> RecordService::EvalFormula(std::string_view object, std::string_view text, int64_t id,
                                         const json& values) {
    Result<std::shared_ptr<Runtime>> rtr = RuntimeFor(object);
    if (!rtr.ok()) return rtr.error();
    Runtime& rt = **rtr;
    formula::CompileOptions options;
    options.allow_prior_values = true;
    Result<formula::CompiledFormula> c = formula::Compile(text, *rt.resolver, options);
    if (!c.ok()) return c.error();
    std::vector<Value> record(rt.def->fields.size());
    for (size_t i = 0; i < record.size(); ++i)
        record[i] = Value::Blank(FormulaTypeOf(rt.def->fields[i].type));
    if (id > 0) {
        Result<Row> row = LoadRow(rt, id);
        if (!row.ok()) return row.error();
        record = row->values;
    }
    if (values.is_object()) {
        for (auto it = values.begin(); it != values.end(); ++it) {
            const int i = rt.Find(it.key());
            if (i < 0)
                return MakeError("records.unknown_field",
                                 rt.def->api_name + " has no field " + Quote(it.key()) + ".", it.key());
            if (rt.field(i).type == FieldType::Formula) continue;
            Result<Value> v = ValueFromJson(rt.field(i), it.value());
            if (!v.ok()) return v.error();
            record[static_cast<size_t>(i)] = *v;
        }
    }
    View view(*this, rt, record, nullptr, id <= 0);
    return formula::Evaluate(*c, formula::EvalContext::At(&view, clock_.NowMs()));
}

// [SECTION] List views

json ToJson(const ListQuery& q) {
    json filters = json::array();
    for (const ListFilter& f : q.filters)
        filters.push_back({{"field", f.field}, {"op", f.op}, {"value", f.value}});
    return json{{"columns", q.columns},
                {"filter_formula", q.filter_formula},
                {"filters", std::move(filters)},
                {"sort_field", q.sort_field},
                {"sort_desc", q.sort_desc}};
}

Result<ListQuery> ListQueryFromJson(const json& j, ListQuery q) {
    if (!j.is_object()) return MakeError("invalid_argument", "A list query is a JSON object.");
    auto bad = [](const std::string& key, const std::string& what) {
        return MakeError("invalid_argument", Quote(key) + " must be " + what + ".", key);
    };
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& k = it.key();
        const json& v = it.value();
        if (v.is_null()) continue;
        if (k == "columns") {
            if (!v.is_array()) return bad(k, "a list of field names");
            q.columns.clear();
            for (const json& c : v) {
                if (!c.is_string()) return bad(k, "a list of field names");
                q.columns.push_back(c.get<std::string>());
            }
        } else if (k == "filter_formula") {
            if (!v.is_string()) return bad(k, "a formula (string)");
            q.filter_formula = v.get<std::string>();
        } else if (k == "filters") {
            if (!v.is_array()) return bad(k, "a list of {field, op, value}");
            q.filters.clear();
            for (const json& f : v) {
                if (!f.is_object() || !f.contains("field") || !f["field"].is_string()) {
                    return bad(k, "a list of {field, op, value}");
                }
                ListFilter lf;
                lf.field = f["field"].get<std::string>();
                if (f.contains("op")) {
                    if (!f["op"].is_string()) return bad("op", "a string such as \"=\"");
                    lf.op = f["op"].get<std::string>();
                }
                if (f.contains("value")) lf.value = f["value"];
                q.filters.push_back(std::move(lf));
            }
        } else if (k == "sort_field") {
            if (!v.is_string()) return bad(k, "a field name");
            q.sort_field = v.get<std::string>();
        } else if (k == "sort_desc") {
            if (!v.is_boolean()) return bad(k, "true or false");
            q.sort_desc = v.get<bool>();
        } else if (k == "exact_total") {
            if (!v.is_boolean()) return bad(k, "true or false");
            q.exact_total = v.get<bool>();
        } else if (k == "offset" || k == "limit") {
            if (!v.is_number_integer()) return bad(k, "a whole number");
            const int64_t n = std::clamp<int64_t>(v.get<int64_t>(), -1, 1000000);
            (k == "offset" ? q.offset : q.limit) = static_cast<int>(n);
        } else {
            std::string close = ClosestMatch(k, {"columns", "filter_formula", "filters", "sort_field",
                                                 "sort_desc", "offset", "limit", "exact_total"});
            return MakeError("invalid_argument",
                             "A list query has no " + Quote(k) + "." +
                                 (close.empty() ? "" : " Did you mean " + Quote(close) + "?"),
                             k);
        }
    }
    return q;
}

json ToJson(const ListView& v) {
    return json{{"object", v.object}, {"owner", v.owner}, {"name", v.name}, {"query", ToJson(v.query)}};
}

json ToJson(const FieldHistoryEntry& e) {
    return json{{"record_id", e.record_id}, {"field", e.field}, {"old_value", e.old_value},
                {"new_value", e.new_value}, {"actor", e.actor}, {"at", FormatUtcIso8601(e.at_ms)},
                {"at_ms", e.at_ms}};
}

std::vector<ListView> RecordService::ListViews(std::string_view object, const std::string& owner) {
    std::vector<ListView> out;
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
    if (!o.ok()) return out;
    Statement st = db_.Prepare(
        "SELECT id, name, definition FROM list_views WHERE object_id = ?1 AND owner = ?2 ORDER BY name");
    st.Bind(1, (*o)->id).Bind(2, owner);
    while (st.Step()) {
        ListView v;
        v.id = st.Int(0);
        v.object = (*o)->api_name;
        v.owner = owner;
        v.name = st.Text(1);
        Result<ListQuery> q = ListQueryFromJson(json::parse(st.Text(2), nullptr, false));
        if (q.ok()) v.query = *q;
        out.push_back(std::move(v));
    }
    return out;
}

Result<ListView> RecordService::SaveListView(const std::string& actor, const ListView& view) {
    if (IsBlank(actor))
        return MakeError("auth.no_actor", "Say whose list view this is: the acting user is missing.", "as");
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(view.object);
    if (!o.ok()) return o.error();
    if (IsBlank(view.name) || Utf8Length(view.name) > 80) {
        return MakeError("records.invalid_list_view", "The list view needs a name of 1 to 80 characters.",
                         "name");
    }
    ListQuery check = view.query;
    check.offset = 0;
    check.limit = 1;
    // Checked the way it will run: every column, filter and the sort must be valid now.
    if (Result<ListPage> page = List(actor, view.object, check); !page.ok()) return page.error();
    ListView saved = view;
    saved.object = (*o)->api_name;
    saved.owner = actor;
    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status().error();
    Statement up = db_.Prepare(
        "INSERT INTO list_views(object_id, owner, name, definition) VALUES(?1, ?2, ?3, ?4) "
        "ON CONFLICT(object_id, owner, name) DO UPDATE SET definition = ?4");
    up.Bind(1, (*o)->id).Bind(2, actor).Bind(3, view.name).Bind(4, ToJson(view.query).dump());
    if (Status s = up.Run(); !s.ok()) return s.error();
    if (Status s = tx.Commit(); !s.ok()) return s.error();
    if (on_commit_) on_commit_();
    for (ListView& v : ListViews(saved.object, actor)) {
        if (v.name == view.name) return v;
    }
    return saved;
}

Status RecordService::DeleteListView(const std::string& actor, std::string_view object,
                                     std::string_view name) {
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
    if (!o.ok()) return o.error();
    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status();
    Statement del = db_.Prepare("DELETE FROM list_views WHERE object_id = ?1 AND owner = ?2 AND name = ?3");
    del.Bind(1, (*o)->id).Bind(2, actor).Bind(3, name);
    if (Status s = del.Run(); !s.ok()) return s;
    if (db_.Changes() == 0) {
        return MakeError("records.unknown_list_view",
                         "You have no list view " + Quote(name) + " on " + (*o)->api_name + ".", "name");
    }
    if (Status s = tx.Commit(); !s.ok()) return s;
    if (on_commit_) on_commit_();
    return Status::Ok();
}

Result<ListPage> RecordService::RunListView(const std::string& actor, std::string_view object,
                                            std::string_view name, int offset, int limit) {
    for (ListView& v : ListViews(object, actor)) {
        if (v.name != name) continue;
        v.query.offset = offset;
        v.query.limit = limit;
        return List(actor, object, v.query);
    }
    if (Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object); !o.ok()) return o.error();
    return MakeError("records.unknown_list_view",
                     "You have no list view " + Quote(name) + " on " + std::string(object) + ".", "name");
}

// [SECTION] Bulk insert (demo and benchmarks)

Status RecordService::BulkInsertUnchecked(const std::string& actor, std::string_view object,
                                          const std::vector<std::string>& fields,
                                          const std::function<bool(std::vector<Value>&)>& next) {
    Result<std::shared_ptr<Runtime>> rtr = RuntimeFor(object);
    if (!rtr.ok()) return rtr.error();
    Runtime& rt = **rtr;
    std::vector<int> indexes;
    std::string cols = "created_at, created_by, updated_at, updated_by";
    std::string vals = "?1, ?2, ?1, ?2";
    for (const std::string& name : fields) {
        // OwnerId (a user id as a number) is the one system column a generator sets.
        if (SameName(name, "OwnerId")) {
            indexes.push_back(-1);
            cols += ", owner_id";
            vals += ", ?" + std::to_string(indexes.size() + 2);
            continue;
        }
        const int i = rt.Find(name);
        if (i < 0 || !rt.field(i).has_column()) {
            return MakeError("records.unknown_field",
                             rt.def->api_name + " has no stored field " + Quote(name) + ".", name);
        }
        indexes.push_back(i);
        cols += ", " + QuoteIdent(rt.field(i).column);
        vals += ", ?" + std::to_string(indexes.size() + 2);
    }
    Transaction tx(db_);
    if (!tx.begin_status().ok()) return tx.begin_status();
    Statement ins =
        db_.Prepare("INSERT INTO " + QuoteIdent(rt.def->table) + "(" + cols + ") VALUES(" + vals + ")");
    const int64_t now = clock_.NowMs();
    std::vector<Value> row(indexes.size());
    while (next(row)) {
        ins.Reset();
        ins.Bind(1, now).Bind(2, actor);
        for (size_t k = 0; k < indexes.size(); ++k) {
            if (indexes[k] < 0) {
                ins.Bind(static_cast<int>(k) + 3, static_cast<int64_t>(row[k].number()));
            } else {
                BindValue(ins, static_cast<int>(k) + 3, rt.field(indexes[k]), row[k]);
            }
        }
        if (Status s = ins.Run(); !s.ok()) return s;
    }
    if (Status s = tx.Commit(); !s.ok()) return s;
    if (on_commit_) on_commit_();
    return Status::Ok();
}

}  // namespace crm
