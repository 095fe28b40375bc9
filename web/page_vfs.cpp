#include "web/page_vfs.h"

#include <emscripten.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

// [SECTION] JavaScript glue (not clang-formatted: the body is JavaScript)
// clang-format off

// One commit's pages: `count` page numbers, pointers to their bytes (valid during the call) and whether
// the commit changed each: every page of each changed group of `group_pages`, in page order. Each group
// is copied once, into the one buffer page_store.js stores it from: [group, bytes, changed page numbers].
EM_JS(void, crm_js_pages_commit, (double seq, int page_size, int page_count, int group_pages, int count,
                                  const uint32_t* pgnos, const uint32_t* ptrs, const uint8_t* changed), {
    var groups = [], current = null, g = -1;
    for (var i = 0; i < count; ++i) {
        var pgno = HEAPU32[(pgnos >> 2) + i], pg = Math.floor((pgno - 1) / group_pages);
        if (pg !== g) {
            g = pg;
            current = [g, new Uint8Array(Math.min(group_pages, page_count - g * group_pages) * page_size), []];
            groups.push(current);
        }
        var ptr = HEAPU32[(ptrs >> 2) + i];
        if (ptr) current[1].set(HEAPU8.subarray(ptr, ptr + page_size), ((pgno - 1) % group_pages) * page_size);
        if (HEAPU8[changed + i] === 1) current[2].push(pgno);
    }
    Module.crmPages.commit(seq, page_size, page_count, groups);
});

// 1 when this tab may start a write transaction (it holds the writer lease, page_store.js).
EM_JS(int, crm_js_may_write, (), { return Module.crmPages.mayWrite(); });

// clang-format on

namespace {

constexpr uint32_t kDefaultPageSize = 4096;
constexpr uint32_t kGroupPages = 15;  // pages per IndexedDB record, under 64 KB (web/page_store.js: GROUP)
// Pages made after the startup load come from slabs of this many (one allocation each): a calloc per page
// cost 18 us in wasm's dlmalloc (33 ms of bench_workflow's 440 ms twin).
constexpr size_t kSlabPages = 64;

/// The managed database: pages of page_size bytes (the last one may be short only while SQLite
/// writes a new file's header); pages from the startup load share one arena.
struct PageStore {
    std::string path;
    std::string journal_path;
    uint32_t page_size = kDefaultPageSize;
    std::vector<uint8_t*> pages;
    uint8_t* arena = nullptr;          // the startup load's pages
    std::vector<uint8_t*> slabs;       // kSlabPages pages each, the newest last
    size_t slab_used = kSlabPages;     // pages of the newest slab handed out
    std::vector<uint8_t*> spare;       // pages a truncation freed, for the next new pages
    int64_t size = 0;
    std::vector<uint32_t> dirty;  // page numbers (1-based), in first-touch order
    std::vector<bool> is_dirty;   // by page index
    bool truncated = false;
    bool enabled = false;
    uint64_t seq = 0;
    int lock = SQLITE_LOCK_NONE;
    bool wrote = false;  // since the last hand-over
};

PageStore g_store;
std::map<std::string, std::vector<uint8_t>> g_journals;  // in-memory rollback journals by name
sqlite3_vfs* g_base = nullptr;
sqlite3_vfs g_vfs;

/// A zeroed page: a spare one, or the next of the newest slab; nullptr when memory is short.
uint8_t* NewPage() {
    uint8_t* page;
    if (!g_store.spare.empty()) {
        page = g_store.spare.back();
        g_store.spare.pop_back();
    } else {
        if (g_store.slab_used == kSlabPages) {
            auto* slab = static_cast<uint8_t*>(std::malloc(kSlabPages * g_store.page_size));
            if (!slab) return nullptr;
            g_store.slabs.push_back(slab);
            g_store.slab_used = 0;
        }
        page = g_store.slabs.back() + g_store.slab_used++ * g_store.page_size;
    }
    std::memset(page, 0, g_store.page_size);
    return page;
}

/// A page no longer in the database waits for reuse (the arena and the slabs are freed whole).
void FreePage(uint8_t* p) {
    if (p) g_store.spare.push_back(p);
}

/// Every page goes, with the memory that held them.
void FreeAllPages() {
    std::free(g_store.arena);
    g_store.arena = nullptr;
    for (uint8_t* slab : g_store.slabs) std::free(slab);
    g_store.slabs.clear();
    g_store.slab_used = kSlabPages;
    g_store.spare.clear();
    g_store.pages.clear();
}

void MarkDirty(uint32_t index) {
    if (g_store.is_dirty.size() <= index) g_store.is_dirty.resize(index + 1, false);
    if (!g_store.is_dirty[index]) {
        g_store.is_dirty[index] = true;
        g_store.dirty.push_back(index + 1);
    }
}

/// Hands the pages changed since the last hand-over to JavaScript as one commit.
void HandOver() {
    if (!g_store.enabled || !g_store.wrote) return;
    g_store.wrote = false;
    const uint32_t page_count =
        static_cast<uint32_t>((g_store.size + g_store.page_size - 1) / g_store.page_size);
    std::vector<uint32_t> pgnos;
    std::vector<uint32_t> ptrs;
    std::vector<uint8_t> changed;
    // IndexedDB stores pages in groups of kGroupPages (one record each: reading 850 records of
    // 60 KB is far faster than 12,800 of 4 KB), so every page of a changed group is handed over.
    std::vector<uint32_t> groups;
    for (uint32_t pgno : g_store.dirty)
        if (pgno <= page_count) groups.push_back((pgno - 1) / kGroupPages);
    // A shrunk database's last group is shorter now: store it again.
    if (g_store.truncated && page_count) groups.push_back((page_count - 1) / kGroupPages);
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    for (uint32_t group : groups) {
        for (uint32_t pgno = group * kGroupPages + 1; pgno <= (group + 1) * kGroupPages && pgno <= page_count;
             ++pgno) {
            uint8_t* page = pgno <= g_store.pages.size() ? g_store.pages[pgno - 1] : nullptr;
            if (!page) {
                page = NewPage();  // a hole: zeros
                if (!page) continue;  // page_store.js stores zeros for a missing pointer
                if (g_store.pages.size() < pgno) g_store.pages.resize(pgno, nullptr);
                g_store.pages[pgno - 1] = page;
            }
            pgnos.push_back(pgno);
            ptrs.push_back(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(page)));
            changed.push_back(pgno - 1 < g_store.is_dirty.size() && g_store.is_dirty[pgno - 1] ? 1 : 0);
        }
    }
    for (uint32_t pgno : g_store.dirty) g_store.is_dirty[pgno - 1] = false;
    g_store.dirty.clear();
    g_store.truncated = false;
    ++g_store.seq;
    crm_js_pages_commit(static_cast<double>(g_store.seq), static_cast<int>(g_store.page_size),
                        static_cast<int>(page_count), static_cast<int>(kGroupPages),
                        static_cast<int>(pgnos.size()), pgnos.data(),
                        ptrs.data(), changed.data());
}

// [SECTION] Files

enum class Kind { Pages, Journal };

struct File {
    sqlite3_file base;
    Kind kind;
    std::string* name;  // journal name (owned)
};

int PagesRead(void* out, int amount, int64_t offset) {
    auto* dst = static_cast<uint8_t*>(out);
    int done = 0;
    while (done < amount) {
        const int64_t at = offset + done;
        if (at >= g_store.size) break;
        const size_t index = static_cast<size_t>(at / g_store.page_size);
        const uint32_t within = static_cast<uint32_t>(at % g_store.page_size);
        int n = static_cast<int>(std::min<int64_t>(
            {static_cast<int64_t>(g_store.page_size - within), amount - done, g_store.size - at}));
        const uint8_t* page = index < g_store.pages.size() ? g_store.pages[index] : nullptr;
        if (page) {
            std::memcpy(dst + done, page + within, n);
        } else {
            std::memset(dst + done, 0, n);
        }
        done += n;
    }
    if (done < amount) {
        std::memset(dst + done, 0, amount - done);
        return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
}

int PagesWrite(const void* in, int amount, int64_t offset) {
    const auto* src = static_cast<const uint8_t*>(in);
    int done = 0;
    while (done < amount) {
        const int64_t at = offset + done;
        const size_t index = static_cast<size_t>(at / g_store.page_size);
        const uint32_t within = static_cast<uint32_t>(at % g_store.page_size);
        const int n = static_cast<int>(std::min<int64_t>(g_store.page_size - within, amount - done));
        if (g_store.pages.size() <= index) g_store.pages.resize(index + 1, nullptr);
        if (!g_store.pages[index]) {
            g_store.pages[index] = NewPage();
            if (!g_store.pages[index]) return SQLITE_IOERR_NOMEM;
        }
        std::memcpy(g_store.pages[index] + within, src + done, n);
        MarkDirty(static_cast<uint32_t>(index));
        done += n;
    }
    g_store.size = std::max<int64_t>(g_store.size, offset + amount);
    g_store.wrote = true;
    return SQLITE_OK;
}

int PagesTruncate(int64_t size) {
    if (size >= g_store.size) return SQLITE_OK;
    g_store.size = size;
    const size_t keep = static_cast<size_t>((size + g_store.page_size - 1) / g_store.page_size);
    for (size_t i = keep; i < g_store.pages.size(); ++i) FreePage(g_store.pages[i]);
    if (g_store.pages.size() > keep) g_store.pages.resize(keep);
    g_store.truncated = true;
    g_store.wrote = true;
    return SQLITE_OK;
}

int XClose(sqlite3_file* f) {
    auto* file = reinterpret_cast<File*>(f);
    delete file->name;
    file->name = nullptr;
    return SQLITE_OK;
}

int XRead(sqlite3_file* f, void* out, int amount, sqlite3_int64 offset) {
    auto* file = reinterpret_cast<File*>(f);
    if (file->kind == Kind::Pages) return PagesRead(out, amount, offset);
    auto it = g_journals.find(*file->name);
    const std::vector<uint8_t> empty;
    const std::vector<uint8_t>& data = it == g_journals.end() ? empty : it->second;
    const int64_t have =
        std::max<int64_t>(0, std::min<int64_t>(amount, static_cast<int64_t>(data.size()) - offset));
    if (have > 0) std::memcpy(out, data.data() + offset, have);
    if (have < amount) {
        std::memset(static_cast<uint8_t*>(out) + have, 0, amount - have);
        return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
}

int XWrite(sqlite3_file* f, const void* in, int amount, sqlite3_int64 offset) {
    auto* file = reinterpret_cast<File*>(f);
    if (file->kind == Kind::Pages) return PagesWrite(in, amount, offset);
    std::vector<uint8_t>& data = g_journals[*file->name];
    if (data.size() < static_cast<size_t>(offset + amount)) data.resize(offset + amount);
    std::memcpy(data.data() + offset, in, amount);
    return SQLITE_OK;
}

int XTruncate(sqlite3_file* f, sqlite3_int64 size) {
    auto* file = reinterpret_cast<File*>(f);
    if (file->kind == Kind::Pages) return PagesTruncate(size);
    std::vector<uint8_t>& data = g_journals[*file->name];
    if (data.size() > static_cast<size_t>(size)) data.resize(size);
    return SQLITE_OK;
}

int XSync(sqlite3_file*, int) { return SQLITE_OK; }

int XFileSize(sqlite3_file* f, sqlite3_int64* size) {
    auto* file = reinterpret_cast<File*>(f);
    if (file->kind == Kind::Pages) {
        *size = g_store.size;
    } else {
        auto it = g_journals.find(*file->name);
        *size = it == g_journals.end() ? 0 : static_cast<sqlite3_int64>(it->second.size());
    }
    return SQLITE_OK;
}

// A write transaction starts (RESERVED) only while this tab holds the writer lease: refused at
// once otherwise (SQLITE_BUSY, before anything is written), and the lease is asked for.
int XLock(sqlite3_file* f, int level) {
    auto* file = reinterpret_cast<File*>(f);
    if (file->kind != Kind::Pages) return SQLITE_OK;
    if (level >= SQLITE_LOCK_RESERVED && g_store.lock < SQLITE_LOCK_RESERVED && g_store.enabled &&
        !crm_js_may_write()) {
        return SQLITE_BUSY;
    }
    g_store.lock = std::max(g_store.lock, level);
    return SQLITE_OK;
}

// A transaction ends when the lock drops below RESERVED: SQLite has written every page of the
// commit (or of the rollback) and deleted the journal. That is the moment to hand the pages over.
int XUnlock(sqlite3_file* f, int level) {
    auto* file = reinterpret_cast<File*>(f);
    if (file->kind != Kind::Pages) return SQLITE_OK;
    const bool ending = g_store.lock >= SQLITE_LOCK_RESERVED && level < SQLITE_LOCK_RESERVED;
    g_store.lock = level;
    if (ending) HandOver();
    return SQLITE_OK;
}

int XCheckReservedLock(sqlite3_file*, int* out) {
    *out = 0;
    return SQLITE_OK;
}

int XFileControl(sqlite3_file*, int, void*) { return SQLITE_NOTFOUND; }
int XSectorSize(sqlite3_file*) { return 512; }
int XDeviceCharacteristics(sqlite3_file*) { return 0; }

const sqlite3_io_methods kMethods = {1,
                                     XClose,
                                     XRead,
                                     XWrite,
                                     XTruncate,
                                     XSync,
                                     XFileSize,
                                     XLock,
                                     XUnlock,
                                     XCheckReservedLock,
                                     XFileControl,
                                     XSectorSize,
                                     XDeviceCharacteristics,
                                     nullptr,
                                     nullptr,
                                     nullptr,
                                     nullptr,
                                     nullptr,
                                     nullptr};

// [SECTION] The VFS

bool Managed(const char* name) { return name && (g_store.path == name || g_store.journal_path == name); }

int VfsOpen(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out_flags) {
    if (!Managed(name)) return g_base->xOpen(g_base, name, f, flags, out_flags);
    auto* file = reinterpret_cast<File*>(f);
    file->base.pMethods = &kMethods;
    file->name = nullptr;
    if (g_store.path == name) {
        file->kind = Kind::Pages;
    } else {
        file->kind = Kind::Journal;
        file->name = new std::string(name);
        if (flags & SQLITE_OPEN_CREATE) g_journals.emplace(name, std::vector<uint8_t>());
    }
    if (out_flags) *out_flags = flags;
    return SQLITE_OK;
}

int VfsDelete(sqlite3_vfs*, const char* name, int sync_dir) {
    if (!Managed(name)) return g_base->xDelete(g_base, name, sync_dir);
    // Emptied, its room kept: the next transaction's journal grows into it without copying (an empty
    // journal does not exist for xAccess).
    if (auto it = g_journals.find(name); it != g_journals.end()) it->second.clear();
    return SQLITE_OK;
}

int VfsAccess(sqlite3_vfs*, const char* name, int flags, int* out) {
    if (!Managed(name)) return g_base->xAccess(g_base, name, flags, out);
    if (g_store.path == name) {
        *out = flags == SQLITE_ACCESS_EXISTS ? (g_store.size > 0 ? 1 : 0) : 1;
    } else {
        auto it = g_journals.find(name);
        *out = it != g_journals.end() && (flags != SQLITE_ACCESS_EXISTS || !it->second.empty()) ? 1 : 0;
    }
    return SQLITE_OK;
}

}  // namespace

// [SECTION] Calls from JavaScript (web/page_store.js)

extern "C" {

/// Makes room for `page_count` pages of `page_size` bytes read from IndexedDB, as one arena, and
/// returns where page 1 goes (page n at + (n - 1) * page_size); 0 when memory is short.
EMSCRIPTEN_KEEPALIVE uint8_t* crm_vfs_load_begin(int page_size, int page_count, double seq) {
    if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) || page_count < 0)
        return nullptr;
    FreeAllPages();
    g_store.pages.assign(page_count, nullptr);
    g_store.is_dirty.assign(page_count, false);
    g_store.dirty.clear();
    g_store.wrote = false;
    g_store.truncated = false;
    g_store.page_size = static_cast<uint32_t>(page_size);
    g_store.seq = static_cast<uint64_t>(seq);
    g_store.arena = page_count
                        ? static_cast<uint8_t*>(std::malloc(static_cast<size_t>(page_size) * page_count))
                        : nullptr;
    if (page_count && !g_store.arena) {
        g_store.pages.clear();
        g_store.size = 0;
        return nullptr;
    }
    for (int i = 0; i < page_count; ++i)
        g_store.pages[i] = g_store.arena + static_cast<size_t>(i) * page_size;
    g_store.size = static_cast<int64_t>(page_size) * page_count;
    return g_store.arena;
}

/// Where page `pgno` of a commit another tab stored goes (allocated when new; not marked changed:
/// it is stored already); 0 when the page size differs or memory is short.
EMSCRIPTEN_KEEPALIVE uint8_t* crm_vfs_page_for_apply(int pgno, int page_size) {
    if (pgno < 1 || static_cast<uint32_t>(page_size) != g_store.page_size) return nullptr;
    const size_t index = static_cast<size_t>(pgno - 1);
    if (g_store.pages.size() <= index) g_store.pages.resize(index + 1, nullptr);
    if (!g_store.pages[index]) g_store.pages[index] = NewPage();
    return g_store.pages[index];
}

/// Another tab's commit `seq` is applied: the database has `page_count` pages.
EMSCRIPTEN_KEEPALIVE void crm_vfs_apply_end(double seq, int page_count) {
    const size_t keep = static_cast<size_t>(std::max(0, page_count));
    for (size_t i = keep; i < g_store.pages.size(); ++i) FreePage(g_store.pages[i]);
    if (g_store.pages.size() > keep) g_store.pages.resize(keep);
    g_store.size = static_cast<int64_t>(keep) * g_store.page_size;
    g_store.seq = static_cast<uint64_t>(seq);
}

/// Where page `pgno` of the database as it stands is (page_store.js copies a whole group at a commit
/// to fold its separately stored pages back into it); 0 for a page never written (zeros).
EMSCRIPTEN_KEEPALIVE const uint8_t* crm_vfs_page(int pgno) {
    if (pgno < 1 || static_cast<size_t>(pgno) > g_store.pages.size()) return nullptr;
    return g_store.pages[static_cast<size_t>(pgno - 1)];
}

/// 1 while SQLite is inside a write transaction on the workspace (the lease is not given up then).
EMSCRIPTEN_KEEPALIVE int crm_vfs_in_write() { return g_store.lock >= SQLITE_LOCK_RESERVED ? 1 : 0; }

/// Every page counts as changed: the next hand-over writes the whole database (a migration).
EMSCRIPTEN_KEEPALIVE void crm_vfs_mark_all_dirty() {
    for (size_t i = 0; i < g_store.pages.size(); ++i) MarkDirty(static_cast<uint32_t>(i));
    g_store.truncated = true;
    g_store.wrote = true;
}

/// The page size of the database header (bytes 16-17; 1 means 65536), 0 without a header.
EMSCRIPTEN_KEEPALIVE int crm_vfs_header_page_size() {
    if (g_store.pages.empty() || !g_store.pages[0] || g_store.size < 100) return 0;
    const uint8_t* h = g_store.pages[0];
    if (std::memcmp(h, "SQLite format 3", 16) != 0) return 0;
    const int size = (h[16] << 8) | h[17];
    return size == 1 ? 65536 : size;
}

}  // extern "C"

namespace crm::web {

void RegisterPageVfs(const std::string& db_path) {
    if (g_base) return;
    g_base = sqlite3_vfs_find(nullptr);
    g_vfs = *g_base;
    g_vfs.zName = "crm-pages";
    g_vfs.szOsFile = std::max<int>(g_base->szOsFile, sizeof(File));
    g_vfs.pNext = nullptr;
    g_vfs.xOpen = VfsOpen;
    g_vfs.xDelete = VfsDelete;
    g_vfs.xAccess = VfsAccess;
    g_store.path = db_path;
    g_store.journal_path = db_path + "-journal";
    sqlite3_vfs_register(&g_vfs, 1);
}

void EnablePageStore() {
    g_store.enabled = true;
    HandOver();
}

uint64_t PageStoreLastSeq() { return g_store.seq; }

void ClearPageStore(const std::string& db_path) {
    if (db_path == g_store.path) crm_vfs_load_begin(static_cast<int>(kDefaultPageSize), 0, 0);
}

}  // namespace crm::web
