#include "native/console_delivery.h"

#include <cstdio>

#include "integration/connector.h"
#include "ui/access/sign_in_screen.h"
#include "workspace.h"

namespace crm::native {

ConsoleDelivery::ConsoleDelivery() { net::InitCurl(); }

ConsoleDelivery::~ConsoleDelivery() {
    if (sending_.valid()) sending_.wait();  // the outcomes are lost with the workspace: the claims lapse
}

void ConsoleDelivery::Attach(Workspace& workspace) {
    workspace_ = &workspace;
    workspace.delivery().SetTransports(ui_transports_.Map());
    ConnectorsOf(workspace).SetClient(&erp_client_);
    next_pass_ms_ = 0;
}

void ConsoleDelivery::Record(int64_t now_ms) {
    const std::vector<SendOutcome> outcomes = sending_.get();
    if (workspace_) {
        const DeliverySummary s = workspace_->delivery().CompleteAll(claimed_, outcomes, now_ms);
        totals_.claimed += s.claimed;
        totals_.sent += s.sent;
        totals_.failed += s.failed;
        totals_.dead += s.dead;
    }
    claimed_.clear();
}

void ConsoleDelivery::Tick(int64_t now_ms) {
    if (sending_.valid()) {
        if (sending_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
        Record(now_ms);
        next_pass_ms_ = now_ms + kIntervalMs;
        return;
    }
    if (!workspace_ || now_ms < next_pass_ms_) return;
    MessageDelivery& delivery = workspace_->delivery();
    // As the browser: the user at the console (not one viewed as) sends when they manage notifications.
    if (!delivery.Authorize(ui::ConsoleUser()).ok()) return;
    next_pass_ms_ = now_ms + kIntervalMs;
    Result<std::vector<ClaimedMessage>> claimed = delivery.Claim(now_ms, ClaimOptions{kBatch, false});
    if (!claimed.ok()) {
        std::fprintf(stderr, "crm-console: claiming the outbox failed: %s\n",
                     claimed.error().message.c_str());
        return;
    }
    if (claimed->empty()) return;
    claimed_ = std::move(claimed.value());
    sending_ = std::async(std::launch::async, [messages = claimed_, this] {
        std::vector<SendOutcome> outcomes;
        const TransportMap transports = worker_transports_.Map();
        for (const ClaimedMessage& m : messages) outcomes.push_back(SendClaimed(transports, m));
        return outcomes;
    });
}

void ConsoleDelivery::Finish(int64_t now_ms) {
    if (sending_.valid()) Record(now_ms);
    workspace_ = nullptr;
}

}  // namespace crm::native
