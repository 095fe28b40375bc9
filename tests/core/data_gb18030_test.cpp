// GB18030 written by the core's encoder on both targets (data/gb18030.h): the cases as a table, pieces cut
// inside a character, the same bytes as glibc's iconv where the platform writes GB18030 itself, and an
// export in GB18030 that the import reads back with its Chinese text.
#include <doctest/doctest.h>
#include <iconv.h>

#include "data/export.h"
#include "data/gb18030.h"
#include "data/import.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

std::string Utf8(uint32_t cp) {
    std::string s;
    if (cp < 0x80) {
        s += static_cast<char>(cp);
    } else if (cp < 0x800) {
        s += static_cast<char>(0xC0 | cp >> 6);
        s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        s += static_cast<char>(0xE0 | cp >> 12);
        s += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        s += static_cast<char>(0xF0 | cp >> 18);
        s += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
        s += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return s;
}

/// What the platform's iconv writes for `utf8` in GB18030, or "" when it cannot (musl in the browser).
std::string IconvGb18030(iconv_t cd, const std::string& utf8) {
    std::string in = utf8;
    char out[16];
    char* ip = in.data();
    char* op = out;
    size_t il = in.size(), ol = sizeof out;
    iconv(cd, nullptr, nullptr, nullptr, nullptr);
    if (iconv(cd, &ip, &il, &op, &ol) == static_cast<size_t>(-1) || il != 0) return "";
    return std::string(out, static_cast<size_t>(op - out));
}

std::unique_ptr<Workspace> Open() {
    auto opened = Workspace::Open(":memory:");
    REQUIRE(opened.ok());
    return std::move(opened.value());
}

}  // namespace

TEST_SUITE("data.gb18030") {
    TEST_CASE("GB18030 is written on both targets: ASCII as is, GBK in two bytes, the rest in four") {
        REQUIRE(Gb18030Available());
        struct Case {
            const char* utf8;
            const char* gb18030;
        };
        const Case cases[] = {
            {"", ""},
            {"Name,Phone\r\n", "Name,Phone\r\n"},
            {"中", "\xD6\xD0"},
            {"名称", "\xC3\xFB\xB3\xC6"},
            {"阿里巴巴", "\xB0\xA2\xC0\xEF\xB0\xCD\xB0\xCD"},
            {"北京科技有限公司", "\xB1\xB1\xBE\xA9\xBF\xC6\xBC\xBC\xD3\xD0\xCF\xDE\xB9\xAB\xCB\xBE"},
            {"ＡＢＣ", "\xA3\xC1\xA3\xC2\xA3\xC3"},    // full-width Latin, GBK
            {"\xC2\x80", "\x81\x30\x81\x30"},          // U+0080: the first four-byte code
            {"\xEF\xBF\xBF", "\x84\x31\xA4\x39"},      // U+FFFF: the last of the BMP
            {"\xE1\xB8\xBF", "\xA8\xBC"},              // U+1E3F: two bytes since GB18030-2005
            {"\xC3\xA4", "\x81\x30\x8A\x31"},          // ä U+00E4
            {"\xEA\xB0\x80", "\x82\x37\xCF\x35"},      // 가 U+AC00 (Hangul)
            {"\xF0\x90\x80\x80", "\x90\x30\x81\x30"},  // U+10000
            {"\xF0\x9F\x98\x80", "\x94\x39\xFC\x36"},  // U+1F600 😀
            {"a\xFF"
             "b",
             "a?b"},                // not UTF-8
            {"\xED\xA0\x80", "?"},  // a lone surrogate
            {"\xC0\xAF", "??"},     // an overlong form
            {"x\xE4\xB8", "x?"},    // cut at the very end
        };
        for (const Case& c : cases) {
            CAPTURE(c.utf8);
            CHECK(Gb18030FromUtf8(c.utf8) == std::string(c.gb18030));
        }
    }

    TEST_CASE("a character cut between two pieces is written whole") {
        const std::string text = "客户 Acme 😀 北京";
        for (size_t cut = 0; cut <= text.size(); ++cut) {
            Gb18030Encoder encoder;
            std::string out;
            encoder.Encode(std::string_view(text).substr(0, cut), out);
            encoder.Encode(std::string_view(text).substr(cut), out);
            encoder.Finish(out);
            CAPTURE(cut);
            CHECK(out == Gb18030FromUtf8(text));
            CHECK(encoder.replaced() == 0);
        }
    }

    TEST_CASE("every BMP character is written as the platform's iconv writes it, where it can") {
        iconv_t cd = iconv_open("GB18030", "UTF-8");
        const bool writes = cd != reinterpret_cast<iconv_t>(-1) && IconvGb18030(cd, "中") == "\xD6\xD0";
        if (!writes) {  // the browser's musl: nothing to compare with
            if (cd != reinterpret_cast<iconv_t>(-1)) iconv_close(cd);
            return;
        }
        int compared = 0, differ = 0;
        std::string first;
        for (uint32_t cp = 0x80; cp <= 0xFFFF; ++cp) {
            if (cp >= 0xD800 && cp <= 0xDFFF) continue;
            const std::string theirs = IconvGb18030(cd, Utf8(cp));
            if (theirs.empty()) continue;
            ++compared;
            if (Gb18030FromUtf8(Utf8(cp)) != theirs) {
                if (first.empty()) first = std::to_string(cp);
                ++differ;
            }
        }
        iconv_close(cd);
        CAPTURE(first);
        CHECK(compared > 60000);
        CHECK(differ == 0);
    }

    TEST_CASE("records exported as GB18030 import back with their Chinese text") {
        std::unique_ptr<Workspace> from = Open();
        const std::vector<std::string> names = {"阿里巴巴", "北京科技有限公司", "测试·甲乙丙",
                                                "Acme, \"Inc.\"", "Müller GmbH"};
        for (const std::string& name : names)
            REQUIRE(
                from->records().Create("admin", "Account", {{"Name", name}, {"BillingCity", "杭州"}}).ok());
        ExportOptions o;
        o.object = "Account";
        o.columns = {"Name", "BillingCity"};
        o.encoding = "gb18030";
        o.bom = true;  // no UTF-8 mark in a GB18030 file
        std::string file;
        Result<ExportResult> exported = from->data().exporter().Run("admin", o, [&](std::string_view bytes) {
            file.append(bytes);
            return Status::Ok();
        });
        REQUIRE(exported.ok());
        CHECK(exported->rows == static_cast<int64_t>(names.size()));
        CHECK(exported->bytes == static_cast<int64_t>(file.size()));
        CHECK(file.rfind("Name,BillingCity\r\n", 0) == 0);
        CHECK(file.find("\xB0\xA2\xC0\xEF\xB0\xCD\xB0\xCD") != std::string::npos);  // 阿里巴巴
        CHECK(file.find("\xBA\xBC\xD6\xDD") != std::string::npos);                  // 杭州

        std::unique_ptr<Workspace> to = Open();
        ImportOptions in;
        in.object = "Account";
        in.encoding = "gb18030";
        Result<ImportReport> imported = to->data().importer().Run("admin", in, CsvFromString(file));
        REQUIRE(imported.ok());
        CHECK(imported->inserted == static_cast<int64_t>(names.size()));
        for (const std::string& name : names) {
            ListQuery q;
            q.columns = {"Name", "BillingCity"};
            q.filters.push_back({"Name", "=", name});
            Result<ListPage> page = to->records().List("admin", "Account", q);
            REQUIRE(page.ok());
            CAPTURE(name);
            REQUIRE(page->rows.size() == 1);
            CHECK(page->rows[0]["BillingCity"] == "杭州");
        }
        // An encoding the export does not write is named.
        o.encoding = "latin-9";
        Result<ExportResult> refused =
            from->data().exporter().Run("admin", o, [](std::string_view) { return Status::Ok(); });
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().field == "encoding");
    }
}
