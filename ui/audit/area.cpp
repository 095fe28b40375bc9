// The Audit trail area: the audit trail page, its quick-find entry and its catalog.
#include <memory>

#include "ui/audit/audit_page.h"
#include "ui/shell/areas.h"

namespace crm::ui {

Catalog AuditCatalog();  // ui/audit/catalog.cpp

void RegisterAuditArea(AreaRegistry& registry) {
    AreaSpec area;
    area.slug = "audit";
    area.icon = Icon::Audit;
    area.keywords = "audit trail history log changes 审计 日志 历史 记录 更改";
    area.settings = {
        {"audit.filters", "quickfind.audit.filters", "filter search date user area who when 筛选 搜索 日期"},
    };
    area.catalog = AuditCatalog();
    area.make = [](const PageServices& services) {
        return std::make_unique<AuditTrailPage>(services.workspace);
    };
    registry.Add(std::move(area));
}

}  // namespace crm::ui
