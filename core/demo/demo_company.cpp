#include "demo/demo_company.h"

#include <string>
#include <vector>

#include "workspace.h"

namespace crm {

namespace {

/// splitmix64: tiny, well-distributed, and the same on every platform.
class DemoRandom {
public:
    explicit DemoRandom(uint64_t seed) : state_(seed) {}
    uint64_t Next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, n); the modulo bias is irrelevant for demo data.
    int Below(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }
    template <class T>
    const T& Pick(const std::vector<T>& items) {
        return items[static_cast<size_t>(Below(static_cast<int>(items.size())))];
    }

private:
    uint64_t state_;
};

struct DemoCompanyName {
    std::string english;
    std::string chinese;
};

// [SECTION] One function per area; later areas (users, roles, records...) add theirs below.

// The company profile: set up once, then adjusted the way an administrator would on day two,
// so that the audit trail shows a realistic history.
Status GenerateCompanyProfile(Workspace& ws, DemoRandom& rng) {
    static const std::vector<DemoCompanyName> names = {
        {"Northwind Trading", "北风贸易"},   {"Blue Harbor Logistics", "蓝港物流"},
        {"Golden Lotus Foods", "金莲食品"},  {"Summit Peak Software", "峰顶软件"},
        {"Jade River Textiles", "玉河纺织"}, {"Red Lantern Electronics", "红灯笼电子"},
    };
    const DemoCompanyName& name = rng.Pick(names);
    const bool chinese = rng.Below(2) == 0;

    CompanyProfile profile;
    profile.name = name.english + " " + name.chinese;
    profile.default_language = chinese ? "zh-CN" : "en";
    profile.currency = "CNY";
    profile.time_zone = "Asia/Shanghai";
    profile.fiscal_year_start_month = rng.Pick(std::vector<int>{1, 1, 4, 7});
    profile.business_hours.start_minute = rng.Pick(std::vector<int>{8 * 60 + 30, 9 * 60, 9 * 60});
    profile.business_hours.end_minute = profile.business_hours.start_minute + 9 * 60;
    profile.business_hours.weekdays = 0x1F;  // Monday to Friday
    profile.date_format = chinese ? "YYYY年MM月DD日" : "YYYY-MM-DD";
    if (Status s = ws.company().Update(kDemoActor, profile); !s.ok()) return s;

    // Day two: the sales office opens on Saturday mornings too, and reports use ISO dates.
    if (rng.Below(2) == 0) profile.business_hours.weekdays |= 1 << 5;
    profile.date_format = rng.Pick(std::vector<std::string>{"YYYY-MM-DD", "YYYY/MM/DD", "DD/MM/YYYY"});
    return ws.company().Update(kDemoActor, profile);
}

bool WorkspaceIsEmpty(Workspace& ws) {
    AuditQuery any;
    any.limit = 1;
    Result<AuditPage> page = ws.audit().List(any);
    return page.ok() && page->total == 0;
}

}  // namespace

Status GenerateDemoCompany(Workspace& workspace, const DemoOptions& options) {
    if (options.scale < 1 || options.scale > 100000) {
        return MakeError("invalid_argument", "The demo scale must be a whole number from 1 to 100000.",
                         "scale");
    }
    if (!WorkspaceIsEmpty(workspace)) {
        return MakeError(
            "demo.not_empty",
            "The workspace already holds data; generate the demo company into a new, empty workspace.");
    }
    DemoRandom rng(options.seed);
    if (Status s = GenerateCompanyProfile(workspace, rng); !s.ok()) return s;
    return Status::Ok();
}

}  // namespace crm
