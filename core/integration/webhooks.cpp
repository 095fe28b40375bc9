#include "integration/webhooks.h"

#include <algorithm>
#include <map>
#include <set>

#include "access/access.h"
#include "attached_service.h"
#include "audit/change.h"
#include "auth/password.h"
#include "common/clock.h"
#include "common/messages.h"
#include "common/text.h"
#include "notify/dispatch.h"
#include "records/records.h"
#include "schema/schema.h"
#include "storage/database.h"
#include "workflow/automation.h"
#include "workflow/outbox.h"
#include "workspace.h"

namespace crm {

namespace {

using nlohmann::json;

const MessageDef kWebhookMessages[] = {
    {"webhooks.not_found", "There is no webhook subscription {id}.", "不存在 webhook 订阅 {id}。"},
    {"webhooks.bad_name", "Give the subscription a name of 1 to 80 characters.",
     "请为订阅填写 1 到 80 个字符的名称。"},
    {"webhooks.duplicate_name", "A webhook subscription named \"{name}\" already exists.",
     "已存在名为“{name}”的 webhook 订阅。"},
    {"webhooks.bad_url", "\"{url}\" is not an http or https URL with a host.",
     "“{url}”不是带主机名的 http 或 https 地址。"},
    {"webhooks.bad_events",
     "Choose at least one event: \"created\", \"updated\", \"deleted\" or \"workflow\" (\"{event}\" is none "
     "of "
     "them).",
     "请至少选择一个事件：“created”、“updated”、“deleted”或“workflow”（“{event}”不是其中之一）。"},
    {"webhooks.bad_field", "{object} has no field \"{field}\" that {user} may read.",
     "{object} 没有 {user} 可读取的字段“{field}”。"},
    {"webhooks.bad_secret", "The signing secret must be 16 to 256 characters (a new subscription needs one).",
     "签名密钥须为 16 到 256 个字符（新订阅必须设置）。"},
    {"webhooks.inactive_user", "The run-as user \"{user}\" is inactive.", "运行身份用户“{user}”已停用。"},
    {"webhooks.bad_value", "\"{key}\" has the wrong type (expected {expected}).",
     "“{key}”的类型不正确（应为 {expected}）。"},
    {"webhooks.unknown_key", "\"{key}\" is not a setting of a webhook subscription.",
     "“{key}”不是 webhook 订阅的设置项。"},
};
CRM_REGISTER_MESSAGES(kWebhookMessages);

constexpr const char* kSourcePrefix = "webhook ";
constexpr size_t kMinSecret = 16, kMaxSecret = 256;

json Names(const std::vector<std::string>& v) {
    json out = json::array();
    for (const std::string& s : v) out.push_back(s);
    return out;
}

std::vector<std::string> ParseNames(const std::string& text) {
    std::vector<std::string> out;
    json j = json::parse(text, nullptr, false);
    if (j.is_array())
        for (const json& s : j)
            if (s.is_string()) out.push_back(s.get<std::string>());
    return out;
}

/// A subscription as the hooks need it: the stored facts and the secret.
struct Stored {
    WebhookSubscription sub;
    std::string secret;
};

constexpr const char* kColumns =
    "id, name, object, on_create, on_update, on_delete, fields, url, run_as, active, secret, created_ms, "
    "created_by, updated_ms, updated_by, on_workflow, rules";

Stored FromRow(const Statement& st) {
    Stored s;
    WebhookSubscription& w = s.sub;
    w.id = st.Int(0);
    w.name = st.Text(1);
    w.object = st.Text(2);
    w.on_create = st.Int(3) != 0;
    w.on_update = st.Int(4) != 0;
    w.on_delete = st.Int(5) != 0;
    w.fields = ParseNames(st.Text(6));
    w.url = st.Text(7);
    w.run_as = st.Text(8);
    w.active = st.Int(9) != 0;
    s.secret = st.Text(10);
    w.secret_set = !s.secret.empty();
    w.created_ms = st.Int(11);
    w.created_by = st.Text(12);
    w.updated_ms = st.Int(13);
    w.updated_by = st.Text(14);
    w.on_workflow = st.Int(15) != 0;
    w.rules = ParseNames(st.Text(16));
    return s;
}

std::string Trimmed(const std::string& s) {
    const size_t first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::string NewEventId() { return "evt_" + auth::RandomHex(16); }

}  // namespace

// [SECTION] JSON

json ToJson(const WebhookSubscription& s) {
    json events = json::array();
    if (s.on_create) events.push_back("created");
    if (s.on_update) events.push_back("updated");
    if (s.on_delete) events.push_back("deleted");
    if (s.on_workflow) events.push_back("workflow");
    return {{"id", s.id},
            {"name", s.name},
            {"object", s.object},
            {"events", events},
            {"fields", Names(s.fields)},
            {"rules", Names(s.rules)},
            {"url", s.url},
            {"run_as", s.run_as},
            {"active", s.active},
            {"secret_set", s.secret_set},
            {"created", s.created_ms},
            {"created_by", s.created_by},
            {"updated", s.updated_ms},
            {"updated_by", s.updated_by}};
}

json ToJson(const WebhookDelivery& d) {
    json out = ToJson(d.message);
    json tries = json::array();
    for (const DeliveryAttempt& a : d.attempts) tries.push_back(ToJson(a));
    out["tries"] = tries;
    return out;
}

// [SECTION] Impl

struct WebhookService::Impl {
    Workspace& ws;
    bool attached = false;
    /// Subscriptions by lower-case object name, read again after any change to them.
    std::map<std::string, std::vector<Stored>> by_object;
    bool loaded = false;

    explicit Impl(Workspace& w) : ws(w) {}

    Database& db() { return ws.changes().db(); }

    void Load() {
        if (loaded) return;
        by_object.clear();
        Statement st = db().Prepare(std::string("SELECT ") + kColumns +
                                    " FROM webhook_subscription WHERE active = 1 ORDER BY id");
        while (st.Step()) {
            Stored s = FromRow(st);
            by_object[ToLowerAscii(s.sub.object)].push_back(std::move(s));
        }
        loaded = true;
    }

    Result<Stored> Find(int64_t id) {
        Statement st =
            db().Prepare(std::string("SELECT ") + kColumns + " FROM webhook_subscription WHERE id = ?1");
        st.Bind(1, id);
        if (!st.Step()) {
            if (!st.status().ok()) return st.status().error();
            return MessageError("webhooks.not_found", "webhooks.not_found", {{"id", std::to_string(id)}},
                                "id");
        }
        return FromRow(st);
    }

    /// Queues one signed message for `sub` inside `scope`.
    Result<int64_t> Queue(ChangeScope& scope, const Stored& s, json payload) {
        const std::string event_id = NewEventId();
        payload["event_id"] = event_id;
        payload["subscription"] = s.sub.name;
        QueuedMessage m;
        m.channel = "webhook";
        m.to = s.sub.url;
        m.idempotency_key = event_id;
        m.payload = std::move(payload);
        EnqueueExtras extras;
        extras.source = Source(s.sub.id);
        // The body as the dispatcher will send it (BuildHttpRequest: payload.dump()).
        extras.headers = {{"X-CRM-Signature", "sha256=" + HmacSha256Hex(s.secret, m.payload.dump())},
                          {"X-CRM-Webhook", s.sub.name}};
        return ws.delivery().outbox().Enqueue(scope, m, extras);
    }

    /// The record as `user` may read it; nullopt-like (null json) when they cannot read it.
    json RecordFor(const std::string& user, const ObjectDef& o, int64_t id, int64_t owner,
                   const std::vector<formula::Value>& values, std::set<std::string>* readable) {
        const AccessPolicy& policy = ws.access().policy();
        if (!policy.CanAccessObject(user, o, ObjectAction::Read)) return nullptr;
        if (policy.RecordLevel(user, o, id, owner) < AccessLevel::Read) return nullptr;
        json record = json::object();
        record["Id"] = id;
        if (owner > 0) record["OwnerId"] = owner;
        for (size_t i = 0; i < o.fields.size() && i < values.size(); ++i) {
            const FieldDef& f = o.fields[i];
            if (f.state != FieldState::Active || !f.has_column() || !policy.CanReadField(user, o, f))
                continue;
            record[f.api_name] = ValueToJson(f, values[i]);
            if (readable) readable->insert(ToLowerAscii(f.api_name));
        }
        return record;
    }

    void AfterWrite(SaveContext& save) {
        Load();
        auto it = by_object.find(ToLowerAscii(save.object.api_name));
        if (it == by_object.end()) return;
        ChangeScope* scope = ws.changes().open_scope();
        if (!scope) return;
        std::vector<std::string> changed;
        if (!save.is_new) {
            changed = save.ChangedFieldNames();
            if (changed.empty()) return;
        }
        for (const Stored& s : it->second) {
            if (save.is_new ? !s.sub.on_create : !s.sub.on_update) continue;
            std::set<std::string> readable;
            json record =
                RecordFor(s.sub.run_as, save.object, save.record_id, save.owner_after, save.after, &readable);
            if (record.is_null()) continue;
            readable.insert("ownerid");
            json changed_fields = json::array();
            bool watched = s.sub.fields.empty();
            for (const std::string& f : changed) {
                if (!readable.count(ToLowerAscii(f))) continue;
                changed_fields.push_back(f);
                for (const std::string& w : s.sub.fields)
                    if (ToLowerAscii(w) == ToLowerAscii(f)) watched = true;
            }
            if (!save.is_new && (changed_fields.empty() || !watched)) continue;
            json payload = {{"event", save.is_new ? "record.created" : "record.updated"},
                            {"object", save.object.api_name},
                            {"record_id", save.record_id},
                            {"occurred_at", FormatUtcIso8601(scope->now_ms())},
                            {"actor", save.actor},
                            {"changed_fields", changed_fields},
                            {"record", record}};
            Result<int64_t> queued = Queue(*scope, s, std::move(payload));
            if (!queued.ok()) return save.Fail(queued.error());
        }
    }

    /// Whether an active subscription on `object` hears workflow rules.
    bool HearsRules(const ObjectDef& object) {
        Load();
        auto it = by_object.find(ToLowerAscii(object.api_name));
        return it != by_object.end() &&
               std::any_of(it->second.begin(), it->second.end(), [](const Stored& s) { return s.sub.on_workflow; });
    }

    Status OnRuleFired(ChangeScope& scope, const RuleFired& fired) {
        Load();
        auto it = by_object.find(ToLowerAscii(fired.object.api_name));
        if (it == by_object.end()) return Status::Ok();
        for (const Stored& s : it->second) {
            if (!s.sub.on_workflow) continue;
            if (!s.sub.rules.empty() &&
                std::none_of(s.sub.rules.begin(), s.sub.rules.end(), [&](const std::string& r) {
                    return ToLowerAscii(r) == ToLowerAscii(fired.rule.name);
                }))
                continue;
            std::set<std::string> readable;
            json record = RecordFor(s.sub.run_as, fired.object, fired.record_id, fired.owner_id, fired.values,
                                    &readable);
            if (record.is_null()) continue;
            json actions = json::array();
            for (const AutomationAction& a : fired.rule.actions) {
                json action = {{"kind", ActionKindName(a.kind)}};
                if (!a.field.empty() && readable.count(ToLowerAscii(a.field))) action["field"] = a.field;
                actions.push_back(action);
            }
            json payload = {{"event", "workflow.rule_fired"},
                            {"rule", fired.rule.name},
                            {"trigger", fired.trigger},
                            {"actions", actions},
                            {"object", fired.object.api_name},
                            {"record_id", fired.record_id},
                            {"occurred_at", FormatUtcIso8601(scope.now_ms())},
                            {"actor", scope.actor()},
                            {"changed_fields", json::array()},
                            {"record", record}};
            Result<int64_t> queued = Queue(scope, s, std::move(payload));
            if (!queued.ok()) return queued.error();
        }
        return Status::Ok();
    }

    void OnDelete(DeleteContext& del) {
        Load();
        auto it = by_object.find(ToLowerAscii(del.object.api_name));
        if (it == by_object.end()) return;
        ChangeScope* scope = ws.changes().open_scope();
        if (!scope) return;
        for (const Stored& s : it->second) {
            if (!s.sub.on_delete) continue;
            json record =
                RecordFor(s.sub.run_as, del.object, del.record_id, del.owner_id, del.values, nullptr);
            if (record.is_null()) continue;
            json payload = {{"event", "record.deleted"},
                            {"object", del.object.api_name},
                            {"record_id", del.record_id},
                            {"occurred_at", FormatUtcIso8601(scope->now_ms())},
                            {"actor", del.actor},
                            {"changed_fields", json::array()},
                            {"record", record}};
            Result<int64_t> queued = Queue(*scope, s, std::move(payload));
            if (!queued.ok()) return del.Fail(queued.error());
        }
    }
};

// [SECTION] Service

WebhookService& WebhooksOf(Workspace& ws) {
    return AttachedService<WebhookService>(ws, [&ws] {
        auto service = std::make_shared<WebhookService>(ws);
        service->SetAuthorizer(AccessAuthorizer(ws));
        service->Attach();
        return service;
    });
}

std::string WebhookService::Source(int64_t id) { return kSourcePrefix + std::to_string(id); }

WebhookService::WebhookService(Workspace& workspace) : impl_(std::make_unique<Impl>(workspace)) {}
WebhookService::~WebhookService() = default;

void WebhookService::Attach() {
    if (impl_->attached) return;
    impl_->attached = true;
    Impl* impl = impl_.get();
    RecordService& records = impl->ws.records();
    records.AddAfterWriteHook("webhook subscriptions: record created or updated",
                              [impl](SaveContext& s) { impl->AfterWrite(s); });
    records.AddDeleteHook(DeletePhase::Before, "webhook subscriptions: record deleted",
                          [impl](DeleteContext& d) { impl->OnDelete(d); });
    impl->ws.automation().AddRuleFiredListener(
        [impl](ChangeScope& scope, const RuleFired& fired) { return impl->OnRuleFired(scope, fired); },
        [impl](const ObjectDef& object) { return impl->HearsRules(object); });
}

Status WebhookService::Require(const std::string& actor) const {
    return authorizer_ ? authorizer_(actor, SystemPermission::ManageIntegrations) : Status::Ok();
}

Result<std::vector<WebhookSubscription>> WebhookService::List(const std::string& actor) {
    CRM_TRY(Require(actor));
    Statement st = impl_->db().Prepare(std::string("SELECT ") + kColumns +
                                       " FROM webhook_subscription ORDER BY name COLLATE NOCASE, id");
    std::vector<WebhookSubscription> out;
    while (st.Step()) out.push_back(FromRow(st).sub);
    if (!st.status().ok()) return st.status().error();
    return out;
}

Result<WebhookSubscription> WebhookService::Get(const std::string& actor, int64_t id) {
    CRM_TRY(Require(actor));
    Result<Stored> s = impl_->Find(id);
    if (!s.ok()) return s.error();
    return s->sub;
}

Result<WebhookSubscription> WebhookService::Save(const std::string& actor, int64_t id, const json& values) {
    CRM_TRY(Require(actor));
    if (!values.is_object())
        return MessageError("invalid_argument", "webhooks.bad_value",
                            {{"key", "values"}, {"expected", "object"}}, "values");
    Stored s;
    const bool create = id == 0;
    if (!create) {
        Result<Stored> found = impl_->Find(id);
        if (!found.ok()) return found.error();
        s = *found;
    } else {
        s.sub.run_as = IsSystemActor(actor) ? impl_->ws.access().WorkspaceOwner() : actor;
    }
    const WebhookSubscription before = s.sub;
    static const std::set<std::string> kKeys = {"name", "object", "events", "fields", "rules",
                                                "url",  "run_as", "active", "secret"};
    auto bad = [](const std::string& key, const char* expected) {
        return MessageError("invalid_argument", "webhooks.bad_value", {{"key", key}, {"expected", expected}},
                            key);
    };
    for (auto it = values.begin(); it != values.end(); ++it) {
        const std::string& key = it.key();
        const json& v = it.value();
        if (!kKeys.count(key))
            return MessageError("invalid_argument", "webhooks.unknown_key", {{"key", key}}, key);
        if (key == "active") {
            if (!v.is_boolean()) return bad(key, "true or false");
            s.sub.active = v.get<bool>();
        } else if (key == "events" || key == "fields" || key == "rules") {
            if (!v.is_array()) return bad(key, "a list of names");
            std::vector<std::string> names;
            for (const json& n : v) {
                if (!n.is_string()) return bad(key, "a list of names");
                names.push_back(n.get<std::string>());
            }
            if (key == "fields") {
                s.sub.fields = names;
            } else if (key == "rules") {
                s.sub.rules = names;
            } else {
                s.sub.on_create = s.sub.on_update = s.sub.on_delete = s.sub.on_workflow = false;
                for (const std::string& e : names) {
                    if (e == "created") {
                        s.sub.on_create = true;
                    } else if (e == "updated") {
                        s.sub.on_update = true;
                    } else if (e == "deleted") {
                        s.sub.on_delete = true;
                    } else if (e == "workflow") {
                        s.sub.on_workflow = true;
                    } else {
                        return MessageError("invalid_argument", "webhooks.bad_events", {{"event", e}},
                                            "events");
                    }
                }
            }
        } else {
            if (!v.is_string()) return bad(key, "text");
            const std::string text = v.get<std::string>();
            if (key == "name") s.sub.name = Trimmed(text);
            if (key == "object") s.sub.object = text;
            if (key == "url") s.sub.url = Trimmed(text);
            if (key == "run_as") s.sub.run_as = text;
            if (key == "secret") s.secret = text;
        }
    }
    // Checks, in the order a form shows them.
    if (s.sub.name.empty() || s.sub.name.size() > 80)
        return MessageError("invalid_argument", "webhooks.bad_name", {}, "name");
    {
        Statement dup = impl_->db().Prepare(
            "SELECT 1 FROM webhook_subscription WHERE name = ?1 COLLATE NOCASE AND id <> ?2");
        dup.Bind(1, s.sub.name).Bind(2, id);
        if (dup.Step())
            return MessageError("invalid_argument", "webhooks.duplicate_name", {{"name", s.sub.name}},
                                "name");
    }
    Result<std::shared_ptr<const ObjectDef>> object = impl_->ws.schema().Object(s.sub.object);
    if (!object.ok()) return Error(object.error().code, object.error().message, "object");
    s.sub.object = (*object)->api_name;
    if (!s.sub.on_create && !s.sub.on_update && !s.sub.on_delete && !s.sub.on_workflow)
        return MessageError("invalid_argument", "webhooks.bad_events", {{"event", ""}}, "events");
    if (!IsWebhookUrl(s.sub.url))
        return MessageError("invalid_argument", "webhooks.bad_url", {{"url", s.sub.url}}, "url");
    Result<User> user = impl_->ws.access().GetUser(s.sub.run_as);
    if (!user.ok()) return Error(user.error().code, user.error().message, "run_as");
    if (!user->active)
        return MessageError("invalid_argument", "webhooks.inactive_user", {{"user", user->username}},
                            "run_as");
    s.sub.run_as = user->username;
    if (ToLowerAscii(user->username) != ToLowerAscii(actor) && authorizer_ && !IsSystemActor(actor) &&
        (create || ToLowerAscii(before.run_as) != ToLowerAscii(user->username))) {
        CRM_TRY(authorizer_(actor, SystemPermission::ManageUsers));
    }
    const AccessPolicy& policy = impl_->ws.access().policy();
    for (std::string& f : s.sub.fields) {
        const FieldDef* def = nullptr;
        for (const FieldDef& d : (*object)->fields)
            if (d.state == FieldState::Active && ToLowerAscii(d.api_name) == ToLowerAscii(f)) def = &d;
        if (!def || !policy.CanReadField(user->username, **object, *def))
            return MessageError("invalid_argument", "webhooks.bad_field",
                                {{"object", s.sub.object}, {"field", f}, {"user", user->username}}, "fields");
        f = def->api_name;
    }
    if ((create || values.contains("secret")) &&
        (s.secret.size() < kMinSecret || s.secret.size() > kMaxSecret))
        return MessageError("invalid_argument", "webhooks.bad_secret", {}, "secret");
    s.sub.secret_set = !s.secret.empty();

    ChangeScope change(impl_->ws.changes(), actor);
    CRM_TRY(change.begin_status());
    const int64_t now = change.now_ms();
    s.sub.updated_ms = now;
    s.sub.updated_by = actor;
    if (create) {
        s.sub.created_ms = now;
        s.sub.created_by = actor;
    }
    Statement st = impl_->db().Prepare(
        create
            ? "INSERT INTO webhook_subscription(name, object, on_create, on_update, on_delete, fields, url, "
              "run_as, active, secret, created_ms, created_by, updated_ms, updated_by, on_workflow, rules) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?16, ?17)"
            : "UPDATE webhook_subscription SET name = ?1, object = ?2, on_create = ?3, on_update = ?4, "
              "on_delete = ?5, fields = ?6, url = ?7, run_as = ?8, active = ?9, secret = ?10, updated_ms = "
              "?13, "
              "updated_by = ?14, on_workflow = ?16, rules = ?17 WHERE id = ?15");
    st.Bind(1, s.sub.name)
        .Bind(2, s.sub.object)
        .Bind(3, s.sub.on_create ? 1 : 0)
        .Bind(4, s.sub.on_update ? 1 : 0);
    st.Bind(5, s.sub.on_delete ? 1 : 0).Bind(6, Names(s.sub.fields).dump()).Bind(7, s.sub.url);
    st.Bind(8, s.sub.run_as).Bind(9, s.sub.active ? 1 : 0).Bind(10, s.secret);
    if (create) st.Bind(11, s.sub.created_ms).Bind(12, s.sub.created_by);
    st.Bind(13, now).Bind(14, actor);
    if (!create) st.Bind(15, id);
    st.Bind(16, s.sub.on_workflow ? 1 : 0).Bind(17, Names(s.sub.rules).dump());
    CRM_TRY(st.Run());
    if (create) s.sub.id = impl_->db().LastInsertRowId();
    // The secret is never audited: the entry says whether one is set, and whether this save changed it.
    json new_value = ToJson(s.sub);
    if (!create && values.contains("secret")) new_value["secret_changed"] = true;
    CRM_TRY(change.Audit("integration", create ? "create" : "update", "webhook." + s.sub.name,
                         create ? json(nullptr) : ToJson(before), new_value));
    change.Record("integration", "", ChangeAction::Config, s.sub.id, {"webhooks"});
    Impl* impl = impl_.get();
    impl->ws.changes().RunWhenClosed([impl] { impl->loaded = false; });
    CRM_TRY(change.Commit());
    return s.sub;
}

Status WebhookService::Delete(const std::string& actor, int64_t id) {
    CRM_TRY(Require(actor));
    Result<Stored> found = impl_->Find(id);
    if (!found.ok()) return found.error();
    ChangeScope change(impl_->ws.changes(), actor);
    CRM_TRY(change.begin_status());
    Statement st = impl_->db().Prepare("DELETE FROM webhook_subscription WHERE id = ?1");
    st.Bind(1, id);
    CRM_TRY(st.Run());
    CRM_TRY(change.Audit("integration", "delete", "webhook." + found->sub.name, ToJson(found->sub), nullptr));
    change.Record("integration", "", ChangeAction::Config, id, {"webhooks"});
    Impl* impl = impl_.get();
    impl->ws.changes().RunWhenClosed([impl] { impl->loaded = false; });
    return change.Commit();
}

Result<int64_t> WebhookService::Test(const std::string& actor, int64_t id) {
    CRM_TRY(Require(actor));
    Result<Stored> found = impl_->Find(id);
    if (!found.ok()) return found.error();
    ChangeScope change(impl_->ws.changes(), actor);
    CRM_TRY(change.begin_status());
    json payload = {{"event", "webhook.test"}, {"object", found->sub.object},
                    {"record_id", 0},          {"occurred_at", FormatUtcIso8601(change.now_ms())},
                    {"actor", actor},          {"changed_fields", json::array()},
                    {"record", json::object()}};
    Result<int64_t> queued = impl_->Queue(change, *found, std::move(payload));
    if (!queued.ok()) return queued.error();
    CRM_TRY(change.Commit());
    return *queued;
}

Result<std::vector<WebhookDelivery>> WebhookService::Deliveries(const std::string& actor, int64_t id,
                                                                const std::string& state, int limit) {
    CRM_TRY(Require(actor));
    if (Result<Stored> found = impl_->Find(id); !found.ok()) return found.error();
    Statement st = impl_->db().Prepare(
        "SELECT id FROM message_outbox WHERE source = ?1 AND (?2 = '' OR state = ?2) ORDER BY id DESC LIMIT "
        "?3");
    st.Bind(1, Source(id)).Bind(2, state).Bind(3, std::clamp(limit, 1, 1000));
    std::vector<int64_t> ids;
    while (st.Step()) ids.push_back(st.Int(0));
    if (!st.status().ok()) return st.status().error();
    MessageOutbox& outbox = impl_->ws.delivery().outbox();
    std::vector<WebhookDelivery> out;
    for (int64_t m : ids) {
        Result<OutboxMessage> message = outbox.Get(m);
        if (!message.ok()) continue;
        out.push_back({*message, outbox.Log(m)});
    }
    return out;
}

const char* WebhooksMigrationSql() {
    return R"sql(
CREATE TABLE webhook_subscription (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    object TEXT NOT NULL,
    on_create INTEGER NOT NULL,
    on_update INTEGER NOT NULL,
    on_delete INTEGER NOT NULL,
    fields TEXT NOT NULL DEFAULT '[]',
    url TEXT NOT NULL,
    run_as TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    secret TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    on_workflow INTEGER NOT NULL DEFAULT 0,
    rules TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX message_outbox_source ON message_outbox(source, id);
)sql";
}

}  // namespace crm
