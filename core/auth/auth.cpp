#include "auth/auth.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include "access/access.h"
#include "attached_service.h"
#include "audit/change.h"
#include "auth/password.h"
#include "common/messages.h"
#include "company/company_profile.h"
#include "storage/database.h"
#include "workflow/company_time.h"
#include "workspace.h"

#define CRM_TRY_STATUS(expr)                                 \
    do {                                                     \
        if (Status s_ = (expr); !s_.ok()) return s_.error(); \
    } while (0)

namespace crm {

namespace {

const MessageDef kAuthMessages[] = {
    {"auth.invalid_credentials", "The username or the password is wrong.", "用户名或密码错误。"},
    {"auth.locked",
     "Too many failed sign-ins: try again after {minutes} minutes, or ask an administrator to unlock.",
     "登录失败次数过多：请 {minutes} 分钟后再试，或请管理员解锁。"},
    {"auth.outside_hours", "Sign-in is allowed only {hours}.", "仅允许在 {hours} 登录。"},
    {"auth.password_change_required", "The password has expired or is temporary: choose a new one.",
     "密码已过期或为临时密码：请设置新密码。"},
    {"auth.password_too_short", "The password needs at least {min} characters.",
     "密码至少需要 {min} 个字符。"},
    {"auth.password_classes",
     "The password needs at least {min} of: lowercase, uppercase, digits, other characters.",
     "密码至少需要包含以下 {min} 类：小写字母、大写字母、数字、其他字符。"},
    {"auth.password_common", "This password is too common; choose another.", "此密码过于常见，请另选。"},
    {"auth.password_reused", "The password was used recently; choose one not among the last {count}.",
     "该密码最近用过；请勿使用最近 {count} 个密码。"},
    {"auth.password_wrong_current", "The current password is wrong.", "当前密码错误。"},
    {"auth.session_ended", "The session has ended; sign in again.", "会话已结束，请重新登录。"},
    {"auth.lockout",
     "This would lock every administrator out: at least one active user with Manage Users must be able to "
     "sign in (a password set, and login hours on some day).",
     "这会把所有管理员锁在外面：至少需要一位拥有“管理用户”权限的活动用户能够登录（已设置密码，且登录时段不为"
     "空）。"},
    {"auth.view_as_inactive", "{user} is inactive: nobody can act as them.",
     "{user} 已停用：不能以其身份操作。"},
    {"auth.bad_setting", "{name} must be between {min} and {max}.", "{name} 必须介于 {min} 与 {max} 之间。"},
};
CRM_REGISTER_MESSAGES(kAuthMessages);

std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

const char* const kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

std::string HoursText(const LoginHours& h) {
    std::string days;
    for (int d = 0; d < 7; ++d) {
        if (!(h.weekdays & (1 << d))) continue;
        if (!days.empty()) days += ",";
        days += kDays[d];
    }
    auto hm = [](int m) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%02d:%02d", m / 60, m % 60);
        return std::string(buf);
    };
    return days + " " + hm(h.start_minute) + "-" + hm(h.end_minute);
}

bool HoursEverOpen(const LoginHours& h) { return (h.weekdays & 0x7F) != 0 && h.end_minute > h.start_minute; }

}  // namespace

// [SECTION] Attaching to the workspace

namespace {

unsigned long long g_default_ops = 0;
size_t g_default_mem = 0;

}  // namespace

void SetDefaultPasswordHashCost(unsigned long long ops, size_t mem) {
    g_default_ops = ops;
    g_default_mem = mem;
}

AuthService& AuthOf(Workspace& ws) {
    return AttachedService<AuthService>(ws, [&ws] {
        auto service = std::make_shared<AuthService>(ws.changes(), ws.access(), ws.company());
        service->SetAuthorizer(AccessAuthorizer(ws));
        service->SetHashCost(g_default_ops, g_default_mem);
        return service;
    });
}

// [SECTION] JSON

nlohmann::json ToJson(const SecurityPolicy& p) {
    return {{"require_sign_in", p.require_sign_in},   {"min_length", p.min_length},
            {"min_classes", p.min_classes},           {"expiry_days", p.expiry_days},
            {"history_count", p.history_count},       {"block_common", p.block_common},
            {"lockout_attempts", p.lockout_attempts}, {"lockout_minutes", p.lockout_minutes},
            {"idle_minutes", p.idle_minutes}};
}

Result<SecurityPolicy> SecurityPolicyFromJson(const nlohmann::json& json, SecurityPolicy p) {
    if (!json.is_object()) return MakeError("invalid_argument", "The policy must be a JSON object.");
    struct IntKey {
        const char* name;
        int* value;
        int min, max;
    };
    IntKey ints[] = {{"min_length", &p.min_length, 1, 256},
                     {"min_classes", &p.min_classes, 0, 4},
                     {"expiry_days", &p.expiry_days, 0, 3650},
                     {"history_count", &p.history_count, 0, 24},
                     {"lockout_attempts", &p.lockout_attempts, 0, 100},
                     {"lockout_minutes", &p.lockout_minutes, 1, 1440},
                     {"idle_minutes", &p.idle_minutes, 0, 1440}};
    for (auto it = json.begin(); it != json.end(); ++it) {
        const std::string& key = it.key();
        if (key == "require_sign_in" || key == "block_common") {
            if (!it->is_boolean()) return MakeError("invalid_argument", key + " must be true or false.", key);
            (key == "require_sign_in" ? p.require_sign_in : p.block_common) = it->get<bool>();
            continue;
        }
        IntKey* found = nullptr;
        for (IntKey& k : ints)
            if (key == k.name) found = &k;
        if (!found) return MakeError("invalid_argument", "The policy has no setting \"" + key + "\".", key);
        if (!it->is_number_integer() || it->get<int64_t>() < found->min || it->get<int64_t>() > found->max) {
            return MessageError(
                "invalid_argument", "auth.bad_setting",
                {{"name", key}, {"min", std::to_string(found->min)}, {"max", std::to_string(found->max)}},
                key);
        }
        *found->value = it->get<int>();
    }
    return p;
}

nlohmann::json ToJson(const LoginHours& h) {
    nlohmann::json days = nlohmann::json::array();
    for (int d = 0; d < 7; ++d)
        if (h.weekdays & (1 << d)) days.push_back(Lower(kDays[d]));
    char start[32], end[32];
    std::snprintf(start, sizeof start, "%02d:%02d", h.start_minute / 60, h.start_minute % 60);
    std::snprintf(end, sizeof end, "%02d:%02d", h.end_minute / 60, h.end_minute % 60);
    return {{"profile", h.profile}, {"weekdays", days}, {"start", start}, {"end", end}};
}

nlohmann::json ToJson(const LoginEvent& e) {
    return {{"id", e.id},         {"at", FormatUtcIso8601(e.at_ms)},
            {"at_ms", e.at_ms},   {"username", e.username},
            {"result", e.result}, {"source", e.source}};
}

nlohmann::json ToJson(const Session& s) {
    return {{"id", s.id},
            {"username", s.username},
            {"source", s.source},
            {"started", FormatUtcIso8601(s.started_ms)},
            {"last_seen", FormatUtcIso8601(s.last_seen_ms)}};
}

nlohmann::json ToJson(const PasswordState& s) {
    nlohmann::json j = {{"has_password", s.has_password},
                        {"temporary", s.temporary},
                        {"expired", s.expired},
                        {"locked", s.locked},
                        {"failures", s.failures}};
    if (s.set_ms) j["set"] = FormatUtcIso8601(s.set_ms);
    if (s.locked) j["locked_until"] = FormatUtcIso8601(s.locked_until_ms);
    return j;
}

// [SECTION] AuthService

AuthService::AuthService(Changes& changes, AccessService& access, CompanyService& company)
    : changes_(changes),
      access_(access),
      hash_ops_(auth::kHashOpsLimit),
      hash_mem_(auth::kHashMemLimit),
      company_(company) {}
AuthService::~AuthService() = default;

void AuthService::SetHashCost(unsigned long long ops, size_t mem) {
    hash_ops_ = ops ? ops : auth::kHashOpsLimit;
    hash_mem_ = mem ? mem : auth::kHashMemLimit;
    dummy_.clear();
}

Result<std::string> AuthService::Hash(std::string_view password) const {
    return auth::HashPassword(password, hash_ops_, hash_mem_);
}

const std::string& AuthService::Dummy() const {
    if (dummy_.empty()) {
        Result<std::string> h = Hash(auth::RandomHex(16));
        if (h.ok()) dummy_ = *h;
    }
    return dummy_;
}

int64_t AuthService::Now() const { return changes_.clock().NowMs(); }

Status AuthService::Require(const std::string& actor) const {
    return authorizer_ ? authorizer_(actor, SystemPermission::ManageUsers) : Status::Ok();
}

SecurityPolicy AuthService::Policy() const {
    SecurityPolicy p;
    Statement s = changes_.db().Prepare(
        "SELECT require_sign_in, min_length, min_classes, expiry_days, history_count, block_common, "
        "lockout_attempts, lockout_minutes, idle_minutes FROM auth_settings WHERE id = 1");
    if (s.Step()) {
        p.require_sign_in = s.Int(0) != 0;
        p.min_length = int(s.Int(1));
        p.min_classes = int(s.Int(2));
        p.expiry_days = int(s.Int(3));
        p.history_count = int(s.Int(4));
        p.block_common = s.Int(5) != 0;
        p.lockout_attempts = int(s.Int(6));
        p.lockout_minutes = int(s.Int(7));
        p.idle_minutes = int(s.Int(8));
    }
    return p;
}

std::vector<LoginHours> AuthService::AllLoginHours() const {
    std::vector<LoginHours> out;
    Statement s = changes_.db().Prepare(
        "SELECT p.name, h.weekdays, h.start_minute, h.end_minute FROM auth_login_hours h "
        "JOIN access_permission_set p ON p.id = h.profile_id ORDER BY p.name");
    while (s.Step()) out.push_back({s.Text(0), int(s.Int(1)), int(s.Int(2)), int(s.Int(3))});
    return out;
}

bool AuthService::CanSignIn(std::string_view username) const {
    Result<User> u = access_.GetUser(username);
    if (!u.ok() || !u->active) return false;
    Statement s = changes_.db().Prepare("SELECT 1 FROM auth_password WHERE user_id = ?1");
    s.Bind(1, u->id);
    if (!s.Step()) return false;
    for (const LoginHours& h : AllLoginHours())
        if (Lower(h.profile) == Lower(u->profile)) return HoursEverOpen(h);
    return true;
}

Status AuthService::CheckNoLockout(const SecurityPolicy& policy, const std::vector<LoginHours>& hours) const {
    if (!policy.require_sign_in) return Status::Ok();
    for (const User& u : access_.Users()) {
        if (!u.active || !access_.HasSystemPermission(u.username, SystemPermission::ManageUsers)) continue;
        Statement s = changes_.db().Prepare("SELECT 1 FROM auth_password WHERE user_id = ?1");
        s.Bind(1, u.id);
        if (!s.Step()) continue;
        bool open = true;
        for (const LoginHours& h : hours)
            if (Lower(h.profile) == Lower(u.profile)) open = HoursEverOpen(h);
        if (open) return Status::Ok();
    }
    return MessageError("auth.lockout", "auth.lockout", {});
}

Status AuthService::SetPolicy(const std::string& actor, const SecurityPolicy& p) {
    CRM_TRY_STATUS(Require(actor));
    CRM_TRY_STATUS(CheckNoLockout(p, AllLoginHours()));
    const SecurityPolicy old = Policy();
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    Statement s = changes_.db().Prepare(
        "UPDATE auth_settings SET require_sign_in = ?1, min_length = ?2, min_classes = ?3, expiry_days = ?4, "
        "history_count = ?5, block_common = ?6, lockout_attempts = ?7, lockout_minutes = ?8, idle_minutes = "
        "?9 "
        "WHERE id = 1");
    s.Bind(1, int(p.require_sign_in)).Bind(2, p.min_length).Bind(3, p.min_classes).Bind(4, p.expiry_days);
    s.Bind(5, p.history_count).Bind(6, int(p.block_common)).Bind(7, p.lockout_attempts);
    s.Bind(8, p.lockout_minutes).Bind(9, p.idle_minutes);
    CRM_TRY_STATUS(s.Run());
    nlohmann::json before = ToJson(old), after = ToJson(p);
    for (auto it = after.begin(); it != after.end(); ++it) {
        if (before[it.key()] == *it) continue;
        CRM_TRY_STATUS(change.Audit("security", "update", "security." + it.key(), before[it.key()], *it));
    }
    change.Record("auth", "", ChangeAction::Config, 0, {"policy"});
    return change.Commit();
}

Status AuthService::SetLoginHours(const std::string& actor, const LoginHours& h) {
    CRM_TRY_STATUS(Require(actor));
    if (h.weekdays < 0 || h.weekdays > 0x7F)
        return MakeError("invalid_argument", "weekdays must name days Monday to Sunday.", "weekdays");
    if (h.start_minute < 0 || h.start_minute > 1439 || h.end_minute <= h.start_minute || h.end_minute > 1440)
        return MakeError("invalid_argument", "The hours must be HH:MM with the end after the start.", "end");
    Result<PermissionSet> profile = access_.GetPermissionSet(PermissionSetKind::Profile, h.profile);
    if (!profile.ok()) return profile.error();
    std::vector<LoginHours> hours = AllLoginHours();
    LoginHours stored = h;
    stored.profile = profile->name;
    bool replaced = false;
    nlohmann::json old_value;
    for (LoginHours& x : hours) {
        if (Lower(x.profile) != Lower(stored.profile)) continue;
        old_value = ToJson(x);
        x = stored;
        replaced = true;
    }
    if (!replaced) hours.push_back(stored);
    CRM_TRY_STATUS(CheckNoLockout(Policy(), hours));
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    Statement s = changes_.db().Prepare(
        "INSERT OR REPLACE INTO auth_login_hours(profile_id, weekdays, start_minute, end_minute) "
        "VALUES (?1, ?2, ?3, ?4)");
    s.Bind(1, profile->id).Bind(2, h.weekdays).Bind(3, h.start_minute).Bind(4, h.end_minute);
    CRM_TRY_STATUS(s.Run());
    CRM_TRY_STATUS(
        change.Audit("security", "update", "login_hours." + profile->name, old_value, ToJson(stored)));
    change.Record("auth", "", ChangeAction::Config, 0, {"login_hours"});
    return change.Commit();
}

Status AuthService::ClearLoginHours(const std::string& actor, std::string_view name) {
    CRM_TRY_STATUS(Require(actor));
    Result<PermissionSet> profile = access_.GetPermissionSet(PermissionSetKind::Profile, name);
    if (!profile.ok()) return profile.error();
    nlohmann::json old_value;
    for (const LoginHours& x : AllLoginHours())
        if (Lower(x.profile) == Lower(profile->name)) old_value = ToJson(x);
    if (old_value.is_null()) return Status::Ok();
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    Statement s = changes_.db().Prepare("DELETE FROM auth_login_hours WHERE profile_id = ?1");
    s.Bind(1, profile->id);
    CRM_TRY_STATUS(s.Run());
    CRM_TRY_STATUS(change.Audit("security", "delete", "login_hours." + profile->name, old_value, nullptr));
    change.Record("auth", "", ChangeAction::Config, 0, {"login_hours"});
    return change.Commit();
}

// [SECTION] Passwords

Status AuthService::CheckPassword(std::string_view username, std::string_view password) const {
    if (password.empty()) return MakeError("auth.password_empty", "The password is empty.", "password");
    Result<std::string> nfc = auth::NormalizePassword(password);
    if (!nfc.ok()) return nfc.error();
    if (nfc->size() > auth::kMaxPasswordBytes) {
        return MakeError("auth.password_too_long",
                         "The password is longer than " + std::to_string(auth::kMaxPasswordBytes) + " bytes.",
                         "password");
    }
    const SecurityPolicy p = Policy();
    if (auth::CodePointCount(*nfc) < size_t(p.min_length))
        return MessageError("auth.password_too_short", "auth.password_too_short",
                            {{"min", std::to_string(p.min_length)}}, "password");
    if (auth::CharacterClassCount(*nfc) < p.min_classes)
        return MessageError("auth.password_classes", "auth.password_classes",
                            {{"min", std::to_string(p.min_classes)}}, "password");
    if (p.block_common && auth::IsCommonPassword(*nfc))
        return MessageError("auth.password_common", "auth.password_common", {}, "password");
    if (p.history_count > 0) {
        Result<User> u = access_.GetUser(username);
        if (u.ok()) {
            Statement s = changes_.db().Prepare(
                "SELECT hash FROM auth_password_history WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2");
            s.Bind(1, u->id).Bind(2, p.history_count);
            while (s.Step()) {
                if (auth::VerifyPassword(s.Text(0), *nfc))
                    return MessageError("auth.password_reused", "auth.password_reused",
                                        {{"count", std::to_string(p.history_count)}}, "password");
            }
        }
    }
    return Status::Ok();
}

Status AuthService::StorePassword(const std::string& actor, int64_t user_id, const std::string& hash,
                                  bool temporary) {
    (void)actor;
    Database& db = changes_.db();
    Statement s = db.Prepare(
        "INSERT OR REPLACE INTO auth_password(user_id, hash, set_ms, temporary) VALUES (?1, ?2, ?3, ?4)");
    s.Bind(1, user_id).Bind(2, hash).Bind(3, Now()).Bind(4, int(temporary));
    CRM_TRY_STATUS(s.Run());
    Statement h = db.Prepare("INSERT INTO auth_password_history(user_id, hash, set_ms) VALUES (?1, ?2, ?3)");
    h.Bind(1, user_id).Bind(2, hash).Bind(3, Now());
    CRM_TRY_STATUS(h.Run());
    // Keep only what the longest allowed history needs.
    Statement trim = db.Prepare(
        "DELETE FROM auth_password_history WHERE user_id = ?1 AND id NOT IN (SELECT id FROM "
        "auth_password_history WHERE user_id = ?1 ORDER BY id DESC LIMIT 24)");
    trim.Bind(1, user_id);
    CRM_TRY_STATUS(trim.Run());
    // A new password ends the user's sessions.
    Statement end =
        db.Prepare("UPDATE auth_session SET ended_ms = ?2 WHERE user_id = ?1 AND ended_ms IS NULL");
    end.Bind(1, user_id).Bind(2, Now());
    return end.Run();
}

Status AuthService::ChangePassword(const std::string& actor, std::string_view current,
                                   std::string_view next) {
    Result<User> u = access_.GetUser(actor);
    if (!u.ok()) return u.error();
    Statement s = changes_.db().Prepare("SELECT hash FROM auth_password WHERE user_id = ?1");
    s.Bind(1, u->id);
    const bool has = s.Step();
    const std::string stored = has ? s.Text(0) : std::string();
    s.Reset();
    if (!has) {
        return MakeError("access.denied",
                         "You have no password yet: an administrator with Manage Users sets the first one.");
    }
    if (!auth::VerifyPassword(stored, current))
        return MessageError("auth.password_wrong_current", "auth.password_wrong_current", {},
                            "current_password");
    CRM_TRY_STATUS(CheckPassword(u->username, next));
    Result<std::string> hash = Hash(next);
    if (!hash.ok()) return hash.error();
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    CRM_TRY_STATUS(StorePassword(actor, u->id, *hash, false));
    CRM_TRY_STATUS(change.Audit("security", "password", "user." + u->username, nullptr, "changed"));
    change.Record("auth", "", ChangeAction::Config, u->id, {"password"});
    return change.Commit();
}

Status AuthService::ResetPassword(const std::string& actor, std::string_view username,
                                  std::string_view password, bool temporary) {
    CRM_TRY_STATUS(Require(actor));
    Result<User> u = access_.GetUser(username);
    if (!u.ok()) return u.error();
    CRM_TRY_STATUS(CheckPassword(u->username, password));
    Result<std::string> hash = Hash(password);
    if (!hash.ok()) return hash.error();
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    CRM_TRY_STATUS(StorePassword(actor, u->id, *hash, temporary));
    Statement clear = changes_.db().Prepare("DELETE FROM auth_failure WHERE username = ?1");
    clear.Bind(1, Lower(u->username));
    CRM_TRY_STATUS(clear.Run());
    CRM_TRY_STATUS(change.Audit("security", "password", "user." + u->username, nullptr,
                                temporary ? "reset (temporary)" : "reset"));
    change.Record("auth", "", ChangeAction::Config, u->id, {"password"});
    return change.Commit();
}

Status AuthService::Unlock(const std::string& actor, std::string_view username) {
    CRM_TRY_STATUS(Require(actor));
    Result<User> u = access_.GetUser(username);
    const std::string key = Lower(u.ok() ? std::string_view(u->username) : username);
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    Statement s = changes_.db().Prepare("DELETE FROM auth_failure WHERE username = ?1");
    s.Bind(1, key);
    CRM_TRY_STATUS(s.Run());
    CRM_TRY_STATUS(change.Audit("security", "unlock", "user." + key, nullptr, "unlocked"));
    change.Record("auth", "", ChangeAction::Config, 0, {"lockout"});
    return change.Commit();
}

Status AuthService::ViewAs(const std::string& actor, std::string_view username) {
    const bool ending = username.empty() || Lower(username) == Lower(actor);
    if (!ending && authorizer_) CRM_TRY_STATUS(authorizer_(actor, SystemPermission::LogInAs));
    std::string target = actor;
    if (!ending) {
        Result<User> u = access_.GetUser(username);
        if (!u.ok()) return u.error();
        if (!u->active)
            return MessageError("auth.view_as_inactive", "auth.view_as_inactive", {{"user", u->username}});
        target = u->username;
    }
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    CRM_TRY_STATUS(ending ? change.Audit("security", "view_as", "user." + actor, "viewing as", "ended")
                          : change.Audit("security", "view_as", "user." + target, nullptr, "started"));
    return change.Commit();
}

Result<PasswordState> AuthService::StateOf(std::string_view username) const {
    Result<User> u = access_.GetUser(username);
    if (!u.ok()) return u.error();
    PasswordState st;
    const SecurityPolicy p = Policy();
    const int64_t now = Now();
    Statement s = changes_.db().Prepare("SELECT set_ms, temporary FROM auth_password WHERE user_id = ?1");
    s.Bind(1, u->id);
    if (s.Step()) {
        st.has_password = true;
        st.set_ms = s.Int(0);
        st.temporary = s.Int(1) != 0;
        st.expired = p.expiry_days > 0 && now - st.set_ms > int64_t(p.expiry_days) * 86'400'000;
    }
    Statement f =
        changes_.db().Prepare("SELECT failures, locked_until_ms FROM auth_failure WHERE username = ?1");
    f.Bind(1, Lower(u->username));
    if (f.Step()) {
        st.failures = int(f.Int(0));
        // A clock moved backwards never makes a lockout longer than the policy's minutes from now.
        st.locked_until_ms = std::min<int64_t>(f.Int(1), now + int64_t(p.lockout_minutes) * 60'000);
        st.locked = st.locked_until_ms > now;
    }
    return st;
}

std::vector<std::string> AuthService::LockedUsers() const {
    std::vector<std::string> out;
    const int64_t now = Now();
    const int64_t cap = now + int64_t(Policy().lockout_minutes) * 60'000;
    Statement s = changes_.db().Prepare(
        "SELECT username, locked_until_ms FROM auth_failure WHERE locked_until_ms > ?1 ORDER BY username");
    s.Bind(1, now);
    while (s.Step())
        if (std::min(s.Int(1), cap) > now) out.push_back(s.Text(0));
    return out;
}

// [SECTION] Sign-in and sessions

void AuthService::Record(const std::string& username, const std::string& result, const std::string& source) {
    Statement s = changes_.db().Prepare(
        "INSERT INTO auth_login_history(at_ms, username, result, source) VALUES (?1, ?2, ?3, ?4)");
    s.Bind(1, Now()).Bind(2, username.substr(0, 128)).Bind(3, result).Bind(4, source);
    (void)s.Run();
}

Result<SignInResult> AuthService::SignIn(const SignInRequest& req) {
    static const char* const kSources[] = {"browser", "desktop", "api_key", "cli"};
    const std::string source =
        std::find_if(std::begin(kSources), std::end(kSources),
                     [&](const char* x) { return req.source == x; }) != std::end(kSources)
            ? req.source
            : std::string("browser");
    const SecurityPolicy p = Policy();
    const int64_t now = Now();
    const std::string key = Lower(req.username).substr(0, 128);
    Result<User> user = access_.GetUser(req.username);

    // Locked (known or unknown username alike).
    int failures = 0;
    int64_t locked_until = 0;
    bool reanchor = false;  // a clock moved backwards: the lock ends M minutes from the new "now"
    {
        Statement f =
            changes_.db().Prepare("SELECT failures, locked_until_ms FROM auth_failure WHERE username = ?1");
        f.Bind(1, key);
        if (f.Step()) {
            failures = int(f.Int(0));
            locked_until = f.Int(1);
            const int64_t cap = now + int64_t(p.lockout_minutes) * 60'000;
            if (locked_until > cap) {
                locked_until = cap;
                reanchor = true;
            }
        }
    }
    // Every attempt costs one verification, whatever happens next (similar time for every answer).
    std::string stored;
    bool temporary = false;
    int64_t set_ms = 0;
    if (user.ok()) {
        Statement s =
            changes_.db().Prepare("SELECT hash, temporary, set_ms FROM auth_password WHERE user_id = ?1");
        s.Bind(1, user->id);
        if (s.Step()) {
            stored = s.Text(0);
            temporary = s.Int(1) != 0;
            set_ms = s.Int(2);
        }
    }
    const bool matches =
        auth::VerifyPassword(stored.empty() ? Dummy() : stored, req.password) && !stored.empty();

    ChangeScope change(changes_, user.ok() ? user->username : kSystemActor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    auto finish = [&](const std::string& result, Error error) -> Result<SignInResult> {
        Record(req.username, result, source);
        change.Record("auth", "", ChangeAction::Update, 0, {"login_history"});
        if (Status c = change.Commit(); !c.ok()) return c.error();
        return error;
    };
    if (reanchor) {
        Statement up =
            changes_.db().Prepare("UPDATE auth_failure SET locked_until_ms = ?2 WHERE username = ?1");
        up.Bind(1, key).Bind(2, locked_until);
        if (Status r = up.Run(); !r.ok()) return r.error();
    }
    if (locked_until > now) {
        const int64_t minutes = (locked_until - now + 59'999) / 60'000;
        return finish("locked",
                      MessageError("auth.locked", "auth.locked", {{"minutes", std::to_string(minutes)}}));
    }
    const bool ok_user = user.ok() && user->active && !stored.empty();
    if (!ok_user || !matches) {
        const std::string result = !user.ok()       ? "unknown_user"
                                   : !user->active  ? "inactive"
                                   : stored.empty() ? "no_password"
                                                    : "wrong_password";
        // Count the failure; lock after N of them (a failure older than the lockout window starts over).
        int count = failures + 1;
        int64_t until = 0;
        if (p.lockout_attempts > 0 && count >= p.lockout_attempts)
            until = now + int64_t(p.lockout_minutes) * 60'000;
        Statement up = changes_.db().Prepare(
            "INSERT OR REPLACE INTO auth_failure(username, failures, last_ms, locked_until_ms) VALUES (?1, "
            "?2, ?3, ?4)");
        up.Bind(1, key).Bind(2, until ? 0 : count).Bind(3, now).Bind(4, until);
        if (Status r = up.Run(); !r.ok()) return r.error();
        if (until) {
            return finish(result, MessageError("auth.locked", "auth.locked",
                                               {{"minutes", std::to_string(p.lockout_minutes)}}));
        }
        return finish(result,
                      MessageError("auth.invalid_credentials", "auth.invalid_credentials", {}, "password"));
    }
    // Login hours of the user's profile, in the company's time zone.
    for (const LoginHours& h : AllLoginHours()) {
        if (Lower(h.profile) != Lower(user->profile)) continue;
        CompanyTime time;
        if (Result<CompanyProfile> c = company_.Get(); c.ok()) time = CompanyTime::For(*c);
        LocalTime local = time.ToLocal(now);
        const bool inside = (h.weekdays & (1 << local.weekday)) && local.minute >= h.start_minute &&
                            local.minute < h.end_minute;
        if (!inside)
            return finish("outside_hours", MessageError("auth.outside_hours", "auth.outside_hours",
                                                        {{"hours", HoursText(h)}}));
    }
    // Past this point the password was right: the failures start over.
    Statement clear = changes_.db().Prepare("DELETE FROM auth_failure WHERE username = ?1");
    clear.Bind(1, key);
    if (Status r = clear.Run(); !r.ok()) return r.error();
    const bool expired = p.expiry_days > 0 && now - set_ms > int64_t(p.expiry_days) * 86'400'000;
    if (temporary || expired) {
        if (req.new_password.empty())
            return finish("expired", MessageError("auth.password_change_required",
                                                  "auth.password_change_required", {}, "new_password"));
        if (Status c = CheckPassword(user->username, req.new_password); !c.ok())
            return finish("expired", c.error());
        Result<std::string> hash = Hash(req.new_password);
        if (!hash.ok()) return hash.error();
        if (Status st = StorePassword(user->username, user->id, *hash, false); !st.ok()) return st.error();
        if (Status a =
                change.Audit("security", "password", "user." + user->username, nullptr, "changed at sign-in");
            !a.ok())
            return a.error();
    }
    SignInResult out;
    out.username = user->username;
    out.token = auth::RandomHex(32);
    out.idle_minutes = p.idle_minutes;
    Statement s = changes_.db().Prepare(
        "INSERT INTO auth_session(token_digest, user_id, source, started_ms, last_seen_ms) VALUES (?1, ?2, "
        "?3, ?4, ?4)");
    s.Bind(1, auth::TokenDigest(out.token)).Bind(2, user->id).Bind(3, source).Bind(4, now);
    if (Status r = s.Run(); !r.ok()) return r.error();
    Record(req.username, "success", source);
    change.Record("auth", "", ChangeAction::Update, 0, {"sessions", "login_history"});
    if (Status c = change.Commit(); !c.ok()) return c.error();
    return out;
}

Result<std::string> AuthService::Touch(std::string_view token) {
    const int64_t now = Now();
    const SecurityPolicy p = Policy();
    Statement s = changes_.db().Prepare(
        "SELECT s.id, u.username, s.last_seen_ms, u.active FROM auth_session s JOIN access_user u ON u.id = "
        "s.user_id "
        "WHERE s.token_digest = ?1 AND s.ended_ms IS NULL");
    s.Bind(1, auth::TokenDigest(token));
    if (!s.Step()) return MessageError("auth.session_ended", "auth.session_ended", {});
    const int64_t id = s.Int(0);
    const std::string username = s.Text(1);
    const int64_t last = s.Int(2);
    const bool active = s.Int(3) != 0;
    s.Reset();
    // A clock moved backwards: the idle time is never negative (the session is re-anchored at "now").
    const int64_t idle = std::max<int64_t>(0, now - last);
    const bool timed_out = p.idle_minutes > 0 && idle > int64_t(p.idle_minutes) * 60'000;
    ChangeScope change(changes_, username);
    if (!change.begin_status().ok()) return change.begin_status().error();
    if (timed_out || !active) {
        Statement end = changes_.db().Prepare("UPDATE auth_session SET ended_ms = ?2 WHERE id = ?1");
        end.Bind(1, id).Bind(2, now);
        if (Status r = end.Run(); !r.ok()) return r.error();
        change.Record("auth", "", ChangeAction::Update, 0, {"sessions"});
        if (Status c = change.Commit(); !c.ok()) return c.error();
        return MessageError("auth.session_ended", "auth.session_ended", {});
    }
    Statement up = changes_.db().Prepare("UPDATE auth_session SET last_seen_ms = ?2 WHERE id = ?1");
    up.Bind(1, id).Bind(2, now);
    if (Status r = up.Run(); !r.ok()) return r.error();
    if (Status c = change.Commit(); !c.ok()) return c.error();
    return username;
}

Status AuthService::SignOut(std::string_view token) {
    ChangeScope change(changes_, kSystemActor);
    if (!change.begin_status().ok()) return change.begin_status();
    Statement s = changes_.db().Prepare(
        "UPDATE auth_session SET ended_ms = ?2 WHERE token_digest = ?1 AND ended_ms IS NULL");
    s.Bind(1, auth::TokenDigest(token)).Bind(2, Now());
    CRM_TRY_STATUS(s.Run());
    change.Record("auth", "", ChangeAction::Update, 0, {"sessions"});
    return change.Commit();
}

Result<int> AuthService::EndSessions(const std::string& actor, std::string_view username) {
    Result<User> u = access_.GetUser(username);
    if (!u.ok()) return u.error();
    if (Lower(u->username) != Lower(actor))
        if (Status r = Require(actor); !r.ok()) return r.error();
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    Statement s = changes_.db().Prepare(
        "UPDATE auth_session SET ended_ms = ?2 WHERE user_id = ?1 AND ended_ms IS NULL");
    s.Bind(1, u->id).Bind(2, Now());
    if (Status r = s.Run(); !r.ok()) return r.error();
    const int ended = changes_.db().Changes();
    if (Status a = change.Audit("security", "end_sessions", "user." + u->username, nullptr, ended); !a.ok())
        return a.error();
    change.Record("auth", "", ChangeAction::Update, 0, {"sessions"});
    if (Status c = change.Commit(); !c.ok()) return c.error();
    return ended;
}

std::vector<Session> AuthService::Sessions(std::string_view username) const {
    std::vector<Session> out;
    const SecurityPolicy p = Policy();
    const int64_t now = Now();
    Statement s = changes_.db().Prepare(
        "SELECT s.id, u.username, s.source, s.started_ms, s.last_seen_ms FROM auth_session s "
        "JOIN access_user u ON u.id = s.user_id WHERE s.ended_ms IS NULL AND (?1 = '' OR u.username = ?1) "
        "ORDER BY s.id");
    s.Bind(1, username);
    while (s.Step()) {
        Session x{s.Int(0), s.Text(1), s.Text(2), s.Int(3), s.Int(4)};
        if (p.idle_minutes > 0 && now - x.last_seen_ms > int64_t(p.idle_minutes) * 60'000) continue;
        out.push_back(std::move(x));
    }
    return out;
}

std::vector<LoginEvent> AuthService::History(const LoginFilter& f) const {
    std::vector<LoginEvent> out;
    Statement s = changes_.db().Prepare(
        "SELECT id, at_ms, username, result, source FROM auth_login_history WHERE (?1 = '' OR username = ?1 "
        "COLLATE NOCASE) AND (?2 = '' OR result = ?2) AND at_ms >= ?3 AND (?4 = 0 OR at_ms <= ?4) "
        "ORDER BY id DESC LIMIT ?5");
    s.Bind(1, f.username).Bind(2, f.result).Bind(3, f.since_ms).Bind(4, f.until_ms);
    s.Bind(5, std::clamp(f.limit, 1, 10'000));
    while (s.Step()) out.push_back({s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4)});
    return out;
}

std::string AuthService::HistoryCsv(const std::vector<LoginEvent>& events) {
    auto cell = [](const std::string& v) {
        std::string q = "\"";
        for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        return q + "\"";
    };
    std::string out = "time,user,result,source\r\n";
    for (const LoginEvent& e : events)
        out += FormatUtcIso8601(e.at_ms) + "," + cell(e.username) + "," + e.result + "," + e.source + "\r\n";
    return out;
}

}  // namespace crm
