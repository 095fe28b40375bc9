// Import leftovers: per-field transforms (trim, picklist value maps with the unknown values listed, date and
// number formats, lookups by name), the failed rows as a CSV that re-imports once fixed, progress and
// cancel that leave whole batches, and saved mappings.
#include <doctest/doctest.h>

#include "api/command_api.h"
#include "data/import.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

struct Fixture {
    std::unique_ptr<Workspace> ws;
    Fixture() {
        auto opened = Workspace::Open(":memory:");
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
    }
    Result<ImportReport> Import(const std::string& csv, ImportOptions o) {
        if (o.object.empty()) o.object = "Account";
        return ws->data().importer().Run("admin", o, CsvFromString(csv));
    }
    int64_t Count(const char* object, const char* filter = "") {
        ListQuery q;
        q.filter_formula = filter;
        q.exact_total = true;
        return ws->records().List("admin", object, q)->total;
    }
};

}  // namespace

TEST_SUITE("data.import_more") {
    TEST_CASE("transforms: trim, picklist value map, unknown values listed, date and decimal formats") {
        Fixture f;
        ImportOptions o;
        o.object = "Opportunity";
        o.mapping = {{"Name", "Name"}, {"Stage", "StageName"}, {"Close", "CloseDate"}, {"Amount", "Amount"}};
        o.transforms = {{"Name", {{"trim", true}}},
                        {"StageName", {{"values", {{"初步接洽", "Prospecting"}, {"won", "Closed Won"}}}}},
                        {"CloseDate", {{"date_format", "DD/MM/YYYY"}}},
                        {"Amount", {{"decimal", ","}}}};
        Result<ImportReport> r = f.Import(
            "Name,Stage,Close,Amount\n"
            "  Deal A  ,初步接洽,31/12/2026,\"1.234,50\"\n"
            "Deal B,WON,1/2/2027,10\n"
            "Deal C,Maybe,01/01/2027,1\n"
            "Deal D,won,2027-01-01,1\n",
            o);
        REQUIRE(r.ok());
        CHECK(r->inserted == 2);
        CHECK(r->failed == 2);
        CHECK(f.Count("Opportunity",
                      "Name = \"Deal A\" && CloseDate = DATE(2026,12,31) && Amount = 1234.5 && "
                      "ISPICKVAL(StageName, \"Prospecting\")") == 1);
        CHECK(f.Count("Opportunity",
                      "Name = \"Deal B\" && CloseDate = DATE(2027,2,1) && "
                      "ISPICKVAL(StageName, \"Closed Won\")") == 1);
        CHECK(r->unknown_values["StageName"] == json::array({"Maybe"}));
        // The date that does not fit names its line, column and format.
        bool date_error = false;
        for (const ImportRowResult& row : r->results)
            for (const Error& e : row.errors)
                if (e.code == "data.invalid" && e.line == 5 && e.field == "Close") date_error = true;
        CHECK(date_error);
        // Chinese date formats.
        o.transforms = {{"CloseDate", {{"date_format", "YYYY年M月D日"}}}};
        o.mapping = {{"Name", "Name"}, {"Stage", "StageName"}, {"Close", "CloseDate"}};
        r = f.Import("Name,Stage,Close\nDeal E,Prospecting,2027年3月9日\n", o);
        REQUIRE(r.ok());
        CHECK(r->inserted == 1);
        CHECK(f.Count("Opportunity", "Name = \"Deal E\" && CloseDate = DATE(2027,3,9)") == 1);
    }

    TEST_CASE("a lookup column names its record by name; none or several is a row error") {
        Fixture f;
        REQUIRE(f.ws->records().Create("admin", "Account", {{"Name", "Acme"}}).ok());
        REQUIRE(f.ws->records().Create("admin", "Account", {{"Name", "Twin"}}).ok());
        REQUIRE(f.ws->records().Create("admin", "Account", {{"Name", "Twin"}}).ok());
        ImportOptions o;
        o.object = "Contact";
        o.mapping = {{"Name", "Name"}, {"Company", "AccountId"}};
        o.transforms = {{"AccountId", {{"lookup_by", "Name"}}}};
        Result<ImportReport> r = f.Import("Name,Company\nAnn,Acme\nBob,Nobody\nCid,Twin\nDee,Acme\n", o);
        REQUIRE(r.ok());
        CHECK(r->inserted == 2);
        CHECK(r->failed == 2);
        CHECK(f.Count("Contact", "Account.Name = \"Acme\"") == 2);
        o.transforms = {{"Name", {{"lookup_by", "Name"}}}};
        CHECK(f.Import("Name\nX\n", o).error().code == "data.invalid");
    }

    TEST_CASE("the failed rows come back as a CSV that imports once fixed") {
        Fixture f;
        Result<ImportReport> r =
            f.Import("Name,Website\nAcme,https://acme.example\nBad Co,not a url\n\"Multi\nLine\",nope\n", {});
        REQUIRE(r.ok());
        CHECK(r->failed == 2);
        CHECK(r->failed_csv.rfind("Name,Website,Import error\r\n", 0) == 0);
        CHECK(r->failed_csv.find("Bad Co,not a url,") != std::string::npos);
        CHECK(r->failed_csv.find("Website: ") != std::string::npos);
        CHECK(r->failed_csv.find("\"Multi\nLine\"") != std::string::npos);
        // Fix the rows (the error column maps to nothing) and import the file again.
        std::string fixed = r->failed_csv;
        for (const char* bad : {"not a url", "nope"})
            fixed.replace(fixed.find(bad), std::string(bad).size(), "https://ok.example");
        Result<ImportReport> again = f.Import(fixed, {});
        REQUIRE(again.ok());
        CHECK(again->mapping[kImportErrorColumn] == "");
        CHECK(again->failed == 0);
        CHECK(again->inserted == 2);
        CHECK(f.Count("Account") == 3);
    }

    TEST_CASE("progress after each batch; a cancel keeps whole batches and names the last line in") {
        Fixture f;
        std::string csv = "Name\n";
        for (int i = 0; i < 25; ++i) csv += "Company " + std::to_string(i) + "\n";
        ImportOptions o;
        o.batch_size = 10;
        std::vector<int64_t> seen;
        o.progress = [&](int64_t rows) {
            seen.push_back(rows);
            return rows < 20;
        };
        Result<ImportReport> r = f.Import(csv, o);
        REQUIRE(r.ok());
        CHECK(r->cancelled);
        CHECK(seen == std::vector<int64_t>{10, 20});
        CHECK(r->last_line_committed == 21);  // the header is line 1
        CHECK(f.Count("Account") == 20);
        // All or nothing: a cancel keeps nothing.
        o.all_or_nothing = true;
        o.progress = [](int64_t) { return false; };
        r = f.Import(csv, o);
        REQUIRE(r.ok());
        CHECK(r->cancelled);
        CHECK_FALSE(r->committed);
        CHECK(f.Count("Account") == 20);
    }

    TEST_CASE("saved mappings per object: save, list, replace, delete; checked and audited") {
        Fixture f;
        CommandApi api(*f.ws);
        auto run = [&](const char* cmd, const json& args) {
            return api.Execute(json{{"cmd", cmd}, {"args", args}});
        };
        json saved =
            run("import.mappings.save", {{"object", "Contact"},
                                         {"name", "CRM export"},
                                         {"settings",
                                          {{"mapping", {{"Full name", "Name"}, {"Company", "AccountId"}}},
                                           {"transforms", {{"AccountId", {{"lookup_by", "Name"}}}}},
                                           {"mode", "insert"},
                                           {"ignored", 1}}}});
        CAPTURE(saved.dump());
        REQUIRE(saved["ok"] == true);
        CHECK_FALSE(saved["result"]["mapping"]["settings"].contains("ignored"));
        json list = run("import.mappings.list", {{"object", "Contact"}});
        REQUIRE(list["result"]["mappings"].size() == 1);
        CHECK(list["result"]["mappings"][0]["settings"]["mapping"]["Full name"] == "Name");
        json bad =
            run("import.mappings.save",
                {{"object", "Contact"}, {"name", "Bad"}, {"settings", {{"mapping", {{"X", "Nope"}}}}}});
        CHECK(bad["ok"] == false);
        CHECK(run("import.mappings.delete", {{"object", "Contact"}, {"name", "CRM export"}})["ok"] == true);
        CHECK(run("import.mappings.list", {{"object", "Contact"}})["result"]["mappings"].empty());
    }
}
