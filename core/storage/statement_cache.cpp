#include "storage/statement_cache.h"

namespace crm {

Statement& StatementCache::Get(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end())
        it = statements_.emplace(sql, std::make_unique<Statement>(db_.Prepare(sql))).first;
    it->second->Reset();
    return *it->second;
}

}  // namespace crm
