// The JSON forms of list queries, list views and field history entries, and the saved list views.
#include <algorithm>

#include "audit/change.h"
#include "records/records_internal.h"

namespace crm {

using formula::Value;
using formula::ValueType;
using nlohmann::json;
using namespace records_detail;

json ToJson(const ListQuery& q) {
    json filters = json::array();
    for (const ListFilter& f : q.filters)
        filters.push_back({{"field", f.field}, {"op", f.op}, {"value", f.value}});
    return json{{"columns", q.columns},
                {"filter_formula", q.filter_formula},
                {"filters", std::move(filters)},
                {"sort_field", q.sort_field},
                {"sort_desc", q.sort_desc}};
}

Result<ListQuery> ListQueryFromJson(const json& j, ListQuery q) {
    if (!j.is_object()) return MakeError("invalid_argument", "A list query is a JSON object.");
    auto bad = [](const std::string& key, const std::string& what) {
        return MakeError("invalid_argument", Quote(key) + " must be " + what + ".", key);
    };
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& k = it.key();
        const json& v = it.value();
        if (v.is_null()) continue;
        if (k == "columns") {
            if (!v.is_array()) return bad(k, "a list of field names");
            q.columns.clear();
            for (const json& c : v) {
                if (!c.is_string()) return bad(k, "a list of field names");
                q.columns.push_back(c.get<std::string>());
            }
        } else if (k == "filter_formula") {
            if (!v.is_string()) return bad(k, "a formula (string)");
            q.filter_formula = v.get<std::string>();
        } else if (k == "filters") {
            if (!v.is_array()) return bad(k, "a list of {field, op, value}");
            q.filters.clear();
            for (const json& f : v) {
                if (!f.is_object() || !f.contains("field") || !f["field"].is_string()) {
                    return bad(k, "a list of {field, op, value}");
                }
                ListFilter lf;
                lf.field = f["field"].get<std::string>();
                if (f.contains("op")) {
                    if (!f["op"].is_string()) return bad("op", "a string such as \"=\"");
                    lf.op = f["op"].get<std::string>();
                }
                if (f.contains("value")) lf.value = f["value"];
                q.filters.push_back(std::move(lf));
            }
        } else if (k == "sort_field") {
            if (!v.is_string()) return bad(k, "a field name");
            q.sort_field = v.get<std::string>();
        } else if (k == "sort_desc") {
            if (!v.is_boolean()) return bad(k, "true or false");
            q.sort_desc = v.get<bool>();
        } else if (k == "exact_total") {
            if (!v.is_boolean()) return bad(k, "true or false");
            q.exact_total = v.get<bool>();
        } else if (k == "offset" || k == "limit") {
            if (!v.is_number_integer()) return bad(k, "a whole number");
            const int64_t n = std::clamp<int64_t>(v.get<int64_t>(), -1, 1000000);
            (k == "offset" ? q.offset : q.limit) = static_cast<int>(n);
        } else {
            std::string close = ClosestMatch(k, {"columns", "filter_formula", "filters", "sort_field",
                                                 "sort_desc", "offset", "limit", "exact_total"});
            return MakeError("invalid_argument",
                             "A list query has no " + Quote(k) + "." +
                                 (close.empty() ? "" : " Did you mean " + Quote(close) + "?"),
                             k);
        }
    }
    return q;
}

json ToJson(const ListView& v) {
    return json{{"object", v.object}, {"owner", v.owner}, {"name", v.name}, {"query", ToJson(v.query)}};
}

json ToJson(const FieldHistoryEntry& e) {
    return json{{"record_id", e.record_id}, {"field", e.field}, {"old_value", e.old_value},
                {"new_value", e.new_value}, {"actor", e.actor}, {"at", FormatUtcIso8601(e.at_ms)},
                {"at_ms", e.at_ms}};
}

std::vector<ListView> RecordService::ListViews(std::string_view object, const std::string& owner) {
    std::vector<ListView> out;
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
    if (!o.ok()) return out;
    Statement st = db_.Prepare(
        "SELECT id, name, definition FROM list_views WHERE object_id = ?1 AND owner = ?2 ORDER BY name");
    st.Bind(1, (*o)->id).Bind(2, owner);
    while (st.Step()) {
        ListView v;
        v.id = st.Int(0);
        v.object = (*o)->api_name;
        v.owner = owner;
        v.name = st.Text(1);
        Result<ListQuery> q = ListQueryFromJson(json::parse(st.Text(2), nullptr, false));
        if (q.ok()) v.query = *q;
        out.push_back(std::move(v));
    }
    return out;
}

Result<ListView> RecordService::SaveListView(const std::string& actor, const ListView& view) {
    if (IsBlank(actor))
        return MakeError("auth.no_actor", "Say whose list view this is: the acting user is missing.", "as");
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(view.object);
    if (!o.ok()) return o.error();
    if (IsBlank(view.name) || Utf8Length(view.name) > 80) {
        return MakeError("records.invalid_list_view", "The list view needs a name of 1 to 80 characters.",
                         "name");
    }
    ListQuery check = view.query;
    check.offset = 0;
    check.limit = 1;
    // Checked the way it will run: every column, filter and the sort must be valid now.
    if (Result<ListPage> page = List(actor, view.object, check); !page.ok()) return page.error();
    ListView saved = view;
    saved.object = (*o)->api_name;
    saved.owner = actor;
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    // Created or replaced: the listeners hear an update of the view (its id is read back below).
    Statement up = db_.Prepare(
        "INSERT INTO list_views(object_id, owner, name, definition) VALUES(?1, ?2, ?3, ?4) "
        "ON CONFLICT(object_id, owner, name) DO UPDATE SET definition = ?4");
    up.Bind(1, (*o)->id).Bind(2, actor).Bind(3, view.name).Bind(4, ToJson(view.query).dump());
    if (Status s = up.Run(); !s.ok()) return s.error();
    Statement id = db_.Prepare("SELECT id FROM list_views WHERE object_id = ?1 AND owner = ?2 AND name = ?3");
    id.Bind(1, (*o)->id).Bind(2, actor).Bind(3, view.name);
    change.Record("list_views", saved.object, ChangeAction::Update, id.Step() ? id.Int(0) : 0);
    if (Status s = change.Commit(); !s.ok()) return s.error();
    for (ListView& v : ListViews(saved.object, actor)) {
        if (v.name == view.name) return v;
    }
    return saved;
}

Status RecordService::DeleteListView(const std::string& actor, std::string_view object,
                                     std::string_view name) {
    Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object);
    if (!o.ok()) return o.error();
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    Statement del =
        db_.Prepare("DELETE FROM list_views WHERE object_id = ?1 AND owner = ?2 AND name = ?3 RETURNING id");
    del.Bind(1, (*o)->id).Bind(2, actor).Bind(3, name);
    if (!del.Step()) {
        if (!del.status().ok()) return del.status();
        return MakeError("records.unknown_list_view",
                         "You have no list view " + Quote(name) + " on " + (*o)->api_name + ".", "name");
    }
    change.Record("list_views", (*o)->api_name, ChangeAction::Delete, del.Int(0));
    while (del.Step()) {
    }
    if (!del.status().ok()) return del.status();
    return change.Commit();
}

Result<ListPage> RecordService::RunListView(const std::string& actor, std::string_view object,
                                            std::string_view name, int offset, int limit) {
    for (ListView& v : ListViews(object, actor)) {
        if (v.name != name) continue;
        v.query.offset = offset;
        v.query.limit = limit;
        return List(actor, object, v.query);
    }
    if (Result<std::shared_ptr<const ObjectDef>> o = schema_.Object(object); !o.ok()) return o.error();
    return MakeError("records.unknown_list_view",
                     "You have no list view " + Quote(name) + " on " + std::string(object) + ".", "name");
}

}  // namespace crm
