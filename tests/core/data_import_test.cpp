// Import and mass changes: the mapping guessed in both languages, per-row errors naming line and column,
// upsert by an external id, the dry run, all or nothing, GB18030 through iconv; mass update, transfer and
// delete by a filter with the previewed count. The import's batches (RecordService::SaveEach, no savepoint
// per row): a batch with an invalid row saves the others; a row that fails after it wrote is undone alone;
// all or nothing still keeps everything out; updates by id check the record.
#include <doctest/doctest.h>

#include "data/import.h"
#include "data/mass_changes.h"
#include "data/recycle_bin.h"
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
    int64_t Count(const char* filter = "") {
        ListQuery q;
        q.filter_formula = filter;
        q.exact_total = true;
        return ws->records().List("admin", "Account", q)->total;
    }
};

/// The import's batches (RecordService::SaveEach): what the listeners hear, and a hook that fails a row
/// after it wrote.
struct BulkFixture : Fixture {
    std::vector<ChangeSet> heard;
    BulkFixture() {
        ws->AddCommitListener([this](const ChangeSet& c) { heard.push_back(c); });
    }
    /// An after-write hook that writes (a field history row) and then fails for the Account named `name`.
    void FailAfterWrite(const std::string& name) {
        ws->records().AddAfterWriteHook("test: fails after writing", [this, name](SaveContext& save) {
            const int i = save.FieldIndex("Name");
            if (save.object.api_name != "Account" || save.After(i).text() != name) return;
            Statement st = ws->db().Prepare(
                "INSERT INTO field_history(object_id, record_id, field, old_value, new_value, actor, at_ms) "
                "VALUES(?1, ?2, 'Name', 'null', 'null', 'test', 0)");
            st.Bind(1, save.object.id).Bind(2, save.record_id);
            REQUIRE(st.Run().ok());
            save.Fail(MakeError("test.after_write", "The hook refused " + name + ".", "Name"));
        });
    }
    int64_t HistoryRows() {
        Statement st = ws->db().Prepare("SELECT COUNT(*) FROM field_history");
        REQUIRE(st.Step());
        return st.Int(0);
    }
};

const ImportRowResult& FirstFailed(const ImportReport& r) {
    for (const ImportRowResult& row : r.results)
        if (row.action == "error") return row;
    FAIL("no row failed");
    return r.results.front();
}

std::vector<int> FailedLines(const ImportReport& r) {
    std::vector<int> lines;
    for (const ImportRowResult& row : r.results)
        if (row.action == "error") lines.push_back(row.line);
    return lines;
}

}  // namespace

TEST_SUITE("data.import") {
    TEST_CASE("columns map to fields by API name or label, in English or Chinese") {
        Fixture f;
        std::shared_ptr<const ObjectDef> account = *f.ws->schema().Object("Account");
        json m = GuessMapping(*account, {"Account Name", "客户编号", "billing_city", "电话", "Id", "Colour"});
        CHECK(m["Account Name"] == "Name");
        CHECK(m["客户编号"] == "AccountNumber");
        CHECK(m["billing_city"] == "BillingCity");
        CHECK(m["电话"] == "Phone");
        CHECK(m["Id"] == "Id");
        CHECK(m["Colour"] == "");
    }

    TEST_CASE("valid rows go in, invalid rows come back naming line and column") {
        Fixture f;
        const std::string csv =
            "Account Name,Phone,Website,Employees\r\n"
            "Acme,+1 555 0100,https://acme.example,10\r\n"
            "Bad Co,+1 555 0101,not a url,5\r\n"
            ",+1 555 0102,,3\r\n"
            "\"Multi\nLine Co\",,,x\r\n"
            "Globex,,,\r\n";
        Result<ImportReport> r = f.Import(csv, {});
        REQUIRE(r.ok());
        CHECK(r->rows == 5);
        CHECK(r->inserted == 2);
        CHECK(r->failed == 3);
        CHECK(r->committed);
        CHECK(f.Count() == 2);
        std::vector<std::pair<int, std::string>> errors;
        for (const ImportRowResult& row : r->results)
            if (row.action == "error") errors.push_back({row.errors[0].line, row.errors[0].field});
        CHECK(errors == std::vector<std::pair<int, std::string>>{
                            {3, "Website"}, {4, "Account Name"}, {5, "Employees"}});
    }

    TEST_CASE("a dry run reports per row and writes nothing; all or nothing keeps everything out") {
        Fixture f;
        const std::string csv = "Name\nAcme\nGlobex\n";
        ImportOptions dry;
        dry.dry_run = true;
        Result<ImportReport> r = f.Import(csv, dry);
        REQUIRE(r.ok());
        CHECK(r->inserted == 2);
        CHECK_FALSE(r->committed);
        CHECK(f.Count() == 0);
        ImportOptions whole;
        whole.all_or_nothing = true;
        r = f.Import("Name,Website\nAcme,\nBad,nope\n", whole);
        REQUIRE(r.ok());
        CHECK(r->failed == 1);
        CHECK_FALSE(r->committed);
        CHECK(f.Count() == 0);
    }

    TEST_CASE("upsert by an external id updates the one match and inserts the rest") {
        Fixture f;
        REQUIRE(
            f.ws->records().Create("admin", "Account", {{"Name", "Acme"}, {"AccountNumber", "A-1"}}).ok());
        ImportOptions o;
        o.mode = "upsert";
        o.external_id = "AccountNumber";
        Result<ImportReport> r = f.Import("AccountNumber,Name,Phone\nA-1,Acme,+1 555 0100\nA-2,Globex,\n", o);
        REQUIRE(r.ok());
        CHECK(r->updated == 1);
        CHECK(r->inserted == 1);
        CHECK(f.Count() == 2);
        CHECK(f.Count("Phone = \"+1 555 0100\" && AccountNumber = \"A-1\"") == 1);
        o.external_id = "Website";
        CHECK(f.Import("Name\nX\n", o).error().code == "data.invalid");
    }

    TEST_CASE("GB18030 (GBK) bytes are decoded with the platform's iconv") {
        Fixture f;
        // "名称\n阿里巴巴\n" in GBK.
        const std::string gbk = "\xC3\xFB\xB3\xC6\n\xB0\xA2\xC0\xEF\xB0\xCD\xB0\xCD\n";
        ImportOptions o;
        o.encoding = "gbk";
        o.mapping = {{"名称", "Name"}};
        Result<ImportReport> r = f.Import(gbk, o);
        REQUIRE(r.ok());
        CHECK(r->inserted == 1);
        CHECK(f.Count("Name = \"阿里巴巴\"") == 1);
        o.encoding = "latin-9";
        CHECK(f.Import(gbk, o).error().code == "data.invalid");
    }
}

TEST_SUITE("data.mass") {
    TEST_CASE("mass update, transfer and delete act on the previewed selection, all or none") {
        Fixture f;
        for (const char* city : {"Hangzhou", "Hangzhou", "Beijing"})
            REQUIRE(
                f.ws->records()
                    .Create("admin", "Account", {{"Name", std::string("Co ") + city}, {"BillingCity", city}})
                    .ok());
        MassChanges& mass = f.ws->data().mass();
        MassSelection s{"Account", "BillingCity = \"Hangzhou\"", {}, -1};
        CHECK(*mass.Preview("admin", s) == 2);
        s.expected_count = 3;
        CHECK(mass.Update("admin", s, {{"Phone", "+86 571 0000"}}).error().code == "data.mass_count_changed");
        s.expected_count = 2;
        Result<MassOutcome> updated = mass.Update("admin", s, {{"Phone", "+86 571 0000"}});
        REQUIRE(updated.ok());
        CHECK(updated->ids.size() == 2);
        CHECK(f.Count("Phone = \"+86 571 0000\"") == 2);
        // One bad value stops them all.
        CHECK_FALSE(mass.Update("admin", s, {{"Website", "nope"}}).ok());
        CHECK(f.Count("ISBLANK(Website)") == 3);
        REQUIRE(mass.Transfer("admin", s, 1).ok());
        Result<MassOutcome> deleted = mass.Delete("admin", s);
        REQUIRE(deleted.ok());
        CHECK(f.Count() == 1);
        Result<std::vector<RecycleEntry>> bin = f.ws->data().recycle().List("admin", "Account", 10, 0);
        REQUIRE(bin.ok());
        CHECK(bin->size() == 2);
    }
}

TEST_SUITE("data.import_bulk") {
    TEST_CASE("a batch with one invalid row reports that row and saves the others") {
        BulkFixture f;
        ImportOptions o;
        o.batch_size = 100;
        Result<ImportReport> r = f.Import("Name,Website\nA,\nB,\nBad,not a url\nC,\nD,\n", o);
        REQUIRE(r.ok());
        CHECK(r->inserted == 4);
        CHECK(r->failed == 1);
        CHECK(FailedLines(*r) == std::vector<int>{4});
        CHECK(FirstFailed(*r).errors.at(0).field == "Website");
        CHECK(f.Count() == 4);
        CHECK(f.Count("Name = \"Bad\"") == 0);
        // The listeners heard one create with the four ids, in order.
        REQUIRE(!f.heard.empty());
        const ObjectChange* created = nullptr;
        for (const ObjectChange& c : f.heard.back().changes)
            if (c.area == "records" && c.object == "Account" && c.action == ChangeAction::Create)
                created = &c;
        REQUIRE(created);
        CHECK(created->ids.size() == 4);
        CHECK(std::is_sorted(created->ids.begin(), created->ids.end()));
    }

    TEST_CASE("a row that fails after writing is undone alone; the rows before and after it stay") {
        BulkFixture f;
        f.FailAfterWrite("Boom");
        ImportOptions o;
        o.batch_size = 100;
        Result<ImportReport> r = f.Import("Name\nA\nB\nBoom\nC\nBoom\nD\n", o);
        REQUIRE(r.ok());
        CHECK(r->inserted == 4);
        CHECK(r->failed == 2);
        CHECK(FailedLines(*r) == std::vector<int>{4, 6});
        CHECK(FirstFailed(*r).errors.at(0).code == "test.after_write");
        CHECK(f.Count() == 4);
        CHECK(f.Count("Name = \"Boom\"") == 0);
        CHECK(f.HistoryRows() == 0);  // what the failed rows' hook wrote went with them
        std::vector<int64_t> ids;
        for (const ImportRowResult& row : r->results)
            if (row.action == "insert") ids.push_back(row.id);
        CHECK(ids.size() == 4);
        CHECK(std::is_sorted(ids.begin(), ids.end()));
        for (int64_t id : ids) CHECK(f.ws->records().Get("admin", "Account", id).ok());
    }

    TEST_CASE("all or nothing still rolls every batch back, whichever row fails") {
        BulkFixture f;
        f.FailAfterWrite("Boom");
        ImportOptions o;
        o.batch_size = 2;
        o.all_or_nothing = true;
        Result<ImportReport> r = f.Import("Name,Website\nA,\nB,\nC,\nD,\nE,nope\n", o);
        REQUIRE(r.ok());
        CHECK(r->inserted == 4);
        CHECK(r->failed == 1);
        CHECK_FALSE(r->committed);
        CHECK(f.Count() == 0);
        r = f.Import("Name\nA\nB\nC\nBoom\nD\n", o);
        REQUIRE(r.ok());
        CHECK(FailedLines(*r) == std::vector<int>{5});
        CHECK_FALSE(r->committed);
        CHECK(f.Count() == 0);
        CHECK(f.HistoryRows() == 0);
    }

    TEST_CASE("SaveEach: prepared errors skip the pipeline; updates check the record; creates and updates") {
        BulkFixture f;
        SaveResult acme = f.ws->records().Create("admin", "Account", {{"Name", "Acme"}});
        REQUIRE(acme.ok());
        std::vector<EachRow> rows(4);
        Result<std::vector<SaveResult>> saved =
            f.ws->records().SaveEach("admin", "Account", rows, [&](size_t i, EachRow& row) {
                if (i == 0) row.values = {{"Name", "Globex"}};
                if (i == 1) row.errors.push_back(MakeError("test.prepared", "Refused before the save."));
                if (i == 2) {
                    row.id = acme.id;
                    row.values = {{"Phone", "+1 555 0100"}};
                }
                if (i == 3) {
                    row.id = 999999;
                    row.values = {{"Phone", "+1 555 0101"}};
                }
            });
        REQUIRE(saved.ok());
        REQUIRE(saved->size() == 4);
        CHECK((*saved)[0].ok());
        CHECK((*saved)[1].errors.at(0).code == "test.prepared");
        CHECK((*saved)[2].ok());
        CHECK((*saved)[2].id == acme.id);
        CHECK((*saved)[3].errors.at(0).code == "records.not_found");
        CHECK(f.Count() == 2);
        CHECK(f.Count("Phone = \"+1 555 0100\"") == 1);
        bool heard_update = false;
        for (const ObjectChange& c : f.heard.back().changes)
            if (c.action == ChangeAction::Update && c.ids == std::vector<int64_t>{acme.id})
                heard_update = std::find(c.fields.begin(), c.fields.end(), "Phone") != c.fields.end();
        CHECK(heard_update);
    }
}
