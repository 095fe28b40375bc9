// `crm serve` and the ApiServer behind it (cli_serve.h says what it serves and the decisions taken).
//
// [SECTION] Thread pool   a bounded queue in front of httplib's worker threads
// [SECTION] Requests      key, rate limit, area, "as", the command, the HTTP status, the log line
// [SECTION] Routes        POST /api/v1/commands, GET /api/v1/records/...; errors as JSON
// [SECTION] crm serve     signals, the flush ticker, the graceful stop
#include "cli_serve.h"

#include <httplib.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "api/command.h"
#include "api/command_api.h"
#include "common/messages.h"
#include "common/text.h"
#include "integration/api_keys.h"
#include "workspace.h"

namespace crm::serve {

namespace {

using nlohmann::json;

// [SECTION] Thread pool

/// httplib's ThreadPool queues without bound; this one lets `queue` connections wait and then blocks the
/// accepting thread, so a flood waits in the kernel's backlog instead of in memory.
class BoundedPool {
public:
    BoundedPool(size_t threads, size_t queue) : queue_(queue) {
        for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
    }
    ~BoundedPool() { Shutdown(); }

    void Enqueue(std::function<void()> fn) {
        std::unique_lock<std::mutex> lock(mutex_);
        space_.wait(lock, [this] { return jobs_.size() < queue_ || releasing_; });
        jobs_.push_back(std::move(fn));
        ready_.notify_one();
    }
    /// Lets a blocked Enqueue through (the server is stopping: accept no longer waits for room).
    void Release() {
        std::lock_guard<std::mutex> lock(mutex_);
        releasing_ = true;
        space_.notify_all();
    }
    /// Runs what is queued, then joins the workers.
    void Shutdown() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stopping_) return;
            stopping_ = releasing_ = true;
        }
        ready_.notify_all();
        space_.notify_all();
        for (std::thread& t : workers_) t.join();
    }

private:
    void Work() {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                ready_.wait(lock, [this] { return !jobs_.empty() || stopping_; });
                if (jobs_.empty()) return;
                job = std::move(jobs_.front());
                jobs_.pop_front();
                space_.notify_one();
            }
            job();
        }
    }
    const size_t queue_;
    std::mutex mutex_;
    std::condition_variable ready_, space_;
    std::deque<std::function<void()>> jobs_;
    std::vector<std::thread> workers_;
    bool releasing_ = false;
    bool stopping_ = false;
};

/// What httplib owns and deletes at the end of listen(): a handle on the server's pool.
class PoolHandle : public httplib::TaskQueue {
public:
    explicit PoolHandle(BoundedPool& pool) : pool_(pool) {}
    void enqueue(std::function<void()> fn) override { pool_.Enqueue(std::move(fn)); }
    void shutdown() override { pool_.Shutdown(); }

private:
    BoundedPool& pool_;
};

// [SECTION] Requests

constexpr const char* kJson = "application/json; charset=utf-8";

json ErrorJson(const Error& e) { return json{{"ok", false}, {"error", api::ErrorObject(e)}}; }

bool EndsWith(const std::string& s, const char* tail) {
    const size_t n = std::strlen(tail);
    return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

/// The HTTP status of a command interface answer.
int StatusOf(const json& response) {
    if (response.value("ok", false)) return 200;
    const std::string code = response["error"].value("code", std::string());
    if (code == "bad_json" || code == "bad_request" || code == "invalid_argument" ||
        code == "unknown_command" || code == "api.bad_id")
        return 400;
    if (code.rfind("api.key_", 0) == 0) return 401;
    if (code == "access.denied" || code == "records.no_access" || code == "records.no_record_access" ||
        code == "api.area_not_allowed" || code == "api.as_not_key_user" || code == "access.unknown_user" ||
        code == "access.inactive_user")
        return 403;
    if (EndsWith(code, "not_found") || EndsWith(code, "unknown_object") || code == "api.unknown_route")
        return 404;
    if (code == "api.too_large") return 413;
    if (code == "api.rate_limited") return 429;
    if (code == "internal") return 500;
    return 422;
}

void Answer(httplib::Response& res, const json& body, int status) {
    res.status = status;
    res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), kJson);
}

}  // namespace

struct ApiServer::Impl {
    Workspace& workspace;
    ServeOptions options;
    CommandApi api;
    std::mutex lock;  // the one lock around the workspace (cli_serve.h)
    httplib::Server server;
    std::unique_ptr<BoundedPool> pool;
    bool bound = false;

    Impl(Workspace& ws, ServeOptions o) : workspace(ws), options(std::move(o)), api(ws) {}

    /// Runs `request` (or, when `body` is given, the request it holds) as the key of `http`. `route` is
    /// logged when the request names no command; the key's areas must allow the command, or records.list
    /// for the convenience routes (`records_route`).
    void Handle(const httplib::Request& http, httplib::Response& res, json request, const std::string* body,
                const char* route, bool records_route) {
        const auto t0 = std::chrono::steady_clock::now();
        std::unique_lock<std::mutex> guard(lock);
        ApiKeyService& keys = ApiKeysOf(workspace);
        ApiRequest log;
        log.command = route;
        json response;
        int status = 0;
        auto finish = [&](const json& answer, int http_status) {
            response = answer;
            status = http_status;
        };
        int64_t retry_ms = 0;
        do {
            // The key.
            std::string header = http.get_header_value("Authorization");
            std::string presented;
            if (header.size() > 7 && ToLowerAscii(header.substr(0, 7)) == "bearer ")
                presented = header.substr(7);
            while (!presented.empty() && presented.back() == ' ') presented.pop_back();
            if (presented.empty()) {
                finish(ErrorJson(MessageError("api.key_missing", "api.key_missing", {})), 401);
                break;
            }
            Result<ApiKeyIdentity> key = keys.Authenticate(presented);
            if (!key.ok()) {
                finish(ErrorJson(key.error()), 401);
                break;
            }
            log.key_row = key->id;
            log.key_id = key->key_id;
            log.username = key->username;
            if (Status s = keys.TakeToken(*key, &retry_ms); !s.ok()) {
                finish(ErrorJson(s.error()), 429);
                break;
            }
            // The request: malformed JSON answers exactly what `crm exec` answers.
            if (body) {
                request = json::parse(*body, nullptr, false);
                if (request.is_discarded()) {
                    finish(json::parse(api.Execute(std::string_view(*body))), 400);
                    break;
                }
            }
            if (request.is_object()) {
                auto cmd = request.find("cmd");
                if (cmd != request.end() && cmd->is_string()) {
                    log.command = cmd->get<std::string>().substr(0, 200);
                    const std::string area_command = records_route ? "records.list" : log.command;
                    if (!ApiKeyService::Allows(*key, area_command)) {
                        std::string areas;
                        for (const std::string& a : key->areas) areas += (areas.empty() ? "" : ", ") + a;
                        finish(
                            ErrorJson(MessageError(
                                "api.area_not_allowed", "api.area_not_allowed",
                                {{"key", key->key_id}, {"command", log.command}, {"areas", areas}}, "cmd")),
                            403);
                        break;
                    }
                }
                // A key runs as its user: "as" may only name that user.
                auto as = request.find("as");
                if (as != request.end() && !as->is_null() &&
                    !(as->is_string() &&
                      ToLowerAscii(as->get<std::string>()) == ToLowerAscii(key->username))) {
                    finish(ErrorJson(MessageError("api.as_not_key_user", "api.as_not_key_user",
                                                  {{"user", key->username}}, "as")),
                           403);
                    break;
                }
                request["as"] = key->username;
            }
            json answer = api.Execute(request);
            finish(answer, StatusOf(answer));
        } while (false);

        if (!response["ok"].get<bool>()) log.error = response["error"].value("code", std::string());
        log.status = status;
        log.elapsed_us =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
                .count();
        keys.LogRequest(std::move(log));
        guard.unlock();  // the answer is written out without the workspace
        if (status == 401) res.set_header("WWW-Authenticate", "Bearer");
        if (status == 429) res.set_header("Retry-After", std::to_string((retry_ms + 999) / 1000));
        Answer(res, response, status);
    }

    // [SECTION] Routes

    void Routes() {
        server.Post("/api/v1/commands", [this](const httplib::Request& req, httplib::Response& res) {
            Handle(req, res, json(), &req.body, "POST /api/v1/commands", false);
        });
        server.Get(R"(/api/v1/records/([^/?]+)/([^/?]+))", [this](const httplib::Request& req,
                                                                  httplib::Response& res) {
            const std::string object = req.matches[1];
            const std::string id_text = req.matches[2];
            json args = {{"object", object}};
            uint64_t id = 0;
            bool numeric = !id_text.empty() && id_text.size() <= 18;
            for (char c : id_text) {
                if (c < '0' || c > '9') numeric = false;
                id = id * 10 + static_cast<uint64_t>(c - '0');
            }
            if (!numeric || id == 0) {
                Answer(res,
                       ErrorJson(MessageError("invalid_argument", "api.bad_id", {{"id", id_text}}, "id")),
                       400);
                return;
            }
            args["id"] = id;
            Handle(req, res, json{{"cmd", "records.get"}, {"args", args}}, nullptr, "GET /api/v1/records",
                   true);
        });
        server.Get(
            R"(/api/v1/records/([^/?]+))", [this](const httplib::Request& req, httplib::Response& res) {
                json args = {{"object", std::string(req.matches[1])}};
                // Numbers travel as numbers; anything else as text, for the command's own argument
                // check.
                auto param = [&](const char* name) {
                    if (!req.has_param(name)) return;
                    const std::string v = req.get_param_value(name);
                    char* end = nullptr;
                    const long n = std::strtol(v.c_str(), &end, 10);
                    if (!v.empty() && end && *end == 0)
                        args[name] = n;
                    else if (v == "true" || v == "false")
                        args[name] = v == "true";
                    else
                        args[name] = v;
                };
                param("offset");
                param("limit");
                std::string cmd = "records.list";
                if (req.has_param("view")) {
                    cmd = "listviews.run";
                    args["name"] = req.get_param_value("view");
                } else {
                    param("sort_field");
                    param("sort_desc");
                }
                Handle(req, res, json{{"cmd", cmd}, {"args", args}}, nullptr, "GET /api/v1/records", true);
            });
        // Anything else, and what httplib refuses by itself (too large, a malformed request line), answers
        // the command interface's error object.
        httplib::Server::HandlerWithResponse on_error = [this](const httplib::Request& req,
                                                               httplib::Response& res) {
            if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
            Error e;
            if (res.status == 404 || res.status == 405) {
                e = MessageError("api.unknown_route", "api.unknown_route",
                                 {{"route", req.method + " " + req.path}});
            } else if (res.status == 413) {
                e = MessageError("api.too_large", "api.too_large",
                                 {{"limit", std::to_string(options.max_body)}});
            } else {
                e = MessageError("bad_request", "api.bad_http", {{"status", std::to_string(res.status)}});
            }
            const int status = res.status;
            Answer(res, ErrorJson(e), status);
            return httplib::Server::HandlerResponse::Handled;
        };
        server.set_error_handler(on_error);
        server.set_exception_handler(
            [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
                std::string what = "unknown";
                try {
                    std::rethrow_exception(ep);
                } catch (const std::exception& ex) {
                    what = ex.what();
                } catch (...) {
                }
                Answer(res, ErrorJson(MakeError("internal", "Internal error: " + what)), 500);
            });
    }
};

ApiServer::ApiServer(Workspace& workspace, ServeOptions options)
    : impl_(std::make_unique<Impl>(workspace, std::move(options))) {}

ApiServer::~ApiServer() {
    Stop();
    FlushLog();
}

Result<int> ApiServer::Bind() {
    Impl& s = *impl_;
    const ServeOptions& o = s.options;
    s.pool = std::make_unique<BoundedPool>(static_cast<size_t>(std::max(1, o.threads)),
                                           static_cast<size_t>(std::max(1, o.queue)));
    BoundedPool* pool = s.pool.get();
    s.server.new_task_queue = [pool] { return new PoolHandle(*pool); };
    s.server.set_payload_max_length(o.max_body);
    s.server.set_read_timeout(o.read_timeout_s, 0);
    s.server.set_write_timeout(o.write_timeout_s, 0);
    s.server.set_keep_alive_timeout(o.keep_alive_s);
    s.server.set_keep_alive_max_count(static_cast<size_t>(std::max(1, o.keep_alive_max)));
    s.server.set_tcp_nodelay(true);
    s.Routes();
    int port = o.port;
    if (port == 0) {
        port = s.server.bind_to_any_port(o.bind);
        if (port <= 0) port = -1;
    } else if (!s.server.bind_to_port(o.bind, port)) {
        port = -1;
    }
    if (port < 0) {
        return MakeError("serve.bind_failed", "Cannot listen on " + o.bind + ":" + std::to_string(o.port) +
                                                  " (in use, or not an address of this computer).");
    }
    s.bound = true;
    return port;
}

void ApiServer::Run() {
    if (impl_->bound) impl_->server.listen_after_bind();
}

void ApiServer::Stop() {
    if (impl_->pool) impl_->pool->Release();
    impl_->server.stop();
}

void ApiServer::FlushLog() {
    std::lock_guard<std::mutex> guard(impl_->lock);
    (void)ApiKeysOf(impl_->workspace).Flush();
}

// [SECTION] crm serve

int RunServe(const ServeOptions& options) {
    // SIGINT and SIGTERM are taken by sigwait below, never by a handler: blocked here, before any thread
    // starts, so every thread inherits the mask.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    // A shell starts a background job with SIGINT ignored, and an ignored signal never reaches sigwait.
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);  // a peer that went away is an error of its write, not the end of the server

    auto ws = Workspace::Open(options.db);
    if (!ws.ok()) {
        std::cerr << "crm: " << ws.error().message << "\n";
        return 1;
    }
    {
        ApiServer server(**ws, options);
        Result<int> port = server.Bind();
        if (!port.ok()) {
            std::cerr << "crm: " << port.error().message << "\n";
            return 1;
        }
        if (options.bind != "127.0.0.1" && options.bind != "localhost" && options.bind != "::1") {
            std::cerr << "crm: warning: serving on " << options.bind
                      << ", reachable from other computers; there is no TLS, so keys travel in clear text.\n";
        }
        if (!options.quiet) {
            std::cout << "crm serve: listening on http://" << options.bind << ":" << *port << " ("
                      << options.db << "); SIGINT or SIGTERM stops" << std::endl;
        }
        std::atomic<bool> done{false};
        std::thread runner([&server, &done] {
            server.Run();
            done = true;
        });
        for (;;) {
            timespec tick{1, 0};
            const int sig = sigtimedwait(&stop_signals, nullptr, &tick);
            if (sig == SIGINT || sig == SIGTERM) break;
            server.FlushLog();  // every second, so the log is at most a second behind
        }
        // httplib's stop() does nothing until listen() has begun: a signal right after the start asks again.
        while (!done) {
            server.Stop();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        runner.join();
        server.FlushLog();
    }
    if (!options.quiet) std::cout << "crm serve: stopped" << std::endl;
    return 0;
}

}  // namespace crm::serve
