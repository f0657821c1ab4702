#include "bench/harness/metrics_text.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

namespace frontdesk::bench {

std::optional<double> metric_sum(std::string_view text, std::string_view name) {
  return metric_sum_with(text, name, {});
}

std::optional<double> metric_sum_with(std::string_view text, std::string_view name,
                                      std::string_view label) {
  std::optional<double> total;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.empty() || line.front() == '#') continue;
    if (line.substr(0, name.size()) != name) continue;
    std::string_view rest = line.substr(name.size());
    if (rest.empty()) continue;
    if (!label.empty() && (rest.front() != '{' || rest.find(label) == std::string_view::npos))
      continue;
    if (rest.front() == '{') {
      // Label values may hold '}' inside quotes.
      bool quoted = false;
      std::size_t i = 1;
      for (; i < rest.size(); ++i) {
        if (rest[i] == '\\' && quoted) {
          ++i;
        } else if (rest[i] == '"') {
          quoted = !quoted;
        } else if (rest[i] == '}' && !quoted) {
          break;
        }
      }
      if (i >= rest.size()) continue;
      rest.remove_prefix(i + 1);
    }
    if (rest.empty() || (rest.front() != ' ' && rest.front() != '\t')) continue;
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    const auto end = rest.find_first_of(" \t");
    const std::string number(rest.substr(0, end));
    if (number.empty() || number.size() > 64) continue;
    char* stop = nullptr;
    const double v = std::strtod(number.c_str(), &stop);
    if (stop != number.c_str() + number.size() || !std::isfinite(v)) continue;
    total = total.value_or(0) + v;
  }
  return total;
}

}  // namespace frontdesk::bench
