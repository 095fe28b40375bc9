// The organization the report suites run in: Opportunities of three owners under a Private default, a
// field reps cannot read (Secret__c), generated amounts, stages and close dates; New York time, a fiscal
// year starting in April.
#pragma once
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "api/command_api.h"
#include "workspace.h"

namespace crm::test {

constexpr int64_t kReportNow = 1795712400000;  // 2026-11-26T17:00:00Z

struct ReportFixture {
    FixedClock clock{kReportNow};
    std::unique_ptr<Workspace> ws;
    std::unique_ptr<CommandApi> api;
    int64_t rep1_id = 0, rep2_id = 0;

    explicit ReportFixture(int opportunities = 400) {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        api = std::make_unique<CommandApi>(*ws);
        const nlohmann::json setup[] = {
            {{"cmd", "company.update"},
             {"args", {{"time_zone", "America/New_York"}, {"fiscal_year_start_month", 4}}}},
            {{"cmd", "fields.create"},
             {"args",
              {{"object", "Opportunity"},
               {"field",
                {{"api_name", "Secret__c"}, {"label", "Secret"}, {"type", "number"}, {"scale", 0}}}}}},
            {{"cmd", "roles.create"}, {"args", {{"name", "Boss"}}}},
            {{"cmd", "roles.create"}, {"args", {{"name", "Rep"}, {"parent", "Boss"}}}},
            {{"cmd", "profiles.create"}, {"args", {{"name", "Rep Profile"}}}},
            {{"cmd", "profiles.set_object"},
             {"args",
              {{"name", "Rep Profile"},
               {"object", "Opportunity"},
               {"permissions", {"read", "create", "edit"}}}}},
            {{"cmd", "profiles.set_object"},
             {"args", {{"name", "Rep Profile"}, {"object", "Account"}, {"permissions", {"read"}}}}},
            {{"cmd", "profiles.set_field"},
             {"args",
              {{"name", "Rep Profile"}, {"object", "Opportunity"}, {"field", "Secret__c"}, {"read", false}}}},
            {{"cmd", "users.create"},
             {"args",
              {{"username", "rep1"},
               {"full_name", "Rep One"},
               {"email", "r1@example.com"},
               {"profile", "Rep Profile"},
               {"role", "Rep"}}}},
            {{"cmd", "users.create"},
             {"args",
              {{"username", "rep2"},
               {"full_name", "Rep Two"},
               {"email", "r2@example.com"},
               {"profile", "Rep Profile"},
               {"role", "Rep"}}}},
            {{"cmd", "sharing.set"}, {"args", {{"object", "Opportunity"}, {"owd", "private"}}}},
            {{"cmd", "sharing.set"}, {"args", {{"object", "Account"}, {"owd", "private"}}}},
        };
        for (const nlohmann::json& request : setup) {
            nlohmann::json r = api->Execute(request);
            CAPTURE(request.dump());
            CAPTURE(r.dump());
            REQUIRE(r["ok"] == true);
        }
        rep1_id = ws->access().GetUser("rep1")->id;
        rep2_id = ws->access().GetUser("rep2")->id;
        // Accounts: two industries, one owned by each rep.
        const char* industries[] = {"Technology", "Banking"};
        for (int i = 0; i < 4; ++i) {
            nlohmann::json values = {{"Name", "Account " + std::to_string(i + 1)},
                                     {"Industry", industries[i % 2]},
                                     {"OwnerId", i == 0   ? rep1_id
                                                 : i == 1 ? rep2_id
                                                          : 1}};
            REQUIRE(ws->records().Create(kSystemActor, "Account", values).ok());
        }
        // Opportunities: a deterministic pseudo-random spread.
        uint32_t x = 12345;
        auto next = [&x]() {
            x = x * 1103515245u + 12345u;
            return (x >> 8) & 0xFFFFFF;
        };
        const char* stages[] = {"Prospecting", "Qualification", "Proposal",
                                "Negotiation", "Closed Won",    "Closed Lost"};
        int n = 0;
        Status s = ws->records().BulkInsertUnchecked(
            kSystemActor, "Opportunity",
            {"Name", "StageName", "Amount", "CloseDate", "OwnerId", "AccountId", "Secret__c"},
            [&](std::vector<formula::Value>& row) {
                if (n >= opportunities) return false;
                ++n;
                const uint32_t r = next();
                const int owner = static_cast<int>(r % 3);
                row = {formula::Value::Text("Opp " + std::to_string(n)),
                       formula::Value::Picklist(stages[next() % 6]),
                       n % 17 == 0 ? formula::Value::Blank(formula::ValueType::Number)
                                   : formula::Value::Number(static_cast<double>(next() % 1000000)),
                       formula::Value::Date(formula::DaysFromCivil(2025, 1, 1) + next() % 1000),
                       formula::Value::Number(static_cast<double>(owner == 0   ? 1
                                                                  : owner == 1 ? rep1_id
                                                                               : rep2_id)),
                       formula::Value::Text(std::to_string(1 + next() % 4)),
                       formula::Value::Number(static_cast<double>(next() % 50))};
                return true;
            });
        REQUIRE(s.ok());
        // Cents on the amounts, so that sums and averages are decimals.
        REQUIRE(ws->db()
                    .Exec("UPDATE rec_opportunity SET amount = amount / 100.0 WHERE amount IS NOT NULL")
                    .ok());
    }

    nlohmann::json Run(const nlohmann::json& report, const std::string& as = "", nlohmann::json extra = {}) {
        nlohmann::json args = {{"report", report}};
        if (extra.is_object()) args.update(extra);
        nlohmann::json request = {{"cmd", "reports.run"}, {"args", args}};
        if (!as.empty()) request["as"] = as;
        return api->Execute(request);
    }
};

}  // namespace crm::test
