// Dashboards: their JSON form, storage (the table of migration 15, one JSON spec per dashboard), rights
// (those of their folder, as for reports) and runs: every widget's report run as the viewer, or as the
// dashboard's named user (saving one that runs as somebody else needs Manage Reports), with the
// dashboard's filters added to each widget whose object has the field (its own, or a looked-up record's).
#include <algorithm>
#include <optional>

#include "audit/change.h"
#include "common/text.h"
#include "report/report.h"
#include "report/report_internal.h"
#include "report/report_navigation.h"
#include "schema/schema.h"
#include "storage/database.h"

namespace crm {

using nlohmann::json;

namespace {

const char* const kWidgetKinds[] = {"chart", "metric", "table"};
constexpr size_t kMaxWidgets = 20;

Error Invalid(const std::string& key, const std::string& message) {
    return MakeError("report.invalid", message, key);
}

json ToJson(const DashboardComponent& c) {
    json j = {{"kind", c.kind}, {"report_id", c.report_id}, {"title", c.title},  {"column", c.column},
              {"row", c.row},   {"width", c.width},         {"height", c.height}};
    if (!c.chart.empty()) j["chart"] = c.chart;
    return j;
}

}  // namespace

json ToJson(const Dashboard& d) {
    json j = {
        {"id", d.id},       {"name", d.name},     {"description", d.description}, {"folder", d.folder},
        {"owner", d.owner}, {"run_as", d.run_as}, {"components", json::array()},  {"filters", json::array()}};
    for (const DashboardComponent& c : d.components) j["components"].push_back(ToJson(c));
    for (const ReportFilter& f : d.filters)
        j["filters"].push_back({{"field", f.field}, {"op", f.op}, {"value", f.value}});
    return j;
}

Result<Dashboard> DashboardFromJson(const json& j, Dashboard d) {
    if (!j.is_object()) return Invalid("dashboard", "A dashboard is a JSON object.");
    for (const char* key : {"name", "description", "folder", "run_as"}) {
        if (j.contains(key) && !j[key].is_string()) return Invalid(key, std::string(key) + " is text.");
    }
    d.name = j.value("name", d.name);
    d.description = j.value("description", d.description);
    d.folder = j.value("folder", d.folder);
    d.run_as = j.value("run_as", d.run_as);
    if (j.contains("components")) {
        if (!j["components"].is_array()) return Invalid("components", "components is a list of widgets.");
        d.components.clear();
        for (const json& c : j["components"]) {
            if (!c.is_object() || !c.contains("report_id") || !c["report_id"].is_number_integer())
                return Invalid("components", "Each widget names its report (report_id).");
            DashboardComponent w;
            w.kind = ToLowerAscii(c.value("kind", std::string("chart")));
            if (std::find(std::begin(kWidgetKinds), std::end(kWidgetKinds), w.kind) == std::end(kWidgetKinds))
                return Invalid("components", "A widget is a chart, a metric or a table.");
            w.report_id = c["report_id"].get<int64_t>();
            w.title = c.value("title", std::string());
            w.chart = c.value("chart", std::string());
            w.column = std::clamp(c.value("column", 0), 0, 11);
            w.row = std::clamp(c.value("row", 0), 0, 99);
            w.width = std::clamp(c.value("width", 1), 1, 12);
            w.height = std::clamp(c.value("height", 1), 1, 6);
            d.components.push_back(std::move(w));
        }
        if (d.components.size() > kMaxWidgets)
            return Invalid("components", "A dashboard holds at most 20 widgets.");
    }
    if (j.contains("filters")) {
        if (!j["filters"].is_array()) return Invalid("filters", "filters is a list of {field, op, value}.");
        d.filters.clear();
        for (const json& f : j["filters"]) {
            if (!f.is_object() || !f.contains("field") || !f["field"].is_string())
                return Invalid("filters", "Each dashboard filter names a field.");
            d.filters.push_back({f["field"].get<std::string>(), f.value("op", std::string("=")),
                                 f.contains("value") ? f["value"] : json()});
        }
    }
    return d;
}

bool MoveDashboardComponent(Dashboard& d, size_t from, size_t to, int columns) {
    const size_t n = d.components.size();
    if (from >= n || to >= n || columns < 1) return false;
    DashboardComponent moved = std::move(d.components[from]);
    d.components.erase(d.components.begin() + static_cast<std::ptrdiff_t>(from));
    d.components.insert(d.components.begin() + static_cast<std::ptrdiff_t>(to), std::move(moved));
    for (size_t i = 0; i < n; ++i) {
        DashboardComponent& c = d.components[i];
        c.column = static_cast<int>(i % static_cast<size_t>(columns));
        c.row = std::min(99, static_cast<int>(i / static_cast<size_t>(columns)));
        c.width = 1;
    }
    return true;
}

namespace {

/// Whether `object` has the field a dashboard filter names: its own field, "Owner.Name" / "Owner.Role", or a
/// field of a looked-up record through the lookup's API or relationship name ("Account.Industry").
bool HasFieldPath(SchemaService& schema, const ObjectDef& object, const std::string& path) {
    const size_t dot = path.find('.');
    if (dot == std::string::npos) return object.Field(path) != nullptr;
    const std::string head = ToLowerAscii(path.substr(0, dot)), tail = path.substr(dot + 1);
    if (head == "owner") return ToLowerAscii(tail) == "name" || ToLowerAscii(tail) == "role";
    const FieldDef* lookup = nullptr;  // as the engine resolves it (report_engine.cpp)
    for (const FieldDef& f : object.fields)
        if (f.state == FieldState::Active && f.type == FieldType::Lookup &&
            (ToLowerAscii(f.api_name) == head || ToLowerAscii(f.relationship_name) == head))
            lookup = &f;
    if (!lookup) return false;
    Result<std::shared_ptr<const ObjectDef>> target = schema.Object(lookup->lookup_object);
    if (!target.ok()) return false;
    for (const FieldDef& t : (*target)->fields)
        if (ToLowerAscii(t.api_name) == ToLowerAscii(tail)) return true;
    return false;
}

/// A widget's report with one dashboard filter added (the report's own logic, AND the filter).
void AddDashboardFilter(ReportDefinition& def, const ReportFilter& f) {
    def.filters.push_back(f);
    if (!def.filter_logic.empty())
        def.filter_logic = "(" + def.filter_logic + ") AND " + std::to_string(def.filters.size());
}

Result<Dashboard> LoadDashboard(Database& db, int64_t id) {
    Statement st = db.Prepare("SELECT name, folder, owner, spec FROM dashboard WHERE id = ?1");
    st.Bind(1, id);
    if (!st.Step()) {
        if (!st.status().ok()) return st.status().error();
        return MakeError("report.dashboard_not_found", "There is no dashboard " + std::to_string(id) + ".",
                         "id");
    }
    Dashboard base;
    base.id = id;
    base.owner = st.Text(2);
    json spec = json::parse(st.Text(3), nullptr, false);
    if (!spec.is_object()) spec = json::object();
    spec["name"] = st.Text(0);
    spec["folder"] = st.Text(1);
    return DashboardFromJson(spec, base);
}

}  // namespace

Result<std::vector<Dashboard>> ReportService::ListDashboards(const std::string& actor) {
    std::vector<int64_t> ids;
    Statement st = db_.Prepare("SELECT id FROM dashboard ORDER BY folder, name, id");
    while (st.Step()) ids.push_back(st.Int(0));
    std::vector<Dashboard> out;
    for (int64_t id : ids) {
        Result<Dashboard> d = GetDashboard(actor, id);
        if (d.ok()) out.push_back(std::move(*d));
    }
    return out;
}

Result<Dashboard> ReportService::GetDashboard(const std::string& actor, int64_t id) {
    Result<Dashboard> d = LoadDashboard(db_, id);
    if (!d.ok()) return d;
    const bool own = IsSystemActor(actor) || ToLowerAscii(d->owner) == ToLowerAscii(actor);
    if (!own && (d->folder.empty() || FolderRight(actor, d->folder) == 0))
        return MakeError("access.denied", "Dashboard " + std::to_string(id) + " is not shared with you.",
                         "id");
    return d;
}

Status CanEditDashboard(const ReportService& reports, const std::string& actor, const Dashboard& d) {
    if (IsSystemActor(actor) || ToLowerAscii(d.owner) == ToLowerAscii(actor)) return Status::Ok();
    if (!d.folder.empty() && ReportService::Plan::FolderRightOf(reports, actor, d.folder) == 2)
        return Status::Ok();
    if (Status s = ReportService::Plan::AuthorizeOf(reports, actor, SystemPermission::ManageReports); !s.ok())
        return MakeError(s.error().code,
                         "You may view the dashboard \"" + d.name +
                             "\" but not change it: that takes its owner, an edit share of its folder, or "
                             "Manage Reports.",
                         "id");
    return Status::Ok();
}

Result<Dashboard> ReportService::SaveDashboard(const std::string& actor, const Dashboard& in) {
    Dashboard d = in;
    std::optional<Dashboard> old;
    if (d.id > 0) {
        Result<Dashboard> current = GetDashboard(actor, d.id);
        if (!current.ok()) return current.error();
        if (Status s = CanEditDashboard(*this, actor, *current); !s.ok()) return s.error();
        old = *current;
        d.owner = current->owner;
    } else {
        d.owner = IsSystemActor(actor) ? "admin" : actor;
    }
    if (IsBlank(d.name)) return Invalid("name", "A dashboard needs a name.");
    if (!d.folder.empty() && (!old || old->folder != d.folder) && FolderRight(actor, d.folder) != 2) {
        if (Status s = Authorize(actor, SystemPermission::ManageReports); !s.ok()) return s.error();
    }
    // Running as somebody else shows their numbers to every viewer: that takes Manage Reports.
    if (!d.run_as.empty() && ToLowerAscii(d.run_as) != ToLowerAscii(actor) &&
        (!old || old->run_as != d.run_as)) {
        if (Status s = Authorize(actor, SystemPermission::ManageReports); !s.ok()) return s.error();
    }
    // Every widget's report must be one the saver sees.
    std::vector<ReportDefinition> reports;
    for (size_t i = 0; i < d.components.size(); ++i) {
        Result<ReportDefinition> r = Get(actor, d.components[i].report_id, true);
        if (!r.ok())
            return MakeError(r.error().code, "Widget " + std::to_string(i + 1) + ": " + r.error().message,
                             "components." + std::to_string(i));
        reports.push_back(std::move(*r));
    }
    // Every filter names a field of some widget's object, with an operator and a value the engine takes
    // (checked on each widget it applies to, as the saver sees it).
    for (size_t i = 0; i < d.filters.size(); ++i) {
        const ReportFilter& f = d.filters[i];
        const std::string where = "filters." + std::to_string(i);
        const std::string which = "Filter " + std::to_string(i + 1) + ": ";
        if (IsBlank(f.field)) return Invalid(where, which + "choose a field.");
        bool applies = false;
        for (const ReportDefinition& r : reports) {
            Result<std::shared_ptr<const ObjectDef>> object = schema_.Object(r.object);
            if (!object.ok() || !HasFieldPath(schema_, **object, f.field)) continue;
            applies = true;
            ReportDefinition with = r;
            AddDashboardFilter(with, f);
            if (Status s = Check(actor, with); !s.ok())
                return MakeError(s.error().code, which + s.error().message, where);
        }
        if (!applies && !reports.empty())
            return Invalid(where, which + "no widget's object has a field " + f.field + ".");
    }
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    const int64_t now = change.now_ms();
    d.created_ms = old ? old->created_ms : now;
    d.updated_ms = now;
    json spec = ToJson(d);
    for (const char* key : {"id", "name", "folder", "owner"}) spec.erase(key);
    Statement st =
        db_.Prepare(old ? "UPDATE dashboard SET name = ?1, folder = ?2, spec = ?4, updated_ms = ?6 "
                          "WHERE id = ?7"
                        : "INSERT INTO dashboard(name, folder, owner, spec, created_ms, updated_ms) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    st.Bind(1, d.name).Bind(2, d.folder).Bind(3, d.owner).Bind(4, spec.dump()).Bind(5, d.created_ms);
    st.Bind(6, now);
    if (old) st.Bind(7, d.id);
    if (Status s = st.Run(); !s.ok()) {
        if (s.error().message.find("UNIQUE") != std::string::npos)
            return MakeError("report.duplicate_name",
                             "You already have a dashboard named \"" + d.name + "\".", "name");
        return s.error();
    }
    if (!old) d.id = db_.LastInsertRowId();
    if (Status s = change.Audit("reports", old ? "update_dashboard" : "create_dashboard",
                                "dashboard." + std::to_string(d.id), old ? ToJson(*old) : json(), ToJson(d));
        !s.ok())
        return s.error();
    change.Record("reports", "", ChangeAction::Config, d.id);
    if (Status s = change.Commit(); !s.ok()) return s.error();
    return d;
}

Status ReportService::DeleteDashboard(const std::string& actor, int64_t id) {
    Result<Dashboard> current = GetDashboard(actor, id);
    if (!current.ok()) return current.error();
    if (Status s = CanEditDashboard(*this, actor, *current); !s.ok()) return s;
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status();
    Statement st = db_.Prepare("DELETE FROM dashboard WHERE id = ?1");
    st.Bind(1, id);
    if (Status s = st.Run(); !s.ok()) return s;
    if (Status s = change.Audit("reports", "delete_dashboard", "dashboard." + std::to_string(id),
                                ToJson(*current), nullptr);
        !s.ok())
        return s;
    change.Record("reports", "", ChangeAction::Config, id);
    return change.Commit();
}

Result<std::vector<Result<ReportResult>>> ReportService::RunDashboard(const std::string& actor, int64_t id,
                                                                      const ReportRunOptions& options) {
    Result<Dashboard> d = GetDashboard(actor, id);
    if (!d.ok()) return d.error();
    const std::string viewer = d->run_as.empty() ? actor : d->run_as;
    std::vector<Result<ReportResult>> out;
    for (const DashboardComponent& c : d->components) {
        // The report as the viewer sees it: a widget whose report they may not see says so.
        Result<ReportDefinition> r = Get(viewer, c.report_id, false);
        if (!r.ok()) {
            out.push_back(r.error());
            continue;
        }
        ReportDefinition def = *r;
        if (!c.chart.empty()) def.chart.kind = c.chart;
        Result<std::shared_ptr<const ObjectDef>> object = schema_.Object(def.object);
        for (const ReportFilter& f : d->filters) {
            if (!object.ok() || !HasFieldPath(schema_, **object, f.field)) continue;  // not this widget's
            AddDashboardFilter(def, f);
        }
        out.push_back(Run(viewer, def, options));
    }
    return out;
}

}  // namespace crm
