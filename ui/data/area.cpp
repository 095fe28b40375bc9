// The Data area: one page of tabs over the data-management commands (recycle bin, backup and restore,
// export, the import wizard, mass changes, duplicates), one quick-find entry per tab, its catalog. Ctrl+1..6
// switch tabs.
#include <memory>
#include <vector>

#include "ui/data/data_ui.h"
#include "ui/data/file_transfer.h"
#include "ui/kit/i18n.h"
#include "ui/shell/areas.h"
#include "ui/shell/tabbed_page.h"

namespace crm::ui {

Catalog DataCatalog();  // ui/data/catalog.cpp

bool RestoreReportPending();  // ui/data/backup_panel.cpp

namespace {

std::unique_ptr<Page> MakeDataPage(const PageServices& services) {
    // A restore reopens the workspace and lands here: show what it did (asked before the backup panel,
    // made below, takes the restore's report).
    const int first = RestoreReportPending() ? 1 : 0;
    AcceptDroppedFiles();
    const DataServices data{services.workspace, services.platform};
    std::vector<Tab> tabs;
    tabs.push_back({"recycle", "data.tab.recycle", MakeRecyclePanel(data)});
    tabs.push_back({"backup", "data.tab.backup", MakeBackupPanel(data)});
    tabs.push_back({"export", "data.tab.export", MakeExportPanel(data)});
    tabs.push_back({"import", "data.tab.import", MakeImportPanel(data)});
    tabs.push_back({"mass", "data.tab.mass", MakeMassPanel(data)});
    tabs.push_back({"dedup", "data.tab.dedup", MakeDedupPanel(data)});
    return std::make_unique<TabbedPage>(TabbedPageSpec{"data", "data", "data"}, std::move(tabs), first);
}

}  // namespace

void RegisterDataArea(AreaRegistry& registry) {
    AreaSpec area;
    area.slug = "data";
    area.icon = Icon::Data;
    area.keywords =
        "data backup restore import export recycle bin mass duplicates 数据 备份 恢复 导入 导出 回收站 批量 "
        "重复";
    area.settings = {
        {"data.recycle", "quickfind.data.recycle",
         "recycle bin deleted restore purge undelete 回收站 已删除 恢复 彻底删除"},
        {"data.backup", "quickfind.data.backup", "backup restore download snapshot 备份 恢复 下载 快照"},
        {"data.export", "quickfind.data.export", "export csv jsonl download gb18030 导出 下载"},
        {"data.import", "quickfind.data.import",
         "import csv upload mapping gbk dry run 导入 上传 映射 试运行"},
        {"data.mass", "quickfind.data.mass",
         "mass update delete transfer owner bulk 批量 更新 删除 转移 所有人"},
        {"data.dedup", "quickfind.data.dedup",
         "duplicate dedupe dedup merge matching rule scan 重复 去重 合并 匹配规则 扫描"},
    };
    area.catalog = DataCatalog();
    area.make = MakeDataPage;
    registry.Add(std::move(area));
}

}  // namespace crm::ui
