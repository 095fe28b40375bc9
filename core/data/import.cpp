#include "data/import.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "audit/change.h"
#include "common/messages.h"
#include "common/text.h"
#include "records/records.h"
#include "schema/schema.h"

namespace crm {

namespace {

const MessageDef kMessages[] = {
    {"data.import_mode", "Import as \"insert\", \"update\" or \"upsert\", not {mode}.",
     "导入方式应为 \"insert\"、\"update\" 或 \"upsert\"，而不是 {mode}。"},
    {"data.import_encoding", "This build cannot decode {encoding}; save the file as UTF-8.",
     "此版本无法解码 {encoding}；请将文件另存为 UTF-8。"},
    {"data.import_empty", "The file has no header row.", "文件没有标题行。"},
    {"data.import_external_id", "Upsert needs an external-id field mapped to a column; {field} is not.",
     "更新插入需要一个映射到列的外部编号字段；{field} 未映射。"},
    {"data.import_no_id", "Line {line}: column {column} needs the id of the record to update.",
     "第 {line} 行：列 {column} 需要填写要更新记录的编号。"},
    {"data.import_ambiguous",
     "Line {line}: {count} records have {field} = {value}; an upsert needs exactly one.",
     "第 {line} 行：有 {count} 条记录的 {field} = {value}；更新插入只能匹配一条。"},
    {"data.import_unknown_field", "The mapping names {field}, which {object} does not have.",
     "映射中的字段 {field} 在 {object} 中不存在。"},
};
CRM_REGISTER_MESSAGES(kMessages);

std::string Normal(std::string_view text) {
    std::string out;
    for (char c : ToLowerAscii(text))
        if (c != ' ' && c != '_' && c != '-') out += c;
    return out;
}

/// Replays a first chunk, read ahead to guess the delimiter, then reads on.
CsvReader::Source Replaying(std::shared_ptr<std::string> head, CsvReader::Source rest) {
    auto pos = std::make_shared<size_t>(0);
    return [head, pos, rest](char* buf, size_t size) -> size_t {
        if (*pos < head->size()) {
            const size_t n = std::min(size, head->size() - *pos);
            std::copy(head->data() + *pos, head->data() + *pos + n, buf);
            *pos += n;
            return n;
        }
        return rest(buf, size);
    };
}

struct Opened {
    std::unique_ptr<CsvReader> reader;
    std::vector<std::string> columns;
    int header_line = 1;
};

Result<Opened> Open(const ImportOptions& options, CsvReader::Source source) {
    Result<CsvReader::Source> decoded = DecodingSource(std::move(source), options.encoding);
    if (!decoded.ok()) return decoded.error();
    auto head = std::make_shared<std::string>(64 * 1024, '\0');
    head->resize((*decoded)(head->data(), head->size()));
    Opened o;
    o.reader = std::make_unique<CsvReader>(Replaying(head, *decoded), GuessCsvDelimiter(*head));
    CsvRow header;
    if (!o.reader->Next(header)) {
        if (!o.reader->status().ok()) return o.reader->status().error();
        return MessageError("data.invalid", "data.import_empty", {});
    }
    o.columns = header.fields;
    return o;
}

}  // namespace

Result<CsvReader::Source> DecodingSource(CsvReader::Source raw, const std::string& encoding) {
    const std::string e = ToLowerAscii(encoding);
    if (e.empty() || e == "utf-8" || e == "utf8") return raw;
    const char* from = e == "gbk" || e == "gb2312" || e == "gb18030" ? "GB18030" : nullptr;
    iconv_t cd = from ? iconv_open("UTF-8", from) : reinterpret_cast<iconv_t>(-1);
    if (cd == reinterpret_cast<iconv_t>(-1))
        return MessageError("data.invalid", "data.import_encoding", {{"encoding", encoding}}, "encoding");
    struct State {
        iconv_t cd;
        std::string in, out;
        size_t out_pos = 0;
        bool eof = false;
        ~State() { iconv_close(cd); }
    };
    auto st = std::make_shared<State>();
    st->cd = cd;
    return CsvReader::Source([st, raw](char* buf, size_t size) -> size_t {
        while (st->out_pos == st->out.size()) {
            st->out.clear();
            st->out_pos = 0;
            if (st->eof && st->in.empty()) return 0;
            if (!st->eof) {
                char chunk[64 * 1024];
                const size_t n = raw(chunk, sizeof chunk);
                if (n == 0) st->eof = true;
                st->in.append(chunk, n);
            }
            size_t in_left = st->in.size();
            char* in_ptr = st->in.data();
            std::string out(in_left * 2 + 16, '\0');
            char* out_ptr = out.data();
            size_t out_left = out.size();
            while (in_left > 0) {
                if (iconv(st->cd, &in_ptr, &in_left, &out_ptr, &out_left) != static_cast<size_t>(-1)) break;
                if (errno == EILSEQ || (errno == EINVAL && st->eof)) {
                    // A byte that is not GB18030: U+FFFD in its place, and on.
                    if (out_left < 3) break;
                    *out_ptr++ = '\xEF';
                    *out_ptr++ = '\xBF';
                    *out_ptr++ = '\xBD';
                    out_left -= 3;
                    ++in_ptr;
                    --in_left;
                    continue;
                }
                break;  // EINVAL: an incomplete sequence at the end of the chunk waits for the next
            }
            out.resize(out.size() - out_left);
            st->in.erase(0, st->in.size() - in_left);
            st->out = std::move(out);
            if (st->eof && st->out.empty() && !st->in.empty()) st->in.clear();
        }
        const size_t n = std::min(size, st->out.size() - st->out_pos);
        std::copy(st->out.data() + st->out_pos, st->out.data() + st->out_pos + n, buf);
        st->out_pos += n;
        return n;
    });
}

nlohmann::json GuessMapping(const ObjectDef& object, const std::vector<std::string>& headers) {
    nlohmann::json mapping = nlohmann::json::object();
    for (const std::string& h : headers) {
        const std::string n = Normal(h);
        std::string found;
        if (n == "id" || n == "编号" || n == "记录编号") found = "Id";
        if (n == "ownerid" || n == "owner" || n == "所有人") found = "OwnerId";
        for (const FieldDef& f : object.fields) {
            if (!found.empty()) break;
            if (f.state != FieldState::Active || f.is_read_only()) continue;
            std::string api = Normal(f.api_name);
            std::string bare = api;
            if (api.size() > 1 && api.substr(api.size() - 1) == "c" && f.api_name.size() > 3 &&
                f.api_name.substr(f.api_name.size() - 3) == "__c")
                bare = Normal(f.api_name.substr(0, f.api_name.size() - 3));
            if (n == api || n == bare || n == Normal(f.label) ||
                (!f.label_zh.empty() && n == Normal(f.label_zh)))
                found = f.api_name;
        }
        mapping[h] = found;
    }
    return mapping;
}

Importer::Importer(Changes& changes, SchemaService& schema, RecordService& records)
    : changes_(changes), schema_(schema), records_(records) {}

Result<ImportPreview> Importer::Preview(const std::string& actor, const ImportOptions& options,
                                        CsvReader::Source source, int rows) {
    if (authorize_) {
        if (Status s = authorize_(actor, SystemPermission::ImportData); !s.ok()) return s.error();
    }
    Result<std::shared_ptr<const ObjectDef>> object = schema_.Object(options.object);
    if (!object.ok()) return object.error();
    Result<Opened> opened = Open(options, std::move(source));
    if (!opened.ok()) return opened.error();
    ImportPreview p;
    p.columns = opened->columns;
    p.mapping = GuessMapping(**object, p.columns);
    CsvRow row;
    while (static_cast<int>(p.rows.size()) < rows && opened->reader->Next(row)) p.rows.push_back(row.fields);
    if (!opened->reader->status().ok()) return opened->reader->status().error();
    p.had_bom = opened->reader->had_bom();
    return p;
}

Result<ImportReport> Importer::Run(const std::string& actor, const ImportOptions& options,
                                   CsvReader::Source source) {
    if (authorize_) {
        if (Status s = authorize_(actor, SystemPermission::ImportData); !s.ok()) return s.error();
    }
    if (options.mode != "insert" && options.mode != "update" && options.mode != "upsert")
        return MessageError("data.invalid", "data.import_mode", {{"mode", "\"" + options.mode + "\""}},
                            "mode");
    Result<std::shared_ptr<const ObjectDef>> object = schema_.Object(options.object);
    if (!object.ok()) return object.error();
    const ObjectDef& o = **object;
    Result<Opened> opened = Open(options, std::move(source));
    if (!opened.ok()) return opened.error();
    ImportReport report;
    report.columns = opened->columns;
    report.mapping = options.mapping.is_object() ? options.mapping : GuessMapping(o, report.columns);
    // Column index -> field API name ("" = skipped).
    std::vector<std::string> field_of(report.columns.size());
    int id_column = -1;
    int external_column = -1;
    for (size_t c = 0; c < report.columns.size(); ++c) {
        auto it = report.mapping.find(report.columns[c]);
        if (it == report.mapping.end() || !it->is_string() || it->get<std::string>().empty()) continue;
        std::string f = it->get<std::string>();
        if (f != "Id" && f != "OwnerId") {
            const FieldDef* def = o.Field(f);
            if (!def)
                return MessageError("data.invalid", "data.import_unknown_field",
                                    {{"field", f}, {"object", o.api_name}}, "mapping");
            f = def->api_name;
        }
        if (f == "Id") id_column = static_cast<int>(c);
        if (!options.external_id.empty() && ToLowerAscii(f) == ToLowerAscii(options.external_id))
            external_column = static_cast<int>(c);
        field_of[c] = f;
    }
    if (options.mode == "upsert" && external_column < 0)
        return MessageError("data.invalid", "data.import_external_id", {{"field", options.external_id}},
                            "external_id");
    if (options.mode == "update" && id_column < 0)
        return MessageError("data.invalid", "data.import_no_id", {{"line", "1"}, {"column", "Id"}},
                            "mapping");
    auto column_of = [&](const std::string& field) -> std::string {
        for (size_t c = 0; c < field_of.size(); ++c)
            if (!field.empty() && ToLowerAscii(field_of[c]) == ToLowerAscii(field)) return report.columns[c];
        return field;
    };
    const bool one_transaction = options.all_or_nothing || options.dry_run;
    std::unique_ptr<ChangeScope> whole;
    if (one_transaction) {
        whole = std::make_unique<ChangeScope>(changes_, actor);
        if (!whole->begin_status().ok()) return whole->begin_status().error();
    }
    std::unique_ptr<ChangeScope> batch;
    int in_batch = 0;
    const int batch_size = std::clamp(options.batch_size, 1, 10000);
    CsvRow row;
    int kept_ok = 0;
    while (opened->reader->Next(row)) {
        if (!one_transaction && !batch) {
            batch = std::make_unique<ChangeScope>(changes_, actor);
            if (!batch->begin_status().ok()) return batch->begin_status().error();
        }
        ++report.rows;
        ImportRowResult r;
        r.line = row.line;
        nlohmann::json values = nlohmann::json::object();
        for (size_t c = 0; c < field_of.size() && c < row.fields.size(); ++c) {
            if (field_of[c].empty() || field_of[c] == "Id" || row.fields[c].empty()) continue;
            values[field_of[c]] = row.fields[c];
        }
        int64_t id = 0;
        if (options.mode == "update") {
            const std::string cell =
                id_column < static_cast<int>(row.fields.size()) ? row.fields[id_column] : "";
            id = std::atoll(cell.c_str());
            if (id <= 0)
                r.errors.push_back(
                    MessageError("data.invalid", "data.import_no_id",
                                 {{"line", std::to_string(row.line)}, {"column", report.columns[id_column]}},
                                 report.columns[id_column]));
        } else if (options.mode == "upsert") {
            const std::string cell =
                external_column < static_cast<int>(row.fields.size()) ? row.fields[external_column] : "";
            ListQuery q;
            q.columns = {"Id"};
            q.filters.push_back({field_of[external_column], "=", cell});
            q.limit = 2;
            Result<ListPage> found = records_.List(actor, o.api_name, q);
            if (!found.ok()) {
                r.errors.push_back(found.error());
            } else if (found->rows.size() > 1) {
                r.errors.push_back(MessageError("data.invalid", "data.import_ambiguous",
                                                {{"line", std::to_string(row.line)},
                                                 {"count", std::to_string(found->total)},
                                                 {"field", field_of[external_column]},
                                                 {"value", cell}},
                                                report.columns[external_column]));
            } else if (found->rows.size() == 1) {
                id = found->rows[0]["Id"].get<int64_t>();
            }
        }
        if (r.errors.empty()) {
            SaveResult saved = id > 0 ? records_.Update(actor, o.api_name, id, values)
                                      : records_.Create(actor, o.api_name, values);
            r.action = id > 0 ? "update" : "insert";
            r.id = saved.id;
            r.errors = saved.errors;
        }
        if (!r.errors.empty()) {
            r.action = "error";
            for (Error& e : r.errors) {
                e.line = row.line;
                e.field = column_of(e.field);
            }
            ++report.failed;
            report.results.push_back(std::move(r));
        } else {
            (r.action == "update" ? report.updated : report.inserted)++;
            if (kept_ok++ < 1000) report.results.push_back(std::move(r));
        }
        if (batch && ++in_batch >= batch_size) {
            if (Status s = batch->Commit(); !s.ok()) return s.error();
            batch.reset();
            in_batch = 0;
        }
    }
    if (!opened->reader->status().ok()) return opened->reader->status().error();
    if (batch) {
        if (Status s = batch->Commit(); !s.ok()) return s.error();
    }
    if (whole && !options.dry_run && report.failed == 0) {
        if (Status s = whole->Commit(); !s.ok()) return s.error();
        report.committed = true;
    } else if (!whole) {
        report.committed = true;
    }
    return report;
}

}  // namespace crm
