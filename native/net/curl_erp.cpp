#include "net/curl_erp.h"

#include <curl/curl.h>

#include "net/curl_transports.h"

namespace crm::net {

namespace {

constexpr size_t kMaxBody = 64u << 20;

size_t Collect(char* data, size_t size, size_t n, void* out) {
    std::string& body = *static_cast<std::string*>(out);
    if (body.size() + size * n > kMaxBody) return 0;  // too big: libcurl stops with a write error
    body.append(data, size * n);
    return size * n;
}

}  // namespace

CurlErpClient::CurlErpClient() {
    InitCurl();
    curl_ = curl_easy_init();
}

CurlErpClient::~CurlErpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

ErpResponse CurlErpClient::Exchange(const HttpRequest& r) {
    ErpResponse out;
    CURL* c = static_cast<CURL*>(curl_);
    if (!c) {
        out.error = "libcurl could not start";
        return out;
    }
    curl_easy_reset(c);  // the options go, the connection cache stays
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_slist* headers = nullptr;
    for (const auto& [k, v] : r.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (r.method == "GET") {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(r.body.size()));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out.body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout_ms));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.timeout_ms));
    const CURLcode code = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    if (code != CURLE_OK) {
        out.status = 0;
        out.error = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(code));
        out.body.clear();
        return out;
    }
    out.status = static_cast<int>(status);
    return out;
}

}  // namespace crm::net
