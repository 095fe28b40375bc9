#include "ui/access_checker.h"

#include <cstdlib>

#include "imgui.h"
#include "ui/access_ui.h"
#include "ui/i18n.h"
#include "ui/schema_ui.h"
#include "ui/test_hooks.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace crm::ui {

void AccessChecker::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    AccessService& access = workspace_.access();
    const std::vector<User> all_users = access.Users();
    std::vector<std::string> users;
    for (const User& u : all_users) users.push_back(u.username);
    std::vector<std::string> objects;
    for (const auto& o : workspace_.schema().Objects()) objects.push_back(o->api_name);
    if (user_.empty() && !users.empty()) user_ = users.front();
    if (object_.empty() && !objects.empty()) object_ = objects.front();

    BeginCard(ImGui::GetContentRegionAvail().x - 28.0f * s);
    auto label = [&](const char* id) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(Tr(id));
        ImGui::SameLine();
    };
    label("checker.user");
    ImGui::SetNextItemWidth(260.0f * s);
    {
        // Many users: a combo with a filter box.
        std::vector<std::string> labels;
        int selected = -1;
        for (const User& u : all_users) {
            labels.push_back(u.full_name.empty() ? u.username : u.full_name + "  (" + u.username + ")");
            if (u.username == user_) selected = static_cast<int>(labels.size()) - 1;
        }
        FilterComboItems items;
        items.count = static_cast<int>(users.size());
        items.label = [&](int i) { return labels[static_cast<size_t>(i)]; };
        items.key = [&](int i) { return users[static_cast<size_t>(i)]; };
        items.matches = [&](int i, const std::string& f) {
            return LowerAscii(labels[static_cast<size_t>(i)]).find(f) != std::string::npos;
        };
        if (FilterCombo("##checker.user", selected >= 0 ? labels[static_cast<size_t>(selected)] : user_,
                        items, &selected, &user_filter_, "checker.user", 300.0f * s) &&
            selected >= 0)
            user_ = users[static_cast<size_t>(selected)];
    }
    ImGui::SameLine(0.0f, 20.0f * s);
    label("checker.object");
    ImGui::SetNextItemWidth(200.0f * s);
    NameCombo("checker.object", objects, &object_);
    ImGui::SameLine(0.0f, 20.0f * s);
    label("checker.record");
    ImGui::SetNextItemWidth(120.0f * s);
    InputString("##checker.record", &record_text_, ImGuiInputTextFlags_CharsDecimal,
                Tr("checker.record_hint"));
    MarkItem("checker.record");
    EndCard();
    ImGui::Dummy(ImVec2(0.0f, 8.0f * s));

    const int64_t record = std::atoll(record_text_.c_str());
    const bool zh = CurrentLanguage() == Language::ChineseSimplified;
    nlohmann::json results = nlohmann::json::object();
    const char* const actions[] = {"read", "create", "edit", "delete"};
    for (const char* action_name : actions) {
        const std::optional<ObjectAction> action = ParseObjectAction(action_name);
        if (!action) continue;
        const AccessExplanation e = access.Explain(user_, *action, object_, record);
        nlohmann::json reasons = nlohmann::json::array();
        BeginCard(ImGui::GetContentRegionAvail().x - 28.0f * s);
        const std::string hook = std::string("checker.result.") + action_name;
        ImGui::PushFont(ctx.heading_font);
        ImGui::TextUnformatted(Tr(std::string("checker.action.") + action_name));
        ImGui::PopFont();
        ImGui::SameLine(160.0f * s);
        const std::string verdict =
            e.decision.allowed
                ? TrFormat("checker.allowed",
                           {Tr(std::string("checker.level.") + AccessLevelName(e.decision.level))})
                : std::string(Tr("checker.denied"));
        StatusPill(e.decision.allowed ? p.success : p.danger, verdict, 260.0f * s);
        MarkItem(hook);
        for (const Reason& r : e.reasons) {
            TextMuted("• " + (zh ? r.zh : r.en));
            reasons.push_back(zh ? r.zh : r.en);
        }
        EndCard();
        ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
        results[action_name] = {{"allowed", e.decision.allowed},
                                {"level", AccessLevelName(e.decision.level)},
                                {"reasons", reasons},
                                {"reason_ids", [&] {
                                     nlohmann::json ids = nlohmann::json::array();
                                     for (const Reason& r : e.reasons) ids.push_back(r.id);
                                     return ids;
                                 }()}};
    }
    state_ = {{"user", user_}, {"object", object_}, {"record", record}, {"results", results}};
}

}  // namespace crm::ui
