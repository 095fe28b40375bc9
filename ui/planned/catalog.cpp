// The strings of the areas not built yet, one table per area: the sidebar entry, the page title and
// description, what the area will hold, quick-find labels. An area that gets built takes its table
// into its own folder. One row per message id:
// English, then Simplified Chinese; "{name}" marks a named parameter (ui/kit/i18n.h).
#include <string>

#include "ui/kit/i18n.h"

namespace crm::ui {

namespace {

const CatalogRow kIntegrations[] = {
    {"nav.integrations", "Integrations", "集成与插件"},
    {"page.integrations.title", "Integrations & Plugins", "集成与插件"},
    {"page.integrations.desc", "Connections to other systems, and plugins.", "与其他系统的连接，以及插件。"},
    {"placeholder.integrations.1", "Connect ERP and other third-party systems to share and sync data",
     "连接 ERP 和其他第三方系统，共享并同步数据"},
    {"placeholder.integrations.2", "Webhooks and API keys", "Webhook 与 API 密钥"},
    {"placeholder.integrations.3", "Install and configure plugins and apps", "安装和配置插件与应用"},
    {"placeholder.integrations.4", "Export the whole configuration as JSON, compare it and re-apply it",
     "将全部配置导出为 JSON，进行比较并重新应用"},
    {"quickfind.integrations.plugins", "Plugins", "插件"},
    {"quickfind.integrations.webhooks", "Webhooks and API keys", "Webhook 与 API 密钥"},
};

}  // namespace

Catalog PlannedCatalog(const std::string& slug) {
    if (slug == "integrations") return Catalog(kIntegrations);
    return {};
}

}  // namespace crm::ui
