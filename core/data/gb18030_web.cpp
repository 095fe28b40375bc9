// The platform's GB18030 decoder in the browser (and under Node.js): TextDecoder (gb18030.h).
#ifdef __EMSCRIPTEN__
#include <emscripten.h>

#include "data/gb18030.h"

// Decodes the codes in one call, each followed by a line feed (never part of a code), and splits there: a
// code that is not one character (an error's U+FFFD, or a byte given back) answers 0.
EM_JS(int, crm_gb18030_decode_each, (const char* codes, int count, int width, uint32_t* out), {
    var decoder;
    try {
        decoder = new TextDecoder('gb18030');
    } catch (e) {
        return 0;
    }
    var bytes = new Uint8Array(count * (width + 1));
    for (var i = 0; i < count; ++i) {
        bytes.set(HEAPU8.subarray(codes + i * width, codes + (i + 1) * width), i * (width + 1));
        bytes[i * (width + 1) + width] = 10;
    }
    var parts = decoder.decode(bytes).split('\n');
    for (var i = 0; i < count; ++i) {
        var p = parts[i] || "";
        var cp = p.length > 0 ? p.codePointAt(0) : 0;
        var one = p.length == (cp > 0xFFFF ? 2 : 1) && cp != 0xFFFD;
        HEAPU32[(out >> 2) + i] = one ? cp : 0;
    }
    return 1;
});

namespace crm {

std::vector<uint32_t> DecodeEachGb18030(std::string_view codes, size_t width) {
    if (width == 0) return {};
    const std::string held(codes);
    std::vector<uint32_t> out(held.size() / width, 0);
    if (!crm_gb18030_decode_each(held.data(), static_cast<int>(out.size()), static_cast<int>(width),
                                 out.data()))
        return {};
    return out;
}

}  // namespace crm
#endif
