// records.*, listviews.* and formula.eval: records through RecordService, which trims every answer to
// what the acting user may see.
#include "api/command.h"
#include "workspace.h"

namespace crm::api {

namespace {

json PageJson(const ListPage& page) {
    return json{{"columns", page.columns},
                {"rows", page.rows},
                {"total", page.total},
                {"total_capped", page.total_capped}};
}

Result<json> RecordsListCmd(Call& call) {
    json query = call.args;
    query.erase("object");
    auto q = ListQueryFromJson(query);
    if (!q.ok()) return q.error();
    auto page = call.workspace.records().List(call.actor, call.Str("object"), *q);
    if (!page.ok()) return page.error();
    return PageJson(*page);
}

Result<json> RecordsGetCmd(Call& call) {
    return call.workspace.records().Get(call.actor, call.Str("object"), call.Id("id"));
}

Result<json> RecordsCreateCmd(Call& call) {
    const std::string object = call.Str("object");
    RecordService& records = call.workspace.records();
    if (const json* batch = call.Obj("records")) {
        std::vector<json> rows(batch->begin(), batch->end());
        BatchResult r = records.CreateBatch(call.actor, object, rows);
        if (!r.ok()) {
            Error e = WithDetails(call, r.errors);
            if (r.failed_index >= 0) {
                e.message =
                    "Record " + std::to_string(r.failed_index + 1) + ": " + e.message + " Nothing was saved.";
                json row = ErrorObject(MakeError("records.batch_row", "failed row"));
                row["index"] = r.failed_index;
                call.error_details.push_back(std::move(row));
            }
            return e;
        }
        return json{{"ids", r.ids}};
    }
    const json* values = call.Obj("values");
    if (!values) return InvalidArgument("values", "\"values\" must be a JSON object.");
    SaveResult r = records.Create(call.actor, object, *values);
    if (!r.ok()) return WithDetails(call, r.errors);
    return records.Get(call.actor, object, r.id);
}

Result<json> RecordsUpdateCmd(Call& call) {
    const std::string object = call.Str("object");
    SaveResult r = call.workspace.records().Update(call.actor, object, call.Id("id"), *call.Obj("values"));
    if (!r.ok()) return WithDetails(call, r.errors);
    return call.workspace.records().Get(call.actor, object, r.id);
}

Result<json> RecordsDeleteCmd(Call& call) {
    CRM_TRY(call.workspace.records().Delete(call.actor, call.Str("object"), call.Id("id")));
    return json{{"deleted", call.Id("id")}};
}

Result<json> RecordsHistoryCmd(Call& call) {
    auto h = call.workspace.records().History(call.actor, call.Str("object"), call.Id("id"));
    if (!h.ok()) return h.error();
    json out = json::array();
    for (const FieldHistoryEntry& e : *h) out.push_back(ToJson(e));
    return out;
}

Result<json> ListViewsListCmd(Call& call) {
    const std::string object = call.Str("object");
    if (auto o = call.workspace.schema().Object(object); !o.ok()) return o.error();
    json out = json::array();
    for (const ListView& v : call.workspace.records().ListViews(object, call.actor)) out.push_back(ToJson(v));
    return out;
}

Result<json> ListViewsSaveCmd(Call& call) {
    ListView view;
    view.object = call.Str("object");
    view.name = call.Str("name");
    if (const json* q = call.Obj("query")) {
        auto query = ListQueryFromJson(*q);
        if (!query.ok()) return query.error();
        view.query = *query;
    }
    auto saved = call.workspace.records().SaveListView(call.actor, view);
    if (!saved.ok()) return saved.error();
    return ToJson(*saved);
}

Result<json> ListViewsDeleteCmd(Call& call) {
    CRM_TRY(call.workspace.records().DeleteListView(call.actor, call.Str("object"), call.Str("name")));
    return json{{"deleted", call.Str("name")}};
}

Result<json> ListViewsRunCmd(Call& call) {
    auto page = call.workspace.records().RunListView(call.actor, call.Str("object"), call.Str("name"),
                                                     call.Int("offset", 0), call.Int("limit", 50));
    if (!page.ok()) return page.error();
    return PageJson(*page);
}

Result<json> FormulaEvalCmd(Call& call) {
    const json* values = call.Obj("values");
    auto v = call.workspace.records().EvalFormula(call.actor, call.Str("object"), call.Str("formula"),
                                                  call.Id("id"), values ? *values : json::object());
    if (!v.ok()) return v.error();
    return json{{"value", FormulaValueToJson(*v)}, {"type", formula::ValueTypeName(v->type())}};
}

const Arg kObject = {"object", ArgType::String, true};
const Arg kId = {"id", ArgType::Id, true};

}  // namespace

void RegisterRecordsCommands(Registry& r) {
    r.push_back({"records.list",
                 "A filtered, sorted page of records (fields the user cannot read are absent).",
                 {kObject,
                  {"columns", ArgType::Array, false, "[string]"},
                  {"filter_formula", ArgType::String},
                  {"filters", ArgType::Array, false, "[{field, op, value}]"},
                  {"sort_field", ArgType::String},
                  {"sort_desc", ArgType::Boolean},
                  {"offset", ArgType::Integer},
                  {"limit", ArgType::Integer, false, "integer (1..1000)"},
                  {"exact_total", ArgType::Boolean}},
                 ObjectRecords(),
                 false,
                 {{"object", "Account"}, {"sort_field", "Name"}, {"limit", 20}},
                 RecordsListCmd});
    r.push_back({"records.get",
                 "Returns one record, formula fields computed.",
                 {kObject, kId},
                 ObjectRecords(),
                 false,
                 {{"object", "Account"}, {"id", 1}},
                 RecordsGetCmd});
    r.push_back({"records.create",
                 "Creates a record (or a batch, all or nothing) through the save pipeline.",
                 {kObject,
                  {"values", ArgType::Object, false, "{Field: value}"},
                  {"records", ArgType::Array, false, "[{Field: value}]"}},
                 ObjectRecords(),
                 true,
                 {{"object", "Account"}, {"values", {{"Name", "Acme"}}}},
                 RecordsCreateCmd});
    r.push_back({"records.update",
                 "Changes the given fields of a record through the save pipeline.",
                 {kObject, kId, {"values", ArgType::Object, true, "{Field: value}"}},
                 ObjectRecords(),
                 true,
                 {{"object", "Account"}, {"id", 1}, {"values", {{"Phone", "+1 555 0100"}}}},
                 RecordsUpdateCmd});
    r.push_back({"records.delete",
                 "Deletes a record; lookups pointing at it are cleared.",
                 {kObject, kId},
                 ObjectRecords(),
                 true,
                 {{"object", "Account"}, {"id", 1}},
                 RecordsDeleteCmd});
    r.push_back({"records.history",
                 "The field history of a record, newest first.",
                 {kObject, kId},
                 ObjectRecords(),
                 false,
                 {{"object", "Account"}, {"id", 1}},
                 RecordsHistoryCmd});
    r.push_back({"listviews.list",
                 "Lists the acting user's list views of an object.",
                 {kObject},
                 OwnItems(),
                 false,
                 {{"object", "Account"}},
                 ListViewsListCmd});
    r.push_back({"listviews.save",
                 "Saves (creates or replaces by name) one of the acting user's list views.",
                 {kObject,
                  {"name", ArgType::String, true},
                  {"query", ArgType::Object, false,
                   "{columns?, filter_formula?, filters?, sort_field?, sort_desc?}"}},
                 OwnItems(),
                 true,
                 {{"object", "Account"}, {"name", "Mine"}, {"query", {{"sort_field", "Name"}}}},
                 ListViewsSaveCmd});
    r.push_back({"listviews.delete",
                 "Deletes one of the acting user's list views.",
                 {kObject, {"name", ArgType::String, true}},
                 OwnItems(),
                 true,
                 {{"object", "Account"}, {"name", "Mine"}},
                 ListViewsDeleteCmd});
    r.push_back({"listviews.run",
                 "Runs one of the acting user's list views: a page of records and the total.",
                 {kObject,
                  {"name", ArgType::String, true},
                  {"offset", ArgType::Integer},
                  {"limit", ArgType::Integer}},
                 OwnItems(),
                 false,
                 {{"object", "Account"}, {"name", "Mine"}},
                 ListViewsRunCmd});
    r.push_back(
        {"formula.eval",
         "Evaluates a formula against a stored record and/or given values (only fields and records the "
         "user can read).",
         {kObject,
          {"formula", ArgType::String, true},
          {"id", ArgType::Id},
          {"values", ArgType::Object, false, "{Field: value}"}},
         ObjectRecords(),
         false,
         {{"object", "Account"}, {"formula", "UPPER(Name)"}, {"id", 1}},
         FormulaEvalCmd});
}

}  // namespace crm::api
