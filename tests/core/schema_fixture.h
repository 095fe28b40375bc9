// A workspace in memory with a fixed clock, for the schema and records suites.
#pragma once
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "workspace.h"

namespace crm::test {

constexpr int64_t kSchemaNow = 1795712400000;  // 2026-11-26T17:00:00Z
constexpr const char* kAdmin = "admin";

struct SchemaFixture {
    FixedClock clock{kSchemaNow};
    std::unique_ptr<Workspace> ws;

    SchemaFixture() {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(":memory:", o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
    }
    SchemaService& schema() { return ws->schema(); }
    RecordService& records() { return ws->records(); }

    /// Adds a custom field from its JSON form; the test fails when the schema refuses it.
    FieldDef AddField(const std::string& object, const nlohmann::json& spec) {
        FieldDef base;
        base.object = object;
        auto def = FieldDefFromJson(spec, base);
        REQUIRE(def.ok());
        auto created = schema().CreateField(kAdmin, *def);
        if (!created.ok()) FAIL(std::string(created.error().message));
        return *created;
    }
    /// Creates a record; the test fails when the pipeline refuses it.
    int64_t Create(const std::string& object, const nlohmann::json& values) {
        SaveResult r = records().Create(kAdmin, object, values);
        if (!r.ok()) FAIL(std::string(r.errors.front().code + ": " + r.errors.front().message));
        return r.id;
    }
    nlohmann::json Get(const std::string& object, int64_t id) {
        auto r = records().Get(kAdmin, object, id);
        REQUIRE(r.ok());
        return *r;
    }
    int64_t AuditCount(const std::string& area) {
        AuditQuery q;
        q.area = area;
        q.limit = 1;
        auto page = ws->audit().List(q);
        REQUIRE(page.ok());
        return page->total;
    }
};

/// The codes of a failed save, in order.
inline std::vector<std::string> Codes(const std::vector<Error>& errors) {
    std::vector<std::string> codes;
    for (const Error& e : errors) codes.push_back(e.code);
    return codes;
}

}  // namespace crm::test
