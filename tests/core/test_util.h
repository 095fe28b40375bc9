// Helpers shared by the core suites: scratch files under "crm_test_tmp/" in the working directory
// (the build folder under ctest), with plain C I/O so they behave the same under Node.js NODERAWFS.
#pragma once
#include <sys/stat.h>

#include <cstdio>
#include <string>

namespace crm::test {

/// A fresh path "crm_test_tmp/<name>": the folder is created and any file left by an earlier run removed.
inline std::string TempPath(const std::string& name) {
    mkdir("crm_test_tmp", 0755);  // already existing is fine
    std::string path = "crm_test_tmp/" + name;
    std::remove(path.c_str());
    std::remove((path + "-journal").c_str());
    return path;
}

inline bool FileExists(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0;
}

inline std::string ReadFileBytes(const std::string& path) {
    std::string bytes;
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
        char buf[4096];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.append(buf, n);
        std::fclose(f);
    }
    return bytes;
}

inline void WriteFileBytes(const std::string& path, const std::string& bytes) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return;
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
}

/// Deterministic bytes that are certainly not a SQLite header.
inline std::string RandomBytes(size_t size, unsigned seed = 7) {
    std::string bytes(size, '\0');
    unsigned x = seed;
    for (char& c : bytes) {
        x = x * 1103515245u + 12345u;
        c = static_cast<char>((x >> 16) & 0xFF);
    }
    return bytes;
}

}  // namespace crm::test
