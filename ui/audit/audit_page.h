// The audit trail page: filters, a sortable paged table of setting changes, and the selected
// change's old and new values. Query results are cached and re-read only when the workspace
// changed or the filters, sort or page changed.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "imgui.h"
#include "ui/kit/time_text.h"
#include "ui/shell/page.h"
#include "workspace.h"

namespace crm::ui {

/// The audit trail viewer.
class AuditTrailPage : public Page {
public:
    explicit AuditTrailPage(Workspace& workspace);
    /// Draws filters, table and detail into the available region.
    void Draw(const PageContext& ctx) override;
    /// "audit.filters" from quick find highlights the filter bar.
    void Open(const std::string& setting, double now) override {
        if (setting == "audit.filters") FocusFilters(now);
    }
    /// Matching entries for the current filters (after the last query).
    int64_t total() const { return page_data_.total; }
    /// Highlights the filter bar for a moment (quick find).
    void FocusFilters(double now) { focus_time_ = now; }

private:
    static constexpr int kPageSize = 50;
    void Reload();
    void DrawFilters(const PageContext& ctx);
    void DrawTable(const PageContext& ctx, const ImVec2& size);
    void DrawPager(const PageContext& ctx);
    void DrawDetail(const PageContext& ctx, const ImVec2& size);
    void Select(const AuditEntry& entry);
    void PublishState() const;

    Workspace& workspace_;
    // Filters, sort and page: view state.
    std::string area_;
    std::string actor_;
    std::string text_;
    std::string from_text_;
    std::string to_text_;
    std::string from_error_;
    std::string to_error_;
    AuditQuery::SortKey sort_ = AuditQuery::SortKey::Time;
    bool descending_ = true;
    int page_ = 0;
    // The cache of the last query.
    bool loaded_ = false;
    std::string loaded_viewer_;
    uint64_t loaded_change_count_ = 0;
    AuditQuery loaded_query_;
    crm::AuditPage page_data_;
    std::vector<std::string> areas_;
    std::vector<std::string> actors_;
    std::string error_;
    // The selected change and its values, pretty-printed once.
    std::optional<AuditEntry> selected_;
    std::string old_text_;
    std::string new_text_;
    double focus_time_ = -100.0;
};

}  // namespace crm::ui
