// Ordered schema migrations with a version number (PRAGMA user_version).
#pragma once
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/database.h"

namespace crm {

/// One step of the workspace schema: applied once, in order, inside one transaction.
struct Migration {
    int version;              ///< 1, 2, 3, ... strictly increasing
    std::string description;  ///< what the step adds, for the log and the info command
    std::string sql;          ///< the DDL/DML of the step
};

/// The application id stamped on every workspace file ("CRMS"), so that another program's
/// SQLite file is recognised as "not a workspace" instead of being migrated.
constexpr int kWorkspaceApplicationId = 0x43524D53;

/// Brings `db` up to the newest version of `migrations`. A file stamped with a newer version
/// than the build knows answers Error{"storage.newer_version"} and is not touched; a SQLite file
/// of another application answers Error{"storage.foreign_database"}. All-or-nothing.
Status ApplyMigrations(Database& db, const std::vector<Migration>& migrations);

}  // namespace crm
