// Duplicate rules, the save stage, the check and the merge (dedup.h states the rules; the scan is in
// dedup_scan.cpp).
#include "data/dedup.h"

#include <algorithm>
#include <optional>

#include "audit/change.h"
#include "common/clock.h"
#include "common/messages.h"
#include "common/text.h"
#include "data/dedup_index.h"
#include "data/dedup_internal.h"
#include "data/recycle_bin.h"
#include "records/records.h"
#include "schema/schema.h"
#include "storage/database.h"
#include "storage/statement_cache.h"

#define DEDUP_TRY(expr)                                      \
    do {                                                     \
        if (Status s_ = (expr); !s_.ok()) return s_.error(); \
    } while (0)

namespace crm {

namespace {

const MessageDef kMessages[] = {
    {"data.dedup_rule_shape", "A duplicate rule needs {what}.", "重复规则需要{what}。"},
    {"data.dedup_method",
     "{method} is not a way to compare; use exact, normalized, email, phone, fuzzy or company.",
     "{method} 不是比较方式；请使用 exact、normalized、email、phone、fuzzy 或 company。"},
    {"data.dedup_field",
     "{object} has no field {field} that a duplicate rule can compare (text, email, phone, "
     "URL or picklist).",
     "{object} 没有可供重复规则比较的字段 {field}（文本、电子邮件、电话、网址或选择列表）。"},
    {"data.dedup_threshold", "A similarity threshold is between 0.5 and 1, not {value}.",
     "相似度阈值必须在 0.5 到 1 之间，而不是 {value}。"},
    {"data.dedup_unknown_rule", "{object} has no duplicate rule {name}.", "{object} 没有重复规则 {name}。"},
    {"data.dedup_field_hidden", "The duplicate rule {name} compares {field}, which you cannot read.",
     "重复规则 {name} 比较的字段 {field} 您无权读取。"},
    {"data.duplicate_blocked", "This {object} duplicates {names} (rule {rule}).",
     "此{object}与 {names} 重复（规则 {rule}）。"},
    {"data.merge_count", "A merge takes 2 or 3 different records, not {count}.",
     "合并需要 2 或 3 条不同的记录，而不是 {count} 条。"},
    {"data.merge_source", "The value of {field} must come from one of the merged records, not {id}.",
     "{field} 的值必须来自被合并的记录之一，而不是 {id}。"},
    {"data.merge_field", "{field} cannot be chosen in a merge: it is unknown, read-only or hidden from you.",
     "合并时不能选择 {field}：该字段不存在、只读或您无权读取。"},
};
CRM_REGISTER_MESSAGES(kMessages);

bool Comparable(const FieldDef& f) {
    switch (f.type) {
        case FieldType::Text:
        case FieldType::LongText:
        case FieldType::Email:
        case FieldType::Phone:
        case FieldType::Url:
        case FieldType::Picklist:
            return f.state == FieldState::Active && f.has_column();
        default:
            return false;
    }
}

/// A key's value when it has the type asked for, else the fallback (a wrong type is then refused by the
/// caller's own check, never thrown).
std::string StrOf(const nlohmann::json& j, const char* key, const std::string& fallback) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}
double NumOf(const nlohmann::json& j, const char* key, double fallback) {
    auto it = j.find(key);
    return it == j.end() ? fallback : it->is_number() ? it->get<double>() : -1.0;
}

/// Clears a flag when the scope ends.
struct FlagGuard {
    bool& flag;
    explicit FlagGuard(bool& f) : flag(f) { flag = true; }
    ~FlagGuard() { flag = false; }
};

}  // namespace

// [SECTION] Rules

nlohmann::json ToJson(const DuplicateRule& r) {
    nlohmann::json conditions = nlohmann::json::array();
    for (const MatchCondition& c : r.match.conditions) {
        nlohmann::json j = {{"field", c.field}, {"method", MatchMethodName(c.method)}};
        if (c.method == MatchMethod::Fuzzy || c.method == MatchMethod::Company) j["threshold"] = c.threshold;
        if (c.method == MatchMethod::Fuzzy) j["algorithm"] = c.algorithm;
        if (c.method == MatchMethod::Phone) j["country_code"] = c.country_code;
        conditions.push_back(j);
    }
    nlohmann::json j = {{"object", r.object},
                        {"name", r.name},
                        {"active", r.active},
                        {"action", r.action},
                        {"logic", r.match.any ? "or" : "and"},
                        {"conditions", conditions}};
    if (r.id) j["id"] = r.id;
    return j;
}

Result<DuplicateRule> DuplicateRuleFromJson(const nlohmann::json& j) {
    auto shape = [](const char* what, const char* field) {
        return MessageError("data.invalid", "data.dedup_rule_shape", {{"what", what}}, field);
    };
    if (!j.is_object()) return shape("a JSON object", "rule");
    DuplicateRule r;
    r.object = StrOf(j, "object", "");
    r.name = StrOf(j, "name", "");
    if (r.object.empty()) return shape("an object", "object");
    if (r.name.empty()) return shape("a name", "name");
    if (j.contains("active") && !j["active"].is_boolean()) return shape("active true or false", "active");
    r.active = j.value("active", true);
    r.action = StrOf(j, "action", j.contains("action") ? "?" : "alert");
    if (r.action != "block" && r.action != "alert" && r.action != "scan_only")
        return shape("an action: block, alert or scan_only", "action");
    const std::string logic = StrOf(j, "logic", j.contains("logic") ? "?" : "and");
    if (logic != "and" && logic != "or") return shape("logic and or or", "logic");
    r.match.any = logic == "or";
    const nlohmann::json conditions = j.contains("conditions") ? j["conditions"] : nlohmann::json::array();
    if (!conditions.is_array() || conditions.empty() || conditions.size() > 10)
        return shape("1 to 10 conditions", "conditions");
    for (const nlohmann::json& c : conditions) {
        if (!c.is_object() || !c.value("field", nlohmann::json()).is_string())
            return shape("a field in each condition", "conditions");
        MatchCondition m;
        m.field = c["field"].get<std::string>();
        const std::string method = StrOf(c, "method", c.contains("method") ? "?" : "exact");
        if (!ParseMatchMethod(method, m.method))
            return MessageError("data.invalid", "data.dedup_method", {{"method", "\"" + method + "\""}},
                                "conditions");
        m.threshold = NumOf(c, "threshold", m.method == MatchMethod::Company ? 1.0 : 0.9);
        if (!(m.threshold >= 0.5 && m.threshold <= 1.0))
            return MessageError("data.invalid", "data.dedup_threshold", {{"value", c["threshold"].dump()}},
                                "conditions");
        m.algorithm = StrOf(c, "algorithm", c.contains("algorithm") ? "?" : "jaro_winkler");
        if (m.algorithm != "jaro_winkler" && m.algorithm != "levenshtein")
            return shape("an algorithm jaro_winkler or levenshtein", "conditions");
        m.country_code = StrOf(c, "country_code", "86");
        r.match.conditions.push_back(std::move(m));
    }
    return r;
}

nlohmann::json ToJson(const MergeRecord& m) {
    return {{"id", m.id},
            {"object", m.object},
            {"master", m.master},
            {"merged", m.merged},
            {"recycle_entries", m.recycle_entries},
            {"merged_by", m.merged_by},
            {"merged_at", FormatUtcIso8601(m.merged_at_ms)},
            {"undone", m.undone}};
}

// [SECTION] Deduplicator

struct Deduplicator::SavingRules {
    const ObjectDef* object = nullptr;  ///< the definition `rules` point into
    uint64_t schema_version = 0;
    std::vector<Compiled> rules;
};

/// An object's key index with what it was built for and how it reads a record's keys.
struct Deduplicator::ObjectIndex {
    std::shared_ptr<const SavingRules> rules;  ///< built over these (a new rules list builds it again)
    uint64_t build = 0;
    std::string select;                     ///< "SELECT id, <columns> FROM <table>"
    std::vector<std::vector<int>> columns;  ///< per rule, per condition: the column after id
    DuplicateKeyIndex index;

    explicit ObjectIndex(const std::shared_ptr<const SavingRules>& saving)
        : rules(saving), index(MatchRules(*saving)) {
        std::vector<std::string> names;
        for (const Compiled& c : rules->rules) {
            columns.emplace_back();
            for (const FieldDef* f : c.fields) {
                auto it = std::find(names.begin(), names.end(), f->column);
                columns.back().push_back(static_cast<int>(it - names.begin()));
                if (it == names.end()) names.push_back(f->column);
            }
        }
        select = "SELECT id";
        for (const std::string& n : names) select += ", " + QuoteIdent(n);
        select += " FROM " + QuoteIdent(rules->object->table);
    }
    static std::vector<MatchRule> MatchRules(const SavingRules& saving) {
        std::vector<MatchRule> out;
        for (const Compiled& c : saving.rules) out.push_back(c.rule.match);
        return out;
    }
    /// The keys of the record `st` stands on (a row of `select`).
    DuplicateKeyIndex::RecordKeys KeysOf(const Statement& st) const {
        DuplicateKeyIndex::RecordKeys keys(columns.size());
        for (size_t r = 0; r < columns.size(); ++r) {
            const std::vector<MatchCondition>& conditions = rules->rules[r].rule.match.conditions;
            for (size_t i = 0; i < columns[r].size(); ++i)
                keys[r].push_back(MatchKey(conditions[i], st.Text(1 + columns[r][i])));
        }
        return keys;
    }
};

Deduplicator::Deduplicator(Changes& changes, SchemaService& schema, RecordService& records,
                           const AccessPolicy& policy, RecycleBin& recycle)
    : changes_(changes),
      schema_(schema),
      records_(records),
      policy_(policy),
      recycle_(recycle),
      statements_(std::make_unique<StatementCache>(changes.db())) {}

Deduplicator::~Deduplicator() = default;

void Deduplicator::Attach() {
    records_.AddSaveStage(SaveStageId::DuplicateRules, "duplicate rules",
                          [this](SaveContext& ctx) { Stage(ctx); });
    records_.AddAfterWriteHook("duplicate key index", [this](SaveContext& ctx) {
        if (Status s = Reindex(ctx.object, ctx.record_id); !s.ok()) ctx.Fail(s.error());
    });
    records_.AddDeleteHook(DeletePhase::After, "duplicate key index", [this](DeleteContext& ctx) {
        if (Status s = Reindex(ctx.object, ctx.record_id); !s.ok()) ctx.Fail(s.error());
    });
    recycle_.SetRestoreHooks(
        [this](const std::string& actor, std::vector<RecycleEntry>& entries) {
            return ExpandRestore(actor, entries);
        },
        [this](ChangeScope& change, const std::string& actor, const std::vector<RecycleEntry>& restored) {
            return AfterRestore(change, actor, restored);
        });
}

Result<std::vector<DuplicateRule>> Deduplicator::Rules(const std::string& actor, const std::string& object) {
    if (authorize_) DEDUP_TRY(authorize_(actor, SystemPermission::CustomizeSchema));
    std::string api;
    if (!object.empty()) {
        Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
        if (!o.ok()) return o.error();
        api = (*o)->api_name;
    }
    Statement st = changes_.db().Prepare(
        "SELECT id, rule_json FROM dedup_rules WHERE ?1 = '' OR object = ?1 ORDER BY object, name");
    st.Bind(1, api);
    std::vector<DuplicateRule> out;
    while (st.Step()) {
        Result<DuplicateRule> r = DuplicateRuleFromJson(nlohmann::json::parse(st.Text(1), nullptr, false));
        if (!r.ok()) continue;
        r->id = st.Int(0);
        out.push_back(std::move(*r));
    }
    if (!st.status().ok()) return st.status().error();
    return out;
}

Result<DuplicateRule> Deduplicator::SaveRule(const std::string& actor, DuplicateRule rule) {
    if (authorize_) DEDUP_TRY(authorize_(actor, SystemPermission::CustomizeSchema));
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(rule.object);
    if (!o.ok()) return o.error();
    rule.object = (*o)->api_name;
    for (MatchCondition& c : rule.match.conditions) {
        const FieldDef* f = (*o)->Field(c.field);
        if (!f || !Comparable(*f))
            return MessageError("data.invalid", "data.dedup_field",
                                {{"object", rule.object}, {"field", c.field}}, "conditions");
        c.field = f->api_name;
    }
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    Database& db = changes_.db();
    nlohmann::json old;
    Statement find = db.Prepare("SELECT rule_json FROM dedup_rules WHERE object = ?1 AND name = ?2");
    find.Bind(1, rule.object).Bind(2, rule.name);
    if (find.Step()) old = nlohmann::json::parse(find.Text(0), nullptr, false);
    rule.id = 0;
    const nlohmann::json stored = ToJson(rule);
    Statement st = db.Prepare(
        "INSERT INTO dedup_rules(object, name, active, action, rule_json) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT(object, name) DO UPDATE SET active = excluded.active, action = excluded.action, "
        "rule_json = excluded.rule_json");
    st.Bind(1, rule.object)
        .Bind(2, rule.name)
        .Bind(3, rule.active ? 1 : 0)
        .Bind(4, rule.action)
        .Bind(5, stored.dump());
    DEDUP_TRY(st.Run());
    Statement id = db.Prepare("SELECT id FROM dedup_rules WHERE object = ?1 AND name = ?2");
    id.Bind(1, rule.object).Bind(2, rule.name);
    if (id.Step()) rule.id = id.Int(0);
    DEDUP_TRY(change.Audit("data", old.is_null() ? "create" : "update",
                           "dedup_rule." + rule.object + "." + rule.name, old, stored));
    change.Record("data", rule.object, ChangeAction::Config, rule.id, {"dedup_rules"});
    ForgetSavingRules();
    DEDUP_TRY(change.Commit());
    return rule;
}

Status Deduplicator::DeleteRule(const std::string& actor, const std::string& object,
                                const std::string& name) {
    if (authorize_) {
        if (Status s = authorize_(actor, SystemPermission::CustomizeSchema); !s.ok()) return s;
    }
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
    if (!o.ok()) return o.error();
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    Database& db = changes_.db();
    Statement find = db.Prepare("SELECT id, rule_json FROM dedup_rules WHERE object = ?1 AND name = ?2");
    find.Bind(1, (*o)->api_name).Bind(2, name);
    if (!find.Step())
        return MessageError("data.not_found", "data.dedup_unknown_rule",
                            {{"object", (*o)->api_name}, {"name", name}}, "name");
    const int64_t id = find.Int(0);
    const nlohmann::json old = nlohmann::json::parse(find.Text(1), nullptr, false);
    Statement del = db.Prepare("DELETE FROM dedup_rules WHERE id = ?1");
    del.Bind(1, id);
    if (Status s = del.Run(); !s.ok()) return s;
    if (Status s = change.Audit("data", "delete", "dedup_rule." + (*o)->api_name + "." + name, old, nullptr);
        !s.ok())
        return s;
    change.Record("data", (*o)->api_name, ChangeAction::Config, id, {"dedup_rules"});
    ForgetSavingRules();
    return change.Commit();
}

Result<std::vector<Deduplicator::Compiled>> Deduplicator::ActiveRules(const ObjectDef& o, bool saving) {
    Statement& st = statements_->Get(
        "SELECT id, rule_json FROM dedup_rules WHERE object = ?1 AND active = 1 AND (?2 = 0 OR action <> "
        "'scan_only') ORDER BY name");
    st.Bind(1, o.api_name).Bind(2, saving ? 1 : 0);
    std::vector<Compiled> out;
    while (st.Step()) {
        Result<DuplicateRule> r = DuplicateRuleFromJson(nlohmann::json::parse(st.Text(1), nullptr, false));
        if (!r.ok()) continue;
        r->id = st.Int(0);
        Compiled c;
        c.rule = std::move(*r);
        bool usable = true;
        for (const MatchCondition& m : c.rule.match.conditions) {
            const FieldDef* f = o.Field(m.field);
            if (!f || !Comparable(*f)) usable = false;  // a field deleted since: the rule rests
            c.fields.push_back(f);
        }
        if (usable) out.push_back(std::move(c));
    }
    if (!st.status().ok()) return st.status().error();
    return out;
}

std::vector<DuplicateMatch> Deduplicator::Match(const std::string& actor, const ObjectDef& o,
                                                const std::vector<Compiled>& rules,
                                                const std::vector<std::string>& texts, int64_t self,
                                                const DuplicateKeyIndex* index) {
    // `texts` holds the record's text per index of o.fields.
    std::vector<DuplicateMatch> out;
    Database& db = changes_.db();
    const FieldDef* name_field = o.Field(o.name_field);
    const bool system = IsSystemActor(actor);
    const bool name_readable = name_field && (system || policy_.CanReadField(actor, o, *name_field));
    const std::string name_sql =
        name_field && name_field->has_column() ? QuoteIdent(name_field->column) : std::string("''");
    for (size_t r = 0; r < rules.size(); ++r) {
        const Compiled& c = rules[r];
        bool readable = true;
        for (const FieldDef* f : c.fields)
            if (!system && !policy_.CanReadField(actor, o, *f)) readable = false;
        if (!readable) continue;
        MatchKeys keys;
        for (size_t i = 0; i < c.fields.size(); ++i) {
            const size_t index = static_cast<size_t>(c.fields[i] - o.fields.data());
            keys.push_back(MatchKey(c.rule.match.conditions[i], index < texts.size() ? texts[index] : ""));
        }
        if (BlockingKeys(c.rule.match, keys).empty()) continue;
        if (index) {
            Statement& one = statements_->Get("SELECT owner_id, " + name_sql + " FROM " +
                                              QuoteIdent(o.table) + " WHERE id = ?1");
            for (int64_t id : index->Matches(r, keys, self)) {
                one.Reset();
                one.Bind(1, id);
                if (!one.Step()) continue;
                const int64_t owner = one.IsNull(0) ? 0 : one.Int(0);
                if (!system && policy_.RecordLevel(actor, o, id, owner) < AccessLevel::Read) continue;
                out.push_back({c.rule.name, c.rule.action, id, name_readable ? one.Text(1) : std::string()});
            }
            one.Reset();
            continue;
        }
        std::string sql = "SELECT id, owner_id";
        for (const FieldDef* f : c.fields) sql += ", " + QuoteIdent(f->column);
        sql += ", " + name_sql;
        sql += " FROM " + QuoteIdent(o.table) + " WHERE id <> ?1";
        int exact = -1;
        for (size_t i = 0; i < c.fields.size() && !c.rule.match.any; ++i)
            if (c.rule.match.conditions[i].method == MatchMethod::Exact) exact = static_cast<int>(i);
        if (exact >= 0) sql += " AND " + QuoteIdent(c.fields[exact]->column) + " = ?2";
        Statement st = db.Prepare(sql);
        st.Bind(1, self);
        if (exact >= 0) st.Bind(2, keys[exact]);
        MatchKeys other(c.fields.size());
        const int n = static_cast<int>(c.fields.size());
        while (st.Step()) {
            for (int i = 0; i < n; ++i) other[i] = MatchKey(c.rule.match.conditions[i], st.Text(2 + i));
            if (!KeysMatch(c.rule.match, keys, other)) continue;
            const int64_t id = st.Int(0);
            const int64_t owner = st.IsNull(1) ? 0 : st.Int(1);
            if (!system && policy_.RecordLevel(actor, o, id, owner) < AccessLevel::Read) continue;
            out.push_back({c.rule.name, c.rule.action, id, name_readable ? st.Text(2 + n) : std::string()});
        }
    }
    return out;
}

Result<std::shared_ptr<const Deduplicator::SavingRules>> Deduplicator::SavingRulesFor(const ObjectDef& o) {
    std::shared_ptr<const SavingRules>& kept = saving_rules_[o.api_name];
    if (kept && kept->object == &o && kept->schema_version == schema_.version()) return kept;
    Result<std::vector<Compiled>> rules = ActiveRules(o, true);
    if (!rules.ok()) return rules.error();
    auto fresh = std::make_shared<SavingRules>();
    fresh->object = &o;
    fresh->schema_version = schema_.version();
    fresh->rules = std::move(*rules);
    kept = fresh;
    return kept;
}

void Deduplicator::ForgetSavingRules() {
    saving_rules_.clear();
    indexes_.clear();
    changes_.RunWhenClosed([this] {
        saving_rules_.clear();
        indexes_.clear();
    });
}

Result<DuplicateKeyIndex*> Deduplicator::IndexFor(const ObjectDef& o,
                                                  const std::shared_ptr<const SavingRules>& rules) {
    std::unique_ptr<ObjectIndex>& kept = indexes_[o.api_name];
    if (kept && kept->rules == rules) return &kept->index;
    kept.reset();
    auto fresh = std::make_unique<ObjectIndex>(rules);
    fresh->build = ++index_builds_;
    Statement st = changes_.db().Prepare(fresh->select);
    while (st.Step()) fresh->index.Put(st.Int(0), fresh->KeysOf(st));
    if (!st.status().ok()) return st.status().error();
    kept = std::move(fresh);
    // Built inside a change, it holds that change's rows: it goes if the change rolls back.
    if (ChangeScope* scope = changes_.open_scope()) {
        const uint64_t build = kept->build;
        scope->OnRollback([this, api = o.api_name, build] {
            auto it = indexes_.find(api);
            if (it != indexes_.end() && it->second && it->second->build == build) indexes_.erase(it);
        });
    }
    return &kept->index;
}

Status Deduplicator::Reindex(const ObjectDef& o, int64_t id) {
    auto it = indexes_.find(o.api_name);
    if (it == indexes_.end() || !it->second) return Status::Ok();
    Result<std::shared_ptr<const SavingRules>> current = SavingRulesFor(o);
    if (!current.ok() || *current != it->second->rules) {
        indexes_.erase(it);  // the rules or the schema moved: built again at the next checked save
        return Status::Ok();
    }
    ObjectIndex& x = *it->second;
    std::optional<DuplicateKeyIndex::RecordKeys> before;
    if (const DuplicateKeyIndex::RecordKeys* keys = x.index.Find(id)) before = *keys;
    Statement& st = statements_->Get(x.select + " WHERE id = ?1");
    st.Bind(1, id);
    if (st.Step()) {
        x.index.Put(id, x.KeysOf(st));
    } else {
        if (!st.status().ok()) return st.status();
        x.index.Remove(id);
    }
    st.Reset();
    if (ChangeScope* scope = changes_.open_scope()) {
        scope->OnRollback([this, api = o.api_name, build = x.build, id, before = std::move(before)] {
            auto at = indexes_.find(api);
            if (at == indexes_.end() || !at->second || at->second->build != build) return;
            if (before)
                at->second->index.Put(id, *before);
            else
                at->second->index.Remove(id);
        });
    }
    return Status::Ok();
}

void Deduplicator::DropIndex(const std::string& object) {
    for (auto it = indexes_.begin(); it != indexes_.end(); ++it) {
        if (ToLowerAscii(it->first) == ToLowerAscii(object)) {
            indexes_.erase(it);
            return;
        }
    }
}

void Deduplicator::OnCommit(const ChangeSet& changes) {
    // A bulk insert names no ids: its records are read again at the next checked save.
    for (const ObjectChange& c : changes.changes)
        if (c.area == "records" && c.action != ChangeAction::Config && c.ids.empty()) DropIndex(c.object);
}

int64_t Deduplicator::IndexedRecords(const std::string& object) const {
    for (const auto& [api, x] : indexes_)
        if (x && ToLowerAscii(api) == ToLowerAscii(object)) return static_cast<int64_t>(x->index.size());
    return -1;
}

void Deduplicator::Stage(SaveContext& ctx) {
    if (merging_) return;
    Result<std::shared_ptr<const SavingRules>> saving = SavingRulesFor(ctx.object);
    if (!saving.ok()) {
        ctx.Fail(saving.error());
        return;
    }
    const std::vector<Compiled>* rules = &(*saving)->rules;
    if (rules->empty()) return;
    // Only a save that changes a compared field is checked (an unrelated edit of a known duplicate passes).
    std::vector<std::string> texts(ctx.object.fields.size());
    bool relevant = false;
    for (const Compiled& c : *rules) {
        for (const FieldDef* f : c.fields) {
            const int index = static_cast<int>(f - ctx.object.fields.data());
            texts[index] = ValueToText(*f, ctx.After(index));
            if (ctx.is_new || ctx.Changed(index)) relevant = true;
        }
    }
    if (!relevant) return;
    Result<DuplicateKeyIndex*> index = IndexFor(ctx.object, *saving);
    if (!index.ok()) {
        ctx.Fail(index.error());
        return;
    }
    std::vector<DuplicateMatch> matches = Match(ctx.actor, ctx.object, *rules, texts, ctx.record_id, *index);
    std::string names, rule;
    int blocking = 0;
    for (const DuplicateMatch& m : matches) {
        if (m.action != "block") continue;
        if (blocking++ < 5)
            names += (names.empty() ? "" : ", ") + (m.name.empty() ? "#" + std::to_string(m.id) : m.name);
        if (rule.empty()) rule = m.rule;
    }
    if (blocking > 5) names += " (+" + std::to_string(blocking - 5) + ")";
    if (blocking > 0)
        ctx.Fail(MessageError("data.duplicate_blocked", "data.duplicate_blocked",
                              {{"object", ctx.object.label}, {"names", names}, {"rule", rule}}));
}

Result<std::vector<DuplicateMatch>> Deduplicator::Check(const std::string& actor, const std::string& object,
                                                        const nlohmann::json& values, int64_t id) {
    return CheckWith(actor, object, values, id, false);
}

Result<std::vector<DuplicateMatch>> Deduplicator::CheckEveryRecord(const std::string& actor,
                                                                   const std::string& object,
                                                                   const nlohmann::json& values, int64_t id) {
    return CheckWith(actor, object, values, id, true);
}

Result<std::vector<DuplicateMatch>> Deduplicator::CheckWith(const std::string& actor, const std::string& object,
                                                            const nlohmann::json& values, int64_t id,
                                                            bool every_record) {
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
    if (!o.ok()) return o.error();
    if (!IsSystemActor(actor) && !policy_.CanAccessObject(actor, **o, ObjectAction::Read))
        return MakeError("records.no_access",
                         "You do not have permission to read " + (*o)->plural_label + ".", "object");
    nlohmann::json record = nlohmann::json::object();
    if (id > 0) {
        Result<nlohmann::json> stored = records_.Get(actor, (*o)->api_name, id);
        if (!stored.ok()) return stored.error();
        record = *stored;
    }
    if (values.is_object())
        for (auto it = values.begin(); it != values.end(); ++it) record[it.key()] = it.value();
    std::vector<std::string> texts((*o)->fields.size());
    for (size_t i = 0; i < (*o)->fields.size(); ++i) {
        const FieldDef& f = (*o)->fields[i];
        for (auto it = record.begin(); it != record.end(); ++it)
            if (ToLowerAscii(it.key()) == ToLowerAscii(f.api_name)) texts[i] = DedupValueText(it.value());
    }
    Result<std::shared_ptr<const SavingRules>> saving = SavingRulesFor(**o);
    if (!saving.ok()) return saving.error();
    if (every_record) return Match(actor, **o, (*saving)->rules, texts, id);
    Result<DuplicateKeyIndex*> index = IndexFor(**o, *saving);
    if (!index.ok()) return index.error();
    return Match(actor, **o, (*saving)->rules, texts, id, *index);
}

Result<MergeOutcome> Deduplicator::Merge(const std::string& actor, const MergeRequest& request) {
    Result<std::shared_ptr<const ObjectDef>> object = schema_.Object(request.object);
    if (!object.ok()) return object.error();
    const ObjectDef& o = **object;
    std::vector<int64_t> all = {request.master};
    all.insert(all.end(), request.others.begin(), request.others.end());
    std::vector<int64_t> distinct = all;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    if (all.size() < 2 || all.size() > 3 || distinct.size() != all.size() || distinct.front() <= 0)
        return MessageError("data.invalid", "data.merge_count", {{"count", std::to_string(distinct.size())}},
                            "others");
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    std::map<int64_t, nlohmann::json> record;
    for (int64_t id : all) {
        Result<nlohmann::json> r = records_.Get(actor, o.api_name, id);
        if (!r.ok()) return r.error();
        record[id] = *r;
    }
    const nlohmann::json& master = record[request.master];
    nlohmann::json update = nlohmann::json::object(), before = nlohmann::json::object();
    MergeOutcome out;
    out.master = request.master;
    out.merged = request.others;
    for (const auto& [field_name, from] : request.values) {
        if (!record.count(from))
            return MessageError("data.invalid", "data.merge_source",
                                {{"field", field_name}, {"id", std::to_string(from)}}, "values");
        std::string api = field_name;
        if (ToLowerAscii(api) != "ownerid") {
            const FieldDef* f = o.Field(field_name);
            if (!f || f->is_read_only() || f->state != FieldState::Active ||
                !record[from].contains(f->api_name))
                return MessageError("data.invalid", "data.merge_field", {{"field", field_name}}, "values");
            api = f->api_name;
        } else {
            api = "OwnerId";
        }
        const nlohmann::json chosen = record[from].value(api, nlohmann::json());
        const nlohmann::json current = master.value(api, nlohmann::json());
        if (chosen == current) continue;
        update[api] = chosen;
        before[api] = current;
        out.fields_changed.push_back(api);
    }
    // Every lookup that pointed at a merged record points at the master.
    Database& db = changes_.db();
    std::map<int64_t, nlohmann::json> moved;
    for (int64_t loser : request.others) moved[loser] = nlohmann::json::array();
    for (const auto& other : schema_.Objects()) {
        for (const FieldDef& f : other->fields) {
            if (f.type != FieldType::Lookup || f.column.empty() ||
                ToLowerAscii(f.lookup_object) != ToLowerAscii(o.api_name))
                continue;
            for (int64_t loser : request.others) {
                Statement sel = db.Prepare("SELECT id FROM " + QuoteIdent(other->table) + " WHERE " +
                                           QuoteIdent(f.column) + " = ?1");
                sel.Bind(1, loser);
                std::vector<int64_t> ids;
                while (sel.Step()) ids.push_back(sel.Int(0));
                if (!sel.status().ok()) return sel.status().error();
                // A merged record pointing at another merged one goes to the bin anyway.
                ids.erase(std::remove_if(ids.begin(), ids.end(),
                                         [&](int64_t id) {
                                             return other->id == o.id &&
                                                    std::count(all.begin(), all.end(), id) &&
                                                    id != request.master;
                                         }),
                          ids.end());
                if (ids.empty()) continue;
                Statement upd = db.Prepare("UPDATE " + QuoteIdent(other->table) + " SET " +
                                           QuoteIdent(f.column) + " = ?1 WHERE id = ?2");
                for (int64_t id : ids) {
                    upd.Reset();
                    upd.Bind(1, request.master).Bind(2, id);
                    DEDUP_TRY(upd.Run());
                    change.Record("records", other->api_name, ChangeAction::Update, id, {f.api_name});
                }
                out.lookups_moved += static_cast<int>(ids.size());
                moved[loser].push_back({{"object", other->api_name}, {"column", f.column}, {"ids", ids}});
            }
        }
    }
    FlagGuard guard(merging_);
    for (int64_t loser : request.others) {
        DEDUP_TRY(records_.Delete(actor, o.api_name, loser));
        Statement entry = db.Prepare(
            "SELECT id FROM recycle_bin WHERE object = ?1 AND record_id = ?2 ORDER BY id DESC LIMIT 1");
        entry.Bind(1, o.api_name).Bind(2, loser);
        if (!entry.Step()) return MakeError("internal", "A merged record did not reach the recycle bin.");
        out.recycle_entries.push_back(entry.Int(0));
    }
    if (!update.empty()) {
        SaveResult saved = records_.Update(actor, o.api_name, request.master, update);
        if (!saved.ok()) return saved.errors.front();
    }
    Statement ins = db.Prepare(
        "INSERT INTO dedup_merges(object, master_id, merged_by, merged_at_ms, before_json, after_json) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    ins.Bind(1, o.api_name).Bind(2, request.master).Bind(3, actor).Bind(4, change.now_ms());
    ins.Bind(5, before.dump()).Bind(6, update.dump());
    DEDUP_TRY(ins.Run());
    out.merge_id = db.LastInsertRowId();
    Statement rec = db.Prepare(
        "INSERT INTO dedup_merge_records(merge_id, record_id, entry_id, moved_json) VALUES (?1, ?2, ?3, ?4)");
    for (size_t i = 0; i < request.others.size(); ++i) {
        rec.Reset();
        rec.Bind(1, out.merge_id).Bind(2, request.others[i]).Bind(3, out.recycle_entries[i]);
        rec.Bind(4, moved[request.others[i]].dump());
        DEDUP_TRY(rec.Run());
    }
    DEDUP_TRY(
        change.Audit("data", "merge", o.api_name + "." + std::to_string(request.master),
                     {{"merged", request.others}, {"values", before}},
                     {{"master", request.master}, {"values", update}, {"lookups_moved", out.lookups_moved}}));
    DEDUP_TRY(change.Commit());
    return out;
}

Result<std::vector<MergeRecord>> Deduplicator::Merges(const std::string& actor, const std::string& object,
                                                      int limit) {
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
    if (!o.ok()) return o.error();
    Database& db = changes_.db();
    Statement st = db.Prepare(
        "SELECT m.id, m.master_id, m.merged_by, m.merged_at_ms, m.undone, t.owner_id FROM dedup_merges m "
        "LEFT JOIN " +
        QuoteIdent((*o)->table) + " t ON t.id = m.master_id WHERE m.object = ?1 ORDER BY m.id DESC");
    st.Bind(1, (*o)->api_name);
    std::vector<MergeRecord> out;
    const bool system = IsSystemActor(actor);
    while (st.Step() && static_cast<int>(out.size()) < std::clamp(limit, 1, 1000)) {
        MergeRecord m;
        m.id = st.Int(0);
        m.object = (*o)->api_name;
        m.master = st.Int(1);
        const int64_t owner = st.IsNull(5) ? 0 : st.Int(5);
        if (!system && (!policy_.CanAccessObject(actor, **o, ObjectAction::Read) ||
                        policy_.RecordLevel(actor, **o, m.master, owner) < AccessLevel::Read))
            continue;
        m.merged_by = st.Text(2);
        m.merged_at_ms = st.Int(3);
        m.undone = st.Int(4) != 0;
        Statement r = db.Prepare(
            "SELECT record_id, entry_id FROM dedup_merge_records WHERE merge_id = ?1 ORDER BY record_id");
        r.Bind(1, m.id);
        while (r.Step()) {
            m.merged.push_back(r.Int(0));
            m.recycle_entries.push_back(r.Int(1));
        }
        out.push_back(std::move(m));
    }
    if (!st.status().ok()) return st.status().error();
    return out;
}

Status Deduplicator::ExpandRestore(const std::string& actor, std::vector<RecycleEntry>& entries) {
    Database& db = changes_.db();
    std::vector<int64_t> missing;
    for (const RecycleEntry& e : entries) {
        Statement st = db.Prepare(
            "SELECT r2.entry_id FROM dedup_merge_records r1 JOIN dedup_merges m ON m.id = r1.merge_id AND "
            "m.undone = 0 "
            "JOIN dedup_merge_records r2 ON r2.merge_id = r1.merge_id JOIN recycle_bin b ON b.id = "
            "r2.entry_id "
            "WHERE r1.entry_id = ?1");
        st.Bind(1, e.id);
        while (st.Step()) {
            const int64_t id = st.Int(0);
            if (std::none_of(entries.begin(), entries.end(),
                             [&](const RecycleEntry& x) { return x.id == id; }) &&
                std::find(missing.begin(), missing.end(), id) == missing.end())
                missing.push_back(id);
        }
        if (!st.status().ok()) return st.status();
    }
    if (missing.empty()) return Status::Ok();
    Result<std::vector<RecycleEntry>> more = recycle_.Entries(actor, missing);
    if (!more.ok()) return more.error();
    entries.insert(entries.end(), more->begin(), more->end());
    return Status::Ok();
}

Status Deduplicator::AfterRestore(ChangeScope& change, const std::string& actor,
                                  const std::vector<RecycleEntry>& restored) {
    Database& db = changes_.db();
    // The restored rows come back without the save pipeline: their keys go back into the key index here.
    for (const RecycleEntry& e : restored) {
        Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(e.object);
        if (!o.ok()) continue;
        if (Status s = Reindex(**o, e.record_id); !s.ok()) return s;
    }
    std::vector<int64_t> merges;
    for (const RecycleEntry& e : restored) {
        Statement st = db.Prepare(
            "SELECT r.merge_id, r.record_id, r.moved_json, m.master_id FROM dedup_merge_records r JOIN "
            "dedup_merges m "
            "ON m.id = r.merge_id AND m.undone = 0 WHERE r.entry_id = ?1");
        st.Bind(1, e.id);
        if (!st.Step()) {
            if (!st.status().ok()) return st.status();
            continue;
        }
        const int64_t merge = st.Int(0), loser = st.Int(1), master = st.Int(3);
        if (std::find(merges.begin(), merges.end(), merge) == merges.end()) merges.push_back(merge);
        const nlohmann::json moved = nlohmann::json::parse(st.Text(2), nullptr, false);
        if (!moved.is_array()) continue;
        for (const nlohmann::json& m : moved) {
            Result<std::shared_ptr<const ObjectDef>> other = schema_.Object(m.value("object", ""));
            if (!other.ok() || (*other)->deleted) continue;
            const std::string column = m.value("column", "");
            const FieldDef* field = nullptr;
            for (const FieldDef& f : (*other)->fields)
                if (f.column == column && f.type == FieldType::Lookup) field = &f;
            if (!field) continue;
            Statement upd =
                db.Prepare("UPDATE " + QuoteIdent((*other)->table) + " SET " + QuoteIdent(column) +
                           " = ?1 WHERE id = ?2 AND " + QuoteIdent(column) + " = ?3");
            for (const nlohmann::json& id : m.value("ids", nlohmann::json::array())) {
                if (!id.is_number_integer()) continue;
                upd.Reset();
                upd.Bind(1, loser).Bind(2, id.get<int64_t>()).Bind(3, master);
                if (Status s = upd.Run(); !s.ok()) return s;
                if (db.Changes() > 0)
                    change.Record("records", (*other)->api_name, ChangeAction::Update, id.get<int64_t>(),
                                  {field->api_name});
            }
        }
    }
    for (int64_t merge : merges) {
        // Undone once none of its records waits in the bin.
        Statement waiting = db.Prepare(
            "SELECT COUNT(*) FROM dedup_merge_records r JOIN recycle_bin b ON b.id = r.entry_id WHERE "
            "r.merge_id = ?1");
        waiting.Bind(1, merge);
        if (!waiting.Step() || waiting.Int(0) > 0) continue;
        Statement m =
            db.Prepare("SELECT object, master_id, before_json, after_json FROM dedup_merges WHERE id = ?1");
        m.Bind(1, merge);
        if (!m.Step()) continue;
        const std::string object = m.Text(0);
        const int64_t master = m.Int(1);
        const nlohmann::json before = nlohmann::json::parse(m.Text(2), nullptr, false);
        const nlohmann::json after = nlohmann::json::parse(m.Text(3), nullptr, false);
        nlohmann::json revert = nlohmann::json::object();
        if (before.is_object() && after.is_object() && !before.empty()) {
            Result<nlohmann::json> now = records_.Get(actor, object, master);
            if (now.ok()) {
                for (auto it = before.begin(); it != before.end(); ++it)
                    if (now->value(it.key(), nlohmann::json()) == after.value(it.key(), nlohmann::json()))
                        revert[it.key()] = it.value();
            }
        }
        if (!revert.empty()) {
            FlagGuard guard(merging_);
            SaveResult saved = records_.Update(actor, object, master, revert);
            if (!saved.ok()) return saved.errors.front();
        }
        Statement done = db.Prepare("UPDATE dedup_merges SET undone = 1 WHERE id = ?1");
        done.Bind(1, merge);
        if (Status s = done.Run(); !s.ok()) return s;
        if (Status s = change.Audit("data", "unmerge", object + "." + std::to_string(master), after, revert);
            !s.ok())
            return s;
    }
    return Status::Ok();
}

}  // namespace crm
