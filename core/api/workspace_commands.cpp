// workspace.* and commands.*: facts about the open workspace and the command interface itself.
#include "api/command.h"
#include "workspace.h"

namespace crm::api {

namespace {

Result<json> WorkspaceInfoCmd(Call& call) {
    WorkspaceInfo info = call.workspace.Info();
    return json{{"path", info.path},
                {"schema_version", info.schema_version},
                {"sqlite_version", info.sqlite_version},
                {"app_version", info.app_version},
                {"created_now", info.created_now},
                {"change_count", info.change_count}};
}

Result<json> CommandsListCmd(Call&) {
    json out = json::array();
    for (const CommandSpec& c : AllCommands()) {
        out.push_back({{"name", c.name},
                       {"summary", c.summary},
                       {"args", ArgListText(c.args)},
                       {"reads", ReadsText(c.reads)},
                       {"mutating", c.mutating}});
    }
    return out;
}

}  // namespace

void RegisterWorkspaceCommands(Registry& r) {
    r.push_back({"workspace.info",
                 "Describes the open workspace: file, schema version, versions and change count.",
                 {},
                 PublicFacts(),
                 false,
                 json::object(),
                 WorkspaceInfoCmd});
    r.push_back({"commands.list",
                 "Lists every command with its arguments and what it reads.",
                 {},
                 PublicFacts(),
                 false,
                 json::object(),
                 CommandsListCmd});
}

}  // namespace crm::api
