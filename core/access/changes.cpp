// How every change of the directory, grants and sharing runs: the permission check, one transaction with
// the change and its audit entries, the new snapshot, the lock-out check and the kept tables.
#include "access/internal.h"
#include "audit/change.h"
#include "storage/database.h"

namespace crm {

using namespace access_detail;
using nlohmann::json;

Status AccessService::Audit(const char* area, const std::string& action, const std::string& target,
                            json old_value, json new_value) {
    if (!open_change_) return MakeError("internal", "An access change was audited outside its transaction.");
    // The listeners hear of a change of the access area, with the audit areas it touched as its keys.
    open_change_->Record("access", "", ChangeAction::Config, 0, {area});
    return open_change_->Audit(area, action, target, std::move(old_value), std::move(new_value));
}

Status AccessService::Apply(const std::string& actor, SystemPermission needed,
                            const std::function<Status()>& body) {
    if (Status s = Require(actor, needed); !s.ok()) return s;
    if (in_batch_) return body();  // Batch owns the change and recomputes once at its end
    return Commit(actor, body);
}

Status AccessService::Batch(const std::string& actor, const std::function<Status()>& changes) {
    if (Status s = CheckActor(actor); !s.ok()) return s;
    if (in_batch_) return changes();
    in_batch_ = true;
    Status s = Commit(actor, changes);
    in_batch_ = false;
    if (!s.ok()) snapshot_.reset();  // the snapshot may have been built from rolled-back rows
    return s;
}

Status AccessService::Commit(const std::string& actor, const std::function<Status()>& body) {
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    ChangeScope* outer = open_change_;
    open_change_ = &change;
    // A change run inside the body of another (which then did more than it declared) leaves that one to be
    // built whole.
    struct Restore {
        ChangeScope*& slot;
        ChangeScope* value;
        Touched& touched;
        ~Restore() {
            slot = value;
            touched = value ? Touched{Touched::Kind::Several, 0} : Touched{};
        }
    } restore{open_change_, outer, touched_};
    touched_ = {};
    if (Status s = body(); !s.ok()) return s;
    // A change that declared one small thing (one user's permission sets, one role's parent) patches the
    // current snapshot and kept rows; any other builds both whole. Not in a batch or inside a wider change,
    // whose other writes the current snapshot does not show.
    std::shared_ptr<const Snapshot> base;
    if (!in_batch_ && !outer && !change.nested() && kept_ && snapshot_ &&
        snapshot_->access_version == version_ && snapshot_->schema_version == schema_.version())
        base = snapshot_;
    std::shared_ptr<Snapshot> next = base ? PatchSnapshot(db_, *base, touched_) : nullptr;
    if (!next) {
        base.reset();
        next = BuildWhole();
    }
    // No lock-out: whatever the change, some active user must still hold Manage Users.
    if (next->ActiveManageUsers() == 0) {
        return MakeError(
            "access.lockout",
            "This would leave no active user with Manage Users; give it to another active user first.");
    }
    if (!kept_) {
        Result<KeptRows> held = ReadKeptRows(db_);
        if (!held.ok()) return held.error();
        kept_ = std::make_shared<const KeptRows>(std::move(held.value()));
    }
    std::shared_ptr<const KeptRows> rows;
    if (base) {
        Result<std::shared_ptr<const KeptRows>> patched = PatchKeptRows(db_, kept_, *base, *next, touched_);
        if (!patched.ok()) return patched.error();
        rows = *patched;
    } else {
        rows = std::make_shared<const KeptRows>(KeptRowsOf(*next));
        if (Status s = SyncKeptRows(db_, *kept_, *rows); !s.ok()) return s;
    }
    // Inside a wider change (a savepoint: config.apply), what follows in the same transaction sees this
    // change at once, and the state is read again from the database once the outermost change ends,
    // committed or rolled back.
    if (change.nested()) {
        kept_ = rows;
        next->access_version = version_;
        snapshot_ = next;
        changes_.RunWhenClosed([this] {
            kept_.reset();
            snapshot_.reset();
        });
    }
    // The in-memory state moves only once the data is in (after the outermost commit, when nested).
    return change.Commit([this, rows, next] {
        kept_ = rows;  // only now: a rollback leaves the tables as kept_ says
        ++version_;
        next->access_version = version_;
        snapshot_ = next;
    });
}

void AccessService::Touch(Touched::Kind kind, int64_t id) {
    touched_ =
        touched_.kind == Touched::Kind::Nothing ? Touched{kind, id} : Touched{Touched::Kind::Several, 0};
}

Result<int64_t> AccessService::IdOf(const char* table, std::string_view name, const char* what,
                                    const char* field) const {
    const std::string column = std::string(table) == "access_user" ? "username" : "name";
    Statement st =
        db_.Prepare(std::string("SELECT id FROM ") + table + " WHERE " + column + " = ?1 COLLATE NOCASE");
    st.Bind(1, name);
    if (st.Step()) return st.Int(0);
    return MakeError(std::string("access.unknown_") + what,
                     std::string("There is no ") + what + " " + Q(name) + ".", field);
}

Result<int64_t> AccessService::SetIdOf(PermissionSetKind kind, std::string_view name) const {
    Statement st =
        db_.Prepare("SELECT id FROM access_permission_set WHERE kind = ?1 AND name = ?2 COLLATE NOCASE");
    st.Bind(1, KindText(kind)).Bind(2, name);
    if (st.Step()) return st.Int(0);
    return MakeError(kind == PermissionSetKind::Profile ? "access.unknown_profile" : "access.unknown_permset",
                     std::string("There is no ") + KindWord(kind) + " " + Q(name) + ".",
                     kind == PermissionSetKind::Profile ? "profile" : "permission_set");
}

namespace access_detail {

// Inserts or deletes one (a, b) row of a link table; `what` names the change in the audit trail.
Status Link(Database& db, const char* table, const char* a_col, const char* b_col, int64_t a, int64_t b,
            bool add) {
    Statement st = db.Prepare(
        add ? std::string("INSERT OR IGNORE INTO ") + table + "(" + a_col + ", " + b_col + ") VALUES(?1, ?2)"
            : std::string("DELETE FROM ") + table + " WHERE " + a_col + " = ?1 AND " + b_col + " = ?2");
    st.Bind(1, a).Bind(2, b);
    return st.Run();
}

}  // namespace access_detail

}  // namespace crm
