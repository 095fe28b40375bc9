// Import: CSV rows into an object's records through the save pipeline, with a column-to-field mapping
// guessed from labels and API names (English and Chinese), insert / update by id / upsert by an external-id
// field, a dry run that reports per row what would happen, per-row errors naming row and column, and an
// all-or-nothing option.
//
// Decisions where SEMANTICS.md is silent:
// - Rows are numbered as the file's lines (the header is line 1), so an error names the line a spreadsheet
//   shows; a column is named by its header.
// - A blank cell leaves the field alone on insert (its default applies) and on update.
// - Without all-or-nothing, rows go in batches of batch_size, each batch one transaction in which every row
//   is its own savepoint: valid rows go in, invalid ones come back with their errors. With it, one
//   transaction: any error and nothing is written. A dry run runs every row the same way and rolls back.
// - Encodings: UTF-8 (with or without BOM) as is; "gb18030" (and "gbk", its subset) decoded with iconv,
//   the platform's own converter (glibc natively, musl in the wasm build).
// - Needs Import Data, and the object's Create / Edit permissions row by row (the pipeline's access stage).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "access/policy.h"
#include "common/result.h"
#include "data/csv.h"

namespace crm {

class Changes;
class RecordService;
class SchemaService;
struct ObjectDef;

struct ImportOptions {
    std::string object;
    std::string mode = "insert";     ///< "insert", "update" (by the Id column) or "upsert"
    std::string external_id;         ///< upsert: the field that identifies a record
    std::string encoding = "utf-8";  ///< "utf-8" or "gb18030" / "gbk"
    nlohmann::json mapping;  ///< {"column header": "Field"}; null = guessed; "" maps a column to nothing
    bool all_or_nothing = false;
    bool dry_run = false;
    int batch_size = 500;
};

/// What happened (or would happen) to one row.
struct ImportRowResult {
    int line = 0;
    std::string action;  ///< "insert", "update" or "error"
    int64_t id = 0;
    std::vector<Error> errors;  ///< each with the column in `field` and the line in `line`
};

struct ImportReport {
    std::vector<std::string> columns;
    nlohmann::json mapping;  ///< the mapping used
    int64_t rows = 0, inserted = 0, updated = 0, failed = 0;
    bool committed = false;                ///< false for a dry run, or an all-or-nothing run with errors
    std::vector<ImportRowResult> results;  ///< every row that failed, and (up to 1,000) the others
};

/// The first rows and the guessed mapping, for the wizard.
struct ImportPreview {
    char delimiter = ',';
    bool had_bom = false;
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
    nlohmann::json mapping;
};

/// The field each header names (API name or label, English or Chinese; case, spaces and underscores
/// ignored), as {"header": "Field"} ("" for a header that names none).
nlohmann::json GuessMapping(const ObjectDef& object, const std::vector<std::string>& headers);

class Importer {
public:
    Importer(Changes& changes, SchemaService& schema, RecordService& records);
    void SetAuthorizer(Authorizer authorizer) { authorize_ = std::move(authorizer); }
    Result<ImportPreview> Preview(const std::string& actor, const ImportOptions& options,
                                  CsvReader::Source source, int rows = 10);
    Result<ImportReport> Run(const std::string& actor, const ImportOptions& options,
                             CsvReader::Source source);

private:
    Changes& changes_;
    SchemaService& schema_;
    RecordService& records_;
    Authorizer authorize_;
};

/// A source that decodes `encoding` to UTF-8 as it reads (an error for an encoding the platform lacks).
Result<CsvReader::Source> DecodingSource(CsvReader::Source raw, const std::string& encoding);

}  // namespace crm
