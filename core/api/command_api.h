// The JSON command interface over every service:
//   {"cmd": "company.update", "as": "<username>", "args": {...}}
//   -> {"ok": true, "result": ...}
//   -> {"ok": false, "error": {"code": "...", "message": "...", "field": "..."}}
// The CLI, the web bridge (window.crm) and the end-to-end tests all speak it.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace crm {

class Workspace;

/// One command's documentation, the source of docs/commands.md.
struct CommandInfo {
    std::string name;        ///< "company.update"
    std::string summary;     ///< one sentence
    std::string args;        ///< argument list, e.g. "name?: string, currency?: string"
    std::string reads;       ///< what the acting user needs to read its answer
    bool mutating = false;   ///< changes the workspace
    nlohmann::json example;  ///< the args of an example request
};

/// Runs JSON commands against one workspace, each as a user: the request's "as", or the workspace's owner.
/// A command is declared once, in its area's registration file (core/api/<area>_commands.cpp).
class CommandApi {
public:
    explicit CommandApi(Workspace& workspace) : workspace_(workspace) {}
    /// Parses and runs a request; malformed JSON, unknown commands and wrong argument types
    /// answer an error object, never a crash.
    std::string Execute(std::string_view request_json);
    /// Overloads that keep `Execute(some_string)` from being ambiguous with the json overload.
    std::string Execute(const std::string& request_json) { return Execute(std::string_view(request_json)); }
    std::string Execute(const char* request_json) { return Execute(std::string_view(request_json)); }
    /// Runs an already-parsed request and answers the response object.
    nlohmann::json Execute(const nlohmann::json& request);
    /// Every command, in documentation order.
    static const std::vector<CommandInfo>& Commands();

private:
    Workspace& workspace_;
};

}  // namespace crm
