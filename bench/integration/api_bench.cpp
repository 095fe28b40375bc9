// The local API server (issue 14) against the same commands in process, in the same run:
//   api.requests_per_s        records.get by GET /api/v1/records/Account/<id> over loopback HTTP, keep-alive,
//                             4 concurrent clients (httplib's client), each request with an API key
//   api.command_requests_per_s  the same through POST /api/v1/commands (a JSON body to parse)
//   api.in_process_per_s      records.get through CommandApi::Execute on the JSON text, one thread (the
//                             workspace is single-threaded: the server serialises its core work the same way)
//   api.overhead_ratio        api.in_process_per_s / api.requests_per_s (what HTTP, the key check, the rate
//                             limit, the lock and the request log cost, as a factor)
//   api.latency_us_p50, api.latency_us_p99   one client's request latency over HTTP (keep-alive)
//   api.cpu_us_per_request, api.command_cpu_us_per_request, api.in_process_cpu_us_per_request,
//   api.cpu_overhead_ratio    the process's processor time per request (over HTTP it counts the clients
//                             too, which share the process): steadier than the rates on a loaded machine
// The server runs inside this process on 127.0.0.1 (a free port) over a demo workspace file, and is stopped
// at the end. Native only (sockets and threads); `scripts/bench.sh integration` runs it.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "api/command_api.h"
#include "bench_util.h"
#include "cli_serve.h"
#include "demo/demo_company.h"
#include "integration/api_keys.h"
#include "workspace.h"

using namespace crm;
using nlohmann::json;
using Steady = std::chrono::steady_clock;

namespace {

constexpr int kClients = 4;
constexpr double kSeconds = 3.0;
constexpr int kAccounts = 30;  // the ids cycled through: every account of the demo (scale 1)

double Seconds(Steady::time_point t0) { return std::chrono::duration<double>(Steady::now() - t0).count(); }

/// Requests per second of `clients` threads calling `one(client_index, i)` for kSeconds; false answers
/// count as failures. `cpu_us` gets the process's processor time per request (every thread: on this
/// shared machine the wall-clock rate moves with the load, the processor time much less).
double Throughput(int clients, const std::function<bool(int, int)>& one, int& failures, double& cpu_us) {
    const std::clock_t c0 = std::clock();
    std::atomic<long> done{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> threads;
    const auto t0 = Steady::now();
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            long n = 0;
            for (int i = 0; Seconds(t0) < kSeconds; ++i, ++n)
                if (!one(c, i)) ++failed;
            done += n;
        });
    }
    for (std::thread& t : threads) t.join();
    failures = failed;
    const double elapsed = Seconds(t0);
    cpu_us = 1e6 * double(std::clock() - c0) / CLOCKS_PER_SEC / double(std::max<long>(1, done));
    return double(done) / elapsed;
}

}  // namespace

int main() {
    const std::string path = (std::filesystem::temp_directory_path() / "crm_api_bench.db").string();
    bench::RemoveWorkspace(path);
    auto opened = Workspace::Open(path);
    if (!opened.ok()) {
        std::fprintf(stderr, "api_bench: %s\n", opened.error().message.c_str());
        return 1;
    }
    Workspace& ws = **opened;
    if (Status s = GenerateDemoCompany(ws, DemoOptions{}); !s.ok()) {
        std::fprintf(stderr, "api_bench: %s\n", s.error().message.c_str());
        return 1;
    }
    NewApiKey request;
    request.username = "admin";
    request.name = "bench";
    request.rate_per_minute = 1000000;
    request.burst = 1000000;
    auto key = ApiKeysOf(ws).Create("admin", request);
    if (!key.ok()) return 1;
    const std::string bearer = "Bearer " + key->secret;

    // In process: the same command, as the same user, from its JSON text.
    CommandApi api(ws);
    std::vector<std::string> texts;
    for (int id = 1; id <= kAccounts; ++id)
        texts.push_back(
            json{{"cmd", "records.get"}, {"as", "admin"}, {"args", {{"object", "Account"}, {"id", id}}}}
                .dump());
    int failures = 0;
    double cpu_in_process = 0, cpu_http = 0, cpu_command = 0;
    const double in_process = Throughput(
        1,
        [&](int, int i) { return api.Execute(texts[size_t(i % kAccounts)]).rfind("{\"ok\":true", 0) == 0; },
        failures, cpu_in_process);
    if (failures) std::fprintf(stderr, "api_bench: %d in-process failures\n", failures);

    // Over HTTP.
    serve::ServeOptions options;
    options.port = 0;
    options.quiet = true;
    auto owned_server = std::make_unique<serve::ApiServer>(ws, options);
    serve::ApiServer& server = *owned_server;
    Result<int> port = server.Bind();
    if (!port.ok()) {
        std::fprintf(stderr, "api_bench: %s\n", port.error().message.c_str());
        return 1;
    }
    std::thread runner([&server] { server.Run(); });
    std::vector<std::unique_ptr<httplib::Client>> clients;
    for (int c = 0; c < kClients; ++c) {
        clients.push_back(std::make_unique<httplib::Client>("127.0.0.1", *port));
        clients.back()->set_keep_alive(true);
        clients.back()->set_tcp_nodelay(true);  // headers and body leave at once (no Nagle wait on a POST)
        clients.back()->set_default_headers({{"Authorization", bearer}});
    }
    auto get = [&](int c, int i) {
        auto res =
            clients[size_t(c)]->Get(("/api/v1/records/Account/" + std::to_string(1 + i % kAccounts)).c_str());
        return res && res->status == 200;
    };
    const double http = Throughput(kClients, get, failures, cpu_http);
    if (failures) std::fprintf(stderr, "api_bench: %d HTTP failures\n", failures);
    const double command = Throughput(
        kClients,
        [&](int c, int i) {
            std::string body = texts[size_t(i % kAccounts)];
            auto res = clients[size_t(c)]->Post("/api/v1/commands", body, "application/json");
            return res && res->status == 200;
        },
        failures, cpu_command);
    if (failures) std::fprintf(stderr, "api_bench: %d command-route failures\n", failures);

    // One client's latency.
    std::vector<double> latencies;
    for (int i = 0; i < 2000; ++i) {
        const auto t0 = Steady::now();
        (void)get(0, i);
        latencies.push_back(1e6 * Seconds(t0));
    }
    std::sort(latencies.begin(), latencies.end());

    clients.clear();
    server.Stop();
    runner.join();
    server.FlushLog();
    owned_server.reset();  // before the workspace it serves

    bench::Figure("api.requests_per_s", http);
    bench::Figure("api.command_requests_per_s", command);
    bench::Figure("api.in_process_per_s", in_process);
    bench::Figure("api.overhead_ratio", in_process / http);
    bench::Figure("api.cpu_us_per_request", cpu_http);
    bench::Figure("api.command_cpu_us_per_request", cpu_command);
    bench::Figure("api.in_process_cpu_us_per_request", cpu_in_process);
    bench::Figure("api.cpu_overhead_ratio", cpu_http / cpu_in_process);
    bench::Figure("api.latency_us_p50", latencies[latencies.size() / 2]);
    bench::Figure("api.latency_us_p99", latencies[latencies.size() * 99 / 100]);
    opened.value().reset();
    std::filesystem::remove(path);
    return 0;
}
