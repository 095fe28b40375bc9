// What processes and assignment rules share (internal to core/workflow): conditions compiled on an
// object, the record view they are evaluated on, stored records read whole, the fields a formula reads.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "formula/formula.h"
#include "records/records.h"
#include "schema/schema.h"

namespace crm {

class Database;

namespace workflow_detail {

bool SameName(std::string_view a, std::string_view b);
/// "a, b, c" (or "(none)" when empty).
std::string JoinNames(const std::vector<std::string>& names);

/// A Boolean condition on `object` (ISNEW, ISCHANGED and PRIORVALUE allowed when `prior_values`).
Result<formula::CompiledFormula> CompileCondition(const SchemaService& schema, std::string_view object,
                                                  std::string_view text, bool prior_values = true);
/// (object, field) for every field a compiled formula on `object` reads, lookup paths included.
std::vector<std::pair<std::string, std::string>> FieldsRead(const SchemaService& schema,
                                                            const ObjectDef& object,
                                                            const formula::CompiledFormula& compiled);

/// A record's values (per index of ObjectDef::fields) seen by a formula: lookup paths read through SQL,
/// formula fields computed.
class ValuesView final : public formula::RecordView {
public:
    ValuesView(Database& db, const SchemaService& schema, const ObjectDef& object,
               const std::vector<formula::Value>& current, const std::vector<formula::Value>* prior,
               bool is_new);
    formula::Value Get(const formula::FieldInfo& field) const override { return Read(field, current_); }
    formula::Value Prior(const formula::FieldInfo& field) const override {
        return Read(field, prior_ ? *prior_ : current_);
    }
    bool IsNew() const override { return is_new_; }

private:
    formula::Value Read(const formula::FieldInfo& field, const std::vector<formula::Value>& values) const;
    Database& db_;
    const SchemaService& schema_;
    const ObjectDef& object_;
    const std::vector<formula::Value>& current_;
    const std::vector<formula::Value>* prior_;
    bool is_new_;
};

/// Evaluates a Boolean condition on a view at `now_ms`, with `globals` (may be null when unused).
Result<bool> EvalCondition(const formula::CompiledFormula& condition, const formula::RecordView& view,
                           int64_t now_ms, const formula::Globals* globals);

/// A record as stored.
struct StoredRecord {
    int64_t id = 0;
    int64_t owner_id = 0;
    std::vector<formula::Value> values;  ///< per index of ObjectDef::fields (blank for formula fields)
    std::string name;                    ///< the record name's text
};
/// The stored record `id` of `object`, or nothing.
std::optional<StoredRecord> LoadRecord(Database& db, const ObjectDef& object, int64_t id);

/// The ids of the records a simulation runs on, as `actor` may read them: `ids` (each checked, an
/// unreadable one is an error), else those matching `filter` ("" = all), at most `limit`.
Result<std::vector<int64_t>> RecordsToSimulate(RecordService& records, const std::string& actor,
                                               std::string_view object, const std::vector<int64_t>& ids,
                                               const std::string& filter, int limit);

}  // namespace workflow_detail
}  // namespace crm
