#include "demo/demo_company.h"

#include <string>
#include <vector>

#include "common/text.h"
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
    if (auto r = schema.CreateField(kDemoActor, region, true); !r.ok()) return r.error();
    FieldDef credit;
    credit.object = "Account";
    credit.api_name = "CreditLimit__c";
    credit.label = "Credit Limit";
    credit.type = FieldType::Currency;
    credit.precision = 18;
    credit.scale = 2;
    credit.min_value = 0;
    credit.help_text = "The most this customer may owe us at any time.";
    if (auto r = schema.CreateField(kDemoActor, credit, true); !r.ok()) return r.error();
    FieldDef stage = *(*schema.Object("Opportunity"))->Field("StageName");
    stage.track_history = true;
    if (auto r = schema.UpdateField(kDemoActor, stage); !r.ok()) return r.error();
    ValidationRule won;
    won.object = "Opportunity";
    won.name = "Close_Date_When_Won";
    won.description = "A won opportunity needs its close date.";
    won.condition = "AND(ISPICKVAL(StageName, \"Closed Won\"), ISBLANK(CloseDate))";
    won.error_message = "Enter the close date of a won opportunity.";
    won.error_field = "CloseDate";
    if (auto r = schema.CreateRule(kDemoActor, won); !r.ok()) return r.error();
    ValidationRule credit_rule;
    credit_rule.object = "Account";
    credit_rule.name = "Credit_Within_Revenue";
    credit_rule.condition =
        "AND(NOT(ISBLANK(CreditLimit__c)), NOT(ISBLANK(AnnualRevenue)), CreditLimit__c > AnnualRevenue)";
    credit_rule.error_message = "The credit limit cannot exceed the annual revenue.";
    credit_rule.error_field = "CreditLimit__c";
    if (auto r = schema.CreateRule(kDemoActor, credit_rule); !r.ok()) return r.error();
    return Status::Ok();
}

Status GenerateRecords(Workspace& ws, DemoRandom& rng, int scale) {
    RecordService& records = ws.records();
    const int64_t today = ws.clock().NowMs() / formula::kMsPerDay;
    const int accounts = 30 * scale, contacts = 60 * scale, leads = 40 * scale, cases = 40 * scale,
              tasks = 60 * scale;
    // Scale 1 stays small; from scale 2 up, opportunities grow by 1,000 per unit (scale 1000 = 1,000,000).
    const int opportunities = scale == 1 ? 120 : 1000 * scale;

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
                        {"BillingCity", rng.Pick(kCities)}});
    }
    BatchResult acc = records.CreateBatch(kDemoActor, "Account", rows);
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
             {"LeadSource", rng.Pick(std::vector<std::string>{"Web", "Trade Show", "Partner Referral"})}});
    }
    BatchResult con = records.CreateBatch(kDemoActor, "Contact", rows);
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
             {"City", rng.Pick(kCities)}});
    }
    if (Status s = Failed(records.CreateBatch(kDemoActor, "Lead", rows), "leads"); !s.ok()) return s;

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
    };
    const std::vector<std::string> opp_fields = {"Name",      "AccountId",   "StageName", "Amount",
                                                 "CloseDate", "Probability", "Region__c"};
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
            rows.push_back(std::move(row));
        }
        if (Status s = Failed(records.CreateBatch(kDemoActor, "Opportunity", rows), "opportunities"); !s.ok())
            return s;
    } else {
        int i = 0;
        Status s = records.BulkInsertUnchecked(kDemoActor, "Opportunity", opp_fields,
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
             {"ContactId", con.ids[static_cast<size_t>(rng.Below(static_cast<int>(con.ids.size())))]}});
    }
    if (Status s = Failed(records.CreateBatch(kDemoActor, "Case", rows), "cases"); !s.ok()) return s;

    rows.clear();
    for (int i = 0; i < tasks; ++i) {
        rows.push_back(
            {{"Subject",
              rng.Pick(std::vector<std::string>{"Call back", "Send proposal", "准备报价单", "Schedule demo",
                                                "回访客户", "Follow up by email"})},
             {"DueDate", DemoDate(today, rng.Below(60) - 20)},
             {"Status", rng.Pick(std::vector<std::string>{"Not Started", "In Progress", "Completed"})},
             {"Priority", rng.Pick(std::vector<std::string>{"High", "Normal", "Low"})},
             {"AccountId", account_id()}});
    }
    return Failed(records.CreateBatch(kDemoActor, "Task", rows), "tasks");
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
    if (Status s = GenerateSchema(workspace); !s.ok()) return s;
    if (Status s = GenerateRecords(workspace, rng, options.scale); !s.ok()) return s;
    return Status::Ok();
}

}  // namespace crm
