#include "ui/notify/notify_ui.h"

#include "imgui.h"
#include "ui/data/data_ui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"

namespace crm::ui {

std::string Text(const nlohmann::json& object, const char* key) {
    if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return {};
    return object[key].get<std::string>();
}

TypeList LoadTypes(Workspace& workspace, std::string* error) {
    TypeList out;
    const nlohmann::json answer = RunCommand(workspace, "notify.types.list", nlohmann::json::object());
    if (!answer.value("ok", false)) {
        if (error) *error = AnswerError(answer);
        return out;
    }
    if (error) error->clear();
    const nlohmann::json& r = answer["result"];
    for (const nlohmann::json& t : r.value("types", nlohmann::json::array())) {
        TypeInfo info;
        info.code = Text(t, "code");
        info.label = Text(t, "label");
        info.label_zh = Text(t, "label_zh");
        info.object = Text(t, "object");
        info.priority = Text(t, "priority");
        info.builtin = t.value("builtin", false);
        out.types.push_back(std::move(info));
    }
    for (const nlohmann::json& c : r.value("channels", nlohmann::json::array()))
        if (c.is_string()) out.channels.push_back(c.get<std::string>());
    return out;
}

std::string TypeLabel(const TypeInfo& type) {
    if (CurrentLanguage() == Language::ChineseSimplified && !type.label_zh.empty()) return type.label_zh;
    return type.label.empty() ? type.code : type.label;
}

std::string ChannelLabel(const std::string& channel) {
    const std::string id = "ntf.channel." + channel;
    return HasText(id) ? std::string(Tr(id)) : channel;
}

bool KeyCombo(const std::string& hook, const std::vector<std::string>& keys,
              const std::function<std::string(const std::string&)>& label, std::string* value, float width) {
    int selected = -1;
    for (size_t i = 0; i < keys.size(); ++i)
        if (keys[i] == *value) selected = static_cast<int>(i);
    ImGui::SetNextItemWidth(width);
    const std::string preview = selected >= 0 ? label(*value) : std::string();
    if (!ListCombo(("##" + hook).c_str(), preview, static_cast<int>(keys.size()),
                   [&](int i) { return label(keys[static_cast<size_t>(i)]); },
                   [&](int i) { return keys[static_cast<size_t>(i)]; }, &selected, hook))
        return false;
    if (selected < 0) return false;
    *value = keys[static_cast<size_t>(selected)];
    return true;
}

}  // namespace crm::ui
