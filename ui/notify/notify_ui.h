// Pieces the Notifications pages share: the panel interface each tab implements, the notification types
// and channels as the commands answer them, their labels in the current language, and a combo over a
// list of string keys. Every tab calls the core only through the JSON commands (notify.*), as the acting
// user, with RunCommand (ui/data/data_ui.h).
#pragma once
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ui/shell/page.h"
#include "ui/shell/tabbed_page.h"

namespace crm {
class Workspace;
}

namespace crm::ui {

class Platform;

/// One tab of the Notifications page, and what it is made with (ui/shell/tabbed_page.h).
using NotifyPanel = TabPanel;
using NotifyServices = PanelServices;

std::unique_ptr<NotifyPanel> MakeNotifySettingsPanel(const NotifyServices& services);
std::unique_ptr<NotifyPanel> MakeNotifyTemplatesPanel(const NotifyServices& services);
std::unique_ptr<NotifyPanel> MakeNotifyChannelsPanel(const NotifyServices& services);
std::unique_ptr<NotifyPanel> MakeNotifyPrefsPanel(const NotifyServices& services);
std::unique_ptr<NotifyPanel> MakeNotifyOutboxPanel(const NotifyServices& services);
std::unique_ptr<NotifyPanel> MakeNotifyRemindersPanel(const NotifyServices& services);

/// A notification type as notify.types.list answers it.
struct TypeInfo {
    std::string code, label, label_zh, object, priority;
    bool builtin = false;
};

/// The types and the channels (notify.types.list); empty on an error (set in `*error`).
struct TypeList {
    std::vector<TypeInfo> types;
    std::vector<std::string> channels;
};
TypeList LoadTypes(Workspace& workspace, std::string* error);

/// A type's label in the current language (its code when it has none).
std::string TypeLabel(const TypeInfo& type);
/// "In-app", "Pop-up", "Email", "SMS", "Webhook" in the current language.
std::string ChannelLabel(const std::string& channel);

/// A combo over `keys` showing `label(key)`; publishes "<hook>" and "<hook>.option.<key>". True when
/// `*value` changed.
bool KeyCombo(const std::string& hook, const std::vector<std::string>& keys,
              const std::function<std::string(const std::string&)>& label, std::string* value, float width);

/// A text value of a JSON object ("" when absent or not a string).
std::string Text(const nlohmann::json& object, const char* key);

}  // namespace crm::ui
