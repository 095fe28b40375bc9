// The demo company: a deterministic generator (same seed, same company), extended by each area.
#pragma once
#include <cstdint>

#include "access/policy.h"
#include "common/result.h"

namespace crm {

class Workspace;

struct DemoOptions {
    uint64_t seed = 1;
    /// 1 = small (about 350 records, saved through the full pipeline). From 2 up, other objects grow
    /// by their small count per unit and opportunities by 1,000 per unit (1000 = 1,000,000), inserted
    /// with one batched prepared statement in one transaction, bypassing per-record checks and history.
    int scale = 1;
    /// The people of a large company for benchmarks (10,000 users, 200 roles of depth 8, 100 teams, 100
    /// sharing rules) instead of the demo's fifty people in twenty roles.
    bool large_organization = false;
};

/// Fills an empty workspace. Uses its own PRNG (not <random> distributions, which differ
/// between libstdc++ and libc++), so native and wasm builds produce the same company.
Status GenerateDemoCompany(Workspace& workspace, const DemoOptions& options);

/// The demo's approval processes and pending requests (core/demo/demo_approvals.cpp).
Status SeedApprovalsDemo(Workspace& workspace);

}  // namespace crm
