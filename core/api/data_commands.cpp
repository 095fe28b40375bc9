// recycle.*, backup.*, restore.*, export.*, import.*, records.mass_*, dedup.*: data management (core/data),
// each trimmed by its service to what the acting user may see or do.
#include <algorithm>
#include <cstdio>

#include "api/command.h"
#include "common/clock.h"
#include "data/backup.h"
#include "data/dedup.h"
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

Result<json> BackupScheduleCmd(Call& call) {
    BackupService& backups = call.workspace.data().backups();
    json changes = call.args;
    if (!changes.empty()) {
        Result<BackupSchedule> s = BackupScheduleFromJson(changes, backups.Schedule());
        if (!s.ok()) return s.error();
        Result<BackupSchedule> saved = backups.SetSchedule(call.actor, *s);
        if (!saved.ok()) return saved.error();
    }
    const BackupSchedule s = backups.Schedule();
    const int64_t next = backups.NextScheduledMs();
    return json{{"schedule", ToJson(s)},
                {"folder", backups.ScheduleFolder(s)},
                {"next_run", next ? json(FormatUtcIso8601(next)) : json()},
                {"automatic_backups", backups.AutomaticBackups()}};
}

// [SECTION] Export

Result<json> ExportRecordsCmd(Call& call) {
    ExportOptions o;
    o.object = call.Str("object");
    o.format = call.Str("format", "csv");
    o.bom = call.Bool("bom", false);
    o.encoding = call.Str("encoding", "utf-8");
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

Result<ImportOptions> ImportOptionsOf(Call& call) {
    ImportOptions o;
    o.object = call.Str("object");
    json settings = json::object();
    if (const std::string saved = call.Str("saved_mapping"); !saved.empty()) {
        Result<std::vector<ImportMapping>> all =
            call.workspace.data().importer().Mappings(call.actor, o.object);
        if (!all.ok()) return all.error();
        auto it =
            std::find_if(all->begin(), all->end(), [&](const ImportMapping& m) { return m.name == saved; });
        if (it == all->end())
            return InvalidArgument("saved_mapping", o.object + " has no saved mapping " + Quote(saved) + ".");
        settings = it->settings;
    }
    auto saved_text = [&](const char* key, const char* fallback) {
        auto it = settings.find(key);
        return it != settings.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
    };
    o.mode = call.Str("mode", saved_text("mode", "insert"));
    o.external_id = call.Str("external_id", saved_text("external_id", ""));
    o.encoding = call.Str("encoding", saved_text("encoding", "utf-8"));
    if (const json* m = call.Obj("mapping")) {
        o.mapping = *m;
    } else if (settings.contains("mapping")) {
        o.mapping = settings["mapping"];
    }
    if (const json* t = call.Obj("transforms")) {
        o.transforms = *t;
    } else if (settings.contains("transforms")) {
        o.transforms = settings["transforms"];
    }
    o.all_or_nothing = call.Bool("all_or_nothing", false);
    o.batch_size = call.Int("batch_size", ImportOptions{}.batch_size);
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
    json out = {{"columns", r.columns},
                {"mapping", r.mapping},
                {"rows", r.rows},
                {"inserted", r.inserted},
                {"updated", r.updated},
                {"failed", r.failed},
                {"committed", r.committed},
                {"cancelled", r.cancelled},
                {"last_line_committed", r.last_line_committed},
                {"unknown_values", r.unknown_values},
                {"results", rows}};
    // The error file inline while it is small (the console offers it as a download); errors_path for any
    // size.
    if (!r.failed_csv.empty() && r.failed_csv.size() <= 1'000'000) out["failed_csv"] = r.failed_csv;
    return out;
}

Result<json> ImportPreviewCmd(Call& call) {
    Result<CsvReader::Source> source = FileSource(call.Str("path"));
    if (!source.ok()) return source.error();
    Result<ImportOptions> o = ImportOptionsOf(call);
    if (!o.ok()) return o.error();
    Result<ImportPreview> p =
        call.workspace.data().importer().Preview(call.actor, *o, *source, call.Int("rows", 10));
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
    Result<ImportOptions> o = ImportOptionsOf(call);
    if (!o.ok()) return o.error();
    o->dry_run = dry_run;
    Result<ImportReport> r = call.workspace.data().importer().Run(call.actor, *o, *source);
    if (!r.ok()) return r.error();
    json out = ImportReportJson(*r);
    const std::string errors_path = call.Str("errors_path");
    if (!errors_path.empty() && !r->failed_csv.empty()) {
        const std::string part = errors_path + ".part";
        std::FILE* f = std::fopen(part.c_str(), "wb");
        bool ok = f && std::fwrite(r->failed_csv.data(), 1, r->failed_csv.size(), f) == r->failed_csv.size();
        if (f) ok = std::fclose(f) == 0 && ok;
        if (!ok || std::rename(part.c_str(), errors_path.c_str()) != 0) {
            std::remove(part.c_str());
            return MakeError("data.export_write",
                             "Writing the failed rows to " + Quote(errors_path) + " failed.", "errors_path");
        }
        out["errors_path"] = errors_path;
    }
    return out;
}

Result<json> ImportMappingsListCmd(Call& call) {
    Result<std::vector<ImportMapping>> all =
        call.workspace.data().importer().Mappings(call.actor, call.Str("object"));
    if (!all.ok()) return all.error();
    json out = json::array();
    for (const ImportMapping& m : *all) out.push_back(ToJson(m));
    return json{{"mappings", out}};
}

Result<json> ImportMappingsSaveCmd(Call& call) {
    ImportMapping m;
    m.object = call.Str("object");
    m.name = call.Str("name");
    m.settings = *call.Obj("settings");
    Result<ImportMapping> saved = call.workspace.data().importer().SaveMapping(call.actor, m);
    if (!saved.ok()) return saved.error();
    return json{{"mapping", ToJson(*saved)}};
}

Result<json> ImportMappingsDeleteCmd(Call& call) {
    Status s =
        call.workspace.data().importer().DeleteMapping(call.actor, call.Str("object"), call.Str("name"));
    if (!s.ok() && s.error().code == "data.not_found") return json{{"deleted", false}};
    return StatusJson(s, json{{"deleted", true}});
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

// [SECTION] Duplicates

Result<json> DedupRulesListCmd(Call& call) {
    Result<std::vector<DuplicateRule>> rules =
        call.workspace.data().dedup().Rules(call.actor, call.Str("object"));
    if (!rules.ok()) return rules.error();
    json out = json::array();
    for (const DuplicateRule& r : *rules) out.push_back(ToJson(r));
    return json{{"rules", out}};
}

Result<json> DedupRulesSaveCmd(Call& call) {
    CRM_TRY(call.workspace.access().Require(call.actor, SP::CustomizeSchema));
    Result<DuplicateRule> rule = DuplicateRuleFromJson(*call.Obj("rule"));
    if (!rule.ok()) return rule.error();
    Result<DuplicateRule> saved = call.workspace.data().dedup().SaveRule(call.actor, *rule);
    if (!saved.ok()) return saved.error();
    return json{{"rule", ToJson(*saved)}};
}

Result<json> DedupRulesDeleteCmd(Call& call) {
    Status s = call.workspace.data().dedup().DeleteRule(call.actor, call.Str("object"), call.Str("name"));
    if (!s.ok() && s.error().code == "data.not_found") return json{{"deleted", false}};
    return StatusJson(s, json{{"deleted", true}});
}

json MatchesJson(const std::vector<DuplicateMatch>& matches) {
    json out = json::array();
    for (const DuplicateMatch& m : matches)
        out.push_back({{"rule", m.rule}, {"action", m.action}, {"id", m.id}, {"name", m.name}});
    return out;
}

Result<json> DedupCheckCmd(Call& call) {
    const json* values = call.Obj("values");
    Result<std::vector<DuplicateMatch>> m = call.workspace.data().dedup().Check(
        call.actor, call.Str("object"), values ? *values : json::object(), call.Id("id"));
    if (!m.ok()) return m.error();
    bool blocked = false;
    for (const DuplicateMatch& x : *m) blocked = blocked || x.action == "block";
    return json{{"matches", MatchesJson(*m)}, {"blocked", blocked}};
}

Result<json> DedupScanCmd(Call& call) {
    ScanOptions o;
    o.object = call.Str("object");
    o.rule = call.Str("rule");
    o.max_groups = call.Int("max_groups", 1000);
    o.max_records = call.Int("max_records", 1000000);
    Result<ScanResult> r = call.workspace.data().dedup().Scan(call.actor, o);
    if (!r.ok()) return r.error();
    json groups = json::array();
    for (const DuplicateGroup& g : r->groups) {
        json records = json::array();
        for (size_t i = 0; i < g.ids.size(); ++i) records.push_back({{"id", g.ids[i]}, {"name", g.names[i]}});
        groups.push_back({{"rule", g.rule}, {"records", records}});
    }
    return json{{"groups", groups},
                {"records", r->records},
                {"comparisons", r->comparisons},
                {"truncated", r->truncated}};
}

Result<json> DedupMergeCmd(Call& call) {
    MergeRequest m;
    m.object = call.Str("object");
    m.master = call.Id("master");
    for (const json& id : *call.Obj("others")) {
        if (!id.is_number_integer()) return InvalidArgument("others", "\"others\" lists record ids.");
        m.others.push_back(id.get<int64_t>());
    }
    if (const json* values = call.Obj("values")) {
        for (auto it = values->begin(); it != values->end(); ++it) {
            if (!it->is_number_integer())
                return InvalidArgument("values",
                                       "\"values\" maps a field to the id of the record whose value wins.");
            m.values[it.key()] = it->get<int64_t>();
        }
    }
    Result<MergeOutcome> out = call.workspace.data().dedup().Merge(call.actor, m);
    if (!out.ok()) return out.error();
    return json{{"merge", out->merge_id},
                {"master", out->master},
                {"merged", out->merged},
                {"recycle_entries", out->recycle_entries},
                {"lookups_moved", out->lookups_moved},
                {"fields_changed", out->fields_changed}};
}

Result<json> DedupMergesCmd(Call& call) {
    Result<std::vector<MergeRecord>> merges =
        call.workspace.data().dedup().Merges(call.actor, call.Str("object"), call.Int("limit", 100));
    if (!merges.ok()) return merges.error();
    json out = json::array();
    for (const MergeRecord& m : *merges) out.push_back(ToJson(m));
    return json{{"merges", out}};
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
        {"backup.schedule",
         "Reads, or changes (any of enabled, frequency daily|weekly, weekday 0=Monday..6, time \"HH:MM\" in "
         "the "
         "company's time zone, keep 1..365, folder), the automatic backups run by the scheduler; answers the "
         "next run and the automatic backups kept; audited.",
         {{"enabled", ArgType::Boolean},
          {"frequency", ArgType::String, false, "\"daily\"|\"weekly\""},
          {"weekday", ArgType::Integer},
          {"time", ArgType::String, false, "\"HH:MM\""},
          {"keep", ArgType::Integer},
          {"folder", ArgType::String}},
         backups,
         true,
         {{"enabled", false}, {"time", "02:00"}, {"keep", 7}},
         BackupScheduleCmd});
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
          {"encoding", ArgType::String, false, "\"utf-8\"|\"gb18030\"|\"gbk\""},
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
        {"transforms", ArgType::Object, false,
         "{Field: {trim?, values?, date_format?, decimal?, lookup_by?}}"},
        {"saved_mapping", ArgType::String},
        {"errors_path", ArgType::String},
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
    const Reads mappings = SetupData("the saved import mappings", {SP::ImportData});
    r.push_back(
        {"import.mappings.list",
         "The saved import mappings of an object (or of every object): column mapping, transforms, mode, "
         "external id, encoding.",
         {object},
         mappings,
         false,
         {{"object", "Account"}},
         ImportMappingsListCmd});
    r.push_back(
        {"import.mappings.save",
         "Creates or replaces (by object and name) a saved import mapping; its fields and transforms are "
         "checked; audited.",
         {{"object", ArgType::String, true},
          {"name", ArgType::String, true},
          {"settings", ArgType::Object, true, "{mapping?, transforms?, mode?, external_id?, encoding?}"}},
         mappings,
         true,
         {{"object", "Account"},
          {"name", "Trade show list"},
          {"settings", {{"mapping", {{"Company", "Name"}}}, {"transforms", {{"Name", {{"trim", true}}}}}}}},
         ImportMappingsSaveCmd});
    r.push_back({"import.mappings.delete",
                 "Deletes a saved import mapping (deleted: false when there is none by that name); audited.",
                 {{"object", ArgType::String, true}, {"name", ArgType::String, true}},
                 mappings,
                 true,
                 {{"object", "Account"}, {"name", "Trade show list"}},
                 ImportMappingsDeleteCmd});
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
    const Reads rules = SetupData("the duplicate rules", {SP::CustomizeSchema});
    r.push_back({"dedup.rules.list",
                 "The duplicate rules of an object (or of every object): conditions, logic, action.",
                 {object},
                 rules,
                 false,
                 {{"object", "Account"}},
                 DedupRulesListCmd});
    r.push_back(
        {"dedup.rules.save",
         "Creates or replaces (by object and name) a duplicate rule: conditions {field, method: "
         "exact|normalized|"
         "email|phone|fuzzy|company, threshold?, algorithm?: jaro_winkler|levenshtein, country_code?}, logic "
         "and|or, action block|alert|scan_only; audited.",
         {{"rule", ArgType::Object, true, "{object, name, active?, action?, logic?, conditions: [...]}"}},
         rules,
         true,
         {{"rule",
           {{"object", "Account"},
            {"name", "Same_company"},
            {"action", "alert"},
            {"conditions", {{{"field", "Name"}, {"method", "company"}}}}}}},
         DedupRulesSaveCmd});
    r.push_back({"dedup.rules.delete",
                 "Deletes a duplicate rule (deleted: false when there is none by that name); audited.",
                 {{"object", ArgType::String, true}, {"name", ArgType::String, true}},
                 rules,
                 true,
                 {{"object", "Account"}, {"name", "Same_company"}},
                 DedupRulesDeleteCmd});
    r.push_back(
        {"dedup.check",
         "The records the acting user may see that the object's active duplicate rules match with the "
         "given values (over the stored record id, if named), and whether a rule would block the save.",
         {{"object", ArgType::String, true},
          {"values", ArgType::Object, false, "{Field: value}"},
          {"id", ArgType::Id}},
         ObjectRecords(),
         false,
         {{"object", "Account"}, {"values", {{"Name", "Welcome Co."}}}},
         DedupCheckCmd});
    r.push_back(
        {"dedup.scan",
         "Finds groups of duplicate records among those the acting user may see, by the object's active "
         "rules (or the one named), comparing only records that share a blocking key.",
         {{"object", ArgType::String, true},
          {"rule", ArgType::String},
          {"max_records", ArgType::Integer},
          {"max_groups", ArgType::Integer}},
         ObjectRecords(),
         false,
         {{"object", "Account"}},
         DedupScanCmd});
    r.push_back(
        {"dedup.merge",
         "Merges 1 or 2 records into a master: values picks per field the record whose value wins, lookups "
         "move to the master, the others go to the recycle bin (restoring one undoes the merge); all or "
         "none.",
         {{"object", ArgType::String, true},
          {"master", ArgType::Id, true},
          {"others", ArgType::Array, true, "[id, ...]"},
          {"values", ArgType::Object, false, "{Field: record id}"}},
         ObjectRecords(),
         true,
         {{"object", "Account"}, {"master", 3}, {"others", {4}}, {"values", {{"Name", 4}}}},
         DedupMergeCmd});
    r.push_back(
        {"dedup.merges",
         "The merges of an object whose master the acting user may see, newest first, with the recycle "
         "bin entries that undo each.",
         {{"object", ArgType::String, true}, {"limit", ArgType::Integer}},
         ObjectRecords(),
         false,
         {{"object", "Account"}},
         DedupMergesCmd});
}

}  // namespace crm::api
