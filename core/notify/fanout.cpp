// The fan-out: one event -> recipients (users, roles and the roles below them) -> per recipient, the
// channels their preferences allow, the template in their language rendered as they may read the record,
// an inbox entry, and email/SMS messages handed to the sink.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "access/access.h"
#include "audit/change.h"
#include "common/messages.h"
#include "common/text.h"
#include "company/company_profile.h"
#include "notify/notify_render.h"
#include "records/records.h"
#include "schema/schema.h"
#include "storage/database.h"
#include "workflow/notifications.h"

namespace crm {

namespace {

struct Recipient {
    std::string username, full_name, email, phone, language, time_zone;
};

const char* const kUserColumns =
    "SELECT username, full_name, email, phone, language, time_zone FROM access_user ";

Recipient ReadRecipient(Statement& st) {
    return {st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5)};
}

/// A field the rendering of a template reads: a field of the record's object, or of an object a lookup
/// of it leads to (a formula's path).
struct ReadField {
    const ObjectDef* object;
    const FieldDef* field;
};

}  // namespace

nlohmann::json ToJson(const FanoutReport& r) {
    nlohmann::json skipped = nlohmann::json::array();
    for (const FanoutSkip& s : r.skipped)
        skipped.push_back({{"username", s.username}, {"channel", s.channel}, {"reason", s.reason}});
    return {{"event_id", r.event_id}, {"recipients", r.recipients}, {"in_app", r.in_app},
            {"popup", r.popup},       {"queued", r.queued},         {"skipped", skipped}};
}

Result<FanoutReport> NotifyService::Notify(const std::string& actor, const NotifyEvent& event) {
    ChangeScope scope(impl_->changes, actor);
    CRM_TRY(scope.begin_status());
    Result<FanoutReport> r = Notify(scope, event);
    if (!r.ok()) return r;
    CRM_TRY(scope.Commit());
    return r;
}

Result<FanoutReport> NotifyService::Notify(ChangeScope& scope, const NotifyEvent& event) {
    Database& db = impl_->db();
    Result<NotificationType> type = GetType(event.type);
    if (!type.ok()) return type.error();
    const std::string priority = event.priority.empty() ? type->priority : event.priority;
    if (priority != "normal" && priority != "urgent")
        return MessageError("invalid_argument", "notify.priority", {}, "priority");
    const bool urgent = priority == "urgent";
    // The sender's choice of channels (none named: every channel); preferences apply on top.
    std::set<std::string> chosen;
    for (const std::string& c : event.channels) {
        const std::vector<std::string>& all = NotificationChannels();
        if (std::find(all.begin(), all.end(), c) == all.end())
            return MessageError("invalid_argument", "notify.unknown_channel", {{"channel", c}}, "channels");
        chosen.insert(c);
    }
    FanoutReport report;

    // Recipients: named users, and every user of each role and of the roles below it; once each.
    std::vector<Recipient> recipients;
    std::set<std::string> seen;
    auto add = [&](Statement& st) {
        while (st.Step()) {
            Recipient r = ReadRecipient(st);
            if (seen.insert(ToLowerAscii(r.username)).second) recipients.push_back(std::move(r));
        }
    };
    for (const std::string& u : event.users) {
        Statement st = db.Prepare(std::string(kUserColumns) + "WHERE username = ?1 AND active = 1");
        st.Bind(1, u);
        Statement exists = db.Prepare("SELECT 1 FROM access_user WHERE username = ?1");
        exists.Bind(1, u);
        if (!exists.Step())
            return MessageError("not_found", "notify.unknown_user", {{"username", u}}, "users");
        add(st);
    }
    for (const std::string& role : event.roles) {
        Statement exists = db.Prepare("SELECT 1 FROM access_role WHERE name = ?1");
        exists.Bind(1, role);
        if (!exists.Step())
            return MessageError("not_found", "notify.unknown_role", {{"role", role}}, "roles");
        Statement st = db.Prepare(std::string(kUserColumns) +
                                  "WHERE active = 1 AND role_id IN (WITH RECURSIVE below(id) AS ("
                                  "SELECT id FROM access_role WHERE name = ?1 UNION "
                                  "SELECT r.id FROM access_role r JOIN below ON r.parent_id = below.id) "
                                  "SELECT id FROM below) ORDER BY id");
        st.Bind(1, role);
        add(st);
    }
    report.recipients = static_cast<int>(recipients.size());

    // Templates in both languages (a missing one falls back to the other, then to the type's label).
    std::map<std::string, std::shared_ptr<const CompiledTemplate>> templates;
    for (const NotificationTemplate& t : Templates(type->code)) {
        Result<std::shared_ptr<const CompiledTemplate>> c =
            CompileTemplate(impl_->schema, t, type->object, nullptr);
        if (c.ok()) templates[t.language] = *c;
    }
    auto fallback = [&](const std::string& language) {
        NotificationTemplate t;
        t.type = type->code;
        t.language = language;
        t.subject = language == "zh-CN" && !type->label_zh.empty() ? type->label_zh : type->label;
        t.text = "{{Event.Message}}";
        t.short_text = t.subject;
        t.html = "<p>{{Event.Message}}</p>";
        return *CompileTemplate(impl_->schema, t, "", nullptr);
    };
    for (const char* lang : {"en", "zh-CN"}) {
        if (templates.count(lang)) continue;
        const char* other = std::string(lang) == "en" ? "zh-CN" : "en";
        templates[lang] = templates.count(other) ? templates[other] : fallback(lang);
    }

    // The record, read once with every right; each reader is then shown only what they may read.
    Result<CompanyProfile> profile = impl_->company.Get();
    MergeContext base;
    if (profile.ok()) {
        base.currency = profile->currency;
        base.date_format = profile->date_format;
        base.org_name = profile->name;
    }
    base.actor = event.actor;
    base.message = event.message;
    nlohmann::json record;
    std::shared_ptr<const ObjectDef> def;
    int64_t owner_id = 0;
    std::vector<ReadField> read_fields;  // what the templates read, for the per-reader checks
    std::map<std::string, std::pair<std::optional<std::string>, std::vector<ReadField>>> formulas;
    if (!event.object.empty() && event.record_id > 0) {
        Result<std::shared_ptr<const ObjectDef>> o = impl_->schema.Object(event.object);
        if (!o.ok()) return o.error();
        def = *o;
        Result<nlohmann::json> r = impl_->records.Get(kSystemActor, def->api_name, event.record_id);
        if (!r.ok()) return r.error();
        record = std::move(*r);
        if (record.contains("OwnerId") && record["OwnerId"].is_number_integer()) {
            owner_id = record["OwnerId"].get<int64_t>();
            FillOwner(db, owner_id, base);
        }
        base.object = def.get();
        base.record = &record;
        base.record_id = event.record_id;
        for (const auto& [lang, t] : templates) {
            (void)lang;
            for (const ParsedText& part : t->parts)
                for (const TemplatePart& p : part.parts) {
                    if (p.kind != TemplatePart::Kind::Field) continue;
                    const std::string name =
                        p.scope == "Record" && p.name == "Name" ? def->name_field : p.name;
                    if (p.scope != def->api_name && !(p.scope == "Record" && p.name == "Name")) continue;
                    if (const FieldDef* f = def->Field(name)) read_fields.push_back({def.get(), f});
                }
            if (t->object != def->api_name) continue;
            for (const auto& [text, compiled] : t->formulas) {
                if (formulas.count(text)) continue;
                std::vector<ReadField> needs;
                bool resolvable = true;
                for (const formula::FieldInfo& fi : compiled.fields()) {
                    const size_t dot = fi.name.find('.');
                    if (dot == std::string::npos) {
                        if (const FieldDef* f = def->Field(fi.name)) needs.push_back({def.get(), f});
                        continue;
                    }
                    // A path: the lookup whose relationship name starts it, then the target's field.
                    const std::string rel = fi.name.substr(0, dot);
                    const FieldDef* lookup = nullptr;
                    for (const FieldDef& f : def->fields)
                        if (f.type == FieldType::Lookup && f.relationship_name == rel) lookup = &f;
                    Result<std::shared_ptr<const ObjectDef>> target =
                        lookup ? impl_->schema.Object(lookup->lookup_object)
                               : Result<std::shared_ptr<const ObjectDef>>(Error{});
                    const FieldDef* tf = target.ok() ? (*target)->Field(fi.name.substr(dot + 1)) : nullptr;
                    if (!lookup || !tf) {
                        resolvable = false;
                        continue;
                    }
                    needs.push_back({def.get(), lookup});
                    needs.push_back({target->get(), tf});
                }
                std::optional<std::string> value;
                if (resolvable) {
                    Result<formula::Value> v = impl_->records.EvalFormula(
                        kSystemActor, def->api_name, text, event.record_id, nlohmann::json::object());
                    if (v.ok()) value = FormatFormulaValue(*v, base);
                }
                formulas[text] = {value, std::move(needs)};
            }
        }
    }

    // Preferences of the type, for everyone at once.
    std::map<std::string, bool> org_enabled;
    for (const OrgPreference& p : OrgPreferences())
        if (p.type == type->code) org_enabled[p.channel] = p.enabled;
    std::set<std::string> locked;
    for (const OrgPreference& p : OrgPreferences())
        if (p.type == type->code && p.locked) locked.insert(p.channel);
    std::unordered_map<std::string, std::map<std::string, bool>> own;
    {
        Statement st =
            db.Prepare("SELECT lower(username), channel, enabled FROM notify_user_prefs WHERE type = ?1");
        st.Bind(1, type->code);
        while (st.Step()) own[st.Text(0)][st.Text(1)] = st.Int(2) != 0;
    }
    std::unordered_map<std::string, std::map<std::string, ChannelFrequency>> frequencies;
    {
        Statement st =
            db.Prepare("SELECT lower(username), channel, frequency, daily_minute FROM notify_user_channels");
        while (st.Step())
            frequencies[st.Text(0)][st.Text(1)] = {st.Text(1), st.Text(2), static_cast<int>(st.Int(3))};
    }
    std::unordered_map<std::string, QuietHours> quiet;
    {
        Statement st = db.Prepare("SELECT lower(username), start_minute, end_minute FROM notify_quiet_hours");
        while (st.Step()) quiet[st.Text(0)] = {static_cast<int>(st.Int(1)), static_cast<int>(st.Int(2))};
    }

    {
        Statement ev = db.Prepare(
            "INSERT INTO notify_events(type, object, record_id, actor, at_ms, recipients) VALUES(?1, ?2, ?3, "
            "?4, ?5, ?6)");
        ev.Bind(1, type->code)
            .Bind(2, def ? def->api_name : std::string())
            .Bind(3, event.record_id)
            .Bind(4, event.actor)
            .Bind(5, scope.now_ms())
            .Bind(6, static_cast<int64_t>(recipients.size()));
        CRM_TRY(ev.Run());
        report.event_id = db.LastInsertRowId();
    }
    Statement skip_log = db.Prepare(
        "INSERT INTO notify_skips(event_id, username, channel, reason, at_ms) VALUES(?1, ?2, ?3, ?4, ?5)");
    auto skip = [&](const Recipient& r, const char* channel, const Error& why) -> Status {
        report.skipped.push_back({r.username, channel, why.message});
        skip_log.Reset();
        skip_log.Bind(1, report.event_id)
            .Bind(2, r.username)
            .Bind(3, channel)
            .Bind(4, why.message)
            .Bind(5, scope.now_ms());
        return skip_log.Run();
    };

    const AccessPolicy& policy = impl_->access.policy();
    const int64_t now = scope.now_ms();
    for (const Recipient& r : recipients) {
        const std::string key = ToLowerAscii(r.username);
        auto enabled = [&](const std::string& channel) {
            if (!chosen.empty() && !chosen.count(channel)) return false;
            if (!locked.count(channel)) {
                auto u = own.find(key);
                if (u != own.end()) {
                    auto c = u->second.find(channel);
                    if (c != u->second.end()) return c->second;
                }
            }
            return org_enabled[channel];
        };
        const bool in_app = enabled("in_app"), popup = enabled("popup"), email = enabled("email"),
                   sms = enabled("sms");
        if (!in_app && !popup && !email && !sms) continue;

        // What this reader may read of the record.
        MergeContext ctx = base;
        ctx.chinese = r.language == "zh-CN";
        ctx.recipient_name = r.full_name;
        ctx.recipient_username = r.username;
        std::set<const FieldDef*> readable;
        if (def) {
            ctx.record_visible =
                policy.CanAccessObject(r.username, *def, ObjectAction::Read) &&
                policy.RecordLevel(r.username, *def, event.record_id, owner_id) >= AccessLevel::Read;
            for (const ReadField& f : read_fields)
                if (policy.CanReadField(r.username, *f.object, *f.field)) readable.insert(f.field);
            ctx.can_read = [&readable](const FieldDef& f) { return readable.count(&f) > 0; };
            const bool visible = ctx.record_visible;
            const std::string username = r.username;
            ctx.formula = [&formulas, &policy, visible,
                           username](const std::string& text) -> std::optional<std::string> {
                auto it = formulas.find(text);
                if (!visible || it == formulas.end()) return std::nullopt;
                for (const ReadField& f : it->second.second) {
                    if (!policy.CanAccessObject(username, *f.object, ObjectAction::Read) ||
                        !policy.CanReadField(username, *f.object, *f.field))
                        return std::nullopt;
                }
                return it->second.first;
            };
        }
        const CompiledTemplate& t = *templates[ctx.chinese ? "zh-CN" : "en"];
        const RenderedMessage m = Render(t, ctx);

        auto when = [&](const std::string& channel) {
            auto f = frequencies.find(key);
            ChannelFrequency freq{channel, "immediately", 480};
            if (f != frequencies.end() && f->second.count(channel)) freq = f->second[channel];
            auto q = quiet.find(key);
            return EarliestDelivery(now, r.time_zone, q == quiet.end() ? QuietHours{} : q->second, freq,
                                    urgent);
        };
        if (in_app || popup) {
            NotificationDraft draft;
            draft.recipients = {r.username};
            draft.title = m.subject.empty() ? type->label : m.subject;
            draft.body = m.text;
            draft.object = def ? def->api_name : std::string();
            draft.record_id = def ? event.record_id : 0;
            draft.link_kind = def ? "record" : "none";
            draft.type = type->code;
            draft.priority = priority;
            // A pop-up is for now: held back during quiet hours (unless urgent); the inbox keeps it.
            draft.popup = popup && when("popup") <= now;
            CRM_TRY(impl_->inbox.Notify(scope, draft));
            ++report.in_app;
            if (draft.popup) ++report.popup;
        }
        auto queue = [&](const char* channel, const std::string& to, const std::string& subject,
                         const std::string& text, const std::string& html) -> Status {
            if (!sink_)
                return skip(r, channel, MakeError("notify.no_outbox", "No message outbox is attached."));
            QueuedMessage q;
            q.channel = channel;
            q.to = to;
            q.subject = subject;
            q.text = text;
            q.html = html;
            q.payload = {{"event_id", report.event_id}, {"language", r.language}};
            q.idempotency_key = "notify:" + std::to_string(report.event_id) + ":" + key + ":" + channel;
            q.type = type->code;
            q.recipient = r.username;
            q.priority = priority;
            q.not_before_ms = when(channel);
            if (q.not_before_ms > now) {
                auto f = frequencies.find(key);
                if (f != frequencies.end() && f->second.count(channel))
                    q.payload["digest"] = f->second[channel].frequency;
            }
            CRM_TRY(sink_(scope, q));
            ++report.queued;
            return Status::Ok();
        };
        if (email) {
            if (r.email.empty()) {
                CRM_TRY(skip(r, "email",
                             MessageError("notify.no_email", "notify.no_email", {{"username", r.username}})));
            } else {
                CRM_TRY(queue("email", r.email, m.subject, m.text, m.html));
            }
        }
        if (sms) {
            if (r.phone.empty()) {
                CRM_TRY(skip(r, "sms",
                             MessageError("notify.no_phone", "notify.no_phone", {{"username", r.username}})));
            } else if (!IsE164(r.phone)) {
                CRM_TRY(skip(r, "sms",
                             MessageError("notify.bad_phone", "notify.user_bad_phone",
                                          {{"username", r.username}, {"phone", r.phone}})));
            } else {
                CRM_TRY(queue("sms", r.phone, "", m.short_text, ""));
            }
        }
    }
    scope.Record(kNotifyArea, "", ChangeAction::Create, report.event_id);
    return report;
}

nlohmann::json NotifyService::SkipLog(int limit) const {
    Statement st = impl_->db().Prepare(
        "SELECT s.event_id, e.type, s.username, s.channel, s.reason, s.at_ms FROM notify_skips s "
        "JOIN notify_events e ON e.id = s.event_id ORDER BY s.id DESC LIMIT ?1");
    st.Bind(1, std::max(1, std::min(limit, 1000)));
    nlohmann::json out = nlohmann::json::array();
    while (st.Step())
        out.push_back({{"event_id", st.Int(0)},
                       {"type", st.Text(1)},
                       {"username", st.Text(2)},
                       {"channel", st.Text(3)},
                       {"reason", st.Text(4)},
                       {"at", st.Int(5)}});
    return out;
}

}  // namespace crm
