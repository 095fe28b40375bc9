// CSV reading and writing as a table of edge cases, and export: only what the exporting user may see,
// streamed in batches, with progress and cancel.
#include <doctest/doctest.h>

#include "data/csv.h"
#include "data/export.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

using Rows = std::vector<std::vector<std::string>>;

Rows ReadAll(std::string_view text, Status* status = nullptr, bool* bom = nullptr, size_t piece = 0) {
    CsvReader::Source source = CsvFromString(text);
    if (piece > 0) {  // hand the reader small pieces, to cross chunk boundaries everywhere
        source = [inner = source, piece](char* buf, size_t size) {
            return inner(buf, std::min(size, piece));
        };
    }
    CsvReader reader(source, GuessCsvDelimiter(text.substr(0, 4096)));
    Rows rows;
    CsvRow row;
    while (reader.Next(row)) rows.push_back(row.fields);
    if (status) *status = reader.status();
    if (bom) *bom = reader.had_bom();
    return rows;
}

}  // namespace

TEST_SUITE("data.csv") {
    TEST_CASE("RFC 4180 edge cases read as a spreadsheet writes them") {
        const std::string long_field(200000, 'x');
        struct Case {
            const char* what;
            std::string text;
            Rows rows;
        };
        const Case cases[] = {
            {"plain, LF", "a,b\n1,2\n", {{"a", "b"}, {"1", "2"}}},
            {"CRLF", "a,b\r\n1,2\r\n", {{"a", "b"}, {"1", "2"}}},
            {"no final line break", "a,b\n1,2", {{"a", "b"}, {"1", "2"}}},
            {"quotes", "\"a\",\"b c\"\n", {{"a", "b c"}}},
            {"doubled quotes", "\"say \"\"hi\"\"\",x\n", {{"say \"hi\"", "x"}}},
            {"embedded comma", "\"Acme, Inc.\",1\n", {{"Acme, Inc.", "1"}}},
            {"embedded LF and CRLF", "\"line1\nline2\",\"a\r\nb\"\n", {{"line1\nline2", "a\r\nb"}}},
            {"BOM", "\xEF\xBB\xBFName\nAcme\n", {{"Name"}, {"Acme"}}},
            {"blank lines skipped", "a\n\n\r\nb\n\n", {{"a"}, {"b"}}},
            {"ragged rows", "a,b,c\n1\n1,2,3,4\n", {{"a", "b", "c"}, {"1"}, {"1", "2", "3", "4"}}},
            {"empty fields", ",,\n\"\",x,\n", {{"", "", ""}, {"", "x", ""}}},
            {"Chinese text", "名称,城市\n阿里巴巴,杭州\n", {{"名称", "城市"}, {"阿里巴巴", "杭州"}}},
            {"semicolons", "a;b\n1;\"2;3\"\n", {{"a", "b"}, {"1", "2;3"}}},
            {"tabs", "a\tb\n1\t2\n", {{"a", "b"}, {"1", "2"}}},
            {"very long field", "id,text\n1,\"" + long_field + "\"\n", {{"id", "text"}, {"1", long_field}}},
        };
        for (const Case& c : cases) {
            CAPTURE(c.what);
            Status status;
            CHECK(ReadAll(c.text, &status) == c.rows);
            CHECK(status.ok());
            CHECK(ReadAll(c.text, nullptr, nullptr, 3) == c.rows);
        }
        bool bom = false;
        ReadAll("\xEF\xBB\xBFx\n", nullptr, &bom);
        CHECK(bom);
    }

    TEST_CASE("an unclosed quote is an error naming the line it opened on") {
        Status status;
        Rows rows = ReadAll("a,b\n1,\"open\nmore\n", &status);
        CHECK(rows == Rows{{"a", "b"}});
        REQUIRE_FALSE(status.ok());
        CHECK(status.error().code == "data.csv_unclosed_quote");
        CHECK(status.error().line == 2);
    }

    TEST_CASE("batches read ahead give every row once, in order, then stop at the end or at an error") {
        std::string text;
        for (int i = 0; i < 1003; ++i) text += std::to_string(i) + ",\"row " + std::to_string(i) + "\"\n";
        const Rows all = ReadAll(text);
        for (size_t size : {size_t{1}, size_t{7}, size_t{1000}, size_t{5000}}) {
            CAPTURE(size);
            CsvReader reader(CsvFromString(text), ',');
            CsvBatches batches(reader, size);
            Rows got;
            std::vector<CsvRow> rows;
            int batches_read = 0;
            for (;;) {
                REQUIRE(batches.Next(rows).ok());
                if (rows.empty()) break;
                CHECK(rows.size() <= size);
                ++batches_read;
                for (const CsvRow& r : rows) got.push_back(r.fields);
            }
            CHECK(got == all);
            CHECK(batches_read == static_cast<int>((all.size() + size - 1) / size));
            CHECK(batches.Next(rows).ok());  // after the end: the end again
            CHECK(rows.empty());
        }
        // An error in the second batch: the first batch whole, then the error, then nothing more.
        CsvReader broken(CsvFromString("1\n2\n3\n\"open\n"), ',');
        CsvBatches batches(broken, 2);
        std::vector<CsvRow> rows;
        REQUIRE(batches.Next(rows).ok());
        CHECK(rows.size() == 2);
        Status s = batches.Next(rows);
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().code == "data.csv_unclosed_quote");
        CHECK(s.error().line == 4);
        CHECK_FALSE(batches.Next(rows).ok());
        CHECK(rows.empty());
        // Left after one batch of many: going away waits for the read ahead and stops it.
        CsvReader reader(CsvFromString(text), ',');
        {
            CsvBatches early(reader, 10);
            REQUIRE(early.Next(rows).ok());
            CHECK(rows.size() == 10);
        }
        CsvRow next;
        CHECK(reader.Next(next));  // the reader is the caller's again, read up to a batch boundary
        CHECK(std::stoi(next.fields[0]) % 10 == 0);
    }

    TEST_CASE("writing quotes only what needs it and neutralises formulas") {
        struct Case {
            std::string field;
            const char* written;
        };
        const Case cases[] = {
            {"plain", "plain"},
            {"a,b", "\"a,b\""},
            {"say \"hi\"", "\"say \"\"hi\"\"\""},
            {"two\nlines", "\"two\nlines\""},
            {"=1+2", "\"'=1+2\""},
            {"+86 10", "\"'+86 10\""},
            {"-5", "\"'-5\""},
            {"@SUM(A1)", "\"'@SUM(A1)\""},
            {"中文", "中文"},
            {" padded ", "\" padded \""},
            {"", ""},
        };
        for (const Case& c : cases) {
            CAPTURE(c.field);
            std::string out;
            AppendCsvField(out, c.field, true);
            CHECK(out == c.written);
        }
        std::string row;
        AppendCsvRow(row, {"a", "b,c", ""}, false);
        CHECK(row == "a,\"b,c\",\r\n");
        CHECK(ReadAll(row) == Rows{{"a", "b,c", ""}});
    }

    TEST_CASE("export streams the records and fields the user may see, in batches, and can be cancelled") {
        auto opened = Workspace::Open(":memory:");
        REQUIRE(opened.ok());
        Workspace& ws = **opened;
        FieldDef secret;
        secret.object = "Account";
        secret.api_name = "Secret__c";
        secret.label = "Secret";
        secret.type = FieldType::Text;
        REQUIRE(ws.schema().CreateField("admin", secret).ok());
        std::vector<json> rows;
        for (int i = 1; i <= 25; ++i)
            rows.push_back({{"Name", i == 3 ? "=HYPERLINK(\"x\")" : "Acme " + std::to_string(i)},
                            {"Secret__c", "s" + std::to_string(i)}});
        REQUIRE(ws.records().CreateBatch("admin", "Account", rows).ok());

        ExportOptions o;
        o.object = "Account";
        o.columns = {"Id", "Name", "Secret__c"};
        o.batch_size = 10;
        o.bom = true;
        std::string csv;
        int sinks = 0;
        std::vector<int64_t> progress;
        Result<ExportResult> r = ws.data().exporter().Run(
            "admin", o,
            [&](std::string_view bytes) {
                ++sinks;
                csv.append(bytes);
                return Status::Ok();
            },
            [&](int64_t n) {
                progress.push_back(n);
                return true;
            });
        REQUIRE(r.ok());
        CHECK(r->rows == 25);
        CHECK(sinks == 3);
        CHECK(progress == std::vector<int64_t>{10, 20, 25});
        CHECK(csv.rfind("\xEF\xBB\xBFId,Name,Secret__c\r\n1,Acme 1,s1\r\n", 0) == 0);
        CHECK(csv.find("3,\"'=HYPERLINK(\"\"x\"\")\",s3\r\n") != std::string::npos);
        Rows parsed = ReadAll(csv);
        CHECK(parsed.size() == 26);

        // Cancelled after the first batch: whole rows only.
        int64_t seen = 0;
        std::string part;
        r = ws.data().exporter().Run(
            "admin", o,
            [&](std::string_view bytes) {
                part.append(bytes);
                return Status::Ok();
            },
            [&](int64_t n) {
                seen = n;
                return false;
            });
        REQUIRE(r.ok());
        CHECK(r->cancelled);
        CHECK(r->rows == 10);
        CHECK(ReadAll(part).size() == 11);

        // JSON Lines, formatted CSV.
        o.format = "jsonl";
        o.columns = {"Name"};
        std::string lines;
        REQUIRE(ws.data()
                    .exporter()
                    .Run("admin", o,
                         [&](std::string_view b) {
                             lines.append(b);
                             return Status::Ok();
                         })
                    .ok());
        CHECK(lines.rfind("{\"Id\":1,\"Name\":\"Acme 1\"}\n", 0) == 0);
        o.format = "xml";
        CHECK(ws.data()
                  .exporter()
                  .Run("admin", o, [](std::string_view) { return Status::Ok(); })
                  .error()
                  .code == "data.invalid");
    }
}
