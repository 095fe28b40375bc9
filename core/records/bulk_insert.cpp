// The unchecked bulk insert of the demo generator and the benchmarks.
#include "audit/change.h"
#include "records/records_internal.h"

namespace crm {

using formula::Value;
using formula::ValueType;
using nlohmann::json;
using namespace records_detail;

Status RecordService::BulkInsertUnchecked(const std::string& actor, std::string_view object,
                                          const std::vector<std::string>& fields,
                                          const std::function<bool(std::vector<Value>&)>& next) {
    Result<std::shared_ptr<Runtime>> rtr = RuntimeFor(object);
    if (!rtr.ok()) return rtr.error();
    Runtime& rt = **rtr;
    std::vector<int> indexes;
    std::string cols = "created_at, created_by, updated_at, updated_by";
    std::string vals = "?1, ?2, ?1, ?2";
    for (const std::string& name : fields) {
        // OwnerId (a user id as a number) is the one system column a generator sets.
        if (SameName(name, "OwnerId")) {
            indexes.push_back(-1);
            cols += ", owner_id";
            vals += ", ?" + std::to_string(indexes.size() + 2);
            continue;
        }
        const int i = rt.Find(name);
        if (i < 0 || !rt.field(i).has_column()) {
            return MakeError("records.unknown_field",
                             rt.def->api_name + " has no stored field " + Quote(name) + ".", name);
        }
        indexes.push_back(i);
        cols += ", " + QuoteIdent(rt.field(i).column);
        vals += ", ?" + std::to_string(indexes.size() + 2);
    }
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    Statement ins =
        db_.Prepare("INSERT INTO " + QuoteIdent(rt.def->table) + "(" + cols + ") VALUES(" + vals + ")");
    const int64_t now = clock_.NowMs();
    std::vector<Value> row(indexes.size());
    while (next(row)) {
        ins.Reset();
        ins.Bind(1, now).Bind(2, actor);
        for (size_t k = 0; k < indexes.size(); ++k) {
            if (indexes[k] < 0) {
                ins.Bind(static_cast<int>(k) + 3, static_cast<int64_t>(row[k].number()));
            } else {
                BindValue(ins, static_cast<int>(k) + 3, rt.field(indexes[k]), row[k]);
            }
        }
        if (Status s = ins.Run(); !s.ok()) return s;
    }
    // Many records: the listeners hear the object and the fields, not every id.
    change.Record("records", rt.def->api_name, ChangeAction::Create, 0, fields);
    return change.Commit();
}

}  // namespace crm
