// Processes: an ordered list of stages on one object's picklist field (a sales process on
// Opportunity.StageName, a service process on Case.Status), each stage with a probability, the fields
// required to enter it, an entry condition and the stages allowed next; and who follows which process.
//
// [SECTION] Definitions    ProcessStage, Process, their JSON forms
// [SECTION] Simulation     ProcessViolation, ProcessSimulation
// [SECTION] ProcessService the audited service, the save-pipeline stages, the field users
//
// Decisions taken where SEMANTICS.md is silent:
// - Who follows a process. A process names profiles and teams; a user follows the first process of the
//   object (by id) that names their profile or one of their teams, else the first that names nobody (a
//   process for everyone), else none. The system actor (the core itself: the demo generator, tasks made by
//   automation) follows no process. A user who follows none saves the field freely.
// - What a save is checked against. Only when the stage field changes (on create: when it is set):
//   the new value must be a stage of the process ("process.not_a_stage"); on update, a stage whose `next`
//   list is not empty allows only those stages next ("process.transition"); the stage entered requires its
//   fields to be filled in ("process.required_field", one error per field) and its entry condition (a
//   Boolean formula, ISNEW/ISCHANGED/PRIORVALUE allowed) to be TRUE ("process.entry_condition"). A save
//   that leaves the stage alone is not checked, so records older than the process keep working.
// - Probability. When a process names a probability field (the sales process: Opportunity.Probability)
//   and a save enters a stage with a probability, the field takes it unless the request writes the field
//   itself (an administrator's own figure wins), before validation rules run.
// - The rules run in the validation_rules stage of the save pipeline, after the object's validation
//   rules; the probability is set in the types stage, after the records service's own checks.
// - A field a process uses (its stage field, the probability field, a required field, a field its
//   conditions read) is not deleted or retyped while the process exists: the schema lists it as
//   "process <name>".
// - Stage values are values of the picklist when the process is saved; a stage value later removed from
//   the picklist stays in the process (records may still hold it) until the process is changed.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/policy.h"
#include "common/result.h"
#include "records/records.h"
#include "schema/schema.h"

namespace crm {

class AccessService;
class Changes;
class ChangeScope;
class Database;

// [SECTION] Definitions

/// One stage: a value of the process's picklist field.
struct ProcessStage {
    std::string value;                         ///< the picklist value's API name
    std::optional<int> probability;            ///< 0..100 (sales processes)
    std::vector<std::string> required_fields;  ///< fields that must be filled in to enter this stage
    std::string entry_condition;               ///< a Boolean formula that must be TRUE to enter; "" = none
    std::vector<std::string> next;             ///< the stages allowed after this one; empty = any
};

/// A process on one object's picklist field.
struct Process {
    int64_t id = 0;
    std::string name;  ///< unique (case-insensitive)
    std::string object;
    std::string field;  ///< a picklist field of the object
    std::string description;
    std::string probability_field;  ///< a number or percent field set from the stage's probability; ""
    bool active = true;
    std::vector<ProcessStage> stages;   ///< in order
    std::vector<std::string> profiles;  ///< who follows it: users of these profiles...
    std::vector<std::string> teams;     ///< ...or members of these teams; both empty = everyone

    const ProcessStage* Stage(std::string_view value) const;
};

nlohmann::json ToJson(const ProcessStage& stage);
nlohmann::json ToJson(const Process& process);
/// Reads the keys present in `json` over `base` (unknown keys are Errors naming them).
Result<Process> ProcessFromJson(const nlohmann::json& json, Process base);

// [SECTION] Simulation

/// One rule one record would break.
struct ProcessViolation {
    int64_t record_id = 0;
    std::string record_name;
    std::string stage;  ///< the stage the record is in, or would move to
    Error error;        ///< the error a save would give (process.*), with its field
};

/// What a process (as proposed) would say of existing records: each checked as if entering its current
/// stage (or `to_stage` when given, a move from its current stage).
struct ProcessSimulation {
    int64_t records = 0;   ///< records checked
    int64_t breaking = 0;  ///< records that would break at least one rule
    std::vector<ProcessViolation> violations;
};

nlohmann::json ToJson(const ProcessViolation& violation);
nlohmann::json ToJson(const ProcessSimulation& simulation);

// [SECTION] ProcessService

/// Reads and changes processes (each change audited, area "processes", through a ChangeScope) and
/// enforces them on saves. Every change, and reading the definitions through List/Get with an actor, needs
/// Manage Workflows (through the Authorizer).
class ProcessService {
public:
    ProcessService(Changes& changes, SchemaService& schema, RecordService& records, AccessService& access);
    ~ProcessService();

    /// Set by the Workspace; without one nothing is checked (a service alone in a test).
    void SetAuthorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }
    /// Registers the save stages on `records` (types: probability; validation_rules: the stage rules).
    void AttachTo(RecordService& records);

    /// The processes (of `object`, or all), by id, for an actor holding Manage Workflows.
    Result<std::vector<Process>> List(const std::string& actor, std::string_view object = {}) const;
    Result<Process> Get(const std::string& actor, std::string_view name) const;
    /// Every process as stored, without a check (the save stages, field users, the demo).
    const std::vector<Process>& All() const { return processes_; }

    /// Checks and creates a process. Errors name the argument path ("stages[2].entry_condition"); a
    /// condition that does not compile keeps the formula's line and position.
    Result<Process> Create(const std::string& actor, const Process& process);
    /// Replaces a process (found by id, else by name).
    Result<Process> Update(const std::string& actor, const Process& process);
    Status Delete(const std::string& actor, std::string_view name);

    /// The process `username` follows on `object`, or nullptr (see the header comment).
    const Process* ProcessFor(const std::string& username, std::string_view object) const;
    /// "process Sales Process" for every process using object.field (SchemaService::AddFieldUserSource).
    std::vector<std::string> ProcessesUsing(std::string_view object, std::string_view field) const;
    /// "process Sales Process (stage Negotiation)" for every process with that value as a stage, or a stage
    /// entry condition that reads object.field and names the value
    /// (SchemaService::AddPicklistValueUserSource).
    std::vector<std::string> ProcessesUsingValue(std::string_view object, std::string_view field,
                                                 std::string_view value) const;

    /// What `process` (a proposed definition: checked as Create would) would say of the records `ids` (or,
    /// when empty, those matching `filter`, a Boolean formula, "" = all; at most `limit`), as the actor
    /// reads them (records the actor cannot read are left out), without saving anything. `to_stage` set:
    /// each record checked as moving from its stage to that stage.
    Result<ProcessSimulation> Simulate(const std::string& actor, const Process& process,
                                       const std::vector<int64_t>& ids, const std::string& filter,
                                       const std::string& to_stage = {}, int limit = 200);

private:
    struct Compiled;
    Status Authorize(const std::string& actor) const;
    /// Checks a definition against the schema and the directory; fills the stored spelling of names.
    Result<Process> Check(const Process& process) const;
    Status Reload();
    std::shared_ptr<const Compiled> CompiledFor(const Process& process) const;
    void ProbabilityStage(SaveContext& save);
    void RulesStage(SaveContext& save);
    Result<Process> Save(const std::string& actor, const Process& process, bool create);

    Changes& changes_;
    Database& db_;
    SchemaService& schema_;
    RecordService& records_;
    AccessService& access_;
    Authorizer authorizer_;
    std::vector<Process> processes_;
    mutable std::map<int64_t, std::shared_ptr<const Compiled>> compiled_;
    mutable uint64_t compiled_schema_version_ = 0;
};

/// The SQL of migration 8: processes, assignment rules, round-robin positions and queues.
std::string WorkflowProcessMigrationSql();

}  // namespace crm
