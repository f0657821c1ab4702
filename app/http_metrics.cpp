#include "app/http_metrics.hpp"

#include <cstdio>

namespace frontdesk::app {

void latency_histogram::observe(double seconds) {
  std::size_t i = 0;
  while (i < bounds.size() && seconds > bounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void render_histogram(std::string& out, const std::string& name, const std::string& labels,
                      std::span<const double> bounds, std::span<const std::uint64_t> counts,
                      double sum_seconds) {
  std::uint64_t cumulative = 0;
  char buf[64];
  for (std::size_t i = 0; i <= bounds.size() && i < counts.size(); ++i) {
    cumulative += counts[i];
    if (i < bounds.size()) {
      std::snprintf(buf, sizeof buf, "%g", bounds[i]);
    } else {
      std::snprintf(buf, sizeof buf, "+Inf");
    }
    out += name + "_bucket{" + labels + (labels.empty() ? "" : ",") + "le=\"" + buf + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  std::snprintf(buf, sizeof buf, "%.6f", sum_seconds);
  out += name + "_sum{" + labels + "} " + buf + "\n";
  out += name + "_count{" + labels + "} " + std::to_string(cumulative) + "\n";
}

void latency_histogram::render(std::string& out, const std::string& name,
                               const std::string& labels) const {
  std::array<std::uint64_t, bounds.size() + 1> counts{};
  for (std::size_t i = 0; i < counts.size(); ++i) {
    counts[i] = buckets_[i].load(std::memory_order_relaxed);
  }
  render_histogram(out, name, labels, bounds, counts, double(sum_micros_.load()) / 1e6);
}

void http_metrics::count(const std::string& series, std::uint64_t n) {
  std::lock_guard<std::mutex> lock(mutex_);
  counters_[series].fetch_add(n, std::memory_order_relaxed);
}

void http_metrics::observe(const std::string& route, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  histograms_[route].observe(seconds);
}

std::string http_metrics::render() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  std::string last_name;
  for (const auto& [series, value] : counters_) {
    const std::string name = series.substr(0, series.find('{'));
    if (name != last_name) {
      out += "# TYPE " + name + " counter\n";
      last_name = name;
    }
    out += series + " " + std::to_string(value.load()) + "\n";
  }
  out += "# TYPE frontdesk_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : histograms_) {
    h.render(out, "frontdesk_http_request_duration_seconds", "route=\"" + route + "\"");
  }
  return out;
}

}  // namespace frontdesk::app
