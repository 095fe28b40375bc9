#include "api/command_api.h"

#include <algorithm>
#include <exception>

#include "common/clock.h"
#include "common/error_text.h"
#include "common/text.h"
#include "demo/demo_company.h"
#include "workspace.h"

namespace crm {

namespace {

using nlohmann::json;
constexpr std::string_view kDemoActorName = kDemoActor;

// [SECTION] Errors and argument readers

json ErrorJson(const Error& e) {
    json error = {{"code", e.code}, {"message", e.message}, {"message_zh", ErrorMessageIn(e, "zh-CN")}};
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
    // Without "as" the caller is a trusted local one (as for every read command).
    Result<AuditPage> page =
        call.actor.empty() ? call.workspace.audit().List(q) : call.workspace.audit().List(call.actor, q);
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
    if (it == args.end() || !it->is_object())
        return InvalidArgument(key, Quote(key) + " must be a JSON object.");
    out = &*it;
    return Status::Ok();
}

// Several errors (a save's, for example) travel as "errors" next to the first one.
Error WithDetails(Call& call, const std::vector<Error>& errors) {
    json list = json::array();
    for (const Error& e : errors) {
        json item = {{"code", e.code}, {"message", e.message}, {"message_zh", ErrorMessageIn(e, "zh-CN")}};
        if (!e.field.empty()) item["field"] = e.field;
        list.push_back(std::move(item));
    }
    call.error_details = std::move(list);
    return errors.empty() ? MakeError("internal", "No error to report.") : errors.front();
}

#define CRM_TRY(expr)                                        \
    do {                                                     \
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
    CRM_TRY(CheckArgNames(call.args, "objects.create",
                          {"api_name", "label", "plural_label", "label_zh", "description", "name_format"}));
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
    CRM_TRY(CheckArgNames(call.args, "objects.update",
                          {"object", "label", "plural_label", "label_zh", "description"}));
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
        return MakeError("schema.unknown_field", (*o)->api_name + " has no field " + Quote(api_name) + ".",
                         "field");
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
    auto preview = call.workspace.schema().PreviewRetype(call.actor, *changed, std::clamp(limit, 0, 100000));
    if (!preview.ok()) return preview.error();
    return PreviewJson(*preview);
}

Result<json> FieldsRetypeCmd(Call& call) {
    Result<FieldDef> changed = ChangedField(call, "fields.retype");
    if (!changed.ok()) return changed.error();
    std::string mode = "refuse";
    CRM_TRY(ReadString(call.args, "mode", mode));
    if (mode != "refuse" && mode != "clear") {
        return InvalidArgument("mode",
                               "\"mode\" is \"refuse\" (change nothing if any value would not convert) or "
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
    if (!o.ok()) return o.error();
    // As the profile sees the form: its field-level security (without permission sets a user may add).
    std::optional<ObjectFieldAccess> access;
    if (!profile.empty()) {
        Result<ObjectFieldAccess> a =
            call.workspace.access().FieldAccessOf(PermissionSetKind::Profile, profile, object);
        if (!a.ok()) return a.error();
        access = std::move(a.value());
    }
    const bool can_edit_object = !access || (access->object & (kObjEdit | kObjCreate));
    json sections = json::array();
    json hidden = json::array();
    for (const LayoutSection& s : l->sections) {
        json items = json::array();
        for (const LayoutItem& item : s.items) {
            const FieldDef* f = (*o)->Field(item.field);
            if (!f || f->state != FieldState::Active) continue;  // deleted since the layout was saved
            if (access && !access->CanRead(f->api_name)) {
                hidden.push_back(f->api_name);
                continue;
            }
            const char* read_only =
                FormReadOnlyReason(*f, item, !access || access->CanEdit(f->api_name), can_edit_object);
            items.push_back(
                {{"field", f->api_name},
                 {"label", f->label},
                 {"type", FieldTypeName(f->type == FieldType::Formula ? f->formula_type : f->type)},
                 {"help_text", f->help_text},
                 {"required", f->required || item.required},
                 {"read_only", read_only != nullptr},
                 {"read_only_reason", read_only ? read_only : ""},
                 {"picklist", ToJson(*f).value("picklist", json::array())}});
        }
        if (items.empty() && access) continue;  // nothing of it shows for this profile
        sections.push_back({{"title", s.title}, {"columns", s.columns}, {"items", std::move(items)}});
    }
    return json{{"object", (*o)->api_name},
                {"layout", l->name},
                {"profile", profile},
                {"sections", std::move(sections)},
                {"hidden", std::move(hidden)}};
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
    return json{{"records", r->records},
                {"failing", r->failing},
                {"examples", std::move(examples)},
                {"method", r->in_sql ? "sql" : "evaluate"}};
}

json PageJson(const ListPage& page) {
    return json{{"columns", page.columns},
                {"rows", page.rows},
                {"total", page.total},
                {"total_capped", page.total_capped}};
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
        if (!batch->is_array())
            return InvalidArgument("records", "\"records\" must be a list of value objects.");
        std::vector<json> rows(batch->begin(), batch->end());
        BatchResult r = records.CreateBatch(call.actor, object, rows);
        if (!r.ok()) {
            Error e = WithDetails(call, r.errors);
            if (r.failed_index >= 0) {
                e.message =
                    "Record " + std::to_string(r.failed_index + 1) + ": " + e.message + " Nothing was saved.";
                json row = ErrorJson(MakeError("records.batch_row", "failed row"))["error"];
                row["index"] = r.failed_index;
                call.error_details.push_back(std::move(row));
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
                         Quote(command) + " works on the acting user's own list views: say who with \"as\".",
                         "as");
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
        return InvalidArgument(
            "kind",
            "\"kind\" is \"rule\" (Boolean, prior values allowed), \"field\" (any type) or "
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
                    {"error",
                     {{"code", e.code},
                      {"message", e.message},
                      {"message_zh", ErrorMessageIn(e, "zh-CN")},
                      {"line", e.line},
                      {"position", e.position}}}};
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
    if (!values.is_object() && !values.is_null())
        return InvalidArgument("values", "\"values\" must be a JSON object.");
    auto v = call.workspace.records().EvalFormula(object, text, id, values);
    if (!v.ok()) return v.error();
    return json{{"value", FormulaValueToJson(*v)}, {"type", formula::ValueTypeName(v->type())}};
}

// [SECTION] Access handlers (users.*, roles.*, teams.*, profiles.*, permsets.*, sharing.*, access.*).
// Each service call checks the acting user's system permission itself.

Result<json> StatusJson(Status s, json ok) {
    if (!s.ok()) return s.error();
    return ok;
}

Result<PermissionSetKind> KindOf(const std::string& command) {
    return command.rfind("profiles.", 0) == 0 ? PermissionSetKind::Profile : PermissionSetKind::PermissionSet;
}

Result<json> UsersListCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "users.list", {}));
    json out = json::array();
    for (const User& u : call.workspace.access().Users()) out.push_back(ToJson(u));
    return out;
}

Result<json> UsersGetCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "users.get", {"username"}));
    std::string name;
    CRM_TRY(RequireString(call.args, "username", name));
    Result<User> u = call.workspace.access().GetUser(name);
    if (!u.ok()) return u.error();
    return ToJson(*u);
}

Result<json> UsersCreateCmd(Call& call) {
    Result<User> spec = UserFromJson(call.args, User{});
    if (!spec.ok()) return spec.error();
    Result<User> u = call.workspace.access().CreateUser(call.actor, *spec);
    if (!u.ok()) return u.error();
    return ToJson(*u);
}

Result<json> UsersUpdateCmd(Call& call) {
    std::string name;
    CRM_TRY(RequireString(call.args, "username", name));
    Result<User> current = call.workspace.access().GetUser(name);
    if (!current.ok()) return current.error();
    json changes = call.args;
    changes.erase("username");
    if (auto it = call.args.find("new_username"); it != call.args.end()) {
        changes.erase("new_username");
        changes["username"] = *it;
    }
    Result<User> changed = UserFromJson(changes, *current);
    if (!changed.ok()) return changed.error();
    Result<User> u = call.workspace.access().UpdateUser(call.actor, *changed);
    if (!u.ok()) return u.error();
    return ToJson(*u);
}

Result<json> UsersActiveCmd(Call& call, bool active) {
    CRM_TRY(CheckArgNames(call.args, active ? "users.reactivate" : "users.deactivate", {"username"}));
    std::string name;
    CRM_TRY(RequireString(call.args, "username", name));
    return StatusJson(call.workspace.access().SetUserActive(call.actor, name, active),
                      json{{"username", name}, {"active", active}});
}
Result<json> UsersDeactivateCmd(Call& call) { return UsersActiveCmd(call, false); }
Result<json> UsersReactivateCmd(Call& call) { return UsersActiveCmd(call, true); }

Result<json> UsersDeleteCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "users.delete", {"username"}));
    std::string name;
    CRM_TRY(RequireString(call.args, "username", name));
    return StatusJson(call.workspace.access().DeleteUser(call.actor, name), json{{"deleted", name}});
}

Result<json> UsersTransferCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "users.transfer", {"from", "to", "object"}));
    std::string from, to, object;
    CRM_TRY(RequireString(call.args, "from", from));
    CRM_TRY(RequireString(call.args, "to", to));
    CRM_TRY(ReadString(call.args, "object", object));
    Result<int64_t> moved = call.workspace.access().TransferRecords(call.actor, from, to, object);
    if (!moved.ok()) return moved.error();
    return json{{"moved", *moved}};
}

Result<json> UsersPermsetCmd(Call& call, bool assign) {
    CRM_TRY(CheckArgNames(call.args, assign ? "users.assign_permset" : "users.unassign_permset",
                          {"username", "permission_set"}));
    std::string name, set;
    CRM_TRY(RequireString(call.args, "username", name));
    CRM_TRY(RequireString(call.args, "permission_set", set));
    AccessService& a = call.workspace.access();
    return StatusJson(assign ? a.AssignPermissionSet(call.actor, set, name)
                             : a.UnassignPermissionSet(call.actor, set, name),
                      json{{"username", name}, {"permission_set", set}, {"assigned", assign}});
}
Result<json> UsersAssignCmd(Call& call) { return UsersPermsetCmd(call, true); }
Result<json> UsersUnassignCmd(Call& call) { return UsersPermsetCmd(call, false); }

Result<json> UsersEffectiveCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "users.effective", {"username"}));
    std::string name;
    CRM_TRY(RequireString(call.args, "username", name));
    Result<EffectivePermissions> e = call.workspace.access().Effective(name);
    if (!e.ok()) return e.error();
    json objects = json::object();
    for (const auto& [o, bits] : e->objects) objects[o] = ObjectPermNames(bits);
    json fields = json::object();
    for (const auto& [o, fs] : e->fields) {
        for (const auto& [f, bits] : fs)
            fields[o][f] = json{{"read", (bits & kFieldRead) != 0}, {"edit", (bits & kFieldEdit) != 0}};
    }
    json system = json::array();
    for (SystemPermission p : e->system) system.push_back(SystemPermissionName(p));
    return json{{"objects", objects}, {"fields", fields}, {"system", system}};
}

Result<json> RolesListCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "roles.list", {}));
    json out = json::array();
    for (const Role& r : call.workspace.access().Roles()) out.push_back(ToJson(r));
    return out;
}

Result<json> RolesCreateCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "roles.create", {"name", "parent"}));
    std::string name, parent;
    CRM_TRY(RequireString(call.args, "name", name));
    CRM_TRY(ReadString(call.args, "parent", parent));
    Result<Role> r = call.workspace.access().CreateRole(call.actor, name, parent);
    if (!r.ok()) return r.error();
    return ToJson(*r);
}

Result<json> RolesRenameCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "roles.rename", {"role", "name"}));
    std::string role, name;
    CRM_TRY(RequireString(call.args, "role", role));
    CRM_TRY(RequireString(call.args, "name", name));
    return StatusJson(call.workspace.access().RenameRole(call.actor, role, name), json{{"role", name}});
}

Result<json> RolesMoveCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "roles.move", {"role", "parent"}));
    std::string role, parent;
    CRM_TRY(RequireString(call.args, "role", role));
    CRM_TRY(ReadString(call.args, "parent", parent));
    return StatusJson(call.workspace.access().MoveRole(call.actor, role, parent),
                      json{{"role", role}, {"parent", parent}});
}

Result<json> RolesDeleteCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "roles.delete", {"role"}));
    std::string role;
    CRM_TRY(RequireString(call.args, "role", role));
    return StatusJson(call.workspace.access().DeleteRole(call.actor, role), json{{"deleted", role}});
}

Result<json> TeamsListCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "teams.list", {}));
    json out = json::array();
    for (const Team& t : call.workspace.access().Teams()) out.push_back(ToJson(t));
    return out;
}

Result<json> TeamsCreateCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "teams.create", {"name", "description"}));
    std::string name, description;
    CRM_TRY(RequireString(call.args, "name", name));
    CRM_TRY(ReadString(call.args, "description", description));
    Result<Team> t = call.workspace.access().CreateTeam(call.actor, name, description);
    if (!t.ok()) return t.error();
    return ToJson(*t);
}

Result<json> TeamsDeleteCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "teams.delete", {"team"}));
    std::string team;
    CRM_TRY(RequireString(call.args, "team", team));
    return StatusJson(call.workspace.access().DeleteTeam(call.actor, team), json{{"deleted", team}});
}

Result<json> TeamsMemberCmd(Call& call, bool add) {
    CRM_TRY(CheckArgNames(call.args, add ? "teams.add_member" : "teams.remove_member", {"team", "username"}));
    std::string team, name;
    CRM_TRY(RequireString(call.args, "team", team));
    CRM_TRY(RequireString(call.args, "username", name));
    AccessService& a = call.workspace.access();
    return StatusJson(
        add ? a.AddTeamMember(call.actor, team, name) : a.RemoveTeamMember(call.actor, team, name),
        json{{"team", team}, {"username", name}, {"member", add}});
}
Result<json> TeamsAddMemberCmd(Call& call) { return TeamsMemberCmd(call, true); }
Result<json> TeamsRemoveMemberCmd(Call& call) { return TeamsMemberCmd(call, false); }

Result<json> TeamsPermsetCmd(Call& call, bool assign) {
    CRM_TRY(CheckArgNames(call.args, assign ? "teams.assign_permset" : "teams.unassign_permset",
                          {"team", "permission_set"}));
    std::string team, set;
    CRM_TRY(RequireString(call.args, "team", team));
    CRM_TRY(RequireString(call.args, "permission_set", set));
    AccessService& a = call.workspace.access();
    return StatusJson(assign ? a.AssignPermissionSetToTeam(call.actor, set, team)
                             : a.UnassignPermissionSetFromTeam(call.actor, set, team),
                      json{{"team", team}, {"permission_set", set}, {"assigned", assign}});
}
Result<json> TeamsAssignCmd(Call& call) { return TeamsPermsetCmd(call, true); }
Result<json> TeamsUnassignCmd(Call& call) { return TeamsPermsetCmd(call, false); }

// profiles.* and permsets.* share their handlers: the command's prefix picks the kind.
Result<json> SetsListCmd(Call& call, const char* command) {
    CRM_TRY(CheckArgNames(call.args, command, {}));
    json out = json::array();
    for (const PermissionSet& s : call.workspace.access().PermissionSets(*KindOf(command)))
        out.push_back(ToJson(s));
    return out;
}
Result<json> ProfilesListCmd(Call& call) { return SetsListCmd(call, "profiles.list"); }
Result<json> PermsetsListCmd(Call& call) { return SetsListCmd(call, "permsets.list"); }

Result<json> SetsCreateCmd(Call& call, const char* command) {
    CRM_TRY(CheckArgNames(call.args, command, {"name", "description", "copy_from"}));
    std::string name, description, copy_from;
    CRM_TRY(RequireString(call.args, "name", name));
    CRM_TRY(ReadString(call.args, "description", description));
    CRM_TRY(ReadString(call.args, "copy_from", copy_from));
    Result<PermissionSet> s = call.workspace.access().CreatePermissionSet(call.actor, *KindOf(command), name,
                                                                          description, copy_from);
    if (!s.ok()) return s.error();
    return ToJson(*s);
}
Result<json> ProfilesCreateCmd(Call& call) { return SetsCreateCmd(call, "profiles.create"); }
Result<json> PermsetsCreateCmd(Call& call) { return SetsCreateCmd(call, "permsets.create"); }

Result<json> SetsDeleteCmd(Call& call, const char* command) {
    CRM_TRY(CheckArgNames(call.args, command, {"name"}));
    std::string name;
    CRM_TRY(RequireString(call.args, "name", name));
    return StatusJson(call.workspace.access().DeletePermissionSet(call.actor, *KindOf(command), name),
                      json{{"deleted", name}});
}
Result<json> ProfilesDeleteCmd(Call& call) { return SetsDeleteCmd(call, "profiles.delete"); }
Result<json> PermsetsDeleteCmd(Call& call) { return SetsDeleteCmd(call, "permsets.delete"); }

Result<json> SetsObjectCmd(Call& call, const char* command) {
    CRM_TRY(CheckArgNames(call.args, command, {"name", "object", "permissions"}));
    std::string name, object;
    CRM_TRY(RequireString(call.args, "name", name));
    CRM_TRY(RequireString(call.args, "object", object));
    Result<uint8_t> bits = ParseObjectPerms(call.args.value("permissions", json()));
    if (!bits.ok()) return bits.error();
    Result<GrantChange> c =
        call.workspace.access().SetObjectPermissions(call.actor, *KindOf(command), name, object, *bits);
    if (!c.ok()) return c.error();
    return json{{"permissions", ObjectPermNames(c->bits)}, {"turned_on", c->turned_on}};
}
Result<json> ProfilesObjectCmd(Call& call) { return SetsObjectCmd(call, "profiles.set_object"); }
Result<json> PermsetsObjectCmd(Call& call) { return SetsObjectCmd(call, "permsets.set_object"); }

Result<json> SetsFieldCmd(Call& call, const char* command) {
    CRM_TRY(CheckArgNames(call.args, command, {"name", "object", "field", "read", "edit"}));
    std::string name, object, field;
    bool read = false, edit = false;
    CRM_TRY(RequireString(call.args, "name", name));
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(RequireString(call.args, "field", field));
    CRM_TRY(ReadBool(call.args, "read", read));
    CRM_TRY(ReadBool(call.args, "edit", edit));
    const uint8_t bits = static_cast<uint8_t>((read ? kFieldRead : 0) | (edit ? kFieldEdit : 0));
    Result<GrantChange> c =
        call.workspace.access().SetFieldPermissions(call.actor, *KindOf(command), name, object, field, bits);
    if (!c.ok()) return c.error();
    return json{{"read", (c->bits & kFieldRead) != 0},
                {"edit", (c->bits & kFieldEdit) != 0},
                {"turned_on", c->turned_on}};
}
Result<json> ProfilesFieldCmd(Call& call) { return SetsFieldCmd(call, "profiles.set_field"); }
Result<json> PermsetsFieldCmd(Call& call) { return SetsFieldCmd(call, "permsets.set_field"); }

Result<json> SetsSystemCmd(Call& call, const char* command) {
    CRM_TRY(CheckArgNames(call.args, command, {"name", "permission", "granted"}));
    std::string name, permission;
    bool granted = true;
    CRM_TRY(RequireString(call.args, "name", name));
    CRM_TRY(RequireString(call.args, "permission", permission));
    CRM_TRY(ReadBool(call.args, "granted", granted));
    std::optional<SystemPermission> p = ParseSystemPermission(permission);
    if (!p) return InvalidArgument("permission", "Unknown system permission " + Quote(permission) + ".");
    return StatusJson(
        call.workspace.access().SetSystemPermission(call.actor, *KindOf(command), name, *p, granted),
        json{{"name", name}, {"permission", permission}, {"granted", granted}});
}
Result<json> ProfilesSystemCmd(Call& call) { return SetsSystemCmd(call, "profiles.set_system"); }
Result<json> PermsetsSystemCmd(Call& call) { return SetsSystemCmd(call, "permsets.set_system"); }

Result<json> SharingListCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "sharing.list", {}));
    json out = json::array();
    for (const ObjectSharing& s : call.workspace.access().SharingSettings()) out.push_back(ToJson(s));
    return out;
}

Result<json> SharingSetCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "sharing.set",
                          {"object", "owd", "grant_access_using_hierarchies", "team_access"}));
    std::string object, owd, team;
    CRM_TRY(RequireString(call.args, "object", object));
    Result<ObjectSharing> current = call.workspace.access().SharingFor(object);
    if (!current.ok()) return current.error();
    ObjectSharing s = *current;
    CRM_TRY(ReadString(call.args, "owd", owd));
    if (!owd.empty()) {
        std::optional<OrgWideDefault> o = ParseOrgWideDefault(owd);
        if (!o) return InvalidArgument("owd", "\"owd\" is private, public_read or public_read_write.");
        s.owd = *o;
    }
    CRM_TRY(ReadBool(call.args, "grant_access_using_hierarchies", s.grant_access_using_hierarchies));
    CRM_TRY(ReadString(call.args, "team_access", team));
    if (!team.empty()) {
        if (team == "none")
            s.team_access = AccessLevel::None;
        else if (team == "read")
            s.team_access = AccessLevel::Read;
        else if (team == "edit")
            s.team_access = AccessLevel::Edit;
        else
            return InvalidArgument("team_access", "\"team_access\" is none, read or edit.");
    }
    CRM_TRY(call.workspace.access().SetSharing(call.actor, s));
    return ToJson(s);
}

Result<json> SharingRulesCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "sharing.rules", {"object"}));
    std::string object;
    CRM_TRY(ReadString(call.args, "object", object));
    json out = json::array();
    for (const SharingRule& r : call.workspace.access().SharingRules(object)) out.push_back(ToJson(r));
    return out;
}

Result<json> SharingSaveRuleCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "sharing.save_rule",
                          {"object", "name", "owned_by", "criteria", "share_with", "level"}));
    Result<SharingRule> rule = SharingRuleFromJson(call.args, SharingRule{});
    if (!rule.ok()) return rule.error();
    Result<SharingRule> saved = call.workspace.access().SaveSharingRule(call.actor, *rule);
    if (!saved.ok()) return saved.error();
    return ToJson(*saved);
}

Result<json> SharingDeleteRuleCmd(Call& call) {
    CRM_TRY(CheckArgNames(call.args, "sharing.delete_rule", {"object", "name"}));
    std::string object, name;
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(RequireString(call.args, "name", name));
    return StatusJson(call.workspace.access().DeleteSharingRule(call.actor, object, name),
                      json{{"deleted", name}});
}

Result<json> AccessDecideCmd(Call& call, bool explain) {
    CRM_TRY(CheckArgNames(call.args, explain ? "access.explain" : "access.check",
                          {"username", "action", "object", "id"}));
    std::string user, action, object;
    int id = 0;
    CRM_TRY(RequireString(call.args, "username", user));
    CRM_TRY(RequireString(call.args, "action", action));
    CRM_TRY(RequireString(call.args, "object", object));
    CRM_TRY(ReadInt(call.args, "id", id));
    std::optional<ObjectAction> a = ParseObjectAction(action);
    if (!a) return InvalidArgument("action", "\"action\" is read, create, edit or delete.");
    AccessService& access = call.workspace.access();
    if (Result<User> u = access.GetUser(user); !u.ok())
        return Error{u.error().code, u.error().message, "username", 0, 0};
    if (Result<std::shared_ptr<const ObjectDef>> o = call.workspace.schema().Object(object); !o.ok()) {
        return Error{o.error().code, o.error().message, "object", 0, 0};
    }
    AccessExplanation e = access.Explain(user, *a, object, id);
    json out = ToJson(e);
    if (!explain) out.erase("reasons");
    return out;
}
Result<json> AccessCheckCmd(Call& call) { return AccessDecideCmd(call, false); }
Result<json> AccessExplainCmd(Call& call) { return AccessDecideCmd(call, true); }

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
        {{"objects.list", "Lists the objects (standard first), without their fields.", "", false},
         ObjectsListCmd},
        {{"objects.get", "Returns an object with all its fields (deleted ones flagged).", "object: string",
          false},
         ObjectsGetCmd},
        {{"objects.create", "Creates a custom object with its record table, name field and default layout.",
          "api_name: string, label: string, plural_label?: string, label_zh?: string, description?: string, "
          "name_format?: "
          "string "
          "(auto-number record names, e.g. \"INV-{0000}\")",
          true},
         ObjectsCreateCmd},
        {{"objects.update", "Changes an object's labels and description.",
          "object: string, label?: string, plural_label?: string, label_zh?: string, description?: string",
          true},
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
        {{"fields.restore", "Brings a deleted field back with its data.", "object: string, field: string",
          true},
         FieldsRestoreCmd},
        {{"fields.purge", "Drops the column of a deleted field for good.", "object: string, field: string",
          true},
         FieldsPurgeCmd},
        {{"fields.retype_preview", "Dry run of a type change: every value that would not convert.",
          "object: string, field: {api_name, type, ...}, limit?: integer", false},
         FieldsRetypePreviewCmd},
        {{"fields.retype", "Changes a field's type, converting its column in one transaction.",
          "object: string, field: {api_name, type, ...}, mode?: \"refuse\"|\"clear\"", true},
         FieldsRetypeCmd},
        {{"layouts.list", "Lists an object's layouts with their profile assignments.", "object: string",
          false},
         LayoutsListCmd},
        {{"layouts.get", "Returns a layout by name, or the one a profile sees.",
          "object: string, name?: string, profile?: string", false},
         LayoutsGetCmd},
        {{"layouts.save", "Creates or replaces (by name) a layout.",
          "object: string, layout: {name, is_default?, sections: [{title, columns, items}]}", true},
         LayoutsSaveCmd},
        {{"layouts.assign", "Assigns a layout to a profile.",
          "object: string, profile: string, layout: string", true},
         LayoutsAssignCmd},
        {{"layouts.preview",
          "The record form as a profile sees it (its field-level security applied): sections of fields with "
          "labels "
          "and flags.",
          "object: string, profile?: string, name?: string", false},
         LayoutsPreviewCmd},
        {{"rules.list", "Lists an object's validation rules in order.", "object: string", false},
         RulesListCmd},
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
        {{"rules.delete", "Deletes a validation rule.", "object: string, name: string", true},
         RulesDeleteCmd},
        {{"rules.test", "Runs a rule condition against the stored records: how many, and which, would fail.",
          "object: string, condition: string, limit?: integer", false},
         RulesTestCmd},
        // Records and list views.
        {{"records.list", "A filtered, sorted page of records (fields the user cannot read are absent).",
          "object: string, columns?: [string], filter_formula?: string, filters?: [{field, op, value}], "
          "sort_field?: string, sort_desc?: boolean, offset?: integer, limit?: integer (1..1000)",
          false},
         RecordsListCmd},
        {{"records.get", "Returns one record, formula fields computed.", "object: string, id: integer",
          false},
         RecordsGetCmd},
        {{"records.create", "Creates a record (or a batch, all or nothing) through the save pipeline.",
          "object: string, values?: {Field: value}, records?: [{Field: value}]", true},
         RecordsCreateCmd},
        {{"records.update", "Changes the given fields of a record through the save pipeline.",
          "object: string, id: integer, values: {Field: value}", true},
         RecordsUpdateCmd},
        {{"records.delete", "Deletes a record; lookups pointing at it are cleared.",
          "object: string, id: integer", true},
         RecordsDeleteCmd},
        {{"records.history", "The field history of a record, newest first.", "object: string, id: integer",
          false},
         RecordsHistoryCmd},
        {{"listviews.list", "Lists the acting user's list views of an object.", "object: string", false},
         ListViewsListCmd},
        {{"listviews.save", "Saves (creates or replaces by name) one of the acting user's list views.",
          "object: string, name: string, query: {columns?, filter_formula?, filters?, sort_field?, "
          "sort_desc?}",
          true},
         ListViewsSaveCmd},
        {{"listviews.delete", "Deletes one of the acting user's list views.", "object: string, name: string",
          true},
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

        // Users, roles, teams, profiles, permission sets, sharing, access checks.
        {{"users.list", "Lists every user with role, profile, teams and permission sets.", "", false},
         UsersListCmd},
        {{"users.get", "Returns one user.", "username: string", false}, UsersGetCmd},
        {{"users.create", "Creates a user (Manage Users).",
          "username: string, full_name: string, email: string, profile: string, role?: string, manager?: "
          "string, "
          "phone?: string, active?: boolean, language?: \"en\"|\"zh-CN\", time_zone?: string",
          true},
         UsersCreateCmd},
        {{"users.update", "Changes a user (Manage Users); new_username renames.",
          "username: string, new_username?: string, full_name?, email?, profile?, role?, manager?, phone?, "
          "active?, "
          "language?, time_zone?",
          true},
         UsersUpdateCmd},
        {{"users.deactivate", "Deactivates a user; refused for the last active user with Manage Users.",
          "username: string", true},
         UsersDeactivateCmd},
        {{"users.reactivate", "Reactivates a user.", "username: string", true}, UsersReactivateCmd},
        {{"users.delete", "Deletes a user who owns no record (else deactivate or transfer first).",
          "username: string", true},
         UsersDeleteCmd},
        {{"users.transfer", "Moves the records owned by one user to another.",
          "from: string, to: string, object?: string (default: every object)", true},
         UsersTransferCmd},
        {{"users.assign_permset", "Assigns a permission set to a user.",
          "username: string, permission_set: string", true},
         UsersAssignCmd},
        {{"users.unassign_permset", "Removes a permission set from a user.",
          "username: string, permission_set: string", true},
         UsersUnassignCmd},
        {{"users.effective", "A user's effective permissions: the union of profile and permission sets.",
          "username: string", false},
         UsersEffectiveCmd},
        {{"roles.list", "Lists the roles with their parents.", "", false}, RolesListCmd},
        {{"roles.create", "Creates a role under a parent (or as a root).", "name: string, parent?: string",
          true},
         RolesCreateCmd},
        {{"roles.rename", "Renames a role.", "role: string, name: string", true}, RolesRenameCmd},
        {{"roles.move", "Moves a role and its subtree; a role cannot become its own ancestor.",
          "role: string, parent?: string (\"\" = root)", true},
         RolesMoveCmd},
        {{"roles.delete", "Deletes a role with no users, child roles or sharing rules.", "role: string",
          true},
         RolesDeleteCmd},
        {{"teams.list", "Lists the teams with members and permission sets.", "", false}, TeamsListCmd},
        {{"teams.create", "Creates a team.", "name: string, description?: string", true}, TeamsCreateCmd},
        {{"teams.delete", "Deletes a team (its memberships and rules go with it).", "team: string", true},
         TeamsDeleteCmd},
        {{"teams.add_member", "Adds a user to a team.", "team: string, username: string", true},
         TeamsAddMemberCmd},
        {{"teams.remove_member", "Removes a user from a team.", "team: string, username: string", true},
         TeamsRemoveMemberCmd},
        {{"teams.assign_permset", "Assigns a permission set to every member of a team.",
          "team: string, permission_set: string", true},
         TeamsAssignCmd},
        {{"teams.unassign_permset", "Removes a permission set from a team.",
          "team: string, permission_set: string", true},
         TeamsUnassignCmd},
        {{"profiles.list", "Lists the profiles with their grants.", "", false}, ProfilesListCmd},
        {{"profiles.create", "Creates a profile (empty, or a copy).",
          "name: string, description?: string, copy_from?: string", true},
         ProfilesCreateCmd},
        {{"profiles.delete", "Deletes a profile no user has.", "name: string", true}, ProfilesDeleteCmd},
        {{"profiles.set_object",
          "Sets a profile's permissions on an object; dependencies are turned on and listed.",
          "name: string, object: string, permissions: [\"read\"|\"create\"|\"edit\"|\"delete\"|\"view_all\"|"
          "\"modify_all\"]",
          true},
         ProfilesObjectCmd},
        {{"profiles.set_field", "Sets a profile's permissions on a field (edit turns read on).",
          "name: string, object: string, field: string, read?: boolean, edit?: boolean", true},
         ProfilesFieldCmd},
        {{"profiles.set_system", "Grants or revokes a system permission on a profile.",
          "name: string, permission: string, granted?: boolean", true},
         ProfilesSystemCmd},
        {{"permsets.list", "Lists the permission sets with their grants.", "", false}, PermsetsListCmd},
        {{"permsets.create", "Creates a permission set (empty, or a copy).",
          "name: string, description?: string, copy_from?: string", true},
         PermsetsCreateCmd},
        {{"permsets.delete", "Deletes a permission set and its assignments.", "name: string", true},
         PermsetsDeleteCmd},
        {{"permsets.set_object",
          "Sets a permission set's permissions on an object; dependencies turned on and listed.",
          "name: string, object: string, permissions: [string]", true},
         PermsetsObjectCmd},
        {{"permsets.set_field", "Sets a permission set's permissions on a field.",
          "name: string, object: string, field: string, read?: boolean, edit?: boolean", true},
         PermsetsFieldCmd},
        {{"permsets.set_system", "Grants or revokes a system permission on a permission set.",
          "name: string, permission: string, granted?: boolean", true},
         PermsetsSystemCmd},
        {{"sharing.list", "The sharing settings of every object.", "", false}, SharingListCmd},
        {{"sharing.set", "Changes an object's org-wide default, hierarchy switch or team access.",
          "object: string, owd?: \"private\"|\"public_read\"|\"public_read_write\", "
          "grant_access_using_hierarchies?: boolean, team_access?: \"none\"|\"read\"|\"edit\"",
          true},
         SharingSetCmd},
        {{"sharing.rules", "Lists the sharing rules (of one object, or all).", "object?: string", false},
         SharingRulesCmd},
        {{"sharing.save_rule", "Creates or replaces (by name) an owner-based or criteria-based sharing rule.",
          "object: string, name: string, owned_by?: {kind, name}, criteria?: string, share_with: {kind, "
          "name}, "
          "level: \"read\"|\"edit\"",
          true},
         SharingSaveRuleCmd},
        {{"sharing.delete_rule", "Deletes a sharing rule.", "object: string, name: string", true},
         SharingDeleteRuleCmd},
        {{"access.check", "May this user do this action on this object (and record)?",
          "username: string, action: \"read\"|\"create\"|\"edit\"|\"delete\", object: string, id?: integer",
          false},
         AccessCheckCmd},
        {{"access.explain",
          "The decision with the grants behind it (or the missing grant), in English and Chinese.",
          "username: string, action: string, object: string, id?: integer", false},
         AccessExplainCmd},
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
    // "as" must name an active user (or the workspace is in setup mode). A read command without "as" is a
    // trusted local caller.
    if (!actor.empty()) {
        if (Status s = workspace_.access().CheckActor(actor); !s.ok() || actor == kDemoActorName) {
            if (s.ok())
                return ErrorJson(
                    MakeError("access.unknown_user", "\"demo\" is the demo generator, not a user.", "as"));
            return ErrorJson(s.error());
        }
        // The system permission each command needs is checked by its service (schema, company, audit,
        // access), so the console and the API meet one rule.
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
