// Preferences: the organisation's defaults per type x channel (lockable), each user's own choices,
// frequencies per channel (immediately, hourly and daily digests), quiet hours in the user's zone.
#include <algorithm>

#include "access/access.h"
#include "audit/change.h"
#include "common/messages.h"
#include "notify/notify_internal.h"
#include "storage/database.h"
#include "workflow/company_time.h"

namespace crm {

namespace {

constexpr int64_t kMsPerMinute = 60'000;

bool KnownChannel(const std::string& c) {
    const auto& all = NotificationChannels();
    return std::find(all.begin(), all.end(), c) != all.end();
}

/// The next UTC instant, at or after `from_ms`, whose local wall time is `minute` (minutes after midnight).
int64_t NextLocalMinute(const CompanyTime& zone, int64_t from_ms, int minute) {
    const LocalTime local = zone.ToLocal(from_ms);
    for (int64_t day = local.days; day <= local.days + 2; ++day) {
        const int64_t at = zone.ToUtc(day, static_cast<int64_t>(minute) * kMsPerMinute);
        if (at >= from_ms) return at;
    }
    return from_ms;
}

}  // namespace

bool IsE164(const std::string& phone) {
    if (phone.size() < 3 || phone.size() > 16 || phone[0] != '+' || phone[1] < '1' || phone[1] > '9')
        return false;
    return std::all_of(phone.begin() + 1, phone.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int64_t EarliestDelivery(int64_t now_ms, const std::string& time_zone, const QuietHours& quiet,
                         const ChannelFrequency& frequency, bool urgent) {
    if (urgent) return now_ms;
    Result<PosixTzRule> rule = TimeZoneRule(time_zone);
    const CompanyTime zone(rule.ok() ? *rule : PosixTzRule{}, BusinessHours{});
    int64_t at = now_ms;
    if (frequency.frequency == "hourly") {
        const LocalTime local = zone.ToLocal(now_ms);
        at = NextLocalMinute(zone, now_ms + 1, (local.minute / 60 + 1) * 60 % 1440);
    } else if (frequency.frequency == "daily") {
        at = NextLocalMinute(zone, now_ms + 1, frequency.daily_minute);
    }
    if (!quiet.active()) return at;
    const int m = zone.ToLocal(at).minute;
    const bool inside = quiet.start_minute < quiet.end_minute
                            ? m >= quiet.start_minute && m < quiet.end_minute
                            : m >= quiet.start_minute || m < quiet.end_minute;  // spans midnight
    return inside ? NextLocalMinute(zone, at, quiet.end_minute) : at;
}

std::vector<OrgPreference> NotifyService::OrgPreferences() const {
    std::vector<OrgPreference> out;
    for (const NotificationType& t : Types()) {
        for (const std::string& c : NotificationChannels()) {
            OrgPreference p;
            p.type = t.code;
            p.channel = c;
            p.enabled = c != "sms" || t.priority == "urgent";
            out.push_back(p);
        }
    }
    Statement st = impl_->db().Prepare("SELECT type, channel, enabled, locked FROM notify_org_prefs");
    while (st.Step()) {
        for (OrgPreference& p : out) {
            if (p.type == st.Text(0) && p.channel == st.Text(1)) {
                p.enabled = st.Int(2) != 0;
                p.locked = st.Int(3) != 0;
            }
        }
    }
    return out;
}

Status NotifyService::SetOrgPreference(const std::string& actor, const OrgPreference& p) {
    CRM_TRY(Require(actor));
    if (Result<NotificationType> t = GetType(p.type); !t.ok()) return t.error();
    if (!KnownChannel(p.channel)) return MessageError("invalid_argument", "notify.channel", {}, "channel");
    ChangeScope scope(impl_->changes, actor);
    CRM_TRY(scope.begin_status());
    Statement st = impl_->db().Prepare(
        "INSERT OR REPLACE INTO notify_org_prefs(type, channel, enabled, locked) VALUES(?1, ?2, ?3, ?4)");
    st.Bind(1, p.type).Bind(2, p.channel).Bind(3, p.enabled ? 1 : 0).Bind(4, p.locked ? 1 : 0);
    CRM_TRY(st.Run());
    CRM_TRY(scope.Audit(kNotifyArea, "prefs.org", p.type + "/" + p.channel, nlohmann::json(),
                        {{"enabled", p.enabled}, {"locked", p.locked}}));
    scope.Record(kNotifyArea, "", ChangeAction::Config);
    return scope.Commit();
}

Result<std::vector<PreferenceCell>> NotifyService::UserPreferences(const std::string& actor,
                                                                   const std::string& user) const {
    CRM_TRY(RequireSelfOrAdmin(actor, user));
    std::vector<PreferenceCell> out;
    for (const OrgPreference& o : OrgPreferences()) {
        PreferenceCell c;
        c.type = o.type;
        c.channel = o.channel;
        c.org_enabled = o.enabled;
        c.enabled = o.enabled;
        c.locked = o.locked;
        out.push_back(c);
    }
    Statement st =
        impl_->db().Prepare("SELECT type, channel, enabled FROM notify_user_prefs WHERE username = ?1");
    st.Bind(1, user);
    while (st.Step()) {
        for (PreferenceCell& c : out) {
            if (c.type == st.Text(0) && c.channel == st.Text(1) && !c.locked) {
                c.enabled = st.Int(2) != 0;
                c.own = true;
            }
        }
    }
    return out;
}

Status NotifyService::SetUserPreference(const std::string& actor, const std::string& user,
                                        const std::string& type, const std::string& channel,
                                        std::optional<bool> enabled) {
    CRM_TRY(RequireSelfOrAdmin(actor, user));
    if (Result<NotificationType> t = GetType(type); !t.ok()) return t.error();
    if (!KnownChannel(channel)) return MessageError("invalid_argument", "notify.channel", {}, "channel");
    for (const OrgPreference& o : OrgPreferences())
        if (o.type == type && o.channel == channel && o.locked)
            return MessageError("access.denied", "notify.pref_locked", {{"type", type}, {"channel", channel}},
                                "channel");
    ChangeScope scope(impl_->changes, actor);
    CRM_TRY(scope.begin_status());
    Statement st = impl_->db().Prepare(
        enabled ? "INSERT OR REPLACE INTO notify_user_prefs(username, type, channel, enabled) VALUES(?1, ?2, "
                  "?3, ?4)"
                : "DELETE FROM notify_user_prefs WHERE username = ?1 AND type = ?2 AND channel = ?3");
    st.Bind(1, user).Bind(2, type).Bind(3, channel);
    if (enabled) st.Bind(4, *enabled ? 1 : 0);
    CRM_TRY(st.Run());
    CRM_TRY(scope.Audit(kNotifyArea, "prefs.user", user + ":" + type + "/" + channel, nlohmann::json(),
                        enabled ? nlohmann::json(*enabled) : nlohmann::json()));
    scope.Record(kNotifyArea, "", ChangeAction::Config);
    return scope.Commit();
}

Result<std::vector<ChannelFrequency>> NotifyService::Frequencies(const std::string& actor,
                                                                 const std::string& user) const {
    CRM_TRY(RequireSelfOrAdmin(actor, user));
    std::vector<ChannelFrequency> out;
    for (const std::string& c : NotificationChannels()) out.push_back({c, "immediately", 8 * 60});
    Statement st = impl_->db().Prepare(
        "SELECT channel, frequency, daily_minute FROM notify_user_channels WHERE username = ?1");
    st.Bind(1, user);
    while (st.Step()) {
        for (ChannelFrequency& f : out) {
            if (f.channel != st.Text(0)) continue;
            f.frequency = st.Text(1);
            f.daily_minute = static_cast<int>(st.Int(2));
        }
    }
    return out;
}

Status NotifyService::SetFrequency(const std::string& actor, const std::string& user,
                                   const ChannelFrequency& f) {
    CRM_TRY(RequireSelfOrAdmin(actor, user));
    if (!KnownChannel(f.channel)) return MessageError("invalid_argument", "notify.channel", {}, "channel");
    if (f.frequency != "immediately" && f.frequency != "hourly" && f.frequency != "daily")
        return MessageError("invalid_argument", "notify.frequency", {}, "frequency");
    if (f.daily_minute < 0 || f.daily_minute > 1439)
        return MessageError("invalid_argument", "notify.minute", {}, "at");
    ChangeScope scope(impl_->changes, actor);
    CRM_TRY(scope.begin_status());
    Statement st = impl_->db().Prepare(
        "INSERT OR REPLACE INTO notify_user_channels(username, channel, frequency, daily_minute) VALUES(?1, "
        "?2, ?3, ?4)");
    st.Bind(1, user).Bind(2, f.channel).Bind(3, f.frequency).Bind(4, f.daily_minute);
    CRM_TRY(st.Run());
    CRM_TRY(scope.Audit(kNotifyArea, "prefs.frequency", user + ":" + f.channel, nlohmann::json(),
                        {{"frequency", f.frequency}, {"daily_minute", f.daily_minute}}));
    scope.Record(kNotifyArea, "", ChangeAction::Config);
    return scope.Commit();
}

Result<QuietHours> NotifyService::GetQuietHours(const std::string& actor, const std::string& user) const {
    CRM_TRY(RequireSelfOrAdmin(actor, user));
    QuietHours q;
    Statement st =
        impl_->db().Prepare("SELECT start_minute, end_minute FROM notify_quiet_hours WHERE username = ?1");
    st.Bind(1, user);
    if (st.Step()) {
        q.start_minute = static_cast<int>(st.Int(0));
        q.end_minute = static_cast<int>(st.Int(1));
    }
    return q;
}

Status NotifyService::SetQuietHours(const std::string& actor, const std::string& user, const QuietHours& q) {
    CRM_TRY(RequireSelfOrAdmin(actor, user));
    if (q.start_minute < 0 || q.start_minute > 1439 || q.end_minute < 0 || q.end_minute > 1439)
        return MessageError("invalid_argument", "notify.minute", {}, "start");
    ChangeScope scope(impl_->changes, actor);
    CRM_TRY(scope.begin_status());
    Statement st = impl_->db().Prepare(q.active() ? "INSERT OR REPLACE INTO notify_quiet_hours(username, "
                                                    "start_minute, end_minute) VALUES(?1, ?2, ?3)"
                                                  : "DELETE FROM notify_quiet_hours WHERE username = ?1");
    st.Bind(1, user);
    if (q.active()) st.Bind(2, q.start_minute).Bind(3, q.end_minute);
    CRM_TRY(st.Run());
    CRM_TRY(scope.Audit(kNotifyArea, "prefs.quiet_hours", user, nlohmann::json(),
                        {{"start_minute", q.start_minute}, {"end_minute", q.end_minute}}));
    scope.Record(kNotifyArea, "", ChangeAction::Config);
    return scope.Commit();
}

}  // namespace crm
