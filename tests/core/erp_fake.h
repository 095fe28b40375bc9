// A scripted ERP for the connector suites (core/integration/connector.h): tables of rows in memory that
// answer the connector's protocol (GET with updated_since and paging, PUT by id, POST), a script of
// failures to answer first, and every request kept for the checks.
#pragma once
#include <algorithm>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "integration/connector.h"

namespace crm::test {

class FakeErp final : public ErpClient {
public:
    static constexpr const char* kBase = "https://erp.test/api";
    std::map<std::string, std::vector<nlohmann::json>>
        tables;  ///< by path; rows with "id" and "updated_at" (ms)
    std::vector<HttpRequest> requests;
    std::deque<int> script;          ///< statuses answered before anything else (0: not reached)
    int64_t now_ms = 1795700000000;  ///< the ERP's clock: each write moves it one second
    int posted = 0;
    bool batch_route = true;  ///< false: the batch route answers 404 (an ERP without one)

    /// Adds or replaces a row, stamped with the ERP's clock (moved one second first).
    nlohmann::json& Put(const std::string& path, nlohmann::json row) {
        now_ms += 1000;
        row["updated_at"] = now_ms;
        auto& rows = tables[path];
        for (auto& r : rows)
            if (r["id"] == row["id"]) {
                for (auto it = row.begin(); it != row.end(); ++it) r[it.key()] = it.value();
                return r;
            }
        rows.push_back(row);
        return rows.back();
    }
    nlohmann::json Row(const std::string& path, const std::string& id) const {
        auto it = tables.find(path);
        if (it != tables.end())
            for (const auto& r : it->second)
                if (r["id"] == id) return r;
        return nullptr;
    }
    int Count(const std::string& method) const {
        return static_cast<int>(std::count_if(requests.begin(), requests.end(),
                                              [&](const HttpRequest& r) { return r.method == method; }));
    }

    /// POST {path}/batch: each item written as a PUT (with an id) or a POST would be; a row named
    /// "REFUSE" answered 422, as the stand-in does.
    ErpResponse Batch(const std::string& path, const nlohmann::json& body) {
        if (!batch_route) return {404, "{\"error\":\"no such route\"}", ""};
        if (!body.contains("items") || !body["items"].is_array()) return {400, "{}", ""};
        nlohmann::json out = nlohmann::json::array();
        for (const nlohmann::json& item : body["items"]) {
            nlohmann::json row = item.value("row", nlohmann::json::object());
            if (row.value("name", "") == "REFUSE") {
                out.push_back({{"status", 422}, {"error", "name REFUSE is refused"}});
                continue;
            }
            const bool create = !item.contains("id");
            row["id"] = create ? nlohmann::json("N" + std::to_string(++posted)) : item["id"];
            out.push_back({{"status", create ? 201 : 200}, {"row", Put(path, row)}});
        }
        return {200, nlohmann::json{{"items", out}}.dump(), ""};
    }

    ErpResponse Exchange(const HttpRequest& r) override {
        requests.push_back(r);
        if (!script.empty()) {
            const int status = script.front();
            script.pop_front();
            return {status, status ? "{\"error\":\"scripted\"}" : "", status ? "" : "Connection refused"};
        }
        const std::string base = std::string(kBase) + "/";
        if (r.url.rfind(base, 0) != 0) return {404, "{}", ""};
        std::string rest = r.url.substr(base.size()), query;
        if (size_t q = rest.find('?'); q != std::string::npos) {
            query = rest.substr(q + 1);
            rest = rest.substr(0, q);
        }
        std::string path = rest, id;
        if (size_t slash = rest.find('/'); slash != std::string::npos) {
            path = rest.substr(0, slash);
            id = rest.substr(slash + 1);
        }
        if (r.method == "GET") {
            std::map<std::string, std::string> params;
            size_t at = 0;
            while (at < query.size()) {
                size_t amp = query.find('&', at);
                if (amp == std::string::npos) amp = query.size();
                const std::string kv = query.substr(at, amp - at);
                const size_t eq = kv.find('=');
                params[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
                at = amp + 1;
            }
            const int64_t since = params["updated_since"].empty() ? 0 : std::stoll(params["updated_since"]);
            const int page = std::stoi(params["page"]), size = std::stoi(params["page_size"]);
            std::vector<nlohmann::json> rows;
            for (const auto& row : tables[path])
                if (row["updated_at"].get<int64_t>() >= since) rows.push_back(row);
            std::stable_sort(rows.begin(), rows.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
                return a["updated_at"].get<int64_t>() < b["updated_at"].get<int64_t>();
            });
            nlohmann::json items = nlohmann::json::array();
            const size_t from = static_cast<size_t>((page - 1) * size);
            for (size_t i = from; i < rows.size() && i < from + static_cast<size_t>(size); ++i)
                items.push_back(rows[i]);
            const bool more = from + static_cast<size_t>(size) < rows.size();
            return {200, nlohmann::json{{"items", items}, {"has_more", more}}.dump(), ""};
        }
        nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
        if (!body.is_object()) return {400, "{\"error\":\"bad json\"}", ""};
        if (r.method == "POST" && id == "batch") return Batch(path, body);
        if (r.method == "POST")
            body["id"] = "N" + std::to_string(++posted);
        else if (r.method == "PUT")
            body["id"] = id;
        else
            return {405, "{}", ""};
        return {r.method == "POST" ? 201 : 200, Put(path, body).dump(), ""};
    }
};

}  // namespace crm::test
