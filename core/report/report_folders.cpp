// Report folders: their JSON form, their tables (migration 15, with the dashboards' table and the Export
// Reports permission), who holds which right on a folder, and create / change / delete.
//
// Rights on the reports and dashboards of a folder, the most generous that applies:
//   the folder's owner, a holder of Manage Reports                edit
//   a share naming the user, their role, a role above theirs
//   (role_and_subordinates) or one of their teams                 view or edit, as the share says
//   nobody else                                                    none (the folder is not listed)
// A report still needs Read on its object to be seen, and runs with the viewer's own access.
#include <algorithm>

#include "audit/change.h"
#include "common/text.h"
#include "report/report.h"
#include "storage/database.h"

namespace crm {

using nlohmann::json;

namespace {

const char* const kShareKinds[] = {"user", "role", "role_and_subordinates", "team"};

std::string Trimmed(const std::string& text) {
    const size_t b = text.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    return text.substr(b, text.find_last_not_of(" \t\r\n") - b + 1);
}

Error Invalid(const std::string& key, const std::string& message) {
    return MakeError("report.invalid", message, key);
}

}  // namespace

std::string ReportFoldersMigrationSql() {
    return R"sql(
CREATE TABLE report_folder (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    owner TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE TABLE report_folder_share (
    folder_id INTEGER NOT NULL REFERENCES report_folder(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL COLLATE NOCASE,
    edit INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (folder_id, kind, name)
) WITHOUT ROWID;
CREATE TABLE dashboard (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    folder TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL,
    spec TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    UNIQUE (owner, name)
);
CREATE INDEX report_definition_folder ON report_definition(folder);
INSERT OR IGNORE INTO access_system_perm(set_id, permission)
    SELECT set_id, 'export_reports' FROM access_system_perm WHERE permission = 'export_data';
INSERT OR IGNORE INTO access_system_perm(set_id, permission) VALUES (1, 'export_reports');
)sql";
}

json ToJson(const ReportFolder& f) {
    json shares = json::array();
    for (const ReportFolderShare& s : f.shares)
        shares.push_back({{"kind", s.kind}, {"name", s.name}, {"access", s.edit ? "edit" : "view"}});
    return {{"id", f.id}, {"name", f.name}, {"owner", f.owner}, {"shares", shares}};
}

Result<ReportFolder> ReportFolderFromJson(const json& j, ReportFolder f) {
    if (!j.is_object()) return Invalid("folder", "A folder is a JSON object.");
    if (j.contains("name")) {
        if (!j["name"].is_string()) return Invalid("name", "name is text.");
        f.name = j["name"].get<std::string>();
    }
    if (j.contains("shares")) {
        if (!j["shares"].is_array()) return Invalid("shares", "shares is a list of {kind, name, access}.");
        f.shares.clear();
        for (const json& s : j["shares"]) {
            if (!s.is_object() || !s.contains("kind") || !s.contains("name") || !s["kind"].is_string() ||
                !s["name"].is_string())
                return Invalid("shares", "Each share is {kind, name, access}.");
            ReportFolderShare share{ToLowerAscii(s["kind"].get<std::string>()), s["name"].get<std::string>(),
                                    false};
            if (std::find(std::begin(kShareKinds), std::end(kShareKinds), share.kind) ==
                std::end(kShareKinds))
                return Invalid("shares", "Unknown share kind \"" + share.kind +
                                             "\"; use user, role, role_and_subordinates or team.");
            const std::string access = ToLowerAscii(s.value("access", std::string("view")));
            if (access != "view" && access != "edit")
                return Invalid("shares", "A share gives \"view\" or \"edit\".");
            share.edit = access == "edit";
            f.shares.push_back(std::move(share));
        }
    }
    return f;
}

int ReportService::FolderRight(const std::string& actor, const std::string& name) const {
    Statement st = db_.Prepare("SELECT id, owner FROM report_folder WHERE name = ?1");
    st.Bind(1, name);
    if (!st.Step()) return -1;
    const int64_t id = st.Int(0);
    if (IsSystemActor(actor) || ToLowerAscii(st.Text(1)) == ToLowerAscii(actor)) return 2;
    if (Authorize(actor, SystemPermission::ManageReports).ok()) return 2;
    const ReportMembership m = membership_ ? membership_(actor) : ReportMembership{};
    const auto same = [](const std::string& a, const std::string& b) {
        return ToLowerAscii(a) == ToLowerAscii(b);
    };
    int right = 0;
    Statement shares = db_.Prepare("SELECT kind, name, edit FROM report_folder_share WHERE folder_id = ?1");
    shares.Bind(1, id);
    while (shares.Step()) {
        const std::string kind = shares.Text(0), who = shares.Text(1);
        bool applies = false;
        if (kind == "user") applies = same(who, actor);
        if (kind == "role" || kind == "role_and_subordinates") applies = !m.role.empty() && same(who, m.role);
        if (kind == "role_and_subordinates")
            for (const std::string& r : m.role_ancestors) applies = applies || same(who, r);
        if (kind == "team")
            for (const std::string& t : m.teams) applies = applies || same(who, t);
        if (applies) right = std::max(right, shares.Int(2) ? 2 : 1);
    }
    return right;
}

Result<std::vector<ReportFolder>> ReportService::ListFolders(const std::string& actor) {
    std::vector<ReportFolder> out;
    Statement st =
        db_.Prepare("SELECT id, name, owner, created_ms, updated_ms FROM report_folder ORDER BY name");
    while (st.Step()) {
        ReportFolder f;
        f.id = st.Int(0);
        f.name = st.Text(1);
        f.owner = st.Text(2);
        f.created_ms = st.Int(3);
        f.updated_ms = st.Int(4);
        out.push_back(std::move(f));
    }
    if (!st.status().ok()) return st.status().error();
    std::vector<ReportFolder> seen;
    for (ReportFolder& f : out) {
        if (FolderRight(actor, f.name) <= 0) continue;
        Statement sh = db_.Prepare(
            "SELECT kind, name, edit FROM report_folder_share WHERE folder_id = ?1 ORDER BY kind, name");
        sh.Bind(1, f.id);
        while (sh.Step()) f.shares.push_back({sh.Text(0), sh.Text(1), sh.Int(2) != 0});
        seen.push_back(std::move(f));
    }
    return seen;
}

Result<ReportFolder> ReportService::SaveFolder(const std::string& actor, const ReportFolder& in) {
    if (Status s = Authorize(actor, SystemPermission::ManageReports); !s.ok()) return s.error();
    ReportFolder f = in;
    f.name = Trimmed(f.name);
    if (f.name.empty()) return Invalid("name", "A folder needs a name.");
    if (f.name.size() > 120) return Invalid("name", "A folder name has at most 120 characters.");
    std::string old_name;
    ReportFolder old;
    if (f.id > 0) {
        Statement st = db_.Prepare("SELECT name, owner, created_ms FROM report_folder WHERE id = ?1");
        st.Bind(1, f.id);
        if (!st.Step())
            return MakeError("report.folder_not_found", "There is no folder " + std::to_string(f.id) + ".",
                             "id");
        old_name = st.Text(0);
        f.owner = st.Text(1);
        f.created_ms = st.Int(2);
        old.id = f.id;
        old.name = old_name;
        old.owner = f.owner;
    } else {
        f.owner = IsSystemActor(actor) ? "admin" : actor;
    }
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    const int64_t now = change.now_ms();
    if (f.id <= 0) f.created_ms = now;
    f.updated_ms = now;
    Statement st = db_.Prepare(f.id > 0 ? "UPDATE report_folder SET name = ?1, updated_ms = ?2 WHERE id = ?3"
                                        : "INSERT INTO report_folder(name, updated_ms, owner, created_ms) "
                                          "VALUES (?1, ?2, ?3, ?4)");
    st.Bind(1, f.name).Bind(2, now);
    if (f.id > 0)
        st.Bind(3, f.id);
    else
        st.Bind(3, f.owner).Bind(4, f.created_ms);
    if (Status s = st.Run(); !s.ok()) {
        if (s.error().message.find("UNIQUE") != std::string::npos)
            return MakeError("report.duplicate_folder", "There is already a folder named \"" + f.name + "\".",
                             "name");
        return s.error();
    }
    if (f.id <= 0) f.id = db_.LastInsertRowId();
    Statement del = db_.Prepare("DELETE FROM report_folder_share WHERE folder_id = ?1");
    del.Bind(1, f.id);
    if (Status s = del.Run(); !s.ok()) return s.error();
    Statement ins = db_.Prepare(
        "INSERT OR REPLACE INTO report_folder_share(folder_id, kind, name, edit) VALUES (?1, ?2, ?3, ?4)");
    for (const ReportFolderShare& s : f.shares) {
        ins.Reset();
        ins.Bind(1, f.id).Bind(2, s.kind).Bind(3, s.name).Bind(4, int64_t{s.edit});
        if (Status r = ins.Run(); !r.ok()) return r.error();
    }
    // A rename carries the folder's reports and dashboards along.
    if (!old_name.empty() && old_name != f.name) {
        for (const char* sql : {"UPDATE report_definition SET folder = ?1 WHERE folder = ?2",
                                "UPDATE dashboard SET folder = ?1 WHERE folder = ?2"}) {
            Statement mv = db_.Prepare(sql);
            mv.Bind(1, f.name).Bind(2, old_name);
            if (Status s = mv.Run(); !s.ok()) return s.error();
        }
    }
    if (Status s =
            change.Audit("reports", old.id ? "update_folder" : "create_folder",
                         "report_folder." + std::to_string(f.id), old.id ? ToJson(old) : json(), ToJson(f));
        !s.ok())
        return s.error();
    change.Record("reports", "", ChangeAction::Config, f.id);
    if (Status s = change.Commit(); !s.ok()) return s.error();
    return f;
}

Status ReportService::DeleteFolder(const std::string& actor, int64_t id) {
    if (Status s = Authorize(actor, SystemPermission::ManageReports); !s.ok()) return s;
    Statement st = db_.Prepare("SELECT name, owner FROM report_folder WHERE id = ?1");
    st.Bind(1, id);
    if (!st.Step())
        return MakeError("report.folder_not_found", "There is no folder " + std::to_string(id) + ".", "id");
    ReportFolder old;
    old.id = id;
    old.name = st.Text(0);
    old.owner = st.Text(1);
    Statement used = db_.Prepare(
        "SELECT (SELECT COUNT(*) FROM report_definition WHERE folder = ?1) + "
        "(SELECT COUNT(*) FROM dashboard WHERE folder = ?1)");
    used.Bind(1, old.name);
    if (used.Step() && used.Int(0) > 0)
        return MakeError("report.folder_not_empty",
                         "The folder \"" + old.name + "\" still holds " + std::to_string(used.Int(0)) +
                             " reports or dashboards; move or delete them first.",
                         "id");
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    for (const char* sql : {"DELETE FROM report_folder_share WHERE folder_id = ?1",
                            "DELETE FROM report_folder WHERE id = ?1"}) {
        Statement d = db_.Prepare(sql);
        d.Bind(1, id);
        if (Status s = d.Run(); !s.ok()) return s;
    }
    if (Status s = change.Audit("reports", "delete_folder", "report_folder." + std::to_string(id),
                                ToJson(old), nullptr);
        !s.ok())
        return s;
    change.Record("reports", "", ChangeAction::Config, id);
    return change.Commit();
}

}  // namespace crm
