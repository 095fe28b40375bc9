// Backup and restore: SHA-256 against the FIPS 180-4 examples; a backup restored gives the same data in
// every table; a truncated, tampered, newer or foreign file is refused and nothing changes; an older
// backup is migrated; the permission and the audit trail.
#include <doctest/doctest.h>

#include "api/command_api.h"
#include "common/sha256.h"
#include "data/backup.h"
#include "data/recycle_bin.h"
#include "test_util.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1795712400000;  // 2026-11-26T17:00:00Z

/// Every table's rows (audit trail apart), as text, for comparing two states of a database.
std::map<std::string, std::vector<std::string>> DumpTables(Database& db) {
    std::map<std::string, std::vector<std::string>> out;
    std::vector<std::string> tables;
    Statement names = db.Prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('audit_log', "
        "'sqlite_sequence') "
        "ORDER BY name");
    while (names.Step()) tables.push_back(names.Text(0));
    for (const std::string& t : tables) {
        Statement rows = db.Prepare("SELECT * FROM \"" + t + "\"");
        std::vector<std::string>& dump = out[t];
        while (rows.Step()) {
            std::string row;
            for (int c = 0; c < rows.ColumnCount(); ++c)
                row += (rows.IsNull(c) ? "<null>" : rows.Text(c)) + "|";
            dump.push_back(row);
        }
        std::sort(dump.begin(), dump.end());  // some tables have no rowid
    }
    return out;
}

struct FileWorkspace {
    FixedClock clock{kNow};
    std::string path;
    std::unique_ptr<Workspace> ws;
    explicit FileWorkspace(const std::string& name) : path(test::TempPath(name)) { Reopen(); }
    void Reopen() {
        ws.reset();
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(path, o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
    }
    void Rename(const std::string& name) {
        CompanyProfile p = *ws->company().Get();
        p.name = name;
        REQUIRE(ws->company().Update("admin", p).ok());
    }
    BackupService& backups() { return ws->data().backups(); }
};

std::string Replace(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

}  // namespace

TEST_SUITE("data.backup") {
    TEST_CASE("SHA-256 gives the FIPS 180-4 digests, fed whole or in pieces") {
        struct Case {
            std::string input;
            const char* digest;
        };
        const Case cases[] = {
            {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
            {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
            {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
            {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqr"
             "smnopq"
             "rstnopqrstu",
             "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
            {std::string(1000000, 'a'), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
        };
        for (const Case& c : cases) {
            CAPTURE(c.input.substr(0, 20));
            CHECK(Sha256Hex(c.input) == c.digest);
            Sha256 pieces;
            for (size_t i = 0; i < c.input.size(); i += 7)
                pieces.Update(std::string_view(c.input).substr(i, 7));
            CHECK(pieces.Hex() == c.digest);
        }
    }

    TEST_CASE("a backup restored gives back the same data in every table, and the old data is kept") {
        FileWorkspace w("backup_same.db");
        w.Rename("Before Co");
        for (const char* name : {"Acme", "Globex", "Initech"})
            REQUIRE(w.ws->records().Create("admin", "Account", {{"Name", name}}).ok());
        const std::string file = test::TempPath("same.crmbackup");
        Result<BackupManifest> m = w.backups().Create("admin", file);
        REQUIRE(m.ok());
        CHECK(m->record_counts["Account"] == 3);
        CHECK(m->schema_version == Workspace::Migrations().back().version);
        CHECK(m->sha256.size() == 64);
        const auto saved = DumpTables(w.ws->db());
        // The backup is audited.
        AuditQuery q;
        q.area = "data";
        Result<AuditPage> trail = w.ws->audit().List(q);
        REQUIRE(trail.ok());
        REQUIRE(trail->entries.size() == 1);
        CHECK(trail->entries[0].action == "backup");

        w.Rename("After Co");
        REQUIRE(w.ws->records().Delete("admin", "Account", 1).ok());
        REQUIRE(w.ws->records().Create("admin", "Account", {{"Name", "Hooli"}}).ok());
        CHECK(DumpTables(w.ws->db()) != saved);

        Result<BackupCheck> check = w.backups().Inspect("admin", file);
        REQUIRE(check.ok());
        CHECK_FALSE(check->needs_migration);
        Result<RestoreReport> r = w.backups().Restore("admin", file, "");
        REQUIRE(r.ok());
        CHECK(r->counts_before.at("Account") == 3);  // 2 left + Hooli
        CHECK(r->counts_after.at("Account") == 3);
        CHECK(r->reopen_required);
        CHECK(test::FileExists(r->kept_backup));
        CHECK(DumpTables(w.ws->db()) == saved);
        w.Reopen();
        CHECK(w.ws->company().Get()->name == "Before Co");
        CHECK(DumpTables(w.ws->db()) == saved);
        // The restored trail: the backup's entries and the restore's.
        trail = w.ws->audit().List(q);
        REQUIRE(trail.ok());
        REQUIRE(trail->entries.size() == 1);
        CHECK(trail->entries[0].action == "restore");
        // The kept backup brings the replaced data back.
        REQUIRE(w.backups().Restore("admin", r->kept_backup, "").ok());
        w.Reopen();
        CHECK(w.ws->company().Get()->name == "After Co");
    }

    TEST_CASE("a truncated, tampered, newer or foreign backup is refused and nothing changes") {
        FileWorkspace w("backup_bad.db");
        w.Rename("Kept Co");
        REQUIRE(w.ws->records().Create("admin", "Account", {{"Name", "Acme"}}).ok());
        const std::string file = test::TempPath("good.crmbackup");
        REQUIRE(w.backups().Create("admin", file).ok());
        w.Rename("Current Co");
        const auto current = DumpTables(w.ws->db());
        const std::string good = test::ReadFileBytes(file);
        const size_t data_at = good.find('\n', good.find('\n') + 1) + 1;
        std::string tampered = good;
        tampered[data_at + 5000] ^= 0x01;
        const std::string version =
            "\"schema_version\":" + std::to_string(Workspace::Migrations().back().version);
        struct Bad {
            const char* what;
            std::string bytes;
            const char* code;
        };
        const Bad cases[] = {
            {"truncated", good.substr(0, good.size() - 100), "data.backup_truncated"},
            {"cut in its manifest", good.substr(0, 40), "data.backup_bad_manifest"},
            {"tampered", tampered, "data.backup_checksum"},
            {"newer", Replace(good, version, "\"schema_version\":99"), "data.backup_newer"},
            {"not a backup", test::RandomBytes(4096), "data.backup_not_a_backup"},
            {"bad manifest", Replace(good, "\"format\":1", "\"format\":\"x\""), "data.backup_bad_manifest"},
        };
        for (const Bad& c : cases) {
            CAPTURE(c.what);
            const std::string bad = test::TempPath("bad.crmbackup");
            test::WriteFileBytes(bad, c.bytes);
            Result<BackupCheck> inspected = w.backups().Inspect("admin", bad);
            REQUIRE_FALSE(inspected.ok());
            CHECK(inspected.error().code == c.code);
            Result<RestoreReport> r = w.backups().Restore("admin", bad, "");
            REQUIRE_FALSE(r.ok());
            CHECK(r.error().code == c.code);
            CHECK(r.error().message.find("bad.crmbackup") != std::string::npos);
            CHECK(DumpTables(w.ws->db()) == current);
        }
        Result<RestoreReport> newer =
            w.backups().Restore("admin",
                                (test::WriteFileBytes(test::TempPath("newer.crmbackup"),
                                                      Replace(good, version, "\"schema_version\":99")),
                                 "crm_test_tmp/newer.crmbackup"),
                                "");
        REQUIRE_FALSE(newer.ok());
        CHECK(newer.error().message.find("99") != std::string::npos);
        CHECK(newer.error().message.find(std::to_string(Workspace::Migrations().back().version)) !=
              std::string::npos);
        w.Reopen();
        CHECK(w.ws->company().Get()->name == "Current Co");
    }

    TEST_CASE("an older backup is migrated on restore") {
        // A workspace database of schema version 9, packed as a backup by hand.
        const std::string old_db = test::TempPath("old9.db");
        {
            Result<std::unique_ptr<Database>> db = Database::Open(old_db);
            REQUIRE(db.ok());
            std::vector<Migration> upto9;
            for (const Migration& m : Workspace::Migrations())
                if (m.version <= 9) upto9.push_back(m);
            REQUIRE(ApplyMigrations(**db, upto9).ok());
            REQUIRE(
                (*db)
                    ->Exec(
                        "INSERT INTO rec_account(id, name, created_at, updated_at, created_by, updated_by) "
                        "VALUES (7, 'Old Co', 0, 0, 'admin', 'admin')")
                    .ok());
        }
        const std::string bytes = test::ReadFileBytes(old_db);
        BackupManifest m;
        m.app_version = "0.9";
        m.schema_version = 9;
        m.created_ms = kNow;
        m.content_bytes = bytes.size();
        m.sha256 = Sha256Hex(bytes);
        const std::string file = test::TempPath("old9.crmbackup");
        test::WriteFileBytes(file, std::string(kBackupMagic) + "\n" + ToJson(m).dump() + "\n" + bytes);

        FileWorkspace w("backup_migrate.db");
        Result<BackupCheck> check = w.backups().Inspect("admin", file);
        REQUIRE(check.ok());
        CHECK(check->needs_migration);
        Result<RestoreReport> r = w.backups().Restore("admin", file, "");
        REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
        CHECK(r->migrated_from == 9);
        CHECK(r->migrated_to == Workspace::Migrations().back().version);
        w.Reopen();
        CHECK((*w.ws->records().Get("admin", "Account", 7))["Name"] == "Old Co");
        CHECK(w.ws->data().recycle().PurgeDays() == 30);  // migration 12 ran
    }

    TEST_CASE("backup and restore need the Backup and Restore permission") {
        FileWorkspace w("backup_denied.db");
        User u;
        u.username = "clerk";
        u.full_name = "Clerk";
        u.email = "clerk@example.com";
        u.profile = "Clerk";
        REQUIRE(w.ws->access().CreatePermissionSet("admin", PermissionSetKind::Profile, "Clerk", "").ok());
        REQUIRE(w.ws->access().CreateUser("admin", u).ok());
        const std::string file = test::TempPath("denied.crmbackup");
        CHECK(w.backups().Create("clerk", file).error().code == "access.denied");
        CHECK_FALSE(test::FileExists(file));
        REQUIRE(w.backups().Create("admin", file).ok());
        CHECK(w.backups().Inspect("clerk", file).error().code == "access.denied");
        CHECK(w.backups().Restore("clerk", file, "").error().code == "access.denied");
        CommandApi api(*w.ws);
        json r = api.Execute(json{{"cmd", "backup.inspect"}, {"args", {{"path", file}}}});
        REQUIRE(r["ok"] == true);
        CHECK(r["result"]["manifest"]["sha256"].get<std::string>().size() == 64);
    }
}
