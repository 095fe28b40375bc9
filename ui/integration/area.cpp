// The Integrations area: one page of tabs over the integration commands (API keys of the local API server,
// packages, configuration as code), one quick-find entry per tab, its catalog. Ctrl+1..3 switch tabs.
#include <memory>
#include <nlohmann/json.hpp>

#include "imgui.h"
#include "ui/data/file_transfer.h"
#include "ui/integration/integration_ui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/shell/areas.h"

namespace crm::ui {

Catalog IntegrationsCatalog();  // ui/integration/catalog.cpp

namespace {

const char* const kTabs[] = {"keys", "packages", "config"};
constexpr int kTabCount = 3;

class IntegrationsPage : public Page {
public:
    explicit IntegrationsPage(const PageServices& services) {
        AcceptDroppedFiles();
        const IntegrationServices s{services.workspace, services.platform};
        panels_[0] = MakeApiKeysPanel(s);
        panels_[1] = MakePackagesPanel(s);
        panels_[2] = MakeConfigPanel(s);
    }

    void Draw(const PageContext& ctx) override;
    /// "integrations.<tab>" shows that tab.
    void Open(const std::string& setting, double now) override {
        (void)now;
        for (int i = 0; i < kTabCount; ++i) {
            if (setting == std::string("integrations.") + kTabs[i]) tab_ = i;
        }
    }
    void Refresh() override {
        for (auto& panel : panels_) panel->Tick();
    }
    void Publish(nlohmann::json& state) const override {
        nlohmann::json d = {{"tab", kTabs[tab_]}};
        d[kTabs[tab_]] = panels_[static_cast<size_t>(tab_)]->State();
        state["integrations"] = std::move(d);
    }

private:
    int tab_ = 0;
    std::unique_ptr<IntegrationPanel> panels_[kTabCount];
};

void IntegrationsPage::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    const float pad = 28.0f * s;
    const ImGuiIO& io = ImGui::GetIO();
    if ((io.KeyCtrl || io.KeySuper) && !io.WantTextInput) {
        for (int i = 0; i < kTabCount; ++i) {
            if (ImGui::IsKeyPressed('1' + i, false)) tab_ = i;
        }
    }
    ImGui::SetCursorPosX(pad);
    ImGui::BeginGroup();
    for (int i = 0; i < kTabCount; ++i) {
        const std::string id = std::string("integrations.tab.") + kTabs[i];
        if (UnderlinedTab(id, Tr(id), tab_ == i, s)) tab_ = i;
    }
    EndUnderlinedTabs(pad, s);
    ImGui::PushID(kTabs[tab_]);
    panels_[static_cast<size_t>(tab_)]->Draw(ctx);
    ImGui::PopID();
    ImGui::EndGroup();
}

}  // namespace

void RegisterIntegrationsArea(AreaRegistry& registry) {
    AreaSpec area;
    area.slug = "integrations";
    area.icon = Icon::Integrations;
    area.keywords =
        "integrations plugins packages api keys configuration erp sync 集成 插件 扩展包 密钥 配置 同步";
    area.settings = {
        {"integrations.keys", "quickfind.integrations.keys",
         "api key token secret revoke request log server 密钥 令牌 吊销 请求日志 接口"},
        {"integrations.packages", "quickfind.integrations.packages",
         "package plugin app install upgrade uninstall extension 扩展包 插件 应用 安装 升级 卸载"},
        {"integrations.config", "quickfind.integrations.config",
         "configuration as code export diff compare apply json 配置 导出 比较 差异 应用"},
    };
    area.catalog = IntegrationsCatalog();
    area.make = [](const PageServices& services) { return std::make_unique<IntegrationsPage>(services); };
    registry.Add(std::move(area));
}

}  // namespace crm::ui
