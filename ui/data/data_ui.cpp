#include "ui/data/data_ui.h"

#include <algorithm>

#include "api/command_api.h"
#include "imgui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "workspace.h"

namespace crm::ui {

nlohmann::json RunCommand(Workspace& workspace, const std::string& cmd, nlohmann::json args) {
    CommandApi api(workspace);
    return api.Execute(nlohmann::json{{"cmd", cmd}, {"as", ActingUser()}, {"args", std::move(args)}});
}

std::string JoinNames(const nlohmann::json& names) {
    std::string out;
    if (!names.is_array()) return out;
    for (const nlohmann::json& n : names)
        if (n.is_string()) out += (out.empty() ? "" : ", ") + n.get<std::string>();
    return out;
}

nlohmann::json SplitNames(const std::string& text) {
    nlohmann::json out = nlohmann::json::array();
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        std::string part = text.substr(start, end - start);
        part.erase(0, part.find_first_not_of(" \t"));
        part.erase(part.find_last_not_of(" \t") + 1);
        if (!part.empty()) out.push_back(part);
        start = end + 1;
    }
    return out;
}

const std::string& ChoiceLabel::label() const {
    return CurrentLanguage() == Language::ChineseSimplified && !label_zh.empty() ? label_zh : label_en;
}

namespace {
ChoiceLabel LabelsOf(const nlohmann::json& item) {
    return {item.value("label", item.value("api_name", std::string())), item.value("label_zh", std::string())};
}
}  // namespace

std::vector<ObjectChoice> ReadableObjects(Workspace& workspace) {
    std::vector<ObjectChoice> out;
    const nlohmann::json answer = RunCommand(workspace, "objects.list", nlohmann::json::object());
    if (!answer.value("ok", false)) return out;
    for (const nlohmann::json& o : answer["result"])
        out.push_back({LabelsOf(o), o.value("api_name", std::string())});
    std::sort(out.begin(), out.end(),
              [](const ObjectChoice& a, const ObjectChoice& b) { return a.label() < b.label(); });
    return out;
}

std::vector<FieldChoice> ReadableFields(Workspace& workspace, const std::string& object) {
    std::vector<FieldChoice> out;
    if (object.empty()) return out;
    const nlohmann::json answer = RunCommand(workspace, "fields.list", {{"object", object}});
    if (!answer.value("ok", false)) return out;
    for (const nlohmann::json& f : answer["result"])
        out.push_back({LabelsOf(f), f.value("api_name", std::string()), f.value("type", std::string())});
    return out;
}

bool ObjectCombo(const char* label, const std::vector<ObjectChoice>& objects, std::string* object,
                 const std::string& hook) {
    int selected = -1;
    for (size_t i = 0; i < objects.size(); ++i) {
        if (objects[i].api_name == *object) selected = static_cast<int>(i);
    }
    const std::string preview =
        selected >= 0 ? objects[static_cast<size_t>(selected)].label() : std::string(Tr("data.pick_object"));
    if (!ListCombo(
            label, preview, static_cast<int>(objects.size()),
            [&](int i) { return objects[static_cast<size_t>(i)].label(); },
            [&](int i) { return objects[static_cast<size_t>(i)].api_name; }, &selected, hook))
        return false;
    if (selected < 0) return false;
    *object = objects[static_cast<size_t>(selected)].api_name;
    return true;
}


void DataCardBegin(float width) {
    BeginCard(width);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + CardInnerWidth());
}

void DataCardEnd() {
    ImGui::PopTextWrapPos();
    EndCard();
}

void NoticeLine(const std::string& hook, const std::string& text, bool error) {
    if (text.empty()) return;
    const Palette& p = CurrentPalette();
    TextColored(error ? p.danger : p.success, text, false);
    MarkItem(hook);
    if (error) PublishError(hook, text);
}

}  // namespace crm::ui
