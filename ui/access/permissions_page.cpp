#include "ui/access/permissions_page.h"

#include "imgui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

const char* const kTabs[] = {"users", "roles", "teams", "profiles", "permsets", "sharing", "checker"};

}  // namespace

PermissionsPage::PermissionsPage(Workspace& workspace)
    : users_(workspace),
      roles_(workspace),
      teams_(workspace),
      profiles_(workspace, PermissionSetKind::Profile),
      permsets_(workspace, PermissionSetKind::PermissionSet),
      sharing_(workspace),
      checker_(workspace) {}

void PermissionsPage::FocusSetting(const std::string& setting) {
    const std::string prefix = "users.";
    if (setting.rfind(prefix, 0) != 0) return;
    // A user found by name in quick find ("users.user.<username>"): the user's editor.
    if (setting.rfind("users.user.", 0) == 0) {
        tab_ = "users";
        users_.Edit(setting.substr(std::string("users.user.").size()));
        return;
    }
    std::string tab = setting.substr(prefix.size());
    if (tab == "permission_sets") tab = "permsets";
    if (tab == "owd" || tab == "sharing_rules") tab = "sharing";
    for (const char* t : kTabs) {
        if (tab == t) tab_ = tab;
    }
}

nlohmann::json PermissionsPage::State() const {
    return {{"tab", tab_},
            {"profiles", profiles_.State()},
            {"permsets", permsets_.State()},
            {"checker", checker_.State()},
            {"roles", roles_.State()}};
}

void PermissionsPage::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    const float pad = 28.0f * s;
    ImGui::SetCursorPosX(pad);
    ImGui::BeginGroup();
    // The sub-navigation: underlined tabs.
    for (const char* tab : kTabs) {
        const std::string id = std::string("perm.tab.") + tab;
        const char* text = Tr(id);
        if (UnderlinedTab(id, text, tab_ == tab, s)) tab_ = tab;
    }
    EndUnderlinedTabs(pad, s);

    if (tab_ == "users") users_.Draw(ctx);
    if (tab_ == "roles") roles_.Draw(ctx);
    if (tab_ == "teams") teams_.Draw(ctx);
    if (tab_ == "profiles") profiles_.Draw(ctx);
    if (tab_ == "permsets") permsets_.Draw(ctx);
    if (tab_ == "sharing") sharing_.Draw(ctx);
    if (tab_ == "checker") checker_.Draw(ctx);
    ImGui::EndGroup();
}

}  // namespace crm::ui
