// A settings page made of tabs (the Data, Notifications and Integrations pages): a row of underlined tabs
// over the selected tab's panel. Ctrl+1..9 switch tabs; quick find opens a tab by its setting
// "<area>.<tab>"; the test snapshot holds the tab shown and its panel's state. An area lists its tabs and
// their panels; the page does the rest.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ui/shell/page.h"

namespace crm {
class Workspace;
}

namespace crm::ui {

class Platform;

/// One tab's content.
class TabPanel {
public:
    virtual ~TabPanel() = default;
    virtual void Draw(const PageContext& ctx) = 0;
    /// Called every frame, shown or not.
    virtual void Tick() {}
    /// The tab's part of the test snapshot.
    virtual nlohmann::json State() const = 0;
};

/// What a panel is made with.
struct PanelServices {
    Workspace& workspace;
    Platform& platform;
};

struct Tab {
    std::string slug;      ///< "recycle": its setting "<area>.recycle", its snapshot key
    std::string label_id;  ///< the catalog id of its label
    std::unique_ptr<TabPanel> panel;
};

struct TabbedPageSpec {
    std::string area;       ///< quick-find settings "<area>.<tab>" open a tab
    std::string hooks;      ///< the tabs' test hooks are "<hooks>.tab.<tab>"
    std::string state_key;  ///< the page's key in the test snapshot
    /// The tab scrolls in a region of its own inside the page's right padding, its text wrapped there
    /// (otherwise the tab draws straight into the page).
    bool own_scroll = false;
};

class TabbedPage : public Page {
public:
    TabbedPage(TabbedPageSpec spec, std::vector<Tab> tabs, int first_tab = 0);
    void Draw(const PageContext& ctx) override;
    void Open(const std::string& setting, double now) override;
    void Refresh() override;
    void Publish(nlohmann::json& state) const override;

private:
    TabbedPageSpec spec_;
    std::vector<Tab> tabs_;
    size_t tab_ = 0;
};

}  // namespace crm::ui
