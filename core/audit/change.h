// The one way to make a change: ChangeScope opens the transaction, appends the audit entries, collects
// the change set, commits, and only then tells the commit listeners what changed.
//
//     ChangeScope change(changes_, actor);              // BEGIN IMMEDIATE (or a savepoint, when nested)
//     if (!change.begin_status().ok()) return change.begin_status();
//     ... write ...
//     change.Audit("company", "update", "company.name", old_value, new_value);
//     change.Record("company", "", ChangeAction::Update, 0, {"name"});
//     return change.Commit();                            // COMMIT, then the listeners get the change set
//
// Anything that returns before Commit() rolls the whole change back (RAII), audit entries included.
// A scope opened while another is open on the same Changes joins it as a savepoint: its Commit() releases
// the savepoint and hands its change set to the outer scope, its rollback undoes only its own part, and
// the listeners hear once, after the outermost commit. So a save whose automation creates another record,
// or a batch of configuration changes, is one transaction and one notification.
//
// Used by every service that changes the workspace: records, company, schema, access (and the areas
// that attach later). What the listeners hear per area: records and list views name the object, the ids
// and the fields; company names the keys; schema names the object (and the field) of each change, action
// Config; access names the audit areas it touched ("users", "roles", ...) as the fields of one
// ("access", "", Config) entry.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "storage/change_set.h"

namespace crm {

class AuditLog;
class ChangeScope;
class Database;

/// What a service needs to make changes: the database, the audit trail, the clock, and where to tell of
/// committed changes. The Workspace owns one and hands it to its services.
class Changes {
public:
    Changes(Database& db, AuditLog& audit, const Clock& clock, CommitNotifier notify)
        : db_(db), audit_(audit), clock_(clock), notify_(std::move(notify)) {}
    Changes(const Changes&) = delete;
    Changes& operator=(const Changes&) = delete;

    Database& db() const { return db_; }
    AuditLog& audit() const { return audit_; }
    const Clock& clock() const { return clock_; }
    /// The innermost open scope (nullptr when none): a scope opened now joins it.
    ChangeScope* open_scope() const { return open_; }
    /// Runs `fn` once no change is open: now when none is, else after the outermost transaction has
    /// ended, committed or rolled back (e.g. to record that a save failed, outside its rolled-back
    /// transaction).
    void RunWhenClosed(std::function<void()> fn);

private:
    friend class ChangeScope;
    Database& db_;
    AuditLog& audit_;
    const Clock& clock_;
    CommitNotifier notify_;
    ChangeScope* open_ = nullptr;
    int savepoints_ = 0;  ///< names nested savepoints uniquely
    std::vector<std::function<void()>> when_closed_;
    void RunClosed();
};

/// One change: a transaction (or a savepoint inside an open change), its audit entries, its change set.
/// Rolled back on destruction unless Commit() succeeded.
class ChangeScope {
public:
    ChangeScope(Changes& changes, std::string actor);
    ~ChangeScope();
    ChangeScope(const ChangeScope&) = delete;
    ChangeScope& operator=(const ChangeScope&) = delete;

    /// Whether the transaction (or savepoint) began; a scope that did not begin cannot commit.
    const Status& begin_status() const { return begin_; }
    const std::string& actor() const { return actor_; }
    /// The time of the change (read once when the scope opened): every audit entry carries it.
    int64_t now_ms() const { return now_ms_; }
    /// Whether this scope joined an outer one.
    bool nested() const { return outer_ != nullptr; }

    /// Appends an audit entry (this scope's actor and time) inside the transaction.
    Status Audit(std::string area, std::string action, std::string target, nlohmann::json old_value,
                 nlohmann::json new_value);
    /// Notes what changed, for the listeners (see ChangeSet::Add).
    void Record(std::string_view area, std::string_view object, ChangeAction action, int64_t id = 0,
                const std::vector<std::string>& fields = {});
    /// The change set collected so far (for entries built by hand).
    ChangeSet& change_set() { return set_; }

    /// Commits (or releases the savepoint), then runs `after_commit` (in-memory state that must only move
    /// once the data is in: a schema reload, an access snapshot), then tells the listeners the change set.
    /// A nested scope releases its savepoint and hands both to the outer scope, which runs them after its
    /// own commit (or drops them when it rolls back).
    Status Commit(const std::function<void()>& after_commit = {});
    /// Runs `undo` if this change rolls back (in-memory state moved inside the change that must move back
    /// with the data, e.g. a key index): a nested scope that commits hands it to the outer scope, an
    /// outermost commit drops it. Undos run newest first, after the rollback.
    void OnRollback(std::function<void()> undo) { on_rollback_.push_back(std::move(undo)); }

private:
    void Close();
    Changes& changes_;
    std::string actor_;
    int64_t now_ms_ = 0;
    ChangeScope* outer_ = nullptr;
    std::string savepoint_;  ///< "" for the outermost scope (a transaction)
    Status begin_;
    bool done_ = false;
    ChangeSet set_;
    std::vector<std::function<void()>> after_commit_;  ///< handed up by committed nested scopes
    std::vector<std::function<void()>> on_rollback_;   ///< OnRollback, in the order registered
};

}  // namespace crm
