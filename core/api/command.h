// Internals of the command interface, shared by its area files (callers include command_api.h).
//
// [SECTION] Arguments   ArgType, Arg: the description that validates a request and documents it
// [SECTION] Reads       what a command reads, checked before its handler runs
// [SECTION] Call        what a handler receives: the workspace, the acting user, validated arguments
// [SECTION] Commands    CommandSpec and the per-area registration functions
//
// A command is declared once, in the registration file of its area (<area>_commands.cpp): name, summary,
// arguments, what it reads, whether it changes the workspace, an example request (documentation and the
// registry walk of tests/core/api_access_test.cpp) and its handler.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "access/policy.h"
#include "common/result.h"
#include "formula/formula.h"

namespace crm {

class Workspace;
struct ObjectDef;

namespace api {

using nlohmann::json;

// [SECTION] Arguments

enum class ArgType {
    String,   ///< a JSON string; a required one must not be empty (blank ones are the service's to judge)
    Integer,  ///< a whole number, clamped to +-2^30 (the service clamps further)
    Id,       ///< a record id: a positive whole number (64-bit)
    Boolean,  ///< true or false
    Time,     ///< Unix milliseconds, or a UTC ISO date / date-time
    Object,   ///< a JSON object, read further by the service
    Array,    ///< a JSON array, read further by the service
    Value,    ///< any JSON value, read further by the service
};

/// One argument of a command. `doc` overrides the type's name in the documented argument list
/// (`"\"refuse\"|\"clear\""`, `"{api_name, label, type, ...}"`).
struct Arg {
    const char* name;
    ArgType type;
    bool required = false;
    const char* doc = nullptr;
};

/// The argument list as docs/commands.md writes it: "object: string, include_deleted?: boolean".
std::string ArgListText(const std::vector<Arg>& args);

/// Ok when `args` (a JSON object) has only declared names, each of its type, and every required one.
Status ValidateArgs(const std::string& command, const std::vector<Arg>& declared, const json& args);

// [SECTION] Reads

/// What a command reads, so that nothing it answers escapes its acting user's access. The dispatcher
/// checks it before the handler runs; the handler (or the service it calls) trims what remains.
struct Reads {
    enum class Kind {
        Public,   ///< facts every active user may know (the command list, option lists, the company profile)
        Setup,    ///< configuration: needs one of `any_of` (or names the actor in `self_arg`)
        Schema,   ///< metadata of args.object: Customize Schema, or Read on the object (fields trimmed)
        Records,  ///< records of args.object: Read on the object; the records service trims the rest
        Own,      ///< the actor's own items (list views) of args.object: Read on the object
    };
    Kind kind = Kind::Public;
    std::vector<SystemPermission> any_of;  ///< Setup: holding any one suffices
    const char* self_arg = nullptr;        ///< Setup: naming the actor in this argument suffices
    const char* what = "";                 ///< what it reads, in the words of the denial ("the users")
};

Reads PublicFacts();
Reads SetupData(const char* what, std::vector<SystemPermission> any_of, const char* self_arg = nullptr);
Reads ObjectMetadata();
Reads ObjectRecords();
Reads OwnItems();

/// The text of a Reads for the documentation ("Manage Users or Manage Roles and Permissions").
std::string ReadsText(const Reads& reads);

// [SECTION] Call

/// What a handler receives. Arguments are validated against the command's description before the
/// handler runs, so the typed getters below cannot meet a wrong type.
struct Call {
    Workspace& workspace;
    const std::string& actor;  ///< always a user: "as", or the workspace's owner
    const json& args;          ///< always an object
    json error_details;        ///< set by a handler that reports several errors ("errors" in the answer)

    std::string Str(const char* key, std::string fallback = {}) const;
    int Int(const char* key, int fallback) const;
    int64_t Id(const char* key) const;  ///< 0 when absent
    bool Bool(const char* key, bool fallback) const;
    std::optional<int64_t> Time(const char* key) const;
    const json* Obj(const char* key) const;  ///< nullptr when absent

    /// True when the actor holds `permission`.
    bool Holds(SystemPermission permission) const;
    /// Read on the object (Customize Schema counts for metadata, not for records).
    bool CanReadObject(const std::string& object) const;
    /// A field of `object` the actor may read (Customize Schema sees every field's metadata).
    bool SeesField(const std::string& object, const std::string& field) const;
};

using Handler = Result<json> (*)(Call&);

// [SECTION] Commands

struct CommandSpec {
    std::string name;     ///< "company.update"
    const char* summary;  ///< one sentence
    std::vector<Arg> args;
    Reads reads;
    bool mutating = false;
    json example;  ///< the args of an example request
    Handler handler = nullptr;
};

using Registry = std::vector<CommandSpec>;

// One registration function per area, called in documentation order by command_api.cpp.
void RegisterWorkspaceCommands(Registry& r);
void RegisterCompanyCommands(Registry& r);
void RegisterAuditCommands(Registry& r);
void RegisterSchemaCommands(Registry& r);
void RegisterRecordsCommands(Registry& r);
void RegisterAccessCommands(Registry& r);
void RegisterAutomationCommands(Registry& r);
void RegisterProcessCommands(Registry& r);
void RegisterApprovalCommands(Registry& r);
void RegisterDataCommands(Registry& r);
void RegisterReportCommands(Registry& r);
void RegisterConfigCommands(Registry& r);  // config_commands.cpp (issue 14)

/// Every command, in documentation order.
const Registry& AllCommands();

/// Compiles a formula on `object` as the actor reads it: a field the actor cannot read is as unknown as a
/// missing one, so a formula cannot be used to learn of it (or of its values).
Result<formula::CompiledFormula> CompileAsActor(Call& call, const ObjectDef& object, std::string_view text,
                                                const formula::CompileOptions& options,
                                                bool with_formulas = true);

// Helpers the handlers share.
Error InvalidArgument(const std::string& field, const std::string& message);
std::string Quote(const std::string& text);
/// An error object as the command interface answers it (code, message, message_zh, field, line, position).
json ErrorObject(const Error& e);
/// Several errors (a save's, for example) travel as "errors" next to the first one.
Error WithDetails(Call& call, const std::vector<Error>& errors);
/// The answer of a service call that returns only a status.
Result<json> StatusJson(Status s, json ok);

}  // namespace api
}  // namespace crm
