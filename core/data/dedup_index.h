// The key index of the save-time duplicate check: every stored record of one object keyed under the
// object's save-time duplicate rules (dedup_match.h), so a save compares only the records that can match
// instead of every record. Deduplicator (dedup.cpp) keeps one per object in memory, builds it on the first
// checked save and keeps it current from the save pipeline (docs/ARCHITECTURE.md, Data management).
//
// Exact by construction: Matches() answers the very records a comparison with every record would, because
// each condition's candidates are a superset of the records that condition matches, and every candidate is
// then compared by KeysMatch:
// - an exact-like condition (exact, normalized, email, phone, company at 1): the records with the same key;
// - a fuzzy one: the records holding one of the query's code points, taken rarest first, |a| - s + 1 of
//   them (counted with repeats), where s = MinSharedCodePoints: a match shares at least s, so at least one
//   of any |a| - s + 1 of the query's code points;
// - OR: the union over the conditions; AND: the candidates of one condition (the one with fewest).
// Lists are cleaned lazily: a changed or removed record's old entries stay until the lists are rebuilt
// (when stale entries outnumber live ones) and cost only a lookup, never a wrong answer.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "data/dedup_match.h"

namespace crm {

/// The keys of every record of one object under a fixed list of matching rules.
class DuplicateKeyIndex {
public:
    /// A record's keys: per rule, the MatchKeys of its conditions.
    using RecordKeys = std::vector<MatchKeys>;

    explicit DuplicateKeyIndex(std::vector<MatchRule> rules);
    const std::vector<MatchRule>& rules() const { return rules_; }
    size_t size() const { return records_.size(); }

    /// Sets (or replaces) a record's keys.
    void Put(int64_t id, RecordKeys keys);
    void Remove(int64_t id);
    /// The record's keys, or nullptr when it is not in the index.
    const RecordKeys* Find(int64_t id) const;

    /// The records (ascending ids, `self` left out) whose keys match `keys` under rule `rule`.
    std::vector<int64_t> Matches(size_t rule, const MatchKeys& keys, int64_t self) const;
    /// Candidates compared by KeysMatch so far (for the benchmark and tests).
    int64_t compared() const { return compared_; }

private:
    struct Lists {
        std::unordered_map<std::string, std::vector<int64_t>> by_key;      ///< exact-like conditions
        std::unordered_map<char32_t, std::vector<int64_t>> by_code_point;  ///< fuzzy conditions
    };
    /// Appends the ids a condition's lists give for `key` to `out` (when not null); answers their count.
    size_t Probe(size_t rule, size_t condition, const std::string& key, std::vector<int64_t>* out) const;
    size_t AddEntries(int64_t id, const RecordKeys& keys);
    void Rebuild();

    std::vector<MatchRule> rules_;
    std::vector<std::vector<Lists>> lists_;  ///< per rule, per condition
    std::unordered_map<int64_t, RecordKeys> records_;
    std::unordered_map<int64_t, size_t> entries_of_;  ///< list entries each record's current keys made
    size_t entries_ = 0;                              ///< list entries, stale ones included
    size_t live_entries_ = 0;
    mutable int64_t compared_ = 0;
};

}  // namespace crm
