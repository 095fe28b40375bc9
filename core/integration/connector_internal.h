// What connector.cpp (configuration) and connector_sync.cpp (runs) share: the stored connector with its
// secret, the reading of rows, and the service's state.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/messages.h"
#include "integration/connector.h"
#include "schema/schema.h"
#include "storage/database.h"
#include "workspace.h"

namespace crm::connector_detail {

/// A connector as the runs need it: its facts and its secret.
struct Stored {
    Connector c;
    std::string secret;
};

/// The connector `id` with its cursors; "connectors.not_found" when absent.
Result<Stored> Find(Database& db, int64_t id);

/// The connector's entity `name` (nullptr when it has none).
inline const ConnectorEntity* EntityNamed(const Connector& c, const std::string& name) {
    for (const ConnectorEntity& e : c.entities)
        if (e.name == name) return &e;
    return nullptr;
}

/// Reads an ERP time (Unix milliseconds, or a UTC ISO date-time); nullopt when it is neither.
std::optional<int64_t> ErpTimeMs(const nlohmann::json& value);

/// An ERP id as text (a number's digits, or the string).
std::string ErpId(const nlohmann::json& value);

/// Compiles `transform` over VALUE of the JSON value's type and evaluates it; the result as JSON.
Result<nlohmann::json> Transform(const std::string& transform, const nlohmann::json& value, int64_t now_ms);

/// A push's transform: `transform` over VALUE of `field`'s type, read from the record's JSON value.
Result<nlohmann::json> TransformOut(const std::string& transform, const FieldDef& field,
                                    const nlohmann::json& value, int64_t now_ms);

/// The index a connector keeps on an object's external-id column.
std::string ExternalIdIndexName(const ObjectDef& object, const FieldDef& field);

/// The query a pull matches an ERP row with (?1: the external id): the record's id and last change.
std::string ExternalIdLookupSql(const ObjectDef& object, const FieldDef& field);

/// The external-id indexes to make and to drop so that every connector entity's field has one.
struct IndexPlan {
    std::vector<std::string> create;  ///< CREATE INDEX statements
    std::vector<std::string> drop;    ///< index names
    bool empty() const { return create.empty() && drop.empty(); }
};
Result<IndexPlan> PlanExternalIdIndexes(Workspace& ws);
/// Carries out the plan in the open change.
Status ApplyIndexPlan(Database& db, const IndexPlan& plan);

}  // namespace crm::connector_detail

namespace crm {
struct ConnectorService::Impl {
    Workspace& ws;
    explicit Impl(Workspace& w) : ws(w) {}
    std::map<int64_t, int> running;  ///< unfinished sessions by connector id (one at a time)
    std::map<int64_t, std::unique_ptr<SyncSession>> carried;  ///< the async client's, by session id
};
}  // namespace crm
