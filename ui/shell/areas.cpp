#include "ui/shell/areas.h"

#include <utility>

namespace crm::ui {

void AreaRegistry::Add(AreaSpec area) {
    catalogs_.push_back(area.catalog);
    areas_.push_back(std::move(area));
}

const AreaSpec* AreaRegistry::Find(const std::string& slug) const {
    for (const AreaSpec& area : areas_) {
        if (area.slug == slug) return &area;
    }
    return nullptr;
}

void AreaRegistry::BuildIndex() {
    // Pages first (a page's label outranks a setting of the same words on a tie), then settings.
    settings_.clear();
    for (const AreaSpec& area : areas_) {
        settings_.push_back({"page." + area.slug, area.slug, "nav." + area.slug, area.keywords, {}, {}});
    }
    for (const AreaSpec& area : areas_) {
        for (const SettingSpec& setting : area.settings) {
            settings_.push_back({setting.id, area.slug, setting.text_id, setting.keywords, {}, {}});
        }
    }
}

}  // namespace crm::ui
