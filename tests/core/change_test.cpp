// The one way to make a change (ChangeScope): transaction, audit entries, change set, notification after
// the commit; nested scopes join the open one as savepoints.
#include "audit/change.h"

#include <doctest/doctest.h>

#include <memory>
#include <vector>

#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

struct ChangeFixture {
    FixedClock clock{1767225600000};
    std::unique_ptr<Database> db;
    std::unique_ptr<AuditLog> audit;
    std::unique_ptr<Changes> changes;
    std::vector<ChangeSet> heard;

    ChangeFixture() {
        auto opened = Database::Open(":memory:");
        REQUIRE(opened.ok());
        db = std::move(opened.value());
        REQUIRE(ApplyMigrations(*db, Workspace::Migrations()).ok());
        REQUIRE(db->Exec("CREATE TABLE t(v INTEGER)").ok());
        audit = std::make_unique<AuditLog>(*db);
        changes =
            std::make_unique<Changes>(*db, *audit, clock, [this](const ChangeSet& c) { heard.push_back(c); });
    }
    Status Insert(int v) {
        Statement st = db->Prepare("INSERT INTO t(v) VALUES(?1)");
        st.Bind(1, v);
        return st.Run();
    }
    int64_t Rows(const char* table) {
        Statement st = db->Prepare(std::string("SELECT COUNT(*) FROM ") + table);
        REQUIRE(st.Step());
        return st.Int(0);
    }
};

}  // namespace

TEST_SUITE("storage_changes") {
    TEST_CASE("undos run when their change rolls back, newest first; a committed savepoint hands them up") {
        ChangeFixture fx;
        std::vector<int> undone;
        {
            ChangeScope outer(*fx.changes, "alice");
            REQUIRE(outer.begin_status().ok());
            outer.OnRollback([&] { undone.push_back(1); });
            {
                ChangeScope kept(*fx.changes, "alice");
                kept.OnRollback([&] { undone.push_back(2); });
                REQUIRE(kept.Commit().ok());
            }
            {
                ChangeScope dropped(*fx.changes, "alice");
                dropped.OnRollback([&] { undone.push_back(3); });
            }  // this savepoint rolls back alone
            CHECK(undone == std::vector<int>{3});
        }  // the whole change rolls back: the committed savepoint's undo too, newest first
        CHECK(undone == std::vector<int>{3, 2, 1});
        undone.clear();
        {
            ChangeScope change(*fx.changes, "alice");
            change.OnRollback([&] { undone.push_back(4); });
            REQUIRE(change.Commit().ok());
        }
        CHECK(undone.empty());  // committed: nothing to undo
    }

    TEST_CASE(
        "a committed change writes its data and audit entries together, then tells the listeners once") {
        ChangeFixture fx;
        {
            ChangeScope change(*fx.changes, "alice");
            REQUIRE(change.begin_status().ok());
            REQUIRE(fx.Insert(1).ok());
            REQUIRE(change.Audit("test", "create", "t.1", nullptr, 1).ok());
            change.Record("test", "T", ChangeAction::Create, 1, {"v"});
            CHECK(fx.heard.empty());  // not before the commit
            REQUIRE(change.Commit().ok());
        }
        CHECK(fx.Rows("t") == 1);
        CHECK(fx.Rows("audit_log") == 1);
        REQUIRE(fx.heard.size() == 1);
        REQUIRE(fx.heard[0].changes.size() == 1);
        const ObjectChange& c = fx.heard[0].changes[0];
        CHECK(c.area == "test");
        CHECK(c.object == "T");
        CHECK(c.action == ChangeAction::Create);
        CHECK(c.ids == std::vector<int64_t>{1});
        CHECK(c.fields == std::vector<std::string>{"v"});
        auto page = fx.audit->List(AuditQuery{});
        REQUIRE(page.ok());
        CHECK(page->entries[0].actor == "alice");
        CHECK(page->entries[0].at_ms == 1767225600000);
    }

    TEST_CASE("a change left without Commit rolls back its data and audit entries, and nobody hears of it") {
        ChangeFixture fx;
        {
            ChangeScope change(*fx.changes, "alice");
            REQUIRE(fx.Insert(1).ok());
            REQUIRE(change.Audit("test", "create", "t.1", nullptr, 1).ok());
        }
        CHECK(fx.Rows("t") == 0);
        CHECK(fx.Rows("audit_log") == 0);
        CHECK(fx.heard.empty());
        CHECK(fx.changes->open_scope() == nullptr);
    }

    TEST_CASE("a nested change joins the open one: its rollback undoes only its part, one notification") {
        ChangeFixture fx;
        std::vector<std::string> order;
        {
            ChangeScope outer(*fx.changes, "alice");
            REQUIRE(fx.Insert(1).ok());
            outer.Record("test", "T", ChangeAction::Create, 1);
            {
                ChangeScope kept(*fx.changes, "alice");
                CHECK(kept.nested());
                REQUIRE(fx.Insert(2).ok());
                kept.Record("test", "T", ChangeAction::Create, 2);
                REQUIRE(kept.Commit([&] { order.push_back("inner after commit"); }).ok());
            }
            {
                ChangeScope dropped(*fx.changes, "alice");
                REQUIRE(fx.Insert(3).ok());
                dropped.Record("test", "T", ChangeAction::Create, 3);
            }  // rolled back to its savepoint
            CHECK(fx.heard.empty());
            CHECK(order.empty());  // the inner "after commit" waits for the real commit
            REQUIRE(outer.Commit([&] { order.push_back("outer after commit"); }).ok());
        }
        CHECK(fx.Rows("t") == 2);
        REQUIRE(fx.heard.size() == 1);
        CHECK(fx.heard[0].changes[0].ids == std::vector<int64_t>{1, 2});
        CHECK(order == std::vector<std::string>{"inner after commit", "outer after commit"});
    }

    TEST_CASE("an outer rollback undoes committed nested changes too") {
        ChangeFixture fx;
        {
            ChangeScope outer(*fx.changes, "alice");
            REQUIRE(fx.Insert(1).ok());
            ChangeScope inner(*fx.changes, "alice");
            REQUIRE(fx.Insert(2).ok());
            REQUIRE(inner.Commit().ok());
        }
        CHECK(fx.Rows("t") == 0);
        CHECK(fx.heard.empty());
    }

    TEST_CASE("change sets merge per area, object and action, fields sorted without duplicates") {
        ChangeSet a;
        a.Add("records", "Account", ChangeAction::Update, 1, {"Phone", "Name"});
        a.Add("records", "Account", ChangeAction::Update, 2, {"Name"});
        ChangeSet b;
        b.Add("records", "Account", ChangeAction::Update, 3, {"Industry"});
        b.Add("records", "Contact", ChangeAction::Delete, 9);
        a.Merge(b);
        REQUIRE(a.changes.size() == 2);
        CHECK(a.changes[0].ids == std::vector<int64_t>{1, 2, 3});
        CHECK(a.changes[0].fields == std::vector<std::string>{"Industry", "Name", "Phone"});
        CHECK(a.Touches("records", "contact"));
        CHECK_FALSE(a.Touches("company"));
        CHECK(ChangeSet::Config("schema").changes[0].action == ChangeAction::Config);
        CHECK(ToJson(a)["changes"][1]["action"] == "delete");
    }
}
