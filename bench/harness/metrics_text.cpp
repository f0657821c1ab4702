#include "bench/harness/metrics_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace frontdesk::bench {

namespace {

/// Calls `sample(labels, value)` for every well-formed sample of metric `name` whose label set
/// (`{...}`, or empty) contains `label`.
template <class Sample>
void for_each_sample(std::string_view text, std::string_view name, std::string_view label,
                     Sample sample) {
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
    std::string_view labels;
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
      labels = rest.substr(0, i + 1);
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
    sample(labels, v);
  }
}

}  // namespace

std::optional<double> metric_sum(std::string_view text, std::string_view name) {
  return metric_sum_with(text, name, {});
}

std::optional<double> metric_sum_with(std::string_view text, std::string_view name,
                                      std::string_view label) {
  std::optional<double> total;
  for_each_sample(text, name, label,
                  [&](std::string_view, double v) { total = total.value_or(0) + v; });
  return total;
}

std::optional<double> histogram_quantile_bound(std::string_view text, std::string_view name,
                                               std::string_view label, double q) {
  std::vector<std::pair<double, double>> buckets;  // (le, cumulative count)
  for_each_sample(text, std::string(name) + "_bucket", label,
                  [&](std::string_view labels, double below) {
                    const auto at = labels.find("le=\"");
                    if (at == std::string_view::npos) return;
                    const auto end = labels.find('"', at + 4);
                    if (end == std::string_view::npos) return;
                    const std::string le(labels.substr(at + 4, end - at - 4));
                    double bound = std::numeric_limits<double>::infinity();
                    if (le != "+Inf") {
                      char* stop = nullptr;
                      bound = std::strtod(le.c_str(), &stop);
                      if (le.empty() || stop != le.c_str() + le.size() || !std::isfinite(bound))
                        return;
                    }
                    buckets.emplace_back(bound, below);
                  });
  if (buckets.empty()) return std::nullopt;
  std::sort(buckets.begin(), buckets.end());
  const double total = buckets.back().second;
  if (total <= 0) return std::nullopt;
  for (const auto& [bound, below] : buckets) {
    if (below >= q * total) return bound;
  }
  return buckets.back().first;
}

}  // namespace frontdesk::bench
