// RAII over SQLite: a connection, prepared statements and transactions.
// Nothing outside core/ includes sqlite3.h or speaks SQL.
//
// [SECTION] Database   one connection; Open() classifies bad files as Errors
// [SECTION] Statement  a prepared statement with typed binds and column reads
// [SECTION] Transaction  BEGIN IMMEDIATE ... COMMIT, rolled back unless committed
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace crm {

class Statement;

// [SECTION] Database

/// Told of every row this connection inserts, updates or deletes in a rowid table (SQLite's update hook).
/// Not told of rollbacks: a listener that keeps values read from the database must not keep what it reads
/// while a transaction is open (Database::InTransaction), so that a rollback cannot leave it stale.
class RowChangeListener {
public:
    virtual ~RowChangeListener() = default;
    virtual void RowChanged(std::string_view table, int64_t rowid) = 0;
};

/// One SQLite connection. Move-only; closes on destruction.
class Database {
public:
    /// Opens (creating if absent) the database at `path` (":memory:" for a private in-memory one).
    /// A file that is not a SQLite database answers Error{"storage.not_a_database"}; the file is
    /// left untouched. `web_durability` turns fsync off (the web build persists through IndexedDB).
    static Result<std::unique_ptr<Database>> Open(const std::string& path, bool web_durability = false);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    /// Runs one or more statements without results. An SQL error is returned as an Error.
    Status Exec(std::string_view sql);
    /// Prepares one statement. The SQL is the program's own, so a syntax error is a bug (assert);
    /// errors caused by the file (corruption, I/O) are reported when stepping.
    Statement Prepare(std::string_view sql);
    /// Prepares one statement, reporting any failure as an Error instead of asserting.
    Result<Statement> TryPrepare(std::string_view sql);

    /// Rowid of the last INSERT and rows changed by the last statement, as SQLite reports them.
    int64_t LastInsertRowId() const;
    int Changes() const;
    /// Rows inserted, updated or deleted on this connection since it opened (sqlite3_total_changes64).
    int64_t TotalChanges() const;
    const std::string& path() const { return path_; }
    std::string LastErrorMessage() const;
    /// Resets every statement of this connection left part way through its rows (the services keep
    /// statements prepared between calls; one that found its row stays open and holds a read
    /// transaction). SQLite refuses DROP INDEX and a backup into the database while one is. Only for
    /// a moment when no caller is stepping one (no change of a service is open around it).
    void ResetUnfinishedStatements();
    /// The raw connection, for core code that needs an API this class does not wrap.
    sqlite3* handle() const { return db_; }

    /// Whether a transaction is open (changes made now may still be rolled back).
    bool InTransaction() const;
    /// Listeners are told of row changes until removed; the caller keeps them alive meanwhile.
    void AddRowChangeListener(RowChangeListener* listener);
    void RemoveRowChangeListener(RowChangeListener* listener);

    /// PRAGMA user_version / application_id.
    int UserVersion();
    Status SetUserVersion(int version);
    int ApplicationId();
    Status SetApplicationId(int id);

    /// Writes a consistent snapshot of this database to `dest_path` (SQLite online backup).
    Status BackupTo(const std::string& dest_path);

private:
    Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
    static void OnUpdate(void* self, int op, const char* database, const char* table, long long rowid);
    sqlite3* db_;
    std::string path_;
    std::vector<RowChangeListener*> listeners_;
};

/// Moves a damaged database file aside ("<path>.corrupt-<UTC timestamp>") so that a new one can be
/// created in its place without ever overwriting it. Returns the new path.
Result<std::string> SetAsideDamagedFile(const std::string& path, int64_t now_ms);

// [SECTION] Statement

/// A prepared statement. Binds are 1-based, columns 0-based (as in SQLite).
class Statement {
public:
    Statement() = default;
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    ~Statement();

    Statement& Bind(int index, std::nullptr_t);
    Statement& Bind(int index, int64_t value);
    Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
    Statement& Bind(int index, double value);
    Statement& Bind(int index, std::string_view text);
    Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
    Statement& Bind(int index, const std::string& text) { return Bind(index, std::string_view(text)); }
    Statement& Bind(int index, const std::optional<int64_t>& value);
    Statement& Bind(int index, const std::optional<std::string>& value);

    /// Advances: true when a row is available. Errors end the iteration; see status().
    bool Step();
    /// Runs a statement that returns no rows.
    Status Run();
    /// The error of the last Step(), if any.
    const Status& status() const { return status_; }
    /// Makes the statement ready to run again and clears its binds.
    void Reset();

    /// Column reads of the current row (after Step() returned true).
    bool IsNull(int column) const;
    int64_t Int(int column) const;
    double Real(int column) const;
    std::string Text(int column) const;
    std::optional<std::string> OptText(int column) const;
    std::optional<int64_t> OptInt(int column) const;
    int ColumnCount() const;

private:
    friend class Database;
    Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
    sqlite3_stmt* stmt_ = nullptr;
    sqlite3* db_ = nullptr;
    Status status_;
};

// [SECTION] Transaction

/// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless Commit() succeeded.
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    /// Whether BEGIN succeeded; a transaction that did not begin cannot commit.
    const Status& begin_status() const { return begin_; }
    /// Commits; on failure the destructor rolls back, so nothing is half-written.
    Status Commit();

private:
    Database& db_;
    Status begin_;
    bool done_ = false;
};

// [SECTION] PragmaScope

/// Sets an integer pragma of the connection for the scope (`PRAGMA <name> = <value>`, such as cache_size,
/// threads, mmap_size), and puts back the value it had when the scope ends. `name` is a pragma's name as
/// the code spells it, never user input.
class PragmaScope {
public:
    PragmaScope(Database& db, std::string name, int64_t value);
    ~PragmaScope();
    PragmaScope(const PragmaScope&) = delete;
    PragmaScope& operator=(const PragmaScope&) = delete;

private:
    Database& db_;
    std::string name_;
    std::optional<int64_t> was_;  // none when the pragma answered nothing: nothing to put back
};

}  // namespace crm
