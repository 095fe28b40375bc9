// ERP connectors: configuration, its checks and storage (core/integration/connector.h). The runs are in
// connector_sync.cpp.
#include <algorithm>
#include <map>
#include <set>

#include "access/access.h"
#include "attached_service.h"
#include "audit/change.h"
#include "common/clock.h"
#include "common/text.h"
#include "formula/decimal.h"
#include "formula/formula.h"
#include "integration/connector_internal.h"
#include "schema/schema.h"
#include "workflow/automation.h"
#include "workflow/outbox.h"
#include "workflow/scheduler.h"

namespace crm {

using nlohmann::json;
using namespace connector_detail;

namespace {

const MessageDef kConnectorMessages[] = {
    {"connectors.not_found", "There is no ERP connector {id}.", "不存在 ERP 连接器 {id}。"},
    {"connectors.bad_name", "Give the connector a name of 1 to 80 characters.",
     "请为连接器填写 1 到 80 个字符的名称。"},
    {"connectors.duplicate_name", "An ERP connector named \"{name}\" already exists.",
     "已存在名为“{name}”的 ERP 连接器。"},
    {"connectors.bad_url", "\"{url}\" is not an http or https base URL with a host.",
     "“{url}”不是带主机名的 http 或 https 基础地址。"},
    {"connectors.bad_auth",
     "Authentication is \"none\", \"api_key\" (with a header name) or \"basic\" (with a user name).",
     "认证方式须为“none”、“api_key”（需填写请求头名称）或“basic”（需填写用户名）。"},
    {"connectors.no_secret", "This authentication needs a key or password.", "此认证方式需要密钥或密码。"},
    {"connectors.bad_value", "\"{key}\" has the wrong type or value (expected {expected}).",
     "“{key}”的类型或取值不正确（应为 {expected}）。"},
    {"connectors.unknown_key", "\"{key}\" is not a setting of an ERP connector.",
     "“{key}”不是 ERP 连接器的设置项。"},
    {"connectors.bad_field", "{object} has no field \"{field}\".", "{object} 没有字段“{field}”。"},
    {"connectors.duplicate_entity", "Two entities are named \"{name}\".", "有两个实体都名为“{name}”。"},
    {"connectors.bad_transform", "The transform does not compile: {error}", "转换公式无法编译：{error}"},
    {"connectors.inactive_user", "The run-as user \"{user}\" is inactive.", "运行身份用户“{user}”已停用。"},
};
CRM_REGISTER_MESSAGES(kConnectorMessages);

constexpr int kMinScheduleMinutes = 5;
constexpr int kMaxScheduleMinutes = 7 * 24 * 60;

const std::set<std::string> kDirections = {"in", "out", "both"};
const std::set<std::string> kPolicies = {"crm_wins", "erp_wins", "newest_wins", "hold"};

constexpr const char* kColumns =
    "id, name, base_url, auth, auth_header, auth_user, secret, run_as, active, page_size, entities, "
    "created_ms, created_by, updated_ms, updated_by, schedule_minutes";

/// VALUE, the value a transform reads (the ERP's on the way in, the CRM's on the way out).
formula::FieldInfo ValueVar(formula::ValueType type) {
    formula::FieldInfo f;
    f.name = "VALUE";
    f.type = type;
    return f;
}

std::string Trimmed(const std::string& s) {
    const size_t first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

Stored FromRow(const Statement& st) {
    Stored s;
    Connector& c = s.c;
    c.id = st.Int(0);
    c.name = st.Text(1);
    c.base_url = st.Text(2);
    c.auth = st.Text(3);
    c.auth_header = st.Text(4);
    c.auth_user = st.Text(5);
    s.secret = st.Text(6);
    c.secret_set = !s.secret.empty();
    c.run_as = st.Text(7);
    c.active = st.Int(8) != 0;
    c.page_size = static_cast<int>(st.Int(9));
    const json entities = json::parse(st.Text(10), nullptr, false);
    if (entities.is_array()) {
        for (const json& j : entities) {
            c.entities.push_back(EntityFromJson(j));
        }
    }
    c.created_ms = st.Int(11);
    c.created_by = st.Text(12);
    c.updated_ms = st.Int(13);
    c.updated_by = st.Text(14);
    c.schedule_minutes = static_cast<int>(st.Int(15));
    return s;
}

Error Bad(const std::string& key, const char* expected) {
    return MessageError("invalid_argument", "connectors.bad_value", {{"key", key}, {"expected", expected}},
                        key);
}

/// Reads a text member of an entity or a field (absent = keep `into`).
Status TextOf(const json& j, const char* key, const std::string& where, std::string& into) {
    if (!j.contains(key)) return Status::Ok();
    if (!j[key].is_string()) return Bad(where + "." + key, "text");
    into = Trimmed(j[key].get<std::string>());
    return Status::Ok();
}

/// The active field `name` of `o` with a column, or nullptr.
const FieldDef* ColumnField(const ObjectDef& o, const std::string& name) {
    for (const FieldDef& f : o.fields)
        if (f.state == FieldState::Active && f.has_column() && ToLowerAscii(f.api_name) == ToLowerAscii(name))
            return &f;
    return nullptr;
}

/// Makes and drops the external-id indexes so that they match the stored connectors (in the open change).
Status KeepExternalIdIndexes(Workspace& ws) {
    Result<connector_detail::IndexPlan> plan = connector_detail::PlanExternalIdIndexes(ws);
    if (!plan.ok()) return plan.error();
    return connector_detail::ApplyIndexPlan(ws.changes().db(), *plan);
}

/// Parses and checks one entity against the schema; errors name "entities[i].key".
Result<ConnectorEntity> ParseEntity(Workspace& ws, const json& j, const std::string& where) {
    static const std::set<std::string> kKeys = {"name",   "path",        "object",      "external_id_field",
                                                "erp_id", "erp_updated", "direction",   "conflict",
                                                "fields", "pull_cursor", "push_cursor", "batch_size"};
    if (!j.is_object()) return Bad(where, "an object");
    for (auto it = j.begin(); it != j.end(); ++it)
        if (!kKeys.count(it.key()))
            return MessageError("invalid_argument", "connectors.unknown_key", {{"key", it.key()}},
                                where + "." + it.key());
    ConnectorEntity e;
    for (const char* key :
         {"name", "path", "object", "external_id_field", "erp_id", "erp_updated", "direction", "conflict"}) {
        std::string* into = nullptr;
        const std::string k = key;
        if (k == "name") into = &e.name;
        if (k == "path") into = &e.path;
        if (k == "object") into = &e.object;
        if (k == "external_id_field") into = &e.external_id_field;
        if (k == "erp_id") into = &e.erp_id;
        if (k == "erp_updated") into = &e.erp_updated;
        if (k == "direction") into = &e.direction;
        if (k == "conflict") into = &e.conflict;
        CRM_TRY(TextOf(j, key, where, *into));
    }
    if (e.name.empty() || e.name.size() > 80) return Bad(where + ".name", "a name of 1 to 80 characters");
    if (e.path.empty() || e.path.find_first_of("?# ") != std::string::npos)
        return Bad(where + ".path", "a path without ?, # or spaces");
    while (!e.path.empty() && e.path.front() == '/') e.path.erase(0, 1);
    if (e.erp_id.empty()) return Bad(where + ".erp_id", "a field name");
    if (e.erp_updated.empty()) return Bad(where + ".erp_updated", "a field name");
    if (!kDirections.count(e.direction)) return Bad(where + ".direction", "in, out or both");
    if (!kPolicies.count(e.conflict))
        return Bad(where + ".conflict", "crm_wins, erp_wins, newest_wins or hold");
    if (j.contains("batch_size")) {
        const json& b = j["batch_size"];
        if (!b.is_number_integer() || b.get<int64_t>() < 1 || b.get<int64_t>() > 1000)
            return Bad(where + ".batch_size", "a whole number from 1 to 1000");
        e.batch_size = b.get<int>();
    }
    Result<std::shared_ptr<const ObjectDef>> object = ws.schema().Object(e.object);
    if (!object.ok()) return Error(object.error().code, object.error().message, where + ".object");
    const ObjectDef& o = **object;
    e.object = o.api_name;
    const FieldDef* ext = ColumnField(o, e.external_id_field);
    if (!ext)
        return MessageError("invalid_argument", "connectors.bad_field",
                            {{"object", o.api_name}, {"field", e.external_id_field}},
                            where + ".external_id_field");
    e.external_id_field = ext->api_name;
    if (j.contains("fields")) {
        if (!j["fields"].is_array()) return Bad(where + ".fields", "a list of {erp, crm, transform}");
        for (size_t i = 0; i < j["fields"].size(); ++i) {
            const json& f = j["fields"][i];
            const std::string at = where + ".fields[" + std::to_string(i) + "]";
            if (!f.is_object()) return Bad(at, "{erp, crm, transform}");
            ConnectorField field;
            CRM_TRY(TextOf(f, "erp", at, field.erp));
            CRM_TRY(TextOf(f, "crm", at, field.crm));
            CRM_TRY(TextOf(f, "transform", at, field.transform));
            CRM_TRY(TextOf(f, "transform_out", at, field.transform_out));
            if (field.erp.empty()) return Bad(at + ".erp", "an ERP field name");
            const FieldDef* crm = ColumnField(o, field.crm);
            if (!crm)
                return MessageError("invalid_argument", "connectors.bad_field",
                                    {{"object", o.api_name}, {"field", field.crm}}, at + ".crm");
            field.crm = crm->api_name;
            if (!field.transform.empty()) {
                // VALUE takes the ERP value's type: the transform must compile for one of them.
                std::string first_error;
                bool compiles = false;
                for (formula::ValueType t :
                     {formula::ValueType::Text, formula::ValueType::Number, formula::ValueType::Boolean}) {
                    formula::FieldList vars;
                    vars.Add(ValueVar(t));
                    Result<formula::CompiledFormula> c = formula::Compile(field.transform, vars);
                    if (c.ok())
                        compiles = true;
                    else if (first_error.empty())
                        first_error = c.error().message;
                }
                if (!compiles)
                    return MessageError("invalid_argument", "connectors.bad_transform",
                                        {{"error", first_error}}, at + ".transform");
            }
            if (!field.transform_out.empty()) {
                // VALUE is the CRM field's value, of its type.
                formula::FieldList vars;
                vars.Add(ValueVar(FormulaTypeOf(crm->type)));
                Result<formula::CompiledFormula> c = formula::Compile(field.transform_out, vars);
                if (!c.ok())
                    return MessageError("invalid_argument", "connectors.bad_transform",
                                        {{"error", c.error().message}}, at + ".transform_out");
            }
            e.fields.push_back(std::move(field));
        }
    }
    return e;
}

}  // namespace

// [SECTION] Shared with the runs

namespace connector_detail {

Result<Stored> Find(Database& db, int64_t id) {
    Statement st = db.Prepare(std::string("SELECT ") + kColumns + " FROM erp_connector WHERE id = ?1");
    st.Bind(1, id);
    if (!st.Step()) {
        if (!st.status().ok()) return st.status().error();
        return MessageError("connectors.not_found", "connectors.not_found", {{"id", std::to_string(id)}},
                            "id");
    }
    Stored s = FromRow(st);
    Statement next = db.Prepare(
        "SELECT due_ms FROM scheduler_items WHERE kind = ?1 AND rule_id = ?2 AND rule_id >= 0 AND "
        "state = 'pending' "
        "ORDER BY due_ms LIMIT 1");
    next.Bind(1, kConnectorRunKind).Bind(2, id);
    if (next.Step()) s.c.next_run_ms = next.Int(0);
    Statement cur = db.Prepare(
        "SELECT entity, pull_cursor, push_cursor_ms FROM erp_connector_cursor "
        "WHERE connector_id = ?1");
    cur.Bind(1, id);
    while (cur.Step())
        for (ConnectorEntity& e : s.c.entities)
            if (e.name == cur.Text(0)) {
                e.pull_cursor = cur.Text(1);
                e.push_cursor_ms = cur.Int(2);
            }
    return s;
}

std::optional<int64_t> ErpTimeMs(const json& value) {
    if (value.is_number_integer()) return value.get<int64_t>();
    if (value.is_number()) return static_cast<int64_t>(value.get<double>());
    if (value.is_string()) return ParseUtcIso8601(value.get<std::string>());
    return std::nullopt;
}

std::string ErpId(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
    if (value.is_null()) return {};
    return value.dump();
}

namespace {

/// Compiles `transform` over VALUE of `type` and evaluates it with VALUE = `v`; the result as JSON.
Result<json> Evaluate(const std::string& transform, formula::ValueType type, const formula::Value& v,
                      int64_t now_ms) {
    formula::FieldList vars;
    vars.Add(ValueVar(type));
    Result<formula::CompiledFormula> compiled = formula::Compile(transform, vars);
    if (!compiled.ok()) return compiled.error();
    formula::MemoryRecord record;
    record.Set("VALUE", v);
    Result<formula::Value> out = formula::Evaluate(*compiled, formula::EvalContext::At(&record, now_ms));
    if (!out.ok()) return out.error();
    return FormulaValueToJson(*out);
}

}  // namespace

Result<json> TransformOut(const std::string& transform, const FieldDef& field, const json& value,
                          int64_t now_ms) {
    Result<formula::Value> v = ValueFromJson(field, value);
    if (!v.ok()) return v.error();
    return Evaluate(transform, FormulaTypeOf(field.type), *v, now_ms);
}

Result<json> Transform(const std::string& transform, const json& value, int64_t now_ms) {
    using formula::Value;
    using formula::ValueType;
    Value v = Value::Blank(ValueType::Text);
    ValueType type = ValueType::Text;
    if (value.is_boolean()) {
        type = ValueType::Boolean;
        v = Value::Boolean(value.get<bool>());
    } else if (value.is_number()) {
        type = ValueType::Number;
        std::optional<formula::Decimal> d = formula::Decimal::Parse(value.dump());
        v = d ? Value::Number(*d) : Value::Number(value.get<double>());
    } else if (value.is_string()) {
        v = Value::Text(value.get<std::string>());
    }
    return Evaluate(transform, type, v, now_ms);
}

std::string ExternalIdIndexName(const ObjectDef& o, const FieldDef& f) {
    return "erp_ext_" + o.table + "_" + f.column;
}

std::string ExternalIdLookupSql(const ObjectDef& o, const FieldDef& f) {
    return "SELECT id, updated_at FROM " + QuoteIdent(o.table) + " WHERE " + QuoteIdent(f.column) +
           " = ?1 ORDER BY id LIMIT 1";
}

Result<IndexPlan> PlanExternalIdIndexes(Workspace& ws) {
    Database& db = ws.changes().db();
    // Wanted: each entity's (object, field) with a column, by the index's name.
    std::map<std::string, std::string> wanted;  // name -> CREATE INDEX
    Statement st = db.Prepare("SELECT entities FROM erp_connector ORDER BY id");
    while (st.Step()) {
        const json entities = json::parse(st.Text(0), nullptr, false);
        if (!entities.is_array()) continue;
        for (const json& e : entities) {
            if (!e.is_object()) continue;
            Result<std::shared_ptr<const ObjectDef>> o = ws.schema().Object(e.value("object", ""));
            if (!o.ok()) continue;
            const FieldDef* f = ColumnField(**o, e.value("external_id_field", ""));
            if (!f) continue;
            // An index starting with the column (the schema's, for a unique or indexed field) serves.
            Statement lead = db.Prepare(
                "SELECT 1 FROM pragma_index_list(?1) AS l, pragma_index_info(l.name) AS i WHERE i.seqno = 0 "
                "AND i.name = ?2 AND l.name <> ?3");
            lead.Bind(1, (*o)->table).Bind(2, f->column).Bind(3, ExternalIdIndexName(**o, *f));
            if (lead.Step()) continue;
            if (!lead.status().ok()) return lead.status().error();
            wanted[ExternalIdIndexName(**o, *f)] =
                "CREATE INDEX IF NOT EXISTS " + QuoteIdent(ExternalIdIndexName(**o, *f)) + " ON " +
                QuoteIdent((*o)->table) + "(" + QuoteIdent(f->column) + ")";
        }
    }
    if (!st.status().ok()) return st.status().error();
    IndexPlan plan;
    std::set<std::string> present;
    Statement ours = db.Prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'erp\\_ext\\_%' ESCAPE '\\' "
        "ORDER BY name");
    while (ours.Step()) {
        present.insert(ours.Text(0));
        if (!wanted.count(ours.Text(0))) plan.drop.push_back(ours.Text(0));
    }
    if (!ours.status().ok()) return ours.status().error();
    for (const auto& [name, sql] : wanted)
        if (!present.count(name)) plan.create.push_back(sql);
    return plan;
}

Status ApplyIndexPlan(Database& db, const IndexPlan& plan) {
    // SQLite drops no index while a statement is part way through its rows (a cached one, done with).
    if (!plan.drop.empty()) db.ResetUnfinishedStatements();
    for (const std::string& name : plan.drop) CRM_TRY(db.Exec("DROP INDEX IF EXISTS " + QuoteIdent(name)));
    for (const std::string& sql : plan.create) CRM_TRY(db.Exec(sql));
    return Status::Ok();
}

}  // namespace connector_detail

// [SECTION] JSON

json EntityToJson(const ConnectorEntity& e, bool with_cursor) {
    json fields = json::array();
    for (const ConnectorField& f : e.fields) {
        json field = {{"erp", f.erp}, {"crm", f.crm}};
        if (!f.transform.empty()) field["transform"] = f.transform;
        if (!f.transform_out.empty()) field["transform_out"] = f.transform_out;
        fields.push_back(field);
    }
    json out = {{"name", e.name},
                {"path", e.path},
                {"object", e.object},
                {"external_id_field", e.external_id_field},
                {"erp_id", e.erp_id},
                {"erp_updated", e.erp_updated},
                {"direction", e.direction},
                {"conflict", e.conflict},
                {"batch_size", e.batch_size},
                {"fields", fields}};
    if (with_cursor) {
        out["pull_cursor"] = e.pull_cursor;
        out["push_cursor"] = e.push_cursor_ms ? json(FormatUtcIso8601(e.push_cursor_ms)) : json(nullptr);
    }
    return out;
}

ConnectorEntity EntityFromJson(const json& j) {
    ConnectorEntity e;
    if (!j.is_object()) return e;
    e.name = j.value("name", "");
    e.path = j.value("path", "");
    e.object = j.value("object", "");
    e.external_id_field = j.value("external_id_field", "");
    e.erp_id = j.value("erp_id", "id");
    e.erp_updated = j.value("erp_updated", "updated_at");
    e.direction = j.value("direction", "in");
    e.conflict = j.value("conflict", "erp_wins");
    if (j.contains("batch_size") && j["batch_size"].is_number_integer()) e.batch_size = j["batch_size"].get<int>();
    if (j.contains("fields") && j["fields"].is_array())
        for (const json& f : j["fields"])
            if (f.is_object())
                e.fields.push_back(
                    {f.value("erp", ""), f.value("crm", ""), f.value("transform", ""), f.value("transform_out", "")});
    return e;
}

json ToJson(const Connector& c) {
    json entities = json::array();
    for (const ConnectorEntity& e : c.entities) entities.push_back(EntityToJson(e, true));
    return {{"id", c.id},
            {"name", c.name},
            {"base_url", c.base_url},
            {"auth", c.auth},
            {"auth_header", c.auth_header},
            {"auth_user", c.auth_user},
            {"secret_set", c.secret_set},
            {"run_as", c.run_as},
            {"active", c.active},
            {"page_size", c.page_size},
            {"schedule_minutes", c.schedule_minutes},
            {"next_run", c.next_run_ms ? json(FormatUtcIso8601(c.next_run_ms)) : json(nullptr)},
            {"entities", entities},
            {"created", c.created_ms},
            {"created_by", c.created_by},
            {"updated", c.updated_ms},
            {"updated_by", c.updated_by}};
}

json ToJson(const SyncRun& r) {
    return {{"id", r.id},
            {"connector_id", r.connector_id},
            {"state", r.state},
            {"error", r.error},
            {"started", r.started_ms},
            {"finished", r.finished_ms},
            {"pages", r.pages},
            {"pulled", r.pulled},
            {"created", r.created},
            {"updated", r.updated},
            {"unchanged", r.unchanged},
            {"pushed", r.pushed},
            {"conflicts", r.conflicts},
            {"held", r.held},
            {"failed", r.failed},
            {"push_requests", r.push_requests}};
}

json ToJson(const SyncError& e) {
    return {{"id", e.id},
            {"run_id", e.run_id},
            {"entity", e.entity},
            {"direction", e.direction},
            {"external_id", e.external_id},
            {"record_id", e.record_id},
            {"code", e.code},
            {"message", e.message},
            {"state", e.state},
            {"at", e.at_ms}};
}

// [SECTION] Service: configuration

ConnectorService& ConnectorsOf(Workspace& ws) {
    return AttachedService<ConnectorService>(ws, [&ws] {
        auto service = std::make_shared<ConnectorService>(ws);
        service->SetAuthorizer(AccessAuthorizer(ws));
        service->AttachScheduler(ws.automation().scheduler());
        return service;
    });
}

Status ConnectorService::Require(const std::string& actor) const {
    return authorizer_ ? authorizer_(actor, SystemPermission::ManageIntegrations) : Status::Ok();
}

Result<std::vector<Connector>> ConnectorService::List(const std::string& actor) {
    CRM_TRY(Require(actor));
    Database& db = impl_->ws.changes().db();
    Statement st = db.Prepare("SELECT id FROM erp_connector ORDER BY name COLLATE NOCASE, id");
    std::vector<int64_t> ids;
    while (st.Step()) ids.push_back(st.Int(0));
    if (!st.status().ok()) return st.status().error();
    std::vector<Connector> out;
    for (int64_t id : ids) {
        Result<Stored> s = Find(db, id);
        if (!s.ok()) return s.error();
        out.push_back(s->c);
    }
    return out;
}

Result<Connector> ConnectorService::Get(const std::string& actor, int64_t id) {
    CRM_TRY(Require(actor));
    Result<Stored> s = Find(impl_->ws.changes().db(), id);
    if (!s.ok()) return s.error();
    return s->c;
}

Result<Connector> ConnectorService::Save(const std::string& actor, int64_t id, const json& values) {
    CRM_TRY(Require(actor));
    if (!values.is_object()) return Bad("values", "an object");
    Workspace& ws = impl_->ws;
    Database& db = impl_->ws.changes().db();
    Stored s;
    const bool create = id == 0;
    if (!create) {
        Result<Stored> found = Find(db, id);
        if (!found.ok()) return found.error();
        s = *found;
    } else {
        s.c.run_as = IsSystemActor(actor) ? ws.access().WorkspaceOwner() : actor;
    }
    const Connector before = s.c;
    static const std::set<std::string> kKeys = {
        "name",   "base_url", "auth",      "auth_header", "auth_user",       "secret",
        "run_as", "active",   "page_size", "entities",    "schedule_minutes"};
    for (auto it = values.begin(); it != values.end(); ++it) {
        const std::string& key = it.key();
        const json& v = it.value();
        if (!kKeys.count(key))
            return MessageError("invalid_argument", "connectors.unknown_key", {{"key", key}}, key);
        if (key == "active") {
            if (!v.is_boolean()) return Bad(key, "true or false");
            s.c.active = v.get<bool>();
        } else if (key == "page_size") {
            if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 1000)
                return Bad(key, "a whole number from 1 to 1000");
            s.c.page_size = v.get<int>();
        } else if (key == "schedule_minutes") {
            if (!v.is_number_integer() || (v.get<int64_t>() != 0 && (v.get<int64_t>() < kMinScheduleMinutes ||
                                                                     v.get<int64_t>() > kMaxScheduleMinutes)))
                return Bad(key, "0 (by hand) or 5 to 10080 minutes");
            s.c.schedule_minutes = v.get<int>();
        } else if (key == "entities") {
            if (!v.is_array()) return Bad(key, "a list of entities");
            std::vector<ConnectorEntity> entities;
            std::set<std::string> names;
            for (size_t i = 0; i < v.size(); ++i) {
                Result<ConnectorEntity> e = ParseEntity(ws, v[i], "entities[" + std::to_string(i) + "]");
                if (!e.ok()) return e.error();
                if (!names.insert(ToLowerAscii(e->name)).second)
                    return MessageError("invalid_argument", "connectors.duplicate_entity",
                                        {{"name", e->name}}, "entities[" + std::to_string(i) + "].name");
                entities.push_back(std::move(*e));
            }
            s.c.entities = std::move(entities);
        } else {
            if (!v.is_string()) return Bad(key, "text");
            const std::string text = v.get<std::string>();
            if (key == "name") s.c.name = Trimmed(text);
            if (key == "base_url") s.c.base_url = Trimmed(text);
            if (key == "auth") s.c.auth = text;
            if (key == "auth_header") s.c.auth_header = Trimmed(text);
            if (key == "auth_user") s.c.auth_user = text;
            if (key == "run_as") s.c.run_as = text;
            if (key == "secret") s.secret = text;
        }
    }
    // Checks, in the order a form shows them.
    if (s.c.name.empty() || s.c.name.size() > 80)
        return MessageError("invalid_argument", "connectors.bad_name", {}, "name");
    {
        Statement dup = db.Prepare("SELECT 1 FROM erp_connector WHERE name = ?1 COLLATE NOCASE AND id <> ?2");
        dup.Bind(1, s.c.name).Bind(2, id);
        if (dup.Step())
            return MessageError("invalid_argument", "connectors.duplicate_name", {{"name", s.c.name}},
                                "name");
    }
    while (!s.c.base_url.empty() && s.c.base_url.back() == '/') s.c.base_url.pop_back();
    if (!IsWebhookUrl(s.c.base_url))
        return MessageError("invalid_argument", "connectors.bad_url", {{"url", s.c.base_url}}, "base_url");
    if ((s.c.auth != "none" && s.c.auth != "api_key" && s.c.auth != "basic") ||
        (s.c.auth == "api_key" && s.c.auth_header.empty()) || (s.c.auth == "basic" && s.c.auth_user.empty()))
        return MessageError("invalid_argument", "connectors.bad_auth", {}, "auth");
    if (s.c.auth == "none") s.secret.clear();
    if (s.c.auth != "none" && s.secret.empty())
        return MessageError("invalid_argument", "connectors.no_secret", {}, "secret");
    if (s.secret.size() > 4096) return Bad("secret", "at most 4096 characters");
    Result<User> user = ws.access().GetUser(s.c.run_as);
    if (!user.ok()) return Error(user.error().code, user.error().message, "run_as");
    if (!user->active)
        return MessageError("invalid_argument", "connectors.inactive_user", {{"user", user->username}},
                            "run_as");
    s.c.run_as = user->username;
    if (ToLowerAscii(user->username) != ToLowerAscii(actor) && authorizer_ && !IsSystemActor(actor) &&
        (create || ToLowerAscii(before.run_as) != ToLowerAscii(user->username))) {
        CRM_TRY(authorizer_(actor, SystemPermission::ManageUsers));
    }
    s.c.secret_set = !s.secret.empty();

    ChangeScope change(ws.changes(), actor);
    CRM_TRY(change.begin_status());
    const int64_t now = change.now_ms();
    s.c.updated_ms = now;
    s.c.updated_by = actor;
    if (create) {
        s.c.created_ms = now;
        s.c.created_by = actor;
    }
    json entities = json::array();
    for (const ConnectorEntity& e : s.c.entities) entities.push_back(EntityToJson(e, false));
    Statement st = db.Prepare(
        create
            ? "INSERT INTO erp_connector(name, base_url, auth, auth_header, auth_user, secret, run_as, "
              "active, page_size, entities, created_ms, created_by, updated_ms, updated_by, "
              "schedule_minutes) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?16)"
            : "UPDATE erp_connector SET name = ?1, base_url = ?2, auth = ?3, auth_header = ?4, auth_user = "
              "?5, secret = ?6, run_as = ?7, active = ?8, page_size = ?9, entities = ?10, updated_ms = ?13, "
              "updated_by = ?14, schedule_minutes = ?16 WHERE id = ?15");
    st.Bind(1, s.c.name).Bind(2, s.c.base_url).Bind(3, s.c.auth).Bind(4, s.c.auth_header);
    st.Bind(5, s.c.auth_user).Bind(6, s.secret).Bind(7, s.c.run_as).Bind(8, s.c.active ? 1 : 0);
    st.Bind(9, s.c.page_size).Bind(10, entities.dump());
    if (create) st.Bind(11, s.c.created_ms).Bind(12, s.c.created_by);
    st.Bind(13, now).Bind(14, actor);
    if (!create) st.Bind(15, id);
    st.Bind(16, s.c.schedule_minutes);
    CRM_TRY(st.Run());
    if (create) s.c.id = db.LastInsertRowId();
    CRM_TRY(KeepExternalIdIndexes(ws));
    // The scheduled run: queued from now when the schedule or the activity changed, dropped when off.
    if (scheduler_) {
        const bool scheduled = s.c.active && s.c.schedule_minutes > 0;
        if (!scheduled) {
            CRM_TRY(scheduler_->CancelRule(change, kConnectorRunKind, s.c.id));
        } else if (create || before.schedule_minutes != s.c.schedule_minutes || !before.active) {
            CRM_TRY(scheduler_->Schedule(change, kConnectorRunKind, "", 0, s.c.id,
                                         now + int64_t{s.c.schedule_minutes} * 60'000));
        }
    }
    // Cursors of entities that are gone go with them.
    Statement gone = db.Prepare("SELECT entity FROM erp_connector_cursor WHERE connector_id = ?1");
    gone.Bind(1, s.c.id);
    std::vector<std::string> stale;
    while (gone.Step())
        if (std::none_of(s.c.entities.begin(), s.c.entities.end(),
                         [&](const ConnectorEntity& e) { return e.name == gone.Text(0); }))
            stale.push_back(gone.Text(0));
    for (const std::string& name : stale)
        for (const char* table : {"erp_connector_cursor", "erp_sync_link"}) {
            Statement del =
                db.Prepare(std::string("DELETE FROM ") + table + " WHERE connector_id = ?1 AND entity = ?2");
            del.Bind(1, s.c.id).Bind(2, name);
            CRM_TRY(del.Run());
        }
    // The secret is never audited: the entry says whether one is set, and whether this save changed it.
    json new_value = ToJson(s.c);
    if (!create && values.contains("secret")) new_value["secret_changed"] = true;
    CRM_TRY(change.Audit("integration", create ? "create" : "update", "connector." + s.c.name,
                         create ? json(nullptr) : ToJson(before), new_value));
    change.Record("integration", "", ChangeAction::Config, s.c.id, {"connectors"});
    CRM_TRY(change.Commit());
    Result<Stored> saved = Find(db, s.c.id);
    if (!saved.ok()) return saved.error();
    return saved->c;
}

Status ConnectorService::Delete(const std::string& actor, int64_t id) {
    CRM_TRY(Require(actor));
    Workspace& ws = impl_->ws;
    Database& db = impl_->ws.changes().db();
    Result<Stored> found = Find(db, id);
    if (!found.ok()) return found.error();
    ChangeScope change(ws.changes(), actor);
    CRM_TRY(change.begin_status());
    for (const char* table :
         {"erp_connector_cursor", "erp_sync_link", "erp_sync_error", "erp_sync_run", "erp_conflict"}) {
        Statement st = db.Prepare(std::string("DELETE FROM ") + table + " WHERE connector_id = ?1");
        st.Bind(1, id);
        CRM_TRY(st.Run());
    }
    Statement st = db.Prepare("DELETE FROM erp_connector WHERE id = ?1");
    st.Bind(1, id);
    CRM_TRY(st.Run());
    CRM_TRY(KeepExternalIdIndexes(ws));
    if (scheduler_) CRM_TRY(scheduler_->CancelRule(change, kConnectorRunKind, id));
    CRM_TRY(change.Audit("integration", "delete", "connector." + found->c.name, ToJson(found->c), nullptr));
    change.Record("integration", "", ChangeAction::Config, id, {"connectors"});
    return change.Commit();
}

const char* ConnectorsMigrationSql() {
    return R"sql(
CREATE TABLE erp_connector (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    base_url TEXT NOT NULL,
    auth TEXT NOT NULL DEFAULT 'none',
    auth_header TEXT NOT NULL DEFAULT '',
    auth_user TEXT NOT NULL DEFAULT '',
    secret TEXT NOT NULL DEFAULT '',
    run_as TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    page_size INTEGER NOT NULL DEFAULT 100,
    entities TEXT NOT NULL DEFAULT '[]',
    created_ms INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE TABLE erp_connector_cursor (
    connector_id INTEGER NOT NULL,
    entity TEXT NOT NULL,
    pull_cursor TEXT NOT NULL DEFAULT '',
    push_cursor_ms INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (connector_id, entity)
);
CREATE TABLE erp_sync_link (
    connector_id INTEGER NOT NULL,
    entity TEXT NOT NULL,
    external_id TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    crm_synced_ms INTEGER NOT NULL,
    erp_updated_ms INTEGER NOT NULL,
    PRIMARY KEY (connector_id, entity, external_id)
);
CREATE INDEX erp_sync_link_record ON erp_sync_link(connector_id, entity, record_id);
CREATE TABLE erp_sync_run (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    connector_id INTEGER NOT NULL,
    state TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    started_ms INTEGER NOT NULL,
    finished_ms INTEGER NOT NULL DEFAULT 0,
    counts TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX erp_sync_run_connector ON erp_sync_run(connector_id, id);
CREATE TABLE erp_sync_error (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL,
    connector_id INTEGER NOT NULL,
    entity TEXT NOT NULL,
    direction TEXT NOT NULL,
    external_id TEXT NOT NULL DEFAULT '',
    record_id INTEGER NOT NULL DEFAULT 0,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    row TEXT NOT NULL DEFAULT 'null',
    state TEXT NOT NULL DEFAULT 'open',
    at_ms INTEGER NOT NULL
);
CREATE INDEX erp_sync_error_connector ON erp_sync_error(connector_id, id);
CREATE TABLE erp_conflict (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    connector_id INTEGER NOT NULL,
    entity TEXT NOT NULL,
    external_id TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    erp_values TEXT NOT NULL,
    erp_updated_ms INTEGER NOT NULL,
    crm_updated_ms INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'open',
    resolution TEXT NOT NULL DEFAULT '',
    resolved_by TEXT NOT NULL DEFAULT '',
    resolved_ms INTEGER NOT NULL DEFAULT 0,
    at_ms INTEGER NOT NULL
);
CREATE INDEX erp_conflict_connector ON erp_conflict(connector_id, state, id);
)sql";
}

const char* ConnectorScheduleMigrationSql() {
    return "ALTER TABLE erp_connector ADD COLUMN schedule_minutes INTEGER NOT NULL DEFAULT 0;";
}

const char* ConnectorConflictErrorMigrationSql() {
    return "ALTER TABLE erp_conflict ADD COLUMN error TEXT NOT NULL DEFAULT '';";
}

}  // namespace crm
