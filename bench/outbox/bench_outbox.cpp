// Outbox benchmark (native only: it delivers through libcurl to a local HTTP peer, tests/net/http_peer.py):
//   notify.outbox_drain_per_s   SMS messages queued in a workspace file, then delivered by DeliverDue to the
//                               peer (one curl handle: keep-alive), each try recorded (state, delivery log)
//   notify.raw_post_per_s       the same requests posted with the same curl handle, without the outbox
//   notify.outbox_drain_ratio   the drain's time over the raw posts' time, same run (1 = no overhead)
// CRM_BENCH_MESSAGES sets the count (2,000 by default).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "audit/change.h"
#include "bench_util.h"
#include "net/curl_transports.h"
#include "notify/dispatch.h"
#include "peer.h"
#include "workspace.h"

using namespace crm;

namespace {

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "bench_outbox: %s\n", what.c_str());
    std::exit(1);
}

}  // namespace

int main() {
    const int n = std::getenv("CRM_BENCH_MESSAGES") ? std::atoi(std::getenv("CRM_BENCH_MESSAGES")) : 2000;
    test::Peer peer("http_peer.py", {"-"});
    if (peer.port() <= 0) Die("the local HTTP peer did not start");
    const std::string url = "http://127.0.0.1:" + std::to_string(peer.port()) + "/sms";

    const FixedClock clock(1'795'712'400'000);
    std::filesystem::create_directories("bench_tmp");
    const std::string path = "bench_tmp/outbox.db";
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-journal");
    auto opened = Workspace::Open(path, {&clock, false});
    if (!opened.ok()) Die(opened.error().message);
    Workspace& ws = **opened;
    if (!ws.delivery().channels().Set("admin", "sms", {{"url", url}}).ok()) Die("cannot set the SMS gateway");
    {
        ChangeScope change(ws.changes(), "admin");
        for (int i = 0; i < n; ++i) {
            QueuedMessage m;
            m.channel = "sms";
            m.to = "+86138" + std::to_string(10000000 + i);
            m.text = "Reminder " + std::to_string(i) + ": Acme closes tomorrow";
            m.idempotency_key = "bench-" + std::to_string(i);
            if (!ws.delivery().outbox().Enqueue(change, m).ok()) Die("enqueue failed");
        }
        if (!change.Commit().ok()) Die("commit failed");
    }

    // The reference: the same requests, the same kind of curl handle, no outbox.
    std::vector<HttpRequest> requests;
    const nlohmann::json settings = ws.delivery().channels().Settings("sms");
    for (int i = 0; i < n; ++i) {
        OutgoingMessage m;
        m.channel = "sms";
        m.to = "+86138" + std::to_string(10000000 + i);
        m.text = "Reminder " + std::to_string(i) + ": Acme closes tomorrow";
        m.idempotency_key = "raw-" + std::to_string(i);
        requests.push_back(*BuildHttpRequest(settings, m));
    }
    net::HttpTransport raw;
    int raw_sent = 0;
    const double raw_s = bench::BestSeconds(1, [&] {
        for (const HttpRequest& r : requests) raw_sent += raw.SendRequest(r).sent ? 1 : 0;
    });
    if (raw_sent != n) Die("the peer refused raw posts");

    net::CurlTransports transports;
    int drained = 0;
    const double drain_s = bench::BestSeconds(1, [&] {
        for (int guard = 0; guard < n && drained < n; ++guard) {
            DeliverySummary s = ws.delivery().DeliverDue(transports.Map(), clock.NowMs(), 200);
            drained += s.sent;
            if (s.claimed == 0) break;
        }
    });
    if (drained != n) Die("the outbox delivered " + std::to_string(drained) + " of " + std::to_string(n));

    bench::Figure("notify.outbox_drain_per_s", n / drain_s);
    bench::Figure("notify.raw_post_per_s", n / raw_s);
    bench::Figure("notify.outbox_drain_ratio", drain_s / raw_s);
    return 0;
}
