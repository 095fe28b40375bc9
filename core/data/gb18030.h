// Writing GB18030 (GBK's superset, what spreadsheet programs in China open by default), on both targets.
//
// Decisions where SEMANTICS.md is silent:
// - Glibc's iconv writes GB18030 but the browser's (Emscripten's musl) only reads it, and a browser has no
//   encoder but UTF-8. So the encoder is ours, one code for both targets, and its table is not written by
//   hand: it is the inverse of the platform's own decoder (natively iconv, in the browser TextDecoder),
//   asked once for each of the 23,940 two-byte codes and the 39,420 four-byte codes of the BMP; beyond the
//   BMP the codes run on from 0x90308130 (U+10000), as the standard and both decoders have it. Where a
//   character has a two-byte code it gets it (U+1E3F is A8BC, as GB18030-2005 has it).
// - What cannot be written (invalid UTF-8, a lone surrogate) becomes "?"; Gb18030Encoder counts them.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace crm {

/// Whether GB18030 can be written here (the platform's decoder answered the table).
bool Gb18030Available();

/// UTF-8 in, GB18030 out, a piece at a time: a UTF-8 sequence cut at the end of a piece waits for the next.
class Gb18030Encoder {
public:
    /// Appends the GB18030 form of `utf8` (after what waited from the last piece) to `out`.
    void Encode(std::string_view utf8, std::string& out);
    /// Writes what still waits (a cut sequence at the very end becomes "?").
    void Finish(std::string& out);
    /// Characters written as "?" so far.
    int64_t replaced() const { return replaced_; }

private:
    std::string carry_;
    int64_t replaced_ = 0;
};

/// The whole text at once.
std::string Gb18030FromUtf8(std::string_view utf8);

/// The platform's decoder (gb18030_native.cpp: iconv; gb18030_web.cpp: the browser's TextDecoder): the
/// code point of each `width`-byte code in `codes` (0 when it is not one character); empty when the
/// platform cannot decode GB18030.
std::vector<uint32_t> DecodeEachGb18030(std::string_view codes, size_t width);

}  // namespace crm
