// notify.types.*, notify.templates.* (with preview), notify.prefs.*, notify.send, notify.skips: the
// notification engine (core/notify). Configuration needs Manage Notifications; a user's own preferences are
// theirs to read and change (the organisation's locks permitting).
#include "access/access.h"
#include "api/command.h"
#include "common/messages.h"
#include "notify/notify.h"
#include "workspace.h"

namespace crm::api {

void RegisterNotifyCommands(Registry& r);

namespace {

using SP = SystemPermission;

Result<int> ParseHm(const std::string& text, const char* field) {
    int h = 0, m = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%d:%d%c", &h, &m, &tail) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
        return InvalidArgument(field,
                               std::string("\"") + field + "\" must be a time HH:MM, such as \"22:00\".");
    return h * 60 + m;
}

std::string Hm(int minute) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
    return buf;
}

Result<json> TypesListCmd(Call& call) {
    json out = json::array();
    for (const NotificationType& t : NotifyOf(call.workspace).Types()) out.push_back(ToJson(t));
    return json{{"types", out}, {"channels", NotificationChannels()}};
}

Result<json> TypesSaveCmd(Call& call) {
    NotifyService& n = NotifyOf(call.workspace);
    NotificationType t;
    t.code = call.Str("code");
    if (Result<NotificationType> old = n.GetType(t.code); old.ok()) t = *old;
    t.label = call.Str("label", t.label);
    t.label_zh = call.Str("label_zh", t.label_zh);
    t.object = call.Str("object", t.object);
    t.priority = call.Str("priority", t.priority);
    Result<NotificationType> saved = n.SaveType(call.actor, t);
    if (!saved.ok()) return saved.error();
    return ToJson(*saved);
}

Result<json> TypesDeleteCmd(Call& call) {
    return StatusJson(NotifyOf(call.workspace).DeleteType(call.actor, call.Str("code")), json::object());
}

NotificationTemplate TemplateFromArgs(Call& call) {
    NotificationTemplate t;
    t.type = call.Str("type");
    t.language = call.Str("language", "en");
    for (const NotificationTemplate& stored : NotifyOf(call.workspace).Templates(t.type))
        if (stored.language == t.language) t = stored;
    t.subject = call.Str("subject", t.subject);
    t.text = call.Str("text", t.text);
    t.html = call.Str("html", t.html);
    t.short_text = call.Str("short_text", t.short_text);
    return t;
}

Result<json> TemplatesListCmd(Call& call) {
    json out = json::array();
    for (const NotificationTemplate& t : NotifyOf(call.workspace).Templates(call.Str("type")))
        out.push_back(ToJson(t));
    return json{{"templates", out}};
}

Result<json> TemplatesCheckCmd(Call& call) {
    std::vector<Error> errors = NotifyOf(call.workspace).CheckTemplate(TemplateFromArgs(call));
    json out = json::array();
    for (const Error& e : errors) out.push_back(ErrorObject(e));
    return json{{"ok", errors.empty()}, {"errors", out}};
}

Result<json> TemplatesSaveCmd(Call& call) {
    NotificationTemplate t = TemplateFromArgs(call);
    std::vector<Error> errors = NotifyOf(call.workspace).CheckTemplate(t);
    if (errors.size() > 1) return WithDetails(call, errors);
    Result<NotificationTemplate> saved = NotifyOf(call.workspace).SaveTemplate(call.actor, t);
    if (!saved.ok()) return saved.error();
    return ToJson(*saved);
}

Result<json> TemplatesDeleteCmd(Call& call) {
    return StatusJson(
        NotifyOf(call.workspace).DeleteTemplate(call.actor, call.Str("type"), call.Str("language")),
        json::object());
}

Result<json> TemplatesPreviewCmd(Call& call) {
    Result<RenderedMessage> m =
        NotifyOf(call.workspace)
            .Preview(call.actor, TemplateFromArgs(call), call.Str("object"), call.Id("id"));
    if (!m.ok()) return m.error();
    return json{{"subject", m->subject}, {"text", m->text}, {"html", m->html}, {"short_text", m->short_text}};
}

Result<json> PrefsOrgCmd(Call& call) {
    json out = json::array();
    for (const OrgPreference& p : NotifyOf(call.workspace).OrgPreferences())
        out.push_back(
            {{"type", p.type}, {"channel", p.channel}, {"enabled", p.enabled}, {"locked", p.locked}});
    return json{{"preferences", out}};
}

Result<json> PrefsSetOrgCmd(Call& call) {
    OrgPreference p;
    p.type = call.Str("type");
    p.channel = call.Str("channel");
    p.enabled = call.Bool("enabled", true);
    p.locked = call.Bool("locked", false);
    return StatusJson(
        NotifyOf(call.workspace).SetOrgPreference(call.actor, p),
        json{{"type", p.type}, {"channel", p.channel}, {"enabled", p.enabled}, {"locked", p.locked}});
}

Result<json> PrefsGetCmd(Call& call) {
    NotifyService& n = NotifyOf(call.workspace);
    const std::string user = call.Str("user", call.actor);
    Result<std::vector<PreferenceCell>> cells = n.UserPreferences(call.actor, user);
    if (!cells.ok()) return cells.error();
    json matrix = json::array();
    for (const PreferenceCell& c : *cells)
        matrix.push_back({{"type", c.type},
                          {"channel", c.channel},
                          {"enabled", c.enabled},
                          {"org_enabled", c.org_enabled},
                          {"locked", c.locked},
                          {"own", c.own}});
    Result<std::vector<ChannelFrequency>> freq = n.Frequencies(call.actor, user);
    if (!freq.ok()) return freq.error();
    json frequencies = json::array();
    for (const ChannelFrequency& f : *freq)
        frequencies.push_back(
            {{"channel", f.channel}, {"frequency", f.frequency}, {"at", Hm(f.daily_minute)}});
    Result<QuietHours> q = n.GetQuietHours(call.actor, user);
    if (!q.ok()) return q.error();
    json quiet =
        q->active() ? json{{"start", Hm(q->start_minute)}, {"end", Hm(q->end_minute)}} : json(nullptr);
    return json{{"user", user}, {"matrix", matrix}, {"frequencies", frequencies}, {"quiet_hours", quiet}};
}

Result<json> PrefsSetCmd(Call& call) {
    const std::string user = call.Str("user", call.actor);
    std::optional<bool> enabled;
    if (call.args.contains("enabled") && !call.args["enabled"].is_null())
        enabled = call.Bool("enabled", true);
    return StatusJson(
        NotifyOf(call.workspace)
            .SetUserPreference(call.actor, user, call.Str("type"), call.Str("channel"), enabled),
        json{{"user", user}});
}

Result<json> PrefsFrequencyCmd(Call& call) {
    ChannelFrequency f;
    f.channel = call.Str("channel");
    f.frequency = call.Str("frequency");
    Result<int> at = ParseHm(call.Str("at", "08:00"), "at");
    if (!at.ok()) return at.error();
    f.daily_minute = *at;
    const std::string user = call.Str("user", call.actor);
    return StatusJson(
        NotifyOf(call.workspace).SetFrequency(call.actor, user, f),
        json{{"user", user}, {"channel", f.channel}, {"frequency", f.frequency}, {"at", Hm(*at)}});
}

Result<json> PrefsQuietHoursCmd(Call& call) {
    QuietHours q;
    const std::string user = call.Str("user", call.actor);
    if (!call.Bool("clear", false)) {
        Result<int> start = ParseHm(call.Str("start", "22:00"), "start");
        if (!start.ok()) return start.error();
        Result<int> end = ParseHm(call.Str("end", "07:00"), "end");
        if (!end.ok()) return end.error();
        q.start_minute = *start;
        q.end_minute = *end;
    }
    return StatusJson(
        NotifyOf(call.workspace).SetQuietHours(call.actor, user, q),
        json{{"user", user},
             {"quiet_hours",
              q.active() ? json{{"start", Hm(q.start_minute)}, {"end", Hm(q.end_minute)}} : json(nullptr)}});
}

std::vector<std::string> Strings(const json* a) {
    std::vector<std::string> out;
    if (!a) return out;
    for (const json& v : *a)
        if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

Result<json> SendCmd(Call& call) {
    if (Status s = call.workspace.access().Require(call.actor, SP::ManageNotifications); !s.ok())
        return s.error();
    NotifyEvent e;
    e.type = call.Str("type");
    e.users = Strings(call.Obj("users"));
    e.roles = Strings(call.Obj("roles"));
    e.object = call.Str("object");
    e.record_id = call.Id("id");
    e.message = call.Str("message");
    e.priority = call.Str("priority");
    if (const json* channels = call.Obj("channels")) {
        if (channels->empty()) return MessageError("invalid_argument", "notify.no_channel", {}, "channels");
        for (const json& c : *channels)
            if (!c.is_string())
                return MessageError("invalid_argument", "notify.unknown_channel", {{"channel", c.dump()}},
                                    "channels");
        e.channels = Strings(channels);
    }
    e.actor = call.actor;
    Result<FanoutReport> r = NotifyOf(call.workspace).Notify(call.actor, e);
    if (!r.ok()) return r.error();
    return ToJson(*r);
}

Result<json> SkipsCmd(Call& call) {
    return json{{"skipped", NotifyOf(call.workspace).SkipLog(call.Int("limit", 100))}};
}

}  // namespace

void RegisterNotifyCommands(Registry& r) {
    const Reads setup = SetupData("the notification settings", {SP::ManageNotifications});
    const Reads own = SetupData("a user's notification preferences", {SP::ManageNotifications}, "user");
    const Arg type{"type", ArgType::String, true, "type code"};
    const Arg language{"language", ArgType::String, false, "\"en\"|\"zh-CN\""};
    r.push_back({"notify.types.list",
                 "Lists the notification types (built-in and custom) and the channels.",
                 {},
                 PublicFacts(),
                 false,
                 json::object(),
                 TypesListCmd});
    r.push_back(
        {"notify.types.save",
         "Creates a custom notification type (code custom_...) or changes a type's labels, object and "
         "default priority.",
         {{"code", ArgType::String, true},
          {"label", ArgType::String},
          {"label_zh", ArgType::String},
          {"object", ArgType::String},
          {"priority", ArgType::String, false, "\"normal\"|\"urgent\""}},
         setup,
         true,
         {{"code", "custom_big_deal"},
          {"label", "Big deal"},
          {"label_zh", "大单"},
          {"object", "Opportunity"},
          {"priority", "urgent"}},
         TypesSaveCmd});
    r.push_back({"notify.types.delete",
                 "Deletes a custom notification type with its templates and preferences.",
                 {{"code", ArgType::String, true}},
                 setup,
                 true,
                 {{"code", "custom_walk"}},
                 TypesDeleteCmd});
    const std::vector<Arg> template_args = {type,
                                            language,
                                            {"subject", ArgType::String},
                                            {"text", ArgType::String},
                                            {"html", ArgType::String},
                                            {"short_text", ArgType::String}};
    r.push_back({"notify.templates.list",
                 "Lists the templates, of one type or of all.",
                 {{"type", ArgType::String}},
                 setup,
                 false,
                 {{"type", "record_assigned"}},
                 TemplatesListCmd});
    r.push_back(
        {"notify.templates.check",
         "Checks a template (the stored one with the parts given over it): unknown merge fields and broken "
         "formulas, each with its position.",
         template_args,
         setup,
         false,
         {{"type", "record_assigned"}, {"language", "en"}, {"subject", "{{Record.Name}} is yours"}},
         TemplatesCheckCmd});
    r.push_back(
        {"notify.templates.save",
         "Saves a type's template in one language (the parts given over the stored ones); checked first.",
         template_args,
         setup,
         true,
         {{"type", "record_assigned"},
          {"language", "en"},
          {"subject", "{{Record.Name}} is now yours"},
          {"text", "{{Event.Actor}} assigned {{Record.Object}} {{Record.Name}} to you."},
          {"html", "<p>{{Event.Actor}} assigned <b>{{Record.Name}}</b> to you.</p>"},
          {"short_text", "{{Record.Name}} assigned to you"}},
         TemplatesSaveCmd});
    r.push_back({"notify.templates.delete",
                 "Deletes a type's template in one language.",
                 {type, language},
                 setup,
                 true,
                 {{"type", "report_ready"}, {"language", "zh-CN"}},
                 TemplatesDeleteCmd});
    std::vector<Arg> preview_args = template_args;
    preview_args.push_back({"object", ArgType::String, true});
    preview_args.push_back({"id", ArgType::Id, true});
    r.push_back(
        {"notify.templates.preview",
         "Renders a template against a record as the acting user reads it: fields they cannot read render "
         "as nothing.",
         preview_args,
         ObjectRecords(),
         false,
         {{"type", "record_assigned"},
          {"language", "zh-CN"},
          {"subject", "{{Account.Name}} 已分配给您"},
          {"object", "Account"},
          {"id", 1}},
         TemplatesPreviewCmd});
    r.push_back({"notify.prefs.org",
                 "The organisation's defaults for every type and channel, with the locks.",
                 {},
                 setup,
                 false,
                 json::object(),
                 PrefsOrgCmd});
    r.push_back(
        {"notify.prefs.set_org",
         "Sets the organisation's default for one type on one channel; a locked one binds every user.",
         {type,
          {"channel", ArgType::String, true, "\"in_app\"|\"popup\"|\"email\"|\"sms\""},
          {"enabled", ArgType::Boolean},
          {"locked", ArgType::Boolean}},
         setup,
         true,
         {{"type", "permissions_changed"}, {"channel", "email"}, {"enabled", true}, {"locked", true}},
         PrefsSetOrgCmd});
    r.push_back({"notify.prefs.get",
                 "A user's preferences: the types x channels matrix as it applies, frequencies, quiet hours.",
                 {{"user", ArgType::String, false, "username (name yourself, or hold Manage Notifications)"}},
                 own,
                 false,
                 {{"user", "admin"}},
                 PrefsGetCmd});
    r.push_back(
        {"notify.prefs.set",
         "Sets a user's own choice for one type on one channel (enabled null: back to the default); "
         "refused when the organisation locked it.",
         {{"user", ArgType::String}, type, {"channel", ArgType::String, true}, {"enabled", ArgType::Value}},
         own,
         true,
         {{"user", "admin"}, {"type", "report_ready"}, {"channel", "email"}, {"enabled", false}},
         PrefsSetCmd});
    r.push_back(
        {"notify.prefs.frequency",
         "Sets how often a channel delivers to a user: immediately, an hourly digest, or a daily digest at a "
         "time.",
         {{"user", ArgType::String},
          {"channel", ArgType::String, true},
          {"frequency", ArgType::String, true, "\"immediately\"|\"hourly\"|\"daily\""},
          {"at", ArgType::String, false, "HH:MM (daily)"}},
         own,
         true,
         {{"user", "admin"}, {"channel", "email"}, {"frequency", "daily"}, {"at", "08:30"}},
         PrefsFrequencyCmd});
    r.push_back(
        {"notify.prefs.quiet_hours",
         "Sets a user's quiet hours in their time zone (22:00-07:00 spans midnight); normal messages wait, "
         "urgent ones go through.",
         {{"user", ArgType::String},
          {"start", ArgType::String, false, "HH:MM"},
          {"end", ArgType::String, false, "HH:MM"},
          {"clear", ArgType::Boolean}},
         own,
         true,
         {{"user", "admin"}, {"start", "22:00"}, {"end", "07:00"}},
         PrefsQuietHoursCmd});
    r.push_back(
        {"notify.send",
         "Sends a notification event to users and roles (with the roles below them): inbox entries, and "
         "email/SMS messages queued in the outbox; `channels` narrows it to those channels (each recipient's "
         "preferences still apply on top).",
         {type,
          {"users", ArgType::Array, false, "[username]"},
          {"roles", ArgType::Array, false, "[role name]"},
          {"object", ArgType::String},
          {"id", ArgType::Id},
          {"message", ArgType::String},
          {"priority", ArgType::String, false, "\"normal\"|\"urgent\""},
          {"channels", ArgType::Array, false, "[\"in_app\"|\"popup\"|\"email\"|\"sms\"] (none: all)"}},
         setup,
         true,
         {{"type", "report_ready"},
          {"users", {"admin"}},
          {"message", "The pipeline report is ready."},
          {"channels", {"in_app", "email"}}},
         SendCmd});
    r.push_back({"notify.skips",
                 "The recipients and channels left out of recent notifications, with the reason.",
                 {{"limit", ArgType::Integer}},
                 setup,
                 false,
                 {{"limit", 20}},
                 SkipsCmd});
}

}  // namespace crm::api
