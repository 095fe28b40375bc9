// The duplicate scan, a slice at a time (dedup.h states the rules): read the visible records in keyset
// pages, key them per rule, compare the records that share a blocking key, join the matches into groups.
#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "audit/change.h"
#include "common/messages.h"
#include "common/text.h"
#include "data/dedup.h"
#include "data/dedup_internal.h"
#include "records/records.h"
#include "schema/schema.h"
#include "storage/database.h"

namespace crm {

namespace {

/// Joins records that match in a scan.
struct UnionFind {
    std::vector<int> parent;
    void Reset(size_t n) {
        parent.resize(n);
        std::iota(parent.begin(), parent.end(), 0);
    }
    int Find(int x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    }
    void Join(int a, int b) {
        a = Find(a);
        b = Find(b);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
};

constexpr size_t kWindowFrom = 2000;  ///< a block larger than this is compared in a sliding window
constexpr size_t kWindow = 50;

}  // namespace

struct DuplicateScan::State {
    enum class Phase { Read, Key, Compare, Done };
    RecordService* records = nullptr;
    std::string actor;
    ScanOptions options;
    std::shared_ptr<const ObjectDef> object;
    std::vector<Deduplicator::Compiled> rules;
    Phase phase = Phase::Read;
    bool cancel = false;
    Result<ScanResult> outcome = ScanResult{};

    // Reading: the columns every rule compares, read once, a page at a time.
    std::vector<std::string> columns = {"Id"};
    std::vector<std::vector<int>> column_of;  ///< per rule, per condition: the index in `columns`
    ListQuery query;
    int64_t last = 0;
    int64_t max_records = 0;
    int64_t expected = 0;  ///< records to read, about
    std::vector<int64_t> ids;
    std::vector<std::string> names;
    std::vector<std::vector<std::string>> values;  ///< per column, per record

    // Keying and comparing, one rule after another.
    size_t rule = 0;
    size_t keyed = 0;
    std::vector<MatchKeys> keys;
    std::unordered_map<std::string, std::vector<int>> by_key;
    std::vector<std::vector<int>> blocks;  ///< the blocks of 2 or more of the rule being compared
    size_t block = 0;
    size_t member = 0;  ///< the next member of `blocks[block]` compared with those after it
    int64_t compared_members = 0;
    UnionFind groups;
    std::vector<int> group_rule;
    int64_t comparisons = 0;
    ScanResult result;

    // Each spends about `budget` units and moves to the next phase when its work is done.
    void Read(int64_t& budget);     ///< pages of records until about `budget` are in
    void Key(int64_t& budget);      ///< the keys and blocks of the rule `rule`
    void Compare(int64_t& budget);  ///< the pairs within its blocks
    void Group();                   ///< the groups, at the end
    void Fail(Error error) {
        outcome = std::move(error);
        phase = Phase::Done;
    }
};

void DuplicateScan::State::Read(int64_t& budget) {
    while (budget > 0 && phase == Phase::Read) {
        query.filters.back().value = last;
        Result<ListPage> page = records->List(actor, object->api_name, query);
        if (!page.ok()) return Fail(page.error());
        if (ids.empty()) {
            for (const Deduplicator::Compiled& c : rules) {
                for (const FieldDef* f : c.fields) {
                    if (std::find(page->columns.begin(), page->columns.end(), f->api_name) ==
                        page->columns.end())
                        return Fail(MessageError("records.field_not_readable", "data.dedup_field_hidden",
                                                 {{"name", c.rule.name}, {"field", f->api_name}}, "rule"));
                }
            }
        }
        for (const nlohmann::json& row : page->rows) {
            if (static_cast<int64_t>(ids.size()) >= max_records) {
                result.truncated = true;
                break;
            }
            last = row.value("Id", last);
            ids.push_back(last);
            names.push_back(object->name_field.empty() || !row.contains(object->name_field)
                                ? ""
                                : DedupValueText(row[object->name_field]));
            for (size_t c = 1; c < columns.size(); ++c)
                values[c].push_back(row.contains(columns[c]) ? DedupValueText(row[columns[c]]) : "");
        }
        budget -= static_cast<int64_t>(page->rows.size()) + 1;
        if (result.truncated || static_cast<int>(page->rows.size()) < query.limit) {
            result.records = static_cast<int64_t>(ids.size());
            groups.Reset(ids.size());
            group_rule.assign(ids.size(), -1);
            phase = Phase::Key;
        }
    }
}

void DuplicateScan::State::Key(int64_t& budget) {
    const Deduplicator::Compiled& c = rules[rule];
    const size_t n = ids.size(), k = c.fields.size();
    if (keyed == 0) keys.assign(n, MatchKeys(k));
    for (; keyed < n && budget > 0; ++keyed, --budget) {
        for (size_t j = 0; j < k; ++j)
            keys[keyed][j] = MatchKey(c.rule.match.conditions[j], values[column_of[rule][j]][keyed]);
        for (std::string& b : BlockingKeys(c.rule.match, keys[keyed]))
            by_key[b].push_back(static_cast<int>(keyed));
    }
    if (keyed < n) return;
    blocks.clear();
    for (auto& entry : by_key) {
        if (entry.second.size() >= 2) blocks.push_back(std::move(entry.second));
    }
    by_key.clear();
    // The order of the blocks decides only how many pairs a scan compares, never its groups.
    std::sort(blocks.begin(), blocks.end(),
              [](const std::vector<int>& a, const std::vector<int>& b) { return a.front() < b.front(); });
    for (std::vector<int>& members : blocks) {
        if (members.size() > kWindowFrom)
            std::sort(members.begin(), members.end(), [&](int a, int b) { return keys[a] < keys[b]; });
    }
    block = 0;
    member = 0;
    phase = Phase::Compare;
}

void DuplicateScan::State::Compare(int64_t& budget) {
    const Deduplicator::Compiled& c = rules[rule];
    while (block < blocks.size() && budget > 0) {
        const std::vector<int>& members = blocks[block];
        const size_t window = members.size() > kWindowFrom ? kWindow : members.size();
        for (; member < members.size() && budget > 0; ++member) {
            const size_t a = member;
            for (size_t b = a + 1; b < members.size() && b <= a + window; ++b) {
                const int x = members[a], y = members[b];
                if (groups.Find(x) == groups.Find(y)) continue;
                ++comparisons;
                --budget;
                if (!KeysMatch(c.rule.match, keys[x], keys[y])) continue;
                groups.Join(x, y);
                const int root = groups.Find(x);
                if (group_rule[root] < 0) group_rule[root] = static_cast<int>(rule);
            }
            ++compared_members;
            --budget;
        }
        if (member < members.size()) return;
        ++block;
        member = 0;
    }
    if (block < blocks.size()) return;
    // The next rule, or the groups.
    compared_members = 0;
    keyed = 0;
    keys.clear();
    blocks.clear();
    if (++rule < rules.size()) {
        phase = Phase::Key;
        return;
    }
    Group();
}

void DuplicateScan::State::Group() {
    result.comparisons = comparisons;
    std::unordered_map<int, size_t> index_of;
    const size_t n = ids.size();
    for (size_t i = 0; i < n; ++i) {
        const int root = groups.Find(static_cast<int>(i));
        if (root == static_cast<int>(i)) continue;
        auto it = index_of.find(root);
        if (it == index_of.end()) {
            if (static_cast<int>(result.groups.size()) >= std::max(1, options.max_groups)) {
                result.truncated = true;
                continue;
            }
            DuplicateGroup g;
            g.rule = rules[group_rule[root] >= 0 ? static_cast<size_t>(group_rule[root]) : 0].rule.name;
            g.ids.push_back(ids[root]);
            g.names.push_back(names[root]);
            it = index_of.emplace(root, result.groups.size()).first;
            result.groups.push_back(std::move(g));
        }
        result.groups[it->second].ids.push_back(ids[i]);
        result.groups[it->second].names.push_back(names[i]);
    }
    outcome = std::move(result);
    phase = Phase::Done;
}

DuplicateScan::DuplicateScan(std::unique_ptr<State> state) : state_(std::move(state)) {}
DuplicateScan::~DuplicateScan() = default;

bool DuplicateScan::Step(int64_t budget) {
    State& st = *state_;
    if (st.phase == State::Phase::Done) return true;
    if (st.cancel) {
        ScanResult cancelled;
        cancelled.records = static_cast<int64_t>(st.ids.size());
        cancelled.comparisons = st.comparisons;
        cancelled.cancelled = true;
        st.outcome = std::move(cancelled);
        st.phase = State::Phase::Done;
        return true;
    }
    budget = std::max<int64_t>(budget, 1);
    while (budget > 0 && st.phase != State::Phase::Done) {
        switch (st.phase) {
            case State::Phase::Read:
                st.Read(budget);
                break;
            case State::Phase::Key:
                st.Key(budget);
                break;
            case State::Phase::Compare:
                st.Compare(budget);
                break;
            case State::Phase::Done:
                break;
        }
    }
    return st.phase == State::Phase::Done;
}

bool DuplicateScan::done() const { return state_->phase == State::Phase::Done; }

const char* DuplicateScan::phase() const { return state_->phase == State::Phase::Read ? "read" : "compare"; }

int64_t DuplicateScan::progressed() const {
    const State& st = *state_;
    if (st.phase == State::Phase::Read) return static_cast<int64_t>(st.ids.size());
    if (st.phase == State::Phase::Done) return static_cast<int64_t>(st.ids.size());
    // Each rule keys every record, then compares the members of its blocks: half a record each.
    const int64_t n = static_cast<int64_t>(st.ids.size());
    int64_t in_blocks = 0;
    for (const std::vector<int>& b : st.blocks) in_blocks += static_cast<int64_t>(b.size());
    const int64_t compared = in_blocks > 0 ? st.compared_members * n / in_blocks : 0;
    const int64_t rule_part = st.phase == State::Phase::Key ? static_cast<int64_t>(st.keyed) / 2
                                                            : n / 2 + std::min(compared, n) / 2;
    const int64_t rules = static_cast<int64_t>(std::max<size_t>(st.rules.size(), 1));
    return (static_cast<int64_t>(st.rule) * n + rule_part) / rules;
}

int64_t DuplicateScan::total() const {
    const State& st = *state_;
    return st.phase == State::Phase::Read
               ? std::max<int64_t>(st.expected, static_cast<int64_t>(st.ids.size()))
               : static_cast<int64_t>(st.ids.size());
}

double DuplicateScan::fraction() const {
    if (done()) return 1.0;
    const double part = total() > 0 ? static_cast<double>(progressed()) / static_cast<double>(total()) : 0.0;
    // Reading is about a third of a scan, keying and comparing the rest.
    return state_->phase == State::Phase::Read ? part / 3.0 : 1.0 / 3.0 + part * 2.0 / 3.0;
}

void DuplicateScan::Cancel() { state_->cancel = true; }

const Result<ScanResult>& DuplicateScan::result() const { return state_->outcome; }

std::unique_ptr<DuplicateScan> Deduplicator::StartScan(const std::string& actor, const ScanOptions& options) {
    auto st = std::make_unique<DuplicateScan::State>();
    st->records = &records_;
    st->actor = actor;
    st->options = options;
    std::unique_ptr<DuplicateScan> scan(new DuplicateScan(std::move(st)));
    DuplicateScan::State& s = *scan->state_;
    Result<std::shared_ptr<const ObjectDef>> object = schema_.Object(options.object);
    if (!object.ok()) {
        s.Fail(object.error());
        return scan;
    }
    s.object = *object;
    const ObjectDef& o = *s.object;
    Result<std::vector<Compiled>> rules = ActiveRules(o, false);
    if (!rules.ok()) {
        s.Fail(rules.error());
        return scan;
    }
    if (!options.rule.empty()) {
        rules->erase(std::remove_if(rules->begin(), rules->end(),
                                    [&](const Compiled& c) {
                                        return ToLowerAscii(c.rule.name) != ToLowerAscii(options.rule);
                                    }),
                     rules->end());
        if (rules->empty()) {
            s.Fail(MessageError("data.not_found", "data.dedup_unknown_rule",
                                {{"object", o.api_name}, {"name", options.rule}}, "rule"));
            return scan;
        }
    }
    s.rules = std::move(*rules);
    if (s.rules.empty()) {
        s.phase = DuplicateScan::State::Phase::Done;
        return scan;
    }
    if (!o.name_field.empty()) s.columns.push_back(o.name_field);
    s.column_of.resize(s.rules.size());
    for (size_t r = 0; r < s.rules.size(); ++r) {
        for (const FieldDef* f : s.rules[r].fields) {
            auto it = std::find(s.columns.begin(), s.columns.end(), f->api_name);
            s.column_of[r].push_back(static_cast<int>(it - s.columns.begin()));
            if (it == s.columns.end()) s.columns.push_back(f->api_name);
        }
    }
    s.values.resize(s.columns.size());
    s.max_records = std::clamp<int64_t>(options.max_records, 1, 1'000'000);
    s.query.columns = s.columns;
    s.query.filters.push_back({"Id", ">", 0});
    s.query.sort_field = "Id";
    s.query.limit = 1000;
    // How many to read, about (every stored record: the visible ones may be fewer).
    Statement count = changes_.db().Prepare("SELECT COUNT(*) FROM " + QuoteIdent(o.table));
    if (count.Step()) s.expected = std::min(count.Int(0), s.max_records);
    return scan;
}

Result<ScanResult> Deduplicator::Scan(const std::string& actor, const ScanOptions& options) {
    std::unique_ptr<DuplicateScan> scan = StartScan(actor, options);
    do {
        if (options.progress && !scan->done() &&
            !options.progress(scan->phase(), scan->progressed(), scan->total()))
            scan->Cancel();
    } while (!scan->Step(20'000));
    const Result<ScanResult>& result = scan->result();
    if (result.ok() && !result.value().cancelled && options.progress)
        options.progress("compare", result.value().records, result.value().records);
    return result;
}

}  // namespace crm
