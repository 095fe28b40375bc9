// The demo company: the same seed gives the same company, on every target.
#include <doctest/doctest.h>

#include <set>

#include "api/command_api.h"
#include "demo/demo_company.h"
#include "test_util.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1795712400000;

// Generates into a new file and answers what the API shows of it: the profile and the trail.
json GenerateAndDescribe(const std::string& name, uint64_t seed) {
    FixedClock clock(kNow);
    WorkspaceOptions o;
    o.clock = &clock;
    auto ws = Workspace::Open(test::TempPath(name), o);
    REQUIRE(ws.ok());
    DemoOptions demo;
    demo.seed = seed;
    Status s = GenerateDemoCompany(**ws, demo);
    REQUIRE(s.ok());
    CommandApi api(**ws);
    json trail = api.Execute(json{{"cmd", "audit.list"}, {"args", {{"limit", 1000}, {"desc", false}}}});
    return json{{"company", api.Execute(json{{"cmd", "company.get"}})["result"]}, {"audit", trail["result"]}};
}

}  // namespace

TEST_SUITE("demo") {
    TEST_CASE("the same seed generates the same company and the same audit trail") {
        json a = GenerateAndDescribe("demo_a.db", 42);
        json b = GenerateAndDescribe("demo_b.db", 42);
        CHECK(a == b);
        CHECK(a["audit"]["total"].get<int>() > 0);
    }

    TEST_CASE("the demo company is valid, made by the demo actor, in CNY and Shanghai time") {
        for (uint64_t seed : {0ull, 1ull, 2ull, 3ull, 12345678901234ull}) {
            CAPTURE(seed);
            json d = GenerateAndDescribe("demo_valid.db", seed);
            auto profile = CompanyProfileFromJson(d["company"], CompanyProfile{});
            REQUIRE(profile.ok());
            CHECK(ValidateCompanyProfile(*profile).empty());
            CHECK(profile->currency == "CNY");
            CHECK(profile->time_zone == "Asia/Shanghai");
            for (const json& e : d["audit"]["entries"]) {
                CHECK(e["actor"] == kSystemActor);
                const std::string area = e["area"];
                CHECK(std::set<std::string>{"company", "schema", "users", "roles", "teams", "profiles",
                                            "permsets", "sharing", "workflow", "processes", "assignment",
                                            "approvals", "reports", "data", "notify"}
                          .count(area) == 1);
            }
        }
    }

    TEST_CASE("different seeds give different companies") {
        std::set<std::string> companies;
        for (uint64_t seed = 1; seed <= 8; ++seed) {
            companies.insert(GenerateAndDescribe("demo_seeds.db", seed)["company"].dump());
        }
        CHECK(companies.size() >= 4);
    }

    TEST_CASE("the generator refuses a workspace that already holds data") {
        auto ws = Workspace::Open(":memory:");
        REQUIRE(ws.ok());
        CompanyProfile p;
        p.name = "Real data";
        REQUIRE((*ws)->company().Update("alice", p).ok());
        Status s = GenerateDemoCompany(**ws, DemoOptions{});
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().code == "demo.not_empty");
        CHECK((*ws)->company().Get()->name == "Real data");
    }

    TEST_CASE("a scale out of range is refused") {
        auto ws = Workspace::Open(":memory:");
        REQUIRE(ws.ok());
        DemoOptions o;
        o.scale = 0;
        Status s = GenerateDemoCompany(**ws, o);
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().field == "scale");
    }
}
