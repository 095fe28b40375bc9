// What connector.cpp (configuration) and connector_sync.cpp (runs) share: the stored connector with its
// secret, the reading of rows, and the service's state.
#pragma once
#include <optional>
#include <string>

#include "common/messages.h"
#include "integration/connector.h"
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

/// Reads an ERP time (Unix milliseconds, or a UTC ISO date-time); nullopt when it is neither.
std::optional<int64_t> ErpTimeMs(const nlohmann::json& value);

/// An ERP id as text (a number's digits, or the string).
std::string ErpId(const nlohmann::json& value);

/// Compiles `transform` over VALUE of the JSON value's type and evaluates it; the result as JSON.
Result<nlohmann::json> Transform(const std::string& transform, const nlohmann::json& value, int64_t now_ms);

}  // namespace crm::connector_detail

namespace crm {
struct ConnectorService::Impl {
    Workspace& ws;
    explicit Impl(Workspace& w) : ws(w) {}
};
}  // namespace crm
