// The save pipeline: its stages, in order, and the registrants other areas add; Create, Update,
// CreateBatch and Delete run it inside one ChangeScope.
#include <algorithm>
#include <cassert>

#include "audit/change.h"
#include "records/records_internal.h"

namespace crm {

using formula::Value;
using formula::ValueType;
using nlohmann::json;
using namespace records_detail;

namespace {

// "CASE-{0000}" with 12 -> "CASE-0012".
Error UnknownField(const ObjectDef& o, std::string_view name, const std::vector<std::string>& names) {
    std::string close = ClosestMatch(name, names);
    return MakeError("records.unknown_field",
                     o.api_name + " has no field " + Quote(name) + "." +
                         (close.empty() ? "" : " Did you mean " + Quote(close) + "?"),
                     std::string(name));
}

Error ReadOnlyField(const FieldDef& f) {
    return MakeError("records.read_only_field",
                     f.label + " is " + (f.type == FieldType::Formula ? "a formula" : "an auto-number") +
                         " field: the system computes it.",
                     f.api_name);
}

}  // namespace

const char* SaveStageName(SaveStageId stage) {
    switch (stage) {
        case SaveStageId::Access:
            return "access";
        case SaveStageId::Types:
            return "types";
        case SaveStageId::RequiredUnique:
            return "required_unique";
        case SaveStageId::ValidationRules:
            return "validation_rules";
        case SaveStageId::DuplicateRules:
            return "duplicate_rules";
        case SaveStageId::Automation:
            return "automation";
        case SaveStageId::History:
            return "history";
        case SaveStageId::Write:
            return "write";
    }
    return "write";
}

// [SECTION] What stages and hooks see

SaveContext::SaveContext(const std::string& actor_, const ObjectDef& object_, const json& input_,
                         const std::vector<Value>* before_)
    : actor(actor_), object(object_), input(input_), is_new(before_ == nullptr), before(before_) {}

int SaveContext::FieldIndex(std::string_view api_name) const {
    const FieldDef* f = object.Field(api_name);
    if (!f || f->state != FieldState::Active) return -1;
    return static_cast<int>(f - object.fields.data());
}

Value SaveContext::Before(int index) const {
    if (before) return (*before)[static_cast<size_t>(index)];
    return Value::Blank(FormulaTypeOf(object.fields[static_cast<size_t>(index)].type));
}

bool SaveContext::Changed(int index) const {
    const Value& now = after[static_cast<size_t>(index)];
    return before ? now != (*before)[static_cast<size_t>(index)] : !now.is_blank();
}

bool SaveContext::Changed(std::string_view api_name) const {
    if (SameName(api_name, "OwnerId")) return owner_after != owner_before;
    const int i = FieldIndex(api_name);
    return i >= 0 && Changed(i);
}

std::vector<std::string> SaveContext::ChangedFieldNames() const {
    std::vector<std::string> names;
    for (size_t i = 0; i < object.fields.size(); ++i) {
        const FieldDef& f = object.fields[i];
        if (f.state == FieldState::Active && f.has_column() && Changed(static_cast<int>(i)))
            names.push_back(f.api_name);
    }
    if (owner_after != owner_before) names.emplace_back("OwnerId");
    return names;
}

Status SaveContext::Set(std::string_view api_name, const json& value) {
    const int i = FieldIndex(api_name);
    if (i < 0) return UnknownField(object, api_name, {});
    const FieldDef& f = object.fields[static_cast<size_t>(i)];
    if (f.is_read_only()) return ReadOnlyField(f);
    Result<Value> v = ValueFromJson(f, value);
    if (!v.ok()) return v.error();
    after[static_cast<size_t>(i)] = std::move(*v);
    return Status::Ok();
}

json DeleteContext::RecordJson() const {
    json out = json::object();
    out["Id"] = record_id;
    out["OwnerId"] = owner_id > 0 ? json(owner_id) : json(nullptr);
    for (size_t i = 0; i < object.fields.size(); ++i) {
        const FieldDef& f = object.fields[i];
        if (f.state == FieldState::Active && f.has_column()) out[f.api_name] = ValueToJson(f, values[i]);
    }
    return out;
}

// [SECTION] Registration

void RecordService::AddSaveStage(SaveStageId stage, std::string name, SaveStageFn fn) {
    assert(stage != SaveStageId::Write && "the write stage belongs to records: use AddAfterWriteHook");
    auto after = std::upper_bound(stages_.begin(), stages_.end(), stage,
                                  [](SaveStageId id, const Stage& s) { return id < s.id; });
    stages_.insert(after, Stage{stage, std::move(name), std::move(fn), nullptr});
}

void RecordService::AddAfterWriteHook(std::string name, SaveStageFn fn) {
    after_write_.emplace_back(std::move(name), std::move(fn));
}

void RecordService::AddDeleteHook(DeletePhase phase, std::string name, DeleteHookFn fn) {
    delete_hooks_.push_back({phase, std::move(name), std::move(fn)});
}

std::vector<SaveStageEntry> RecordService::SaveStages() const {
    std::vector<SaveStageEntry> out;
    for (const Stage& s : stages_) out.push_back({s.id, s.name});
    for (const auto& [name, fn] : after_write_) out.push_back({SaveStageId::Write, name});
    return out;
}

// [SECTION] Running a save

SaveResult RecordService::SaveOne(const std::string& actor, Runtime& rt, const json& values,
                                  const Row* existing, SaveAccumulator& changed, const TextValues* texts) {
    SaveContext ctx(actor, *rt.def, values, existing ? &existing->values : nullptr);
    ctx.texts = texts;
    ctx.now_ms = clock_.NowMs();
    if (existing) {
        ctx.record_id = existing->id;
        ctx.owner_before = ctx.owner_after = existing->owner_id.value_or(0);
        ctx.after = existing->values;
    } else {
        ctx.after = rt.defaults;  // a new record starts from the defaults (RuntimeFor)
    }
    SaveResult result;
    SaveStageId stage = stages_.front().id;
    for (const Stage& s : stages_) {
        // Every registrant of a stage runs; the errors of a stage stop the save before the next one.
        if (s.id != stage) {
            if (!ctx.errors.empty()) break;
            stage = s.id;
        }
        if (s.own) {
            (this->*s.own)(rt, ctx);
        } else {
            s.fn(ctx);
        }
    }
    for (auto it = after_write_.begin(); ctx.errors.empty() && it != after_write_.end(); ++it)
        it->second(ctx);
    if (!ctx.errors.empty()) {
        result.errors = std::move(ctx.errors);
        return result;
    }
    changed.Add(rt, ctx);
    result.id = ctx.record_id;
    return result;
}

// 1. Access: the object, then every field written; re-owning needs Full access on the record.
void RecordService::AccessStage(Runtime& rt, SaveContext& ctx) {
    const ObjectDef& o = *rt.def;
    if (IsBlank(ctx.actor)) return ctx.Fail(NoActor());
    if (!ctx.input.is_object()) {
        return ctx.Fail(MakeError("invalid_argument",
                                  "A record's values are a JSON object {\"Field\": value}.", "values"));
    }
    if (!policy_->CanAccessObject(ctx.actor, o, ctx.is_new ? ObjectAction::Create : ObjectAction::Edit))
        return ctx.Fail(NoAccess(o, ctx.is_new ? "create" : "edit"));
    // A new record belongs to the actor unless OwnerId says otherwise.
    if (ctx.is_new) ctx.owner_after = policy_->DefaultOwner(ctx.actor);  // 0 = none
    const size_t errors_before = ctx.errors.size();
    // One value of the request (JSON, or text: a JSON string).
    auto take = [&](const std::string& key, RequestedValue value) {
        if (SameName(key, "OwnerId")) {
            ctx.owner_requested = true;
            const json* j = value.json;
            if (j && j->is_number_integer() && j->get<int64_t>() > 0) {
                ctx.owner_after = j->get<int64_t>();
            } else if (j && j->is_null()) {
                ctx.owner_after = 0;
            } else {
                ctx.Fail(MakeError("records.invalid_value", "OwnerId is the id of a user (a whole number).",
                                   "OwnerId"));
            }
            return;
        }
        const int i = rt.Find(key);
        if (i < 0) {
            std::vector<std::string> names;
            for (const auto& [lower, index] : rt.by_name) names.push_back(rt.field(index).api_name);
            return ctx.Fail(UnknownField(o, key, names));
        }
        const FieldDef& f = rt.field(i);
        if (!policy_->CanEditField(ctx.actor, o, f)) {
            return ctx.Fail(MakeError(
                "records.field_not_editable",
                "You do not have permission to edit " + f.label + " (" + f.api_name + ").", f.api_name));
        }
        if (f.is_read_only()) return ctx.Fail(ReadOnlyField(f));
        ctx.requested.emplace_back(i, value);
    };
    if (ctx.texts) {
        ctx.requested.reserve(ctx.texts->size());
        for (const auto& [key, text] : *ctx.texts) take(key, RequestedValue{nullptr, text});
    } else {
        for (auto it = ctx.input.begin(); it != ctx.input.end(); ++it)
            take(it.key(), RequestedValue{&it.value(), {}});
    }
    if (ctx.errors.size() != errors_before) return;
    if (!ctx.is_new && ctx.owner_after != ctx.owner_before &&
        policy_->RecordLevel(ctx.actor, o, ctx.record_id, ctx.owner_before) < AccessLevel::Full)
        ctx.Fail(NoRecordAccess(o, ctx.record_id, "change the owner of"));
}

// 2. Field types (and picklist values active, lookups pointing at a record).
void RecordService::TypesStage(Runtime& rt, SaveContext& ctx) {
    for (const auto& [i, requested] : ctx.requested) {
        const FieldDef& f = rt.field(i);
        Result<Value> v =
            requested.json ? ValueFromJson(f, *requested.json) : ValueFromText(f, requested.text);
        if (!v.ok()) {
            ctx.Fail(v.error());
            continue;
        }
        // Deactivated values stay on records that hold them; only a new choice must be active.
        if (rt.has_inactive_choice[static_cast<size_t>(i)] &&
            (ctx.is_new || *v != (*ctx.before)[static_cast<size_t>(i)])) {
            if (Status s = CheckPicklistActive(f, *v); !s.ok()) {
                ctx.Fail(s.error());
                continue;
            }
        }
        if (f.type == FieldType::Lookup && !v->is_blank()) {
            const std::string& exists = rt.lookup_exists_sql[static_cast<size_t>(i)];
            bool found = false;
            if (!exists.empty()) {
                Statement& st = Cached(exists);
                st.Bind(1, static_cast<int64_t>(std::stoll(v->text())));
                found = st.Step();
            }
            if (!found) {
                ctx.Fail(MakeError(
                    "records.invalid_lookup",
                    "There is no " + f.lookup_object + " with id " + v->text() + " for " + f.label + ".",
                    f.api_name));
                continue;
            }
        }
        ctx.after[static_cast<size_t>(i)] = std::move(*v);
    }
}

// 3. Required and unique, on the record as it would be saved.
void RecordService::RequiredUniqueStage(Runtime& rt, SaveContext& ctx) {
    const ObjectDef& o = *rt.def;
    for (int i : rt.stored) {
        const FieldDef& f = rt.field(i);
        if (f.required && ctx.After(i).is_blank())
            ctx.Fail(MakeError("records.required", f.label + " is required.", f.api_name));
    }
    for (int i : rt.stored) {
        const FieldDef& f = rt.field(i);
        const Value& v = ctx.After(i);
        if (!f.unique || v.is_blank() || (ctx.before && v == (*ctx.before)[static_cast<size_t>(i)])) continue;
        Statement& st = Cached("SELECT id FROM " + QuoteIdent(o.table) + " WHERE " + QuoteIdent(f.column) +
                               " = ?1 AND id <> ?2 LIMIT 1");
        BindValue(st, 1, f, v);
        st.Bind(2, ctx.record_id);
        if (st.Step()) {
            ctx.Fail(MakeError("records.duplicate_value",
                               f.label + " must be unique; " + o.label + " " + std::to_string(st.Int(0)) +
                                   " already has " + Quote(ValueToText(f, v)) + ".",
                               f.api_name));
        }
    }
}

// 4. Validation rules: every active rule, every failure.
void RecordService::ValidationRulesStage(Runtime& rt, SaveContext& ctx) {
    View view(*this, rt, ctx.after, ctx.before, ctx.is_new);
    // Who saves is looked up only when a rule reads it ($User...): most saves need no directory read.
    const bool needs_globals =
        std::any_of(rt.rules.begin(), rt.rules.end(),
                    [](const Runtime::CompiledRule& r) { return r.condition.uses_globals(); });
    const formula::Globals globals = needs_globals ? GlobalsFor(ctx.actor) : formula::Globals{};
    formula::EvalContext context = formula::EvalContext::At(&view, ctx.now_ms);
    context.globals = &globals;
    for (const Runtime::CompiledRule& r : rt.rules) {
        Result<Value> v = formula::Evaluate(r.condition, context);
        if (!v.ok()) {
            ctx.Fail(
                MakeError("records.rule_error",
                          "Validation rule " + r.rule.name + " could not be checked: " + v.error().message,
                          r.rule.error_field));
        } else if (v->boolean()) {
            ctx.Fail(MakeError("records.validation", r.rule.error_message, r.rule.error_field));
        }
    }
}

// 7. Field history: old and new value of each tracked field that changed (updates only: a new record has
// no history yet).
void RecordService::HistoryStage(Runtime& rt, SaveContext& ctx) {
    if (ctx.is_new) return;
    for (int i : rt.stored) {
        const FieldDef& f = rt.field(i);
        if (!f.track_history || !ctx.Changed(i)) continue;
        Statement& h = Cached(
            "INSERT INTO field_history(object_id, record_id, field, old_value, new_value, actor, at_ms) "
            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        h.Bind(1, rt.def->id)
            .Bind(2, ctx.record_id)
            .Bind(3, f.api_name)
            .Bind(4, ValueToJson(f, (*ctx.before)[static_cast<size_t>(i)]).dump())
            .Bind(5, ValueToJson(f, ctx.After(i)).dump())
            .Bind(6, ctx.actor)
            .Bind(7, ctx.now_ms);
        if (Status s = h.Run(); !s.ok()) return ctx.Fail(s.error());
    }
}

// 8. Write: auto-numbers, then the insert (the id is known from here on) or the update.
void RecordService::WriteStage(Runtime& rt, SaveContext& ctx) {
    const ObjectDef& o = *rt.def;
    if (ctx.is_new) {
        for (int i : rt.stored) {
            const FieldDef& f = rt.field(i);
            if (f.type != FieldType::AutoNumber) continue;
            Statement& next = Cached(
                "UPDATE schema_fields SET next_number = next_number + 1 WHERE id = ?1 RETURNING next_number "
                "- 1");
            next.Bind(1, f.id);
            if (!next.Step()) {
                return ctx.Fail(next.status().ok() ? MakeError("records.write_failed",
                                                               "The auto-number could not be assigned.")
                                                   : next.status().error());
            }
            const int64_t n = next.Int(0);
            while (next.Step()) {
            }
            ctx.after[static_cast<size_t>(i)] = Value::Text(FormatAutoNumber(f.auto_format, n, ctx.now_ms));
        }
        Statement& ins = Cached(rt.insert_sql);
        if (ctx.owner_after > 0)
            ins.Bind(1, ctx.owner_after);
        else
            ins.Bind(1, nullptr);
        ins.Bind(2, ctx.now_ms).Bind(3, ctx.actor).Bind(4, ctx.now_ms).Bind(5, ctx.actor);
        int param = 6;
        for (int i : rt.stored) BindValue(ins, param++, rt.field(i), ctx.After(i));
        if (Status s = ins.Run(); !s.ok()) return ctx.Fail(s.error());
        ctx.record_id = db_.LastInsertRowId();
        return;
    }
    Statement& up = Cached(rt.update_sql);
    up.Bind(1, ctx.record_id).Bind(2, ctx.now_ms).Bind(3, ctx.actor);
    int param = 4;
    for (int i : rt.stored) BindValue(up, param++, rt.field(i), ctx.After(i));
    if (Status s = up.Run(); !s.ok()) return ctx.Fail(s.error());
    if (ctx.owner_after != ctx.owner_before) {
        Statement& ow = Cached("UPDATE " + QuoteIdent(o.table) + " SET owner_id = ?1 WHERE id = ?2");
        if (ctx.owner_after > 0)
            ow.Bind(1, ctx.owner_after);
        else
            ow.Bind(1, nullptr);
        ow.Bind(2, ctx.record_id);
        if (Status s = ow.Run(); !s.ok()) return ctx.Fail(s.error());
    }
}

// [SECTION] Create, update, delete

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
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) {
        batch.errors.push_back(change.begin_status().error());
        return batch;
    }
    SaveAccumulator changed((*rt)->def->fields.size());
    changed.ids.reserve(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
        SaveResult one = SaveOne(actor, **rt, rows[i], nullptr, changed);
        if (!one.ok()) {
            batch.failed_index = static_cast<int>(i);
            batch.errors = std::move(one.errors);
            return batch;  // the change rolls back: none of the rows is saved
        }
    }
    changed.Record(change, **rt, ChangeAction::Create);
    if (Status s = change.Commit(); !s.ok()) {
        batch.errors.push_back(s.error());
        return batch;
    }
    batch.ids = std::move(changed.ids);
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
    const ObjectDef& o = *(*rt)->def;
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) {
        result.errors.push_back(change.begin_status().error());
        return result;
    }
    Result<Row> existing = RowToUpdate(actor, **rt, id);
    if (!existing.ok()) {
        result.errors.push_back(existing.error());
        return result;
    }
    SaveAccumulator changed(o.fields.size());
    result = SaveOne(actor, **rt, values, &*existing, changed);
    if (!result.ok()) return result;
    changed.Record(change, **rt, ChangeAction::Update);
    if (Status s = change.Commit(); !s.ok()) result.errors.push_back(s.error());
    return result;
}

Result<RecordService::Row> RecordService::RowToUpdate(const std::string& actor, Runtime& rt, int64_t id) {
    const ObjectDef& o = *rt.def;
    Result<Row> existing = LoadRow(rt, id);
    if (!existing.ok()) return existing;
    if (!policy_->CanAccessObject(actor, o, ObjectAction::Read)) return NoAccess(o, "read");
    if (policy_->CanAccessObject(actor, o, ObjectAction::Edit) &&
        policy_->RecordLevel(actor, o, id, existing->owner_id.value_or(0)) < AccessLevel::Edit)
        return NoRecordAccess(o, id, "edit");
    return existing;
}

Status RecordService::Delete(const std::string& actor, std::string_view object, int64_t id) {
    if (IsBlank(actor)) return NoActor();
    Result<std::shared_ptr<Runtime>> rt = RuntimeFor(object);
    if (!rt.ok()) return rt.error();
    const ObjectDef& o = *(*rt)->def;
    if (!policy_->CanAccessObject(actor, o, ObjectAction::Delete)) return NoAccess(o, "delete");
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    Result<Row> row = LoadRow(**rt, id);
    if (!row.ok()) return row.error();
    const int64_t owner = row->owner_id.value_or(0);
    if (policy_->RecordLevel(actor, o, id, owner) < AccessLevel::Full) return NoRecordAccess(o, id, "delete");
    DeleteContext ctx{actor, o, DeletePhase::Before, id, owner, row->values, {}};
    auto run_hooks = [&](DeletePhase phase) -> Status {
        ctx.phase = phase;
        for (const DeleteHook& hook : delete_hooks_) {
            if (hook.phase != phase) continue;
            hook.fn(ctx);
            if (!ctx.errors.empty()) return ctx.errors.front();
        }
        return Status::Ok();
    };
    if (Status s = run_hooks(DeletePhase::Before); !s.ok()) return s;
    Statement del = db_.Prepare("DELETE FROM " + QuoteIdent(o.table) + " WHERE id = ?1");
    del.Bind(1, id);
    if (Status s = del.Run(); !s.ok()) return s;
    if (db_.Changes() == 0) {
        return MakeError("records.not_found",
                         "There is no " + o.label + " with id " + std::to_string(id) + ".", "id");
    }
    change.Record("records", o.api_name, ChangeAction::Delete, id);
    // Lookups pointing at the record are cleared (deleted fields too: a restore must not revive a dangling
    // id); the listeners hear of the records that changed so.
    for (const auto& other : schema_.Objects()) {
        for (const FieldDef& f : other->fields) {
            if (f.type != FieldType::Lookup || !SameName(f.lookup_object, o.api_name)) continue;
            Statement clear =
                db_.Prepare("UPDATE " + QuoteIdent(other->table) + " SET " + QuoteIdent(f.column) +
                            " = NULL WHERE " + QuoteIdent(f.column) + " = ?1 RETURNING id");
            clear.Bind(1, id);
            while (clear.Step()) {
                change.Record("records", other->api_name, ChangeAction::Update, clear.Int(0), {f.api_name});
            }
            if (!clear.status().ok()) return clear.status();
        }
    }
    if (Status s = run_hooks(DeletePhase::After); !s.ok()) return s;
    return change.Commit();
}

}  // namespace crm
