#include "audit/change.h"

#include <cassert>

#include "audit/audit_log.h"
#include "storage/database.h"

namespace crm {

ChangeScope::ChangeScope(Changes& changes, std::string actor)
    : changes_(changes), actor_(std::move(actor)), outer_(changes.open_) {
    now_ms_ = changes_.clock_.NowMs();
    if (outer_) {
        savepoint_ = "change_" + std::to_string(++changes_.savepoints_);
        begin_ = changes_.db_.Exec("SAVEPOINT " + savepoint_);
    } else {
        begin_ = changes_.db_.Exec("BEGIN IMMEDIATE");
    }
    if (begin_.ok()) changes_.open_ = this;
}

ChangeScope::~ChangeScope() {
    if (!begin_.ok() || done_) return;
    if (outer_) {
        // Undo this scope's part only; the outer change goes on.
        (void)changes_.db_.Exec("ROLLBACK TO " + savepoint_);
        (void)changes_.db_.Exec("RELEASE " + savepoint_);
    } else {
        (void)changes_.db_.Exec("ROLLBACK");
    }
    Close();
    for (auto it = on_rollback_.rbegin(); it != on_rollback_.rend(); ++it) (*it)();
    if (!outer_) changes_.RunClosed();
}

void Changes::RunWhenClosed(std::function<void()> fn) {
    if (!open_) {
        fn();
        return;
    }
    when_closed_.push_back(std::move(fn));
}

void Changes::RunClosed() {
    while (!when_closed_.empty() && !open_) {
        std::vector<std::function<void()>> fns;
        fns.swap(when_closed_);
        for (auto& fn : fns) fn();
    }
}

void ChangeScope::Close() {
    done_ = true;
    // Scopes end in the reverse order they opened (they live on the stack).
    assert(changes_.open_ == this && "change scopes end innermost first");
    changes_.open_ = outer_;
}

Status ChangeScope::Audit(std::string area, std::string action, std::string target, nlohmann::json old_value,
                          nlohmann::json new_value) {
    AuditEntry entry;
    entry.at_ms = now_ms_;
    entry.actor = actor_;
    entry.area = std::move(area);
    entry.action = std::move(action);
    entry.target = std::move(target);
    entry.old_value = std::move(old_value);
    entry.new_value = std::move(new_value);
    return changes_.audit_.Append(entry);
}

void ChangeScope::Record(std::string_view area, std::string_view object, ChangeAction action, int64_t id,
                         const std::vector<std::string>& fields) {
    set_.Add(area, object, action, id, fields);
}

Status ChangeScope::Commit(const std::function<void()>& after_commit) {
    if (!begin_.ok()) return begin_;
    if (done_) return MakeError("storage.sql_error", "The change has already ended.");
    if (after_commit) after_commit_.push_back(after_commit);
    if (outer_) {
        if (Status s = changes_.db_.Exec("RELEASE " + savepoint_); !s.ok()) return s;
        Close();
        outer_->set_.Merge(set_);
        for (auto& f : after_commit_) outer_->after_commit_.push_back(std::move(f));
        for (auto& f : on_rollback_) outer_->on_rollback_.push_back(std::move(f));
        return Status::Ok();
    }
    // On a failed COMMIT the destructor rolls back, so nothing is left half-written.
    if (Status s = changes_.db_.Exec("COMMIT"); !s.ok()) return s;
    Close();
    for (auto& f : after_commit_) f();
    if (changes_.notify_) changes_.notify_(set_);
    changes_.RunClosed();
    return Status::Ok();
}

}  // namespace crm
