// connectors.*: ERP connectors (core/integration/connector.h), behind Manage Integrations. No answer carries
// a connector's key or password (`secret_set` says whether it has one).
#include "api/command.h"
#include "integration/connector.h"
#include "workspace.h"

namespace crm::api {

namespace {

Result<json> ListCmd(Call& call) {
    auto list = ConnectorsOf(call.workspace).List(call.actor);
    if (!list.ok()) return list.error();
    json out = json::array();
    for (const Connector& c : *list) out.push_back(ToJson(c));
    return json{{"connectors", out}};
}

Result<json> GetCmd(Call& call) {
    auto c = ConnectorsOf(call.workspace).Get(call.actor, call.Id("id"));
    if (!c.ok()) return c.error();
    return json{{"connector", ToJson(*c)}};
}

Result<json> SaveCmd(Call& call) {
    const json* values = call.Obj("values");
    auto c = ConnectorsOf(call.workspace).Save(call.actor, call.Id("id"), values ? *values : json::object());
    if (!c.ok()) return c.error();
    return json{{"connector", ToJson(*c)}};
}

Result<json> DeleteCmd(Call& call) {
    CRM_TRY(ConnectorsOf(call.workspace).Delete(call.actor, call.Id("id")));
    return json{{"deleted", call.Id("id")}};
}

Result<json> RunCmd(Call& call) {
    auto run = ConnectorsOf(call.workspace).Run(call.actor, call.Id("id"), call.Str("entity"));
    if (!run.ok()) return run.error();
    return json{{"run", ToJson(*run)}};
}

Result<json> LogCmd(Call& call) {
    ConnectorService& service = ConnectorsOf(call.workspace);
    const int limit = call.Int("limit", 20);
    auto runs = service.Runs(call.actor, call.Id("id"), limit);
    if (!runs.ok()) return runs.error();
    auto errors = service.Errors(call.actor, call.Id("id"), !call.Bool("all_errors", false), 10 * limit);
    if (!errors.ok()) return errors.error();
    json r = json::array(), e = json::array();
    for (const SyncRun& run : *runs) r.push_back(ToJson(run));
    for (const SyncError& error : *errors) e.push_back(ToJson(error));
    return json{{"runs", r}, {"errors", e}};
}

Result<json> RetryCmd(Call& call) {
    auto done = ConnectorsOf(call.workspace).Retry(call.actor, call.Id("id"));
    if (!done.ok()) return done.error();
    return json{{"error", ToJson(*done)}};
}

Result<json> ConflictsCmd(Call& call) {
    auto list = ConnectorsOf(call.workspace).Conflicts(call.actor, call.Id("id"), call.Str("state", "open"));
    if (!list.ok()) return list.error();
    return json{{"conflicts", *list}};
}

Result<json> ResolveCmd(Call& call) {
    auto done = ConnectorsOf(call.workspace).Resolve(call.actor, call.Id("id"), call.Str("take"));
    if (!done.ok()) return done.error();
    return json{{"resolved", *done}};
}

}  // namespace

void RegisterConnectorCommands(Registry& r) {
    const Reads erp = SetupData("the ERP connectors", {SystemPermission::ManageIntegrations});
    r.push_back({"connectors.list",
                 "Every ERP connector, by name: base URL, authentication (never the key or password), run-as "
                 "user, schedule and next scheduled run, entities with their mapping, direction, conflict "
                 "policy and cursors.",
                 {},
                 erp,
                 false,
                 json::object(),
                 ListCmd});
    r.push_back({"connectors.get",
                 "One ERP connector (never its key or password).",
                 {{"id", ArgType::Id, true}},
                 erp,
                 false,
                 {{"id", 1}},
                 GetCmd});
    r.push_back(
        {"connectors.save",
         "Creates an ERP connector (no `id`) or changes one: `values` holds `name`, `base_url`, `auth` "
         "(none, "
         "api_key with `auth_header`, basic with `auth_user`), `secret` (the key or password; absent keeps "
         "it), "
         "`run_as` (whose access the sync writes with; default the actor), `active`, `page_size` (1..1000), "
         "`schedule_minutes` (0: by hand; 5..10080: a run queued on the workflow scheduler that often) and "
         "`entities`: each `name`, `path` (under the base URL), `object`, `external_id_field` (the CRM field "
         "holding the ERP id), `erp_id` and `erp_updated` (the ERP row's id and change-time fields; default "
         "id and updated_at), `direction` (in, out, both), `batch_size` (records a push request, 1..1000, "
         "default 100; 1: a PUT or POST a record), `conflict` (crm_wins, erp_wins, newest_wins, "
         "hold) "
         "and `fields` ([{erp, crm, transform, transform_out}]: transform is a formula over VALUE, the ERP "
         "value, on the way in; transform_out one over VALUE, the CRM field's value, on the way out).",
         {{"id", ArgType::Id}, {"values", ArgType::Object, true}},
         erp,
         true,
         {{"values",
           {{"name", "Walk ERP 2"},
            {"base_url", "https://erp.example.com/api"},
            {"auth", "api_key"},
            {"auth_header", "X-Api-Key"},
            {"secret", "erp-key-0123456789"},
            {"schedule_minutes", 60},
            {"entities",
             {{{"name", "customers"},
               {"path", "customers"},
               {"object", "Account"},
               {"external_id_field", "ERP_Id__c"},
               {"direction", "both"},
               {"conflict", "newest_wins"},
               {"batch_size", 50},
               {"fields",
                {{{"erp", "name"}, {"crm", "Name"}, {"transform", "TRIM(VALUE)"}},
                 {{"erp", "phone"}, {"crm", "Phone"}},
                 {{"erp", "staff"},
                  {"crm", "NumberOfEmployees"},
                  {"transform_out", "ROUND(VALUE, 0)"}}}}}}}}}},
         SaveCmd});
    r.push_back({"connectors.delete",
                 "Deletes an ERP connector with its cursors, links, log and conflicts (CRM records stay).",
                 {{"id", ArgType::Id, true}},
                 erp,
                 true,
                 {{"id", 1}},
                 DeleteCmd});
    r.push_back(
        {"connectors.run",
         "Syncs now: for each entity (or only `entity`) pulls the ERP rows changed since its cursor, page "
         "by page, then pushes the CRM records changed since the last push; answers the run's counts. "
         "In the browser console the page's fetch carries the run one request at a time: it answers the run "
         "as it starts (state \"running\") and connectors.log shows its end.",
         {{"id", ArgType::Id, true}, {"entity", ArgType::String}},
         erp,
         true,
         {{"id", 1}},
         RunCmd});
    r.push_back(
        {"connectors.log",
         "The connector's latest runs (counts, state, why one stopped) and its per-record errors (open "
         "ones unless `all_errors`).",
         {{"id", ArgType::Id, true},
          {"limit", ArgType::Integer, false, "integer (1..1000 runs, default 20)"},
          {"all_errors", ArgType::Boolean}},
         erp,
         false,
         {{"id", 1}, {"limit", 10}},
         LogCmd});
    r.push_back(
        {"connectors.retry",
         "Tries a failed record again (`id`: the error's id from connectors.log) with the connector's "
         "current settings; the error is marked retried when it goes through, else keeps the new reason. In "
         "the browser a push is carried after the answer (state \"retrying\").",
         {{"id", ArgType::Id, true}},
         erp,
         true,
         {{"id", 1}},
         RetryCmd});
    r.push_back(
        {"connectors.conflicts",
         "The records changed on both sides that a `hold` policy keeps for review (`state`: open by "
         "default, resolved, or \"\" for all), each with the ERP's and the CRM's values of the mapped "
         "fields the actor may read.",
         {{"id", ArgType::Id, true}, {"state", ArgType::String, false, "open | resolved | \"\""}},
         erp,
         false,
         {{"id", 1}},
         ConflictsCmd});
    r.push_back(
        {"connectors.resolve",
         "Decides a held conflict (`id`): `take` \"erp\" writes the ERP's values to the record, \"crm\" "
         "sends the record's values to the ERP. Resolved only when that side is written or the ERP took it, "
         "else open with the reason. In the browser \"crm\" is carried after the answer (state \"pushing\").",
         {{"id", ArgType::Id, true}, {"take", ArgType::String, true, "\"crm\" | \"erp\""}},
         erp,
         true,
         {{"id", 1}, {"take", "erp"}},
         ResolveCmd});
}

}  // namespace crm::api
