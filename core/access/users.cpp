// Users: create, update, (de)activate, delete, and transfer their records.
#include <algorithm>

#include "access/internal.h"
#include "common/messages.h"
#include "common/text.h"
#include "company/company_profile.h"
#include "storage/database.h"

namespace crm {

using namespace access_detail;
using nlohmann::json;

namespace {

const MessageDef kUserMessages[] = {
    {"access.username_reserved",
     "\"{username}\" is the name of the system actor (the core itself); choose another.",
     "“{username}”是系统执行者（核心本身）的名称，请另选一个。"},
    {"access.unknown_time_zone", "\"{zone}\" is not a time zone; use an IANA name such as Asia/Shanghai.",
     "“{zone}”不是时区；请使用 IANA 时区名称，例如 Asia/Shanghai。"},
    {"access.unknown_time_zone_close",
     "\"{zone}\" is not a time zone; use an IANA name such as Asia/Shanghai. Did you mean {close}?",
     "“{zone}”不是时区；请使用 IANA 时区名称，例如 Asia/Shanghai。您是否要输入 {close}？"},
    {"records.no_such_owner", "There is no User with id {id} for OwnerId.",
     "OwnerId 的用户中不存在 ID 为 {id} 的记录。"},
    {"records.inactive_owner", "User {username} is inactive and cannot own records; choose an active user.",
     "用户 {username} 已停用，不能拥有记录；请选择一位活动用户。"},
};
CRM_REGISTER_MESSAGES(kUserMessages);

bool ValidUsername(std::string_view u) {
    if (u.size() < 2 || u.size() > 64) return false;
    if (!((u[0] >= 'a' && u[0] <= 'z') || (u[0] >= 'A' && u[0] <= 'Z'))) return false;
    for (char c : u) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == '_' || c == '-' || c == '@';
        if (!ok) return false;
    }
    return true;
}

bool ValidEmail(std::string_view e) {
    const size_t at = e.find('@');
    if (at == std::string_view::npos || at == 0 || e.find('@', at + 1) != std::string_view::npos)
        return false;
    std::string_view domain = e.substr(at + 1);
    const size_t dot = domain.find('.');
    if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return false;
    for (char c : e) {
        if (c == ' ' || c == '\t' || static_cast<unsigned char>(c) < 0x20) return false;
    }
    return e.size() <= 254;
}

Status CheckUserFields(const User& u) {
    if (!ValidUsername(u.username)) {
        return MakeError(
            "access.invalid_username",
            "A username is 2 to 64 letters, digits, '.', '_', '-' or '@', starting with a letter; got " +
                Q(u.username) + ".",
            "username");
    }
    if (Same(u.username, kSystemActor)) {
        return MessageError("access.username_reserved", "access.username_reserved",
                            {{"username", u.username}}, "username");
    }
    if (IsBlank(u.full_name))
        return MakeError("access.invalid_full_name", "The full name is required.", "full_name");
    if (!ValidEmail(u.email))
        return MakeError("access.invalid_email",
                         Q(u.email) + " is not an email address such as li.na@example.com.", "email");
    if (u.language != "en" && u.language != "zh-CN")
        return MakeError("access.invalid_language", "The language is \"en\" or \"zh-CN\".", "language");
    if (IsBlank(u.time_zone))
        return MakeError("access.invalid_time_zone", "The time zone is required.", "time_zone");
    if (!IsKnownTimeZone(u.time_zone)) {
        const std::string close = ClosestMatch(u.time_zone, KnownTimeZones());
        return MessageError("access.invalid_time_zone",
                            close.empty() ? "access.unknown_time_zone" : "access.unknown_time_zone_close",
                            {{"zone", u.time_zone}, {"close", close}}, "time_zone");
    }
    return Status::Ok();
}

}  // namespace

std::vector<User> AccessService::Users() const { return UsersNamed({}); }

std::vector<User> AccessService::UsersNamed(std::string_view username) const {
    std::vector<User> out;
    Statement st = db_.Prepare(
        "SELECT u.id, u.username, u.full_name, u.email, u.phone, u.active, m.username, r.name, p.name, "
        "u.language, "
        "u.time_zone, (SELECT group_concat(t.name, char(10)) FROM access_team_member tm JOIN access_team t "
        "ON "
        "t.id = tm.team_id WHERE tm.user_id = u.id), (SELECT group_concat(s.name, char(10)) FROM "
        "access_user_permset us JOIN access_permission_set s ON s.id = us.set_id WHERE us.user_id = u.id) "
        "FROM access_user u LEFT JOIN access_user m ON m.id = u.manager_id LEFT JOIN access_role r ON r.id = "
        "u.role_id LEFT JOIN access_permission_set p ON p.id = u.profile_id "
        "WHERE ?1 = '' OR u.username = ?1 COLLATE NOCASE ORDER BY u.username COLLATE NOCASE");
    st.Bind(1, std::string(username));
    auto split = [](const std::string& s) {
        std::vector<std::string> v;
        size_t start = 0;
        while (start < s.size()) {
            size_t nl = s.find('\n', start);
            if (nl == std::string::npos) nl = s.size();
            v.push_back(s.substr(start, nl - start));
            start = nl + 1;
        }
        std::sort(v.begin(), v.end());
        return v;
    };
    while (st.Step()) {
        User u;
        u.id = st.Int(0);
        u.username = st.Text(1);
        u.full_name = st.Text(2);
        u.email = st.Text(3);
        u.phone = st.Text(4);
        u.active = st.Int(5) != 0;
        u.manager = st.OptText(6).value_or("");
        u.role = st.OptText(7).value_or("");
        u.profile = st.OptText(8).value_or("");
        u.language = st.Text(9);
        u.time_zone = st.Text(10);
        u.teams = split(st.OptText(11).value_or(""));
        u.permission_sets = split(st.OptText(12).value_or(""));
        out.push_back(std::move(u));
    }
    return out;
}

Result<User> AccessService::GetUser(std::string_view username) const {
    if (username.empty()) return MakeError("access.unknown_user", "Name the user.", "username");
    for (User& u : UsersNamed(username)) {
        if (Same(u.username, username)) return u;
    }
    return MakeError("access.unknown_user", "There is no user " + Q(username) + ".", "username");
}

Result<User> AccessService::CreateUser(const std::string& actor, const User& spec) {
    CRM_TRY(CheckUserFields(spec));
    CRM_TRY(Apply(actor, SystemPermission::ManageUsers, [&]() -> Status {
        Statement dup = db_.Prepare("SELECT 1 FROM access_user WHERE username = ?1 COLLATE NOCASE");
        dup.Bind(1, spec.username);
        if (dup.Step())
            return MakeError("access.username_taken", "The username " + Q(spec.username) + " is taken.",
                             "username");
        Result<int64_t> profile = SetIdOf(PermissionSetKind::Profile, spec.profile);
        if (!profile.ok()) return profile.error();
        std::optional<int64_t> role, manager;
        if (!spec.role.empty()) {
            Result<int64_t> r = IdOf("access_role", spec.role, "role", "role");
            if (!r.ok()) return r.error();
            role = *r;
        }
        if (!spec.manager.empty()) {
            Result<int64_t> m = IdOf("access_user", spec.manager, "user", "manager");
            if (!m.ok()) return m.error();
            manager = *m;
        }
        Statement ins = db_.Prepare(
            "INSERT INTO access_user(username, full_name, email, phone, active, manager_id, role_id, "
            "profile_id, "
            "language, time_zone) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
        ins.Bind(1, spec.username).Bind(2, spec.full_name).Bind(3, spec.email).Bind(4, spec.phone);
        ins.Bind(5, int64_t{spec.active ? 1 : 0}).Bind(6, manager).Bind(7, role).Bind(8, *profile);
        ins.Bind(9, spec.language).Bind(10, spec.time_zone);
        if (Status s = ins.Run(); !s.ok()) return s;
        User stored = spec;
        stored.teams.clear();
        stored.permission_sets.clear();
        stored.id = db_.LastInsertRowId();
        return Audit("users", "create", "user." + spec.username, nullptr, ToJson(stored));
    }));
    return GetUser(spec.username);
}

Result<User> AccessService::UpdateUser(const std::string& actor, const User& changed) {
    Result<User> before = changed.id ? Result<User>(MakeError("", "")) : GetUser(changed.username);
    if (changed.id) {
        for (User& u : Users()) {
            if (u.id == changed.id) before = u;
        }
    }
    if (!before.ok()) {
        if (before.error().code.empty())
            return MakeError("access.unknown_user",
                             "There is no user with id " + std::to_string(changed.id) + ".", "id");
        return before.error();
    }
    CRM_TRY(CheckUserFields(changed));
    const int64_t id = before->id;
    CRM_TRY(Apply(actor, SystemPermission::ManageUsers, [&]() -> Status {
        Statement dup =
            db_.Prepare("SELECT 1 FROM access_user WHERE username = ?1 COLLATE NOCASE AND id <> ?2");
        dup.Bind(1, changed.username).Bind(2, id);
        if (dup.Step())
            return MakeError("access.username_taken", "The username " + Q(changed.username) + " is taken.",
                             "username");
        Result<int64_t> profile = SetIdOf(PermissionSetKind::Profile, changed.profile);
        if (!profile.ok()) return profile.error();
        std::optional<int64_t> role, manager;
        if (!changed.role.empty()) {
            Result<int64_t> r = IdOf("access_role", changed.role, "role", "role");
            if (!r.ok()) return r.error();
            role = *r;
        }
        if (!changed.manager.empty()) {
            Result<int64_t> m = IdOf("access_user", changed.manager, "user", "manager");
            if (!m.ok()) return m.error();
            if (*m == id)
                return MakeError("access.invalid_manager", "A user cannot be their own manager.", "manager");
            manager = *m;
        }
        Statement up = db_.Prepare(
            "UPDATE access_user SET username = ?1, full_name = ?2, email = ?3, phone = ?4, active = ?5, "
            "manager_id = ?6, role_id = ?7, profile_id = ?8, language = ?9, time_zone = ?10 WHERE id = ?11");
        up.Bind(1, changed.username).Bind(2, changed.full_name).Bind(3, changed.email).Bind(4, changed.phone);
        up.Bind(5, int64_t{changed.active ? 1 : 0}).Bind(6, manager).Bind(7, role).Bind(8, *profile);
        up.Bind(9, changed.language).Bind(10, changed.time_zone).Bind(11, id);
        if (Status s = up.Run(); !s.ok()) return s;
        User after = changed;
        after.id = id;
        after.teams = before->teams;
        after.permission_sets = before->permission_sets;
        return Audit("users", "update", "user." + changed.username, ToJson(*before), ToJson(after));
    }));
    return GetUser(changed.username);
}

Status AccessService::SetUserActive(const std::string& actor, std::string_view username, bool active) {
    Result<User> u = GetUser(username);
    if (!u.ok()) return u.error();
    return Apply(actor, SystemPermission::ManageUsers, [&]() -> Status {
        Statement up = db_.Prepare("UPDATE access_user SET active = ?1 WHERE id = ?2");
        up.Bind(1, int64_t{active ? 1 : 0}).Bind(2, u->id);
        if (Status s = up.Run(); !s.ok()) return s;
        return Audit("users", active ? "reactivate" : "deactivate", "user." + u->username, u->active, active);
    });
}

Status AccessService::DeleteUser(const std::string& actor, std::string_view username) {
    Result<User> u = GetUser(username);
    if (!u.ok()) return u.error();
    return Apply(actor, SystemPermission::ManageUsers, [&]() -> Status {
        int64_t owned = 0;
        for (const auto& o : schema_.Objects()) {
            Statement c =
                db_.Prepare("SELECT COUNT(*) FROM " + QuoteIdent(o->table) + " WHERE owner_id = ?1");
            c.Bind(1, u->id);
            if (c.Step()) owned += c.Int(0);
        }
        if (owned > 0) {
            return MakeError(
                "access.user_owns_records",
                u->username + " owns " + std::to_string(owned) +
                    " records: deactivate the user, or transfer the records to another user first.",
                "username");
        }
        if (std::vector<std::string> rules = RulesNaming(*this, ShareGroup::Kind::User, u->username);
            !rules.empty())
            return InSharingRules("user", "username", u->username, rules);
        // The old value holds what goes with the user (teams and permission sets are in ToJson), and whose
        // manager the user was, so the trail can restore it.
        json old = ToJson(*u);
        old["direct_reports"] = json::array();
        Statement reports = db_.Prepare(
            "SELECT username FROM access_user WHERE manager_id = ?1 ORDER BY username COLLATE NOCASE");
        reports.Bind(1, u->id);
        while (reports.Step()) old["direct_reports"].push_back(reports.Text(0));
        for (const char* sql : {"UPDATE access_user SET manager_id = NULL WHERE manager_id = ?1",
                                "DELETE FROM access_team_member WHERE user_id = ?1",
                                "DELETE FROM access_user_permset WHERE user_id = ?1",
                                "DELETE FROM access_user WHERE id = ?1"}) {
            Statement st = db_.Prepare(sql);
            st.Bind(1, u->id);
            if (Status s = st.Run(); !s.ok()) return s;
        }
        return Audit("users", "delete", "user." + u->username, std::move(old), nullptr);
    });
}

Result<int64_t> AccessService::TransferRecords(const std::string& actor, std::string_view from,
                                               std::string_view to, std::string_view object) {
    Result<User> a = GetUser(from);
    if (!a.ok()) return Error{a.error().code, a.error().message, "from", 0, 0};
    Result<User> b = GetUser(to);
    if (!b.ok()) return Error{b.error().code, b.error().message, "to", 0, 0};
    if (!b->active) return MakeError("access.inactive_user", "Records can only go to an active user.", "to");
    std::vector<std::shared_ptr<const ObjectDef>> objects;
    if (object.empty()) {
        objects = schema_.Objects();
    } else {
        Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
        if (!o.ok()) return o.error();
        objects.push_back(*o);
    }
    int64_t moved = 0;
    CRM_TRY(Apply(actor, SystemPermission::ManageUsers, [&]() -> Status {
        for (const auto& o : objects) {
            Statement st =
                db_.Prepare("UPDATE " + QuoteIdent(o->table) + " SET owner_id = ?1 WHERE owner_id = ?2");
            st.Bind(1, b->id).Bind(2, a->id);
            if (Status s = st.Run(); !s.ok()) return s;
            moved += db_.Changes();
        }
        return Audit("users", "transfer", "user." + a->username,
                     json{{"owner", a->username}, {"object", std::string(object)}},
                     json{{"owner", b->username}, {"records", moved}});
    }));
    return moved;
}
std::string AccessService::WorkspaceOwner() {
    const Snapshot& s = Snap();
    auto owner_like = [&](int u) {
        const Snapshot::UserInfo& user = s.users[static_cast<size_t>(u)];
        return user.active && (s.grants[static_cast<size_t>(user.grants)].system &
                               (1u << static_cast<int>(SystemPermission::ManageUsers)));
    };
    if (s.admin >= 0 && owner_like(s.admin)) return s.users[static_cast<size_t>(s.admin)].username;
    for (size_t u = 0; u < s.users.size(); ++u) {  // in id order: the oldest first
        if (owner_like(static_cast<int>(u))) return s.users[u].username;
    }
    return {};  // unreachable while the lock-out rule holds
}

// [SECTION] Records' owners

void AccessService::AttachTo(RecordService& records) {
    records.SetAccessPolicy(&policy());
    records.AddSaveStage(SaveStageId::Access, "owner is an active user",
                         [this](SaveContext& save) { CheckNewOwner(save); });
}

void AccessService::CheckNewOwner(SaveContext& save) const {
    if (!save.owner_requested || save.owner_after <= 0 || save.owner_after == save.owner_before) return;
    Statement st = db_.Prepare("SELECT username, active FROM access_user WHERE id = ?1");
    st.Bind(1, save.owner_after);
    if (!st.Step()) {
        save.Fail(MessageError("records.invalid_owner", "records.no_such_owner",
                               {{"id", std::to_string(save.owner_after)}}, "OwnerId"));
    } else if (st.Int(1) == 0) {
        save.Fail(MessageError("records.invalid_owner", "records.inactive_owner", {{"username", st.Text(0)}},
                               "OwnerId"));
    }
}

}  // namespace crm
