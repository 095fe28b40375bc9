#include "audit/audit_log.h"

#include <algorithm>

#include "common/clock.h"

namespace crm {

namespace {

using nlohmann::json;

// Values are stored as JSON text; NULL stands for "no value" (created / deleted).
std::optional<std::string> StoreValue(const json& value) {
    if (value.is_null()) return std::nullopt;
    return value.dump();
}

json LoadValue(const std::optional<std::string>& text) {
    if (!text) return nullptr;
    json value = json::parse(*text, nullptr, false);
    // Our own column, so a parse failure means the file was edited by hand: show the raw text.
    return value.is_discarded() ? json(*text) : value;
}

const char* SortColumn(AuditQuery::SortKey key) {
    switch (key) {
        case AuditQuery::SortKey::Time:
            return "at_ms";
        case AuditQuery::SortKey::Actor:
            return "actor";
        case AuditQuery::SortKey::Area:
            return "area";
        case AuditQuery::SortKey::Action:
            return "action";
        case AuditQuery::SortKey::Target:
            return "target";
    }
    return "at_ms";
}

// Escapes LIKE wildcards so that the search text matches literally.
std::string LikePattern(const std::string& text) {
    std::string pattern = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') pattern += '\\';
        pattern += c;
    }
    return pattern + "%";
}

std::vector<std::string> DistinctColumn(Database& db, const char* sql) {
    std::vector<std::string> out;
    Statement stmt = db.Prepare(sql);
    while (stmt.Step()) out.push_back(stmt.Text(0));
    return out;
}

}  // namespace

json ToJson(const AuditEntry& entry) {
    return json{{"id", entry.id},
                {"at", FormatUtcIso8601(entry.at_ms)},
                {"at_ms", entry.at_ms},
                {"actor", entry.actor},
                {"area", entry.area},
                {"action", entry.action},
                {"target", entry.target},
                {"old_value", entry.old_value},
                {"new_value", entry.new_value}};
}

Status AuditLog::Append(const AuditEntry& entry) {
    Statement stmt = db_.Prepare(
        "INSERT INTO audit_log(at_ms, actor, area, action, target, old_value, new_value) "
        "VALUES(?, ?, ?, ?, ?, ?, ?)");
    stmt.Bind(1, entry.at_ms)
        .Bind(2, entry.actor)
        .Bind(3, entry.area)
        .Bind(4, entry.action)
        .Bind(5, entry.target)
        .Bind(6, StoreValue(entry.old_value))
        .Bind(7, StoreValue(entry.new_value));
    return stmt.Run();
}

Result<AuditPage> AuditLog::List(const std::string& viewer, const AuditQuery& query) const {
    if (authorizer_) {
        if (Status s = authorizer_(viewer, SystemPermission::ViewSetupAuditTrail); !s.ok()) return s.error();
    }
    return List(query);
}

Result<AuditPage> AuditLog::List(const AuditQuery& query) const {
    // The WHERE clause is built from fixed fragments only; every value is bound.
    std::string where = " WHERE 1=1";
    if (!query.area.empty()) where += " AND area = ?1";
    if (!query.actor.empty()) where += " AND actor = ?2";
    if (!query.text.empty()) {
        // LIKE is case-insensitive for ASCII only, as documented on AuditQuery::text.
        where +=
            " AND (target LIKE ?3 ESCAPE '\\' OR action LIKE ?3 ESCAPE '\\'"
            " OR coalesce(old_value,'') LIKE ?3 ESCAPE '\\' OR coalesce(new_value,'') LIKE ?3 ESCAPE '\\')";
    }
    if (query.from_ms) where += " AND at_ms >= ?4";
    if (query.to_ms) where += " AND at_ms < ?5";

    auto bind = [&](Statement& stmt) {
        if (!query.area.empty()) stmt.Bind(1, query.area);
        if (!query.actor.empty()) stmt.Bind(2, query.actor);
        if (!query.text.empty()) stmt.Bind(3, LikePattern(query.text));
        if (query.from_ms) stmt.Bind(4, *query.from_ms);
        if (query.to_ms) stmt.Bind(5, *query.to_ms);
    };

    AuditPage page;
    Statement count = db_.Prepare("SELECT count(*) FROM audit_log" + where);
    bind(count);
    if (count.Step()) page.total = count.Int(0);
    if (!count.status().ok()) return count.status().error();

    const int limit = std::clamp(query.limit, 1, 1000);
    const int offset = std::max(query.offset, 0);
    const char* dir = query.descending ? "DESC" : "ASC";
    std::string sql = "SELECT id, at_ms, actor, area, action, target, old_value, new_value FROM audit_log" +
                      where + " ORDER BY " + SortColumn(query.sort) + " " + dir + ", id " + dir +
                      " LIMIT ?6 OFFSET ?7";
    Statement stmt = db_.Prepare(sql);
    bind(stmt);
    stmt.Bind(6, limit).Bind(7, offset);
    while (stmt.Step()) {
        AuditEntry e;
        e.id = stmt.Int(0);
        e.at_ms = stmt.Int(1);
        e.actor = stmt.Text(2);
        e.area = stmt.Text(3);
        e.action = stmt.Text(4);
        e.target = stmt.Text(5);
        e.old_value = LoadValue(stmt.OptText(6));
        e.new_value = LoadValue(stmt.OptText(7));
        page.entries.push_back(std::move(e));
    }
    if (!stmt.status().ok()) return stmt.status().error();
    return page;
}

std::vector<std::string> AuditLog::Areas() const {
    return DistinctColumn(db_, "SELECT DISTINCT area FROM audit_log ORDER BY area");
}

std::vector<std::string> AuditLog::Actors() const {
    return DistinctColumn(db_, "SELECT DISTINCT actor FROM audit_log ORDER BY actor");
}

}  // namespace crm
