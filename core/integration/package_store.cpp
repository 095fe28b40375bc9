// Packages: checks, install and upgrade, the list, uninstall (package.h).
#include <algorithm>
#include <cctype>
#include <set>

#include "audit/change.h"
#include "common/messages.h"
#include "common/sha256.h"
#include "integration/config_internal.h"
#include "integration/package.h"
#include "storage/database.h"
#include "workspace.h"

namespace crm::packages {

namespace {

const MessageDef kMessages[] = {
    {"package.bad_manifest", "The package's {key} is missing or wrong: {reason}. Nothing was changed.",
     "程序包的 {key} 缺失或有误：{reason}。未做任何更改。"},
    {"package.bad_checksum",
     "The package {name} has been changed or damaged: its checksum does not match its contents. Nothing was "
     "changed.",
     "程序包 {name} 已被修改或损坏：校验和与内容不符。未做任何更改。"},
    {"package.newer_app",
     "The package {name} needs version {needed} of the application; this is {current}. Update the "
     "application first. Nothing was changed.",
     "程序包 {name} 需要应用版本 {needed}；当前版本为 {current}。请先升级应用。未做任何更改。"},
    {"package.missing_dependency",
     "The package {name} needs {dependency} {version} or later, which is not installed. Nothing was changed.",
     "程序包 {name} 需要 {dependency} {version} 或更高版本，但尚未安装。未做任何更改。"},
    {"package.already_installed", "The package {name} {version} is installed already (version {installed}).",
     "程序包 {name} {version} 已安装（已安装版本 {installed}）。"},
    {"package.not_installed", "No package named {name} is installed.", "未安装名为 {name} 的程序包。"},
    {"package.needed_by", "{name} cannot be uninstalled: {users} depend on it.",
     "无法卸载 {name}：{users} 依赖于它。"},
    {"package.in_use", "{name} cannot be uninstalled: {component} holds {count} records.",
     "无法卸载 {name}：{component} 中有 {count} 条记录。"},
};
CRM_REGISTER_MESSAGES(kMessages);

Error Manifest(const std::string& key, const std::string& reason) {
    return MessageError("package.bad_manifest", "package.bad_manifest", {{"key", key}, {"reason", reason}},
                        key);
}

bool IsVersion(const std::string& v) {
    if (v.empty()) return false;
    int dots = 0;
    for (char c : v) {
        if (c == '.')
            ++dots;
        else if (!std::isdigit(static_cast<unsigned char>(c)))
            return false;
    }
    return dots <= 2 && v.front() != '.' && v.back() != '.';
}

Result<PackageInfo> ReadManifest(const json& package) {
    if (!package.is_object()) return Manifest("package", "a package is a JSON object");
    CRM_TRY(config::detail::CheckKeys(package, {"manifest", "config", "checksum"}, ""));
    const json& m = config::detail::At(package, "manifest");
    if (!m.is_object()) return Manifest("manifest", "a JSON object");
    CRM_TRY(config::detail::CheckKeys(m,
                                      {"name", "label", "label_zh", "version", "description",
                                       "description_zh", "app_version", "dependencies"},
                                      "manifest"));
    PackageInfo p;
    auto text = [&](const char* key, std::string& out, bool required) -> Status {
        const json& v = config::detail::At(m, key);
        if (v.is_null() && !required) return Status::Ok();
        if (!v.is_string() || v.get<std::string>().empty())
            return Manifest(std::string("manifest.") + key, "a non-empty text");
        out = v.get<std::string>();
        return Status::Ok();
    };
    CRM_TRY(text("name", p.name, true));
    CRM_TRY(text("label", p.label, true));
    CRM_TRY(text("label_zh", p.label_zh, true));
    CRM_TRY(text("version", p.version, true));
    CRM_TRY(text("description", p.description, true));
    CRM_TRY(text("description_zh", p.description_zh, true));
    CRM_TRY(text("app_version", p.app_version, true));
    for (char c : p.name)
        if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
              c == '_'))
            return Manifest("manifest.name", "lower-case letters, digits and _");
    if (!IsVersion(p.version)) return Manifest("manifest.version", "a version such as 1.0.0");
    if (!IsVersion(p.app_version)) return Manifest("manifest.app_version", "a version such as 0.1.0");
    const json& deps = config::detail::At(m, "dependencies");
    if (!deps.is_null()) {
        if (!deps.is_array()) return Manifest("manifest.dependencies", "a list of {name, version}");
        for (const json& d : deps) {
            if (!d.is_object() || !d.contains("name") || !d["name"].is_string() || !d.contains("version") ||
                !d["version"].is_string() || !IsVersion(d["version"].get<std::string>()))
                return Manifest("manifest.dependencies", "each is {name, version}");
            p.dependencies.push_back({d["name"].get<std::string>(), d["version"].get<std::string>()});
        }
    }
    if (!config::detail::At(package, "config").is_object()) return Manifest("config", "a JSON object");
    if (!config::detail::At(package, "checksum").is_string()) return Manifest("checksum", "a SHA-256 in hex");
    return p;
}

/// The path `path` (of `parts` parts) added with the value `after`, as the components it installed: one a
/// rule in the sections keyed by object then name (a first rule of Case adds "automation.Case" whole,
/// which uninstall could not take apart from the rules added to Case after it).
void AddComponents(json& out, const std::string& path, size_t parts, const json& after) {
    const std::string section = config::detail::SplitPath(path, 2)[0];
    const bool by_object = section == "automation" || section == "assignment" || section == "approvals";
    if (by_object && parts < 3 && after.is_object()) {
        for (auto it = after.begin(); it != after.end(); ++it)
            AddComponents(out, path + "." + it.key(), parts + 1, it.value());
        return;
    }
    out.push_back(path);
}

json ComponentsOf(const std::vector<config::ConfigChange>& changes) {
    json out = json::array();
    for (const config::ConfigChange& c : changes)
        if (c.action == "add")
            AddComponents(out, c.path, config::detail::SplitPath(c.path, 3).size(), c.after);
    return out;
}

}  // namespace

std::string PackagesMigrationSql() {
    return R"sql(
CREATE TABLE integration_package (
    name TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    manifest TEXT NOT NULL,
    components TEXT NOT NULL,
    installed_ms INTEGER NOT NULL
);
)sql";
}

json ToJson(const PackageInfo& p) {
    json deps = json::array();
    for (const auto& [n, v] : p.dependencies) deps.push_back({{"name", n}, {"version", v}});
    return json{{"name", p.name},
                {"label", p.label},
                {"label_zh", p.label_zh},
                {"version", p.version},
                {"description", p.description},
                {"description_zh", p.description_zh},
                {"app_version", p.app_version},
                {"dependencies", deps},
                {"components", p.components},
                {"installed_ms", p.installed_ms}};
}

std::string ChecksumOf(const json& package) {
    json signed_part = {{"config", config::detail::At(package, "config")},
                        {"manifest", config::detail::At(package, "manifest")}};
    return Sha256Hex(config::Canonical(signed_part));
}

int CompareVersions(const std::string& a, const std::string& b) {
    auto parts = [](const std::string& v) {
        std::vector<long> out;
        long n = 0;
        bool any = false;
        for (char c : v) {
            if (std::isdigit(static_cast<unsigned char>(c))) {
                n = n * 10 + (c - '0');
                any = true;
            } else if (c == '.') {
                out.push_back(n);
                n = 0;
            } else {
                break;  // "0.1.0-dev": the numbers before the suffix
            }
        }
        if (any || !out.empty()) out.push_back(n);
        out.resize(3, 0);
        return out;
    };
    std::vector<long> x = parts(a), y = parts(b);
    return x < y ? -1 : (y < x ? 1 : 0);
}

Result<std::vector<PackageInfo>> List(Workspace& ws) {
    std::vector<PackageInfo> out;
    Statement st = ws.db().Prepare(
        "SELECT name, version, manifest, components, installed_ms FROM integration_package ORDER BY name");
    while (st.Step()) {
        json package = {{"manifest", json::parse(st.Text(2), nullptr, false)},
                        {"config", json::object()},
                        {"checksum", ""}};
        Result<PackageInfo> p = ReadManifest(package);
        if (!p.ok()) return p.error();
        json components = json::parse(st.Text(3), nullptr, false);
        if (components.is_array())
            for (const json& c : components) p->components.push_back(c.get<std::string>());
        p->installed_ms = st.Int(4);
        out.push_back(std::move(p.value()));
    }
    return out;
}

Result<InstallResult> Install(Workspace& ws, const std::string& actor, const json& package, bool preview,
                              const std::string& app_version) {
    Result<PackageInfo> info = ReadManifest(package);
    if (!info.ok()) return info.error();
    std::string checksum = package["checksum"].get<std::string>();
    if (checksum.rfind("sha256:", 0) == 0) checksum = checksum.substr(7);
    if (checksum != ChecksumOf(package))
        return MessageError("package.bad_checksum", "package.bad_checksum", {{"name", info->name}},
                            "checksum");
    if (CompareVersions(info->app_version, app_version) > 0)
        return MessageError("package.newer_app", "package.newer_app",
                            {{"name", info->name}, {"needed", info->app_version}, {"current", app_version}},
                            "manifest.app_version");
    Result<std::vector<PackageInfo>> installed = List(ws);
    if (!installed.ok()) return installed.error();
    for (const auto& needed : info->dependencies) {
        const std::string& dep = needed.first;
        const std::string& version = needed.second;
        auto it = std::find_if(installed->begin(), installed->end(),
                               [&dep](const PackageInfo& p) { return p.name == dep; });
        if (it == installed->end() || CompareVersions(it->version, version) < 0)
            return MessageError("package.missing_dependency", "package.missing_dependency",
                                {{"name", info->name}, {"dependency", dep}, {"version", version}},
                                "manifest.dependencies");
    }
    InstallResult result;
    std::vector<std::string> components;
    for (const PackageInfo& p : *installed) {
        if (p.name != info->name) continue;
        if (CompareVersions(info->version, p.version) <= 0)
            return MessageError("package.already_installed", "package.already_installed",
                                {{"name", info->name}, {"version", info->version}, {"installed", p.version}},
                                "manifest.version");
        result.upgrade = true;
        components = p.components;
    }
    json doc = package["config"];
    doc["format"] = "crm.config";
    doc["version"] = 1;

    ChangeScope change(ws.changes(), actor);
    CRM_TRY(change.begin_status());
    config::ApplyOptions options;
    Result<config::ApplyResult> applied = config::Apply(ws, actor, doc, options);
    if (!applied.ok()) return applied.error();
    for (config::ConfigChange& c : applied->changes)
        if (c.action != "keep") result.changes.push_back(std::move(c));  // what the fragment leaves alone
    for (const json& c : ComponentsOf(result.changes)) components.push_back(c.get<std::string>());
    info->components = components;
    result.package = *info;
    if (preview) return result;  // rolled back with the scope
    Statement st = ws.db().Prepare(
        "INSERT OR REPLACE INTO integration_package(name, version, manifest, components, installed_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    st.Bind(1, info->name)
        .Bind(2, info->version)
        .Bind(3, package["manifest"].dump())
        .Bind(4, json(components).dump());
    st.Bind(5, change.now_ms());
    CRM_TRY(st.Run());
    CRM_TRY(change.Audit("packages", result.upgrade ? "upgrade" : "install", "package." + info->name, nullptr,
                         json{{"version", info->version}, {"components", components}}));
    change.Record("packages", "", ChangeAction::Config);
    CRM_TRY(change.Commit());
    result.installed = true;
    result.package.installed_ms = change.now_ms();
    return result;
}

Status Uninstall(Workspace& ws, const std::string& actor, const std::string& name) {
    Result<std::vector<PackageInfo>> installed = List(ws);
    if (!installed.ok()) return installed.error();
    auto it = std::find_if(installed->begin(), installed->end(),
                           [&](const PackageInfo& p) { return p.name == name; });
    if (it == installed->end())
        return MessageError("package.not_installed", "package.not_installed", {{"name", name}}, "name");
    std::string users;
    for (const PackageInfo& p : *installed)
        for (const auto& d : p.dependencies)
            if (d.first == name) users += (users.empty() ? "" : ", ") + p.name;
    if (!users.empty())
        return MessageError("package.needed_by", "package.needed_by", {{"name", name}, {"users", users}},
                            "name");
    ChangeScope change(ws.changes(), actor);
    CRM_TRY(change.begin_status());
    CRM_TRY(config::RemoveAll(ws, actor, it->components, [&](const std::string& path, int64_t count) {
        return MessageError("package.in_use", "package.in_use",
                            {{"name", name}, {"component", path}, {"count", std::to_string(count)}}, path);
    }));
    Statement st = ws.db().Prepare("DELETE FROM integration_package WHERE name = ?1");
    st.Bind(1, name);
    CRM_TRY(st.Run());
    CRM_TRY(
        change.Audit("packages", "uninstall", "package." + name, json{{"version", it->version}}, nullptr));
    change.Record("packages", "", ChangeAction::Config);
    return change.Commit();
}

}  // namespace crm::packages
