// The save pipeline's extension points: stages other areas register, after-write and delete hooks, and
// the change set commit listeners receive.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "schema_fixture.h"

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

/// A workspace whose commit listener keeps every change set it hears.
struct Heard : SchemaFixture {
    std::vector<ChangeSet> sets;
    Heard() {
        ws->AddCommitListener([this](const ChangeSet& changes) { sets.push_back(changes); });
    }
    const ObjectChange* Find(const char* area, const char* object, ChangeAction action) const {
        if (sets.empty()) return nullptr;
        for (const ObjectChange& c : sets.back().changes) {
            if (c.area == area && c.object == object && c.action == action) return &c;
        }
        return nullptr;
    }
    int64_t Count(const char* object) {
        ListQuery q;
        q.exact_total = true;
        auto page = records().List(kAdmin, object, q);
        REQUIRE(page.ok());
        return page->total;
    }
};

std::vector<std::string> Names(const std::vector<SaveStageEntry>& stages) {
    std::vector<std::string> out;
    for (const SaveStageEntry& s : stages) out.push_back(std::string(SaveStageName(s.stage)) + ":" + s.name);
    return out;
}

}  // namespace

TEST_SUITE("records_pipeline") {
    TEST_CASE("registered stages run in the order of the pipeline, whatever the order they were added in") {
        Heard fx;
        std::vector<std::string> ran;
        RecordService& r = fx.records();
        r.AddAfterWriteHook("after", [&](SaveContext&) { ran.push_back("after"); });
        r.AddSaveStage(SaveStageId::Automation, "auto", [&](SaveContext&) { ran.push_back("automation"); });
        r.AddSaveStage(SaveStageId::DuplicateRules, "dup",
                       [&](SaveContext&) { ran.push_back("duplicates"); });
        r.AddSaveStage(SaveStageId::ValidationRules, "rule", [&](SaveContext&) { ran.push_back("rules"); });
        r.AddSaveStage(SaveStageId::Types, "types", [&](SaveContext&) { ran.push_back("types"); });
        CHECK(Names(r.SaveStages()) ==
              std::vector<std::string>{"access:access",
                                       "access:owner is an active user",
                                       "access:approval lock",
                                       "types:types",
                                       "types:process stage probability",
                                       "types:types",
                                       "required_unique:required_unique",
                                       "validation_rules:validation_rules",
                                       "validation_rules:process stage rules",
                                       "validation_rules:rule",
                                       "duplicate_rules:duplicate rules",
                                       "duplicate_rules:dup",
                                       "automation:assignment rules",
                                       "automation:automation rules",
                                       "automation:auto",
                                       "history:history",
                                       "write:write",
                                       "write:assignment queues",
                                       "write:automation rules: tasks, notifications, webhooks, time items",
                                       "write:duplicate key index",
                                       "write:reminders: next occurrences",
                                       "write:webhook subscriptions: record created or updated",
                                       "write:after"});
        fx.Create("Account", {{"Name", "Acme"}});
        CHECK(ran == std::vector<std::string>{"types", "rules", "duplicates", "automation", "after"});
    }

    TEST_CASE("a stage sees the record before and after the save and which fields changed") {
        Heard fx;
        const int64_t id = fx.Create("Account", {{"Name", "Acme"}, {"Phone", "+1 555 0100"}});
        struct Seen {
            bool is_new = false;
            bool had_before = false;
            json name_before, name_after;
            bool name_changed = false, phone_changed = false;
            std::vector<std::string> changed;
            int64_t id = 0;
        } seen;
        fx.records().AddSaveStage(SaveStageId::Automation, "look", [&](SaveContext& s) {
            const int name = s.FieldIndex("Name");
            seen.is_new = s.is_new;
            seen.had_before = s.before != nullptr;
            seen.name_before = s.Before(name).is_blank() ? json(nullptr) : json(s.Before(name).text());
            seen.name_after = s.After(name).text();
            seen.name_changed = s.Changed("Name");
            seen.phone_changed = s.Changed("Phone");
            seen.changed = s.ChangedFieldNames();
            seen.id = s.record_id;
        });
        SaveResult up =
            fx.records().Update(kAdmin, "Account", id, {{"Name", "Acme Corp"}, {"Phone", "+1 555 0100"}});
        REQUIRE(up.ok());
        CHECK_FALSE(seen.is_new);
        CHECK(seen.had_before);
        CHECK(seen.name_before == "Acme");
        CHECK(seen.name_after == "Acme Corp");
        CHECK(seen.name_changed);
        CHECK_FALSE(seen.phone_changed);  // written, but to the value it had
        CHECK(seen.changed == std::vector<std::string>{"Name"});
        CHECK(seen.id == id);

        fx.Create("Account", {{"Name", "Globex"}});
        CHECK(seen.is_new);
        CHECK_FALSE(seen.had_before);
        CHECK(seen.name_before.is_null());
        CHECK(seen.name_after == "Globex");
        CHECK(seen.name_changed);
        CHECK(seen.id == 0);  // not written yet
    }

    TEST_CASE("every error of a refusing stage is reported, later stages do not run, nothing is written") {
        Heard fx;
        bool automation_ran = false;
        fx.records().AddSaveStage(SaveStageId::DuplicateRules, "no acme", [](SaveContext& s) {
            if (s.After(s.FieldIndex("Name")).text() == "Acme")
                s.Fail(MakeError("test.duplicate", "Acme exists already.", "Name"));
        });
        fx.records().AddSaveStage(SaveStageId::DuplicateRules, "no phone", [](SaveContext& s) {
            if (s.Changed("Phone")) s.Fail(MakeError("test.phone", "No phones.", "Phone"));
        });
        fx.records().AddSaveStage(SaveStageId::Automation, "later",
                                  [&](SaveContext&) { automation_ran = true; });
        const size_t heard = fx.sets.size();
        SaveResult r = fx.records().Create(kAdmin, "Account", {{"Name", "Acme"}, {"Phone", "+1 555 0100"}});
        CHECK(Codes(r.errors) == std::vector<std::string>{"test.duplicate", "test.phone"});
        CHECK(r.errors[1].field == "Phone");
        CHECK_FALSE(automation_ran);
        CHECK(fx.Count("Account") == 0);
        CHECK(fx.sets.size() == heard);  // nothing committed, nothing heard
        // The records service's own stages still come first: a type error stops the save before them.
        SaveResult typed =
            fx.records().Create(kAdmin, "Account", {{"Name", "Acme"}, {"AnnualRevenue", "lots"}});
        CHECK(Codes(typed.errors) == std::vector<std::string>{"records.invalid_value"});
    }

    TEST_CASE("a later stage sets field values, and the save writes and reports them as changed") {
        Heard fx;
        fx.records().AddSaveStage(SaveStageId::Automation, "rate hot", [](SaveContext& s) {
            if (s.Changed("AnnualRevenue") && s.After(s.FieldIndex("AnnualRevenue")).number() > 1e6) {
                Status set = s.Set("Rating", "Hot");
                REQUIRE(set.ok());
            }
            CHECK(s.Set("Nope__c", 1).error().code == "records.unknown_field");
        });
        const int64_t id = fx.Create("Account", {{"Name", "Big"}, {"AnnualRevenue", 5000000}});
        CHECK(fx.Get("Account", id)["Rating"] == "Hot");
        const ObjectChange* created = fx.Find("records", "Account", ChangeAction::Create);
        REQUIRE(created);
        CHECK(created->ids == std::vector<int64_t>{id});
        CHECK(std::count(created->fields.begin(), created->fields.end(), "Rating") == 1);
    }

    TEST_CASE("an after-write hook knows the id, and its error rolls the save and the whole batch back") {
        Heard fx;
        std::vector<int64_t> written;
        fx.records().AddAfterWriteHook("remember", [&](SaveContext& s) {
            written.push_back(s.record_id);
            if (s.After(s.FieldIndex("Name")).text() == "Bad")
                s.Fail(MakeError("test.after", "The hook refused Bad.", "Name"));
        });
        const int64_t id = fx.Create("Account", {{"Name", "Good"}});
        CHECK(written == std::vector<int64_t>{id});
        SaveResult bad = fx.records().Create(kAdmin, "Account", {{"Name", "Bad"}});
        CHECK(Codes(bad.errors) == std::vector<std::string>{"test.after"});
        CHECK(written.back() > id);  // written, then rolled back
        CHECK(fx.Count("Account") == 1);
        BatchResult batch =
            fx.records().CreateBatch(kAdmin, "Account", {{{"Name", "One"}}, {{"Name", "Bad"}}});
        CHECK(batch.failed_index == 1);
        CHECK(batch.ids.empty());
        CHECK(fx.Count("Account") == 1);
        SaveResult update = fx.records().Update(kAdmin, "Account", id, {{"Name", "Bad"}});
        CHECK_FALSE(update.ok());
        CHECK(fx.Get("Account", id)["Name"] == "Good");
    }

    TEST_CASE("an after-write hook that saves another record joins the save: one commit, one change set") {
        Heard fx;
        RecordService& r = fx.records();
        r.AddAfterWriteHook("follow-up contact", [&](SaveContext& s) {
            if (s.object.api_name != "Account" || !s.is_new) return;
            SaveResult c = r.Create(s.actor, "Contact", {{"Name", "Follow-up"}, {"AccountId", s.record_id}});
            for (const Error& e : c.errors) s.Fail(e);
        });
        const size_t heard = fx.sets.size();
        const int64_t id = fx.Create("Account", {{"Name", "Acme"}});
        CHECK(fx.sets.size() == heard + 1);
        CHECK(fx.Find("records", "Account", ChangeAction::Create));
        const ObjectChange* contact = fx.Find("records", "Contact", ChangeAction::Create);
        REQUIRE(contact);
        CHECK(contact->ids.size() == 1);
        CHECK(fx.Count("Contact") == 1);
        (void)id;
    }

    TEST_CASE("delete hooks run before and after the row goes, see the record, and can stop the delete") {
        Heard fx;
        std::vector<std::string> phases;
        json kept;
        fx.records().AddDeleteHook(DeletePhase::Before, "bin", [&](DeleteContext& d) {
            phases.push_back("before");
            kept = d.RecordJson();
        });
        fx.records().AddDeleteHook(DeletePhase::After, "check", [&](DeleteContext& d) {
            phases.push_back("after");
            if (d.values[static_cast<size_t>(d.object.Field("Name") - d.object.fields.data())].text() ==
                "Keep")
                d.Fail(MakeError("test.keep", "Keep stays."));
        });
        const int64_t acme = fx.Create("Account", {{"Name", "Acme"}, {"Phone", "+1 555 0100"}});
        const int64_t contact = fx.Create("Contact", {{"Name", "Doe"}, {"AccountId", acme}});
        REQUIRE(fx.records().Delete(kAdmin, "Account", acme).ok());
        CHECK(phases == std::vector<std::string>{"before", "after"});
        CHECK(kept["Id"] == acme);
        CHECK(kept["Name"] == "Acme");
        CHECK(kept["Phone"] == "+1 555 0100");
        const ObjectChange* deleted = fx.Find("records", "Account", ChangeAction::Delete);
        REQUIRE(deleted);
        CHECK(deleted->ids == std::vector<int64_t>{acme});
        const ObjectChange* cleared = fx.Find("records", "Contact", ChangeAction::Update);
        REQUIRE(cleared);
        CHECK(cleared->ids == std::vector<int64_t>{contact});
        CHECK(cleared->fields == std::vector<std::string>{"AccountId"});

        const int64_t keep = fx.Create("Account", {{"Name", "Keep"}});
        Status refused = fx.records().Delete(kAdmin, "Account", keep);
        CHECK(refused.error().code == "test.keep");
        CHECK(fx.Get("Account", keep)["Name"] == "Keep");
    }

    TEST_CASE(
        "commit listeners hear what changed: records, company, list views, and services not yet saying "
        "more") {
        Heard fx;
        int bare = 0;
        fx.ws->AddCommitListener([&] { ++bare; });
        const int64_t id = fx.Create("Account", {{"Name", "Acme"}});
        REQUIRE(fx.records().Update(kAdmin, "Account", id, {{"Phone", "+1 555 0100"}}).ok());
        const ObjectChange* updated = fx.Find("records", "Account", ChangeAction::Update);
        REQUIRE(updated);
        CHECK(updated->ids == std::vector<int64_t>{id});
        CHECK(updated->fields == std::vector<std::string>{"Phone"});
        CHECK(ToJson(fx.sets.back())["changes"][0]["action"] == "update");

        CompanyProfile p = *fx.ws->company().Get();
        p.name = "Renamed";
        p.currency = "EUR";
        REQUIRE(fx.ws->company().Update(kAdmin, p).ok());
        const ObjectChange* company = fx.Find("company", "", ChangeAction::Update);
        REQUIRE(company);
        CHECK(company->fields == std::vector<std::string>{"currency", "name"});

        ListView v;
        v.object = "Account";
        v.name = "Mine";
        auto saved = fx.records().SaveListView(kAdmin, v);
        REQUIRE(saved.ok());
        const ObjectChange* view = fx.Find("list_views", "Account", ChangeAction::Update);
        REQUIRE(view);
        CHECK(view->ids == std::vector<int64_t>{saved->id});

        fx.AddField("Account",
                    {{"api_name", "Tier__c"}, {"label", "Tier"}, {"type", "text"}, {"length", 10}});
        // The schema names the object and the field it changed.
        const ObjectChange* field = fx.Find("schema", "Account", ChangeAction::Config);
        REQUIRE(field);
        CHECK(field->fields == std::vector<std::string>{"Tier__c"});

        // Access names the audit areas it touched, after its commit (the snapshot already moved).
        User u;
        u.username = "heard";
        u.full_name = "Heard Person";
        u.email = "heard@example.com";
        u.profile = "System Administrator";
        REQUIRE(fx.ws->access().CreateUser(kAdmin, u).ok());
        const ObjectChange* users = fx.Find("access", "", ChangeAction::Config);
        REQUIRE(users);
        CHECK(users->fields == std::vector<std::string>{"users"});
        CHECK(fx.ws->access().GetUser("heard").ok());
        CHECK(bare == static_cast<int>(fx.sets.size()));  // the bare listener hears every commit too
        CHECK(fx.ws->change_count() >= fx.sets.size());
    }
}
