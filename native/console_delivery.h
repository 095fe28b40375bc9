// The desktop console's way out of the message outbox, as web/outbox_fetch.js is the browser's: while the
// console is open, every few seconds it claims the due messages (on the UI thread, as the user at the
// console, who needs Manage Notifications; nothing is sent otherwise), sends them on a worker thread over
// libcurl (email over SMTP, the SMS gateway, the mail relay, webhooks), so a slow or silent server never
// holds a frame, and records the outcomes on the UI thread once the worker is done. A claim never recorded
// (the console closed mid-send) lapses and is claimed again on the next open, with the same idempotency key.
// "Send a test" on the Channels tab uses transports of the UI thread's own (libcurl handles are not shared
// between threads), and so does an ERP connector's "run now" (connectors.run, on the UI thread).
#pragma once
#include <cstdint>
#include <future>
#include <vector>

#include "net/curl_erp.h"
#include "net/curl_transports.h"
#include "notify/dispatch.h"

namespace crm {
class Workspace;
}

namespace crm::native {

class ConsoleDelivery {
public:
    static constexpr int64_t kIntervalMs = 5000;
    static constexpr int kBatch = 10;

    ConsoleDelivery();
    ~ConsoleDelivery();

    /// Sends for `workspace` from now on (after Finish for the previous one); the first pass is at once.
    void Attach(Workspace& workspace);
    /// Called every loop of the main loop, frame or not: records a finished pass, starts a due one.
    void Tick(int64_t now_ms);
    /// Waits for the pass in flight (bounded by the transports' time-outs) and records it.
    void Finish(int64_t now_ms);
    /// What has been done so far (the desktop test prints it).
    const DeliverySummary& totals() const { return totals_; }

private:
    void Record(int64_t now_ms);

    Workspace* workspace_ = nullptr;
    net::CurlTransports ui_transports_;      ///< "send a test", on the UI thread
    net::CurlErpClient erp_client_;          ///< the ERP connectors' runs, on the UI thread
    net::CurlTransports worker_transports_;  ///< the passes, on the worker thread only
    std::vector<ClaimedMessage> claimed_;    ///< the pass in flight
    std::future<std::vector<SendOutcome>> sending_;
    int64_t next_pass_ms_ = 0;
    DeliverySummary totals_;
};

}  // namespace crm::native
