// The import's batches (RecordService::SaveEach): no savepoint per row, yet each row on its own. A batch
// with an invalid row saves the others; a row that fails after it wrote (an after-write hook) is undone
// alone and the rows before it stay; all or nothing still keeps everything out; updates by id check the
// record; the listeners hear one entry with every id.
#include <doctest/doctest.h>

#include "data/import.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

struct Fixture {
    std::unique_ptr<Workspace> ws;
    std::vector<ChangeSet> heard;
    Fixture() {
        auto opened = Workspace::Open(":memory:");
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        ws->AddCommitListener([this](const ChangeSet& c) { heard.push_back(c); });
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

TEST_SUITE("data.import_bulk") {
    TEST_CASE("a batch with one invalid row reports that row and saves the others") {
        Fixture f;
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
        Fixture f;
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
        Fixture f;
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
        Fixture f;
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
