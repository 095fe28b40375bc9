// What the files of core/records share and callers do not see: the per-object runtime, a stored row,
// the record view formulas read, and the small helpers of errors and system columns.
//
//   records_runtime.cpp   the runtime (rebuilt after each schema change), reads: Get, History
//   save_pipeline.cpp     the stages, their registration, Create / Update / CreateBatch / Delete
//   record_lists.cpp      List (filters, visibility, sort, paging) and its index hint
//   list_views.cpp        the JSON forms of list queries and views; saved list views
//   record_formulas.cpp   formula evaluation against a record, rule tests
//   bulk_insert.cpp       the unchecked bulk insert of the demo generator and benchmarks
//   save_each.cpp         SaveEach: a batch of saves through the pipeline without a savepoint per row
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "audit/change.h"
#include "common/text.h"
#include "records/records.h"
#include "storage/database.h"

namespace crm {

namespace records_detail {

inline std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }
/// Equal ignoring ASCII case (ToLowerAscii of both, without building them: the access stage asks per value).
inline bool SameName(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

/// The system columns, as the JSON form names them.
struct SystemColumn {
    const char* name;
    const char* column;
};
extern const SystemColumn kSystemColumns[];
constexpr int kSystemCount = 6;
/// The system columns as a SELECT reads them first (Row::Read's order).
inline constexpr const char* kSystemSelect = "id, owner_id, created_at, created_by, updated_at, updated_by";
const SystemColumn* FindSystem(std::string_view name);

/// "You do not have permission to <what> <plural label>."
Error NoAccess(const ObjectDef& o, const char* what);
/// The record-level refusal: the object permission allows the action, sharing does not reach this record.
Error NoRecordAccess(const ObjectDef& o, int64_t id, const char* what);
/// "Say who makes the change: the acting user is missing."
Error NoActor();

}  // namespace records_detail

struct RecordService::Row {
    int64_t id = 0;
    std::optional<int64_t> owner_id;
    int64_t created_at = 0;
    std::string created_by;
    int64_t updated_at = 0;
    std::string updated_by;
    std::vector<formula::Value> values;  ///< per index of ObjectDef::fields (blank for formula and deleted)

    /// Reads the system columns and the stored fields of the current row of `st`: a Runtime::select_sql, or,
    /// with `only`, a SELECT of the system columns and then those stored fields' columns in that order.
    void Read(const Statement& st, const Runtime& rt, const std::vector<int>* only = nullptr);
};

/// What the pipeline needs of one object, rebuilt after each schema change.
struct RecordService::Runtime {
    std::shared_ptr<const ObjectDef> def;
    std::shared_ptr<const ObjectResolver> resolver;
    std::vector<int> stored;                       ///< indexes of active fields with a column, in order
    std::unordered_map<std::string, int> by_name;  ///< lower-case API name -> index (active fields)
    std::vector<std::optional<formula::CompiledFormula>> formulas;  ///< per index, for formula fields
    struct CompiledRule {
        ValidationRule rule;
        formula::CompiledFormula condition;
    };
    std::vector<CompiledRule> rules;  ///< active, in order
    std::string select_sql;           ///< SELECT system columns, stored columns FROM table
    std::string insert_sql;
    std::string update_sql;
    int name_index = -1;

    std::unordered_map<std::string, int> by_api_name;  ///< the API name as spelled -> index (active fields)
    /// Per index, for a lookup field: the SQL that finds its target record by id ("" when the target
    /// object is unknown: no record can be found).
    std::vector<std::string> lookup_exists_sql;
    /// Per index: whether the field's picklist holds a value no longer active. Only then can a new choice
    /// fail CheckPicklistActive (what the types stage reads is a value of the list).
    std::vector<char> has_inactive_choice;
    /// A new record's values before the request's: each stored field's default (per index).
    std::vector<formula::Value> defaults;

    int Find(const std::string& name) const {
        // Most callers spell the API name as defined: found without lower-casing.
        if (auto exact = by_api_name.find(name); exact != by_api_name.end()) return exact->second;
        auto it = by_name.find(ToLowerAscii(name));
        return it == by_name.end() ? -1 : it->second;
    }
    int Find(std::string_view name) const { return Find(std::string(name)); }
    const FieldDef& field(int i) const { return def->fields[static_cast<size_t>(i)]; }
};

/// What the saves of one change changed: fields (per index), the owner, the ids.
struct RecordService::SaveAccumulator {
    explicit SaveAccumulator(size_t fields) : changed(fields, 0) {}
    std::vector<char> changed;
    bool owner = false;
    std::vector<int64_t> ids;

    void Add(const Runtime& rt, const SaveContext& ctx) {
        for (int i : rt.stored) {
            if (!changed[static_cast<size_t>(i)] && ctx.Changed(i)) changed[static_cast<size_t>(i)] = 1;
        }
        owner = owner || ctx.owner_after != ctx.owner_before;
        ids.push_back(ctx.record_id);
    }
    /// Takes in what another accumulator (of the same object) collected.
    void Merge(const SaveAccumulator& other) {
        for (size_t i = 0; i < changed.size(); ++i) changed[i] = changed[i] || other.changed[i];
        owner = owner || other.owner;
        ids.insert(ids.end(), other.ids.begin(), other.ids.end());
    }
    void Record(ChangeScope& change, const Runtime& rt, ChangeAction action) const {
        ObjectChange& entry = change.change_set().Entry("records", rt.def->api_name, action);
        entry.ids.insert(entry.ids.end(), ids.begin(), ids.end());
        for (size_t i = 0; i < changed.size(); ++i) {
            if (changed[i]) entry.AddField(rt.def->fields[i].api_name);
        }
        if (owner) entry.AddField("OwnerId");
    }
};

/// The record a formula sees during a save or a read: current values, prior values, computed fields
/// and lookup paths.
class RecordService::View final : public formula::RecordView {
public:
    View(RecordService& service, Runtime& rt, const std::vector<formula::Value>& current,
         const std::vector<formula::Value>* prior, bool is_new)
        : service_(service), rt_(rt), current_(current), prior_(prior), is_new_(is_new) {}
    formula::Value Get(const formula::FieldInfo& field) const override { return Read(field, current_); }
    formula::Value Prior(const formula::FieldInfo& field) const override {
        return Read(field, prior_ ? *prior_ : current_);
    }
    bool IsNew() const override { return is_new_; }

private:
    formula::Value Read(const formula::FieldInfo& field, const std::vector<formula::Value>& values) const {
        if (const ObjectResolver::Path* p = rt_.resolver->PathAt(field.index))
            return service_.ReadPath(rt_, *p, values);
        if (field.index < 0 || static_cast<size_t>(field.index) >= values.size())
            return formula::Value::Blank(field.type);
        if (rt_.formulas[static_cast<size_t>(field.index)])
            return service_.ComputeFormula(rt_, field.index, values);
        return values[static_cast<size_t>(field.index)];
    }
    RecordService& service_;
    Runtime& rt_;
    const std::vector<formula::Value>& current_;
    const std::vector<formula::Value>* prior_;
    bool is_new_;
};

}  // namespace crm
