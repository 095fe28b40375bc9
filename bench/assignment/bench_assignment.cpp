// Assignment benchmark: round-robin over a 100-member team.
//   workflow.assign_per_s        AssignOwner calls per second on stored Leads: the rule matched, the next
//                                active member picked, the position persisted, the owner saved through the
//                                records pipeline (one change of CRM_BENCH_ASSIGNMENTS, 20,000 by default)
//   workflow.assign_ref_per_s    the reference, same run: the same owner changes saved directly through the
//                                pipeline, the member chosen by the benchmark (no rules)
//   workflow.assign_overhead     assign time over reference time (what the rules add to a plain re-owning)
//   workflow.assign_wasm_ratio   the twin run (2,000 assignments) in the wasm build over native
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "bench_util.h"
#include "workspace.h"

using namespace crm;

namespace {

constexpr int64_t kNow = 1'795'712'400'000;
constexpr int kMembers = 100;
constexpr int kTwin = 2'000;

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "bench_assignment: %s\n", what.c_str());
    std::exit(1);
}

std::string FreshPath(const std::string& name) {
    std::filesystem::create_directories("bench_tmp");
    std::string path = "bench_tmp/" + name;
    bench::RemoveWorkspace(path);
    return path;
}

struct Org {
    std::unique_ptr<Workspace> ws;
    std::vector<int64_t> members;  ///< user ids, in id order
    std::vector<int64_t> leads;
};

std::unique_ptr<Org> Build(const std::string& file, const FixedClock& clock, int leads) {
    auto org = std::make_unique<Org>();
    auto ws = Workspace::Open(FreshPath(file), {&clock, false});
    if (!ws.ok()) Die(ws.error().message);
    org->ws = std::move(ws.value());
    AccessService& a = org->ws->access();
    Status s = a.Batch("admin", [&]() -> Status {
        if (auto t = a.CreateTeam("admin", "Round Robin", ""); !t.ok()) return t.error();
        for (int i = 0; i < kMembers; ++i) {
            User u;
            u.username = "rep" + std::to_string(i);
            u.full_name = "Rep " + std::to_string(i);
            u.email = u.username + "@example.com";
            u.profile = "System Administrator";
            Result<User> made = a.CreateUser("admin", u);
            if (!made.ok()) return made.error();
            org->members.push_back(made->id);
            if (Status m = a.AddTeamMember("admin", "Round Robin", u.username); !m.ok()) return m;
        }
        return Status::Ok();
    });
    if (!s.ok()) Die(s.error().message);
    int i = 0;
    s = org->ws->records().BulkInsertUnchecked(kSystemActor, "Lead", {"Name", "Company", "Status", "OwnerId"},
                                               [&](std::vector<formula::Value>& row) {
                                                   if (i >= leads) return false;
                                                   row[0] =
                                                       formula::Value::Text("Lead " + std::to_string(i++));
                                                   row[1] = formula::Value::Text("Acme");
                                                   row[2] = formula::Value::Picklist("Open - Not Contacted");
                                                   row[3] = formula::Value::Number(1);
                                                   return true;
                                               });
    if (!s.ok()) Die(s.error().message);
    Statement ids = org->ws->db().Prepare("SELECT id FROM rec_lead ORDER BY id");
    while (ids.Step()) org->leads.push_back(ids.Int(0));
    AssignmentEntry e;
    e.object = "Lead";
    e.name = "Everyone";
    e.kind = AssignKind::RoundRobin;
    e.team = "Round Robin";
    if (auto r = org->ws->assignment().Create("admin", e); !r.ok()) Die(r.error().message);
    return org;
}

/// Seconds for AssignOwner on every lead, in one change; checks the rotation was fair.
double AssignSeconds(Org& org) {
    std::map<std::string, int> per_member;
    const double seconds = bench::BestSeconds(1, [&] {
        ChangeScope scope(org.ws->changes(), "admin");
        for (int64_t id : org.leads) {
            Result<AssignmentOutcome> out = org.ws->assignment().AssignOwner(scope, "Lead", id);
            if (!out.ok()) Die(out.error().message);
            ++per_member[out->owner];
        }
        if (Status s = scope.Commit(); !s.ok()) Die(s.error().message);
    });
    if (per_member.size() != static_cast<size_t>(std::min<size_t>(kMembers, org.leads.size())))
        Die("not every member had a turn");
    for (const auto& [who, n] : per_member)
        if (n != static_cast<int>(org.leads.size() / kMembers)) Die("an unfair rotation: " + who);
    return seconds;
}

#ifndef __EMSCRIPTEN__
/// Seconds for the same owner changes saved directly (the reference).
double ReferenceSeconds(Org& org) {
    return bench::BestSeconds(1, [&] {
        ChangeScope scope(org.ws->changes(), "admin");
        size_t turn = 0;
        for (int64_t id : org.leads) {
            const int64_t owner = org.members[(turn++ + 7) % org.members.size()];
            SaveResult r = org.ws->records().Update(kSystemActor, "Lead", id, {{"OwnerId", owner}});
            if (!r.ok()) Die(r.errors.front().message);
        }
        if (Status s = scope.Commit(); !s.ok()) Die(s.error().message);
    });
}

int Assignments() {
    if (const char* env = std::getenv("CRM_BENCH_ASSIGNMENTS")) return std::max(kMembers, std::atoi(env));
    return 20'000;
}
#endif

}  // namespace

int main(int argc, char** argv) {
    const std::string wasm_js = bench::WasmJsArg(argc, argv);
    FixedClock clock(kNow);
    double twin_seconds = 0;
    {
        auto twin = Build("assignment_twin.db", clock, kTwin);
        twin_seconds = AssignSeconds(*twin);
    }
    bench::Figure("workflow.assign_twin_s", twin_seconds);
#ifndef __EMSCRIPTEN__
    const int n = Assignments();
    auto org = Build("assignment.db", clock, n);
    const double reference = ReferenceSeconds(*org);
    const double assign = AssignSeconds(*org);
    bench::Figure("workflow.assign_members", kMembers);
    bench::Figure("workflow.assign_count", n);
    bench::Figure("workflow.assign_per_s", n / assign);
    bench::Figure("workflow.assign_ref_per_s", n / reference);
    bench::Figure("workflow.assign_overhead", assign / reference);
    std::map<std::string, double> wasm = bench::RunWasmTwin(wasm_js);
    if (wasm.count("workflow.assign_twin_s"))
        bench::Figure("workflow.assign_wasm_ratio", wasm["workflow.assign_twin_s"] / twin_seconds);
#endif
    return 0;
}
