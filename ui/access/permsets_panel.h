// Users & Permissions, the Profiles and Permission sets tabs: the list of sets, and for the chosen
// one the object x permission matrix (saying what a grant turned on), the field-level security grid
// of one object, the system permissions, and (profiles) a side-by-side comparison of two.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ui/shell/page.h"
#include "workspace.h"
#include "ui/kit/note.h"

namespace crm::ui {

/// One kind of permission container (profiles or permission sets).
class PermSetsPanel {
public:
    PermSetsPanel(Workspace& workspace, PermissionSetKind kind) : workspace_(workspace), kind_(kind) {}
    void Draw(const PageContext& ctx);
    /// The test snapshot: selected set, section, notice.
    nlohmann::json State() const;

private:
    void DrawMatrix(const PageContext& ctx, const PermissionSet& set);
    void DrawFields(const PageContext& ctx, const PermissionSet& set);
    void DrawSystem(const PageContext& ctx, const PermissionSet& set);
    void DrawCompare(const PageContext& ctx, const PermissionSet& set);
    void DrawNewDialog(const PageContext& ctx);
    /// Rename: the new name, saved as the acting user (a refusal beside the name).
    void DrawRenameDialog(const PageContext& ctx);
    /// Delete, after confirming: what is in the way (users with the profile) or what goes with it (a
    /// permission set's assignments), said before the button is pressed.
    void DrawDeleteDialog(const PageContext& ctx);
    std::string Prefix() const;

    Workspace& workspace_;
    PermissionSetKind kind_;
    std::string selected_;
    std::string section_ = "objects";
    std::string fls_object_;
    std::string compare_with_;
    Note notice_;
    std::string error_;
    bool new_open_ = false;
    std::string new_name_, new_copy_from_, new_error_;
    bool rename_open_ = false, delete_open_ = false;
    std::string target_;  ///< the set the rename or delete dialog is about
    std::string rename_to_, rename_error_, delete_error_;
    // The filters and sort columns (-1: the natural order) of the three tables.
    std::string matrix_filter_, fls_filter_, compare_filter_;
    int matrix_sort_column_ = -1, fls_sort_column_ = -1, compare_sort_column_ = -1;
    bool matrix_sort_desc_ = false, fls_sort_desc_ = false, compare_sort_desc_ = false;
};

}  // namespace crm::ui
