// The sections "notification_types", "notification_templates", "notification_defaults" and "reminders"
// of the document: what the organisation is told and how (core/notify). A user's own preferences,
// frequencies and quiet hours are the user's, not configuration, and stay out; so do the inbox, the
// outbox and what reminders fired.
#include "integration/config_internal.h"
#include "notify/notify.h"
#include "notify/reminder.h"
#include "workspace.h"

namespace crm::config::detail {

namespace {

const std::vector<std::string> kTypeKeys = {"label", "label_zh", "object", "priority"};
const std::vector<std::string> kTemplateKeys = {"subject", "text", "html", "short_text"};
const std::vector<std::string> kDefaultKeys = {"enabled", "locked"};
const std::vector<std::string> kReminderKeys = {"object",
                                                "date_field",
                                                "offset",
                                                "unit",
                                                "direction",
                                                "at",
                                                "repeat_every",
                                                "repeat_unit",
                                                "repeat_count",
                                                "until",
                                                "type",
                                                "priority",
                                                "message",
                                                "notify_owner",
                                                "users",
                                                "roles",
                                                "escalate_after_minutes",
                                                "active",
                                                "channels"};

// A string member of a document's item ("" when absent); a present non-string is the document's error.
Result<std::string> Text(const json& item, const char* key, const std::string& path, std::string fallback) {
    const json& v = At(item, key);
    if (v.is_null()) return fallback;
    if (!v.is_string()) return ConfigError("config.not_object", Join(path, key));
    return v.get<std::string>();
}

// Applies a section keyed {type: {name: item}} (templates by language, defaults by channel): `apply` runs
// for each item the workspace does not already hold as the document says.
template <typename Apply>
Status ApplyByType(const char* section, const json& wanted, const json& current, Apply apply) {
    for (auto type = wanted.begin(); type != wanted.end(); ++type) {
        for (auto item = type.value().begin(); item != type.value().end(); ++item) {
            const json& have = At(At(current, type.key()), item.key());
            if (Covers(have, item.value())) continue;
            CRM_TRY(apply(type.key(), item.key(), item.value(), have,
                          Join(Join(section, type.key()), item.key())));
        }
    }
    return Status::Ok();
}

// [SECTION] notification types

Result<json> ReadTypes(Workspace& ws, const std::string&) {
    json out = json::object();
    for (const NotificationType& t : NotifyOf(ws).Types())
        out[t.code] = Without(ToJson(t), {"code", "builtin"});
    return out;
}

Status ApplyTypes(ApplyContext& ctx, const json& wanted, const json& current) {
    NotifyService& notify = NotifyOf(ctx.workspace);
    for (auto it = wanted.begin(); it != wanted.end(); ++it) {
        const std::string path = Join("notification_types", it.key());
        const json& have = At(current, it.key());
        if (Covers(have, it.value())) continue;
        NotificationType t;
        if (Result<NotificationType> known = notify.GetType(it.key()); known.ok()) t = *known;
        t.code = it.key();
        for (auto [key, member] : {std::pair{"label", &t.label}, std::pair{"label_zh", &t.label_zh},
                                   std::pair{"object", &t.object}, std::pair{"priority", &t.priority}}) {
            Result<std::string> v = Text(it.value(), key, path, *member);
            if (!v.ok()) return v.error();
            *member = *v;
        }
        Result<NotificationType> saved = notify.SaveType(ctx.actor, t);
        if (!saved.ok()) return AtPath(saved.error(), path);
    }
    return Status::Ok();
}

// [SECTION] templates

Result<json> ReadTemplates(Workspace& ws, const std::string&) {
    json out = json::object();
    for (const NotificationTemplate& t : NotifyOf(ws).Templates())
        out[t.type][t.language] = Without(ToJson(t), {"type", "language"});
    return out;
}

Status ApplyTemplates(ApplyContext& ctx, const json& wanted, const json& current) {
    NotifyService& notify = NotifyOf(ctx.workspace);
    return ApplyByType(
        "notification_templates", wanted, current,
        [&](const std::string& type, const std::string& language, const json& want, const json& have,
            const std::string& path) -> Status {
            NotificationTemplate t;
            t.type = type;
            t.language = language;
            for (auto [key, member] : {std::pair{"subject", &t.subject}, std::pair{"text", &t.text},
                                       std::pair{"html", &t.html}, std::pair{"short_text", &t.short_text}}) {
                Result<std::string> v =
                    Text(want, key, path, At(have, key).is_string() ? have[key].get<std::string>() : "");
                if (!v.ok()) return v.error();
                *member = *v;
            }
            Result<NotificationTemplate> saved = notify.SaveTemplate(ctx.actor, t);
            return saved.ok() ? Status::Ok() : Status(AtPath(saved.error(), path));
        });
}

// [SECTION] the organisation's defaults per type and channel

Result<json> ReadDefaults(Workspace& ws, const std::string&) {
    json out = json::object();
    for (const OrgPreference& p : NotifyOf(ws).OrgPreferences())
        out[p.type][p.channel] = json{{"enabled", p.enabled}, {"locked", p.locked}};
    return out;
}

Status ApplyDefaults(ApplyContext& ctx, const json& wanted, const json& current) {
    NotifyService& notify = NotifyOf(ctx.workspace);
    return ApplyByType(
        "notification_defaults", wanted, current,
        [&](const std::string& type, const std::string& channel, const json& want, const json& have,
            const std::string& path) -> Status {
            OrgPreference p{type, channel};
            for (auto [key, member] : {std::pair{"enabled", &p.enabled}, std::pair{"locked", &p.locked}}) {
                const json& v = At(want, key);
                const json& was = At(have, key);
                if (!v.is_null() && !v.is_boolean()) return ConfigError("config.not_object", Join(path, key));
                *member = v.is_boolean() ? v.get<bool>() : was.is_boolean() ? was.get<bool>() : *member;
            }
            return Prefixed(notify.SetOrgPreference(ctx.actor, p), path);
        });
}

// [SECTION] reminders (keyed by name, which is unique)

Result<json> ReadReminders(Workspace& ws, const std::string&) {
    json out = json::object();
    for (const ReminderRule& r : RemindersOf(ws).Rules()) out[r.name] = Without(ToJson(r), {"id", "name"});
    return out;
}

Status ApplyReminders(ApplyContext& ctx, const json& wanted, const json& current) {
    ReminderService& reminders = RemindersOf(ctx.workspace);
    for (auto it = wanted.begin(); it != wanted.end(); ++it) {
        const std::string path = Join("reminders", it.key());
        if (Covers(At(current, it.key()), it.value())) continue;
        ReminderRule base;
        for (const ReminderRule& r : reminders.Rules())
            if (r.name == it.key()) base = r;
        json spec = it.value();
        spec["name"] = it.key();
        Result<ReminderRule> rule = ReminderRuleFromJson(spec, base);
        if (!rule.ok()) return AtPath(rule.error(), path);
        Result<ReminderRule> saved = reminders.Save(ctx.actor, *rule);
        if (!saved.ok()) return AtPath(saved.error(), path);
    }
    return Status::Ok();
}

}  // namespace

void AddNotifySections(std::vector<ConfigSection>& out) {
    out.push_back({"notification_types", ReadTypes,
                   [](const json& s) { return CheckNamed(s, "notification_types", kTypeKeys); }, ApplyTypes,
                   nullptr});
    out.push_back({"notification_templates", ReadTemplates,
                   [](const json& s) { return CheckByObject(s, "notification_templates", kTemplateKeys); },
                   ApplyTemplates, nullptr});
    out.push_back({"notification_defaults", ReadDefaults,
                   [](const json& s) { return CheckByObject(s, "notification_defaults", kDefaultKeys); },
                   ApplyDefaults, nullptr});
    out.push_back({"reminders", ReadReminders,
                   [](const json& s) { return CheckNamed(s, "reminders", kReminderKeys); }, ApplyReminders,
                   nullptr});
}

}  // namespace crm::config::detail
