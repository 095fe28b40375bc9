// Data management (issue 13): the recycle bin, backup and restore, export, import, mass changes and
// duplicate management.
// The Workspace owns one DataService and wires it in one place (Workspace::Open).
//
// [SECTION] DataService  the area's services, one accessor each
//
// The parts have their own headers (include what you use): recycle_bin.h, backup.h, csv.h, export.h,
// import.h, mass_changes.h, dedup.h. This header only declares them, so that workspace.h stays light.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "access/policy.h"

namespace crm {

class Changes;
class RecordService;
class SchemaService;
struct Migration;
class RecycleBin;
class BackupService;
class Exporter;
class Importer;
class MassChanges;
class Deduplicator;

// [SECTION] DataService

/// The data-management services of one workspace.
class DataService {
public:
    DataService(Changes& changes, SchemaService& schema, RecordService& records, const AccessPolicy& policy,
                Authorizer authorizer, const std::vector<Migration>& migrations, std::string app_version);
    ~DataService();

    RecycleBin& recycle() { return *recycle_; }
    BackupService& backups() { return *backups_; }
    Exporter& exporter() { return *exporter_; }
    Importer& importer() { return *importer_; }
    MassChanges& mass() { return *mass_; }
    Deduplicator& dedup() { return *dedup_; }

private:
    std::unique_ptr<RecycleBin> recycle_;
    std::unique_ptr<BackupService> backups_;
    std::unique_ptr<Exporter> exporter_;
    std::unique_ptr<Importer> importer_;
    std::unique_ptr<MassChanges> mass_;
    std::unique_ptr<Deduplicator> dedup_;
};

}  // namespace crm
