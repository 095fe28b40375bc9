#include "ui/workflow/automation_ui.h"

#include <algorithm>
#include <map>
#include <utility>

#include "formula/value.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/widgets.h"
#include "ui/shell/page.h"
#include "workflow/company_time.h"

namespace crm::ui {

namespace {

// What the helpers read once per change of the workspace (and of the acting user, for names).
struct Cache {
    const Workspace* workspace = nullptr;
    uint64_t change = UINT64_MAX;
    std::string user;
    CompanyTime time;
    std::string zone;
    std::map<std::pair<std::string, int64_t>, std::string> records;
};

Cache& Fresh(Workspace& workspace) {
    static Cache cache;
    if (cache.workspace != &workspace || cache.change != workspace.change_count() ||
        cache.user != ActingUser()) {
        cache.workspace = &workspace;
        cache.change = workspace.change_count();
        cache.user = ActingUser();
        cache.records.clear();
        Result<CompanyProfile> profile = workspace.company().Get();
        const CompanyProfile company = profile.ok() ? *profile : CompanyProfile();
        cache.time = CompanyTime::For(company);
        cache.zone = company.time_zone;
    }
    return cache;
}

std::string TwoDigits(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

}  // namespace

std::string CompanyTimeText(Workspace& workspace, int64_t utc_ms) {
    if (utc_ms == 0) return {};
    const LocalTime local = Fresh(workspace).time.ToLocal(utc_ms);
    return formula::FormatDate(local.days) + " " + TwoDigits(local.minute / 60) + ":" +
           TwoDigits(local.minute % 60);
}

std::string CompanyZone(Workspace& workspace) { return Fresh(workspace).zone; }

std::string RecordLabel(Workspace& workspace, const std::string& object, int64_t id) {
    if (id == 0) return {};
    Cache& cache = Fresh(workspace);
    auto key = std::make_pair(object, id);
    auto it = cache.records.find(key);
    if (it != cache.records.end()) return it->second;
    std::string label = "#" + std::to_string(id);
    Result<std::shared_ptr<const ObjectDef>> def = workspace.schema().Object(object);
    Result<nlohmann::json> record = workspace.records().Get(ActingUser(), object, id);
    if (def.ok() && record.ok()) {
        const nlohmann::json& name = (*record)[(*def)->name_field];
        if (name.is_string() && !name.get<std::string>().empty())
            label = name.get<std::string>() + " (" + label + ")";
    }
    return cache.records.emplace(key, label).first->second;
}

std::string ObjectLabel(Workspace& workspace, const std::string& object) {
    Result<std::shared_ptr<const ObjectDef>> def = workspace.schema().Object(object);
    return def.ok() ? ShownLabel(**def) : object;
}

std::string FieldLabel(Workspace& workspace, const std::string& object, const std::string& field) {
    Result<std::shared_ptr<const ObjectDef>> def = workspace.schema().Object(object);
    const FieldDef* f = def.ok() ? (*def)->Field(field) : nullptr;
    return f ? ShownLabel(*f) : field;
}

std::string TriggerSummary(Workspace& workspace, const std::string& object, const AutomationTrigger& t) {
    switch (t.kind) {
        case TriggerKind::OnCreate:
            return Tr("wf.trigger.on_create");
        case TriggerKind::OnUpdate:
            return Tr("wf.trigger.on_update");
        case TriggerKind::OnDelete:
            return Tr("wf.trigger.on_delete");
        case TriggerKind::OnFieldChange: {
            std::string fields;
            for (const std::string& f : t.fields)
                fields += (fields.empty() ? "" : ", ") + FieldLabel(workspace, object, f);
            return Tr("wf.trigger.summary.fields", {{"fields", fields}});
        }
        case TriggerKind::Time: {
            std::string text = Tr(t.before ? "wf.trigger.summary.before" : "wf.trigger.summary.after",
                                  {{"offset", std::to_string(t.offset)},
                                   {"unit", Tr("wf.unit." + t.unit)},
                                   {"field", FieldLabel(workspace, object, t.date_field)}});
            if (t.at_minute >= 0)
                text += Tr("wf.trigger.summary.at",
                           {{"time", TwoDigits(t.at_minute / 60) + ":" + TwoDigits(t.at_minute % 60)}});
            if (t.business_hours) text += Tr("wf.trigger.summary.business");
            return text;
        }
    }
    return {};
}

Status RequireManageWorkflows(Workspace& workspace) {
    return workspace.access().Require(ActingUser(), SystemPermission::ManageWorkflows);
}

std::vector<std::string> ActiveUsernames(Workspace& workspace) {
    std::vector<std::string> names;
    for (const User& u : workspace.access().Users()) {
        if (u.active) names.push_back(u.username);
    }
    std::sort(names.begin(), names.end());
    return names;
}

bool KeyCombo(const std::string& hook, const std::vector<std::string>& keys,
              const std::function<std::string(const std::string&)>& label, std::string* value) {
    int selected = -1;
    for (size_t i = 0; i < keys.size(); ++i) {
        if (keys[i] == *value) selected = static_cast<int>(i);
    }
    const std::string preview = selected < 0 ? *value : label(*value);
    if (!ListCombo(("##" + hook).c_str(), preview, static_cast<int>(keys.size()),
                   [&](int i) { return label(keys[static_cast<size_t>(i)]); },
                   [&](int i) { return keys[static_cast<size_t>(i)]; }, &selected, hook))
        return false;
    if (selected < 0) return false;
    *value = keys[static_cast<size_t>(selected)];
    return true;
}

}  // namespace crm::ui
