#include "data/export.h"

#include <algorithm>

#include "common/messages.h"
#include "common/text.h"
#include "data/csv.h"
#include "data/gb18030.h"
#include "schema/schema.h"

namespace crm {

namespace {

const MessageDef kMessages[] = {
    {"data.export_format", "Export as \"csv\" or \"jsonl\", not {format}.",
     "导出格式应为 \"csv\" 或 \"jsonl\"，而不是 {format}。"},
    {"data.export_encoding", "Export as \"utf-8\" or \"gb18030\", not {encoding}.",
     "导出编码应为 \"utf-8\" 或 \"gb18030\"，而不是 {encoding}。"},
};
CRM_REGISTER_MESSAGES(kMessages);

/// A value as a person reads it.
std::string Formatted(const FieldDef* f, const nlohmann::json& v) {
    if (v.is_null()) return "";
    if (v.is_boolean()) return v.get<bool>() ? "Yes" : "No";
    if (f && (f->type == FieldType::Picklist) && v.is_string()) {
        if (const PicklistValue* p = f->FindValue(v.get<std::string>())) return p->label;
    }
    if (v.is_array()) {
        std::string out;
        for (const nlohmann::json& item : v) {
            if (!out.empty()) out += "; ";
            const PicklistValue* p = f && item.is_string() ? f->FindValue(item.get<std::string>()) : nullptr;
            out += p ? p->label : (item.is_string() ? item.get<std::string>() : item.dump());
        }
        return out;
    }
    return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string Raw(const nlohmann::json& v) {
    if (v.is_null()) return "";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_array()) {
        std::string out;
        for (const nlohmann::json& item : v)
            out += (out.empty() ? "" : ";") + (item.is_string() ? item.get<std::string>() : item.dump());
        return out;
    }
    return v.dump();
}

}  // namespace

Exporter::Exporter(RecordService& records, SchemaService& schema) : records_(records), schema_(schema) {}

Result<ExportResult> Exporter::Run(const std::string& actor, const ExportOptions& options,
                                   const ExportSink& sink, const ExportProgress& progress) {
    if (authorize_) {
        if (Status s = authorize_(actor, SystemPermission::ExportData); !s.ok()) return s.error();
    }
    const bool csv = options.format == "csv";
    if (!csv && options.format != "jsonl")
        return MessageError("data.invalid", "data.export_format", {{"format", "\"" + options.format + "\""}},
                            "format");
    const std::string encoding = ToLowerAscii(options.encoding);
    const bool gb = encoding == "gb18030" || encoding == "gbk";
    if ((!gb && encoding != "utf-8" && encoding != "utf8") || (gb && !Gb18030Available()))
        return MessageError("data.invalid", "data.export_encoding",
                            {{"encoding", "\"" + options.encoding + "\""}}, "encoding");
    Result<std::shared_ptr<const ObjectDef>> object = schema_.Object(options.object);
    if (!object.ok()) return object.error();
    ListQuery q;
    q.columns = options.columns;
    if (q.columns.empty()) {
        q.columns.push_back("Id");
        for (const FieldDef& f : (*object)->fields)
            if (f.state == FieldState::Active) q.columns.push_back(f.api_name);
        q.columns.push_back("OwnerId");
    }
    q.filter_formula = options.filter_formula;
    q.filters = options.filters;
    q.filters.push_back({"Id", ">", 0});
    q.sort_field = "Id";
    q.limit = std::clamp(options.batch_size, 1, 1000);
    ExportResult result;
    std::string out, encoded;
    Gb18030Encoder encoder;
    if (csv && options.bom && !gb) out += "\xEF\xBB\xBF";
    bool header = false;
    int64_t last = 0;
    for (;;) {
        q.filters.back().value = last;
        Result<ListPage> page = records_.List(actor, (*object)->api_name, q);
        if (!page.ok()) return page.error();
        if (!header) {
            result.columns = page->columns;
            if (csv) {
                std::vector<std::string> names;
                for (const std::string& c : page->columns) {
                    const FieldDef* f = (*object)->Field(c);
                    names.push_back(options.formatted && f ? f->label : c);
                }
                AppendCsvRow(out, names, true);
            }
            header = true;
        }
        std::vector<std::string> fields;
        for (const nlohmann::json& row : page->rows) {
            last = row.value("Id", last);
            if (csv) {
                fields.clear();
                for (const std::string& c : page->columns) {
                    const nlohmann::json& v = row.contains(c) ? row[c] : nlohmann::json();
                    fields.push_back(options.formatted ? Formatted((*object)->Field(c), v) : Raw(v));
                }
                AppendCsvRow(out, fields, true);
            } else {
                out += row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                out += '\n';
            }
        }
        result.rows += static_cast<int64_t>(page->rows.size());
        if (!out.empty()) {
            if (gb) {
                encoded.clear();
                encoder.Encode(out, encoded);  // whole rows: nothing waits for the next batch
                out.swap(encoded);
            }
            if (Status s = sink(out); !s.ok()) return s.error();
            result.bytes += static_cast<int64_t>(out.size());
            out.clear();
        }
        if (static_cast<int>(page->rows.size()) < q.limit) break;
        if (progress && !progress(result.rows)) {
            result.cancelled = true;
            break;
        }
    }
    if (progress && !result.cancelled) progress(result.rows);
    return result;
}

}  // namespace crm
