#include "auth/password.h"

#include <sodium/crypto_generichash_blake2b.h>
#include <sodium/crypto_pwhash_argon2id.h>
#include <sodium/randombytes.h>
#include <utf8proc.h>

#include <cstdlib>
#include <mutex>

// libsodium's core.c (sodium_init and every primitive's CPU dispatch) is not compiled: only Argon2id
// and what it calls are (CMakeLists.txt), each on its reference code. core.c's one function those
// files call is its answer to API misuse, which aborts.
extern "C" void sodium_misuse(void) { std::abort(); }

namespace crm::auth {

namespace {

void InitRandom() {
    // Under Emscripten, libsodium's generator reads crypto.getRandomValues through a function that
    // randombytes_stir installs; natively it opens the system's source.
    static std::once_flag once;
    std::call_once(once, [] { randombytes_stir(); });
}

std::string Hex(const unsigned char* bytes, size_t n) {
    static const char* kDigits = "0123456789abcdef";
    std::string out(n * 2, '0');
    for (size_t i = 0; i < n; ++i) {
        out[2 * i] = kDigits[bytes[i] >> 4];
        out[2 * i + 1] = kDigits[bytes[i] & 15];
    }
    return out;
}

}  // namespace

Result<std::string> NormalizePassword(std::string_view password) {
    utf8proc_uint8_t* out = nullptr;
    utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(password.data()),
                                      static_cast<utf8proc_ssize_t>(password.size()), &out,
                                      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (n < 0) {
        std::free(out);
        return MakeError("auth.password_invalid_text", "The password is not valid UTF-8 text.", "password");
    }
    std::string result(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
    std::free(out);
    return result;
}

Result<std::string> HashPassword(std::string_view password, unsigned long long ops, size_t mem) {
    if (password.empty()) return MakeError("auth.password_empty", "The password is empty.", "password");
    Result<std::string> nfc = NormalizePassword(password);
    if (!nfc.ok()) return nfc.error();
    if (nfc->size() > kMaxPasswordBytes) {
        return MakeError("auth.password_too_long",
                         "The password is longer than " + std::to_string(kMaxPasswordBytes) + " bytes.",
                         "password");
    }
    InitRandom();
    char out[crypto_pwhash_argon2id_STRBYTES];
    if (crypto_pwhash_argon2id_str(out, nfc->data(), nfc->size(), ops, mem) != 0) {
        return MakeError("internal", "The password could not be hashed (out of memory).");
    }
    return std::string(out);
}

bool VerifyPassword(std::string_view phc, std::string_view password) {
    if (phc.empty() || phc.size() >= crypto_pwhash_argon2id_STRBYTES) return false;
    Result<std::string> nfc = NormalizePassword(password);
    if (!nfc.ok() || nfc->size() > kMaxPasswordBytes) return false;
    std::string stored(phc);  // NUL-terminated for the library
    return crypto_pwhash_argon2id_str_verify(stored.c_str(), nfc->data(), nfc->size()) == 0;
}

const std::string& DummyHash() {
    static const std::string hash = [] {
        Result<std::string> h = HashPassword(RandomHex(16));
        return h.ok() ? *h : std::string();
    }();
    return hash;
}

std::string RandomHex(size_t n) {
    InitRandom();
    std::string bytes(n, '\0');
    randombytes_buf(bytes.data(), n);
    return Hex(reinterpret_cast<const unsigned char*>(bytes.data()), n);
}

std::string TokenDigest(std::string_view text) {
    unsigned char digest[32];
    crypto_generichash_blake2b(digest, sizeof digest, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size(), nullptr, 0);
    return Hex(digest, sizeof digest);
}

size_t CodePointCount(std::string_view utf8) {
    size_t count = 0;
    for (unsigned char c : utf8)
        if ((c & 0xC0) != 0x80) ++count;
    return count;
}

int CharacterClassCount(std::string_view utf8) {
    bool lower = false, upper = false, digit = false, other = false;
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(utf8.data());
    utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(utf8.size());
    while (left > 0) {
        utf8proc_int32_t cp = 0;
        utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
        if (n <= 0) break;
        p += n;
        left -= n;
        switch (utf8proc_category(cp)) {
            case UTF8PROC_CATEGORY_LL:
                lower = true;
                break;
            case UTF8PROC_CATEGORY_LU:
            case UTF8PROC_CATEGORY_LT:
                upper = true;
                break;
            case UTF8PROC_CATEGORY_ND:
                digit = true;
                break;
            default:
                other = true;
                break;
        }
    }
    return int(lower) + int(upper) + int(digit) + int(other);
}

}  // namespace crm::auth
