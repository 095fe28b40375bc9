#include "data/mass_changes.h"

#include "audit/change.h"
#include "common/messages.h"

namespace crm {

namespace {

const MessageDef kMessages[] = {
    {"data.mass_count_changed",
     "The selection now holds {actual} records, not the {expected} you confirmed. Preview it again; nothing "
     "was "
     "changed.",
     "所选记录现在有 {actual} 条，而不是您确认的 {expected} 条。请重新预览；未做任何更改。"},
    {"data.mass_too_many", "The selection holds more than {limit} records; narrow the filter.",
     "所选记录超过 {limit} 条；请缩小筛选范围。"},
    {"data.mass_failed", "Record {id} stopped the change: {reason} Nothing was changed.",
     "记录 {id} 使更改中止：{reason} 未做任何更改。"},
};
CRM_REGISTER_MESSAGES(kMessages);

}  // namespace

MassChanges::MassChanges(Changes& changes, RecordService& records) : changes_(changes), records_(records) {}

Result<std::vector<int64_t>> MassChanges::Select(const std::string& actor, const MassSelection& s) {
    ListQuery q;
    q.columns = {"Id"};
    q.filter_formula = s.filter_formula;
    q.filters = s.filters;
    q.filters.push_back({"Id", ">", 0});
    q.sort_field = "Id";
    q.limit = 1000;
    std::vector<int64_t> ids;
    for (;;) {
        Result<ListPage> page = records_.List(actor, s.object, q);
        if (!page.ok()) return page.error();
        for (const nlohmann::json& row : page->rows) ids.push_back(row["Id"].get<int64_t>());
        if (static_cast<int64_t>(ids.size()) > kMassLimit)
            return MessageError("data.invalid", "data.mass_too_many", {{"limit", std::to_string(kMassLimit)}},
                                "filters");
        if (static_cast<int>(page->rows.size()) < q.limit) break;
        q.filters.back().value = ids.back();
    }
    return ids;
}

Result<int64_t> MassChanges::Preview(const std::string& actor, const MassSelection& selection) {
    Result<std::vector<int64_t>> ids = Select(actor, selection);
    if (!ids.ok()) return ids.error();
    return static_cast<int64_t>(ids->size());
}

template <class Fn>
Result<MassOutcome> MassChanges::Apply(const std::string& actor, const MassSelection& selection, Fn fn) {
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    Result<std::vector<int64_t>> ids = Select(actor, selection);
    if (!ids.ok()) return ids.error();
    MassOutcome out;
    out.count = static_cast<int64_t>(ids->size());
    if (selection.expected_count >= 0 && selection.expected_count != out.count)
        return MessageError(
            "data.mass_count_changed", "data.mass_count_changed",
            {{"actual", std::to_string(out.count)}, {"expected", std::to_string(selection.expected_count)}},
            "expected_count");
    for (int64_t id : *ids) {
        Status s = fn(id);
        if (!s.ok()) {
            Error e =
                MessageError(s.error().code, "data.mass_failed",
                             {{"id", std::to_string(id)}, {"reason", s.error().message}}, s.error().field);
            return e;
        }
        out.ids.push_back(id);
    }
    if (Status s = change.Commit(); !s.ok()) return s.error();
    return out;
}

static Status FromSave(const SaveResult& r) { return r.ok() ? Status::Ok() : Status(r.errors.front()); }

Result<MassOutcome> MassChanges::Update(const std::string& actor, const MassSelection& selection,
                                        const nlohmann::json& values) {
    return Apply(actor, selection,
                 [&](int64_t id) { return FromSave(records_.Update(actor, selection.object, id, values)); });
}

Result<MassOutcome> MassChanges::Transfer(const std::string& actor, const MassSelection& selection,
                                          int64_t owner_id) {
    const nlohmann::json values = {{"OwnerId", owner_id}};
    return Apply(actor, selection,
                 [&](int64_t id) { return FromSave(records_.Update(actor, selection.object, id, values)); });
}

Result<MassOutcome> MassChanges::Delete(const std::string& actor, const MassSelection& selection) {
    return Apply(actor, selection, [&](int64_t id) { return records_.Delete(actor, selection.object, id); });
}

}  // namespace crm
