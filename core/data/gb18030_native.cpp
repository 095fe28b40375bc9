// The platform's GB18030 decoder on the desktop: iconv (gb18030.h).
#ifndef __EMSCRIPTEN__
#include <iconv.h>

#include "data/gb18030.h"

namespace crm {

std::vector<uint32_t> DecodeEachGb18030(std::string_view codes, size_t width) {
    iconv_t cd = iconv_open("UTF-32LE", "GB18030");
    if (cd == reinterpret_cast<iconv_t>(-1) || width == 0) return {};
    std::vector<uint32_t> out;
    out.reserve(codes.size() / width);
    std::string code(width, '\0');
    for (size_t at = 0; at + width <= codes.size(); at += width) {
        code.assign(codes.data() + at, width);
        char* ip = code.data();
        size_t il = width;
        unsigned char decoded[8];
        char* op = reinterpret_cast<char*>(decoded);
        size_t ol = sizeof decoded;
        iconv(cd, nullptr, nullptr, nullptr, nullptr);
        const bool one = iconv(cd, &ip, &il, &op, &ol) != static_cast<size_t>(-1) && il == 0 && ol == 4;
        out.push_back(one ? static_cast<uint32_t>(decoded[0] | decoded[1] << 8 | decoded[2] << 16 |
                                                  static_cast<uint32_t>(decoded[3]) << 24)
                          : 0);
    }
    iconv_close(cd);
    return out;
}

}  // namespace crm
#endif
