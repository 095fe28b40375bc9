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
//   stands on its own (RecordService::SaveEach): valid rows go in, invalid ones come back with their errors.
//   With it, one transaction: any error and nothing is written. A dry run runs every row the same way and
//   rolls back.
// - Encodings: UTF-8 (with or without BOM) as is; "gb18030" (and "gbk", its subset) decoded with iconv,
//   the platform's own converter (glibc natively, musl in the wasm build).
// - Needs Import Data, and the object's Create / Edit permissions row by row (the pipeline's access stage).
// - Transforms per field ({Field: {...}}), applied to a cell before the save, in this order: trim (spaces and
//   tabs at both ends); values (a picklist map {"file value": "API value"}, matched exactly, then ignoring
//   case); date_format (tokens YYYY, MM, M, DD, D and literal text, e.g. "DD/MM/YYYY", "YYYY年M月D日", to
//   ISO 8601; a date-time keeps a " HH:MM[:SS]" tail as given); decimal ("," for 1.234,5: the other
//   separator and spaces dropped); lookup_by (a lookup's cell names the target's record by that field, e.g.
//   Name or an external id, among the records the importing user may see: none or several is a row error).
//   A picklist cell that is neither a value nor mapped comes back in unknown_values (up to 50 per field) for
//   the user's decision, and the row fails as the pipeline says.
// - The failed rows come back as a CSV (the file's header and each failed row as read, plus a last column
//   "Import error" with "column: message" joined by "; "), at most kFailedRowsLimit rows; a re-import maps
//   that column to nothing.
// - Progress: told after every batch; answering false cancels after the batch in hand (committed: the
//   report names the last line that went in), or, all-or-nothing or dry run, rolls everything back.
// - Deferred indexes (the cost of a large import is the object's secondary indexes: a row lands at a random
//   place in each, and every batch's commit writes those pages out again). Once an import has put in
//   defer_indexes_after rows, and at least as many as the object held when it began, the indexes of the
//   object's fields that no stage of the save reads are dropped in the next batch's transaction and built
//   again, from the same SQL, when the import ends (cancelled or failed too; the change that rolls back an
//   all-or-nothing or dry run puts them back itself). Kept: the owner index, unique and lookup fields, the
//   upsert's external id, and the fields of the object's active duplicate rules. Dropped indexes are listed
//   in data_settings (`import_deferred_indexes`) in the same transaction, so a workspace closed mid-import
//   builds them at its next open (Importer::RebuildDeferredIndexes). The records, errors, change sets and
//   audit are the same either way.
// - Saved mappings are per object and shared ({mapping, transforms, mode, external_id, encoding} under a
//   name); saving or deleting one needs Import Data and is audited.
#pragma once
#include <cstdint>
#include <functional>
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
    nlohmann::json mapping;     ///< {"column header": "Field"}; null = guessed; "" maps a column to nothing
    nlohmann::json transforms;  ///< {Field: {trim?, values?, date_format?, decimal?, lookup_by?}}
    bool all_or_nothing = false;
    bool dry_run = false;
    /// Rows a transaction commits (1..10,000): the unit of cancel and progress. Each commit writes and syncs
    /// its pages; in 500-row batches a 300,000-row import took 1.4 times as long as in 5,000-row ones.
    int batch_size = 5000;
    /// Rows after which the object's secondary indexes wait for the end of the import (see above); 0 = never.
    int64_t defer_indexes_after = 20'000;
    /// Told the rows read after each batch; answers false to cancel.
    std::function<bool(int64_t rows)> progress;
};

/// The most failed rows an import keeps for its error file.
constexpr int64_t kFailedRowsLimit = 100'000;
/// The header of the error file's extra column.
constexpr const char* kImportErrorColumn = "Import error";

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
    bool committed = false;  ///< false for a dry run, or an all-or-nothing run with errors
    bool cancelled = false;
    int last_line_committed = 0;           ///< the last line in a committed batch (0 = none)
    std::vector<ImportRowResult> results;  ///< every row that failed, and (up to 1,000) the others
    std::string failed_csv;                ///< the failed rows to fix and re-import ("" when none failed)
    nlohmann::json unknown_values = nlohmann::json::object();  ///< {Field: [picklist cell values not known]}
};

/// A saved mapping: how one kind of file imports into one object.
struct ImportMapping {
    std::string object;
    std::string name;
    nlohmann::json settings;  ///< {mapping, transforms, mode, external_id, encoding}
    std::string updated_by;
    int64_t updated_at_ms = 0;
};
nlohmann::json ToJson(const ImportMapping& mapping);

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
    /// Natively `source` is read on a thread of its own, a batch ahead of the saves (CsvBatches), and
    /// never after Run returns.
    Result<ImportReport> Run(const std::string& actor, const ImportOptions& options,
                             CsvReader::Source source);

    /// The saved mappings of an object ("" = every object).
    Result<std::vector<ImportMapping>> Mappings(const std::string& actor, const std::string& object);
    /// Creates or replaces (by object and name) a saved mapping.
    Result<ImportMapping> SaveMapping(const std::string& actor, ImportMapping mapping);
    Status DeleteMapping(const std::string& actor, const std::string& object, const std::string& name);
    /// Builds the indexes an import deferred and did not build again (a workspace closed mid-import).
    Status RebuildDeferredIndexes();

private:
    Changes& changes_;
    SchemaService& schema_;
    RecordService& records_;
    Authorizer authorize_;
};

/// A source that decodes `encoding` to UTF-8 as it reads (an error for an encoding the platform lacks).
Result<CsvReader::Source> DecodingSource(CsvReader::Source raw, const std::string& encoding);

}  // namespace crm
