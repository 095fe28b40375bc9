// The page of a settings area that is not built yet: says so plainly and lists what it will hold.
#pragma once
#include "ui/page.h"

namespace crm::ui {

/// A "not built yet" page for one area.
class PlaceholderPage {
public:
    explicit PlaceholderPage(PageId page) : page_(page) {}
    /// Draws the page; returns true when the user asked to open the audit trail.
    bool Draw(const PageContext& ctx);

private:
    PageId page_;
};

}  // namespace crm::ui
