// Internals of core/schema shared by its .cpp files (callers include schema.h).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "schema/schema.h"

namespace crm::schema_detail {

/// 'text' with inner quotes doubled.
std::string SqlLiteral(std::string_view text);
/// The SQL column of a field: its API name in lower case (API names are unique case-insensitively).
std::string ColumnNameFor(std::string_view api_name);
/// "rec_<object api name in lower case>".
std::string TableNameFor(std::string_view object_api_name);
/// Whether the field's column carries an index (named IndexNameFor): lookups, unique fields, fields
/// marked indexed, and the record name, which lists sort and search by most.
bool NeedsIndex(const ObjectDef& object, const FieldDef& field);
/// "CREATE [UNIQUE] INDEX IF NOT EXISTS ..." for a field's column.
std::string IndexSql(const ObjectDef& object, const FieldDef& field);
/// "DROP INDEX IF EXISTS ..." for a field's column.
std::string DropIndexSql(const ObjectDef& object, const FieldDef& field);
/// The record table with its system columns, one column per stored field, and its indexes.
std::string CreateRecordTableSql(const ObjectDef& object);
/// INSERTs of an object's metadata row.
std::string InsertObjectSql(const ObjectDef& object);
/// INSERTs of a field's metadata row and its picklist values (the object is found by API name).
std::string InsertFieldSql(const FieldDef& field);
/// The UPDATE storing a field's `indexed` flag (a column InsertFieldSql, as migration 2 knew it, lacks).
std::string IndexedFieldFlagSql(const FieldDef& field);
/// INSERT of a layout (sections as JSON), found by object API name.
std::string InsertLayoutSql(const Layout& layout);
/// The layout every new object gets: its fields in an information section (long text in its own).
Layout DefaultLayout(const ObjectDef& object);
/// The standard objects with their fields, as migration 2 seeds them.
std::vector<ObjectDef> StandardObjects();
/// The sections of a layout as stored (JSON text).
std::string SectionsJson(const Layout& layout);

}  // namespace crm::schema_detail
