#include "ui/shell/workspace_loader.h"

#include <cstdio>

#include "demo/demo_company.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"

namespace crm::ui {

namespace {

/// A private in-memory workspace, for when the file cannot be used.
std::unique_ptr<Workspace> OpenInMemory(const WorkspaceOptions& options) {
    Result<std::unique_ptr<Workspace>> memory = Workspace::Open(":memory:", options);
    if (!memory.ok()) {
        std::fprintf(stderr, "[console] cannot open an in-memory workspace: %s\n",
                     memory.error().message.c_str());
        return nullptr;
    }
    return std::move(memory.value());
}

void UseMemory(LoadedWorkspace& out, const WorkspaceOptions& options, std::string reason) {
    out.workspace = OpenInMemory(options);
    out.memory_only = true;
    out.memory_reason = std::move(reason);
}

}  // namespace

std::string StartupNotice::Text() const {
    switch (kind) {
        case Kind::None:
            return {};
        case Kind::Damaged:
            return TrFormat("banner.damaged", {aside});
        case Kind::Foreign:
            return TrFormat("banner.foreign", {file, aside});
        case Kind::NewerVersion:
            return Tr("banner.newer");
        case Kind::OpenFailed:
            return TrFormat("banner.open_failed", {ErrorText(detail)});
        case Kind::SetAsideFailed:
            return TrFormat("banner.set_aside_failed", {ErrorText(detail)});
        case Kind::StorageUnavailable:
            return TrFormat("banner.storage_unavailable", {ErrorText(detail)});
        case Kind::StoreLost:
            return TrFormat("banner.store_lost", {ErrorText(detail)});
        case Kind::DemoFailed:
            return TrFormat("banner.demo_failed", {ErrorText(detail)});
    }
    return {};
}

const char* StartupNotice::KindName() const {
    switch (kind) {
        case Kind::None:
            return "";
        case Kind::Damaged:
            return "damaged";
        case Kind::Foreign:
            return "foreign";
        case Kind::NewerVersion:
            return "newer_version";
        case Kind::OpenFailed:
            return "open_failed";
        case Kind::SetAsideFailed:
            return "set_aside_failed";
        case Kind::StorageUnavailable:
            return "storage_unavailable";
        case Kind::StoreLost:
            return "store_lost";
        case Kind::DemoFailed:
            return "demo_failed";
    }
    return "";
}

LoadedWorkspace OpenOrCreateWorkspace(const std::string& path, const WorkspaceOptions& options,
                                      int64_t now_ms) {
    LoadedWorkspace out;
    Result<std::unique_ptr<Workspace>> opened = Workspace::Open(path, options);
    if (opened.ok()) {
        out.workspace = std::move(opened.value());
    } else {
        const Error& error = opened.error();
        std::fprintf(stderr, "[console] cannot open %s: %s (%s)\n", path.c_str(), error.message.c_str(),
                     error.code.c_str());
        if (error.code == "storage.not_a_database" || error.code == "storage.foreign_database") {
            Result<std::string> aside = SetAsideDamagedFile(path, now_ms);
            if (aside.ok()) {
                out.notice.kind = error.code == "storage.not_a_database" ? StartupNotice::Kind::Damaged
                                                                         : StartupNotice::Kind::Foreign;
                out.notice.file = path;
                out.notice.aside = aside.value();
                Result<std::unique_ptr<Workspace>> fresh = Workspace::Open(path, options);
                if (fresh.ok()) {
                    out.workspace = std::move(fresh.value());
                } else {
                    out.notice.kind = StartupNotice::Kind::OpenFailed;
                    out.notice.detail = fresh.error().message;
                    UseMemory(out, options,
                              TrFormatIn(Language::English, "reason.open_failed", {fresh.error().message}));
                }
            } else {
                out.notice.kind = StartupNotice::Kind::SetAsideFailed;
                out.notice.detail = aside.error().message;
                UseMemory(out, options,
                          TrFormatIn(Language::English, "reason.open_failed", {aside.error().message}));
            }
        } else if (error.code == "storage.newer_version") {
            out.notice.kind = StartupNotice::Kind::NewerVersion;
            out.notice.detail = error.message;
            UseMemory(out, options, TrIn(Language::English, "reason.newer_version"));
        } else {
            out.notice.kind = StartupNotice::Kind::OpenFailed;
            out.notice.detail = error.message;
            UseMemory(out, options, TrFormatIn(Language::English, "reason.open_failed", {error.message}));
        }
    }
    if (out.workspace && out.workspace->Info().created_now) {
        Status demo = GenerateDemoCompany(*out.workspace, DemoOptions{1, 1});
        if (!demo.ok()) {
            std::fprintf(stderr, "[console] demo company: %s\n", demo.error().message.c_str());
            if (out.notice.kind == StartupNotice::Kind::None) {
                out.notice.kind = StartupNotice::Kind::DemoFailed;
                out.notice.detail = demo.error().message;
            }
        }
    }
    return out;
}

}  // namespace crm::ui
