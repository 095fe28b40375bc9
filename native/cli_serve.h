// `crm serve`: the command interface over HTTP with API keys (issue 14), on Debian's cpp-httplib.
//
//   POST /api/v1/commands                      {"cmd": "...", "args": {...}}: as `crm exec`, run as the key's
//   user GET  /api/v1/records/<object>/<id>         records.get GET  /api/v1/records/<object>?view=<name>
//   listviews.run (the key user's list view); without view,
//                                              records.list (offset, limit, sort_field, sort_desc)
// Every request carries `Authorization: Bearer <key>` (core/integration/api_keys.h); every answer is the
// command interface's JSON ({"ok": true, "result": ...} or {"ok": false, "error": {...}}), errors with an
// HTTP status (400 bad request, 401 no valid key, 403 denied, 404 unknown route or record, 413 too large,
// 422 refused by the service, 429 rate limited, 500 internal).
//
// Decisions:
// - One workspace, one lock: SQLite is compiled single-threaded (SQLITE_THREADSAFE=0) and the services
//   keep in-memory state, so each request holds the server's one mutex from the key check to the log line.
//   httplib's threads still parse, read and write in parallel; only the core's work is serialised (a
//   records.get takes tens of microseconds, so the lock is not what limits a loopback client).
// - Limits: a request body of at most `max_body` bytes (413), `read_timeout_s` for each read of the
//   headers and the body and `write_timeout_s` for each write (a stalled peer is cut), keep-alive
//   connections closed after `keep_alive_s` idle seconds or `keep_alive_max` requests, `threads`
//   connections served at once and at most `queue` more accepted and waiting; beyond that the server stops
//   accepting until a thread frees (the kernel's backlog holds or refuses the rest).
// - Binds 127.0.0.1 unless told otherwise; there is no TLS, so a key sent to another address travels in
//   clear text (the server says so when it starts on one).
#pragma once
#include <cstddef>
#include <memory>
#include <string>

#include "common/result.h"

namespace crm {

class Workspace;

namespace serve {

struct ServeOptions {
    std::string db;
    std::string bind = "127.0.0.1";
    int port = 8787;  ///< 0 = any free port (printed when listening)
    int threads = 8;
    int queue = 64;
    size_t max_body = size_t(1) << 20;
    int read_timeout_s = 5;
    int write_timeout_s = 5;
    int keep_alive_s = 5;
    int keep_alive_max = 1000;
    bool quiet = false;  ///< no "listening" line (the benchmark)
};

/// The HTTP server over one workspace. The workspace belongs to the server while it runs: nothing else
/// may use it, since every request locks the server's mutex, not the workspace.
class ApiServer {
public:
    ApiServer(Workspace& workspace, ServeOptions options);
    ~ApiServer();
    ApiServer(const ApiServer&) = delete;
    ApiServer& operator=(const ApiServer&) = delete;

    /// Binds the address; answers the port (the one chosen when options.port is 0).
    Result<int> Bind();
    /// Serves until Stop(); call after Bind(), on a thread of its own.
    void Run();
    /// Stops accepting, ends the connections after their current request; Run() then returns. Safe from
    /// any thread, more than once.
    void Stop();
    /// Writes the queued request-log lines (the server calls it every second and when it stops).
    void FlushLog();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// `crm serve`: opens the workspace, serves until SIGINT or SIGTERM, then stops gracefully (the current
/// requests finish, the request log is written). Answers the process's exit status.
int RunServe(const ServeOptions& options);

}  // namespace serve
}  // namespace crm
