// Removing configuration items by their document path (config.h): which paths are items apply may remove
// (RemovalPattern), whether the workspace keeps one whatever the document says (standard objects and
// fields, users), the order removals run in, and the removal itself through each area's service. Package
// uninstall (package_store.cpp) and config.apply with remove_missing both remove through here.
#include <algorithm>
#include <optional>

#include "integration/config_internal.h"
#include "notify/notify.h"
#include "notify/reminder.h"
#include "workspace.h"

namespace crm::config {

namespace {

// The items apply may remove, as paths with "*" for a name. A path that is a strict prefix of one of
// them (a whole object's assignment rules, "sharing.Account.rules") holds removable items.
const std::vector<std::vector<std::string>>& Patterns() {
    static const std::vector<std::vector<std::string>> patterns = {
        {"objects", "*"},
        {"objects", "*", "fields", "*"},
        {"objects", "*", "validation_rules", "*"},
        {"objects", "*", "layouts", "*"},
        {"roles", "*"},
        {"profiles", "*"},
        {"permission_sets", "*"},
        {"teams", "*"},
        {"notification_types", "*"},
        {"notification_templates", "*", "*"},
        {"reminders", "*"},
        {"sharing", "*", "rules", "*"},
        {"processes", "*"},
        {"assignment", "*", "*"},
        {"approvals", "*", "*"},
        {"automation", "*", "*"},
        {"report_folders", "*"},
        {"reports", "*"},
        {"dashboards", "*"},
    };
    return patterns;
}

// How the path `parts` stands to `pattern`: 2 it names such an item, 1 it holds some, 0 neither.
int Match(const std::vector<std::string>& parts, const std::vector<std::string>& pattern) {
    if (parts.size() > pattern.size()) return 0;
    for (size_t i = 0; i < parts.size(); ++i)
        if (pattern[i] != "*" && pattern[i] != parts[i]) return 0;
    return parts.size() == pattern.size() ? 2 : 1;
}

int64_t CountRecords(Workspace& ws, const std::string& actor, const std::string& object,
                     const std::string& filter) {
    ListQuery q;
    q.limit = 1;
    q.filter_formula = filter;
    Result<ListPage> page = ws.records().List(actor, object, q);
    return page.ok() ? page->total : 0;
}

// The records an item holds, which removing it would take out of sight: an object's records, a field's
// values (a ticked checkbox; unticked is every record's default and counts as no value).
int64_t HeldRecords(Workspace& ws, const std::string& actor, const std::vector<std::string>& p) {
    if (p.size() == 2) return CountRecords(ws, actor, p[1], "");
    Result<std::shared_ptr<const ObjectDef>> object = ws.schema().Object(p[1]);
    if (!object.ok()) return 0;
    const FieldDef* field = (*object)->Field(p[3]);
    const std::string holds =
        field && field->type == FieldType::Checkbox ? p[3] : "NOT(ISBLANK(" + p[3] + "))";
    return CountRecords(ws, actor, p[1], holds);
}

template <typename Item, typename Delete>
Status DeleteNamed(Result<std::vector<Item>> list, const std::string& name, const std::string& path,
                   Delete del) {
    if (!list.ok()) return list.error();
    for (const Item& item : *list)
        if (item.name == name) return detail::Prefixed(del(item.id), path);
    return Status::Ok();
}

}  // namespace

PathPlace PlaceOf(const std::vector<std::string>& keys) {
    PathPlace place = PathPlace::Neither;
    for (const auto& pattern : Patterns()) {
        const int m = Match(keys, pattern);
        if (m == 2) return PathPlace::Item;
        if (m == 1) place = PathPlace::Holds;
    }
    return place;
}

bool AlwaysKept(Workspace& ws, const std::string& path) {
    const std::vector<std::string> p = detail::SplitPath(path, 4);
    if (p[0] == "notification_types" && p.size() == 2) {
        Result<NotificationType> type = NotifyOf(ws).GetType(p[1]);
        return type.ok() && type->builtin;
    }
    if (p[0] != "objects") return false;
    Result<std::shared_ptr<const ObjectDef>> object = ws.schema().Object(p[1]);
    if (!object.ok()) return false;
    if (p.size() == 2) return !(*object)->custom;
    if (p.size() == 4 && p[2] == "fields") {
        const FieldDef* field = (*object)->Field(p[3]);
        return field && !field->custom;
    }
    return false;
}

namespace {

// Removes one item through its area's service.
Status RemoveItem(Workspace& ws, const std::string& actor, const std::string& path, const HeldError& held) {
    const std::string section = detail::SplitPath(path, 2)[0];
    const std::vector<std::string> two = detail::SplitPath(path, 2);
    const std::vector<std::string> three = detail::SplitPath(path, 3);
    const std::vector<std::string> four = detail::SplitPath(path, 4);
    if (section == "objects") {
        const bool object = four.size() == 2, field = four.size() == 4 && four[2] == "fields";
        if ((object || field) && held) {
            if (int64_t n = HeldRecords(ws, actor, four); n > 0) return held(path, n);
        }
        if (object) return detail::Prefixed(ws.schema().DeleteObject(actor, four[1]), path);
        if (four.size() < 4) return Status::Ok();
        if (field) return detail::Prefixed(ws.schema().DeleteField(actor, four[1], four[3]), path);
        if (four[2] == "validation_rules")
            return detail::Prefixed(ws.schema().DeleteRule(actor, four[1], four[3]), path);
        if (four[2] == "layouts")
            return detail::Prefixed(ws.schema().DeleteLayout(actor, four[1], four[3]), path);
        return Status::Ok();
    }
    AccessService& access = ws.access();
    if (section == "profiles")
        return detail::Prefixed(access.DeletePermissionSet(actor, PermissionSetKind::Profile, two[1]), path);
    if (section == "permission_sets")
        return detail::Prefixed(access.DeletePermissionSet(actor, PermissionSetKind::PermissionSet, two[1]),
                                path);
    if (section == "roles") return detail::Prefixed(access.DeleteRole(actor, two[1]), path);
    if (section == "teams") return detail::Prefixed(access.DeleteTeam(actor, two[1]), path);
    if (section == "users") return detail::Prefixed(access.DeleteUser(actor, two[1]), path);
    if (section == "sharing") {
        if (four.size() == 4 && four[2] == "rules")
            return detail::Prefixed(access.DeleteSharingRule(actor, four[1], four[3]), path);
        return Status::Ok();  // an object's settings go with the object
    }
    if (section == "notification_types")
        return detail::Prefixed(NotifyOf(ws).DeleteType(actor, two[1]), path);
    if (three.size() == 3 && section == "notification_templates")
        return detail::Prefixed(NotifyOf(ws).DeleteTemplate(actor, three[1], three[2]), path);
    if (section == "reminders") {
        for (const ReminderRule& r : RemindersOf(ws).Rules())
            if (r.name == two[1]) return detail::Prefixed(RemindersOf(ws).Delete(actor, r.id), path);
        return Status::Ok();
    }
    if (section == "processes") return detail::Prefixed(ws.processes().Delete(actor, two[1]), path);
    if (three.size() == 3 && section == "assignment")
        return detail::Prefixed(ws.assignment().Delete(actor, three[1], three[2]), path);
    if (three.size() == 3 && section == "approvals")
        return detail::Prefixed(ws.approvals().DeleteProcess(actor, three[1], three[2]), path);
    if (three.size() == 3 && section == "automation")
        return detail::Prefixed(ws.automation().Delete(actor, three[1], three[2]), path);
    ReportService& reports = ws.reports();
    if (section == "reports") {
        Result<std::vector<ReportDefinition>> list = reports.List(actor);
        if (!list.ok()) return list.error();
        for (const auto& [id, key] : detail::ReportKeys(*list))
            if (key == two[1]) return detail::Prefixed(reports.Delete(actor, id), path);
        return Status::Ok();
    }
    if (section == "dashboards")
        return DeleteNamed(reports.ListDashboards(actor), two[1], path,
                           [&](int64_t id) { return reports.DeleteDashboard(actor, id); });
    if (section == "report_folders")
        return DeleteNamed(reports.ListFolders(actor), two[1], path,
                           [&](int64_t id) { return reports.DeleteFolder(actor, id); });
    return Status::Ok();
}

}  // namespace

Status RemoveAll(Workspace& ws, const std::string& actor, std::vector<std::string> paths,
                 const HeldError& held) {
    std::stable_sort(paths.begin(), paths.end(), [](const std::string& a, const std::string& b) {
        const int sa = detail::SectionIndex(a), sb = detail::SectionIndex(b);
        if (sa != sb) return sa > sb;
        return std::count(a.begin(), a.end(), '.') > std::count(b.begin(), b.end(), '.');
    });
    // Each pass removes what it can; a pass that removes nothing ends with its first refusal.
    while (!paths.empty()) {
        std::vector<std::string> refused;
        std::optional<Error> first;
        for (const std::string& path : paths) {
            Status s = RemoveItem(ws, actor, path, held);
            if (s.ok()) continue;
            if (!first) first = s.error();
            refused.push_back(path);
        }
        if (refused.size() == paths.size()) return *first;
        paths = std::move(refused);
    }
    return Status::Ok();
}

namespace detail {

std::vector<std::string> SplitPath(const std::string& path, size_t parts) {
    std::vector<std::string> out;
    size_t start = 0;
    while (out.size() + 1 < parts) {
        size_t dot = path.find('.', start);
        if (dot == std::string::npos) break;
        out.push_back(path.substr(start, dot - start));
        start = dot + 1;
    }
    out.push_back(path.substr(start));
    return out;
}

int SectionIndex(const std::string& path) {
    const auto& sections = Sections();
    for (size_t i = 0; i < sections.size(); ++i)
        if (path.rfind(std::string(sections[i].key) + ".", 0) == 0) return static_cast<int>(i);
    return -1;
}

}  // namespace detail

}  // namespace crm::config
