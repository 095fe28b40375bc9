// The demo company's processes and assignment rules (core/demo/demo_process.cpp).
#pragma once
#include "common/result.h"

namespace crm {

class Workspace;

/// Adds the sales and service processes and the assignment rules of Leads and Cases; called by
/// GenerateDemoCompany after the records, so the generated records are not assigned again.
Status SeedProcessDemo(Workspace& workspace);

}  // namespace crm
