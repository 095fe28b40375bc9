// The result cache: a run is kept under (viewer, definition, options, quarter hour) and handed back only
// to that viewer; a commit that touches an object the report reads, or the schema, the access settings or
// the company profile (fiscal year, time zone), drops what it could change. The quarter hour in the key
// keeps relative dates (TODAY, THIS_WEEK...) right across a local midnight in every time zone.
#include <algorithm>

#include "audit/change.h"
#include "common/text.h"
#include "report/report_internal.h"
#include "storage/change_set.h"

namespace crm {

namespace {

constexpr int64_t kQuarterHourMs = 15 * 60 * 1000;

}  // namespace

std::vector<std::string> report_detail::ObjectsRead(SchemaService& schema, const ReportDefinition& r) {
    std::vector<std::string> out{ToLowerAscii(r.object)};
    std::vector<std::string> names = r.columns;
    for (const ReportFilter& f : r.filters) names.push_back(f.field);
    for (const auto* list : {&r.row_groupings, &r.column_groupings})
        for (const ReportGrouping& g : *list) names.push_back(g.field);
    for (const ReportAggregate& a : r.aggregates) names.push_back(a.field);
    Result<std::shared_ptr<const ObjectDef>> source = schema.Object(r.object);
    for (const std::string& name : names) {
        const size_t dot = name.find('.');
        if (dot == std::string::npos || !source.ok()) continue;
        const std::string head = ToLowerAscii(name.substr(0, dot));
        for (const FieldDef& f : (*source)->fields) {
            if (f.lookup_object.empty()) continue;
            if (ToLowerAscii(f.api_name) == head || ToLowerAscii(f.relationship_name) == head)
                out.push_back(ToLowerAscii(f.lookup_object));
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string ReportService::RunCache::Key(const std::string& actor, const ReportDefinition& r,
                                         const ReportRunOptions& options, int64_t now_ms) {
    // Runs that report progress or may be cancelled (the console's long runs) still use the cache; only
    // the options that shape the result are in the key.
    std::string key = ToLowerAscii(actor) + "\n" + ToJson(r).dump() + "\n" +
                      std::to_string(options.row_limit) + "," + std::to_string(options.group_limit) + "," +
                      (options.details ? "d" : "-") + "\n";
    for (const ReportFilter& f : options.drill) key += f.field + " " + f.op + " " + f.value.dump() + ";";
    return key + "\n" + std::to_string(now_ms / kQuarterHourMs);
}

const ReportResult* ReportService::RunCache::Find(const std::string& key) {
    auto it = entries.find(key);
    if (it == entries.end()) {
        ++misses;
        return nullptr;
    }
    ++hits;
    it->second.used = ++tick;
    return &it->second.result;
}

void ReportService::RunCache::Store(const std::string& key, std::vector<std::string> objects,
                                    const ReportResult& result) {
    if (entries.size() >= kMaxEntries && !entries.count(key)) {
        auto oldest = std::min_element(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
            return a.second.used < b.second.used;
        });
        entries.erase(oldest);
    }
    entries[key] = Entry{std::move(objects), result, ++tick};
}

Result<ReportResult> ReportService::Run(const std::string& actor, const ReportDefinition& r,
                                        const ReportRunOptions& options) {
    std::unique_ptr<ReportRun> run = StartRun(actor, r, options);
    while (!run->Step(INT64_MAX)) {
    }
    return run->result();
}

void ReportService::OnCommit(const ChangeSet& changes) {
    RunCache& cache = *cache_;
    ++cache.generation;  // a run going on across this commit may have read some of it
    for (const ObjectChange& c : changes.changes) {
        // Report definitions and folders change no result; records change those that read their object;
        // anything else (schema, access, company, data restores) may change any result.
        if (c.area == "reports" || c.area == "list_views" || c.area == "audit") continue;
        if (c.area == "records" && !c.object.empty()) {
            const std::string object = ToLowerAscii(c.object);
            for (auto it = cache.entries.begin(); it != cache.entries.end();) {
                const std::vector<std::string>& read = it->second.objects;
                if (std::find(read.begin(), read.end(), object) != read.end())
                    it = cache.entries.erase(it);
                else
                    ++it;
            }
            continue;
        }
        cache.entries.clear();
        return;
    }
}

ReportService::CacheStats ReportService::cache_stats() const {
    return {cache_->hits, cache_->misses, cache_->entries.size()};
}

}  // namespace crm
