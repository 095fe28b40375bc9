// Outbound webhooks (issue 14): subscriptions on record events (created, updated with which fields,
// deleted) and on workflow actions (an automation rule fired on a record), each delivered as a signed JSON
// message through the one message outbox (core/notify/outbox.h).
//
// [SECTION] Subscriptions  WebhookSubscription, its JSON form and what a save asks for
// [SECTION] Deliveries     WebhookDelivery: an outbox message of a subscription with its tries
// [SECTION] Service        WebhookService, WebhooksOf(workspace)
//
// Decisions taken where the issue is silent:
// - An event is queued INSIDE the save's (or delete's) change by an after-write hook and a delete hook of
//   the save pipeline, so a save that rolls back queues nothing; the dispatcher delivers it after commit,
//   retried with the webhook channel's back-off (MessageDelivery), natively by `crm deliver` (libcurl) and
//   in the browser by the page's fetch.
// - Every message carries a new event id ("evt_" + 32 random hex digits: the payload's `event_id`, the
//   outbox's idempotency key and the X-CRM-Event-Id header), one per subscription and event.
// - The signature is `X-CRM-Signature: sha256=<hex HMAC-SHA256 of the body with the subscription's
//   secret>` (HmacSha256Hex of core/notify/dispatch.h, over the body exactly as sent). It is computed
//   when the event is queued and kept in the message's headers, so the secret never leaves the core (the
//   browser's fetch gets the signature, not the secret); a message queued before the secret changed keeps
//   the old signature. The webhook channel's own secret then does not sign it again.
// - The secret is given by the administrator (16..256 characters) and kept for signing only: no answer
//   and no audit entry carries it (`secret_set` says whether there is one).
// - The payload holds only what the subscription's run-as user may read: no event when they cannot read
//   the object or the record, only their readable fields in `record` and `changed_fields`; an update that
//   changed only fields they cannot read sends nothing. Watched fields must be readable by them when saved.
// - A workflow event ("workflow.rule_fired") says which rule fired, its trigger and the kinds of its
//   actions (a field update names its field when the run-as user may read it, never the value), with the
//   record as saved; heard through AutomationService::AddRuleFiredListener, in the same change.
// - An update fires when a field changed (any, or one of `fields` when the subscription names some); a
//   save that changed nothing sends nothing.
// - Managing subscriptions needs Manage Integrations; one that runs as another user needs Manage Users
//   too (it reaches what that user may read, as an API key does).
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "access/policy.h"
#include "common/result.h"
#include "notify/outbox.h"

namespace crm {

class Workspace;

// [SECTION] Subscriptions

/// One subscription: where events of one object go, and as whom their payload is read.
struct WebhookSubscription {
    int64_t id = 0;
    std::string name;  ///< unique (case-insensitive)
    std::string object;
    bool on_create = true, on_update = true, on_delete = false;
    bool on_workflow = false;         ///< an automation rule of the object fired and ran its actions
    std::vector<std::string> fields;  ///< updates: only when one of these changes; empty = any field
    std::vector<std::string> rules;   ///< workflow: only these rules (names); empty = any rule
    std::string url;
    std::string run_as;  ///< the username whose access shapes the payload
    bool active = true;
    bool secret_set = false;
    int64_t created_ms = 0, updated_ms = 0;
    std::string created_by, updated_by;
};
/// {"id", "name", "object", "events": ["created", "updated", "deleted", "workflow"], "fields", "rules",
/// "url", "run_as", "active", "secret_set", "created", "created_by", "updated", "updated_by"}: never the
/// secret.
nlohmann::json ToJson(const WebhookSubscription& s);

/// What a save asks for: the JSON of webhooks.save (id or a new name; absent keys keep their value).
struct WebhookInput {
    nlohmann::json values;  ///< name, object, events, fields, url, run_as, active, secret
};

// [SECTION] Deliveries

/// One message of a subscription and the tries made so far.
struct WebhookDelivery {
    OutboxMessage message;
    std::vector<DeliveryAttempt> attempts;
};
nlohmann::json ToJson(const WebhookDelivery& d);

// [SECTION] Service

class WebhookService {
public:
    explicit WebhookService(Workspace& workspace);
    ~WebhookService();
    WebhookService(const WebhookService&) = delete;
    WebhookService& operator=(const WebhookService&) = delete;

    /// Manage Integrations is checked through this (Manage Users too for another run-as user).
    void SetAuthorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }
    /// Attaches the after-write and delete hooks to the workspace's save pipeline (once).
    void Attach();

    /// Every subscription, by name.
    Result<std::vector<WebhookSubscription>> List(const std::string& actor);
    /// "webhooks.not_found" when absent.
    Result<WebhookSubscription> Get(const std::string& actor, int64_t id);
    /// Creates (no id) or updates (`id`) a subscription; errors name the bad key ("url", "fields"...).
    Result<WebhookSubscription> Save(const std::string& actor, int64_t id, const nlohmann::json& values);
    Status Delete(const std::string& actor, int64_t id);
    /// Queues a signed "webhook.test" event for the subscription (delivered like any other); the message id.
    Result<int64_t> Test(const std::string& actor, int64_t id);
    /// The subscription's messages, newest first, each with its delivery log ("" state = any).
    Result<std::vector<WebhookDelivery>> Deliveries(const std::string& actor, int64_t id,
                                                    const std::string& state, int limit);

    /// The outbox source of a subscription's messages: "webhook <id>".
    static std::string Source(int64_t id);

    struct Impl;

private:
    Status Require(const std::string& actor) const;
    std::unique_ptr<Impl> impl_;
    Authorizer authorizer_;
};

/// The workspace's WebhookService, made (and attached to the save pipeline) on first use; the Workspace
/// calls it when it opens so saves queue events from the start.
WebhookService& WebhooksOf(Workspace& workspace);

/// Migration 23: webhook subscriptions, and an index of the outbox by source (a subscription's deliveries).
const char* WebhooksMigrationSql();

}  // namespace crm
