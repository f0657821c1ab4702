#include "domain/business_hours.hpp"

#include <array>
#include <cctype>

namespace frontdesk::domain {
namespace {

constexpr std::array<std::string_view, 7> day_names{"mon", "tue", "wed", "thu",
                                                    "fri", "sat", "sun"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

int day_index(std::string_view name) {
  if (name.size() < 3) return -1;
  for (std::size_t i = 0; i < day_names.size(); ++i) {
    bool same = true;
    for (std::size_t k = 0; k < 3; ++k) {
      same = same && std::tolower(static_cast<unsigned char>(name[k])) == day_names[i][k];
    }
    if (same) return static_cast<int>(i);
  }
  return -1;
}

/// "09:00" -> minutes since midnight; -1 when malformed. "24:00" is allowed as a close time.
int minutes_of(std::string_view t) {
  if (t.size() != 5 || t[2] != ':' || !std::isdigit(static_cast<unsigned char>(t[0])) ||
      !std::isdigit(static_cast<unsigned char>(t[1])) ||
      !std::isdigit(static_cast<unsigned char>(t[3])) ||
      !std::isdigit(static_cast<unsigned char>(t[4]))) {
    return -1;
  }
  const int h = (t[0] - '0') * 10 + (t[1] - '0');
  const int m = (t[3] - '0') * 10 + (t[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return -1;
  return h * 60 + m;
}

}  // namespace

expected<decltype(sla_calendar_config::week), std::string> parse_business_hours(
    std::string_view text) {
  decltype(sla_calendar_config::week) week{};
  bool any = false;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t semi = text.find(';', start);
    const std::string_view part = trim(
        text.substr(start, semi == std::string_view::npos ? std::string_view::npos : semi - start));
    start = semi == std::string_view::npos ? text.size() + 1 : semi + 1;
    if (part.empty()) continue;
    const std::size_t space = part.find(' ');
    if (space == std::string_view::npos) {
      return unexpected{"\"" + std::string(part) +
                        "\": expected days and hours like Mon-Fri 09:00-17:00"};
    }
    const std::string_view days = trim(part.substr(0, space));
    const std::string_view hours = trim(part.substr(space + 1));
    const std::size_t dash = days.find('-');
    const int first = day_index(days.substr(0, dash));
    const int last = dash == std::string_view::npos ? first : day_index(days.substr(dash + 1));
    if (first < 0 || last < 0)
      return unexpected{"\"" + std::string(days) + "\": unknown day (Mon..Sun)"};
    const std::size_t hdash = hours.find('-');
    const int open = hdash == std::string_view::npos ? -1 : minutes_of(hours.substr(0, hdash));
    const int close = hdash == std::string_view::npos ? -1 : minutes_of(hours.substr(hdash + 1));
    if (open < 0 || close < 0)
      return unexpected{"\"" + std::string(hours) + "\": expected HH:MM-HH:MM"};
    if (close <= open)
      return unexpected{"\"" + std::string(hours) + "\": closing must be after opening"};
    for (int d = first;; d = (d + 1) % 7) {  // Fri-Mon wraps over the weekend
      week[static_cast<std::size_t>(d)] =
          day_hours{std::chrono::minutes(open), std::chrono::minutes(close)};
      if (d == last) break;
    }
    any = true;
  }
  if (!any) return unexpected{std::string("no opening hours given")};
  return week;
}

}  // namespace frontdesk::domain
