// The web build's SQLite VFS: the workspace database lives in memory as pages (one arena filled
// from IndexedDB at startup, so opening needs about 1x its size), its rollback journal in memory,
// and every other file goes to Emscripten's default VFS. The pages each SQLite transaction
// changed are handed to JavaScript (web/page_store.js) when the transaction ends (the lock drops
// below RESERVED), numbered by a commit sequence; page_store.js writes them, with a meta record,
// in one IndexedDB transaction, in commit order.
#pragma once
#include <cstdint>
#include <string>

namespace crm::web {

/// Registers the VFS as SQLite's default, managing `db_path` (and its journal). Once.
void RegisterPageVfs(const std::string& db_path);

/// Commits are handed to JavaScript only while enabled; commits made before are kept dirty and
/// handed over together (one batch) by EnablePageStore().
void EnablePageStore();
/// The sequence number of the last commit that changed pages (0: none since the store was read).
uint64_t PageStoreLastSeq();
/// Empties the database when `db_path` is the managed one, as a new store's (benchmarks that open a new
/// workspace at the same path again); no connection may have it open.
void ClearPageStore(const std::string& db_path);

}  // namespace crm::web
