// The "Field History" tab: which fields keep a history (one switch per field), and the tracked
// changes of a record (the one last opened on the Records tab, or an id typed here).
#pragma once
#include <cstdint>
#include <string>

#include "ui/shell/page.h"
#include "workspace.h"

namespace crm::ui {

/// Field history of one object.
class HistoryPanel {
public:
    explicit HistoryPanel(Workspace& workspace) : workspace_(workspace) {}
    /// `selected` is the record last opened on the Records tab (0 = none).
    void Draw(const PageContext& ctx, const ObjectDef& object, int64_t selected);

private:
    Workspace& workspace_;
    std::string object_;
    int record_id_ = 0;
    int64_t last_selected_ = 0;
    std::string error_;
    std::string filter_;    ///< over the history table: field label or API name, user
    int sort_column_ = -1;  ///< -1: the core's order
    bool sort_desc_ = false;
};

}  // namespace crm::ui
