// The browser's ERP client: web/erp_web.h.
#include "web/erp_web.h"

#include <emscripten.h>

#include <nlohmann/json.hpp>
#include <string>

#include "integration/connector.h"
#include "workspace.h"

extern "C" void crm_web_wake();

// clang-format off
EM_JS(void, crm_js_erp_send, (double session, const char* request), {
    Module.crmErp.send(session, UTF8ToString(request));
});
// clang-format on

namespace crm::web {
namespace {

class FetchErpClient final : public ErpAsyncClient {
public:
    void Send(int64_t session, const HttpRequest& r) override {
        nlohmann::json headers = nlohmann::json::array();
        for (const auto& [name, value] : r.headers) headers.push_back({name, value});
        const nlohmann::json request = {{"method", r.method},
                                        {"url", r.url},
                                        {"headers", headers},
                                        {"body", r.body},
                                        {"timeout_ms", r.timeout_ms}};
        crm_js_erp_send(static_cast<double>(session), request.dump().c_str());
    }
};

FetchErpClient g_client;
Workspace* g_workspace = nullptr;
std::string g_body;  // the answer's body, written by the page before crm_web_erp_answer

}  // namespace

void AttachErp(Workspace& workspace) {
    g_workspace = &workspace;
    ConnectorsOf(workspace).SetAsyncClient(&g_client);
}

}  // namespace crm::web

extern "C" {

/// Room for the answer's body (`bytes` UTF-8 bytes and its end): the page writes it there.
EMSCRIPTEN_KEEPALIVE char* crm_web_erp_body(double /*session*/, int bytes) {
    crm::web::g_body.assign(static_cast<size_t>(bytes < 0 ? 0 : bytes) + 1, '\0');
    return crm::web::g_body.data();
}

/// The answer to the request sent for `session`: the run goes on (or ends) and the console redraws.
EMSCRIPTEN_KEEPALIVE void crm_web_erp_answer(double session, int status, const char* error) {
    std::string body = std::move(crm::web::g_body);
    crm::web::g_body.clear();
    if (!body.empty()) body.pop_back();  // the terminating zero
    if (crm::web::g_workspace)
        crm::ConnectorsOf(*crm::web::g_workspace)
            .Answer(static_cast<int64_t>(session), {status, std::move(body), error ? error : ""});
    crm_web_wake();
}
}
