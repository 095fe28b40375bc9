// The automation builder's "Simulate": pick a record of the rule's object, run the rule as it stands in
// the builder (saved or not) against it, and see whether its condition holds, which actions would run and
// what they would change (AutomationService::Simulate). Nothing is saved.
#include <cstdlib>

#include "imgui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "ui/workflow/automation_panel.h"
#include "ui/workflow/automation_ui.h"
#include "ui/workflow/process_shared.h"

namespace crm::ui {

void AutomationPanel::DrawSimulate(const PageContext& ctx, const ObjectDef& object) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    TextMuted(Tr("wf.auto.sim.intro"));
    // The first 50 records of the object by name, narrowed by the filter.
    std::vector<std::string> ids, labels;
    ListQuery q;
    q.columns = {object.name_field};
    q.sort_field = object.name_field;
    q.limit = 50;
    if (!sim_filter_.empty()) q.filters.push_back(ListFilter{object.name_field, "contains", sim_filter_});
    Result<ListPage> page = workspace_.records().List(ActingUser(), object.api_name, q);
    if (page.ok()) {
        for (const nlohmann::json& row : page->rows) {
            const int64_t id = row.value("Id", int64_t{0});
            const auto name = row.find(object.name_field);
            ids.push_back(std::to_string(id));
            labels.push_back(
                (name != row.end() && name->is_string() ? name->get<std::string>() : std::string()) + "  #" +
                std::to_string(id));
        }
    }
    TableFilter("automation.sim.filter", Tr("wf.auto.sim.filter_hint"), &sim_filter_, 180.0f * s);
    ImGui::SameLine();
    std::string chosen = sim_record_ ? std::to_string(sim_record_) : std::string();
    ImGui::SetNextItemWidth(260.0f * s);
    if (setup::ValueCombo("automation.sim.record", ids, labels, &chosen, "wf.auto.sim.pick")) {
        sim_record_ = chosen.empty() ? 0 : std::atoll(chosen.c_str());
        sim_result_.clear();
        sim_error_.clear();
        sim_ran_ = false;
    }
    ImGui::SameLine();
    if (SecondaryButton(Label("wf.auto.sim.run").c_str(), sim_record_ != 0)) {
        // A time rule runs as if due, so its time of day does not matter here.
        Result<std::vector<SimulatedRun>> runs =
            workspace_.automation().Simulate(ActingUser(), draft_, {sim_record_}, "", 1);
        sim_ran_ = true;
        if (runs.ok()) {
            sim_result_ = *runs;
            sim_error_.clear();
        } else {
            sim_result_.clear();
            sim_error_ = ErrorText(runs.error());
        }
    }
    MarkItem("automation.sim.run");
    if (!sim_error_.empty()) ErrorLine("automation.sim", sim_error_);
    if (!sim_ran_ || !sim_error_.empty()) return;
    nlohmann::json published = nlohmann::json::array();
    for (const SimulatedRun& run : sim_result_) {
        published.push_back({{"record_id", run.record_id},
                             {"condition_met", run.condition_met},
                             {"actions", run.actions},
                             {"changes", run.changes},
                             {"error", run.error}});
        if (!run.error.empty()) {
            TextColored(p.danger, ErrorText(run.error));
            continue;
        }
        if (!run.condition_met) {
            TextColored(p.warning, Tr("wf.auto.sim.not_met", {{"name", run.record_name}}));
            continue;
        }
        TextColored(p.success, Tr("wf.auto.sim.met", {{"name", run.record_name}}));
        for (const std::string& a : run.actions) ImGui::BulletText("%s", a.c_str());
        if (run.changes.is_object() && !run.changes.empty()) {
            TextMuted(Tr("wf.auto.sim.changes"), false);
            for (auto it = run.changes.begin(); it != run.changes.end(); ++it) {
                const std::string value =
                    it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
                ImGui::BulletText("%s = %s", FieldLabel(workspace_, object.api_name, it.key()).c_str(),
                                  value.c_str());
            }
        }
        TextMuted(Tr("wf.auto.sim.nothing_saved"));
    }
    if (sim_result_.empty()) TextMuted(Tr("wf.auto.sim.none"));
    PublishForm("automation.sim.runs", std::move(published));
}

}  // namespace crm::ui
