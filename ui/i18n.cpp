// The two catalogs, side by side: one row per id, English then Simplified Chinese.
// Every visible string of the console is here (the build subsets the UI font from this file).
//
// [SECTION] Catalog rows
// [SECTION] Lookup
#include "ui/i18n.h"

#include <cstdio>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace crm::ui {

namespace {

struct Row {
    const char* id;
    const char* en;
    const char* zh;
};

// [SECTION] Catalog rows

const Row kRows[] = {
    // The application and the top bar.
    {"app.title", "System Settings", "系统设置"},
    {"app.window_title", "CRM System Settings", "CRM 系统设置"},
    {"topbar.quickfind_hint", "Search settings...", "搜索设置…"},
    {"topbar.lang.other", "中文", "English"},
    {"topbar.lang.tooltip", "Switch the console to Simplified Chinese", "将控制台切换为英文"},
    {"topbar.theme.dark", "Dark", "深色"},
    {"topbar.theme.light", "Light", "浅色"},
    {"topbar.theme.tooltip_dark", "Switch to the dark theme", "切换到深色主题"},
    {"topbar.theme.tooltip_light", "Switch to the light theme", "切换到浅色主题"},
    {"topbar.scale.tooltip", "Interface size", "界面大小"},
    {"topbar.user.tooltip", "Acting user: {0}. Users and sign-in arrive with Users & Permissions.",
     "当前操作用户：{0}。用户与登录功能将随“用户与权限”一同推出。"},

    // The save state.
    {"save.saved", "Saved", "已保存"},
    {"save.saved.tooltip", "Every change is stored.", "所有更改均已存储。"},
    {"save.saving", "Saving...", "正在保存…"},
    {"save.failed", "Failed: {0}", "保存失败：{0}"},
    {"save.memory", "In memory only: {0}", "仅保存在内存中：{0}"},
    {"reason.quota",
     "browser storage is full (quota exceeded); changes are kept in memory only until space is freed",
     "浏览器存储空间已满（超出配额）；在释放空间之前，更改仅保存在内存中"},
    {"reason.no_indexeddb",
     "browser storage (IndexedDB) is not available here, e.g. in a private window; changes are lost when the "
     "page closes",
     "此处无法使用浏览器存储（IndexedDB），例如在隐私窗口中；关闭页面后更改将丢失"},
    {"reason.sync_failed", "could not write to browser storage: {0}", "无法写入浏览器存储：{0}"},
    {"reason.newer_version", "the saved workspace was written by a newer version of this app",
     "已保存的工作区由本应用的较新版本写入"},
    {"reason.open_failed", "the workspace file could not be opened: {0}", "无法打开工作区文件：{0}"},
    {"reason.write_failed", "the last change could not be written: {0}", "最近一次更改未能写入：{0}"},

    // Startup banners.
    {"banner.damaged",
     "The saved database was damaged; it was set aside as {0} and a new workspace was created.",
     "已保存的数据库已损坏；它已被另存为 {0}，并已创建新的工作区。"},
    {"banner.foreign",
     "The file {0} belongs to another program; it was set aside as {1} and a new workspace was created.",
     "文件 {0} 属于其他程序；它已被另存为 {1}，并已创建新的工作区。"},
    {"banner.newer",
     "This workspace was saved by a newer version of the app. It was left untouched; you are working in a "
     "temporary workspace in memory.",
     "此工作区由本应用的较新版本保存。原文件未作任何改动；您正在使用内存中的临时工作区。"},
    {"banner.open_failed",
     "The workspace could not be opened ({0}). You are working in a temporary workspace in memory; changes "
     "will "
     "not be kept.",
     "无法打开工作区（{0}）。您正在使用内存中的临时工作区，更改不会被保留。"},
    {"banner.set_aside_failed",
     "The saved database is damaged and could not be moved aside ({0}). It was left untouched; you are "
     "working "
     "in a temporary workspace in memory.",
     "已保存的数据库已损坏且无法移开（{0}）。原文件未作任何改动；您正在使用内存中的临时工作区。"},
    {"banner.storage_unavailable",
     "Browser storage is not available ({0}). The console works in memory only; changes are lost when the "
     "page "
     "closes.",
     "无法使用浏览器存储（{0}）。控制台仅在内存中工作；关闭页面后更改将丢失。"},
    {"banner.demo_failed", "The demo company could not be created: {0}", "无法创建演示公司：{0}"},
    {"banner.dismiss", "Dismiss", "关闭"},

    // The sidebar.
    {"nav.section", "SETTINGS", "设置"},
    {"nav.company", "Company", "公司信息"},
    {"nav.users", "Users & Permissions", "用户与权限"},
    {"nav.objects", "Objects & Fields", "对象与字段"},
    {"nav.workflow", "Workflow", "工作流程"},
    {"nav.notifications", "Notifications", "通知与提醒"},
    {"nav.reports", "Reports", "报表与分析"},
    {"nav.data", "Data", "数据管理"},
    {"nav.integrations", "Integrations", "集成与插件"},
    {"nav.audit", "Audit trail", "审计日志"},
    {"nav.soon", "Soon", "规划中"},
    {"sidebar.footer", "Version {0} · SQLite {1}", "版本 {0} · SQLite {1}"},

    // Page titles and descriptions.
    {"page.company.title", "Company profile", "公司资料"},
    {"page.company.desc", "Your organisation's name and the regional defaults used across the CRM.",
     "贵组织的名称，以及整个 CRM 通用的区域默认设置。"},
    {"page.audit.title", "Audit trail", "审计日志"},
    {"page.audit.desc", "Every settings change: who made it, when, and the value before and after.",
     "每一次设置更改：由谁、在何时更改，以及更改前后的值。"},
    {"page.users.title", "Users & Permissions", "用户与权限"},
    {"page.users.desc", "Who may sign in, and what each person may see and do.",
     "谁可以登录，以及每个人可以查看的数据和执行的操作。"},
    {"page.objects.title", "Objects & Fields", "对象与字段"},
    {"page.objects.desc", "The data the CRM holds: objects, fields, layouts and validation rules.",
     "CRM 保存的数据：对象、字段、布局和验证规则。"},
    {"page.workflow.title", "Workflow", "工作流程"},
    {"page.workflow.desc", "How work flows: processes, stages, approvals and automation.",
     "工作如何流转：流程、阶段、审批和自动化。"},
    {"page.notifications.title", "Notifications & Reminders", "通知与提醒"},
    {"page.notifications.desc", "Who is told what, when, and through which channel.",
     "在何时、通过何种渠道、向谁发送何种通知。"},
    {"page.reports.title", "Reports & Analytics", "报表与分析"},
    {"page.reports.desc", "What is reported, and how it is shown.", "报表的内容，以及报表的展示方式。"},
    {"page.data.title", "Data management", "数据管理"},
    {"page.data.desc", "Backups, imports and exports, and keeping data clean.",
     "备份、导入导出，以及保持数据整洁。"},
    {"page.integrations.title", "Integrations & Plugins", "集成与插件"},
    {"page.integrations.desc", "Connections to other systems, and plugins.", "与其他系统的连接，以及插件。"},

    // Pages that are not built yet.
    {"placeholder.badge", "Not built yet", "尚未推出"},
    {"placeholder.intro",
     "This area is planned. When it is built, you will be able to:", "此区域已在规划中。推出后，您将可以："},
    {"placeholder.meanwhile", "Until then, every change made elsewhere is recorded in the Audit trail.",
     "在此之前，其他区域的每一次更改都会记录在审计日志中。"},
    {"placeholder.open_audit", "Open the Audit trail", "打开审计日志"},
    {"placeholder.users.1", "Create, edit, deactivate and delete user accounts",
     "创建、编辑、停用和删除用户帐户"},
    {"placeholder.users.2", "Define roles and what each may view, create, edit and delete",
     "定义角色，以及每个角色可以查看、创建、编辑和删除的内容"},
    {"placeholder.users.3", "Assign roles and permission sets so each person reaches only what they need",
     "分配角色和权限集，让每个人只能访问所需的数据和功能"},
    {"placeholder.users.4", "Organise teams and the role hierarchy", "管理团队与角色层级"},
    {"placeholder.users.5", "Explain any decision: why can this user see this record?",
     "解释每一项权限判定：为什么该用户能看到这条记录？"},
    {"placeholder.objects.1", "Manage objects such as customers, contacts and opportunities",
     "管理客户、联系人、商机等对象"},
    {"placeholder.objects.2", "Add and change fields: name, type, required or not",
     "添加和修改字段：名称、类型、是否必填"},
    {"placeholder.objects.3", "Arrange layouts: the order and grouping of fields",
     "设计布局：字段的顺序与分组"},
    {"placeholder.objects.4", "Write validation rules as formulas that keep data correct",
     "以公式编写验证规则，确保数据正确一致"},
    {"placeholder.objects.5", "Create custom objects for whatever else the company tracks",
     "创建自定义对象，记录公司需要的其他信息"},
    {"placeholder.workflow.1", "Sales and service processes with their stages",
     "销售流程、服务流程及其各个阶段"},
    {"placeholder.workflow.2", "Stage requirements, entry conditions and allowed transitions",
     "阶段的必填字段、进入条件和允许的阶段转换"},
    {"placeholder.workflow.3", "Approval processes with steps and approvers",
     "包含审批步骤和审批人的审批流程"},
    {"placeholder.workflow.4", "Automation rules: fill in data, assign tasks, send reminders",
     "自动化规则：自动填写数据、分配任务、发送提醒"},
    {"placeholder.workflow.5", "Assign processes to teams and members", "将流程分配给团队和成员"},
    {"placeholder.notifications.1", "Schedule reminders and message reminders", "日程提醒和消息提醒"},
    {"placeholder.notifications.2", "Channels: email, SMS and in-app pop-ups",
     "通知渠道：电子邮件、短信和应用内弹窗"},
    {"placeholder.notifications.3", "Frequency, trigger conditions and message content",
     "提醒频率、触发条件和消息内容"},
    {"placeholder.notifications.4", "Message templates that quote fields of the record",
     "可引用记录字段的消息模板"},
    {"placeholder.reports.1", "Sales, customer and other report types", "销售报表、客户报表等多种报表类型"},
    {"placeholder.reports.2", "Choose the data source, fields and filters", "选择数据源、字段和筛选条件"},
    {"placeholder.reports.3", "Show results as a list, a chart or a pivot table",
     "以列表、图表或数据透视表展示结果"},
    {"placeholder.reports.4", "Preview, save, open later and export", "预览、保存、稍后查看和导出"},
    {"placeholder.data.1", "Back up and restore the whole workspace", "备份和恢复整个工作区"},
    {"placeholder.data.2", "Import and export data, with field mapping and an error report",
     "导入和导出数据，支持字段映射和错误报告"},
    {"placeholder.data.3", "Find and merge duplicates; clean up data", "查找并合并重复数据；清理数据"},
    {"placeholder.data.4", "Recover deleted records from the recycle bin", "从回收站恢复已删除的记录"},
    {"placeholder.integrations.1", "Connect ERP and other third-party systems to share and sync data",
     "连接 ERP 和其他第三方系统，共享并同步数据"},
    {"placeholder.integrations.2", "Webhooks and API keys", "Webhook 与 API 密钥"},
    {"placeholder.integrations.3", "Install and configure plugins and apps", "安装和配置插件与应用"},
    {"placeholder.integrations.4", "Export the whole configuration as JSON, compare it and re-apply it",
     "将全部配置导出为 JSON，进行比较并重新应用"},

    // The company profile page.
    {"company.section.general", "General", "基本信息"},
    {"company.section.regional", "Regional settings", "区域设置"},
    {"company.section.hours", "Business hours", "营业时间"},
    {"company.section.hours.desc", "Used by reminders, service levels and escalations.",
     "用于提醒、服务级别协议和升级规则。"},
    {"company.name", "Company name", "公司名称"},
    {"company.name.help", "Shown in the top bar, on reports and in notifications.",
     "显示在顶栏、报表和通知中。"},
    {"company.default_language", "Default language", "默认语言"},
    {"company.default_language.help", "The language the console and new users start in.",
     "控制台和新用户默认使用的语言。"},
    {"company.currency", "Currency", "货币"},
    {"company.currency.help", "The ISO 4217 currency of amounts.", "金额使用的 ISO 4217 货币。"},
    {"company.time_zone", "Time zone", "时区"},
    {"company.time_zone.help", "Dates, times and business hours follow this zone.",
     "日期、时间和营业时间均按此时区计算。"},
    {"company.date_format", "Date format", "日期格式"},
    {"company.date_format.help", "How dates are written on screens and in exports.",
     "屏幕和导出文件中日期的书写方式。"},
    {"company.fiscal_year_start_month", "Fiscal year starts in", "财年起始月份"},
    {"company.fiscal_year_start_month.help", "Quarters and fiscal-year reports count from this month.",
     "季度和财年报表从此月份开始计算。"},
    {"company.business_hours", "Business hours", "营业时间"},
    {"company.business_hours.start", "Opens at", "上班时间"},
    {"company.business_hours.start.help", "24-hour time, HH:MM.", "24 小时制，HH:MM。"},
    {"company.business_hours.end", "Closes at", "下班时间"},
    {"company.business_hours.end.help", "Up to 24:00.", "最晚 24:00。"},
    {"company.business_hours.weekdays", "Working days", "工作日"},
    {"company.business_hours.weekdays.help", "Days on which the business hours apply.",
     "适用营业时间的日期。"},
    {"company.filter_hint", "Type to filter...", "输入以筛选…"},
    {"company.no_match", "No match", "无匹配项"},
    {"company.zone_count", "{0} of {1} time zones", "共 {1} 个时区，显示 {0} 个"},
    {"company.example", "e.g. {0}", "例如 {0}"},
    {"company.save", "Save changes", "保存更改"},
    {"company.cancel", "Cancel", "取消"},
    {"company.state.unsaved", "You have unsaved changes.", "您有尚未保存的更改。"},
    {"company.state.clean", "No unsaved changes.", "没有未保存的更改。"},
    {"company.state.invalid", "Fix the highlighted fields to save.", "请先修正标出的字段，再保存。"},
    {"company.state.save_failed", "Could not save: {0}", "无法保存：{0}"},
    {"company.state.just_saved", "Changes saved.", "更改已保存。"},
    {"company.load_failed", "The company profile could not be read: {0}", "无法读取公司资料：{0}"},

    // Field messages (English comes from the core; Chinese from here).
    {"err.hhmm", "Use a 24-hour time HH:MM, e.g. 09:00.", "请使用 24 小时制时间 HH:MM，例如 09:00。"},
    {"err.name_empty", "The company name is empty; enter the name of your organisation.",
     "公司名称为空；请输入贵组织的名称。"},
    {"err.name_long", "The company name is too long; use at most 120 characters.",
     "公司名称过长；最多 120 个字符。"},
    {"err.name_utf8", "The company name is not valid text; type it again.",
     "公司名称不是有效文本；请重新输入。"},
    {"err.language", "Choose English or Simplified Chinese.", "请选择英语或简体中文。"},
    {"err.currency", "Choose a three-letter ISO 4217 currency such as USD, EUR or CNY.",
     "请选择三位字母的 ISO 4217 货币代码，例如 USD、EUR 或 CNY。"},
    {"err.time_zone", "Choose a time zone from the list, such as Asia/Shanghai.",
     "请从列表中选择时区，例如 Asia/Shanghai。"},
    {"err.fiscal", "Choose a month from January to December.", "请选择一月至十二月中的一个月份。"},
    {"err.hours_start", "Business hours must start between 00:00 and 23:59.",
     "营业时间必须在 00:00 至 23:59 之间开始。"},
    {"err.hours_end", "Closing time must be after the opening time and no later than 24:00.",
     "下班时间必须晚于上班时间，且不晚于 24:00。"},
    {"err.weekdays", "Choose at least one working day.", "请至少选择一个工作日。"},
    {"err.date_format", "Choose one of the listed date formats.", "请选择列表中的一种日期格式。"},
    {"err.date", "Use YYYY-MM-DD, e.g. 2026-01-31.", "请使用 YYYY-MM-DD 格式，例如 2026-01-31。"},
    {"err.date_range", "“From” is after “To”.", "开始日期晚于结束日期。"},

    // The unsaved-changes guard.
    {"unsaved.title", "Unsaved changes", "未保存的更改"},
    {"unsaved.body",
     "The company profile has changes that are not saved yet. Save them before leaving this page?",
     "公司资料中有尚未保存的更改。离开此页面之前要保存吗？"},
    {"unsaved.invalid", "Some fields are not valid yet: fix them, or discard the changes.",
     "部分字段尚无效：请修正，或放弃更改。"},
    {"unsaved.save", "Save", "保存"},
    {"unsaved.discard", "Discard", "放弃更改"},
    {"unsaved.stay", "Stay", "留在此页"},

    // Weekdays and months.
    {"weekday.0", "Mon", "周一"},
    {"weekday.1", "Tue", "周二"},
    {"weekday.2", "Wed", "周三"},
    {"weekday.3", "Thu", "周四"},
    {"weekday.4", "Fri", "周五"},
    {"weekday.5", "Sat", "周六"},
    {"weekday.6", "Sun", "周日"},
    {"month.1", "January", "一月"},
    {"month.2", "February", "二月"},
    {"month.3", "March", "三月"},
    {"month.4", "April", "四月"},
    {"month.5", "May", "五月"},
    {"month.6", "June", "六月"},
    {"month.7", "July", "七月"},
    {"month.8", "August", "八月"},
    {"month.9", "September", "九月"},
    {"month.10", "October", "十月"},
    {"month.11", "November", "十一月"},
    {"month.12", "December", "十二月"},

    // Languages (each written in its own language) and common currencies.
    {"lang.en", "English", "English"},
    {"lang.zh-CN", "简体中文 (Simplified Chinese)", "简体中文"},
    {"currency.AED", "UAE Dirham", "阿联酋迪拉姆"},
    {"currency.AUD", "Australian Dollar", "澳大利亚元"},
    {"currency.BRL", "Brazilian Real", "巴西雷亚尔"},
    {"currency.CAD", "Canadian Dollar", "加拿大元"},
    {"currency.CHF", "Swiss Franc", "瑞士法郎"},
    {"currency.CNY", "Chinese Yuan", "人民币"},
    {"currency.DKK", "Danish Krone", "丹麦克朗"},
    {"currency.EUR", "Euro", "欧元"},
    {"currency.GBP", "British Pound", "英镑"},
    {"currency.HKD", "Hong Kong Dollar", "港元"},
    {"currency.IDR", "Indonesian Rupiah", "印度尼西亚盾"},
    {"currency.INR", "Indian Rupee", "印度卢比"},
    {"currency.JPY", "Japanese Yen", "日元"},
    {"currency.KRW", "South Korean Won", "韩元"},
    {"currency.MOP", "Macanese Pataca", "澳门元"},
    {"currency.MXN", "Mexican Peso", "墨西哥比索"},
    {"currency.MYR", "Malaysian Ringgit", "马来西亚林吉特"},
    {"currency.NOK", "Norwegian Krone", "挪威克朗"},
    {"currency.NZD", "New Zealand Dollar", "新西兰元"},
    {"currency.PHP", "Philippine Peso", "菲律宾比索"},
    {"currency.RUB", "Russian Ruble", "俄罗斯卢布"},
    {"currency.SAR", "Saudi Riyal", "沙特里亚尔"},
    {"currency.SEK", "Swedish Krona", "瑞典克朗"},
    {"currency.SGD", "Singapore Dollar", "新加坡元"},
    {"currency.THB", "Thai Baht", "泰铢"},
    {"currency.TWD", "New Taiwan Dollar", "新台币"},
    {"currency.USD", "US Dollar", "美元"},
    {"currency.VND", "Vietnamese Dong", "越南盾"},
    {"currency.ZAR", "South African Rand", "南非兰特"},

    // The audit trail page.
    {"audit.filter.area", "Area", "区域"},
    {"audit.filter.any_area", "All areas", "全部区域"},
    {"audit.filter.user", "User", "用户"},
    {"audit.filter.any_user", "All users", "全部用户"},
    {"audit.filter.text", "Search", "搜索"},
    {"audit.filter.text_hint", "Setting, action or value...", "设置项、操作或值…"},
    {"audit.filter.from", "From", "开始日期"},
    {"audit.filter.to", "To", "结束日期"},
    {"audit.filter.clear", "Clear filters", "清除筛选"},
    {"audit.col.time", "Time (UTC)", "时间 (UTC)"},
    {"audit.col.user", "User", "用户"},
    {"audit.col.area", "Area", "区域"},
    {"audit.col.action", "Action", "操作"},
    {"audit.col.target", "Setting", "设置项"},
    {"audit.rows", "Rows {0}–{1} of {2}", "第 {0}–{1} 行，共 {2} 行"},
    {"audit.no_rows", "No changes match these filters.", "没有符合筛选条件的更改。"},
    {"audit.prev", "Previous", "上一页"},
    {"audit.next", "Next", "下一页"},
    {"audit.detail.title", "Change #{0}", "更改 #{0}"},
    {"audit.detail.none", "Select a row to see the values before and after the change.",
     "选择一行，查看更改前后的值。"},
    {"audit.detail.when", "When", "时间"},
    {"audit.detail.who", "Who", "操作人"},
    {"audit.detail.what", "Setting", "设置项"},
    {"audit.detail.old", "Old value", "旧值"},
    {"audit.detail.new", "New value", "新值"},
    {"audit.detail.copy_hint", "Select the text to copy it (Ctrl+C).", "选中文本即可复制（Ctrl+C）。"},
    {"audit.empty_value", "(none)", "（无）"},
    {"audit.query_failed", "The audit trail could not be read: {0}", "无法读取审计日志：{0}"},
    {"action.update", "Updated", "更新"},
    {"action.create", "Created", "创建"},
    {"action.delete", "Deleted", "删除"},

    // Quick find.
    {"quickfind.none", "No settings match “{0}”.", "没有与“{0}”匹配的设置。"},
    {"quickfind.page", "Page", "页面"},
    {"quickfind.keys", "Arrow keys to choose · Enter to open · Esc to close",
     "方向键选择 · Enter 打开 · Esc 关闭"},
    {"quickfind.users.roles", "Roles", "角色"},
    {"quickfind.users.teams", "Teams", "团队"},
    {"quickfind.users.permission_sets", "Permission sets", "权限集"},
    {"quickfind.objects.list", "Object manager", "对象管理器"},
    {"quickfind.objects.new", "New custom object", "新建自定义对象"},
    {"quickfind.objects.fields", "Fields & relationships", "字段与关系"},
    {"quickfind.objects.custom_field", "New custom field", "新建自定义字段"},
    {"quickfind.objects.picklist", "Picklist values", "选项列表值"},
    {"quickfind.objects.validation", "Validation rules", "验证规则"},
    {"quickfind.objects.layouts", "Page layouts", "页面布局"},
    {"quickfind.objects.history", "Field history tracking", "字段历史跟踪"},
    {"quickfind.objects.records", "Records", "记录"},
    {"quickfind.workflow.approvals", "Approval processes", "审批流程"},
    {"quickfind.workflow.automation", "Automation rules", "自动化规则"},
    {"quickfind.notifications.channels", "Notification channels", "通知渠道"},
    {"quickfind.reports.charts", "Charts and pivot tables", "图表和数据透视表"},
    {"quickfind.data.backup", "Backup and restore", "备份与恢复"},
    {"quickfind.data.import", "Import and export", "导入与导出"},
    {"quickfind.data.duplicates", "Duplicates and merge", "重复数据与合并"},
    {"quickfind.integrations.plugins", "Plugins", "插件"},
    {"quickfind.integrations.webhooks", "Webhooks and API keys", "Webhook 与 API 密钥"},
    {"quickfind.audit.filters", "Filter the audit trail", "筛选审计日志"},

    // Objects & Fields: shared words.
    {"common.yes", "Yes", "是"},
    {"dialog.cancel", "Cancel", "取消"},
    {"ftype.text", "Text", "文本"},
    {"ftype.long_text", "Long text", "长文本"},
    {"ftype.number", "Number", "数字"},
    {"ftype.currency", "Currency", "货币"},
    {"ftype.percent", "Percent", "百分比"},
    {"ftype.date", "Date", "日期"},
    {"ftype.datetime", "Date/time", "日期时间"},
    {"ftype.checkbox", "Checkbox", "复选框"},
    {"ftype.picklist", "Picklist", "选项列表"},
    {"ftype.multipicklist", "Multi-select picklist", "多选列表"},
    {"ftype.email", "Email", "电子邮件"},
    {"ftype.phone", "Phone", "电话"},
    {"ftype.url", "URL", "网址"},
    {"ftype.lookup", "Lookup", "查找关系"},
    {"ftype.auto_number", "Auto-number", "自动编号"},
    {"ftype.formula", "Formula", "公式"},
    {"formula.type_any", "Any", "任意"},
    {"formula.error_at", "Line {0}, position {1}: ", "第 {0} 行，第 {1} 个字符："},
    {"formula.ok", "The formula is valid; it gives a {0}.", "公式有效，结果类型：{0}。"},
    {"formula.empty", "Type a formula; it is checked as you type.", "输入公式，输入时即进行检查。"},
    {"formula.functions.filter", "Find a function...", "查找函数…"},
    {"formula.functions.insert", "Click to insert at the caret", "单击即可在光标处插入"},
    {"formula.category.logical", "Logical", "逻辑"},
    {"formula.category.text", "Text", "文本"},
    {"formula.category.date", "Date", "日期"},
    {"formula.category.math", "Math", "数学"},

    // The object list.
    {"objects.search_hint", "Search objects...", "搜索对象…"},
    {"objects.new", "New custom object", "新建自定义对象"},
    {"objects.col.label", "Label", "标签"},
    {"objects.col.api_name", "API name", "API 名称"},
    {"objects.col.type", "Type", "类型"},
    {"objects.col.fields", "Fields", "字段数"},
    {"objects.col.records", "Records", "记录数"},
    {"objects.col.description", "Description", "说明"},
    {"objects.standard", "Standard", "标准"},
    {"objects.custom", "Custom", "自定义"},
    {"objects.none", "No object matches this search.", "没有符合搜索条件的对象。"},
    {"objects.back", "All objects", "全部对象"},
    {"objects.new.title", "New custom object", "新建自定义对象"},
    {"objects.new.label", "Label", "标签"},
    {"objects.new.plural", "Plural label", "复数标签"},
    {"objects.new.api_name", "API name", "API 名称"},
    {"objects.new.record_name", "Record name", "记录名称"},
    {"objects.new.name_text", "Text", "文本"},
    {"objects.new.name_auto", "Auto-number", "自动编号"},
    {"objects.new.description", "Description", "说明"},
    {"objects.new.save", "Create object", "创建对象"},
    {"objects.new.api_needed", "Enter an API name: Latin letters, digits and underscores.",
     "请输入 API 名称：拉丁字母、数字和下划线。"},
    {"objects.new.format_needed", "An auto-number format needs a {000} counter, e.g. INV-{0000}.",
     "自动编号格式需要 {000} 计数部分，例如 INV-{0000}。"},
    {"objects.tab.details", "Details", "详细信息"},
    {"objects.tab.fields", "Fields & Relationships", "字段与关系"},
    {"objects.tab.layouts", "Layouts", "布局"},
    {"objects.tab.rules", "Validation Rules", "验证规则"},
    {"objects.tab.history", "Field History", "字段历史"},
    {"objects.tab.records", "Records", "记录"},
    {"objects.details.record_name", "Record name field", "记录名称字段"},
    {"objects.details.save", "Save", "保存"},
    {"objects.details.saved", "Saved.", "已保存。"},

    // Fields.
    {"fields.filter_hint", "Filter fields...", "筛选字段…"},
    {"fields.new", "New field", "新建字段"},
    {"fields.col.label", "Label", "标签"},
    {"fields.col.api_name", "API name", "API 名称"},
    {"fields.col.type", "Type", "类型"},
    {"fields.col.required", "Required", "必填"},
    {"fields.col.unique", "Unique", "唯一"},
    {"fields.col.help", "Help text", "帮助文本"},
    {"fields.col.actions", "Actions", "操作"},
    {"fields.edit", "Edit", "编辑"},
    {"fields.delete", "Delete", "删除"},
    {"fields.standard", "standard", "标准字段"},
    {"fields.none", "No field matches this filter.", "没有符合筛选条件的字段。"},
    {"fields.saved", "Field {0} saved.", "字段 {0} 已保存。"},
    {"fields.deleted.title", "Deleted fields ({0}): kept with their data until purged",
     "已删除的字段（{0}）：清除前数据仍保留"},
    {"fields.deleted.none", "No deleted fields.", "没有已删除的字段。"},
    {"fields.restore", "Restore", "恢复"},
    {"fields.restored", "Field {0} restored.", "字段 {0} 已恢复。"},
    {"fields.purge", "Purge", "彻底清除"},
    {"fields.purged", "Field {0} purged.", "字段 {0} 已彻底清除。"},
    {"fields.deleted_msg", "Field {0} moved to the deleted fields.", "字段 {0} 已移至已删除的字段。"},
    {"fields.delete.title", "Delete the field {0}?", "删除字段 {0}？"},
    {"fields.delete.body",
     "The field disappears from records, forms and lists; its data is kept and it can be restored until it "
     "is purged.",
     "该字段将从记录、表单和列表中消失；其数据仍会保留，在彻底清除之前可以恢复。"},
    {"fields.purge.title", "Purge the field {0}?", "彻底清除字段 {0}？"},
    {"fields.purge.body", "Its data is erased for good. The API name stays reserved. This cannot be undone.",
     "其数据将被永久删除，API 名称仍保留不可再用。此操作无法撤销。"},

    // The field editor.
    {"field.editor.title_new", "New field", "新建字段"},
    {"field.editor.title_edit", "Edit field: {0}", "编辑字段：{0}"},
    {"field.editor.type", "Type", "类型"},
    {"field.editor.label", "Label", "标签"},
    {"field.editor.api_name", "API name", "API 名称"},
    {"field.editor.api_suffix", "__c is added", "将自动添加 __c"},
    {"field.editor.api_fixed", "cannot change", "不可更改"},
    {"field.editor.help", "Help text", "帮助文本"},
    {"field.editor.flags", "Options", "选项"},
    {"field.editor.required", "Required", "必填"},
    {"field.editor.unique", "Unique", "唯一"},
    {"field.editor.track_history", "Track history", "跟踪历史"},
    {"field.editor.default", "Default value", "默认值"},
    {"field.editor.default_hint", "none", "无"},
    {"field.editor.layouts", "Layouts", "布局"},
    {"field.editor.add_to_layouts", "Add to every layout of the object", "添加到该对象的所有布局"},
    {"field.editor.length", "Length", "长度"},
    {"field.editor.precision", "Digits in total", "总位数"},
    {"field.editor.scale", "Decimal places", "小数位数"},
    {"field.editor.range", "Range", "范围"},
    {"field.editor.min", "Minimum", "最小值"},
    {"field.editor.max", "Maximum", "最大值"},
    {"field.editor.not_a_number", "Enter a number, or leave it empty for no limit.",
     "请输入数字，留空表示不限制。"},
    {"field.editor.values", "Values", "选项值"},
    {"field.editor.value_label", "Label", "标签"},
    {"field.editor.value_api", "API name", "API 名称"},
    {"field.editor.value_active", "Active", "启用"},
    {"field.editor.value_default", "Default", "默认"},
    {"field.editor.value_remove", "Remove", "移除"},
    {"field.editor.value_keep", "Stored on records: deactivate it instead of removing it.",
     "已被记录使用：请停用而不是移除。"},
    {"field.editor.value_add", "Add value", "添加选项值"},
    {"field.editor.lookup_object", "Related object", "关联对象"},
    {"field.editor.relationship", "Relationship name", "关系名称"},
    {"field.editor.choose", "Choose...", "请选择…"},
    {"field.editor.auto_format", "Format", "格式"},
    {"field.editor.formula_type", "Result type", "结果类型"},
    {"field.editor.formula", "Formula", "公式"},
    {"field.editor.save", "Save field", "保存字段"},
    {"field.retype.intro",
     "Changing the type from {0} to {1} converts the stored values. Check them first: values that would not "
     "convert are listed.",
     "将类型从 {0} 改为 {1} 会转换已存储的值。请先检查：无法转换的值会被列出。"},
    {"field.retype.check", "Check the stored values", "检查已存储的值"},
    {"field.retype.all_convert", "All {0} stored values convert. Save to change the type.",
     "全部 {0} 个已存储的值都可以转换。保存即可更改类型。"},
    {"field.retype.failures",
     "{0} of {1} stored values would not convert:", "{1} 个已存储的值中有 {0} 个无法转换："},
    {"field.retype.record", "Record", "记录"},
    {"field.retype.value", "Value", "值"},
    {"field.retype.reason", "Why", "原因"},
    {"field.retype.keep", "Keep the type", "保持原类型"},
    {"field.retype.apply_clear", "Change it and clear those values", "更改类型并清空这些值"},

    // Layouts.
    {"layouts.default_mark", "(default)", "（默认）"},
    {"layouts.save", "Save layout", "保存布局"},
    {"layouts.saved", "Layout saved.", "布局已保存。"},
    {"layouts.revert", "Revert", "还原"},
    {"layouts.profile_hint", "Profile name", "简档名称"},
    {"layouts.assign", "Assign to profile", "分配给简档"},
    {"layouts.assigned", "Layout {0} assigned to {1}.", "布局 {0} 已分配给 {1}。"},
    {"layouts.assigned_to", "Assigned to: {0}", "已分配给：{0}"},
    {"layouts.preview", "Preview", "预览"},
    {"layouts.preview_as_hint", "Preview as profile...", "以简档身份预览…"},
    {"layouts.preview_as", "{0} sees the layout {1}.", "{0} 看到的是布局 {1}。"},
    {"layouts.section_title", "Section title", "分区标题"},
    {"layouts.one_column", "1 column", "1 列"},
    {"layouts.two_columns", "2 columns", "2 列"},
    {"layouts.remove_section", "Remove section", "移除分区"},
    {"layouts.next_section", "To next section", "移到下一分区"},
    {"layouts.required", "Required", "必填"},
    {"layouts.read_only", "Read-only", "只读"},
    {"layouts.read_only_mark", "(read-only)", "（只读）"},
    {"layouts.remove", "Remove", "移除"},
    {"layouts.drop_here", "Drop a field here", "将字段拖放到此处"},
    {"layouts.add_section", "Add section", "添加分区"},
    {"layouts.new_section", "New section", "新分区"},
    {"layouts.unplaced", "Fields not on this layout (click to add):", "未在此布局中的字段（单击添加）："},

    // Validation rules.
    {"rules.new", "New rule", "新建规则"},
    {"rules.col.active", "Active", "启用"},
    {"rules.col.name", "Rule", "规则"},
    {"rules.col.message", "Error message", "错误消息"},
    {"rules.active", "Active", "已启用"},
    {"rules.inactive", "Off", "已停用"},
    {"rules.none", "No validation rules yet.", "尚无验证规则。"},
    {"rules.saved", "Rule {0} saved.", "规则 {0} 已保存。"},
    {"rules.deleted", "Rule {0} deleted.", "规则 {0} 已删除。"},
    {"rule.editor.title_new", "New validation rule", "新建验证规则"},
    {"rule.editor.title_edit", "Validation rule: {0}", "验证规则：{0}"},
    {"rule.editor.name", "Rule name", "规则名称"},
    {"rule.editor.description", "Description", "说明"},
    {"rule.editor.active", "Status", "状态"},
    {"rule.editor.active_check", "Active", "启用"},
    {"rule.editor.formula", "Condition (TRUE = invalid)", "条件（为 TRUE 时无效）"},
    {"rule.editor.message", "Error message", "错误消息"},
    {"rule.editor.error_field", "Show the message at", "消息显示位置"},
    {"rule.editor.top", "Top of the form", "表单顶部"},
    {"rule.editor.test", "Test this rule", "测试此规则"},
    {"rule.editor.test_result", "{0} of {1} records would fail", "{1} 条记录中有 {0} 条不能通过"},
    {"rule.editor.test_more", "...and {0} more", "……以及另外 {0} 条"},
    {"rule.editor.delete", "Delete rule", "删除规则"},
    {"rule.editor.save", "Save rule", "保存规则"},
    {"rule.editor.functions", "Functions", "函数"},

    // Field history.
    {"history.fields", "Tracked fields", "跟踪的字段"},
    {"history.fields.desc", "Each change of a tracked field is kept: old and new value, who and when.",
     "跟踪字段的每次更改都会被记录：旧值和新值、操作人及时间。"},
    {"history.record", "History of a record", "记录的历史"},
    {"history.record_id", "Record ID", "记录 ID"},
    {"history.pick_record", "Open a record on the Records tab, or enter its ID.",
     "请在“记录”标签页中打开一条记录，或输入其 ID。"},
    {"history.none", "No tracked changes for this record.", "此记录没有跟踪到的更改。"},
    {"history.col.field", "Field", "字段"},

    // Records.
    {"records.view.all", "All records", "全部记录"},
    {"records.filter_hint", "Filter formula, e.g. Amount > 50000", "筛选公式，例如 Amount > 50000"},
    {"records.filter_apply", "Apply", "应用"},
    {"records.save_as_hint", "View name", "视图名称"},
    {"records.save_view", "Save view", "保存视图"},
    {"records.new", "New record", "新建记录"},
    {"records.none", "No records match.", "没有符合条件的记录。"},
    {"record.title_new", "New {0}", "新建{0}"},
    {"record.title_edit", "{0}: {1}", "{0}：{1}"},
    {"record.as_profile", "as {0}", "以 {0} 身份"},
    {"record.back", "Back to the list", "返回列表"},
    {"record.save", "Save", "保存"},
    {"record.delete", "Delete", "删除"},
    {"record.delete.title", "Delete this record?", "删除此记录？"},
    {"record.delete.body", "{0} is deleted; lookups pointing at it are cleared.",
     "{0} 将被删除；指向它的查找关系将被清空。"},
    {"record.none", "--None--", "--无--"},
    {"record.inactive", " (inactive)", "（已停用）"},
    {"record.lookup_hint", "Record ID", "记录 ID"},
    {"record.required", "Enter a value: this form requires it.", "请输入值：此表单要求填写。"},
};

// [SECTION] Lookup

Language g_language = Language::English;

const std::unordered_map<std::string_view, const Row*>& Index() {
    static const std::unordered_map<std::string_view, const Row*> index = [] {
        std::unordered_map<std::string_view, const Row*> map;
        for (const Row& row : kRows) map.emplace(row.id, &row);
        return map;
    }();
    return index;
}

const char* Missing(std::string_view id) {
    // Keeps the id alive (Tr returns a pointer) and reports each missing id once.
    static std::unordered_set<std::string> missing;
    auto [it, inserted] = missing.emplace(id);
    if (inserted) std::fprintf(stderr, "[i18n] missing text for \"%s\"\n", it->c_str());
    return it->c_str();
}

}  // namespace

const char* LanguageCode(Language language) {
    return language == Language::ChineseSimplified ? "zh-CN" : "en";
}

std::optional<Language> ParseLanguage(std::string_view code) {
    if (code == "en" || code == "en-US" || code == "en-GB") return Language::English;
    if (code == "zh-CN" || code == "zh" || code == "zh-Hans") return Language::ChineseSimplified;
    return std::nullopt;
}

void SetLanguage(Language language) { g_language = language; }
Language CurrentLanguage() { return g_language; }

const char* TrIn(Language language, std::string_view id) {
    const auto& index = Index();
    auto it = index.find(id);
    if (it == index.end()) return Missing(id);
    return language == Language::ChineseSimplified ? it->second->zh : it->second->en;
}

const char* Tr(std::string_view id) { return TrIn(g_language, id); }

bool HasText(std::string_view id) { return Index().count(id) > 0; }

std::string TrFormat(std::string_view id, std::initializer_list<std::string> args) {
    return TrFormatIn(g_language, id, args);
}

std::string TrFormatIn(Language language, std::string_view id, std::initializer_list<std::string> args) {
    std::string out = TrIn(language, id);
    int n = 0;
    for (const std::string& arg : args) {
        const std::string token = "{" + std::to_string(n++) + "}";
        for (size_t pos = out.find(token); pos != std::string::npos;
             pos = out.find(token, pos + arg.size())) {
            out.replace(pos, token.size(), arg);
        }
    }
    return out;
}

std::string Label(std::string_view id) {
    std::string label = Tr(id);
    label += "###";
    label += id;
    return label;
}

void ForEachCatalogText(const std::function<void(const char*)>& fn) {
    for (const Row& row : kRows) {
        fn(row.en);
        fn(row.zh);
    }
}

}  // namespace crm::ui
