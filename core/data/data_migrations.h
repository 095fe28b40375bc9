// The data area's migrations after the first (the first, 12, is DataMigrationSql in recycle_bin.h).
#pragma once

namespace crm {

/// Migration 14: duplicate rules and merges, saved import mappings, the backup schedule.
const char* DataMigration14Sql();

}  // namespace crm
