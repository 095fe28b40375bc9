// Processes: definitions, their checks and storage, the save-pipeline stages, simulation.
#include "workflow/processes.h"

#include <algorithm>

#include "access/access.h"
#include "audit/change.h"
#include "common/messages.h"
#include "storage/database.h"
#include "workflow/process_formulas.h"

namespace crm {

using formula::Value;
using nlohmann::json;
using workflow_detail::JoinNames;
using workflow_detail::SameName;

// [SECTION] Messages

namespace {

const MessageDef kProcessMessages[] = {
    // Saves that break a rule.
    {"process.not_a_stage",
     "{value} is not a stage of the process {process} ({object}.{field}); its stages are {stages}.",
     "{value} 不是流程 {process}（{object}.{field}）的阶段；其阶段为 {stages}。"},
    {"process.transition",
     "The process {process} does not allow moving from stage {from} to stage {to}; after {from} come "
     "{allowed}.",
     "流程 {process} 不允许从阶段 {from} 转到阶段 {to}；阶段 {from} 之后只能是 {allowed}。"},
    {"process.required_field",
     "Stage {stage} of the process {process} requires {label} ({field}); fill it in first.",
     "流程 {process} 的阶段 {stage} 要求填写 {label}（{field}）；请先填写。"},
    {"process.entry_condition",
     "The record does not meet the entry condition of stage {stage} of the process {process}: {condition}",
     "记录不满足流程 {process} 阶段 {stage} 的进入条件：{condition}"},
    {"process.condition_failed",
     "The entry condition of stage {stage} of the process {process} could not be checked: {error}",
     "无法检查流程 {process} 阶段 {stage} 的进入条件：{error}"},
    // Definitions.
    {"process.name_required", "A process needs a name.", "流程需要名称。"},
    {"process.name_taken", "There is already a process named {name}.", "已存在名为 {name} 的流程。"},
    {"process.unknown", "There is no process named {name}.", "没有名为 {name} 的流程。"},
    {"process.unknown_object", "There is no object {object}.", "没有对象 {object}。"},
    {"process.unknown_field", "{object} has no field {field}.", "{object} 没有字段 {field}。"},
    {"process.not_picklist", "{object}.{field} is not a picklist field; a process runs on a picklist.",
     "{object}.{field} 不是选项列表字段；流程只能基于选项列表字段。"},
    {"process.not_number", "{object}.{field} is not a number or percent field; it cannot hold a probability.",
     "{object}.{field} 不是数字或百分比字段，不能保存可能性。"},
    {"process.no_stages", "A process needs at least one stage.", "流程至少需要一个阶段。"},
    {"process.unknown_value",
     "{value} is not a value of the picklist {object}.{field}; its values are {values}.",
     "{value} 不是选项列表 {object}.{field} 的值；其值为 {values}。"},
    {"process.duplicate_stage", "Stage {value} appears twice; each value is one stage.",
     "阶段 {value} 出现了两次；每个值只能是一个阶段。"},
    {"process.bad_probability", "The probability of stage {stage} must be a whole number from 0 to 100.",
     "阶段 {stage} 的可能性必须是 0 到 100 之间的整数。"},
    {"process.unknown_next",
     "Stage {stage} names {next} as a next stage, but {next} is not a stage of this process.",
     "阶段 {stage} 将 {next} 列为下一阶段，但 {next} 不是此流程的阶段。"},
    {"process.bad_condition", "The entry condition of stage {stage} is not valid: {error}",
     "阶段 {stage} 的进入条件无效：{error}"},
    {"process.computed_required", "{object}.{field} is computed and cannot be required to enter a stage.",
     "{object}.{field} 是计算字段，不能作为进入阶段的必填字段。"},
    {"process.unknown_profile", "There is no profile named {name}.", "没有名为 {name} 的简档。"},
    {"process.unknown_team", "There is no team named {name}.", "没有名为 {name} 的团队。"},
    {"process.unknown_stage", "{value} is not a stage of the process {process}.",
     "{value} 不是流程 {process} 的阶段。"},
    {"process.unknown_key", "{key} is not a property of a process; it takes {keys}.",
     "{key} 不是流程的属性；可用的属性为 {keys}。"},
    {"process.bad_type", "{key} has the wrong type: {expected} expected.",
     "{key} 的类型不正确，应为 {expected}。"},
};
CRM_REGISTER_MESSAGES(kProcessMessages);

Error Bad(const char* id, MessageParams params, std::string field = {}) {
    std::string code = id;
    return MessageError(std::move(code), id, std::move(params), std::move(field));
}

}  // namespace

// [SECTION] Definitions

const ProcessStage* Process::Stage(std::string_view value) const {
    for (const ProcessStage& s : stages)
        if (s.value == value) return &s;
    return nullptr;
}

json ToJson(const ProcessStage& stage) {
    json out = {{"value", stage.value},
                {"required_fields", stage.required_fields},
                {"entry_condition", stage.entry_condition},
                {"next", stage.next}};
    out["probability"] = stage.probability ? json(*stage.probability) : json(nullptr);
    return out;
}

json ToJson(const Process& p) {
    json stages = json::array();
    for (const ProcessStage& s : p.stages) stages.push_back(ToJson(s));
    return {{"id", p.id},
            {"name", p.name},
            {"object", p.object},
            {"field", p.field},
            {"description", p.description},
            {"probability_field", p.probability_field},
            {"active", p.active},
            {"stages", stages},
            {"profiles", p.profiles},
            {"teams", p.teams}};
}

namespace {

Status Expect(bool ok, const std::string& key, const char* expected) {
    if (ok) return Status::Ok();
    return Bad("process.bad_type", {{"key", key}, {"expected", expected}}, key);
}

Result<std::vector<std::string>> Names(const json& value, const std::string& key) {
    std::vector<std::string> out;
    if (!value.is_array())
        return Bad("process.bad_type", {{"key", key}, {"expected", "a list of names"}}, key);
    for (const json& v : value) {
        if (!v.is_string())
            return Bad("process.bad_type", {{"key", key}, {"expected", "a list of names"}}, key);
        out.push_back(v.get<std::string>());
    }
    return out;
}

Status UnknownKey(const std::string& key, const char* keys, const std::string& where) {
    return Bad("process.unknown_key", {{"key", key}, {"keys", keys}}, where.empty() ? key : where);
}

Result<ProcessStage> StageFromJson(const json& j, const std::string& where) {
    if (!j.is_object()) return Bad("process.bad_type", {{"key", where}, {"expected", "an object"}}, where);
    ProcessStage s;
    for (const auto& [key, v] : j.items()) {
        const std::string path = where + "." + key;
        if (key == "value") {
            if (Status e = Expect(v.is_string(), path, "text"); !e.ok()) return e.error();
            s.value = v.get<std::string>();
        } else if (key == "probability") {
            if (v.is_null()) {
                s.probability.reset();
                continue;
            }
            if (Status e = Expect(v.is_number(), path, "a whole number"); !e.ok()) return e.error();
            const double d = v.get<double>();
            if (d != static_cast<double>(static_cast<int>(d)) || d < 0 || d > 100)
                return Bad("process.bad_probability", {{"stage", s.value}}, path);
            s.probability = static_cast<int>(d);
        } else if (key == "required_fields") {
            Result<std::vector<std::string>> n = Names(v, path);
            if (!n.ok()) return n.error();
            s.required_fields = *n;
        } else if (key == "entry_condition") {
            if (Status e = Expect(v.is_string() || v.is_null(), path, "text"); !e.ok()) return e.error();
            s.entry_condition = v.is_null() ? "" : v.get<std::string>();
        } else if (key == "next") {
            Result<std::vector<std::string>> n = Names(v, path);
            if (!n.ok()) return n.error();
            s.next = *n;
        } else {
            return UnknownKey(key, "value, probability, required_fields, entry_condition, next", path)
                .error();
        }
    }
    return s;
}

}  // namespace

Result<Process> ProcessFromJson(const json& j, Process p) {
    if (!j.is_object())
        return Bad("process.bad_type", {{"key", "process"}, {"expected", "an object"}}, "process");
    for (const auto& [key, v] : j.items()) {
        if (key == "id") {
            if (Status e = Expect(v.is_number_integer(), key, "a whole number"); !e.ok()) return e.error();
            p.id = v.get<int64_t>();
        } else if (key == "name" || key == "object" || key == "field" || key == "description" ||
                   key == "probability_field") {
            if (Status e = Expect(v.is_string() || (v.is_null() && key != "name"), key, "text"); !e.ok())
                return e.error();
            std::string text = v.is_null() ? "" : v.get<std::string>();
            (key == "name"          ? p.name
             : key == "object"      ? p.object
             : key == "field"       ? p.field
             : key == "description" ? p.description
                                    : p.probability_field) = std::move(text);
        } else if (key == "active") {
            if (Status e = Expect(v.is_boolean(), key, "true or false"); !e.ok()) return e.error();
            p.active = v.get<bool>();
        } else if (key == "stages") {
            if (Status e = Expect(v.is_array(), key, "a list of stages"); !e.ok()) return e.error();
            p.stages.clear();
            for (size_t i = 0; i < v.size(); ++i) {
                Result<ProcessStage> s = StageFromJson(v[i], "stages[" + std::to_string(i) + "]");
                if (!s.ok()) return s.error();
                p.stages.push_back(std::move(*s));
            }
        } else if (key == "profiles" || key == "teams") {
            Result<std::vector<std::string>> n = Names(v, key);
            if (!n.ok()) return n.error();
            (key == "profiles" ? p.profiles : p.teams) = *n;
        } else {
            return UnknownKey(
                       key,
                       "name, object, field, description, probability_field, active, stages, profiles, "
                       "teams",
                       "")
                .error();
        }
    }
    return p;
}

json ToJson(const ProcessViolation& v) {
    json error = {{"code", v.error.code}, {"message", v.error.message}, {"field", v.error.field}};
    return {{"record_id", v.record_id}, {"record_name", v.record_name}, {"stage", v.stage}, {"error", error}};
}

json ToJson(const ProcessSimulation& s) {
    json violations = json::array();
    for (const ProcessViolation& v : s.violations) violations.push_back(ToJson(v));
    return {{"records", s.records}, {"breaking", s.breaking}, {"violations", violations}};
}

// [SECTION] Storage

std::string WorkflowProcessMigrationSql() {
    return R"sql(
CREATE TABLE workflow_process (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    object TEXT NOT NULL,
    definition TEXT NOT NULL
);
CREATE TABLE workflow_assignment_entry (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    object TEXT NOT NULL COLLATE NOCASE,
    name TEXT NOT NULL COLLATE NOCASE,
    position INTEGER NOT NULL,
    definition TEXT NOT NULL,
    UNIQUE (object, name)
);
CREATE TABLE workflow_round_robin (
    entry_id INTEGER PRIMARY KEY,
    last_user_id INTEGER NOT NULL,
    assigned INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE workflow_queue_item (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team TEXT NOT NULL COLLATE NOCASE,
    object TEXT NOT NULL COLLATE NOCASE,
    record_id INTEGER NOT NULL,
    entry TEXT NOT NULL,
    added_ms INTEGER NOT NULL,
    UNIQUE (object, record_id)
);
CREATE INDEX workflow_queue_item_team ON workflow_queue_item(team, id);
)sql";
}

// [SECTION] ProcessService

/// The entry conditions of a process, compiled against the current schema.
struct ProcessService::Compiled {
    std::vector<std::optional<formula::CompiledFormula>> conditions;  ///< per stage
    std::vector<Error> errors;                                        ///< per stage, when it did not compile
    bool uses_globals = false;
};

ProcessService::ProcessService(Changes& changes, SchemaService& schema, RecordService& records,
                               AccessService& access)
    : changes_(changes), db_(changes.db()), schema_(schema), records_(records), access_(access) {
    (void)Reload();
}

ProcessService::~ProcessService() = default;

void ProcessService::AttachTo(RecordService& records) {
    records.AddSaveStage(SaveStageId::Types, "process stage probability",
                         [this](SaveContext& save) { ProbabilityStage(save); });
    records.AddSaveStage(SaveStageId::ValidationRules, "process stage rules",
                         [this](SaveContext& save) { RulesStage(save); });
}

Status ProcessService::Authorize(const std::string& actor) const {
    if (!authorizer_) return Status::Ok();
    return authorizer_(actor, SystemPermission::ManageWorkflows);
}

Status ProcessService::Reload() {
    std::vector<Process> loaded;
    Statement st = db_.Prepare("SELECT id, definition FROM workflow_process ORDER BY id");
    while (st.Step()) {
        json def = json::parse(st.Text(1), nullptr, false);
        Result<Process> p = ProcessFromJson(def, Process{});
        if (!p.ok()) continue;
        p->id = st.Int(0);
        loaded.push_back(std::move(*p));
    }
    if (!st.status().ok()) return st.status();
    processes_ = std::move(loaded);
    compiled_.clear();
    return Status::Ok();
}

Result<std::vector<Process>> ProcessService::List(const std::string& actor, std::string_view object) const {
    if (Status s = Authorize(actor); !s.ok()) return s.error();
    std::vector<Process> out;
    for (const Process& p : processes_)
        if (object.empty() || SameName(p.object, object)) out.push_back(p);
    return out;
}

Result<Process> ProcessService::Get(const std::string& actor, std::string_view name) const {
    if (Status s = Authorize(actor); !s.ok()) return s.error();
    for (const Process& p : processes_)
        if (SameName(p.name, name)) return p;
    return Bad("process.unknown", {{"name", std::string(name)}}, "name");
}

Result<Process> ProcessService::Check(const Process& in) const {
    Process p = in;
    if (p.name.empty() || p.name.size() > 80) return Bad("process.name_required", {}, "name");
    for (const Process& other : processes_)
        if (other.id != p.id && SameName(other.name, p.name))
            return Bad("process.name_taken", {{"name", p.name}}, "name");
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(p.object);
    if (!o.ok()) return Bad("process.unknown_object", {{"object", p.object}}, "object");
    const ObjectDef& object = **o;
    p.object = object.api_name;
    const FieldDef* field = object.Field(p.field);
    if (!field)
        return Bad("process.unknown_field", {{"object", object.api_name}, {"field", p.field}}, "field");
    p.field = field->api_name;
    if (field->type != FieldType::Picklist)
        return Bad("process.not_picklist", {{"object", object.api_name}, {"field", field->api_name}},
                   "field");
    if (!p.probability_field.empty()) {
        const FieldDef* pf = object.Field(p.probability_field);
        if (!pf)
            return Bad("process.unknown_field", {{"object", object.api_name}, {"field", p.probability_field}},
                       "probability_field");
        if (pf->type != FieldType::Number && pf->type != FieldType::Percent)
            return Bad("process.not_number", {{"object", object.api_name}, {"field", pf->api_name}},
                       "probability_field");
        p.probability_field = pf->api_name;
    }
    if (p.stages.empty()) return Bad("process.no_stages", {}, "stages");
    std::vector<std::string> values;
    for (const PicklistValue& v : field->picklist) values.push_back(v.api_name);
    for (size_t i = 0; i < p.stages.size(); ++i) {
        ProcessStage& s = p.stages[i];
        const std::string at = "stages[" + std::to_string(i) + "]";
        const PicklistValue* v = field->FindValue(s.value);
        if (!v)
            return Bad("process.unknown_value",
                       {{"value", s.value},
                        {"object", object.api_name},
                        {"field", field->api_name},
                        {"values", JoinNames(values)}},
                       at + ".value");
        s.value = v->api_name;
        for (size_t j = 0; j < i; ++j)
            if (p.stages[j].value == s.value)
                return Bad("process.duplicate_stage", {{"value", s.value}}, at + ".value");
        if (s.probability && (*s.probability < 0 || *s.probability > 100))
            return Bad("process.bad_probability", {{"stage", s.value}}, at + ".probability");
        for (size_t k = 0; k < s.required_fields.size(); ++k) {
            const std::string where = at + ".required_fields[" + std::to_string(k) + "]";
            const FieldDef* rf = object.Field(s.required_fields[k]);
            if (!rf)
                return Bad("process.unknown_field",
                           {{"object", object.api_name}, {"field", s.required_fields[k]}}, where);
            if (rf->is_read_only())
                return Bad("process.computed_required",
                           {{"object", object.api_name}, {"field", rf->api_name}}, where);
            s.required_fields[k] = rf->api_name;
        }
        if (!s.entry_condition.empty()) {
            Result<formula::CompiledFormula> c =
                workflow_detail::CompileCondition(schema_, object.api_name, s.entry_condition);
            if (!c.ok()) {
                Error e = Bad("process.bad_condition", {{"stage", s.value}, {"error", c.error().message}},
                              at + ".entry_condition");
                e.line = c.error().line;
                e.position = c.error().position;
                return e;
            }
        }
    }
    for (size_t i = 0; i < p.stages.size(); ++i) {
        ProcessStage& s = p.stages[i];
        for (size_t k = 0; k < s.next.size(); ++k) {
            const PicklistValue* v = field->FindValue(s.next[k]);
            const std::string name = v ? v->api_name : s.next[k];
            if (!p.Stage(name))
                return Bad("process.unknown_next", {{"stage", s.value}, {"next", s.next[k]}},
                           "stages[" + std::to_string(i) + "].next[" + std::to_string(k) + "]");
            s.next[k] = name;
        }
    }
    for (size_t i = 0; i < p.profiles.size(); ++i) {
        if (!access_.ProfileExists(p.profiles[i]))
            return Bad("process.unknown_profile", {{"name", p.profiles[i]}},
                       "profiles[" + std::to_string(i) + "]");
    }
    const std::vector<Team> teams = p.teams.empty() ? std::vector<Team>{} : access_.Teams();
    for (size_t i = 0; i < p.teams.size(); ++i) {
        auto it = std::find_if(teams.begin(), teams.end(),
                               [&](const Team& t) { return SameName(t.name, p.teams[i]); });
        if (it == teams.end())
            return Bad("process.unknown_team", {{"name", p.teams[i]}}, "teams[" + std::to_string(i) + "]");
        p.teams[i] = it->name;
    }
    return p;
}

Result<Process> ProcessService::Save(const std::string& actor, const Process& spec, bool create) {
    if (Status s = Authorize(actor); !s.ok()) return s.error();
    Process in = spec;
    const Process* old = nullptr;
    if (!create) {
        for (const Process& p : processes_)
            if ((in.id > 0 && p.id == in.id) || (in.id <= 0 && SameName(p.name, in.name))) old = &p;
        if (!old) return Bad("process.unknown", {{"name", in.name}}, "name");
        in.id = old->id;
    } else {
        in.id = 0;
    }
    Result<Process> checked = Check(in);
    if (!checked.ok()) return checked.error();
    Process p = std::move(*checked);
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    json def = ToJson(p);
    def.erase("id");
    if (create) {
        Statement ins =
            db_.Prepare("INSERT INTO workflow_process(name, object, definition) VALUES(?1, ?2, ?3)");
        ins.Bind(1, p.name).Bind(2, p.object).Bind(3, def.dump());
        if (Status s = ins.Run(); !s.ok()) return s.error();
        p.id = db_.LastInsertRowId();
    } else {
        Statement up =
            db_.Prepare("UPDATE workflow_process SET name = ?2, object = ?3, definition = ?4 WHERE id = ?1");
        up.Bind(1, p.id).Bind(2, p.name).Bind(3, p.object).Bind(4, def.dump());
        if (Status s = up.Run(); !s.ok()) return s.error();
    }
    if (Status s = change.Audit("processes", create ? "create" : "update", "process." + p.name,
                                old ? ToJson(*old) : json(nullptr), ToJson(p));
        !s.ok())
        return s.error();
    change.Record("processes", p.object, ChangeAction::Config);
    if (Status s = change.Commit([this] { (void)Reload(); }); !s.ok()) return s.error();
    return p;
}

Result<Process> ProcessService::Create(const std::string& actor, const Process& process) {
    return Save(actor, process, true);
}

Result<Process> ProcessService::Update(const std::string& actor, const Process& process) {
    return Save(actor, process, false);
}

Status ProcessService::Delete(const std::string& actor, std::string_view name) {
    if (Status s = Authorize(actor); !s.ok()) return s;
    const Process* old = nullptr;
    for (const Process& p : processes_)
        if (SameName(p.name, name)) old = &p;
    if (!old) return Bad("process.unknown", {{"name", std::string(name)}}, "name");
    const Process gone = *old;
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    Statement del = db_.Prepare("DELETE FROM workflow_process WHERE id = ?1");
    del.Bind(1, gone.id);
    if (Status s = del.Run(); !s.ok()) return s;
    if (Status s = change.Audit("processes", "delete", "process." + gone.name, ToJson(gone), nullptr);
        !s.ok())
        return s;
    change.Record("processes", gone.object, ChangeAction::Config);
    return change.Commit([this] { (void)Reload(); });
}

const Process* ProcessService::ProcessFor(const std::string& username, std::string_view object) const {
    if (IsSystemActor(username)) return nullptr;
    const Process* everyone = nullptr;
    bool named_any = false;
    for (const Process& p : processes_) {
        if (!p.active || !SameName(p.object, object)) continue;
        if (p.profiles.empty() && p.teams.empty()) {
            if (!everyone) everyone = &p;
        } else {
            named_any = true;
        }
    }
    if (!named_any) return everyone;
    Result<User> user = access_.GetUser(username);
    if (user.ok()) {
        for (const Process& p : processes_) {
            if (!p.active || !SameName(p.object, object)) continue;
            bool follows = std::any_of(p.profiles.begin(), p.profiles.end(),
                                       [&](const std::string& n) { return SameName(n, user->profile); });
            for (const std::string& t : p.teams)
                follows = follows || std::any_of(user->teams.begin(), user->teams.end(),
                                                 [&](const std::string& n) { return SameName(n, t); });
            if (follows) return &p;
        }
    }
    return everyone;
}

std::vector<std::string> ProcessService::ProcessesUsing(std::string_view object,
                                                        std::string_view field) const {
    std::vector<std::string> out;
    for (const Process& p : processes_) {
        bool uses = SameName(p.object, object) &&
                    (SameName(p.field, field) ||
                     (!p.probability_field.empty() && SameName(p.probability_field, field)));
        Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(p.object);
        for (const ProcessStage& s : p.stages) {
            if (uses) break;
            for (const std::string& r : s.required_fields)
                uses = uses || (SameName(p.object, object) && SameName(r, field));
            if (!uses && !s.entry_condition.empty() && o.ok()) {
                Result<formula::CompiledFormula> c =
                    workflow_detail::CompileCondition(schema_, p.object, s.entry_condition);
                if (c.ok())
                    for (const auto& [obj, fld] : workflow_detail::FieldsRead(schema_, **o, *c))
                        uses = uses || (SameName(obj, object) && SameName(fld, field));
            }
        }
        if (uses) out.push_back("process " + p.name);
    }
    return out;
}

std::vector<std::string> ProcessService::ProcessesUsingValue(std::string_view object, std::string_view field,
                                                             std::string_view value) const {
    std::vector<std::string> out;
    const std::string quoted = "\"" + std::string(value) + "\"";
    for (const Process& p : processes_) {
        std::string why;
        for (const ProcessStage& s : p.stages) {
            if (!why.empty()) break;
            if (SameName(p.object, object) && SameName(p.field, field) && s.value == value) why = " (stage)";
            if (why.empty() && s.entry_condition.find(quoted) != std::string::npos &&
                schema_.FormulaReadsField(p.object, s.entry_condition, true, object, field))
                why = " (entry condition of stage " + s.value + ")";
        }
        if (!why.empty()) out.push_back("process " + p.name + why);
    }
    return out;
}

std::shared_ptr<const ProcessService::Compiled> ProcessService::CompiledFor(const Process& p) const {
    if (compiled_schema_version_ != schema_.version()) {
        compiled_.clear();
        compiled_schema_version_ = schema_.version();
    }
    auto it = compiled_.find(p.id);
    if (it != compiled_.end()) return it->second;
    auto c = std::make_shared<Compiled>();
    for (const ProcessStage& s : p.stages) {
        c->errors.emplace_back();
        if (s.entry_condition.empty()) {
            c->conditions.emplace_back();
            continue;
        }
        Result<formula::CompiledFormula> f =
            workflow_detail::CompileCondition(schema_, p.object, s.entry_condition);
        if (f.ok()) {
            c->uses_globals = c->uses_globals || f->uses_globals();
            c->conditions.emplace_back(std::move(*f));
        } else {
            c->errors.back() = f.error();
            c->conditions.emplace_back();
        }
    }
    compiled_[p.id] = c;
    return c;
}

namespace {

/// The errors of a move of `object`'s record to stage `to` (from `from`, "" for none), as a save gives
/// them. `before` is null for a new record.
struct MoveCheck {
    const Process& process;
    const std::vector<std::optional<formula::CompiledFormula>>& conditions;
    const std::vector<Error>& condition_errors;
    Database& db;
    const SchemaService& schema;
    const ObjectDef& object;
    int64_t now_ms;
    const formula::Globals* globals;

    std::vector<Error> Run(const std::vector<Value>& after, const std::vector<Value>* before, bool is_new,
                           const std::string& from, const std::string& to) const {
        std::vector<Error> errors;
        const ProcessStage* stage = process.Stage(to);
        if (!stage) {
            std::vector<std::string> stages;
            for (const ProcessStage& s : process.stages) stages.push_back(s.value);
            errors.push_back(Bad("process.not_a_stage",
                                 {{"value", to},
                                  {"process", process.name},
                                  {"object", object.api_name},
                                  {"field", process.field},
                                  {"stages", JoinNames(stages)}},
                                 process.field));
            return errors;
        }
        if (!from.empty() && from != to) {
            if (const ProcessStage* f = process.Stage(from);
                f && !f->next.empty() && std::find(f->next.begin(), f->next.end(), to) == f->next.end())
                errors.push_back(Bad(
                    "process.transition",
                    {{"process", process.name}, {"from", from}, {"to", to}, {"allowed", JoinNames(f->next)}},
                    process.field));
        }
        for (const std::string& name : stage->required_fields) {
            const FieldDef* f = object.Field(name);
            if (!f) continue;
            const size_t i = static_cast<size_t>(f - object.fields.data());
            if (i < after.size() && after[i].is_blank())
                errors.push_back(Bad(
                    "process.required_field",
                    {{"stage", to}, {"process", process.name}, {"label", f->label}, {"field", f->api_name}},
                    f->api_name));
        }
        const size_t index = static_cast<size_t>(stage - process.stages.data());
        if (!stage->entry_condition.empty()) {
            if (!conditions[index]) {
                errors.push_back(Bad(
                    "process.condition_failed",
                    {{"stage", to}, {"process", process.name}, {"error", condition_errors[index].message}},
                    process.field));
            } else {
                workflow_detail::ValuesView view(db, schema, object, after, before, is_new);
                Result<bool> ok = workflow_detail::EvalCondition(*conditions[index], view, now_ms, globals);
                if (!ok.ok())
                    errors.push_back(
                        Bad("process.condition_failed",
                            {{"stage", to}, {"process", process.name}, {"error", ok.error().message}},
                            process.field));
                else if (!*ok)
                    errors.push_back(
                        Bad("process.entry_condition",
                            {{"stage", to}, {"process", process.name}, {"condition", stage->entry_condition}},
                            process.field));
            }
        }
        return errors;
    }
};

}  // namespace

void ProcessService::ProbabilityStage(SaveContext& save) {
    const Process* p = ProcessFor(save.actor, save.object.api_name);
    if (!p || p->probability_field.empty()) return;
    const int fi = save.FieldIndex(p->field);
    const int pi = save.FieldIndex(p->probability_field);
    if (fi < 0 || pi < 0 || !save.Changed(fi) || save.After(fi).is_blank()) return;
    for (const auto& [index, value] : save.requested)
        if (index == pi) return;  // the request sets its own figure
    const ProcessStage* stage = p->Stage(save.After(fi).text());
    if (!stage || !stage->probability) return;
    if (Status s = save.Set(p->probability_field, *stage->probability); !s.ok()) save.Fail(s.error());
}

void ProcessService::RulesStage(SaveContext& save) {
    const Process* p = ProcessFor(save.actor, save.object.api_name);
    if (!p) return;
    const int fi = save.FieldIndex(p->field);
    if (fi < 0 || !save.Changed(fi) || save.After(fi).is_blank()) return;
    std::shared_ptr<const Compiled> c = CompiledFor(*p);
    const formula::Globals globals = c->uses_globals ? records_.GlobalsFor(save.actor) : formula::Globals{};
    const Value before = save.Before(fi);
    MoveCheck check{*p, c->conditions, c->errors, db_, schema_, save.object, save.now_ms, &globals};
    for (Error& e : check.Run(save.after, save.before, save.is_new,
                              save.is_new || before.is_blank() ? "" : before.text(), save.After(fi).text()))
        save.Fail(std::move(e));
}

Result<ProcessSimulation> ProcessService::Simulate(const std::string& actor, const Process& spec,
                                                   const std::vector<int64_t>& ids, const std::string& filter,
                                                   const std::string& to_stage, int limit) {
    if (Status s = Authorize(actor); !s.ok()) return s.error();
    Result<Process> checked = Check(spec);
    if (!checked.ok()) return checked.error();
    const Process& p = *checked;
    if (!to_stage.empty() && !p.Stage(to_stage))
        return Bad("process.unknown_stage", {{"value", to_stage}, {"process", p.name}}, "to_stage");
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(p.object);
    if (!o.ok()) return o.error();
    const ObjectDef& object = **o;
    Result<std::vector<int64_t>> chosen =
        workflow_detail::RecordsToSimulate(records_, actor, object.api_name, ids, filter, std::max(1, limit));
    if (!chosen.ok()) return chosen.error();
    Compiled c;
    for (const ProcessStage& s : p.stages) {
        c.errors.emplace_back();
        c.conditions.emplace_back();
        if (s.entry_condition.empty()) continue;
        Result<formula::CompiledFormula> f =
            workflow_detail::CompileCondition(schema_, p.object, s.entry_condition);
        if (f.ok()) c.conditions.back() = *f;
    }
    const formula::Globals globals = records_.GlobalsFor(actor);
    MoveCheck check{p, c.conditions, c.errors, db_, schema_, object, changes_.clock().NowMs(), &globals};
    const FieldDef* field = object.Field(p.field);
    const size_t fi = static_cast<size_t>(field - object.fields.data());
    ProcessSimulation out;
    for (int64_t id : *chosen) {
        std::optional<workflow_detail::StoredRecord> r = workflow_detail::LoadRecord(db_, object, id);
        if (!r) continue;
        ++out.records;
        const Value& current = r->values[fi];
        std::vector<Error> errors;
        std::string stage;
        if (to_stage.empty()) {
            if (current.is_blank()) continue;
            stage = current.text();
            errors = check.Run(r->values, &r->values, false, "", stage);
        } else {
            stage = to_stage;
            std::vector<Value> after = r->values;
            after[fi] = Value::Picklist(to_stage);
            errors = check.Run(after, &r->values, false, current.is_blank() ? "" : current.text(), to_stage);
        }
        if (!errors.empty()) ++out.breaking;
        for (Error& e : errors) out.violations.push_back({id, r->name, stage, std::move(e)});
    }
    return out;
}

}  // namespace crm
