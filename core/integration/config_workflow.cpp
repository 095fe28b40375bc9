// The sections "processes", "assignment", "approvals", "automation" (workflow) and "report_folders",
// "reports", "dashboards" (reports) of the document. Reports are keyed by name (a name two owners share
// keeps the first; the second is keyed "name (owner)"); a dashboard's widgets name their report.
#include <algorithm>
#include <map>

#include "integration/config_internal.h"
#include "workspace.h"

namespace crm::config::detail {

namespace {

json Named(json item, const std::string& name) {
    item["name"] = name;
    return item;
}

// [SECTION] processes

Result<json> ReadProcesses(Workspace& ws, const std::string& actor) {
    Result<std::vector<Process>> list = ws.processes().List(actor);
    if (!list.ok()) return list.error();
    json out = json::object();
    for (const Process& p : *list) {
        json j = Without(ToJson(p), {"id", "name"});
        j["profiles"] = SortedStrings(j["profiles"]);
        j["teams"] = SortedStrings(j["teams"]);
        out[p.name] = std::move(j);
    }
    return out;
}

Status ApplyProcesses(ApplyContext& ctx, const json& wanted, const json& current) {
    for (auto it = wanted.begin(); it != wanted.end(); ++it) {
        const std::string path = Join("processes", it.key());
        const json& have = At(current, it.key());
        if (have == it.value()) continue;
        Result<Process> p = ProcessFromJson(Named(it.value(), it.key()), Process{});
        if (!p.ok()) return AtPath(p.error(), path);
        Result<Process> saved = have.is_null() ? ctx.workspace.processes().Create(ctx.actor, *p)
                                               : ctx.workspace.processes().Update(ctx.actor, *p);
        if (!saved.ok()) return AtPath(saved.error(), path);
    }
    return Status::Ok();
}

// [SECTION] assignment

Result<json> ReadAssignment(Workspace& ws, const std::string& actor) {
    Result<std::vector<AssignmentEntry>> list = ws.assignment().List(actor);
    if (!list.ok()) return list.error();
    json out = json::object();
    for (const AssignmentEntry& e : *list)
        out[e.object][e.name] = Without(ToJson(e), {"id", "object", "name"});
    return out;
}

Status ApplyAssignment(ApplyContext& ctx, const json& wanted, const json& current) {
    AssignmentService& service = ctx.workspace.assignment();
    for (auto o = wanted.begin(); o != wanted.end(); ++o) {
        if (o.value() == At(current, o.key())) continue;
        for (auto it = o.value().begin(); it != o.value().end(); ++it) {
            const std::string path = Join(Join("assignment", o.key()), it.key());
            const json& have = At(At(current, o.key()), it.key());
            if (Without(have, {"position"}) == Without(it.value(), {"position"})) continue;
            json spec = Without(it.value(), {"position"});
            spec["object"] = o.key();
            spec["name"] = it.key();
            Result<AssignmentEntry> e = AssignmentEntryFromJson(spec, AssignmentEntry{});
            if (!e.ok()) return AtPath(e.error(), path);
            Result<AssignmentEntry> saved =
                have.is_null() ? service.Create(ctx.actor, *e) : service.Update(ctx.actor, *e);
            if (!saved.ok()) return AtPath(saved.error(), path);
        }
        // The order: the document's positions, entries it does not name after them as they were.
        Result<std::vector<AssignmentEntry>> now = service.List(ctx.actor, o.key());
        if (!now.ok()) return now.error();
        std::vector<std::pair<std::pair<int, int>, std::string>> order;
        for (const AssignmentEntry& e : *now) {
            const json& p = At(At(o.value(), e.name), "position");
            order.push_back(
                {{p.is_number_integer() ? 0 : 1, p.is_number_integer() ? p.get<int>() : e.position}, e.name});
        }
        std::stable_sort(order.begin(), order.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<std::string> names;
        bool same = true;
        for (size_t i = 0; i < order.size(); ++i) {
            names.push_back(order[i].second);
            same = same && (*now)[i].name == order[i].second;
        }
        if (!same) CRM_TRY(Prefixed(service.Reorder(ctx.actor, o.key(), names), Join("assignment", o.key())));
    }
    return Status::Ok();
}

// [SECTION] approvals

Result<json> ReadApprovals(Workspace& ws, const std::string&) {
    json out = json::object();
    for (const ApprovalProcess& p : ws.approvals().Processes())
        out[p.object][p.name] = Without(ToJson(p), {"id", "object", "name"});
    return out;
}

Status ApplyApprovals(ApplyContext& ctx, const json& wanted, const json& current) {
    for (auto o = wanted.begin(); o != wanted.end(); ++o) {
        for (auto it = o.value().begin(); it != o.value().end(); ++it) {
            const std::string path = Join(Join("approvals", o.key()), it.key());
            const json& have = At(At(current, o.key()), it.key());
            if (have == it.value()) continue;
            json spec = Named(it.value(), it.key());
            spec["object"] = o.key();
            Result<ApprovalProcess> p = ApprovalProcessFromJson(spec);
            if (!p.ok()) return AtPath(p.error(), path);
            Result<ApprovalProcess> saved = have.is_null()
                                                ? ctx.workspace.approvals().CreateProcess(ctx.actor, *p)
                                                : ctx.workspace.approvals().UpdateProcess(ctx.actor, *p);
            if (!saved.ok()) return AtPath(saved.error(), path);
        }
    }
    return Status::Ok();
}

// [SECTION] automation

Result<json> ReadAutomation(Workspace& ws, const std::string& actor) {
    Result<std::vector<AutomationRule>> list = ws.automation().List(actor);
    if (!list.ok()) return list.error();
    json out = json::object();
    for (const AutomationRule& r : *list)
        out[r.object][r.name] = Without(ToJson(r), {"id", "object", "name"});
    return out;
}

Status ApplyAutomation(ApplyContext& ctx, const json& wanted, const json& current) {
    for (auto o = wanted.begin(); o != wanted.end(); ++o) {
        for (auto it = o.value().begin(); it != o.value().end(); ++it) {
            const std::string path = Join(Join("automation", o.key()), it.key());
            const json& have = At(At(current, o.key()), it.key());
            if (have == it.value()) continue;
            json spec = Named(it.value(), it.key());
            spec["object"] = o.key();
            Result<AutomationRule> r = AutomationRuleFromJson(spec, AutomationRule{});
            if (!r.ok()) return AtPath(r.error(), path);
            Result<AutomationRule> saved = have.is_null() ? ctx.workspace.automation().Create(ctx.actor, *r)
                                                          : ctx.workspace.automation().Update(ctx.actor, *r);
            if (!saved.ok()) return AtPath(saved.error(), path);
        }
    }
    return Status::Ok();
}

// [SECTION] report folders, reports, dashboards

Result<json> ReadFolders(Workspace& ws, const std::string& actor) {
    Result<std::vector<ReportFolder>> list = ws.reports().ListFolders(actor);
    if (!list.ok()) return list.error();
    json out = json::object();
    for (const ReportFolder& f : *list) out[f.name] = Without(ToJson(f), {"id", "name"});
    return out;
}

Status ApplyFolders(ApplyContext& ctx, const json& wanted, const json& current) {
    Result<std::vector<ReportFolder>> list = ctx.workspace.reports().ListFolders(ctx.actor);
    if (!list.ok()) return list.error();
    for (auto it = wanted.begin(); it != wanted.end(); ++it) {
        const std::string path = Join("report_folders", it.key());
        if (At(current, it.key()) == it.value()) continue;
        ReportFolder base;
        for (const ReportFolder& f : *list)
            if (f.name == it.key()) base = f;
        Result<ReportFolder> f = ReportFolderFromJson(Named(Without(it.value(), {"owner"}), it.key()), base);
        if (!f.ok()) return AtPath(f.error(), path);
        Result<ReportFolder> saved = ctx.workspace.reports().SaveFolder(ctx.actor, *f);
        if (!saved.ok()) return AtPath(saved.error(), path);
    }
    return Status::Ok();
}

Result<json> ReadReports(Workspace& ws, const std::string& actor) {
    Result<std::vector<ReportDefinition>> list = ws.reports().List(actor);
    if (!list.ok()) return list.error();
    std::map<int64_t, std::string> keys = ReportKeys(*list);
    json out = json::object();
    for (const ReportDefinition& r : *list) {
        Result<ReportDefinition> full = ws.reports().Get(actor, r.id, false);
        if (!full.ok()) return full.error();
        out[keys[r.id]] = Without(ToJson(*full), {"id", "created_ms", "updated_ms"});
    }
    return out;
}

Status ApplyReports(ApplyContext& ctx, const json& wanted, const json& current) {
    Result<std::vector<ReportDefinition>> list = ctx.workspace.reports().List(ctx.actor);
    if (!list.ok()) return list.error();
    std::map<int64_t, std::string> keys = ReportKeys(*list);
    for (auto it = wanted.begin(); it != wanted.end(); ++it) {
        const std::string path = Join("reports", it.key());
        if (At(current, it.key()) == it.value()) continue;
        ReportDefinition base;
        for (const auto& [id, key] : keys) {
            if (key != it.key()) continue;
            Result<ReportDefinition> full = ctx.workspace.reports().Get(ctx.actor, id, false);
            if (!full.ok()) return AtPath(full.error(), path);
            base = *full;
        }
        json spec = Without(it.value(), {"owner"});
        if (!spec.contains("name")) spec["name"] = it.key();
        Result<ReportDefinition> r = ReportFromJson(spec, base);
        if (!r.ok()) return AtPath(r.error(), path);
        Result<ReportDefinition> saved = base.id ? ctx.workspace.reports().Update(ctx.actor, *r)
                                                 : ctx.workspace.reports().Create(ctx.actor, *r);
        if (!saved.ok()) return AtPath(saved.error(), path);
    }
    return Status::Ok();
}

Result<json> ReadDashboards(Workspace& ws, const std::string& actor) {
    Result<std::vector<ReportDefinition>> reports = ws.reports().List(actor);
    if (!reports.ok()) return reports.error();
    std::map<int64_t, std::string> keys = ReportKeys(*reports);
    Result<std::vector<Dashboard>> list = ws.reports().ListDashboards(actor);
    if (!list.ok()) return list.error();
    json out = json::object();
    for (const Dashboard& d : *list) {
        json j = Without(ToJson(d), {"id", "name", "created_ms", "updated_ms"});
        for (json& c : j["components"]) {
            const int64_t id = c.value("report_id", int64_t{0});
            c.erase("report_id");
            c["report"] = keys.count(id) ? json(keys[id]) : json(nullptr);
        }
        out[d.name] = std::move(j);
    }
    return out;
}

Status ApplyDashboards(ApplyContext& ctx, const json& wanted, const json& current) {
    ReportService& reports = ctx.workspace.reports();
    Result<std::vector<ReportDefinition>> list = reports.List(ctx.actor);
    if (!list.ok()) return list.error();
    std::map<std::string, int64_t> ids;
    for (const auto& [id, key] : ReportKeys(*list)) ids[key] = id;
    Result<std::vector<Dashboard>> boards = reports.ListDashboards(ctx.actor);
    if (!boards.ok()) return boards.error();
    for (auto it = wanted.begin(); it != wanted.end(); ++it) {
        const std::string path = Join("dashboards", it.key());
        if (At(current, it.key()) == it.value()) continue;
        json spec = Named(Without(it.value(), {"owner"}), it.key());
        if (spec.contains("components") && spec["components"].is_array()) {
            int i = 0;
            for (json& c : spec["components"]) {
                const std::string cpath = path + ".components[" + std::to_string(i++) + "].report";
                if (!c.is_object()) return ConfigError("config.not_object", cpath);
                const json& name = At(c, "report");
                if (!name.is_string() || !ids.count(name.get<std::string>()))
                    return ConfigError("config.missing_reference", cpath, {{"name", name.dump()}});
                c["report_id"] = ids[name.get<std::string>()];
                c.erase("report");
            }
        }
        Dashboard base;
        for (const Dashboard& d : *boards)
            if (d.name == it.key()) base = d;
        Result<Dashboard> d = DashboardFromJson(spec, base);
        if (!d.ok()) return AtPath(d.error(), path);
        Result<Dashboard> saved = reports.SaveDashboard(ctx.actor, *d);
        if (!saved.ok()) return AtPath(saved.error(), path);
    }
    return Status::Ok();
}

const std::vector<std::string> kReportKeys = {
    "name",       "description", "folder",       "owner",          "object",        "format",
    "columns",    "filters",     "filter_logic", "filter_formula", "row_groupings", "column_groupings",
    "aggregates", "formulas",    "sort_field",   "sort_desc",      "chart"};

}  // namespace

// The key of each report (see the header comment), by id.
std::map<int64_t, std::string> ReportKeys(const std::vector<ReportDefinition>& reports) {
    std::map<int64_t, std::string> keys;
    std::map<std::string, int> used;
    for (const ReportDefinition& r : reports) {
        const std::string key = used[r.name]++ ? r.name + " (" + r.owner + ")" : r.name;
        keys[r.id] = key;
    }
    return keys;
}

void AddWorkflowSections(std::vector<ConfigSection>& out) {
    out.push_back({"processes", ReadProcesses,
                   [](const json& s) {
                       return CheckNamed(s, "processes",
                                         {"object", "field", "description", "probability_field", "active",
                                          "stages", "profiles", "teams"});
                   },
                   ApplyProcesses, nullptr});
    out.push_back({"assignment", ReadAssignment,
                   [](const json& s) {
                       return CheckByObject(s, "assignment",
                                            {"position", "active", "condition", "kind", "user", "team",
                                             "open_condition", "on_update"});
                   },
                   ApplyAssignment, nullptr});
    out.push_back({"approvals", ReadApprovals,
                   [](const json& s) {
                       return CheckByObject(
                           s, "approvals",
                           {"description", "active", "order", "entry_condition", "steps", "actions"});
                   },
                   ApplyApprovals, nullptr});
    out.push_back({"automation", ReadAutomation,
                   [](const json& s) {
                       return CheckByObject(
                           s, "automation",
                           {"description", "active", "order", "trigger", "condition", "actions"});
                   },
                   ApplyAutomation, nullptr});
}

void AddReportSections(std::vector<ConfigSection>& out) {
    out.push_back({"report_folders", ReadFolders,
                   [](const json& s) {
                       return CheckNamed(s, "report_folders", {"owner", "shares"});
                   },
                   ApplyFolders, nullptr});
    out.push_back({"reports", ReadReports,
                   [](const json& s) { return CheckNamed(s, "reports", kReportKeys); }, ApplyReports,
                   nullptr});
    out.push_back({"dashboards", ReadDashboards,
                   [](const json& s) {
                       return CheckNamed(
                           s, "dashboards",
                           {"description", "folder", "owner", "run_as", "components", "filters"});
                   },
                   ApplyDashboards, nullptr});
}

}  // namespace crm::config::detail
