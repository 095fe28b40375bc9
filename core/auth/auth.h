// Sign-in and security settings (issue 16): password hashes, the password policy, lockout, sessions,
// login hours per profile, login history, the "require sign-in" switch.
//
// Decisions taken where the issue is silent:
// - A password belongs to a user id (a rename keeps it); failed attempts and lockouts belong to the
//   username as typed, lowercased, whether or not such a user exists, so an unknown username fails,
//   counts and locks exactly like a wrong password, with the same answer ("auth.invalid_credentials")
//   and, through a verification against DummyHash(), about the same time.
// - A user without a password, an inactive user and an unknown user answer the same as a wrong password
//   (history: "unknown_user", "inactive", "no_password", "wrong_password"; only administrators see it).
// - A temporary or expired password signs in only together with a new one (SignInRequest::new_password);
//   without it the answer is "auth.password_change_required" (history: "expired").
// - Login hours are in the company's time zone; a profile without hours may sign in at any time.
// - A clock moved backwards: a session's idle time never goes negative (it is re-anchored at the new
//   "now", so it neither ends nor lives longer than the idle timeout from then); a lockout never lasts
//   longer than the policy's minutes from "now"; a password set "in the future" is not expired.
// - No lock-out (SEMANTICS.md): require sign-in cannot be turned on, and login hours cannot be set, when
//   that would leave no active user holding Manage Users who can sign in (a password set, a profile
//   with some login hours); "auth.lockout".
// - Hashes never leave this service: no answer, audit entry, log, export or configuration document
//   carries them (the audit trail says "password reset", not what to).
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "access/policy.h"
#include "common/result.h"

namespace crm {

class AccessService;
class Changes;
class CompanyService;
class Workspace;

/// The workspace's security settings.
struct SecurityPolicy {
    bool require_sign_in = false;  ///< new and demo workspaces start with it off
    int min_length = 8;            ///< code points, 1..256
    int min_classes = 2;           ///< of lowercase, uppercase, digit, other: 0..4
    int expiry_days = 0;           ///< 0 = never, else 1..3650
    int history_count = 3;         ///< no reuse of the last N passwords, 0..24
    bool block_common = true;      ///< refuse passwords on the common-passwords list
    int lockout_attempts = 5;      ///< failures before a lockout, 0 = never, else 1..100
    int lockout_minutes = 15;      ///< 1..1440
    int idle_minutes = 30;         ///< sign out (lock the console) after N minutes without input, 0 = never
};
nlohmann::json ToJson(const SecurityPolicy& policy);
/// Reads the keys present over `base`; unknown keys and out-of-range values are Errors naming them.
Result<SecurityPolicy> SecurityPolicyFromJson(const nlohmann::json& json, SecurityPolicy base);

/// When a profile's users may sign in: weekdays (bit 0 = Monday .. bit 6 = Sunday), local minutes.
struct LoginHours {
    std::string profile;
    int weekdays = 0x1F;
    int start_minute = 8 * 60;  ///< 0..1439
    int end_minute = 18 * 60;   ///< 1..1440, after start
};
nlohmann::json ToJson(const LoginHours& hours);

/// One sign-in attempt.
struct LoginEvent {
    int64_t id = 0;
    int64_t at_ms = 0;
    std::string username;  ///< as typed (an unknown one too)
    std::string result;    ///< success, wrong_password, unknown_user, inactive, no_password, locked,
                           ///< outside_hours, expired
    std::string source;    ///< browser, desktop, api_key, cli
};
nlohmann::json ToJson(const LoginEvent& event);

struct LoginFilter {
    std::string username;  ///< "" = everyone
    std::string result;    ///< "" = every result
    int64_t since_ms = 0;
    int64_t until_ms = 0;  ///< 0 = now
    int limit = 200;
};

/// A signed-in session (the token itself is answered once, by SignIn, and stored only as a digest).
struct Session {
    int64_t id = 0;
    std::string username;
    std::string source;
    int64_t started_ms = 0;
    int64_t last_seen_ms = 0;
};
nlohmann::json ToJson(const Session& session);

struct SignInRequest {
    std::string username;
    std::string password;
    std::string new_password;  ///< for a temporary or expired password
    std::string source = "browser";
};
struct SignInResult {
    std::string username;  ///< as stored
    std::string token;     ///< the session token: present it to Resume / Touch / SignOut
    int idle_minutes = 0;
};

/// A user's password state, without the hash.
struct PasswordState {
    bool has_password = false;
    bool temporary = false;
    int64_t set_ms = 0;
    bool expired = false;
    bool locked = false;
    int64_t locked_until_ms = 0;
    int failures = 0;
};
nlohmann::json ToJson(const PasswordState& state);

class AuthService {
public:
    AuthService(Changes& changes, AccessService& access, CompanyService& company);
    ~AuthService();
    void SetAuthorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }
    /// The Argon2id cost of new hashes (0 = the defaults of password.h); tests lower it.
    void SetHashCost(unsigned long long ops, size_t mem);

    SecurityPolicy Policy() const;
    /// Manage Users. Refused ("auth.lockout") when turning require sign-in on would lock every
    /// administrator out.
    Status SetPolicy(const std::string& actor, const SecurityPolicy& policy);
    std::vector<LoginHours> AllLoginHours() const;
    /// Manage Users. `hours` with weekdays == 0 and start == end... see LoginHours; clear = no hours.
    Status SetLoginHours(const std::string& actor, const LoginHours& hours);
    Status ClearLoginHours(const std::string& actor, std::string_view profile);

    /// Checks the password against the policy (length, classes, common list, the user's last N).
    Status CheckPassword(std::string_view username, std::string_view password) const;
    /// The actor changes its own password (the current one required).
    Status ChangePassword(const std::string& actor, std::string_view current, std::string_view next);
    /// Manage Users: sets `username`'s password, temporary (to change at the next sign-in) or not.
    /// A new password also ends the user's sessions and clears a lockout.
    Status ResetPassword(const std::string& actor, std::string_view username, std::string_view password,
                         bool temporary);
    /// Manage Users: clears the lockout and failure count of `username`.
    Status Unlock(const std::string& actor, std::string_view username);
    /// "View as": `actor` (holding Log In As) starts acting in the console as `username`, an active user;
    /// `username` equal to `actor` (or empty) ends it. Both are audited; nothing else changes (what the
    /// console may then read is `username`'s access, never more).
    Status ViewAs(const std::string& actor, std::string_view username);
    Result<PasswordState> StateOf(std::string_view username) const;
    /// Usernames currently locked out.
    std::vector<std::string> LockedUsers() const;

    /// Signs in; every attempt is in the login history. Errors: "auth.invalid_credentials",
    /// "auth.locked", "auth.outside_hours", "auth.password_change_required", policy errors for a new
    /// password.
    Result<SignInResult> SignIn(const SignInRequest& request);
    /// The session's user when it is open and not idle too long, and records the activity; else
    /// "auth.session_ended".
    Result<std::string> Touch(std::string_view token);
    Status SignOut(std::string_view token);
    /// Manage Users (or the actor itself): ends every session of `username`; answers how many.
    Result<int> EndSessions(const std::string& actor, std::string_view username);
    std::vector<Session> Sessions(std::string_view username = {}) const;
    std::vector<LoginEvent> History(const LoginFilter& filter) const;
    /// The history as CSV (time, user, result, source), for export.
    static std::string HistoryCsv(const std::vector<LoginEvent>& events);

    /// Whether `username` could ever sign in now (active, a password, login hours not empty).
    bool CanSignIn(std::string_view username) const;

private:
    Status Require(const std::string& actor) const;
    Status CheckNoLockout(const SecurityPolicy& policy, const std::vector<LoginHours>& hours) const;
    void Record(const std::string& username, const std::string& result, const std::string& source);
    Status StorePassword(const std::string& actor, int64_t user_id, const std::string& hash, bool temporary);
    int64_t Now() const;
    Result<std::string> Hash(std::string_view password) const;
    const std::string& Dummy() const;
    Changes& changes_;
    AccessService& access_;
    unsigned long long hash_ops_;
    size_t hash_mem_;
    mutable std::string dummy_;
    CompanyService& company_;
    Authorizer authorizer_;
};

/// The workspace's AuthService, made on first use and owned by the workspace (kept in a commit listener,
/// so it attaches without a member in workspace.h and goes when the workspace goes); behind Manage Users
/// through the access service.
AuthService& AuthOf(Workspace& workspace);

/// The Argon2id cost of the hashes of every AuthService made from now on (0 = the defaults of
/// auth/password.h); tests lower it to the minimum (1, 8192), which keeps their workspaces quick.
void SetDefaultPasswordHashCost(unsigned long long ops, size_t mem);

/// Migration 16: the security settings, passwords, their history, failures, sessions, login hours and
/// login history.
std::string AuthMigrationSql();
/// Migration 17: the Log In As permission, granted where Manage Users was.
std::string AuthLogInAsMigrationSql();

}  // namespace crm
