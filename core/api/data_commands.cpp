// recycle.*, backup.*, restore.*, export.*, import.*, records.mass_*: data management (core/data), each
// trimmed by its service to what the acting user may see or do.
#include "api/command.h"
#include "workspace.h"

namespace crm::api {

namespace {

using SP = SystemPermission;

// [SECTION] Recycle bin

Result<RecycleSelection> SelectionOf(Call& call) {
    RecycleSelection sel;
    sel.object = call.Str("object");
    if (const json* ids = call.Obj("ids")) {
        for (const json& id : *ids) {
            if (!id.is_number_integer() || id.get<int64_t>() <= 0)
                return InvalidArgument("ids",
                                       "\"ids\" lists recycle bin entry ids (positive whole numbers).");
            sel.ids.push_back(id.get<int64_t>());
        }
    }
    return sel;
}

json OutcomeJson(const RecycleOutcome& outcome, const char* key) {
    json entries = json::array();
    for (const RecycleEntry& e : outcome.entries) entries.push_back(ToJson(e));
    return json{{key, entries}, {"lookups_restored", outcome.lookups_restored}};
}

Result<json> RecycleListCmd(Call& call) {
    Result<std::vector<RecycleEntry>> entries = call.workspace.data().recycle().List(
        call.actor, call.Str("object"), call.Int("limit", 100), call.Int("offset", 0));
    if (!entries.ok()) return entries.error();
    json out = json::array();
    for (const RecycleEntry& e : *entries) out.push_back(ToJson(e));
    return json{{"entries", out}, {"purge_days", call.workspace.data().recycle().PurgeDays()}};
}

Result<json> RecycleRestoreCmd(Call& call) {
    Result<RecycleSelection> sel = SelectionOf(call);
    if (!sel.ok()) return sel.error();
    Result<RecycleOutcome> outcome = call.workspace.data().recycle().Restore(call.actor, *sel);
    if (!outcome.ok()) return outcome.error();
    return OutcomeJson(*outcome, "restored");
}

Result<json> RecyclePurgeCmd(Call& call) {
    RecycleBin& bin = call.workspace.data().recycle();
    if (call.Bool("expired", false)) {
        CRM_TRY(call.workspace.access().Require(call.actor, SP::BackupAndRestore));
        Result<int> purged = bin.PurgeExpired(call.actor, call.workspace.clock().NowMs());
        if (!purged.ok()) return purged.error();
        return json{{"purged_expired", *purged}};
    }
    Result<RecycleSelection> sel = SelectionOf(call);
    if (!sel.ok()) return sel.error();
    Result<RecycleOutcome> outcome = bin.Purge(call.actor, *sel);
    if (!outcome.ok()) return outcome.error();
    return OutcomeJson(*outcome, "purged");
}

Result<json> RecycleSettingsCmd(Call& call) {
    RecycleBin& bin = call.workspace.data().recycle();
    if (call.args.contains("purge_days")) CRM_TRY(bin.SetPurgeDays(call.actor, call.Int("purge_days", 30)));
    return json{{"purge_days", bin.PurgeDays()}};
}

}  // namespace

void RegisterDataCommands(Registry& r) {
    const Arg ids = {"ids", ArgType::Array, false, "[entry id, ...]"};
    const Arg object = {"object", ArgType::String, false};
    r.push_back({"recycle.list",
                 "The recycle bin entries the acting user may restore, newest first, and the days they stay.",
                 {object, {"limit", ArgType::Integer}, {"offset", ArgType::Integer}},
                 ObjectRecords(),
                 false,
                 {{"object", "Account"}},
                 RecycleListCmd});
    r.push_back({"recycle.restore",
                 "Puts deleted records back (same ids, the lookups that pointed at them too): the entries "
                 "named, or every entry of an object the acting user may restore; all or none.",
                 {ids, object},
                 ObjectRecords(),
                 true,
                 {{"object", "Account"}},
                 RecycleRestoreCmd});
    r.push_back({"recycle.purge",
                 "Deletes recycle bin entries for good: those named, every one of an object the acting user "
                 "may restore, or (expired: true, Backup and Restore) all older than the purge days.",
                 {ids, object, {"expired", ArgType::Boolean}},
                 ObjectRecords(),
                 true,
                 {{"object", "Account"}},
                 RecyclePurgeCmd});
    r.push_back({"recycle.settings",
                 "Reads or sets how many days a deleted record stays in the recycle bin (1..3650).",
                 {{"purge_days", ArgType::Integer}},
                 SetupData("the data settings", {SP::BackupAndRestore}),
                 true,
                 {{"purge_days", 30}},
                 RecycleSettingsCmd});
}

}  // namespace crm::api
