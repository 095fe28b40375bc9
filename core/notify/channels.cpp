#include "notify/channels.h"

#include <algorithm>

#include "audit/change.h"
#include "common/messages.h"
#include "storage/database.h"
#include "workflow/outbox.h"

namespace crm {

namespace {

using nlohmann::json;

const MessageDef kChannelMessages[] = {
    {"notify.unknown_setting", "The {channel} channel has no setting {field}.",
     "{channel} 渠道没有设置项 {field}。"},
    {"notify.bad_url", "{field} must be an http or https URL with a host, not \"{value}\".",
     "{field} 必须是带主机名的 http 或 https 地址，而不是“{value}”。"},
    {"notify.missing_host", "SMTP needs a host name (host).", "SMTP 需要主机名（host）。"},
    {"notify.bad_number", "{field} must be a whole number from {min} to {max}.",
     "{field} 必须是 {min} 到 {max} 之间的整数。"},
    {"notify.bad_choice", "{field} must be one of {choices}, not \"{value}\".",
     "{field} 必须是 {choices} 之一，而不是“{value}”。"},
    {"notify.bad_text", "{field} must be text.", "{field} 必须是文本。"},
    {"notify.bad_email_address", "{field}: \"{value}\" is not an email address.",
     "{field}：“{value}”不是电子邮件地址。"},
    {"notify.bad_ca_file",
     "ca_file must be empty (the system's trusted certificates) or the absolute path of a PEM file, not "
     "\"{value}\".",
     "ca_file 必须为空（使用系统信任的证书）或 PEM 文件的绝对路径，而不是“{value}”。"},
    {"notify.bad_phone", "\"{value}\" is not an E.164 phone number (+ and country code, up to 15 digits).",
     "“{value}”不是 E.164 电话号码（+ 加国家代码，最多 15 位数字）。"},
};
CRM_REGISTER_MESSAGES(kChannelMessages);

struct KeyDef {
    const char* key;
    char kind;  ///< 's' text, 'n' number, 'x' secret text
};

const std::vector<KeyDef>& Keys(std::string_view channel) {
    static const std::vector<KeyDef> email = {
        {"mode", 's'},           {"host", 's'},      {"port", 'n'},      {"security", 's'},
        {"user", 's'},           {"password", 'x'},  {"from", 's'},      {"timeout_ms", 'n'},
        {"relay_url", 's'},      {"relay_key", 'x'}, {"max_tries", 'n'}, {"backoff_ms", 'n'},
        {"max_backoff_ms", 'n'}, {"ca_file", 's'}};
    static const std::vector<KeyDef> sms = {
        {"url", 's'},          {"auth_header", 'x'}, {"body_template", 's'},
        {"content_type", 's'}, {"from", 's'},        {"timeout_ms", 'n'},
        {"max_tries", 'n'},    {"backoff_ms", 'n'},  {"max_backoff_ms", 'n'}};
    static const std::vector<KeyDef> webhook = {{"secret", 'x'},
                                                {"timeout_ms", 'n'},
                                                {"max_tries", 'n'},
                                                {"backoff_ms", 'n'},
                                                {"max_backoff_ms", 'n'}};
    static const std::vector<KeyDef> none;
    if (channel == "email") return email;
    if (channel == "sms") return sms;
    if (channel == "webhook") return webhook;
    return none;
}

Error BadChannel(std::string_view channel) {
    return MessageError("notify.bad_channel", "notify.bad_channel", {{"channel", std::string(channel)}},
                        "channel");
}

Status NumberIn(const json& s, const char* key, int64_t lo, int64_t hi) {
    const json& v = s.at(key);
    if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
        return MessageError("notify.bad_setting", "notify.bad_number",
                            {{"field", key}, {"min", std::to_string(lo)}, {"max", std::to_string(hi)}}, key);
    return Status::Ok();
}

Status Choice(const json& s, const char* key, const std::vector<std::string>& choices) {
    const std::string v = s.at(key).get<std::string>();
    if (std::find(choices.begin(), choices.end(), v) != choices.end()) return Status::Ok();
    std::string list;
    for (const std::string& c : choices) list += (list.empty() ? "" : ", ") + c;
    return MessageError("notify.bad_setting", "notify.bad_choice",
                        {{"field", key}, {"choices", list}, {"value", v}}, key);
}

/// "/" then no control characters.
bool IsAbsolutePath(const std::string& path) {
    return !path.empty() && path[0] == '/' &&
           std::none_of(path.begin(), path.end(), [](char c) { return static_cast<unsigned char>(c) < ' '; });
}

Status Url(const json& s, const char* key, bool required) {
    const std::string v = s.at(key).get<std::string>();
    if (v.empty() && !required) return Status::Ok();
    if (!IsWebhookUrl(v))
        return MessageError("notify.bad_setting", "notify.bad_url", {{"field", key}, {"value", v}}, key);
    return Status::Ok();
}

}  // namespace

const std::vector<std::string>& ChannelNames() {
    static const std::vector<std::string> names = {"email", "sms", "webhook"};
    return names;
}

const std::vector<std::string>& SecretKeys(std::string_view channel) {
    static const std::vector<std::string> email = {"password", "relay_key"}, sms = {"auth_header"},
                                          webhook = {"secret"}, none;
    if (channel == "email") return email;
    if (channel == "sms") return sms;
    if (channel == "webhook") return webhook;
    return none;
}

bool IsE164(std::string_view n) {
    if (n.size() < 3 || n.size() > 16 || n[0] != '+' || n[1] < '1' || n[1] > '9') return false;
    return std::all_of(n.begin() + 1, n.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsEmailAddress(std::string_view a) {
    const size_t at = a.find('@');
    if (at == std::string_view::npos || at == 0 || a.find('@', at + 1) != std::string_view::npos)
        return false;
    const std::string_view domain = a.substr(at + 1);
    const size_t dot = domain.find('.');
    if (domain.empty() || dot == 0 || dot == std::string_view::npos || domain.back() == '.') return false;
    return std::none_of(a.begin(), a.end(),
                        [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>'; });
}

json RedactSecrets(std::string_view channel, const json& settings) {
    json out = settings.is_object() ? settings : json::object();
    for (const std::string& k : SecretKeys(channel)) {
        const bool set = out.contains(k) && out[k].is_string() && !out[k].get<std::string>().empty();
        out.erase(k);
        out[k + "_set"] = set;
    }
    return out;
}

json DefaultChannelSettings(std::string_view channel) {
    if (channel == "email")
        return {{"mode", "smtp"},
                {"host", "localhost"},
                {"port", 25},
                {"security", "starttls"},
                {"user", ""},
                {"password", ""},
                {"from", "crm@localhost.localdomain"},
                {"timeout_ms", 10000},
                {"relay_url", ""},
                {"relay_key", ""},
                {"max_tries", 5},
                {"backoff_ms", 30000},
                {"max_backoff_ms", 3600000},
                {"ca_file", ""}};
    if (channel == "sms")
        return {{"url", ""},
                {"auth_header", ""},
                {"body_template", R"({"to": "{{to}}", "text": "{{text}}"})"},
                {"content_type", "application/json"},
                {"from", ""},
                {"timeout_ms", 10000},
                {"max_tries", 5},
                {"backoff_ms", 30000},
                {"max_backoff_ms", 3600000}};
    if (channel == "webhook")
        return {{"secret", ""},
                {"timeout_ms", 10000},
                {"max_tries", 5},
                {"backoff_ms", 30000},
                {"max_backoff_ms", 3600000}};
    return json::object();
}

Status ValidateChannelSettings(std::string_view channel, const json& s) {
    const std::vector<KeyDef>& keys = Keys(channel);
    if (keys.empty()) return BadChannel(channel);
    if (!s.is_object())
        return MakeError("notify.bad_setting", "The settings must be a JSON object.", "settings");
    for (auto it = s.begin(); it != s.end(); ++it) {
        auto def = std::find_if(keys.begin(), keys.end(), [&](const KeyDef& k) { return it.key() == k.key; });
        if (def == keys.end())
            return MessageError("notify.unknown_setting", "notify.unknown_setting",
                                {{"channel", std::string(channel)}, {"field", it.key()}}, it.key());
        if (def->kind != 'n' && !it.value().is_string())
            return MessageError("notify.bad_setting", "notify.bad_text", {{"field", it.key()}}, it.key());
    }
    for (const KeyDef& k : keys) {
        if (!s.contains(k.key))
            return MessageError("notify.bad_setting", "notify.bad_text", {{"field", k.key}}, k.key);
    }
    CRM_TRY(NumberIn(s, "timeout_ms", 100, 300000));
    CRM_TRY(NumberIn(s, "max_tries", 1, 50));
    CRM_TRY(NumberIn(s, "backoff_ms", 0, 86400000));
    CRM_TRY(NumberIn(s, "max_backoff_ms", 0, 7 * 86400000LL));
    if (channel == "email") {
        CRM_TRY(Choice(s, "mode", {"smtp", "relay"}));
        CRM_TRY(Choice(s, "security", {"starttls", "tls", "none"}));
        CRM_TRY(NumberIn(s, "port", 1, 65535));
        const std::string host = s["host"].get<std::string>();
        const bool smtp = s["mode"] == "smtp";
        if (smtp && host.empty())
            return MessageError("notify.missing_host", "notify.missing_host", {}, "host");
        if (std::any_of(host.begin(), host.end(),
                        [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '@'; }))
            return MessageError("notify.bad_setting", "notify.bad_text", {{"field", "host"}}, "host");
        const std::string from = s["from"].get<std::string>();
        if (!IsEmailAddress(from))
            return MessageError("notify.bad_setting", "notify.bad_email_address",
                                {{"field", "from"}, {"value", from}}, "from");
        CRM_TRY(Url(s, "relay_url", !smtp));
        const std::string ca_file = s["ca_file"].get<std::string>();
        if (!ca_file.empty() && !IsAbsolutePath(ca_file))
            return MessageError("notify.bad_setting", "notify.bad_ca_file", {{"value", ca_file}}, "ca_file");
    } else if (channel == "sms") {
        CRM_TRY(Url(s, "url", false));
        const std::string from = s["from"].get<std::string>();
        if (!from.empty() && !IsE164(from))
            return MessageError("notify.bad_setting", "notify.bad_phone", {{"value", from}}, "from");
    }
    return Status::Ok();
}

Status ChannelService::Authorize(const std::string& actor) const {
    return authorizer_ ? authorizer_(actor, SystemPermission::ManageNotifications) : Status::Ok();
}

json ChannelService::Settings(std::string_view channel) const {
    json s = DefaultChannelSettings(channel);
    Statement st = changes_.db().Prepare("SELECT settings FROM notify_channels WHERE name = ?1");
    st.Bind(1, channel);
    if (st.Step()) {
        json stored = json::parse(st.Text(0), nullptr, false);
        if (stored.is_object()) s.update(stored);
    }
    return s;
}

Result<json> ChannelService::List(const std::string& actor) const {
    CRM_TRY(Authorize(actor));
    json out = json::array();
    for (const std::string& c : ChannelNames())
        out.push_back({{"channel", c}, {"settings", RedactSecrets(c, Settings(c))}});
    return out;
}

Result<json> ChannelService::Get(const std::string& actor, std::string_view channel) const {
    CRM_TRY(Authorize(actor));
    if (Keys(channel).empty()) return BadChannel(channel);
    return RedactSecrets(channel, Settings(channel));
}

Result<json> ChannelService::Set(const std::string& actor, std::string_view channel, const json& patch) {
    CRM_TRY(Authorize(actor));
    if (Keys(channel).empty()) return BadChannel(channel);
    if (!patch.is_object())
        return MakeError("notify.bad_setting", "The settings must be a JSON object.", "settings");
    const json old = Settings(channel);
    json next = old;
    for (auto it = patch.begin(); it != patch.end(); ++it) next[it.key()] = it.value();
    CRM_TRY(ValidateChannelSettings(channel, next));
    ChangeScope change(changes_, actor);
    CRM_TRY(change.begin_status());
    Statement st = changes_.db().Prepare(
        "INSERT INTO notify_channels(name, settings, updated_ms) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(name) DO UPDATE SET settings = excluded.settings, updated_ms = excluded.updated_ms");
    st.Bind(1, channel).Bind(2, next.dump()).Bind(3, change.now_ms());
    CRM_TRY(st.Run());
    const json old_public = RedactSecrets(channel, old), new_public = RedactSecrets(channel, next);
    std::vector<std::string> fields;
    for (auto it = patch.begin(); it != patch.end(); ++it) fields.push_back(it.key());
    CRM_TRY(change.Audit("notify", "update", "channel." + std::string(channel), old_public, new_public));
    change.Record("notify", "channels", ChangeAction::Config, 0, fields);
    CRM_TRY(change.Commit());
    return new_public;
}

}  // namespace crm
