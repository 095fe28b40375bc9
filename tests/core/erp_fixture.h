// The connector suites' workspace (tests/core/connector_*_test.cpp): an Account external-id field, the
// scripted ERP (erp_fake.h) as the client, and helpers to configure, run and read.
#pragma once
#include <doctest/doctest.h>

#include "erp_fake.h"
#include "integration/connector.h"
#include "integration/connector_internal.h"
#include "outbox_fixture.h"
#include "schema/schema.h"

namespace crm::test {

using nlohmann::json;

struct ErpFixture : OutboxFixture {
    FakeErp erp;
    ErpFixture() {
        FieldDef base;
        base.object = "Account";
        auto def = FieldDefFromJson({{"api_name", "ERP_Id__c"}, {"label", "ERP Id"}, {"type", "text"}}, base);
        REQUIRE(def.ok());
        REQUIRE(ws->schema().CreateField("admin", *def).ok());
        connectors().SetClient(&erp);
    }
    ConnectorService& connectors() { return ConnectorsOf(*ws); }

    static json Customers(const std::string& direction, const std::string& conflict) {
        return {{"name", "customers"},
                {"path", "customers"},
                {"object", "Account"},
                {"external_id_field", "ERP_Id__c"},
                {"direction", direction},
                {"conflict", conflict},
                {"fields",
                 {{{"erp", "name"}, {"crm", "Name"}, {"transform", "TRIM(VALUE)"}},
                  {{"erp", "phone"}, {"crm", "Phone"}},
                  {{"erp", "staff"}, {"crm", "NumberOfEmployees"}, {"transform", "VALUE * 10"}}}}};
    }
    int64_t Connect(const std::string& direction = "in", const std::string& conflict = "erp_wins",
                    int page_size = 100) {
        Result<Connector> c = connectors().Save("admin", 0,
                                                {{"name", "ERP"},
                                                 {"base_url", FakeErp::kBase},
                                                 {"auth", "api_key"},
                                                 {"auth_header", "X-Api-Key"},
                                                 {"secret", "the-erp-key-123"},
                                                 {"page_size", page_size},
                                                 {"entities", {Customers(direction, conflict)}}});
        if (!c.ok()) CAPTURE(c.error().message);
        REQUIRE(c.ok());
        return c->id;
    }
    SyncRun Run(int64_t id) {
        Result<SyncRun> r = connectors().Run("admin", id);
        REQUIRE(r.ok());
        return *r;
    }
    /// Sets the customers entity's push batch size.
    void Batch(int64_t id, int batch_size, const std::string& direction,
               const std::string& conflict = "erp_wins") {
        json entity = Customers(direction, conflict);
        entity["batch_size"] = batch_size;
        REQUIRE(connectors().Save("admin", id, {{"entities", {entity}}}).ok());
    }
    /// A new Account's id.
    int64_t NewAccount(const json& values) {
        SaveResult r = ws->records().Create("admin", "Account", values);
        REQUIRE(r.ok());
        return r.id;
    }
    void AddField(const json& spec) {
        FieldDef base;
        base.object = "Account";
        auto def = FieldDefFromJson(spec, base);
        REQUIRE(def.ok());
        REQUIRE(ws->schema().CreateField("admin", *def).ok());
    }
    /// The connectors' external-id indexes (erp_ext_...), by name.
    std::vector<std::string> ErpIndexes() {
        Statement st = ws->db().Prepare(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'erp\\_ext\\_%' ESCAPE '\\' "
            "ORDER BY name");
        std::vector<std::string> out;
        while (st.Step()) out.push_back(st.Text(0));
        return out;
    }
    /// SQLite's plan for a pull's match on `field` of Account, its details joined.
    std::string LookupPlan(const std::string& field) {
        std::shared_ptr<const ObjectDef> o = *ws->schema().Object("Account");
        Statement st = ws->db().Prepare("EXPLAIN QUERY PLAN " +
                                        connector_detail::ExternalIdLookupSql(*o, *o->Field(field)));
        st.Bind(1, "C-1");
        std::string plan;
        while (st.Step()) plan += st.Text(3) + "; ";
        return plan;
    }
    /// The Account holding ERP id `ext`, as the admin reads it (null when none).
    json Account(const std::string& ext) {
        ListQuery q;
        q.filters = {{"ERP_Id__c", "=", ext}};
        Result<ListPage> page = ws->records().List("admin", "Account", q);
        REQUIRE(page.ok());
        if (page->rows.empty()) return nullptr;
        Result<json> r = ws->records().Get("admin", "Account", page->rows[0]["Id"].get<int64_t>());
        REQUIRE(r.ok());
        return *r;
    }
};

}  // namespace crm::test
