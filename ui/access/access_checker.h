// Users & Permissions, the Access checker tab: a user, an object and optionally a record id in;
// the decision per action (Read, Create, Edit, Delete) and its explanation out, in the current
// language; then the user's field-level security on the object (edit, read only, hidden per field).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "ui/shell/page.h"
#include "workspace.h"

namespace crm::ui {

/// The access checker.
class AccessChecker {
public:
    explicit AccessChecker(Workspace& workspace) : workspace_(workspace) {}
    void Draw(const PageContext& ctx);
    /// Presets the user (the users table links here).
    void SetUser(const std::string& username) { user_ = username; }
    /// The test snapshot: inputs, decisions and reasons.
    nlohmann::json State() const { return state_; }

private:
    /// The field access card; returns {field API name: "edit" | "read" | "none"} for the test snapshot.
    nlohmann::json DrawFieldAccess(const PageContext& ctx);

    Workspace& workspace_;
    std::string field_filter_;
    int field_sort_column_ = -1;
    bool field_sort_desc_ = false;
    std::string user_;
    std::string user_filter_;
    std::string object_;
    std::string record_text_;
    nlohmann::json state_ = nlohmann::json::object();
};

}  // namespace crm::ui
