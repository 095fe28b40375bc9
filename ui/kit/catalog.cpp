// Words the kit's widgets and several areas share (buttons of dialogs, filter boxes). One row per
// message id: English, then Simplified Chinese; "{name}" marks a named parameter (ui/kit/i18n.h).
#include "ui/kit/i18n.h"

namespace crm::ui {

namespace {

const CatalogRow kRows[] = {
    // Filter boxes (FilterCombo).
    {"company.filter_hint", "Type to filter...", "输入以筛选…"},
    {"company.no_match", "No match", "无匹配项"},
    // Dialogs and tables.
    {"dialog.save", "Save", "保存"},
    {"common.yes", "Yes", "是"},
    {"dialog.cancel", "Cancel", "取消"},
    // The undo notice (UndoNotice, ui/kit/undo_notice.h).
    {"undo.button", "Undo", "撤销"},
    {"undo.shortcut", "Undo this change (Ctrl+Z)", "撤销此更改（Ctrl+Z）"},
    {"undo.seconds", "{count} s", "{count} 秒"},
    {"undo.undone", "Undone: {what}", "已撤销：{what}"},
    {"undo.refused", "Not undone ({what}): {reason}", "未撤销（{what}）：{reason}"},
    // The permission guard (PermissionGuard, ui/kit/permission_guard.h).
    {"guard.needs_permission",
     "{user} does not hold the permission {permission}: these settings can be viewed, not changed.",
     "{user} 没有“{permission}”权限：这些设置只能查看，不能更改。"},
    {"guard.item_needs_permission",
     "{user} may view this, not change it: that takes its owner, an edit share of its folder, or the "
     "permission {permission}.",
     "{user} 只能查看，不能更改：需要是其所有人、对其文件夹有编辑共享，或拥有“{permission}”权限。"},
};

}  // namespace

Catalog KitCatalog() { return Catalog(kRows); }

}  // namespace crm::ui
