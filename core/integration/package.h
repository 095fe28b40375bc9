// Packages: a named, versioned configuration fragment (config.h) with a manifest and a checksum.
//
//   {"manifest": {"name": "service_level_agreements", "label": "Service Level Agreements",
//                 "label_zh": "服务级别协议", "version": "1.0.0", "description": "...", "description_zh":
//                 "...", "app_version": "0.1.0", "dependencies": [{"name": "...", "version": "1.0.0"}]},
//    "config": {...a configuration document's sections...},
//    "checksum": "<SHA-256 of Canonical({"config": ..., "manifest": ...}), lower-case hex>"}
//
// Install checks, before anything changes: the checksum, the app version it needs (at most this build's),
// its dependencies (installed, at least the version named); then applies the fragment with config::Apply
// (a preview answers the change list), and records the package and its components (the paths the fragment
// added: "objects.Case.fields.SLA_Due__c", "automation.Case.SLA breach") in the same transaction. A newer
// version of an installed package upgrades it (the fragment's differences are applied; new components are
// added to it). Uninstall removes its components, newest section first, and refuses (naming them) while a
// package depends on it, records use its objects or fields, or other configuration uses them.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"
#include "integration/config.h"

namespace crm {

class Workspace;

namespace packages {

using nlohmann::json;

struct PackageInfo {
    std::string name, label, label_zh, version, description, description_zh, app_version;
    std::vector<std::pair<std::string, std::string>> dependencies;  ///< name, least version
    std::vector<std::string> components;                            ///< document paths
    int64_t installed_ms = 0;
};
json ToJson(const PackageInfo& info);

/// The checksum a package must carry: SHA-256 hex of the canonical {"config", "manifest"}.
std::string ChecksumOf(const json& package);
/// -1, 0, 1 comparing "1.2.3" versions numerically (missing parts are 0).
int CompareVersions(const std::string& a, const std::string& b);

struct InstallResult {
    PackageInfo package;
    std::vector<config::ConfigChange> changes;
    bool installed = false;
    bool upgrade = false;
};
/// Checks and installs (or upgrades to) a package; `preview` answers what would change.
Result<InstallResult> Install(Workspace& ws, const std::string& actor, const json& package, bool preview,
                              const std::string& app_version);
/// The installed packages, by name.
Result<std::vector<PackageInfo>> List(Workspace& ws);
/// Removes an installed package's components (see the header comment).
Status Uninstall(Workspace& ws, const std::string& actor, const std::string& name);

/// The SQL of migration 20: the installed packages and their components.
std::string PackagesMigrationSql();

}  // namespace packages
}  // namespace crm
