// Internals of core/schema shared by its .cpp files (callers include schema.h).
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "schema/schema.h"
#include "storage/database.h"

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
/// "DROP INDEX IF EXISTS ..." for every index that reads the field's column: the schema's own and those
/// other areas keep (an ERP connector's external-id index). SQLite refuses to drop an indexed column.
std::string DropColumnIndexesSql(Database& db, const ObjectDef& object, const FieldDef& field);
/// The record table with its system columns, one column per stored field, and its indexes.
std::string CreateRecordTableSql(const ObjectDef& object);
/// INSERTs of an object's metadata row.
std::string InsertObjectSql(const ObjectDef& object);
/// INSERTs of a field's metadata row and its picklist values (the object is found by API name).
std::string InsertFieldSql(const FieldDef& field);
/// The UPDATE storing a field's `indexed` flag (a column InsertFieldSql, as migration 2 knew it, lacks).
std::string IndexedFieldFlagSql(const FieldDef& field);
/// The UPDATEs storing the Chinese labels (columns of migration 6, which InsertObjectSql and
/// InsertFieldSql, as migration 2 knew them, lack): the object's, or the field's and its picklist values'.
std::string ChineseLabelSql(const ObjectDef& object);
std::string ChineseLabelsSql(const FieldDef& field);
/// INSERT of a layout (sections as JSON), found by object API name.
std::string InsertLayoutSql(const Layout& layout);
/// The layout every new object gets: its fields in an information section (long text in its own).
Layout DefaultLayout(const ObjectDef& object);
/// The standard objects with their fields, as migration 2 seeds them.
std::vector<ObjectDef> StandardObjects();
/// The sections of a layout as stored (JSON text).
std::string SectionsJson(const Layout& layout);

// [SECTION] Shared by the service's files (schema_service.cpp, objects.cpp, fields.cpp, retype.cpp,
// validation_rules.cpp, layouts.cpp)

/// "text" in double quotes, as messages name values.
std::string Quote(std::string_view text);
/// API names compare case-insensitively.
bool SameName(std::string_view a, std::string_view b);
Error SchemaError(const char* code, std::string message, std::string field = {});
/// "auth.no_actor" when the acting user is missing.
Status NeedActor(const std::string& actor);
/// Identifiers: a letter, then letters, digits and single underscores; custom ones end in "__c" (added
/// when missing, as Salesforce's setup does).
Status CheckApiName(std::string& name, bool custom, const char* what, const char* field);
/// The Chinese label ("label_zh") of an object or a field: optional, at most 80 characters.
Status CheckChineseLabel(const std::string& label_zh);
bool IsNumeric(FieldType t);
bool IsTextLike(FieldType t);
/// Checks a field definition on its own (the object is checked by the caller), filling defaults
/// (fields.cpp).
Status ValidateFieldDef(FieldDef& f, const SchemaService& schema, const ObjectDef& object);
/// Which fields of which objects a compiled formula reads (paths read the lookup and the target field).
std::vector<std::pair<std::string, std::string>> ReadFields(const ObjectDef& o, const ObjectResolver& r,
                                                            const formula::CompiledFormula& compiled);
/// Replaces a field's metadata row fields that an update or a retype may change (fields.cpp).
Status WriteFieldMetadata(Database& db, const FieldDef& f);
/// "3 values would not convert (first: record 7, "abc": ...)" (retype.cpp).
std::string OneLine(const RetypePreview& p);

}  // namespace crm::schema_detail
