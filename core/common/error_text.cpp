// The error catalog: every English error message of the core as a template, beside its Chinese
// template. This file is the one place to find (and to add) the Chinese text of an error.
//
// Template syntax. In the English column, {0}..{9} match the variable parts of a message (names,
// numbers, quoted values; they may contain anything). In the Chinese column:
//   {N}    the part as it was (a name stays a name);
//   {N:t}  the part through the term table (an English word the core filled in: a type, an action,
//          a permission); a part the table lacks leaves the row unmatched;
//   {N:m}  the part is itself a message (a formula error inside a rule error, the sentence before
//          "Did you mean ...?"): translated through the message table; no match, no translation.
// Rows are tried in order, so a specific row goes before a general one. A "{" not followed by a
// digit and "}" or ":" is literal text ("{0000}", "{\"cmd\": ...}").
//
// [SECTION] Terms
// [SECTION] Messages: requests and the command interface
// [SECTION] Messages: company, storage, demo
// [SECTION] Messages: access
// [SECTION] Messages: schema and field values
// [SECTION] Messages: records and list views
// [SECTION] Messages: formulas
// [SECTION] Messages: sentences appended to others
// [SECTION] Matching
#include "common/error_text.h"

#include "common/messages.h"

#include <vector>

namespace crm {

namespace {

struct Row {
    const char* en;
    const char* zh;
};

// [SECTION] Terms

// Words and phrases the core fills into its sentences, translated where a Chinese template says {N:t}.
const Row kTerms[] = {
    // Formula types (TypePhrase, ValueTypeName).
    {"a number", "数字"},
    {"text", "文本"},
    {"a TRUE/FALSE value", "TRUE/FALSE 值"},
    {"a date", "日期"},
    {"a date/time", "日期/时间"},
    {"a picklist", "选项列表"},
    {"a multi-select picklist", "多选选项列表"},
    {"a value", "值"},
    {"NULL", "NULL"},
    {"a TRUE/FALSE condition", "TRUE/FALSE 条件"},
    {"a number (of days)", "数字（天数）"},
    {"a number, a date or text", "数字、日期或文本"},
    {"a number or a date", "数字或日期"},
    {"a number (of days) or a date", "数字（天数）或日期"},
    {"a number (of days) or a date/time", "数字（天数）或日期/时间"},
    {"Any", "任意类型"},
    {"Number", "数字"},
    {"Text", "文本"},
    {"Checkbox", "复选框"},
    {"Date", "日期"},
    {"Date/Time", "日期/时间"},
    {"Picklist", "选项列表"},
    {"Multi-Select Picklist", "多选选项列表"},
    // Formula tokens (the parser's Describe).
    {"end of formula", "公式结尾"},
    {"text {0}", "文本 {0}"},
    {"'{0}'", " '{0}'"},
    // Field types (FieldTypeName).
    {"long_text", "长文本"},
    {"number", "数字"},
    {"currency", "货币"},
    {"percent", "百分比"},
    {"date", "日期"},
    {"datetime", "日期时间"},
    {"checkbox", "复选框"},
    {"picklist", "选项列表"},
    {"multipicklist", "多选选项列表"},
    {"email", "电子邮件"},
    {"phone", "电话"},
    {"url", "网址"},
    {"lookup", "查找"},
    {"auto_number", "自动编号"},
    {"formula", "公式"},
    // Record actions.
    {"read", "读取"},
    {"create", "创建"},
    {"edit", "编辑"},
    {"delete", "删除"},
    {"change the owner of", "更改所有者："},
    {"a formula", "公式"},
    {"an auto-number", "自动编号"},
    // Access words.
    {"profile", "简档"},
    {"permission set", "权限集"},
    {"role", "角色"},
    {"team", "团队"},
    {"user", "用户"},
    {"rule", "规则"},
    {"validation rule", "验证规则"},
    {"object", "对象"},
    {"field", "字段"},
    {"Manage Users", "管理用户"},
    {"Manage Roles and Permissions", "管理角色和权限"},
    {"Customize Schema", "自定义架构"},
    {"Manage Workflows", "管理工作流"},
    {"Manage Reports", "管理报表"},
    {"Import Data", "导入数据"},
    {"Export Data", "导出数据"},
    {"Export Reports", "导出报表"},
    {"Backup and Restore", "备份与恢复"},
    {"View Setup Audit Trail", "查看设置审计日志"},
    {"Manage Integrations", "管理集成"},
    {"Manage Notifications", "管理通知"},
    {"Log In As", "以其他用户身份登录"},
    // JSON types (nlohmann's type_name).
    {"null", "null"},
    {"boolean", "布尔值"},
    {"string", "字符串"},
    {"array", "数组"},
    {"discarded", "无效值"},
    // List-query expectations ("... must be {what}.").
    {"a string", "字符串"},
    {"a whole number", "整数"},
    {"true or false", "true 或 false"},
    {"a list of field names", "字段名列表"},
    {"a formula (string)", "公式（字符串）"},
    {"a list of {field, op, value}", "{field, op, value} 的列表"},
    {"a string such as \"=\"", "字符串，例如 \"=\""},
    {"a field name", "字段名"},
};

// [SECTION] Messages: requests and the command interface

const Row kMessages[] = {
    {"The request is empty; send a JSON object such as {\"cmd\": \"commands.list\"}.",
     "请求为空；请发送 JSON 对象，例如 {\"cmd\": \"commands.list\"}。"},
    {"The request is not valid JSON (line {0}, column {1}): {2}",
     "请求不是有效的 JSON（第 {0} 行，第 {1} 列）：{2}"},
    {"The request must be a JSON object such as {\"cmd\": \"company.get\"}.",
     "请求必须是 JSON 对象，例如 {\"cmd\": \"company.get\"}。"},
    {"The request has an unknown key {0}; use cmd, as and args.",
     "请求含有未知的键 {0}；请使用 cmd、as 和 args。"},
    {"The request needs \"cmd\", the command name as a string such as {\"cmd\": \"company.get\"}.",
     "请求需要 \"cmd\"，即字符串形式的命令名，例如 {\"cmd\": \"company.get\"}。"},
    {"Unknown command {0}. Send {\"cmd\": \"commands.list\"} to see every command.",
     "未知命令 {0}。发送 {\"cmd\": \"commands.list\"} 可查看所有命令。"},
    {"Unknown command {0}.", "未知命令 {0}。"},
    {"\"as\" must be the acting user's name as a string.", "\"as\" 必须是字符串形式的操作用户名。"},
    {"\"args\" must be a JSON object, not {0}.", "\"args\" 必须是 JSON 对象，而不是 {0}。"},
    {"Internal error: {0}", "内部错误：{0}"},
    {"No error to report.", "没有可报告的错误。"},
    {"Record {0}: {1} Nothing was saved.", "第 {0} 条记录：{1:m}未保存任何内容。"},
    {"failed row", "失败的行"},
    {"{0} has no argument {1}; it takes none.", "{0} 没有参数 {1}；它不接受任何参数。"},
    {"{0} has no argument {1}; it takes {2}.", "{0} 没有参数 {1}；它接受的参数为 {2}。"},
    {"{0} must be a string, not {1}.", "{0} 必须是字符串，而不是{1:t}。"},
    {"{0} must be a whole number, not {1}.", "{0} 必须是整数，而不是 {1}。"},
    {"{0} must be true or false, not {1}.", "{0} 必须是 true 或 false，而不是 {1}。"},
    {"{0} must be a UTC date such as \"2026-01-31\" or \"2026-01-31T08:00:00Z\", or Unix milliseconds; got "
     "{1}.",
     "{0} 必须是 UTC 日期，例如 \"2026-01-31\" 或 \"2026-01-31T08:00:00Z\"，或 Unix 毫秒数；收到的是 {1}。"},
    {"\"sort\" is {0}; use time, actor, area, action or target.",
     "\"sort\" 为 {0}；请使用 time、actor、area、action 或 target。"},
    {"{0} is required.", "{0} 为必填项。"},
    {"{0} must be a record id (a positive whole number).", "{0} 必须是记录 ID（正整数）。"},
    {"{0} must be a JSON object.", "{0} 必须是 JSON 对象。"},
    {"\"mode\" is \"refuse\" (change nothing if any value would not convert) or \"clear\" (convert and clear "
     "those "
     "values).",
     "\"mode\" 为 \"refuse\"（只要有值无法转换就不做任何更改）或 \"clear\"（转换并清除这些值）。"},
    {"\"kind\" is \"rule\" (Boolean, prior values allowed), \"field\" (any type) or \"filter\" (Boolean).",
     "\"kind\" 为 \"rule\"（布尔值，可使用先前的值）、\"field\"（任意类型）或 \"filter\"（布尔值）。"},
    {"\"values\" must be a JSON object.", "\"values\" 必须是 JSON 对象。"},
    {"Unknown system permission {0}.", "未知的系统权限 {0}。"},
    {"\"owd\" is private, public_read or public_read_write.",
     "\"owd\" 为 private、public_read 或 public_read_write。"},
    {"\"team_access\" is none, read or edit.", "\"team_access\" 为 none、read 或 edit。"},
    {"\"action\" is read, create, edit or delete.", "\"action\" 为 read、create、edit 或 delete。"},

    // [SECTION] Messages: company, storage, demo

    {"The company name is not valid UTF-8 text; type it again.", "公司名称不是有效的文本；请重新输入。"},
    {"The company name is empty; enter the name of your organisation.", "公司名称为空；请输入贵组织的名称。"},
    {"The company name has {0} characters; use at most {1}.", "公司名称有 {0} 个字符；最多可使用 {1} 个。"},
    {"Language {0} is not supported; use {1}.", "不支持语言 {0}；请使用 {1}。"},
    {"Currency {0} is not an ISO 4217 code; use a three-letter code such as USD, EUR or CNY.",
     "货币 {0} 不是 ISO 4217 代码；请使用三个字母的代码，例如 USD、EUR 或 CNY。"},
    {"Time zone {0} is not in the IANA time-zone database; use a name such as UTC, Europe/Berlin or "
     "Asia/Shanghai.",
     "时区 {0} 不在 IANA 时区数据库中；请使用 UTC、Europe/Berlin 或 Asia/Shanghai 这样的名称。"},
    {"The fiscal year start month is {0}; use a month number from 1 (January) to 12 (December).",
     "财年起始月份为 {0}；请使用 1（一月）至 12（十二月）之间的月份数字。"},
    {"Business hours must start between 00:00 and 23:59.", "营业时间必须在 00:00 至 23:59 之间开始。"},
    {"Business hours must end after they start ({0}) and no later than 24:00.",
     "营业时间必须在开始时间（{0}）之后结束，且不晚于 24:00。"},
    {"Choose at least one working day (Monday to Sunday).", "请至少选择一个工作日（周一至周日）。"},
    {"Date format {0} is not supported; use {1}.", "不支持日期格式 {0}；请使用 {1}。"},
    {"\"business_hours\" must be an object such as {\"start\": \"09:00\", \"end\": \"18:00\", \"weekdays\": "
     "[\"mon\", \"tue\"]}.",
     "\"business_hours\" 必须是对象，例如 {\"start\": \"09:00\", \"end\": \"18:00\", \"weekdays\": [\"mon\", "
     "\"tue\"]}。"},
    {"{0} must be a time \"HH:MM\" between \"00:00\" and \"24:00\".",
     "{0} 必须是 \"00:00\" 至 \"24:00\" 之间的时间 \"HH:MM\"。"},
    {"\"business_hours.weekdays\" must be a list of days such as [\"mon\", \"fri\"].",
     "\"business_hours.weekdays\" 必须是日期列表，例如 [\"mon\", \"fri\"]。"},
    {"\"business_hours.weekdays\" holds {0}; use mon, tue, wed, thu, fri, sat or sun.",
     "\"business_hours.weekdays\" 含有 {0}；请使用 mon、tue、wed、thu、fri、sat 或 sun。"},
    {"The company profile must be a JSON object, not {0}.", "公司资料必须是 JSON 对象，而不是{0:t}。"},
    {"\"fiscal_year_start_month\" must be a whole number from 1 to 12.",
     "\"fiscal_year_start_month\" 必须是 1 至 12 的整数。"},
    {"The company profile has no field {0}; use {1}.", "公司资料没有字段 {0}；请使用 {1}。"},
    {"Say who makes the change: the acting user is missing.", "请说明由谁进行更改：缺少操作用户。"},
    {"Say whose list view this is: the acting user is missing.", "请说明这是谁的列表视图：缺少操作用户。"},

    {"{0} is not a CRM workspace: it is not a SQLite database, or it is damaged. The file was left "
     "unchanged; "
     "choose another file or move this one aside.",
     "{0} 不是 CRM 工作区：它不是 SQLite 数据库，或已损坏。文件未被改动；请选择其他文件，或将此文件移走。"},
    {"Cannot open {0}: {1}. Check that the folder exists and is writable.",
     "无法打开 {0}：{1}。请检查文件夹是否存在且可写。"},
    {"Cannot read {0}: {1}.", "无法读取 {0}：{1}。"},
    {"Cannot prepare {0}: {1}", "无法准备 {0}：{1}"},
    {"Cannot create the backup {0}: {1}.", "无法创建备份 {0}：{1}。"},
    {"Cannot back up to {0}: {1}.", "无法备份到 {0}：{1}。"},
    {"Backing up to {0} failed: {1}.", "备份到 {0} 失败：{1}。"},
    {"Cannot move the damaged file {0} aside to {1}.", "无法将损坏的文件 {0} 移到 {1}。"},
    // The browser's page store (web/page_store.js): Chromium discarded its corrupt IndexedDB copy.
    {"the browser discarded its stored copy as corrupt ({0})", "浏览器发现其存储副本已损坏，已将其丢弃（{0}）"},
    {"The statement was not prepared.", "语句未准备好。"},
    {"The transaction has already ended.", "事务已经结束。"},
    {"{0} is a SQLite database of another application, not a CRM workspace. It was left unchanged; choose a "
     "workspace file.",
     "{0} 是其他应用程序的 SQLite 数据库，不是 CRM 工作区。文件未被改动；请选择工作区文件。"},
    {"{0} already holds tables of another application, not a CRM workspace. It was left unchanged; choose a "
     "workspace file.",
     "{0} 已含有其他应用程序的表，不是 CRM 工作区。文件未被改动；请选择工作区文件。"},
    {"This workspace was saved by a newer version of CRM Settings (schema {0}); this build reads up to "
     "schema {1}. "
     "Open it with the newer version.",
     "此工作区由较新版本的 CRM 设置保存（架构 {0}）；当前版本最多可读取架构 {1}。请用较新版本打开。"},
    {"Upgrading {0} to schema {1} ({2}) failed: {3}. The file was left as it was.",
     "将 {0} 升级到架构 {1}（{2}）失败：{3}。文件保持原样。"},
    {"The demo scale must be a whole number from 1 to 100000.", "演示数据规模必须是 1 至 100000 的整数。"},
    {"The workspace already holds data; generate the demo company into a new, empty workspace.",
     "工作区中已有数据；请在新的空工作区中生成演示公司。"},

    // [SECTION] Messages: access

    {"Permissions are a list such as [\"read\", \"edit\"].", "权限是一个列表，例如 [\"read\", \"edit\"]。"},
    {"Unknown permission {0}; use read, create, edit, delete, view_all or modify_all.",
     "未知权限 {0}；请使用 read、create、edit、delete、view_all 或 modify_all。"},
    {"A user is a JSON object.", "用户是一个 JSON 对象。"},
    {"A user has no property {0}.", "用户没有属性 {0}。"},
    {"\"active\" is true or false.", "\"active\" 为 true 或 false。"},
    {"{0} must be a string.", "{0} 必须是字符串。"},
    {"A sharing rule is a JSON object.", "共享规则是一个 JSON 对象。"},
    {"{0} is {\"kind\": \"role\"|\"role_and_subordinates\"|\"team\"|\"user\", \"name\": ...}.",
     "{0} 的形式为 {\"kind\": \"role\"|\"role_and_subordinates\"|\"team\"|\"user\", \"name\": ...}。"},
    {"Unknown group kind {0}.", "未知的组类型 {0}。"},
    {"A rule shares at \"read\" or \"edit\".", "规则以 \"read\" 或 \"edit\" 级别共享。"},
    {"A sharing rule has no property {0} of that type.", "共享规则没有该类型的属性 {0}。"},
    {"There is no user {0}; act as an existing active user.", "不存在用户 {0}；请以现有的活动用户身份操作。"},
    {"There is no user with id {0}.", "不存在 ID 为 {0} 的用户。"},
    {"The user {0} is inactive and cannot act.", "用户 {0} 已停用，无法操作。"},
    {"You need the system permission {0} for this.", "此操作需要系统权限“{0:t}”。"},
    {"This would leave no active user with Manage Users; give it to another active user first.",
     "这将导致没有任何活动用户拥有“管理用户”权限；请先将该权限授予另一位活动用户。"},
    {"There is no {0} with id {1} for {2}.", "{2} 的 {0} 中不存在 ID 为 {1} 的记录。"},
    {"There is no {0} with id {1}.", "不存在 ID 为 {1} 的{0}。"},
    {"There is no {0} {1}.", "不存在{0:t} {1}。"},
    {"Name the user.", "请指定用户。"},
    {"A username is 2 to 64 letters, digits, '.', '_', '-' or '@', starting with a letter; got {0}.",
     "用户名由 2 至 64 个字母、数字、'.'、'_'、'-' 或 '@' 组成，并以字母开头；收到的是 {0}。"},
    {"The full name is required.", "全名为必填项。"},
    {"{0} is not an email address such as li.na@example.com.",
     "{0} 不是电子邮件地址（例如 li.na@example.com）。"},
    {"The language is \"en\" or \"zh-CN\".", "语言为 \"en\" 或 \"zh-CN\"。"},
    {"The time zone is required.", "时区为必填项。"},
    {"The username {0} is taken.", "用户名 {0} 已被占用。"},
    {"A user cannot be their own manager.", "用户不能是自己的经理。"},
    {"{0} owns {1} records: deactivate the user, or transfer the records to another user first.",
     "{0} 拥有 {1} 条记录：请停用该用户，或先将这些记录转移给其他用户。"},
    {"Records can only go to an active user.", "记录只能转移给活动用户。"},
    {"A role needs a name.", "角色需要名称。"},
    {"A team needs a name.", "团队需要名称。"},
    {"A sharing rule needs a name.", "共享规则需要名称。"},
    {"A {0} needs a name.", "{0:t}需要名称。"},
    {"There is already a {0} {1}.", "已存在{0:t} {1}。"},
    {"The role {0} moved after that change: nothing was undone.",
     "角色 {0} 在该更改之后又被移动过：未撤销任何更改。"},
    {"{0} in {1} changed after that change: nothing was undone.",
     "{1} 中的 {0} 在该更改之后又被修改过：未撤销任何更改。"},
    {"{0} is the role itself: a role cannot become its own ancestor.",
     "{0} 就是该角色本身：角色不能成为自己的上级。"},
    {"{0} is below {1}: a role cannot become its own ancestor.",
     "{0} 位于 {1} 之下：角色不能成为自己的上级。"},
    {"{0} has {1} users, {2} child roles and {3} sharing rules: move them (or delete the rules) first.",
     "{0} 有 {1} 个用户、{2} 个子角色和 {3} 条共享规则：请先移走它们（或删除这些规则）。"},
    {"{0} users have the profile {1}: give them another first.",
     "有 {0} 个用户使用简档 {1}：请先为他们指定其他简档。"},
    {"The System Administrator profile is built in and cannot be deleted.",
     "系统管理员简档为内置简档，不能删除。"},
    {"The profile cannot read the required field {0}, so it cannot create {1} records: give it Read on the "
     "field "
     "first.",
     "该简档无法读取必填字段 {0}，因此无法创建 {1} 记录：请先授予其对该字段的读取权限。"},
    {"{0} is required and the profile can create {1} records: it cannot be made unreadable.",
     "{0} 为必填字段，且该简档可以创建 {1} 记录：不能将其设为不可读。"},
    {"Standard objects always grant access using hierarchies.", "标准对象始终使用层级结构授予访问权限。"},
    {"Team access is none, read or edit.", "团队访问权限为 none、read 或 edit。"},
    {"A rule shares at read or edit.", "规则以 read 或 edit 级别共享。"},
    {"Owner-based rules name a role, a role and its subordinates, or a team.",
     "基于所有者的规则须指定一个角色、一个角色及其下属，或一个团队。"},
    {"A rule needs owned_by (owner-based) or criteria (criteria-based).",
     "规则需要 owned_by（基于所有者）或 criteria（基于条件）。"},
    {"The criteria cannot run inside the database ({0}); simplify it.",
     "该条件无法在数据库中运行（{0:m}）；请简化条件。"},
    {"The saved rule was not found.", "未找到已保存的规则。"},
    {"{0} has no sharing rule {1}.", "{0} 没有共享规则 {1}。"},

    // [SECTION] Messages: schema and field values

    {"The API name {0} of the {1} is empty; use letters, digits and underscores, starting with a letter.",
     "{1:t}的 API 名称 {0} 为空；请使用字母、数字和下划线，并以字母开头。"},
    {"The API name {0} of the {1} is longer than 40 characters.", "{1:t}的 API 名称 {0} 超过 40 个字符。"},
    {"The API name {0} of the {1} must start with a letter.", "{1:t}的 API 名称 {0} 必须以字母开头。"},
    {"The API name {0} of the {1} may only hold letters, digits and underscores ({2} is not).",
     "{1:t}的 API 名称 {0} 只能包含字母、数字和下划线（{2} 不是）。"},
    {"The API name {0} of the {1} cannot contain two underscores in a row or end with one.",
     "{1:t}的 API 名称 {0} 不能包含连续两个下划线，也不能以下划线结尾。"},
    {"only 0 and 1 convert to a checkbox", "只有 0 和 1 可以转换为复选框"},
    {"A {0} field cannot become {1}: formula fields have no stored values; create a new field instead.",
     "{0:t}字段不能变为{1:t}：公式字段没有存储的值；请改为创建新字段。"},
    {"A {0} field cannot become {1}: lookups hold record ids; create a new field instead.",
     "{0:t}字段不能变为{1:t}：查找字段保存的是记录 ID；请改为创建新字段。"},
    {"A {0} field cannot become {1}: a lookup keeps its target object.",
     "{0:t}字段不能变为{1:t}：查找字段的目标对象不可更改。"},
    {"A {0} field cannot become {1}: {2}", "{0:t}字段不能变为{1:t}：{2:m}"},
    {"The field needs a label.", "字段需要标签。"},
    {"A label has at most 80 characters.", "标签最多 80 个字符。"},
    {"Help text has at most 510 characters.", "帮助文本最多 510 个字符。"},
    {"A text field holds 1 to 255 characters; use long text for more.",
     "文本字段可容纳 1 至 255 个字符；更长的内容请使用长文本。"},
    {"A long text field holds 256 to 131072 characters.", "长文本字段可容纳 256 至 131072 个字符。"},
    {"Precision (total digits) must be 1 to 18.", "精度（总位数）必须为 1 至 18。"},
    {"Scale (decimal places) must be 0 to the precision.", "小数位数必须在 0 到精度之间。"},
    {"The minimum must not be above the maximum.", "最小值不能大于最大值。"},
    {"A picklist needs at least one value.", "选项列表至少需要一个值。"},
    {"Picklist value {0} must be 1 to 255 characters without ';'.",
     "选项列表值 {0} 必须为 1 至 255 个字符，且不含 ';'。"},
    {"The picklist lists {0} twice.", "选项列表中 {0} 出现了两次。"},
    {"The default value must be active.", "默认值必须是活动值。"},
    {"A picklist has at most one default value.", "选项列表最多只能有一个默认值。"},
    {"The lookup's target object {0} does not exist.", "查找字段的目标对象 {0} 不存在。"},
    {"The relationship name {0} is taken by {1}.", "关系名称 {0} 已被 {1} 占用。"},
    {"A formula returns number, currency, percent, text, checkbox, date or datetime.",
     "公式的返回类型为 number、currency、percent、text、checkbox、date 或 datetime。"},
    {"A {0} field cannot be unique.", "{0:t}字段不能设为唯一。"},
    {"This type of field has no default value.", "此类型的字段没有默认值。"},
    {"There is no object {0}.", "不存在对象 {0}。"},
    {"The object needs a label.", "对象需要标签。"},
    {"The object needs a plural label.", "对象需要复数标签。"},
    {"The API name {0} belonged to a deleted object and is never reused; choose another.",
     "API 名称 {0} 属于一个已删除的对象，永不重复使用；请另选一个。"},
    {"The API name {0} is taken by another object; choose another.",
     "API 名称 {0} 已被其他对象占用；请另选一个。"},
    {"Standard objects such as {0} cannot be deleted.", "{0} 等标准对象不能删除。"},
    {"{0} is used by {1}; delete those first.", "{0} 正被 {1} 使用；请先删除它们。"},
    {"{0} already has a field {1}; choose another API name.", "{0} 已有字段 {1}；请另选一个 API 名称。"},
    {"{0} already has a deleted field {1} (restore it instead); choose another API name.",
     "{0} 已有一个已删除的字段 {1}（请改为恢复它）；请另选一个 API 名称。"},
    {"{0} already had a field {1} (purged; API names are never reused); choose another API name.",
     "{0} 曾有字段 {1}（已彻底删除；API 名称永不重复使用）；请另选一个 API 名称。"},
    {"{0} already has a rule {1}.", "{0} 已有规则 {1}。"},
    {"Changing the type of {0} converts its data: preview it with fields.retype_preview, then use "
     "fields.retype.",
     "更改 {0} 的类型会转换其数据：请先用 fields.retype_preview 预览，再使用 fields.retype。"},
    {"{0} value would not convert", "{0} 个值无法转换"},
    {"{0} values would not convert", "{0} 个值无法转换"},
    {"{0} value would not convert (first: record {1}, {2}: {3})",
     "{0} 个值无法转换（第一个：记录 {1}，{2}：{3:m}）"},
    {"{0} values would not convert (first: record {1}, {2}: {3})",
     "{0} 个值无法转换（第一个：记录 {1}，{2}：{3:m}）"},
    {"The new limits of {0} do not fit the stored data: {1}. Change those records first.",
     "{0} 的新限制与已存储的数据不符：{1:m}。请先修改这些记录。"},
    {"{0} cannot be made unique: some records share a value. Change those first.",
     "{0} 不能设为唯一：有些记录的值相同。请先修改这些记录。"},
    {"Standard fields such as {0} cannot be deleted.", "{0} 等标准字段不能删除。"},
    {"{0} is used by: {1}. Remove it from those first.", "{0} 正被以下各项使用：{1}。请先从中移除它。"},
    {"{0} has no deleted field {1}.", "{0} 没有已删除的字段 {1}。"},
    {"Only deleted fields can be purged; delete {0} first.", "只能彻底删除已删除的字段；请先删除 {0}。"},
    {"The field holds more than 1000 different values; a picklist this long is not useful.",
     "该字段含有超过 1000 个不同的值；这么长的选项列表没有用处。"},
    {"{0}; nothing was changed. Fix those records, or choose to clear them.",
     "{0:m}；未做任何更改。请修正这些记录，或选择清除这些值。"},
    {"{0} has no validation rule {1}.", "{0} 没有验证规则 {1}。"},
    {"The rule needs an error message to show when it fails.", "规则需要一条在不满足时显示的错误消息。"},
    {"{0} has no layout {1}.", "{0} 没有布局 {1}。"},
    {"The layout needs a name of 1 to 80 characters.", "布局需要 1 至 80 个字符的名称。"},
    {"Section {0} must have 1 or 2 columns.", "分区 {0} 必须有 1 或 2 列。"},
    {"The layout places {0}, which is not a field of {1}.", "布局放置了 {0}，但它不是 {1} 的字段。"},
    {"The layout places {0} twice.", "布局中 {0} 被放置了两次。"},
    {"Name the profile to assign the layout to.", "请指定要分配此布局的简档。"},
    {"The default layout cannot be deleted; make another one the default first.",
     "默认布局不能删除；请先将另一个布局设为默认。"},
    {"{0} must be true or false, not {1}.", "{0} 必须是 true 或 false，而不是 {1}。"},
    {"{0} must be a whole number from 0 to 1000000, not {1}.",
     "{0} 必须是 0 至 1000000 的整数，而不是 {1}。"},
    {"{0} must be a number or null, not {1}.", "{0} 必须是数字或 null，而不是 {1}。"},
    {"{0} must be one of {1}; got {2}.", "{0} 必须是 {1} 之一；收到的是 {2}。"},
    {"\"picklist\" must be a list of values.", "\"picklist\" 必须是值的列表。"},
    {"Each picklist value is a string or {\"api_name\", \"label\", \"active\", \"default\"}; got {0}.",
     "每个选项列表值是字符串或 {\"api_name\", \"label\", \"active\", \"default\"}；收到的是 {0}。"},
    {"A field must be a JSON object.", "字段必须是 JSON 对象。"},
    {"An object must be a JSON object.", "对象必须是 JSON 对象。"},
    {"A validation rule must be a JSON object.", "验证规则必须是 JSON 对象。"},
    {"A layout must be a JSON object.", "布局必须是 JSON 对象。"},
    {"\"sections\" must be a list of sections.", "\"sections\" 必须是分区的列表。"},
    {"Each section is an object {title, columns, items}.", "每个分区是一个对象 {title, columns, items}。"},
    {"\"items\" must be a list.", "\"items\" 必须是列表。"},
    {"Each item is a field name or {field, required, read_only}.",
     "每一项是字段名或 {field, required, read_only}。"},
    {"A picklist value has no property {0}.", "选项列表值没有属性 {0}。"},
    {"A field has no property {0}.", "字段没有属性 {0}。"},
    {"An object has no property {0}.", "对象没有属性 {0}。"},
    {"A validation rule has no property {0}.", "验证规则没有属性 {0}。"},
    {"A layout item has no property {0}.", "布局项没有属性 {0}。"},
    {"A layout section has no property {0}.", "布局分区没有属性 {0}。"},
    {"A layout has no property {0}.", "布局没有属性 {0}。"},
    {"The layout cannot go to the profile {0}: there is no such profile.",
     "布局无法分配给简档 {0}：不存在该简档。"},
    {"{0} cannot be required: the profile {1} can create {2} records but cannot read the field. Give it Read "
     "on {3} first.",
     "{0} 不能设为必填：简档 {1} 可以创建 {2} 记录，但无法读取该字段。请先授予其对 {3} 的读取权限。"},
    {"{0} cannot be required: the profiles {1} can create {2} records but cannot read the field. Give them "
     "Read on {3} first.",
     "{0} 不能设为必填：简档 {1} 可以创建 {2} 记录，但无法读取该字段。请先授予它们对 {3} 的读取权限。"},
    {"A Chinese label has at most 80 characters.", "中文标签最多 80 个字符。"},

    {"{0} allows {1} decimal place; {2} has more.", "{0} 允许 {1} 位小数；{2} 超出了。"},
    {"{0} allows {1} decimal places; {2} has more.", "{0} 允许 {1} 位小数；{2} 超出了。"},
    {"{0} allows at most {1} digits before the decimal point; {2} has more.",
     "{0} 的整数部分最多 {1} 位；{2} 超出了。"},
    {"{0} must be at least {1}; got {2}.", "{0} 不能小于 {1}；收到的是 {2}。"},
    {"{0} must be at most {1}; got {2}.", "{0} 不能大于 {1}；收到的是 {2}。"},
    {"{0} is not valid UTF-8 text.", "{0} 不是有效的 UTF-8 文本。"},
    {"{0} holds at most {1} characters; got {2}.", "{0} 最多容纳 {1} 个字符；收到的是 {2} 个。"},
    {"{0} is not an email address; use the form name@example.com.",
     "{0} 不是电子邮件地址；请使用 name@example.com 的形式。"},
    {"{0} is not a web address; use the form https://www.example.com.",
     "{0} 不是网址；请使用 https://www.example.com 的形式。"},
    {"{0} is not a phone number; use digits with spaces, +, -, ( ) as separators.",
     "{0} 不是电话号码；请使用数字，并以空格、+、-、( ) 作为分隔符。"},
    {"{0} is not a number; use digits such as 1234.5.", "{0} 不是数字；请使用 1234.5 这样的数字。"},
    {"{0} is not a date; use YYYY-MM-DD, such as 2026-03-31.",
     "{0} 不是日期；请使用 YYYY-MM-DD，例如 2026-03-31。"},
    {"{0} is not a date and time; use ISO 8601 UTC, such as 2026-03-31T09:30:00Z.",
     "{0} 不是日期时间；请使用 ISO 8601 UTC 格式，例如 2026-03-31T09:30:00Z。"},
    {"{0} is not a checkbox value; use true or false.", "{0} 不是复选框的值；请使用 true 或 false。"},
    {"{0} is not a value of {1}.", "{0} 不是 {1} 的值。"},
    {"{0} is not a record id; a lookup holds the id of a {1} record.",
     "{0} 不是记录 ID；查找字段保存的是 {1} 记录的 ID。"},
    {"{0} is a formula field: it is computed, not written.", "{0} 是公式字段：它由计算得出，不能写入。"},
    {"Unknown field type.", "未知的字段类型。"},
    {"{0} must be a finite number.", "{0} 必须是有限的数字。"},
    {"{0} takes a list of value names (strings).", "{0} 接受值名称（字符串）的列表。"},
    {"A value of {0} cannot contain ';'.", "{0} 的值不能包含 ';'。"},
    {"{0} ({1}) cannot take {2}.", "{0}（{1:t}）不能接受 {2}。"},
    {"{0} is no longer an active value of {1}; records that hold it keep it, but new saves must choose an "
     "active "
     "value.",
     "{0} 已不再是 {1} 的活动值；已有该值的记录会保留它，但新的保存必须选择活动值。"},

    // [SECTION] Messages: records and list views

    {"You do not have permission to {0} {1}.", "您没有{0:t} {1} 的权限。"},
    {"You do not have access to {0} this {1} (id {2}): it is not shared with you at that level.",
     "您无权{0:t}此{1}（ID {2}）：该记录未以此级别与您共享。"},
    {"A record's values are a JSON object {\"Field\": value}.",
     "记录的值是一个 JSON 对象 {\"Field\": value}。"},
    {"OwnerId is the id of a user (a whole number).", "OwnerId 是用户的 ID（整数）。"},
    {"{0} has no stored field {1}.", "{0} 没有已存储的字段 {1}。"},
    {"{0} has no field {1}.", "{0} 没有字段 {1}。"},
    {"You do not have permission to edit {0} ({1}).", "您没有编辑 {0}（{1}）的权限。"},
    {"{0} is {1} field: the system computes it.", "{0} 是{1:t}字段：由系统计算。"},
    {"{0} must be unique; {1} {2} already has {3}.", "{0} 必须唯一；{1} {2} 已有值 {3}。"},
    {"Validation rule {0} could not be checked: {1}", "无法检查验证规则 {0}：{1:m}"},
    {"The auto-number could not be assigned.", "无法分配自动编号。"},
    {"The page size (limit) must be 1 to 1000.", "每页条数（limit）必须为 1 至 1000。"},
    {"The offset cannot be negative.", "偏移量（offset）不能为负数。"},
    {"The filter uses {0}, which you do not have permission to read.",
     "筛选条件使用了 {0}，但您没有读取它的权限。"},
    {"The formula uses {0}, which you do not have permission to read.",
     "公式使用了 {0}，但您没有读取它的权限。"},
    {"The condition uses {0}, which you do not have permission to read.",
     "条件使用了 {0}，但您没有读取它的权限。"},
    {"{0} is a formula field; filter on it with a filter formula instead.",
     "{0} 是公式字段；请改用筛选公式对其筛选。"},
    {"{0} is not a date and time.", "{0} 不是日期时间。"},
    {"The filter on {0} needs a value.", "{0} 上的筛选条件需要一个值。"},
    {"Unknown filter operator {0}; use =, !=, <, >, <=, >=, contains, starts_with, blank or not_blank.",
     "未知的筛选运算符 {0}；请使用 =、!=、<、>、<=、>=、contains、starts_with、blank 或 not_blank。"},
    {"You do not have permission to read {0}, so it cannot sort the list.",
     "您没有读取 {0} 的权限，因此无法用它对列表排序。"},
    {"{0} is a formula field and cannot sort the list.", "{0} 是公式字段，不能用于对列表排序。"},
    {"A list query is a JSON object.", "列表查询是一个 JSON 对象。"},
    {"A list query has no {0}.", "列表查询没有 {0}。"},
    {"The list view needs a name of 1 to 80 characters.", "列表视图需要 1 至 80 个字符的名称。"},
    {"You have no list view {0} on {1}.", "您在 {1} 上没有列表视图 {0}。"},
    {"{0} must be {1}.", "{0} 必须是{1:t}。"},

    // [SECTION] Messages: formulas

    {"The formula is {0} characters long; the limit is {1}.", "公式长 {0} 个字符；上限为 {1} 个。"},
    {"The formula is not valid UTF-8 text.", "公式不是有效的 UTF-8 文本。"},
    {"The formula is empty; write an expression such as Amount > 0.",
     "公式为空；请编写一个表达式，例如 Amount > 0。"},
    {"Unexpected {0} after a complete expression; is an operator or a comma missing?",
     "完整表达式之后出现了意外的{0:t}；是否缺少运算符或逗号？"},
    {"This comment is not closed; end it with */.", "此注释未结束；请以 */ 结尾。"},
    {"Unexpected '|'; write || (or OR()) for \"or\".", "意外的 '|'；表示“或”请写 ||（或 OR()）。"},
    {"Unexpected character {0} (a full-width parenthesis; use ( and )).",
     "意外的字符 {0}（全角括号；请使用 ( 和 )）。"},
    {"Unexpected character {0} (a full-width comma; use ,).", "意外的字符 {0}（全角逗号；请使用 ,）。"},
    {"Unexpected character {0} (a curly quote; use \").", "意外的字符 {0}（弯引号；请使用 \"）。"},
    {"Unexpected character {0}.", "意外的字符 {0}。"},
    {"Unexpected {0} in a number.", "数字中出现了意外的 {0}。"},
    {"The number {0} is out of range.", "数字 {0} 超出范围。"},
    {"This text is not closed; end it with {0}.", "此文本未结束；请以 {0} 结尾。"},
    {"Unknown escape sequence in text; use \\\\ \\\" \\' \\n \\r or \\t.",
     "文本中有未知的转义序列；请使用 \\\\ \\\" \\' \\n \\r 或 \\t。"},
    {"Text cannot contain a NUL character.", "文本不能包含 NUL 字符。"},
    {"A field path needs a name after '.', as in Account.Name.",
     "字段路径在 '.' 之后需要名称，例如 Account.Name。"},
    {"The formula is nested more than {0} levels deep; simplify it.", "公式嵌套超过 {0} 层；请简化它。"},
    {"Missing ')' to close the '(' at position {0}; found {1}.",
     "缺少 ')' 来闭合位置 {0} 处的 '('；遇到的是{1:t}。"},
    {"The formula ends too early; a value is missing.", "公式过早结束；缺少一个值。"},
    {"Unexpected {0}; expected a value, a field or a function.", "意外的{0:t}；此处应为值、字段或函数。"},
    {"Expected ',' or ')' in the arguments of {0}, found {1}.",
     "{0} 的参数中应为 ',' 或 ')'，遇到的是{1:t}。"},

    {"This formula must return {0}, but it returns {1}.", "此公式必须返回{0:t}，但它返回的是{1:t}。"},
    {"The picklist {0} can only be used in ISPICKVAL, TEXT, ISBLANK, CASE or PRIORVALUE; for example "
     "ISPICKVAL({1}, \"value\").",
     "选项列表 {0} 只能用于 ISPICKVAL、TEXT、ISBLANK、CASE 或 PRIORVALUE；例如 ISPICKVAL({1}, \"value\")。"},
    {"The multi-select picklist {0} can only be used in INCLUDES, ISBLANK or PRIORVALUE; for example "
     "INCLUDES({1}, \"value\").",
     "多选选项列表 {0} 只能用于 INCLUDES、ISBLANK 或 PRIORVALUE；例如 INCLUDES({1}, \"value\")。"},
    {"ISPICKVAL expects a picklist field as argument 1, found {0} ({1}).",
     "ISPICKVAL 的第 1 个参数应为选项列表字段，遇到的是{0:t}（{1}）。"},
    {"INCLUDES expects a multi-select picklist field as argument 1, found {0} ({1}).",
     "INCLUDES 的第 1 个参数应为多选选项列表字段，遇到的是{0:t}（{1}）。"},
    {"INCLUDES expects a text literal such as \"Golf\" as argument 2, found {0}.",
     "INCLUDES 的第 2 个参数应为文本字面量（例如 \"Golf\"），遇到的是 {0}。"},
    {"TEXT expects a number, a date, a date/time or a picklist, found {0} ({1}).",
     "TEXT 需要数字、日期、日期/时间或选项列表，遇到的是{0:t}（{1}）。"},
    {"DATEVALUE expects text (\"YYYY-MM-DD\") or a date/time, found {0} ({1}).",
     "DATEVALUE 需要文本（\"YYYY-MM-DD\"）或日期/时间，遇到的是{0:t}（{1}）。"},
    {"{0} expects numbers, dates or date/times, found {1} ({2}).",
     "{0} 需要数字、日期或日期/时间，遇到的是{1:t}（{2}）。"},
    {"{0} expects a field, found {1}.", "{0} 需要一个字段，遇到的是 {1}。"},
    {"{0} expects {1} as argument {2}, found {3} ({4}).",
     "{0} 的第 {2} 个参数应为{1:t}，遇到的是{3:t}（{4}）。"},
    {"The {0} must all have the same type: {1} is {2}, but {3} is {4}.",
     "{0:t}的类型必须全部相同：{1} 是{2:t}，而 {3} 是{4:t}。"},
    {"The results of CASE must all have the same type: {0} is {1}, but {2} is {3}.",
     "CASE 的各个结果类型必须相同：{0} 是{1:t}，而 {2} 是{3:t}。"},
    {"CASE compares {0} ({1}) with {2} ({3}); the values must have the same type.",
     "CASE 将 {0}（{1:t}）与{2:t}（{3}）比较；这些值的类型必须相同。"},
    {"Unknown field {0}; {1} is a function: write {2}(...).", "未知字段 {0}；{1} 是函数：请写成 {2}(...)。"},
    {"Unknown field {0}; did you mean {1}?", "未知字段 {0}；您是不是要找 {1}？"},
    {"Unknown field {0}.", "未知字段 {0}。"},
    {"The field {0} has no type a formula can use.", "字段 {0} 的类型无法在公式中使用。"},
    {"Expected {0} after {1}, found {2} ({3}).", "{1} 之后应为{0:t}，遇到的是{2:t}（{3}）。"},
    {"Expected {0} on the {1} of {2}, found {3} ({4}); convert it with TEXT().",
     "{2} 的{1:t}侧应为{0:t}，遇到的是{3:t}（{4}）；请用 TEXT() 转换。"},
    {"Expected {0} on the {1} of {2}, found {3} ({4}).", "{2} 的{1:t}侧应为{0:t}，遇到的是{3:t}（{4}）。"},
    {"{0} is only available in validation rules and workflow conditions, where the record's previous values "
     "are "
     "known.",
     "{0} 只能用于验证规则和工作流条件，因为只有在那里才能知道记录先前的值。"},
    {"{0} works on fields of this record only, not on {1}.", "{0} 只能用于本记录的字段，不能用于 {1}。"},
    {"Unknown function {0}; did you mean {1}?", "未知函数 {0}；您是不是要找 {1}？"},
    {"Unknown function {0}.", "未知函数 {0}。"},
    {"{0} takes {1}, but {2} was given: {3}.", "{0} 接受{1:t}，但提供了 {2} 个：{3}。"},
    {"{0} takes {1}, but {2} were given: {3}.", "{0} 接受{1:t}，但提供了 {2} 个：{3}。"},
    {"CASE takes an expression, pairs of value and result, then an else result (an even number of "
     "arguments), but "
     "{0} were given: {1}.",
     "CASE 接受一个表达式、若干对值与结果，再加一个默认结果（参数个数为偶数），但提供了 {0} 个：{1}。"},
    {"{0} is not a value of the picklist {1}; did you mean {2}?",
     "{0} 不是选项列表 {1} 的值；您是不是要找 {2}？"},
    {"{0} is not a value of the picklist {1}.", "{0} 不是选项列表 {1} 的值。"},
    {"INCLUDES checks one value at a time; {0} is empty or contains ';'. Combine several with "
     "OR(INCLUDES(...), "
     "INCLUDES(...)).",
     "INCLUDES 一次只检查一个值；{0} 为空或包含 ';'。多个值请用 OR(INCLUDES(...), INCLUDES(...)) 组合。"},
    {"The REGEX pattern {0} is invalid: {1}.", "REGEX 模式 {0} 无效：{1:t}。"},
    {"{0} cannot order TRUE/FALSE values; compare them with = or <>.",
     "{0} 不能比较 TRUE/FALSE 值的大小；请用 = 或 <> 比较。"},
    {"Unexpected operator.", "意外的运算符。"},

    {"The result is too large or not a number.", "结果太大或不是数字。"},
    {"The date is out of range (years 1 to 9999).", "日期超出范围（1 至 9999 年）。"},
    {"The date/time is out of range (years 1 to 9999).", "日期/时间超出范围（1 至 9999 年）。"},
    {"This formula reads fields, but no record was given to evaluate it on.",
     "此公式读取字段，但没有提供用于计算的记录。"},
    {"The record holds a {0} value in {1}, which is a {2} field.",
     "记录在 {1} 中保存的是{0:t}值，而该字段是{2:t}字段。"},
    {"The record holds a number that is not finite in {0}.", "记录在 {0} 中保存的数字不是有限数。"},
    {"ISCHANGED needs the record being saved.", "ISCHANGED 需要正在保存的记录。"},
    {"ISNEW needs the record being saved.", "ISNEW 需要正在保存的记录。"},
    {"DATE({0}, {1}, {2}) is not a valid date.", "DATE({0}, {1}, {2}) 不是有效的日期。"},
    {"MOD by zero: the divisor is 0.", "MOD 除以零：除数为 0。"},
    {"Division by zero.", "除数为零。"},
    {"VALUE cannot read {0} as a number.", "VALUE 无法将 {0} 读取为数字。"},
    {"DATEVALUE cannot read {0} as a date; write it as YYYY-MM-DD.",
     "DATEVALUE 无法将 {0} 读取为日期；请写成 YYYY-MM-DD。"},

    {"Only a TRUE/FALSE formula can filter records; this one returns {0}.",
     "只有 TRUE/FALSE 公式才能筛选记录；此公式返回的是{0:t}。"},
    {"The field {0} cannot be used in a filter.", "字段 {0} 不能用于筛选。"},
    {"{0} has no SQL equivalent, so this formula cannot filter records in the database.",
     "{0} 没有对应的 SQL，因此此公式无法在数据库中筛选记录。"},
    {"This formula is too complex to run as a database filter; simplify it.",
     "此公式过于复杂，无法作为数据库筛选条件运行；请简化它。"},
    {"ROUND can only be used in a filter with a constant number of digits.",
     "只有在位数为常量时，ROUND 才能用于筛选。"},
    {"Internal error: not a Boolean expression.", "内部错误：不是布尔表达式。"},
    {"Internal error: not a numeric expression.", "内部错误：不是数值表达式。"},
    {"Internal error: not a text expression.", "内部错误：不是文本表达式。"},
    {"Cannot add the formula functions to the database: {0}", "无法将公式函数添加到数据库：{0}"},

    // [SECTION] Messages: sentences appended to others

    {"{0} Did you mean {1}?", "{0:m}您是不是要找 {1}？"},
};

// Phrases the arity message fills in ("takes 2 arguments"), matched like terms.
const Row kPhrases[] = {
    // Why a REGEX pattern is refused (core/formula/runtime.cpp).
    {"its parentheses ( ) are not balanced", "其圆括号 ( ) 不配对"},
    {"its brackets [ ] are not balanced", "其方括号 [ ] 不配对"},
    {"its braces { } are not balanced", "其花括号 { } 不配对"},
    {"a {n,m} repeat is invalid", "{n,m} 重复无效"},
    {"a {n,m} repeat is larger than 1000", "{n,m} 重复次数大于 1000"},
    {"a range in [ ] is invalid", "[ ] 中的范围无效"},
    {"a *, + or ? has nothing to repeat", "*、+ 或 ? 前面没有可重复的内容"},
    {"it has an invalid escape (\\)", "其中有无效的转义（\\）"},
    {"it refers to a group that does not exist", "它引用了不存在的分组"},
    {"a character class is invalid", "字符类无效"},
    {"it is too complex", "它过于复杂"},
    {"it is not a valid regular expression", "它不是有效的正则表达式"},
    {"it ends with a lone \\", "它以单独的 \\ 结尾"},
    {"named back-references (\\k) are not supported", "不支持命名反向引用（\\k）"},
    {"an empty [ ] matches nothing", "空的 [ ] 不匹配任何内容"},
    {"its groups are nested more than 30 deep", "其分组嵌套超过 30 层"},
    {"only the groups (...), (?:...), (?=...) and (?!...) are supported",
     "只支持 (...)、(?:...)、(?=...) 和 (?!...) 这几种分组"},
    {"it is longer than {0} characters", "它超过 {0} 个字符"},
    {"{0} argument", "{0} 个参数"},
    {"{0} arguments", "{0} 个参数"},
    {"at least {0} argument", "至少 {0} 个参数"},
    {"at least {0} arguments", "至少 {0} 个参数"},
    {"{0} or {1} arguments", "{0} 或 {1} 个参数"},
    {"right", "右"},
    {"left", "左"},
    {"arguments of {0}", "{0} 的各个参数"},
    {"results of {0}", "{0} 的各个结果"},
};

// [SECTION] Matching

/// One piece of a template: literal text, or a placeholder with its index and modifier.
struct Piece {
    std::string text;  ///< literal text; empty for a placeholder
    int index = -1;    ///< placeholder number, -1 for literal text
    char kind = 0;     ///< 0 = as is, 't' = term, 'm' = message
};

/// A placeholder is "{N}" or "{N:t}" / "{N:m}" with one digit N; any other "{" is literal.
std::vector<Piece> Parse(std::string_view t) {
    std::vector<Piece> pieces;
    std::string literal;
    for (size_t i = 0; i < t.size(); ++i) {
        if (t[i] == '{' && i + 2 < t.size() && t[i + 1] >= '0' && t[i + 1] <= '9') {
            char kind = 0;
            size_t end = std::string_view::npos;
            if (t[i + 2] == '}') {
                end = i + 2;
            } else if (t[i + 2] == ':' && i + 4 < t.size() && (t[i + 3] == 't' || t[i + 3] == 'm') &&
                       t[i + 4] == '}') {
                kind = t[i + 3];
                end = i + 4;
            }
            if (end != std::string_view::npos) {
                if (!literal.empty()) pieces.push_back(Piece{std::move(literal), -1, 0});
                literal.clear();
                pieces.push_back(Piece{"", t[i + 1] - '0', kind});
                i = end;
                continue;
            }
        }
        literal += t[i];
    }
    if (!literal.empty()) pieces.push_back(Piece{std::move(literal), -1, 0});
    return pieces;
}

struct Template {
    std::vector<Piece> en;
    std::vector<Piece> zh;
};

std::vector<Template> Compile(const Row* rows, size_t count) {
    std::vector<Template> out;
    out.reserve(count);
    for (size_t i = 0; i < count; ++i) out.push_back(Template{Parse(rows[i].en), Parse(rows[i].zh)});
    return out;
}

const std::vector<Template>& Messages() {
    static const std::vector<Template> t = Compile(kMessages, std::size(kMessages));
    return t;
}

const std::vector<Template>& Terms() {
    static const std::vector<Template> t = [] {
        std::vector<Template> all = Compile(kTerms, std::size(kTerms));
        std::vector<Template> phrases = Compile(kPhrases, std::size(kPhrases));
        all.insert(all.end(), phrases.begin(), phrases.end());
        return all;
    }();
    return t;
}

/// Matches `text` from `at` against pieces [p, end), filling `parts`; placeholders take the shortest
/// text that lets the rest match (backtracking).
bool Match(const std::vector<Piece>& pieces, size_t p, std::string_view text, size_t at,
           std::vector<std::string_view>& parts) {
    if (p == pieces.size()) return at == text.size();
    const Piece& piece = pieces[p];
    if (piece.index < 0) {
        if (text.compare(at, piece.text.size(), piece.text) != 0) return false;
        return Match(pieces, p + 1, text, at + piece.text.size(), parts);
    }
    // A placeholder: when a literal follows, try only the places where that literal occurs.
    const std::string* next =
        p + 1 < pieces.size() && pieces[p + 1].index < 0 ? &pieces[p + 1].text : nullptr;
    for (size_t end = at; end <= text.size(); ++end) {
        if (next) {
            end = text.find(*next, end);
            if (end == std::string_view::npos) return false;
        } else if (p + 1 == pieces.size()) {
            end = text.size();
        }
        if (parts.size() <= static_cast<size_t>(piece.index)) parts.resize(piece.index + 1);
        parts[piece.index] = text.substr(at, end - at);
        if (Match(pieces, p + 1, text, end, parts)) return true;
    }
    return false;
}

std::optional<std::string> Translate(std::string_view text, const std::vector<Template>& table, int depth);

std::optional<std::string> Fill(const std::vector<Piece>& zh, const std::vector<std::string_view>& parts,
                                int depth) {
    std::string out;
    for (const Piece& piece : zh) {
        if (piece.index < 0) {
            out += piece.text;
            continue;
        }
        const std::string_view part =
            static_cast<size_t>(piece.index) < parts.size() ? parts[piece.index] : std::string_view();
        if (piece.kind == 't' || piece.kind == 'm') {
            std::optional<std::string> inner =
                Translate(part, piece.kind == 't' ? Terms() : Messages(), depth + 1);
            if (!inner) return std::nullopt;
            out += *inner;
        } else {
            out += part;
        }
    }
    return out;
}

std::optional<std::string> Translate(std::string_view text, const std::vector<Template>& table, int depth) {
    if (depth > 4 || text.empty()) return std::nullopt;
    std::vector<std::string_view> parts;
    for (const Template& t : table) {
        parts.clear();
        if (!Match(t.en, 0, text, 0, parts)) continue;
        if (std::optional<std::string> out = Fill(t.zh, parts, depth)) return out;
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> ChineseErrorMessage(std::string_view english) {
    return Translate(english, Messages(), 0);
}

std::optional<std::string> ChineseTerm(std::string_view english) { return Translate(english, Terms(), 0); }

std::string ErrorMessageIn(const Error& error, std::string_view language) {
    if (language.substr(0, 2) != "zh") return error.message;
    if (!error.id.empty()) {
        if (std::optional<std::string> text = FormatMessage(error.id, error.params, language)) return *text;
    }
    std::optional<std::string> zh = ChineseErrorMessage(error.message);
    return zh ? *zh : error.message;
}

}  // namespace crm
