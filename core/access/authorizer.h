// The system permissions and the authorizer hook through which services that sit below the access engine
// (company profile, schema, audit trail) check the acting user without depending on core/access.
#pragma once
#include <functional>
#include <string_view>

#include "common/result.h"

namespace crm {

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
};
constexpr int kSystemPermissionCount = 10;

/// Ok when `actor` holds `permission`, else the error to return ("access.denied", "access.unknown_user").
/// Set by the Workspace once the AccessService exists; a service without one (a unit test building a
/// service alone) checks nothing, which is why the Workspace always sets it.
using Authorizer = std::function<Status(std::string_view actor, SystemPermission permission)>;

}  // namespace crm
