// The setup audit trail: append-only, filtered, sorted and paged.
#include <doctest/doctest.h>

#include <algorithm>

#include "test_util.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kDay = 86400000;
constexpr int64_t kJan1 = 1767225600000;  // 2026-01-01T00:00:00Z

struct AuditFixture {
    FixedClock clock{kJan1};
    std::unique_ptr<Workspace> ws;

    AuditFixture() {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
    }

    void Append(int64_t at_ms, const char* actor, const char* area, const char* action, const char* target,
                json old_value, json new_value) {
        AuditEntry e;
        e.at_ms = at_ms;
        e.actor = actor;
        e.area = area;
        e.action = action;
        e.target = target;
        e.old_value = std::move(old_value);
        e.new_value = std::move(new_value);
        REQUIRE(ws->audit().Append(e).ok());
    }

    // Six entries over six days, with two sharing a time to pin the tie-break by id.
    void Seed() {
        Append(kJan1 + 0 * kDay, "alice", "company", "update", "company.name", "Old Co", "New Co");
        Append(kJan1 + 1 * kDay, "bob", "users", "create", "users.carol", nullptr, json{{"role", "Sales"}});
        Append(kJan1 + 2 * kDay, "alice", "company", "update", "company.currency", "USD", "EUR");
        Append(kJan1 + 2 * kDay, "carol", "roles", "delete", "roles.Intern", json{{"parent", "CEO"}},
               nullptr);
        Append(kJan1 + 4 * kDay, "bob", "company", "update", "company.time_zone", "UTC", "Asia/Shanghai");
        Append(kJan1 + 5 * kDay, "carol", "users", "update", "users.bob_100%", "a_b", "北风");
    }

    std::vector<int64_t> Ids(const AuditQuery& q, int64_t* total = nullptr) {
        auto page = ws->audit().List(q);
        REQUIRE(page.ok());
        if (total) *total = page->total;
        std::vector<int64_t> ids;
        for (const AuditEntry& e : page->entries) ids.push_back(e.id);
        return ids;
    }
};

}  // namespace

TEST_SUITE("audit") {
    TEST_CASE("audit entries cannot be changed or deleted, even with SQL") {
        AuditFixture f;
        f.Seed();
        Status update = f.ws->db().Exec("UPDATE audit_log SET actor = 'mallory'");
        REQUIRE_FALSE(update.ok());
        CHECK(update.error().message.find("audit entries cannot be changed") != std::string::npos);
        Status remove = f.ws->db().Exec("DELETE FROM audit_log WHERE id = 1");
        REQUIRE_FALSE(remove.ok());
        CHECK(remove.error().message.find("audit entries cannot be changed") != std::string::npos);
        int64_t total = 0;
        f.Ids(AuditQuery{}, &total);
        CHECK(total == 6);
        CHECK(f.ws->audit().Actors() == std::vector<std::string>{"alice", "bob", "carol"});
    }

    TEST_CASE("an entry keeps its values, JSON types included") {
        AuditFixture f;
        f.Seed();
        AuditQuery q;
        q.sort = AuditQuery::SortKey::Time;
        q.descending = false;
        auto page = f.ws->audit().List(q);
        REQUIRE(page.ok());
        REQUIRE(page->entries.size() == 6);
        const AuditEntry& created = page->entries[1];
        CHECK(created.actor == "bob");
        CHECK(created.area == "users");
        CHECK(created.action == "create");
        CHECK(created.target == "users.carol");
        CHECK(created.old_value.is_null());
        CHECK(created.new_value == json{{"role", "Sales"}});
        CHECK(page->entries[3].new_value.is_null());
        CHECK(page->entries[5].new_value == "北风");

        json j = ToJson(created);
        CHECK(j["at"] == "2026-01-02T00:00:00Z");
        CHECK(j["at_ms"] == kJan1 + kDay);
        CHECK(j["id"] == 2);
        CHECK(j["old_value"].is_null());
    }

    TEST_CASE("filters combine, and the total counts every match before paging") {
        struct Case {
            const char* name;
            AuditQuery query;
            std::vector<int64_t> ids;  // ascending by time, then id
        };
        auto q = [](auto edit) {
            AuditQuery query;
            query.descending = false;
            edit(query);
            return query;
        };
        const Case cases[] = {
            {"no filter", q([](AuditQuery&) {}), {1, 2, 3, 4, 5, 6}},
            {"area", q([](AuditQuery& a) { a.area = "company"; }), {1, 3, 5}},
            {"actor", q([](AuditQuery& a) { a.actor = "bob"; }), {2, 5}},
            {"area and actor", q([](AuditQuery& a) { a.area = "company", a.actor = "bob"; }), {5}},
            {"text in target", q([](AuditQuery& a) { a.text = "CURRENCY"; }), {3}},
            {"text in action", q([](AuditQuery& a) { a.text = "delete"; }), {4}},
            {"text in old value", q([](AuditQuery& a) { a.text = "old co"; }), {1}},
            {"text in new value, non-ASCII", q([](AuditQuery& a) { a.text = "北风"; }), {6}},
            {"text with a LIKE wildcard is literal", q([](AuditQuery& a) { a.text = "100%"; }), {6}},
            {"underscore is literal", q([](AuditQuery& a) { a.text = "a_b"; }), {6}},
            {"from is inclusive", q([](AuditQuery& a) { a.from_ms = kJan1 + 2 * kDay; }), {3, 4, 5, 6}},
            {"to is exclusive", q([](AuditQuery& a) { a.to_ms = kJan1 + 2 * kDay; }), {1, 2}},
            {"from and to",
             q([](AuditQuery& a) { a.from_ms = kJan1 + kDay, a.to_ms = kJan1 + 5 * kDay; }),
             {2, 3, 4, 5}},
            {"nothing matches", q([](AuditQuery& a) { a.actor = "nobody"; }), {}},
        };
        AuditFixture f;
        f.Seed();
        for (const Case& c : cases) {
            CAPTURE(c.name);
            int64_t total = -1;
            CHECK(f.Ids(c.query, &total) == c.ids);
            CHECK(total == static_cast<int64_t>(c.ids.size()));
        }
    }

    TEST_CASE("every sort key orders both ways, ties broken by id in the same direction") {
        struct Case {
            AuditQuery::SortKey key;
            std::vector<int64_t> ascending;
        };
        const Case cases[] = {
            {AuditQuery::SortKey::Time, {1, 2, 3, 4, 5, 6}},
            {AuditQuery::SortKey::Actor, {1, 3, 2, 5, 4, 6}},
            {AuditQuery::SortKey::Area, {1, 3, 5, 4, 2, 6}},
            {AuditQuery::SortKey::Action, {2, 4, 1, 3, 5, 6}},
            {AuditQuery::SortKey::Target, {3, 1, 5, 4, 6, 2}},
        };
        AuditFixture f;
        f.Seed();
        for (const Case& c : cases) {
            CAPTURE(static_cast<int>(c.key));
            AuditQuery q;
            q.sort = c.key;
            q.descending = false;
            CHECK(f.Ids(q) == c.ascending);
            q.descending = true;
            std::vector<int64_t> descending(c.ascending.rbegin(), c.ascending.rend());
            CHECK(f.Ids(q) == descending);
        }
    }

    TEST_CASE("paging walks the whole trail, and out-of-range offsets and limits are clamped") {
        AuditFixture f;
        f.Seed();
        AuditQuery q;
        q.descending = false;
        q.limit = 4;
        int64_t total = 0;
        CHECK(f.Ids(q, &total) == std::vector<int64_t>{1, 2, 3, 4});
        CHECK(total == 6);
        q.offset = 4;
        CHECK(f.Ids(q, &total) == std::vector<int64_t>{5, 6});
        CHECK(total == 6);
        q.offset = 100;
        CHECK(f.Ids(q, &total).empty());
        CHECK(total == 6);
        q.offset = -5;  // clamped to 0
        q.limit = 0;    // clamped to 1
        CHECK(f.Ids(q) == std::vector<int64_t>{1});
        q.limit = 1000000;  // clamped to 1000
        CHECK(f.Ids(q).size() == 6);
    }

    TEST_CASE("the default query shows the newest entries first") {
        AuditFixture f;
        f.Seed();
        CHECK(f.Ids(AuditQuery{}) == std::vector<int64_t>{6, 5, 4, 3, 2, 1});
    }

    TEST_CASE("areas and actors list each distinct value once, sorted") {
        AuditFixture f;
        CHECK(f.ws->audit().Areas().empty());
        f.Seed();
        CHECK(f.ws->audit().Areas() == std::vector<std::string>{"company", "roles", "users"});
        CHECK(f.ws->audit().Actors() == std::vector<std::string>{"alice", "bob", "carol"});
    }
}
