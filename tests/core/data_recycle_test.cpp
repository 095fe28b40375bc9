// The recycle bin: a delete keeps the record and the lookups that pointed at it; a restore puts all of it
// back with the same ids; purge by hand and after the purge days; restores respect access.
#include <doctest/doctest.h>

#include "access_fixture.h"
#include "api/command_api.h"
#include "data/recycle_bin.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1795712400000;  // 2026-11-26T17:00:00Z
constexpr int64_t kDay = 86'400'000;

struct Bin {
    FixedClock clock{kNow};
    std::unique_ptr<Workspace> ws;
    Bin() {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
    }
    int64_t Create(const char* object, const json& values, const char* actor = "admin") {
        SaveResult r = ws->records().Create(actor, object, values);
        CAPTURE(r.errors.empty() ? "" : r.errors[0].message);
        REQUIRE(r.ok());
        return r.id;
    }
    json Get(const char* object, int64_t id) {
        Result<json> r = ws->records().Get("admin", object, id);
        return r.ok() ? *r : json();
    }
    RecycleBin& bin() { return ws->data().recycle(); }
    std::vector<RecycleEntry> Entries(const char* actor = "admin") {
        Result<std::vector<RecycleEntry>> e = bin().List(actor, "", 100, 0);
        REQUIRE(e.ok());
        return *e;
    }
};

}  // namespace

TEST_SUITE("data.recycle") {
    TEST_CASE("a deleted Account waits in the bin and comes back with its id and its Contacts' lookups") {
        Bin b;
        const int64_t acme = b.Create("Account", {{"Name", "Acme"}, {"Phone", "+1 555 0100"}});
        const int64_t ann = b.Create("Contact", {{"Name", "Ann"}, {"AccountId", acme}});
        const int64_t bob = b.Create("Contact", {{"Name", "Bob"}, {"AccountId", acme}});
        const int64_t opp = b.Create("Opportunity", {{"Name", "Big"},
                                                     {"StageName", "Prospecting"},
                                                     {"CloseDate", "2026-12-01"},
                                                     {"AccountId", acme}});
        const json before = b.Get("Account", acme);

        REQUIRE(b.ws->records().Delete("admin", "Account", acme).ok());
        CHECK(b.Get("Account", acme).is_null());
        CHECK(b.Get("Contact", ann)["AccountId"].is_null());
        std::vector<RecycleEntry> entries = b.Entries();
        REQUIRE(entries.size() == 1);
        CHECK(entries[0].object == "Account");
        CHECK(entries[0].record_id == acme);
        CHECK(entries[0].record_name == "Acme");
        CHECK(entries[0].related == 3);
        CHECK(entries[0].deleted_by == "admin");

        Result<RecycleOutcome> restored = b.bin().Restore("admin", {{entries[0].id}, ""});
        REQUIRE(restored.ok());
        CHECK(restored->lookups_restored == 3);
        CHECK(b.Get("Account", acme) == before);
        CHECK(b.Get("Contact", ann)["AccountId"] == acme);
        CHECK(b.Get("Contact", bob)["AccountId"] == acme);
        CHECK(b.Get("Opportunity", opp)["AccountId"] == acme);
        CHECK(b.Entries().empty());
    }

    TEST_CASE("a lookup set again meanwhile is kept; a record deleted after its parent comes back in order") {
        Bin b;
        const int64_t acme = b.Create("Account", {{"Name", "Acme"}});
        const int64_t globex = b.Create("Account", {{"Name", "Globex"}});
        const int64_t ann = b.Create("Contact", {{"Name", "Ann"}, {"AccountId", acme}});
        const int64_t bob = b.Create("Contact", {{"Name", "Bob"}, {"AccountId", acme}});
        REQUIRE(b.ws->records().Delete("admin", "Account", acme).ok());
        REQUIRE(b.ws->records().Update("admin", "Contact", ann, {{"AccountId", globex}}).ok());
        // Bob goes too; restoring Bob first brings him back without his Account, which is still in the bin;
        // restoring Acme then puts Bob's lookup back.
        REQUIRE(b.ws->records().Delete("admin", "Contact", bob).ok());
        std::vector<RecycleEntry> entries = b.Entries();
        REQUIRE(entries.size() == 2);
        CHECK(entries[0].object == "Contact");  // newest first
        REQUIRE(b.bin().Restore("admin", {{entries[0].id}, ""}).ok());
        CHECK(b.Get("Contact", bob)["AccountId"].is_null());
        REQUIRE(b.bin().Restore("admin", {{}, "Account"}).ok());
        CHECK(b.Get("Contact", ann)["AccountId"] == globex);  // the newer value stays
        CHECK(b.Get("Contact", bob)["AccountId"] == acme);
    }

    TEST_CASE("an id taken again is refused and nothing of the call is restored") {
        Bin b;
        const int64_t first = b.Create("Account", {{"Name", "First"}});
        const int64_t last = b.Create("Account", {{"Name", "Last"}});
        REQUIRE(b.ws->records().Delete("admin", "Account", first).ok());
        REQUIRE(b.ws->records().Delete("admin", "Account", last).ok());
        const int64_t reused = b.Create("Account", {{"Name", "New"}});
        REQUIRE(reused == first);  // an empty table: SQLite hands out id 1 again
        Result<RecycleOutcome> r = b.bin().Restore("admin", {{}, "Account"});
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == "data.recycle_id_taken");
        CHECK(b.Get("Account", last).is_null());  // restored first (older entry) then rolled back
        CHECK(b.Entries().size() == 2);
        REQUIRE(b.bin().Restore("admin", {{b.Entries()[0].id}, ""}).ok());
        CHECK(b.Get("Account", last)["Name"] == "Last");
    }

    TEST_CASE("purge by hand, and after the purge days at the next delete") {
        Bin b;
        const int64_t a = b.Create("Account", {{"Name", "A"}});
        const int64_t c = b.Create("Account", {{"Name", "C"}});
        const int64_t d = b.Create("Account", {{"Name", "D"}});
        REQUIRE(b.ws->records().Delete("admin", "Account", a).ok());
        Result<RecycleOutcome> purged = b.bin().Purge("admin", {{b.Entries()[0].id}, ""});
        REQUIRE(purged.ok());
        CHECK(purged->entries.size() == 1);
        CHECK(b.Entries().empty());
        CHECK(b.bin().PurgeDays() == 30);
        REQUIRE(b.bin().SetPurgeDays("admin", 7).ok());
        CHECK(b.bin().SetPurgeDays("admin", 0).error().code == "data.invalid");
        REQUIRE(b.ws->records().Delete("admin", "Account", c).ok());
        b.clock.Advance(8 * kDay);
        CHECK(b.Entries().size() == 1);
        REQUIRE(b.ws->records().Delete("admin", "Account", d).ok());
        std::vector<RecycleEntry> left = b.Entries();
        REQUIRE(left.size() == 1);
        CHECK(left[0].record_id == d);
        b.clock.Advance(8 * kDay);
        Result<int> expired = b.bin().PurgeExpired("admin", b.clock.NowMs());
        REQUIRE(expired.ok());
        CHECK(*expired == 1);
    }

    TEST_CASE("a user restores only what they could delete: their own deletes or records they fully own") {
        test::Org org;
        AccessService& a = org.a();
        REQUIRE(a.SetObjectPermissions("admin", PermissionSetKind::Profile, "Sales", "Opportunity",
                                       kObjRead | kObjCreate | kObjEdit | kObjDelete)
                    .ok());
        const int64_t reps = org.Deal("rep");
        const int64_t others = org.Deal("rep2");
        const int64_t admins = org.Deal("admin");
        RecordService& records = org.ws->records();
        RecycleBin& bin = org.ws->data().recycle();
        REQUIRE(records.Delete("rep", "Opportunity", reps).ok());
        REQUIRE(records.Delete("rep2", "Opportunity", others).ok());
        REQUIRE(records.Delete("admin", "Opportunity", admins).ok());
        auto ids_of = [&](const char* user) {
            std::vector<int64_t> ids;
            Result<std::vector<RecycleEntry>> entries = bin.List(user, "", 100, 0);
            REQUIRE(entries.ok());
            for (const RecycleEntry& e : *entries) ids.push_back(e.record_id);
            std::sort(ids.begin(), ids.end());
            return ids;
        };
        CHECK(ids_of("rep") == std::vector<int64_t>{reps});
        CHECK(ids_of("mgr") == std::vector<int64_t>{reps});  // above rep in the roles
        CHECK(ids_of("admin") == std::vector<int64_t>{reps, others, admins});
        std::vector<RecycleEntry> all = *bin.List("admin", "", 100, 0);
        int64_t others_entry = 0;
        for (const RecycleEntry& e : all)
            if (e.record_id == others) others_entry = e.id;
        Result<RecycleOutcome> denied = bin.Restore("rep", {{others_entry}, ""});
        REQUIRE_FALSE(denied.ok());
        CHECK(denied.error().code == "records.no_record_access");
        // Without Delete on the object, nothing at all.
        REQUIRE(a.SetObjectPermissions("admin", PermissionSetKind::Profile, "Sales", "Opportunity",
                                       kObjRead | kObjCreate | kObjEdit)
                    .ok());
        CHECK(ids_of("rep").empty());
        CHECK(bin.Restore("rep", {{}, "Opportunity"}).error().code == "records.no_access");
        REQUIRE(bin.Restore("admin", {{}, "Opportunity"}).ok());
        CHECK(records.Get("admin", "Opportunity", others).ok());
    }

    TEST_CASE("recycle commands through the command interface") {
        Bin b;
        CommandApi api(*b.ws);
        const int64_t acme = b.Create("Account", {{"Name", "Acme"}});
        json del =
            api.Execute(json{{"cmd", "records.delete"}, {"args", {{"object", "Account"}, {"id", acme}}}});
        REQUIRE(del["ok"] == true);
        json list = api.Execute(json{{"cmd", "recycle.list"}, {"args", json::object()}});
        REQUIRE(list["ok"] == true);
        REQUIRE(list["result"]["entries"].size() == 1);
        CHECK(list["result"]["purge_days"] == 30);
        const int64_t entry = list["result"]["entries"][0]["id"];
        json restore = api.Execute(json{{"cmd", "recycle.restore"}, {"args", {{"ids", {entry}}}}});
        REQUIRE(restore["ok"] == true);
        CHECK(restore["result"]["restored"][0]["record_id"] == acme);
        json again = api.Execute(json{{"cmd", "recycle.restore"}, {"args", {{"ids", {entry}}}}});
        CHECK(again["error"]["code"] == "data.recycle_unknown");
        CHECK(again["error"]["message_zh"].get<std::string>().find("回收站") != std::string::npos);
    }
}
