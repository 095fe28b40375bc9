// Values as the company profile shows them: money in the profile's currency, dates in its date format.
// The one place they are formatted for people: notification templates, and the console's charts and
// report values (ui/kit/chart.cpp).
#pragma once
#include <cstdint>
#include <string>

namespace crm {

/// The symbol written before an amount: "$" (USD), "¥" (CNY, JPY), "€", "£", "HK$"..., else "CODE ".
std::string CurrencyPrefix(const std::string& currency);
/// "$1,234.50", "-¥12.00": grouped thousands, `decimals` places (0..6).
std::string FormatMoney(double amount, const std::string& currency, int decimals = 2);
/// A day (days since 1970-01-01) in a date format of SupportedDateFormats(): tokens YYYY, MM, M, DD, D;
/// everything else is copied ("YYYY年MM月DD日" gives "2026年03月05日").
std::string FormatDateAs(int64_t days, const std::string& date_format);

}  // namespace crm
