#include "integration/api_keys.h"

#include <sodium/utils.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "access/access.h"
#include "attached_service.h"
#include "audit/change.h"
#include "auth/password.h"
#include "common/messages.h"
#include "common/text.h"
#include "storage/database.h"
#include "storage/statement_cache.h"
#include "workspace.h"

namespace crm {

namespace {

// The messages of the API keys and of the API server (native/cli_serve.cpp raises the "api.*" ones).
const MessageDef kApiKeyMessages[] = {
    {"api.key_missing", "This request needs an API key: send the header \"Authorization: Bearer <key>\".",
     "此请求需要 API 密钥：请发送请求头 \"Authorization: Bearer <key>\"。"},
    {"api.key_invalid", "The API key is not valid.", "API 密钥无效。"},
    {"api.key_revoked", "The API key {key} has been revoked.", "API 密钥 {key} 已被吊销。"},
    {"api.key_expired", "The API key {key} has expired.", "API 密钥 {key} 已过期。"},
    {"api.key_user_inactive", "The user of the API key {key} is inactive.", "API 密钥 {key} 的用户已停用。"},
    {"api.rate_limited", "Too many requests with the API key {key}: try again in {seconds} s.",
     "API 密钥 {key} 的请求过多：请在 {seconds} 秒后重试。"},
    {"api.area_not_allowed", "The API key {key} may not run {command}; it may run: {areas}.",
     "API 密钥 {key} 不能运行 {command}；它只能运行：{areas}。"},
    {"api.as_not_key_user",
     "A request with an API key runs as the key's user ({user}); \"as\" cannot name another user.",
     "使用 API 密钥的请求以密钥的用户（{user}）身份运行；\"as\" 不能指定其他用户。"},
    {"api.unknown_route",
     "There is no {route}. Use POST /api/v1/commands, GET /api/v1/records/<object>/<id> or GET "
     "/api/v1/records/<object>?view=<list view>.",
     "不存在 {route}。请使用 POST /api/v1/commands、GET /api/v1/records/<object>/<id> 或 GET "
     "/api/v1/records/<object>?view=<list view>。"},
    {"api.too_large", "The request is larger than {limit} bytes.", "请求大于 {limit} 字节。"},
    {"api.bad_http", "The HTTP request is malformed, or did not arrive in time (HTTP status {status}).",
     "HTTP 请求格式错误，或未能及时到达（HTTP 状态 {status}）。"},
    {"api.bad_id", "The record id \"{id}\" is not a positive whole number.", "记录 ID \"{id}\" 不是正整数。"},
    {"apikeys.not_found", "There is no API key {id}.", "不存在 API 密钥 {id}。"},
    {"apikeys.already_revoked", "The API key {id} is already revoked.", "API 密钥 {id} 已被吊销。"},
    {"apikeys.bad_name", "Name the key (1 to 100 characters), e.g. \"ERP sync\".",
     "请为密钥命名（1 到 100 个字符），例如 \"ERP sync\"。"},
    {"apikeys.bad_area", "\"{area}\" is not the start of any command's name (such as \"records\").",
     "\"{area}\" 不是任何命令名称的开头（例如 \"records\"）。"},
    {"apikeys.bad_expiry", "The expiry must be in the future.", "到期时间必须在将来。"},
    {"apikeys.bad_limit", "{name} must be between 1 and 1000000.", "{name} 必须介于 1 与 1000000 之间。"},
};
CRM_REGISTER_MESSAGES(kApiKeyMessages);

constexpr size_t kKeyIdHexDigits = 12;  // 6 random bytes
constexpr size_t kSecretBytes = 32;
constexpr size_t kFlushAfterEntries = 256;
constexpr int64_t kFlushAfterMs = 1000;
constexpr int64_t kLogRetentionMs = int64_t(30) * 24 * 3600 * 1000;
constexpr int kMaxLimit = 1000000;

std::string AreasText(const std::vector<std::string>& areas) {
    std::string out;
    for (const std::string& a : areas) out += (out.empty() ? "" : ",") + a;
    return out;
}

std::vector<std::string> AreasFrom(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        if (comma > start) out.push_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

std::string TrimSpaces(const std::string& s) {
    const size_t first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

bool IsHex(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// "crm_<12 hex>_<64 hex>" split into its id; false when the text has any other shape.
bool SplitKey(std::string_view presented, std::string& key_id) {
    const size_t want = 4 + kKeyIdHexDigits + 1 + kSecretBytes * 2;
    if (presented.size() != want || presented.substr(0, 4) != "crm_" || presented[4 + kKeyIdHexDigits] != '_')
        return false;
    std::string_view id = presented.substr(4, kKeyIdHexDigits);
    std::string_view secret = presented.substr(4 + kKeyIdHexDigits + 1);
    if (!IsHex(id) || !IsHex(secret)) return false;
    key_id = std::string(id);
    return true;
}

const char* const kKeyColumns =
    "k.id, k.key_id, k.name, u.username, k.areas, k.created_ms, k.created_by, k.expires_ms, k.revoked_ms, "
    "k.revoked_by, k.rate_per_minute, k.burst, u.active, "
    "(SELECT max(at_ms) FROM api_request_log l WHERE l.key_row = k.id)";

ApiKey KeyFromRow(const Statement& s, int64_t now) {
    ApiKey k;
    k.id = s.Int(0);
    k.key_id = s.Text(1);
    k.name = s.Text(2);
    k.username = s.Text(3);
    k.areas = AreasFrom(s.Text(4));
    k.created_ms = s.Int(5);
    k.created_by = s.Text(6);
    k.expires_ms = s.Int(7);
    k.revoked_ms = s.Int(8);
    k.revoked_by = s.Text(9);
    k.rate_per_minute = static_cast<int>(s.Int(10));
    k.burst = static_cast<int>(s.Int(11));
    const bool active_user = s.Int(12) != 0;
    k.last_used_ms = s.IsNull(13) ? 0 : s.Int(13);
    if (k.revoked_ms != 0)
        k.status = "revoked";
    else if (k.expires_ms != 0 && now >= k.expires_ms)
        k.status = "expired";
    else if (!active_user)
        k.status = "user_inactive";
    else
        k.status = "active";
    return k;
}

nlohmann::json AuditValue(const ApiKey& k) {
    return {{"key_id", k.key_id},
            {"name", k.name},
            {"username", k.username},
            {"areas", k.areas},
            {"expires_ms", k.expires_ms},
            {"rate_per_minute", k.rate_per_minute},
            {"burst", k.burst}};
}

}  // namespace

// [SECTION] JSON

nlohmann::json ToJson(const ApiKey& k) {
    nlohmann::json out = {
        {"id", k.id},
        {"key_id", k.key_id},
        {"name", k.name},
        {"username", k.username},
        {"areas", k.areas},
        {"created", FormatUtcIso8601(k.created_ms)},
        {"created_by", k.created_by},
        {"expires", k.expires_ms ? nlohmann::json(FormatUtcIso8601(k.expires_ms)) : nullptr},
        {"revoked", k.revoked_ms ? nlohmann::json(FormatUtcIso8601(k.revoked_ms)) : nullptr},
        {"rate_per_minute", k.rate_per_minute},
        {"burst", k.burst},
        {"last_used", k.last_used_ms ? nlohmann::json(FormatUtcIso8601(k.last_used_ms)) : nullptr},
        {"status", k.status}};
    if (!k.revoked_by.empty()) out["revoked_by"] = k.revoked_by;
    return out;
}

nlohmann::json ToJson(const ApiRequest& r) {
    return {{"id", r.id},
            {"key_id", r.key_id},
            {"username", r.username},
            {"command", r.command},
            {"status", r.status},
            {"error", r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error)},
            {"at", FormatUtcIso8601(r.at_ms)},
            {"elapsed_us", r.elapsed_us}};
}

// [SECTION] Attaching to the workspace

ApiKeyService& ApiKeysOf(Workspace& ws) {
    return AttachedService<ApiKeyService>(ws, [&ws] {
        auto service = std::make_shared<ApiKeyService>(ws.changes(), ws.access());
        service->SetAuthorizer(AccessAuthorizer(ws));
        return service;
    });
}

// [SECTION] Service

ApiKeyService::ApiKeyService(Changes& changes, AccessService& access)
    : changes_(changes), access_(access), statements_(std::make_unique<StatementCache>(changes.db())) {}

ApiKeyService::~ApiKeyService() { (void)Flush(); }

Status ApiKeyService::Require(const std::string& actor) const {
    return authorizer_ ? authorizer_(actor, SystemPermission::ManageIntegrations) : Status::Ok();
}

int64_t ApiKeyService::Now() const { return changes_.clock().NowMs(); }

Result<CreatedApiKey> ApiKeyService::Create(const std::string& actor, const NewApiKey& req) {
    if (Status s = Require(actor); !s.ok()) return s.error();
    Result<User> user = access_.GetUser(req.username);
    if (!user.ok()) return Error(user.error().code, user.error().message, "username");
    // A key acts as its user: one for someone else is as much as setting their password.
    if (ToLowerAscii(user->username) != ToLowerAscii(actor) && authorizer_) {
        if (Status s = authorizer_(actor, SystemPermission::ManageUsers); !s.ok()) return s.error();
    }
    if (!user->active) {
        return MakeError("access.inactive_user", "The user \"" + user->username + "\" is inactive.",
                         "username");
    }
    const std::string name = TrimSpaces(req.name);
    if (name.empty() || name.size() > 100)
        return MessageError("invalid_argument", "apikeys.bad_name", {}, "name");
    for (const std::string& area : req.areas) {
        const bool ok =
            !area.empty() && area.size() <= 64 && std::all_of(area.begin(), area.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
            });
        if (!ok) return MessageError("invalid_argument", "apikeys.bad_area", {{"area", area}}, "areas");
    }
    const int64_t now = Now();
    if (req.expires_ms != 0 && req.expires_ms <= now)
        return MessageError("invalid_argument", "apikeys.bad_expiry", {}, "expires");
    if (req.rate_per_minute < 1 || req.rate_per_minute > kMaxLimit)
        return MessageError("invalid_argument", "apikeys.bad_limit", {{"name", "rate_per_minute"}},
                            "rate_per_minute");
    if (req.burst < 1 || req.burst > kMaxLimit)
        return MessageError("invalid_argument", "apikeys.bad_limit", {{"name", "burst"}}, "burst");

    CreatedApiKey out;
    ApiKey& k = out.key;
    k.key_id = auth::RandomHex(kKeyIdHexDigits / 2);
    out.secret = "crm_" + k.key_id + "_" + auth::RandomHex(kSecretBytes);
    k.name = name;
    k.username = user->username;
    k.areas = req.areas;
    k.created_ms = now;
    k.created_by = actor;
    k.expires_ms = req.expires_ms;
    k.rate_per_minute = req.rate_per_minute;
    k.burst = req.burst;
    k.status = "active";

    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    Statement s = changes_.db().Prepare(
        "INSERT INTO api_key(key_id, digest, name, user_id, areas, created_ms, created_by, expires_ms, "
        "rate_per_minute, burst) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    s.Bind(1, k.key_id).Bind(2, auth::TokenDigest(out.secret)).Bind(3, k.name).Bind(4, user->id);
    s.Bind(5, AreasText(k.areas)).Bind(6, now).Bind(7, actor).Bind(8, k.expires_ms);
    s.Bind(9, k.rate_per_minute).Bind(10, k.burst);
    if (Status st = s.Run(); !st.ok()) return st.error();
    k.id = changes_.db().LastInsertRowId();
    if (Status st = change.Audit("integration", "create", "apikey." + k.key_id, nullptr, AuditValue(k));
        !st.ok())
        return st.error();
    change.Record("integration", "", ChangeAction::Config, k.id, {"api_keys"});
    if (Status st = change.Commit(); !st.ok()) return st.error();
    return out;
}

Result<std::vector<ApiKey>> ApiKeyService::List(const std::string& actor, std::string_view username) {
    if (Status s = Require(actor); !s.ok()) return s.error();
    Statement s = changes_.db().Prepare(std::string("SELECT ") + kKeyColumns +
                                        " FROM api_key k JOIN access_user u ON u.id = k.user_id "
                                        "WHERE ?1 = '' OR u.username = ?1 COLLATE NOCASE ORDER BY k.id DESC");
    s.Bind(1, username);
    std::vector<ApiKey> out;
    const int64_t now = Now();
    while (s.Step()) out.push_back(KeyFromRow(s, now));
    if (!s.status().ok()) return s.status().error();
    return out;
}

Status ApiKeyService::Revoke(const std::string& actor, int64_t id) {
    if (Status s = Require(actor); !s.ok()) return s;
    Statement find =
        changes_.db().Prepare(std::string("SELECT ") + kKeyColumns +
                              " FROM api_key k JOIN access_user u ON u.id = k.user_id WHERE k.id = ?1");
    find.Bind(1, id);
    if (!find.Step()) {
        if (!find.status().ok()) return find.status();
        return MessageError("apikeys.not_found", "apikeys.not_found", {{"id", std::to_string(id)}}, "id");
    }
    const ApiKey key = KeyFromRow(find, Now());
    if (key.revoked_ms != 0)
        return MessageError("apikeys.already_revoked", "apikeys.already_revoked",
                            {{"id", std::to_string(id)}}, "id");
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    Statement s = changes_.db().Prepare("UPDATE api_key SET revoked_ms = ?2, revoked_by = ?3 WHERE id = ?1");
    s.Bind(1, id).Bind(2, Now()).Bind(3, actor);
    if (Status st = s.Run(); !st.ok()) return st;
    if (Status st = change.Audit("integration", "revoke", "apikey." + key.key_id, AuditValue(key), nullptr);
        !st.ok())
        return st;
    change.Record("integration", "", ChangeAction::Config, id, {"api_keys"});
    buckets_.erase(id);
    return change.Commit();
}

Result<ApiKeyIdentity> ApiKeyService::Authenticate(std::string_view presented) {
    std::string key_id;
    if (!SplitKey(presented, key_id)) return MessageError("api.key_invalid", "api.key_invalid", {});
    // Kept prepared (every request runs it), and reset once read, so no read stays open between requests.
    Statement& s = statements_->Get(
        "SELECT k.id, k.digest, k.areas, k.expires_ms, k.revoked_ms, k.rate_per_minute, k.burst, u.username, "
        "u.active FROM api_key k JOIN access_user u ON u.id = k.user_id WHERE k.key_id = ?1");
    s.Bind(1, key_id);
    const bool found = s.Step();
    if (!s.status().ok()) {
        Error e = s.status().error();
        s.Reset();
        return e;
    }
    ApiKeyIdentity id;
    std::string stored;
    int64_t expires_ms = 0, revoked_ms = 0;
    bool active = false;
    if (found) {
        id.id = s.Int(0);
        stored = s.Text(1);
        id.areas = AreasFrom(s.Text(2));
        expires_ms = s.Int(3);
        revoked_ms = s.Int(4);
        id.rate_per_minute = static_cast<int>(s.Int(5));
        id.burst = static_cast<int>(s.Int(6));
        id.username = s.Text(7);
        active = s.Int(8) != 0;
    }
    s.Reset();
    // The digest of the presented key is computed whether or not the id exists, and compared in constant
    // time, so neither the id nor the secret can be probed by timing.
    const std::string digest = auth::TokenDigest(presented);
    if (!found) stored.assign(digest.size(), '-');
    const bool match =
        stored.size() == digest.size() && sodium_memcmp(stored.data(), digest.data(), digest.size()) == 0;
    if (!found || !match) return MessageError("api.key_invalid", "api.key_invalid", {});
    const MessageParams key = {{"key", key_id}};
    if (revoked_ms != 0) return MessageError("api.key_revoked", "api.key_revoked", key);
    if (expires_ms != 0 && Now() >= expires_ms)
        return MessageError("api.key_expired", "api.key_expired", key);
    if (!active) return MessageError("api.key_user_inactive", "api.key_user_inactive", key);
    id.key_id = key_id;
    return id;
}

bool ApiKeyService::Allows(const ApiKeyIdentity& key, std::string_view command) {
    if (key.areas.empty()) return true;
    for (const std::string& area : key.areas) {
        if (command == area) return true;
        if (command.size() > area.size() && command.compare(0, area.size(), area) == 0 &&
            (area.back() == '.' || command[area.size()] == '.'))
            return true;
    }
    return false;
}

Status ApiKeyService::TakeToken(const ApiKeyIdentity& key, int64_t* retry_after_ms) {
    const int64_t now = Now();
    auto [it, inserted] = buckets_.try_emplace(key.id);
    Bucket& b = it->second;
    const double per_ms = key.rate_per_minute / 60000.0;
    if (inserted) {
        b.tokens = key.burst;
    } else if (now > b.last_ms) {
        b.tokens = std::min<double>(key.burst, b.tokens + (now - b.last_ms) * per_ms);
    }
    b.last_ms = std::max(b.last_ms, now);  // a clock moved backwards adds nothing
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return Status::Ok();
    }
    const int64_t wait_ms = static_cast<int64_t>(std::ceil((1.0 - b.tokens) / per_ms));
    if (retry_after_ms) *retry_after_ms = wait_ms;
    return MessageError("api.rate_limited", "api.rate_limited",
                        {{"key", key.key_id}, {"seconds", std::to_string((wait_ms + 999) / 1000)}});
}

void ApiKeyService::LogRequest(ApiRequest request) {
    if (request.at_ms == 0) request.at_ms = Now();
    pending_.push_back(std::move(request));
    if (pending_.size() >= kFlushAfterEntries || Now() - pending_.front().at_ms >= kFlushAfterMs)
        (void)Flush();
}

Status ApiKeyService::Flush() {
    if (pending_.empty()) return Status::Ok();
    Database& db = changes_.db();
    // Inside another change (never from the server, which holds the workspace), wait for the next flush.
    if (db.InTransaction()) return Status::Ok();
    Transaction t(db);
    if (!t.begin_status().ok()) return t.begin_status();
    Statement s = db.Prepare(
        "INSERT INTO api_request_log(key_row, key_id, username, command, status, error, at_ms, elapsed_us) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    for (const ApiRequest& r : pending_) {
        s.Reset();
        s.Bind(1, r.key_row).Bind(2, r.key_id).Bind(3, r.username).Bind(4, r.command.substr(0, 200));
        s.Bind(5, r.status).Bind(6, r.error).Bind(7, r.at_ms).Bind(8, r.elapsed_us);
        if (Status st = s.Run(); !st.ok()) return st;
    }
    const int64_t now = Now();
    if (now - last_prune_ms_ > 3600 * 1000) {
        Statement prune = db.Prepare("DELETE FROM api_request_log WHERE at_ms < ?1");
        prune.Bind(1, now - kLogRetentionMs);
        if (Status st = prune.Run(); !st.ok()) return st;
        last_prune_ms_ = now;
    }
    if (Status st = t.Commit(); !st.ok()) return st;
    pending_.clear();
    return Status::Ok();
}

Result<std::vector<ApiRequest>> ApiKeyService::Log(const std::string& actor, const ApiLogFilter& f) {
    if (Status s = Require(actor); !s.ok()) return s.error();
    if (Status s = Flush(); !s.ok()) return s.error();
    Statement s = changes_.db().Prepare(
        "SELECT id, key_row, key_id, username, command, status, error, at_ms, elapsed_us FROM "
        "api_request_log "
        "WHERE (?1 = '' OR key_id = ?1) AND (?2 = '' OR username = ?2 COLLATE NOCASE) AND at_ms >= ?3 "
        "ORDER BY id DESC LIMIT ?4");
    s.Bind(1, f.key_id).Bind(2, f.username).Bind(3, f.since_ms).Bind(4, std::clamp(f.limit, 1, 1000));
    std::vector<ApiRequest> out;
    while (s.Step()) {
        ApiRequest r;
        r.id = s.Int(0);
        r.key_row = s.Int(1);
        r.key_id = s.Text(2);
        r.username = s.Text(3);
        r.command = s.Text(4);
        r.status = static_cast<int>(s.Int(5));
        r.error = s.Text(6);
        r.at_ms = s.Int(7);
        r.elapsed_us = s.Int(8);
        out.push_back(std::move(r));
    }
    if (!s.status().ok()) return s.status().error();
    return out;
}

// [SECTION] Migration

std::string ApiKeysMigrationSql() {
    return R"sql(
CREATE TABLE api_key (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key_id TEXT NOT NULL UNIQUE,
    digest TEXT NOT NULL,
    name TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES access_user(id) ON DELETE CASCADE,
    areas TEXT NOT NULL DEFAULT '',
    created_ms INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    expires_ms INTEGER NOT NULL DEFAULT 0,
    revoked_ms INTEGER NOT NULL DEFAULT 0,
    revoked_by TEXT NOT NULL DEFAULT '',
    rate_per_minute INTEGER NOT NULL,
    burst INTEGER NOT NULL
);
CREATE INDEX api_key_user ON api_key(user_id);
CREATE TABLE api_request_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key_row INTEGER NOT NULL,
    key_id TEXT NOT NULL,
    username TEXT NOT NULL,
    command TEXT NOT NULL,
    status INTEGER NOT NULL,
    error TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    elapsed_us INTEGER NOT NULL
);
CREATE INDEX api_request_log_key ON api_request_log(key_row, at_ms);
CREATE INDEX api_request_log_at ON api_request_log(at_ms);
)sql";
}

}  // namespace crm
