#include "ui/shell/tabbed_page.h"

#include "imgui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"

namespace crm::ui {

TabbedPage::TabbedPage(TabbedPageSpec spec, std::vector<Tab> tabs, int first_tab)
    : spec_(std::move(spec)), tabs_(std::move(tabs)) {
    if (first_tab >= 0 && static_cast<size_t>(first_tab) < tabs_.size())
        tab_ = static_cast<size_t>(first_tab);
}

void TabbedPage::Open(const std::string& setting, double now) {
    (void)now;
    for (size_t i = 0; i < tabs_.size(); ++i)
        if (setting == spec_.area + "." + tabs_[i].slug) tab_ = i;
}

void TabbedPage::Refresh() {
    for (Tab& tab : tabs_) tab.panel->Tick();
}

void TabbedPage::Publish(nlohmann::json& state) const {
    const Tab& shown = tabs_[tab_];
    nlohmann::json page = {{"tab", shown.slug}};
    page[shown.slug] = shown.panel->State();
    state[spec_.state_key] = std::move(page);
}

void TabbedPage::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    const float pad = 28.0f * s;
    const ImGuiIO& io = ImGui::GetIO();
    if ((io.KeyCtrl || io.KeySuper) && !io.WantTextInput) {
        for (size_t i = 0; i < tabs_.size() && i < 9; ++i)
            if (ImGui::IsKeyPressed('1' + static_cast<int>(i), false)) tab_ = i;
    }
    ImGui::SetCursorPosX(pad);
    ImGui::BeginGroup();
    for (size_t i = 0; i < tabs_.size(); ++i) {
        if (UnderlinedTab(spec_.hooks + ".tab." + tabs_[i].slug, Tr(tabs_[i].label_id), tab_ == i, s))
            tab_ = i;
    }
    EndUnderlinedTabs(pad, s);
    const Tab& shown = tabs_[tab_];
    if (spec_.own_scroll) {
        ImGui::BeginChild(shown.slug.c_str(), ImVec2(ImGui::GetContentRegionAvail().x - pad, 0.0f), false);
        ImGui::PushTextWrapPos(0.0f);
        shown.panel->Draw(ctx);
        ImGui::PopTextWrapPos();
        ImGui::EndChild();
    } else {
        ImGui::PushID(shown.slug.c_str());
        shown.panel->Draw(ctx);
        ImGui::PopID();
    }
    ImGui::EndGroup();
}

}  // namespace crm::ui
