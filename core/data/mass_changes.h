// Mass changes: update a field of, transfer the owner of, or delete (into the recycle bin) every record a
// filter selects, with a preview count first.
//
// Decisions where SEMANTICS.md is silent:
// - The selection is the acting user's: a list filter (formula and/or simple filters) over the records it may
//   see; each record then goes through the save pipeline (or the delete) as that user, so access, validation
//   rules and automation apply to each.
// - Confirmation: the caller passes the count the preview showed (expected_count); when the selection has
//   changed meanwhile the change is refused ("data.mass_count_changed") and nothing happens.
// - All or nothing: one transaction for the whole selection; the first record that fails stops it and is
//   named (at most kMassLimit records per call).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"
#include "records/records.h"

namespace crm {

class Changes;

/// The largest selection one mass change takes.
constexpr int64_t kMassLimit = 50'000;

/// Which records: as a list view filters them.
struct MassSelection {
    std::string object;
    std::string filter_formula;
    std::vector<ListFilter> filters;
    int64_t expected_count = -1;  ///< the previewed count; -1 = not checked (the preview itself)
};

struct MassOutcome {
    int64_t count = 0;         ///< records selected
    std::vector<int64_t> ids;  ///< the records changed (all of them, or none on an error)
    int64_t failed_id = 0;     ///< the record that stopped it
};

class MassChanges {
public:
    MassChanges(Changes& changes, RecordService& records);
    /// How many records the selection holds for the actor (nothing changes).
    Result<int64_t> Preview(const std::string& actor, const MassSelection& selection);
    /// Sets `values` ({"Field": value}) on every selected record.
    Result<MassOutcome> Update(const std::string& actor, const MassSelection& selection,
                               const nlohmann::json& values);
    /// Makes `owner_id` the owner of every selected record.
    Result<MassOutcome> Transfer(const std::string& actor, const MassSelection& selection, int64_t owner_id);
    /// Deletes every selected record (each into the recycle bin).
    Result<MassOutcome> Delete(const std::string& actor, const MassSelection& selection);

private:
    Result<std::vector<int64_t>> Select(const std::string& actor, const MassSelection& selection);
    template <class Fn>
    Result<MassOutcome> Apply(const std::string& actor, const MassSelection& selection, Fn fn);
    Changes& changes_;
    RecordService& records_;
};

}  // namespace crm
