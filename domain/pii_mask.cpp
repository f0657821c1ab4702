#include "domain/pii_mask.hpp"

#include <cctype>

namespace frontdesk::domain {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_email_local(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '%' ||
         c == '+' || c == '-';
}
bool is_domain_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
}

bool is_separator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
}

/// 2026-11-21, 2026.11.21, 2026/11/21 style dates are not phone numbers.
bool looks_like_date(std::string_view run) {
  return run.size() == 10 && is_digit(run[0]) && is_digit(run[3]) &&
         (run[4] == '-' || run[4] == '.') && run[7] == run[4] && is_digit(run[5]) &&
         is_digit(run[9]);
}

bool luhn(std::string_view digits) {
  int sum = 0;
  bool dbl = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

/// Length of an email address starting at `i` (after a non-local char), or 0.
std::size_t email_at(std::string_view s, std::size_t i, std::size_t& at_pos) {
  std::size_t j = i;
  while (j < s.size() && is_email_local(s[j])) ++j;
  if (j == i || j >= s.size() || s[j] != '@') return 0;
  at_pos = j;
  std::size_t k = j + 1;
  std::size_t last_dot = 0;
  while (k < s.size() && is_domain_char(s[k])) {
    if (s[k] == '.') last_dot = k;
    ++k;
  }
  while (k > j + 1 && (s[k - 1] == '.' || s[k - 1] == '-')) --k;  // trailing punctuation
  if (last_dot == 0 || last_dot <= j + 1 || last_dot + 2 > k) return 0;
  return k - i;
}

/// A run of digits with single spaces, dashes, dots or parentheses between them,
/// optionally starting with '+'. Returns its length and collects the digits.
std::size_t number_run(std::string_view s, std::size_t i, std::string& digits) {
  std::size_t j = i;
  digits.clear();
  if (j < s.size() && s[j] == '+') ++j;
  std::size_t end = j;
  while (j < s.size()) {
    if (is_digit(s[j])) {
      digits.push_back(s[j]);
      ++j;
      end = j;
    } else if (is_separator(s[j])) {
      // Up to two separators in a row ("(555) 010"), only when a digit follows.
      std::size_t k = j;
      while (k < s.size() && k - j < 2 && is_separator(s[k])) ++k;
      if (k >= s.size() || !is_digit(s[k])) break;
      j = k;
    } else {
      break;
    }
  }
  return end - i;
}

}  // namespace

std::string mask_pii(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::string digits;
  std::size_t i = 0;
  while (i < s.size()) {
    const bool boundary = i == 0 || !is_email_local(s[i - 1]);
    std::size_t at = 0;
    if (boundary && is_email_local(s[i])) {
      if (const std::size_t n = email_at(s, i, at)) {
        out.push_back(s[i]);
        out += "***";
        out.append(s.substr(at, i + n - at));
        i += n;
        continue;
      }
    }
    const bool num_boundary = i == 0 || !std::isalnum(static_cast<unsigned char>(s[i - 1]));
    if (num_boundary &&
        (is_digit(s[i]) || (s[i] == '+' && i + 1 < s.size() && is_digit(s[i + 1])) ||
         (s[i] == '(' && i + 1 < s.size() && is_digit(s[i + 1])))) {
      const std::size_t n = number_run(s, i, digits);
      const bool tail_ok = i + n >= s.size() || !std::isalnum(static_cast<unsigned char>(s[i + n]));
      const bool plus = s[i] == '+';
      if (tail_ok && !plus && digits.size() >= 13 && digits.size() <= 19 && luhn(digits)) {
        out += "****-****-****-";
        out += digits.substr(digits.size() - 4);
        i += n;
        continue;
      }
      const bool separated = n > digits.size();  // formatted like a phone number
      const bool phone_like = (plus && digits.size() >= 8) || digits.size() >= 10 ||
                              (separated && digits.size() >= 7 && !looks_like_date(s.substr(i, n)));
      if (tail_ok && digits.size() <= 15 && phone_like) {
        out += "***-**";
        out += digits.substr(digits.size() - 2);
        i += n;
        continue;
      }
      if (n > 0) {
        out.append(s.substr(i, n));
        i += n;
        continue;
      }
    }
    out.push_back(s[i]);
    ++i;
  }
  return out;
}

}  // namespace frontdesk::domain
