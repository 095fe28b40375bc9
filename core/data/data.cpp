#include "data/data.h"

#include "data/backup.h"
#include "data/export.h"
#include "data/import.h"
#include "data/mass_changes.h"
#include "data/recycle_bin.h"
#include "records/records.h"

namespace crm {

DataService::DataService(Changes& changes, SchemaService& schema, RecordService& records,
                         const AccessPolicy& policy, Authorizer authorizer,
                         const std::vector<Migration>& migrations, std::string app_version) {
    recycle_ = std::make_unique<RecycleBin>(changes, schema, policy);
    recycle_->SetAuthorizer(authorizer);
    recycle_->AttachTo(records);
    backups_ = std::make_unique<BackupService>(changes, migrations, std::move(app_version));
    backups_->SetAuthorizer(authorizer);
    exporter_ = std::make_unique<Exporter>(records, schema);
    exporter_->SetAuthorizer(authorizer);
    importer_ = std::make_unique<Importer>(changes, schema, records);
    importer_->SetAuthorizer(authorizer);
    mass_ = std::make_unique<MassChanges>(changes, records);
}

DataService::~DataService() = default;

}  // namespace crm
