// Helpers the configuration sections share (config_*.cpp only).
#pragma once
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "integration/config.h"

namespace crm {
struct ReportDefinition;
}

namespace crm::config::detail {

/// path + "." + key (path "" gives key).
std::string Join(const std::string& path, const std::string& key);
/// Ok when `value` is a JSON object, else "config.not_object" at `path`.
Status NeedObject(const json& value, const std::string& path);
/// Ok when every key of `item` is one of `allowed` ("config.unknown_key" at path.key otherwise).
Status CheckKeys(const json& item, const std::vector<std::string>& allowed, const std::string& path);
/// Checks a section that is {name: item}: each item an object with only `allowed` keys.
Status CheckNamed(const json& section, const std::string& path, const std::vector<std::string>& allowed);
/// Checks a section that is {object: {name: item}}.
Status CheckByObject(const json& section, const std::string& path, const std::vector<std::string>& allowed);
/// `status` with its error's field put under `path` (see AtPath).
inline Status Prefixed(Status status, const std::string& path) {
    return status.ok() ? status : Status(AtPath(status.error(), path));
}
/// True when every key of `part` has the same value in `whole` (a document may name only some keys).
inline bool Covers(const json& whole, const json& part) {
    if (!whole.is_object() || !part.is_object()) return whole == part;
    for (auto it = part.begin(); it != part.end(); ++it)
        if (!whole.contains(it.key()) || whole[it.key()] != it.value()) return false;
    return true;
}
/// `item` without the keys named.
json Without(json item, std::initializer_list<const char*> keys);
/// A sorted copy of a JSON array of strings (sets: members, permission sets...).
json SortedStrings(const json& list);
/// The value at `key` of `object`, or null.
const json& At(const json& object, const std::string& key);
/// Splits "objects.Case.fields.SLA_Due__c" on its first `parts - 1` dots (names may hold dots after that).
std::vector<std::string> SplitPath(const std::string& path, size_t parts);
/// The index in Sections() of the section `path` is under (-1: none).
int SectionIndex(const std::string& path);
/// The document's key of each report, by id: its name, or "name (owner)" for a later report of the same
/// name (config_workflow.cpp).
std::map<int64_t, std::string> ReportKeys(const std::vector<ReportDefinition>& reports);

// The sections, by file.
void AddSchemaSections(std::vector<ConfigSection>& out);  // company, objects (config_schema.cpp)
void AddAccessSections(std::vector<ConfigSection>& out);  // roles ... sharing (config_access.cpp)
void AddNotifySections(std::vector<ConfigSection>& out);  // notification_* and reminders (config_notify.cpp)
void AddWorkflowSections(std::vector<ConfigSection>& out);  // processes ... automation (config_workflow.cpp)
void AddReportSections(
    std::vector<ConfigSection>& out);  // folders, reports, dashboards (config_workflow.cpp)

}  // namespace crm::config::detail
