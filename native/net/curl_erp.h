// The ERP connectors' way to the network (core/integration/connector.h's ErpClient) over libcurl: one
// handle, so consecutive requests to the same ERP reuse the connection. Not thread-safe.
#pragma once
#include "integration/connector.h"

namespace crm::net {

class CurlErpClient final : public ErpClient {
public:
    CurlErpClient();
    ~CurlErpClient() override;
    CurlErpClient(const CurlErpClient&) = delete;
    CurlErpClient& operator=(const CurlErpClient&) = delete;
    /// The status and body (at most 64 MiB), or status 0 and why the ERP was not reached.
    ErpResponse Exchange(const HttpRequest& request) override;

private:
    void* curl_ = nullptr;
};

}  // namespace crm::net
