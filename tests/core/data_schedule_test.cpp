// Scheduled backups: daily or weekly at a company time, run through the workflow scheduler (kind "backup"),
// the automatic backups pruned to `keep`, the next run queued after each; checked settings.
#include <doctest/doctest.h>

#include <filesystem>

#include "api/command_api.h"
#include "data/backup.h"
#include "workflow/automation.h"
#include "workflow/scheduler.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1795712400000;  // 2026-11-26T17:00:00Z, a Thursday
constexpr int64_t kHour = 3'600'000;

struct Fixture {
    FixedClock clock{kNow};
    std::unique_ptr<Workspace> ws;
    std::unique_ptr<CommandApi> api;
    std::string folder;
    Fixture() {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        api = std::make_unique<CommandApi>(*ws);
        folder = (std::filesystem::temp_directory_path() / "crm_schedule_test").string();
        std::filesystem::remove_all(folder);
        REQUIRE(Run("company.update", {{"time_zone", "Asia/Shanghai"}})["ok"] == true);
    }
    ~Fixture() { std::filesystem::remove_all(folder); }
    json Run(const char* cmd, const json& args) { return api->Execute(json{{"cmd", cmd}, {"args", args}}); }
    BackupService& backups() { return ws->data().backups(); }
    void RunDueAt(int64_t at) {
        clock.Set(at);
        Result<RunDueReport> r = ws->automation().scheduler().RunDue("admin", at);
        REQUIRE(r.ok());
        for (const ScheduledItem& item : r->ran) {
            CAPTURE(item.error);
            CHECK(item.state == "done");
        }
    }
};

}  // namespace

TEST_SUITE("data.schedule") {
    TEST_CASE("a daily backup at 02:00 company time runs through the scheduler and keeps the last N") {
        Fixture f;
        json r = f.Run("backup.schedule",
                       {{"enabled", true}, {"time", "02:00"}, {"keep", 2}, {"folder", f.folder}});
        CAPTURE(r.dump());
        REQUIRE(r["ok"] == true);
        // 02:00 in Shanghai on Nov 27 is 18:00 UTC on Nov 26.
        const int64_t first = kNow + kHour;
        CHECK(r["result"]["next_run"] == FormatUtcIso8601(first));
        CHECK(f.backups().NextScheduledMs() == first);
        f.RunDueAt(first - 1);
        CHECK(f.backups().AutomaticBackups().empty());
        for (int day = 0; day < 3; ++day) f.RunDueAt(first + day * 24 * kHour + 5 * 60'000);
        std::vector<std::string> kept = f.backups().AutomaticBackups();
        REQUIRE(kept.size() == 2);
        CHECK(kept[0].find("crm-auto-20261128-1805") != std::string::npos);
        CHECK(f.backups().NextScheduledMs() == first + 3 * 24 * kHour);
        // Each is a whole backup.
        Result<BackupCheck> check = f.backups().Inspect("admin", kept[0]);
        CHECK(check.ok());
    }

    TEST_CASE("weekly on a weekday; disabling drops the queued run; bad settings name their key") {
        Fixture f;
        json r = f.Run("backup.schedule", {{"enabled", true},
                                           {"frequency", "weekly"},
                                           {"weekday", 6},
                                           {"time", "03:30"},
                                           {"folder", f.folder}});
        REQUIRE(r["ok"] == true);
        // Sunday Nov 29, 03:30 in Shanghai = Saturday Nov 28, 19:30 UTC.
        CHECK(r["result"]["next_run"] == FormatUtcIso8601(kNow + 50 * kHour + 30 * 60'000));
        r = f.Run("backup.schedule", {{"enabled", false}});
        REQUIRE(r["ok"] == true);
        CHECK(r["result"]["next_run"].is_null());
        CHECK(r["result"]["schedule"]["frequency"] == "weekly");
        r = f.Run("backup.schedule", {{"time", "25:00"}});
        CHECK(r["ok"] == false);
        CHECK(r["error"]["field"] == "time");
        r = f.Run("backup.schedule", {{"keep", 0}});
        CHECK(r["error"]["field"] == "keep");
        // A workspace in memory has no folder of its own.
        r = f.Run("backup.schedule", {{"enabled", true}, {"folder", ""}});
        CHECK(r["error"]["field"] == "folder");
    }
}
