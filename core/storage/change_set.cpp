#include "storage/change_set.h"

#include <algorithm>

#include "common/text.h"

namespace crm {

const char* ChangeActionName(ChangeAction action) {
    switch (action) {
        case ChangeAction::Create:
            return "create";
        case ChangeAction::Update:
            return "update";
        case ChangeAction::Delete:
            return "delete";
        case ChangeAction::Config:
            return "config";
    }
    return "config";
}

void ObjectChange::AddField(std::string_view name) {
    auto it = std::lower_bound(fields.begin(), fields.end(), name,
                               [](const std::string& a, std::string_view b) { return a < b; });
    if (it == fields.end() || *it != name) fields.insert(it, std::string(name));
}

void ObjectChange::AddFields(const std::vector<std::string>& names) {
    for (const std::string& name : names) AddField(name);
}

ObjectChange& ChangeSet::Entry(std::string_view area, std::string_view object, ChangeAction action) {
    for (ObjectChange& c : changes) {
        if (c.action == action && c.area == area && c.object == object) return c;
    }
    ObjectChange c;
    c.area = std::string(area);
    c.object = std::string(object);
    c.action = action;
    changes.push_back(std::move(c));
    return changes.back();
}

void ChangeSet::Add(std::string_view area, std::string_view object, ChangeAction action, int64_t id,
                    const std::vector<std::string>& fields) {
    ObjectChange& c = Entry(area, object, action);
    if (id > 0) c.ids.push_back(id);
    c.AddFields(fields);
}

void ChangeSet::Merge(const ChangeSet& other) {
    for (const ObjectChange& o : other.changes) {
        ObjectChange& c = Entry(o.area, o.object, o.action);
        c.ids.insert(c.ids.end(), o.ids.begin(), o.ids.end());
        c.AddFields(o.fields);
    }
}

bool ChangeSet::Touches(std::string_view area, std::string_view object) const {
    for (const ObjectChange& c : changes) {
        if (c.area == area && (object.empty() || ToLowerAscii(c.object) == ToLowerAscii(object))) return true;
    }
    return false;
}

ChangeSet ChangeSet::Config(std::string_view area) {
    ChangeSet set;
    set.Entry(area, "", ChangeAction::Config);
    return set;
}

nlohmann::json ToJson(const ChangeSet& set) {
    nlohmann::json changes = nlohmann::json::array();
    for (const ObjectChange& c : set.changes) {
        changes.push_back({{"area", c.area},
                           {"object", c.object},
                           {"action", ChangeActionName(c.action)},
                           {"ids", c.ids},
                           {"fields", c.fields}});
    }
    return nlohmann::json{{"changes", std::move(changes)}};
}

}  // namespace crm
