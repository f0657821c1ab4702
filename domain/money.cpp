#include "domain/money.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "domain/language_tokens.hpp"

namespace frontdesk::domain {

namespace {

constexpr std::size_t max_text = 64 * 1024;
constexpr std::int64_t max_minor = 100'000'000'000'000;  // 10^12 units

struct currency_sign {
  std::string_view text;
  std::string_view code;
};

// Longest first so "US$" wins over "$".
constexpr std::array<currency_sign, 10> signs = {{{"US$", "USD"},
                                                  {"CA$", "CAD"},
                                                  {"AU$", "AUD"},
                                                  {"C$", "CAD"},
                                                  {"A$", "AUD"},
                                                  {"R$", "BRL"},
                                                  {"$", "USD"},
                                                  {"\xE2\x82\xAC", "EUR"},
                                                  {"\xC2\xA3", "GBP"},
                                                  {"\xC2\xA5", "JPY"}}};

constexpr std::array<std::string_view, 9> codes = {"USD", "EUR", "GBP", "CAD", "AUD",
                                                   "JPY", "CHF", "MXN", "BRL"};

struct currency_word {
  std::string_view word;
  std::string_view code;
};
constexpr std::array<currency_word, 9> words = {{{"dollars", "USD"},
                                                 {"dollar", "USD"},
                                                 {"bucks", "USD"},
                                                 {"euros", "EUR"},
                                                 {"euro", "EUR"},
                                                 {"d\xC3\xB3lares", "USD"},
                                                 {"reais", "BRL"},
                                                 {"francs", "CHF"},
                                                 {"yen", "JPY"}}};

bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
char upper(char c) {
  return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (upper(a[i]) != upper(b[i])) return false;
  }
  return true;
}

bool comma_decimal_currency(std::string_view code) {
  return code == "EUR" || code == "BRL" || code == "CHF";
}

// A currency written just before position `end` (exclusive), one space allowed.
// Returns the code and sets `start` to where it begins.
std::string_view currency_before(std::string_view text, std::size_t end, std::size_t& start) {
  std::size_t e = end;
  if (e > 0 && text[e - 1] == ' ') --e;
  for (const auto& s : signs) {
    if (e >= s.text.size() && text.substr(e - s.text.size(), s.text.size()) == s.text) {
      const std::size_t b = e - s.text.size();
      // "$" directly after a letter is part of a longer sign we do not know ("NZ$").
      if (s.text == "$" && b > 0 && std::isalpha(static_cast<unsigned char>(text[b - 1]))) continue;
      start = b;
      return s.code;
    }
  }
  if (e == end) return {};  // a code needs a space: "USD 75"
  if (e >= 3) {
    const auto word = text.substr(e - 3, 3);
    const bool bounded = e - 3 == 0 || !is_alnum(text[e - 4]);
    for (const auto code : codes) {
      if (bounded && iequals(word, code)) {
        start = e - 3;
        return code;
      }
    }
  }
  return {};
}

// A currency written just after position `begin`, one space allowed. Sets `end`.
std::string_view currency_after(std::string_view text, std::size_t begin, std::size_t& end) {
  std::size_t b = begin;
  if (b < text.size() && text[b] == ' ') ++b;
  for (const auto& s : signs) {
    if (s.text.size() > 1 && s.text.back() == '$') continue;  // "US$" only leads
    if (text.substr(b, s.text.size()) == s.text) {
      end = b + s.text.size();
      return s.code;
    }
  }
  std::size_t w = b;
  while (w < text.size() && (std::isalpha(static_cast<unsigned char>(text[w])) ||
                             static_cast<unsigned char>(text[w]) >= 0x80)) {
    ++w;
  }
  if (w == b) return {};
  const auto word = text.substr(b, w - b);
  for (const auto code : codes) {
    if (iequals(word, code)) {
      end = w;
      return code;
    }
  }
  const std::string lower = to_lower_text(word);
  for (const auto& cw : words) {
    if (lower == cw.word) {
      end = w;
      return cw.code;
    }
  }
  return {};
}

// Converts the digits-and-separators span to minor units, given the currency.
std::optional<std::int64_t> to_minor(std::string_view number, std::string_view code) {
  int dots = 0;
  int commas = 0;
  std::size_t digits = 0;
  for (char c : number) {
    if (c == '.') ++dots;
    if (c == ',') ++commas;
    if (is_digit(c)) ++digits;
  }
  if (digits == 0 || digits > 15) return std::nullopt;
  char decimal = 0;
  if (dots > 0 && commas > 0) {
    decimal = number.rfind('.') > number.rfind(',') ? '.' : ',';
    if ((decimal == '.' ? dots : commas) > 1) return std::nullopt;
  } else if (dots + commas == 1) {
    const char sep = dots ? '.' : ',';
    const std::size_t after = number.size() - number.find(sep) - 1;
    const bool thousands = after == 3 && (sep == ',' || comma_decimal_currency(code));
    decimal = thousands ? 0 : sep;
  }
  // With no decimal separator every separator must split groups of three digits.
  std::int64_t units = 0;
  std::int64_t cents = 0;
  int fraction_digits = 0;
  bool in_fraction = false;
  std::size_t group = 0;
  bool first_group = true;
  for (char c : number) {
    if (is_digit(c)) {
      if (in_fraction) {
        if (fraction_digits < 2) cents = cents * 10 + (c - '0');
        ++fraction_digits;
      } else {
        units = units * 10 + (c - '0');
        ++group;
      }
      continue;
    }
    if (c == decimal) {
      if (!first_group && group != 3) return std::nullopt;
      in_fraction = true;
      continue;
    }
    // thousands separator
    if (in_fraction) return std::nullopt;
    if (first_group ? (group == 0 || group > 3) : group != 3) return std::nullopt;
    first_group = false;
    group = 0;
  }
  if (!in_fraction && !first_group && group != 3) return std::nullopt;
  if (fraction_digits > 2) return std::nullopt;  // "1,2345": not a money format
  if (fraction_digits == 1) cents *= 10;
  if (units > max_minor / 100) return std::nullopt;
  return units * 100 + cents;
}

}  // namespace

std::vector<money_amount> find_money_amounts(std::string_view text) {
  if (text.size() > max_text) text = text.substr(0, max_text);
  std::vector<money_amount> out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_digit(text[i]) || (i > 0 && (is_alnum(text[i - 1]) || text[i - 1] == '.' ||
                                         text[i - 1] == ',' || text[i - 1] == '#'))) {
      ++i;
      continue;
    }
    const std::size_t num_start = i;
    std::size_t j = i;
    while (j < text.size()) {
      if (is_digit(text[j])) {
        ++j;
      } else if ((text[j] == '.' || text[j] == ',') && j + 1 < text.size() &&
                 is_digit(text[j + 1])) {
        ++j;
      } else {
        break;
      }
    }
    std::string_view number = text.substr(num_start, j - num_start);
    std::size_t num_end = j;
    std::int64_t multiplier = 1;
    if (j < text.size() && (text[j] == 'k' || text[j] == 'K') &&
        (j + 1 == text.size() || !is_alnum(text[j + 1]))) {
      multiplier = 1000;
      num_end = j + 1;
    } else if (j < text.size() && is_alnum(text[j])) {
      // "12abc", "3rd", "120USD" (a code glued on is accepted below)
      std::size_t dummy = 0;
      if (currency_after(text, j, dummy).empty()) {
        i = j;
        continue;
      }
    }
    std::size_t match_start = num_start;
    std::size_t match_end = num_end;
    std::string_view code = currency_before(text, num_start, match_start);
    if (code.empty()) code = currency_after(text, num_end, match_end);
    i = std::max(j, match_end);
    if (code.empty()) continue;
    auto minor = to_minor(number, code);
    if (!minor) continue;
    if (*minor > max_minor / multiplier) continue;
    out.push_back({*minor * multiplier, std::string(code), match_start, match_end - match_start});
  }
  return out;
}

std::optional<money_amount> parse_money_value(std::string_view text,
                                              std::string_view default_currency) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (text.empty() || text.size() > 64) return std::nullopt;
  auto found = find_money_amounts(text);
  if (found.size() == 1 && found[0].offset == 0 && found[0].length == text.size()) return found[0];
  if (!found.empty()) return std::nullopt;
  for (char c : text) {
    if (!is_digit(c) && c != '.' && c != ',') return std::nullopt;
  }
  if (!is_digit(text.front()) || !is_digit(text.back())) return std::nullopt;
  const auto minor = to_minor(text, default_currency);
  if (!minor) return std::nullopt;
  return money_amount{*minor, std::string(default_currency), 0, text.size()};
}

double approximate_usd(const money_amount& amount) noexcept {
  double rate = 1.0;
  const std::string_view c = amount.currency;
  if (c == "EUR")
    rate = 1.08;
  else if (c == "GBP")
    rate = 1.27;
  else if (c == "CAD")
    rate = 0.73;
  else if (c == "AUD")
    rate = 0.66;
  else if (c == "JPY")
    rate = 0.0067;
  else if (c == "CHF")
    rate = 1.13;
  else if (c == "MXN")
    rate = 0.055;
  else if (c == "BRL")
    rate = 0.18;
  return amount.value() * rate;
}

std::optional<money_amount> find_refund_over(std::string_view text, double threshold_usd,
                                             std::size_t window) {
  if (text.size() > max_text) text = text.substr(0, max_text);
  const auto amounts = find_money_amounts(text);
  if (amounts.empty()) return std::nullopt;
  const auto tokens = tokenize_words(text, max_text);
  static constexpr std::array<std::string_view, 10> stems = {
      "refund",      "reimburs", "reembols", "rembours",   "erstatt",
      "rückerstatt", "rimbors",  "devolu",   "chargeback", "reembolsa"};
  std::vector<std::size_t> refund_positions;  // token indices
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    const auto& w = tokens[k].text;
    bool hit = std::any_of(stems.begin(), stems.end(), [&](auto s) { return w.starts_with(s); });
    if (!hit && w == "back" && k > 0 && tokens[k - 1].text == "money") hit = true;
    if (!hit && w == "back" && k > 1 && tokens[k - 2].text == "money") hit = true;
    if (hit) refund_positions.push_back(k);
  }
  if (refund_positions.empty()) return std::nullopt;
  std::optional<money_amount> best;
  for (const auto& a : amounts) {
    if (approximate_usd(a) <= threshold_usd) continue;
    // token index nearest to the amount's offset
    std::size_t at = 0;
    while (at < tokens.size() && tokens[at].offset < a.offset) ++at;
    const bool near =
        std::any_of(refund_positions.begin(), refund_positions.end(), [&](std::size_t r) {
          const std::size_t d = r > at ? r - at : at - r;
          return d <= window;
        });
    if (near && (!best || approximate_usd(a) > approximate_usd(*best))) best = a;
  }
  return best;
}

}  // namespace frontdesk::domain
