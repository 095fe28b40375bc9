// Names of permissions, levels, actions and sharing settings: what the API, the audit trail and the
// stored rows spell (SEMANTICS.md, Permissions).
#include "access/internal.h"

namespace crm {

namespace access_detail {

const char* const kSystemNames[kSystemPermissionCount] = {
    "manage_users",
    "manage_roles_and_permissions",
    "customize_schema",
    "manage_workflows",
    "manage_reports",
    "import_data",
    "export_data",
    "backup_and_restore",
    "view_setup_audit_trail",
    "manage_integrations",
    "export_reports",
    "log_in_as",
    "manage_notifications",
};
const char* const kSystemLabelsEn[kSystemPermissionCount] = {
    "Manage Users",
    "Manage Roles and Permissions",
    "Customize Schema",
    "Manage Workflows",
    "Manage Reports",
    "Import Data",
    "Export Data",
    "Backup and Restore",
    "View Setup Audit Trail",
    "Manage Integrations",
    "Export Reports",
    "Log In As",
    "Manage Notifications",
};
const char* const kObjectPermNames[6] = {"read", "create", "edit", "delete", "view_all", "modify_all"};
const char* const kObjectPermLabelsZh[6] = {"读取", "创建", "编辑", "删除", "查看全部", "修改全部"};
const char* const kLevelZh[4] = {"无", "只读", "读写", "完全"};

}  // namespace access_detail

using namespace access_detail;
using nlohmann::json;

const char* SystemPermissionName(SystemPermission p) { return kSystemNames[static_cast<int>(p)]; }

const char* SystemPermissionLabel(SystemPermission p) { return kSystemLabelsEn[static_cast<int>(p)]; }

std::optional<SystemPermission> ParseSystemPermission(std::string_view name) {
    for (int i = 0; i < kSystemPermissionCount; ++i) {
        if (name == kSystemNames[i]) return static_cast<SystemPermission>(i);
    }
    return std::nullopt;
}

std::vector<std::string> ObjectPermNames(uint8_t bits) {
    std::vector<std::string> out;
    for (int i = 0; i < 6; ++i) {
        if (bits & (1u << i)) out.push_back(kObjectPermNames[i]);
    }
    return out;
}

Result<uint8_t> ParseObjectPerms(const json& names) {
    if (!names.is_array())
        return MakeError("invalid_argument", "Permissions are a list such as [\"read\", \"edit\"].",
                         "permissions");
    uint8_t bits = 0;
    for (const json& n : names) {
        bool found = false;
        for (int i = 0; i < 6 && n.is_string(); ++i) {
            if (n.get<std::string>() == kObjectPermNames[i]) {
                bits |= static_cast<uint8_t>(1u << i);
                found = true;
            }
        }
        if (!found) {
            return MakeError("invalid_argument",
                             "Unknown permission " + n.dump() +
                                 "; use read, create, edit, delete, view_all or modify_all.",
                             "permissions");
        }
    }
    return bits;
}

uint8_t WithObjectDependencies(uint8_t bits) {
    if (bits & kObjModifyAll) bits |= kObjRead | kObjEdit | kObjDelete | kObjViewAll;
    if (bits & kObjDelete) bits |= kObjRead | kObjEdit;
    if (bits & (kObjCreate | kObjEdit | kObjViewAll)) bits |= kObjRead;
    return bits;
}

uint8_t WithFieldDependencies(uint8_t bits) { return (bits & kFieldEdit) ? (bits | kFieldRead) : bits; }

const char* OrgWideDefaultName(OrgWideDefault owd) {
    switch (owd) {
        case OrgWideDefault::Private:
            return "private";
        case OrgWideDefault::PublicRead:
            return "public_read";
        case OrgWideDefault::PublicReadWrite:
            return "public_read_write";
    }
    return "private";
}

std::optional<OrgWideDefault> ParseOrgWideDefault(std::string_view name) {
    if (name == "private") return OrgWideDefault::Private;
    if (name == "public_read") return OrgWideDefault::PublicRead;
    if (name == "public_read_write") return OrgWideDefault::PublicReadWrite;
    return std::nullopt;
}

const char* ShareGroupKindName(ShareGroup::Kind kind) {
    switch (kind) {
        case ShareGroup::Kind::Role:
            return "role";
        case ShareGroup::Kind::RoleAndSubordinates:
            return "role_and_subordinates";
        case ShareGroup::Kind::Team:
            return "team";
        case ShareGroup::Kind::User:
            return "user";
    }
    return "role";
}

const char* AccessLevelName(AccessLevel level) {
    static const char* const names[] = {"none", "read", "edit", "full"};
    return names[static_cast<int>(level)];
}

const char* ObjectActionName(ObjectAction action) {
    switch (action) {
        case ObjectAction::Create:
            return "create";
        case ObjectAction::Read:
            return "read";
        case ObjectAction::Edit:
            return "edit";
        case ObjectAction::Delete:
            return "delete";
    }
    return "read";
}

std::optional<ObjectAction> ParseObjectAction(std::string_view name) {
    for (ObjectAction a :
         {ObjectAction::Create, ObjectAction::Read, ObjectAction::Edit, ObjectAction::Delete}) {
        if (name == ObjectActionName(a)) return a;
    }
    return std::nullopt;
}
}  // namespace crm
