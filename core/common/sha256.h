// SHA-256 (FIPS 180-4), streamed: a backup's checksum is computed while its bytes are copied, never over the
// whole file in memory.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace crm {

/// Incremental SHA-256: Update with the bytes in any number of pieces, then Hex (or Digest) once.
class Sha256 {
public:
    Sha256();
    void Update(const void* data, size_t size);
    void Update(std::string_view bytes) { Update(bytes.data(), bytes.size()); }
    /// The 32-byte digest; the object is finished afterwards (Update no longer allowed).
    std::array<uint8_t, 32> Digest();
    /// The digest as 64 lowercase hexadecimal digits.
    std::string Hex();

private:
    void Block(const uint8_t* block);
    uint32_t h_[8];
    uint8_t buffer_[64];
    size_t buffered_ = 0;
    uint64_t total_ = 0;
    bool finished_ = false;
};

/// SHA-256 of `bytes` in hexadecimal.
std::string Sha256Hex(std::string_view bytes);

}  // namespace crm
