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

/// The objects a definition reads: its own and those its lookup paths reach (lower case).
std::vector<std::string> ObjectsRead(SchemaService& schema, const ReportDefinition& r) {
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

}  // namespace

Result<ReportResult> ReportService::Run(const std::string& actor, const ReportDefinition& r,
                                        const ReportRunOptions& options) {
    // Runs that report progress or may be cancelled (the console's long runs) still use the cache; only
    // the options that shape the result are in the key.
    std::string key = ToLowerAscii(actor) + "\n" + ToJson(r).dump() + "\n" +
                      std::to_string(options.row_limit) + "," + std::to_string(options.group_limit) + "," +
                      (options.details ? "d" : "-") + "\n";
    for (const ReportFilter& f : options.drill) key += f.field + " " + f.op + " " + f.value.dump() + ";";
    key += "\n" + std::to_string(changes_.clock().NowMs() / kQuarterHourMs);
    RunCache& cache = *cache_;
    auto it = cache.entries.find(key);
    if (it != cache.entries.end()) {
        ++cache.hits;
        it->second.used = ++cache.tick;
        return it->second.result;
    }
    ++cache.misses;
    Result<ReportResult> run = RunUncached(actor, r, options);
    if (!run.ok()) return run;
    if (cache.entries.size() >= RunCache::kMaxEntries) {
        auto oldest =
            std::min_element(cache.entries.begin(), cache.entries.end(),
                             [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
        cache.entries.erase(oldest);
    }
    RunCache::Entry entry{ObjectsRead(schema_, r), *run, ++cache.tick};
    cache.entries.emplace(std::move(key), std::move(entry));
    return run;
}

void ReportService::OnCommit(const ChangeSet& changes) {
    RunCache& cache = *cache_;
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
