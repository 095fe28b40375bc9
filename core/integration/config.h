// Configuration as code: the whole configuration of a workspace as one canonical JSON document
// (config.export), the change list between a document and the workspace (config.diff), and applying a
// document in one transaction (config.apply).
//
// The document is one JSON object, one key per section, keys sorted (nlohmann::json keeps object keys in
// order, and Canonical() writes with two-space indentation and a final newline), every reference by name:
// objects and fields by API name, profiles, permission sets, roles, teams, folders, reports by name,
// users by username. Never ids, records, secrets or password hashes.
//
//   {"format": "crm.config", "version": 1,
//    "company": {...}, "objects": {"Account": {"fields": {"Region__c": {...}}, "layouts": {...},
//    "validation_rules": {...}}}, "profiles": {...}, "permission_sets": {...}, "roles": {...},
//    "users": {...}, "teams": {...}, "sharing": {"Account": {"owd": ..., "rules": {...}}},
//    "processes": {...}, "assignment": {"Lead": {...}}, "approvals": {...}, "automation": {...},
//    "notification_types": {...}, "notification_templates": {"deal_won": {"en": {...}}},
//    "notification_defaults": {"deal_won": {"email": {"enabled": true, "locked": false}}},
//    "reminders": {...}, "report_folders": {...}, "reports": {...}, "dashboards": {...}}
//
// Each section is one ConfigSection (its name, how it is read, how it is applied); Sections() lists them
// in the order apply runs them (what is named comes before what names it). A new area attaches by adding
// its section to that list (Sections() in config_document.cpp).
//
// Apply reads every item of the document over what the workspace holds: an item that is the same is
// left alone, a new item is created and a changed one updated, through the area's own service (its checks,
// its audit entries), inside one ChangeScope with the entry ("config", "apply") in the audit trail. Items
// the workspace holds and the document does not are kept (the diff lists them as "only in the workspace"),
// unless the apply asks to remove them (remove_missing: the workspace then mirrors the document). Removal
// goes item by item through each area's service (RemoveItem), after every add and change, newest section
// first; the services refuse what would break the configuration (a field a rule reads, a role with users),
// an object with records or a field holding values is refused unless forced, and standard objects and
// fields, users and the company profile are never removed.
// Errors name the JSON path of the problem ("objects.Account.fields.Region__c.type"); nothing is changed.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"

namespace crm {

class Workspace;

namespace config {

using nlohmann::json;

/// One change between the workspace and a document.
struct ConfigChange {
    std::string path;    ///< "objects.Account.fields.Region__c.label"
    std::string action;  ///< "add", "change", "keep" (only in the workspace; apply keeps it), "remove"
                         ///< (only in the workspace; apply with remove_missing removes it)
    json before;         ///< null for "add"
    json after;          ///< null for "keep" and "remove"
    std::string en;      ///< a sentence a person reads
    std::string zh;
};
json ToJson(const ConfigChange& change);

/// What apply needs while it runs.
struct ApplyContext {
    Workspace& workspace;
    const std::string& actor;
    bool force = false;           ///< allow a field type change that loses values (they are cleared)
    bool remove_missing = false;  ///< remove what the document lacks (list members too: a team's members)
};

/// One section of the document.
struct ConfigSection {
    const char* key;  ///< the document's key
    /// The section as the workspace holds it (a JSON object keyed by name).
    std::function<Result<json>(Workspace&, const std::string& actor)> read;
    /// Checks the document's section before anything is written: unknown keys, wrong shapes (the path
    /// of the problem in Error::field).
    std::function<Status(const json& wanted)> check;
    /// Applies the document's section over `current` (what read() answers at that moment).
    std::function<Status(ApplyContext&, const json& wanted, const json& current)> apply;
    /// A second step run after every section's apply (layouts, which name profiles); may be empty.
    std::function<Status(ApplyContext&, const json& wanted, const json& current)> apply_late;
};

/// The sections, in the order apply runs them.
const std::vector<ConfigSection>& Sections();

/// The document: every section, plus "format" and "version".
Result<json> Export(Workspace& workspace, const std::string& actor);
/// The canonical text of a document: keys sorted, two-space indentation, "\n" at the end.
std::string Canonical(const json& document);
/// Reads a document's text; malformed JSON is "config.malformed" with the line and column.
Result<json> Parse(const std::string& text);

/// The changes applying `document` would make, path by path (with `remove_missing`, what apply would
/// remove is "remove", what it keeps whatever the document says "keep").
Result<std::vector<ConfigChange>> Diff(Workspace& workspace, const std::string& actor, const json& document,
                                       bool remove_missing = false);

struct ApplyOptions {
    bool preview = false;         ///< a dry run: every check runs in the transaction, which is rolled back
    bool force = false;           ///< allow lossy field type changes, and removing what holds records
    bool remove_missing = false;  ///< remove the items the workspace holds and the document does not
};
struct ApplyResult {
    std::vector<ConfigChange> changes;
    bool applied = false;
};
/// Checks the document, then applies it in one transaction (unless preview). An error names its path in
/// Error::field and nothing is changed.
Result<ApplyResult> Apply(Workspace& workspace, const std::string& actor, const json& document,
                          const ApplyOptions& options);

// Removing items by path (config_remove.cpp), for apply with remove_missing and for package uninstall.
enum class PathPlace { Neither, Item, Holds };
/// Whether the path `keys` names an item apply may remove ({"objects", "Case", "fields", "SLA__c"},
/// {"roles", "Partner"}), holds such items ({"assignment", "Lead"}), or neither (a property, "company",
/// a user). Keys, not the dotted path: a report's name may hold dots.
PathPlace PlaceOf(const std::vector<std::string>& keys);
/// Items the workspace keeps whatever a document says: standard objects and their standard fields.
bool AlwaysKept(Workspace& workspace, const std::string& path);
/// The error for removing an item that holds `count` records (an object's records, a field's values).
using HeldError = std::function<Error(const std::string& path, int64_t count)>;
/// Removes the items at `paths` through their areas' services, the last section first and an item's parts
/// before it; what a service refuses because another item of the list still uses it is tried again once
/// that one is gone. The services' refusals stand (a role with users, a field a kept rule reads); with
/// `held`, an object with records or a field holding values is refused with held's error. Run it inside
/// the caller's change: on an error, some items may be gone until that change rolls back.
Status RemoveAll(Workspace& workspace, const std::string& actor, std::vector<std::string> paths,
                 const HeldError& held);

/// Errors of this area ("config.*"), in both languages through the message catalog.
Error ConfigError(const char* id, const std::string& path,
                  std::vector<std::pair<std::string, std::string>> params = {});
/// `error` with `prefix` put before its field ("objects.Account.fields.Region__c" + "." + "type").
Error AtPath(Error error, const std::string& prefix);

}  // namespace config
}  // namespace crm
