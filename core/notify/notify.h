// Notifications: what happened (types), what it says (templates, both languages), who wants it how
// (preferences, quiet hours, digests), and the fan-out that turns one event into an inbox entry per
// recipient and queued email/SMS messages. Sending is the outbox's (core/notify/outbox*, deliver): the
// fan-out hands each message to a sink (Workspace wiring: MessageOutbox::Enqueue).
//
// [SECTION] Types        NotificationType: built-in events and custom ones, default priority
// [SECTION] Templates    NotificationTemplate, merge fields {{Object.Field}} and formulas {{= ...}}
// [SECTION] Preferences  per type x channel: organisation default (lockable), the user's own choice;
//                        per user and channel: frequency; per user: quiet hours
// [SECTION] Fan-out      NotifyEvent, FanoutReport, NotifyService::Notify
//
// Merge fields, checked when a template is saved (an unknown one is an error with its 1-based position):
//   {{Opportunity.Amount}}  a field of the type's object (or of any object for a type without one; it
//                           renders only when the event's record is of that object)
//   {{Record.Name}} {{Record.Id}} {{Record.Object}}    the event's record, whatever its object
//   {{Owner.FullName}} {{Owner.Email}} {{Owner.Username}}  the record's owner
//   {{Recipient.FullName}} {{Recipient.Username}}        who reads it
//   {{Organization.Name}}   {{Event.Actor}} {{Event.Message}}
//   {{= formula }}          a formula over the type's object (core/formula)
// Values are formatted as the company profile says (currency, date format). A field the recipient
// cannot read (object, field or record) renders as nothing: the fan-out and the preview go through the
// access policy as records.get does.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "access/policy.h"
#include "common/result.h"
#include "notify/queued_message.h"

namespace crm {

class ChangeScope;
class Changes;
class Workspace;
class SchemaService;
class RecordService;
class AccessService;
class CompanyService;
class NotificationService;

// [SECTION] Types

/// A kind of notification. Built-in ones cannot be deleted; custom ones ("custom_...") are sent by
/// automation rules.
struct NotificationType {
    std::string code;  ///< "record_assigned", "custom_big_deal"; [a-z0-9_], 2..64
    std::string label, label_zh;
    std::string object;               ///< the object its records are ("" = any)
    std::string priority = "normal";  ///< "normal" | "urgent" (the default of its events)
    bool builtin = false;
};
nlohmann::json ToJson(const NotificationType& t);

/// The codes of the built-in types, in their documented order.
const std::vector<std::string>& BuiltinNotificationTypes();
/// The channels: "in_app", "popup", "email", "sms".
const std::vector<std::string>& NotificationChannels();

// [SECTION] Templates

/// What a type says in one language.
struct NotificationTemplate {
    std::string type;
    std::string language = "en";  ///< "en" | "zh-CN"
    std::string subject;          ///< email subject and in-app title
    std::string text;             ///< plain text body (email, in-app body)
    std::string html;             ///< simple HTML body (email); merge values are HTML-escaped
    std::string short_text;       ///< SMS and pop-up
};
nlohmann::json ToJson(const NotificationTemplate& t);

/// A template as rendered for one reader.
struct RenderedMessage {
    std::string subject, text, html, short_text;
};

// [SECTION] Preferences

/// The organisation's default for one type on one channel; a locked one binds every user.
struct OrgPreference {
    std::string type, channel;
    bool enabled = true;
    bool locked = false;
};

/// A user's whole preferences for the types x channels matrix, with what the organisation says.
struct PreferenceCell {
    std::string type, channel;
    bool enabled = true;      ///< what applies to the user
    bool org_enabled = true;  ///< the organisation's default
    bool locked = false;      ///< the organisation's default binds
    bool own = false;         ///< the user chose (not locked, and a choice is stored)
};

/// How often a channel delivers to a user.
struct ChannelFrequency {
    std::string channel;
    std::string frequency = "immediately";  ///< "immediately" | "hourly" | "daily"
    int daily_minute = 8 * 60;              ///< daily digests: local time, minutes after midnight
};

/// Quiet hours in the user's time zone: normal messages wait until they end; urgent ones go through.
/// start == end means none. start > end spans midnight (22:00-07:00).
struct QuietHours {
    int start_minute = 0;
    int end_minute = 0;
    bool active() const { return start_minute != end_minute; }
};

/// When a message may go, given the user's zone, quiet hours and the channel's frequency (urgent
/// ignores both). Exposed for the tests and the console's explanation.
int64_t EarliestDelivery(int64_t now_ms, const std::string& time_zone, const QuietHours& quiet,
                         const ChannelFrequency& frequency, bool urgent);

// [SECTION] Fan-out

/// One thing that happened, for some users.
struct NotifyEvent {
    std::string type;
    std::vector<std::string> users;  ///< usernames
    std::vector<std::string> roles;  ///< role names: each role's users and those of every role below
    std::string object;              ///< the record's object ("" = none)
    int64_t record_id = 0;
    std::string actor;     ///< who caused it ("" = the system)
    std::string message;   ///< free text for {{Event.Message}}
    std::string priority;  ///< "" = the type's default
    /// The channels the sender chose (of NotificationChannels()); empty = every channel. Each recipient's
    /// preferences still apply on top: a channel goes out when both allow it. An unknown name is an
    /// error ("notify.unknown_channel", field "channels").
    std::vector<std::string> channels;
};

/// Someone (or one channel of someone) left out, and why.
struct FanoutSkip {
    std::string username, channel, reason;
};

/// What one Notify did.
struct FanoutReport {
    int64_t event_id = 0;
    int recipients = 0;  ///< distinct active users reached through users and roles
    int in_app = 0;      ///< inbox entries written
    int popup = 0;       ///< of which flagged to pop up
    int queued = 0;      ///< messages handed to the sink
    std::vector<FanoutSkip> skipped;
};
nlohmann::json ToJson(const FanoutReport& r);

/// Where email and SMS messages go (the message outbox at the Workspace's wiring).
using MessageSink = std::function<Status(ChangeScope&, const QueuedMessage&)>;

/// True for "+" then 2..15 digits, the first not 0.
bool IsE164(const std::string& phone);

/// Types, templates, preferences and the fan-out of one workspace.
class NotifyService {
public:
    NotifyService(Changes& changes, SchemaService& schema, RecordService& records, AccessService& access,
                  CompanyService& company, NotificationService& inbox);
    ~NotifyService();

    void SetAuthorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }
    void SetSink(MessageSink sink) { sink_ = std::move(sink); }

    // Types (changes need Manage Notifications).
    std::vector<NotificationType> Types() const;
    Result<NotificationType> GetType(const std::string& code) const;
    /// Creates a custom type, or changes a type's labels, object and priority (a built-in keeps its code
    /// and object).
    Result<NotificationType> SaveType(const std::string& actor, const NotificationType& type);
    /// Deletes a custom type with its templates and preferences.
    Status DeleteType(const std::string& actor, const std::string& code);

    // Templates (changes need Manage Notifications).
    std::vector<NotificationTemplate> Templates(const std::string& type = {}) const;
    /// Checks every part (unknown merge fields and broken formulas: errors with their position).
    std::vector<Error> CheckTemplate(const NotificationTemplate& t) const;
    Result<NotificationTemplate> SaveTemplate(const std::string& actor, const NotificationTemplate& t);
    Status DeleteTemplate(const std::string& actor, const std::string& type, const std::string& language);
    /// Renders `t` (checked first) against a record as `viewer` reads it: fields the viewer cannot read
    /// render as nothing; `language` picks the formatting of yes/no.
    Result<RenderedMessage> Preview(const std::string& viewer, const NotificationTemplate& t,
                                    const std::string& object, int64_t record_id);

    // Preferences.
    std::vector<OrgPreference> OrgPreferences() const;
    /// Needs Manage Notifications.
    Status SetOrgPreference(const std::string& actor, const OrgPreference& p);
    /// The matrix as it applies to `user` (read by the user or by a Manage Notifications holder).
    Result<std::vector<PreferenceCell>> UserPreferences(const std::string& actor,
                                                        const std::string& user) const;
    /// The user's own choice; refused when the organisation locked the cell ("notify.pref_locked").
    /// `enabled` nullopt clears the choice (back to the organisation's default).
    Status SetUserPreference(const std::string& actor, const std::string& user, const std::string& type,
                             const std::string& channel, std::optional<bool> enabled);
    Result<std::vector<ChannelFrequency>> Frequencies(const std::string& actor,
                                                      const std::string& user) const;
    Status SetFrequency(const std::string& actor, const std::string& user, const ChannelFrequency& f);
    Result<QuietHours> GetQuietHours(const std::string& actor, const std::string& user) const;
    Status SetQuietHours(const std::string& actor, const std::string& user, const QuietHours& q);

    /// One event to its recipients, inside the caller's change: an inbox entry each (in their language,
    /// flagged to pop up when that channel is on), email and SMS handed to the sink with not_before_ms
    /// from quiet hours and digests and a unique idempotency key. A user without an email address or with
    /// a phone number that is not E.164 is skipped on that channel with the reason logged; the others
    /// still get theirs. Errors: an unknown type, an unknown user or role.
    Result<FanoutReport> Notify(ChangeScope& scope, const NotifyEvent& event);
    /// Opens its own change for Notify (as `actor`).
    Result<FanoutReport> Notify(const std::string& actor, const NotifyEvent& event);
    /// The skip log, newest first.
    nlohmann::json SkipLog(int limit = 100) const;

    struct Impl;

private:
    Status Require(const std::string& actor) const;
    Status RequireSelfOrAdmin(const std::string& actor, const std::string& user) const;
    std::unique_ptr<Impl> impl_;
    Authorizer authorizer_;
    MessageSink sink_;
};

/// The workspace's notification service (made on first use, lives as long as the workspace).
NotifyService& NotifyOf(Workspace& workspace);

/// Migration 18: types, templates, preferences, the event and skip logs, and the inbox's type,
/// priority and pop-up columns.
const char* NotifyMigrationSql();

}  // namespace crm
