#include "ui/settings_index.h"

#include <algorithm>

#include "ui/i18n.h"
#include "ui/widgets.h"

namespace crm::ui {

bool SettingEntry::is_page() const { return std::string_view(id).substr(0, 5) == "page."; }

const std::vector<SettingEntry>& SettingsIndex() {
    static const std::vector<SettingEntry> index = {
        // Pages.
        {"page.company", PageId::Company, "nav.company",
         "company profile organisation organization 公司 资料 组织 企业"},
        {"page.users", PageId::Users, "nav.users",
         "users permissions roles profiles accounts 用户 权限 角色 帐户 账户"},
        {"page.objects", PageId::Objects, "nav.objects",
         "objects fields schema customers contacts opportunities 对象 字段 客户 联系人 商机"},
        {"page.workflow", PageId::Workflow, "nav.workflow",
         "workflow process stages sales service 流程 阶段 销售 服务"},
        {"page.notifications", PageId::Notifications, "nav.notifications",
         "notifications reminders email sms alerts 通知 提醒 邮件 短信"},
        {"page.reports", PageId::Reports, "nav.reports", "reports analytics dashboard 报表 分析 仪表板"},
        {"page.data", PageId::Data, "nav.data",
         "data backup restore import export cleanup 数据 备份 恢复 导入 导出 清理"},
        {"page.integrations", PageId::Integrations, "nav.integrations",
         "integrations plugins erp api sync 集成 插件 同步"},
        {"page.audit", PageId::Audit, "nav.audit",
         "audit trail history log changes 审计 日志 历史 记录 更改"},
        // The company profile.
        {"company.name", PageId::Company, "company.name",
         "company name organisation title 名称 公司名 企业名称"},
        {"company.default_language", PageId::Company, "company.default_language",
         "language locale english chinese 语言 中文 英文"},
        {"company.currency", PageId::Company, "company.currency",
         "currency money iso 4217 usd cny eur 货币 币种 人民币 美元"},
        {"company.time_zone", PageId::Company, "company.time_zone",
         "time zone timezone tz utc gmt iana 时区 时间"},
        {"company.date_format", PageId::Company, "company.date_format", "date format yyyy 日期 格式"},
        {"company.fiscal_year_start_month", PageId::Company, "company.fiscal_year_start_month",
         "fiscal year financial quarter month 财年 财务年度 会计年度 季度"},
        {"company.business_hours", PageId::Company, "company.business_hours",
         "business hours working hours opening office 营业时间 工作时间 上班 下班"},
        {"company.business_hours.start", PageId::Company, "company.business_hours.start",
         "opening time start of day opens 上班 开始 营业开始"},
        {"company.business_hours.end", PageId::Company, "company.business_hours.end",
         "closing time end of day closes 下班 结束 营业结束"},
        {"company.business_hours.weekdays", PageId::Company, "company.business_hours.weekdays",
         "working days weekdays weekend 工作日 周末 星期"},
        // Users & Permissions: each entry opens its tab.
        {"users.users", PageId::Users, "quickfind.users.users",
         "users people accounts deactivate reactivate new user 用户 人员 账户 停用 启用 新建用户"},
        {"users.roles", PageId::Users, "quickfind.users.roles",
         "role hierarchy tree reports to 角色 层级 上级"},
        {"users.teams", PageId::Users, "quickfind.users.teams", "team members group 团队 成员 小组"},
        {"users.profiles", PageId::Users, "quickfind.users.profiles",
         "profile object permissions field-level security fls system permissions compare 简档 对象权限 "
         "字段级安全 "
         "系统权限 比较"},
        {"users.permission_sets", PageId::Users, "quickfind.users.permission_sets",
         "permission set grant access assign 权限集 授权 分配"},
        {"users.owd", PageId::Users, "quickfind.users.owd",
         "organization-wide defaults owd private public read write hierarchy 组织范围默认值 私有 公共 只读 "
         "读写 层级"},
        {"users.sharing_rules", PageId::Users, "quickfind.users.sharing_rules",
         "sharing rules share criteria owner 共享规则 共享 条件 所有者"},
        {"users.checker", PageId::Users, "quickfind.users.checker",
         "access checker check explain why can user see field access hidden read only 访问检查 检查 解释 为什么 "
         "权限检查 字段访问 隐藏 只读"},
        // Planned settings: quick find opens their page, which says what is coming.
        {"objects.list", PageId::Objects, "quickfind.objects.list",
         "objects object manager standard custom account contact opportunity lead case task 对象 对象管理 "
         "标准对象 "
         "自定义对象 客户 联系人 商机 线索 个案 任务"},
        {"objects.new", PageId::Objects, "quickfind.objects.new",
         "new custom object create table entity 新建对象 创建对象 自定义对象"},
        {"objects.fields", PageId::Objects, "quickfind.objects.fields",
         "fields field custom field type required unique indexed index sort speed relationship lookup 字段 "
         "自定义字段 字段类型 必填 索引 排序 "
         "唯一 "
         "关系 查找"},
        {"objects.custom_field", PageId::Objects, "quickfind.objects.custom_field",
         "new field add field custom field text number date formula auto-number 新建字段 添加字段 文本 数字 "
         "公式 "
         "自动编号"},
        {"objects.picklist", PageId::Objects, "quickfind.objects.picklist",
         "picklist values dropdown options multi-select 选项列表 下拉 选项值 多选"},
        {"objects.validation", PageId::Objects, "quickfind.objects.validation",
         "validation rule rules formula error message test 验证 验证规则 规则 公式 校验 错误消息"},
        {"objects.layouts", PageId::Objects, "quickfind.objects.layouts",
         "layout layouts page layout sections columns order profile form 布局 页面布局 分区 顺序 简档 表单"},
        {"objects.history", PageId::Objects, "quickfind.objects.history",
         "field history tracking track changes 字段历史 历史跟踪 跟踪"},
        {"objects.records", PageId::Objects, "quickfind.objects.records",
         "records list view data browse rows 记录 列表视图 数据 浏览"},
        {"workflow.approvals", PageId::Workflow, "quickfind.workflow.approvals",
         "approval approver 审批 审批人"},
        {"workflow.automation", PageId::Workflow, "quickfind.workflow.automation",
         "automation rule trigger task reminder 自动化 触发 任务"},
        {"notifications.channels", PageId::Notifications, "quickfind.notifications.channels",
         "channel email sms in-app popup 渠道 邮件 短信 弹窗"},
        {"reports.charts", PageId::Reports, "quickfind.reports.charts", "chart pivot table list 图表 透视表"},
        {"data.backup", PageId::Data, "quickfind.data.backup", "backup restore 备份 恢复"},
        {"data.import", PageId::Data, "quickfind.data.import", "import export csv 导入 导出"},
        {"data.duplicates", PageId::Data, "quickfind.data.duplicates",
         "duplicates merge dedupe 重复 合并 去重"},
        {"integrations.plugins", PageId::Integrations, "quickfind.integrations.plugins",
         "plugin app install 插件 应用 安装"},
        {"integrations.webhooks", PageId::Integrations, "quickfind.integrations.webhooks",
         "webhook api key token 密钥"},
        {"audit.filters", PageId::Audit, "quickfind.audit.filters",
         "filter search date user area who when 筛选 搜索 日期"},
    };
    return index;
}

namespace {

// How well `needle` (lower case) matches `text`: 3 = text starts with it, 2 = a word starts
// with it, 1 = somewhere inside, 0 = not at all.
int MatchQuality(const std::string& text, const std::string& needle) {
    const std::string hay = LowerAscii(text);
    const size_t pos = hay.find(needle);
    if (pos == std::string::npos) return 0;
    if (pos == 0) return 3;
    for (size_t at = pos; at != std::string::npos; at = hay.find(needle, at + 1)) {
        const char before = hay[at - 1];
        if (before == ' ' || before == '&' || before == '(' || static_cast<unsigned char>(before) >= 0x80)
            return 2;
    }
    return 1;
}

}  // namespace

std::vector<const SettingEntry*> FindSettings(std::string_view query, size_t limit) {
    std::string needle = LowerAscii(query);
    while (!needle.empty() && needle.back() == ' ') needle.pop_back();
    while (!needle.empty() && needle.front() == ' ') needle.erase(0, 1);
    std::vector<std::pair<int, const SettingEntry*>> scored;
    if (needle.empty()) return {};
    for (const SettingEntry& entry : SettingsIndex()) {
        // Labels count more than keywords; a setting's own label more than its page's.
        int score = 0;
        for (Language language : {Language::English, Language::ChineseSimplified}) {
            score = std::max(score, MatchQuality(TrIn(language, entry.text_id), needle) * 10);
        }
        score = std::max(score, MatchQuality(entry.keywords, needle) * 6);
        if (score > 0) scored.emplace_back(score, &entry);
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<const SettingEntry*> out;
    for (const auto& [score, entry] : scored) {
        if (out.size() >= limit) break;
        out.push_back(entry);
    }
    return out;
}

}  // namespace crm::ui
