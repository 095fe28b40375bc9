// Notification benchmark:
//   notify.fanout_ms     one close-date notification on an Opportunity to "Role 0" and every role below it
//                        in the demo's large organisation (10,000 users, 200 roles of depth 8): recipients
//                        resolved, each one's access to the record and its fields checked, the template
//                        rendered in each user's language, an inbox entry each, and an email each handed to
//                        the sink (target <= 500)
//   notify.inbox_ms      the reference, in the same process: the same 10,000 inbox entries written by the
//                        workflow inbox alone (one draft, one title) in one change
//   notify.fanout_ratio  fanout over the reference
//   notify.fanout_ms_wasm the fan-out in the wasm build (when built)
//   reminders.*          reminders_bench.cpp (native only: reminders.schedule_ratio, target <= 1.5)
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "audit/change.h"
#include "bench_util.h"
#include "demo/demo_company.h"
#include "notify/notify.h"
#include "workflow/automation.h"
#include "workflow/notifications.h"
#include "workspace.h"

using namespace crm;

namespace {

constexpr int64_t kNow = 1'795'712'400'000;

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "bench_notify: %s\n", what.c_str());
    std::exit(1);
}

std::map<std::string, double> Measure() {
    FixedClock clock(kNow);
    auto opened = Workspace::Open(":memory:", {&clock, false});
    if (!opened.ok()) Die(opened.error().message);
    Workspace& ws = **opened;
    DemoOptions demo;
    demo.large_organization = true;
    if (Status s = GenerateDemoCompany(ws, demo); !s.ok()) Die(s.error().message);
    NotifyService& n = NotifyOf(ws);
    size_t queued = 0;
    n.SetSink([&queued](ChangeScope&, const QueuedMessage& m) {
        queued += m.text.size() > 0 ? 1 : 0;
        return Status::Ok();
    });
    // Every user receives email for this type; the inbox and the pop-up are on by default.
    if (Status s = n.SetOrgPreference("admin", {"close_date_approaching", "email", true, true}); !s.ok())
        Die(s.error().message);
    NotifyEvent e;
    e.type = "close_date_approaching";
    e.roles = {"Role 0"};
    e.object = "Opportunity";
    e.record_id = 1;
    int recipients = 0;
    // Each run rolls back, so every run writes into the same inbox sizes.
    const double fanout = bench::BestSeconds(3, [&] {
        ChangeScope scope(ws.changes(), "admin");
        Result<FanoutReport> r = n.Notify(scope, e);
        if (!r.ok()) Die(r.error().message);
        recipients = r->recipients;
    });
    std::vector<std::string> users;
    for (const User& u : ws.access().Users())
        if (u.active) users.push_back(u.username);
    const double inbox = bench::BestSeconds(3, [&] {
        ChangeScope scope(ws.changes(), "admin");
        NotificationDraft d;
        d.recipients = users;
        d.title = "Opportunity closes soon";
        d.body = "A reference notification of the same size as the rendered one.";
        d.object = "Opportunity";
        d.record_id = 1;
        if (Status s = ws.automation().notifications().Notify(scope, d); !s.ok()) Die(s.error().message);
    });
    if (recipients < 10'000) Die("the fan-out reached " + std::to_string(recipients) + " users, not 10,000");
    return {{"notify.recipients", recipients},
            {"notify.fanout_ms", fanout * 1000},
            {"notify.inbox_ms", inbox * 1000},
            {"notify.fanout_ratio", fanout / inbox}};
}

}  // namespace

std::map<std::string, double> MeasureReminders();  // reminders_bench.cpp

int main(int argc, char** argv) {
    const std::string wasm_js = bench::WasmJsArg(argc, argv);
    // CRM_BENCH_REMINDERS_ONLY: the reminders' figures alone (a quick look).
    std::map<std::string, double> native =
        std::getenv("CRM_BENCH_REMINDERS_ONLY") ? std::map<std::string, double>{} : Measure();
    for (const auto& [name, value] : native) bench::Figure(name, value);
#ifndef __EMSCRIPTEN__
    for (const auto& [name, value] : MeasureReminders()) bench::Figure(name, value);
#endif
    std::map<std::string, double> wasm = bench::RunWasmTwin(wasm_js);
    if (wasm.count("notify.fanout_ms")) bench::Figure("notify.fanout_ms_wasm", wasm["notify.fanout_ms"]);
    return 0;
}
