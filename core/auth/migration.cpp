#include "auth/auth.h"

namespace crm {

std::string AuthMigrationSql() {
    return R"sql(
CREATE TABLE auth_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    require_sign_in INTEGER NOT NULL DEFAULT 0,
    min_length INTEGER NOT NULL DEFAULT 8,
    min_classes INTEGER NOT NULL DEFAULT 2,
    expiry_days INTEGER NOT NULL DEFAULT 0,
    history_count INTEGER NOT NULL DEFAULT 3,
    block_common INTEGER NOT NULL DEFAULT 1,
    lockout_attempts INTEGER NOT NULL DEFAULT 5,
    lockout_minutes INTEGER NOT NULL DEFAULT 15,
    idle_minutes INTEGER NOT NULL DEFAULT 30
);
INSERT INTO auth_settings(id) VALUES (1);
CREATE TABLE auth_password (
    user_id INTEGER PRIMARY KEY REFERENCES access_user(id) ON DELETE CASCADE,
    hash TEXT NOT NULL,
    set_ms INTEGER NOT NULL,
    temporary INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE auth_password_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES access_user(id) ON DELETE CASCADE,
    hash TEXT NOT NULL,
    set_ms INTEGER NOT NULL
);
CREATE INDEX auth_password_history_user ON auth_password_history(user_id, id);
CREATE TABLE auth_failure (
    username TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_ms INTEGER NOT NULL,
    locked_until_ms INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE auth_session (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_digest TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES access_user(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    started_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    ended_ms INTEGER
);
CREATE INDEX auth_session_user ON auth_session(user_id, ended_ms);
CREATE TABLE auth_login_hours (
    profile_id INTEGER PRIMARY KEY REFERENCES access_permission_set(id) ON DELETE CASCADE,
    weekdays INTEGER NOT NULL,
    start_minute INTEGER NOT NULL,
    end_minute INTEGER NOT NULL
);
CREATE TABLE auth_login_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms INTEGER NOT NULL,
    username TEXT NOT NULL,
    result TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX auth_login_history_at ON auth_login_history(at_ms);
)sql";
}

std::string AuthLogInAsMigrationSql() {
    // Who held "View as" before it was a permission: the administrators (Manage Users was what it took).
    return R"sql(
INSERT OR IGNORE INTO access_system_perm(set_id, permission)
    SELECT set_id, 'log_in_as' FROM access_system_perm WHERE permission = 'manage_users';
INSERT OR IGNORE INTO access_system_perm(set_id, permission) VALUES (1, 'log_in_as');
)sql";
}

}  // namespace crm
