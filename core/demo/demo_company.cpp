#include "demo/demo_company.h"

#include <optional>
#include <string>
#include <vector>

#include "common/text.h"
#include "demo/demo_process.h"
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

/// The status of a result whose value is not needed.
template <class T>
Status StatusOf(const Result<T>& r) {
    return r.ok() ? Status::Ok() : Status(r.error());
}

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
    if (Status s = ws.company().Update(kSystemActor, profile); !s.ok()) return s;

    // Day two: the sales office opens on Saturday mornings too, and reports use ISO dates.
    if (rng.Below(2) == 0) profile.business_hours.weekdays |= 1 << 5;
    profile.date_format = rng.Pick(std::vector<std::string>{"YYYY-MM-DD", "YYYY/MM/DD", "DD/MM/YYYY"});
    return ws.company().Update(kSystemActor, profile);
}

// [SECTION] Schema and records: a few custom fields and a rule, then accounts, contacts, leads,
// opportunities across the sales stages, cases and tasks, with Chinese and English names.

const std::vector<std::string> kChineseSurnames = {"王", "李", "张", "刘", "陈", "杨", "黄",
                                                   "赵", "吴", "周", "徐", "孙", "马", "朱",
                                                   "胡", "郭", "何", "林", "高", "罗"};
const std::vector<std::string> kChineseGivenNames = {"伟", "芳", "娜", "敏",   "静", "丽",  "强",
                                                     "磊", "军", "洋", "勇",   "艳", "杰",  "娟",
                                                     "涛", "明", "超", "秀英", "华", "建国"};
const std::vector<std::string> kEnglishFirstNames = {
    "James",     "Mary",    "John",  "Patricia", "Robert",  "Jennifer", "Michael", "Linda",  "David",
    "Elizabeth", "William", "Susan", "Richard",  "Jessica", "Thomas",   "Sarah",   "Daniel", "Emily"};
const std::vector<std::string> kEnglishLastNames = {
    "Smith",  "Johnson",  "Williams", "Brown", "Jones",  "Garcia", "Miller", "Davis",
    "Wilson", "Anderson", "Taylor",   "Moore", "Martin", "Clark",  "Lewis",  "Walker"};
const std::vector<std::string> kChineseCompanyStems = {"华星", "信达", "东方", "长城", "金桥",   "恒通",
                                                       "瑞丰", "天合", "中科", "远航", "新纪元", "海纳"};
const std::vector<std::string> kEnglishCompanyStems = {"Apex",    "Blue River", "Crescent", "Evergreen",
                                                       "Granite", "Harbor",     "Ironwood", "Lakeside",
                                                       "Maple",   "Northstar",  "Pioneer",  "Silverline"};
struct DemoSector {
    std::string industry;  ///< Account.Industry value
    std::string chinese;   ///< company-name suffix in Chinese
    std::string english;   ///< in English
};
const std::vector<DemoSector> kSectors = {
    {"Technology", "科技", "Systems"}, {"Transportation", "物流", "Logistics"},
    {"Retail", "商贸", "Trading"},     {"Manufacturing", "制造", "Industries"},
    {"Banking", "银行", "Capital"},    {"Media", "传媒", "Media"},
    {"Healthcare", "医疗", "Health"},  {"Energy", "能源", "Energy"},
    {"Education", "教育", "Learning"},
};
const std::vector<std::string> kCities = {"上海",     "北京",          "深圳",      "广州",
                                          "杭州",     "成都",          "Singapore", "London",
                                          "New York", "San Francisco", "Hong Kong", "Sydney"};
const std::vector<std::string> kStages = {"Prospecting", "Qualification", "Needs Analysis", "Proposal",
                                          "Negotiation", "Closed Won",    "Closed Lost"};
const int kStageProbability[] = {10, 20, 30, 50, 70, 100, 0};
const std::vector<std::string> kRegions = {"East China", "North China", "South China", "West China",
                                           "International"};

struct DemoPerson {
    std::string first, last, full, email_user;
};

DemoPerson MakePerson(DemoRandom& rng, int serial) {
    DemoPerson p;
    if (rng.Below(2) == 0) {
        p.last = rng.Pick(kChineseSurnames);
        p.first = rng.Pick(kChineseGivenNames);
        p.full = p.last + p.first;  // family name first, no space
        p.email_user = "user" + std::to_string(serial);
    } else {
        p.first = rng.Pick(kEnglishFirstNames);
        p.last = rng.Pick(kEnglishLastNames);
        p.full = p.first + " " + p.last;
        p.email_user = ToLowerAscii(p.first) + "." + ToLowerAscii(p.last) + std::to_string(serial);
    }
    return p;
}

std::string DemoDate(int64_t today_days, int offset_days) {
    return formula::FormatDate(today_days + offset_days);
}

Status Failed(const BatchResult& r, const char* what) {
    if (r.ok()) return Status::Ok();
    Error e = r.errors.front();
    e.message = std::string("The demo ") + what + " could not be saved: " + e.message;
    return e;
}

// [SECTION] People: roles, profiles, permission sets, teams, users and sharing. The records generated
// afterwards are owned by the reps and agents made here.

/// Who owns what the records generator creates (user ids).
struct DemoOwners {
    std::vector<int64_t> sales;    ///< reps and regional managers: accounts, contacts, leads, opportunities
    std::vector<int64_t> service;  ///< agents: cases
    std::vector<int64_t> all;      ///< tasks
};

struct DemoRole {
    const char* name;
    const char* parent;
};

const DemoRole kDemoRoles[] = {
    {"CEO 首席执行官", ""},
    {"VP Sales 销售副总裁", "CEO 首席执行官"},
    {"VP Service 服务副总裁", "CEO 首席执行官"},
    {"VP Marketing 市场副总裁", "CEO 首席执行官"},
    {"Sales Director China 中国区销售总监", "VP Sales 销售副总裁"},
    {"Sales Director International", "VP Sales 销售副总裁"},
    {"华东区域销售经理", "Sales Director China 中国区销售总监"},
    {"华北区域销售经理", "Sales Director China 中国区销售总监"},
    {"华南区域销售经理", "Sales Director China 中国区销售总监"},
    {"EMEA Sales Manager", "Sales Director International"},
    {"Americas Sales Manager", "Sales Director International"},
    {"华东销售代表", "华东区域销售经理"},
    {"华北销售代表", "华北区域销售经理"},
    {"华南销售代表", "华南区域销售经理"},
    {"EMEA Sales Representative", "EMEA Sales Manager"},
    {"Americas Sales Representative", "Americas Sales Manager"},
    {"Service Manager 服务经理", "VP Service 服务副总裁"},
    {"Support Agent 客服专员", "Service Manager 服务经理"},
    {"Marketing Manager 市场经理", "VP Marketing 市场副总裁"},
    {"Marketing Specialist 市场专员", "Marketing Manager 市场经理"},
};

const char* const kSalesObjects[] = {"Account", "Contact", "Lead", "Opportunity", "Task"};
const char* const kAllObjects[] = {"Account", "Contact", "Lead", "Opportunity", "Case", "Task"};

// Profiles and permission sets with the grants their names promise.
Status GenerateProfiles(AccessService& a) {
    const std::string& actor = kSystemActor;
    const auto profile = PermissionSetKind::Profile;
    const auto set = PermissionSetKind::PermissionSet;
    auto make = [&](PermissionSetKind kind, const char* name, const char* description) {
        return StatusOf(a.CreatePermissionSet(actor, kind, name, description));
    };
    auto objects = [&](PermissionSetKind kind, const char* name, const char* object, uint8_t bits) {
        return StatusOf(a.SetObjectPermissions(actor, kind, name, object, bits));
    };
    const uint8_t crud = kObjRead | kObjCreate | kObjEdit | kObjDelete;
    const uint8_t cru = kObjRead | kObjCreate | kObjEdit;
    if (Status s = make(profile, "Sales Manager", "Runs a sales team: full sales objects, reports, export.");
        !s.ok())
        return s;
    for (const char* o : kSalesObjects)
        if (Status s = objects(profile, "Sales Manager", o, crud); !s.ok()) return s;
    if (Status s = objects(profile, "Sales Manager", "Case", kObjRead); !s.ok()) return s;
    for (SystemPermission p :
         {SystemPermission::ManageReports, SystemPermission::ExportData, SystemPermission::ExportReports})
        if (Status s = a.SetSystemPermission(actor, profile, "Sales Manager", p, true); !s.ok()) return s;

    if (Status s = make(profile, "Sales Representative", "Works own accounts and opportunities."); !s.ok())
        return s;
    for (const char* o : kSalesObjects)
        if (Status s = objects(profile, "Sales Representative", o, cru); !s.ok()) return s;
    if (Status s = objects(profile, "Sales Representative", "Case", kObjRead); !s.ok()) return s;
    // Reps see a customer's credit limit but do not set it (finance does).
    if (auto r = a.SetFieldPermissions(actor, profile, "Sales Representative", "Account", "CreditLimit__c",
                                       kFieldRead);
        !r.ok())
        return r.error();

    if (Status s = make(profile, "Service Agent", "Handles customer cases."); !s.ok()) return s;
    for (auto [o, bits] : {std::pair<const char*, uint8_t>{"Case", cru},
                           {"Account", kObjRead},
                           {"Contact", cru},
                           {"Task", crud},
                           {"Opportunity", 0},
                           {"Lead", 0}})
        if (Status s = objects(profile, "Service Agent", o, bits); !s.ok()) return s;
    // Agents do not see credit limits at all.
    if (auto r = a.SetFieldPermissions(actor, profile, "Service Agent", "Account", "CreditLimit__c", 0);
        !r.ok())
        return r.error();

    if (Status s = make(profile, "Marketing", "Runs campaigns and nurtures leads."); !s.ok()) return s;
    for (auto [o, bits] : {std::pair<const char*, uint8_t>{"Lead", crud},
                           {"Contact", kObjRead},
                           {"Account", kObjRead},
                           {"Opportunity", kObjRead},
                           {"Task", cru}})
        if (Status s = objects(profile, "Marketing", o, bits); !s.ok()) return s;
    if (Status s = a.SetSystemPermission(actor, profile, "Marketing", SystemPermission::ManageReports, true);
        !s.ok())
        return s;

    if (Status s = make(profile, "Read Only", "Looks, never touches."); !s.ok()) return s;
    for (const char* o : kAllObjects)
        if (Status s = objects(profile, "Read Only", o, kObjRead); !s.ok()) return s;

    if (Status s = make(set, "Export Data", "Export records to CSV and JSON."); !s.ok()) return s;
    if (Status s = a.SetSystemPermission(actor, set, "Export Data", SystemPermission::ExportData, true);
        !s.ok())
        return s;
    if (Status s = make(set, "Import Data", "Import records from CSV."); !s.ok()) return s;
    if (Status s = a.SetSystemPermission(actor, set, "Import Data", SystemPermission::ImportData, true);
        !s.ok())
        return s;
    if (Status s = make(set, "Approve Discounts", "Edit any opportunity to approve its discount."); !s.ok())
        return s;
    if (Status s = objects(set, "Approve Discounts", "Opportunity", kObjModifyAll); !s.ok()) return s;
    if (Status s = make(set, "Case Supervisor", "Sees every case."); !s.ok()) return s;
    if (Status s = objects(set, "Case Supervisor", "Case", kObjViewAll); !s.ok()) return s;
    return Status::Ok();
}

// Organization-wide defaults and a few sharing rules (owner-based and criteria-based).
Status GenerateSharing(AccessService& a) {
    const std::string& actor = kSystemActor;
    const ObjectSharing defaults[] = {
        {"Opportunity", OrgWideDefault::Private, true, AccessLevel::Read},
        {"Case", OrgWideDefault::Private, true, AccessLevel::Read},
        {"Account", OrgWideDefault::PublicRead, true, AccessLevel::None},
    };
    for (const ObjectSharing& d : defaults)
        if (Status s = a.SetSharing(actor, d); !s.ok()) return s;
    auto rule = [&](const char* object, const char* name, std::optional<ShareGroup> owned_by,
                    std::string criteria, ShareGroup with, AccessLevel level) {
        SharingRule r;
        r.object = object;
        r.name = name;
        r.owned_by = std::move(owned_by);
        r.criteria = std::move(criteria);
        r.share_with = std::move(with);
        r.level = level;
        return StatusOf(a.SaveSharingRule(actor, r));
    };
    using K = ShareGroup::Kind;
    if (Status s = rule("Opportunity", "China_Deals_To_International",
                        ShareGroup{K::RoleAndSubordinates, "Sales Director China 中国区销售总监"}, "",
                        ShareGroup{K::Role, "Sales Director International"}, AccessLevel::Read);
        !s.ok())
        return s;
    if (Status s = rule("Opportunity", "Key_Account_Deals", std::nullopt, "Amount >= 300000",
                        ShareGroup{K::Team, "Key Accounts"}, AccessLevel::Edit);
        !s.ok())
        return s;
    if (Status s = rule("Case", "Service_Cases_To_Sales_Managers",
                        ShareGroup{K::RoleAndSubordinates, "Service Manager 服务经理"}, "",
                        ShareGroup{K::RoleAndSubordinates, "Sales Director China 中国区销售总监"},
                        AccessLevel::Read);
        !s.ok())
        return s;
    return rule("Case", "High_Priority_To_Tier2", std::nullopt, "ISPICKVAL(Priority, \"High\")",
                ShareGroup{K::Team, "Support Tier 2"}, AccessLevel::Edit);
}

// The roles, teams and about fifty users (Chinese and English names), in one access batch.
Status GeneratePeople(Workspace& ws, DemoRandom& rng, DemoOwners& owners) {
    AccessService& a = ws.access();
    const std::string& actor = kSystemActor;
    std::vector<std::pair<std::string, int>> kinds;  // username, 0 sales / 1 service / 2 other
    Status s = a.Batch(actor, [&]() -> Status {
        for (const DemoRole& r : kDemoRoles)
            if (auto c = a.CreateRole(actor, r.name, r.parent); !c.ok()) return c.error();
        if (Status p = GenerateProfiles(a); !p.ok()) return p;
        for (auto [name, description] : {std::pair{"Key Accounts", "Our largest customers' account team."},
                                         {"华东销售团队", "East China sales team."},
                                         {"Support Tier 2", "Escalated cases."}})
            if (auto t = a.CreateTeam(actor, name, description); !t.ok()) return t.error();
        int serial = 0;
        auto person = [&](const char* role, const char* profile, const std::string& manager,
                          int kind) -> Result<User> {
            DemoPerson p = MakePerson(rng, ++serial);
            User u;
            u.username = p.email_user;
            u.full_name = p.full;
            u.email = p.email_user + "@demo.example.com";
            u.phone = "+86 139 " + std::to_string(1000 + rng.Below(8999)) + " " +
                      std::to_string(1000 + rng.Below(8999));
            u.role = role;
            u.profile = profile;
            u.manager = manager;
            u.language = p.email_user.rfind("user", 0) == 0 ? "zh-CN" : "en";
            u.time_zone = kind == 3 ? "Europe/London" : kind == 4 ? "America/New_York" : "Asia/Shanghai";
            Result<User> made = a.CreateUser(actor, u);
            if (made.ok()) kinds.emplace_back(made->username, kind > 2 ? 0 : kind);
            return made;
        };
        Result<User> ceo = person("CEO 首席执行官", "Read Only", "", 2);
        if (!ceo.ok()) return ceo.error();
        Result<User> vp_sales = person("VP Sales 销售副总裁", "Sales Manager", ceo->username, 2);
        Result<User> vp_service = person("VP Service 服务副总裁", "Service Agent", ceo->username, 2);
        Result<User> vp_marketing = person("VP Marketing 市场副总裁", "Marketing", ceo->username, 2);
        for (const Result<User>* r : {&vp_sales, &vp_service, &vp_marketing})
            if (!r->ok()) return r->error();
        Result<User> dir_cn =
            person("Sales Director China 中国区销售总监", "Sales Manager", vp_sales->username, 2);
        Result<User> dir_int = person("Sales Director International", "Sales Manager", vp_sales->username, 2);
        if (!dir_cn.ok()) return dir_cn.error();
        if (!dir_int.ok()) return dir_int.error();
        struct Region {
            const char* manager_role;
            const char* rep_role;
            const std::string* director;
            int kind;
        };
        const Region regions[] = {
            {"华东区域销售经理", "华东销售代表", &dir_cn->username, 0},
            {"华北区域销售经理", "华北销售代表", &dir_cn->username, 0},
            {"华南区域销售经理", "华南销售代表", &dir_cn->username, 0},
            {"EMEA Sales Manager", "EMEA Sales Representative", &dir_int->username, 3},
            {"Americas Sales Manager", "Americas Sales Representative", &dir_int->username, 4},
        };
        for (const Region& region : regions) {
            Result<User> manager =
                person(region.manager_role, "Sales Manager", *region.director, region.kind);
            if (!manager.ok()) return manager.error();
            for (int i = 0; i < 4; ++i) {
                Result<User> rep =
                    person(region.rep_role, "Sales Representative", manager->username, region.kind);
                if (!rep.ok()) return rep.error();
                if (region.rep_role == std::string("华东销售代表"))
                    if (Status t = a.AddTeamMember(actor, "华东销售团队", rep->username); !t.ok()) return t;
                if (i == 0)
                    if (Status t = a.AddTeamMember(actor, "Key Accounts", rep->username); !t.ok()) return t;
            }
            if (Status t = a.AssignPermissionSet(actor, "Approve Discounts", manager->username); !t.ok())
                return t;
        }
        Result<User> service_manager =
            person("Service Manager 服务经理", "Service Agent", vp_service->username, 2);
        if (!service_manager.ok()) return service_manager.error();
        if (Status t = a.AssignPermissionSet(actor, "Case Supervisor", service_manager->username); !t.ok())
            return t;
        for (int i = 0; i < 8; ++i) {
            Result<User> agent =
                person("Support Agent 客服专员", "Service Agent", service_manager->username, 1);
            if (!agent.ok()) return agent.error();
            if (i < 3)
                if (Status t = a.AddTeamMember(actor, "Support Tier 2", agent->username); !t.ok()) return t;
        }
        Result<User> marketing_manager =
            person("Marketing Manager 市场经理", "Marketing", vp_marketing->username, 2);
        if (!marketing_manager.ok()) return marketing_manager.error();
        for (int i = 0; i < 3; ++i)
            if (auto m = person("Marketing Specialist 市场专员", "Marketing", marketing_manager->username, 2);
                !m.ok())
                return m.error();
        if (auto analyst =
                person("Marketing Specialist 市场专员", "Read Only", marketing_manager->username, 2);
            !analyst.ok())
            return analyst.error();
        if (Status t = a.AssignPermissionSetToTeam(actor, "Export Data", "Key Accounts"); !t.ok()) return t;
        if (Status t = a.AssignPermissionSet(actor, "Import Data", marketing_manager->username); !t.ok())
            return t;
        return GenerateSharing(a);
    });
    if (!s.ok()) return s;
    for (const auto& [username, kind] : kinds) {
        Result<User> u = a.GetUser(username);
        if (!u.ok()) return u.error();
        if (kind == 0) owners.sales.push_back(u->id);
        if (kind == 1) owners.service.push_back(u->id);
        if (kind <= 1) owners.all.push_back(u->id);
    }
    return Status::Ok();
}

// The benchmark organization: 200 roles in a heap-shaped tree (role i under role (i-1)/2: depth 8),
// 10,000 users mostly in the deep roles, 100 teams, 90 owner-based rules on Opportunity and 10
// criteria-based rules on Case. Records are owned by the reps (sales) and agents (service).
Status GenerateLargeOrganization(Workspace& ws, DemoRandom& rng, DemoOwners& owners) {
    AccessService& a = ws.access();
    const std::string& actor = kSystemActor;
    constexpr int kRoles = 200, kUsers = 10000, kTeams = 100;
    auto role_name = [](int i) { return "Role " + std::to_string(i); };
    Status s = a.Batch(actor, [&]() -> Status {
        if (Status p = GenerateProfiles(a); !p.ok()) return p;
        for (int i = 0; i < kRoles; ++i)
            if (auto r = a.CreateRole(actor, role_name(i), i == 0 ? "" : role_name((i - 1) / 2)); !r.ok())
                return r.error();
        for (int t = 0; t < kTeams; ++t)
            if (auto r = a.CreateTeam(actor, "Team " + std::to_string(t), ""); !r.ok()) return r.error();
        for (int j = 0; j < kUsers; ++j) {
            DemoPerson p = MakePerson(rng, j + 1);
            User u;
            u.username = p.email_user;
            u.full_name = p.full;
            u.email = p.email_user + "@scale.example.com";
            // One user in each of the first 63 roles (levels 1-6), the rest in the deep roles.
            const int role = j < 63 ? j : 63 + (j % (kRoles - 63));
            u.role = role_name(role);
            u.profile = role < 63 ? "Sales Manager" : j % 5 == 0 ? "Service Agent" : "Sales Representative";
            Result<User> made = a.CreateUser(actor, u);
            if (!made.ok()) return made.error();
            if (role >= 63) (j % 5 == 0 ? owners.service : owners.sales).push_back(made->id);
            owners.all.push_back(made->id);
            if (j % 5 == 1)
                if (Status t = a.AddTeamMember(actor, "Team " + std::to_string(j % kTeams), made->username);
                    !t.ok())
                    return t;
        }
        for (const ObjectSharing& d :
             {ObjectSharing{"Opportunity", OrgWideDefault::Private, true, AccessLevel::Read},
              ObjectSharing{"Case", OrgWideDefault::Private, true, AccessLevel::None},
              ObjectSharing{"Account", OrgWideDefault::PublicRead, true, AccessLevel::None}})
            if (Status t = a.SetSharing(actor, d); !t.ok()) return t;
        using K = ShareGroup::Kind;
        for (int k = 0; k < 100; ++k) {
            SharingRule r;
            r.name = "Rule_" + std::to_string(k);
            r.level = k % 3 == 0 ? AccessLevel::Edit : AccessLevel::Read;
            if (k < 90) {
                r.object = "Opportunity";
                r.owned_by = ShareGroup{k % 2 ? K::Role : K::RoleAndSubordinates,
                                        role_name(1 + rng.Below(kRoles - 1))};
                r.share_with = k % 4 == 0
                                   ? ShareGroup{K::Team, "Team " + std::to_string(rng.Below(kTeams))}
                                   : ShareGroup{K::RoleAndSubordinates, role_name(1 + rng.Below(kRoles - 1))};
            } else {
                r.object = "Case";
                r.criteria = "ISPICKVAL(Priority, \"High\")";
                r.share_with = ShareGroup{K::Role, role_name(1 + rng.Below(kRoles - 1))};
            }
            if (auto saved = a.SaveSharingRule(actor, r); !saved.ok()) return saved.error();
        }
        return Status::Ok();
    });
    return s;
}

// Custom fields and a validation rule, added the way an administrator would (audited).
Status GenerateSchema(Workspace& ws) {
    SchemaService& schema = ws.schema();
    FieldDef region;
    region.object = "Opportunity";
    region.api_name = "Region__c";
    region.label = "Region";
    region.type = FieldType::Picklist;
    for (const std::string& r : kRegions) region.picklist.push_back(PicklistValue{r, r, true, false});
    region.track_history = true;
    if (auto r = schema.CreateField(kSystemActor, region, true); !r.ok()) return r.error();
    FieldDef credit;
    credit.object = "Account";
    credit.api_name = "CreditLimit__c";
    credit.label = "Credit Limit";
    credit.type = FieldType::Currency;
    credit.precision = 18;
    credit.scale = 2;
    credit.min_value = 0;
    credit.help_text = "The most this customer may owe us at any time.";
    if (auto r = schema.CreateField(kSystemActor, credit, true); !r.ok()) return r.error();
    FieldDef stage = *(*schema.Object("Opportunity"))->Field("StageName");
    stage.track_history = true;
    if (auto r = schema.UpdateField(kSystemActor, stage); !r.ok()) return r.error();
    ValidationRule won;
    won.object = "Opportunity";
    won.name = "Close_Date_When_Won";
    won.description = "A won opportunity needs its close date.";
    won.condition = "AND(ISPICKVAL(StageName, \"Closed Won\"), ISBLANK(CloseDate))";
    won.error_message = "Enter the close date of a won opportunity.";
    won.error_field = "CloseDate";
    if (auto r = schema.CreateRule(kSystemActor, won); !r.ok()) return r.error();
    ValidationRule credit_rule;
    credit_rule.object = "Account";
    credit_rule.name = "Credit_Within_Revenue";
    credit_rule.condition =
        "AND(NOT(ISBLANK(CreditLimit__c)), NOT(ISBLANK(AnnualRevenue)), CreditLimit__c > AnnualRevenue)";
    credit_rule.error_message = "The credit limit cannot exceed the annual revenue.";
    credit_rule.error_field = "CreditLimit__c";
    if (auto r = schema.CreateRule(kSystemActor, credit_rule); !r.ok()) return r.error();
    return Status::Ok();
}

Status GenerateRecords(Workspace& ws, DemoRandom& rng, int scale, const DemoOwners& owners) {
    RecordService& records = ws.records();
    const int64_t today = ws.clock().NowMs() / formula::kMsPerDay;
    const int accounts = 30 * scale, contacts = 60 * scale, leads = 40 * scale, cases = 40 * scale,
              tasks = 60 * scale;
    // Scale 1 stays small; from scale 2 up, opportunities grow by 1,000 per unit (scale 1000 = 1,000,000).
    const int opportunities = scale == 1 ? 120 : 1000 * scale;

    auto pick_owner = [&](const std::vector<int64_t>& from) {
        return from[static_cast<size_t>(rng.Below(static_cast<int>(from.size())))];
    };
    std::vector<nlohmann::json> rows;
    for (int i = 0; i < accounts; ++i) {
        const DemoSector& sector = rng.Pick(kSectors);
        const bool chinese = rng.Below(2) == 0;
        std::string name = chinese ? rng.Pick(kChineseCompanyStems) + sector.chinese + "有限公司"
                                   : rng.Pick(kEnglishCompanyStems) + " " + sector.english;
        if (i >= 12) name += " " + std::to_string(i + 1);  // keep names distinct past the stems
        const int revenue = (1 + rng.Below(500)) * 100000;
        rows.push_back({{"Name", name},
                        {"Industry", sector.industry},
                        {"Type", rng.Pick(std::vector<std::string>{"Prospect", "Customer - Direct",
                                                                   "Customer - Channel"})},
                        {"Rating", rng.Pick(std::vector<std::string>{"Hot", "Warm", "Cold"})},
                        {"Phone", chinese ? "+86 21 " + std::to_string(5000 + rng.Below(4999)) + " " +
                                                std::to_string(1000 + rng.Below(8999))
                                          : "+1 415 555 " + std::to_string(1000 + rng.Below(8999))},
                        {"Website", "https://www.example" + std::to_string(i + 1) + ".com"},
                        {"AnnualRevenue", revenue},
                        {"CreditLimit__c", revenue / 10},
                        {"NumberOfEmployees", 10 + rng.Below(5000)},
                        {"BillingCity", rng.Pick(kCities)},
                        {"OwnerId", pick_owner(owners.sales)}});
    }
    BatchResult acc = records.CreateBatch(kSystemActor, "Account", rows);
    if (Status s = Failed(acc, "accounts"); !s.ok()) return s;
    auto account_id = [&] {
        return acc.ids[static_cast<size_t>(rng.Below(static_cast<int>(acc.ids.size())))];
    };

    rows.clear();
    for (int i = 0; i < contacts; ++i) {
        DemoPerson p = MakePerson(rng, i + 1);
        rows.push_back(
            {{"Name", p.full},
             {"FirstName", p.first},
             {"LastName", p.last},
             {"AccountId", account_id()},
             {"Title", rng.Pick(std::vector<std::string>{"CEO", "CFO", "Purchasing Manager", "采购经理",
                                                         "IT Director", "销售总监", "Engineer"})},
             {"Email", p.email_user + "@example.com"},
             {"Phone", "+86 138 " + std::to_string(1000 + rng.Below(8999)) + " " +
                           std::to_string(1000 + rng.Below(8999))},
             {"LeadSource", rng.Pick(std::vector<std::string>{"Web", "Trade Show", "Partner Referral"})},
             {"OwnerId", pick_owner(owners.sales)}});
    }
    BatchResult con = records.CreateBatch(kSystemActor, "Contact", rows);
    if (Status s = Failed(con, "contacts"); !s.ok()) return s;

    rows.clear();
    for (int i = 0; i < leads; ++i) {
        DemoPerson p = MakePerson(rng, 1000 + i);
        const DemoSector& sector = rng.Pick(kSectors);
        rows.push_back(
            {{"Name", p.full},
             {"FirstName", p.first},
             {"LastName", p.last},
             {"Company", rng.Pick(kEnglishCompanyStems) + " " + sector.english},
             {"Email", p.email_user + "@example.org"},
             {"Industry", sector.industry},
             {"Status", rng.Pick(std::vector<std::string>{"Open - Not Contacted", "Working - Contacted",
                                                          "Closed - Converted", "Closed - Not Converted"})},
             {"LeadSource", rng.Pick(std::vector<std::string>{"Web", "Phone Inquiry", "Purchased List"})},
             {"City", rng.Pick(kCities)},
             {"OwnerId", pick_owner(owners.sales)}});
    }
    if (Status s = Failed(records.CreateBatch(kSystemActor, "Lead", rows), "leads"); !s.ok()) return s;

    // Opportunities: at scale 1 through the pipeline; larger scales in one batched prepared insert
    // (no per-record checks or history: the generator only produces valid values).
    auto opportunity = [&](int i, std::vector<formula::Value>& v) {
        const int stage = rng.Below(static_cast<int>(kStages.size()));
        const bool closed = stage >= 5;
        const int close_offset = closed ? -rng.Below(365) : rng.Below(180);
        v[0] =
            formula::Value::Text(rng.Pick(kEnglishCompanyStems) + " " +
                                 rng.Pick(std::vector<std::string>{"renewal", "expansion", "pilot",
                                                                   "扩容项目", "年度采购", "platform deal"}) +
                                 " #" + std::to_string(i + 1));
        v[1] = formula::Value::Text(std::to_string(account_id()));
        v[2] = formula::Value::Picklist(kStages[static_cast<size_t>(stage)]);
        v[3] = formula::Value::Number((5 + rng.Below(400)) * 1000.0);
        v[4] = formula::Value::Date(today + close_offset);
        v[5] = formula::Value::Number(kStageProbability[stage]);
        v[6] = formula::Value::Picklist(rng.Pick(kRegions));
        v[7] = formula::Value::Number(static_cast<double>(pick_owner(owners.sales)));
    };
    const std::vector<std::string> opp_fields = {"Name",      "AccountId",   "StageName", "Amount",
                                                 "CloseDate", "Probability", "Region__c", "OwnerId"};
    std::vector<formula::Value> v(opp_fields.size());
    if (scale == 1) {
        rows.clear();
        for (int i = 0; i < opportunities; ++i) {
            opportunity(i, v);
            nlohmann::json row = nlohmann::json::object();
            row["Name"] = v[0].text();
            row["AccountId"] = std::stoll(v[1].text());
            row["StageName"] = v[2].text();
            row["Amount"] = v[3].number();
            row["CloseDate"] = formula::FormatDate(v[4].days());
            row["Probability"] = v[5].number();
            row["Region__c"] = v[6].text();
            row["OwnerId"] = static_cast<int64_t>(v[7].number());
            rows.push_back(std::move(row));
        }
        if (Status s = Failed(records.CreateBatch(kSystemActor, "Opportunity", rows), "opportunities");
            !s.ok())
            return s;
    } else {
        int i = 0;
        Status s = records.BulkInsertUnchecked(kSystemActor, "Opportunity", opp_fields,
                                               [&](std::vector<formula::Value>& row) {
                                                   if (i >= opportunities) return false;
                                                   opportunity(i++, row);
                                                   return true;
                                               });
        if (!s.ok()) return s;
    }

    rows.clear();
    for (int i = 0; i < cases; ++i) {
        rows.push_back(
            {{"Subject", rng.Pick(std::vector<std::string>{
                             "Cannot log in", "发票金额有误", "Delivery is late",
                             "Feature request: export to Excel", "系统无法打开", "Password reset"})},
             {"Status", rng.Pick(std::vector<std::string>{"New", "Working", "Escalated", "Closed"})},
             {"Priority", rng.Pick(std::vector<std::string>{"High", "Medium", "Low"})},
             {"Origin", rng.Pick(std::vector<std::string>{"Phone", "Email", "Web"})},
             {"AccountId", account_id()},
             {"ContactId", con.ids[static_cast<size_t>(rng.Below(static_cast<int>(con.ids.size())))]},
             {"OwnerId", pick_owner(owners.service)}});
    }
    if (Status s = Failed(records.CreateBatch(kSystemActor, "Case", rows), "cases"); !s.ok()) return s;

    rows.clear();
    for (int i = 0; i < tasks; ++i) {
        rows.push_back(
            {{"Subject",
              rng.Pick(std::vector<std::string>{"Call back", "Send proposal", "准备报价单", "Schedule demo",
                                                "回访客户", "Follow up by email"})},
             {"DueDate", DemoDate(today, rng.Below(60) - 20)},
             {"Status", rng.Pick(std::vector<std::string>{"Not Started", "In Progress", "Completed"})},
             {"Priority", rng.Pick(std::vector<std::string>{"High", "Normal", "Low"})},
             {"AccountId", account_id()},
             {"OwnerId", pick_owner(owners.all)}});
    }
    return Failed(records.CreateBatch(kSystemActor, "Task", rows), "tasks");
}

bool WorkspaceIsEmpty(Workspace& ws) {
    AuditQuery any;
    any.limit = 1;
    Result<AuditPage> page = ws.audit().List(any);
    return page.ok() && page->total == 0;
}

}  // namespace

Status SeedAutomationDemo(Workspace& ws);  // demo_automation.cpp
Status SeedReportsDemo(Workspace& ws);     // demo_reports.cpp
Status SeedDataDemo(Workspace& ws);        // demo_data.cpp
Status SeedNotifyDemo(Workspace& ws);      // demo_notify.cpp

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
    if (Status s = GenerateSchema(workspace); !s.ok()) return s;
    DemoOwners owners;
    Status people = options.large_organization ? GenerateLargeOrganization(workspace, rng, owners)
                                               : GeneratePeople(workspace, rng, owners);
    if (!people.ok()) return people;
    if (Status s = GenerateRecords(workspace, rng, options.scale, owners); !s.ok()) return s;
    if (Status s = SeedProcessDemo(workspace); !s.ok()) return s;
    if (!options.large_organization) {
        if (Status s = SeedAutomationDemo(workspace); !s.ok()) return s;
    }
    if (Status s = SeedApprovalsDemo(workspace); !s.ok()) return s;
    if (Status s = SeedReportsDemo(workspace); !s.ok()) return s;
    if (Status s = SeedDataDemo(workspace); !s.ok()) return s;
    if (Status s = SeedNotifyDemo(workspace); !s.ok()) return s;
    return Status::Ok();
}

}  // namespace crm
