// Assignment rules: definitions, storage, the save stage, round-robin and least-load picks, queues.
#include "workflow/assignment.h"

#include <algorithm>

#include "access/access.h"
#include "audit/change.h"
#include "common/messages.h"
#include "common/text.h"
#include "storage/database.h"
#include "workflow/process_formulas.h"

namespace crm {

namespace {
// Inside a wider change (config.apply), what follows in the same transaction reads this change at once;
// once the outermost change ends (committed or rolled back) the entries are read again.
void ReloadIfNested(ChangeScope& change, Changes& changes, const std::function<void()>& reload) {
    if (!change.nested()) return;
    reload();
    changes.RunWhenClosed(reload);
}
}  // namespace

using formula::Value;
using nlohmann::json;
using workflow_detail::JoinNames;
using workflow_detail::SameName;

// [SECTION] Messages

namespace {

const MessageDef kAssignmentMessages[] = {
    {"assignment.name_required", "An assignment rule entry needs a name.", "分配规则条目需要名称。"},
    {"assignment.name_taken", "{object} already has an assignment rule entry named {name}.",
     "{object} 已有名为 {name} 的分配规则条目。"},
    {"assignment.unknown", "{object} has no assignment rule entry named {name}.",
     "{object} 没有名为 {name} 的分配规则条目。"},
    {"assignment.unknown_object", "There is no object {object}.", "没有对象 {object}。"},
    {"assignment.bad_condition", "The condition of assignment rule entry {name} is not valid: {error}",
     "分配规则条目 {name} 的条件无效：{error}"},
    {"assignment.bad_open_condition",
     "The open-record condition of assignment rule entry {name} is not valid: {error}",
     "分配规则条目 {name} 的未结记录条件无效：{error}"},
    {"assignment.unknown_kind", "{kind} is not a way to assign; use user, round_robin, least_load or queue.",
     "{kind} 不是分配方式；请使用 user、round_robin、least_load 或 queue。"},
    {"assignment.user_required", "An entry that assigns to a user names the user.",
     "分配给用户的条目必须指定用户。"},
    {"assignment.team_required", "An entry that assigns through a team ({kind}) names the team.",
     "通过团队分配（{kind}）的条目必须指定团队。"},
    {"assignment.unknown_user", "There is no user {user}.", "没有用户 {user}。"},
    {"assignment.inactive_user", "User {user} is inactive and cannot be assigned records.",
     "用户 {user} 已停用，不能分配记录。"},
    {"assignment.unknown_team", "There is no team named {team}.", "没有名为 {team} 的团队。"},
    {"assignment.cannot_assign_user",
     "Assignment rule entry {object}.{name} cannot assign: user {user} is inactive or gone; change the "
     "entry.",
     "分配规则条目 {object}.{name} 无法分配：用户 {user} 已停用或不存在；请修改该条目。"},
    {"assignment.cannot_assign_team",
     "Assignment rule entry {object}.{name} cannot assign: team {team} has no active member; change the "
     "entry or the team.",
     "分配规则条目 {object}.{name} 无法分配：团队 {team} 没有在职成员；请修改该条目或团队。"},
    {"assignment.reorder_mismatch", "Name every entry of {object} once: {names}.",
     "请将 {object} 的每个条目各列出一次：{names}。"},
    {"assignment.not_queued", "{object} record {id} is not in a queue.",
     "{object} 记录 {id} 不在任何队列中。"},
    {"assignment.not_queue_member", "Only members of team {team} take records from its queue.",
     "只有团队 {team} 的成员才能从其队列中领取记录。"},
    {"assignment.no_edit", "You need Edit on {object} to take its records.",
     "领取 {object} 记录需要其编辑权限。"},
    {"assignment.unknown_key", "{key} is not a property of an assignment rule entry; it takes {keys}.",
     "{key} 不是分配规则条目的属性；可用的属性为 {keys}。"},
    {"assignment.bad_type", "{key} has the wrong type: {expected} expected.",
     "{key} 的类型不正确，应为 {expected}。"},
};
CRM_REGISTER_MESSAGES(kAssignmentMessages);

Error Bad(const char* id, MessageParams params, std::string field = {}) {
    return MessageError(id, id, std::move(params), std::move(field));
}

/// The object's default meaning of "open" for least load (see the header comment); "" = every record.
const char* DefaultOpenCondition(std::string_view object) {
    if (SameName(object, "Opportunity"))
        return "NOT(OR(ISPICKVAL(StageName, \"Closed Won\"), ISPICKVAL(StageName, \"Closed Lost\")))";
    if (SameName(object, "Case")) return "NOT(ISPICKVAL(Status, \"Closed\"))";
    if (SameName(object, "Lead")) return "NOT(BEGINS(TEXT(Status), \"Closed\"))";
    if (SameName(object, "Task")) return "NOT(ISPICKVAL(Status, \"Completed\"))";
    return "";
}

}  // namespace

// [SECTION] Definitions

const char* AssignKindName(AssignKind kind) {
    switch (kind) {
        case AssignKind::User:
            return "user";
        case AssignKind::RoundRobin:
            return "round_robin";
        case AssignKind::LeastLoad:
            return "least_load";
        case AssignKind::Queue:
            return "queue";
    }
    return "user";
}

std::optional<AssignKind> ParseAssignKind(std::string_view name) {
    for (AssignKind k : {AssignKind::User, AssignKind::RoundRobin, AssignKind::LeastLoad, AssignKind::Queue})
        if (name == AssignKindName(k)) return k;
    return std::nullopt;
}

json ToJson(const AssignmentEntry& e) {
    return {{"id", e.id},
            {"object", e.object},
            {"name", e.name},
            {"position", e.position},
            {"active", e.active},
            {"condition", e.condition},
            {"kind", AssignKindName(e.kind)},
            {"user", e.user},
            {"team", e.team},
            {"open_condition", e.open_condition},
            {"on_update", e.on_update}};
}

Result<AssignmentEntry> AssignmentEntryFromJson(const json& j, AssignmentEntry e) {
    auto wrong = [](const std::string& key, const char* expected) {
        return Bad("assignment.bad_type", {{"key", key}, {"expected", expected}}, key);
    };
    if (!j.is_object()) return wrong("entry", "an object");
    for (const auto& [key, v] : j.items()) {
        if (key == "id") {
            if (!v.is_number_integer()) return wrong(key, "a whole number");
            e.id = v.get<int64_t>();
        } else if (key == "position") {
            if (!v.is_number_integer()) return wrong(key, "a whole number");
            e.position = v.get<int>();
        } else if (key == "active" || key == "on_update") {
            if (!v.is_boolean()) return wrong(key, "true or false");
            (key == "active" ? e.active : e.on_update) = v.get<bool>();
        } else if (key == "kind") {
            if (!v.is_string()) return wrong(key, "text");
            std::optional<AssignKind> k = ParseAssignKind(v.get<std::string>());
            if (!k) return Bad("assignment.unknown_kind", {{"kind", v.get<std::string>()}}, key);
            e.kind = *k;
        } else if (key == "object" || key == "name" || key == "condition" || key == "user" || key == "team" ||
                   key == "open_condition") {
            if (!v.is_string() && !v.is_null()) return wrong(key, "text");
            std::string text = v.is_null() ? "" : v.get<std::string>();
            (key == "object"      ? e.object
             : key == "name"      ? e.name
             : key == "condition" ? e.condition
             : key == "user"      ? e.user
             : key == "team"      ? e.team
                                  : e.open_condition) = std::move(text);
        } else {
            return Bad(
                "assignment.unknown_key",
                {{"key", key},
                 {"keys",
                  "object, name, position, active, condition, kind, user, team, open_condition, on_update"}},
                key);
        }
    }
    return e;
}

json ToJson(const AssignmentOutcome& o) {
    return {{"matched", o.matched},
            {"entry", o.entry},
            {"kind", o.matched ? json(AssignKindName(o.kind)) : json(nullptr)},
            {"owner_id", o.owner_id > 0 ? json(o.owner_id) : json(nullptr)},
            {"owner", o.owner},
            {"queue", o.queue}};
}

json ToJson(const QueueItem& i) {
    return {{"id", i.id},
            {"team", i.team},
            {"object", i.object},
            {"record_id", i.record_id},
            {"record_name", i.record_name},
            {"entry", i.entry},
            {"added", FormatUtcIso8601(i.added_ms)}};
}

json ToJson(const AssignmentPreview& p) {
    json out = {{"record_id", p.record_id},
                {"record_name", p.record_name},
                {"current_owner", p.current_owner},
                {"outcome", ToJson(p.outcome)}};
    if (!p.error.empty()) out["error"] = p.error;
    return out;
}

// [SECTION] AssignmentService

/// An object's entries with their conditions compiled.
struct AssignmentService::Compiled {
    struct Entry {
        AssignmentEntry entry;
        std::optional<formula::CompiledFormula> condition;  ///< none: matches every record
        std::string open_sql;                               ///< least load: the SQL of "open" ("" = all)
        std::vector<Value> open_params;
        bool broken = false;  ///< the condition no longer compiles: the entry is skipped
    };
    std::vector<Entry> entries;
    bool uses_globals = false;
};

/// Round-robin positions and loads of a simulation: moved in memory only.
struct AssignmentService::Turns {
    std::map<int64_t, int64_t> last;                      ///< entry id -> last user id
    std::map<int64_t, std::map<int64_t, int64_t>> added;  ///< entry id -> user id -> records added
};

AssignmentService::AssignmentService(Changes& changes, SchemaService& schema, RecordService& records,
                                     AccessService& access)
    : changes_(changes), db_(changes.db()), schema_(schema), records_(records), access_(access) {
    (void)Reload();
}

AssignmentService::~AssignmentService() = default;

void AssignmentService::AttachTo(RecordService& records) {
    records.AddSaveStage(SaveStageId::Automation, "assignment rules",
                         [this](SaveContext& save) { AssignStage(save); });
    records.AddAfterWriteHook("assignment queues", [this](SaveContext& save) { AfterWrite(save); });
    Database* db = &db_;
    records.AddDeleteHook(DeletePhase::After, "assignment queues", [db](DeleteContext& del) {
        Statement st = db->Prepare("DELETE FROM workflow_queue_item WHERE object = ?1 AND record_id = ?2");
        st.Bind(1, del.object.api_name).Bind(2, del.record_id);
        if (Status s = st.Run(); !s.ok()) del.Fail(s.error());
    });
}

Status AssignmentService::Authorize(const std::string& actor) const {
    if (!authorizer_) return Status::Ok();
    return authorizer_(actor, SystemPermission::ManageWorkflows);
}

Status AssignmentService::Reload() {
    std::vector<AssignmentEntry> loaded;
    Statement st = db_.Prepare(
        "SELECT id, object, name, position, definition FROM workflow_assignment_entry ORDER BY object, "
        "position, id");
    while (st.Step()) {
        Result<AssignmentEntry> e =
            AssignmentEntryFromJson(json::parse(st.Text(4), nullptr, false), AssignmentEntry{});
        if (!e.ok()) continue;
        e->id = st.Int(0);
        e->object = st.Text(1);
        e->name = st.Text(2);
        e->position = static_cast<int>(st.Int(3));
        loaded.push_back(std::move(*e));
    }
    if (!st.status().ok()) return st.status();
    entries_ = std::move(loaded);
    compiled_.clear();
    last_compiled_.reset();
    return Status::Ok();
}

Result<std::vector<AssignmentEntry>> AssignmentService::List(const std::string& actor,
                                                             std::string_view object) const {
    if (Status s = Authorize(actor); !s.ok()) return s.error();
    std::vector<AssignmentEntry> out;
    for (const AssignmentEntry& e : entries_)
        if (object.empty() || SameName(e.object, object)) out.push_back(e);
    return out;
}

std::string AssignmentService::LastAssigned(int64_t entry_id) const {
    Statement st = db_.Prepare(
        "SELECT u.username FROM workflow_round_robin r JOIN access_user u ON u.id = r.last_user_id WHERE "
        "r.entry_id = ?1");
    st.Bind(1, entry_id);
    return st.Step() ? st.Text(0) : std::string();
}

Result<AssignmentEntry> AssignmentService::Check(const AssignmentEntry& in,
                                                 const std::vector<AssignmentEntry>& siblings) const {
    AssignmentEntry e = in;
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(e.object);
    if (!o.ok()) return Bad("assignment.unknown_object", {{"object", e.object}}, "object");
    e.object = (*o)->api_name;
    if (e.name.empty() || e.name.size() > 80) return Bad("assignment.name_required", {}, "name");
    for (const AssignmentEntry& other : siblings)
        if (other.id != e.id && SameName(other.object, e.object) && SameName(other.name, e.name))
            return Bad("assignment.name_taken", {{"object", e.object}, {"name", e.name}}, "name");
    if (!e.condition.empty()) {
        Result<formula::CompiledFormula> c =
            workflow_detail::CompileCondition(schema_, e.object, e.condition);
        if (!c.ok()) {
            Error err = Bad("assignment.bad_condition", {{"name", e.name}, {"error", c.error().message}},
                            "condition");
            err.line = c.error().line;
            err.position = c.error().position;
            return err;
        }
    }
    if (e.kind == AssignKind::User) {
        if (e.user.empty()) return Bad("assignment.user_required", {}, "user");
        Result<User> u = access_.GetUser(e.user);
        if (!u.ok()) return Bad("assignment.unknown_user", {{"user", e.user}}, "user");
        if (!u->active) return Bad("assignment.inactive_user", {{"user", u->username}}, "user");
        e.user = u->username;
        e.team.clear();
    } else {
        if (e.team.empty())
            return Bad("assignment.team_required", {{"kind", AssignKindName(e.kind)}}, "team");
        bool found = false;
        for (const Team& t : access_.Teams())
            if (SameName(t.name, e.team)) e.team = t.name, found = true;
        if (!found) return Bad("assignment.unknown_team", {{"team", e.team}}, "team");
        e.user.clear();
    }
    if (e.kind != AssignKind::LeastLoad) e.open_condition.clear();
    if (!e.open_condition.empty()) {
        Result<formula::CompiledFormula> c =
            workflow_detail::CompileCondition(schema_, e.object, e.open_condition, false);
        Status translated = c.ok() ? Status::Ok() : Status(c.error());
        if (c.ok()) {
            formula::SqlOptions options;
            options.crm_functions = true;
            if (Result<formula::SqlCondition> sql = formula::ToSql(*c, options); !sql.ok())
                translated = sql.error();
        }
        if (!translated.ok()) {
            Error err = Bad("assignment.bad_open_condition",
                            {{"name", e.name}, {"error", translated.error().message}}, "open_condition");
            err.line = translated.error().line;
            err.position = translated.error().position;
            return err;
        }
    }
    return e;
}

std::shared_ptr<const AssignmentService::Compiled> AssignmentService::Compile(
    const std::string& object, const std::vector<AssignmentEntry>& entries) const {
    auto c = std::make_shared<Compiled>();
    for (const AssignmentEntry& e : entries) {
        if (!SameName(e.object, object)) continue;
        Compiled::Entry ce;
        ce.entry = e;
        if (!e.condition.empty()) {
            Result<formula::CompiledFormula> f =
                workflow_detail::CompileCondition(schema_, object, e.condition);
            if (f.ok()) {
                c->uses_globals = c->uses_globals || f->uses_globals();
                ce.condition = std::move(*f);
            } else {
                ce.broken = true;
            }
        }
        if (e.kind == AssignKind::LeastLoad) {
            const std::string open =
                e.open_condition.empty() ? DefaultOpenCondition(object) : e.open_condition;
            if (!open.empty()) {
                Result<formula::CompiledFormula> f =
                    workflow_detail::CompileCondition(schema_, object, open, false);
                formula::SqlOptions options;
                options.crm_functions = true;
                options.first_param = 1;
                if (f.ok()) {
                    if (Result<formula::SqlCondition> sql = formula::ToSql(*f, options); sql.ok()) {
                        ce.open_sql = sql->sql;
                        ce.open_params = sql->params;
                    }
                }
            }
        }
        c->entries.push_back(std::move(ce));
    }
    std::stable_sort(c->entries.begin(), c->entries.end(),
                     [](const Compiled::Entry& a, const Compiled::Entry& b) {
                         return a.entry.position < b.entry.position;
                     });
    return c;
}

std::shared_ptr<const AssignmentService::Compiled> AssignmentService::CompiledFor(
    std::string_view object) const {
    if (compiled_schema_version_ != schema_.version()) {
        compiled_.clear();
        last_compiled_.reset();
        compiled_schema_version_ = schema_.version();
    }
    if (last_compiled_ && last_object_ == object) return last_compiled_;
    const std::string key = ToLowerAscii(object);
    auto it = compiled_.find(key);
    std::shared_ptr<const Compiled> c;
    if (it != compiled_.end()) {
        c = it->second;
    } else {
        c = Compile(std::string(object), entries_);
        compiled_[key] = c;
    }
    last_object_ = object;
    last_compiled_ = c;
    return c;
}

const std::vector<AssignmentService::Member>& AssignmentService::TeamMembers(const std::string& team) {
    if (members_version_ != access_.version() || members_.empty()) {
        members_.clear();
        std::map<std::string, const User*> by_name;
        const std::vector<User> users = access_.Users();
        for (const User& u : users) by_name[ToLowerAscii(u.username)] = &u;
        for (const Team& t : access_.Teams()) {
            std::vector<Member>& list = members_[ToLowerAscii(t.name)];
            for (const std::string& m : t.members) {
                auto it = by_name.find(ToLowerAscii(m));
                if (it != by_name.end())
                    list.push_back({it->second->id, it->second->username, it->second->active});
            }
            std::sort(list.begin(), list.end(), [](const Member& a, const Member& b) { return a.id < b.id; });
        }
        members_version_ = access_.version();
    }
    static const std::vector<Member> none;
    auto it = members_.find(ToLowerAscii(team));
    return it == members_.end() ? none : it->second;
}

Result<AssignmentOutcome> AssignmentService::Target(const AssignmentEntry& e, const ObjectDef& object,
                                                    Turns* turns) {
    AssignmentOutcome out;
    out.matched = true;
    out.entry = e.name;
    out.kind = e.kind;
    if (e.kind == AssignKind::User) {
        Result<User> u = access_.GetUser(e.user);
        if (!u.ok() || !u->active)
            return Bad("assignment.cannot_assign_user",
                       {{"object", e.object}, {"name", e.name}, {"user", e.user}}, "OwnerId");
        out.owner_id = u->id;
        out.owner = u->username;
        return out;
    }
    if (e.kind == AssignKind::Queue) {
        out.queue = e.team;
        return out;
    }
    const std::vector<Member>& members = TeamMembers(e.team);
    std::vector<const Member*> active;
    for (const Member& m : members)
        if (m.active) active.push_back(&m);
    if (active.empty())
        return Bad("assignment.cannot_assign_team",
                   {{"object", e.object}, {"name", e.name}, {"team", e.team}}, "OwnerId");
    const Member* pick = nullptr;
    if (e.kind == AssignKind::RoundRobin) {
        int64_t last = 0;
        if (turns) {
            if (auto it = turns->last.find(e.id); it != turns->last.end()) {
                last = it->second;
            } else {
                Statement st =
                    db_.Prepare("SELECT last_user_id FROM workflow_round_robin WHERE entry_id = ?1");
                st.Bind(1, e.id);
                if (st.Step()) last = st.Int(0);
            }
        } else {
            if (!read_turn_)
                read_turn_ = std::make_unique<Statement>(
                    db_.Prepare("SELECT last_user_id FROM workflow_round_robin WHERE entry_id = ?1"));
            read_turn_->Reset();
            read_turn_->Bind(1, e.id);
            if (read_turn_->Step()) last = read_turn_->Int(0);
            read_turn_->Reset();
        }
        for (const Member* m : active)
            if (m->id > last) {
                pick = m;
                break;
            }
        if (!pick) pick = active.front();
        if (turns) {
            turns->last[e.id] = pick->id;
        } else {
            if (!write_turn_)
                write_turn_ = std::make_unique<Statement>(db_.Prepare(
                    "INSERT INTO workflow_round_robin(entry_id, last_user_id, assigned) VALUES(?1, ?2, 1) "
                    "ON CONFLICT(entry_id) DO UPDATE SET last_user_id = excluded.last_user_id, assigned = "
                    "assigned + 1"));
            write_turn_->Reset();
            write_turn_->Bind(1, e.id).Bind(2, pick->id);
            if (Status s = write_turn_->Run(); !s.ok()) return s.error();
        }
    } else {
        // Least open load: count the open records each active member owns.
        std::shared_ptr<const Compiled> compiled = CompiledFor(object.api_name);
        std::string open_sql;
        std::vector<Value> params;
        for (const Compiled::Entry& ce : compiled->entries)
            if (ce.entry.id == e.id) open_sql = ce.open_sql, params = ce.open_params;
        std::string ids;
        for (const Member* m : active) ids += (ids.empty() ? "" : ", ") + std::to_string(m->id);
        Statement st = db_.Prepare(
            "SELECT owner_id, COUNT(*) FROM " + QuoteIdent(object.table) + " WHERE owner_id IN (" + ids +
            ")" + (open_sql.empty() ? "" : " AND (" + open_sql + ")") + " GROUP BY owner_id");
        formula::SqlCondition bound;
        bound.params = params;
        bound.first_param = 1;
        formula::BindSqlParams(st, bound);
        std::map<int64_t, int64_t> load;
        while (st.Step()) load[st.Int(0)] = st.Int(1);
        if (!st.status().ok()) return st.status().error();
        if (turns)
            for (const auto& [user, n] : turns->added[e.id]) load[user] += n;
        for (const Member* m : active)
            if (!pick || load[m->id] < load[pick->id]) pick = m;
        if (turns) ++turns->added[e.id][pick->id];
    }
    out.owner_id = pick->id;
    out.owner = pick->username;
    return out;
}

Result<AssignmentOutcome> AssignmentService::Decide(const Compiled& compiled, const ObjectDef& object,
                                                    const std::vector<Value>& values,
                                                    const std::vector<Value>* prior, bool is_new,
                                                    const std::string& actor, int64_t now_ms, Turns* turns,
                                                    int* matched_index) {
    const formula::Globals globals = compiled.uses_globals ? records_.GlobalsFor(actor) : formula::Globals{};
    workflow_detail::ValuesView view(db_, schema_, object, values, prior, is_new);
    for (size_t i = 0; i < compiled.entries.size(); ++i) {
        const Compiled::Entry& ce = compiled.entries[i];
        if (!ce.entry.active || ce.broken) continue;
        if (ce.condition) {
            Result<bool> ok = workflow_detail::EvalCondition(*ce.condition, view, now_ms, &globals);
            if (!ok.ok() || !*ok) continue;  // a condition that fails on this record does not match it
        }
        if (matched_index) {
            *matched_index = static_cast<int>(i);
            return AssignmentOutcome{};
        }
        return Target(ce.entry, object, turns);
    }
    if (matched_index) *matched_index = -1;
    return AssignmentOutcome{};
}

void AssignmentService::AssignStage(SaveContext& save) {
    pending_queue_.erase(&save);
    if (save.owner_requested) return;
    std::shared_ptr<const Compiled> compiled = CompiledFor(save.object.api_name);
    if (compiled->entries.empty()) return;
    Result<AssignmentOutcome> outcome = AssignmentOutcome{};
    if (save.is_new) {
        outcome = Decide(*compiled, save.object, save.after, nullptr, true, save.actor, save.now_ms, nullptr);
    } else {
        int before = -1, after = -1;
        (void)Decide(*compiled, save.object, *save.before, nullptr, false, save.actor, save.now_ms, nullptr,
                     &before);
        (void)Decide(*compiled, save.object, save.after, save.before, false, save.actor, save.now_ms, nullptr,
                     &after);
        if (after < 0 || after == before) return;
        const AssignmentEntry& entry = compiled->entries[static_cast<size_t>(after)].entry;
        if (!entry.on_update) return;
        outcome = Target(entry, save.object, nullptr);
    }
    if (!outcome.ok()) return save.Fail(outcome.error());
    if (!outcome->matched) return;
    if (outcome->kind == AssignKind::Queue) {
        pending_queue_[&save] = {outcome->queue, outcome->entry};
    } else {
        save.owner_after = outcome->owner_id;
    }
}

Result<int64_t> AssignmentService::OwnerThroughRules(SaveContext& save) {
    std::shared_ptr<const Compiled> compiled = CompiledFor(save.object.api_name);
    if (compiled->entries.empty()) return int64_t{0};
    Result<AssignmentOutcome> outcome = Decide(*compiled, save.object, save.after, save.before, save.is_new,
                                               save.actor, save.now_ms, nullptr);
    if (!outcome.ok()) return outcome.error();
    if (!outcome->matched) return int64_t{0};
    if (outcome->kind == AssignKind::Queue) {
        pending_queue_[&save] = {outcome->queue, outcome->entry};  // joins the queue after the write
        return int64_t{0};
    }
    return outcome->owner_id;
}

Status AssignmentService::Enqueue(const std::string& team, const std::string& object, int64_t record_id,
                                  const std::string& entry, int64_t now_ms) {
    Statement st = db_.Prepare(
        "INSERT INTO workflow_queue_item(team, object, record_id, entry, added_ms) VALUES(?1, ?2, ?3, ?4, "
        "?5) "
        "ON CONFLICT(object, record_id) DO UPDATE SET team = excluded.team, entry = excluded.entry, "
        "added_ms = excluded.added_ms");
    st.Bind(1, team).Bind(2, object).Bind(3, record_id).Bind(4, entry).Bind(5, now_ms);
    return st.Run();
}

void AssignmentService::AfterWrite(SaveContext& save) {
    auto it = pending_queue_.find(&save);
    if (it != pending_queue_.end()) {
        const auto [team, entry] = it->second;
        pending_queue_.erase(it);
        if (Status s = Enqueue(team, save.object.api_name, save.record_id, entry, save.now_ms); !s.ok())
            save.Fail(s.error());
        return;
    }
    if (!save.is_new && save.owner_after != save.owner_before) {
        Statement st = db_.Prepare("DELETE FROM workflow_queue_item WHERE object = ?1 AND record_id = ?2");
        st.Bind(1, save.object.api_name).Bind(2, save.record_id);
        if (Status s = st.Run(); !s.ok()) save.Fail(s.error());
    }
}

Result<AssignmentOutcome> AssignmentService::AssignOwner(ChangeScope& scope, std::string_view object,
                                                         int64_t record_id) {
    if (!scope.begin_status().ok()) return scope.begin_status().error();
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
    if (!o.ok()) return Bad("assignment.unknown_object", {{"object", std::string(object)}}, "object");
    const ObjectDef& def = **o;
    std::optional<workflow_detail::StoredRecord> r = workflow_detail::LoadRecord(db_, def, record_id);
    if (!r)
        return MakeError("records.not_found",
                         def.api_name + " record " + std::to_string(record_id) + " does not exist.", "id");
    std::shared_ptr<const Compiled> compiled = CompiledFor(def.api_name);
    Result<AssignmentOutcome> outcome =
        Decide(*compiled, def, r->values, nullptr, false, scope.actor(), scope.now_ms(), nullptr);
    if (!outcome.ok() || !outcome->matched) return outcome;
    if (outcome->kind == AssignKind::Queue) {
        if (Status s = Enqueue(outcome->queue, def.api_name, record_id, outcome->entry, scope.now_ms());
            !s.ok())
            return s.error();
        scope.Record("records", def.api_name, ChangeAction::Update, record_id, {});
        return outcome;
    }
    if (outcome->owner_id != r->owner_id) {
        SaveResult saved =
            records_.Update(kSystemActor, def.api_name, record_id, json{{"OwnerId", outcome->owner_id}});
        if (!saved.ok()) return saved.errors.front();
    }
    return outcome;
}

Result<std::vector<AssignmentPreview>> AssignmentService::Simulate(
    const std::string& actor, std::string_view object, const std::vector<int64_t>& ids,
    const std::string& filter, const std::optional<std::vector<AssignmentEntry>>& proposed, int limit) {
    if (Status s = Authorize(actor); !s.ok()) return s.error();
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
    if (!o.ok()) return Bad("assignment.unknown_object", {{"object", std::string(object)}}, "object");
    const ObjectDef& def = **o;
    std::shared_ptr<const Compiled> compiled;
    if (proposed) {
        std::vector<AssignmentEntry> checked;
        int position = 0;
        for (const AssignmentEntry& in : *proposed) {
            AssignmentEntry e = in;
            e.object = def.api_name;
            e.id = -(++position);  // its own rotation, apart from the stored entries'
            e.position = position;
            Result<AssignmentEntry> c = Check(e, checked);  // names unique within the proposed set
            if (!c.ok()) return c.error();
            checked.push_back(std::move(*c));
        }
        compiled = Compile(def.api_name, checked);
    } else {
        compiled = CompiledFor(def.api_name);
    }
    Result<std::vector<int64_t>> chosen =
        workflow_detail::RecordsToSimulate(records_, actor, def.api_name, ids, filter, std::max(1, limit));
    if (!chosen.ok()) return chosen.error();
    std::map<int64_t, std::string> usernames;
    for (const User& u : access_.Users()) usernames[u.id] = u.username;
    Turns turns;
    std::vector<AssignmentPreview> out;
    const int64_t now = changes_.clock().NowMs();
    for (int64_t id : *chosen) {
        std::optional<workflow_detail::StoredRecord> r = workflow_detail::LoadRecord(db_, def, id);
        if (!r) continue;
        AssignmentPreview p;
        p.record_id = id;
        p.record_name = r->name;
        p.current_owner = usernames.count(r->owner_id) ? usernames[r->owner_id] : "";
        Result<AssignmentOutcome> outcome =
            Decide(*compiled, def, r->values, nullptr, true, actor, now, &turns);
        if (outcome.ok())
            p.outcome = *outcome;
        else
            p.error = outcome.error().message;
        out.push_back(std::move(p));
    }
    return out;
}

Result<AssignmentEntry> AssignmentService::Save(const std::string& actor, const AssignmentEntry& spec,
                                                bool create) {
    if (Status s = Authorize(actor); !s.ok()) return s.error();
    AssignmentEntry in = spec;
    const AssignmentEntry* old = nullptr;
    if (!create) {
        for (const AssignmentEntry& e : entries_)
            if ((in.id > 0 && e.id == in.id) ||
                (in.id <= 0 && SameName(e.object, in.object) && SameName(e.name, in.name)))
                old = &e;
        if (!old) return Bad("assignment.unknown", {{"object", in.object}, {"name", in.name}}, "name");
        in.id = old->id;
    } else {
        in.id = 0;
    }
    Result<AssignmentEntry> checked = Check(in, entries_);
    if (!checked.ok()) return checked.error();
    AssignmentEntry e = std::move(*checked);
    // The object's order with this entry at its position.
    std::vector<int64_t> order;
    for (const AssignmentEntry& x : entries_)
        if (SameName(x.object, e.object) && x.id != e.id) order.push_back(x.id);
    const int requested = e.position > 0 ? e.position : (old ? old->position : 0);
    const size_t at =
        requested > 0 ? std::min(order.size(), static_cast<size_t>(requested - 1)) : order.size();
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    json def = ToJson(e);
    for (const char* k : {"id", "object", "name", "position"}) def.erase(k);
    if (create) {
        Statement ins = db_.Prepare(
            "INSERT INTO workflow_assignment_entry(object, name, position, definition) VALUES(?1, ?2, 0, "
            "?3)");
        ins.Bind(1, e.object).Bind(2, e.name).Bind(3, def.dump());
        if (Status s = ins.Run(); !s.ok()) return s.error();
        e.id = db_.LastInsertRowId();
    } else {
        Statement up =
            db_.Prepare("UPDATE workflow_assignment_entry SET name = ?2, definition = ?3 WHERE id = ?1");
        up.Bind(1, e.id).Bind(2, e.name).Bind(3, def.dump());
        if (Status s = up.Run(); !s.ok()) return s.error();
        if (!SameName(old->team, e.team) || old->kind != e.kind) {
            Statement reset = db_.Prepare("DELETE FROM workflow_round_robin WHERE entry_id = ?1");
            reset.Bind(1, e.id);
            if (Status s = reset.Run(); !s.ok()) return s.error();
        }
    }
    order.insert(order.begin() + static_cast<std::ptrdiff_t>(at), e.id);
    Statement pos = db_.Prepare("UPDATE workflow_assignment_entry SET position = ?2 WHERE id = ?1");
    for (size_t i = 0; i < order.size(); ++i) {
        pos.Reset();
        pos.Bind(1, order[i]).Bind(2, static_cast<int64_t>(i + 1));
        if (Status s = pos.Run(); !s.ok()) return s.error();
        if (order[i] == e.id) e.position = static_cast<int>(i + 1);
    }
    if (Status s =
            change.Audit("assignment", create ? "create" : "update", "assignment." + e.object + "." + e.name,
                         old ? ToJson(*old) : json(nullptr), ToJson(e));
        !s.ok())
        return s.error();
    change.Record("assignment", e.object, ChangeAction::Config);
    ReloadIfNested(change, changes_, [this] { (void)Reload(); });
    if (Status s = change.Commit([this] { (void)Reload(); }); !s.ok()) return s.error();
    return e;
}

Result<AssignmentEntry> AssignmentService::Create(const std::string& actor, const AssignmentEntry& entry) {
    return Save(actor, entry, true);
}

Result<AssignmentEntry> AssignmentService::Update(const std::string& actor, const AssignmentEntry& entry) {
    return Save(actor, entry, false);
}

Status AssignmentService::Delete(const std::string& actor, std::string_view object, std::string_view name) {
    if (Status s = Authorize(actor); !s.ok()) return s;
    const AssignmentEntry* old = nullptr;
    for (const AssignmentEntry& e : entries_)
        if (SameName(e.object, object) && SameName(e.name, name)) old = &e;
    if (!old)
        return Bad("assignment.unknown", {{"object", std::string(object)}, {"name", std::string(name)}},
                   "name");
    const AssignmentEntry gone = *old;
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    for (const char* sql : {"DELETE FROM workflow_assignment_entry WHERE id = ?1",
                            "DELETE FROM workflow_round_robin WHERE entry_id = ?1",
                            "UPDATE workflow_assignment_entry SET position = position - 1 WHERE object = ?2 "
                            "AND position > ?3"}) {
        Statement st = db_.Prepare(sql);
        st.Bind(1, gone.id);
        if (std::string_view(sql).find("?2") != std::string_view::npos)
            st.Bind(2, gone.object).Bind(3, gone.position);
        if (Status s = st.Run(); !s.ok()) return s;
    }
    if (Status s = change.Audit("assignment", "delete", "assignment." + gone.object + "." + gone.name,
                                ToJson(gone), nullptr);
        !s.ok())
        return s;
    change.Record("assignment", gone.object, ChangeAction::Config);
    ReloadIfNested(change, changes_, [this] { (void)Reload(); });
    return change.Commit([this] { (void)Reload(); });
}

Status AssignmentService::Reorder(const std::string& actor, std::string_view object,
                                  const std::vector<std::string>& names) {
    if (Status s = Authorize(actor); !s.ok()) return s;
    std::vector<const AssignmentEntry*> current;
    std::vector<std::string> current_names;
    for (const AssignmentEntry& e : entries_)
        if (SameName(e.object, object)) current.push_back(&e), current_names.push_back(e.name);
    std::vector<int64_t> order;
    for (const std::string& n : names) {
        auto it = std::find_if(current.begin(), current.end(),
                               [&](const AssignmentEntry* e) { return SameName(e->name, n); });
        if (it == current.end() || std::find(order.begin(), order.end(), (*it)->id) != order.end()) break;
        order.push_back((*it)->id);
    }
    if (order.size() != current.size() || names.size() != current.size())
        return Bad("assignment.reorder_mismatch",
                   {{"object", std::string(object)}, {"names", JoinNames(current_names)}}, "names");
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    Statement pos = db_.Prepare("UPDATE workflow_assignment_entry SET position = ?2 WHERE id = ?1");
    std::vector<std::string> new_names;
    for (size_t i = 0; i < order.size(); ++i) {
        pos.Reset();
        pos.Bind(1, order[i]).Bind(2, static_cast<int64_t>(i + 1));
        if (Status s = pos.Run(); !s.ok()) return s;
    }
    for (const std::string& n : names) new_names.push_back(n);
    const std::string obj = current.empty() ? std::string(object) : current.front()->object;
    if (Status s = change.Audit("assignment", "reorder", "assignment." + obj, current_names, new_names);
        !s.ok())
        return s;
    change.Record("assignment", obj, ChangeAction::Config);
    ReloadIfNested(change, changes_, [this] { (void)Reload(); });
    return change.Commit([this] { (void)Reload(); });
}

Result<std::vector<QueueItem>> AssignmentService::Queue(const std::string& actor, std::string_view object,
                                                        std::string_view team) {
    const bool manager = Authorize(actor).ok();
    std::vector<std::string> teams;
    if (!manager) {
        Result<User> u = access_.GetUser(actor);
        if (u.ok()) teams = u->teams;
    }
    std::vector<QueueItem> out;
    Statement st = db_.Prepare(
        "SELECT id, team, object, record_id, entry, added_ms FROM workflow_queue_item ORDER BY id");
    std::map<std::string, bool> readable;
    while (st.Step()) {
        QueueItem i{st.Int(0), st.Text(1), st.Text(2), st.Int(3), "", st.Text(4), st.Int(5)};
        if (!object.empty() && !SameName(i.object, object)) continue;
        if (!team.empty() && !SameName(i.team, team)) continue;
        if (!manager && std::none_of(teams.begin(), teams.end(),
                                     [&](const std::string& t) { return SameName(t, i.team); }))
            continue;
        auto r = readable.find(ToLowerAscii(i.object));
        if (r == readable.end())
            r = readable
                    .emplace(ToLowerAscii(i.object),
                             access_.Decide(actor, ObjectAction::Read, i.object).allowed)
                    .first;
        if (!r->second) continue;
        if (Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(i.object); o.ok()) {
            if (std::optional<workflow_detail::StoredRecord> rec =
                    workflow_detail::LoadRecord(db_, **o, i.record_id))
                i.record_name = rec->name;
        }
        out.push_back(std::move(i));
    }
    if (!st.status().ok()) return st.status().error();
    return out;
}

Result<QueueItem> AssignmentService::Take(const std::string& actor, std::string_view object,
                                          int64_t record_id) {
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
    if (!o.ok()) return Bad("assignment.unknown_object", {{"object", std::string(object)}}, "object");
    const ObjectDef& def = **o;
    Statement st = db_.Prepare(
        "SELECT id, team, object, record_id, entry, added_ms FROM workflow_queue_item WHERE object = ?1 AND "
        "record_id = ?2");
    st.Bind(1, def.api_name).Bind(2, record_id);
    if (!st.Step())
        return Bad("assignment.not_queued", {{"object", def.api_name}, {"id", std::to_string(record_id)}},
                   "record_id");
    QueueItem item{st.Int(0), st.Text(1), st.Text(2), st.Int(3), "", st.Text(4), st.Int(5)};
    st.Reset();
    if (Status s = access_.CheckActor(actor); !s.ok()) return s.error();
    const bool manager = Authorize(actor).ok();
    Result<User> user = access_.GetUser(actor);
    if (!user.ok()) return user.error();
    const bool member = std::any_of(user->teams.begin(), user->teams.end(),
                                    [&](const std::string& t) { return SameName(t, item.team); });
    if (!manager && !member)
        return MessageError("access.denied", "assignment.not_queue_member", {{"team", item.team}},
                            "record_id");
    if (!access_.Decide(actor, ObjectAction::Edit, def.api_name).allowed)
        return MessageError("access.denied", "assignment.no_edit", {{"object", def.api_name}}, "object");
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    SaveResult saved = records_.Update(kSystemActor, def.api_name, record_id, json{{"OwnerId", user->id}});
    if (!saved.ok()) return saved.errors.front();
    Statement del = db_.Prepare("DELETE FROM workflow_queue_item WHERE id = ?1");
    del.Bind(1, item.id);
    if (Status s = del.Run(); !s.ok()) return s.error();
    if (std::optional<workflow_detail::StoredRecord> rec = workflow_detail::LoadRecord(db_, def, record_id))
        item.record_name = rec->name;
    if (Status s = change.Commit(); !s.ok()) return s.error();
    return item;
}

std::vector<std::string> AssignmentService::EntriesUsing(std::string_view object,
                                                         std::string_view field) const {
    std::vector<std::string> out;
    for (const AssignmentEntry& e : entries_) {
        Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(e.object);
        if (!o.ok()) continue;
        bool uses = false;
        for (const std::string* text : {&e.condition, &e.open_condition}) {
            if (text->empty() || uses) continue;
            Result<formula::CompiledFormula> c =
                workflow_detail::CompileCondition(schema_, e.object, *text, text == &e.condition);
            if (c.ok())
                for (const auto& [obj, fld] : workflow_detail::FieldsRead(schema_, **o, *c))
                    uses = uses || (SameName(obj, object) && SameName(fld, field));
        }
        if (uses) out.push_back("assignment rule " + e.object + "." + e.name);
    }
    return out;
}

}  // namespace crm
