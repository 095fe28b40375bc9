// The Notifications area: one page of tabs over the notify.* commands (the types x channels matrix with
// the organisation's defaults and locks, the templates, the channels, each user's own preferences, the
// outbox with its delivery log, the reminder rules), one quick-find entry per tab, its catalog. Ctrl+1..6
// switch tabs.
#include <memory>
#include <vector>

#include "ui/kit/i18n.h"
#include "ui/notify/notify_ui.h"
#include "ui/shell/areas.h"
#include "ui/shell/tabbed_page.h"

namespace crm::ui {

Catalog NotifyCatalog();  // ui/notify/catalog.cpp

namespace {

std::unique_ptr<Page> MakeNotifyPage(const PageServices& services) {
    const NotifyServices notify{services.workspace, services.platform};
    std::vector<Tab> tabs;
    tabs.push_back({"settings", "ntf.tab.settings", MakeNotifySettingsPanel(notify)});
    tabs.push_back({"templates", "ntf.tab.templates", MakeNotifyTemplatesPanel(notify)});
    tabs.push_back({"channels", "ntf.tab.channels", MakeNotifyChannelsPanel(notify)});
    tabs.push_back({"prefs", "ntf.tab.prefs", MakeNotifyPrefsPanel(notify)});
    tabs.push_back({"outbox", "ntf.tab.outbox", MakeNotifyOutboxPanel(notify)});
    tabs.push_back({"reminders", "ntf.tab.reminders", MakeNotifyRemindersPanel(notify)});
    return std::make_unique<TabbedPage>(TabbedPageSpec{"notifications", "notify", "notify", true},
                                        std::move(tabs));
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
        {"notifications.reminders", "quickfind.notifications.reminders",
         "reminder due date close date repeat escalate snooze occurrences 提醒 到期 结束日期 重复 升级 稍后"},
    };
    area.catalog = NotifyCatalog();
    area.make = MakeNotifyPage;
    registry.Add(std::move(area));
}

}  // namespace crm::ui
