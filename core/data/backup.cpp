// Backup and restore (backup.h states the file format and the rules).
#include "data/backup.h"

#include <sqlite3.h>

#include <cstdio>
#include <memory>

#include "audit/audit_log.h"
#include "audit/change.h"
#include "common/clock.h"
#include "common/messages.h"
#include "common/sha256.h"
#include "schema/schema.h"
#include "storage/database.h"

namespace crm {

namespace {

const MessageDef kMessages[] = {
    {"data.backup_open", "Cannot read the backup {file}: {reason}.", "无法读取备份 {file}：{reason}。"},
    {"data.backup_write", "Cannot write the backup {file}: {reason}. Nothing was written under that name.",
     "无法写入备份 {file}：{reason}。未以该名称写入任何内容。"},
    {"data.backup_not_a_backup",
     "{file} is not a backup of this application (its first line is not \"{magic}\").",
     "{file} 不是本应用的备份（第一行不是 \"{magic}\"）。"},
    {"data.backup_bad_manifest", "The manifest of the backup {file} is damaged: {reason}.",
     "备份 {file} 的清单已损坏：{reason}。"},
    {"data.backup_truncated",
     "The backup {file} is incomplete: {actual} bytes of data where its manifest says {expected}. Nothing "
     "was "
     "changed.",
     "备份 {file} 不完整：清单记载 {expected} 字节数据，实际只有 {actual} 字节。未做任何更改。"},
    {"data.backup_checksum",
     "The backup {file} has been changed or damaged: its SHA-256 does not match its manifest. Nothing was "
     "changed.",
     "备份 {file} 已被修改或损坏：其 SHA-256 与清单不符。未做任何更改。"},
    {"data.backup_newer",
     "The backup {file} was made by a newer version (schema version {backup}); this version reads up to "
     "{current}. Update the application first. Nothing was changed.",
     "备份 {file} 由更新的版本制作（架构版本 {backup}）；本版本最高只能读取 "
     "{current}。请先升级应用。未做任何更改。"},
    {"data.backup_not_workspace",
     "The backup {file} does not hold a workspace database: {reason}. Nothing was changed.",
     "备份 {file} 不包含工作区数据库：{reason}。未做任何更改。"},
    {"data.restore_busy", "A restore cannot run while another change is open.",
     "有其他更改正在进行，无法还原。"},
    {"data.restore_switch", "Switching to the restored data failed: {reason}. The workspace is as it was.",
     "切换到还原的数据失败：{reason}。工作区保持原样。"},
};
CRM_REGISTER_MESSAGES(kMessages);

constexpr size_t kChunk = 64 * 1024;

/// Closes a FILE on every path.
struct File {
    std::FILE* f = nullptr;
    File(const std::string& path, const char* mode) : f(std::fopen(path.c_str(), mode)) {}
    ~File() {
        if (f) std::fclose(f);
    }
    /// Closes now, answering whether everything buffered reached the file.
    bool Close() {
        const bool ok = f && std::fclose(f) == 0;
        f = nullptr;
        return ok;
    }
};

std::string Folder(const std::string& path) {
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::string FileStamp(int64_t ms) {
    std::string s = FormatUtcIso8601(ms);
    for (char& c : s)
        if (c == ':') c = '-';
    return s;
}

/// Reads one line (without its '\n') of at most `max` bytes.
bool ReadLine(std::FILE* f, std::string& line, size_t max) {
    line.clear();
    int c;
    while ((c = std::fgetc(f)) != EOF) {
        if (c == '\n') return true;
        if (line.size() >= max) return false;
        line += static_cast<char>(c);
    }
    return false;
}

/// The manifest of an open backup, positioned at the start of its data.
Result<BackupManifest> ReadManifest(std::FILE* f, const std::string& path) {
    std::string line;
    if (!ReadLine(f, line, 64) || line != kBackupMagic)
        return MessageError("data.backup_not_a_backup", "data.backup_not_a_backup",
                            {{"file", path}, {"magic", kBackupMagic}}, "path");
    if (!ReadLine(f, line, 4 << 20))
        return MessageError("data.backup_bad_manifest", "data.backup_bad_manifest",
                            {{"file", path}, {"reason", "it ends before its manifest does"}}, "path");
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    Result<BackupManifest> m = BackupManifestFromJson(j);
    if (!m.ok())
        return MessageError("data.backup_bad_manifest", "data.backup_bad_manifest",
                            {{"file", path}, {"reason", m.error().message}}, "path");
    return m;
}

/// Reads the data after the manifest, checking size and checksum, copying it to `copy_to` unless empty.
Status ReadContent(std::FILE* f, const std::string& path, const BackupManifest& m,
                   const std::string& copy_to) {
    std::unique_ptr<File> out;
    if (!copy_to.empty()) {
        out = std::make_unique<File>(copy_to, "wb");
        if (!out->f)
            return MessageError("data.backup_write", "data.backup_write",
                                {{"file", copy_to}, {"reason", "it cannot be created"}}, "path");
    }
    Sha256 sha;
    uint64_t total = 0;
    std::vector<char> buf(kChunk);
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) {
        sha.Update(buf.data(), n);
        total += n;
        if (out && std::fwrite(buf.data(), 1, n, out->f) != n)
            return MessageError("data.backup_write", "data.backup_write",
                                {{"file", copy_to}, {"reason", "the disk is full or not writable"}}, "path");
    }
    if (std::ferror(f))
        return MessageError("data.backup_open", "data.backup_open",
                            {{"file", path}, {"reason", "a read failed"}}, "path");
    if (total != m.content_bytes)
        return MessageError("data.backup_truncated", "data.backup_truncated",
                            {{"file", path},
                             {"actual", std::to_string(total)},
                             {"expected", std::to_string(m.content_bytes)}},
                            "path");
    if (sha.Hex() != m.sha256)
        return MessageError("data.backup_checksum", "data.backup_checksum", {{"file", path}}, "path");
    if (out && !out->Close())
        return MessageError("data.backup_write", "data.backup_write",
                            {{"file", copy_to}, {"reason", "the disk is full or not writable"}}, "path");
    return Status::Ok();
}

Status Authorize(const Authorizer& authorize, const std::string& actor) {
    return authorize ? authorize(actor, SystemPermission::BackupAndRestore) : Status::Ok();
}

}  // namespace

// [SECTION] Manifest

nlohmann::json ToJson(const BackupManifest& m) {
    return {{"format", m.format},
            {"app_version", m.app_version},
            {"schema_version", m.schema_version},
            {"created_at", FormatUtcIso8601(m.created_ms)},
            {"created_by", m.created_by},
            {"record_counts", m.record_counts},
            {"content_bytes", m.content_bytes},
            {"sha256", m.sha256}};
}

Result<BackupManifest> BackupManifestFromJson(const nlohmann::json& j) {
    if (!j.is_object()) return MakeError("data.bad_manifest", "it is not a JSON object");
    BackupManifest m;
    auto need = [&](const char* key, bool (nlohmann::json::*is)() const noexcept) {
        return j.contains(key) && (j[key].*is)();
    };
    if (!need("format", &nlohmann::json::is_number_integer) || j["format"] != 1)
        return MakeError("data.bad_manifest", "its format is not 1");
    if (!need("schema_version", &nlohmann::json::is_number_integer) ||
        !need("content_bytes", &nlohmann::json::is_number_unsigned) ||
        !need("sha256", &nlohmann::json::is_string) || !need("app_version", &nlohmann::json::is_string) ||
        !need("created_at", &nlohmann::json::is_string) || !need("record_counts", &nlohmann::json::is_object))
        return MakeError("data.bad_manifest", "a required entry is missing or of the wrong type");
    m.schema_version = j["schema_version"];
    m.content_bytes = j["content_bytes"];
    m.sha256 = j["sha256"];
    m.app_version = j["app_version"];
    m.created_by = j.value("created_by", "");
    m.created_ms = ParseUtcIso8601(j["created_at"].get<std::string>()).value_or(0);
    for (auto it = j["record_counts"].begin(); it != j["record_counts"].end(); ++it)
        if (it->is_number_integer()) m.record_counts[it.key()] = it->get<int64_t>();
    return m;
}

// [SECTION] BackupService

BackupService::BackupService(Changes& changes, const std::vector<Migration>& migrations,
                             std::string app_version)
    : changes_(changes), migrations_(migrations), app_version_(std::move(app_version)) {}

std::map<std::string, int64_t> BackupService::RecordCounts(Database& db) {
    std::map<std::string, int64_t> counts;
    Result<Statement> objects =
        db.TryPrepare("SELECT api_name, table_name FROM schema_objects WHERE deleted = 0");
    if (!objects.ok()) return counts;
    while (objects->Step()) {
        Result<Statement> count = db.TryPrepare("SELECT COUNT(*) FROM " + QuoteIdent(objects->Text(1)));
        if (count.ok() && count->Step()) counts[objects->Text(0)] = count->Int(0);
    }
    return counts;
}

Result<BackupManifest> BackupService::Write(const std::string& actor, const std::string& path) {
    const std::string snapshot = path + ".part-db";
    const std::string part = path + ".part";
    std::remove(snapshot.c_str());
    struct Cleanup {
        std::string a, b;
        ~Cleanup() {
            std::remove(a.c_str());
            std::remove(b.c_str());
        }
    } cleanup{snapshot, part};
    CRM_TRY(changes_.db().BackupTo(snapshot));
    BackupManifest m;
    m.app_version = app_version_;
    m.created_ms = changes_.clock().NowMs();
    m.created_by = actor;
    {
        Result<std::unique_ptr<Database>> copy = Database::Open(snapshot);
        if (!copy.ok()) return copy.error();
        m.schema_version = (*copy)->UserVersion();
        m.record_counts = RecordCounts(**copy);
    }
    std::vector<char> buf(kChunk);
    {
        File in(snapshot, "rb");
        if (!in.f)
            return MessageError("data.backup_open", "data.backup_open",
                                {{"file", snapshot}, {"reason", "the snapshot cannot be read"}}, "path");
        Sha256 sha;
        size_t n;
        while ((n = std::fread(buf.data(), 1, buf.size(), in.f)) > 0) {
            sha.Update(buf.data(), n);
            m.content_bytes += n;
        }
        m.sha256 = sha.Hex();
    }
    auto write_failed = [&](const char* reason) {
        return MessageError("data.backup_write", "data.backup_write", {{"file", path}, {"reason", reason}},
                            "path");
    };
    {
        File out(part, "wb");
        File in(snapshot, "rb");
        if (!out.f) return write_failed("it cannot be created");
        if (!in.f) return write_failed("the snapshot cannot be read");
        const std::string head = std::string(kBackupMagic) + "\n" + ToJson(m).dump() + "\n";
        if (std::fwrite(head.data(), 1, head.size(), out.f) != head.size())
            return write_failed("the disk is full or not writable");
        size_t n;
        while ((n = std::fread(buf.data(), 1, buf.size(), in.f)) > 0)
            if (std::fwrite(buf.data(), 1, n, out.f) != n)
                return write_failed("the disk is full or not writable");
        if (!out.Close()) return write_failed("the disk is full or not writable");
    }
    if (std::rename(part.c_str(), path.c_str()) != 0) return write_failed("it cannot be moved into place");
    return m;
}

Result<BackupManifest> BackupService::Create(const std::string& actor, const std::string& path) {
    CRM_TRY(Authorize(authorize_, actor));
    Result<BackupManifest> m = Write(actor, path);
    if (!m.ok()) return m;
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    CRM_TRY(change.Audit("data", "backup", path, nullptr, ToJson(*m)));
    change.Record("data", "", ChangeAction::Config, 0, {"backup"});
    CRM_TRY(change.Commit());
    return m;
}

Result<BackupCheck> BackupService::Inspect(const std::string& actor, const std::string& path) {
    CRM_TRY(Authorize(authorize_, actor));
    File in(path, "rb");
    if (!in.f)
        return MessageError("data.backup_open", "data.backup_open",
                            {{"file", path}, {"reason", "it cannot be opened"}}, "path");
    Result<BackupManifest> m = ReadManifest(in.f, path);
    if (!m.ok()) return m.error();
    BackupCheck check;
    check.manifest = *m;
    check.current_schema_version = migrations_.back().version;
    if (m->schema_version > check.current_schema_version)
        return MessageError("data.backup_newer", "data.backup_newer",
                            {{"file", path},
                             {"backup", std::to_string(m->schema_version)},
                             {"current", std::to_string(check.current_schema_version)}},
                            "path");
    check.needs_migration = m->schema_version < check.current_schema_version;
    CRM_TRY(ReadContent(in.f, path, *m, ""));
    return check;
}

Result<RestoreReport> BackupService::Restore(const std::string& actor, const std::string& path,
                                             const std::string& keep_dir) {
    CRM_TRY(Authorize(authorize_, actor));
    if (changes_.open_scope()) return MessageError("data.restore_busy", "data.restore_busy", {});
    Database& live = changes_.db();
    const bool in_memory = live.path().empty() || live.path() == ":memory:";
    const std::string workdir = in_memory ? Folder(path) : Folder(live.path());
    const int64_t now = changes_.clock().NowMs();
    const std::string temp = workdir + "/.crm-restore-" + FileStamp(now) + ".db";
    struct Cleanup {
        std::string path;
        ~Cleanup() {
            std::remove(path.c_str());
            std::remove((path + "-journal").c_str());
        }
    } cleanup{temp};
    std::remove(temp.c_str());

    // 1. The file: header, manifest, version, size and checksum, copied out as a database.
    RestoreReport report;
    {
        File in(path, "rb");
        if (!in.f)
            return MessageError("data.backup_open", "data.backup_open",
                                {{"file", path}, {"reason", "it cannot be opened"}}, "path");
        Result<BackupManifest> m = ReadManifest(in.f, path);
        if (!m.ok()) return m.error();
        report.manifest = *m;
        report.migrated_to = migrations_.back().version;
        if (m->schema_version > report.migrated_to)
            return MessageError("data.backup_newer", "data.backup_newer",
                                {{"file", path},
                                 {"backup", std::to_string(m->schema_version)},
                                 {"current", std::to_string(report.migrated_to)}},
                                "path");
        CRM_TRY(ReadContent(in.f, path, *m, temp));
    }
    // 2. The database in it: a workspace, whole, migrated to this version, with the restore in its trail.
    {
        auto not_workspace = [&](const std::string& reason) {
            return MessageError("data.backup_not_workspace", "data.backup_not_workspace",
                                {{"file", path}, {"reason", reason}}, "path");
        };
        Result<std::unique_ptr<Database>> opened = Database::Open(temp);
        if (!opened.ok()) return not_workspace(opened.error().message);
        Database& db = **opened;
        if (db.ApplicationId() != kWorkspaceApplicationId)
            return not_workspace("it is another program's file");
        {
            // Its statement ends with this block: one still pending would lock a migration's DROP.
            Result<Statement> check = db.TryPrepare("PRAGMA quick_check");
            if (!check.ok() || !check->Step() || check->Text(0) != "ok")
                return not_workspace("it fails SQLite's check");
        }
        report.migrated_from = db.UserVersion();
        if (report.migrated_from > report.migrated_to)
            return MessageError("data.backup_newer", "data.backup_newer",
                                {{"file", path},
                                 {"backup", std::to_string(report.migrated_from)},
                                 {"current", std::to_string(report.migrated_to)}},
                                "path");
        if (Status s = ApplyMigrations(db, migrations_); !s.ok()) return not_workspace(s.error().message);
        report.counts_before = RecordCounts(live);
        report.counts_after = RecordCounts(db);
        AuditLog audit(db);
        Changes changes(db, audit, changes_.clock(), [](const ChangeSet&) {});
        ChangeScope change(changes, actor);
        if (!change.begin_status().ok()) return change.begin_status().error();
        CRM_TRY(change.Audit("data", "restore", path, nlohmann::json(report.counts_before),
                              ToJson(report.manifest)));
        CRM_TRY(change.Commit());
    }
    // 3. The current data kept as an automatic backup.
    report.kept_backup =
        (keep_dir.empty() ? workdir : keep_dir) + "/crm-before-restore-" + FileStamp(now) + ".crmbackup";
    Result<BackupManifest> kept = Write(actor, report.kept_backup);
    if (!kept.ok()) return kept.error();
    // 4. The switch: every page of the restored database into the open connection, in one step (one
    // transaction of the destination: committed whole, or rolled back by backup_finish).
    sqlite3* source = nullptr;
    if (sqlite3_open_v2(temp.c_str(), &source, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(source);
        return MessageError("data.restore_switch", "data.restore_switch",
                            {{"reason", "the copy cannot be opened"}});
    }
    // A statement the services keep prepared and left unfinished holds a read transaction, and the backup
    // API refuses a destination in use: no service is stepping one now (no change is open), so reset them.
    live.ResetUnfinishedStatements();
    sqlite3_backup* backup = sqlite3_backup_init(live.handle(), "main", source, "main");
    if (!backup) {
        std::string reason = sqlite3_errmsg(live.handle());
        sqlite3_close(source);
        return MessageError("data.restore_switch", "data.restore_switch", {{"reason", reason}});
    }
    const int rc = sqlite3_backup_step(backup, -1);
    sqlite3_backup_finish(backup);
    sqlite3_close(source);
    if (rc != SQLITE_DONE)
        return MessageError("data.restore_switch", "data.restore_switch", {{"reason", sqlite3_errstr(rc)}});
    return report;
}

}  // namespace crm
