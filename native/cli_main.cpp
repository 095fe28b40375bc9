// `crm`: the command-line client of the core. It speaks the same JSON commands as the console's
// web bridge and the end-to-end tests, plus a few friendly subcommands on top.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/command_api.h"
#include "cli_serve.h"
#include "demo/demo_company.h"
#include "workspace.h"

namespace crm::cli {  // cli_deliver.cpp: `crm deliver`, and the libcurl transports for exec
bool IsDeliver(int argc, char** argv);
int Deliver(int argc, char** argv);
void AttachTransports(Workspace& ws);
}  // namespace crm::cli

namespace {

using nlohmann::json;

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

const char* const kUsage =
    "Usage:\n"
    "  crm --db PATH exec '<json request>'   run one JSON command, print the JSON response\n"
    "  crm --db PATH info                    describe the workspace\n"
    "  crm --db PATH demo [--seed N] [--scale S] [--force]\n"
    "                                        fill a new workspace with the demo company\n"
    "  crm --db PATH serve [--port N] [--bind ADDR] [--threads N] [--max-body BYTES]\n"
    "                                        serve the JSON commands over HTTP with API keys\n"
    "                                        (127.0.0.1:8787 by default; --port 0 picks a free port)\n"
    "  crm --db PATH deliver [--limit N]     send the outbox's due messages once\n"
    "  crm --help                            show this help\n"
    "\n"
    "Requests look like {\"cmd\": \"company.update\", \"as\": \"admin\", \"args\": {\"currency\": "
    "\"EUR\"}};\n"
    "send {\"cmd\": \"commands.list\"} to list every command. Exit status: 0 ok, 1 failed, 2 bad usage.\n";

struct Options {
    std::string db;
    std::string command;
    std::vector<std::string> operands;
    uint64_t seed = 1;
    int scale = 1;
    bool force = false;
    bool help = false;
    crm::serve::ServeOptions serve;
};

int Usage(const std::string& problem) {
    std::cerr << "crm: " << problem << "\n\n" << kUsage;
    return kExitUsage;
}

int Fail(const std::string& message) {
    std::cerr << "crm: " << message << "\n";
    return kExitFailed;
}

// Reads a whole decimal number in [min, max]; false when the text is anything else.
bool ParseNumber(const std::string& text, uint64_t max, uint64_t& out) {
    if (text.empty() || text.size() > 20) return false;
    uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
        const uint64_t digit = static_cast<uint64_t>(c - '0');
        if (value > (max - digit) / 10) return false;
        value = value * 10 + digit;
    }
    out = value;
    return true;
}

// Options may come before or after the subcommand ("crm demo --seed 3 --db x.db").
bool ParseArgs(int argc, char** argv, Options& o, std::string& problem) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&](std::string& out) {
            if (i + 1 >= argc) {
                problem = arg + " needs a value";
                return false;
            }
            out = argv[++i];
            return true;
        };
        std::string text;
        if (arg == "--help" || arg == "-h" || arg == "help") {
            o.help = true;
        } else if (arg == "--db") {
            if (!value(o.db)) return false;
        } else if (arg == "--seed") {
            if (!value(text)) return false;
            if (!ParseNumber(text, UINT64_MAX, o.seed)) {
                problem = "--seed needs a whole number, not \"" + text + "\"";
                return false;
            }
        } else if (arg == "--scale") {
            uint64_t scale = 0;
            if (!value(text)) return false;
            if (!ParseNumber(text, 100000, scale) || scale < 1) {
                problem = "--scale needs a whole number from 1 to 100000, not \"" + text + "\"";
                return false;
            }
            o.scale = static_cast<int>(scale);
        } else if (arg == "--port" || arg == "--threads" || arg == "--max-body") {
            uint64_t n = 0;
            const uint64_t max = arg == "--port" ? 65535 : arg == "--threads" ? 256 : (uint64_t(1) << 30);
            if (!value(text)) return false;
            if (!ParseNumber(text, max, n) || (arg != "--port" && n == 0)) {
                problem =
                    arg + " needs a whole number up to " + std::to_string(max) + ", not \"" + text + "\"";
                return false;
            }
            if (arg == "--port") o.serve.port = static_cast<int>(n);
            if (arg == "--threads") o.serve.threads = static_cast<int>(n);
            if (arg == "--max-body") o.serve.max_body = static_cast<size_t>(n);
        } else if (arg == "--bind") {
            if (!value(o.serve.bind)) return false;
        } else if (arg == "--force") {
            o.force = true;
        } else if (arg.size() > 1 && arg[0] == '-' && arg[1] == '-') {
            problem = "unknown option " + arg;
            return false;
        } else if (o.command.empty()) {
            o.command = arg;
        } else {
            o.operands.push_back(arg);
        }
    }
    return true;
}

bool FileHasContent(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    const bool has = std::fgetc(f) != EOF;
    std::fclose(f);
    return has;
}

int Exec(const Options& o) {
    if (o.operands.size() != 1) return Usage("exec takes exactly one JSON request");
    auto ws = crm::Workspace::Open(o.db);
    if (!ws.ok()) return Fail(ws.error().message);
    crm::cli::AttachTransports(**ws);  // notify.channels.test and connectors.run go through libcurl
    crm::CommandApi api(**ws);
    const std::string text = api.Execute(o.operands[0]);
    std::cout << text << "\n";
    const json response = json::parse(text, nullptr, false);
    if (response.value("ok", false)) return kExitOk;
    return Fail(response["error"].value("message", std::string("the command failed")));
}

int Info(const Options& o) {
    if (!o.operands.empty()) return Usage("info takes no operands");
    auto ws = crm::Workspace::Open(o.db);
    if (!ws.ok()) return Fail(ws.error().message);
    crm::CommandApi api(**ws);
    json response = api.Execute(json{{"cmd", "workspace.info"}});
    if (!response.value("ok", false)) return Fail(response["error"].value("message", "info failed"));
    std::cout << response["result"].dump(2) << "\n";
    return kExitOk;
}

// Generates into a fresh file next to the target and renames it into place, so that --force never
// leaves a half-written workspace and the old one stays intact until the new one is complete.
int Demo(const Options& o) {
    if (!o.operands.empty()) return Usage("demo takes no operands");
    if (FileHasContent(o.db) && !o.force) {
        auto existing = crm::Workspace::Open(o.db);
        if (!existing.ok()) return Fail(existing.error().message + " Use --force to replace it.");
        crm::AuditQuery any;
        auto page = (*existing)->audit().List(any);
        if (!page.ok() || page->total > 0) {
            return Fail("\"" + o.db + "\" already holds a workspace with data; use --force to replace it.");
        }
    }
    const std::string temp = o.db + ".demo-new";
    std::remove(temp.c_str());
    {
        auto ws = crm::Workspace::Open(temp);
        if (!ws.ok()) return Fail(ws.error().message);
        crm::DemoOptions options;
        options.seed = o.seed;
        options.scale = o.scale;
        if (crm::Status s = crm::GenerateDemoCompany(**ws, options); !s.ok()) {
            ws.value().reset();
            std::remove(temp.c_str());
            return Fail(s.error().message);
        }
    }
    // A leftover journal belongs to the file being replaced; it must not be applied to the new one.
    std::remove((o.db + "-journal").c_str());
    if (std::rename(temp.c_str(), o.db.c_str()) != 0) {
        std::remove(temp.c_str());
        return Fail("cannot move the new workspace into place at \"" + o.db + "\"");
    }
    auto ws = crm::Workspace::Open(o.db);
    if (!ws.ok()) return Fail(ws.error().message);
    auto profile = (*ws)->company().Get();
    std::cout << "Generated the demo company \"" << (profile.ok() ? profile->name : std::string("?"))
              << "\" (seed " << o.seed << ", scale " << o.scale << ") in " << o.db << "\n";
    return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
    if (crm::cli::IsDeliver(argc, argv)) return crm::cli::Deliver(argc, argv);
    Options o;
    std::string problem;
    if (!ParseArgs(argc, argv, o, problem)) return Usage(problem);
    if (o.help) {
        std::cout << kUsage;
        return kExitOk;
    }
    if (o.command.empty()) return Usage("missing a command");
    if (o.command != "exec" && o.command != "info" && o.command != "demo" && o.command != "serve") {
        return Usage("unknown command \"" + o.command + "\"");
    }
    if (o.db.empty()) return Usage(o.command + " needs --db PATH");
    if (o.command == "exec") return Exec(o);
    if (o.command == "info") return Info(o);
    if (o.command == "serve") {
        if (!o.operands.empty()) return Usage("serve takes no operands");
        o.serve.db = o.db;
        return crm::serve::RunServe(o.serve);
    }
    return Demo(o);
}
