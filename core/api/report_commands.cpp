// reports.*: saved report definitions, runs as the acting user, and export.
#include <algorithm>

#include "api/command.h"
#include "workspace.h"

namespace crm::api {

namespace {

/// Report definitions are read per report: the owner's, and those in folders on objects the actor reads;
/// a run is trimmed by the acting user's own access.
Reads ReportReads() {
    Reads r = PublicFacts();
    r.what = "the reports";
    return r;
}

/// The definition's form is described in docs/commands.md (Reports).
const char* const kReportDoc = "{name, object, format, columns, filters, row_groupings, aggregates, ...}";

/// The definition a request names: a saved report (id) with the request's changes, or one given whole.
Result<ReportDefinition> Definition(Call& call) {
    ReportDefinition base;
    if (call.Id("id") > 0) {
        // The stored definition, not the copy trimmed for reading: a hidden field refuses the run.
        Result<ReportDefinition> saved = call.workspace.reports().Get(call.actor, call.Id("id"), false);
        if (!saved.ok()) return saved.error();
        base = *saved;
    }
    const json* spec = call.Obj("report");
    if (!spec && call.Id("id") <= 0)
        return InvalidArgument("report", "Name a saved report (id) or give one (report).");
    if (!spec) return base;
    return ReportFromJson(*spec, base);
}

Result<ReportRunOptions> RunOptions(Call& call) {
    ReportRunOptions o;
    o.row_limit = std::clamp(call.Int("row_limit", 2000), 1, 100'000);
    o.group_limit = std::clamp(call.Int("group_limit", 10'000), 1, 100'000);
    o.details = call.Bool("details", false);
    if (const json* drill = call.Obj("drill")) {
        for (const json& d : *drill) {
            if (!d.is_object() || !d.contains("field") || !d["field"].is_string() ||
                (d.contains("op") && !d["op"].is_string()))
                return InvalidArgument("drill",
                                       "A drill-down is a list of {field, value}: the group's keys (op "
                                       "\"row_group:N\" or \"column_group:N\" names the grouping).");
            o.drill.push_back(ReportFilter{d["field"].get<std::string>(), d.value("op", std::string("=")),
                                           d.value("value", json())});
        }
        o.details = true;
    }
    return o;
}

Result<json> ReportsListCmd(Call& call) {
    Result<std::vector<ReportDefinition>> list = call.workspace.reports().List(call.actor);
    if (!list.ok()) return list.error();
    json out = json::array();
    for (const ReportDefinition& r : *list) out.push_back(ToJson(r));
    return out;
}

Result<json> ReportsGetCmd(Call& call) {
    Result<ReportDefinition> r = call.workspace.reports().Get(call.actor, call.Id("id"));
    if (!r.ok()) return r.error();
    return ToJson(*r);
}

Result<json> ReportsCreateCmd(Call& call) {
    Result<ReportDefinition> spec = ReportFromJson(*call.Obj("report"));
    if (!spec.ok()) return spec.error();
    Result<ReportDefinition> made = call.workspace.reports().Create(call.actor, *spec);
    if (!made.ok()) return made.error();
    return ToJson(*made);
}

Result<json> ReportsUpdateCmd(Call& call) {
    // The stored definition (not the reader's trimmed copy) is what the changes apply to.
    Result<ReportDefinition> current = call.workspace.reports().Get(call.actor, call.Id("id"), false);
    if (!current.ok()) return current.error();
    Result<ReportDefinition> spec = ReportFromJson(*call.Obj("report"), *current);
    if (!spec.ok()) return spec.error();
    Result<ReportDefinition> saved = call.workspace.reports().Update(call.actor, *spec);
    if (!saved.ok()) return saved.error();
    return ToJson(*saved);
}

Result<json> ReportsDeleteCmd(Call& call) {
    return StatusJson(call.workspace.reports().Delete(call.actor, call.Id("id")),
                      json{{"deleted", call.Id("id")}});
}

Result<json> ReportsRunCmd(Call& call) {
    Result<ReportDefinition> def = Definition(call);
    if (!def.ok()) return def.error();
    Result<ReportRunOptions> options = RunOptions(call);
    if (!options.ok()) return options.error();
    Result<ReportResult> run = call.workspace.reports().Run(call.actor, *def, *options);
    if (!run.ok()) return run.error();
    return ToJson(*run);
}

Result<json> ReportsExportCmd(Call& call) {
    Result<ReportDefinition> def = Definition(call);
    if (!def.ok()) return def.error();
    Result<ReportRunOptions> options = RunOptions(call);
    if (!options.ok()) return options.error();
    const std::string format = call.Str("format", "csv");
    Result<std::string> text =
        call.workspace.reports().Export(call.actor, *def, format, call.Bool("bom", false), *options);
    if (!text.ok()) return text.error();
    return json{{"format", format}, {"content", *text}};
}

// report_folders.*

Result<json> FoldersListCmd(Call& call) {
    Result<std::vector<ReportFolder>> list = call.workspace.reports().ListFolders(call.actor);
    if (!list.ok()) return list.error();
    json out = json::array();
    for (const ReportFolder& f : *list) out.push_back(ToJson(f));
    return out;
}

Result<json> FoldersSaveCmd(Call& call) {
    ReportFolder base;
    base.id = call.Id("id");
    if (base.id > 0) {
        Result<std::vector<ReportFolder>> list = call.workspace.reports().ListFolders(call.actor);
        if (!list.ok()) return list.error();
        auto it =
            std::find_if(list->begin(), list->end(), [&](const ReportFolder& f) { return f.id == base.id; });
        // A folder the actor cannot see: SaveFolder refuses them (Manage Reports) before it looks it up.
        if (it != list->end()) base = *it;
    }
    Result<ReportFolder> spec = ReportFolderFromJson(*call.Obj("folder"), base);
    if (!spec.ok()) return spec.error();
    Result<ReportFolder> saved = call.workspace.reports().SaveFolder(call.actor, *spec);
    if (!saved.ok()) return saved.error();
    return ToJson(*saved);
}

Result<json> FoldersDeleteCmd(Call& call) {
    return StatusJson(call.workspace.reports().DeleteFolder(call.actor, call.Id("id")),
                      json{{"deleted", call.Id("id")}});
}

// dashboards.*

Result<json> DashboardsListCmd(Call& call) {
    Result<std::vector<Dashboard>> list = call.workspace.reports().ListDashboards(call.actor);
    if (!list.ok()) return list.error();
    json out = json::array();
    for (const Dashboard& d : *list) out.push_back(ToJson(d));
    return out;
}

Result<json> DashboardsGetCmd(Call& call) {
    Result<Dashboard> d = call.workspace.reports().GetDashboard(call.actor, call.Id("id"));
    if (!d.ok()) return d.error();
    return ToJson(*d);
}

Result<json> DashboardsSaveCmd(Call& call) {
    Dashboard base;
    if (call.Id("id") > 0) {
        Result<Dashboard> current = call.workspace.reports().GetDashboard(call.actor, call.Id("id"));
        if (!current.ok()) return current.error();
        base = *current;
    }
    Result<Dashboard> spec = DashboardFromJson(*call.Obj("dashboard"), base);
    if (!spec.ok()) return spec.error();
    Result<Dashboard> saved = call.workspace.reports().SaveDashboard(call.actor, *spec);
    if (!saved.ok()) return saved.error();
    return ToJson(*saved);
}

Result<json> DashboardsDeleteCmd(Call& call) {
    return StatusJson(call.workspace.reports().DeleteDashboard(call.actor, call.Id("id")),
                      json{{"deleted", call.Id("id")}});
}

Result<json> DashboardsRunCmd(Call& call) {
    Result<Dashboard> d = call.workspace.reports().GetDashboard(call.actor, call.Id("id"));
    if (!d.ok()) return d.error();
    ReportRunOptions options;
    options.row_limit = std::clamp(call.Int("row_limit", 200), 1, 10'000);
    Result<std::vector<Result<ReportResult>>> run =
        call.workspace.reports().RunDashboard(call.actor, call.Id("id"), options);
    if (!run.ok()) return run.error();
    json widgets = json::array();
    for (size_t i = 0; i < run->size(); ++i) {
        json w = {
            {"component", i}, {"report_id", d->components[i].report_id}, {"kind", d->components[i].kind}};
        Result<ReportResult>& r = (*run)[i];
        if (r.ok())
            w["result"] = ToJson(*r);
        else
            w["error"] = {{"code", r.error().code}, {"message", r.error().message}};
        widgets.push_back(std::move(w));
    }
    return json{{"dashboard", ToJson(*d)}, {"widgets", widgets}};
}

}  // namespace

void RegisterReportCommands(Registry& r) {
    const json example = {{"object", "Account"},
                          {"format", "summary"},
                          {"row_groupings", {{{"field", "Name"}}}},
                          {"aggregates", {{{"fn", "count"}}}}};
    json named = example;
    named["name"] = "Accounts by name";
    const std::vector<Arg> run_args = {{"id", ArgType::Id},
                                       {"report", ArgType::Object, false, kReportDoc},
                                       {"row_limit", ArgType::Integer},
                                       {"group_limit", ArgType::Integer},
                                       {"details", ArgType::Boolean},
                                       {"drill", ArgType::Array, false, "[{field, value, op}]"}};
    std::vector<Arg> export_args = run_args;
    export_args.push_back({"format", ArgType::String, false, "\"csv\"|\"json\""});
    export_args.push_back({"bom", ArgType::Boolean});

    r.push_back(
        {"reports.list",
         "Lists the reports the acting user sees: their own, and those in folders on objects they read.",
         {},
         ReportReads(),
         false,
         json::object(),
         ReportsListCmd});
    r.push_back({"reports.get",
                 "Returns one report's definition (parts on fields the user cannot read left out).",
                 {{"id", ArgType::Id, true}},
                 ReportReads(),
                 false,
                 {{"id", 1}},
                 ReportsGetCmd});
    r.push_back(
        {"reports.create",
         "Saves a report owned by the acting user (Read on its object; a folder needs Manage Reports).",
         {{"report", ArgType::Object, true, kReportDoc}},
         ReportReads(),
         true,
         {{"report", named}},
         ReportsCreateCmd});
    r.push_back({"reports.update",
                 "Changes a report: its owner, or a holder of Manage Reports for a report in a folder.",
                 {{"id", ArgType::Id, true}, {"report", ArgType::Object, true, kReportDoc}},
                 ReportReads(),
                 true,
                 {{"id", 1}, {"report", {{"description", "Every account, one group per name."}}}},
                 ReportsUpdateCmd});
    r.push_back({"reports.delete",
                 "Deletes a report (same rights as reports.update).",
                 {{"id", ArgType::Id, true}},
                 ReportReads(),
                 true,
                 {{"id", 1}},
                 ReportsDeleteCmd});
    r.push_back(
        {"reports.run",
         "Runs a saved report (id, with optional changes in report) or a given one as the acting user: "
         "detail rows, groups, cells and totals of only the records and fields the user may see.",
         run_args,
         ReportReads(),
         false,
         {{"report", example}},
         ReportsRunCmd});
    r.push_back(
        {"reports.export",
         "Runs a report and returns it as CSV (RFC 4180, optional BOM, formula-like cells made text) or "
         "JSON; needs Export Reports.",
         export_args,
         ReportReads(),
         false,
         {{"report", example}, {"format", "csv"}},
         ReportsExportCmd});

    const char* const folder_doc =
        "{name, shares: [{kind: user|role|role_and_subordinates|team, name, access: view|edit}]}";
    r.push_back(
        {"report_folders.list",
         "Lists the report folders shared with the acting user (all of them with Manage Reports), with "
         "their shares.",
         {},
         ReportReads(),
         false,
         json::object(),
         FoldersListCmd});
    r.push_back(
        {"report_folders.create",
         "Creates a report folder and shares it with users, roles (and subordinates) and teams, to view or "
         "edit its reports; needs Manage Reports.",
         {{"folder", ArgType::Object, true, folder_doc}},
         ReportReads(),
         true,
         {{"folder",
           {{"name", "Board Reports"},
            {"shares", {{{"kind", "role"}, {"name", "CEO"}, {"access", "view"}}}}}}},
         FoldersSaveCmd});
    r.push_back(
        {"report_folders.update",
         "Renames a folder (its reports and dashboards move with it) or changes its shares; needs Manage "
         "Reports.",
         {{"id", ArgType::Id, true}, {"folder", ArgType::Object, true, folder_doc}},
         ReportReads(),
         true,
         {{"id", 1}, {"folder", {{"shares", {{{"kind", "team"}, {"name", "Sales"}, {"access", "edit"}}}}}}},
         FoldersSaveCmd});
    r.push_back({"report_folders.delete",
                 "Deletes an empty folder; needs Manage Reports.",
                 {{"id", ArgType::Id, true}},
                 ReportReads(),
                 true,
                 {{"id", 1}},
                 FoldersDeleteCmd});

    const char* const dashboard_doc =
        "{name, folder, run_as, components: [{kind: chart|metric|table, report_id, title, chart, column, "
        "row, "
        "width, height}], filters: [{field, op, value}]}";
    const json dashboard = {{"name", "Accounts at a glance"},
                            {"components", {{{"kind", "chart"}, {"report_id", 1}, {"chart", "donut"}}}}};
    r.push_back(
        {"dashboards.list",
         "Lists the dashboards the acting user sees: their own and those in folders shared with them.",
         {},
         ReportReads(),
         false,
         json::object(),
         DashboardsListCmd});
    r.push_back({"dashboards.get",
                 "Returns one dashboard's definition.",
                 {{"id", ArgType::Id, true}},
                 ReportReads(),
                 false,
                 {{"id", 1}},
                 DashboardsGetCmd});
    r.push_back(
        {"dashboards.create",
         "Saves a dashboard of widgets backed by saved reports the acting user sees; running it as a named "
         "user (run_as) needs Manage Reports.",
         {{"dashboard", ArgType::Object, true, dashboard_doc}},
         ReportReads(),
         true,
         {{"dashboard", dashboard}},
         DashboardsSaveCmd});
    r.push_back({"dashboards.update",
                 "Changes a dashboard (its owner, an edit share of its folder, or Manage Reports); each "
                 "filter names a field of some widget's object, with an operator and value its reports take "
                 "(an error names \"filters.N\").",
                 {{"id", ArgType::Id, true}, {"dashboard", ArgType::Object, true, dashboard_doc}},
                 ReportReads(),
                 true,
                 {{"id", 1}, {"dashboard", {{"description", "The accounts, by name."}}}},
                 DashboardsSaveCmd});
    r.push_back({"dashboards.delete",
                 "Deletes a dashboard (same rights as dashboards.update).",
                 {{"id", ArgType::Id, true}},
                 ReportReads(),
                 true,
                 {{"id", 1}},
                 DashboardsDeleteCmd});
    r.push_back({"dashboards.run",
                 "Runs every widget's report as the acting user (or the dashboard's run_as user) with the "
                 "dashboard's filters: one result or error per widget.",
                 {{"id", ArgType::Id, true}, {"row_limit", ArgType::Integer}},
                 ReportReads(),
                 false,
                 {{"id", 1}},
                 DashboardsRunCmd});
}

}  // namespace crm::api
