// config.*: configuration as code (core/integration/config.h): export, diff and apply one JSON document.
#include "api/command.h"
#include "integration/config.h"
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
    Result<std::vector<config::ConfigChange>> changes = config::Diff(call.workspace, call.actor, *doc);
    if (!changes.ok()) return changes.error();
    return json{{"count", changes->size()}, {"changes", ChangesJson(*changes)}};
}

Result<json> ConfigApplyCmd(Call& call) {
    Result<json> doc = DocumentOf(call);
    if (!doc.ok()) return doc.error();
    config::ApplyOptions options;
    options.preview = call.Bool("preview", false);
    options.force = call.Bool("force", false);
    Result<config::ApplyResult> result = config::Apply(call.workspace, call.actor, *doc, options);
    if (!result.ok()) return result.error();
    return json{{"applied", result->applied},
                {"preview", options.preview},
                {"changes", ChangesJson(result->changes)}};
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
                 "applying a configuration document would change.",
                 {{"document", ArgType::Object, false, "{format, version, company, objects, ...}"},
                  {"text", ArgType::String}},
                 kConfigReads,
                 false,
                 {{"document", {{"company", {{"currency", "EUR"}}}}}},
                 ConfigDiffCmd});
    r.push_back({"config.apply",
                 "Applies a configuration document in one transaction, audited as one change (preview: the "
                 "change list only). Refuses unknown keys, missing references and type changes that lose "
                 "values (unless force) with the path of the problem; nothing is changed then.",
                 {{"document", ArgType::Object, false, "{format, version, company, objects, ...}"},
                  {"text", ArgType::String},
                  {"preview", ArgType::Boolean},
                  {"force", ArgType::Boolean}},
                 kConfigReads,
                 true,
                 {{"document", {{"company", {{"currency", "EUR"}}}}}, {"preview", true}},
                 ConfigApplyCmd});
}

}  // namespace crm::api
