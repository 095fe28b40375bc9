#include "net/curl_erp.h"

#include <curl/curl.h>

#include "net/curl_transports.h"

namespace crm::net {

CurlErpClient::CurlErpClient() {
    InitCurl();
    curl_ = curl_easy_init();
}

CurlErpClient::~CurlErpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

ErpResponse CurlErpClient::Exchange(const HttpRequest& r) {
    ErpResponse out;
    const HttpExchange x = PerformHttp(curl_, r, &out.body);
    out.status = x.reached ? x.status : 0;
    out.error = x.error;
    return out;
}

}  // namespace crm::net
