// The setup audit trail: every settings change, who, when, what, old and new value.
// Append-only: the table refuses UPDATE and DELETE (SQLite triggers), so entries cannot be edited.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "access/policy.h"
#include "common/result.h"
#include "storage/database.h"

namespace crm {

/// One recorded settings change.
struct AuditEntry {
    int64_t id = 0;
    int64_t at_ms = 0;         ///< when, Unix ms UTC
    std::string actor;         ///< who (username of the acting user)
    std::string area;          ///< settings area: "company", "users", ...
    std::string action;        ///< "update", "create", "delete", ...
    std::string target;        ///< what was changed, e.g. "company.name"
    nlohmann::json old_value;  ///< null when created
    nlohmann::json new_value;  ///< null when deleted
};

/// A filtered, sorted page of the trail.
struct AuditQuery {
    enum class SortKey { Time, Actor, Area, Action, Target };
    std::string area;   ///< exact area, empty = any
    std::string actor;  ///< exact actor, empty = any
    std::string text;   ///< substring of target, action, old or new value (case-insensitive ASCII)
    std::optional<int64_t> from_ms;  ///< at_ms >= from_ms
    std::optional<int64_t> to_ms;    ///< at_ms < to_ms
    SortKey sort = SortKey::Time;
    bool descending = true;
    int offset = 0;
    int limit = 50;  ///< 1..1000
};

/// One page of a query, with the number of all matches for the pager.
struct AuditPage {
    std::vector<AuditEntry> entries;
    int64_t total = 0;  ///< matching entries, before paging
};

/// The entry as the API shows it: values keep their JSON types, `at` is ISO 8601 UTC next to `at_ms`.
nlohmann::json ToJson(const AuditEntry& entry);

/// Reads and appends the trail. Appending does not open a transaction: the caller's change and
/// its audit entry commit together.
class AuditLog {
public:
    explicit AuditLog(Database& db) : db_(db) {}
    /// Appends inside the caller's transaction. `entry.id` is ignored.
    Status Append(const AuditEntry& entry);
    /// A page of matching entries, ordered by the sort key and then by id in the same direction.
    Result<AuditPage> List(const AuditQuery& query) const;
    /// List for `viewer`, who needs View Setup Audit Trail (the trail shows every settings change, so it
    /// is setup data); the console and the command API list through this one.
    Result<AuditPage> List(const std::string& viewer, const AuditQuery& query) const;
    /// Set by the Workspace once the access engine exists.
    void SetAuthorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }
    /// Distinct areas and actors present, for filter drop-downs.
    std::vector<std::string> Areas() const;
    std::vector<std::string> Actors() const;

private:
    Database& db_;
    Authorizer authorizer_;
};

}  // namespace crm
