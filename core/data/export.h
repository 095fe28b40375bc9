// Export: an object's records as CSV (RFC 4180, UTF-8, optional BOM, raw or formatted values) or JSON Lines,
// only the fields and records the exporting user may see, streamed to a sink in batches.
//
// Decisions where SEMANTICS.md is silent:
// - Rows come from RecordService::List as the exporting user (object Read, record visibility, unreadable
//   fields left out), a batch at a time in Id order (keyset paging: Id > the last one), so memory holds one
//   batch whatever the size, and a filter formula or filters narrow it the way a list view does.
// - Raw values are the JSON form (numbers, ISO dates, picklist API values, lookup ids); formatted values
//   are what a person reads (picklist labels, Yes/No, multi-select joined by "; "), with field labels as the
//   CSV header instead of API names. Text starting with = + - @ is neutralised in CSV (a leading apostrophe).
// - GB18030 (asked as "gb18030" or "gbk", its subset) is written by data/gb18030.h on both targets; a
//   character it cannot write becomes "?".
// - Needs Export Data. Cancelling (the progress callback answers false) stops after the batch in hand:
//   what the sink received is whole rows.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "access/policy.h"
#include "common/result.h"
#include "records/records.h"

namespace crm {

class RecordService;
class SchemaService;

struct ExportOptions {
    std::string object;
    std::string format = "csv";        ///< "csv" or "jsonl"
    bool bom = false;                  ///< CSV: start with a UTF-8 byte order mark (for spreadsheet programs)
    std::string encoding = "utf-8";    ///< "utf-8" or "gb18030" (also "gbk": data/gb18030.h; no BOM then)
    bool formatted = false;            ///< labels and display values instead of API names and raw values
    std::vector<std::string> columns;  ///< "" = every readable stored field
    std::string filter_formula;
    std::vector<ListFilter> filters;
    int batch_size = 1000;  ///< rows per List call and per sink write (1..1000)
};

/// Receives the output a piece at a time.
using ExportSink = std::function<Status(std::string_view bytes)>;
/// Told of the rows written so far; answers false to cancel.
using ExportProgress = std::function<bool(int64_t rows)>;

struct ExportResult {
    int64_t rows = 0;
    int64_t bytes = 0;
    bool cancelled = false;
    std::vector<std::string> columns;
};

class Exporter {
public:
    Exporter(RecordService& records, SchemaService& schema);
    void SetAuthorizer(Authorizer authorizer) { authorize_ = std::move(authorizer); }
    Result<ExportResult> Run(const std::string& actor, const ExportOptions& options, const ExportSink& sink,
                             const ExportProgress& progress = {});

private:
    RecordService& records_;
    SchemaService& schema_;
    Authorizer authorize_;
};

}  // namespace crm
