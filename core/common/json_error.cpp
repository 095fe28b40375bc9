#include "common/json_error.h"

#include <nlohmann/json.hpp>

namespace crm {

namespace {

// A SAX pass that accepts everything and keeps the parser's error.
class ParseErrorLocator : public nlohmann::json_sax<nlohmann::json> {
public:
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& ex) override {
        error.position = position;
        error.reason = ex.what();
        return false;
    }
    JsonParseError error;
};

}  // namespace

JsonParseError LocateJsonError(std::string_view text) {
    ParseErrorLocator locator;
    nlohmann::json::sax_parse(text, &locator);
    return locator.error;
}

}  // namespace crm
