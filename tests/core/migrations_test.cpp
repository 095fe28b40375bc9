// Opening workspaces: fresh, reopened, and every kind of file that must be refused untouched.
#include "storage/migrations.h"

#include <doctest/doctest.h>

#include "audit/change.h"
#include "test_util.h"
#include "workspace.h"

using namespace crm;

namespace {

const FixedClock kClock(1795712400000);  // 2026-11-26T17:00:00Z

WorkspaceOptions Options() {
    WorkspaceOptions o;
    o.clock = &kClock;
    return o;
}

// Writes a raw SQLite file with the given header stamps and an optional table.
void MakeRawDatabase(const std::string& path, int user_version, int application_id, bool with_table) {
    auto db = Database::Open(path);
    REQUIRE(db.ok());
    if (with_table) REQUIRE((*db)->Exec("CREATE TABLE other_app(x)").ok());
    REQUIRE((*db)->SetUserVersion(user_version).ok());
    REQUIRE((*db)->SetApplicationId(application_id).ok());
}

bool HasTable(Database& db, const char* name) {
    Statement stmt = db.Prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
    stmt.Bind(1, name);
    return stmt.Step() && stmt.Int(0) == 1;
}

}  // namespace

TEST_SUITE("migrations") {
    TEST_CASE("a new file becomes a workspace at the newest schema, stamped with the application id") {
        const std::string path = test::TempPath("mig_fresh.db");
        auto ws = Workspace::Open(path, Options());
        REQUIRE(ws.ok());
        WorkspaceInfo info = (*ws)->Info();
        CHECK(info.created_now);
        CHECK(info.schema_version == Workspace::Migrations().back().version);
        CHECK(info.path == path);
        CHECK(info.app_version == std::string(Workspace::AppVersion()));
        CHECK_FALSE(info.sqlite_version.empty());
        CHECK((*ws)->db().ApplicationId() == kWorkspaceApplicationId);
        CHECK(HasTable((*ws)->db(), "company_profile"));
        CHECK(HasTable((*ws)->db(), "audit_log"));
    }

    TEST_CASE("reopening a workspace migrates nothing and keeps its data") {
        const std::string path = test::TempPath("mig_reopen.db");
        {
            auto ws = Workspace::Open(path, Options());
            REQUIRE(ws.ok());
            CompanyProfile p;
            p.name = "Reopened Ltd";
            REQUIRE((*ws)->company().Update("admin", p).ok());
        }
        const std::string before = test::ReadFileBytes(path);
        auto ws = Workspace::Open(path, Options());
        REQUIRE(ws.ok());
        CHECK_FALSE((*ws)->Info().created_now);
        CHECK((*ws)->company().Get()->name == "Reopened Ltd");
        ws.value().reset();
        CHECK(test::ReadFileBytes(path) == before);
    }

    TEST_CASE("an empty existing file is a new workspace") {
        const std::string path = test::TempPath("mig_empty_file.db");
        test::WriteFileBytes(path, "");
        auto ws = Workspace::Open(path, Options());
        REQUIRE(ws.ok());
        CHECK((*ws)->Info().created_now);
    }

    TEST_CASE("a database from a newer version refuses to open and is left unchanged") {
        const std::string path = test::TempPath("mig_newer.db");
        {
            auto ws = Workspace::Open(path, Options());
            REQUIRE(ws.ok());
            REQUIRE((*ws)->db().SetUserVersion(Workspace::Migrations().back().version + 1).ok());
        }
        const std::string before = test::ReadFileBytes(path);
        auto ws = Workspace::Open(path, Options());
        REQUIRE_FALSE(ws.ok());
        CHECK(ws.error().code == "storage.newer_version");
        const std::string newest = std::to_string(Workspace::Migrations().back().version);
        CHECK(ws.error().message == "This workspace was saved by a newer version of CRM Settings (schema " +
                                        std::to_string(Workspace::Migrations().back().version + 1) +
                                        "); this build reads up to schema " + newest +
                                        ". Open it with the newer version.");
        CHECK(test::ReadFileBytes(path) == before);
        CHECK_FALSE(test::FileExists(path + "-journal"));
    }

    TEST_CASE("a SQLite file of another application is refused and left unchanged") {
        struct Case {
            const char* name;
            int user_version;
            int application_id;
            bool with_table;
        };
        const Case cases[] = {
            {"another application id", 1, 0x12345678, true},
            {"another application id and no tables", 0, 0x0BADF00D, false},
            {"no application id but tables of its own", 0, 0, true},
            {"no application id, a version, and tables", 3, 0, true},
        };
        for (const Case& c : cases) {
            CAPTURE(c.name);
            const std::string path = test::TempPath("mig_foreign.db");
            MakeRawDatabase(path, c.user_version, c.application_id, c.with_table);
            const std::string before = test::ReadFileBytes(path);
            auto ws = Workspace::Open(path, Options());
            REQUIRE_FALSE(ws.ok());
            CHECK(ws.error().code == "storage.foreign_database");
            CHECK(ws.error().message.find(path) != std::string::npos);
            CHECK(test::ReadFileBytes(path) == before);
        }
    }

    TEST_CASE("a file of random bytes is not a database, and is left unchanged") {
        for (size_t size : {size_t{1}, size_t{99}, size_t{100}, size_t{4096}, size_t{65536}}) {
            CAPTURE(size);
            const std::string path = test::TempPath("mig_random.db");
            test::WriteFileBytes(path, test::RandomBytes(size));
            const std::string before = test::ReadFileBytes(path);
            auto ws = Workspace::Open(path, Options());
            REQUIRE_FALSE(ws.ok());
            CHECK(ws.error().code == "storage.not_a_database");
            CHECK(ws.error().message.find("\"" + path + "\"") != std::string::npos);
            CHECK(test::ReadFileBytes(path) == before);
            CHECK_FALSE(test::FileExists(path + "-journal"));
        }
    }

    TEST_CASE("a text file is not a database") {
        const std::string path = test::TempPath("mig_text.db");
        test::WriteFileBytes(path, "name,currency\nAcme,USD\n");
        auto db = Database::Open(path);
        REQUIRE_FALSE(db.ok());
        CHECK(db.error().code == "storage.not_a_database");
        CHECK(test::ReadFileBytes(path) == "name,currency\nAcme,USD\n");
    }

    TEST_CASE("pending migrations apply together or not at all") {
        auto db = Database::Open(":memory:");
        REQUIRE(db.ok());
        const std::vector<Migration> broken = {
            {1, "first table", "CREATE TABLE first(x);"},
            {2, "a step that fails", "CREATE TABLE second(x); INSERT INTO missing VALUES(1);"},
        };
        Status s = ApplyMigrations(**db, broken);
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().code == "storage.migration_failed");
        CHECK(s.error().message.find("schema 2") != std::string::npos);
        CHECK((*db)->UserVersion() == 0);
        CHECK((*db)->ApplicationId() == 0);
        CHECK_FALSE(HasTable(**db, "first"));
        CHECK_FALSE(HasTable(**db, "second"));

        const std::vector<Migration> fixed = {
            {1, "first table", "CREATE TABLE first(x);"},
            {2, "second table", "CREATE TABLE second(x);"},
        };
        REQUIRE(ApplyMigrations(**db, fixed).ok());
        CHECK((*db)->UserVersion() == 2);
        CHECK(HasTable(**db, "second"));
        // Applying again is a no-op; adding a step applies only that step.
        REQUIRE(ApplyMigrations(**db, fixed).ok());
        std::vector<Migration> extended = fixed;
        extended.push_back({3, "third table", "CREATE TABLE third(x);"});
        REQUIRE(ApplyMigrations(**db, extended).ok());
        CHECK((*db)->UserVersion() == 3);
        CHECK(HasTable(**db, "third"));
    }

    TEST_CASE("a generated step is written only when it is applied") {
        static int written = 0;
        written = 0;
        std::string (*write)() = [] {
            ++written;
            return std::string("CREATE TABLE generated(x);");
        };
        const std::vector<Migration> steps = {
            {1, "first table", "CREATE TABLE first(x);"},
            {2, "a generated table", write},
        };
        auto db = Database::Open(":memory:");
        REQUIRE(db.ok());
        REQUIRE(ApplyMigrations(**db, steps).ok());
        CHECK(written == 1);
        CHECK(HasTable(**db, "generated"));
        // Up to date: nothing is written again (as when a workspace is opened).
        REQUIRE(ApplyMigrations(**db, steps).ok());
        CHECK(written == 1);
        CHECK(steps[0].sql.Text() == "CREATE TABLE first(x);");
        CHECK(steps[1].sql.Text() == "CREATE TABLE generated(x);");
        CHECK(written == 2);
    }

    TEST_CASE("migrations are numbered 1, 2, 3... in order") {
        int expected = 1;
        for (const Migration& m : Workspace::Migrations()) {
            CHECK(m.version == expected++);
            CHECK_FALSE(m.description.empty());
        }
    }

    TEST_CASE("a workspace made before indexed fields gains the flag and the standard indexes") {
        const std::string path = test::TempPath("mig_v3.db");
        {
            auto db = Database::Open(path);
            REQUIRE(db.ok());
            std::vector<Migration> up_to_3 = Workspace::Migrations();
            up_to_3.resize(3);
            REQUIRE(ApplyMigrations(**db, up_to_3).ok());
            Statement none = (*db)->Prepare(
                "SELECT count(*) FROM sqlite_master WHERE name = 'idx_rec_opportunity_amount'");
            REQUIRE(none.Step());
            CHECK(none.Int(0) == 0);
        }
        auto ws = Workspace::Open(path, Options());
        REQUIRE(ws.ok());
        CHECK((*ws)->db().UserVersion() == Workspace::Migrations().back().version);
        Statement index = (*ws)->db().Prepare(
            "SELECT count(*) FROM sqlite_master WHERE name = 'idx_rec_opportunity_amount'");
        REQUIRE(index.Step());
        CHECK(index.Int(0) == 1);
        auto o = (*ws)->schema().Object("Opportunity");
        REQUIRE(o.ok());
        CHECK((*o)->Field("Amount")->indexed);
        CHECK_FALSE((*o)->Field("Probability")->indexed);
    }

    TEST_CASE("a workflow log written one row per rule run is kept, each row a run of its own") {
        const std::string path = test::TempPath("mig_v9.db");
        {
            auto db = Database::Open(path);
            REQUIRE(db.ok());
            std::vector<Migration> up_to_9 = Workspace::Migrations();
            up_to_9.resize(9);
            REQUIRE(ApplyMigrations(**db, up_to_9).ok());
            REQUIRE(
                (*db)
                    ->Exec(
                        "INSERT INTO workflow_log(at_ms, rule_id, rule_name, object, record_id, "
                        "trigger_kind, condition_met, actions, duration_us, error, actor) VALUES "
                        "(1795712000000, 7, 'Big deal', 'Opportunity', 42, 'on_update', 1, '[\"set Rating = "
                        "1\"]', "
                        "15, NULL, 'ann'), (1795712100000, 8, 'Broken', 'Case', 5, 'on_create', 1, '[]', 3, "
                        "'Boom', 'bob')")
                    .ok());
        }
        auto ws = Workspace::Open(path, Options());
        REQUIRE(ws.ok());
        WorkflowLogFilter all;
        all.since_ms = 0;
        std::vector<WorkflowLogEntry> runs = (*ws)->automation().log().List(all);
        REQUIRE(runs.size() == 2);
        CHECK(runs[0].rule_name == "Broken");
        CHECK(runs[0].error == "Boom");
        CHECK(runs[1].rule_id == 7);
        CHECK(runs[1].object == "Opportunity");
        CHECK(runs[1].record_id == 42);
        CHECK(runs[1].trigger == "on_update");
        CHECK(runs[1].condition_met);
        CHECK(runs[1].actions == std::vector<std::string>{"set Rating = 1"});
        CHECK(runs[1].duration_us == 15);
        CHECK(runs[1].actor == "ann");
    }

    TEST_CASE("scheduler items of a schema-27 workspace keep their ids, states and times under one key") {
        const std::string path = test::TempPath("mig_v27.db");
        {
            auto db = Database::Open(path);
            REQUIRE(db.ok());
            std::vector<Migration> up_to_27 = Workspace::Migrations();
            up_to_27.resize(27);
            REQUIRE(ApplyMigrations(**db, up_to_27).ok());
            REQUIRE((*db)
                        ->Exec("INSERT INTO scheduler_items(id, kind, object, record_id, rule_id, due_ms, "
                               "state, ran_ms, late, error, created_ms) VALUES "
                               "(3, 'automation', 'Opportunity', 5, 7, 1795712500000, 'pending', NULL, 0, "
                               "NULL, 1), "
                               "(8, 'reminder', 'Opportunity', 5, -3, 1795712600000, 'pending', NULL, 0, "
                               "NULL, 2), "
                               "(9, 'automation', 'Case', 6, 7, 1795712000000, 'failed', 1795712100000, 1, "
                               "'Boom', 3)")
                        .ok());
        }
        auto ws = Workspace::Open(path, Options());
        REQUIRE(ws.ok());
        SchedulerService& scheduler = (*ws)->automation().scheduler();
        std::vector<ScheduledItem> all = scheduler.List("", 10);
        REQUIRE(all.size() == 3);
        CHECK(all[0].id == 9);  // every state: oldest due first
        CHECK(all[0].state == "failed");
        CHECK(all[0].error == "Boom");
        CHECK(all[0].late);
        CHECK(all[1].id == 3);
        CHECK(all[2].id == 8);
        CHECK(all[2].rule_id == -3);
        CHECK(scheduler.PendingCount() == 2);
        {
            // The same (kind, rule, record) moves its item; a new one is added beside it.
            ChangeScope change((*ws)->changes(), kSystemActor);
            REQUIRE(scheduler.Schedule(change, "automation", "Opportunity", 5, 7, 1795712900000).ok());
            REQUIRE(scheduler.Schedule(change, "automation", "Opportunity", 4, 7, 1795712950000).ok());
            REQUIRE(scheduler.Schedule(change, "automation", "Case", 6, 7, 1795713000000).ok());
            REQUIRE(change.Commit().ok());
        }
        std::vector<ScheduledItem> pending = scheduler.List("pending", 10);
        REQUIRE(pending.size() == 4);
        CHECK(pending[0].id == 8);
        CHECK(pending[1].id == 3);
        CHECK(pending[1].due_ms == 1795712900000);
        CHECK(pending[3].id == 9);  // the failed item queued again at its new time
        Statement index = (*ws)->db().Prepare(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'scheduler_items' AND "
            "name IN ('scheduler_items_key', 'scheduler_items_pending', 'scheduler_items_rule', "
            "'scheduler_items_later')");
        REQUIRE(index.Step());
        CHECK(index.Int(0) == 4);
        Statement gone = (*ws)->db().Prepare(
            "SELECT count(*) FROM sqlite_master WHERE name = 'scheduler_items_by_record'");
        REQUIRE(gone.Step());
        CHECK(gone.Int(0) == 0);
    }

    TEST_CASE(
        "a save's rule runs are one log row and come back one entry each, any text exactly as written") {
        auto ws = Workspace::Open(test::TempPath("log_runs.db"), Options());
        REQUIRE(ws.ok());
        const std::string name = "Quote \" back\\slash 大单";
        Result<AutomationRule> rule = AutomationRuleFromJson(
            {{"object", "Opportunity"},
             {"name", name},
             {"trigger", {{"kind", "on_create"}}},
             {"actions", {{{"kind", "update_field"}, {"field", "NextStep"}, {"value", "\"x\""}}}}},
            {});
        REQUIRE(rule.ok());
        Result<AutomationRule> stored = (*ws)->automation().Create("admin", *rule);
        REQUIRE(stored.ok());
        WorkflowLogEntry a;
        a.rule_id = stored->id;
        a.rule_name = name;  // a run that did not fail reads its rule's name from the rule
        a.object = "Opportunity";
        a.record_id = 9;
        a.trigger = "on_create";
        a.condition_met = true;
        a.actions = {"set Name = \"x\ny\"", "tab\there \x01"};
        a.actor = "admin";
        a.at_ms = kClock.NowMs();
        WorkflowLogEntry b = a;
        b.rule_id = stored->id + 1;
        b.rule_name = "Second";
        b.actions.clear();
        b.error = "失败: \"why\"";
        WorkflowLogEntry c = a;  // a condition that did not hold, of a rule deleted since
        c.rule_id = stored->id + 2;
        c.rule_name = "Gone";
        c.trigger = "on_update";
        c.condition_met = false;
        c.actions.clear();
        {
            ChangeScope change((*ws)->changes(), "admin");
            REQUIRE((*ws)->automation().log().Append(change, {a, b, c}).ok());
            REQUIRE(change.Commit().ok());
        }
        Statement rows = (*ws)->db().Prepare("SELECT count(*), sum(failed) FROM workflow_runs");
        REQUIRE(rows.Step());
        CHECK(rows.Int(0) == 1);
        CHECK(rows.Int(1) == 1);
        WorkflowLogFilter all;
        std::vector<WorkflowLogEntry> runs = (*ws)->automation().log().List(all);
        REQUIRE(runs.size() == 3);
        CHECK(runs[0].rule_name == a.rule_name);
        CHECK(runs[0].rule_id == a.rule_id);
        CHECK(runs[0].trigger == "on_create");
        CHECK(runs[0].condition_met);
        CHECK(runs[0].actions == a.actions);
        CHECK(runs[0].error.empty());
        CHECK(runs[1].rule_name == "Second");
        CHECK(runs[1].error == b.error);
        CHECK(runs[2].rule_name == "#" + std::to_string(c.rule_id));
        CHECK(runs[2].trigger == "on_update");
        CHECK_FALSE(runs[2].condition_met);
        CHECK(runs[2].actions.empty());
        CHECK(runs[0].save_id == runs[1].save_id);  // one save, one row
        CHECK(runs[0].save_id == runs[2].save_id);
        CHECK(runs[0].id != runs[1].id);
        all.errors = 1;
        REQUIRE((*ws)->automation().log().List(all).size() == 1);
        all.errors = 0;
        REQUIRE((*ws)->automation().log().List(all).size() == 2);
        all.rule = name;
        REQUIRE((*ws)->automation().log().List(all).size() == 1);
        all.errors = -1;
        all.rule = "second";
        REQUIRE((*ws)->automation().log().List(all).size() == 1);
    }

    TEST_CASE("a damaged file is set aside under a timestamped name, never overwriting another") {
        const std::string path = test::TempPath("mig_damaged.db");
        const std::string first = test::TempPath("mig_damaged.db.corrupt-20261126T170000Z");
        const std::string second = test::TempPath("mig_damaged.db.corrupt-20261126T170000Z-2");
        test::WriteFileBytes(path, "damaged one");
        auto moved = SetAsideDamagedFile(path, kClock.NowMs());
        REQUIRE(moved.ok());
        CHECK(*moved == first);
        CHECK_FALSE(test::FileExists(path));
        CHECK(test::ReadFileBytes(first) == "damaged one");

        test::WriteFileBytes(path, "damaged two");
        auto again = SetAsideDamagedFile(path, kClock.NowMs());
        REQUIRE(again.ok());
        CHECK(*again == second);
        CHECK(test::ReadFileBytes(first) == "damaged one");
        CHECK(test::ReadFileBytes(second) == "damaged two");

        // The place is free again: a new workspace opens there.
        CHECK(Workspace::Open(path, Options()).ok());
    }

    TEST_CASE("setting aside a file that does not exist is an error") {
        auto moved = SetAsideDamagedFile(test::TempPath("mig_absent.db"), kClock.NowMs());
        REQUIRE_FALSE(moved.ok());
        CHECK(moved.error().code == "storage.set_aside_failed");
    }
}
