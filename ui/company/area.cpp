// The Company profile area: the company form, its quick-find entries (one per setting of the form) and
// its catalog.
#include <memory>

#include "ui/company/company_page.h"
#include "ui/shell/areas.h"

namespace crm::ui {

Catalog CompanyCatalog();  // ui/company/catalog.cpp

void RegisterCompanyArea(AreaRegistry& registry) {
    AreaSpec area;
    area.slug = "company";
    area.icon = Icon::Company;
    area.keywords = "company profile organisation organization 公司 资料 组织 企业";
    area.settings = {
        {"company.name", "company.name", "company name organisation title 名称 公司名 企业名称"},
        {"company.default_language", "company.default_language",
         "language locale english chinese 语言 中文 英文"},
        {"company.currency", "company.currency", "currency money iso 4217 usd cny eur 货币 币种 人民币 美元"},
        {"company.time_zone", "company.time_zone", "time zone timezone tz utc gmt iana 时区 时间"},
        {"company.date_format", "company.date_format", "date format yyyy 日期 格式"},
        {"company.fiscal_year_start_month", "company.fiscal_year_start_month",
         "fiscal year financial quarter month 财年 财务年度 会计年度 季度"},
        {"company.business_hours", "company.business_hours",
         "business hours working hours opening office 营业时间 工作时间 上班 下班"},
        {"company.business_hours.start", "company.business_hours.start",
         "opening time start of day opens 上班 开始 营业开始"},
        {"company.business_hours.end", "company.business_hours.end",
         "closing time end of day closes 下班 结束 营业结束"},
        {"company.business_hours.weekdays", "company.business_hours.weekdays",
         "working days weekdays weekend 工作日 周末 星期"},
    };
    area.catalog = CompanyCatalog();
    area.make = [](const PageServices& services) {
        return std::make_unique<CompanyPage>(services.workspace, services.platform);
    };
    registry.Add(std::move(area));
}

}  // namespace crm::ui
