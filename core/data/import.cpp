#include "data/import.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include "audit/change.h"
#include "common/clock.h"
#include "common/messages.h"
#include "common/text.h"
#include "records/records.h"
#include "schema/schema.h"
#include "storage/database.h"

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
    {"data.import_transform", "The transform of {field} is not valid: {why}.",
     "字段 {field} 的转换无效：{why}。"},
    {"data.import_date", "Line {line}: {value} in column {column} is not a date written as {format}.",
     "第 {line} 行：列 {column} 中的 {value} 不是按 {format} 书写的日期。"},
    {"data.import_lookup",
     "Line {line}: {count} {object} records have {field} = {value} in column {column}; "
     "exactly one is needed.",
     "第 {line} 行：列 {column} 中 {field} = {value} 匹配到 {count} 条{object}记录；需要恰好一条。"},
    {"data.import_mapping_name", "A saved mapping needs a name.", "保存的映射需要名称。"},
    {"data.import_mapping_unknown", "{object} has no saved mapping {name}.",
     "{object} 没有名为 {name} 的已保存映射。"},
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

/// One mapped column's transforms (see import.h).
struct Transform {
    bool trim = false;
    std::map<std::string, std::string> values;
    std::string date_format;
    char decimal = 0;
    std::string lookup_by;
    std::shared_ptr<const ObjectDef> target;
    std::unordered_map<std::string, int64_t> found;  ///< lookup_by cell -> id
};

bool ReadDigits(std::string_view s, size_t& pos, int min, int max, int& out) {
    int n = 0;
    out = 0;
    while (pos < s.size() && n < max && s[pos] >= '0' && s[pos] <= '9') {
        out = out * 10 + (s[pos++] - '0');
        ++n;
    }
    return n >= min;
}

/// The date written in `format` (YYYY, MM, M, DD, D, literal text) as "YYYY-MM-DD" (plus the cell's time
/// tail, if any), or "" when it does not fit.
std::string ParseDate(std::string_view cell, std::string_view format) {
    size_t p = 0, f = 0;
    int y = -1, m = -1, d = -1;
    while (f < format.size()) {
        if (format.compare(f, 4, "YYYY") == 0) {
            if (!ReadDigits(cell, p, 4, 4, y)) return "";
            f += 4;
        } else if (format.compare(f, 2, "MM") == 0 || format.compare(f, 2, "DD") == 0) {
            if (!ReadDigits(cell, p, 1, 2, format[f] == 'M' ? m : d)) return "";
            f += 2;
        } else if (format[f] == 'M' || format[f] == 'D') {
            if (!ReadDigits(cell, p, 1, 2, format[f] == 'M' ? m : d)) return "";
            f += 1;
        } else {
            if (p >= cell.size() || cell[p] != format[f]) return "";
            ++p;
            ++f;
        }
    }
    if (y < 0 || m < 1 || m > 12 || d < 1 || d > 31) return "";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    std::string out = buf;
    if (p < cell.size()) {
        std::string_view tail = cell.substr(p);
        if (tail[0] != ' ' && tail[0] != 'T') return "";
        out += 'T';
        out += tail.substr(1);
    }
    return out;
}

std::string TrimSpaces(std::string_view s) {
    size_t a = 0, b = s.size();
    while (a < b && (s[a] == ' ' || s[a] == '\t')) ++a;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) --b;
    return std::string(s.substr(a, b - a));
}

Result<Transform> ParseTransform(const ObjectDef& o, SchemaService& schema, const std::string& field,
                                 const nlohmann::json& j) {
    auto bad = [&](const char* why) {
        return MessageError("data.invalid", "data.import_transform", {{"field", field}, {"why", why}},
                            "transforms");
    };
    if (!j.is_object()) return bad("a transform is a JSON object");
    Transform t;
    const FieldDef* f = o.Field(field);
    if (j.contains("trim") && !j["trim"].is_boolean()) return bad("trim is true or false");
    for (const char* key : {"date_format", "decimal", "lookup_by"})
        if (j.contains(key) && !j[key].is_string()) return bad("date_format, decimal and lookup_by are text");
    t.trim = j.value("trim", false);
    if (j.contains("values")) {
        if (!j["values"].is_object()) return bad("values maps file values to picklist values");
        for (auto it = j["values"].begin(); it != j["values"].end(); ++it) {
            if (!it->is_string()) return bad("values maps file values to picklist values");
            t.values[it.key()] = it->get<std::string>();
        }
    }
    t.date_format = j.value("date_format", "");
    if (!t.date_format.empty() && t.date_format.find("YYYY") == std::string::npos)
        return bad("a date format names YYYY, MM and DD");
    const std::string decimal = j.value("decimal", "");
    if (!decimal.empty() && decimal != "." && decimal != ",") return bad("decimal is a point or a comma");
    t.decimal = decimal.empty() ? 0 : decimal[0];
    t.lookup_by = j.value("lookup_by", "");
    if (!t.lookup_by.empty()) {
        if (!f || f->type != FieldType::Lookup) return bad("lookup_by is for a lookup field");
        Result<std::shared_ptr<const ObjectDef>> target = schema.Object(f->lookup_object);
        if (!target.ok()) return target.error();
        if (!(*target)->Field(t.lookup_by)) return bad("lookup_by names a field of the looked-up object");
        t.target = *target;
    }
    return t;
}

constexpr const char* kDeferredIndexesKey = "import_deferred_indexes";

void CollectFields(const nlohmann::json& j, std::set<std::string>& out) {
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it) {
            if (it.key() == "field" && it->is_string()) out.insert(ToLowerAscii(it->get<std::string>()));
            CollectFields(*it, out);
        }
    } else if (j.is_array()) {
        for (const nlohmann::json& e : j) CollectFields(e, out);
    }
}

/// Drops the indexes of `o` that an import may build at its end (import.h) and lists them in data_settings,
/// in the open transaction; false when there are none.
Result<bool> DeferIndexes(Database& db, const ObjectDef& o, const std::string& external_id) {
    std::set<std::string> kept;  // lower-case API names
    {
        Statement rules = db.Prepare("SELECT rule_json FROM dedup_rules WHERE object = ?1 AND active = 1");
        rules.Bind(1, o.api_name);
        while (rules.Step()) {
            const nlohmann::json rule = nlohmann::json::parse(rules.Text(0), nullptr, false);
            if (rule.is_discarded()) return false;  // which fields it reads is unknown: keep every index
            CollectFields(rule, kept);
        }
        if (!rules.status().ok()) return rules.status().error();
    }
    std::set<std::string> names;
    for (const FieldDef& f : o.fields) {
        if (!f.has_column() || f.unique || f.type == FieldType::Lookup) continue;
        if (ToLowerAscii(f.api_name) == ToLowerAscii(external_id) || kept.count(ToLowerAscii(f.api_name)))
            continue;
        names.insert(IndexNameFor(o, f));
    }
    nlohmann::json dropped = nlohmann::json::array();
    {
        Statement st = db.Prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL "
            "ORDER BY name");
        st.Bind(1, o.table);
        while (st.Step())
            if (names.count(st.Text(0))) dropped.push_back({{"name", st.Text(0)}, {"sql", st.Text(1)}});
        if (!st.status().ok()) return st.status().error();
    }
    if (dropped.empty()) return false;
    // SQLite drops nothing while a statement is part way through its rows: the statements cached by the
    // services between saves (a lookup's SELECT that found its row) are done with and start again anyway.
    db.ResetUnfinishedStatements();
    for (const nlohmann::json& index : dropped)
        if (Status s = db.Exec("DROP INDEX " + QuoteIdent(index["name"].get<std::string>())); !s.ok())
            return s.error();
    Statement note = db.Prepare(
        "INSERT INTO data_settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = "
        "excluded.value");
    note.Bind(1, kDeferredIndexesKey).Bind(2, dropped.dump());
    if (Status s = note.Run(); !s.ok()) return s.error();
    return true;
}

/// Builds the indexes data_settings lists as deferred (those not there), in the open transaction.
Status BuildDeferredIndexes(Database& db) {
    // CREATE INDEX sorts its keys in runs of at most the page cache's size, then merges the runs. A run
    // of 64 MB (the import's cache) is a linked list merge-sorted far beyond the CPU's caches: the four
    // indexes of a million Opportunities took 3.3 s so, and 1.9 s in runs of SQLite's default 2 MB.
    PragmaScope sort_runs(db, "cache_size", -2 * 1024);
    // Natively the runs are sorted and merged on two worker threads besides this one (1.9 s -> 1.6 s); the
    // browser's SQLite has no threads, and takes the pragma as a no-op.
    PragmaScope sort_workers(db, "threads", 2);
#ifndef __EMSCRIPTEN__
    // Each CREATE INDEX reads the whole table, through a 2 MB cache: natively from a memory map of the file
    // rather than a read() copy of each page (the browser's page store has no map; Emscripten's would copy
    // the file into the heap).
    PragmaScope map_table(db, "mmap_size", int64_t{1} << 30);
#endif
    nlohmann::json listed;
    {
        Statement st = db.Prepare("SELECT value FROM data_settings WHERE key = ?1");
        st.Bind(1, kDeferredIndexesKey);
        if (!st.Step()) return st.status();
        listed = nlohmann::json::parse(st.Text(0), nullptr, false);
    }
    for (const nlohmann::json& index : listed.is_array() ? listed : nlohmann::json::array()) {
        if (!index.is_object() || !index.value("name", nlohmann::json()).is_string() ||
            !index.value("sql", nlohmann::json()).is_string())
            continue;
        bool there = false;
        {
            Statement st = db.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1");
            st.Bind(1, index["name"].get<std::string>());
            there = st.Step();
            if (!st.status().ok()) return st.status();
        }
        if (!there)
            if (Status s = db.Exec(index["sql"].get<std::string>()); !s.ok()) return s;
    }
    Statement done = db.Prepare("DELETE FROM data_settings WHERE key = ?1");
    done.Bind(1, kDeferredIndexesKey);
    return done.Run();
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
        if (h == kImportErrorColumn) {
            mapping[h] = "";
            continue;
        }
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
    // The transforms, per column.
    std::vector<std::unique_ptr<Transform>> transform_of(report.columns.size());
    if (options.transforms.is_object()) {
        for (auto it = options.transforms.begin(); it != options.transforms.end(); ++it) {
            const FieldDef* def = o.Field(it.key());
            if (!def)
                return MessageError("data.invalid", "data.import_unknown_field",
                                    {{"field", it.key()}, {"object", o.api_name}}, "transforms");
            Result<Transform> t = ParseTransform(o, schema_, def->api_name, *it);
            if (!t.ok()) return t.error();
            for (size_t c = 0; c < field_of.size(); ++c)
                if (field_of[c] == def->api_name) transform_of[c] = std::make_unique<Transform>(*t);
        }
    }
    std::vector<const FieldDef*> def_of(report.columns.size(), nullptr);
    for (size_t c = 0; c < field_of.size(); ++c)
        if (!field_of[c].empty()) def_of[c] = o.Field(field_of[c]);
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
    // A batch touches more pages than SQLite's default 2 MB cache holds, which then spills them to the file
    // mid-transaction: a 64 MB cache for the import's length (put back after).
    PragmaScope cache_size(changes_.db(), "cache_size", -64 * 1024);
    // Indexes left for the end once the import is large (import.h): built again by the end of Run, or, if
    // the import stops early in batches, by this guard; a rolled-back single change puts them back itself.
    bool deferred = false, defer_checked = options.defer_indexes_after <= 0;
    int64_t held_before = -1;
    struct BuildAtExit {
        Importer* importer = nullptr;
        ~BuildAtExit() {
            if (importer) (void)importer->RebuildDeferredIndexes();
        }
    } build_at_exit;
    const bool one_transaction = options.all_or_nothing || options.dry_run;
    std::unique_ptr<ChangeScope> whole;
    if (one_transaction) {
        whole = std::make_unique<ChangeScope>(changes_, actor);
        if (!whole->begin_status().ok()) return whole->begin_status().error();
    }
    const int batch_size = std::clamp(options.batch_size, 1, 10000);
    // The values go to the save as text (TextValues: the JSON object {field: "cell"} without building
    // one): each field written is a slot, in the order of the names; the last column naming it wins.
    std::vector<std::string> slot_name;
    for (const std::string& f : field_of)
        if (!f.empty() && f != "Id") slot_name.push_back(f);
    std::sort(slot_name.begin(), slot_name.end());
    slot_name.erase(std::unique(slot_name.begin(), slot_name.end()), slot_name.end());
    std::vector<int> slot_of(field_of.size(), -1);
    for (size_t c = 0; c < field_of.size(); ++c)
        if (!field_of[c].empty() && field_of[c] != "Id")
            slot_of[c] = static_cast<int>(std::lower_bound(slot_name.begin(), slot_name.end(), field_of[c]) -
                                          slot_name.begin());
    std::vector<std::string> slot_text(slot_name.size());
    std::vector<char> slot_set(slot_name.size());
    // A row, read, made into the values a save takes: the transforms, lookups, the record to update.
    auto prepare = [&](const CsvRow& row, ImportRowResult& r, EachRow& each) {
        std::fill(slot_set.begin(), slot_set.end(), 0);
        auto set = [&](size_t c) { slot_set[static_cast<size_t>(slot_of[c])] = 1; };
        for (size_t c = 0; c < field_of.size() && c < row.fields.size(); ++c) {
            if (slot_of[c] < 0 || row.fields[c].empty()) continue;
            // The cell is transformed in its field's slot, whose capacity serves from row to row. A cell
            // in error leaves its slot half-made: never read, since a row with errors is not saved.
            std::string& cell = slot_text[static_cast<size_t>(slot_of[c])];
            cell.assign(row.fields[c]);
            if (Transform* t = transform_of[c].get()) {
                if (t->trim) cell = TrimSpaces(cell);
                if (!t->values.empty()) {
                    auto hit = t->values.find(cell);
                    if (hit == t->values.end())
                        for (auto it = t->values.begin(); it != t->values.end() && hit == t->values.end();
                             ++it)
                            if (ToLowerAscii(it->first) == ToLowerAscii(cell)) hit = it;
                    if (hit != t->values.end()) cell = hit->second;
                }
                if (!t->date_format.empty() && !cell.empty()) {
                    std::string iso = ParseDate(cell, t->date_format);
                    if (iso.empty()) {
                        r.errors.push_back(MessageError("data.invalid", "data.import_date",
                                                        {{"line", std::to_string(row.line)},
                                                         {"value", cell},
                                                         {"column", report.columns[c]},
                                                         {"format", t->date_format}},
                                                        report.columns[c]));
                        continue;
                    }
                    cell = iso;
                }
                if (t->decimal) {
                    std::string number;
                    for (char ch : cell) {
                        if (ch == ' ' || ch == (t->decimal == ',' ? '.' : ',')) continue;
                        number += ch == ',' ? '.' : ch;
                    }
                    cell = number;
                }
                if (t->target && !cell.empty()) {
                    auto known = t->found.find(cell);
                    if (known == t->found.end()) {
                        ListQuery q;
                        q.columns = {"Id"};
                        q.filters.push_back({t->lookup_by, "=", cell});
                        q.limit = 2;
                        Result<ListPage> page = records_.List(actor, t->target->api_name, q);
                        if (!page.ok()) {
                            r.errors.push_back(page.error());
                            continue;
                        }
                        if (page->rows.size() != 1) {
                            r.errors.push_back(MessageError("data.invalid", "data.import_lookup",
                                                            {{"line", std::to_string(row.line)},
                                                             {"count", std::to_string(page->rows.size())},
                                                             {"object", t->target->label},
                                                             {"field", t->lookup_by},
                                                             {"value", cell},
                                                             {"column", report.columns[c]}},
                                                            report.columns[c]));
                            continue;
                        }
                        known = t->found.emplace(cell, page->rows[0]["Id"].get<int64_t>()).first;
                    }
                    cell = std::to_string(known->second);  // the id, as JSON would write it
                    set(c);
                    continue;
                }
            }
            if (const FieldDef* def = def_of[c];
                def && def->type == FieldType::Picklist && !def->FindValue(cell)) {
                nlohmann::json& list = report.unknown_values[def->api_name];
                if (!list.is_array()) list = nlohmann::json::array();
                if (list.size() < 50 && std::find(list.begin(), list.end(), cell) == list.end())
                    list.push_back(cell);
            }
            set(c);
        }
        each.as_text = true;
        size_t n = 0;
        for (size_t k = 0; k < slot_name.size(); ++k) {
            if (!slot_set[k]) continue;
            if (n == each.texts.size()) each.texts.emplace_back();
            auto& [name, text] = each.texts[n++];
            if (name != slot_name[k]) name = slot_name[k];
            text.swap(slot_text[k]);
        }
        each.texts.resize(n);
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
        each.id = id;
        each.errors = std::move(r.errors);
    };
    std::vector<CsvRow> rows;
    std::vector<EachRow> each;
    std::vector<ImportRowResult> row_results;
    int kept_ok = 0;
    // The next batch is read (natively on a thread of its own) while this one is saved.
    CsvBatches batches(*opened->reader, static_cast<size_t>(batch_size));
    for (;;) {
        if (Status s = batches.Next(rows); !s.ok()) return s.error();
        if (rows.empty()) break;
        std::unique_ptr<ChangeScope> batch;
        if (!one_transaction) {
            batch = std::make_unique<ChangeScope>(changes_, actor);
            if (!batch->begin_status().ok()) return batch->begin_status().error();
        }
        if (!defer_checked && report.rows >= options.defer_indexes_after) {
            if (held_before < 0) {
                Statement count = changes_.db().Prepare("SELECT COUNT(*) FROM " + QuoteIdent(o.table));
                held_before = count.Step() ? count.Int(0) : 0;
            }
            if (report.rows >= held_before) {
                defer_checked = true;
                Result<bool> d =
                    DeferIndexes(changes_.db(), o, external_column >= 0 ? field_of[external_column] : "");
                if (!d.ok()) return d.error();
                deferred = *d;
                if (deferred && !one_transaction) build_at_exit.importer = this;
            }
        }
        each.resize(rows.size());  // every field is set by prepare: no batch of values freed at once
        row_results.assign(rows.size(), ImportRowResult{});
        Result<std::vector<SaveResult>> saved =
            records_.SaveEach(actor, o.api_name, each, [&](size_t i, EachRow& e) {
                row_results[i].line = rows[i].line;
                prepare(rows[i], row_results[i], e);
            });
        if (!saved.ok()) return saved.error();
        for (size_t i = 0; i < rows.size(); ++i) {
            const CsvRow& row = rows[i];
            ImportRowResult& r = row_results[i];
            ++report.rows;
            r.action = each[i].id > 0 ? "update" : "insert";
            r.id = (*saved)[i].id;
            r.errors = std::move((*saved)[i].errors);
            if (!r.errors.empty()) {
                r.action = "error";
                std::string why;
                for (Error& e : r.errors) {
                    e.line = row.line;
                    e.field = column_of(e.field);
                    why += (why.empty() ? "" : "; ") + (e.field.empty() ? "" : e.field + ": ") + e.message;
                }
                if (report.failed < kFailedRowsLimit) {
                    if (report.failed_csv.empty()) {
                        std::vector<std::string> header = report.columns;
                        header.push_back(kImportErrorColumn);
                        AppendCsvRow(report.failed_csv, header, false);
                    }
                    std::vector<std::string> fields = row.fields;
                    fields.resize(std::max(fields.size(), report.columns.size()));
                    fields.push_back(why);
                    AppendCsvRow(report.failed_csv, fields, false);
                }
                ++report.failed;
                report.results.push_back(std::move(r));
            } else {
                (r.action == "update" ? report.updated : report.inserted)++;
                if (kept_ok++ < 1000) report.results.push_back(std::move(r));
            }
        }
        if (batch) {
            if (Status s = batch->Commit(); !s.ok()) return s.error();
            report.last_line_committed = rows.back().line;
        }
        // Told after each full batch (and once at the end).
        if (static_cast<int>(rows.size()) == batch_size && options.progress &&
            !options.progress(report.rows)) {
            report.cancelled = true;
            break;
        }
    }
    if (options.progress && !report.cancelled) options.progress(report.rows);
    if (deferred && !one_transaction) {
        build_at_exit.importer = nullptr;
        if (Status s = RebuildDeferredIndexes(); !s.ok()) return s.error();
    }
    if (whole && !options.dry_run && report.failed == 0 && !report.cancelled) {
        if (deferred)
            if (Status s = BuildDeferredIndexes(changes_.db()); !s.ok()) return s.error();
        if (Status s = whole->Commit(); !s.ok()) return s.error();
        report.committed = true;
    } else if (!whole) {
        report.committed = true;
    }
    return report;
}

Status Importer::RebuildDeferredIndexes() {
    Database& db = changes_.db();
    {
        Statement listed = db.Prepare("SELECT 1 FROM data_settings WHERE key = ?1");
        listed.Bind(1, kDeferredIndexesKey);
        if (!listed.Step()) return listed.status();
    }
    // A savepoint, not a ChangeScope: building indexes changes no data, so no change set is told of it.
    if (Status s = db.Exec("SAVEPOINT import_indexes"); !s.ok()) return s;
    Status built = BuildDeferredIndexes(db);
    if (!built.ok()) (void)db.Exec("ROLLBACK TO import_indexes");
    if (Status s = db.Exec("RELEASE import_indexes"); !s.ok() && built.ok()) return s;
    return built;
}

nlohmann::json ToJson(const ImportMapping& m) {
    return {{"object", m.object},
            {"name", m.name},
            {"settings", m.settings},
            {"updated_by", m.updated_by},
            {"updated_at", FormatUtcIso8601(m.updated_at_ms)}};
}

Result<std::vector<ImportMapping>> Importer::Mappings(const std::string& actor, const std::string& object) {
    if (authorize_) {
        if (Status s = authorize_(actor, SystemPermission::ImportData); !s.ok()) return s.error();
    }
    std::string api;
    if (!object.empty()) {
        Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
        if (!o.ok()) return o.error();
        api = (*o)->api_name;
    }
    Statement st = changes_.db().Prepare(
        "SELECT object, name, settings_json, updated_by, updated_at_ms FROM import_mappings "
        "WHERE ?1 = '' OR object = ?1 ORDER BY object, name");
    st.Bind(1, api);
    std::vector<ImportMapping> out;
    while (st.Step()) {
        ImportMapping m;
        m.object = st.Text(0);
        m.name = st.Text(1);
        m.settings = nlohmann::json::parse(st.Text(2), nullptr, false);
        m.updated_by = st.Text(3);
        m.updated_at_ms = st.Int(4);
        out.push_back(std::move(m));
    }
    if (!st.status().ok()) return st.status().error();
    return out;
}

Result<ImportMapping> Importer::SaveMapping(const std::string& actor, ImportMapping m) {
    if (authorize_) {
        if (Status s = authorize_(actor, SystemPermission::ImportData); !s.ok()) return s.error();
    }
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(m.object);
    if (!o.ok()) return o.error();
    m.object = (*o)->api_name;
    if (m.name.empty()) return MessageError("data.invalid", "data.import_mapping_name", {}, "name");
    if (!m.settings.is_object()) m.settings = nlohmann::json::object();
    // Only the settings an import reads are kept; the mapping's and transforms' fields are checked now.
    nlohmann::json kept = nlohmann::json::object();
    for (const char* key : {"mapping", "transforms", "mode", "external_id", "encoding"})
        if (m.settings.contains(key)) kept[key] = m.settings[key];
    for (const char* key : {"mapping", "transforms"}) {
        if (!kept.contains(key)) continue;
        if (!kept[key].is_object())
            return MessageError("data.invalid", "data.import_transform",
                                {{"field", key}, {"why", "a JSON object"}}, key);
        for (auto it = kept[key].begin(); it != kept[key].end(); ++it) {
            const std::string field = std::string(key) == "mapping" ? it->get<std::string>() : it.key();
            if (field.empty() || field == "Id" || field == "OwnerId") continue;
            if (!(*o)->Field(field))
                return MessageError("data.invalid", "data.import_unknown_field",
                                    {{"field", field}, {"object", m.object}}, key);
            if (std::string(key) == "transforms") {
                Result<Transform> t = ParseTransform(**o, schema_, (*o)->Field(field)->api_name, *it);
                if (!t.ok()) return t.error();
            }
        }
    }
    m.settings = kept;
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    Database& db = changes_.db();
    nlohmann::json old;
    Statement find = db.Prepare("SELECT settings_json FROM import_mappings WHERE object = ?1 AND name = ?2");
    find.Bind(1, m.object).Bind(2, m.name);
    if (find.Step()) old = nlohmann::json::parse(find.Text(0), nullptr, false);
    m.updated_by = actor;
    m.updated_at_ms = change.now_ms();
    Statement st = db.Prepare(
        "INSERT INTO import_mappings(object, name, settings_json, updated_by, updated_at_ms) VALUES (?1, ?2, "
        "?3, ?4, "
        "?5) ON CONFLICT(object, name) DO UPDATE SET settings_json = excluded.settings_json, updated_by = "
        "excluded.updated_by, updated_at_ms = excluded.updated_at_ms");
    st.Bind(1, m.object).Bind(2, m.name).Bind(3, m.settings.dump()).Bind(4, actor).Bind(5, m.updated_at_ms);
    if (Status s = st.Run(); !s.ok()) return s.error();
    if (Status s = change.Audit("data", old.is_null() ? "create" : "update",
                                "import_mapping." + m.object + "." + m.name, old, m.settings);
        !s.ok())
        return s.error();
    change.Record("data", m.object, ChangeAction::Config, 0, {"import_mappings"});
    if (Status s = change.Commit(); !s.ok()) return s.error();
    return m;
}

Status Importer::DeleteMapping(const std::string& actor, const std::string& object, const std::string& name) {
    if (authorize_) {
        if (Status s = authorize_(actor, SystemPermission::ImportData); !s.ok()) return s;
    }
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
    if (!o.ok()) return o.error();
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    Database& db = changes_.db();
    Statement find = db.Prepare("SELECT settings_json FROM import_mappings WHERE object = ?1 AND name = ?2");
    find.Bind(1, (*o)->api_name).Bind(2, name);
    if (!find.Step())
        return MessageError("data.not_found", "data.import_mapping_unknown",
                            {{"object", (*o)->api_name}, {"name", name}}, "name");
    const nlohmann::json old = nlohmann::json::parse(find.Text(0), nullptr, false);
    Statement del = db.Prepare("DELETE FROM import_mappings WHERE object = ?1 AND name = ?2");
    del.Bind(1, (*o)->api_name).Bind(2, name);
    if (Status s = del.Run(); !s.ok()) return s;
    if (Status s =
            change.Audit("data", "delete", "import_mapping." + (*o)->api_name + "." + name, old, nullptr);
        !s.ok())
        return s;
    change.Record("data", (*o)->api_name, ChangeAction::Config, 0, {"import_mappings"});
    return change.Commit();
}

}  // namespace crm
