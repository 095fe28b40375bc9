// Assignment rules (分配到团队): ordered entries per object; the first whose condition matches assigns the
// record's owner to a user, to a team member by round-robin or by least open load, or puts the record in
// a team's queue, from which a member takes it.
//
// [SECTION] Definitions        AssignKind, AssignmentEntry, AssignmentOutcome, QueueItem
// [SECTION] AssignmentService  the audited service, its save stage, AssignOwner, simulation, queues
//
// Decisions taken where SEMANTICS.md is silent:
// - When. On create, unless the request names OwnerId (whoever creates with an owner chose it). On
//   update, only when the first matching entry changes with the save (the record moved into another
//   entry, e.g. a Case becoming High priority) and that entry is marked `on_update`; an update that
//   names OwnerId is left alone too. Entries are tried in `position` order; inactive entries are skipped;
//   an entry without a condition matches every record.
// - Round-robin is fair over the team's ACTIVE members in user-id order: each assignment goes to the
//   first active member after the one assigned last (wrapping around), so a deactivated member is skipped
//   and one re-activated gets their turn again. The last member assigned is stored per entry
//   (workflow_round_robin) in the save's transaction: it survives restarts and reloads, and a refused save
//   does not move it. A member who left the team no longer counts; the turn passes on from their id.
// - Least open load: the active member owning the fewest OPEN records of the object gets it (ties: the
//   lowest user id). "Open" per object, unless the entry gives its own `open_condition` formula:
//   Opportunity: StageName is neither "Closed Won" nor "Closed Lost"; Case: Status is not "Closed";
//   Lead: Status does not begin with "Closed"; Task: Status is not "Completed"; any other object: every
//   record.
// - A queue belongs to a team: the record keeps its owner and is listed in the team's queue
//   (workflow_queue_item) until a member of the team (or a holder of Manage Workflows) with Edit on the
//   object takes it (`Take`: the taker becomes the owner, the item leaves the queue). An item leaves the
//   queue also when the record's owner changes any other way, or the record is deleted.
// - A matching entry that cannot assign (its user inactive, its team without an active member) refuses
//   the save with the entry's name ("assignment.cannot_assign"): the administrator fixes the rule.
// - Assigning is the core's action: the owner is set whatever the saving user's sharing, as Salesforce
//   does; who may save the record is decided by the save's own access stage.
#pragma once
#include <cstdint>
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
class Statement;

// [SECTION] Definitions

/// How an entry assigns.
enum class AssignKind { User, RoundRobin, LeastLoad, Queue };
/// "user", "round_robin", "least_load", "queue".
const char* AssignKindName(AssignKind kind);
std::optional<AssignKind> ParseAssignKind(std::string_view name);

/// One entry of an object's assignment rules.
struct AssignmentEntry {
    int64_t id = 0;
    std::string object;
    std::string name;  ///< unique per object
    int position = 0;  ///< 1-based order within the object (0 on create: last)
    bool active = true;
    std::string condition;  ///< a Boolean formula; "" = every record
    AssignKind kind = AssignKind::User;
    std::string user;            ///< kind User: the username
    std::string team;            ///< kinds RoundRobin, LeastLoad, Queue
    std::string open_condition;  ///< kind LeastLoad: what counts as open ("" = the object's default)
    bool on_update = false;      ///< also assigns when an update moves the record into this entry
};

nlohmann::json ToJson(const AssignmentEntry& entry);
Result<AssignmentEntry> AssignmentEntryFromJson(const nlohmann::json& json, AssignmentEntry base);

/// What the rules did (or would do) with one record.
struct AssignmentOutcome {
    bool matched = false;  ///< an entry matched
    std::string entry;     ///< its name
    AssignKind kind = AssignKind::User;
    int64_t owner_id = 0;  ///< the new owner (0 for a queue)
    std::string owner;     ///< the new owner's username ("" for a queue)
    std::string queue;     ///< the team whose queue receives the record
};
nlohmann::json ToJson(const AssignmentOutcome& outcome);

/// A record waiting in a team's queue.
struct QueueItem {
    int64_t id = 0;
    std::string team;
    std::string object;
    int64_t record_id = 0;
    std::string record_name;
    std::string entry;  ///< the entry that queued it
    int64_t added_ms = 0;
};
nlohmann::json ToJson(const QueueItem& item);

/// One record of a simulation and who would get it.
struct AssignmentPreview {
    int64_t record_id = 0;
    std::string record_name;
    std::string current_owner;
    AssignmentOutcome outcome;
    std::string error;  ///< why the matching entry could not assign, if so
};
nlohmann::json ToJson(const AssignmentPreview& preview);

// [SECTION] AssignmentService

/// Reads and changes assignment rules (audited, area "assignment", through a ChangeScope), assigns owners
/// on saves, and keeps the queues. Changing and listing the rules, and simulating, need Manage Workflows.
class AssignmentService {
public:
    AssignmentService(Changes& changes, SchemaService& schema, RecordService& records, AccessService& access);
    ~AssignmentService();

    void SetAuthorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }
    /// Registers the automation-stage assignment, the after-write queueing and the queue clean-up.
    void AttachTo(RecordService& records);

    /// The entries of `object` (or of every object), in order.
    Result<std::vector<AssignmentEntry>> List(const std::string& actor, std::string_view object = {}) const;
    /// Every entry as stored, without a check.
    const std::vector<AssignmentEntry>& All() const { return entries_; }
    /// Creates an entry (last unless `position` is set). The condition must compile (its position is kept).
    Result<AssignmentEntry> Create(const std::string& actor, const AssignmentEntry& entry);
    /// Replaces an entry (found by id, else by object and name). Changing its team restarts its rotation.
    Result<AssignmentEntry> Update(const std::string& actor, const AssignmentEntry& entry);
    Status Delete(const std::string& actor, std::string_view object, std::string_view name);
    /// Puts the object's entries in the order of `names` (every entry named once).
    Status Reorder(const std::string& actor, std::string_view object, const std::vector<std::string>& names);
    /// The username of the member a round-robin entry assigned last ("" before its first assignment).
    std::string LastAssigned(int64_t entry_id) const;

    /// Runs the rules on a stored record inside `scope` (automation's "assign through the assignment
    /// rules"): the first matching entry assigns the owner (saved as the system actor, in the scope) or
    /// queues the record; the round-robin position moves. No match: nothing changes (matched false).
    Result<AssignmentOutcome> AssignOwner(ChangeScope& scope, std::string_view object, int64_t record_id);
    /// The owner the rules pick for the record being saved, for automation's "assign through the
    /// assignment rules" action (its stage runs before the write): the user's id, or 0 when no entry
    /// matches or the entry is a queue (the record joins the queue after the write). A round-robin turn
    /// moves as on a create.
    Result<int64_t> OwnerThroughRules(SaveContext& save);
    /// Who the rules (the stored ones, or `entries` when given: a proposed set) would assign the records
    /// `ids` (or those matching `filter`, at most `limit`) to, as if each were created now in that order,
    /// without saving or moving any round-robin position.
    Result<std::vector<AssignmentPreview>> Simulate(
        const std::string& actor, std::string_view object, const std::vector<int64_t>& ids,
        const std::string& filter, const std::optional<std::vector<AssignmentEntry>>& entries,
        int limit = 200);

    /// The items of the queues the actor may take from (their teams'; every queue with Manage Workflows),
    /// of objects they can read; `object` and `team` narrow it.
    Result<std::vector<QueueItem>> Queue(const std::string& actor, std::string_view object = {},
                                         std::string_view team = {});
    /// Takes a queued record: the actor becomes its owner and it leaves the queue.
    Result<QueueItem> Take(const std::string& actor, std::string_view object, int64_t record_id);

    /// "assignment rule Lead.East_China" for every entry using object.field (AddFieldUserSource).
    std::vector<std::string> EntriesUsing(std::string_view object, std::string_view field) const;

private:
    struct Compiled;
    struct Member {
        int64_t id = 0;
        std::string username;
        bool active = false;
    };
    struct Turns;
    Status Authorize(const std::string& actor) const;
    Status Reload();
    /// The entry made whole and checked; its name must differ from those of `siblings` (the stored
    /// entries when saving, the other proposed ones when simulating a proposed set).
    Result<AssignmentEntry> Check(const AssignmentEntry& entry,
                                  const std::vector<AssignmentEntry>& siblings) const;
    std::shared_ptr<const Compiled> CompiledFor(std::string_view object) const;
    std::shared_ptr<const Compiled> Compile(const std::string& object,
                                            const std::vector<AssignmentEntry>& entries) const;
    const std::vector<Member>& TeamMembers(const std::string& team);
    /// The outcome of the first matching entry (none: matched false); `turns` null = persist positions.
    Result<AssignmentOutcome> Decide(const Compiled& compiled, const ObjectDef& object,
                                     const std::vector<formula::Value>& values,
                                     const std::vector<formula::Value>* prior, bool is_new,
                                     const std::string& actor, int64_t now_ms, Turns* turns,
                                     int* matched_index = nullptr);
    Result<AssignmentOutcome> Target(const AssignmentEntry& entry, const ObjectDef& object, Turns* turns);
    void AssignStage(SaveContext& save);
    void AfterWrite(SaveContext& save);
    Status Enqueue(const std::string& team, const std::string& object, int64_t record_id,
                   const std::string& entry, int64_t now_ms);
    Result<AssignmentEntry> Save(const std::string& actor, const AssignmentEntry& entry, bool create);

    Changes& changes_;
    Database& db_;
    SchemaService& schema_;
    RecordService& records_;
    AccessService& access_;
    Authorizer authorizer_;
    std::vector<AssignmentEntry> entries_;  ///< by object, then position
    mutable std::map<std::string, std::shared_ptr<const Compiled>> compiled_;
    mutable uint64_t compiled_schema_version_ = 0;
    /// The object asked last, as it was spelled, and its entry of compiled_: saves come object by object.
    mutable std::string last_object_;
    mutable std::shared_ptr<const Compiled> last_compiled_;
    std::map<std::string, std::vector<Member>> members_;  ///< by lower-case team name
    uint64_t members_version_ = 0;
    /// Queueing decided before the write, done after it (the id is known then), by save.
    std::map<const SaveContext*, std::pair<std::string, std::string>> pending_queue_;
    std::unique_ptr<Statement> read_turn_;
    std::unique_ptr<Statement> write_turn_;
};

}  // namespace crm
