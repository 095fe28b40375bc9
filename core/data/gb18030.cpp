// The GB18030 encoder (gb18030.h states the rules).
#include "data/gb18030.h"

#include <algorithm>
#include <vector>

namespace crm {

namespace {

constexpr uint32_t kSupplementaryFirst = 189000;  ///< the four-byte index of U+10000 (0x90308130)
constexpr uint32_t kBmpFourBytes = 39420;         ///< four-byte indexes 0..39419 are in the BMP
constexpr uint16_t kNone = 0xFFFF;

struct Tables {
    std::vector<uint16_t> two;   ///< BMP code point -> its two-byte code (0: none)
    std::vector<uint16_t> four;  ///< BMP code point -> its four-byte index (kNone: none)
    bool ok = false;
};

Tables Build() {
    Tables t;
    t.two.assign(0x10000, 0);
    t.four.assign(0x10000, kNone);
    // Every two-byte code, then every BMP four-byte code, through the platform's decoder.
    std::string codes;
    std::vector<uint16_t> two_codes;
    for (unsigned lead = 0x81; lead <= 0xFE; ++lead) {
        for (unsigned trail = 0x40; trail <= 0xFE; ++trail) {
            if (trail == 0x7F) continue;
            codes += static_cast<char>(lead);
            codes += static_cast<char>(trail);
            two_codes.push_back(static_cast<uint16_t>(lead << 8 | trail));
        }
    }
    std::vector<uint32_t> cps = DecodeEachGb18030(codes, 2);
    if (cps.size() != two_codes.size()) return t;
    for (size_t i = 0; i < cps.size(); ++i) {
        if (cps[i] >= 0x80 && cps[i] <= 0xFFFF && t.two[cps[i]] == 0) t.two[cps[i]] = two_codes[i];
    }
    codes.clear();
    for (uint32_t index = 0; index < kBmpFourBytes; ++index) {
        codes += static_cast<char>(0x81 + index / 12600);
        codes += static_cast<char>(0x30 + index / 1260 % 10);
        codes += static_cast<char>(0x81 + index / 10 % 126);
        codes += static_cast<char>(0x30 + index % 10);
    }
    cps = DecodeEachGb18030(codes, 4);
    if (cps.size() != kBmpFourBytes) return t;
    for (uint32_t index = 0; index < kBmpFourBytes; ++index) {
        const uint32_t cp = cps[index];
        if (cp >= 0x80 && cp <= 0xFFFF && t.two[cp] == 0 && t.four[cp] == kNone)
            t.four[cp] = static_cast<uint16_t>(index);
    }
    t.ok = t.two[0x4E2D] == 0xD6D0;  // 中
    return t;
}

const Tables& Get() {
    static const Tables tables = Build();
    return tables;
}

/// The code point of one UTF-8 character, or -1.
int64_t OneCodePoint(const unsigned char* s, size_t n) {
    if (n == 2 && (s[0] & 0xE0) == 0xC0) return ((s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    if (n == 3 && (s[0] & 0xF0) == 0xE0) return ((s[0] & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    if (n == 4 && (s[0] & 0xF8) == 0xF0)
        return ((s[0] & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    return -1;
}

void PutFour(uint32_t index, std::string& out) {
    out += static_cast<char>(0x81 + index / 12600);
    out += static_cast<char>(0x30 + index / 1260 % 10);
    out += static_cast<char>(0x81 + index / 10 % 126);
    out += static_cast<char>(0x30 + index % 10);
}

/// Writes one code point (>= 0x80); false when it cannot be (a surrogate, or one the decoder never gives).
bool Put(const Tables& t, uint32_t cp, std::string& out) {
    if (cp >= 0x10000) {
        PutFour(kSupplementaryFirst + (cp - 0x10000), out);
        return true;
    }
    if (const uint16_t code = t.two[cp]) {
        out += static_cast<char>(code >> 8);
        out += static_cast<char>(code & 0xFF);
        return true;
    }
    if (t.four[cp] == kNone) return false;
    PutFour(t.four[cp], out);
    return true;
}

}  // namespace

bool Gb18030Available() { return Get().ok; }

void Gb18030Encoder::Encode(std::string_view utf8, std::string& out) {
    const Tables& t = Get();
    std::string joined;
    if (!carry_.empty()) {
        joined = carry_;
        joined.append(utf8);
        carry_.clear();
        utf8 = joined;
    }
    const auto* s = reinterpret_cast<const unsigned char*>(utf8.data());
    const size_t n = utf8.size();
    out.reserve(out.size() + n);
    size_t i = 0;
    while (i < n) {
        if (s[i] < 0x80) {
            size_t j = i;
            while (j < n && s[j] < 0x80) ++j;
            out.append(utf8.data() + i, j - i);
            i = j;
            continue;
        }
        const unsigned char c = s[i];
        const size_t len = c >= 0xC2 && c <= 0xDF   ? 2
                           : c >= 0xE0 && c <= 0xEF ? 3
                           : c >= 0xF0 && c <= 0xF4 ? 4
                                                    : 0;
        size_t have = 1;
        while (have < len && i + have < n && (s[i + have] & 0xC0) == 0x80) ++have;
        if (len > 0 && have < len && i + have == n) {  // cut at the end of the piece: wait for the rest
            carry_.assign(utf8.data() + i, n - i);
            return;
        }
        const int64_t cp = len > 0 && have == len ? OneCodePoint(s + i, len) : -1;
        const bool shortest =
            (len == 3 && cp >= 0x800) || (len == 4 && cp >= 0x10000 && cp <= 0x10FFFF) || len == 2;
        if (cp < 0 || !shortest || !Put(t, static_cast<uint32_t>(cp), out)) {
            out += '?';
            ++replaced_;
            i += std::max<size_t>(have, 1);
            continue;
        }
        i += len;
    }
}

void Gb18030Encoder::Finish(std::string& out) {
    if (carry_.empty()) return;
    out += '?';
    ++replaced_;
    carry_.clear();
}

std::string Gb18030FromUtf8(std::string_view utf8) {
    Gb18030Encoder encoder;
    std::string out;
    encoder.Encode(utf8, out);
    encoder.Finish(out);
    return out;
}

}  // namespace crm
