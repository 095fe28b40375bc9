// Configuration as code (core/integration/config.h) on the demo company:
//   config.export_ms         config.export of the demo company (every section read through its service)
//   config.apply_ms          config.apply of that document to an empty workspace (one transaction)
//   config.noop_apply_ms     applying it again (the diff finds nothing to do)
//   config.document_bytes    the canonical document's size
//   config.json_ms           the reference: a plain dump and parse of the same document, same process
//   config.export_ratio      export / reference;  config.apply_ratio  apply / reference
//   config.wasm_export_ratio the wasm twin's export over native (when the wasm build is present)
#include <cstdio>
#include <memory>

#include "bench_util.h"
#include "demo/demo_company.h"
#include "integration/config.h"
#include "workspace.h"

using namespace crm;

namespace {

std::unique_ptr<Workspace> Open(const std::string& path) {
    std::remove(path.c_str());
    auto ws = Workspace::Open(path);
    if (!ws.ok()) {
        std::fprintf(stderr, "open %s: %s\n", path.c_str(), ws.error().message.c_str());
        std::exit(1);
    }
    return std::move(ws.value());
}

}  // namespace

int main(int argc, char** argv) {
    const std::string wasm_js = bench::WasmJsArg(argc, argv);
    auto demo = Open("bench_config_demo.db");
    if (Status s = GenerateDemoCompany(*demo, DemoOptions{}); !s.ok()) {
        std::fprintf(stderr, "demo: %s\n", s.error().message.c_str());
        return 1;
    }
    const std::string owner = demo->access().WorkspaceOwner();
    nlohmann::json doc;
    const double export_s = bench::BestSeconds(5, [&] { doc = config::Export(*demo, owner).value(); });
    const std::string text = config::Canonical(doc);

    double apply_s = 1e300, noop_s = 1e300;
    for (int i = 0; i < 3; ++i) {
        auto empty = Open("bench_config_empty.db");
        const std::string admin = empty->access().WorkspaceOwner();
        apply_s = std::min(apply_s, bench::BestSeconds(1, [&] {
                               if (!config::Apply(*empty, admin, doc, {}).ok()) std::exit(1);
                           }));
        noop_s =
            std::min(noop_s, bench::BestSeconds(1, [&] { (void)config::Apply(*empty, admin, doc, {}); }));
    }
    const double json_s = bench::BestSeconds(5, [&] {
        nlohmann::json copy = nlohmann::json::parse(doc.dump(2));
        if (copy.size() != doc.size()) std::exit(1);
    });
    bench::Figure("config.export_ms", export_s * 1000);
    bench::Figure("config.apply_ms", apply_s * 1000);
    bench::Figure("config.noop_apply_ms", noop_s * 1000);
    bench::Figure("config.document_bytes", static_cast<double>(text.size()));
    bench::Figure("config.json_ms", json_s * 1000);
    bench::Figure("config.export_ratio", export_s / json_s);
    bench::Figure("config.apply_ratio", apply_s / json_s);
    std::map<std::string, double> wasm = bench::RunWasmTwin(wasm_js);
    if (wasm.count("config.export_ms"))
        bench::Figure("config.wasm_export_ratio", wasm["config.export_ms"] / (export_s * 1000));
    std::remove("bench_config_demo.db");
    std::remove("bench_config_empty.db");
    return 0;
}
