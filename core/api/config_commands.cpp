// config.*: configuration as code (core/integration/config.h): export, diff and apply one JSON document.
#include "api/command.h"
#include "integration/config.h"
#include "integration/package.h"
#include "workspace.h"

namespace crm::api {

namespace {

const Reads kConfigReads = SetupData("the configuration", {SystemPermission::ManageIntegrations});

/// The document of a request: `document` (a JSON object) or `text` (the file's text, parsed here so that a
/// malformed file answers "config.malformed" with its position).
Result<json> DocumentOf(Call& call) {
    if (const json* doc = call.Obj("document")) return *doc;
    if (call.args.contains("text")) return config::Parse(call.Str("text"));
    return InvalidArgument("document", "Give the configuration document (document) or its text (text).");
}

json ChangesJson(const std::vector<config::ConfigChange>& changes) {
    json out = json::array();
    for (const config::ConfigChange& c : changes) out.push_back(config::ToJson(c));
    return out;
}

Result<json> ConfigExportCmd(Call& call) {
    Result<json> doc = config::Export(call.workspace, call.actor);
    if (!doc.ok()) return doc.error();
    if (call.Bool("as_text", false)) return json{{"text", config::Canonical(*doc)}};
    return *doc;
}

Result<json> ConfigDiffCmd(Call& call) {
    Result<json> doc = DocumentOf(call);
    if (!doc.ok()) return doc.error();
    Result<std::vector<config::ConfigChange>> changes =
        config::Diff(call.workspace, call.actor, *doc, call.Bool("remove_missing", false));
    if (!changes.ok()) return changes.error();
    return json{{"count", changes->size()}, {"changes", ChangesJson(*changes)}};
}

Result<json> ConfigApplyCmd(Call& call) {
    Result<json> doc = DocumentOf(call);
    if (!doc.ok()) return doc.error();
    config::ApplyOptions options;
    options.preview = call.Bool("preview", false);
    options.force = call.Bool("force", false);
    options.remove_missing = call.Bool("remove_missing", false);
    Result<config::ApplyResult> result = config::Apply(call.workspace, call.actor, *doc, options);
    if (!result.ok()) return result.error();
    return json{{"applied", result->applied},
                {"preview", options.preview},
                {"changes", ChangesJson(result->changes)}};
}

Result<json> PackagesInstallCmd(Call& call) {
    Result<json> package = [&]() -> Result<json> {
        if (const json* p = call.Obj("package")) return *p;
        if (call.args.contains("text")) return config::Parse(call.Str("text"));
        return InvalidArgument("package", "Give the package (package) or its file's text (text).");
    }();
    if (!package.ok()) return package.error();
    Result<packages::InstallResult> r = packages::Install(
        call.workspace, call.actor, *package, call.Bool("preview", false), Workspace::AppVersion());
    if (!r.ok()) return r.error();
    return json{{"installed", r->installed},
                {"upgrade", r->upgrade},
                {"package", packages::ToJson(r->package)},
                {"changes", ChangesJson(r->changes)}};
}

Result<json> PackagesListCmd(Call& call) {
    Result<std::vector<packages::PackageInfo>> list = packages::List(call.workspace);
    if (!list.ok()) return list.error();
    json out = json::array();
    for (const packages::PackageInfo& p : *list) out.push_back(packages::ToJson(p));
    return json{{"packages", out}};
}

/// Uninstalling a package that is not installed leaves nothing to do: {uninstalled: false}.
Result<json> PackagesUninstallCmd(Call& call) {
    Status s = packages::Uninstall(call.workspace, call.actor, call.Str("name"));
    if (!s.ok() && s.error().code == "package.not_installed") return json{{"uninstalled", false}};
    return StatusJson(s, json{{"uninstalled", true}});
}

}  // namespace

void RegisterConfigCommands(Registry& r) {
    r.push_back(
        {"config.export",
         "Exports the whole configuration (company, objects, fields, layouts, rules, access, sharing, "
         "workflow, reports) as one canonical JSON document: references by name, no records, no "
         "secrets. as_text answers the canonical text.",
         {{"as_text", ArgType::Boolean}},
         kConfigReads,
         false,
         json::object(),
         ConfigExportCmd});
    r.push_back({"config.diff",
                 "Lists, change by change (path, before, after, a sentence in English and Chinese), what "
                 "applying a configuration document would change (remove_missing: what it would remove).",
                 {{"document", ArgType::Object, false, "{format, version, company, objects, ...}"},
                  {"text", ArgType::String},
                  {"remove_missing", ArgType::Boolean}},
                 kConfigReads,
                 false,
                 {{"document", {{"company", {{"currency", "EUR"}}}}}},
                 ConfigDiffCmd});
    r.push_back({"config.apply",
                 "Applies a configuration document in one transaction, audited as one change (preview: the "
                 "change list only). Refuses unknown keys, missing references and type changes that lose "
                 "values (unless force) with the path of the problem; nothing is changed then. "
                 "remove_missing removes the items of the document's sections it does not name (not "
                 "standard objects and fields, users or the company); an object with records or a field "
                 "holding values only with force.",
                 {{"document", ArgType::Object, false, "{format, version, company, objects, ...}"},
                  {"text", ArgType::String},
                  {"preview", ArgType::Boolean},
                  {"force", ArgType::Boolean},
                  {"remove_missing", ArgType::Boolean}},
                 kConfigReads,
                 true,
                 {{"document", {{"company", {{"currency", "EUR"}}}}}, {"preview", true}},
                 ConfigApplyCmd});
    // The example: a small package (one role), previewed, with the checksum of its contents.
    json example = {{"manifest",
                     {{"name", "partner_desk"},
                      {"label", "Partner Desk"},
                      {"label_zh", "合作伙伴服务台"},
                      {"version", "1.0.0"},
                      {"description", "A role for the partner desk."},
                      {"description_zh", "合作伙伴服务台的角色。"},
                      {"app_version", "0.1.0"},
                      {"dependencies", json::array()}}},
                    {"config", {{"roles", {{"Partner Desk", {{"parent", ""}}}}}}}};
    example["checksum"] = packages::ChecksumOf(example);
    r.push_back(
        {"packages.install",
         "Installs (or upgrades to) a package: checksum, app version and dependencies are checked before "
         "anything changes; preview answers the change list.",
         {{"package", ArgType::Object, false, "{manifest, config, checksum}"},
          {"text", ArgType::String},
          {"preview", ArgType::Boolean}},
         kConfigReads,
         true,
         {{"package", example}, {"preview", true}},
         PackagesInstallCmd});
    r.push_back({"packages.list",
                 "Lists the installed packages with their manifests and components.",
                 {},
                 kConfigReads,
                 false,
                 json::object(),
                 PackagesListCmd});
    r.push_back(
        {"packages.uninstall",
         "Removes what a package added; refused, naming them, while packages depend on it, records use "
         "its objects or fields, or other configuration uses them.",
         {{"name", ArgType::String, true}},
         kConfigReads,
         true,
         {{"name", "service_level_agreements"}},
         PackagesUninstallCmd});
}

}  // namespace crm::api
