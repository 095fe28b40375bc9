// What the engine keeps to answer fast stays true: the owners Decide reads from memory follow every change
// of the records (update, transfer, delete, new records, a rolled-back transaction), and a list of many
// matches read in the order of an index is the same list as one fetched and sorted.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "access_fixture.h"
#include "storage/database.h"
#include "workspace.h"

using namespace crm;
using crm::test::Org;

namespace {

int64_t UserId(Org& org, const char* username) {
    Result<User> u = org.a().GetUser(username);
    REQUIRE(u.ok());
    return u->id;
}

// Ids of a list page, in order.
std::vector<int64_t> PageIds(const ListPage& page) {
    std::vector<int64_t> ids;
    for (const auto& row : page.rows) ids.push_back(row["Id"].get<int64_t>());
    return ids;
}

}  // namespace

TEST_SUITE("access.kept") {
    TEST_CASE("a decision follows the record's owner through update, transfer, delete and new records") {
        Org org;
        const int64_t id = org.Deal("rep");
        CHECK(org.Can("rep", ObjectAction::Edit, id));  // loads the owners of Opportunity
        CHECK_FALSE(org.Can("rep2", ObjectAction::Read, id));

        SaveResult moved =
            org.ws->records().Update("admin", "Opportunity", id, {{"OwnerId", UserId(org, "rep2")}});
        REQUIRE(moved.ok());
        CHECK(org.Can("rep2", ObjectAction::Edit, id));
        CHECK_FALSE(org.Can("rep", ObjectAction::Read, id));

        REQUIRE(org.a().TransferRecords("admin", "rep2", "rep", "Opportunity").ok());
        CHECK(org.Can("rep", ObjectAction::Edit, id));
        CHECK_FALSE(org.Can("rep2", ObjectAction::Read, id));

        const int64_t later = org.Deal("rep2");  // an id beyond those loaded
        CHECK(org.Can("rep2", ObjectAction::Edit, later));
        CHECK_FALSE(org.Can("rep", ObjectAction::Read, later));

        REQUIRE(org.ws->records().Delete("admin", "Opportunity", id).ok());
        CHECK_FALSE(org.Can("rep", ObjectAction::Read, id));
        CHECK_FALSE(org.Can("admin", ObjectAction::Read, id));  // no such record, even for View All
        CHECK_FALSE(org.Can("rep", ObjectAction::Read, 999'999));
    }

    TEST_CASE("an owner changed inside a transaction that rolls back is not kept") {
        Org org;
        const int64_t id = org.Deal("rep");
        CHECK(org.Can("rep", ObjectAction::Edit, id));
        {
            Transaction tx(org.ws->db());
            REQUIRE(tx.begin_status().ok());
            Statement up = org.ws->db().Prepare("UPDATE rec_opportunity SET owner_id = ?1 WHERE id = ?2");
            up.Bind(1, UserId(org, "rep2")).Bind(2, id);
            REQUIRE(up.Run().ok());
            CHECK(org.Can("rep2", ObjectAction::Edit, id));  // read through: the change is visible inside
            CHECK_FALSE(org.Can("rep", ObjectAction::Edit, id));
        }  // rolled back
        CHECK(org.Can("rep", ObjectAction::Edit, id));
        CHECK_FALSE(org.Can("rep2", ObjectAction::Read, id));
    }

    TEST_CASE("a save that changes the owner and fails validation leaves the access as it was") {
        Org org;
        ValidationRule rule;
        rule.object = "Opportunity";
        rule.name = "Big_deals_need_a_next_step";
        rule.condition = "AND(Amount > 5000, ISBLANK(NextStep))";
        rule.error_message = "Say what happens next.";
        REQUIRE(org.ws->schema().CreateRule("admin", rule).ok());
        const int64_t id = org.Deal("rep");
        CHECK(org.Can("rep", ObjectAction::Edit, id));
        SaveResult refused = org.ws->records().Update("admin", "Opportunity", id,
                                                      {{"OwnerId", UserId(org, "rep2")}, {"Amount", 9000}});
        CHECK_FALSE(refused.ok());
        CHECK(org.Can("rep", ObjectAction::Edit, id));
        CHECK_FALSE(org.Can("rep2", ObjectAction::Read, id));
    }

    TEST_CASE("a list of many matches stops counting, and its order is the order of a full sort") {
        Org org;
        // 12,000 deals of rep (the manager sees them all: more than the count limit) and 30 of rep2.
        const int64_t rep = UserId(org, "rep"), rep2 = UserId(org, "rep2");
        int i = 0;
        uint64_t x = 7;
        REQUIRE(org.ws->records()
                    .BulkInsertUnchecked("demo", "Opportunity", {"Name", "StageName", "Amount", "OwnerId"},
                                         [&](std::vector<formula::Value>& row) {
                                             if (i >= 12'030) return false;
                                             x = x * 6364136223846793005ull + 1442695040888963407ull;
                                             row[0] = formula::Value::Text("Deal " + std::to_string(i));
                                             row[1] = formula::Value::Picklist("Prospecting");
                                             row[2] =
                                                 formula::Value::Number(static_cast<double>((x >> 33) % 500));
                                             row[3] = formula::Value::Number(static_cast<double>(
                                                 i % 401 == 0 && i < 12'030 ? rep2 : rep));
                                             ++i;
                                             return true;
                                         })
                    .ok());
        ListQuery q;
        q.columns = {"Name", "Amount"};
        q.sort_field = "Amount";
        q.sort_desc = true;
        q.limit = 40;
        for (const char* user : {"mgr", "rep2", "admin"}) {
            CAPTURE(user);
            Result<ListPage> page = org.ws->records().List(user, "Opportunity", q);
            REQUIRE(page.ok());
            // The same page from a full sort of every record the user may read, in C++.
            std::vector<std::pair<double, int64_t>> all;
            Statement st = org.ws->db().Prepare("SELECT id, amount FROM rec_opportunity");
            int64_t visible = 0;
            while (st.Step()) {
                if (!org.Can(user, ObjectAction::Read, st.Int(0))) continue;
                ++visible;
                all.emplace_back(st.Real(1), st.Int(0));
            }
            std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a > b; });
            std::vector<int64_t> expected;
            for (size_t k = 0; k < 40 && k < all.size(); ++k) expected.push_back(all[k].second);
            CHECK(PageIds(*page) == expected);
            CHECK(page->total == std::min(visible, kListCountLimit));
            CHECK(page->total_capped == (visible > kListCountLimit));
            ListQuery exact = q;
            exact.exact_total = true;
            exact.offset = 80;
            Result<ListPage> counted = org.ws->records().List(user, "Opportunity", exact);
            REQUIRE(counted.ok());
            CHECK(counted->total == visible);
            CHECK_FALSE(counted->total_capped);
            std::vector<int64_t> third;
            for (size_t k = 80; k < 120 && k < all.size(); ++k) third.push_back(all[k].second);
            CHECK(PageIds(*counted) == third);
        }
    }

    TEST_CASE("an indexed field gets its index, and loses it when no longer indexed") {
        Org org;
        auto has_index = [&](const char* name) {
            Statement st =
                org.ws->db().Prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1");
            st.Bind(1, name);
            return st.Step();
        };
        CHECK(has_index("idx_rec_opportunity_amount"));  // a standard field marked indexed
        CHECK(has_index("idx_rec_opportunity_name"));    // the record name
        FieldDef f;
        f.object = "Opportunity";
        f.api_name = "Score__c";
        f.label = "Score";
        f.type = FieldType::Number;
        f.indexed = true;
        Result<FieldDef> added = org.ws->schema().CreateField("admin", f);
        REQUIRE(added.ok());
        CHECK(added->indexed);
        CHECK(has_index("idx_rec_opportunity_score__c"));
        FieldDef plain = *added;
        plain.indexed = false;
        REQUIRE(org.ws->schema().UpdateField("admin", plain).ok());
        CHECK_FALSE(has_index("idx_rec_opportunity_score__c"));
        Result<std::shared_ptr<const ObjectDef>> o = org.ws->schema().Object("Opportunity");
        REQUIRE(o.ok());
        CHECK_FALSE((*o)->Field("Score__c")->indexed);
    }
}
