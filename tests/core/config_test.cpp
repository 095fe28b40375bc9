// Configuration as code (core/integration/config.h): the demo company's configuration round-trips byte for
// byte through an empty workspace, and bad documents are refused with their path and change nothing.
#include "integration/config.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "api/command_api.h"
#include "demo/demo_company.h"
#include "test_util.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1795712400000;

struct Fixture {
    FixedClock clock{kNow};
    std::unique_ptr<Workspace> ws;
    std::string owner;
    explicit Fixture(const std::string& name, bool demo) {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(test::TempPath(name), o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        if (demo) REQUIRE(GenerateDemoCompany(*ws, DemoOptions{}).ok());
        owner = ws->access().WorkspaceOwner();
    }
    std::string Text() {
        Result<json> doc = config::Export(*ws, owner);
        REQUIRE(doc.ok());
        return config::Canonical(*doc);
    }
    json Doc() { return json::parse(Text()); }
};

// Prints the first differences, so a failed round trip says where.
void ShowDiff(Workspace& ws, const std::string& actor, const json& doc) {
    Result<std::vector<config::ConfigChange>> d = config::Diff(ws, actor, doc);
    if (!d.ok()) {
        MESSAGE("diff failed: " << d.error().message);
        return;
    }
    int n = 0;
    for (const auto& c : *d)
        if (n++ < 12) MESSAGE(c.en);
}

Error ApplyError(Fixture& f, const json& doc, bool force = false) {
    config::ApplyOptions o;
    o.force = force;
    Result<config::ApplyResult> r = config::Apply(*f.ws, f.owner, doc, o);
    REQUIRE_FALSE(r.ok());
    return r.error();
}

// Runs a command that has to succeed.
json Run(CommandApi& api, const json& cmd) {
    json r = api.Execute(cmd);
    if (r["ok"] != true) FAIL(cmd.dump() << " -> " << r.dump());
    return r;
}

}  // namespace

TEST_SUITE("config") {
    TEST_CASE("the demo company's configuration round-trips through an empty workspace, byte for byte") {
        Fixture demo("config_demo.db", true);
        const std::string first = demo.Text();
        CHECK(first.find("\"id\"") == std::string::npos);
        CHECK(first.find("password") == std::string::npos);
        CHECK(first == demo.Text());  // stable

        Fixture empty("config_empty.db", false);
        const json doc = json::parse(first);
        Result<config::ApplyResult> applied = config::Apply(*empty.ws, empty.owner, doc, {});
        if (!applied.ok()) FAIL(applied.error().field << ": " << applied.error().message);
        CHECK(applied->applied);
        const std::string second = empty.Text();
        if (second != first) ShowDiff(*empty.ws, empty.owner, doc);
        CHECK(second == first);

        // Applying it again changes nothing and writes nothing.
        Result<config::ApplyResult> again = config::Apply(*empty.ws, empty.owner, doc, {});
        REQUIRE(again.ok());
        CHECK_FALSE(again->applied);
    }

    TEST_CASE("apply is one transaction, audited as one change; preview writes nothing") {
        Fixture f("config_audit.db", false);
        json doc = f.Doc();
        doc["company"]["currency"] = "EUR";
        doc["roles"]["Config Role"] = {{"parent", ""}};
        doc["objects"]["Account"]["fields"]["Tier__c"] = {
            {"label", "Tier"}, {"type", "text"}, {"length", 40}};
        const std::string before = f.Text();

        config::ApplyOptions preview;
        preview.preview = true;
        Result<config::ApplyResult> p = config::Apply(*f.ws, f.owner, doc, preview);
        REQUIRE(p.ok());
        CHECK_FALSE(p->applied);
        CHECK(p->changes.size() >= 3);
        bool named = false;
        for (const auto& c : p->changes) {
            if (c.path == "objects.Account.fields.Tier__c") {
                named = true;
                CHECK(c.action == "add");
                CHECK(c.zh.find("新增") != std::string::npos);
            }
        }
        CHECK(named);
        CHECK(f.Text() == before);

        CommandApi api(*f.ws);
        auto total = [&](const char* area) {
            json args = {{"limit", 1}};
            if (area) args["area"] = area;
            return api.Execute(json{{"cmd", "audit.list"}, {"args", args}})["result"]["total"].get<int64_t>();
        };
        const int64_t entries_before = total(nullptr);
        Result<config::ApplyResult> r = config::Apply(*f.ws, f.owner, doc, {});
        REQUIRE(r.ok());
        CHECK(r->applied);
        CHECK(total("config") == 1);
        CHECK(total(nullptr) > entries_before);
        json after = f.Doc();
        CHECK(after["company"]["currency"] == "EUR");
        CHECK(after["objects"]["Account"]["fields"].contains("Tier__c"));
    }

    TEST_CASE("bad documents are refused with the path of the problem, and nothing changes") {
        Fixture f("config_bad.db", true);
        const std::string before = f.Text();
        const json good = json::parse(before);

        SUBCASE("unknown key") {
            json doc = good;
            doc["objects"]["Opportunity"]["fields"]["Region__c"]["colour"] = "red";
            Error e = ApplyError(f, doc);
            CHECK(e.field == "objects.Opportunity.fields.Region__c.colour");
            CHECK(e.id == "config.unknown_key");
        }
        SUBCASE("unknown section") {
            json doc = good;
            doc["plugins"] = json::object();
            CHECK(ApplyError(f, doc).field == "plugins");
        }
        SUBCASE("missing field in a layout") {
            json doc = good;
            doc["company"]["currency"] = "EUR";  // applied first, then rolled back
            doc["objects"]["Account"]["layouts"].begin().value()["sections"][0]["items"].push_back(
                {{"field", "Nowhere__c"}, {"required", false}, {"read_only", false}});
            Error e = ApplyError(f, doc);
            CHECK(e.field.rfind("objects.Account.layouts.", 0) == 0);
        }
        SUBCASE("missing field in a profile's grants") {
            json doc = good;
            doc["objects"]["Account"]["fields"]["Tier__c"] = {{"label", "Tier"}, {"type", "text"}};
            doc["profiles"]["Standard User"]["fields"]["Account"]["Nowhere__c"] = {"read"};
            Error e = ApplyError(f, doc);
            CHECK(e.field.rfind("profiles.Standard User.fields.Account.Nowhere__c", 0) == 0);
        }
        SUBCASE("a type change that loses values") {
            json doc = good;
            doc["objects"]["Opportunity"]["fields"]["Region__c"] = {
                {"label", "Region"}, {"type", "number"}, {"precision", 18}, {"scale", 0}};
            Error e = ApplyError(f, doc);
            CHECK(e.field == "objects.Opportunity.fields.Region__c.type");
            CHECK(e.id == "config.lossy_type_change");
        }
        SUBCASE("malformed JSON") {
            Result<json> doc = config::Parse("{\"objects\": {\"Account\": ");
            REQUIRE_FALSE(doc.ok());
            CHECK(doc.error().code == "config.malformed");
        }
        CHECK(f.Text() == before);
    }

    TEST_CASE("the commands: export, diff and apply, with a readable change list") {
        Fixture f("config_cmd.db", false);
        CommandApi api(*f.ws);
        json exported = api.Execute(json{{"cmd", "config.export"}});
        REQUIRE(exported["ok"] == true);
        json doc = exported["result"];
        doc["company"]["name"] = "Acme";
        json diff = api.Execute(json{{"cmd", "config.diff"}, {"args", {{"document", doc}}}});
        REQUIRE(diff["ok"] == true);
        REQUIRE(diff["result"]["count"] == 1);
        CHECK(diff["result"]["changes"][0]["path"] == "company.name");
        CHECK(diff["result"]["changes"][0]["en"].get<std::string>().find("Acme") != std::string::npos);
        json bad = api.Execute(json{{"cmd", "config.apply"}, {"args", {{"text", "{nope"}}}});
        CHECK(bad["ok"] == false);
        CHECK(bad["error"]["code"] == "config.malformed");
        CHECK_FALSE(bad["error"].value("message_zh", "").empty());
        json applied = api.Execute(json{{"cmd", "config.apply"}, {"args", {{"document", doc}}}});
        REQUIRE(applied["ok"] == true);
        CHECK(applied["result"]["applied"] == true);
        CHECK(f.Doc()["company"]["name"] == "Acme");
    }

    TEST_CASE("a user without Manage Integrations is denied; a preview runs every check and writes nothing") {
        Fixture f("config_deny.db", true);
        std::string rep;
        for (const User& u : f.ws->access().Users())
            if (u.active &&
                !f.ws->access().HasSystemPermission(u.username, SystemPermission::ManageIntegrations))
                rep = u.username;
        REQUIRE_FALSE(rep.empty());
        CommandApi api(*f.ws);
        for (const char* cmd : {"config.export", "config.diff", "config.apply"}) {
            CAPTURE(cmd);
            json args =
                std::string(cmd) == "config.export" ? json::object() : json{{"document", json::object()}};
            json r = api.Execute(json{{"cmd", cmd}, {"as", rep}, {"args", args}});
            CHECK(r["ok"] == false);
            CHECK(r["error"]["code"] == "access.denied");
        }
        const std::string before = f.Text();
        json doc = json::parse(before);
        doc["company"]["currency"] = "EUR";
        doc["processes"].begin().value()["field"] = "Nowhere__c";
        config::ApplyOptions preview;
        preview.preview = true;
        Result<config::ApplyResult> r = config::Apply(*f.ws, f.owner, doc, preview);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().field.rfind("processes.", 0) == 0);
        CHECK(f.Text() == before);
    }

    TEST_CASE("remove_missing: the workspace comes to mirror the document; without it, nothing is removed") {
        Fixture f("config_mirror.db", true);
        const std::string original = f.Text();
        CommandApi api(*f.ws);
        auto run = [&](const json& cmd) { return Run(api, cmd); };
        // Extras the document does not have: an object, a field a validation rule reads (the rule has to go
        // first), a role, a team with a member, an extra member of a team the document has.
        run({{"cmd", "objects.create"},
             {"args", {{"api_name", "Gadget"}, {"label", "Gadget"}, {"plural_label", "Gadgets"}}}});
        run({{"cmd", "fields.create"},
             {"args",
              {{"object", "Account"},
               {"field", {{"api_name", "Tier__c"}, {"label", "Tier"}, {"type", "text"}}}}}});
        run({{"cmd", "rules.create"},
             {"args",
              {{"object", "Account"},
               {"name", "Tier_Known"},
               {"condition", "Tier__c = \"?\""},
               {"error_message", "Say the tier."}}}});
        run({{"cmd", "roles.create"}, {"args", {{"name", "Config Role"}, {"parent", ""}}}});
        run({{"cmd", "teams.create"}, {"args", {{"name", "Config Team"}, {"description", ""}}}});
        run({{"cmd", "notify.types.save"},
             {"args", {{"code", "custom_config"}, {"label", "Config"}, {"object", "Opportunity"}}}});
        run({{"cmd", "notify.templates.save"},
             {"args",
              {{"type", "custom_config"},
               {"language", "en"},
               {"subject", "{{Opportunity.Name}}"},
               {"text", "Big"}}}});
        run({{"cmd", "reminders.save"},
             {"args",
              {{"name", "Config reminder"},
               {"object", "Opportunity"},
               {"date_field", "CloseDate"},
               {"offset", 3},
               {"unit", "days"},
               {"direction", "before"}}}});
        run({{"cmd", "teams.add_member"}, {"args", {{"team", "Config Team"}, {"username", f.owner}}}});
        const json doc = json::parse(original);
        std::string kept_team, extra_member;
        for (auto t = doc["teams"].begin(); t != doc["teams"].end() && kept_team.empty(); ++t) {
            for (const User& u : f.ws->access().Users()) {
                const json& m = t.value()["members"];
                if (u.active && std::find(m.begin(), m.end(), u.username) == m.end()) {
                    kept_team = t.key();
                    extra_member = u.username;
                    break;
                }
            }
        }
        REQUIRE_FALSE(kept_team.empty());
        run({{"cmd", "teams.add_member"}, {"args", {{"team", kept_team}, {"username", extra_member}}}});

        // Without remove_missing: every extra is kept, and applying changes only the team's member list.
        Result<std::vector<config::ConfigChange>> plain = config::Diff(*f.ws, f.owner, doc);
        REQUIRE(plain.ok());
        for (const auto& c : *plain) CHECK(c.action != "remove");

        // With it: each extra is one removal; standard objects and users are never listed as removals.
        Result<std::vector<config::ConfigChange>> mirror = config::Diff(*f.ws, f.owner, doc, true);
        REQUIRE(mirror.ok());
        std::set<std::string> removed;
        for (const auto& c : *mirror)
            if (c.action == "remove") removed.insert(c.path);
        CHECK(removed ==
              std::set<std::string>{"objects.Gadget__c", "objects.Account.fields.Tier__c",
                                    "objects.Account.validation_rules.Tier_Known", "roles.Config Role",
                                    "teams.Config Team", "notification_types.custom_config",
                                    "notification_templates.custom_config.en", "reminders.Config reminder"});

        // A document that lacks a standard object and a user: both stay.
        json partial = doc;
        partial["objects"].erase("Account");
        partial["users"].erase(extra_member);
        Result<std::vector<config::ConfigChange>> p = config::Diff(*f.ws, f.owner, partial, true);
        REQUIRE(p.ok());
        for (const auto& c : *p) {
            if (c.path == "objects.Account" || c.path == "users." + extra_member) CHECK(c.action == "keep");
        }

        config::ApplyOptions o;
        o.remove_missing = true;
        Result<config::ApplyResult> r = config::Apply(*f.ws, f.owner, doc, o);
        if (!r.ok()) FAIL(r.error().field << ": " << r.error().message);
        CHECK(r->applied);
        Result<std::vector<config::ConfigChange>> again = config::Diff(*f.ws, f.owner, doc, true);
        REQUIRE(again.ok());
        for (const auto& c : *again) MESSAGE("left: " << c.en << " " << c.before.dump());
        CHECK(again->empty());
        CHECK((f.Text() == original));  // byte for byte: the extras and the extra member are gone
    }

    TEST_CASE("remove_missing refuses what holds records unless forced, and what a service refuses") {
        Fixture f("config_mirror_held.db", true);
        const std::string original = f.Text();
        const json doc = json::parse(original);
        CommandApi api(*f.ws);
        auto run = [&](const json& cmd) { return Run(api, cmd); };
        run({{"cmd", "fields.create"},
             {"args",
              {{"object", "Account"},
               {"field", {{"api_name", "Tier__c"}, {"label", "Tier"}, {"type", "text"}}}}}});
        run({{"cmd", "records.create"},
             {"args", {{"object", "Account"}, {"values", {{"Name", "Held"}, {"Tier__c", "Gold"}}}}}});
        const std::string with_value = f.Text();
        config::ApplyOptions o;
        o.remove_missing = true;
        Error held = [&] {
            Result<config::ApplyResult> r = config::Apply(*f.ws, f.owner, doc, o);
            REQUIRE_FALSE(r.ok());
            return r.error();
        }();
        CHECK(held.code == "config.holds_records");
        CHECK(held.field == "objects.Account.fields.Tier__c");
        CHECK(held.message.find("1 records") != std::string::npos);
        CHECK(f.Text() == with_value);

        // A role with a user is refused by the access service, at the role's path; nothing changes.
        run({{"cmd", "roles.create"}, {"args", {{"name", "Held Role"}, {"parent", ""}}}});
        Result<User> someone = f.ws->access().GetUser(f.owner);
        REQUIRE(someone.ok());
        User moved = *someone;
        moved.role = "Held Role";
        REQUIRE(f.ws->access().UpdateUser(f.owner, moved).ok());
        json keep_user = doc;
        keep_user["users"][f.owner]["role"] = "Held Role";  // the document keeps the user's new role...
        const std::string before = f.Text();
        o.force = true;
        Result<config::ApplyResult> refused = config::Apply(*f.ws, f.owner, keep_user, o);
        REQUIRE_FALSE(refused.ok());  // ...but not the role: the service refuses to remove it
        CHECK(refused.error().field.rfind("roles.Held Role", 0) == 0);
        CHECK(f.Text() == before);

        // Forced, with the role back in the document: the field goes (to the recoverable area).
        keep_user["roles"]["Held Role"] = {{"parent", ""}};
        Result<config::ApplyResult> forced = config::Apply(*f.ws, f.owner, keep_user, o);
        if (!forced.ok()) FAIL(forced.error().field << ": " << forced.error().message);
        CHECK_FALSE(f.Doc()["objects"]["Account"]["fields"].contains("Tier__c"));
    }

    TEST_CASE("notification types, templates, the organisation's defaults and reminders round-trip") {
        Fixture source("config_notify_src.db", true);
        CommandApi api(*source.ws);
        auto run = [&](const json& cmd) { return Run(api, cmd); };
        run({{"cmd", "notify.types.save"},
             {"args",
              {{"code", "custom_big_deal"},
               {"label", "Big deal"},
               {"label_zh", "大单"},
               {"object", "Opportunity"},
               {"priority", "urgent"}}}});
        run({{"cmd", "notify.templates.save"},
             {"args",
              {{"type", "custom_big_deal"},
               {"language", "zh-CN"},
               {"subject", "{{Opportunity.Name}}"},
               {"text", "金额 {{Opportunity.Amount}}"},
               {"short_text", "大单"}}}});
        run({{"cmd", "notify.prefs.set_org"},
             {"args",
              {{"type", "custom_big_deal"}, {"channel", "email"}, {"enabled", false}, {"locked", true}}}});
        run({{"cmd", "reminders.save"},
             {"args",
              {{"name", "Close soon"},
               {"object", "Opportunity"},
               {"date_field", "CloseDate"},
               {"offset", 7},
               {"unit", "days"},
               {"direction", "before"},
               {"at", "09:00"}}}});
        const json doc = source.Doc();
        CHECK(doc["notification_types"]["custom_big_deal"]["priority"] == "urgent");
        CHECK(doc["notification_templates"]["custom_big_deal"]["zh-CN"]["short_text"] == "大单");
        CHECK(doc["notification_defaults"]["custom_big_deal"]["email"] ==
              json{{"enabled", false}, {"locked", true}});
        CHECK(doc["reminders"]["Close soon"]["at"] == "09:00");

        Fixture target("config_notify_dst.db", false);
        Result<config::ApplyResult> r = config::Apply(*target.ws, target.owner, doc, {});
        if (!r.ok()) FAIL(r.error().field << ": " << r.error().message);
        if (target.Text() != source.Text()) ShowDiff(*target.ws, target.owner, doc);
        CHECK((target.Text() == source.Text()));

        json bad = doc;
        bad["notification_defaults"]["custom_big_deal"]["email"]["enabled"] = "yes";
        Error e = ApplyError(target, bad);
        CHECK(e.field == "notification_defaults.custom_big_deal.email.enabled");
    }
}
