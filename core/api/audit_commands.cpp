// audit.*: the setup audit trail.
#include <algorithm>

#include "api/command.h"
#include "workspace.h"

namespace crm::api {

namespace {

Result<json> AuditListCmd(Call& call) {
    AuditQuery q;
    q.area = call.Str("area");
    q.actor = call.Str("actor");
    q.text = call.Str("text");
    q.from_ms = call.Time("from");
    q.to_ms = call.Time("to");
    q.descending = call.Bool("desc", q.descending);
    q.offset = call.Int("offset", q.offset);
    q.limit = call.Int("limit", q.limit);
    const std::string sort = call.Str("sort", "time");
    static const std::pair<const char*, AuditQuery::SortKey> kSortKeys[] = {
        {"time", AuditQuery::SortKey::Time},     {"actor", AuditQuery::SortKey::Actor},
        {"area", AuditQuery::SortKey::Area},     {"action", AuditQuery::SortKey::Action},
        {"target", AuditQuery::SortKey::Target},
    };
    auto key = std::find_if(std::begin(kSortKeys), std::end(kSortKeys),
                            [&](const auto& k) { return sort == k.first; });
    if (key == std::end(kSortKeys)) {
        return InvalidArgument("sort",
                               "\"sort\" is " + Quote(sort) + "; use time, actor, area, action or target.");
    }
    q.sort = key->second;
    Result<AuditPage> page = call.workspace.audit().List(call.actor, q);
    if (!page.ok()) return page.error();
    json entries = json::array();
    for (const AuditEntry& e : page->entries) entries.push_back(ToJson(e));
    return json{{"total", page->total}, {"entries", std::move(entries)}};
}

}  // namespace

void RegisterAuditCommands(Registry& r) {
    r.push_back({"audit.list",
                 "Lists the setup audit trail, filtered, sorted and paged.",
                 {{"area", ArgType::String},
                  {"actor", ArgType::String},
                  {"text", ArgType::String},
                  {"from", ArgType::Time},
                  {"to", ArgType::Time},
                  {"sort", ArgType::String, false, "\"time\"|\"actor\"|\"area\"|\"action\"|\"target\""},
                  {"desc", ArgType::Boolean},
                  {"offset", ArgType::Integer},
                  {"limit", ArgType::Integer, false, "integer (1..1000)"}},
                 SetupData("the setup audit trail", {SystemPermission::ViewSetupAuditTrail}),
                 false,
                 {{"area", "company"}, {"limit", 20}},
                 AuditListCmd});
}

}  // namespace crm::api
