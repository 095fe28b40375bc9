// The strings of the areas not built yet, one table per area: the sidebar entry, the page title and
// description, what the area will hold, quick-find labels. An area that gets built takes its table
// into its own folder. One row per message id:
// English, then Simplified Chinese; "{name}" marks a named parameter (ui/kit/i18n.h).
#include <string>

#include "ui/kit/i18n.h"

namespace crm::ui {

namespace {

const CatalogRow kNotifications[] = {
    {"nav.notifications", "Notifications", "通知与提醒"},
    {"page.notifications.title", "Notifications & Reminders", "通知与提醒"},
    {"page.notifications.desc", "Who is told what, when, and through which channel.",
     "在何时、通过何种渠道、向谁发送何种通知。"},
    {"placeholder.notifications.1", "Schedule reminders and message reminders", "日程提醒和消息提醒"},
    {"placeholder.notifications.2", "Channels: email, SMS and in-app pop-ups",
     "通知渠道：电子邮件、短信和应用内弹窗"},
    {"placeholder.notifications.3", "Frequency, trigger conditions and message content",
     "提醒频率、触发条件和消息内容"},
    {"placeholder.notifications.4", "Message templates that quote fields of the record",
     "可引用记录字段的消息模板"},
    {"quickfind.notifications.channels", "Notification channels", "通知渠道"},
};

}  // namespace

Catalog PlannedCatalog(const std::string& slug) {
    if (slug == "notifications") return Catalog(kNotifications);
    return {};
}

}  // namespace crm::ui
