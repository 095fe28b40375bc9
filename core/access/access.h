// Users, roles, teams, profiles, permission sets and sharing, and the engine that decides and
// explains who may do what (SEMANTICS.md, Permissions).
//
// [SECTION] Permissions     object, field and system permission bits, their names and dependencies
// [SECTION] Directory       User, Role, Team, PermissionSet (profiles are permission sets of kind Profile)
// [SECTION] Sharing         org-wide defaults, hierarchy and team switches, sharing rules
// [SECTION] Decisions       AccessDecision, Reason (message id + parameters, English and Chinese)
// [SECTION] AccessService   the audited service and the engine
//
// Decisions taken where SEMANTICS.md is silent:
// - Identity. A new workspace holds one built-in active user "admin" with the System Administrator
//   profile. While it is the ONLY user (a fresh workspace, "setup mode"), every named actor acts as that
//   administrator, so a workspace used by one person (and the tests of other areas) keeps working. As soon
//   as a second user exists, an actor must be an existing active user (else "access.unknown_user").
//   The workspace's owner (WorkspaceOwner: as whom a request without "as" runs) is the built-in
//   administrator, known by its id (1) so renaming it changes nothing; when it is inactive or no longer
//   holds Manage Users, the oldest active user holding Manage Users (the lock-out rule keeps one). The
//   system actor (kSystemActor, access/policy.h) acts with full rights for the core itself; no user may
//   take its name ("access.username_reserved").
// - Field permissions inside one profile or permission set: an explicit field row wins; a field without a
//   row follows the container's object permission (object Read gives field Read, object Edit gives field
//   Edit), so a new field is visible to those who can read its object until an administrator restricts it.
//   Across containers the grants add up (union); nothing subtracts.
// - Record levels: View All gives Read on every record, Modify All gives Full. The owner has Full. The role
//   hierarchy gives a user above the owner's role the owner's access (Full). Delete and changing the owner
//   need Full; Edit needs Edit; Read needs Read. Hierarchy applies to owners only (not to shares).
// - Enforcement: records (get, list, create, update, delete, history) through AccessPolicy inside
//   RecordService; the company profile, the schema and the audit trail check the actor themselves through
//   the Authorizer (access/policy.h) the Workspace gives them, so the console (a C++ caller) and the
//   command API meet one rule; the directory and sharing changes check in Apply():
//     company.update, objects/fields/layouts/rules.*  Customize Schema (the company profile is setup
//                                                      data an administrator customises)
//     users.*, teams.create, teams.* membership        Manage Users
//     teams.delete                                     Manage Users and Manage Roles and Permissions (a team
//                                                      holds permission sets, which only the latter assigns)
//     roles.*, profiles.*, permsets.*, sharing.*       Manage Roles and Permissions
//     audit.list (AuditLog::List with a viewer)         View Setup Audit Trail
// - Deletes leave what they removed in the audit entry's old value, so the trail alone can restore it: a
//   profile or permission set its grants (ToJson) and the users and teams holding it; a role its name and
//   parent; a team its description, members and permission sets; a user ToJson(User). Replacing a sharing
//   rule records the rule it replaced.
// - A user or a team that a sharing rule names (as owner group or as whom it shares with) is not deleted:
//   "access.in_sharing_rules" lists the rules ("Opportunity.Big_deals"), as deleting a role with rules
//   already is refused; the administrator deletes or changes the rules first, each with its own entry.
//   Nothing disappears from the sharing model without an audit entry of its own.
// - Kept: each change builds the in-memory snapshot (effective permissions per user, the role tree, teams,
//   sharing rules) in its transaction, or patches it when the change declares one small thing (Touch: one
//   user's permission sets, one role's parent; PatchSnapshot, internal.h: same answers as a whole build),
//   and brings the tables SQL reads up to date with it: access_role_closure(ancestor, descendant, depth)
//   and access_group_member(group_id, user_id) for role / role-and-subordinates / team groups, writing only
//   the difference from the rows the snapshot implies (KeptRowsOf), so they equal a full recomputation. The
//   snapshot is rebuilt when the schema version changes; record owners come from the OwnerIndex.
#pragma once
#include <array>
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
#include "common/clock.h"
#include "common/result.h"
#include "records/records.h"
#include "schema/schema.h"

namespace crm {

class Database;
class Changes;
class ChangeScope;
class Statement;
class OwnerIndex;

// [SECTION] Permissions

/// Object permission bits, combined with |.
enum ObjectPerm : uint8_t {
    kObjRead = 1,
    kObjCreate = 2,
    kObjEdit = 4,
    kObjDelete = 8,
    kObjViewAll = 16,
    kObjModifyAll = 32,
};
/// Field permission bits.
enum FieldPerm : uint8_t { kFieldRead = 1, kFieldEdit = 2 };

// SystemPermission and kSystemPermissionCount live in access/policy.h (the schema and company services
// name them too).

/// "manage_users", "manage_roles_and_permissions", "customize_schema", ... (stable, stored).
const char* SystemPermissionName(SystemPermission permission);
/// "Manage Users", "Manage Roles and Permissions", ... (as the console and the messages name them).
const char* SystemPermissionLabel(SystemPermission permission);
/// The permission named `name` (as SystemPermissionName writes it), or nothing.
std::optional<SystemPermission> ParseSystemPermission(std::string_view name);
/// "read", "create", "edit", "delete", "view_all", "modify_all" for each bit set, in that order.
std::vector<std::string> ObjectPermNames(uint8_t bits);
/// Reads ["read", "edit", ...]; unknown names are an Error naming them.
Result<uint8_t> ParseObjectPerms(const nlohmann::json& names);
/// The bits with their dependencies turned on: Create/Edit need Read; Delete needs Read and Edit;
/// View All needs Read; Modify All needs Read, Edit, Delete and View All.
uint8_t WithObjectDependencies(uint8_t bits);
/// Field Edit needs Read.
uint8_t WithFieldDependencies(uint8_t bits);

// [SECTION] Directory

/// A person who signs in. Exactly one profile; any number of teams and permission sets.
struct User {
    int64_t id = 0;
    std::string username;  ///< unique (case-insensitive), 2..64 of [a-z0-9._@-], starts with a letter
    std::string full_name;
    std::string email;  ///< required, validated
    std::string phone;
    bool active = true;
    std::string manager;                       ///< username, "" = none
    std::string role;                          ///< role name, "" = none (sees no one through the hierarchy)
    std::string profile;                       ///< profile name, required
    std::vector<std::string> teams;            ///< team names (read-only here: see AddTeamMember)
    std::vector<std::string> permission_sets;  ///< permission set names (see AssignPermissionSet)
    std::string language = "en";               ///< "en" or "zh-CN"
    std::string time_zone = "Asia/Shanghai";
};

/// A node of the role tree.
struct Role {
    int64_t id = 0;
    std::string name;    ///< unique
    std::string parent;  ///< "" = a root
};

/// A group of users; permission sets assigned to a team apply to every member.
struct Team {
    int64_t id = 0;
    std::string name;  ///< unique
    std::string description;
    std::vector<std::string> members;          ///< usernames
    std::vector<std::string> permission_sets;  ///< permission set names
};

/// Profiles and permission sets hold the same kinds of grants.
enum class PermissionSetKind { Profile, PermissionSet };

/// A profile or a permission set and its grants.
struct PermissionSet {
    int64_t id = 0;
    PermissionSetKind kind = PermissionSetKind::PermissionSet;
    std::string name;  ///< unique within its kind
    std::string description;
    std::map<std::string, uint8_t> objects;                        ///< object API name -> ObjectPerm bits
    std::map<std::string, std::map<std::string, uint8_t>> fields;  ///< object -> field -> FieldPerm bits
    std::vector<SystemPermission> system;
};

/// What a grant call did: the bits now held and what it turned on to satisfy dependencies.
struct GrantChange {
    uint8_t bits = 0;
    std::vector<std::string> turned_on;  ///< e.g. {"read"} when Edit was granted alone
};

/// Everything a user holds, after the union of profile, permission sets and team permission sets.
struct EffectivePermissions {
    std::map<std::string, uint8_t> objects;
    std::map<std::string, std::map<std::string, uint8_t>> fields;  ///< every active field of each object
    std::vector<SystemPermission> system;
};

/// What one profile or permission set grants on one object by itself, without the permission sets a
/// user adds on top (grants add up, so this is the least a user holding it gets): "preview as profile".
struct ObjectFieldAccess {
    uint8_t object = 0;                     ///< ObjectPerm bits
    std::map<std::string, uint8_t> fields;  ///< every active field's API name -> FieldPerm bits
    /// FieldPerm bits of `field` (0 for a field not listed: deleted or unknown).
    uint8_t Field(std::string_view field) const;
    bool CanRead(std::string_view field) const { return Field(field) & kFieldRead; }
    bool CanEdit(std::string_view field) const { return Field(field) & kFieldEdit; }
};

nlohmann::json ToJson(const User& user);
nlohmann::json ToJson(const Role& role);
nlohmann::json ToJson(const Team& team);
nlohmann::json ToJson(const PermissionSet& set);
/// Reads the keys present in `json` over `base`; unknown keys are Errors.
Result<User> UserFromJson(const nlohmann::json& json, User base);

// [SECTION] Sharing

/// Organization-wide default of an object.
enum class OrgWideDefault { Private, PublicRead, PublicReadWrite };
/// "private", "public_read", "public_read_write".
const char* OrgWideDefaultName(OrgWideDefault owd);
std::optional<OrgWideDefault> ParseOrgWideDefault(std::string_view name);

/// The sharing settings of one object.
struct ObjectSharing {
    std::string object;
    OrgWideDefault owd = OrgWideDefault::PublicReadWrite;
    bool grant_access_using_hierarchies = true;   ///< always true for standard objects
    AccessLevel team_access = AccessLevel::None;  ///< what a team member gets on teammates' records
};

/// A set of users a rule names: a role, a role and its subordinates, a team, or one user.
struct ShareGroup {
    enum class Kind { Role, RoleAndSubordinates, Team, User };
    Kind kind = Kind::Role;
    std::string name;  ///< role, team or username
};
const char* ShareGroupKindName(ShareGroup::Kind kind);  ///< "role", "role_and_subordinates", "team", "user"

/// A sharing rule: records owned by members of `owned_by` (owner-based) or matching `criteria`
/// (criteria-based) are shared with `share_with` at Read or Edit. Rules only widen access.
struct SharingRule {
    int64_t id = 0;
    std::string object;
    std::string name;                       ///< unique per object
    std::optional<ShareGroup> owned_by;     ///< set for owner-based rules
    std::string criteria;                   ///< a Boolean formula over the record, for criteria-based rules
    ShareGroup share_with;                  ///< User is not allowed as a source (owned_by), only here
    AccessLevel level = AccessLevel::Read;  ///< Read or Edit
};

nlohmann::json ToJson(const ObjectSharing& sharing);
nlohmann::json ToJson(const SharingRule& rule);
Result<SharingRule> SharingRuleFromJson(const nlohmann::json& json, SharingRule base);

// [SECTION] Decisions

/// One line of an explanation: a stable message id with parameters, and the sentence in both languages.
struct Reason {
    std::string id;  ///< e.g. "access.owner", "access.missing_object_permission"
    std::map<std::string, std::string> params;
    std::string en;
    std::string zh;
};

/// The answer of Decide: allowed or not, and the record access level that applied.
struct AccessDecision {
    bool allowed = false;
    AccessLevel level = AccessLevel::None;  ///< the record level (Full for object-only questions allowed)
};

/// Decide plus the grants behind it (or the missing grant when denied).
struct AccessExplanation {
    AccessDecision decision;
    std::vector<Reason> reasons;
};

nlohmann::json ToJson(const Reason& reason);
nlohmann::json ToJson(const AccessExplanation& explanation);
const char* AccessLevelName(AccessLevel level);     ///< "none", "read", "edit", "full"
const char* ObjectActionName(ObjectAction action);  ///< "read", "create", "edit", "delete"
std::optional<ObjectAction> ParseObjectAction(std::string_view name);

// [SECTION] AccessService

/// The directory, the permission model, sharing, and the engine. Every change is one transaction: the
/// change, its audit entries (areas "users", "roles", "teams", "profiles", "permsets", "sharing") and the
/// recomputed kept tables commit together; a change that would leave no active user with Manage Users is
/// refused ("access.lockout") and nothing is changed. Every change requires a system permission of the
/// acting user (see the header comment).
class AccessService {
public:
    /// Changes commit through `changes` (ChangeScope); the schema gives the objects and fields grants name.
    AccessService(Changes& changes, SchemaService& schema);
    ~AccessService();

    // Users
    std::vector<User> Users() const;
    /// The user with this username (case-insensitive), or "access.unknown_user".
    Result<User> GetUser(std::string_view username) const;
    /// Creates a user; `role`, `profile`, `manager` must exist. Errors name the field.
    Result<User> CreateUser(const std::string& actor, const User& spec);
    /// Changes the user (looked up by `changed.id`, or by username when id is 0). Teams and permission sets
    /// are not changed here.
    Result<User> UpdateUser(const std::string& actor, const User& changed);
    Status SetUserActive(const std::string& actor, std::string_view username, bool active);
    /// Deletes a user who owns no record ("access.user_owns_records": deactivate or transfer first) and whom
    /// no sharing rule names ("access.in_sharing_rules").
    Status DeleteUser(const std::string& actor, std::string_view username);
    /// The username of the workspace's owner: the built-in administrator (by id, whatever its name) while it
    /// is active and holds Manage Users, else the oldest active user holding Manage Users. A request
    /// without an acting user runs as it.
    std::string WorkspaceOwner();
    /// Moves every record (of `object`, or of every object when "") owned by `from` to `to`; answers how
    /// many records moved.
    Result<int64_t> TransferRecords(const std::string& actor, std::string_view from, std::string_view to,
                                    std::string_view object = {});

    // Roles
    std::vector<Role> Roles() const;
    Result<Role> CreateRole(const std::string& actor, const std::string& name, const std::string& parent);
    Status RenameRole(const std::string& actor, std::string_view role, const std::string& new_name);
    /// Moves a role with its subtree under `new_parent` ("" = a root). Refused when `new_parent` is the role
    /// or one of its descendants ("access.role_cycle").
    Status MoveRole(const std::string& actor, std::string_view role, std::string_view new_parent);
    /// Deletes a role with no users and no child roles ("access.role_not_empty").
    Status DeleteRole(const std::string& actor, std::string_view role);

    // Teams
    std::vector<Team> Teams() const;
    Result<Team> CreateTeam(const std::string& actor, const std::string& name,
                            const std::string& description);
    /// Deletes a team no sharing rule names ("access.in_sharing_rules"); needs Manage Users and Manage Roles
    /// and Permissions.
    Status DeleteTeam(const std::string& actor, std::string_view team);
    Status AddTeamMember(const std::string& actor, std::string_view team, std::string_view username);
    Status RemoveTeamMember(const std::string& actor, std::string_view team, std::string_view username);

    // Profiles and permission sets
    std::vector<PermissionSet> PermissionSets(PermissionSetKind kind) const;
    /// True when a profile of this name exists (case-insensitive).
    bool ProfileExists(std::string_view name) const;
    /// The profiles that can create records of `object` but cannot read `field` (names, in id order): the
    /// schema asks before making a field required, which SEMANTICS.md forbids while this is not empty.
    /// Unknown object or field: empty.
    std::vector<std::string> ProfilesCreatingWithoutRead(std::string_view object, std::string_view field);
    Result<PermissionSet> GetPermissionSet(PermissionSetKind kind, std::string_view name) const;
    /// Creates an empty profile or permission set (or a copy of `copy_from`, same kind, when set).
    Result<PermissionSet> CreatePermissionSet(const std::string& actor, PermissionSetKind kind,
                                              const std::string& name, const std::string& description,
                                              const std::string& copy_from = {});
    /// Deletes a profile no user has, or a permission set (its assignments go with it).
    Status DeletePermissionSet(const std::string& actor, PermissionSetKind kind, std::string_view name);
    /// Renames a profile or permission set; the new name must be free within its kind (another spelling of
    /// the same name is fine). Page-layout assignments of a profile follow it. Audited as "rename".
    Status RenamePermissionSet(const std::string& actor, PermissionSetKind kind, std::string_view name,
                               const std::string& new_name);
    /// Replaces the object permissions with `bits` plus their dependencies (reported in turned_on).
    Result<GrantChange> SetObjectPermissions(const std::string& actor, PermissionSetKind kind,
                                             std::string_view set, std::string_view object, uint8_t bits);
    /// Sets the field permission row (Edit turns Read on). A profile that can create records of the object
    /// cannot lose Read on a required field ("access.required_field").
    Result<GrantChange> SetFieldPermissions(const std::string& actor, PermissionSetKind kind,
                                            std::string_view set, std::string_view object,
                                            std::string_view field, uint8_t bits);
    Status SetSystemPermission(const std::string& actor, PermissionSetKind kind, std::string_view set,
                               SystemPermission permission, bool granted);
    /// Assigns a permission set to a user; idempotent.
    Status AssignPermissionSet(const std::string& actor, std::string_view set, std::string_view username);
    Status UnassignPermissionSet(const std::string& actor, std::string_view set, std::string_view username);
    Status AssignPermissionSetToTeam(const std::string& actor, std::string_view set, std::string_view team);
    Status UnassignPermissionSetFromTeam(const std::string& actor, std::string_view set,
                                         std::string_view team);

    // Sharing
    /// The settings of every live object (objects without a row: Public Read/Write, hierarchy on).
    std::vector<ObjectSharing> SharingSettings() const;
    Result<ObjectSharing> SharingFor(std::string_view object) const;
    /// Changes an object's sharing settings (hierarchies cannot be switched off for a standard object).
    Status SetSharing(const std::string& actor, const ObjectSharing& sharing);
    std::vector<SharingRule> SharingRules(std::string_view object = {}) const;
    /// The criteria-based rules whose formula reads object.field ("sharing rule Opportunity.Big_deals"): the
    /// schema asks before a field is deleted (SchemaService::AddFieldUserSource).
    std::vector<std::string> SharingRulesUsing(std::string_view object, std::string_view field) const;
    /// A criteria formula as a rule of `object` needs it: Boolean, and translatable to SQL (errors name the
    /// field "criteria"). SaveSharingRule checks with it; the console checks as the criteria is typed.
    Result<formula::CompiledFormula> CheckCriteria(std::string_view object, std::string_view criteria) const;
    /// Creates or replaces (by object and name) a rule; a criteria formula must compile and translate to SQL.
    Result<SharingRule> SaveSharingRule(const std::string& actor, const SharingRule& rule);
    Status DeleteSharingRule(const std::string& actor, std::string_view object, std::string_view name);

    /// Runs many changes (the calls above, made inside `changes`) as one transaction with one recomputation
    /// of the kept tables at the end, for generators and imports of whole organizations; each inner call
    /// still checks its own permission. An error rolls everything back.
    Status Batch(const std::string& actor, const std::function<Status()>& changes);

    // Engine
    /// May `username` do `action` on `object` (and on the record `record_id`, when > 0)? Fast: array lookups
    /// in the snapshot and the record's owner from the OwnerIndex (for criteria rules, one SQL probe).
    AccessDecision Decide(std::string_view username, ObjectAction action, std::string_view object,
                          int64_t record_id = 0);
    /// Decide for a record whose owner is known (the engine's core; no SQL unless criteria rules apply).
    AccessDecision DecideForOwner(std::string_view username, ObjectAction action, std::string_view object,
                                  int64_t record_id, int64_t owner_id);
    /// Decide with the grants behind the decision, or the missing grant.
    AccessExplanation Explain(std::string_view username, ObjectAction action, std::string_view object,
                              int64_t record_id = 0);
    /// The union of the user's grants (unknown user: an Error).
    Result<EffectivePermissions> Effective(std::string_view username);
    /// The grants of one profile or permission set on `object` (its fields as the engine reads them: an
    /// explicit row wins, else the set's object permission). Errors: unknown set or object.
    Result<ObjectFieldAccess> FieldAccessOf(PermissionSetKind kind, std::string_view set,
                                            std::string_view object);
    bool HasSystemPermission(std::string_view username, SystemPermission permission);
    /// Ok, or "access.denied" naming the missing system permission (or "access.unknown_user").
    Status Require(std::string_view actor, SystemPermission permission);
    /// Ok when `actor` may act at all: an active user, setup mode, or the system actor.
    Status CheckActor(std::string_view actor);
    /// The SQL condition on a record table for "records `username` may read" (empty sql = all).
    Result<RecordFilter> VisibleRecords(std::string_view username, const ObjectDef& object, int first_param);
    /// The AccessPolicy RecordService consults; it lives as long as this service.
    const AccessPolicy& policy() const;
    /// Makes `records` consult policy() and adds the access stage's owner check to its saves: a new owner
    /// (OwnerId given and changed) is an existing, active user ("records.invalid_owner").
    void AttachTo(RecordService& records);
    /// Bumped by every committed configuration change.
    uint64_t version() const { return version_; }

    /// The effective model in memory (access/internal.h; public so the helpers there can name it).
    struct Snapshot;
    /// The rows of the kept tables (access/internal.h).
    struct KeptRows;
    /// A user or a team as the holder of permission sets (grants.cpp).
    struct PermsetHolder;
    /// What the change running in Commit touched, when it is one small thing the snapshot is patched for
    /// instead of built whole (PatchSnapshot, access/internal.h): one user's permission sets, or the parent
    /// of one role. Nothing declared (most changes) or several things: built whole.
    struct Touched {
        enum class Kind { Nothing, Several, UserSets, RoleParent };
        Kind kind = Kind::Nothing;
        int64_t id = 0;  ///< the user or the role
    };
    /// How many times this service built its snapshot whole from the tables (the tests check that a
    /// small change patches it instead).
    uint64_t snapshot_builds() const { return snapshot_builds_; }

private:
    class Policy;
    friend class Policy;
    class Change;
    friend class Change;
    const Snapshot& Snap();
    /// BuildSnapshot, counted.
    std::shared_ptr<Snapshot> BuildWhole();
    /// Declares what the running change's body touched (see Touched); a second declaration makes it Several.
    void Touch(Touched::Kind kind, int64_t id);
    /// Users() restricted to one username (case-insensitive) when not empty: GetUser without a full scan.
    std::vector<User> UsersNamed(std::string_view username) const;
    bool CriteriaMatch(int object, const std::string& criteria, int64_t record_id);
    /// Decide, with the record's owner from `owner_of(snapshot, object index)` (nothing: no such record),
    /// asked only when the decision needs it.
    template <class OwnerOf>
    AccessDecision DecideWith(std::string_view username, ObjectAction action, std::string_view object,
                              int64_t record_id, const OwnerOf& owner_of);
    void CheckNewOwner(SaveContext& save) const;
    /// Runs one configuration change: permission check, transaction, body, kept tables, lock-out check.
    Status Apply(const std::string& actor, SystemPermission needed, const std::function<Status()>& body);
    /// The change of Apply and Batch (one ChangeScope): body, new snapshot, lock-out check, kept tables,
    /// commit; the snapshot moves after the commit.
    Status Commit(const std::string& actor, const std::function<Status()>& body);
    /// Appends an audit entry (area "users", "roles", "teams", "profiles", "permsets" or "sharing") to the
    /// open change and notes it for the listeners; only inside Commit's body.
    Status Audit(const char* area, const std::string& action, const std::string& target,
                 nlohmann::json old_value, nlohmann::json new_value);
    Result<int64_t> IdOf(const char* table, std::string_view name, const char* what, const char* field) const;
    Result<int64_t> SetIdOf(PermissionSetKind kind, std::string_view name) const;
    /// Adds or removes a permission set of a user or a team: the link and its audit entry, as one change.
    Status LinkPermissionSet(const std::string& actor, std::string_view set, const PermsetHolder& holder,
                             std::string_view name, bool add);

    Changes& changes_;
    Database& db_;
    SchemaService& schema_;
    const Clock& clock_;
    ChangeScope* open_change_ = nullptr;  ///< the change Commit's body runs in
    std::unique_ptr<Policy> policy_;
    std::shared_ptr<Snapshot> snapshot_;
    uint64_t version_ = 1;
    bool in_batch_ = false;
    std::unique_ptr<OwnerIndex> owners_;
    std::shared_ptr<const KeptRows> kept_;  ///< what the kept tables hold after the last committed change
    Touched touched_;                       ///< what the body of the running Commit declared
    uint64_t snapshot_builds_ = 0;
};

/// The SQL of the access migration: the directory, grants, sharing, kept tables, and the built-in
/// "admin" user with the System Administrator profile.
std::string AccessMigrationSql();
/// The SQL of migration 5: effective permissions are kept in the snapshot only (nothing in SQL read the
/// per-user permission tables, and a schema change could leave them behind), so their tables go.
std::string AccessKeptTablesMigrationSql();

}  // namespace crm
