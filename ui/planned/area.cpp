// The areas not built yet: each registers a PlaceholderPage ("not built yet", and what the area will
// hold: the catalog's "placeholder.<slug>.<n>" rows), its sidebar entry with a "Soon" badge and its
// quick-find entries, exactly as a built area registers its page. Building an area moves its
// Register<Name>Area into ui/<area>/area.cpp and its rows into ui/<area>/catalog.cpp; the list in
// ui/shell/pages.cpp stays as it is.
#include <memory>

#include "ui/shell/areas.h"
#include "ui/shell/placeholder_page.h"

namespace crm::ui {

Catalog PlannedCatalog(const std::string& slug);  // ui/planned/catalog.cpp

namespace {

AreaSpec Planned(const char* slug, Icon icon, const char* keywords, std::vector<SettingSpec> settings) {
    AreaSpec area;
    area.slug = slug;
    area.icon = icon;
    area.built = false;
    area.keywords = keywords;
    area.settings = std::move(settings);
    area.catalog = PlannedCatalog(area.slug);
    area.make = [slug = area.slug, icon](const PageServices&) {
        return std::make_unique<PlaceholderPage>(slug, icon);
    };
    return area;
}

}  // namespace

void RegisterNotificationsArea(AreaRegistry& registry) {
    registry.Add(Planned("notifications", Icon::Notifications,
                         "notifications reminders email sms alerts 通知 提醒 邮件 短信",
                         {
                             {"notifications.channels", "quickfind.notifications.channels",
                              "channel email sms in-app popup 渠道 邮件 短信 弹窗"},
                         }));
}

}  // namespace crm::ui
