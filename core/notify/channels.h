// The notification channels' settings: email (SMTP, or an HTTP mail relay where SMTP cannot be spoken), SMS
// through an HTTP gateway, and the defaults of webhooks. Checked when saved (the error names the field);
// secrets (passwords, keys, the gateway's authorization header, the webhook signing secret) are kept for
// the transports only: every answer and every audit entry shows them as set or not set.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "access/policy.h"
#include "common/result.h"

namespace crm {

class Changes;

/// "email", "sms", "webhook".
const std::vector<std::string>& ChannelNames();
/// The settings keys of `channel` that are secrets.
const std::vector<std::string>& SecretKeys(std::string_view channel);
/// Whether `number` is an E.164 phone number: "+" then 2 to 15 digits, the first not 0.
bool IsE164(std::string_view number);
/// Whether `address` looks like an email address (one "@", a dotted domain, no spaces).
bool IsEmailAddress(std::string_view address);

/// The settings with every secret replaced by "<key>_set": true|false (what commands and audit show).
nlohmann::json RedactSecrets(std::string_view channel, const nlohmann::json& settings);
/// The defaults of a channel nobody has set (email: SMTP on localhost:25, STARTTLS; 5 tries...).
nlohmann::json DefaultChannelSettings(std::string_view channel);
/// Checks a channel's full settings; the error's field names the bad key ("port", "relay_url"...).
Status ValidateChannelSettings(std::string_view channel, const nlohmann::json& settings);

class ChannelService {
public:
    explicit ChannelService(Changes& changes) : changes_(changes) {}
    /// Manage Notifications is checked through this.
    void SetAuthorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }

    /// Every channel, secrets redacted (Manage Notifications).
    Result<nlohmann::json> List(const std::string& actor) const;
    /// One channel, secrets redacted (Manage Notifications). "notify.bad_channel" for an unknown name.
    Result<nlohmann::json> Get(const std::string& actor, std::string_view channel) const;
    /// Merges `patch` into the channel's settings, checks the whole, stores and audits it (secrets as set or
    /// not set). A secret key absent from the patch is kept; "" clears it. Answers the redacted settings.
    Result<nlohmann::json> Set(const std::string& actor, std::string_view channel,
                               const nlohmann::json& patch);

    /// The settings as stored, secrets included: for the dispatcher and the transports only.
    nlohmann::json Settings(std::string_view channel) const;

private:
    Status Authorize(const std::string& actor) const;
    Changes& changes_;
    Authorizer authorizer_;
};

}  // namespace crm
