// The demo company: a deterministic generator (same seed, same company), extended by each area.
#pragma once
#include <cstdint>

#include "common/result.h"

namespace crm {

class Workspace;

struct DemoOptions {
    uint64_t seed = 1;
    int scale = 1;  ///< 1 = small (opens instantly); larger multiplies record counts
};

/// The actor recorded for changes the generator makes.
constexpr const char* kDemoActor = "demo";

/// Fills an empty workspace. Uses its own PRNG (not <random> distributions, which differ
/// between libstdc++ and libc++), so native and wasm builds produce the same company.
Status GenerateDemoCompany(Workspace& workspace, const DemoOptions& options);

}  // namespace crm
