// What a committed change did: the areas, objects, records and fields it touched. Commit listeners
// (Workspace::AddCommitListener) receive one ChangeSet after every commit; ChangeScope (audit/change.h)
// collects it while the change runs.
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace crm {

/// What happened to the records (or settings) of one entry.
enum class ChangeAction { Create, Update, Delete, Config };
const char* ChangeActionName(ChangeAction action);  ///< "create", "update", "delete", "config"

/// One kind of change to one object (or settings area): which records, which fields.
struct ObjectChange {
    std::string area;    ///< "records", "list_views", "company", "schema", "access", ...
    std::string object;  ///< the object's API name for records and list views; "" for a whole settings area
    ChangeAction action = ChangeAction::Config;
    /// The records (or list views) changed, in the order they changed. Empty when not enumerated: a
    /// configuration change, or a bulk insert of many records (a listener re-reads the object).
    std::vector<int64_t> ids;
    std::vector<std::string> fields;  ///< the fields (or settings keys) that changed, sorted, no duplicates

    /// Adds field names, keeping `fields` sorted and free of duplicates.
    void AddFields(const std::vector<std::string>& names);
    void AddField(std::string_view name);
};

/// Everything one committed change did, in the order it happened (one entry per area, object and action).
struct ChangeSet {
    std::vector<ObjectChange> changes;

    bool empty() const { return changes.empty(); }
    /// The entry for (area, object, action), created at the end when absent.
    ObjectChange& Entry(std::string_view area, std::string_view object, ChangeAction action);
    /// Adds one record (id > 0) and its changed fields to the entry for (area, object, action).
    void Add(std::string_view area, std::string_view object, ChangeAction action, int64_t id,
             const std::vector<std::string>& fields = {});
    /// Appends every entry of `other` (merging into the matching entries).
    void Merge(const ChangeSet& other);
    /// Whether an entry is for `area` (and `object`, case-insensitive, when not empty).
    bool Touches(std::string_view area, std::string_view object = {}) const;

    /// A configuration change of a whole area.
    static ChangeSet Config(std::string_view area);
};

/// {"changes": [{"area", "object", "action", "ids", "fields"}, ...]}, for the browser bridge and logs.
nlohmann::json ToJson(const ChangeSet& changes);

/// Told of each committed change, after the commit.
using CommitNotifier = std::function<void(const ChangeSet&)>;

}  // namespace crm
