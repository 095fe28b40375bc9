// The owner of every record, kept in memory for Decide (a single-record decision needs the owner, and an
// SQLite lookup per decision would cost more than the whole decision).
//
// Kept correct by two rules: every row change the connection makes (RowChangeListener) forgets that row,
// which is then read again; and nothing read while a transaction is open is kept, so a rollback cannot
// leave an owner that was never committed. A schema change (a table dropped, rebuilt or renamed: no row
// notifications) forgets everything.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"

namespace crm {

class OwnerIndex final : public RowChangeListener {
public:
    explicit OwnerIndex(Database& db);
    ~OwnerIndex() override;
    OwnerIndex(const OwnerIndex&) = delete;
    OwnerIndex& operator=(const OwnerIndex&) = delete;

    /// The owner id of record `record_id` of the record table `table` (0 when it has none), or nothing when
    /// there is no such record. The first call for a table loads its owners with one scan.
    std::optional<int64_t> Owner(const std::string& table, int64_t record_id, uint64_t schema_version);

    void RowChanged(std::string_view table, int64_t rowid) override;

private:
    struct Table;
    Table& TableNamed(const std::string& name);
    void Load(Table& t);

    Database& db_;
    uint64_t schema_version_ = 0;
    std::vector<std::unique_ptr<Table>> tables_;
};

}  // namespace crm
