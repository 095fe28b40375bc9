// Packages (core/integration/package.h): the two sample packages of packages/ install, are listed with
// their components, and uninstall; bad packages are refused before anything changes.
#include <doctest/doctest.h>

#include "api/command_api.h"
#include "integration/config.h"
#include "integration/package.h"
#include "test_util.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1795712400000;

json Sample(const std::string& file) {
    const std::string text = test::ReadFileBytes(std::string(CRM_SOURCE_DIR) + "/packages/" + file);
    REQUIRE_FALSE(text.empty());
    return json::parse(text);
}

struct Fixture {
    FixedClock clock{kNow};
    std::unique_ptr<Workspace> ws;
    std::string owner;
    explicit Fixture(const std::string& name) {
        WorkspaceOptions o;
        o.clock = &clock;
        auto opened = Workspace::Open(test::TempPath(name), o);
        REQUIRE(opened.ok());
        ws = std::move(opened.value());
        owner = ws->access().WorkspaceOwner();
    }
    std::string Text() {
        Result<json> doc = config::Export(*ws, owner);
        REQUIRE(doc.ok());
        return config::Canonical(*doc);
    }
    Result<packages::InstallResult> Install(const json& p, bool preview = false,
                                            const std::string& app = Workspace::AppVersion()) {
        return packages::Install(*ws, owner, p, preview, app);
    }
};

json Resigned(json p) {
    p["checksum"] = packages::ChecksumOf(p);
    return p;
}

}  // namespace

TEST_SUITE("config.packages") {
    TEST_CASE("the sample packages carry the checksum of their contents") {
        for (const char* file : {"service_level_agreements.json", "partner_relationship.json"}) {
            CAPTURE(file);
            json p = Sample(file);
            CHECK_MESSAGE(p["checksum"] == packages::ChecksumOf(p), "checksum: " << packages::ChecksumOf(p));
        }
    }

    TEST_CASE("the SLA and Partner packages install, mark their components, and uninstall") {
        Fixture f("package_install.db");
        const std::string empty = f.Text();
        Result<packages::InstallResult> preview = f.Install(Sample("service_level_agreements.json"), true);
        if (!preview.ok()) FAIL(preview.error().field << ": " << preview.error().message);
        CHECK_FALSE(preview->installed);
        CHECK(f.Text() == empty);

        Result<packages::InstallResult> sla = f.Install(Sample("service_level_agreements.json"));
        if (!sla.ok()) FAIL(sla.error().field << ": " << sla.error().message);
        CHECK(sla->installed);
        json doc = json::parse(f.Text());
        CHECK(doc["objects"]["Case"]["fields"].contains("SLA_Due__c"));
        CHECK(doc["automation"]["Case"].contains("SLA breach escalation"));
        CHECK(doc["reports"].contains("SLA breaches by priority"));
        const auto& components = sla->package.components;
        CHECK(std::find(components.begin(), components.end(), "objects.Case.fields.SLA_Level__c") !=
              components.end());

        Result<packages::InstallResult> partner = f.Install(Sample("partner_relationship.json"));
        if (!partner.ok()) FAIL(partner.error().field << ": " << partner.error().message);
        doc = json::parse(f.Text());
        CHECK(doc["objects"].contains("Partner__c"));
        CHECK(doc["permission_sets"].contains("Partner Manager"));
        CHECK(doc["sharing"]["Partner__c"]["owd"] == "private");

        CommandApi api(*f.ws);
        json list = api.Execute(json{{"cmd", "packages.list"}});
        REQUIRE(list["ok"] == true);
        CHECK(list["result"]["packages"].size() == 2);

        // Installing the same version again is refused; a record holding an SLA value keeps SLA installed.
        CHECK(f.Install(Sample("service_level_agreements.json")).error().code == "package.already_installed");
        json made = api.Execute(json{
            {"cmd", "records.create"},
            {"args", {{"object", "Case"}, {"values", {{"Subject", "Printer"}, {"SLA_Level__c", "Gold"}}}}}});
        REQUIRE(made["ok"] == true);
        Status in_use = packages::Uninstall(*f.ws, f.owner, "service_level_agreements");
        REQUIRE_FALSE(in_use.ok());
        CHECK(in_use.error().code == "package.in_use");

        json gone =
            api.Execute(json{{"cmd", "packages.uninstall"}, {"args", {{"name", "partner_relationship"}}}});
        if (gone["ok"] != true) FAIL(gone.dump());
        doc = json::parse(f.Text());
        CHECK_FALSE(doc["objects"].contains("Partner__c"));
        CHECK_FALSE(doc["permission_sets"].contains("Partner Manager"));
    }

    TEST_CASE("an unticked checkbox holds no value: only a ticked one keeps a package installed") {
        Fixture f("package_checkbox.db");
        CommandApi api(*f.ws);
        json made = api.Execute(json{{"cmd", "records.create"},
                                     {"args", {{"object", "Case"}, {"values", {{"Subject", "Printer"}}}}}});
        REQUIRE(made["ok"] == true);
        const int64_t id = made["result"]["Id"].get<int64_t>();
        REQUIRE(f.Install(Sample("service_level_agreements.json")).ok());
        json ticked = api.Execute(
            json{{"cmd", "records.update"},
                 {"args", {{"object", "Case"}, {"id", id}, {"values", {{"SLA_Breached__c", true}}}}}});
        REQUIRE(ticked["ok"] == true);
        Status in_use = packages::Uninstall(*f.ws, f.owner, "service_level_agreements");
        REQUIRE_FALSE(in_use.ok());
        CHECK(in_use.error().field == "objects.Case.fields.SLA_Breached__c");

        json unticked = api.Execute(
            json{{"cmd", "records.update"},
                 {"args", {{"object", "Case"}, {"id", id}, {"values", {{"SLA_Breached__c", false}}}}}});
        REQUIRE(unticked["ok"] == true);
        Status gone = packages::Uninstall(*f.ws, f.owner, "service_level_agreements");
        if (!gone.ok()) FAIL(gone.error().field << ": " << gone.error().message);
        CHECK_FALSE(json::parse(f.Text())["objects"]["Case"]["fields"].contains("SLA_Breached__c"));
    }

    TEST_CASE(
        "a bad checksum, a missing dependency or a newer app version is refused before anything changes") {
        Fixture f("package_bad.db");
        const std::string before = f.Text();
        json sla = Sample("service_level_agreements.json");

        json tampered = sla;
        tampered["config"]["objects"]["Case"]["fields"]["SLA_Due__c"]["label"] = "Due";
        CHECK(f.Install(tampered).error().code == "package.bad_checksum");

        json needs = sla;
        needs["manifest"]["dependencies"] =
            json::array({{{"name", "partner_relationship"}, {"version", "2.0.0"}}});
        Error missing = f.Install(Resigned(needs)).error();
        CHECK(missing.code == "package.missing_dependency");
        CHECK(missing.message.find("partner_relationship") != std::string::npos);

        json newer = sla;
        newer["manifest"]["app_version"] = "99.0.0";
        CHECK(f.Install(Resigned(newer)).error().code == "package.newer_app");

        json unknown = sla;
        unknown["config"]["objects"]["Case"]["fields"]["SLA_Due__c"]["colour"] = "red";
        Error e = f.Install(Resigned(unknown)).error();
        CHECK(e.field == "objects.Case.fields.SLA_Due__c.colour");
        CHECK(f.Text() == before);
        CHECK(packages::List(*f.ws)->empty());
        CHECK(packages::CompareVersions("0.10.0", "0.9.1") == 1);
        CHECK(packages::CompareVersions("0.1.0-dev", "0.1.0") == 0);
    }

    TEST_CASE(
        "a newer version upgrades an installed package: its differences are applied, new parts join it") {
        Fixture f("package_upgrade.db");
        json v1 = Sample("partner_relationship.json");
        REQUIRE(f.Install(v1).ok());
        json v2 = v1;
        v2["manifest"]["version"] = "1.1.0";
        v2["config"]["objects"]["Partner__c"]["fields"]["Tier__c"]["label"] = "Partner Tier";
        v2["config"]["objects"]["Partner__c"]["fields"]["Region__c"] = {{"label", "Region"},
                                                                        {"type", "text"}};
        Result<packages::InstallResult> up = f.Install(Resigned(v2));
        if (!up.ok()) FAIL(up.error().field << ": " << up.error().message);
        CHECK(up->upgrade);
        for (const auto& c : up->changes) CHECK(c.action != "keep");
        json doc = json::parse(f.Text());
        CHECK(doc["objects"]["Partner__c"]["fields"]["Tier__c"]["label"] == "Partner Tier");
        const auto& parts = up->package.components;
        CHECK(std::find(parts.begin(), parts.end(), "objects.Partner__c") != parts.end());
        CHECK(std::find(parts.begin(), parts.end(), "objects.Partner__c.fields.Region__c") != parts.end());
        CHECK(packages::List(*f.ws)->front().version == "1.1.0");
    }
}
