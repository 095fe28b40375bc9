// `crm --db PATH deliver [--limit N]`: sends the outbox's due messages once (email over SMTP, SMS, the mail
// relay and webhooks over HTTP, through libcurl) and prints what it did, so that scripts, cron and the
// desktop app can drain the outbox. Messages that fail stay in the outbox with their next try.
#include <iostream>
#include <string>

#include "integration/connector.h"
#include "net/curl_erp.h"
#include "net/curl_transports.h"
#include "notify/dispatch.h"
#include "workspace.h"

namespace crm::cli {

bool IsDeliver(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--db" || arg == "--limit" || arg == "--seed" || arg == "--scale") {
            ++i;  // its value
        } else if (arg.rfind("--", 0) != 0) {
            return arg == "deliver";  // the subcommand is the first operand
        }
    }
    return false;
}

void AttachTransports(Workspace& ws) {
    static net::CurlTransports transports;  // lives as long as the program: the workspace keeps pointers
    ws.delivery().SetTransports(transports.Map());
    static net::CurlErpClient erp;  // connectors.run and connectors.resolve reach the ERPs through it
    ConnectorsOf(ws).SetClient(&erp);
}

int Deliver(int argc, char** argv) {
    std::string db;
    long limit = 100;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if ((arg == "--db" || arg == "--limit") && i + 1 >= argc) {
            std::cerr << "crm: " << arg << " needs a value\n";
            return 2;
        }
        if (arg == "--db") {
            db = argv[++i];
        } else if (arg == "--limit") {
            const std::string text = argv[++i];
            char* end = nullptr;
            limit = std::strtol(text.c_str(), &end, 10);
            if (text.empty() || *end || limit < 1 || limit > 100000) {
                std::cerr << "crm: --limit needs a whole number from 1 to 100000, not \"" << text << "\"\n";
                return 2;
            }
        } else if (arg != "deliver") {
            std::cerr << "crm: deliver takes --db PATH and --limit N, not \"" << arg << "\"\n";
            return 2;
        }
    }
    if (db.empty()) {
        std::cerr << "crm: deliver needs --db PATH\n";
        return 2;
    }
    auto ws = Workspace::Open(db);
    if (!ws.ok()) {
        std::cerr << "crm: " << ws.error().message << "\n";
        return 1;
    }
    net::CurlTransports transports;
    MessageDelivery& delivery = (*ws)->delivery();
    DeliverySummary total;
    // Passes of at most 50 claims, so a long queue is never leased all at once; bounded by --limit.
    while (total.claimed < limit) {
        const int pass = static_cast<int>(std::min<long>(50, limit - total.claimed));
        DeliverySummary s = delivery.DeliverDue(transports.Map(), (*ws)->clock().NowMs(), pass);
        total.claimed += s.claimed;
        total.sent += s.sent;
        total.failed += s.failed;
        total.dead += s.dead;
        if (s.claimed < pass) break;
    }
    nlohmann::json out = ToJson(total);
    out["queued"] = delivery.outbox().Count("queued");
    out["failed_waiting"] = delivery.outbox().Count("failed");
    std::cout << out.dump() << "\n";
    return 0;
}

}  // namespace crm::cli
