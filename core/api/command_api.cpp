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
        Call call{workspace_, actor, *args};
        Result<json> result = spec->handler(call);
        if (!result.ok()) return ErrorJson(result.error());
        return json{{"ok", true}, {"result", std::move(result.value())}};
    } catch (const std::exception& ex) {
        // A last-resort net: every expected failure is an Error value, so reaching here is a bug.
        return ErrorJson(MakeError("internal", std::string("Internal error: ") + ex.what()));
    }
}

}  // namespace crm
