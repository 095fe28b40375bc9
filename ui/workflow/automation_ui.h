// Pieces the Workflow tabs share: times in company time, record labels, trigger summaries, the
// permission the setup tabs need, and a combo over keys shown by their labels.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "workspace.h"

namespace crm::ui {

/// "2026-12-02 09:00" in the company's time zone (re-read when the workspace changed); "" for 0.
std::string CompanyTimeText(Workspace& workspace, int64_t utc_ms);
/// The company's time zone name ("Asia/Shanghai").
std::string CompanyZone(Workspace& workspace);
/// "Acme deal (#12)": the record's name as the acting user reads it, else "#12"; cached until the
/// workspace changes.
std::string RecordLabel(Workspace& workspace, const std::string& object, int64_t id);
/// The object's label in the current language, else its API name.
std::string ObjectLabel(Workspace& workspace, const std::string& object);
/// The field's label in the current language, else its API name.
std::string FieldLabel(Workspace& workspace, const std::string& object, const std::string& field);
/// The trigger in words: "When Stage changes", "7 days before Close Date at 09:00", ...
std::string TriggerSummary(Workspace& workspace, const std::string& object, const AutomationTrigger& trigger);
/// Ok when the acting user holds Manage Workflows, else the error to show.
Status RequireManageWorkflows(Workspace& workspace);
/// The usernames of active users, sorted.
std::vector<std::string> ActiveUsernames(Workspace& workspace);

/// A combo over `keys`, each shown as label(key); publishes "<hook>" and "<hook>.option.<key>".
/// True when `*value` changed.
bool KeyCombo(const std::string& hook, const std::vector<std::string>& keys,
              const std::function<std::string(const std::string&)>& label, std::string* value);

}  // namespace crm::ui
