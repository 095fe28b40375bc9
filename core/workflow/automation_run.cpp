// Running automation rules: the automation stage of a save, the after-write and delete hooks, the
// scheduler's time items, and Simulate (automation.h states the order).
#include <algorithm>
#include <set>

#include "common/messages.h"
#include "common/monotonic.h"
#include "common/text.h"
#include "workflow/automation_internal.h"

namespace crm {

using formula::Value;
using nlohmann::json;

namespace {

const MessageDef kMessages[] = {
    {"workflow.action_failed", "Automation rule {rule} failed on {object} {id}: {message}",
     "自动化规则 {rule} 在 {object} {id} 上执行失败：{message}"},
    {"workflow.recursion",
     "Automation rules keep triggering each other: {chain}. They stop at depth {depth}; change a rule's "
     "condition "
     "so the chain ends.",
     "自动化规则相互触发：{chain}。在第 {depth} 层停止；请修改某条规则的条件以结束这一链条。"},
    {"workflow.no_assignment_rules", "No assignment rules are available to assign the owner.",
     "没有可用于分配所有人的分配规则。"},
    {"workflow.inactive_user", "User {username} is not an active user.", "用户 {username} 不是启用的用户。"},
};
CRM_REGISTER_MESSAGES(kMessages);

/// Whole microseconds since `t0` (a MonotonicMicros() reading).
int64_t MicrosSince(double t0) { return static_cast<int64_t>(MonotonicMicros() - t0); }

/// `text` as a JSON string, as nlohmann's dump() writes it (printable ASCII needs no escaping).
std::string JsonText(const std::string& text) {
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x80 || c == '"' || c == '\\') return json(text).dump();
    }
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    out += text;
    out += '"';
    return out;
}

std::string JoinChain(const std::vector<std::string>& chain) {
    std::string out;
    for (const std::string& name : chain) out += (out.empty() ? "" : " -> ") + name;
    return out;
}

}  // namespace

/// The record as a formula sees it: current values (and prior ones during a save), lookup paths read from
/// their tables, formula fields computed over the same values.
class AutomationView final : public formula::RecordView {
public:
    AutomationView(AutomationService::Impl& impl, const ObjectDef& object, const std::vector<Value>& current,
                   const std::vector<Value>* prior, bool is_new)
        : impl_(impl),
          object_(object),
          current_(current),
          prior_(prior),
          is_new_(is_new) {}
    Value Get(const formula::FieldInfo& field) const override { return Read(field, current_); }
    Value Prior(const formula::FieldInfo& field) const override {
        return Read(field, prior_ ? *prior_ : current_);
    }
    bool IsNew() const override { return is_new_; }

private:
    Value Read(const formula::FieldInfo& field, const std::vector<Value>& values) const {
        // The lookup paths are looked up on the first read (most saves' rules read no field at all).
        if (!resolved_) {
            resolver_ = impl_.schema.Resolver(object_.api_name);
            resolved_ = true;
        }
        if (const ObjectResolver::Path* p = resolver_ ? resolver_->PathAt(field.index) : nullptr) {
            const Value& id = values[static_cast<size_t>(p->lookup_index)];
            const formula::ValueType type = FormulaTypeOf(p->target_field.type);
            const Value blank =
                type == formula::ValueType::Boolean ? Value::Boolean(false) : Value::Blank(type);
            if (id.is_blank()) return blank;
            Statement st = impl_.db.Prepare("SELECT " + QuoteIdent(p->target_field.column) + " FROM " +
                                            QuoteIdent(p->target_table) + " WHERE id = ?1");
            st.Bind(1, static_cast<int64_t>(std::stoll(id.text())));
            return st.Step() ? ReadValue(st, 0, p->target_field) : blank;
        }
        if (field.index < 0 || static_cast<size_t>(field.index) >= values.size())
            return Value::Blank(field.type);
        const FieldDef& def = object_.fields[static_cast<size_t>(field.index)];
        if (def.type == FieldType::Formula) {
            ObjectResolver plain(object_, impl_.schema.Objects(), false);
            Result<formula::CompiledFormula> f = formula::Compile(def.formula, plain);
            if (!f.ok()) return Value::Blank(field.type);
            AutomationView inner(impl_, object_, values, nullptr, false);
            Result<Value> v =
                formula::Evaluate(*f, formula::EvalContext::At(&inner, impl_.changes.clock().NowMs()));
            return v.ok() ? *v : Value::Blank(field.type);
        }
        return values[static_cast<size_t>(field.index)];
    }
    AutomationService::Impl& impl_;
    const ObjectDef& object_;
    const std::vector<Value>& current_;
    const std::vector<Value>* prior_;
    bool is_new_;
    mutable bool resolved_ = false;
    mutable std::shared_ptr<const ObjectResolver> resolver_;
};

namespace {

/// Fills {{Field}} merge fields of a title or body from the record.
std::string Merge(const std::string& text, const ObjectDef& o, const std::vector<Value>& values, int64_t id) {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        const size_t open = text.find("{{", i);
        const size_t close = open == std::string::npos ? std::string::npos : text.find("}}", open);
        if (close == std::string::npos) {
            out += text.substr(i);
            break;
        }
        out += text.substr(i, open - i);
        const std::string name = text.substr(open + 2, close - open - 2);
        if (ToLowerAscii(name) == "id") {
            out += std::to_string(id);
        } else if (const FieldDef* f = o.Field(name); f && f->has_column()) {
            out += ValueToText(*f, values[static_cast<size_t>(f - o.fields.data())]);
        } else {
            out += text.substr(open, close + 2 - open);
        }
        i = close + 2;
    }
    return out;
}

std::optional<int64_t> ActiveUserId(Database& db, const std::string& username) {
    Statement st = db.Prepare("SELECT id FROM access_user WHERE username = ?1 AND active = 1");
    st.Bind(1, username);
    if (!st.Step()) return std::nullopt;
    return st.Int(0);
}

/// The record's values from its JSON form (stored fields; formula fields blank).
std::vector<Value> ValuesFromJson(const ObjectDef& o, const json& record) {
    std::vector<Value> values(o.fields.size());
    for (size_t i = 0; i < o.fields.size(); ++i) {
        const FieldDef& f = o.fields[i];
        values[i] = Value::Blank(FormulaTypeOf(f.has_column() ? f.type : f.formula_type));
        if (f.state != FieldState::Active || !f.has_column() || !record.contains(f.api_name)) continue;
        if (Result<Value> v = ValueFromJson(f, record[f.api_name]); v.ok()) values[i] = std::move(*v);
    }
    return values;
}

}  // namespace

Result<Value> FieldValueFor(const FieldDef& def, const Value& v, std::string* shown) {
    // Text goes to the field as ValueFromJson would take its JSON string, without the JSON; a lookup id
    // computed as text is a number.
    const formula::ValueType vt = v.type();
    if (def.type != FieldType::Lookup && !v.is_blank() &&
        (vt == formula::ValueType::Text || vt == formula::ValueType::Picklist ||
         vt == formula::ValueType::MultiPicklist)) {
        *shown = JsonText(v.text());
        return ValueFromText(def, v.text());
    }
    json value = FormulaValueToJson(v);
    *shown = value.dump();
    if (def.type == FieldType::Lookup && value.is_string()) {
        try {
            value = std::stoll(value.get<std::string>());
        } catch (...) {
        }
    }
    return ValueFromJson(def, value);
}

void PrepareForSaves(CompiledRule& c, const ObjectDef& object) {
    if (c.condition) {
        if (std::optional<formula::FieldComparison> q = formula::AsFieldComparison(*c.condition)) {
            // Only a stored field of the object itself reads as the save's value (AutomationView::Read):
            // lookup paths and formula fields are computed.
            const int index = q->field.index;
            if (index >= 0 && static_cast<size_t>(index) < object.fields.size() &&
                object.fields[static_cast<size_t>(index)].type != FieldType::Formula &&
                object.fields[static_cast<size_t>(index)].has_column()) {
                c.quick_condition = std::move(q);
                c.quick_index = index;
            }
        }
    }
    c.fixed_values.assign(c.rule.actions.size(), std::nullopt);
    c.fixed_lines.assign(c.rule.actions.size(), std::string());
    for (size_t n = 0; n < c.rule.actions.size(); ++n) {
        const std::optional<formula::CompiledFormula>& f = c.values[n];
        const int index = c.action_fields[n];
        if (!f || index < 0 || c.rule.actions[n].kind != ActionKind::UpdateField) continue;
        // A value that reads nothing of the record, the clock or who saves is the same on every save.
        if (!f->fields().empty() || f->uses_prior_values() || f->uses_clock() || f->uses_globals()) continue;
        Result<Value> v = formula::Evaluate(*f, formula::EvalContext{});
        if (!v.ok()) continue;  // each save fails with the error, as it would
        const FieldDef& def = object.fields[static_cast<size_t>(index)];
        std::string shown;
        Result<Value> set = FieldValueFor(def, *v, &shown);
        if (!set.ok()) continue;
        c.fixed_values[n] = std::move(*set);
        c.fixed_lines[n] = "set " + def.api_name + " = " + shown;
    }
    c.timed_in_stage = false;
    for (size_t n = 0; n < c.rule.actions.size(); ++n) {
        const ActionKind kind = c.rule.actions[n].kind;
        if ((kind == ActionKind::UpdateField && !c.fixed_values[n]) || kind == ActionKind::AssignOwner)
            c.timed_in_stage = true;
    }
}

CompanyTime AutomationService::Impl::Time() const {
    Result<CompanyProfile> p = company.Get();
    return p.ok() ? CompanyTime::For(*p) : CompanyTime();
}

std::optional<int64_t> AutomationService::Impl::DueTime(const AutomationTrigger& t, const FieldDef& field,
                                                        const Value& value) const {
    if (value.is_blank()) return std::nullopt;
    const CompanyTime ct = Time();
    const int64_t sign = t.before ? -1 : 1;
    const int64_t unit_ms = t.unit == "minutes" ? 60'000 : t.unit == "hours" ? 3'600'000 : 0;
    int64_t due;
    if (field.type == FieldType::Date) {
        const int64_t minute = t.at_minute >= 0 ? t.at_minute : 0;
        if (unit_ms == 0) {
            due = ct.ToUtc(value.days() + sign * t.offset, minute * 60'000);
        } else {
            due = ct.ToUtc(value.days(), 0) + sign * t.offset * unit_ms;
        }
    } else {
        if (unit_ms == 0) {
            const LocalTime lt = ct.ToLocal(value.ms());
            const int64_t ms_of_day =
                t.at_minute >= 0 ? int64_t{t.at_minute} * 60'000 : int64_t{lt.minute} * 60'000 + lt.second_ms;
            due = ct.ToUtc(lt.days + sign * t.offset, ms_of_day);
        } else {
            due = value.ms() + sign * t.offset * unit_ms;
        }
    }
    if (t.business_hours) due = ct.NextBusinessTime(due);
    return due;
}

// [SECTION] The automation stage

void AutomationService::Impl::Stage(SaveContext& save) {
    // A SaveContext address is unique among the saves in progress: an entry left by a save that failed
    // after this stage is dropped here.
    pending.erase(
        std::remove_if(pending.begin(), pending.end(), [&](const PendingSave& p) { return p.save == &save; }),
        pending.end());
    std::shared_ptr<const ObjectRules> rules = RulesFor(save.object);
    if (rules->empty()) return;
    PendingSave entry;
    entry.save = &save;
    const char* const trigger = save.is_new ? "on_create" : "on_update";
    using RulePtr = std::shared_ptr<const CompiledRule>;

    // The rules this save triggers, by order number then name: the create (or update) rules as compiled
    // (RulesFor keeps each list in that order), with the field-change rules the save fires merged in.
    auto by_order = [](const RulePtr& a, const RulePtr& b) {
        return a->rule.order != b->rule.order ? a->rule.order < b->rule.order : a->rule.name < b->rule.name;
    };
    auto watching = [&](const std::vector<int>* fields) {
        std::vector<RulePtr> out;
        for (const RulePtr& r : rules->on_field_change) {
            bool fires = false;
            for (int i : r->trigger_fields) {
                if (fields) {
                    fires = fires || std::find(fields->begin(), fields->end(), i) != fields->end();
                } else {
                    fires = fires || (i == -2 ? save.owner_after != save.owner_before : save.Changed(i));
                }
            }
            if (fires) out.push_back(r);
        }
        return out;
    };
    const std::vector<RulePtr>& first = save.is_new ? rules->on_create : rules->on_update;
    std::vector<RulePtr> candidates = watching(nullptr);
    const std::vector<RulePtr>* list = &first;
    if (!candidates.empty()) {
        candidates.insert(candidates.end(), first.begin(), first.end());
        std::sort(candidates.begin(), candidates.end(), by_order);
        list = &candidates;
    }
    // Field updates re-trigger only field-change rules: with none, what a pass sets is not tracked.
    const bool watched = !rules->on_field_change.empty();

    // Who saves is looked up only when a rule reads it ($User...): most saves need no directory read.
    const formula::Globals globals =
        rules->save_globals ? records.GlobalsFor(save.actor) : formula::Globals{};
    AutomationView view(*this, save.object, save.after, save.before, save.is_new);
    formula::EvalContext context = formula::EvalContext::At(&view, save.now_ms);
    context.globals = &globals;
    std::vector<std::string> pass_chain;
    std::vector<int> set_fields;
    entry.fired.reserve(std::min<size_t>(list->size(), 16));
    entry.log.reserve(std::min<size_t>(list->size(), 16));
    // One log entry for the stage, filled only by a rule that runs (or fails), then moved to the save's
    // entries and made afresh: the many candidates whose conditions do not hold build none.
    WorkflowLogEntry log_entry;
    for (int pass = 0; !list->empty(); ++pass) {
        set_fields.clear();
        std::string setter;
        for (const RulePtr& r : *list) {
            // Most candidates' conditions do not hold: what a run records (its chain, its log entry, its
            // time: a clock read costs about what a condition does) is made only for a rule that runs, or
            // fails. A run's time starts once its condition holds (CompiledRule::timed_in_stage).
            std::optional<double> t0;
            auto rule_chain = [&] {
                std::vector<std::string> c = chain;
                c.insert(c.end(), pass_chain.begin(), pass_chain.end());
                c.push_back(r->rule.name);
                return c;
            };
            auto describe = [&] {
                log_entry.rule_id = r->rule.id;
                log_entry.rule_name = r->rule.name;
                log_entry.object = save.object.api_name;
                log_entry.record_id = save.record_id;
                log_entry.trigger =
                    pass == 0
                        ? (r->rule.trigger.kind == TriggerKind::OnFieldChange ? "on_field_change" : trigger)
                        : "on_field_change";
                log_entry.actor = save.actor;
                log_entry.at_ms = save.now_ms;
            };
            auto fail = [&](Error cause) {
                Error e = MessageError("workflow.action_failed", "workflow.action_failed",
                                       {{"rule", r->rule.name},
                                        {"object", save.object.api_name},
                                        {"id", save.record_id ? std::to_string(save.record_id) : "(new)"},
                                        {"message", cause.message}},
                                       cause.field);
                if (cause.code == "workflow.recursion") e = cause;
                describe();
                log_entry.error = e.message;
                log_entry.duration_us = t0 ? MicrosSince(*t0) : 0;
                self.log().AppendAfterRollback(log_entry);
                save.Fail(std::move(e));
            };
            if (static_cast<int>(chain.size() + pass_chain.size() + 1) > kMaxAutomationDepth) {
                return fail(MessageError(
                    "workflow.recursion", "workflow.recursion",
                    {{"chain", JoinChain(rule_chain())}, {"depth", std::to_string(kMaxAutomationDepth)}}));
            }
            if (r->condition) {
                // Most conditions compare a field with a constant: decided on the field's value at once.
                const std::optional<bool> quick =
                    r->quick_condition
                        ? r->quick_condition->Decide(save.after[static_cast<size_t>(r->quick_index)])
                        : std::nullopt;
                if (quick) {
                    if (!*quick) continue;
                } else {
                    Result<Value> met = formula::Evaluate(*r->condition, context);
                    if (!met.ok()) return fail(met.error());
                    if (!met->boolean()) continue;
                }
            }
            if (r->timed_in_stage) t0 = MonotonicMicros();
            describe();
            log_entry.condition_met = true;
            for (size_t n = 0; n < r->rule.actions.size(); ++n) {
                const AutomationAction& a = r->rule.actions[n];
                if (a.kind == ActionKind::UpdateField) {
                    const int index = r->action_fields[n];  // compiled against this schema version
                    const FieldDef& def = save.object.fields[static_cast<size_t>(index)];
                    Value& field = save.after[static_cast<size_t>(index)];
                    // A constant value was converted for the field when the rule was kept (PrepareForSaves).
                    if (n < r->fixed_values.size() && r->fixed_values[n]) {
                        const Value& fixed = *r->fixed_values[n];
                        if (watched && field != fixed) {
                            set_fields.push_back(index);
                            setter = r->rule.name;
                        }
                        field = fixed;
                        log_entry.actions.push_back(r->fixed_lines[n]);
                        continue;
                    }
                    Result<Value> v = formula::Evaluate(*r->values[n], context);
                    if (!v.ok()) return fail(v.error());
                    // SaveContext::Set without its look-up by name (Compile found the field active and
                    // settable in this schema version).
                    std::string shown;
                    Result<Value> set = FieldValueFor(def, *v, &shown);
                    if (!set.ok()) return fail(set.error());
                    if (watched && *set != field) {
                        set_fields.push_back(index);
                        setter = r->rule.name;
                    }
                    field = std::move(*set);
                    log_entry.actions.push_back("set " + def.api_name + " = " + shown);
                } else if (a.kind == ActionKind::AssignOwner) {
                    int64_t owner = 0;
                    if (a.through_rules) {
                        if (!self.assign_through_rules_)
                            return fail(MessageError("workflow.no_assignment_rules",
                                                     "workflow.no_assignment_rules", {}));
                        Result<int64_t> picked = self.assign_through_rules_(save);
                        if (!picked.ok()) return fail(picked.error());
                        owner = *picked;
                        log_entry.actions.push_back(
                            "assign owner through the assignment rules: " +
                            (owner > 0 ? std::to_string(owner) : std::string("no match")));
                    } else {
                        std::optional<int64_t> id = ActiveUserId(db, a.user);
                        if (!id)
                            return fail(MessageError("workflow.inactive_user", "workflow.inactive_user",
                                                     {{"username", a.user}}, "OwnerId"));
                        owner = *id;
                        log_entry.actions.push_back("assign owner " + a.user);
                    }
                    if (owner > 0 && owner != save.owner_after) {
                        save.owner_after = owner;
                        if (watched) {
                            set_fields.push_back(-2);
                            setter = r->rule.name;
                        }
                    }
                }
            }
            log_entry.duration_us = t0 ? MicrosSince(*t0) : 0;
            entry.fired.emplace_back(r, rule_chain());
            entry.log.push_back(std::move(log_entry));
            log_entry = WorkflowLogEntry();
        }
        if (set_fields.empty()) break;
        // A field update re-triggers the rules watching the fields it changed.
        pass_chain.push_back(setter);
        candidates = watching(&set_fields);
        std::sort(candidates.begin(), candidates.end(), by_order);
        list = &candidates;
    }
    if (!entry.fired.empty() || !rules->time.empty()) pending.push_back(std::move(entry));
}

// [SECTION] After the write

namespace {

/// Who a notify action reaches, as usernames.
Result<std::vector<std::string>> Recipients(Database& db, const AutomationAction& a, int64_t owner_id) {
    std::vector<std::string> out;
    Statement st;
    if (a.to == "user") {
        out.push_back(a.name);
        return out;
    } else if (a.to == "owner") {
        st = db.Prepare("SELECT username FROM access_user WHERE id = ?1");
        st.Bind(1, owner_id);
    } else if (a.to == "owner_manager") {
        st = db.Prepare(
            "SELECT m.username FROM access_user u JOIN access_user m ON m.id = u.manager_id WHERE u.id = ?1");
        st.Bind(1, owner_id);
    } else if (a.to == "role") {
        st = db.Prepare(
            "SELECT u.username FROM access_user u JOIN access_role r ON r.id = u.role_id WHERE r.name = ?1 "
            "AND "
            "u.active = 1 ORDER BY u.username");
        st.Bind(1, a.name);
    } else {
        st = db.Prepare(
            "SELECT u.username FROM access_team t JOIN access_team_member m ON m.team_id = t.id JOIN "
            "access_user u "
            "ON u.id = m.user_id WHERE t.name = ?1 AND u.active = 1 ORDER BY u.username");
        st.Bind(1, a.name);
    }
    while (st.Step()) out.push_back(st.Text(0));
    if (!st.status().ok()) return st.status().error();
    return out;
}

}  // namespace

/// The actions that need the record's id: a task, a notification, a webhook. `owner_id` is the owner after
/// the save; `values` the record as saved.
static Status RunAfterActions(AutomationService::Impl& impl, ChangeScope& scope, const CompiledRule& r,
                              const ObjectDef& o, int64_t id, int64_t owner_id,
                              const std::vector<Value>& values, const std::string& trigger,
                              bool record_exists, std::vector<std::string>& done) {
    for (const AutomationAction& a : r.rule.actions) {
        if (a.kind == ActionKind::CreateTask) {
            json task = {{"Subject", Merge(a.subject, o, values, id)}};
            if (a.due_in_days >= 0) {
                const CompanyTime ct = impl.Time();
                const int64_t today = ct.ToLocal(scope.now_ms()).days;
                task["DueDate"] = FormulaValueToJson(Value::Date(today + a.due_in_days));
            }
            if (!a.priority.empty()) task["Priority"] = a.priority;
            if (a.assign_to == "owner") {
                if (owner_id > 0) task["OwnerId"] = owner_id;
            } else if (std::optional<int64_t> uid = ActiveUserId(impl.db, a.assign_to)) {
                task["OwnerId"] = *uid;
            }
            if (record_exists) {
                if (ToLowerAscii(o.api_name) == "opportunity") task["WhatId"] = id;
                if (ToLowerAscii(o.api_name) == "account") task["AccountId"] = id;
                if (ToLowerAscii(o.api_name) == "contact") task["WhoId"] = id;
            }
            SaveResult saved = impl.records.Create(kSystemActor, "Task", task);
            if (!saved.ok()) return saved.errors.front();
            done.push_back("created Task " + std::to_string(saved.id));
        } else if (a.kind == ActionKind::Notify) {
            Result<std::vector<std::string>> to = Recipients(impl.db, a, owner_id);
            if (!to.ok()) return to.error();
            NotificationDraft draft;
            draft.recipients = *to;
            draft.title = Merge(a.title, o, values, id);
            draft.body = Merge(a.body, o, values, id);
            draft.object = o.api_name;
            draft.record_id = record_exists ? id : 0;
            draft.link_kind = record_exists ? "record" : "none";
            if (Status s = impl.self.notifications().Notify(scope, draft); !s.ok()) return s;
            std::string names;
            for (const std::string& n : draft.recipients) names += (names.empty() ? "" : ", ") + n;
            done.push_back("notified " + (names.empty() ? std::string("nobody") : names));
        } else if (a.kind == ActionKind::Webhook) {
            json record = json::object();
            record["Id"] = id;
            for (size_t i = 0; i < o.fields.size(); ++i) {
                const FieldDef& f = o.fields[i];
                if (f.state == FieldState::Active && f.has_column())
                    record[f.api_name] = ValueToJson(f, values[i]);
            }
            json payload = {{"rule", r.rule.name},
                            {"object", o.api_name},
                            {"id", id},
                            {"trigger", trigger},
                            {"at", FormatUtcIso8601(scope.now_ms())},
                            {"record", record}};
            if (Status s = impl.self.outbox().Enqueue(scope, r.rule.id, a.url, a.method, payload); !s.ok())
                return s;
            done.push_back("queued " + a.method + " " + a.url);
        }
    }
    return Status::Ok();
}

void AutomationService::Impl::AfterWrite(SaveContext& save) {
    auto it =
        std::find_if(pending.rbegin(), pending.rend(), [&](const PendingSave& p) { return p.save == &save; });
    if (it == pending.rend()) return;
    PendingSave entry = std::move(*it);
    pending.erase(std::next(it).base());
    ChangeScope* scope = changes.open_scope();
    if (!scope) return;
    // A rule with nothing to run here (only field updates, no listener hearing this object) adds no time:
    // no clock read.
    const std::vector<const AutomationService::RuleFiredHook*> hooks = self.RuleFiredHooksFor(save.object);
    const bool timed_listeners = !hooks.empty();
    std::optional<double> t0;
    for (size_t k = 0; k < entry.fired.size(); ++k) {
        const CompiledRule& r = *entry.fired[k].first;
        WorkflowLogEntry& log_entry = entry.log[k];
        log_entry.record_id = save.record_id;
        if (!r.after_actions && !timed_listeners) continue;
        if (!t0) t0 = MonotonicMicros();  // then each rule's run ends where the next starts
        std::vector<std::string> outer;
        outer.swap(chain);
        chain = std::move(entry.fired[k].second);  // entry is this save's own, dropped when done
        Status s = RunAfterActions(*this, *scope, r, save.object, save.record_id, save.owner_after,
                                   save.after, log_entry.trigger, true, log_entry.actions);
        for (size_t l = 0; s.ok() && l < hooks.size(); ++l)
            s = hooks[l]->fn(*scope, RuleFired{r.rule, save.object, save.record_id, save.owner_after, save.after,
                                               log_entry.trigger, log_entry.actions});
        chain.swap(outer);
        const double t1 = MonotonicMicros();
        log_entry.duration_us += static_cast<int64_t>(t1 - *t0);
        t0 = t1;
        if (!s.ok()) {
            Error e = s.error().code == "workflow.recursion" || s.error().code == "workflow.action_failed"
                          ? s.error()
                          : MessageError("workflow.action_failed", "workflow.action_failed",
                                         {{"rule", r.rule.name},
                                          {"object", save.object.api_name},
                                          {"id", std::to_string(save.record_id)},
                                          {"message", s.error().message}});
            log_entry.error = e.message;
            self.log().AppendAfterRollback(log_entry);
            return save.Fail(std::move(e));
        }
    }
    if (Status s = self.log().Append(*scope, entry.log); !s.ok()) return save.Fail(s.error());
    // Time-based rules: (re)compute this record's items.
    std::shared_ptr<const ObjectRules> rules = RulesFor(save.object);
    if (rules->time.empty()) return;
    const formula::Globals globals = records.GlobalsFor(save.actor);
    AutomationView view(*this, save.object, save.after, save.before, save.is_new);
    for (const auto& r : rules->time) {
        const int index = save.FieldIndex(r->rule.trigger.date_field);
        if (index < 0) continue;
        bool met = true;
        if (r->condition) {
            formula::EvalContext context = formula::EvalContext::At(&view, save.now_ms);
            context.globals = &globals;
            Result<Value> v = formula::Evaluate(*r->condition, context);
            met = v.ok() && v->boolean();
        }
        const std::optional<int64_t> due =
            met ? DueTime(r->rule.trigger, save.object.fields[static_cast<size_t>(index)], save.After(index))
                : std::nullopt;
        Status s = due ? self.scheduler().Schedule(*scope, "automation", save.object.api_name, save.record_id,
                                                   r->rule.id, *due)
                       : self.scheduler().Cancel(*scope, "automation", r->rule.id, save.record_id);
        if (!s.ok()) return save.Fail(s.error());
    }
}

// [SECTION] Delete

void AutomationService::Impl::OnDelete(DeleteContext& del) {
    ChangeScope* scope = changes.open_scope();
    if (!scope) return;
    if (del.phase == DeletePhase::After) {
        if (Status s = self.scheduler().CancelRecord(*scope, del.object.api_name, del.record_id); !s.ok())
            del.Fail(s.error());
        return;
    }
    std::shared_ptr<const ObjectRules> rules = RulesFor(del.object);
    if (rules->on_delete.empty()) return;
    const formula::Globals globals = records.GlobalsFor(del.actor);
    AutomationView view(*this, del.object, del.values, nullptr, false);
    std::vector<WorkflowLogEntry> ran;  // logged as one row when every rule has run
    for (const auto& r : rules->on_delete) {
        const auto t0 = MonotonicMicros();
        WorkflowLogEntry log_entry;
        log_entry.rule_id = r->rule.id;
        log_entry.rule_name = r->rule.name;
        log_entry.object = del.object.api_name;
        log_entry.record_id = del.record_id;
        log_entry.trigger = "on_delete";
        log_entry.actor = del.actor;
        log_entry.at_ms = scope->now_ms();
        std::vector<std::string> rule_chain = chain;
        rule_chain.push_back(r->rule.name);
        Status s = Status::Ok();
        if (static_cast<int>(rule_chain.size()) > kMaxAutomationDepth) {
            s = MessageError(
                "workflow.recursion", "workflow.recursion",
                {{"chain", JoinChain(rule_chain)}, {"depth", std::to_string(kMaxAutomationDepth)}});
        } else {
            bool met = true;
            if (r->condition) {
                formula::EvalContext context = formula::EvalContext::At(&view, scope->now_ms());
                context.globals = &globals;
                Result<Value> v = formula::Evaluate(*r->condition, context);
                if (!v.ok()) s = v.error();
                met = v.ok() && v->boolean();
            }
            if (s.ok() && met) {
                log_entry.condition_met = true;
                std::vector<std::string> outer;
                outer.swap(chain);
                chain = rule_chain;
                s = RunAfterActions(*this, *scope, *r, del.object, del.record_id, del.owner_id, del.values,
                                    "on_delete", false, log_entry.actions);
                chain.swap(outer);
            } else if (s.ok()) {
                continue;
            }
        }
        log_entry.duration_us = MicrosSince(t0);
        if (!s.ok()) {
            Error e = s.error().code == "workflow.recursion"
                          ? s.error()
                          : MessageError("workflow.action_failed", "workflow.action_failed",
                                         {{"rule", r->rule.name},
                                          {"object", del.object.api_name},
                                          {"id", std::to_string(del.record_id)},
                                          {"message", s.error().message}});
            log_entry.error = e.message;
            self.log().AppendAfterRollback(log_entry);
            return del.Fail(std::move(e));
        }
        ran.push_back(std::move(log_entry));
    }
    if (Status s = self.log().Append(*scope, ran); !s.ok()) return del.Fail(s.error());
}

// [SECTION] Time items

Status AutomationService::Impl::RunTimeItem(ChangeScope& scope, const ScheduledItem& item) {
    std::optional<AutomationRule> rule;
    for (AutomationRule& r : Load(item.object))
        if (r.id == item.rule_id) rule = std::move(r);
    if (!rule || !rule->active || rule->trigger.kind != TriggerKind::Time)
        return Status::Ok();  // nothing to do
    Result<std::shared_ptr<const ObjectDef>> o = schema.Object(item.object);
    if (!o.ok()) return Status::Ok();
    Result<CompiledRule> c = Compile(*rule, **o);
    if (!c.ok()) return c.error();
    Result<json> record = records.Get(kSystemActor, item.object, item.record_id);
    if (!record.ok()) return Status::Ok();  // the record is gone
    const auto t0 = MonotonicMicros();
    std::vector<Value> values = ValuesFromJson(**o, *record);
    const int64_t owner = (*record)["OwnerId"].is_number_integer() ? (*record)["OwnerId"].get<int64_t>() : 0;
    WorkflowLogEntry log_entry;
    log_entry.rule_id = rule->id;
    log_entry.rule_name = rule->name;
    log_entry.object = (*o)->api_name;
    log_entry.record_id = item.record_id;
    log_entry.trigger = "time";
    log_entry.actor = scope.actor();
    log_entry.at_ms = scope.now_ms();
    AutomationView view(*this, **o, values, nullptr, false);
    const formula::Globals globals = records.GlobalsFor(kSystemActor);
    formula::EvalContext context = formula::EvalContext::At(&view, scope.now_ms());
    context.globals = &globals;
    if (c->condition) {
        Result<Value> met = formula::Evaluate(*c->condition, context);
        if (!met.ok()) return met.error();
        if (!met->boolean()) return Status::Ok();  // the condition no longer holds: the item is dropped
    }
    log_entry.condition_met = true;
    json updates = json::object();
    for (size_t n = 0; n < rule->actions.size(); ++n) {
        const AutomationAction& a = rule->actions[n];
        if (a.kind == ActionKind::UpdateField) {
            Result<Value> v = formula::Evaluate(*c->values[n], context);
            if (!v.ok()) return v.error();
            updates[(**o).Field(a.field)->api_name] = FormulaValueToJson(*v);
            log_entry.actions.push_back("set " + a.field + " = " + FormulaValueToJson(*v).dump());
        } else if (a.kind == ActionKind::AssignOwner && !a.through_rules) {
            if (std::optional<int64_t> id = ActiveUserId(db, a.user)) updates["OwnerId"] = *id;
            log_entry.actions.push_back("assign owner " + a.user);
        }
    }
    std::vector<std::string> outer;
    outer.swap(chain);
    chain = {rule->name};
    Status s = Status::Ok();
    if (!updates.empty()) {
        SaveResult saved = records.Update(kSystemActor, item.object, item.record_id, updates);
        if (!saved.ok()) s = saved.errors.front();
    }
    if (s.ok()) {
        Result<json> now = records.Get(kSystemActor, item.object, item.record_id);
        const std::vector<Value> current = now.ok() ? ValuesFromJson(**o, *now) : values;
        s = RunAfterActions(*this, scope, *c, **o, item.record_id, owner, current, "time", true,
                            log_entry.actions);
        for (const AutomationService::RuleFiredHook* hook : self.RuleFiredHooksFor(**o)) {
            if (!s.ok()) break;
            s = hook->fn(scope, RuleFired{*rule, **o, item.record_id, owner, current, log_entry.trigger,
                                          log_entry.actions});
        }
    }
    chain.swap(outer);
    log_entry.duration_us = MicrosSince(t0);
    if (!s.ok()) {
        log_entry.error = s.error().message;
        self.log().AppendAfterRollback(log_entry);
        return s;
    }
    return self.log().Append(scope, log_entry);
}

// [SECTION] Attach

void AutomationService::Attach() {
    Impl* impl = impl_.get();
    impl->records.AddSaveStage(SaveStageId::Automation, "automation rules",
                               [impl](SaveContext& s) { impl->Stage(s); });
    impl->records.AddAfterWriteHook("automation rules: tasks, notifications, webhooks, time items",
                                    [impl](SaveContext& s) { impl->AfterWrite(s); });
    impl->records.AddDeleteHook(DeletePhase::Before, "automation rules on delete",
                                [impl](DeleteContext& d) { impl->OnDelete(d); });
    impl->records.AddDeleteHook(DeletePhase::After, "scheduled items of the deleted record",
                                [impl](DeleteContext& d) { impl->OnDelete(d); });
    scheduler_->SetHandler("automation", [impl](ChangeScope& scope, const ScheduledItem& item) {
        return impl->RunTimeItem(scope, item);
    });
}

// [SECTION] Simulate

Result<std::vector<SimulatedRun>> AutomationService::Simulate(const std::string& actor,
                                                              const AutomationRule& spec,
                                                              const std::vector<int64_t>& ids,
                                                              const std::string& filter_formula, int limit) {
    if (IsBlank(actor))
        return MakeError("access.denied", "Say who makes the change: the acting user is missing.");
    if (!IsSystemActor(actor) && authorizer_) {
        if (Status s = authorizer_(actor, SystemPermission::ManageWorkflows); !s.ok()) return s.error();
    }
    Result<std::shared_ptr<const ObjectDef>> o = impl_->schema.Object(spec.object);
    if (!o.ok()) return o.error();
    Result<CompiledRule> c = impl_->Compile(spec, **o);
    if (!c.ok()) return c.error();
    std::vector<int64_t> chosen = ids;
    limit = std::max(1, std::min(limit, 200));
    if (chosen.empty()) {
        ListQuery q;
        q.columns = {"Id"};
        q.filter_formula = filter_formula;
        q.limit = limit;
        Result<ListPage> page = impl_->records.List(actor, (*o)->api_name, q);
        if (!page.ok()) return page.error();
        for (const json& row : page->rows) chosen.push_back(row["Id"].get<int64_t>());
    }
    if (static_cast<int>(chosen.size()) > limit) chosen.resize(static_cast<size_t>(limit));
    std::vector<SimulatedRun> out;
    const formula::Globals globals = impl_->records.GlobalsFor(actor);
    for (int64_t id : chosen) {
        SimulatedRun run;
        run.record_id = id;
        Result<json> record = impl_->records.Get(actor, (*o)->api_name, id);
        if (!record.ok()) return record.error();
        if (record->contains((*o)->name_field) && (*record)[(*o)->name_field].is_string())
            run.record_name = (*record)[(*o)->name_field].get<std::string>();
        std::vector<Value> values = ValuesFromJson(**o, *record);
        AutomationView view(*impl_, **o, values, nullptr, false);
        formula::EvalContext context = formula::EvalContext::At(&view, impl_->changes.clock().NowMs());
        context.globals = &globals;
        run.condition_met = true;
        if (c->condition) {
            Result<Value> met = formula::Evaluate(*c->condition, context);
            if (!met.ok()) {
                run.error = met.error().message;
                run.condition_met = false;
            } else {
                run.condition_met = met->boolean();
            }
        }
        run.changes = json::object();
        if (run.condition_met) {
            for (size_t n = 0; n < spec.actions.size(); ++n) {
                const AutomationAction& a = spec.actions[n];
                switch (a.kind) {
                    case ActionKind::UpdateField: {
                        Result<Value> v = formula::Evaluate(*c->values[n], context);
                        if (!v.ok()) {
                            run.error = v.error().message;
                            break;
                        }
                        const std::string field = (*o)->Field(a.field)->api_name;
                        run.changes[field] = FormulaValueToJson(*v);
                        run.actions.push_back("set " + field + " = " + FormulaValueToJson(*v).dump());
                        break;
                    }
                    case ActionKind::CreateTask:
                        run.actions.push_back("create Task \"" + Merge(a.subject, **o, values, id) + "\"");
                        break;
                    case ActionKind::AssignOwner:
                        run.actions.push_back(a.through_rules
                                                  ? "assign the owner through the assignment rules"
                                                  : "assign owner " + a.user);
                        break;
                    case ActionKind::Notify: {
                        const int64_t owner = (*record)["OwnerId"].is_number_integer()
                                                  ? (*record)["OwnerId"].get<int64_t>()
                                                  : 0;
                        Result<std::vector<std::string>> to = Recipients(impl_->db, a, owner);
                        std::string names;
                        if (to.ok())
                            for (const std::string& n2 : *to) names += (names.empty() ? "" : ", ") + n2;
                        run.actions.push_back("notify " + (names.empty() ? std::string("nobody") : names) +
                                              ": \"" + Merge(a.title, **o, values, id) + "\"");
                        break;
                    }
                    case ActionKind::Webhook:
                        run.actions.push_back("queue " + a.method + " " + a.url);
                        break;
                }
            }
        }
        out.push_back(std::move(run));
    }
    return out;
}

}  // namespace crm
