// The shell's strings: top bar, save state, startup banners, sidebar, unsaved-changes question,
// progress overlay, "View as", quick find and the "not built yet" page. One row per message id:
// English, then Simplified Chinese; "{name}" marks a named parameter (ui/kit/i18n.h).
#include "ui/kit/i18n.h"

namespace crm::ui {

namespace {

const CatalogRow kRows[] = {
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
    {"topbar.user.tooltip", "Acting user: {user}. Click to view the console as another user.",
     "当前操作用户：{user}。点击可以其他用户的身份查看控制台。"},
    {"topbar.user.tooltip_self", "Signed in as {user}.", "当前登录用户：{user}。"},
    // The save state.
    {"save.saved", "Saved", "已保存"},
    {"save.saved.tooltip", "Every change is stored.", "所有更改均已存储。"},
    {"save.saving", "Saving...", "正在保存…"},
    {"save.failed", "Failed: {reason}", "保存失败：{reason}"},
    {"save.failed_unsaved", "Failed, {count} unsaved: {reason}", "保存失败，{count} 项未保存：{reason}"},
    {"save.unsaved.detail",
     "{count} changes made since the last save ({kb} KB) are kept in memory only: they are written with the "
     "next change once storage works again, and lost if this page is closed before.",
     "上次保存以来的 {count} 项更改（{kb} KB）仅保存在内存中：存储恢复正常后，它们会随下一次更改一起写入；"
     "在此之前关闭此页面将丢失这些更改。"},
    {"save.persistent.granted",
     "The browser granted persistent storage: it will not clear the workspace by itself.",
     "浏览器已授予持久存储：它不会自行清除工作区。"},
    {"save.persistent.denied",
     "The browser did not grant persistent storage: it may clear the workspace when disk space runs low.",
     "浏览器未授予持久存储：磁盘空间不足时可能会清除工作区。"},
    {"save.memory", "In memory only: {reason}", "仅保存在内存中：{reason}"},
    {"reason.quota",
     "browser storage is full (quota exceeded); changes are kept in memory only until space is freed",
     "浏览器存储空间已满（超出配额）；在释放空间之前，更改仅保存在内存中"},
    {"reason.no_indexeddb",
     "browser storage (IndexedDB) is not available here, e.g. in a private window; changes are lost when the "
     "page closes",
     "此处无法使用浏览器存储（IndexedDB），例如在隐私窗口中；关闭页面后更改将丢失"},
    {"reason.sync_failed", "could not write to browser storage: {detail}", "无法写入浏览器存储：{detail}"},
    {"reason.newer_version", "the saved workspace was written by a newer version of this app",
     "已保存的工作区由本应用的较新版本写入"},
    {"reason.open_failed", "the workspace file could not be opened: {detail}",
     "无法打开工作区文件：{detail}"},
    {"reason.write_failed", "the last change could not be written: {detail}",
     "最近一次更改未能写入：{detail}"},
    // Startup banners.
    {"banner.damaged",
     "The saved database was damaged; it was set aside as {file} and a new workspace was created.",
     "已保存的数据库已损坏；它已被另存为 {file}，并已创建新的工作区。"},
    {"banner.foreign",
     "The file {file} belongs to another program; it was set aside as {aside} and a new workspace was "
     "created.",
     "文件 {file} 属于其他程序；它已被另存为 {aside}，并已创建新的工作区。"},
    {"banner.newer",
     "This workspace was saved by a newer version of the app. It was left untouched; you are working in a "
     "temporary workspace in memory.",
     "此工作区由本应用的较新版本保存。原文件未作任何改动；您正在使用内存中的临时工作区。"},
    {"banner.open_failed",
     "The workspace could not be opened ({detail}). You are working in a temporary workspace in memory; "
     "changes "
     "will "
     "not be kept.",
     "无法打开工作区（{detail}）。您正在使用内存中的临时工作区，更改不会被保留。"},
    {"banner.set_aside_failed",
     "The saved database is damaged and could not be moved aside ({detail}). It was left untouched; you are "
     "working "
     "in a temporary workspace in memory.",
     "已保存的数据库已损坏且无法移开（{detail}）。原文件未作任何改动；您正在使用内存中的临时工作区。"},
    {"banner.storage_unavailable",
     "Browser storage is not available ({detail}). The console works in memory only; changes are lost when "
     "the "
     "page "
     "closes.",
     "无法使用浏览器存储（{detail}）。控制台仅在内存中工作；关闭页面后更改将丢失。"},
    {"banner.store_lost",
     "The workspace saved in this browser is gone: {detail}. A new workspace with the demo company was "
     "started and is being saved. Restore a backup (Data management) to get your data back.",
     "此浏览器中保存的工作区已丢失：{detail}。已创建包含演示公司的新工作区并正在保存。请恢复备份（数据管理）以找回数据。"},
    {"banner.demo_failed", "The demo company could not be created: {detail}", "无法创建演示公司：{detail}"},
    {"banner.dismiss", "Dismiss", "关闭"},
    // The sidebar.
    {"nav.section", "SETTINGS", "设置"},
    {"nav.soon", "Soon", "规划中"},
    {"sidebar.footer", "Version {version} · SQLite {sqlite}", "版本 {version} · SQLite {sqlite}"},
    // Pages that are not built yet.
    {"placeholder.badge", "Not built yet", "尚未推出"},
    {"placeholder.intro",
     "This area is planned. When it is built, you will be able to:", "此区域已在规划中。推出后，您将可以："},
    {"placeholder.meanwhile", "Until then, every change made elsewhere is recorded in the Audit trail.",
     "在此之前，其他区域的每一次更改都会记录在审计日志中。"},
    {"placeholder.open_audit", "Open the Audit trail", "打开审计日志"},
    // The unsaved-changes guard.
    {"unsaved.title", "Unsaved changes", "未保存的更改"},
    // A draft kept across another tab's commit (Editable::RestoreDraft, MergeDraft).
    {"draft.changed",
     "Changed in another tab while you were editing: the fields you did not edit show its values; your edits "
     "are kept, not saved yet.",
     "在您编辑期间，另一个标签页修改了此项：您未编辑的字段已显示其新值；您的编辑仍保留，尚未保存。"},
    {"draft.conflict",
     "Changed in another tab while you were editing, also in fields you edited ({fields}): your values are "
     "kept there and saving writes them over that tab's.",
     "在您编辑期间，另一个标签页也修改了您编辑过的字段（{fields}）：这些字段保留您的值，保存时将覆盖该标签页的值。"},
    {"draft.gone",
     "Deleted in another tab while you were editing: your edits are still shown, not saved.",
     "在您编辑期间，另一个标签页删除了此项：您的编辑仍显示在此，尚未保存。"},
    {"draft.store_behind",
     "Another tab saved changes: this page shows them once you save or discard your edits here.",
     "另一个标签页保存了更改：保存或放弃此处的编辑后，本页将显示这些更改。"},
    {"unsaved.body", "Changes to {what} are not saved yet. Save them before leaving?",
     "{what}有尚未保存的更改。离开之前要保存吗？"},
    {"unsaved.invalid", "Some fields are not valid yet: fix them, or discard the changes.",
     "部分字段尚无效：请修正，或放弃更改。"},
    {"unsaved.save", "Save", "保存"},
    {"unsaved.discard", "Discard", "放弃更改"},
    {"unsaved.stay", "Stay", "留在此页"},
    {"viewas.title", "View the console as", "以此用户身份查看控制台"},
    {"viewas.filter_hint", "Find a user...", "查找用户…"},
    {"viewas.banner", "Viewing as {user} — everything shown is what they may see and do.",
     "正在以 {user} 的身份查看——显示的内容即其可见、可做的内容。"},
    {"viewas.return", "Return to admin", "返回管理员"},
    // Quick find.
    {"quickfind.none", "No settings match “{query}”.", "没有与“{query}”匹配的设置。"},
    {"quickfind.page", "Page", "页面"},
    {"quickfind.keys", "Arrow keys to choose · Enter to open · Esc to close",
     "方向键选择 · Enter 打开 · Esc 关闭"},
    {"busy.working", "{what}…", "{what}…"},
    {"busy.note", "This takes a few seconds on an object with many records.", "记录很多时需要几秒钟。"},
    {"busy.cancel", "Cancel", "取消"},
};

}  // namespace

Catalog ShellCatalog() { return Catalog(kRows); }

}  // namespace crm::ui
