// Base64 (RFC 4648, with padding): HTTP basic authentication (the ERP connectors), MIME encoded words (email
// headers, native/net).
#pragma once
#include <string>
#include <string_view>

namespace crm {

/// Standard Base64 of bytes, padded with '='.
std::string Base64(std::string_view bytes);

}  // namespace crm
