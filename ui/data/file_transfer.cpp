// Files the console writes for the user: the part of ui/data/file_transfer.h that is the same on both
// targets (the platform parts are web/file_transfer.cpp and native/platform_files.cpp).
#include "ui/data/file_transfer.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "ui/kit/i18n.h"

namespace crm::ui {

std::string SafeFileName(std::string name) {
    for (char& c : name) {
        const unsigned char u = static_cast<unsigned char>(c);
        if (u < 0x20 || std::string_view("/\\:*?\"<>|").find(c) != std::string_view::npos) c = '_';
    }
    return name.empty() ? std::string("file") : name;
}

std::string HomePath(const std::string& name) {
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/" + name;
}

std::string OutgoingPath(const std::string& name, const std::string& typed_path) {
    if (!FilesThroughBrowser()) return typed_path;
    std::error_code ec;
    std::filesystem::create_directories(TransferDir(), ec);
    return TransferDir() + "/" + name;
}

void FinishOutgoing(const std::string& path, const std::string& name, const std::string& mime) {
    if (!FilesThroughBrowser()) return;
    OfferDownload(path, name, mime);
    std::remove(path.c_str());
}

std::string SaveTextFile(const std::string& content, const std::string& name, const std::string& typed_path,
                         const std::string& mime) {
    const std::string path = OutgoingPath(name, typed_path);
    if (path.empty()) return Tr("files.no_path");
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.close();
        if (!out) {
            std::remove(path.c_str());
            return Tr("files.write_failed", {{"path", path}});
        }
    }
    FinishOutgoing(path, name, mime);
    return {};
}

}  // namespace crm::ui
