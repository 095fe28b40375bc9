// The save-time duplicate check's key index (dedup_index.h states why it is exact).
#include "data/dedup_index.h"

#include <algorithm>

namespace crm {

namespace {

/// A key's distinct code points with how often each occurs.
std::vector<std::pair<char32_t, size_t>> CodePointCounts(const std::string& key) {
    std::u32string cps = CodePoints(key);
    std::sort(cps.begin(), cps.end());
    std::vector<std::pair<char32_t, size_t>> out;
    for (char32_t c : cps) {
        if (!out.empty() && out.back().first == c)
            ++out.back().second;
        else
            out.push_back({c, 1});
    }
    return out;
}

}  // namespace

DuplicateKeyIndex::DuplicateKeyIndex(std::vector<MatchRule> rules) : rules_(std::move(rules)) {
    lists_.resize(rules_.size());
    for (size_t r = 0; r < rules_.size(); ++r) lists_[r].resize(rules_[r].conditions.size());
}

size_t DuplicateKeyIndex::AddEntries(int64_t id, const RecordKeys& keys) {
    size_t added = 0;
    for (size_t r = 0; r < rules_.size() && r < keys.size(); ++r) {
        for (size_t i = 0; i < rules_[r].conditions.size() && i < keys[r].size(); ++i) {
            const std::string& key = keys[r][i];
            if (key.empty()) continue;  // a blank never matches
            Lists& lists = lists_[r][i];
            if (!IsFuzzyCondition(rules_[r].conditions[i])) {
                lists.by_key[key].push_back(id);
                ++added;
                continue;
            }
            for (const auto& [cp, count] : CodePointCounts(key)) {
                lists.by_code_point[cp].push_back(id);
                ++added;
            }
        }
    }
    return added;
}

void DuplicateKeyIndex::Put(int64_t id, RecordKeys keys) {
    auto it = records_.find(id);
    if (it != records_.end() && it->second == keys) return;  // an edit of other fields: nothing moves
    Remove(id);
    const size_t added = AddEntries(id, keys);
    entries_ += added;
    live_entries_ += added;
    entries_of_[id] = added;
    records_[id] = std::move(keys);
}

void DuplicateKeyIndex::Remove(int64_t id) {
    auto it = records_.find(id);
    if (it == records_.end()) return;
    live_entries_ -= entries_of_[id];
    entries_of_.erase(id);
    records_.erase(it);
    if (entries_ > 2 * live_entries_ + 4096) Rebuild();
}

void DuplicateKeyIndex::Rebuild() {
    for (auto& per_rule : lists_) {
        for (Lists& lists : per_rule) {
            lists.by_key.clear();
            lists.by_code_point.clear();
        }
    }
    entries_ = 0;
    for (const auto& [id, keys] : records_) entries_ += entries_of_[id] = AddEntries(id, keys);
    live_entries_ = entries_;
}

const DuplicateKeyIndex::RecordKeys* DuplicateKeyIndex::Find(int64_t id) const {
    auto it = records_.find(id);
    return it == records_.end() ? nullptr : &it->second;
}

size_t DuplicateKeyIndex::Probe(size_t rule, size_t condition, const std::string& key,
                                std::vector<int64_t>* out) const {
    const Lists& lists = lists_[rule][condition];
    const MatchCondition& c = rules_[rule].conditions[condition];
    if (!IsFuzzyCondition(c)) {
        auto it = lists.by_key.find(key);
        if (it == lists.by_key.end()) return 0;
        if (out) out->insert(out->end(), it->second.begin(), it->second.end());
        return it->second.size();
    }
    // Any |a| - s + 1 of the query's code points (with repeats) hold one that a match shares: the rarest.
    struct Point {
        size_t count;
        const std::vector<int64_t>* ids;
    };
    std::vector<Point> points;
    size_t length = 0;
    for (const auto& [cp, count] : CodePointCounts(key)) {
        auto it = lists.by_code_point.find(cp);
        points.push_back({count, it == lists.by_code_point.end() ? nullptr : &it->second});
        length += count;
    }
    std::sort(points.begin(), points.end(), [](const Point& a, const Point& b) {
        return (a.ids ? a.ids->size() : 0) < (b.ids ? b.ids->size() : 0);
    });
    const size_t shared = std::min(MinSharedCodePoints(c, length), length);
    size_t needed = length - shared + 1, found = 0;
    for (const Point& p : points) {
        if (needed == 0) break;
        needed -= std::min(needed, p.count);
        if (!p.ids) continue;
        found += p.ids->size();
        if (out) out->insert(out->end(), p.ids->begin(), p.ids->end());
    }
    return found;
}

std::vector<int64_t> DuplicateKeyIndex::Matches(size_t rule, const MatchKeys& keys, int64_t self) const {
    std::vector<int64_t> candidates, out;
    if (rule >= rules_.size() || keys.size() != rules_[rule].conditions.size()) return out;
    const MatchRule& m = rules_[rule];
    // OR: every condition's candidates; AND: those of the condition with the fewest (all must match).
    std::vector<size_t> probe;
    size_t estimate = 0;
    if (m.any) {
        for (size_t i = 0; i < keys.size(); ++i) {
            if (keys[i].empty()) continue;
            probe.push_back(i);
            estimate += Probe(rule, i, keys[i], nullptr);
        }
    } else {
        size_t fewest = SIZE_MAX;
        for (size_t i = 0; i < keys.size(); ++i) {
            if (keys[i].empty()) return out;
            const size_t n = Probe(rule, i, keys[i], nullptr);
            if (n < fewest) {
                fewest = n;
                probe = {i};
            }
        }
        estimate = fewest;
    }
    if (estimate * 2 >= records_.size()) {
        // The lists would name about every record (a loose fuzzy condition): compare them all directly.
        for (const auto& [id, other] : records_) {
            if (id == self) continue;
            ++compared_;
            if (KeysMatch(m, keys, other[rule])) out.push_back(id);
        }
        std::sort(out.begin(), out.end());
        return out;
    }
    for (size_t i : probe) Probe(rule, i, keys[i], &candidates);
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (int64_t id : candidates) {
        if (id == self) continue;
        auto it = records_.find(id);
        if (it == records_.end()) continue;  // a stale entry of a removed record
        ++compared_;
        if (KeysMatch(m, keys, it->second[rule])) out.push_back(id);
    }
    return out;
}

}  // namespace crm
