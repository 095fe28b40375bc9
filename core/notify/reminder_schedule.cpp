// Reminders on the clock: when each occurrence falls (across daylight-saving changes), the save and delete
// hooks that queue, move and drop occurrences in the workflow scheduler, and the scheduler's handlers that
// fire reminders, escalations and snoozes through the notify engine (reminder.h states the rules).
#include <algorithm>

#include "access/access.h"
#include "attached_service.h"
#include "audit/change.h"
#include "common/messages.h"
#include "common/text.h"
#include "company/company_profile.h"
#include "notify/notify.h"
#include "notify/reminder_internal.h"
#include "records/records.h"
#include "storage/database.h"
#include "workflow/automation.h"
#include "workflow/notifications.h"
#include "workflow/scheduler.h"
#include "workspace.h"

namespace crm {

using formula::Value;

namespace {

constexpr int64_t kMinuteMs = 60'000, kHourMs = 3'600'000, kDayMs = 86'400'000;

/// A record's values by index of the object's fields, for the `until` condition.
class ValuesView final : public formula::RecordView {
public:
    explicit ValuesView(const std::vector<Value>& values) : values_(values) {}
    Value Get(const formula::FieldInfo& field) const override {
        if (field.index < 0 || static_cast<size_t>(field.index) >= values_.size())
            return Value::Blank(field.type);
        return values_[static_cast<size_t>(field.index)];
    }

private:
    const std::vector<Value>& values_;
};

/// The stored values rules read (their date fields and what `until` reads) of one record, with its
/// owner; nullopt when the record is gone.
struct StoredRecord {
    std::vector<Value> values;
    int64_t owner_id = 0;
};

using CompiledList = std::vector<std::shared_ptr<const ReminderService::Impl::Compiled>>;

/// The fields `rules` (all of one object) read, by index, sorted.
std::vector<int> FieldsRead(const CompiledList& rules) {
    std::vector<int> out;
    for (const auto& c : rules) {
        out.insert(out.end(), c->until_fields.begin(), c->until_fields.end());
        if (c->date_index >= 0) out.push_back(c->date_index);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string SelectSql(const ObjectDef& def, const std::vector<int>& fields) {
    std::string sql = "SELECT id, owner_id";
    for (int i : fields) sql += ", " + QuoteIdent(def.fields[static_cast<size_t>(i)].column);
    return sql + " FROM " + QuoteIdent(def.table);
}

StoredRecord ReadStored(const ObjectDef& def, const std::vector<int>& fields, const Statement& st) {
    StoredRecord r;
    r.values.resize(def.fields.size());
    for (size_t i = 0; i < def.fields.size(); ++i)
        r.values[i] = Value::Blank(FormulaTypeOf(
            def.fields[i].type == FieldType::Formula ? def.fields[i].formula_type : def.fields[i].type));
    r.owner_id = st.IsNull(1) ? 0 : st.Int(1);
    for (size_t n = 0; n < fields.size(); ++n) {
        const FieldDef& f = def.fields[static_cast<size_t>(fields[n])];
        r.values[static_cast<size_t>(fields[n])] = ReadValue(st, static_cast<int>(n) + 2, f);
    }
    return r;
}

std::optional<StoredRecord> LoadRecord(Database& db, const ObjectDef& def, const CompiledList& rules,
                                       int64_t id) {
    const std::vector<int> fields = FieldsRead(rules);
    Statement st = db.Prepare(SelectSql(def, fields) + " WHERE id = ?1");
    st.Bind(1, id);
    if (!st.Step()) return std::nullopt;
    return ReadStored(def, fields, st);
}

std::optional<StoredRecord> LoadRecord(Database& db, const ReminderService::Impl::Compiled& c, int64_t id) {
    // A list of one, not owning `c`.
    return LoadRecord(db, *c.def,
                      {std::shared_ptr<const ReminderService::Impl::Compiled>(std::shared_ptr<void>(), &c)},
                      id);
}

std::string Username(Database& db, int64_t user_id) {
    Statement st = db.Prepare("SELECT username FROM access_user WHERE id = ?1 AND active = 1");
    st.Bind(1, user_id);
    return st.Step() ? st.Text(0) : std::string();
}

int64_t MaxNotificationId(Database& db) {
    Statement st = db.Prepare("SELECT coalesce(max(id), 0) FROM notifications");
    return st.Step() ? st.Int(0) : 0;
}

}  // namespace

// [SECTION] Times

int64_t ReminderLocalToUtc(const CompanyTime& time, int64_t local_days, int64_t ms_of_day) {
    const int64_t utc = time.ToUtc(local_days, ms_of_day);
    const LocalTime lt = time.ToLocal(utc);
    const int64_t wanted = local_days * kDayMs + ms_of_day;
    const int64_t got = lt.days * kDayMs + int64_t{lt.minute} * kMinuteMs + lt.second_ms;
    if (got == wanted) return utc;
    // In the spring-forward gap: ToUtc moved the time forward by the gap. The first valid time after the
    // gap is the change itself: find it between a day before (the old offset) and `utc` (the new one).
    const PosixTzRule& rule = time.rule();
    const int offset = rule.OffsetAt(utc);
    int64_t lo = utc - kDayMs, hi = utc;
    if (rule.OffsetAt(lo) == offset) return utc;
    while (hi - lo > 1) {
        const int64_t mid = lo + (hi - lo) / 2;
        (rule.OffsetAt(mid) == offset ? hi : lo) = mid;
    }
    return hi;
}

std::optional<int64_t> ReminderDue(const ReminderRule& rule, const FieldDef& field, const Value& value,
                                   const CompanyTime& time, int k) {
    if (value.is_blank() || k < 0) return std::nullopt;
    if (k > 0 && (rule.repeat_every <= 0 || (rule.repeat_count > 0 && k >= rule.repeat_count)))
        return std::nullopt;
    const int64_t sign = rule.before ? -1 : 1;
    const int64_t unit_ms = rule.unit == "minutes" ? kMinuteMs : rule.unit == "hours" ? kHourMs : 0;
    // Occurrence 0 as a local wall time (offsets in days) or as an instant (minutes and hours).
    bool local = unit_ms == 0;
    int64_t local_days = 0, ms_of_day = 0, instant = 0;
    if (field.type == FieldType::Date) {
        if (local) {
            local_days = value.days() + sign * rule.offset;
            ms_of_day = int64_t{rule.at_minute >= 0 ? rule.at_minute : 9 * 60} * kMinuteMs;
        } else {
            instant = ReminderLocalToUtc(time, value.days(), 0) + sign * rule.offset * unit_ms;
        }
    } else if (local) {
        const LocalTime lt = time.ToLocal(value.ms());
        local_days = lt.days + sign * rule.offset;
        ms_of_day = rule.at_minute >= 0 ? int64_t{rule.at_minute} * kMinuteMs
                                        : int64_t{lt.minute} * kMinuteMs + lt.second_ms;
    } else {
        instant = value.ms() + sign * rule.offset * unit_ms;
    }
    if (k == 0) return local ? ReminderLocalToUtc(time, local_days, ms_of_day) : instant;
    if (rule.repeat_unit == "hours") {
        const int64_t first = local ? ReminderLocalToUtc(time, local_days, ms_of_day) : instant;
        return first + int64_t{k} * rule.repeat_every * kHourMs;
    }
    if (!local) {
        const LocalTime lt = time.ToLocal(instant);
        local_days = lt.days;
        ms_of_day = int64_t{lt.minute} * kMinuteMs + lt.second_ms;
    }
    return ReminderLocalToUtc(time, local_days + int64_t{k} * rule.repeat_every, ms_of_day);
}

// [SECTION] Rules in force

const std::vector<std::shared_ptr<const ReminderService::Impl::Compiled>>& ReminderService::Impl::RulesFor(
    const ObjectDef& object) {
    if (last && last->object == &object && last->api_name == object.api_name) return last->rules;
    const std::string key = ToLowerAscii(object.api_name);
    auto it = cache.find(key);
    if (it != cache.end() && it->second.object == &object) {
        last = &it->second;
        return last->rules;
    }
    std::vector<std::shared_ptr<const Compiled>> rules;
    for (const ReminderRule& r : Load(object.api_name)) {
        if (!r.active) continue;
        Result<std::shared_ptr<const Compiled>> c = Compile(r);
        if (!c.ok()) continue;  // a rule its object no longer supports does nothing until it is saved again
        auto copy = std::make_shared<Compiled>(**c);
        copy->rule.id = r.id;
        rules.push_back(std::move(copy));
    }
    ObjectRules& entry = cache[key];
    entry.object = &object;
    entry.api_name = object.api_name;
    entry.rules = std::move(rules);
    last = &entry;
    return entry.rules;
}

const CompanyTime& ReminderService::Impl::Time() {
    if (!time) {
        Result<CompanyProfile> p = ws.company().Get();
        time = p.ok() ? CompanyTime::For(*p) : CompanyTime();
    }
    return *time;
}

bool ReminderService::Impl::Done(const Compiled& c, const std::vector<Value>& values, int64_t now_ms) const {
    if (!c.until) return false;
    ValuesView view(values);
    Result<Value> v = formula::Evaluate(*c.until, formula::EvalContext::At(&view, now_ms));
    return v.ok() && !v->is_blank() && v->boolean();
}

// [SECTION] Placing occurrences

std::optional<int64_t> ReminderService::Impl::Due(const Compiled& c, const Value& value, int k) {
    if (value.is_blank()) return std::nullopt;
    const DueKey key{c.rule.id, value.days(), k};  // days() is the raw value
    if (auto it = dues.find(key); it != dues.end()) return it->second;
    if (dues.size() >= 100'000) dues.clear();
    const std::optional<int64_t> due =
        ReminderDue(c.rule, c.def->fields[static_cast<size_t>(c.date_index)], value, Time(), k);
    dues.emplace(key, due);
    return due;
}

std::optional<int64_t> ReminderService::Impl::NextDue(const Compiled& c, const std::vector<Value>& values,
                                                      const Position* position, int64_t now_ms) {
    if (c.date_index < 0 || Done(c, values, now_ms)) return std::nullopt;
    const Value& value = values[static_cast<size_t>(c.date_index)];
    std::optional<int64_t> first = Due(c, value, 0);
    if (!first || !position || position->anchor_ms != *first || position->seq == 0) return first;
    if (position->seq < 0) return std::nullopt;
    return Due(c, value, position->seq);
}

std::vector<ReminderService::Impl::Position> ReminderService::Impl::Positions(const std::string& object,
                                                                              int64_t record_id) {
    Statement& st = statements.Get(
        "SELECT rule_id, anchor_ms, seq FROM reminder_state WHERE object = ?1 AND record_id = ?2");
    st.Bind(1, object).Bind(2, record_id);
    std::vector<Position> out;
    while (st.Step()) out.push_back(Position{st.Int(0), st.Int(1), static_cast<int>(st.Int(2))});
    st.Reset();
    return out;
}

namespace {

const ReminderService::Impl::Position* PositionOf(
    const std::vector<ReminderService::Impl::Position>& positions, int64_t rule_id) {
    for (const ReminderService::Impl::Position& p : positions)
        if (p.rule_id == rule_id) return &p;
    return nullptr;
}

}  // namespace

Status ReminderService::Impl::Plan(ChangeScope& scope, const ObjectDef& object, const CompiledList& rules,
                                   int64_t record_id, const std::vector<Value>& values,
                                   const std::vector<Position>& positions, int64_t now_ms, bool keep_running) {
    std::optional<int64_t> soonest;
    for (const std::shared_ptr<const Compiled>& c : rules) {
        std::optional<int64_t> due = NextDue(*c, values, PositionOf(positions, c->rule.id), now_ms);
        if (due && (!soonest || *due < *soonest)) soonest = due;
    }
    SchedulerService& scheduler = ws.automation().scheduler();
    if (soonest)
        return scheduler.Schedule(scope, kReminderKind, object.api_name, record_id, -object.id, *soonest);
    return keep_running ? Status::Ok() : scheduler.Cancel(scope, kReminderKind, -object.id, record_id);
}

void ReminderService::Impl::AfterWrite(SaveContext& save) {
    const CompiledList& rules = RulesFor(save.object);
    if (rules.empty()) return;
    ChangeScope* scope = ws.changes().open_scope();
    if (!scope) return;
    std::vector<Position> positions;
    if (!save.is_new) {
        // Only a change of a date or of what an `until` reads moves anything.
        bool relevant = false;
        for (const std::shared_ptr<const Compiled>& c : rules) {
            relevant = relevant || save.Changed(c->date_index);
            for (int i : c->until_fields) relevant = relevant || save.Changed(i);
        }
        if (!relevant) return;
        positions = Positions(save.object.api_name, save.record_id);
        // A position counted from another occurrence 0 (the date moved) starts again from the new one.
        for (auto it = positions.begin(); it != positions.end();) {
            const std::shared_ptr<const Compiled>* rule = nullptr;
            for (const std::shared_ptr<const Compiled>& c : rules)
                if (c->rule.id == it->rule_id) rule = &c;
            std::optional<int64_t> first;
            if (rule && (*rule)->date_index >= 0)
                first = Due(**rule, save.after[static_cast<size_t>((*rule)->date_index)], 0);
            if (rule && first && *first == it->anchor_ms) {
                ++it;
                continue;
            }
            Statement& st =
                statements.Get("DELETE FROM reminder_state WHERE rule_id = ?1 AND record_id = ?2");
            st.Bind(1, it->rule_id).Bind(2, save.record_id);
            if (Status s = st.Run(); !s.ok()) return save.Fail(s.error());
            it = positions.erase(it);
        }
    }
    if (Status s = Plan(*scope, save.object, rules, save.record_id, save.after, positions, scope->now_ms(), false); !s.ok())
        save.Fail(s.error());
}

void ReminderService::Impl::OnDelete(DeleteContext& del) {
    ChangeScope* scope = ws.changes().open_scope();
    if (!scope) return;
    Statement& st = statements.Get("DELETE FROM reminder_state WHERE object = ?1 AND record_id = ?2");
    st.Bind(1, del.object.api_name).Bind(2, del.record_id);
    if (Status s = st.Run(); !s.ok()) return del.Fail(s.error());
    if (Status s = ws.automation().scheduler().CancelRecord(*scope, del.object.api_name, del.record_id);
        !s.ok())
        del.Fail(s.error());
}

Status ReminderService::Impl::Reschedule(ChangeScope& scope, const std::string& object,
                                         const ReminderRule* fresh) {
    SchedulerService& scheduler = ws.automation().scheduler();
    if (fresh) {
        // Items of the first release (one per rule and record) and the rule's positions go.
        CRM_TRY(scheduler.CancelRule(scope, kReminderKind, fresh->id));
        Statement st = ws.db().Prepare("DELETE FROM reminder_state WHERE rule_id = ?1");
        st.Bind(1, fresh->id);
        CRM_TRY(st.Run());
    }
    Result<std::shared_ptr<const ObjectDef>> def = ws.schema().Object(object);
    if (!def.ok()) return Status::Ok();
    const CompiledList rules = RulesFor(**def);
    const Compiled* rule = nullptr;
    for (const std::shared_ptr<const Compiled>& c : rules)
        if (fresh && c->rule.id == fresh->id) rule = c.get();
    const std::vector<int> fields = FieldsRead(rules);
    std::vector<std::pair<int64_t, StoredRecord>> records;
    {
        Statement st = ws.db().Prepare(SelectSql(**def, fields) + " ORDER BY id");
        while (st.Step()) records.emplace_back(st.Int(0), ReadStored(**def, fields, st));
    }
    std::map<int64_t, std::vector<Position>> positions;
    {
        Statement st = ws.db().Prepare(
            "SELECT record_id, rule_id, anchor_ms, seq FROM reminder_state WHERE object = ?1");
        st.Bind(1, (*def)->api_name);
        while (st.Step())
            positions[st.Int(0)].push_back(Position{st.Int(1), st.Int(2), static_cast<int>(st.Int(3))});
    }
    Statement skip = ws.db().Prepare(
        "INSERT INTO reminder_state(rule_id, record_id, object, anchor_ms, seq) VALUES(?1, ?2, ?3, ?4, -1)");
    for (const auto& [id, record] : records) {
        std::vector<Position>& at = positions[id];
        if (rule) {
            // The records already there get the rule's occurrence 0 only when it is still ahead.
            std::optional<int64_t> first = NextDue(*rule, record.values, nullptr, scope.now_ms());
            if (first && *first <= scope.now_ms()) {
                skip.Bind(1, rule->rule.id).Bind(2, id).Bind(3, (*def)->api_name).Bind(4, *first);
                CRM_TRY(skip.Run());
                skip.Reset();
                at.push_back(Position{rule->rule.id, *first, -1});
            }
        }
        CRM_TRY(Plan(scope, **def, rules, id, record.values, at, scope.now_ms(), false));
    }
    return Status::Ok();
}

// [SECTION] Firing

namespace {

/// The time a scheduled item runs at (RunTimeOf), else the change's own.
int64_t RunTime(const ChangeScope& scope, const ScheduledItem& item) { return RunTimeOf(item, scope.now_ms()); }

struct Fired {
    int64_t event_id = 0;
    int recipients = 0;
    int64_t first_notification = 0, last_notification = 0;
    std::string note;
};

Status LogOccurrence(ChangeScope& scope, Database& db, const ReminderRule& rule, const ScheduledItem& item,
                     const char* kind, int seq, const Fired& f) {
    Statement st = db.Prepare(
        "INSERT INTO reminder_occurrences(rule_id, object, record_id, kind, seq, due_ms, fired_ms, late, "
        "event_id, "
        "recipients, note, first_notification, last_notification) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    st.Bind(1, rule.id)
        .Bind(2, item.object)
        .Bind(3, item.record_id)
        .Bind(4, kind)
        .Bind(5, int64_t{seq})
        .Bind(6, item.due_ms)
        .Bind(7, RunTime(scope, item))
        .Bind(8, RunTime(scope, item) - item.due_ms > kLateAfterMs ? 1 : 0)
        .Bind(9, f.event_id)
        .Bind(10, int64_t{f.recipients})
        .Bind(11, f.note)
        .Bind(12, f.first_notification)
        .Bind(13, f.last_notification);
    CRM_TRY(st.Run());
    scope.Record(kRemindersArea, item.object, ChangeAction::Create, item.record_id);
    return Status::Ok();
}

}  // namespace

/// Sends one reminder through the notify engine, inside the scheduler's change.
static Result<Fired> Send(Workspace& ws, ChangeScope& scope, const ReminderRule& rule,
                          const ScheduledItem& item, std::vector<std::string> users,
                          std::vector<std::string> roles, const std::string& priority) {
    Fired f;
    if (users.empty() && roles.empty()) {
        f.note = "nobody to tell";
        return f;
    }
    Database& db = ws.db();
    f.first_notification = MaxNotificationId(db);
    NotifyEvent e;
    e.type = rule.type;
    e.users = std::move(users);
    e.roles = std::move(roles);
    e.object = item.object;
    e.record_id = item.record_id;
    e.message = rule.message;
    e.priority = priority;
    e.channels = rule.channels;
    Result<FanoutReport> r = NotifyOf(ws).Notify(scope, e);
    if (!r.ok()) return r.error();
    f.event_id = r->event_id;
    f.recipients = r->recipients;
    f.last_notification = MaxNotificationId(db);
    return f;
}

Status ReminderService::Impl::RunReminder(ChangeScope& scope, const ScheduledItem& item) {
    // One item stands for every rule of the record's object: each rule whose next occurrence is due fires
    // it, and the item moves to the soonest one left.
    Result<std::shared_ptr<const ObjectDef>> def = ws.schema().Object(item.object);
    if (!def.ok()) return Status::Ok();  // the object went: nothing to do
    const CompiledList rules = RulesFor(**def);
    if (rules.empty()) return Status::Ok();
    std::optional<StoredRecord> record = LoadRecord(ws.db(), **def, rules, item.record_id);
    if (!record) return Status::Ok();  // the record went
    std::vector<Position> positions = Positions((*def)->api_name, item.record_id);
    const int64_t now = RunTime(scope, item);
    SchedulerService& scheduler = ws.automation().scheduler();
    for (const std::shared_ptr<const Compiled>& rule : rules) {
        const Compiled& c = *rule;
        const Position* position = PositionOf(positions, c.rule.id);
        std::optional<int64_t> due = NextDue(c, record->values, position, now);
        if (!due || *due > now) continue;
        const FieldDef& field = c.def->fields[static_cast<size_t>(c.date_index)];
        const Value& value = record->values[static_cast<size_t>(c.date_index)];
        const int64_t first = *Due(c, value, 0);  // NextDue placed it: cached
        const int seq = position && position->anchor_ms == first ? position->seq : 0;
        std::vector<std::string> users = c.rule.users;
        if (c.rule.notify_owner) {
            const std::string owner = Username(ws.db(), record->owner_id);
            if (!owner.empty()) users.insert(users.begin(), owner);
        }
        ScheduledItem occurrence = item;
        occurrence.rule_id = c.rule.id;
        occurrence.due_ms = *due;
        Result<Fired> fired = Send(ws, scope, c.rule, occurrence, users, c.rule.roles, c.rule.priority);
        if (!fired.ok()) return fired.error();
        CRM_TRY(LogOccurrence(scope, ws.db(), c.rule, occurrence, "reminder", seq, *fired));
        if (seq == 0 && c.rule.escalate_after_minutes > 0)
            CRM_TRY(scheduler.Schedule(scope, kEscalationKind, c.def->api_name, item.record_id, c.rule.id,
                                       now + int64_t{c.rule.escalate_after_minutes} * kMinuteMs));
        // The next occurrence still ahead (those missed while nothing ran collapse into this one).
        int next = seq + 1;
        std::optional<int64_t> later;
        for (; next < seq + 1 + 100'000; ++next) {
            later = ReminderDue(c.rule, field, value, Time(), next);
            if (!later || *later > now) break;
        }
        const Position moved{c.rule.id, first, later && *later > now ? next : -1};
        Statement& st = statements.Get(
            "INSERT INTO reminder_state(rule_id, record_id, object, anchor_ms, seq) VALUES(?1, ?2, ?3, ?4, "
            "?5) "
            "ON CONFLICT(rule_id, record_id) DO UPDATE SET anchor_ms = excluded.anchor_ms, seq = "
            "excluded.seq");
        st.Bind(1, c.rule.id)
            .Bind(2, item.record_id)
            .Bind(3, c.def->api_name)
            .Bind(4, moved.anchor_ms)
            .Bind(5, int64_t{moved.seq});
        CRM_TRY(st.Run());
        bool found = false;
        for (Position& p : positions)
            if (p.rule_id == c.rule.id) {
                p = moved;
                found = true;
            }
        if (!found) positions.push_back(moved);
    }
    return Plan(scope, **def, rules, item.record_id, record->values, positions, now, true);
}

Status ReminderService::Impl::RunEscalation(ChangeScope& scope, const ScheduledItem& item) {
    Result<ReminderRule> rule = RemindersOf(ws).Get(item.rule_id);
    if (!rule.ok() || !rule->active) return Status::Ok();
    Result<std::shared_ptr<const Compiled>> compiled = Compile(*rule);
    if (!compiled.ok()) return compiled.error();
    Compiled c = **compiled;
    c.rule.id = rule->id;
    std::optional<StoredRecord> record = LoadRecord(ws.db(), c, item.record_id);
    if (!record || Done(c, record->values, RunTime(scope, item))) return Status::Ok();
    Statement st = ws.db().Prepare(
        "SELECT m.username FROM access_user u JOIN access_user m ON m.id = u.manager_id WHERE u.id = ?1 AND "
        "m.active = 1");
    st.Bind(1, record->owner_id);
    std::vector<std::string> managers;
    if (st.Step()) managers.push_back(st.Text(0));
    Result<Fired> fired = Send(ws, scope, c.rule, item, managers, {}, "urgent");
    if (!fired.ok()) return fired.error();
    if (managers.empty()) fired->note = "the owner has no active manager";
    return LogOccurrence(scope, ws.db(), c.rule, item, "escalation", 0, *fired);
}

Status ReminderService::Impl::RunSnooze(ChangeScope& scope, const ScheduledItem& item) {
    Statement st = ws.db().Prepare(
        "SELECT s.username, o.rule_id, o.seq FROM reminder_snoozes s JOIN reminder_occurrences o ON o.id = "
        "s.occurrence_id WHERE s.id = ?1");
    st.Bind(1, item.rule_id);
    if (!st.Step()) return Status::Ok();
    const std::string username = st.Text(0);
    const int64_t rule_id = st.Int(1);
    const int seq = static_cast<int>(st.Int(2));
    Result<ReminderRule> rule = RemindersOf(ws).Get(rule_id);
    if (!rule.ok() || !rule->active) return Status::Ok();
    Result<std::shared_ptr<const Compiled>> compiled = Compile(*rule);
    if (!compiled.ok()) return compiled.error();
    Compiled c = **compiled;
    c.rule.id = rule->id;
    std::optional<StoredRecord> record = LoadRecord(ws.db(), c, item.record_id);
    if (!record || Done(c, record->values, RunTime(scope, item))) return Status::Ok();
    Statement active = ws.db().Prepare("SELECT 1 FROM access_user WHERE username = ?1 AND active = 1");
    active.Bind(1, username);
    std::vector<std::string> users;
    if (active.Step()) users.push_back(username);
    Result<Fired> fired = Send(ws, scope, c.rule, item, users, {}, c.rule.priority);
    if (!fired.ok()) return fired.error();
    return LogOccurrence(scope, ws.db(), c.rule, item, "snooze", seq, *fired);
}

// [SECTION] Snooze

Result<int64_t> ReminderService::SnoozeOccurrence(const std::string& actor, int64_t occurrence_id,
                                                  int minutes) {
    Statement st = impl_->ws.db().Prepare(
        "SELECT n.id FROM reminder_occurrences o JOIN notifications n ON n.id > o.first_notification AND "
        "n.id <= "
        "o.last_notification WHERE o.id = ?1 AND n.recipient = ?2 ORDER BY n.id LIMIT 1");
    st.Bind(1, occurrence_id).Bind(2, actor);
    if (!st.Step())
        return MessageError("access.denied", "reminders.not_your_occurrence",
                            {{"id", std::to_string(occurrence_id)}}, "occurrence");
    return Snooze(actor, st.Int(0), minutes);
}

bool ReminderService::IsReminderEntry(int64_t notification_id) const {
    Statement o = impl_->ws.db().Prepare(
        "SELECT 1 FROM reminder_occurrences WHERE last_notification >= ?1 AND first_notification < ?1 ORDER "
        "BY "
        "last_notification LIMIT 1");
    o.Bind(1, notification_id);
    return o.Step();
}

Result<int64_t> ReminderService::Snooze(const std::string& actor, int64_t notification_id, int minutes) {
    if (minutes < 1 || minutes > 7 * 24 * 60)
        return MessageError("invalid_argument", "reminders.snooze_minutes", {}, "minutes");
    Database& db = impl_->ws.db();
    Statement n = db.Prepare("SELECT recipient, object, record_id FROM notifications WHERE id = ?1");
    n.Bind(1, notification_id);
    if (!n.Step() || ToLowerAscii(n.Text(0)) != ToLowerAscii(actor))
        return MessageError("access.denied", "reminders.not_your_notification",
                            {{"id", std::to_string(notification_id)}}, "notification");
    const std::string object = n.Text(1);
    const int64_t record_id = n.Int(2);
    Statement o = db.Prepare(
        "SELECT id FROM reminder_occurrences WHERE last_notification >= ?1 AND first_notification < ?1 ORDER "
        "BY "
        "last_notification LIMIT 1");
    o.Bind(1, notification_id);
    if (!o.Step())
        return MessageError("invalid_argument", "reminders.not_a_reminder",
                            {{"id", std::to_string(notification_id)}}, "notification");
    const int64_t occurrence = o.Int(0);
    ChangeScope scope(impl_->ws.changes(), actor);
    CRM_TRY(scope.begin_status());
    const int64_t due = scope.now_ms() + int64_t{minutes} * kMinuteMs;
    Statement ins = db.Prepare(
        "INSERT INTO reminder_snoozes(occurrence_id, username, notification_id, due_ms, created_ms) "
        "VALUES(?1, ?2, "
        "?3, ?4, ?5)");
    ins.Bind(1, occurrence).Bind(2, actor).Bind(3, notification_id).Bind(4, due).Bind(5, scope.now_ms());
    CRM_TRY(ins.Run());
    const int64_t snooze_id = db.LastInsertRowId();
    CRM_TRY(
        impl_->ws.automation().scheduler().Schedule(scope, kSnoozeKind, object, record_id, snooze_id, due));
    Result<int64_t> read = impl_->ws.automation().notifications().MarkRead(actor, {notification_id});
    if (!read.ok()) return read.error();
    scope.Record(kRemindersArea, object, ChangeAction::Update, record_id);
    CRM_TRY(scope.Commit());
    return due;
}

// [SECTION] Lists

std::vector<ReminderOccurrence> ReminderService::Occurrences(int64_t rule_id, const std::string& object,
                                                             int64_t record_id, int limit) const {
    Statement st = impl_->ws.db().Prepare(
        "SELECT id, rule_id, object, record_id, kind, seq, due_ms, fired_ms, late, event_id, recipients, "
        "note FROM "
        "reminder_occurrences WHERE (?1 = 0 OR rule_id = ?1) AND (?2 = '' OR object = ?2) AND (?3 = 0 OR "
        "record_id = ?3) ORDER BY id DESC LIMIT ?4");
    st.Bind(1, rule_id)
        .Bind(2, object)
        .Bind(3, record_id)
        .Bind(4, int64_t{std::max(1, std::min(limit, 1000))});
    std::vector<ReminderOccurrence> out;
    while (st.Step()) {
        ReminderOccurrence o;
        o.id = st.Int(0);
        o.rule_id = st.Int(1);
        o.object = st.Text(2);
        o.record_id = st.Int(3);
        o.kind = st.Text(4);
        o.seq = static_cast<int>(st.Int(5));
        o.due_ms = st.Int(6);
        o.fired_ms = st.Int(7);
        o.late = st.Int(8) != 0;
        o.event_id = st.Int(9);
        o.recipients = static_cast<int>(st.Int(10));
        o.note = st.Text(11);
        out.push_back(std::move(o));
    }
    return out;
}

nlohmann::json ReminderService::Pending(int64_t rule_id, const std::string& object, int64_t record_id,
                                        int limit) const {
    limit = std::max(1, std::min(limit, 1000));
    Impl& impl = *impl_;
    Statement st = impl.ws.db().Prepare(
        "SELECT id, kind, object, record_id, rule_id, due_ms FROM scheduler_pending WHERE "
        "kind IN ('reminder', 'reminder_escalation', 'reminder_snooze') AND (?1 = '' OR object = ?1) AND "
        "(?2 = 0 OR record_id = ?2) ORDER BY due_ms, id");
    st.Bind(1, object).Bind(2, record_id);
    const int64_t now = impl.ws.clock().NowMs();
    std::vector<nlohmann::json> out;
    auto add = [&out](int64_t item_id, const std::string& kind, const std::string& on, int64_t record,
                      const char* key, int64_t id, int64_t due) {
        out.push_back({{"item_id", item_id},
                       {"kind", kind},
                       {"object", on},
                       {"record_id", record},
                       {key, id},
                       {"due", FormatUtcIso8601(due)},
                       {"due_ms", due}});
    };
    // Items come soonest first and a record's item is due at its soonest rule: `limit` entries found, the
    // rest are later.
    while (static_cast<int>(out.size()) < limit && st.Step()) {
        const std::string kind = st.Text(1), on = st.Text(2);
        const int64_t item_id = st.Int(0), record = st.Int(3), key = st.Int(4), due = st.Int(5);
        if (kind == kSnoozeKind) {
            add(item_id, kind, on, record, "snooze_id", key, due);
        } else if (kind != kReminderKind || key > 0) {  // an escalation, or an item of the first release
            if (rule_id == 0 || key == rule_id) add(item_id, kind, on, record, "rule_id", key, due);
        } else if (Result<std::shared_ptr<const ObjectDef>> def = impl.ws.schema().Object(on); def.ok()) {
            // A record's item: each rule's next occurrence.
            const CompiledList rules = impl.RulesFor(**def);
            std::optional<StoredRecord> stored = LoadRecord(impl.ws.db(), **def, rules, record);
            if (!stored) continue;
            const std::vector<Impl::Position> positions = impl.Positions((*def)->api_name, record);
            for (const std::shared_ptr<const Impl::Compiled>& c : rules) {
                if (rule_id != 0 && c->rule.id != rule_id) continue;
                std::optional<int64_t> next =
                    impl.NextDue(*c, stored->values, PositionOf(positions, c->rule.id), now);
                if (next) add(item_id, kind, on, record, "rule_id", c->rule.id, *next);
            }
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
        return a["due_ms"].get<int64_t>() < b["due_ms"].get<int64_t>();
    });
    if (static_cast<int>(out.size()) > limit) out.resize(static_cast<size_t>(limit));
    return nlohmann::json(std::move(out));
}

// [SECTION] Attach

void ReminderService::Attach() {
    Impl* impl = impl_.get();
    impl->ws.records().AddAfterWriteHook("reminders: next occurrences",
                                         [impl](SaveContext& s) { impl->AfterWrite(s); });
    impl->ws.records().AddDeleteHook(DeletePhase::After, "reminders of the deleted record",
                                     [impl](DeleteContext& d) { impl->OnDelete(d); });
    SchedulerService& scheduler = impl->ws.automation().scheduler();
    scheduler.SetHandler(kReminderKind, [impl](ChangeScope& scope, const ScheduledItem& item) {
        return impl->RunReminder(scope, item);
    });
    scheduler.SetHandler(kEscalationKind, [impl](ChangeScope& scope, const ScheduledItem& item) {
        return impl->RunEscalation(scope, item);
    });
    scheduler.SetHandler(kSnoozeKind, [impl](ChangeScope& scope, const ScheduledItem& item) {
        return impl->RunSnooze(scope, item);
    });
    // Compiled rules hold the object's definition and times the company's zone: both drop on a change.
    impl->ws.AddCommitListener([impl](const ChangeSet& changes) {
        if (changes.Touches("schema") || changes.Touches("company")) impl->Invalidate();
    });
}

}  // namespace crm
