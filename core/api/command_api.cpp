// The JSON command interface: parsing a request, finding its command, resolving the acting user, checking
// the arguments and what the command reads, then running it. Commands are declared in the registration
// file of their area (<area>_commands.cpp); command.h describes a declaration.
#include "api/command_api.h"

#include <algorithm>
#include <exception>
#include <unordered_map>

#include "api/command.h"
#include "common/error_text.h"
#include "common/json_error.h"
#include "common/messages.h"
#include "common/text.h"
#include "workspace.h"

namespace crm {

namespace api {

void RegisterAuthCommands(Registry& r);      // auth_commands.cpp (issue 16)
void RegisterApiKeyCommands(Registry& r);    // apikey_commands.cpp (issue 14)
void RegisterNotifyCommands(Registry& r);    // notify_commands.cpp (issue 12)
void RegisterOutboxCommands(Registry& r);    // outbox_commands.cpp (issue 12)
void RegisterReminderCommands(Registry& r);  // reminder_commands.cpp (issue 12)
void RegisterWebhookCommands(Registry& r);   // webhook_commands.cpp (issue 14)
void RegisterConnectorCommands(Registry& r);  // connector_commands.cpp (issue 14)

const Registry& AllCommands() {
    static const Registry registry = [] {
        Registry r;
        for (void (*area)(Registry&) :
             {RegisterWorkspaceCommands, RegisterCompanyCommands, RegisterAuditCommands,
              RegisterSchemaCommands, RegisterRecordsCommands, RegisterAccessCommands,
              RegisterAutomationCommands, RegisterProcessCommands, RegisterApprovalCommands,
              RegisterDataCommands, RegisterReportCommands, RegisterAuthCommands, RegisterApiKeyCommands,
              RegisterNotifyCommands, RegisterOutboxCommands, RegisterReminderCommands,
              RegisterConfigCommands, RegisterWebhookCommands, RegisterConnectorCommands}) {
            area(r);
        }
        return r;
    }();
    return registry;
}

}  // namespace api

namespace {

using api::CommandSpec;
using api::Quote;
using api::Reads;
using nlohmann::json;

json ErrorJson(const Error& e) { return json{{"ok", false}, {"error", api::ErrorObject(e)}}; }

const CommandSpec* FindCommand(const std::string& name) {
    static const std::unordered_map<std::string, const CommandSpec*> by_name = [] {
        std::unordered_map<std::string, const CommandSpec*> map;
        for (const CommandSpec& c : api::AllCommands()) map.emplace(c.name, &c);
        return map;
    }();
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : it->second;
}

std::vector<std::string> CommandNames() {
    std::vector<std::string> names;
    for (const CommandSpec& c : api::AllCommands()) names.push_back(c.name);
    return names;
}

// Ok when the actor may read what the command declares it reads; the handler trims the rest.
Status CheckReads(const CommandSpec& c, Workspace& w, const std::string& actor, const json& args) {
    const Reads& reads = c.reads;
    if (reads.kind == Reads::Kind::Public) return Status::Ok();
    if (reads.kind == Reads::Kind::Setup) {
        AccessService& access = w.access();
        for (SystemPermission p : reads.any_of) {
            if (access.HasSystemPermission(actor, p)) return Status::Ok();
        }
        if (reads.self_arg && args.contains(reads.self_arg) && args[reads.self_arg].is_string() &&
            ToLowerAscii(args[reads.self_arg].get<std::string>()) == ToLowerAscii(actor)) {
            return Status::Ok();
        }
        if (reads.any_of.size() == 1) return access.Require(actor, reads.any_of.front());
        assert(reads.any_of.size() == 2 && "a command reads setup data behind one or two permissions");
        return MessageError("access.denied", "api.needs_one_of",
                            {{"one", SystemPermissionLabel(reads.any_of[0])},
                             {"other", SystemPermissionLabel(reads.any_of[1])}},
                            "as");
    }
    // Schema, Records, Own: the object named in the arguments must be readable. An unknown object is left
    // to the handler, which names it.
    auto object = args.find("object");
    if (object == args.end() || !object->is_string()) return Status::Ok();
    auto def = w.schema().Object(object->get<std::string>());
    if (!def.ok()) return Status::Ok();
    if (reads.kind == Reads::Kind::Schema &&
        w.access().HasSystemPermission(actor, SystemPermission::CustomizeSchema))
        return Status::Ok();
    if (w.access().Decide(actor, ObjectAction::Read, (*def)->api_name).allowed) return Status::Ok();
    return MakeError("records.no_access", "You do not have permission to read " + (*def)->api_name + ".",
                     "object");
}

// Records where parsing stopped; everything else is accepted, since the DOM parse already failed.
Error BadJson(std::string_view text) {
    const JsonParseError located = LocateJsonError(text);
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error
    // ...".
    std::string reason = located.reason;
    if (size_t colon = reason.find(": "); colon != std::string::npos) reason = reason.substr(colon + 2);
    const size_t offset = std::min(located.position, text.size());
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
        for (const CommandSpec& c : api::AllCommands()) {
            out.push_back({c.name, c.summary, api::ArgListText(c.args), api::ReadsText(c.reads), c.mutating,
                           c.example});
        }
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
    const CommandSpec* spec = FindCommand(name);
    if (!spec) {
        std::string message = "Unknown command " + Quote(name) + ".";
        std::string close = ClosestMatch(name, CommandNames());
        message += close.empty() ? " Send {\"cmd\": \"commands.list\"} to see every command."
                                 : " Did you mean " + Quote(close) + "?";
        return ErrorJson(MakeError("unknown_command", message, "cmd"));
    }
    // Every command runs as a user: "as", or the workspace's owner.
    std::string actor;
    if (auto as = request.find("as"); as != request.end() && !as->is_null()) {
        if (!as->is_string() || IsBlank(as->get<std::string>())) {
            return ErrorJson(
                api::InvalidArgument("as", "\"as\" must be the acting user's name as a string."));
        }
        actor = as->get<std::string>();
        if (IsSystemActor(actor)) {
            return ErrorJson(
                MessageError("access.unknown_user", "api.system_actor", {{"name", Quote(actor)}}, "as"));
        }
    } else {
        actor = workspace_.access().WorkspaceOwner();
    }
    if (Status s = workspace_.access().CheckActor(actor); !s.ok()) return ErrorJson(s.error());
    static const json kNoArgs = json::object();
    const json* args = &kNoArgs;
    if (auto a = request.find("args"); a != request.end() && !a->is_null()) {
        if (!a->is_object()) {
            return ErrorJson(
                api::InvalidArgument("args", "\"args\" must be a JSON object, not " + a->dump() + "."));
        }
        args = &*a;
    }
    if (Status s = api::ValidateArgs(spec->name, spec->args, *args); !s.ok()) return ErrorJson(s.error());
    if (Status s = CheckReads(*spec, workspace_, actor, *args); !s.ok()) return ErrorJson(s.error());
    try {
        api::Call call{workspace_, actor, *args, json()};
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
