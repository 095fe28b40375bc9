// The organisation the notify suites share: a role tree (CEO > Sales Manager > Sales Rep), users in both
// languages and several time zones, an Opportunity whose Amount a Sales Rep's profile hides, and a sink
// that keeps what the fan-out queues.
#pragma once
#include <doctest/doctest.h>

#include "api/command_api.h"
#include "notify/notify.h"
#include "workspace.h"

namespace crm::test {

struct NotifyFixture {
    FixedClock clock;
    std::unique_ptr<Workspace> ws;
    std::unique_ptr<CommandApi> api;
    std::vector<QueuedMessage> queued;

    explicit NotifyFixture(int64_t now_ms = 1795712400000 /* 2026-11-26T17:00:00Z */) : clock(now_ms) {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        api = std::make_unique<CommandApi>(*ws);
        NotifyOf(*ws).SetSink([this](ChangeScope&, const QueuedMessage& m) {
            queued.push_back(m);
            return Status::Ok();
        });
        using nlohmann::json;
        const json setup[] = {
            {{"cmd", "company.update"}, {"args", {{"currency", "CNY"}, {"date_format", "YYYY年MM月DD日"}}}},
            {{"cmd", "roles.create"}, {"args", {{"name", "CEO"}}}},
            {{"cmd", "roles.create"}, {"args", {{"name", "Sales Manager"}, {"parent", "CEO"}}}},
            {{"cmd", "roles.create"}, {"args", {{"name", "Sales Rep"}, {"parent", "Sales Manager"}}}},
            {{"cmd", "roles.create"}, {"args", {{"name", "Support"}}}},
            {{"cmd", "profiles.create"}, {"args", {{"name", "Rep"}}}},
            {{"cmd", "profiles.set_object"},
             {"args",
              {{"name", "Rep"}, {"object", "Opportunity"}, {"permissions", {"read", "create", "edit"}}}}},
            {{"cmd", "profiles.set_field"},
             {"args", {{"name", "Rep"}, {"object", "Opportunity"}, {"field", "Amount"}, {"read", false}}}},
            {{"cmd", "users.create"},
             {"args",
              {{"username", "mia"},
               {"full_name", "Mia Manager"},
               {"email", "mia@example.com"},
               {"phone", "+8613800000001"},
               {"profile", "System Administrator"},
               {"role", "Sales Manager"},
               {"language", "zh-CN"},
               {"time_zone", "Asia/Shanghai"}}}},
            {{"cmd", "users.create"},
             {"args",
              {{"username", "rex"},
               {"full_name", "Rex Rep"},
               {"email", "rex@example.com"},
               {"phone", "555-1234"},
               {"profile", "Rep"},
               {"role", "Sales Rep"},
               {"language", "en"},
               {"time_zone", "America/New_York"}}}},
            {{"cmd", "users.create"},
             {"args",
              {{"username", "sam"},
               {"full_name", "Sam Support"},
               {"email", "sam@example.com"},
               {"profile", "Rep"},
               {"role", "Support"},
               {"language", "en"},
               {"time_zone", "Europe/London"}}}},
            {{"cmd", "records.create"},
             {"args",
              {{"object", "Opportunity"},
               {"values",
                {{"Name", "Big Deal"},
                 {"StageName", "Prospecting"},
                 {"Amount", 1234567.5},
                 {"CloseDate", "2026-12-15"}}}}}},
            {{"cmd", "sharing.set"}, {"args", {{"object", "Opportunity"}, {"owd", "public_read"}}}},
        };
        for (const json& request : setup) {
            json r = api->Execute(request);
            CAPTURE(request.dump());
            CAPTURE(r.dump());
            REQUIRE(r["ok"] == true);
        }
    }

    NotifyService& notify() { return NotifyOf(*ws); }

    nlohmann::json Run(const std::string& command, const nlohmann::json& args, const std::string& as = "") {
        nlohmann::json request = {{"cmd", command}, {"args", args}};
        if (!as.empty()) request["as"] = as;
        return api->Execute(request);
    }
};

}  // namespace crm::test
