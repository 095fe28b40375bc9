// SaveEach: a batch of saves through the whole pipeline, each row on its own, without a savepoint per row.
//
// A savepoint per row (a nested ChangeScope, as Create and Update open) makes SQLite copy every page a row
// touches into its statement journal: for an import that is most of the work. Here the rows run in one
// change. A row that fails before it has written anything (the access, types, required and unique,
// validation, duplicate and automation stages only read; sqlite3_total_changes tells) leaves nothing to
// undo. A row that fails after writing (its write or an after-write hook) cannot be undone alone: the
// batch's change rolls back, the rows saved before it are saved again (their prepared values kept; the
// failed row is not run twice, so what it logged after its rollback is logged once), and the rest of the
// batch takes a nested change (a savepoint) per row, as Create and Update would.
#include <memory>

#include "records/records_internal.h"

namespace crm {

using nlohmann::json;
using namespace records_detail;

SaveResult RecordService::SaveEachRow(const std::string& actor, Runtime& rt, const EachRow& row,
                                      SaveAccumulator& created, SaveAccumulator& updated) {
    static const json kNoValues = json::object();
    const json& values = row.as_text ? kNoValues : row.values;
    const TextValues* texts = row.as_text ? &row.texts : nullptr;
    if (row.id <= 0) return SaveOne(actor, rt, values, nullptr, created, texts);
    Result<Row> existing = RowToUpdate(actor, rt, row.id);
    if (!existing.ok()) {
        SaveResult failed;
        failed.errors.push_back(existing.error());
        return failed;
    }
    return SaveOne(actor, rt, values, &*existing, updated, texts);
}

Result<std::vector<SaveResult>> RecordService::SaveEach(
    const std::string& actor, std::string_view object, std::vector<EachRow>& rows,
    const std::function<void(size_t, EachRow&)>& prepare) {
    std::vector<SaveResult> results(rows.size());
    Result<std::shared_ptr<Runtime>> runtime = RuntimeFor(object);
    if (!runtime.ok()) {
        for (size_t i = 0; i < rows.size(); ++i) {
            if (prepare) prepare(i, rows[i]);
            results[i].errors = rows[i].errors.empty() ? std::vector<Error>{runtime.error()} : rows[i].errors;
        }
        return results;
    }
    Runtime& rt = **runtime;
    const size_t fields = rt.def->fields.size();
    auto change = std::make_unique<ChangeScope>(changes_, actor);
    if (!change->begin_status().ok()) return change->begin_status().error();
    SaveAccumulator created(fields), updated(fields);
    // One row in a nested change of its own: rolled back alone when it fails.
    auto save_nested = [&](const EachRow& row) {
        ChangeScope one(changes_, actor);
        SaveResult result;
        if (!one.begin_status().ok()) {
            result.errors.push_back(one.begin_status().error());
            return result;
        }
        SaveAccumulator c(fields), u(fields);
        result = SaveEachRow(actor, rt, row, c, u);
        if (!result.ok()) return result;
        if (Status s = one.Commit(); !s.ok()) {
            result.errors.push_back(s.error());
            return result;
        }
        created.Merge(c);
        updated.Merge(u);
        return result;
    };
    // The change set keeps the order things happened in: the object's entry goes where its first save
    // was (filled at the end), before what that save's hooks did.
    auto place_entries = [&] {
        if (created.ids.size() == 1)
            change->change_set().Entry("records", rt.def->api_name, ChangeAction::Create);
        if (updated.ids.size() == 1)
            change->change_set().Entry("records", rt.def->api_name, ChangeAction::Update);
    };
    bool nested = false;  // after a row failed having written: a nested change per row
    for (size_t i = 0; i < rows.size(); ++i) {
        if (prepare) prepare(i, rows[i]);
        if (!rows[i].errors.empty()) {
            results[i].errors = rows[i].errors;
            continue;
        }
        if (nested) {
            results[i] = save_nested(rows[i]);
            place_entries();
            continue;
        }
        const int64_t before = db_.TotalChanges();
        results[i] = SaveEachRow(actor, rt, rows[i], created, updated);
        if (results[i].ok()) place_entries();
        if (results[i].ok() || db_.TotalChanges() == before) continue;
        // The row wrote before it failed: roll the batch back and save again the rows saved before it.
        change.reset();
        change = std::make_unique<ChangeScope>(changes_, actor);
        if (!change->begin_status().ok()) return change->begin_status().error();
        created = SaveAccumulator(fields);
        updated = SaveAccumulator(fields);
        nested = true;
        for (size_t j = 0; j < i; ++j) {
            if (!results[j].ok()) continue;
            results[j] = save_nested(rows[j]);
            place_entries();
        }
    }
    if (!created.ids.empty()) created.Record(*change, rt, ChangeAction::Create);
    if (!updated.ids.empty()) updated.Record(*change, rt, ChangeAction::Update);
    if (Status s = change->Commit(); !s.ok()) return s.error();
    return results;
}

}  // namespace crm
