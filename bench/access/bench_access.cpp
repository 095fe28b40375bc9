// Access engine benchmark on the large demo organization (10,000 users, 200 roles of depth 8, 100 sharing
// rules) with CRM_BENCH_RECORDS opportunities (1,000,000 by default) owned by its reps:
//   access.decide_per_s        single-record decisions per second, one core (target >= 1,000,000)
//   access.wasm_ratio          the same decisions' time in the wasm build over native, on a twin
//                              organization with 100,000 opportunities built by both in this run (target <=
//                              2)
//   access.first_page_ms.rep   first 50 Opportunity rows sorted by Amount, for a rep in the deepest role
//   access.first_page_ms.admin the same for the administrator (target <= 16 ms for both)
//   access.first_page_ms.manager the same for the manager whose visible count is closest to 5,000, where
//                              walking the Amount index and fetching-and-sorting cost about the same
//   access.owner_index_load_ms the first decision on Opportunity, which loads the kept owners
//   access.role_move_ms        moving a role with about 1,000 users below it, recomputation included
//                              (target < 1,000; the snapshot and the kept rows are patched for the subtree)
//   access.assign_permset_ms   assigning a permission set to one user: a small configuration change (the
//                              snapshot is patched for that user's grants; the kept tables do not change)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "bench_util.h"
#include "demo/demo_company.h"
#include "workspace.h"

using namespace crm;

namespace {

constexpr int64_t kNow = 1'795'712'400'000;
constexpr int kTwinRecords = 100'000;
constexpr int kDecisions = 1'000'000;

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "bench_access: %s\n", what.c_str());
    std::exit(1);
}

std::string FreshPath(const std::string& name) {
    std::filesystem::create_directories("bench_tmp");
    std::string path = "bench_tmp/" + name;
    bench::RemoveWorkspace(path);
    return path;
}

/// The large organization with `records` opportunities owned by its Sales Representatives.
struct Org {
    std::unique_ptr<Workspace> ws;
    std::vector<std::string> usernames;  ///< every user but admin
    std::vector<int64_t> opportunity_ids;
};

std::unique_ptr<Org> BuildOrg(const std::string& file, const FixedClock& clock, int records) {
    auto org = std::make_unique<Org>();
    auto ws = Workspace::Open(FreshPath(file), {&clock, false});
    if (!ws.ok()) Die(ws.error().message);
    org->ws = std::move(ws.value());
    DemoOptions options;
    options.large_organization = true;
    if (Status s = GenerateDemoCompany(*org->ws, options); !s.ok()) Die(s.error().message);
    std::vector<int64_t> reps;
    for (const User& u : org->ws->access().Users()) {
        if (u.username == "admin") continue;
        org->usernames.push_back(u.username);
        if (u.profile == "Sales Representative") reps.push_back(u.id);
    }
    uint64_t x = 12345;
    auto next = [&] {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        return x >> 33;
    };
    int i = 0;
    Status s = org->ws->records().BulkInsertUnchecked(
        "demo", "Opportunity", {"Name", "StageName", "Amount", "CloseDate", "OwnerId"},
        [&](std::vector<formula::Value>& row) {
            if (i >= records) return false;
            row[0] = formula::Value::Text("Deal " + std::to_string(i++));
            row[1] = formula::Value::Picklist("Prospecting");
            row[2] = formula::Value::Number(static_cast<double>(next() % 1'000'000));
            row[3] = formula::Value::Date(20000 + static_cast<int64_t>(next() % 1000));
            row[4] = formula::Value::Number(static_cast<double>(reps[next() % reps.size()]));
            return true;
        });
    if (!s.ok()) Die(s.error().message);
    Statement ids = org->ws->db().Prepare("SELECT max(id) FROM rec_opportunity");
    ids.Step();
    const int64_t max_id = ids.Int(0);
    for (int64_t id = max_id - records + 1; id <= max_id; ++id) org->opportunity_ids.push_back(id);
    return org;
}

/// Seconds for kDecisions single-record Read decisions on random (user, opportunity) pairs; the first
/// decision (which loads the kept owners) is timed apart into `load_seconds`.
double DecideSeconds(Org& org, double* load_seconds = nullptr) {
    std::vector<std::pair<const std::string*, int64_t>> questions;
    questions.reserve(kDecisions);
    uint64_t x = 99;
    for (int i = 0; i < kDecisions; ++i) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        const size_t u = (x >> 33) % org.usernames.size();
        const size_t r = (x >> 13) % org.opportunity_ids.size();
        questions.emplace_back(&org.usernames[u], org.opportunity_ids[r]);
    }
    AccessService& access = org.ws->access();
    const double load = bench::BestSeconds(1, [&] {
        access.Decide(org.usernames[0], ObjectAction::Read, "Opportunity", org.opportunity_ids[0]);
    });
    if (load_seconds) *load_seconds = load;
    int allowed = 0;
    const double seconds = bench::BestSeconds(3, [&] {
        for (const auto& [user, id] : questions)
            allowed += access.Decide(*user, ObjectAction::Read, "Opportunity", id).allowed ? 1 : 0;
    });
    if (allowed == 0) Die("no decision allowed anything");
    return seconds;
}

/// Milliseconds for the first page (50 rows sorted by Amount) of Opportunity for `user`.
double FirstPageMs(Org& org, const std::string& user) {
    ListQuery q;
    q.columns = {"Name", "Amount", "OwnerId"};
    q.sort_field = "Amount";
    q.sort_desc = true;
    q.limit = 50;
    int64_t total = 0;
    const double seconds = bench::BestSeconds(5, [&] {
        auto page = org.ws->records().List(user, "Opportunity", q);
        if (!page.ok()) Die(page.error().message);
        total = page->total;
    });
    if (total == 0) Die("the first page of " + user + " is empty");
    return seconds * 1000;
}

/// The manager (a user with a role below them) whose visible Opportunity count is closest to `target`.
std::string ManagerSeeing(Org& org, int64_t target, int64_t& sees) {
    std::string best;
    int64_t best_gap = -1;
    ListQuery q;
    q.columns = {"Name"};
    q.limit = 1;
    q.exact_total = true;
    int tried = 0;
    for (const User& u : org.ws->access().Users()) {
        if (u.profile != "Sales Manager" || ++tried > 60) continue;
        auto page = org.ws->records().List(u.username, "Opportunity", q);
        if (!page.ok()) continue;
        const int64_t gap = std::llabs(page->total - target);
        if (best_gap < 0 || gap < best_gap) best_gap = gap, best = u.username, sees = page->total;
    }
    return best;
}

/// The user in the deepest role (the largest role number of the heap-shaped tree) who owns records.
std::string DeepRep(Org& org) {
    std::string best;
    int best_role = -1;
    for (const User& u : org.ws->access().Users()) {
        if (u.profile != "Sales Representative" || u.role.rfind("Role ", 0) != 0) continue;
        const int role = std::atoi(u.role.c_str() + 5);
        if (role > best_role) best_role = role, best = u.username;
    }
    return best;
}

/// Milliseconds to move the role whose subtree holds the closest to 1,000 users under another branch.
double RoleMoveMs(Org& org, int& users_below) {
    AccessService& access = org.ws->access();
    std::map<std::string, std::string> parent;
    for (const Role& r : access.Roles()) parent[r.name] = r.parent;
    std::map<std::string, int> below;  // users in the role's subtree (the role itself included)
    for (const User& u : access.Users())
        for (std::string r = u.role; !r.empty(); r = parent[r]) ++below[r];
    std::string role;
    for (const auto& [name, count] : below)
        if (role.empty() || std::abs(count - 1000) < std::abs(below[role] - 1000)) role = name;
    users_below = below[role];
    // A target outside the subtree: the root's child on the other side.
    std::string target;
    for (const auto& [name, p] : parent) {
        bool inside = false;
        for (std::string r = name; !r.empty(); r = parent[r]) inside = inside || r == role;
        if (!inside && name != parent[role]) {
            target = name;
            break;
        }
    }
    const double seconds = bench::BestSeconds(1, [&] {
        if (Status s = access.MoveRole("admin", role, target); !s.ok()) Die(s.error().message);
    });
    return seconds * 1000;
}

int RecordCount() {
    if (const char* env = std::getenv("CRM_BENCH_RECORDS")) return std::max(1, std::atoi(env));
    return 1'000'000;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string wasm_js = bench::WasmJsArg(argc, argv);
    FixedClock clock(kNow);
    // The twin: the same organization and decisions in both builds, for the wasm ratio.
    const int twin_records = std::min(kTwinRecords, RecordCount());
    double twin_seconds = 0;
    {
        auto twin = BuildOrg("access_twin.db", clock, twin_records);
        twin_seconds = DecideSeconds(*twin);
    }
    bench::Figure("access.twin_decide_s", twin_seconds);
#ifndef __EMSCRIPTEN__
    const int records = RecordCount();
    auto org = BuildOrg("access.db", clock, records);
    bench::Figure("access.records", records);
    double load_seconds = 0;
    bench::Figure("access.decide_per_s", kDecisions / DecideSeconds(*org, &load_seconds));
    bench::Figure("access.owner_index_load_ms", load_seconds * 1000);
    const std::string rep = DeepRep(*org);
    bench::Figure("access.first_page_ms.rep", FirstPageMs(*org, rep));
    bench::Figure("access.first_page_ms.admin", FirstPageMs(*org, "admin"));
    int64_t manager_sees = 0;
    if (const std::string manager = ManagerSeeing(*org, 5000, manager_sees); !manager.empty()) {
        bench::Figure("access.first_page_manager_sees", static_cast<double>(manager_sees));
        bench::Figure("access.first_page_ms.manager", FirstPageMs(*org, manager));
    }
    int users_below = 0;
    const double move_ms = RoleMoveMs(*org, users_below);
    bench::Figure("access.role_move_users", users_below);
    bench::Figure("access.role_move_ms", move_ms);
    const double assign_seconds = bench::BestSeconds(1, [&] {
        Status s = org->ws->access().AssignPermissionSet("admin", "Export Data", rep);
        if (!s.ok()) Die(s.error().message);
    });
    bench::Figure("access.assign_permset_ms", assign_seconds * 1000);
    std::map<std::string, double> wasm = bench::RunWasmTwin(wasm_js);
    if (wasm.count("access.twin_decide_s"))
        bench::Figure("access.wasm_ratio", wasm["access.twin_decide_s"] / twin_seconds);
#endif
    return 0;
}
