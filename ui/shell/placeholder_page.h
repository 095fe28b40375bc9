// The page of a settings area that is not built yet: says so plainly and lists what it will hold
// (the catalog rows "placeholder.<slug>.1", ".2", ...). An area registers it like any page while it
// is not built (AreaSpec::built false).
#pragma once
#include <string>
#include <utility>

#include "ui/kit/widgets.h"
#include "ui/shell/page.h"

namespace crm::ui {

/// A "not built yet" page for one area.
class PlaceholderPage : public Page {
public:
    PlaceholderPage(std::string slug, Icon icon) : slug_(std::move(slug)), icon_(icon) {}
    /// Draws the page; its button opens the audit trail.
    void Draw(const PageContext& ctx) override;

private:
    std::string slug_;
    Icon icon_;
};

}  // namespace crm::ui
