// Ordered schema migrations with a version number (PRAGMA user_version).
#pragma once
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/database.h"

namespace crm {

/// A migration step's DDL/DML: its text, or the function that writes it (the steps generated from the
/// standard objects, the access model...). Written only when the step is applied: opening a workspace
/// that is up to date writes none of them (writing them all was 42% of opening the demo workspace).
class MigrationSql {
public:
    MigrationSql() = default;
    // Implicit, so that a step is written {version, description, text or generator}.
    MigrationSql(const char* text) : text_(text) {}
    MigrationSql(std::string text) : text_(std::move(text)) {}
    MigrationSql(std::string (*write)()) : write_(write) {}
    std::string Text() const { return write_ ? write_() : text_; }

private:
    std::string text_;
    std::string (*write_)() = nullptr;
};

/// One step of the workspace schema: applied once, in order, inside one transaction.
struct Migration {
    int version;              ///< 1, 2, 3, ... strictly increasing
    std::string description;  ///< what the step adds, for the log and the info command
    MigrationSql sql;         ///< the DDL/DML of the step
};

/// The application id stamped on every workspace file ("CRMS"), so that another program's
/// SQLite file is recognised as "not a workspace" instead of being migrated.
constexpr int kWorkspaceApplicationId = 0x43524D53;

/// Brings `db` up to the newest version of `migrations`. A file stamped with a newer version
/// than the build knows answers Error{"storage.newer_version"} and is not touched; a SQLite file
/// of another application answers Error{"storage.foreign_database"}. All-or-nothing.
Status ApplyMigrations(Database& db, const std::vector<Migration>& migrations);

}  // namespace crm
