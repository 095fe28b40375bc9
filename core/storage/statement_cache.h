// Prepared statements kept by their SQL text, for the queries a service runs again and again (a save's
// inserts, the scheduler's due lookup): preparing costs more than running a small query.
#pragma once
#include <memory>
#include <string>
#include <unordered_map>

#include "storage/database.h"

namespace crm {

class StatementCache {
public:
    explicit StatementCache(Database& db) : db_(db) {}
    /// The statement for `sql`, reset and with its bindings cleared. Not for a statement still stepping
    /// while the same SQL runs again inside its loop: the second use would reset the first.
    Statement& Get(const std::string& sql);
    /// Forgets every statement (the tables they read changed shape).
    void Clear() { statements_.clear(); }

private:
    Database& db_;
    std::unordered_map<std::string, std::unique_ptr<Statement>> statements_;
};

}  // namespace crm
