#include "domain/retry_after.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace frontdesk::domain {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads exactly `width` digits (width 0: one or more, at most 9).
std::optional<int> read_number(std::string_view& s, std::size_t width) {
  std::size_t n = 0;
  int v = 0;
  while (n < s.size() && is_digit(s[n]) && (width == 0 ? n < 9 : n < width)) {
    v = v * 10 + (s[n] - '0');
    ++n;
  }
  if (n == 0 || (width != 0 && n != width)) return std::nullopt;
  s.remove_prefix(n);
  return v;
}

bool expect(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

bool skip_spaces(std::string_view& s) {
  if (s.empty() || s.front() != ' ') return false;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return true;
}

std::optional<int> read_month(std::string_view& s) {
  static constexpr std::array<std::string_view, 12> months = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() < 3) return std::nullopt;
  for (std::size_t i = 0; i < months.size(); ++i) {
    if (s.substr(0, 3) == months[i]) {
      s.remove_prefix(3);
      return static_cast<int>(i) + 1;
    }
  }
  return std::nullopt;
}

bool read_day_name(std::string_view& s, bool long_form) {
  static constexpr std::array<std::string_view, 7> short_names = {"Mon", "Tue", "Wed", "Thu",
                                                                  "Fri", "Sat", "Sun"};
  static constexpr std::array<std::string_view, 7> long_names = {
      "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  const auto& names = long_form ? long_names : short_names;
  for (auto name : names) {
    if (s.substr(0, name.size()) == name) {
      s.remove_prefix(name.size());
      return true;
    }
  }
  return false;
}

bool read_time(std::string_view& s, int& h, int& m, int& sec) {
  auto hh = read_number(s, 2);
  if (!hh || !expect(s, ':')) return false;
  auto mm = read_number(s, 2);
  if (!mm || !expect(s, ':')) return false;
  auto ss = read_number(s, 2);
  if (!ss) return false;
  h = *hh;
  m = *mm;
  sec = *ss;
  return h <= 23 && m <= 59 && sec <= 60;
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool valid_day(int year, int month, int day) {
  static constexpr std::array<int, 12> len = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  int max = len[static_cast<std::size_t>(month - 1)];
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && leap) max = 29;
  return day <= max;
}

std::optional<std::int64_t> to_unix(int year, int month, int day, int h, int m, int s) {
  if (!valid_day(year, month, day)) return std::nullopt;
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
         h * 3600 + m * 60 + s;
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<std::int64_t> imf_fixdate(std::string_view s) {
  if (!read_day_name(s, false) || !expect(s, ',') || !expect(s, ' ')) return std::nullopt;
  auto day = read_number(s, 2);
  if (!day || !expect(s, ' ')) return std::nullopt;
  auto month = read_month(s);
  if (!month || !expect(s, ' ')) return std::nullopt;
  auto year = read_number(s, 4);
  if (!year || !expect(s, ' ')) return std::nullopt;
  int h = 0, m = 0, sec = 0;
  if (!read_time(s, h, m, sec) || s != " GMT") return std::nullopt;
  return to_unix(*year, *month, *day, h, m, sec);
}

// "Sunday, 06-Nov-94 08:49:37 GMT"
std::optional<std::int64_t> rfc850_date(std::string_view s) {
  if (!read_day_name(s, true) || !expect(s, ',') || !expect(s, ' ')) return std::nullopt;
  auto day = read_number(s, 2);
  if (!day || !expect(s, '-')) return std::nullopt;
  auto month = read_month(s);
  if (!month || !expect(s, '-')) return std::nullopt;
  auto yy = read_number(s, 2);
  if (!yy || !expect(s, ' ')) return std::nullopt;
  int h = 0, m = 0, sec = 0;
  if (!read_time(s, h, m, sec) || s != " GMT") return std::nullopt;
  const int year = *yy >= 70 ? 1900 + *yy : 2000 + *yy;
  return to_unix(year, *month, *day, h, m, sec);
}

// "Sun Nov  6 08:49:37 1994"
std::optional<std::int64_t> asctime_date(std::string_view s) {
  if (!read_day_name(s, false) || !expect(s, ' ')) return std::nullopt;
  auto month = read_month(s);
  if (!month || !skip_spaces(s)) return std::nullopt;
  auto day = read_number(s, 0);
  if (!day || *day > 31 || !expect(s, ' ')) return std::nullopt;
  int h = 0, m = 0, sec = 0;
  if (!read_time(s, h, m, sec) || !expect(s, ' ')) return std::nullopt;
  auto year = read_number(s, 4);
  if (!year || !s.empty()) return std::nullopt;
  return to_unix(*year, *month, *day, h, m, sec);
}

}  // namespace

std::optional<std::int64_t> parse_http_date(std::string_view value) noexcept {
  value = trim(value);
  if (value.size() > 64) return std::nullopt;
  if (auto t = imf_fixdate(value)) return t;
  if (auto t = rfc850_date(value)) return t;
  return asctime_date(value);
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::int64_t now_unix_seconds) noexcept {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (is_digit(value.front())) {
    std::int64_t v = 0;
    for (char c : value) {
      if (!is_digit(c)) return std::nullopt;
      if (v < max_retry_after.count()) v = v * 10 + (c - '0');
    }
    return std::chrono::seconds{std::min<std::int64_t>(v, max_retry_after.count())};
  }
  auto when = parse_http_date(value);
  if (!when) return std::nullopt;
  const std::int64_t delta = *when - now_unix_seconds;
  if (delta <= 0) return std::chrono::seconds{0};
  return std::chrono::seconds{std::min<std::int64_t>(delta, max_retry_after.count())};
}

}  // namespace frontdesk::domain
