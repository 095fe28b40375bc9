// The Integrations area: one page of tabs over the integration commands (API keys of the local API server,
// webhooks, packages, configuration as code, ERP connectors), one quick-find entry per tab, its catalog.
// Ctrl+1..5 switch tabs.
#include <memory>
#include <vector>

#include "ui/data/file_transfer.h"
#include "ui/integration/integration_ui.h"
#include "ui/kit/i18n.h"
#include "ui/shell/areas.h"
#include "ui/shell/tabbed_page.h"

namespace crm::ui {

Catalog IntegrationsCatalog();  // ui/integration/catalog.cpp

namespace {

std::unique_ptr<Page> MakeIntegrationsPage(const PageServices& services) {
    AcceptDroppedFiles();
    const IntegrationServices integration{services.workspace, services.platform};
    std::vector<Tab> tabs;
    tabs.push_back({"keys", "integrations.tab.keys", MakeApiKeysPanel(integration)});
    tabs.push_back({"webhooks", "integrations.tab.webhooks", MakeWebhooksPanel(integration)});
    tabs.push_back({"packages", "integrations.tab.packages", MakePackagesPanel(integration)});
    tabs.push_back({"config", "integrations.tab.config", MakeConfigPanel(integration)});
    tabs.push_back({"connectors", "integrations.tab.connectors", MakeConnectorsPanel(integration)});
    return std::make_unique<TabbedPage>(TabbedPageSpec{"integrations", "integrations", "integrations"},
                                        std::move(tabs));
}

}  // namespace

void RegisterIntegrationsArea(AreaRegistry& registry) {
    AreaSpec area;
    area.slug = "integrations";
    area.icon = Icon::Integrations;
    area.keywords =
        "integrations plugins packages api keys webhooks configuration erp sync 集成 插件 扩展包 密钥 配置 "
        "同步";
    area.settings = {
        {"integrations.keys", "quickfind.integrations.keys",
         "api key token secret revoke request log server 密钥 令牌 吊销 请求日志 接口"},
        {"integrations.webhooks", "quickfind.integrations.webhooks",
         "webhook webhooks subscription callback signature hmac delivery log send test 网络钩子 订阅 回调 "
         "签名 投递日志 测试"},
        {"integrations.packages", "quickfind.integrations.packages",
         "package plugin app install upgrade uninstall extension 扩展包 插件 应用 安装 升级 卸载"},
        {"integrations.config", "quickfind.integrations.config",
         "configuration as code export diff compare apply json 配置 导出 比较 差异 应用"},
        {"integrations.connectors", "quickfind.integrations.connectors",
         "erp connector sync synchronise mapping conflict schedule customers orders products 连接器 同步 "
         "映射 "
         "冲突 计划 客户 订单 产品"},
    };
    area.catalog = IntegrationsCatalog();
    area.make = MakeIntegrationsPage;
    registry.Add(std::move(area));
}

}  // namespace crm::ui
