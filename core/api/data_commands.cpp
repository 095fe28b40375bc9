// recycle.*, backup.*, restore.*, export.*, import.*, records.mass_*: data management (core/data), each
// trimmed by its service to what the acting user may see or do.
#include <cstdio>

#include "api/command.h"
#include "data/backup.h"
#include "data/export.h"
#include "data/import.h"
#include "data/mass_changes.h"
#include "data/recycle_bin.h"
#include "workspace.h"

namespace crm::api {

namespace {

using SP = SystemPermission;

// [SECTION] Recycle bin

Result<RecycleSelection> SelectionOf(Call& call) {
    RecycleSelection sel;
    sel.object = call.Str("object");
    if (const json* ids = call.Obj("ids")) {
        for (const json& id : *ids) {
            if (!id.is_number_integer() || id.get<int64_t>() <= 0)
                return InvalidArgument("ids",
                                       "\"ids\" lists recycle bin entry ids (positive whole numbers).");
            sel.ids.push_back(id.get<int64_t>());
        }
    }
    return sel;
}

json OutcomeJson(const RecycleOutcome& outcome, const char* key) {
    json entries = json::array();
    for (const RecycleEntry& e : outcome.entries) entries.push_back(ToJson(e));
    return json{{key, entries}, {"lookups_restored", outcome.lookups_restored}};
}

Result<json> RecycleListCmd(Call& call) {
    Result<std::vector<RecycleEntry>> entries = call.workspace.data().recycle().List(
        call.actor, call.Str("object"), call.Int("limit", 100), call.Int("offset", 0));
    if (!entries.ok()) return entries.error();
    json out = json::array();
    for (const RecycleEntry& e : *entries) out.push_back(ToJson(e));
    return json{{"entries", out}, {"purge_days", call.workspace.data().recycle().PurgeDays()}};
}

Result<json> RecycleRestoreCmd(Call& call) {
    Result<RecycleSelection> sel = SelectionOf(call);
    if (!sel.ok()) return sel.error();
    Result<RecycleOutcome> outcome = call.workspace.data().recycle().Restore(call.actor, *sel);
    if (!outcome.ok()) return outcome.error();
    return OutcomeJson(*outcome, "restored");
}

Result<json> RecyclePurgeCmd(Call& call) {
    RecycleBin& bin = call.workspace.data().recycle();
    if (call.Bool("expired", false)) {
        CRM_TRY(call.workspace.access().Require(call.actor, SP::BackupAndRestore));
        Result<int> purged = bin.PurgeExpired(call.actor, call.workspace.clock().NowMs());
        if (!purged.ok()) return purged.error();
        return json{{"purged_expired", *purged}};
    }
    Result<RecycleSelection> sel = SelectionOf(call);
    if (!sel.ok()) return sel.error();
    Result<RecycleOutcome> outcome = bin.Purge(call.actor, *sel);
    if (!outcome.ok()) return outcome.error();
    return OutcomeJson(*outcome, "purged");
}

Result<json> RecycleSettingsCmd(Call& call) {
    RecycleBin& bin = call.workspace.data().recycle();
    if (call.args.contains("purge_days")) CRM_TRY(bin.SetPurgeDays(call.actor, call.Int("purge_days", 30)));
    return json{{"purge_days", bin.PurgeDays()}};
}

// [SECTION] Backup and restore

json CountsJson(const std::map<std::string, int64_t>& counts) { return json(counts); }

Result<json> BackupCreateCmd(Call& call) {
    Result<BackupManifest> m = call.workspace.data().backups().Create(call.actor, call.Str("path"));
    if (!m.ok()) return m.error();
    return json{{"path", call.Str("path")}, {"manifest", ToJson(*m)}};
}

Result<json> BackupInspectCmd(Call& call) {
    Result<BackupCheck> c = call.workspace.data().backups().Inspect(call.actor, call.Str("path"));
    if (!c.ok()) return c.error();
    return json{{"manifest", ToJson(c->manifest)},
                {"current_schema_version", c->current_schema_version},
                {"needs_migration", c->needs_migration},
                {"counts_now", CountsJson(BackupService::RecordCounts(call.workspace.db()))}};
}

Result<json> RestoreRunCmd(Call& call) {
    Result<RestoreReport> r =
        call.workspace.data().backups().Restore(call.actor, call.Str("path"), call.Str("keep_dir"));
    if (!r.ok()) return r.error();
    return json{{"manifest", ToJson(r->manifest)},
                {"migrated_from", r->migrated_from},
                {"migrated_to", r->migrated_to},
                {"counts_before", CountsJson(r->counts_before)},
                {"counts_after", CountsJson(r->counts_after)},
                {"kept_backup", r->kept_backup},
                {"reopen_required", r->reopen_required}};
}

// [SECTION] Export

Result<json> ExportRecordsCmd(Call& call) {
    ExportOptions o;
    o.object = call.Str("object");
    o.format = call.Str("format", "csv");
    o.bom = call.Bool("bom", false);
    o.formatted = call.Bool("formatted", false);
    o.filter_formula = call.Str("filter_formula");
    if (const json* columns = call.Obj("columns")) {
        for (const json& c : *columns) {
            if (!c.is_string()) return InvalidArgument("columns", "\"columns\" lists field API names.");
            o.columns.push_back(c.get<std::string>());
        }
    }
    const std::string path = call.Str("path");
    const std::string part = path + ".part";
    std::FILE* f = std::fopen(part.c_str(), "wb");
    if (!f) return InvalidArgument("path", "Cannot create the file " + Quote(path) + ".");
    Result<ExportResult> r = call.workspace.data().exporter().Run(call.actor, o, [f](std::string_view bytes) {
        if (std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size())
            return Status(MakeError("data.export_write",
                                    "Writing the export failed: the disk is full or not writable."));
        return Status::Ok();
    });
    const bool closed = std::fclose(f) == 0;
    if (!r.ok() || !closed || std::rename(part.c_str(), path.c_str()) != 0) {
        std::remove(part.c_str());
        if (!r.ok()) return r.error();
        return MakeError("data.export_write", "Writing the export to " + Quote(path) + " failed.", "path");
    }
    return json{{"path", path}, {"rows", r->rows}, {"bytes", r->bytes}, {"columns", r->columns}};
}

// [SECTION] Import

/// A source reading a file a chunk at a time (the FILE closes with the last copy of the source).
Result<CsvReader::Source> FileSource(const std::string& path) {
    std::shared_ptr<std::FILE> f(std::fopen(path.c_str(), "rb"), [](std::FILE* p) {
        if (p) std::fclose(p);
    });
    if (!f) return InvalidArgument("path", "Cannot open the file " + Quote(path) + ".");
    return CsvReader::Source([f](char* buf, size_t size) { return std::fread(buf, 1, size, f.get()); });
}

ImportOptions ImportOptionsOf(Call& call) {
    ImportOptions o;
    o.object = call.Str("object");
    o.mode = call.Str("mode", "insert");
    o.external_id = call.Str("external_id");
    o.encoding = call.Str("encoding", "utf-8");
    if (const json* m = call.Obj("mapping")) o.mapping = *m;
    o.all_or_nothing = call.Bool("all_or_nothing", false);
    o.batch_size = call.Int("batch_size", 500);
    return o;
}

json ImportReportJson(const ImportReport& r) {
    json rows = json::array();
    for (const ImportRowResult& row : r.results) {
        json item = {{"line", row.line}, {"action", row.action}};
        if (row.id) item["id"] = row.id;
        if (!row.errors.empty()) {
            json errors = json::array();
            for (const Error& e : row.errors) errors.push_back(ErrorObject(e));
            item["errors"] = errors;
        }
        rows.push_back(std::move(item));
    }
    return json{{"columns", r.columns},     {"mapping", r.mapping}, {"rows", r.rows},
                {"inserted", r.inserted},   {"updated", r.updated}, {"failed", r.failed},
                {"committed", r.committed}, {"results", rows}};
}

Result<json> ImportPreviewCmd(Call& call) {
    Result<CsvReader::Source> source = FileSource(call.Str("path"));
    if (!source.ok()) return source.error();
    Result<ImportPreview> p = call.workspace.data().importer().Preview(call.actor, ImportOptionsOf(call),
                                                                       *source, call.Int("rows", 10));
    if (!p.ok()) return p.error();
    return json{{"delimiter", std::string(1, p->delimiter)},
                {"bom", p->had_bom},
                {"columns", p->columns},
                {"rows", p->rows},
                {"mapping", p->mapping}};
}

Result<json> ImportRun(Call& call, bool dry_run) {
    Result<CsvReader::Source> source = FileSource(call.Str("path"));
    if (!source.ok()) return source.error();
    ImportOptions o = ImportOptionsOf(call);
    o.dry_run = dry_run;
    Result<ImportReport> r = call.workspace.data().importer().Run(call.actor, o, *source);
    if (!r.ok()) return r.error();
    return ImportReportJson(*r);
}

Result<json> ImportDryRunCmd(Call& call) { return ImportRun(call, true); }
Result<json> ImportRunCmd(Call& call) { return ImportRun(call, false); }

// [SECTION] Mass changes

Result<MassSelection> SelectionFrom(Call& call) {
    MassSelection s;
    s.object = call.Str("object");
    s.filter_formula = call.Str("filter_formula");
    if (const json* filters = call.Obj("filters")) {
        json q = {{"filters", *filters}};
        Result<ListQuery> parsed = ListQueryFromJson(q);
        if (!parsed.ok()) return parsed.error();
        s.filters = parsed->filters;
    }
    if (call.args.contains("expected_count")) s.expected_count = call.Int("expected_count", -1);
    return s;
}

json MassJson(const MassOutcome& out) { return json{{"count", out.count}, {"ids", out.ids}}; }

Result<json> MassUpdateCmd(Call& call) {
    Result<MassSelection> s = SelectionFrom(call);
    if (!s.ok()) return s.error();
    MassChanges& mass = call.workspace.data().mass();
    if (call.Bool("preview", false)) {
        Result<int64_t> n = mass.Preview(call.actor, *s);
        if (!n.ok()) return n.error();
        return json{{"count", *n}};
    }
    const json* values = call.Obj("values");
    if (!values || !values->is_object())
        return InvalidArgument("values", "\"values\" must be a JSON object.");
    Result<MassOutcome> out = mass.Update(call.actor, *s, *values);
    if (!out.ok()) return out.error();
    return MassJson(*out);
}

Result<json> MassDeleteCmd(Call& call) {
    Result<MassSelection> s = SelectionFrom(call);
    if (!s.ok()) return s.error();
    MassChanges& mass = call.workspace.data().mass();
    if (call.Bool("preview", false)) {
        Result<int64_t> n = mass.Preview(call.actor, *s);
        if (!n.ok()) return n.error();
        return json{{"count", *n}};
    }
    Result<MassOutcome> out = mass.Delete(call.actor, *s);
    if (!out.ok()) return out.error();
    return MassJson(*out);
}

Result<json> TransferCmd(Call& call) {
    Result<MassSelection> s = SelectionFrom(call);
    if (!s.ok()) return s.error();
    MassChanges& mass = call.workspace.data().mass();
    if (call.Bool("preview", false)) {
        Result<int64_t> n = mass.Preview(call.actor, *s);
        if (!n.ok()) return n.error();
        return json{{"count", *n}};
    }
    Result<User> to = call.workspace.access().GetUser(call.Str("to"));
    if (!to.ok()) return to.error();
    Result<MassOutcome> out = mass.Transfer(call.actor, *s, to->id);
    if (!out.ok()) return out.error();
    return MassJson(*out);
}

}  // namespace

void RegisterDataCommands(Registry& r) {
    const Arg ids = {"ids", ArgType::Array, false, "[entry id, ...]"};
    const Arg object = {"object", ArgType::String, false};
    r.push_back({"recycle.list",
                 "The recycle bin entries the acting user may restore, newest first, and the days they stay.",
                 {object, {"limit", ArgType::Integer}, {"offset", ArgType::Integer}},
                 ObjectRecords(),
                 false,
                 {{"object", "Account"}},
                 RecycleListCmd});
    r.push_back({"recycle.restore",
                 "Puts deleted records back (same ids, the lookups that pointed at them too): the entries "
                 "named, or every entry of an object the acting user may restore; all or none.",
                 {ids, object},
                 ObjectRecords(),
                 true,
                 {{"object", "Account"}},
                 RecycleRestoreCmd});
    r.push_back({"recycle.purge",
                 "Deletes recycle bin entries for good: those named, every one of an object the acting user "
                 "may restore, or (expired: true, Backup and Restore) all older than the purge days.",
                 {ids, object, {"expired", ArgType::Boolean}},
                 ObjectRecords(),
                 true,
                 {{"object", "Account"}},
                 RecyclePurgeCmd});
    r.push_back({"recycle.settings",
                 "Reads or sets how many days a deleted record stays in the recycle bin (1..3650).",
                 {{"purge_days", ArgType::Integer}},
                 SetupData("the data settings", {SP::BackupAndRestore}),
                 true,
                 {{"purge_days", 30}},
                 RecycleSettingsCmd});
    const Arg path = {"path", ArgType::String, true};
    const Reads backups = SetupData("backups", {SP::BackupAndRestore});
    r.push_back(
        {"backup.create",
         "Writes a consistent snapshot of the workspace to a file with its manifest (versions, time, record "
         "counts, SHA-256); audited.",
         {path},
         backups,
         true,
         {{"path", "crm_example.crmbackup"}},
         BackupCreateCmd});
    r.push_back(
        {"backup.inspect",
         "Reads a backup's manifest and checks its size, checksum and schema version, changing nothing.",
         {path},
         backups,
         false,
         {{"path", "crm_example.crmbackup"}},
         BackupInspectCmd});
    r.push_back(
        {"restore.run",
         "Replaces the workspace's data with a checked backup (older ones migrated), keeping the current "
         "data as an automatic backup first; all or nothing; audited.",
         {path, {"keep_dir", ArgType::String}},
         backups,
         true,
         {{"path", "crm_example.crmbackup"}},
         RestoreRunCmd});
    r.push_back(
        {"export.records",
         "Writes an object's records the acting user may see (readable fields only) to a CSV or JSON Lines "
         "file, streamed in batches; needs Export Data.",
         {{"object", ArgType::String, true},
          path,
          {"format", ArgType::String, false, "\"csv\"|\"jsonl\""},
          {"bom", ArgType::Boolean},
          {"formatted", ArgType::Boolean},
          {"columns", ArgType::Array, false, "[field, ...]"},
          {"filter_formula", ArgType::String}},
         ObjectRecords(),
         false,
         {{"object", "Account"}, {"path", "crm_example_accounts.csv"}},
         ExportRecordsCmd});
    const std::vector<Arg> import_args = {
        {"object", ArgType::String, true},
        path,
        {"mode", ArgType::String, false, "\"insert\"|\"update\"|\"upsert\""},
        {"external_id", ArgType::String},
        {"encoding", ArgType::String, false, "\"utf-8\"|\"gb18030\"|\"gbk\""},
        {"mapping", ArgType::Object, false, "{column: field}"},
        {"all_or_nothing", ArgType::Boolean},
        {"batch_size", ArgType::Integer}};
    std::vector<Arg> preview_args = import_args;
    preview_args.push_back({"rows", ArgType::Integer});
    r.push_back(
        {"import.preview",
         "The first rows of a CSV file, its delimiter and the guessed column-to-field mapping; needs Import "
         "Data.",
         preview_args,
         ObjectRecords(),
         false,
         {{"object", "Account"}, {"path", "crm_example_accounts.csv"}},
         ImportPreviewCmd});
    r.push_back(
        {"import.dry_run",
         "Runs an import and rolls it back: per row what would happen (insert, update, or its errors with "
         "line and column).",
         import_args,
         ObjectRecords(),
         true,
         {{"object", "Account"}, {"path", "crm_example_accounts.csv"}, {"mode", "update"}},
         ImportDryRunCmd});
    r.push_back(
        {"import.run",
         "Imports a CSV file's rows through the save pipeline: valid rows go in, invalid rows come back "
         "with their errors (or nothing with all_or_nothing).",
         import_args,
         ObjectRecords(),
         true,
         {{"object", "Account"}, {"path", "crm_example_accounts.csv"}, {"mode", "update"}},
         ImportRunCmd});
    const std::vector<Arg> selection = {{"object", ArgType::String, true},
                                        {"filter_formula", ArgType::String},
                                        {"filters", ArgType::Array, false, "[{field, op, value}, ...]"},
                                        {"expected_count", ArgType::Integer},
                                        {"preview", ArgType::Boolean}};
    std::vector<Arg> update_args = selection;
    update_args.push_back({"values", ArgType::Object, false, "{Field: value}"});
    r.push_back({"records.mass_update",
                 "Sets fields on every record a filter selects (preview: the count only; expected_count: the "
                 "previewed count, refused if it changed); all or none.",
                 update_args,
                 ObjectRecords(),
                 true,
                 {{"object", "Account"},
                  {"filter_formula", "Name = \"Welcome Co\""},
                  {"values", {{"Phone", "+1 555 0100"}}}},
                 MassUpdateCmd});
    r.push_back({"records.mass_delete",
                 "Deletes every record a filter selects into the recycle bin (preview, expected_count as "
                 "records.mass_update); all or none.",
                 selection,
                 ObjectRecords(),
                 true,
                 {{"object", "Account"}, {"filter_formula", "Name = \"Welcome Co\""}, {"expected_count", 1}},
                 MassDeleteCmd});
    std::vector<Arg> transfer_args = selection;
    transfer_args.push_back({"to", ArgType::String, true});
    r.push_back({"records.transfer",
                 "Makes a user the owner of every record a filter selects (preview, expected_count as "
                 "records.mass_update); all or none.",
                 transfer_args,
                 ObjectRecords(),
                 true,
                 {{"object", "Account"}, {"filter_formula", "Name = \"Welcome Co\""}, {"to", "admin"}},
                 TransferCmd});
}

}  // namespace crm::api
