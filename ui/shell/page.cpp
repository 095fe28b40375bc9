#include "ui/shell/page.h"

#include "imgui.h"
#include "ui/kit/i18n.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {
std::string& ActingUserSlot() {
    static std::string user = kAdminUser;
    return user;
}
}  // namespace

const std::string& ActingUser() { return ActingUserSlot(); }
void SetActingUser(const std::string& username) { ActingUserSlot() = username; }

std::string DraftNotice(const RestoredItem& restored) {
    return restored.gone ? std::string(Tr("draft.gone")) : DraftNotice(restored.merge);
}

std::string DraftNotice(const DraftMerge& merge) {
    if (!merge.changed) return {};
    if (merge.conflicts.empty()) return Tr("draft.changed");
    std::string keys;
    for (const std::string& k : merge.conflicts) keys += (keys.empty() ? "" : ", ") + k;
    return TrFormat("draft.conflict", {keys});
}

}  // namespace crm::ui

namespace crm::ui {

void DrawDraftNotice(const std::string& notice, const std::string& hook) {
    PublishForm(hook, notice);
    if (notice.empty()) return;
    ImGui::PushTextWrapPos(0.0f);
    ImGui::PushStyleColor(ImGuiCol_Text, CurrentPalette().warning_text);
    ImGui::TextUnformatted(notice.c_str());
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
}

}  // namespace crm::ui
