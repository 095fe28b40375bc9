// The SQL of the access migrations: the directory, grants, sharing, kept tables, and the built-in
// administrator.
#include "access/internal.h"

namespace crm {

using namespace access_detail;

std::string AccessMigrationSql() {
    std::string sql = R"sql(
CREATE TABLE access_role (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    parent_id INTEGER REFERENCES access_role(id)
);
CREATE TABLE access_permission_set (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('profile', 'permset')),
    name TEXT NOT NULL COLLATE NOCASE,
    description TEXT NOT NULL DEFAULT '',
    all_objects INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, name)
);
CREATE TABLE access_user (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    full_name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    manager_id INTEGER REFERENCES access_user(id),
    role_id INTEGER REFERENCES access_role(id),
    profile_id INTEGER NOT NULL REFERENCES access_permission_set(id),
    language TEXT NOT NULL DEFAULT 'en',
    time_zone TEXT NOT NULL DEFAULT 'Asia/Shanghai'
);
CREATE INDEX access_user_role ON access_user(role_id);
CREATE TABLE access_team (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE access_team_member (team_id INTEGER NOT NULL, user_id INTEGER NOT NULL, PRIMARY KEY (team_id, user_id)) WITHOUT ROWID;
CREATE TABLE access_user_permset (user_id INTEGER NOT NULL, set_id INTEGER NOT NULL, PRIMARY KEY (user_id, set_id)) WITHOUT ROWID;
CREATE TABLE access_team_permset (team_id INTEGER NOT NULL, set_id INTEGER NOT NULL, PRIMARY KEY (team_id, set_id)) WITHOUT ROWID;
CREATE TABLE access_object_perm (set_id INTEGER NOT NULL, object TEXT NOT NULL COLLATE NOCASE, bits INTEGER NOT NULL, PRIMARY KEY (set_id, object)) WITHOUT ROWID;
CREATE TABLE access_field_perm (set_id INTEGER NOT NULL, object TEXT NOT NULL COLLATE NOCASE, field TEXT NOT NULL COLLATE NOCASE, bits INTEGER NOT NULL, PRIMARY KEY (set_id, object, field)) WITHOUT ROWID;
CREATE TABLE access_system_perm (set_id INTEGER NOT NULL, permission TEXT NOT NULL, PRIMARY KEY (set_id, permission)) WITHOUT ROWID;
CREATE TABLE access_object_sharing (
    object TEXT PRIMARY KEY COLLATE NOCASE,
    owd TEXT NOT NULL,
    hierarchies INTEGER NOT NULL DEFAULT 1,
    team_access INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE access_sharing_rule (
    id INTEGER PRIMARY KEY,
    object TEXT NOT NULL COLLATE NOCASE,
    name TEXT NOT NULL COLLATE NOCASE,
    owned_kind TEXT,
    owned_id INTEGER,
    criteria TEXT,
    share_kind TEXT NOT NULL,
    share_id INTEGER NOT NULL,
    level INTEGER NOT NULL,
    UNIQUE (object, name)
);
CREATE TABLE access_role_closure (ancestor INTEGER NOT NULL, descendant INTEGER NOT NULL, depth INTEGER NOT NULL, PRIMARY KEY (ancestor, descendant)) WITHOUT ROWID;
CREATE INDEX access_role_closure_descendant ON access_role_closure(descendant);
CREATE TABLE access_group_member (group_id INTEGER NOT NULL, user_id INTEGER NOT NULL, PRIMARY KEY (group_id, user_id)) WITHOUT ROWID;
CREATE TABLE access_user_object_perm (user_id INTEGER NOT NULL, object TEXT NOT NULL, bits INTEGER NOT NULL, PRIMARY KEY (user_id, object)) WITHOUT ROWID;
CREATE TABLE access_user_system_perm (user_id INTEGER NOT NULL, permission TEXT NOT NULL, PRIMARY KEY (user_id, permission)) WITHOUT ROWID;
INSERT INTO access_permission_set(id, kind, name, description, all_objects)
    VALUES (1, 'profile', 'System Administrator', 'Every object, field and system permission.', 1);
INSERT INTO access_user(id, username, full_name, email, profile_id) VALUES (1, 'admin', 'Administrator', 'admin@example.com', 1);
INSERT INTO access_user_object_perm(user_id, object, bits)
    SELECT 1, api_name, 63 FROM schema_objects;
)sql";
    // The permissions of migration 3's time (its output never changes): later ones come with their own
    // migration (Export Reports: migration 15).
    for (int i = 0; i < 10; ++i) {
        sql += std::string("INSERT INTO access_system_perm(set_id, permission) VALUES (1, '") +
               kSystemNames[i] + "');\n";
        sql += std::string("INSERT INTO access_user_system_perm(user_id, permission) VALUES (1, '") +
               kSystemNames[i] + "');\n";
    }
    return sql;
}

std::string AccessKeptTablesMigrationSql() {
    return "DROP TABLE access_user_object_perm;\nDROP TABLE access_user_system_perm;\n";
}

}  // namespace crm
