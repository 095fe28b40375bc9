// The native transports of the message outbox (core/notify/transport.h) over libcurl: email over SMTP
// (STARTTLS or implicit TLS, authentication; libcurl speaks the protocol) and HTTP POST for the SMS
// gateway, the mail relay and webhooks. Each keeps one curl handle, so consecutive sends to the same peer
// reuse the connection (keep-alive). Not thread-safe: one transport per sending thread.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "notify/dispatch.h"
#include "notify/transport.h"

namespace crm::net {

/// Calls curl_global_init once for the program (idempotent).
void InitCurl();

/// Email over SMTP. Settings: host, port, security ("starttls", "tls", "none"), ca_file (a PEM file of the
/// certificates to trust instead of the system's; "" = the system's), user, password, from, timeout_ms.
/// "starttls" requires the upgrade: a server that does not offer STARTTLS is refused before any mail. A 4xx
/// reply is worth retrying; a 5xx reply (no such user, authentication refused) is not.
class SmtpTransport final : public Transport {
public:
    SmtpTransport();
    ~SmtpTransport() override;
    SendOutcome Send(const nlohmann::json& settings, const OutgoingMessage& message) override;

private:
    void* curl_ = nullptr;
};

/// One HTTP request per message, as core/notify/dispatch.h builds it (BuildHttpRequest). A 2xx answer is
/// sent; 408, 429 and 5xx, time-outs and unreachable peers are worth retrying; other 4xx are not.
class HttpTransport final : public Transport {
public:
    HttpTransport();
    ~HttpTransport() override;
    SendOutcome Send(const nlohmann::json& settings, const OutgoingMessage& message) override;
    /// Sends a ready request (the benchmark's reference uses it without the outbox).
    SendOutcome SendRequest(const HttpRequest& request);

private:
    void* curl_ = nullptr;
};

/// What one HTTP request through libcurl came to.
struct HttpExchange {
    bool reached = false;    ///< an answer came (any status)
    int status = 0;          ///< its HTTP status
    std::string error;       ///< why no answer came (time-out, refused connection...)
    bool retryable = false;  ///< when none came: whether trying again may help
};

/// Sends `request` on `curl` (a CURL* kept between requests, so the connection to a peer is reused),
/// reading the answer's body into `body` (at most 64 MiB) or discarding it when `body` is null. The one
/// place this program speaks HTTP: the outbox's HttpTransport and the ERP connectors' client.
HttpExchange PerformHttp(void* curl, const HttpRequest& request, std::string* body);

/// The SMTP and HTTP transports of this program, owned together.
struct CurlTransports {
    SmtpTransport smtp;
    HttpTransport http;
    TransportMap Map() { return {{"smtp", &smtp}, {"http", &http}}; }
};

/// The RFC 5322 text of an email (headers and a text or text+HTML body), UTF-8, subject encoded per RFC 2047.
std::string EmailText(const std::string& from, const OutgoingMessage& message, int64_t now_ms);

}  // namespace crm::net
