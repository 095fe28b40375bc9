// auth.*: sign-in, passwords, the security policy, sessions and the login history (core/auth). No answer
// ever carries a password hash.
#include "access/access.h"
#include "api/command.h"
#include "auth/auth.h"
#include "workspace.h"

namespace crm::api {

namespace {

Result<int> ParseHm(const std::string& text, const char* field) {
    int h = 0, m = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%d:%d%c", &h, &m, &tail) != 2 || h < 0 || h > 24 || m < 0 || m > 59 ||
        h * 60 + m > 1440)
        return InvalidArgument(field,
                               std::string("\"") + field + "\" must be a time HH:MM, such as \"08:30\".");
    return h * 60 + m;
}

Result<json> PolicyGetCmd(Call& call) {
    json hours = json::array();
    for (const LoginHours& h : AuthOf(call.workspace).AllLoginHours()) hours.push_back(ToJson(h));
    json out = ToJson(AuthOf(call.workspace).Policy());
    out["login_hours"] = std::move(hours);
    out["locked_users"] = AuthOf(call.workspace).LockedUsers();
    return out;
}

Result<json> PolicyUpdateCmd(Call& call) {
    Result<SecurityPolicy> p = SecurityPolicyFromJson(call.args, AuthOf(call.workspace).Policy());
    if (!p.ok()) return p.error();
    CRM_TRY(AuthOf(call.workspace).SetPolicy(call.actor, *p));
    return ToJson(*p);
}

Result<json> LoginHoursCmd(Call& call) {
    AuthService& auth = AuthOf(call.workspace);
    const std::string profile = call.Str("profile");
    if (call.Bool("clear", false))
        return StatusJson(auth.ClearLoginHours(call.actor, profile), json::object());
    LoginHours h;
    h.profile = profile;
    if (const json* days = call.Obj("weekdays")) {
        static const char* const kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
        h.weekdays = 0;
        for (const json& d : *days) {
            int found = -1;
            for (int i = 0; i < 7; ++i)
                if (d.is_string() && d.get<std::string>() == kDays[i]) found = i;
            if (found < 0) return InvalidArgument("weekdays", "\"weekdays\" lists days \"mon\" .. \"sun\".");
            h.weekdays |= 1 << found;
        }
    }
    Result<int> start = ParseHm(call.Str("start", "08:00"), "start");
    if (!start.ok()) return start.error();
    Result<int> end = ParseHm(call.Str("end", "18:00"), "end");
    if (!end.ok()) return end.error();
    h.start_minute = *start;
    h.end_minute = *end;
    CRM_TRY(auth.SetLoginHours(call.actor, h));
    return ToJson(h);
}

Result<json> SignInCmd(Call& call) {
    SignInRequest req;
    req.username = call.Str("username");
    req.password = call.Str("password");
    req.new_password = call.Str("new_password");
    req.source = call.Str("source", "api_key");
    Result<SignInResult> r = AuthOf(call.workspace).SignIn(req);
    if (!r.ok()) return r.error();
    return json{{"username", r->username}, {"token", r->token}, {"idle_minutes", r->idle_minutes}};
}

Result<json> SignOutCmd(Call& call) {
    AuthService& auth = AuthOf(call.workspace);
    const std::string token = call.Str("token");
    // Only the session's own user, or an administrator, ends it.
    if (!call.Holds(SystemPermission::ManageUsers)) {
        Result<std::string> who = auth.Touch(token);
        if (!who.ok() || *who != call.actor)
            return MakeError("access.denied", "Only the session's own user or Manage Users ends a session.");
    }
    CRM_TRY(auth.SignOut(token));
    return json{{"signed_out", true}};
}

Result<json> ChangePasswordCmd(Call& call) {
    CRM_TRY(AuthOf(call.workspace)
                .ChangePassword(call.actor, call.Str("current_password"), call.Str("new_password")));
    return json{{"changed", true}};
}

Result<json> ResetPasswordCmd(Call& call) {
    CRM_TRY(AuthOf(call.workspace)
                .ResetPassword(call.actor, call.Str("username"), call.Str("password"),
                               call.Bool("temporary", true)));
    return json{{"username", call.Str("username")}, {"temporary", call.Bool("temporary", true)}};
}

Result<json> UnlockCmd(Call& call) {
    CRM_TRY(AuthOf(call.workspace).Unlock(call.actor, call.Str("username")));
    return json{{"unlocked", call.Str("username")}};
}

Result<json> ViewAsCmd(Call& call) {
    CRM_TRY(AuthOf(call.workspace).ViewAs(call.actor, call.Str("user")));
    const std::string user = call.Str("user");
    return json{{"viewing_as", user.empty() ? call.actor : user}};
}

Result<json> StateCmd(Call& call) {
    Result<PasswordState> st = AuthOf(call.workspace).StateOf(call.Str("username"));
    if (!st.ok()) return st.error();
    json out = ToJson(*st);
    out["username"] = call.Str("username");
    return out;
}

Result<json> SessionsListCmd(Call& call) {
    json out = json::array();
    for (const Session& s : AuthOf(call.workspace).Sessions(call.Str("username"))) out.push_back(ToJson(s));
    return json{{"sessions", out}};
}

Result<json> SessionsEndCmd(Call& call) {
    Result<int> n = AuthOf(call.workspace).EndSessions(call.actor, call.Str("username"));
    if (!n.ok()) return n.error();
    return json{{"ended", *n}};
}

Result<json> HistoryCmd(Call& call) {
    LoginFilter f;
    f.username = call.Str("username");
    f.result = call.Str("result");
    f.since_ms = call.Time("since").value_or(0);
    f.until_ms = call.Time("until").value_or(0);
    f.limit = call.Int("limit", 200);
    std::vector<LoginEvent> events = AuthOf(call.workspace).History(f);
    if (call.Str("format", "json") == "csv") return json{{"csv", AuthService::HistoryCsv(events)}};
    json out = json::array();
    for (const LoginEvent& e : events) out.push_back(ToJson(e));
    return json{{"events", out}};
}

Reads ManageUsersOrSelf(const char* what) {
    return SetupData(what, {SystemPermission::ManageUsers}, "username");
}

}  // namespace

void RegisterAuthCommands(Registry& r) {
    const std::vector<SystemPermission> manage = {SystemPermission::ManageUsers};
    r.push_back(
        {"auth.sign_in",
         "Signs `username` in (the request's \"as\" must be that user, or hold Manage Users); a temporary "
         "or expired password needs `new_password`. Answers the session token, never a hash. Every "
         "attempt is in the login history.",
         {{"username", ArgType::String, true},
          {"password", ArgType::String},
          {"new_password", ArgType::String},
          {"source", ArgType::String, false, "\"browser\"|\"desktop\"|\"api_key\"|\"cli\""}},
         ManageUsersOrSelf("a sign-in"),
         true,
         {{"username", "admin"}, {"password", "Walk-example-9"}},
         SignInCmd});
    r.push_back({"auth.sign_out",
                 "Ends the session of `token` (its own user, or Manage Users).",
                 {{"token", ArgType::String, true}},
                 PublicFacts(),
                 true,
                 {{"token", "0f3c"}},
                 SignOutCmd});
    r.push_back({"auth.change_password",
                 "Changes the acting user's own password (the current one required; the policy applies).",
                 {{"current_password", ArgType::String}, {"new_password", ArgType::String, true}},
                 PublicFacts(),
                 true,
                 {{"current_password", "Walk-example-9"}, {"new_password", "Walk-example-10"}},
                 ChangePasswordCmd});
    r.push_back(
        {"auth.reset_password",
         "Sets a user's password, temporary by default (changed at the next sign-in); clears a lockout "
         "and ends the user's sessions.",
         {{"username", ArgType::String, true},
          {"password", ArgType::String, true},
          {"temporary", ArgType::Boolean}},
         SetupData("the users' passwords", manage),
         true,
         {{"username", "reader"}, {"password", "Temp-2026-pass"}, {"temporary", true}},
         ResetPasswordCmd});
    r.push_back({"auth.unlock",
                 "Clears a lockout after failed sign-ins.",
                 {{"username", ArgType::String, true}},
                 SetupData("the lockouts", manage),
                 true,
                 {{"username", "reader"}},
                 UnlockCmd});
    r.push_back({"auth.view_as",
                 "View as: the actor (Log In As) starts acting in the console as `user`; `user` naming the "
                 "actor ends it. Both are audited; the console then reads only what `user` may.",
                 {{"user", ArgType::String, true}},
                 SetupData("acting as another user", {SystemPermission::LogInAs}, "user"),
                 true,
                 {{"user", "reader"}},
                 ViewAsCmd});
    r.push_back({"auth.state",
                 "A user's password state: set, temporary, expired, locked (never the hash).",
                 {{"username", ArgType::String, true}},
                 ManageUsersOrSelf("a user's password state"),
                 false,
                 {{"username", "reader"}},
                 StateCmd});
    r.push_back({"auth.policy.get",
                 "The security settings: require sign-in, the password policy, lockout, idle timeout, login "
                 "hours per profile, locked users.",
                 {},
                 SetupData("the security settings", manage),
                 false,
                 json::object(),
                 PolicyGetCmd});
    r.push_back(
        {"auth.policy.update",
         "Changes any subset of the security settings; refused when it would lock every administrator "
         "out.",
         {{"require_sign_in", ArgType::Boolean},
          {"min_length", ArgType::Integer},
          {"min_classes", ArgType::Integer},
          {"expiry_days", ArgType::Integer},
          {"history_count", ArgType::Integer},
          {"block_common", ArgType::Boolean},
          {"lockout_attempts", ArgType::Integer},
          {"lockout_minutes", ArgType::Integer},
          {"idle_minutes", ArgType::Integer}},
         SetupData("the security settings", manage),
         true,
         {{"min_length", 10}},
         PolicyUpdateCmd});
    r.push_back({"auth.policy.login_hours",
                 "Sets (or with clear: removes) the login hours of a profile, in the company's time zone.",
                 {{"profile", ArgType::String, true},
                  {"weekdays", ArgType::Array, false, "[\"mon\"..\"sun\"]"},
                  {"start", ArgType::String, false, "\"HH:MM\""},
                  {"end", ArgType::String, false, "\"HH:MM\""},
                  {"clear", ArgType::Boolean}},
                 SetupData("the security settings", manage),
                 true,
                 {{"profile", "Standard User"},
                  {"weekdays", {"mon", "tue", "wed", "thu", "fri"}},
                  {"start", "08:00"},
                  {"end", "18:00"}},
                 LoginHoursCmd});
    r.push_back({"auth.sessions.list",
                 "Open sessions (of `username`, or everyone's).",
                 {{"username", ArgType::String}},
                 ManageUsersOrSelf("the sessions"),
                 false,
                 json::object(),
                 SessionsListCmd});
    r.push_back({"auth.sessions.end",
                 "Ends every session of `username` (the user itself, or Manage Users).",
                 {{"username", ArgType::String, true}},
                 ManageUsersOrSelf("the sessions"),
                 true,
                 {{"username", "reader"}},
                 SessionsEndCmd});
    r.push_back({"auth.history",
                 "The login history, newest first: time, user, result, source; filterable; `format: \"csv\"` "
                 "exports it.",
                 {{"username", ArgType::String},
                  {"result", ArgType::String},
                  {"since", ArgType::Time},
                  {"until", ArgType::Time},
                  {"limit", ArgType::Integer},
                  {"format", ArgType::String, false, "\"json\"|\"csv\""}},
                 SetupData("the login history", manage),
                 false,
                 {{"limit", 50}},
                 HistoryCmd});
}

}  // namespace crm::api
