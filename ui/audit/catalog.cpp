// The Audit trail area's strings. One row per message id: English, then Simplified Chinese; "{name}"
// marks a named parameter (ui/kit/i18n.h).
#include "ui/kit/i18n.h"

namespace crm::ui {

namespace {

const CatalogRow kRows[] = {
    // The sidebar entry, the page title and description, quick find.
    {"nav.audit", "Audit trail", "审计日志"},
    {"page.audit.title", "Audit trail", "审计日志"},
    {"page.audit.desc", "Every settings change: who made it, when, and the value before and after.",
     "每一次设置更改：由谁、在何时更改，以及更改前后的值。"},
    {"err.date", "Use YYYY-MM-DD, e.g. 2026-01-31.", "请使用 YYYY-MM-DD 格式，例如 2026-01-31。"},
    {"err.date_range", "“From” is after “To”.", "开始日期晚于结束日期。"},
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
    {"audit.rows", "Rows {first}–{last} of {total}", "第 {first}–{last} 行，共 {total} 行"},
    {"audit.no_rows", "No changes match these filters.", "没有符合筛选条件的更改。"},
    {"audit.prev", "Previous", "上一页"},
    {"audit.next", "Next", "下一页"},
    {"audit.detail.title", "Change #{number}", "更改 #{number}"},
    {"audit.detail.none", "Select a row to see the values before and after the change.",
     "选择一行，查看更改前后的值。"},
    {"audit.detail.when", "When", "时间"},
    {"audit.detail.who", "Who", "操作人"},
    {"audit.detail.what", "Setting", "设置项"},
    {"audit.detail.old", "Old value", "旧值"},
    {"audit.detail.new", "New value", "新值"},
    {"audit.detail.copy_hint", "Select the text to copy it (Ctrl+C).", "选中文本即可复制（Ctrl+C）。"},
    {"audit.empty_value", "(none)", "（无）"},
    {"audit.query_failed", "The audit trail could not be read: {error}", "无法读取审计日志：{error}"},
    {"action.update", "Updated", "更新"},
    {"action.create", "Created", "创建"},
    {"action.delete", "Deleted", "删除"},
    {"quickfind.audit.filters", "Filter the audit trail", "筛选审计日志"},
};

}  // namespace

Catalog AuditCatalog() { return Catalog(kRows); }

}  // namespace crm::ui
