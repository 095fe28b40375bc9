#include "api/command_api.h"

#include <algorithm>
#include <exception>

#include "common/clock.h"
#include "common/text.h"
#include "workspace.h"

namespace crm {

namespace {

using nlohmann::json;

// [SECTION] Errors and argument readers

json ErrorJson(const Error& e) {
    json error = {{"code", e.code}, {"message", e.message}};
    if (!e.field.empty()) error["field"] = e.field;
    if (e.line != 0) error["line"] = e.line;
    if (e.position != 0) error["position"] = e.position;
    return json{{"ok", false}, {"error", std::move(error)}};
}

Error InvalidArgument(const std::string& field, const std::string& message) {
    return MakeError("invalid_argument", message, field);
}

std::string Quote(const std::string& text) { return "\"" + text + "\""; }

// Rejects argument names a command does not take, so a typo is not silently ignored.
Status CheckArgNames(const json& args, const std::string& command, const std::vector<std::string>& allowed) {
    for (auto it = args.begin(); it != args.end(); ++it) {
        if (std::find(allowed.begin(), allowed.end(), it.key()) != allowed.end()) continue;
        std::string message = Quote(command) + " has no argument " + Quote(it.key());
        if (allowed.empty()) {
            message += "; it takes none.";
        } else {
            message += "; it takes ";
            for (size_t i = 0; i < allowed.size(); ++i) message += (i ? ", " : "") + allowed[i];
            message += ".";
            std::string close = ClosestMatch(it.key(), allowed);
            if (!close.empty()) message += " Did you mean " + Quote(close) + "?";
        }
        return InvalidArgument(it.key(), message);
    }
    return Status::Ok();
}

Status ReadString(const json& args, const char* key, std::string& out) {
    auto it = args.find(key);
    if (it == args.end() || it->is_null()) return Status::Ok();
    if (!it->is_string())
        return InvalidArgument(key, Quote(key) + " must be a string, not " + it->type_name() + ".");
    out = it->get<std::string>();
    return Status::Ok();
}

Status ReadInt(const json& args, const char* key, int& out) {
    auto it = args.find(key);
    if (it == args.end() || it->is_null()) return Status::Ok();
    if (!it->is_number_integer()) {
        return InvalidArgument(key, Quote(key) + " must be a whole number, not " + it->dump() + ".");
    }
    // Clamped to the int range here; the service clamps further to what it allows.
    out = it->is_number_unsigned() ? static_cast<int>(std::min<uint64_t>(it->get<uint64_t>(), 1u << 30))
                                   : static_cast<int>(std::clamp<int64_t>(
                                         it->get<int64_t>(), -(int64_t{1} << 30), int64_t{1} << 30));
    return Status::Ok();
}

Status ReadBool(const json& args, const char* key, bool& out) {
    auto it = args.find(key);
    if (it == args.end() || it->is_null()) return Status::Ok();
    if (!it->is_boolean())
        return InvalidArgument(key, Quote(key) + " must be true or false, not " + it->dump() + ".");
    out = it->get<bool>();
    return Status::Ok();
}

// A time bound: Unix milliseconds, or an ISO date / date-time in UTC.
Status ReadTime(const json& args, const char* key, std::optional<int64_t>& out) {
    auto it = args.find(key);
    if (it == args.end() || it->is_null()) return Status::Ok();
    if (it->is_number_integer()) {
        out = it->is_number_unsigned()
                  ? static_cast<int64_t>(std::min<uint64_t>(it->get<uint64_t>(), INT64_MAX))
                  : it->get<int64_t>();
        return Status::Ok();
    }
    if (it->is_string()) {
        if (std::optional<int64_t> ms = ParseUtcIso8601(it->get<std::string>())) {
            out = ms;
            return Status::Ok();
        }
    }
    return InvalidArgument(key, Quote(key) +
                                    " must be a UTC date such as \"2026-01-31\" or \"2026-01-31T08:00:00Z\", "
                                    "or Unix milliseconds; got " +
                                    it->dump() + ".");
}

// [SECTION] Handlers

struct Call {
    Workspace& workspace;
    const std::string& actor;  ///< empty for read-only commands
    const json& args;          ///< always an object
    json error_details;        ///< set by a handler that reports several errors ("errors" in the answer)
};

using Handler = Result<json> (*)(Call&);

Result<json> WorkspaceInfoCmd(Call& call) {
    if (Status s = CheckArgNames(call.args, "workspace.info", {}); !s.ok()) return s.error();
    WorkspaceInfo info = call.workspace.Info();
    return json{{"path", info.path},
                {"schema_version", info.schema_version},
                {"sqlite_version", info.sqlite_version},
                {"app_version", info.app_version},
                {"created_now", info.created_now},
                {"change_count", info.change_count}};
}

Result<json> CompanyGetCmd(Call& call) {
    if (Status s = CheckArgNames(call.args, "company.get", {}); !s.ok()) return s.error();
    Result<CompanyProfile> profile = call.workspace.company().Get();
    if (!profile.ok()) return profile.error();
    return ToJson(*profile);
}

Result<json> CompanyOptionsCmd(Call& call) {
    if (Status s = CheckArgNames(call.args, "company.options", {}); !s.ok()) return s.error();
    return json{{"languages", SupportedLanguages()},
                {"date_formats", SupportedDateFormats()},
                {"currencies", IsoCurrencyCodes()},
                {"time_zones", KnownTimeZones()}};
}

Result<json> CompanyUpdateCmd(Call& call) {
    Result<CompanyProfile> current = call.workspace.company().Get();
    if (!current.ok()) return current.error();
    Result<CompanyProfile> updated = CompanyProfileFromJson(call.args, *current);
    if (!updated.ok()) return updated.error();
    if (Status s = call.workspace.company().Update(call.actor, *updated); !s.ok()) return s.error();
    return ToJson(*updated);
}

Result<json> AuditListCmd(Call& call) {
    const json& a = call.args;
    if (Status s = CheckArgNames(a, "audit.list",
                                 {"area", "actor", "text", "from", "to", "sort", "desc", "offset", "limit"});
        !s.ok()) {
        return s.error();
    }
    AuditQuery q;
    std::string sort = "time";
    for (Status s :
         {ReadString(a, "area", q.area), ReadString(a, "actor", q.actor), ReadString(a, "text", q.text),
          ReadTime(a, "from", q.from_ms), ReadTime(a, "to", q.to_ms), ReadString(a, "sort", sort),
          ReadBool(a, "desc", q.descending), ReadInt(a, "offset", q.offset), ReadInt(a, "limit", q.limit)}) {
        if (!s.ok()) return s.error();
    }
    static const std::pair<const char*, AuditQuery::SortKey> kSortKeys[] = {
        {"time", AuditQuery::SortKey::Time},     {"actor", AuditQuery::SortKey::Actor},
        {"area", AuditQuery::SortKey::Area},     {"action", AuditQuery::SortKey::Action},
        {"target", AuditQuery::SortKey::Target},
    };
    auto key = std::find_if(std::begin(kSortKeys), std::end(kSortKeys),
                            [&](const auto& k) { return sort == k.first; });
    if (key == std::end(kSortKeys)) {
        return InvalidArgument("sort",
                               "\"sort\" is " + Quote(sort) + "; use time, actor, area, action or target.");
    }
    q.sort = key->second;
    Result<AuditPage> page = call.workspace.audit().List(q);
    if (!page.ok()) return page.error();
    json entries = json::array();
    for (const AuditEntry& e : page->entries) entries.push_back(ToJson(e));
    return json{{"total", page->total}, {"entries", std::move(entries)}};
}

Result<json> CommandsListCmd(Call& call) {
    if (Status s = CheckArgNames(call.args, "commands.list", {}); !s.ok()) return s.error();
    json out = json::array();
    for (const CommandInfo& c : CommandApi::Commands()) {
        out.push_back({{"name", c.name}, {"summary", c.summary}, {"args", c.args}, {"mutating", c.mutating}});
    }
    return out;
}

// [SECTION] Schema and records handlers (objects.*, fields.*, layouts.*, rules.*, records.*, listviews.*,
// formula.*). Each reads its arguments, calls SchemaService or RecordService, and answers JSON.

Status RequireString(const json& args, const char* key, std::string& out) {
    if (Status s = ReadString(args, key, out); !s.ok()) return s;
    if (out.empty()) return InvalidArgument(key, Quote(key) + " is required.");
    return Status::Ok();
}

Status ReadId(const json& args, const char* key, int64_t& out) {
    auto it = args.find(key);
    if (it == args.end() || !it->is_number_integer() || it->get<int64_t>() <= 0) {
        return InvalidArgument(key, Quote(key) + " must be a record id (a positive whole number).");
    }
    out = it->get<int64_t>();
    return Status::Ok();
}

Status ReadObjectArg(const json& args, const char* key, const json*& out) {
    auto it = args.find(key);
    if (it == args.end() || !it->is_object()) return InvalidArgument(key, Quote(key) + " must be a JSON object.");
    out = &*it;
    return Status::Ok();
}

// Several errors (a save's, for example) travel as "errors" next to the first one.
Error WithDetails(Call& call, const std::vector<Error>& errors) {
    json list = json::array();
    for (const Error& e : errors) {
        json item = {{"code", e.code}, {"message", e.message}};
        if (!e.field.empty()) item["field"] = e.field;
        list.push_back(std::move(item));
    }
    call.error_details = std::move(list);
    return errors.empty() ? MakeError("internal", "No error to report.") : errors.front();
}

#define CRM_TRY(expr)                        \
    do {                                     \
        if (Status s_ = (expr); !s_.ok()) return s_.error(); \
    } while (0)

Result<json> ObjectsListCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "objects.list", {}));
    json out = json::array();
    for (const auto& o : call.workspace.schema().Objects()) out.push_back(ToJson(*o, false));
    return out;
}

Result<json> ObjectsGetCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "objects.get", {"object"}));
    std::string object;
    CRM_TRY(RequireString(call.args, "object", object));
    auto o = call.workspace.schema().Object(object);
    if (!o.ok()) return o.error();
    return ToJson(**o);
}

Result<json> ObjectsCreateCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "objects.create", {"api_name", "label", "plural_label", "description", "name_format"}));
    std::string name_format;
    CRM_TRY(ReadString(call.args, "name_format", name_format));
    json spec = call.args;
    spec.erase("name_format");
    auto def = ObjectDefFromJson(spec, ObjectDef{});
    if (!def.ok()) return def.error();
    auto created = call.workspace.schema().CreateObject(call.actor, *def, name_format);
    if (!created.ok()) return created.error();
    return ToJson(**created);
}

Result<json> ObjectsUpdateCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "objects.update", {"object", "label", "plural_label", "description"}));
    std::string object;
    CRM_TRY(RequireString(call.args, "object", object));
    auto current = call.workspace.schema().Object(object);
    if (!current.ok()) return current.error();
    json spec = call.args;
    spec.erase("object");
    auto def = ObjectDefFromJson(spec, **current);
    if (!def.ok()) return def.error();
    CRM_TRY(call.workspace.schema().UpdateObject(call.actor, *def));
    return ToJson(**call.workspace.schema().Object(object), false);
}

Result<json> ObjectsDeleteCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "objects.delete", {"object"}));
    std::string object;
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(call.workspace.schema().DeleteObject(call.actor, object));
    return json{{"deleted", object}};
}

Result<json> FieldsListCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "fields.list", {"object", "include_deleted"}));
    std::string object;
    bool include_deleted = false;
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(ReadBool(call.args, "include_deleted", include_deleted));
    auto o = call.workspace.schema().Object(object);
    if (!o.ok()) return o.error();
    json out = json::array();
    for (const FieldDef& f : (*o)->fields) {
        if (f.state == FieldState::Active || include_deleted) out.push_back(ToJson(f));
    }
    return out;
}

// The field named in args["field"]["api_name"] of args["object"], with the given keys applied over it.
Result<FieldDef> ChangedField(Call& call, const char* command) {
    CRM_TRY(CheckArgNames(call.args, command, {"object", "field", "mode", "limit"}));
    std::string object;
    CRM_TRY(RequireString(call.args, "object", object));
    const json* spec = nullptr;
    CRM_TRY(ReadObjectArg(call.args, "field", spec));
    std::string api_name;
    CRM_TRY(RequireString(*spec, "api_name", api_name));
    auto o = call.workspace.schema().Object(object);
    if (!o.ok()) return o.error();
    const FieldDef* current = (*o)->Field(api_name);
    if (!current) {
        return MakeError("schema.unknown_field", (*o)->api_name + " has no field " + Quote(api_name) + ".", "field");
    }
    return FieldDefFromJson(*spec, *current);
}

Result<json> FieldsCreateCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "fields.create", {"object", "field", "add_to_layouts"}));
    std::string object;
    bool add_to_layouts = false;
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(ReadBool(call.args, "add_to_layouts", add_to_layouts));
    const json* spec = nullptr;
    CRM_TRY(ReadObjectArg(call.args, "field", spec));
    FieldDef base;
    base.object = object;
    auto def = FieldDefFromJson(*spec, base);
    if (!def.ok()) return def.error();
    auto created = call.workspace.schema().CreateField(call.actor, *def, add_to_layouts);
    if (!created.ok()) return created.error();
    return ToJson(*created);
}

Result<json> FieldsUpdateCmd(Call& call) {
    Result<FieldDef> changed = ChangedField(call, "fields.update");
    if (!changed.ok()) return changed.error();
    auto updated = call.workspace.schema().UpdateField(call.actor, *changed);
    if (!updated.ok()) return updated.error();
    return ToJson(*updated);
}

Result<json> FieldStateCmd(Call& call, const char* command) {
    CRM_TRY(CheckArgNames(call.args, command, {"object", "field"}));
    std::string object, field;
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(RequireString(call.args, "field", field));
    SchemaService& schema = call.workspace.schema();
    const std::string cmd = command;
    Status s = cmd == "fields.delete"    ? schema.DeleteField(call.actor, object, field)
               : cmd == "fields.restore" ? schema.RestoreField(call.actor, object, field)
                                         : schema.PurgeField(call.actor, object, field);
    if (!s.ok()) return s.error();
    return json{{"object", object}, {"field", field}, {"done", cmd.substr(7)}};
}
Result<json> FieldsDeleteCmd(Call& call) { return FieldStateCmd(call, "fields.delete"); }
Result<json> FieldsRestoreCmd(Call& call) { return FieldStateCmd(call, "fields.restore"); }
Result<json> FieldsPurgeCmd(Call& call) { return FieldStateCmd(call, "fields.purge"); }

json PreviewJson(const RetypePreview& p) {
    json listed = json::array();
    for (const RetypeFailure& f : p.listed) {
        listed.push_back({{"id", f.record_id}, {"value", f.value}, {"reason", f.reason}});
    }
    return json{{"records", p.records}, {"failures", p.failures}, {"listed", std::move(listed)}};
}

Result<json> FieldsRetypePreviewCmd(Call& call) {
    Result<FieldDef> changed = ChangedField(call, "fields.retype_preview");
    if (!changed.ok()) return changed.error();
    int limit = 1000;
    CRM_TRY(ReadInt(call.args, "limit", limit));
    auto preview = call.workspace.schema().PreviewRetype(*changed, std::clamp(limit, 0, 100000));
    if (!preview.ok()) return preview.error();
    return PreviewJson(*preview);
}

Result<json> FieldsRetypeCmd(Call& call) {
    Result<FieldDef> changed = ChangedField(call, "fields.retype");
    if (!changed.ok()) return changed.error();
    std::string mode = "refuse";
    CRM_TRY(ReadString(call.args, "mode", mode));
    if (mode != "refuse" && mode != "clear") {
        return InvalidArgument("mode", "\"mode\" is \"refuse\" (change nothing if any value would not convert) or "
                                       "\"clear\" (convert and clear those values).");
    }
    auto done = call.workspace.schema().RetypeField(
        call.actor, *changed, mode == "refuse" ? RetypeMode::RefuseIfAny : RetypeMode::ClearFailures);
    if (!done.ok()) return done.error();
    json out = PreviewJson(*done);
    out["field"] = ToJson(*(*call.workspace.schema().Object(changed->object))->Field(changed->api_name));
    return out;
}

Result<json> LayoutsListCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "layouts.list", {"object"}));
    std::string object;
    CRM_TRY(RequireString(call.args, "object", object));
    if (auto o = call.workspace.schema().Object(object); !o.ok()) return o.error();
    json out = json::array();
    for (const Layout& l : call.workspace.schema().Layouts(object)) out.push_back(ToJson(l));
    return out;
}

Result<json> LayoutsGetCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "layouts.get", {"object", "name", "profile"}));
    std::string object, name, profile;
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(ReadString(call.args, "name", name));
    CRM_TRY(ReadString(call.args, "profile", profile));
    auto l = name.empty() ? call.workspace.schema().LayoutForProfile(object, profile)
                          : call.workspace.schema().GetLayout(object, name);
    if (!l.ok()) return l.error();
    return ToJson(*l);
}

Result<json> LayoutsSaveCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "layouts.save", {"object", "layout"}));
    std::string object;
    CRM_TRY(RequireString(call.args, "object", object));
    const json* spec = nullptr;
    CRM_TRY(ReadObjectArg(call.args, "layout", spec));
    Layout base;
    base.object = object;
    auto l = LayoutFromJson(*spec, base);
    if (!l.ok()) return l.error();
    l->object = object;
    auto saved = call.workspace.schema().SaveLayout(call.actor, *l);
    if (!saved.ok()) return saved.error();
    return ToJson(*saved);
}

Result<json> LayoutsAssignCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "layouts.assign", {"object", "profile", "layout"}));
    std::string object, profile, layout;
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(RequireString(call.args, "profile", profile));
    CRM_TRY(RequireString(call.args, "layout", layout));
    CRM_TRY(call.workspace.schema().AssignLayout(call.actor, object, profile, layout));
    return json{{"object", object}, {"profile", profile}, {"layout", layout}};
}

Result<json> LayoutsPreviewCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "layouts.preview", {"object", "profile", "name"}));
    std::string object, profile, name;
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(ReadString(call.args, "profile", profile));
    CRM_TRY(ReadString(call.args, "name", name));
    SchemaService& schema = call.workspace.schema();
    auto l = name.empty() ? schema.LayoutForProfile(object, profile) : schema.GetLayout(object, name);
    if (!l.ok()) return l.error();
    auto o = schema.Object(object);
    json sections = json::array();
    for (const LayoutSection& s : l->sections) {
        json items = json::array();
        for (const LayoutItem& item : s.items) {
            const FieldDef* f = (*o)->Field(item.field);
            if (!f) continue;  // deleted since the layout was saved
            items.push_back({{"field", f->api_name},
                             {"label", f->label},
                             {"type", FieldTypeName(f->type == FieldType::Formula ? f->formula_type : f->type)},
                             {"help_text", f->help_text},
                             {"required", f->required || item.required},
                             {"read_only", item.read_only || f->is_read_only()},
                             {"picklist", ToJson(*f).value("picklist", json::array())}});
        }
        sections.push_back({{"title", s.title}, {"columns", s.columns}, {"items", std::move(items)}});
    }
    return json{{"object", (*o)->api_name}, {"layout", l->name}, {"profile", profile}, {"sections", std::move(sections)}};
}

Result<json> RulesListCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "rules.list", {"object"}));
    std::string object;
    CRM_TRY(RequireString(call.args, "object", object));
    if (auto o = call.workspace.schema().Object(object); !o.ok()) return o.error();
    json out = json::array();
    for (const ValidationRule& r : call.workspace.schema().Rules(object)) out.push_back(ToJson(r));
    return out;
}

Result<json> RulesSaveCmd(Call& call, bool create) {
    auto base = create ? Result<ValidationRule>(ValidationRule{}) : Result<ValidationRule>(MakeError("", ""));
    if (!create) {
        std::string object, name;
        CRM_TRY(RequireString(call.args, "object", object));
        CRM_TRY(RequireString(call.args, "name", name));
        base = call.workspace.schema().Rule(object, name);
        if (!base.ok()) return base.error();
    }
    auto rule = RuleFromJson(call.args, *base);
    if (!rule.ok()) return rule.error();
    auto saved = create ? call.workspace.schema().CreateRule(call.actor, *rule)
                        : call.workspace.schema().UpdateRule(call.actor, *rule);
    if (!saved.ok()) return saved.error();
    return ToJson(*saved);
}
Result<json> RulesCreateCmd(Call& call) { return RulesSaveCmd(call, true); }
Result<json> RulesUpdateCmd(Call& call) { return RulesSaveCmd(call, false); }

Result<json> RulesDeleteCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "rules.delete", {"object", "name"}));
    std::string object, name;
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(RequireString(call.args, "name", name));
    CRM_TRY(call.workspace.schema().DeleteRule(call.actor, object, name));
    return json{{"deleted", name}};
}

Result<json> RulesTestCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "rules.test", {"object", "condition", "limit"}));
    std::string object, condition;
    int limit = 20;
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(RequireString(call.args, "condition", condition));
    CRM_TRY(ReadInt(call.args, "limit", limit));
    auto r = call.workspace.records().TestRule(object, condition, std::clamp(limit, 0, 1000));
    if (!r.ok()) return r.error();
    json examples = json::array();
    for (const auto& [id, name] : r->examples) examples.push_back({{"id", id}, {"name", name}});
    return json{{"records", r->records}, {"failing", r->failing}, {"examples", std::move(examples)},
                {"method", r->in_sql ? "sql" : "evaluate"}};
}

json PageJson(const ListPage& page) {
    return json{{"columns", page.columns}, {"rows", page.rows}, {"total", page.total}};
}

Result<json> RecordsListCmd(Call& call) {
    std::string object;
    CRM_TRY(RequireString(call.args, "object", object));
    json query = call.args;
    query.erase("object");
    auto q = ListQueryFromJson(query);
    if (!q.ok()) return q.error();
    auto page = call.workspace.records().List(call.actor, object, *q);
    if (!page.ok()) return page.error();
    return PageJson(*page);
}

Result<json> RecordsGetCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "records.get", {"object", "id"}));
    std::string object;
    int64_t id = 0;
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(ReadId(call.args, "id", id));
    return call.workspace.records().Get(call.actor, object, id);
}

Result<json> RecordsCreateCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "records.create", {"object", "values", "records"}));
    std::string object;
    CRM_TRY(RequireString(call.args, "object", object));
    RecordService& records = call.workspace.records();
    if (auto batch = call.args.find("records"); batch != call.args.end()) {
        if (!batch->is_array()) return InvalidArgument("records", "\"records\" must be a list of value objects.");
        std::vector<json> rows(batch->begin(), batch->end());
        BatchResult r = records.CreateBatch(call.actor, object, rows);
        if (!r.ok()) {
            Error e = WithDetails(call, r.errors);
            if (r.failed_index >= 0) {
                e.message = "Record " + std::to_string(r.failed_index + 1) + ": " + e.message + " Nothing was saved.";
                call.error_details.push_back({{"code", "records.batch_row"}, {"message", "failed row"},
                                              {"index", r.failed_index}});
            }
            return e;
        }
        return json{{"ids", r.ids}};
    }
    const json* values = nullptr;
    CRM_TRY(ReadObjectArg(call.args, "values", values));
    SaveResult r = records.Create(call.actor, object, *values);
    if (!r.ok()) return WithDetails(call, r.errors);
    return records.Get(call.actor, object, r.id);
}

Result<json> RecordsUpdateCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "records.update", {"object", "id", "values"}));
    std::string object;
    int64_t id = 0;
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(ReadId(call.args, "id", id));
    const json* values = nullptr;
    CRM_TRY(ReadObjectArg(call.args, "values", values));
    SaveResult r = call.workspace.records().Update(call.actor, object, id, *values);
    if (!r.ok()) return WithDetails(call, r.errors);
    return call.workspace.records().Get(call.actor, object, r.id);
}

Result<json> RecordsDeleteCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "records.delete", {"object", "id"}));
    std::string object;
    int64_t id = 0;
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(ReadId(call.args, "id", id));
    CRM_TRY(call.workspace.records().Delete(call.actor, object, id));
    return json{{"deleted", id}};
}

Result<json> RecordsHistoryCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "records.history", {"object", "id"}));
    std::string object;
    int64_t id = 0;
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(ReadId(call.args, "id", id));
    auto h = call.workspace.records().History(call.actor, object, id);
    if (!h.ok()) return h.error();
    json out = json::array();
    for (const FieldHistoryEntry& e : *h) out.push_back(ToJson(e));
    return out;
}

Status NeedUser(const Call& call, const char* command) {
    if (IsBlank(call.actor)) {
        return MakeError("auth.no_actor",
                         Quote(command) + " works on the acting user's own list views: say who with \"as\".", "as");
    }
    return Status::Ok();
}

Result<json> ListViewsListCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "listviews.list", {"object"}));
    CRM_TRY(NeedUser(call, "listviews.list"));
    std::string object;
    CRM_TRY(RequireString(call.args, "object", object));
    if (auto o = call.workspace.schema().Object(object); !o.ok()) return o.error();
    json out = json::array();
    for (const ListView& v : call.workspace.records().ListViews(object, call.actor)) out.push_back(ToJson(v));
    return out;
}

Result<json> ListViewsSaveCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "listviews.save", {"object", "name", "query"}));
    ListView view;
    CRM_TRY(RequireString(call.args, "object", view.object));
    CRM_TRY(RequireString(call.args, "name", view.name));
    if (auto q = call.args.find("query"); q != call.args.end() && !q->is_null()) {
        auto query = ListQueryFromJson(*q);
        if (!query.ok()) return query.error();
        view.query = *query;
    }
    auto saved = call.workspace.records().SaveListView(call.actor, view);
    if (!saved.ok()) return saved.error();
    return ToJson(*saved);
}

Result<json> ListViewsDeleteCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "listviews.delete", {"object", "name"}));
    std::string object, name;
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(RequireString(call.args, "name", name));
    CRM_TRY(call.workspace.records().DeleteListView(call.actor, object, name));
    return json{{"deleted", name}};
}

Result<json> ListViewsRunCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "listviews.run", {"object", "name", "offset", "limit"}));
    CRM_TRY(NeedUser(call, "listviews.run"));
    std::string object, name;
    int offset = 0, limit = 50;
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(RequireString(call.args, "name", name));
    CRM_TRY(ReadInt(call.args, "offset", offset));
    CRM_TRY(ReadInt(call.args, "limit", limit));
    auto page = call.workspace.records().RunListView(call.actor, object, name, offset, limit);
    if (!page.ok()) return page.error();
    return PageJson(*page);
}

Result<json> FormulaCheckCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "formula.check", {"object", "formula", "kind"}));
    std::string object, text, kind = "rule";
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(ReadString(call.args, "formula", text));
    CRM_TRY(ReadString(call.args, "kind", kind));
    if (kind != "rule" && kind != "field" && kind != "filter") {
        return InvalidArgument("kind", "\"kind\" is \"rule\" (Boolean, prior values allowed), \"field\" (any type) or "
                                       "\"filter\" (Boolean).");
    }
    auto resolver = call.workspace.schema().Resolver(object);
    if (!resolver) return call.workspace.schema().Object(object).error();
    formula::CompileOptions options;
    options.allow_prior_values = kind == "rule";
    if (kind != "field") options.expected_result = formula::ValueType::Boolean;
    std::unique_ptr<ObjectResolver> no_formulas;
    const formula::FieldResolver* fields = resolver.get();
    if (kind == "field") {
        no_formulas = std::make_unique<ObjectResolver>(**call.workspace.schema().Object(object),
                                                       call.workspace.schema().Objects(), false);
        fields = no_formulas.get();
    }
    auto compiled = formula::Compile(text, *fields, options);
    if (!compiled.ok()) {
        const Error& e = compiled.error();
        return json{{"valid", false},
                    {"error", {{"code", e.code}, {"message", e.message}, {"line", e.line}, {"position", e.position}}}};
    }
    json used = json::array();
    for (const formula::FieldInfo& f : compiled->fields()) used.push_back(f.name);
    bool in_sql = false;
    if (compiled->result_type() == formula::ValueType::Boolean && !compiled->uses_prior_values()) {
        formula::SqlOptions so;
        so.crm_functions = true;
        in_sql = formula::ToSql(*compiled, so).ok();
    }
    return json{{"valid", true},
                {"result_type", formula::ValueTypeName(compiled->result_type())},
                {"fields", std::move(used)},
                {"translates_to_sql", in_sql}};
}

Result<json> FormulaEvalCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "formula.eval", {"object", "formula", "id", "values"}));
    std::string object, text;
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(ReadString(call.args, "formula", text));
    int64_t id = 0;
    if (call.args.contains("id") && !call.args["id"].is_null()) CRM_TRY(ReadId(call.args, "id", id));
    json values = call.args.value("values", json::object());
    if (!values.is_object() && !values.is_null()) return InvalidArgument("values", "\"values\" must be a JSON object.");
    auto v = call.workspace.records().EvalFormula(object, text, id, values);
    if (!v.ok()) return v.error();
    return json{{"value", FormulaValueToJson(*v)}, {"type", formula::ValueTypeName(v->type())}};
}

#undef CRM_TRY

// [SECTION] The command table: the one place a command is declared.

struct CommandSpec {
    CommandInfo info;
    Handler handler;
};

const std::vector<CommandSpec>& CommandTable() {
    static const std::vector<CommandSpec> table = {
        {{"workspace.info", "Describes the open workspace: file, schema version, versions and change count.",
          "", false},
         WorkspaceInfoCmd},
        {{"company.get", "Returns the company profile.", "", false}, CompanyGetCmd},
        {{"company.options", "Lists the allowed languages, date formats, currency codes and time zones.", "",
          false},
         CompanyOptionsCmd},
        {{"company.update",
          "Changes any subset of the company profile; every changed field is audited. Returns the new "
          "profile.",
          "name?: string, default_language?: string, currency?: string, time_zone?: string, "
          "fiscal_year_start_month?: integer, business_hours?: {start?: \"HH:MM\", end?: \"HH:MM\", "
          "weekdays?: [\"mon\"..\"sun\"]}, date_format?: string",
          true},
         CompanyUpdateCmd},
        {{"audit.list", "Lists the setup audit trail, filtered, sorted and paged.",
          "area?: string, actor?: string, text?: string, from?: date|datetime|ms, to?: date|datetime|ms, "
          "sort?: \"time\"|\"actor\"|\"area\"|\"action\"|\"target\", desc?: boolean, offset?: integer, "
          "limit?: integer (1..1000)",
          false},
         AuditListCmd},
        {{"commands.list", "Lists every command with its arguments.", "", false}, CommandsListCmd},
        // Schema: objects, fields, layouts, validation rules.
        {{"objects.list", "Lists the objects (standard first), without their fields.", "", false}, ObjectsListCmd},
        {{"objects.get", "Returns an object with all its fields (deleted ones flagged).", "object: string", false},
         ObjectsGetCmd},
        {{"objects.create", "Creates a custom object with its record table, name field and default layout.",
          "api_name: string, label: string, plural_label?: string, description?: string, name_format?: string "
          "(auto-number record names, e.g. \"INV-{0000}\")",
          true},
         ObjectsCreateCmd},
        {{"objects.update", "Changes an object's labels and description.",
          "object: string, label?: string, plural_label?: string, description?: string", true},
         ObjectsUpdateCmd},
        {{"objects.delete", "Hides a custom object (its API name stays reserved).", "object: string", true},
         ObjectsDeleteCmd},
        {{"fields.list", "Lists an object's fields.", "object: string, include_deleted?: boolean", false},
         FieldsListCmd},
        {{"fields.create", "Adds a custom field (metadata, column and index in one transaction).",
          "object: string, field: {api_name, label, type, ...}, add_to_layouts?: boolean", true},
         FieldsCreateCmd},
        {{"fields.update", "Changes a field's properties (not its type).",
          "object: string, field: {api_name, ...changed properties}", true},
         FieldsUpdateCmd},
        {{"fields.delete", "Moves a custom field to the recoverable area; refused while something uses it.",
          "object: string, field: string", true},
         FieldsDeleteCmd},
        {{"fields.restore", "Brings a deleted field back with its data.", "object: string, field: string", true},
         FieldsRestoreCmd},
        {{"fields.purge", "Drops the column of a deleted field for good.", "object: string, field: string", true},
         FieldsPurgeCmd},
        {{"fields.retype_preview", "Dry run of a type change: every value that would not convert.",
          "object: string, field: {api_name, type, ...}, limit?: integer", false},
         FieldsRetypePreviewCmd},
        {{"fields.retype", "Changes a field's type, converting its column in one transaction.",
          "object: string, field: {api_name, type, ...}, mode?: \"refuse\"|\"clear\"", true},
         FieldsRetypeCmd},
        {{"layouts.list", "Lists an object's layouts with their profile assignments.", "object: string", false},
         LayoutsListCmd},
        {{"layouts.get", "Returns a layout by name, or the one a profile sees.",
          "object: string, name?: string, profile?: string", false},
         LayoutsGetCmd},
        {{"layouts.save", "Creates or replaces (by name) a layout.",
          "object: string, layout: {name, is_default?, sections: [{title, columns, items}]}", true},
         LayoutsSaveCmd},
        {{"layouts.assign", "Assigns a layout to a profile.", "object: string, profile: string, layout: string", true},
         LayoutsAssignCmd},
        {{"layouts.preview", "The record form as a profile sees it: sections of fields with labels and flags.",
          "object: string, profile?: string, name?: string", false},
         LayoutsPreviewCmd},
        {{"rules.list", "Lists an object's validation rules in order.", "object: string", false}, RulesListCmd},
        {{"rules.create", "Creates a validation rule; the condition must compile.",
          "object: string, name: string, condition: string, error_message: string, error_field?: string, "
          "active?: boolean, description?: string",
          true},
         RulesCreateCmd},
        {{"rules.update", "Changes a validation rule.",
          "object: string, name: string, condition?: string, error_message?: string, error_field?: string, "
          "active?: boolean, description?: string, position?: integer",
          true},
         RulesUpdateCmd},
        {{"rules.delete", "Deletes a validation rule.", "object: string, name: string", true}, RulesDeleteCmd},
        {{"rules.test", "Runs a rule condition against the stored records: how many, and which, would fail.",
          "object: string, condition: string, limit?: integer", false},
         RulesTestCmd},
        // Records and list views.
        {{"records.list", "A filtered, sorted page of records (fields the user cannot read are absent).",
          "object: string, columns?: [string], filter_formula?: string, filters?: [{field, op, value}], "
          "sort_field?: string, sort_desc?: boolean, offset?: integer, limit?: integer (1..1000)",
          false},
         RecordsListCmd},
        {{"records.get", "Returns one record, formula fields computed.", "object: string, id: integer", false},
         RecordsGetCmd},
        {{"records.create", "Creates a record (or a batch, all or nothing) through the save pipeline.",
          "object: string, values?: {Field: value}, records?: [{Field: value}]", true},
         RecordsCreateCmd},
        {{"records.update", "Changes the given fields of a record through the save pipeline.",
          "object: string, id: integer, values: {Field: value}", true},
         RecordsUpdateCmd},
        {{"records.delete", "Deletes a record; lookups pointing at it are cleared.", "object: string, id: integer",
          true},
         RecordsDeleteCmd},
        {{"records.history", "The field history of a record, newest first.", "object: string, id: integer", false},
         RecordsHistoryCmd},
        {{"listviews.list", "Lists the acting user's list views of an object.", "object: string", false},
         ListViewsListCmd},
        {{"listviews.save", "Saves (creates or replaces by name) one of the acting user's list views.",
          "object: string, name: string, query: {columns?, filter_formula?, filters?, sort_field?, sort_desc?}", true},
         ListViewsSaveCmd},
        {{"listviews.delete", "Deletes one of the acting user's list views.", "object: string, name: string", true},
         ListViewsDeleteCmd},
        {{"listviews.run", "Runs one of the acting user's list views: a page of records and the total.",
          "object: string, name: string, offset?: integer, limit?: integer", false},
         ListViewsRunCmd},
        {{"formula.check", "Compiles a formula against an object: valid, or the error with its position.",
          "object: string, formula: string, kind?: \"rule\"|\"field\"|\"filter\"", false},
         FormulaCheckCmd},
        {{"formula.eval", "Evaluates a formula against a stored record and/or given values.",
          "object: string, formula: string, id?: integer, values?: {Field: value}", false},
         FormulaEvalCmd},
    };
    return table;
}

std::vector<std::string> CommandNames() {
    std::vector<std::string> names;
    for (const CommandSpec& c : CommandTable()) names.push_back(c.info.name);
    return names;
}

// Records where parsing stopped; everything else is accepted, since the DOM parse already failed.
class ParseErrorLocator : public nlohmann::json_sax<json> {
public:
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& ex) override {
        position_ = position;
        reason_ = ex.what();
        return false;
    }
    std::size_t position_ = 0;
    std::string reason_;
};

Error BadJson(std::string_view text) {
    ParseErrorLocator locator;
    json::sax_parse(text, &locator);
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error
    // ...".
    std::string reason = locator.reason_;
    if (size_t colon = reason.find(": "); colon != std::string::npos) reason = reason.substr(colon + 2);
    const size_t offset = std::min(locator.position_, text.size());
    int line = 1;
    int column = 1;
    // nlohmann counts the character it stopped at, so the position is 1-based.
    for (size_t i = 0; i + 1 < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    Error e;
    e.code = "bad_json";
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        e.message = "The request is empty; send a JSON object such as {\"cmd\": \"commands.list\"}.";
        return e;
    }
    e.message = "The request is not valid JSON (line " + std::to_string(line) + ", column " +
                std::to_string(column) + "): " + reason;
    e.line = line;
    e.position = static_cast<int>(std::max<size_t>(offset, 1));
    return e;
}

}  // namespace

// [SECTION] CommandApi

const std::vector<CommandInfo>& CommandApi::Commands() {
    static const std::vector<CommandInfo> infos = [] {
        std::vector<CommandInfo> out;
        for (const CommandSpec& c : CommandTable()) out.push_back(c.info);
        return out;
    }();
    return infos;
}

std::string CommandApi::Execute(std::string_view request_json) {
    json request = json::parse(request_json, nullptr, false);
    json response = request.is_discarded() ? ErrorJson(BadJson(request_json)) : Execute(request);
    // Replace rather than throw on invalid UTF-8 that a service might have stored.
    return response.dump(-1, ' ', false, json::error_handler_t::replace);
}

json CommandApi::Execute(const json& request) {
    const char* kExample = " such as {\"cmd\": \"company.get\"}";
    if (!request.is_object()) {
        return ErrorJson(
            MakeError("bad_request", std::string("The request must be a JSON object") + kExample + "."));
    }
    for (auto it = request.begin(); it != request.end(); ++it) {
        if (it.key() != "cmd" && it.key() != "as" && it.key() != "args") {
            return ErrorJson(MakeError(
                "bad_request",
                "The request has an unknown key " + Quote(it.key()) + "; use cmd, as and args.", it.key()));
        }
    }
    auto cmd = request.find("cmd");
    if (cmd == request.end() || !cmd->is_string()) {
        return ErrorJson(MakeError(
            "bad_request",
            std::string("The request needs \"cmd\", the command name as a string") + kExample + ".", "cmd"));
    }
    const std::string name = cmd->get<std::string>();
    const auto& table = CommandTable();
    auto spec =
        std::find_if(table.begin(), table.end(), [&](const CommandSpec& c) { return c.info.name == name; });
    if (spec == table.end()) {
        std::string message = "Unknown command " + Quote(name) + ".";
        std::string close = ClosestMatch(name, CommandNames());
        message += close.empty() ? " Send {\"cmd\": \"commands.list\"} to see every command."
                                 : " Did you mean " + Quote(close) + "?";
        return ErrorJson(MakeError("unknown_command", message, "cmd"));
    }
    std::string actor;
    if (auto as = request.find("as"); as != request.end() && !as->is_null()) {
        if (!as->is_string()) {
            return ErrorJson(InvalidArgument("as", "\"as\" must be the acting user's name as a string."));
        }
        actor = as->get<std::string>();
    }
    if (spec->info.mutating && IsBlank(actor)) {
        return ErrorJson(
            MakeError("auth.no_actor",
                      Quote(name) + " changes the workspace: say who makes the change with \"as\".", "as"));
    }
    static const json kNoArgs = json::object();
    const json* args = &kNoArgs;
    if (auto a = request.find("args"); a != request.end() && !a->is_null()) {
        if (!a->is_object()) {
            return ErrorJson(
                InvalidArgument("args", "\"args\" must be a JSON object, not " + a->dump() + "."));
        }
        args = &*a;
    }
    try {
        Call call{workspace_, actor, *args, json()};
        Result<json> result = spec->handler(call);
        if (!result.ok()) {
            json response = ErrorJson(result.error());
            if (!call.error_details.is_null()) response["error"]["errors"] = std::move(call.error_details);
            return response;
        }
        return json{{"ok", true}, {"result", std::move(result.value())}};
    } catch (const std::exception& ex) {
        // A last-resort net: every expected failure is an Error value, so reaching here is a bug.
        return ErrorJson(MakeError("internal", std::string("Internal error: ") + ex.what()));
    }
}

}  // namespace crm
