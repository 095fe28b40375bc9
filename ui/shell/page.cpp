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

namespace {
void Merge(const nlohmann::json& base, const nlohmann::json& draft, const nlohmann::json& stored,
           const std::string& key, DraftMerge* out, nlohmann::json* merged) {
    if (base.is_object() && draft.is_object() && stored.is_object()) {
        *merged = nlohmann::json::object();
        for (const auto& [k, v] : stored.items()) {
            const std::string name = key.empty() ? k : key + "." + k;
            const nlohmann::json none;
            Merge(base.contains(k) ? base[k] : none, draft.contains(k) ? draft[k] : none, v, name, out,
                  &(*merged)[k]);
        }
        for (const auto& [k, v] : draft.items()) {  // a value only the draft has, kept when edited
            if (!stored.contains(k) && (!base.contains(k) || base[k] != v)) (*merged)[k] = v;
        }
        return;
    }
    const bool theirs = stored != base;
    const bool mine = draft != base;
    out->changed = out->changed || theirs;
    if (theirs && mine && stored != draft) out->conflicts.push_back(key);
    *merged = mine ? draft : stored;
}
}  // namespace

DraftMerge MergeDraft(const nlohmann::json& base, const nlohmann::json& draft, const nlohmann::json& stored) {
    DraftMerge out;
    Merge(base, draft, stored, "", &out, &out.merged);
    return out;
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
