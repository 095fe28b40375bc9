// API keys of the local API server (issue 14): who a request comes from, what it may reach, how often,
// and the log of what it asked.
//
// [SECTION] Keys        ApiKey, NewApiKey, CreatedApiKey: a key's stored facts (never the secret)
// [SECTION] Requests    ApiKeyIdentity, ApiRequest: a presented key resolved, one logged request
// [SECTION] Service     ApiKeyService, ApiKeysOf(workspace)
//
// Decisions taken where the issue is silent:
// - A key reads "crm_<id>_<secret>": <id> is 12 random hex digits stored in the clear (the key's public
//   name, shown in lists and logs, the row it is looked up by), <secret> 64 random hex digits (32 bytes
//   of libsodium's randombytes). Only BLAKE2b-256 of the whole key is stored, and the presented key's
//   digest is compared with it in constant time (sodium_memcmp). A fast hash is right here and a slow
//   one (Argon2id, as for passwords) is not: the secret has 256 bits of entropy, so there is nothing to
//   guess that a slow hash would protect, and every request would pay tens of milliseconds for it.
// - The secret is answered once, by Create; nothing stores, logs or audits it (the audit entry names the
//   key's id, user, areas, expiry and limits).
// - A key belongs to a user (by id: a rename keeps it) and runs as that user, so it never reaches more
//   than the user may; it is refused when revoked (at once: every request reads the key's row), expired,
//   or its user is inactive. The key's areas narrow it further: a command runs only when its name starts
//   with one of them ("records" allows "records.get", "records.list"...); no areas = every command.
// - Sign-in (issue 16) does not apply to keys: with "require sign-in" on, a key keeps working as its user.
// - Rate limit: a token bucket per key, `rate_per_minute` tokens a minute up to `burst` (600 and 60 by
//   default, each 1..1,000,000), kept in memory by the service (a restarted server starts full).
// - Request log: key, user, command, HTTP status, error code, time, elapsed µs. Entries are buffered and
//   written in one transaction when 256 wait or the oldest waited a second (Flush; the server also
//   flushes every second and when it stops), so a request does not pay an fsync for its log line; entries
//   older than 30 days are pruned.
// - Managing keys and reading the log need Manage Integrations; a key for another user needs Manage Users
//   too, since acting as someone through a key is as much as setting their password.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "access/policy.h"
#include "common/result.h"

namespace crm {

class AccessService;
class Changes;
class StatementCache;
class Workspace;

// [SECTION] Keys

constexpr int kDefaultApiRatePerMinute = 600;
constexpr int kDefaultApiBurst = 60;

/// A key as stored: everything but the secret (which is never stored) and its digest (never answered).
struct ApiKey {
    int64_t id = 0;
    std::string key_id;              ///< the public part of the key ("crm_<key_id>_...")
    std::string name;                ///< what it is for, e.g. "ERP sync"
    std::string username;            ///< whom it runs as
    std::vector<std::string> areas;  ///< command prefixes it may run; empty = every command
    int64_t created_ms = 0;
    std::string created_by;
    int64_t expires_ms = 0;  ///< 0 = never
    int64_t revoked_ms = 0;  ///< 0 = not revoked
    std::string revoked_by;
    int rate_per_minute = kDefaultApiRatePerMinute;
    int burst = kDefaultApiBurst;
    int64_t last_used_ms = 0;  ///< from the request log; 0 = never used
    std::string status;        ///< "active", "revoked", "expired", "user_inactive"
};
nlohmann::json ToJson(const ApiKey& key);

/// What an administrator asks for.
struct NewApiKey {
    std::string username;
    std::string name;
    std::vector<std::string> areas;
    int64_t expires_ms = 0;  ///< 0 = never; else in the future
    int rate_per_minute = kDefaultApiRatePerMinute;
    int burst = kDefaultApiBurst;
};

/// A new key and its secret: the only time the secret is seen.
struct CreatedApiKey {
    ApiKey key;
    std::string secret;  ///< "crm_<key_id>_<64 hex>"
};

// [SECTION] Requests

/// A presented key that is valid now.
struct ApiKeyIdentity {
    int64_t id = 0;
    std::string key_id;
    std::string username;
    std::vector<std::string> areas;
    int rate_per_minute = kDefaultApiRatePerMinute;
    int burst = kDefaultApiBurst;
};

/// One request through the API server, as logged.
struct ApiRequest {
    int64_t id = 0;
    int64_t key_row = 0;  ///< the key's row id (ApiKey::id); 0 = no valid key
    std::string key_id;   ///< the public part of the key ("" when none)
    std::string username;
    std::string command;  ///< "records.get"; for a route that is not a command, "GET /api/v1/x"
    int status = 0;       ///< the HTTP status answered
    std::string error;    ///< the error code, "" when ok
    int64_t at_ms = 0;
    int64_t elapsed_us = 0;
};
nlohmann::json ToJson(const ApiRequest& request);

struct ApiLogFilter {
    std::string key_id;    ///< "" = every key
    std::string username;  ///< "" = every user
    int64_t since_ms = 0;
    int limit = 200;  ///< 1..1000, newest first
};

// [SECTION] Service

class ApiKeyService {
public:
    ApiKeyService(Changes& changes, AccessService& access);
    ~ApiKeyService();
    void SetAuthorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }

    /// Manage Integrations (and Manage Users for another user's key). Errors: unknown or inactive user, a
    /// blank or long name, an area that is no command's prefix, an expiry not in the future, limits out of
    /// range.
    Result<CreatedApiKey> Create(const std::string& actor, const NewApiKey& request);
    /// Manage Integrations. Every key (or `username`'s), newest first.
    Result<std::vector<ApiKey>> List(const std::string& actor, std::string_view username = {});
    /// Manage Integrations. Revokes at once; revoking a revoked key is an error ("apikeys.revoked").
    Status Revoke(const std::string& actor, int64_t id);

    /// Who `presented` ("crm_<key_id>_<secret>") runs as. Errors: "api.key_invalid" (malformed, unknown
    /// or a wrong secret: the same answer), "api.key_revoked", "api.key_expired", "api.key_user_inactive".
    Result<ApiKeyIdentity> Authenticate(std::string_view presented);
    /// Whether the key's areas allow `command`.
    static bool Allows(const ApiKeyIdentity& key, std::string_view command);
    /// Takes one token from the key's bucket; "api.rate_limited" (with `retry_after_ms`) when empty.
    Status TakeToken(const ApiKeyIdentity& key, int64_t* retry_after_ms = nullptr);

    /// Queues one request's log entry (written by Flush, or when enough wait).
    void LogRequest(ApiRequest request);
    /// Writes the queued entries in one transaction.
    Status Flush();
    /// Manage Integrations. The request log, newest first (flushes first).
    Result<std::vector<ApiRequest>> Log(const std::string& actor, const ApiLogFilter& filter);

private:
    struct Bucket {
        double tokens = 0;
        int64_t last_ms = 0;
    };
    Status Require(const std::string& actor) const;
    int64_t Now() const;
    Changes& changes_;
    AccessService& access_;
    Authorizer authorizer_;
    std::unique_ptr<StatementCache> statements_;
    std::map<int64_t, Bucket> buckets_;
    std::vector<ApiRequest> pending_;
    int64_t last_prune_ms_ = 0;
};

/// The workspace's ApiKeyService, made on first use and kept by the workspace (as AuthOf does: no member
/// in workspace.h). Not thread-safe, like the workspace itself: the server calls it under its lock.
ApiKeyService& ApiKeysOf(Workspace& workspace);

/// Migration 21: API keys and the request log.
std::string ApiKeysMigrationSql();

}  // namespace crm
