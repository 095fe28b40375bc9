#include "net/curl_transports.h"

#include <curl/curl.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <mutex>

#include "common/base64.h"

namespace crm::net {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

int64_t Int(const json& s, const char* key, int64_t fallback) {
    return s.contains(key) && s[key].is_number_integer() ? s[key].get<int64_t>() : fallback;
}

std::string Str(const json& s, const char* key) {
    return s.contains(key) && s[key].is_string() ? s[key].get<std::string>() : std::string();
}

/// A header value: as is when it is printable ASCII, else an RFC 2047 encoded word.
std::string HeaderText(const std::string& v) {
    for (unsigned char c : v) {
        if (c < 0x20 || c > 0x7e) return "=?UTF-8?B?" + Base64(v) + "?=";
    }
    return v;
}

/// A body with CRLF line ends and dot-safe lines (libcurl dot-stuffs; we only normalise line ends).
std::string Crlf(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
        out += text[i];
    }
    return out;
}

struct Upload {
    const std::string* data;
    size_t at = 0;
};

size_t ReadUpload(char* buf, size_t size, size_t n, void* user) {
    Upload* up = static_cast<Upload*>(user);
    const size_t left = up->data->size() - up->at;
    const size_t take = std::min(left, size * n);
    std::memcpy(buf, up->data->data() + up->at, take);
    up->at += take;
    return take;
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

constexpr size_t kMaxBody = 64u << 20;

size_t CollectBody(char* data, size_t size, size_t n, void* out) {
    std::string& body = *static_cast<std::string*>(out);
    if (body.size() + size * n > kMaxBody) return 0;  // too big: libcurl stops with a write error
    body.append(data, size * n);
    return size * n;
}

int64_t Ms(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

std::string CurlReason(CURLcode code, const char* errbuf) {
    std::string reason = curl_easy_strerror(code);
    if (errbuf[0]) reason += std::string(": ") + errbuf;
    return reason;
}

}  // namespace

void InitCurl() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string EmailText(const std::string& from, const OutgoingMessage& m, int64_t now_ms) {
    char date[64];
    const std::time_t t = static_cast<std::time_t>(now_ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    std::string domain = from.substr(from.find('@') == std::string::npos ? from.size() : from.find('@') + 1);
    if (domain.empty()) domain = "localhost";
    std::string out = "Date: " + std::string(date) + "\r\nFrom: <" + from + ">\r\nTo: <" + m.to +
                      ">\r\nSubject: " + HeaderText(m.subject) + "\r\nMessage-ID: <" + m.idempotency_key +
                      "@" + domain + ">\r\nMIME-Version: 1.0\r\n";
    if (m.html.empty()) {
        out += "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
               Crlf(m.text);
    } else {
        const std::string b = "crm-" + m.idempotency_key;
        out += "Content-Type: multipart/alternative; boundary=\"" + b + "\"\r\n\r\n--" + b +
               "\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
               Crlf(m.text) + "\r\n--" + b +
               "\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
               Crlf(m.html) + "\r\n--" + b + "--";
    }
    return out + "\r\n";
}

SmtpTransport::SmtpTransport() {
    InitCurl();
    curl_ = curl_easy_init();
}

SmtpTransport::~SmtpTransport() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

SendOutcome SmtpTransport::Send(const json& s, const OutgoingMessage& m) {
    SendOutcome out;
    const auto start = Clock::now();
    CURL* c = static_cast<CURL*>(curl_);
    if (!c) {
        out.reason = "libcurl could not start";
        return out;
    }
    curl_easy_reset(c);
    const std::string security = Str(s, "security");
    const std::string url = (security == "tls" ? "smtps://" : "smtp://") + Str(s, "host") + ":" +
                            std::to_string(Int(s, "port", 25));
    const std::string from = Str(s, "from");
    const std::string text = EmailText(from, m,
                                       std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
    Upload upload{&text};
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_slist* rcpt = curl_slist_append(nullptr, ("<" + m.to + ">").c_str());
    const long timeout = static_cast<long>(Int(s, "timeout_ms", 10000));
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    if (security == "starttls") curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    // A CA file set: the server's certificate must chain to it alone (not to the system's store).
    const std::string ca_file = Str(s, "ca_file");
    if (security != "none" && !ca_file.empty()) {
        curl_easy_setopt(c, CURLOPT_CAINFO, ca_file.c_str());
        curl_easy_setopt(c, CURLOPT_CAPATH, static_cast<const char*>(nullptr));
    }
    if (!Str(s, "user").empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, Str(s, "user").c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, Str(s, "password").c_str());
    }
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, ("<" + from + ">").c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadUpload);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout);
    const CURLcode code = curl_easy_perform(c);
    long reply = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
    curl_slist_free_all(rcpt);
    out.status = static_cast<int>(reply);
    out.elapsed_ms = Ms(start);
    if (code == CURLE_OK) {
        out.sent = true;
        return out;
    }
    out.reason = CurlReason(code, errbuf);
    // The server's refusal leads (a 220 after STARTTLS is not one: the TLS handshake then failed).
    if (reply >= 400) out.reason = std::to_string(reply) + " " + out.reason;
    out.retryable =
        !(reply >= 500 && reply < 600) && code != CURLE_LOGIN_DENIED && code != CURLE_URL_MALFORMAT;
    return out;
}

HttpTransport::HttpTransport() {
    InitCurl();
    curl_ = curl_easy_init();
}

HttpTransport::~HttpTransport() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

SendOutcome HttpTransport::Send(const json& settings, const OutgoingMessage& m) {
    Result<HttpRequest> request = BuildHttpRequest(settings, m);
    if (!request.ok()) {
        SendOutcome out;
        out.reason = request.error().message;
        return out;
    }
    return SendRequest(*request);
}

HttpExchange PerformHttp(void* curl, const HttpRequest& r, std::string* body) {
    HttpExchange out;
    CURL* c = static_cast<CURL*>(curl);
    if (!c) {
        out.error = "libcurl could not start";
        return out;
    }
    // Reset the options, keep the connection cache: the next request to the same peer reuses the connection.
    curl_easy_reset(c);
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
    if (body) {
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, CollectBody);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
    } else {
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Discard);
    }
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout_ms));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.timeout_ms));
    const CURLcode code = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    out.status = static_cast<int>(status);
    if (code != CURLE_OK) {
        out.error = code == CURLE_OPERATION_TIMEDOUT
                        ? "timed out after " + std::to_string(r.timeout_ms) + " ms"
                        : CurlReason(code, errbuf);
        out.retryable = code != CURLE_URL_MALFORMAT && code != CURLE_UNSUPPORTED_PROTOCOL;
        if (body) body->clear();
        return out;
    }
    out.reached = true;
    return out;
}

SendOutcome HttpTransport::SendRequest(const HttpRequest& r) {
    SendOutcome out;
    const auto start = Clock::now();
    const HttpExchange x = PerformHttp(curl_, r, nullptr);
    out.status = x.status;
    out.elapsed_ms = Ms(start);
    if (!x.reached) {
        out.reason = x.error;
        out.retryable = x.retryable;
        return out;
    }
    if (x.status >= 200 && x.status < 300) {
        out.sent = true;
        return out;
    }
    out.reason = "HTTP " + std::to_string(x.status);
    out.retryable = x.status == 408 || x.status == 429 || x.status >= 500;
    return out;
}

}  // namespace crm::net
