// The Notifications area: one page of tabs over the notify.* commands (the types x channels matrix with
// the organisation's defaults and locks, the templates, the channels, each user's own preferences, the
// outbox with its delivery log), one quick-find entry per tab, its catalog. Ctrl+1..5 switch tabs.
// (The reminders tab joins with the reminders engine.)
#include <memory>
#include <nlohmann/json.hpp>

#include "imgui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/notify/notify_ui.h"
#include "ui/shell/areas.h"
#include "ui/shell/test_hooks.h"

namespace crm::ui {

Catalog NotifyCatalog();  // ui/notify/catalog.cpp

namespace {

const char* const kTabs[] = {"settings", "templates", "channels", "prefs", "outbox"};
constexpr int kTabCount = 5;

class NotifyPage : public Page {
public:
    explicit NotifyPage(const PageServices& services) {
        const NotifyServices notify{services.workspace, services.platform};
        panels_[0] = MakeNotifySettingsPanel(notify);
        panels_[1] = MakeNotifyTemplatesPanel(notify);
        panels_[2] = MakeNotifyChannelsPanel(notify);
        panels_[3] = MakeNotifyPrefsPanel(notify);
        panels_[4] = MakeNotifyOutboxPanel(notify);
    }

    void Draw(const PageContext& ctx) override;
    /// "notifications.<tab>" shows that tab.
    void Open(const std::string& setting, double now) override {
        (void)now;
        for (int i = 0; i < kTabCount; ++i) {
            if (setting == std::string("notifications.") + kTabs[i]) tab_ = i;
        }
    }
    void Publish(nlohmann::json& state) const override {
        nlohmann::json n = {{"tab", kTabs[tab_]}};
        n[kTabs[tab_]] = panels_[static_cast<size_t>(tab_)]->State();
        state["notify"] = std::move(n);
    }

private:
    int tab_ = 0;
    std::unique_ptr<NotifyPanel> panels_[kTabCount];
};

void NotifyPage::Draw(const PageContext& ctx) {
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
        const std::string id = std::string("notify.tab.") + kTabs[i];
        if (UnderlinedTab(id, Tr(std::string("ntf.tab.") + kTabs[i]), tab_ == i, s)) tab_ = i;
    }
    EndUnderlinedTabs(pad, s);
    // The tab scrolls in its own region, inside the page's right padding (text wraps there).
    ImGui::BeginChild(kTabs[tab_], ImVec2(ImGui::GetContentRegionAvail().x - pad, 0.0f), false);
    ImGui::PushTextWrapPos(0.0f);
    panels_[static_cast<size_t>(tab_)]->Draw(ctx);
    ImGui::PopTextWrapPos();
    ImGui::EndChild();
    ImGui::EndGroup();
}

}  // namespace

void RegisterNotificationsArea(AreaRegistry& registry) {
    AreaSpec area;
    area.slug = "notifications";
    area.icon = Icon::Notifications;
    area.keywords = "notifications reminders email sms alerts 通知 提醒 邮件 短信";
    area.settings = {
        {"notifications.settings", "quickfind.notifications.settings",
         "types channels matrix default lock organization 类型 渠道 默认 锁定 组织"},
        {"notifications.templates", "quickfind.notifications.templates",
         "template subject body merge field preview 模板 主题 正文 合并字段 预览"},
        {"notifications.channels", "quickfind.notifications.channels",
         "channel email smtp relay sms gateway webhook test 渠道 邮件 短信 网关 测试"},
        {"notifications.prefs", "quickfind.notifications.prefs",
         "my preferences quiet hours digest frequency 我的偏好 免打扰 摘要 频率"},
        {"notifications.outbox", "quickfind.notifications.outbox",
         "outbox delivery log retry dead letter failed 发件箱 投递日志 重试 死信 失败"},
    };
    area.catalog = NotifyCatalog();
    area.make = [](const PageServices& services) { return std::make_unique<NotifyPage>(services); };
    registry.Add(std::move(area));
}

}  // namespace crm::ui
