// Workflow, the "Approval inbox" tab: the requests waiting for the acting user (as approver or as a
// delegate), sortable and filterable; the chosen request's history, a comment, and Approve, Reject or
// Reassign to another user.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ui/shell/page.h"
#include "workspace.h"
#include "ui/kit/note.h"

namespace crm::ui {

/// The acting user's approval inbox.
class InboxPanel {
public:
    explicit InboxPanel(Workspace& workspace) : workspace_(workspace) {}
    void Draw(const PageContext& ctx);
    /// Chooses the request of a record (a notification about it was opened).
    void Select(const std::string& object, int64_t record_id);
    /// The test snapshot: the requests waiting, the one chosen, the last outcome.
    nlohmann::json State() const;

private:
    void Reload();
    void DrawDetail(const PageContext& ctx, const InboxItem& item, float width);

    Workspace& workspace_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_user_;
    std::vector<InboxItem> items_;
    std::string error_;
    std::string filter_;
    int sort_column_ = -1;
    bool sort_desc_ = false;
    int64_t selected_ = 0;  ///< request id
    int64_t history_of_ = 0;
    std::vector<ApprovalHistoryEntry> history_;
    std::string comment_;
    std::string reassign_to_;
    Note message_;
    std::string action_error_;
};

}  // namespace crm::ui
