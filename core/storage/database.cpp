#include "storage/database.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "common/clock.h"
#include "common/messages.h"

namespace crm {

namespace {

// Another writer holds the workspace: on the web another tab of it (web/page_store.js: the writer
// lease), natively another program past the busy timeout. Nothing was changed.
const MessageDef kStorageMessages[] = {
    {"storage.busy",
     "The workspace is being saved by another tab or program; nothing was changed. Try again in a moment.",
     "工作区正由另一个标签页或程序保存；未做任何更改。请稍后重试。"},
};
CRM_REGISTER_MESSAGES(kStorageMessages);

/// The error of a failed SQLite call `rc` with SQLite's own message `detail`, coded by its kind.
Error StepError(int rc, const std::string& detail) {
    const int primary = rc & 0xFF;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return MessageError("storage.busy", "storage.busy", {});
    const char* code = primary == SQLITE_CONSTRAINT                            ? "storage.constraint"
                       : primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB ? "storage.corrupt"
                                                                               : "storage.sql_error";
    return MakeError(code, detail);
}

Error SqliteError(sqlite3* db, const std::string& what) {
    std::string detail = db ? sqlite3_errmsg(db) : "out of memory";
    return MakeError("storage.sql_error", what + ": " + detail);
}

// Whether an existing, non-empty file starts with something other than the SQLite header. SQLite
// itself treats a file shorter than one page as empty and would write over it, so this is checked first.
bool HasForeignHeader(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;  // absent: SQLite creates it
    static const char kMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                    'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};
    char header[16];
    const size_t n = std::fread(header, 1, sizeof header, f);
    std::fclose(f);
    return n > 0 && (n < sizeof header || std::memcmp(header, kMagic, sizeof header) != 0);
}

Error NotADatabase(const std::string& path) {
    return MakeError("storage.not_a_database",
                     "\"" + path +
                         "\" is not a CRM workspace: it is not a SQLite database, or it is damaged. "
                         "The file was left unchanged; choose another file or move this one aside.");
}

bool FileExists(const std::string& path) {
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
        std::fclose(f);
        return true;
    }
    return false;
}

// A bind fails only on a wrong index or an unprepared statement: both are bugs in the caller.
void CheckBind(int rc) {
    assert(rc == SQLITE_OK && "bind to a prepared statement with a valid index");
    (void)rc;
}

}  // namespace

// [SECTION] Database

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, bool web_durability) {
    if (path != ":memory:" && !path.empty() && HasForeignHeader(path)) return NotADatabase(path);
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
        std::string detail = raw ? sqlite3_errmsg(raw) : "out of memory";
        sqlite3_close(raw);
        return MakeError("storage.open_failed", "Cannot open \"" + path + "\": " + detail +
                                                    ". Check that the folder exists and is writable.");
    }
    std::unique_ptr<Database> db(new Database(raw, path));
    sqlite3_extended_result_codes(raw, 1);
    // In the browser a busy workspace is another tab's: waiting would only freeze this one (its
    // lease arrives between frames), so a write without it is refused at once.
    sqlite3_busy_timeout(raw, web_durability ? 0 : 5000);

    // Probe before any pragma that could write: SQLite reads the header lazily, so a file of
    // random bytes is only recognised here, and nothing has been written to it yet.
    rc = sqlite3_exec(raw, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        int primary = rc & 0xFF;
        if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) {
            return NotADatabase(path);
        }
        return MakeError("storage.open_failed", "Cannot read \"" + path + "\": " + sqlite3_errmsg(raw) + ".");
    }
    // DELETE journal everywhere: the web build persists a single file, and the desktop does the same
    // so that a workspace is always exactly one file that can be copied.
    // The page cache: a file on disk gets 64 MB, so the hot pages of a million-record object (its
    // indexes, the rows a list touches) stay in SQLite's cache instead of being read again from the
    // operating system on every query; the browser's pages already live in memory (web/page_vfs),
    // where a bigger cache would only copy them.
    std::string pragmas = "PRAGMA foreign_keys=ON; PRAGMA journal_mode=DELETE;";
    pragmas +=
        web_durability ? " PRAGMA synchronous=OFF;" : " PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;";
    if (Status s = db->Exec(pragmas); !s.ok()) {
        return MakeError("storage.open_failed", "Cannot prepare \"" + path + "\": " + s.error().message);
    }
    return db;
}

bool Database::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

void Database::AddRowChangeListener(RowChangeListener* listener) {
    if (listeners_.empty()) sqlite3_update_hook(db_, &Database::OnUpdate, this);
    listeners_.push_back(listener);
}

void Database::RemoveRowChangeListener(RowChangeListener* listener) {
    listeners_.erase(std::remove(listeners_.begin(), listeners_.end(), listener), listeners_.end());
    if (listeners_.empty()) sqlite3_update_hook(db_, nullptr, nullptr);
}

void Database::OnUpdate(void* self, int /*op*/, const char* /*database*/, const char* table,
                        long long rowid) {
    for (RowChangeListener* l : static_cast<Database*>(self)->listeners_) l->RowChanged(table, rowid);
}

Database::~Database() {
    if (db_) sqlite3_close_v2(db_);
}

Status Database::Exec(std::string_view sql) {
    std::string text(sql);
    char* message = nullptr;
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        std::string detail = message ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        const int primary = rc & 0xFF;
        if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return StepError(rc, detail);
        return MakeError("storage.sql_error", detail);
    }
    return Status::Ok();
}

Statement Database::Prepare(std::string_view sql) {
    Result<Statement> stmt = TryPrepare(sql);
    assert(stmt.ok() && "the program's own SQL must prepare");
    if (!stmt.ok()) return Statement();
    return std::move(stmt.value());
}

Result<Statement> Database::TryPrepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return SqliteError(db_, "Cannot prepare a statement");
    }
    return Statement(stmt, db_);
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

int Database::Changes() const { return sqlite3_changes(db_); }

int64_t Database::TotalChanges() const { return sqlite3_total_changes64(db_); }

std::string Database::LastErrorMessage() const { return sqlite3_errmsg(db_); }

void Database::ResetUnfinishedStatements() {
    for (sqlite3_stmt* st = sqlite3_next_stmt(db_, nullptr); st; st = sqlite3_next_stmt(db_, st))
        if (sqlite3_stmt_busy(st)) sqlite3_reset(st);
}

int Database::UserVersion() {
    Statement stmt = Prepare("PRAGMA user_version");
    return stmt.Step() ? static_cast<int>(stmt.Int(0)) : 0;
}

Status Database::SetUserVersion(int version) {
    return Exec("PRAGMA user_version=" + std::to_string(version));
}

int Database::ApplicationId() {
    Statement stmt = Prepare("PRAGMA application_id");
    return stmt.Step() ? static_cast<int>(stmt.Int(0)) : 0;
}

Status Database::SetApplicationId(int id) { return Exec("PRAGMA application_id=" + std::to_string(id)); }

Status Database::BackupTo(const std::string& dest_path) {
    sqlite3* dest = nullptr;
    int rc = sqlite3_open_v2(dest_path.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
        std::string detail = dest ? sqlite3_errmsg(dest) : "out of memory";
        sqlite3_close(dest);
        return MakeError("storage.backup_failed",
                         "Cannot create the backup \"" + dest_path + "\": " + detail + ".");
    }
    sqlite3_backup* backup = sqlite3_backup_init(dest, "main", db_, "main");
    if (!backup) {
        std::string detail = sqlite3_errmsg(dest);
        sqlite3_close(dest);
        return MakeError("storage.backup_failed", "Cannot back up to \"" + dest_path + "\": " + detail + ".");
    }
    rc = sqlite3_backup_step(backup, -1);  // all pages at once: a consistent snapshot
    sqlite3_backup_finish(backup);
    std::string detail = sqlite3_errmsg(dest);
    sqlite3_close(dest);
    if (rc != SQLITE_DONE) {
        return MakeError("storage.backup_failed",
                         "Backing up to \"" + dest_path + "\" failed: " + detail + ".");
    }
    return Status::Ok();
}

Result<std::string> SetAsideDamagedFile(const std::string& path, int64_t now_ms) {
    std::string stamp = FormatUtcIso8601(now_ms);  // 2026-11-26T16:55:29Z -> 20261126T165529Z
    std::string compact;
    for (char c : stamp) {
        if (c != '-' && c != ':') compact += c;
    }
    std::string base = path + ".corrupt-" + compact;
    std::string target = base;
    for (int n = 2; FileExists(target); ++n) target = base + "-" + std::to_string(n);
    if (std::rename(path.c_str(), target.c_str()) != 0) {
        return MakeError("storage.set_aside_failed",
                         "Cannot move the damaged file \"" + path + "\" aside to \"" + target + "\".");
    }
    return target;
}

// [SECTION] Statement

Statement::Statement(Statement&& other) noexcept
    : stmt_(other.stmt_), db_(other.db_), status_(std::move(other.status_)) {
    other.stmt_ = nullptr;
    other.db_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        stmt_ = other.stmt_;
        db_ = other.db_;
        status_ = std::move(other.status_);
        other.stmt_ = nullptr;
        other.db_ = nullptr;
    }
    return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, std::nullptr_t) {
    CheckBind(sqlite3_bind_null(stmt_, index));
    return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
    CheckBind(sqlite3_bind_int64(stmt_, index, value));
    return *this;
}

Statement& Statement::Bind(int index, double value) {
    CheckBind(sqlite3_bind_double(stmt_, index, value));
    return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
    CheckBind(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
    return *this;
}

Statement& Statement::Bind(int index, const std::optional<int64_t>& value) {
    return value ? Bind(index, *value) : Bind(index, nullptr);
}

Statement& Statement::Bind(int index, const std::optional<std::string>& value) {
    return value ? Bind(index, std::string_view(*value)) : Bind(index, nullptr);
}

bool Statement::Step() {
    if (!stmt_) {
        status_ = MakeError("storage.sql_error", "The statement was not prepared.");
        return false;
    }
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) {
        status_ = Status::Ok();
    } else {
        status_ = StepError(rc, sqlite3_errmsg(db_));
    }
    return false;
}

Status Statement::Run() {
    while (Step()) {
    }
    return status_;
}

void Statement::Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    status_ = Status::Ok();
}

bool Statement::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::Real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::Text(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    int size = sqlite3_column_bytes(stmt_, column);
    return text ? std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size)) : std::string();
}

std::optional<std::string> Statement::OptText(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Text(column);
}

std::optional<int64_t> Statement::OptInt(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Int(column);
}

int Statement::ColumnCount() const { return sqlite3_column_count(stmt_); }

// [SECTION] Transaction

Transaction::Transaction(Database& db) : db_(db) { begin_ = db_.Exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
    if (begin_.ok() && !done_) db_.Exec("ROLLBACK");
}

Status Transaction::Commit() {
    if (!begin_.ok()) return begin_;
    if (done_) return MakeError("storage.sql_error", "The transaction has already ended.");
    Status s = db_.Exec("COMMIT");
    if (s.ok()) {
        done_ = true;
    }
    // On a failed COMMIT the destructor rolls back, so nothing is left half-written.
    return s;
}

// [SECTION] PragmaScope

PragmaScope::PragmaScope(Database& db, std::string name, int64_t value) : db_(db), name_(std::move(name)) {
    {
        Statement st = db_.Prepare("PRAGMA " + name_);
        if (st.Step()) was_ = st.Int(0);
    }
    (void)db_.Exec("PRAGMA " + name_ + " = " + std::to_string(value));
}

PragmaScope::~PragmaScope() {
    if (was_) (void)db_.Exec("PRAGMA " + name_ + " = " + std::to_string(*was_));
}

}  // namespace crm
