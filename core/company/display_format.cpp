#include "company/display_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "formula/value.h"

namespace crm {

std::string CurrencyPrefix(const std::string& code) {
    if (code.empty()) return "";
    if (code == "USD") return "$";
    if (code == "AUD" || code == "CAD" || code == "HKD" || code == "SGD" || code == "NZD")
        return code.substr(0, 2) + "$";
    if (code == "CNY" || code == "JPY") return "¥";
    if (code == "EUR") return "€";
    if (code == "GBP") return "£";
    if (code == "INR") return "₹";
    if (code == "KRW") return "₩";
    return code + " ";
}

std::string FormatMoney(double amount, const std::string& currency, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", std::clamp(decimals, 0, 6), std::fabs(amount));
    std::string digits = buf, frac;
    if (const size_t dot = digits.find('.'); dot != std::string::npos) {
        frac = digits.substr(dot);
        digits.resize(dot);
    }
    std::string grouped;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
        grouped += digits[i];
    }
    const bool negative = amount < 0 && (grouped != "0" || frac.find_first_not_of(".0") != std::string::npos);
    return (negative ? "-" : "") + CurrencyPrefix(currency) + grouped + frac;
}

std::string FormatDateAs(int64_t days, const std::string& date_format) {
    const formula::CivilDate d = formula::CivilFromDays(days);
    std::string out;
    char buf[16];
    for (size_t i = 0; i < date_format.size();) {
        auto at = [&](const char* token) {
            return date_format.compare(i, std::char_traits<char>::length(token), token) == 0;
        };
        if (at("YYYY")) {
            std::snprintf(buf, sizeof buf, "%04d", d.year);
            out += buf;
            i += 4;
        } else if (at("MM")) {
            std::snprintf(buf, sizeof buf, "%02d", d.month);
            out += buf;
            i += 2;
        } else if (at("DD")) {
            std::snprintf(buf, sizeof buf, "%02d", d.day);
            out += buf;
            i += 2;
        } else if (at("M")) {
            out += std::to_string(d.month);
            i += 1;
        } else if (at("D")) {
            out += std::to_string(d.day);
            i += 1;
        } else {
            out += date_format[i++];
        }
    }
    return out;
}

}  // namespace crm
