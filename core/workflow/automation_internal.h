// What the files of the automation service share: the compiled rules of an object, the pending
// after-write actions of the saves in progress, and the helpers both files use.
//   automation.cpp      rules: JSON, checks against the schema, storage, field users, migration 7
//   automation_run.cpp  running: the save stage, after-write and delete hooks, time items, simulate
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/change.h"
#include "company/company_profile.h"
#include "formula/field_comparison.h"
#include "formula/formula.h"
#include "schema/schema.h"
#include "storage/database.h"
#include "workflow/automation.h"
#include "workflow/company_time.h"

namespace crm {

/// A rule ready to run: its condition and field-update values compiled.
struct CompiledRule {
    AutomationRule rule;
    std::optional<formula::CompiledFormula> condition;            ///< none = always
    std::vector<std::optional<formula::CompiledFormula>> values;  ///< per action (update_field only)
    std::vector<int> trigger_fields;  ///< on_field_change: field indexes; -2 = OwnerId
    std::vector<int> action_fields;   ///< per action: the index of the field it sets (update_field), or -1
    bool after_actions = false;       ///< it has actions that run after the write (task, notify, webhook)
    // Kept for saves (PrepareForSaves), so most candidates cost neither the evaluator nor a conversion:
    /// The condition as `Field op constant` on a stored field of the object, decided on the save's value
    /// of the field (quick_index) where it can be; otherwise the evaluator runs.
    std::optional<formula::FieldComparison> quick_condition;
    int quick_index = -1;
    /// Per action: an update_field whose value is a constant formula ("step 1"), converted once for its
    /// field, and the line its run logs; nothing when the value is computed on each save.
    std::vector<std::optional<formula::Value>> fixed_values;
    std::vector<std::string> fixed_lines;
    /// Whether its actions compute anything during the save (a computed value, an owner assignment). A rule
    /// that only sets constants takes well under a microsecond there: its run is logged as taking no time
    /// in the stage, without reading the clock (in wasm a clock read costs more than such a run).
    bool timed_in_stage = true;
};

/// Fills what CompiledRule keeps for saves (quick_condition, fixed_values) for `object`'s schema version.
void PrepareForSaves(CompiledRule& rule, const ObjectDef& object);
/// The value an update_field action sets in `def` for its formula's result `v`, and how the log shows the
/// value (`shown`).
Result<formula::Value> FieldValueFor(const FieldDef& def, const formula::Value& v, std::string* shown);

/// The active rules of one object, by trigger, each list in run order (order number, then name).
struct ObjectRules {
    std::vector<std::shared_ptr<const CompiledRule>> on_create, on_update, on_field_change, on_delete, time;
    bool save_globals = false;  ///< a create, update or field-change rule reads who saves ($User...)
    bool empty() const {
        return on_create.empty() && on_update.empty() && on_field_change.empty() && on_delete.empty() &&
               time.empty();
    }
};

/// The after-write actions one save owes (its rules whose condition held), keyed by its SaveContext.
struct PendingSave {
    const SaveContext* save = nullptr;
    std::vector<std::pair<std::shared_ptr<const CompiledRule>, std::vector<std::string>>>
        fired;                          ///< with chain
    std::vector<WorkflowLogEntry> log;  ///< one per fired rule, completed after the write
};

struct AutomationService::Impl {
    Impl(AutomationService& self_, Changes& changes_, SchemaService& schema_, RecordService& records_,
         CompanyService& company_)
        : self(self_),
          changes(changes_),
          db(changes_.db()),
          schema(schema_),
          records(records_),
          company(company_) {}

    AutomationService& self;
    Changes& changes;
    Database& db;
    SchemaService& schema;
    RecordService& records;
    CompanyService& company;

    // Compiled rules per object (lower-case name), rebuilt when the rules or the schema change: a rule
    // change drops them at once and again when its change ends (ForgetRules), so a save later in the same
    // change sees the new rule and a change that rolls back leaves no rule of its own behind.
    std::map<std::string, std::shared_ptr<const ObjectRules>> compiled;
    uint64_t compiled_schema_version = 0;
    uint64_t rules_version = 1;
    uint64_t compiled_rules_version = 0;
    bool any_rules = true;  ///< false when the table is empty (saves skip everything)
    // The object asked last (its API name as given) and its rules: most saves in a row are of one object.
    std::string last_object;
    std::shared_ptr<const ObjectRules> last_rules;

    std::vector<PendingSave> pending;
    std::vector<std::string> chain;  ///< rules whose actions are running (outer saves first)

    std::shared_ptr<const ObjectRules> RulesFor(const ObjectDef& object);
    /// A rule was stored or deleted in the open change: the compiled rules go now and when it ends.
    void ForgetRules();
    Result<CompiledRule> Compile(const AutomationRule& rule, const ObjectDef& object) const;
    std::vector<AutomationRule> Load(const std::string& object) const;

    // Running (automation_run.cpp)
    void Stage(SaveContext& save);
    void AfterWrite(SaveContext& save);
    void OnDelete(DeleteContext& del);
    Status RunTimeItem(ChangeScope& scope, const ScheduledItem& item);
    CompanyTime Time() const;
    /// The due time of a time rule for a record's date value (nothing when the value is blank).
    std::optional<int64_t> DueTime(const AutomationTrigger& t, const FieldDef& field,
                                   const formula::Value& value) const;
};

/// "HH:MM" -> minutes, or -1.
int ParseTimeOfDay(const std::string& text);
std::string FormatTimeOfDay(int minutes);
/// The record's values as a formula sees them during a save or from storage.
class AutomationView;

}  // namespace crm
