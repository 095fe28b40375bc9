// The configuration document: export, canonical text, parsing, the diff and apply (config.h).
#include <algorithm>
#include <set>

#include "audit/change.h"
#include "common/json_error.h"
#include "common/messages.h"
#include "integration/config_internal.h"
#include "workspace.h"

namespace crm::config {

namespace {

const MessageDef kMessages[] = {
    {"config.malformed", "The configuration document is not valid JSON: {reason}. Nothing was changed.",
     "配置文档不是有效的 JSON：{reason}。未做任何更改。"},
    {"config.not_object", "{path} must be a JSON object.", "{path} 必须是 JSON 对象。"},
    {"config.unknown_key", "{path} is not a key of the configuration document. Nothing was changed.",
     "{path} 不是配置文档中的键。未做任何更改。"},
    {"config.bad_format", "The document is not a configuration document (\"format\" must be \"crm.config\").",
     "该文档不是配置文档（\"format\" 必须为 \"crm.config\"）。"},
    {"config.newer_version",
     "The document has version {version}; this application reads version {supported}. Nothing was changed.",
     "文档版本为 {version}；本应用只能读取版本 {supported}。未做任何更改。"},
    {"config.lossy_type_change",
     "Changing {path} to {type} would lose {count} stored values. Apply with force to clear them. Nothing "
     "was changed.",
     "将 {path} 改为 {type} 会丢失 {count} 个已存储的值。如需清除这些值，请使用 force 应用。未做任何更改。"},
    {"config.missing_reference", "{path} names {name}, which neither the document nor the workspace has.",
     "{path} 引用了 {name}，但文档和工作区中都没有。"},
    {"config.failed", "{path}: {reason} Nothing was changed.", "{path}：{reason} 未做任何更改。"},
    {"config.remove_holds_records",
     "Removing {path} would take {count} records out of sight. Apply with force to remove it anyway. Nothing "
     "was changed.",
     "删除 {path} 会使 {count} 条记录不再可见。如仍要删除，请使用 force 应用。未做任何更改。"},
};
CRM_REGISTER_MESSAGES(kMessages);

constexpr int kVersion = 1;

std::string Short(const json& v) {
    if (v.is_null()) return "(none)";
    std::string s = v.dump();
    if (s.size() > 80) s = s.substr(0, 77) + "...";
    return s;
}

ConfigChange MakeChange(const std::string& path, const std::string& action, json before, json after) {
    ConfigChange c;
    c.path = path;
    c.action = action;
    if (action == "add") {
        c.en = "Adds " + path + " = " + Short(after) + ".";
        c.zh = "新增 " + path + " = " + Short(after) + "。";
    } else if (action == "change") {
        c.en = "Changes " + path + " from " + Short(before) + " to " + Short(after) + ".";
        c.zh = "将 " + path + " 从 " + Short(before) + " 改为 " + Short(after) + "。";
    } else if (action == "remove") {
        c.en = "Removes " + path + " (only in the workspace).";
        c.zh = "删除 " + path + "（仅在工作区中存在）。";
    } else {
        c.en = "Keeps " + path + " (only in the workspace; apply does not remove it).";
        c.zh = "保留 " + path + "（仅在工作区中存在；应用时不会删除）。";
    }
    c.before = std::move(before);
    c.after = std::move(after);
    return c;
}

// Where Walk is: the dotted path and its keys.
struct Place {
    std::string path;
    std::vector<std::string> keys;
    Place Child(const std::string& key) const {
        Place p{detail::Join(path, key), keys};
        p.keys.push_back(key);
        return p;
    }
};

// An item the workspace holds and the document lacks: kept, or with remove_missing removed when it is an
// item apply may remove (a whole object's assignment rules are each removed), kept when it is standard.
void Missing(Workspace& ws, bool remove_missing, const Place& at, const json& value,
             std::vector<ConfigChange>& out) {
    const PathPlace place = remove_missing ? PlaceOf(at.keys) : PathPlace::Neither;
    if (place == PathPlace::Item && !AlwaysKept(ws, at.path)) {
        out.push_back(MakeChange(at.path, "remove", value, nullptr));
        return;
    }
    if (place == PathPlace::Holds && value.is_object()) {
        for (auto it = value.begin(); it != value.end(); ++it)
            Missing(ws, remove_missing, at.Child(it.key()), it.value(), out);
        return;
    }
    out.push_back(MakeChange(at.path, "keep", value, nullptr));
}

// Walks two JSON values: objects key by key (a whole new or missing item is one change), anything else
// compared whole.
void Walk(Workspace& ws, bool remove_missing, const Place& at, const json& before, const json& after,
          std::vector<ConfigChange>& out) {
    if (before == after) return;
    if (before.is_object() && after.is_object()) {
        for (auto it = after.begin(); it != after.end(); ++it) {
            if (!before.contains(it.key()))
                out.push_back(MakeChange(at.Child(it.key()).path, "add", nullptr, it.value()));
            else
                Walk(ws, remove_missing, at.Child(it.key()), before[it.key()], it.value(), out);
        }
        for (auto it = before.begin(); it != before.end(); ++it) {
            if (!after.contains(it.key())) Missing(ws, remove_missing, at.Child(it.key()), it.value(), out);
        }
        return;
    }
    out.push_back(MakeChange(at.path, "change", before, after));
}

// The document's shape: format, version and known sections only, each checked by its section.
Status CheckDocument(const json& doc) {
    if (!doc.is_object()) return ConfigError("config.not_object", "(document)");
    std::vector<std::string> keys = {"format", "version"};
    for (const ConfigSection& s : Sections()) keys.push_back(s.key);
    CRM_TRY(detail::CheckKeys(doc, keys, ""));
    if (doc.contains("format") && doc["format"] != "crm.config")
        return ConfigError("config.bad_format", "format");
    if (doc.contains("version")) {
        const json& v = doc["version"];
        if (!v.is_number_integer() || v.get<int64_t>() > kVersion)
            return ConfigError("config.newer_version", "version",
                               {{"version", v.dump()}, {"supported", std::to_string(kVersion)}});
    }
    for (const ConfigSection& s : Sections()) {
        if (!doc.contains(s.key)) continue;
        CRM_TRY(detail::NeedObject(doc[s.key], s.key));
        if (s.check) CRM_TRY(s.check(doc[s.key]));
    }
    return Status::Ok();
}

}  // namespace

Error ConfigError(const char* id, const std::string& path,
                  std::vector<std::pair<std::string, std::string>> params) {
    params.insert(params.begin(), {"path", path});
    return MessageError("config.invalid", id, std::move(params), path);
}

Error AtPath(Error error, const std::string& prefix) {
    if (error.code == "config.invalid" || error.field.rfind(prefix, 0) == 0) return error;
    error.field = error.field.empty() ? prefix : detail::Join(prefix, error.field);
    return error;
}

json ToJson(const ConfigChange& c) {
    return json{{"path", c.path},   {"action", c.action}, {"before", c.before},
                {"after", c.after}, {"en", c.en},         {"zh", c.zh}};
}

const std::vector<ConfigSection>& Sections() {
    static const std::vector<ConfigSection> sections = [] {
        std::vector<ConfigSection> out;
        detail::AddSchemaSections(out);
        detail::AddAccessSections(out);
        detail::AddNotifySections(out);  // before automation, whose actions send custom types
        detail::AddWorkflowSections(out);
        detail::AddReportSections(out);
        // Extension point: a new area's settings attach here with their own ConfigSection.
        return out;
    }();
    return sections;
}

Result<json> Export(Workspace& ws, const std::string& actor) {
    json doc = json::object();
    doc["format"] = "crm.config";
    doc["version"] = kVersion;
    for (const ConfigSection& s : Sections()) {
        Result<json> part = s.read(ws, actor);
        if (!part.ok()) return part.error();
        doc[s.key] = std::move(part.value());
    }
    return doc;
}

std::string Canonical(const json& document) { return document.dump(2) + "\n"; }

Result<json> Parse(const std::string& text) {
    json doc = json::parse(text, nullptr, false);
    if (!doc.is_discarded()) return doc;
    const JsonParseError where = LocateJsonError(text);  // where it breaks, for the message
    Error err = MessageError("config.malformed", "config.malformed", {{"reason", where.reason}}, "document");
    err.position = static_cast<int>(where.position);
    return err;
}

Result<std::vector<ConfigChange>> Diff(Workspace& ws, const std::string& actor, const json& document,
                                       bool remove_missing) {
    CRM_TRY(CheckDocument(document));
    std::vector<ConfigChange> out;
    for (const ConfigSection& s : Sections()) {
        if (!document.contains(s.key)) continue;
        Result<json> current = s.read(ws, actor);
        if (!current.ok()) return current.error();
        Walk(ws, remove_missing, Place{s.key, {s.key}}, *current, document[s.key], out);
    }
    return out;
}

Result<ApplyResult> Apply(Workspace& ws, const std::string& actor, const json& document,
                          const ApplyOptions& options) {
    Result<std::vector<ConfigChange>> changes = Diff(ws, actor, document, options.remove_missing);
    if (!changes.ok()) return changes.error();
    ApplyResult result;
    result.changes = std::move(changes.value());
    const bool any = std::any_of(result.changes.begin(), result.changes.end(),
                                 [](const ConfigChange& c) { return c.action != "keep"; });
    if (!any) return result;

    ChangeScope change(ws.changes(), actor);
    CRM_TRY(change.begin_status());
    ApplyContext ctx{ws, actor, options.force, options.remove_missing};
    for (int late = 0; late < 2; ++late) {
        for (const ConfigSection& s : Sections()) {
            if (!document.contains(s.key)) continue;
            const auto& step = late ? s.apply_late : s.apply;
            if (!step) continue;
            Result<json> current = s.read(ws, actor);
            if (!current.ok()) return current.error();
            if (*current == document[s.key]) continue;
            if (Status st = step(ctx, document[s.key], *current); !st.ok()) return AtPath(st.error(), s.key);
        }
    }
    std::vector<std::string> removed;
    for (const ConfigChange& c : result.changes)
        if (c.action == "remove") removed.push_back(c.path);
    HeldError held;
    if (!options.force)
        held = [](const std::string& path, int64_t count) {
            return MessageError("config.holds_records", "config.remove_holds_records",
                                {{"path", path}, {"count", std::to_string(count)}}, path);
        };
    CRM_TRY(RemoveAll(ws, actor, std::move(removed), held));
    json summary = json::array();
    for (const ConfigChange& c : result.changes)
        if (c.action != "keep") summary.push_back(c.path);
    CRM_TRY(change.Audit("config", "apply", "config", nullptr, json{{"changes", summary}}));
    change.Record("config", "", ChangeAction::Config);
    // A preview has run every check of every service; leaving the scope rolls it all back.
    if (options.preview) return result;
    CRM_TRY(change.Commit());
    result.applied = true;
    return result;
}

namespace detail {

std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
}

Status NeedObject(const json& value, const std::string& path) {
    if (!value.is_object()) return ConfigError("config.not_object", path);
    return Status::Ok();
}

Status CheckKeys(const json& item, const std::vector<std::string>& allowed, const std::string& path) {
    CRM_TRY(NeedObject(item, path.empty() ? "(document)" : path));
    for (auto it = item.begin(); it != item.end(); ++it) {
        if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end())
            return ConfigError("config.unknown_key", Join(path, it.key()));
    }
    return Status::Ok();
}

Status CheckNamed(const json& section, const std::string& path, const std::vector<std::string>& allowed) {
    for (auto it = section.begin(); it != section.end(); ++it)
        CRM_TRY(CheckKeys(it.value(), allowed, Join(path, it.key())));
    return Status::Ok();
}

Status CheckByObject(const json& section, const std::string& path, const std::vector<std::string>& allowed) {
    for (auto it = section.begin(); it != section.end(); ++it) {
        CRM_TRY(NeedObject(it.value(), Join(path, it.key())));
        CRM_TRY(CheckNamed(it.value(), Join(path, it.key()), allowed));
    }
    return Status::Ok();
}

json Without(json item, std::initializer_list<const char*> keys) {
    if (!item.is_object()) return item;
    for (const char* k : keys) item.erase(k);
    return item;
}

json SortedStrings(const json& list) {
    std::vector<std::string> v;
    for (const json& s : list)
        if (s.is_string()) v.push_back(s.get<std::string>());
    std::sort(v.begin(), v.end());
    return json(v);
}

const json& At(const json& object, const std::string& key) {
    static const json null_value;
    if (!object.is_object()) return null_value;
    auto it = object.find(key);
    return it == object.end() ? null_value : *it;
}

}  // namespace detail

}  // namespace crm::config
