// The demo company's data-management setup: duplicate rules on Accounts, Contacts and Leads, and a saved
// import mapping for a trade-show list of Contacts.
#include "data/dedup.h"
#include "data/import.h"
#include "workspace.h"

namespace crm {

namespace {

// Accounts alert on a similar company name; Contacts and Leads are left to the scan (scan_only), so the
// demo's own later saves and the benchmarks built on it pay nothing for them.
const char* const kDemoRules[] = {
    R"j({"object": "Account", "name": "Similar_company_name", "action": "alert",
        "conditions": [{"field": "Name", "method": "company", "threshold": 0.92}]})j",
    R"j({"object": "Contact", "name": "Same_email_or_phone", "action": "scan_only", "logic": "or",
        "conditions": [{"field": "Email", "method": "email"}, {"field": "Phone", "method": "phone"}]})j",
    R"j({"object": "Lead", "name": "Same_person_and_company", "action": "scan_only",
        "conditions": [{"field": "Name", "method": "fuzzy"}, {"field": "Company", "method": "company"}]})j",
};

}  // namespace

/// Adds the duplicate rules and the saved import mapping (called by GenerateDemoCompany).
Status SeedDataDemo(Workspace& ws) {
    for (const char* text : kDemoRules) {
        Result<DuplicateRule> rule = DuplicateRuleFromJson(nlohmann::json::parse(text));
        if (!rule.ok()) return rule.error();
        Result<DuplicateRule> saved = ws.data().dedup().SaveRule(kSystemActor, *rule);
        if (!saved.ok()) return saved.error();
    }
    ImportMapping mapping;
    mapping.object = "Contact";
    mapping.name = "Trade show list";
    mapping.settings = nlohmann::json::parse(R"j({
        "mapping": {"姓名": "Name", "公司": "AccountId", "邮箱": "Email", "电话": "Phone"},
        "transforms": {"AccountId": {"lookup_by": "Name"}, "Name": {"trim": true}},
        "mode": "insert", "encoding": "gb18030"})j");
    Result<ImportMapping> saved = ws.data().importer().SaveMapping(kSystemActor, mapping);
    return saved.ok() ? Status::Ok() : Status(saved.error());
}

}  // namespace crm
