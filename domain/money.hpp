#pragma once
// Finds money amounts in free text ("$1,250.00", "120 USD", "1.250,00 €") and refunds over a
// threshold.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace frontdesk::domain {

struct money_amount {
  std::int64_t minor_units = 0;  ///< amount in cents (1/100 of the currency unit)
  std::string currency;          ///< ISO 4217 code ("USD", "EUR", ...)
  std::size_t offset = 0;        ///< byte offset of the match in the text
  std::size_t length = 0;        ///< byte length of the match
  double value() const noexcept { return static_cast<double>(minor_units) / 100.0; }
};

/// Every amount with an explicit currency (symbol before or after, ISO code before or after,
/// or a currency word: "dollars", "bucks", "euros", "reais"). Number formats:
///   - both '.' and ',' present: the later one is the decimal separator ("1,250.00", "1.250,00");
///   - one kind of separator repeated, or followed by exactly three digits: thousands
///     ("1,250", "1.250.000"), except a single '.' with a currency that writes decimals with
///     a point ("$1.250"): that is ambiguous and dropped;
///   - otherwise decimal ("90,50", "12.5"), at most two decimals ("$1,2345" is rejected);
///     a trailing "k" multiplies by 1000 ("$1.5k").
/// Bare numbers without currency are ignored (order numbers, dates). Amounts above
/// 10^12 or with more than 15 digits are dropped. Input beyond 64 KiB is ignored.
std::vector<money_amount> find_money_amounts(std::string_view text);

/// Parses a single value such as a custom attribute: "750", "750.00", "$750", "EUR 90".
/// A bare number is taken as default_currency.
std::optional<money_amount> parse_money_value(std::string_view text,
                                              std::string_view default_currency = "USD");

/// Approximate value in US dollars, for thresholds only (fixed rates; unknown currencies 1:1).
double approximate_usd(const money_amount& amount) noexcept;

/// A refund word ("refund", "money back", "reembolso", "remboursement", "Rückerstattung",
/// "rimborso", "reimburse"...) within `window` words of an amount whose approximate USD value
/// is greater than `threshold_usd`. Returns the largest such amount.
std::optional<money_amount> find_refund_over(std::string_view text, double threshold_usd,
                                             std::size_t window = 12);

}  // namespace frontdesk::domain
