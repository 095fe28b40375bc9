// Where a JSON text stops parsing, and why, without exceptions: what the command interface and the
// configuration document both tell a user about malformed JSON.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace crm {

struct JsonParseError {
    std::size_t position = 0;  ///< nlohmann's 1-based count of the character it stopped at
    std::string reason;        ///< nlohmann's message ("[json.exception.parse_error.101] parse error at ...")
};

/// The parse error of `text` (reason "" when it parses).
JsonParseError LocateJsonError(std::string_view text);

}  // namespace crm
