// reminders.schedule_ratio: saving 100,000 Opportunities (batches of 1,000 through the full save pipeline)
// with three reminder rules active, over the same saves with none, in the same process (target <= 1.5).
//   reminders.saves_ms       the saves without reminders (the reference)
//   reminders.saves_rules_ms the same saves with three rules: a day before the close date at 09:00 until
//                            Closed Won/Lost; every day from a week before, until then; two hours after,
//                            three times
//   reminders.pending        the scheduler items queued by the run with rules (one per record)
//   reminders.schedule_ratio_cpu the same ratio in the thread's CPU time (steadier on a loaded machine)
// CRM_BENCH_REMINDER_RECORDS overrides the 100,000 (a quick look).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "bench_util.h"
#include "notify/reminder.h"
#include "workflow/automation.h"
#include "workspace.h"

using namespace crm;

namespace {

constexpr int64_t kNow = 1'795'712'400'000;  // 2026-11-26T17:00:00Z

/// The calling thread's CPU time in seconds.
double ThreadCpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "bench_notify (reminders): %s\n", what.c_str());
    std::exit(1);
}

/// Seconds to save `records` Opportunities, with the three rules or without (`cpu`: the thread's CPU
/// seconds).
double SaveAll(int records, bool with_rules, int64_t* pending, double* cpu) {
    FixedClock clock(kNow);
    auto opened = Workspace::Open(":memory:", {&clock, false});
    if (!opened.ok()) Die(opened.error().message);
    Workspace& ws = **opened;
    if (with_rules) {
        const char* until = "ISPICKVAL(StageName, \"Closed Won\") || ISPICKVAL(StageName, \"Closed Lost\")";
        ReminderRule a;
        a.name = "A day before";
        a.object = "Opportunity";
        a.date_field = "CloseDate";
        a.at_minute = 9 * 60;
        a.until = until;
        ReminderRule b = a;
        b.name = "Every day from a week before";
        b.offset = 7;
        b.repeat_every = 1;
        ReminderRule c = a;
        c.name = "Two hours after, three times";
        c.offset = 2;
        c.unit = "hours";
        c.before = false;
        c.at_minute = -1;
        c.until.clear();
        c.repeat_every = 2;
        c.repeat_unit = "hours";
        c.repeat_count = 3;
        for (const ReminderRule& r : {a, b, c})
            if (Result<ReminderRule> s = RemindersOf(ws).Save("admin", r); !s.ok()) Die(s.error().message);
    }
    const char* stages[] = {"Prospecting", "Qualification", "Negotiation"};
    const double cpu0 = ThreadCpuSeconds();
    const double seconds = bench::BestSeconds(1, [&] {
        for (int done = 0; done < records;) {
            std::vector<nlohmann::json> rows;
            for (int i = 0; i < 1000 && done < records; ++i, ++done) {
                char date[16];
                const int day = 1 + done % 28, month = 1 + (done / 28) % 12;
                std::snprintf(date, sizeof date, "2027-%02d-%02d", month, day);
                rows.push_back({{"Name", "Deal " + std::to_string(done)},
                                {"StageName", stages[done % 3]},
                                {"Amount", 1000 + done % 5000},
                                {"CloseDate", date}});
            }
            BatchResult r = ws.records().CreateBatch("admin", "Opportunity", rows);
            if (!r.ok()) Die(r.errors.front().message);
        }
    });
    *cpu = ThreadCpuSeconds() - cpu0;
    if (pending) *pending = ws.automation().scheduler().PendingCount();
    return seconds;
}

}  // namespace

std::map<std::string, double> MeasureReminders() {
    int records = 100'000;
    if (const char* n = std::getenv("CRM_BENCH_REMINDER_RECORDS")) records = std::max(1000, std::atoi(n));
    int64_t pending = 0;
    double plain_cpu = 0, rules_cpu = 0;
    const double plain = SaveAll(records, false, nullptr, &plain_cpu);
    const double with_rules = SaveAll(records, true, &pending, &rules_cpu);
    return {{"reminders.records", records},
            {"reminders.saves_ms", plain * 1000},
            {"reminders.saves_rules_ms", with_rules * 1000},
            {"reminders.pending", static_cast<double>(pending)},
            {"reminders.schedule_ratio", with_rules / plain},
            {"reminders.schedule_ratio_cpu", rules_cpu / plain_cpu}};
}
