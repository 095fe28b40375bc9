#include "data/data.h"

#include "data/backup.h"
#include "data/data_migrations.h"
#include "data/dedup.h"
#include "data/export.h"
#include "data/import.h"
#include "data/mass_changes.h"
#include "data/recycle_bin.h"
#include "records/records.h"

namespace crm {

const char* DataMigration14Sql() {
    return R"sql(
CREATE TABLE dedup_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    object TEXT NOT NULL,
    name TEXT NOT NULL,
    active INTEGER NOT NULL,
    action TEXT NOT NULL,
    rule_json TEXT NOT NULL,
    UNIQUE(object, name)
);
CREATE TABLE dedup_merges (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    object TEXT NOT NULL,
    master_id INTEGER NOT NULL,
    merged_by TEXT NOT NULL,
    merged_at_ms INTEGER NOT NULL,
    before_json TEXT NOT NULL,
    after_json TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE dedup_merge_records (
    merge_id INTEGER NOT NULL,
    record_id INTEGER NOT NULL,
    entry_id INTEGER NOT NULL,
    moved_json TEXT NOT NULL,
    PRIMARY KEY (merge_id, record_id)
);
CREATE INDEX dedup_merge_records_entry ON dedup_merge_records(entry_id);
CREATE TABLE import_mappings (
    object TEXT NOT NULL,
    name TEXT NOT NULL,
    settings_json TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (object, name)
);
INSERT INTO data_settings(key, value) VALUES ('backup_schedule', '{}');
)sql";
}

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
    (void)importer_->RebuildDeferredIndexes();  // an import that stopped with the workspace left them
    mass_ = std::make_unique<MassChanges>(changes, records);
    dedup_ = std::make_unique<Deduplicator>(changes, schema, records, policy, *recycle_);
    dedup_->SetAuthorizer(authorizer);
    dedup_->Attach();
}

DataService::~DataService() = default;

}  // namespace crm
