// Services that attach to a workspace without a member in workspace.h (so adding one rebuilds nothing):
// made on first use, kept alive by the workspace (held by a commit listener, which goes when the workspace
// goes), and found again by the workspace's address. AuthOf, NotifyOf and ApiKeysOf are made this way.
#pragma once
#include <memory>
#include <string_view>
#include <vector>

#include "access/access.h"
#include "workspace.h"

namespace crm {

/// The `Service` attached to `ws`, made by `make()` (a std::shared_ptr<Service>) the first time.
template <class Service, class Make>
Service& AttachedService(Workspace& ws, Make make) {
    struct Attached {
        Workspace* workspace;
        std::weak_ptr<Service> service;
    };
    static std::vector<Attached> list;
    for (auto it = list.begin(); it != list.end();) {
        if (it->service.expired()) {
            it = list.erase(it);
        } else if (it->workspace == &ws) {
            return *it->service.lock();
        } else {
            ++it;
        }
    }
    std::shared_ptr<Service> service = make();
    list.push_back({&ws, service});
    ws.AddCommitListener([service](const ChangeSet&) {});
    return *service;
}

/// System permissions checked by the workspace's access service (what an attached service is given).
inline Authorizer AccessAuthorizer(Workspace& ws) {
    AccessService* access = &ws.access();
    return [access](std::string_view actor, SystemPermission permission) {
        return access->Require(actor, permission);
    };
}

}  // namespace crm
