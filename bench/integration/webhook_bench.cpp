// Webhook delivery benchmark (native only: libcurl to a local HTTP peer, tests/net/http_peer.py):
//   webhook.deliveries_per_s   Accounts saved under a subscription (each save queues one signed event in
//                              the message outbox), then the events delivered by DeliverDue to the peer
//                              (one curl handle: keep-alive), each try recorded
//   webhook.raw_post_per_s     the same bodies posted with the same kind of curl handle, without the outbox
//   webhook.delivery_ratio     the delivery's time over the raw posts' time, same run (1 = no overhead)
//   webhook.save_ratio         saving the Accounts with the subscription over saving as many without it
//                              (webhook.save_us and webhook.plain_save_us: one save, in microseconds)
// CRM_BENCH_WEBHOOKS sets the count (2,000 by default).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "audit/change.h"
#include "bench_util.h"
#include "integration/webhooks.h"
#include "net/curl_transports.h"
#include "notify/dispatch.h"
#include "peer.h"
#include "workspace.h"

using namespace crm;

namespace {

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "bench_integration_webhook: %s\n", what.c_str());
    std::exit(1);
}

std::unique_ptr<Workspace> Open(const std::string& path, const Clock& clock) {
    bench::RemoveWorkspace(path);
    auto opened = Workspace::Open(path, {&clock, false});
    if (!opened.ok()) Die(opened.error().message);
    return std::move(opened.value());
}

/// Saves `n` Accounts as the admin, each through the whole pipeline and its hooks, inside one change (one
/// commit: the figure is the pipeline's cost, not the disk's fsync).
double SaveAccounts(Workspace& ws, int n, const char* tag) {
    return bench::BestSeconds(1, [&] {
        ChangeScope change(ws.changes(), "admin");
        for (int i = 0; i < n; ++i) {
            SaveResult r = ws.records().Create(
                "admin", "Account",
                {{"Name", std::string(tag) + " " + std::to_string(i)}, {"Phone", "+86 10 5555 0000"}});
            if (!r.ok()) Die("a save failed: " + r.errors.front().message);
        }
        if (!change.Commit().ok()) Die("the commit failed");
    });
}

}  // namespace

int main() {
    const int n = std::getenv("CRM_BENCH_WEBHOOKS") ? std::atoi(std::getenv("CRM_BENCH_WEBHOOKS")) : 2000;
    test::Peer peer("http_peer.py", {"-"});
    if (peer.port() <= 0) Die("the local HTTP peer did not start");
    const std::string url = "http://127.0.0.1:" + std::to_string(peer.port()) + "/crm";
    const FixedClock clock(1'795'712'400'000);
    std::filesystem::create_directories("bench_tmp");

    std::unique_ptr<Workspace> plain = Open("bench_tmp/webhook_plain.db", clock);
    const double plain_s = SaveAccounts(*plain, n, "Plain");

    std::unique_ptr<Workspace> ws = Open("bench_tmp/webhook.db", clock);
    Result<WebhookSubscription> sub = WebhooksOf(*ws).Save("admin", 0,
                                                           {{"name", "Bench"},
                                                            {"object", "Account"},
                                                            {"events", {"created", "updated"}},
                                                            {"url", url},
                                                            {"secret", "bench-signing-secret-0123"}});
    if (!sub.ok()) Die(sub.error().message);
    const double save_s = SaveAccounts(*ws, n, "Hooked");
    bench::Figure("webhook.save_ratio", save_s / plain_s);
    bench::Figure("webhook.save_us", save_s * 1e6 / n);
    bench::Figure("webhook.plain_save_us", plain_s * 1e6 / n);

    // The reference: the same requests (bodies and headers as the dispatcher builds them), no outbox.
    const nlohmann::json settings = ws->delivery().channels().Settings("webhook");
    std::vector<HttpRequest> requests;
    OutboxFilter page;
    page.channel = "webhook";
    for (page.offset = 0;; page.offset += page.limit) {
        const std::vector<OutboxMessage> messages = ws->delivery().outbox().List(page);
        if (messages.empty()) break;
        for (const OutboxMessage& m : messages) {
            OutgoingMessage o;
            o.channel = "webhook";
            o.to = m.to;
            o.payload = m.payload;
            o.headers = m.headers;
            o.idempotency_key = "raw-" + m.idempotency_key;
            requests.push_back(*BuildHttpRequest(settings, o));
        }
    }
    if (static_cast<int>(requests.size()) != n) Die("expected one queued event per save");
    net::HttpTransport raw;
    int raw_sent = 0;
    const double raw_s = bench::BestSeconds(1, [&] {
        for (const HttpRequest& r : requests) raw_sent += raw.SendRequest(r).sent ? 1 : 0;
    });
    if (raw_sent != n) Die("the peer refused raw posts");

    net::CurlTransports transports;
    int delivered = 0;
    const double deliver_s = bench::BestSeconds(1, [&] {
        for (int guard = 0; guard < n && delivered < n; ++guard) {
            DeliverySummary s = ws->delivery().DeliverDue(transports.Map(), clock.NowMs(), 200);
            delivered += s.sent;
            if (s.claimed == 0) break;
        }
    });
    if (delivered != n) Die("delivered " + std::to_string(delivered) + " of " + std::to_string(n));

    bench::Figure("webhook.deliveries_per_s", n / deliver_s);
    bench::Figure("webhook.raw_post_per_s", n / raw_s);
    bench::Figure("webhook.delivery_ratio", deliver_s / raw_s);
    return 0;
}
