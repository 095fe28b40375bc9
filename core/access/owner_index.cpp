#include "access/owner_index.h"

#include "schema/schema.h"

namespace crm {

namespace {
constexpr int64_t kUnknown = -1;  ///< not read yet, or changed since: ask SQLite
constexpr int64_t kMissing = -2;  ///< no such record
}  // namespace

struct OwnerIndex::Table {
    std::string name;
    bool loaded = false;
    bool sparse = false;          ///< ids too scattered for a vector indexed by id: always ask SQLite
    std::vector<int64_t> owners;  ///< by record id: owner id (0 = none), kUnknown or kMissing
    Statement probe;
};

OwnerIndex::OwnerIndex(Database& db) : db_(db) { db_.AddRowChangeListener(this); }

OwnerIndex::~OwnerIndex() { db_.RemoveRowChangeListener(this); }

void OwnerIndex::RowChanged(std::string_view table, int64_t rowid) {
    for (const auto& t : tables_) {
        if (t->name != table) continue;
        if (rowid >= 0 && static_cast<uint64_t>(rowid) < t->owners.size())
            t->owners[static_cast<size_t>(rowid)] = kUnknown;
        return;
    }
}

OwnerIndex::Table& OwnerIndex::TableNamed(const std::string& name) {
    for (const auto& t : tables_) {
        if (t->name == name) return *t;
    }
    auto t = std::make_unique<Table>();
    t->name = name;
    t->probe = db_.Prepare("SELECT owner_id FROM " + QuoteIdent(name) + " WHERE id = ?1");
    tables_.push_back(std::move(t));
    return *tables_.back();
}

void OwnerIndex::Load(Table& t) {
    Statement range = db_.Prepare("SELECT count(*), coalesce(max(id), 0) FROM " + QuoteIdent(t.name));
    if (!range.Step()) return;
    const int64_t count = range.Int(0), max_id = range.Int(1);
    t.loaded = true;
    // A vector indexed by id costs 8 bytes per id up to the largest; scattered ids would waste it.
    if (max_id > 4 * count + 4096 || max_id >= (int64_t{1} << 31)) {
        t.sparse = true;
        return;
    }
    t.owners.assign(static_cast<size_t>(max_id) + 1, kMissing);
    Statement all = db_.Prepare("SELECT id, coalesce(owner_id, 0) FROM " + QuoteIdent(t.name));
    while (all.Step()) t.owners[static_cast<size_t>(all.Int(0))] = all.Int(1);
    if (!all.status().ok()) t.owners.assign(t.owners.size(), kUnknown);
}

std::optional<int64_t> OwnerIndex::Owner(const std::string& table, int64_t record_id,
                                         uint64_t schema_version) {
    if (schema_version != schema_version_) {
        tables_.clear();
        schema_version_ = schema_version;
    }
    Table& t = TableNamed(table);
    const bool may_keep = !db_.InTransaction();
    if (!t.loaded && may_keep) Load(t);
    const bool indexed = record_id >= 0 && static_cast<uint64_t>(record_id) < t.owners.size();
    if (indexed) {
        const int64_t known = t.owners[static_cast<size_t>(record_id)];
        if (known == kMissing) return std::nullopt;
        if (known != kUnknown) return known;
    }
    t.probe.Reset();
    t.probe.Bind(1, record_id);
    std::optional<int64_t> owner;
    if (t.probe.Step()) owner = t.probe.OptInt(0).value_or(0);
    const bool read_ok = t.probe.status().ok();
    t.probe.Reset();
    if (may_keep && read_ok && !t.sparse && t.loaded && record_id >= 0) {
        // Records created since the load extend the vector (ids grow by one).
        if (!indexed && static_cast<uint64_t>(record_id) < t.owners.size() * 2 + 4096)
            t.owners.resize(static_cast<size_t>(record_id) + 1, kUnknown);
        if (static_cast<uint64_t>(record_id) < t.owners.size())
            t.owners[static_cast<size_t>(record_id)] = owner ? *owner : kMissing;
    }
    return owner;
}

}  // namespace crm
