// Password hashing benchmark (issue 16): what one sign-in costs with the chosen Argon2id parameters.
//   auth.hash_ms          one HashPassword with the defaults of core/auth/password.h (best of 5), this build
//   auth.verify_ms        one VerifyPassword of that hash (what a sign-in computes), best of 5
//   auth.sign_in_ms       one AuthService::SignIn through a workspace (verify, history, session), best of 5
//   auth.unknown_user_ms  the same for a username that does not exist (verifies the dummy hash)
//   auth.hash_ms_wasm, auth.verify_ms_wasm, auth.sign_in_ms_wasm   the wasm build's figures (Node.js)
//   auth.hash_cpu_ms      the processor time of one HashPassword (natively; what it costs on an idle core:
//                         on the shared 2-core machine the wall-clock figures above grow with the load)
//   auth.param_t, auth.param_m_kib   the parameters measured
// The issue asks for a sign-in between 100 ms and 1 s on this machine, natively and in wasm.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <string>

#include "access/access.h"
#include "auth/auth.h"
#include "auth/password.h"
#include "bench_util.h"
#include "workspace.h"

using namespace crm;

namespace {

std::map<std::string, double> Measure() {
    std::map<std::string, double> out;
    std::string hash;
    out["auth.hash_ms"] =
        1000 * bench::BestSeconds(5, [&] { hash = *auth::HashPassword("Bench-pass-2026"); });
    bool ok = false;
    out["auth.verify_ms"] =
        1000 * bench::BestSeconds(5, [&] { ok = auth::VerifyPassword(hash, "Bench-pass-2026"); });
    if (!ok) std::fprintf(stderr, "bench_auth: verification failed\n");

    auto ws = Workspace::Open(":memory:");
    if (!ws.ok()) return out;
    AuthService& a = AuthOf(**ws);
    if (!a.ResetPassword("admin", "admin", "Bench-pass-2026", false).ok()) return out;
    SignInRequest good{"admin", "Bench-pass-2026", "", "desktop"};
    out["auth.sign_in_ms"] = 1000 * bench::BestSeconds(5, [&] { (void)a.SignIn(good); });
    SignInRequest unknown{"nobody", "Bench-pass-2026", "", "desktop"};
    // Unlimited attempts for the measurement (the unknown name would lock after 5).
    SecurityPolicy p = a.Policy();
    p.lockout_attempts = 0;
    (void)a.SetPolicy("admin", p);
    out["auth.unknown_user_ms"] = 1000 * bench::BestSeconds(5, [&] { (void)a.SignIn(unknown); });
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string wasm_js = bench::WasmJsArg(argc, argv);
    std::map<std::string, double> native = Measure();
    for (const auto& [name, value] : native) bench::Figure(name, value);
#ifndef __EMSCRIPTEN__
    {
        double best = 1e300;
        for (int i = 0; i < 5; ++i) {
            const std::clock_t c0 = std::clock();
            (void)auth::HashPassword("Bench-pass-2026");
            best = std::min(best, 1000.0 * double(std::clock() - c0) / CLOCKS_PER_SEC);
        }
        bench::Figure("auth.hash_cpu_ms", best);
    }
    bench::Figure("auth.param_t", double(auth::kHashOpsLimit));
    bench::Figure("auth.param_m_kib", double(auth::kHashMemLimit / 1024));
    std::map<std::string, double> wasm = bench::RunWasmTwin(wasm_js);
    for (const char* name : {"auth.hash_ms", "auth.verify_ms", "auth.sign_in_ms", "auth.unknown_user_ms"})
        if (wasm.count(name)) bench::Figure(std::string(name) + "_wasm", wasm[name]);
#endif
    return 0;
}
