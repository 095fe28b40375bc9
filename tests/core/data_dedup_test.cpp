// Duplicate management: the normalisations and similarity scores as a table, duplicate rules that block a
// save or let it through with an alert, the scan's groups (only what the user may see), and the merge that
// moves related records, sends the others to the recycle bin and is undone from there.
#include <doctest/doctest.h>

#include <set>

#include "access_fixture.h"
#include "api/command_api.h"
#include "data/dedup.h"
#include "data/recycle_bin.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

struct Fixture {
    std::unique_ptr<Workspace> ws;
    Fixture() {
        auto opened = Workspace::Open(":memory:");
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
    }
    Deduplicator& dedup() { return ws->data().dedup(); }
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
    void Rule(const json& rule) {
        Result<DuplicateRule> parsed = DuplicateRuleFromJson(rule);
        REQUIRE(parsed.ok());
        Result<DuplicateRule> saved = dedup().SaveRule("admin", *parsed);
        CAPTURE(saved.ok() ? "" : saved.error().message);
        REQUIRE(saved.ok());
    }
};

MatchCondition Cond(MatchMethod m, double threshold = 0.9, const char* algorithm = "jaro_winkler") {
    MatchCondition c;
    c.field = "Name";
    c.method = m;
    c.threshold = m == MatchMethod::Company && threshold == 0.9 ? 1.0 : threshold;
    c.algorithm = algorithm;
    return c;
}

}  // namespace

TEST_SUITE("data.dedup") {
    TEST_CASE("normalisation and matching cases, as a table") {
        struct Case {
            MatchMethod method;
            const char* a;
            const char* b;
            bool match;
        };
        const Case cases[] = {
            {MatchMethod::Exact, "Acme", "Acme", true},
            {MatchMethod::Exact, "Acme", "acme", false},
            {MatchMethod::Exact, "", "", false},  // blanks never match
            {MatchMethod::Normalized, "  ACME   Corp ", "acme corp", true},
            {MatchMethod::Normalized, "ＡＣＭＥ　Ｃｏｒｐ１２３", "acme corp123", true},  // full-width
            {MatchMethod::Normalized, "北京科技", "北京科技", true},
            {MatchMethod::Normalized, "Acme", "Acne", false},
            {MatchMethod::Email, " Ann@Example.COM ", "ann@example.com", true},
            {MatchMethod::Email, "ann", "ann", false},  // not an address
            {MatchMethod::Phone, "+1 (555) 010-0100", "+15550100100", true},
            {MatchMethod::Phone, "138 0013 8000", "+86 138-0013-8000", true},  // default country code 86
            {MatchMethod::Phone, "010-6552 9988", "+86 10 6552 9988", true},   // trunk 0 dropped
            {MatchMethod::Phone, "0086 138 0013 8000", "+8613800138000", true},
            {MatchMethod::Phone, "+1 555 0100 ext 12", "+1 555 0100", true},
            {MatchMethod::Phone, "+1 555 0100", "+1 555 0101", false},
            {MatchMethod::Phone, "123", "123", false},  // too short
            {MatchMethod::Company, "Acme, Inc.", "ACME", true},
            {MatchMethod::Company, "Globex Ltd", "Globex Limited", true},
            {MatchMethod::Company, "Initech GmbH", "initech", true},
            {MatchMethod::Company, "北京星辰科技有限公司", "北京星辰科技", true},
            {MatchMethod::Company, "星辰股份有限公司", "星辰集团有限公司", true},
            {MatchMethod::Company, "Acme Co., Ltd.", "Acme", true},
            {MatchMethod::Company, "Acme", "Acne Inc", false},
            {MatchMethod::Fuzzy, "Jonathan Smith", "Jonathon Smith", true},
            {MatchMethod::Fuzzy, "MARTHA", "marhta", true},
            {MatchMethod::Fuzzy, "Acme", "Globex", false},
            {MatchMethod::Fuzzy, "张伟明", "张伟民", false},  // 0.78 < 0.9
        };
        for (const Case& c : cases) {
            MatchCondition cond = Cond(c.method);
            CAPTURE(MatchMethodName(c.method));
            CAPTURE(c.a);
            CAPTURE(c.b);
            CHECK(ConditionMatches(cond, MatchKey(cond, c.a), MatchKey(cond, c.b)) == c.match);
        }
        CHECK(NormalizePhone("(555) 010-0100", "1") == "+15550100100");
        CHECK(CompanyKey("Acme, Inc.") == "acme");
        // Jaro-Winkler's published values; Levenshtein similarity by hand.
        CHECK(JaroWinkler("MARTHA", "MARHTA") == doctest::Approx(0.9611).epsilon(0.001));
        CHECK(JaroWinkler("DWAYNE", "DUANE") == doctest::Approx(0.84).epsilon(0.001));
        CHECK(JaroWinkler("DIXON", "DICKSONX") == doctest::Approx(0.8133).epsilon(0.001));
        CHECK(LevenshteinSimilarity("kitten", "sitting") == doctest::Approx(1.0 - 3.0 / 7.0));
        CHECK(LevenshteinSimilarity("张伟明", "张伟民") == doctest::Approx(2.0 / 3.0));
        MatchCondition lev = Cond(MatchMethod::Fuzzy, 0.6, "levenshtein");
        CHECK(ConditionMatches(lev, MatchKey(lev, "张伟明"), MatchKey(lev, "张伟民")));
    }

    TEST_CASE("AND needs every condition, OR any; blocking keys bound the pairs") {
        MatchRule rule;
        MatchCondition name = Cond(MatchMethod::Fuzzy);
        MatchCondition phone = Cond(MatchMethod::Phone);
        rule.conditions = {name, phone};
        const MatchKeys a = {MatchKey(name, "Acme Corp"), MatchKey(phone, "+1 555 0100")};
        const MatchKeys b = {MatchKey(name, "Acme Corp."), MatchKey(phone, "+1 555 0199")};
        CHECK_FALSE(KeysMatch(rule, a, b));
        rule.any = true;
        CHECK(KeysMatch(rule, a, b));
        CHECK(BlockingKeys(rule, a).size() == 2);
        rule.any = false;
        // AND: the phone (exact after normalising) is the key, not the fuzzy name's prefix.
        CHECK(BlockingKeys(rule, a) == std::vector<std::string>{"+15550100"});
    }

    TEST_CASE("a rule is checked when saved: an unknown field, a method or a threshold out of range") {
        Fixture f;
        Result<DuplicateRule> r =
            DuplicateRuleFromJson({{"object", "Account"},
                                   {"name", "X"},
                                   {"conditions", {{{"field", "Name"}, {"method", "soundex"}}}}});
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.find("soundex") != std::string::npos);
        r = DuplicateRuleFromJson(
            {{"object", "Account"},
             {"name", "X"},
             {"conditions", {{{"field", "Name"}, {"method", "fuzzy"}, {"threshold", 2}}}}});
        CHECK_FALSE(r.ok());
        r = DuplicateRuleFromJson(
            {{"object", "Account"}, {"name", "X"}, {"conditions", {{{"field", "AnnualRevenue"}}}}});
        REQUIRE(r.ok());
        Result<DuplicateRule> saved = f.dedup().SaveRule("admin", *r);
        REQUIRE_FALSE(saved.ok());
        CHECK(saved.error().field == "conditions");
        f.Rule({{"object", "account"},
                {"name", "Same"},
                {"conditions", {{{"field", "name"}, {"method", "company"}}}}});
        Result<std::vector<DuplicateRule>> rules = f.dedup().Rules("admin", "Account");
        REQUIRE(rules.ok());
        REQUIRE(rules->size() == 1);
        CHECK((*rules)[0].object == "Account");
        CHECK((*rules)[0].match.conditions[0].field == "Name");
        CHECK(f.dedup().DeleteRule("admin", "Account", "Same").ok());
        CHECK(f.dedup().DeleteRule("admin", "Account", "Same").error().code == "data.not_found");
    }

    TEST_CASE("a blocking rule stops a duplicate save; an alerting rule lets it through and check lists it") {
        Fixture f;
        const int64_t acme = f.Create("Account", {{"Name", "Acme, Inc."}, {"Phone", "+1 555 0100"}});
        f.Rule({{"object", "Account"},
                {"name", "Same_company"},
                {"action", "block"},
                {"conditions", {{{"field", "Name"}, {"method", "company"}}}}});
        SaveResult dup = f.ws->records().Create("admin", "Account", {{"Name", "ACME Ltd"}});
        REQUIRE_FALSE(dup.ok());
        CHECK(dup.errors[0].code == "data.duplicate_blocked");
        CHECK(dup.errors[0].message.find("Acme, Inc.") != std::string::npos);
        // An unrelated edit of the record itself passes; a rename onto another record is blocked.
        SaveResult edit = f.ws->records().Update("admin", "Account", acme, {{"Phone", "+1 555 0111"}});
        CHECK(edit.ok());
        const int64_t globex = f.Create("Account", {{"Name", "Globex"}});
        CHECK_FALSE(f.ws->records().Update("admin", "Account", globex, {{"Name", "Acme GmbH"}}).ok());

        f.Rule({{"object", "Account"},
                {"name", "Same_company"},
                {"action", "alert"},
                {"conditions", {{{"field", "Name"}, {"method", "company"}}}}});
        Result<std::vector<DuplicateMatch>> m = f.dedup().Check("admin", "Account", {{"Name", "acme"}}, 0);
        REQUIRE(m.ok());
        REQUIRE(m->size() == 1);
        CHECK((*m)[0].id == acme);
        CHECK((*m)[0].action == "alert");
        CHECK(f.ws->records().Create("admin", "Account", {{"Name", "ACME Ltd"}}).ok());
        // An import goes through the same stage.
        f.Rule({{"object", "Account"},
                {"name", "Same_phone"},
                {"action", "block"},
                {"conditions", {{{"field", "Phone"}, {"method", "phone"}, {"country_code", "1"}}}}});
        CHECK_FALSE(
            f.ws->records().Create("admin", "Account", {{"Name", "Other"}, {"Phone", "(555) 011-1"}}).ok());
        CHECK(f.ws->records().Create("admin", "Account", {{"Name", "Other"}, {"Phone", "(555) 012-1"}}).ok());
    }

    TEST_CASE("the rules a save checks (kept between saves) follow a rule saved in a change rolled back") {
        Fixture f;
        f.Create("Account", {{"Name", "Acme, Inc."}});
        {
            ChangeScope outer(f.ws->changes(), "admin");
            REQUIRE(outer.begin_status().ok());
            f.Rule({{"object", "Account"},
                    {"name", "Same_company"},
                    {"action", "block"},
                    {"conditions", {{{"field", "Name"}, {"method", "company"}}}}});
            CHECK_FALSE(f.ws->records().Create("admin", "Account", {{"Name", "ACME Ltd"}}).ok());
        }  // never committed: the rule is gone, and so are the rules kept with it
        CHECK(f.dedup().Rules("admin", "Account")->empty());
        CHECK(f.ws->records().Create("admin", "Account", {{"Name", "ACME Ltd"}}).ok());
    }

    TEST_CASE("a scan groups duplicates among the records its user may see") {
        test::Org org;
        Workspace& ws = *org.ws;
        auto deal = [&](const char* owner, const char* name) {
            SaveResult r = ws.records().Create(
                owner, "Opportunity",
                {{"Name", name}, {"StageName", "Prospecting"}, {"CloseDate", "2026-01-01"}});
            REQUIRE(r.ok());
            return r.id;
        };
        const int64_t a1 = deal("rep", "Big Deal Shanghai");
        const int64_t a2 = deal("rep", "big deal  shanghai");
        const int64_t a3 = deal("rep2", "Big Deal Shanghia");
        const int64_t b1 = deal("rep", "Other thing");
        deal("rep", "Unrelated");
        (void)b1;
        Result<DuplicateRule> rule =
            DuplicateRuleFromJson({{"object", "Opportunity"},
                                   {"name", "Similar_name"},
                                   {"action", "scan_only"},
                                   {"conditions", {{{"field", "Name"}, {"method", "fuzzy"}}}}});
        REQUIRE(rule.ok());
        REQUIRE(ws.data().dedup().SaveRule("admin", *rule).ok());
        ScanOptions o;
        o.object = "Opportunity";
        int calls = 0;
        o.progress = [&](const char*, int64_t, int64_t) { return ++calls > 0; };
        Result<ScanResult> all = ws.data().dedup().Scan("admin", o);
        REQUIRE(all.ok());
        REQUIRE(all->groups.size() == 1);
        CHECK(all->groups[0].ids == std::vector<int64_t>{a1, a2, a3});
        CHECK(all->groups[0].rule == "Similar_name");
        CHECK(all->records == 5);
        CHECK(calls > 0);
        // rep does not see rep2's deal.
        Result<ScanResult> mine = ws.data().dedup().Scan("rep", o);
        REQUIRE(mine.ok());
        REQUIRE(mine->groups.size() == 1);
        CHECK(mine->groups[0].ids == std::vector<int64_t>{a1, a2});
        // A user without Read on the object is refused; a rule that does not exist is named.
        CHECK_FALSE(ws.data().dedup().Check("rep", "Account", json::object(), 0).ok());
        o.rule = "Nope";
        CHECK(ws.data().dedup().Scan("admin", o).error().code == "data.not_found");
        // The bounds: max_groups.
        deal("rep", "Zeta one");
        deal("rep", "Zeta one!");
        o.rule = "";
        o.max_groups = 1;
        Result<ScanResult> bounded = ws.data().dedup().Scan("admin", o);
        REQUIRE(bounded.ok());
        CHECK(bounded->groups.size() == 1);
        CHECK(bounded->truncated);
    }

    TEST_CASE(
        "a scan stepped a slice at a time finds the same groups; cancelled mid-way it changes nothing") {
        Fixture f;
        constexpr int kPairs = 400;
        for (int i = 0; i < kPairs; ++i) {
            f.Create("Account", {{"Name", "Firm " + std::to_string(i) + " Ltd"}});
            f.Create("Account", {{"Name", "firm " + std::to_string(i) + ", Ltd."}});
        }
        f.Create("Account", {{"Name", "Alone"}});
        f.Rule({{"object", "Account"},
                {"name", "Same_company"},
                {"action", "scan_only"},
                {"conditions", {{{"field", "Name"}, {"method", "company"}}}}});
        ScanOptions o;
        o.object = "Account";
        o.rule = "Same_company";
        Result<ScanResult> whole = f.dedup().Scan("admin", o);
        REQUIRE(whole.ok());
        REQUIRE(whole->groups.size() == kPairs);

        // Small slices: every phase shows, progress only grows, and the groups are the same.
        std::unique_ptr<DuplicateScan> stepped = f.dedup().StartScan("admin", o);
        std::set<std::string> phases;
        double fraction = 0.0;
        int steps = 0;
        while (!stepped->Step(100)) {
            ++steps;
            phases.insert(stepped->phase());
            CHECK(stepped->progressed() <= stepped->total());
            CHECK(stepped->fraction() >= fraction);
            fraction = stepped->fraction();
        }
        CHECK(steps > 10);
        CHECK(phases.count("compare") == 1);  // reading is a page (1,000 records) a step
        REQUIRE(stepped->result().ok());
        const ScanResult& r = stepped->result().value();
        CHECK_FALSE(r.cancelled);
        REQUIRE(r.groups.size() == whole->groups.size());
        for (size_t g = 0; g < r.groups.size(); ++g) CHECK(r.groups[g].ids == whole->groups[g].ids);
        CHECK(r.records == whole->records);

        // Cancelled while comparing: no groups, and nothing in the workspace changed.
        const uint64_t changes = f.ws->change_count();
        const int64_t rows = f.ws->db().TotalChanges();
        std::unique_ptr<DuplicateScan> cancelled = f.dedup().StartScan("admin", o);
        while (!cancelled->Step(100) &&
               !(std::string(cancelled->phase()) == "compare" && cancelled->progressed() > kPairs / 2)) {
        }
        REQUIRE_FALSE(cancelled->done());
        cancelled->Cancel();
        CHECK(cancelled->Step(100));
        CHECK(cancelled->done());
        REQUIRE(cancelled->result().ok());
        CHECK(cancelled->result().value().cancelled);
        CHECK(cancelled->result().value().groups.empty());
        CHECK(f.ws->change_count() == changes);
        CHECK(f.ws->db().TotalChanges() == rows);
        // The progress callback of Scan cancels the same way.
        o.progress = [](const char*, int64_t, int64_t) { return false; };
        Result<ScanResult> stopped = f.dedup().Scan("admin", o);
        REQUIRE(stopped.ok());
        CHECK(stopped->cancelled);
        CHECK(stopped->groups.empty());
        // And the next scan finds everything again.
        o.progress = nullptr;
        CHECK(f.dedup().Scan("admin", o)->groups.size() == kPairs);
    }

    TEST_CASE("a merge keeps the chosen values, moves related records and is undone from the recycle bin") {
        Fixture f;
        const int64_t master = f.Create("Account", {{"Name", "Acme"}, {"Phone", "+1 555 0100"}});
        const int64_t other =
            f.Create("Account", {{"Name", "Acme Corporation"}, {"Website", "https://acme.example"}});
        const int64_t third = f.Create("Account", {{"Name", "ACME"}});
        const int64_t ann = f.Create("Contact", {{"Name", "Ann"}, {"AccountId", other}});
        const int64_t bob = f.Create("Contact", {{"Name", "Bob"}, {"AccountId", master}});
        const int64_t opp = f.Create("Opportunity", {{"Name", "Big"},
                                                     {"StageName", "Prospecting"},
                                                     {"CloseDate", "2026-12-01"},
                                                     {"AccountId", third}});
        const json before = f.Get("Account", master);
        // A blocking rule does not stop the merge's own save.
        f.Rule({{"object", "Account"},
                {"name", "Same"},
                {"action", "block"},
                {"conditions", {{{"field", "Name"}, {"method", "company"}}}}});
        MergeRequest m;
        m.object = "Account";
        m.master = master;
        m.others = {other, third};
        m.values = {{"Name", other}, {"Website", other}, {"Phone", master}};
        Result<MergeOutcome> out = f.dedup().Merge("admin", m);
        CAPTURE(out.ok() ? "" : out.error().message);
        REQUIRE(out.ok());
        CHECK(out->lookups_moved == 2);
        CHECK(out->recycle_entries.size() == 2);
        CHECK(f.Get("Account", master)["Name"] == "Acme Corporation");
        CHECK(f.Get("Account", master)["Website"] == "https://acme.example");
        CHECK(f.Get("Account", other).is_null());
        CHECK(f.Get("Account", third).is_null());
        CHECK(f.Get("Contact", ann)["AccountId"] == master);
        CHECK(f.Get("Contact", bob)["AccountId"] == master);
        CHECK(f.Get("Opportunity", opp)["AccountId"] == master);
        Result<std::vector<MergeRecord>> merges = f.dedup().Merges("admin", "Account", 10);
        REQUIRE(merges.ok());
        REQUIRE(merges->size() == 1);
        CHECK_FALSE((*merges)[0].undone);

        // Restoring one merged record restores both, points the lookups back and undoes the chosen values.
        Result<RecycleOutcome> restored =
            f.ws->data().recycle().Restore("admin", {{out->recycle_entries[0]}, ""});
        CAPTURE(restored.ok() ? "" : restored.error().message);
        REQUIRE(restored.ok());
        CHECK(restored->entries.size() == 2);
        CHECK(f.Get("Account", other)["Name"] == "Acme Corporation");
        CHECK(f.Get("Account", third)["Name"] == "ACME");
        CHECK(f.Get("Contact", ann)["AccountId"] == other);
        CHECK(f.Get("Contact", bob)["AccountId"] == master);
        CHECK(f.Get("Opportunity", opp)["AccountId"] == third);
        json after = f.Get("Account", master);
        CHECK(after["Name"] == before["Name"]);
        CHECK(after["Website"].is_null());
        merges = f.dedup().Merges("admin", "Account", 10);
        CHECK((*merges)[0].undone);
    }

    TEST_CASE("a merge is refused whole: too many records, a value from elsewhere, no access") {
        test::Org org;
        Workspace& ws = *org.ws;
        const int64_t mine = org.Deal("rep");
        const int64_t theirs = org.Deal("rep2");
        const int64_t mine2 = org.Deal("rep");
        MergeRequest m;
        m.object = "Opportunity";
        m.master = mine;
        m.others = {mine};
        CHECK(ws.data().dedup().Merge("rep", m).error().code == "data.invalid");
        m.others = {mine2};
        m.values = {{"Name", theirs}};
        CHECK(ws.data().dedup().Merge("rep", m).error().code == "data.invalid");
        m.values.clear();
        m.others = {theirs};
        CHECK_FALSE(ws.data().dedup().Merge("rep", m).ok());
        CHECK(ws.records().Get("admin", "Opportunity", theirs).ok());
        // rep's profile has no Delete on Opportunity: nothing changes.
        m.others = {mine2};
        CHECK_FALSE(ws.data().dedup().Merge("rep", m).ok());
        CHECK(ws.records().Get("admin", "Opportunity", mine2).ok());
    }

    TEST_CASE("the dedup commands: save a rule, check, scan, merge, and restore through recycle.restore") {
        Fixture f;
        CommandApi api(*f.ws);
        auto run = [&](const char* cmd, const json& args) {
            json r = api.Execute(json{{"cmd", cmd}, {"args", args}});
            CAPTURE(cmd);
            CAPTURE(r.dump());
            REQUIRE(r["ok"] == true);
            return r["result"];
        };
        const int64_t a = f.Create("Account", {{"Name", "Welcome Co"}});
        const int64_t b = f.Create("Account", {{"Name", "Welcome Co., Ltd."}});
        run("dedup.rules.save", {{"rule",
                                  {{"object", "Account"},
                                   {"name", "Same_company"},
                                   {"conditions", {{{"field", "Name"}, {"method", "company"}}}}}}});
        CHECK(run("dedup.rules.list", {{"object", "Account"}})["rules"].size() == 1);
        json check = run("dedup.check", {{"object", "Account"}, {"values", {{"Name", "welcome co"}}}});
        CHECK(check["matches"].size() == 2);
        CHECK(check["blocked"] == false);
        json scan = run("dedup.scan", {{"object", "Account"}});
        REQUIRE(scan["groups"].size() == 1);
        CHECK(scan["groups"][0]["records"].size() == 2);
        json merged = run("dedup.merge",
                          {{"object", "Account"}, {"master", a}, {"others", {b}}, {"values", {{"Name", b}}}});
        CHECK(merged["fields_changed"] == json::array({"Name"}));
        CHECK(run("dedup.merges", {{"object", "Account"}})["merges"].size() == 1);
        run("recycle.restore", {{"ids", merged["recycle_entries"]}});
        CHECK(f.Get("Account", b)["Name"] == "Welcome Co., Ltd.");
        CHECK(f.Get("Account", a)["Name"] == "Welcome Co");
        CHECK(run("dedup.rules.delete", {{"object", "Account"}, {"name", "Same_company"}})["deleted"] ==
              true);
        CHECK(run("dedup.rules.delete", {{"object", "Account"}, {"name", "Same_company"}})["deleted"] ==
              false);
    }
}
