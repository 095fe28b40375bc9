// The recycle bin (recycle_bin.h states the rules): the delete hook that keeps a record's stored columns and
// the lookups that pointed at it, and restore and purge over the entries.
#include "data/recycle_bin.h"

#include <algorithm>

#include "audit/change.h"
#include "common/clock.h"
#include "common/messages.h"
#include "common/text.h"
#include "records/records.h"
#include "schema/schema.h"
#include "storage/database.h"

namespace crm {

namespace {

const MessageDef kMessages[] = {
    {"data.recycle_unknown", "There is no entry {id} in the recycle bin.", "回收站中没有条目 {id}。"},
    {"data.recycle_denied", "You may not restore or purge {object} {record} from the recycle bin.",
     "您无权从回收站还原或清除 {object} {record}。"},
    {"data.recycle_object_gone", "{object} no longer exists, so its record {record} cannot be restored.",
     "对象 {object} 已不存在，无法还原其记录 {record}。"},
    {"data.recycle_id_taken",
     "{object} {record} cannot be restored: a newer record has taken the id {record}. Nothing was restored.",
     "无法还原 {object} {record}：编号 {record} 已被新记录占用。未还原任何记录。"},
    {"data.recycle_days", "Days in the recycle bin must be between 1 and 3650, not {days}.",
     "回收站保留天数必须在 1 到 3650 之间，而不是 {days}。"},
};
CRM_REGISTER_MESSAGES(kMessages);

constexpr int kDefaultPurgeDays = 30;
constexpr int64_t kDayMs = 86'400'000;

/// The columns of a table as SQLite has them (deleted fields keep theirs until purged).
std::vector<std::string> TableColumns(Database& db, const std::string& table) {
    std::vector<std::string> columns;
    Statement st = db.Prepare("SELECT name FROM pragma_table_info(?1)");
    st.Bind(1, table);
    while (st.Step()) columns.push_back(st.Text(0));
    return columns;
}

/// The stored row as {"column": value}, each value in its SQLite type (integer, real, text, null).
Result<nlohmann::json> StoredRow(Database& db, const ObjectDef& o, int64_t id) {
    const std::vector<std::string> columns = TableColumns(db, o.table);
    std::string sql = "SELECT ";
    for (size_t i = 0; i < columns.size(); ++i) {
        if (i) sql += ", ";
        sql += "typeof(" + QuoteIdent(columns[i]) + "), " + QuoteIdent(columns[i]);
    }
    sql += " FROM " + QuoteIdent(o.table) + " WHERE id = ?1";
    Statement st = db.Prepare(sql);
    st.Bind(1, id);
    nlohmann::json row = nlohmann::json::object();
    if (!st.Step()) {
        if (!st.status().ok()) return st.status().error();
        return row;
    }
    for (size_t i = 0; i < columns.size(); ++i) {
        const int c = static_cast<int>(2 * i);
        const std::string type = st.Text(c);
        if (type == "integer") {
            row[columns[i]] = st.Int(c + 1);
        } else if (type == "real") {
            row[columns[i]] = st.Real(c + 1);
        } else if (type == "text") {
            row[columns[i]] = st.Text(c + 1);
        } else {
            row[columns[i]] = nullptr;  // NULL (records hold no blobs)
        }
    }
    return row;
}

void BindJson(Statement& st, int index, const nlohmann::json& v) {
    if (v.is_number_integer()) {
        st.Bind(index, v.get<int64_t>());
    } else if (v.is_number()) {
        st.Bind(index, v.get<double>());
    } else if (v.is_string()) {
        st.Bind(index, v.get<std::string>());
    } else {
        st.Bind(index, nullptr);
    }
}

bool SameUser(const std::string& a, const std::string& b) { return ToLowerAscii(a) == ToLowerAscii(b); }

RecycleEntry ReadEntry(const Statement& st) {
    RecycleEntry e;
    e.id = st.Int(0);
    e.object = st.Text(1);
    e.record_id = st.Int(2);
    e.record_name = st.Text(3);
    e.owner_id = st.IsNull(4) ? 0 : st.Int(4);
    e.deleted_by = st.Text(5);
    e.deleted_at_ms = st.Int(6);
    e.related = static_cast<int>(st.Int(7));
    return e;
}

constexpr const char* kEntryColumns =
    "id, object, record_id, record_name, owner_id, deleted_by, deleted_at_ms, related";

}  // namespace

const char* DataMigrationSql() {
    return R"sql(
CREATE TABLE recycle_bin (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    object TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    record_name TEXT NOT NULL,
    owner_id INTEGER,
    deleted_by TEXT NOT NULL,
    deleted_at_ms INTEGER NOT NULL,
    related INTEGER NOT NULL,
    row_json TEXT NOT NULL,
    lookups_json TEXT NOT NULL
);
CREATE INDEX recycle_bin_at ON recycle_bin(deleted_at_ms);
CREATE INDEX recycle_bin_record ON recycle_bin(object, record_id);
CREATE TABLE data_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO data_settings(key, value) VALUES ('recycle_purge_days', '30');
)sql";
}

nlohmann::json ToJson(const RecycleEntry& e) {
    return {{"id", e.id},
            {"object", e.object},
            {"record_id", e.record_id},
            {"name", e.record_name},
            {"owner_id", e.owner_id},
            {"deleted_by", e.deleted_by},
            {"deleted_at", FormatUtcIso8601(e.deleted_at_ms)},
            {"related", e.related}};
}

RecycleBin::RecycleBin(Changes& changes, SchemaService& schema, const AccessPolicy& policy)
    : changes_(changes), schema_(schema), policy_(policy) {}

void RecycleBin::AttachTo(RecordService& records) {
    records.AddDeleteHook(DeletePhase::Before, "recycle bin", [this](DeleteContext& del) {
        ChangeScope* scope = changes_.open_scope();
        if (!scope) {
            del.Fail(MakeError("internal", "A record was deleted outside its change."));
            return;
        }
        if (Result<int> purged = PurgeExpired(del.actor, scope->now_ms()); !purged.ok()) {
            del.Fail(purged.error());
            return;
        }
        if (Status s = Keep(*scope, del.object, del.record_id, del.owner_id, del.actor); !s.ok())
            del.Fail(s.error());
    });
}

Status RecycleBin::Keep(ChangeScope& change, const ObjectDef& o, int64_t record_id, int64_t owner_id,
                        const std::string& actor) {
    Database& db = changes_.db();
    Result<nlohmann::json> row = StoredRow(db, o, record_id);
    if (!row.ok()) return row.error();
    if (row->empty()) return Status::Ok();  // not stored: the delete itself answers records.not_found
    std::string name;
    if (const FieldDef* f = o.Field(o.name_field);
        f && f->has_column() && row->contains(f->column) && (*row)[f->column].is_string())
        name = (*row)[f->column].get<std::string>();
    // The lookups that point at it (deleted fields too: the delete clears them all).
    nlohmann::json lookups = nlohmann::json::array();
    int related = 0;
    for (const auto& other : schema_.Objects()) {
        for (const FieldDef& f : other->fields) {
            if (f.type != FieldType::Lookup || f.column.empty() ||
                ToLowerAscii(f.lookup_object) != ToLowerAscii(o.api_name))
                continue;
            Statement st = db.Prepare("SELECT id FROM " + QuoteIdent(other->table) + " WHERE " +
                                      QuoteIdent(f.column) + " = ?1");
            st.Bind(1, record_id);
            std::vector<int64_t> ids;
            while (st.Step()) ids.push_back(st.Int(0));
            if (!st.status().ok()) return st.status();
            if (ids.empty()) continue;
            // A record pointing at itself comes back with its own row.
            if (other->id == o.id) ids.erase(std::remove(ids.begin(), ids.end(), record_id), ids.end());
            if (ids.empty()) continue;
            related += static_cast<int>(ids.size());
            lookups.push_back({{"object", other->api_name}, {"column", f.column}, {"ids", ids}});
        }
    }
    Statement ins = db.Prepare(
        "INSERT INTO recycle_bin(object, record_id, record_name, owner_id, deleted_by, deleted_at_ms, "
        "related, row_json, lookups_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    ins.Bind(1, o.api_name).Bind(2, record_id).Bind(3, name);
    if (owner_id > 0) {
        ins.Bind(4, owner_id);
    } else {
        ins.Bind(4, nullptr);
    }
    ins.Bind(5, actor).Bind(6, change.now_ms()).Bind(7, related).Bind(8, row->dump()).Bind(9, lookups.dump());
    return ins.Run();
}

bool RecycleBin::MayRestore(const std::string& actor, const RecycleEntry& e, const ObjectDef& o) const {
    if (IsSystemActor(actor)) return true;
    if (!policy_.CanAccessObject(actor, o, ObjectAction::Delete)) return false;
    return SameUser(actor, e.deleted_by) ||
           policy_.RecordLevel(actor, o, e.record_id, e.owner_id) >= AccessLevel::Full;
}

Result<std::vector<RecycleEntry>> RecycleBin::List(const std::string& actor, const std::string& object,
                                                   int limit, int offset) {
    limit = std::clamp(limit, 1, 1000);
    offset = std::max(offset, 0);
    std::shared_ptr<const ObjectDef> only;
    if (!object.empty()) {
        Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
        if (!o.ok()) return o.error();
        only = *o;
    }
    Statement st = changes_.db().Prepare(std::string("SELECT ") + kEntryColumns +
                                         " FROM recycle_bin WHERE ?1 = '' OR object = ?1 "
                                         "ORDER BY deleted_at_ms DESC, id DESC");
    st.Bind(1, only ? only->api_name : std::string());
    std::vector<RecycleEntry> out;
    int skipped = 0;
    while (st.Step() && static_cast<int>(out.size()) < limit) {
        RecycleEntry e = ReadEntry(st);
        Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(e.object);
        if (!o.ok() || (*o)->deleted || !MayRestore(actor, e, **o)) continue;
        if (skipped++ < offset) continue;
        const FieldDef* name = (*o)->Field((*o)->name_field);
        if (!name || !policy_.CanReadField(actor, **o, *name)) e.record_name.clear();
        out.push_back(std::move(e));
    }
    if (!st.status().ok()) return st.status().error();
    return out;
}

Result<std::vector<RecycleEntry>> RecycleBin::Select(const std::string& actor, const RecycleSelection& sel) {
    Database& db = changes_.db();
    std::vector<RecycleEntry> out;
    if (!sel.object.empty()) {
        Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(sel.object);
        if (!o.ok()) return o.error();
        if (!IsSystemActor(actor) && !policy_.CanAccessObject(actor, **o, ObjectAction::Delete)) {
            return MakeError("records.no_access",
                             "You do not have permission to delete " + (*o)->plural_label + ".", "object");
        }
        Statement st = db.Prepare(std::string("SELECT ") + kEntryColumns +
                                  " FROM recycle_bin WHERE object = ?1 ORDER BY id");
        st.Bind(1, (*o)->api_name);
        while (st.Step()) {
            RecycleEntry e = ReadEntry(st);
            if (MayRestore(actor, e, **o)) out.push_back(std::move(e));
        }
        if (!st.status().ok()) return st.status().error();
    }
    for (int64_t id : sel.ids) {
        Statement st = db.Prepare(std::string("SELECT ") + kEntryColumns + " FROM recycle_bin WHERE id = ?1");
        st.Bind(1, id);
        if (!st.Step()) {
            if (!st.status().ok()) return st.status().error();
            return MessageError("data.recycle_unknown", "data.recycle_unknown", {{"id", std::to_string(id)}},
                                "ids");
        }
        RecycleEntry e = ReadEntry(st);
        Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(e.object);
        if (!o.ok() || (*o)->deleted) {
            return MessageError("data.recycle_object_gone", "data.recycle_object_gone",
                                {{"object", e.object}, {"record", std::to_string(e.record_id)}}, "ids");
        }
        if (!MayRestore(actor, e, **o)) {
            return MessageError("records.no_record_access", "data.recycle_denied",
                                {{"object", (*o)->label}, {"record", std::to_string(e.record_id)}}, "ids");
        }
        if (std::none_of(out.begin(), out.end(), [&](const RecycleEntry& x) { return x.id == e.id; }))
            out.push_back(std::move(e));
    }
    return out;
}

Result<std::vector<RecycleEntry>> RecycleBin::Entries(const std::string& actor,
                                                      const std::vector<int64_t>& ids) {
    return Select(actor, RecycleSelection{ids, ""});
}

Result<RecycleOutcome> RecycleBin::Restore(const std::string& actor, const RecycleSelection& selection) {
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    Result<std::vector<RecycleEntry>> entries = Select(actor, selection);
    if (!entries.ok()) return entries.error();
    if (expand_) CRM_TRY(expand_(actor, *entries));
    Database& db = changes_.db();
    RecycleOutcome outcome;
    // Oldest first: a record deleted before another (say an Account before its Contact) comes back first.
    std::sort(entries->begin(), entries->end(),
              [](const RecycleEntry& a, const RecycleEntry& b) { return a.id < b.id; });
    for (const RecycleEntry& e : *entries) {
        std::shared_ptr<const ObjectDef> o = *schema_.Object(e.object);
        Statement load = db.Prepare("SELECT row_json, lookups_json FROM recycle_bin WHERE id = ?1");
        load.Bind(1, e.id);
        if (!load.Step())
            return load.status().ok() ? MakeError("internal", "entry vanished") : load.status().error();
        nlohmann::json row = nlohmann::json::parse(load.Text(0), nullptr, false);
        nlohmann::json lookups = nlohmann::json::parse(load.Text(1), nullptr, false);
        if (!row.is_object() || !lookups.is_array())
            return MakeError("data.recycle_damaged",
                             "The recycle bin entry " + std::to_string(e.id) + " is damaged.");
        Statement taken = db.Prepare("SELECT 1 FROM " + QuoteIdent(o->table) + " WHERE id = ?1");
        taken.Bind(1, e.record_id);
        if (taken.Step()) {
            return MessageError("data.recycle_id_taken", "data.recycle_id_taken",
                                {{"object", o->label}, {"record", std::to_string(e.record_id)}}, "ids");
        }
        // Its own lookups to records that are gone come back blank; the bin entry of such a record notes
        // the lookup, so restoring that record later puts it back.
        for (const FieldDef& f : o->fields) {
            if (f.type != FieldType::Lookup || f.column.empty() || !row.contains(f.column) ||
                !row[f.column].is_number_integer())
                continue;
            const int64_t target = row[f.column].get<int64_t>();
            Result<std::shared_ptr<const ObjectDef>> to = schema_.Object(f.lookup_object);
            bool exists = false;
            if (to.ok() && !(*to)->deleted) {
                Statement st = db.Prepare("SELECT 1 FROM " + QuoteIdent((*to)->table) + " WHERE id = ?1");
                st.Bind(1, target);
                exists = st.Step() || target == e.record_id;
            }
            if (exists) continue;
            row[f.column] = nullptr;
            if (!to.ok()) continue;
            Statement other = db.Prepare(
                "SELECT id, lookups_json FROM recycle_bin WHERE object = ?1 AND record_id = ?2 "
                "ORDER BY id DESC LIMIT 1");
            other.Bind(1, (*to)->api_name).Bind(2, target);
            if (!other.Step()) continue;
            nlohmann::json theirs = nlohmann::json::parse(other.Text(1), nullptr, false);
            if (!theirs.is_array()) theirs = nlohmann::json::array();
            theirs.push_back({{"object", o->api_name}, {"column", f.column}, {"ids", {e.record_id}}});
            Statement upd =
                db.Prepare("UPDATE recycle_bin SET lookups_json = ?1, related = related + 1 WHERE id = ?2");
            upd.Bind(1, theirs.dump()).Bind(2, other.Int(0));
            CRM_TRY(upd.Run());
        }
        // The row, in the columns its table has today (a field added since comes back blank).
        std::vector<std::string> columns;
        for (const std::string& c : TableColumns(db, o->table))
            if (row.contains(c)) columns.push_back(c);
        std::string sql = "INSERT INTO " + QuoteIdent(o->table) + " (";
        std::string values;
        for (size_t i = 0; i < columns.size(); ++i) {
            sql += (i ? ", " : "") + QuoteIdent(columns[i]);
            values += (i ? ", ?" : "?") + std::to_string(i + 1);
        }
        Statement ins = db.Prepare(sql + ") VALUES (" + values + ")");
        for (size_t i = 0; i < columns.size(); ++i) BindJson(ins, static_cast<int>(i + 1), row[columns[i]]);
        CRM_TRY(ins.Run());
        change.Record("records", o->api_name, ChangeAction::Create, e.record_id);
        // The lookups that pointed at it, where the record is still there and its lookup still blank.
        for (const nlohmann::json& l : lookups) {
            Result<std::shared_ptr<const ObjectDef>> other = schema_.Object(l.value("object", ""));
            if (!other.ok() || (*other)->deleted) continue;
            const std::string column = l.value("column", "");
            const FieldDef* field = nullptr;
            for (const FieldDef& f : (*other)->fields)
                if (f.column == column && f.type == FieldType::Lookup) field = &f;
            if (!field) continue;
            Statement upd =
                db.Prepare("UPDATE " + QuoteIdent((*other)->table) + " SET " + QuoteIdent(column) +
                           " = ?1 WHERE id = ?2 AND " + QuoteIdent(column) + " IS NULL");
            for (const nlohmann::json& id : l.value("ids", nlohmann::json::array())) {
                if (!id.is_number_integer()) continue;
                upd.Reset();
                upd.Bind(1, e.record_id).Bind(2, id.get<int64_t>());
                CRM_TRY(upd.Run());
                if (db.Changes() > 0) {
                    ++outcome.lookups_restored;
                    change.Record("records", (*other)->api_name, ChangeAction::Update, id.get<int64_t>(),
                                  {field->api_name});
                }
            }
        }
        Statement del = db.Prepare("DELETE FROM recycle_bin WHERE id = ?1");
        del.Bind(1, e.id);
        CRM_TRY(del.Run());
        outcome.entries.push_back(e);
    }
    if (after_) CRM_TRY(after_(change, actor, outcome.entries));
    if (Status s = change.Commit(); !s.ok()) return s.error();
    return outcome;
}

Result<RecycleOutcome> RecycleBin::Purge(const std::string& actor, const RecycleSelection& selection) {
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    Result<std::vector<RecycleEntry>> entries = Select(actor, selection);
    if (!entries.ok()) return entries.error();
    Statement del = changes_.db().Prepare("DELETE FROM recycle_bin WHERE id = ?1");
    for (const RecycleEntry& e : *entries) {
        del.Reset();
        del.Bind(1, e.id);
        CRM_TRY(del.Run());
    }
    if (Status s = change.Commit(); !s.ok()) return s.error();
    return RecycleOutcome{*entries, 0};
}

Result<int> RecycleBin::PurgeExpired(const std::string& actor, int64_t now_ms) {
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    Statement del = changes_.db().Prepare("DELETE FROM recycle_bin WHERE deleted_at_ms < ?1");
    del.Bind(1, now_ms - PurgeDays() * kDayMs);
    CRM_TRY(del.Run());
    const int purged = changes_.db().Changes();
    if (Status s = change.Commit(); !s.ok()) return s.error();
    return purged;
}

int RecycleBin::PurgeDays() {
    Statement st = changes_.db().Prepare("SELECT value FROM data_settings WHERE key = 'recycle_purge_days'");
    if (!st.Step()) return kDefaultPurgeDays;
    const int days = std::atoi(st.Text(0).c_str());
    return days > 0 ? days : kDefaultPurgeDays;
}

Status RecycleBin::SetPurgeDays(const std::string& actor, int days) {
    if (authorize_) CRM_TRY(authorize_(actor, SystemPermission::BackupAndRestore));
    if (days < 1 || days > 3650)
        return MessageError("data.invalid", "data.recycle_days", {{"days", std::to_string(days)}},
                            "purge_days");
    const int old = PurgeDays();
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    Statement st = changes_.db().Prepare(
        "INSERT INTO data_settings(key, value) VALUES ('recycle_purge_days', ?1) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    st.Bind(1, std::to_string(days));
    CRM_TRY(st.Run());
    CRM_TRY(change.Audit("data", "update", "data.recycle_purge_days", old, days));
    change.Record("data", "", ChangeAction::Config, 0, {"recycle_purge_days"});
    return change.Commit();
}

}  // namespace crm
