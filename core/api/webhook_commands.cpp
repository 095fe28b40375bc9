// webhooks.*: outbound webhook subscriptions on record events (core/integration/webhooks.h), behind Manage
// Integrations. No answer carries a subscription's signing secret (`secret_set` says whether it has one).
#include "api/command.h"
#include "integration/webhooks.h"
#include "workspace.h"

namespace crm::api {

namespace {

Result<json> ListCmd(Call& call) {
    auto subs = WebhooksOf(call.workspace).List(call.actor);
    if (!subs.ok()) return subs.error();
    json out = json::array();
    for (const WebhookSubscription& s : *subs) out.push_back(ToJson(s));
    return json{{"webhooks", out}};
}

Result<json> GetCmd(Call& call) {
    auto sub = WebhooksOf(call.workspace).Get(call.actor, call.Id("id"));
    if (!sub.ok()) return sub.error();
    return json{{"webhook", ToJson(*sub)}};
}

Result<json> SaveCmd(Call& call) {
    const json* values = call.Obj("values");
    auto sub = WebhooksOf(call.workspace).Save(call.actor, call.Id("id"), values ? *values : json::object());
    if (!sub.ok()) return sub.error();
    return json{{"webhook", ToJson(*sub)}};
}

Result<json> DeleteCmd(Call& call) {
    CRM_TRY(WebhooksOf(call.workspace).Delete(call.actor, call.Id("id")));
    return json{{"deleted", call.Id("id")}};
}

Result<json> TestCmd(Call& call) {
    auto id = WebhooksOf(call.workspace).Test(call.actor, call.Id("id"));
    if (!id.ok()) return id.error();
    return json{
        {"message_id", *id},
        {"note", "Queued: the outbox delivers it (crm deliver, or the console) and logs the answer."}};
}

Result<json> DeliveriesCmd(Call& call) {
    auto list = WebhooksOf(call.workspace)
                    .Deliveries(call.actor, call.Id("id"), call.Str("state"), call.Int("limit", 50));
    if (!list.ok()) return list.error();
    json out = json::array();
    for (const WebhookDelivery& d : *list) out.push_back(ToJson(d));
    return json{{"deliveries", out}};
}

}  // namespace

void RegisterWebhookCommands(Registry& r) {
    const Reads hooks = SetupData("the webhook subscriptions", {SystemPermission::ManageIntegrations});
    r.push_back({"webhooks.list",
                 "Every webhook subscription, by name: object, events, watched fields, URL, run-as user, "
                 "whether it is active and has a secret; never the secret.",
                 {},
                 hooks,
                 false,
                 json::object(),
                 ListCmd});
    r.push_back({"webhooks.save",
                 "Creates a webhook subscription (no `id`) or changes one: `values` holds `name`, `object`, "
                 "`events` (created, updated, deleted, workflow), `fields` (an update fires only when one of "
                 "them changes; none = any), `rules` (workflow: only these automation rules; none = any), "
                 "`url`, `run_as` (whose field access shapes the payload; default the "
                 "actor), `active` and `secret` (16..256 characters, required on create; absent keeps it). "
                 "Each event is queued in the message outbox inside the save and signed with "
                 "X-CRM-Signature: sha256=HMAC-SHA256(secret, body).",
                 {{"id", ArgType::Id}, {"values", ArgType::Object, true}},
                 hooks,
                 true,
                 {{"values",
                   {{"name", "ERP accounts"},
                    {"object", "Account"},
                    {"events", {"created", "updated"}},
                    {"fields", {"Name", "Phone"}},
                    {"url", "https://erp.example.com/hooks/crm"},
                    {"secret", "change-me-to-a-long-secret"}}}},
                 SaveCmd});
    r.push_back({"webhooks.get",
                 "One webhook subscription (never its secret).",
                 {{"id", ArgType::Id, true}},
                 hooks,
                 false,
                 {{"id", 1}},
                 GetCmd});
    r.push_back({"webhooks.test",
                 "Queues a signed `webhook.test` event for the subscription, delivered and logged like any "
                 "other; answers the outbox message id.",
                 {{"id", ArgType::Id, true}},
                 hooks,
                 true,
                 {{"id", 1}},
                 TestCmd});
    r.push_back({"webhooks.deliveries",
                 "The subscription's messages, newest first, each with its state, last answer and every try "
                 "(the delivery log).",
                 {{"id", ArgType::Id, true},
                  {"state", ArgType::String, false, "queued | sending | sent | failed | dead"},
                  {"limit", ArgType::Integer, false, "integer (1..1000, default 50)"}},
                 hooks,
                 false,
                 {{"id", 1}, {"limit", 20}},
                 DeliveriesCmd});
    r.push_back({"webhooks.delete",
                 "Deletes a webhook subscription (messages already queued still go).",
                 {{"id", ArgType::Id, true}},
                 hooks,
                 true,
                 {{"id", 1}},
                 DeleteCmd});
}

}  // namespace crm::api
