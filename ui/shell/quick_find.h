// Quick find: the top bar's search box over the settings index and the workspace's names (users,
// objects, fields, as the acting user may see them). Ctrl+K focuses it; results show in a list below
// it, chosen with the arrow keys and Enter or a click.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ui/shell/page.h"
#include "ui/shell/settings_index.h"

namespace crm::ui {

/// The search box and its result list.
class QuickFind {
public:
    /// Draws the box at the cursor, `width` wide, and the results under it. Returns the entry
    /// the user chose this frame, if any.
    std::optional<SettingEntry> Draw(const PageContext& ctx, Workspace& workspace, float width);
    /// Puts the keyboard focus in the box on the next frame (Ctrl+K).
    void RequestFocus() { focus_request_ = true; }
    /// Whether the result list is showing.
    bool open() const { return open_; }
    /// {"open", "query", "results": [ids], "selected"} for the test snapshot.
    nlohmann::json State() const;

private:
    std::string query_;
    std::string results_for_;
    std::vector<SettingEntry> results_;
    std::vector<SettingEntry> named_;  ///< the names (NamedEntriesFor), read for named_key_
    std::string named_key_;            ///< change count, acting user and language the names were read for
    int selected_ = 0;
    bool focus_request_ = false;
    bool open_ = false;
    bool list_hovered_ = false;
};

}  // namespace crm::ui
