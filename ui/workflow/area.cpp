// The Workflow area: one page of tabs (automation rules, scheduled items, execution log, approval
// inbox, notifications, and the setup tabs of ui/workflow/setup_pages.h: processes, assignment rules,
// approval processes), one quick-find entry per tab, its catalogs. The page also runs the scheduler
// (ScheduledRunner) from its Refresh, which the console calls every frame.
#include <memory>
#include <nlohmann/json.hpp>

#include "imgui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/shell/areas.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "ui/shell/unsaved_guard.h"
#include "ui/workflow/automation_panel.h"
#include "ui/workflow/inbox_panel.h"
#include "ui/workflow/log_panel.h"
#include "ui/workflow/notification_panel.h"
#include "ui/workflow/scheduled_panel.h"
#include "ui/workflow/scheduled_runner.h"
#include "ui/workflow/setup_pages.h"

namespace crm::ui {

Catalog WorkflowCatalog();  // ui/workflow/catalog.cpp

namespace {

const char* const kTabs[] = {"automation",    "scheduled", "log",        "approvals",
                             "notifications", "processes", "assignment", "approval_setup"};

/// The page.
class WorkflowPage : public Page {
public:
    explicit WorkflowPage(const PageServices& services)
        : workspace_(services.workspace),
          guard_(services.guard),
          runner_(services.workspace),
          automation_(services.workspace, services.guard),
          scheduled_(services.workspace, runner_),
          log_(services.workspace),
          inbox_(services.workspace),
          notifications_(services.workspace, [this](const Notification& n) {
              tab_ = "approvals";
              inbox_.Select(n.object, n.record_id);
          }) {}

    void Draw(const PageContext& ctx) override;
    /// "workflow.<tab>" shows that tab ("workflow.approvals": the approval processes); asks first when
    /// the automation builder holds edits.
    void Open(const std::string& setting, double now) override;
    /// Runs the scheduler's due items (on the first frame, then every kRunEveryMs).
    void Refresh() override { runner_.Tick(); }
    /// The shown tab's edits: the automation builder, or a setup tab's open editor.
    Editable* edits() override { return TabEdits(tab_); }
    /// The shown tab's draft (Editable::KeepDraft), with the tab to restore it on.
    nlohmann::json KeepPageDraft() override {
        Editable* e = TabEdits(tab_);
        if (e == nullptr || !e->dirty()) return nullptr;
        nlohmann::json draft = e->KeepDraft();
        if (draft.is_null()) return nullptr;
        return {{"tab", tab_}, {"draft", std::move(draft)}};
    }
    void RestorePageDraft(const nlohmann::json& kept) override {
        const std::string tab = kept.value("tab", std::string());
        Editable* e = tab == "automation" ? &automation_ : TabEdits(tab);
        if (e == nullptr || !kept.contains("draft")) return;
        tab_ = tab;
        e->RestoreDraft(kept["draft"]);
    }
    /// Publishes "workflow": the tab, the shown tab's state and the scheduler runs.
    void Publish(nlohmann::json& state) const override;

private:
    void Show(const std::string& tab);
    Editable* TabEdits(const std::string& tab);

    Workspace& workspace_;
    UnsavedGuard& guard_;
    std::string tab_ = "automation";
    ScheduledRunner runner_;
    AutomationPanel automation_;
    ScheduledPanel scheduled_;
    LogPanel log_;
    InboxPanel inbox_;
    NotificationPanel notifications_;
};

Editable* WorkflowPage::TabEdits(const std::string& tab) {
    if (tab == "automation") return automation_.editing() ? &automation_ : nullptr;
    if (tab == "processes") return ProcessesEdits(workspace_);
    if (tab == "assignment") return AssignmentEdits(workspace_);
    if (tab == "approval_setup") return ApprovalSetupEdits(workspace_);
    return nullptr;
}

void WorkflowPage::Show(const std::string& tab) {
    if (tab == tab_) return;
    Editable* edits = TabEdits(tab_);
    guard_.Leave(edits && edits->dirty() ? edits : nullptr, [this, tab] { tab_ = tab; });
}

void WorkflowPage::Open(const std::string& setting, double now) {
    (void)now;
    const std::string prefix = "workflow.";
    if (setting.rfind(prefix, 0) != 0) return;
    std::string tab = setting.substr(prefix.size());
    if (tab == "approvals") tab = "approval_setup";
    if (tab == "inbox") tab = "approvals";
    if (tab == "new_rule") {
        Show("automation");
        if (!automation_.dirty()) automation_.StartNew();
        return;
    }
    for (const char* t : kTabs) {
        if (tab == t) Show(tab);
    }
}

void WorkflowPage::Publish(nlohmann::json& state) const {
    nlohmann::json w = {{"tab", tab_}, {"runner", runner_.State()}};
    if (tab_ == "automation") w["automation"] = automation_.State();
    if (tab_ == "scheduled") w["scheduled"] = scheduled_.State();
    if (tab_ == "log") w["log"] = log_.State();
    if (tab_ == "approvals") w["approvals"] = inbox_.State();
    if (tab_ == "notifications") w["notifications"] = notifications_.State();
    state["workflow"] = std::move(w);
}

void WorkflowPage::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const float pad = 28.0f * s;
    ImGui::SetCursorPosX(pad);
    ImGui::BeginGroup();
    // The sub-navigation: underlined tabs, the setup tabs after a gap.
    ImDrawList* draw = ImGui::GetWindowDrawList();
    for (const char* tab : kTabs) {
        const std::string id = std::string("workflow.tab.") + tab;
        if (std::string(tab) == "processes") {
            ImGui::SameLine(0.0f, 10.0f * s);
            const ImVec2 at = ImGui::GetCursorScreenPos();
            draw->AddLine(ImVec2(at.x, at.y + 6.0f * s), ImVec2(at.x, at.y + ImGui::GetFrameHeight()),
                          ToU32(p.border));
            ImGui::Dummy(ImVec2(10.0f * s, 1.0f));
            ImGui::SameLine(0.0f, 0.0f);
        }
        const char* text = Tr("wf.tab." + std::string(tab));
        if (UnderlinedTab(id, text, tab_ == tab, s)) Show(tab);
    }
    EndUnderlinedTabs(pad, s);

    if (tab_ == "automation") automation_.Draw(ctx);
    if (tab_ == "scheduled") scheduled_.Draw(ctx);
    if (tab_ == "log") log_.Draw(ctx);
    if (tab_ == "approvals") inbox_.Draw(ctx);
    if (tab_ == "notifications") notifications_.Draw(ctx);
    if (tab_ == "processes") DrawProcessesPage(workspace_, ctx);
    if (tab_ == "assignment") DrawAssignmentPage(workspace_, ctx);
    if (tab_ == "approval_setup") DrawApprovalSetupPage(workspace_, ctx);
    ImGui::EndGroup();
}

}  // namespace

void RegisterWorkflowArea(AreaRegistry& registry) {
    AreaSpec area;
    area.slug = "workflow";
    area.icon = Icon::Workflow;
    area.keywords =
        "workflow process stages sales service automation approval 流程 阶段 销售 服务 自动化 审批";
    area.settings = {
        {"workflow.automation", "quickfind.workflow.automation",
         "automation rule trigger task reminder field update webhook 自动化 规则 触发 任务 字段更新"},
        {"workflow.new_rule", "quickfind.workflow.new_rule", "new automation rule create 新建 自动化规则"},
        {"workflow.scheduled", "quickfind.workflow.scheduled",
         "scheduled items queue due time-based run now late 计划 队列 到期 定时 立即运行 延迟"},
        {"workflow.log", "quickfind.workflow.log",
         "execution log history runs errors 执行日志 历史 运行 错误"},
        {"workflow.inbox", "quickfind.workflow.inbox",
         "approval inbox approve reject reassign 审批收件箱 批准 拒绝 转交"},
        {"workflow.notifications", "quickfind.workflow.notifications",
         "notifications inbox unread mark read 通知 收件箱 未读 标记已读"},
        {"workflow.processes", "quickfind.workflow.processes", "process stages transitions 流程 阶段 转换"},
        {"workflow.assignment", "quickfind.workflow.assignment",
         "assignment rules round robin queue team owner 分配规则 轮询 队列 团队 所有人"},
        {"workflow.approvals", "quickfind.workflow.approvals",
         "approval process approver steps 审批流程 审批人 步骤"},
    };
    area.catalog = WorkflowCatalog();
    area.make = [](const PageServices& services) { return std::make_unique<WorkflowPage>(services); };
    registry.Add(std::move(area));
    registry.AddCatalog(WorkflowSetupCatalog());
}

}  // namespace crm::ui
