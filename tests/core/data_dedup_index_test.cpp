// The save-time duplicate check through its key index: exactly the matches a comparison with every record
// finds (generated near-duplicates: full- and half-width, emails by case and dots, phone formats, company
// suffixes, fuzzy names, AND and OR rules), kept right when a change rolls back, and rows of one batch
// compared with one another.
#include <doctest/doctest.h>

#include <random>
#include <set>
#include <utility>

#include "audit/change.h"
#include "data/dedup.h"
#include "data/dedup_index.h"
#include "data/recycle_bin.h"
#include "storage/database.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

/// Generated Leads with many near-duplicates. Uses the engine's raw output only (distributions differ
/// between the native and the wasm standard libraries).
struct Generator {
    std::mt19937 rng{20261204};
    std::vector<json> made;

    size_t Pick(size_t n) { return static_cast<size_t>(rng() % n); }
    bool Chance(int percent) { return static_cast<int>(rng() % 100) < percent; }

    static std::string FullWidth(const std::string& s) {
        std::string out;
        for (char c : s) {
            if (c > ' ' && c < 0x7F) {
                const char32_t cp = static_cast<char32_t>(c) + 0xFEE0;
                out += static_cast<char>(0xE0 | (cp >> 12));
                out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                out += static_cast<char>(0x80 | (cp & 0x3F));
            } else {
                out += c;
            }
        }
        return out;
    }
    std::string Typo(std::string s) {
        if (s.size() < 4) return s;
        const size_t at = 1 + Pick(s.size() - 2);
        if (static_cast<unsigned char>(s[at]) >= 0x80 || static_cast<unsigned char>(s[at - 1]) >= 0x80)
            return s;  // leave multi-byte text whole
        switch (Pick(3)) {
            case 0:
                s[at] = static_cast<char>('a' + Pick(26));
                break;
            case 1:
                s.erase(at, 1);
                break;
            default:
                s.insert(at, 1, static_cast<char>('a' + Pick(26)));
        }
        return s;
    }
    std::string CaseOf(std::string s) {
        for (char& c : s)
            if (c >= 'a' && c <= 'z' && Chance(30)) c = static_cast<char>(c - 'a' + 'A');
        return s;
    }
    std::string Company() {
        static const char* const kStems[] = {"Acme",     "Globex",  "Initech",      "Umbrella",  "Hooli",
                                             "Stark",    "Wayne",   "Vandelay",     "Cyberdyne", "Soylent",
                                             "Tyrell",   "Wonka",   "北京星辰科技", "上海云帆",  "深圳华信",
                                             "杭州青禾", "成都锦程"};
        static const char* const kSecond[] = {"", " Systems", " Trading", " Labs", "电子", " Foods", "网络"};
        static const char* const kSuffix[] = {"",         " Inc.",        ", Inc.", " Ltd",      " GmbH",
                                              "有限公司", "股份有限公司", " LLC",   " Co., Ltd."};
        return std::string(kStems[Pick(std::size(kStems))]) + kSecond[Pick(std::size(kSecond))] +
               kSuffix[Pick(std::size(kSuffix))];
    }
    std::string Person() {
        static const char* const kFirst[] = {"Ann",  "Bob", "Carla", "Dmitri", "Elena",    "Feng",     "Gita",
                                             "Hiro", "王",  "李",    "张",     "Jonathan", "Katherine"};
        static const char* const kLast[] = {"Smith", "Nguyen", "Okafor",    "Schmidt",    "Rossi", "Tanaka",
                                            "伟",    "娜",     "Johansson", "Fitzgerald", "明"};
        return std::string(kFirst[Pick(std::size(kFirst))]) + " " + kLast[Pick(std::size(kLast))];
    }
    std::string Email(const std::string& seed) {
        std::string local;
        for (char c : seed)
            if (c >= 'a' && c <= 'z')
                local += c;
            else if (c >= 'A' && c <= 'Z')
                local += static_cast<char>(c - 'A' + 'a');
        if (local.empty()) local = "info";
        local = local.substr(0, 10) + std::to_string(Pick(5));
        static const char* const kDomains[] = {"example.com", "mail.cn", "corp.example"};
        return local + "@" + kDomains[Pick(std::size(kDomains))];
    }
    std::string EmailVariant(std::string e) {
        if (e.find('@') == std::string::npos) return e;
        if (Chance(50)) e = CaseOf(e);
        if (Chance(40) && e.find('@') > 2)
            e.insert(1 + Pick(e.find('@') - 1), ".");  // a dot: another address
        return e;
    }
    std::string PhoneDigits() {
        std::string d = "13";
        for (int i = 0; i < 9; ++i) d += static_cast<char>('0' + Pick(10));
        return d;
    }
    std::string PhoneFormat(const std::string& d) {
        switch (Pick(5)) {
            case 0:
                return "+86 " + d.substr(0, 3) + " " + d.substr(3, 4) + " " + d.substr(7);
            case 1:
                return d.substr(0, 3) + "-" + d.substr(3, 4) + "-" + d.substr(7);
            case 2:
                return "0086" + d;
            case 3:
                return "(" + d.substr(0, 3) + ") " + d.substr(3);
            default:
                return d;
        }
    }
    static std::string DigitsOf(const std::string& phone) {
        std::string d;
        for (char c : phone)
            if (c >= '0' && c <= '9') d += c;
        return d.size() >= 11 ? d.substr(d.size() - 11) : d;
    }

    /// A Lead: fresh, or (often) a near-duplicate of one made before.
    json Next() {
        json lead;
        if (made.empty() || Chance(45)) {
            const std::string company = Company(), person = Person();
            lead = {{"Name", person},
                    {"Company", company},
                    {"Email", Email(company + person)},
                    {"Phone", PhoneFormat(PhoneDigits())}};
        } else {
            const json& base = made[Pick(made.size())];
            lead = base;
            std::string name = base["Name"], company = base["Company"];
            if (Chance(50)) name = Typo(name);
            if (Chance(25)) name = FullWidth(name);
            if (Chance(40)) company = Typo(company);
            if (Chance(30)) company = FullWidth(CaseOf(company));
            if (Chance(30)) company += Chance(50) ? " Inc." : "有限公司";
            lead["Name"] = name;
            lead["Company"] = company;
            lead["Email"] = Chance(60) ? EmailVariant(base["Email"]) : Email(company);
            const std::string digits = DigitsOf(base["Phone"]);
            lead["Phone"] =
                Chance(60) && digits.size() == 11 ? PhoneFormat(digits) : PhoneFormat(PhoneDigits());
            if (Chance(10)) lead["Phone"] = "";
            if (Chance(10)) lead["Email"] = "";
        }
        made.push_back(lead);
        return lead;
    }
};

MatchCondition Cond(const char* field, MatchMethod m, double threshold = 0.9,
                    const char* algorithm = "jaro_winkler") {
    MatchCondition c;
    c.field = field;
    c.method = m;
    c.threshold = threshold;
    c.algorithm = algorithm;
    return c;
}

MatchRule Rule(std::vector<MatchCondition> conditions, bool any) {
    MatchRule r;
    r.conditions = std::move(conditions);
    r.any = any;
    return r;
}

/// The rules the exactness tests run: every method, AND and OR, fuzzy thresholds low and high.
std::vector<MatchRule> TestRules() {
    using M = MatchMethod;
    return {
        Rule({Cond("Company", M::Company, 1.0)}, false),
        Rule({Cond("Company", M::Company, 0.9)}, false),
        Rule({Cond("Name", M::Fuzzy, 0.9), Cond("Phone", M::Phone)}, false),
        Rule({Cond("Email", M::Email), Cond("Phone", M::Phone), Cond("Company", M::Normalized)}, true),
        Rule({Cond("Name", M::Fuzzy, 0.8, "levenshtein"), Cond("Email", M::Email)}, true),
        Rule({Cond("Name", M::Fuzzy, 0.85), Cond("Company", M::Company, 0.9)}, false),
        Rule({Cond("Name", M::Exact)}, false),
        Rule({Cond("Name", M::Fuzzy, 0.5)}, false),  // the loosest threshold: nearly any shared letter
        Rule({Cond("Company", M::Fuzzy, 0.95, "levenshtein"), Cond("Name", M::Normalized)}, true),
    };
}

DuplicateKeyIndex::RecordKeys KeysOf(const std::vector<MatchRule>& rules, const json& lead) {
    DuplicateKeyIndex::RecordKeys keys;
    for (const MatchRule& r : rules) {
        keys.emplace_back();
        for (const MatchCondition& c : r.conditions)
            keys.back().push_back(MatchKey(c, lead.value(c.field, "")));
    }
    return keys;
}

/// What a comparison with every record finds.
std::vector<int64_t> EveryRecord(const std::map<int64_t, DuplicateKeyIndex::RecordKeys>& all, size_t rule,
                                 const std::vector<MatchRule>& rules, const MatchKeys& keys, int64_t self) {
    std::vector<int64_t> out;
    for (const auto& [id, k] : all)
        if (id != self && KeysMatch(rules[rule], keys, k[rule])) out.push_back(id);
    return out;
}

struct Fixture {
    std::unique_ptr<Workspace> ws;
    Fixture() {
        auto opened = Workspace::Open(":memory:");
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
    }
    Deduplicator& dedup() { return ws->data().dedup(); }
    void SaveRule(const json& rule) {
        Result<DuplicateRule> parsed = DuplicateRuleFromJson(rule);
        REQUIRE(parsed.ok());
        Result<DuplicateRule> saved = dedup().SaveRule("admin", *parsed);
        CAPTURE(saved.ok() ? "" : saved.error().message);
        REQUIRE(saved.ok());
    }
    int64_t Count(const char* table) {
        Statement st = ws->db().Prepare(std::string("SELECT COUNT(*) FROM ") + table);
        return st.Step() ? st.Int(0) : -1;
    }
    bool Blocked(const json& values) {
        SaveResult r = ws->records().Create("admin", "Account", values);
        return !r.ok() && r.errors[0].code == "data.duplicate_blocked";
    }
};

const json kBlockName = {{"object", "Account"},
                         {"name", "Same_company"},
                         {"action", "block"},
                         {"conditions", {{{"field", "Name"}, {"method", "company"}}}}};

/// The (rule, record) pairs of a check's answer, in order.
std::set<std::pair<std::string, int64_t>> Found(const std::vector<DuplicateMatch>& matches) {
    std::set<std::pair<std::string, int64_t>> out;
    for (const DuplicateMatch& m : matches) out.insert({m.rule, m.id});
    return out;
}

}  // namespace

TEST_SUITE("data.dedup_index") {
    TEST_CASE("the key index finds exactly what a comparison with every record finds, as records change") {
        const std::vector<MatchRule> rules = TestRules();
        DuplicateKeyIndex index(rules);
        std::map<int64_t, DuplicateKeyIndex::RecordKeys> all;
        Generator gen;
        int64_t found = 0;
        auto compare = [&](const DuplicateKeyIndex::RecordKeys& keys, int64_t self) {
            for (size_t r = 0; r < rules.size(); ++r) {
                const std::vector<int64_t> expected = EveryRecord(all, r, rules, keys[r], self);
                const std::vector<int64_t> got = index.Matches(r, keys[r], self);
                CAPTURE(r);
                CAPTURE(self);
                CHECK(got == expected);
                found += static_cast<int64_t>(got.size());
            }
        };
        // Each record in turn is checked against those before it, then joins them.
        for (int64_t id = 1; id <= 900; ++id) {
            DuplicateKeyIndex::RecordKeys keys = KeysOf(rules, gen.Next());
            compare(keys, 0);
            index.Put(id, keys);
            all[id] = keys;
        }
        // Changed, removed and put back: stale entries must never answer and live ones must never be lost.
        std::mt19937 rng(7);
        for (int round = 0; round < 600; ++round) {
            const int64_t id = 1 + static_cast<int64_t>(rng() % 900);
            if (rng() % 3 == 0) {
                index.Remove(id);
                all.erase(id);
            } else {
                DuplicateKeyIndex::RecordKeys keys = KeysOf(rules, gen.Next());
                compare(keys, id);  // an update: itself left out
                index.Put(id, keys);
                all[id] = keys;
            }
        }
        CHECK(index.size() == all.size());
        for (int round = 0; round < 200; ++round) compare(KeysOf(rules, gen.Next()), 0);
        // The generated data holds real duplicates, and the index compared far fewer pairs than every one.
        CHECK(found > 500);
        MESSAGE("matches " << found << ", pairs compared by the index " << index.compared());
    }

    TEST_CASE("a fuzzy pair that shares only its least letters is still found (the bound is tight)") {
        // Jaro-Winkler("abcdefghij", "abcde") is 0.9: five of ten code points shared, the least (5t - 4)|a|.
        const MatchRule rule = Rule({Cond("Name", MatchMethod::Fuzzy, 0.9)}, false);
        DuplicateKeyIndex index({rule});
        index.Put(1, {{"abcde"}});
        index.Put(2, {{"zzzzzzzzzz"}});
        CHECK(KeysMatch(rule, {"abcdefghij"}, {"abcde"}));
        CHECK(index.Matches(0, {"abcdefghij"}, 0) == std::vector<int64_t>{1});
        CHECK(MinSharedCodePoints(rule.conditions[0], 10) == 5);
        CHECK(MinSharedCodePoints(Cond("Name", MatchMethod::Fuzzy, 0.8, "levenshtein"), 10) == 8);
        CHECK(MinSharedCodePoints(Cond("Name", MatchMethod::Fuzzy, 0.5), 10) == 1);
    }

    TEST_CASE("saves through the pipeline block exactly when a comparison with every record finds a match") {
        Fixture f;
        f.SaveRule({{"object", "Lead"},
                    {"name", "Contact_point"},
                    {"action", "block"},
                    {"logic", "or"},
                    {"conditions",
                     {{{"field", "Email"}, {"method", "email"}},
                      {{"field", "Phone"}, {"method", "phone"}},
                      {{"field", "Company"}, {"method", "company"}, {"threshold", 0.92}}}}});
        f.SaveRule({{"object", "Lead"},
                    {"name", "Person_at_company"},
                    {"action", "block"},
                    {"conditions",
                     {{{"field", "Name"}, {"method", "fuzzy"}, {"threshold", 0.88}},
                      {{"field", "Company"}, {"method", "company"}}}}});
        Generator gen;
        int blocked = 0, saved = 0, invalid = 0;
        for (int i = 0; i < 400; ++i) {
            json lead = gen.Next();
            lead["Status"] = "Open - Not Contacted";
            for (const char* k : {"Email", "Phone"})
                if (lead[k] == "") lead.erase(k);
            Result<std::vector<DuplicateMatch>> every = f.dedup().CheckEveryRecord("admin", "Lead", lead, 0);
            REQUIRE(every.ok());
            // dedup.check answers through the index exactly what the comparison with every record finds.
            Result<std::vector<DuplicateMatch>> indexed = f.dedup().Check("admin", "Lead", lead, 0);
            REQUIRE(indexed.ok());
            CHECK(Found(*indexed) == Found(*every));
            SaveResult r = f.ws->records().Create("admin", "Lead", lead);
            CAPTURE(lead.dump());
            CAPTURE(r.ok() ? "" : r.errors[0].message);
            if (!r.ok() && r.errors[0].code != "data.duplicate_blocked") {
                ++invalid;  // a generated value the types stage refuses (before the duplicate stage)
                continue;
            }
            CHECK(every->empty() == r.ok());
            (r.ok() ? saved : blocked)++;
            // An update of a saved record is checked without itself.
            if (r.ok() && i % 7 == 0) {
                const json change = {{"Company", gen.Next()["Company"]}};
                Result<std::vector<DuplicateMatch>> upd =
                    f.dedup().CheckEveryRecord("admin", "Lead", change, r.id);
                REQUIRE(upd.ok());
                Result<std::vector<DuplicateMatch>> upd_indexed = f.dedup().Check("admin", "Lead", change, r.id);
                REQUIRE(upd_indexed.ok());
                CHECK(Found(*upd_indexed) == Found(*upd));
                CHECK(upd->empty() == f.ws->records().Update("admin", "Lead", r.id, change).ok());
            }
        }
        CHECK(invalid < 40);
        CHECK(blocked > 50);
        CHECK(saved > 50);
        CHECK(f.dedup().IndexedRecords("Lead") == f.Count("rec_lead"));
    }

    TEST_CASE("rows of one batch are compared with one another") {
        Fixture f;
        f.SaveRule(kBlockName);
        BatchResult batch = f.ws->records().CreateBatch(
            "admin", "Account", {{{"Name", "Fresh Co"}}, {{"Name", "Other"}}, {{"Name", "FRESH Co., Ltd."}}});
        REQUIRE_FALSE(batch.ok());
        CHECK(batch.failed_index == 2);
        CHECK(batch.errors[0].code == "data.duplicate_blocked");
        CHECK(batch.errors[0].message.find("Fresh Co") != std::string::npos);
        // The batch rolled back whole: nothing of it is left in the index either.
        CHECK(f.Count("rec_account") == 0);
        CHECK_FALSE(f.Blocked({{"Name", "Fresh Co"}}));
        // The import's way (SaveEach): the duplicate row fails, the others go in.
        std::vector<EachRow> rows(3);
        rows[0].values = {{"Name", "Northwind"}};
        rows[1].values = {{"Name", "Southwind"}};
        rows[2].values = {{"Name", "Northwind Inc."}};
        Result<std::vector<SaveResult>> each = f.ws->records().SaveEach("admin", "Account", rows, nullptr);
        REQUIRE(each.ok());
        CHECK((*each)[0].ok());
        CHECK((*each)[1].ok());
        REQUIRE_FALSE((*each)[2].ok());
        CHECK((*each)[2].errors[0].code == "data.duplicate_blocked");
        CHECK(f.dedup().IndexedRecords("Account") == f.Count("rec_account"));
    }

    TEST_CASE("a change rolled back takes its keys out of the index, whole or a savepoint of it") {
        Fixture f;
        f.SaveRule(kBlockName);
        CHECK_FALSE(f.Blocked({{"Name", "Kept"}}));
        const int64_t kept = f.dedup().IndexedRecords("Account");
        CHECK(kept == 1);
        int64_t renamed = 0;
        {
            ChangeScope outer(f.ws->changes(), "admin");
            REQUIRE(outer.begin_status().ok());
            SaveResult a = f.ws->records().Create("admin", "Account", {{"Name", "Ghost Ltd"}});
            REQUIRE(a.ok());
            renamed = a.id;
            // Inside the change the new record counts.
            CHECK(f.Blocked({{"Name", "GHOST"}}));
            {
                ChangeScope inner(f.ws->changes(), "admin");
                REQUIRE(inner.begin_status().ok());
                REQUIRE(f.ws->records().Update("admin", "Account", renamed, {{"Name", "Phantom"}}).ok());
                CHECK(f.Blocked({{"Name", "phantom inc"}}));
                CHECK_FALSE(f.Blocked({{"Name", "Ghost"}}));
            }  // the savepoint rolls back: the record is "Ghost Ltd" again
            CHECK(f.Blocked({{"Name", "Ghost"}}));
            CHECK_FALSE(f.Blocked({{"Name", "Phantom"}}));
            REQUIRE(f.ws->records().Delete("admin", "Account", renamed).ok());
            CHECK_FALSE(f.Blocked({{"Name", "Ghost"}}));
        }  // the whole change rolls back
        CHECK(f.Count("rec_account") == 1);
        CHECK(f.dedup().IndexedRecords("Account") == 1);
        CHECK_FALSE(f.Blocked({{"Name", "Ghost"}}));
        CHECK(f.Blocked({{"Name", "KEPT Inc."}}));
    }

    TEST_CASE("the index follows deletes, restores from the recycle bin, bulk inserts and rule changes") {
        Fixture f;
        f.SaveRule(kBlockName);
        SaveResult a = f.ws->records().Create("admin", "Account", {{"Name", "Binned GmbH"}});
        REQUIRE(a.ok());
        CHECK(f.Blocked({{"Name", "binned"}}));
        CHECK_FALSE(f.Blocked({{"Name", "Anchor"}}));  // a later id: the binned one's is not taken again
        REQUIRE(f.ws->records().Delete("admin", "Account", a.id).ok());
        CHECK_FALSE(f.Blocked({{"Name", "Binned Ltd"}}));  // the deleted one no longer counts; this one does
        CHECK(f.Blocked({{"Name", "Binned"}}));
        Statement entry = f.ws->db().Prepare("SELECT id FROM recycle_bin WHERE record_id = ?1");
        entry.Bind(1, a.id);
        REQUIRE(entry.Step());
        const int64_t entry_id = entry.Int(0);
        entry.Reset();
        Result<RecycleOutcome> restored = f.ws->data().recycle().Restore("admin", {{entry_id}, ""});
        CAPTURE(restored.ok() ? "" : restored.error().message);
        REQUIRE(restored.ok());
        CHECK(f.dedup().IndexedRecords("Account") == f.Count("rec_account"));
        // The unchecked bulk insert names no ids: the index is read again.
        int left = 2;
        REQUIRE(f.ws->records()
                    .BulkInsertUnchecked("admin", "Account", {"Name"},
                                         [&](std::vector<formula::Value>& row) {
                                             if (left-- == 0) return false;
                                             row[0] = formula::Value::Text(left ? "Bulk One" : "Bulk Two");
                                             return true;
                                         })
                    .ok());
        CHECK(f.dedup().IndexedRecords("Account") == -1);
        CHECK(f.Blocked({{"Name", "bulk two inc"}}));
        // Built inside the blocked save's change, it went with that change's rollback; a save kept keeps it.
        CHECK(f.dedup().IndexedRecords("Account") == -1);
        CHECK_FALSE(f.Blocked({{"Name", "Bulk Three"}}));
        CHECK(f.dedup().IndexedRecords("Account") == f.Count("rec_account"));
        CHECK(f.Blocked({{"Name", "bulk one gmbh"}}));
        // A new rule builds a new index over its own keys.
        f.SaveRule({{"object", "Account"},
                    {"name", "Same_company"},
                    {"action", "block"},
                    {"conditions", {{{"field", "Phone"}, {"method", "phone"}}}}});
        CHECK(f.dedup().IndexedRecords("Account") == -1);
        CHECK_FALSE(f.Blocked({{"Name", "Bulk One"}, {"Phone", "138 0013 8000"}}));
        CHECK(f.Blocked({{"Name", "Else"}, {"Phone", "+86 13800138000"}}));
    }
}
