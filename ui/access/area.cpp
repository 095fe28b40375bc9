// The Users & Permissions area: the page of tabs (users, roles, teams, profiles, permission sets,
// sharing, access checker), one quick-find entry per tab, and its catalog.
#include <memory>

#include "ui/access/access_ui.h"
#include "ui/access/permissions_page.h"
#include "ui/access/security_page.h"
#include "ui/shell/areas.h"

namespace crm::ui {

Catalog AccessCatalog();    // ui/access/catalog.cpp
Catalog SecurityCatalog();  // ui/access/security_catalog.cpp

void RegisterAccessArea(AreaRegistry& registry) {
    AreaSpec area;
    area.slug = "users";
    area.icon = Icon::Users;
    area.keywords = "users permissions roles profiles accounts 用户 权限 角色 帐户 账户";
    area.settings = {
        {"users.users", "quickfind.users.users",
         "users people accounts deactivate reactivate new user 用户 人员 账户 停用 启用 新建用户"},
        {"users.roles", "quickfind.users.roles", "role hierarchy tree reports to 角色 层级 上级"},
        {"users.teams", "quickfind.users.teams", "team members group 团队 成员 小组"},
        {"users.profiles", "quickfind.users.profiles",
         "profile object permissions field-level security fls system permissions compare 简档 对象权限 "
         "字段级安全 系统权限 比较"},
        {"users.permission_sets", "quickfind.users.permission_sets",
         "permission set grant access assign 权限集 授权 分配"},
        {"users.owd", "quickfind.users.owd",
         "organization-wide defaults owd private public read write hierarchy 组织范围默认值 私有 公共 只读 "
         "读写 层级"},
        {"users.sharing_rules", "quickfind.users.sharing_rules",
         "sharing rules share criteria owner 共享规则 共享 条件 所有者"},
        {"users.checker", "quickfind.users.checker",
         "access checker check explain why can user see field access hidden read only 访问检查 检查 解释 "
         "为什么 权限检查 字段访问 隐藏 只读"},
    };
    area.catalog = AccessCatalog();
    area.make = [](const PageServices& services) {
        return std::make_unique<PermissionsPage>(services.workspace);
    };
    // Users by full name, username or email: every user for those who may read the directory (users.list
    // needs Manage Users or Manage Roles and Permissions), else only the acting user.
    area.names = [](Workspace& workspace, const std::string& actor) {
        AccessService& access = workspace.access();
        const bool directory = access.HasSystemPermission(actor, SystemPermission::ManageUsers) ||
                               access.HasSystemPermission(actor, SystemPermission::ManageRolesAndPermissions);
        std::vector<SettingEntry> out;
        for (const User& u : access.Users()) {
            if (!directory && LowerAscii(u.username) != LowerAscii(actor)) continue;
            SettingEntry entry;
            entry.id = "users.user." + u.username;
            entry.text = UserShownName(u);
            entry.keywords = u.username + " " + u.email;
            entry.where = Tr("quickfind.kind.user");
            out.push_back(std::move(entry));
        }
        return out;
    };
    registry.Add(std::move(area));

    // Security (sign-in, password policy, sessions, login hours, login history): right below.
    AreaSpec security;
    security.slug = "security";
    security.icon = Icon::Users;
    security.keywords =
        "security sign-in login password policy lockout session timeout login hours history 安全 登录 "
        "密码 策略 锁定 会话 超时 登录时段 登录历史";
    security.settings = {
        {"security.policy", "quickfind.security.policy",
         "password policy length expiry lockout 密码策略 长度 过期 锁定"},
        {"security.history", "quickfind.security.history",
         "login history sign-in attempts 登录历史 登录记录"},
    };
    security.catalog = SecurityCatalog();
    security.make = [](const PageServices& services) {
        return std::make_unique<SecurityPage>(services.workspace);
    };
    registry.Add(std::move(security));
}

}  // namespace crm::ui
