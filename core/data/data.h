// Data management (issue 13): the recycle bin, backup and restore, export, import and mass changes.
// The Workspace owns one DataService and wires it in one place (Workspace::Open).
//
// [SECTION] DataService  the area's services, one accessor each
//
// Headers of the parts: recycle_bin.h, backup.h, csv.h, export.h, import.h, mass_changes.h.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "access/policy.h"
#include "data/recycle_bin.h"

namespace crm {

class Changes;
class RecordService;
class SchemaService;

// [SECTION] DataService

/// The data-management services of one workspace.
class DataService {
public:
    DataService(Changes& changes, SchemaService& schema, RecordService& records, const AccessPolicy& policy,
                Authorizer authorizer);
    ~DataService();

    RecycleBin& recycle() { return *recycle_; }

private:
    std::unique_ptr<RecycleBin> recycle_;
};

}  // namespace crm
