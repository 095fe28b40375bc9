// processes.* and assignment.*: processes (stages on a picklist) and assignment rules, their simulation,
// and the queues of assignment.
#include "api/command.h"
#include "common/text.h"
#include "workspace.h"

namespace crm::api {

namespace {

const Reads kWorkflowSetup = SetupData("the workflow settings", {SystemPermission::ManageWorkflows});

/// The process keys a request may carry (the JSON form of a process, flattened into the arguments).
const char* const kProcessKeys[] = {"object", "field",  "description", "probability_field",
                                    "active", "stages", "profiles",    "teams"};

json ProcessArgs(const Call& call) {
    json out = json::object();
    for (const char* k : kProcessKeys)
        if (call.args.contains(k)) out[k] = call.args[k];
    return out;
}

std::vector<int64_t> Ids(const Call& call) {
    std::vector<int64_t> ids;
    if (const json* list = call.Obj("ids"))
        for (const json& v : *list)
            if (v.is_number_integer() && v.get<int64_t>() > 0) ids.push_back(v.get<int64_t>());
    return ids;
}

Result<json> ProcessesListCmd(Call& call) {
    Result<std::vector<Process>> list = call.workspace.processes().List(call.actor, call.Str("object"));
    if (!list.ok()) return list.error();
    json out = json::array();
    for (const Process& p : *list) out.push_back(ToJson(p));
    return out;
}

Result<json> ProcessesGetCmd(Call& call) {
    Result<Process> p = call.workspace.processes().Get(call.actor, call.Str("name"));
    if (!p.ok()) return p.error();
    return ToJson(*p);
}

Result<json> ProcessesCreateCmd(Call& call) {
    Process base;
    base.name = call.Str("name");
    Result<Process> spec = ProcessFromJson(ProcessArgs(call), base);
    if (!spec.ok()) return spec.error();
    Result<Process> made = call.workspace.processes().Create(call.actor, *spec);
    if (!made.ok()) return made.error();
    return ToJson(*made);
}

Result<json> ProcessesUpdateCmd(Call& call) {
    Result<Process> current = call.workspace.processes().Get(call.actor, call.Str("name"));
    if (!current.ok()) return current.error();
    Result<Process> spec = ProcessFromJson(ProcessArgs(call), *current);
    if (!spec.ok()) return spec.error();
    if (call.args.contains("new_name")) spec->name = call.Str("new_name");
    Result<Process> saved = call.workspace.processes().Update(call.actor, *spec);
    if (!saved.ok()) return saved.error();
    return ToJson(*saved);
}

Result<json> ProcessesDeleteCmd(Call& call) {
    return StatusJson(call.workspace.processes().Delete(call.actor, call.Str("name")),
                      json{{"deleted", call.Str("name")}});
}

Result<json> ProcessesSimulateCmd(Call& call) {
    Process base;
    if (call.args.contains("name")) {
        Result<Process> current = call.workspace.processes().Get(call.actor, call.Str("name"));
        if (!current.ok()) return current.error();
        base = *current;
    }
    json changes = call.Obj("process") ? *call.Obj("process") : json::object();
    Result<Process> spec = ProcessFromJson(changes, base);
    if (!spec.ok()) return spec.error();
    if (spec->name.empty()) spec->name = "(simulation)";
    Result<ProcessSimulation> sim = call.workspace.processes().Simulate(
        call.actor, *spec, Ids(call), call.Str("filter"), call.Str("to_stage"), call.Int("limit", 200));
    if (!sim.ok()) return sim.error();
    return ToJson(*sim);
}

/// The entry keys a request may carry.
const char* const kEntryKeys[] = {"position", "active", "condition",      "kind",
                                  "user",     "team",   "open_condition", "on_update"};

json EntryArgs(const Call& call) {
    json out = json::object();
    for (const char* k : kEntryKeys)
        if (call.args.contains(k)) out[k] = call.args[k];
    return out;
}

Result<json> AssignmentListCmd(Call& call) {
    Result<std::vector<AssignmentEntry>> list =
        call.workspace.assignment().List(call.actor, call.Str("object"));
    if (!list.ok()) return list.error();
    json out = json::array();
    for (const AssignmentEntry& e : *list) {
        json j = ToJson(e);
        if (e.kind == AssignKind::RoundRobin)
            j["last_assigned"] = call.workspace.assignment().LastAssigned(e.id);
        out.push_back(std::move(j));
    }
    return out;
}

Result<json> AssignmentCreateCmd(Call& call) {
    AssignmentEntry base;
    base.object = call.Str("object");
    base.name = call.Str("name");
    Result<AssignmentEntry> spec = AssignmentEntryFromJson(EntryArgs(call), base);
    if (!spec.ok()) return spec.error();
    Result<AssignmentEntry> made = call.workspace.assignment().Create(call.actor, *spec);
    if (!made.ok()) return made.error();
    return ToJson(*made);
}

Result<json> AssignmentUpdateCmd(Call& call) {
    Result<std::vector<AssignmentEntry>> list =
        call.workspace.assignment().List(call.actor, call.Str("object"));
    if (!list.ok()) return list.error();
    AssignmentEntry base;
    base.object = call.Str("object");
    base.name = call.Str("name");
    for (const AssignmentEntry& e : *list)
        if (ToLowerAscii(e.name) == ToLowerAscii(base.name)) base = e;
    Result<AssignmentEntry> spec = AssignmentEntryFromJson(EntryArgs(call), base);
    if (!spec.ok()) return spec.error();
    if (call.args.contains("new_name")) spec->name = call.Str("new_name");
    Result<AssignmentEntry> saved = call.workspace.assignment().Update(call.actor, *spec);
    if (!saved.ok()) return saved.error();
    return ToJson(*saved);
}

Result<json> AssignmentDeleteCmd(Call& call) {
    return StatusJson(call.workspace.assignment().Delete(call.actor, call.Str("object"), call.Str("name")),
                      json{{"deleted", call.Str("name")}});
}

Result<json> AssignmentReorderCmd(Call& call) {
    std::vector<std::string> names;
    if (const json* list = call.Obj("names"))
        for (const json& v : *list)
            if (v.is_string()) names.push_back(v.get<std::string>());
    CRM_TRY(call.workspace.assignment().Reorder(call.actor, call.Str("object"), names));
    return AssignmentListCmd(call);
}

Result<json> AssignmentSimulateCmd(Call& call) {
    std::optional<std::vector<AssignmentEntry>> entries;
    if (const json* list = call.Obj("entries")) {
        entries.emplace();
        for (size_t i = 0; i < list->size(); ++i) {
            AssignmentEntry base;
            base.object = call.Str("object");
            Result<AssignmentEntry> e = AssignmentEntryFromJson((*list)[i], base);
            if (!e.ok()) {
                Error err = e.error();
                err.field = "entries[" + std::to_string(i) + "]." + err.field;
                return err;
            }
            entries->push_back(std::move(*e));
        }
    }
    Result<std::vector<AssignmentPreview>> sim = call.workspace.assignment().Simulate(
        call.actor, call.Str("object"), Ids(call), call.Str("filter"), entries, call.Int("limit", 200));
    if (!sim.ok()) return sim.error();
    json out = json::array();
    for (const AssignmentPreview& p : *sim) out.push_back(ToJson(p));
    return out;
}

Result<json> QueueListCmd(Call& call) {
    Result<std::vector<QueueItem>> items =
        call.workspace.assignment().Queue(call.actor, call.Str("object"), call.Str("team"));
    if (!items.ok()) return items.error();
    json out = json::array();
    for (const QueueItem& i : *items) out.push_back(ToJson(i));
    return out;
}

Result<json> QueueTakeCmd(Call& call) {
    Result<QueueItem> item =
        call.workspace.assignment().Take(call.actor, call.Str("object"), call.Id("record_id"));
    if (!item.ok()) return item.error();
    json out = ToJson(*item);
    out["owner"] = call.actor;
    return out;
}

const char* const kStagesDoc =
    "[{value, probability?, required_fields?: [string], entry_condition?: string, next?: [string]}]";

}  // namespace

void RegisterProcessCommands(Registry& r) {
    const std::vector<Arg> process_args = {{"object", ArgType::String},
                                           {"field", ArgType::String},
                                           {"description", ArgType::String},
                                           {"probability_field", ArgType::String},
                                           {"active", ArgType::Boolean},
                                           {"stages", ArgType::Array, false, kStagesDoc},
                                           {"profiles", ArgType::Array, false, "[string]"},
                                           {"teams", ArgType::Array, false, "[string]"}};
    std::vector<Arg> create_args = {
        {"name", ArgType::String, true}, {"object", ArgType::String, true}, {"field", ArgType::String, true}};
    for (const Arg& a : process_args)
        if (std::string(a.name) != "object" && std::string(a.name) != "field") create_args.push_back(a);
    std::vector<Arg> update_args = {{"name", ArgType::String, true}, {"new_name", ArgType::String}};
    for (const Arg& a : process_args) update_args.push_back(a);

    r.push_back({"processes.list",
                 "Lists the processes (of one object when given), with their stages and who follows them.",
                 {{"object", ArgType::String}},
                 kWorkflowSetup,
                 false,
                 json::object(),
                 ProcessesListCmd});
    r.push_back({"processes.get",
                 "Returns one process.",
                 {{"name", ArgType::String, true}},
                 kWorkflowSetup,
                 false,
                 {{"name", "Sales Process"}},
                 ProcessesGetCmd});
    r.push_back({"processes.create",
                 "Creates a process: ordered stages on a picklist field, each with a probability, required "
                 "fields, an "
                 "entry condition and the stages allowed next; profiles and teams say who follows it.",
                 create_args,
                 kWorkflowSetup,
                 true,
                 {{"name", "Service Process"},
                  {"object", "Case"},
                  {"field", "Status"},
                  {"stages",
                   {{{"value", "New"}},
                    {{"value", "Working"}, {"next", {"Escalated", "Closed"}}},
                    {{"value", "Escalated"}},
                    {{"value", "Closed"}, {"required_fields", {"Description"}}}}}},
                 ProcessesCreateCmd});
    r.push_back({"processes.update",
                 "Changes any part of a process (the stages given replace the stages); returns the process.",
                 update_args,
                 kWorkflowSetup,
                 true,
                 {{"name", "Sales Process"}, {"profiles", json::array()}, {"active", true}},
                 ProcessesUpdateCmd});
    r.push_back({"processes.delete",
                 "Deletes a process; its fields may then be deleted.",
                 {{"name", ArgType::String, true}},
                 kWorkflowSetup,
                 true,
                 {{"name", "Sales Process"}},
                 ProcessesDeleteCmd});
    r.push_back(
        {"processes.simulate",
         "Checks stored records against a process (a stored one, changed by `process`, or a new definition), "
         "without saving: which record would break which rule, in its stage or moving to `to_stage`.",
         {{"name", ArgType::String},
          {"process", ArgType::Object, false, "{object?, field?, stages?, ...}"},
          {"ids", ArgType::Array, false, "[id]"},
          {"filter", ArgType::String},
          {"to_stage", ArgType::String},
          {"limit", ArgType::Integer}},
         kWorkflowSetup,
         false,
         {{"name", "Sales Process"}, {"to_stage", "Closed Won"}},
         ProcessesSimulateCmd});

    const std::vector<Arg> entry_args = {
        {"position", ArgType::Integer},
        {"active", ArgType::Boolean},
        {"condition", ArgType::String},
        {"kind", ArgType::String, false, "\"user\"|\"round_robin\"|\"least_load\"|\"queue\""},
        {"user", ArgType::String},
        {"team", ArgType::String},
        {"open_condition", ArgType::String},
        {"on_update", ArgType::Boolean}};
    std::vector<Arg> entry_create = {{"object", ArgType::String, true}, {"name", ArgType::String, true}};
    for (const Arg& a : entry_args) entry_create.push_back(a);
    std::vector<Arg> entry_update = {
        {"object", ArgType::String, true}, {"name", ArgType::String, true}, {"new_name", ArgType::String}};
    for (const Arg& a : entry_args) entry_update.push_back(a);

    r.push_back(
        {"assignment.list",
         "Lists the assignment rule entries (of one object when given) in order, with the member each "
         "round-robin entry assigned last.",
         {{"object", ArgType::String}},
         kWorkflowSetup,
         false,
         {{"object", "Lead"}},
         AssignmentListCmd});
    r.push_back(
        {"assignment.create",
         "Adds an entry to an object's assignment rules: a condition and who gets the record (a user, a "
         "team by round-robin or least open load, or a team's queue).",
         entry_create,
         kWorkflowSetup,
         true,
         {{"object", "Lead"}, {"name", "Sales_round_robin"}, {"kind", "round_robin"}, {"team", "Sales"}},
         AssignmentCreateCmd});
    r.push_back({"assignment.update",
                 "Changes any part of an entry; a new team or kind restarts its rotation.",
                 entry_update,
                 kWorkflowSetup,
                 true,
                 {{"object", "Lead"}, {"name", "Web_leads"}, {"condition", "ISPICKVAL(LeadSource, \"Web\")"}},
                 AssignmentUpdateCmd});
    r.push_back({"assignment.delete",
                 "Deletes an entry (its queued records stay in the team's queue).",
                 {{"object", ArgType::String, true}, {"name", ArgType::String, true}},
                 kWorkflowSetup,
                 true,
                 {{"object", "Lead"}, {"name", "Web_leads"}},
                 AssignmentDeleteCmd});
    r.push_back({"assignment.reorder",
                 "Puts an object's entries in the given order (every entry named once); returns them.",
                 {{"object", ArgType::String, true}, {"names", ArgType::Array, true, "[string]"}},
                 kWorkflowSetup,
                 true,
                 {{"object", "Lead"}, {"names", {"Web_leads"}}},
                 AssignmentReorderCmd});
    r.push_back(
        {"assignment.simulate",
         "Who the rules (stored, or the proposed `entries`) would assign each record to, as if created now "
         "in order; nothing is saved and no rotation moves.",
         {{"object", ArgType::String, true},
          {"ids", ArgType::Array, false, "[id]"},
          {"filter", ArgType::String},
          {"entries", ArgType::Array, false, "[{name, kind, user?, team?, condition?, ...}]"},
          {"limit", ArgType::Integer}},
         kWorkflowSetup,
         false,
         {{"object", "Lead"}},
         AssignmentSimulateCmd});
    r.push_back(
        {"assignment.queue.list",
         "Lists the records waiting in the queues the user may take from (their teams', or every queue with "
         "Manage Workflows), of objects they can read.",
         {{"object", ArgType::String}, {"team", ArgType::String}},
         PublicFacts(),
         false,
         json::object(),
         QueueListCmd});
    r.push_back(
        {"assignment.queue.take",
         "Takes a record from its team's queue: the user (a member of the team with Edit on the object) "
         "becomes its owner.",
         {{"object", ArgType::String, true}, {"record_id", ArgType::Id, true}},
         PublicFacts(),
         true,
         {{"object", "Lead"}, {"record_id", 1}},
         QueueTakeCmd});
}

}  // namespace crm::api
