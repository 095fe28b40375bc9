// The Data area: one page of tabs over the data-management commands (recycle bin, backup and restore,
// export, the import wizard, mass changes), one quick-find entry per tab, its catalog. Ctrl+1..5 switch
// tabs.
#include <memory>
#include <nlohmann/json.hpp>

#include "imgui.h"
#include "ui/data/data_ui.h"
#include "ui/data/file_transfer.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/shell/areas.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

Catalog DataCatalog();  // ui/data/catalog.cpp

namespace {

const char* const kTabs[] = {"recycle", "backup", "export", "import", "mass"};
constexpr int kTabCount = 5;

class DataPage : public Page {
public:
    explicit DataPage(const PageServices& services) {
        // A restore reopens the workspace and lands here: show what it did.
        if (LastRestoreShown()) tab_ = 1;
        AcceptDroppedFiles();
        const DataServices data{services.workspace, services.platform};
        panels_[0] = MakeRecyclePanel(data);
        panels_[1] = MakeBackupPanel(data);
        panels_[2] = MakeExportPanel(data);
        panels_[3] = MakeImportPanel(data);
        panels_[4] = MakeMassPanel(data);
    }

    void Draw(const PageContext& ctx) override;
    /// "data.<tab>" shows that tab.
    void Open(const std::string& setting, double now) override {
        (void)now;
        for (int i = 0; i < kTabCount; ++i) {
            if (setting == std::string("data.") + kTabs[i]) tab_ = i;
        }
    }
    void Refresh() override {
        for (auto& panel : panels_) panel->Tick();
    }
    void Publish(nlohmann::json& state) const override {
        nlohmann::json d = {{"tab", kTabs[tab_]}};
        d[kTabs[tab_]] = panels_[static_cast<size_t>(tab_)]->State();
        state["data"] = std::move(d);
    }

private:
    static bool LastRestoreShown();
    int tab_ = 0;
    std::unique_ptr<DataPanel> panels_[kTabCount];
};

void DataPage::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    const float pad = 28.0f * s;
    const ImGuiIO& io = ImGui::GetIO();
    if ((io.KeyCtrl || io.KeySuper) && !io.WantTextInput) {
        for (int i = 0; i < kTabCount; ++i) {
            if (ImGui::IsKeyPressed('1' + i, false)) tab_ = i;
        }
    }
    ImGui::SetCursorPosX(pad);
    ImGui::BeginGroup();
    for (int i = 0; i < kTabCount; ++i) {
        const std::string id = std::string("data.tab.") + kTabs[i];
        const char* text = Tr("data.tab." + std::string(kTabs[i]));
        if (UnderlinedTab(id, text, tab_ == i, s)) tab_ = i;
    }
    EndUnderlinedTabs(pad, s);
    ImGui::PushID(kTabs[tab_]);
    panels_[static_cast<size_t>(tab_)]->Draw(ctx);
    ImGui::PopID();
    ImGui::EndGroup();
}

}  // namespace

bool RestoreReportPending();  // ui/data/backup_panel.cpp

bool DataPage::LastRestoreShown() { return RestoreReportPending(); }

void RegisterDataArea(AreaRegistry& registry) {
    AreaSpec area;
    area.slug = "data";
    area.icon = Icon::Data;
    area.keywords = "data backup restore import export recycle bin mass 数据 备份 恢复 导入 导出 回收站 批量";
    area.settings = {
        {"data.recycle", "quickfind.data.recycle",
         "recycle bin deleted restore purge undelete 回收站 已删除 恢复 彻底删除"},
        {"data.backup", "quickfind.data.backup", "backup restore download snapshot 备份 恢复 下载 快照"},
        {"data.export", "quickfind.data.export", "export csv jsonl download gb18030 导出 下载"},
        {"data.import", "quickfind.data.import",
         "import csv upload mapping gbk dry run 导入 上传 映射 试运行"},
        {"data.mass", "quickfind.data.mass",
         "mass update delete transfer owner bulk 批量 更新 删除 转移 所有人"},
    };
    area.catalog = DataCatalog();
    area.make = [](const PageServices& services) { return std::make_unique<DataPage>(services); };
    registry.Add(std::move(area));
}

}  // namespace crm::ui
