// RAII over SQLite: statements, transactions, backups.
#include <doctest/doctest.h>

#include "common/error_text.h"
#include "storage/database.h"
#include "test_util.h"

using namespace crm;

namespace {

std::unique_ptr<Database> OpenMemory() {
    auto db = Database::Open(":memory:");
    REQUIRE(db.ok());
    return std::move(db.value());
}

int64_t CountRows(Database& db, const char* table) {
    Statement stmt = db.Prepare(std::string("SELECT count(*) FROM ") + table);
    REQUIRE(stmt.Step());
    return stmt.Int(0);
}

}  // namespace

TEST_SUITE("storage") {
    TEST_CASE("typed binds round-trip through a table") {
        auto db = OpenMemory();
        REQUIRE(db->Exec("CREATE TABLE t(i INTEGER, r REAL, s TEXT, n TEXT, oi INTEGER, os TEXT)").ok());
        Statement insert = db->Prepare("INSERT INTO t VALUES(?, ?, ?, ?, ?, ?)");
        insert.Bind(1, int64_t{1} << 40)
            .Bind(2, 2.5)
            .Bind(3, std::string("北风 trading"))
            .Bind(4, nullptr)
            .Bind(5, std::optional<int64_t>())
            .Bind(6, std::optional<std::string>("x"));
        REQUIRE(insert.Run().ok());
        CHECK(db->Changes() == 1);
        CHECK(db->LastInsertRowId() == 1);

        Statement select = db->Prepare("SELECT i, r, s, n, oi, os FROM t");
        REQUIRE(select.Step());
        CHECK(select.ColumnCount() == 6);
        CHECK(select.Int(0) == (int64_t{1} << 40));
        CHECK(select.Real(1) == 2.5);
        CHECK(select.Text(2) == "北风 trading");
        CHECK(select.IsNull(3));
        CHECK_FALSE(select.OptInt(4).has_value());
        CHECK(select.OptText(5) == std::optional<std::string>("x"));
        CHECK_FALSE(select.Step());
        CHECK(select.status().ok());
    }

    TEST_CASE("a reset statement runs again with new binds") {
        auto db = OpenMemory();
        REQUIRE(db->Exec("CREATE TABLE t(v INTEGER)").ok());
        Statement insert = db->Prepare("INSERT INTO t VALUES(?)");
        for (int v = 0; v < 3; ++v) {
            insert.Reset();
            REQUIRE(insert.Bind(1, v).Run().ok());
        }
        CHECK(CountRows(*db, "t") == 3);
    }

    TEST_CASE("a moved statement keeps its result and the source is empty") {
        auto db = OpenMemory();
        Statement a = db->Prepare("SELECT 42");
        Statement b = std::move(a);
        REQUIRE(b.Step());
        CHECK(b.Int(0) == 42);
        CHECK_FALSE(a.Step());  // NOLINT: a moved-from statement reports an error instead of crashing
        CHECK_FALSE(a.status().ok());
    }

    TEST_CASE("a constraint violation is reported as an error value") {
        auto db = OpenMemory();
        REQUIRE(db->Exec("CREATE TABLE t(v INTEGER NOT NULL UNIQUE)").ok());
        REQUIRE(db->Exec("INSERT INTO t VALUES(1)").ok());
        Status s = db->Prepare("INSERT INTO t VALUES(1)").Run();
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().code == "storage.constraint");
        CHECK_FALSE(db->Exec("INSERT INTO missing VALUES(1)").ok());
    }

    TEST_CASE("SQL that does not prepare is an error from TryPrepare") {
        auto db = OpenMemory();
        auto stmt = db->TryPrepare("SELEC nonsense");
        REQUIRE_FALSE(stmt.ok());
        CHECK(stmt.error().code == "storage.sql_error");
    }

    TEST_CASE("a transaction that is not committed rolls back when it goes out of scope") {
        auto db = OpenMemory();
        REQUIRE(db->Exec("CREATE TABLE t(v INTEGER)").ok());
        {
            Transaction tx(*db);
            REQUIRE(tx.begin_status().ok());
            REQUIRE(db->Exec("INSERT INTO t VALUES(1)").ok());
        }
        CHECK(CountRows(*db, "t") == 0);
        {
            Transaction tx(*db);
            REQUIRE(db->Exec("INSERT INTO t VALUES(2)").ok());
            REQUIRE(tx.Commit().ok());
            CHECK_FALSE(tx.Commit().ok());  // a second commit is refused, not repeated
        }
        CHECK(CountRows(*db, "t") == 1);
    }

    TEST_CASE("a nested transaction cannot begin and cannot commit") {
        auto db = OpenMemory();
        Transaction outer(*db);
        REQUIRE(outer.begin_status().ok());
        Transaction inner(*db);
        CHECK_FALSE(inner.begin_status().ok());
        CHECK_FALSE(inner.Commit().ok());
        CHECK(outer.Commit().ok());
    }

    TEST_CASE("user_version and application_id are read and written") {
        auto db = OpenMemory();
        CHECK(db->UserVersion() == 0);
        CHECK(db->ApplicationId() == 0);
        REQUIRE(db->SetUserVersion(7).ok());
        REQUIRE(db->SetApplicationId(0x1234).ok());
        CHECK(db->UserVersion() == 7);
        CHECK(db->ApplicationId() == 0x1234);
    }

    TEST_CASE("a file keeps a rollback journal; web durability turns fsync off") {
        struct Case {
            bool web;
            int64_t synchronous;  // 0 = OFF, 2 = FULL
        };
        for (const Case& c : {Case{false, 2}, Case{true, 0}}) {
            CAPTURE(c.web);
            auto db = Database::Open(test::TempPath("storage_pragmas.db"), c.web);
            REQUIRE(db.ok());
            Statement journal = (*db)->Prepare("PRAGMA journal_mode");
            REQUIRE(journal.Step());
            CHECK(journal.Text(0) == "delete");
            Statement sync = (*db)->Prepare("PRAGMA synchronous");
            REQUIRE(sync.Step());
            CHECK(sync.Int(0) == c.synchronous);
            Statement keys = (*db)->Prepare("PRAGMA foreign_keys");
            REQUIRE(keys.Step());
            CHECK(keys.Int(0) == 1);
        }
    }

    TEST_CASE("a pragma scope sets a pragma for its scope and puts back the value it found") {
        auto db = OpenMemory();
        auto read = [&](const char* pragma) {
            Statement st = db->Prepare(std::string("PRAGMA ") + pragma);
            REQUIRE(st.Step());
            return st.Int(0);
        };
        REQUIRE(db->Exec("PRAGMA cache_size = -1234").ok());
        {
            PragmaScope cache(*db, "cache_size", -4096);
            CHECK(read("cache_size") == -4096);
            {
                PragmaScope inner(*db, "cache_size", -2048);  // scopes nest: each puts back what it found
                CHECK(read("cache_size") == -2048);
            }
            CHECK(read("cache_size") == -4096);
        }
        CHECK(read("cache_size") == -1234);
        const int64_t threads = read("threads");
        {
            PragmaScope workers(*db, "threads", 2);
#ifndef __EMSCRIPTEN__
            CHECK(read("threads") == 2);  // the browser's SQLite has no threads: the pragma stays 0 there
#endif
        }
        CHECK(read("threads") == threads);
    }

    TEST_CASE("a busy or locked workspace is storage.busy: nothing changed, try again, in both languages") {
        auto db = OpenMemory();
        REQUIRE(db->Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)").ok());
        // A table being read cannot be dropped by the same connection (SQLITE_LOCKED): the same
        // refusal as another tab's writer lease (web) or another program's lock (SQLITE_BUSY).
        Statement reading = db->Prepare("SELECT x FROM t");
        REQUIRE(reading.Step());
        Status dropped = db->Exec("DROP TABLE t");
        REQUIRE_FALSE(dropped.ok());
        CHECK(dropped.error().code == "storage.busy");
        CHECK(dropped.error().message.find("nothing was changed") != std::string::npos);
        CHECK(ErrorMessageIn(dropped.error(), "zh-CN").find("未做任何更改") != std::string::npos);
        reading.Reset();
        CHECK(db->Exec("SELECT count(*) FROM t").ok());
    }

    TEST_CASE("a backup is a complete copy that opens on its own") {
        const std::string source = test::TempPath("storage_backup_source.db");
        const std::string copy = test::TempPath("storage_backup_copy.db");
        {
            auto db = Database::Open(source);
            REQUIRE(db.ok());
            REQUIRE((*db)->Exec("CREATE TABLE t(v TEXT); INSERT INTO t VALUES('a'), ('b');").ok());
            REQUIRE((*db)->BackupTo(copy).ok());
            REQUIRE((*db)->Exec("INSERT INTO t VALUES('c')").ok());  // after the snapshot
        }
        auto restored = Database::Open(copy);
        REQUIRE(restored.ok());
        CHECK(CountRows(**restored, "t") == 2);
    }

    TEST_CASE("a backup into a folder that does not exist is an error") {
        auto db = OpenMemory();
        Status s = db->BackupTo("crm_test_tmp/no/such/folder/x.db");
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().code == "storage.backup_failed");
    }

    TEST_CASE("opening in a folder that does not exist is an error naming the file") {
        auto db = Database::Open("crm_test_tmp/no/such/folder/x.db");
        REQUIRE_FALSE(db.ok());
        CHECK(db.error().code == "storage.open_failed");
        CHECK(db.error().message.find("crm_test_tmp/no/such/folder/x.db") != std::string::npos);
    }
}
