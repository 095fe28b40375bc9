#include "storage/migrations.h"

namespace crm {

Status ApplyMigrations(Database& db, const std::vector<Migration>& migrations) {
    const int newest = migrations.empty() ? 0 : migrations.back().version;
    // Everything below only reads until the checks pass, so a refused file is left byte-for-byte unchanged.
    const int app_id = db.ApplicationId();
    int version = db.UserVersion();
    if (app_id != 0 && app_id != kWorkspaceApplicationId) {
        return MakeError("storage.foreign_database",
                         "\"" + db.path() +
                             "\" is a SQLite database of another application, not a CRM "
                             "workspace. It was left unchanged; choose a workspace file.");
    }
    if (app_id == 0) {
        // Every workspace is stamped when first migrated, so an unstamped file must be empty to be
        // ours to create; one with tables is another program's data, whatever its version says.
        Statement tables = db.Prepare("SELECT count(*) FROM sqlite_master");
        if (tables.Step() && tables.Int(0) > 0) {
            return MakeError("storage.foreign_database",
                             "\"" + db.path() +
                                 "\" already holds tables of another application, not a CRM "
                                 "workspace. It was left unchanged; choose a workspace file.");
        }
        version = 0;
    }
    if (version > newest) {
        return MakeError("storage.newer_version",
                         "This workspace was saved by a newer version of CRM Settings (schema " +
                             std::to_string(version) + "); this build reads up to schema " +
                             std::to_string(newest) + ". Open it with the newer version.");
    }
    if (version == newest && app_id == kWorkspaceApplicationId) return Status::Ok();

    Transaction tx(db);
    if (!tx.begin_status().ok()) return tx.begin_status();
    for (const Migration& m : migrations) {
        assert(m.version > 0);
        if (m.version <= version) continue;
        if (Status s = db.Exec(m.sql.Text()); !s.ok()) {
            return MakeError("storage.migration_failed",
                             "Upgrading \"" + db.path() + "\" to schema " + std::to_string(m.version) + " (" +
                                 m.description + ") failed: " + s.error().message +
                                 ". The file was left as it was.");
        }
    }
    if (Status s = db.SetApplicationId(kWorkspaceApplicationId); !s.ok()) return s;
    if (Status s = db.SetUserVersion(newest); !s.ok()) return s;
    return tx.Commit();
}

}  // namespace crm
