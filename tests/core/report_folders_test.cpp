// Report folders shared to users, roles (and subordinates) and teams; the Export Reports permission; the
// result cache per viewer; dashboards run as their viewer or a named user; the saved chart.
#include <doctest/doctest.h>

#include "report/report_navigation.h"
#include "report_test_fixture.h"

using namespace crm;
using crm::test::ReportFixture;
using nlohmann::json;

namespace {

const json kByStage = {{"object", "Opportunity"},
                       {"format", "summary"},
                       {"row_groupings", {"StageName"}},
                       {"aggregates", {{{"fn", "sum"}, {"field", "Amount"}}, {{"fn", "count"}}}}};

json Exec(ReportFixture& f, const std::string& cmd, const json& args, const std::string& as = "") {
    json request = {{"cmd", cmd}, {"args", args}};
    if (!as.empty()) request["as"] = as;
    json r = f.api->Execute(request);
    CAPTURE(request.dump());
    CAPTURE(r.dump());
    return r;
}

int64_t SaveReport(ReportFixture& f, const std::string& name, const std::string& folder) {
    json spec = kByStage;
    spec["name"] = name;
    spec["folder"] = folder;
    json r = Exec(f, "reports.create", {{"report", spec}});
    REQUIRE(r["ok"] == true);
    return r["result"]["id"].get<int64_t>();
}

bool Lists(ReportFixture& f, const std::string& as, int64_t id) {
    json r = Exec(f, "reports.list", json::object(), as);
    REQUIRE(r["ok"] == true);
    for (const json& x : r["result"])
        if (x["id"] == id) return true;
    return false;
}

double Total(const json& run, const char* key = "count") {
    return run["result"]["totals"]["values"][key].get<double>();
}

}  // namespace

TEST_SUITE("report.folders") {
    TEST_CASE(
        "a folder shows its reports to the users, roles, subordinates and teams it names, to view or edit") {
        ReportFixture f;
        json folder =
            Exec(f, "report_folders.create",
                 {{"folder", {{"name", "Team"}, {"shares", {{{"kind", "user"}, {"name", "rep1"}}}}}}});
        REQUIRE(folder["ok"] == true);
        const int64_t fid = folder["result"]["id"].get<int64_t>();
        const int64_t id = SaveReport(f, "Team pipeline", "Team");
        CHECK(Lists(f, "rep1", id));
        CHECK_FALSE(Lists(f, "rep2", id));
        // View only: rep1 runs it, and may not change it.
        CHECK(Exec(f, "reports.run", {{"id", id}}, "rep1")["ok"] == true);
        json denied = Exec(f, "reports.update", {{"id", id}, {"report", {{"description", "x"}}}}, "rep1");
        CHECK(denied["ok"] == false);
        CHECK(denied["error"]["code"] == "access.denied");
        // An edit share lets rep1 change it.
        REQUIRE(Exec(f, "report_folders.update",
                     {{"id", fid},
                      {"folder",
                       {{"shares", {{{"kind", "user"}, {"name", "rep1"}, {"access", "edit"}}}}}}})["ok"] ==
                true);
        CHECK(Exec(f, "reports.update", {{"id", id}, {"report", {{"description", "x"}}}}, "rep1")["ok"] ==
              true);
        // A role share: both reps hold the Rep role; a share to the roles below Boss reaches them too.
        REQUIRE(Exec(f, "report_folders.update",
                     {{"id", fid}, {"folder", {{"shares", {{{"kind", "role"}, {"name", "Rep"}}}}}}})["ok"] ==
                true);
        CHECK(Lists(f, "rep2", id));
        REQUIRE(Exec(f, "report_folders.update",
                     {{"id", fid}, {"folder", {{"shares", {{{"kind", "role"}, {"name", "Boss"}}}}}}})["ok"] ==
                true);
        CHECK_FALSE(Lists(f, "rep2", id));
        REQUIRE(
            Exec(f, "report_folders.update",
                 {{"id", fid},
                  {"folder", {{"shares", {{{"kind", "role_and_subordinates"}, {"name", "Boss"}}}}}}})["ok"] ==
            true);
        CHECK(Lists(f, "rep2", id));
        // A team share.
        REQUIRE(Exec(f, "teams.create", {{"name", "Closers"}})["ok"] == true);
        REQUIRE(Exec(f, "teams.add_member", {{"team", "Closers"}, {"username", "rep2"}})["ok"] == true);
        REQUIRE(Exec(f, "report_folders.update",
                     {{"id", fid},
                      {"folder", {{"shares", {{{"kind", "team"}, {"name", "Closers"}}}}}}})["ok"] == true);
        CHECK(Lists(f, "rep2", id));
        CHECK_FALSE(Lists(f, "rep1", id));
        // The folders list: what the user may see.
        json seen = Exec(f, "report_folders.list", json::object(), "rep1");
        REQUIRE(seen["ok"] == true);
        CHECK(seen["result"].empty());
        CHECK(Exec(f, "report_folders.list", json::object(), "rep2")["result"].size() == 1);
        // Reps may not make folders (Manage Reports).
        CHECK(Exec(f, "report_folders.create", {{"folder", {{"name", "Mine"}}}}, "rep1")["error"]["code"] ==
              "access.denied");
        // A rename carries the reports; a folder that holds reports is not deleted.
        REQUIRE(Exec(f, "report_folders.update", {{"id", fid}, {"folder", {{"name", "Team 2"}}}})["ok"] ==
                true);
        CHECK(Exec(f, "reports.get", {{"id", id}})["result"]["folder"] == "Team 2");
        CHECK(Exec(f, "report_folders.delete", {{"id", fid}})["error"]["code"] == "report.folder_not_empty");
        REQUIRE(Exec(f, "reports.delete", {{"id", id}})["ok"] == true);
        CHECK(Exec(f, "report_folders.delete", {{"id", fid}})["ok"] == true);
        // Bad shares are refused by name.
        CHECK(Exec(f, "report_folders.create",
                   {{"folder",
                     {{"name", "X"},
                      {"shares", {{{"kind", "planet"}, {"name", "Mars"}}}}}}})["error"]["code"] ==
              "report.invalid");
    }

    TEST_CASE("export needs Export Reports, which the administrator holds and Export Data does not give") {
        ReportFixture f;
        json args = {{"report", kByStage}, {"format", "csv"}};
        CHECK(Exec(f, "reports.export", args)["ok"] == true);
        CHECK(Exec(f, "reports.export", args, "rep1")["error"]["code"] == "access.denied");
        REQUIRE(Exec(f, "permsets.create", {{"name", "Data out"}})["ok"] == true);
        REQUIRE(Exec(f, "permsets.set_system",
                     {{"name", "Data out"}, {"permission", "export_data"}, {"granted", true}})["ok"] == true);
        REQUIRE(Exec(f, "users.assign_permset",
                     {{"username", "rep1"}, {"permission_set", "Data out"}})["ok"] == true);
        CHECK(Exec(f, "reports.export", args, "rep1")["error"]["code"] == "access.denied");
        REQUIRE(Exec(f, "permsets.set_system",
                     {{"name", "Data out"}, {"permission", "export_reports"}, {"granted", true}})["ok"] ==
                true);
        json ok = Exec(f, "reports.export", args, "rep1");
        REQUIRE(ok["ok"] == true);
        CHECK(ok["result"]["content"].get<std::string>().find("Prospecting") != std::string::npos);
    }

    TEST_CASE("the result cache answers the same viewer again, never another, and forgets on a change") {
        ReportFixture f;
        ReportService& reports = f.ws->reports();
        const ReportService::CacheStats start = reports.cache_stats();
        json admin1 = f.Run(kByStage);
        json admin2 = f.Run(kByStage);
        REQUIRE(admin1["ok"] == true);
        CHECK(admin1 == admin2);
        CHECK(reports.cache_stats().hits == start.hits + 1);
        json rep = f.Run(kByStage, "rep1");
        REQUIRE(rep["ok"] == true);
        CHECK(reports.cache_stats().misses == start.misses + 2);  // the rep's run is their own
        CHECK(Total(rep) < Total(admin1));
        // A new Opportunity drops the runs that read Opportunities.
        REQUIRE(f.ws->records()
                    .Create("rep1", "Opportunity",
                            {{"Name", "Fresh"},
                             {"StageName", "Prospecting"},
                             {"Amount", 10},
                             {"CloseDate", "2026-12-01"}})
                    .ok());
        CHECK(reports.cache_stats().entries == 0);
        CHECK(Total(f.Run(kByStage, "rep1")) == Total(rep) + 1);
        CHECK(Total(f.Run(kByStage)) == Total(admin1) + 1);
        // An access change drops everything: the rep's visibility changed.
        REQUIRE(reports.cache_stats().entries == 2);
        REQUIRE(Exec(f, "sharing.set", {{"object", "Opportunity"}, {"owd", "public_read"}})["ok"] == true);
        CHECK(reports.cache_stats().entries == 0);
        CHECK(Total(f.Run(kByStage, "rep1")) == Total(admin1) + 1);
        // An Account change leaves an Opportunity-only run alone.
        REQUIRE(reports.cache_stats().entries == 1);
        REQUIRE(f.ws->records().Create(kSystemActor, "Account", {{"Name", "Another"}}).ok());
        CHECK(reports.cache_stats().entries == 1);
    }

    TEST_CASE("a dashboard runs each widget as its viewer, or as its named user, with its filters") {
        ReportFixture f;
        const int64_t report =
            SaveReport(f, "Pipeline", "Sales");  // a folder without a row: all who read Opportunities
        json made = Exec(f, "dashboards.create",
                         {{"dashboard",
                           {{"name", "Sales"},
                            {"folder", "Sales"},
                            {"components",
                             {{{"kind", "chart"}, {"report_id", report}, {"chart", "bar"}},
                              {{"kind", "metric"}, {"report_id", report}}}}}}});
        REQUIRE(made["ok"] == true);
        const int64_t id = made["result"]["id"].get<int64_t>();
        json admin = Exec(f, "dashboards.run", {{"id", id}});
        json rep = Exec(f, "dashboards.run", {{"id", id}}, "rep1");
        REQUIRE(admin["ok"] == true);
        REQUIRE(rep["ok"] == true);
        REQUIRE(rep["result"]["widgets"].size() == 2);
        const double admin_count =
            admin["result"]["widgets"][0]["result"]["totals"]["values"]["count"].get<double>();
        const double rep_count =
            rep["result"]["widgets"][0]["result"]["totals"]["values"]["count"].get<double>();
        CHECK(rep_count < admin_count);
        // Run as a named user: every viewer sees that user's numbers; naming one needs Manage Reports.
        CHECK(Exec(f, "dashboards.create",
                   {{"dashboard",
                     {{"name", "Mine"}, {"run_as", "admin"}, {"components", {{{"report_id", report}}}}}}},
                   "rep1")["error"]["code"] == "access.denied");
        REQUIRE(Exec(f, "dashboards.update", {{"id", id}, {"dashboard", {{"run_as", "admin"}}}})["ok"] ==
                true);
        json as_admin = Exec(f, "dashboards.run", {{"id", id}}, "rep1");
        CHECK(as_admin["result"]["widgets"][0]["result"]["totals"]["values"]["count"].get<double>() ==
              admin_count);
        // A dashboard filter applies to each widget whose object has the field.
        REQUIRE(
            Exec(f, "dashboards.update",
                 {{"id", id},
                  {"dashboard",
                   {{"run_as", ""},
                    {"filters", {{{"field", "StageName"}, {"op", "="}, {"value", "Proposal"}}}}}}})["ok"] ==
            true);
        json filtered = Exec(f, "dashboards.run", {{"id", id}});
        CHECK(filtered["result"]["widgets"][0]["result"]["groups"].size() == 1);
        // A private dashboard is the owner's alone.
        json mine = Exec(f, "dashboards.create",
                         {{"dashboard", {{"name", "Private"}, {"components", {{{"report_id", report}}}}}}});
        REQUIRE(mine["ok"] == true);
        CHECK(Exec(f, "dashboards.run", {{"id", mine["result"]["id"]}}, "rep1")["error"]["code"] ==
              "access.denied");
        CHECK(Exec(f, "dashboards.list", json::object(), "rep1")["result"].size() == 1);
        CHECK(Exec(f, "dashboards.delete", {{"id", id}}, "rep1")["ok"] == false);
        CHECK(Exec(f, "dashboards.delete", {{"id", id}})["ok"] == true);
    }

    TEST_CASE("a dashboard filter on a looked-up record's field (Account.Industry) applies where it can") {
        ReportFixture f;
        const int64_t by_stage = SaveReport(f, "Pipeline", "Sales");
        json accounts = Exec(f, "reports.create",
                             {{"report",
                               {{"name", "Accounts"},
                                {"folder", "Sales"},
                                {"object", "Account"},
                                {"format", "summary"},
                                {"row_groupings", {"Industry"}}}}});
        REQUIRE(accounts["ok"] == true);
        json made =
            Exec(f, "dashboards.create",
                 {{"dashboard",
                   {{"name", "Tech"},
                    {"folder", "Sales"},
                    {"components", {{{"report_id", by_stage}}, {{"report_id", accounts["result"]["id"]}}}},
                    {"filters", {{{"field", "Account.Industry"}, {"op", "="}, {"value", "Technology"}}}}}}});
        REQUIRE_MESSAGE(made["ok"] == true, made.dump());
        const int64_t id = made["result"]["id"].get<int64_t>();
        json run = Exec(f, "dashboards.run", {{"id", id}});
        REQUIRE(run["ok"] == true);
        Statement st = f.ws->db().Prepare(
            "SELECT COUNT(*) FROM rec_opportunity o JOIN rec_account a ON a.id = o.accountid "
            "WHERE a.industry = 'Technology'");
        REQUIRE(st.Step());
        const double want = static_cast<double>(st.Int(0));
        CHECK(want > 0);
        CHECK(want < 400);
        CHECK(run["result"]["widgets"][0]["result"]["totals"]["values"]["count"].get<double>() == want);
        // The Account widget has no Account lookup: the filter leaves it whole.
        CHECK(run["result"]["widgets"][1]["result"]["totals"]["values"]["count"].get<double>() == 4);
        // A rep sees no more than the administrator, and a field no widget reaches is refused, naming it.
        json rep = Exec(f, "dashboards.run", {{"id", id}}, "rep1");
        REQUIRE(rep["ok"] == true);
        CHECK(rep["result"]["widgets"][0]["result"]["totals"]["values"]["count"].get<double>() <= want);
        json bad =
            Exec(f, "dashboards.update",
                 {{"id", id},
                  {"dashboard", {{"filters", {{{"field", "Account.Nope"}, {"op", "="}, {"value", "x"}}}}}}});
        CHECK(bad["ok"] == false);
        CHECK(bad["error"]["field"] == "filters.0");
    }

    TEST_CASE("a dashboard's widgets move to another place and stay there; a viewer only may not move them") {
        ReportFixture f;
        const int64_t a = SaveReport(f, "A", "Sales"), b = SaveReport(f, "B", "Sales"),
                      c = SaveReport(f, "C", "Sales");
        json made = Exec(f, "dashboards.create",
                         {{"dashboard",
                           {{"name", "Moves"},
                            {"folder", "Sales"},
                            {"components", {{{"report_id", a}}, {{"report_id", b}}, {{"report_id", c}}}}}}});
        REQUIRE(made["ok"] == true);
        const int64_t id = made["result"]["id"].get<int64_t>();
        auto order = [&](const Dashboard& d) {
            std::vector<int64_t> out;
            for (const DashboardComponent& w : d.components) out.push_back(w.report_id);
            return out;
        };
        Result<Dashboard> d = f.ws->reports().GetDashboard("admin", id);
        REQUIRE(d.ok());
        // Out of range: nothing moves.
        CHECK_FALSE(MoveDashboardComponent(*d, 0, 3));
        CHECK(order(*d) == std::vector<int64_t>{a, b, c});
        // The last to the front (a drag), then the first down one place (Move down): reading order on the
        // two-column grid.
        REQUIRE(MoveDashboardComponent(*d, 2, 0));
        CHECK(order(*d) == std::vector<int64_t>{c, a, b});
        REQUIRE(MoveDashboardComponent(*d, 0, 1));
        CHECK(order(*d) == std::vector<int64_t>{a, c, b});
        CHECK(d->components[1].column == 1);
        CHECK(d->components[2].column == 0);
        CHECK(d->components[2].row == 1);
        // rep1 reads the folder (no folder row: everyone who reads the object) but may not change it.
        Result<Dashboard> refused = f.ws->reports().SaveDashboard("rep1", *d);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == "access.denied");
        REQUIRE(f.ws->reports().SaveDashboard("admin", *d).ok());
        Result<Dashboard> again = f.ws->reports().GetDashboard("rep1", id);
        REQUIRE(again.ok());
        CHECK(order(*again) == std::vector<int64_t>{a, c, b});
        // The widgets run in their new order.
        json run = Exec(f, "dashboards.run", {{"id", id}}, "rep1");
        REQUIRE(run["ok"] == true);
        CHECK(run["result"]["widgets"].size() == 3);
    }

    TEST_CASE(
        "a dashboard is edited by its owner, an edit share of its folder or Manage Reports, not a viewer") {
        ReportFixture f;
        json folder =
            Exec(f, "report_folders.create",
                 {{"folder", {{"name", "Team"}, {"shares", {{{"kind", "user"}, {"name", "rep1"}}}}}}});
        REQUIRE(folder["ok"] == true);
        const int64_t fid = folder["result"]["id"].get<int64_t>();
        const int64_t report = SaveReport(f, "Team pipeline", "Team");
        json made =
            Exec(f, "dashboards.create",
                 {{"dashboard",
                   {{"name", "Team board"}, {"folder", "Team"}, {"components", {{{"report_id", report}}}}}}});
        REQUIRE(made["ok"] == true);
        const int64_t id = made["result"]["id"].get<int64_t>();
        Result<Dashboard> d = f.ws->reports().GetDashboard("admin", id);
        REQUIRE(d.ok());
        // The owner (admin) and the system may; rep1 holds a view share only.
        CHECK(CanEditDashboard(f.ws->reports(), "admin", *d).ok());
        Status viewer = CanEditDashboard(f.ws->reports(), "rep1", *d);
        REQUIRE_FALSE(viewer.ok());
        CHECK(viewer.error().code == "access.denied");
        // The commands refuse the viewer the same way: a rename, a new widget, a filter, a delete.
        json renamed =
            Exec(f, "dashboards.update", {{"id", id}, {"dashboard", {{"name", "Mine now"}}}}, "rep1");
        CHECK(renamed["error"]["code"] == "access.denied");
        CHECK(Exec(f, "dashboards.delete", {{"id", id}}, "rep1")["error"]["code"] == "access.denied");
        // An edit share of the folder lets rep1 add a widget and a filter.
        REQUIRE(Exec(f, "report_folders.update",
                     {{"id", fid},
                      {"folder",
                       {{"shares", {{{"kind", "user"}, {"name", "rep1"}, {"access", "edit"}}}}}}})["ok"] ==
                true);
        CHECK(CanEditDashboard(f.ws->reports(), "rep1", *d).ok());
        json edited =
            Exec(f, "dashboards.update",
                 {{"id", id},
                  {"dashboard",
                   {{"components",
                     {{{"report_id", report}}, {{"kind", "metric"}, {"report_id", report}, {"width", 2}}}},
                    {"filters", {{{"field", "CloseDate"}, {"op", "<"}, {"value", "NEXT_N_DAYS:3650"}}}}}}},
                 "rep1");
        REQUIRE(edited["ok"] == true);
        CHECK(edited["result"]["components"].size() == 2);
        CHECK(edited["result"]["components"][1]["width"] == 2);
        CHECK(edited["result"]["owner"] == "admin");
        // A filter no widget's object holds, or with an operator the engine does not know, is refused where
        // it stands.
        json unknown =
            Exec(f, "dashboards.update",
                 {{"id", id}, {"dashboard", {{"filters", {{{"field", "Nope__c"}, {"op", "="}}}}}}});
        CHECK(unknown["error"]["field"] == "filters.0");
        json bad_op = Exec(f, "dashboards.update",
                           {{"id", id},
                            {"dashboard",
                             {{"filters",
                               {{{"field", "StageName"}, {"op", "="}, {"value", "Proposal"}},
                                {{"field", "StageName"}, {"op", "like"}, {"value", "x"}}}}}}});
        CHECK(bad_op["error"]["field"] == "filters.1");
        // rep2 sees nothing of the folder: neither reads nor edits it.
        CHECK_FALSE(CanEditDashboard(f.ws->reports(), "rep2", *d).ok());
    }

    TEST_CASE("a report keeps its chart; an unknown chart is refused") {
        ReportFixture f;
        json spec = kByStage;
        spec["name"] = "Charted";
        spec["chart"] = {{"kind", "funnel"}, {"value", "sum_Amount"}};
        json made = Exec(f, "reports.create", {{"report", spec}});
        REQUIRE(made["ok"] == true);
        json got = Exec(f, "reports.get", {{"id", made["result"]["id"]}});
        CHECK(got["result"]["chart"]["kind"] == "funnel");
        CHECK(got["result"]["chart"]["value"] == "sum_Amount");
        spec["name"] = "Bad chart";
        spec["chart"] = {{"kind", "radar"}};
        CHECK(Exec(f, "reports.create", {{"report", spec}})["error"]["code"] == "report.invalid");
    }
}
