// A test peer: a python server (tests/net/*_peer.py) started as a child process on 127.0.0.1, its port read
// from its first line of output (the kernel picked it: no race for a free port), stopped by the destructor
// (its stdin closed, then SIGTERM, then waited for). Every wait is bounded in time.
#pragma once
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace crm::test {

class Peer {
public:
    /// Starts `script` (under tests/net/) with `args`; port() is 0 when it did not come up within 20 s.
    Peer(const std::string& script, const std::vector<std::string>& args) {
        int out[2], in[2];
        if (pipe(out) != 0 || pipe(in) != 0) return;
        pid_ = fork();
        if (pid_ == 0) {
            dup2(in[0], 0);
            dup2(out[1], 1);
            close(in[1]);
            close(out[0]);
            std::vector<std::string> argv = {"/usr/bin/python3",
                                             std::string(CRM_SOURCE_DIR) + "/tests/net/" + script};
            argv.insert(argv.end(), args.begin(), args.end());
            std::vector<char*> raw;
            for (std::string& a : argv) raw.push_back(a.data());
            raw.push_back(nullptr);
            execv(raw[0], raw.data());
            _exit(127);
        }
        close(in[0]);
        close(out[1]);
        stdin_ = in[1];
        std::string line;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (std::chrono::steady_clock::now() < deadline && line.find('\n') == std::string::npos) {
            pollfd p{out[0], POLLIN, 0};
            if (poll(&p, 1, 200) <= 0) continue;
            char buf[64];
            const ssize_t n = read(out[0], buf, sizeof buf);
            if (n <= 0) break;
            line.append(buf, static_cast<size_t>(n));
        }
        close(out[0]);
        port_ = std::atoi(line.c_str());
    }
    ~Peer() {
        if (stdin_ >= 0) close(stdin_);
        if (pid_ <= 0) return;
        for (int i = 0; i < 50; ++i) {  // up to 5 s for it to notice its stdin closed
            if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    Peer(const Peer&) = delete;
    Peer& operator=(const Peer&) = delete;
    int port() const { return port_; }

private:
    pid_t pid_ = -1;
    int stdin_ = -1;
    int port_ = 0;
};

/// The JSON lines a peer recorded.
inline std::vector<nlohmann::json> ReadLog(const std::string& path) {
    std::vector<nlohmann::json> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_discarded()) out.push_back(std::move(j));
    }
    return out;
}

/// A fresh log path in the working directory (the build folder under ctest).
inline std::string LogPath(const std::string& name) {
    const std::string path = "net_test_" + name + ".jsonl";
    std::remove(path.c_str());
    return path;
}

}  // namespace crm::test
