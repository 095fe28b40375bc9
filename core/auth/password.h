// Passwords: NFC normalisation, Argon2id hashes (libsodium) in PHC strings, the password policy's checks.
// Nothing here touches the database; AuthService (auth.h) stores what these produce.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace crm::auth {

/// The Argon2id cost of every new hash: 3 passes over 32 MiB, one lane. Chosen with bench/auth
/// (`auth.hash_ms`): a sign-in takes a few hundred milliseconds natively and in wasm on the 2-core
/// machine, within the 100 ms .. 1 s the issue asks; 32 MiB stays small beside the browser tab's heap.
/// A stored hash keeps its own parameters (the PHC string), so raising these later leaves old hashes
/// valid.
constexpr unsigned long long kHashOpsLimit = 3;
constexpr size_t kHashMemLimit = size_t(32) << 20;

/// The most bytes a password may have (after NFC); longer ones are refused, not truncated.
constexpr size_t kMaxPasswordBytes = 1024;

/// The password in Unicode NFC (utf8proc), so the same characters typed as precomposed or decomposed
/// code points give the same hash. Errors: "auth.password_invalid_text" (not UTF-8).
Result<std::string> NormalizePassword(std::string_view password);

/// A salted Argon2id hash of the NFC form, as a PHC string ("$argon2id$v=19$m=32768,t=3,p=1$salt$hash").
/// Errors: empty, too long, not UTF-8; "internal" if the library fails (out of memory).
Result<std::string> HashPassword(std::string_view password, unsigned long long ops = kHashOpsLimit,
                                 size_t mem = kHashMemLimit);

/// Whether `password` (normalised to NFC) matches `phc`; the comparison inside libsodium is constant-time.
/// A malformed PHC string or password is simply false.
bool VerifyPassword(std::string_view phc, std::string_view password);

/// A hash of an unguessable password made once with the current parameters: verifying against it costs
/// what a real verification costs, so an unknown username takes as long as a wrong password.
const std::string& DummyHash();

/// `n` random bytes from libsodium's generator, as lowercase hex (2n characters).
std::string RandomHex(size_t n);
/// BLAKE2b-256 of `text` as lowercase hex: how session tokens are stored (never the token itself).
std::string TokenDigest(std::string_view text);

/// The number of code points of a UTF-8 string (its length as the policy counts it).
size_t CodePointCount(std::string_view utf8);

/// The character classes of a password: lowercase, uppercase, digit, other (symbols, spaces, letters
/// without case such as Chinese, emoji), by Unicode category. Answers how many of the four occur.
int CharacterClassCount(std::string_view utf8);

/// Whether `password` (case-insensitive for ASCII) is on the common-passwords list (common_passwords.cpp).
bool IsCommonPassword(std::string_view password);

}  // namespace crm::auth
