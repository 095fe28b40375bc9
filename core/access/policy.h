// What the layers below the access engine (records, schema, audit, company profile) know of access. They
// include this header and nothing else of core/access; the engine (access.h) implements what it declares,
// and the Workspace wires the two together.
//
// [SECTION] System actor     the core acting on its own behalf
// [SECTION] Authorizer       system permissions and the hook through which services check them
// [SECTION] Access           ObjectAction, AccessLevel, RecordFilter, AccessPolicy, FullAccessPolicy
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "formula/value.h"

namespace crm {

struct ObjectDef;
struct FieldDef;

// [SECTION] System actor

/// The system actor: the core itself, acting with every right (the engine answers Full for every decision
/// and the checks of Authorizer pass). Who may use it: code inside the core that acts on no user's request,
/// namely the demo generator and migrations. Never a request from outside: the command API refuses it as
/// "as", and no user may be named after it ("access.username_reserved"). Its name is "demo", the name the
/// demo generator always recorded, so audit trails written before it had this name read the same.
constexpr const char* kSystemActor = "demo";

/// True for the system actor's name (exactly as written: it is not a username).
inline bool IsSystemActor(std::string_view actor) { return actor == kSystemActor; }

// [SECTION] Authorizer

/// System permissions, not tied to an object.
enum class SystemPermission {
    ManageUsers,
    ManageRolesAndPermissions,
    CustomizeSchema,
    ManageWorkflows,
    ManageReports,
    ImportData,
    ExportData,
    BackupAndRestore,
    ViewSetupAuditTrail,
    ManageIntegrations,
    ExportReports,        ///< export a report's rows (CSV, JSON); Export Data covers whole objects
    LogInAs,              ///< "View as": act in the console as another user, audited (core/auth)
    ManageNotifications,  ///< notification channels (SMTP, mail relay, SMS gateway), the message outbox
};
constexpr int kSystemPermissionCount = 13;

/// Ok when `actor` holds `permission`, else the error to return ("access.denied", "access.unknown_user").
/// Set by the Workspace once the AccessService exists; a service without one (a unit test building a
/// service alone) checks nothing, which is why the Workspace always sets it.
using Authorizer = std::function<Status(std::string_view actor, SystemPermission permission)>;

// [SECTION] Access

enum class ObjectAction { Create, Read, Edit, Delete };

/// Record-level access, ordered: the most generous level any rule grants wins.
enum class AccessLevel { None = 0, Read = 1, Edit = 2, Full = 3 };

/// A condition on a record table ("" = every record) with its ?N parameters, put into list queries so
/// trimming happens in SQLite.
struct RecordFilter {
    std::string sql;
    std::vector<formula::Value> params;
};

/// What a user may do with an object and its fields. The permission engine implements it; until then
/// FullAccessPolicy allows everything. The pipeline enforces exactly what the policy answers.
class AccessPolicy {
public:
    virtual ~AccessPolicy() = default;
    virtual bool CanAccessObject(const std::string& user, const ObjectDef& object,
                                 ObjectAction action) const = 0;
    virtual bool CanReadField(const std::string& user, const ObjectDef& object,
                              const FieldDef& field) const = 0;
    /// Edit implies read: a field that cannot be read cannot be edited either.
    virtual bool CanEditField(const std::string& user, const ObjectDef& object,
                              const FieldDef& field) const = 0;
    /// The user's level on one stored record (its owner given: 0 = none). Read, Edit and Full are needed
    /// to get, update and delete (or re-own) it.
    virtual AccessLevel RecordLevel(const std::string&, const ObjectDef&, int64_t /*record_id*/,
                                    int64_t /*owner_id*/) const {
        return AccessLevel::Full;
    }
    /// The records the user may read, as SQL over the object's table; parameters numbered from first_param.
    virtual Result<RecordFilter> VisibleRecords(const std::string&, const ObjectDef&,
                                                int /*first_param*/) const {
        return RecordFilter{};
    }
    /// The owner of a record created without OwnerId (0 = none).
    virtual int64_t DefaultOwner(const std::string&) const { return 0; }
};

/// Everyone may do everything (the policy used until permissions arrive).
class FullAccessPolicy final : public AccessPolicy {
public:
    bool CanAccessObject(const std::string&, const ObjectDef&, ObjectAction) const override { return true; }
    bool CanReadField(const std::string&, const ObjectDef&, const FieldDef&) const override { return true; }
    bool CanEditField(const std::string&, const ObjectDef&, const FieldDef&) const override { return true; }
};

}  // namespace crm
